//! Rejections name the file, the line and what was expected; other pages are still ingested.

use quaestor::ingest::{run, IngestArgs};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/senate")
        .join(rel)
}

#[test]
fn bad_pages_are_rejected_with_file_line_and_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let args = IngestArgs {
        content: dir.path().to_path_buf(),
        sources: vec![
            fixture("reject").display().to_string(),
            fixture("7-1870.nl.txt").display().to_string(),
            fixture("no-such-file.txt").display().to_string(),
        ],
        ..Default::default()
    };
    let report = run(&args).unwrap();
    assert!(report.has_failures());
    assert_eq!(
        report.created.len(),
        1,
        "the good page is still ingested: {report}"
    );
    assert!(dir.path().join("questions/7/7-1870.nl.md").exists());
    assert_eq!(report.rejected.len(), 4, "{report}");
    let find = |name: &str| {
        report
            .rejected
            .iter()
            .find(|r| r.source.ends_with(name))
            .unwrap_or_else(|| panic!("no rejection for {name}: {report}"))
            .clone()
    };

    let r = find("not-a-question.html");
    assert_eq!(r.line, Some(1));
    assert!(
        r.reason
            .starts_with("not a written question: expected `Schriftelijke vraag nr. <LEG>-<NR>`"),
        "{r}"
    );

    let r = find("truncated.nl.txt");
    assert_eq!(r.line, Some(18), "{r}");
    assert!(
        r.reason
            .starts_with("truncated page: expected `Vraag nr. <LEG>-<NR> d.d."),
        "{r}"
    );
    assert!(r.reason.ends_with("found end of page"), "{r}");

    let r = find("unknown-label.fr.txt");
    assert_eq!(r.line, Some(18), "{r}");
    assert!(
        r.reason
            .starts_with("unknown label: expected a chronology event, one of `Verzending vraag`"),
        "{r}"
    );
    assert!(
        r.reason.contains("found `16/9/2024Réponse provisoire`"),
        "{r}"
    );

    let r = find("no-such-file.txt");
    assert_eq!(r.line, None);
    assert!(r.reason.starts_with("cannot read"));

    // The summary shows `file:line: reason`.
    let summary = report.to_string();
    assert!(summary.contains("rejected:   4"), "{summary}");
    assert!(
        summary.contains("unknown-label.fr.txt:18: unknown label"),
        "{summary}"
    );
}

#[test]
fn unknown_link_label_and_answer_mismatch_are_rejected() {
    let text = std::fs::read_to_string(fixture("bundled/8-12.nl.txt")).unwrap();
    let bad = text.replace("Herindiening van :", "Eerder gesteld als :");
    let e = quaestor::ingest::parse_page(&bad).unwrap_err();
    assert_eq!(e.kind, quaestor::ingest::ParseErrorKind::UnknownLabel);
    assert!(e.expected.contains("`Herindiening van`"), "{e}");

    let bad = text.replace(
        "Antwoord ontvangen op 16 september 2024",
        "Antwoord ontvangen op 17 september 2024",
    );
    let e = quaestor::ingest::parse_page(&bad).unwrap_err();
    assert_eq!(e.kind, quaestor::ingest::ParseErrorKind::Inconsistent);

    let no_answer = &text[..text.find("Antwoord ontvangen").unwrap()];
    let e = quaestor::ingest::parse_page(no_answer).unwrap_err();
    assert_eq!(e.kind, quaestor::ingest::ParseErrorKind::Truncated);
    assert!(e.expected.contains("Antwoord ontvangen op"), "{e}");
}
