//! Output: writing the site atomically and checking that every internal link resolves.

pub mod escape;
pub mod links;
pub mod redirects;
pub mod sitemap;
pub mod writer;

pub use writer::Staging;
