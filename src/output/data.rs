//! Open data: `api/questions/<id>.json` (every language's record and Markdown), the bulk
//! `questions.jsonl` (the same records, one a line) and `questions.csv` (one row per question and
//! language), `api/members.json`, `api/ministries.json`, `api/keywords.json`, a `SHA256SUMS` of
//! the bulk files, the JSON Schema of a record, and a page documenting them and their licence.

use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{json, Value};

use super::{Files, Output};
use crate::cache::Previous;
use crate::content::{Question, Status};
use crate::error::Result;
use crate::output::escape::csv_row;
use crate::site::library::{Group, TaxonomyKind};
use crate::site::published::{paths, DataPageFiles};
use crate::site::Site;

use super::jsonl::{lines_by_id, previous_jsonl, Builder, Record};

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

fn ministries(r: &Site, q: &Question, i: u32) -> Vec<String> {
    let l = r.lang_of(q);
    let index = &&r.library.langs[l];
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

fn version(r: &Site, i: u32) -> Result<Value> {
    let q = &r.library.question(i);
    let (question, answer) = crate::content::load::read_body(&r.root, q)?;
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
        "status": q.status.as_str(),
        "events": q.events.iter().map(|e| json!({"date": e.date.to_string(), "type": kebab(e.kind)})).collect::<Vec<_>>(),
        "links": q.links.iter().map(|l| json!({"type": kebab(l.kind), "id": l.id, "kind": kebab(l.target)})).collect::<Vec<_>>(),
        "source": q.source,
        "url": r.base.absolute(&r.question_url(q)),
        "question": question,
        "answer": answer,
    }))
}

/// The open-data record of one question: shared fields, then one entry per language.
fn record(r: &Site, g: &Group) -> Result<Value> {
    let lib = &r.library;
    let primary = lib.question(lib.primary(g));
    let mut versions = serde_json::Map::new();
    for (lang, i) in &g.versions {
        versions.insert(lang.clone(), version(r, *i)?);
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

fn csv_line(r: &Site, i: u32) -> Vec<String> {
    let q = &r.library.question(i);
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
        q.status.as_str().to_string(),
        r.base.absolute(&r.question_url(q)),
        q.source.clone(),
    ]
}

fn term_index(r: &Site, kind: TaxonomyKind) -> Vec<u8> {
    let lib = &r.library;
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

/// Every open-data file, and what the data page of every language lists. A question's record
/// depends on its language versions only: each declares their digest, and an incremental build
/// keeps the records of unchanged questions (their files stay, and their lines of
/// `questions.jsonl` come from the previous one).
pub fn files<Page: Send>(
    r: &Site,
    previous: &Previous<'_>,
) -> Result<(Files<Page>, DataPageFiles)> {
    let lib = &r.library;
    let t = std::time::Instant::now();
    let previous_lines = previous_jsonl(previous);
    let kept_lines = lines_by_id(&previous_lines);
    type Planned<'p> = (String, Option<u64>, Record<'p>);
    let records: Vec<Result<Planned>> = lib
        .groups
        .par_iter()
        .map(|g| {
            let rel = format!("api/questions/{}.json", g.id);
            // A record's inputs: its language versions, whole files. `None` without the cache.
            let digest = previous.active().then(|| {
                let d = r.digests();
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.write_u64(previous.global);
                h.write_u64(d.structure);
                for &(_, v) in &g.versions {
                    h.write_u64(d.full(v));
                }
                h.finish()
            });
            if digest.is_some_and(|d| previous.vouches(&rel, d)) {
                if let Some(line) = kept_lines.get(g.id.as_str()) {
                    return Ok((rel, digest, Record::Kept(line)));
                }
            }
            record(r, g).map(|v| {
                let mut pretty = serde_json::to_vec_pretty(&v).unwrap_or_default();
                pretty.push(b'\n');
                let line = v.to_string();
                (rel, digest, Record::New { line, pretty })
            })
        })
        .collect();
    let records: Vec<Planned> = records.into_iter().collect::<Result<_>>()?;
    let ids = lib.groups.iter().map(|g| g.id.as_str());
    let mut jsonl = Builder::new(
        &previous_lines,
        &kept_lines,
        ids.zip(records.iter().map(|(_, _, r)| r)),
    );
    let mut out: Files<Page> = Vec::with_capacity(records.len() + 10);
    let mut example = None;
    for (rel, digest, rec) in records {
        let file = match (jsonl.add(rec), digest) {
            (Some(pretty), _) => Output::tracked(rel, digest, pretty),
            // Kept only when the previous build vouched for its digest.
            (None, Some(d)) => Output::kept(rel, d),
            (None, None) => unreachable!("a record is kept only with the cache"),
        };
        if example.is_none() {
            // The first record, shown on the data page: from this build or the previous one.
            let bytes = match file.bytes() {
                Some(b) => Some(b.to_vec()),
                None => previous.file(&file.path),
            };
            example = bytes.map(|b| (file.path.clone(), String::from_utf8_lossy(&b).into_owned()));
        }
        out.push(file);
    }
    drop(kept_lines);
    let jsonl = jsonl.finish(previous_lines);
    let mut csv = String::new();
    csv_row(&mut csv, CSV_COLUMNS);
    // Rows are built in parallel, each group's into its own string, and joined in order.
    let rows: Vec<String> = lib
        .groups
        .par_iter()
        .map(|g| {
            let mut rows = String::new();
            for &(_, i) in &g.versions {
                csv_row(&mut rows, csv_line(r, i));
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
    let bulk: Vec<(String, Vec<u8>)> = vec![
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
    out.push(Output::made("SHA256SUMS", sha256sums(&bulk)));
    crate::timings::phase(t, "data: sha256");
    let mut listed: Vec<String> = bulk.iter().map(|(p, _)| p.clone()).collect();
    listed.push("SHA256SUMS".into());
    out.extend(bulk.into_iter().map(|(p, b)| Output::made(p, b)));
    let page = DataPageFiles {
        files: listed,
        example,
        schema: QUESTION_SCHEMA,
    };
    Ok((out, page))
}

#[cfg(test)]
mod tests {
    use super::*;

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
