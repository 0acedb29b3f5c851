//! Fetching question pages over HTTP: polite (User-Agent, rate limit), patient (retries
//! with back-off on 5xx and timeouts) and frugal (an on-disk cache of raw pages, so a re-run
//! does not hit the site again).

use super::model::{page_url, Lang, QuestionId};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The one host all page URLs are normalised to.
pub const DEFAULT_SITE: &str = "https://www.senate.be/www/";

/// Largest page we accept (real pages are far below this).
const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Base URL the query string is appended to (the real site, a mirror, a test server).
    pub site: String,
    /// Maximum requests per second.
    pub rate: f64,
    pub cache: Option<PathBuf>,
    /// Connect and read timeout per request.
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
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(opts.timeout)
            .timeout_read(opts.timeout)
            .timeout_write(opts.timeout)
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
            if let Ok(bytes) = std::fs::read(path) {
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
            self.wait_for_slot();
            self.network_requests += 1;
            let retryable = match self.agent.get(url).call() {
                Ok(resp) => {
                    let mut buf = Vec::new();
                    match resp
                        .into_reader()
                        .take(MAX_PAGE_BYTES)
                        .read_to_end(&mut buf)
                    {
                        Ok(_) => return Ok(buf),
                        Err(e) => FetchError::Transport {
                            message: e.to_string(),
                            attempts: attempt,
                        },
                    }
                }
                Err(ureq::Error::Status(404, _)) => return Err(FetchError::NotFound),
                Err(ureq::Error::Status(status, _)) if status >= 500 => FetchError::Status {
                    status,
                    attempts: attempt,
                },
                Err(ureq::Error::Status(status, _)) => {
                    return Err(FetchError::Status {
                        status,
                        attempts: attempt,
                    })
                }
                Err(ureq::Error::Transport(t)) => FetchError::Transport {
                    message: t.to_string(),
                    attempts: attempt,
                },
            };
            if attempt > self.opts.retries {
                return Err(retryable);
            }
            std::thread::sleep(self.opts.backoff * 2u32.saturating_pow(attempt - 1));
        }
    }
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
