//! Drawing a list of agreements.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::domain::text::display_safe;
use crate::i18n::text::{self, T};
use crate::search::Target;

use super::super::super::layout::Geometry;
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::{date_text, fit, health_style, pane_block};
use super::ListScreen;

/// "Obstacle tag: Lack of communication", "Partner: Fujian", "Country: Japan".
fn title(s: &ListScreen, ctx: &Ctx) -> String {
    let lang = ctx.lang;
    let c = &ctx.catalog;
    let (what, name) = match &s.target {
        Target::Tag(id) => (
            T::ObstacleTag,
            c.tag(id)
                .map(|t| lang.pick(&t.label_id, &t.label_en).to_string())
                .unwrap_or_else(|| id.clone()),
        ),
        Target::Partner(id) => (
            T::Partner,
            c.partner(id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.clone()),
        ),
        Target::Country(name) => (T::Country, name.clone()),
        Target::Region(id) => (
            T::Region,
            c.region(id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| id.clone()),
        ),
        Target::Agreement(_) | Target::Activity { .. } => (T::Agreement, String::new()),
    };
    let mut title = format!(
        "{}: {} · {}",
        what.in_lang(lang),
        display_safe(&name),
        text::agreements(s.list.len(), lang)
    );
    if let Some(f) = &s.filter
        && !f.text.is_empty()
    {
        title.push_str(&format!(" /{}", display_safe(&f.text)));
    }
    title
}

pub fn draw(
    s: &ListScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    geometry: &mut Geometry,
) {
    let lang = ctx.lang;
    let block = pane_block(
        fit(&title(s, ctx), area.width.saturating_sub(6) as usize),
        true,
        theme,
    );
    let height = area.height.saturating_sub(3) as usize;
    geometry.list = height;
    if s.list.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(T::NothingMatches.in_lang(lang), theme.muted)).block(block),
            area,
        );
        return;
    }
    let inner = area.width.saturating_sub(2) as usize;
    let (country_w, status_w, date_w) = (14usize, 12usize, 10usize);
    let name_w = inner.saturating_sub(country_w + status_w + date_w + 3);
    let header = Row::new(vec![
        Cell::from(fit(T::Agreement.in_lang(lang), name_w)),
        Cell::from(fit(T::Country.in_lang(lang), country_w)),
        Cell::from(fit(T::Status.in_lang(lang), status_w)),
        Cell::from(fit(T::Expires.in_lang(lang), date_w)),
    ])
    .style(theme.header);
    let offset = s.list.offset_for(height);
    let c = &ctx.catalog;
    let rows: Vec<Row> = s
        .list
        .rows()
        .iter()
        .skip(offset)
        .take(height)
        .filter_map(|id| {
            let a = c.agreement(*id)?;
            let health = ctx.health_of(a);
            let name = format!(
                "{} {} – {}",
                text::health_mark(health),
                display_safe(c.region_name(a)),
                display_safe(c.partner_name(a))
            );
            Some(Row::new(vec![
                Cell::from(Span::styled(
                    fit(&name, name_w),
                    health_style(theme, Some(health)),
                )),
                Cell::from(fit(
                    &display_safe(&c.partner(&a.partner).map_or(String::new(), |p| {
                        crate::domain::countries::display(&p.country, lang).into_owned()
                    })),
                    country_w,
                )),
                Cell::from(fit(text::status(a.status_on(ctx.today), lang), status_w)),
                Cell::from(date_text(a.expires)),
            ]))
        })
        .collect();
    let widths = [
        Constraint::Length(name_w as u16),
        Constraint::Length(country_w as u16),
        Constraint::Length(status_w as u16),
        Constraint::Length(date_w as u16),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state =
        TableState::default().with_selected(s.list.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
}
