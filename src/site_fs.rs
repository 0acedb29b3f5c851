//! Reading the site's own files without following a symbolic link out of the site.
//!
//! Git stores symbolic links, so a pull request can turn `static/`, `data/redirects.yaml` or a
//! question file into a link to `~/.ssh` or `/proc/self/environ`. Every file the build, `check`,
//! `serve` or `ingest` reads from a site goes through here: each folder from the site root down
//! is checked to be a real folder, the file is opened with `O_NOFOLLOW` and must be a regular
//! file no larger than the limit given. A refused file's bytes are never read.

use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Why a site file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// This path (the file itself or a folder on the way to it) is a symbolic link.
    Symlink(PathBuf),
    /// The path is not a regular file (a folder, socket, pipe or device).
    NotAFile,
    /// The file is larger than the limit, in bytes.
    TooLarge { size: u64, limit: u64 },
    /// The file does not exist.
    Missing,
    /// The file system refused.
    Io(io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Symlink(p) => write!(
                f,
                "{} is a symbolic link, which quaestor never follows",
                p.display()
            ),
            Refusal::NotAFile => write!(f, "not a regular file"),
            Refusal::TooLarge { size, limit } => {
                write!(f, "the file is {size} bytes, over the limit of {limit}")
            }
            Refusal::Missing => write!(f, "no such file"),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Refusal {
    /// What to do about it, for a diagnostic's help line.
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::Symlink(_) => {
                "replace the link by a real file or folder inside the site (links are never followed)"
            }
            Refusal::NotAFile => "replace it by a regular file",
            Refusal::TooLarge { .. } => "split or shorten the file (docs/LIMITS.md)",
            Refusal::Missing => "create the file, or remove what refers to it",
            Refusal::Io(_) => "check the file's permissions",
        }
    }

    fn from_io(e: io::Error) -> Refusal {
        match e.kind() {
            io::ErrorKind::NotFound => Refusal::Missing,
            _ => Refusal::Io(e),
        }
    }
}

/// The first symbolic link on the way from `root` to `root/rel`, the last component included;
/// `root` itself is the user's choice and is not checked. A missing component ends the check
/// (there is nothing to follow). `rel` must be relative and must not climb out with `..`.
pub fn symlink_on_path(root: &Path, rel: &Path) -> Result<(), Refusal> {
    let mut at = root.to_path_buf();
    let mut shown = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(name) => {
                at.push(name);
                shown.push(name);
            }
            Component::CurDir => continue,
            _ => {
                return Err(Refusal::Io(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the path leaves the site folder",
                )))
            }
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(Refusal::Symlink(shown)),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Refusal::Io(e)),
        }
    }
    Ok(())
}

/// Whether `root/rel` is a real folder reached without a symbolic link. `Ok(false)` when it does
/// not exist.
pub fn is_real_dir(root: &Path, rel: &Path) -> Result<bool, Refusal> {
    symlink_on_path(root, rel)?;
    match std::fs::symlink_metadata(root.join(rel)) {
        Ok(m) => Ok(m.is_dir()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Refusal::Io(e)),
    }
}

/// Reads `root/rel`, a regular file of at most `limit` bytes reached without a symbolic link.
pub fn read(root: &Path, rel: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    symlink_on_path(root, rel)?;
    let file = open_no_follow(&root.join(rel)).map_err(|e| {
        // ELOOP: the last component became a link after the check.
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            Refusal::Symlink(rel.to_path_buf())
        } else {
            Refusal::from_io(e)
        }
    })?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    if !meta.is_file() {
        return Err(Refusal::NotAFile);
    }
    if meta.len() > limit {
        return Err(Refusal::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // A file that grows while it is read is cut at the limit and refused.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(root: &Path, rel: &Path, limit: u64) -> Result<String, Refusal> {
    let bytes = read(root, rel, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        Refusal::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "invalid UTF-8 at byte {}; save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// Opens a file for reading without following a link in its last component, and without
/// blocking on a FIFO.
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(io::Error::from)?;
    Ok(std::fs::File::from(fd))
}

/// The largest site data or configuration file read (`quaestor.toml`, `data/*.yaml`, theme
/// files other than static ones): far above any real one, low enough to bound memory.
pub const DATA_LIMIT: u64 = 16 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn reads_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/a.yaml"), "x: 1\n").unwrap();
        let text = read_to_string(dir.path(), Path::new("data/a.yaml"), 100).unwrap();
        assert_eq!(text, "x: 1\n");
    }

    #[test]
    fn refuses_a_linked_file_or_folder_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=1").unwrap();
        symlink(
            outside.path().join("secret"),
            dir.path().join("quaestor.toml"),
        )
        .unwrap();
        symlink(outside.path(), dir.path().join("data")).unwrap();
        let e = read(dir.path(), Path::new("quaestor.toml"), 100).unwrap_err();
        assert!(matches!(e, Refusal::Symlink(ref p) if p == Path::new("quaestor.toml")));
        let e = read(dir.path(), Path::new("data/secret"), 100).unwrap_err();
        assert!(matches!(e, Refusal::Symlink(ref p) if p == Path::new("data")));
        assert!(!e.to_string().contains("TOKEN"));
        assert!(is_real_dir(dir.path(), Path::new("data")).is_err());
    }

    #[test]
    fn refuses_large_files_and_non_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big"), vec![b'x'; 101]).unwrap();
        assert!(matches!(
            read(dir.path(), Path::new("big"), 100),
            Err(Refusal::TooLarge {
                size: 101,
                limit: 100
            })
        ));
        std::fs::create_dir(dir.path().join("d")).unwrap();
        assert!(matches!(
            read(dir.path(), Path::new("d"), 100),
            Err(Refusal::NotAFile)
        ));
        assert!(matches!(
            read(dir.path(), Path::new("none"), 100),
            Err(Refusal::Missing)
        ));
        assert!(read(dir.path(), Path::new("../x"), 100).is_err());
    }
}
