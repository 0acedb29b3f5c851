//! [`SenatePage`] → the content file (YAML front matter + Markdown body).
//!
//! The output is the contract with the site generator: field order and formatting are fixed,
//! and nothing in it depends on the run (no timestamps), so re-ingesting is byte-identical.

use super::markdown::body_to_markdown;
use super::model::*;
use std::fmt::Write;

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// Renders the whole file. Ends with exactly one newline.
pub fn to_markdown_file(page: &SenatePage) -> String {
    let mut o = String::with_capacity(page.question.len() * 2 + 1024);
    o.push_str("---\n");
    let _ = writeln!(o, "id: {}", json(&page.id.to_string()));
    o.push_str("assembly: be-senate\n");
    let _ = writeln!(o, "legislature: {}", page.id.legislature);
    let _ = writeln!(o, "number: {}", page.id.number);
    let _ = writeln!(o, "lang: {}", page.lang.code());
    let _ = writeln!(o, "original_lang: {}", page.original_lang.code());
    let _ = writeln!(o, "title: {}", json(&page.title));
    let _ = writeln!(o, "author: {}", json(&page.author));
    if let Some(party) = &page.party {
        let _ = writeln!(o, "party: {}", json(party));
    }
    let _ = writeln!(o, "addressee: {}", json(&page.addressee));
    let _ = writeln!(o, "addressee_kind: {}", page.addressee_kind.as_str());
    let kws: Vec<String> = page.keywords.iter().map(|k| json(k)).collect();
    let _ = writeln!(o, "keywords: [{}]", kws.join(", "));
    let _ = writeln!(o, "date: {}", page.date);
    if let Some(d) = page.deadline {
        let _ = writeln!(o, "deadline: {d}");
    }
    if let Some(d) = page.answered() {
        let _ = writeln!(o, "answered: {d}");
    }
    let _ = writeln!(o, "status: {}", page.status().as_str());
    o.push_str("events:\n");
    for e in &page.events {
        let _ = writeln!(o, "  - {{date: {}, type: {}}}", e.date, e.kind.as_str());
    }
    if !page.links.is_empty() {
        o.push_str("links:\n");
        for l in &page.links {
            let _ = write!(o, "  - {{type: {}, id: {}", l.kind, json(&l.id));
            // The written-question series is the default, left implicit.
            if l.target != LinkKind::WrittenQuestion {
                let _ = write!(o, ", kind: {}", l.target);
            }
            o.push_str("}\n");
        }
    }
    let _ = writeln!(o, "source: {}", json(&page.source_url()));
    o.push_str("---\n");
    let (q, a) = match page.lang {
        Lang::Nl => ("## Vraag", "## Antwoord"),
        Lang::Fr => ("## Question", "## Réponse"),
    };
    o.push_str(q);
    o.push_str("\n\n");
    o.push_str(&body_to_markdown(&page.question));
    o.push('\n');
    if let Some(answer) = &page.answer {
        o.push('\n');
        o.push_str(a);
        o.push_str("\n\n");
        o.push_str(&body_to_markdown(answer));
        o.push('\n');
    }
    o
}
