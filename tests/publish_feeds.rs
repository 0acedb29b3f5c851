//! Atom feeds: they parse as Atom, their ids are stable, their dates come from the content, and
//! pages link to them.

mod common;

use common::*;

#[test]
fn site_term_and_question_feeds_parse_as_atom() {
    let site = Site::standard();
    site.build().unwrap();
    for feed in [
        "questions/feed.xml",
        "answers/feed.xml",
        "fr/questions/feed.xml",
        "fr/answers/feed.xml",
        "keywords/spionage/feed.xml",
        "keywords/israel/feed.xml",
        "ministries/defensie/feed.xml",
        "members/anna-peeters/feed.xml",
        "parties/groen/feed.xml",
        "fr/keywords/espionnage/feed.xml",
        "questions/7-1/feed.xml",
        "questions/7-2/feed.xml",
    ] {
        let entries = parse_atom(&site.page(feed));
        assert!(!entries.is_empty(), "{feed} has no entries");
        let files = files(&site.out());
        for (_, _, link, _) in &entries {
            let rel = link
                .strip_prefix("https://example.org/")
                .expect("absolute link");
            assert!(
                files.contains(&format!("{rel}index.html")),
                "{feed}: {link} has no page"
            );
        }
    }
    let questions = parse_atom(&site.page("questions/feed.xml"));
    assert_eq!(questions.len(), 5);
    assert_eq!(questions[0].0, "https://example.org/questions/7-5/");
    let answers = parse_atom(&site.page("answers/feed.xml"));
    assert_eq!(answers.len(), 3);
    assert!(answers
        .iter()
        .all(|e| e.0.ends_with("#answer") && e.3 == "2023-03-08T00:00:00Z"));
}

#[test]
fn a_question_feed_has_an_entry_per_event() {
    let site = Site::standard();
    site.build().unwrap();
    let answered = parse_atom(&site.page("questions/7-1/feed.xml"));
    let ids: Vec<&str> = answered.iter().take(2).map(|e| e.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/questions/7-1/#event-2023-01-11-sent",
            "https://example.org/questions/7-1/#event-2023-03-08-answer",
        ]
    );
    assert_eq!(answered[1].3, "2023-03-08T00:00:00Z");
    // 7-1 is in French too: one feed for the question, with the French version's events in
    // French (their ids those of the French feed it replaces), linked from both pages.
    let feed = site.page("questions/7-1/feed.xml");
    assert_eq!(feed.matches("<entry xml:lang=\"nl\">").count(), 2);
    assert_eq!(feed.matches("<entry xml:lang=\"fr\">").count(), 2);
    assert!(feed.contains("<id>https://example.org/fr/questions/7-1/#event-2023-03-08-answer</id>"));
    assert!(feed.contains("Question numéro 1 (7-1)") && feed.contains("Vraag nummer 1 (7-1)"));
    let fr_entry = &feed[feed.find("<entry xml:lang=\"fr\">").unwrap()..];
    let fr_summary =
        &fr_entry[fr_entry.find("<summary").unwrap()..fr_entry.find("</summary>").unwrap()];
    assert!(
        fr_summary.contains("Question écrite 7-1") && fr_summary.contains("11 janvier 2023"),
        "{fr_summary}"
    );
    assert!(!files(&site.out()).contains("fr/questions/7-1/feed.xml"));
    assert!(site
        .page("fr/questions/7-1/index.html")
        .contains(r#"href="/questions/7-1/feed.xml""#));
    let open = parse_atom(&site.page("questions/7-2/feed.xml"));
    assert_eq!(open.len(), 1);
    // Answering the question adds an entry and keeps the old one's id.
    site.add(
        "7-2",
        "nl",
        &question(
            "7-2",
            "nl",
            "Vraag nummer 2",
            &["spionage"],
            "2023-01-12",
            Some("2023-04-01"),
        ),
    );
    site.build().unwrap();
    let now = parse_atom(&site.page("questions/7-2/feed.xml"));
    assert_eq!(now.len(), 2);
    assert_eq!(now[0].0, open[0].0);
    assert!(now[1].0.ends_with("#event-2023-04-01-answer"));
}

#[test]
fn feeds_escape_text_and_do_not_depend_on_the_build_time() {
    let site = Site::standard();
    site.add(
        "7-9",
        "nl",
        &question(
            "7-9",
            "nl",
            "Tom & Jerry <script>alert(1)</script> \"x\"",
            &["a&b"],
            "2023-02-01",
            None,
        ),
    );
    site.build().unwrap();
    let first = site.page("keywords/a-b/feed.xml");
    let entries = parse_atom(&first);
    assert_eq!(entries[0].1, "Tom & Jerry <script>alert(1)</script> \"x\"");
    assert!(first.contains("Tom &amp; Jerry &lt;script&gt;"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    site.build().unwrap();
    assert_eq!(site.page("keywords/a-b/feed.xml"), first);
    assert_eq!(
        site.page("questions/feed.xml"),
        site.page("questions/feed.xml")
    );
}

#[test]
fn pages_link_their_feeds() {
    let site = Site::standard();
    site.build().unwrap();
    let home = site.page("index.html");
    assert!(home.contains(r#"<link rel="alternate" type="application/atom+xml" title="Nieuwe vragen" href="/questions/feed.xml">"#));
    assert!(home.contains(r#"href="/answers/feed.xml""#));
    assert!(site
        .page("keywords/spionage/index.html")
        .contains(r#"type="application/atom+xml" title="spionage: nieuwe vragen" href="/keywords/spionage/feed.xml""#));
    assert!(site
        .page("questions/7-2/index.html")
        .contains(r#"href="/questions/7-2/feed.xml""#));
    assert!(site
        .page("fr/index.html")
        .contains(r#"href="/fr/questions/feed.xml""#));
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn feeds_work_under_a_sub_path() {
    let site = Site::standard();
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    let entries = parse_atom(&site.page("questions/feed.xml"));
    assert!(entries[0]
        .2
        .starts_with("https://user.github.io/repo/questions/"));
    assert!(site
        .page("index.html")
        .contains(r#"href="/repo/questions/feed.xml""#));
    assert_eq!(
        broken_links(&site.out(), "/repo/"),
        Vec::<(String, String)>::new()
    );
}
