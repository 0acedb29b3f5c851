//! `quaestor init`: a new site that builds as it is, and never a replaced file.

use std::path::Path;
use std::process::{Command, Output};

fn quaestor(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(args)
        .current_dir(dir)
        .env("CI", "1")
        .output()
        .unwrap()
}

#[test]
fn init_then_build_gives_the_example_question_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = quaestor(&["init", "my-portal"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("quaestor build") && stdout.contains("quaestor serve"));
    let site = tmp.path().join("my-portal");
    for f in [
        ".gitignore",
        ".github/workflows/pages.yml",
        "netlify.toml",
        "data/ministries.yaml",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let out = quaestor(&["build"], &site);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nl = std::fs::read_to_string(site.join("output/questions/8-1/index.html")).unwrap();
    let fr = std::fs::read_to_string(site.join("output/fr/questions/8-1/index.html")).unwrap();
    assert!(nl.contains("Fietsenstallingen aan stations"));
    assert!(fr.contains("Parkings vélos dans les gares"));
    // The ministries table names the portfolio's page.
    assert!(site.join("output/ministries/mobility/index.html").is_file());
}

#[test]
fn init_refuses_when_a_starter_file_exists_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = b"title = \"My own site\"\n# hand-written, keep\n";
    std::fs::write(tmp.path().join("quaestor.toml"), mine).unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "unrelated").unwrap();
    let out = quaestor(&["init"], tmp.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("quaestor.toml"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read(tmp.path().join("quaestor.toml")).unwrap(),
        mine
    );
    let mut left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["notes.txt", "quaestor.toml"]);
}

#[test]
fn init_into_a_folder_holding_other_files_works() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("README.md"), "mine").unwrap();
    let out = quaestor(&["init"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("README.md")).unwrap(),
        "mine"
    );
    assert!(tmp.path().join("quaestor.toml").is_file());
}
