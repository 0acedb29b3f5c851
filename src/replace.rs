//! Putting a finished file in place of the one at its name, so that a reader sees the old file or
//! the new, never half of one.
//!
//! A plain `rename` over an existing file makes ext4 (with its default `auto_da_alloc`) allocate
//! and start writing the new file's blocks before the rename returns: about 0.07 s for the
//! 160 MB bulk file of a 50,000-question site, on every build after an edit. Swapping the two
//! names (`RENAME_EXCHANGE`) and removing the old file is as atomic for a reader and leaves the
//! writing to the kernel's own time. What that heuristic protects, a file left empty by a power
//! cut, is covered here otherwise: the build cache's files carry a checksum, and the output is
//! marked dirty before an update, so the next build after a crash is a full one.

use std::io;
use std::path::Path;

/// Moves `new` (a file just written beside `target`) to `target`'s name, replacing the file
/// there if there is one.
pub fn replace(new: &Path, target: &Path) -> io::Result<()> {
    // Only a file is swapped out: a rename refuses to replace a folder, and so must this.
    let a_file = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file());
    if a_file && exchange(new, target).is_ok() {
        // `new` now names the old file.
        return std::fs::remove_file(new);
    }
    // No file at `target`, or a system without the call: a rename does it.
    std::fs::rename(new, target)
}

#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "exchanging two names needs Linux",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_file_takes_the_name_and_nothing_is_left_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("questions.jsonl.gz");
        let new = dir.path().join(".questions.jsonl.gz.tmp");
        // No file at the name yet.
        std::fs::write(&new, b"first").unwrap();
        replace(&new, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        // A file there: replaced, and the old one is gone.
        std::fs::write(&new, b"second").unwrap();
        replace(&new, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["questions.jsonl.gz"]);
        // A folder at the name is not replaced, as a rename would not replace it.
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(&new, b"third").unwrap();
        assert!(replace(&new, &folder).is_err());
        assert!(folder.is_dir());
    }
}
