//! `quaestor check`: the build's pipeline up to rendering, in memory, with every internal link of
//! every page checked (template links too, which a build leaves to the theme).

use std::sync::atomic::Ordering;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{broken_link, keep, load_site, plan, BuildOptions, Plan};
use crate::cache::Memo;
use crate::error::{Diagnostic, Error, Result};
use crate::output::links;

/// Renders every page in memory and checks every internal link of every page; writes nothing.
pub fn check(opts: &BuildOptions) -> Result<CheckSummary> {
    let (site, theme) = load_site(opts)?;
    let renderer = crate::render::Renderer::new(&site, &theme)?;
    let Plan { jobs, files, .. } = plan(&renderer, &site, &theme, Memo::off())?;
    let problems = Mutex::new(Vec::new());
    let links_checked = std::sync::atomic::AtomicUsize::new(0);
    let search_on = site.outputs.search;
    jobs.par_iter().for_each(|&job| match renderer.render(job) {
        Ok(page) => {
            let targets = links::internal_targets(&page.bytes, &site.base.path);
            links_checked.fetch_add(targets.len(), Ordering::Relaxed);
            for target in targets {
                let broken = match target.strip_prefix('\u{0}') {
                    Some(outside) => Some(format!(
                        "{outside} (outside the base path {})",
                        site.base.path
                    )),
                    // The search bundle is written by Pagefind during a build; check skips it.
                    None if search_on && crate::output::search::in_bundle(&target) => None,
                    None => (!links::resolves(&files, &target)).then(|| format!("/{target}")),
                };
                if let Some(shown) = broken {
                    let d = match &page.source {
                        Some(_) => broken_link(
                            &opts.root,
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
            }
        }
        Err(e) => keep(e, &mut problems.lock().unwrap()),
    });
    let mut problems = problems.into_inner().unwrap();
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        problems.dedup();
        return Err(Error::Invalid(problems));
    }
    Ok(CheckSummary {
        questions: site.library.questions.len(),
        pages: jobs.len(),
        links: links_checked.into_inner(),
    })
}

#[derive(Debug)]
pub struct CheckSummary {
    pub questions: usize,
    pub pages: usize,
    pub links: usize,
}
