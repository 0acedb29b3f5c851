//! Writing content files: atomic, idempotent, and never silently over a hand edit.
//!
//! The generated files carry nothing that changes between runs, so "unchanged" is a plain
//! byte comparison. To tell our own old output from a person's edit we keep a sidecar
//! manifest (`.ingest-manifest.json`) with the SHA-256 of the bytes we last wrote per file.
//!
//! Nothing under the content folder is read or written through a symbolic link (a link in git
//! could otherwise send writes, or the hand-edit guard's reads, out of the site): existing files
//! are read with [`site_fs::read`], folders are created one at a time and checked to be real.

use crate::site_fs::{self, Refusal};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Name of the manifest in the content directory.
pub const MANIFEST: &str = ".ingest-manifest.json";

/// A content-store failure (I/O on a named path, or an unreadable manifest).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{} is a symbolic link, which ingest never reads or writes through; replace it by a \
         real folder or file inside the content folder",
        link.display()
    )]
    Symlink { link: PathBuf },
    #[error("{}: not a regular file; move it away", path.display())]
    NotAFile { path: PathBuf },
    #[error("{path}: the ingest manifest is not valid JSON ({source}); fix or delete it")]
    Manifest {
        path: PathBuf,
        source: serde_json::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Largest existing content file the hand-edit guard compares (ours are far smaller; a larger
/// one cannot be ours and counts as a hand edit).
const EXISTING_LIMIT: u64 = 4 * super::model::MAX_PAGE_BYTES;

/// A refusal to read `root/rel`, as a store error; `None` when the file is missing.
fn refused(root: &Path, rel: &str, r: Refusal) -> Option<WriteError> {
    Some(match r {
        Refusal::Missing => return None,
        Refusal::Symlink(link) => WriteError::Symlink {
            link: root.join(link),
        },
        Refusal::NotAFile => WriteError::NotAFile {
            path: root.join(rel),
        },
        Refusal::TooLarge { size, limit } => WriteError::Io {
            path: root.join(rel),
            source: io::Error::other(format!("{size} bytes, over the limit of {limit}")),
        },
        Refusal::Io(source) => WriteError::Io {
            path: root.join(rel),
            source,
        },
    })
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Differs from what we last wrote: left alone (needs `--force`).
    HandEdited,
    /// Was hand-edited and overwritten because of `--force`.
    Overwritten,
}

/// The content directory with its manifest.
pub struct ContentStore {
    root: PathBuf,
    manifest: BTreeMap<String, String>,
    dirty: bool,
    dry_run: bool,
    force: bool,
}

impl ContentStore {
    /// Opens `root` (which may not exist yet) and reads its manifest.
    pub fn open(root: &Path, dry_run: bool, force: bool) -> Result<Self, WriteError> {
        if !dry_run {
            sweep_temp_files(root);
        }
        let path = root.join(MANIFEST);
        let manifest = match site_fs::read(root, Path::new(MANIFEST), site_fs::DATA_LIMIT) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| WriteError::Manifest {
                path: path.clone(),
                source,
            })?,
            Err(r) => match refused(root, MANIFEST, r) {
                None => BTreeMap::new(),
                Some(e) => return Err(e),
            },
        };
        Ok(ContentStore {
            root: root.to_path_buf(),
            manifest,
            dirty: false,
            dry_run,
            force,
        })
    }

    /// Full path of a content-relative path (`questions/7/7-1870.nl.md`).
    pub fn path_of(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Puts `bytes` at `rel` unless that would lose a hand edit.
    pub fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<Outcome, WriteError> {
        let new_hash = crate::sha256::hex(bytes);
        let existing = match site_fs::read(&self.root, Path::new(rel), EXISTING_LIMIT) {
            Ok(old) => Some(Some(old)),
            // Too large to be ours: a hand edit.
            Err(Refusal::TooLarge { .. }) => Some(None),
            Err(r) => match refused(&self.root, rel, r) {
                None => None,
                Some(e) => return Err(e),
            },
        };
        let outcome = match existing {
            None => Outcome::Created,
            Some(Some(old)) if old == bytes => Outcome::Unchanged,
            Some(old) => {
                let ours = old.is_some_and(|old| {
                    self.manifest
                        .get(rel)
                        .is_some_and(|h| *h == crate::sha256::hex(&old))
                });
                match (ours, self.force) {
                    (true, _) => Outcome::Updated,
                    (false, true) => Outcome::Overwritten,
                    (false, false) => return Ok(Outcome::HandEdited),
                }
            }
        };
        if outcome != Outcome::Unchanged && !self.dry_run {
            write_in_site(&self.root, rel, bytes)?;
        }
        if self.manifest.get(rel) != Some(&new_hash) {
            self.manifest.insert(rel.to_string(), new_hash);
            self.dirty = true;
        }
        Ok(outcome)
    }

    /// Saves the manifest if it changed (and this is not a dry run).
    pub fn finish(self) -> Result<(), WriteError> {
        if !self.dirty || self.dry_run {
            return Ok(());
        }
        let mut json = serde_json::to_string_pretty(&self.manifest).expect("map of strings");
        json.push('\n');
        write_in_site(&self.root, MANIFEST, json.as_bytes())
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether `name` is one of [`atomic_write`]'s temp files (`.<name>.tmp-<pid>-<n>`), and its pid.
pub fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(".tmp-")?;
    let (pid, n) = tail.split_once('-')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Removes temp files left by an ingest that was killed before its rename: they are hidden
/// (the build skips dot files) and never carry a content file's final name. Temp files of an
/// ingest still running (its pid alive, on Linux) are left alone.
pub fn sweep_temp_files(root: &Path) {
    for entry in walkdir::WalkDir::new(root)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        let Some(pid) = temp_file_pid(&name) else {
            continue;
        };
        let alive = pid == std::process::id()
            || (cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists());
        if entry.file_type().is_file() && !alive {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// [`atomic_write`] of `root/rel`, where no folder or file on the way from `root` may be a
/// symbolic link: missing folders are made one at a time, and the temp file is made in (and
/// renamed within) a real folder inside the site. `root` itself is the user's choice.
pub fn write_in_site(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
    let link = |r: Refusal| {
        refused(root, rel, r).unwrap_or_else(|| io_err(root)(io::ErrorKind::NotFound.into()))
    };
    site_fs::symlink_on_path(root, Path::new(rel)).map_err(link)?;
    fs::create_dir_all(root).map_err(io_err(root))?;
    let parent = Path::new(rel).parent().unwrap_or(Path::new(""));
    let mut at = PathBuf::new();
    for c in parent.components() {
        at.push(c);
        let dir = root.join(&at);
        match fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_err(&dir)(e)),
        }
        if !site_fs::is_real_dir(root, &at).map_err(link)? {
            return Err(WriteError::Io {
                path: dir,
                source: io::Error::other("exists and is not a folder"),
            });
        }
    }
    atomic_write(&root.join(rel), bytes)?;
    Ok(())
}

/// Writes via a temp file in the same directory and a rename, so readers (and a crash)
/// see either the old file or the new one, never half of one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(path)(e));
    }
    Ok(())
}
