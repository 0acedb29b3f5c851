//! The search index's cache of document records, `.quaestor-cache/search-records.bin`: for each
//! document of a language's index, what the client shows of it (its record, as JSON) and the
//! facet values it is filed under, with the hash of its facts. A build after an edit takes them
//! from here for every unchanged document instead of making labels, status and JSON again for
//! 100,000 documents.
//!
//! An entry is found only by a key made of everything its record is made from (see [`key`]), so
//! a stale entry is never found. Like the other caches it is never a source of truth: a missing,
//! unreadable or foreign file is an empty cache.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::Xxh3;

use super::codec::{push_bytes, unzigzag, varint, zigzag, Reader};
use super::layers::{self, Layers, Loc};

/// Bumped whenever the layout or the meaning of an entry changes.
const FORMAT: u32 = 1;

/// The file, in the site's cache folder.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::DIR).join("search-records.bin")
}

/// The key of a document's entry: the build's global digest (binary, configuration, theme,
/// `data/`, options and as-of date), the digest of the term tables (term names), the index's
/// language and the hash of the question file: all a record, its facets and its facts are made
/// from.
pub fn key(global: u64, structure: u64, language: usize, file: u64) -> u64 {
    let mut h = Xxh3::new();
    for n in [global, structure, language as u64, file] {
        h.update(&n.to_le_bytes());
    }
    h.digest()
}

/// A document's entry: the hash of its facts text, its record and its facet values, each
/// `(facet position, rank, label)`.
pub struct Cached<'a> {
    pub facts: u64,
    pub record: &'a [u8],
    facets: &'a [u8],
}

impl<'a> Cached<'a> {
    /// The facet values, as they were given to [`encode`].
    pub fn facets(&self) -> impl Iterator<Item = (usize, i64, &'a str)> + 'a {
        let mut r = Reader::new(self.facets);
        std::iter::from_fn(move || {
            let facet = *r.take(1)?.first()? as usize;
            let rank = unzigzag(r.varint()? as u64);
            Some((facet, rank, r.str()?))
        })
    }
}

/// An entry's bytes: the facts hash (`u64`, little-endian), the record (its length, its bytes),
/// then each facet value (its position, its rank zigzag-encoded, its label's length and bytes),
/// every length and rank a varint.
pub fn encode<'l>(
    facts: u64,
    record: &[u8],
    facets: impl Iterator<Item = (usize, i64, &'l str)>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(record.len() + 128);
    out.extend_from_slice(&facts.to_le_bytes());
    push_bytes(&mut out, record);
    for (facet, rank, label) in facets {
        out.push(facet as u8);
        varint(&mut out, zigzag(rank));
        push_bytes(&mut out, label.as_bytes());
    }
    out
}

/// The record in an entry [`encode`] made.
pub fn record(entry: &[u8]) -> &[u8] {
    decode(entry).expect("an entry made by encode").record
}

fn decode(entry: &[u8]) -> Option<Cached<'_>> {
    let mut r = Reader::new(entry);
    let facts = r.u64()?;
    let record = r.bytes()?;
    Some(Cached {
        facts,
        record,
        facets: &entry[r.at..],
    })
}

/// The entries of the last build's files (a base and its delta, see [`super::layers`]), by key.
#[derive(Default)]
pub struct Records {
    files: Layers,
    at: FxHashMap<u64, Loc>,
    /// The base's entry count, when there is a base.
    base: Option<usize>,
}

impl Records {
    /// The files at `path`, or no entries when there is none or it is not one this build wrote.
    pub fn load(path: &Path) -> Records {
        let Some(files) = layers::load(path) else {
            return Records::default();
        };
        let mut at = FxHashMap::default();
        let Some(base) = index(&files.base, false, &mut at) else {
            return Records::default();
        };
        if !files.delta.is_empty() && index(&files.delta, true, &mut at).is_none() {
            // A delta that does not parse is none: the base alone is still right.
            at.retain(|_, loc| !loc.in_delta);
        }
        Records {
            files,
            at,
            base: Some(base),
        }
    }

    /// The entry of `key`, if the file has one.
    pub fn get(&self, key: u64) -> Option<Cached<'_>> {
        decode(self.bytes(self.at.get(&key)?))
    }

    fn bytes(&self, loc: &Loc) -> &[u8] {
        self.files.bytes(loc)
    }

    /// Writes the entries of `used` (keys, each once), from these files or from `made` (entries
    /// made by this build), then swaps the file into place: the delta alone when the base still
    /// holds most of them (see [`layers::save_whole`]), else the whole file. Nothing is written
    /// when the files would hold the same entries.
    pub fn save(
        &self,
        path: &Path,
        mut used: Vec<u64>,
        made: &FxHashMap<u64, Vec<u8>>,
    ) -> std::io::Result<()> {
        used.sort_unstable();
        if made.is_empty() && used.len() == self.at.len() {
            return Ok(());
        }
        let entry = |k: &u64| -> Option<&[u8]> {
            match made.get(k) {
                Some(e) => Some(e),
                None => self.at.get(k).map(|loc| self.bytes(loc)),
            }
        };
        let in_base =
            |k: &u64| !made.contains_key(k) && self.at.get(k).is_some_and(|l| !l.in_delta);
        let kept_in_base = used.iter().filter(|k| in_base(k)).count();
        let added: Vec<(u64, &[u8])> = (used.iter())
            .filter(|k| !in_base(k))
            .filter_map(|k| entry(k).map(|e| (*k, e)))
            .collect();
        let added_bytes = added.iter().map(|(_, e)| e.len() + 12).sum();
        let base = self.base.map(|n| (n, self.files.base.len()));
        let unused = self.base.unwrap_or(0).saturating_sub(kept_in_base);
        if layers::save_whole(base, unused, added_bytes) {
            let entries = used.iter().filter_map(|k| entry(k).map(|e| (*k, e)));
            let mut file = super::Summed::create(path)?;
            write_entries(&mut file, entries)?;
            file.finish()?;
            layers::remove_delta(path)
        } else {
            let mut file = layers::create_delta(path, self.files.sum)?;
            write_entries(&mut file, added.into_iter())?;
            file.finish()
        }
    }
}

/// A file's entries, into `at` (`in_delta`: the file is the delta): [`FORMAT`] (`u32`,
/// little-endian), the count of entries, then each entry's key (`u64`, little-endian) and bytes
/// (their length, a varint, then [`encode`]'s bytes). Returns the count, or `None` when the
/// bytes are not such a file.
fn index(bytes: &[u8], in_delta: bool, at: &mut FxHashMap<u64, Loc>) -> Option<usize> {
    let mut r = Reader::new(bytes);
    if u32::from_le_bytes(r.take(4)?.try_into().ok()?) != FORMAT {
        return None;
    }
    let count = r.varint()?;
    at.reserve(count);
    for _ in 0..count {
        let key = r.u64()?;
        let entry = r.bytes()?;
        let loc = Loc {
            in_delta,
            at: r.at - entry.len(),
            len: entry.len(),
        };
        at.insert(key, loc);
    }
    r.done().then_some(count)
}

/// Writes `entries` as [`index`] reads them.
fn write_entries<'e>(
    file: &mut super::Summed,
    entries: impl Iterator<Item = (u64, &'e [u8])> + Clone,
) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(2 << 20);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    varint(&mut bytes, entries.clone().count() as u64);
    for (key, e) in entries {
        bytes.extend_from_slice(&key.to_le_bytes());
        push_bytes(&mut bytes, e);
        file.spill(&mut bytes)?;
    }
    file.write(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_their_key_and_kept_only_while_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let facets = [
            (0, -2024, "2024"),
            (3, 0, "Anne Dupont"),
            (7, 0, "sécurité"),
        ];
        let a = key(1, 2, 0, 30);
        let b = key(1, 2, 1, 30);
        assert_ne!(a, b, "each language has its own entry");
        let mut made = FxHashMap::default();
        made.insert(a, encode(9, br#"{"t":"Water"}"#, facets.iter().copied()));
        made.insert(b, encode(8, br#"{"t":"Eau"}"#, std::iter::empty()));
        Records::default().save(&path, vec![a, b], &made).unwrap();

        let back = Records::load(&path);
        let got = back.get(a).unwrap();
        assert_eq!((got.facts, got.record), (9, &br#"{"t":"Water"}"#[..]));
        assert_eq!(got.facets().collect::<Vec<_>>(), facets);
        assert_eq!(back.get(b).unwrap().facets().count(), 0);
        assert!(back.get(key(1, 3, 0, 30)).is_none(), "other term names");

        // Saved again with only `a` used: `b` is dropped.
        back.save(&path, vec![a], &FxHashMap::default()).unwrap();
        let again = Records::load(&path);
        assert!(again.get(a).is_some() && again.get(b).is_none());

        // A file cut short or garbled is an empty cache.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Records::load(&path).get(a).is_none());
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Records::load(&path).get(a).is_none());
    }

    #[test]
    fn an_edit_saves_a_delta_that_loads_with_its_base() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let made: FxHashMap<u64, Vec<u8>> = (1..=40u64)
            .map(|k| {
                (
                    k,
                    encode(k, format!("{{\"n\":{k}}}").as_bytes(), std::iter::empty()),
                )
            })
            .collect();
        Records::default()
            .save(&path, (1..=40).collect(), &made)
            .unwrap();
        let base = std::fs::read(&path).unwrap();
        let records = Records::load(&path);
        // One record made again under a new key, its old one unused.
        let mut edited = FxHashMap::default();
        edited.insert(
            41,
            encode(9, br#"{"n":"edited"}"#, [(1, 0, "x")].into_iter()),
        );
        records.save(&path, (2..=41).collect(), &edited).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            base,
            "the base is left as it was"
        );

        let back = Records::load(&path);
        assert_eq!(back.get(41).unwrap().record, br#"{"n":"edited"}"#);
        assert_eq!(back.get(41).unwrap().facets().count(), 1);
        assert_eq!(back.get(7).unwrap().record, br#"{"n":7}"#);
        // The next edit keeps the first one's record in its delta.
        back.save(&path, (2..=41).chain([42]).collect(), &{
            let mut m = FxHashMap::default();
            m.insert(42, encode(1, b"{}", std::iter::empty()));
            m
        })
        .unwrap();
        let again = Records::load(&path);
        assert!(again.get(41).is_some() && again.get(42).is_some());

        // A garbled delta is none: the base's entries are still found.
        let delta_path = layers::delta_path(&path);
        let mut delta = std::fs::read(&delta_path).unwrap();
        let mid = delta.len() / 2;
        delta[mid] ^= 1;
        std::fs::write(&delta_path, &delta).unwrap();
        let garbled = Records::load(&path);
        assert!(garbled.get(41).is_none());
        assert_eq!(garbled.get(7).unwrap().record, br#"{"n":7}"#);

        // Once a tenth of the base is unused, the file is saved whole and the delta removed.
        again
            .save(&path, (10..=42).collect(), &FxHashMap::default())
            .unwrap();
        assert!(!delta_path.exists());
        let whole = Records::load(&path);
        assert!(whole.get(3).is_none() && whole.get(41).is_some() && whole.get(10).is_some());
    }
}
