//! The country's figures year by year (`Y`): agreements signed, renewed, in force at the end
//! of the year, expired, and activities, from the first signing to the year of the day shown,
//! with charts of the agreements in force and the activities. The figures are computed in
//! `domain::trends`; the table keeps its selection by year.

pub mod view;

use crate::domain::trends::{self, YearRow};

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::list::Picker;
use super::super::model::{Ctx, Reply, Then, Why};
use super::Screen;
use super::browse::movement;
use super::map::MapScreen;

pub struct TrendsScreen {
    pub rows: Vec<YearRow>,
    /// The years, the latest selected at first.
    pub years: Picker<i32>,
}

impl TrendsScreen {
    pub fn new(ctx: &Ctx) -> TrendsScreen {
        let mut s = TrendsScreen {
            rows: Vec::new(),
            years: Picker::default(),
        };
        s.rebuild(ctx);
        if let Some(last) = s.rows.last() {
            s.years.select(&last.year);
        }
        s
    }

    pub fn context(&self) -> Context {
        Context::Trends
    }

    pub fn available(&self, _cmd: Cmd) -> Result<(), Why> {
        Ok(())
    }

    pub fn rebuild(&mut self, ctx: &Ctx) {
        self.rows = trends::yearly(&ctx.catalog, ctx.today);
        self.years
            .set_rows(self.rows.iter().map(|r| r.year).collect());
    }

    pub fn fit(&mut self, geometry: &Geometry) {
        self.years.scroll_to_fit(geometry.trends);
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if let Some(m) = movement(cmd) {
            self.years.step(m, Ctx::page(ctx.geometry.trends));
            return Reply::stay();
        }
        match cmd {
            Cmd::Back | Cmd::Trends => Reply::then(Then::Close),
            Cmd::Map => Reply::then(Then::Show(Screen::Map(MapScreen::new(ctx, None)))),
            _ => Reply::pass(),
        }
    }
}
