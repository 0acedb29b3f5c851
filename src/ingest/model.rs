//! The parsed page: what a Senate written-question page says, independent of language. Its
//! kinds (status, events, links, offices) are the content model's, so what ingest writes is what
//! the build reads. The source's constants live here, below fetch and write, which both use them.

use chrono::NaiveDate;
use std::fmt;

pub use crate::content::model::{
    status_from_events, AddresseeKind, Event, EventType, Link, LinkKind, LinkType, Status,
};

/// The one host all page URLs are normalised to.
pub const DEFAULT_SITE: &str = "https://www.senate.be/www/";

/// Largest page we accept, fetched or local (real pages are below 100 KB).
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

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

    /// The status the chronology implies, as the build requires it.
    pub fn status(&self) -> Status {
        status_from_events(&self.events)
    }

    /// The normalised public URL of this page.
    pub fn source_url(&self) -> String {
        canonical_url(self.id, self.lang)
    }
}

/// `https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=..&NR=..&LANG=..`
pub fn canonical_url(id: QuestionId, lang: Lang) -> String {
    page_url(DEFAULT_SITE, id, lang)
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
