//! The Markdown body: level-2 sections for the question and the answer, in any of the languages
//! the portal supports.

/// Headings that open the question section.
pub const QUESTION_HEADINGS: &[&str] = &["Vraag", "Question"];
/// Headings that open the answer section.
pub const ANSWER_HEADINGS: &[&str] = &["Antwoord", "Réponse", "Answer"];

/// The two sections of a body, borrowed from the file text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Body<'a> {
    pub question: &'a str,
    pub answer: Option<&'a str>,
    /// 1-based line of the answer heading within the body.
    pub answer_line: Option<usize>,
}

/// A body problem with its 1-based line within the body.
#[derive(Debug, PartialEq, Eq)]
pub struct BodyError {
    pub line: usize,
    pub message: String,
}

/// Splits a body into its sections. Headings inside fenced code blocks do not count.
pub fn split(body: &str) -> Result<Body<'_>, BodyError> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Question,
        Answer,
    }
    let mut current = Section::None;
    let mut question: Option<(usize, usize)> = None;
    let mut answer: Option<(usize, usize)> = None;
    let mut answer_line = None;
    let mut in_fence = false;
    let mut offset = 0;
    for (index, line) in super::lines::inclusive(body).enumerate() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence)
            .then(|| trimmed.strip_prefix("## "))
            .flatten()
            .map(str::trim);
        let Some(heading) = heading else {
            if current == Section::None && !trimmed.is_empty() {
                return Err(BodyError {
                    line: index + 1,
                    message: "text before the first section".into(),
                });
            }
            match current {
                Section::Question => question.as_mut().unwrap().1 = offset,
                Section::Answer => answer.as_mut().unwrap().1 = offset,
                Section::None => {}
            }
            continue;
        };
        if QUESTION_HEADINGS.contains(&heading) {
            if question.is_some() {
                return Err(BodyError {
                    line: index + 1,
                    message: format!("a second question section `## {heading}`"),
                });
            }
            if answer.is_some() {
                return Err(BodyError {
                    line: index + 1,
                    message: "the question section must come before the answer".into(),
                });
            }
            current = Section::Question;
            question = Some((offset, offset));
        } else if ANSWER_HEADINGS.contains(&heading) {
            if answer.is_some() {
                return Err(BodyError {
                    line: index + 1,
                    message: format!("a second answer section `## {heading}`"),
                });
            }
            current = Section::Answer;
            answer = Some((offset, offset));
            answer_line = Some(index + 1);
        } else {
            return Err(BodyError {
                line: index + 1,
                message: format!("unknown section `## {heading}`"),
            });
        }
        let _ = start;
    }
    let Some((qs, qe)) = question else {
        return Err(BodyError {
            line: 1,
            message: "no question section".into(),
        });
    };
    Ok(Body {
        question: body[qs..qe].trim(),
        answer: answer.map(|(s, e)| body[s..e].trim()),
        answer_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_question_and_answer() {
        let b = split("## Vraag\n\nWaarom?\n\n## Antwoord\n\nDaarom.\n").unwrap();
        assert_eq!(b.question, "Waarom?");
        assert_eq!(b.answer, Some("Daarom."));
    }

    #[test]
    fn level_three_headings_stay_inside_sections() {
        let b = split("## Question\n\n### Context\n\ntext\n").unwrap();
        assert_eq!(b.question, "### Context\n\ntext");
        assert_eq!(b.answer, None);
    }

    #[test]
    fn unknown_section_names_its_line() {
        let e = split("## Vraag\n\nx\n\n## Noot\n").unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("Noot"));
    }

    #[test]
    fn missing_question_is_an_error() {
        assert!(split("\n").unwrap_err().message.contains("no question"));
    }
}
