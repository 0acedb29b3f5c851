//! Front matter: the YAML between the opening and closing `---` lines. Every field is optional at
//! the serde level so that all missing fields of a file are reported together, with our wording.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{AddresseeKind, Event, Link, Status};
use crate::error::Diagnostic;

/// The front matter as written; `deny_unknown_fields` turns typos into errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub id: Option<String>,
    pub assembly: Option<String>,
    pub legislature: Option<u32>,
    pub number: Option<u64>,
    pub lang: Option<String>,
    pub original_lang: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub party: Option<String>,
    pub addressee: Option<String>,
    pub addressee_kind: Option<AddresseeKind>,
    pub keywords: Option<Vec<String>>,
    pub date: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub answered: Option<NaiveDate>,
    pub status: Option<Status>,
    pub events: Option<Vec<Event>>,
    pub links: Option<Vec<Link>>,
    pub source: Option<String>,
    pub aliases: Option<Vec<String>>,
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
    for (i, line) in rest.split_inclusive('\n').enumerate() {
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

/// Parses the YAML. serde_yaml stops at the first type error, so a file yields one such message.
pub fn parse(path: &Path, split: &Split<'_>) -> Result<RawFrontMatter, Diagnostic> {
    serde_yaml::from_str::<RawFrontMatter>(split.yaml).map_err(|e| {
        let line = e.location().map(|l| l.line() + split.yaml_first_line - 1);
        let text = e.to_string();
        // serde_yaml appends " at line L column C"; we print our own position.
        let message = text.split(" at line ").next().unwrap_or(&text).to_string();
        let mut d = Diagnostic::new(path, message.clone()).maybe_line(line);
        let field = field_in_message(&message).or_else(|| {
            line.and_then(|l| {
                top_level_key_at(split.yaml, l + 1 - split.yaml_first_line).map(str::to_string)
            })
        });
        if let Some(field) = field {
            d = d.field(field);
        }
        if message.starts_with("unknown field") {
            d = d.help("remove the field or fix its spelling; the README lists every field");
        } else if message.contains("input contains invalid characters")
            || message.contains("premature end of input")
            || message.contains("input is out of range")
        {
            d = d.help("dates are written YYYY-MM-DD and must exist in the calendar");
        } else if message.starts_with("unknown variant") {
            d = d.help("use one of the values listed");
        }
        d
    })
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

fn top_level_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(key)
}

/// Map from top-level field name to its 1-based line in the file.
pub fn field_lines(split: &Split<'_>) -> HashMap<String, usize> {
    split
        .yaml
        .lines()
        .enumerate()
        .filter_map(|(i, l)| top_level_key(l).map(|k| (k.to_string(), i + split.yaml_first_line)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = parse(Path::new("a.md"), &s).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn bad_date_names_field_and_line() {
        let s = split(Path::new("a.md"), "---\nid: x\ndate: 2023-02-30\n---\n").unwrap();
        let e = parse(Path::new("a.md"), &s).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("date"));
        assert_eq!(e.line, Some(3));
    }
}
