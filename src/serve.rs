//! `quaestor serve`: build the site, serve it on localhost, watch the site's files, rebuild on
//! change and reload open pages over Server-Sent Events. A failed rebuild keeps the last good
//! site online and shows the errors in the terminal and in an overlay on every open page.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Response, Server, StatusCode};

use crate::build::{build, BuildOptions};
use crate::error::Error;

/// The address and port to listen on (port 0 picks a free one).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// What open pages need to know: a counter that moves on every rebuild, and the last error.
#[derive(Default)]
struct State {
    generation: u64,
    error: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

const EVENTS: &str = "/__quaestor/events";

/// Injected into every HTML page served: reload on a new build, show errors in an overlay.
const CLIENT: &str = r#"<script>(function(){var s=new EventSource("/__quaestor/events");s.addEventListener("reload",function(){location.reload()});s.addEventListener("failed",function(e){var d=document.getElementById("__quaestor_overlay")||document.createElement("pre");d.id="__quaestor_overlay";d.setAttribute("style",OVERLAY);d.textContent=JSON.parse(e.data);document.body.appendChild(d)});})();</script>"#;
const OVERLAY: &str = "position:fixed;inset:0;margin:0;padding:2rem;background:rgba(30,0,0,.94);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap;overflow:auto;z-index:99999";

pub fn serve(opts: &ServeOptions) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let server = Server::http((opts.bind.as_str(), opts.port))?;
    let addr = server.server_addr().to_ip().ok_or("not an IP address")?;
    let base_url = format!("http://{addr}/");
    let output = std::env::temp_dir().join(format!("quaestor-serve-{:x}", fingerprint(&opts.root)));
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let build_opts = BuildOptions {
        output: Some(output.clone()),
        base_url: Some(base_url.clone()),
        // Parsed questions stay in memory: an edit re-reads only the files it touched.
        memo: Some(Arc::new(crate::content::memo::ParseMemo::new())),
        ..BuildOptions::new(&opts.root)
    };
    rebuild(&build_opts, &shared);
    println!(
        "Serving {} at {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = tx.send(event);
        }
    })?;
    for name in [
        "content",
        "themes",
        "templates",
        "static",
        "data",
        "quaestor.toml",
    ] {
        let path = opts.root.join(name);
        if path.exists() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    {
        let shared = shared.clone();
        let build_opts = build_opts.clone();
        std::thread::spawn(move || {
            let _watcher = watcher;
            while let Ok(first) = rx.recv() {
                let mut relevant = is_relevant(&first);
                // Editors write in bursts; build once per burst.
                while let Ok(more) = rx.recv_timeout(Duration::from_millis(150)) {
                    relevant |= is_relevant(&more);
                }
                if relevant {
                    rebuild(&build_opts, &shared);
                }
            }
        });
    }
    for request in server.incoming_requests() {
        let shared = shared.clone();
        let output = output.clone();
        std::thread::spawn(move || handle(request, &output, &shared));
    }
    Ok(())
}

fn is_relevant(event: &notify::Event) -> bool {
    !matches!(event.kind, notify::EventKind::Access(_))
        && event.paths.iter().any(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !(name.starts_with('.')
                || name.ends_with('~')
                || name.ends_with(".swp")
                || name.contains(".tmp"))
        })
}

fn fingerprint(path: &Path) -> u64 {
    let text = path
        .canonicalize()
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned();
    text.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn rebuild(opts: &BuildOptions, shared: &Shared) {
    let result = build(opts);
    let (lock, cvar) = &**shared;
    let mut state = lock.lock().unwrap();
    match result {
        Ok(s) => {
            let secs = s.elapsed.as_secs_f64();
            if s.incremental {
                println!(
                    "Rebuilt: {} of {} files updated, {} removed, in {secs:.2} s",
                    s.written, s.files, s.removed
                );
            } else {
                println!("Rebuilt {} pages in {secs:.2} s", s.pages);
            }
            state.error = None;
        }
        Err(e) => {
            if let Error::Invalid(d) = &e {
                crate::report::print(&opts.root, d, false);
            }
            let text = match &e {
                Error::Invalid(d) => d
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n\n"),
                other => other.to_string(),
            };
            eprintln!("Build failed; still serving the last good site.");
            state.error = Some(format!(
                "Build failed; still serving the last good site.\n\n{text}"
            ));
        }
    }
    state.generation += 1;
    cvar.notify_all();
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
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
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "csv" | "jsonl" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request path to a file in the output, refusing anything that leaves it.
fn resolve(output: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = crate::output::links::percent_decode(url_path);
    let mut path = output.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

fn handle(request: tiny_http::Request, output: &Path, shared: &Shared) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == EVENTS {
        let start = shared.0.lock().unwrap().generation;
        let events = EventStream {
            shared: shared.clone(),
            seen: start,
            pending: Vec::new(),
        };
        let response = Response::new(
            StatusCode(200),
            vec![
                header("Content-Type", "text/event-stream"),
                header("Cache-Control", "no-cache"),
            ],
            events,
            None,
            None,
        );
        let _ = request.respond(response);
        return;
    }
    let Some(mut path) = resolve(output, &url) else {
        let _ = request.respond(Response::from_string("bad path").with_status_code(400));
        return;
    };
    if path.is_dir() {
        if !url.ends_with('/') {
            let _ = request
                .respond(Response::empty(301).with_header(header("Location", &format!("{url}/"))));
            return;
        }
        path.push("index.html");
    }
    let (status, path) = if path.is_file() {
        (200, path)
    } else {
        (404, output.join("404.html"))
    };
    let Ok(mut bytes) = std::fs::read(&path) else {
        let _ = request.respond(Response::from_string("not found").with_status_code(404));
        return;
    };
    let kind = content_type(&path);
    if kind.starts_with("text/html") {
        bytes = inject(bytes, shared.0.lock().unwrap().error.as_deref());
    }
    let response = Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// Adds the live-reload client, and the error overlay when the last build failed.
fn inject(html: Vec<u8>, error: Option<&str>) -> Vec<u8> {
    let mut extra = CLIENT.replace("OVERLAY", &format!("{OVERLAY:?}"));
    if let Some(error) = error {
        let escaped = error
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        extra.push_str(&format!(
            "<pre id=\"__quaestor_overlay\" style=\"{OVERLAY}\">{escaped}</pre>"
        ));
    }
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// A never-ending SSE body: one event per rebuild, a comment every 15 s to keep proxies open.
struct EventStream {
    shared: Shared,
    seen: u64,
    pending: Vec<u8>,
}

impl Read for EventStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            let (lock, cvar) = &*self.shared;
            let state = lock.lock().unwrap();
            let (state, _) = cvar
                .wait_timeout_while(state, Duration::from_secs(15), |s| {
                    s.generation == self.seen
                })
                .unwrap();
            if state.generation == self.seen {
                self.pending = b": keep-alive\n\n".to_vec();
            } else {
                self.seen = state.generation;
                self.pending = match &state.error {
                    None => b"event: reload\ndata: \n\n".to_vec(),
                    Some(e) => format!(
                        "event: failed\ndata: {}\n\n",
                        serde_json::to_string(e).unwrap_or_default()
                    )
                    .into_bytes(),
                };
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_output() {
        let out = Path::new("/srv/out");
        assert_eq!(
            resolve(out, "/questions/7-1/").unwrap(),
            Path::new("/srv/out/questions/7-1")
        );
        assert!(resolve(out, "/../etc/passwd").is_none());
        assert!(resolve(out, "/%2e%2e/etc/passwd").is_none());
    }

    #[test]
    fn overlay_is_escaped_and_injected_before_body_end() {
        let html = inject(
            b"<html><body><p>x</p></body></html>".to_vec(),
            Some("<script>bad</script>"),
        );
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("&lt;script&gt;bad"));
        assert!(html.ends_with("</pre></body></html>"));
        assert!(html.contains("EventSource"));
    }
}
