//! Fuzzing regressions. The fuzz targets live in fuzz/ (run outside CI, see the README); here
//! every input of their corpora, and each input that once crashed a target, goes through the
//! same code on every `cargo test`.

use std::path::Path;

use quaestor::content::{body, frontmatter, load, validate};
use quaestor::render::{markdown, postprocess};

/// What fuzz/fuzz_targets/senate_parser.rs does.
fn senate_parser(data: &[u8]) {
    let text = quaestor::ingest::html::page_text(data);
    if let Ok(page) = quaestor::ingest::parse_page(&text) {
        let _ = quaestor::ingest::to_markdown_file(&page);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(page) = quaestor::ingest::parse_page(text) {
            let _ = quaestor::ingest::to_markdown_file(&page);
        }
    }
}

/// What fuzz/fuzz_targets/front_matter.rs does.
fn front_matter(data: &[u8]) {
    let path = Path::new("content/questions/7/7-1870.nl.md");
    let Ok(text) = load::decode(path, data) else {
        return;
    };
    if frontmatter::check_controls(path, &text).is_err() {
        return;
    }
    let Ok(split) = frontmatter::split(path, &text) else {
        return;
    };
    let lines = frontmatter::field_lines(&split);
    let Ok(raw) = frontmatter::parse(path, &split) else {
        return;
    };
    let Ok(b) = body::split(split.body) else {
        return;
    };
    let languages = vec!["nl".to_string(), "fr".to_string()];
    let _ = validate::validate(path, raw, &lines, &b, split.body_first_line, &languages);
}

/// What fuzz/fuzz_targets/markdown.rs does, with its checks.
fn markdown(data: &[u8]) {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let html = markdown::render(md);
    let processed = postprocess::process(&html, "/repo/");
    // The sanitiser writes every attribute as `name="value"`; text may mention anything.
    let lower = processed.html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<style",
        "=\"javascript:",
        "=\"vbscript:",
        "=\"data:",
        " srcdoc=",
        " style=",
    ] {
        assert!(!lower.contains(bad), "{bad} in the output of {md:?}");
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
        // Attribute names are outside the quoted values.
        let mut names = tag.split('"').step_by(2);
        assert!(
            !names.any(|n| n.contains(" on")),
            "event handler {tag} in the output of {md:?}"
        );
        rest = &rest[i + 1..];
    }
}

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        run(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n > 10, "{}: only {n} inputs", dir.display());
}

#[test]
fn senate_parser_corpus() {
    replay("senate_parser", senate_parser);
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", front_matter);
}

#[test]
fn markdown_corpus() {
    replay("markdown", markdown);
}
