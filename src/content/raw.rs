//! The front matter as written, the names it may use and the one date form it accepts. Its own
//! module so that both readers (`canonical`, fast, and `frontmatter`, of record) build it
//! without depending on each other.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use super::model::{AddresseeKind, Event, Link, Status};

/// The front matter as written; `deny_unknown_fields` turns typos into errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub id: Option<String>,
    pub assembly: Option<String>,
    pub legislature: Option<u32>,
    pub number: Option<u64>,
    pub lang: Option<String>,
    pub original_lang: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub party: Option<String>,
    pub addressee: Option<String>,
    pub addressee_kind: Option<AddresseeKind>,
    pub keywords: Option<Vec<String>>,
    #[serde(default, deserialize_with = "optional_date")]
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_date")]
    pub deadline: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_date")]
    pub answered: Option<NaiveDate>,
    pub status: Option<Status>,
    pub events: Option<Vec<Event>>,
    pub links: Option<Vec<Link>>,
    pub source: Option<String>,
    pub aliases: Option<Vec<String>>,
}

/// Every front-matter field, in the order the README lists them.
pub const FIELDS: &[&str] = &[
    "id",
    "assembly",
    "legislature",
    "number",
    "lang",
    "original_lang",
    "title",
    "author",
    "party",
    "addressee",
    "addressee_kind",
    "keywords",
    "date",
    "deadline",
    "answered",
    "status",
    "events",
    "links",
    "source",
    "aliases",
];

/// The values of each enumerated field, as written (checked against the enums by a test below).
pub const STATUSES: &[&str] = &[
    "open",
    "answered",
    "closed",
    "end-of-legislature",
    "requalified",
];
pub const ADDRESSEE_KINDS: &[&str] = &[
    "minister",
    "vice-prime-minister",
    "prime-minister",
    "secretary-of-state",
];
pub const EVENT_TYPES: &[&str] = &[
    "sent",
    "answer",
    "reminder",
    "file-closed",
    "end-of-legislature",
    "requalification",
];
pub const LINK_TYPES: &[&str] = &[
    "also-asked-to",
    "reintroduction-of",
    "reintroduced-as",
    "requalification-of",
    "requalified-as",
];
pub const LINK_KINDS: &[&str] = &["written-question", "request-for-explanations"];

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDate {
    /// Not `YYYY-MM-DD` with zero-padded month and day.
    Form,
    /// In that form, but not a day of the calendar (2023-02-30).
    Calendar,
}

/// A date written exactly `YYYY-MM-DD`, zero-padded: chrono alone also takes `2023-1-26`.
pub fn parse_date(text: &str) -> Result<NaiveDate, BadDate> {
    let b = text.as_bytes();
    let form = b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !form {
        return Err(BadDate::Form);
    }
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)).ok_or(BadDate::Calendar)
}

/// The message for a refused date, quoting at most 40 characters of what was written.
pub fn date_message(text: &str, why: BadDate) -> String {
    let shown = super::lines::shown(text, 40);
    match why {
        BadDate::Form => {
            format!("`{shown}` is not a date in the form YYYY-MM-DD (e.g. 2023-01-26)")
        }
        BadDate::Calendar => format!("`{shown}` is not a day of the calendar"),
    }
}

/// A date field, strictly (see [`parse_date`]).
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    parse_date(&text).map_err(|why| serde::de::Error::custom(date_message(&text, why)))
}

fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::super::model::{EventType, LinkKind, LinkType};
    use super::*;

    /// The names serde expects for `T`, from its "expected one of" message.
    fn variants<T: for<'de> Deserialize<'de> + std::fmt::Debug>() -> Vec<String> {
        let e = serde_yaml::from_str::<T>("not-a-variant").unwrap_err();
        let text = e.to_string();
        let list = text.split("expected ").nth(1).unwrap();
        let list = list.split(" at line").next().unwrap();
        let list = list.trim_start_matches("one of ").replace(" or ", ", ");
        list.split(", ")
            .map(|v| v.trim_matches(|c| c == '`' || c == ' ').to_string())
            .collect()
    }

    #[test]
    fn the_value_lists_are_the_enums() {
        assert_eq!(variants::<Status>(), STATUSES);
        assert_eq!(variants::<AddresseeKind>(), ADDRESSEE_KINDS);
        assert_eq!(variants::<EventType>(), EVENT_TYPES);
        assert_eq!(variants::<LinkType>(), LINK_TYPES);
        assert_eq!(variants::<LinkKind>(), LINK_KINDS);
    }

    #[test]
    fn dates_are_read_in_one_form_only() {
        assert_eq!(
            parse_date("2023-01-26"),
            NaiveDate::from_ymd_opt(2023, 1, 26).ok_or(BadDate::Form)
        );
        for bad in [
            "2023-1-26",
            "26/01/2023",
            "2023-01-26T00:00",
            "2023-01-6",
            "+2023-01-26",
            " 2023-01-26",
            "",
        ] {
            assert_eq!(parse_date(bad), Err(BadDate::Form), "{bad:?}");
        }
        assert_eq!(parse_date("2023-02-30"), Err(BadDate::Calendar));
        assert_eq!(parse_date("2023-13-01"), Err(BadDate::Calendar));
    }
}
