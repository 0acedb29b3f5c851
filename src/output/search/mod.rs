//! Full-text search on a static host, built from the library rather than from rendered pages:
//! one index per site language under `search-index/<lang>/`, read by a small script with no
//! WebAssembly. The format (shared with `static/js/search.js`) is format 1 of docs/SEARCH.md:
//! `meta.json`; `t/<n>.json` shards of folded word forms, each with its Snowball stem's postings;
//! `d/<k>.json` chunks of result records; `f/<key>.json` facets. Documents are numbered newest
//! first, so the date sort needs no data. Memory stays bounded: bodies are read a batch at a
//! time and postings are a number and a byte each. With the build cache on, each body's words
//! are kept in the words cache (`cache::search`), so a build after an edit reads only the
//! changed bodies.

mod bundle;
mod docs;
mod index;
pub mod words;

use std::sync::RwLock;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use self::index::DocWords;
use crate::cache::search::{Entries, Entry, Interner, Strings, Words};
use crate::site::library::QIdx;

use crate::error::{Diagnostic, Error, Result};
use crate::site::Site;

/// The folder the search bundle is written to. It is written after the plan, so the folder is
/// reserved: no old address may claim a path in it.
pub const BUNDLE_DIR: &str = "search-index";

/// Documents per `d/<k>.json` file.
const CHUNK: usize = 100;
/// Documents read in parallel before their words are merged: bounds the text held at once.
const BATCH: usize = 1024;

/// Whether `rel` (a path inside the output) is a file of the search bundle.
pub fn in_bundle(rel: &str) -> bool {
    rel.strip_prefix(BUNDLE_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The bundle's files, as (site-relative path, bytes): one entry of the build's list of
/// outputs (`output::Make::SearchBundle`) stands for them all.
pub type Files = Vec<(String, Vec<u8>)>;

/// The words cache being written on a thread of its own while the build writes its files.
/// Dropping it waits for the write: a build never ends before its cache is saved.
#[must_use = "dropping it at once waits for the words cache to be saved"]
pub struct Saving(Option<std::thread::JoinHandle<()>>);

impl Drop for Saving {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            // A save that failed (or panicked) costs the next build time, not correctness.
            let _ = handle.join();
        }
    }
}

/// The search bundle being made on a thread of its own while the build does other work: an
/// update remakes it from the library alone, so it need not wait for the plan or the pages.
pub struct Pending<'scope>(std::thread::ScopedJoinHandle<'scope, Result<(Files, Saving)>>);

impl<'scope> Pending<'scope> {
    /// Starts [`bundle`] with the words cache on.
    pub fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, site: &'env Site) -> Self {
        Pending(scope.spawn(move || bundle(site, true)))
    }

    /// The bundle, once made.
    pub fn wait(self) -> Result<(Files, Saving)> {
        self.0
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Every file of the search bundle, as (site-relative path, bytes), sorted by path. The same
/// library gives the same bytes whatever the thread count. With `cache` (the build cache is on),
/// bodies whose file is unchanged since the words cache was saved are not read again, and the
/// words cache is saved anew, on its own thread (see [`Saving`]); the bytes are those of a build
/// without it.
pub fn bundle(site: &Site, cache: bool) -> Result<(Files, Saving)> {
    let started = Instant::now();
    let path = cache.then(|| crate::cache::search::path(&site.root));
    let mut words = path.as_deref().map(Words::load).unwrap_or_default();
    crate::timings::phase(started, "search index: cache loaded");
    // The languages are merged at once, each on its own thread: merging is the part that does
    // not split across threads, and after one edit it is nearly all the work.
    let strings = RwLock::new(std::mem::take(&mut words.strings));
    let entries = &words.entries;
    let made: Vec<Result<(Files, Fresh)>> = (0..site.language_count())
        .into_par_iter()
        .map(|l| language(site, l, &strings, entries, started))
        .collect();
    words.strings = strings
        .into_inner()
        .expect("no thread panics holding the table");
    let mut files = Files::new();
    for made in made {
        let (made, fresh) = made?;
        files.extend(made);
        for (key, entry) in fresh {
            match entry {
                Some(e) => words.insert(key, e),
                None => words.touch(key),
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let saving = match path {
        Some(path) => {
            crate::timings::phase(
                started,
                &format!(
                    "search index: {} of {} question files read",
                    words.bodies_read,
                    words.used()
                ),
            );
            Saving(Some(std::thread::spawn(move || {
                let _ = words.save(&path);
            })))
        }
        None => Saving(None),
    };
    Ok((files, saving))
}

/// The words cache's entries a language's index used, by file hash: made from a body read
/// now, or `None` when taken from the cache.
type Fresh = Vec<(u64, Option<Entry>)>;

/// A document as read in parallel: what [`docs::read`] gives, with the hash of its facts and,
/// unless the words cache has its document, its words.
struct Parsed {
    key: u64,
    read: docs::Read,
    facts: u64,
    words: Option<Made>,
}

/// The words of a document read now, by part: the title's first (a form takes the stem of its
/// first part), then the body's and the facts'.
struct Made {
    title: DocWords,
    body: DocWords,
    facts: DocWords,
}

/// Reads a batch of documents in parallel. A document in the words cache, made with the same
/// facts, is not read nor stemmed again; one whose facts moved without its file (the ministry
/// table changed) is read whole.
fn read_batch(site: &Site, l: usize, batch: &[QIdx], cache: &Entries) -> Vec<Result<Parsed>> {
    batch
        .par_iter()
        .map(|&i| {
            let q = site.library.question(i);
            let cached = cache.get(q.file_hash);
            let mut read = docs::read(site, l, i, cached.map(|e| e.excerpt.as_str()))?;
            let facts = xxhash_rust::xxh3::xxh3_64(read.facts.as_bytes());
            match cached {
                Some(e) if e.facts == facts => {
                    return Ok(Parsed {
                        key: q.file_hash,
                        read,
                        facts,
                        words: None,
                    })
                }
                Some(_) => read = docs::read(site, l, i, None)?,
                None => {}
            }
            let words = words::with_stemmer(&q.lang, |stem| Made {
                title: DocWords::of(&read.title, true, stem),
                body: match &read.body {
                    Some((text, _)) => DocWords::of(text, false, stem),
                    None => DocWords { forms: Vec::new() },
                },
                facts: DocWords::of_lines(&q.lang, &read.facts, stem),
            });
            Ok(Parsed {
                key: q.file_hash,
                read,
                facts,
                words: Some(words),
            })
        })
        .collect()
}

/// The bundle of language `l`, with the words cache's entries it used.
fn language(
    site: &Site,
    l: usize,
    strings: &RwLock<Strings>,
    entries: &Entries,
    started: Instant,
) -> Result<(Files, Fresh)> {
    let (lang, _, t) = site.language(l);
    let order = docs::order(site, lang);
    let mut index = index::Index::default();
    let mut records: Vec<Vec<u8>> = Vec::with_capacity(order.len());
    let mut facets: Vec<FxHashMap<docs::Value, Vec<u32>>> = vec![FxHashMap::default(); 8];
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut n = 0u32;
    let mut used = Fresh::with_capacity(order.len());
    let mut strings_seen = Interner::new(strings);
    let mut batches = order.chunks(BATCH);
    let mut read = batches
        .next()
        .map(|b| read_batch(site, l, b, entries))
        .unwrap_or_default();
    // Each batch is merged on one thread while the next is read on the others.
    while !read.is_empty() {
        let next = batches.next();
        let strings = &mut strings_seen;
        let (fresh, next_read) = rayon::join(
            || {
                let mut fresh = Vec::new();
                let mut d = index::Doc::default();
                let mut kept = Vec::new();
                for r in read {
                    let doc = n;
                    n += 1;
                    match r {
                        Ok(p) => {
                            match &p.words {
                                Some(made) => {
                                    d.clear();
                                    d.push_words(strings, &made.title);
                                    d.push_words(strings, &made.body);
                                    d.push_words(strings, &made.facts);
                                    index.add(d.words());
                                    let excerpt = p.read.body.map(|b| b.1).unwrap_or_default();
                                    let entry = Entry::new(excerpt, p.facts, d.words());
                                    fresh.push((p.key, Some(entry)));
                                }
                                None => {
                                    let e = entries.get(p.key).expect("read from the cache");
                                    kept.clear();
                                    kept.extend(e.words());
                                    index.add(&kept);
                                    fresh.push((p.key, None));
                                }
                            }
                            records.push(p.read.record);
                            for (f, value) in p.read.facets {
                                let list = facets[f].entry(value).or_default();
                                if list.last() != Some(&doc) {
                                    list.push(doc);
                                }
                            }
                        }
                        Err(Error::Invalid(mut d)) => problems.append(&mut d),
                        Err(e) => problems.push(Diagnostic::new("(site)", e.to_string())),
                    }
                }
                fresh
            },
            || {
                next.map(|b| read_batch(site, l, b, entries))
                    .unwrap_or_default()
            },
        );
        used.extend(fresh);
        read = next_read;
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let dir = format!("{BUNDLE_DIR}/{lang}");
    let mut out = Files::new();
    crate::timings::phase(started, "search index: merged");
    let forms = index.sorted_forms(strings);
    let (firsts, shards) = bundle::shards(&index, &forms);
    drop((index, forms));
    for (k, bytes) in shards.into_iter().enumerate() {
        out.push((format!("{dir}/t/{k}.json"), bytes));
    }
    for (k, bytes) in bundle::chunks(&records, CHUNK).into_iter().enumerate() {
        out.push((format!("{dir}/d/{k}.json"), bytes));
    }
    let mut labels = Vec::new();
    for ((key, string), values) in docs::FACETS.iter().zip(facets) {
        let mut values: Vec<(docs::Value, Vec<u32>)> = values.into_iter().collect();
        values.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));
        let values: Vec<(String, Vec<u32>)> =
            values.into_iter().map(|(v, d)| (v.label, d)).collect();
        out.push((format!("{dir}/f/{key}.json"), bundle::facet(&values)));
        labels.push((*key, t.get(string)));
    }
    out.push((
        format!("{dir}/meta.json"),
        bundle::meta(lang, records.len(), CHUNK, &firsts, &labels),
    ));
    Ok((out, used))
}
