//! Open data: `api/questions/<id>.json` (every language's record and Markdown), the bulk
//! `questions.jsonl.gz` (the same records, one a line) and `questions.csv.gz` (one row per
//! question and language), both gzip (see [`super::bulk`]), `api/members.json`, `api/ministries.json`, `api/keywords.json`, a `SHA256SUMS` of
//! the bulk files, the JSON Schema of a record, and a page documenting them and their licence.

use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{json, Value};

use super::{Files, Make, Output};
use crate::cache::Previous;
use crate::content::{Question, Status};
use crate::error::{Error, Result};
use crate::output::escape::csv_row;
use crate::site::library::{Group, TaxonomyKind};
use crate::site::published::{paths, DataPageFiles};
use crate::site::Site;

use super::bulk::{ids_hash, member, BulkFile, Part, Reusable, BLOCK};

/// The bulk files, gzip: one JSON record a line, and one CSV row per question and language.
pub const JSONL: &str = "questions.jsonl.gz";
pub const CSV: &str = "questions.csv.gz";

/// The JSON Schema (2020-12) of `api/questions/<id>.json` and of each line of
/// `questions.jsonl.gz`.
pub const QUESTION_SCHEMA: &str = include_str!("question.schema.json");

/// Columns of `questions.csv.gz`.
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
            let variants = Some(&term.variants[..]);
            let accountable = matches!(kind, TaxonomyKind::Members | TaxonomyKind::Ministries);
            all.push(TermEntry {
                addressees: variants.filter(|_| kind == TaxonomyKind::Ministries),
                count: term.questions.len(),
                feed: r
                    .base
                    .absolute(&paths::term_feed(urls, kind.section(), &term.slug)),
                lang: code,
                name: &term.name,
                open: accountable.then(|| {
                    (term.questions.iter())
                        .filter(|&&q| lib.question(q).status == Status::Open)
                        .count()
                }),
                parties: variants.filter(|_| kind == TaxonomyKind::Members),
                questions: Ids(&term.questions, lib),
                slug: &term.slug,
                url: r.base.absolute(&urls.term(kind.section(), &term.slug, 1)),
            });
        }
    }
    let mut bytes = serde_json::to_vec_pretty(&all).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A term in `api/<kind>.json`, its keys in the alphabetical order the file has always had.
/// Borrowed from the library: the keyword index alone lists 100,000 question ids.
#[derive(serde::Serialize)]
struct TermEntry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    addressees: Option<&'a [String]>,
    count: usize,
    feed: String,
    lang: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parties: Option<&'a [String]>,
    questions: Ids<'a>,
    slug: &'a str,
    url: String,
}

/// Questions by their ids.
struct Ids<'a>(&'a [crate::site::library::QIdx], &'a crate::site::Library);

impl serde::Serialize for Ids<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&q| self.1.question(q).id.as_str()))
    }
}

/// `sha256sum -c` format, sorted by file name.
fn sha256sums(files: &[(String, BulkFile)]) -> Vec<u8> {
    let mut lines: Vec<String> = files
        .par_iter()
        .map(|(name, file)| format!("{}  {name}\n", file.sha256()))
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat().into_bytes()
}

/// A question's file `api/questions/<id>.json`: its record, compact, the same as its line of
/// `questions.jsonl.gz`. The writer makes it when it writes the file (see
/// [`super::Make::Record`]), so that no build holds every record at once.
pub fn record_file(r: &Site, group: usize) -> Result<Vec<u8>> {
    let mut bytes =
        serde_json::to_vec(&record(r, &r.library.groups[group])?).expect("a JSON value serialises");
    bytes.push(b'\n');
    Ok(bytes)
}

/// The members of one block of questions in `questions.jsonl.gz` and `questions.csv.gz`.
type Members = (Part, Part);

/// Block `gs` of the bulk files: copied from the previous files when every record in it is kept
/// and they hold its member, else made and compressed now.
fn block(
    r: &Site,
    gs: &[Group],
    kept: &[bool],
    previous: &(Option<Reusable>, Option<Reusable>),
) -> Result<Members> {
    let ids = ids_hash(gs.iter().map(|g| g.id.as_str()));
    if kept.iter().all(|&k| k) {
        if let (Some(jsonl), Some(csv)) = (&previous.0, &previous.1) {
            if let (Some(j), Some(c)) = (jsonl.member(ids), csv.member(ids)) {
                return Ok((j, c));
            }
        }
    }
    let mut lines = Vec::new();
    let mut rows = String::new();
    for g in gs {
        serde_json::to_writer(&mut lines, &record(r, g)?).expect("a JSON value serialises");
        lines.push(b'\n');
        for &(_, i) in &g.versions {
            csv_row(&mut rows, csv_line(r, i));
        }
    }
    Ok((
        Part::New(member(&lines, ids)),
        Part::New(member(rows.as_bytes(), ids)),
    ))
}

/// Every open-data file, and what the data page of every language lists. A question's record
/// depends on its language versions only: each declares their digest, and an incremental build
/// keeps the records of unchanged questions (their files stay, and their blocks' members of the
/// bulk files are copied from the previous ones).
pub fn files<Page: Send>(
    r: &Site,
    previous: &Previous<'_>,
) -> Result<(Files<Page>, DataPageFiles)> {
    let lib = &r.library;
    let t = std::time::Instant::now();
    let mut out: Files<Page> = lib
        .groups
        .par_iter()
        .enumerate()
        .map(|(n, g)| {
            let path = format!("api/questions/{}.json", g.id);
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
            match digest {
                Some(d) if previous.vouches(&path, d) => Output::kept(path, d),
                _ => Output {
                    path,
                    digest,
                    make: Make::Record(n),
                },
            }
        })
        .collect();
    let kept: Vec<bool> = out.iter().map(|o| matches!(o.make, Make::Kept)).collect();
    let reusable = rayon::join(
        || Reusable::read(previous, JSONL),
        || Reusable::read(previous, CSV),
    );
    let blocks: Vec<Result<Members>> = lib
        .groups
        .par_chunks(BLOCK)
        .zip(kept.par_chunks(BLOCK))
        .map(|(gs, kept)| block(r, gs, kept, &reusable))
        .collect();
    let blocks: Vec<Members> = blocks.into_iter().collect::<Result<_>>()?;
    crate::timings::phase(t, "data: records, blocks");
    let no_ids = ids_hash(std::iter::empty());
    let (mut jsonl, mut csv): (Vec<_>, Vec<_>) = blocks.into_iter().unzip();
    // An archive with no question still gets a valid (empty) gzip file.
    if jsonl.is_empty() {
        jsonl.push(Part::New(member(b"", no_ids)));
    }
    let mut header = String::new();
    csv_row(&mut header, CSV_COLUMNS);
    csv.insert(0, Part::New(member(header.as_bytes(), no_ids)));
    let spliced = |parts, previous: &Option<Reusable>, rel: &str| {
        BulkFile::of(parts, previous.as_ref())
            .map_err(|e| Error::io("read", &previous_path(previous, rel), e))
    };
    let (jsonl, csv) = rayon::join(
        || spliced(jsonl, &reusable.0, JSONL),
        || spliced(csv, &reusable.1, CSV),
    );
    let (jsonl, csv) = (jsonl?, csv?);
    let kinds = [
        TaxonomyKind::Members,
        TaxonomyKind::Ministries,
        TaxonomyKind::Keywords,
    ];
    let indexes: Vec<Vec<u8>> = kinds.par_iter().map(|&k| term_index(r, k)).collect();
    let [members, ministries, keywords]: [Vec<u8>; 3] =
        indexes.try_into().expect("one index per kind");
    let bulk: Vec<(String, BulkFile)> = vec![
        (JSONL.to_string(), jsonl),
        (CSV.to_string(), csv),
        ("api/members.json".to_string(), BulkFile::Bytes(members)),
        (
            "api/ministries.json".to_string(),
            BulkFile::Bytes(ministries),
        ),
        ("api/keywords.json".to_string(), BulkFile::Bytes(keywords)),
        (
            "api/question.schema.json".to_string(),
            BulkFile::Bytes(QUESTION_SCHEMA.as_bytes().to_vec()),
        ),
    ];
    crate::timings::phase(t, "data: csv, indexes");
    out.push(Output::made("SHA256SUMS", sha256sums(&bulk)));
    crate::timings::phase(t, "data: sha256");
    let example = example(r, previous, out.first());
    let mut listed: Vec<String> = bulk.iter().map(|(p, _)| p.clone()).collect();
    listed.push("SHA256SUMS".into());
    out.extend(bulk.into_iter().map(|(path, file)| match file {
        BulkFile::Bytes(bytes) => Output::made(path, bytes),
        BulkFile::Splice(splice) => Output {
            path,
            digest: None,
            make: Make::Splice(splice),
        },
    }));
    let page = DataPageFiles {
        files: listed,
        example,
        schema: QUESTION_SCHEMA,
    };
    Ok((out, page))
}

/// The previous file at `rel`, for an error reading it.
fn previous_path(previous: &Option<Reusable>, rel: &str) -> std::path::PathBuf {
    previous
        .as_ref()
        .map_or_else(|| rel.into(), |p| p.path().to_path_buf())
}

/// The first record, pretty, for the data page: from this build or the previous one.
fn example<Page>(
    r: &Site,
    previous: &Previous<'_>,
    first: Option<&Output<Page>>,
) -> Option<(String, String)> {
    let first = first?;
    let value: Value = match first.make {
        Make::Record(n) => record(r, &r.library.groups[n]).ok()?,
        _ => serde_json::from_slice(&previous.file(&first.path)?).ok()?,
    };
    let mut pretty = serde_json::to_string_pretty(&value).ok()?;
    pretty.push('\n');
    Some((first.path.clone(), pretty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_sorted_by_file() {
        let sums = sha256sums(&[
            ("b".into(), BulkFile::Bytes(b"x".to_vec())),
            ("a".into(), BulkFile::Bytes(Vec::new())),
        ]);
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
