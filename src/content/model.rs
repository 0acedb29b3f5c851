//! The question record, as the front matter declares it. Field names are the contract with the
//! ingester and with people who fix records by hand.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who was asked: decides the label shown, not the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddresseeKind {
    Minister,
    VicePrimeMinister,
    PrimeMinister,
    SecretaryOfState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    Answered,
    Closed,
    EndOfLegislature,
    Requalified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventType {
    Sent,
    Answer,
    Reminder,
    FileClosed,
    EndOfLegislature,
    Requalification,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(deserialize_with = "super::raw::date")]
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub kind: EventType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkType {
    AlsoAskedTo,
    ReintroductionOf,
    ReintroducedAs,
    RequalificationOf,
    RequalifiedAs,
}

/// What a link points at when it leaves the written-question series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    WrittenQuestion,
    RequestForExplanations,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[serde(rename = "type")]
    pub kind: LinkType,
    pub id: String,
    #[serde(rename = "kind", default = "written_question")]
    pub target: LinkKind,
}

fn written_question() -> LinkKind {
    LinkKind::WrittenQuestion
}

/// One question in one language. The Markdown body is not kept: it is read again when the page is
/// rendered, so that a 100,000-question library holds only metadata in memory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub assembly: String,
    pub legislature: u32,
    pub number: u64,
    pub lang: String,
    pub original_lang: String,
    pub title: String,
    pub author: String,
    pub party: Option<String>,
    pub addressee: String,
    pub addressee_kind: AddresseeKind,
    pub keywords: Vec<String>,
    pub date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub answered: Option<NaiveDate>,
    pub status: Status,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub source: String,
    pub aliases: Vec<String>,
    /// Path relative to the site root, for messages and for reading the body again.
    pub path: PathBuf,
    /// Whether the body has an answer section.
    pub has_answer_text: bool,
    /// Hash of the whole file (front matter and body): what the build cache compares.
    pub file_hash: u64,
}

impl Question {
    /// Days from sending to answering.
    pub fn days_to_answer(&self) -> Option<i64> {
        self.answered.map(|a| (a - self.date).num_days())
    }

    /// Days the answer came after the deadline (0 or negative when on time).
    pub fn days_late(&self) -> Option<i64> {
        match (self.answered, self.deadline) {
            (Some(a), Some(d)) => Some((a - d).num_days()),
            _ => None,
        }
    }

    /// Days an open question is past its deadline on `as_of`.
    pub fn days_overdue(&self, as_of: NaiveDate) -> Option<i64> {
        match (self.status, self.deadline) {
            (Status::Open, Some(d)) if as_of > d => Some((as_of - d).num_days()),
            _ => None,
        }
    }
}
