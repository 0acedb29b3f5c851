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

/// Members by their ids' hash, and their places in file order.
type Places = (HashMap<u64, Range<usize>>, Vec<Range<usize>>);

/// The members of a file made by [`member`], by their ids' hash, and their places in order;
/// `None` when any part of it is not as this module writes it (the file is then made anew).
fn members(file: &[u8]) -> Option<Places> {
    let mut at = 0;
    let mut found = HashMap::new();
    let mut order = Vec::new();
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
        order.push(at..end);
        at = end;
    }
    Some((found, order))
}

/// A previous bulk file whose members may be copied: read only when the previous build vouches
/// for its bytes.
pub(super) struct Reusable {
    bytes: Vec<u8>,
    members: HashMap<u64, Range<usize>>,
    /// The members' places, in order.
    order: Vec<Range<usize>>,
}

impl Reusable {
    /// The previous build's file at `rel`, when the cache recorded exactly these bytes for it.
    pub(super) fn read(previous: &Previous<'_>, rel: &str) -> Option<Reusable> {
        if !previous.active() {
            return None;
        }
        let bytes = previous.file_with_room(rel, ROOM)?;
        if !previous.vouches(rel, xxhash_rust::xxh3::xxh3_64(&bytes)) {
            return None;
        }
        let (members, order) = members(&bytes)?;
        Some(Reusable {
            bytes,
            members,
            order,
        })
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

/// Spare room read with a previous file, for the members patched into it to grow without the
/// file being copied to a larger buffer: a block's JSON is about a megabyte before compression.
const ROOM: usize = 4 << 20;

/// Members made anew beyond this count are joined into a new file rather than put into the
/// previous one: each moves the rest of the file.
const PATCHED_MEMBERS: usize = 8;

/// How a bulk file is made from its members: the previous file with a few members replaced in
/// place (after an edit: 160 MB at 50,000 questions neither allocated nor copied again), or
/// the members joined.
pub(super) enum Assembly {
    /// The previous file's member ranges to replace, in order, with their new members.
    Patch(Vec<(Range<usize>, Vec<u8>)>),
    Joined(Vec<u8>),
}

impl Assembly {
    /// Patched when every member is either the previous file's member at the same place
    /// (borrowed from it) or new, and few are new; else joined.
    pub(super) fn of(members: Vec<Cow<'_, [u8]>>, previous: Option<&Reusable>) -> Assembly {
        match previous.and_then(|p| replaced(&members, p)) {
            Some(ranges) => {
                let new = members.into_iter().filter_map(|m| match m {
                    Cow::Owned(bytes) => Some(bytes),
                    Cow::Borrowed(_) => None,
                });
                Assembly::Patch(ranges.into_iter().zip(new).collect())
            }
            None => Assembly::Joined(join(members)),
        }
    }

    /// The file, from `previous` (the file [`Assembly::of`] was given) when patched.
    pub(super) fn file(self, previous: Option<Reusable>) -> Vec<u8> {
        match (self, previous) {
            (Assembly::Joined(file), _) => file,
            (Assembly::Patch(parts), Some(previous)) => {
                let mut file = previous.bytes;
                for (range, bytes) in parts.into_iter().rev() {
                    file.splice(range, bytes);
                }
                file
            }
            (Assembly::Patch(_), None) => unreachable!("a patch is planned from a previous file"),
        }
    }
}

/// The previous file's ranges of the members made anew, when the others are its own members at
/// the same places and there are few of them.
fn replaced(members: &[Cow<'_, [u8]>], previous: &Reusable) -> Option<Vec<Range<usize>>> {
    if members.len() != previous.order.len() {
        return None;
    }
    let mut ranges = Vec::new();
    for (m, range) in members.iter().zip(&previous.order) {
        match m {
            Cow::Borrowed(b) => {
                let there = &previous.bytes[range.clone()];
                if !std::ptr::eq(b.as_ptr(), there.as_ptr()) || b.len() != there.len() {
                    return None;
                }
            }
            Cow::Owned(_) => {
                ranges.push(range.clone());
                if ranges.len() > PATCHED_MEMBERS {
                    return None;
                }
            }
        }
    }
    Some(ranges)
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
        let (found, order) = members(&file).unwrap();
        assert_eq!(
            order,
            [found[&1].clone(), found[&2].clone(), found[&3].clone()]
        );
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
    fn a_file_with_a_few_members_made_anew_is_the_previous_one_patched() {
        let blocks: Vec<Vec<u8>> = (0..5u64)
            .map(|k| member(format!("block {k}\n").repeat(k as usize + 1).as_bytes(), k))
            .collect();
        let file = join(blocks.iter().map(|m| Cow::Borrowed(&m[..])).collect());
        let (found, order) = members(&file).unwrap();
        let previous = Reusable {
            bytes: file.clone(),
            members: found,
            order,
        };
        // Blocks 1 and 3 made anew, one longer and one shorter; the others copied.
        let new = [member(b"longer block one\n", 1), member(b"", 3)];
        let planned: Vec<Cow<[u8]>> = vec![
            Cow::Borrowed(previous.member(0).unwrap()),
            Cow::Owned(new[0].clone()),
            Cow::Borrowed(previous.member(2).unwrap()),
            Cow::Owned(new[1].clone()),
            Cow::Borrowed(previous.member(4).unwrap()),
        ];
        let expected = join(planned.clone());
        let assembly = Assembly::of(planned, Some(&previous));
        assert!(matches!(assembly, Assembly::Patch(ref parts) if parts.len() == 2));
        assert_eq!(assembly.file(Some(previous)), expected);
        assert_eq!(
            gunzip(&expected),
            b"block 0\nlonger block one\nblock 2\nblock 2\nblock 2\nblock 4\nblock 4\nblock 4\nblock 4\nblock 4\n"
        );

        // Members out of their places, or a member more, are joined into a new file.
        let (found, order) = members(&file).unwrap();
        let previous = Reusable {
            bytes: file.clone(),
            members: found,
            order,
        };
        let swapped: Vec<Cow<[u8]>> = [1, 0, 2, 3, 4]
            .iter()
            .map(|&k| Cow::Borrowed(previous.member(k).unwrap()))
            .collect();
        let expected = join(swapped.clone());
        let assembly = Assembly::of(swapped, Some(&previous));
        assert!(matches!(assembly, Assembly::Joined(_)));
        assert_eq!(assembly.file(Some(previous)), expected);
    }

    #[test]
    fn a_member_is_the_same_on_every_build() {
        assert_eq!(member(b"x\n", 7), member(b"x\n", 7));
        assert_eq!(&member(b"x\n", 7)[4..8], &[0, 0, 0, 0], "no time");
    }
}
