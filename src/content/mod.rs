//! The content model: one Markdown file with YAML front matter per question and language.
//! `load` walks `content/`, parses and validates every file in parallel, and returns either all
//! questions or every problem found.

pub mod body;
pub mod canonical;
pub mod fields;
pub mod frontmatter;
pub mod limits;
pub mod lines;
pub mod listing;
pub mod load;
pub mod memo;
pub mod model;
pub mod raw;
pub mod split;
pub mod validate;

pub use load::load_content;
pub use model::{AddresseeKind, Event, EventType, Link, LinkType, Question, Status};
