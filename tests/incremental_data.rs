//! Open data across builds: one edited question changes its own record and its block of the bulk
//! files, and the incremental output is byte for byte what a build without the cache writes.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;

const BULK: [&str; 3] = ["questions.jsonl.gz", "questions.csv.gz", "SHA256SUMS"];

/// The gzip members of a file, compressed bytes and text.
fn members(bytes: &[u8]) -> Vec<(Vec<u8>, String)> {
    let mut rest = bytes;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let before = rest.len();
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let mut text = String::new();
        member.read_to_string(&mut text).unwrap();
        rest = member.into_inner();
        let len = before - rest.len();
        let start = bytes.len() - before;
        out.push((bytes[start..start + len].to_vec(), text));
    }
    out
}

fn read(out: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `n` questions, every other one in French too; no search index (not what is tested here, and
/// the slowest part of a test build).
fn archive(n: usize) -> Site {
    let site = Site::new();
    site.write("quaestor.toml", &format!("{CONFIG}search = false\n"));
    for k in 1..=n {
        let id = format!("7-{k}");
        let answered = (k % 3 == 0).then_some("2023-03-08");
        let q = question(
            &id,
            "nl",
            &format!("Vraag {k}"),
            &["spionage"],
            "2023-01-10",
            answered,
        );
        site.add(&id, "nl", &q);
        if k % 2 == 0 {
            let q = question(
                &id,
                "fr",
                &format!("Question {k}"),
                &["espionnage"],
                "2023-01-10",
                answered,
            );
            site.add(&id, "fr", &q);
        }
    }
    site
}

/// The site built from scratch into `fresh/`, without the cache; returns that folder.
fn built_without_cache(site: &Site) -> PathBuf {
    let fresh = site.root().join("fresh");
    let mut opts = site.opts();
    opts.output = Some(fresh.clone());
    opts.cache = false;
    quaestor::pipeline::build(&opts).unwrap();
    fresh
}

/// Question 7-250 of [`archive`] with a new title.
fn revised_250() -> String {
    question(
        "7-250",
        "nl",
        "Vraag 250, herzien",
        &["spionage"],
        "2023-01-10",
        None,
    )
}

#[test]
fn one_edit_changes_its_record_and_its_block_only_and_equals_a_build_without_cache() {
    let site = archive(400);
    site.build().unwrap();
    let before: Vec<Vec<u8>> = BULK.iter().map(|f| read(&site.out(), f)).collect();
    let record_before = read(&site.out(), "api/questions/7-2.json");

    let edited = revised_250();
    site.add("7-250", "nl", &edited);
    let summary = site.build().unwrap();
    assert!(summary.incremental, "updated in place from the cache");
    let after: Vec<Vec<u8>> = BULK.iter().map(|f| read(&site.out(), f)).collect();

    for (i, f) in BULK.iter().take(2).enumerate() {
        let (old, new) = (members(&before[i]), members(&after[i]));
        assert_eq!(old.len(), new.len(), "{f}: as many members");
        let changed: Vec<usize> = (0..old.len()).filter(|&m| old[m] != new[m]).collect();
        assert_eq!(changed.len(), 1, "{f}: one member made again: {changed:?}");
        let m = &new[changed[0]].1;
        assert!(m.contains("Vraag 250, herzien"), "{f}: the edited block");
        assert!(!old[changed[0]].1.contains("herzien"));
    }
    assert_ne!(before[2], after[2], "SHA256SUMS follows the bulk files");
    let record = String::from_utf8(read(&site.out(), "api/questions/7-250.json")).unwrap();
    assert!(record.contains("Vraag 250, herzien"));
    assert_eq!(read(&site.out(), "api/questions/7-2.json"), record_before);

    // The same site built from scratch, without the cache: the same bytes.
    let fresh = built_without_cache(&site);
    for (i, f) in BULK.iter().enumerate() {
        assert!(
            read(&fresh, f) == after[i],
            "{f} differs from a build without the cache"
        );
    }
    for id in ["7-1", "7-250", "7-400"] {
        let rel = format!("api/questions/{id}.json");
        assert_eq!(read(&fresh, &rel), read(&site.out(), &rel), "{rel}");
    }
}

#[test]
fn a_question_added_or_removed_rewrites_the_bulk_files_as_a_fresh_build_would() {
    let site = archive(200);
    site.build().unwrap();
    site.add(
        "7-201",
        "nl",
        &question("7-201", "nl", "Nieuw", &["spionage"], "2023-01-10", None),
    );
    std::fs::remove_file(site.root().join("content/questions/7/7-5.nl.md")).unwrap();
    site.build().unwrap();
    let fresh = built_without_cache(&site);
    for f in BULK {
        assert!(read(&fresh, f) == read(&site.out(), f), "{f}");
    }
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&read(&site.out(), BULK[0])[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("\"id\":\"7-201\""));
    assert!(!text.contains("\"id\":\"7-5\""));
    assert!(!site.out().join("api/questions/7-5.json").exists());
}

#[test]
fn an_update_that_fails_leaves_the_output_and_the_cache_as_they_were() {
    let site = archive(400);
    site.build().unwrap();
    let before = tree(&site.out());
    // A new member for the edited block, the bulk files written beside the output while the
    // update goes on; the edit's broken link then fails the update.
    let edited = revised_250().replace("Text of 7-250.", "Zie [vraag 7-999](/questions/7-999/).");
    site.add("7-250", "nl", &edited);
    let e = site.build().unwrap_err();
    let shown = format!("{e} {:?}", e.diagnostics());
    assert!(shown.contains("/questions/7-999/"), "{shown}");
    assert!(
        tree(&site.out()) == before,
        "the failed update changed the output"
    );
    let beside: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output.bulk-") || n.starts_with(".output.staging-"))
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");

    // The link mended: the cache still stands, and the update equals a fresh build. It also
    // removes what a killed update (a process no longer running) left beside the output.
    let killed = site.root().join(".output.bulk-4000000000");
    std::fs::create_dir(&killed).unwrap();
    std::fs::write(killed.join("0"), "half a bulk file").unwrap();
    site.add(
        "7-250",
        "nl",
        &edited.replace("/questions/7-999/", "/questions/7-2/"),
    );
    assert!(site.build().unwrap().incremental, "updated in place");
    assert!(!killed.exists(), "a killed update's folder is removed");
    let fresh = built_without_cache(&site);
    for f in BULK {
        assert!(read(&fresh, f) == read(&site.out(), f), "{f}");
    }
}
