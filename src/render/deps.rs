//! What each page reads, as a digest: the build cache renders a page again only when its digest
//! changes. A page is a pure function of its template, the site-wide inputs (binary, options,
//! configuration, theme, data: the global digest), the term tables of every language (the
//! structure digest) and the questions listed here, so equal digests mean equal bytes.
//!
//! Listing pages show only metadata (a question's front matter), so they depend on their
//! members' metadata digests: fixing a typo in an answer renders the question's own pages again
//! and no listing. Question pages show bodies, so they depend on whole files.

use std::hash::Hasher;

use xxhash_rust::xxh3::Xxh3;

use super::pages::{Job, Renderer, Scope, ACCOUNTABLE};
use super::paging::{page_count, page_range};
use crate::cache::hash_str;
use crate::site::digests::{members, Digests};
use crate::site::library::QIdx;

impl Renderer<'_> {
    /// The digest of everything `job`'s page (written at `path`) shows, given the global digest.
    pub fn page_digest(&self, job: Job, path: &str, d: &Digests, global: u64) -> u64 {
        let mut h = Xxh3::new();
        h.write_u64(global);
        h.write_u64(d.structure);
        hash_str(&mut h, job.template());
        hash_str(&mut h, path);
        match job {
            Job::Question { q, .. } | Job::Compare { q } => self.neighbourhood(&mut h, q, d),
            Job::Home { lang }
            | Job::Index { lang, .. }
            | Job::Stats { lang }
            | Job::ArchiveIndex { lang } => h.write_u64(d.lang[lang as usize]),
            Job::Questions { lang, page } => {
                let list = &self.lib.langs[lang as usize].questions;
                self.slice(&mut h, d, list, page);
            }
            Job::Term {
                lang,
                kind,
                term,
                page,
            } => {
                let t = self.lib.langs[lang as usize].term(kind, term as usize);
                for v in &t.variants {
                    hash_str(&mut h, v);
                }
                self.slice(&mut h, d, &t.questions, page);
                // The first page of a ministry, member or party carries statistics of all.
                if page == 1 && ACCOUNTABLE.contains(&kind) {
                    members(&mut h, &d.meta, &t.questions);
                }
            }
            Job::Waiting {
                lang,
                overdue,
                scope,
                page,
            } => {
                if let Scope::Term { kind, term } = scope {
                    let t = self.lib.langs[lang as usize].term(kind, term as usize);
                    hash_str(&mut h, &t.name);
                }
                let list = self.waiting(lang as usize, overdue, scope);
                self.slice(&mut h, d, &list, page);
            }
            Job::Archive {
                lang,
                year,
                month,
                page,
            } => {
                let list = self.archive_list(lang as usize, year, month);
                self.slice(&mut h, d, &list, page);
            }
            // Every language's search page reads only site-wide inputs.
            Job::NotFound | Job::Search { .. } => {}
            Job::Data { .. } => {
                if let Some(page) = self.data_page.get() {
                    for f in &page.files {
                        hash_str(&mut h, f);
                    }
                    if let Some((path, json)) = &page.example {
                        hash_str(&mut h, path);
                        hash_str(&mut h, json);
                    }
                }
            }
        }
        h.finish()
    }

    /// A paginated list: its length (the pager) and the members on this page.
    fn slice(&self, h: &mut Xxh3, d: &Digests, list: &[QIdx], page: u32) {
        h.write_u64(list.len() as u64);
        h.write_u64(page_count(list.len(), self.per_page) as u64);
        h.write_u32(page);
        members(
            h,
            &d.meta,
            &list[page_range(list.len(), self.per_page, page as usize)],
        );
    }

    /// A question page shows its language versions, the questions it links to (titles, compare
    /// columns), the links of its versions (which side-by-side pages exist) and its reintroduction
    /// chain; each is hashed as a whole file, or as absent.
    fn neighbourhood(&self, h: &mut Xxh3, i: QIdx, d: &Digests) {
        let q = self.lib.question(i);
        self.group_digest(h, &q.id, d);
        if let Some(group) = self.lib.group(&q.id) {
            for &(_, v) in &group.versions {
                for link in &self.lib.question(v).links {
                    self.group_digest(h, &link.id, d);
                }
            }
        }
        for id in self.chain_ids(i) {
            self.group_digest(h, &id, d);
        }
    }

    fn group_digest(&self, h: &mut Xxh3, id: &str, d: &Digests) {
        hash_str(h, id);
        match self.lib.group(id) {
            Some(g) => {
                for &(ref lang, v) in &g.versions {
                    hash_str(h, lang);
                    h.write_u64(d.full[v as usize]);
                }
            }
            None => h.write_u8(0xff),
        }
    }
}
