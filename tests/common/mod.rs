//! Fixture sites for integration tests: written into a temp dir, built with the real pipeline.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use quaestor::error::Error;
use quaestor::pipeline::{build, BuildOptions, BuildSummary};

pub struct Site {
    pub dir: tempfile::TempDir,
}

pub const CONFIG: &str = r#"title = "Test portal"
base_url = "https://example.org/"
default_language = "nl"
languages = ["nl", "fr"]
paginate_by = 2
as_of = "2024-01-01"
"#;

/// Front matter + body of a valid question; `extra` lines are appended to the front matter.
pub fn question(
    id: &str,
    lang: &str,
    title: &str,
    keywords: &[&str],
    date: &str,
    answered: Option<&str>,
) -> String {
    let (leg, num) = id.split_once('-').unwrap();
    let kw: Vec<String> = keywords.iter().map(|k| format!("{k:?}")).collect();
    let mut fm = format!(
        "---\nid: \"{id}\"\nassembly: be-senate\nlegislature: {leg}\nnumber: {num}\nlang: {lang}\noriginal_lang: nl\ntitle: {title:?}\nauthor: \"Anna Peeters\"\nparty: \"Groen\"\naddressee: \"minister van Defensie\"\naddressee_kind: minister\nkeywords: [{}]\ndate: {date}\n",
        kw.join(", ")
    );
    fm.push_str("deadline: 2023-03-02\n");
    match answered {
        Some(a) => fm.push_str(&format!("answered: {a}\nstatus: answered\nevents:\n  - {{date: {date}, type: sent}}\n  - {{date: {a}, type: answer}}\n")),
        None => fm.push_str(&format!("status: open\nevents:\n  - {{date: {date}, type: sent}}\n")),
    }
    fm.push_str(&format!("source: \"https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG={leg}&NR={num}&LANG={lang}\"\n---\n"));
    let (q, a) = if lang == "fr" {
        ("Question", "Réponse")
    } else {
        ("Vraag", "Antwoord")
    };
    fm.push_str(&format!("## {q}\n\nText of {id}.\n\n1) first\n2) second\n"));
    if answered.is_some() {
        fm.push_str(&format!("\n## {a}\n\nAnswer to {id}.\n"));
    }
    fm
}

impl Site {
    pub fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        site.write("quaestor.toml", CONFIG);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn add(&self, id: &str, lang: &str, text: &str) {
        let leg = id.split('-').next().unwrap();
        self.write(&format!("content/questions/{leg}/{id}.{lang}.md"), text);
    }

    /// A small bilingual site: 5 questions sharing a keyword, one in French too.
    pub fn standard() -> Site {
        let s = Site::new();
        for n in 1..=5 {
            let id = format!("7-{n}");
            let answered = (n % 2 == 1).then_some("2023-03-08");
            s.add(
                &id,
                "nl",
                &question(
                    &id,
                    "nl",
                    &format!("Vraag nummer {n}"),
                    &["spionage", "Israël"],
                    &format!("2023-01-{:02}", 10 + n),
                    answered,
                ),
            );
        }
        s.add(
            "7-1",
            "fr",
            &question(
                "7-1",
                "fr",
                "Question numéro 1",
                &["espionnage"],
                "2023-01-11",
                Some("2023-03-08"),
            ),
        );
        s
    }

    pub fn opts(&self) -> BuildOptions {
        BuildOptions::new(self.root())
    }

    pub fn build(&self) -> Result<BuildSummary, Error> {
        build(&self.opts())
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("output")
    }

    pub fn page(&self, rel: &str) -> String {
        let p = self.out().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

/// All files of a built site, relative, with `/`.
pub fn files(out: &Path) -> HashSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Every internal link of every HTML page that does not resolve to a file, as (page, link).
pub fn broken_links(out: &Path, base_path: &str) -> Vec<(String, String)> {
    let all = files(out);
    let mut broken = Vec::new();
    let mut pages: Vec<_> = all
        .iter()
        .filter(|f| f.ends_with(".html"))
        .cloned()
        .collect();
    pages.sort();
    for page in pages {
        let html = std::fs::read(out.join(&page)).unwrap();
        for target in quaestor::output::links::internal_targets(&html, base_path) {
            if target.starts_with('\u{0}') || !quaestor::output::links::resolves(&all, &target) {
                broken.push((page.clone(), target));
            }
        }
    }
    broken
}

pub fn diagnostics(e: Error) -> Vec<quaestor::error::Diagnostic> {
    match e {
        Error::Invalid(d) => d,
        other => panic!("expected content errors, got {other}"),
    }
}

/// Parses an Atom feed with a real XML parser and checks the RFC 4287 rules a reader relies on:
/// feed and entries have id, title, updated (RFC 3339), an author, and entries an alternate link.
/// Returns the entries as (id, title, alternate link, updated).
pub fn parse_atom(xml: &str) -> Vec<(String, String, String, String)> {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let doc = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        n.children().find(|c| {
            c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM)
        })
    }
    let text = |n: roxmltree::Node, name: &str| {
        child(n, name)
            .unwrap_or_else(|| panic!("<{name}> missing in <{}>", n.tag_name().name()))
            .text()
            .unwrap_or("")
            .to_string()
    };
    let rfc3339 = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    };
    assert!(!text(feed, "id").is_empty());
    assert!(!text(feed, "title").is_empty());
    rfc3339(&text(feed, "updated"));
    assert!(feed
        .children()
        .any(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self")));
    let feed_author = child(feed, "author").is_some();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for e in feed.children().filter(|c| c.tag_name().name() == "entry") {
        let id = text(e, "id");
        assert!(id.contains(':'), "entry id {id} is not an IRI");
        assert!(ids.insert(id.clone()), "duplicate entry id {id}");
        let updated = text(e, "updated");
        rfc3339(&updated);
        assert!(feed_author || child(e, "author").is_some());
        let link = e
            .children()
            .find(|c| {
                c.tag_name().name() == "link"
                    && c.attribute("rel").unwrap_or("alternate") == "alternate"
            })
            .and_then(|c| c.attribute("href"))
            .expect("entry has an alternate link")
            .to_string();
        out.push((id, text(e, "title"), link, updated));
    }
    out
}

/// Every file and folder under `root`, folders with empty contents.
pub fn tree(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                b"<dir>".to_vec()
            };
            (rel, bytes)
        })
        .collect()
}
