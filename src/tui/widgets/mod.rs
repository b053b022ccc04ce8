//! Drawing pieces every screen uses: text cut to a width, matched letters highlighted, pane
//! frames, key labels, and the agreement detail.

pub mod detail;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::domain::health::Health;

use super::cells;
use super::keymap::Key;
use super::theme::Theme;

/// Cuts text to a display width, marking the cut with an ellipsis. Cuts at a space when one
/// leaves most of the width used ("no activity since 2017-03-02…" rather than "no activ…"),
/// else between grapheme clusters, never inside one (an accent stays with its letter, a
/// Khmer vowel with its consonant).
pub fn fit(text: &str, width: usize) -> String {
    if cells::width(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - 1;
    let mut end = 0;
    let mut used = 0;
    let mut last_space: Option<(usize, usize)> = None;
    for (at, g) in text.grapheme_indices(true) {
        let w = cells::cluster_width(g);
        if used + w > budget {
            break;
        }
        if g == " " {
            last_space = Some((at, used));
        }
        used += w;
        end = at + g.len();
    }
    let cut = match last_space {
        Some((at, before)) if before * 5 >= budget * 3 => &text[..at],
        _ => &text[..end],
    };
    format!("{}…", cut.trim_end())
}

/// Styled spans cut to a display width, ending with an ellipsis where they were cut.
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        return spans;
    }
    let budget = width.saturating_sub(1);
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    'spans: for span in spans {
        let mut kept = String::new();
        for g in span.content.graphemes(true) {
            if used + g.width() > budget {
                kept.push('…');
                out.push(Span::styled(kept, span.style));
                break 'spans;
            }
            used += g.width();
            kept.push_str(g);
        }
        out.push(Span::styled(kept, span.style));
    }
    if width == 0 {
        out.clear();
    }
    out
}

/// Spans for `text` with the characters at `positions` drawn in `highlight`.
pub fn highlighted(
    text: &str,
    positions: &[usize],
    base: Style,
    highlight: Style,
) -> Vec<Span<'static>> {
    if positions.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (i, c) in text.chars().enumerate() {
        let hit = positions.binary_search(&i).is_ok();
        if hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hit { base.patch(highlight) } else { base },
            ));
        }
        run_hit = hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(
            run,
            if run_hit { base.patch(highlight) } else { base },
        ));
    }
    spans
}

/// A pane's frame: thick and marked when it has the focus.
pub fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, border_type) = if focused {
        (theme.border_focused, BorderType::Thick)
    } else {
        (theme.border, BorderType::Plain)
    };
    let marker = if focused { "▶ " } else { "" };
    Block::new()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(border)
        .title(Span::styled(format!(" {marker}{title} "), theme.title))
}

/// An overlay's frame.
pub fn overlay_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {} ", fit(title, 70)), theme.title))
        .style(theme.base)
}

pub fn selected_style(theme: &Theme, focused: bool) -> Style {
    if focused {
        theme.selected
    } else {
        theme.selected_unfocused
    }
}

pub fn health_style(theme: &Theme, h: Option<Health>) -> Style {
    match h {
        Some(Health::Active) => theme.active,
        Some(Health::Quiet) => theme.quiet,
        Some(Health::Expired) => theme.expired,
        None => theme.muted,
    }
}

pub fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".to_string())
}

/// Keys as the hint bar writes them (a pair as "j/k", a single key alone), or as the help
/// lists them (`all`: every key).
pub fn keys_label(keys: &[Key], all: bool) -> String {
    let pair_of_letters = keys.len() >= 2 && keys[..2].iter().all(|k| matches!(k, Key::Char(_)));
    let shown: Vec<String> = if all {
        keys.iter().map(|k| k.label()).collect()
    } else if pair_of_letters {
        keys.iter().take(2).map(|k| k.label()).collect()
    } else {
        keys.iter().take(1).map(|k| k.label()).collect()
    };
    shown.join(if all { " " } else { "/" })
}

/// Breaks lines to `width` columns (at a space when there is one) before ratatui sees them.
/// ratatui 0.30's word wrapper can leave a wide character (CJK) that does not fit in the
/// last column on the line, where it overwrites the pane's border; lines that already fit
/// are never wrapped again.
pub fn prewrap(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    if width == 0 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let cells: Vec<(String, Style)> = line
            .spans
            .iter()
            .flat_map(|span| {
                let style = line.style.patch(span.style);
                span.content
                    .graphemes(true)
                    .map(move |g| (g.to_string(), style))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut start = 0;
        while start < cells.len() {
            let mut used = 0;
            let mut end = start;
            let mut last_space = None;
            while end < cells.len() {
                let w = cells[end].0.width();
                if used + w > width {
                    break;
                }
                if cells[end].0 == " " {
                    last_space = Some(end);
                }
                used += w;
                end += 1;
            }
            // Where the next line starts: past the space the line breaks at.
            let mut next = end;
            if end == start {
                end = start + 1; // a grapheme wider than the pane: show it alone
                next = end;
            } else if end < cells.len() && cells[end].0 == " " {
                next = end + 1;
            } else if end < cells.len()
                && let Some(space) = last_space.filter(|&s| s > start)
            {
                end = space;
                next = space + 1;
            }
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (text, style) in &cells[start..end] {
                match spans.last_mut() {
                    Some(last) if last.style == *style => last.content.to_mut().push_str(text),
                    _ => spans.push(Span::styled(text.clone(), *style)),
                }
            }
            out.push(Line::from(spans));
            start = next;
        }
    }
    out
}

/// Breaks text into lines of at most `width` columns, at spaces where it can.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = line.width() + usize::from(!line.is_empty()) + word.width();
        if needed > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        if word.width() > width {
            for g in word.graphemes(true) {
                if line.width() + g.width() > width {
                    out.push(std::mem::take(&mut line));
                }
                line.push_str(g);
            }
        } else {
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_ends_with_an_ellipsis_and_keeps_clusters_whole() {
        assert_eq!(fit("Osaka Prefecture", 10), "Osaka Pre…");
        assert_eq!(
            fit("MoU expired 2013-09-25; no activity since 2012", 30),
            "MoU expired 2013-09-25; no…"
        );
        assert_eq!(fit("Osaka", 10), "Osaka");
        // "សៀមរាប": the cut never leaves a vowel sign without its consonant.
        let khmer = fit("សៀមរាប Siem Reap", 4);
        assert!(khmer.ends_with('…'));
        assert!(khmer.width() <= 4, "{khmer:?}");
        for g in khmer.trim_end_matches('…').graphemes(true) {
            assert!("សៀមរាប".contains(g), "{g:?}");
        }
    }
}
