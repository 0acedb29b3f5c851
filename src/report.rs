//! Printing diagnostics for people: each problem with its file, line, field and the source line
//! itself (via codespan-reporting), in colour on a terminal.
//!
//! What is printed is bounded and inert: a source line is quoted only from a regular file inside
//! the site reached without a symbolic link (never from a file that was refused), at most
//! [`QUOTE_CHARS`] characters of it, and every control character that could move the cursor,
//! retitle the terminal or reorder text is shown as an escape instead.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{
    self,
    termcolor::{BufferedStandardStream, ColorChoice},
};

use crate::error::{terminal_safe, Diagnostic};

/// The most characters of a source line a diagnostic quotes.
pub const QUOTE_CHARS: usize = 160;

/// The largest file a diagnostic reads to quote a line from (content files are smaller).
const QUOTE_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// One quoted source line, as codespan-reporting's file database: the line alone, shown under its
/// real line number, so no copy of the whole file is kept per diagnostic.
struct QuotedLine {
    name: String,
    text: String,
    /// 0-based.
    line_index: usize,
}

impl<'a> Files<'a> for QuotedLine {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_index)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        if line_index == self.line_index {
            Ok(0..self.text.len())
        } else {
            Err(FilesError::LineTooLarge {
                given: line_index,
                max: self.line_index,
            })
        }
    }
}

/// The file last read for quoting, with where its lines start: diagnostics come sorted by file,
/// so thousands of problems in one file read it once.
#[derive(Default)]
struct Quoter {
    path: Option<PathBuf>,
    text: Option<String>,
    line_starts: Vec<usize>,
}

impl Quoter {
    /// Line `line` (1-based) of `root/rel`, cut and made terminal-safe; `None` when the file may
    /// not be quoted or has no such line.
    fn line(&mut self, root: &Path, rel: &Path, line: usize) -> Option<String> {
        if self.path.as_deref() != Some(rel) {
            self.path = Some(rel.to_path_buf());
            // Only paths inside the site: a diagnostic about `--base-url` or `(theme)` has none.
            self.text = (!rel.is_absolute())
                .then(|| crate::site_fs::read(root, rel, QUOTE_FILE_LIMIT).ok())
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            self.line_starts = match &self.text {
                Some(t) => std::iter::once(0)
                    .chain(memchr::memchr_iter(b'\n', t.as_bytes()).map(|i| i + 1))
                    .collect(),
                None => Vec::new(),
            };
        }
        let text = self.text.as_deref()?;
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let rest = &text[start..];
        let raw = rest.split('\n').next().unwrap_or("");
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let mut cut: String = raw.chars().take(QUOTE_CHARS).collect();
        if cut.len() < raw.len() {
            cut.push('…');
        }
        Some(terminal_safe(&cut).into_owned())
    }
}

/// Writes every diagnostic to stderr. `root` is where relative paths in diagnostics live.
pub fn print(root: &Path, diagnostics: &[Diagnostic], color: bool) {
    // Buffered: a diagnostic is dozens of small writes, and 20,000 broken links made 2.5 million
    // unbuffered write calls (7 s of system time).
    let mut out = BufferedStandardStream::stderr(if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    });
    write(&mut out, root, diagnostics);
    let _ = std::io::Write::flush(&mut out);
}

/// Writes every diagnostic to `out` (a terminal, or a buffer in tests).
pub fn write(
    out: &mut dyn codespan_reporting::term::termcolor::WriteColor,
    root: &Path,
    diagnostics: &[Diagnostic],
) {
    let config = term::Config::default();
    let mut quoter = Quoter::default();
    // Every file is named, but no file floods the log: after its first problems, a count.
    let mut shown: std::collections::HashMap<&Path, usize> = Default::default();
    let mut left_out: std::collections::BTreeMap<&Path, usize> = Default::default();
    for d in diagnostics {
        let count = shown.entry(d.path.as_path()).or_default();
        if *count >= PER_FILE {
            *left_out.entry(d.path.as_path()).or_default() += 1;
            continue;
        }
        *count += 1;
        let mut message = cut(&terminal_safe(&d.message), MESSAGE_CHARS);
        if let Some(field) = &d.field {
            message = format!("field `{}`: {message}", terminal_safe(field));
        }
        let shown_path = terminal_safe(&d.path.to_string_lossy()).into_owned();
        let mut report = Report::error().with_message(message);
        let quoted = d
            .line
            .filter(|&l| l >= 1)
            .and_then(|l| Some((l, quoter.line(root, &d.path, l)?)));
        let file = match quoted {
            Some((line, text)) => {
                let len = text.len();
                report = report.with_labels(vec![Label::primary((), 0..len)]);
                QuotedLine {
                    name: shown_path,
                    text,
                    line_index: line - 1,
                }
            }
            None => {
                let location = match d.line {
                    Some(l) => format!("{shown_path}:{l}"),
                    None => shown_path.clone(),
                };
                report = report.with_notes(vec![format!("in {location}")]);
                QuotedLine {
                    name: shown_path,
                    text: String::new(),
                    line_index: 0,
                }
            }
        };
        if let Some(help) = &d.help {
            // `with_notes` appends to the notes already there.
            report = report.with_notes(vec![format!("help: {}", terminal_safe(help))]);
        }
        if term::emit(out, &config, &file, &report).is_err() {
            let _ = writeln!(out, "{}", terminal_safe(&d.to_string()));
        }
    }
    for (path, n) in left_out {
        let note = Report::<()>::error()
            .with_message(format!(
                "{n} more problem(s) in {} not shown",
                terminal_safe(&path.to_string_lossy())
            ))
            .with_notes(vec![
                "help: fix those above and run again to see the rest".to_string()
            ]);
        let none = QuotedLine {
            name: String::new(),
            text: String::new(),
            line_index: 0,
        };
        let _ = term::emit(out, &config, &none, &note);
    }
}

/// The most problems printed for one file; the rest are counted. One more than the loader keeps
/// of a file's own problems, so that its line counting the rest is printed too.
pub const PER_FILE: usize = crate::content::limits::PROBLEMS_PER_FILE + 1;

/// The most characters of a message printed: messages of the YAML parser can quote a value.
const MESSAGE_CHARS: usize = 500;

/// `text` cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::NoColor;

    fn printed(root: &Path, d: &[Diagnostic]) -> String {
        let mut out = NoColor::new(Vec::new());
        write(&mut out, root, d);
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn quotes_the_line_under_its_number() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "one\ntwo\nthree\n").unwrap();
        let text = printed(
            dir.path(),
            &[Diagnostic::new("a.md", "bad").line(2).field("title")],
        );
        assert!(text.contains("field `title`: bad"), "{text}");
        assert!(text.contains("a.md:2:1"), "{text}");
        assert!(text.contains("2 │ two"), "{text}");
        assert!(!text.contains("three"), "{text}");
    }

    #[test]
    fn never_quotes_a_linked_file_and_escapes_controls() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("env"), "GITHUB_TOKEN=secret\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("env"), dir.path().join("q.md")).unwrap();
        let text = printed(
            dir.path(),
            &[Diagnostic::new("q.md", "id \u{1b}]0;pwned\u{7} is wrong").line(1)],
        );
        assert!(!text.contains("secret"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(text.contains("\\u{1b}]0;pwned\\u{7}"), "{text}");
    }

    #[test]
    fn says_where_and_what_to_do_once() {
        let dir = tempfile::tempdir().unwrap();
        let text = printed(
            dir.path(),
            &[Diagnostic::new("data/x.yaml", "bad").help("fix it")],
        );
        assert_eq!(text.matches("in data/x.yaml").count(), 1, "{text}");
        assert_eq!(text.matches("help: fix it").count(), 1, "{text}");
    }

    #[test]
    fn names_every_file_but_counts_a_flood() {
        let dir = tempfile::tempdir().unwrap();
        let mut d: Vec<Diagnostic> = (1..=26)
            .map(|i| Diagnostic::new("a.md", format!("broken link {i}")).line(i))
            .collect();
        d.push(Diagnostic::new("b.md", "x".repeat(100_000)));
        let text = printed(dir.path(), &d);
        assert!(
            text.contains("broken link 21") && !text.contains("broken link 22"),
            "{text}"
        );
        assert!(
            text.contains("5 more problem(s) in a.md not shown"),
            "{text}"
        );
        assert!(
            text.contains("b.md") && text.len() < 20_000,
            "{}",
            text.len()
        );
    }

    #[test]
    fn cuts_long_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "x".repeat(100_000)).unwrap();
        let text = printed(dir.path(), &[Diagnostic::new("a.md", "long").line(1)]);
        assert!(text.len() < 1_000, "{}", text.len());
        assert!(text.contains('…'));
    }
}
