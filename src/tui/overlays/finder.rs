//! `Ctrl-p`: jump anywhere. Results update on every key; the selection stays on its record
//! while it is listed (a result the user moved to is not snatched away by the next letter),
//! and follows the best result while the user has not moved.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::domain::text::{display_safe, is_unsafe_char};
use crate::i18n::T;
use crate::search::{Counts, Finder, Hit, Index, Lens, Target};

use super::super::keymap::Cmd;
use super::super::layout::{Geometry, centered};
use super::super::list::Picker;
use super::super::model::{Ctx, Reply, Then};
use super::super::screens::browse::movement;
use super::super::theme::Theme;
use super::super::widgets::{fit, highlighted, overlay_block};

/// Longest query the finder holds.
const INPUT_MAX: usize = 256;
/// How many results are kept ranked for scrolling.
pub const RESULTS: usize = crate::search::RERANKED;

#[derive(Default)]
pub struct FinderOverlay {
    pub input: String,
    finder: Finder,
    /// The best matches, best first.
    pub hits: Vec<Hit>,
    /// How many documents matched in all.
    pub total: usize,
    /// The results by the record they lead to.
    pub list: Picker<Target>,
    /// The index the hits refer to.
    index: Option<Arc<Index>>,
    /// What the results need to know of the catalog, worked out when the finder opens and
    /// when the records change.
    counts: Box<Counts>,
}

impl FinderOverlay {
    pub fn new(ctx: &Ctx) -> FinderOverlay {
        let mut f = FinderOverlay {
            counts: Box::new(Counts::of(&ctx.catalog, ctx.today, ctx.replay.is_some())),
            ..FinderOverlay::default()
        };
        f.run(ctx);
        f
    }

    /// The search index changed (built anew after a save): search it again.
    pub fn index_changed(&mut self, ctx: &Ctx) {
        *self.counts = Counts::of(&ctx.catalog, ctx.today, ctx.replay.is_some());
        self.finder.reset();
        self.run(ctx);
    }

    /// What the finder sees of the index: the records shown, as of the day shown.
    pub fn lens<'a>(&'a self, ctx: &'a Ctx) -> Lens<'a> {
        Lens::with_counts(
            &ctx.catalog,
            ctx.today,
            ctx.replay.is_some(),
            ctx.lang,
            &self.counts,
        )
    }

    fn run(&mut self, ctx: &Ctx) {
        let Some(index) = ctx.index.clone() else {
            return;
        };
        let follow_best = self.list.at_top();
        let lens = Lens::with_counts(
            &ctx.catalog,
            ctx.today,
            ctx.replay.is_some(),
            ctx.lang,
            &self.counts,
        );
        self.total = self.finder.search_through(&index, &self.input, &lens);
        self.hits = self.finder.top(RESULTS);
        let targets: Vec<Target> = self.hits.iter().map(|h| index.target(h.doc)).collect();
        self.list.set_rows(targets);
        if follow_best {
            self.list.select_row(0);
        }
        self.index = Some(index);
    }

    fn hit_of(&self, row: usize) -> Option<Hit> {
        self.hits.get(row).copied()
    }

    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        for c in text.chars().filter(|c| !is_unsafe_char(*c)) {
            if self.input.chars().count() >= INPUT_MAX {
                break;
            }
            self.input.push(c);
        }
        self.run(ctx);
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        let edited = match cmd {
            Cmd::Insert(c) if !is_unsafe_char(c) => {
                if self.input.chars().count() < INPUT_MAX {
                    self.input.push(c);
                }
                true
            }
            Cmd::DeleteBack => self.input.pop().is_some(),
            Cmd::DeleteWord => {
                let trimmed = self.input.trim_end().len();
                self.input.truncate(trimmed);
                let cut = self.input.rfind(' ').map_or(0, |i| i + 1);
                self.input.truncate(cut);
                true
            }
            Cmd::ClearInput => {
                self.input.clear();
                true
            }
            _ => false,
        };
        if edited {
            self.run(ctx);
            return Reply::stay();
        }
        if let Some(m) = movement(cmd) {
            self.list.step(m, ctx.geometry.finder.saturating_sub(1));
            return Reply::stay();
        }
        match cmd {
            Cmd::Back => Reply::then(Then::Close),
            Cmd::Quit => {
                ctx.quit = true;
                Reply::stay()
            }
            Cmd::Open => match self.list.selected() {
                Some(target) => Reply::then(Then::Jump(target.clone())),
                None => Reply::stay(),
            },
            _ => Reply::stay(),
        }
    }
}

pub fn draw(
    f: &FinderOverlay,
    ctx: &Ctx,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    geometry: &mut Geometry,
) {
    let lang = ctx.lang;
    let lens = f.lens(ctx);
    let width = area.width.saturating_sub(4).clamp(20, 110);
    let height = (area.height.saturating_sub(2) * 3 / 4)
        .max(8)
        .min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let count = if ctx.index.is_some() {
        format!(" {} / {} ", f.hits.len().min(f.total), f.total)
    } else {
        String::new()
    };
    let block = overlay_block(T::FinderTitle.in_lang(lang), theme)
        .title_bottom(Line::styled(count, theme.muted).alignment(Alignment::Right));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 2 {
        return;
    }
    let input = Line::from(vec![
        Span::styled("> ", theme.key),
        Span::raw(display_safe(&f.input).into_owned()),
        Span::styled("▏", theme.key),
    ]);
    frame.render_widget(
        Paragraph::new(input),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let list_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let visible = list_area.height as usize;
    geometry.finder = visible;
    let Some(index) = f.index.as_ref().filter(|_| ctx.index.is_some()) else {
        frame.render_widget(
            Paragraph::new(Span::styled(T::FinderIndexing.in_lang(lang), theme.muted)),
            list_area,
        );
        return;
    };
    if f.hits.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(T::FinderNoMatch.in_lang(lang), theme.muted)),
            list_area,
        );
        return;
    }
    let offset = f.list.offset_for(visible);
    let query = f.finder.query();
    let kind_width = 11;
    let cursor = f.list.cursor();
    // Only the rows on screen are laid out and highlighted.
    let lines: Vec<Line> = (offset..f.hits.len().min(offset + visible))
        .filter_map(|row| {
            let hit = f.hit_of(row)?;
            let kind = index.kind(hit.doc).label(lang);
            let text_width = (list_area.width as usize).saturating_sub(kind_width + 1);
            let context = display_safe(&lens.context(index, hit.doc)).into_owned();
            let shown = fit(
                &display_safe(&index.display(hit.doc)),
                text_width.saturating_sub(context.width().min(text_width / 2) + 2),
            );
            let context = fit(&context, text_width.saturating_sub(shown.width() + 2));
            let positions = crate::search::highlights(index, hit.doc, query);
            let mut spans = vec![Span::styled(
                format!("{:<kind_width$} ", fit(kind, kind_width)),
                theme.muted,
            )];
            spans.extend(highlighted(
                &shown,
                &positions,
                Style::new(),
                theme.highlight,
            ));
            spans.push(Span::styled(format!("  {context}"), theme.muted));
            let line = Line::from(spans);
            Some(if Some(row) == cursor {
                line.style(theme.selected)
            } else {
                line
            })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}
