//! Idempotence, updates, the hand-edit guard, `--force`, `--dry-run` and atomic writes.

use quaestor::ingest::{run, IngestArgs};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/senate")
        .join(rel)
}

fn args(content: &Path, sources: &[&Path]) -> IngestArgs {
    IngestArgs {
        content: content.to_path_buf(),
        sources: sources.iter().map(|p| p.display().to_string()).collect(),
        ..Default::default()
    }
}

fn all_files(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        .collect()
}

#[test]
fn second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = args(dir.path(), &[&fixture("bundled")]);
    let first = run(&a).unwrap();
    assert_eq!(first.created.len(), 18);
    let file = dir.path().join("questions/7/7-1870.nl.md");
    let manifest = dir.path().join(".ingest-manifest.json");
    let (bytes, mtime) = (
        std::fs::read(&file).unwrap(),
        std::fs::metadata(&file).unwrap().modified().unwrap(),
    );
    let m_mtime = std::fs::metadata(&manifest).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let second = run(&a).unwrap();
    assert_eq!(
        (
            second.created.len(),
            second.updated.len(),
            second.unchanged.len()
        ),
        (0, 0, 18)
    );
    assert!(!second.has_failures());
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
    assert_eq!(
        std::fs::metadata(&manifest).unwrap().modified().unwrap(),
        m_mtime
    );
    assert!(second.to_string().contains("unchanged:  18"));
    // Atomic writes leave no temp files behind.
    assert!(
        all_files(dir.path()).iter().all(|f| !f.contains(".tmp")),
        "{:?}",
        all_files(dir.path())
    );
    // The manifest is deterministic: sorted keys, SHA-256 of each file.
    let m: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let keys: Vec<&String> = m.keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(m["questions/7/7-1870.nl.md"], quaestor::sha256::hex(&bytes));
}

#[test]
fn changed_page_updates_and_hand_edit_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let src_dir = tempfile::tempdir().unwrap();
    let page = src_dir.path().join("8-12.nl.txt");
    let original = std::fs::read_to_string(fixture("bundled/8-12.nl.txt")).unwrap();
    std::fs::write(&page, &original).unwrap();
    let a = args(dir.path(), &[&page]);
    run(&a).unwrap();
    let out = dir.path().join("questions/8/8-12.nl.md");

    // A changed source page updates its file.
    std::fs::write(&page, original.replace("88,4 %", "88,5 %")).unwrap();
    let r = run(&a).unwrap();
    assert_eq!(r.updated.len(), 1, "{r}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("88,5 %"));

    // A person edits the file; the next ingest of a changed page refuses to overwrite it.
    let edited = std::fs::read_to_string(&out)
        .unwrap()
        .replace("## Vraag", "## Vraag (nagekeken)");
    std::fs::write(&out, &edited).unwrap();
    std::fs::write(&page, original.replace("88,4 %", "88,6 %")).unwrap();
    let r = run(&a).unwrap();
    assert_eq!(r.hand_edited, vec![out.clone()]);
    assert!(!r.has_failures(), "a kept hand edit is not a failure");
    assert!(r.to_string().contains("re-run with --force"), "{r}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), edited);

    // --force overwrites it, and is reported as such.
    let forced = IngestArgs {
        force: true,
        ..a.clone()
    };
    let r = run(&forced).unwrap();
    assert_eq!(r.overwritten, vec![out.clone()]);
    assert!(!r.has_failures());
    assert!(std::fs::read_to_string(&out).unwrap().contains("88,6 %"));
    let again = run(&a).unwrap();
    assert_eq!(again.unchanged.len(), 1);
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        dry_run: true,
        ..args(&dir.path().join("c"), &[&fixture("bundled")])
    };
    let r = run(&a).unwrap();
    assert_eq!(r.created.len(), 18);
    assert!(r.to_string().contains("dry run"));
    assert!(!dir.path().join("c").exists());
}

#[test]
fn duplicate_pages_in_one_run_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let a = args(
        dir.path(),
        &[&fixture("7-1870.nl.txt"), &fixture("bundled/7-1870.nl.txt")],
    );
    let r = run(&a).unwrap();
    assert_eq!(r.created.len(), 1);
    assert_eq!(r.rejected.len(), 1);
    assert!(r.rejected[0].reason.starts_with("duplicate of"));
}
