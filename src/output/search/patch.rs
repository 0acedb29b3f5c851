//! A language's index patched after an edit instead of merged again from every document: the
//! last build keeps its merged index in the build cache ([`Merged`], in
//! `.quaestor-cache/search-index.bin`), and a build whose documents are the same questions in
//! the same order takes each changed document's old words and facet values out and puts its
//! new ones in. The result is what merging every document gives; anything that could make it
//! differ (the order moved, a cache entry missing, a changed document that decides which stem a
//! form takes) leaves the index to be merged in full.

use std::hash::Hasher;

use super::index::{Doc, Index};
use super::{file_under, kept, read_batch, words_of, Built, Caches, Fresh, Values};
use crate::cache::codec::{push_bytes, unzigzag, varint, zigzag, Reader};
use crate::cache::records;
use crate::site::library::QIdx;
use crate::site::Site;

/// Documents changed beyond this share of the index (and 64) are merged in full: each patch
/// moves the postings of a document's stems, which a merge does once for all.
const PATCHED_SHARE: usize = 100;

/// A language's merged index as the build cache keeps it: each document's key (see [`keys`]),
/// the index and the facets' values.
pub struct Merged {
    pub docs: Vec<(u64, u64)>,
    pub index: Index,
    pub facets: Vec<Values>,
}

/// Each document's question id (hashed) and file hash, in document order: a document whose id
/// is where it was and whose file hash is the same is unchanged.
pub fn keys(site: &Site, order: &[QIdx]) -> Vec<(u64, u64)> {
    order
        .iter()
        .map(|&i| {
            let q = site.library.question(i);
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.write(q.id.as_bytes());
            (h.finish(), q.file_hash)
        })
        .collect()
}

impl Merged {
    /// The bytes the build cache keeps: the documents' keys (`u64` pairs, little-endian), the
    /// index (see [`Index::encode`]), then each facet's values with their documents.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.docs.len() * 16 + (1 << 20));
        varint(&mut out, self.docs.len() as u64);
        for (id, file) in &self.docs {
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&file.to_le_bytes());
        }
        self.index.encode(&mut out);
        varint(&mut out, self.facets.len() as u64);
        for values in &self.facets {
            varint(&mut out, values.len() as u64);
            for (label, ranks) in values {
                push_bytes(&mut out, label.as_bytes());
                varint(&mut out, ranks.len() as u64);
                for (rank, docs) in ranks {
                    varint(&mut out, zigzag(*rank));
                    varint(&mut out, docs.len() as u64);
                    let mut last = 0;
                    for &d in docs {
                        varint(&mut out, u64::from(d - last));
                        last = d;
                    }
                }
            }
        }
        out
    }

    /// What [`Merged::encode`] wrote, or `None` when the bytes do not make it.
    pub fn decode(bytes: &[u8]) -> Option<Merged> {
        let mut r = Reader::new(bytes);
        let n = r.varint()?;
        let mut docs = Vec::with_capacity(n.min(bytes.len() / 16));
        for _ in 0..n {
            docs.push((r.u64()?, r.u64()?));
        }
        let index = Index::decode(&mut r)?;
        (index.len() as usize == n).then_some(())?;
        let count = r.varint()?;
        (count == super::docs::FACETS.len()).then_some(())?;
        let mut facets = Vec::with_capacity(count);
        for _ in 0..count {
            let labels = r.varint()?;
            let mut values = Values::default();
            for _ in 0..labels {
                let label = r.str()?.to_string();
                let mut ranks = Vec::new();
                for _ in 0..r.varint()? {
                    let rank = unzigzag(r.varint()? as u64);
                    let mut last = 0u32;
                    let mut list = Vec::new();
                    for _ in 0..r.varint()? {
                        last = last.checked_add(u32::try_from(r.varint()?).ok()?)?;
                        (last < n as u32).then_some(())?;
                        list.push(last);
                    }
                    ranks.push((rank, list));
                }
                values.insert(label, ranks);
            }
            facets.push(values);
        }
        r.done().then_some(Merged {
            docs,
            index,
            facets,
        })
    }
}

/// Takes document `doc` out of a facet's value; `None` when it is not there.
fn unfile(values: &mut Values, rank: i64, label: &str, doc: u32) -> Option<()> {
    let ranks = values.get_mut(label)?;
    let k = ranks.iter().position(|(r, _)| *r == rank)?;
    let docs = &mut ranks[k].1;
    docs.remove(docs.binary_search(&doc).ok()?);
    if docs.is_empty() {
        ranks.remove(k);
        if ranks.is_empty() {
            values.remove(label);
        }
    }
    Some(())
}

/// The index of language `l` with documents `order` (keyed `keys`), made from the last build's
/// `merged` index by patching the documents that changed since; `None` when it cannot be (see
/// the module's note) and is to be merged in full.
pub(super) fn apply<'c>(
    site: &Site,
    l: usize,
    order: &[QIdx],
    keys: &[(u64, u64)],
    mut merged: Merged,
    strings: &mut crate::cache::search::Interner<'_>,
    caches: &Caches<'c>,
) -> Option<Built<'c>> {
    let (global, structure) = caches.keys?;
    if merged.docs.len() != keys.len() {
        return None;
    }
    let mut changed = Vec::new();
    for (n, (before, now)) in merged.docs.iter().zip(keys).enumerate() {
        if before.0 != now.0 {
            return None;
        }
        if before.1 != now.1 || now.1 == 0 {
            changed.push(n);
        }
    }
    if changed.len() > 64.max(keys.len() / PATCHED_SHARE) {
        return None;
    }
    let record_key = |file: u64| records::key(global, structure, l, file);
    // Every unchanged document's record as the last build made it.
    let mut records = Vec::with_capacity(keys.len());
    let mut used = Fresh::with_capacity(keys.len());
    let mut next = changed.iter().peekable();
    for (n, &(_, file)) in keys.iter().enumerate() {
        if next.next_if(|&&c| c == n).is_some() {
            records.push(None);
            continue;
        }
        let key = record_key(file);
        records.push(Some(super::Kept::Cached(
            key,
            caches.records.get(key)?.record,
        )));
        used.push((file, None));
    }
    let batch: Vec<QIdx> = changed.iter().map(|&n| order[n]).collect();
    let read = read_batch(site, l, &batch, caches);
    let mut d = Doc::default();
    let mut old = Vec::new();
    let mut new = Vec::new();
    for (&n, parsed) in changed.iter().zip(read) {
        let parsed = parsed.ok()?;
        let doc = n as u32;
        let before = merged.docs[n].1;
        old.clear();
        old.extend(caches.words.get(before)?.words());
        let old_record = caches.records.get(record_key(before))?;
        let entry = words_of(&parsed, strings, &mut d, caches, &mut new)?;
        (merged.index.removable(doc, &old)).then_some(())?;
        merged.index.remove(doc, &old)?;
        (merged.index.insertable(doc, &new)).then_some(())?;
        merged.index.insert(doc, &new)?;
        // A value given twice (a keyword repeated) was filed once.
        let mut values: Vec<(usize, i64, &str)> = old_record.facets().collect();
        values.sort_unstable();
        values.dedup();
        for (f, rank, label) in values {
            unfile(merged.facets.get_mut(f)?, rank, label, doc)?;
        }
        let mut filed = Some(());
        parsed
            .record
            .each_facet(|f, rank, label| match merged.facets.get_mut(f) {
                Some(values) => file_under(values, rank, label, doc),
                None => filed = None,
            });
        filed?;
        used.push((parsed.key, entry));
        records[n] = Some(kept(parsed.record, parsed.facts));
        merged.docs[n].1 = keys[n].1;
    }
    Some(Built {
        records: records.into_iter().collect::<Option<_>>()?,
        used,
        merged,
        patched: changed.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merged_index_comes_back_from_its_bytes() {
        let mut index = Index::default();
        index.add(&[(1, 2, 3, true), (4, 2, 1, false)]);
        index.add(&[(4, 2, 2, false), (7, 7, 1, false)]);
        let mut facets = vec![Values::default(); super::super::docs::FACETS.len()];
        file_under(&mut facets[3], 0, "Anne Dupont", 0);
        file_under(&mut facets[0], -2024, "2024", 1);
        file_under(&mut facets[0], -2024, "2024", 0);
        let merged = Merged {
            docs: vec![(10, 20), (11, 21)],
            index,
            facets,
        };
        let bytes = merged.encode();
        let back = Merged::decode(&bytes).unwrap();
        assert_eq!(back.docs, merged.docs);
        assert_eq!(back.facets, merged.facets);
        assert_eq!(back.facets[0]["2024"], [(-2024, vec![0, 1])]);
        let mut again = Vec::new();
        back.index.encode(&mut again);
        let mut first = Vec::new();
        merged.index.encode(&mut first);
        assert_eq!(again, first);
        // Cut short or with a byte too many, it is no index.
        assert!(Merged::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Merged::decode(&longer).is_none());
    }

    #[test]
    fn a_value_left_without_documents_is_gone() {
        let mut values = Values::default();
        file_under(&mut values, 0, "x", 3);
        file_under(&mut values, 0, "x", 1);
        assert_eq!(values["x"], [(0, vec![1, 3])]);
        unfile(&mut values, 0, "x", 3).unwrap();
        unfile(&mut values, 0, "x", 1).unwrap();
        assert!(values.is_empty());
        assert!(unfile(&mut values, 0, "x", 1).is_none());
    }
}
