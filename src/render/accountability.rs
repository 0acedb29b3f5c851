//! Accountability views: open and overdue lists (site-wide and per ministry, member and party),
//! statistics blocks and the statistics page with its charts.

use std::borrow::Cow;

use serde::Serialize;
use tera::Context;

use super::charts::{self, Bar};
use super::pages::{Job, Renderer, Scope, ACCOUNTABLE};
use super::paging::page_count;
use super::views::Named;
use crate::content::Question;
use crate::site::library::{QIdx, TaxonomyKind};
use crate::site::stats::{self, Breakdown, Summary, DAY_BINS};
use crate::site::strings::Strings;

/// Statistics as a template shows them: every number already written out.
#[derive(Debug, Serialize)]
pub struct StatsView {
    pub asked: String,
    pub answered: String,
    pub answered_share: String,
    pub median: String,
    pub p90: String,
    pub late_share: String,
    pub open: String,
    pub overdue: String,
    pub open_url: Option<String>,
    pub overdue_url: Option<String>,
    pub by_legislature: Vec<StatsRow>,
    pub by_year: Vec<StatsRow>,
}

#[derive(Debug, Serialize)]
pub struct StatsRow {
    pub label: String,
    pub asked: String,
    pub answered_share: String,
    pub median: String,
    pub p90: String,
    pub late_share: String,
    pub open: String,
    pub overdue: String,
}

fn row(t: &Strings, label: String, s: &Summary) -> StatsRow {
    let dash = || "—".to_string();
    StatsRow {
        label,
        asked: t.number(s.asked),
        answered_share: rate(t, s.answered_share(), s.answered, s.asked),
        median: s.median_days.map(|x| t.decimal(x)).unwrap_or_else(dash),
        p90: s.p90_days.map(|x| x.to_string()).unwrap_or_else(dash),
        late_share: rate(t, s.late_share(), s.late, s.answered_with_deadline),
        open: t.number(s.open),
        overdue: t.number(s.overdue),
    }
}

/// A share with the counts it comes from ("50 % (1/2)"): a percentage of one question looks
/// like a finding unless its n is beside it.
fn rate(t: &Strings, share: Option<f64>, part: usize, whole: usize) -> String {
    match share {
        Some(x) => format!("{} ({}/{})", t.percent(x), t.number(part), t.number(whole)),
        None => "—".to_string(),
    }
}

impl Renderer<'_> {
    /// Open (or overdue) questions of a scope, longest waiting first.
    pub(super) fn waiting(&self, l: usize, overdue: bool, scope: Scope) -> Cow<'_, [QIdx]> {
        let index = &self.lib.langs[l];
        let list = |source: &[QIdx]| {
            let mut out: Vec<QIdx> = source
                .iter()
                .copied()
                .filter(|&q| {
                    let s = self.site.standings[q as usize];
                    if overdue {
                        s.is_overdue()
                    } else {
                        s.is_open()
                    }
                })
                .collect();
            // Lists are newest first; the longest wait is the oldest question.
            out.reverse();
            out
        };
        match scope {
            Scope::Site => Cow::Borrowed(
                self.site_waiting[l][usize::from(overdue)].get_or_init(|| list(&index.questions)),
            ),
            Scope::Term { kind, term } => {
                Cow::Owned(list(&index.term(kind, term as usize).questions))
            }
        }
    }

    pub(super) fn plan_accountability(&self, lang: u8, jobs: &mut Vec<Job>) {
        let l = lang as usize;
        let waiting_lists = self.has_template(
            Job::Waiting {
                lang,
                overdue: false,
                scope: Scope::Site,
                page: 1,
            }
            .template(),
        );
        for overdue in [false, true].into_iter().filter(|_| waiting_lists) {
            let n = self.waiting(l, overdue, Scope::Site).len();
            for page in 1..=page_count(n, self.per_page) {
                jobs.push(Job::Waiting {
                    lang,
                    overdue,
                    scope: Scope::Site,
                    page: page as u32,
                });
            }
            for kind in ACCOUNTABLE {
                for term in 0..self.lib.langs[l].taxonomy(kind).terms.len() {
                    let scope = Scope::Term {
                        kind,
                        term: term as u32,
                    };
                    let n = self.waiting(l, overdue, scope).len();
                    if n > 0 {
                        for page in 1..=page_count(n, self.per_page) {
                            jobs.push(Job::Waiting {
                                lang,
                                overdue,
                                scope,
                                page: page as u32,
                            });
                        }
                    }
                }
            }
        }
        jobs.push(Job::Stats { lang });
        jobs.push(Job::ArchiveIndex { lang });
        for (&(year, month), qs) in &self.lib.langs[l].by_month {
            for page in 1..=page_count(qs.len(), self.per_page) {
                jobs.push(Job::Archive {
                    lang,
                    year,
                    month: month as u8,
                    page: page as u32,
                });
            }
        }
        let mut years: Vec<i32> = self.lib.langs[l].by_month.keys().map(|&(y, _)| y).collect();
        years.dedup();
        for year in years {
            let n: usize = self.lib.langs[l]
                .by_month
                .range((year, 1)..=(year, 12))
                .map(|(_, v)| v.len())
                .sum();
            for page in 1..=page_count(n, self.per_page) {
                jobs.push(Job::Archive {
                    lang,
                    year,
                    month: 0,
                    page: page as u32,
                });
            }
        }
    }

    /// The statistics of a set of questions, with links to its open and overdue lists.
    pub(super) fn stats_view(&self, l: usize, questions: &[QIdx], scope: Scope) -> StatsView {
        let t = &self.langs[l].t;
        let qs: Vec<&Question> = questions.iter().map(|&q| self.lib.question(q)).collect();
        let b: Breakdown = stats::breakdown(&qs, self.as_of);
        let overall = row(t, String::new(), &b.overall);
        let link = |overdue: bool, n: usize| {
            (n > 0).then(|| {
                self.base.link(&self.url(Job::Waiting {
                    lang: l as u8,
                    overdue,
                    scope,
                    page: 1,
                }))
            })
        };
        StatsView {
            open_url: link(false, b.overall.open),
            overdue_url: link(true, b.overall.overdue),
            asked: overall.asked,
            answered: t.number(b.overall.answered),
            answered_share: overall.answered_share,
            median: overall.median,
            p90: overall.p90,
            late_share: overall.late_share,
            open: overall.open,
            overdue: overall.overdue,
            by_legislature: b
                .by_legislature
                .iter()
                .map(|(n, s)| row(t, t.get("legislature_n").replace("{n}", &n.to_string()), s))
                .collect(),
            by_year: b
                .by_year
                .iter()
                .map(|(y, s)| row(t, y.to_string(), s))
                .collect(),
        }
    }

    pub(super) fn waiting_context(
        &self,
        l: usize,
        overdue: bool,
        scope: Scope,
        page: usize,
        rel: &str,
    ) -> Context {
        let t = &self.langs[l].t;
        let urls = &self.langs[l].urls;
        let list = self.waiting(l, overdue, scope);
        let what = t.get(if overdue {
            "overdue_questions"
        } else {
            "open_questions"
        });
        let (heading, section) = match scope {
            Scope::Site => (what.to_string(), None),
            Scope::Term { kind, term } => {
                let term = self.lib.langs[l].term(kind, term as usize);
                (
                    format!("{what}: {}", term.name),
                    Some(Named {
                        name: term.name.clone(),
                        url: self.base.link(&urls.term(kind.section(), &term.slug, 1)),
                    }),
                )
            }
        };
        let mut ctx = self.listing_context(
            l,
            rel,
            if overdue { "overdue" } else { "open" },
            heading,
            &list,
            page,
            |p| {
                self.url(Job::Waiting {
                    lang: l as u8,
                    overdue,
                    scope,
                    page: p as u32,
                })
            },
            |other| {
                Some(match scope {
                    Scope::Site => self.url(Job::Waiting {
                        lang: other as u8,
                        overdue,
                        scope,
                        page: 1,
                    }),
                    Scope::Term { kind, .. } => self.langs[other].urls.index(kind.section()),
                })
            },
        );
        ctx.insert(
            "intro",
            t.get(if overdue {
                "overdue_intro"
            } else {
                "open_intro"
            }),
        );
        if let Some(section) = section {
            ctx.insert("section", &section);
        }
        ctx
    }

    pub(super) fn stats_context(&self, l: usize, rel: &str) -> Context {
        let t = &self.langs[l].t;
        let index = &self.lib.langs[l];
        let view = self.stats_view(l, &index.questions, Scope::Site);
        let qs = || index.questions.iter().map(|&q| self.lib.question(q));

        let hist = stats::days_histogram(qs());
        let mut lower = 0;
        let bins: Vec<Bar> = hist
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let label = match DAY_BINS.get(i) {
                    Some(&upper) => {
                        let l = format!("{lower}–{upper}");
                        lower = upper + 1;
                        l
                    }
                    None => format!("> {}", DAY_BINS[DAY_BINS.len() - 1]),
                };
                Bar {
                    label,
                    value: n as f64,
                    display: t.number(n),
                }
            })
            .collect();
        let days_chart = charts::columns(
            "chart-days",
            t.get("chart_days_title"),
            t.get("chart_days_desc"),
            &bins,
        );

        let months: Vec<(String, usize, usize)> = stats::per_month(qs())
            .into_iter()
            .map(|((y, m), a, b)| (format!("{y}-{m:02}"), a, b))
            .collect();
        let month_chart = charts::monthly(
            "chart-months",
            t.get("chart_months_title"),
            t.get("chart_months_desc"),
            &months,
            (t.get("count_questions"), t.get("chart_answers")),
        );

        let ministries = index.taxonomy(TaxonomyKind::Ministries);
        let late: Vec<(Named, Summary)> = ministries
            .terms
            .iter()
            .map(|term| {
                let s = stats::summarise(
                    term.questions.iter().map(|&q| self.lib.question(q)),
                    self.as_of,
                );
                (
                    Named {
                        name: term.name.clone(),
                        url: self
                            .base
                            .link(&self.langs[l].urls.term("ministries", &term.slug, 1)),
                    },
                    s,
                )
            })
            .filter(|(_, s)| s.answered_with_deadline > 0)
            .collect();
        let late_bars: Vec<Bar> = late
            .iter()
            .map(|(n, s)| Bar {
                label: n.name.clone(),
                value: s.late_share().unwrap_or(0.0),
                display: rate(t, s.late_share(), s.late, s.answered_with_deadline),
            })
            .collect();
        let late_chart = charts::shares(
            "chart-late",
            t.get("chart_late_title"),
            t.get("chart_late_desc"),
            &late_bars,
        );

        #[derive(Serialize)]
        struct Cell {
            label: String,
            value: String,
            url: Option<String>,
            extra: String,
        }
        let days_table: Vec<Cell> = bins
            .iter()
            .map(|b| Cell {
                label: b.label.clone(),
                value: b.display.clone(),
                url: None,
                extra: String::new(),
            })
            .collect();
        let month_table: Vec<Cell> = months
            .iter()
            .map(|(m, a, b)| Cell {
                label: m.clone(),
                value: t.number(*a),
                url: None,
                extra: t.number(*b),
            })
            .collect();
        let late_table: Vec<Cell> = late
            .iter()
            .map(|(n, s)| Cell {
                label: n.name.clone(),
                value: t.percent(s.late_share().unwrap_or(0.0)),
                url: Some(n.url.clone()),
                extra: format!(
                    "{} / {}",
                    t.number(s.late),
                    t.number(s.answered_with_deadline)
                ),
            })
            .collect();

        let heading = t.get("nav_stats").to_string();
        let alternates = self.alternates(l, |other| {
            Some((self.langs[other].urls.page("stats", 1), true))
        });
        let meta = self.meta(l, "stats", heading.clone(), rel, alternates);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("heading", &heading);
        ctx.insert("stats", &view);
        ctx.insert("days_chart", &days_chart);
        ctx.insert("days_table", &days_table);
        ctx.insert("month_chart", &month_chart);
        ctx.insert("month_table", &month_table);
        ctx.insert("late_chart", &late_chart);
        ctx.insert("late_table", &late_table);
        ctx
    }

    pub(super) fn archive_index_context(&self, l: usize, rel: &str) -> Context {
        let t = &self.langs[l].t;
        let urls = &self.langs[l].urls;
        #[derive(Serialize)]
        struct Year {
            name: String,
            url: String,
            count: String,
            months: Vec<Month>,
        }
        #[derive(Serialize)]
        struct Month {
            name: String,
            url: String,
            count: String,
        }
        let mut years: Vec<Year> = Vec::new();
        for (&(y, m), qs) in self.lib.langs[l].by_month.iter().rev() {
            if years
                .last()
                .map(|x| x.name != y.to_string())
                .unwrap_or(true)
            {
                let n: usize = self.lib.langs[l]
                    .by_month
                    .range((y, 1)..=(y, 12))
                    .map(|(_, v)| v.len())
                    .sum();
                years.push(Year {
                    name: y.to_string(),
                    url: self.base.link(&urls.archive(Some(y), 0, 1)),
                    count: t.number(n),
                    months: Vec::new(),
                });
            }
            years.last_mut().unwrap().months.push(Month {
                name: t.month_name(m),
                url: self.base.link(&urls.archive(Some(y), m as u8, 1)),
                count: t.number(qs.len()),
            });
        }
        let heading = t.get("nav_archive").to_string();
        let alternates = self.alternates(l, |other| {
            Some((self.langs[other].urls.archive(None, 0, 1), true))
        });
        let meta = self.meta(l, "archive", heading.clone(), rel, alternates);
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        ctx.insert("heading", &heading);
        ctx.insert("years", &years);
        ctx
    }

    /// The questions of a year (`month` 0, newest month first) or of a month.
    pub(super) fn archive_list(&self, l: usize, year: i32, month: u8) -> Vec<QIdx> {
        let by_month = &self.lib.langs[l].by_month;
        if month == 0 {
            by_month
                .range((year, 1)..=(year, 12))
                .rev()
                .flat_map(|(_, v)| v.iter().copied())
                .collect()
        } else {
            by_month
                .get(&(year, month as u32))
                .cloned()
                .unwrap_or_default()
        }
    }

    pub(super) fn archive_context(
        &self,
        l: usize,
        year: i32,
        month: u8,
        page: usize,
        rel: &str,
    ) -> Context {
        let t = &self.langs[l].t;
        let list = self.archive_list(l, year, month);
        let heading = if month == 0 {
            year.to_string()
        } else {
            format!("{} {year}", t.month_name(month as u32))
        };
        let mut ctx = self.listing_context(
            l,
            rel,
            "archive",
            heading,
            &list,
            page,
            |p| self.langs[l].urls.archive(Some(year), month, p),
            |other| {
                let exists = if month == 0 {
                    self.lib.langs[other]
                        .by_month
                        .range((year, 1)..=(year, 12))
                        .next()
                        .is_some()
                } else {
                    self.lib.langs[other]
                        .by_month
                        .contains_key(&(year, month as u32))
                };
                Some(if exists {
                    self.langs[other].urls.archive(Some(year), month, 1)
                } else {
                    self.langs[other].urls.archive(None, 0, 1)
                })
            },
        );
        let section = Named {
            name: t.get("nav_archive").to_string(),
            url: self.base.link(&self.langs[l].urls.archive(None, 0, 1)),
        };
        ctx.insert("section", &section);
        ctx
    }
}
