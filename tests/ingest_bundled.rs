//! `content/` is generated: ingesting `tests/fixtures/senate/bundled/` reproduces it exactly.

use quaestor::ingest::{run, IngestArgs};
use std::collections::BTreeMap;
use std::path::Path;

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn bundled_fixtures_reproduce_content_dir() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `QUAESTOR_REGEN_CONTENT=1 cargo test --test ingest_bundled` rebuilds content/ itself.
    if std::env::var_os("QUAESTOR_REGEN_CONTENT").is_some() {
        let _ = std::fs::remove_dir_all(manifest.join("content/questions"));
        let _ = std::fs::remove_file(manifest.join("content/.ingest-manifest.json"));
        let args = IngestArgs {
            content: manifest.join("content"),
            sources: vec![manifest
                .join("tests/fixtures/senate/bundled")
                .display()
                .to_string()],
            ..Default::default()
        };
        assert!(!run(&args).unwrap().has_failures());
    }
    let dir = tempfile::tempdir().unwrap();
    let args = IngestArgs {
        content: dir.path().to_path_buf(),
        sources: vec![manifest
            .join("tests/fixtures/senate/bundled")
            .display()
            .to_string()],
        ..Default::default()
    };
    let report = run(&args).unwrap();
    assert!(!report.has_failures(), "{report}");
    let got = tree(dir.path());
    let want = tree(&manifest.join("content"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (k, v) in &want {
        assert!(
            got[k] == *v,
            "content/{k} differs from a fresh ingest of bundled/"
        );
    }
}

#[test]
fn bundled_content_shows_the_required_states() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let today = "2026-11-28";
    let (mut overdue, mut not_due) = (0, 0);
    let mut statuses = std::collections::BTreeSet::new();
    for (rel, bytes) in tree(&manifest.join("content")) {
        if !rel.ends_with(".md") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let fm = text
            .split("\n---\n")
            .next()
            .unwrap()
            .trim_start_matches("---\n");
        let v: serde_yaml::Value = serde_yaml::from_str(fm).unwrap();
        let status = v["status"].as_str().unwrap().to_string();
        for key in ["date", "answered"] {
            if let Some(d) = v.get(key).and_then(|d| d.as_str()) {
                assert!(d <= today, "{rel}: {key} {d} after today");
            }
        }
        if status == "open" && v["lang"] == "nl" {
            match v.get("deadline").and_then(|d| d.as_str()) {
                Some(d) if d < today => overdue += 1,
                Some(_) => not_due += 1,
                None => {}
            }
        }
        statuses.insert(status);
    }
    assert!(
        overdue >= 2 && not_due >= 1,
        "overdue {overdue}, not due {not_due}"
    );
    assert_eq!(statuses.len(), 5, "{statuses:?}");
}
