//! What pages show of the files published beside them: the links a page gives to its feeds and
//! calendars, the JSON-LD of a question page, and the contexts of the open-data and search pages.

use serde::Serialize;
use tera::Context;

use super::markdown;
use super::pages::{Job, Renderer};
use crate::content::Question;
use crate::error::{Error, Result};
use crate::site::published::{paths, DataPageFiles, CALENDAR_KINDS, FEED_KINDS};

/// Characters of a question's or answer's text in its page's JSON-LD.
pub const JSONLD_SUMMARY: usize = 300;

/// A `<link rel="alternate">` to a feed or calendar of a page.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
}

impl Renderer<'_> {
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
        let (feeds, calendars) = (self.site.outputs.feeds, self.site.outputs.calendars);
        match job {
            Job::Home { lang } | Job::Questions { lang, .. } => {
                let l = lang as usize;
                let (urls, t) = (&self.langs[l].urls, &self.langs[l].t);
                if feeds {
                    out.push(self.atom(
                        t.get("feed_questions").to_string(),
                        paths::questions_feed(urls),
                    ));
                    out.push(
                        self.atom(t.get("feed_answers").to_string(), paths::answers_feed(urls)),
                    );
                }
                if calendars {
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
                let (urls, t) = (&self.langs[l].urls, &self.langs[l].t);
                let term = self.lib.langs[l].term(kind, term as usize);
                if feeds {
                    out.push(self.atom(
                        t.get("feed_term").replace("{name}", &term.name),
                        paths::term_feed(urls, kind.section(), &term.slug),
                    ));
                }
                if calendars && CALENDAR_KINDS.contains(&kind) {
                    out.push(self.ics(
                        t.get("calendar_term").replace("{name}", &term.name),
                        paths::term_deadlines(urls, kind.section(), &term.slug),
                    ));
                }
            }
            Job::Question { q, .. } if feeds => {
                // One feed per question, for all its versions, at the address every question has.
                let q = self.lib.question(q);
                let t = &self.langs[self.lang_of(q)].t;
                out.push(self.atom(
                    t.get("feed_question").replace("{id}", &q.id),
                    paths::question_feed(&self.site.neutral, &q.id),
                ));
            }
            _ => {}
        }
        out
    }

    /// schema.org JSON-LD for a question page: a `QAPage` whose `Question` has an
    /// `acceptedAnswer` once answered. The texts are summaries ([`JSONLD_SUMMARY`] characters):
    /// the whole texts are on the page itself, and a second copy made a third of every page at
    /// archive scale. Safe to put inside `<script>` (see `json_for_script`).
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
            "text": markdown::excerpt(question_text, JSONLD_SUMMARY),
            "dateCreated": q.date.to_string(),
            "inLanguage": q.lang,
            "author": {"@type": "Person", "name": q.author},
            "answerCount": usize::from(answer_text.is_some()),
            "url": canonical,
        });
        if let (Some(answer), Some(date)) = (answer_text, q.answered) {
            question["acceptedAnswer"] = serde_json::json!({
                "@type": "Answer",
                "text": markdown::excerpt(answer, JSONLD_SUMMARY),
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

    /// Gives the open-data page what it lists, once the data files are made: before its page
    /// renders or its digest is taken.
    pub fn set_data_page(&self, files: DataPageFiles) {
        let _ = self.data_page.set(files);
    }

    /// The context of language `l`'s open-data page (`data.html`).
    pub(super) fn data_context(&self, l: usize, rel: &str) -> Result<Context> {
        let api = self.data_page.get().ok_or_else(|| {
            Error::Template(format!(
                "data.html for /{rel}: the data files were not made before their page"
            ))
        })?;
        let alternates = self.alternates(l, |other| {
            Some((paths::data_page(&self.langs[other].urls), true))
        });
        let t = &self.langs[l].t;
        let mut meta = self.meta(l, "data", t.get("data_title").to_string(), rel, alternates);
        meta.description = t.get("data_description").to_string();
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("licence", &self.site.config.data_licence);
        let link = |p: &str| self.base.link(p);
        let file = |p: &str| serde_json::json!({"path": p, "url": link(p)});
        let files: Vec<serde_json::Value> = api.files.iter().map(|p| file(p)).collect();
        ctx.insert("files", &files);
        ctx.insert("example", &api.example.as_ref().map(|(p, _)| file(p)));
        ctx.insert(
            "example_json",
            &api.example.as_ref().map(|(_, j)| j.clone()),
        );
        ctx.insert("schema", api.schema);
        Ok(ctx)
    }

    /// The context of language `l`'s search page (`search.html`).
    pub(super) fn search_context(&self, l: usize, rel: &str) -> Context {
        let alternates = self.alternates(l, |other| {
            Some((paths::search_page(&self.langs[other].urls), true))
        });
        let t = &self.langs[l].t;
        let meta = self.meta(
            l,
            "search",
            t.get("search_title").to_string(),
            rel,
            alternates,
        );
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx
    }
}
