//! Digests of the library for the build cache: each question's front matter and whole file, each
//! language's list, and the term tables. Page, feed and data digests are built from these next to
//! the code that reads the same inputs.

use std::hash::Hasher;

use xxhash_rust::xxh3::Xxh3;

use super::library::{QIdx, TaxonomyKind};
use super::Library;
use crate::cache::hash_str;
use crate::content::Question;

/// Per-question and per-language digests, computed once per build.
pub struct Digests {
    /// By question index: the front matter (everything but the body).
    pub(crate) meta: Vec<u64>,
    /// By question index: the whole file.
    pub(crate) full: Vec<u64>,
    /// By language: every question's metadata, in list order.
    pub(crate) lang: Vec<u64>,
    /// Term names and slugs and archive months of every language.
    pub structure: u64,
}

/// The digest of a question's front matter: every field but the file hash and body.
fn meta_digest(q: &Question) -> u64 {
    let plain = Question {
        file_hash: 0,
        ..q.clone()
    };
    let bytes = bincode::serde::encode_to_vec(&plain, bincode::config::standard())
        .expect("a question always encodes");
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

impl Digests {
    /// The digests of a library's questions and term tables.
    pub fn of(lib: &Library) -> Digests {
        use rayon::prelude::*;
        let meta: Vec<u64> = lib.questions.par_iter().map(meta_digest).collect();
        let full = lib
            .questions
            .iter()
            .zip(&meta)
            .map(|(q, &m)| {
                let mut h = Xxh3::new();
                h.write_u64(m);
                h.write_u64(q.file_hash);
                h.finish()
            })
            .collect();
        let lang = lib
            .langs
            .iter()
            .map(|index| {
                let mut h = Xxh3::new();
                members(&mut h, &meta, &index.questions);
                h.finish()
            })
            .collect();
        let mut h = Xxh3::new();
        for index in &lib.langs {
            hash_str(&mut h, &index.lang);
            for kind in TaxonomyKind::ALL {
                let terms = &index.taxonomy(kind).terms;
                h.write_u64(terms.len() as u64);
                for t in terms {
                    hash_str(&mut h, &t.name);
                    hash_str(&mut h, &t.slug);
                }
            }
            for &(year, month) in index.by_month.keys() {
                h.write_i32(year);
                h.write_u32(month);
            }
        }
        Digests {
            meta,
            full,
            lang,
            structure: h.finish(),
        }
    }
}

impl Digests {
    /// The metadata digest of a question.
    pub fn meta(&self, q: QIdx) -> u64 {
        self.meta[q as usize]
    }

    /// The digest of a question's whole file.
    pub fn full(&self, q: QIdx) -> u64 {
        self.full[q as usize]
    }
}

/// A list of questions: its length and each member's metadata digest.
pub fn members(h: &mut Xxh3, meta: &[u64], list: &[QIdx]) {
    h.write_u64(list.len() as u64);
    for &q in list {
        h.write_u64(meta[q as usize]);
    }
}
