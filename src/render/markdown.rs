//! Markdown to HTML. Bodies come from scraped pages and strangers' pull requests, so raw HTML in a
//! body is passed through [`ammonia`] with a small allow-list ([`ALLOWED_TAGS`]): inline emphasis,
//! sub/superscripts, abbreviations, line breaks and tables survive; scripts, styles, event
//! handlers, frames, forms, SVG and anything else are removed. Link and image URLs must be
//! http, https, mailto or relative (`javascript:`, `data:`, `vbscript:` … are dropped); the
//! post-processor (`postprocess.rs`) applies the same rule again after the base path is added.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{html, Event, LinkType, Options, Parser, Tag};

use super::postprocess;

/// No smart punctuation: the text is an official record and is shown as written. No math
/// either: a `$` in a body is a currency sign.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Elements kept in a body, whether written as Markdown or as raw HTML. Everything else is
/// removed (its text is kept, except for `script`, `style` and similar, removed with their text).
pub const ALLOWED_TAGS: &[&str] = &[
    // What Markdown itself produces.
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    // Extra raw HTML allowed in bodies.
    "sup",
    "sub",
    "abbr",
    "b",
    "i",
    "u",
    "s",
    "small",
    "caption",
    "tfoot",
    "colgroup",
    "col",
    "dl",
    "dt",
    "dd",
    "span",
    "div",
];

/// Attributes kept, per element. No `style`, no `class` (except code languages), no `on*`.
pub const ALLOWED_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title", "width", "height"]),
    ("abbr", &["title"]),
    ("ol", &["start"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("td", &["colspan", "rowspan"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
];

/// URL schemes allowed in `href` and `src`; relative URLs are allowed too.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
        let attributes: HashMap<&str, HashSet<&str>> = ALLOWED_ATTRIBUTES
            .iter()
            .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
            .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .tag_attributes(attributes)
            .url_schemes(ALLOWED_SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .allowed_classes(HashMap::from([(
                "code",
                [
                    "language-rust",
                    "language-text",
                    "language-json",
                    "language-yaml",
                    "language-sh",
                ]
                .into_iter()
                .collect(),
            )]))
            .clean_content_tags(
                [
                    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                    "math", "textarea", "title", "xmp", "noembed", "noframes",
                ]
                .into_iter()
                .collect(),
            )
            .strip_comments(true);
        b
    })
}

/// Removes everything outside the allow-list from an HTML fragment.
pub fn sanitize(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// Renders `md` into `out`: Markdown to HTML, then the allow-list.
pub fn render_into(md: &str, out: &mut String) {
    // Raw HTML, or a link or image whose URL scheme is not allowed, sends the output through the
    // sanitiser; everything else pulldown-cmark already writes safely.
    let needs_sanitising = std::cell::Cell::new(false);
    let parser = Parser::new_ext(md, OPTIONS).map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) => {
            needs_sanitising.set(true);
            Event::Html(s)
        }
        Event::Start(Tag::Link { ref dest_url, .. })
        | Event::Start(Tag::Image { ref dest_url, .. }) => {
            if !super::postprocess::allowed_scheme(dest_url) {
                needs_sanitising.set(true);
            }
            event
        }
        other => other,
    });
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    if needs_sanitising.get() {
        out.push_str(&sanitize(&raw));
    } else {
        out.push_str(&raw);
    }
}

/// Renders a body for a page under `base_path`: the HTML with its links as [`postprocess::process`]
/// leaves them, and the targets of its internal links. Links are rewritten as they are written
/// ([`postprocess::link_start`]); a body with raw HTML, an image or a URL scheme that is not
/// allowed takes the general path instead: sanitiser, then lol_html. With `text`, also writes
/// the text without markup there.
pub fn render_body(md: &str, base_path: &str, text: Option<&mut String>) -> postprocess::Processed {
    let mut text = text;
    let mut links = Vec::new();
    let mut general = false;
    let events = Parser::new_ext(md, OPTIONS).map(|event| {
        if let Some(text) = text.as_deref_mut() {
            plain_text_of(&event, text);
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Image { .. }) => {
                general = true;
                event
            }
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ref title,
                ..
            }) if link_type != LinkType::Email => {
                if !postprocess::allowed_scheme(dest_url) {
                    general = true;
                    return event;
                }
                match postprocess::link_start(dest_url, title, base_path, &mut links) {
                    Some(tag) => Event::InlineHtml(tag.into()),
                    None => event,
                }
            }
            other => other,
        }
    });
    let mut html = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut html, events);
    if general {
        return postprocess::process(&render(md), base_path);
    }
    postprocess::Processed {
        html,
        internal_links: links,
    }
}

/// A body's text without markup, for the search index: what [`render_body`] collects, without
/// the HTML.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, OPTIONS) {
        plain_text_of(&event, &mut out);
    }
    out
}

/// What one event adds to the text without markup: text and code as they are, a space for a
/// line break, a newline after a paragraph, list item or heading.
fn plain_text_of(event: &Event, out: &mut String) {
    use pulldown_cmark::TagEnd;
    match event {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
        Event::SoftBreak | Event::HardBreak => out.push(' '),
        Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push('\n'),
        _ => {}
    }
}

pub fn render(md: &str) -> String {
    let mut out = String::with_capacity(md.len() * 3 / 2);
    render_into(md, &mut out);
    out
}

/// The first `max` characters of `text` on one line, cut after a whole word and marked with an
/// ellipsis when cut: a summary where the whole text would be one more copy of a page's body.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max {
            if out.is_empty() {
                out.extend(word.chars().take(max));
            }
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_ends_on_a_whole_word() {
        assert_eq!(excerpt("  Een korte\nvraag. ", 200), "Een korte vraag.");
        let x = excerpt(&"woord ".repeat(60), 200);
        assert!(x.ends_with("woord…"), "{x}");
        assert!(x.chars().count() <= 201);
        assert_eq!(excerpt(&"x".repeat(300), 200).chars().count(), 201);
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render("Hello <script>alert(1)</script> <b onclick=x>x</b>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("alert"));
        assert!(!html.contains("onclick"));
        assert!(html.contains("<b>x</b>"));
    }

    #[test]
    fn safe_subset_survives() {
        let html = render(
            "E = mc<sup>2</sup>, H<sub>2</sub>O, <abbr title=\"Federale Overheidsdienst\">FOD</abbr><br>\n\n<table><tr><td colspan=\"2\" style=\"color:red\">x</td></tr></table>",
        );
        assert!(html.contains("<sup>2</sup>"), "{html}");
        assert!(html.contains("<sub>2</sub>"));
        assert!(html.contains(r#"<abbr title="Federale Overheidsdienst">FOD</abbr>"#));
        assert!(html.contains("<br>"));
        assert!(html.contains(r#"<td colspan="2">x</td>"#), "{html}");
        assert!(!html.contains("style"));
    }

    #[test]
    fn dangerous_urls_are_dropped() {
        let html = render(
            "[a](javascript:alert(1)) <a href=\"data:text/html,x\">b</a> ![c](data:image/svg+xml,x) <a href=\"vbscript:x\">d</a> [e](/questions/7-1/) [f](https://e.org) [g](mailto:a@b.be)",
        );
        let lower = html.to_lowercase();
        assert!(!lower.contains("javascript"), "{html}");
        assert!(!lower.contains("data:"), "{html}");
        assert!(!lower.contains("vbscript"), "{html}");
        assert!(html.contains(r#"href="/questions/7-1/""#));
        assert!(html.contains(r#"href="https://e.org""#));
        assert!(html.contains(r#"href="mailto:a@b.be""#));
    }

    #[test]
    fn frames_and_svg_go_with_their_content() {
        let html =
            render("<svg onload=alert(1)><script>x</script></svg><iframe src=x>t</iframe>ok");
        assert!(!html.contains("svg") && !html.contains("iframe"), "{html}");
        assert!(html.contains("ok"));
    }

    #[test]
    fn ordered_lists_survive() {
        assert!(render("1) een\n2) twee\n").contains("<ol>"));
        assert!(render("3) drie\n4) vier\n").contains(r#"<ol start="3">"#));
    }

    #[test]
    fn links_written_directly_match_the_lol_html_rewrite() {
        for md in [
            "[a](/questions/7-1/) and [b](https://e.org/x?a=1&b=2 \"T & \\\"q\\\"\")",
            "<https://e.org/auto> <mail@example.org> [c](//cdn.e.org/x) [d](#top) [e](rel/path)",
            "[**bold** link](/keywords/a-b/ 'title') [f](HTTP://E.ORG) [g](mailto:a@b.be)",
            "[ref][r]\n\n[r]: /ministries/x/ \"Ref\"\n",
            "- [x](/questions/8-1/)\n- [y](http://e.org/é ü)\n\n| a | b |\n|---|---|\n| [z](/z/) | 1 |\n",
            "No links at all, only *emphasis* and `code`.",
        ] {
            for base in ["/", "/repo/"] {
                let direct = render_body(md, base, None);
                let rewritten = postprocess::process(&render(md), base);
                assert_eq!(direct.html, rewritten.html, "{md}");
                assert_eq!(direct.internal_links, rewritten.internal_links, "{md}");
            }
        }
    }

    #[test]
    fn bodies_with_html_or_images_take_the_general_path() {
        for md in [
            "a <b>b</b> [c](/c/)",
            "![i](/i.png) [c](/c/)",
            "[x](javascript:alert(1))",
        ] {
            let direct = render_body(md, "/repo/", None);
            let general = postprocess::process(&render(md), "/repo/");
            assert_eq!(direct.html, general.html, "{md}");
            assert_eq!(direct.internal_links, general.internal_links, "{md}");
        }
    }

    #[test]
    fn text_that_looks_like_html_stays_text() {
        let html = render("a < b and b > c & d");
        assert!(html.contains("a &lt; b and b &gt; c &amp; d"), "{html}");
    }
}
