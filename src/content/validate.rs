//! Checks that go beyond types: required fields, the id against the file name, dates in order,
//! and a status that agrees with the chronology and the body.

use std::path::Path;

use super::body::Body;
use super::limits;
use super::model::{status_from_events, EventType, Question, Status};
use super::raw::RawFrontMatter;
use super::split::{FieldLines, Parsed};
use crate::error::Diagnostic;

/// What a file's name says about it: `questions/<legislature>/<id>.<lang>.md`.
pub struct FileName<'a> {
    pub legislature_dir: Option<&'a str>,
    pub id: &'a str,
    pub lang: &'a str,
}

impl<'a> FileName<'a> {
    pub fn parse(path: &'a Path) -> Option<FileName<'a>> {
        let name = path.file_name()?.to_str()?.strip_suffix(".md")?;
        let (id, lang) = name.rsplit_once('.')?;
        let legislature_dir = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str());
        Some(FileName {
            legislature_dir,
            id,
            lang,
        })
    }
}

/// True for ids of the form `<legislature>-<number>`, the only shape that is safe in a URL and a path.
pub fn is_valid_id(id: &str) -> bool {
    match id.split_once('-') {
        Some((l, n)) => {
            !l.is_empty()
                && !n.is_empty()
                && l.len() <= 4
                && n.len() <= 12
                && l.bytes().all(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit())
                && !l.starts_with('0')
                && !n.starts_with('0')
        }
        None => false,
    }
}

/// Language names people write for a language code.
const LANGUAGE_WORDS: &[(&str, &str)] = &[
    ("nederlands", "nl"),
    ("dutch", "nl"),
    ("néerlandais", "nl"),
    ("vlaams", "nl"),
    ("français", "fr"),
    ("francais", "fr"),
    ("french", "fr"),
    ("frans", "fr"),
    ("english", "en"),
    ("engels", "en"),
    ("anglais", "en"),
    ("deutsch", "de"),
    ("german", "de"),
    ("duits", "de"),
    ("allemand", "de"),
];

/// Every text value with its field and, in a list, its 1-based position.
fn texts(raw: &RawFrontMatter) -> impl Iterator<Item = (&'static str, Option<usize>, &str)> {
    let single = [
        ("id", &raw.id),
        ("assembly", &raw.assembly),
        ("lang", &raw.lang),
        ("original_lang", &raw.original_lang),
        ("title", &raw.title),
        ("author", &raw.author),
        ("party", &raw.party),
        ("addressee", &raw.addressee),
        ("source", &raw.source),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.as_deref().map(|v| (f, None, v)));
    single
        .chain(
            raw.keywords
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| ("keywords", Some(i + 1), v.as_str())),
        )
        .chain(
            raw.aliases
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| ("aliases", Some(i + 1), v.as_str())),
        )
        .chain(
            raw.links
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, l)| ("links", Some(i + 1), l.id.as_str())),
        )
}

/// The front matter's values against docs/LIMITS.md: lists no longer than
/// [`limits::LIST_ITEMS`], text no longer than [`limits::TEXT_BYTES`] and free of control
/// characters (tab and newline aside), which YAML escapes such as `"\x1b"` or `"\0"` can put
/// into a value the raw-file check never saw. One problem per field.
fn limits(path: &Path, raw: &RawFrontMatter, lines: &FieldLines<'_>) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    let refuse = |problems: &mut Vec<Diagnostic>, field: &str, message: String, help: &str| {
        problems.push(
            Diagnostic::new(path, message)
                .maybe_line(lines.get(field).or(Some(1)))
                .field(field)
                .help(help),
        );
    };
    for (field, len) in [
        ("keywords", raw.keywords.as_ref().map(Vec::len)),
        ("aliases", raw.aliases.as_ref().map(Vec::len)),
        ("events", raw.events.as_ref().map(Vec::len)),
        ("links", raw.links.as_ref().map(Vec::len)),
    ] {
        if let Some(len) = len.filter(|&n| n > limits::LIST_ITEMS) {
            refuse(
                &mut problems,
                field,
                format!(
                    "the list has {len} items; the limit is {}",
                    limits::LIST_ITEMS
                ),
                "shorten the list (docs/LIMITS.md lists every limit)",
            );
        }
    }
    for (field, index, value) in texts(raw) {
        if problems.iter().any(|d| d.field.as_deref() == Some(field)) {
            continue;
        }
        let what = match index {
            Some(i) => format!("item {i} "),
            None => String::new(),
        };
        if value.len() > limits::TEXT_BYTES {
            refuse(
                &mut problems,
                field,
                format!(
                    "{what}is {} bytes long; the limit is {} bytes",
                    value.len(),
                    limits::TEXT_BYTES
                ),
                "shorten the text (docs/LIMITS.md lists every limit); long text belongs in the body",
            );
        } else if let Some(at) = control(value) {
            let c = value[at..].chars().next().unwrap_or('\0');
            refuse(
                &mut problems,
                field,
                format!("{what}contains control character U+{:04X}", c as u32),
                "remove it, and any escape that writes it (`\\x1b`, `\\u001b`, `\\0`, `\\a`…): question files hold plain text",
            );
        }
    }
    problems
}

/// The byte offset of the first control character in a value other than tab and newline.
fn control(value: &str) -> Option<usize> {
    let cr = memchr::memchr(b'\r', value.as_bytes());
    match (super::split::first_control(value.as_bytes()), cr) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// At most [`limits::PROBLEMS_PER_FILE`] of one file's problems, in line order, and one more
/// saying how many were left out.
pub fn cap(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if problems.len() <= limits::PROBLEMS_PER_FILE {
        return problems;
    }
    problems.sort_by_key(|d| d.line);
    let left_out = problems.len() - limits::PROBLEMS_PER_FILE;
    problems.truncate(limits::PROBLEMS_PER_FILE);
    let last = &problems[problems.len() - 1];
    let summary = Diagnostic::new(
        &last.path,
        format!("{left_out} more problems in this file are not listed"),
    )
    .maybe_line(last.line)
    .help("fix those above and build again to see the rest");
    problems.push(summary);
    problems
}

/// Turns parsed front matter into a [`Question`], or every problem found in it: those met
/// while reading it, and those of the values that could be read. Without a body (it could not
/// be split, which the caller reports) the checks against the body are left out.
pub fn validate(
    path: &Path,
    parsed: Parsed,
    lines: &FieldLines<'_>,
    body: Option<&Body<'_>>,
    body_first_line: usize,
    languages: &[String],
) -> Result<Question, Vec<Diagnostic>> {
    let Parsed {
        raw,
        mut problems,
        refused,
    } = parsed;
    let limited = limits(path, &raw, lines);
    if !limited.is_empty() {
        // Refused values are not checked further: their messages would quote them.
        problems.extend(limited);
        return Err(problems);
    }
    let at = |field: &str| lines.get(field);
    let mut problem = |field: &str, message: String, help: &str| {
        problems.push(
            Diagnostic::new(path, message)
                .maybe_line(at(field).or(Some(1)))
                .field(field)
                .help(help),
        );
    };

    macro_rules! required {
        ($name:ident) => {
            match raw.$name {
                Some(v) => Some(v),
                // Written but unreadable: already reported.
                None if refused.contains(&stringify!($name)) => None,
                None => {
                    problem(
                        stringify!($name),
                        "missing required field".into(),
                        concat!("add `", stringify!($name), ":` to the front matter"),
                    );
                    None
                }
            }
        };
    }
    let id = required!(id);
    let assembly = required!(assembly);
    let legislature = required!(legislature);
    let number = required!(number);
    let lang = required!(lang);
    let original_lang = required!(original_lang);
    let title = required!(title);
    let author = required!(author);
    let addressee = required!(addressee);
    let addressee_kind = required!(addressee_kind);
    let date = required!(date);
    let status = required!(status);
    let events = required!(events);
    let source = required!(source);

    for (field, value) in [
        ("title", &title),
        ("author", &author),
        ("addressee", &addressee),
        ("assembly", &assembly),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            problem(
                field,
                "must not be empty".into(),
                "write the text as printed by the source",
            );
        }
    }
    if let Some(party) = &raw.party {
        if party.trim().is_empty() {
            problem(
                "party",
                "must not be empty".into(),
                "remove the field when the member has no party",
            );
        }
    }

    let file = FileName::parse(path);
    if let Some(id) = &id {
        if !is_valid_id(id) {
            problem(
                "id",
                format!("`{id}` is not an id of the form <legislature>-<number>"),
                "write it like \"7-1870\", digits only, no leading zeros",
            );
        } else {
            if let (Some(l), Some(n)) = (legislature, number) {
                if *id != format!("{l}-{n}") {
                    problem(
                        "id",
                        format!("`{id}` does not match legislature {l} and number {n}"),
                        "the id is <legislature>-<number>",
                    );
                }
            }
            match &file {
                Some(f) if f.id != id => problem(
                    "id",
                    format!("`{id}` does not match the file name `{}`", f.id),
                    "name the file <id>.<lang>.md",
                ),
                None => problem(
                    "id",
                    "the file name is not of the form <id>.<lang>.md".into(),
                    "name the file <id>.<lang>.md, for example 7-1870.nl.md",
                ),
                _ => {}
            }
        }
    }
    if let (Some(l), Some(Some(dir))) = (legislature, file.as_ref().map(|f| f.legislature_dir)) {
        if dir != l.to_string() {
            problem(
                "legislature",
                format!("legislature {l} but the file is in folder `{dir}`"),
                "put the file in content/questions/<legislature>/",
            );
        }
    }
    if let Some(lang) = &lang {
        if !languages.contains(lang) {
            let known: Vec<&str> = languages.iter().map(String::as_str).collect();
            let near = super::fields::suggest(lang, &known, LANGUAGE_WORDS)
                .map(|l| format!("; did you mean `{l}`?"))
                .unwrap_or_default();
            problem(
                "lang",
                format!(
                    "language `{lang}` is not one of the site's languages ({}){near}",
                    languages.join(", ")
                ),
                "add the language to `languages` in quaestor.toml, or fix the field",
            );
        }
        if let Some(f) = &file {
            if f.lang != lang {
                problem(
                    "lang",
                    format!(
                        "`{lang}` does not match the file name's language `{}`",
                        f.lang
                    ),
                    "name the file <id>.<lang>.md",
                );
            }
        }
    }
    if let Some(o) = &original_lang {
        if o.len() != 2 || !o.bytes().all(|b| b.is_ascii_lowercase()) {
            problem(
                "original_lang",
                format!("`{o}` is not a two-letter language code"),
                "write nl, fr, de or en",
            );
        }
    }
    for (i, k) in raw.keywords.iter().flatten().enumerate() {
        if k.trim().is_empty() {
            problem(
                "keywords",
                format!("keyword {} is empty", i + 1),
                "remove the empty entry",
            );
        }
    }
    if let Some(s) = &source {
        if !(s.starts_with("https://") || s.starts_with("http://")) {
            problem(
                "source",
                format!("`{s}` is not an http(s) URL"),
                "give the address of the official page",
            );
        }
    }
    for alias in raw.aliases.iter().flatten() {
        if let Err(why) = crate::site::urls::check_alias(alias) {
            let shown: String = alias.chars().take(80).collect();
            let more = if shown.len() < alias.len() { "…" } else { "" };
            problem(
                "aliases",
                format!("alias `{shown}{more}` {why}"),
                "write an absolute path such as /old/7-1870/",
            );
        }
    }
    for link in raw.links.iter().flatten() {
        if !is_valid_id(&link.id) {
            problem(
                "links",
                format!(
                    "link id `{}` is not of the form <legislature>-<number>",
                    link.id
                ),
                "write it like \"7-1871\"",
            );
        } else if id.as_deref() == Some(link.id.as_str()) {
            problem(
                "links",
                format!("the question links to itself ({})", link.id),
                "remove the link",
            );
        }
    }

    // Dates and the chronology.
    if let Some(date) = date {
        if let Some(a) = raw.answered {
            if a < date {
                problem(
                    "answered",
                    format!("answered on {a}, before it was sent on {date}"),
                    "check both dates against the source",
                );
            }
        }
        if let Some(d) = raw.deadline {
            if d < date {
                problem(
                    "deadline",
                    format!("deadline {d} is before the date sent {date}"),
                    "check both dates against the source",
                );
            }
        }
    }
    // A status at odds with the chronology is one mistake, reported once: not again against
    // the body.
    let mut status_reported = false;
    if let Some(events) = &events {
        match events.first() {
            None => problem(
                "events",
                "the chronology is empty".into(),
                "add at least `- {date: YYYY-MM-DD, type: sent}`",
            ),
            Some(first) => {
                if first.kind != EventType::Sent {
                    problem(
                        "events",
                        "the chronology must start with the `sent` event".into(),
                        "put `{date: ..., type: sent}` first",
                    );
                } else if date.is_some_and(|d| d != first.date) {
                    problem(
                        "events",
                        format!(
                            "the sent event is dated {} but `date` is {}",
                            first.date,
                            date.unwrap()
                        ),
                        "make them agree",
                    );
                }
            }
        }
        if events.windows(2).any(|w| w[1].date < w[0].date) {
            problem(
                "events",
                "events are not in date order".into(),
                "list the chronology oldest first",
            );
        }
        let answer = events
            .iter()
            .find(|e| e.kind == EventType::Answer)
            .map(|e| e.date);
        match (answer, raw.answered) {
            (Some(e), Some(a)) if e != a => problem(
                "answered",
                format!("answered is {a} but the answer event is dated {e}"),
                "make them agree",
            ),
            (Some(e), None) => problem(
                "answered",
                format!("the chronology has an answer on {e} but `answered` is missing"),
                "add `answered:` with that date",
            ),
            (None, Some(a)) => problem(
                "answered",
                format!("answered is {a} but the chronology has no answer event"),
                "add `{date: ..., type: answer}` to events",
            ),
            _ => {}
        }
        if let Some(status) = status {
            let expected = status_from_events(events);
            if expected != status {
                status_reported = true;
                problem(
                    "status",
                    format!("status is `{}` but the chronology says `{}`", status.as_str(), expected.as_str()),
                    "the status follows from the events: answer → answered, requalification → requalified, end-of-legislature, file-closed → closed, else open",
                );
            }
        }
    }
    match (status.filter(|_| !status_reported), body.map(|b| b.answer)) {
        (Some(Status::Answered), Some(None)) => problems.push(
            Diagnostic::new(
                path,
                "the question is answered but the body has no answer section",
            )
            .line(body_first_line)
            .field("status")
            .help("add `## Antwoord` (or `## Réponse`, `## Answer`) with the answer text"),
        ),
        (Some(s), Some(Some(_))) if s != Status::Answered => problems.push(
            Diagnostic::new(
                path,
                format!(
                    "the body has an answer section but the status is `{}`",
                    s.as_str()
                ),
            )
            .line(body_first_line + body.and_then(|b| b.answer_line).unwrap_or(1) - 1)
            .field("status")
            .help("record the answer in `events` and `answered`, or remove the section"),
        ),
        _ => {}
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Question {
        id: id.unwrap(),
        assembly: assembly.unwrap(),
        legislature: legislature.unwrap(),
        number: number.unwrap(),
        lang: lang.unwrap(),
        original_lang: original_lang.unwrap(),
        title: title.unwrap(),
        author: author.unwrap(),
        party: raw.party,
        addressee: addressee.unwrap(),
        addressee_kind: addressee_kind.unwrap(),
        keywords: raw.keywords.unwrap_or_default(),
        date: date.unwrap(),
        deadline: raw.deadline,
        answered: raw.answered,
        status: status.unwrap(),
        events: events.unwrap(),
        links: raw.links.unwrap_or_default(),
        source: source.unwrap(),
        aliases: raw.aliases.unwrap_or_default(),
        path: path.to_path_buf(),
        has_answer_text: body.is_some_and(|b| b.answer.is_some()),
        file_hash: 0,
    })
}
