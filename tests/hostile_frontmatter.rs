//! Hostile content files (docs/LIMITS.md, "Front matter limits"): YAML aliases, thousands of
//! problems in one file, deep nesting, huge values and control characters written as YAML
//! escapes. Each is refused with one clear message, in bounded time and memory: the corpus test
//! runs the real binary on each and measures it.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use quaestor::error::Diagnostic;

/// A valid question file for `id` with the line `field: …` replaced by `line` (or `line` added
/// to the front matter when the field is not there).
fn with_line(id: &str, field: &str, line: &str) -> String {
    let text = question(id, "nl", "Titel", &["spionage"], "2023-01-10", None);
    let prefix = format!("\n{field}:");
    match text.find(&prefix) {
        Some(start) => {
            let start = start + 1;
            let end = start + text[start..].find('\n').unwrap();
            format!("{}{line}{}", &text[..start], &text[end..])
        }
        None => text.replacen("\n---\n", &format!("\n{line}\n---\n"), 1),
    }
}

fn problems(site: &Site) -> Vec<Diagnostic> {
    diagnostics(site.build().expect_err("the build must fail"))
}

/// The peak resident memory of process `pid` so far, in kB.
fn peak_kb(pid: libc::pid_t) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    output: String,
    wall: Duration,
    /// User and system time of the child alone.
    cpu: Duration,
    peak_mb: u64,
}

/// Runs `quaestor check --root <site>` and measures it. The CPU time comes from `wait4`. So does
/// a peak memory, but Linux counts into it the parent's memory at the time of the spawn (this
/// test process, with its other tests running): when that figure is over the limit, the peak
/// polled from /proc every few milliseconds is used instead. Killed past 2 minutes or 2 GB.
// The child is reaped by `wait4` below, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
fn run_check(root: &Path) -> Run {
    let log = root.join("check.log");
    let started = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(["check", "--root"])
        .arg(root)
        .stdout(std::fs::File::create(root.join("check.out")).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut polled = 0;
    loop {
        // SAFETY: `pid` is our child, not yet reaped; `status` and `usage` are valid for writes.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(done >= 0, "wait4 failed");
        if done == pid {
            break;
        }
        polled = polled.max(peak_kb(pid).unwrap_or(0));
        if polled > 2 * 1024 * 1024 || started.elapsed() > Duration::from_secs(120) {
            // SAFETY: signals our own child, which has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = started.elapsed();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    let reported = usage.ru_maxrss as u64;
    let peak_kb = if reported <= 500 * 1024 {
        reported
    } else {
        polled
    };
    let mut output = std::fs::read_to_string(&log).unwrap_or_default();
    output.truncate(100_000);
    Run {
        output,
        wall,
        cpu,
        peak_mb: peak_kb / 1024,
    }
}

/// The inputs of issue #17 that cost gigabytes or minutes, each with words its message must have.
fn corpus() -> Vec<(&'static str, String, &'static str)> {
    let anchored = |x: usize, aliases: usize| {
        let mut line = format!("keywords: [&a \"{}\"", "x".repeat(x));
        line.push_str(&", *a".repeat(aliases));
        line.push(']');
        with_line("7-950", "keywords", &line)
    };
    let empty_keywords = |n: usize| {
        let line = format!("keywords: [{}]", vec!["\"\""; n].join(", "));
        with_line("7-950", "keywords", &line)
    };
    let mut broken_links = question("7-950", "nl", "Links", &["x"], "2023-01-10", None);
    for i in 0..20_000 {
        broken_links.push_str(&format!("\n[link {i}](/questions/7-{}/)\n", 100_000 + i));
    }
    let deep = format!("title: {}", "[".repeat(200_000));
    let title_50mb = format!("title: \"{}\"", "a".repeat(50 * 1024 * 1024));
    let title_2mb = format!("title: \"{}\"", "a".repeat(2 * 1024 * 1024));
    let title_100kb = format!("title: \"{}\"", "a".repeat(100 * 1024));
    let compact = format!("keywords:\n{}x", "- ".repeat(200_000));
    let mut indented = String::from("title:\n");
    for level in 1..700 {
        indented.push_str(&format!("{}a:\n", " ".repeat(level)));
    }
    vec![
        ("aliases x100", anchored(1_000_000, 100), "YAML anchor"),
        ("aliases x20000", anchored(900_000, 20_000), "YAML anchor"),
        (
            "aliases x20000 over 1 MiB",
            anchored(1_100_000, 20_000),
            "the limit is 1048576 bytes",
        ),
        (
            "20,000 empty keywords",
            empty_keywords(20_000),
            "the list has 20000 items; the limit is 10000",
        ),
        (
            "10,000 empty keywords",
            empty_keywords(10_000),
            "9980 more problems in this file are not listed",
        ),
        ("20,000 broken links", broken_links, "7-950.nl.md:28:1"),
        (
            "200,000 [ in a title",
            with_line("7-950", "title", &deep),
            "nests `[` and `{` more than 16 deep",
        ),
        (
            "50 MB title",
            with_line("7-950", "title", &title_50mb),
            "the limit is 16777216 bytes",
        ),
        (
            "2 MB title",
            with_line("7-950", "title", &title_2mb),
            "the limit is 1048576 bytes",
        ),
        (
            "100 kB title",
            with_line("7-950", "title", &title_100kb),
            "is 102400 bytes long; the limit is 16384 bytes",
        ),
        (
            "200,000 nested block lists",
            with_line("7-950", "keywords", &compact),
            "invalid type: sequence",
        ),
        (
            "700 nested block maps",
            with_line("7-950", "title", &indented),
            "invalid type: map",
        ),
        (
            "control characters through escapes",
            with_line("7-950", "title", r#"title: "A\x1b]0;pwned\x07\x00B""#),
            "control character U+001B",
        ),
    ]
}

#[test]
fn hostile_inputs_are_refused_in_bounded_time_and_memory() {
    let mut failures = Vec::new();
    for (name, text, words) in corpus() {
        let site = Site::standard();
        site.add("7-950", "nl", &text);
        drop(text);
        let run = run_check(site.root());
        let measured = format!(
            "{name}: {:.2?} CPU, {:.2?} wall, peak {} MB",
            run.cpu, run.wall, run.peak_mb
        );
        eprintln!("{measured}");
        // CPU time, not wall time: the machine running the tests may be busy.
        // Nothing a terminal acts on is printed raw (an id's `\x1b]0;…\x07` retitled it).
        let raw_control = run.output.chars().any(|c| c.is_control() && c != '\n');
        if run.cpu > Duration::from_secs(5)
            || run.peak_mb > 500
            || !run.output.contains(words)
            || raw_control
        {
            let start: String = run.output.chars().take(600).collect();
            failures.push(format!("{measured}; expected `{words}` in:\n{start}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn control_characters_written_as_escapes_are_refused_in_every_field() {
    let site = Site::standard();
    let cases = [
        ("id", r#"id: "7-951\e[31m""#),
        ("assembly", r#"assembly: "be-senate\x07""#),
        ("lang", r#"lang: "n\0l""#),
        ("original_lang", r#"original_lang: "n\x7fl""#),
        ("title", r#"title: "A\x1b]0;pwned\x07\x00B""#),
        ("author", r#"author: "Anna\u009bPeeters""#),
        ("party", r#"party: "Groen\r""#),
        ("addressee", r#"addressee: "minister\bvan Defensie""#),
        ("keywords", r#"keywords: ["spionage", "a\x1bb"]"#),
        ("source", r#"source: "https://www.senate.be/\x1b""#),
        ("aliases", r#"aliases: ["/old/\x00/"]"#),
        ("links", r#"links: [{type: also-asked-to, id: "7-1\x1b"}]"#),
    ];
    for (n, (field, line)) in cases.iter().enumerate() {
        let id = format!("7-{}", 951 + n);
        let text = with_line(&id, field, line).replace("7-951\\e", &format!("{id}\\e"));
        site.add(&id, "nl", &text);
    }
    let found = problems(&site);
    for (n, (field, _)) in cases.iter().enumerate() {
        let file = format!("content/questions/7/7-{}.nl.md", 951 + n);
        let d = found
            .iter()
            .find(|d| d.path == Path::new(&file))
            .unwrap_or_else(|| panic!("{field}: no problem reported in {found:#?}"));
        assert_eq!(d.field.as_deref(), Some(*field), "{d}");
        assert!(d.message.contains("control character U+"), "{d}");
        assert!(d.line.is_some_and(|l| l > 1), "{d}");
        // Nothing the terminal would act on reaches it.
        assert!(!d.to_string().contains('\u{1b}'), "{d}");
    }
}

#[test]
fn tabs_and_newlines_in_values_still_build() {
    let site = Site::standard();
    site.add(
        "7-960",
        "nl",
        &with_line("7-960", "title", r#"title: "Twee\tregels\nin een titel""#),
    );
    site.build().unwrap();
    assert!(site.page("questions/7-960/index.html").contains("Twee"));
}

#[test]
fn each_limit_names_the_file_line_field_and_limit() {
    let site = Site::standard();
    let long_keyword = format!("keywords: [\"{}\"]", "k".repeat(20_000));
    let many = format!("aliases: [{}]", vec!["\"/a/\""; 10_001].join(", "));
    let cases = [
        (
            "7-970",
            "keywords",
            long_keyword.as_str(),
            13,
            "item 1 is 20000 bytes long; the limit is 16384 bytes",
        ),
        (
            "7-971",
            "aliases",
            many.as_str(),
            20,
            "the list has 10001 items; the limit is 10000",
        ),
        ("7-972", "party", "party: &p \"Groen\"", 10, "YAML anchor"),
        ("7-973", "author", "author: *p", 9, "YAML alias"),
    ];
    for (id, field, line, _, _) in cases {
        site.add(id, "nl", &with_line(id, field, line));
    }
    let found = problems(&site);
    for (id, field, _, line, words) in cases {
        let file = format!("content/questions/7/{id}.nl.md");
        let mine: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.path == Path::new(&file))
            .collect();
        assert_eq!(mine.len(), 1, "{mine:#?}");
        assert_eq!(mine[0].field.as_deref(), Some(field), "{}", mine[0]);
        assert_eq!(mine[0].line, Some(line), "{}", mine[0]);
        assert!(mine[0].message.contains(words), "{}", mine[0]);
        assert!(mine[0].help.is_some());
    }
}

#[test]
fn a_file_with_many_problems_lists_twenty_and_says_how_many_more() {
    let site = Site::standard();
    let line = format!("keywords: [{}]", vec!["\" \""; 500].join(", "));
    site.add("7-980", "nl", &with_line("7-980", "keywords", &line));
    let found = problems(&site);
    assert_eq!(found.len(), 21, "{found:#?}");
    assert!(found[..20].iter().all(|d| d.message.contains("is empty")));
    assert!(found[20]
        .message
        .contains("480 more problems in this file are not listed"));
    assert_eq!(found[20].line, Some(13));
}

#[test]
fn ten_thousand_keywords_and_an_ampersand_in_text_still_build() {
    let site = Site::standard();
    let keywords: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    let refs: Vec<&str> = keywords.iter().map(String::as_str).collect();
    let text = question("7-990", "nl", "Veel", &refs, "2023-01-10", None)
        // Out of the fast reader's layout, so serde_yaml reads it after the pre-scan.
        .replace(
            "title: \"Veel\"",
            "title: Q&A *vandaag* [1] # een commentaar",
        );
    site.add("7-990", "nl", &text);
    let langs = vec!["nl".to_string(), "fr".to_string()];
    let questions = quaestor::content::load_content(site.root(), &langs).unwrap();
    let q = questions.iter().find(|q| q.id == "7-990").unwrap();
    assert_eq!(q.title, "Q&A *vandaag* [1]");
    assert_eq!(q.keywords.len(), 10_000);
}
