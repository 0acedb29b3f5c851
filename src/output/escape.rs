//! Escaping for every output format other than Tera's HTML templates (which autoescape): the one
//! place that knows how to put an untrusted string (a title, a name, a keyword, an addressee…)
//! into each format, so each rule is written, tested and fixed once.
//!
//! | context | function |
//! |---|---|
//! | XML or HTML text (Atom `<title>`, sitemap `<loc>`, redirect page `<title>`) | [`xml_text`] |
//! | XML or HTML attribute (`href="…"`, `term="…"`, `content="…"`) | [`xml_attr`] |
//! | iCalendar TEXT value (`SUMMARY`, `DESCRIPTION`, `X-WR-CALNAME`) | [`ical_text`], then [`ical_line`] |
//! | CSV cell | [`csv_row`] (formula-injection guard included) |
//! | JSON inside `<script type="application/ld+json">` | [`json_for_script`] |
//!
//! Not here, because nothing needs escaping: `_redirects` lines (old and new addresses are checked
//! by `site::urls::check_alias` to hold no space or control character) and the `.json`/`.jsonl`
//! data files (serde_json writes valid JSON, served as `application/json`, never inside HTML).

use std::borrow::Cow;

/// Characters XML 1.0 does not allow at all (most C0 controls, U+FFFE, U+FFFF): dropped.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn needs_xml(s: &str, attr: bool) -> bool {
    s.chars().any(|c| {
        matches!(c, '&' | '<' | '>' | '"' | '\'')
            || !xml_allowed(c)
            || (attr && matches!(c, '\t' | '\n' | '\r'))
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
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
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

/// Text content of an XML element (feeds, sitemaps) or of an HTML one: the five markup
/// characters as entities (quotes too, so the same text is also safe in an attribute), characters
/// XML cannot carry dropped. HTML5 knows all five entities, `&apos;` included.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    xml(s, false)
}

/// An XML or HTML attribute value, between double or single quotes: as [`xml_text`], and tab,
/// line feed and carriage return as character references so that they survive.
pub fn xml_attr(s: &str) -> Cow<'_, str> {
    xml(s, true)
}

/// An iCalendar (RFC 5545 §3.3.11) TEXT value: `\\`, `;`, `,` and line breaks escaped (a line
/// break can never start a new property), tab kept (TEXT allows it), other control characters
/// dropped. Put the whole `NAME:value` line through [`ical_line`].
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
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line (`NAME:value`, the value already through [`ical_text`] if it is
/// TEXT) folded at 75 octets without splitting a UTF-8 character, each piece ending in CRLF
/// (RFC 5545 §3.1).
pub fn ical_line(out: &mut String, line: &str) {
    debug_assert!(!line.contains(['\r', '\n']), "an unescaped line break");
    // The first line holds 75 octets; continuation lines start with a space, so 74 more.
    let mut limit = 75;
    let mut start = 0;
    let mut len = 0;
    for (i, c) in line.char_indices() {
        if len + c.len_utf8() > limit {
            out.push_str(&line[start..i]);
            out.push_str("\r\n ");
            start = i;
            len = 0;
            limit = 74;
        }
        len += c.len_utf8();
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
}

/// One CSV cell (RFC 4180), safe to open in a spreadsheet: a value starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` so it is never run as a formula (OWASP "CSV
/// injection"); a value holding a comma, a quote or a line break is quoted, its quotes doubled.
/// The data page of the default theme documents these rules: change both together.
fn csv_cell(s: &str) -> Cow<'_, str> {
    let guard = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = s.contains([',', '"', '\n', '\r']);
    if !guard && !quote {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

/// Appends one CSV record: the cells as [`csv_cell`] says, joined by commas, ending in CRLF.
pub fn csv_row<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(cell.as_ref()));
    }
    out.push_str("\r\n");
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>`, `&`, U+2028 and U+2029
/// written as `\uXXXX`, so no value can close the script element (`</script>`), open a comment
/// (`<!--`) or, were the JSON ever read as JavaScript, end a line inside a string. Insert the
/// result with Tera's `| safe`; never build JSON by string concatenation.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serialising plain data to JSON cannot fail");
    if !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return json;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_and_attributes() {
        assert_eq!(
            xml_text("a<b> & \"c\" 'd'\u{1}"),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(xml_text("plain"), "plain");
        assert!(matches!(xml_text("plain"), Cow::Borrowed(_)));
        assert_eq!(xml_text("bell\u{7}\u{FFFE}"), "bell");
        assert_eq!(xml_text("two\nlines"), "two\nlines");
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
        assert_eq!(
            ical_text("a;b,c\\d\r\ne\nf\u{0}\tg"),
            "a\\;b\\,c\\\\d\\ne\\nf\tg"
        );
        // A newline cannot start a new property.
        assert!(!ical_text("x\nEND:VEVENT\nBEGIN:VEVENT").contains(['\n', '\r']));
        assert_eq!(ical_text("lone\rcr"), "lone\\ncr");
        let long = format!("SUMMARY:{}", ical_text(&"é".repeat(100)));
        let mut out = String::new();
        ical_line(&mut out, &long);
        for physical in out.split_terminator("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"));
        let mut short = String::new();
        ical_line(&mut short, "END:VEVENT");
        assert_eq!(short, "END:VEVENT\r\n");
    }

    #[test]
    fn csv_guards_formulas_and_quotes() {
        assert_eq!(csv_cell("plain text; list"), "plain text; list");
        assert!(matches!(csv_cell("plain"), Cow::Borrowed(_)));
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        let mut row = String::new();
        csv_row(&mut row, ["7-1870", "a \"b\"", "=1"]);
        assert_eq!(row, "7-1870,\"a \"\"b\"\"\",'=1\r\n");
    }

    #[test]
    fn json_cannot_close_the_script() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script><!--", "x": "a&b\u{2028}c\u{2029}"});
        let s = json_for_script(&v);
        assert!(!s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{s}");
        assert!(s.contains("a\\u0026b\\u2028c\\u2029"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
        assert_eq!(json_for_script(&serde_json::json!({"a": 1})), "{\"a\":1}");
    }
}
