//! A body, as text, through Markdown rendering, sanitising and post-processing. Whatever the
//! input, no script element and no event handler may come out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quaestor::render::{markdown, postprocess};

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let html = markdown::render(md);
    let processed = postprocess::process(&html, "/repo/");
    let lower = processed.html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script element in {md:?}");
    assert!(!lower.contains("javascript:"), "javascript: URL in {md:?}");
    assert!(!lower.contains("<iframe"), "iframe in {md:?}");
});
