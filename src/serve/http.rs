//! A small HTTP/1.1 server for `serve`: GET and HEAD, one request per connection, a bounded
//! request head, a bounded number of connections, and responses written as they are made (so
//! the event stream reaches the browser at once).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::reload::{self, EVENTS};
use super::Site;

/// The most a request line and headers may take; a larger request gets 431 and is closed.
pub const MAX_HEAD: usize = 32 * 1024;
/// Connections served at once (one thread each); more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;
/// Of those, live-reload streams (one per open page), so pages can still load.
pub const MAX_STREAMS: usize = 48;
/// Time a client has to send its whole request head.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// What is read and dropped after refusing a request, so the client sees the refusal rather
/// than a reset.
const DRAIN: usize = 256 * 1024;

/// Gives a slot back when its connection ends.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        let taken = count.fetch_add(1, Ordering::SeqCst);
        if taken >= max {
            count.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(count.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn run(listener: TcpListener, site: Arc<Site>) -> io::Result<()> {
    let connections = Arc::new(AtomicUsize::new(0));
    let streams = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        let mut stream = match conn {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors, or a connection reset before accept: wait, go on.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Some(slot) = Slot::take(&connections, MAX_CONNECTIONS) else {
            // No thread for it: a short answer that fits the socket buffer, then close.
            let _ = stream.set_nonblocking(true);
            let _ = stream.write_all(&head(503, "text/plain; charset=utf-8", Some(20), &[]));
            let _ = stream.write_all(b"too many connections");
            continue;
        };
        let site = site.clone();
        let streams = streams.clone();
        let _ = std::thread::Builder::new()
            .name("serve-connection".into())
            .stack_size(512 * 1024)
            .spawn(move || {
                let _slot = slot;
                connection(stream, &site, &streams);
            });
    }
    Ok(())
}

fn connection(mut stream: TcpStream, site: &Site, streams: &Arc<AtomicUsize>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let request = match read_head(&mut stream) {
        Ok(head) => parse(&head),
        Err(HeadError::TooLarge) => Err(431),
        Err(HeadError::Gone) => return,
    };
    let (method, target) = match request {
        Ok(r) => r,
        Err(status) => return refuse(stream, status),
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target.as_str(), None),
    };
    if path == EVENTS {
        let Some(_slot) = Slot::take(streams, MAX_STREAMS) else {
            return refuse(stream, 503);
        };
        if method == Method::Head {
            let _ = stream.write_all(&head(200, "text/event-stream", None, &[]));
            return;
        }
        let since = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|kv| kv.strip_prefix("since="));
        let _ = reload::stream(&mut stream, site, since);
        return;
    }
    let _ = respond(&mut stream, site, method, path, query);
}

#[derive(PartialEq, Clone, Copy)]
enum Method {
    Get,
    Head,
}

enum HeadError {
    TooLarge,
    /// Closed, timed out or failed before a whole head arrived: nothing to answer.
    Gone,
}

/// Reads up to the blank line ending the head, never more than `MAX_HEAD` bytes (plus one read).
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(HeadError::Gone),
            Ok(n) => n,
        };
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&head[from..], b"\r\n\r\n") {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The method and request target, or the status to refuse it with.
fn parse(head: &[u8]) -> Result<(Method, String), u16> {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| 400u16)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(505);
    }
    // Origin form only, visible ASCII only.
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(400);
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(405),
    };
    Ok((method, target.to_string()))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// A response head; `length` None means the body runs until the connection closes.
fn head(status: u16, kind: &str, length: Option<u64>, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut h = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        reason(status)
    );
    if let Some(n) = length {
        h.push_str(&format!("Content-Length: {n}\r\n"));
    }
    if status == 405 {
        h.push_str("Allow: GET, HEAD\r\n");
    }
    for (name, value) in extra {
        h.push_str(&format!("{name}: {value}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Answers an error status, then reads (and drops) a little of what the client still sends
/// so the answer is not lost to a reset.
fn refuse(mut stream: TcpStream, status: u16) {
    let body = format!("{status} {}\n", reason(status));
    let mut bytes = head(
        status,
        "text/plain; charset=utf-8",
        Some(body.len() as u64),
        &[],
    );
    bytes.extend_from_slice(body.as_bytes());
    if stream.write_all(&bytes).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut (&stream).take(DRAIN as u64), &mut io::sink());
}

fn respond(
    stream: &mut TcpStream,
    site: &Site,
    method: Method,
    path: &str,
    query: Option<&str>,
) -> io::Result<()> {
    let Some(segments) = segments(path) else {
        refuse(stream.try_clone()?, 400);
        return Ok(());
    };
    let mut file = segments.iter().fold(site.output.clone(), |p, s| p.join(s));
    if file.is_dir() {
        if !path.ends_with('/') {
            let location = location(&segments, query);
            let bytes = head(
                301,
                "text/plain; charset=utf-8",
                Some(0),
                &[("Location", &location)],
            );
            return stream.write_all(&bytes);
        }
        file.push("index.html");
    }
    let (status, file) = if file.is_file() {
        (200, file)
    } else {
        (404, site.output.join("404.html"))
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        let bytes = std::fs::read(&file).unwrap_or_else(|_| b"<p>not found</p>".to_vec());
        let bytes = {
            let state = site.state.lock().unwrap_or_else(|e| e.into_inner());
            reload::inject(bytes, &site.token(state.generation), state.error.as_deref())
        };
        stream.write_all(&head(status, kind, Some(bytes.len() as u64), &[]))?;
        if method == Method::Get {
            stream.write_all(&bytes)?;
        }
        return Ok(());
    }
    // Other files are streamed, whatever their size.
    let mut f = std::fs::File::open(&file)?;
    let length = f.metadata()?.len();
    stream.write_all(&head(status, kind, Some(length), &[]))?;
    if method == Method::Get {
        io::copy(&mut (&mut f).take(length), stream)?;
    }
    Ok(())
}

/// The decoded path's segments, or None for anything that could leave the output (`..`, `.`,
/// backslashes, control characters) or is not UTF-8.
fn segments(path: &str) -> Option<Vec<String>> {
    let decoded = String::from_utf8(crate::output::links::percent_decode_bytes(path)).ok()?;
    let mut out = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".."
            || segment == "."
            || segment.contains(|c: char| c == '\\' || c.is_control())
        {
            return None;
        }
        out.push(segment.to_string());
    }
    Some(out)
}

/// A redirect target for a folder: always one slash then the encoded segments, so it can never
/// be read as `//host` (another site) whatever slashes or escapes the request held.
fn location(segments: &[String], query: Option<&str>) -> String {
    let mut out = String::from("/");
    for s in segments {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out.push('/');
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "wasm" => "application/wasm",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "csv" | "jsonl" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_output() {
        assert_eq!(segments("/questions/7-1/").unwrap(), ["questions", "7-1"]);
        assert!(segments("/../etc/passwd").is_none());
        assert!(segments("/%2e%2e/etc/passwd").is_none());
        assert!(segments("/a%5cb").is_none());
        assert!(segments("/a%0d%0aSet-Cookie:x").is_none());
        assert_eq!(segments("/%C3%A9%41").unwrap(), ["éA"]);
        assert_eq!(segments("/a%4").unwrap(), ["a%4"]);
    }

    #[test]
    fn redirects_are_single_slash_paths() {
        let segs = segments("//evil.example/x").unwrap();
        assert_eq!(location(&segs, None), "/evil.example/x/");
        assert_eq!(
            location(&segments("/%2F%2Fq").unwrap(), Some("a=1")),
            "/q/?a=1"
        );
        assert_eq!(location(&[], None), "/");
        assert_eq!(location(&["a b".into()], None), "/a%20b/");
    }
}
