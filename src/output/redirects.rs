//! Redirects from old addresses (`aliases` in front matter and the site-level table
//! `data/redirects.yaml`): an HTML page at each old address for hosts without server-side
//! redirects (GitHub Pages), and a Netlify `_redirects` file.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{Files, Output};

use crate::error::{Diagnostic, Error, Result};
use crate::output::escape::xml_attr;
use crate::output::{links, search::BUNDLE_DIR};
use crate::site::moved::Moved;
use crate::site::urls::BaseUrl;
use crate::site::Site;

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

/// Reads `data/redirects.yaml` (a list of `{from, to}`), never through a symbolic link; no file
/// means no redirects.
pub fn load_table(root: &Path) -> Result<Vec<TableEntry>> {
    use crate::site_fs::{read_to_string, Refusal, DATA_LIMIT};
    match read_to_string(root, Path::new(TABLE), DATA_LIMIT) {
        Ok(text) => parse_table(&text),
        Err(Refusal::Missing) => Ok(Vec::new()),
        Err(r) => Err(Error::Invalid(vec![crate::config::refused(
            Path::new(TABLE),
            r,
        )])),
    }
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

/// Netlify's redirect rules, written whenever the site has an old address (an old address
/// cannot claim it: a segment starting with `_` is refused by `check_alias`).
pub const NETLIFY: &str = "_redirects";

/// One old address asked for, by a question's `aliases` or a line of the table.
struct Asked<'a> {
    from: &'a str,
    /// The question file, or [`TABLE`].
    by: &'a Path,
    /// The table's line; a question's is looked up only for a problem.
    line: Option<usize>,
    to: String,
    table: bool,
}

/// The redirect pages and `_redirects` for every old address of the site (front-matter
/// `aliases`, then `data/redirects.yaml`), or a diagnostic for each old address that would
/// replace a file the build writes, need a folder where it writes a file or a file where it
/// writes a folder, or fall in the search bundle's folder (`search-index/`), which is reserved. `written` is every file
/// the build writes besides these.
pub fn files<'w, Page>(site: &Site, written: impl Iterator<Item = &'w str>) -> Result<Files<Page>> {
    let table = load_table(&site.root)?;
    let mut asked = Vec::new();
    for q in &site.library.questions {
        for alias in &q.aliases {
            asked.push(Asked {
                from: alias,
                by: &q.path,
                line: None,
                to: site.question_url(q),
                table: false,
            });
        }
    }
    for e in &table {
        asked.push(Asked {
            from: &e.from,
            by: Path::new(TABLE),
            line: e.line,
            to: e.to.trim_start_matches('/').to_string(),
            table: true,
        });
    }
    let moved = crate::site::moved::rules(site);
    if asked.is_empty() {
        return Ok(if moved.is_empty() {
            Vec::new()
        } else {
            vec![Output::made(NETLIFY, netlify(&site.base, &[], &moved))]
        });
    }
    let files: Vec<String> = asked
        .iter()
        .map(|a| file_for(a.from.trim_start_matches('/')))
        .collect();
    // Of the files written, only those an old address could clash with, or lead to, matter.
    let mut alias_files = HashSet::new();
    let mut wanted = HashSet::new();
    for file in &files {
        let key = fold(file).into_owned();
        for (i, _) in key.match_indices('/') {
            wanted.insert(key[..i].to_string());
        }
        wanted.insert(key.clone());
        alias_files.insert(key);
    }
    let mut targets = HashSet::new();
    for a in asked.iter().filter(|a| a.table) {
        let to = links::percent_decode(a.to.split(['#', '?']).next().unwrap_or(""));
        for suffix in ["", "index.html", "/index.html", ".html"] {
            targets.insert(format!("{to}{suffix}"));
        }
    }
    let mut taken = Taken::default();
    let mut found = HashSet::new();
    for f in written {
        if targets.contains(f) {
            found.insert(f.to_string());
        }
        let key = fold(f);
        if wanted.contains(key.as_ref())
            || key
                .match_indices('/')
                .any(|(i, _)| alias_files.contains(&key[..i]))
        {
            taken
                .files
                .insert(key.into_owned(), (f.to_string(), Claim::Site));
        }
    }
    let mut redirects = Vec::new();
    let mut problems = Vec::new();
    for (a, file) in asked.iter().zip(files) {
        let problem = match taken.claim(&file, a.by) {
            Ok(true) if a.table && !links::resolves(&found, &a.to) => Some((
                "to",
                format!("the redirect target /{} is not a page of the site", a.to),
            )),
            Ok(true) => {
                redirects.push(Redirect {
                    from: a.from.trim_start_matches('/').to_string(),
                    to: a.to.clone(),
                });
                None
            }
            // A question listing the same old address twice, or in two of its languages.
            Ok(false) if !a.table => None,
            Ok(false) => Some((
                "from",
                format!("the old address {} is listed twice", a.from),
            )),
            Err(why) => Some((
                if a.table { "from" } else { "aliases" },
                format!("the old address {} {why}", a.from),
            )),
        };
        if let Some((field, message)) = problem {
            let (line, help) = if a.table {
                (a.line, "remove the redirect or change it")
            } else {
                (
                    alias_line(&site.root, a.by, a.from),
                    "remove the alias or change it",
                )
            };
            problems.push(
                Diagnostic::new(a.by, message)
                    .field(field)
                    .maybe_line(line)
                    .help(format!("{help}: an old address may not replace, or sit inside, a file the site writes (its pages, open data, feeds and {BUNDLE_DIR}/)")),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    redirects.sort();
    let mut out: Files<Page> = redirects
        .iter()
        .map(|r| Output::made(file_for(&r.from), page(&site.base, r)))
        .collect();
    out.push(Output::made(
        NETLIFY,
        netlify(&site.base, &redirects, &moved),
    ));
    Ok(out)
}

/// The line of `alias` in the question file `file`; the file is read once for all its
/// diagnostics.
fn alias_line(root: &Path, file: &Path, alias: &str) -> Option<usize> {
    crate::content::lines::find_in_file(root, file, alias)
}

/// A path as compared: lower-cased, since a site checked out or served on a case-insensitive
/// file system (macOS, Windows) sees `SHA256SUMS` and `sha256sums` as one file.
fn fold(path: &str) -> Cow<'_, str> {
    if path.chars().any(char::is_uppercase) {
        Cow::Owned(path.to_lowercase())
    } else {
        Cow::Borrowed(path)
    }
}

/// Who writes a file.
#[derive(Clone, Copy)]
enum Claim<'a> {
    Site,
    Redirect(&'a Path),
}

/// Files written, by folded path, with their path as written.
#[derive(Default)]
struct Taken<'a> {
    files: BTreeMap<String, (String, Claim<'a>)>,
}

impl<'a> Taken<'a> {
    /// Claims `file` for an old address asked for by `by`: `Ok(false)` when `by` has it already,
    /// or why no redirect page can be written there.
    fn claim(&mut self, file: &str, by: &'a Path) -> std::result::Result<bool, String> {
        let key = fold(file).into_owned();
        let who = |(shown, claim): &(String, Claim<'_>)| match claim {
            Claim::Site => format!("the site writes the file {shown}"),
            Claim::Redirect(p) => format!("{} has an old address written as {shown}", p.display()),
        };
        if key.split('/').next() == Some(BUNDLE_DIR) {
            return Err(format!(
                "is inside {BUNDLE_DIR}/, where the search bundle is written"
            ));
        }
        if let Some((shown, claim)) = self.files.get(&key) {
            return match claim {
                Claim::Redirect(p) if *p == by => Ok(false),
                Claim::Redirect(p) => Err(format!("is also claimed by {}", p.display())),
                Claim::Site if shown.ends_with(".html") => Err("is a page of the site".into()),
                Claim::Site => Err(format!("is {shown}, a file the site writes")),
            };
        }
        for (i, _) in key.match_indices('/') {
            if let Some(other) = self.files.get(&key[..i]) {
                return Err(format!(
                    "needs a folder {}/, but {}",
                    &file[..i],
                    who(other)
                ));
            }
        }
        let folder = format!("{key}/");
        if let Some((_, other)) = self
            .files
            .range(folder.clone()..)
            .next()
            .filter(|(k, _)| k.starts_with(&folder))
        {
            return Err(format!(
                "would be written as the file {file}, but {} inside a folder of that name",
                who(other)
            ));
        }
        self.files
            .insert(key, (file.to_string(), Claim::Redirect(by)));
        Ok(true)
    }
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

/// A page that sends browsers and crawlers on to the new address.
pub fn page(base: &BaseUrl, r: &Redirect) -> Vec<u8> {
    // Both serve in attributes as well as text, which the attribute escaper covers.
    let (to, abs) = (base.link(&r.to), base.absolute(&r.to));
    let (to, abs) = (xml_attr(&to), xml_attr(&abs));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved to {abs}</title>\n<link rel=\"canonical\" href=\"{abs}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p><a href=\"{to}\">{abs}</a></p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// Netlify's `_redirects`: permanent redirects, sorted for byte-identical output, then the
/// patterns of addresses Quaestor moved (Netlify takes the first rule that matches, and applies
/// none where a file exists).
pub fn netlify(base: &BaseUrl, redirects: &[Redirect], moved: &[Moved]) -> Vec<u8> {
    let mut out = String::new();
    for r in redirects {
        out.push_str(&format!(
            "{} {} 301\n",
            base.link(&r.from),
            base.link(&r.to)
        ));
    }
    for m in moved {
        out.push_str(&format!(
            "{} {} 301\n",
            base.link(&m.from),
            base.link(&m.to)
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
            String::from_utf8(netlify(&base, &[r], &[])).unwrap(),
            "/repo/old/1/ /repo/questions/7-1/ 301\n"
        );
    }
}
