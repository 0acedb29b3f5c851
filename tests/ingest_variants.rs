//! Every synthetic fixture (all variants of the format note) → every front-matter field
//! checked against `expected/*.json`, which `generate.py` derives from the same spec as the
//! pages, independently of the Rust parser.

use quaestor::ingest::{parse_page, run, IngestArgs, IngestReport};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate")
}

fn ingest_fixtures() -> (tempfile::TempDir, IngestReport) {
    let dir = tempfile::tempdir().unwrap();
    let args = IngestArgs {
        content: dir.path().to_path_buf(),
        sources: ["bundled", "variants"]
            .map(|f| fixtures().join(f).display().to_string())
            .to_vec(),
        ..Default::default()
    };
    let report = run(&args).unwrap();
    (dir, report)
}

/// Splits a content file into (front matter as YAML value, list of keys in order, body).
fn split(file: &str) -> (serde_yaml::Value, Vec<String>, String) {
    let rest = file.strip_prefix("---\n").expect("front matter start");
    let (fm, body) = rest.split_once("\n---\n").expect("front matter end");
    let value: serde_yaml::Value = serde_yaml::from_str(fm).unwrap();
    let keys = value
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    (value, keys, body.to_string())
}

#[test]
fn every_fixture_matches_its_expected_front_matter() {
    let (dir, report) = ingest_fixtures();
    assert!(!report.has_failures(), "{report}");
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures().join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string(); // 8-57.fr
        let expected_json = std::fs::read_to_string(&path).unwrap();
        let expected: serde_yaml::Value = serde_json::from_str(&expected_json).unwrap();
        let expected_keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&expected_json)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        let (id, lang) = name.split_once('.').unwrap();
        let leg = id.split('-').next().unwrap();
        let file = dir.path().join(format!("questions/{leg}/{name}.md"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("{file:?} missing"));
        let (got, keys, body) = split(&text);
        assert_eq!(got, expected, "front matter of {name}");
        // serde_json's map is sorted; compare the order against the contract instead.
        let order = [
            "id",
            "assembly",
            "legislature",
            "number",
            "lang",
            "original_lang",
            "title",
            "author",
            "party",
            "addressee",
            "addressee_kind",
            "keywords",
            "date",
            "deadline",
            "answered",
            "status",
            "events",
            "links",
            "source",
        ];
        let want: Vec<&str> = order
            .iter()
            .copied()
            .filter(|k| expected_keys.iter().any(|e| e == k))
            .collect();
        assert_eq!(keys, want, "field order of {name}");
        let (q, a) = if lang == "nl" {
            ("## Vraag\n\n", "\n## Antwoord\n\n")
        } else {
            ("## Question\n\n", "\n## Réponse\n\n")
        };
        assert!(
            body.starts_with(q),
            "{name} body starts with the question heading"
        );
        assert_eq!(
            body.contains(a),
            got.get("answered").is_some(),
            "{name} answer block iff answered"
        );
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n"),
            "{name} ends with one newline"
        );
        checked += 1;
    }
    assert_eq!(checked, 19);
}

#[test]
fn mojibake_is_repaired_and_reported() {
    let (dir, report) = ingest_fixtures();
    assert_eq!(report.repaired.len(), 1);
    assert!(report.repaired[0].ends_with("8-60.nl.txt"));
    assert!(report.to_string().contains("repaired mojibake: 1"));
    let text = std::fs::read_to_string(dir.path().join("questions/8/8-60.nl.md")).unwrap();
    assert!(
        text.contains("België scoort")
            && text.contains("geïnfecteerd")
            && text.contains("privé-leven")
    );
    assert!(!text.contains('Ž') && !text.contains('ť'));
}

#[test]
fn html_is_decoded_and_cannot_inject() {
    let (dir, _) = ingest_fixtures();
    // windows-1252 page with entities, a script in <head> and a nav table.
    let fr = std::fs::read_to_string(dir.path().join("questions/8/8-101.fr.md")).unwrap();
    assert!(fr.contains("l’an dernier par des rançongiciels"));
    assert!(fr.contains(r#"\<script src="x.js"\>\</script\> \& un lien"#));
    assert!(fr.contains("<https://www.example.org/rapport_2026?zone=12&jaar=2026>"));
    assert!(fr.contains("\\*jamais\\*"));
    assert!(!fr.contains("function pv"));
    // The body Markdown renders without any raw HTML.
    let body = fr.split("\n---\n").nth(1).unwrap();
    let html = {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, pulldown_cmark::Parser::new(body));
        s
    };
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script"));
    assert!(html.contains("<ol>"));
    // UTF-8 page: the `- item` lines stay text, not a list.
    let fr2 = std::fs::read_to_string(dir.path().join("questions/8/8-102.fr.md")).unwrap();
    assert!(fr2.contains(":\\\n\\- combien d’hôpitaux"));
}

#[test]
fn author_without_party_omits_the_field() {
    let text = std::fs::read_to_string(fixtures().join("bundled/8-57.nl.txt")).unwrap();
    let text = text.replace(
        "van Jean-Marc Dubois (PS) d.d.",
        "van Jean-Marc Dubois d.d.",
    );
    let page = parse_page(&text).unwrap();
    assert_eq!(page.author, "Jean-Marc Dubois");
    assert_eq!(page.party, None);
    let file = quaestor::ingest::to_markdown_file(&page);
    assert!(!file.contains("party:"));
}

#[test]
fn print_rendering_urls_and_non_question_pages_are_refused() {
    let r = quaestor::ingest::fetch::parse_question_url(
        "http://senate.be/www/?MIval=/Vragen/SVPrint&LEG=7&NR=1&LANG=nl",
    );
    assert!(r.unwrap_err().contains("print renderings"));
    let (id, lang) = quaestor::ingest::fetch::parse_question_url(
        "http://www.senaat.be/www/?MIval=Vragen/SchriftelijkeVraag&LANG=fr&LEG=5&NR=10049",
    )
    .unwrap();
    assert_eq!((id.to_string(), lang.code()), ("5-10049".to_string(), "fr"));
}
