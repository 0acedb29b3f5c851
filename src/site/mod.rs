//! The site model: the library of questions with its term lists, slugs, ministries and URLs, and
//! the [`Site`] context every stage after loading reads. Depends on content and configuration
//! only: never on rendering, output or the pipeline.

pub mod context;
pub mod digests;
pub mod labels;
pub mod library;
pub mod ministries;
pub mod moved;
pub mod published;
pub mod slug;
pub mod stats;
pub mod status;
pub mod strings;
pub mod urls;

pub use context::{Lang, Outputs, Site};
pub use library::{Library, TaxonomyKind, Term};
