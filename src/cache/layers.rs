//! Cache files that an edit changes a little. The search words and records caches hold 70 MB
//! each at 50,000 questions, and after one edit all but a few of their entries are ones the
//! file already has: writing them whole again cost a tenth of a second of every such build.
//! So such a file is saved whole now and then (its base), and in between a build writes only
//! the entries the base lacks into a small file beside it (its delta). The delta names the base
//! it extends by that file's checksum, so a delta left from another base is ignored and the
//! pair is never read half old, half new.

use std::io;
use std::path::{Path, PathBuf};

use super::mapped::Bytes;
use super::Summed;

/// The delta beside the base at `path`: `search-words.bin` → `search-words.delta.bin`.
pub fn delta_path(path: &Path) -> PathBuf {
    path.with_extension("delta.bin")
}

/// A base and its delta as saved: each file's bytes without their checksum.
#[derive(Default)]
pub struct Layers {
    pub base: Bytes,
    /// The base's checksum, which a delta names.
    pub sum: u64,
    /// Empty when there is no delta for this base.
    pub delta: Vec<u8>,
}

/// Where an entry is: in the delta or in the base, and its bytes' range there.
#[derive(Clone, Copy)]
pub struct Loc {
    pub in_delta: bool,
    pub at: usize,
    pub len: usize,
}

impl Layers {
    /// The bytes at `loc`.
    pub fn bytes(&self, loc: &Loc) -> &[u8] {
        let file: &[u8] = if loc.in_delta {
            &self.delta
        } else {
            &self.base
        };
        &file[loc.at..loc.at + loc.len]
    }
}

/// The base at `path` and its delta, or `None` without a whole base.
pub fn load(path: &Path) -> Option<Layers> {
    let (base, sum) = super::mapped::summed(path)?;
    let delta = super::read_summed(&delta_path(path))
        .filter(|d| d.get(..8) == Some(&sum.to_le_bytes()[..]))
        .map(|mut d| {
            d.drain(..8);
            d
        })
        .unwrap_or_default();
    Some(Layers { base, sum, delta })
}

/// Whether to save the file whole rather than a delta: when there is no base to extend, once a
/// tenth of the base's entries are no longer used, or once the delta would pass a quarter of
/// the base's bytes. Either way the delta stays small and the base mostly live.
pub fn save_whole(base: Option<(usize, usize)>, unused: usize, delta_bytes: usize) -> bool {
    match base {
        None => true,
        Some((entries, bytes)) => unused * 10 > entries || delta_bytes * 4 > bytes,
    }
}

/// Starts the delta of the base whose checksum is `sum`.
pub fn create_delta(path: &Path, sum: u64) -> io::Result<Summed> {
    let mut file = Summed::create(&delta_path(path))?;
    file.write(&sum.to_le_bytes())?;
    Ok(file)
}

/// Removes the delta once a new base is in place (a delta of the old base would be ignored,
/// but it is dead weight).
pub fn remove_delta(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(delta_path(path)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_is_read_only_with_the_base_it_extends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        assert!(load(&path).is_none(), "no base, nothing");
        super::super::write_summed(&path, b"base one".to_vec()).unwrap();
        let one = load(&path).unwrap();
        assert_eq!((&one.base[..], one.delta.len()), (&b"base one"[..], 0));
        let mut delta = create_delta(&path, one.sum).unwrap();
        delta.write(b"added").unwrap();
        delta.finish().unwrap();
        let both = load(&path).unwrap();
        assert_eq!(both.delta, b"added");
        // Another base: the delta is not its own.
        super::super::write_summed(&path, b"base two".to_vec()).unwrap();
        let two = load(&path).unwrap();
        assert_eq!((&two.base[..], two.delta.len()), (&b"base two"[..], 0));
        remove_delta(&path).unwrap();
        assert!(!delta_path(&path).exists());
        remove_delta(&path).unwrap();
    }

    #[test]
    fn the_file_is_saved_whole_when_a_delta_would_not_pay() {
        assert!(save_whole(None, 0, 0));
        assert!(!save_whole(Some((1000, 100_000)), 2, 500));
        assert!(save_whole(Some((1000, 100_000)), 101, 500));
        assert!(save_whole(Some((1000, 100_000)), 2, 25_001));
    }
}
