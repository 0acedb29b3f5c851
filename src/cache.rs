//! The build cache in `<site>/.quaestor-cache/`: what the last successful build read and wrote.
//! With it a build renders and writes only the pages whose inputs changed; with nothing changed
//! it stops after comparing file stamps.
//!
//! Beside the state of each output folder it keeps what parsing and stemming the content made:
//! the parsed questions ([`questions`]) and the search index's words ([`search`]), so that a
//! build after an edit parses and stems only the changed files.
//!
//! The cache is an optimisation, never a source of truth: a missing, unreadable or foreign cache
//! file means a full build, and a build interrupted while updating the output in place leaves the
//! cache marked dirty, so the next build is a full one.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

use crate::content::listing::{Kind, Listing, Stamp};

pub(crate) mod codec;
mod layers;
mod mapped;
pub mod merged;
mod outputs;
pub mod questions;
pub mod records;
pub mod search;
pub use outputs::{outputs_unchanged, record_outputs, recorded_output, OutputFile};

/// The cache folder, relative to the site root.
pub const DIR: &str = ".quaestor-cache";
/// Bumped whenever the layout of [`State`] changes; an older file is ignored.
const FORMAT: u32 = 5;

/// The body links of a page, checked again when the page is not rendered: a link may break
/// because the page it points to went away.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageLinks {
    pub page: String,
    pub source: Option<PathBuf>,
    pub targets: Vec<String>,
}

/// A content file as the last build read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentFile {
    /// The file's site-relative path, by [`crate::content::listing::path_key`].
    pub path: u128,
    /// The stamp it was read with; `None` when too fresh to trust (it is read and hashed again).
    pub stamp: Option<Stamp>,
    /// The hash of its bytes.
    pub hash: u64,
}

/// Every content file the last build read, sorted by path key. A build with nothing changed
/// decodes and searches this for each of tens of thousands of files: a map by `PathBuf` spent
/// a quarter of such a build allocating, hashing and comparing paths component by component.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Contents(Vec<ContentFile>);

impl Contents {
    pub fn new(mut files: Vec<ContentFile>) -> Contents {
        files.sort_unstable_by_key(|f| f.path);
        Contents(files)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, path: u128) -> Option<&ContentFile> {
        let i = self.0.binary_search_by_key(&path, |f| f.path).ok()?;
        Some(&self.0[i])
    }

    pub fn get_mut(&mut self, path: u128) -> Option<&mut ContentFile> {
        let i = self.0.binary_search_by_key(&path, |f| f.path).ok()?;
        Some(&mut self.0[i])
    }
}

/// What a build with nothing to do needs to know, decoded alone from the front of the state
/// file: a no-change build never decodes the output files' digests.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Head {
    pub format: u32,
    /// Everything except the questions: binary, options, configuration, theme and data files.
    pub global: u64,
    /// The term tables and archive months of every language (see `render::deps`).
    pub structure: u64,
    /// The output folder as the build left it: a replaced folder is not ours.
    pub output_id: OutputId,
    /// Set while the output folder is being updated in place.
    pub dirty: bool,
    pub pages: usize,
    pub file_count: usize,
    /// Every content file: its stamp when trusted, and its hash.
    pub contents: Contents,
    /// Every file of the output folder as the build left it, sorted by path: a file edited by
    /// hand is rewritten by the next build.
    pub outputs: Vec<OutputFile>,
}

/// The state of the output folder after the last successful build.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// First, so that it decodes on its own (bincode writes a struct's fields in order).
    pub head: Head,
    /// Every file in the output folder: a page's input digest, or another file's content hash.
    pub files: HashMap<String, u64>,
    pub links: Vec<PageLinks>,
}

/// The previous build as producers see it, read only: the digest it recorded for each file and
/// its output folder. A producer whose inputs hash to the digest recorded for its file declares
/// the file kept instead of making it (see [`crate::output::Make::Kept`]).
pub struct Previous<'a> {
    digests: Option<&'a HashMap<String, u64>>,
    /// The global digest, for producers to fold into their digests; 0 when digests are not
    /// tracked at all (no cache, or `check`).
    pub global: u64,
    /// The output folder the previous build wrote, for files assembled from kept parts.
    output: Option<PathBuf>,
}

impl<'a> Previous<'a> {
    /// No cache: nothing is kept and no digest computed.
    pub fn off() -> Previous<'static> {
        Previous {
            digests: None,
            global: 0,
            output: None,
        }
    }

    /// The previous build's `digests` when this build may update its output in place (else
    /// every file is made anew, with its digest for the next build).
    pub fn new(digests: Option<&'a HashMap<String, u64>>, global: u64, output: &Path) -> Self {
        Previous {
            digests,
            global,
            output: digests.map(|_| output.to_path_buf()),
        }
    }

    /// Whether digests are computed at all (not in `check`, nor without the cache).
    pub fn active(&self) -> bool {
        self.global != 0
    }

    /// Whether the file at `path`, whose inputs hash to `digest`, is in the output as the
    /// previous build left it.
    pub fn vouches(&self, path: &str, digest: u64) -> bool {
        self.active() && self.digests.and_then(|p| p.get(path)) == Some(&digest)
    }

    /// Whether the previous build wrote `path` and this build may rely on it as it was left
    /// (the output was checked unchanged when the build began: only then are there digests).
    pub fn recorded(&self, path: &str) -> bool {
        self.active() && self.digests.is_some_and(|p| p.contains_key(path))
    }

    /// A file as the previous build wrote it, when this build may rely on it.
    pub fn file(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path_of(rel)?).ok()
    }

    /// Where the previous build wrote `rel`, when this build may rely on its files.
    pub fn path_of(&self, rel: &str) -> Option<PathBuf> {
        Some(self.output.as_ref()?.join(rel))
    }
}

/// Where the state for one output folder lives: builds into different folders (`serve` and
/// `build`, for example) keep separate states.
pub fn state_path(root: &Path, output: &Path) -> PathBuf {
    let abs = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let key = xxhash_rust::xxh3::xxh3_64(abs.as_os_str().as_encoded_bytes());
    root.join(DIR).join(format!("build-{key:016x}.bin"))
}

impl State {
    /// The state saved for an output folder, if there is one this binary can read.
    pub fn load(path: &Path) -> Option<State> {
        let bytes = std::fs::read(path).ok()?;
        let (head, len) = State::decode_head(&bytes)?;
        State::decode_rest(head, &bytes[len..])
    }

    /// The head of a saved state, and how many bytes it took.
    pub fn decode_head(bytes: &[u8]) -> Option<(Head, usize)> {
        let (head, len): (Head, usize) =
            bincode::serde::decode_from_slice(bytes, bincode::config::standard()).ok()?;
        (head.format == FORMAT).then_some((head, len))
    }

    /// The whole state, from its head and the bytes after it (bincode writes a struct as its
    /// fields in order, so the rest decodes as a tuple).
    pub fn decode_rest(head: Head, rest: &[u8]) -> Option<State> {
        let (files, links) = State::decode_files(rest)?;
        Some(State { head, files, links })
    }

    /// What follows the head: every output file's digest, and the pages' body links.
    pub fn decode_files(rest: &[u8]) -> Option<(HashMap<String, u64>, Vec<PageLinks>)> {
        type Rest = (HashMap<String, u64>, Vec<PageLinks>);
        let (rest, _): (Rest, usize) =
            bincode::serde::decode_from_slice(rest, bincode::config::standard()).ok()?;
        Some(rest)
    }

    /// Writes the state beside its final name and renames it into place, so a reader never sees
    /// half a file. (No fsync: a state file lost or garbled in a power cut fails to decode, and
    /// the next build is a full one.)
    pub fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.head.format = FORMAT;
        self.head.file_count = self.files.len();
        let dir = path.parent().expect("the state lives in the cache folder");
        std::fs::create_dir_all(dir)?;
        ignore_file(dir)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        // Encoded straight into the file: no second copy of the state in memory.
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        bincode::serde::encode_into_std_write(&*self, &mut f, bincode::config::standard())
            .map_err(std::io::Error::other)?;
        f.flush()?;
        drop(f);
        crate::replace::replace(&tmp, path)
    }

    /// Marks the state dirty on disk before the output folder is touched in place.
    pub fn mark_dirty(&mut self, path: &Path) -> std::io::Result<()> {
        self.head.dirty = true;
        self.save(path)
    }
}

/// Whether the site's cache folder is one the build may read and write: a real folder, or none
/// yet. A link there (a pull request may carry one) could lead the cache's writes out of the
/// site, so the build then runs without the cache.
pub fn folder_usable(root: &Path) -> bool {
    match std::fs::symlink_metadata(root.join(DIR)) {
        Ok(meta) => meta.is_dir(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Writes `bytes` and their xxh3 beside `path` in the cache folder, then swaps the file into
/// place: a reader sees the whole file or the one before, and [`read_summed`] refuses one cut
/// short or garbled, so what the file holds needs no check of its own.
fn write_summed(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
    let mut file = Summed::create(path)?;
    file.write(&bytes)?;
    file.finish()
}

/// A file [`write_summed`] writes, written piece by piece: the search caches are 70 MB each at
/// 50,000 questions, saved while the build still holds its output, so they are never held whole.
struct Summed {
    tmp: PathBuf,
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    sum: Xxh3,
}

impl Summed {
    fn create(path: &Path) -> std::io::Result<Summed> {
        let dir = path.parent().expect("the cache lives in a folder");
        std::fs::create_dir_all(dir)?;
        ignore_file(dir)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        Ok(Summed {
            tmp,
            path: path.to_path_buf(),
            file,
            sum: Xxh3::new(),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.sum.update(bytes);
        self.file.write_all(bytes)
    }

    /// Writes what `buffer` holds once it passed a megabyte, and empties it.
    fn spill(&mut self, buffer: &mut Vec<u8>) -> std::io::Result<()> {
        if buffer.len() >= 1 << 20 {
            self.write(buffer)?;
            buffer.clear();
        }
        Ok(())
    }

    /// Ends the file with its sum and swaps it into place.
    fn finish(mut self) -> std::io::Result<()> {
        let sum = self.sum.digest();
        self.file.write_all(&sum.to_le_bytes())?;
        self.file.into_inner().map_err(|e| e.into_error())?;
        crate::replace::replace(&self.tmp, &self.path)
    }
}

/// The bytes [`write_summed`] wrote at `path`, without their checksum, when it holds.
fn read_summed(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(path).ok()?;
    let (payload, sum) = bytes.split_last_chunk::<8>()?;
    if xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes() != *sum {
        return None;
    }
    bytes.truncate(bytes.len() - 8);
    Some(bytes)
}

/// A `.gitignore` inside the cache folder keeps it out of commits without touching the site's own.
/// One already there, even a link, is left alone.
fn ignore_file(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(".gitignore");
    if std::fs::symlink_metadata(&path).is_err() {
        std::fs::write(path, "*\n")?;
    }
    Ok(())
}

/// What tells the output folder the last build wrote from another one at the same path: the
/// folder's device, inode and change time (a folder deleted and made again may get the old inode
/// number back), and the stamp of one file the build wrote in it (an emptied or copied folder
/// loses it). The build's own writes all come before the state is saved, so only someone else's
/// change moves these, and the next build is then a full one.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputId {
    folder: (u64, u64, i64, i64),
    sample: Option<(String, Stamp)>,
}

impl OutputId {
    /// The identity of `output` now, sampling the first of `files` (paths inside it).
    pub fn of(output: &Path, files: &HashMap<String, u64>) -> Option<OutputId> {
        let sample = match files.keys().min() {
            Some(rel) => Some((rel.clone(), sample_stamp(output, rel)?)),
            None => None,
        };
        Some(OutputId {
            folder: folder_id(output)?,
            sample,
        })
    }

    /// Whether `output` is still the folder this identity was taken from.
    pub fn still(&self, output: &Path) -> bool {
        folder_id(output) == Some(self.folder)
            && self
                .sample
                .as_ref()
                .is_none_or(|(rel, stamp)| sample_stamp(output, rel) == Some(*stamp))
    }
}

fn folder_id(output: &Path) -> Option<(u64, u64, i64, i64)> {
    let m = std::fs::symlink_metadata(output)
        .ok()
        .filter(|m| m.is_dir())?;
    Some((m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

fn sample_stamp(output: &Path, rel: &str) -> Option<Stamp> {
    std::fs::symlink_metadata(output.join(rel))
        .ok()
        .map(|m| Stamp::of(&m))
}

/// A hasher for digests: fast, and stable for a given binary (the binary is part of the digest).
pub fn hasher() -> Xxh3 {
    Xxh3::new()
}

/// Writes a length-prefixed string, so that ("ab", "c") and ("a", "bc") differ.
pub fn hash_str(h: &mut Xxh3, s: &str) {
    h.write_u64(s.len() as u64);
    h.write(s.as_bytes());
}

/// What ties a cache file to this binary: its version and, since a rebuilt binary may parse,
/// stem or render differently under the same version number, the executable file's identity.
pub fn binary_digest() -> u64 {
    let mut h = hasher();
    hash_str(&mut h, env!("CARGO_PKG_VERSION"));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.write_u64(meta.len());
        h.write_i64(meta.mtime());
        h.write_i64(meta.mtime_nsec());
        h.write_u64(meta.ino());
    }
    h.finish()
}

/// The digest of everything a build reads besides the questions: this binary, the options that
/// change output, and every file of the configuration, data, theme and site overrides.
pub fn global_digest(root: &Path, options: &[&str]) -> std::io::Result<u64> {
    let mut h = hasher();
    h.write_u64(binary_digest());
    for o in options {
        hash_str(&mut h, o);
    }
    for name in [
        crate::config::CONFIG_FILE,
        "data",
        "themes",
        "templates",
        "static",
    ] {
        let path = root.join(name);
        if !path.exists() && std::fs::symlink_metadata(&path).is_err() {
            hash_str(&mut h, "-");
            continue;
        }
        // A link is hashed as its target's name, never followed (the build refuses it).
        for entry in WalkDir::new(&path)
            .follow_root_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(std::io::Error::other)?;
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            hash_str(&mut h, &rel.to_string_lossy());
            if entry.path_is_symlink() {
                let target = std::fs::read_link(entry.path())?;
                hash_str(&mut h, &target.to_string_lossy());
            } else if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path())?;
                h.write_u64(bytes.len() as u64);
                h.write(&bytes);
            }
        }
    }
    Ok(h.finish())
}

/// Whether every content file is the one the last build read: same set of paths, and each file
/// either has its trusted stamp or, read again, the same hash. Reads only files whose stamps
/// moved, and returns their new stamps (so the state can trust them next time), or `None` when
/// something changed.
///
/// This is all a build with nothing changed does, so it stats each file relative to its open
/// folder, on every core. Anything the loader would refuse or report (a link, a folder it cannot
/// read) is a change: the build must run to say so.
pub fn content_unchanged(listing: &Listing, known: &Contents) -> Option<Vec<(u128, Stamp)>> {
    use rayon::prelude::*;
    if !listing.unreadable.is_empty() {
        return None;
    }
    // Path keys are unique, so as many files as known ones, each of them known, is the same set.
    if listing.entries.len() != known.len() {
        return None;
    }
    let checked: Option<Vec<Option<(u128, Stamp)>>> = listing
        .entries
        .par_iter()
        .map(|entry| {
            if entry.kind != Kind::Question {
                return None;
            }
            let key = listing.path_key(entry);
            let file = known.get(key)?;
            let stat = listing.stat(entry).ok()?;
            if rustix::fs::FileType::from_raw_mode(stat.st_mode)
                != rustix::fs::FileType::RegularFile
            {
                return None;
            }
            let stamp = Stamp::of_stat(&stat);
            if file.stamp == Some(stamp) {
                return Some(None);
            }
            let mut bytes = Vec::new();
            listing.open(entry).ok()?.read_to_end(&mut bytes).ok()?;
            (xxhash_rust::xxh3::xxh3_64(&bytes) == file.hash).then_some(Some((key, stamp)))
        })
        .collect();
    Some(checked?.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::listing::path_key;

    #[test]
    fn a_foreign_or_broken_state_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.bin");
        std::fs::write(&path, b"not a state").unwrap();
        assert!(State::load(&path).is_none());
        let mut state = State::default();
        state.files.insert("index.html".into(), 7);
        state.head.pages = 3;
        state.save(&path).unwrap();
        assert_eq!(State::load(&path).unwrap().head.pages, 3);
        let (head, _) = State::decode_head(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!((head.pages, head.file_count), (3, 1));
    }

    /// A site with `content/questions/7/7-1.nl.md`, a hidden file beside it and a question in a
    /// hidden folder (which the loader reads), known as the loader would record them.
    fn site() -> (tempfile::TempDir, Contents) {
        let dir = tempfile::tempdir().unwrap();
        let q = dir.path().join("content/questions/7");
        std::fs::create_dir_all(q.join(".drafts")).unwrap();
        std::fs::write(q.join("7-1.nl.md"), "one").unwrap();
        std::fs::write(q.join(".7-1.nl.md.swp"), "editor").unwrap();
        std::fs::write(q.join(".drafts/7-2.nl.md"), "two").unwrap();
        let mut known = Vec::new();
        for rel in [
            "content/questions/7/7-1.nl.md",
            "content/questions/7/.drafts/7-2.nl.md",
        ] {
            let path = dir.path().join(rel);
            let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
            let hash = xxhash_rust::xxh3::xxh3_64(&std::fs::read(&path).unwrap());
            known.push(ContentFile {
                path: path_key(Path::new(rel)),
                stamp: Some(stamp),
                hash,
            });
        }
        (dir, Contents::new(known))
    }

    #[test]
    fn content_files_with_their_stamps_are_unchanged() {
        let (dir, known) = site();
        assert_eq!(
            content_unchanged(&Listing::read(dir.path()), &known),
            Some(vec![])
        );
    }

    #[test]
    fn a_content_file_edited_added_or_linked_is_a_change() {
        let (dir, known) = site();
        let q = dir.path().join("content/questions/7");
        // Same bytes, new stamp: unchanged, with the new stamp to keep.
        std::fs::write(q.join("7-1.nl.md"), "one").unwrap();
        let restamped = content_unchanged(&Listing::read(dir.path()), &known).unwrap();
        assert_eq!(restamped.len(), 1);
        assert_eq!(
            restamped[0].1,
            Stamp::of(&std::fs::metadata(q.join("7-1.nl.md")).unwrap())
        );
        std::fs::write(q.join(".drafts/7-2.nl.md"), "two, edited").unwrap();
        assert_eq!(content_unchanged(&Listing::read(dir.path()), &known), None);
        let (dir, known) = site();
        let q = dir.path().join("content/questions/7");
        std::fs::write(q.join("7-3.nl.md"), "three").unwrap();
        assert_eq!(
            content_unchanged(&Listing::read(dir.path()), &known),
            None,
            "a file added"
        );
        let (dir, known) = site();
        let q = dir.path().join("content/questions/7");
        std::os::unix::fs::symlink("/etc/hostname", q.join("link.md")).unwrap();
        assert_eq!(
            content_unchanged(&Listing::read(dir.path()), &known),
            None,
            "a link"
        );
    }
}
