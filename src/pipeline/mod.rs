//! The build pipeline, start to end: configuration and theme → content → library → plan → render
//! in parallel → write atomically. `check` runs the same pipeline without writing.
//! [`incremental`] lets a build with a cache skip what did not change; the full build, the
//! in-place update and `check` render through the one loop in [`render`].

mod check;
mod incremental;
mod render;

pub use check::{check, CheckSummary};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cache::{Memo, Stamp};
use crate::config::Config;
use crate::content::listing::Listing;
use crate::content::load::load_content_stamped;
use crate::content::memo::ParseMemo;
use crate::error::{Diagnostic, Error, Result};
use crate::output::{folder, redirects, search, Staging};
use crate::render::theme::{self, ThemeFiles};
use crate::render::{Job, Renderer};
use crate::site::ministries::MinistryTable;
use crate::site::urls::BaseUrl;
use crate::site::{Library, Site};
use crate::timings::phase;

/// What `quaestor build` and `quaestor check` are given.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/output`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub as_of: Option<NaiveDate>,
    /// Overrides the configured theme.
    pub theme: Option<String>,
    pub progress: bool,
    /// Use and update the build cache in `<root>/.quaestor-cache/` (on by default).
    pub cache: bool,
    /// Questions kept in memory between builds by a long-running process (`serve`).
    pub memo: Option<std::sync::Arc<ParseMemo>>,
    /// Replace a non-empty output folder without the marker of one quaestor made (never the
    /// site folder nor one of its own folders).
    pub force_output: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            as_of: None,
            theme: None,
            progress: false,
            cache: true,
            memo: None,
            force_output: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("output"))
    }
}

#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub unchanged: usize,
    /// Files an incremental build removed because the site no longer has them.
    pub removed: usize,
    pub questions: usize,
    /// The bytes of every file in the output, what a host is asked to store (see
    /// [`crate::output::footprint`]).
    pub bytes: u64,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Whether the output was updated in place from the build cache.
    pub incremental: bool,
}

/// The date statuses are computed for: the option, the configuration, or today.
fn effective_as_of(opts: &BuildOptions, config: &Config) -> NaiveDate {
    opts.as_of
        .or(config.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Loads configuration, theme, data and content, reporting every problem found: the site context
/// and the theme's templates and static files.
pub fn load_site(opts: &BuildOptions) -> Result<(Site, ThemeFiles)> {
    load_site_stamped(opts, Config::load(&opts.root)?, None).map(|(site, theme, _)| (site, theme))
}

/// The stamp each content file was read with, in the order of `Library::questions` (the library
/// keeps the loader's order).
type Stamps = Vec<Stamp>;

/// [`load_site`] from the configuration the build loaded (once: the cache needs it first), with
/// the stamps the content files were read with, for the build cache; from the content listing
/// given, when the build has one already.
fn load_site_stamped(
    opts: &BuildOptions,
    mut config: Config,
    listing: Option<Listing>,
) -> Result<(Site, ThemeFiles, Stamps)> {
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    if let Some(theme) = &opts.theme {
        config.theme = theme.clone();
    }
    let search = config.search;
    let base = BaseUrl::parse(&config.base_url).map_err(|m| {
        Error::Invalid(vec![Diagnostic::new("--base-url", m)
            .help("give an absolute URL such as https://user.github.io/repo/")])
    })?;
    let as_of = effective_as_of(opts, &config);
    let mut problems = Vec::new();
    let t0 = Instant::now();
    let theme = theme::load(&opts.root, &config.theme, &config.languages)
        .map(|mut t| {
            // Search needs both: a theme that offers it and a site that asks for it.
            t.outputs.search &= search;
            t
        })
        .map_err(|e| keep(e, &mut problems))
        .ok();
    let ministries = MinistryTable::load(&opts.root)
        .map_err(|e| keep(e, &mut problems))
        .ok();
    phase(t0, "load: theme, data");
    let questions =
        load_content_stamped(&opts.root, &config.languages, opts.memo.as_deref(), listing)
            .map_err(|e| keep(e, &mut problems))
            .ok();
    phase(t0, "load: content");
    match (theme, ministries, questions) {
        (Some(mut theme), Some(ministries), Some(loaded)) if problems.is_empty() => {
            let mut stamps: Stamps = Vec::with_capacity(loaded.len());
            let mut questions = Vec::with_capacity(loaded.len());
            for (q, stamp) in loaded {
                stamps.push(stamp);
                questions.push(q);
            }
            let library = Library::new(
                questions,
                &config.languages,
                &config.default_language,
                &ministries,
            );
            phase(t0, "load: library");
            let strings = std::mem::take(&mut theme.strings);
            let site = Site::new(
                opts.root.clone(),
                config,
                base,
                as_of,
                theme.outputs.clone(),
                library,
                strings,
            );
            Ok((site, theme, stamps))
        }
        _ => Err(Error::Invalid(problems)),
    }
}

fn keep(e: Error, problems: &mut Vec<Diagnostic>) {
    match e {
        Error::Invalid(mut d) => problems.append(&mut d),
        other => problems.push(Diagnostic::new("(site)", other.to_string())),
    }
}

fn progress_bar(show: bool, len: usize) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} rendering {bar:30} {pos}/{len} pages ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Everything the site will hold, known before a page renders: what `build` and `check` share.
struct Plan {
    jobs: Vec<crate::render::Job>,
    /// Every output path, pages and extra files, for link checks.
    files: HashSet<String>,
    /// Files derived from the whole plan (sitemap, redirects, feeds, data…), with their bytes;
    /// without those the build cache vouches for.
    extra: Vec<(String, Vec<u8>)>,
    /// Files whose inputs the build cache tracks by digest (see [`Memo`]), generated or not.
    memo: HashMap<String, u64>,
    /// By job: the output path of its page.
    paths: Vec<String>,
}

fn plan(renderer: &Renderer<'_>, site: &Site, theme: &ThemeFiles, memo: Memo<'_>) -> Result<Plan> {
    let t = Instant::now();
    let mut jobs = renderer.plan();
    // A static file replaces the open-data or search page of its name, as it replaces any file
    // published beside the pages (a site's own robots.txt, say).
    jobs.retain(|&j| {
        !matches!(j, Job::Data { .. } | Job::Search { .. })
            || !theme
                .statics
                .contains_key(&crate::site::urls::file_for(&renderer.url(j)))
    });
    let paths: Vec<String> = jobs
        .iter()
        .map(|&j| crate::site::urls::file_for(&renderer.url(j)))
        .collect();
    // Every file the build will write, known before rendering so links can be checked as pages
    // render.
    let mut files: HashSet<String> = paths.iter().cloned().collect();
    let shadowing: Vec<Diagnostic> = theme
        .statics
        .iter()
        .filter(|(rel, _)| files.contains(*rel))
        .map(|(rel, source)| {
            let origin = source.origin(rel);
            let origin = origin.strip_prefix(&site.root).unwrap_or(&origin);
            Diagnostic::new(
                origin,
                format!("a static file at {rel}, where the site has a page"),
            )
            .help("rename or remove the static file: a page of the site is written there")
        })
        .collect();
    if !shadowing.is_empty() {
        return Err(Error::Invalid(shadowing));
    }
    files.extend(theme.statics.keys().cloned());
    phase(t, "plan: pages");
    let mut extra = extra_files(renderer, &jobs, site, &files, &memo)?;
    // A static file replaces the generated file of its name (a site's own robots.txt, say).
    extra.retain(|(rel, _)| !theme.statics.contains_key(rel));
    phase(t, "plan: feeds, data, sitemap");
    let memo = memo.into_recorded();
    files.extend(extra.iter().map(|(p, _)| p.clone()));
    files.extend(memo.keys().cloned());
    Ok(Plan {
        jobs,
        files,
        extra,
        memo,
        paths,
    })
}

/// Builds the site into the output folder, or leaves it untouched and reports every problem.
/// With the cache on, a build with nothing changed stops early and a build with a few changed
/// questions updates only what they touch (see [`incremental`]).
pub fn build(opts: &BuildOptions) -> Result<BuildSummary> {
    let started = Instant::now();
    // Held to the end: one build per output folder, checked before the cache is read.
    let _lock = folder::claim(&opts.root, &opts.output_dir(), opts.force_output, || {
        crate::cache::recorded_output(&opts.root, &opts.output_dir())
    })?;
    let config = Config::load(&opts.root)?;
    let mut cache = opts
        .cache
        .then(|| incremental::Cache::open(opts, &config))
        .flatten();
    phase(started, "cache: open");
    if let Some(summary) = cache.as_mut().and_then(|c| c.nothing_changed(started)) {
        return Ok(summary);
    }
    let listing = cache.as_mut().and_then(|c| {
        c.load_previous();
        c.take_listing()
    });
    phase(started, "cache");
    let (site, theme, stamps) = load_site_stamped(opts, config, listing)?;
    phase(started, "load");
    let renderer = Renderer::new(&site, &theme)?;
    phase(started, "renderer");
    let Some(cache) = cache else {
        let mut plan = plan(&renderer, &site, &theme, Memo::off())?;
        plan.extra.push(marker());
        return full(opts, &site, &theme, &renderer, plan, None, started).map(|(s, _)| s);
    };
    let digests = site.digests();
    let structure = digests.structure;
    let memo = Memo::new(
        cache.previous_files(structure),
        cache.global,
        &opts.output_dir(),
    );
    let mut plan = plan(&renderer, &site, &theme, memo)?;
    plan.extra.push(marker());
    phase(started, "plan");
    let page_digests: Vec<u64> = plan
        .jobs
        .par_iter()
        .zip(&plan.paths)
        .map(|(&j, path)| renderer.page_digest(j, path, digests, cache.global))
        .collect();
    phase(started, "digests");
    let planned = incremental::Planned {
        jobs: &plan.jobs,
        digests: &page_digests,
        structure,
        files: &plan.files,
        extra: &plan.extra,
        memo: &plan.memo,
        paths: &plan.paths,
    };
    let (mut summary, cache, state, written) =
        match incremental::try_update(cache, opts, &site, &theme, &renderer, planned, started) {
            incremental::Outcome::Done(summary, done) => {
                let (cache, state, written) = *done;
                (summary, cache, state, written)
            }
            incremental::Outcome::Failed(e) => return Err(e),
            incremental::Outcome::Full(cache) => {
                let (summary, mut record) = full(
                    opts,
                    &site,
                    &theme,
                    &renderer,
                    plan,
                    Some(&page_digests),
                    started,
                )?;
                record.structure = structure;
                let written = std::mem::take(&mut record.hashes);
                (summary, *cache, incremental::full_state(record), written)
            }
        };
    phase(started, "pages, files");
    summary.bytes = incremental::save(cache, state, &site.library.questions, &stamps, &written);
    phase(started, "cache saved");
    Ok(summary)
}

/// The marker file that tells the output folder as the build's own (see [`folder::MARKER`]).
fn marker() -> (String, Vec<u8>) {
    (folder::MARKER.into(), folder::MARKER_BYTES.to_vec())
}

/// A full build through the staging folder. With page digests given, it also returns what the
/// build cache records.
fn full(
    opts: &BuildOptions,
    site: &Site,
    theme: &ThemeFiles,
    renderer: &Renderer<'_>,
    Plan {
        jobs,
        files,
        extra,
        memo,
        ..
    }: Plan,
    digests: Option<&[u64]>,
    started: Instant,
) -> Result<(BuildSummary, incremental::Record)> {
    let staging = Staging::begin(&opts.output_dir())?;
    let bar = progress_bar(opts.progress, jobs.len());
    let dest = render::ToStaging {
        staging: &staging,
        digests,
        recorded: Mutex::new(HashMap::new()),
        links: Mutex::new(Vec::new()),
    };
    let all: Vec<usize> = (0..jobs.len()).collect();
    let problems = render::Loop {
        site,
        renderer,
        jobs: &jobs,
        files: &files,
        links: render::Links::Body,
        bar: &bar,
    }
    .run(&all, &dest);
    let problems = Mutex::new(problems);
    let render::ToStaging {
        recorded,
        links: page_links,
        ..
    } = dest;
    let mut recorded = recorded.into_inner().unwrap();
    let mut others: Vec<(String, Vec<u8>)> = Vec::new();
    // From the library, once the pages are out: a site whose pages failed gets no index.
    if site.outputs.search && problems.lock().unwrap().is_empty() {
        match search::bundle(site) {
            Ok(bundle) => others.extend(bundle),
            Err(e) => keep(e, &mut problems.lock().unwrap()),
        }
    }
    bar.finish_and_clear();
    others.extend(extra);
    for (rel, source) in &theme.statics {
        match source.bytes() {
            Ok(b) => others.push((rel.clone(), b.into_owned())),
            Err(e) => keep(e, &mut problems.lock().unwrap()),
        }
    }
    // Tens of thousands of them with the default theme (feeds, one JSON file per question):
    // written in parallel like the pages.
    let last = crate::output::writer::last_of_each_name(others.iter().map(|(r, _)| r.as_str()));
    let written_digests: Vec<(String, u64)> = others
        .par_iter()
        .zip(last)
        .filter(|(_, last)| *last)
        .filter_map(|((rel, bytes), _)| {
            if let Err(e) = staging.write(rel, bytes) {
                keep(e, &mut problems.lock().unwrap());
            }
            digests
                .is_some()
                .then(|| (rel.clone(), xxhash_rust::xxh3::xxh3_64(bytes)))
        })
        .collect();
    recorded.extend(written_digests);
    if digests.is_some() {
        recorded.extend(memo);
    }
    if let Err(e) = render::reported(problems.into_inner().unwrap()) {
        staging.abort();
        return Err(e);
    }
    let written = staging.written.load(Ordering::Relaxed);
    let unchanged = staging.unchanged.load(Ordering::Relaxed);
    let bytes = staging.bytes.load(Ordering::Relaxed);
    let hashes = staging.hashes();
    staging.commit()?;
    let mut links = page_links.into_inner().unwrap();
    links.sort_by(|a, b| a.page.cmp(&b.page));
    let summary = BuildSummary {
        pages: jobs.len(),
        files: written + unchanged,
        written,
        unchanged,
        removed: 0,
        questions: site.library.questions.len(),
        bytes,
        elapsed: started.elapsed(),
        output: opts.output_dir(),
        incremental: false,
    };
    let record = incremental::Record {
        structure: 0,
        files: recorded,
        links,
        pages: jobs.len(),
        hashes,
    };
    Ok((summary, record))
}

/// Files derived from the whole plan rather than from one page: the sitemap, robots.txt and
/// redirects. An old address that would replace or block a file the build writes is an error in
/// the file that claims it (see [`redirects::files`]).
fn extra_files(
    renderer: &Renderer<'_>,
    jobs: &[crate::render::Job],
    site: &Site,
    pages: &HashSet<String>,
    memo: &Memo<'_>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut urls: Vec<String> = jobs
        .iter()
        .filter(|j| renderer.indexable(**j))
        .map(|&j| renderer.url(j))
        .collect();
    let (published, data_page) = crate::output::publish::files(site, memo)?;
    if let Some(page) = data_page {
        renderer.set_data_page(page);
    }
    let mut out = crate::output::sitemap::files(&site.base, &mut urls);
    out.extend(published);
    // Files the build cache keeps without regenerating are written all the same.
    let kept = memo.recorded_paths();
    let written = pages
        .iter()
        .chain(out.iter().map(|(f, _)| f))
        .chain(&kept)
        .map(String::as_str);
    let old_addresses = redirects::files(site, written)?;
    out.extend(old_addresses);
    Ok(out)
}
