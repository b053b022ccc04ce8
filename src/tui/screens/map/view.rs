//! Drawing the map: the world's coastlines and the lines in braille, then the marks of the
//! regions and partners in the cells `domain::geo` puts them in (a shape for each health, so
//! they read without colour), their labels, and the panel beside the map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as Segment, Map, MapResolution};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::countries;
use crate::domain::geo::{self, Bounds};
use crate::domain::text::display_safe;
use crate::domain::{Coordinates, Health};
use crate::i18n::text::{self, T};

use super::super::super::layout::{self, Geometry, MAP_MIN_HEIGHT, MAP_MIN_WIDTH};
use super::super::super::model::Ctx;
use super::super::super::theme::Theme;
use super::super::super::widgets::{fit, health_style, pane_block, wrap};
use super::{MapItem, MapScreen, Scope};

/// The mark of a region on the map.
pub const SEAT_MARK: &str = "◆";
/// Lines from the region to each partner are drawn up to this many partners.
const LINES_UP_TO: usize = 24;

pub fn draw(
    s: &MapScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
    geometry: &mut Geometry,
) {
    let lang = ctx.lang;
    let size = frame.area();
    if size.width < MAP_MIN_WIDTH || size.height < MAP_MIN_HEIGHT {
        let text = text::map_needs_room(
            MAP_MIN_WIDTH,
            MAP_MIN_HEIGHT,
            (size.width, size.height),
            lang,
        );
        let y = body.y + body.height / 2;
        let area = Rect::new(body.x, y.saturating_sub(1), body.width, 3.min(body.height));
        frame.render_widget(
            Paragraph::new(text)
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true })
                .style(theme.accent),
            area,
        );
        return;
    }
    let (map_area, panel) = layout::map(body);
    let (partners, countries) = s.counts();
    let place = match &s.scope {
        Scope::Region(id) => ctx
            .catalog
            .region(id)
            .map_or(id.clone(), |r| r.name.clone()),
        Scope::Country => T::WholeCountry.in_lang(lang).to_string(),
    };
    let block = pane_block(
        text::map_title(&place, partners, countries, lang),
        true,
        theme,
    );
    let inner = block.inner(map_area);
    frame.render_widget(block, map_area);
    geometry.map = (inner.width, inner.height);
    if inner.width < 4 || inner.height < 2 {
        return;
    }
    let view = s.view_in(inner.width, inner.height);
    let bounds = view.bounds(inner.width, inner.height);
    let cell = |at: Coordinates| geo::cell(&bounds, at, inner.width, inner.height);
    world(s, ctx, theme, frame, inner, &bounds, view.lon_span);

    // Marks: the regions, then the partners, the worst health drawn last so that it shows
    // where several share a cell, the selected one over all.
    let mut blocked: Vec<(u16, u16)> = Vec::new();
    let buf = frame.buffer_mut();
    let mut mark = |x: u16, y: u16, symbol: &str, style: Style, blocked: &mut Vec<(u16, u16)>| {
        if let Some(c) = buf.cell_mut((inner.x + x, inner.y + y)) {
            c.set_symbol(symbol).set_style(style);
        }
        blocked.push((x, y));
    };
    for seat in &s.seats {
        if let Some((x, y)) = seat.at.and_then(cell) {
            mark(x, y, SEAT_MARK, theme.accent, &mut blocked);
        }
    }
    let mut order: Vec<&MapItem> = s.items.iter().collect();
    order.sort_by_key(|x| x.health);
    for x in order {
        if let Some((cx, cy)) = x.at.and_then(cell) {
            let style = health_style(theme, Some(x.health));
            mark(cx, cy, text::health_mark(x.health), style, &mut blocked);
        }
    }
    let current = s.current();
    if let Some(x) = current
        && let Some((cx, cy)) = x.at.and_then(cell)
    {
        mark(
            cx,
            cy,
            text::health_mark(x.health),
            theme.selected,
            &mut blocked,
        );
    }
    labels(s, ctx, theme, frame, inner, &cell, &blocked);
    side_panel(s, ctx, theme, frame, panel, &cell);
}

/// The coastlines, then the lines from each region to its partners.
fn world(
    s: &MapScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    bounds: &Bounds,
    lon_span: f64,
) {
    let _ = ctx;
    let colour = |style: Style| style.fg.unwrap_or(Color::Reset);
    let coast = colour(theme.muted);
    let line = colour(theme.border);
    let chosen = colour(theme.accent);
    // The detailed coastlines where they show: a closer view or a large terminal.
    let resolution = if lon_span < 180.0 || area.width >= 100 {
        MapResolution::High
    } else {
        MapResolution::Low
    };
    let seat_of = |region: &str| {
        s.seats
            .iter()
            .find(|seat| seat.id == region)
            .and_then(|seat| seat.at)
    };
    let all_lines = matches!(s.scope, Scope::Region(_)) && s.items.len() <= LINES_UP_TO;
    let segments: Vec<(Coordinates, Coordinates, bool)> = s
        .items
        .iter()
        .filter_map(|x| {
            let chosen = s.selected == Some(x.agreement);
            if !all_lines && !chosen {
                return None;
            }
            let from = seat_of(&x.region_id)?;
            let to = x.at?;
            geo::reads_well(from, to).then_some((from, to, chosen))
        })
        .collect();
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds(bounds.x)
        .y_bounds(bounds.y)
        .paint(|c| {
            c.draw(&Map {
                color: coast,
                resolution,
            });
            c.layer();
            for (from, to, selected) in &segments {
                if !selected {
                    c.draw(&Segment::new(from.lon, from.lat, to.lon, to.lat, line));
                }
            }
            c.layer();
            for (from, to, selected) in &segments {
                if *selected {
                    c.draw(&Segment::new(from.lon, from.lat, to.lon, to.lat, chosen));
                }
            }
        });
    frame.render_widget(canvas, area);
}

/// Names on the map: the selected partner's first; in a region's map every partner's and
/// the region's; in the whole country's, how many partners each country has where they
/// cluster (two or more).
fn labels(
    s: &MapScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    cell: &dyn Fn(Coordinates) -> Option<(u16, u16)>,
    blocked: &[(u16, u16)],
) {
    let lang = ctx.lang;
    let max = 16usize.min(area.width as usize / 3).max(4);
    let mut wants: Vec<(u16, u16, String, Style)> = Vec::new();
    let current = s.current();
    let mut named = |at: Option<Coordinates>, text: String, style: Style| {
        if let Some((x, y)) = at.and_then(cell) {
            wants.push((x + 2, y, fit(&display_safe(&text), max), style));
        }
    };
    if let Some(x) = current {
        named(x.at, x.partner.clone(), theme.accent);
    }
    match &s.scope {
        Scope::Region(_) => {
            for seat in &s.seats {
                named(seat.at, seat.name.clone(), theme.title);
            }
            for x in s.items.iter().filter(|x| Some(x.agreement) != s.selected) {
                named(x.at, x.partner.clone(), Style::new());
            }
        }
        Scope::Country => {
            let counts = geo::by_country(s.unique_partners());
            for c in counts.iter().filter(|c| c.count >= 2) {
                let name = countries::display(&c.country, lang);
                named(c.at, format!("{name} {}", c.count), theme.title);
            }
        }
    }
    let places: Vec<(u16, u16, u16)> = wants
        .iter()
        .map(|(x, y, t, _)| (*x, *y, crate::tui::cells::width(t) as u16))
        .collect();
    let placed = geo::place_labels(&places, blocked, area.width, area.height);
    let buf = frame.buffer_mut();
    for ((_, _, text, style), at) in wants.iter().zip(placed) {
        if let Some((x, y)) = at {
            buf.set_string(area.x + x, area.y + y, text, *style);
        }
    }
}

/// Beside the map: what the marks mean, the selected partner with its agreement, what has
/// no coordinates, and the partners (a region) or the countries (the whole country).
fn side_panel(
    s: &MapScreen,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    cell: &dyn Fn(Coordinates) -> Option<(u16, u16)>,
) {
    let lang = ctx.lang;
    let width = area.width.saturating_sub(2) as usize;
    let line =
        |t: &str, style: Style| Line::from(Span::styled(format!(" {}", fit(t, width)), style));
    let mut lines: Vec<Line> = Vec::new();
    let legend = |h: Health| {
        vec![
            Span::styled(text::health_mark(h), health_style(theme, Some(h))),
            Span::raw(format!(" {}  ", text::health(h, lang))),
        ]
    };
    let mut first = vec![Span::raw(" ")];
    first.extend(legend(Health::Active));
    first.extend(legend(Health::Quiet));
    lines.push(Line::from(first));
    let mut second = vec![Span::raw(" ")];
    second.extend(legend(Health::Expired));
    second.push(Span::styled(SEAT_MARK, theme.accent));
    second.push(Span::raw(format!(" {}", T::MapLegendRegion.in_lang(lang))));
    lines.push(Line::from(second));

    lines.push(Line::raw(""));
    lines.push(line(T::MapSelected.in_lang(lang), theme.title));
    match s.current() {
        Some(x) => {
            // Names and the agreement wrap rather than lose their ends in a narrow panel.
            let wrapped = |t: &str, style: Style, lines: &mut Vec<Line>| {
                for part in wrap(&display_safe(t), width) {
                    lines.push(line(&part, style));
                }
            };
            wrapped(&x.partner, theme.accent, &mut lines);
            lines.push(line(&countries::display(&x.country, lang), Style::new()));
            wrapped(&ctx.name_of(x.agreement), theme.muted, &mut lines);
            if let Some(a) = ctx.catalog.agreement(x.agreement) {
                let mut about = text::kind(a.kind, lang).to_string();
                if let Some(d) = a.signed {
                    about.push_str(&format!(" · {d}"));
                }
                wrapped(&about, theme.muted, &mut lines);
            }
            let mut health = format!(
                "{} {}",
                text::health_mark(x.health),
                text::health(x.health, lang)
            );
            if x.at.is_some_and(|at| cell(at).is_none()) {
                health.push_str(&format!(" · {}", T::MapOffView.in_lang(lang)));
            }
            lines.push(line(&health, health_style(theme, Some(x.health))));
        }
        None => lines.push(line(T::MapNoPartners.in_lang(lang), theme.muted)),
    }

    let mut missing: Vec<String> = s
        .seats
        .iter()
        .filter(|seat| seat.at.is_none())
        .map(|seat| format!("{} {}", SEAT_MARK, seat.name))
        .collect();
    // Seats the session may set (a key with a scope: its own regions').
    let seats_to_set = s.seats.iter().any(|seat| {
        seat.at.is_none() && ctx.access.may_edit(ctx.catalog.as_ref(), &seat.id).is_ok()
    });
    let mut seen = std::collections::BTreeSet::new();
    let mut places_to_set = false;
    for x in s.items.iter().filter(|x| x.at.is_none()) {
        places_to_set |= ctx
            .access
            .may_edit(ctx.catalog.as_ref(), &x.region_id)
            .is_ok();
        if seen.insert(x.partner_id.as_str()) {
            missing.push(format!(
                "{} {} ({})",
                text::health_mark(x.health),
                x.partner,
                countries::display(&x.country, lang)
            ));
        }
    }
    if !missing.is_empty() {
        lines.push(Line::raw(""));
        lines.push(line(T::MapNotOnMap.in_lang(lang), theme.title));
        for m in &missing {
            lines.push(line(&display_safe(m), Style::new()));
        }
        // How to place them, for those who may: the seat here (a region's map only), a
        // partner's in its agreement's form.
        if seats_to_set && matches!(s.scope, super::Scope::Region(_)) {
            lines.push(line(T::MapHowToSeat.in_lang(lang), theme.muted));
        }
        if places_to_set {
            lines.push(line(T::MapHowToPlace.in_lang(lang), theme.muted));
        }
    }

    lines.push(Line::raw(""));
    let room = (area.height as usize).saturating_sub(lines.len() + 1);
    let mut list: Vec<Line> = Vec::new();
    match &s.scope {
        Scope::Region(_) => {
            lines.push(line(T::MapPartners.in_lang(lang), theme.title));
            for x in &s.items {
                let style = if s.selected == Some(x.agreement) {
                    theme.selected
                } else {
                    Style::new()
                };
                list.push(Line::from(vec![
                    Span::raw(" "),
                    Span::styled(
                        text::health_mark(x.health),
                        health_style(theme, Some(x.health)),
                    ),
                    Span::styled(
                        format!(
                            " {}",
                            fit(&display_safe(&x.partner), width.saturating_sub(2))
                        ),
                        style,
                    ),
                ]));
            }
        }
        Scope::Country => {
            lines.push(line(T::MapCountries.in_lang(lang), theme.title));
            for c in geo::by_country(s.unique_partners()) {
                let name = countries::display(&c.country, lang);
                let count = c.count.to_string();
                let name_w = width.saturating_sub(count.len() + 1);
                list.push(Line::raw(format!(
                    " {:<name_w$} {count}",
                    fit(&display_safe(&name), name_w)
                )));
            }
        }
    }
    if list.len() > room {
        let left = list.len() + 1 - room;
        list.truncate(room.saturating_sub(1));
        list.push(line(&text::more_lines(left, lang), theme.muted));
    }
    lines.extend(list);
    frame.render_widget(Paragraph::new(lines), area);
}
