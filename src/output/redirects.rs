//! Redirects from old addresses (`aliases` in front matter and the site-level table
//! `data/redirects.yaml`): an HTML page at each old address for hosts without server-side
//! redirects (GitHub Pages), and a Netlify `_redirects` file.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::site::urls::BaseUrl;

/// The site-level redirect table, relative to the site root.
pub const TABLE: &str = "data/redirects.yaml";

/// One entry of `data/redirects.yaml`: both addresses are absolute paths inside the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableEntry {
    pub from: String,
    pub to: String,
    #[serde(skip)]
    pub line: Option<usize>,
}

/// Reads `data/redirects.yaml` (a list of `{from, to}`); no file means no redirects.
pub fn load_table(root: &Path) -> Result<Vec<TableEntry>> {
    let path = root.join(TABLE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    parse_table(&text)
}

pub fn parse_table(text: &str) -> Result<Vec<TableEntry>> {
    let help = "each entry is `- {from: /old/path/, to: /questions/<id>/}`";
    let mut entries: Vec<TableEntry> = serde_yaml::from_str::<Option<Vec<TableEntry>>>(text)
        .map_err(|e| {
            let message = e.to_string();
            Error::Invalid(vec![Diagnostic::new(
                TABLE,
                message.split(" at line ").next().unwrap_or_default(),
            )
            .maybe_line(e.location().map(|l| l.line()))
            .help(help)])
        })?
        .unwrap_or_default();
    let mut problems = Vec::new();
    for e in &mut entries {
        e.line = text
            .lines()
            .position(|l| l.contains(&e.from))
            .map(|i| i + 1);
        for (field, value) in [("from", &e.from), ("to", &e.to)] {
            if let Err(why) = crate::site::urls::check_alias(value) {
                if !(field == "to" && value == "/") {
                    problems.push(
                        Diagnostic::new(TABLE, format!("the address {value:?} {why}"))
                            .field(field)
                            .maybe_line(e.line)
                            .help(help),
                    );
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// One old address and where it now lives, both site-relative.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Redirect {
    /// The old path without its leading slash (`old/7-1870/`).
    pub from: String,
    pub to: String,
}

/// The file an old address is served from.
pub fn file_for(from: &str) -> String {
    let last = from.rsplit('/').next().unwrap_or("");
    if from.is_empty() || from.ends_with('/') {
        format!("{from}index.html")
    } else if last.contains('.') {
        from.to_string()
    } else {
        format!("{from}/index.html")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page that sends browsers and crawlers on to the new address.
pub fn page(base: &BaseUrl, r: &Redirect) -> Vec<u8> {
    let to = escape(&base.link(&r.to));
    let abs = escape(&base.absolute(&r.to));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved to {abs}</title>\n<link rel=\"canonical\" href=\"{abs}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p><a href=\"{to}\">{abs}</a></p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// Netlify's `_redirects`: permanent redirects, sorted for byte-identical output.
pub fn netlify(base: &BaseUrl, redirects: &[Redirect]) -> Vec<u8> {
    let mut out = String::new();
    for r in redirects {
        out.push_str(&format!(
            "{} {} 301\n",
            base.link(&r.from),
            base.link(&r.to)
        ));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_for_old_addresses() {
        assert_eq!(file_for("old/7-1870/"), "old/7-1870/index.html");
        assert_eq!(file_for("old/7-1870"), "old/7-1870/index.html");
        assert_eq!(file_for("vraag.php"), "vraag.php");
    }

    #[test]
    fn redirect_page_points_at_the_new_address() {
        let base = BaseUrl::parse("https://user.github.io/repo/").unwrap();
        let r = Redirect {
            from: "old/1/".into(),
            to: "questions/7-1/".into(),
        };
        let html = String::from_utf8(page(&base, &r)).unwrap();
        assert!(html.contains("url=/repo/questions/7-1/"));
        assert_eq!(
            String::from_utf8(netlify(&base, &[r])).unwrap(),
            "/repo/old/1/ /repo/questions/7-1/ 301\n"
        );
    }
}
