//! The screens: browsing (always at the bottom), one agreement in full, the triage queue, and
//! lists of agreements. Each holds its own state, handles its own keys and draws itself.

pub mod agreement;
pub mod browse;
pub mod filter;
pub mod list;
pub mod map;
pub mod trends;
pub mod triage;

use crate::domain::AgreementId;

use super::keymap::{Cmd, Context};
use super::layout::Geometry;
use super::model::{Ctx, Reply, Why};

/// A screen opened over browsing.
pub enum Screen {
    Agreement(agreement::AgreementScreen),
    Triage(triage::TriageScreen),
    List(list::ListScreen),
    Map(map::MapScreen),
    Trends(trends::TrendsScreen),
}

impl Screen {
    pub fn context(&self) -> Context {
        match self {
            Screen::Agreement(s) => s.context(),
            Screen::Triage(s) => s.context(),
            Screen::List(s) => s.context(),
            Screen::Map(s) => s.context(),
            Screen::Trends(s) => s.context(),
        }
    }

    /// The agreement highlighted.
    pub fn target(&self) -> Option<AgreementId> {
        match self {
            Screen::Agreement(s) => Some(s.id),
            Screen::Triage(s) => s.target(),
            Screen::List(s) => s.target(),
            Screen::Map(s) => s.target(),
            Screen::Trends(_) => None,
        }
    }

    pub fn available(&self, ctx: &Ctx, cmd: Cmd) -> Result<(), Why> {
        match self {
            Screen::Agreement(s) => s.available(ctx, cmd),
            Screen::Triage(s) => s.available(cmd),
            Screen::List(s) => s.available(cmd),
            Screen::Map(s) => s.available(cmd),
            Screen::Trends(s) => s.available(cmd),
        }
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        match self {
            Screen::Agreement(s) => s.key(ctx, cmd),
            Screen::Triage(s) => s.key(ctx, cmd),
            Screen::List(s) => s.key(ctx, cmd),
            Screen::Map(s) => s.key(ctx, cmd),
            Screen::Trends(s) => s.key(ctx, cmd),
        }
    }

    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        match self {
            Screen::Agreement(_) => {}
            Screen::Triage(s) => s.paste(text),
            Screen::List(s) => s.paste(ctx, text),
            Screen::Map(_) | Screen::Trends(_) => {}
        }
    }

    pub fn rebuild(&mut self, ctx: &Ctx) {
        match self {
            Screen::Agreement(s) => s.rebuild(ctx),
            Screen::Triage(s) => s.rebuild(ctx),
            Screen::List(s) => s.rebuild(ctx),
            Screen::Map(s) => s.rebuild(ctx),
            Screen::Trends(s) => s.rebuild(ctx),
        }
    }

    pub fn fit(&mut self, geometry: &Geometry) {
        match self {
            Screen::Agreement(s) => s.fit(geometry),
            Screen::Triage(s) => s.fit(geometry),
            Screen::List(s) => s.fit(geometry),
            Screen::Map(s) => s.fit(geometry),
            Screen::Trends(s) => s.fit(geometry),
        }
    }
}
