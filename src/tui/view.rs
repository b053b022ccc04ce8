//! Drawing. `view` reads the model and paints a frame; it never changes state.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, BorderType, Borders, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table,
    TableState, Wrap,
};
use unicode_width::UnicodeWidthStr;

use crate::domain::Agreement;
use crate::domain::health::{Health, days_since_last};
use crate::domain::text::display_safe;
use crate::i18n::Lang;

use super::app::{FinderState, Model, Pane, RegionSort, StatusKind};
use super::keymap::{self, Key};
use crate::i18n::text::{self, T};
use super::theme::Theme;

/// Below this size the layout cannot show the three panes legibly.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// From this width the three panes stand side by side.
const WIDE: u16 = 160;

/// Where each part of the screen goes, as a pure function of the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub regions: Rect,
    pub relationships: Rect,
    pub detail: Rect,
    pub hints: Rect,
}

pub fn layout(area: Rect, zoomed: bool) -> Areas {
    let [title, body, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let empty = Rect::new(body.x, body.y, 0, 0);
    if zoomed {
        return Areas {
            title,
            regions: empty,
            relationships: empty,
            detail: body,
            hints,
        };
    }
    let regions_width = if area.width >= 100 { 28 } else { 24 };
    if area.width >= WIDE {
        let [regions, relationships, detail] = Layout::horizontal([
            Constraint::Length(regions_width),
            Constraint::Fill(1),
            Constraint::Percentage(40),
        ])
        .areas(body);
        Areas {
            title,
            regions,
            relationships,
            detail,
            hints,
        }
    } else {
        let [regions, right] =
            Layout::horizontal([Constraint::Length(regions_width), Constraint::Fill(1)])
                .areas(body);
        let [relationships, detail] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(right);
        Areas {
            title,
            regions,
            relationships,
            detail,
            hints,
        }
    }
}

/// Rows visible in the regions and relationships lists at this size.
pub fn list_heights(size: (u16, u16), zoomed: bool) -> (usize, usize) {
    let areas = layout(Rect::new(0, 0, size.0, size.1), zoomed);
    (
        areas.regions.height.saturating_sub(2) as usize,
        // borders and the header row
        areas.relationships.height.saturating_sub(3) as usize,
    )
}

/// Draws the whole dashboard.
pub fn view(model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(model.lang, theme, frame, area);
        return;
    }
    if model.catalog.is_empty() {
        welcome(model.lang, theme, frame, area);
        return;
    }
    let areas = layout(area, model.zoomed);
    title_bar(model, theme, frame, areas.title);
    if let Some(triage) = &model.triage {
        let body = areas.regions.union(areas.relationships).union(areas.detail);
        triage_screen(model, triage, theme, frame, body);
        hint_bar(model, theme, frame, areas.hints);
        overlays(model, theme, frame, area);
        return;
    }
    if !model.zoomed {
        regions_pane(model, theme, frame, areas.regions);
        relationships_pane(model, theme, frame, areas.relationships);
    }
    detail_pane(model, theme, frame, areas.detail);
    hint_bar(model, theme, frame, areas.hints);
    overlays(model, theme, frame, area);
}

/// What is drawn over the panes or the triage screen, topmost last.
fn overlays(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    if let Some(finder) = &model.finder {
        finder_overlay(model, finder, theme, frame, area);
    }
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    if let Some(form) = &model.form {
        super::view_edit::form_overlay(model, form, theme, frame, body);
    }
    if let Some(picker) = &model.tag_picker {
        super::view_edit::tags_overlay(model, picker, theme, frame, body);
    }
    if let Some(prompt) = &model.prompt {
        super::view_edit::prompt_overlay(prompt, theme, frame, body);
    }
    if model.help_open {
        help_overlay(model, theme, frame, area);
    }
}

/// The triage screen's summary rows and queue area inside `body`.
fn triage_layout(model: &Model, body: Rect) -> (Rect, Rect) {
    let obstacle_rows = (model.catalog.tags.len() as u16).min(body.height / 3);
    let summary = (3 + obstacle_rows).min(body.height.saturating_sub(5));
    let [top, rest] =
        Layout::vertical([Constraint::Length(summary), Constraint::Fill(1)]).areas(body);
    (top, rest)
}

/// Queue rows that fit on screen at the model's size.
pub fn triage_rows_visible(model: &Model) -> usize {
    let areas = layout(Rect::new(0, 0, model.size.0, model.size.1), true);
    let (_, table) = triage_layout(model, areas.detail);
    // borders and the header row
    table.height.saturating_sub(3).max(1) as usize
}

fn triage_screen(
    model: &Model,
    view: &super::app::TriageView,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
) {
    use crate::domain::triage::{Reason, Recommendation};
    let lang = model.lang;
    let c = &model.catalog;
    let (summary_area, table_area) = triage_layout(model, body);

    // The state of the whole country on a few lines.
    let mut lines = Vec::new();
    let mut status_spans = vec![Span::styled(
        format!(" {}: ", T::TriageStatus.in_lang(lang)),
        theme.muted,
    )];
    for s in crate::domain::Status::ALL {
        let n = c.agreements.iter().filter(|a| a.status == s).count();
        status_spans.push(Span::raw(format!("{} ", text::status(s, lang))));
        status_spans.push(Span::styled(format!("{n}  "), theme.accent));
    }
    lines.push(Line::from(status_spans));
    let expiring = view
        .queue
        .iter()
        .filter(|x| {
            x.reasons
                .iter()
                .any(|r| matches!(r, Reason::ExpiringSoon { .. }))
        })
        .count();
    let count = |rec: Recommendation| {
        view.queue
            .iter()
            .filter(|x| x.recommendation == Some(rec))
            .count()
    };
    lines.push(Line::from(vec![
        Span::styled(
            format!(
                " {} {} {}: ",
                T::TriageExpiring.in_lang(lang),
                model.rules.expiring_within_days,
                T::Days.in_lang(lang)
            ),
            theme.muted,
        ),
        Span::styled(format!("{expiring}"), theme.quiet),
        Span::styled(
            format!("  {}: ", T::TriageNeedRenewal.in_lang(lang)),
            theme.muted,
        ),
        Span::styled(format!("{}", count(Recommendation::Renewal)), theme.expired),
        Span::styled(
            format!("  {}: ", T::TriageNeedRevitalization.in_lang(lang)),
            theme.muted,
        ),
        Span::styled(
            format!("{}", count(Recommendation::Revitalization)),
            theme.quiet,
        ),
        Span::styled(format!("  {}: ", T::TriageQueue.in_lang(lang)), theme.muted),
        Span::styled(format!("{}", view.queue.len()), theme.accent),
        Span::styled(
            format!("  {}: ", T::TriageSnoozed.in_lang(lang)),
            theme.muted,
        ),
        Span::styled(
            format!(
                "{}",
                c.attention
                    .values()
                    .filter(|n| n.snoozed_on(model.today))
                    .count()
            ),
            theme.accent,
        ),
    ]));
    lines.push(Line::styled(
        format!(" {}", T::TriageObstacles.in_lang(lang)),
        theme.title,
    ));
    // Obstacle frequencies as bars, most frequent first.
    let mut freq: Vec<(usize, &crate::domain::Tag, usize, usize)> = c
        .tags
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let tagged = c
                .agreements
                .iter()
                .filter(|a| a.obstacles.contains(&t.id))
                .count();
            let derived = if t.id == crate::domain::builtin::LATE_REPORTS_TAG {
                view.queue.iter().filter(|x| x.derived_late_reports).count()
            } else {
                0
            };
            (i, t, tagged, derived)
        })
        .collect();
    freq.sort_by(|a, b| (b.2 + b.3).cmp(&(a.2 + a.3)).then(a.0.cmp(&b.0)));
    let max = freq.iter().map(|f| f.2 + f.3).max().unwrap_or(0).max(1);
    let label_width = 30usize.min(summary_area.width as usize / 3);
    let bar_width = (summary_area.width as usize)
        .saturating_sub(label_width + 24)
        .max(4);
    for (i, tag, tagged, derived) in freq
        .into_iter()
        .take(summary_area.height.saturating_sub(3) as usize)
    {
        let label = lang.pick(&tag.label_id, &tag.label_en);
        let hand = tagged * bar_width / max;
        let auto = (tagged + derived) * bar_width / max - hand;
        let mut spans = vec![
            Span::raw(format!(
                " {:<label_width$} ",
                fit(&display_safe(label), label_width)
            )),
            Span::styled("█".repeat(hand), theme.tag_style(i)),
            Span::styled("░".repeat(auto), theme.muted),
            Span::raw(format!(" {tagged}")),
        ];
        if derived > 0 {
            spans.push(Span::styled(
                format!(" +{derived} {}", T::TriageDerived.in_lang(lang)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), summary_area);

    let mut title = T::TriageTitle.in_lang(lang).to_string();
    if !view.filter.is_empty() {
        title.push_str(&format!(" /{}", display_safe(&view.filter)));
    }
    let block = pane_block(title, true, theme);
    if view.visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(T::TriageEmpty.in_lang(lang), theme.muted)).block(block),
            table_area,
        );
        return;
    }
    let header = Row::new(vec![
        Cell::from(T::Severity.in_lang(lang)),
        Cell::from(T::Recommendation.in_lang(lang)),
        Cell::from(T::Partner.in_lang(lang)),
        Cell::from(T::Reasons.in_lang(lang)),
    ])
    .style(theme.header);
    let visible = triage_rows_visible(model);
    let rows: Vec<Row> = view
        .visible
        .iter()
        .skip(view.offset)
        .take(visible)
        .filter_map(|&i| {
            let x = view.queue.get(i)?;
            let a = c.agreement(x.agreement)?;
            let rec = match x.recommendation {
                Some(Recommendation::Renewal) => (
                    crate::report::recommendation_label(x.recommendation, lang),
                    theme.expired,
                ),
                Some(Recommendation::Revitalization) => (
                    crate::report::recommendation_label(x.recommendation, lang),
                    theme.quiet,
                ),
                _ => (
                    crate::report::recommendation_label(x.recommendation, lang),
                    theme.muted,
                ),
            };
            let reasons = view.reasons.get(i).map(String::as_str).unwrap_or("");
            Some(Row::new(vec![
                Cell::from(format!("{:>4}", x.severity)),
                Cell::from(Span::styled(rec.0, rec.1)),
                Cell::from(format!(
                    "{} – {}",
                    display_safe(c.region_name(a)),
                    display_safe(c.partner_name(a))
                )),
                Cell::from(Span::styled(
                    display_safe(reasons).into_owned(),
                    theme.muted,
                )),
            ]))
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(15),
            Constraint::Percentage(35),
            Constraint::Fill(1),
        ],
    )
    .header(header)
    .block(block)
    .column_spacing(1)
    .row_highlight_style(theme.selected);
    let mut state =
        TableState::default().with_selected(Some(view.cursor.saturating_sub(view.offset)));
    frame.render_stateful_widget(table, table_area, &mut state);
}

/// Spans for `text` with the characters at `positions` drawn in `highlight`.
fn highlighted(
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

/// Positions in `text` matched by the active filter of `pane`, if any.
fn filter_positions(model: &Model, pane: Pane, text: &str) -> Vec<usize> {
    match &model.filter {
        Some(f) if f.pane == pane && !f.input.trim().is_empty() => {
            let query = crate::search::normalize_query(&f.input);
            crate::search::match_text(text, &query)
                .map(|(_, p)| p)
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn filter_title(model: &Model, pane: Pane, title: String) -> String {
    match &model.filter {
        Some(f) if f.pane == pane && !f.input.is_empty() => {
            format!("{title} /{}", display_safe(&f.input))
        }
        _ => title,
    }
}

fn finder_overlay(
    model: &Model,
    finder: &FinderState,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = model.lang;
    let width = area.width.saturating_sub(4).clamp(20, 110);
    let height = (area.height.saturating_sub(2) * 3 / 4)
        .max(8)
        .min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let count = if model.index.is_some() {
        format!(
            " {} / {} ",
            finder.results.len().min(finder.total),
            finder.total
        )
    } else {
        String::new()
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" {} ", T::FinderTitle.in_lang(lang)),
            theme.title,
        ))
        .title_bottom(Line::styled(count, theme.muted).alignment(Alignment::Right))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 2 {
        return;
    }
    let input = Line::from(vec![
        Span::styled("> ", theme.key),
        Span::raw(display_safe(&finder.input).into_owned()),
        Span::styled("▏", theme.key),
    ]);
    frame.render_widget(
        Paragraph::new(input),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let list_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let Some(index) = &model.index else {
        frame.render_widget(
            Paragraph::new(Span::styled(T::FinderIndexing.in_lang(lang), theme.muted)),
            list_area,
        );
        return;
    };
    if finder.results.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(T::FinderNoMatch.in_lang(lang), theme.muted)),
            list_area,
        );
        return;
    }
    let visible = list_area.height as usize;
    let offset = finder.cursor.saturating_sub(visible.saturating_sub(1));
    let query = finder.finder.query();
    let kind_width = 11;
    // Only the rows on screen are laid out and highlighted.
    let lines: Vec<Line> = finder
        .results
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, hit)| {
            let kind = index.kind(hit.doc).label(lang);
            let text_width = (list_area.width as usize).saturating_sub(kind_width + 1);
            let context = index.context(hit.doc);
            let shown = fit(
                &index.display(hit.doc),
                text_width.saturating_sub(context.width().min(text_width / 2) + 2),
            );
            let context = fit(&context, text_width.saturating_sub(shown.width() + 2));
            let positions = crate::search::highlights(index, hit.doc, query);
            let mut spans = vec![Span::styled(format!("{kind:<kind_width$} "), theme.muted)];
            spans.extend(highlighted(
                &shown,
                &positions,
                Style::new(),
                theme.highlight,
            ));
            spans.push(Span::styled(format!("  {context}"), theme.muted));
            let line = Line::from(spans);
            if i == finder.cursor {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
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

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width.min(area.width),
        height.min(area.height),
    )
}

fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
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

fn title_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = model.lang;
    let left = Line::from(vec![
        Span::styled(" kembar ", theme.accent.add_modifier(Modifier::BOLD)),
        Span::styled(
            format!(
                " {} · {} {} · {} {}",
                T::AppSubtitle.in_lang(lang),
                model.catalog.agreements.len(),
                T::Agreements.in_lang(lang),
                T::Today.in_lang(lang),
                model.today
            ),
            theme.muted,
        ),
    ]);
    let sort = match model.sort {
        RegionSort::Name => T::SortName,
        RegionSort::Count => T::SortCount,
        RegionSort::Trouble => T::SortTrouble,
    };
    let right = Line::from(vec![
        Span::styled(T::HealthLegend.in_lang(lang), theme.muted),
        Span::styled(
            format!("  {}: {} ", T::SortBy.in_lang(lang), sort.in_lang(lang)),
            theme.muted,
        ),
    ]);
    frame.render_widget(Paragraph::new(left), area);
    let right_width = right.width() as u16;
    if area.width > left_width(model) + right_width {
        frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), area);
    }
}

fn left_width(model: &Model) -> u16 {
    (T::AppSubtitle.in_lang(model.lang).width() + 40) as u16
}

fn health_style(theme: &Theme, h: Option<Health>) -> Style {
    match h {
        Some(Health::Active) => theme.active,
        Some(Health::Quiet) => theme.quiet,
        Some(Health::Expired) => theme.expired,
        None => theme.muted,
    }
}

fn regions_pane(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Regions;
    let title = filter_title(
        model,
        Pane::Regions,
        T::Regions.in_lang(model.lang).to_string(),
    );
    let block = pane_block(title, focused, theme);
    let inner_width = area.width.saturating_sub(2) as usize;
    let items: Vec<ListItem> = model
        .region_rows
        .iter()
        .map(|row| {
            let region = &model.catalog.regions[row.region];
            let indent = if row.depth == 0 { "" } else { "  " };
            let mark = row.health.map(text::health_mark).unwrap_or("·");
            let count = row.count.to_string();
            let tail_width = count.len() + 2;
            let name = fit(
                &format!("{indent}{}", display_safe(&region.name)),
                inner_width.saturating_sub(tail_width + 1),
            );
            let pad = inner_width.saturating_sub(name.width() + tail_width);
            let name_style = if row.depth == 0 {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            let count_style = if row.count == 0 {
                theme.muted
            } else {
                Style::new()
            };
            let shift = indent.chars().count();
            let positions: Vec<usize> =
                filter_positions(model, Pane::Regions, &model.region_filter_text(row.region))
                    .into_iter()
                    .map(|p| p + shift)
                    .collect();
            let mut spans = highlighted(&name, &positions, name_style, theme.highlight);
            spans.extend([
                Span::raw(" ".repeat(pad)),
                Span::styled(count, count_style),
                Span::raw(" "),
                Span::styled(mark, health_style(theme, row.health)),
            ]);
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(selected_style(theme, focused));
    let mut state = ListState::default()
        .with_offset(model.region_offset)
        .with_selected(Some(model.region_cursor));
    frame.render_stateful_widget(list, area, &mut state);
}

fn selected_style(theme: &Theme, focused: bool) -> Style {
    if focused {
        theme.selected
    } else {
        theme.selected_unfocused
    }
}

/// Cuts text to a display width, marking the cut with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A relationships column: what it shows, how wide, and how much it matters on a small screen.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Partner,
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
    /// In display order, with their width and their priority (lower is kept longer).
    const ALL: [(Column, u16, u8); 9] = [
        (Column::Partner, 20, 0),
        (Column::Country, 10, 4),
        (Column::Kind, 5, 6),
        (Column::Status, 9, 1),
        (Column::Stage, 14, 8),
        (Column::Signed, 10, 7),
        (Column::Expires, 10, 3),
        (Column::Quiet, 5, 2),
        (Column::Obstacles, 5, 5),
    ];

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Column::Partner => T::Partner.in_lang(lang),
            Column::Country => T::Country.in_lang(lang),
            Column::Kind => T::Kind.in_lang(lang),
            Column::Status => T::Status.in_lang(lang),
            Column::Stage => T::Stage.in_lang(lang),
            Column::Signed => T::Signed.in_lang(lang),
            Column::Expires => T::Expires.in_lang(lang),
            Column::Quiet => T::DaysQuiet.in_lang(lang),
            Column::Obstacles => T::Obstacles.in_lang(lang),
        }
    }
}

/// The columns that fit in `width`, dropping the least important first.
fn columns_for(width: u16) -> Vec<(Column, u16)> {
    let mut chosen: Vec<(Column, u16, u8)> = Column::ALL.to_vec();
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

fn relationships_pane(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = model.lang;
    let focused = model.focus == Pane::Relationships;
    let title = match model.selected_region() {
        Some(r) => format!(
            "{} · {}",
            T::Relationships.in_lang(lang),
            display_safe(&r.name)
        ),
        None => T::Relationships.in_lang(lang).to_string(),
    };
    let title = filter_title(model, Pane::Relationships, title);
    let block = pane_block(title, focused, theme);
    if model.agreement_rows.is_empty() {
        let para =
            Paragraph::new(Span::styled(T::NoAgreements.in_lang(lang), theme.muted)).block(block);
        frame.render_widget(para, area);
        return;
    }
    let columns = columns_for(area.width.saturating_sub(2));
    let header = Row::new(
        columns
            .iter()
            .map(|(c, _)| Cell::from(c.title(lang)))
            .collect::<Vec<_>>(),
    )
    .style(theme.header);
    let rows: Vec<Row> = model
        .agreement_rows
        .iter()
        .map(|&i| {
            let a = &model.catalog.agreements[i];
            let health = model.health_of(i);
            Row::new(
                columns
                    .iter()
                    .map(|(c, _)| agreement_cell(model, theme, i, a, health, *c))
                    .collect::<Vec<_>>(),
            )
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
        .with_offset(model.agreement_offset)
        .with_selected(Some(model.agreement_cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".to_string())
}

fn agreement_cell<'a>(
    model: &'a Model,
    theme: &Theme,
    index: usize,
    a: &'a Agreement,
    health: Health,
    column: Column,
) -> Cell<'a> {
    let lang = model.lang;
    let c = &model.catalog;
    match column {
        Column::Partner => {
            let positions = filter_positions(
                model,
                Pane::Relationships,
                &model.agreement_filter_text(index),
            );
            let mut spans = vec![
                Span::styled(text::health_mark(health), health_style(theme, Some(health))),
                Span::raw(" "),
            ];
            spans.extend(highlighted(
                &display_safe(c.partner_name(a)),
                &positions,
                Style::new(),
                theme.highlight,
            ));
            Cell::from(Line::from(spans))
        }
        Column::Country => Cell::from(
            display_safe(
                c.partner(&a.partner)
                    .map(|p| p.country.as_str())
                    .unwrap_or(""),
            )
            .into_owned(),
        ),
        Column::Kind => Cell::from(text::kind_short(a.kind, lang)),
        Column::Status => Cell::from(text::status(a.status, lang)),
        Column::Stage => Cell::from(stage_label(model, &a.stage)),
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
            let days = days_since_last(c.summary(a.id), model.today);
            let style = if health == Health::Quiet {
                theme.quiet
            } else {
                Style::new()
            };
            Cell::from(Span::styled(
                days.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                style,
            ))
            .style(Style::new())
        }
        // The count, not initials: "ALR" reads as a word; the detail pane names each tag.
        Column::Obstacles => match a.obstacles.len() {
            0 => Cell::from(""),
            n => Cell::from(Span::styled(format!("⚑ {n}"), theme.quiet)),
        },
    }
}

fn tag_label<'a>(model: &'a Model, id: &'a str) -> String {
    let label = model
        .catalog
        .tag(id)
        .map(|t| model.lang.pick(&t.label_id, &t.label_en))
        .unwrap_or(id);
    display_safe(label).into_owned()
}

fn stage_label(model: &Model, id: &str) -> String {
    let label = model
        .catalog
        .stage(id)
        .map(|s| model.lang.pick(&s.label_id, &s.label_en))
        .unwrap_or(id);
    display_safe(label).into_owned()
}

/// The detail pane's lines for the selected agreement (also used to bound its scrolling).
pub fn detail_lines(model: &Model, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let lang = model.lang;
    let c = &model.catalog;
    let Some(a) = model.selected_agreement() else {
        return vec![Line::styled(
            T::NoRegionSelected.in_lang(lang).to_string(),
            theme.muted,
        )];
    };
    let Some(index) = model.agreement_rows.get(model.agreement_cursor).copied() else {
        return Vec::new();
    };
    let health = model.health_of(index);
    let partner = c.partner(&a.partner);
    let label = |t: T| Span::styled(format!("{}: ", t.in_lang(lang)), theme.muted);
    let mut lines: Vec<Line<'static>> = Vec::new();

    let mut head = vec![Span::styled(
        display_safe(partner.map(|p| p.country.as_str()).unwrap_or("")).into_owned(),
        theme.accent,
    )];
    if let Some(p) = partner
        && !p.aliases.is_empty()
    {
        head.push(Span::raw(format!(
            " · {}",
            display_safe(&p.aliases.join(", "))
        )));
    }
    lines.push(Line::from(head));
    lines.push(Line::from(vec![
        Span::raw(format!("{} · ", text::kind(a.kind, lang))),
        label(T::Status),
        Span::raw(format!("{} · ", text::status(a.status, lang))),
        Span::styled(
            format!(
                "{} {}",
                text::health_mark(health),
                text::health(health, lang)
            ),
            health_style(theme, Some(health)),
        ),
    ]));
    lines.push(Line::from(vec![
        label(T::Stage),
        Span::raw(stage_label(model, &a.stage)),
    ]));
    lines.push(Line::from(vec![
        label(T::Signed),
        Span::styled(date_text(a.signed), theme.accent),
        Span::raw("  "),
        label(T::Expires),
        Span::styled(
            date_text(a.expires),
            if health == Health::Expired {
                theme.expired
            } else {
                theme.accent
            },
        ),
    ]));
    lines.extend(chart_lines(model, theme, a, width));
    if !a.renewals.is_empty() {
        let terms: Vec<String> = a
            .renewals
            .iter()
            .map(|r| format!("{} – {}", date_text(r.signed), date_text(r.expires)))
            .collect();
        lines.push(Line::from(vec![
            label(T::Renewals),
            Span::raw(terms.join(", ")),
        ]));
    }
    if !a.fields.is_empty() {
        lines.push(Line::from(vec![
            label(T::Fields),
            Span::raw(display_safe(&a.fields.join(", ")).into_owned()),
        ]));
    }
    if !a.obstacles.is_empty() {
        let mut spans = vec![label(T::Obstacles)];
        for t in &a.obstacles {
            let index = c.tags.iter().position(|x| &x.id == t).unwrap_or(0);
            spans.push(Span::styled(
                format!(" {} ", tag_label(model, t)),
                theme.tag_style(index),
            ));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    report_lines(model, theme, a, &mut lines);
    for contact in &a.contacts {
        let mut text = format!(
            "{} ({})",
            display_safe(&contact.name),
            text::side(contact.side, lang)
        );
        for extra in [&contact.role, &contact.email, &contact.phone] {
            if !extra.is_empty() {
                text.push_str(" · ");
                text.push_str(&display_safe(extra));
            }
        }
        lines.push(Line::from(vec![label(T::Contacts), Span::raw(text)]));
    }
    if !a.notes.is_empty() {
        lines.push(Line::from(vec![
            label(T::Notes),
            Span::raw(display_safe(&a.notes).into_owned()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        T::Timeline.in_lang(lang).to_string(),
        theme.title,
    ));
    timeline_lines(model, theme, &mut lines);
    prewrap(lines, width as usize)
}

/// Breaks lines to `width` columns (at a space when there is one) before ratatui sees them.
/// ratatui 0.30's word wrapper can leave a wide character (CJK) that does not fit in the
/// last column on the line, where it overwrites the pane's border; lines that already fit
/// are never wrapped again.
pub fn prewrap(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    use unicode_segmentation::UnicodeSegmentation;
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

fn report_lines(model: &Model, theme: &Theme, a: &Agreement, lines: &mut Vec<Line<'static>>) {
    let lang = model.lang;
    let r = &a.reporting;
    if r.period_months.is_none() && r.reports.is_empty() {
        return;
    }
    let mut spans = vec![Span::styled(
        format!("{}: ", T::Reports.in_lang(lang)),
        theme.muted,
    )];
    if let Some(p) = r.period_months {
        spans.push(Span::raw(format!(
            "{} {p} {} ",
            T::ReportEvery.in_lang(lang),
            T::Months.in_lang(lang)
        )));
    }
    lines.push(Line::from(spans));
    // Newest reports matter most in a meeting; older ones are in the export.
    for report in r.reports.iter().rev().take(4) {
        let (text, style) = match report.submitted {
            Some(s) if s > report.due => (
                format!(
                    "{} {s} ({} {} {})",
                    T::Submitted.in_lang(lang),
                    T::Late.in_lang(lang),
                    (s - report.due).num_days(),
                    T::Days.in_lang(lang)
                ),
                theme.quiet,
            ),
            Some(s) => (format!("{} {s}", T::Submitted.in_lang(lang)), Style::new()),
            None if report.due < model.today => {
                (T::NotSubmitted.in_lang(lang).to_string(), theme.expired)
            }
            None => (T::NotSubmitted.in_lang(lang).to_string(), theme.muted),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} {}  ", T::Due.in_lang(lang), report.due),
                theme.muted,
            ),
            Span::styled(text, style),
        ]));
    }
}

/// Activities per year as a row of block characters, so a partnership that went quiet shows
/// as a flat run at a glance. As many recent years as fit the pane's width, at most 30.
fn chart_lines(model: &Model, theme: &Theme, a: &Agreement, width: u16) -> Vec<Line<'static>> {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let label = format!("{}: ", T::ActivityPerYear.in_lang(model.lang));
    let summary = model.catalog.summary(a.id);
    let first_year = summary
        .and_then(|s| s.first())
        .map(|d| d.year())
        .into_iter()
        .chain(a.signed.map(|d| d.year()))
        .min();
    let (Some(first), Some(summary)) = (first_year, summary) else {
        return vec![Line::from(vec![
            Span::styled(label, theme.muted),
            Span::styled(T::NoActivity.in_lang(model.lang).to_string(), theme.muted),
        ])];
    };
    let last = model.today.year().max(first);
    // "2004 ▕…▏ 2026" takes 12 cells around the bars.
    let span = (width as i32 - 12).clamp(5, 30);
    let first = first.max(last - span + 1);
    let years = summary.yearly(first, last);
    let max = years.iter().map(|&(_, n)| n).max().unwrap_or(0).max(1);
    let bars: String = years
        .iter()
        .map(|&(_, n)| {
            if n == 0 {
                ' '
            } else {
                let level = ((n as usize * BARS.len()).div_ceil(max as usize)).clamp(1, 8);
                BARS[level - 1]
            }
        })
        .collect();
    vec![
        Line::from(vec![
            Span::styled(label, theme.muted),
            Span::styled(format!("max {max}"), theme.muted),
        ]),
        Line::from(vec![
            Span::styled(format!("{first} "), theme.muted),
            Span::styled(format!("▕{bars}▏"), theme.chart),
            Span::styled(format!(" {last}"), theme.muted),
        ]),
    ]
}

fn timeline_lines(model: &Model, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let lang = model.lang;
    let t = &model.timeline;
    if t.loading {
        lines.push(Line::styled(
            T::Loading.in_lang(lang).to_string(),
            theme.muted,
        ));
        return;
    }
    if let Some(e) = &t.error {
        lines.push(Line::styled(
            display_safe(e).into_owned(),
            theme.status_error,
        ));
        return;
    }
    if t.activities.is_empty() {
        lines.push(Line::styled(
            T::NoActivity.in_lang(lang).to_string(),
            theme.muted,
        ));
        return;
    }
    for activity in &t.activities {
        let marked = model.marked_activity == Some(activity.id);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{}", if marked { "▶ " } else { "" }, activity.date),
                if marked {
                    theme.highlight
                } else {
                    theme.accent
                },
            ),
            Span::raw("  "),
            Span::styled(
                format!("{:<13}", text::activity_kind(activity.kind, lang)),
                theme.muted,
            ),
            Span::raw(" "),
            Span::raw(display_safe(&activity.title).into_owned()),
        ]));
        if !activity.description.is_empty() {
            lines.push(Line::styled(
                format!("            {}", display_safe(&activity.description)),
                theme.muted,
            ));
        }
        if !activity.participants.is_empty() {
            lines.push(Line::styled(
                format!(
                    "            {}: {}",
                    T::Participants.in_lang(lang),
                    display_safe(&activity.participants.join(", "))
                ),
                theme.muted,
            ));
        }
    }
}

/// How far the detail pane can scroll: its wrapped text's rows less the rows it shows.
pub fn detail_scroll_max(model: &Model) -> usize {
    let areas = layout(Rect::new(0, 0, model.size.0, model.size.1), model.zoomed);
    let width = areas.detail.width.saturating_sub(2);
    let visible = areas.detail.height.saturating_sub(2) as usize;
    Paragraph::new(detail_lines(model, &Theme::monochrome(), width))
        .wrap(Wrap { trim: false })
        .line_count(width)
        .saturating_sub(visible)
}

fn detail_pane(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Detail;
    let title = match model.selected_agreement() {
        Some(a) => format!(
            "{} – {}",
            display_safe(model.catalog.region_name(a)),
            display_safe(model.catalog.partner_name(a))
        ),
        None => T::Detail.in_lang(model.lang).to_string(),
    };
    let block = pane_block(title, focused, theme);
    let lines = detail_lines(model, theme, area.width.saturating_sub(2));
    let para = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((model.detail_scroll, 0));
    frame.render_widget(para, area);
}

/// Keys as the hint bar writes them: a pair as "j/k", a single key alone.
fn keys_label(keys: &[Key], all: bool) -> String {
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

fn hint_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    if let Some(status) = &model.status {
        let style = match status.kind {
            StatusKind::Ok => theme.status_ok,
            StatusKind::Error => theme.status_error,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {}", display_safe(&status.text)),
                style,
            )),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    if let Some(t) = model.triage.as_ref().filter(|t| t.typing) {
        spans = vec![
            Span::styled("/", theme.key),
            Span::raw(display_safe(&t.filter).into_owned()),
            Span::styled("▏  ", theme.key),
        ];
    } else if let Some(f) = model.filter.as_ref().filter(|f| f.typing) {
        spans = vec![
            Span::styled("/", theme.key),
            Span::raw(display_safe(&f.input).into_owned()),
            Span::styled("▏  ", theme.key),
        ];
    }
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for b in keymap::table(model.mode()).iter().filter(|b| b.hint) {
        let keys = keys_label(b.keys, false);
        let label = b.label.in_lang(model.lang);
        let width = keys.width() + label.width() + 3;
        if used + width > area.width as usize {
            break;
        }
        used += width;
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(format!(" {label}  "), theme.hint));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn help_overlay(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = model.lang;
    let table = if model.triage.is_some() {
        keymap::TRIAGE
    } else {
        keymap::DASHBOARD
    };
    let rows: Vec<(String, &str)> = table
        .iter()
        .map(|b| (keys_label(b.keys, true), b.label.in_lang(lang)))
        .collect();
    let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let cell = |(k, label): &(String, &str)| -> Vec<Span<'static>> {
        vec![
            Span::styled(format!(" {k:<key_width$}  "), theme.key),
            Span::styled(label.to_string(), theme.hint),
        ]
    };
    let cell_width = rows
        .iter()
        .map(|r| cell(r).iter().map(Span::width).sum::<usize>())
        .max()
        .unwrap_or(20);
    // One column when it fits the height, two side by side on short screens.
    let two = rows.len() + 5 > area.height as usize && cell_width * 2 + 6 <= area.width as usize;
    let per_column = if two {
        rows.len().div_ceil(2)
    } else {
        rows.len()
    };
    let mut lines: Vec<Line> = (0..per_column)
        .map(|i| {
            let mut spans = cell(&rows[i]);
            if two && let Some(right) = rows.get(i + per_column) {
                let used: usize = spans.iter().map(Span::width).sum();
                spans.push(Span::raw(" ".repeat(cell_width + 2 - used)));
                spans.extend(cell(right));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!(" {}", T::HealthLegend.in_lang(lang)),
        theme.muted,
    ));
    lines.push(Line::styled(
        format!(" {}", T::HelpClose.in_lang(lang)),
        theme.muted,
    ));
    let width = (lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" {} ", T::HelpTitle.in_lang(lang)),
            theme.title,
        ))
        .style(theme.base);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
