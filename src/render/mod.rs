//! Rendering: the theme's Tera templates turn borrowed views of the library into pages.
//! [`Renderer::plan`] lists every page before anything is rendered, so internal links can be
//! checked against the complete set of pages while pages render in parallel.

pub mod accountability;
pub mod charts;
pub mod context;
pub mod deps;
pub mod listings;
pub mod markdown;
pub mod pages;
pub mod paging;
pub mod postprocess;
pub mod publishing;
pub mod question;
pub mod related;
pub mod theme;
pub mod views;

pub use pages::{Job, Rendered, Renderer};
