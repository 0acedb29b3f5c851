//! Words as the search client sees them: split on anything that is not a letter or a digit,
//! lowercased, folded by one fixed table, and stemmed by Snowball. The client folds queries with
//! the same table and never stems, so the two sides must agree here exactly (see the format note
//! in `mod.rs`).

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;
use rustc_hash::FxHashMap;

/// The runs of letters and digits, as JavaScript's `/[\p{L}\p{N}]+/gu` finds them: `char`'s
/// `is_alphabetic` also takes combining marks, which the client would split on. Used to decide
/// single characters (see [`is_word_char`]); splitting with it directly cost a sixth of the index.
fn word_pattern() -> &'static Regex {
    static WORD: OnceLock<Regex> = OnceLock::new();
    WORD.get_or_init(|| Regex::new(r"^[\p{L}\p{N}]$").expect("a valid pattern"))
}

/// Whether `c` is a letter or a digit (`\p{L}` or `\p{N}`): ASCII at once, the rest of the Basic
/// Multilingual Plane from a table the pattern fills once, other planes by the pattern.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    static BMP: OnceLock<Vec<u64>> = OnceLock::new();
    let n = c as usize;
    if n < 0x10000 {
        let table = BMP.get_or_init(|| {
            let mut bits = vec![0u64; 0x10000 / 64];
            let mut buf = [0u8; 4];
            for (k, c) in (0x80..0x10000u32).filter_map(|k| char::from_u32(k).map(|c| (k, c))) {
                if word_pattern().is_match(c.encode_utf8(&mut buf)) {
                    bits[k as usize / 64] |= 1 << (k % 64);
                }
            }
            bits
        });
        return table[n / 64] >> (n % 64) & 1 == 1;
    }
    word_pattern().is_match(c.encode_utf8(&mut [0u8; 4]))
}

/// The words of `text`, as written.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !is_word_char(c) {
                end = i;
                break;
            }
            chars.next();
        }
        Some(&text[start..end])
    })
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

/// A word's form and stem, shared: the same word recurs across documents, so each thread keeps
/// what it stemmed (stemming every occurrence again was a third of the index's time).
pub type FormStem = (Arc<str>, Arc<str>);

/// Words a thread remembers per stemmer before it starts over: bounds the memory.
const MEMO: usize = 1 << 17;

struct Memo {
    stemmer: Stemmer,
    words: FxHashMap<Box<str>, FormStem>,
}

thread_local! {
    static MEMOS: RefCell<[Option<Memo>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Which of a thread's memos (one per stemmer) serves `lang`.
pub fn memo_slot(lang: &str) -> usize {
    match lang {
        "nl" => 0,
        "fr" => 1,
        _ => 2,
    }
}

/// Calls `f` with a function giving each word's form and stem in language `lang`, remembered
/// per thread.
pub fn with_stemmer<R>(lang: &str, f: impl FnOnce(&mut dyn FnMut(&str) -> FormStem) -> R) -> R {
    let k = memo_slot(lang);
    MEMOS.with(|memos| {
        let mut memos = memos.borrow_mut();
        let memo = memos[k].get_or_insert_with(|| Memo {
            stemmer: stemmer(lang),
            words: FxHashMap::default(),
        });
        f(&mut |word: &str| {
            if let Some(hit) = memo.words.get(word) {
                return hit.clone();
            }
            if memo.words.len() >= MEMO {
                memo.words.clear();
            }
            let (form, stem) = form_and_stem(word, &memo.stemmer);
            let pair: FormStem = (form.into(), stem.into());
            memo.words.insert(word.into(), pair.clone());
            pair
        })
    })
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
        // Nor is a circled letter (alphabetic to Rust, a symbol to \p{L}).
        assert_eq!(words("x\u{24b6}y"), ["x", "y"]);
        assert_eq!(words("Ⅻ ½ x²"), ["Ⅻ", "½", "x²"]);
    }

    #[test]
    fn the_character_table_agrees_with_the_pattern() {
        let pattern = Regex::new(r"[\p{L}\p{N}]+").unwrap();
        // Every character up to U+0800, then every seventh.
        let text: String = (0..0x800u32)
            .chain((0x800..0x30000u32).step_by(7))
            .filter_map(char::from_u32)
            .collect();
        let ours: Vec<&str> = split(&text).collect();
        let theirs: Vec<&str> = pattern.find_iter(&text).map(|m| m.as_str()).collect();
        assert_eq!(ours, theirs);
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
