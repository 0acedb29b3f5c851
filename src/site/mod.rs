//! The site model: the library of questions with its term lists, slugs, ministries and URLs.

pub mod library;
pub mod ministries;
pub mod slug;
pub mod stats;
pub mod status;
pub mod urls;

pub use library::{Library, TaxonomyKind, Term};
