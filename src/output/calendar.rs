//! iCalendar (RFC 5545) files of upcoming answer deadlines: open questions whose deadline is on or
//! after `as_of`, as all-day events. One calendar for the site and one per ministry and member, per
//! language, written even when nothing is due (no event), so a subscribed address never 404s.
//! Everything is derived from the content: UIDs from the question id, language and host, DTSTAMP
//! from the question's latest event; lines end in CRLF and are folded at 75 octets.

use chrono::NaiveDate;

use super::{Files, Output};
use crate::content::Question;
use crate::error::Result;
use crate::output::escape::{ical_line, ical_text};
use crate::site::library::QIdx;
use crate::site::published::{paths, upcoming, CALENDAR_KINDS};
use crate::site::Site;

fn ical_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn host(full: &str) -> &str {
    let rest = full.split_once("://").map(|(_, r)| r).unwrap_or(full);
    rest.split('/').next().unwrap_or(rest)
}

/// One calendar of the given questions (only the upcoming ones become events).
fn calendar(r: &Site, l: usize, name: &str, questions: &[QIdx]) -> Vec<u8> {
    let lib = &r.library;
    let (code, _, t) = r.language(l);
    let mut qs: Vec<&Question> = questions
        .iter()
        .map(|&q| lib.question(q))
        .filter(|q| upcoming(q, r.as_of))
        .collect();
    qs.sort_by(|a, b| {
        (a.deadline, a.legislature, a.number).cmp(&(b.deadline, b.legislature, b.number))
    });
    let mut out = String::new();
    let calname = format!("{name} · {}", r.config.title_in(code));
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Quaestor//Answer deadlines//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", ical_text(&calname)),
    ] {
        ical_line(&mut out, &line);
    }
    let host = host(&r.base.full);
    for q in qs {
        let deadline = q.deadline.expect("upcoming questions have a deadline");
        let stamp = q.events.iter().map(|e| e.date).max().unwrap_or(q.date);
        // Its own page: a question with no version in this language links to the one it has.
        let url = r.base.absolute(&r.question_url(q));
        let summary = format!(
            "{} — {}",
            t.get("calendar_event").replace("{id}", &q.id),
            q.title
        );
        let mut description = format!("{}: {}", t.get("label_author"), q.author);
        if let Some(p) = &q.party {
            description.push_str(&format!(" ({p})"));
        }
        description.push_str(&format!(
            "\n{}: {}\n{}: {}\n{url}",
            t.get("label_addressee"),
            q.addressee,
            t.get("label_sent"),
            t.long_date(q.date)
        ));
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:deadline-{}-{}@{host}", q.id, q.lang),
            format!("DTSTAMP:{}T000000Z", ical_date(stamp)),
            format!("DTSTART;VALUE=DATE:{}", ical_date(deadline)),
            format!(
                "DTEND;VALUE=DATE:{}",
                ical_date(deadline + chrono::Days::new(1))
            ),
            format!("SUMMARY:{}", ical_text(&summary)),
            format!("DESCRIPTION:{}", ical_text(&description)),
            format!("URL:{url}"),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ] {
            ical_line(&mut out, &line);
        }
    }
    ical_line(&mut out, "END:VCALENDAR");
    out.into_bytes()
}

/// Every calendar of the site. A calendar reads `as_of` and the deadlines of its term's
/// questions: it is made on every build and the cache compares its bytes (no digest).
pub fn files<Page>(r: &Site) -> Result<Files<Page>> {
    let lib = &r.library;
    let mut out = Vec::new();
    for l in 0..r.language_count() {
        let (_, urls, t) = r.language(l);
        let index = &lib.langs[l];
        let ics = calendar(r, l, t.get("calendar_deadlines"), &index.questions);
        out.push(Output::made(paths::deadlines(urls), ics));
        for kind in CALENDAR_KINDS {
            for term in &index.taxonomy(kind).terms {
                let name = t.get("calendar_term").replace("{name}", &term.name);
                let ics = calendar(r, l, &name, &term.questions);
                out.push(Output::made(
                    paths::term_deadlines(urls, kind.section(), &term.slug),
                    ics,
                ));
            }
        }
    }
    Ok(out)
}
