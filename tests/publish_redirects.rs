//! The site-level redirect table `data/redirects.yaml`, merged with front-matter aliases.

mod common;

use common::*;

#[test]
fn table_redirects_become_pages_and_netlify_rules() {
    let site = Site::standard();
    let text = question("7-9", "nl", "Verhuisd", &[], "2023-01-21", None)
        .replace("source:", "aliases: [\"/oud/vraag-9/\"]\nsource:");
    site.add("7-9", "nl", &text);
    site.write(
        "data/redirects.yaml",
        "- {from: /oude-site/trefwoorden/, to: /keywords/}\n- from: /vraag.php\n  to: /questions/7-1/\n",
    );
    let mut opts = site.opts();
    opts.base_url = Some("https://user.github.io/repo/".into());
    quaestor::pipeline::build(&opts).unwrap();
    assert!(site
        .page("oude-site/trefwoorden/index.html")
        .contains(r#"content="0; url=/repo/keywords/""#));
    assert!(site
        .page("vraag.php")
        .contains(r#"content="0; url=/repo/questions/7-1/""#));
    assert_eq!(
        site.page("_redirects"),
        concat!(
            "/repo/oud/vraag-9/ /repo/questions/7-9/ 301\n/repo/oude-site/trefwoorden/ /repo/keywords/ 301\n/repo/vraag.php /repo/questions/7-1/ 301\n",
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
fn a_table_redirect_that_collides_is_an_error_with_its_line() {
    let site = Site::standard();
    let text = question("7-9", "nl", "Verhuisd", &[], "2023-01-21", None)
        .replace("source:", "aliases: [\"/oud/vraag-9/\"]\nsource:");
    site.add("7-9", "nl", &text);
    site.write(
        "data/redirects.yaml",
        "- {from: /ok/, to: /questions/7-1/}\n- {from: /questions/7-2/, to: /questions/7-1/}\n- {from: /oud/vraag-9/, to: /questions/7-1/}\n- {from: /nergens/, to: /questions/8-1/}\n",
    );
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d
        .iter()
        .all(|d| d.path == std::path::Path::new("data/redirects.yaml")));
    let lines: Vec<Option<usize>> = d.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(4)]);
    assert!(d[0].message.contains("is a page of the site"));
    assert!(d[1]
        .message
        .contains("also claimed by content/questions/7/7-9.nl.md"));
    assert!(d[2].message.contains("/questions/8-1/ is not a page"));
    assert!(!site.out().exists(), "nothing written");
}

#[test]
fn a_malformed_table_is_reported() {
    let site = Site::standard();
    site.write("data/redirects.yaml", "- {from: /a/, too: /b/}\n");
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d[0].path, std::path::Path::new("data/redirects.yaml"));
    assert!(d[0].message.contains("too"), "{}", d[0].message);
    site.write("data/redirects.yaml", "- {from: ../etc/, to: /}\n");
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d[0].field.as_deref(), Some("from"));
}
