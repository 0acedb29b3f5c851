//! Discovery: OpenGraph and Twitter meta, schema.org JSON-LD on question pages, `.nojekyll`.

mod common;

use common::*;

/// The JSON-LD block of a page, parsed.
fn jsonld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block")
        + r#"<script type="application/ld+json">"#.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses as JSON")
}

#[test]
fn question_pages_have_a_qapage_with_the_accepted_answer() {
    let site = Site::standard();
    site.build().unwrap();
    let answered = jsonld(&site.page("questions/7-1/index.html"));
    assert_eq!(answered["@context"], "https://schema.org");
    assert_eq!(answered["@type"], "QAPage");
    let q = &answered["mainEntity"];
    assert_eq!(q["@type"], "Question");
    assert_eq!(q["name"], "Vraag nummer 1");
    assert_eq!(q["text"], "Text of 7-1. first second");
    assert_eq!(q["dateCreated"], "2023-01-11");
    assert_eq!(q["author"]["name"], "Anna Peeters");
    assert_eq!(q["answerCount"], 1);
    assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
    assert_eq!(q["acceptedAnswer"]["text"], "Answer to 7-1.");
    assert_eq!(q["acceptedAnswer"]["dateCreated"], "2023-03-08");
    assert_eq!(
        q["acceptedAnswer"]["url"],
        "https://example.org/questions/7-1/#h-answer"
    );
    // A long text is summarised: the page itself carries the whole text.
    let long = format!("{} ends here.", "Een lange zin over de zaak. ".repeat(40));
    let md = question("7-9", "nl", "Lang", &[], "2023-01-20", None).replace("Text of 7-9.", &long);
    site.add("7-9", "nl", &md);
    site.build().unwrap();
    let summary = jsonld(&site.page("questions/7-9/index.html"))["mainEntity"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.chars().count() <= 301, "{summary}");
    assert!(summary.starts_with("Een lange zin over de zaak.") && summary.ends_with('…'));
    assert!(site.page("questions/7-9/index.html").contains("ends here."));
    let open = jsonld(&site.page("questions/7-2/index.html"));
    assert_eq!(open["mainEntity"]["answerCount"], 0);
    assert!(open["mainEntity"].get("acceptedAnswer").is_none());
    assert!(!site.page("index.html").contains("application/ld+json"));
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let site = Site::standard();
    site.add(
        "7-9",
        "nl",
        &question(
            "7-9",
            "nl",
            "</script><script>alert(1)</script>",
            &[],
            "2023-02-01",
            None,
        ),
    );
    site.build().unwrap();
    let html = site.page("questions/7-9/index.html");
    let start = html.find("application/ld+json").unwrap();
    let block = &html[start..start + html[start..].find("</script>").unwrap()];
    assert!(!block.contains("<script"), "{block}");
    assert_eq!(
        jsonld(&html)["mainEntity"]["name"],
        "</script><script>alert(1)</script>"
    );
}

#[test]
fn pages_have_open_graph_and_twitter_meta() {
    let site = Site::standard();
    site.build().unwrap();
    let html = site.page("questions/7-1/index.html");
    for expected in [
        r#"<meta property="og:type" content="article">"#,
        r#"<meta property="og:site_name" content="Test portal">"#,
        r#"<meta property="og:title" content="Vraag nummer 1">"#,
        r#"<meta property="og:url" content="https://example.org/questions/7-1/">"#,
        r#"<meta property="og:locale" content="nl_BE">"#,
        r#"<meta name="twitter:card" content="summary">"#,
        r#"<meta name="twitter:title" content="Vraag nummer 1">"#,
        r#"<link rel="canonical" href="https://example.org/questions/7-1/">"#,
    ] {
        assert!(html.contains(expected), "question page lacks {expected}");
    }
    assert!(site
        .page("fr/index.html")
        .contains(r#"<meta property="og:locale" content="fr_BE">"#));
    assert!(site
        .page("index.html")
        .contains(r#"<meta property="og:type" content="website">"#));
}

#[test]
fn github_pages_gets_a_nojekyll_file() {
    let site = Site::standard();
    site.build().unwrap();
    assert!(site.out().join(".nojekyll").is_file());
}
