//! A text to read and scroll through (the brief, in an SSH session): `j` `k`, pages, ends,
//! `Esc` closes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::domain::text::display_safe;

use super::super::keymap::Cmd;
use super::super::model::{Ctx, Reply, Then};
use super::super::theme::Theme;
use super::super::widgets::overlay_block;

pub struct Reader {
    pub title: String,
    pub lines: Vec<String>,
    /// The first line shown.
    pub top: usize,
}

/// Lines of text shown on a terminal `rows` tall (the frame and the bottom lines take four).
fn shown(rows: u16) -> usize {
    usize::from(rows.saturating_sub(4)).max(1)
}

impl Reader {
    pub fn new(title: String, text: &str) -> Reader {
        Reader {
            title,
            lines: text.lines().map(|l| display_safe(l).into_owned()).collect(),
            top: 0,
        }
    }

    fn last_top(&self, height: usize) -> usize {
        self.lines.len().saturating_sub(height)
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        let height = shown(ctx.geometry.size.1);
        let page = height.saturating_sub(1).max(1);
        match cmd {
            Cmd::Back => return Reply::then(Then::Close),
            Cmd::Quit => ctx.quit = true,
            Cmd::Down => self.top = (self.top + 1).min(self.last_top(height)),
            Cmd::Up => self.top = self.top.saturating_sub(1),
            Cmd::PageDown => self.top = (self.top + page).min(self.last_top(height)),
            Cmd::PageUp => self.top = self.top.saturating_sub(page),
            Cmd::Top => self.top = 0,
            Cmd::Bottom => self.top = self.last_top(height),
            _ => {}
        }
        Reply::stay()
    }
}

pub fn draw(reader: &Reader, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Clear, rect);
    let block = overlay_block(&reader.title, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let top = reader
        .top
        .min(reader.last_top(usize::from(inner.height).max(1)));
    let lines: Vec<Line> = reader
        .lines
        .iter()
        .skip(top)
        .take(inner.height as usize)
        .map(|l| Line::raw(l.as_str()))
        .collect();
    frame.render_widget(Paragraph::new(lines).style(theme.base), inner);
}
