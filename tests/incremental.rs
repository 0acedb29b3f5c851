//! The build cache: a build after an edit updates the output in place, and what it leaves is
//! byte for byte what a full build from scratch writes. Each step edits the bundled site the way
//! a person or the ingester would and compares the two outputs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

mod common;

use common::tree;
use quaestor::content::memo::ParseMemo;
use quaestor::pipeline::{build, BuildOptions, BuildSummary};

struct Portal {
    dir: tempfile::TempDir,
    /// Parsed questions kept between incremental builds, as `serve` keeps them.
    memo: Option<Arc<ParseMemo>>,
}

impl Portal {
    /// The bundled site, paginated at 2 so that lists span pages.
    fn bundled() -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(repo.join("content")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(repo).unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dir.path().join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), dir.path().join(rel)).unwrap();
            }
        }
        let config = std::fs::read_to_string(repo.join("quaestor.toml"))
            .unwrap()
            .replace("paginate_by = 20", "paginate_by = 2");
        assert!(config.contains("paginate_by = 2"));
        std::fs::write(dir.path().join("quaestor.toml"), config).unwrap();
        Portal { dir, memo: None }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn opts(&self, output: &str, cache: bool) -> BuildOptions {
        BuildOptions {
            output: Some(self.path(output)),
            cache,
            memo: self.memo.clone().filter(|_| cache),
            ..BuildOptions::new(self.dir.path())
        }
    }

    /// Builds incrementally into `output/` and from scratch into `full/`; both must agree.
    fn step(&self, what: &str) -> BuildSummary {
        let summary = build(&self.opts("output", true))
            .unwrap_or_else(|e| panic!("{what}: incremental build failed: {e}"));
        let _ = std::fs::remove_dir_all(self.path("full"));
        let full = build(&self.opts("full", false))
            .unwrap_or_else(|e| panic!("{what}: full build failed: {e}"));
        let (a, b) = (tree(&self.path("output")), tree(&self.path("full")));
        // What the build says it left is what a host is asked to store (`Output: … in … files`).
        let (files, bytes) = a
            .values()
            .filter(|b| b.as_slice() != b"<dir>")
            .fold((0, 0), |(n, s), b| (n + 1, s + b.len() as u64));
        assert_eq!(
            (summary.files, summary.bytes),
            (files, bytes),
            "{what}: the summary's files and bytes against the output folder"
        );
        assert_eq!(
            (full.files, full.bytes),
            (files, bytes),
            "{what}: a full build's summary"
        );
        let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        assert!(
            only_a.is_empty() && only_b.is_empty(),
            "{what}: only in the incremental output {only_a:?}, only in the full one {only_b:?}"
        );
        for (path, bytes) in &a {
            assert!(
                b[path] == *bytes,
                "{what}: {path} differs from a full build"
            );
        }
        eprintln!(
            "{what}: incremental {}, {} written, {} removed",
            summary.incremental, summary.written, summary.removed
        );
        summary
    }
}

#[test]
fn every_edit_gives_the_output_of_a_full_build() {
    let p = Portal::bundled();
    let first = p.step("first build");
    assert!(!first.incremental);
    let total = first.files;

    let again = p.step("nothing changed");
    assert!(again.incremental && again.written == 0 && again.removed == 0);

    // A typo fixed in an answer: the question's pages, its feed and data; no listing.
    p.edit(
        "content/questions/8/8-75.nl.md",
        "Welke maatregelen plant u",
        "Welke maatregelen neemt u",
    );
    let body = p.step("body edited");
    assert!(body.incremental, "a body edit is an incremental build");
    assert!(
        body.written < total / 5,
        "a body edit rewrote {} of {total} files",
        body.written
    );

    p.edit(
        "content/questions/7/7-1870.nl.md",
        "title: \"",
        "title: \"Herzien: ",
    );
    assert!(p.step("title edited").incremental);

    // 8-57 asks "also asked to" 8-58, which the portal did not have: its pages must now link it.
    let twin = p
        .read("content/questions/8/8-57.nl.md")
        .replace("\"8-57\"", "\"8-58\"")
        .replace("number: 57", "number: 58")
        .replace("NR=57", "NR=58")
        .replace(
            "{type: also-asked-to, id: \"8-58\"}",
            "{type: also-asked-to, id: \"8-57\"}",
        );
    p.write("content/questions/8/8-58.nl.md", &twin);
    let added = p.step("question added");
    assert!(added.written > 0);

    std::fs::remove_file(p.path("content/questions/8/8-12.fr.md")).unwrap();
    p.step("language version removed");
    assert!(!p.path("output/fr/questions/8-12/index.html").exists());
    assert!(p.path("output/questions/8-12/index.html").exists());

    // Sent later in the same month: it moves within lists and their pages.
    let q = "content/questions/8/8-60.nl.md";
    p.edit(q, "date: 2025-03-03", "date: 2025-03-29");
    p.edit(
        q,
        "{date: 2025-03-03, type: sent}",
        "{date: 2025-03-29, type: sent}",
    );
    assert!(p.step("date moved within its month").incremental);

    // A deadline brought forward: an open question becomes overdue.
    p.edit(
        "content/questions/8/8-102.nl.md",
        "deadline: 2026-12-10",
        "deadline: 2026-11-20",
    );
    assert!(p.step("deadline moved").incremental);

    // Sent a month earlier: a new archive month.
    p.edit(q, "date: 2025-03-29", "date: 2025-02-03");
    p.edit(
        q,
        "{date: 2025-03-29, type: sent}",
        "{date: 2025-02-03, type: sent}",
    );
    p.step("date moved to another month");

    p.edit(
        "content/questions/8/8-80.nl.md",
        "keywords: [",
        "keywords: [\"Nieuw trefwoord\", ",
    );
    p.step("new keyword");

    // Saved again unchanged: a new stamp, the same bytes.
    let text = p.read("content/questions/8/8-101.nl.md");
    std::thread::sleep(std::time::Duration::from_millis(20));
    p.write("content/questions/8/8-101.nl.md", &text);
    let touched = p.step("saved unchanged");
    assert!(touched.incremental && touched.written == 0);

    p.write(
        "data/ministries.yaml",
        "- slug: justice\n  names:\n    nl: [\"Justitie\"]\n    fr: [\"Justice\"]\n",
    );
    let data = p.step("ministries table");
    assert!(!data.incremental, "site data is a global input");

    p.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Weg</h1>{% endblock content %}",
    );
    assert!(!p.step("template override").incremental);
}

#[test]
fn a_link_broken_by_another_file_fails_the_incremental_build_too() {
    let p = Portal::bundled();
    p.edit(
        "content/questions/8/8-75.nl.md",
        "Welke maatregelen plant u",
        "Zie [de vraag](/questions/8-60/). Welke maatregelen plant u",
    );
    p.step("link added");
    let before = tree(&p.path("output"));
    // The page holding the link is not rendered again; its link must still be checked.
    std::fs::remove_file(p.path("content/questions/8/8-60.nl.md")).unwrap();
    std::fs::remove_file(p.path("content/questions/8/8-60.fr.md")).unwrap();
    for cache in [true, false] {
        let e = build(&p.opts("output", cache)).unwrap_err();
        let shown = e.to_string()
            + &format!(
                "{:?}",
                e.diagnostics()
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
            );
        assert!(
            shown.contains("8-75.nl.md") && shown.contains("/questions/8-60/"),
            "cache {cache}: {shown}"
        );
        assert_eq!(
            tree(&p.path("output")),
            before,
            "the failed build changed the output"
        );
    }
}

#[test]
fn an_interrupted_update_is_followed_by_a_full_build() {
    let p = Portal::bundled();
    p.step("first build");
    // What an update leaves when it is killed: the cache marked dirty, a page half updated.
    let state = std::fs::read_dir(p.path(quaestor::cache::DIR))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        // The build state, not one of the cache's other files (parsed questions, search).
        .find(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name.starts_with("build-") && name.ends_with(".bin")
        })
        .unwrap();
    let mut s = quaestor::cache::State::load(&state).unwrap();
    s.mark_dirty(&state).unwrap();
    std::fs::write(p.path("output/index.html"), "half").unwrap();
    let after = p.step("after an interrupted update");
    assert!(!after.incremental);
}

#[test]
fn a_replaced_output_folder_is_rebuilt_in_full() {
    let p = Portal::bundled();
    p.step("first build");
    std::fs::remove_dir_all(p.path("output")).unwrap();
    std::fs::create_dir(p.path("output")).unwrap();
    let after = p.step("output replaced");
    assert!(!after.incremental);
    assert!(p.path("output/index.html").exists());

    // Emptied in place: the same folder (same inode), nothing in it.
    for entry in std::fs::read_dir(p.path("output")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }
    let after = p.step("output emptied");
    assert!(!after.incremental);
    assert!(p.path("output/index.html").exists());
}

#[test]
fn a_long_running_process_parses_again_only_what_changed() {
    let mut p = Portal::bundled();
    let memo = Arc::new(ParseMemo::new());
    p.memo = Some(memo.clone());
    // A stamp is trusted only when older than 2 s: a file saved twice within one timestamp tick
    // may keep it. The copied site must age before its stamps count.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let first = p.step("first build");
    assert_eq!(memo.reused(), 0);

    let rel = "content/questions/8/8-75.nl.md";
    p.edit(
        rel,
        "Welke maatregelen plant u",
        "Welke maatregelen neemt u",
    );
    p.step("body edited");
    assert_eq!(
        memo.reused(),
        first.questions - 1,
        "every file but the edited one comes from memory"
    );
    // Edited again at once, to the same length: read again, never taken from memory.
    p.edit(rel, "Welke maatregelen neemt u", "Welke maatregelen nemen");
    p.step("edited again within a second");
    assert_eq!(memo.reused(), first.questions - 1);
    assert!(p
        .read("output/questions/8-75/index.html")
        .contains("Welke maatregelen nemen"));

    // A file with a problem fails the build and keeps the memo as it was.
    p.edit(rel, "title:", "titel:");
    assert!(build(&p.opts("output", true)).is_err());
    p.edit(rel, "titel:", "title:");
    p.step("fixed");
    assert_eq!(memo.reused(), first.questions - 1);
}

#[test]
fn a_build_takes_questions_parsed_before_only_while_their_files_and_languages_stand() {
    let p = Portal::bundled();
    // Stamps are trusted only when older than 2 s (see the test above).
    std::thread::sleep(std::time::Duration::from_secs(3));
    p.step("first build");
    let saved = p.path(".quaestor-cache/questions.bin");
    assert!(saved.is_file(), "the parsed questions are kept");

    let rel = "content/questions/8/8-75.nl.md";
    p.edit(
        rel,
        "Welke maatregelen plant u",
        "Welke maatregelen neemt u",
    );
    p.step("body edited");
    p.edit(rel, "Welke maatregelen neemt u", "Welke maatregelen nemen");
    p.step("edited again at once");
    assert!(p
        .read("output/questions/8-75/index.html")
        .contains("Welke maatregelen nemen"));
    p.edit(rel, "title: \"", "title: \"Herzien: ");
    p.step("title edited");
    assert!(p.read("output/index.html").contains("Herzien: "));

    // A garbled file is no cache at all.
    let mut bytes = std::fs::read(&saved).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&saved, bytes).unwrap();
    p.edit(rel, "Herzien: ", "Herzien opnieuw: ");
    p.step("cache garbled");

    // The French files parsed without a problem for a site in Dutch and French; for a site in
    // Dutch alone each of them is an error, though its file did not change.
    let config: String = p
        .read("quaestor.toml")
        .lines()
        .map(|line| match line.split_once(", fr = ") {
            Some((dutch, _)) => format!("{dutch} }}\n"),
            None => format!("{}\n", line.replace(r#"["nl", "fr"]"#, r#"["nl"]"#)),
        })
        .collect();
    assert!(config.contains(r#"languages = ["nl"]"#));
    p.write("quaestor.toml", &config);
    let e = build(&p.opts("output", true)).expect_err("French files in a Dutch site");
    let quaestor::error::Error::Invalid(problems) = e else {
        panic!("not a problem in the input: {e}");
    };
    let french: Vec<PathBuf> = walkdir::WalkDir::new(p.path("content/questions"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".fr.md"))
        .map(|e| e.path().strip_prefix(p.dir.path()).unwrap().to_path_buf())
        .collect();
    assert!(!french.is_empty());
    for file in &french {
        assert!(
            problems.iter().any(
                |d| d.path == *file && d.message.contains("is not one of the site's languages")
            ),
            "{} not reported: {problems:?}",
            file.display()
        );
    }
}

#[test]
fn a_static_file_of_the_site_replaces_the_generated_file_of_its_name() {
    let site = Portal::bundled();
    let robots = "User-agent: *\nDisallow: /drafts/\n";
    site.write("static/robots.txt", robots);
    // Full builds write the generated files and the static files in parallel; the static one
    // must win every time, not by luck of scheduling.
    for _ in 0..5 {
        site.step("static robots.txt");
        assert_eq!(site.read("output/robots.txt"), robots);
        assert_eq!(site.read("full/robots.txt"), robots);
        let _ = std::fs::remove_dir_all(site.path("output"));
    }
    site.step("a build with a cache");
    site.edit(
        "content/questions/7/7-1870.nl.md",
        "\ntitle: \"",
        "\ntitle: \"Herzien: ",
    );
    site.step("a title edited");
    assert_eq!(site.read("output/robots.txt"), robots);
}

#[test]
fn a_static_file_where_a_page_is_written_is_an_error() {
    let site = Portal::bundled();
    site.write("static/questions/index.html", "<p>mine</p>\n");
    let e = build(&site.opts("output", true)).expect_err("a static file over a page");
    let quaestor::error::Error::Invalid(problems) = e else {
        panic!("not a problem in the input: {e}");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, Path::new("static/questions/index.html"));
    assert!(
        problems[0].message.contains("where the site has a page"),
        "{problems:?}"
    );
    assert!(
        !site.path("output").exists(),
        "a failed build writes nothing"
    );
}

/// Each kind of output declares the inputs its bytes come from (a page and an open-data record
/// their questions' whole files, a feed its entries' front matter, a calendar its questions'
/// deadlines, a redirect page an alias): changing exactly that input makes an incremental
/// build rewrite the file, to the bytes a full build writes.
#[test]
fn each_output_is_rewritten_when_the_input_it_declares_changes() {
    let p = Portal::bundled();
    p.step("first build");
    // Not the language's newest question, whose front matter every feed reads (its date).
    let q = "content/questions/8/8-101.nl.md";
    let rewrites = |what: &str, edit: &dyn Fn(), files: &[(&str, &str)]| {
        let before: Vec<Option<Vec<u8>>> = files
            .iter()
            .map(|(f, _)| std::fs::read(p.path("output").join(f)).ok())
            .collect();
        edit();
        let summary = p.step(what);
        assert!(summary.incremental, "{what}: an incremental build");
        for ((file, shown), before) in files.iter().zip(before) {
            let after = std::fs::read(p.path("output").join(file))
                .unwrap_or_else(|_| panic!("{what}: {file} is missing"));
            assert!(
                before.as_ref() != Some(&after),
                "{what}: {file} not rewritten"
            );
            assert!(
                String::from_utf8_lossy(&after).contains(shown),
                "{what}: {file} does not show {shown:?}"
            );
        }
    };
    rewrites(
        "body edited",
        &|| p.edit(q, "de zones te ondersteunen", "de zones te helpen"),
        &[
            ("questions/8-101/index.html", "de zones te helpen"),
            ("api/questions/8-101.json", "de zones te helpen"),
        ],
    );
    rewrites(
        "title edited",
        &|| p.edit(q, "title: \"", "title: \"Herzien: "),
        &[
            ("questions/8-101/feed.xml", "Herzien: "),
            ("keywords/politie/feed.xml", "Herzien: "),
        ],
    );
    // The one question whose deadline is still to come.
    let due = "content/questions/8/8-102.nl.md";
    rewrites(
        "deadline moved",
        &|| p.edit(due, "deadline: 2026-12-10", "deadline: 2026-12-17"),
        &[
            ("deadlines.ics", "DTSTART;VALUE=DATE:20261217"),
            (
                "members/anna-peeters/deadlines.ics",
                "DTSTART;VALUE=DATE:20261217",
            ),
        ],
    );
    rewrites(
        "alias added",
        &|| p.edit(q, "source:", "aliases: [\"/oud/vraag-101/\"]\nsource:"),
        &[("oud/vraag-101/index.html", "questions/8-101/")],
    );
    p.edit(q, "aliases: [\"/oud/vraag-101/\"]\n", "");
    assert!(p.step("alias removed").incremental);
    assert!(!p.path("output/oud/vraag-101/index.html").exists());
}

/// An in-place update leaves the files it does not write as they were, and records them with the
/// stamps checked when it began: a page edited by hand after the update is still noticed and
/// written again by the next build.
#[test]
fn a_page_edited_by_hand_after_an_update_is_written_again() {
    let p = Portal::bundled();
    p.step("first build");
    p.edit(
        "content/questions/8/8-80.nl.md",
        "title: \"Waarom",
        "title: \"Herzien: waarom",
    );
    let update = p.step("a title revised");
    assert!(update.incremental && update.written > 0);
    let page = "output/questions/7-1870/index.html";
    let before = p.read(page);
    assert!(!before.contains("Herzien"), "the update left {page} alone");
    p.write(page, &before.replace("Pegasus", "Pegasys"));
    // The next build notices the edit (a full build) and the page is the tool's again.
    p.step("a page edited by hand");
    assert_eq!(p.read(page), before);
}
