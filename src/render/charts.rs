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

// Drawn narrow with large type, so that the text stays at least 12 px on a 390 px phone, where
// the chart is shown about 350 px wide (style.css caps it at 30rem on wider screens).
const WIDTH: f64 = 420.0;
const FONT: f64 = 15.0;
const INK: &str = "#1a1a1a";
const GRID: &str = "#c8c8c8";
const BAR: &str = "#1d4e89";
const SECOND: &str = "#b35c00";
/// Room on the left for the y-axis scale.
const AXIS: f64 = 40.0;
/// Room on the right, so that a label centred on the last bar stays inside.
const RIGHT: f64 = 10.0;

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"{FONT}\" fill=\"{INK}\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// The top of a count axis and its step: a round step (1, 2, 5, 10, 20, …) giving at most four
/// intervals, so that a bar of 1 does not fill the height when the largest count is 1 of many.
fn scale(max: f64) -> (f64, f64) {
    let max = max.max(1.0);
    let mut step = 1.0;
    'search: for magnitude in [1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0] {
        for m in [1.0, 2.0, 5.0] {
            step = m * magnitude;
            if (max / step).ceil() <= 4.0 {
                break 'search;
            }
        }
    }
    ((max / step).ceil() * step, step)
}

/// A y-axis from 0 to `top` between `base` and `ceiling`, with a grid line and a number at each step.
fn y_axis(out: &mut String, top: f64, step: f64, base: f64, ceiling: f64) {
    let mut v = 0.0;
    while v <= top + 0.5 {
        let y = base - (base - ceiling) * v / top;
        let _ = write!(
            out,
            "<line x1=\"{AXIS}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            AXIS - 6.0,
            y + FONT * 0.35,
            v as u64
        );
        v += step;
    }
    let _ = write!(
        out,
        "<line x1=\"{AXIS}\" y1=\"{ceiling:.1}\" x2=\"{AXIS}\" y2=\"{base:.1}\" stroke=\"{INK}\"/><line x1=\"{AXIS}\" y1=\"{base:.1}\" x2=\"{}\" y2=\"{base:.1}\" stroke=\"{INK}\"/>",
        WIDTH - RIGHT
    );
}

/// Vertical bars, one per category (a distribution), on a counted y-axis. Category labels
/// alternate between two rows so that they do not overlap.
pub fn columns(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let (top_pad, bottom) = (FONT + 8.0, 2.0 * FONT + 16.0);
    let height = 260.0;
    let base = height - bottom;
    let (top, step) = scale(bars.iter().map(|b| b.value).fold(0.0, f64::max));
    let slot = (WIDTH - AXIS - RIGHT) / bars.len().max(1) as f64;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height);
    y_axis(&mut out, top, step, base, top_pad);
    for (i, b) in bars.iter().enumerate() {
        let h = (base - top_pad) * b.value / top;
        let x = AXIS + i as f64 * slot + slot * 0.15;
        let w = slot * 0.7;
        let row = if i % 2 == 0 { 0.0 } else { FONT + 2.0 };
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{BAR}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            base - h,
            x + w / 2.0,
            base - h - 4.0,
            esc(&b.display),
            x + w / 2.0,
            base + FONT + 4.0 + row,
            esc(&b.label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars of shares (0..1), one per row, in the order given: the label on a line of its
/// own (never cut), the bar below it, and the value (with its n) after the bar.
pub fn shares(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let row = 2.0 * FONT + 14.0;
    let value_w = 130.0;
    let height = 6.0 + row * bars.len() as f64;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height.max(40.0));
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let w = (WIDTH - value_w - 4.0) * b.value.clamp(0.0, 1.0);
        // About the characters the line holds at this size.
        let label = shorten(&b.label, (WIDTH / (FONT * 0.55)) as usize);
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect x=\"0\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + FONT,
            esc(&label),
            y + FONT + 5.0,
            FONT,
            w + 6.0,
            y + 2.0 * FONT + 3.0,
            esc(&b.display)
        );
    }
    out.push_str("</svg>");
    out
}

/// `s` cut to `max` characters with an ellipsis (the table beside the chart has it in full).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Two series over time (questions sent and answers received per month), as paired thin bars on
/// a counted y-axis, with a month label every few months, centred and kept inside the chart.
pub fn monthly(
    id: &str,
    title: &str,
    desc: &str,
    months: &[(String, usize, usize)],
    legend: (&str, &str),
) -> String {
    let height = 280.0;
    let (top_pad, bottom) = (2.0 * FONT + 14.0, FONT + 12.0);
    let (top, step) = scale(months.iter().map(|m| m.1.max(m.2)).max().unwrap_or(1) as f64);
    let slot = (WIDTH - AXIS - RIGHT) / months.len().max(1) as f64;
    let base = height - bottom;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, height);
    let _ = write!(
        out,
        "<rect x=\"0\" y=\"4\" width=\"{FONT}\" height=\"{FONT}\" fill=\"{BAR}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text><rect x=\"{:.1}\" y=\"4\" width=\"{FONT}\" height=\"{FONT}\" fill=\"{SECOND}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        FONT + 5.0,
        FONT + 1.0,
        esc(legend.0),
        WIDTH / 2.0,
        WIDTH / 2.0 + FONT + 5.0,
        FONT + 1.0,
        esc(legend.1)
    );
    y_axis(&mut out, top, step, base, top_pad);
    // A label ("2026-10") is about 4.5 em wide; leave a gap between two.
    let label_w = FONT * 4.5;
    let label_every = ((label_w * 1.3) / slot).ceil().max(1.0) as usize;
    for (i, (label, asked, answered)) in months.iter().enumerate() {
        let x = AXIS + i as f64 * slot;
        let w = (slot * 0.4).max(0.5);
        let h1 = (base - top_pad) * *asked as f64 / top;
        let h2 = (base - top_pad) * *answered as f64 / top;
        let _ = write!(
            out,
            "<rect x=\"{:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{h1:.1}\" fill=\"{BAR}\"/><rect x=\"{:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{h2:.1}\" fill=\"{SECOND}\"/>",
            x + slot * 0.1,
            base - h1,
            x + slot * 0.1 + w,
            base - h2
        );
        if i % label_every == 0 {
            let centre = (x + slot / 2.0).clamp(label_w / 2.0, WIDTH - label_w / 2.0);
            let _ = write!(
                out,
                "<text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                base + FONT + 4.0,
                esc(label)
            );
        }
    }
    out.push_str("</svg>");
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

    #[test]
    fn the_count_axis_has_round_steps_above_the_largest_bar() {
        assert_eq!(scale(0.0), (1.0, 1.0));
        assert_eq!(scale(1.0), (1.0, 1.0));
        assert_eq!(scale(3.0), (3.0, 1.0));
        assert_eq!(scale(7.0), (8.0, 2.0));
        assert_eq!(scale(18.0), (20.0, 5.0));
        assert_eq!(scale(130.0), (150.0, 50.0));
    }
}
