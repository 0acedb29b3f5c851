//! Pagination: how many pages a listing has, which items each shows, and the links between them.
//! Apart from the page contexts, so that planning (`pages`) and digests (`deps`) can count pages
//! without depending on the contexts that render them.

use serde::Serialize;

/// Pagination links for a listing.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub label: String,
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
}

/// Splits `len` items into pages of `per_page` (0 = one page); always at least one page.
pub fn page_count(len: usize, per_page: usize) -> usize {
    if per_page == 0 || len == 0 {
        1
    } else {
        len.div_ceil(per_page)
    }
}

/// The item range of page `page` (1-based).
pub fn page_range(len: usize, per_page: usize, page: usize) -> std::ops::Range<usize> {
    if per_page == 0 {
        return 0..len;
    }
    let start = (page - 1) * per_page;
    start.min(len)..(start + per_page).min(len)
}
