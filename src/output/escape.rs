//! Escaping for every output context other than Tera's HTML templates (which autoescape).
//! Small pure functions, one per context; each one is the only correct way to put an untrusted
//! string (a title, a name, a keyword, an addressee…) into that context.
//!
//! | context | function |
//! |---|---|
//! | XML text (Atom/RSS `<title>`, sitemap `<loc>`) | [`xml_text`] |
//! | XML attribute (`href="…"`, `term="…"`) | [`xml_attr`] |
//! | iCalendar TEXT value (`SUMMARY`, `DESCRIPTION`, `LOCATION`) | [`ical_text`], then [`ical_line`] |
//! | CSV cell | [`csv_cell`] (formula-injection guard included), rows with [`csv_row`] |
//! | JSON inside `<script type="application/ld+json">` | [`json_for_script`] |
//! | a URL from content in any `href`/`src`/`<link>` | [`safe_url`] first, then the context's escaper |

use std::borrow::Cow;

/// Characters XML 1.0 does not allow at all (most C0 controls, U+FFFE, U+FFFF): dropped.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn needs_xml(s: &str, attr: bool) -> bool {
    s.chars().any(|c| {
        matches!(c, '&' | '<' | '>')
            || !xml_allowed(c)
            || (attr && matches!(c, '"' | '\'' | '\t' | '\n' | '\r'))
    })
}

fn xml(s: &str, attr: bool) -> Cow<'_, str> {
    if !needs_xml(s, attr) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            // Attribute-value normalisation would turn these into spaces.
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' if attr => out.push_str("&#13;"),
            c if !xml_allowed(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text content of an XML element (feeds, sitemaps). Drops characters XML cannot carry.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    xml(s, false)
}

/// An XML attribute value, for use between double or single quotes.
pub fn xml_attr(s: &str) -> Cow<'_, str> {
    xml(s, true)
}

/// An iCalendar (RFC 5545 §3.3.11) TEXT value: `\`, `;`, `,` and line breaks escaped, other
/// control characters dropped. Put the result through [`ical_line`] to fold it.
pub fn ical_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line `NAME:value` (value already escaped), folded at 75 octets without splitting
/// a UTF-8 character, ending in CRLF (RFC 5545 §3.1). `name` must be a fixed property name.
pub fn ical_line(name: &str, escaped_value: &str) -> String {
    debug_assert!(name.bytes().all(|b| b.is_ascii_uppercase()
        || b == b'-'
        || b == b';'
        || b == b'='
        || b.is_ascii_digit()));
    let line = format!("{name}:{escaped_value}");
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        // The first line holds 75 octets; continuation lines start with a space, so 74 more.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// One CSV cell (RFC 4180), safe to open in a spreadsheet: a value starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is prefixed with `'` so it is never run as a formula (OWASP
/// "CSV injection"); quoted when it holds a comma, semicolon, quote, line break or edge space.
/// Numbers you write yourself (counts, days) need no guard: pass them with `to_string()` to
/// [`csv_row`] only if they cannot be negative, or format them directly.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let guarded = s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']);
    let quote = guarded
        || s.contains([',', ';', '"', '\n', '\r'])
        || s.starts_with(' ')
        || s.ends_with(' ');
    if !quote {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    out.push('"');
    if guarded {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    Cow::Owned(out)
}

/// A CSV record: cells through [`csv_cell`], joined by commas, ending in CRLF.
pub fn csv_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(cell));
    }
    out.push_str("\r\n");
    out
}

/// JSON for a `<script type="application/ld+json">` element (also fine for `.json` files such as
/// search records): `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX`, so no value can
/// close the script element (`</script>`) or open a comment (`<!--`). Insert the result with
/// Tera's `| safe`; never build JSON by string concatenation.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serialising plain data to JSON cannot fail");
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A URL from content (a `source`, a link) that may go into an `href`, `src`, feed `<link>` or
/// calendar `URL`: `Some` for http, https and mailto URLs and relative ones; `None` for
/// `javascript:`, `data:`, `vbscript:` and any other scheme, however it is hidden (case, leading
/// spaces, tabs or newlines inside the scheme, as browsers strip them). Escape the result for
/// its context afterwards.
pub fn safe_url(url: &str) -> Option<&str> {
    if url.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return None;
    }
    let trimmed = url.trim();
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.find(':') {
        None => Some(trimmed),
        Some(i) if compact[..i].contains(['/', '?', '#']) => Some(trimmed),
        Some(i) => matches!(&compact[..i], "http" | "https" | "mailto").then_some(trimmed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_and_attributes() {
        assert_eq!(xml_text("a < b & \"c\""), "a &lt; b &amp; \"c\"");
        assert_eq!(xml_text("plain"), "plain");
        assert!(matches!(xml_text("plain"), Cow::Borrowed(_)));
        assert_eq!(xml_text("bell\u{7}\u{FFFE}"), "bell");
        assert_eq!(
            xml_attr("\"><script>'\n"),
            "&quot;&gt;&lt;script&gt;&apos;&#10;"
        );
        assert_eq!(
            xml_text("]]></title><script>"),
            "]]&gt;&lt;/title&gt;&lt;script&gt;"
        );
    }

    #[test]
    fn ical_escapes_and_folds() {
        assert_eq!(ical_text("a;b,c\\d\r\ne\nf\u{0}"), "a\\;b\\,c\\\\d\\ne\\nf");
        // A newline cannot start a new property.
        assert!(!ical_text("x\nEND:VEVENT\nBEGIN:VEVENT").contains('\n'));
        let long = "é".repeat(100);
        let line = ical_line("SUMMARY", &ical_text(&long));
        for physical in line.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = line.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{long}\r\n"));
    }

    #[test]
    fn csv_guards_formulas_and_quotes() {
        assert_eq!(csv_cell("plain text"), "plain text");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(
            csv_row(["7-1870", "a \"b\"", "=1"]),
            "7-1870,\"a \"\"b\"\"\",\"'=1\"\r\n"
        );
    }

    #[test]
    fn json_cannot_close_the_script() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script><!--", "x": "a&b\u{2028}"});
        let s = json_for_script(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn urls() {
        assert_eq!(
            safe_url("https://www.senate.be/x"),
            Some("https://www.senate.be/x")
        );
        assert_eq!(safe_url("/questions/7-1/"), Some("/questions/7-1/"));
        assert_eq!(safe_url("mailto:a@b.be"), Some("mailto:a@b.be"));
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "\u{0}javascript:x",
            "https://x/\u{0}",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }
}
