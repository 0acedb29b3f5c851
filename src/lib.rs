//! Quaestor: a static site generator for portals of parliamentary written questions.
pub mod ingest;
