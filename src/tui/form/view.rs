//! Drawing a form: a label and a value per field, errors and notes under their fields, the
//! completions under a lookup, and the save's state at the bottom.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::text::display_safe;
use crate::i18n::T;

use super::super::layout::centered;
use super::super::theme::Theme;
use super::super::widgets::{fit, overlay_block, wrap};
use super::Form;
use super::field::{COMPLETIONS, Value};

/// The form as lines, with the line of the focused field and where the cursor goes.
fn form_lines(
    form: &Form,
    theme: &Theme,
    width: u16,
) -> (Vec<Line<'static>>, usize, Option<(usize, u16)>) {
    let label_width = form
        .fields
        .iter()
        .map(|f| f.label.width() + 2)
        .max()
        .unwrap_or(10)
        .min((width as usize) / 3);
    let value_width = (width as usize).saturating_sub(label_width + 1);
    let mut lines = Vec::new();
    let mut focus_line = 0;
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let mark = if field.required && field.enabled {
            "*"
        } else {
            " "
        };
        let label = fit(&format!("{}{mark}", field.label), label_width);
        let label_style = if !field.enabled {
            theme.muted
        } else if focused {
            theme.key
        } else {
            theme.header
        };
        let mut spans = vec![Span::styled(
            format!("{label:<w$} ", w = label_width),
            label_style,
        )];
        match &field.value {
            Value::Choice { options, at } => {
                let shown = options.get(*at).map_or("", |o| o.1.as_str());
                let text = if focused {
                    format!("◂ {} ▸", display_safe(shown))
                } else {
                    display_safe(shown).into_owned()
                };
                spans.push(Span::styled(
                    fit(&text, value_width),
                    if focused { theme.selected } else { theme.base },
                ));
            }
            Value::Text(input) | Value::Lookup { input, .. } => {
                // The counter shows for the focused field, and for any field nearly full.
                let near_full = input.max() >= 50 && input.len() * 10 >= input.max() * 9;
                let counter = if (focused && input.max() >= 50) || near_full {
                    format!(" {}/{}", input.len(), input.max())
                } else {
                    String::new()
                };
                let room = value_width.saturating_sub(counter.width()).max(1);
                let (shown, at) = if focused {
                    input.window(room)
                } else {
                    (fit(&input.window(usize::MAX / 4).0, room), 0)
                };
                let shown = display_safe(&shown).into_owned();
                let pad = room.saturating_sub(shown.width());
                let style = if !field.enabled {
                    theme.muted
                } else if focused {
                    theme.selected
                } else {
                    theme.base
                };
                spans.push(Span::styled(format!("{shown}{}", " ".repeat(pad)), style));
                spans.push(Span::styled(
                    counter,
                    if near_full {
                        theme.status_error
                    } else {
                        theme.muted
                    },
                ));
                if focused && field.enabled {
                    cursor = Some((lines.len(), (label_width + 1 + at) as u16));
                }
            }
        }
        lines.push(Line::from(spans));
        let indent = " ".repeat(label_width + 1);
        if let Some(error) = &field.error {
            for (n, part) in wrap(&format!("⚠ {}", display_safe(error)), value_width.max(10))
                .into_iter()
                .enumerate()
                .take(4)
            {
                let lead = if n == 0 { "" } else { "  " };
                lines.push(Line::from(Span::styled(
                    format!("{indent}{lead}{part}"),
                    theme.status_error,
                )));
            }
        } else if let Some(note) = &field.note {
            lines.push(Line::from(Span::styled(
                fit(&format!("{indent}{}", display_safe(note)), width as usize),
                theme.muted,
            )));
        }
        if focused
            && let Value::Lookup {
                matches,
                cursor: at,
                open: true,
                ..
            } = &field.value
        {
            for (j, (_, label)) in matches.iter().enumerate().take(COMPLETIONS) {
                let style = if j == *at {
                    theme.selected
                } else {
                    theme.muted
                };
                lines.push(Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(
                        fit(&format!("› {}", display_safe(label)), value_width),
                        style,
                    ),
                ]));
            }
        }
    }
    (lines, focus_line, cursor)
}

pub fn draw(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect, covered: bool) {
    let lang = form.lang;
    let width = area.width.saturating_sub(2).min(100);
    // As tall as the form needs (room for completions under a lookup field), at most the
    // screen.
    let (all, _, _) = form_lines(form, theme, width.saturating_sub(2));
    let lookup = form
        .fields
        .iter()
        .any(|f| matches!(f.value, Value::Lookup { .. }));
    let wanted = all.len() as u16 + 6 + if lookup { COMPLETIONS as u16 } else { 0 };
    let rect = centered(area, width, wanted.min(area.height.saturating_sub(2)));
    frame.render_widget(Clear, rect);
    let block = overlay_block(&display_safe(&form.title), theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    // Messages at the bottom: the conflict, the save under way, the error or a notice.
    let mut footer: Vec<Line<'static>> = Vec::new();
    if let Some(conflict) = &form.conflict {
        footer.push(Line::from(Span::styled(
            display_safe(&conflict.message).into_owned(),
            theme.status_error,
        )));
        for l in conflict.lines.iter().take(6) {
            footer.push(Line::from(Span::styled(format!("  {l}"), theme.accent)));
        }
        footer.push(Line::from(Span::styled(
            T::ConflictKeys.in_lang(lang),
            theme.key,
        )));
    } else if form.saving {
        footer.push(Line::from(Span::styled(
            T::Saving.in_lang(lang),
            theme.muted,
        )));
    } else if let Some(error) = &form.error {
        footer.push(Line::from(Span::styled(
            display_safe(error).into_owned(),
            theme.status_error,
        )));
    } else if let Some(notice) = &form.notice {
        footer.push(Line::from(Span::styled(
            display_safe(notice).into_owned(),
            theme.accent,
        )));
    }
    let footer_height = footer
        .iter()
        .map(|l| (l.width() as u16).div_ceil(inner.width.max(1)).max(1))
        .sum::<u16>()
        .min(inner.height.saturating_sub(2));
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - footer_height);
    let (lines, focus_line, cursor) = form_lines(form, theme, body.width);
    // Scroll so the focused field and its completions stay in view.
    let height = body.height as usize;
    let offset = if focus_line + COMPLETIONS.min(3) + 1 >= height {
        (focus_line + COMPLETIONS.min(3) + 2).saturating_sub(height)
    } else {
        0
    };
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(shown), body);
    if footer_height > 0 {
        frame.render_widget(
            Paragraph::new(footer).wrap(Wrap { trim: false }),
            Rect::new(inner.x, inner.y + body.height, inner.width, footer_height),
        );
    }
    if let Some((line, col)) = cursor
        && line >= offset
        && line - offset < height
        && !covered
        && form.conflict.is_none()
    {
        frame.set_cursor_position(Position::new(
            body.x + col.min(body.width.saturating_sub(1)),
            body.y + (line - offset) as u16,
        ));
    }
}
