//! The question record, as the front matter declares it. Field names are the contract with the
//! ingester and with people who fix records by hand.

use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Declares a kind of the record with its one spelling: `as_str` (and `Display`) and the serde
/// name come from the same literal, so files, pages, data and messages cannot disagree.
macro_rules! kind {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $spelling:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
        pub enum $name {
            $(#[serde(rename = $spelling)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling in front matter, data files, CSS classes and messages.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kind! {
    /// Who was asked: decides the label shown, not the URL.
    AddresseeKind {
        Minister = "minister",
        VicePrimeMinister = "vice-prime-minister",
        PrimeMinister = "prime-minister",
        SecretaryOfState = "secretary-of-state",
    }
}

kind! {
    /// Where the question stands; never free: [`status_from_events`] derives it.
    Status {
        Open = "open",
        Answered = "answered",
        Closed = "closed",
        EndOfLegislature = "end-of-legislature",
        Requalified = "requalified",
    }
}

kind! {
    /// One line of the chronology.
    EventType {
        Sent = "sent",
        Answer = "answer",
        Reminder = "reminder",
        FileClosed = "file-closed",
        EndOfLegislature = "end-of-legislature",
        Requalification = "requalification",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(deserialize_with = "super::raw::date")]
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub kind: EventType,
}

/// The status the chronology implies, by precedence: answered, requalified, end of legislature,
/// closed, else open. A question requalified into a request for explanations left the
/// written-question procedure then, so an end of legislature after it leaves it `requalified`.
/// Ingest writes this status and validation requires it, so both read it from here.
pub fn status_from_events(events: &[Event]) -> Status {
    let has = |k: EventType| events.iter().any(|e| e.kind == k);
    if has(EventType::Answer) {
        Status::Answered
    } else if has(EventType::Requalification) {
        Status::Requalified
    } else if has(EventType::EndOfLegislature) {
        Status::EndOfLegislature
    } else if has(EventType::FileClosed) {
        Status::Closed
    } else {
        Status::Open
    }
}

kind! {
    /// How a link relates two questions.
    LinkType {
        AlsoAskedTo = "also-asked-to",
        ReintroductionOf = "reintroduction-of",
        ReintroducedAs = "reintroduced-as",
        RequalificationOf = "requalification-of",
        RequalifiedAs = "requalified-as",
    }
}

kind! {
    /// What a link points at: requests for explanations are a separate numbering series.
    LinkKind {
        WrittenQuestion = "written-question",
        RequestForExplanations = "request-for-explanations",
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chronology(kinds: &[EventType]) -> Vec<Event> {
        let date = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        kinds.iter().map(|&kind| Event { date, kind }).collect()
    }

    #[test]
    fn requalified_before_the_end_of_the_legislature_stays_requalified() {
        use EventType::*;
        let cases = [
            (&[Sent][..], Status::Open),
            (&[Sent, Reminder], Status::Open),
            (&[Sent, FileClosed], Status::Closed),
            (&[Sent, EndOfLegislature], Status::EndOfLegislature),
            (
                &[Sent, Requalification, EndOfLegislature],
                Status::Requalified,
            ),
            (&[Sent, Requalification, FileClosed], Status::Requalified),
            (&[Sent, Requalification, Answer], Status::Answered),
            (&[Sent, Answer, EndOfLegislature], Status::Answered),
        ];
        for (kinds, status) in cases {
            assert_eq!(status_from_events(&chronology(kinds)), status, "{kinds:?}");
        }
    }

    /// The data schema (`api/question.schema.json`) spells the kinds by hand: it must list
    /// exactly the spellings the model writes.
    #[test]
    fn the_data_schema_lists_every_spelling() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../output/question.schema.json")).unwrap();
        let version = &schema["$defs"]["version"]["properties"];
        let listed = |v: &serde_json::Value| -> Vec<String> {
            let values = v["enum"].as_array().expect("an enum");
            values
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        };
        fn all<T: Copy + fmt::Display>(all: &[T]) -> Vec<String> {
            all.iter().map(|k| k.to_string()).collect()
        }
        assert_eq!(listed(&version["status"]), all(Status::ALL));
        assert_eq!(listed(&version["addressee_kind"]), all(AddresseeKind::ALL));
        let event = &version["events"]["items"]["properties"];
        assert_eq!(listed(&event["type"]), all(EventType::ALL));
        let link = &version["links"]["items"]["properties"];
        assert_eq!(listed(&link["type"]), all(LinkType::ALL));
        assert_eq!(listed(&link["kind"]), all(LinkKind::ALL));
    }

    #[test]
    fn serde_reads_and_writes_the_one_spelling() {
        for s in Status::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), *s);
        }
        let e: Event =
            serde_yaml::from_str("{date: 2024-05-27, type: end-of-legislature}").unwrap();
        assert_eq!(e.kind, EventType::EndOfLegislature);
        let err = serde_yaml::from_str::<Status>("requalification").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected one of `open`, `answered`"),
            "{err}"
        );
    }
}
