//! Fetching question pages over HTTP: polite (User-Agent, rate limit), patient (retries
//! with back-off on 5xx and timeouts), bounded (one deadline for connect, headers and body of
//! each attempt; same-host redirects only; a size limit) and frugal (an on-disk cache of raw
//! pages, so a re-run does not hit the site again).

use super::model::{page_url, Lang, QuestionId, DEFAULT_SITE, MAX_PAGE_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Redirects followed per attempt (the Senate site uses at most one, http → https).
const MAX_REDIRECTS: usize = 5;

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Base URL the query string is appended to (the real site, a mirror, a test server).
    pub site: String,
    /// Maximum requests per second.
    pub rate: f64,
    pub cache: Option<PathBuf>,
    /// Deadline of one attempt at a page: connect, headers, body and redirects together.
    pub timeout: Duration,
    /// Extra attempts after a 5xx or a transport error.
    pub retries: u32,
    /// First back-off delay; doubles on each retry.
    pub backoff: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            site: DEFAULT_SITE.to_string(),
            rate: 1.0,
            cache: None,
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_secs(1),
        }
    }
}

/// Why a page could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("no such page (HTTP 404)")]
    NotFound,
    #[error("HTTP {status} after {attempts} attempt(s)")]
    Status { status: u16, attempts: u32 },
    #[error("{message} after {attempts} attempt(s)")]
    Transport { message: String, attempts: u32 },
    #[error(
        "no complete response from {url} within the {} s deadline (connect, headers and body \
         together) after {attempts} attempt(s); a slow mirror needs a larger --timeout",
        timeout.as_secs_f64()
    )]
    Deadline {
        url: String,
        timeout: Duration,
        attempts: u32,
    },
    #[error(
        "{url} redirects from host {from} to another host, {to}; only redirects within the \
         same host are followed"
    )]
    CrossHostRedirect {
        url: String,
        from: String,
        to: String,
    },
    #[error("{url}: {reason}")]
    BadRedirect { url: String, reason: String },
    #[error("{url}: the page is larger than the limit of {MAX_PAGE_BYTES} bytes")]
    TooLarge { url: String },
    #[error("cache {path}: {source}")]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The User-Agent every request carries.
pub fn user_agent() -> String {
    format!(
        "quaestor/{} (+https://github.com/quaestor)",
        env!("CARGO_PKG_VERSION")
    )
}

/// A rate-limited, caching HTTP client for question pages.
pub struct Fetcher {
    agent: ureq::Agent,
    opts: FetchOptions,
    last_request: Option<Instant>,
    /// Requests actually sent over the network (cache hits excluded), for the summary.
    pub network_requests: usize,
    pub cache_hits: usize,
}

impl Fetcher {
    pub fn new(opts: FetchOptions) -> Self {
        // Redirects are followed by hand (`follow`), each checked to stay on the same host.
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .user_agent(&user_agent())
            .build();
        Fetcher {
            agent,
            opts,
            last_request: None,
            network_requests: 0,
            cache_hits: 0,
        }
    }

    /// The URL this fetcher requests for a page.
    pub fn url(&self, id: QuestionId, lang: Lang) -> String {
        page_url(&self.opts.site, id, lang)
    }

    fn cache_path(&self, id: QuestionId, lang: Lang) -> Option<PathBuf> {
        let dir = self.opts.cache.as_ref()?;
        Some(
            dir.join(id.legislature.to_string())
                .join(format!("{id}.{}.html", lang.code())),
        )
    }

    /// Raw bytes of a page, from the cache or the site.
    pub fn get(&mut self, id: QuestionId, lang: Lang) -> Result<Vec<u8>, FetchError> {
        let cache = self.cache_path(id, lang);
        if let Some(path) = &cache {
            if let Ok(bytes) = read_page_file(path) {
                self.cache_hits += 1;
                return Ok(bytes);
            }
        }
        let bytes = self.get_with_retries(&self.url(id, lang))?;
        if let Some(path) = cache {
            super::write::atomic_write(&path, &bytes).map_err(|e| FetchError::Cache {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
        }
        Ok(bytes)
    }

    fn wait_for_slot(&mut self) {
        if self.opts.rate > 0.0 {
            let gap = Duration::from_secs_f64(1.0 / self.opts.rate);
            if let Some(last) = self.last_request {
                let since = last.elapsed();
                if since < gap {
                    std::thread::sleep(gap - since);
                }
            }
        }
        self.last_request = Some(Instant::now());
    }

    fn get_with_retries(&mut self, url: &str) -> Result<Vec<u8>, FetchError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let retryable = match self.attempt(url) {
                Ok(bytes) => return Ok(bytes),
                Err(Failure::Final(FetchError::Status { status, .. })) => {
                    return Err(FetchError::Status {
                        status,
                        attempts: attempt,
                    })
                }
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Status(status)) => FetchError::Status {
                    status,
                    attempts: attempt,
                },
                Err(Failure::Transport(message)) => FetchError::Transport {
                    message,
                    attempts: attempt,
                },
                Err(Failure::Deadline) => FetchError::Deadline {
                    url: url.to_string(),
                    timeout: self.opts.timeout,
                    attempts: attempt,
                },
            };
            if attempt > self.opts.retries {
                return Err(retryable);
            }
            std::thread::sleep(self.opts.backoff * 2u32.saturating_pow(attempt - 1));
        }
    }

    /// One attempt: the request, the same-host redirects it leads to and the body, all within
    /// one deadline (a server sending a byte now and then cannot hold the run).
    fn attempt(&mut self, url: &str) -> Result<Vec<u8>, Failure> {
        let mut budget = self.opts.timeout;
        let mut at = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            self.wait_for_slot();
            self.network_requests += 1;
            let started = Instant::now();
            let resp = match self.agent.get(&at).timeout(budget).call() {
                Ok(resp) => resp,
                Err(ureq::Error::Status(404, _)) => {
                    return Err(Failure::Final(FetchError::NotFound))
                }
                Err(ureq::Error::Status(status, _)) if status >= 500 => {
                    return Err(Failure::Status(status))
                }
                Err(ureq::Error::Status(status, _)) => {
                    return Err(Failure::Final(FetchError::Status {
                        status,
                        attempts: 1,
                    }))
                }
                Err(ureq::Error::Transport(t)) => {
                    return Err(if timed_out(&t) || started.elapsed() >= budget {
                        Failure::Deadline
                    } else {
                        Failure::Transport(t.to_string())
                    })
                }
            };
            if (300..400).contains(&resp.status()) {
                budget = budget.saturating_sub(started.elapsed());
                at = same_host_redirect(&at, resp.header("location")).map_err(Failure::Final)?;
                continue;
            }
            let mut buf = Vec::new();
            return match resp
                .into_reader()
                .take(MAX_PAGE_BYTES + 1)
                .read_to_end(&mut buf)
            {
                Ok(_) if buf.len() as u64 > MAX_PAGE_BYTES => {
                    Err(Failure::Final(FetchError::TooLarge { url: at }))
                }
                Ok(_) => Ok(buf),
                Err(e) if is_timeout(&e) => Err(Failure::Deadline),
                Err(e) => Err(Failure::Transport(e.to_string())),
            };
        }
        Err(Failure::Final(FetchError::BadRedirect {
            url: url.to_string(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        }))
    }
}

/// How one attempt failed: retry or give up.
enum Failure {
    Final(FetchError),
    Status(u16),
    Transport(String),
    Deadline,
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

fn timed_out(t: &ureq::Transport) -> bool {
    let mut source = std::error::Error::source(t);
    while let Some(e) = source {
        if e.downcast_ref::<std::io::Error>().is_some_and(is_timeout) {
            return true;
        }
        source = e.source();
    }
    false
}

/// The URL a redirect from `from` leads to, if it stays on `from`'s host (an http → https
/// upgrade is fine, a downgrade or another host or port is not).
fn same_host_redirect(from: &str, location: Option<&str>) -> Result<String, FetchError> {
    let bad = |reason: String| FetchError::BadRedirect {
        url: from.to_string(),
        reason,
    };
    let location = location.ok_or_else(|| bad("a redirect without a Location header".into()))?;
    // Anything a URL parser might read differently (spaces, controls, backslashes, non-ASCII)
    // is refused rather than guessed at.
    if location.is_empty() || !location.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return Err(bad(format!(
            "a redirect to an unusable address {:?}",
            location.chars().take(200).collect::<String>()
        )));
    }
    let (scheme, origin, path) = split_url(from).ok_or_else(|| bad("not an http(s) URL".into()))?;
    let target = if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if location
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|head| head.contains(':'))
    {
        // Has a scheme of its own (`https:`, `ftp:`, `javascript:`): checked just below.
        location.to_string()
    } else if location.starts_with('/') {
        format!("{scheme}://{origin}{location}")
    } else {
        let dir = path.split(['?', '#']).next().unwrap_or("");
        let dir = &dir[..dir.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{scheme}://{origin}{dir}{location}")
    };
    let (to_scheme, to_origin, _) = split_url(&target)
        .ok_or_else(|| bad(format!("a redirect to a non-http(s) address {location:?}")))?;
    let (from_host, to_host) = (host_port(scheme, origin), host_port(to_scheme, to_origin));
    if from_host != to_host {
        return Err(FetchError::CrossHostRedirect {
            url: from.to_string(),
            from: from_host,
            to: to_host,
        });
    }
    if scheme == "https" && to_scheme == "http" {
        return Err(bad(format!(
            "a redirect from https down to http ({location})"
        )));
    }
    Ok(target)
}

/// `(scheme, authority, rest)` of an absolute http(s) URL, the scheme lower-cased.
fn split_url(url: &str) -> Option<(&'static str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "http",
        "https" => "https",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((scheme, &rest[..end], &rest[end..]))
}

/// `host` or `host:port` of an authority: user info dropped, lower case, default port omitted.
fn host_port(scheme: &str, authority: &str) -> String {
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let authority = authority.to_ascii_lowercase();
    let port_at = match authority.rfind(']') {
        Some(bracket) => authority[bracket..].find(':').map(|i| bracket + i),
        None => authority.rfind(':'),
    };
    match port_at {
        Some(i) => {
            let default = if scheme == "https" { "443" } else { "80" };
            let port = &authority[i + 1..];
            if port == default || port.is_empty() {
                authority[..i].to_string()
            } else {
                authority
            }
        }
        None => authority,
    }
}

/// Reads a page file of at most [`MAX_PAGE_BYTES`], refusing without reading it a larger
/// file, a FIFO or a device (opened non-blocking, so a FIFO cannot hang the run).
pub fn read_page_file(path: &Path) -> Result<Vec<u8>, String> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| format!("cannot read: {}", std::io::Error::from(e)))?;
    let file = std::fs::File::from(fd);
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file (a folder, FIFO, socket or device): not read".into());
    }
    let too_large = |size: u64| {
        format!(
            "the file is {size} bytes, over the limit of {MAX_PAGE_BYTES} bytes for a question \
             page (real pages are below 100 KB): not read"
        )
    };
    if meta.len() > MAX_PAGE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads `LEG`, `NR` and `LANG` from a question page URL on any of the Senate's hosts (or a
/// mirror). Print renderings and other pages are refused with the reason.
pub fn parse_question_url(url: &str) -> Result<(QuestionId, Lang), String> {
    let query = url
        .split_once('?')
        .map(|(_, q)| q)
        .ok_or("no query string")?;
    let query = query.split('#').next().unwrap_or_default();
    let (mut mival, mut leg, mut nr, mut lang) = (None, None, None, None);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k.to_ascii_uppercase().as_str() {
            "MIVAL" => mival = Some(v.replace("%2F", "/").replace("%2f", "/")),
            "LEG" => leg = v.parse::<u32>().ok(),
            "NR" => nr = v.parse::<u32>().ok(),
            "LANG" => lang = Lang::from_code(v),
            _ => {}
        }
    }
    let mival = mival.ok_or("no MIval parameter")?;
    match mival.trim_start_matches('/') {
        "Vragen/SchriftelijkeVraag" => {}
        "Vragen/SVPrint" | "Vragen/SVPrintNLFR" => {
            return Err("print renderings (SVPrint, SVPrintNLFR) are not supported".into())
        }
        other => return Err(format!("MIval={other} is not a written question page")),
    }
    let id = QuestionId {
        legislature: leg.ok_or("no numeric LEG parameter")?,
        number: nr.ok_or("no numeric NR parameter")?,
    };
    Ok((id, lang.ok_or("LANG must be nl or fr")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=1";

    #[test]
    fn redirects_stay_on_the_same_host() {
        let go = |loc: &str| same_host_redirect(FROM, Some(loc));
        assert_eq!(go("/www/x?a=1").unwrap(), "https://www.senate.be/www/x?a=1");
        assert_eq!(go("y?b").unwrap(), "https://www.senate.be/www/y?b");
        assert_eq!(
            go("https://WWW.senate.be:443/z").unwrap(),
            "https://WWW.senate.be:443/z"
        );
        for (loc, to) in [
            ("https://evil.example/", "evil.example"),
            ("//evil.example/x", "evil.example"),
            ("https://www.senate.be@evil.example/", "evil.example"),
            ("https://www.senate.be:8443/", "www.senate.be:8443"),
        ] {
            match go(loc) {
                Err(FetchError::CrossHostRedirect { from, to: got, .. }) => {
                    assert_eq!(
                        (from.as_str(), got.as_str()),
                        ("www.senate.be", to),
                        "{loc}"
                    )
                }
                other => panic!("{loc}: {other:?}"),
            }
        }
        for loc in [
            "http://www.senate.be/",
            "https://evil.example\\@www.senate.be/",
            "javascript:x",
            "/a b",
        ] {
            assert!(
                matches!(go(loc), Err(FetchError::BadRedirect { .. })),
                "{loc}"
            );
        }
        assert!(same_host_redirect("http://a.be/x", Some("https://a.be/x")).is_ok());
    }
}
