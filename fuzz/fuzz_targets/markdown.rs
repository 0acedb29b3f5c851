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
    assert_inert(&processed.html, md);
});

/// Whatever the input, nothing executable may come out: no script-capable element, no event
/// handler, `style` or `srcdoc`, no `javascript:`, `vbscript:` or `data:` URL.
fn assert_inert(html: &str, md: &str) {
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
                let is_url = matches!(
                    name.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "xlink:href"
                        | "background"
                        | "poster"
                        | "srcset"
                        | "cite"
                        | "data"
                );
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
