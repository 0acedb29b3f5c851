//! The search index's cache of document words, `.quaestor-cache/search-words.bin`: for each
//! question file (by the hash of its bytes) the document it made in the index, that is the folded
//! forms of its title, body and facts merged, each with its stem, count and whether it is in the
//! title, with the hash of the facts it was made with and its record's excerpt. A build after an
//! edit reads and stems only the changed files and adds the others to the index from here. Forms
//! and stems are numbers into one string table, so an entry is a few bytes a word.
//!
//! Like the build cache it is never a source of truth: a missing, unreadable or foreign file is
//! an empty cache, and an entry is only ever found by the hash of the bytes it was made from.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::codec::{push_bytes, read_varint, unzigzag, varint, zigzag, Reader};

/// Bumped whenever the layout or the meaning of an entry changes.
const FORMAT: u32 = 5;

/// The file, in the site's cache folder.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::DIR).join("search-words.bin")
}

/// One question file's document: its words `(form, stem, count, in title)` by string number,
/// forms ascending, encoded as varints (the form's distance from the previous form, the stem's
/// (zigzag) distance from the form, the count doubled plus the title flag); the hash of the facts
/// text they include (names, ministries and keywords, which the ministry table may change without
/// the file changing); and its record's excerpt.
pub struct Entry {
    pub excerpt: String,
    pub facts: u64,
    doc: Vec<u8>,
}

impl Entry {
    /// An entry from a document's words in any order (one per form).
    pub fn new(excerpt: String, facts: u64, words: &[(u32, u32, u32, bool)]) -> Entry {
        Entry {
            excerpt,
            facts,
            doc: encode(words.to_vec()),
        }
    }

    /// The document's words, `(form, stem, count, in title)`, forms ascending.
    pub fn words(&self) -> impl Iterator<Item = (u32, u32, u32, bool)> + '_ {
        decode(&self.doc)
    }
}

fn encode(mut words: Vec<(u32, u32, u32, bool)>) -> Vec<u8> {
    words.sort_unstable_by_key(|w| w.0);
    let mut bytes = Vec::with_capacity(words.len() * 4);
    let mut last = 0;
    for (form, stem, count, in_title) in words {
        varint(&mut bytes, u64::from(form - last));
        let d = i64::from(stem) - i64::from(form);
        varint(&mut bytes, zigzag(d));
        varint(&mut bytes, u64::from(count) << 1 | u64::from(in_title));
        last = form;
    }
    bytes
}

fn decode(bytes: &[u8]) -> impl Iterator<Item = (u32, u32, u32, bool)> + '_ {
    let mut at = 0;
    let mut last = 0u32;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let form = last + read_varint(bytes, &mut at) as u32;
        let stem = (i64::from(form) + unzigzag(read_varint(bytes, &mut at))) as u32;
        let count = read_varint(bytes, &mut at);
        last = form;
        Some((form, stem, (count >> 1) as u32, count & 1 == 1))
    })
}

/// Forms and stems by number.
#[derive(Default)]
pub struct Strings {
    strings: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
}

impl Strings {
    /// The number of `s`, given one if it has none.
    pub fn intern(&mut self, s: &Arc<str>) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.ids.insert(s.clone(), id);
        id
    }

    pub fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// The string of `id`, shared.
    pub fn arc(&self, id: u32) -> Arc<str> {
        self.strings[id as usize].clone()
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// A hash of the first `n` strings, or `None` when there are fewer: what numbers made with
    /// this table mean (a saved table keeps them unless it drops strings, see [`Words::save`]).
    pub fn digest(&self, n: usize) -> Option<u64> {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for s in self.strings.get(..n)? {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Some(h.digest())
    }
}

/// Strings seen by one thread before it forgets them: bounds the memory of each view.
const SEEN: usize = 1 << 18;

/// One thread's view of a string table that several threads add to (one per search language):
/// what it has numbered is remembered, so the lock is taken only for strings it has not seen.
/// Numbers then depend on which thread asks first; the index never orders by them.
pub struct Interner<'a> {
    shared: &'a RwLock<Strings>,
    seen: FxHashMap<Arc<str>, u32>,
}

impl<'a> Interner<'a> {
    pub fn new(shared: &'a RwLock<Strings>) -> Interner<'a> {
        Interner {
            shared,
            seen: FxHashMap::default(),
        }
    }

    /// The number of `s`, given one if it has none.
    pub fn intern(&mut self, s: &Arc<str>) -> u32 {
        if let Some(&id) = self.seen.get(s) {
            return id;
        }
        let found = self
            .shared
            .read()
            .expect("no thread panics holding the table")
            .ids
            .get(s)
            .copied();
        let id = match found {
            Some(id) => id,
            None => self
                .shared
                .write()
                .expect("no thread panics holding the table")
                .intern(s),
        };
        if self.seen.len() >= SEEN {
            self.seen.clear();
        }
        self.seen.insert(s.clone(), id);
        id
    }
}

/// Entries by the hash of their file's bytes.
#[derive(Default)]
pub struct Entries(FxHashMap<u64, Entry>);

impl Entries {
    /// The entry of the file whose bytes hash to `key` (0: unknown, never cached).
    pub fn get(&self, key: u64) -> Option<&Entry> {
        (key != 0).then(|| self.0.get(&key)).flatten()
    }
}

/// The cache as a build uses it: the entries found and those made, the strings they number.
#[derive(Default)]
pub struct Words {
    pub strings: Strings,
    pub entries: Entries,
    /// Entries this build looked up or made: only these are saved again.
    used: FxHashSet<u64>,
    /// How many bodies this build read (the others came from the cache).
    pub bodies_read: usize,
}

// The file, each number a varint unless said: [`FORMAT`] and the binary's digest (`u32` and
// `u64`, little-endian), the counts of strings and entries, each string (its length, its
// bytes), each entry (its key and facts hash, `u64` little-endian, then its excerpt and its
// words, each as length and bytes), and last the xxh3 of all that (a file cut short or garbled
// is an empty cache, so entries need no check of their own). Written and read by hand, with no
// copy of an entry on the way: the file is saved again after every edit.
impl Words {
    /// The cache saved at `path`, or an empty one.
    pub fn load(path: &Path) -> Words {
        super::read_summed(path)
            .and_then(|payload| Words::decode(&payload))
            .unwrap_or_default()
    }

    /// The cache from a file's bytes without their checksum.
    fn decode(payload: &[u8]) -> Option<Words> {
        let mut r = Reader::new(payload);
        let format = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        if format != FORMAT || r.u64()? != super::binary_digest() {
            return None;
        }
        let (strings, entries) = (r.varint()?, r.varint()?);
        let mut words = Words::default();
        for _ in 0..strings {
            words.strings.intern(&Arc::from(r.str()?));
        }
        if words.strings.len() != strings {
            return None;
        }
        words.entries.0.reserve(entries);
        for _ in 0..entries {
            let (key, facts) = (r.u64()?, r.u64()?);
            let excerpt = r.str()?.to_string();
            let doc = r.bytes()?.to_vec();
            let entry = Entry {
                excerpt,
                facts,
                doc,
            };
            words.entries.0.insert(key, entry);
        }
        r.done().then_some(words)
    }

    /// Marks `key` as used by this build.
    pub fn touch(&mut self, key: u64) {
        if key != 0 {
            self.used.insert(key);
        }
    }

    /// How many question files this build used.
    pub fn used(&self) -> usize {
        self.used.len()
    }

    /// Keeps the entry made from a body this build read; a body read twice (for two languages'
    /// indexes) is counted once.
    pub fn insert(&mut self, key: u64, entry: Entry) {
        if key != 0 {
            if self.used.insert(key) {
                self.bodies_read += 1;
            }
            self.entries.0.insert(key, entry);
        }
    }

    /// Writes the entries this build used (and the strings they need) beside `path`, then
    /// renames the file into place. Strings of dropped entries are dropped with them (the rest
    /// renumbered) only once a tenth of the entries went: after an edit or two, finding which
    /// strings are still used would cost more than the few it could drop.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut keys: Vec<u64> = self.used.iter().copied().collect();
        keys.sort_unstable();
        let used: Vec<(u64, &Entry)> = (keys.iter())
            .filter_map(|k| self.entries.0.get(k).map(|e| (*k, e)))
            .collect();
        let dropped = self.entries.0.len() - used.len();
        let number = (dropped * 10 > self.entries.0.len())
            .then(|| self.renumbering(&used))
            .flatten();
        let mut file = super::Summed::create(path)?;
        let mut bytes = Vec::with_capacity(2 << 20);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&super::binary_digest().to_le_bytes());
        let kept = |k: usize| number.as_ref().is_none_or(|n| n[k] != u32::MAX);
        let strings = (0..self.strings.len()).filter(|&k| kept(k)).count();
        varint(&mut bytes, strings as u64);
        varint(&mut bytes, used.len() as u64);
        for k in (0..self.strings.len()).filter(|&k| kept(k)) {
            push_bytes(&mut bytes, self.strings.get(k as u32).as_bytes());
            file.spill(&mut bytes)?;
        }
        for (key, e) in &used {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&e.facts.to_le_bytes());
            push_bytes(&mut bytes, e.excerpt.as_bytes());
            match &number {
                None => push_bytes(&mut bytes, &e.doc),
                Some(number) => {
                    let renumber = |(f, s, c, t): (u32, u32, u32, bool)| {
                        (number[f as usize], number[s as usize], c, t)
                    };
                    push_bytes(&mut bytes, &encode(e.words().map(renumber).collect()));
                }
            }
            file.spill(&mut bytes)?;
        }
        file.write(&bytes)?;
        file.finish()
    }

    /// New numbers for the strings `used` refers to, in their old order (`u32::MAX` for the
    /// others), or `None` when most strings are still in use.
    fn renumbering(&self, used: &[(u64, &Entry)]) -> Option<Vec<u32>> {
        let mut referenced = vec![false; self.strings.len()];
        for (_, e) in used {
            for (f, s, _, _) in e.words() {
                referenced[f as usize] = true;
                referenced[s as usize] = true;
            }
        }
        let live = referenced.iter().filter(|r| **r).count();
        if live * 2 >= self.strings.len() {
            return None;
        }
        let mut next = 0;
        Some(
            referenced
                .iter()
                .map(|&r| {
                    if r {
                        next += 1;
                        next - 1
                    } else {
                        u32::MAX
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_gives_back_its_words_by_form() {
        let e = Entry::new(
            "x".into(),
            9,
            &[
                (900, 3, 2, false),
                (5, 5, 1, true),
                (70000, 70001, 300, false),
            ],
        );
        let words: Vec<_> = e.words().collect();
        assert_eq!(
            words,
            [
                (5, 5, 1, true),
                (900, 3, 2, false),
                (70000, 70001, 300, false)
            ]
        );
        assert_eq!(e.facts, 9);
    }

    #[test]
    fn a_saved_cache_keeps_the_entries_used_and_their_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let mut words = Words::default();
        let id = |w: &mut Words, s: &str| w.strings.intern(&Arc::from(s));
        let old: Vec<(u32, u32, u32, bool)> = ["weg", "oud", "verouderd", "voorbij", "vergeten"]
            .iter()
            .map(|s| (id(&mut words, s), id(&mut words, s), 1, false))
            .collect();
        let (f, s) = (id(&mut words, "aanvallen"), id(&mut words, "aanval"));
        let title = (id(&mut words, "vraag"), id(&mut words, "vrag"));
        words.insert(1, Entry::new("old".into(), 0, &old));
        let kept = Entry::new(
            "kept".into(),
            7,
            &[(title.0, title.1, 1, true), (f, s, 3, false)],
        );
        words.insert(2, kept);
        for used in [&[1u64, 2][..], &[2]] {
            words.used = used.iter().copied().collect();
            words.save(&path).unwrap();
            let back = Words::load(&path);
            assert_eq!(back.entries.get(1).is_some(), used.contains(&1));
            let e = back.entries.get(2).unwrap();
            assert_eq!((e.excerpt.as_str(), e.facts), ("kept", 7));
            let mut got: Vec<(&str, &str, u32, bool)> = e
                .words()
                .map(|(f, s, c, t)| (back.strings.get(f), back.strings.get(s), c, t))
                .collect();
            got.sort();
            assert_eq!(
                got,
                [
                    ("aanvallen", "aanval", 3, false),
                    ("vraag", "vrag", 1, true)
                ]
            );
            // Once most strings are no longer used, the others are dropped.
            let strings = if used.contains(&1) { 9 } else { 4 };
            assert_eq!(back.strings.len(), strings);
        }
        // A file cut short, or with a byte changed, is an empty cache.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Words::load(&path).entries.get(2).is_none());
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Words::load(&path).entries.get(2).is_none());
        std::fs::write(&path, &bytes).unwrap();
        assert!(Words::load(&path).entries.get(2).is_some());
        // A well-summed file that does not parse is an empty cache too.
        let mut payload = bytes[..bytes.len() - 8].to_vec();
        payload.push(0);
        assert!(Words::decode(&payload).is_none(), "a byte too many");
        payload.truncate(payload.len() - 2);
        assert!(Words::decode(&payload).is_none(), "a byte too few");
        assert!(Words::decode(&bytes[..bytes.len() - 8]).is_some());
        // A file from another format or binary is an empty cache.
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Words::load(&path).entries.get(2).is_none());
    }
}
