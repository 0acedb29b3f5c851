//! `sitemap.xml` (split into a sitemap index past the protocol's 50,000 URLs per file) and, for
//! sites served at a host root, `robots.txt` pointing to it.

use super::{Files, Output};
use crate::output::escape::xml_text;
use crate::site::urls::BaseUrl;

/// The protocol's limit of URLs per sitemap file.
pub const MAX_URLS: usize = 50_000;

fn urlset(base: &BaseUrl, pages: &[String]) -> Vec<u8> {
    let mut xml = String::with_capacity(pages.len() * 80 + 200);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for rel in pages {
        xml.push_str("<url><loc>");
        xml.push_str(&xml_text(&base.absolute(rel)));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

/// The sitemap files for `pages` (site-relative URLs), sorted for byte-identical output.
pub fn files<Page>(base: &BaseUrl, pages: &mut Vec<String>) -> Files<Page> {
    pages.sort_unstable();
    pages.dedup();
    let mut out = Vec::new();
    if pages.len() <= MAX_URLS {
        out.push(Output::made("sitemap.xml", urlset(base, pages)));
    } else {
        let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (i, chunk) in pages.chunks(MAX_URLS).enumerate() {
            let name = format!("sitemap-{}.xml", i + 1);
            index.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                xml_text(&base.absolute(&name))
            ));
            out.push(Output::made(name, urlset(base, chunk)));
        }
        index.push_str("</sitemapindex>\n");
        out.push(Output::made("sitemap.xml", index.into_bytes()));
    }
    if base.path == "/" {
        let robots = format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            base.absolute("sitemap.xml")
        );
        out.push(Output::made("robots.txt", robots.into_bytes()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_past_the_limit() {
        let base = BaseUrl::parse("https://example.org/").unwrap();
        let mut pages: Vec<String> = (0..MAX_URLS + 1)
            .map(|i| format!("questions/7-{i}/"))
            .collect();
        let f: Files<()> = files(&base, &mut pages);
        let names: Vec<_> = f.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap.xml",
                "robots.txt"
            ]
        );
        assert!(String::from_utf8_lossy(f[2].bytes().unwrap()).contains("<sitemapindex"));
    }

    #[test]
    fn no_robots_under_a_sub_path() {
        let base = BaseUrl::parse("https://user.github.io/repo/").unwrap();
        let f: Files<()> = files(&base, &mut vec![String::new()]);
        assert_eq!(f.len(), 1);
        assert!(String::from_utf8_lossy(f[0].bytes().unwrap())
            .contains("<loc>https://user.github.io/repo/</loc>"));
    }
}
