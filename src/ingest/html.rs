//! Raw page bytes → text with the same line structure as the text rendering of the page.
//!
//! Pages saved from the Senate site are old HTML in windows-1252 (sometimes UTF-8): we
//! honour the BOM or the declared `charset`, then walk the document with lol_html, keeping
//! text, turning block elements and `<br>` into line breaks and dropping scripts and styles.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use lol_html::html_content::TextType;
use lol_html::{doc_text, element, HtmlRewriter, Settings};
use std::cell::RefCell;
use std::rc::Rc;

/// Is this a HTML document (as opposed to the plain text of a page)?
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    if head[start..].starts_with(b"<") {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    lower.windows(5).any(|w| w == b"<html" || w == b"<body")
}

/// The charset declared in a `<meta>` (either form) within the first 2 KiB.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(2048)].to_ascii_lowercase();
    let pos = head.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &head[pos..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Decodes bytes to text: BOM, then (for HTML) the declared charset, then UTF-8 if valid,
/// else windows-1252 (the Senate's historical encoding).
pub fn decode(bytes: &[u8], html: bool) -> String {
    let enc = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| if html { declared_charset(bytes) } else { None })
        .unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        });
    enc.decode_with_bom_removal(bytes).0.into_owned()
}

/// Raw file or HTTP body → page text ready for the parser.
pub fn page_text(bytes: &[u8]) -> String {
    if looks_like_html(bytes) {
        html_to_text(&decode(bytes, true))
    } else {
        decode(bytes, false)
    }
}

const PARAGRAPHS: &str = "p";
const LINES: &str = "div, tr, li, h1, h2, h3, h4, h5, h6, table, ul, ol, dl, dt, dd, blockquote, \
                     title, section, article, header, footer, nav, form, center, pre, hr";

/// Extracts the text of a (decoded) HTML document, one block per line, `<p>` as paragraphs.
pub fn html_to_text(html: &str) -> String {
    let out = Rc::new(RefCell::new(String::with_capacity(html.len() / 2)));
    let block = |sep: &'static str| {
        let out = Rc::clone(&out);
        move |el: &mut lol_html::html_content::Element<'_, '_>| {
            out.borrow_mut().push_str(sep);
            let out2 = Rc::clone(&out);
            if let Some(handlers) = el.end_tag_handlers() {
                handlers.push(Box::new(move |_end| {
                    out2.borrow_mut().push_str(sep);
                    Ok(())
                }));
            }
            Ok(())
        }
    };
    let text_out = Rc::clone(&out);
    let br_out = Rc::clone(&out);
    let cell_out = Rc::clone(&out);
    let mut pending = String::new();
    let settings = Settings::new()
        .append_element_content_handler(element!(PARAGRAPHS, block("\n\n")))
        .append_element_content_handler(element!(LINES, block("\n")))
        .append_element_content_handler(element!("br", move |_el| {
            br_out.borrow_mut().push('\n');
            Ok(())
        }))
        .append_element_content_handler(element!("td, th", move |_el| {
            cell_out.borrow_mut().push(' ');
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t| {
            match t.text_type() {
                TextType::Data | TextType::RCData => {
                    // A text node may arrive in chunks; an entity must not be cut in two.
                    pending.push_str(t.as_str());
                    if t.last_in_text_node() {
                        push_collapsed(&decode_entities(&pending), &mut text_out.borrow_mut());
                        pending.clear();
                    }
                }
                TextType::PlainText | TextType::CDataSection => {
                    text_out.borrow_mut().push_str(t.as_str())
                }
                TextType::RawText | TextType::ScriptData => {}
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // The input is a &str: lol_html's UTF-8 path cannot fail on it, and a malformed
    // document still yields whatever text was seen.
    let _ = rewriter.write(html.as_bytes());
    let _ = rewriter.end();
    let raw = out.borrow().clone();
    tidy_lines(&raw)
}

/// HTML whitespace collapsing (no-break spaces are content, kept).
fn push_collapsed(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Trims every line and keeps at most one blank line between blocks.
fn tidy_lines(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank = false;
    for line in raw.split('\n').map(str::trim) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out.push('\n');
    out
}

const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("sbquo", '‚'),
    ("bdquo", '„'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("euro", '€'),
    ("deg", '°'),
    ("sect", '§'),
    ("copy", '©'),
    ("reg", '®'),
    ("middot", '·'),
    ("bull", '•'),
    ("shy", '\u{ad}'),
    ("szlig", 'ß'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("auml", 'ä'),
    ("ccedil", 'ç'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("igrave", 'ì'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("ntilde", 'ñ'),
    ("ograve", 'ò'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("ugrave", 'ù'),
    ("uacute", 'ú'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("yuml", 'ÿ'),
    ("oelig", 'œ'),
    ("aelig", 'æ'),
    ("Agrave", 'À'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Auml", 'Ä'),
    ("Ccedil", 'Ç'),
    ("Egrave", 'È'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Euml", 'Ë'),
    ("Icirc", 'Î'),
    ("Iuml", 'Ï'),
    ("Ocirc", 'Ô'),
    ("Ouml", 'Ö'),
    ("Ucirc", 'Û'),
    ("Uuml", 'Ü'),
    ("OElig", 'Œ'),
];

/// Decodes character references; an unknown one is kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 32);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                }?;
                // Numeric references in the C1 range mean windows-1252 (as browsers do).
                let code = match code {
                    0x80..=0x9f => WINDOWS_1252.decode(&[code as u8]).0.chars().next()? as u32,
                    c => c,
                };
                char::from_u32(code)?
            } else {
                ENTITIES.iter().find(|(n, _)| *n == name)?.1
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
