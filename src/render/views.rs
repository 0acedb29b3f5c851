//! Views: the small, serialisable records that templates see. Each question's summary is built
//! once and borrowed by every listing it appears in; no listing carries a page's rendered body.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::Question;
pub use crate::site::labels::*;
use crate::site::status::Standing;
use crate::site::strings::Strings;

/// A name with the page it links to.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub name: String,
    pub url: String,
}

/// One line of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    /// The language the summary is written in: a page of another language that lists it marks
    /// it (a question with no version in the page's language).
    pub lang: String,
    pub url: String,
    pub title: String,
    pub author: String,
    pub party: Option<String>,
    pub addressee: String,
    pub date: String,
    pub date_iso: String,
    pub answered: Option<String>,
    pub answered_iso: Option<String>,
    pub status: &'static str,
    pub status_label: String,
    pub timing: Option<String>,
    pub timing_class: &'static str,
}

/// `{n}` in a string replaced by a number, choosing `<key>_one` or `<key>_other`.
pub fn plural(t: &Strings, key: &str, n: i64) -> String {
    let form = if n.abs() == 1 { "one" } else { "other" };
    t.get(&format!("{key}_{form}"))
        .replace("{n}", &n.to_string())
}

/// The badge of a question: its status, except that an open question past its deadline says
/// so instead of "Open" (a theme whose strings predate `status_overdue` keeps "Open").
pub fn badge(t: &Strings, q: &Question, as_of: NaiveDate) -> (&'static str, String) {
    match t.map.get("status_overdue") {
        Some(label) if Standing::of(q, as_of).is_overdue() => ("overdue", label.clone()),
        _ => (q.status.as_str(), status_label(t, q.status)),
    }
}

/// How the question stands against its deadline, as a phrase and a CSS class.
pub fn timing(t: &Strings, q: &Question, as_of: NaiveDate) -> (Option<String>, &'static str) {
    match Standing::of(q, as_of) {
        Standing::AnsweredLate { days_late, .. } => {
            (Some(plural(t, "days_late", days_late)), "late")
        }
        Standing::AnsweredOnTime { .. } => (Some(t.get("answered_on_time").to_string()), "on-time"),
        Standing::AnsweredNoDeadline { .. } => {
            (Some(t.get("no_deadline").to_string()), "no-deadline")
        }
        Standing::Overdue { days, .. } => (Some(plural(t, "days_overdue", days)), "overdue"),
        Standing::Open { days_left, .. } => (Some(plural(t, "days_left", days_left)), "pending"),
        Standing::OpenNoDeadline { .. } => (Some(t.get("no_deadline").to_string()), "no-deadline"),
        Standing::Closed | Standing::EndOfLegislature | Standing::Requalified => (None, ""),
    }
}

pub fn summary(t: &Strings, q: &Question, url: String, as_of: NaiveDate) -> Summary {
    let (timing, timing_class) = timing(t, q, as_of);
    let (status, status_label) = badge(t, q, as_of);
    Summary {
        id: q.id.clone(),
        lang: q.lang.clone(),
        url,
        title: q.title.clone(),
        author: q.author.clone(),
        party: q.party.clone(),
        addressee: q.addressee.clone(),
        date: t.long_date(q.date),
        date_iso: q.date.to_string(),
        answered: q.answered.map(|d| t.long_date(d)),
        answered_iso: q.answered.map(|d| d.to_string()),
        status,
        status_label,
        timing,
        timing_class,
    }
}
