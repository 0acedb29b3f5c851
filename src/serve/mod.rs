//! `quaestor serve`: build the site, serve it on localhost, watch the site's files, rebuild on
//! change and reload open pages over Server-Sent Events. A failed rebuild keeps the last good
//! site online and shows the errors in the terminal and in an overlay on every open page.
//!
//! The HTTP layer is a small std::net server of our own (`http`): tiny_http read request heads
//! without any limit and buffered the never-ending event stream, so live reload never arrived.

mod http;
mod reload;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use notify::{RecursiveMode, Watcher};

use crate::error::Error;
use crate::pipeline::{build, BuildOptions};

pub use http::{MAX_CONNECTIONS, MAX_HEAD, MAX_STREAMS};

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
    /// Whether a build has succeeded since the server started: only then is there a last good
    /// site to keep serving.
    built: bool,
}

/// Everything a connection needs: the built site and the rebuild state.
struct Site {
    output: PathBuf,
    /// Differs between runs of `serve`, so a page from an earlier run reloads once reconnected.
    epoch: u64,
    state: Mutex<State>,
    changed: Condvar,
}

impl Site {
    /// The build a page was served from, as the page's live-reload client reports it back.
    fn token(&self, generation: u64) -> String {
        format!("{:x}-{generation}", self.epoch)
    }
}

pub fn serve(opts: &ServeOptions) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let listener = TcpListener::bind((opts.bind.as_str(), opts.port))?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}/");
    let output = std::env::temp_dir().join(format!("quaestor-serve-{:x}", fingerprint(&opts.root)));
    let site = Arc::new(Site {
        output: output.clone(),
        epoch: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    });
    let build_opts = BuildOptions {
        output: Some(output),
        base_url: Some(base_url.clone()),
        // Parsed questions stay in memory: an edit re-reads only the files it touched.
        memo: Some(Arc::new(crate::content::memo::ParseMemo::new())),
        ..BuildOptions::new(&opts.root)
    };
    rebuild(&build_opts, &site);
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
        let site = site.clone();
        std::thread::spawn(move || {
            let _watcher = watcher;
            while let Ok(first) = rx.recv() {
                let mut relevant = is_relevant(&first);
                // Editors write in bursts; build once per burst.
                while let Ok(more) = rx.recv_timeout(Duration::from_millis(150)) {
                    relevant |= is_relevant(&more);
                }
                if relevant {
                    rebuild(&build_opts, &site);
                }
            }
        });
    }
    http::run(listener, site)?;
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

fn rebuild(opts: &BuildOptions, site: &Site) {
    let result = build(opts);
    let mut state = site.state.lock().unwrap_or_else(|e| e.into_inner());
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
            state.built = true;
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
            let what = if state.built {
                "Build failed; still serving the last good site."
            } else {
                "Build failed; open pages show the site once it builds."
            };
            eprintln!("{what}");
            state.error = Some(format!("{what}\n\n{text}"));
        }
    }
    state.generation += 1;
    site.changed.notify_all();
}
