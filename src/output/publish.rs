//! Everything published beside the pages: feeds, calendars, open data, `.nojekyll`. One entry
//! point for `build` and `check`, so both know every file the site will have.

use crate::error::Result;
use crate::site::published::DataPageFiles;
use crate::site::Site;

/// Every publishing file, as (site-relative path, bytes), and what the open-data page lists
/// (when the theme publishes open data). The open-data and search pages themselves are pages:
/// the renderer makes them.
pub fn files(
    site: &Site,
    memo: &crate::cache::Memo<'_>,
) -> Result<(super::Files, Option<DataPageFiles>)> {
    let outputs = &site.outputs;
    let mut out = Vec::new();
    let t = std::time::Instant::now();
    if outputs.feeds {
        out.extend(crate::output::feeds::files(site, memo)?);
    }
    crate::timings::phase(t, "publish: feeds");
    if outputs.calendars {
        out.extend(crate::output::calendar::files(site)?);
    }
    crate::timings::phase(t, "publish: calendars");
    let mut data_page = None;
    if outputs.data {
        let (files, page) = crate::output::data::files(site, memo)?;
        out.extend(files);
        data_page = Some(page);
    }
    crate::timings::phase(t, "publish: data");
    // GitHub Pages: serve the folder as is (no Jekyll), so files starting with `_` are kept.
    out.push((".nojekyll".to_string(), Vec::new()));
    Ok((out, data_page))
}
