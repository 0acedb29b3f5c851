//! Fetching against a local HTTP server started inside the test (never the internet):
//! pages, 500-then-OK retries, timeouts, the cache, `--range`, rate limiting, User-Agent.

use quaestor::ingest::{run, IngestArgs};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Log {
    hits: HashMap<String, usize>,
    agents: Vec<String>,
}

/// Serves `/www/?MIval=...&LEG=8&NR=<n>&LANG=<l>`: 12 = fixture pages, 57 = 500 once then the
/// page, 99 = slower than the client timeout, 13 = a "no such question" page, else 404.
fn server() -> (String, Arc<Mutex<Log>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let site = format!("http://{}/www/", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Log::default()));
    let log2 = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let log = Arc::clone(&log2);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let mut agent = String::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                        break;
                    }
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("user-agent:") {
                        agent = v.trim().to_string();
                    }
                }
                let target = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                let param = |k: &str| {
                    target
                        .split(['?', '&'])
                        .find_map(|p| p.strip_prefix(&format!("{k}=")))
                        .unwrap_or("")
                        .to_string()
                };
                let (nr, lang) = (param("NR"), param("LANG"));
                let key = format!("{nr}.{lang}");
                let n = {
                    let mut l = log.lock().unwrap();
                    l.agents.push(agent);
                    let c = l.hits.entry(key).or_default();
                    *c += 1;
                    *c
                };
                let fixtures =
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate/bundled");
                let page = |id: &str| {
                    let txt = fixtures.join(format!("{id}.{lang}.txt"));
                    std::fs::read(&txt).unwrap_or_else(|_| {
                        std::fs::read(fixtures.join(format!("{id}.{lang}.html"))).unwrap()
                    })
                };
                let (status, body): (u16, Vec<u8>) = match nr.as_str() {
                    "12" => (200, page("8-12")),
                    "57" if n == 1 => (500, b"Internal Server Error".to_vec()),
                    "57" => (200, page("8-57")),
                    "99" => {
                        std::thread::sleep(Duration::from_millis(1500));
                        (200, page("8-12"))
                    }
                    "13" if lang == "nl" => (
                        200,
                        b"<html><body><p>Geen vraag gevonden.</p></body></html>".to_vec(),
                    ),
                    _ => (404, b"Not Found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    (site, log)
}

fn args(site: &str, content: &Path) -> IngestArgs {
    IngestArgs {
        content: content.to_path_buf(),
        site: site.to_string(),
        rate: 1000.0,
        timeout: 0.5,
        retries: 2,
        backoff_ms: 10,
        ..Default::default()
    }
}

fn url(site: &str, nr: u32, lang: &str) -> String {
    format!("{site}?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR={nr}&LANG={lang}")
}

#[test]
fn fetches_pages_retries_500_and_normalises_source() {
    let (site, log) = server();
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        sources: vec![url(&site, 12, "nl"), url(&site, 57, "fr")],
        ..args(&site, dir.path())
    };
    let r = run(&a).unwrap();
    assert!(!r.has_failures(), "{r}");
    assert_eq!(r.created.len(), 2);
    let l = log.lock().unwrap();
    assert_eq!(l.hits["57.fr"], 2, "500 then OK");
    assert_eq!(r.network_requests, 3);
    assert!(
        l.agents
            .iter()
            .all(|a| a.starts_with("quaestor/") && a.ends_with("(+https://github.com/quaestor)")),
        "{:?}",
        l.agents
    );
    let text = std::fs::read_to_string(dir.path().join("questions/8/8-57.fr.md")).unwrap();
    assert!(text.contains("source: \"https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=57&LANG=fr\""));
}

#[test]
fn slow_responses_time_out_and_are_reported() {
    let (site, log) = server();
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        sources: vec![url(&site, 99, "nl"), url(&site, 12, "fr")],
        retries: 1,
        timeout: 0.3,
        ..args(&site, dir.path())
    };
    let r = run(&a).unwrap();
    assert!(r.has_failures());
    assert_eq!(r.created.len(), 1, "the other page is still ingested");
    assert_eq!(r.rejected.len(), 1);
    assert!(
        r.rejected[0].reason.contains("fetch failed") && r.rejected[0].reason.contains("2 attempt"),
        "{r}"
    );
    assert_eq!(log.lock().unwrap().hits["99.nl"], 2);
}

#[test]
fn cache_hit_makes_no_second_request() {
    let (site, log) = server();
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        sources: vec![url(&site, 12, "nl")],
        cache: Some(cache.path().to_path_buf()),
        ..args(&site, dir.path())
    };
    assert_eq!(run(&a).unwrap().network_requests, 1);
    let again = run(&a).unwrap();
    assert_eq!(
        (
            again.network_requests,
            again.cache_hits,
            again.unchanged.len()
        ),
        (0, 1, 1)
    );
    assert_eq!(log.lock().unwrap().hits["12.nl"], 1);
}

#[test]
fn range_fetches_both_languages_and_reports_missing_numbers() {
    let (site, _log) = server();
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        legislature: Some(8),
        range: Some("12-13".parse().unwrap()),
        ..args(&site, dir.path())
    };
    let r = run(&a).unwrap();
    assert!(!r.has_failures(), "{r}");
    assert_eq!(r.created.len(), 2);
    assert_eq!(r.missing.len(), 2, "{r}");
    assert!(r.missing.iter().any(|m| m.reason == "no such question"));
    assert!(r.missing.iter().any(|m| m.reason == "HTTP 404"));
    assert!(r.to_string().contains("missing in range: 2"));
}

#[test]
fn requests_are_rate_limited() {
    let (site, _log) = server();
    let dir = tempfile::tempdir().unwrap();
    let a = IngestArgs {
        legislature: Some(8),
        range: Some("20-21".parse().unwrap()),
        rate: 5.0,
        ..args(&site, dir.path())
    };
    let start = Instant::now();
    let r = run(&a).unwrap();
    assert_eq!(r.network_requests, 4);
    assert!(
        start.elapsed() >= Duration::from_millis(590),
        "{:?}",
        start.elapsed()
    );
}
