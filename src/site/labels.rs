//! How the domain's kinds (status, event, addressee, link) are spelt: as a key in data files and
//! as words in each language. Pages, feeds and data files share these.

use super::strings::Strings;
use crate::content::model::LinkKind;
use crate::content::{AddresseeKind, EventType, LinkType, Status};

/// The key of a status in data files and CSS classes.
pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Answered => "answered",
        Status::Closed => "closed",
        Status::EndOfLegislature => "end-of-legislature",
        Status::Requalified => "requalified",
    }
}

pub fn status_label(t: &Strings, s: Status) -> String {
    t.get(&format!("status_{}", status_key(s).replace('-', "_")))
        .to_string()
}

pub fn kind_label(t: &Strings, k: AddresseeKind) -> &str {
    t.get(match k {
        AddresseeKind::Minister => "kind_minister",
        AddresseeKind::VicePrimeMinister => "kind_vice_prime_minister",
        AddresseeKind::PrimeMinister => "kind_prime_minister",
        AddresseeKind::SecretaryOfState => "kind_secretary_of_state",
    })
}

pub fn event_label(t: &Strings, e: EventType) -> &str {
    t.get(match e {
        EventType::Sent => "event_sent",
        EventType::Answer => "event_answer",
        EventType::Reminder => "event_reminder",
        EventType::FileClosed => "event_file_closed",
        EventType::EndOfLegislature => "event_end_of_legislature",
        EventType::Requalification => "event_requalification",
    })
}

pub fn link_label(t: &Strings, l: LinkType) -> &str {
    t.get(match l {
        LinkType::AlsoAskedTo => "link_also_asked_to",
        LinkType::ReintroductionOf => "link_reintroduction_of",
        LinkType::ReintroducedAs => "link_reintroduced_as",
        LinkType::RequalificationOf => "link_requalification_of",
        LinkType::RequalifiedAs => "link_requalified_as",
    })
}

pub fn link_target_label(t: &Strings, k: LinkKind) -> &str {
    t.get(match k {
        LinkKind::WrittenQuestion => "written_question",
        LinkKind::RequestForExplanations => "request_for_explanations",
    })
}
