//! Slugs: lowercase ASCII with diacritics folded. Two names that fold to the same slug get distinct
//! slugs; which one keeps the plain slug depends only on the names, never on file order.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Folds `name` to `[a-z0-9-]+`.
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() > 80 {
        let cut = slug[..80].rfind('-').unwrap_or(80);
        slug.truncate(cut);
    }
    if slug.is_empty() {
        slug.push_str("term");
    }
    slug
}

/// A short, stable fingerprint of a name (FNV-1a), to tell apart names that fold alike.
fn fingerprint(name: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:06x}", h & 0xff_ffff)
}

/// Assigns a unique slug to each distinct name. Among names that fold to the same slug the
/// smallest (in byte order) keeps it; the others get `-<fingerprint>` of their own name.
pub fn assign<'a>(names: impl IntoIterator<Item = &'a str>) -> HashMap<&'a str, String> {
    let mut by_slug: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
    for name in names {
        by_slug.entry(slugify(name)).or_default().push(name);
    }
    let mut taken: HashSet<String> = by_slug.keys().cloned().collect();
    let mut out = HashMap::new();
    for (slug, mut group) in by_slug {
        group.sort_unstable();
        group.dedup();
        let mut iter = group.into_iter();
        out.insert(iter.next().unwrap(), slug.clone());
        for name in iter {
            let mut candidate = format!("{slug}-{}", fingerprint(name));
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{slug}-{}-{n}", fingerprint(name));
                n += 1;
            }
            out.insert(name, candidate);
        }
    }
    out
}

/// A sort key that orders names alphabetically regardless of case and accents.
pub fn sort_key(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics() {
        assert_eq!(slugify("Israël"), "israel");
        assert_eq!(
            slugify("telefoon- en briefgeheim"),
            "telefoon-en-briefgeheim"
        );
        assert_eq!(slugify("Sécurité sociale"), "securite-sociale");
        assert_eq!(slugify("***"), "term");
    }

    #[test]
    fn collisions_get_distinct_deterministic_slugs() {
        let a = assign(["Israel", "Israël", "israel"]);
        let b = assign(["israel", "Israël", "Israel"]);
        assert_eq!(a, b);
        let slugs: HashSet<_> = a.values().collect();
        assert_eq!(slugs.len(), 3);
        assert_eq!(a["Israel"], "israel");
    }
}
