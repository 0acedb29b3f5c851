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
                    // The site's own scripts (the search client), loaded by address.
                    let own = el.get_attribute("src").is_some_and(|src| {
                        src.strip_prefix('/').is_some_and(|p| p.starts_with("js/"))
                    });
                    if ty != "application/ld+json" && !own {
                        flag(format!("<script type={ty:?}>"));
                    }
                }
                // The build's own charts; content never reaches an <svg> (ammonia drops it).
                "svg"
                    if el.get_attribute("class").as_deref() == Some("chart")
                        && el.get_attribute("role").as_deref() == Some("img") => {}
                // The search page's own form, which submits to itself; content never reaches a
                // <form> (ammonia drops it).
                "form"
                    if el.get_attribute("class").as_deref() == Some("search-form")
                        && el.get_attribute("role").as_deref() == Some("search")
                        && el.get_attribute("action").is_none() => {}
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
                if quaestor::fuzzing::URL_ATTRIBUTES.contains(&name.as_str())
                    && dangerous_url(&value)
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

/// Element names allowed in XML output: sitemaps and Atom feeds.
const XML_VOCABULARY: &[&str] = &[
    "urlset",
    "url",
    "loc",
    "lastmod",
    "sitemapindex",
    "sitemap",
    "feed",
    "entry",
    "id",
    "title",
    "subtitle",
    "updated",
    "published",
    "link",
    "author",
    "name",
    "uri",
    "summary",
    "category",
    "generator",
    "rights",
];

/// Atom and sitemaps: parsed as XML; only their vocabulary, no script-ish URL, and any text a
/// reader would render as HTML (`type="html"`) scanned as HTML.
fn scan_xml(name: &str, bytes: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    let doc = match roxmltree::Document::parse(&text) {
        Ok(d) => d,
        Err(e) => return vec![format!("{name}: not well-formed XML: {e}")],
    };
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        if !XML_VOCABULARY.contains(&tag) {
            problems.push(format!("{name}: unexpected <{tag}>"));
        }
        for attr in node.attributes() {
            if matches!(attr.name(), "href" | "src" | "uri") && dangerous_url(attr.value()) {
                problems.push(format!(
                    "{name}: <{tag} {}> is {:?}",
                    attr.name(),
                    attr.value()
                ));
            }
        }
        if node.attribute("type").is_some_and(|t| t.contains("html")) {
            let inner: String = node.descendants().filter_map(|n| n.text()).collect();
            problems.extend(scan_html(name, inner.as_bytes()));
        }
    }
    problems
}

/// iCalendar: text properties are shown as text; only URL-valued properties could be followed.
fn scan_ics(name: &str, text: &str) -> Vec<String> {
    text.split("\r\n")
        .filter(|l| l.starts_with("URL") || l.starts_with("ATTACH"))
        .filter_map(|l| l.split_once(':').map(|(_, v)| v))
        .filter(|v| dangerous_url(v))
        .map(|v| format!("{name}: calendar URL {v:?}"))
        .collect()
}

/// CSV: every cell a spreadsheet would run as a formula must be defused with a leading `'`.
fn scan_csv(name: &str, bytes: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    for record in reader.records() {
        match record {
            Ok(r) => {
                for cell in r.iter() {
                    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        problems.push(format!("{name}: formula-like cell {cell:?}"));
                    }
                }
            }
            Err(e) => problems.push(format!("{name}: not CSV: {e}")),
        }
    }
    problems
}

/// Scans every file of `out`. HTML is parsed; other formats are checked in the way their readers
/// would use them. The theme's own static files are the site's, not content; the search index
/// holds content and is scanned as the JSON it is.
fn scan_output(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: Vec<_> = files(out).into_iter().collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let mut bytes = std::fs::read(out.join(&name)).unwrap();
        // A gzip file is scanned as what a reader gets from it.
        let name = match name.strip_suffix(".gz") {
            Some(inner) => {
                let mut plain = Vec::new();
                std::io::Read::read_to_end(
                    &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
                    &mut plain,
                )
                .unwrap();
                bytes = plain;
                inner.to_string()
            }
            None => name,
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if name.ends_with(".html") {
            problems.extend(scan_html(&name, &bytes));
        } else if name == "favicon.svg" || name.starts_with("css/") || name.starts_with("js/") {
            continue;
        } else if name.ends_with(".xml") {
            problems.extend(scan_xml(&name, &bytes));
        } else if name.ends_with(".ics") {
            problems.extend(scan_ics(&name, &text));
        } else if name.ends_with(".csv") {
            problems.extend(scan_csv(&name, &bytes));
        } else if name.ends_with(".json") || name.ends_with(".jsonl") {
            // Served as application/json and never rendered: it must parse, and that is all.
            for line in if name.ends_with(".jsonl") {
                text.lines().collect()
            } else {
                vec![text.as_str()]
            } {
                if serde_json::from_str::<serde_json::Value>(line).is_err() {
                    problems.push(format!("{name}: not valid JSON"));
                }
            }
        } else if text.contains(['<', '>', '"'])
            || text.to_ascii_lowercase().contains("javascript:")
        {
            problems.push(format!("{name}: markup in a plain-text file"));
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
    quaestor::pipeline::check(&site.opts()).unwrap();
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

/// The one question of [`every_format_round_trips_hostile_text`]: values that end a script, a
/// CDATA section, an attribute, a CSV cell or record, a JavaScript line, or an iCalendar property.
const TITLE: &str = "T </script><!-- ]]> \"q\" 'a' x\u{2028}y\u{2029}z \",\n=cmd\ttab; =1+1";
const AUTHOR: &str = "=cmd|' /C calc'!A0";
const KEYWORD: &str = "k \"</script>\u{2028}\",=1";

#[test]
fn every_format_round_trips_hostile_text() {
    let site = Site::standard();
    let p = |s: &str| serde_json::to_string(s).unwrap();
    site.add(
        "9-1",
        "nl",
        &format!(
            "---\nid: \"9-1\"\nassembly: be-senate\nlegislature: 9\nnumber: 1\nlang: nl\noriginal_lang: nl\n\
title: {t}\nauthor: {a}\naddressee: \"minister van Defensie\"\naddressee_kind: minister\nkeywords: [{k}]\n\
date: 2023-12-01\ndeadline: 2024-02-01\nstatus: open\nevents:\n  - {{date: 2023-12-01, type: sent}}\n\
source: \"https://www.senate.be/x\"\n---\n## Vraag\n\nText.\n",
            t = p(TITLE),
            a = p(AUTHOR),
            k = p(KEYWORD),
        ),
    );
    site.build()
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()));
    assert_clean(&site.out());

    // JSON-LD: nothing in the script element could end it or a JavaScript line; the values
    // come back intact through a JSON parser.
    let page = site.page("questions/9-1/index.html");
    let open = "<script type=\"application/ld+json\">";
    let start = page.find(open).expect("the page has JSON-LD") + open.len();
    let json = &page[start..start + page[start..].find("</script>").unwrap()];
    assert!(
        !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
        "raw in the script: {json}"
    );
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(ld["mainEntity"]["name"], TITLE);
    assert_eq!(ld["mainEntity"]["author"]["name"], AUTHOR);

    // Atom: the title and the category come back from an XML parser as written.
    let feed = site.page("questions/9-1/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .unwrap();
    assert!(title.text().unwrap().contains(TITLE), "{title:?}");
    let entries = parse_atom(&site.page("questions/feed.xml"));
    assert!(entries.iter().any(|e| e.1 == TITLE), "{entries:?}");
    let terms: Vec<_> = roxmltree::Document::parse(&site.page("questions/feed.xml"))
        .unwrap()
        .descendants()
        .filter_map(|n| n.attribute("term").map(str::to_string))
        .collect();
    assert!(terms.iter().any(|t| t == KEYWORD), "{terms:?}");
    roxmltree::Document::parse(&site.page("sitemap.xml")).unwrap();

    // CSV: one record for the question, its cells intact but for the formula guard.
    let gz = std::fs::read(site.out().join("questions.csv.gz")).unwrap();
    let mut csv = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut csv).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv[..]);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = rows.iter().find(|r| &r[0] == "9-1").expect("a row for 9-1");
    assert_eq!(rows.len(), 7, "one record per question and language");
    assert_eq!(&row[col("title")], TITLE);
    assert_eq!(&row[col("author")], format!("'{AUTHOR}"));
    assert_eq!(&row[col("keywords")], KEYWORD);
    assert_eq!(row.len(), headers.len());

    // iCalendar: the event's summary and description come back unescaped, each property on its
    // own line: the title's line break, comma and semicolons start nothing.
    let ics = site.page("deadlines.ics");
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    assert_eq!(cal.components.len(), 1);
    let event = &cal.components[0];
    let names: Vec<&str> = event.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "DESCRIPTION",
            "URL",
            "TRANSP"
        ]
    );
    let value = |name: &str| {
        let v = &event
            .properties
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .val;
        v.as_str()
            .replace("\\n", "\n")
            .replace("\\,", ",")
            .replace("\\;", ";")
            .replace("\\\\", "\\")
    };
    assert!(
        value("SUMMARY").ends_with(&format!(" — {TITLE}")),
        "{}",
        value("SUMMARY")
    );
    assert!(
        value("DESCRIPTION").contains(AUTHOR),
        "{}",
        value("DESCRIPTION")
    );
}
