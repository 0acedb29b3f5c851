//! Printing diagnostics for people: each problem with its file, line, field and the source line
//! itself (via codespan-reporting), in colour on a terminal.

use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self,
    termcolor::{ColorChoice, StandardStream},
};

use crate::error::Diagnostic;

/// Writes every diagnostic to stderr. `root` is where relative paths in diagnostics live.
pub fn print(root: &Path, diagnostics: &[Diagnostic], color: bool) {
    let mut files = SimpleFiles::new();
    let stream = StandardStream::stderr(if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    });
    let config = term::Config::default();
    let mut out = stream.lock();
    for d in diagnostics {
        let mut message = d.message.clone();
        if let Some(field) = &d.field {
            message = format!("field `{field}`: {message}");
        }
        let mut report = Report::error().with_message(message);
        let source = std::fs::read_to_string(root.join(&d.path)).ok();
        match (d.line, source) {
            (Some(line), Some(text)) if line >= 1 => {
                let start: usize = text
                    .split_inclusive('\n')
                    .take(line - 1)
                    .map(str::len)
                    .sum();
                let len = text[start.min(text.len())..]
                    .find('\n')
                    .unwrap_or(text.len() - start.min(text.len()));
                let id = files.add(d.path.display().to_string(), text);
                report = report.with_labels(vec![Label::primary(id, start..start + len)]);
            }
            _ => {
                let location = match d.line {
                    Some(l) => format!("{}:{l}", d.path.display()),
                    None => d.path.display().to_string(),
                };
                report = report.with_notes(vec![format!("in {location}")]);
            }
        }
        if let Some(help) = &d.help {
            let mut notes = report.notes.clone();
            notes.push(format!("help: {help}"));
            report = report.with_notes(notes);
        }
        if term::emit(&mut out, &config, &files, &report).is_err() {
            eprintln!("{d}");
        }
    }
}
