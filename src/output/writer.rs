//! The writer builds the new site in a staging folder beside the output and swaps it in only when
//! the whole build succeeded, so a failed or killed build leaves the previous site untouched.
//! Files whose bytes did not change are hard-linked from the previous output rather than
//! rewritten, which keeps their modification times for rsync-style deploys.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::Splice;
use crate::error::{Error, Result};

static TEMP: AtomicUsize = AtomicUsize::new(0);

pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Whether there is a previous output to keep unchanged files from; a first build (or one
    /// into a deleted folder) skips looking for them.
    has_previous: bool,
    /// Counts for the summary.
    pub written: AtomicUsize,
    pub unchanged: AtomicUsize,
    /// The bytes of every file of the new output, written or kept.
    pub bytes: AtomicU64,
    /// Each file's path and the hash of its bytes, for the build cache.
    hashes: Hashes,
}

/// The hash of every file written, by path: the build cache records them to notice a file
/// edited by hand in the output.
#[derive(Default)]
struct Hashes(Mutex<HashMap<String, u64>>);

impl Hashes {
    fn add(&self, rel: &str, bytes: &[u8]) {
        self.insert(rel, xxhash_rust::xxh3::xxh3_64(bytes));
    }

    fn insert(&self, rel: &str, hash: u64) {
        self.0.lock().unwrap().insert(rel.to_string(), hash);
    }

    fn take(&self) -> HashMap<String, u64> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// Removes the folders that killed builds left beside `output` (never another live process's:
/// see [`super::folder::owner_alive`]).
fn remove_leftovers(output: &Path) {
    let parent = output.parent().unwrap_or(Path::new("/"));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        let pid = ["staging", "old", BULK]
            .iter()
            .find_map(|tag| n.strip_prefix(&format!(".{name}.{tag}-")))
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !super::folder::owner_alive(pid)) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder beside the output where an in-place update writes the bulk files before they
/// are put in place: outside the output, so that a killed build never leaves half a file in it.
const BULK: &str = "bulk";

fn sibling(output: &Path, tag: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    output.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

impl Staging {
    /// Prepares an empty staging folder next to `output`, removing ones left by killed builds
    /// (never another live process's: see [`super::folder::owner_alive`]).
    pub fn begin(output: &Path) -> Result<Staging> {
        let output = absolute(output);
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
        remove_leftovers(&output);
        let staging = sibling(&output, "staging");
        fs::create_dir_all(&staging).map_err(|e| Error::io("create", &staging, e))?;
        Ok(Staging {
            has_previous: output.is_dir(),
            output,
            staging,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            hashes: Hashes::default(),
        })
    }

    /// The hash of every file written so far, by path (taken once).
    pub fn hashes(&self) -> HashMap<String, u64> {
        self.hashes.take()
    }

    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Writes one file (`rel` uses `/`); reuses the previous output's file when identical.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let target = self.staging.join(safe(rel)?);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        self.hashes.add(rel, bytes);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let previous = self.output.join(rel);
        if self.has_previous
            && same_bytes(&previous, bytes)
            && fs::hard_link(&previous, &target).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // A new path is created exclusively, so it can never be a hard link into the previous
        // output. A path already in staging (it may be such a link, whose bytes must never
        // change in place) is written beside and renamed over.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(bytes)
                    .map_err(|e| Error::io("write", &target, e))?;
                self.written.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("write", &target, e)),
        }
        replace(&target, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the staging folder in. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`,
    /// so a reader (or a kill) sees either the old or the new site, never neither.
    pub fn commit(self) -> Result<()> {
        if self.output.exists() {
            if crate::replace::exchange(&self.staging, &self.output).is_ok() {
                let _ = fs::remove_dir_all(&self.staging);
                return Ok(());
            }
            let old = sibling(&self.output, "old");
            fs::rename(&self.output, &old).map_err(|e| Error::io("move aside", &self.output, e))?;
            fs::rename(&self.staging, &self.output)
                .map_err(|e| Error::io("move into place", &self.output, e))?;
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&self.staging, &self.output)
                .map_err(|e| Error::io("move into place", &self.output, e))?;
        }
        Ok(())
    }

    /// Throws the staging folder away; the previous output stays as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// For files to be written in parallel, in the order given: whether each is the last of its name.
/// Of two files with one name the later wins (a theme's or site's static file over a generated
/// one), as when they were written in turn; writing both at once would race.
pub fn last_of_each_name<'a>(names: impl DoubleEndedIterator<Item = &'a str>) -> Vec<bool> {
    let mut seen = std::collections::HashSet::new();
    let mut last: Vec<bool> = names.rev().map(|name| seen.insert(name)).collect();
    last.reverse();
    last
}

/// `rel` when it stays inside the output folder. Every path is built from validated ids and
/// slugs; this is the last line of defence.
fn safe(rel: &str) -> Result<&str> {
    if crate::site::urls::is_safe_output_path(rel) {
        return Ok(rel);
    }
    Err(Error::io(
        "refuse to write",
        Path::new(rel),
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path would leave the output folder",
        ),
    ))
}

/// Writes `bytes` beside `target` and renames them over it: readers see the old file or the new.
fn replace(target: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    replace_with(target, |file| file.write_all(bytes))
}

/// [`replace`], with the new file's bytes written by `write`.
fn replace_with(target: &Path, write: impl FnOnce(&mut fs::File) -> io::Result<()>) -> Result<()> {
    Staged::beside(target, write)?.rename()
}

/// A file of the output written beside its place, with the hash of its bytes.
pub struct StagedFile {
    rel: String,
    hash: u64,
    file: Staged,
}

/// A file written under a temporary name, not yet renamed over its target; removed if dropped
/// before.
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    renamed: bool,
}

impl Staged {
    fn beside(
        target: &Path,
        write: impl FnOnce(&mut fs::File) -> io::Result<()>,
    ) -> Result<Staged> {
        let n = TEMP.fetch_add(1, Ordering::Relaxed);
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let tmp = target.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
        Staged::at(tmp, target, write)
    }

    /// Written at `tmp`, to be renamed to `target` (on the same file system).
    fn at(
        tmp: PathBuf,
        target: &Path,
        write: impl FnOnce(&mut fs::File) -> io::Result<()>,
    ) -> Result<Staged> {
        let staged = Staged {
            tmp,
            target: target.to_path_buf(),
            renamed: false,
        };
        fs::File::create(&staged.tmp)
            .and_then(|mut file| write(&mut file))
            .map_err(|e| Error::io("write", target, e))?;
        Ok(staged)
    }

    fn rename(mut self) -> Result<()> {
        crate::replace::replace(&self.tmp, &self.target)
            .map_err(|e| Error::io("write", &self.target, e))?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).map(|old| old == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Updates an existing output folder file by file, for incremental builds. Each file is written
/// beside its final name and renamed over it, so no reader ever sees half a file; the build cache
/// is marked dirty around the whole update, so an interrupted one is followed by a full build.
pub struct InPlace {
    output: PathBuf,
    pub written: AtomicUsize,
    pub removed: AtomicUsize,
    hashes: Hashes,
}

impl InPlace {
    pub fn new(output: &Path) -> InPlace {
        let output = absolute(output);
        remove_leftovers(&output);
        InPlace {
            output,
            written: AtomicUsize::new(0),
            removed: AtomicUsize::new(0),
            hashes: Hashes::default(),
        }
    }

    /// The hash of every file written so far, by path (taken once).
    pub fn hashes(&self) -> HashMap<String, u64> {
        self.hashes.take()
    }

    fn target(&self, rel: &str) -> Result<PathBuf> {
        Ok(self.output.join(safe(rel)?))
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let target = self.target(rel)?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        replace(&target, bytes)?;
        self.hashes.add(rel, bytes);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes a bulk file spliced from its previous version into the folder beside the output,
    /// to be put in its place by [`InPlace::commit`]: the previous file stays until the update
    /// is sure to succeed.
    pub fn stage_splice(&self, rel: &str, splice: &Splice) -> Result<StagedFile> {
        let target = self.target(rel)?;
        let dir = sibling(&self.output, BULK);
        fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let tmp = dir.join(TEMP.fetch_add(1, Ordering::Relaxed).to_string());
        Ok(StagedFile {
            rel: rel.to_string(),
            hash: splice.hash(),
            file: Staged::at(tmp, &target, |file| splice.write_to(file))?,
        })
    }

    /// Puts a staged file in its place.
    pub fn commit(&self, staged: StagedFile) -> Result<()> {
        staged.file.rename()?;
        self.hashes.insert(&staged.rel, staged.hash);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Removes a file the site no longer has, and the folders it leaves empty, as a full build
    /// would not have created them.
    pub fn remove(&self, rel: &str) -> Result<()> {
        let target = self.target(rel)?;
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", &target, e)),
        }
        self.removed.fetch_add(1, Ordering::Relaxed);
        let mut dir = target.parent();
        while let Some(d) = dir.filter(|d| *d != self.output && d.starts_with(&self.output)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

impl Drop for InPlace {
    /// The folder the bulk files were written in, with what a failed update left in it.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(sibling(&self.output, BULK));
    }
}
