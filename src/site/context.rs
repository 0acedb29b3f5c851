//! The site context: everything a build knows once the site is loaded, shared read-only by the
//! renderer and by every producer of files beside the pages (feeds, calendars, data, sitemap,
//! redirects), so none of them has to ask another for the library, the URLs or the strings.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::digests::Digests;
use super::status::Standing;
use super::strings::Strings;
use super::urls::{BaseUrl, Urls};
use super::Library;
use crate::config::Config;
use crate::content::Question;

/// What a theme publishes beside its pages, from its optional `theme.toml`; all on by default.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outputs {
    pub feeds: bool,
    pub calendars: bool,
    pub data: bool,
    pub search: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            feeds: true,
            calendars: true,
            data: true,
            search: true,
        }
    }
}

/// One language of the site.
pub struct Lang {
    pub code: String,
    pub urls: Urls,
    pub t: Strings,
}

/// Everything loaded and ready to render and publish.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub base: BaseUrl,
    pub as_of: NaiveDate,
    /// What the theme publishes beside its pages (search only when the site asks for it too).
    pub outputs: Outputs,
    pub library: Library,
    /// In the order of `config.languages` and `library.langs`.
    pub langs: Vec<Lang>,
    /// URLs of the default language, where language-neutral addresses live.
    pub neutral: Urls,
    /// By question index: where it stands on `as_of`.
    pub standings: Vec<Standing>,
    /// Computed on first use: only a build with the cache on needs them.
    digests: OnceLock<Digests>,
}

impl Site {
    /// The context for a loaded library; `strings` by language, in the configuration's order.
    pub fn new(
        root: PathBuf,
        config: Config,
        base: BaseUrl,
        as_of: NaiveDate,
        outputs: Outputs,
        library: Library,
        strings: Vec<Strings>,
    ) -> Site {
        let langs = config
            .languages
            .iter()
            .zip(strings)
            .map(|(code, t)| Lang {
                code: code.clone(),
                urls: Urls::new(code, &config.default_language),
                t,
            })
            .collect();
        let standings = library
            .questions
            .iter()
            .map(|q| Standing::of(q, as_of))
            .collect();
        Site {
            neutral: Urls::new(&config.default_language, &config.default_language),
            root,
            config,
            base,
            as_of,
            outputs,
            library,
            langs,
            standings,
            digests: OnceLock::new(),
        }
    }

    /// The digests of this build's questions for the build cache, computed once.
    pub fn digests(&self) -> &Digests {
        self.digests.get_or_init(|| Digests::of(&self.library))
    }

    pub fn language_count(&self) -> usize {
        self.langs.len()
    }

    /// Code, URLs and strings of language `l`.
    pub fn language(&self, l: usize) -> (&str, &Urls, &Strings) {
        let lang = &self.langs[l];
        (&lang.code, &lang.urls, &lang.t)
    }

    /// The language index of a question.
    pub fn lang_of(&self, q: &Question) -> usize {
        self.langs.iter().position(|l| l.code == q.lang).unwrap()
    }

    /// The site-relative address of a question in its own language.
    pub fn question_url(&self, q: &Question) -> String {
        self.langs[self.lang_of(q)].urls.question(&q.id)
    }
}
