//! iCalendar files of upcoming deadlines: RFC 5545 structure checked line by line, then parsed by
//! the `icalendar` crate's parser.

mod common;

use common::*;

/// Strict line-level RFC 5545 checks, then a parse; returns the VEVENTs as name → value maps
/// (none for a calendar with nothing due).
fn parse_events(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    assert!(text.ends_with("\r\n"), "ends with CRLF");
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    assert!(!text.replace("\r\n", "").contains('\r'), "bare CR");
    for line in text.split_terminator("\r\n") {
        assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
        assert!(!line.is_empty(), "empty content line");
    }
    let unfolded = icalendar::parser::unfold(text);
    let lines: Vec<&str> = unfolded.lines().collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let cal = icalendar::parser::read_calendar(&unfolded).expect("parses as iCalendar");
    // The parser unwraps the VCALENDAR: its properties and its components.
    assert!(cal
        .properties
        .iter()
        .any(|p| p.name == "VERSION" && p.val == "2.0"));
    assert!(cal.properties.iter().any(|p| p.name == "PRODID"));
    let mut uids = std::collections::HashSet::new();
    let events: Vec<_> = cal
        .components
        .iter()
        .map(|c| {
            assert_eq!(c.name.as_str(), "VEVENT");
            let mut m = std::collections::BTreeMap::new();
            for p in &c.properties {
                let params: Vec<String> = p
                    .params
                    .iter()
                    .map(|x| {
                        format!(
                            ";{}={}",
                            x.key.as_str(),
                            x.val.as_ref().map(|v| v.as_str()).unwrap_or("")
                        )
                    })
                    .collect();
                m.insert(
                    format!("{}{}", p.name.as_str(), params.concat()),
                    p.val.as_str().to_string(),
                );
            }
            for required in ["UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY"] {
                assert!(m.contains_key(required), "VEVENT lacks {required}");
            }
            assert!(uids.insert(m["UID"].clone()), "duplicate UID");
            let stamp = &m["DTSTAMP"];
            chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
                .expect("DTSTAMP is UTC date-time");
            chrono::NaiveDate::parse_from_str(&m["DTSTART;VALUE=DATE"], "%Y%m%d").expect("DATE");
            m
        })
        .collect();
    events
}

/// `parse_events` for a calendar that must have events.
fn parse_ics(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let events = parse_events(text);
    assert!(!events.is_empty());
    events
}

fn build_as_of(site: &Site, as_of: &str) {
    let mut opts = site.opts();
    opts.as_of = Some(as_of.parse().unwrap());
    quaestor::pipeline::build(&opts).unwrap();
}

#[test]
fn site_ministry_and_member_calendars_list_upcoming_deadlines() {
    let site = Site::standard();
    build_as_of(&site, "2023-02-01");
    for ics in [
        "deadlines.ics",
        "ministries/defensie/deadlines.ics",
        "members/anna-peeters/deadlines.ics",
    ] {
        let events = parse_ics(&site.page(ics));
        // Open questions 7-2 and 7-4 (deadline 2023-03-02); answered ones are not events.
        let uids: Vec<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
        assert_eq!(
            uids,
            ["deadline-7-2-nl@example.org", "deadline-7-4-nl@example.org"],
            "{ics}"
        );
        assert_eq!(events[0]["DTSTART;VALUE=DATE"], "20230302");
        assert_eq!(events[0]["DTEND;VALUE=DATE"], "20230303");
        assert_eq!(events[0]["DTSTAMP"], "20230112T000000Z");
        assert_eq!(events[0]["URL"], "https://example.org/questions/7-2/");
    }
    // The French calendar lists the same deadlines: the open questions have no French version,
    // so its events link to their Dutch pages.
    let fr = parse_ics(&site.page("fr/deadlines.ics"));
    let uids: Vec<&str> = fr.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(
        uids,
        ["deadline-7-2-nl@example.org", "deadline-7-4-nl@example.org"]
    );
    assert_eq!(fr[0]["URL"], "https://example.org/questions/7-2/");
    assert!(site
        .page("fr/index.html")
        .contains(r#"class="follow-calendar">"#));
    assert!(site
        .page("index.html")
        .contains(r#"<link rel="alternate" type="text/calendar" title="Antwoordtermijnen" href="/deadlines.ics">"#));
    assert!(site
        .page("ministries/defensie/index.html")
        .contains(r#"href="/ministries/defensie/deadlines.ics""#));
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn past_deadlines_are_not_events() {
    let site = Site::standard();
    build_as_of(&site, "2024-01-01");
    assert_eq!(parse_events(&site.page("deadlines.ics")).len(), 0);
    assert!(site.page("index.html").contains("text/calendar"));
    build_as_of(&site, "2023-03-02");
    assert_eq!(
        parse_ics(&site.page("deadlines.ics")).len(),
        2,
        "the deadline day counts"
    );
}

#[test]
fn text_is_escaped_folded_and_stable() {
    let site = Site::standard();
    let title = format!(
        "Comma, semicolon; backslash \\ and a long title {}",
        "é".repeat(60)
    );
    site.add(
        "7-9",
        "nl",
        &question("7-9", "nl", &title, &[], "2023-01-20", None),
    );
    build_as_of(&site, "2023-02-01");
    let text = site.page("deadlines.ics");
    let events = parse_ics(&text);
    let e = events
        .iter()
        .find(|e| e["UID"] == "deadline-7-9-nl@example.org")
        .unwrap();
    // The parser unescapes TEXT: the title comes back intact; the raw file has it escaped.
    assert!(e["SUMMARY"].ends_with(&title), "{}", e["SUMMARY"]);
    assert!(icalendar::parser::unfold(&text).contains("Comma\\, semicolon\\; backslash \\\\ and"));
    let unescaped = icalendar::parser::unfold(&text);
    assert!(unescaped.contains(&"é".repeat(60)));
    build_as_of(&site, "2023-02-01");
    assert_eq!(
        site.page("deadlines.ics"),
        text,
        "byte-identical on rebuild"
    );
}

/// A subscription must not 404 once nothing is due: a term with no deadline to come still has a
/// calendar, valid with no event, linked from its page (head and visible follow link), and an
/// incremental build that empties it writes the same bytes as a full build.
#[test]
fn a_term_with_nothing_due_has_an_empty_linked_calendar() {
    let site = Site::standard();
    build_as_of(&site, "2024-01-01");
    for (ics, page) in [
        (
            "ministries/defensie/deadlines.ics",
            "ministries/defensie/index.html",
        ),
        (
            "members/anna-peeters/deadlines.ics",
            "members/anna-peeters/index.html",
        ),
    ] {
        let text = site.page(ics);
        assert_eq!(parse_events(&text), Vec::new(), "{ics}");
        assert!(!text.contains("BEGIN:VEVENT"));
        let html = site.page(page);
        let href = format!(r#"href="/{ics}""#);
        assert!(
            html.contains(r#"<link rel="alternate" type="text/calendar""#)
                && html.matches(&href).count() == 2,
            "{page} links {ics} in its head and its follow line"
        );
    }
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
    // Builds use the cache: something due again, then nothing, as the full build above wrote it.
    let (empty, page) = (
        site.page("ministries/defensie/deadlines.ics"),
        site.page("ministries/defensie/index.html"),
    );
    build_as_of(&site, "2023-02-01");
    assert_eq!(
        parse_ics(&site.page("ministries/defensie/deadlines.ics")).len(),
        2
    );
    build_as_of(&site, "2024-01-01");
    assert_eq!(site.page("ministries/defensie/deadlines.ics"), empty);
    assert_eq!(site.page("ministries/defensie/index.html"), page);
}
