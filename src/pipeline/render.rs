//! The one render loop: the full build, the in-place update and `check` render their pages here,
//! in parallel, check each page's links against the planned files and hand it to a
//! [`Destination`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::keep;
use crate::cache::PageLinks;
use crate::error::{Diagnostic, Error, Result};
use crate::output::{links, search, Staging};
use crate::render::{Job, Rendered, Renderer};
use crate::site::Site;

/// Which links of a page must resolve.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Links {
    /// Those of Markdown bodies: what a build answers for (template links are the theme's).
    Body,
    /// Every internal link of the page, template links and links outside the base path too,
    /// but the search bundle's (which only a build writes): `check`.
    All,
}

/// Where a rendered page goes once its links are checked.
pub(super) trait Destination: Sync {
    /// Takes the page of job `i`, whose `links` internal links were checked.
    fn take(&self, i: usize, page: Rendered, links: usize) -> Result<()>;
}

/// The pages to render and what their links are checked against.
pub(super) struct Loop<'a> {
    pub site: &'a Site,
    pub renderer: &'a Renderer<'a>,
    pub jobs: &'a [Job],
    /// Every file the build will write.
    pub files: &'a HashSet<String>,
    pub links: Links,
    pub bar: &'a ProgressBar,
}

impl Loop<'_> {
    /// Renders the jobs at `indices` (in plan order) into `dest`; every problem found, unsorted.
    pub fn run(&self, indices: &[usize], dest: &impl Destination) -> Vec<Diagnostic> {
        let problems = Mutex::new(Vec::new());
        indices.par_iter().for_each(|&i| {
            if let Err(e) = self.one(i, dest, &problems) {
                keep(e, &mut problems.lock().unwrap());
            }
            self.bar.inc(1);
        });
        problems.into_inner().unwrap()
    }

    /// Renders job `i`, checks its links and hands it over.
    fn one(
        &self,
        i: usize,
        dest: &impl Destination,
        problems: &Mutex<Vec<Diagnostic>>,
    ) -> Result<()> {
        let job = self.jobs[i];
        let page = self.renderer.render(job)?;
        let checked = match self.links {
            Links::Body => {
                for target in &page.links {
                    if !links::resolves(self.files, target) {
                        let d = broken_link(&self.site.root, page.source.as_deref(), target);
                        problems.lock().unwrap().push(d);
                    }
                }
                page.links.len()
            }
            Links::All => self.check_all(&page, problems),
        };
        dest.take(i, page, checked)
    }

    /// Checks every internal link of `page`; how many there were.
    fn check_all(&self, page: &Rendered, problems: &Mutex<Vec<Diagnostic>>) -> usize {
        let base_path = &self.site.base.path;
        let targets = links::internal_targets(&page.bytes, base_path);
        let count = targets.len();
        for target in targets {
            let broken = match target.strip_prefix('\u{0}') {
                Some(outside) => Some(format!("{outside} (outside the base path {base_path})")),
                // The search bundle is written after the pages during a build; check skips it.
                None if self.site.outputs.search && search::in_bundle(&target) => None,
                None => (!links::resolves(self.files, &target)).then(|| format!("/{target}")),
            };
            let Some(shown) = broken else { continue };
            let d = match &page.source {
                Some(_) => broken_link(
                    &self.site.root,
                    page.source.as_deref(),
                    target.trim_start_matches('\u{0}').trim_start_matches('/'),
                ),
                None => Diagnostic::new(
                    format!("(page {})", page.path),
                    format!("the link {shown} does not lead to any page of the site"),
                )
                .help("a theme template builds this link; fix the template"),
            };
            problems.lock().unwrap().push(d);
        }
        count
    }
}

/// The staging folder of a full build: pages are written as they render. With page digests
/// given, it also records what the build cache needs.
pub(super) struct ToStaging<'a> {
    pub staging: &'a Staging,
    pub digests: Option<&'a [u64]>,
    pub recorded: Mutex<HashMap<String, u64>>,
    pub links: Mutex<Vec<PageLinks>>,
}

impl Destination for ToStaging<'_> {
    fn take(&self, i: usize, page: Rendered, _: usize) -> Result<()> {
        self.staging.write(&page.path, &page.bytes)?;
        if let Some(d) = self.digests {
            self.recorded
                .lock()
                .unwrap()
                .insert(page.path.clone(), d[i]);
            if !page.links.is_empty() {
                self.links.lock().unwrap().push(PageLinks {
                    page: page.path,
                    source: page.source,
                    targets: page.links,
                });
            }
        }
        Ok(())
    }
}

/// A page rendered again for the in-place update, with the body links it holds.
pub(super) struct Fresh {
    pub job: usize,
    pub bytes: Vec<u8>,
    pub links: Option<PageLinks>,
}

/// The in-place update: it writes only once every problem is known, and the search index needs
/// the new pages' bytes, so they are kept.
#[derive(Default)]
pub(super) struct Kept(Mutex<Vec<Fresh>>);

impl Kept {
    /// The pages kept, in plan order.
    pub fn into_pages(self) -> Vec<Fresh> {
        let mut pages = self.0.into_inner().unwrap();
        pages.sort_by_key(|f| f.job);
        pages
    }
}

impl Destination for Kept {
    fn take(&self, i: usize, page: Rendered, _: usize) -> Result<()> {
        let links = (!page.links.is_empty()).then_some(PageLinks {
            page: page.path,
            source: page.source,
            targets: page.links,
        });
        self.0.lock().unwrap().push(Fresh {
            job: i,
            bytes: page.bytes,
            links,
        });
        Ok(())
    }
}

/// `check`: nothing is written; the links checked are counted.
#[derive(Default)]
pub(super) struct Counted(pub AtomicUsize);

impl Destination for Counted {
    fn take(&self, _: usize, _: Rendered, links: usize) -> Result<()> {
        self.0.fetch_add(links, Ordering::Relaxed);
        Ok(())
    }
}

/// Every problem in one error, sorted by file, line and message, each once.
pub(super) fn reported(mut problems: Vec<Diagnostic>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    problems.dedup();
    Err(Error::Invalid(problems))
}

pub(super) fn broken_link(root: &Path, source: Option<&Path>, target: &str) -> Diagnostic {
    let path = source
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("(theme)"));
    let shown = format!("/{target}");
    // The file is read once for all its broken links, not once per link.
    let line = source.and_then(|s| crate::content::lines::find_in_file(root, s, &shown));
    Diagnostic::new(
        path,
        format!("the link {shown} does not lead to any page of the site"),
    )
    .maybe_line(line)
    .help("fix the address (question pages are /questions/<id>/), or add the page it points to")
}
