//! Front matter: the YAML between the opening and closing `---` lines. Every field is optional at
//! the serde level so that all missing fields of a file are reported together, with our wording.

use std::path::Path;

use super::limits;
use super::raw::RawFrontMatter;
use super::split::{top_level_key, top_level_key_at, Parsed, Split};
use crate::error::Diagnostic;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::split::split;

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
