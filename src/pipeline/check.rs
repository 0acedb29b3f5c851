//! `quaestor check`: the build's pipeline up to rendering, in memory, with every internal link of
//! every page checked (template links too, which a build leaves to the theme).

use indicatif::ProgressBar;

use super::render::{self, Counted, Links};
use super::{load_site, plan, BuildOptions, Plan};
use crate::cache::Memo;
use crate::error::Result;

/// Renders every page in memory and checks every internal link of every page; writes nothing.
pub fn check(opts: &BuildOptions) -> Result<CheckSummary> {
    let (site, theme) = load_site(opts)?;
    let renderer = crate::render::Renderer::new(&site, &theme)?;
    let Plan { jobs, files, .. } = plan(&renderer, &site, &theme, Memo::off())?;
    let counted = Counted::default();
    let all: Vec<usize> = (0..jobs.len()).collect();
    let problems = render::Loop {
        site: &site,
        renderer: &renderer,
        jobs: &jobs,
        files: &files,
        links: Links::All,
        bar: &ProgressBar::hidden(),
    }
    .run(&all, &counted);
    render::reported(problems)?;
    Ok(CheckSummary {
        questions: site.library.questions.len(),
        pages: jobs.len(),
        links: counted.0.into_inner(),
    })
}

#[derive(Debug)]
pub struct CheckSummary {
    pub questions: usize,
    pub pages: usize,
    pub links: usize,
}
