//! Errors as types. A [`Diagnostic`] is one problem in one input file, with the line and field a
//! person must fix; a build collects all of them before giving up so that one run shows every bad file.
//! [`terminal_safe`] is how any of it reaches a terminal: messages quote names from hostile files.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as given to the user (relative to the site root when possible).
    pub path: PathBuf,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// The front-matter field, configuration key or template involved.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn maybe_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// Terminal-safe: a message may quote an id or a name that came from a hostile file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use self::terminal_safe as safe;
        write!(f, "{}", safe(&self.path.to_string_lossy()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{}`: ", safe(field))?;
        }
        write!(f, "{}", safe(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", safe(help))?;
        }
        Ok(())
    }
}

/// `text` with every character that a terminal would act on shown as `\u{…}`: C0 and C1
/// controls (escape sequences, bell, carriage return, newline) and the bidirectional overrides
/// that reorder what a reader sees.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Why a command failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input files are wrong; every one of them is listed.
    #[error("{} problem(s) in the input", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// The file system refused something.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A theme template failed to parse or render.
    #[error("template error: {0}")]
    Template(String),
}

impl Error {
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// The diagnostics carried by this error, if it is about input files.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(d) => d,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
