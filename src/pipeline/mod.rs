//! The build pipeline, start to end: configuration and theme → content → library → plan → render
//! in parallel → write atomically. `check` runs the same pipeline without writing.
//! The plan is one list of every file the build writes ([`outputs`]); the full build, the
//! in-place update ([`incremental`], which the build cache allows) and `check` walk it, and
//! render its pages through the one loop in [`render`].

mod check;
mod incremental;
mod outputs;
mod render;

pub use check::{check, CheckSummary};

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cache::questions::Saved as SavedQuestions;
use crate::cache::Previous;
use crate::config::Config;
use crate::content::listing::{Listing, Stamp};
use crate::content::load::{load_content_stamped, Earlier};
use crate::content::memo::ParseMemo;
use crate::error::{Diagnostic, Error, Result};
use crate::output::{folder, search, Make, Staging};
use crate::render::theme::{self, ThemeFiles};
use crate::render::Renderer;
use crate::site::ministries::MinistryTable;
use crate::site::urls::BaseUrl;
use crate::site::{Library, Site};
use crate::timings::phase;
use outputs::Outputs;

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
    load_site_stamped(opts, Config::load(&opts.root)?, None, None)
        .map(|(site, theme, _)| (site, theme))
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
    saved: Option<&SavedQuestions>,
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
    let questions = load_content_stamped(
        &opts.root,
        &config.languages,
        opts.memo.as_deref(),
        saved.map(|s| s as &dyn Earlier),
        listing,
    )
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
    let listing = cache.as_mut().and_then(|c| c.take_listing());
    // Questions parsed by the last build, for a build that reads the content again (`serve`
    // keeps its own in memory).
    let saved = cache
        .as_ref()
        .filter(|_| opts.memo.is_none())
        .map(|_| SavedQuestions::load(&opts.root, &config.languages));
    phase(started, "cache");
    // The output is checked while the content loads: the two need each other's results only
    // once both are done, and at archive scale each keeps the machine busy for a few tenths of a
    // second, on and off.
    let (loaded, checked) = std::thread::scope(|scope| {
        let check = (cache.as_ref()).map(|c| scope.spawn(|| c.check_output()));
        let loaded = load_site_stamped(opts, config, saved.as_ref(), listing);
        let checked = check.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (loaded, checked)
    });
    if let (Some(cache), Some(checked)) = (cache.as_mut(), checked) {
        cache.checked(checked);
    }
    let (site, theme, stamps) = loaded?;
    phase(started, "load");
    let renderer = Renderer::new(&site, &theme)?;
    phase(started, "renderer");
    let Some(cache) = cache else {
        let outputs = outputs::plan(&renderer, &site, &theme, &Previous::off())?;
        return full(opts, &site, &theme, &renderer, &outputs, None, started).map(|(s, _)| s);
    };
    let structure = site.digests().structure;
    // An update remakes the search index from the library alone: it is made on its own thread
    // while the outputs are planned and the changed pages rendered. A full build makes it after
    // the pages, so that the two are never held in memory at once.
    let search_early = site.outputs.search && cache.will_update(structure);
    let built = std::thread::scope(|scope| {
        let search = search_early.then(|| search::Pending::start(scope, &site, cache.global));
        let previous = Previous::new(
            cache.previous_files(structure),
            cache.global,
            &opts.output_dir(),
        );
        let outputs = outputs::plan(&renderer, &site, &theme, &previous)?;
        phase(started, "plan");
        let job = incremental::Job {
            opts,
            site: &site,
            theme: &theme,
            renderer: &renderer,
            outputs: &outputs,
        };
        let (mut summary, cache, state, written) =
            match incremental::try_update(cache, job, search, started) {
                incremental::Outcome::Done(summary, done) => {
                    let (cache, state, written) = *done;
                    (summary, cache, state, written)
                }
                incremental::Outcome::Failed(e) => return Err(e),
                incremental::Outcome::Full(cache) => {
                    let global = Some(cache.global);
                    let (summary, mut record) =
                        full(opts, &site, &theme, &renderer, &outputs, global, started)?;
                    record.structure = structure;
                    let written = std::mem::take(&mut record.hashes);
                    (summary, *cache, incremental::full_state(record), written)
                }
            };
        phase(started, "pages, files");
        summary.bytes = incremental::save(
            cache,
            state,
            &site,
            saved.as_ref(),
            &stamps,
            &written,
            summary.incremental,
        );
        phase(started, "cache saved");
        free_later(outputs);
        Ok(summary)
    });
    drop(renderer);
    free_later((site, theme, saved, stamps));
    built
}

/// Frees what a build held on a thread of its own: at archive scale the library, the plan and
/// the saved questions take a tenth of a second to free, which a one-question edit should not
/// wait for. Nothing freed here has an effect beyond memory, so a process that exits first loses
/// nothing.
fn free_later<T: Send + 'static>(held: T) {
    std::thread::spawn(move || drop(held));
}

/// A file to write after the pages: its path, its digest when the cache tracks its inputs, and
/// its bytes.
type Made<'a> = (Cow<'a, str>, Option<u64>, Cow<'a, [u8]>);

/// A full build through the staging folder: every entry of the list written. With `record` (the
/// build cache's digest of the inputs, when the cache is on), it also returns what the build
/// cache records.
fn full(
    opts: &BuildOptions,
    site: &Site,
    theme: &ThemeFiles,
    renderer: &Renderer<'_>,
    outputs: &Outputs,
    record: Option<u64>,
    started: Instant,
) -> Result<(BuildSummary, incremental::Record)> {
    let staging = Staging::begin(&opts.output_dir())?;
    let pages = outputs.pages();
    let bar = progress_bar(opts.progress, pages.len());
    let dest = render::ToStaging {
        staging: &staging,
        outputs,
        record: record.is_some(),
        recorded: Mutex::new(HashMap::new()),
        links: Mutex::new(Vec::new()),
    };
    let problems = render::Loop {
        site,
        renderer,
        outputs,
        links: render::Links::Body,
        bar: &bar,
    }
    .run(&pages, &dest);
    let problems = Mutex::new(problems);
    let render::ToStaging {
        recorded,
        links: page_links,
        ..
    } = dest;
    let mut recorded = recorded.into_inner().unwrap();
    // Every other entry with its bytes, and its digest when the cache tracks its inputs.
    let mut others: Vec<Made> = Vec::new();
    let mut records: Vec<(&str, Option<u64>, usize)> = Vec::new();
    // Held to the end: the words cache is saved while the files are written.
    let mut words_saving: Option<search::Saving> = None;
    for o in &outputs.list {
        let path = Cow::Borrowed(o.path.as_str());
        match &o.make {
            Make::Page(_) => {}
            Make::Record(n) => records.push((&o.path, o.digest, *n)),
            Make::Bytes(b) => others.push((path, o.digest, Cow::Borrowed(b))),
            Make::Static => match theme.statics.get(&o.path).map(|s| s.bytes()) {
                Some(Ok(b)) => others.push((path, None, b)),
                Some(Err(e)) => keep(e, &mut problems.lock().unwrap()),
                None => {}
            },
            // Only an in-place update keeps files or splices them from the previous ones: a full
            // build plans without a usable cache.
            Make::Kept | Make::Splice(_) => keep(
                Error::io(
                    "keep",
                    Path::new(&o.path),
                    std::io::Error::other("a full build writes every file anew"),
                ),
                &mut problems.lock().unwrap(),
            ),
            // From the library, once the pages are out: a site whose pages failed gets no index.
            Make::SearchBundle if problems.lock().unwrap().is_empty() => {
                match search::bundle(site, record) {
                    Ok((bundle, saving)) => {
                        words_saving = Some(saving);
                        others.extend(
                            bundle
                                .into_iter()
                                .map(|(p, b)| (Cow::Owned(p), None, Cow::Owned(b))),
                        );
                    }
                    Err(e) => keep(e, &mut problems.lock().unwrap()),
                }
                phase(started, "search index");
            }
            Make::SearchBundle => {}
        }
    }
    bar.finish_and_clear();
    // Tens of thousands of them with the default theme (feeds, one JSON file per question):
    // written in parallel like the pages.
    let last = crate::output::writer::last_of_each_name(others.iter().map(|(r, _, _)| &**r));
    let written_digests: Vec<(String, u64)> = others
        .par_iter()
        .zip(last)
        .filter(|(_, last)| *last)
        .filter_map(|((rel, digest, bytes), _)| {
            if let Err(e) = staging.write(rel, bytes) {
                keep(e, &mut problems.lock().unwrap());
            }
            record.is_some().then(|| {
                let digest = digest.unwrap_or_else(|| xxhash_rust::xxh3::xxh3_64(bytes));
                (rel.to_string(), digest)
            })
        })
        .collect();
    recorded.extend(written_digests);
    phase(started, "files beside the pages");
    // Each open-data record made as it is written: never all of them in memory at once.
    let record_digests: Vec<(String, u64)> = records
        .par_iter()
        .filter_map(|&(rel, digest, n)| {
            let bytes = crate::output::data::record_file(site, n)
                .and_then(|bytes| staging.write(rel, &bytes).map(|()| bytes));
            match bytes {
                Ok(bytes) => record.is_some().then(|| {
                    let digest = digest.unwrap_or_else(|| xxhash_rust::xxh3::xxh3_64(&bytes));
                    (rel.to_string(), digest)
                }),
                Err(e) => {
                    keep(e, &mut problems.lock().unwrap());
                    None
                }
            }
        })
        .collect();
    recorded.extend(record_digests);
    phase(started, "open-data records");
    drop(words_saving);
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
        pages: pages.len(),
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
        pages: pages.len(),
        hashes,
    };
    Ok((summary, record))
}
