//! Line iteration for content files, on the `memchr` crate's vectorised search: every file is
//! walked line by line twice per build, and `str::split_inclusive` searches a word at a time.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// The lines of `text`, each with its `\n` (the last one may lack it), like
/// `text.split_inclusive('\n')`.
pub fn inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |i| i + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// The largest file [`find_in_file`] reads: as large as a content file may be (`limits` checks
/// at compile time that it is no smaller).
pub const SEARCH_BYTES: u64 = 16 * 1024 * 1024;

/// The 1-based line where `needle` (a link target, an old address) is written in the site file
/// `rel`, for a diagnostic. A file with thousands of broken links gets thousands of calls, one
/// after another on one thread: each thread keeps the file it read last (checked against its
/// size and modification time), and each search resumes after the previous hit, wrapping round,
/// since links come in the order they are written. A needle that is not written literally (a
/// relative link) costs a scan of the whole file; once a file has been scanned 64 times over,
/// the rest of its diagnostics go without a line rather than costing more.
pub fn find_in_file(root: &Path, rel: &Path, needle: &str) -> Option<usize> {
    struct Last {
        path: PathBuf,
        stamp: (u64, Option<std::time::SystemTime>),
        text: Vec<u8>,
        line_starts: Vec<usize>,
        cursor: usize,
        scanned: usize,
    }
    thread_local! {
        static LAST: RefCell<Option<Last>> = const { RefCell::new(None) };
    }
    if needle.is_empty() {
        return None;
    }
    let meta = std::fs::symlink_metadata(root.join(rel)).ok()?;
    let stamp = (meta.len(), meta.modified().ok());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if !matches!(&*last, Some(l) if l.path == rel && l.stamp == stamp) {
            *last = None;
            let text = crate::site_fs::read(root, rel, SEARCH_BYTES).ok()?;
            let line_starts = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', &text).map(|i| i + 1))
                .collect();
            *last = Some(Last {
                path: rel.to_path_buf(),
                stamp,
                text,
                line_starts,
                cursor: 0,
                scanned: 0,
            });
        }
        let l = last.as_mut()?;
        if l.scanned > 64 * l.text.len().max(1024) {
            return None;
        }
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let cursor = l.cursor.min(l.text.len());
        let at = match finder.find(&l.text[cursor..]) {
            Some(i) => {
                l.scanned += i + needle.len();
                Some(cursor + i)
            }
            None => {
                l.scanned += l.text.len();
                let end = (cursor + needle.len()).min(l.text.len());
                finder.find(&l.text[..end])
            }
        }?;
        l.cursor = at + needle.len();
        Some(l.line_starts.partition_point(|&s| s <= at))
    })
}

/// `text` for a message, cut to `max` characters.
pub(crate) fn shown(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_each_needle_in_order_and_sees_edits() {
        let dir = tempfile::tempdir().unwrap();
        let rel = std::path::Path::new("a.md");
        std::fs::write(dir.path().join(rel), "x\n/a /b\n\n/a\n").unwrap();
        let find = |n| super::find_in_file(dir.path(), rel, n);
        assert_eq!(find("/a"), Some(2));
        assert_eq!(find("/b"), Some(2));
        assert_eq!(find("/a"), Some(4));
        assert_eq!(find("/a"), Some(2));
        assert_eq!(find("/zz"), None);
        std::fs::write(dir.path().join(rel), "/zz and more\n").unwrap();
        assert_eq!(find("/zz"), Some(1));
    }

    #[test]
    fn same_lines_as_split_inclusive() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\n\nb\n",
            "é\r\nü\n\n",
            "\n\nx",
        ] {
            let ours: Vec<&str> = super::inclusive(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
