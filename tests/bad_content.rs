//! The bad-content corpus (tests/bad-content/, described by its EXPECTED file): every broken file
//! is reported in one build, each with its file, line and (where a field is involved) field, and
//! the previous output is left byte for byte as it was.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use quaestor::error::Diagnostic;

struct Expected {
    file: String,
    target: String,
    line: usize,
    field: Option<String>,
    words: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-content")
}

fn expected() -> Vec<Expected> {
    std::fs::read_to_string(corpus_dir().join("EXPECTED"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Expected {
                file: f[0].into(),
                target: f[1].into(),
                line: f[2].parse().unwrap(),
                field: (f[3] != "-").then(|| f[3].to_string()),
                words: f.get(4).unwrap_or(&"").to_string(),
            }
        })
        .collect()
}

/// Every file of the output with its bytes.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    files(out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// A valid question with a 10 MB body whose last line opens an unknown section.
fn ten_megabytes(id: &str) -> (String, usize) {
    let mut text = question(id, "nl", "Groot", &["spionage"], "2023-01-26", None);
    let paragraph = "Dit is een lange paragraaf van een heel groot bestand, ".repeat(18) + "\n\n";
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&paragraph);
    }
    text.push_str("## Bijlage\n");
    let line = text.lines().count();
    (text, line)
}

#[test]
fn every_bad_file_is_reported_in_one_run_and_output_is_untouched() {
    let site = Site::standard();
    site.build().unwrap();
    let before = snapshot(&site.out());
    let cases = expected();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    for c in &cases {
        let bytes = std::fs::read(corpus_dir().join(&c.file)).unwrap();
        let target = site.root().join(&c.target);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    let (big, big_line) = ten_megabytes("9-999");
    site.add("9-999", "nl", &big);

    let diagnostics = diagnostics(site.build().unwrap_err());
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &diagnostics {
        by_file
            .entry(d.path.display().to_string())
            .or_default()
            .push(d);
    }
    let mut failures = Vec::new();
    for c in cases.iter().chain([&Expected {
        file: "(10 MB, generated)".into(),
        target: "content/questions/9/9-999.nl.md".into(),
        line: big_line,
        field: None,
        words: "unknown section `## Bijlage`".into(),
    }]) {
        let Some(found) = by_file.get(&c.target) else {
            failures.push(format!("{}: not reported", c.file));
            continue;
        };
        let ok = found.iter().any(|d| {
            d.line == Some(c.line)
                && d.field == c.field
                && d.message.contains(&c.words)
                && d.help.is_some()
        });
        if !ok {
            failures.push(format!(
                "{}: expected line {} field {:?} `{}`, got {:#?}",
                c.file, c.line, c.field, c.words, found
            ));
        }
    }
    let targets: BTreeSet<&str> = cases
        .iter()
        .map(|c| c.target.as_str())
        .chain(["content/questions/9/9-999.nl.md"])
        .collect();
    for (file, found) in &by_file {
        if !targets.contains(file.as_str()) {
            failures.push(format!("unexpected diagnostics for {file}: {found:#?}"));
        }
    }
    for d in &diagnostics {
        if d.line.is_none() {
            failures.push(format!("no line: {d}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    assert_eq!(snapshot(&site.out()), before, "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The lock file stays beside the output (see `output::folder::lock_path`).
        .filter(|n| n.starts_with('.') && n != quaestor::cache::DIR && n != ".output.lock")
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}
