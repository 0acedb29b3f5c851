//! Everything published beside the pages: feeds, calendars, open data, `.nojekyll`. One entry
//! point for `build` and `check`, so both know every file the site will have.

use super::{Files, Output};
use crate::cache::Previous;
use crate::error::Result;
use crate::site::published::DataPageFiles;
use crate::site::Site;

/// Every publishing file, each with its digest where the cache tracks its inputs (see
/// [`Output`]), and what the open-data page lists (when the theme publishes open data). The
/// open-data and search pages themselves are pages: the renderer makes them.
pub fn files<Page: Send>(
    site: &Site,
    previous: &Previous<'_>,
) -> Result<(Files<Page>, Option<DataPageFiles>)> {
    let outputs = &site.outputs;
    let mut out = Vec::new();
    let t = std::time::Instant::now();
    if outputs.feeds {
        out.extend(crate::output::feeds::files(site, previous)?);
    }
    crate::timings::phase(t, "publish: feeds");
    if outputs.calendars {
        out.extend(crate::output::calendar::files(site)?);
    }
    crate::timings::phase(t, "publish: calendars");
    let mut data_page = None;
    if outputs.data {
        let (files, page) = crate::output::data::files(site, previous)?;
        out.extend(files);
        data_page = Some(page);
    }
    crate::timings::phase(t, "publish: data");
    // GitHub Pages: serve the folder as is (no Jekyll), so files starting with `_` are kept.
    out.push(Output::made(".nojekyll", Vec::new()));
    Ok((out, data_page))
}
