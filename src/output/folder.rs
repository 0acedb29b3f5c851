//! The output folder is the tool's own: a build replaces everything in it, so it refuses a folder
//! that holds the site or someone's files, and only one build writes a given folder at a time.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

/// The file every output folder a build makes holds: what tells it from someone's own folder.
pub const MARKER: &str = ".quaestor-output";
/// The marker's bytes: fixed, so that two builds of one site are identical.
pub const MARKER_BYTES: &[u8] =
    b"This folder is made by quaestor build: every build replaces all of it.\n";

/// Site folders an output may never be, hold or lie in, even with `--force-output`.
const SITE_FOLDERS: [&str; 7] = [
    "content",
    "data",
    "themes",
    "templates",
    "static",
    ".git",
    crate::cache::DIR,
];

/// Held for a whole build: an advisory lock on a file beside the output (the output itself is
/// swapped whole, so a lock inside it would be swapped away).
pub struct Lock {
    _file: fs::File,
}

/// Checks that `output` may be replaced by a build of `root`, and locks it for this build.
/// `recorded` says whether the build cache recorded a marker-less folder as this site's output
/// (one made by a version before the marker).
pub fn claim(
    root: &Path,
    output: &Path,
    force: bool,
    recorded: impl FnOnce() -> bool,
) -> Result<Lock> {
    let out = resolved(output);
    if let Some(why) = forbidden(root, &out) {
        return Err(refusal(
            output,
            format!("the output folder {} {why}", output.display()),
            "give another folder with --output (--force-output does not lift this)",
        ));
    }
    match fs::symlink_metadata(output) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refusal(
                output,
                format!("the output folder {} is a symbolic link", output.display()),
                "give the folder it points to, or another folder, with --output",
            ))
        }
        Ok(m) if !m.is_dir() => {
            return Err(refusal(
                output,
                format!("the output {} is a file, not a folder", output.display()),
                "give a folder with --output",
            ))
        }
        _ => {}
    }
    let lock = lock(output)?;
    if !force && !is_own(output) && !recorded() {
        return Err(refusal(
            output,
            format!(
                "the output folder {} holds files quaestor did not make (it has no {MARKER}), \
                 and a build replaces everything in it",
                output.display()
            ),
            "give an empty or new folder with --output, or pass --force-output to replace \
             this folder and everything in it",
        ));
    }
    Ok(lock)
}

/// Whether `output` is missing, empty, or holds the marker.
fn is_own(output: &Path) -> bool {
    let Ok(mut entries) = fs::read_dir(output) else {
        return !output.exists();
    };
    entries.next().is_none() || fs::symlink_metadata(output.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn refusal(output: &Path, message: String, help: &str) -> Error {
    Error::Invalid(vec![Diagnostic::new(output, message).help(help)])
}

/// Why `out` (resolved) may never be an output of the site at `root`, if it may not.
fn forbidden(root: &Path, out: &Path) -> Option<String> {
    let root = resolved(root);
    if out == root {
        return Some("is the site folder itself".into());
    }
    if root.starts_with(out) {
        return Some("holds the site folder".into());
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = resolved(Path::new(&home));
        if home.starts_with(out) {
            return Some("is or holds the home folder".into());
        }
    }
    for name in SITE_FOLDERS {
        // The folder where it is and, when it is a link, where it leads.
        for folder in [root.join(name), resolved(&root.join(name))] {
            if out == folder {
                return Some(format!("is the site's {name} folder"));
            }
            if out.starts_with(&folder) {
                return Some(format!("is inside the site's {name} folder"));
            }
            if folder.starts_with(out) {
                return Some(format!("holds the site's {name} folder"));
            }
        }
    }
    None
}

/// `path` made absolute with every link resolved: its nearest existing ancestor canonicalised,
/// the rest (folders a build would create) joined on, `..` taken lexically.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut base = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = base.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return abs,
        }
    }
}

/// The lock file beside `output`: `.<name>.lock`. It stays after the build: removing a lock file
/// another process has opened would let two builds lock different files.
pub fn lock_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    output.with_file_name(format!(".{name}.lock"))
}

/// How long a build waits for another build's lock before it reports the output busy, and how
/// often it looks again meanwhile.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(1000);
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(20);

fn lock(output: &Path) -> Result<Lock> {
    let path = lock_path(&std::path::absolute(output).unwrap_or_else(|_| output.into()));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io("open", &path, e))?;
    // A lock can outlive its build by an instant: a process that builds in-process and starts
    // a child shares the lock with that child until the child runs its program. So a build
    // waits a moment before it calls the output busy.
    let mut waited = std::time::Duration::ZERO;
    let mut attempt = file.try_lock();
    while matches!(attempt, Err(fs::TryLockError::WouldBlock)) && waited < LOCK_PATIENCE {
        std::thread::sleep(LOCK_POLL);
        waited += LOCK_POLL;
        attempt = file.try_lock();
    }
    match attempt {
        Ok(()) => Ok(Lock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(refusal(
            output,
            format!(
                "another quaestor build is writing {}; wait for it to finish",
                output.display()
            ),
            "run one build of an output folder at a time",
        )),
        Err(fs::TryLockError::Error(e)) => Err(Error::io("lock", &path, e)),
    }
}

/// Whether the process that named a staging or old folder `pid` may still be running. Only
/// called with the output's lock held, so no other build of it is running; this guards against
/// a build by a version that took no lock.
pub fn owner_alive(pid: u32) -> bool {
    pid != std::process::id()
        && cfg!(target_os = "linux")
        && Path::new(&format!("/proc/{pid}")).exists()
}
