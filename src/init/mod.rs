//! `quaestor init`: writes a starter site (configuration, one example question in each language,
//! a ministries table, `.gitignore`, and GitHub Pages and Netlify set-ups that install a released
//! binary). It never replaces a file: if any starter file already exists, nothing is written.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the release archives are published; the install script downloads from here, or builds
/// from this repository's tag. `repository` in Cargo.toml; a binary built without one writes an
/// install script that asks for `QUAESTOR_REPO` instead of guessing an address.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The starter files, by path inside the new site.
pub const FILES: &[(&str, &str)] = &[
    ("quaestor.toml", include_str!("files/quaestor.toml")),
    (
        "content/questions/8/8-1.nl.md",
        include_str!("files/content/questions/8/8-1.nl.md"),
    ),
    (
        "content/questions/8/8-1.fr.md",
        include_str!("files/content/questions/8/8-1.fr.md"),
    ),
    (
        "data/ministries.yaml",
        include_str!("files/data/ministries.yaml"),
    ),
    (".gitignore", include_str!("files/.gitignore")),
    (
        ".github/install-quaestor.sh",
        include_str!("files/.github/install-quaestor.sh"),
    ),
    (
        ".github/workflows/pages.yml",
        include_str!("files/.github/workflows/pages.yml"),
    ),
    ("netlify.toml", include_str!("files/netlify.toml")),
];

/// Why `init` wrote nothing, or stopped.
#[derive(Debug)]
pub enum InitError {
    /// These starter files (relative to the site folder) already exist; nothing was written.
    Exists(Vec<PathBuf>),
    /// A folder on the way is a symbolic link; nothing was written through it.
    Symlink(PathBuf),
    /// A file or folder could not be created; the files listed before it were written.
    Io {
        path: PathBuf,
        written: Vec<PathBuf>,
        error: std::io::Error,
    },
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Exists(paths) => {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "{} already exist(s): {}; nothing was written (move them away, or init another folder)",
                    list.len(),
                    list.join(", ")
                )
            }
            InitError::Symlink(p) => write!(
                f,
                "{} is a symbolic link; nothing was written (init a folder without links on the way)",
                p.display()
            ),
            InitError::Io {
                path,
                written,
                error,
            } => write!(
                f,
                "cannot create {}: {error} ({} starter file(s) were written before it)",
                path.display(),
                written.len()
            ),
        }
    }
}

impl std::error::Error for InitError {}

/// The text written for a starter file: the install script carries this binary's version and
/// its repository.
fn contents(text: &str) -> String {
    text.replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
        .replace("{{REPOSITORY}}", REPOSITORY)
}

/// Writes the starter site into `dir` (created when missing) and returns the files written,
/// relative to `dir`. Checks every file first, so a refusal writes nothing; each file is then
/// created with `create_new`, so one that appears meanwhile is not replaced either.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let mut existing = Vec::new();
    for (rel, _) in FILES {
        let rel = Path::new(rel);
        if let Err(crate::site_fs::Refusal::Symlink(p)) = crate::site_fs::symlink_on_path(dir, rel)
        {
            // A link as the file itself is an existing file, listed below.
            if p != rel {
                return Err(InitError::Symlink(p));
            }
        }
        // A file where a starter folder goes (say `content`) blocks it as surely as the file.
        let blocker = rel
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
            .find(|a| std::fs::symlink_metadata(dir.join(a)).is_ok_and(|m| !m.is_dir()));
        let taken = blocker.unwrap_or(rel);
        if std::fs::symlink_metadata(dir.join(taken)).is_ok()
            && !existing.iter().any(|e| e == taken)
        {
            existing.push(taken.to_path_buf());
        }
    }
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?
                    .write_all(contents(text).as_bytes())
            });
        if let Err(error) = result {
            return Err(InitError::Io {
                path,
                written,
                error,
            });
        }
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}
