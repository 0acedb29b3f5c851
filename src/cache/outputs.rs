//! The output folder in the build cache: every file's stamp and hash, so that a file edited by
//! hand is noticed, and the record that tells an output made before the marker file.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{state_path, OutputId, FORMAT};
use crate::content::listing::Stamp;

/// A file of the output folder: its stamp after the build, and the hash of its bytes (which
/// confirms a moved stamp: a file copied or touched but not changed is not rewritten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    pub path: String,
    pub stamp: Stamp,
    pub hash: u64,
}

/// Whether every output file is as the last build left it: `None` when one was changed,
/// replaced or removed, else the files whose stamps moved over the same bytes, with their new
/// stamps. Stamps are taken as the build ends, so a change within the same clock tick that keeps
/// the size and the inode goes unseen.
pub fn outputs_unchanged(output: &Path, known: &[OutputFile]) -> Option<Vec<(usize, Stamp)>> {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, Mode, OFlags};
    // Stat'ed relative to the open output folder: the kernel walks only the path inside it
    // (tens of thousands of files, on every cached build).
    let dir = rustix::fs::open(
        output,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let checked: Option<Vec<Option<(usize, Stamp)>>> = known
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let stat =
                rustix::fs::statat(&dir, file.path.as_str(), AtFlags::SYMLINK_NOFOLLOW).ok()?;
            if rustix::fs::FileType::from_raw_mode(stat.st_mode)
                != rustix::fs::FileType::RegularFile
            {
                return None;
            }
            let stamp = Stamp::of_stat(&stat);
            if stamp == file.stamp {
                return Some(None);
            }
            let bytes = std::fs::read(output.join(&file.path)).ok()?;
            (xxhash_rust::xxh3::xxh3_64(&bytes) == file.hash).then_some(Some((i, stamp)))
        })
        .collect();
    Some(checked?.into_iter().flatten().collect())
}

/// The output table after a build: each of `files` (paths in `output`) with the hash of the
/// bytes this build wrote, else the one recorded before (the file was checked unchanged when the
/// build began), else the hash of the file as it is. Written files are stamped now. With
/// `untouched` (an in-place update, which leaves every file it does not write where it was),
/// a file recorded before keeps that record's stamp, which the check at the start confirmed:
/// no `stat` for the hundreds of thousands of files an edit does not touch. A file changed by
/// hand since then shows a stamp that no longer matches, so the next build reads it.
/// `before` (the last table, by path as this writes it) is walked beside the sorted files, and
/// its records are moved, not copied.
pub fn record_outputs<'a>(
    output: &Path,
    files: impl Iterator<Item = &'a String>,
    written: &HashMap<String, u64>,
    mut before: Vec<OutputFile>,
    untouched: bool,
) -> Vec<OutputFile> {
    use rayon::prelude::*;
    let mut files: Vec<&String> = files.collect();
    files.par_sort_unstable();
    if !before.is_sorted_by(|a, b| a.path <= b.path) {
        before.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    }
    let mut before = before.into_iter().peekable();
    let paired: Vec<(&String, Option<OutputFile>)> = files
        .into_iter()
        .map(|rel| {
            while before.next_if(|f| f.path < *rel).is_some() {}
            (rel, before.next_if(|f| f.path == *rel))
        })
        .collect();
    paired
        .into_par_iter()
        .filter_map(|(rel, recorded)| {
            let hash = match (written.get(rel), recorded) {
                (Some(h), _) => *h,
                (None, Some(f)) if untouched => return Some(f),
                (None, Some(f)) => f.hash,
                (None, None) => xxhash_rust::xxh3::xxh3_64(&std::fs::read(output.join(rel)).ok()?),
            };
            let meta = std::fs::symlink_metadata(output.join(rel)).ok()?;
            Some(OutputFile {
                path: rel.clone(),
                stamp: Stamp::of(&meta),
                hash,
            })
        })
        .collect()
}

/// Whether the build cache of the site at `root` recorded `output` as the folder its last build
/// wrote, and it is still that folder. Read from the head's first fields alone, which this format
/// shares with the one before the output marker, so an output made by that version is known.
pub fn recorded_output(root: &Path, output: &Path) -> bool {
    #[derive(Deserialize)]
    struct Prefix {
        format: u32,
        _global: u64,
        _structure: u64,
        output_id: OutputId,
    }
    let Ok(bytes) = std::fs::read(state_path(root, output)) else {
        return false;
    };
    let Ok((prefix, _)) =
        bincode::serde::decode_from_slice::<Prefix, _>(&bytes, bincode::config::standard())
    else {
        return false;
    };
    (4..=FORMAT).contains(&prefix.format)
        && prefix.output_id != OutputId::default()
        && prefix.output_id.still(output)
}
