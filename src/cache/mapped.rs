//! Cache files read in place. An edit at archive scale opens 200 MB of cache files (the words,
//! records and merged index of search, the parsed questions), already in the page cache from the
//! build before: copying them into the process cost a fresh page for every 4 KB of them, which
//! is most of what reading them took. Mapped, their pages are the page cache's own.

use std::fs::File;
use std::ops::Deref;
use std::path::Path;

/// A cache file's bytes without its checksum: mapped, or read (a file that cannot be mapped,
/// and the small files made in memory).
#[derive(Default)]
pub struct Bytes {
    map: Option<memmap2::Mmap>,
    owned: Vec<u8>,
    len: usize,
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.map {
            Some(map) => &map[..self.len],
            None => &self.owned[..self.len],
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(owned: Vec<u8>) -> Bytes {
        Bytes {
            map: None,
            len: owned.len(),
            owned,
        }
    }
}

/// The bytes of the file at `path` before its last 8 (the xxh3 of the others, as the cache's
/// writer ends every file), with that checksum, when it holds.
pub fn summed(path: &Path) -> Option<(Bytes, u64)> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() < 8 {
        return None;
    }
    // SAFETY: the map is read only and the file is never changed in place: every cache file is
    // written beside its name and renamed over it, which leaves this file's bytes as they are
    // for as long as they are mapped. Only another program cutting the file short in place
    // could take them away (the process would then stop on SIGBUS); nothing is written through
    // the map.
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) };
    let bytes = match map {
        Ok(map) => Bytes {
            len: map.len(),
            map: Some(map),
            owned: Vec::new(),
        },
        Err(_) => Bytes::from(std::fs::read(path).ok()?),
    };
    let (payload, sum) = bytes.split_last_chunk::<8>()?;
    let sum = u64::from_le_bytes(*sum);
    if xxhash_rust::xxh3::xxh3_64(payload) != sum {
        return None;
    }
    let len = payload.len();
    Some((Bytes { len, ..bytes }, sum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_comes_back_without_its_checksum_only_when_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        super::super::write_summed(&path, b"cached bytes".to_vec()).unwrap();
        let (bytes, sum) = summed(&path).unwrap();
        assert_eq!(&bytes[..], b"cached bytes");
        assert_eq!(sum, xxhash_rust::xxh3::xxh3_64(b"cached bytes"));
        // Replaced while mapped: the map keeps the bytes it had.
        super::super::write_summed(&path, b"other".to_vec()).unwrap();
        assert_eq!(&bytes[..], b"cached bytes");
        assert_eq!(&summed(&path).unwrap().0[..], b"other");
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        assert!(summed(&path).is_none(), "cut short");
        std::fs::write(&path, b"").unwrap();
        assert!(summed(&path).is_none(), "empty");
        assert!(summed(&dir.path().join("none")).is_none());
    }
}
