//! A question file's front matter located: split from the body, with the line of each top-level
//! field and the control-character check, shared by the YAML reader (`frontmatter`) and the
//! field-by-field reporter (`fields`), which both need them.

use std::path::Path;

use super::raw::RawFrontMatter;
use crate::error::Diagnostic;

/// Front matter as read: what could be read, every problem found, and the fields that were
/// written but refused (so that validation does not also call them missing).
#[derive(Debug, Default)]
pub struct Parsed {
    pub raw: RawFrontMatter,
    pub problems: Vec<Diagnostic>,
    pub refused: Vec<&'static str>,
}

impl From<RawFrontMatter> for Parsed {
    fn from(raw: RawFrontMatter) -> Self {
        Parsed {
            raw,
            ..Parsed::default()
        }
    }
}

/// A file split into its parts, with the line numbers needed for messages.
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_first_line: usize,
}

/// Separates front matter from body. `text` must already be LF-only.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let rest = text.strip_prefix("---\n").ok_or_else(|| {
        Diagnostic::new(path, "the file does not start with front matter")
            .line(1)
            .help("the first line must be `---`, followed by the YAML fields and a closing `---`")
    })?;
    let mut offset = 0;
    for (i, line) in super::lines::inclusive(rest).enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &rest[..offset],
                yaml_first_line: 2,
                body: &rest[offset + line.len()..],
                body_first_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(path, "the front matter is never closed")
        .line(1)
        .help("add a line `---` after the last field"))
}

/// Refuses control characters (other than tab and line ends) anywhere in a file: they are
/// invisible in an editor and mean the file is binary or damaged. Names the line and, in the
/// front matter, the field.
pub fn check_controls(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let Some(at) = first_control(text.as_bytes()) else {
        return Ok(());
    };
    let c = text[at..].chars().next().unwrap_or('\0');
    let line = text[..at].matches('\n').count() + 1;
    let mut d = Diagnostic::new(
        path,
        format!("control character U+{:04X} on this line", c as u32),
    )
    .line(line)
    .help("remove it: question files are plain UTF-8 text");
    if let Ok(s) = split(path, text) {
        if line >= s.yaml_first_line && line < s.body_first_line - 1 {
            if let Some(field) = top_level_key_at(s.yaml, line + 1 - s.yaml_first_line) {
                d = d.field(field);
            }
        }
    }
    Err(d)
}

/// The byte offset of the first control character (Unicode category Cc: U+0000–U+001F, U+007F,
/// U+0080–U+009F) other than tab and line ends. Scans bytes, not chars: it runs on every file.
pub(crate) fn first_control(bytes: &[u8]) -> Option<usize> {
    // Chunks are tested without an early exit, which the compiler vectorises; only a chunk
    // with a suspect byte is searched exactly.
    const CHUNK: usize = 64;
    let suspect =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2;
    for (c, chunk) in bytes.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(false, |any, &b| any | suspect(b)) {
            continue;
        }
        let start = c * CHUNK;
        for i in start..start + chunk.len() {
            let hit = match bytes[i] {
                b'\t' | b'\n' | b'\r' => false,
                0..=0x1f | 0x7f => true,
                // U+0080–U+009F are encoded as C2 80 … C2 9F.
                0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
                _ => false,
            };
            if hit {
                return Some(i);
            }
        }
    }
    None
}

/// The top-level key whose block contains YAML line `line` (1-based within the YAML).
pub(crate) fn top_level_key_at(yaml: &str, line: usize) -> Option<&str> {
    yaml.lines().take(line).filter_map(top_level_key).last()
}

/// The key of a `key: value` line at the top level. Letters beyond ASCII and `-` are taken too,
/// so that an unknown field such as `mots-clés` can be found.
pub(crate) fn top_level_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(':')?;
    (!key.is_empty()
        && !key.starts_with('-')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    .then_some(key)
}

/// Where each top-level field is, found when the first message needs it and kept: a file with
/// thousands of problems must not scan its YAML once per problem.
pub struct FieldLines<'a> {
    yaml: &'a str,
    first_line: usize,
    keys: std::cell::OnceCell<std::collections::HashMap<&'a str, usize>>,
}

impl FieldLines<'_> {
    /// The 1-based file line of `field` (its last occurrence).
    pub fn get(&self, field: &str) -> Option<usize> {
        let keys = self.keys.get_or_init(|| {
            super::lines::inclusive(self.yaml)
                .enumerate()
                .filter_map(|(i, l)| top_level_key(l).map(|k| (k, i + self.first_line)))
                .collect()
        });
        keys.get(field).copied()
    }
}

/// The lines of the top-level fields of `split`.
pub fn field_lines<'a>(split: &Split<'a>) -> FieldLines<'a> {
    FieldLines {
        yaml: split.yaml,
        first_line: split.yaml_first_line,
        keys: std::cell::OnceCell::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_exactly_the_control_characters() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let text = format!("a§é{c}b");
            let expected = (c.is_control() && !matches!(c, '\t' | '\n' | '\r')).then_some(5);
            assert_eq!(
                first_control(text.as_bytes()),
                expected,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn split_reports_lines() {
        let s = split(Path::new("a.md"), "---\nid: x\n---\n## Vraag\n").unwrap();
        assert_eq!(s.yaml, "id: x\n");
        assert_eq!(s.body, "## Vraag\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "---\nid: x\n").err().unwrap();
        assert!(e.message.contains("never closed"));
    }
}
