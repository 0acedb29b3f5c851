//! Quaestor: a static site generator for portals of parliamentary written questions.
//!
//! The pipeline, one module a stage: [`ingest`] turns parliament pages into content files,
//! [`content`] loads and validates the Markdown files,
//! [`site`] builds the library and its indexes, [`render`] turns them into pages through the
//! theme, and [`output`] writes the site atomically. [`pipeline`] runs those stages for `build`
//! and `check`: the one module that knows all the others.

pub mod cache;
pub mod config;
pub mod content;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod ingest;
pub mod init;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod replace;
pub mod report;
pub mod serve;
pub mod sha256;
pub mod site;
pub mod site_fs;
pub mod timings;
