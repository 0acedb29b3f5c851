//! Atom feeds (RFC 4287), per language: new questions, new answers, one per keyword, ministry,
//! member and party, and one per question with an entry for each event of its chronology ("watch
//! this question"). Everything is derived from the content: timestamps are the dates of the
//! questions (`<date>T00:00:00Z`), never the build time, and entry ids are the absolute address of
//! the question (plus `#answer` or `#event-…`), so a feed reader never sees an entry twice.

use std::hash::Hasher;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::{Files, Output};
use crate::cache::Previous;
use crate::content::Question;
use crate::error::Result;
use crate::output::escape::{xml_attr, xml_text};
use crate::site::labels as views;
use crate::site::library::{Group, LangIndex, QIdx};
use crate::site::published::{paths, FEED_KINDS};
use crate::site::Site;

/// Entries in the site-wide and per-term feeds.
pub const LATEST: usize = 50;

/// One Atom entry.
pub struct Entry {
    pub id: String,
    pub title: String,
    pub link: String,
    pub published: NaiveDate,
    pub updated: NaiveDate,
    pub author: String,
    pub summary: String,
    pub categories: Vec<String>,
    /// When it differs from the feed's: the entries of a question's versions share its feed.
    pub lang: Option<String>,
}

/// One Atom feed.
pub struct Feed {
    pub id: String,
    pub title: String,
    pub lang: String,
    /// Absolute URL of the feed itself and of the page it belongs to.
    pub self_url: String,
    pub page_url: String,
    pub author: String,
    /// Used when there are no entries.
    pub fallback_updated: NaiveDate,
    pub entries: Vec<Entry>,
}

/// An RFC 3339 timestamp for a date: midnight UTC.
pub fn timestamp(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

impl Feed {
    pub fn to_xml(&self) -> Vec<u8> {
        let updated = self
            .entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or(self.fallback_updated);
        let mut x = String::with_capacity(1024 + self.entries.len() * 700);
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            xml_attr(&self.lang)
        ));
        x.push_str(&format!("<id>{}</id>\n", xml_text(&self.id)));
        x.push_str(&format!("<title>{}</title>\n", xml_text(&self.title)));
        x.push_str(&format!("<updated>{}</updated>\n", timestamp(updated)));
        x.push_str(&format!(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            xml_attr(&self.self_url)
        ));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_attr(&self.page_url)
        ));
        x.push_str(&format!(
            "<author><name>{}</name></author>\n",
            xml_text(&self.author)
        ));
        x.push_str("<generator uri=\"https://github.com/quaestor\">Quaestor</generator>\n");
        for e in &self.entries {
            match &e.lang {
                Some(l) => x.push_str(&format!("<entry xml:lang=\"{}\">\n", xml_attr(l))),
                None => x.push_str("<entry>\n"),
            }
            x.push_str(&format!("<id>{}</id>\n", xml_text(&e.id)));
            x.push_str(&format!("<title>{}</title>\n", xml_text(&e.title)));
            x.push_str(&format!(
                "<published>{}</published>\n",
                timestamp(e.published)
            ));
            x.push_str(&format!("<updated>{}</updated>\n", timestamp(e.updated)));
            x.push_str(&format!(
                "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                xml_attr(&e.link)
            ));
            x.push_str(&format!(
                "<author><name>{}</name></author>\n",
                xml_text(&e.author)
            ));
            for c in &e.categories {
                x.push_str(&format!("<category term=\"{}\"/>\n", xml_attr(c)));
            }
            x.push_str(&format!(
                "<summary type=\"text\">{}</summary>\n",
                xml_text(&e.summary)
            ));
            x.push_str("</entry>\n");
        }
        x.push_str("</feed>\n");
        x.into_bytes()
    }
}

/// The date of a question's latest event.
fn last_change(q: &Question) -> NaiveDate {
    q.events.iter().map(|e| e.date).max().unwrap_or(q.date)
}

struct Ctx<'r> {
    r: &'r Site,
    l: usize,
}

impl Ctx<'_> {
    fn abs(&self, rel: &str) -> String {
        self.r.base.absolute(rel)
    }

    /// Its own page: a question with no version in the feed's language links to the one it has.
    fn question_url(&self, q: &Question) -> String {
        self.abs(&self.r.question_url(q))
    }

    fn summary(&self, q: &Question) -> String {
        let t = self.r.language(self.l).2;
        let mut s = format!(
            "{} {}. {}: {}",
            t.get("written_question"),
            q.id,
            t.get("label_author"),
            q.author
        );
        if let Some(p) = &q.party {
            s.push_str(&format!(" ({p})"));
        }
        s.push_str(&format!(
            ". {}: {}. {}: {}. {}: {}.",
            t.get("label_addressee"),
            q.addressee,
            t.get("label_sent"),
            t.long_date(q.date),
            t.get("label_status"),
            views::status_label(t, q.status)
        ));
        if let Some(d) = q.deadline {
            s.push_str(&format!(
                " {}: {}.",
                t.get("label_deadline"),
                t.long_date(d)
            ));
        }
        if let Some(a) = q.answered {
            s.push_str(&format!(
                " {}: {}.",
                t.get("label_answered"),
                t.long_date(a)
            ));
        }
        s
    }

    /// An entry for a question as a whole: it is updated whenever its chronology grows.
    fn question_entry(&self, q: &Question) -> Entry {
        let url = self.question_url(q);
        Entry {
            id: url.clone(),
            title: q.title.clone(),
            link: url,
            published: q.date,
            updated: last_change(q),
            author: q.author.clone(),
            summary: self.summary(q),
            categories: q.keywords.clone(),
            lang: None,
        }
    }

    fn answer_entry(&self, q: &Question) -> Entry {
        let t = self.r.language(self.l).2;
        let url = self.question_url(q);
        let answered = q.answered.unwrap_or(q.date);
        Entry {
            id: format!("{url}#answer"),
            title: format!("{}: {}", t.get("event_answer"), q.title),
            link: url,
            published: answered,
            updated: answered,
            author: q.author.clone(),
            summary: self.summary(q),
            categories: q.keywords.clone(),
            lang: None,
        }
    }

    fn feed(&self, title: String, self_rel: &str, page_rel: &str, entries: Vec<Entry>) -> Feed {
        let (code, _, _) = self.r.language(self.l);
        let lib = &self.r.library;
        let fallback = lib.langs[self.l]
            .questions
            .first()
            .map(|&q| last_change(lib.question(q)))
            .unwrap_or(self.r.as_of);
        Feed {
            id: self.abs(self_rel),
            title: format!("{} · {}", title, self.r.config.title_in(code)),
            lang: code.to_string(),
            self_url: self.abs(self_rel),
            page_url: self.abs(page_rel),
            author: self.r.config.title_in(code).to_string(),
            fallback_updated: fallback,
            entries,
        }
    }

    fn list(&self, qs: &[QIdx]) -> Vec<Entry> {
        let lib = &self.r.library;
        qs.iter()
            .take(LATEST)
            .map(|&q| self.question_entry(lib.question(q)))
            .collect()
    }

    /// The feed of one question, written at `rel`: one entry per event of each version's
    /// chronology, in that version's language. Entry ids are those of the feeds each version
    /// had before they were joined, so a reader who moves over sees no entry twice.
    fn question_feed(&self, g: &Group, rel: &str) -> Vec<u8> {
        let lib = &self.r.library;
        let mut entries = Vec::new();
        for &(_, v) in &g.versions {
            let q = lib.question(v);
            // Each version's entries wholly in its language, summary included.
            let own = Ctx {
                r: self.r,
                l: self.r.lang_of(q),
            };
            let t = self.r.language(own.l).2;
            let url = self.question_url(q);
            let mut seen: Vec<String> = Vec::new();
            for e in &q.events {
                let kind = serde_json::to_value(e.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let mut frag = format!("event-{}-{kind}", e.date);
                let n = seen.iter().filter(|s| **s == frag).count();
                seen.push(frag.clone());
                if n > 0 {
                    frag.push_str(&format!("-{}", n + 1));
                }
                let label = views::event_label(t, e.kind);
                entries.push(Entry {
                    id: format!("{url}#{frag}"),
                    title: format!("{label}: {} ({})", q.title, q.id),
                    link: url.clone(),
                    published: e.date,
                    updated: e.date,
                    author: q.author.clone(),
                    summary: format!("{} {}. {}", label, t.long_date(e.date), own.summary(q)),
                    categories: q.keywords.clone(),
                    lang: Some(q.lang.clone()),
                });
            }
        }
        let (code, urls, t) = self.r.language(self.l);
        let shown = lib.question(g.version(code).unwrap_or(g.versions[0].1));
        let title = t.get("feed_question").replace("{id}", &g.id);
        let feed = self.feed(
            format!("{title} — {}", shown.title),
            rel,
            &urls.question(&g.id),
            entries,
        );
        feed.to_xml()
    }
}

/// A feed's inputs: the language's newest question (its fallback date), its name and its
/// entries. `None` without the cache.
fn digest(
    r: &Site,
    previous: &Previous<'_>,
    index: &LangIndex,
    name: &str,
    members: &[QIdx],
) -> Option<u64> {
    if !previous.active() {
        return None;
    }
    let d = r.digests();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write_u64(previous.global);
    h.write_u64(d.structure);
    h.write_u64(index.questions.first().map_or(0, |&q| d.meta(q)));
    crate::cache::hash_str(&mut h, name);
    for &q in members {
        h.write_u64(d.meta(q));
    }
    Some(h.finish())
}

/// Every feed of the site. Feeds of terms and questions depend on a few questions each: each
/// declares the digest of its inputs, and one the previous build made from the same inputs is
/// kept rather than made again.
pub fn files<Page: Send>(r: &Site, previous: &Previous<'_>) -> Result<Files<Page>> {
    let lib = &r.library;
    let mut out = Vec::new();
    for l in 0..r.language_count() {
        let c = Ctx { r, l };
        let (_, urls, t) = r.language(l);
        let index = &lib.langs[l];
        let rel = paths::questions_feed(urls);
        let feed = c.feed(
            t.get("feed_questions").to_string(),
            &rel,
            &urls.questions(1),
            c.list(&index.questions),
        );
        out.push(Output::made(rel, feed.to_xml()));
        let rel = paths::answers_feed(urls);
        let entries = index
            .answered
            .iter()
            .take(LATEST)
            .map(|&q| c.answer_entry(lib.question(q)))
            .collect();
        let feed = c.feed(
            t.get("feed_answers").to_string(),
            &rel,
            &urls.home(),
            entries,
        );
        out.push(Output::made(rel, feed.to_xml()));
        for kind in FEED_KINDS {
            for term in &index.taxonomy(kind).terms {
                let rel = paths::term_feed(urls, kind.section(), &term.slug);
                let latest = &term.questions[..term.questions.len().min(LATEST)];
                let digest = digest(r, previous, index, &term.name, latest);
                if let Some(d) = digest.filter(|&d| previous.vouches(&rel, d)) {
                    out.push(Output::kept(rel, d));
                    continue;
                }
                let feed = c.feed(
                    t.get("feed_term").replace("{name}", &term.name),
                    &rel,
                    &urls.term(kind.section(), &term.slug, 1),
                    c.list(&term.questions),
                );
                out.push(Output::tracked(rel, digest, feed.to_xml()));
            }
        }
    }
    // A question's own feed: one for all its versions, at the language-neutral address every
    // question has (`site::moved` sends the old per-language addresses there).
    let l = r
        .langs
        .iter()
        .position(|lang| lang.code == lib.default_language)
        .unwrap_or(0);
    let c = Ctx { r, l };
    let index = &lib.langs[l];
    let per_question: Vec<Output<Page>> = lib
        .groups
        .par_iter()
        .map(|g| {
            let rel = paths::question_feed(&r.neutral, &g.id);
            let members: Vec<QIdx> = g.versions.iter().map(|&(_, v)| v).collect();
            let digest = digest(r, previous, index, "", &members);
            match digest.filter(|&d| previous.vouches(&rel, d)) {
                Some(d) => Output::kept(rel, d),
                None => {
                    let bytes = c.question_feed(g, &rel);
                    Output::tracked(rel, digest, bytes)
                }
            }
        })
        .collect();
    out.extend(per_question);
    Ok(out)
}
