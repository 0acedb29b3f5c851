//! Loading: walk `content/questions/`, read and validate every file in parallel, and report every
//! bad file at once.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::body;
use super::frontmatter;
use super::limits;
use super::listing::{Entry, Kind, Listing, Stamp};
use super::memo::ParseMemo;
use super::model::Question;
use super::split;
use super::validate;
use crate::error::{Diagnostic, Error, Result};

/// Reads every question under `root/content/questions`, sorted by legislature, number and language.
pub fn load_content(root: &Path, languages: &[String]) -> Result<Vec<Question>> {
    let loaded = load_content_stamped(root, languages, None, None, None)?;
    Ok(loaded.into_iter().map(|(q, _)| q).collect())
}

/// Questions an earlier build parsed: a file whose stamp has not moved since is taken from
/// here instead of being read and parsed again.
pub trait Earlier: Sync {
    /// The question parsed from the file at `rel` (whose [`path_key`](super::listing::path_key)
    /// is `key`) when the file had `stamp`.
    fn question(&self, rel: &Path, key: u128, stamp: Stamp) -> Option<Question>;
}

/// Like [`load_content`], with each file's stamp as read, for the build cache. Files unchanged
/// since an earlier build are taken from its memo (a long-running `serve`) or, without one, from
/// `saved` (the questions the build cache kept). A build that has just listed the folder (to
/// see whether anything changed) hands that listing over.
pub fn load_content_stamped(
    root: &Path,
    languages: &[String],
    memo: Option<&ParseMemo>,
    saved: Option<&dyn Earlier>,
    listing: Option<Listing>,
) -> Result<Vec<(Question, Stamp)>> {
    let started = std::time::Instant::now();
    let now = std::time::SystemTime::now();
    let snapshot = memo.map(|m| m.take(languages));
    let earlier = match &snapshot {
        Some(snapshot) => Some(snapshot as &dyn Earlier),
        None => saved,
    };
    let reused = AtomicUsize::new(0);
    let loaded = load_all(root, languages, earlier, &reused, listing, started);
    if let Some(memo) = memo {
        memo.set_reused(reused.into_inner());
        match &loaded {
            Ok(questions) => memo.keep(questions, now, languages),
            Err(_) => memo.restore(snapshot.expect("taken above")),
        }
    }
    loaded
}

fn load_all(
    root: &Path,
    languages: &[String],
    earlier: Option<&dyn Earlier>,
    reused: &AtomicUsize,
    listing: Option<Listing>,
    started: std::time::Instant,
) -> Result<Vec<(Question, Stamp)>> {
    // A listing from the build cache's check means a site built here before: its files are in
    // the page cache, and reading them ahead would only open each one twice.
    let warm = listing.is_some();
    let listing = listing.unwrap_or_else(|| Listing::read(root));
    let mut problems: Vec<Diagnostic> = listing
        .unreadable
        .iter()
        .map(|(path, e)| Diagnostic::new(path, format!("cannot read: {e}")))
        .collect();
    let mut files = Vec::new();
    for entry in listing.in_walk_order() {
        let problem = match entry.kind {
            Kind::Question => {
                files.push(entry);
                continue;
            }
            Kind::Link => Diagnostic::new(listing.path(entry), "a symbolic link")
                .help("quaestor reads only regular files inside the site; copy the file here instead of linking to it"),
            Kind::OtherFile | Kind::Special => Diagnostic::new(listing.path(entry), "not a question file")
                .help("only <id>.<lang>.md files belong under content/questions/; move or remove it"),
        };
        problems.push(problem.line(1));
    }
    // Two files named <id>.<lang>.md in different folders claim the same question.
    let mut seen: HashMap<&std::ffi::CStr, &Entry> = HashMap::new();
    for &entry in &files {
        if let Some(first) = seen.insert(listing.name(entry), entry) {
            let name = listing.name(entry).to_string_lossy();
            problems.push(
                Diagnostic::new(
                    listing.path(entry),
                    format!(
                        "a second file for question {}; the first is {}",
                        name.trim_end_matches(".md"),
                        listing.path(first).display()
                    ),
                )
                .line(1)
                .field("id")
                .help(
                    "keep one file per question and language, in content/questions/<legislature>/",
                ),
            );
        }
    }
    crate::timings::phase(started, "load: content: list files");
    let parse = || -> Vec<_> {
        files
            .par_iter()
            .map(|e| load_file(&listing, e, languages, earlier, reused))
            .collect()
    };
    // Questions parsed before mean files read before, now in the page cache.
    let results = match reader_pool().filter(|_| earlier.is_none() && !warm) {
        Some(pool) => {
            let parsed = AtomicBool::new(false);
            let read_ahead = || prefetch(pool, &listing, &files, &parsed);
            let parse = || {
                let results = parse();
                parsed.store(true, Ordering::Relaxed);
                results
            };
            rayon::join(read_ahead, parse).1
        }
        None => parse(),
    };
    crate::timings::phase(
        started,
        &format!(
            "load: content: parse files ({} of {} taken as parsed before)",
            reused.load(Ordering::Relaxed),
            files.len()
        ),
    );
    let mut questions = Vec::new();
    if results.iter().all(Result::is_ok) {
        // Collected in the results' own buffer: no second one of tens of megabytes to fault in.
        questions = results.into_iter().filter_map(Result::ok).collect();
    } else {
        for r in results {
            if let Err(mut d) = r {
                problems.append(&mut d);
            }
        }
    }
    // Sorted by key, then each question moved once: a comparison sort moving the questions
    // themselves (hundreds of bytes each) took 25-34 ms at 50,000 questions, this 10-18 ms.
    questions.sort_by_cached_key(|(q, _)| (q.legislature, q.number, q.lang.clone()));
    if problems.is_empty() {
        Ok(questions)
    } else {
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Err(Error::Invalid(problems))
    }
}

/// Threads that ask the kernel to read content files ahead of the parser. Reading is mostly
/// waiting for the disk when the files are not in the page cache (a fresh CI machine, a large site
/// read once a night): more reads in flight than cores keep the disk busy. They only open files
/// and hint: a question parsed on one of sixteen threads would leave that thread's allocator
/// pages partly used for the rest of the build (about 20 MB more at 10,000 questions). Made once
/// per process.
fn reader_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::env::var("QUAESTOR_READERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(16usize);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(rayon::current_num_threads()))
            .thread_name(|i| format!("reader-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Opens the files in order on every reader thread and asks the kernel to read each one in the
/// background, until the parser is done. Errors are left to the parser, which reads every file
/// itself and reports them.
fn prefetch(pool: &rayon::ThreadPool, listing: &Listing, files: &[&Entry], parsed: &AtomicBool) {
    let next = AtomicUsize::new(0);
    pool.broadcast(|_| {
        while !parsed.load(Ordering::Relaxed) {
            let Some(entry) = files.get(next.fetch_add(1, Ordering::Relaxed)) else {
                break;
            };
            if let Ok(file) = listing.open(entry) {
                let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
            }
        }
    });
}

/// Reads a whole file without asking its size first (`fs::read` and `read_to_end` do, with a
/// `statx` and an `lseek`): a question file is read at render time by open, read until empty,
/// close.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_all(std::fs::File::open(path)?, 16 * 1024)
}

/// Reads `file` to its end, or to one byte past [`limits::FILE_BYTES`] (a file that grows while
/// it is read), into a buffer that starts at `capacity` bytes. Through `Take`, which reads into
/// the spare capacity as it is, without zeroing it and without a size probe.
fn read_all(file: std::fs::File, capacity: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(capacity.min(limits::FILE_BYTES as usize + 1));
    file.take(limits::FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn too_large(rel: &Path, len: u64) -> Diagnostic {
    Diagnostic::new(
        rel,
        format!(
            "the file is {len} bytes or more; the limit is {} bytes",
            limits::FILE_BYTES
        ),
    )
    .line(1)
    .help("split or shorten the file (docs/LIMITS.md lists every limit)")
}

/// Decodes a file as UTF-8 without BOM and with LF line ends; borrows when there is nothing to
/// change, which is almost always.
pub fn decode<'b>(path: &Path, bytes: &'b [u8]) -> Result<std::borrow::Cow<'b, str>, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Diagnostic::new(path, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .line(line)
            .help("save the file as UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(match memchr::memchr(b'\r', text.as_bytes()).is_some() {
        true => std::borrow::Cow::Owned(text.replace("\r\n", "\n")),
        false => std::borrow::Cow::Borrowed(text),
    })
}

/// A file's question, parsed and validated, with its stamp. The stamp is taken before reading,
/// so a file changed while it is read looks changed next time.
fn load_file(
    listing: &Listing,
    entry: &Entry,
    languages: &[String],
    earlier: Option<&dyn Earlier>,
    reused: &AtomicUsize,
) -> Result<(Question, Stamp), Vec<Diagnostic>> {
    let rel = listing.path(entry);
    let cannot = |e: std::io::Error| vec![Diagnostic::new(&rel, format!("cannot read: {e}"))];
    if let Some(earlier) = earlier {
        let stamp = Stamp::of_stat(&listing.stat(entry).map_err(cannot)?);
        if let Some(q) = earlier.question(&rel, listing.path_key(entry), stamp) {
            reused.fetch_add(1, Ordering::Relaxed);
            return Ok((q, stamp));
        }
    }
    // Opened without following links: the file was listed as a regular file, and a link
    // swapped in since is refused. The stamp comes from the open file, before it is read.
    let file = listing.open(entry).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    let stamp = Stamp::of(&meta);
    if meta.len() > limits::FILE_BYTES {
        return Err(vec![too_large(&rel, meta.len())]);
    }
    let bytes = read_all(file, meta.len() as usize + 1).map_err(cannot)?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(vec![too_large(&rel, bytes.len() as u64)]);
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let question = parse_file(&rel, &bytes, languages).map_err(validate::cap)?;
    Ok((
        Question {
            file_hash: hash,
            ..question
        },
        stamp,
    ))
}

/// One file's bytes to a [`Question`], as the build reads it; ingest checks what it writes with it.
pub fn parse_file(
    rel: &Path,
    bytes: &[u8],
    languages: &[String],
) -> Result<Question, Vec<Diagnostic>> {
    let rel = rel.to_path_buf();
    let text = decode(&rel, bytes).map_err(|d| vec![d])?;
    split::check_controls(&rel, &text).map_err(|d| vec![d])?;
    let split = split::split(&rel, &text).map_err(|d| vec![d])?;
    let parsed = frontmatter::read(&rel, &split)?;
    let lines = split::field_lines(&split);
    // A body problem is reported with those of the front matter, not instead of them.
    let (body, body_problem) = match body::split(split.body) {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(Diagnostic::new(&rel, e.message)
            .line(e.line + split.body_first_line - 1)
            .help("the body has a `## Vraag` (or `## Question`) section and, when answered, a `## Antwoord` (`## Réponse`, `## Answer`) section"))),
    };
    let checked = validate::validate(
        &rel,
        parsed,
        &lines,
        body.as_ref(),
        split.body_first_line,
        languages,
    );
    match (checked, body_problem) {
        (checked, None) => checked,
        (Ok(_), Some(d)) => Err(vec![d]),
        (Err(mut problems), Some(d)) => {
            problems.push(d);
            Err(problems)
        }
    }
}

/// Reads a question's body again at render time: the library keeps only metadata.
pub fn read_body(root: &Path, question: &Question) -> Result<(String, Option<String>)> {
    let path = root.join(&question.path);
    let bytes = read_file(&path).map_err(|e| Error::io("read", &path, e))?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(Error::Invalid(vec![too_large(
            &question.path,
            bytes.len() as u64,
        )]));
    }
    let text = decode(&question.path, &bytes).map_err(|d| Error::Invalid(vec![d]))?;
    let split = split::split(&question.path, &text).map_err(|d| Error::Invalid(vec![d]))?;
    let b = body::split(split.body).map_err(|e| {
        Error::Invalid(vec![
            Diagnostic::new(&question.path, e.message).line(e.line + split.body_first_line - 1)
        ])
    })?;
    Ok((b.question.to_string(), b.answer.map(str::to_string)))
}
