//! `ingest` against hostile servers and folders: a slow-drip server, a page of another question,
//! a redirect to another host, huge files and FIFOs, symbolic links in the content folder; and
//! the exit codes a nightly job relies on. Servers are local, started inside the test.

use quaestor::ingest::{run, IngestArgs};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/senate")
        .join(rel)
}

fn page(id: &str, lang: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("bundled/{id}.{lang}.txt"))).unwrap()
}

type Handler = dyn Fn(&str, &mut TcpStream) + Send + Sync;

/// A local HTTP server: `handler` gets each request's target and writes the response. Returns
/// `http://127.0.0.1:<port>` and the targets requested. At most 50 connections are served.
fn server(handler: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let (log2, handler): (Log, Arc<Handler>) = (Arc::clone(&log), Arc::new(handler));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let (log, handler) = (Arc::clone(&log2), Arc::clone(&handler));
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let target = request_line.split_whitespace().nth(1).unwrap_or("");
                log.lock().unwrap().push(target.to_string());
                handler(target, &mut stream);
            });
        }
    });
    (base, log)
}

type Log = Arc<Mutex<Vec<String>>>;

fn param(target: &str, k: &str) -> String {
    target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix(&format!("{k}=")))
        .unwrap_or("")
        .to_string()
}

fn respond(stream: &mut TcpStream, status: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// Sends `bytes` one every 100 ms, for at most 8 s.
fn drip(stream: &mut TcpStream, bytes: &[u8]) {
    let start = Instant::now();
    for b in bytes {
        if start.elapsed() > Duration::from_secs(8) || stream.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn args(site: &str, content: &Path) -> IngestArgs {
    IngestArgs {
        content: content.to_path_buf(),
        site: site.to_string(),
        rate: 1000.0,
        timeout: 0.5,
        retries: 1,
        backoff_ms: 10,
        ..Default::default()
    }
}

fn url(site: &str, leg: u32, nr: u32, lang: &str) -> String {
    format!("{site}?MIval=/Vragen/SchriftelijkeVraag&LEG={leg}&NR={nr}&LANG={lang}")
}

fn files_under(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        .collect()
}

#[test]
fn a_slow_drip_server_fails_the_page_within_the_deadline_and_the_run_goes_on() {
    // NR=98 drips its status line and headers, NR=99 sends headers then drips the body: each
    // byte comes well within a read timeout, so only a deadline for the whole response helps.
    let (base, _log) = server(|target, stream| {
        let body = page("8-12", &param(target, "LANG"));
        match param(target, "NR").as_str() {
            "98" => drip(stream, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            "99" => {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                drip(stream, &body);
            }
            _ => respond(stream, "200 OK", "", &body),
        }
    });
    let site = format!("{base}/www/");
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        sources: vec![
            url(&site, 8, 98, "nl"),
            url(&site, 8, 99, "nl"),
            url(&site, 8, 12, "fr"),
        ],
        ..args(&site, dir.path())
    };
    let start = Instant::now();
    let r = run(&a).unwrap();
    let took = start.elapsed();
    // Two pages × two attempts × 0.5 s, plus the back-off: far below the 8 s drips.
    assert!(took < Duration::from_secs(5), "took {took:?}: {r}");
    assert_eq!(r.created.len(), 1, "the other page is still ingested: {r}");
    assert_eq!(r.rejected.len(), 2, "{r}");
    for (rej, nr) in r.rejected.iter().zip(["NR=98", "NR=99"]) {
        assert!(rej.source.contains(nr), "{rej}");
        assert!(
            rej.reason.contains("0.5 s deadline") && rej.reason.contains(nr),
            "{rej}"
        );
    }
}

#[test]
fn a_page_of_another_question_or_language_is_refused() {
    // Whatever is asked, the server answers with question 8-60 (in the language asked, except
    // NR=61, answered in Dutch).
    let (base, _log) = server(|target, stream| {
        let lang = match param(target, "NR").as_str() {
            "61" => "nl".to_string(),
            _ => param(target, "LANG"),
        };
        respond(stream, "200 OK", "", &page("8-60", &lang));
    });
    let site = format!("{base}/www/");
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        legislature: Some(6),
        range: Some("6-6".parse().unwrap()),
        sources: vec![url(&site, 8, 61, "fr"), url(&site, 8, 60, "nl")],
        ..args(&site, dir.path())
    };
    let r = run(&a).unwrap();
    assert_eq!(r.created.len(), 1, "only the page asked for: {r}");
    assert!(dir.path().join("questions/8/8-60.nl.md").exists());
    assert_eq!(r.rejected.len(), 3, "{r}");
    let text = r.to_string();
    for (asked, source) in [
        ("question 8-61 (fr)", "NR=61&LANG=fr"),
        ("question 6-6 (nl)", "LEG=6&NR=6&LANG=nl"),
        ("question 6-6 (fr)", "LEG=6&NR=6&LANG=fr"),
    ] {
        let rej = r
            .rejected
            .iter()
            .find(|x| x.source.contains(source))
            .unwrap_or_else(|| panic!("no rejection of {source}: {text}"));
        assert!(
            rej.reason.contains(asked) && rej.reason.contains("the page is question 8-60"),
            "{rej}"
        );
    }
    assert!(r.rejected[0].reason.contains("8-60 (nl)"), "{text}");
    assert!(!dir.path().join("questions/6").exists());
    assert!(!dir.path().join("questions/8/8-60.fr.md").exists());
}

#[test]
fn redirects_are_followed_on_the_same_host_only() {
    let (other, other_log) = server(|target, stream| {
        respond(stream, "200 OK", "", &page("8-12", &param(target, "LANG")));
    });
    let other_host = other
        .trim_start_matches("http://")
        .replace("127.0.0.1", "localhost");
    let (base, _log) = server(move |target, stream| {
        let query = target.split_once('?').map_or("", |(_, q)| q);
        if target.starts_with("/moved/") {
            let to = format!("Location: /www/?{query}\r\n");
            respond(stream, "301 Moved Permanently", &to, b"");
        } else if target.starts_with("/away/") {
            let to = format!("Location: http://{other_host}/www/?{query}\r\n");
            respond(stream, "302 Found", &to, b"");
        } else {
            respond(stream, "200 OK", "", &page("8-12", &param(target, "LANG")));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let moved = format!("{base}/moved/");
    let same = run(&IngestArgs {
        sources: vec![url(&moved, 8, 12, "nl")],
        ..args(&moved, dir.path())
    })
    .unwrap();
    assert_eq!(same.created.len(), 1, "{same}");
    assert_eq!(same.network_requests, 2, "the redirect, then the page");

    let away = format!("{base}/away/");
    let r = run(&IngestArgs {
        sources: vec![url(&away, 8, 12, "fr")],
        ..args(&away, dir.path())
    })
    .unwrap();
    assert_eq!(r.rejected.len(), 1, "{r}");
    let reason = &r.rejected[0].reason;
    let (from, to) = (
        base.trim_start_matches("http://"),
        other
            .trim_start_matches("http://")
            .replace("127.0.0.1", "localhost"),
    );
    assert!(
        reason.contains(&format!("from host {from}")) && reason.contains(&format!("{to};")),
        "{reason}"
    );
    assert!(
        other_log.lock().unwrap().is_empty(),
        "the other host got no request"
    );
    assert!(!dir.path().join("questions/8/8-12.fr.md").exists());
}

#[test]
fn huge_local_pages_and_fifos_are_refused_unread() {
    let src = tempfile::tempdir().unwrap();
    let huge = src.path().join("8-12.nl.txt");
    // Sparse: 64 MiB on paper, nothing on disk.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let fifo = src.path().join("8-12.fr.txt");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        content: dir.path().to_path_buf(),
        sources: [huge.clone(), fifo.clone(), fixture("7-1870.nl.txt")]
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        ..Default::default()
    };
    // A FIFO nobody writes to blocks a plain read forever: give up after 20 s.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(run(&a).unwrap().to_string()));
    let text = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("ingest hung on the FIFO or the huge file");
    assert!(text.contains("created:    1"), "{text}");
    assert!(
        text.contains(&format!(
            "{}: the file is 67108864 bytes, over the limit of 16777216 bytes",
            huge.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}: not a regular file", fifo.display())),
        "{text}"
    );
}

#[test]
fn symlinks_in_the_content_folder_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(content.join("questions/7")).unwrap();
    // A linked legislature folder, and a linked question file pointing at a private file.
    symlink(outside.path(), content.join("questions/8")).unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOKEN=1\n").unwrap();
    symlink(&secret, content.join("questions/7/7-1870.nl.md")).unwrap();
    let a = IngestArgs {
        content: content.clone(),
        force: true,
        sources: vec![
            fixture("bundled/8-12.nl.txt").display().to_string(),
            fixture("bundled/7-1870.nl.txt").display().to_string(),
            fixture("bundled/7-900.fr.txt").display().to_string(),
        ],
        ..Default::default()
    };
    let r = run(&a).unwrap();
    assert_eq!(r.created.len(), 1, "7-900.fr is written: {r}");
    assert_eq!(r.rejected.len(), 2, "{r}");
    let link_named = |link: &str| {
        r.rejected.iter().any(|x| {
            x.reason.contains(&format!(
                "{} is a symbolic link",
                content.join(link).display()
            ))
        })
    };
    assert!(link_named("questions/8"), "{r}");
    assert!(link_named("questions/7/7-1870.nl.md"), "{r}");
    assert!(!r.to_string().contains("TOKEN"));
    assert!(
        files_under(outside.path()) == ["secret.txt"],
        "nothing written outside"
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "TOKEN=1\n");
    assert!(
        std::fs::symlink_metadata(content.join("questions/7/7-1870.nl.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The manifest names only what was written, and a linked manifest is refused outright.
    let manifest = content.join(".ingest-manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        text.contains("7-900.fr.md") && !text.contains("8-12"),
        "{text}"
    );
    let theirs = outside.path().join("theirs.json");
    std::fs::write(&theirs, "{}\n").unwrap();
    std::fs::remove_file(&manifest).unwrap();
    symlink(&theirs, &manifest).unwrap();
    let out = ingest_bin(&[
        "--content",
        content.to_str().unwrap(),
        fixture("bundled/7-900.nl.txt").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{} is a symbolic link", manifest.display())),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "{}\n");
    assert!(!content.join("questions/7/7-900.nl.md").exists());
}

fn ingest_bin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .arg("ingest")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn exit_codes_tell_skipped_hand_edits_from_rejections_from_fatal_errors() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let src = dir.path().join("8-12.nl.txt");
    let original = std::fs::read_to_string(fixture("bundled/8-12.nl.txt")).unwrap();
    std::fs::write(&src, &original).unwrap();
    let (c, s) = (content.to_str().unwrap(), src.to_str().unwrap());
    assert_eq!(ingest_bin(&["--content", c, s]).status.code(), Some(0));

    // A person edits the file; the page changes; the nightly run leaves the edit alone: exit 0,
    // with the skip said on stderr.
    let out_file = content.join("questions/8/8-12.nl.md");
    let edited = std::fs::read_to_string(&out_file).unwrap() + "\nNagekeken.\n";
    std::fs::write(&out_file, &edited).unwrap();
    std::fs::write(&src, original.replace("88,4 %", "88,6 %")).unwrap();
    let out = ingest_bin(&["--content", c, s]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {} was edited by hand",
            out_file.display()
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), edited);

    // A rejected page: 1, and the good page is still stored.
    let bad = fixture("reject/truncated.nl.txt");
    let good = fixture("bundled/8-57.fr.txt");
    let out = ingest_bin(&[
        "--content",
        c,
        bad.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 page(s) rejected"));
    assert!(content.join("questions/8/8-57.fr.md").exists());

    // Nothing could run: 2 (bad values, usage errors).
    for bad_args in [
        &["--content", c, "--rate", "0", s][..],
        &["--no-such-flag"][..],
    ] {
        let out = ingest_bin(bad_args);
        assert_eq!(out.status.code(), Some(2), "{bad_args:?}: {out:?}");
    }
}
