//! `quaestor ingest`: Senate question pages (files, folders, URLs) → content files.
//!
//! One job per submodule: [`html`] decodes bytes to text, [`mojibake`] repairs damaged copies,
//! [`parse`] reads the text into a [`SenatePage`], [`render`] writes the content-model file,
//! [`write`] stores it safely and [`fetch`] gets pages from the site. This file orchestrates
//! and reports; it never prints (the CLI prints the [`IngestReport`]).

pub mod fetch;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod model;
pub mod mojibake;
pub mod parse;
pub mod render;
pub mod write;

pub use fetch::{FetchError, FetchOptions, Fetcher};
pub use model::*;
pub use parse::{parse_page, ParseError, ParseErrorKind};
pub use render::to_markdown_file;
pub use write::{ContentStore, Outcome, WriteError, MANIFEST};

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Command-line arguments of `quaestor ingest`.
#[derive(clap::Args, Debug, Clone)]
pub struct IngestArgs {
    /// Content directory to write `questions/<legislature>/<id>.<lang>.md` into.
    #[arg(long, value_name = "DIR", default_value = "content")]
    pub content: PathBuf,
    /// Parse and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite files that were edited by hand since the last ingest.
    #[arg(long)]
    pub force: bool,
    /// Maximum HTTP requests per second.
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub rate: f64,
    /// Directory caching raw fetched pages, so re-runs do not hit the site again.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Legislature of the `--range` to fetch.
    #[arg(long, value_name = "N", requires = "range")]
    pub legislature: Option<u32>,
    /// Question numbers to fetch, e.g. `1-2500` (both languages each).
    #[arg(long, value_name = "FROM-TO", requires = "legislature")]
    pub range: Option<NumberRange>,
    /// Base URL of the Senate site (for testing and mirrors).
    #[arg(long, value_name = "URL", default_value = DEFAULT_SITE, hide = true)]
    pub site: String,
    /// Deadline in seconds for one attempt at a page: connect, headers, redirects and body
    /// together. A page takes at most (retries + 1) × this, plus the back-off between them.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Retries after an HTTP 5xx or a timeout.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// First retry back-off in milliseconds, doubling each time (for testing).
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub backoff_ms: u64,
    /// Files, directories (recursive) or http(s) URLs of question pages.
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<String>,
}

impl Default for IngestArgs {
    fn default() -> Self {
        IngestArgs {
            content: PathBuf::from("content"),
            dry_run: false,
            force: false,
            rate: 1.0,
            cache: None,
            legislature: None,
            range: None,
            site: DEFAULT_SITE.to_string(),
            timeout: 30.0,
            retries: 3,
            backoff_ms: 1000,
            sources: Vec::new(),
        }
    }
}

/// An inclusive run of question numbers, `FROM-TO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberRange {
    pub from: u32,
    pub to: u32,
}

impl FromStr for NumberRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let from = a
            .trim()
            .parse()
            .map_err(|_| format!("bad range start in `{s}`"))?;
        let to = b
            .trim()
            .parse()
            .map_err(|_| format!("bad range end in `{s}`"))?;
        if from > to {
            return Err(format!("empty range `{s}`"));
        }
        Ok(NumberRange { from, to })
    }
}

/// A fatal problem: nothing sensible can be reported per page.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("nothing to ingest: give files, directories, URLs or --legislature with --range")]
    NoSources,
    #[error("invalid arguments: {0}")]
    BadArgs(String),
    #[error(transparent)]
    Store(#[from] WriteError),
}

/// One page that was not ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// File path or URL.
    pub source: String,
    /// 1-based line in the page text, when the parser got that far.
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source, line, self.reason),
            None => write!(f, "{}: {}", self.source, self.reason),
        }
    }
}

/// What a run did. `Display` is the human summary.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub dry_run: bool,
    pub pages_read: usize,
    pub created: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    /// Hand-edited files left alone (re-run with `--force`).
    pub hand_edited: Vec<PathBuf>,
    /// Hand-edited files overwritten because of `--force`.
    pub overwritten: Vec<PathBuf>,
    /// Sources whose text needed the mojibake repair.
    pub repaired: Vec<String>,
    /// Numbers of a `--range` with no question (404 or "no such question" page).
    pub missing: Vec<Rejection>,
    pub rejected: Vec<Rejection>,
    /// HTTP requests sent, and pages served from the cache.
    pub network_requests: usize,
    pub cache_hits: usize,
}

impl IngestReport {
    /// True when a page was rejected or could not be fetched (exit code 1). Hand-edited files
    /// left alone are not failures: keeping them is the tool doing its job, and a nightly run
    /// must not fail on them (they are listed, and warned about on stderr).
    pub fn has_failures(&self) -> bool {
        !self.rejected.is_empty()
    }
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = if self.dry_run {
            "Ingest summary (dry run, nothing written)"
        } else {
            "Ingest summary"
        };
        writeln!(f, "{title}")?;
        writeln!(f, "  pages read: {}", self.pages_read)?;
        writeln!(f, "  created:    {}", self.created.len())?;
        writeln!(f, "  updated:    {}", self.updated.len())?;
        writeln!(f, "  unchanged:  {}", self.unchanged.len())?;
        if self.network_requests + self.cache_hits > 0 {
            writeln!(
                f,
                "  fetched:    {} request(s), {} from cache",
                self.network_requests, self.cache_hits
            )?;
        }
        let list = |f: &mut fmt::Formatter<'_>, head: &str, items: Vec<String>| -> fmt::Result {
            if !items.is_empty() {
                writeln!(f, "  {head}: {}", items.len())?;
                for i in items {
                    writeln!(f, "    {i}")?;
                }
            }
            Ok(())
        };
        let paths = |v: &[PathBuf]| v.iter().map(|p| p.display().to_string()).collect();
        list(
            f,
            "overwritten hand edits (--force)",
            paths(&self.overwritten),
        )?;
        list(
            f,
            "hand-edited, NOT overwritten (re-run with --force to replace)",
            paths(&self.hand_edited),
        )?;
        list(f, "repaired mojibake", self.repaired.clone())?;
        list(
            f,
            "missing in range",
            self.missing.iter().map(|r| r.to_string()).collect(),
        )?;
        writeln!(f, "  rejected:   {}", self.rejected.len())?;
        for r in &self.rejected {
            writeln!(f, "    {r}")?;
        }
        Ok(())
    }
}

/// Content-relative path of a page: `questions/<legislature>/<id>.<lang>.md`.
pub fn relative_path(page: &SenatePage) -> String {
    format!(
        "questions/{}/{}.{}.md",
        page.id.legislature,
        page.id,
        page.lang.code()
    )
}

/// Runs an ingest. Pages that fail are collected in the report; only problems with the
/// arguments or the content directory are errors.
pub fn run(args: &IngestArgs) -> Result<IngestReport, IngestError> {
    if args.sources.is_empty() && args.range.is_none() {
        return Err(IngestError::NoSources);
    }
    let positive = |x: f64| x > 0.0 && x.is_finite();
    if !positive(args.rate) || !positive(args.timeout) {
        return Err(IngestError::BadArgs(
            "--rate and --timeout must be positive".into(),
        ));
    }
    let mut job = Job {
        store: ContentStore::open(&args.content, args.dry_run, args.force)?,
        report: IngestReport {
            dry_run: args.dry_run,
            ..Default::default()
        },
        fetcher: None,
        seen: HashMap::new(),
        args,
    };
    let result = job.all_sources();
    let Job {
        store,
        mut report,
        fetcher,
        ..
    } = job;
    if let Some(fetcher) = fetcher {
        report.network_requests = fetcher.network_requests;
        report.cache_hits = fetcher.cache_hits;
    }
    // Save the manifest even after a write error, so files already written stay "ours".
    let finished = store.finish();
    result?;
    finished?;
    Ok(report)
}

struct Job<'a> {
    args: &'a IngestArgs,
    store: ContentStore,
    report: IngestReport,
    fetcher: Option<Fetcher>,
    /// Content path → source that produced it in this run.
    seen: HashMap<String, String>,
}

impl Job<'_> {
    fn all_sources(&mut self) -> Result<(), IngestError> {
        for source in &self.args.sources {
            if source.starts_with("http://") || source.starts_with("https://") {
                self.url_source(source)?;
            } else {
                self.path_source(Path::new(source))?;
            }
        }
        if let (Some(leg), Some(range)) = (self.args.legislature, self.args.range) {
            for number in range.from..=range.to {
                for lang in [Lang::Nl, Lang::Fr] {
                    self.range_page(
                        QuestionId {
                            legislature: leg,
                            number,
                        },
                        lang,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn fetcher(&mut self) -> &mut Fetcher {
        let a = self.args;
        self.fetcher.get_or_insert_with(|| {
            Fetcher::new(FetchOptions {
                site: a.site.clone(),
                rate: a.rate,
                cache: a.cache.clone(),
                timeout: Duration::from_secs_f64(a.timeout),
                retries: a.retries,
                backoff: Duration::from_millis(a.backoff_ms),
            })
        })
    }

    fn reject(&mut self, source: &str, line: Option<usize>, reason: String) {
        self.report.rejected.push(Rejection {
            source: source.to_string(),
            line,
            reason,
        });
    }

    fn url_source(&mut self, url: &str) -> Result<(), IngestError> {
        match fetch::parse_question_url(url) {
            Err(reason) => self.reject(url, None, reason),
            Ok((id, lang)) => match self.fetcher().get(id, lang) {
                Ok(bytes) => self.page(url, &bytes, Some((id, lang)))?,
                Err(e) => self.reject(url, None, format!("fetch failed: {e}")),
            },
        }
        Ok(())
    }

    fn range_page(&mut self, id: QuestionId, lang: Lang) -> Result<(), IngestError> {
        let url = self.fetcher().url(id, lang);
        match self.fetcher().get(id, lang) {
            Err(FetchError::NotFound) => self.report.missing.push(Rejection {
                source: url,
                line: None,
                reason: "HTTP 404".into(),
            }),
            Err(e) => self.reject(&url, None, format!("fetch failed: {e}")),
            Ok(bytes) => {
                let text = html::page_text(&bytes);
                match parse_page(&text) {
                    Err(e) if e.kind == ParseErrorKind::NotAQuestion => {
                        self.report.missing.push(Rejection {
                            source: url,
                            line: None,
                            reason: "no such question".into(),
                        })
                    }
                    _ => self.page(&url, &bytes, Some((id, lang)))?,
                }
            }
        }
        Ok(())
    }

    fn path_source(&mut self, path: &Path) -> Result<(), IngestError> {
        if path.is_dir() {
            let walk = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_file() => self.file(e.path())?,
                    Ok(_) => {}
                    Err(e) => self.reject(&path.display().to_string(), None, e.to_string()),
                }
            }
        } else {
            self.file(path)?;
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) -> Result<(), IngestError> {
        match fetch::read_page_file(path) {
            Ok(bytes) => self.page(&path.display().to_string(), &bytes, None),
            Err(reason) => {
                self.reject(&path.display().to_string(), None, reason);
                Ok(())
            }
        }
    }

    /// Decode, repair, parse, render, check (as the build reads it) and store one page.
    /// `expected` is the id and language the request asked for: a page of another question is
    /// refused, never stored under its own id.
    fn page(
        &mut self,
        source: &str,
        bytes: &[u8],
        expected: Option<(QuestionId, Lang)>,
    ) -> Result<(), IngestError> {
        self.report.pages_read += 1;
        let text = html::page_text(bytes);
        let text = match mojibake::repair(&text) {
            Some(fixed) => {
                self.report.repaired.push(source.to_string());
                fixed
            }
            None => text,
        };
        let page = match parse_page(&text) {
            Ok(p) => p,
            Err(e) => {
                let reason = format!("{}: expected {}, found {}", e.kind, e.expected, e.found);
                self.reject(source, Some(e.line), reason);
                return Ok(());
            }
        };
        if let Some((id, lang)) = expected {
            if (page.id, page.lang) != (id, lang) {
                let reason = format!(
                    "the URL asks for question {id} ({}) but the page is question {} ({}); \
                     nothing written",
                    lang.code(),
                    page.id,
                    page.lang.code()
                );
                self.reject(source, None, reason);
                return Ok(());
            }
        }
        let rel = relative_path(&page);
        if let Some(first) = self.seen.get(&rel) {
            let reason = format!(
                "duplicate of {first} (both are {} {})",
                page.id,
                page.lang.code()
            );
            self.reject(source, None, reason);
            return Ok(());
        }
        self.seen.insert(rel.clone(), source.to_string());
        let content = to_markdown_file(&page);
        // What ingest accepts, the build accepts: the file is read as the build reads it.
        let langs = [page.lang.code().to_string()];
        if let Err(problems) =
            crate::content::load::parse_file(Path::new(&rel), content.as_bytes(), &langs)
        {
            let why: Vec<String> = problems
                .iter()
                .map(|d| match &d.field {
                    Some(field) => format!("`{field}`: {}", d.message),
                    None => d.message.clone(),
                })
                .collect();
            let reason = format!(
                "inconsistent page: the content file it gives would not build ({}); nothing \
                 written: compare the page with the Senate site's copy",
                why.join("; ")
            );
            self.reject(source, None, reason);
            return Ok(());
        }
        let outcome = match self.store.put(&rel, content.as_bytes()) {
            Ok(outcome) => outcome,
            // A link or a non-file in the way concerns this page only: refuse it, go on.
            Err(e @ (WriteError::Symlink { .. } | WriteError::NotAFile { .. })) => {
                self.reject(source, None, format!("{e}; nothing written"));
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let path = self.store.path_of(&rel);
        let r = &mut self.report;
        match outcome {
            Outcome::Created => r.created.push(path),
            Outcome::Updated => r.updated.push(path),
            Outcome::Unchanged => r.unchanged.push(path),
            Outcome::HandEdited => r.hand_edited.push(path),
            Outcome::Overwritten => r.overwritten.push(path),
        }
        Ok(())
    }
}
