//! Full-text search on a static host: the rendered question pages are fed, in process, to the
//! Pagefind library, which writes its bundle (WebAssembly search, index chunks, filters, and its UI)
//! under `pagefind/`. Facets and the date sort come from `data-pagefind-filter` and
//! `data-pagefind-sort` attributes in the question template; Pagefind keeps one index per page
//! language. Everything is relative to the bundle's own address, so it works under a sub-path and
//! offline.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::render::{Job, Renderer};

/// Question pages rendered at a time, to bound memory on large sites.
const BATCH: usize = 2_000;

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Template(format!("search index (Pagefind): {e}"))
}

/// The Pagefind bundle for every question page, as files under `pagefind/`.
pub fn files(r: &Renderer<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let jobs: Vec<Job> = r
        .plan()
        .into_iter()
        .filter(|j| matches!(j, Job::Question { neutral: false, .. }))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(failed)?;
    let bundle = runtime.block_on(async {
        let config = PagefindServiceConfig::builder().build();
        let mut index = PagefindIndex::new(Some(config)).map_err(failed)?;
        for chunk in jobs.chunks(BATCH) {
            let pages: Vec<(String, String)> = chunk
                .par_iter()
                .map(|&job| {
                    let page = r.render(job)?;
                    let html = String::from_utf8(page.bytes).map_err(failed)?;
                    // Site-relative: the UI prefixes the base path it finds from its own script's
                    // address, so the same bundle works at / and under /repo/.
                    Ok((format!("/{}", r.url(job)), html))
                })
                .collect::<Result<_>>()?;
            for (url, html) in pages {
                index
                    .add_html_file(None, Some(url), html)
                    .await
                    .map_err(failed)?;
            }
        }
        index.get_files().await.map_err(failed)
    })?;
    let mut out: Vec<(String, Vec<u8>)> = bundle
        .into_iter()
        .map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            (
                format!(
                    "pagefind/{}",
                    name.trim_start_matches("./").trim_start_matches('/')
                ),
                f.contents,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(r.search_pages()?);
    Ok(out)
}
