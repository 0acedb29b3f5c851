//! Full-text search on a static host: the rendered question pages are fed, in process, to the
//! Pagefind library, which writes its bundle (WebAssembly search, index chunks, filters, and its UI)
//! under `pagefind/`. Facets and the date sort come from `data-pagefind-filter` and
//! `data-pagefind-sort` attributes in the question template; Pagefind keeps one index per page
//! language. Everything is relative to the bundle's own address, so it works under a sub-path and
//! offline.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::sync::mpsc;

use crate::error::{Error, Result};

/// The folder the search bundle is written to. Pagefind writes it after the plan, so the folder
/// is reserved: no old address may claim a path in it.
pub const BUNDLE_DIR: &str = "pagefind";

/// Whether `rel` (a path inside the output) is a file of the search bundle.
pub fn in_bundle(rel: &str) -> bool {
    rel.strip_prefix(BUNDLE_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Template(format!("search index (Pagefind): {e}"))
}

/// Files of the search bundle, as (site-relative path, bytes).
type Bundle = Vec<(String, Vec<u8>)>;

/// Feeds rendered pages to Pagefind on a thread of its own while rendering goes on. Pages must
/// be added in plan order: the bundle then comes out byte-identical whatever the thread count.
pub struct Indexer {
    tx: Option<mpsc::SyncSender<(String, String)>>,
    handle: Option<std::thread::JoinHandle<Result<Bundle>>>,
}

impl Indexer {
    pub fn start() -> Indexer {
        // A small queue: rendering waits for the indexer rather than piling pages up in memory.
        let (tx, rx) = mpsc::sync_channel::<(String, String)>(256);
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(failed)?;
            let bundle = runtime.block_on(async {
                let config = PagefindServiceConfig::builder().build();
                let mut index = PagefindIndex::new(Some(config)).map_err(failed)?;
                while let Ok((url, html)) = rx.recv() {
                    index
                        .add_html_file(None, Some(url), html)
                        .await
                        .map_err(failed)?;
                }
                index.get_files().await.map_err(failed)
            })?;
            let mut out: Bundle = bundle
                .into_iter()
                .map(|f| {
                    let name = f.filename.to_string_lossy().replace('\\', "/");
                    (
                        format!(
                            "{BUNDLE_DIR}/{}",
                            name.trim_start_matches("./").trim_start_matches('/')
                        ),
                        f.contents,
                    )
                })
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        });
        Indexer {
            tx: Some(tx),
            handle: Some(handle),
        }
    }

    /// Adds a page; `url` is site-relative with a leading slash: the UI prefixes the base path it
    /// finds from its own script's address, so the same bundle works at / and under /repo/.
    pub fn add(&self, url: String, html: String) {
        if let Some(tx) = &self.tx {
            // A send fails only when the indexer stopped on an error, which `finish` reports.
            let _ = tx.send((url, html));
        }
    }

    /// Waits for the indexer and returns the bundle's files under `pagefind/`.
    pub fn finish(mut self) -> Result<Bundle> {
        drop(self.tx.take());
        match self.handle.take().map(|h| h.join()) {
            Some(Ok(result)) => result,
            _ => Err(failed("the indexing thread stopped unexpectedly")),
        }
    }
}
