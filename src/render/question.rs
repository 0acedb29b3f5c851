//! The question page: every field of the record, the rendered question and answer, the
//! chronology and links to related questions.

use serde::Serialize;
use tera::Context;

use super::markdown;
use super::pages::Renderer;
use super::views::{self, Named};
use crate::content::model::LinkKind;
use crate::content::Question;
use crate::error::Result;
use crate::site::library::{Group, QIdx, TaxonomyKind};
use crate::site::strings::Strings;

impl Renderer<'_> {
    pub(super) fn question_context(
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
        // The text for JSON-LD comes from the same parse as the HTML, and only if shown.
        let mut texts = self.jsonld.then(|| (String::new(), String::new()));
        let render =
            |md: &str, text: Option<&mut String>| markdown::render_body(md, &self.base.path, text);
        let question = render(&question_md, texts.as_mut().map(|t| &mut t.0));
        let answer = answer_md
            .as_deref()
            .map(|a| render(a, texts.as_mut().map(|t| &mut t.1)));
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
                        let term = index.term(TaxonomyKind::Ministries, ti);
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
        let (status, status_label) = views::badge(t, q, self.as_of);
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
            status,
            status_label,
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
            chain: self.chain(i),
            compare_url: self
                .has_compare(i)
                .then(|| self.base.link(&lang.urls.question_sub(&q.id, "compare"))),
            bilingual: (group.versions.len() > 1).then(|| self.bilingual_versions(group, t)),
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
        if let Some((question_text, answer_text)) = &texts {
            let answer_text = answer_md.is_some().then(|| answer_text.trim());
            let jsonld =
                self.question_jsonld(q, question_text.trim(), answer_text, &meta.canonical);
            ctx.insert("jsonld", &jsonld);
        }
        ctx.insert("page", &meta);
        ctx.insert("q", &view);
        Ok((ctx, links))
    }

    /// A question's versions as the side-by-side script reads them: each version's language, page
    /// and label ("Français (vertaling)", in the reader's language). The view is made in the
    /// browser from the pages every version has anyway: a page per version holding every version
    /// was a quarter of an archive's bytes and a file per question and language.
    fn bilingual_versions(&self, group: &Group, t: &Strings) -> String {
        let versions: Vec<serde_json::Value> = group
            .versions
            .iter()
            .map(|&(_, v)| {
                let vq = self.lib.question(v);
                let l = self.lang_of(vq);
                let role = if vq.original_lang == vq.lang {
                    "original_text"
                } else {
                    "translation_text"
                };
                serde_json::json!({
                    "lang": vq.lang,
                    "url": self.base.link(&self.langs[l].urls.question(&vq.id)),
                    "label": format!("{} ({})", self.langs[l].t.get("language_name"), t.get(role)),
                })
            })
            .collect();
        serde_json::Value::Array(versions).to_string()
    }

    /// `questions/<id>/`: the address that exists for every question whatever its languages.
    fn neutral_url(&self, id: &str) -> String {
        self.site.neutral.question(id)
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
    chain: Vec<super::related::ChainStep>,
    compare_url: Option<String>,
    /// The question's versions, for the script that puts them side by side (JSON).
    bilingual: Option<String>,
    question_html: String,
    answer_html: Option<String>,
    source: &'a str,
}
