//! One agreement in full: every field above (or beside) its timeline, whose entries are a
//! list of their own. Opened with Enter from any list, or by the finder on an activity.

pub mod view;

use crate::domain::{ActivityId, AgreementId};

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::list::Picker;
use super::super::model::{Ctx, Reply, Then, Timeline, Why};
use super::browse::{movement, scroll};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Detail,
    Timeline,
}

pub struct AgreementScreen {
    pub id: AgreementId,
    pub focus: Part,
    /// First row of the detail part shown.
    pub scroll: usize,
    /// The timeline's entries, newest first, by id.
    pub timeline: Picker<ActivityId>,
    /// An activity the finder went to, marked until another is selected.
    pub marked: Option<ActivityId>,
}

impl AgreementScreen {
    pub fn new(ctx: &Ctx, id: AgreementId, marked: Option<ActivityId>) -> AgreementScreen {
        let mut screen = AgreementScreen {
            id,
            focus: if marked.is_some() {
                Part::Timeline
            } else {
                Part::Detail
            },
            scroll: 0,
            timeline: Picker::default(),
            marked,
        };
        if ctx.timeline.agreement == Some(id) && !ctx.timeline.loading {
            screen.timeline_loaded(&ctx.timeline);
        }
        screen
    }

    pub fn context(&self) -> Context {
        Context::Agreement
    }

    pub fn available(&self, _ctx: &Ctx, _cmd: Cmd) -> Result<(), Why> {
        Ok(())
    }

    /// The timeline arrived (or changed): list its entries, keeping the selection.
    pub fn timeline_loaded(&mut self, timeline: &Timeline) {
        let fresh = self.timeline.is_empty();
        self.timeline
            .set_rows(timeline.activities.iter().map(|a| a.id).collect());
        if fresh && let Some(m) = self.marked {
            self.timeline.select(&m);
        }
    }

    pub fn rebuild(&mut self, ctx: &Ctx) {
        if ctx.timeline.agreement == Some(self.id) && !ctx.timeline.loading {
            self.timeline_loaded(&ctx.timeline);
        }
    }

    pub fn fit(&mut self, geometry: &Geometry) {
        self.timeline.scroll_to_fit(geometry.timeline);
        self.scroll = self.scroll.min(geometry.agreement.max_scroll());
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if let Some(m) = movement(cmd) {
            match self.focus {
                Part::Detail => {
                    let g = ctx.geometry.agreement;
                    self.scroll = scroll(self.scroll, m, g.visible, g.max_scroll());
                }
                Part::Timeline => {
                    if self
                        .timeline
                        .step(m, ctx.geometry.timeline.saturating_sub(1))
                    {
                        self.marked = None;
                    }
                }
            }
            return Reply::stay();
        }
        match cmd {
            Cmd::NextPane | Cmd::PrevPane => {
                self.focus = match self.focus {
                    Part::Detail => Part::Timeline,
                    Part::Timeline => Part::Detail,
                };
                Reply::stay()
            }
            Cmd::Back => Reply::then(Then::Close),
            _ => Reply::pass(),
        }
    }
}
