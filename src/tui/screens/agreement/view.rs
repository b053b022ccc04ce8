//! Drawing one agreement in full.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::domain::text::display_safe;
use crate::i18n::text::{self, T};

use super::super::super::layout::{self, Geometry, Scrolled};
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::detail::{self, Include};
use super::super::super::widgets::{fit, pane_block, prewrap, selected_style};
use super::{AgreementScreen, Part};

pub fn draw(
    s: &AgreementScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
    geometry: &mut Geometry,
) {
    let Some(a) = ctx.catalog.agreement(s.id) else {
        frame.render_widget(
            Paragraph::new(Span::styled(
                T::AgreementGone.in_lang(ctx.lang),
                theme.muted,
            )),
            body,
        );
        return;
    };
    let (detail_area, timeline_area) = layout::agreement(body);
    let title = format!(
        "{} – {}",
        display_safe(ctx.catalog.region_name(a)),
        display_safe(ctx.catalog.partner_name(a))
    );
    let focused = s.focus == Part::Detail;
    let width = detail_area.width.saturating_sub(2);
    let visible = detail_area.height.saturating_sub(2) as usize;
    let lines = detail::lines(
        ctx,
        theme,
        a,
        width,
        Include {
            timeline: false,
            marked: None,
            full: true,
        },
    );
    let measured = Scrolled {
        rows: lines.len(),
        visible,
    };
    let scroll = s.scroll.min(measured.max_scroll());
    let below = lines.len().saturating_sub(scroll + visible);
    let mut block = pane_block(
        fit(&title, detail_area.width.saturating_sub(6) as usize),
        focused,
        theme,
    );
    if below > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" ▼ {} ", text::more_lines(below, ctx.lang)),
                theme.muted,
            )
            .alignment(Alignment::Right),
        );
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(visible).collect();
    frame.render_widget(Paragraph::new(shown).block(block), detail_area);
    geometry.agreement = measured;
    geometry.timeline = timeline(s, ctx, theme, frame, timeline_area);
}

/// The timeline as a list, with the selected entry's description and participants under it.
fn timeline(s: &AgreementScreen, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) -> usize {
    let lang = ctx.lang;
    let focused = s.focus == Part::Timeline;
    let t = &ctx.timeline;
    let count = if t.agreement == Some(s.id) && !t.loading {
        format!(" ({})", t.activities.len())
    } else {
        String::new()
    };
    let block = pane_block(
        format!("{}{count}", T::Timeline.in_lang(lang)),
        focused,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if t.agreement != Some(s.id) || t.loading || t.error.is_some() || t.activities.is_empty() {
        let mut lines = Vec::new();
        detail::timeline_lines(ctx, theme, t, None, &mut lines);
        frame.render_widget(Paragraph::new(lines), inner);
        return inner.height as usize;
    }
    let selected = s
        .timeline
        .selected()
        .and_then(|id| t.activities.iter().find(|a| a.id == *id));
    let mut more = Vec::new();
    if let Some(activity) = selected {
        detail::activity_more(ctx, theme, activity, &mut more);
    }
    let more = prewrap(more, inner.width as usize);
    let more_height = (more.len() as u16).min(inner.height / 3);
    let [list_area, more_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(more_height)]).areas(inner);
    let height = list_area.height as usize;
    let offset = s.timeline.offset_for(height);
    let items: Vec<ListItem> = s
        .timeline
        .rows()
        .iter()
        .skip(offset)
        .take(height)
        .filter_map(|id| t.activities.iter().find(|a| a.id == *id))
        .map(|activity| {
            let line = detail::activity_line(ctx, theme, activity, s.marked == Some(activity.id));
            let text: String = line.spans.iter().map(|sp| sp.content.as_ref()).collect();
            if text.chars().count() > list_area.width as usize {
                ListItem::new(Line::from(fit(&text, list_area.width as usize)))
            } else {
                ListItem::new(line)
            }
        })
        .collect();
    let list = List::new(items).highlight_style(selected_style(theme, focused));
    let mut state =
        ListState::default().with_selected(s.timeline.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(list, list_area, &mut state);
    frame.render_widget(Paragraph::new(more), more_area);
    height
}
