//! Themes: Tera templates, static files and UI strings. The default theme is compiled into the
//! binary so that any folder with `quaestor.toml` and `content/` builds; a site overrides any
//! template or static file by putting its own at the same path under `templates/` or `static/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use super::i18n::{self, Strings};
use crate::error::{Diagnostic, Error, Result};

static BUNDLED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes");

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Disk(PathBuf),
    Bundled(&'static [u8]),
}

impl Source {
    /// Where the file comes from, for messages: its path on disk, or `rel` in the bundled theme.
    pub fn origin(&self, rel: &str) -> PathBuf {
        match self {
            Source::Disk(p) => p.clone(),
            Source::Bundled(_) => Path::new("(bundled theme)/static").join(rel),
        }
    }

    pub fn bytes(&self) -> Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Source::Disk(p) => std::fs::read(p)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| Error::io("read", p, e)),
            Source::Bundled(b) => Ok(std::borrow::Cow::Borrowed(b)),
        }
    }
}

/// What a theme publishes beside its pages, from its optional `theme.toml`; all on by default.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outputs {
    pub feeds: bool,
    pub calendars: bool,
    pub data: bool,
    pub search: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            feeds: true,
            calendars: true,
            data: true,
            search: true,
        }
    }
}

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

/// Loads theme `name` for a site at `root`: `root/themes/<name>` when present, else the bundled copy.
pub fn load(root: &Path, name: &str, languages: &[String]) -> Result<ThemeFiles> {
    let mut templates = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let on_disk = root.join("themes").join(name);
    let strings;
    let mut outputs = Outputs::default();
    if std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::Invalid(vec![Diagnostic::new(
            crate::config::CONFIG_FILE,
            format!("themes/{name} is a symbolic link"),
        )
        .field("theme")
        .help(
            "a theme is read only from a real folder inside the site; copy it into themes/",
        )]));
    }
    if on_disk.is_dir() {
        let manifest = on_disk.join("theme.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            outputs = parse_manifest(&manifest.display().to_string(), &text)?;
        }
        read_dir_into(
            &on_disk.join("templates"),
            &mut templates,
            &mut BTreeMap::new(),
            true,
        )?;
        read_dir_into(
            &on_disk.join("static"),
            &mut BTreeMap::new(),
            &mut statics,
            false,
        )?;
        let dir = on_disk.join("i18n");
        strings = i18n::load(languages, |lang| {
            let path = dir.join(format!("{lang}.toml"));
            let shown = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(t) => Ok((shown, t)),
                // A theme without its own strings for a language uses the default theme's.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != "default" => {
                    bundled_string_file("default", lang)
                }
                Err(e) => Err((shown, e.to_string())),
            }
        })?;
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
    read_dir_into(
        &root.join("templates"),
        &mut templates,
        &mut BTreeMap::new(),
        true,
    )?;
    read_dir_into(
        &root.join("static"),
        &mut BTreeMap::new(),
        &mut statics,
        false,
    )?;
    let mut strings = strings;
    if name != "default" {
        let base = bundled_strings("default", languages)?;
        for (s, b) in strings.iter_mut().zip(&base) {
            s.fill_from(b);
        }
    }
    Ok(ThemeFiles {
        templates,
        statics,
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
) -> std::result::Result<(String, String), (String, String)> {
    let path = format!("{name}/i18n/{lang}.toml");
    let shown = format!("(bundled theme) {path}");
    match BUNDLED.get_file(&path) {
        Some(f) => Ok((shown, String::from_utf8_lossy(f.contents()).into_owned())),
        None if name != "default" => bundled_string_file("default", lang),
        None => Err((
            shown,
            "the bundled theme has no strings for this language".into(),
        )),
    }
}

fn bundled_strings(name: &str, languages: &[String]) -> Result<Vec<Strings>> {
    i18n::load(languages, |lang| bundled_string_file(name, lang))
}

fn read_dir_into(
    dir: &Path,
    templates: &mut BTreeMap<String, (String, String)>,
    statics: &mut BTreeMap<String, Source>,
    as_templates: bool,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io("read", dir, e.into()))?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if as_templates {
            let content = std::fs::read_to_string(entry.path())
                .map_err(|e| Error::io("read", entry.path(), e))?;
            templates.insert(rel, (entry.path().display().to_string(), content));
        } else {
            statics.insert(rel, Source::Disk(entry.into_path()));
        }
    }
    Ok(())
}
