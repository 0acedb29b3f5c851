//! Listing pages: the home page, the list of all questions, term indexes and term pages, and the
//! 404 page. Each gets only the summaries of the questions it shows.

use serde::Serialize;
use tera::Context;

use super::pages::{Renderer, Scope, ACCOUNTABLE};
use super::paging::{page_count, page_range, Pager};
use super::views::{self, Named};
use crate::site::library::{LangIndex, QIdx, TaxonomyKind};

/// Items on the home page's "latest" lists.
const LATEST: usize = 10;

impl Renderer<'_> {
    /// The summaries of `questions` as a template list, each converted to a template value once
    /// ([`Renderer::summary`]) and shared, not converted again for every page that lists it.
    fn summary_list<'q>(&self, questions: impl Iterator<Item = &'q QIdx>) -> tera::Value {
        let items: Vec<tera::Value> = questions.map(|&q| self.summary(q).clone()).collect();
        tera::Value::from(items)
    }

    pub(super) fn home_context(&self, l: usize, rel: &str) -> Context {
        let index = &self.lib.langs[l];
        let t = &self.langs[l].t;
        let latest = self.summary_list(index.questions.iter().take(LATEST));
        let answers = self.summary_list(index.answered.iter().take(LATEST));
        let open = index
            .questions
            .iter()
            .filter(|&&q| self.lib.question(q).status == crate::content::Status::Open)
            .count();
        let counts = Counts {
            questions: t.number(index.questions.len()),
            answered: t.number(index.answered.len()),
            open: t.number(open),
            overdue: t.number(
                index
                    .questions
                    .iter()
                    .filter(|&&q| self.site.standings[q as usize].is_overdue())
                    .count(),
            ),
            keywords: t.number(index.taxonomy(TaxonomyKind::Keywords).terms.len()),
            ministries: t.number(index.taxonomy(TaxonomyKind::Ministries).terms.len()),
            members: t.number(index.taxonomy(TaxonomyKind::Members).terms.len()),
            parties: t.number(index.taxonomy(TaxonomyKind::Parties).terms.len()),
            legislatures: t.number(index.taxonomy(TaxonomyKind::Legislatures).terms.len()),
        };
        let alternates = self.alternates(l, |other| Some((self.langs[other].urls.home(), true)));
        let code = &self.langs[l].code;
        let title = self.site.config.title_in(code).to_string();
        let mut meta = self.meta(l, "home", title, rel, alternates);
        meta.description = match self.site.config.description_in(code) {
            "" => t.get("home_description").to_string(),
            d => d.to_string(),
        };
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert_value("latest", latest);
        ctx.insert_value("answers", answers);
        ctx.insert("counts", &counts);
        ctx
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn listing_context(
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
        let items =
            self.summary_list(questions[page_range(questions.len(), self.per_page, page)].iter());
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
        ctx.insert_value("items", items);
        ctx.insert("pager", &pager);
        // Optional parts of list.html, empty unless a page type sets them.
        ctx.insert("intro", "");
        ctx.insert("section", &None::<Named>);
        ctx.insert("variants_label", "");
        ctx.insert("variants", &Vec::<String>::new());
        ctx.insert("stats", &None::<()>);
        ctx
    }

    pub(super) fn term_context(
        &self,
        l: usize,
        kind: TaxonomyKind,
        term: usize,
        page: usize,
        rel: &str,
    ) -> Context {
        let index = &self.lib.langs[l];
        let term_index = term;
        let term = index.term(kind, term);
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
        ctx.insert("nav_section", kind.section());
        let (variants_label, variants) = match kind {
            TaxonomyKind::Ministries => (t.get("addressee_texts"), term.variants.clone()),
            TaxonomyKind::Members => (t.get("label_party"), term.variants.clone()),
            _ => ("", Vec::new()),
        };
        ctx.insert("variants_label", variants_label);
        ctx.insert("variants", &variants);
        if page == 1 && ACCOUNTABLE.contains(&kind) {
            let scope = Scope::Term {
                kind,
                term: term_index as u32,
            };
            ctx.insert("stats", &self.stats_view(l, &term.questions, scope));
        }
        ctx
    }

    pub(super) fn index_context(&self, l: usize, kind: TaxonomyKind, rel: &str) -> Context {
        let index = &self.lib.langs[l];
        let t = &self.langs[l].t;
        let urls = &self.langs[l].urls;
        let mut groups: Vec<LetterGroup> = Vec::new();
        let accountable = ACCOUNTABLE.contains(&kind);
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
                open: accountable.then(|| {
                    term.questions
                        .iter()
                        .filter(|&&q| self.site.standings[q as usize].is_open())
                        .count()
                }),
                overdue: accountable.then(|| {
                    term.questions
                        .iter()
                        .filter(|&&q| self.site.standings[q as usize].is_overdue())
                        .count()
                }),
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
        ctx.insert("nav_section", kind.section());
        ctx.insert(
            "count_label",
            &views::plural(
                t,
                &format!("{}_count", kind.section()),
                index.taxonomy(kind).terms.len() as i64,
            ),
        );
        ctx.insert("groups", &groups);
        ctx.insert("accountable", &accountable);
        ctx.insert(
            "jump",
            &(kind != TaxonomyKind::Legislatures && groups.len() > 1),
        );
        ctx
    }

    pub(super) fn not_found_context(&self) -> Context {
        let d = self.default_lang();
        let t = &self.langs[d].t;
        let homes: Vec<Named> = self
            .langs
            .iter()
            .map(|l| Named {
                name: l.t.get("not_found_home").to_string(),
                url: self.base.link(&l.urls.home()),
            })
            .collect();
        let mut meta = self.meta(
            d,
            "not-found",
            t.get("not_found_title").to_string(),
            "404.html",
            Vec::new(),
        );
        meta.canonical = String::new();
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("homes", &homes);
        ctx.insert("moved", &crate::site::moved::for_script(self.site));
        ctx
    }
}

#[derive(Serialize)]
struct Counts {
    questions: String,
    answered: String,
    open: String,
    overdue: String,
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
    open: Option<usize>,
    overdue: Option<usize>,
    note: Option<String>,
}
