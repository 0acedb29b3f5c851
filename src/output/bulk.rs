//! The bulk files `questions.jsonl.gz` and `questions.csv.gz`: gzip files made of one member per
//! block of [`BLOCK`] questions. Concatenated members are one valid gzip file (`gzip -d`, `zcat`,
//! Python's `gzip`), the blocks compress in parallel, and an incremental build recompresses only
//! the blocks whose questions changed, copying the other members from the previous file.
//!
//! To find those members again, each member's header carries an extra field (as BGZF does): the
//! member's length and a hash of its block's question ids. Both follow from the output alone, so
//! a build with the cache writes the same bytes as one without.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Write;
use std::ops::Range;

use flate2::{write::DeflateEncoder, Compression, Crc};

use crate::cache::Previous;

/// Questions per member: small enough that one edit recompresses little (about 1 MB of JSON),
/// large enough that compression barely suffers from the restart.
pub(super) const BLOCK: usize = 128;

/// Fixed, for identical bytes on every build.
const LEVEL: u32 = 6;

/// Flags: FEXTRA only (no name, no comment, no header CRC).
const FEXTRA: u8 = 4;
/// The extra subfield's id and length: the member's length, then its ids' hash (`u64` each, LE).
const SUBFIELD: [u8; 2] = *b"Qm";
const SUBFIELD_LEN: usize = 16;
/// The fixed header: 10 bytes, XLEN, the subfield's id, length and data.
const HEADER: usize = 10 + 2 + 4 + SUBFIELD_LEN;
const TRAILER: usize = 8;

/// The hash of a block's question ids, in order, that names its member.
pub(super) fn ids_hash<'a>(ids: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for id in ids {
        h.write(id.as_bytes());
        h.write_u8(b'\n');
    }
    h.finish()
}

/// One gzip member holding `data`: no name and no time in its header, only the extra field.
pub(super) fn member(data: &[u8], ids: u64) -> Vec<u8> {
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::new(LEVEL));
    deflate
        .write_all(data)
        .expect("writing to memory cannot fail");
    let deflated = deflate.finish().expect("writing to memory cannot fail");
    let mut crc = Crc::new();
    crc.update(data);
    let len = HEADER + deflated.len() + TRAILER;
    let mut m = Vec::with_capacity(len);
    // ID1 ID2, deflate, flags, no modification time, no extra flags, OS "unknown".
    m.extend_from_slice(&[0x1f, 0x8b, 8, FEXTRA, 0, 0, 0, 0, 0, 255]);
    m.extend_from_slice(&((4 + SUBFIELD_LEN) as u16).to_le_bytes());
    m.extend_from_slice(&SUBFIELD);
    m.extend_from_slice(&(SUBFIELD_LEN as u16).to_le_bytes());
    m.extend_from_slice(&(len as u64).to_le_bytes());
    m.extend_from_slice(&ids.to_le_bytes());
    m.extend_from_slice(&deflated);
    m.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE: the length modulo 2^32, as gzip defines it.
    m.extend_from_slice(&(data.len() as u32).to_le_bytes());
    m
}

/// The members of a file made by [`member`], by their ids' hash; `None` when any part of it is
/// not as this module writes it (the file is then made anew).
fn members(file: &[u8]) -> Option<HashMap<u64, Range<usize>>> {
    let mut at = 0;
    let mut found = HashMap::new();
    while at < file.len() {
        let head = file.get(at..at + HEADER)?;
        let fixed = head[..10] == [0x1f, 0x8b, 8, FEXTRA, 0, 0, 0, 0, 0, 255]
            && head[10..12] == ((4 + SUBFIELD_LEN) as u16).to_le_bytes()
            && head[12..14] == SUBFIELD
            && head[14..16] == (SUBFIELD_LEN as u16).to_le_bytes();
        if !fixed {
            return None;
        }
        let len = u64::from_le_bytes(head[16..24].try_into().ok()?) as usize;
        let ids = u64::from_le_bytes(head[24..32].try_into().ok()?);
        let end = at.checked_add(len).filter(|&e| e <= file.len())?;
        if len < HEADER + TRAILER {
            return None;
        }
        found.insert(ids, at..end);
        at = end;
    }
    Some(found)
}

/// A previous bulk file whose members may be copied: read only when the previous build vouches
/// for its bytes.
pub(super) struct Reusable {
    bytes: Vec<u8>,
    members: HashMap<u64, Range<usize>>,
}

impl Reusable {
    /// The previous build's file at `rel`, when the cache recorded exactly these bytes for it.
    pub(super) fn read(previous: &Previous<'_>, rel: &str) -> Option<Reusable> {
        if !previous.active() {
            return None;
        }
        let bytes = previous.file(rel)?;
        if !previous.vouches(rel, xxhash_rust::xxh3::xxh3_64(&bytes)) {
            return None;
        }
        let members = members(&bytes)?;
        Some(Reusable { bytes, members })
    }

    /// The previous member of the block whose ids hash to `ids`.
    pub(super) fn member(&self, ids: u64) -> Option<&[u8]> {
        self.members.get(&ids).map(|r| &self.bytes[r.clone()])
    }
}

/// A file from its members in order, sized once (the members of a large site come to a hundred
/// megabytes), each member freed as soon as it is copied.
pub(super) fn join(members: Vec<Cow<'_, [u8]>>) -> Vec<u8> {
    let mut file = Vec::with_capacity(members.iter().map(|m| m.len()).sum());
    for m in members {
        file.extend_from_slice(&m);
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn members_join_into_one_gzip_file_and_are_found_again() {
        let a = member(b"first block\n", 1);
        let b = member(b"", 2);
        let c = member("troisième\n".as_bytes(), 3);
        let file = join(vec![
            Cow::Borrowed(&a[..]),
            Cow::Borrowed(&b[..]),
            Cow::Borrowed(&c[..]),
        ]);
        assert_eq!(gunzip(&file), "first block\ntroisième\n".as_bytes());
        let found = members(&file).unwrap();
        assert_eq!(found.len(), 3);
        assert_eq!(&file[found[&3].clone()], &c[..]);
        assert_eq!(&file[found[&2].clone()], &b[..]);
        // A cut or foreign file is not reused.
        assert!(members(&file[..file.len() - 1]).is_none());
        let mut foreign = a.clone();
        foreign[4] = 1;
        assert!(members(&foreign).is_none());
    }

    #[test]
    fn a_member_is_the_same_on_every_build() {
        assert_eq!(member(b"x\n", 7), member(b"x\n", 7));
        assert_eq!(&member(b"x\n", 7)[4..8], &[0, 0, 0, 0], "no time");
    }
}
