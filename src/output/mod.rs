//! Output: writing the site atomically and checking that every internal link resolves.

pub mod calendar;
pub mod data;
pub mod escape;
pub mod feeds;
pub mod folder;
pub mod footprint;
mod jsonl;
pub mod links;
pub mod publish;
pub mod redirects;
pub mod search;
pub mod sitemap;
pub mod writer;

pub use writer::{InPlace, Staging};

/// Files made in memory, as (site-relative path, bytes).
pub type Files = Vec<(String, Vec<u8>)>;
