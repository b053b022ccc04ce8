//! `?`: every key available where it was pressed, from the same tables the keys use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::i18n::T;

use super::super::keymap::{self, Cmd, Context};
use super::super::layout::centered;
use super::super::model::{Ctx, Model, Reply, Then};
use super::super::theme::Theme;
use super::super::widgets::{keys_label, overlay_block};

/// The help for the keys of `context` (the screen it opened over).
pub struct Help {
    pub context: Context,
}

impl Help {
    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        match cmd {
            Cmd::Back | Cmd::Help => Reply::then(Then::Close),
            Cmd::Quit => {
                ctx.quit = true;
                Reply::stay()
            }
            _ => Reply::stay(),
        }
    }
}

pub fn draw(help: &Help, model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = model.ctx.lang;
    let rows: Vec<(String, &str)> = keymap::table(help.context)
        .iter()
        .filter(|b| model.available_on_screen(b))
        .map(|b| (keys_label(b.keys, true), b.label.in_lang(lang)))
        .collect();
    // Each column is as wide as its own keys and labels need.
    let widths = |part: &[(String, &str)]| -> (usize, usize) {
        let keys = part.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        let labels = part.iter().map(|(_, l)| l.width()).max().unwrap_or(0);
        (keys, 1 + keys + 2 + labels)
    };
    let cell = |(k, label): &(String, &str), key_width: usize| -> Vec<Span<'static>> {
        vec![
            Span::styled(format!(" {k:<key_width$}  "), theme.key),
            Span::styled(label.to_string(), theme.hint),
        ]
    };
    let half = rows.len().div_ceil(2);
    let (left_keys, left_width) = widths(&rows[..half]);
    let (right_keys, right_width) = widths(&rows[half..]);
    // One column when it fits the height, two side by side on short screens.
    let two = rows.len() + 5 > area.height as usize
        && left_width + right_width + 6 <= area.width as usize;
    let (per_column, key_width) = if two {
        (half, left_keys)
    } else {
        (rows.len(), widths(&rows).0)
    };
    let mut lines: Vec<Line> = (0..per_column)
        .map(|i| {
            let mut spans = cell(&rows[i], key_width);
            if two && let Some(right) = rows.get(i + per_column) {
                let used: usize = spans.iter().map(Span::width).sum();
                spans.push(Span::raw(" ".repeat(left_width + 2 - used)));
                spans.extend(cell(right, right_keys));
            }
            Line::from(spans)
        })
        .collect();
    // Below the keys: the marks, the session, how to close; on a short screen the keys come
    // first and these give way, the blank line first, then the marks, then the closing hint.
    let room = area.height.saturating_sub(2) as usize;
    let mut blank = Some(Line::from(""));
    let mut legend = Some(Line::styled(
        format!(" {}", T::HealthLegend.in_lang(lang)),
        theme.muted,
    ));
    let read_only = model
        .ctx
        .access
        .read_only()
        .then(|| Line::styled(format!(" {}", T::ReadOnly.in_lang(lang)), theme.muted));
    let mut close = Some(Line::styled(
        format!(" {}", T::HelpClose.in_lang(lang)),
        theme.muted,
    ));
    let tail = |b: &Option<Line>, l: &Option<Line>, c: &Option<Line>| {
        usize::from(b.is_some())
            + usize::from(l.is_some())
            + usize::from(read_only.is_some())
            + usize::from(c.is_some())
    };
    for step in 0..3 {
        if lines.len() + tail(&blank, &legend, &close) <= room {
            break;
        }
        match step {
            0 => blank = None,
            1 => legend = None,
            _ => close = None,
        }
    }
    lines.extend(blank);
    lines.extend(legend);
    lines.extend(read_only);
    lines.extend(close);
    let width = (lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = overlay_block(T::HelpTitle.in_lang(lang), theme);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
