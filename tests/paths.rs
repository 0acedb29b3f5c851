//! Paths: hostile ids, term names, aliases, languages and theme names can neither write outside
//! `output/` nor read outside the site. Each is refused with a clear error naming the field, or
//! (for names of keywords, members, parties and ministries) turned into a safe slug.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

/// Hostile strings every path-bearing value is tried with.
fn hostile() -> Vec<String> {
    vec![
        "../../etc/passwd".into(),
        "..\\..\\windows\\system32".into(),
        "/etc/passwd".into(),
        "C:\\Windows\\win.ini".into(),
        "a\u{0}b".into(),
        "x".repeat(10_000),
        "\u{2025}/\u{2024}\u{2024}\u{2215}etc".into(), // look-alikes of `..` and `/`
        "\u{ff0e}\u{ff0e}\u{ff0f}etc".into(),          // fullwidth `../`
        "%2e%2e%2f%2e%2e%2fetc".into(),
        "~/.ssh/id_rsa".into(),
        "7-1/../../x".into(),
        "\u{202e}lmth.exe".into(), // right-to-left override
    ]
}

fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Everything in the temp dir outside `output/` and the inputs we wrote: must stay empty.
fn entries(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        // The build cache is the one other folder a build writes, with names of its own, and
        // the lock file beside the output the one other file.
        .filter(|p| !p.starts_with("output") && !p.starts_with(quaestor::cache::DIR))
        .filter(|p| p != ".output.lock")
        .collect()
}

fn assert_inside(out: &Path) {
    let out = out.canonicalize().unwrap();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        assert!(!entry.path_is_symlink(), "{}", entry.path().display());
        let real = entry.path().canonicalize().unwrap();
        assert!(real.starts_with(&out), "{} escapes", real.display());
        let rel = real
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            rel.is_empty() || quaestor::site::urls::is_safe_output_path(&rel),
            "unsafe output path {rel:?}"
        );
        assert!(
            rel.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)),
            "non-slug output path {rel:?}"
        );
    }
}

#[test]
fn hostile_term_names_are_slugged_inside_output() {
    let site = Site::standard();
    let before = entries(site.root());
    for (i, h) in hostile().iter().enumerate() {
        let id = format!("9-{}", i + 1);
        let text = question(&id, "nl", "Titel", &[], "2023-01-10", None)
            .replace(
                "keywords: []",
                &format!("keywords: [{}]", yaml(&h.replace('\0', ""))),
            )
            .replace(
                "author: \"Anna Peeters\"",
                &format!("author: {}", yaml(&h.replace('\0', ""))),
            )
            .replace(
                "party: \"Groen\"",
                &format!("party: {}", yaml(&h.replace('\0', ""))),
            )
            .replace(
                "addressee: \"minister van Defensie\"",
                &format!(
                    "addressee: {}",
                    yaml(&format!("minister van {}", h.replace('\0', "")))
                ),
            );
        site.add(&id, "nl", &text);
    }
    let mut after_inputs = before.clone();
    after_inputs.extend(entries(site.root()));
    site.build()
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()));
    assert_inside(&site.out());
    assert_eq!(
        entries(site.root()),
        after_inputs,
        "a file appeared outside output/"
    );
    let keyword_pages: Vec<_> = files(&site.out())
        .into_iter()
        .filter(|f| f.starts_with("keywords/") && f.matches('/').count() == 2)
        .collect();
    assert!(keyword_pages.len() >= hostile().len(), "{keyword_pages:?}");
    assert!(broken_links(&site.out(), "/").is_empty());
}

#[test]
fn hostile_ids_are_refused() {
    let site = Site::standard();
    let mut expected = 0;
    for (i, h) in hostile()
        .into_iter()
        .chain([
            "\u{ff17}-\u{ff11}".into(),
            "7\u{2010}1".into(),
            "7-01".into(),
            "9".repeat(40),
        ])
        .enumerate()
    {
        let id = format!("9-{}", i + 1);
        let text = question(&id, "nl", "Titel", &[], "2023-01-10", None).replace(
            &format!("id: \"{id}\""),
            &format!("id: {}", yaml(&h.replace('\0', "\\0"))),
        );
        site.add(&id, "nl", &text);
        expected += 1;
    }
    let d = diagnostics(site.build().unwrap_err());
    let files: BTreeSet<_> = d.iter().map(|d| d.path.clone()).collect();
    assert_eq!(files.len(), expected, "{d:#?}");
    for d in &d {
        assert!(d.line.is_some(), "{d}");
        assert!(
            d.field.as_deref() == Some("id") || d.message.contains("control character"),
            "{d}"
        );
    }
    assert!(!site.out().exists());
}

#[test]
fn hostile_aliases_are_refused() {
    let site = Site::standard();
    // `/etc/passwd` is a legal old address: it is written to output/etc/passwd, inside.
    let mut aliases: Vec<String> = hostile()
        .into_iter()
        .filter(|a| a != "/etc/passwd")
        .collect();
    aliases.extend([
        "/../../escape/".into(),
        "/ok/../../escape/".into(),
        "/a\\..\\..\\b/".into(),
        "/a\nb/ /evil 200".into(),
        "//evil.example/".into(),
        "/_redirects".into(),
        "/.well-known/x".into(),
        format!("/{}/", "a".repeat(10_000)),
        "/\u{2215}etc\u{2215}passwd".into(),
        "/isra\u{eb}l/".into(),
    ]);
    for (i, a) in aliases.iter().enumerate() {
        let id = format!("9-{}", i + 1);
        let text = question(&id, "nl", "Titel", &[], "2023-01-10", None).replace(
            "source:",
            &format!("aliases: [{}]\nsource:", yaml(&a.replace('\0', "\\0"))),
        );
        site.add(&id, "nl", &text);
    }
    let d = diagnostics(site.build().unwrap_err());
    let files: BTreeSet<_> = d.iter().map(|d| d.path.clone()).collect();
    assert_eq!(files.len(), aliases.len(), "{d:#?}");
    for d in &d {
        assert!(d.line.is_some(), "{d}");
        assert!(
            d.field.as_deref() == Some("aliases") || d.message.contains("control character"),
            "{d}"
        );
    }
}

#[test]
fn hostile_languages_and_themes_are_refused() {
    for (key, value) in [
        ("languages", r#"["nl", "../x"]"#.to_string()),
        ("languages", r#"["nl", "/etc"]"#.to_string()),
        ("languages", r#"["nl", "n\u0000l"]"#.to_string()),
        ("languages", r#"["nl", "ｎｌ"]"#.to_string()),
        ("theme", r#""../../etc""#.to_string()),
        ("theme", r#""/etc""#.to_string()),
        ("theme", r#""..\\..\\x""#.to_string()),
        ("theme", r#""de\u0000fault""#.to_string()),
        ("theme", r#""ｄｅｆａｕｌｔ""#.to_string()),
        ("theme", r#""de․fault""#.to_string()),
        ("theme", r#""""#.to_string()),
        ("theme", format!("{:?}", "a".repeat(10_000))),
    ] {
        let site = Site::standard();
        let config = if key == "languages" {
            CONFIG.replace(
                r#"languages = ["nl", "fr"]"#,
                &format!("languages = {value}"),
            )
        } else {
            format!("{CONFIG}theme = {value}\n")
        };
        site.write("quaestor.toml", &config);
        let d = diagnostics(site.build().unwrap_err());
        assert!(
            d.iter()
                .any(|d| d.field.as_deref() == Some(key) && d.line.is_some()),
            "{key} = {value}: {d:#?}"
        );
        assert!(!site.out().exists());
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "top secret\n").unwrap();
    std::fs::create_dir_all(outside.path().join("evil/templates")).unwrap();

    let site = Site::standard();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.root().join("content/questions/7/7-9.nl.md"),
    )
    .unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].message.contains("symbolic link"));
    assert_eq!(d[0].path, Path::new("content/questions/7/7-9.nl.md"));

    let site = Site::standard();
    std::fs::create_dir_all(site.root().join("themes")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("evil"), site.root().join("themes/evil"))
        .unwrap();
    site.write("quaestor.toml", &format!("{CONFIG}theme = \"evil\"\n"));
    let d = diagnostics(site.build().unwrap_err());
    assert!(d[0].message.contains("symbolic link"), "{d:#?}");
    assert_eq!(d[0].path, Path::new("themes/evil"));
}

/// Anything among the question files that is not one is reported, each by its path, also when
/// the build cache would otherwise find nothing changed; hidden files (editor swap files) are not.
#[cfg(unix)]
#[test]
fn stray_entries_among_the_questions_are_each_reported() {
    let site = Site::standard();
    site.build().unwrap();
    let before = site.page("questions/7-1/index.html");
    let q = site.root().join("content/questions/7");
    std::fs::write(q.join("notes.txt"), "to do\n").unwrap();
    std::fs::write(q.join(".7-1.nl.md.swp"), "editor state").unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        q.join("pipe"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), q.join("linked")).unwrap();
    let d = diagnostics(site.build().unwrap_err());
    let found: Vec<(String, &str)> = d
        .iter()
        .map(|d| (d.path.display().to_string(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("content/questions/7/linked".to_string(), "a symbolic link"),
            (
                "content/questions/7/notes.txt".to_string(),
                "not a question file"
            ),
            (
                "content/questions/7/pipe".to_string(),
                "not a question file"
            ),
        ],
        "{d:#?}"
    );
    assert!(d.iter().all(|d| d.line == Some(1) && d.help.is_some()));
    assert_eq!(site.page("questions/7-1/index.html"), before);
}

#[test]
fn the_writer_refuses_paths_outside_staging() {
    let dir = tempfile::tempdir().unwrap();
    let staging = quaestor::output::Staging::begin(&dir.path().join("output")).unwrap();
    for bad in [
        "../escape.html",
        "/tmp/x.html",
        "a/../../x",
        "a\\..\\x",
        "a\0b",
    ] {
        assert!(staging.write(bad, b"x").is_err(), "{bad:?}");
    }
    staging.write("ok/index.html", b"x").unwrap();
    staging.commit().unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["output"]);
}
