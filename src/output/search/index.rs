//! The inverted index of one language: every form seen, the stem it belongs to, and each stem's
//! postings as compact vectors (a document number and a one-byte weight per posting). Forms and
//! stems are numbers into the words cache's string table ([`Strings`]).

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::words::{self, FormStem};
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

/// `v[k]`, grown with [`NONE`] as needed.
fn slot(v: &mut Vec<u32>, k: u32) -> &mut u32 {
    let k = k as usize;
    if k >= v.len() {
        v.resize(k + 1, NONE);
    }
    &mut v[k]
}

/// The index being built: documents must be added in ascending order.
#[derive(Default)]
pub struct Index {
    /// Form (string number) → stem number, [`NONE`] when not seen. A form keeps the stem of the
    /// first document it was seen in.
    pub forms: Vec<u32>,
    /// Stem string number → stem number, or [`NONE`].
    stems: Vec<u32>,
    pub postings: Vec<Postings>,
    docs: u32,
}

impl Index {
    /// Adds the next document: its words `(form, stem, tf, in title)`, each form once, in any
    /// order (see [`Doc`]).
    pub fn add(&mut self, words: &[(u32, u32, u32, bool)]) {
        let doc = self.docs;
        self.docs += 1;
        let mut hits: Vec<(u32, u32, bool)> = Vec::with_capacity(words.len());
        for &(form, stem, tf, in_title) in words {
            let mut s = *slot(&mut self.forms, form);
            if s == NONE {
                let st = slot(&mut self.stems, stem);
                if *st == NONE {
                    *st = self.postings.len() as u32;
                    self.postings.push(Postings::default());
                }
                s = *st;
                self.forms[form as usize] = s;
            }
            hits.push((s, tf, in_title));
        }
        hits.sort_unstable_by_key(|h| h.0);
        let mut k = 0;
        while k < hits.len() {
            let (s, mut tf, mut in_title) = hits[k];
            k += 1;
            while k < hits.len() && hits[k].0 == s {
                tf += hits[k].1;
                in_title |= hits[k].2;
                k += 1;
            }
            let p = &mut self.postings[s as usize];
            p.docs.push(doc);
            p.weights
                .push(tf.min(TF_CAP) as u8 + if in_title { IN_TITLE } else { 0 });
        }
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
