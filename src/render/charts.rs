//! Charts as SVG, drawn at build time with no JavaScript. Each has a title and a description for
//! screen readers; the page shows the same numbers in a table beside it.

use std::fmt::Write;

/// One bar: its label, its value, and how the value is written.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub display: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: f64 = 640.0;
const INK: &str = "#1a1a1a";
const BAR: &str = "#1d4e89";
const SECOND: &str = "#b35c00";

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// Vertical bars, one per category (a distribution).
pub fn columns(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let height = 240.0;
    let (top, bottom, left) = (20.0, 50.0, 10.0);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let slot = (WIDTH - 2.0 * left) / bars.len().max(1) as f64;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height);
    let base = height - bottom;
    for (i, b) in bars.iter().enumerate() {
        let h = (base - top) * b.value / max;
        let x = left + i as f64 * slot + slot * 0.15;
        let w = slot * 0.7;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{BAR}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{INK}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{INK}\">{}</text>",
            base - h,
            x + w / 2.0,
            base - h - 4.0,
            esc(&b.display),
            x + w / 2.0,
            base + 16.0,
            esc(&b.label)
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{INK}\"/></svg>",
        WIDTH - left
    );
    out
}

/// Horizontal bars of shares (0..1), one per row, in the order given.
pub fn shares(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let row = 22.0;
    let label_w = 230.0;
    let height = 10.0 + row * bars.len() as f64;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height.max(40.0));
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * row;
        let w = (WIDTH - label_w - 60.0) * b.value.clamp(0.0, 1.0);
        let label: String = b.label.chars().take(34).collect();
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"{INK}\">{}</text><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{INK}\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            esc(&label),
            row - 6.0,
            label_w + w + 4.0,
            y + 14.0,
            esc(&b.display)
        );
    }
    out.push_str("</svg>");
    out
}

/// Two series over time (questions sent and answers received per month), as paired thin bars.
pub fn monthly(
    id: &str,
    title: &str,
    desc: &str,
    months: &[(String, usize, usize)],
    legend: (&str, &str),
) -> String {
    let height = 260.0;
    let (top, bottom, left) = (30.0, 40.0, 10.0);
    let max = months
        .iter()
        .map(|m| m.1.max(m.2))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let slot = (WIDTH - 2.0 * left) / months.len().max(1) as f64;
    let base = height - bottom;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height);
    let _ = write!(
        out,
        "<rect x=\"{left}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{BAR}\"/><text x=\"{}\" y=\"16\" font-size=\"12\" fill=\"{INK}\">{}</text><rect x=\"200\" y=\"6\" width=\"12\" height=\"12\" fill=\"{SECOND}\"/><text x=\"216\" y=\"16\" font-size=\"12\" fill=\"{INK}\">{}</text>",
        left + 16.0,
        esc(legend.0),
        esc(legend.1)
    );
    let label_every = (months.len() / 8).max(1);
    for (i, (label, asked, answered)) in months.iter().enumerate() {
        let x = left + i as f64 * slot;
        let w = (slot * 0.4).max(0.5);
        let h1 = (base - top) * *asked as f64 / max;
        let h2 = (base - top) * *answered as f64 / max;
        let _ = write!(
            out,
            "<rect x=\"{:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{h1:.1}\" fill=\"{BAR}\"/><rect x=\"{:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{h2:.1}\" fill=\"{SECOND}\"/>",
            x + slot * 0.1,
            base - h1,
            x + slot * 0.1 + w,
            base - h2
        );
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"{INK}\">{}</text>",
                x,
                base + 16.0,
                esc(label)
            );
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{INK}\"/></svg>",
        WIDTH - left
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_labelled_and_escaped() {
        let svg = columns(
            "c",
            "Days <to> answer",
            "desc",
            &[Bar {
                label: "0–15".into(),
                value: 3.0,
                display: "3".into(),
            }],
        );
        assert!(svg.contains("aria-labelledby=\"c-t c-d\""));
        assert!(svg.contains("Days &lt;to&gt; answer"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
