//! The output folder is the tool's own: a build never replaces the site, its own folders or a
//! folder of someone's files; two builds of one output never run at once; and a file edited by
//! hand in the output does not survive the next build.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;
use quaestor::output::folder::MARKER;

fn quaestor(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args(args)
        .current_dir(root)
        .env("CI", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn build_into(root: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend(extra);
    quaestor(root, &args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The site's own files: everything but what builds leave beside them.
fn site_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    tree(site.root())
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with("output") && !rel.starts_with(".output"))
        .filter(|(rel, _)| !rel.starts_with(quaestor::cache::DIR))
        .collect()
}

#[test]
fn the_site_and_its_folders_are_never_an_output() {
    let site = Site::standard();
    site.write("data/ministries.toml", "");
    site.write("static/robots.txt", "User-agent: *\n");
    std::fs::create_dir_all(site.root().join(".git")).unwrap();
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    let before = site_files(&site);
    let root = site.root();
    let targets: Vec<(PathBuf, &str)> = vec![
        (root.to_path_buf(), "is the site folder itself"),
        (root.join("."), "is the site folder itself"),
        (root.join("content"), "is the site's content folder"),
        (
            root.join("content/questions/7"),
            "inside the site's content folder",
        ),
        (
            root.join("content/new/site"),
            "inside the site's content folder",
        ),
        (root.join("data"), "is the site's data folder"),
        (root.join("static"), "is the site's static folder"),
        (root.join("templates"), "is the site's templates folder"),
        (root.join("themes/x"), "inside the site's themes folder"),
        (root.join(".git"), "is the site's .git folder"),
        (
            root.join("output/../content"),
            "is the site's content folder",
        ),
        (
            root.parent().unwrap().to_path_buf(),
            "holds the site folder",
        ),
    ];
    for (output, why) in &targets {
        for force in [&[][..], &["--force-output"][..]] {
            let o = build_into(root, output, force);
            let err = stderr(&o);
            assert!(
                !o.status.success(),
                "{} {force:?} was accepted",
                output.display()
            );
            assert!(err.contains(why), "{}: {err}", output.display());
            assert!(err.contains(&output.display().to_string()), "{err}");
            assert_eq!(site_files(&site), before, "{} {force:?}", output.display());
        }
    }
    assert!(!root.join("content/new").exists());
    assert!(!root.join("themes").exists());
    // A link to the content folder is the content folder.
    std::os::unix::fs::symlink(root.join("content"), root.join("linked")).unwrap();
    let o = build_into(root, &root.join("linked/questions"), &["--force-output"]);
    assert!(
        stderr(&o).contains("inside the site's content folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(site_files(&site), before, "nothing added or lost");
}

#[test]
fn the_home_folder_is_never_an_output() {
    let site = Site::standard();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("notes.txt"), "mine").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_quaestor"))
        .args([
            "build",
            "--root",
            site.root().to_str().unwrap(),
            "--force-output",
        ])
        .args(["--output", home.path().to_str().unwrap()])
        .env("HOME", home.path())
        .env("CI", "1")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is or holds the home folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_folder_of_someone_s_files_is_refused_unless_forced() {
    let site = Site::standard();
    let theirs = tempfile::tempdir().unwrap();
    let out = theirs.path().join("work");
    std::fs::create_dir_all(out.join("photos")).unwrap();
    std::fs::write(out.join("thesis.txt"), "four years").unwrap();
    std::fs::write(out.join("photos/a.jpg"), "jpeg").unwrap();
    let before = tree(&out);
    for extra in [&[][..], &["--no-cache"][..]] {
        let o = build_into(site.root(), &out, extra);
        let err = stderr(&o);
        assert!(!o.status.success(), "{extra:?}");
        assert!(err.contains(&out.display().to_string()), "{err}");
        assert!(err.contains("did not make"), "{err}");
        assert!(err.contains("--force-output"), "{err}");
        assert_eq!(tree(&out), before);
    }
    // Nothing is left beside it but the lock.
    let beside: Vec<String> = std::fs::read_dir(theirs.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "work" && n != ".work.lock")
        .collect();
    assert!(beside.is_empty(), "{beside:?}");

    // Forced: replaced, and from then on the tool's own.
    let o = build_into(site.root(), &out, &["--force-output"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("thesis.txt").exists());
    assert!(out.join(MARKER).is_file());
    let o = build_into(site.root(), &out, &["--no-cache"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // An empty folder, or a new one, is fine.
    let empty = theirs.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(build_into(site.root(), &empty, &[]).status.success());
    let new = theirs.path().join("a/b/new");
    assert!(build_into(site.root(), &new, &[]).status.success());
    assert!(new.join("index.html").is_file() && new.join(MARKER).is_file());
}

#[test]
fn the_marker_is_the_build_s_own_file() {
    let site = Site::standard();
    site.build().unwrap();
    let marker = site.out().join(MARKER);
    let bytes = std::fs::read(&marker).unwrap();
    // Edited by hand, it is written again, with nothing else changed or with an edit.
    std::fs::write(&marker, "edited").unwrap();
    site.build().unwrap();
    assert_eq!(std::fs::read(&marker).unwrap(), bytes);
    std::fs::write(&marker, "edited").unwrap();
    site.add(
        "7-9",
        "nl",
        &question("7-9", "nl", "Nieuw", &["x"], "2023-02-01", None),
    );
    site.build().unwrap();
    assert_eq!(std::fs::read(&marker).unwrap(), bytes);
    // Removed, the folder is no longer known as the tool's: refused until forced.
    std::fs::remove_file(&marker).unwrap();
    let d = diagnostics(site.build().unwrap_err());
    assert!(d[0].message.contains("did not make"), "{d:?}");
    let forced = quaestor::pipeline::BuildOptions {
        force_output: true,
        ..site.opts()
    };
    quaestor::pipeline::build(&forced).unwrap();
    assert_eq!(std::fs::read(&marker).unwrap(), bytes);
}

/// An output an earlier version made has no marker; the build cache recorded it, which is
/// enough. Without that record it is refused like any folder of files.
#[test]
fn an_output_from_before_the_marker_is_accepted_when_the_cache_knows_it() {
    let site = Site::standard();
    site.build().unwrap();
    let out = site.out();
    // What the earlier version left: no marker, and the cache's record of the folder as it is.
    std::fs::remove_file(out.join(MARKER)).unwrap();
    let state_path = quaestor::cache::state_path(site.root(), &out);
    let mut state = quaestor::cache::State::load(&state_path).unwrap();
    state.files.remove(MARKER);
    state.head.output_id = quaestor::cache::OutputId::of(&out, &state.files).unwrap();
    state.save(&state_path).unwrap();
    site.build()
        .expect("an output the cache recorded is accepted");
    assert!(out.join(MARKER).is_file());

    std::fs::remove_file(out.join(MARKER)).unwrap();
    std::fs::remove_dir_all(site.root().join(quaestor::cache::DIR)).unwrap();
    let e = site.build().unwrap_err();
    let d = diagnostics(e);
    assert!(d[0].message.contains("did not make"), "{d:?}");
    assert!(
        out.join("index.html").is_file(),
        "the refused output is untouched"
    );
}

/// A site of `n` questions for builds that take long enough to overlap.
fn generated(n: u32) -> Site {
    let site = Site::new();
    site.write(
        "quaestor.toml",
        &CONFIG.replace("paginate_by = 2", "paginate_by = 50"),
    );
    for i in 1..=n {
        let id = format!("7-{i}");
        let kw = [["spionage", "defensie", "energie", "klimaat"][i as usize % 4]];
        site.add(
            &id,
            "nl",
            &question(&id, "nl", &format!("Vraag {i}"), &kw, "2023-01-10", None),
        );
    }
    site
}

const BUSY: &str = "another quaestor build is writing";

/// A built site whose output another build holds (the returned lock), with a question added
/// since: the next build has a page to write.
fn locked_with_a_new_question() -> (Site, std::fs::File) {
    let site = Site::standard();
    site.build().unwrap();
    let lock = std::fs::File::create(quaestor::output::folder::lock_path(&site.out())).unwrap();
    // Waits rather than tries: a child another test starts at that moment holds the build's
    // lock, inherited, until it runs its own program.
    lock.lock().unwrap();
    site.add(
        "7-9",
        "nl",
        &question("7-9", "nl", "Nieuw", &["x"], "2023-02-01", None),
    );
    (site, lock)
}

#[test]
fn a_build_of_a_locked_output_fails() {
    let (site, lock) = locked_with_a_new_question();
    let before = tree(&site.out());
    let o = quaestor(site.root(), &["build", "--root", "."]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(
        err.contains(BUSY) && err.contains("wait for it to finish"),
        "{err}"
    );
    assert!(err.contains("output"), "{err}");
    assert_eq!(tree(&site.out()), before);
    drop(lock);
    let o = quaestor(site.root(), &["build", "--root", "."]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.out().join("questions/7-9/index.html").is_file());
}

#[test]
fn a_lock_released_within_a_moment_does_not_fail_the_build() {
    // As when a program that built in-process starts a child: the child holds the lock until it
    // runs its own program.
    let (site, lock) = locked_with_a_new_question();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(lock);
    });
    let o = quaestor(site.root(), &["build", "--root", "."]);
    release.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.out().join("questions/7-9/index.html").is_file());
}

#[test]
fn concurrent_builds_of_one_output_never_lose_files() {
    let site = generated(600);
    let reference = site.root().join("reference");
    let o = build_into(site.root(), &reference, &["--no-cache"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = tree(&reference);
    for round in 0..3 {
        // Cold: no output, no cache.
        let _ = std::fs::remove_dir_all(site.out());
        let _ = std::fs::remove_dir_all(site.root().join(quaestor::cache::DIR));
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_quaestor"))
                    .args(["build", "--root", "."])
                    .current_dir(site.root())
                    .env("CI", "1")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut succeeded = 0;
        for child in children {
            let o = child.wait_with_output().unwrap();
            if o.status.success() {
                succeeded += 1;
            } else {
                assert!(stderr(&o).contains(BUSY), "round {round}: {}", stderr(&o));
            }
        }
        assert!(succeeded >= 1, "round {round}: no build succeeded");
        let got = tree(&site.out());
        let missing: Vec<_> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} files missing, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(3)]
        );
        assert!(
            got == expected,
            "round {round}: the output differs from a clean build"
        );
        // The next build, with the cache, leaves it complete.
        let o = quaestor(site.root(), &["build", "--root", "."]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            tree(&site.out()) == expected,
            "round {round}: after a further build"
        );
    }
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output.") && n != ".output.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A staging folder of a build that is still running is left alone; one of a build that is gone
/// is swept.
#[test]
fn only_a_dead_build_s_staging_folder_is_swept() {
    let site = Site::standard();
    let mut sleeper = Command::new("sleep").arg("30").spawn().unwrap();
    let live = site
        .root()
        .join(format!(".output.staging-{}", sleeper.id()));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::write(live.join("index.html"), "being written").unwrap();
    // A pid no process has (above the kernel's limit).
    let dead = site.root().join(".output.staging-4194400");
    std::fs::create_dir_all(&dead).unwrap();
    site.build().unwrap();
    assert!(
        live.join("index.html").is_file(),
        "a live build's staging folder was removed"
    );
    assert!(!dead.exists(), "a dead build's staging folder was kept");
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
}

#[test]
fn a_hand_edited_output_file_is_rewritten() {
    let site = Site::standard();
    site.build().unwrap();
    let page = site.out().join("questions/7-2/index.html");
    let feed = site.out().join("sitemap.xml");
    let generated = std::fs::read(&page).unwrap();
    let sitemap = std::fs::read(&feed).unwrap();

    // Nothing else changed.
    std::fs::write(&page, "<p>defaced</p>").unwrap();
    std::fs::remove_file(&feed).unwrap();
    site.build().unwrap();
    assert_eq!(
        std::fs::read(&page).unwrap(),
        generated,
        "after a build with nothing changed"
    );
    assert_eq!(std::fs::read(&feed).unwrap(), sitemap);

    // Same length, another question edited in between.
    let mut same_len = generated.clone();
    same_len[0] ^= 0x20;
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, &same_len).unwrap();
    let text = std::fs::read_to_string(site.root().join("content/questions/7/7-4.nl.md")).unwrap();
    site.write(
        "content/questions/7/7-4.nl.md",
        &text.replace("Vraag nummer 4", "Vraag nummer vier"),
    );
    let s = site.build().unwrap();
    assert_eq!(
        std::fs::read(&page).unwrap(),
        generated,
        "after an edit (incremental {})",
        s.incremental
    );
    assert!(site
        .page("questions/7-4/index.html")
        .contains("Vraag nummer vier"));

    // And the next build with nothing changed stops early again.
    let s = site.build().unwrap();
    assert!(s.incremental && s.written == 0, "{s:?}");
}

/// A file whose stamp moved over the same bytes (touched, copied back) is not a change.
#[test]
fn a_touched_output_file_does_not_cost_a_full_build() {
    let site = Site::standard();
    site.build().unwrap();
    let page = site.out().join("questions/7-2/index.html");
    let bytes = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::fs::write(&page, &bytes).unwrap();
    let s = site.build().unwrap();
    assert!(s.incremental && s.written == 0, "{s:?}");
}
