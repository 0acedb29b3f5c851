//! The status engine: where a question stands on the `as_of` date. Deadlines are read from the
//! source, never computed; where none was printed the engine says so instead of inventing one.

use chrono::NaiveDate;

use crate::content::{Question, Status};

/// A question's standing on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Open, deadline not yet passed (`days_left` 0 means due today).
    Open {
        days_left: i64,
        waited: i64,
    },
    /// Open, and no deadline was printed.
    OpenNoDeadline {
        waited: i64,
    },
    /// Open past its deadline.
    Overdue {
        days: i64,
        waited: i64,
    },
    AnsweredOnTime {
        days_to_answer: i64,
    },
    AnsweredLate {
        days_late: i64,
        days_to_answer: i64,
    },
    /// Answered, but the source printed no deadline to measure against.
    AnsweredNoDeadline {
        days_to_answer: i64,
    },
    Closed,
    EndOfLegislature,
    Requalified,
}

impl Standing {
    pub fn of(q: &Question, as_of: NaiveDate) -> Standing {
        let waited = (as_of - q.date).num_days().max(0);
        match q.status {
            Status::Answered => {
                let days_to_answer = q.days_to_answer().unwrap_or(0);
                match q.days_late() {
                    Some(late) if late > 0 => Standing::AnsweredLate {
                        days_late: late,
                        days_to_answer,
                    },
                    Some(_) => Standing::AnsweredOnTime { days_to_answer },
                    None => Standing::AnsweredNoDeadline { days_to_answer },
                }
            }
            Status::Open => match q.deadline {
                Some(d) if as_of > d => Standing::Overdue {
                    days: (as_of - d).num_days(),
                    waited,
                },
                Some(d) => Standing::Open {
                    days_left: (d - as_of).num_days(),
                    waited,
                },
                None => Standing::OpenNoDeadline { waited },
            },
            Status::Closed => Standing::Closed,
            Status::EndOfLegislature => Standing::EndOfLegislature,
            Status::Requalified => Standing::Requalified,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            Standing::Open { .. } | Standing::OpenNoDeadline { .. } | Standing::Overdue { .. }
        )
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Standing::Overdue { .. })
    }

    /// Days an open question has waited for its answer.
    pub fn waited(self) -> Option<i64> {
        match self {
            Standing::Open { waited, .. }
            | Standing::OpenNoDeadline { waited }
            | Standing::Overdue { waited, .. } => Some(waited),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::{AddresseeKind, Event, EventType};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn q(date: &str, deadline: Option<&str>, answered: Option<&str>, status: Status) -> Question {
        Question {
            id: "7-1".into(),
            assembly: "be-senate".into(),
            legislature: 7,
            number: 1,
            lang: "nl".into(),
            original_lang: "nl".into(),
            title: "t".into(),
            author: "a".into(),
            party: None,
            addressee: "minister van Defensie".into(),
            addressee_kind: AddresseeKind::Minister,
            keywords: vec![],
            date: d(date),
            deadline: deadline.map(d),
            answered: answered.map(d),
            status,
            events: vec![Event {
                date: d(date),
                kind: EventType::Sent,
            }],
            links: vec![],
            source: "https://x".into(),
            aliases: vec![],
            path: "x".into(),
            has_answer_text: answered.is_some(),
            file_hash: 0,
        }
    }

    #[test]
    fn late_by_six_days_like_7_1870() {
        let s = Standing::of(
            &q(
                "2023-01-26",
                Some("2023-03-02"),
                Some("2023-03-08"),
                Status::Answered,
            ),
            d("2026-11-28"),
        );
        assert_eq!(
            s,
            Standing::AnsweredLate {
                days_late: 6,
                days_to_answer: 41
            }
        );
    }

    #[test]
    fn answered_on_the_deadline_is_on_time() {
        let s = Standing::of(
            &q(
                "2023-01-26",
                Some("2023-03-02"),
                Some("2023-03-02"),
                Status::Answered,
            ),
            d("2026-11-28"),
        );
        assert_eq!(s, Standing::AnsweredOnTime { days_to_answer: 35 });
    }

    #[test]
    fn open_then_overdue() {
        let open = q("2026-11-01", Some("2026-12-05"), None, Status::Open);
        assert_eq!(
            Standing::of(&open, d("2026-11-28")),
            Standing::Open {
                days_left: 7,
                waited: 27
            }
        );
        assert_eq!(
            Standing::of(&open, d("2026-12-05")),
            Standing::Open {
                days_left: 0,
                waited: 34
            }
        );
        assert_eq!(
            Standing::of(&open, d("2026-12-15")),
            Standing::Overdue {
                days: 10,
                waited: 44
            }
        );
    }

    #[test]
    fn no_printed_deadline_is_not_invented() {
        let open = q("2010-01-04", None, None, Status::Open);
        assert_eq!(
            Standing::of(&open, d("2010-06-01")),
            Standing::OpenNoDeadline { waited: 148 }
        );
        let answered = q("2010-01-04", None, Some("2010-03-01"), Status::Answered);
        assert_eq!(
            Standing::of(&answered, d("2026-11-28")),
            Standing::AnsweredNoDeadline { days_to_answer: 56 }
        );
    }

    #[test]
    fn closed_questions_are_neither_open_nor_overdue() {
        let closed = q("2019-01-04", Some("2019-02-04"), None, Status::Closed);
        let s = Standing::of(&closed, d("2026-11-28"));
        assert_eq!(s, Standing::Closed);
        assert!(!s.is_open() && !s.is_overdue());
    }
}
