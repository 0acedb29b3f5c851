//! Pages about how questions relate: a question "also asked to" several ministers compared side by
//! side, and reintroduction chains across numbers. (A question's language versions are put side
//! by side in the browser, from the pages of each version: see `question.rs`.)

use serde::Serialize;
use tera::Context;

use super::markdown;
use super::pages::Renderer;
use super::views;
use crate::content::model::LinkKind;
use crate::content::{LinkType, Question};
use crate::error::Result;
use crate::site::library::QIdx;

/// One column of a side-by-side page.
#[derive(Serialize)]
struct Column {
    id: String,
    url: String,
    lang: String,
    addressee: String,
    status: &'static str,
    status_label: String,
    timing: Option<String>,
    timing_class: &'static str,
    answered: Option<String>,
    answer_html: Option<String>,
    /// Headings in the column's own language, so each column reads as one text.
    answer_heading: String,
    no_answer: String,
}

/// One step of a reintroduction chain.
#[derive(Serialize)]
pub(super) struct ChainStep {
    pub id: String,
    pub url: Option<String>,
    pub date: String,
    pub status_label: String,
    pub current: bool,
}

impl Renderer<'_> {
    /// The version of question `id` to show next to a question in `lang`.
    fn counterpart(&self, id: &str, lang: &str) -> Option<QIdx> {
        let g = self.lib.group(id)?;
        Some(g.version(lang).unwrap_or_else(|| self.lib.primary(g)))
    }

    fn siblings(&self, q: &Question) -> Vec<QIdx> {
        q.links
            .iter()
            .filter(|l| l.kind == LinkType::AlsoAskedTo && l.target == LinkKind::WrittenQuestion)
            .filter_map(|l| self.counterpart(&l.id, &q.lang))
            .collect()
    }

    /// Whether a question was also asked to ministers whose questions the portal has.
    pub(super) fn has_compare(&self, q: QIdx) -> bool {
        !self.siblings(self.lib.question(q)).is_empty()
    }

    fn column(&self, i: QIdx, links: &mut Vec<String>) -> Result<Column> {
        let q = self.lib.question(i);
        let l = self.lang_of(q);
        let t = &self.langs[l].t;
        // A compared column shows the answer; the question is the page's own.
        let (_, answer_md) = crate::content::load::read_body(self.root, q)?;
        let answer = answer_md.map(|a| markdown::render_body(&a, &self.base.path, None));
        if let Some(a) = &answer {
            links.extend(a.internal_links.iter().cloned());
        }
        let (timing, timing_class) = views::timing(t, q, self.as_of);
        Ok(Column {
            id: q.id.clone(),
            url: self.base.link(&self.langs[l].urls.question(&q.id)),
            lang: q.lang.clone(),
            addressee: q.addressee.clone(),
            status: q.status.as_str(),
            status_label: views::status_label(t, q.status),
            timing,
            timing_class,
            answered: q.answered.map(|d| t.long_date(d)),
            answer_html: answer.map(|a| a.html),
            answer_heading: t.get("answer_heading").to_string(),
            no_answer: t.get("no_answer").to_string(),
        })
    }

    pub(super) fn compare_context(&self, i: QIdx, rel: &str) -> Result<(Context, Vec<String>)> {
        let q = self.lib.question(i);
        let l = self.lang_of(q);
        let t = &self.langs[l].t;
        let mut links = Vec::new();
        let mut members = vec![i];
        members.extend(self.siblings(q));
        let columns = members
            .iter()
            .map(|&m| self.column(m, &mut links))
            .collect::<Result<Vec<_>>>()?;
        let heading = format!("{}: {}", t.get("compare_heading"), q.title);
        let alternates = self.alternates(l, |other| {
            let g = self.lib.group(&q.id)?;
            let v = g.version(&self.langs[other].code)?;
            self.has_compare(v)
                .then(|| (self.langs[other].urls.question_sub(&q.id, "compare"), true))
        });
        let meta = self.meta(l, "compare", heading.clone(), rel, alternates);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("heading", &heading);
        ctx.insert("back", &self.base.link(&self.langs[l].urls.question(&q.id)));
        ctx.insert("columns", &columns);
        ctx.insert("mode", "compare");
        Ok((ctx, links))
    }

    /// The chain of reintroductions a question belongs to, oldest first; empty when it has none.
    pub(super) fn chain(&self, i: QIdx) -> Vec<ChainStep> {
        self.chain_walk(i).0
    }

    /// Every question id the chain walk looked up, present or not: what the chain depends on.
    pub(super) fn chain_ids(&self, i: QIdx) -> Vec<String> {
        self.chain_walk(i).1
    }

    fn chain_walk(&self, i: QIdx) -> (Vec<ChainStep>, Vec<String>) {
        let q = self.lib.question(i);
        let link_of = |q: &Question, kind: LinkType| {
            q.links
                .iter()
                .find(|l| l.kind == kind && l.target == LinkKind::WrittenQuestion)
                .map(|l| l.id.clone())
        };
        if link_of(q, LinkType::ReintroductionOf).is_none()
            && link_of(q, LinkType::ReintroducedAs).is_none()
        {
            return (Vec::new(), Vec::new());
        }
        let l = self.lang_of(q);
        let t = &self.langs[l].t;
        // Walk back to the first question, then forward; the portal may lack some links.
        let mut first = q.id.clone();
        let mut seen = vec![first.clone()];
        while let Some(prev) = self
            .counterpart(&first, &q.lang)
            .and_then(|v| link_of(self.lib.question(v), LinkType::ReintroductionOf))
        {
            if seen.contains(&prev) || seen.len() > 50 {
                break;
            }
            seen.push(prev.clone());
            first = prev;
        }
        let mut steps = Vec::new();
        let mut next = Some(first);
        let mut visited = Vec::new();
        while let Some(id) = next.take() {
            if visited.contains(&id) || visited.len() > 50 {
                break;
            }
            visited.push(id.clone());
            match self.counterpart(&id, &q.lang) {
                Some(v) => {
                    let vq = self.lib.question(v);
                    steps.push(ChainStep {
                        id: id.clone(),
                        url: Some(
                            self.base
                                .link(&self.langs[self.lang_of(vq)].urls.question(&id)),
                        ),
                        date: t.long_date(vq.date),
                        status_label: views::status_label(t, vq.status),
                        current: id == q.id,
                    });
                    next = link_of(vq, LinkType::ReintroducedAs);
                }
                None => steps.push(ChainStep {
                    id,
                    url: None,
                    date: String::new(),
                    status_label: String::new(),
                    current: false,
                }),
            }
        }
        seen.extend(visited);
        (steps, seen)
    }
}
