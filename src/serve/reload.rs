//! Live reload: the client script injected into every HTML page, and the Server-Sent Events
//! stream it listens to. A page carries the build it was served from (`since`); the stream
//! sends `reload` as soon as a newer build succeeded, `failed` (the errors, as a JSON string)
//! when it failed, and a comment every 15 s to keep the connection open.

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::Site;

pub const EVENTS: &str = "/__quaestor/events";

/// `SINCE` and `OVERLAY` are filled in per page.
const CLIENT: &str = r#"<script>(function(){var s=new EventSource("/__quaestor/events?since="+encodeURIComponent(SINCE));s.addEventListener("reload",function(){s.close();location.reload()});s.addEventListener("failed",function(e){var d=document.getElementById("__quaestor_overlay")||document.createElement("pre");d.id="__quaestor_overlay";d.setAttribute("style",OVERLAY);d.textContent=JSON.parse(e.data);document.body.appendChild(d)});})();</script>"#;
const OVERLAY: &str = "position:fixed;inset:0;margin:0;padding:2rem;background:rgba(30,0,0,.94);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap;overflow:auto;z-index:99999";

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often a waiting stream checks whether its client went away.
const POLL: Duration = Duration::from_secs(1);

/// Adds the live-reload client, and the error overlay when the last build failed.
pub fn inject(html: Vec<u8>, since: &str, error: Option<&str>) -> Vec<u8> {
    let mut extra = CLIENT
        .replace("SINCE", &format!("{since:?}"))
        .replace("OVERLAY", &format!("{OVERLAY:?}"));
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

/// Which generation the client has seen: its own `since` when it is from this run, the current
/// one when it sent none, and none at all (so it hears about the current build at once) when
/// its page came from an earlier build or an earlier run.
fn seen(site: &Site, since: Option<&str>, current: u64) -> Option<u64> {
    let Some(since) = since else {
        return Some(current);
    };
    let (epoch, generation) = since.split_once('-')?;
    let generation: u64 = generation.parse().ok()?;
    (u64::from_str_radix(epoch, 16).ok()? == site.epoch).then_some(generation)
}

/// Streams events until the client goes away. The response head is sent and flushed at once.
pub fn stream(out: &mut TcpStream, site: &Site, since: Option<&str>) -> io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: close\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n",
    )?;
    out.flush()?;
    let mut seen = {
        let state = site.state.lock().unwrap_or_else(|e| e.into_inner());
        seen(site, since, state.generation)
    };
    let mut quiet_since = Instant::now();
    loop {
        let event = {
            let state = site.state.lock().unwrap_or_else(|e| e.into_inner());
            let (state, _) = site
                .changed
                .wait_timeout_while(state, POLL, |s| Some(s.generation) == seen)
                .unwrap_or_else(|e| e.into_inner());
            if Some(state.generation) == seen {
                None
            } else {
                seen = Some(state.generation);
                Some(match &state.error {
                    None => "event: reload\ndata: \n\n".to_string(),
                    // A JSON string holds no line break, so it fits one `data:` line.
                    Some(e) => format!(
                        "event: failed\ndata: {}\n\n",
                        serde_json::to_string(e).unwrap_or_default()
                    ),
                })
            }
        };
        match event {
            Some(text) => out.write_all(text.as_bytes())?,
            None if quiet_since.elapsed() >= KEEP_ALIVE => out.write_all(b": keep-alive\n\n")?,
            None => {
                if client_left(out) {
                    return Ok(());
                }
                continue;
            }
        }
        out.flush()?;
        quiet_since = Instant::now();
    }
}

/// True once the client closed its end (a closed tab, a reloaded page), so its thread and
/// connection slot are given back within a second rather than at the next write.
fn client_left(out: &TcpStream) -> bool {
    if out.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let left = match out.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    };
    out.set_nonblocking(false).is_err() || left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_is_escaped_and_injected_before_body_end() {
        let html = inject(
            b"<html><body><p>x</p></body></html>".to_vec(),
            "1f-3",
            Some("<script>bad</script>"),
        );
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("&lt;script&gt;bad"));
        assert!(html.ends_with("</pre></body></html>"));
        assert!(html.contains("EventSource") && html.contains("\"1f-3\""));
    }
}
