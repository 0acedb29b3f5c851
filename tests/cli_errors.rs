//! What a new user sees when something is wrong, through the real binary: every mistake of a
//! file in one build, "did you mean", dates in one form, a missing quaestor.toml, and help text
//! for every option.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn quaestor(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(args)
        .current_dir(dir)
        .env("CI", "1")
        .output()
        .unwrap()
}

fn build(site: &Site) -> (bool, String) {
    let out = quaestor(
        &[
            "build",
            "--root",
            ".",
            "--as-of",
            "2026-12-01",
            "--no-cache",
        ],
        site.root(),
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A valid question, 7-50, with `edit` applied.
fn site_with(edit: impl Fn(String) -> String) -> Site {
    let site = Site::standard();
    let text = question(
        "7-50",
        "nl",
        "Titel",
        &["spionage"],
        "2023-01-26",
        Some("2023-03-08"),
    );
    site.add("7-50", "nl", &edit(text));
    site
}

#[test]
fn three_mistakes_in_one_file_are_three_diagnostics_in_one_build() {
    let site = site_with(|t| {
        t.replace("author:", "auteur:")
            .replace("date: 2023-01-26\n", "date: 26/01/2023\n")
            .replace("status: answered", "status: closed")
    });
    let d = diagnostics(site.build().unwrap_err());
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.line, d.field.as_deref(), d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Some(9),
                Some("auteur"),
                "unknown field; did you mean `author`?"
            ),
            (
                Some(14),
                Some("date"),
                "`26/01/2023` is not a date in the form YYYY-MM-DD (e.g. 2023-01-26)"
            ),
            (
                Some(17),
                Some("status"),
                "status is `closed` but the chronology says `answered`"
            ),
        ],
        "{d:#?}"
    );
    assert!(d.iter().all(|d| d.help.is_some()));

    let (ok, stderr) = build(&site);
    assert!(!ok);
    for line in ["7-50.nl.md:9:", "7-50.nl.md:14:", "7-50.nl.md:17:"] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }
    assert!(stderr.contains("did you mean `author`?"), "{stderr}");
    assert!(stderr.contains("3 problem(s) in 1 file(s)"), "{stderr}");
}

#[test]
fn a_date_not_zero_padded_is_refused_on_its_line() {
    for written in ["2023-1-26", "2023-01-26T00:00", "\"2023-1-26\""] {
        let site = site_with(|t| t.replace("date: 2023-01-26\n", &format!("date: {written}\n")));
        let d = diagnostics(site.build().unwrap_err());
        assert_eq!(d.len(), 1, "{written}: {d:#?}");
        assert_eq!(d[0].line, Some(14), "{written}");
        assert_eq!(d[0].field.as_deref(), Some("date"), "{written}");
        assert!(
            d[0].message
                .contains("is not a date in the form YYYY-MM-DD"),
            "{written}: {}",
            d[0].message
        );
    }
    let site = site_with(|t| t.replace("type: answer}", "type: answer, when: 2023-3-8}"));
    let d = diagnostics(site.build().unwrap_err());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].line, Some(20));
    assert!(d[0].message.contains("unknown key `when`"), "{d:#?}");
}

#[test]
fn did_you_mean_for_fields_and_values() {
    let site = site_with(|t| {
        t.replace("keywords:", "trefwoorden:")
            .replace("status: answered", "status: anwsered")
            .replace("lang: nl", "lang: NL")
            .replace("type: answer}", "type: anwser}")
    });
    let d = diagnostics(site.build().unwrap_err());
    let said: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
    for expected in [
        "unknown field; did you mean `keywords`?",
        "`anwsered` is not one of the values allowed; did you mean `answered`?",
        "item 2: `type`: `anwser` is not one of the values allowed; did you mean `answer`?",
        "language `NL` is not one of the site's languages (nl, fr); did you mean `nl`?",
    ] {
        assert!(said.contains(&expected), "{expected} not in {said:#?}");
    }
}

#[test]
fn a_missing_quaestor_toml_says_so_and_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = quaestor(&["build", "--root", "."], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("there is no quaestor.toml in ."),
        "{stderr}"
    );
    assert!(stderr.contains("quaestor init"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("untouched"), "{stderr}");
    assert!(!dir.path().join("output").exists());

    // `serve` stops with the same advice rather than serving an empty folder.
    let mut child = Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(["serve", "--root", ".", "--port", "0"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = status.unwrap_or_else(|| panic!("serve kept running: {stderr}"));
    assert!(!status.success());
    assert!(
        stderr.contains("there is no quaestor.toml in ."),
        "{stderr}"
    );
    assert!(stderr.contains("quaestor init"), "{stderr}");
    assert!(stderr.contains("nothing was served"), "{stderr}");
    assert!(!stderr.contains("last good site"), "{stderr}");

    // With a previous output, the message says it was kept.
    let site = Site::standard();
    assert!(build(&site).0);
    std::fs::remove_file(site.root().join("quaestor.toml")).unwrap();
    let (ok, stderr) = build(&site);
    assert!(!ok);
    assert!(stderr.contains("there is no quaestor.toml"), "{stderr}");
    assert!(
        stderr.contains("the previous output in ./output was left untouched"),
        "{stderr}"
    );
}

/// The options of `--help` that have no text beside or under them.
fn options_without_help(help: &str) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    let mut bare = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if !(t.starts_with("--") || t.starts_with("-h") || t.starts_with("-V")) {
            continue;
        }
        let indent = line.len() - t.len();
        // `--flag <VALUE>  text` on one line, or the text indented on the next.
        let beside = t
            .split_once("  ")
            .is_some_and(|(_, h)| !h.trim().is_empty());
        let under = lines.get(i + 1).is_some_and(|next| {
            let n = next.trim_start();
            !n.is_empty() && next.len() - n.len() > indent && !n.starts_with('-')
        });
        if !(beside || under) {
            bare.push(t.to_string());
        }
    }
    bare
}

#[test]
fn every_option_of_every_command_has_help_and_the_main_ones_show_examples() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "check", "serve", "init", "ingest"] {
        for flag in ["-h", "--help"] {
            let out = quaestor(&[command, flag], dir.path());
            assert!(out.status.success(), "{command} {flag}");
            let help = String::from_utf8_lossy(&out.stdout);
            assert!(help.contains("Options:"), "{command} {flag}: {help}");
            assert_eq!(
                options_without_help(&help),
                Vec::<String>::new(),
                "{command} {flag}: {help}"
            );
            if command != "init" && flag == "--help" {
                assert!(help.contains("Examples:"), "{command}: {help}");
            }
        }
    }
    assert_eq!(
        options_without_help("Options:\n      --root <ROOT>\n  -h, --help  Print help\n"),
        ["--root <ROOT>"]
    );
}
