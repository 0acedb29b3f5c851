//! `quaestor check`: the build's pipeline up to rendering, in memory, with every internal link of
//! every page checked (template links too, which a build leaves to the theme).

use indicatif::ProgressBar;

use super::render::{self, Counted, Links};
use super::{load_site, outputs, BuildOptions};
use crate::cache::Previous;
use crate::error::Result;

/// Plans the build's list, renders its pages in memory and checks every internal link of every
/// page against it; writes nothing (the other entries were made, and checked, while planning).
pub fn check(opts: &BuildOptions) -> Result<CheckSummary> {
    let (site, theme) = load_site(opts)?;
    let renderer = crate::render::Renderer::new(&site, &theme)?;
    let outputs = outputs::plan(&renderer, &site, &theme, &Previous::off())?;
    let counted = Counted::default();
    let pages = outputs.pages();
    let problems = render::Loop {
        site: &site,
        renderer: &renderer,
        outputs: &outputs,
        links: Links::All,
        bar: &ProgressBar::hidden(),
    }
    .run(&pages, &counted);
    render::reported(problems)?;
    Ok(CheckSummary {
        questions: site.library.questions.len(),
        pages: pages.len(),
        links: counted.0.into_inner(),
    })
}

#[derive(Debug)]
pub struct CheckSummary {
    pub questions: usize,
    pub pages: usize,
    pub links: usize,
}
