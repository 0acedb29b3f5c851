//! What pages and the files beside them agree on: which terms get feeds and calendars, where those
//! files live, and which questions are a calendar's events. Here so that the renderer (which links to
//! them) and the producers (which write them) share one definition without depending on each other.

use chrono::NaiveDate;

use super::library::TaxonomyKind;
use crate::content::{Question, Status};

/// The kinds of term that get a feed of their own.
pub const FEED_KINDS: [TaxonomyKind; 4] = [
    TaxonomyKind::Keywords,
    TaxonomyKind::Ministries,
    TaxonomyKind::Members,
    TaxonomyKind::Parties,
];

/// The kinds of term that get a calendar of their upcoming deadlines.
pub const CALENDAR_KINDS: [TaxonomyKind; 2] = [TaxonomyKind::Ministries, TaxonomyKind::Members];

/// Site-relative paths of the publishing files of one language.
pub mod paths {
    use crate::site::urls::Urls;

    pub fn questions_feed(urls: &Urls) -> String {
        format!("{}feed.xml", urls.questions(1))
    }
    pub fn answers_feed(urls: &Urls) -> String {
        format!("{}answers/feed.xml", urls.home())
    }
    pub fn term_feed(urls: &Urls, section: &str, slug: &str) -> String {
        format!("{}feed.xml", urls.term(section, slug, 1))
    }
    pub fn question_feed(urls: &Urls, id: &str) -> String {
        format!("{}feed.xml", urls.question(id))
    }
    pub fn deadlines(urls: &Urls) -> String {
        format!("{}deadlines.ics", urls.home())
    }
    pub fn term_deadlines(urls: &Urls, section: &str, slug: &str) -> String {
        format!("{}deadlines.ics", urls.term(section, slug, 1))
    }
    pub fn data_page(urls: &Urls) -> String {
        format!("{}data/", urls.home())
    }
    pub fn search_page(urls: &Urls) -> String {
        format!("{}search/", urls.home())
    }
}

/// Whether an open question's deadline is still to come on `as_of` (the calendars' events).
pub fn upcoming(q: &Question, as_of: NaiveDate) -> bool {
    q.status == Status::Open && q.deadline.is_some_and(|d| d >= as_of)
}

/// What the open-data page lists: the bulk files and one example record, made by the data
/// producer and shown by the page.
#[derive(Debug, Clone)]
pub struct DataPageFiles {
    pub files: Vec<String>,
    /// The first record: its path and pretty JSON.
    pub example: Option<(String, String)>,
    /// The JSON Schema of a record.
    pub schema: &'static str,
}
