//! Crash safety: `quaestor build` and `quaestor ingest` are killed (SIGKILL) at random moments.
//! After each kill `output/` is exactly the old complete site or the new complete site, and the
//! content folder holds only complete files (temp files are hidden, recognisable, and swept by
//! the next run).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A small seeded generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("QUAESTOR_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026)
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let b = std::fs::read(dir.join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

fn config(title: &str) -> String {
    CONFIG
        .replace("Test portal", title)
        .replace("paginate_by = 2", "paginate_by = 50")
}

fn quaestor(args: &[&str], root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quaestor"));
    cmd.args(args)
        .current_dir(root)
        .env("CI", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Kills `child` after `after` unless it exits first; returns how long it ran if it did.
fn kill_after(mut child: Child, after: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    None
}

/// Kill times are drawn below the shortest run seen so far: a reference run timed while
/// other tests load the machine would otherwise let later runs finish before their kill.
struct KillClock {
    shortest: Duration,
    rng: Rng,
}

impl KillClock {
    fn next(&mut self, past_end_percent: u64) -> Duration {
        let span = self.shortest.as_micros() as u64 * (100 + past_end_percent) / 100;
        Duration::from_micros(self.rng.below(span.max(1)))
    }

    fn finished_in(&mut self, took: Duration) {
        self.shortest = self.shortest.min(took);
    }
}

/// Rounds run until this many kills landed, or `MAX_ROUNDS` rounds.
const KILLS: usize = 4;
const MAX_ROUNDS: usize = 14;

#[test]
fn a_killed_build_leaves_the_old_or_the_new_site() {
    let site = Site::new();
    for n in 1..=3000u32 {
        let id = format!("7-{n}");
        let kw = [["spionage", "defensie", "energie", "klimaat"][n as usize % 4]];
        site.add(
            &id,
            "nl",
            &question(&id, "nl", &format!("Vraag {n}"), &kw, "2023-01-10", None),
        );
    }
    let build = |out: &str| {
        let status = quaestor(&["build", "--root", ".", "--output", out], site.root())
            .status()
            .unwrap();
        assert!(status.success());
    };
    site.write("quaestor.toml", &config("New portal"));
    let started = Instant::now();
    build("refs-new");
    let first = started.elapsed();
    let new = tree(&site.root().join("refs-new"));
    std::fs::remove_dir_all(site.root().join("refs-new")).unwrap();
    site.write("quaestor.toml", &config("Old portal"));
    let started = Instant::now();
    build("output");
    let second = started.elapsed();
    let old = tree(&site.out());
    assert!(old.len() > 3000 && old != new);
    eprintln!("full builds take {first:?} and {second:?}");

    let mut current_is_new = false;
    let mut clock = KillClock {
        shortest: first.min(second),
        rng: Rng(seed()),
    };
    let (mut killed, mut finished) = (0, 0);
    for round in 0..MAX_ROUNDS {
        if killed == KILLS {
            break;
        }
        let target = if current_is_new {
            "Old portal"
        } else {
            "New portal"
        };
        site.write("quaestor.toml", &config(target));
        // Anywhere from start-up to just past the usual end of a build.
        let after = clock.next(10);
        let child = quaestor(&["build", "--root", "."], site.root())
            .spawn()
            .unwrap();
        match kill_after(child, after) {
            None => killed += 1,
            Some(took) => {
                finished += 1;
                clock.finished_in(took);
            }
        }
        let now = tree(&site.out());
        current_is_new = if now == new {
            true
        } else if now == old {
            false
        } else {
            let (a, b) = (now.keys().count(), new.keys().count());
            panic!(
                "round {round} (killed after {after:?}): output is a mix ({a} files; new has {b})"
            );
        };
    }
    assert!(
        killed == KILLS,
        "only {killed} kills landed in {MAX_ROUNDS} rounds ({finished} builds finished first)"
    );
    // The next build sweeps what killed builds left beside the output.
    build("output");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".output.")
                // The lock file stays (see `output::folder::lock_path`).
                && p.file_name().unwrap() != ".output.lock"
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_killed_ingest_leaves_no_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate/7-1870.nl.txt"),
    )
    .unwrap();
    for n in 2000..2600u32 {
        std::fs::write(
            pages.join(format!("7-{n}.nl.txt")),
            page.replace("7-1870", &format!("7-{n}")),
        )
        .unwrap();
    }
    let ingest = |content: &str| quaestor(&["ingest", "--content", content, "pages"], dir.path());
    let started = Instant::now();
    assert!(ingest("reference").status().unwrap().success());
    let full = started.elapsed();
    let reference = tree(&dir.path().join("reference/questions"));
    assert_eq!(reference.len(), 600);

    let content = dir.path().join("content");
    let mut clock = KillClock {
        shortest: full,
        rng: Rng(seed() ^ 0xface),
    };
    let mut killed = 0;
    for round in 0..MAX_ROUNDS {
        if killed == KILLS {
            break;
        }
        let after = clock.next(0);
        match kill_after(ingest("content").spawn().unwrap(), after) {
            None => killed += 1,
            Some(took) => clock.finished_in(took),
        }
        for entry in walkdir::WalkDir::new(&content)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if quaestor::ingest::write::temp_file_pid(&name).is_some() {
                continue; // hidden and never under a final name; swept by the next run
            }
            if name == quaestor::ingest::MANIFEST {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("round {round}: torn manifest: {e}"));
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(content.join("questions"))
                .unwrap()
                .display()
                .to_string();
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                reference.get(&rel) == Some(&bytes),
                "round {round} (killed after {after:?}): {rel} is incomplete"
            );
        }
    }
    assert!(
        killed == KILLS,
        "only {killed} kills landed in {MAX_ROUNDS} rounds"
    );
    // A complete run finishes the job and sweeps the temp files of the killed ones.
    assert!(ingest("content").status().unwrap().success());
    assert_eq!(tree(&content.join("questions")), reference);
    let temps: Vec<String> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| quaestor::ingest::write::temp_file_pid(n).is_some())
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}
