//! Quaestor: a static site generator for portals of parliamentary written questions.
