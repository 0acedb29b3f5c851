//! Ministries. An addressee is an office text that changes with every government; the portal
//! derives portfolios from it, and `data/ministries.yaml` merges names across reshuffles and pairs
//! the languages of one portfolio so that its page survives renames.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};

pub const MINISTRIES_FILE: &str = "data/ministries.yaml";

/// Office titles that open a post, longest first so that the most specific one is removed.
const OFFICES: &[&str] = &[
    "vice-eersteminister en minister van ",
    "vice-eersteminister en minister voor ",
    "vice-premier ministre et ministre de la ",
    "vice-premier ministre et ministre de l'",
    "vice-premier ministre et ministre de l’",
    "vice-premier ministre et ministre des ",
    "vice-premier ministre et ministre du ",
    "vice-premier ministre et ministre de ",
    "secrétaire d'état à la ",
    "secrétaire d'état à l'",
    "secrétaire d'état aux ",
    "secrétaire d'état au ",
    "secrétaire d'état pour ",
    "secrétaire d'état à ",
    "secrétaire d’état à la ",
    "secrétaire d’état au ",
    "secrétaire d’état aux ",
    "staatssecretaris voor ",
    "staatssecretaris van ",
    "ministre de la ",
    "ministre de l'",
    "ministre de l’",
    "ministre des ",
    "ministre du ",
    "ministre de ",
    "ministre pour ",
    "minister van ",
    "minister voor ",
    "minister of ",
    "minister for ",
    "secretary of state for ",
];

/// Posts that are a portfolio in themselves.
const HEAD_OF_GOVERNMENT: &[(&str, &str)] = &[
    ("eerste minister", "Eerste minister"),
    ("premier ministre", "Premier ministre"),
    ("prime minister", "Prime minister"),
];

/// Words that start a second post held by the same person.
const POST_STARTS: &[&str] = &[
    "minister ",
    "staatssecretaris ",
    "vice-eersteminister",
    "eerste minister",
    "ministre ",
    "secrétaire d",
    "vice-premier ministre",
    "premier ministre",
];

/// Derives the portfolios named in an addressee text. Never returns an empty list: a text the rules
/// do not understand becomes its own portfolio.
pub fn portfolios(addressee: &str) -> Vec<String> {
    let text = addressee.trim();
    let lower = text.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for post in split_posts(text, &lower) {
        let post_lower = post.to_lowercase();
        // "toegevoegd aan de minister van X" names someone else's portfolio.
        let cut = [
            "toegevoegd aan",
            "adjoint au",
            "adjointe au",
            "adjoint à",
            "adjointe à",
            "attached to",
        ]
        .iter()
        .filter_map(|m| post_lower.find(m))
        .min()
        .unwrap_or(post.len());
        let post = post[..cut].trim_end_matches([',', ' ']);
        let post_lower = post.to_lowercase();
        if let Some((_, name)) = HEAD_OF_GOVERNMENT.iter().find(|(k, _)| post_lower == *k) {
            out.push(name.to_string());
            continue;
        }
        let Some(office) = OFFICES.iter().find(|o| post_lower.starts_with(*o)) else {
            continue;
        };
        let rest = &post[office.len()..];
        for part in split_list(rest) {
            let name = capitalise(strip_article(part.trim()));
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    if out.is_empty() {
        out.push(capitalise(text));
    }
    out
}

fn split_posts<'a>(text: &'a str, lower: &str) -> Vec<&'a str> {
    // (where the separator starts, where the next post starts)
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for sep in [", en ", ", et ", " en ", " et "] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(sep) {
            let at = from + i;
            let after = at + sep.len();
            if POST_STARTS.iter().any(|p| lower[after..].starts_with(p))
                // "vice-eersteminister en minister van" is one post.
                && !lower[..at].ends_with("vice-eersteminister")
                && !lower[..at].ends_with("vice-premier ministre")
                && !cuts.iter().any(|&(s, e)| at < e && after > s)
            {
                cuts.push((at, after));
            }
            from = after;
        }
    }
    cuts.sort_unstable();
    let mut posts = Vec::new();
    let mut pos = 0;
    for (sep_start, post_start) in cuts {
        posts.push(&text[pos..sep_start]);
        pos = post_start;
    }
    posts.push(&text[pos..]);
    posts
}

fn split_list(text: &str) -> Vec<&str> {
    let mut parts = vec![text];
    for sep in [
        ", belast met ",
        ", chargé de ",
        ", chargée de ",
        " belast met ",
        " chargé de ",
        " chargée de ",
        ", ",
        " en ",
        " et ",
        " and ",
    ] {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

fn strip_article(s: &str) -> &str {
    for a in [
        "de la ", "de l'", "de l’", "des ", "du ", "de ", "la ", "le ", "les ", "l'", "l’", "aux ",
        "au ", "à la ", "à l'", "à ", "van de ", "van ", "voor ", "the ",
    ] {
        if let Some(rest) = s.strip_prefix(a) {
            return rest;
        }
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One entry of `data/ministries.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinistryEntry {
    /// The page slug in every language; never change it once published.
    pub slug: String,
    /// Names per language; the first is shown, later ones are older names merged into it.
    pub names: HashMap<String, Vec<String>>,
}

/// The merge table, looked up by (language, lower-cased portfolio name).
#[derive(Debug, Default, Clone)]
pub struct MinistryTable {
    entries: Vec<MinistryEntry>,
    lookup: HashMap<(String, String), usize>,
}

impl MinistryTable {
    /// Reads `root/data/ministries.yaml` when present, never through a symbolic link.
    pub fn load(root: &Path) -> Result<MinistryTable> {
        use crate::site_fs::{read_to_string, Refusal, DATA_LIMIT};
        let path = Path::new(MINISTRIES_FILE);
        match read_to_string(root, path, DATA_LIMIT) {
            Ok(text) => Self::parse(&text),
            Err(Refusal::Missing) => Ok(MinistryTable::default()),
            Err(r) => Err(Error::Invalid(vec![crate::config::refused(path, r)])),
        }
    }

    pub fn parse(text: &str) -> Result<MinistryTable> {
        let entries: Vec<MinistryEntry> = serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line());
            Error::Invalid(vec![Diagnostic::new(
                MINISTRIES_FILE,
                e.to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            )
            .maybe_line(line)
            .help("each entry is `- slug: ...` with `names: {nl: [...], fr: [...]}`")])
        })?;
        let mut table = MinistryTable::default();
        let mut problems = Vec::new();
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        for (i, entry) in entries.iter().enumerate() {
            if super::slug::slugify(&entry.slug) != entry.slug {
                problems.push(
                    Diagnostic::new(
                        MINISTRIES_FILE,
                        format!("slug `{}` is not a slug", entry.slug),
                    )
                    .maybe_line(line_of(&entry.slug))
                    .field("slug")
                    .help(format!(
                        "use lowercase ASCII letters, digits and hyphens, e.g. `{}`",
                        super::slug::slugify(&entry.slug)
                    )),
                );
            }
            for (lang, names) in &entry.names {
                for name in names {
                    let key = (lang.clone(), name.to_lowercase());
                    if let Some(prev) = table.lookup.insert(key, i) {
                        if prev != i {
                            problems.push(
                                Diagnostic::new(
                                    MINISTRIES_FILE,
                                    format!(
                                        "`{name}` ({lang}) is listed under both `{}` and `{}`",
                                        entries[prev].slug, entry.slug
                                    ),
                                )
                                .maybe_line(line_of(name))
                                .field("names")
                                .help("a name belongs to one ministry"),
                            );
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        table.entries = entries;
        Ok(table)
    }

    /// The merged (slug, display name in `name_lang`) for a portfolio written in `lang`, when the
    /// table knows it.
    pub fn resolve(&self, lang: &str, portfolio: &str, name_lang: &str) -> Option<(&str, &str)> {
        let &i = self
            .lookup
            .get(&(lang.to_string(), portfolio.to_lowercase()))?;
        let entry = &self.entries[i];
        let name = entry.names.get(name_lang)?.first()?;
        Some((&entry.slug, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_minister() {
        assert_eq!(portfolios("minister van Defensie"), ["Defensie"]);
        assert_eq!(
            portfolios("minister voor Ondernemen en Vereenvoudigen"),
            ["Ondernemen", "Vereenvoudigen"]
        );
    }

    #[test]
    fn lists_and_belast_met() {
        assert_eq!(
            portfolios("minister van Overheidsbedrijven, Wetenschapsbeleid en Ontwikkelingssamenwerking, belast met Grote Steden"),
            ["Overheidsbedrijven", "Wetenschapsbeleid", "Ontwikkelingssamenwerking", "Grote Steden"]
        );
    }

    #[test]
    fn vice_prime_minister() {
        assert_eq!(
            portfolios("vice-eersteminister en minister van Binnenlandse Zaken en Gelijke Kansen"),
            ["Binnenlandse Zaken", "Gelijke Kansen"]
        );
        assert_eq!(
            portfolios("vice-premier ministre et ministre des Affaires étrangères, du Commerce extérieur et des Affaires européennes"),
            ["Affaires étrangères", "Commerce extérieur", "Affaires européennes"]
        );
    }

    #[test]
    fn two_posts_held_by_one_person() {
        assert_eq!(
            portfolios("staatssecretaris voor Leefmilieu, Energie en Mobiliteit, toegevoegd aan de minister van Binnenlandse Zaken en Gelijke Kansen, en staatssecretaris voor Staatshervorming, toegevoegd aan de eerste minister"),
            ["Leefmilieu", "Energie", "Mobiliteit", "Staatshervorming"]
        );
    }

    #[test]
    fn french_articles_and_prime_minister() {
        assert_eq!(
            portfolios("ministre de la Fonction publique et des Entreprises publiques"),
            ["Fonction publique", "Entreprises publiques"]
        );
        assert_eq!(portfolios("premier ministre"), ["Premier ministre"]);
        assert_eq!(portfolios("eerste minister"), ["Eerste minister"]);
    }

    #[test]
    fn unknown_shape_is_kept_whole() {
        assert_eq!(portfolios("Regeringscommissaris"), ["Regeringscommissaris"]);
    }

    #[test]
    fn table_merges_and_pairs() {
        let t = MinistryTable::parse(
            "- slug: defence\n  names:\n    nl: [Defensie, Landsverdediging]\n    fr: [Défense]\n",
        )
        .unwrap();
        assert_eq!(
            t.resolve("nl", "landsverdediging", "nl"),
            Some(("defence", "Defensie"))
        );
        assert_eq!(
            t.resolve("fr", "Défense", "fr"),
            Some(("defence", "Défense"))
        );
        assert_eq!(t.resolve("fr", "Justice", "fr"), None);
        // A French text named for the Dutch pages that list it.
        assert_eq!(
            t.resolve("fr", "Défense", "nl"),
            Some(("defence", "Defensie"))
        );
    }
}
