//! Open data: `api/questions/<id>.json` (every language's record and Markdown), the bulk
//! `questions.jsonl` (the same records, one a line) and `questions.csv` (one row per question and
//! language), `api/members.json`, `api/ministries.json`, `api/keywords.json`, a `SHA256SUMS` of
//! the bulk files, the JSON Schema of a record, and a page documenting them and their licence.

use std::collections::HashMap;
use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::build::Site;
use crate::cache::Memo;
use crate::content::{Question, Status};
use crate::error::Result;
use crate::render::publishing::{paths, DataPageFiles};
use crate::render::{views, Renderer};
use crate::site::library::{Group, TaxonomyKind};

/// The JSON Schema (2020-12) of `api/questions/<id>.json` and of each line of `questions.jsonl`.
pub const QUESTION_SCHEMA: &str = include_str!("question.schema.json");

/// Columns of `questions.csv`.
pub const CSV_COLUMNS: [&str; 19] = [
    "id",
    "lang",
    "original_lang",
    "assembly",
    "legislature",
    "number",
    "title",
    "author",
    "party",
    "addressee",
    "addressee_kind",
    "ministries",
    "keywords",
    "date",
    "deadline",
    "answered",
    "status",
    "url",
    "source",
];

fn kebab<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn ministries(r: &Renderer<'_>, q: &Question, i: u32) -> Vec<String> {
    let l = r.language_of(q);
    let index = &r.library().langs[l];
    index
        .ministries_of
        .get(&i)
        .map(|ts| {
            ts.iter()
                .map(|&t| {
                    index.taxonomy(TaxonomyKind::Ministries).terms[t]
                        .name
                        .clone()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn version(r: &Renderer<'_>, site: &Site, i: u32) -> Result<Value> {
    let q = r.library().question(i);
    let (question, answer) = crate::content::load::read_body(&site.root, q)?;
    Ok(json!({
        "lang": q.lang,
        "title": q.title,
        "author": q.author,
        "party": q.party,
        "addressee": q.addressee,
        "addressee_kind": kebab(q.addressee_kind),
        "ministries": ministries(r, q, i),
        "keywords": q.keywords,
        "date": q.date.to_string(),
        "deadline": q.deadline.map(|d| d.to_string()),
        "answered": q.answered.map(|d| d.to_string()),
        "status": views::status_key(q.status),
        "events": q.events.iter().map(|e| json!({"date": e.date.to_string(), "type": kebab(e.kind)})).collect::<Vec<_>>(),
        "links": q.links.iter().map(|l| json!({"type": kebab(l.kind), "id": l.id, "kind": kebab(l.target)})).collect::<Vec<_>>(),
        "source": q.source,
        "url": r.base.absolute(&r.question_url(q)),
        "question": question,
        "answer": answer,
    }))
}

/// The open-data record of one question: shared fields, then one entry per language.
fn record(r: &Renderer<'_>, site: &Site, g: &Group) -> Result<Value> {
    let lib = r.library();
    let primary = lib.question(lib.primary(g));
    let mut versions = serde_json::Map::new();
    for (lang, i) in &g.versions {
        versions.insert(lang.clone(), version(r, site, *i)?);
    }
    Ok(json!({
        "id": g.id,
        "assembly": primary.assembly,
        "legislature": primary.legislature,
        "number": primary.number,
        "original_lang": primary.original_lang,
        "url": r.base.absolute(&format!("questions/{}/", g.id)),
        "versions": versions,
    }))
}

/// A question's open-data record: built now (its `questions.jsonl` line and its own pretty file,
/// serialised where it was built so that no record's JSON tree outlives its task), or its line
/// kept from the previous build.
enum Record<'p> {
    New {
        line: String,
        pretty: Vec<u8>,
    },
    /// Borrowed from the previous file: copying every kept line would copy the whole file.
    Kept(&'p str),
}

impl Record<'_> {
    /// The record's line of `questions.jsonl`, without its line end.
    fn line(&self) -> &str {
        match self {
            Record::New { line, .. } => line,
            Record::Kept(line) => line,
        }
    }
}

/// The previous `questions.jsonl`, empty without a usable cache. Read with room for edited
/// records to grow (see [`patch`]).
fn previous_jsonl(memo: &Memo<'_>) -> String {
    const ROOM: usize = 1 << 20;
    memo.previous_file_with_room("questions.jsonl", ROOM)
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// Records rebuilt beyond which the previous `questions.jsonl` is not patched: each patch moves
/// the rest of the file, so many of them cost more than joining the file anew.
const MAX_PATCHES: usize = 4;

/// Where the rebuilt records go in the previous `questions.jsonl`, when the new file is the
/// previous one with a few records' lines replaced: every other record kept at its old place,
/// none added, removed or moved. `None` otherwise (the file is then joined anew).
///
/// An incremental build after one edit then changes a few bytes of the previous file in place,
/// instead of copying hundreds of megabytes into a new buffer (at 50,000 questions that copy,
/// with the pages it touches, cost a quarter of a second and 370 MB).
fn patches<'a>(
    previous: &str,
    old_lines: &HashMap<&str, &str>,
    records: impl Iterator<Item = (&'a str, &'a Record<'a>)>,
) -> Option<Vec<std::ops::Range<usize>>> {
    let base = previous.as_ptr() as usize;
    let mut next = 0;
    let mut ranges = Vec::new();
    for (id, record) in records {
        let old = match record {
            Record::Kept(line) => line,
            Record::New { .. } => *old_lines.get(id)?,
        };
        let start = (old.as_ptr() as usize).checked_sub(base)?;
        let end = start + old.len();
        // In place and followed by its own line end (not `\r\n`, not the end of a cut file).
        if start != next || previous.as_bytes().get(end) != Some(&b'\n') {
            return None;
        }
        if let Record::New { .. } = record {
            ranges.push(start..end);
            if ranges.len() > MAX_PATCHES {
                return None;
            }
        }
        next = end + 1;
    }
    (next == previous.len()).then_some(ranges)
}

/// The previous file with each range replaced by its new line, the last first so that the
/// ranges before it stay where they are.
fn patch(previous: String, edits: Vec<(std::ops::Range<usize>, String)>) -> Vec<u8> {
    let mut bytes = previous.into_bytes();
    for (range, line) in edits.into_iter().rev() {
        bytes.splice(range, line.into_bytes());
    }
    bytes
}

/// The lines of a `questions.jsonl` by question id. Records are objects with sorted keys
/// (`assembly`, then `id`), and a quote inside a JSON string is always escaped, so the first
/// `,"id":"` of a line is the record's own id.
fn lines_by_id(jsonl: &str) -> HashMap<&str, &str> {
    const KEY: &str = ",\"id\":\"";
    jsonl
        .lines()
        .filter_map(|line| {
            let start = line.find(KEY)? + KEY.len();
            let end = start + line[start..].find('"')?;
            Some((&line[start..end], line))
        })
        .collect()
}

/// One CSV cell: RFC 4180 quoting, and a `'` before text a spreadsheet would run as a formula.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_row(out: &mut String, cells: &[String]) {
    let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

fn csv_line(r: &Renderer<'_>, i: u32) -> Vec<String> {
    let q = r.library().question(i);
    let opt = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    vec![
        q.id.clone(),
        q.lang.clone(),
        q.original_lang.clone(),
        q.assembly.clone(),
        q.legislature.to_string(),
        q.number.to_string(),
        q.title.clone(),
        q.author.clone(),
        q.party.clone().unwrap_or_default(),
        q.addressee.clone(),
        kebab(q.addressee_kind).as_str().unwrap_or("").to_string(),
        ministries(r, q, i).join("; "),
        q.keywords.join("; "),
        q.date.to_string(),
        opt(q.deadline),
        opt(q.answered),
        views::status_key(q.status).to_string(),
        r.base.absolute(&r.question_url(q)),
        q.source.clone(),
    ]
}

fn term_index(r: &Renderer<'_>, kind: TaxonomyKind) -> Vec<u8> {
    let lib = r.library();
    let mut all = Vec::new();
    for l in 0..r.language_count() {
        let (code, urls, _) = r.language(l);
        for term in &lib.langs[l].taxonomy(kind).terms {
            let mut v = json!({
                "lang": code,
                "name": term.name,
                "slug": term.slug,
                "url": r.base.absolute(&urls.term(kind.section(), &term.slug, 1)),
                "feed": r.base.absolute(&paths::term_feed(urls, kind.section(), &term.slug)),
                "count": term.questions.len(),
                "questions": term.questions.iter().map(|&q| lib.question(q).id.clone()).collect::<Vec<_>>(),
            });
            match kind {
                TaxonomyKind::Members => v["parties"] = json!(term.variants),
                TaxonomyKind::Ministries => v["addressees"] = json!(term.variants),
                _ => {}
            }
            if matches!(kind, TaxonomyKind::Members | TaxonomyKind::Ministries) {
                v["open"] = json!(term
                    .questions
                    .iter()
                    .filter(|&&q| lib.question(q).status == Status::Open)
                    .count());
            }
            all.push(v);
        }
    }
    let mut bytes = serde_json::to_vec_pretty(&all).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `sha256sum -c` format, sorted by file name.
pub fn sha256sums(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut lines: Vec<String> = files
        .par_iter()
        .map(|(name, bytes)| format!("{}  {name}\n", crate::sha256::hex(bytes)))
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat().into_bytes()
}

/// Every open-data file and the data page of every language. A question's record depends on its
/// language versions only, so with `memo` an incremental build keeps the records of unchanged
/// questions: their files stay, and their lines of `questions.jsonl` come from the previous one.
pub fn files(site: &Site, r: &Renderer<'_>, memo: &Memo<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let lib = r.library();
    let t = std::time::Instant::now();
    let previous = previous_jsonl(memo);
    let kept_lines = lines_by_id(&previous);
    let records: Vec<Result<(String, Record)>> = lib
        .groups
        .par_iter()
        .map(|g| {
            let rel = format!("api/questions/{}.json", g.id);
            if memo.active() {
                let d = r.digests();
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.write_u64(memo.global);
                h.write_u64(d.structure);
                for &(_, v) in &g.versions {
                    h.write_u64(d.full(v));
                }
                if memo.unchanged(&rel, h.finish()) {
                    if let Some(line) = kept_lines.get(g.id.as_str()) {
                        return Ok((rel, Record::Kept(line)));
                    }
                }
            }
            record(r, site, g).map(|v| {
                let mut pretty = serde_json::to_vec_pretty(&v).unwrap_or_default();
                pretty.push(b'\n');
                let line = v.to_string();
                (rel, Record::New { line, pretty })
            })
        })
        .collect();
    let records: Vec<(String, Record)> = records.into_iter().collect::<Result<_>>()?;
    let ids = lib.groups.iter().map(|g| g.id.as_str());
    let in_place = patches(
        &previous,
        &kept_lines,
        ids.zip(records.iter().map(|(_, r)| r)),
    );
    let mut out = Vec::with_capacity(records.len() + 10);
    let mut jsonl = String::new();
    if in_place.is_none() {
        // Sized once: doubling a buffer of hundreds of megabytes would hold two of them at a time.
        jsonl.reserve(records.iter().map(|(_, r)| r.line().len() + 1).sum());
    }
    let mut edits = Vec::new();
    let mut example = None;
    for (rel, rec) in records {
        if in_place.is_none() {
            jsonl.push_str(rec.line());
            jsonl.push('\n');
        }
        if let Record::New { pretty, line } = rec {
            out.push((rel.clone(), pretty));
            if in_place.is_some() {
                edits.push(line);
            }
        }
        if example.is_none() {
            // The first record, shown on the data page: from this build or the previous one.
            let bytes = match out.last().filter(|(p, _)| *p == rel) {
                Some((_, b)) => Some(b.clone()),
                None => memo.previous_file(&rel),
            };
            example = bytes.map(|b| (rel.clone(), String::from_utf8_lossy(&b).into_owned()));
        }
    }
    drop(kept_lines);
    let jsonl = match in_place {
        Some(ranges) => patch(previous, ranges.into_iter().zip(edits).collect()),
        None => {
            drop(previous);
            jsonl.into_bytes()
        }
    };
    let mut csv = String::new();
    csv_row(
        &mut csv,
        &CSV_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    // Rows are built in parallel, each group's into its own string, and joined in order.
    let rows: Vec<String> = lib
        .groups
        .par_iter()
        .map(|g| {
            let mut rows = String::new();
            for &(_, i) in &g.versions {
                csv_row(&mut rows, &csv_line(r, i));
            }
            rows
        })
        .collect();
    csv.reserve(rows.iter().map(String::len).sum());
    rows.iter().for_each(|row| csv.push_str(row));
    let kinds = [
        TaxonomyKind::Members,
        TaxonomyKind::Ministries,
        TaxonomyKind::Keywords,
    ];
    let indexes: Vec<Vec<u8>> = kinds.par_iter().map(|&k| term_index(r, k)).collect();
    let [members, ministries, keywords]: [Vec<u8>; 3] =
        indexes.try_into().expect("one index per kind");
    let bulk = vec![
        ("questions.jsonl".to_string(), jsonl),
        ("questions.csv".to_string(), csv.into_bytes()),
        ("api/members.json".to_string(), members),
        ("api/ministries.json".to_string(), ministries),
        ("api/keywords.json".to_string(), keywords),
        (
            "api/question.schema.json".to_string(),
            QUESTION_SCHEMA.as_bytes().to_vec(),
        ),
    ];
    crate::timings::phase(t, "data: csv, indexes");
    out.push(("SHA256SUMS".to_string(), sha256sums(&bulk)));
    crate::timings::phase(t, "data: sha256");
    let mut listed: Vec<String> = bulk.iter().map(|(p, _)| p.clone()).collect();
    listed.push("SHA256SUMS".into());
    out.extend(bulk);
    let page = DataPageFiles {
        files: listed,
        example,
    };
    out.extend(r.data_pages(&site.config.data_licence, &page, QUESTION_SCHEMA)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn a_record_line_is_found_by_its_own_id() {
        let a = json!({"id": "7-1", "assembly": "x\",\"id\":\"9-9", "versions": {"nl": {"links": [{"id": "8-8"}]}}});
        let b = json!({"id": "7-2", "assembly": "be-senate", "number": 2});
        let text = format!("{a}\n{b}\n");
        let lines = lines_by_id(&text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines["7-1"], a.to_string());
        assert_eq!(lines["7-2"], b.to_string());
    }

    /// The new file from records in order, joined anew: what a patch must equal.
    fn joined(records: &[(&str, Record)]) -> Vec<u8> {
        records
            .iter()
            .flat_map(|(_, r)| [r.line(), "\n"])
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn an_edited_record_is_patched_into_the_previous_file() {
        let line =
            |id: &str, n: usize| json!({"assembly": "be-senate", "id": id, "n": n}).to_string();
        let previous = [line("7-1", 1), line("7-2", 2), line("7-3", 3)]
            .map(|l| l + "\n")
            .concat();
        let old = lines_by_id(&previous);
        let new = |id: &str, n: usize| Record::New {
            line: line(id, n),
            pretty: Vec::new(),
        };
        let kept = |id: &str| Record::Kept(old[id]);
        let check = |records: Vec<(&str, Record)>| -> Option<Vec<u8>> {
            let ranges = patches(&previous, &old, records.iter().map(|(id, r)| (*id, r)))?;
            let expected = joined(&records);
            let lines = records.into_iter().filter_map(|(_, r)| match r {
                Record::New { line, .. } => Some(line),
                Record::Kept(_) => None,
            });
            let patched = patch(previous.clone(), ranges.into_iter().zip(lines).collect());
            assert_eq!(
                String::from_utf8(patched.clone()),
                String::from_utf8(expected)
            );
            Some(patched)
        };
        // Edited in place: longer, shorter, first and last, or nothing at all.
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", new("7-2", 2000)),
            ("7-3", kept("7-3"))
        ])
        .is_some());
        assert!(check(vec![
            ("7-1", new("7-1", 10)),
            ("7-2", kept("7-2")),
            ("7-3", new("7-3", 0))
        ])
        .is_some());
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3"))
        ])
        .is_some());
        // Added, removed or moved: joined anew.
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3")),
            ("7-4", new("7-4", 4))
        ])
        .is_none());
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-0", new("7-0", 0)),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3"))
        ])
        .is_none());
        assert!(check(vec![("7-1", kept("7-1")), ("7-3", kept("7-3"))]).is_none());
        assert!(check(vec![("7-1", kept("7-1")), ("7-2", kept("7-2"))]).is_none());
        assert!(check(vec![
            ("7-2", kept("7-2")),
            ("7-1", kept("7-1")),
            ("7-3", kept("7-3"))
        ])
        .is_none());
        // Every record rebuilt, within the limit.
        let all: Vec<(&str, Record)> = ["7-1", "7-2", "7-3"]
            .iter()
            .map(|&id| (id, new(id, 9)))
            .collect();
        assert!(MAX_PATCHES >= 3 && check(all).is_some());
    }

    #[test]
    fn many_rebuilt_records_are_joined_anew() {
        let ids: Vec<String> = (1..=MAX_PATCHES + 1).map(|n| format!("7-{n}")).collect();
        let line = |id: &str| json!({"assembly": "be-senate", "id": id}).to_string();
        let previous: String = ids.iter().map(|id| line(id) + "\n").collect();
        let old = lines_by_id(&previous);
        let rebuilt = |k: usize| -> Vec<(&str, Record)> {
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    let r = if i < k {
                        Record::New {
                            line: line(id).replace("be-senate", "be-kamer"),
                            pretty: Vec::new(),
                        }
                    } else {
                        Record::Kept(old[id.as_str()])
                    };
                    (id.as_str(), r)
                })
                .collect()
        };
        let ranges = |records: &[(&str, Record)]| {
            patches(&previous, &old, records.iter().map(|(id, r)| (*id, r)))
        };
        assert_eq!(
            ranges(&rebuilt(MAX_PATCHES)).map(|r| r.len()),
            Some(MAX_PATCHES)
        );
        assert_eq!(ranges(&rebuilt(MAX_PATCHES + 1)), None);
    }

    #[test]
    fn a_file_not_as_written_is_joined_anew() {
        let previous = "{\"assembly\":\"x\",\"id\":\"7-1\"}\r\n".to_string();
        let old = lines_by_id(&previous);
        let records = [("7-1", Record::Kept(old["7-1"]))];
        assert_eq!(old["7-1"].len() + 2, previous.len());
        assert!(patches(&previous, &old, records.iter().map(|(id, r)| (*id, r))).is_none());
        let cut = previous.trim_end().to_string();
        let old = lines_by_id(&cut);
        let records = [("7-1", Record::Kept(old["7-1"]))];
        assert!(patches(&cut, &old, records.iter().map(|(id, r)| (*id, r))).is_none());
    }

    #[test]
    fn checksums_are_sorted_by_file() {
        let sums = sha256sums(&[("b".into(), b"x".to_vec()), ("a".into(), Vec::new())]);
        let text = String::from_utf8(sums).unwrap();
        assert!(text
            .starts_with("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\n"));
        assert!(text.ends_with("  b\n"));
    }

    #[test]
    fn the_schema_is_json() {
        let v: Value = serde_json::from_str(QUESTION_SCHEMA).unwrap();
        assert_eq!(v["type"], "object");
    }
}
