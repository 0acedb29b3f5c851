//! The inverted index of one language: every form seen, the stem it belongs to, and each stem's
//! postings as compact vectors (a document number and a one-byte weight per posting). Forms and
//! stems are numbers into the words cache's string table ([`Strings`]).

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::words::{self, FormStem};
use crate::cache::codec::{varint, Reader};
use crate::cache::search::{Interner, Strings};

/// Term frequencies are capped here: the weight byte keeps the title flag above them.
const TF_CAP: u32 = 15;
/// Added to a posting's weight when a word of its stem is in the title.
pub const IN_TITLE: u8 = 16;

/// The words of some text: per form (in order of first occurrence) its stem, how often and
/// whether in the title. Built in parallel, then numbered and merged in document order.
pub struct DocWords {
    pub forms: Vec<(FormStem, u32, bool)>,
}

impl DocWords {
    /// Splits, folds and stems `text`; `stem` gives a word's form and stem (see
    /// [`words::with_stemmer`]). A form takes the stem of its first occurrence.
    pub fn of(text: &str, in_title: bool, stem: &mut dyn FnMut(&str) -> FormStem) -> DocWords {
        // Each distinct word once: most words recur within a document.
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        let mut distinct: Vec<(&str, u32)> = Vec::new();
        for word in words::split(text) {
            match seen.get(word) {
                Some(&k) => distinct[k].1 += 1,
                None => {
                    seen.insert(word, distinct.len());
                    distinct.push((word, 1));
                }
            }
        }
        let mut at: FxHashMap<std::sync::Arc<str>, usize> = FxHashMap::default();
        let mut forms: Vec<(FormStem, u32, bool)> = Vec::with_capacity(distinct.len());
        for (word, tf) in distinct {
            let pair = stem(word);
            match at.get(&*pair.0) {
                Some(&k) => forms[k].1 += tf,
                None => {
                    at.insert(pair.0.clone(), forms.len());
                    forms.push((pair, tf, in_title));
                }
            }
        }
        DocWords { forms }
    }

    /// The words of `text` in language `lang`, exactly as [`DocWords::of`] gives them (not in a
    /// title), taken line by line from what this thread remembers: the facts of many documents
    /// share their lines (names, ministries, keywords), and a line ends at a word boundary.
    pub fn of_lines(lang: &str, text: &str, stem: &mut dyn FnMut(&str) -> FormStem) -> DocWords {
        LINES.with(|memos| {
            let mut memos = memos.borrow_mut();
            let memo = &mut memos[words::memo_slot(lang)];
            let mut forms: Vec<(FormStem, u32, bool)> = Vec::new();
            let mut at: FxHashMap<Arc<str>, usize> = FxHashMap::default();
            for line in text.split('\n') {
                if !memo.contains_key(line) {
                    if memo.len() >= LINES_KEPT {
                        memo.clear();
                    }
                    memo.insert(line.into(), DocWords::of(line, false, stem));
                }
                for (pair, tf, _) in &memo[line].forms {
                    match at.get(&pair.0) {
                        Some(&k) => forms[k].1 += tf,
                        None => {
                            at.insert(pair.0.clone(), forms.len());
                            forms.push((pair.clone(), *tf, false));
                        }
                    }
                }
            }
            DocWords { forms }
        })
    }
}

/// Lines a thread remembers per language before it starts over: bounds the memory.
const LINES_KEPT: usize = 1 << 15;

thread_local! {
    static LINES: RefCell<[FxHashMap<Box<str>, DocWords>; 3]> = RefCell::new(Default::default());
}

/// A document's words by number, `(form, stem, tf, in title)`, each form once: the parts of a
/// document (title, body, facts) are added in that order and a form keeps its first stem.
#[derive(Default)]
pub struct Doc {
    words: Vec<(u32, u32, u32, bool)>,
    at: FxHashMap<u32, usize>,
}

impl Doc {
    /// Empties the document for the next, keeping its room.
    pub fn clear(&mut self) {
        self.words.clear();
        self.at.clear();
    }

    pub fn push(&mut self, form: u32, stem: u32, tf: u32, in_title: bool) {
        match self.at.get(&form) {
            Some(&k) => {
                self.words[k].2 += tf;
                self.words[k].3 |= in_title;
            }
            None => {
                self.at.insert(form, self.words.len());
                self.words.push((form, stem, tf, in_title));
            }
        }
    }

    /// Numbers and adds `words`.
    pub fn push_words(&mut self, strings: &mut Interner, words: &DocWords) {
        for ((form, stem), tf, in_title) in &words.forms {
            let (f, s) = (strings.intern(form), strings.intern(stem));
            self.push(f, s, *tf, *in_title);
        }
    }

    /// The document's words, `(form, stem, tf, in title)`, each form once.
    pub fn words(&self) -> &[(u32, u32, u32, bool)] {
        &self.words
    }
}

/// A stem's postings, in document order.
#[derive(Default)]
pub struct Postings {
    pub docs: Vec<u32>,
    pub weights: Vec<u8>,
}

/// No number yet.
const NONE: u32 = u32::MAX;

/// `v[k]`, grown with `fill` as needed.
fn slot<T: Clone>(v: &mut Vec<T>, k: u32, fill: T) -> &mut T {
    let k = k as usize;
    if k >= v.len() {
        v.resize(k + 1, fill);
    }
    &mut v[k]
}

/// The index being built: documents must be added in ascending order. A build after an edit
/// may then patch it, taking a document's words out and putting its new ones in (see
/// [`Index::remove`]), with the same result as adding every document again.
#[derive(Default)]
pub struct Index {
    /// Form (string number) → stem number, [`NONE`] when not seen. A form keeps the stem of the
    /// first document it was seen in.
    pub forms: Vec<u32>,
    /// Stem string number → stem number, or [`NONE`].
    stems: Vec<u32>,
    /// Stem number → its string number.
    stem_strings: Vec<u32>,
    /// Form → how many documents have it: a form no document has is not in the index.
    df: Vec<u32>,
    /// Form → whether some document gave it another stem than the one it keeps: which document
    /// comes first then decides (see [`Index::insertable`]).
    mixed: Vec<bool>,
    /// Form → the first document that has it, [`NONE`] when not known: a patch that takes that
    /// document out of a form every document gives the same stem does not look for the next.
    first: Vec<u32>,
    pub postings: Vec<Postings>,
    docs: u32,
}

/// A document's postings, `(stem number, weight)` ascending, from its words: the counts of a
/// stem's forms summed, the title flag of any. `None` when a form has no stem.
fn hits(forms: &[u32], words: &[(u32, u32, u32, bool)]) -> Option<Vec<(u32, u8)>> {
    let mut hits: Vec<(u32, u32, bool)> = Vec::with_capacity(words.len());
    for &(form, _, tf, in_title) in words {
        let s = *forms.get(form as usize).filter(|&&s| s != NONE)?;
        hits.push((s, tf, in_title));
    }
    hits.sort_unstable_by_key(|h| h.0);
    let mut out = Vec::with_capacity(hits.len());
    let mut k = 0;
    while k < hits.len() {
        let (s, mut tf, mut in_title) = hits[k];
        k += 1;
        while k < hits.len() && hits[k].0 == s {
            tf += hits[k].1;
            in_title |= hits[k].2;
            k += 1;
        }
        out.push((
            s,
            tf.min(TF_CAP) as u8 + if in_title { IN_TITLE } else { 0 },
        ));
    }
    Some(out)
}

impl Index {
    /// Gives `form` a stem number when it has none, its stem being `stem` (a string number), as
    /// document `doc` has it; counts the document and notes a stem other than the one the form
    /// keeps, and a document before the form's first.
    fn take_form(&mut self, form: u32, stem: u32, doc: u32) {
        let s = *slot(&mut self.forms, form, NONE);
        let first = slot(&mut self.first, form, NONE);
        if s == NONE {
            *first = doc;
            let st = slot(&mut self.stems, stem, NONE);
            if *st == NONE {
                *st = self.postings.len() as u32;
                self.postings.push(Postings::default());
                self.stem_strings.push(stem);
            }
            self.forms[form as usize] = *st;
            *slot(&mut self.mixed, form, false) = false;
        } else {
            if *first != NONE && doc < *first {
                *first = doc;
            }
            if self.stem_strings[s as usize] != stem {
                *slot(&mut self.mixed, form, false) = true;
            }
        }
        *slot(&mut self.df, form, 0) += 1;
    }

    /// Adds the next document: its words `(form, stem, tf, in title)`, each form once, in any
    /// order (see [`Doc`]).
    pub fn add(&mut self, words: &[(u32, u32, u32, bool)]) {
        let doc = self.docs;
        self.docs += 1;
        for &(form, stem, _, _) in words {
            self.take_form(form, stem, doc);
        }
        let hits = hits(&self.forms, words).expect("every form was just given a stem");
        for (s, weight) in hits {
            let p = &mut self.postings[s as usize];
            p.docs.push(doc);
            p.weights.push(weight);
        }
    }

    /// Whether document `doc`'s `words` can be taken out without moving any form to another
    /// stem: not when `doc` is the first of a form that documents gave different stems, and
    /// others have it (the next one decides, and the index does not say which it is).
    pub fn removable(&self, doc: u32, words: &[(u32, u32, u32, bool)]) -> bool {
        words.iter().all(|&(form, _, _, _)| {
            let f = form as usize;
            !(self.mixed.get(f) == Some(&true)
                && self.first.get(f) == Some(&doc)
                && self.df.get(f).is_some_and(|&n| n > 1))
        })
    }

    /// Whether `words` can be put in as document `doc`'s without moving any form to another
    /// stem: each form is new, given the stem it keeps, or given another stem by a document
    /// after the form's (known) first.
    pub fn insertable(&self, doc: u32, words: &[(u32, u32, u32, bool)]) -> bool {
        words.iter().all(|&(form, stem, _, _)| {
            let f = form as usize;
            match self.forms.get(f).filter(|&&s| s != NONE) {
                None => true,
                Some(&s) if self.stem_strings[s as usize] == stem => true,
                Some(_) => self
                    .first
                    .get(f)
                    .is_some_and(|&first| first != NONE && doc > first),
            }
        })
    }

    /// Takes document `doc`'s words (as they were added) out; `None` when the index does not
    /// hold them, and it is then to be made again.
    pub fn remove(&mut self, doc: u32, words: &[(u32, u32, u32, bool)]) -> Option<()> {
        for (s, _) in hits(&self.forms, words)? {
            let p = &mut self.postings[s as usize];
            let at = p.docs.binary_search(&doc).ok()?;
            p.docs.remove(at);
            p.weights.remove(at);
        }
        for &(form, _, _, _) in words {
            let f = form as usize;
            let df = self.df.get_mut(f)?;
            *df = df.checked_sub(1)?;
            if *df == 0 {
                self.forms[f] = NONE;
                self.mixed[f] = false;
                self.first[f] = NONE;
            } else if self.first[f] == doc {
                self.first[f] = NONE;
            }
        }
        Some(())
    }

    /// Puts document `doc`'s words in where it has none: what [`Index::add`] would have added
    /// for it in its place. `None` when it has some, and the index is then to be made again.
    pub fn insert(&mut self, doc: u32, words: &[(u32, u32, u32, bool)]) -> Option<()> {
        (doc < self.docs).then_some(())?;
        for &(form, stem, _, _) in words {
            self.take_form(form, stem, doc);
        }
        for (s, weight) in hits(&self.forms, words)? {
            let p = &mut self.postings[s as usize];
            let at = p.docs.binary_search(&doc).err()?;
            p.docs.insert(at, doc);
            p.weights.insert(at, weight);
        }
        Some(())
    }

    /// How many documents the index numbers.
    pub fn len(&self) -> u32 {
        self.docs
    }

    /// The index as the build cache keeps it (see [`Index::decode`]): the documents' count,
    /// each stem's string number and postings (document deltas, then weights), and per form its
    /// stem (plus one, 0 for none), document count, first document (plus one, 0 for not known)
    /// and mixed flag; every number a varint.
    pub fn encode(&self, out: &mut Vec<u8>) {
        varint(out, u64::from(self.docs));
        varint(out, self.postings.len() as u64);
        for (p, &string) in self.postings.iter().zip(&self.stem_strings) {
            varint(out, u64::from(string));
            varint(out, p.docs.len() as u64);
            let mut last = 0;
            for &d in &p.docs {
                varint(out, u64::from(d - last));
                last = d;
            }
            out.extend_from_slice(&p.weights);
        }
        varint(out, self.forms.len() as u64);
        for (f, &s) in self.forms.iter().enumerate() {
            varint(out, if s == NONE { 0 } else { u64::from(s) + 1 });
            varint(out, u64::from(self.df.get(f).copied().unwrap_or(0)));
            let first = self.first.get(f).copied().unwrap_or(NONE);
            varint(
                out,
                if first == NONE {
                    0
                } else {
                    u64::from(first) + 1
                },
            );
            out.push(u8::from(self.mixed.get(f).copied().unwrap_or(false)));
        }
    }

    /// The index [`Index::encode`] wrote, or `None` when the bytes do not make one.
    pub fn decode(r: &mut Reader<'_>) -> Option<Index> {
        let docs = u32::try_from(r.varint()?).ok()?;
        let stems = r.varint()?;
        let mut index = Index {
            docs,
            ..Index::default()
        };
        index.postings.reserve(stems.min(r.bytes.len()));
        for s in 0..stems {
            let string = u32::try_from(r.varint()?).ok()?;
            let n = r.varint()?;
            let mut p = Postings {
                docs: Vec::with_capacity(n.min(r.bytes.len())),
                weights: Vec::new(),
            };
            let mut last = 0u32;
            for _ in 0..n {
                last = last.checked_add(u32::try_from(r.varint()?).ok()?)?;
                (last < docs).then_some(())?;
                p.docs.push(last);
            }
            p.weights = r.take(n)?.to_vec();
            let st = slot(&mut index.stems, string, NONE);
            (*st == NONE).then_some(())?;
            *st = s as u32;
            index.stem_strings.push(string);
            index.postings.push(p);
        }
        let forms = r.varint()?;
        index.forms.reserve(forms.min(r.bytes.len()));
        for _ in 0..forms {
            let s = r.varint()?;
            (s <= stems).then_some(())?;
            index.forms.push(if s == 0 { NONE } else { (s - 1) as u32 });
            index.df.push(u32::try_from(r.varint()?).ok()?);
            let first = r.varint()?;
            (first <= docs as usize).then_some(())?;
            index
                .first
                .push(if first == 0 { NONE } else { (first - 1) as u32 });
            index.mixed.push(*r.take(1)?.first()? == 1);
        }
        Some(index)
    }

    /// The forms with their stems, in the order the client compares them. The table is only
    /// read to take the strings: another language's index may be adding to it.
    pub fn sorted_forms(&self, strings: &std::sync::RwLock<Strings>) -> Vec<(Arc<str>, u32)> {
        let mut forms: Vec<(Arc<str>, u32)> = {
            let strings = strings.read().expect("no thread panics holding the table");
            (self.forms.iter().enumerate())
                .filter(|(_, &s)| s != NONE)
                .map(|(f, &s)| (strings.arc(f as u32), s))
                .collect()
        };
        forms.sort_unstable_by(|a, b| words::js_order(&a.0, &b.0));
        forms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_gathers_its_forms_and_the_title_flag() {
        let table = std::sync::RwLock::new(Strings::default());
        let mut strings = Interner::new(&table);
        let mut index = Index::default();
        for (title, text) in [
            ("Aanval", "aanvallen aanvallen en aanval"),
            ("Iets", "een aanval"),
        ] {
            let mut doc = Doc::default();
            words::with_stemmer("nl", |stem| {
                doc.push_words(&mut strings, &DocWords::of(title, true, stem));
                doc.push_words(&mut strings, &DocWords::of(text, false, stem));
            });
            index.add(doc.words());
        }
        let table = table.read().unwrap();
        let id = |s: &str| (0..table.len() as u32).find(|&k| table.get(k) == s);
        let s = index.forms[id("aanvallen").unwrap() as usize];
        assert_eq!(index.forms[id("aanval").unwrap() as usize], s);
        let p = &index.postings[s as usize];
        assert_eq!(p.docs, [0, 1]);
        assert_eq!(p.weights, [4 + IN_TITLE, 1]);
    }

    /// Each form with its stem string and its stem's postings: what the bundle encodes.
    fn view(index: &Index) -> Vec<(u32, u32, Vec<u32>, Vec<u8>)> {
        (index.forms.iter().enumerate())
            .filter(|(_, &s)| s != NONE)
            .map(|(f, &s)| {
                let p = &index.postings[s as usize];
                let stem = index.stem_strings[s as usize];
                (f as u32, stem, p.docs.clone(), p.weights.clone())
            })
            .collect()
    }

    #[test]
    fn a_patched_index_is_the_index_of_its_documents() {
        // Documents of pseudo-random words: form `f` has stem `100 + f / 3`, but one form in
        // ten is given another stem by a document now and then (a word stemmed in the other
        // language, or spelled with accents): its first document decides.
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let doc = |next: &mut dyn FnMut(u64) -> u64| {
            let mut words: Vec<(u32, u32, u32, bool)> = Vec::new();
            for _ in 0..next(12) {
                let f = next(40) as u32;
                let stem = match f.is_multiple_of(10) && next(3) == 0 {
                    true => 200 + f,
                    false => 100 + f / 3,
                };
                if words.iter().all(|w| w.0 != f) {
                    words.push((f, stem, 1 + next(20) as u32, next(4) == 0));
                }
            }
            words
        };
        let whole = |docs: &[Vec<(u32, u32, u32, bool)>]| {
            let mut index = Index::default();
            for d in docs {
                index.add(d);
            }
            index
        };
        let mut docs: Vec<_> = (0..30).map(|_| doc(&mut next)).collect();
        let mut index = whole(&docs);
        let mut patched = 0;
        for round in 0..3000 {
            let k = next(30) as usize;
            let new = if round % 7 == 0 {
                Vec::new()
            } else {
                doc(&mut next)
            };
            let n = k as u32;
            if index.removable(n, &docs[k]) {
                index.remove(n, &docs[k]).unwrap();
                if index.insertable(n, &new) {
                    index.insert(n, &new).unwrap();
                    patched += 1;
                    docs[k] = new;
                    assert_eq!(view(&index), view(&whole(&docs)), "round {round}");
                    continue;
                }
            }
            // What the build then does: the index merged in full.
            docs[k] = new;
            index = whole(&docs);
        }
        assert!(patched > 2000, "{patched} of 3000 patched");
        // Words the index does not hold are not taken out, nor a document's put in twice.
        let k = docs.iter().position(|d| !d.is_empty()).unwrap();
        assert!(index.insert(k as u32, &docs[k]).is_none());
        assert!(Index::default().remove(0, &docs[k]).is_none());
    }

    #[test]
    fn the_first_document_of_a_form_with_two_stems_decides() {
        let mut index = Index::default();
        index.add(&[(1, 10, 1, false)]);
        index.add(&[(1, 11, 1, false)]);
        index.add(&[(2, 12, 1, false)]);
        // Document 0 gives form 1 its stem: it cannot go, nor come back with another stem.
        assert!(!index.removable(0, &[(1, 10, 1, false)]));
        assert!(index.removable(1, &[(1, 11, 1, false)]));
        assert!(!index.insertable(0, &[(1, 11, 1, false)]));
        // A later document may give it another stem; a new form takes any.
        assert!(index.insertable(2, &[(1, 13, 1, false), (3, 14, 1, false)]));
        assert!(index.insertable(0, &[(1, 10, 1, false)]));
    }

    #[test]
    fn words_line_by_line_are_the_words_of_the_whole_text() {
        let text = "\n8-102\nAnne Dupont\nÉcolo\nministre de l'Intérieur\nsécurité\nSécurité routière\nl'intérieur";
        for lang in ["fr", "nl"] {
            let (whole, lines) = words::with_stemmer(lang, |stem| {
                // Twice: the second time from what the thread remembers.
                let _ = DocWords::of_lines(lang, text, stem);
                (
                    DocWords::of(text, false, stem).forms,
                    DocWords::of_lines(lang, text, stem).forms,
                )
            });
            assert_eq!(whole, lines);
            assert!(whole
                .iter()
                .any(|((f, _), tf, _)| &**f == "securite" && *tf == 2));
        }
    }
}
