//! `quaestor serve` against hostile clients: huge request heads, many idle connections, and
//! paths crafted to turn a folder redirect into a redirect to another host.

mod common;
mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use serve_support::*;

const MB: usize = 1024 * 1024;

/// Sends a request line and one header of `size` bytes; returns how much the server took
/// before cutting the connection, and its answer.
fn send_huge_header(port: u16, size: usize) -> (usize, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut sent = 0;
    if stream
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        .is_ok()
    {
        let chunk = vec![b'a'; MB];
        // A server that reads it all takes minutes: 20 s of it is enough to tell.
        let deadline = Instant::now() + Duration::from_secs(20);
        while sent < size && Instant::now() < deadline && stream.write_all(&chunk).is_ok() {
            sent += MB;
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (sent, String::from_utf8_lossy(&answer).into_owned())
}

#[test]
fn huge_request_heads_are_refused_and_memory_stays_small() {
    let site = Site::standard();
    let server = Server::start(site.root());
    assert_eq!(server.get("/").0, 200);
    let before = server.status("VmHWM");

    let port = server.port;
    let clients: Vec<_> = (0..10)
        .map(|_| std::thread::spawn(move || send_huge_header(port, 200 * MB)))
        .collect();
    let results: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();

    let after = server.status("VmHWM");
    assert!(
        after < before + 32 * 1024,
        "peak memory grew from {before} kB to {after} kB under 10 × 200 MB headers"
    );
    for (sent, answer) in &results {
        assert!(*sent < 16 * MB, "{sent} bytes of one header were read");
        assert!(
            answer.is_empty() || status(answer) == 431,
            "refused with 431 (or cut): {answer}"
        );
    }
    assert!(
        results.iter().any(|(_, a)| status(a) == 431),
        "at least one client hears why"
    );
    assert_eq!(server.get("/").0, 200, "still serving afterwards");
}

#[test]
fn an_overlong_request_line_gets_431() {
    let site = Site::standard();
    let server = Server::start(site.root());
    let path = format!("/{}", "a".repeat(100 * 1024));
    let (status, answer) = server.get(&path);
    assert_eq!(status, 431, "{}", &answer[..answer.len().min(200)]);
    // A head just under the limit is answered normally.
    assert_eq!(server.get(&format!("/{}", "a".repeat(16 * 1024))).0, 404);
}

#[test]
fn idle_connections_are_bounded() {
    let site = Site::standard();
    let server = Server::start(site.root());
    let baseline = server.status("Threads");
    let idle: Vec<_> = (0..300)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let threads = server.status("Threads");
    assert!(
        threads <= baseline + 70,
        "{threads} threads for 300 idle connections (from {baseline})"
    );
    drop(idle);
    // Closed connections give their slots back.
    server.wait_for("/", |r| status(r) == 200);
}

#[test]
fn folder_redirects_never_point_to_another_host() {
    let site = Site::standard();
    // A folder whose name is a host: `//evil.example/x` must not become `Location: //evil...`.
    site.write("static/evil.example/x/index.html", "<p>x</p>");
    let server = Server::start(site.root());

    let (code, answer) = server.get("//questions");
    assert_eq!(code, 301);
    assert_eq!(header(&answer, "Location"), Some("/questions/"));

    for path in [
        "//questions",
        "///questions",
        "//evil.example/x",
        "///evil.example/x",
        "/%2F%2Fevil.example/x",
        "/%2f/evil.example/x",
        "/%2F%5Cevil.example/x",
        "/\\evil.example/x",
        "/%5Cevil.example/x",
        "/%5C%5Cevil.example/x",
        "/./evil.example/x",
        "/%2e/evil.example/x",
        "/%0D%0ALocation:%20//evil.example/x",
    ] {
        let answer = server.get(path).1;
        if let Some(location) = header(&answer, "Location") {
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.starts_with("/\\"),
                "{path} redirects to {location}"
            );
            assert_eq!(
                location,
                if location.contains("evil") {
                    "/evil.example/x/"
                } else {
                    "/questions/"
                },
                "{path}"
            );
        }
        let head = answer.split("\r\n\r\n").next().unwrap();
        assert_eq!(
            head.matches("Location").count(),
            usize::from(header(&answer, "Location").is_some()),
            "{path}: {head}"
        );
    }
}
