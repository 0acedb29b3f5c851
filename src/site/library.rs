//! The library: an arena of questions, translations grouped by id, and per-language term lists
//! built on insert and sorted once. Templates later get borrowed views of it, never copies.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use chrono::Datelike;

use super::ministries::{portfolios, MinistryTable};
use super::slug;
use crate::content::Question;

/// Index into [`Library::questions`].
pub type QIdx = u32;

/// The kinds of index the portal publishes; the value is the URL section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaxonomyKind {
    Keywords,
    Ministries,
    Members,
    Parties,
    Legislatures,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 5] = [
        TaxonomyKind::Keywords,
        TaxonomyKind::Ministries,
        TaxonomyKind::Members,
        TaxonomyKind::Parties,
        TaxonomyKind::Legislatures,
    ];

    /// The kind's position in [`TaxonomyKind::ALL`], where per-kind lists keep it.
    pub fn index(self) -> usize {
        TaxonomyKind::ALL.iter().position(|&k| k == self).unwrap()
    }

    pub fn section(self) -> &'static str {
        match self {
            TaxonomyKind::Keywords => "keywords",
            TaxonomyKind::Ministries => "ministries",
            TaxonomyKind::Members => "members",
            TaxonomyKind::Parties => "parties",
            TaxonomyKind::Legislatures => "legislatures",
        }
    }
}

/// One keyword, ministry, member, party or legislature in one language.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Newest first.
    pub questions: Vec<QIdx>,
    /// Ministries: the addressee texts that map here. Members: their parties, newest first.
    pub variants: Vec<String>,
}

/// The terms of one kind, alphabetical (legislatures: newest first).
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub terms: Vec<Term>,
    by_name: FxHashMap<String, usize>,
}

impl Taxonomy {
    pub fn get(&self, name: &str) -> Option<&Term> {
        self.by_name.get(name).map(|&i| &self.terms[i])
    }
}

/// Everything in one language.
#[derive(Debug, Clone)]
pub struct LangIndex {
    pub lang: String,
    /// Newest first (sent date, then number).
    pub questions: Vec<QIdx>,
    /// Newest answer first.
    pub answered: Vec<QIdx>,
    taxonomies: Vec<Taxonomy>,
    /// Ministry names per question, in the order of its addressee text.
    pub ministries_of: FxHashMap<QIdx, Vec<usize>>,
    /// Questions by (year, month) sent, newest first within a month.
    pub by_month: BTreeMap<(i32, u32), Vec<QIdx>>,
}

impl LangIndex {
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        &self.taxonomies[kind.index()]
    }

    /// A term by its position in its taxonomy, as page jobs name it.
    pub fn term(&self, kind: TaxonomyKind, term: usize) -> &Term {
        &self.taxonomy(kind).terms[term]
    }
}

/// The versions of one question, across languages.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    /// (language, question), in the site's language order.
    pub versions: Vec<(String, QIdx)>,
}

impl Group {
    pub fn version(&self, lang: &str) -> Option<QIdx> {
        self.versions
            .iter()
            .find(|(l, _)| l == lang)
            .map(|&(_, q)| q)
    }
}

pub struct Library {
    pub questions: Vec<Question>,
    /// One per id, ordered by legislature and number.
    pub groups: Vec<Group>,
    group_by_id: FxHashMap<String, usize>,
    pub langs: Vec<LangIndex>,
    pub default_language: String,
}

impl Library {
    /// Builds the library from validated questions (sorted by legislature, number, language).
    pub fn new(
        questions: Vec<Question>,
        languages: &[String],
        default_language: &str,
        ministries: &MinistryTable,
    ) -> Library {
        let mut groups: Vec<Group> = Vec::new();
        let mut group_by_id: FxHashMap<String, usize> = FxHashMap::default();
        for (i, q) in questions.iter().enumerate() {
            let g = *group_by_id.entry(q.id.clone()).or_insert_with(|| {
                groups.push(Group {
                    id: q.id.clone(),
                    versions: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].versions.push((q.lang.clone(), i as QIdx));
        }
        for g in &mut groups {
            g.versions
                .sort_by_key(|(l, _)| languages.iter().position(|x| x == l));
        }
        // The languages are indexed at once, each on a core: a whole archive's take a while.
        let langs = languages
            .par_iter()
            .map(|lang| {
                // Every question once per language: its version in that language, else the one
                // shown at its neutral address, so every language lists and counts the same ids.
                let mine = groups
                    .iter()
                    .map(|g| {
                        g.version(lang)
                            .unwrap_or_else(|| primary(g, default_language))
                    })
                    .collect();
                build_lang(&questions, mine, lang, ministries)
            })
            .collect();
        Library {
            questions,
            groups,
            group_by_id,
            langs,
            default_language: default_language.to_string(),
        }
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.group_by_id.get(id).map(|&g| &self.groups[g])
    }

    pub fn lang(&self, lang: &str) -> &LangIndex {
        self.langs
            .iter()
            .find(|l| l.lang == lang)
            .expect("a site language")
    }

    pub fn question(&self, i: QIdx) -> &Question {
        &self.questions[i as usize]
    }

    /// The version shown at the language-neutral address `/questions/<id>/`: the default language
    /// when there is one, else the first language the site lists.
    pub fn primary(&self, group: &Group) -> QIdx {
        primary(group, &self.default_language)
    }
}

fn primary(group: &Group, default_language: &str) -> QIdx {
    group
        .version(default_language)
        .unwrap_or(group.versions[0].1)
}

/// Collects terms in insertion order (newest question first) and sorts them once at the end.
#[derive(Default)]
struct TermBuilder {
    terms: Vec<Term>,
    by_key: FxHashMap<String, usize>,
}

impl TermBuilder {
    fn add(&mut self, key: &str, name: &str, q: QIdx) -> usize {
        // Looked up before inserting: most calls find the term, and need no owned key.
        let i = match self.by_key.get(key) {
            Some(&i) => i,
            None => {
                self.terms.push(Term {
                    name: name.to_string(),
                    slug: String::new(),
                    questions: Vec::new(),
                    variants: Vec::new(),
                });
                self.by_key.insert(key.to_string(), self.terms.len() - 1);
                self.terms.len() - 1
            }
        };
        self.add_to(i, q);
        i
    }

    /// Adds question `q` to term `i`, once.
    fn add_to(&mut self, i: usize, q: QIdx) {
        let term = &mut self.terms[i];
        if term.questions.last() != Some(&q) {
            term.questions.push(q);
        }
    }

    fn variant(&mut self, i: usize, text: &str) {
        let v = &mut self.terms[i].variants;
        if !v.iter().any(|x| x == text) {
            v.push(text.to_string());
        }
    }

    /// Assigns slugs (unless given) and sorts alphabetically; returns the old→new position map.
    fn finish(
        mut self,
        fixed_slugs: &HashMap<String, String>,
        alphabetical: bool,
    ) -> (Taxonomy, Vec<usize>) {
        let assigned = slug::assign(
            self.terms
                .iter()
                .filter(|t| !fixed_slugs.contains_key(&t.name))
                .map(|t| t.name.as_str()),
        );
        let assigned: HashMap<String, String> = assigned
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        for t in &mut self.terms {
            t.slug = fixed_slugs
                .get(&t.name)
                .or_else(|| assigned.get(&t.name))
                .cloned()
                .unwrap_or_else(|| slug::slugify(&t.name));
        }
        let mut order: Vec<usize> = (0..self.terms.len()).collect();
        if alphabetical {
            let keys: Vec<String> = self.terms.iter().map(|t| slug::sort_key(&t.name)).collect();
            order.sort_by(|&a, &b| {
                (&keys[a], &self.terms[a].name).cmp(&(&keys[b], &self.terms[b].name))
            });
        }
        let mut new_pos = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_pos[old] = new;
        }
        let mut slots: Vec<Option<Term>> = self.terms.into_iter().map(Some).collect();
        let terms: Vec<Term> = order.iter().map(|&i| slots[i].take().unwrap()).collect();
        let by_name = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        (Taxonomy { terms, by_name }, new_pos)
    }
}

/// The index of language `lang` over `mine`, one version of every question: its own, or another
/// language's when it has none in `lang`. Such a stand-in is listed under its member, party,
/// legislature and ministries (named in `lang` when the ministry table knows them), but not under
/// keywords, which are words of its own language.
fn build_lang(
    questions: &[Question],
    mut mine: Vec<QIdx>,
    lang: &str,
    ministries: &MinistryTable,
) -> LangIndex {
    let newest = |i: &QIdx| {
        let q = &questions[*i as usize];
        std::cmp::Reverse((q.date, q.legislature, q.number))
    };
    mine.sort_by_key(newest);
    let mut answered: Vec<QIdx> = mine
        .iter()
        .copied()
        .filter(|&i| questions[i as usize].answered.is_some())
        .collect();
    answered.sort_by_key(|&i| {
        let q = &questions[i as usize];
        std::cmp::Reverse((q.answered, q.legislature, q.number))
    });

    let mut keywords = TermBuilder::default();
    let mut members = TermBuilder::default();
    let mut parties = TermBuilder::default();
    let mut legislatures = TermBuilder::default();
    let mut ministry_terms = TermBuilder::default();
    let mut fixed_ministry_slugs: HashMap<String, String> = HashMap::new();
    let mut ministries_of: FxHashMap<QIdx, Vec<usize>> = FxHashMap::default();
    // A few hundred addressee texts recur across tens of thousands of questions: each is split
    // into portfolios and resolved once, then its terms are reused.
    let mut addressed: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
    for &i in &mine {
        let q = &questions[i as usize];
        if q.lang == lang {
            for k in &q.keywords {
                keywords.add(k, k, i);
            }
        }
        let m = members.add(&q.author, &q.author, i);
        if let Some(p) = &q.party {
            members.variant(m, p);
            parties.add(p, p, i);
        }
        let legislature = q.legislature.to_string();
        legislatures.add(&legislature, &legislature, i);
        if let Some(terms) = addressed.get(&(q.lang.as_str(), q.addressee.as_str())) {
            for &t in terms {
                ministry_terms.add_to(t, i);
            }
            ministries_of.insert(i, terms.clone());
            continue;
        }
        let mut mine_ministries = Vec::new();
        for portfolio in portfolios(&q.addressee) {
            let (name, slug) = match ministries.resolve(&q.lang, &portfolio, lang) {
                Some((slug, name)) => (name.to_string(), Some(slug.to_string())),
                None => (portfolio.clone(), None),
            };
            if let Some(slug) = slug {
                fixed_ministry_slugs.insert(name.clone(), slug);
            }
            let t = ministry_terms.add(&name, &name, i);
            ministry_terms.variant(t, &q.addressee);
            if !mine_ministries.contains(&t) {
                mine_ministries.push(t);
            }
        }
        addressed.insert((&q.lang, &q.addressee), mine_ministries.clone());
        ministries_of.insert(i, mine_ministries);
    }
    let none = HashMap::new();
    let (ministries_tax, positions) = ministry_terms.finish(&fixed_ministry_slugs, true);
    for list in ministries_of.values_mut() {
        for t in list.iter_mut() {
            *t = positions[*t];
        }
    }
    let (mut legislature_tax, _) = legislatures.finish(&none, false);
    legislature_tax
        .terms
        .sort_by_key(|t| std::cmp::Reverse(t.name.parse::<u32>().unwrap_or(0)));
    legislature_tax.by_name = legislature_tax
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    for t in &mut legislature_tax.terms {
        t.slug = t.name.clone();
    }
    let mut by_month: BTreeMap<(i32, u32), Vec<QIdx>> = BTreeMap::new();
    for &i in &mine {
        let d = questions[i as usize].date;
        by_month.entry((d.year(), d.month())).or_default().push(i);
    }
    LangIndex {
        lang: lang.to_string(),
        by_month,
        questions: mine,
        answered,
        taxonomies: vec![
            keywords.finish(&none, true).0,
            ministries_tax,
            members.finish(&none, true).0,
            parties.finish(&none, true).0,
            legislature_tax,
        ],
        ministries_of,
    }
}
