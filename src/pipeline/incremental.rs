//! Incremental builds: the build cache decides what the last build left that is still right.
//!
//! 1. Nothing changed (same binary, options, configuration, theme and data; every content file
//!    with its old stamp or hash; the output folder the one we wrote, every file in it with its
//!    old stamp or hash): stop at once.
//! 2. Some questions changed: parse them all again, plan the list of outputs (each producer
//!    keeps the files whose inputs' digest stands), render only pages whose digest
//!    (`render::deps`) moved, write the files made again and those whose bytes moved, in place,
//!    one atomic rename per file.
//! 3. Anything else (no cache, global or term-table change, another output folder, an
//!    interrupted update, an output file changed by hand): a full build through the staging
//!    folder.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::outputs::Outputs;
use super::render::{broken_link, reported, Held, Links, Loop};
use super::{keep, BuildOptions, BuildSummary, Site};
use crate::cache::{self, ContentFile, Contents, Head, OutputId, PageLinks, State};
use crate::config::Config;
use crate::content::listing::{path_key, Listing, Stamp};
use crate::content::Question;
use crate::error::{Error, Result};
use crate::output::{links, search, InPlace, Make, Splice};
use crate::render::theme::ThemeFiles;
use crate::render::Renderer;

/// The cache as this build sees it.
pub struct Cache {
    path: PathBuf,
    output: PathBuf,
    pub global: u64,
    /// The head of the previous state, when it describes this output and these global inputs.
    head: Option<Head>,
    /// The saved state's bytes after its head: decoded only when the build has work to do.
    rest: Vec<u8>,
    /// The whole previous state (every output file's digest), loaded once a build has something
    /// to do.
    previous: Option<State>,
    /// When this build started, to decide which stamps are too fresh to trust.
    started: SystemTime,
    /// The content folder as the nothing-changed check listed it, for the loader to read from.
    listing: Option<Listing>,
}

impl Cache {
    /// Opens the cache for `opts`; `None` when the cache folder is not a folder of the site (a
    /// link) or the inputs cannot even be hashed (the build then runs in full and reports what
    /// is wrong).
    pub fn open(opts: &BuildOptions, config: &Config) -> Option<Cache> {
        if !cache::folder_usable(&opts.root) {
            eprintln!(
                "warning: {} is not a folder (a link?): building without the build cache",
                opts.root.join(cache::DIR).display()
            );
            return None;
        }
        let started = SystemTime::now();
        let output = std::path::absolute(opts.output_dir()).ok()?;
        let as_of = super::effective_as_of(opts, config).to_string();
        let options = [
            output.to_string_lossy().into_owned(),
            opts.base_url.clone().unwrap_or_default(),
            opts.theme.clone().unwrap_or_default(),
            as_of,
        ];
        let refs: Vec<&str> = options.iter().map(String::as_str).collect();
        let global = cache::global_digest(&opts.root, &refs).ok()?;
        let path = cache::state_path(&opts.root, &output);
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        let (head, rest) = match State::decode_head(&bytes)
            .filter(|(h, _)| !h.dirty && h.global == global)
            .filter(|(h, _)| h.output_id.still(&output))
        {
            Some((h, len)) => (Some(h), bytes.split_off(len)),
            None => (None, Vec::new()),
        };
        Some(Cache {
            path,
            output,
            global,
            head,
            rest,
            previous: None,
            started,
            listing: None,
        })
    }

    /// Decodes the whole previous state, once.
    pub fn load_previous(&mut self) {
        if self.previous.is_some() {
            return;
        }
        if let Some(head) = self.head.take() {
            let rest = std::mem::take(&mut self.rest);
            self.previous = State::decode_rest(head, &rest);
        }
    }

    /// The summary of a build with nothing to do, when nothing changed. Files that had to be read
    /// again (their stamps moved, their bytes did not) get their new stamps saved.
    /// An output file changed by hand (or removed) drops the previous state: the build is then a
    /// full one, which writes every file anew. The content is checked first: when it changed, the
    /// output is checked while the content loads (see [`Cache::check_output`]).
    pub fn nothing_changed(&mut self, started: Instant) -> Option<BuildSummary> {
        let root = self.path.parent()?.parent()?.to_path_buf();
        let head = self.head.as_ref()?;
        let listing = Listing::read(&root);
        let restamped = cache::content_unchanged(&listing, &head.contents);
        crate::timings::phase(started, "cache: content stamps");
        let Some(restamped) = restamped else {
            self.listing = Some(listing);
            return None;
        };
        let outputs = cache::outputs_unchanged(&self.output, &head.outputs);
        crate::timings::phase(started, "cache: output stamps");
        let Some(outputs_restamped) = outputs else {
            self.head = None;
            return None;
        };
        let head = self.head.as_ref()?;
        let summary = BuildSummary {
            pages: head.pages,
            files: head.file_count,
            written: 0,
            unchanged: head.file_count,
            removed: 0,
            questions: head.contents.len(),
            bytes: head.outputs.iter().map(|f| f.stamp.size()).sum(),
            elapsed: started.elapsed(),
            output: self.output.clone(),
            incremental: true,
        };
        let trusted: Vec<(u128, Stamp)> = restamped
            .into_iter()
            .filter_map(|(p, s)| s.trusted(self.started).map(|s| (p, s)))
            .collect();
        if !trusted.is_empty() || !outputs_restamped.is_empty() {
            self.load_previous();
            if let Some(state) = self.previous.as_mut() {
                for (path, stamp) in trusted {
                    if let Some(file) = state.head.contents.get_mut(path) {
                        file.stamp = Some(stamp);
                    }
                }
                for (i, stamp) in outputs_restamped {
                    state.head.outputs[i].stamp = stamp;
                }
                if let Err(e) = state.save(&self.path) {
                    eprintln!(
                        "warning: could not save the build cache {}: {e}",
                        self.path.display()
                    );
                }
            }
        }
        Some(summary)
    }

    /// Checks the output folder is as the last build left it (a `stat` of each of its files,
    /// 227,197 at 50,000 questions) and decodes the rest of the previous state: what a build
    /// that found content changed does on a thread of its own while it loads the content.
    /// `None` when the output changed or the state does not decode.
    pub fn check_output(&self) -> Option<Checked> {
        let head = self.head.as_ref()?;
        cache::outputs_unchanged(&self.output, &head.outputs)?;
        State::decode_files(&self.rest).map(Checked)
    }

    /// Takes what [`Cache::check_output`] found: the previous state, or none (a full build).
    pub fn checked(&mut self, checked: Option<Checked>) {
        self.rest = Vec::new();
        let head = self.head.take();
        self.previous = head
            .zip(checked)
            .map(|(head, Checked((files, links)))| State { head, files, links });
    }

    /// The listing the nothing-changed check made, when it found a change.
    pub fn take_listing(&mut self) -> Option<Listing> {
        self.listing.take()
    }

    /// The files of the previous build, when this build can update its output in place.
    pub fn previous_files(&self, structure: u64) -> Option<&HashMap<String, u64>> {
        self.usable(structure).map(|s| &s.files)
    }

    /// Whether this build is to update its output in place rather than build it in full.
    pub fn will_update(&self, structure: u64) -> bool {
        self.usable(structure).is_some()
    }

    /// The previous state, when this build can update its output in place.
    fn usable(&self, structure: u64) -> Option<&State> {
        self.previous
            .as_ref()
            .filter(|s| s.head.structure == structure)
    }

    /// Saves what this build read and wrote, and returns the bytes of the output's files (their
    /// stamps hold their sizes). A cache that cannot be saved costs the next build time, not
    /// correctness, so failing to save is a warning. `in_place`: the build updated the output in
    /// place, so the files it did not write keep the stamps checked when it began.
    fn save(self, mut state: State, written: &HashMap<String, u64>, in_place: bool) -> u64 {
        let before = self.previous.map(|s| s.head.outputs).unwrap_or_default();
        state.head.outputs =
            cache::record_outputs(&self.output, state.files.keys(), written, before, in_place);
        state.head.global = self.global;
        state.head.output_id = OutputId::of(&self.output, &state.files).unwrap_or_default();
        state.head.dirty = false;
        if let Err(e) = state.save(&self.path) {
            eprintln!(
                "warning: could not save the build cache {}: {e}",
                self.path.display()
            );
        }
        state.head.outputs.iter().map(|f| f.stamp.size()).sum()
    }
}

/// The rest of the previous state, decoded once the output was found as it was left.
pub struct Checked((HashMap<String, u64>, Vec<PageLinks>));

/// What a build records for the next one.
pub struct Record {
    pub structure: u64,
    pub files: HashMap<String, u64>,
    pub links: Vec<PageLinks>,
    pub pages: usize,
    /// The hash of every file written, by path.
    pub hashes: HashMap<String, u64>,
}

/// The content table for the next build: each question's file with the stamp it was read with,
/// kept only when old enough to trust, and its hash.
fn contents(questions: &[Question], stamps: &[Stamp], started: SystemTime) -> Contents {
    assert_eq!(questions.len(), stamps.len(), "one stamp per question");
    let files = questions
        .iter()
        .zip(stamps)
        .map(|(q, stamp)| ContentFile {
            path: path_key(&q.path),
            stamp: stamp.trusted(started),
            hash: q.file_hash,
        })
        .collect();
    Contents::new(files)
}

/// The state after a full build, without its content table (see [`save`]).
pub fn full_state(record: Record) -> State {
    State {
        head: Head {
            structure: record.structure,
            pages: record.pages,
            ..Head::default()
        },
        files: record.files,
        links: record.links,
    }
}

/// Saves the state of a finished build with the content files it read, and the questions parsed
/// from them (`saved`: those the build took from the cache); returns the bytes of the
/// output's files. `in_place`: the build was an in-place update (see [`try_update`]).
pub fn save(
    cache: Cache,
    mut state: State,
    site: &Site,
    saved: Option<&cache::questions::Saved>,
    stamps: &[Stamp],
    written: &HashMap<String, u64>,
    in_place: bool,
) -> u64 {
    let questions = &site.library.questions;
    state.head.contents = contents(questions, stamps, cache.started);
    let started = cache.started;
    let questions_saved = || {
        if let Some(saved) = saved {
            // Lost, it costs the next build a parse of every file, not correctness.
            let languages = &site.config.languages;
            let _ = saved.save(&site.root, languages, questions, stamps, started);
        }
    };
    rayon::join(questions_saved, || cache.save(state, written, in_place)).1
}

/// Updates the output in place when the cache allows it, walking the planned list: pages whose
/// digest moved are rendered, files made while planning are written when their inputs (or,
/// without a digest, their bytes) moved, kept files and unchanged static files stay.
/// `search`: the search bundle already being made, if it was started early.
pub fn try_update(
    cache: Cache,
    job: Job<'_>,
    search: Option<search::Pending<'_>>,
    started: Instant,
) -> Outcome {
    let Job {
        opts,
        site,
        outputs,
        ..
    } = job;
    let structure = site.digests().structure;
    let Some(previous) = cache.usable(structure) else {
        return Outcome::Full(Box::new(cache));
    };
    match update(&cache, previous, job, search) {
        Ok((state_files, links, written, removed, hashes)) => {
            let total = state_files.len();
            let pages = outputs.pages().len();
            let state = State {
                head: Head {
                    structure,
                    pages,
                    ..Head::default()
                },
                files: state_files,
                links,
            };
            let summary = BuildSummary {
                pages,
                files: total,
                written,
                unchanged: total - written,
                removed,
                questions: site.library.questions.len(),
                // Known once the output is stamped (see [`save`]).
                bytes: 0,
                elapsed: started.elapsed(),
                output: opts.output_dir(),
                incremental: true,
            };
            Outcome::Done(summary, Box::new((cache, state, hashes)))
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// What an attempt at an in-place update came to.
pub enum Outcome {
    /// Updated; the state to save and the files written (see [`save`]).
    Done(BuildSummary, Box<(Cache, State, HashMap<String, u64>)>),
    Failed(Error),
    /// The cache cannot vouch for the output: build in full, then record with this cache.
    Full(Box<Cache>),
}

type Updated = (
    HashMap<String, u64>,
    Vec<PageLinks>,
    usize,
    usize,
    HashMap<String, u64>,
);

/// What an update works from: the build's options, its site and theme, and the planned list.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    pub opts: &'a BuildOptions,
    pub site: &'a Site,
    pub theme: &'a ThemeFiles,
    pub renderer: &'a Renderer<'a>,
    pub outputs: &'a Outputs,
}

/// Updates the output in place. The bulk files, spliced from their previous versions, are the
/// largest files of an update: they are written on a thread of their own, into a folder beside
/// the output, while the rest is made, and put in place once the rest is written.
fn update(
    cache: &Cache,
    previous: &State,
    job: Job<'_>,
    search: Option<search::Pending<'_>>,
) -> Result<Updated> {
    let bulk: Vec<(&str, &Splice)> = job
        .outputs
        .list
        .iter()
        .filter_map(|o| match &o.make {
            Make::Splice(s) if previous.files.get(&o.path) != Some(&s.hash()) => {
                Some((o.path.as_str(), s))
            }
            _ => None,
        })
        .collect();
    let out = InPlace::new(&job.opts.output_dir());
    // A thread of its own, not the pool's: the rest of the update waits on the search index,
    // whose work needs the pool's threads.
    let (staged, rest) = std::thread::scope(|scope| {
        let staging = scope.spawn(|| {
            bulk.iter()
                .map(|(rel, splice)| out.stage_splice(rel, splice))
                .collect::<Result<Vec<_>>>()
        });
        let rest = update_files(cache, previous, job, search, &out, !bulk.is_empty());
        let staged = staging
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (staged, rest)
    });
    let (files, links) = rest?;
    for file in staged? {
        out.commit(file)?;
    }
    Ok((
        files,
        links,
        out.written.load(Ordering::Relaxed),
        out.removed.load(Ordering::Relaxed),
        out.hashes(),
    ))
}

/// Marks the build cache dirty before the output is touched: an update cut short is followed
/// by a full build.
fn mark_dirty(cache: &Cache) -> Result<()> {
    let mut dirty = State {
        head: Head {
            global: cache.global,
            ..Head::default()
        },
        ..State::default()
    };
    dirty
        .mark_dirty(&cache.path)
        .map_err(|e| Error::io("write", &cache.path, e))
}

/// Every file of the update but the bulk files: the pages rendered again, the other files made
/// again, and the files the site no longer has removed. `bulk`: bulk files are to be put in
/// place after these, so the cache is marked dirty even when nothing else is written.
fn update_files(
    cache: &Cache,
    previous: &State,
    job: Job<'_>,
    mut search: Option<search::Pending<'_>>,
    out: &InPlace,
    bulk: bool,
) -> Result<(HashMap<String, u64>, Vec<PageLinks>)> {
    let Job {
        site,
        theme,
        renderer,
        outputs,
        ..
    } = job;
    let t = Instant::now();
    let list = &outputs.list;
    let pages = outputs.pages();
    let stale: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&i| {
            let o = &list[i];
            o.digest.is_none() || previous.files.get(&o.path) != o.digest.as_ref()
        })
        .collect();
    let held = Held::default();
    let problems = Loop {
        site,
        renderer,
        outputs,
        links: Links::Body,
        bar: &ProgressBar::hidden(),
    }
    .run(&stale, &held);
    let problems = Mutex::new(problems);
    crate::timings::phase(t, "update: pages rendered");
    let rendered = held.into_pages();
    let fresh: HashSet<&str> = rendered
        .iter()
        .map(|f| list[f.entry].path.as_str())
        .collect();
    let page_paths: HashSet<&str> = pages.iter().map(|&i| list[i].path.as_str()).collect();
    // Pages not rendered again keep their body links, which must still resolve.
    let mut page_links: Vec<PageLinks> = Vec::new();
    for l in &previous.links {
        if fresh.contains(l.page.as_str()) || !page_paths.contains(l.page.as_str()) {
            continue;
        }
        for target in &l.targets {
            if !links::resolves(&outputs.paths, target) {
                problems
                    .lock()
                    .unwrap()
                    .push(broken_link(&site.root, l.source.as_deref(), target));
            }
        }
        page_links.push(l.clone());
    }
    page_links.extend(rendered.iter().filter_map(|f| f.links.clone()));
    page_links.sort_by(|a, b| a.page.cmp(&b.page));
    crate::timings::phase(t, "update: links of the other pages");

    let mut files: HashMap<String, u64> = HashMap::new();
    let mut writes: Vec<(Cow<'_, str>, Cow<'_, [u8]>)> = rendered
        .iter()
        .map(|f| {
            (
                Cow::Borrowed(list[f.entry].path.as_str()),
                Cow::Borrowed(&f.bytes[..]),
            )
        })
        .collect();
    let mut more: Vec<(Cow<'_, str>, Cow<'_, [u8]>)> = Vec::new();
    // Held to the end: the words cache is saved while the files are written.
    let mut words_saving: Option<search::Saving> = None;
    for o in list {
        let path = Cow::Borrowed(o.path.as_str());
        match &o.make {
            Make::Page(_) | Make::Kept => {
                if let Some(d) = o.digest {
                    files.insert(o.path.clone(), d);
                }
            }
            // Theme files are part of the global digest: unchanged here unless missing from the
            // record.
            Make::Static => match previous.files.get(&o.path) {
                Some(h) => {
                    files.insert(o.path.clone(), *h);
                }
                None => {
                    if let Some(source) = theme.statics.get(&o.path) {
                        let bytes = source.bytes()?;
                        files.insert(o.path.clone(), xxhash_rust::xxh3::xxh3_64(&bytes));
                        more.push((path, bytes));
                    }
                }
            },
            // Made again because its question changed (the others are kept).
            Make::Record(n) => match crate::output::data::record_file(site, *n) {
                Ok(bytes) => match o.digest {
                    Some(d) => {
                        files.insert(o.path.clone(), d);
                        more.push((path, Cow::Owned(bytes)));
                    }
                    None => more.extend(compared(previous, &mut files, path, Cow::Owned(bytes))),
                },
                Err(e) => keep(e, &mut problems.lock().unwrap()),
            },
            // Written by [`update`] meanwhile.
            Make::Splice(splice) => {
                files.insert(o.path.clone(), splice.hash());
            }
            Make::Bytes(b) => match o.digest {
                // Made because its inputs moved (the others are kept).
                Some(d) => {
                    files.insert(o.path.clone(), d);
                    more.push((path, Cow::Borrowed(b)));
                }
                None => more.extend(compared(previous, &mut files, path, Cow::Borrowed(b))),
            },
            // From the library: the index of a site where a page changed is made again.
            Make::SearchBundle if !rendered.is_empty() => match search.take().map_or_else(
                || search::bundle(site, Some(cache.global)),
                search::Pending::wait,
            ) {
                Ok((bundle, saving)) => {
                    words_saving = Some(saving);
                    for (rel, bytes) in bundle {
                        more.extend(compared(
                            previous,
                            &mut files,
                            Cow::Owned(rel),
                            Cow::Owned(bytes),
                        ));
                    }
                }
                Err(e) => keep(e, &mut problems.lock().unwrap()),
            },
            Make::SearchBundle => {
                // Nothing rendered: the previous bundle stands; keep its files in the record.
                for (f, h) in &previous.files {
                    if search::in_bundle(f) {
                        files.insert(f.clone(), *h);
                    }
                }
            }
        }
    }
    writes.extend(more);
    crate::timings::phase(t, "update: list walked");
    reported(problems.into_inner().unwrap())?;
    let mut gone: Vec<&String> = previous
        .files
        .keys()
        .filter(|f| !files.contains_key(*f))
        .collect();
    gone.sort();
    if writes.is_empty() && gone.is_empty() && !bulk {
        return Ok((files, page_links));
    }
    mark_dirty(cache)?;
    let last = crate::output::writer::last_of_each_name(writes.iter().map(|(r, _)| &**r));
    writes
        .par_iter()
        .zip(last)
        .filter(|(_, last)| *last)
        .try_for_each(|((rel, bytes), _)| out.write(rel, bytes))?;
    for rel in gone {
        out.remove(rel)?;
    }
    crate::timings::phase(t, "update: written");
    drop(words_saving);
    Ok((files, page_links))
}

/// A file whose bytes the cache compares, recorded with their hash: to be written when they
/// moved.
fn compared<'b>(
    previous: &State,
    files: &mut HashMap<String, u64>,
    rel: Cow<'b, str>,
    bytes: Cow<'b, [u8]>,
) -> Option<(Cow<'b, str>, Cow<'b, [u8]>)> {
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    files.insert(rel.to_string(), hash);
    (previous.files.get(&*rel) != Some(&hash)).then_some((rel, bytes))
}
