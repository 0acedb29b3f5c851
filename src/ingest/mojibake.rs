//! Repair of pages whose Windows-1252 bytes were once decoded as Mac Central European.
//!
//! Some copies of Senate pages show `BelgiŽ` for `België`, `privť-leven` for `privé-leven`.
//! Undoing it means re-encoding the damaged characters as mac_latin2 and decoding the bytes
//! as cp1252. The repair runs only when a telltale character appears (a Central European
//! letter, or an accented capital inside a lower-case word), and then to the whole text.

/// The upper half (0x80..=0xFF) of the Mac Central European code page.
const MAC_LATIN2_HIGH: &str = "ÄĀāÉĄÖÜáąČäčĆćéŹźĎíďĒēĖóėôöõúĚěü†°Ę£§•¶ß®©™ę¨≠ģĮįĪ≤≥īĶ∂∑łĻļĽľĹĺŅņŃ¬√ńŇ∆«»…\u{a0}ňŐÕőŌ–—“”‘’÷◊ōŔŕŘ‹›řŖŗŠ‚„šŚśÁŤťÍŽžŪÓÔūŮÚůŰűŲųÝýķŻŁżĢˇ";

/// Windows-1252 0x80..=0x9F; the five undefined bytes map to their C1 control (as browsers do).
const CP1252_80_9F: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn mac_byte(c: char) -> Option<u8> {
    MAC_LATIN2_HIGH
        .chars()
        .position(|m| m == c)
        .map(|i| 0x80 + i as u8)
}

fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_80_9F[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Characters that never occur in Dutch or French text but are what damage produces.
fn is_telltale(prev: Option<char>, c: char) -> bool {
    let code = c as u32;
    let central_european = (0x100..=0x17F).contains(&code)
        || matches!(c, 'ˇ' | '∂' | '∑' | '√' | '∆' | '◊' | '≠' | '≤' | '≥');
    // Š/š/Ž/ž exist in names, but `Ž` right after a lower-case letter is the damaged `ë`.
    let names_ok = matches!(c, 'Š' | 'š' | 'Ž' | 'ž') && !prev.is_some_and(|p| p.is_lowercase());
    // An upper-case accented letter inside a lower-case word (`geÔnfecteerd`) is damage too.
    let mid_word_capital = matches!(c, 'Ô' | 'Õ' | 'Á' | 'Í' | 'Ó' | 'Ú' | 'Ý')
        && prev.is_some_and(|p| p.is_lowercase());
    (central_european && !names_ok) || mid_word_capital
}

fn line_is_damaged(line: &str) -> bool {
    let mut prev = None;
    for c in line.chars() {
        if !c.is_ascii() && is_telltale(prev, c) {
            return true;
        }
        prev = Some(c);
    }
    false
}

fn repair_line(line: &str, out: &mut String) {
    for c in line.chars() {
        match mac_byte(c) {
            Some(b) => out.push(cp1252_char(b)),
            None => out.push(c),
        }
    }
}

/// Returns the repaired text when any line showed the damage, `None` when the text is clean.
pub fn repair(text: &str) -> Option<String> {
    if text.is_ascii() || !text.split('\n').any(line_is_damaged) {
        return None;
    }
    // A damaged copy is damaged as a whole (it was decoded with the wrong code page once),
    // so every line is mapped back, including lines whose damage alone looks plausible
    // (`í` for `’`).
    let mut out = String::with_capacity(text.len());
    repair_line(text, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_documented_examples() {
        let fixed = repair("BelgiŽ privť-leven geÔnfecteerd coŲrdinatie ŗ").unwrap();
        assert_eq!(fixed, "België privé-leven geïnfecteerd coördinatie à");
    }

    #[test]
    fn leaves_clean_text_alone() {
        assert_eq!(repair("België, privé, «Knack», Šuica"), None);
    }
}
