//! Drawing the trends: two charts side by side (agreements in force at each year's end,
//! activities a year), then the table of every year.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table, TableState};

use crate::domain::trends::YearRow;
use crate::i18n::text::T;

use super::super::super::layout::Geometry;
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::{fit, pane_block};
use super::TrendsScreen;

pub fn draw(
    s: &TrendsScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
    geometry: &mut Geometry,
) {
    let lang = ctx.lang;
    let mut title = T::TrendsTitle.in_lang(lang).to_string();
    if let (Some(first), Some(last)) = (s.rows.first(), s.rows.last()) {
        title.push_str(&format!(
            " {}–{} ({} {})",
            first.year,
            last.year,
            T::TrendsToDate.in_lang(lang),
            last.through
        ));
    }
    if s.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(T::TrendsEmpty.in_lang(lang), theme.muted))
                .block(pane_block(title, true, theme)),
            body,
        );
        geometry.trends = 0;
        return;
    }
    let chart_height = (body.height / 2).clamp(6, 14);
    let [charts, table] =
        Layout::vertical([Constraint::Length(chart_height), Constraint::Fill(1)]).areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(charts);
    chart(
        &s.rows,
        |r| r.in_force,
        T::TrendsChartInForce.in_lang(lang),
        theme.active,
        theme,
        frame,
        left,
    );
    chart(
        &s.rows,
        |r| r.activities,
        T::TrendsChartActivities.in_lang(lang),
        theme.chart,
        theme,
        frame,
        right,
    );
    geometry.trends = years_table(s, ctx, theme, frame, table, title);
}

fn chart(
    rows: &[YearRow],
    value: fn(&YearRow) -> u32,
    title: &str,
    style: Style,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let points: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (f64::from(r.year), f64::from(value(r))))
        .collect();
    let first = rows.first().map_or(0, |r| r.year);
    let last = rows.last().map_or(0, |r| r.year).max(first + 1);
    let max = rows.iter().map(value).max().unwrap_or(0).max(1);
    let top = f64::from(max);
    let colour = style.fg.unwrap_or(Color::Reset);
    let data = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::new().fg(colour))
        .data(&points);
    let chart = Chart::new(vec![data])
        .block(pane_block(title.to_string(), false, theme))
        .x_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([f64::from(first), f64::from(last)])
                .labels([first.to_string(), last.to_string()]),
        )
        .y_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([0.0, top])
                .labels(["0".to_string(), max.to_string()]),
        );
    frame.render_widget(chart, area);
}

/// The table of years; returns its rows on screen.
fn years_table(
    s: &TrendsScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    title: String,
) -> usize {
    let lang = ctx.lang;
    let heads = [
        T::TrendsYear,
        T::TrendsSigned,
        T::TrendsRenewed,
        T::TrendsInForce,
        T::TrendsExpired,
        T::TrendsActivities,
    ];
    let inner = area.width.saturating_sub(2) as usize;
    let year_w = 6usize;
    let other = (inner.saturating_sub(year_w + 5) / 5).max(4);
    let header = Row::new(
        heads
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let w = if i == 0 { year_w } else { other };
                Cell::from(format!("{:>w$}", fit(t.in_lang(lang), w)))
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.header);
    let height = area.height.saturating_sub(3) as usize;
    let offset = s.years.offset_for(height);
    let rows: Vec<Row> = s
        .rows
        .iter()
        .skip(offset)
        .take(height)
        .map(|r| {
            let n = |v: u32| {
                let text = format!("{v:>other$}");
                if v == 0 {
                    Cell::from(Span::styled(text, theme.muted))
                } else {
                    Cell::from(text)
                }
            };
            Row::new(vec![
                Cell::from(format!("{:>year_w$}", r.year)),
                n(r.signed),
                n(r.renewed),
                n(r.in_force),
                n(r.expired),
                n(r.activities),
            ])
        })
        .collect();
    let mut widths = vec![Constraint::Length(year_w as u16)];
    widths.extend(std::iter::repeat_n(Constraint::Length(other as u16), 5));
    let table = Table::new(rows, widths)
        .header(header)
        .block(pane_block(title, true, theme))
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state =
        TableState::default().with_selected(s.years.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
    height
}
