//! Drawing. [`view`] reads the model and paints a frame from the bottom of the stack up: the
//! title bar, the screen in front, the hint bar, then the overlays. It never changes state;
//! what it measured (list heights, text lengths) it returns, for the model to keep.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::text::display_safe;
use crate::i18n::{Lang, T};

use super::keymap::{self, Context};
use super::layout::{self, Geometry, MIN_HEIGHT, MIN_WIDTH, centered};
use super::model::{Model, StatusKind};
use super::overlays::{self, Overlay};
use super::screens::{self, Screen};
use super::theme::Theme;
use super::widgets::{fit, keys_label};

/// Draws the whole dashboard; returns what the frame measured.
pub fn view(model: &Model, theme: &Theme, frame: &mut Frame) -> Geometry {
    let geometry = draw(model, theme, frame);
    // Every cell goes to the screen writer, which keeps its own copy of what the terminal
    // shows and sends only what differs from that: ratatui's diff of frame against frame
    // cannot know what a terminal did with a cluster it measures otherwise.
    for cell in frame.buffer_mut().content.iter_mut() {
        cell.set_diff_option(ratatui::buffer::CellDiffOption::AlwaysUpdate);
    }
    geometry
}

fn draw(model: &Model, theme: &Theme, frame: &mut Frame) -> Geometry {
    let area = frame.area();
    let mut geometry = model.ctx.geometry;
    geometry.size = (area.width, area.height);
    frame.render_widget(Block::new().style(theme.base), area);
    if layout::too_small(area) {
        too_small(model.ctx.lang, theme, frame, area);
        return geometry;
    }
    if model.ctx.catalog.is_empty() {
        welcome(model.ctx.lang, theme, frame, area);
        return geometry;
    }
    let (title, body, hints) = layout::frame(area);
    title_bar(model, theme, frame, title);
    let ctx = &model.ctx;
    match model.screens.last() {
        None => {
            let areas = layout::browse(area);
            screens::browse::view::draw(&model.browse, ctx, theme, frame, &areas, &mut geometry);
        }
        Some(Screen::Agreement(s)) => {
            screens::agreement::view::draw(s, ctx, theme, frame, body, &mut geometry)
        }
        Some(Screen::Triage(s)) => {
            screens::triage::view::draw(s, ctx, theme, frame, body, &mut geometry)
        }
        Some(Screen::List(s)) => {
            screens::list::view::draw(s, ctx, theme, frame, body, &mut geometry)
        }
        Some(Screen::Map(s)) => screens::map::view::draw(s, ctx, theme, frame, body, &mut geometry),
        Some(Screen::Trends(s)) => {
            screens::trends::view::draw(s, ctx, theme, frame, body, &mut geometry)
        }
    }
    hint_bar(model, theme, frame, hints);
    let top = model.overlays.len().saturating_sub(1);
    for (i, overlay) in model.overlays.iter().enumerate() {
        match overlay {
            Overlay::Help(h) => overlays::help::draw(h, model, theme, frame, area),
            Overlay::Finder(f) => overlays::finder::draw(f, ctx, theme, frame, area, &mut geometry),
            Overlay::Form(f) => super::form::view::draw(f, theme, frame, body, i < top),
            Overlay::Prompt(p) => overlays::prompt::draw(p, theme, frame, body),
            Overlay::Tags(t) => overlays::tags::draw(t, ctx, theme, frame, body),
            Overlay::Reader(r) => overlays::reader::draw(r, theme, frame, body),
        }
    }
    geometry
}

fn too_small(lang: Lang, theme: &Theme, frame: &mut Frame, area: Rect) {
    let text = format!(
        "{} {MIN_WIDTH}x{MIN_HEIGHT} ({}x{})",
        T::TooSmall.in_lang(lang),
        area.width,
        area.height
    );
    let lines = Text::from(vec![Line::from(text)]);
    let y = area.height / 2;
    let para = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .style(theme.accent);
    frame.render_widget(
        para,
        Rect::new(
            area.x,
            area.y + y.saturating_sub(1),
            area.width,
            3.min(area.height),
        ),
    );
}

fn welcome(lang: Lang, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = 72.min(area.width);
    let height = 12.min(area.height);
    let rect = centered(area, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" {} ", T::WelcomeTitle.in_lang(lang)),
            theme.title,
        ));
    let body = Paragraph::new(T::WelcomeBody.in_lang(lang))
        .block(block)
        .wrap(Wrap { trim: false })
        .style(theme.base);
    frame.render_widget(body, rect);
}

fn title_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    use super::screens::browse::RegionSort;
    let ctx = &model.ctx;
    let lang = ctx.lang;
    let mut left = vec![
        Span::styled(" kembar ", theme.accent.add_modifier(Modifier::BOLD)),
        Span::styled(
            format!(
                " {} · {} · {} {}",
                T::AppSubtitle.in_lang(lang),
                crate::i18n::text::agreements(ctx.catalog.agreements.len(), lang),
                T::Today.in_lang(lang),
                ctx.today
            ),
            theme.muted,
        ),
    ];
    if ctx.access.read_only() {
        left.push(Span::styled(
            format!("  [{}]", T::ReadOnlyMark.in_lang(lang)),
            theme.status_error,
        ));
    }
    if let Some(scope) = &ctx.access.scope {
        let names: Vec<String> = scope
            .regions()
            .map(|id| {
                ctx.catalog
                    .region(id)
                    .map_or(id, |r| r.name.as_str())
                    .to_string()
            })
            .collect();
        left.push(Span::styled(
            format!(
                "  [{}: {}]",
                T::ScopeMark.in_lang(lang),
                crate::domain::text::display_safe(&names.join(", "))
            ),
            theme.accent,
        ));
    }
    let left = Line::from(left);
    let sort = match model.browse.sort {
        RegionSort::Name => T::SortName,
        RegionSort::Count => T::SortCount,
        RegionSort::Trouble => T::SortTrouble,
    };
    let mut right_spans = vec![Span::styled(T::HealthLegend.in_lang(lang), theme.muted)];
    if model.screens.is_empty() {
        right_spans.push(Span::styled(
            format!("  {}: {} ", T::SortBy.in_lang(lang), sort.in_lang(lang)),
            theme.muted,
        ));
    }
    let right = Line::from(right_spans);
    let left_width = left.width() as u16;
    frame.render_widget(Paragraph::new(left), area);
    let right_width = right.width() as u16;
    if area.width > left_width + right_width + 2 {
        frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), area);
    }
}

fn hint_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let ctx = &model.ctx;
    if let Some(status) = &ctx.status {
        let style = match status.kind {
            StatusKind::Ok => theme.status_ok,
            StatusKind::Error => theme.status_error,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " {}",
                    fit(
                        &display_safe(&status.text),
                        area.width.saturating_sub(1) as usize
                    )
                ),
                style,
            )),
            area,
        );
        return;
    }
    let context = model.context();
    let mut spans = vec![Span::raw(" ")];
    if context == Context::Filter
        && let Some(text) = typed_filter(model)
    {
        spans = vec![
            Span::styled("/", theme.key),
            Span::raw(display_safe(&text).into_owned()),
            Span::styled("▏  ", theme.key),
        ];
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let hints: Vec<(String, &str, bool)> = keymap::table(context)
        .iter()
        .filter(|b| b.hint && model.binding_available(b))
        .map(|b| {
            (
                keys_label(b.keys, false),
                b.label.in_lang(ctx.lang),
                always_hinted(b.cmd),
            )
        })
        .collect();
    let widths: Vec<usize> = hints
        .iter()
        .map(|(keys, label, _)| keys.width() + label.width() + 3)
        .collect();
    let shown = fit_hints(
        &hints.iter().map(|h| h.2).collect::<Vec<_>>(),
        &widths,
        (area.width as usize).saturating_sub(used),
    );
    for ((keys, label, _), show) in hints.into_iter().zip(shown) {
        if show {
            spans.push(Span::styled(keys, theme.key));
            spans.push(Span::styled(format!(" {label}  "), theme.hint));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Hints the bar keeps however full it is: the way back and the way to every other key.
fn always_hinted(cmd: keymap::Cmd) -> bool {
    matches!(cmd, keymap::Cmd::Back | keymap::Cmd::Help)
}

/// Which hints of a bar `room` columns wide are shown, in table order: those marked `kept`
/// always (while they fit at all), then the others from the top of the table while there is
/// room beside the kept ones; the first that does not fit ends the others, so a hint lower in
/// the table never takes the place of one above it.
fn fit_hints(kept: &[bool], widths: &[usize], room: usize) -> Vec<bool> {
    let mut left = room;
    let mut shown: Vec<bool> = kept
        .iter()
        .zip(widths)
        .map(|(&k, &w)| {
            let fits = k && w <= left;
            if fits {
                left -= w;
            }
            fits
        })
        .collect();
    for (i, (&k, &w)) in kept.iter().zip(widths).enumerate() {
        if k {
            continue;
        }
        if w > left {
            break;
        }
        left -= w;
        shown[i] = true;
    }
    shown
}

/// The text of the filter being typed on the screen in front.
fn typed_filter(model: &Model) -> Option<String> {
    match model.screens.last() {
        None => model.browse.filter.as_ref().map(|f| f.input.text.clone()),
        Some(Screen::Triage(s)) => s.filter.as_ref().map(|f| f.text.clone()),
        Some(Screen::List(s)) => s.filter.as_ref().map(|f| f.text.clone()),
        Some(Screen::Agreement(_) | Screen::Map(_) | Screen::Trends(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::fit_hints;

    #[test]
    fn kept_hints_stay_when_the_bar_is_full() {
        // Five hints of 10 columns, the last two kept, in 35 columns: the kept two and the
        // first one beside them.
        let kept = [false, false, false, true, true];
        let widths = [10; 5];
        assert_eq!(
            fit_hints(&kept, &widths, 35),
            [true, false, false, true, true]
        );
        // Room for all: all, in order.
        assert_eq!(fit_hints(&kept, &widths, 50), [true; 5]);
        // A short hint below one that does not fit is not shown either.
        let widths = [10, 20, 5, 10, 10];
        assert_eq!(
            fit_hints(&kept, &widths, 35),
            [true, false, false, true, true]
        );
        // Too narrow even for the kept ones: what fits of them.
        assert_eq!(
            fit_hints(&kept, &[10; 5], 15),
            [false, false, false, true, false]
        );
    }
}
