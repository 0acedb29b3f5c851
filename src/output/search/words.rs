//! Words as the search client sees them: split on anything that is not a letter or a digit,
//! lowercased, folded by one fixed table, and stemmed by Snowball. The client folds queries with
//! the same table and never stems, so the two sides must agree here exactly (see the format note
//! in `mod.rs`).

use std::sync::OnceLock;

use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;

/// The runs of letters and digits, as JavaScript's `/[\p{L}\p{N}]+/gu` finds them: `char`'s
/// `is_alphabetic` also takes combining marks, which the client would split on.
fn word_pattern() -> &'static Regex {
    static WORD: OnceLock<Regex> = OnceLock::new();
    WORD.get_or_init(|| Regex::new(r"[\p{L}\p{N}]+").expect("a valid pattern"))
}

/// The words of `text`, as written.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    word_pattern().find_iter(text).map(|m| m.as_str())
}

/// Appends `c` (already lowercase) folded by the table of the format: accents off the Latin
/// vowels, ç, ñ and ý; œ, æ and ß spelled out. Nothing else changes.
fn push_folded(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        c => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

/// A lowercase word folded.
pub fn fold_lower(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        push_folded(c, &mut out);
    }
    out
}

/// A word as the index stores it: lowercased, then folded.
pub fn fold(word: &str) -> String {
    fold_lower(&word.to_lowercase())
}

/// Snowball for a document's language: Dutch or French, English for any other.
pub fn stemmer(lang: &str) -> Stemmer {
    Stemmer::create(match lang {
        "nl" => Algorithm::Dutch,
        "fr" => Algorithm::French,
        _ => Algorithm::English,
    })
}

/// One word of a document: its form (what the client looks up) and its stem (what the form's
/// postings are shared with), both folded.
pub fn form_and_stem(word: &str, stemmer: &Stemmer) -> (String, String) {
    let lower = word.to_lowercase();
    let stem = fold_lower(&stemmer.stem(&lower));
    (fold_lower(&lower), stem)
}

/// Sorts as JavaScript's `<` compares strings (UTF-16 code units), which the client relies on to
/// find a shard; it differs from `str`'s order only past U+FFFF.
pub fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_table_and_nothing_else() {
        assert_eq!(fold("ÀÁÂÃÄÅàáâãäå"), "aaaaaaaaaaaa");
        assert_eq!(fold("Çç Ññ Ýýÿ"), "cc nn yyy");
        assert_eq!(fold("ÈÉÊËèéêë ÌÍÎÏìíîï"), "eeeeeeee iiiiiiii");
        assert_eq!(fold("ÒÓÔÕÖØòóôõöø ÙÚÛÜùúûü"), "oooooooooooo uuuuuuuu");
        assert_eq!(
            fold("Œuvre cœur Æther ex æquo Straße"),
            "oeuvre coeur aether ex aequo strasse"
        );
        // Not in the table: left as they are (lowercased).
        assert_eq!(fold("ŁÓDŹ Škoda ğ ı ş"), "łodź škoda ğ ı ş");
        assert_eq!(fold("ΑΘΉΝΑ"), "αθήνα");
    }

    #[test]
    fn splitting_on_everything_but_letters_and_digits() {
        let words = |s| split(s).collect::<Vec<_>>();
        assert_eq!(words("l'assurance-maladie"), ["l", "assurance", "maladie"]);
        assert_eq!(
            words("l’État, 2024/15 — art. 3bis"),
            ["l", "État", "2024", "15", "art", "3bis"]
        );
        assert_eq!(words("e-mail…COVID-19!"), ["e", "mail", "COVID", "19"]);
        assert_eq!(words("  \n\t"), Vec::<&str>::new());
        // A combining mark is not a letter (\p{L}): the client splits there too.
        assert_eq!(words("cafe\u{301} noir"), ["cafe", "noir"]);
        assert_eq!(words("Ⅻ ½ x²"), ["Ⅻ", "½", "x²"]);
    }

    #[test]
    fn forms_share_the_stem_of_their_language() {
        let nl = stemmer("nl");
        let fr = stemmer("fr");
        assert_eq!(
            form_and_stem("Aanvallen", &nl).1,
            form_and_stem("aanval", &nl).1
        );
        assert_eq!(form_and_stem("Aanvallen", &nl).0, "aanvallen");
        assert_eq!(form_and_stem("Sécurité", &fr).0, "securite");
        assert_eq!(
            form_and_stem("assurances", &fr).1,
            form_and_stem("assurance", &fr).1
        );
    }

    #[test]
    fn javascript_order_past_the_basic_plane() {
        // U+FF5E sorts before U+1D400 in Rust, after it in JavaScript.
        assert_eq!(
            js_order("\u{ff5e}", "\u{1d400}"),
            std::cmp::Ordering::Greater
        );
        assert_eq!(js_order("ab", "abc"), std::cmp::Ordering::Less);
    }
}
