//! What a content file may hold (docs/LIMITS.md, "Front matter limits"). Each limit is checked
//! before the cost it bounds is paid: the file size before it is read, the front matter size and
//! its YAML shape (anchors, aliases, flow nesting) before serde_yaml sees it, the length of each
//! value and list before anything is built from them.

/// The largest content file read, front matter and body (a 5 MB answer is a supported case).
pub const FILE_BYTES: u64 = 16 * 1024 * 1024;
// Diagnostics find lines in any file the loader accepted.
const _: () = assert!(super::lines::SEARCH_BYTES >= FILE_BYTES);

/// The largest front matter: 10,000 keywords of ordinary length take about 200 kB.
pub const FRONT_MATTER_BYTES: usize = 1024 * 1024;

/// The longest text value (a title, a name, one keyword, an address). Senate titles run to a
/// few hundred characters.
pub const TEXT_BYTES: usize = 16 * 1024;

/// The most items in one list (`keywords`, `aliases`, `events`, `links`).
pub const LIST_ITEMS: usize = 10_000;

/// The deepest nesting of `[` and `{`: a list of maps needs 2.
pub const FLOW_DEPTH: usize = 16;

/// The most problems listed for one file; one more says how many were left out.
pub const PROBLEMS_PER_FILE: usize = 20;

/// Why the YAML text was refused before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Anchor,
    Alias,
    Depth,
}

impl Refusal {
    pub fn message(self) -> String {
        match self {
            Refusal::Anchor => {
                "a YAML anchor (`&name`): anchors and aliases are not accepted".into()
            }
            Refusal::Alias => "a YAML alias (`*name`): anchors and aliases are not accepted".into(),
            Refusal::Depth => format!("the value nests `[` and `{{` more than {FLOW_DEPTH} deep"),
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            Refusal::Anchor | Refusal::Alias => {
                "write each value out in full; text that starts with `&` or `*` goes in quotes"
            }
            Refusal::Depth => "write the value as text in quotes or as a flat list `[a, b]`",
        }
    }
}

/// Reads the YAML text as libyaml would tokenize it, as far as anchors, aliases and flow
/// nesting go: quotes, comments and block scalars are skipped, an `&` or `*` counts only where a
/// value starts. Returns the 0-based YAML line of the first thing refused. Linear in the text.
pub fn prescan(yaml: &str) -> Result<(), (usize, Refusal)> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    // Inside a block scalar (`|`, `>`) whose owning line has this indentation.
    let mut block: Option<usize> = None;
    for (n, line) in super::lines::inclusive(yaml).enumerate() {
        let b = line.trim_end_matches('\n').as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        if let Some(owner) = block {
            if indent == b.len() || indent > owner {
                continue;
            }
            block = None;
        }
        let mut start = quote.is_none();
        let mut i = if quote.is_some() { 0 } else { indent };
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied();
            let space_after = matches!(next, None | Some(b' ' | b'\t'));
            match quote {
                Some(b'"') => match c {
                    b'\\' => i += 1,
                    b'"' => quote = None,
                    _ => {}
                },
                Some(_) => {
                    if c == b'\'' {
                        if next == Some(b'\'') {
                            i += 1;
                        } else {
                            quote = None;
                        }
                    }
                }
                None => match c {
                    b' ' | b'\t' => {}
                    b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t') => break,
                    b'&' if start => return Err((n, Refusal::Anchor)),
                    b'*' if start => return Err((n, Refusal::Alias)),
                    b'"' | b'\'' if start => {
                        quote = Some(c);
                        start = false;
                    }
                    b'[' | b'{' if start || depth > 0 => {
                        depth += 1;
                        if depth > FLOW_DEPTH {
                            return Err((n, Refusal::Depth));
                        }
                        start = true;
                    }
                    b']' | b'}' if depth > 0 => {
                        depth -= 1;
                        start = false;
                    }
                    b',' if depth > 0 => start = true,
                    b'|' | b'>' if start && depth == 0 => {
                        block = Some(indent);
                        break;
                    }
                    b'-' | b'?' if start && space_after => {}
                    b':' if space_after
                        || (depth > 0 && matches!(next, Some(b',' | b']' | b'}'))) =>
                    {
                        start = true
                    }
                    b'!' if start => {
                        // A tag: the value follows it.
                        while i + 1 < b.len() && !matches!(b[i + 1], b' ' | b'\t') {
                            i += 1;
                        }
                    }
                    _ => start = false,
                },
            }
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_anchors_and_aliases_where_a_value_starts() {
        for (yaml, line, why) in [
            ("a: &x 1\n", 0, Refusal::Anchor),
            ("a: 1\nb: *x\n", 1, Refusal::Alias),
            ("k: [&a \"x\", *a]\n", 0, Refusal::Anchor),
            ("k: [\"x\",*a]\n", 0, Refusal::Alias),
            ("k:\n  - *a\n", 1, Refusal::Alias),
            ("k: {a: *b}\n", 0, Refusal::Alias),
            ("<<: *base\n", 0, Refusal::Alias),
            ("t: !!str &a x\n", 0, Refusal::Anchor),
            ("t: \"multi\n  line\"\nk: *a\n", 2, Refusal::Alias),
            ("t: |\n  &not an anchor\nk: *a\n", 2, Refusal::Alias),
        ] {
            assert_eq!(prescan(yaml), Err((line, why)), "{yaml:?}");
        }
    }

    #[test]
    fn leaves_text_alone() {
        for yaml in [
            "title: Q&A *today*\n",
            "title: \"&x *y [[[[[[[[[[[[[[[[[[[[\"\n",
            "title: '&x ''*y'' {{{{{{{{{{{{{{{{{{{{{{'\n",
            "title: a # &comment [[[[[[[[[[[[[[[[[[[[\n",
            "title: >\n  &folded *text\n  [[[[[[[[[[[[[[[[[[[[\nauthor: x\n",
            "title: a [b] {c} [[[[[[[[[[[[[[[[[[[[[[\n",
            "events:\n  - {date: 2025-03-03, type: sent}\n",
            "url: http://a.b/c?d=1&e=*\n",
        ] {
            assert_eq!(prescan(yaml), Ok(()), "{yaml:?}");
        }
    }

    #[test]
    fn limits_flow_nesting() {
        let ok = format!("k: {}{}\n", "[".repeat(FLOW_DEPTH), "]".repeat(FLOW_DEPTH));
        assert_eq!(prescan(&ok), Ok(()));
        let deep = format!("a: 1\nk: {}\n", "[".repeat(200_000));
        assert_eq!(prescan(&deep), Err((1, Refusal::Depth)));
    }
}
