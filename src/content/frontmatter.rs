//! Front matter: the YAML between the opening and closing `---` lines. Every field is optional at
//! the serde level so that all missing fields of a file are reported together, with our wording.

use std::path::Path;

use super::limits;
use crate::error::Diagnostic;

pub use super::raw::RawFrontMatter;

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

/// Parses the YAML, all or nothing: the front matter, or every problem found in it.
pub fn parse(path: &Path, split: &Split<'_>) -> Result<RawFrontMatter, Vec<Diagnostic>> {
    let parsed = read(path, split)?;
    if parsed.problems.is_empty() {
        Ok(parsed.raw)
    } else {
        Err(parsed.problems)
    }
}

/// Parses the YAML and reports every unknown field and unreadable value of the file, each on
/// its line; `Err` when nothing could be read (YAML syntax, a size or shape refused). Front
/// matter over [`limits::FRONT_MATTER_BYTES`], or that serde_yaml would expand or recurse into
/// (aliases, deep flow nesting), is refused before it is parsed.
pub fn read(path: &Path, split: &Split<'_>) -> Result<Parsed, Vec<Diagnostic>> {
    if split.yaml.len() > limits::FRONT_MATTER_BYTES {
        return Err(vec![Diagnostic::new(
            path,
            format!(
                "the front matter is {} bytes; the limit is {} bytes",
                split.yaml.len(),
                limits::FRONT_MATTER_BYTES
            ),
        )
        .line(split.yaml_first_line)
        .help(
            "shorten the fields (docs/LIMITS.md lists every limit); long text belongs in the body",
        )]);
    }
    if let Some(raw) = super::canonical::read(split.yaml) {
        return Ok(raw.into());
    }
    if let Err((line, refusal)) = limits::prescan(split.yaml) {
        let line = line + split.yaml_first_line;
        let mut d = Diagnostic::new(path, refusal.message())
            .line(line)
            .help(refusal.help());
        if let Some(field) = top_level_key_at(split.yaml, line + 1 - split.yaml_first_line) {
            d = d.field(field);
        }
        return Err(vec![d]);
    }
    let first = match serde_yaml::from_str::<RawFrontMatter>(split.yaml) {
        Ok(raw) => return Ok(raw.into()),
        Err(e) => describe(path, split, e),
    };
    // serde_yaml stops at the first problem: read the fields one by one to find them all.
    match serde_yaml::from_str::<serde_yaml::Value>(split.yaml) {
        Ok(serde_yaml::Value::Mapping(map)) => {
            let parsed = super::fields::read(path, split, map);
            if parsed.problems.is_empty() {
                // The two readers disagree: serde_yaml's word stands.
                Err(vec![first])
            } else {
                Ok(parsed)
            }
        }
        _ => Err(vec![first]),
    }
}

/// serde_yaml's error, in our words, at the line and field it concerns.
fn describe(path: &Path, split: &Split<'_>, e: serde_yaml::Error) -> Diagnostic {
    let mut line = e.location().map(|l| l.line() + split.yaml_first_line - 1);
    let text = e.to_string();
    // serde_yaml appends " at line L column C"; we print our own position.
    let mut message = text.split(" at line ").next().unwrap_or(&text).to_string();
    let mut field = field_in_message(&message);
    let help;
    if message.contains("unknown field") {
        help = "remove the field or fix its spelling; the README lists every field";
    } else if let Some(name) = message
        .strip_prefix("duplicate field `")
        .and_then(|m| m.split('`').next())
    {
        // serde_yaml points at the start of the mapping; point at the second occurrence.
        let second = split
            .yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| top_level_key(l) == Some(name))
            .nth(1);
        if let Some((i, _)) = second {
            line = Some(i + split.yaml_first_line);
        }
        field = Some(name.to_string());
        help = "a field may appear only once: remove one of the two";
    } else if message.contains("expected struct RawFrontMatter") {
        message = "the front matter is not a list of `field: value` lines".into();
        help = "write one `field: value` per line between the `---` lines, as in the README";
    } else if message.contains("not a date in the form")
        || message.contains("not a day of the calendar")
    {
        help = "dates are written YYYY-MM-DD and must exist in the calendar";
    } else if message.contains("unknown variant") {
        help = "use one of the values listed";
    } else if message.contains("invalid type") || message.contains("invalid value") {
        help = "give the field a value of the type named: text in quotes, a whole number, a YYYY-MM-DD date or a list `[a, b]`";
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        help = "the value nests or repeats too deeply; write it as plain text or a flat list";
    } else {
        // A YAML syntax error. An unclosed quote is usually found lines later: point at it.
        if let Some(l) = line.and_then(|l| unclosed_quote_before(split, l)) {
            line = Some(l);
            message = format!("{message} (a quote opened on this line is never closed)");
            field = None;
        }
        help = "check the YAML on this line: close every quote, indent with spaces (never tabs), write lists as `- item` lines or `[a, b]`";
    }
    if field.is_none() {
        field = line.and_then(|l| {
            top_level_key_at(split.yaml, l + 1 - split.yaml_first_line).map(str::to_string)
        });
    }
    let mut d = Diagnostic::new(path, message).maybe_line(line).help(help);
    if let Some(field) = field {
        d = d.field(field);
    }
    d
}

/// The first line at or before file line `upto` whose value opens a double or single quote that
/// the line does not close.
fn unclosed_quote_before(split: &Split<'_>, upto: usize) -> Option<usize> {
    split
        .yaml
        .lines()
        .take((upto + 1).saturating_sub(split.yaml_first_line))
        .position(|l| {
            let value = l.split_once(": ").map(|(_, v)| v.trim()).unwrap_or("");
            (value.starts_with('"') && (value.len() == 1 || !value.ends_with('"')))
                || (value.starts_with('\'') && (value.len() == 1 || !value.ends_with('\'')))
        })
        .map(|i| i + split.yaml_first_line)
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

fn field_in_message(message: &str) -> Option<String> {
    if message.starts_with("unknown field") {
        message.split('`').nth(1).map(str::to_string)
    } else {
        // Nested errors look like "events[1].date: ..." or "date: ...".
        let head = message.split(": ").next()?;
        let head = head.split(['[', '.']).next()?;
        (!head.is_empty()
            && head.len() < message.len()
            && head.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .then(|| head.to_string())
    }
}

/// The top-level key whose block contains YAML line `line` (1-based within the YAML).
fn top_level_key_at(yaml: &str, line: usize) -> Option<&str> {
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

/// `text` for a message, cut to `max` characters.
pub(crate) fn shown(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
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

    #[test]
    fn unknown_field_names_field_and_line() {
        let s = split(Path::new("a.md"), "---\nid: x\ncolour: red\n---\n").unwrap();
        let e = &parse(Path::new("a.md"), &s).unwrap_err()[0];
        assert_eq!(e.field.as_deref(), Some("colour"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn bad_date_names_field_and_line() {
        let s = split(Path::new("a.md"), "---\nid: x\ndate: 2023-02-30\n---\n").unwrap();
        let e = &parse(Path::new("a.md"), &s).unwrap_err()[0];
        assert_eq!(e.field.as_deref(), Some("date"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn every_problem_of_the_front_matter_is_reported() {
        let text = "---\nid: x\nauteur: A\ndate: 26/01/2023\nnumber: ten\nstatus: anwsered\nevents:\n  - {date: 2023-01-26, type: sent}\n  - {date: 2023-1-30, type: reply}\n---\n";
        let s = split(Path::new("a.md"), text).unwrap();
        let e = parse(Path::new("a.md"), &s).unwrap_err();
        let got: Vec<_> = e
            .iter()
            .map(|d| (d.line.unwrap(), d.field.clone().unwrap(), d.message.clone()))
            .collect();
        let want = [
            (3, "auteur", "unknown field; did you mean `author`?"),
            (4, "date", "`26/01/2023` is not a date in the form YYYY-MM-DD (e.g. 2023-01-26)"),
            (5, "number", "`ten` is not a whole number"),
            (6, "status", "`anwsered` is not one of the values allowed; did you mean `answered`?"),
            (9, "events", "item 2: `date`: `2023-1-30` is not a date in the form YYYY-MM-DD (e.g. 2023-01-26)"),
            (9, "events", "item 2: `type`: `reply` is not one of the values allowed"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(l, f, m)| (*l, f.to_string(), m.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
