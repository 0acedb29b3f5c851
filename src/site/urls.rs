//! The URL scheme. Every URL is built here, from ids and slugs only, so that a question's address
//! never changes when its content does. Paths are relative to the site root and end in `/`.

/// The site's public address, split into the parts templates need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://user.github.io/repo/`, always with a trailing slash.
    pub full: String,
    /// `/repo/`: prefixed to every internal link so the site works from a sub-folder.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("`{url}` is not an absolute URL"))?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{url}` must start with http:// or https://"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || url.contains(['?', '#', ' ', '"', '<', '>', '\'']) {
            return Err(format!("`{url}` is not a valid site URL"));
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        if path.contains("//") || path.split('/').any(|s| s == ".." || s == ".") {
            return Err(format!("`{url}` has an invalid path"));
        }
        Ok(BaseUrl {
            full: format!("{scheme}://{host}{path}"),
            path,
        })
    }

    /// A link from within the site: `/repo/` + relative path.
    pub fn link(&self, rel: &str) -> String {
        [self.path.as_str(), rel].concat()
    }

    /// An absolute URL for feeds, canonical links and sitemaps.
    pub fn absolute(&self, rel: &str) -> String {
        [self.full.as_str(), rel].concat()
    }
}

// Paths are joined with `concat` rather than `format!`: they are built for every link of
// every page, and `format!` costs several times more.

/// Builds site-relative paths for one language. The default language lives at the root; others
/// under `/<lang>/`.
#[derive(Debug, Clone)]
pub struct Urls {
    prefix: String,
}

impl Urls {
    pub fn new(lang: &str, default_language: &str) -> Urls {
        Urls {
            prefix: if lang == default_language {
                String::new()
            } else {
                format!("{lang}/")
            },
        }
    }

    pub fn home(&self) -> String {
        self.prefix.clone()
    }

    pub fn question(&self, id: &str) -> String {
        [&self.prefix, "questions/", id, "/"].concat()
    }

    /// The list of every question, newest first.
    pub fn questions(&self, page: usize) -> String {
        paged(format!("{}questions/", self.prefix), page)
    }

    pub fn index(&self, section: &str) -> String {
        [&self.prefix, section, "/"].concat()
    }

    pub fn term(&self, section: &str, slug: &str, page: usize) -> String {
        paged([&self.prefix, section, "/", slug, "/"].concat(), page)
    }

    /// A page under a term, such as `ministries/<slug>/open/`.
    pub fn term_sub(&self, section: &str, slug: &str, sub: &str, page: usize) -> String {
        paged(
            [&self.prefix, section, "/", slug, "/", sub, "/"].concat(),
            page,
        )
    }

    /// A site-wide page such as `open/`, `overdue/` or `stats/`.
    pub fn page(&self, path: &str, page: usize) -> String {
        paged([&self.prefix, path, "/"].concat(), page)
    }

    /// A page under a question, such as `questions/<id>/compare/`.
    pub fn question_sub(&self, id: &str, sub: &str) -> String {
        [&self.prefix, "questions/", id, "/", sub, "/"].concat()
    }

    /// `archive/`, `archive/2023/` or `archive/2023/03/`.
    pub fn archive(&self, year: Option<i32>, month: u8, page: usize) -> String {
        match (year, month) {
            (None, _) => format!("{}archive/", self.prefix),
            (Some(y), 0) => paged(format!("{}archive/{y}/", self.prefix), page),
            (Some(y), m) => paged(format!("{}archive/{y}/{m:02}/", self.prefix), page),
        }
    }
}

fn paged(base: String, page: usize) -> String {
    if page <= 1 {
        base
    } else {
        format!("{base}page/{page}/")
    }
}

/// The file a page URL is written to.
pub fn file_for(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        [rel, "index.html"].concat()
    } else {
        rel.to_string()
    }
}

/// An alias must be a clean absolute path inside the site: ASCII letters, digits and `-._~+,=@`
/// between single slashes; no `.` or `..` segment, no hidden (`.x`) or host-reserved (`_x`)
/// names, nothing a redirect file or a file system could read differently.
pub fn check_alias(alias: &str) -> Result<(), &'static str> {
    if !alias.starts_with('/') {
        return Err("must start with /");
    }
    if alias.len() > 512 {
        return Err("is too long (512 characters at most)");
    }
    if alias.contains(['\\', '\0']) || alias.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("contains a character not allowed in a path");
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~+,=@".contains(*c)))
    {
        return Err(if c.is_ascii() {
            "contains a character not allowed in a path (use ASCII letters, digits and - . _ ~)"
        } else {
            "contains a non-ASCII character, which could pass for another one (use ASCII letters, digits and - . _ ~)"
        });
    }
    if alias == "/" {
        return Err("would replace the home page");
    }
    let inner = alias.trim_start_matches('/').trim_end_matches('/');
    if alias.starts_with("//") || inner.split('/').any(str::is_empty) {
        return Err("contains an empty segment (`//`)");
    }
    for segment in inner.split('/') {
        if segment == ".." || segment == "." {
            return Err("contains . or .. segments");
        }
        if segment.starts_with('.') || segment.starts_with('_') {
            return Err("has a segment starting with . or _ (hidden or reserved by hosts)");
        }
        if segment.len() > 200 {
            return Err("has a segment longer than 200 characters");
        }
    }
    Ok(())
}

/// Whether a site-relative output path (`questions/7-1/index.html`) stays inside the output
/// folder: relative, `/`-separated, no empty, `.` or `..` segment, no `\\`, NUL or control.
pub fn is_safe_output_path(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.chars().any(|c| c == '\\' || c.is_control())
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_sub_path() {
        let b = BaseUrl::parse("https://user.github.io/repo").unwrap();
        assert_eq!(b.path, "/repo/");
        assert_eq!(b.full, "https://user.github.io/repo/");
        assert_eq!(b.link("questions/7-1870/"), "/repo/questions/7-1870/");
    }

    #[test]
    fn question_urls_depend_on_id_and_language_only() {
        assert_eq!(
            Urls::new("nl", "nl").question("7-1870"),
            "questions/7-1870/"
        );
        assert_eq!(
            Urls::new("fr", "nl").question("7-1870"),
            "fr/questions/7-1870/"
        );
        assert_eq!(
            Urls::new("nl", "nl").term("keywords", "spionage", 2),
            "keywords/spionage/page/2/"
        );
    }

    #[test]
    fn aliases_cannot_escape() {
        assert!(check_alias("/../etc/").is_err());
        assert!(check_alias("old/x").is_err());
        assert!(check_alias("/old/7-1870/").is_ok());
        assert!(check_alias("/old/page.html").is_ok());
        for bad in [
            "/a/../../b/",
            "/a\\..\\b/",
            "/a\0b/",
            "/a\nb/ /x 200",
            "/a\tb/",
            "//evil.example/",
            "/a//b/",
            "/_redirects",
            "/.git/config",
            "/a\u{2215}b/",
            "/\u{2024}\u{2024}/etc/",
            "/isra\u{eb}l/",
            "/a%2e%2e/",
            "/a?b",
        ] {
            assert!(check_alias(bad).is_err(), "{bad:?}");
        }
        assert!(check_alias(&format!("/{}/", "a".repeat(300))).is_err());
    }

    #[test]
    fn output_paths_stay_inside() {
        assert!(is_safe_output_path("questions/7-1/index.html"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\b",
            "a\0b",
            "./a",
        ] {
            assert!(!is_safe_output_path(bad), "{bad:?}");
        }
    }
}
