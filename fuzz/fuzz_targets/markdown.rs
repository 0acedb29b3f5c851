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
    // The sanitiser writes every attribute as `name="value"`; text may mention anything.
    let lower = processed.html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<style",
        "=\"javascript:",
        "=\"vbscript:",
        "=\"data:",
        " srcdoc=",
        " style=",
    ] {
        assert!(!lower.contains(bad), "{bad} in the output of {md:?}");
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
        // Attribute names are outside the quoted values.
        let mut names = tag.split('"').step_by(2);
        assert!(
            !names.any(|n| n.contains(" on")),
            "event handler {tag} in the output of {md:?}"
        );
        rest = &rest[i + 1..];
    }
});
