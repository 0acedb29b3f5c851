//! Limits that must keep building (the large ones are measured by bench/limits.sh, see
//! docs/LIMITS.md): a question with 10,000 keywords and a 5 MB answer.

mod common;

use common::*;

#[test]
fn a_question_with_ten_thousand_keywords() {
    let site = Site::standard();
    let keywords: Vec<String> = (0..10_000).map(|i| format!("trefwoord {i}")).collect();
    let refs: Vec<&str> = keywords.iter().map(String::as_str).collect();
    site.add(
        "7-900",
        "nl",
        &question("7-900", "nl", "Veel", &refs, "2023-01-10", None),
    );
    site.build().unwrap();
    let page = site.page("questions/7-900/index.html");
    assert_eq!(page.matches("href=\"/keywords/trefwoord-").count(), 10_000);
    assert!(site
        .out()
        .join("keywords/trefwoord-9999/index.html")
        .is_file());
    assert!(site.page("keywords/index.html").contains("trefwoord 9999"));
}

#[test]
fn a_five_megabyte_answer() {
    let site = Site::standard();
    let paragraph =
        "Het antwoord is lang, met **nadruk**, [een link](https://example.org/) en <sup>2</sup>. "
            .repeat(10);
    let mut answer = String::new();
    while answer.len() < 5 * 1024 * 1024 {
        answer.push_str(&paragraph);
        answer.push_str("\n\n");
    }
    answer.push_str("Laatste zin.\n");
    let text = question(
        "7-901",
        "nl",
        "Groot",
        &["x"],
        "2023-01-10",
        Some("2023-02-10"),
    )
    .replace("Answer to 7-901.", &answer);
    site.add("7-901", "nl", &text);
    site.build().unwrap();
    let page = site.page("questions/7-901/index.html");
    assert!(page.len() > 5 * 1024 * 1024);
    assert!(page.contains("<p>Laatste zin.</p>"));
    assert!(page.matches("<sup>2</sup>").count() > 1000);
}
