//! Page planning and rendering. A [`Job`] is one page; [`Renderer::plan`] lists them all and
//! [`Renderer::render`] turns one into bytes. Jobs are small `Copy` values so the plan for
//! 100,000 questions costs a few megabytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;
use tera::{Context, Tera};

use super::paging::page_count;
use super::theme::ThemeFiles;
use super::views;
use crate::content::Question;
use crate::error::{Error, Result};
use crate::site::library::{QIdx, TaxonomyKind};
use crate::site::published::paths;
use crate::site::urls::{file_for, BaseUrl};
use crate::site::Library;
use crate::site::{Lang, Site};

/// One page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Home {
        lang: u8,
    },
    /// A question in its own language; `neutral` for the language-neutral address of a question
    /// that has no version in the default language.
    Question {
        q: QIdx,
        neutral: bool,
    },
    Questions {
        lang: u8,
        page: u32,
    },
    Index {
        lang: u8,
        kind: TaxonomyKind,
    },
    Term {
        lang: u8,
        kind: TaxonomyKind,
        term: u32,
        page: u32,
    },
    /// Open (or only overdue) questions, longest waiting first.
    Waiting {
        lang: u8,
        overdue: bool,
        scope: Scope,
        page: u32,
    },
    Stats {
        lang: u8,
    },
    ArchiveIndex {
        lang: u8,
    },
    /// A year (`month` 0) or a month of questions sent.
    Archive {
        lang: u8,
        year: i32,
        month: u8,
        page: u32,
    },
    /// The answers of a question "also asked to" several ministers, side by side.
    Compare {
        q: QIdx,
    },
    NotFound,
    /// The open-data page, listing the files the data producer made.
    Data {
        lang: u8,
    },
    /// The search page, whose script reads the language's search index.
    Search {
        lang: u8,
    },
}

impl Job {
    /// The template that renders this kind of page. A theme renders the page types it has
    /// templates for, so a minimal theme builds a minimal site.
    pub fn template(self) -> &'static str {
        match self {
            Job::Home { .. } => "home.html",
            Job::Question { .. } => "question.html",
            Job::Questions { .. } => "questions.html",
            Job::Index { .. } => "terms.html",
            Job::Term { .. } => "term.html",
            Job::Waiting { .. } => "waiting.html",
            Job::Stats { .. } => "stats.html",
            Job::ArchiveIndex { .. } => "archive.html",
            Job::Archive { .. } => "archive_list.html",
            Job::Compare { .. } => "compare.html",
            Job::NotFound => "404.html",
            Job::Data { .. } => "data.html",
            Job::Search { .. } => "search.html",
        }
    }
}

/// Which questions a waiting list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Site,
    Term { kind: TaxonomyKind, term: u32 },
}

/// The taxonomies whose pages get open/overdue lists and statistics.
pub const ACCOUNTABLE: [TaxonomyKind; 3] = [
    TaxonomyKind::Ministries,
    TaxonomyKind::Members,
    TaxonomyKind::Parties,
];

/// A rendered page.
pub struct Rendered {
    /// Output path relative to the output folder.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Site-relative targets of links written in Markdown bodies.
    pub links: Vec<String>,
    /// The content file behind the page, for messages about its links.
    pub source: Option<PathBuf>,
}

/// The templates and page contexts; everything else comes from the borrowed site context.
pub struct Renderer<'a> {
    pub site: &'a Site,
    /// Short names for the context's fields every page context reads.
    pub(super) lib: &'a Library,
    pub(super) root: &'a Path,
    pub(super) per_page: usize,
    pub base: &'a BaseUrl,
    pub(super) as_of: NaiveDate,
    pub(super) langs: &'a [Lang],
    /// By language: the templates, with that language's globals.
    tera: Vec<Tera>,
    /// By question index, in the question's own language, converted for templates once, when a
    /// listing first shows it: an incremental build renders a few listings, not every one.
    summaries: Vec<OnceLock<tera::Value>>,
    /// Names of the templates the theme has.
    templates: std::collections::HashSet<String>,
    /// Whether the theme's templates use `jsonld`: skipped, it saves a fifth of a question page.
    pub(super) jsonld: bool,
    /// What the open-data page lists, known once the data files are made (see
    /// [`Renderer::set_data_page`]).
    pub(super) data_page: OnceLock<crate::site::published::DataPageFiles>,
    /// By language, the site-wide open and overdue lists, made once: each of their pages (a
    /// hundred at 50,000 questions) needs its list for its digest and its render.
    pub(super) site_waiting: Vec<[OnceLock<Vec<QIdx>>; 2]>,
}

#[derive(Serialize)]
struct SiteGlobals<'a> {
    title: &'a str,
    description: &'a str,
    base: &'a str,
    base_url: &'a str,
    lang: &'a str,
    default_language: &'a str,
    as_of: String,
    as_of_iso: String,
    /// Whether the site has a search page to link to.
    search: bool,
}

#[derive(Serialize)]
struct Nav {
    open: String,
    overdue: String,
    stats: String,
    archive: String,
    home: String,
    questions: String,
    keywords: String,
    ministries: String,
    members: String,
    parties: String,
    legislatures: String,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &ThemeFiles) -> Result<Renderer<'a>> {
        let (config, base, as_of) = (&site.config, &site.base, site.as_of);
        let mut proto = Tera::new();
        proto.autoescape_on(vec![".html", ".xml"]);
        let templates: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(name, (_, content))| (name.clone(), content.clone()))
            .collect();
        proto
            .add_raw_templates(templates)
            .map_err(|e| Error::Template(error_chain(&e)))?;
        let mut teras = Vec::new();
        for lang in &site.langs {
            let (code, t, urls) = (&lang.code, &lang.t, &lang.urls);
            let mut tera = proto.clone();
            let globals = SiteGlobals {
                title: config.title_in(code),
                description: config.description_in(code),
                base: &base.path,
                base_url: &base.full,
                lang: code,
                default_language: &config.default_language,
                as_of: t.long_date(as_of),
                as_of_iso: as_of.to_string(),
                search: site.outputs.search,
            };
            let nav = Nav {
                open: base.link(&urls.page("open", 1)),
                overdue: base.link(&urls.page("overdue", 1)),
                stats: base.link(&urls.page("stats", 1)),
                archive: base.link(&urls.archive(None, 0, 1)),
                home: base.link(&urls.home()),
                questions: base.link(&urls.questions(1)),
                keywords: base.link(&urls.index("keywords")),
                ministries: base.link(&urls.index("ministries")),
                members: base.link(&urls.index("members")),
                parties: base.link(&urls.index("parties")),
                legislatures: base.link(&urls.index("legislatures")),
            };
            let g = tera.global_context();
            g.insert("site", &globals);
            g.insert("t", &t.map);
            g.insert("nav", &nav);
            // Shared fragments are rendered once per language, not once per page.
            let mut fragments = BTreeMap::new();
            for name in ["partials/header.html", "partials/footer.html"] {
                if theme.templates.contains_key(name) {
                    let html = tera
                        .render(name, &Context::new())
                        .map_err(|e| Error::Template(format!("{name}: {}", error_chain(&e))))?;
                    let key = name
                        .trim_start_matches("partials/")
                        .trim_end_matches(".html");
                    fragments.insert(key.to_string(), html);
                }
            }
            tera.global_context().insert("fragments", &fragments);
            teras.push(tera);
        }
        let lib = &site.library;
        Ok(Renderer {
            site,
            lib,
            root: &site.root,
            per_page: config.paginate_by,
            base,
            as_of,
            langs: &site.langs,
            tera: teras,
            summaries: lib.questions.iter().map(|_| OnceLock::new()).collect(),
            templates: theme.templates.keys().cloned().collect(),
            jsonld: theme.mentions("jsonld"),
            data_page: OnceLock::new(),
            site_waiting: site.langs.iter().map(|_| Default::default()).collect(),
        })
    }

    /// The templates of language `l`.
    pub(super) fn tera(&self, l: usize) -> &Tera {
        &self.tera[l]
    }

    /// The summary of question `q` as a template value, converted once and shared by every
    /// listing that shows it.
    pub(super) fn summary(&self, q: QIdx) -> &tera::Value {
        self.summaries[q as usize].get_or_init(|| {
            let q = self.lib.question(q);
            let l = self.lang_of(q);
            let url = self.base.link(&self.langs[l].urls.question(&q.id));
            tera::Value::from_serializable(&views::summary(&self.langs[l].t, q, url, self.as_of))
        })
    }

    /// Every page of the site.
    pub fn plan(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (l, index) in self.lib.langs.iter().enumerate() {
            let lang = l as u8;
            jobs.push(Job::Home { lang });
            for page in 1..=page_count(index.questions.len(), self.per_page) {
                jobs.push(Job::Questions {
                    lang,
                    page: page as u32,
                });
            }
            for kind in TaxonomyKind::ALL {
                jobs.push(Job::Index { lang, kind });
                for (term, t) in index.taxonomy(kind).terms.iter().enumerate() {
                    for page in 1..=page_count(t.questions.len(), self.per_page) {
                        jobs.push(Job::Term {
                            lang,
                            kind,
                            term: term as u32,
                            page: page as u32,
                        });
                    }
                }
            }
        }
        for l in 0..self.lib.langs.len() {
            self.plan_accountability(l as u8, &mut jobs);
        }
        for group in &self.lib.groups {
            for &(_, q) in &group.versions {
                jobs.push(Job::Question { q, neutral: false });
                if self.has_compare(q) {
                    jobs.push(Job::Compare { q });
                }
            }
            if group.version(&self.lib.default_language).is_none() {
                jobs.push(Job::Question {
                    q: self.lib.primary(group),
                    neutral: true,
                });
            }
        }
        jobs.push(Job::NotFound);
        jobs.retain(|j| self.has_template(j.template()));
        // Published beside the pages when the theme says so, with or without a template (a
        // missing one is then an error, not a silent gap).
        let outputs = &self.site.outputs;
        let langs = 0..self.langs.len() as u8;
        if outputs.data {
            jobs.extend(langs.clone().map(|lang| Job::Data { lang }));
        }
        if outputs.search {
            jobs.extend(langs.map(|lang| Job::Search { lang }));
        }
        jobs
    }

    /// Whether the theme (with site overrides) has a template.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains(name)
    }

    pub(super) fn lang_of(&self, q: &Question) -> usize {
        self.site.lang_of(q)
    }

    /// The site-relative URL of a job's page.
    pub fn url(&self, job: Job) -> String {
        match job {
            Job::Home { lang } => self.langs[lang as usize].urls.home(),
            Job::Question { q, neutral } => {
                let q = self.lib.question(q);
                if neutral {
                    self.site.neutral.question(&q.id)
                } else {
                    self.langs[self.lang_of(q)].urls.question(&q.id)
                }
            }
            Job::Questions { lang, page } => {
                self.langs[lang as usize].urls.questions(page as usize)
            }
            Job::Index { lang, kind } => self.langs[lang as usize].urls.index(kind.section()),
            Job::Term {
                lang,
                kind,
                term,
                page,
            } => {
                let t = self.lib.langs[lang as usize].term(kind, term as usize);
                self.langs[lang as usize]
                    .urls
                    .term(kind.section(), &t.slug, page as usize)
            }
            Job::Waiting {
                lang,
                overdue,
                scope,
                page,
            } => {
                let urls = &self.langs[lang as usize].urls;
                let sub = if overdue { "overdue" } else { "open" };
                match scope {
                    Scope::Site => urls.page(sub, page as usize),
                    Scope::Term { kind, term } => {
                        let t = self.lib.langs[lang as usize].term(kind, term as usize);
                        urls.term_sub(kind.section(), &t.slug, sub, page as usize)
                    }
                }
            }
            Job::Stats { lang } => self.langs[lang as usize].urls.page("stats", 1),
            Job::ArchiveIndex { lang } => self.langs[lang as usize].urls.archive(None, 0, 1),
            Job::Archive {
                lang,
                year,
                month,
                page,
            } => self.langs[lang as usize]
                .urls
                .archive(Some(year), month, page as usize),
            Job::Compare { q } => {
                let q = self.lib.question(q);
                self.langs[self.lang_of(q)]
                    .urls
                    .question_sub(&q.id, "compare")
            }
            Job::NotFound => "404.html".into(),
            Job::Data { lang } => paths::data_page(&self.langs[lang as usize].urls),
            Job::Search { lang } => paths::search_page(&self.langs[lang as usize].urls),
        }
    }

    /// The index of the default language among the site's languages.
    pub(super) fn default_lang(&self) -> usize {
        self.langs
            .iter()
            .position(|l| l.code == self.lib.default_language)
            .unwrap_or(0)
    }

    /// The site-relative address of a question in its own language.
    pub fn question_url(&self, q: &Question) -> String {
        self.site.question_url(q)
    }

    /// Whether a page belongs in the sitemap: not the 404 page, and not a language-neutral copy
    /// whose canonical address is elsewhere.
    pub fn indexable(&self, job: Job) -> bool {
        !matches!(job, Job::NotFound | Job::Question { neutral: true, .. })
    }

    /// Renders one page.
    pub fn render(&self, job: Job) -> Result<Rendered> {
        let rel = self.url(job);
        let mut links = Vec::new();
        let mut source = None;
        let (lang, template, ctx) = match job {
            Job::Question { q, neutral } => {
                let question = self.lib.question(q);
                source = Some(question.path.clone());
                let (ctx, body_links) = self.question_context(q, neutral, &rel)?;
                links = body_links;
                (self.lang_of(question), job.template(), ctx)
            }
            Job::Home { lang } => (
                lang as usize,
                job.template(),
                self.home_context(lang as usize, &rel),
            ),
            Job::Questions { lang, page } => {
                let l = lang as usize;
                let t = &self.langs[l].t;
                let index = &self.lib.langs[l];
                let ctx = self.listing_context(
                    l,
                    &rel,
                    "questions",
                    t.get("all_questions").to_string(),
                    &index.questions,
                    page as usize,
                    |p| self.langs[l].urls.questions(p),
                    |other| Some(self.langs[other].urls.questions(1)),
                );
                (l, job.template(), ctx)
            }
            Job::Index { lang, kind } => (
                lang as usize,
                job.template(),
                self.index_context(lang as usize, kind, &rel),
            ),
            Job::Term {
                lang,
                kind,
                term,
                page,
            } => (
                lang as usize,
                job.template(),
                self.term_context(lang as usize, kind, term as usize, page as usize, &rel),
            ),
            Job::Waiting {
                lang,
                overdue,
                scope,
                page,
            } => {
                let l = lang as usize;
                (
                    l,
                    job.template(),
                    self.waiting_context(l, overdue, scope, page as usize, &rel),
                )
            }
            Job::Stats { lang } => (
                lang as usize,
                job.template(),
                self.stats_context(lang as usize, &rel),
            ),
            Job::ArchiveIndex { lang } => (
                lang as usize,
                job.template(),
                self.archive_index_context(lang as usize, &rel),
            ),
            Job::Archive {
                lang,
                year,
                month,
                page,
            } => {
                let l = lang as usize;
                (
                    l,
                    job.template(),
                    self.archive_context(l, year, month, page as usize, &rel),
                )
            }
            Job::Compare { q } => {
                let question = self.lib.question(q);
                source = Some(question.path.clone());
                let (ctx, body_links) = self.compare_context(q, &rel)?;
                links = body_links;
                (self.lang_of(question), job.template(), ctx)
            }
            Job::NotFound => (
                self.default_lang(),
                job.template(),
                self.not_found_context(),
            ),
            Job::Data { lang } => (
                lang as usize,
                job.template(),
                self.data_context(lang as usize, &rel)?,
            ),
            Job::Search { lang } => (
                lang as usize,
                job.template(),
                self.search_context(lang as usize, &rel),
            ),
        };
        let mut ctx = ctx;
        let feeds = if self.site.outputs.feeds || self.site.outputs.calendars {
            self.page_feeds(job)
        } else {
            Vec::new()
        };
        ctx.insert("feeds", &feeds);
        let html = self
            .tera(lang)
            .render(template, &ctx)
            .map_err(|e| Error::Template(format!("{template} for /{rel}: {}", error_chain(&e))))?;
        Ok(Rendered {
            path: file_for(&rel),
            bytes: html.into_bytes(),
            links,
            source,
        })
    }
}

/// A Tera error with its causes, which hold the useful part (template name and line).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
