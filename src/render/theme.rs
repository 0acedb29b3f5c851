//! Themes: Tera templates, static files and UI strings. The default theme is compiled into the
//! binary so that any folder with `quaestor.toml` and `content/` builds; a site overrides any
//! template or static file by putting its own at the same path under `templates/` or `static/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::config::refused;
use crate::error::{Diagnostic, Error, Result};
use crate::site::strings::{self as i18n, Strings};
use crate::site_fs::{self, Refusal, DATA_LIMIT};

static BUNDLED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes");

/// The largest static file published: GitHub Pages refuses files over 100 MB, and the file is
/// held in memory while the build writes it.
pub const STATIC_LIMIT: u64 = 100 * 1024 * 1024;

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `rel` under the site root, read (again without following a link) when it is written.
    Disk {
        root: Arc<Path>,
        rel: PathBuf,
    },
    Bundled(&'static [u8]),
}

impl Source {
    /// Where the file comes from, for messages: its path in the site, or `rel` in the bundled theme.
    pub fn origin(&self, rel: &str) -> PathBuf {
        match self {
            Source::Disk { rel, .. } => rel.clone(),
            Source::Bundled(_) => Path::new("(bundled theme)/static").join(rel),
        }
    }

    /// The file's bytes. A file on disk is read as it is now: one that became a link, a folder
    /// or too large since the theme was loaded is refused.
    pub fn bytes(&self) -> Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Source::Disk { root, rel } => site_fs::read(root, rel, STATIC_LIMIT)
                .map(std::borrow::Cow::Owned)
                .map_err(|r| Error::Invalid(vec![refused(rel, r)])),
            Source::Bundled(b) => Ok(std::borrow::Cow::Borrowed(b)),
        }
    }
}

use crate::site::Outputs;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    outputs: Outputs,
}

fn parse_manifest(shown: &str, text: &str) -> Result<Outputs> {
    toml::from_str::<Manifest>(text).map(|m| m.outputs).map_err(|e| {
        Error::Invalid(vec![Diagnostic::new(shown, e.message().to_string())
            .maybe_line(e.span().map(|s| crate::config::line_of(text, s.start)))
            .help("theme.toml has one table, [outputs], with feeds, calendars, data and search set to true or false")])
    })
}

/// The files of a theme after site overrides, keyed by path relative to `templates/` or `static/`.
pub struct ThemeFiles {
    pub templates: BTreeMap<String, (String, String)>, // name → (shown path, content)
    pub statics: BTreeMap<String, Source>,
    pub strings: Vec<Strings>,
    pub outputs: Outputs,
}

impl ThemeFiles {
    /// Whether any template names `ident` as a whole word. Context values that cost real work
    /// (JSON-LD, say) are only computed for themes that can show them; a template can only
    /// reach a context value by its name.
    pub fn mentions(&self, ident: &str) -> bool {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        self.templates.values().any(|(_, text)| {
            text.match_indices(ident).any(|(at, _)| {
                let before = text.as_bytes()[..at].last().copied();
                let after = text.as_bytes().get(at + ident.len()).copied();
                !before.is_some_and(word) && !after.is_some_and(word)
            })
        })
    }
}

/// Loads theme `name` for a site at `root`: `root/themes/<name>` when present, else the bundled
/// copy. No symbolic link under the site is followed: a link anywhere in the theme or the site's
/// overrides is an error naming it, so a pull request cannot publish a file from outside the site.
pub fn load(root: &Path, name: &str, languages: &[String]) -> Result<ThemeFiles> {
    let mut templates = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let mut problems = Vec::new();
    let theme_dir = Path::new("themes").join(name);
    let strings;
    let mut outputs = Outputs::default();
    let on_disk = match site_fs::is_real_dir(root, &theme_dir) {
        Ok(dir) => dir,
        Err(r) => return Err(Error::Invalid(vec![refused(&theme_dir, r)])),
    };
    if !on_disk && std::fs::symlink_metadata(root.join(&theme_dir)).is_ok() {
        return Err(Error::Invalid(vec![Diagnostic::new(
            &theme_dir,
            "the theme is not a folder",
        )
        .help(
            "a theme is a folder with templates/, static/ and i18n/; remove the file",
        )]));
    }
    if on_disk {
        let manifest = theme_dir.join("theme.toml");
        match site_fs::read_to_string(root, &manifest, DATA_LIMIT) {
            Ok(text) => match parse_manifest(&manifest.display().to_string(), &text) {
                Ok(o) => outputs = o,
                Err(e) => problems.extend(e.diagnostics().iter().cloned()),
            },
            Err(Refusal::Missing) => {}
            Err(r) => problems.push(refused(&manifest, r)),
        }
        let mut files = Files::default();
        read_dir_into(
            root,
            &theme_dir.join("templates"),
            true,
            &mut files,
            &mut problems,
        );
        read_dir_into(
            root,
            &theme_dir.join("static"),
            false,
            &mut files,
            &mut problems,
        );
        templates = files.templates;
        statics = files.statics;
        let dir = theme_dir.join("i18n");
        let read = i18n::load(languages, |lang| {
            let path = dir.join(format!("{lang}.toml"));
            match site_fs::read_to_string(root, &path, DATA_LIMIT) {
                Ok(t) => Ok((path.display().to_string(), t)),
                // A theme without its own strings for a language uses the default theme's.
                Err(Refusal::Missing) if name != "default" => bundled_string_file("default", lang),
                Err(r) => Err(refused(&path, r)),
            }
        });
        strings = match read {
            Ok(s) => s,
            Err(e) => {
                problems.extend(e.diagnostics().iter().cloned());
                Vec::new()
            }
        };
    } else if let Some(dir) = BUNDLED.get_dir(name) {
        for file in all_files(dir) {
            let rel = file.path().strip_prefix(name).unwrap_or(file.path());
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            if let Some(t) = rel_str.strip_prefix("templates/") {
                let content = String::from_utf8_lossy(file.contents()).into_owned();
                templates.insert(
                    t.to_string(),
                    (format!("(bundled theme {name})/{rel_str}"), content),
                );
            } else if let Some(s) = rel_str.strip_prefix("static/") {
                statics.insert(s.to_string(), Source::Bundled(file.contents()));
            }
        }
        strings = bundled_strings(name, languages)?;
        if let Some(f) = BUNDLED.get_file(format!("{name}/theme.toml")) {
            outputs = parse_manifest(
                &format!("(bundled theme) {name}/theme.toml"),
                &String::from_utf8_lossy(f.contents()),
            )?;
        }
    } else {
        return Err(Error::Invalid(vec![Diagnostic::new(
            crate::config::CONFIG_FILE,
            format!("theme `{name}` not found: no folder themes/{name} in the site, and no bundled theme of that name"),
        )
        .field("theme")
        .help("use `default`, or create themes/<name>/ with templates/, static/ and i18n/")]));
    }
    // The site's own overrides.
    let mut files = Files { templates, statics };
    read_dir_into(
        root,
        Path::new("templates"),
        true,
        &mut files,
        &mut problems,
    );
    read_dir_into(root, Path::new("static"), false, &mut files, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut strings = strings;
    if name != "default" {
        let base = bundled_strings("default", languages)?;
        for (s, b) in strings.iter_mut().zip(&base) {
            s.fill_from(b);
        }
    }
    Ok(ThemeFiles {
        templates: files.templates,
        statics: files.statics,
        strings,
        outputs,
    })
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

fn bundled_string_file(
    name: &str,
    lang: &str,
) -> std::result::Result<(String, String), Diagnostic> {
    let path = format!("{name}/i18n/{lang}.toml");
    let shown = format!("(bundled theme) {path}");
    match BUNDLED.get_file(&path) {
        Some(f) => Ok((shown, String::from_utf8_lossy(f.contents()).into_owned())),
        None if name != "default" => bundled_string_file("default", lang),
        None => Err(Diagnostic::new(
            shown,
            "the bundled theme has no strings for this language",
        )),
    }
}

fn bundled_strings(name: &str, languages: &[String]) -> Result<Vec<Strings>> {
    i18n::load(languages, |lang| bundled_string_file(name, lang))
}

/// Templates and static files read so far; later folders override earlier ones.
#[derive(Default)]
struct Files {
    templates: BTreeMap<String, (String, String)>,
    statics: BTreeMap<String, Source>,
}

/// Reads every file under `root/dir` (a `templates/` or `static/` folder) into `files`, keyed by
/// path relative to `dir`. A symbolic link or a special file in there is an error, never skipped
/// without a word: the site would quietly lack a file its author sees in the folder. Hidden
/// entries are skipped unread, as under `content/`: editors keep swap and lock files there
/// (Emacs's lock files are links).
fn read_dir_into(
    root: &Path,
    dir: &Path,
    as_templates: bool,
    files: &mut Files,
    problems: &mut Vec<Diagnostic>,
) {
    match site_fs::is_real_dir(root, dir) {
        Ok(true) => {}
        Ok(false) if std::fs::symlink_metadata(root.join(dir)).is_err() => return,
        Ok(false) => {
            problems.push(
                Diagnostic::new(dir, "not a folder")
                    .help("templates/ and static/ are folders; rename or remove this file"),
            );
            return;
        }
        Err(r) => {
            problems.push(refused(dir, r));
            return;
        }
    }
    let shared_root: Arc<Path> = Arc::from(root);
    let walk = WalkDir::new(root.join(dir))
        .follow_links(false)
        .follow_root_links(false)
        .min_depth(1)
        .sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().unwrap_or(Path::new(""));
                let at = at.strip_prefix(root).unwrap_or(dir).to_path_buf();
                let io = e
                    .into_io_error()
                    .map_or_else(|| "cannot read".to_string(), |e| e.to_string());
                problems.push(
                    Diagnostic::new(at, format!("cannot read: {io}"))
                        .help("check the folder's permissions"),
                );
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let at = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = entry
            .path()
            .strip_prefix(root.join(dir))
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let refusal = if kind.is_symlink() {
            Some(Refusal::Symlink(at.to_path_buf()))
        } else if !kind.is_file() {
            Some(Refusal::NotAFile)
        } else {
            None
        };
        if let Some(r) = refusal {
            problems.push(refused(at, r));
            continue;
        }
        if as_templates {
            match site_fs::read_to_string(root, at, DATA_LIMIT) {
                Ok(content) => {
                    files
                        .templates
                        .insert(rel, (at.display().to_string(), content));
                }
                Err(r) => problems.push(refused(at, r)),
            }
        } else {
            // Read when written; a file too large to publish is said now.
            match entry.metadata() {
                Ok(m) if m.len() > STATIC_LIMIT => problems.push(refused(
                    at,
                    Refusal::TooLarge {
                        size: m.len(),
                        limit: STATIC_LIMIT,
                    },
                )),
                _ => {
                    files.statics.insert(
                        rel,
                        Source::Disk {
                            root: shared_root.clone(),
                            rel: at.to_path_buf(),
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A static file is read when written: one replaced by a link after the theme loaded (a race
    /// with the build) is refused, not followed.
    #[test]
    fn a_static_file_that_became_a_link_is_not_read() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("id_rsa"), "PRIVATE KEY").unwrap();
        std::fs::create_dir(site.path().join("static")).unwrap();
        let file = site.path().join("static/a.css");
        std::fs::write(&file, "p {}").unwrap();
        let theme = load(site.path(), "default", &["nl".to_string()]).unwrap();
        let source = &theme.statics["a.css"];
        assert_eq!(source.bytes().unwrap().as_ref(), b"p {}");
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(outside.path().join("id_rsa"), &file).unwrap();
        let e = source.bytes().unwrap_err();
        let d = e.diagnostics();
        assert_eq!(d.len(), 1, "{e}");
        assert_eq!(d[0].path, Path::new("static/a.css"));
        assert!(d[0].message.contains("symbolic link"), "{d:?}");
    }
}
