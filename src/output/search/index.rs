//! The inverted index of one language: every form seen, the stem it belongs to, and each stem's
//! postings as compact vectors (a document number and a one-byte weight per posting).

use rustc_hash::FxHashMap;

use super::words;

/// Term frequencies are capped here: the weight byte keeps the title flag above them.
const TF_CAP: u32 = 15;
/// Added to a posting's weight when a word of its stem is in the title.
pub const IN_TITLE: u8 = 16;

/// The words of one document, ready to merge: per form its stem, how often and whether in the
/// title. Built in parallel; merged in document order.
pub struct DocWords {
    forms: Vec<(String, String, u32, bool)>,
}

impl DocWords {
    /// Splits, folds and stems a document's title and text by its language's stemmer.
    pub fn of(title: &str, text: &str, stemmer: &pagefind_stem::Stemmer) -> DocWords {
        let mut at: FxHashMap<String, usize> = FxHashMap::default();
        let mut forms: Vec<(String, String, u32, bool)> = Vec::new();
        for (part, in_title) in [(title, true), (text, false)] {
            for word in words::split(part) {
                let (form, stem) = words::form_and_stem(word, stemmer);
                match at.get(&form) {
                    Some(&k) => {
                        forms[k].2 += 1;
                        forms[k].3 |= in_title;
                    }
                    None => {
                        at.insert(form.clone(), forms.len());
                        forms.push((form, stem, 1, in_title));
                    }
                }
            }
        }
        DocWords { forms }
    }
}

/// A stem's postings, in document order.
#[derive(Default)]
pub struct Postings {
    pub docs: Vec<u32>,
    pub weights: Vec<u8>,
}

/// The index being built: documents must be added in ascending order.
#[derive(Default)]
pub struct Index {
    /// Form → stem number. A form keeps the stem of the first document it was seen in.
    pub forms: FxHashMap<Box<str>, u32>,
    stems: FxHashMap<Box<str>, u32>,
    pub postings: Vec<Postings>,
    docs: u32,
}

impl Index {
    /// Adds the next document.
    pub fn add(&mut self, words: DocWords) {
        let doc = self.docs;
        self.docs += 1;
        let mut hits: Vec<(u32, u32, bool)> = Vec::with_capacity(words.forms.len());
        for (form, stem, tf, in_title) in words.forms {
            let s = match self.forms.get(form.as_str()) {
                Some(&s) => s,
                None => {
                    let s = match self.stems.get(stem.as_str()) {
                        Some(&s) => s,
                        None => {
                            let s = self.postings.len() as u32;
                            self.postings.push(Postings::default());
                            self.stems.insert(stem.into_boxed_str(), s);
                            s
                        }
                    };
                    self.forms.insert(form.into_boxed_str(), s);
                    s
                }
            };
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

    /// The forms, in the order the client compares them.
    pub fn sorted_forms(&self) -> Vec<(&str, u32)> {
        let mut forms: Vec<(&str, u32)> = self.forms.iter().map(|(f, &s)| (&**f, s)).collect();
        forms.sort_unstable_by(|a, b| words::js_order(a.0, b.0));
        forms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_gathers_its_forms_and_the_title_flag() {
        let nl = words::stemmer("nl");
        let mut index = Index::default();
        index.add(DocWords::of("Aanval", "aanvallen aanvallen en aanval", &nl));
        index.add(DocWords::of("Iets", "een aanval", &nl));
        let s = index.forms["aanvallen"];
        assert_eq!(index.forms["aanval"], s);
        let p = &index.postings[s as usize];
        assert_eq!(p.docs, [0, 1]);
        assert_eq!(p.weights, [4 + IN_TITLE, 1]);
    }
}
