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
use super::layers::{self, Layers, Loc};

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

    /// The entry as the cache lends it.
    pub fn view(&self) -> EntryRef<'_> {
        EntryRef {
            excerpt: &self.excerpt,
            facts: self.facts,
            doc: &self.doc,
        }
    }

    /// Appends the entry as the file holds it after its key (see [`EntryRef::read`]).
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.facts.to_le_bytes());
        push_bytes(out, self.excerpt.as_bytes());
        push_bytes(out, &self.doc);
    }
}

/// An entry as the cache holds it: read from the file's bytes when asked for, so loading the
/// cache makes no entry it is not asked for.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    pub excerpt: &'a str,
    pub facts: u64,
    doc: &'a [u8],
}

impl<'a> EntryRef<'a> {
    /// The document's words, `(form, stem, count, in title)`, forms ascending.
    pub fn words(&self) -> impl Iterator<Item = (u32, u32, u32, bool)> + 'a {
        decode(self.doc)
    }

    /// The entry in `bytes`, as [`Entry::write`] wrote it.
    fn read(bytes: &'a [u8]) -> Option<EntryRef<'a>> {
        let mut r = Reader::new(bytes);
        let facts = r.u64()?;
        let excerpt = r.str()?;
        let doc = r.bytes()?;
        r.done().then_some(EntryRef {
            excerpt,
            facts,
            doc,
        })
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

    /// Forgets the strings numbered `len` and after.
    fn truncate(&mut self, len: usize) {
        for s in self.strings.drain(len.min(self.strings.len())..) {
            self.ids.remove(&s);
        }
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

/// The entries of the last build's files (a base and its delta, see [`super::layers`]), by the
/// hash of the file each was made from.
#[derive(Default)]
pub struct Entries {
    files: Layers,
    at: FxHashMap<u64, Loc>,
    /// The base's counts of entries and strings, when there is a base.
    base: Option<(usize, usize)>,
}

impl Entries {
    /// The entry of the file whose bytes hash to `key` (0: unknown, never cached).
    pub fn get(&self, key: u64) -> Option<EntryRef<'_>> {
        if key == 0 {
            return None;
        }
        EntryRef::read(self.bytes(self.at.get(&key)?))
    }

    fn bytes(&self, loc: &Loc) -> &[u8] {
        self.files.bytes(loc)
    }
}

/// The cache as a build uses it: the entries found and those made, the strings they number.
#[derive(Default)]
pub struct Words {
    pub strings: Strings,
    pub entries: Entries,
    /// Entries made by this build, from the bodies it read.
    made: FxHashMap<u64, Entry>,
    /// Entries this build looked up or made: only these are saved again.
    used: FxHashSet<u64>,
    /// How many bodies this build read (the others came from the cache).
    pub bodies_read: usize,
}

/// An entry to save: as the files hold it, or made by this build.
enum Stored<'a> {
    Read(&'a [u8]),
    Made(&'a Entry),
}

impl Stored<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Stored::Read(bytes) => out.extend_from_slice(bytes),
            Stored::Made(e) => e.write(out),
        }
    }

    fn view(&self) -> Option<EntryRef<'_>> {
        match self {
            Stored::Read(bytes) => EntryRef::read(bytes),
            Stored::Made(e) => Some(e.view()),
        }
    }
}

/// Writes a file as [`Words::index`] reads it: the head, `strings`, then each of `entries`, its
/// key followed by what `write` makes of it.
fn write_file<'s, E>(
    file: &mut super::Summed,
    strings: impl Iterator<Item = &'s str> + Clone,
    entries: &[(u64, E)],
    mut write: impl FnMut(&E, &mut Vec<u8>),
) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(2 << 20);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&super::binary_digest().to_le_bytes());
    varint(&mut bytes, strings.clone().count() as u64);
    varint(&mut bytes, entries.len() as u64);
    for string in strings {
        push_bytes(&mut bytes, string.as_bytes());
        file.spill(&mut bytes)?;
    }
    for (key, e) in entries {
        bytes.extend_from_slice(&key.to_le_bytes());
        write(e, &mut bytes);
        file.spill(&mut bytes)?;
    }
    file.write(&bytes)
}

// Each file, each number a varint unless said: [`FORMAT`] and the binary's digest (`u32` and
// `u64`, little-endian), the counts of strings and entries, each string (its length, its
// bytes), each entry (its key and facts hash, `u64` little-endian, then its excerpt and its
// words, each as length and bytes), and last the xxh3 of all that (a file cut short or garbled
// is an empty cache, so entries need no check of their own). A delta (see [`super::layers`])
// has the same layout: its strings are numbered after the base's, its entries are those the
// base lacks. Written and read by hand, with no copy of an entry on the way.
impl Words {
    /// The cache saved at `path`, or an empty one.
    pub fn load(path: &Path) -> Words {
        let Some(files) = layers::load(path) else {
            return Words::default();
        };
        let mut words = Words::default();
        let mut at = FxHashMap::default();
        let Some(base) = words.index(&files.base, false, &mut at) else {
            return Words::default();
        };
        if !files.delta.is_empty() {
            let strings = words.strings.len();
            let mut added = FxHashMap::default();
            // A delta that does not parse is none: the base alone is still right.
            match words.index(&files.delta, true, &mut added) {
                Some(_) => at.extend(added),
                None => words.strings.truncate(strings),
            }
        }
        words.entries = Entries {
            files,
            at,
            base: Some(base),
        };
        words
    }

    /// Reads a file's strings into the table and its entries into `at`: the counts of entries
    /// and strings, or `None` when the bytes are not such a file.
    fn index(
        &mut self,
        bytes: &[u8],
        in_delta: bool,
        at: &mut FxHashMap<u64, Loc>,
    ) -> Option<(usize, usize)> {
        let mut r = Reader::new(bytes);
        let format = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        if format != FORMAT || r.u64()? != super::binary_digest() {
            return None;
        }
        let (strings, entries) = (r.varint()?, r.varint()?);
        let before = self.strings.len();
        for _ in 0..strings {
            self.strings.intern(&Arc::from(r.str()?));
        }
        if self.strings.len() != before + strings {
            return None;
        }
        at.reserve(entries);
        for _ in 0..entries {
            let key = r.u64()?;
            let start = r.at;
            r.take(8)?;
            r.str()?;
            r.bytes()?;
            let loc = Loc {
                in_delta,
                at: start,
                len: r.at - start,
            };
            at.insert(key, loc);
        }
        r.done().then_some((entries, strings))
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
            self.made.insert(key, entry);
        }
    }

    fn stored(&self, key: u64) -> Option<Stored<'_>> {
        match self.made.get(&key) {
            Some(e) => Some(Stored::Made(e)),
            None => self
                .entries
                .at
                .get(&key)
                .map(|loc| Stored::Read(self.entries.bytes(loc))),
        }
    }

    /// Whether the entry of `key` is the base's own (not made now, not in the delta).
    fn in_base(&self, key: u64) -> bool {
        !self.made.contains_key(&key) && self.entries.at.get(&key).is_some_and(|l| !l.in_delta)
    }

    /// Saves the entries this build used (and the strings they need): the delta alone when the
    /// base still holds most of them (see [`layers::save_whole`]), else the whole file. Written
    /// beside `path`, then renamed into place.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut keys: Vec<u64> = self.used.iter().copied().collect();
        keys.sort_unstable();
        let kept_in_base = keys.iter().filter(|&&k| self.in_base(k)).count();
        let added: Vec<(u64, Stored<'_>)> = (keys.iter())
            .filter(|&&k| !self.in_base(k))
            .filter_map(|&k| self.stored(k).map(|e| (k, e)))
            .collect();
        let added_bytes: usize = (added.iter())
            .map(|(_, e)| match e {
                Stored::Read(bytes) => bytes.len() + 8,
                Stored::Made(e) => e.doc.len() + e.excerpt.len() + 24,
            })
            .sum();
        let base = self
            .entries
            .base
            .map(|(n, _)| (n, self.entries.files.base.len()));
        let unused = base.map_or(0, |(n, _)| n.saturating_sub(kept_in_base));
        if layers::save_whole(base, unused, added_bytes) {
            self.save_whole(path, &keys)?;
            return layers::remove_delta(path);
        }
        let from = self.entries.base.map_or(0, |(_, strings)| strings);
        let mut file = layers::create_delta(path, self.entries.files.sum)?;
        let strings = (from..self.strings.len()).map(|k| self.strings.get(k as u32));
        write_file(&mut file, strings, &added, |e, bytes| e.write(bytes))?;
        file.finish()
    }

    /// Writes the entries of `keys` whole. Strings of dropped entries are dropped with them
    /// (the rest renumbered) only once a tenth of the entries went: after an edit or two,
    /// finding which strings are still used would cost more than the few it could drop.
    fn save_whole(&self, path: &Path, keys: &[u64]) -> std::io::Result<()> {
        let used: Vec<(u64, Stored<'_>)> = (keys.iter())
            .filter_map(|&k| self.stored(k).map(|e| (k, e)))
            .collect();
        let known = self.entries.at.len()
            + (self.made.keys())
                .filter(|k| !self.entries.at.contains_key(k))
                .count();
        let dropped = known - used.len();
        let number = (dropped * 10 > known)
            .then(|| self.renumbering(&used))
            .flatten();
        let mut file = super::Summed::create(path)?;
        let kept = |k: &usize| number.as_ref().is_none_or(|n| n[*k] != u32::MAX);
        let strings = (0..self.strings.len())
            .filter(kept)
            .map(|k| self.strings.get(k as u32));
        write_file(&mut file, strings, &used, |e, bytes| {
            match (&number, e.view()) {
                (Some(number), Some(view)) => {
                    let renumber = |(f, s, c, t): (u32, u32, u32, bool)| {
                        (number[f as usize], number[s as usize], c, t)
                    };
                    bytes.extend_from_slice(&view.facts.to_le_bytes());
                    push_bytes(bytes, view.excerpt.as_bytes());
                    push_bytes(bytes, &encode(view.words().map(renumber).collect()));
                }
                _ => e.write(bytes),
            }
        })?;
        file.finish()
    }

    /// New numbers for the strings `used` refers to, in their old order (`u32::MAX` for the
    /// others), or `None` when most strings are still in use.
    fn renumbering(&self, used: &[(u64, Stored<'_>)]) -> Option<Vec<u32>> {
        let mut referenced = vec![false; self.strings.len()];
        for (_, e) in used {
            for (f, s, _, _) in e.view().into_iter().flat_map(|v| v.words()) {
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
        let words: Vec<_> = e.view().words().collect();
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
            assert_eq!((e.excerpt, e.facts), ("kept", 7));
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
        let parses = |payload: &[u8]| {
            Words::default()
                .index(payload, false, &mut FxHashMap::default())
                .is_some()
        };
        let mut payload = bytes[..bytes.len() - 8].to_vec();
        payload.push(0);
        assert!(!parses(&payload), "a byte too many");
        payload.truncate(payload.len() - 2);
        assert!(!parses(&payload), "a byte too few");
        assert!(parses(&bytes[..bytes.len() - 8]));
        // A file from another format or binary is an empty cache.
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Words::load(&path).entries.get(2).is_none());
    }

    /// A cache of `n` one-word documents keyed 1..=n, saved whole, and loaded back.
    fn saved_whole(path: &Path, n: u64) -> Words {
        let mut words = Words::default();
        for k in 1..=n {
            let w = words.strings.intern(&Arc::from(format!("word{k}")));
            words.insert(k, Entry::new(format!("doc {k}"), k, &[(w, w, 1, false)]));
        }
        words.save(path).unwrap();
        Words::load(path)
    }

    fn word_of(words: &Words, key: u64) -> Option<String> {
        let e = words.entries.get(key)?;
        let (form, ..) = e.words().next()?;
        Some(words.strings.get(form).to_string())
    }

    #[test]
    fn an_edit_saves_a_delta_that_loads_with_its_base() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let mut words = saved_whole(&path, 40);
        let base = std::fs::read(&path).unwrap();
        // One document edited: its old entry unused, a new one made with a new word.
        for k in 2..=40 {
            words.touch(k);
        }
        let w = words.strings.intern(&Arc::from("herzien"));
        words.insert(41, Entry::new("edited".into(), 9, &[(w, w, 2, true)]));
        words.save(&path).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            base,
            "the base is left as it was"
        );
        assert!(layers::delta_path(&path).exists());

        let back = Words::load(&path);
        assert_eq!(
            back.strings.len(),
            41,
            "the delta's string numbered after the base's"
        );
        assert_eq!(word_of(&back, 41).as_deref(), Some("herzien"));
        assert_eq!(back.entries.get(41).unwrap().excerpt, "edited");
        assert_eq!(word_of(&back, 7).as_deref(), Some("word7"));
        // The same numbers as the build that saved them: an index made with them still holds.
        assert_eq!(back.strings.digest(41), words.strings.digest(41));

        // A delta cut short is none: the base's entries are still there, the delta's are not.
        let delta = std::fs::read(layers::delta_path(&path)).unwrap();
        std::fs::write(layers::delta_path(&path), &delta[..delta.len() - 1]).unwrap();
        let cut = Words::load(&path);
        assert!(cut.entries.get(41).is_none());
        assert_eq!(cut.strings.len(), 40);
        assert_eq!(word_of(&cut, 7).as_deref(), Some("word7"));
        std::fs::write(layers::delta_path(&path), &delta).unwrap();

        // Once a tenth of the base is unused, the file is saved whole and the delta removed.
        let mut words = Words::load(&path);
        for k in 10..=41 {
            words.touch(k);
        }
        words.save(&path).unwrap();
        assert!(!layers::delta_path(&path).exists());
        let whole = Words::load(&path);
        assert!(whole.entries.get(3).is_none());
        assert_eq!(word_of(&whole, 41).as_deref(), Some("herzien"));
        assert_eq!(word_of(&whole, 10).as_deref(), Some("word10"));
    }
}
