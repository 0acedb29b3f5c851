//! Markdown to HTML. Raw HTML in a body is shown as text, never passed through: bodies come from
//! scraped pages and strangers' pull requests.

use pulldown_cmark::{html, CowStr, Event, Options, Parser};

/// No smart punctuation: the text is an official record and is shown as written.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Renders `md` into `out`.
pub fn render_into(md: &str, out: &mut String) {
    let parser = Parser::new_ext(md, OPTIONS).map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::InlineMath(s) | Event::DisplayMath(s) => Event::Text(CowStr::from(s.to_string())),
        other => other,
    });
    html::push_html(out, parser);
}

pub fn render(md: &str) -> String {
    let mut out = String::with_capacity(md.len() * 3 / 2);
    render_into(md, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html = render("Hello <script>alert(1)</script> <b onclick=x>x</b>");
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn ordered_lists_survive() {
        assert!(render("1) een\n2) twee\n").contains("<ol>"));
    }
}
