//! Parsed questions kept between builds, `.quaestor-cache/questions.bin`: each content file's
//! question as the loader made it, with the stamp and hash of the file it came from. A build
//! after an edit then parses only the files whose stamps moved; the others are decoded, one at a
//! time and in parallel, from their own slice of the file, so nothing is decoded that is not used.
//!
//! Like the rest of the cache it is never a source of truth. The file is tied to this binary
//! and the site's languages (what a file parses to depends on both); a missing, foreign, cut
//! short or garbled file is an empty cache (it ends with a checksum); and a question is only
//! taken for a file whose stamp is the one it was read with, trusted as the build cache trusts
//! stamps ([`Stamp::trusted`]).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::listing::{path_key, Stamp};
use crate::content::load::Earlier;
use crate::content::Question;

/// Bumped whenever the layout of the file changes.
const FORMAT: u32 = 1;

/// The file, in the site's cache folder.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::DIR).join("questions.bin")
}

/// Where one question is in the file, and which file it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Slot {
    /// The file's site-relative path, by [`path_key`].
    path: u128,
    stamp: Stamp,
    /// The hash of the file's bytes: the same bytes parse to the same question.
    hash: u64,
    /// The question's bytes in the data part, `start..start + len`.
    start: u64,
    len: u32,
}

/// The head of the file, before the questions' bytes.
#[derive(Serialize, Deserialize)]
struct Head {
    format: u32,
    /// This binary and the site's languages (see [`key`]).
    key: u64,
    /// Sorted by path key.
    slots: Vec<Slot>,
}

/// The questions saved by the last build, as this build reads them.
#[derive(Default)]
pub struct Saved {
    slots: Vec<Slot>,
    /// The questions' bytes, each encoded on its own.
    data: Vec<u8>,
}

/// What a saved question depends on besides its file: the parser (this binary) and the site's
/// languages.
fn key(languages: &[String]) -> u64 {
    let mut h = super::hasher();
    std::hash::Hasher::write_u64(&mut h, super::binary_digest());
    for lang in languages {
        super::hash_str(&mut h, lang);
    }
    std::hash::Hasher::finish(&h)
}

impl Saved {
    /// The questions saved in the site at `root` for these languages, or none.
    pub fn load(root: &Path, languages: &[String]) -> Saved {
        super::read_summed(&path(root))
            .and_then(|bytes| Saved::decode(bytes, key(languages)))
            .unwrap_or_default()
    }

    /// The file's bytes without their checksum, checked: format, key and slots.
    fn decode(mut bytes: Vec<u8>, key: u64) -> Option<Saved> {
        let (head, len): (Head, usize) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).ok()?;
        if head.format != FORMAT || head.key != key {
            return None;
        }
        let data_len = bytes.len() - len;
        let fits = |s: &Slot| s.start.checked_add(u64::from(s.len)) <= Some(data_len as u64);
        if !head.slots.iter().all(fits) || !head.slots.is_sorted_by_key(|s| s.path) {
            return None;
        }
        bytes.drain(..len);
        Some(Saved {
            slots: head.slots,
            data: bytes,
        })
    }

    /// How many questions the file holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn slot(&self, path: u128) -> Option<&Slot> {
        let i = self.slots.binary_search_by_key(&path, |s| s.path).ok()?;
        Some(&self.slots[i])
    }

    fn bytes(&self, slot: &Slot) -> &[u8] {
        let start = slot.start as usize;
        &self.data[start..start + slot.len as usize]
    }

    /// Writes `questions` (read with `stamps`, in a build started at `started`) beside the file
    /// at `root` and renames it into place. A question already saved from the same bytes is
    /// copied, not encoded again; a file whose stamp is too fresh to trust is left out, so it is
    /// parsed next time. Nothing is written when the file would not change.
    pub fn save(
        &self,
        root: &Path,
        languages: &[String],
        questions: &[Question],
        stamps: &[Stamp],
        started: SystemTime,
    ) -> std::io::Result<()> {
        let mut kept: Vec<(u128, Stamp, &Question)> = questions
            .iter()
            .zip(stamps)
            .filter_map(|(q, s)| Some((path_key(&q.path), s.trusted(started)?, q)))
            .collect();
        kept.sort_unstable_by_key(|k| k.0);
        let parts: Vec<(Slot, std::borrow::Cow<[u8]>)> = kept
            .par_iter()
            .map(|&(path, stamp, q)| {
                let bytes: std::borrow::Cow<[u8]> =
                    match self.slot(path).filter(|s| s.hash == q.file_hash) {
                        Some(old) => self.bytes(old).into(),
                        None => bincode::serde::encode_to_vec(q, bincode::config::standard())
                            .expect("a question encodes")
                            .into(),
                    };
                let slot = Slot {
                    path,
                    stamp,
                    hash: q.file_hash,
                    start: 0,
                    len: bytes.len() as u32,
                };
                (slot, bytes)
            })
            .collect();
        let mut slots = Vec::with_capacity(parts.len());
        let mut start = 0u64;
        for (slot, bytes) in &parts {
            slots.push(Slot { start, ..*slot });
            start += bytes.len() as u64;
        }
        if slots == self.slots {
            return Ok(());
        }
        let head = Head {
            format: FORMAT,
            key: key(languages),
            slots,
        };
        let mut bytes = bincode::serde::encode_to_vec(&head, bincode::config::standard())
            .map_err(std::io::Error::other)?;
        bytes.reserve(start as usize + 8);
        for (_, part) in &parts {
            bytes.extend_from_slice(part);
        }
        drop(parts);
        super::write_summed(&path(root), bytes)
    }
}

impl Earlier for Saved {
    /// Decoded from its slice when the file still has the stamp it was read with.
    fn question(&self, _rel: &Path, key: u128, stamp: Stamp) -> Option<Question> {
        let slot = self.slot(key).filter(|s| s.stamp == stamp)?;
        let (question, _): (Question, usize) =
            bincode::serde::decode_from_slice(self.bytes(slot), bincode::config::standard())
                .ok()?;
        Some(question)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::{AddresseeKind, Status};

    fn question(root: &Path, rel: &str, title: &str) -> (Question, Stamp) {
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, title).unwrap();
        let q = Question {
            id: "8-1".into(),
            assembly: "senate".into(),
            legislature: 8,
            number: 1,
            lang: "nl".into(),
            original_lang: "nl".into(),
            title: title.into(),
            author: "An Author".into(),
            party: None,
            addressee: "minister".into(),
            addressee_kind: AddresseeKind::Minister,
            keywords: vec!["water".into()],
            date: chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            deadline: None,
            answered: None,
            status: Status::Open,
            events: vec![],
            links: vec![],
            source: String::new(),
            aliases: vec![],
            path: rel.into(),
            has_answer_text: false,
            file_hash: xxhash_rust::xxh3::xxh3_64(title.as_bytes()),
        };
        (q, Stamp::of(&std::fs::metadata(file).unwrap()))
    }

    /// A build started `secs` seconds from now: stamps older than 2 s before it are trusted.
    fn later(secs: u64) -> SystemTime {
        SystemTime::now() + std::time::Duration::from_secs(secs)
    }

    #[test]
    fn a_question_is_taken_only_for_its_file_as_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let langs = vec!["nl".to_string(), "fr".to_string()];
        let rel = "content/questions/8/8-1.nl.md";
        let (q, stamp) = question(root, rel, "Water");
        let key = path_key(Path::new(rel));
        Saved::default()
            .save(root, &langs, std::slice::from_ref(&q), &[stamp], later(5))
            .unwrap();
        let saved = Saved::load(root, &langs);
        let got = saved.question(Path::new(rel), key, stamp).unwrap();
        assert_eq!((got.title.as_str(), got.file_hash), ("Water", q.file_hash));
        let (_, moved) = question(root, rel, "Water, edited");
        assert_ne!(moved, stamp);
        assert!(saved.question(Path::new(rel), key, moved).is_none());
        // Another site language: what a file parses to may differ.
        assert!(Saved::load(root, &langs[..1]).is_empty());
    }

    #[test]
    fn a_stamp_too_fresh_to_trust_is_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let langs = vec!["nl".to_string()];
        let (q, stamp) = question(dir.path(), "content/questions/8/8-1.nl.md", "Water");
        Saved::default()
            .save(dir.path(), &langs, &[q], &[stamp], SystemTime::now())
            .unwrap();
        assert!(Saved::load(dir.path(), &langs).is_empty());
    }

    #[test]
    fn a_cut_short_or_garbled_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let langs = vec!["nl".to_string()];
        let (q, stamp) = question(dir.path(), "content/questions/8/8-1.nl.md", "Water");
        Saved::default()
            .save(dir.path(), &langs, &[q], &[stamp], later(5))
            .unwrap();
        assert_eq!(Saved::load(dir.path(), &langs).len(), 1);
        let file = path(dir.path());
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Saved::load(dir.path(), &langs).is_empty());
        let mut garbled = bytes.clone();
        garbled[bytes.len() / 2] ^= 1;
        std::fs::write(&file, &garbled).unwrap();
        assert!(Saved::load(dir.path(), &langs).is_empty());
    }

    #[test]
    fn an_unchanged_cache_is_not_written_again_and_a_changed_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let langs = vec!["nl".to_string()];
        let (a, sa) = question(dir.path(), "content/questions/8/8-1.nl.md", "Water");
        let (b, sb) = question(dir.path(), "content/questions/8/8-2.nl.md", "Wind");
        Saved::default()
            .save(
                dir.path(),
                &langs,
                &[a.clone(), b.clone()],
                &[sa, sb],
                later(5),
            )
            .unwrap();
        let file = path(dir.path());
        let written = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let saved = Saved::load(dir.path(), &langs);
        saved
            .save(dir.path(), &langs, &[a.clone(), b], &[sa, sb], later(5))
            .unwrap();
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            written
        );
        let (b, sb) = question(dir.path(), "content/questions/8/8-2.nl.md", "Wind, edited");
        saved
            .save(dir.path(), &langs, &[a, b], &[sa, sb], later(5))
            .unwrap();
        let again = Saved::load(dir.path(), &langs);
        let rel = Path::new("content/questions/8/8-2.nl.md");
        let got = again.question(rel, path_key(rel), sb).unwrap();
        assert_eq!(got.title, "Wind, edited");
        let rel = Path::new("content/questions/8/8-1.nl.md");
        assert_eq!(
            again.question(rel, path_key(rel), sa).unwrap().title,
            "Water"
        );
    }
}
