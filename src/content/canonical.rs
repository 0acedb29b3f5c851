//! A fast reader for front matter in the layout `quaestor ingest` writes: one `field: value` per
//! line, strings as JSON strings, lists as JSON arrays of strings, and `events:`/`links:` as
//! `  - {key: value, …}` lines. YAML parsing was a fifth of a build; this layout needs none.
//!
//! It answers only when sure: anything outside that layout (comments, blank lines, block
//! scalars, single quotes, `null`, escapes other than `\"`, `\\`, `\n`, `\t`, a repeated or
//! unknown field, a value of the wrong type…) returns `None` and the file goes through
//! serde_yaml, which stays the parser of record and words every error. JSON strings with those
//! escapes mean the same in YAML 1.2, so both readers agree wherever this one answers
//! (checked by `agrees_with_serde_yaml` below and `tests/front_matter_reader.rs`).

use std::borrow::Cow;

use serde::de::value::{Error as ValueError, MapDeserializer, StrDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;

use super::raw::{self, RawFrontMatter};

/// One value as written.
enum Value<'a> {
    Number(u64),
    Text(Cow<'a, str>),
    List(Vec<Cow<'a, str>>),
    Maps(Vec<Vec<(&'a str, Cow<'a, str>)>>),
}

/// The front matter of `yaml`, or `None` when serde_yaml must decide.
pub fn read(yaml: &str) -> Option<RawFrontMatter> {
    if has_odd_characters(yaml) {
        return None;
    }
    let mut raw = RawFrontMatter::default();
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        let (key, value) = line.split_once(':')?;
        if !is_key(key) {
            return None;
        }
        let value = if value.is_empty() {
            // A block list of flow maps follows.
            let mut items = Vec::new();
            while let Some(item) = lines.next_if(|l| l.starts_with("  - ")) {
                items.push(flow_map(&item[4..])?);
            }
            if items.is_empty() {
                return None;
            }
            Value::Maps(items)
        } else {
            match scalar_or_list(value.strip_prefix(' ')?)? {
                (value, "") => value,
                _ => return None,
            }
        };
        set(&mut raw, key, value)?;
    }
    Some(raw)
}

/// Stores one field; `None` for an unknown or repeated field or a value of the wrong type.
fn set(raw: &mut RawFrontMatter, key: &str, value: Value<'_>) -> Option<()> {
    fn put<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(value?);
        Some(())
    }
    let text = |v: Value<'_>| match v {
        Value::Text(t) => Some(t.into_owned()),
        _ => None,
    };
    match key {
        "id" => put(&mut raw.id, text(value)),
        "assembly" => put(&mut raw.assembly, text(value)),
        "lang" => put(&mut raw.lang, text(value)),
        "original_lang" => put(&mut raw.original_lang, text(value)),
        "title" => put(&mut raw.title, text(value)),
        "author" => put(&mut raw.author, text(value)),
        "party" => put(&mut raw.party, text(value)),
        "addressee" => put(&mut raw.addressee, text(value)),
        "source" => put(&mut raw.source, text(value)),
        "legislature" => put(&mut raw.legislature, number(value)?.try_into().ok()),
        "number" => put(&mut raw.number, number(value)),
        "addressee_kind" => put(&mut raw.addressee_kind, from_text(value)),
        "status" => put(&mut raw.status, from_text(value)),
        "date" => put(&mut raw.date, date(value)),
        "deadline" => put(&mut raw.deadline, date(value)),
        "answered" => put(&mut raw.answered, date(value)),
        "keywords" => put(&mut raw.keywords, list(value)),
        "aliases" => put(&mut raw.aliases, list(value)),
        "events" => put(&mut raw.events, maps(value)),
        "links" => put(&mut raw.links, maps(value)),
        _ => None,
    }
}

fn number(value: Value<'_>) -> Option<u64> {
    match value {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// A date in the one form accepted ([`raw::parse_date`]).
fn date(value: Value<'_>) -> Option<chrono::NaiveDate> {
    match value {
        Value::Text(t) => raw::parse_date(&t).ok(),
        _ => None,
    }
}

/// An enum, read from text the way serde reads it from a YAML string.
fn from_text<'de, T: Deserialize<'de>>(value: Value<'_>) -> Option<T> {
    match value {
        Value::Text(t) => T::deserialize(StrDeserializer::<ValueError>::new(&t)).ok(),
        _ => None,
    }
}

fn list(value: Value<'_>) -> Option<Vec<String>> {
    match value {
        Value::List(items) => Some(items.into_iter().map(Cow::into_owned).collect()),
        _ => None,
    }
}

/// Events or links: structs whose fields are all read from text.
fn maps<'de, T: Deserialize<'de>>(value: Value<'_>) -> Option<Vec<T>> {
    let Value::Maps(items) = value else {
        return None;
    };
    items
        .iter()
        .map(|pairs| {
            let entries = pairs.iter().map(|(k, v)| (*k, v.as_ref()));
            let map = MapDeserializer::<_, ValueError>::new(entries);
            T::deserialize(map.into_deserializer()).ok()
        })
        .collect()
}

/// Characters libyaml treats as line breaks or refuses, where JSON takes them as text: U+2028,
/// U+2029, U+FEFF, U+FFFE, U+FFFF. Their UTF-8 starts with E2 or EF, which is rare.
fn has_odd_characters(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    if !bytes
        .iter()
        .fold(false, |any, &b| any | (b == 0xe2) | (b == 0xef))
    {
        return false;
    }
    const ODD: [char; 5] = ['\u{2028}', '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}'];
    yaml.contains(ODD)
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// A value at the start of `s` and what follows it.
fn scalar_or_list(s: &str) -> Option<(Value<'_>, &str)> {
    match s.as_bytes().first()? {
        b'"' => {
            let (text, rest) = json_string(s)?;
            Some((Value::Text(text), rest))
        }
        b'[' => {
            let mut items = Vec::new();
            let mut rest = &s[1..];
            if let Some(after) = rest.strip_prefix(']') {
                return Some((Value::List(items), after));
            }
            loop {
                let (text, after) = json_string(rest)?;
                items.push(text);
                if let Some(after) = after.strip_prefix(", ") {
                    rest = after;
                } else {
                    return Some((Value::List(items), after.strip_prefix(']')?));
                }
            }
        }
        _ => {
            let end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(s.len());
            Some((plain(&s[..end])?, &s[end..]))
        }
    }
}

/// A plain scalar: a whole number, or a word that YAML 1.2 reads as text (dates included).
fn plain(token: &str) -> Option<Value<'_>> {
    let digits = token.bytes().all(|b| b.is_ascii_digit());
    if digits && !token.is_empty() && (token == "0" || !token.starts_with('0')) {
        return token.parse::<u64>().ok().map(Value::Number);
    }
    let date = token.len() == 10
        && token.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let word = token.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            token.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "y" | "n" | "yes" | "no" | "on" | "off"
        );
    (date || word).then_some(Value::Text(Cow::Borrowed(token)))
}

/// A JSON string at the start of `s` (escapes `\"`, `\\`, `\n`, `\t` only) and what follows.
fn json_string(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    let mut escaped = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if !matches!(bytes.get(i + 1), Some(b'"' | b'\\' | b'n' | b't')) {
                    return None;
                }
                escaped = true;
                i += 2;
            }
            b'"' => {
                let text = if escaped {
                    Cow::Owned(serde_json::from_str(&s[..=i]).ok()?)
                } else {
                    Cow::Borrowed(&s[1..i])
                };
                return Some((text, &s[i + 1..]));
            }
            b if b < 0x20 => return None,
            _ => i += 1,
        }
    }
    None
}

/// `{key: value, key: value}`, the whole of `s`; values are text.
fn flow_map(s: &str) -> Option<Vec<(&str, Cow<'_, str>)>> {
    let mut rest = s.strip_prefix('{')?;
    let mut map: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(3);
    loop {
        let (key, after) = rest.split_once(": ")?;
        if !is_key(key) || map.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let Some((Value::Text(value), after)) = scalar_or_list(after) else {
            return None;
        };
        map.push((key, value));
        if let Some(after) = after.strip_prefix(", ") {
            rest = after;
        } else {
            return (after == "}").then_some(map);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Option<RawFrontMatter> {
        serde_yaml::from_str(text).ok()
    }

    const CANONICAL: &str = r#"id: "8-60"
assembly: be-senate
legislature: 8
number: 60
lang: fr
original_lang: nl
title: "Administration \"numérique\" - Accessibilité\\Vie privée"
author: "Sofie Van den Broeck"
party: "Vooruit"
addressee: "secrétaire d'État à la Digitalisation, adjointe: au premier ministre"
addressee_kind: secretary-of-state
keywords: ["technologie numérique", "cybersécurité, données", "a \"b\""]
date: 2025-03-03
deadline: 2025-04-07
answered: 2025-06-02
status: answered
events:
  - {date: 2025-03-03, type: sent}
  - {date: 2025-06-02, type: answer}
links:
  - {type: also-asked-to, id: "8-58"}
  - {type: reintroduction-of, id: "7-900", kind: request-for-explanations}
source: "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=60&LANG=fr"
"#;

    #[test]
    fn reads_what_ingest_writes_as_serde_yaml_does() {
        let fast = read(CANONICAL).expect("canonical layout");
        let slow = yaml(CANONICAL).expect("valid YAML");
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        assert_eq!(fast.keywords.as_ref().unwrap()[2], "a \"b\"");
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for text in [
            "id: \"7-1\" # a comment\n",
            "id: '7-1'\n",
            "\nid: \"7-1\"\n",
            "title: >\n  folded\n",
            "party: null\n",
            "party: ~\n",
            "party: yes\n",
            "legislature: 07\n",
            "legislature: \"7\"\n",
            "legislature: 99999999999\n",
            "title: \"a\\u00e9\"\n",
            "title: \"a\\/b\"\n",
            "title: \"a\u{2028}b\"\n",
            "title: \"tab\there\"\n",
            "titel: \"typo\"\n",
            "id: \"7-1\"\nid: \"7-2\"\n",
            "keywords:\n  - \"a\"\n",
            "events:\n- {date: 2025-03-03, type: sent}\n",
            "events:\n  - {date: 2025-03-03, type: sent, type: answer}\n",
            "events:\n  - {date: 2025-13-03, type: sent}\n",
            "status: unknown-status\n",
            "date: \"2023-1-26\"\n",
            "date: \"2023-01-26T00:00\"\n",
            "events:\n  - {date: \"2023-1-26\", type: sent}\n",
            "keywords: [a, b]\n",
            "id:\"7-1\"\n",
        ] {
            assert!(read(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn agrees_with_serde_yaml() {
        // Every edit of one character, drawn from those that matter to YAML, at every place:
        // where the fast reader answers, serde_yaml must give the same.
        let alphabet = [
            "\"", "'", "\\", ":", " ", "#", "-", "[", "]", "{", "}", ",", "\n", "\t", "0", "a",
            "n", "~", "&", "*", "!", "|", ">", "%", "@", "`", "?",
        ];
        let mut checked = 0;
        for at in (0..CANONICAL.len()).filter(|&i| CANONICAL.is_char_boundary(i)) {
            for c in alphabet {
                let next = at + CANONICAL[at..].chars().next().map_or(0, char::len_utf8);
                for edit in [
                    format!("{}{c}{}", &CANONICAL[..at], &CANONICAL[at..]),
                    format!("{}{c}{}", &CANONICAL[..at], &CANONICAL[next..]),
                    format!("{}{}", &CANONICAL[..at], &CANONICAL[next..]),
                ] {
                    if let Some(fast) = read(&edit) {
                        let slow = yaml(&edit);
                        assert_eq!(
                            Some(format!("{fast:?}")),
                            slow.map(|s| format!("{s:?}")),
                            "{edit}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} edits read");
    }
}
