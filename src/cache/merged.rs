//! The search indexes as the last build merged them, `.quaestor-cache/search-index.bin`: one
//! section per language, which `output::search` decodes and patches after an edit instead of
//! merging every document again. Sections are kept under what they were made from (see
//! [`Made`]); like the other caches the file is never a source of truth: a missing, unreadable
//! or foreign file, or one made from other inputs, means the indexes are merged in full.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::codec::{varint, Reader};
use super::mapped::Bytes;

/// Bumped whenever the layout or the meaning of a section changes.
const FORMAT: u32 = 1;

/// The file, in the site's cache folder.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::DIR).join("search-index.bin")
}

/// What the indexes were made from: the build's global digest and the term tables' digest
/// (as the records cache's keys), and the words cache's string table whose numbers they use:
/// its first `strings` strings, hashed (see `Strings::digest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    pub global: u64,
    pub structure: u64,
    pub strings: usize,
    pub strings_hash: u64,
}

/// The file as the last build saved it.
pub struct Saved {
    pub made: Made,
    bytes: Bytes,
    sections: Vec<Range<usize>>,
}

impl Saved {
    /// The file at `path`, when there is one this binary wrote whole.
    pub fn load(path: &Path) -> Option<Saved> {
        let (bytes, _) = super::mapped::summed(path)?;
        let mut r = Reader::new(&bytes);
        if u32::from_le_bytes(r.take(4)?.try_into().ok()?) != FORMAT
            || r.u64()? != super::binary_digest()
        {
            return None;
        }
        let made = Made {
            global: r.u64()?,
            structure: r.u64()?,
            strings: r.varint()?,
            strings_hash: r.u64()?,
        };
        let count = r.varint()?;
        let mut sections = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let section = r.bytes()?;
            sections.push(r.at - section.len()..r.at);
        }
        r.done().then_some(())?;
        Some(Saved {
            made,
            bytes,
            sections,
        })
    }

    /// The section of language `l`, if the last build kept one.
    pub fn section(&self, l: usize) -> Option<&[u8]> {
        let range = self.sections.get(l)?.clone();
        (!range.is_empty()).then(|| &self.bytes[range])
    }
}

/// Writes `sections` (by language; `None`: none kept) beside `path`, then swaps the file into
/// place.
pub fn save(path: &Path, made: Made, sections: &[Option<Vec<u8>>]) -> std::io::Result<()> {
    let mut file = super::Summed::create(path)?;
    let mut head = Vec::with_capacity(64);
    head.extend_from_slice(&FORMAT.to_le_bytes());
    head.extend_from_slice(&super::binary_digest().to_le_bytes());
    head.extend_from_slice(&made.global.to_le_bytes());
    head.extend_from_slice(&made.structure.to_le_bytes());
    varint(&mut head, made.strings as u64);
    head.extend_from_slice(&made.strings_hash.to_le_bytes());
    varint(&mut head, sections.len() as u64);
    for section in sections {
        let section = section.as_deref().unwrap_or_default();
        varint(&mut head, section.len() as u64);
        file.write(&head)?;
        head.clear();
        file.write(section)?;
    }
    file.write(&head)?;
    file.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_back_under_what_they_were_made_from() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let made = Made {
            global: 1,
            structure: 2,
            strings: 3,
            strings_hash: 4,
        };
        save(&path, made, &[Some(b"nl index".to_vec()), None]).unwrap();
        let back = Saved::load(&path).unwrap();
        assert_eq!(back.made, made);
        assert_eq!(back.section(0), Some(&b"nl index"[..]));
        assert_eq!(back.section(1), None);
        assert_eq!(back.section(2), None);
        // Cut short or garbled, the file is none.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Saved::load(&path).is_none());
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Saved::load(&path).is_none());
    }
}
