//! Internal link checking. Pages generated from the URL scheme link correctly by construction;
//! what needs proof is every link a person wrote in Markdown, and, for `quaestor check`, every link
//! of every rendered page.

use std::cell::RefCell;
use std::collections::HashSet;

use lol_html::{element, HtmlRewriter, Settings};

/// Whether a site-relative link target (no leading slash, may carry `#` or `?`) names a file.
pub fn resolves(files: &HashSet<String>, target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let path = percent_decode(path);
    if path.is_empty() {
        return files.contains("index.html");
    }
    if path.ends_with('/') {
        return files.contains(&format!("{path}index.html"));
    }
    files.contains(&path)
        || files.contains(&format!("{path}/index.html"))
        || files.contains(&format!("{path}.html"))
}

/// Decodes `%XX` escapes in a URL path; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned()
}

/// The bytes `s` stands for, each `%XX` decoded; a `%` not followed by two hex digits is kept.
/// Byte by byte, so a `%` before a multi-byte character never splits it.
pub fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Every `href` and `src` of a page that points inside the site (below `base_path`), made
/// site-relative.
pub fn internal_targets(html: &[u8], base_path: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let collect = |url: Option<String>| {
        if let Some(url) = url {
            if let Some(rest) = url.strip_prefix(base_path) {
                found.borrow_mut().push(rest.to_string());
            } else if url.starts_with('/') && !url.starts_with("//") {
                // A root link outside the base path: broken when served from a sub-folder.
                found.borrow_mut().push(format!("\u{0}{url}"));
            }
        }
    };
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .append_element_content_handler(element!("a[href], link[href]", |el| {
                collect(el.get_attribute("href"));
                Ok(())
            }))
            .append_element_content_handler(element!("img[src], script[src]", |el| {
                collect(el.get_attribute("src"));
                Ok(())
            })),
        |_: &[u8]| {},
    );
    let _ = rewriter.write(html);
    let _ = rewriter.end();
    found.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_never_splits_a_character() {
        assert_eq!(percent_decode("%aé/%41%2"), "%aé/A%2");
        assert_eq!(percent_decode("%é"), "%é");
        assert_eq!(percent_decode_bytes("a%2F%2f"), b"a//");
    }

    #[test]
    fn resolves_directories_and_files() {
        let files: HashSet<String> = ["index.html", "questions/7-1/index.html", "css/style.css"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(resolves(&files, ""));
        assert!(resolves(&files, "questions/7-1/"));
        assert!(resolves(&files, "questions/7-1#answer"));
        assert!(resolves(&files, "css/style.css"));
        assert!(!resolves(&files, "questions/7-2/"));
    }

    #[test]
    fn finds_links_below_base_path() {
        let t = internal_targets(br#"<a href="/repo/questions/7-1/">x</a><a href="https://x.org/">y</a><a href="/elsewhere">z</a>"#, "/repo/");
        assert_eq!(t[0], "questions/7-1/");
        assert!(t[1].starts_with('\u{0}'));
        assert_eq!(t.len(), 2);
    }
}
