//! The world map (`M`): a region's partners, or every partner of the country, each at its
//! coordinates with its health, the region at its seat of government, and lines between them
//! where they read well. `Tab` goes from partner to partner (kept by agreement, so a change in
//! the records never moves the selection to another one), `Enter` opens the agreement, `+`
//! `-` zoom, the arrows pan, `0` returns to the view that shows everything, `w` switches
//! between the region and the whole country.
//!
//! What is shown where is computed in `domain::geo`; this module keeps the state, and the
//! view reports the map's size in cells ([`Geometry::map`]) so that a zoom from the fitted
//! view starts from what was on screen.

pub mod view;

use std::collections::BTreeSet;

use crate::domain::geo::View;
use crate::domain::{AgreementId, Coordinates, Health};

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::model::{Ctx, Reply, Then, Why};
use super::Screen;
use super::agreement::AgreementScreen;

/// What the map shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One region's agreements (its id).
    Region(String),
    /// Every agreement in the store.
    Country,
}

/// One agreement on the map: its partner, where it is, how it is doing.
#[derive(Debug, Clone, PartialEq)]
pub struct MapItem {
    pub agreement: AgreementId,
    pub partner_id: String,
    pub partner: String,
    pub country: String,
    pub at: Option<Coordinates>,
    pub health: Health,
    pub region_id: String,
    pub region: String,
}

/// A region the map marks: its name and seat.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub id: String,
    pub name: String,
    pub at: Option<Coordinates>,
}

pub struct MapScreen {
    pub scope: Scope,
    /// The region the map was opened on, to come back to from the whole country.
    pub home: Option<String>,
    /// Partners by country, then name.
    pub items: Vec<MapItem>,
    /// The regions whose agreements are shown.
    pub seats: Vec<Seat>,
    /// The agreement selected, by id.
    pub selected: Option<AgreementId>,
    /// Where the map looks; `None` fits every partner into whatever area it is drawn in.
    pub view: Option<View>,
}

impl MapScreen {
    /// The map of `region`'s partners, or of the whole country when `None`.
    pub fn new(ctx: &Ctx, region: Option<&str>) -> MapScreen {
        let scope = match region {
            Some(r) => Scope::Region(r.to_string()),
            None => Scope::Country,
        };
        let mut s = MapScreen {
            scope,
            home: region.map(str::to_string),
            items: Vec::new(),
            seats: Vec::new(),
            selected: None,
            view: None,
        };
        s.rebuild(ctx);
        s
    }

    pub fn context(&self) -> Context {
        Context::Map
    }

    pub fn target(&self) -> Option<AgreementId> {
        self.selected
    }

    pub fn available(&self, cmd: Cmd) -> Result<(), Why> {
        match cmd {
            Cmd::Open | Cmd::NextPane | Cmd::PrevPane if self.items.is_empty() => {
                Err(Why::NoAgreement)
            }
            Cmd::WholeCountry if self.home.is_none() => Err(Why::NotHere),
            _ => Ok(()),
        }
    }

    /// The region's (or country's) agreements again; the selection stays on its agreement
    /// while it is shown, else goes to the first.
    pub fn rebuild(&mut self, ctx: &Ctx) {
        let c = &ctx.catalog;
        let rows: Vec<usize> = match &self.scope {
            Scope::Region(r) => c.agreements_of(r).to_vec(),
            Scope::Country => (0..c.agreements.len()).collect(),
        };
        let mut items: Vec<MapItem> = rows
            .into_iter()
            .map(|i| {
                let a = &c.agreements[i];
                let partner = c.partner(&a.partner);
                MapItem {
                    agreement: a.id,
                    partner_id: a.partner.clone(),
                    partner: c.partner_name(a).to_string(),
                    country: partner.map(|p| p.country.clone()).unwrap_or_default(),
                    at: partner.and_then(|p| p.coordinates),
                    health: ctx.health_of(a),
                    region_id: a.region.clone(),
                    region: c.region_name(a).to_string(),
                }
            })
            .collect();
        items.sort_by_cached_key(|x| {
            (
                x.country.to_lowercase(),
                x.partner.to_lowercase(),
                x.region.to_lowercase(),
                x.agreement,
            )
        });
        let seat_ids: BTreeSet<&str> = match &self.scope {
            Scope::Region(r) => std::iter::once(r.as_str()).collect(),
            Scope::Country => items.iter().map(|x| x.region_id.as_str()).collect(),
        };
        self.seats = seat_ids
            .into_iter()
            .map(|id| {
                let r = c.region(id);
                Seat {
                    id: id.to_string(),
                    name: r.map_or(id, |r| r.name.as_str()).to_string(),
                    at: r.and_then(|r| r.coordinates),
                }
            })
            .collect();
        self.items = items;
        let still = self
            .selected
            .is_some_and(|id| self.items.iter().any(|x| x.agreement == id));
        if !still {
            self.selected = self.items.first().map(|x| x.agreement);
        }
    }

    /// The selected item.
    pub fn current(&self) -> Option<&MapItem> {
        let id = self.selected?;
        self.items.iter().find(|x| x.agreement == id)
    }

    /// How many different partners and countries are shown.
    pub fn counts(&self) -> (usize, usize) {
        let partners: BTreeSet<&str> = self.items.iter().map(|x| x.partner_id.as_str()).collect();
        let countries: BTreeSet<&str> = self.items.iter().map(|x| x.country.as_str()).collect();
        (partners.len(), countries.len())
    }

    /// Each partner once, with its country and place, for the counts per country.
    pub fn unique_partners(&self) -> Vec<(&str, Option<Coordinates>)> {
        let mut seen = BTreeSet::new();
        self.items
            .iter()
            .filter(|x| seen.insert(x.partner_id.as_str()))
            .map(|x| (x.country.as_str(), x.at))
            .collect()
    }

    /// Every place the fitted view must show: the partners and the seats with coordinates.
    pub fn points(&self) -> Vec<Coordinates> {
        self.items
            .iter()
            .filter_map(|x| x.at)
            .chain(self.seats.iter().filter_map(|s| s.at))
            .collect()
    }

    /// The view in an area of `cols` x `rows` cells: the one zoomed and panned to, or the
    /// one that fits everything.
    pub fn view_in(&self, cols: u16, rows: u16) -> View {
        self.view
            .unwrap_or_else(|| View::fit(&self.points(), cols, rows))
    }

    pub fn fit(&mut self, _geometry: &Geometry) {}

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        let (cols, rows) = ctx.geometry.map;
        let view = self.view_in(cols, rows);
        match cmd {
            Cmd::NextPane | Cmd::PrevPane => {
                let at = self
                    .selected
                    .and_then(|id| self.items.iter().position(|x| x.agreement == id));
                let n = self.items.len();
                if n > 0 {
                    let next = match (at, cmd) {
                        (None, _) => 0,
                        (Some(i), Cmd::NextPane) => (i + 1) % n,
                        (Some(i), _) => (i + n - 1) % n,
                    };
                    self.selected = Some(self.items[next].agreement);
                }
            }
            Cmd::Open => {
                if let Some(id) = self.selected {
                    return Reply::then(Then::Show(Screen::Agreement(AgreementScreen::new(
                        ctx, id, None,
                    ))));
                }
            }
            Cmd::ZoomIn => self.view = Some(view.zoom_in()),
            Cmd::ZoomOut => self.view = Some(view.zoom_out()),
            Cmd::Right => self.view = Some(view.pan(1, 0)),
            Cmd::Left => self.view = Some(view.pan(-1, 0)),
            Cmd::Up => self.view = Some(view.pan(0, 1)),
            Cmd::Down => self.view = Some(view.pan(0, -1)),
            Cmd::ResetView => self.view = None,
            Cmd::WholeCountry => {
                self.scope = match (&self.scope, &self.home) {
                    (Scope::Country, Some(home)) => Scope::Region(home.clone()),
                    _ => Scope::Country,
                };
                self.view = None;
                self.rebuild(ctx);
            }
            Cmd::Back | Cmd::Map => return Reply::then(Then::Close),
            _ => return Reply::pass(),
        }
        Reply::stay()
    }
}
