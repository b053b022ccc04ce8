//! A list of agreements that share something: an obstacle tag, a partner, a country. The
//! finder opens one when a result stands for several agreements.

pub mod view;

use crate::domain::{Agreement, AgreementId, Catalog};
use crate::search::Target;
use chrono::NaiveDate;

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::list::Picker;
use super::super::model::{Ctx, Reply, Then, Why};
use super::Screen;
use super::agreement::AgreementScreen;
use super::browse::movement;
use super::filter::{FilterInput, FilterKey, filtered};

pub struct ListScreen {
    /// What the agreements share.
    pub target: Target,
    pub list: Picker<AgreementId>,
    pub filter: Option<FilterInput>,
    /// Every agreement that shares it, by region then partner.
    all: Vec<AgreementId>,
}

/// Whether agreement `a` belongs in the list for `target`.
fn belongs(catalog: &Catalog, target: &Target, a: &Agreement, today: NaiveDate) -> bool {
    match target {
        Target::Tag(tag) => a.tags_on(today).any(|t| t == tag),
        Target::Partner(p) => &a.partner == p,
        Target::Country(country) => catalog
            .partner(&a.partner)
            .is_some_and(|p| &p.country == country),
        Target::Region(r) => &a.region == r,
        Target::Agreement(id) => a.id == *id,
        Target::Activity { agreement, .. } => a.id == *agreement,
    }
}

impl ListScreen {
    pub fn new(ctx: &Ctx, target: Target) -> ListScreen {
        let mut s = ListScreen {
            target,
            list: Picker::default(),
            filter: None,
            all: Vec::new(),
        };
        s.rebuild(ctx);
        s
    }

    /// The one agreement listed, when there is exactly one.
    pub fn only(&self) -> Option<AgreementId> {
        match self.all.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    pub fn context(&self) -> Context {
        match &self.filter {
            Some(f) if f.typing => Context::Filter,
            _ => Context::List,
        }
    }

    pub fn target(&self) -> Option<AgreementId> {
        self.list.selected().copied()
    }

    pub fn available(&self, cmd: Cmd) -> Result<(), Why> {
        match cmd {
            Cmd::Open if self.target().is_none() => Err(Why::NoAgreement),
            _ => Ok(()),
        }
    }

    pub fn rebuild(&mut self, ctx: &Ctx) {
        let c = &ctx.catalog;
        let mut all: Vec<&Agreement> = c
            .agreements
            .iter()
            .filter(|a| belongs(c, &self.target, a, ctx.today))
            .collect();
        all.sort_by_cached_key(|a| {
            (
                c.region_name(a).to_lowercase(),
                c.partner_name(a).to_lowercase(),
                a.id,
            )
        });
        self.all = all.iter().map(|a| a.id).collect();
        self.refilter(ctx);
    }

    fn refilter(&mut self, ctx: &Ctx) {
        let c = &ctx.catalog;
        let (rows, _) = filtered(&self.all, self.filter.as_ref(), |id| {
            let Some(a) = c.agreement(*id) else {
                return Vec::new();
            };
            vec![
                c.region_name(a).to_string(),
                c.partner_name(a).to_string(),
                c.partner(&a.partner)
                    .map(|p| crate::domain::countries::search_terms(&p.country))
                    .unwrap_or_default(),
            ]
        });
        self.list.set_rows(rows);
    }

    pub fn fit(&mut self, geometry: &Geometry) {
        self.list.scroll_to_fit(geometry.list);
    }

    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        if let Some(f) = self.filter.as_mut().filter(|f| f.typing)
            && f.paste(text)
        {
            self.refilter(ctx);
        }
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if let Some(f) = self.filter.as_mut().filter(|f| f.typing) {
            let outcome = f.key(cmd);
            let blank = f.is_blank();
            match outcome {
                FilterKey::Changed => self.refilter(ctx),
                FilterKey::Kept if blank => {
                    self.filter = None;
                    self.refilter(ctx);
                }
                FilterKey::Kept => {}
                FilterKey::Cleared => {
                    self.filter = None;
                    self.refilter(ctx);
                }
                FilterKey::Other => {
                    if let Some(m) = movement(cmd) {
                        self.list.step(m, ctx.geometry.list.saturating_sub(1));
                    } else if cmd == Cmd::Quit {
                        ctx.quit = true;
                    }
                }
            }
            return Reply::stay();
        }
        if let Some(m) = movement(cmd) {
            self.list.step(m, ctx.geometry.list.saturating_sub(1));
            return Reply::stay();
        }
        match cmd {
            Cmd::Filter => {
                match self.filter.as_mut() {
                    Some(f) => f.typing = true,
                    None => self.filter = Some(FilterInput::typing()),
                }
                Reply::stay()
            }
            Cmd::Back if self.filter.is_some() => {
                self.filter = None;
                self.refilter(ctx);
                Reply::stay()
            }
            Cmd::Back => Reply::then(Then::Close),
            Cmd::Open => match self.target() {
                Some(id) => Reply::then(Then::Show(Screen::Agreement(AgreementScreen::new(
                    ctx, id, None,
                )))),
                None => Reply::stay(),
            },
            _ => Reply::pass(),
        }
    }
}
