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

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::listing::{path_key, Stamp};
use crate::content::load::Earlier;
use crate::content::Question;

use super::layers;
use super::mapped::Bytes;

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

/// One file's questions: their slots, sorted by path key, and their bytes.
#[derive(Default)]
struct Part {
    slots: Vec<Slot>,
    /// The file: its head, then the questions' bytes, each encoded on its own.
    file: Bytes,
    /// Where the questions' bytes start in it.
    data: usize,
}

impl Part {
    /// A file's bytes without their checksum, checked: format, key and slots.
    fn decode(file: Bytes, key: u64) -> Option<Part> {
        let (head, len): (Head, usize) =
            bincode::serde::decode_from_slice(&file, bincode::config::standard()).ok()?;
        if head.format != FORMAT || head.key != key {
            return None;
        }
        let data_len = file.len() - len;
        let fits = |s: &Slot| s.start.checked_add(u64::from(s.len)) <= Some(data_len as u64);
        if !head.slots.iter().all(fits) || !head.slots.is_sorted_by_key(|s| s.path) {
            return None;
        }
        Some(Part {
            slots: head.slots,
            file,
            data: len,
        })
    }

    fn slot(&self, path: u128) -> Option<&Slot> {
        let i = self.slots.binary_search_by_key(&path, |s| s.path).ok()?;
        Some(&self.slots[i])
    }

    fn bytes(&self, slot: &Slot) -> &[u8] {
        let start = self.data + slot.start as usize;
        &self.file[start..start + slot.len as usize]
    }

    /// The file of `parts` (slots, in path order, with their bytes; starts are set here).
    fn encode(key: u64, parts: &[(Slot, Cow<'_, [u8]>)]) -> std::io::Result<(Vec<Slot>, Vec<u8>)> {
        let mut slots = Vec::with_capacity(parts.len());
        let mut start = 0u64;
        for (slot, bytes) in parts {
            slots.push(Slot { start, ..*slot });
            start += bytes.len() as u64;
        }
        let head = Head {
            format: FORMAT,
            key,
            slots,
        };
        let mut bytes = bincode::serde::encode_to_vec(&head, bincode::config::standard())
            .map_err(std::io::Error::other)?;
        bytes.reserve(start as usize + 8);
        for (_, part) in parts {
            bytes.extend_from_slice(part);
        }
        Ok((head.slots, bytes))
    }
}

/// The questions saved by the last builds, as this build reads them: the file saved whole (its
/// base) and the questions parsed since, in its delta (see [`super::layers`]), which an edit
/// writes instead of the 50 MB file of an archive.
#[derive(Default)]
pub struct Saved {
    base: Part,
    delta: Part,
    /// The base's checksum, when there is a base.
    sum: Option<u64>,
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
        let key = key(languages);
        let Some(files) = layers::load(&path(root)) else {
            return Saved::default();
        };
        let Some(base) = Part::decode(files.base, key) else {
            return Saved::default();
        };
        // A delta that does not decode is none: the base alone is still right.
        let delta = Part::decode(files.delta.into(), key).unwrap_or_default();
        Saved {
            base,
            delta,
            sum: Some(files.sum),
        }
    }

    /// How many questions the files hold.
    pub fn len(&self) -> usize {
        let only_in_delta = (self.delta.slots.iter())
            .filter(|s| self.base.slot(s.path).is_none())
            .count();
        self.base.slots.len() + only_in_delta
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot of `path` and the file its bytes are in: the delta's, else the base's.
    fn slot(&self, path: u128) -> Option<(&Part, &Slot)> {
        (self.delta.slot(path).map(|s| (&self.delta, s)))
            .or_else(|| self.base.slot(path).map(|s| (&self.base, s)))
    }

    /// Writes `questions` (read with `stamps`, in a build started at `started`) beside the file
    /// at `root` and renames it into place: the delta alone when the base still holds most of
    /// them (see [`layers::save_whole`]), else the whole file. A question already saved from
    /// the same bytes is copied, not encoded again; a file whose stamp is too fresh to trust is
    /// left out, so it is parsed next time. Nothing is written when the file would not change.
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
        // Each question with its bytes, and whether the base has it as it is.
        let parts: Vec<(Slot, Cow<[u8]>, bool)> = kept
            .par_iter()
            .map(|&(path, stamp, q)| {
                let found = self.slot(path).filter(|(_, s)| s.hash == q.file_hash);
                let bytes: Cow<[u8]> = match found {
                    Some((part, old)) => part.bytes(old).into(),
                    None => bincode::serde::encode_to_vec(q, bincode::config::standard())
                        .expect("a question encodes")
                        .into(),
                };
                let in_base = (self.base.slot(path))
                    .is_some_and(|s| (s.stamp, s.hash) == (stamp, q.file_hash));
                let slot = Slot {
                    path,
                    stamp,
                    hash: q.file_hash,
                    start: 0,
                    len: bytes.len() as u32,
                };
                (slot, bytes, in_base)
            })
            .collect();
        let in_base = parts.iter().filter(|p| p.2).count();
        let added: Vec<(Slot, Cow<[u8]>)> = (parts.iter())
            .filter(|p| !p.2)
            .map(|(slot, bytes, _)| (*slot, Cow::Borrowed(&bytes[..])))
            .collect();
        let added_bytes = added.iter().map(|(_, b)| b.len() + 40).sum();
        let base = self
            .sum
            .map(|_| (self.base.slots.len(), self.base.file.len()));
        let unused = self.base.slots.len().saturating_sub(in_base);
        let key = key(languages);
        let file = path(root);
        if layers::save_whole(base, unused, added_bytes) {
            let all: Vec<(Slot, Cow<[u8]>)> = parts.into_iter().map(|(s, b, _)| (s, b)).collect();
            // Never when nothing changed: the base would then hold every question, and a delta
            // be saved (see `layers::save_whole`).
            let (_, bytes) = Part::encode(key, &all)?;
            drop(all);
            super::write_summed(&file, bytes)?;
            return layers::remove_delta(&file);
        }
        let (slots, bytes) = Part::encode(key, &added)?;
        if slots == self.delta.slots {
            return Ok(());
        }
        let sum = self.sum.expect("a delta has a base");
        let mut delta = layers::create_delta(&file, sum)?;
        delta.write(&bytes)?;
        delta.finish()
    }
}

impl Earlier for Saved {
    /// Decoded from its slice when the file still has the stamp it was read with.
    fn question(&self, _rel: &Path, key: u128, stamp: Stamp) -> Option<Question> {
        let (part, slot) = self.slot(key).filter(|(_, s)| s.stamp == stamp)?;
        let (question, _): (Question, usize) =
            bincode::serde::decode_from_slice(part.bytes(slot), bincode::config::standard())
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

    #[test]
    fn an_edit_saves_a_delta_that_loads_with_its_base() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let langs = vec!["nl".to_string()];
        let rel = |k: usize| format!("content/questions/8/8-{k}.nl.md");
        let (mut qs, mut stamps): (Vec<Question>, Vec<Stamp>) = (1..=30)
            .map(|k| question(root, &rel(k), &format!("Vraag {k}")))
            .unzip();
        Saved::default()
            .save(root, &langs, &qs, &stamps, later(5))
            .unwrap();
        let file = path(root);
        let base = std::fs::read(&file).unwrap();
        // One file edited: the delta holds it, the base is left as it was.
        (qs[6], stamps[6]) = question(root, &rel(7), "Vraag 7, herzien");
        Saved::load(root, &langs)
            .save(root, &langs, &qs, &stamps, later(5))
            .unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), base);
        assert!(layers::delta_path(&file).exists());
        let back = Saved::load(root, &langs);
        assert_eq!(back.len(), 30);
        let got = |saved: &Saved, k: usize, stamp| {
            let rel = rel(k);
            let rel = Path::new(&rel);
            saved.question(rel, path_key(rel), stamp).map(|q| q.title)
        };
        assert_eq!(
            got(&back, 7, stamps[6]).as_deref(),
            Some("Vraag 7, herzien")
        );
        assert_eq!(got(&back, 8, stamps[7]).as_deref(), Some("Vraag 8"));
        // Saved again with nothing changed: not written.
        let written = std::fs::metadata(layers::delta_path(&file))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        back.save(root, &langs, &qs, &stamps, later(5)).unwrap();
        let again = std::fs::metadata(layers::delta_path(&file))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(again, written);
        // A garbled delta is none: the base's questions are still there.
        let mut delta = std::fs::read(layers::delta_path(&file)).unwrap();
        let mid = delta.len() / 2;
        delta[mid] ^= 1;
        std::fs::write(layers::delta_path(&file), &delta).unwrap();
        let garbled = Saved::load(root, &langs);
        assert!(got(&garbled, 7, stamps[6]).is_none());
        assert_eq!(got(&garbled, 8, stamps[7]).as_deref(), Some("Vraag 8"));
        // Once a tenth of the base is edited, the file is saved whole and the delta removed.
        for k in 1..=4 {
            (qs[k], stamps[k]) = question(root, &rel(k + 1), &format!("Vraag {}, herzien", k + 1));
        }
        garbled.save(root, &langs, &qs, &stamps, later(5)).unwrap();
        assert!(!layers::delta_path(&file).exists());
        let whole = Saved::load(root, &langs);
        assert_eq!(
            got(&whole, 3, stamps[2]).as_deref(),
            Some("Vraag 3, herzien")
        );
        assert_eq!(
            got(&whole, 7, stamps[6]).as_deref(),
            Some("Vraag 7, herzien")
        );
    }
}
