//! Search after an edit: a build with the cache reads only the changed question's body again
//! (the rest comes from `.quaestor-cache/search-words.bin`), finds its new words and no longer its
//! old ones, and leaves the bytes of a build without the cache.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The ids of the documents whose words include the form `form` in `lang`'s index.
fn ids_with(out: &Path, lang: &str, form: &str) -> BTreeSet<String> {
    let dir = out.join("search-index").join(lang);
    let meta = json(&dir.join("meta.json"));
    let chunk = meta["chunk"].as_u64().unwrap();
    let mut ids = BTreeSet::new();
    for n in 0..meta["shards"].as_array().unwrap().len() {
        let shard = json(&dir.join(format!("t/{n}.json")));
        for (i, f) in shard["forms"].as_array().unwrap().iter().enumerate() {
            if f != form {
                continue;
            }
            let s = shard["stem"][i].as_u64().unwrap() as usize;
            let mut doc = 0;
            for d in shard["postings"][s].as_array().unwrap() {
                doc += d.as_u64().unwrap();
                let records = json(&dir.join(format!("d/{}.json", doc / chunk)));
                let id = &records[(doc % chunk) as usize]["i"];
                ids.insert(id.as_str().unwrap().to_string());
            }
        }
    }
    ids
}

/// Builds with the real binary into `output` (the cache on unless `--no-cache` is in `more`, as
/// of 2026-12-01 unless `more` gives `--as-of`); returns what it reported on stderr with phase
/// timings on.
fn build(root: &Path, output: &str, more: &[&str]) -> String {
    let as_of: &[&str] = match more.contains(&"--as-of") {
        true => &[],
        false => &["--as-of", "2026-12-01"],
    };
    let out = Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join(output))
        .args(as_of)
        .args(more)
        .env("QUAESTOR_TIMINGS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// Every file under `root` with its bytes.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Builds the site at `root` without the cache into `full` (made anew) and checks that `out`
/// holds the same files, byte for byte; `round` names the check in a failure.
fn same_as_without_cache(root: &Path, out: &Path, round: &str) {
    let full = root.join("full");
    let _ = std::fs::remove_dir_all(&full);
    build(root, "full", &["--no-cache"]);
    let (a, b) = (tree(out), tree(&full));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "{round}"
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{round}: {path} differs from a build without the cache"
        );
    }
}

fn body_with(word: &str) -> String {
    question(
        "7-3",
        "nl",
        "Vraag nummer 3",
        &["spionage"],
        "2023-01-13",
        None,
    ) + &format!("\nHet {word} staat hier.\n")
}

#[test]
fn an_edited_body_is_the_only_one_read_again_and_its_new_word_is_found() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site.add("7-3", "nl", &body_with("okapiwoord"));
    let first = build(site.root(), "output", &[]);
    // Six question files: the French index shows four of them from their Dutch version.
    assert!(
        first.contains("search index: 6 of 6 question files read"),
        "{first}"
    );
    assert!(site
        .root()
        .join(".quaestor-cache/search-words.bin")
        .is_file());
    let out = site.root().join("output");
    assert_eq!(
        ids_with(&out, "nl", "okapiwoord"),
        BTreeSet::from(["7-3".into()])
    );

    site.add("7-3", "nl", &body_with("zebrawoord"));
    let again = build(site.root(), "output", &[]);
    assert!(
        again.contains("search index: 1 of 6 question files read"),
        "{again}"
    );
    // Found from both languages' search pages (7-3 has no French version), the old word gone.
    for lang in ["nl", "fr"] {
        assert_eq!(
            ids_with(&out, lang, "zebrawoord"),
            BTreeSet::from(["7-3".into()])
        );
        assert!(ids_with(&out, lang, "okapiwoord").is_empty());
    }

    same_as_without_cache(site.root(), &out, "an edited body");
}

#[test]
fn a_cache_file_that_is_garbage_is_ignored() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site.write(".quaestor-cache/search-words.bin", "not a cache");
    let report = build(site.root(), "output", &[]);
    assert!(
        report.contains("search index: 6 of 6 question files read"),
        "{report}"
    );
    build(site.root(), "full", &["--no-cache"]);
    assert!(tree(&site.root().join("output")) == tree(&site.root().join("full")));
}

#[test]
fn a_ministry_renamed_in_the_data_is_found_by_its_new_name_though_no_file_changed() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    let out = site.root().join("output");
    build(site.root(), "output", &[]);
    assert!(ids_with(&out, "nl", "landsverdediging").is_empty());

    // Defensie becomes Landsverdediging: every question's facts move, none of their files.
    site.write(
        "data/ministries.yaml",
        "- slug: defence\n  names:\n    nl: [Landsverdediging, Defensie]\n    fr: [Défense]\n",
    );
    build(site.root(), "output", &[]);
    let all: BTreeSet<String> = ids_with(&out, "nl", "defensie");
    assert!(!all.is_empty());
    assert_eq!(ids_with(&out, "nl", "landsverdediging"), all);

    build(site.root(), "full", &["--no-cache"]);
    assert!(tree(&out) == tree(&site.root().join("full")));
}

/// The record the client shows for question `id` in `lang`'s index.
fn record_of(out: &Path, lang: &str, id: &str) -> Value {
    let dir = out.join("search-index").join(lang);
    let meta = json(&dir.join("meta.json"));
    let chunks = (meta["docs"].as_u64().unwrap()).div_ceil(meta["chunk"].as_u64().unwrap());
    (0..chunks)
        .flat_map(|k| {
            json(&dir.join(format!("d/{k}.json")))
                .as_array()
                .unwrap()
                .clone()
        })
        .find(|r| r["i"] == id)
        .unwrap_or_else(|| panic!("no record of {id}"))
}

#[test]
fn a_question_past_its_deadline_shows_as_overdue_in_the_results_though_no_file_changed() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site.add("7-3", "nl", &body_with("okapiwoord"));
    let out = site.root().join("output");
    // Asked 2023-01-13, to be answered by 2023-03-02.
    build(site.root(), "output", &["--as-of", "2023-02-01"]);
    let before = record_of(&out, "nl", "7-3")["s"].clone();
    // A month after its deadline, its record is made again: the as-of date is an input.
    let report = build(site.root(), "output", &["--as-of", "2023-04-01"]);
    assert!(
        report.contains("search index: 0 of 6 question files read"),
        "{report}"
    );
    let after = record_of(&out, "nl", "7-3")["s"].clone();
    assert_ne!(before, after);

    build(
        site.root(),
        "full",
        &["--no-cache", "--as-of", "2023-04-01"],
    );
    assert!(tree(&out) == tree(&site.root().join("full")));
}

/// How many documents each language's index had patched from the last build's, by the build's
/// report: `[nl, fr]`, 0 for an index merged in full.
fn patched(report: &str) -> [usize; 2] {
    let count = |lang: &str| {
        let line = format!("search index: {lang}: merged (");
        let (_, rest) = report
            .split_once(&line)
            .unwrap_or_else(|| panic!("{report}"));
        rest.split_once(' ').unwrap().0.parse().unwrap()
    };
    [count("nl"), count("fr")]
}

#[test]
fn edits_patch_the_index_of_the_last_build_and_it_stays_that_of_a_full_build() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site.add("7-3", "nl", &body_with("okapiwoord"));
    let out = site.root().join("output");
    let first = build(site.root(), "output", &[]);
    assert_eq!(patched(&first), [0, 0], "nothing to patch yet");

    // A word only one document had goes, another comes; the French question's title moves.
    site.add("7-3", "nl", &body_with("zebrawoord"));
    site.add(
        "7-1",
        "fr",
        &question(
            "7-1",
            "fr",
            "Question sur l'élève",
            &["espionnage"],
            "2023-01-11",
            Some("2023-03-08"),
        ),
    );
    let report = build(site.root(), "output", &[]);
    // The French index holds the Dutch versions of the questions it has no French version of,
    // stemmed as Dutch: forms with two stems, patched all the same.
    assert_eq!(patched(&report), [1, 2], "{report}");
    assert!(ids_with(&out, "nl", "okapiwoord").is_empty());
    assert_eq!(
        ids_with(&out, "fr", "zebrawoord"),
        BTreeSet::from(["7-3".into()])
    );
    assert_eq!(
        ids_with(&out, "fr", "eleve"),
        BTreeSet::from(["7-1".into()])
    );
    same_as_without_cache(site.root(), &out, "new and gone words");

    // A keyword dropped from one question: its facet value loses a document.
    site.add(
        "7-2",
        "nl",
        &question(
            "7-2",
            "nl",
            "Vraag nummer 2",
            &["spionage"],
            "2023-01-12",
            None,
        ),
    );
    let report = build(site.root(), "output", &[]);
    assert_eq!(patched(&report), [1, 1], "{report}");
    same_as_without_cache(site.root(), &out, "a keyword dropped");

    // A question moved to another date moves in the order: merged in full.
    site.add(
        "7-4",
        "nl",
        &question(
            "7-4",
            "nl",
            "Vraag nummer 4",
            &["spionage", "Israël"],
            "2023-01-02",
            None,
        ),
    );
    let report = build(site.root(), "output", &[]);
    assert_eq!(patched(&report), [0, 0], "{report}");
    same_as_without_cache(site.root(), &out, "a date moved");

    // A lost or garbled index file is merged in full, with the same result.
    site.add("7-3", "nl", &body_with("okapiwoord"));
    site.write(".quaestor-cache/search-index.bin", "garbage");
    let report = build(site.root(), "output", &[]);
    assert_eq!(patched(&report), [0, 0], "{report}");
    same_as_without_cache(site.root(), &out, "a garbled index file");
}

/// The bytes of the cache file `name` in the site at `root`.
fn cache_file(root: &Path, name: &str) -> Option<Vec<u8>> {
    std::fs::read(root.join(".quaestor-cache").join(name)).ok()
}

#[test]
fn edits_on_a_larger_site_save_only_what_changed_and_the_next_build_still_patches() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    for n in 10..40 {
        let id = format!("7-{n}");
        let date = format!("2022-12-{:02}", n - 9);
        let body = question(
            &id,
            "nl",
            &format!("Vraag nummer {n}"),
            &["water"],
            &date,
            None,
        );
        site.add(&id, "nl", &format!("{body}\nOver dijk{n} en polder.\n"));
    }
    let out = site.root().join("output");
    build(site.root(), "output", &[]);
    let bases: Vec<Option<Vec<u8>>> = ["search-words.bin", "search-records.bin"]
        .iter()
        .map(|f| cache_file(site.root(), f))
        .collect();
    assert!(bases.iter().all(Option::is_some));

    // Two edits in a row, each with a word no other document has: the caches' bases stay as
    // they were, what changed goes beside them, and the second edit still patches the index
    // the first one left (its new words numbered from the first edit's delta).
    for word in ["okapiwoord", "zebrawoord"] {
        site.add("7-3", "nl", &body_with(word));
        let report = build(site.root(), "output", &[]);
        assert_eq!(patched(&report)[0], 1, "{report}");
        assert!(
            report.contains("search index: 1 of 36 question files read"),
            "{report}"
        );
        for (name, base) in ["search-words.bin", "search-records.bin"]
            .iter()
            .zip(&bases)
        {
            assert_eq!(&cache_file(site.root(), name), base, "{name} after {word}");
            let delta = name.replace(".bin", ".delta.bin");
            assert!(
                cache_file(site.root(), &delta).is_some(),
                "{delta} after {word}"
            );
        }
        assert_eq!(ids_with(&out, "nl", word), BTreeSet::from(["7-3".into()]));
        same_as_without_cache(site.root(), &out, word);
    }
    assert!(ids_with(&out, "nl", "okapiwoord").is_empty());
}
