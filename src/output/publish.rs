//! Everything published beside the pages: feeds, calendars, open data, `.nojekyll`. One entry
//! point for `build` and `check`, so both know every file the site will have.

use crate::error::Result;
use crate::pipeline::Site;
use crate::render::Renderer;

/// Every publishing file, as (site-relative path, bytes).
pub fn files(
    site: &Site,
    renderer: &Renderer<'_>,
    memo: &crate::cache::Memo<'_>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let outputs = &site.theme.outputs;
    let mut out = Vec::new();
    let t = std::time::Instant::now();
    if outputs.feeds {
        out.extend(crate::output::feeds::files(renderer, memo)?);
    }
    crate::timings::phase(t, "publish: feeds");
    if outputs.calendars {
        out.extend(crate::output::calendar::files(renderer)?);
    }
    crate::timings::phase(t, "publish: calendars");
    if outputs.data {
        out.extend(crate::output::data::files(site, renderer, memo)?);
    }
    crate::timings::phase(t, "publish: data");
    // The search bundle itself is built during rendering (`search::Indexer`); its pages are here.
    if outputs.search {
        out.extend(renderer.search_pages()?);
    }
    // GitHub Pages: serve the folder as is (no Jekyll), so files starting with `_` are kept.
    out.push((".nojekyll".to_string(), Vec::new()));
    Ok(out)
}
