//! Bad input: each problem names the file, the line and the field; every bad file of a build is
//! reported in one run; and the previous output is left untouched.

mod common;

use std::path::Path;

use common::*;
use quaestor::error::Diagnostic;

fn good(id: &str) -> String {
    question(
        id,
        "nl",
        "Titel",
        &["spionage"],
        "2023-01-26",
        Some("2023-03-08"),
    )
}

fn errors_for(text: &str) -> Vec<Diagnostic> {
    let site = Site::standard();
    site.add("7-50", "nl", text);
    diagnostics(site.build().unwrap_err())
}

fn one(text: &str) -> Diagnostic {
    let d = errors_for(text);
    assert_eq!(d.len(), 1, "expected one problem, got {d:#?}");
    let d = d.into_iter().next().unwrap();
    assert_eq!(d.path, Path::new("content/questions/7/7-50.nl.md"));
    d
}

#[test]
fn missing_required_field() {
    let d = one(&good("7-50").replace("author: \"Anna Peeters\"\n", ""));
    assert_eq!(d.field.as_deref(), Some("author"));
    assert!(d.message.contains("missing"));
    assert!(d.help.unwrap().contains("author:"));
}

#[test]
fn wrong_type_names_line_and_field() {
    let d = one(&good("7-50").replace("number: 50", "number: fifty"));
    assert_eq!(d.field.as_deref(), Some("number"));
    assert_eq!(d.line, Some(5));
}

#[test]
fn unknown_field() {
    let d = one(&good("7-50").replace(
        "party: \"Groen\"\n",
        "party: \"Groen\"\nparty_colour: green\n",
    ));
    assert_eq!(d.field.as_deref(), Some("party_colour"));
    assert_eq!(d.line, Some(11));
}

#[test]
fn impossible_calendar_date() {
    let d = one(&good("7-50").replace("deadline: 2023-03-02", "deadline: 2023-02-30"));
    assert_eq!(d.field.as_deref(), Some("deadline"));
    assert_eq!(d.line, Some(15));
}

#[test]
fn answered_before_sent() {
    let text = good("7-50")
        .replace("answered: 2023-03-08", "answered: 2023-01-02")
        .replace(
            "{date: 2023-03-08, type: answer}",
            "{date: 2023-01-02, type: answer}",
        );
    let d = errors_for(&text);
    let a = d
        .iter()
        .find(|d| d.field.as_deref() == Some("answered"))
        .expect("an answered error");
    assert!(a.message.contains("before it was sent"));
    assert_eq!(a.line, Some(16));
}

#[test]
fn status_contradicting_events() {
    let text = good("7-50").replace("status: answered", "status: closed");
    let d = errors_for(&text);
    let s = d
        .iter()
        .find(|d| d.message.contains("chronology says"))
        .expect("a status error");
    assert_eq!(s.field.as_deref(), Some("status"));
    assert_eq!(s.line, Some(17));
}

#[test]
fn id_must_match_the_file_name() {
    let site = Site::standard();
    site.add(
        "7-51",
        "nl",
        &good("7-50")
            .replace("number: 50", "number: 51")
            .replace("\"7-50\"", "\"7-51\"")
            .replace("id: \"7-51\"", "id: \"7-50\""),
    );
    let d = diagnostics(site.build().unwrap_err());
    let e = d
        .iter()
        .find(|d| d.field.as_deref() == Some("id"))
        .expect("an id error");
    assert_eq!(e.path, Path::new("content/questions/7/7-51.nl.md"));
    assert_eq!(e.line, Some(2));
}

#[test]
fn two_files_claiming_one_id_and_language() {
    let site = Site::standard();
    site.write("content/questions/8/7-1.nl.md", &good("7-1"));
    let d = diagnostics(site.build().unwrap_err());
    assert!(
        d.iter()
            .any(|d| d.message.contains("a second file for question 7-1.nl")),
        "{d:#?}"
    );
}

#[test]
fn unknown_body_section_names_its_line() {
    let d = one(&good("7-50").replace("## Antwoord", "## Antwoordd"));
    assert!(d.message.contains("Antwoordd"));
    let text = good("7-50");
    let line = text.lines().position(|l| l == "## Antwoord").unwrap() + 1;
    assert_eq!(d.line, Some(line));
}

#[test]
fn every_bad_file_is_reported_in_one_run_and_output_survives() {
    let site = Site::standard();
    site.build().unwrap();
    let before = std::fs::read(site.out().join("questions/7-1/index.html")).unwrap();
    site.add(
        "7-60",
        "nl",
        &good("7-60").replace("title: \"Titel\"\n", ""),
    );
    site.add(
        "7-61",
        "nl",
        &good("7-61").replace("status: answered", "status: open"),
    );
    site.add("7-62", "nl", "no front matter at all\n");
    site.add("7-63", "nl", &good("7-63").replace("lang: nl", "lang: de"));
    let d = diagnostics(site.build().unwrap_err());
    let mut paths: Vec<_> = d.iter().map(|d| d.path.display().to_string()).collect();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "content/questions/7/7-60.nl.md",
            "content/questions/7/7-61.nl.md",
            "content/questions/7/7-62.nl.md",
            "content/questions/7/7-63.nl.md"
        ]
    );
    assert!(d.iter().all(|d| d.line.is_some()), "{d:#?}");
    assert_eq!(
        std::fs::read(site.out().join("questions/7-1/index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn unknown_configuration_key_is_named() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}paginate = 10\n"));
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d[0].path, Path::new("quaestor.toml"));
    assert_eq!(d[0].field.as_deref(), Some("paginate"));
    assert_eq!(d[0].line, Some(7));
}

#[test]
fn crlf_bom_and_invalid_utf8() {
    let site = Site::standard();
    site.add(
        "7-70",
        "nl",
        &format!("\u{feff}{}", good("7-70").replace('\n', "\r\n")),
    );
    site.build().unwrap();
    assert!(site
        .page("questions/7-70/index.html")
        .contains("Answer to 7-70."));
    let mut bytes = good("7-71").into_bytes();
    let at = bytes.iter().position(|&b| b == b'T').unwrap();
    bytes[at] = 0xff;
    let leg = site.root().join("content/questions/7/7-71.nl.md");
    std::fs::write(leg, bytes).unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert!(d[0].message.contains("UTF-8"));
    assert!(d[0].line.is_some());
}
