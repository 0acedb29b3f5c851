//! What the publishing outputs (feeds, calendars, open data, discovery meta) need from the
//! renderer: its languages, strings and URLs, the links a page gives to its feeds, the JSON-LD of a
//! question page, and the open-data page rendered through the theme.

use chrono::NaiveDate;
use serde::Serialize;
use tera::Context;

use super::i18n::Strings;
use super::pages::{error_chain, Job, Renderer};
use crate::content::{Question, Status};
use crate::error::{Error, Result};
use crate::site::library::{LangIndex, QIdx, TaxonomyKind};
use crate::site::urls::{file_for, Urls};
use crate::site::Library;

/// The kinds of term that get a feed of their own.
pub const FEED_KINDS: [TaxonomyKind; 4] = [
    TaxonomyKind::Keywords,
    TaxonomyKind::Ministries,
    TaxonomyKind::Members,
    TaxonomyKind::Parties,
];

/// The kinds of term that get a calendar of their upcoming deadlines.
pub const CALENDAR_KINDS: [TaxonomyKind; 2] = [TaxonomyKind::Ministries, TaxonomyKind::Members];

/// Site-relative paths of the publishing files of one language (`prefix` is `""` or `fr/`).
pub mod paths {
    pub fn questions_feed(urls: &crate::site::urls::Urls) -> String {
        format!("{}feed.xml", urls.questions(1))
    }
    pub fn answers_feed(urls: &crate::site::urls::Urls) -> String {
        format!("{}answers/feed.xml", urls.home())
    }
    pub fn term_feed(urls: &crate::site::urls::Urls, section: &str, slug: &str) -> String {
        format!("{}feed.xml", urls.term(section, slug, 1))
    }
    pub fn question_feed(urls: &crate::site::urls::Urls, id: &str) -> String {
        format!("{}feed.xml", urls.question(id))
    }
    pub fn deadlines(urls: &crate::site::urls::Urls) -> String {
        format!("{}deadlines.ics", urls.home())
    }
    pub fn term_deadlines(urls: &crate::site::urls::Urls, section: &str, slug: &str) -> String {
        format!("{}deadlines.ics", urls.term(section, slug, 1))
    }
    pub fn data_page(urls: &crate::site::urls::Urls) -> String {
        format!("{}data/", urls.home())
    }
    pub fn search_page(urls: &crate::site::urls::Urls) -> String {
        format!("{}search/", urls.home())
    }
}

/// A `<link rel="alternate">` to a feed or calendar of a page.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
}

/// Whether an open question's deadline is still to come on `as_of` (the calendars' events).
pub fn upcoming(q: &Question, as_of: NaiveDate) -> bool {
    q.status == Status::Open && q.deadline.is_some_and(|d| d >= as_of)
}

/// Which lists of one language have a question with a deadline to come, found once: every page
/// of a term asks (for its calendar link and its digest), and a term can have hundreds of pages.
pub struct Upcoming {
    all: bool,
    /// By taxonomy kind (in `TaxonomyKind::ALL` order), then term.
    terms: Vec<Vec<bool>>,
}

impl Upcoming {
    pub fn of(lib: &Library, index: &LangIndex, as_of: NaiveDate) -> Upcoming {
        let any = |list: &[QIdx]| list.iter().any(|&q| upcoming(lib.question(q), as_of));
        Upcoming {
            all: any(&index.questions),
            terms: TaxonomyKind::ALL
                .iter()
                .map(|&kind| {
                    index
                        .taxonomy(kind)
                        .terms
                        .iter()
                        .map(|t| any(&t.questions))
                        .collect()
                })
                .collect(),
        }
    }
}

impl<'a> Renderer<'a> {
    pub fn library(&self) -> &'a Library {
        self.lib
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    pub fn site_title(&self) -> &str {
        &self.title
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
    pub fn language_of(&self, q: &Question) -> usize {
        self.lang_of(q)
    }

    /// Whether any question of language `l` has a deadline to come.
    pub(super) fn lang_has_upcoming(&self, l: usize) -> bool {
        self.upcoming[l].all
    }

    /// Whether any question of a term has a deadline to come.
    pub(super) fn term_has_upcoming(&self, l: usize, kind: TaxonomyKind, term: usize) -> bool {
        self.upcoming[l].terms[kind.index()][term]
    }

    fn atom(&self, title: String, rel: String) -> FeedLink {
        FeedLink {
            title,
            url: self.base.link(&rel),
            mime: "application/atom+xml",
        }
    }

    fn ics(&self, title: String, rel: String) -> FeedLink {
        FeedLink {
            title,
            url: self.base.link(&rel),
            mime: "text/calendar",
        }
    }

    /// The feeds and calendars a page links to in its `<head>`.
    pub fn page_feeds(&self, job: Job) -> Vec<FeedLink> {
        let mut out = Vec::new();
        let (feeds, calendars) = (self.outputs.feeds, self.outputs.calendars);
        match job {
            Job::Home { lang } | Job::Questions { lang, .. } => {
                let l = lang as usize;
                let (_, urls, t) = self.language(l);
                if feeds {
                    out.push(self.atom(
                        t.get("feed_questions").to_string(),
                        paths::questions_feed(urls),
                    ));
                    out.push(
                        self.atom(t.get("feed_answers").to_string(), paths::answers_feed(urls)),
                    );
                }
                if calendars && self.lang_has_upcoming(l) {
                    out.push(self.ics(
                        t.get("calendar_deadlines").to_string(),
                        paths::deadlines(urls),
                    ));
                }
            }
            Job::Term {
                lang, kind, term, ..
            } if FEED_KINDS.contains(&kind) => {
                let l = lang as usize;
                let (_, urls, t) = self.language(l);
                let upcoming = self.term_has_upcoming(l, kind, term as usize);
                let term = self.lib.langs[l].term(kind, term as usize);
                if feeds {
                    out.push(self.atom(
                        t.get("feed_term").replace("{name}", &term.name),
                        paths::term_feed(urls, kind.section(), &term.slug),
                    ));
                }
                if calendars && CALENDAR_KINDS.contains(&kind) && upcoming {
                    out.push(self.ics(
                        t.get("calendar_term").replace("{name}", &term.name),
                        paths::term_deadlines(urls, kind.section(), &term.slug),
                    ));
                }
            }
            Job::Question { q, .. } if feeds => {
                let q = self.lib.question(q);
                let (_, urls, t) = self.language(self.lang_of(q));
                out.push(self.atom(
                    t.get("feed_question").replace("{id}", &q.id),
                    paths::question_feed(urls, &q.id),
                ));
            }
            _ => {}
        }
        out
    }

    /// schema.org JSON-LD for a question page: a `QAPage` whose `Question` has an
    /// `acceptedAnswer` once answered. Safe to put inside `<script>` (see `json_for_script`).
    pub fn question_jsonld(
        &self,
        q: &Question,
        question_text: &str,
        answer_text: Option<&str>,
        canonical: &str,
    ) -> String {
        let mut question = serde_json::json!({
            "@type": "Question",
            "name": q.title,
            "text": question_text,
            "dateCreated": q.date.to_string(),
            "inLanguage": q.lang,
            "author": {"@type": "Person", "name": q.author},
            "answerCount": usize::from(answer_text.is_some()),
            "url": canonical,
        });
        if let (Some(answer), Some(date)) = (answer_text, q.answered) {
            question["acceptedAnswer"] = serde_json::json!({
                "@type": "Answer",
                "text": answer,
                "dateCreated": date.to_string(),
                "url": format!("{canonical}#h-answer"),
                "author": {"@type": "Person", "name": q.addressee},
            });
        }
        let doc = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "QAPage",
            "mainEntity": question,
        });
        crate::output::escape::json_for_script(&doc)
    }

    /// The open-data page of every language, rendered through the theme's `data.html`.
    pub fn data_pages(
        &self,
        licence: &str,
        api: &DataPageFiles,
        schema: &str,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for l in 0..self.langs.len() {
            let rel = paths::data_page(&self.langs[l].urls);
            let alternates = self.alternates(l, |other| {
                Some((paths::data_page(&self.langs[other].urls), true))
            });
            let t = &self.langs[l].t;
            let mut meta = self.meta(l, "data", t.get("data_title").to_string(), &rel, alternates);
            meta.description = t.get("data_description").to_string();
            let mut ctx = Context::new();
            ctx.insert("page", &meta);
            ctx.insert("licence", licence);
            let link = |p: &str| self.base.link(p);
            let file = |p: &str| serde_json::json!({"path": p, "url": link(p)});
            let files: Vec<serde_json::Value> = api.files.iter().map(|p| file(p)).collect();
            ctx.insert("files", &files);
            ctx.insert("example", &api.example.as_ref().map(|(p, _)| file(p)));
            ctx.insert(
                "example_json",
                &api.example.as_ref().map(|(_, j)| j.clone()),
            );
            ctx.insert("schema", schema);
            ctx.insert("feeds", &Vec::<FeedLink>::new());
            let html = self.langs[l].tera.render("data.html", &ctx).map_err(|e| {
                Error::Template(format!("data.html for /{rel}: {}", error_chain(&e)))
            })?;
            out.push((file_for(&rel), html.into_bytes()));
        }
        Ok(out)
    }
}

impl Renderer<'_> {
    /// The search page of every language, rendered through the theme's `search.html`.
    pub fn search_pages(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for l in 0..self.langs.len() {
            let rel = paths::search_page(&self.langs[l].urls);
            let alternates = self.alternates(l, |other| {
                Some((paths::search_page(&self.langs[other].urls), true))
            });
            let t = &self.langs[l].t;
            let meta = self.meta(
                l,
                "search",
                t.get("search_title").to_string(),
                &rel,
                alternates,
            );
            let mut ctx = Context::new();
            ctx.insert("page", &meta);
            ctx.insert("feeds", &Vec::<FeedLink>::new());
            let html = self.langs[l]
                .tera
                .render("search.html", &ctx)
                .map_err(|e| {
                    Error::Template(format!("search.html for /{rel}: {}", error_chain(&e)))
                })?;
            out.push((file_for(&rel), html.into_bytes()));
        }
        Ok(out)
    }
}

/// What the open-data page lists: the bulk files and one example record.
pub struct DataPageFiles {
    pub files: Vec<String>,
    pub example: Option<(String, String)>,
}
