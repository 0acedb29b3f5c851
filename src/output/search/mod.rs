//! Full-text search on a static host, built from the library rather than from rendered pages:
//! one index per site language under `search-index/<lang>/`, read by a small script with no
//! WebAssembly. The format (shared with `static/js/search.js`) is format 1 of docs/SEARCH.md:
//! `meta.json`; `t/<n>.json` shards of folded word forms, each with its Snowball stem's postings;
//! `d/<k>.json` chunks of result records; `f/<key>.json` facets. Documents are numbered newest
//! first, so the date sort needs no data. Memory stays bounded: bodies are read a batch at a
//! time and postings are a number and a byte each. With the build cache on, each body's words
//! are kept in the words cache (`cache::search`), so a build after an edit reads only the
//! changed bodies, and each language's merged index is kept too, so that build patches it
//! rather than adding every document again ([`patch`]).

mod bundle;
mod docs;
mod index;
mod patch;
pub mod words;

use std::sync::RwLock;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use self::index::DocWords;
use crate::cache::merged;
use crate::cache::records::{self, Records};
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
    /// Starts [`bundle`] with the caches on (`global`: the build cache's digest of the inputs).
    pub fn start<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        site: &'env Site,
        global: u64,
    ) -> Self {
        Pending(scope.spawn(move || bundle(site, Some(global))))
    }

    /// The bundle, once made.
    pub fn wait(self) -> Result<(Files, Saving)> {
        self.0
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Every file of the search bundle, as (site-relative path, bytes), sorted by path. The same
/// library gives the same bytes whatever the thread count. With `global` (the build cache is on,
/// and this is its digest of the build's inputs), bodies whose file is unchanged since the words
/// cache was saved are not read again, the records and facet values of unchanged documents come
/// from the records cache, and both caches are saved anew, on a thread of their own (see
/// [`Saving`]); the bytes are those of a build without them.
pub fn bundle(site: &Site, global: Option<u64>) -> Result<(Files, Saving)> {
    let started = Instant::now();
    let root = &site.root;
    let paths = global.map(|_| {
        let words = crate::cache::search::path(root);
        (words, records::path(root), merged::path(root))
    });
    let (mut words, (records, merged)) = match &paths {
        Some((w, r, m)) => rayon::join(
            || Words::load(w),
            || rayon::join(|| Records::load(r), || merged::Saved::load(m)),
        ),
        None => Default::default(),
    };
    crate::timings::phase(started, "search index: cache loaded");
    let keys = global.map(|g| (g, site.digests().structure));
    // Patched only from indexes made with the same inputs and string numbers.
    let merged = merged.filter(|m| {
        keys == Some((m.made.global, m.made.structure))
            && words.strings.digest(m.made.strings) == Some(m.made.strings_hash)
    });
    // The languages are merged at once, each on its own thread: merging is the part that does
    // not split across threads, and after one edit it is nearly all the work.
    let strings = RwLock::new(std::mem::take(&mut words.strings));
    let caches = Caches {
        words: &words.entries,
        records: &records,
        keys,
    };
    let made: Vec<Result<Language>> = (0..site.language_count())
        .into_par_iter()
        .map(|l| {
            let saved = merged.as_ref().and_then(|m| m.section(l));
            language(site, l, &strings, &caches, saved, started)
        })
        .collect();
    drop(merged);
    words.strings = strings
        .into_inner()
        .expect("no thread panics holding the table");
    let mut files = Files::new();
    let mut used_records = Vec::new();
    let mut made_records = FxHashMap::default();
    let mut states = Vec::new();
    for made in made {
        let Language {
            files: made,
            fresh,
            shown,
            merged,
        } = made?;
        files.extend(made);
        states.push(merged);
        for (key, entry) in fresh {
            match entry {
                Some(e) => words.insert(key, e),
                None => words.touch(key),
            }
        }
        for (key, entry) in shown {
            used_records.push(key);
            if let Some(e) = entry {
                made_records.insert(key, e);
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let saving = match paths {
        Some((words_path, records_path, merged_path)) => {
            crate::timings::phase(
                started,
                &format!(
                    "search index: {} of {} question files read, {} records made",
                    words.bodies_read,
                    words.used(),
                    made_records.len()
                ),
            );
            let made = merged::Made {
                global: keys.map_or(0, |k| k.0),
                structure: keys.map_or(0, |k| k.1),
                strings: words.strings.len(),
                strings_hash: words.strings.digest(words.strings.len()).unwrap_or(0),
            };
            Saving(Some(std::thread::spawn(move || {
                // One after the other, each freed once saved: the build is still writing.
                let _ = words.save(&words_path);
                drop(words);
                let _ = records.save(&records_path, used_records, &made_records);
                drop((records, made_records));
                let _ = merged::save(&merged_path, made, &states);
            })))
        }
        None => Saving(None),
    };
    Ok((files, saving))
}

/// What the caches give a language's index: the words cache's entries, the records cache, and
/// the digests its keys are made from (`None` without the build cache).
struct Caches<'c> {
    words: &'c Entries,
    records: &'c Records,
    keys: Option<(u64, u64)>,
}

/// The words cache's entries a language's index used, by file hash: made from a body read
/// now, or `None` when taken from the cache.
type Fresh = Vec<(u64, Option<Entry>)>;

/// Likewise for the records cache: each document's key, with its entry when made now.
type Shown = Vec<(u64, Option<Vec<u8>>)>;

/// A document's record as the index keeps it until its chunk is made, with what the records
/// cache is to keep: the record itself is in the cache's entry, never held twice.
enum Kept<'c> {
    /// From the records cache, under its key.
    Cached(u64, &'c [u8]),
    /// Made now, with the records cache's entry holding it, under its key.
    Entry(u64, Vec<u8>),
    /// Made now, without the cache.
    Made(Vec<u8>),
}

impl AsRef<[u8]> for Kept<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            Kept::Cached(_, record) => record,
            Kept::Entry(_, entry) => records::record(entry),
            Kept::Made(record) => record,
        }
    }
}

/// A document's record and facet values: from the records cache, under its key, or made now,
/// with the key the records cache is to keep it under (`None` without the build cache).
enum Record<'c> {
    Cached(u64, records::Cached<'c>),
    Made(docs::Read, Option<u64>),
}

/// A document as read in parallel: its record and facet values, the hash of its facts, and,
/// unless the words cache has its document, its words.
struct Parsed<'c> {
    key: u64,
    record: Record<'c>,
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
/// facts, is not read nor stemmed again, and one in the records cache has its record and facet
/// values from there; one whose facts moved without its file (the ministry table changed) is
/// read whole.
fn read_batch<'c>(
    site: &Site,
    l: usize,
    batch: &[QIdx],
    caches: &Caches<'c>,
) -> Vec<Result<Parsed<'c>>> {
    batch
        .par_iter()
        .map(|&i| {
            let q = site.library.question(i);
            let cached = caches.words.get(q.file_hash);
            let record_key = caches
                .keys
                .map(|(global, structure)| records::key(global, structure, l, q.file_hash));
            let record = record_key.and_then(|k| Some((k, caches.records.get(k)?)));
            if let (Some(e), Some((k, r))) = (cached, record) {
                if e.facts == r.facts {
                    return Ok(Parsed {
                        key: q.file_hash,
                        facts: r.facts,
                        record: Record::Cached(k, r),
                        words: None,
                    });
                }
            }
            let mut read = docs::read(site, l, i, cached.map(|e| e.excerpt))?;
            let facts = xxhash_rust::xxh3::xxh3_64(read.facts.as_bytes());
            match cached {
                Some(e) if e.facts == facts => {
                    return Ok(Parsed {
                        key: q.file_hash,
                        record: Record::Made(read, record_key),
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
                record: Record::Made(read, record_key),
                facts,
                words: Some(words),
            })
        })
        .collect()
}

/// One facet's values: by label, each rank it came with (one, but for a theme whose label leaves
/// out what the rank orders by) and its documents.
type Values = FxHashMap<String, Vec<(i64, Vec<u32>)>>;

/// Files document `doc` under a facet's value, in document order, once.
fn file_under(values: &mut Values, rank: i64, label: &str, doc: u32) {
    if !values.contains_key(label) {
        values.insert(label.to_string(), Vec::new());
    }
    let ranks = values.get_mut(label).expect("inserted above");
    match ranks.iter_mut().find(|(r, _)| *r == rank) {
        // In document order: after the last when merging, anywhere when patching.
        Some((_, docs)) => match docs.last() {
            Some(&last) if last >= doc => {
                if let Err(at) = docs.binary_search(&doc) {
                    docs.insert(at, doc);
                }
            }
            _ => docs.push(doc),
        },
        None => ranks.push((rank, vec![doc])),
    }
}

/// What a language's index gives the bundle: its files, the caches' entries it used and, with
/// the cache on, its merged index as the build cache keeps it.
struct Language {
    files: Files,
    fresh: Fresh,
    shown: Shown,
    merged: Option<Vec<u8>>,
}

/// A language's index before it is encoded: the records in document order, the caches'
/// entries used, the merged index with its facets, and how many documents were patched (see
/// [`patch`]; 0 when merged in full).
struct Built<'c> {
    records: Vec<Kept<'c>>,
    used: Fresh,
    merged: patch::Merged,
    patched: usize,
}

/// A parsed document's words by number, into `words`: the words read now, numbered (with the
/// words cache's entry made from them), or the cached ones; `None` when the cache lost them.
fn words_of(
    p: &Parsed<'_>,
    strings: &mut Interner<'_>,
    d: &mut index::Doc,
    caches: &Caches<'_>,
    words: &mut Vec<(u32, u32, u32, bool)>,
) -> Option<Option<Entry>> {
    words.clear();
    match &p.words {
        Some(made) => {
            d.clear();
            d.push_words(strings, &made.title);
            d.push_words(strings, &made.body);
            d.push_words(strings, &made.facts);
            words.extend_from_slice(d.words());
            let excerpt = match &p.record {
                Record::Made(read, _) => read.body.as_ref().map(|b| b.1.clone()),
                Record::Cached(..) => None,
            };
            Some(Some(Entry::new(
                excerpt.unwrap_or_default(),
                p.facts,
                d.words(),
            )))
        }
        None => {
            words.extend(caches.words.get(p.key)?.words());
            Some(None)
        }
    }
}

impl Record<'_> {
    /// Calls `f` with each facet value, `(facet position, rank, label)`.
    fn each_facet(&self, mut f: impl FnMut(usize, i64, &str)) {
        match self {
            Record::Cached(_, r) => r.facets().for_each(|(k, rank, label)| f(k, rank, label)),
            Record::Made(read, _) => {
                (read.facets.iter()).for_each(|(k, v)| f(*k, v.rank, &v.label))
            }
        }
    }
}

/// What the index keeps of a document's record until its chunk is made (see [`Kept`]); `facts`:
/// the hash of its facts, kept with a record made now.
fn kept(record: Record<'_>, facts: u64) -> Kept<'_> {
    match record {
        Record::Cached(k, r) => Kept::Cached(k, r.record),
        Record::Made(read, Some(k)) => {
            let values = read.facets.iter();
            let values = values.map(|(f, v)| (*f, v.rank, v.label.as_str()));
            Kept::Entry(k, records::encode(facts, &read.record, values))
        }
        Record::Made(read, None) => Kept::Made(read.record),
    }
}

/// The index of language `l` merged from every document of `order` (keyed `keys`), each read
/// or taken from the caches.
fn merge<'c>(
    site: &Site,
    l: usize,
    order: &[QIdx],
    keys: Vec<(u64, u64)>,
    strings: &mut Interner<'_>,
    caches: &Caches<'c>,
) -> Result<Built<'c>> {
    let mut index = index::Index::default();
    let mut records: Vec<Kept<'c>> = Vec::with_capacity(order.len());
    let mut facets: Vec<Values> = vec![Values::default(); docs::FACETS.len()];
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut n = 0u32;
    let mut used = Fresh::with_capacity(order.len());
    let mut batches = order.chunks(BATCH);
    let mut read = batches
        .next()
        .map(|b| read_batch(site, l, b, caches))
        .unwrap_or_default();
    // Each batch is merged on one thread while the next is read on the others.
    while !read.is_empty() {
        let next = batches.next();
        let (fresh, next_read) = rayon::join(
            || {
                let mut fresh = Vec::new();
                let mut d = index::Doc::default();
                let mut words = Vec::new();
                for r in read {
                    let doc = n;
                    n += 1;
                    let p = match r {
                        Ok(p) => p,
                        Err(Error::Invalid(mut d)) => {
                            problems.append(&mut d);
                            continue;
                        }
                        Err(e) => {
                            problems.push(Diagnostic::new("(site)", e.to_string()));
                            continue;
                        }
                    };
                    let entry = words_of(&p, strings, &mut d, caches, &mut words)
                        .expect("read from the cache");
                    index.add(&words);
                    fresh.push((p.key, entry));
                    p.record.each_facet(|f, rank, label| {
                        file_under(&mut facets[f], rank, label, doc);
                    });
                    records.push(kept(p.record, p.facts));
                }
                fresh
            },
            || {
                next.map(|b| read_batch(site, l, b, caches))
                    .unwrap_or_default()
            },
        );
        used.extend(fresh);
        read = next_read;
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Built {
        records,
        used,
        merged: patch::Merged {
            docs: keys,
            index,
            facets,
        },
        patched: 0,
    })
}

/// The bundle of language `l`, with the caches' entries it used and, with the cache on, its
/// merged index as the next build may patch it. `merged`: the one the last build kept.
fn language<'c>(
    site: &Site,
    l: usize,
    strings: &RwLock<Strings>,
    caches: &Caches<'c>,
    merged: Option<&[u8]>,
    started: Instant,
) -> Result<Language> {
    let (lang, _, t) = site.language(l);
    let order = docs::order(site, lang);
    let keys = patch::keys(site, &order);
    let mut strings_seen = Interner::new(strings);
    let patched = merged
        .and_then(patch::Merged::decode)
        .and_then(|m| patch::apply(site, l, &order, &keys, m, &mut strings_seen, caches));
    let Built {
        records,
        used,
        merged,
        patched,
    } = match patched {
        Some(built) => built,
        None => merge(site, l, &order, keys, &mut strings_seen, caches)?,
    };
    crate::timings::phase(
        started,
        &format!("search index: {lang}: merged ({patched} documents patched)"),
    );
    let state = caches.keys.map(|_| merged.encode());
    let patch::Merged { index, facets, .. } = merged;
    let dir = format!("{BUNDLE_DIR}/{lang}");
    let mut out = Files::new();
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
        let mut values: Vec<(docs::Value, Vec<u32>)> = values
            .into_iter()
            .flat_map(|(label, ranks)| {
                ranks.into_iter().map(move |(rank, docs)| {
                    let label = label.clone();
                    (docs::Value { rank, label }, docs)
                })
            })
            .collect();
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
    let shown = records
        .into_iter()
        .filter_map(|k| match k {
            Kept::Cached(key, _) => Some((key, None)),
            Kept::Entry(key, entry) => Some((key, Some(entry))),
            Kept::Made(_) => None,
        })
        .collect();
    Ok(Language {
        files: out,
        fresh: used,
        shown,
        merged: state,
    })
}
