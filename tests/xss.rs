//! Injection: a corpus of XSS payloads (tests/fixtures/xss/) goes into front-matter values and
//! bodies, and through the Senate ingester; the built site is then scanned file by file for
//! anything a browser would execute.

mod common;

use std::cell::RefCell;
use std::path::Path;

use common::*;
use lol_html::{element, HtmlRewriter, Settings};

fn corpus(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xss")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn payloads() -> Vec<String> {
    corpus("payloads.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A question whose every free-text field is `payload`, with `body` in both sections.
fn hostile_question(id: &str, payload: &str, body: &str) -> String {
    let (leg, num) = id.split_once('-').unwrap();
    let p = yaml(payload);
    format!(
        "---\nid: \"{id}\"\nassembly: be-senate\nlegislature: {leg}\nnumber: {num}\nlang: nl\noriginal_lang: nl\n\
title: {p}\nauthor: {p}\nparty: {p}\naddressee: {p}\naddressee_kind: minister\nkeywords: [{p}, \"gewoon\"]\n\
date: 2023-01-10\nanswered: 2023-02-10\nstatus: answered\nevents:\n  - {{date: 2023-01-10, type: sent}}\n  - {{date: 2023-02-10, type: answer}}\n\
source: {src}\n---\n## Vraag\n\n{payload}\n\n{body}\n\n## Antwoord\n\n{body}\n\n{payload}\n",
        src = yaml(&format!("https://www.senate.be/x?a=\"><script>alert(1)</script>&b={num}")),
    )
}

/// Everything executable found in one HTML document.
fn scan_html(name: &str, html: &[u8]) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let flag = |what: String| found.borrow_mut().push(format!("{name}: {what}"));
    let mut rewriter = HtmlRewriter::new(
        Settings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name().to_ascii_lowercase();
            match tag.as_str() {
                "script" => {
                    let ty = el.get_attribute("type").unwrap_or_default();
                    if ty != "application/ld+json" {
                        flag(format!("<script type={ty:?}>"));
                    }
                }
                "iframe" | "frame" | "frameset" | "object" | "embed" | "svg" | "math" | "base"
                | "form" | "applet" | "style" => flag(format!("<{tag}>")),
                "meta" if el.get_attribute("http-equiv").is_some() => {
                    let content = decode(&el.get_attribute("content").unwrap_or_default());
                    let url = content
                        .to_ascii_lowercase()
                        .split("url=")
                        .nth(1)
                        .map(str::to_string);
                    if url.is_none_or(|u| dangerous_url(&u)) {
                        flag(format!("<meta content={content:?}>"));
                    }
                }
                _ => {}
            }
            for attr in el.attributes() {
                let name = attr.name().to_ascii_lowercase();
                let value = decode(&attr.value());
                if name.starts_with("on") || name == "srcdoc" || name == "style" {
                    flag(format!("<{tag} {name}={value:?}>"));
                }
                if matches!(
                    name.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "xlink:href"
                        | "background"
                        | "poster"
                        | "data"
                        | "srcset"
                ) && dangerous_url(&value)
                {
                    flag(format!("<{tag} {name}={value:?}>"));
                }
            }
            Ok(())
        })),
        |_: &[u8]| {},
    );
    rewriter.write(html).unwrap();
    rewriter.end().unwrap();
    found.into_inner()
}

/// Decodes character references the way a browser does in an attribute value, including the
/// forms without `;` and the named ones used to hide a scheme (`&colon;`, `&Tab;`).
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .find(|c: char| {
                    if hex {
                        !c.is_ascii_hexdigit()
                    } else {
                        !c.is_ascii_digit()
                    }
                })
                .unwrap_or(digits.len());
            if let Some(c) = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 })
                .ok()
                .and_then(char::from_u32)
            {
                out.push(c);
                rest = &digits[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        let named = [
            ("amp", '&'),
            ("quot", '"'),
            ("lt", '<'),
            ("gt", '>'),
            ("apos", '\''),
            ("colon", ':'),
            ("Tab", '\t'),
            ("NewLine", '\n'),
        ];
        match named.iter().find(|(n, _)| rest.starts_with(n)) {
            Some((n, c)) => {
                out.push(*c);
                rest = &rest[n.len()..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// A URL a browser would run or render as a document (after the HTML parser decoded entities).
fn dangerous_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "livescript:"]
        .iter()
        .any(|s| compact.starts_with(s))
}

/// Scans every file of `out`. HTML is parsed; other text files must not carry markup at all
/// outside what their format needs. The theme's own static files are the site's, not content.
fn scan_output(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: Vec<_> = files(out).into_iter().collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let bytes = std::fs::read(out.join(&name)).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        if name.ends_with(".html") {
            problems.extend(scan_html(&name, &bytes));
        } else if name == "favicon.svg" || name.starts_with("css/") {
            continue;
        } else if name.ends_with(".xml") {
            // Sitemaps: markup only from the sitemap vocabulary, no script-ish URL anywhere.
            problems.extend(scan_html(&name, &bytes));
            let tags = text.split('<').skip(1).map(|t| {
                t.trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            });
            for tag in tags {
                if ![
                    "?xml",
                    "urlset",
                    "url",
                    "loc",
                    "lastmod",
                    "sitemapindex",
                    "sitemap",
                ]
                .contains(&tag.as_str())
                {
                    problems.push(format!("{name}: unexpected <{tag}>"));
                }
            }
        } else if text.contains(['<', '>', '"']) {
            problems.push(format!("{name}: markup in a plain-text file"));
        }
        if !name.ends_with(".html") && text.contains("javascript:") {
            problems.push(format!("{name}: contains javascript:"));
        }
    }
    problems
}

fn assert_clean(out: &Path) {
    let problems = scan_output(out);
    assert!(
        problems.is_empty(),
        "executable content in the output:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_sees_what_it_must() {
    let html = br#"<p onclick="x">a</p><script>1</script><script type="application/ld+json">{}</script>
<a href=" java&#x09;script:alert(1)">x</a><img src="data:image/png,x"><svg></svg><iframe srcdoc="x"></iframe>"#;
    let found = scan_html("t.html", html);
    assert_eq!(found.len(), 7, "{found:#?}");
}

#[test]
fn payloads_in_front_matter_and_bodies_are_inert() {
    let site = Site::standard();
    let bodies = [corpus("body-broken-markup.md"), corpus("body-encodings.md")];
    let payloads = payloads();
    assert!(payloads.len() >= 40);
    for (i, p) in payloads.iter().enumerate() {
        let id = format!("9-{}", i + 1);
        site.add(&id, "nl", &hostile_question(&id, p, &bodies[i % 2]));
    }
    let summary = site
        .build()
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()));
    assert!(summary.questions >= payloads.len());
    assert_clean(&site.out());
    // The values are shown as text, not dropped.
    let page = site.page("questions/9-1/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    // A safe tag in a body survives.
    assert!(site
        .page("questions/9-2/index.html")
        .contains("<sup>2</sup>"));
    // The check command agrees that every link still resolves.
    quaestor::build::check(&site.opts()).unwrap();
}

#[test]
fn payloads_through_the_senate_ingester_are_inert() {
    let site = Site::standard();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xss/senate-xss.nl.txt");
    let report = quaestor::ingest::run(&quaestor::ingest::IngestArgs {
        content: site.root().join("content"),
        sources: vec![src.display().to_string()],
        ..Default::default()
    })
    .unwrap();
    assert!(!report.has_failures(), "{report}");
    let md = std::fs::read_to_string(site.root().join("content/questions/7/7-1999.nl.md")).unwrap();
    assert!(md.contains("alert"), "the payload is kept as text:\n{md}");
    site.build()
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()));
    assert_clean(&site.out());
    let page = site.page("questions/7-1999/index.html");
    assert!(page.contains("&lt;script&gt;"), "{page}");
}
