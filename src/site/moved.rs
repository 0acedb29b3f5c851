//! Addresses Quaestor itself has moved, as patterns with one `:id` (a question id): one rule stands
//! for an address per question, so a move costs no file per old address, which at archive scale
//! would be tens of thousands of files. Netlify reads them from `_redirects` as permanent
//! redirects; GitHub Pages has no server-side redirects, so the 404 page carries them for its
//! script, which sends a browser on. Explicit redirects (`aliases`, `data/redirects.yaml`) come
//! first and are real pages.

use serde::Serialize;

use super::published::paths;
use super::Site;

/// The placeholder for a question id in a rule.
pub const ID: &str = ":id";

/// One moved address, site-relative: a pattern when `from` and `to` hold [`ID`] once each, else
/// a single address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub from: String,
    pub to: String,
}

/// Every pattern the site's languages need, in a fixed order.
pub fn rules(site: &Site) -> Vec<Moved> {
    let mut out = Vec::new();
    // The bulk open data is compressed (`output::data`): at archive scale 416 MB became 168 MB.
    if site.outputs.data {
        for (from, to) in [
            ("questions.jsonl", "questions.jsonl.gz"),
            ("questions.csv", "questions.csv.gz"),
        ] {
            out.push(Moved {
                from: from.into(),
                to: to.into(),
            });
        }
    }
    if site.language_count() < 2 {
        return out;
    }
    // A page per question and language held both versions side by side; the view is now made
    // on the question's own page (`?view=bilingual`).
    for lang in &site.langs {
        out.push(Moved {
            from: lang.urls.question_sub(ID, "bilingual"),
            to: [lang.urls.question(ID).as_str(), "?view=bilingual"].concat(),
        });
    }
    // A question's feed was one per language version; it is one per question, at the
    // language-neutral address every question has.
    for lang in &site.langs {
        let from = paths::question_feed(&lang.urls, ID);
        let to = paths::question_feed(&site.neutral, ID);
        if from != to {
            out.push(Moved { from, to });
        }
    }
    out
}

/// The rules as the 404 page's script reads them, as JSON: absolute paths under the site's base,
/// a pattern split at the id (`[from_before, from_after, to_before, to_after]`), a single
/// address as `[from, to]`.
pub fn for_script(site: &Site) -> String {
    let rules: Vec<Vec<String>> = rules(site)
        .iter()
        .map(|m| match (m.from.split_once(ID), m.to.split_once(ID)) {
            (Some((fa, fb)), Some((ta, tb))) => vec![
                site.base.link(fa),
                fb.to_string(),
                site.base.link(ta),
                tb.to_string(),
            ],
            _ => vec![site.base.link(&m.from), site.base.link(&m.to)],
        })
        .collect();
    serde_json::to_string(&rules).expect("strings serialize")
}
