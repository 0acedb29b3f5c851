//! How the domain's kinds (status, event, addressee, link) are spelt: as a key in data files and
//! as words in each language. Pages, feeds and data files share these; each kind's spelling itself
//! is declared once, in `content::model`.

use super::strings::Strings;
use crate::content::model::LinkKind;
use crate::content::{AddresseeKind, EventType, LinkType, Status};

/// A kind's string key: `<prefix>_<spelling>`, hyphens as underscores (`event_file_closed`).
fn key(prefix: &str, spelling: &str) -> String {
    let spelling = spelling.replace('-', "_");
    if prefix.is_empty() {
        spelling
    } else {
        format!("{prefix}_{spelling}")
    }
}

pub fn status_label(t: &Strings, s: Status) -> String {
    t.get(&key("status", s.as_str())).to_string()
}

pub fn kind_label(t: &Strings, k: AddresseeKind) -> &str {
    t.get(&key("kind", k.as_str()))
}

pub fn event_label(t: &Strings, e: EventType) -> &str {
    t.get(&key("event", e.as_str()))
}

pub fn link_label(t: &Strings, l: LinkType) -> &str {
    t.get(&key("link", l.as_str()))
}

pub fn link_target_label(t: &Strings, k: LinkKind) -> &str {
    t.get(&key("", k.as_str()))
}
