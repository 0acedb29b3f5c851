//! The printed labels of both languages, in one place, so an unknown label can be
//! reported with the full list of what was expected.

use super::model::{EventType, LinkKind, LinkType};

pub const EVENT_LABELS: &[(&str, EventType)] = &[
    ("Verzending vraag", EventType::Sent),
    ("Envoi question", EventType::Sent),
    ("Antwoord", EventType::Answer),
    ("Réponse", EventType::Answer),
    ("Rappel", EventType::Reminder),
    ("Dossier gesloten", EventType::FileClosed),
    ("Dossier clôturé", EventType::FileClosed),
    ("Einde zittingsperiode", EventType::EndOfLegislature),
    ("Fin de la législature", EventType::EndOfLegislature),
    ("Herkwalificatie", EventType::Requalification),
    ("Requalification", EventType::Requalification),
];
pub const DEADLINE_LABELS: &[&str] = &["Einde van de antwoordtermijn", "Fin du délai de réponse"];
pub const LINK_LABELS: &[(&str, LinkType)] = &[
    ("Ook gesteld aan", LinkType::AlsoAskedTo),
    ("Aussi posée à", LinkType::AlsoAskedTo),
    ("Herindiening van", LinkType::ReintroductionOf),
    ("Réintroduction de", LinkType::ReintroductionOf),
    ("Heringediend als", LinkType::ReintroducedAs),
    ("Réintroduite comme", LinkType::ReintroducedAs),
    ("Herkwalificatie van", LinkType::RequalificationOf),
    ("Requalification de", LinkType::RequalificationOf),
    ("Geherkwalificeerd als", LinkType::RequalifiedAs),
    ("Requalifiée comme", LinkType::RequalifiedAs),
];
pub const LINK_KINDS: &[(&str, LinkKind)] = &[
    ("schriftelijke vraag", LinkKind::WrittenQuestion),
    ("question écrite", LinkKind::WrittenQuestion),
    ("vraag om uitleg", LinkKind::RequestForExplanations),
    ("demande d'explications", LinkKind::RequestForExplanations),
    ("demande d’explications", LinkKind::RequestForExplanations),
];
pub const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
