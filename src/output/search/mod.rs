//! Full-text search on a static host, built from the library rather than from rendered pages:
//! one index per site language under `search-index/<lang>/`, read by a small script with no
//! WebAssembly. The format (shared with `static/js/search.js`) is format 1 of docs/SEARCH.md:
//! `meta.json`; `t/<n>.json` shards of folded word forms, each with its Snowball stem's postings;
//! `d/<k>.json` chunks of result records; `f/<key>.json` facets. Documents are numbered newest
//! first, so the date sort needs no data. Memory stays bounded: bodies are read a batch at a
//! time and postings are a number and a byte each.

mod bundle;
mod docs;
mod index;
pub mod words;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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

/// Every file of the search bundle, as (site-relative path, bytes), sorted by path. The same
/// library gives the same bytes whatever the thread count.
pub fn bundle(site: &Site) -> Result<Files> {
    let mut files = Files::new();
    for l in 0..site.language_count() {
        files.extend(language(site, l)?);
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The bundle of language `l`.
fn language(site: &Site, l: usize) -> Result<Files> {
    let (lang, _, t) = site.language(l);
    let order = docs::order(site, lang);
    let mut index = index::Index::default();
    let mut records: Vec<Vec<u8>> = Vec::with_capacity(order.len());
    let mut facets: Vec<FxHashMap<docs::Value, Vec<u32>>> = vec![FxHashMap::default(); 8];
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut n = 0u32;
    for batch in order.chunks(BATCH) {
        let read: Vec<Result<(docs::Read, index::DocWords)>> = batch
            .par_iter()
            .map(|&i| {
                let stemmer = words::stemmer(&site.library.question(i).lang);
                let doc = docs::read(site, l, i)?;
                let words = index::DocWords::of(&doc.title, &doc.text, &stemmer);
                Ok((doc, words))
            })
            .collect();
        for r in read {
            let doc = n;
            n += 1;
            match r {
                Ok((d, w)) => {
                    index.add(w);
                    records.push(d.record);
                    for (f, value) in d.facets {
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
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let dir = format!("{BUNDLE_DIR}/{lang}");
    let mut out = Files::new();
    let (firsts, shards) = bundle::shards(&index);
    drop(index);
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
    Ok(out)
}
