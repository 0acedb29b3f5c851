//! The fast front-matter reader (`content::canonical`) against serde_yaml, the parser of record,
//! on every question file in the repository: the bundled site, the bad-content corpus, the XSS
//! corpus and the fuzz findings.

use std::path::{Path, PathBuf};

use quaestor::content::{canonical, load};

fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect()
}

/// What the fast reader gives for `path`, and what serde_yaml gives, when the file has front matter.
fn both(path: &Path) -> Option<(Option<String>, Result<String, String>)> {
    let bytes = std::fs::read(path).unwrap();
    let text = load::decode(path, &bytes).ok()?;
    let split = quaestor::content::split::split(path, &text).ok()?;
    let fast = canonical::read(split.yaml).map(|raw| format!("{raw:?}"));
    let slow = serde_yaml::from_str::<quaestor::content::raw::RawFrontMatter>(split.yaml)
        .map(|raw| format!("{raw:?}"))
        .map_err(|e| e.to_string());
    Some((fast, slow))
}

#[test]
fn the_fast_reader_agrees_with_serde_yaml_wherever_it_answers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut answered = 0;
    let mut declined = 0;
    for path in files(&root.join("tests"))
        .into_iter()
        .chain(files(&root.join("content")))
    {
        let Some((fast, slow)) = both(&path) else {
            continue;
        };
        match fast {
            Some(fast) => {
                assert_eq!(Ok(fast), slow, "{}", path.display());
                answered += 1;
            }
            None => declined += 1,
        }
    }
    assert!(
        answered > 10 && declined > 10,
        "{answered} read, {declined} left to serde_yaml"
    );
}

#[test]
fn every_bundled_question_takes_the_fast_path() {
    // `quaestor ingest` wrote these; its layout is what the fast reader is for.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = files(&root.join("content/questions"));
    assert!(bundled.len() > 10);
    for path in bundled {
        let (fast, _) = both(&path).expect("front matter");
        assert!(fast.is_some(), "{} went to serde_yaml", path.display());
    }
}
