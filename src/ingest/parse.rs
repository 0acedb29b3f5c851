//! Text of a Senate page → [`SenatePage`]. Driven by labels, never by line positions,
//! because blank lines and noise vary between copies of the same page.

use super::labels::*;
use super::model::*;
use chrono::NaiveDate;

/// Why a page was rejected: the 1-based line, what the parser expected there, what it found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}: expected {expected}, found {found}")]
pub struct ParseError {
    pub line: usize,
    pub kind: ParseErrorKind,
    pub expected: String,
    pub found: String,
}

/// The broad class of a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("not a written question")]
    NotAQuestion,
    #[error("truncated page")]
    Truncated,
    #[error("unknown label")]
    UnknownLabel,
    #[error("malformed line")]
    Malformed,
    #[error("inconsistent page")]
    Inconsistent,
}

const HEADING_EXPECTED: &str =
    "`Schriftelijke vraag nr. <LEG>-<NR>` or `Question écrite n° <LEG>-<NR>`";
fn labels<T>(table: &[(&str, T)]) -> String {
    let names: Vec<String> = table.iter().map(|(l, _)| format!("`{l}`")).collect();
    format!("one of {}", names.join(", "))
}

/// Lines with their 1-based numbers, trimmed (CR, spaces, no-break spaces, BOM).
struct Cursor<'a> {
    lines: Vec<&'a str>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines = text
            .split('\n')
            .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
            .collect();
        Cursor { lines, pos: 0 }
    }

    /// Next non-blank line without consuming it.
    fn peek(&self) -> Option<(usize, &'a str)> {
        let mut p = self.pos;
        while p < self.lines.len() {
            if !self.lines[p].is_empty() {
                return Some((p + 1, self.lines[p]));
            }
            p += 1;
        }
        None
    }

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let found = self.peek();
        if let Some((n, _)) = found {
            self.pos = n;
        } else {
            self.pos = self.lines.len();
        }
        found
    }

    /// Next non-blank line, or a truncation error naming what was expected.
    fn require(&mut self, expected: &str) -> Result<(usize, &'a str), ParseError> {
        self.next()
            .ok_or_else(|| err(self.end_line(), ParseErrorKind::Truncated, expected, None))
    }

    /// The line where the page ended (the empty line after a final newline).
    fn end_line(&self) -> usize {
        self.lines.len()
    }
}

fn err(line: usize, kind: ParseErrorKind, expected: &str, found: Option<&str>) -> ParseError {
    ParseError {
        line,
        kind,
        expected: expected.to_string(),
        found: match found {
            Some(f) => format!("`{}`", truncate(f, 80)),
            None => "end of page".to_string(),
        },
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// `d/m/yyyy` at the start of `s`: the date and the rest of the line.
fn leading_short_date(s: &str) -> Option<(NaiveDate, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '/'))
        .unwrap_or(s.len());
    let mut parts = s[..end].split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || d.is_empty() || m.is_empty() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some((date, &s[end..]))
}

fn short_date(s: &str) -> Option<NaiveDate> {
    match leading_short_date(s.trim()) {
        Some((d, "")) => Some(d),
        _ => None,
    }
}

/// `26 januari 2023` / `1 décembre 2011` (also tolerates `1er`).
fn long_date(s: &str) -> Option<NaiveDate> {
    let mut it = s.split_whitespace();
    let (d, m, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let d = d.strip_suffix("er").unwrap_or(d);
    let m = m.to_lowercase();
    let month = MONTHS_NL
        .iter()
        .chain(MONTHS_FR.iter())
        .position(|x| *x == m)
        .map(|i| i % 12 + 1)?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, month as u32, d.parse().ok()?)
}

fn heading(line: &str) -> Option<(Lang, QuestionId)> {
    if let Some(rest) = line.strip_prefix("Schriftelijke vraag nr.") {
        return QuestionId::parse(rest.trim()).map(|id| (Lang::Nl, id));
    }
    let rest = line
        .strip_prefix("Question écrite n°")
        .or_else(|| line.strip_prefix("Question écrite nº"))?;
    QuestionId::parse(rest.trim()).map(|id| (Lang::Fr, id))
}

/// Parses one page. Pure: no I/O, so benches and fuzzers can call it.
pub fn parse_page(text: &str) -> Result<SenatePage, ParseError> {
    let mut cur = Cursor::new(text);
    let first = cur.peek();
    let (lang, id) = loop {
        match cur.next() {
            Some((_, l)) => {
                if let Some(h) = heading(l) {
                    break h;
                }
            }
            None => {
                let (n, f) = first.map_or((1, None), |(n, l)| (n, Some(l)));
                return Err(err(n, ParseErrorKind::NotAQuestion, HEADING_EXPECTED, f));
            }
        }
    };
    let nl = lang == Lang::Nl;

    let author_expected = if nl {
        "`van <Name> (<Party>) d.d. <d> <month> <yyyy>`"
    } else {
        "`de <Name> (<Party>) du <d> <mois> <yyyy>`"
    };
    let (n, line) = cur.require(author_expected)?;
    let (author, party, date) = author_line(line, nl)
        .ok_or_else(|| err(n, ParseErrorKind::Malformed, author_expected, Some(line)))?;

    let addressee_expected = if nl {
        "`aan de <office>`"
    } else {
        "`à la <office>` or `au <office>`"
    };
    let (n, line) = cur.require(addressee_expected)?;
    let addressee = strip_addressee(line, nl)
        .ok_or_else(|| err(n, ParseErrorKind::Malformed, addressee_expected, Some(line)))?;

    let (n, title) = cur.require("the title")?;
    if title == "Chronologie" {
        return Err(err(n, ParseErrorKind::Malformed, "the title", Some(title)));
    }

    let mut keywords = Vec::new();
    loop {
        let (n, line) = cur.require("`Chronologie`")?;
        if line == "Chronologie" {
            break;
        }
        if leading_short_date(line).is_some() || question_heading_start(line) {
            return Err(err(
                n,
                ParseErrorKind::UnknownLabel,
                "`Chronologie`",
                Some(line),
            ));
        }
        keywords.push(line.to_string());
    }

    let mut events = Vec::new();
    let mut links = Vec::new();
    let mut deadline = None;
    let q_expected = if nl {
        "`Vraag nr. <LEG>-<NR> d.d. <date> : (Vraag gesteld in het ...)`"
    } else {
        "`Question n° <LEG>-<NR> du <date> : (Question posée en ...)`"
    };
    let (qn, original_lang, qid, qdate) = loop {
        let (n, line) = cur.require(q_expected)?;
        if question_heading_start(line) {
            let (ol, qid, qdate) = question_heading(line, n, q_expected)?;
            break (n, ol, qid, qdate);
        } else if let Some((date, rest)) = leading_short_date(line) {
            let (kind, dl) = event_line(rest, n, line)?;
            events.push(Event { date, kind });
            deadline = deadline.or(dl);
        } else if let Some(link) = link_line(line, n)? {
            links.push(link);
        } else {
            let expected = format!(
                "a chronology line `<d/m/yyyy><event>`, a link line `<label> : <kind> <LEG>-<NR>` or {q_expected}"
            );
            return Err(err(n, ParseErrorKind::UnknownLabel, &expected, Some(line)));
        }
    };
    if events.is_empty() {
        return Err(err(
            qn,
            ParseErrorKind::Malformed,
            "at least one chronology line",
            None,
        ));
    }
    if qid != id {
        let expected = format!("question number {id} (from the page heading)");
        return Err(err(
            qn,
            ParseErrorKind::Inconsistent,
            &expected,
            Some(&qid.to_string()),
        ));
    }
    let _ = qdate;

    // Body: everything up to the answer heading; the answer is everything after it.
    let mut question_lines = Vec::new();
    let mut answer_head: Option<(usize, NaiveDate)> = None;
    let mut answer_lines = Vec::new();
    while cur.pos < cur.lines.len() {
        let line = cur.lines[cur.pos];
        let n = cur.pos + 1;
        cur.pos += 1;
        if answer_head.is_none() {
            if let Some(d) = answer_heading(line) {
                answer_head = Some((n, d));
                continue;
            }
            question_lines.push(line);
        } else {
            answer_lines.push(line);
        }
    }
    let question = join_body(&question_lines);
    if question.is_empty() {
        return Err(err(
            cur.end_line(),
            ParseErrorKind::Truncated,
            "the question text",
            None,
        ));
    }
    let answer_event = events.iter().find(|e| e.kind == EventType::Answer);
    let a_expected = if nl {
        "`Antwoord ontvangen op <d> <month> <yyyy> :`"
    } else {
        "`Réponse reçue le <d> <mois> <yyyy> :`"
    };
    let answer = match (answer_event, answer_head) {
        (None, None) => None,
        (Some(_), None) => {
            let expected = format!("{a_expected} (the chronology has an answer)");
            return Err(err(
                cur.end_line(),
                ParseErrorKind::Truncated,
                &expected,
                None,
            ));
        }
        (None, Some((n, _))) => {
            let expected = "an answer event in the chronology before an answer block";
            return Err(err(
                n,
                ParseErrorKind::Inconsistent,
                expected,
                Some(a_expected),
            ));
        }
        (Some(ev), Some((n, d))) => {
            if ev.date != d {
                let expected = format!("answer date {} (from the chronology)", ev.date);
                return Err(err(
                    n,
                    ParseErrorKind::Inconsistent,
                    &expected,
                    Some(&d.to_string()),
                ));
            }
            let text = join_body(&answer_lines);
            if text.is_empty() {
                return Err(err(
                    cur.end_line(),
                    ParseErrorKind::Truncated,
                    "the answer text",
                    None,
                ));
            }
            Some(text)
        }
    };

    let addressee_kind = addressee_kind(&addressee);
    Ok(SenatePage {
        id,
        lang,
        original_lang,
        title: title.to_string(),
        author,
        party,
        addressee,
        addressee_kind,
        keywords,
        date,
        deadline,
        events,
        links,
        question,
        answer,
    })
}

fn join_body(lines: &[&str]) -> String {
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    let mut out = String::new();
    let mut blank = false;
    for l in &lines[start..end] {
        if l.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(l);
    }
    out
}

fn author_line(line: &str, nl: bool) -> Option<(String, Option<String>, NaiveDate)> {
    let (prefix, sep) = if nl {
        ("van ", " d.d. ")
    } else {
        ("de ", " du ")
    };
    let rest = line.strip_prefix(prefix)?;
    let (who, date) = rest.rsplit_once(sep)?;
    let date = long_date(date)?;
    let who = who.trim();
    let (name, party) = match who.strip_suffix(')').and_then(|w| w.rsplit_once('(')) {
        Some((name, party)) => (name.trim(), Some(party.trim().to_string())),
        None => (who, None),
    };
    if name.is_empty() {
        return None;
    }
    Some((name.to_string(), party.filter(|p| !p.is_empty()), date))
}

fn strip_addressee(line: &str, nl: bool) -> Option<String> {
    let prefixes: &[&str] = if nl {
        &["aan de ", "aan het ", "aan "]
    } else {
        &["à la ", "au ", "à l'", "à l’", "aux "]
    };
    let office = prefixes.iter().find_map(|p| line.strip_prefix(p))?.trim();
    (!office.is_empty()).then(|| office.to_string())
}

fn addressee_kind(office: &str) -> AddresseeKind {
    let o = office.to_lowercase();
    let starts = |ps: &[&str]| ps.iter().any(|p| o.starts_with(p));
    if starts(&[
        "vice-eersteminister",
        "vice-eerste minister",
        "vice-premier ministre",
        "vice-première ministre",
    ]) {
        AddresseeKind::VicePrimeMinister
    } else if starts(&["eerste minister", "premier ministre", "première ministre"]) {
        AddresseeKind::PrimeMinister
    } else if starts(&["staatssecretaris", "secrétaire d'état", "secrétaire d’état"]) {
        AddresseeKind::SecretaryOfState
    } else {
        AddresseeKind::Minister
    }
}

/// Chronology label after the date: separators (` `, `|`) around it, optional deadline.
fn event_line(
    rest: &str,
    n: usize,
    line: &str,
) -> Result<(EventType, Option<NaiveDate>), ParseError> {
    let clean = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == '|')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (label, deadline) = match rest.split_once('(') {
        None => (clean(rest), None),
        Some((label, paren)) => {
            let dl_expected = format!("`({}: <d/m/yyyy>)`", DEADLINE_LABELS.join(": …)` or `("));
            let (inside, after) = paren
                .split_once(')')
                .ok_or_else(|| err(n, ParseErrorKind::Malformed, &dl_expected, Some(line)))?;
            if !clean(after).is_empty() {
                return Err(err(n, ParseErrorKind::Malformed, &dl_expected, Some(line)));
            }
            let (dl_label, dl_date) = inside
                .split_once(':')
                .ok_or_else(|| err(n, ParseErrorKind::Malformed, &dl_expected, Some(line)))?;
            if !DEADLINE_LABELS.contains(&clean(dl_label).as_str()) {
                return Err(err(
                    n,
                    ParseErrorKind::UnknownLabel,
                    &dl_expected,
                    Some(line),
                ));
            }
            let date = short_date(dl_date)
                .ok_or_else(|| err(n, ParseErrorKind::Malformed, &dl_expected, Some(line)))?;
            (clean(label), Some(date))
        }
    };
    let kind = EVENT_LABELS
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(&label))
        .map(|(_, k)| *k)
        .ok_or_else(|| {
            let expected = format!("a chronology event, {}", labels(EVENT_LABELS));
            err(n, ParseErrorKind::UnknownLabel, &expected, Some(line))
        })?;
    Ok((kind, deadline))
}

/// `<label> : <kind> <LEG>-<NR>`; `Ok(None)` when the line does not have that shape at all.
fn link_line(line: &str, n: usize) -> Result<Option<Link>, ParseError> {
    let Some((label, target)) = line.split_once(':') else {
        return Ok(None);
    };
    let target = target.trim();
    let Some((kind_text, id_text)) = target.rsplit_once(' ') else {
        return Ok(None);
    };
    let Some(id) = QuestionId::parse(id_text) else {
        return Ok(None);
    };
    let label = label.trim();
    let kind = LINK_LABELS
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, k)| *k)
        .ok_or_else(|| {
            let expected = format!("a link label, {}", labels(LINK_LABELS));
            err(n, ParseErrorKind::UnknownLabel, &expected, Some(line))
        })?;
    let kind_text = kind_text.trim().to_lowercase();
    let target = LINK_KINDS
        .iter()
        .find(|(k, _)| *k == kind_text)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let expected = format!("a link kind, {}", labels(LINK_KINDS));
            err(n, ParseErrorKind::UnknownLabel, &expected, Some(line))
        })?;
    Ok(Some(Link {
        kind,
        id: id.to_string(),
        target,
    }))
}

fn question_heading_start(line: &str) -> bool {
    line.starts_with("Vraag nr.")
        || line.starts_with("Question n°")
        || line.starts_with("Question nº")
}

fn question_heading(
    line: &str,
    n: usize,
    expected: &str,
) -> Result<(Lang, QuestionId, NaiveDate), ParseError> {
    let malformed = || err(n, ParseErrorKind::Malformed, expected, Some(line));
    let (rest, sep) = if let Some(r) = line.strip_prefix("Vraag nr.") {
        (r, "d.d.")
    } else {
        let r = line
            .strip_prefix("Question n°")
            .or_else(|| line.strip_prefix("Question nº"))
            .ok_or_else(malformed)?;
        (r, "du")
    };
    let (id_text, rest) = rest.trim().split_once(' ').ok_or_else(malformed)?;
    let id = QuestionId::parse(id_text).ok_or_else(malformed)?;
    let rest = rest.trim().strip_prefix(sep).ok_or_else(malformed)?;
    let (date_text, lang_text) = rest.split_once(':').ok_or_else(malformed)?;
    let date = long_date(date_text).ok_or_else(malformed)?;
    let ol = match lang_text.trim() {
        "(Vraag gesteld in het Nederlands)" | "(Question posée en néerlandais)" => Lang::Nl,
        "(Vraag gesteld in het Frans)" | "(Question posée en français)" => Lang::Fr,
        _ => {
            let expected = "`(Vraag gesteld in het Nederlands|Frans)` or `(Question posée en néerlandais|français)`";
            return Err(err(n, ParseErrorKind::UnknownLabel, expected, Some(line)));
        }
    };
    Ok((ol, id, date))
}

fn answer_heading(line: &str) -> Option<NaiveDate> {
    let rest = line
        .strip_prefix("Antwoord ontvangen op ")
        .or_else(|| line.strip_prefix("Réponse reçue le "))?;
    long_date(rest.trim_end().strip_suffix(':')?)
}
