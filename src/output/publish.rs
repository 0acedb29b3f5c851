//! Everything published beside the pages: feeds, calendars, open data, `.nojekyll`. One entry
//! point for `build` and `check`, so both know every file the site will have.

use crate::build::Site;
use crate::error::Result;
use crate::render::Renderer;

/// Every publishing file, as (site-relative path, bytes).
pub fn files(site: &Site, renderer: &Renderer<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    out.extend(crate::output::feeds::files(renderer)?);
    out.extend(crate::output::calendar::files(renderer)?);
    out.extend(crate::output::data::files(site, renderer)?);
    out.extend(crate::output::search::files(renderer)?);
    // GitHub Pages: serve the folder as is (no Jekyll), so files starting with `_` are kept.
    out.push((".nojekyll".to_string(), Vec::new()));
    Ok(out)
}
