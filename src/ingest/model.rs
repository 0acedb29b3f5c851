//! The parsed page: what a Senate written-question page says, independent of language.

use chrono::NaiveDate;
use std::fmt;

/// Page language (and original language of the question).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Nl,
    Fr,
}

impl Lang {
    /// The code used in file names, URLs and front matter.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
        }
    }

    /// Parses `nl` / `fr` (any case).
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// `<legislature>-<number>`, the stable key shared by both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionId {
    pub legislature: u32,
    pub number: u32,
}

impl QuestionId {
    /// Parses `7-1870` (no padding, no spaces).
    pub fn parse(s: &str) -> Option<QuestionId> {
        let (l, n) = s.split_once('-')?;
        let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(l) || !all_digits(n) {
            return None;
        }
        Some(QuestionId {
            legislature: l.parse().ok()?,
            number: n.parse().ok()?,
        })
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.legislature, self.number)
    }
}

/// Kind of office asked, derived from the printed office text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddresseeKind {
    Minister,
    VicePrimeMinister,
    PrimeMinister,
    SecretaryOfState,
}

impl AddresseeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AddresseeKind::Minister => "minister",
            AddresseeKind::VicePrimeMinister => "vice-prime-minister",
            AddresseeKind::PrimeMinister => "prime-minister",
            AddresseeKind::SecretaryOfState => "secretary-of-state",
        }
    }
}

/// One chronology event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Sent,
    Answer,
    Reminder,
    FileClosed,
    EndOfLegislature,
    Requalification,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Sent => "sent",
            EventType::Answer => "answer",
            EventType::Reminder => "reminder",
            EventType::FileClosed => "file-closed",
            EventType::EndOfLegislature => "end-of-legislature",
            EventType::Requalification => "requalification",
        }
    }
}

/// One chronology line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub date: NaiveDate,
    pub kind: EventType,
}

/// Relation expressed by a link line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    AlsoAskedTo,
    ReintroductionOf,
    ReintroducedAs,
    RequalificationOf,
    RequalifiedAs,
}

impl LinkType {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkType::AlsoAskedTo => "also-asked-to",
            LinkType::ReintroductionOf => "reintroduction-of",
            LinkType::ReintroducedAs => "reintroduced-as",
            LinkType::RequalificationOf => "requalification-of",
            LinkType::RequalifiedAs => "requalified-as",
        }
    }
}

/// What a link points at: requests for explanations are a separate numbering series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    WrittenQuestion,
    RequestForExplanations,
}

/// One link line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkType,
    pub target: LinkTarget,
    pub id: QuestionId,
}

/// Status derived from the chronology (never stored in the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Answered,
    Closed,
    EndOfLegislature,
    Requalified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::EndOfLegislature => "end-of-legislature",
            Status::Requalified => "requalified",
        }
    }
}

/// A parsed main page (one question, one language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenatePage {
    pub id: QuestionId,
    pub lang: Lang,
    pub original_lang: Lang,
    pub title: String,
    pub author: String,
    pub party: Option<String>,
    /// The office as printed, without `aan de` / `à la` / `au`.
    pub addressee: String,
    pub addressee_kind: AddresseeKind,
    pub keywords: Vec<String>,
    /// Date on the author line.
    pub date: NaiveDate,
    /// Printed deadline, if any (never computed).
    pub deadline: Option<NaiveDate>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    /// Question text: trimmed lines, blank lines between paragraphs.
    pub question: String,
    /// Answer text, when the page has an answer block.
    pub answer: Option<String>,
}

impl SenatePage {
    /// Date of the first answer event.
    pub fn answered(&self) -> Option<NaiveDate> {
        self.event_date(EventType::Answer)
    }

    fn event_date(&self, kind: EventType) -> Option<NaiveDate> {
        self.events.iter().find(|e| e.kind == kind).map(|e| e.date)
    }

    /// Status by precedence: answered, end of legislature, closed, requalified, else open.
    pub fn status(&self) -> Status {
        let has = |k| self.events.iter().any(|e| e.kind == k);
        if has(EventType::Answer) {
            Status::Answered
        } else if has(EventType::EndOfLegislature) {
            Status::EndOfLegislature
        } else if has(EventType::FileClosed) {
            Status::Closed
        } else if has(EventType::Requalification) {
            Status::Requalified
        } else {
            Status::Open
        }
    }

    /// The normalised public URL of this page.
    pub fn source_url(&self) -> String {
        canonical_url(self.id, self.lang)
    }
}

/// `https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=..&NR=..&LANG=..`
pub fn canonical_url(id: QuestionId, lang: Lang) -> String {
    page_url(crate::ingest::fetch::DEFAULT_SITE, id, lang)
}

/// The page URL under a given site base (the real site or a mirror / test server).
pub fn page_url(site: &str, id: QuestionId, lang: Lang) -> String {
    format!(
        "{site}?MIval=/Vragen/SchriftelijkeVraag&LEG={}&NR={}&LANG={}",
        id.legislature,
        id.number,
        lang.code()
    )
}
