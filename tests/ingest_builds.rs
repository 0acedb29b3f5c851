//! What ingest accepts, `quaestor build` accepts: the fixtures and the format note's variants go
//! through the real ingest into a site, and the real build of that site must succeed. Ingest and
//! build read the status from one rule; these tests hold them to it.

mod common;

use common::{diagnostics, Site};
use quaestor::ingest::{run, IngestArgs, IngestReport};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate")
}

fn ingest(site: &Site, sources: Vec<String>) -> IngestReport {
    let args = IngestArgs {
        content: site.root().join("content"),
        sources,
        ..Default::default()
    };
    run(&args).unwrap()
}

/// Builds the site; on failure, every diagnostic in the panic message.
fn assert_builds(site: &Site) -> quaestor::build::BuildSummary {
    match site.build() {
        Ok(summary) => summary,
        Err(e) => {
            let all: Vec<String> = diagnostics(e).iter().map(|d| d.to_string()).collect();
            panic!("the build refused ingested files:\n{}", all.join("\n"));
        }
    }
}

#[test]
fn requalified_then_end_of_legislature_is_requalified_and_builds() {
    // As a user would: the real binary ingests the page, then builds the site.
    let site = Site::new();
    let bin = env!("CARGO_BIN_EXE_quaestor");
    let ingested = Command::new(bin)
        .arg("ingest")
        .arg("--content")
        .arg(site.root().join("content"))
        .arg(fixtures().join("variants/7-2050.nl.txt"))
        .arg(fixtures().join("variants/7-2050.fr.html"))
        .output()
        .unwrap();
    assert!(
        ingested.status.success(),
        "{}",
        String::from_utf8_lossy(&ingested.stderr)
    );
    for lang in ["nl", "fr"] {
        let file = site
            .root()
            .join(format!("content/questions/7/7-2050.{lang}.md"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\nstatus: requalified\n"), "{text}");
        assert!(text
            .contains("type: requalification}\n  - {date: 2024-05-27, type: end-of-legislature}"));
    }
    let built = Command::new(bin)
        .args(["build", "--as-of", "2026-12-01", "--no-cache", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let page = site.page("questions/7-2050/index.html");
    assert!(page.contains("status-requalified"), "{page}");
}

#[test]
fn every_fixture_page_builds() {
    let site = Site::new();
    let sources = ["bundled", "variants"]
        .map(|f| fixtures().join(f).display().to_string())
        .to_vec();
    let report = ingest(&site, sources);
    assert!(!report.has_failures(), "{report}");
    assert_eq!(report.created.len(), 20);
    assert_builds(&site);
}
