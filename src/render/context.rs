//! The parts of a page context shared by every page type: page metadata and language alternates.

use serde::Serialize;

use super::pages::Renderer;

/// Metadata every template gets as `page`.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub lang: String,
    /// Link to this page (with the base path).
    pub url: String,
    /// Absolute URL, for `rel=canonical` and OpenGraph; empty for the 404 page.
    pub canonical: String,
    pub alternates: Vec<Alternate>,
}

/// The same page in another language.
#[derive(Debug, Serialize)]
pub struct Alternate {
    pub lang: String,
    /// The language's name in its own language.
    pub label: String,
    pub url: String,
    pub absolute: String,
    pub current: bool,
    /// False when the other language has no such page and the link goes to its index instead.
    pub exact: bool,
}

impl Renderer<'_> {
    pub(super) fn meta(
        &self,
        l: usize,
        kind: &'static str,
        title: String,
        rel: &str,
        alternates: Vec<Alternate>,
    ) -> PageMeta {
        PageMeta {
            kind,
            description: title.clone(),
            title,
            lang: self.langs[l].code.clone(),
            url: self.base.link(rel),
            canonical: self.base.absolute(rel),
            alternates,
        }
    }

    /// Alternates for a page that exists in every language (or falls back to a close page).
    pub(super) fn alternates(
        &self,
        l: usize,
        find: impl Fn(usize) -> Option<(String, bool)>,
    ) -> Vec<Alternate> {
        if self.langs.len() < 2 {
            return Vec::new();
        }
        let alternates = (0..self.langs.len())
            .filter_map(|other| {
                let (rel, exact) = if other == l {
                    find(l).map(|(r, _)| (r, true))?
                } else {
                    find(other)?
                };
                Some(Alternate {
                    lang: self.langs[other].code.clone(),
                    label: self.langs[other].t.get("language_name").to_string(),
                    url: self.base.link(&rel),
                    absolute: self.base.absolute(&rel),
                    current: other == l,
                    exact,
                })
            })
            .collect::<Vec<_>>();
        // A page that exists in one language only has nothing to switch to.
        if alternates.len() < 2 {
            return Vec::new();
        }
        alternates
    }
}
