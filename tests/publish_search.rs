//! Search: the Pagefind bundle is built in process from the rendered question pages, one index per
//! language, with the facets and the date sort; the search page loads it from the base path.
//! (The browser test in `.ci/browser-test.sh` drives it in Chromium.)

mod common;

use common::*;

/// The standard fixture with search switched on, as a site asks for it in quaestor.toml.
fn searchable() -> Site {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site
}

#[test]
fn search_is_off_unless_the_site_asks_for_it() {
    let site = Site::standard();
    site.build().unwrap();
    assert!(!site.out().join("pagefind").exists());
    assert!(!site.out().join("search/index.html").exists());
    assert!(!site.page("index.html").contains("search/"));
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn the_pagefind_bundle_indexes_every_language_with_facets() {
    let site = searchable();
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    let all = files(&site.out());
    for f in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
        "pagefind/pagefind-entry.json",
        "search/index.html",
        "fr/search/index.html",
        "js/search.js",
    ] {
        assert!(all.contains(f), "missing {f}");
    }
    let entry: serde_json::Value =
        serde_json::from_str(&site.page("pagefind/pagefind-entry.json")).unwrap();
    let langs = entry["languages"].as_object().unwrap();
    assert_eq!(langs.keys().collect::<Vec<_>>(), ["fr", "nl"]);
    assert_eq!(langs["nl"]["page_count"], 5);
    assert_eq!(langs["fr"]["page_count"], 1);
    assert!(all.iter().any(|f| f.starts_with("pagefind/filter/")));
    assert!(all.iter().any(|f| f.starts_with("pagefind/fragment/")));
    let q = site.page("questions/7-1/index.html");
    for attr in [
        r#"data-pagefind-body"#,
        r#"data-pagefind-sort="date:2023-01-11""#,
        r#"data-pagefind-filter="Jaar:2023""#,
        r#"<a data-pagefind-filter="Ministerie" href="/repo/ministries/defensie/">Defensie</a>"#,
        r#"<a data-pagefind-filter="Lid" href="/repo/members/anna-peeters/">Anna Peeters</a>"#,
        r#"<a data-pagefind-filter="Partij" href="/repo/parties/groen/">Groen</a>"#,
        r#"<a data-pagefind-filter="Trefwoord" href="/repo/keywords/spionage/">spionage</a>"#,
        r#"data-pagefind-filter="Status">Beantwoord</span>"#,
        r#"data-pagefind-filter="Zittingsperiode">"#,
        r#"data-pagefind-filter="Oorspronkelijke taal">"#,
    ] {
        assert!(q.contains(attr), "question page lacks {attr}");
    }
    let search = site.page("search/index.html");
    assert!(search.contains(r#"<script src="/repo/js/search.js" defer></script>"#));
    assert!(search.contains(r#"data-index="/repo/search-index/nl/""#));
    assert!(site.page("index.html").contains(r#"href="/repo/search/""#));
    assert_eq!(
        broken_links(&site.out(), "/repo/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn the_search_bundle_is_identical_on_rebuild() {
    let site = searchable();
    site.build().unwrap();
    let before = std::fs::read(site.out().join("pagefind/pagefind-entry.json")).unwrap();
    site.build().unwrap();
    let after = std::fs::read(site.out().join("pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(before, after);
}
