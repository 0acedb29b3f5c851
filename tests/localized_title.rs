//! The site title and description given per language: each language's pages, feeds and calendars
//! are named in that language, and a table with a code the site does not have is refused.

mod common;

use std::path::Path;

use common::*;

const LOCALIZED: &str = r#"title = { nl = "Schriftelijke vragen", fr = "Questions écrites" }
description = { nl = "Vragen aan de regering." }
base_url = "https://example.org/"
default_language = "nl"
languages = ["nl", "fr"]
paginate_by = 2
as_of = "2023-02-01"
"#;

#[test]
fn each_language_shows_its_own_title_and_falls_back_to_the_default_description() {
    let site = Site::standard();
    site.write("quaestor.toml", LOCALIZED);
    site.build().unwrap();
    let nl = site.page("index.html");
    let fr = site.page("fr/index.html");
    assert!(nl.contains("<h1>Schriftelijke vragen</h1>"), "{nl}");
    assert!(fr.contains("<h1>Questions écrites</h1>"), "{fr}");
    assert!(!fr.contains("Schriftelijke vragen"));
    assert!(!nl.contains("Questions écrites"));
    // Another page's <title> and the social card's site name.
    let fr_q = site.page("fr/questions/7-1/index.html");
    assert!(fr_q.contains(" · Questions écrites</title>"), "{fr_q}");
    assert!(fr_q.contains(r#"<meta property="og:site_name" content="Questions écrites">"#));
    // fr has no description of its own: the default language's, on the page and in its meta.
    assert!(fr.contains("Vragen aan de regering."));
    assert!(fr.contains(r#"<meta name="description" content="Vragen aan de regering.""#));
    // Feeds and calendars carry their language's title.
    let feed = site.page("fr/questions/feed.xml");
    assert!(feed.contains("· Questions écrites</title>"), "{feed}");
    assert!(feed.contains("<name>Questions écrites</name>"), "{feed}");
    assert!(site
        .page("questions/feed.xml")
        .contains("· Schriftelijke vragen</title>"));
    let ics = icalendar::parser::unfold(&site.page("fr/deadlines.ics"));
    assert!(
        ics.contains("X-WR-CALNAME:") && ics.contains("· Questions écrites"),
        "{ics}"
    );
}

#[test]
fn a_title_for_a_language_the_site_does_not_have_names_the_file_line_and_field() {
    let site = Site::standard();
    site.write(
        "quaestor.toml",
        &LOCALIZED.replace(
            r#"fr = "Questions écrites" }"#,
            r#"fr = "Questions écrites", de = "Schriftliche Fragen" }"#,
        ),
    );
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("quaestor.toml"));
    assert_eq!(d[0].line, Some(1));
    assert_eq!(d[0].field.as_deref(), Some("title"));
    assert!(d[0].message.contains("`de`"), "{}", d[0].message);
    assert!(d[0].help.as_deref().unwrap().contains("nl, fr"));
}

#[test]
fn a_title_table_needs_the_default_language_and_a_title_must_be_text() {
    let site = Site::standard();
    site.write(
        "quaestor.toml",
        &LOCALIZED.replace(r#"nl = "Schriftelijke vragen", "#, ""),
    );
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].field.as_deref(), Some("title"));
    assert!(
        d[0].message.contains("default language `nl`"),
        "{}",
        d[0].message
    );
    site.write(
        "quaestor.toml",
        &LOCALIZED.replace(
            r#"title = { nl = "Schriftelijke vragen", fr = "Questions écrites" }"#,
            "title = 5",
        ),
    );
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d[0].path, Path::new("quaestor.toml"));
    assert_eq!(d[0].line, Some(1));
    assert!(
        d[0].message.contains("table of strings by language code"),
        "{}",
        d[0].message
    );
}
