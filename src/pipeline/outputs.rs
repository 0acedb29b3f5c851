//! The one list of everything a build writes: every page, every file published beside them
//! (feeds, calendars, open data, sitemap, redirects, `.nojekyll`), the theme's static files, the
//! search bundle and the output marker, each an [`Output`] with its path, the digest of its
//! inputs and how its bytes are made. The planner below asks each producer for its entries; the
//! full build, the in-place update and `check` all walk the list it returns.

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;

use crate::cache::Previous;
use crate::error::{Diagnostic, Error, Result};
use crate::output::{self, folder, redirects, search, Make};
use crate::render::theme::ThemeFiles;
use crate::render::{Job, Renderer};
use crate::site::urls::file_for;
use crate::site::Site;
use crate::timings::phase;

/// One file of the build, its page job being a render one.
pub(super) type Output = output::Output<Job>;

/// Everything the site will hold, known before a page renders.
pub(super) struct Outputs {
    /// Pages first, in plan order; then the files beside them.
    pub list: Vec<Output>,
    /// Every path a link may lead to: each entry's but the search bundle's and the marker's.
    pub paths: HashSet<String>,
}

impl Outputs {
    /// The page job of entry `i`, if it is a page.
    pub fn page(&self, i: usize) -> Option<Job> {
        match self.list[i].make {
            Make::Page(job) => Some(job),
            _ => None,
        }
    }

    /// The indices of the pages, in plan order.
    pub fn pages(&self) -> Vec<usize> {
        (0..self.list.len())
            .filter(|&i| self.page(i).is_some())
            .collect()
    }
}

/// Plans the build: each page with its digest, then every other file with its own, each
/// producer consulting `previous` to keep what the previous build made from the same inputs.
pub(super) fn plan(
    renderer: &Renderer<'_>,
    site: &Site,
    theme: &ThemeFiles,
    previous: &Previous<'_>,
) -> Result<Outputs> {
    let t = Instant::now();
    let mut jobs = renderer.plan();
    // A static file replaces the open-data or search page of its name, as it replaces any file
    // published beside the pages (a site's own robots.txt, say).
    jobs.retain(|&j| {
        !matches!(j, Job::Data { .. } | Job::Search { .. })
            || !theme.statics.contains_key(&file_for(&renderer.url(j)))
    });
    let mut list: Vec<Output> = jobs
        .iter()
        .map(|&j| Output {
            path: file_for(&renderer.url(j)),
            digest: None,
            make: Make::Page(j),
        })
        .collect();
    let shadowing: Vec<Diagnostic> = {
        let pages: HashSet<&str> = list.iter().map(|o| o.path.as_str()).collect();
        theme
            .statics
            .iter()
            .filter(|(rel, _)| pages.contains(rel.as_str()))
            .map(|(rel, source)| {
                let origin = source.origin(rel);
                let origin = origin.strip_prefix(&site.root).unwrap_or(&origin);
                Diagnostic::new(
                    origin,
                    format!("a static file at {rel}, where the site has a page"),
                )
                .help("rename or remove the static file: a page of the site is written there")
            })
            .collect()
    };
    if !shadowing.is_empty() {
        return Err(Error::Invalid(shadowing));
    }
    list.extend(theme.statics.keys().map(|rel| Output {
        path: rel.clone(),
        digest: None,
        make: Make::Static,
    }));
    phase(t, "plan: pages");
    let mut files = beside_pages(renderer, &jobs, site, &list, previous)?;
    // A static file replaces the generated file of its name (a site's own robots.txt, say).
    files.retain(|o| !theme.statics.contains_key(&o.path));
    list.extend(files);
    phase(t, "plan: feeds, data, sitemap");
    // After the files beside them: the open-data page lists them.
    if previous.active() {
        let digests = site.digests();
        list.par_iter_mut().for_each(|o| {
            if let Make::Page(job) = o.make {
                o.digest = Some(renderer.page_digest(job, &o.path, digests, previous.global));
            }
        });
        phase(t, "plan: page digests");
    }
    let paths = list.iter().map(|o| o.path.clone()).collect();
    if site.outputs.search {
        list.push(Output {
            path: format!("{}/", search::BUNDLE_DIR),
            digest: None,
            make: Make::SearchBundle,
        });
    }
    // What tells the output folder as the build's own (see [`folder::MARKER`]).
    list.push(Output::made(folder::MARKER, folder::MARKER_BYTES.to_vec()));
    Ok(Outputs { list, paths })
}

/// Files derived from the whole plan rather than from one page: what `output::publish` makes,
/// the sitemap, robots.txt and redirects. An old address that would replace or block a file the
/// build writes is an error in the file that claims it (see [`redirects::files`]).
fn beside_pages(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    site: &Site,
    planned: &[Output],
    previous: &Previous<'_>,
) -> Result<Vec<Output>> {
    let mut urls: Vec<String> = jobs
        .iter()
        .filter(|j| renderer.indexable(**j))
        .map(|&j| renderer.url(j))
        .collect();
    let (published, data_page) = output::publish::files(site, previous)?;
    if let Some(page) = data_page {
        renderer.set_data_page(page);
    }
    let mut out = output::sitemap::files(&site.base, &mut urls);
    out.extend(published);
    let written = planned.iter().chain(&out).map(|o| o.path.as_str());
    let old_addresses = redirects::files(site, written)?;
    out.extend(old_addresses);
    Ok(out)
}
