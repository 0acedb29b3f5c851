//! `quaestor serve` end to end: start it, fetch a page, edit the content file, see the new page;
//! break the file, see the error overlay while the last good site stays online; and the live
//! reload stream, read over a raw socket, announcing each of those rebuilds as it happens.

mod common;
mod serve_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use serve_support::*;

fn edited() -> String {
    question(
        "7-1",
        "nl",
        "Bewerkte titel",
        &["spionage"],
        "2023-01-11",
        Some("2023-03-08"),
    )
}

#[test]
fn serve_rebuilds_on_edit_and_shows_errors_without_stopping() {
    let site = Site::standard();
    let server = Server::start(site.root());

    let (status, page) = server.get("/questions/7-1/");
    assert_eq!(status, 200);
    assert!(page.contains("Vraag nummer 1") && page.contains("/__quaestor/events"));
    assert_eq!(server.get("/questions/7-1").0, 301);
    assert_eq!(server.get("/questions/7-404/").0, 404);

    let text = edited();
    site.add("7-1", "nl", &text);
    server.wait_for("/questions/7-1/", |b| b.contains("Bewerkte titel"));

    site.add(
        "7-1",
        "nl",
        &text.replace("status: answered", "status: open"),
    );
    let page = server.wait_for("/questions/7-1/", |b| {
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
    server.wait_for("/questions/7-1/", |b| {
        !b.contains("__quaestor_overlay\" style") && b.contains("Bewerkte titel")
    });
}

/// An open `/__quaestor/events` connection, read line by line.
struct Events(BufReader<TcpStream>);

impl Events {
    /// Opens the stream and reads its response head, which must come at once.
    fn open(server: &Server, query: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(3)))
            .unwrap();
        write!(
            stream,
            "GET /__quaestor/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .expect("the event stream's response head arrives within 3 s");
            assert!(!line.is_empty(), "closed before the head ended: {head}");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        assert_eq!(status(&head), 200, "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        Events(reader)
    }

    /// The next event's name and data, skipping comments and `retry:`; panics after 20 s.
    fn next(&mut self) -> (String, String) {
        let start = Instant::now();
        let (mut name, mut data) = (String::new(), String::new());
        let mut line = String::new();
        loop {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no event within 20 s"
            );
            match self.0.read_line(&mut line) {
                Ok(0) => panic!("the event stream closed"),
                Ok(_) if line.ends_with('\n') => {}
                // Timed out mid-wait (or mid-line): keep what was read and wait on.
                _ => continue,
            }
            let l = std::mem::take(&mut line);
            let l = l.trim_end_matches(['\r', '\n']);
            if let Some(v) = l.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = l.strip_prefix("data: ") {
                data = v.to_string();
            } else if l.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    }
}

#[test]
fn events_stream_announces_each_rebuild_as_it_happens() {
    let site = Site::standard();
    let server = Server::start(site.root());
    let mut events = Events::open(&server, "");

    let text = edited();
    site.add("7-1", "nl", &text);
    assert_eq!(events.next().0, "reload", "an edit reloads open pages");

    site.add(
        "7-1",
        "nl",
        &text.replace("status: answered", "status: open"),
    );
    let (name, data) = events.next();
    assert_eq!(name, "failed", "a broken file shows the overlay");
    let message: String = serde_json::from_str(&data).unwrap();
    assert!(message.contains("chronology says"), "{message}");
    assert!(message.contains("7-1.nl.md"), "the overlay names the file");

    site.add("7-1", "nl", &text);
    assert_eq!(events.next().0, "reload", "fixed, the page reloads");
}

#[test]
fn a_page_older_than_the_last_build_reloads_as_soon_as_it_listens() {
    let site = Site::standard();
    let server = Server::start(site.root());
    let page = server.get("/questions/7-2/").1;
    // The client script reports the build its page came from.
    let since = page
        .split("encodeURIComponent(\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page carries its build")
        .to_string();

    // A rebuild lands before the page's script connects.
    site.add("7-1", "nl", &edited());
    server.wait_for("/questions/7-1/", |b| b.contains("Bewerkte titel"));
    let mut events = Events::open(&server, &format!("?since={since}"));
    assert_eq!(events.next().0, "reload");

    // A page from this build is not reloaded again.
    let fresh = server.get("/questions/7-2/").1;
    let now = fresh
        .split("encodeURIComponent(\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    assert_ne!(now, since);
    let mut stream = Events::open(&server, &format!("?since={now}")).0;
    stream
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut rest = String::new();
    let _ = stream.read_line(&mut rest); // "retry: 1000"
    let _ = stream.read_line(&mut rest);
    let _ = stream.read_line(&mut rest);
    assert!(!rest.contains("event:"), "{rest}");
}
