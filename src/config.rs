//! `quaestor.toml`: the site configuration. Unknown keys are errors so that a typo never silently
//! falls back to a default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::site_fs::{Refusal, DATA_LIMIT};

pub const CONFIG_FILE: &str = "quaestor.toml";

/// The configuration as written in `quaestor.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: Localized,
    #[serde(default)]
    pub description: Localized,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// The date "overdue" is measured against; today when absent.
    pub as_of: Option<NaiveDate>,
    /// Build the full-text search index (`search-index/<lang>/`). On unless a site turns it off:
    /// at 10,000 questions it adds about half the build's time and 50 MB (docs/PERFORMANCE.md).
    #[serde(default = "default_search")]
    pub search: bool,
    /// The licence of the open data (an SPDX identifier or a short text), shown on the data page.
    #[serde(default = "default_data_licence")]
    pub data_licence: String,
}

/// A text for every language (`title = "…"`) or one per language code
/// (`title = { nl = "…", fr = "…" }`); a language without its own falls back to the default
/// language's, so that each language's pages, feeds and calendars can be named in that language.
#[derive(Debug, Clone, PartialEq)]
pub enum Localized {
    All(String),
    ByLanguage(BTreeMap<String, String>),
}

impl Default for Localized {
    fn default() -> Self {
        Localized::All(String::new())
    }
}

impl Localized {
    /// The text for `lang`, else the default language's, else empty.
    pub fn get<'a>(&'a self, lang: &str, default_language: &str) -> &'a str {
        match self {
            Localized::All(s) => s,
            Localized::ByLanguage(m) => m
                .get(lang)
                .or_else(|| m.get(default_language))
                .map_or("", String::as_str),
        }
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Localized;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, or a table of strings by language code such as { nl = \"…\", fr = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Localized, E> {
                Ok(Localized::All(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Localized, A::Error> {
                let m = BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Localized::ByLanguage(m))
            }
        }
        d.deserialize_any(V)
    }
}

fn default_language() -> String {
    "nl".into()
}
fn default_data_licence() -> String {
    "CC0-1.0".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate_by() -> usize {
    50
}

fn default_search() -> bool {
    true
}

/// Languages the theme ships strings for; a site may not ask for others.
pub const KNOWN_LANGUAGES: &[&str] = &["nl", "fr", "en"];

impl Config {
    /// Reads and validates `root/quaestor.toml`.
    pub fn load(root: &Path) -> Result<Config> {
        let text = crate::site_fs::read_to_string(root, Path::new(CONFIG_FILE), DATA_LIMIT)
            .map_err(|r| {
                let d = match r {
                    Refusal::Missing => Diagnostic::new(
                        CONFIG_FILE,
                        format!("there is no {CONFIG_FILE} in {}", root.display()),
                    )
                    .help(format!(
                        "run quaestor in a site folder or pass --root DIR; to start a new site here, run `quaestor init {}`",
                        root.display()
                    )),
                    r => refused(Path::new(CONFIG_FILE), r),
                };
                Error::Invalid(vec![d])
            })?;
        Self::parse(&text)
    }

    /// The site title in language `lang`.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title.get(lang, &self.default_language)
    }

    /// The site description in language `lang` (empty when none is given).
    pub fn description_in(&self, lang: &str) -> &str {
        self.description.get(lang, &self.default_language)
    }

    /// Parses configuration text; errors name `quaestor.toml`, the line and the key.
    pub fn parse(text: &str) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let message = e.message().to_string();
            let field = message
                .split('`')
                .nth(1)
                .map(str::to_string)
                .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"));
            let mut d = Diagnostic::new(CONFIG_FILE, message).maybe_line(line);
            if let Some(field) = field {
                d = d.field(field);
            }
            Error::Invalid(vec![d.help(
                "allowed keys: title, description, base_url, default_language, languages, theme, paginate_by, as_of, search, data_licence, data_licence",
            )])
        })?;
        if config.languages.is_empty() {
            config.languages = vec![config.default_language.clone()];
        }
        let line_of_key = |key: &str| {
            text.lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with(key) || l.starts_with(&format!("[{key}]"))
                })
                .map(|i| i + 1)
        };
        let mut problems = Vec::new();
        for (key, text, required) in [
            ("title", &config.title, true),
            ("description", &config.description, false),
        ] {
            let Localized::ByLanguage(m) = text else {
                continue;
            };
            for code in m.keys().filter(|c| !config.languages.contains(c)) {
                problems.push(
                    Diagnostic::new(
                        CONFIG_FILE,
                        format!("{key} has a text for `{code}`, which is not in languages"),
                    )
                    .maybe_line(line_of_key(key))
                    .field(key)
                    .help(format!(
                        "use the codes of languages ({}) or add `{code}` to languages",
                        config.languages.join(", ")
                    )),
                );
            }
            if required && !m.contains_key(&config.default_language) {
                problems.push(
                    Diagnostic::new(
                        CONFIG_FILE,
                        format!(
                            "{key} has no text for the default language `{}`, which other languages fall back to",
                            config.default_language
                        ),
                    )
                    .maybe_line(line_of_key(key))
                    .field(key)
                    .help(format!("add {} = \"…\" to {key}", config.default_language)),
                );
            }
        }
        for lang in config.languages.iter().chain([&config.default_language]) {
            if !KNOWN_LANGUAGES.contains(&lang.as_str()) {
                problems.push(
                    Diagnostic::new(CONFIG_FILE, format!("unsupported language `{lang}`"))
                        .maybe_line(line_of_key("languages"))
                        .field("languages")
                        .help(format!("use one of {}", KNOWN_LANGUAGES.join(", "))),
                );
            }
        }
        if !config.languages.contains(&config.default_language) {
            problems.push(
                Diagnostic::new(
                    CONFIG_FILE,
                    format!(
                        "default_language `{}` is not in languages",
                        config.default_language
                    ),
                )
                .maybe_line(line_of_key("default_language"))
                .field("default_language")
                .help("add it to `languages`"),
            );
        }
        if let Err(msg) = crate::site::urls::BaseUrl::parse(&config.base_url) {
            problems.push(
                Diagnostic::new(CONFIG_FILE, msg)
                    .maybe_line(line_of_key("base_url"))
                    .field("base_url")
                    .help("write an absolute URL such as https://user.github.io/repo/"),
            );
        }
        if !config
            .theme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || config.theme.is_empty()
            || config.theme.len() > 64
        {
            problems.push(
                Diagnostic::new(
                    CONFIG_FILE,
                    format!("invalid theme name `{}`", config.theme),
                )
                .maybe_line(line_of_key("theme"))
                .field("theme")
                .help("a theme is a folder name under themes/: up to 64 ASCII letters, digits, - and _"),
            );
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Error::Invalid(problems))
        }
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A site file that was not read (`path`, relative to the site root), as a diagnostic: it names
/// the symbolic link when one is on the way, says what to do, and holds none of the file's bytes.
pub fn refused(path: &Path, r: Refusal) -> Diagnostic {
    let at = match &r {
        Refusal::Symlink(link) => link.clone(),
        _ => path.to_path_buf(),
    };
    let help = r.help();
    let message = if at == path {
        format!("refused: {r}")
    } else {
        format!("refused: {r} (on the way to {})", path.display())
    };
    Diagnostic::new(at, message).help(help)
}
