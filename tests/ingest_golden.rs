//! The real sample page reproduces the golden content file byte for byte.

use quaestor::ingest::{run, IngestArgs};
use std::path::Path;

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/senate")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn sample_page_reproduces_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let args = IngestArgs {
        content: dir.path().to_path_buf(),
        sources: vec![fixture("7-1870.nl.txt")],
        ..Default::default()
    };
    let report = run(&args).unwrap();
    assert!(!report.has_failures(), "{report}");
    assert_eq!(report.created.len(), 1);
    let got = std::fs::read_to_string(dir.path().join("questions/7/7-1870.nl.md")).unwrap();
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/questions/7/7-1870.nl.md"),
    )
    .unwrap();
    assert_eq!(got, golden);
}
