//! Body text → Markdown that renders as the same text and nothing more.
//!
//! The source is untrusted: a `<script>` in a question must come out as text, and `*`,
//! `_`, `[`… must not turn into emphasis or links by accident. We escape with backslashes
//! (readable in the `.md` file) and turn bare URLs into autolinks. Paragraphs stay paragraphs;
//! numbered sub-questions `1)` become an ordered list.

/// Characters that CommonMark (plus common extensions: tables, strikethrough) treats as markup
/// anywhere in a line. `<`, `>` and `&` cover raw HTML and entities.
fn is_inline_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~'
    )
}

/// Characters allowed inside an autolinked URL (RFC 3986 minus what would end or break it).
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Length of the URL starting at `s`, without trailing punctuation that belongs to the sentence.
fn url_len(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let mut end = s.find(|c: char| !is_url_char(c)).unwrap_or(s.len());
    loop {
        let u = &s[..end];
        let last = u.chars().last()?;
        let unbalanced_paren = last == ')' && u.matches('(').count() < u.matches(')').count();
        if ".,;:!?'".contains(last) || unbalanced_paren {
            end -= 1;
        } else {
            break;
        }
    }
    (end > "https://".len()).then_some(end)
}

/// Escapes inline text and autolinks URLs.
fn inline(text: &str, out: &mut String) {
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if bytes[i] == b'h' && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            if let Some(len) = url_len(&text[i..]) {
                out.push('<');
                out.push_str(&text[i..i + len]);
                out.push('>');
                i += len;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_inline_special(c) {
            out.push('\\');
        }
        out.push(c);
        i += c.len_utf8();
    }
}

/// `1) text` → (1, "text").
fn numbered_item(line: &str) -> Option<(u32, &str)> {
    let digits = line.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = line[digits..].strip_prefix(')')?;
    if !rest.starts_with(' ') {
        return None;
    }
    Some((line[..digits].parse().ok()?, rest.trim_start()))
}

/// Escapes what only matters at the start of a line: headings, block quotes, list markers,
/// thematic breaks, setext underlines and `2023.`-style ordered-list lookalikes.
fn line_start_escape(line: &str, out: &mut String) {
    let first = line.chars().next().unwrap_or(' ');
    if matches!(first, '#' | '-' | '+' | '=') {
        out.push('\\');
    } else if first.is_ascii_digit() {
        let digits = line.bytes().take_while(|b| b.is_ascii_digit()).count();
        if matches!(line.as_bytes().get(digits), Some(b'.') | Some(b')')) {
            out.push_str(&line[..digits]);
            out.push('\\');
            inline(&line[digits..], out);
            return;
        }
    }
    inline(line, out);
}

/// Converts one body (trimmed lines, blank line between paragraphs) to Markdown.
pub fn body_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (pi, para) in text.split("\n\n").enumerate() {
        if pi > 0 {
            out.push_str("\n\n");
        }
        let mut indent = "";
        for (li, line) in para.split('\n').enumerate() {
            if li > 0 {
                // A hard line break keeps the source's line structure inside a paragraph.
                out.push_str("\\\n");
                out.push_str(indent);
            }
            if li == 0 {
                if let Some((n, rest)) = numbered_item(line) {
                    out.push_str(&n.to_string());
                    out.push_str(". ");
                    indent = if n >= 100 {
                        "     "
                    } else if n >= 10 {
                        "    "
                    } else {
                        "   "
                    };
                    line_start_escape(rest, &mut out);
                    continue;
                }
            }
            line_start_escape(line, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::body_to_markdown as md;

    #[test]
    fn escapes_html_and_markup() {
        assert_eq!(
            md("<script>alert(1)</script> & *x* _y_ [a](b)"),
            "\\<script\\>alert(1)\\</script\\> \\& \\*x\\* \\_y\\_ \\[a\\](b)"
        );
        assert_eq!(
            md("# not a heading\n- not a list"),
            "\\# not a heading\\\n\\- not a list"
        );
        assert_eq!(md("2023. Een jaar"), "2023\\. Een jaar");
    }

    #[test]
    fn lists_and_urls() {
        assert_eq!(md("1) Eerste?\n\n2) Tweede?"), "1. Eerste?\n\n2. Tweede?");
        assert_eq!(
            md("(cf. https://example.org/a_(b)?x=1&y=2)."),
            "(cf. <https://example.org/a_(b)?x=1&y=2>)."
        );
    }
}
