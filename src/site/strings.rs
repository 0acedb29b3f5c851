//! UI strings from the theme's `i18n/<lang>.toml`. Every language must define the same keys, so a
//! missing translation is caught when the theme loads, not by a reader. The theme loads them; they
//! live in the site context because feeds and calendars speak the same words as pages.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::error::{Diagnostic, Error, Result};

/// One language's strings.
#[derive(Debug, Clone)]
pub struct Strings {
    pub lang: String,
    pub map: BTreeMap<String, String>,
    months: Vec<String>,
}

impl Strings {
    /// The string for `key`; keys are checked at load time, so a miss is a bug in Quaestor.
    pub fn get(&self, key: &str) -> &str {
        self.map
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("i18n key `{key}` missing for {}", self.lang))
    }

    /// `26 januari 2023`.
    pub fn long_date(&self, d: NaiveDate) -> String {
        format!(
            "{} {} {}",
            d.day(),
            self.months[d.month0() as usize],
            d.year()
        )
    }

    /// The month's name, 1-based.
    pub fn month_name(&self, month: u32) -> String {
        self.months[(month.clamp(1, 12) - 1) as usize].clone()
    }

    /// A count with a thin grouping separator as the language writes it.
    pub fn number(&self, n: usize) -> String {
        let digits = n.to_string();
        let sep = self.get("thousands_separator");
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }
}

impl Strings {
    /// Fills the keys this language lacks from `base` (the default theme's strings), so a theme
    /// only needs to carry the strings it changes.
    pub fn fill_from(&mut self, base: &Strings) {
        for (k, v) in &base.map {
            self.map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if self.months.len() != 12 {
            self.months = base.months.clone();
        }
    }

    /// A share as a whole percentage, written as the language writes it (`75 %`, `75%`).
    pub fn percent(&self, share: f64) -> String {
        // Half away from zero (62.5 → 63), as people round; `{:.0}` would round half to even.
        self.get("percent")
            .replace("{n}", &format!("{}", (share * 100.0).round()))
    }

    /// A number with at most one decimal, with the language's decimal separator.
    pub fn decimal(&self, x: f64) -> String {
        let s = if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        };
        s.replace('.', self.get("decimal_separator"))
    }
}

/// Loads `<lang>.toml` for every language through `read` (which returns the path to show and the
/// text, or why the file was not read); all languages must share the keys of the first.
pub fn load(
    languages: &[String],
    read: impl Fn(&str) -> std::result::Result<(String, String), Diagnostic>,
) -> Result<Vec<Strings>> {
    let mut out: Vec<Strings> = Vec::new();
    let mut problems = Vec::new();
    let mut shown_of = std::collections::HashMap::new();
    for lang in languages {
        let (shown, text) = match read(lang) {
            Ok(found) => found,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        shown_of.insert(lang.clone(), shown.clone());
        let table: toml::Table = match toml::from_str(&text) {
            Ok(t) => t,
            Err(e) => {
                problems.push(
                    Diagnostic::new(&shown, e.message().to_string())
                        .maybe_line(e.span().map(|s| crate::config::line_of(&text, s.start))),
                );
                continue;
            }
        };
        let mut map = BTreeMap::new();
        let mut months = Vec::new();
        for (k, v) in table {
            match (k.as_str(), v) {
                ("months", toml::Value::Array(a)) => {
                    months = a
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                }
                (_, toml::Value::String(s)) => {
                    map.insert(k, s);
                }
                _ => problems.push(Diagnostic::new(&shown, "values must be strings").field(k)),
            }
        }
        if months.len() != 12 {
            problems
                .push(Diagnostic::new(&shown, "`months` must list 12 month names").field("months"));
        }
        out.push(Strings {
            lang: lang.clone(),
            map,
            months,
        });
    }
    if let Some(first) = out.first() {
        for other in &out[1..] {
            for key in first.map.keys().filter(|k| !other.map.contains_key(*k)) {
                problems.push(
                    Diagnostic::new(
                        &shown_of[&other.lang],
                        format!("missing string `{key}` (present in {}.toml)", first.lang),
                    )
                    .field(key.clone()),
                );
            }
            for key in other.map.keys().filter(|k| !first.map.contains_key(*k)) {
                problems.push(
                    Diagnostic::new(
                        &shown_of[&first.lang],
                        format!("missing string `{key}` (present in {}.toml)", other.lang),
                    )
                    .field(key.clone()),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}
