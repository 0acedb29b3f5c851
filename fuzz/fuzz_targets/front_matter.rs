//! A question file, as bytes, through everything `content::load` does to it: decoding, the
//! control-character check, splitting, YAML, body sections and validation.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quaestor::content::{body, frontmatter, load, validate};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("content/questions/7/7-1870.nl.md");
    let Ok(text) = load::decode(path, data) else {
        return;
    };
    if frontmatter::check_controls(path, &text).is_err() {
        return;
    }
    let Ok(split) = frontmatter::split(path, &text) else {
        return;
    };
    let lines = frontmatter::field_lines(&split);
    let Ok(raw) = frontmatter::parse(path, &split) else {
        return;
    };
    let Ok(b) = body::split(split.body) else {
        return;
    };
    let languages = vec!["nl".to_string(), "fr".to_string()];
    let _ = validate::validate(path, raw, &lines, &b, split.body_first_line, &languages);
});
