//! Drawing the triage screen: the country's state, obstacle frequencies, the queue.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::domain::builtin::LATE_REPORTS_TAG;
use crate::domain::text::display_safe;
use crate::domain::triage::{Reason, Recommendation};
use crate::i18n::text::{self, T, recommendation};

use super::super::super::layout::Geometry;
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::{fit, fit_spans, highlighted, pane_block};
use super::TriageScreen;

pub fn draw(
    s: &TriageScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
    geometry: &mut Geometry,
) {
    let obstacle_rows = (ctx.catalog.tags.len() as u16).min(body.height / 3);
    let summary_height = (3 + obstacle_rows).min(body.height.saturating_sub(5));
    let [summary, queue] =
        Layout::vertical([Constraint::Length(summary_height), Constraint::Fill(1)]).areas(body);
    summary_lines(s, ctx, theme, frame, summary);
    geometry.triage = queue_table(s, ctx, theme, frame, queue);
}

fn summary_lines(s: &TriageScreen, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang;
    let c = &ctx.catalog;
    let mut lines = Vec::new();
    let mut status_spans = vec![Span::styled(
        format!(" {}: ", T::TriageStatus.in_lang(lang)),
        theme.muted,
    )];
    for st in crate::domain::Status::ALL {
        let n = c
            .agreements
            .iter()
            .filter(|a| a.status_on(ctx.today) == st)
            .count();
        status_spans.push(Span::raw(format!("{} ", text::status(st, lang))));
        status_spans.push(Span::styled(format!("{n}  "), theme.accent));
    }
    lines.push(Line::from(status_spans));
    let expiring = s
        .queue
        .iter()
        .filter(|x| {
            x.reasons
                .iter()
                .any(|r| matches!(r, Reason::ExpiringSoon { .. }))
        })
        .count();
    let count = |rec: Recommendation| {
        s.queue
            .iter()
            .filter(|x| x.recommendation == Some(rec))
            .count()
    };
    let snoozed = c
        .attention
        .values()
        .filter(|n| n.snoozed_on(ctx.today))
        .count();
    lines.push(Line::from(vec![
        Span::styled(
            format!(
                " {} {}: ",
                T::TriageExpiring.in_lang(lang),
                text::days(ctx.rules.expiring_within_days, lang)
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
        Span::styled(format!("{}", s.queue.len()), theme.accent),
        Span::styled(
            format!("  {}: ", T::TriageSnoozed.in_lang(lang)),
            theme.muted,
        ),
        Span::styled(format!("{snoozed}"), theme.accent),
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
                .filter(|a| a.tags_on(ctx.today).any(|x| x == t.id))
                .count();
            let derived = if t.id == LATE_REPORTS_TAG {
                s.queue.iter().filter(|x| x.derived_late_reports).count()
            } else {
                0
            };
            (i, t, tagged, derived)
        })
        // The six obstacles of 2019 always show, at zero too; a tag of the store's own only
        // when it is on an agreement (in a replay, a tag made later is on none yet).
        .filter(|(_, t, tagged, derived)| {
            crate::domain::builtin::is_builtin_tag(&t.id) || tagged + derived > 0
        })
        .collect();
    freq.sort_by(|a, b| (b.2 + b.3).cmp(&(a.2 + a.3)).then(a.0.cmp(&b.0)));
    let max = freq.iter().map(|f| f.2 + f.3).max().unwrap_or(0).max(1);
    let label_width = 30usize.min(area.width as usize / 3);
    let bar_width = (area.width as usize)
        .saturating_sub(label_width + 24)
        .max(4);
    for (i, tag, tagged, derived) in freq
        .into_iter()
        .take(area.height.saturating_sub(3) as usize)
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
    frame.render_widget(Paragraph::new(lines), area);
}

fn queue_table(s: &TriageScreen, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) -> usize {
    let lang = ctx.lang;
    let mut title = T::TriageTitle.in_lang(lang).to_string();
    if let Some(f) = &s.filter
        && !f.text.is_empty()
    {
        title.push_str(&format!(
            " /{} ({}/{})",
            display_safe(&f.text),
            s.list.len(),
            s.queue.len()
        ));
    }
    let block = pane_block(title, true, theme);
    // Borders and the header row.
    let height = area.height.saturating_sub(3) as usize;
    if s.list.is_empty() {
        let text = if s.filter.is_some() {
            T::NothingMatches
        } else {
            T::TriageEmpty
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text.in_lang(lang), theme.muted)).block(block),
            area,
        );
        return height;
    }
    let inner = area.width.saturating_sub(2) as usize;
    let (sev_w, rec_w) = (4usize, 15usize);
    let rest = inner.saturating_sub(sev_w + rec_w + 3);
    let name_w = rest * 45 / 100;
    let reasons_w = rest.saturating_sub(name_w);
    let header = Row::new(vec![
        Cell::from(fit(T::Severity.in_lang(lang), sev_w)),
        Cell::from(fit(T::Recommendation.in_lang(lang), rec_w)),
        Cell::from(fit(T::Agreement.in_lang(lang), name_w)),
        Cell::from(fit(T::Reasons.in_lang(lang), reasons_w)),
    ])
    .style(theme.header);
    let offset = s.list.offset_for(height);
    let rows: Vec<Row> = s
        .list
        .rows()
        .iter()
        .skip(offset)
        .take(height)
        .filter_map(|id| {
            let x = s.queue.iter().find(|x| x.agreement == *id)?;
            let row = s.rows.get(id)?;
            let rec_style = match x.recommendation {
                Some(Recommendation::Renewal) => theme.expired,
                Some(Recommendation::Revitalization) => theme.quiet,
                _ => theme.muted,
            };
            let marks = s.marks.get(id);
            let region = display_safe(&row.region).into_owned();
            let partner = display_safe(&row.partner).into_owned();
            let mut name = highlighted(
                &region,
                marks.map(|m| m[0].as_slice()).unwrap_or(&[]),
                Style::new(),
                theme.highlight,
            );
            name.push(Span::raw(" – "));
            name.extend(highlighted(
                &partner,
                marks.map(|m| m[1].as_slice()).unwrap_or(&[]),
                Style::new(),
                theme.highlight,
            ));
            let name = fit_spans(name, name_w);
            Some(Row::new(vec![
                Cell::from(format!("{:>4}", x.severity)),
                Cell::from(Span::styled(
                    fit(recommendation(x.recommendation, lang), rec_w),
                    rec_style,
                )),
                Cell::from(Line::from(name)),
                Cell::from(Span::styled(
                    fit(&display_safe(&row.reasons), reasons_w),
                    theme.muted,
                )),
            ]))
        })
        .collect();
    let widths = [
        Constraint::Length(sev_w as u16),
        Constraint::Length(rec_w as u16),
        Constraint::Length(name_w as u16),
        Constraint::Length(reasons_w as u16),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state =
        TableState::default().with_selected(s.list.cursor().map(|c| c.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
    height
}
