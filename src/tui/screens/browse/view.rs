//! Drawing the browse screen: regions, relationships, detail.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, List, ListItem, ListState, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

use crate::domain::Agreement;
use crate::domain::health::{Health, days_since_last};
use crate::domain::text::display_safe;
use crate::i18n::Lang;
use crate::i18n::text::{self, T};

use super::super::super::layout::{Geometry, Scrolled};
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::detail::{self, Include, stage_label};
use super::super::super::widgets::{
    date_text, fit, health_style, highlighted, pane_block, selected_style,
};
use super::{Browse, Pane, Place};

/// Draws the three panes; returns what they measured.
pub fn draw(
    b: &Browse,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    areas: &crate::tui::layout::Areas,
    geometry: &mut Geometry,
) {
    geometry.regions = regions_pane(b, ctx, theme, frame, areas.regions);
    geometry.relationships = relationships_pane(b, ctx, theme, frame, areas.relationships);
    geometry.detail = detail_pane(b, ctx, theme, frame, areas.detail);
}

fn filter_title(b: &Browse, pane: Pane, title: String) -> String {
    match &b.filter {
        Some(f) if f.pane == pane && !f.input.text.is_empty() => {
            format!("{title} /{}", display_safe(&f.input.text))
        }
        _ => title,
    }
}

fn regions_pane(b: &Browse, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) -> usize {
    let focused = b.focus == Pane::Regions;
    let title = filter_title(b, Pane::Regions, T::Regions.in_lang(ctx.lang).to_string());
    let block = pane_block(title, focused, theme);
    let height = area.height.saturating_sub(2) as usize;
    let inner_width = area.width.saturating_sub(2) as usize;
    let offset = b.regions.offset_for(height);
    let items: Vec<ListItem> = b
        .regions
        .rows()
        .iter()
        .skip(offset)
        .take(height)
        .map(|place| {
            // The whole country's row: bold like a province, never dimmed (it is a sum, not
            // a place a scope leaves out).
            let (name, covered) = match place {
                Place::Country => (T::WholeCountry.in_lang(ctx.lang).into(), true),
                Place::Region(id) => match ctx.catalog.region(id) {
                    Some(region) => (
                        display_safe(&region.name),
                        ctx.access.covers(ctx.catalog.as_ref(), id),
                    ),
                    None => return ListItem::new(""),
                },
            };
            let row = b.figures(place);
            let depth = row.map_or(0, |r| r.depth);
            let count = row.map_or(0, |r| r.count);
            let health = row.and_then(|r| r.health);
            let indent = if depth == 0 { "" } else { "  " };
            let mark = health.map(text::health_mark).unwrap_or("·");
            let count_text = count.to_string();
            let tail_width = count_text.len() + 2;
            let name = fit(
                &name,
                inner_width.saturating_sub(tail_width + 1 + indent.len()),
            );
            let pad = inner_width.saturating_sub(indent.len() + name.width() + tail_width);
            let name_style = if depth == 0 {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            // Outside a scoped session's regions: dimmed (the relationships pane's title
            // says why in words).
            let name_style = if covered {
                name_style
            } else {
                name_style.patch(theme.muted)
            };
            let count_style = if count == 0 {
                theme.muted
            } else {
                Style::new()
            };
            let marks = b.region_marks.get(place).map(Vec::as_slice).unwrap_or(&[]);
            let mut spans = vec![Span::raw(indent)];
            spans.extend(highlighted(&name, marks, name_style, theme.highlight));
            spans.extend([
                Span::raw(" ".repeat(pad)),
                Span::styled(count_text, count_style),
                Span::raw(" "),
                Span::styled(mark, health_style(theme, health)),
            ]);
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(selected_style(theme, focused));
    let mut state =
        ListState::default().with_selected(b.regions.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(list, area, &mut state);
    height
}

/// A relationships column: what it shows, how wide, and how much it matters on a small screen.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Partner,
    /// Only for the whole country's agreements.
    Region,
    Country,
    Kind,
    Status,
    Stage,
    Signed,
    Expires,
    Quiet,
    Obstacles,
}

impl Column {
    /// In display order, with their width and their priority (lower is kept longer). The
    /// region comes right after the partner: in the whole country's list it says which of
    /// the many agreements with one partner a row is, so it is kept at 80 columns.
    const ALL: [(Column, u16, u8); 10] = [
        (Column::Partner, 20, 0),
        (Column::Region, 16, 1),
        (Column::Country, 10, 5),
        (Column::Kind, 5, 7),
        (Column::Status, 9, 2),
        (Column::Stage, 14, 9),
        (Column::Signed, 10, 8),
        (Column::Expires, 10, 4),
        (Column::Quiet, 5, 3),
        (Column::Obstacles, 5, 6),
    ];

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Column::Partner => T::Partner.in_lang(lang),
            Column::Region => T::Region.in_lang(lang),
            Column::Country => T::Country.in_lang(lang),
            Column::Kind => T::Kind.in_lang(lang),
            Column::Status => T::Status.in_lang(lang),
            Column::Stage => T::Stage.in_lang(lang),
            Column::Signed => T::Signed.in_lang(lang),
            Column::Expires => T::Expires.in_lang(lang),
            Column::Quiet => T::QuietShort.in_lang(lang),
            Column::Obstacles => T::Obstacles.in_lang(lang),
        }
    }
}

/// The columns that fit in `width`, dropping the least important first; the region column
/// only for the whole country's list.
fn columns_for(width: u16, with_region: bool) -> Vec<(Column, u16)> {
    let mut chosen: Vec<(Column, u16, u8)> = Column::ALL
        .into_iter()
        .filter(|c| with_region || c.0 != Column::Region)
        .collect();
    let total = |cols: &[(Column, u16, u8)]| -> u16 {
        cols.iter().map(|c| c.1).sum::<u16>() + cols.len().saturating_sub(1) as u16
    };
    while total(&chosen) > width && chosen.len() > 1 {
        if let Some(worst) = chosen
            .iter()
            .enumerate()
            .max_by_key(|(_, c)| c.2)
            .map(|(i, _)| i)
        {
            chosen.remove(worst);
        }
    }
    chosen.into_iter().map(|(c, w, _)| (c, w)).collect()
}

fn relationships_pane(
    b: &Browse,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> usize {
    let lang = ctx.lang;
    let focused = b.focus == Pane::Relationships;
    let place = b.selected_place();
    let title = match place
        .and_then(Place::region)
        .and_then(|r| ctx.catalog.region(r))
    {
        _ if place == Some(&Place::Country) => format!(
            "{} · {}",
            T::Relationships.in_lang(lang),
            T::WholeCountry.in_lang(lang)
        ),
        Some(r) if !ctx.access.read_only() && !ctx.access.covers(ctx.catalog.as_ref(), &r.id) => {
            format!(
                "{} · {} [{}]",
                T::Relationships.in_lang(lang),
                display_safe(&r.name),
                T::OutsideScopeMark.in_lang(lang)
            )
        }
        Some(r) => format!(
            "{} · {}",
            T::Relationships.in_lang(lang),
            display_safe(&r.name)
        ),
        None => T::Relationships.in_lang(lang).to_string(),
    };
    let title = filter_title(b, Pane::Relationships, title);
    let block = pane_block(title, focused, theme);
    // Borders and the header row.
    let height = area.height.saturating_sub(3) as usize;
    if b.agreements.is_empty() {
        let text = if b
            .filter
            .as_ref()
            .is_some_and(|f| f.pane == Pane::Relationships)
        {
            T::NothingMatches
        } else {
            T::NoAgreements
        };
        let para = Paragraph::new(Span::styled(text.in_lang(lang), theme.muted)).block(block);
        frame.render_widget(para, area);
        return height;
    }
    let columns = columns_for(area.width.saturating_sub(2), place == Some(&Place::Country));
    let partner_width = {
        let fixed: u16 = columns
            .iter()
            .filter(|(c, _)| *c != Column::Partner)
            .map(|(_, w)| w + 1)
            .sum();
        area.width.saturating_sub(2 + fixed) as usize
    };
    let header = Row::new(
        columns
            .iter()
            .map(|(c, w)| Cell::from(fit(c.title(lang), *w as usize)))
            .collect::<Vec<_>>(),
    )
    .style(theme.header);
    let offset = b.agreements.offset_for(height);
    let rows: Vec<Row> = b
        .agreements
        .rows()
        .iter()
        .skip(offset)
        .take(height)
        .filter_map(|id| {
            let a = ctx.catalog.agreement(*id)?;
            let health = ctx.health_of(a);
            Some(Row::new(
                columns
                    .iter()
                    .map(|(c, w)| {
                        let width = if *c == Column::Partner {
                            partner_width
                        } else {
                            *w as usize
                        };
                        cell(b, ctx, theme, a, health, *c, width)
                    })
                    .collect::<Vec<_>>(),
            ))
        })
        .collect();
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|(c, w)| {
            if *c == Column::Partner {
                Constraint::Fill(1)
            } else {
                Constraint::Length(*w)
            }
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(selected_style(theme, focused));
    let mut state = TableState::default()
        .with_selected(b.agreements.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
    height
}

fn cell<'a>(
    b: &Browse,
    ctx: &Ctx,
    theme: &Theme,
    a: &Agreement,
    health: Health,
    column: Column,
    width: usize,
) -> Cell<'a> {
    let lang = ctx.lang;
    let c = &ctx.catalog;
    match column {
        Column::Partner => {
            let marks = b
                .agreement_marks
                .get(&a.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut spans = vec![
                Span::styled(text::health_mark(health), health_style(theme, Some(health))),
                Span::raw(" "),
            ];
            let name = fit(&display_safe(c.partner_name(a)), width.saturating_sub(2));
            spans.extend(highlighted(&name, marks, Style::new(), theme.highlight));
            Cell::from(Line::from(spans))
        }
        Column::Region => Cell::from(fit(&display_safe(c.region_name(a)), width)),
        Column::Country => Cell::from(fit(
            &display_safe(
                &c.partner(&a.partner)
                    .map(|p| crate::domain::countries::display(&p.country, lang))
                    .unwrap_or_default(),
            ),
            width,
        )),
        Column::Kind => Cell::from(text::kind_short(a.kind, lang)),
        Column::Status => Cell::from(fit(text::status(a.status_on(ctx.today), lang), width)),
        Column::Stage => Cell::from(fit(&stage_label(ctx, &a.stage), width)),
        Column::Signed => Cell::from(date_text(a.signed)),
        Column::Expires => {
            let style = if health == Health::Expired {
                theme.expired
            } else {
                Style::new()
            };
            Cell::from(Span::styled(date_text(a.expires), style))
        }
        Column::Quiet => {
            let days = days_since_last(c.summary(a.id), ctx.today);
            let style = if health == Health::Quiet {
                theme.quiet
            } else {
                Style::new()
            };
            Cell::from(Span::styled(
                days.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                style,
            ))
        }
        // The count, not initials: "ALR" reads as a word; the detail pane names each tag.
        Column::Obstacles => match a.tags_on(ctx.today).count() {
            0 => Cell::from(""),
            n => Cell::from(Span::styled(format!("⚑ {n}"), theme.quiet)),
        },
    }
}

fn detail_pane(b: &Browse, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) -> Scrolled {
    let focused = b.focus == Pane::Detail;
    let agreement = b.detail.and_then(|id| ctx.catalog.agreement(id));
    let title = match agreement {
        Some(a) => format!(
            "{} – {}",
            display_safe(ctx.catalog.region_name(a)),
            display_safe(ctx.catalog.partner_name(a))
        ),
        None => T::Detail.in_lang(ctx.lang).to_string(),
    };
    let block = pane_block(
        fit(&title, area.width.saturating_sub(6) as usize),
        focused,
        theme,
    );
    let width = area.width.saturating_sub(2);
    let visible = area.height.saturating_sub(2) as usize;
    let lines = match agreement {
        Some(a) => detail::lines(
            ctx,
            theme,
            a,
            width,
            Include {
                timeline: true,
                marked: None,
                full: false,
            },
        ),
        None => vec![Line::styled(
            T::NoRegionSelected.in_lang(ctx.lang).to_string(),
            theme.muted,
        )],
    };
    let measured = Scrolled {
        rows: lines.len(),
        visible,
    };
    let scroll = b.detail_scroll.min(measured.max_scroll());
    let below = lines.len().saturating_sub(scroll + visible);
    let mut block = block;
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
    frame.render_widget(Paragraph::new(shown).block(block), area);
    measured
}
