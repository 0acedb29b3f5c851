//! The bodies of the fuzz targets in `fuzz/fuzz_targets/`, here so that `cargo test` replays
//! their corpora and past crashes through exactly the code the fuzzer runs
//! (`tests/fuzz_regressions.rs`). Not part of the stable API.

use std::path::Path;

use crate::content::{body, frontmatter, load, split, validate};
use crate::render::{markdown, postprocess};

/// A Senate page, as bytes (text or saved HTML), through decoding, parsing and rendering to a
/// content file.
pub fn senate_parser(data: &[u8]) {
    let text = crate::ingest::html::page_text(data);
    if let Ok(page) = crate::ingest::parse_page(&text) {
        let _ = crate::ingest::to_markdown_file(&page);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(page) = crate::ingest::parse_page(text) {
            let _ = crate::ingest::to_markdown_file(&page);
        }
    }
}

/// A question file, as bytes, through everything `content::load` does to it: decoding, the
/// control-character check, splitting, YAML, body sections and validation.
pub fn front_matter(data: &[u8]) {
    let path = Path::new("content/questions/7/7-1870.nl.md");
    let Ok(text) = load::decode(path, data) else {
        return;
    };
    if split::check_controls(path, &text).is_err() {
        return;
    }
    let Ok(split) = split::split(path, &text) else {
        return;
    };
    let lines = split::field_lines(&split);
    let Ok(parsed) = frontmatter::read(path, &split) else {
        return;
    };
    let b = body::split(split.body).ok();
    let languages = vec!["nl".to_string(), "fr".to_string()];
    let _ = validate::validate(
        path,
        parsed,
        &lines,
        b.as_ref(),
        split.body_first_line,
        &languages,
    );
}

/// A body, as text, through Markdown rendering, sanitising and post-processing. Whatever the
/// input, nothing executable may come out (panics otherwise, which the fuzzer reports).
pub fn markdown(data: &[u8]) {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let html = markdown::render(md);
    let processed = postprocess::process(&html, "/repo/");
    assert_inert(&processed.html, md);
}

/// Attributes whose value a browser follows or loads as a URL.
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "poster",
    "srcset",
    "cite",
    "data",
];

/// Whatever the input, nothing executable may come out: no script-capable element, no event
/// handler, `style` or `srcdoc`, no `javascript:`, `vbscript:` or `data:` URL.
pub fn assert_inert(html: &str, md: &str) {
    use lol_html::{element, rewrite_str, RewriteStrSettings};
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name().to_ascii_lowercase();
            assert!(
                !matches!(
                    tag.as_str(),
                    "script"
                        | "iframe"
                        | "svg"
                        | "math"
                        | "object"
                        | "embed"
                        | "style"
                        | "form"
                        | "base"
                        | "meta"
                        | "link"
                ),
                "<{tag}> in the output of {md:?}"
            );
            for attr in el.attributes() {
                let name = attr.name().to_ascii_lowercase();
                assert!(
                    !name.starts_with("on") && name != "style" && name != "srcdoc",
                    "<{tag} {name}> in the output of {md:?}"
                );
                let value: String = attr
                    .value()
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let is_url = URL_ATTRIBUTES.contains(&name.as_str());
                assert!(
                    !is_url
                        || !["javascript:", "vbscript:", "data:"]
                            .iter()
                            .any(|s| value.starts_with(s)),
                    "<{tag} {name}={value:?}> in the output of {md:?}"
                );
            }
            Ok(())
        })),
    )
    .unwrap();
}
