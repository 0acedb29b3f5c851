//! What is under `content/questions/`: one listing, with the rules of what counts as a question
//! file, each file's [`Stamp`] and path key, shared by the loader and by the build cache's
//! nothing-changed check.
//!
//! Each folder is kept open and its files are opened and stat'ed relative to it: no path is
//! walked again from the site root for each of tens of thousands of files (on slow virtual
//! machines that walk was a tenth of an incremental build).

use std::ffi::{CStr, CString, OsStr};
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rustix::fd::OwnedFd;
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use serde::{Deserialize, Serialize};

/// Where question files live, relative to the site root.
pub const QUESTIONS_DIR: &str = "content/questions";

/// A file modified this close to the start of a build may be modified again within the same
/// timestamp tick, so its stamp is not trusted next time (git's "racily clean" rule).
const RACY: Duration = Duration::from_secs(2);

/// What identifies a file's version without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
    ctime: i64,
    ctime_nsec: i64,
    ino: u64,
}

impl Stamp {
    /// The same stamp from a `stat` taken relative to an open folder.
    pub fn of_stat(stat: &rustix::fs::Stat) -> Stamp {
        Stamp {
            len: stat.st_size as u64,
            mtime: stat.st_mtime,
            mtime_nsec: stat.st_mtime_nsec as i64,
            ctime: stat.st_ctime,
            ctime_nsec: stat.st_ctime_nsec as i64,
            ino: stat.st_ino,
        }
    }

    pub fn of(meta: &Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
            ino: meta.ino(),
        }
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }

    /// The stamp to keep for next time: none when the file changed too close to `started`.
    pub fn trusted(self, started: SystemTime) -> Option<Stamp> {
        let limit = started
            .checked_sub(RACY)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())?;
        let newest = self.mtime.max(self.ctime);
        (newest >= 0 && (newest as u64) < limit.as_secs()).then_some(self)
    }
}

/// The key of a site-relative path: its 128-bit XXH3, so that no two paths of a site share one
/// (a 64-bit key would make that merely unlikely).
pub fn path_key(rel: &Path) -> u128 {
    xxhash_rust::xxh3::xxh3_128(rel.as_os_str().as_encoded_bytes())
}

/// The files and folders under `content/questions/`, with what could not be read.
pub struct Listing {
    /// Open folders with their site-relative paths; the first is `content/questions` itself.
    dirs: Vec<(OwnedFd, PathBuf)>,
    /// Every entry the loader looks at, folder by folder in no particular order (see
    /// [`Listing::in_walk_order`]).
    pub entries: Vec<Entry>,
    /// Folders that could not be opened or read, with why.
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

/// One entry of a folder. Hidden files (editor swap files, `.DS_Store`) are not listed; hidden
/// folders are, and so is what is inside them.
pub struct Entry {
    dir: usize,
    name: CString,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file named `*.md`.
    Question,
    /// Any other regular file.
    OtherFile,
    /// A symbolic link, which the loader refuses to follow.
    Link,
    /// A socket, a pipe, a device.
    Special,
}

impl Listing {
    /// Lists `root/content/questions/`. A site without that folder has no questions.
    pub fn read(root: &Path) -> Listing {
        let top = PathBuf::from(QUESTIONS_DIR);
        let mut listing = Listing {
            dirs: Vec::new(),
            entries: Vec::new(),
            unreadable: Vec::new(),
        };
        if !root.join(&top).is_dir() {
            return listing;
        }
        // The top folder may be a link to the questions (a shared checkout); nothing below it may.
        match rustix::fs::open(root.join(&top), dir_flags(), Mode::empty()) {
            Ok(fd) => listing.dirs.push((fd, top)),
            Err(e) => listing.unreadable.push((top, e.into())),
        }
        let mut d = 0;
        while d < listing.dirs.len() {
            listing.read_dir(d);
            d += 1;
        }
        listing
    }

    /// The entries in the order of a walk that visits each folder's entries by name, depth
    /// first: the order messages name files in, and which of two files for one question is the
    /// first. Paths compared byte by byte with each `/` read as the lowest byte compare as their
    /// components do, without parsing them as `Path`s. (The nothing-changed check never sorts.)
    pub fn in_walk_order(&self) -> Vec<&Entry> {
        let key = |e: &Entry| {
            let mut key = self.dirs[e.dir].1.as_os_str().as_bytes().to_vec();
            key.push(b'/');
            key.extend_from_slice(e.name.to_bytes());
            for b in &mut key {
                if *b == b'/' {
                    *b = 0;
                }
            }
            key
        };
        let mut keyed: Vec<(Vec<u8>, &Entry)> = self.entries.iter().map(|e| (key(e), e)).collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().map(|(_, e)| e).collect()
    }

    fn read_dir(&mut self, d: usize) {
        let (fd, rel) = &self.dirs[d];
        let mut folders = Vec::new();
        let dir = match rustix::fs::Dir::read_from(fd) {
            Ok(dir) => dir,
            Err(e) => {
                self.unreadable.push((rel.clone(), e.into()));
                return;
            }
        };
        for entry in dir {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.unreadable.push((rel.clone(), e.into()));
                    break;
                }
            };
            let name = entry.file_name();
            let bytes = name.to_bytes();
            if matches!(bytes, b"." | b"..") {
                continue;
            }
            let kind = match entry.file_type() {
                // Some file systems do not say in the listing.
                FileType::Unknown => {
                    match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                        Ok(stat) => FileType::from_raw_mode(stat.st_mode),
                        Err(e) => {
                            self.unreadable
                                .push((rel.join(OsStr::from_bytes(bytes)), e.into()));
                            continue;
                        }
                    }
                }
                kind => kind,
            };
            let hidden = bytes.starts_with(b".");
            let kind = match kind {
                FileType::Directory => {
                    let path = rel.join(OsStr::from_bytes(bytes));
                    match rustix::fs::openat(
                        fd,
                        name,
                        dir_flags() | OFlags::NOFOLLOW,
                        Mode::empty(),
                    ) {
                        Ok(child) => folders.push((child, path)),
                        Err(e) => self.unreadable.push((path, e.into())),
                    }
                    continue;
                }
                _ if hidden => continue,
                FileType::RegularFile if bytes.ends_with(b".md") => Kind::Question,
                FileType::RegularFile => Kind::OtherFile,
                FileType::Symlink => Kind::Link,
                _ => Kind::Special,
            };
            self.entries.push(Entry {
                dir: d,
                name: name.to_owned(),
                kind,
            });
        }
        self.dirs.extend(folders);
    }

    /// The entry's path relative to the site root.
    pub fn path(&self, entry: &Entry) -> PathBuf {
        self.dirs[entry.dir]
            .1
            .join(OsStr::from_bytes(entry.name.as_bytes()))
    }

    /// The key of the entry's path ([`path_key`]), without making the path.
    pub fn path_key(&self, entry: &Entry) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(self.dirs[entry.dir].1.as_os_str().as_bytes());
        h.update(b"/");
        h.update(entry.name.to_bytes());
        h.digest128()
    }

    /// The entry's file name.
    pub fn name<'a>(&self, entry: &'a Entry) -> &'a CStr {
        &entry.name
    }

    /// Stats the entry itself (a link is not followed).
    pub fn stat(&self, entry: &Entry) -> std::io::Result<rustix::fs::Stat> {
        Ok(rustix::fs::statat(
            &self.dirs[entry.dir].0,
            entry.name.as_c_str(),
            AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }

    /// Opens the entry for reading. A link swapped in since the listing is refused (`O_NOFOLLOW`).
    pub fn open(&self, entry: &Entry) -> std::io::Result<std::fs::File> {
        let fd = rustix::fs::openat(
            &self.dirs[entry.dir].0,
            entry.name.as_c_str(),
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(std::fs::File::from(fd))
    }
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(listing: &Listing) -> Vec<(String, Kind)> {
        listing
            .in_walk_order()
            .into_iter()
            .map(|e| (listing.path(e).display().to_string(), e.kind))
            .collect()
    }

    #[test]
    fn lists_what_the_loader_reads_in_walk_order() {
        let dir = tempfile::tempdir().unwrap();
        let q = dir.path().join("content/questions");
        std::fs::create_dir_all(q.join("7/.drafts")).unwrap();
        std::fs::create_dir_all(q.join("6")).unwrap();
        // "7" before "7-1" although '-' sorts before '/'.
        std::fs::create_dir_all(q.join("7-1")).unwrap();
        std::fs::write(q.join("7-1/7-4.nl.md"), "").unwrap();
        std::fs::write(q.join("7/7-2.nl.md"), "").unwrap();
        std::fs::write(q.join("7/7-10.nl.md"), "").unwrap();
        std::fs::write(q.join("7/.7-2.nl.md.swp"), "").unwrap();
        std::fs::write(q.join("7/.drafts/7-3.fr.md"), "").unwrap();
        std::fs::write(q.join("6/notes.txt"), "").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", q.join("6/6-1.nl.md")).unwrap();
        let listing = Listing::read(dir.path());
        assert!(listing.unreadable.is_empty());
        let p = |s: &str| format!("content/questions/{s}");
        assert_eq!(
            kinds(&listing),
            vec![
                (p("6/6-1.nl.md"), Kind::Link),
                (p("6/notes.txt"), Kind::OtherFile),
                (p("7/.drafts/7-3.fr.md"), Kind::Question),
                (p("7/7-10.nl.md"), Kind::Question),
                (p("7/7-2.nl.md"), Kind::Question),
                (p("7-1/7-4.nl.md"), Kind::Question),
            ]
        );
        for e in &listing.entries {
            assert_eq!(listing.path_key(e), path_key(&listing.path(e)));
        }
        let sorted = listing.in_walk_order();
        assert_eq!(listing.name(sorted[2]).to_bytes(), b"7-3.fr.md");
        assert!(listing.open(sorted[2]).is_ok());
        assert!(listing.open(sorted[0]).is_err(), "a link is not followed");
    }

    #[test]
    fn fresh_files_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        std::fs::write(&path, "x").unwrap();
        let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
        assert_eq!(stamp.trusted(SystemTime::now()), None);
        let later = SystemTime::now() + Duration::from_secs(10);
        assert_eq!(stamp.trusted(later), Some(stamp));
    }

    #[test]
    fn a_site_without_questions_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let listing = Listing::read(dir.path());
        assert!(listing.entries.is_empty() && listing.unreadable.is_empty());
    }
}
