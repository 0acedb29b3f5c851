//! Questions kept between the builds of one long-running process (`quaestor serve`): a file
//! whose stamp has not moved since an earlier build read it is not read and parsed again.
//!
//! A `quaestor build` has no memo: it takes unchanged files' questions from the build cache
//! (`cache::questions`), decoding each one it needs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use super::listing::Stamp;
use super::model::Question;

/// Parsed questions by site-relative path, with the stamp each file had when read.
#[derive(Debug, Default)]
pub struct ParseMemo {
    entries: Mutex<Entries>,
    /// Files taken from the memo by the last load, for tests and timings.
    reused: AtomicUsize,
}

/// What a file parses to depends on the site's languages too (a question in a language the
/// site no longer has is an error): entries are valid for the languages they were parsed with.
#[derive(Debug, Default)]
struct Entries {
    languages: Vec<String>,
    questions: HashMap<PathBuf, (Stamp, Question)>,
}

/// The memo's entries as one load sees them: read-only while files are read in parallel.
pub struct Snapshot(Entries);

impl ParseMemo {
    pub fn new() -> ParseMemo {
        ParseMemo::default()
    }

    /// Takes the entries out for one load of a site in `languages` (see [`ParseMemo::keep`]).
    pub fn take(&self, languages: &[String]) -> Snapshot {
        let mut entries = std::mem::take(&mut *self.entries.lock().unwrap());
        if entries.languages != languages {
            entries = Entries::default();
        }
        Snapshot(entries)
    }

    /// Puts entries back after a load: the questions it read, when it succeeded, else the ones
    /// it took. Only stamps old enough to trust are kept (git's "racily clean" rule, see
    /// [`Stamp::trusted`]): a file saved twice within one timestamp tick keeps its stamp.
    pub fn keep(&self, loaded: &[(Question, Stamp)], started: SystemTime, languages: &[String]) {
        let questions = loaded
            .iter()
            .filter_map(|(q, stamp)| {
                let stamp = stamp.trusted(started)?;
                Some((q.path.clone(), (stamp, q.clone())))
            })
            .collect();
        *self.entries.lock().unwrap() = Entries {
            languages: languages.to_vec(),
            questions,
        };
    }

    /// Puts back what a failed load took.
    pub fn restore(&self, snapshot: Snapshot) {
        *self.entries.lock().unwrap() = snapshot.0;
    }

    /// How many files the last load took from the memo.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    pub(super) fn set_reused(&self, n: usize) {
        self.reused.store(n, Ordering::Relaxed);
    }
}

impl super::load::Earlier for Snapshot {
    /// The question parsed from `rel` when the file still has the stamp it was read with.
    fn question(&self, rel: &Path, _key: u128, stamp: Stamp) -> Option<Question> {
        self.0
            .questions
            .get(rel)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, q)| q.clone())
    }
}
