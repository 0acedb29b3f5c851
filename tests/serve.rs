//! `quaestor serve` end to end: start it, fetch a page, edit the content file, see the new page;
//! break the file, see the error overlay while the last good site stays online.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Polls `path` until `pred` holds, for at most 20 seconds.
fn wait_for(port: u16, path: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (_, body) = get(port, path);
        if pred(&body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting on {path}; last response:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_on_edit_and_shows_errors_without_stopping() {
    let site = Site::standard();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    while !line.starts_with("Serving") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "serve exited before serving"
        );
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let port: u16 = line
        .rsplit("127.0.0.1:")
        .next()
        .and_then(|s| s.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));

    let (status, page) = get(port, "/questions/7-1/");
    assert_eq!(status, 200);
    assert!(page.contains("Vraag nummer 1") && page.contains("/__quaestor/events"));
    assert_eq!(get(port, "/questions/7-1").0, 301);
    assert_eq!(get(port, "/questions/7-404/").0, 404);

    let text = question(
        "7-1",
        "nl",
        "Bewerkte titel",
        &["spionage"],
        "2023-01-11",
        Some("2023-03-08"),
    );
    site.add("7-1", "nl", &text);
    wait_for(port, "/questions/7-1/", |b| b.contains("Bewerkte titel"));

    site.add(
        "7-1",
        "nl",
        &text.replace("status: answered", "status: open"),
    );
    let page = wait_for(port, "/questions/7-1/", |b| {
        b.contains("__quaestor_overlay\" style")
    });
    assert!(
        page.contains("chronology says"),
        "the overlay names the problem"
    );
    assert!(
        page.contains("Bewerkte titel"),
        "the last good page is still served"
    );

    site.add("7-1", "nl", &text);
    wait_for(port, "/questions/7-1/", |b| {
        !b.contains("__quaestor_overlay\" style") && b.contains("Bewerkte titel")
    });
}
