//! Page planning and rendering. A [`Job`] is one page; [`Renderer::plan`] lists them all and
//! [`Renderer::render`] turns one into bytes. Jobs are small `Copy` values so the plan for
//! 100,000 questions costs a few megabytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use tera::{Context, Tera};

use super::context::{page_count, page_range, Alternate, PageMeta, Pager};
use super::i18n::Strings;
use super::theme::ThemeFiles;
use super::views::{self, Named, Summary};
use super::{markdown, postprocess};
use crate::config::Config;
use crate::content::model::LinkKind;
use crate::content::Question;
use crate::error::{Error, Result};
use crate::site::library::{LangIndex, QIdx, TaxonomyKind};
use crate::site::urls::{file_for, BaseUrl, Urls};
use crate::site::Library;

/// Items on the home page's "latest" lists.
const LATEST: usize = 10;

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
    NotFound,
}

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

struct Lang {
    code: String,
    tera: Tera,
    t: Strings,
    urls: Urls,
}

pub struct Renderer<'a> {
    lib: &'a Library,
    root: &'a Path,
    per_page: usize,
    pub base: BaseUrl,
    as_of: NaiveDate,
    langs: Vec<Lang>,
    /// By question index, in the question's own language.
    summaries: Vec<Summary>,
    title: String,
    /// URLs of the default language, where language-neutral addresses live.
    neutral: Urls,
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
}

#[derive(Serialize)]
struct Nav {
    home: String,
    questions: String,
    keywords: String,
    ministries: String,
    members: String,
    parties: String,
    legislatures: String,
}

impl<'a> Renderer<'a> {
    pub fn new(
        lib: &'a Library,
        config: &'a Config,
        root: &'a Path,
        theme: &ThemeFiles,
        base: BaseUrl,
        as_of: NaiveDate,
    ) -> Result<Renderer<'a>> {
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
        let mut langs = Vec::new();
        for (i, code) in config.languages.iter().enumerate() {
            let t = theme.strings[i].clone();
            let urls = Urls::new(code, &config.default_language);
            let mut tera = proto.clone();
            let globals = SiteGlobals {
                title: &config.title,
                description: &config.description,
                base: &base.path,
                base_url: &base.full,
                lang: code,
                default_language: &config.default_language,
                as_of: t.long_date(as_of),
                as_of_iso: as_of.to_string(),
            };
            let nav = Nav {
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
            langs.push(Lang {
                code: code.clone(),
                tera,
                t,
                urls,
            });
        }
        let mut summaries = Vec::with_capacity(lib.questions.len());
        for q in &lib.questions {
            let l = langs
                .iter()
                .position(|l| l.code == q.lang)
                .expect("validated language");
            let url = base.link(&langs[l].urls.question(&q.id));
            summaries.push(views::summary(&langs[l].t, q, url, as_of));
        }
        Ok(Renderer {
            lib,
            root,
            per_page: config.paginate_by,
            base,
            as_of,
            langs,
            summaries,
            title: config.title.clone(),
            neutral: Urls::new(&config.default_language, &config.default_language),
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
        for group in &self.lib.groups {
            for &(_, q) in &group.versions {
                jobs.push(Job::Question { q, neutral: false });
            }
            if group.version(&self.lib.default_language).is_none() {
                jobs.push(Job::Question {
                    q: self.lib.primary(group),
                    neutral: true,
                });
            }
        }
        jobs.push(Job::NotFound);
        jobs
    }

    fn lang_of(&self, q: &Question) -> usize {
        self.langs.iter().position(|l| l.code == q.lang).unwrap()
    }

    /// The site-relative URL of a job's page.
    pub fn url(&self, job: Job) -> String {
        match job {
            Job::Home { lang } => self.langs[lang as usize].urls.home(),
            Job::Question { q, neutral } => {
                let q = self.lib.question(q);
                if neutral {
                    self.neutral.question(&q.id)
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
                let t = &self.lib.langs[lang as usize].taxonomy(kind).terms[term as usize];
                self.langs[lang as usize]
                    .urls
                    .term(kind.section(), &t.slug, page as usize)
            }
            Job::NotFound => "404.html".into(),
        }
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
                (self.lang_of(question), "question.html", ctx)
            }
            Job::Home { lang } => (
                lang as usize,
                "home.html",
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
                (l, "list.html", ctx)
            }
            Job::Index { lang, kind } => (
                lang as usize,
                "terms.html",
                self.index_context(lang as usize, kind, &rel),
            ),
            Job::Term {
                lang,
                kind,
                term,
                page,
            } => (
                lang as usize,
                "list.html",
                self.term_context(lang as usize, kind, term as usize, page as usize, &rel),
            ),
            Job::NotFound => (0, "404.html", self.not_found_context()),
        };
        let html = self.langs[lang]
            .tera
            .render(template, &ctx)
            .map_err(|e| Error::Template(format!("{template} for /{rel}: {}", error_chain(&e))))?;
        Ok(Rendered {
            path: file_for(&rel),
            bytes: html.into_bytes(),
            links,
            source,
        })
    }

    fn meta(
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
    fn alternates(
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

    fn question_context(
        &self,
        i: QIdx,
        neutral: bool,
        rel: &str,
    ) -> Result<(Context, Vec<String>)> {
        let q = self.lib.question(i);
        let l = self.lang_of(q);
        let lang = &self.langs[l];
        let t = &lang.t;
        let index = &self.lib.langs[l];
        let group = self.lib.group(&q.id).expect("every question has a group");
        let (question_md, answer_md) = crate::content::load::read_body(self.root, q)?;
        let question = postprocess::process(&markdown::render(&question_md), &self.base.path);
        let answer =
            answer_md.map(|a| postprocess::process(&markdown::render(&a), &self.base.path));
        let mut links = question.internal_links;
        if let Some(a) = &answer {
            links.extend(a.internal_links.iter().cloned());
        }

        let term_url = |kind: TaxonomyKind, name: &str| {
            index.taxonomy(kind).get(name).map(|term| {
                self.base
                    .link(&lang.urls.term(kind.section(), &term.slug, 1))
            })
        };
        let named = |kind, name: &str| Named {
            name: name.to_string(),
            url: term_url(kind, name).unwrap_or_default(),
        };
        let ministries: Vec<Named> = index
            .ministries_of
            .get(&i)
            .map(|ts| {
                ts.iter()
                    .map(|&ti| {
                        let term = &index.taxonomy(TaxonomyKind::Ministries).terms[ti];
                        Named {
                            name: term.name.clone(),
                            url: self.base.link(&lang.urls.term("ministries", &term.slug, 1)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let related: Vec<RelatedView> = q
            .links
            .iter()
            .map(|link| {
                let target = self
                    .lib
                    .group(&link.id)
                    .filter(|_| link.target == LinkKind::WrittenQuestion);
                let (url, in_portal, title) = match target {
                    Some(g) => {
                        let v = g.version(&q.lang).unwrap_or_else(|| self.lib.primary(g));
                        let target_rel = if g.version(&q.lang).is_some() {
                            lang.urls.question(&g.id)
                        } else {
                            self.neutral_url(&g.id)
                        };
                        (
                            Some(self.base.link(&target_rel)),
                            true,
                            Some(self.lib.question(v).title.clone()),
                        )
                    }
                    None => (official_url(q, &link.id, link.target), false, None),
                };
                RelatedView {
                    label: views::link_label(t, link.kind).to_string(),
                    target_label: views::link_target_label(t, link.target).to_string(),
                    id: link.id.clone(),
                    url,
                    in_portal,
                    title,
                }
            })
            .collect();
        let original = group.version(&q.original_lang);
        let (timing, timing_class) = views::timing(t, q, self.as_of);
        let view = QuestionView {
            id: &q.id,
            title: &q.title,
            legislature: q.legislature,
            legislature_label: t
                .get("legislature_n")
                .replace("{n}", &q.legislature.to_string()),
            legislature_url: self.base.link(&lang.urls.term(
                "legislatures",
                &q.legislature.to_string(),
                1,
            )),
            number: q.number,
            author: named(TaxonomyKind::Members, &q.author),
            party: q.party.as_deref().map(|p| named(TaxonomyKind::Parties, p)),
            addressee: &q.addressee,
            addressee_kind: views::kind_label(t, q.addressee_kind),
            ministries,
            keywords: q
                .keywords
                .iter()
                .map(|k| named(TaxonomyKind::Keywords, k))
                .collect(),
            date: t.long_date(q.date),
            date_iso: q.date.to_string(),
            deadline: q.deadline.map(|d| t.long_date(d)),
            deadline_iso: q.deadline.map(|d| d.to_string()),
            answered: q.answered.map(|d| t.long_date(d)),
            answered_iso: q.answered.map(|d| d.to_string()),
            days_to_answer: q.days_to_answer().map(|n| views::plural(t, "days", n)),
            timing,
            timing_class,
            status: views::status_key(q.status),
            status_label: views::status_label(t, q.status),
            events: q
                .events
                .iter()
                .map(|e| EventView {
                    date: t.long_date(e.date),
                    date_iso: e.date.to_string(),
                    label: views::event_label(t, e.kind),
                })
                .collect(),
            related,
            original_lang: t.get(&format!("lang_{}", q.original_lang)).to_string(),
            is_translation: q.original_lang != q.lang,
            original_url: original.filter(|_| q.original_lang != q.lang).map(|o| {
                self.base.link(
                    &self.langs[self.lang_of(self.lib.question(o))]
                        .urls
                        .question(&q.id),
                )
            }),
            question_html: question.html,
            answer_html: answer.map(|a| a.html),
            source: &q.source,
        };
        let alternates = self.alternates(l, |other| {
            let code = &self.langs[other].code;
            group
                .version(code)
                .map(|_| (self.langs[other].urls.question(&q.id), true))
        });
        let mut meta = self.meta(l, "question", q.title.clone(), rel, alternates);
        if neutral {
            meta.canonical = self.base.absolute(&lang.urls.question(&q.id));
        }
        meta.description = format!("{} {} — {}", t.get("written_question"), q.id, q.title);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("q", &view);
        Ok((ctx, links))
    }

    /// `questions/<id>/`: the address that exists for every question whatever its languages.
    fn neutral_url(&self, id: &str) -> String {
        self.neutral.question(id)
    }

    fn home_context(&self, l: usize, rel: &str) -> Context {
        let index = &self.lib.langs[l];
        let t = &self.langs[l].t;
        let latest: Vec<&Summary> = index
            .questions
            .iter()
            .take(LATEST)
            .map(|&q| &self.summaries[q as usize])
            .collect();
        let answers: Vec<&Summary> = index
            .answered
            .iter()
            .take(LATEST)
            .map(|&q| &self.summaries[q as usize])
            .collect();
        let open = index
            .questions
            .iter()
            .filter(|&&q| self.lib.question(q).status == crate::content::Status::Open)
            .count();
        let counts = Counts {
            questions: t.number(index.questions.len()),
            answered: t.number(index.answered.len()),
            open: t.number(open),
            keywords: t.number(index.taxonomy(TaxonomyKind::Keywords).terms.len()),
            ministries: t.number(index.taxonomy(TaxonomyKind::Ministries).terms.len()),
            members: t.number(index.taxonomy(TaxonomyKind::Members).terms.len()),
            parties: t.number(index.taxonomy(TaxonomyKind::Parties).terms.len()),
            legislatures: t.number(index.taxonomy(TaxonomyKind::Legislatures).terms.len()),
        };
        let alternates = self.alternates(l, |other| Some((self.langs[other].urls.home(), true)));
        let mut meta = self.meta(l, "home", self.title.clone(), rel, alternates);
        meta.description = t.get("home_description").to_string();
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("latest", &latest);
        ctx.insert("answers", &answers);
        ctx.insert("counts", &counts);
        ctx
    }

    #[allow(clippy::too_many_arguments)]
    fn listing_context(
        &self,
        l: usize,
        rel: &str,
        kind: &'static str,
        heading: String,
        questions: &[QIdx],
        page: usize,
        page_url: impl Fn(usize) -> String,
        other_lang: impl Fn(usize) -> Option<String>,
    ) -> Context {
        let t = &self.langs[l].t;
        let total = page_count(questions.len(), self.per_page);
        let items: Vec<&Summary> = questions[page_range(questions.len(), self.per_page, page)]
            .iter()
            .map(|&q| &self.summaries[q as usize])
            .collect();
        let link = |p: usize| Some(self.base.link(&page_url(p)));
        let pager = (total > 1).then(|| Pager {
            current: page,
            total,
            label: t
                .get("page_x_of_y")
                .replace("{x}", &page.to_string())
                .replace("{y}", &total.to_string()),
            first: (page > 1).then(|| link(1)).flatten(),
            prev: (page > 1).then(|| link(page - 1)).flatten(),
            next: (page < total).then(|| link(page + 1)).flatten(),
            last: (page < total).then(|| link(total)).flatten(),
        });
        let title = if page > 1 {
            format!("{heading} ({})", pager.as_ref().unwrap().label)
        } else {
            heading.clone()
        };
        let alternates = self.alternates(l, |other| {
            if other == l {
                Some((page_url(page), true))
            } else {
                other_lang(other).map(|r| (r, true))
            }
        });
        let meta = self.meta(l, kind, title, rel, alternates);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("heading", &heading);
        ctx.insert(
            "count_label",
            &views::plural(t, "questions_count", questions.len() as i64),
        );
        ctx.insert("items", &items);
        ctx.insert("pager", &pager);
        ctx
    }

    fn term_context(
        &self,
        l: usize,
        kind: TaxonomyKind,
        term: usize,
        page: usize,
        rel: &str,
    ) -> Context {
        let index = &self.lib.langs[l];
        let term = &index.taxonomy(kind).terms[term];
        let t = &self.langs[l].t;
        let urls = &self.langs[l].urls;
        let heading = match kind {
            TaxonomyKind::Legislatures => t.get("legislature_n").replace("{n}", &term.name),
            _ => term.name.clone(),
        };
        let mut ctx = self.listing_context(
            l,
            rel,
            "term",
            heading,
            &term.questions,
            page,
            |p| urls.term(kind.section(), &term.slug, p),
            |other| {
                let other_index: &LangIndex = &self.lib.langs[other];
                let same = other_index
                    .taxonomy(kind)
                    .terms
                    .iter()
                    .find(|x| x.slug == term.slug);
                Some(match same {
                    Some(x) => self.langs[other].urls.term(kind.section(), &x.slug, 1),
                    None => self.langs[other].urls.index(kind.section()),
                })
            },
        );
        let section = Named {
            name: t.get(&format!("nav_{}", kind.section())).to_string(),
            url: self.base.link(&urls.index(kind.section())),
        };
        ctx.insert("section", &section);
        let (variants_label, variants) = match kind {
            TaxonomyKind::Ministries => (t.get("addressee_texts"), term.variants.clone()),
            TaxonomyKind::Members => (t.get("label_party"), term.variants.clone()),
            _ => ("", Vec::new()),
        };
        ctx.insert("variants_label", variants_label);
        ctx.insert("variants", &variants);
        ctx
    }

    fn index_context(&self, l: usize, kind: TaxonomyKind, rel: &str) -> Context {
        let index = &self.lib.langs[l];
        let t = &self.langs[l].t;
        let urls = &self.langs[l].urls;
        let mut groups: Vec<LetterGroup> = Vec::new();
        for term in &index.taxonomy(kind).terms {
            let letter = match kind {
                TaxonomyKind::Legislatures => String::new(),
                _ => crate::site::slug::sort_key(&term.name)
                    .chars()
                    .next()
                    .filter(|c| c.is_ascii_alphabetic())
                    .map(|c| c.to_ascii_uppercase().to_string())
                    .unwrap_or_else(|| "#".into()),
            };
            if groups.last().map(|g| &g.letter) != Some(&letter) {
                groups.push(LetterGroup {
                    anchor: format!(
                        "letter-{}",
                        if letter == "#" {
                            "other".into()
                        } else {
                            letter.to_lowercase()
                        }
                    ),
                    letter: letter.clone(),
                    terms: Vec::new(),
                });
            }
            let name = match kind {
                TaxonomyKind::Legislatures => t.get("legislature_n").replace("{n}", &term.name),
                _ => term.name.clone(),
            };
            groups.last_mut().unwrap().terms.push(TermRow {
                name,
                url: self.base.link(&urls.term(kind.section(), &term.slug, 1)),
                count: term.questions.len(),
                note: match kind {
                    TaxonomyKind::Members => term.variants.first().cloned(),
                    _ => None,
                },
            });
        }
        let heading = t.get(&format!("nav_{}", kind.section())).to_string();
        let alternates = self.alternates(l, |other| {
            Some((self.langs[other].urls.index(kind.section()), true))
        });
        let meta = self.meta(l, "index", heading.clone(), rel, alternates);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("heading", &heading);
        ctx.insert("section", kind.section());
        ctx.insert(
            "count_label",
            &views::plural(
                t,
                &format!("{}_count", kind.section()),
                index.taxonomy(kind).terms.len() as i64,
            ),
        );
        ctx.insert("groups", &groups);
        ctx.insert(
            "jump",
            &(kind != TaxonomyKind::Legislatures && groups.len() > 1),
        );
        ctx
    }

    fn not_found_context(&self) -> Context {
        let t = &self.langs[0].t;
        let homes: Vec<Named> = self
            .langs
            .iter()
            .map(|l| Named {
                name: l.t.get("not_found_home").to_string(),
                url: self.base.link(&l.urls.home()),
            })
            .collect();
        let mut meta = self.meta(
            0,
            "not-found",
            t.get("not_found_title").to_string(),
            "404.html",
            Vec::new(),
        );
        meta.canonical = String::new();
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("homes", &homes);
        ctx
    }
}

/// The official page of a question that is not in the portal.
fn official_url(q: &Question, id: &str, target: LinkKind) -> Option<String> {
    if q.assembly != "be-senate" || target != LinkKind::WrittenQuestion {
        return None;
    }
    let (leg, nr) = id.split_once('-')?;
    let lang = if q.lang == "fr" { "fr" } else { "nl" };
    Some(format!(
        "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG={leg}&NR={nr}&LANG={lang}"
    ))
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

#[derive(Serialize)]
struct EventView<'a> {
    date: String,
    date_iso: String,
    label: &'a str,
}

#[derive(Serialize)]
struct RelatedView {
    label: String,
    target_label: String,
    id: String,
    url: Option<String>,
    in_portal: bool,
    title: Option<String>,
}

#[derive(Serialize)]
struct QuestionView<'a> {
    id: &'a str,
    title: &'a str,
    legislature: u32,
    legislature_label: String,
    legislature_url: String,
    number: u64,
    author: Named,
    party: Option<Named>,
    addressee: &'a str,
    addressee_kind: &'a str,
    ministries: Vec<Named>,
    keywords: Vec<Named>,
    date: String,
    date_iso: String,
    deadline: Option<String>,
    deadline_iso: Option<String>,
    answered: Option<String>,
    answered_iso: Option<String>,
    days_to_answer: Option<String>,
    timing: Option<String>,
    timing_class: &'static str,
    status: &'static str,
    status_label: String,
    events: Vec<EventView<'a>>,
    related: Vec<RelatedView>,
    original_lang: String,
    is_translation: bool,
    original_url: Option<String>,
    question_html: String,
    answer_html: Option<String>,
    source: &'a str,
}

#[derive(Serialize)]
struct Counts {
    questions: String,
    answered: String,
    open: String,
    keywords: String,
    ministries: String,
    members: String,
    parties: String,
    legislatures: String,
}

#[derive(Serialize)]
struct LetterGroup {
    letter: String,
    anchor: String,
    terms: Vec<TermRow>,
}

#[derive(Serialize)]
struct TermRow {
    name: String,
    url: String,
    count: usize,
    note: Option<String>,
}
