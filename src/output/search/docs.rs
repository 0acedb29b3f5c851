//! The documents of one language's index: which version of each question, in which order, and
//! what the client shows of it (the record) or filters it by (the facet values).

use chrono::Datelike;
use serde::Serialize;

use super::words;
use crate::content::Question;
use crate::render::{markdown, views};
use crate::site::library::{QIdx, TaxonomyKind};
use crate::site::Site;

/// The facets, in the order of the format: `(key, theme string of its label)`.
pub const FACETS: [(&str, &str); 8] = [
    ("year", "filter_year"),
    ("legislature", "filter_legislature"),
    ("status", "filter_status"),
    ("member", "filter_member"),
    ("party", "filter_party"),
    ("ministry", "filter_ministry"),
    ("language", "filter_language"),
    ("keyword", "filter_keyword"),
];

/// Characters of question text a record carries for the result list.
const EXCERPT: usize = 200;

/// One version per question id: the one in `lang` when there is one, else the question's primary
/// version. Newest first, ties by id, so the client's date sort is the document order.
pub fn order(site: &Site, lang: &str) -> Vec<QIdx> {
    let lib = &site.library;
    let mut docs: Vec<QIdx> = lib
        .groups
        .iter()
        .map(|g| g.version(lang).unwrap_or_else(|| lib.primary(g)))
        .collect();
    docs.sort_by(|&a, &b| {
        let (a, b) = (lib.question(a), lib.question(b));
        b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id))
    });
    docs
}

/// A facet value; `rank` orders years and legislatures newest first before the alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Value {
    pub rank: i64,
    pub label: String,
}

impl Value {
    fn named(label: &str) -> Value {
        Value {
            rank: 0,
            label: label.to_string(),
        }
    }

    /// The order of the format: newest first, then folded, then as written.
    pub fn sort_key(&self) -> (i64, String, &str) {
        (self.rank, words::fold(&self.label), &self.label)
    }
}

/// What the client shows of a document (`d/<k>.json`); see the format note.
#[derive(Serialize)]
struct Record<'a> {
    u: String,
    t: &'a str,
    d: String,
    i: &'a str,
    l: &'a str,
    a: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<&'a str>,
    m: Vec<&'a str>,
    s: String,
    n: usize,
    x: String,
}

/// A document read: its record as JSON, its facet values (by [`FACETS`] position), its title,
/// the facts a reader may type (id, names, ministries, keywords) and, when its body was read,
/// the body's text and excerpt.
pub struct Read {
    pub record: Vec<u8>,
    pub facets: Vec<(usize, Value)>,
    pub title: String,
    pub facts: String,
    pub body: Option<(String, String)>,
}

/// Reads version `i` for the index of language `l`: labels in that language, the rest as the
/// version has it. With `excerpt` (the words cache has the body) the body is not read.
pub fn read(site: &Site, l: usize, i: QIdx, excerpt: Option<&str>) -> crate::error::Result<Read> {
    let q = site.library.question(i);
    let (_, _, t) = site.language(l);
    let body = match excerpt {
        Some(_) => None,
        None => {
            let (question_md, answer_md) = crate::content::load::read_body(&site.root, q)?;
            let question = markdown::plain_text(&question_md);
            let mut text = question.clone();
            if let Some(a) = answer_md {
                text.push('\n');
                text.push_str(&markdown::plain_text(&a));
            }
            Some((text, markdown::excerpt(&question, EXCERPT)))
        }
    };
    let mut text = String::new();
    let ministries = ministries(site, q, i);
    // What a reader may type besides the text: the id, who asked whom, and the keywords.
    for fact in [
        q.id.as_str(),
        &q.author,
        q.party.as_deref().unwrap_or(""),
        &q.addressee,
    ]
    .into_iter()
    .chain(ministries.iter().copied())
    .chain(q.keywords.iter().map(String::as_str))
    {
        text.push('\n');
        text.push_str(fact);
    }
    let status = views::badge(t, q, site.as_of).1;
    let legislature = Value {
        rank: -i64::from(q.legislature),
        label: t
            .get("legislature_n")
            .replace("{n}", &q.legislature.to_string()),
    };
    let language = t.get(&format!("lang_{}", q.original_lang)).to_string();
    let mut facets = vec![
        (
            0,
            Value {
                rank: -i64::from(q.date.year()),
                label: q.date.year().to_string(),
            },
        ),
        (1, legislature),
        (2, Value::named(&status)),
        (3, Value::named(&q.author)),
    ];
    if let Some(p) = &q.party {
        facets.push((4, Value::named(p)));
    }
    facets.extend(ministries.iter().map(|m| (5, Value::named(m))));
    facets.push((6, Value::named(&language)));
    facets.extend(q.keywords.iter().map(|k| (7, Value::named(k))));
    let record = Record {
        u: site.question_url(q),
        t: &q.title,
        d: q.date.to_string(),
        i: &q.id,
        l: &q.lang,
        a: &q.author,
        p: q.party.as_deref(),
        m: ministries.clone(),
        s: status,
        n: words::split(&q.title).count(),
        x: match (&body, excerpt) {
            (Some((_, x)), _) => x.clone(),
            (None, x) => x.unwrap_or_default().to_string(),
        },
    };
    Ok(Read {
        record: serde_json::to_vec(&record).expect("a record serializes"),
        facets,
        title: q.title.clone(),
        facts: text,
        body,
    })
}

/// The ministries a question is filed under, by the index of its own language.
fn ministries<'a>(site: &'a Site, q: &Question, i: QIdx) -> Vec<&'a str> {
    let index = site.library.lang(&q.lang);
    index
        .ministries_of
        .get(&i)
        .map(|ts| {
            ts.iter()
                .map(|&t| index.term(TaxonomyKind::Ministries, t).name.as_str())
                .collect()
        })
        .unwrap_or_default()
}
