//! Determinism: the same input with the same `as_of` gives byte-identical output whatever the
//! thread count and whatever order the files were created in (so whatever order the file system
//! lists them).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// Questions with colliding slugs, shared and unique terms, two languages, aliases and pages.
fn inputs() -> Vec<(String, String)> {
    let keywords = [
        "Israël", "Israel", "israel", "spionage", "Défense", "defense", "ÉNERGIE",
    ];
    let mut files = Vec::new();
    for n in 1..=60u32 {
        let id = format!("7-{n}");
        let kw: Vec<&str> = (0..3)
            .map(|k| keywords[(n as usize * 3 + k) % keywords.len()])
            .collect();
        let answered = (n % 3 == 0).then_some("2023-03-08");
        for lang in ["nl", "fr"] {
            if lang == "fr" && n % 2 == 0 {
                continue;
            }
            let mut text = question(
                &id,
                lang,
                &format!("Titel {n} {}", kw[0]),
                &kw,
                &format!("2023-01-{:02}", 1 + n % 28),
                answered,
            )
            .replace(
                "Anna Peeters",
                ["Anna Peeters", "Jan Janssens", "Émile Dupont"][n as usize % 3],
            );
            if n % 7 == 0 && lang == "nl" {
                text = text.replace("source:", &format!("aliases: [\"/oud/{n}/\"]\nsource:"));
            }
            files.push((format!("content/questions/7/{id}.{lang}.md"), text));
        }
    }
    files
}

fn site_with(order: impl Iterator<Item = (String, String)>) -> Site {
    let site = Site::new();
    for (rel, text) in order {
        site.write(&rel, &text);
    }
    site
}

fn build_with_threads(site: &Site, threads: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quaestor"));
    cmd.args(["build", "--root"])
        .arg(site.root())
        .env("CI", "1");
    match threads {
        Some(t) => cmd.env("RAYON_NUM_THREADS", t),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    files(out)
        .into_iter()
        .map(|f| {
            let b = std::fs::read(out.join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

#[test]
fn same_input_same_bytes_across_threads_and_file_order() {
    let forward = site_with(inputs().into_iter());
    let backward = site_with(inputs().into_iter().rev());
    let shuffled = {
        // A fixed interleaving, different from both (37 is prime to the file count).
        let v = inputs();
        let n = v.len();
        site_with((0..n).map(|i| v[(i * 37) % n].clone()))
    };
    build_with_threads(&forward, Some("1"));
    build_with_threads(&backward, None);
    build_with_threads(&shuffled, Some("7"));
    let a = tree(&forward.out());
    assert!(a.len() > 100, "{} files", a.len());
    for (name, other) in [("backward", &backward), ("shuffled", &shuffled)] {
        let b = tree(&other.out());
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: file lists differ"
        );
        for (f, bytes) in &a {
            assert!(bytes == &b[f], "{name}: {f} differs");
        }
    }
    // And a rebuild in place changes nothing.
    build_with_threads(&forward, Some("3"));
    assert!(tree(&forward.out()) == a);
}
