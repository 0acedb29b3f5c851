//! The front matter read field by field, when serde_yaml has refused it as a whole: serde_yaml
//! stops at the first problem, this reports every unknown field and every unreadable value, each
//! on its line, with a "did you mean" where one is near. Values are read back through serde_yaml
//! one at a time, so a value means here what it means to the whole-document reader.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::lines::shown;
use super::model::{Event, Link, LinkKind};
use super::raw::{self, RawFrontMatter};
use super::split::{field_lines, top_level_key, FieldLines, Parsed, Split};
use crate::error::Diagnostic;

/// Every problem of `map`, the front matter of `split`, and what could be read of it.
pub fn read(path: &Path, split: &Split<'_>, map: Mapping) -> Parsed {
    let lines = field_lines(split);
    let mut r = Reader {
        path,
        split,
        lines: &lines,
        parsed: Parsed::default(),
    };
    let written: std::collections::HashSet<String> = map.keys().filter_map(scalar).collect();
    for (key, value) in map {
        let name = scalar(&key).unwrap_or_default();
        match raw::FIELDS.iter().find(|f| **f == name) {
            Some(&field) => {
                if !r.set(field, value) {
                    r.parsed.refused.push(field);
                }
            }
            None => r.unknown(&name, &written),
        }
    }
    r.parsed
}

struct Reader<'a> {
    path: &'a Path,
    split: &'a Split<'a>,
    lines: &'a FieldLines<'a>,
    parsed: Parsed,
}

impl Reader<'_> {
    fn problem(&mut self, field: &str, line: Option<usize>, message: String, help: String) {
        let line = line.or_else(|| self.lines.get(field)).or(Some(1));
        self.parsed.problems.push(
            Diagnostic::new(self.path, message)
                .maybe_line(line)
                .field(field)
                .help(help),
        );
    }

    fn unknown(&mut self, name: &str, written: &std::collections::HashSet<String>) {
        let line = self.lines.get(name);
        let near = suggest_field(name);
        let message = match near {
            Some(f) => format!("unknown field; did you mean `{f}`?"),
            None => "unknown field".to_string(),
        };
        let help = match near {
            Some(f) => format!("rename it `{f}`; the README lists every field"),
            None => "remove the field or fix its spelling; the README lists every field".into(),
        };
        // The field meant is then missing; this message says so already.
        if let Some(f) = near.filter(|f| !written.contains(*f)) {
            self.parsed.refused.push(f);
        }
        self.problem(&shown(name, 40), line, message, help);
    }

    /// Reads one known field into the front matter; false when its value was refused.
    fn set(&mut self, field: &'static str, value: Value) -> bool {
        let ok = match field {
            "id" | "assembly" | "lang" | "original_lang" | "title" | "author" | "party"
            | "addressee" | "source" => match typed::<String>(&value) {
                Some(text) => {
                    *text_slot(&mut self.parsed.raw, field) = Some(text);
                    true
                }
                None => {
                    let message = format!("must be text, not {}", kind(&value));
                    let help = format!("write it in quotes: `{field}: \"…\"`");
                    self.problem(field, None, message, help);
                    false
                }
            },
            "legislature" => typed(&value)
                .map(|n| self.parsed.raw.legislature = Some(n))
                .is_some(),
            "number" => typed(&value)
                .map(|n| self.parsed.raw.number = Some(n))
                .is_some(),
            "keywords" | "aliases" => match typed::<Vec<String>>(&value) {
                Some(list) => {
                    match field {
                        "keywords" => self.parsed.raw.keywords = Some(list),
                        _ => self.parsed.raw.aliases = Some(list),
                    }
                    true
                }
                None => {
                    let message = format!("must be a list of text, not {}", kind(&value));
                    let help = "write `[\"a\", \"b\"]`, or one `- \"item\"` line per entry";
                    self.problem(field, None, message, help.into());
                    false
                }
            },
            "date" | "deadline" | "answered" => match self.date(field, None, "", &value) {
                Some(d) => {
                    match field {
                        "date" => self.parsed.raw.date = Some(d),
                        "deadline" => self.parsed.raw.deadline = Some(d),
                        _ => self.parsed.raw.answered = Some(d),
                    }
                    true
                }
                None => return false,
            },
            "status" => match self.choice(field, None, "", &value, raw::STATUSES) {
                Some(s) => {
                    self.parsed.raw.status = Some(s);
                    true
                }
                None => return false,
            },
            "addressee_kind" => match self.choice(field, None, "", &value, raw::ADDRESSEE_KINDS) {
                Some(k) => {
                    self.parsed.raw.addressee_kind = Some(k);
                    true
                }
                None => return false,
            },
            "events" => match self.items(field, &value, Self::event) {
                Some(events) => {
                    self.parsed.raw.events = Some(events);
                    true
                }
                None => return false,
            },
            "links" => match self.items(field, &value, Self::link) {
                Some(links) => {
                    self.parsed.raw.links = Some(links);
                    true
                }
                None => return false,
            },
            _ => unreachable!("every field of raw::FIELDS is read"),
        };
        if !ok && matches!(field, "legislature" | "number") {
            let message = match scalar(&value) {
                Some(v) => match v.parse::<i128>() {
                    Ok(n) if n < 0 => format!("`{n}` is negative: it counts from 1"),
                    Ok(_) => format!("`{}` is too large a number", shown(&v, 40)),
                    Err(_) => format!("`{}` is not a whole number", shown(&v, 40)),
                },
                None => format!("must be a whole number, not {}", kind(&value)),
            };
            let help = format!("write digits only, without quotes: `{field}: 8`");
            self.problem(field, None, message, help);
        }
        ok
    }

    /// A date in the one accepted form; `what` names the list item it is in, if any.
    fn date(
        &mut self,
        field: &str,
        line: Option<usize>,
        what: &str,
        value: &Value,
    ) -> Option<chrono::NaiveDate> {
        let text = scalar(value);
        let why = match text.as_deref().map(raw::parse_date) {
            Some(Ok(d)) => return Some(d),
            Some(Err(why)) => why,
            None => raw::BadDate::Form,
        };
        let message = match &text {
            Some(t) => raw::date_message(t, why),
            None => format!("must be a date YYYY-MM-DD, not {}", kind(value)),
        };
        let help =
            "write the date as YYYY-MM-DD, zero-padded: 2023-01-26; it must exist in the calendar";
        self.problem(field, line, format!("{what}{message}"), help.into());
        None
    }

    /// One of `names`, read as the enum `T`, with a "did you mean" when the value is near one.
    fn choice<T: DeserializeOwned>(
        &mut self,
        field: &str,
        line: Option<usize>,
        what: &str,
        value: &Value,
        names: &[&str],
    ) -> Option<T> {
        if let Some(t) = typed(value) {
            return Some(t);
        }
        let text = scalar(value);
        let mut message = match &text {
            Some(t) => format!("{what}`{}` is not one of the values allowed", shown(t, 40)),
            None => format!(
                "{what}must be one of the values allowed, not {}",
                kind(value)
            ),
        };
        if let Some(near) = text.as_deref().and_then(|t| suggest(t, names, &[])) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        let help = format!("use one of: {}", names.join(", "));
        self.problem(field, line, message, help);
        None
    }

    /// A list whose items are read by `item`; `None` if any item is refused.
    fn items<T>(
        &mut self,
        field: &str,
        value: &Value,
        item: fn(&mut Self, &str, Option<usize>, usize, &Mapping) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Value::Sequence(seq) = value else {
            let message = format!("must be a list, not {}", kind(value));
            let help =
                "write one `- {date: YYYY-MM-DD, type: sent}` line per item, as in the README";
            self.problem(field, None, message, help.into());
            return None;
        };
        let mut out = Some(Vec::with_capacity(seq.len()));
        for (i, v) in seq.iter().enumerate() {
            let line = item_line(self.split, self.lines, field, i);
            let read = match v {
                Value::Mapping(m) => item(self, field, line, i + 1, m),
                other => {
                    let message = format!(
                        "item {} must be `{{key: value, …}}`, not {}",
                        i + 1,
                        kind(other)
                    );
                    let help = "write each item as `- {date: YYYY-MM-DD, type: sent}`";
                    self.problem(field, line, message, help.into());
                    None
                }
            };
            match (read, &mut out) {
                (Some(t), Some(list)) => list.push(t),
                _ => out = None,
            }
        }
        out
    }

    /// The keys of item `n` of a list, each one of `allowed`; false if any is not.
    fn keys(
        &mut self,
        field: &str,
        line: Option<usize>,
        n: usize,
        m: &Mapping,
        allowed: &[&str],
    ) -> bool {
        let mut ok = true;
        for key in m.keys() {
            let key = scalar(key).unwrap_or_default();
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let mut message = format!("item {n}: unknown key `{}`", shown(&key, 40));
            if let Some(near) = suggest(&key, allowed, &[]) {
                message.push_str(&format!("; did you mean `{near}`?"));
            }
            self.problem(
                field,
                line,
                message,
                format!("the keys are {}", allowed.join(", ")),
            );
            ok = false;
        }
        ok
    }

    fn event(&mut self, field: &str, line: Option<usize>, n: usize, m: &Mapping) -> Option<Event> {
        let keys = self.keys(field, line, n, m, &["date", "type"]);
        let what = format!("item {n}: ");
        let date = match m.get("date") {
            Some(v) => self.date(field, line, &format!("item {n}: `date`: "), v),
            None => self.missing(field, line, &what, "date"),
        };
        let event_type = match m.get("type") {
            Some(v) => self.choice(
                field,
                line,
                &format!("item {n}: `type`: "),
                v,
                raw::EVENT_TYPES,
            ),
            None => self.missing(field, line, &what, "type"),
        };
        let (date, kind) = (date?, event_type?);
        keys.then_some(Event { date, kind })
    }

    fn link(&mut self, field: &str, line: Option<usize>, n: usize, m: &Mapping) -> Option<Link> {
        let keys = self.keys(field, line, n, m, &["type", "id", "kind"]);
        let what = format!("item {n}: ");
        let link_type = match m.get("type") {
            Some(v) => self.choice(
                field,
                line,
                &format!("item {n}: `type`: "),
                v,
                raw::LINK_TYPES,
            ),
            None => self.missing(field, line, &what, "type"),
        };
        let id = match m.get("id") {
            Some(v) => typed::<String>(v).or_else(|| {
                let message = format!("item {n}: `id` must be text, not {}", kind(v));
                self.problem(field, line, message, "write it like \"7-1871\"".into());
                None
            }),
            None => self.missing(field, line, &what, "id"),
        };
        let target = match m.get("kind") {
            Some(v) => self.choice(
                field,
                line,
                &format!("item {n}: `kind`: "),
                v,
                raw::LINK_KINDS,
            ),
            None => Some(LinkKind::WrittenQuestion),
        };
        let (kind, id, target) = (link_type?, id?, target?);
        keys.then_some(Link { kind, id, target })
    }

    fn missing<T>(&mut self, field: &str, line: Option<usize>, what: &str, key: &str) -> Option<T> {
        let message = format!("{what}`{key}` is missing");
        self.problem(field, line, message, format!("add `{key}: …` to the item"));
        None
    }
}

fn text_slot<'r>(raw: &'r mut RawFrontMatter, field: &str) -> &'r mut Option<String> {
    match field {
        "id" => &mut raw.id,
        "assembly" => &mut raw.assembly,
        "lang" => &mut raw.lang,
        "original_lang" => &mut raw.original_lang,
        "title" => &mut raw.title,
        "author" => &mut raw.author,
        "party" => &mut raw.party,
        "addressee" => &mut raw.addressee,
        _ => &mut raw.source,
    }
}

/// `value` as `T`, read the way the whole-document reader reads it: written back out as YAML and
/// parsed again by serde_yaml, so that, say, `title: 2024` is text in both.
fn typed<T: DeserializeOwned>(value: &Value) -> Option<T> {
    let text = serde_yaml::to_string(value).ok()?;
    serde_yaml::from_str(&text).ok()
}

/// A scalar as written, for messages and names.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

/// What a value is, in words.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (the value is empty)",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a group of `key: value` fields",
        Value::Tagged(t) => kind(&t.value),
    }
}

/// The file line of item `index` (0-based) of a block list under `field`, or the field's own line
/// for a list written `[…]` on one line.
fn item_line(
    split: &Split<'_>,
    lines: &FieldLines<'_>,
    field: &str,
    index: usize,
) -> Option<usize> {
    let at = lines.get(field)?;
    let mut indent = None;
    let mut seen = 0;
    for (i, l) in split
        .yaml
        .lines()
        .enumerate()
        .skip(at + 1 - split.yaml_first_line)
    {
        if top_level_key(l).is_some() {
            break;
        }
        let ind = l.len() - l.trim_start().len();
        if l.trim_start().starts_with('-') && *indent.get_or_insert(ind) == ind {
            if seen == index {
                return Some(i + split.yaml_first_line);
            }
            seen += 1;
        }
    }
    Some(at)
}

/// Obvious translations of field names, from Dutch and French and from other tools.
const FIELD_WORDS: &[(&str, &str)] = &[
    ("auteur", "author"),
    ("autor", "author"),
    ("vraagsteller", "author"),
    ("indiener", "author"),
    ("datum", "date"),
    ("sent", "date"),
    ("trefwoorden", "keywords"),
    ("trefwoord", "keywords"),
    ("mots-clés", "keywords"),
    ("mots-cles", "keywords"),
    ("mots_clés", "keywords"),
    ("mots_cles", "keywords"),
    ("tags", "keywords"),
    ("titel", "title"),
    ("titre", "title"),
    ("partij", "party"),
    ("parti", "party"),
    ("fractie", "party"),
    ("taal", "lang"),
    ("langue", "lang"),
    ("language", "lang"),
    ("statut", "status"),
    ("state", "status"),
    ("beantwoord", "answered"),
    ("antwoord", "answered"),
    ("réponse", "answered"),
    ("termijn", "deadline"),
    ("échéance", "deadline"),
    ("bron", "source"),
    ("url", "source"),
    ("minister", "addressee"),
    ("ministre", "addressee"),
    ("destinataire", "addressee"),
    ("geadresseerde", "addressee"),
    ("zittingsperiode", "legislature"),
    ("legislatuur", "legislature"),
    ("législature", "legislature"),
    ("nummer", "number"),
    ("numéro", "number"),
    ("gebeurtenissen", "events"),
    ("chronologie", "events"),
    ("événements", "events"),
    ("koppelingen", "links"),
    ("liens", "links"),
    ("alias", "aliases"),
];

/// The field an unknown field name most likely means.
pub fn suggest_field(name: &str) -> Option<&'static str> {
    suggest(name, raw::FIELDS, FIELD_WORDS)
}

/// The candidate `word` most likely means: the same but for case or `-`/`_`, a known
/// translation, or the nearest within a small edit distance.
pub fn suggest<'c>(
    word: &str,
    candidates: &[&'c str],
    words: &[(&str, &'c str)],
) -> Option<&'c str> {
    let norm = |s: &str| s.trim().to_lowercase().replace('_', "-");
    let w = norm(word);
    if let Some(c) = candidates.iter().find(|c| norm(c) == w) {
        return Some(c);
    }
    if let Some((_, c)) = words.iter().find(|(from, _)| norm(from) == w) {
        return Some(c);
    }
    let len = w.chars().count();
    let limit = match len {
        0..=2 => 0,
        3..=4 => 1,
        _ => 2,
    };
    candidates
        .iter()
        .map(|c| (distance(&w, &norm(c)), *c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between `a` and `b`, counting an exchange of two neighbours as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_field_meant() {
        for (typed, meant) in [
            ("auteur", "author"),
            ("Author", "author"),
            ("datum", "date"),
            ("trefwoorden", "keywords"),
            ("mots-clés", "keywords"),
            ("stauts", "status"),
            ("keyword", "keywords"),
            ("original-lang", "original_lang"),
        ] {
            assert_eq!(suggest_field(typed), Some(meant), "{typed}");
        }
        assert_eq!(suggest_field("party_colour"), None);
        assert_eq!(suggest_field("xy"), None);
    }

    #[test]
    fn suggests_values() {
        assert_eq!(suggest("anwsered", raw::STATUSES, &[]), Some("answered"));
        assert_eq!(suggest("Reply", raw::EVENT_TYPES, &[]), None);
        assert_eq!(
            suggest("also_asked_to", raw::LINK_TYPES, &[]),
            Some("also-asked-to")
        );
    }
}
