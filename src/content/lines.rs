//! Line iteration for content files, on the `memchr` crate's vectorised search: every file is
//! walked line by line twice per build, and `str::split_inclusive` searches a word at a time.

/// The lines of `text`, each with its `\n` (the last one may lack it), like
/// `text.split_inclusive('\n')`.
pub fn inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |i| i + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_lines_as_split_inclusive() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\n\nb\n",
            "é\r\nü\n\n",
            "\n\nx",
        ] {
            let ours: Vec<&str> = super::inclusive(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
