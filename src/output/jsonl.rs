//! The bulk `questions.jsonl`: one open-data record a line. An incremental build keeps the lines
//! of unchanged questions from the previous file and, after a few edits, patches the rebuilt
//! lines into it in place rather than joining hundreds of megabytes anew.

use std::collections::HashMap;

use crate::cache::Previous;

/// A question's open-data record: built now (its `questions.jsonl` line and its own pretty file,
/// serialised where it was built so that no record's JSON tree outlives its task), or its line
/// kept from the previous build.
pub(super) enum Record<'p> {
    New {
        line: String,
        pretty: Vec<u8>,
    },
    /// Borrowed from the previous file: copying every kept line would copy the whole file.
    Kept(&'p str),
}

impl Record<'_> {
    /// The record's line of `questions.jsonl`, without its line end.
    pub(super) fn line(&self) -> &str {
        match self {
            Record::New { line, .. } => line,
            Record::Kept(line) => line,
        }
    }
}

/// The previous `questions.jsonl`, empty without a usable cache. Read with room for edited
/// records to grow (see [`patch`]).
pub(super) fn previous_jsonl(previous: &Previous<'_>) -> String {
    const ROOM: usize = 1 << 20;
    previous
        .file_with_room("questions.jsonl", ROOM)
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// Records rebuilt beyond which the previous `questions.jsonl` is not patched: each patch moves
/// the rest of the file, so many of them cost more than joining the file anew.
const MAX_PATCHES: usize = 4;

/// Where the rebuilt records go in the previous `questions.jsonl`, when the new file is the
/// previous one with a few records' lines replaced: every other record kept at its old place,
/// none added, removed or moved. `None` otherwise (the file is then joined anew).
///
/// An incremental build after one edit then changes a few bytes of the previous file in place,
/// instead of copying hundreds of megabytes into a new buffer (at 50,000 questions that copy,
/// with the pages it touches, cost a quarter of a second and 370 MB).
fn patches<'a>(
    previous: &str,
    old_lines: &HashMap<&str, &str>,
    records: impl Iterator<Item = (&'a str, &'a Record<'a>)>,
) -> Option<Vec<std::ops::Range<usize>>> {
    let base = previous.as_ptr() as usize;
    let mut next = 0;
    let mut ranges = Vec::new();
    for (id, record) in records {
        let old = match record {
            Record::Kept(line) => line,
            Record::New { .. } => *old_lines.get(id)?,
        };
        let start = (old.as_ptr() as usize).checked_sub(base)?;
        let end = start + old.len();
        // In place and followed by its own line end (not `\r\n`, not the end of a cut file).
        if start != next || previous.as_bytes().get(end) != Some(&b'\n') {
            return None;
        }
        if let Record::New { .. } = record {
            ranges.push(start..end);
            if ranges.len() > MAX_PATCHES {
                return None;
            }
        }
        next = end + 1;
    }
    (next == previous.len()).then_some(ranges)
}

/// The previous file with each range replaced by its new line, the last first so that the
/// ranges before it stay where they are.
fn patch(previous: String, edits: Vec<(std::ops::Range<usize>, String)>) -> Vec<u8> {
    let mut bytes = previous.into_bytes();
    for (range, line) in edits.into_iter().rev() {
        bytes.splice(range, line.into_bytes());
    }
    bytes
}

/// The new `questions.jsonl`, taking the records in order: joined line by line, or, when
/// [`patches`] found the previous file patchable, only the rebuilt lines, for [`patch`].
pub(super) enum Builder {
    Joined(String),
    Patched {
        ranges: Vec<std::ops::Range<usize>>,
        lines: Vec<String>,
    },
}

impl Builder {
    pub(super) fn new<'a, I>(previous: &str, old_lines: &HashMap<&str, &str>, records: I) -> Builder
    where
        I: Iterator<Item = (&'a str, &'a Record<'a>)> + Clone,
    {
        match patches(previous, old_lines, records.clone()) {
            Some(ranges) => Builder::Patched {
                lines: Vec::with_capacity(ranges.len()),
                ranges,
            },
            // Sized once: doubling a buffer of hundreds of megabytes would hold two at a time.
            None => Builder::Joined(String::with_capacity(
                records.map(|(_, r)| r.line().len() + 1).sum(),
            )),
        }
    }

    /// Takes the next record; gives back its pretty file when it was built now.
    pub(super) fn add(&mut self, record: Record<'_>) -> Option<Vec<u8>> {
        if let Builder::Joined(text) = self {
            text.push_str(record.line());
            text.push('\n');
        }
        match record {
            Record::New { line, pretty } => {
                if let Builder::Patched { lines, .. } = self {
                    lines.push(line);
                }
                Some(pretty)
            }
            Record::Kept(_) => None,
        }
    }

    /// The file's bytes, patched into `previous` when that was possible.
    pub(super) fn finish(self, previous: String) -> Vec<u8> {
        match self {
            Builder::Joined(text) => text.into_bytes(),
            Builder::Patched { ranges, lines } => {
                patch(previous, ranges.into_iter().zip(lines).collect())
            }
        }
    }
}

/// The lines of a `questions.jsonl` by question id. Records are objects with sorted keys
/// (`assembly`, then `id`), and a quote inside a JSON string is always escaped, so the first
/// `,"id":"` of a line is the record's own id.
pub(super) fn lines_by_id(jsonl: &str) -> HashMap<&str, &str> {
    const KEY: &str = ",\"id\":\"";
    jsonl
        .lines()
        .filter_map(|line| {
            let start = line.find(KEY)? + KEY.len();
            let end = start + line[start..].find('"')?;
            Some((&line[start..end], line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_line_is_found_by_its_own_id() {
        let a = json!({"id": "7-1", "assembly": "x\",\"id\":\"9-9", "versions": {"nl": {"links": [{"id": "8-8"}]}}});
        let b = json!({"id": "7-2", "assembly": "be-senate", "number": 2});
        let text = format!("{a}\n{b}\n");
        let lines = lines_by_id(&text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines["7-1"], a.to_string());
        assert_eq!(lines["7-2"], b.to_string());
    }

    /// The new file from records in order, joined anew: what a patch must equal.
    fn joined(records: &[(&str, Record)]) -> Vec<u8> {
        records
            .iter()
            .flat_map(|(_, r)| [r.line(), "\n"])
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn an_edited_record_is_patched_into_the_previous_file() {
        let line =
            |id: &str, n: usize| json!({"assembly": "be-senate", "id": id, "n": n}).to_string();
        let previous = [line("7-1", 1), line("7-2", 2), line("7-3", 3)]
            .map(|l| l + "\n")
            .concat();
        let old = lines_by_id(&previous);
        let new = |id: &str, n: usize| Record::New {
            line: line(id, n),
            pretty: Vec::new(),
        };
        let kept = |id: &str| Record::Kept(old[id]);
        let check = |records: Vec<(&str, Record)>| -> Option<Vec<u8>> {
            let ranges = patches(&previous, &old, records.iter().map(|(id, r)| (*id, r)))?;
            let expected = joined(&records);
            let lines = records.into_iter().filter_map(|(_, r)| match r {
                Record::New { line, .. } => Some(line),
                Record::Kept(_) => None,
            });
            let patched = patch(previous.clone(), ranges.into_iter().zip(lines).collect());
            assert_eq!(
                String::from_utf8(patched.clone()),
                String::from_utf8(expected)
            );
            Some(patched)
        };
        // Edited in place: longer, shorter, first and last, or nothing at all.
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", new("7-2", 2000)),
            ("7-3", kept("7-3"))
        ])
        .is_some());
        assert!(check(vec![
            ("7-1", new("7-1", 10)),
            ("7-2", kept("7-2")),
            ("7-3", new("7-3", 0))
        ])
        .is_some());
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3"))
        ])
        .is_some());
        // Added, removed or moved: joined anew.
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3")),
            ("7-4", new("7-4", 4))
        ])
        .is_none());
        assert!(check(vec![
            ("7-1", kept("7-1")),
            ("7-0", new("7-0", 0)),
            ("7-2", kept("7-2")),
            ("7-3", kept("7-3"))
        ])
        .is_none());
        assert!(check(vec![("7-1", kept("7-1")), ("7-3", kept("7-3"))]).is_none());
        assert!(check(vec![("7-1", kept("7-1")), ("7-2", kept("7-2"))]).is_none());
        assert!(check(vec![
            ("7-2", kept("7-2")),
            ("7-1", kept("7-1")),
            ("7-3", kept("7-3"))
        ])
        .is_none());
        // Every record rebuilt, within the limit.
        let all: Vec<(&str, Record)> = ["7-1", "7-2", "7-3"]
            .iter()
            .map(|&id| (id, new(id, 9)))
            .collect();
        assert!(MAX_PATCHES >= 3 && check(all).is_some());
    }

    #[test]
    fn many_rebuilt_records_are_joined_anew() {
        let ids: Vec<String> = (1..=MAX_PATCHES + 1).map(|n| format!("7-{n}")).collect();
        let line = |id: &str| json!({"assembly": "be-senate", "id": id}).to_string();
        let previous: String = ids.iter().map(|id| line(id) + "\n").collect();
        let old = lines_by_id(&previous);
        let rebuilt = |k: usize| -> Vec<(&str, Record)> {
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    let r = if i < k {
                        Record::New {
                            line: line(id).replace("be-senate", "be-kamer"),
                            pretty: Vec::new(),
                        }
                    } else {
                        Record::Kept(old[id.as_str()])
                    };
                    (id.as_str(), r)
                })
                .collect()
        };
        let ranges = |records: &[(&str, Record)]| {
            patches(&previous, &old, records.iter().map(|(id, r)| (*id, r)))
        };
        assert_eq!(
            ranges(&rebuilt(MAX_PATCHES)).map(|r| r.len()),
            Some(MAX_PATCHES)
        );
        assert_eq!(ranges(&rebuilt(MAX_PATCHES + 1)), None);
    }

    #[test]
    fn a_file_not_as_written_is_joined_anew() {
        let previous = "{\"assembly\":\"x\",\"id\":\"7-1\"}\r\n".to_string();
        let old = lines_by_id(&previous);
        let records = [("7-1", Record::Kept(old["7-1"]))];
        assert_eq!(old["7-1"].len() + 2, previous.len());
        assert!(patches(&previous, &old, records.iter().map(|(id, r)| (*id, r))).is_none());
        let cut = previous.trim_end().to_string();
        let old = lines_by_id(&cut);
        let records = [("7-1", Record::Kept(old["7-1"]))];
        assert!(patches(&cut, &old, records.iter().map(|(id, r)| (*id, r))).is_none());
    }
}
