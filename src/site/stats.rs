//! Answer-time statistics over any set of questions: counts, shares, median and 90th percentile
//! days to answer, by legislature and by year, and the series the charts draw.
//!
//! Median: the middle value, or the mean of the two middle values. 90th percentile: nearest rank
//! (the smallest value with at least 90% of values at or below it). Both over answered questions.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::status::Standing;
use crate::content::Question;

/// The headline numbers for one set of questions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub asked: usize,
    pub answered: usize,
    pub open: usize,
    pub overdue: usize,
    /// Answered questions whose source printed a deadline: the base of the late share.
    pub answered_with_deadline: usize,
    pub late: usize,
    pub median_days: Option<f64>,
    pub p90_days: Option<i64>,
}

impl Summary {
    pub fn answered_share(&self) -> Option<f64> {
        (self.asked > 0).then(|| self.answered as f64 / self.asked as f64)
    }

    pub fn late_share(&self) -> Option<f64> {
        (self.answered_with_deadline > 0)
            .then(|| self.late as f64 / self.answered_with_deadline as f64)
    }
}

pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// `percent` is a whole number (90 for the 90th percentile); integer arithmetic keeps the rank exact.
pub fn percentile_nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len())
        .div_ceil(100)
        .clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

pub fn summarise<'a>(
    questions: impl IntoIterator<Item = &'a Question>,
    as_of: NaiveDate,
) -> Summary {
    let mut s = Summary::default();
    let mut days = Vec::new();
    for q in questions {
        s.asked += 1;
        match Standing::of(q, as_of) {
            Standing::AnsweredOnTime { days_to_answer } => {
                s.answered += 1;
                s.answered_with_deadline += 1;
                days.push(days_to_answer);
            }
            Standing::AnsweredLate { days_to_answer, .. } => {
                s.answered += 1;
                s.answered_with_deadline += 1;
                s.late += 1;
                days.push(days_to_answer);
            }
            Standing::AnsweredNoDeadline { days_to_answer } => {
                s.answered += 1;
                days.push(days_to_answer);
            }
            Standing::Overdue { .. } => {
                s.open += 1;
                s.overdue += 1;
            }
            Standing::Open { .. } | Standing::OpenNoDeadline { .. } => s.open += 1,
            Standing::Closed | Standing::EndOfLegislature | Standing::Requalified => {}
        }
    }
    days.sort_unstable();
    s.median_days = median(&days);
    s.p90_days = percentile_nearest_rank(&days, 90);
    s
}

/// Numbers overall, by legislature (newest first) and by year sent (newest first).
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub overall: Summary,
    pub by_legislature: Vec<(u32, Summary)>,
    pub by_year: Vec<(i32, Summary)>,
}

pub fn breakdown(questions: &[&Question], as_of: NaiveDate) -> Breakdown {
    let mut by_leg: BTreeMap<u32, Vec<&Question>> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, Vec<&Question>> = BTreeMap::new();
    for q in questions {
        by_leg.entry(q.legislature).or_default().push(q);
        by_year.entry(q.date.year()).or_default().push(q);
    }
    Breakdown {
        overall: summarise(questions.iter().copied(), as_of),
        by_legislature: by_leg
            .into_iter()
            .rev()
            .map(|(l, qs)| (l, summarise(qs, as_of)))
            .collect(),
        by_year: by_year
            .into_iter()
            .rev()
            .map(|(y, qs)| (y, summarise(qs, as_of)))
            .collect(),
    }
}

/// Upper bounds (inclusive) of the days-to-answer histogram; the last bin is open-ended.
pub const DAY_BINS: [i64; 7] = [15, 30, 45, 60, 90, 180, 365];

/// How many answered questions fall in each bin of [`DAY_BINS`] (plus one for "more").
pub fn days_histogram<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Vec<usize> {
    let mut bins = vec![0; DAY_BINS.len() + 1];
    for q in questions {
        if let Some(d) = q.days_to_answer() {
            let i = DAY_BINS
                .iter()
                .position(|&b| d <= b)
                .unwrap_or(DAY_BINS.len());
            bins[i] += 1;
        }
    }
    bins
}

/// Questions sent and answers received per month, oldest first, with empty months filled in.
pub fn per_month<'a>(
    questions: impl IntoIterator<Item = &'a Question>,
) -> Vec<((i32, u32), usize, usize)> {
    let mut months: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
    for q in questions {
        months.entry((q.date.year(), q.date.month())).or_default().0 += 1;
        if let Some(a) = q.answered {
            months.entry((a.year(), a.month())).or_default().1 += 1;
        }
    }
    let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let (asked, answered) = months.get(&(y, m)).copied().unwrap_or_default();
        out.push(((y, m), asked, answered));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_hand() {
        // days: 10, 20, 30, 40, 100 → median 30, p90 rank ceil(4.5) = 5 → 100
        assert_eq!(median(&[10, 20, 30, 40, 100]), Some(30.0));
        assert_eq!(
            percentile_nearest_rank(&[10, 20, 30, 40, 100], 90),
            Some(100)
        );
        // even count: median is the mean of the middle two
        assert_eq!(median(&[10, 20, 31, 41]), Some(25.5));
        assert_eq!(percentile_nearest_rank(&[10, 20, 30, 41], 90), Some(41));
        // 20 values 1..=20 → p90 rank 18 → 18
        let v: Vec<i64> = (1..=20).collect();
        assert_eq!(percentile_nearest_rank(&v, 90), Some(18));
        assert_eq!(median(&[]), None);
    }
}
