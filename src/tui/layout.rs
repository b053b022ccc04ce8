//! Where each part of the screen goes, as pure functions of the terminal size, and what the
//! last frame measured ([`Geometry`]): the drawing code reports the heights of the lists and
//! the length of scrolled text it laid out, and the model keeps them for the next key (a page
//! down moves by the rows that were on screen). The model never calls drawing code.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this size the layout cannot show the three panes legibly.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// From this width the three panes stand side by side.
const WIDE: u16 = 160;

/// A scrolled text: how many rows it has, how many are on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scrolled {
    pub rows: usize,
    pub visible: usize,
}

impl Scrolled {
    /// The furthest the text can scroll.
    pub fn max_scroll(self) -> usize {
        self.rows.saturating_sub(self.visible)
    }
}

/// What the last frame measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub size: (u16, u16),
    /// Rows of the regions list.
    pub regions: usize,
    /// Rows of the relationships table.
    pub relationships: usize,
    /// The browse screen's detail pane.
    pub detail: Scrolled,
    /// The agreement screen's detail part.
    pub agreement: Scrolled,
    /// Rows of the agreement screen's timeline.
    pub timeline: usize,
    /// Rows of the triage queue.
    pub triage: usize,
    /// Rows of a list screen.
    pub list: usize,
    /// Rows of finder results.
    pub finder: usize,
    /// The map's drawing area, in cells (columns, rows).
    pub map: (u16, u16),
    /// Rows of the trends table.
    pub trends: usize,
}

impl Default for Geometry {
    fn default() -> Self {
        // Until the first frame: an 80x24 terminal's figures, close enough to page with.
        Geometry {
            size: (80, 24),
            regions: 20,
            relationships: 7,
            detail: Scrolled::default(),
            agreement: Scrolled::default(),
            timeline: 10,
            triage: 8,
            list: 18,
            finder: 14,
            map: (50, 20),
            trends: 10,
        }
    }
}

/// The parts of the browse screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub regions: Rect,
    pub relationships: Rect,
    pub detail: Rect,
    pub hints: Rect,
}

/// Title bar, body and hint bar.
pub fn frame(area: Rect) -> (Rect, Rect, Rect) {
    let [title, body, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    (title, body, hints)
}

pub fn browse(area: Rect) -> Areas {
    let (title, body, hints) = frame(area);
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

/// The agreement screen: its detail and its timeline, stacked, or side by side when wide.
pub fn agreement(body: Rect) -> (Rect, Rect) {
    if body.width >= 140 {
        let [detail, timeline] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(body);
        (detail, timeline)
    } else {
        let [detail, timeline] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Fill(1)]).areas(body);
        (detail, timeline)
    }
}

/// A rectangle of at most `width` x `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// The smallest terminal the world map is drawn in; below it the map says so.
pub const MAP_MIN_WIDTH: u16 = 70;
pub const MAP_MIN_HEIGHT: u16 = 20;

/// The map and the panel beside it: the panel takes 26 columns, 34 from 110.
pub fn map(body: Rect) -> (Rect, Rect) {
    let side = if body.width >= 110 { 34 } else { 26 };
    let [map, panel] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(body);
    (map, panel)
}

/// Whether the terminal is too small for the dashboard.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}
