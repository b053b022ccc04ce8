//! An agreement's detail as lines of text: partner and country, kind, status and health,
//! stage, dates, the per-year activity chart, earlier terms, fields, obstacle tags, every
//! report, contacts, notes, and (in the browse screen) the timeline.

use chrono::Datelike;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::domain::health::Health;
use crate::domain::text::display_safe;
use crate::domain::{Activity, ActivityId, Agreement};
use crate::i18n::text::{self, T};

use super::super::model::{Ctx, Timeline};
use super::super::theme::Theme;
use super::{date_text, health_style, prewrap};

/// What to include besides the agreement's own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Include {
    /// The timeline, newest first, under the fields.
    pub timeline: bool,
    /// An activity to mark in the timeline.
    pub marked: Option<ActivityId>,
    /// The full screen: the fields pursued as a table, the assessment in full and the
    /// achievements (the detail pane shows the fields on one line and the assessment's
    /// date and reading).
    pub full: bool,
}

pub fn stage_label(ctx: &Ctx, id: &str) -> String {
    let label = ctx
        .catalog
        .stage(id)
        .map(|s| ctx.lang.pick(&s.label_id, &s.label_en))
        .unwrap_or(id);
    display_safe(label).into_owned()
}

pub fn tag_label(ctx: &Ctx, id: &str) -> String {
    let label = ctx
        .catalog
        .tag(id)
        .map(|t| ctx.lang.pick(&t.label_id, &t.label_en))
        .unwrap_or(id);
    display_safe(label).into_owned()
}

/// The detail lines of agreement `a`, broken to `width` columns.
pub fn lines(
    ctx: &Ctx,
    theme: &Theme,
    a: &Agreement,
    width: u16,
    include: Include,
) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let c = &ctx.catalog;
    let health = ctx.health_of(a);
    let partner = c.partner(&a.partner);
    let label = |t: T| Span::styled(format!("{}: ", t.in_lang(lang)), theme.muted);
    let mut lines: Vec<Line<'static>> = Vec::new();

    let mut head = vec![Span::styled(
        display_safe(
            &partner
                .map(|p| crate::domain::countries::display(&p.country, lang))
                .unwrap_or_default(),
        )
        .into_owned(),
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
        Span::raw(format!("{} · ", text::status(a.status_on(ctx.today), lang))),
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
        Span::raw(stage_label(ctx, &a.stage)),
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
    lines.extend(chart_lines(ctx, theme, a, width));
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
    let pursuit = crate::domain::pursuit::pursuit(a, c.summary(a.id), ctx.today);
    if !include.full {
        pursuit_line(ctx, theme, &pursuit, &mut lines);
        assessment_lines(ctx, theme, a, false, &mut lines);
    }
    if a.tags_on(ctx.today).next().is_some() {
        let mut spans = vec![label(T::Obstacles)];
        for t in a.tags_on(ctx.today) {
            let index = c.tags.iter().position(|x| x.id == t).unwrap_or(0);
            spans.push(Span::styled(
                format!(" {} ", tag_label(ctx, t)),
                theme.tag_style(index),
            ));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    report_lines(ctx, theme, a, &mut lines);
    if include.full {
        // The full screen: what a renewal rests on, in full, under the reports.
        pursuit_table(ctx, theme, a, &pursuit, &mut lines);
        lines.push(Line::from(""));
        assessment_lines(ctx, theme, a, true, &mut lines);
        achievement_lines(ctx, theme, a, &mut lines);
        lines.push(Line::from(""));
    }
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
    if include.timeline {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            T::Timeline.in_lang(lang).to_string(),
            theme.title,
        ));
        timeline_lines(ctx, theme, &ctx.timeline, include.marked, &mut lines);
    }
    prewrap(lines, width as usize)
}

/// The fields on one line: each MoU field with its activities in five years (`×` idle),
/// then the fields served outside the MoU (`+`).
fn pursuit_line(
    ctx: &Ctx,
    theme: &Theme,
    p: &crate::domain::pursuit::Pursuit,
    lines: &mut Vec<Line<'static>>,
) {
    if p.fields.is_empty() {
        return;
    }
    let lang = ctx.lang;
    let mut spans = vec![Span::styled(
        format!(
            "{} ({}): ",
            T::FieldsPursued.in_lang(lang),
            text::years_short(crate::domain::pursuit::PURSUIT_YEARS, lang)
        ),
        theme.muted,
    )];
    for (i, f) in p.mou().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        let field = display_safe(&f.field).into_owned();
        if f.idle {
            spans.push(Span::styled(format!("×{field} 0"), theme.expired));
        } else {
            spans.push(Span::raw(format!("{field} {}", f.recent)));
        }
    }
    let outside: Vec<String> = p
        .outside()
        .filter(|f| f.recent > 0)
        .map(|f| format!("+{} {}", display_safe(&f.field), f.recent))
        .collect();
    if !outside.is_empty() {
        spans.push(Span::styled(
            format!("  {}: {}", T::OutsideMou.in_lang(lang), outside.join(" · ")),
            theme.accent,
        ));
    }
    lines.push(Line::from(spans));
}

/// The fields as a table: field, in the MoU, activities in five years, all, the last one,
/// and the suggestion for the next MoU.
fn pursuit_table(
    ctx: &Ctx,
    theme: &Theme,
    a: &Agreement,
    p: &crate::domain::pursuit::Pursuit,
    lines: &mut Vec<Line<'static>>,
) {
    use unicode_width::UnicodeWidthStr;
    let lang = ctx.lang;
    if p.fields.is_empty() {
        return;
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!(
            "{} ({} – {})",
            T::FieldsPursued.in_lang(lang),
            p.since,
            p.as_of
        ),
        theme.title,
    ));
    let names: Vec<String> = p
        .fields
        .iter()
        .map(|f| display_safe(&f.field).into_owned())
        .collect();
    let w = names
        .iter()
        .map(|n| n.width())
        .max()
        .unwrap_or(0)
        .clamp(8, 28);
    let heads = text::pursuit_headers(lang);
    lines.push(Line::styled(
        format!(
            "{:<w$}  {:>5}  {:>5}  {:<10}  {}",
            heads[0], heads[1], heads[2], heads[3], heads[4]
        ),
        theme.muted,
    ));
    for (f, name) in p.fields.iter().zip(names) {
        let name = super::fit(&name, w);
        let pad = w.saturating_sub(name.width());
        let focus = text::focus(f.focus, lang);
        let style = if f.idle {
            theme.expired
        } else if !f.in_mou {
            theme.accent
        } else {
            Style::new()
        };
        let mark = if f.in_mou { " " } else { "+" };
        lines.push(Line::styled(
            format!(
                "{name}{}{mark} {:>5}  {:>5}  {:<10}  {focus}",
                " ".repeat(pad),
                f.recent,
                f.total,
                date_text(f.last)
            ),
            style,
        ));
    }
    let t = &ctx.timeline;
    if t.agreement == Some(a.id) && !t.loading {
        let p = p.clone().with_timeline(&t.activities);
        if let Some(n) = p.unfielded_recent.filter(|n| *n > 0) {
            lines.push(Line::styled(text::unfielded(n, lang), theme.muted));
        }
    }
}

/// The assessment the next signing rests on: its date and reading (and, in full, each
/// principle and mutual benefit), or that there is none.
fn assessment_lines(
    ctx: &Ctx,
    theme: &Theme,
    a: &Agreement,
    full: bool,
    lines: &mut Vec<Line<'static>>,
) {
    use crate::domain::{Principle, kajian};
    let lang = ctx.lang;
    let label = Span::styled(format!("{}: ", T::Assessment.in_lang(lang)), theme.muted);
    let next = kajian::for_next_signing(a, ctx.today);
    let Some(x) = next.or_else(|| kajian::latest(a, ctx.today)) else {
        lines.push(Line::from(vec![
            label,
            Span::styled(T::NotAssessedYet.in_lang(lang).to_string(), theme.quiet),
        ]));
        return;
    };
    let overall = kajian::overall(x);
    let style = match overall {
        crate::domain::Verdict::Safe => Style::new(),
        crate::domain::Verdict::Concerns => theme.expired,
        crate::domain::Verdict::NotAssessed => theme.quiet,
    };
    let mut spans = vec![
        label,
        Span::styled(x.on.to_string(), theme.accent),
        Span::raw(" "),
        Span::styled(text::verdict(overall, lang).to_string(), style),
    ];
    if next.is_none() {
        spans.push(Span::styled(
            format!(" ({})", text::before_term(lang)),
            theme.quiet,
        ));
    }
    lines.push(Line::from(spans));
    if !full {
        return;
    }
    for p in Principle::ALL {
        let j = x.judgement(p);
        let mut t = format!(
            "  {}: {}",
            text::principle(p, lang),
            text::verdict(j.verdict, lang)
        );
        if !j.note.is_empty() {
            t.push_str(&format!(" – {}", display_safe(&j.note)));
        }
        lines.push(Line::raw(t));
    }
    for (t, v) in [
        (T::BenefitRegion, &x.benefit_region),
        (T::BenefitPartner, &x.benefit_partner),
        (T::Fit, &x.fit),
    ] {
        if !v.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}: ", t.in_lang(lang)), theme.muted),
                Span::raw(display_safe(v).into_owned()),
            ]));
        }
    }
}

/// The outcomes recorded, summed by year (from the timeline, once it is read).
fn achievement_lines(ctx: &Ctx, theme: &Theme, a: &Agreement, lines: &mut Vec<Line<'static>>) {
    let t = &ctx.timeline;
    if t.agreement != Some(a.id) || t.loading {
        return;
    }
    let x = crate::domain::pursuit::achievements(&t.activities, ctx.today);
    if x.years.is_empty() {
        return;
    }
    let lang = ctx.lang;
    lines.push(Line::from(""));
    lines.push(Line::styled(
        T::Achievements.in_lang(lang).to_string(),
        theme.title,
    ));
    let row = |label: String, f: &crate::domain::pursuit::Figures| -> Line<'static> {
        Line::raw(format!(
            "{label:<6} {}",
            text::figures(f.outcomes, f.participants, &f.values, lang)
        ))
    };
    for (year, f) in &x.years {
        lines.push(row(year.to_string(), f));
    }
    lines.push(row(text::total_word(lang).to_string(), &x.total));
}

/// Every report owed, newest first: due date, and submitted (late by how much), overdue, or
/// not yet due.
fn report_lines(ctx: &Ctx, theme: &Theme, a: &Agreement, lines: &mut Vec<Line<'static>>) {
    let lang = ctx.lang;
    let r = &a.reporting;
    if r.period_months.is_none() && r.reports.is_empty() {
        return;
    }
    let mut spans = vec![Span::styled(
        format!("{}: ", T::Reports.in_lang(lang)),
        theme.muted,
    )];
    if let Some(p) = r.period_months {
        spans.push(Span::raw(text::every_months(p, lang)));
    }
    lines.push(Line::from(spans));
    for report in r.reports.iter().rev() {
        let (text, style) = match report.submitted {
            Some(s) if s > report.due => (
                format!(
                    "{} {s} ({})",
                    T::Submitted.in_lang(lang),
                    text::late_by((s - report.due).num_days(), lang)
                ),
                theme.quiet,
            ),
            Some(s) => (format!("{} {s}", T::Submitted.in_lang(lang)), Style::new()),
            None if report.due < ctx.today => (
                format!(
                    "{} · {}",
                    T::Overdue.in_lang(lang),
                    T::NotSubmitted.in_lang(lang)
                ),
                theme.expired,
            ),
            None => (T::NotYetDue.in_lang(lang).to_string(), theme.muted),
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
/// as a flat run at a glance. As many recent years as fit the width, at most 30.
fn chart_lines(ctx: &Ctx, theme: &Theme, a: &Agreement, width: u16) -> Vec<Line<'static>> {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let label = format!("{}: ", T::ActivityPerYear.in_lang(ctx.lang));
    let summary = ctx.catalog.summary(a.id);
    let first_year = summary
        .and_then(|s| s.first())
        .map(|d| d.year())
        .into_iter()
        .chain(a.signed.map(|d| d.year()))
        .min();
    let (Some(first), Some(summary)) = (first_year, summary) else {
        return vec![Line::from(vec![
            Span::styled(label, theme.muted),
            Span::styled(T::NoActivity.in_lang(ctx.lang).to_string(), theme.muted),
        ])];
    };
    let last = ctx.today.year().max(first);
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

/// The timeline, newest first: date, kind, title, then description and participants.
pub fn timeline_lines(
    ctx: &Ctx,
    theme: &Theme,
    t: &Timeline,
    marked: Option<ActivityId>,
    lines: &mut Vec<Line<'static>>,
) {
    let lang = ctx.lang;
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
        lines.push(activity_line(
            ctx,
            theme,
            activity,
            marked == Some(activity.id),
        ));
        activity_more(ctx, theme, activity, lines);
    }
}

/// One activity's first line: date, kind, title.
pub fn activity_line(ctx: &Ctx, theme: &Theme, activity: &Activity, marked: bool) -> Line<'static> {
    Line::from(vec![
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
            format!("{:<13}", text::activity_kind(activity.kind, ctx.lang)),
            theme.muted,
        ),
        Span::raw(" "),
        Span::raw(display_safe(&activity.title).into_owned()),
    ])
}

/// An activity's description and participants, indented under it.
pub fn activity_more(
    ctx: &Ctx,
    theme: &Theme,
    activity: &Activity,
    lines: &mut Vec<Line<'static>>,
) {
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
                T::Participants.in_lang(ctx.lang),
                display_safe(&activity.participants.join(", "))
            ),
            theme.muted,
        ));
    }
    if !activity.fields.is_empty() {
        lines.push(Line::styled(
            format!(
                "            {}: {}",
                T::Fields.in_lang(ctx.lang),
                display_safe(&activity.fields.join(", "))
            ),
            theme.muted,
        ));
    }
    if let Some(o) = &activity.outcome {
        let mut t = display_safe(&o.text).into_owned();
        let mut figures = Vec::new();
        if let Some(n) = o.participants {
            figures.push(text::people(u64::from(n), ctx.lang));
        }
        if let Some(v) = o.value {
            figures.push(format!(
                "{} {}",
                crate::brief::amount(v, ctx.lang),
                display_safe(&o.unit)
            ));
        }
        if !figures.is_empty() {
            if !t.is_empty() {
                t.push_str(" · ");
            }
            t.push_str(&figures.join(" · "));
        }
        lines.push(Line::styled(
            format!("            {}: {t}", T::OutcomeLabel.in_lang(ctx.lang)),
            theme.muted,
        ));
    }
}
