//! A pull request is a stranger's files: git stores symbolic links, so one can point `static/`, a
//! theme's `templates/` or `data/redirects.yaml` at `~/.ssh` or `/proc/self/environ` on the
//! machine that builds a deploy preview. No link under the site is followed, a refused file is
//! named and never printed, and an old address never replaces or blocks a file the build writes.
#![cfg(unix)]

mod common;

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const SECRET: &str = "ghp_secret";

/// A folder outside the site holding what must never be published or printed.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("env"),
        format!("GITHUB_TOKEN={SECRET}\nHOME=/root\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("id_rsa"),
        format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n"),
    )
    .unwrap();
    dir
}

fn fifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
}

/// Copies a folder of the repository's bundled themes into `to`.
fn copy_theme_dir(from: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes")
        .join(from);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the real binary on `root` with a deadline: what is printed, stdout and stderr together,
/// and whether it succeeded. A command that blocks (on a FIFO, on /dev/zero) fails the test.
fn run(command: &str, root: &Path) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .arg(command)
        .arg("--root")
        .arg(root)
        .env("CI", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`quaestor {command}` on {} blocked", root.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut text = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    text.push_str(&String::from_utf8_lossy(&err.join().unwrap()));
    (status.success(), text)
}

/// The four files: a question, both data tables and the configuration, each a link to
/// a file of secrets, a folder, a FIFO and an endless device. `check` and `build` name the link,
/// say it is refused, print none of its target, and return.
#[test]
fn refused_site_files_are_named_and_never_printed() {
    let outside = outside();
    fifo(&outside.path().join("pipe"));
    let targets: [PathBuf; 4] = [
        outside.path().join("env"),
        outside.path().to_path_buf(),
        outside.path().join("pipe"),
        PathBuf::from("/dev/zero"),
    ];
    for place in [
        "content/questions/7/7-5.nl.md",
        "data/redirects.yaml",
        "data/ministries.yaml",
        "quaestor.toml",
    ] {
        for target in &targets {
            let site = Site::standard();
            let link = site.root().join(place);
            std::fs::create_dir_all(link.parent().unwrap()).unwrap();
            let _ = std::fs::remove_file(&link);
            symlink(target, &link).unwrap();
            for command in ["check", "build"] {
                let (ok, text) = run(command, site.root());
                let case = format!("{command}, {place} -> {}:\n{text}", target.display());
                assert!(!ok, "{case}");
                assert!(text.contains(place), "the link is named: {case}");
                assert!(text.contains("symbolic link"), "{case}");
                assert!(
                    !text.contains(SECRET) && !text.contains("GITHUB_TOKEN"),
                    "{case}"
                );
                assert!(!site.out().exists(), "{case}");
            }
        }
        // The same places as a FIFO inside the site: named, never waited on.
        let site = Site::standard();
        let path = site.root().join(place);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        fifo(&path);
        for command in ["check", "build"] {
            let (ok, text) = run(command, site.root());
            assert!(!ok && text.contains(place), "{command}, {place}:\n{text}");
        }
    }
}

/// `static` as a link to a folder holding `id_rsa` published the key.
#[test]
fn a_linked_static_folder_publishes_nothing() {
    let outside = outside();
    let site = Site::standard();
    symlink(outside.path(), site.root().join("static")).unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("static"));
    assert!(d[0].message.contains("symbolic link"), "{d:#?}");
    assert!(d[0].help.as_deref().unwrap().contains("replace the link"));
    assert!(!site.out().exists());
    let e = quaestor::pipeline::check(&site.opts()).unwrap_err();
    assert_eq!(diagnostics(e)[0].path, Path::new("static"));
}

/// A theme whose `templates` is a link, with `{% include "id_rsa" %}`, put a key into every page;
/// so did the site's own `templates/` as a link.
#[test]
fn linked_template_folders_are_refused() {
    let outside = outside();
    let linked = outside.path().join("templates");
    copy_theme_dir("default/templates", &linked);
    std::fs::copy(outside.path().join("id_rsa"), linked.join("id_rsa")).unwrap();
    let base = std::fs::read_to_string(linked.join("base.html")).unwrap();
    std::fs::write(
        linked.join("base.html"),
        format!("{base}{{% include \"id_rsa\" %}}\n"),
    )
    .unwrap();

    let site = Site::standard();
    copy_theme_dir("default/static", &site.root().join("themes/mine/static"));
    symlink(&linked, site.root().join("themes/mine/templates")).unwrap();
    site.write("quaestor.toml", &format!("{CONFIG}theme = \"mine\"\n"));
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("themes/mine/templates"));
    assert!(d[0].message.contains("symbolic link"), "{d:#?}");
    assert!(!site.out().exists());

    let site = Site::standard();
    symlink(&linked, site.root().join("templates")).unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("templates"));
    assert!(!site.out().exists());
}

/// A link inside `static/` or `templates/` was skipped without a word: now each is an error
/// naming it. Hidden entries (an editor's lock file, which Emacs makes as a dangling link) are
/// still skipped unread.
#[test]
fn links_and_special_files_inside_theme_folders_are_errors() {
    let outside = outside();
    let site = Site::standard();
    site.write("static/css/extra.css", "p {}\n");
    symlink(
        outside.path().join("id_rsa"),
        site.root().join("static/key"),
    )
    .unwrap();
    symlink(outside.path(), site.root().join("static/css/all")).unwrap();
    fifo(&site.root().join("static/pipe"));
    site.write("templates/partials/note.html", "<p>note</p>\n");
    symlink(
        outside.path().join("id_rsa"),
        site.root().join("templates/partials/id_rsa"),
    )
    .unwrap();
    symlink(
        "anna@host.1234",
        site.root().join("templates/partials/.#note.html"),
    )
    .unwrap();
    let d = diagnostics(site.build().unwrap_err());
    let mut found: Vec<(String, bool)> = d
        .iter()
        .map(|d| {
            (
                d.path.display().to_string(),
                d.message.contains("symbolic link"),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("static/css/all".to_string(), true),
            ("static/key".to_string(), true),
            ("static/pipe".to_string(), false),
            ("templates/partials/id_rsa".to_string(), true),
        ],
        "{d:#?}"
    );
    assert!(d.iter().all(|d| d.help.is_some()));
    assert!(!site.out().exists());

    // Without the links and the FIFO the same site builds: the lock file is ignored.
    for gone in [
        "static/key",
        "static/css/all",
        "static/pipe",
        "templates/partials/id_rsa",
    ] {
        std::fs::remove_file(site.root().join(gone)).unwrap();
    }
    site.build().unwrap();
    assert_eq!(site.page("css/extra.css"), "p {}\n");
}

/// Every part of a theme on disk is read without following a link: the `themes` folder, the
/// theme's own folder, `theme.toml` and `i18n/`.
#[test]
fn theme_files_are_not_read_through_links() {
    let outside = outside();
    let config = format!("{CONFIG}theme = \"mine\"\n");

    let site = Site::standard();
    copy_theme_dir("default", &site.root().join("themes/mine"));
    symlink(
        outside.path().join("env"),
        site.root().join("themes/mine/theme.toml"),
    )
    .unwrap();
    std::fs::remove_dir_all(site.root().join("themes/mine/i18n")).unwrap();
    copy_theme_dir("default/i18n", &outside.path().join("i18n"));
    symlink(
        outside.path().join("i18n"),
        site.root().join("themes/mine/i18n"),
    )
    .unwrap();
    site.write("quaestor.toml", &config);
    let d = diagnostics(site.build().unwrap_err());
    let paths: Vec<&Path> = d.iter().map(|d| d.path.as_path()).collect();
    assert_eq!(
        paths,
        [
            Path::new("themes/mine/theme.toml"),
            Path::new("themes/mine/i18n"),
            Path::new("themes/mine/i18n"),
        ],
        "{d:#?}"
    );
    assert!(d
        .iter()
        .all(|d| d.message.contains("symbolic link") && !d.message.contains(SECRET)));

    // `themes` itself a link to a folder holding the theme.
    let site = Site::standard();
    copy_theme_dir("default", &outside.path().join("themes/mine"));
    symlink(outside.path().join("themes"), site.root().join("themes")).unwrap();
    site.write("quaestor.toml", &config);
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("themes"));
    assert!(d[0].message.contains("symbolic link"), "{d:#?}");
    assert!(!site.out().exists());
}

/// A static file is published from memory: one larger than a host accepts is refused before
/// anything is read.
#[test]
fn an_oversized_static_file_is_refused() {
    let site = Site::standard();
    site.write("static/big.bin", "");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(site.root().join("static/big.bin"))
        .unwrap();
    // Sparse: no disk space used.
    file.set_len(quaestor::render::theme::STATIC_LIMIT + 1)
        .unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("static/big.bin"));
    assert!(d[0].message.contains("over the limit"), "{d:#?}");
    assert!(!site.out().exists());
}

fn with_aliases(site: &Site, aliases: &[&str]) -> usize {
    let list: Vec<String> = aliases.iter().map(|a| format!("{a:?}")).collect();
    let text = question("7-9", "nl", "Verhuisd", &[], "2023-01-21", None).replace(
        "source:",
        &format!("aliases: [{}]\nsource:", list.join(", ")),
    );
    site.add("7-9", "nl", &text);
    text.lines()
        .position(|l| l.starts_with("aliases:"))
        .unwrap()
        + 1
}

const QUESTION: &str = "content/questions/7/7-9.nl.md";

/// An alias inside the search index would replace its files with redirect pages.
/// `search-index/` is written after the plan, so it is reserved whether search is on or not.
#[test]
fn an_alias_into_the_search_bundle_is_refused() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    let line = with_aliases(&site, &["/search-index/nl/meta.json", "/search-index"]);
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 2, "{d:#?}");
    for d in &d {
        assert_eq!(d.path, Path::new(QUESTION));
        assert_eq!(d.line, Some(line));
        assert_eq!(d.field.as_deref(), Some("aliases"));
        assert!(d.message.contains("search-index/"), "{d:#?}");
        assert!(d.help.is_some());
    }
    assert!(!site.out().exists());

    let site = Site::standard();
    site.write(
        "data/redirects.yaml",
        "- {from: /search-index/fr/t/0.json, to: /}\n",
    );
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].path, Path::new("data/redirects.yaml"));
    assert_eq!((d[0].line, d[0].field.as_deref()), (Some(1), Some("from")));
}

/// `/SHA256SUMS` made a folder where the file is written: the build failed with "File exists
/// (os error 17)" naming no file. Now every old address that would need a folder where the site
/// writes a file, or a file where it writes a folder, is an error in the file that asks for it.
#[test]
fn an_alias_over_a_published_file_or_folder_is_refused() {
    let site = Site::standard();
    site.write("static/oud.php/lees.txt", "static\n");
    let line = with_aliases(
        &site,
        &[
            "/SHA256SUMS",
            "/robots.txt/x.html",
            "/api/questions/7-1.json",
            "/oud.php",
            "/ok.html",
            "/ok.html/x/",
        ],
    );
    let d = diagnostics(site.build().unwrap_err());
    let mut messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    messages.sort();
    assert_eq!(d.len(), 5, "{d:#?}");
    for d in &d {
        assert_eq!(d.path, Path::new(QUESTION));
        assert_eq!(d.line, Some(line));
        assert_eq!(d.field.as_deref(), Some("aliases"));
        assert!(d.help.is_some());
    }
    for alias in [
        "/SHA256SUMS ",
        "/robots.txt/x.html ",
        "/api/questions/7-1.json ",
        "/oud.php ",
        "/ok.html/x/ ",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(alias)),
            "{alias}: {messages:#?}"
        );
    }
    assert!(!site.out().exists());

    // What a person sees: the question file, its line and field, and no bare system error.
    let (ok, text) = run("build", site.root());
    assert!(!ok);
    assert!(text.contains(&format!("{QUESTION}:{line}")), "{text}");
    assert!(text.contains("field `aliases`"), "{text}");
    assert!(!text.contains("os error"), "{text}");

    let site = Site::standard();
    site.write(
        "data/redirects.yaml",
        "- {from: /ok/, to: /questions/7-1/}\n- {from: /SHA256SUMS, to: /}\n- {from: /sitemap.xml/, to: /}\n",
    );
    let d = diagnostics(site.build().unwrap_err());
    let lines: Vec<Option<usize>> = d.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(2), Some(3)], "{d:#?}");
    assert!(d.iter().all(|d| d.field.as_deref() == Some("from")));
}

/// A rebuild from the build cache keeps some files without regenerating them; an old address
/// over one of those is refused all the same.
#[test]
fn an_alias_over_a_kept_file_is_refused_on_a_cached_rebuild() {
    let site = Site::standard();
    with_aliases(&site, &["/oud/"]);
    site.build().unwrap();
    let line = with_aliases(&site, &["/oud/", "/api/questions/7-1.json"]);
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].path.as_path(), d[0].line),
        (Path::new(QUESTION), Some(line))
    );
    assert!(d[0].message.contains("/api/questions/7-1.json"), "{d:#?}");
}

/// A site whose `.quaestor-cache` is a link out of it: the build writes nothing there and builds
/// without the cache, saying so.
#[test]
fn a_linked_cache_folder_is_not_written_through() {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    let away = outside();
    let before: Vec<_> = std::fs::read_dir(away.path()).unwrap().collect();
    symlink(away.path(), site.root().join(".quaestor-cache")).unwrap();
    for _ in 0..2 {
        let (ok, printed) = run("build", site.root());
        assert!(ok, "{printed}");
        assert!(
            printed.contains(".quaestor-cache is not a folder"),
            "{printed}"
        );
        assert!(!printed.contains(SECRET), "{printed}");
        assert!(site.root().join("output/index.html").is_file());
        let after: Vec<_> = std::fs::read_dir(away.path()).unwrap().collect();
        assert_eq!(after.len(), before.len(), "files written out of the site");
    }
}
