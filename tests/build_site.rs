//! Building real fixture sites: the pages a reader expects exist, link to each other, paginate,
//! and work under a sub-path.

mod common;

use common::*;

#[test]
fn builds_every_page_type() {
    let site = Site::standard();
    let summary = site.build().unwrap();
    assert_eq!(summary.questions, 6);
    for page in [
        "index.html",
        "404.html",
        "questions/index.html",
        "questions/7-1/index.html",
        "questions/7-5/index.html",
        "fr/questions/7-1/index.html",
        "fr/index.html",
        "keywords/index.html",
        "keywords/spionage/index.html",
        "keywords/israel/index.html",
        "fr/keywords/espionnage/index.html",
        "ministries/index.html",
        "ministries/defensie/index.html",
        "members/anna-peeters/index.html",
        "parties/groen/index.html",
        "legislatures/7/index.html",
        "css/style.css",
    ] {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
}

#[test]
fn question_page_shows_the_record() {
    let site = Site::standard();
    site.build().unwrap();
    let html = site.page("questions/7-1/index.html");
    for expected in [
        "<h1>Vraag nummer 1</h1>",
        r#"href="/members/anna-peeters/">Anna Peeters</a>"#,
        r#"href="/parties/groen/">Groen</a>"#,
        r#"href="/keywords/israel/">Israël</a>"#,
        r#"href="/ministries/defensie/">Defensie</a>"#,
        "minister van Defensie",
        "11 januari 2023",
        "8 maart 2023",
        "6 dagen te laat",
        "Beantwoord",
        "Answer to 7-1.",
        "<ol>",
        r#"hreflang="fr" href="https://example.org/fr/questions/7-1/""#,
        r#"href="/fr/questions/7-1/" hreflang="fr""#,
        "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&amp;LEG=7&amp;NR=1&amp;LANG=nl",
    ] {
        assert!(html.contains(expected), "question page lacks {expected:?}");
    }
    let fr = site.page("fr/questions/7-1/index.html");
    assert!(fr.contains(r#"<html lang="fr">"#));
    assert!(fr.contains("Ceci est une traduction"));
    assert!(fr.contains("8 mars 2023"));
    // Open question 7-2 is overdue against as_of 2024-01-01 (deadline 2023-03-02).
    assert!(site
        .page("questions/7-2/index.html")
        .contains("305 dagen over de termijn"));
}

#[test]
fn every_internal_link_resolves() {
    let site = Site::standard();
    site.build().unwrap();
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn keyword_pages_paginate_newest_first() {
    let site = Site::standard();
    site.build().unwrap();
    let p1 = site.page("keywords/spionage/index.html");
    let p3 = site.page("keywords/spionage/page/3/index.html");
    assert!(!site
        .out()
        .join("keywords/spionage/page/4/index.html")
        .exists());
    assert!(!site
        .out()
        .join("keywords/spionage/page/1/index.html")
        .exists());
    assert!(p1.contains("Vraag nummer 5") && p1.contains("Vraag nummer 4"));
    assert!(!p1.contains("Vraag nummer 3"));
    assert!(p1.contains(r#"href="/keywords/spionage/page/2/" rel="next""#));
    assert!(p3.contains("Vraag nummer 1"));
    assert!(p3.contains(r#"href="/keywords/spionage/page/2/" rel="prev""#));
    assert!(p3.contains("pagina 3 van 3"));
}

#[test]
fn sub_path_base_url_prefixes_every_link() {
    let site = Site::standard();
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    let html = site.page("questions/7-1/index.html");
    assert!(html.contains(r#"href="/repo/css/style.css""#));
    assert!(html.contains(r#"href="/repo/keywords/spionage/""#));
    assert!(html
        .contains(r#"<link rel="canonical" href="https://user.github.io/repo/questions/7-1/">"#));
    assert_eq!(
        broken_links(&site.out(), "/repo/"),
        Vec::<(String, String)>::new()
    );
    // Nothing links to the host root, which would break on GitHub Pages.
    for page in files(&site.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = site.page(page);
        assert!(
            !html.contains(r#"href="/questions"#),
            "{page} links outside /repo/"
        );
    }
}

#[test]
fn markdown_links_get_the_base_path_and_are_checked() {
    let site = Site::standard();
    let text = question("7-6", "nl", "Met link", &[], "2023-01-20", None)
        .replace("Text of 7-6.", "Zie [vraag 1](/questions/7-1/).");
    site.add("7-6", "nl", &text);
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    assert!(site
        .page("questions/7-6/index.html")
        .contains(r#"<a href="/repo/questions/7-1/">vraag 1</a>"#));

    let broken = text.replace("/questions/7-1/", "/questions/7-99/");
    site.add("7-6", "nl", &broken);
    let problems = diagnostics(quaestor::pipeline::build(&opts).unwrap_err());
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("/questions/7-99/"));
    assert_eq!(
        problems[0].path,
        std::path::Path::new("content/questions/7/7-6.nl.md")
    );
    assert!(problems[0].line.is_some());
}

#[test]
fn check_validates_without_writing() {
    let site = Site::standard();
    let summary = quaestor::pipeline::check(&site.opts()).unwrap();
    assert!(summary.links > 100);
    assert!(!site.out().exists());
}

#[test]
fn same_input_gives_identical_output_and_unchanged_files_are_not_rewritten() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::standard();
    site.build().unwrap();
    let first: Vec<(String, Vec<u8>, i64)> = {
        let mut f: Vec<_> = files(&site.out()).into_iter().collect();
        f.sort();
        f.into_iter()
            .map(|p| {
                let path = site.out().join(&p);
                (
                    p,
                    std::fs::read(&path).unwrap(),
                    std::fs::metadata(&path).unwrap().mtime_nsec(),
                )
            })
            .collect()
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Without the cache the build renders everything again and links what did not change.
    let again = quaestor::pipeline::build(&quaestor::pipeline::BuildOptions {
        cache: false,
        ..site.opts()
    })
    .unwrap();
    assert!(!again.incremental);
    assert_eq!(
        again.written, 0,
        "nothing changed, nothing should be written"
    );
    for (p, bytes, mtime) in first {
        let path = site.out().join(&p);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{p} changed");
        assert_eq!(
            std::fs::metadata(&path).unwrap().mtime_nsec(),
            mtime,
            "{p} was rewritten"
        );
    }
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::standard();
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>Custom lost page</h1>{% endblock content %}");
    site.write("static/css/extra.css", "body{}");
    site.build().unwrap();
    assert!(site.page("404.html").contains("Custom lost page"));
    assert!(site.out().join("css/extra.css").is_file());
    assert!(site.out().join("css/style.css").is_file());
}

#[test]
fn ministries_merge_through_the_data_file() {
    let site = Site::standard();
    let text = question("7-7", "nl", "Andere naam", &[], "2023-01-20", None)
        .replace("minister van Defensie", "minister van Landsverdediging");
    site.add("7-7", "nl", &text);
    site.write(
        "data/ministries.yaml",
        "- slug: defence\n  names:\n    nl: [Defensie, Landsverdediging]\n    fr: [Défense]\n",
    );
    site.build().unwrap();
    let page = site.page("ministries/defence/index.html");
    assert!(
        page.contains("minister van Landsverdediging") && page.contains("minister van Defensie")
    );
    assert!(page.contains("Andere naam") && page.contains("6 vragen"));
    assert!(!site
        .out()
        .join("ministries/landsverdediging/index.html")
        .exists());
}

#[test]
fn colliding_slugs_stay_distinct() {
    let site = Site::standard();
    site.add(
        "7-8",
        "nl",
        &question("7-8", "nl", "Botsing", &["Israel"], "2023-01-21", None),
    );
    site.build().unwrap();
    let index = site.page("keywords/index.html");
    assert!(index.contains(r#"href="/keywords/israel/">Israel</a>"#));
    assert!(
        index.contains(r#"href="/keywords/israel-"#),
        "Israël needs its own slug"
    );
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn aliases_become_redirect_pages_and_netlify_redirects() {
    let site = Site::standard();
    let text = question("7-9", "nl", "Verhuisd", &[], "2023-01-21", None)
        .replace("source:", "aliases: [\"/oud/vraag-9/\"]\nsource:");
    site.add("7-9", "nl", &text);
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    let page = site.page("oud/vraag-9/index.html");
    assert!(page.contains(r#"<meta http-equiv="refresh" content="0; url=/repo/questions/7-9/">"#));
    assert!(page
        .contains(r#"<link rel="canonical" href="https://user.github.io/repo/questions/7-9/">"#));
    assert_eq!(
        site.page("_redirects"),
        concat!(
            "/repo/oud/vraag-9/ /repo/questions/7-9/ 301\n",
            "/repo/questions.jsonl /repo/questions.jsonl.gz 301\n",
            "/repo/questions.csv /repo/questions.csv.gz 301\n",
            "/repo/questions/:id/bilingual/ /repo/questions/:id/?view=bilingual 301\n",
            "/repo/fr/questions/:id/bilingual/ /repo/fr/questions/:id/?view=bilingual 301\n",
            "/repo/fr/questions/:id/feed.xml /repo/questions/:id/feed.xml 301\n",
        )
    );
    assert_eq!(
        broken_links(&site.out(), "/repo/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn an_alias_that_would_replace_a_page_is_an_error() {
    let site = Site::standard();
    site.build().unwrap();
    let text = question("7-9", "nl", "Botsend", &[], "2023-01-21", None)
        .replace("source:", "aliases: [\"/questions/7-1/\"]\nsource:");
    site.add("7-9", "nl", &text);
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].field.as_deref(), Some("aliases"));
    assert_eq!(
        d[0].path,
        std::path::Path::new("content/questions/7/7-9.nl.md")
    );
    assert!(d[0].message.contains("/questions/7-1/"));
    assert!(d[0].line.is_some());
    // The previous site is still there, with its page for 7-1.
    assert!(site
        .page("questions/7-1/index.html")
        .contains("Vraag nummer 1"));
}

#[test]
fn build_update_and_check_report_a_broken_link_alike_and_once() {
    let site = Site::standard();
    site.build().unwrap();
    // Body edits only, each linking twice to a missing page: the cached build updates in place.
    for (id, target) in [("7-3", "7-98"), ("7-2", "7-99")] {
        let path = site.root().join(format!("content/questions/7/{id}.nl.md"));
        let text = std::fs::read_to_string(&path).unwrap().replace(
            &format!("Text of {id}."),
            &format!("Zie [a](/questions/{target}/) en [b](/questions/{target}/)."),
        );
        std::fs::write(&path, text).unwrap();
    }
    type Shown = Vec<(String, Option<usize>, String)>;
    let shown = |e| -> Shown {
        diagnostics(e)
            .into_iter()
            .map(|d| (d.path.display().to_string(), d.line, d.message))
            .collect()
    };
    let update = shown(site.build().unwrap_err());
    let mut opts = site.opts();
    opts.cache = false;
    let full = shown(quaestor::pipeline::build(&opts).unwrap_err());
    let check = shown(quaestor::pipeline::check(&site.opts()).unwrap_err());
    let expected: Vec<(&str, &str)> = vec![
        ("content/questions/7/7-2.nl.md", "/questions/7-99/"),
        ("content/questions/7/7-3.nl.md", "/questions/7-98/"),
    ];
    let got: Vec<(&str, &str)> = update
        .iter()
        .map(|(path, _, message)| (path.as_str(), message.split(' ').nth(2).unwrap_or_default()))
        .collect();
    assert_eq!(got, expected, "{update:?}");
    assert!(
        update.iter().all(|(_, line, _)| line.is_some()),
        "{update:?}"
    );
    assert_eq!(full, update);
    assert_eq!(check, update);
}

/// A template edited by hand can leave half an expression behind that Tera passes through as
/// text (`<article class="question"-") | first }}">`); no page of a site whose content has no
/// braces may carry one.
#[test]
fn no_template_syntax_leaks_into_a_page() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site.build().unwrap();
    let mut pages: Vec<String> = files(&site.out())
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    pages.sort();
    assert!(pages.len() > 20);
    for rel in pages {
        let page = site.page(&rel);
        // Tera closes with a space before the braces; JSON shown on the data page closes without.
        for leak in ["{{", " }}", "{%", "%}", "{#", " #}"] {
            assert!(!page.contains(leak), "{rel} holds {leak:?}");
        }
    }
}
