//! The browse screen: the whole country, then provinces with their regencies and cities; the
//! selected place's agreements; the selected agreement's detail. Both lists keep their
//! selection by id.

pub mod view;

use std::collections::HashMap;

use crate::domain::health::{self, Health};
use crate::domain::{AgreementId, Catalog};
use crate::i18n::T;

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::list::{Move, Picker};
use super::super::model::{Ctx, Reply, Then, Why};
use super::Screen;
use super::agreement::AgreementScreen;
use super::filter::{FilterInput, FilterKey, filtered};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Regions,
    Relationships,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSort {
    Name,
    Count,
    Trouble,
}

/// A row of the regions pane: the whole country, or one region by its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// Every agreement in the store, whatever its region; always the first row.
    Country,
    Region(String),
}

impl Place {
    /// The region's id; `None` for the whole country.
    pub fn region(&self) -> Option<&str> {
        match self {
            Place::Country => None,
            Place::Region(id) => Some(id),
        }
    }
}

/// What the regions pane shows of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegionRow {
    /// 0 for the whole country and a province, 1 for a province's regencies and cities.
    pub depth: u8,
    /// Agreements the region holds itself (the whole country: all of them).
    pub count: usize,
    /// The worst health among them.
    pub health: Option<Health>,
    pub trouble: u32,
}

/// A `/` filter on one of the two lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub pane: Pane,
    pub input: FilterInput,
}

pub struct Browse {
    pub focus: Pane,
    pub sort: RegionSort,
    /// The whole country, then provinces each followed by their regencies and cities.
    pub regions: Picker<Place>,
    /// The figures of every region, by id.
    pub region_rows: HashMap<String, RegionRow>,
    /// The figures of the whole country: every region's together.
    pub country: RegionRow,
    /// The selected place's agreements, by partner name.
    pub agreements: Picker<AgreementId>,
    pub filter: Option<Filter>,
    /// Matched letters of the filtered list's names, by row id.
    pub region_marks: HashMap<Place, Vec<usize>>,
    pub agreement_marks: HashMap<AgreementId, Vec<usize>>,
    /// First row of the detail pane shown.
    pub detail_scroll: usize,
    /// The agreement the detail pane shows: the selected one, once the cursor rests.
    pub detail: Option<AgreementId>,
    /// The selection moved and the detail waits for the cursor to rest.
    pub detail_waits: bool,
    /// The last key moved a list (set by the key, read by the model).
    pub moved: bool,
    /// Rows in list order, before filtering.
    order: Vec<Place>,
    /// The place whose agreements are listed.
    listed: Option<Place>,
    /// The agreement last selected in each place, selected again when the place is.
    remembered: HashMap<Place, AgreementId>,
    /// The whole country's agreements in list order, unfiltered, kept until the records
    /// change: sorting every agreement of a large store costs tens of milliseconds, too much
    /// for each time the cursor passes over the row.
    country_order: Option<Vec<AgreementId>>,
}

impl Browse {
    pub fn new(ctx: &Ctx) -> Browse {
        let mut b = Browse {
            focus: Pane::Regions,
            sort: RegionSort::Name,
            regions: Picker::default(),
            region_rows: HashMap::new(),
            country: RegionRow::default(),
            agreements: Picker::default(),
            filter: None,
            region_marks: HashMap::new(),
            agreement_marks: HashMap::new(),
            detail_scroll: 0,
            detail: None,
            detail_waits: false,
            moved: false,
            order: Vec::new(),
            listed: None,
            remembered: HashMap::new(),
            country_order: None,
        };
        b.refresh_figures(ctx, None);
        b.sort_regions(ctx);
        b.refilter_regions(ctx);
        // Start on the first region that holds agreements: an empty pane helps nobody, and
        // the whole country is one key away.
        if let Some(first) = b
            .order
            .iter()
            .find(|p| {
                p.region()
                    .and_then(|id| b.region_rows.get(id))
                    .is_some_and(|r| r.count > 0)
            })
            .cloned()
        {
            b.regions.select(&first);
        }
        b.region_changed(ctx);
        b
    }

    pub fn context(&self) -> Context {
        match &self.filter {
            Some(f) if f.input.typing => Context::Filter,
            _ => Context::Browse,
        }
    }

    /// The selected row of the regions pane.
    pub fn selected_place(&self) -> Option<&Place> {
        self.regions.selected()
    }

    /// The selected region's id: `None` on the whole country's row (and when nothing is
    /// listed).
    pub fn selected_region(&self) -> Option<&str> {
        self.selected_place().and_then(Place::region)
    }

    /// The figures a row shows.
    pub fn figures(&self, place: &Place) -> Option<RegionRow> {
        match place {
            Place::Country => Some(self.country),
            Place::Region(id) => self.region_rows.get(id).copied(),
        }
    }

    /// The agreement highlighted in the relationships pane.
    pub fn target(&self) -> Option<AgreementId> {
        self.agreements.selected().copied()
    }

    pub fn available(&self, cmd: Cmd) -> Result<(), Why> {
        match cmd {
            Cmd::Filter if self.focus == Pane::Detail => Err(Why::NotHere),
            Cmd::Open if self.focus != Pane::Regions && self.target().is_none() => {
                Err(Why::NoAgreement)
            }
            _ => Ok(()),
        }
    }

    fn filter_of(&self, pane: Pane) -> Option<&FilterInput> {
        self.filter
            .as_ref()
            .filter(|f| f.pane == pane)
            .map(|f| &f.input)
    }

    /// Counts, worst health and trouble of the regions in `touched` (of all, when `None`),
    /// then the whole country's from every region's.
    fn refresh_figures(&mut self, ctx: &Ctx, touched: Option<&[String]>) {
        let catalog = &ctx.catalog;
        let figures = |id: &str| -> (usize, Option<Health>, u32) {
            let rows = catalog.agreements_of(id);
            let worst = rows
                .iter()
                .map(|&i| ctx.health_of(&catalog.agreements[i]))
                .max();
            let trouble = rows
                .iter()
                .map(|&i| {
                    let a = &catalog.agreements[i];
                    health::trouble(a, catalog.summary(a.id), ctx.today, &ctx.rules)
                })
                .sum();
            (rows.len(), worst, trouble)
        };
        let all = touched.is_none() || self.region_rows.len() != catalog.regions.len();
        let ids: Vec<&str> = if all {
            self.region_rows.clear();
            catalog.regions.iter().map(|r| r.id.as_str()).collect()
        } else {
            touched
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect()
        };
        for id in ids {
            let Some(region) = catalog.region(id) else {
                continue;
            };
            let (count, health, trouble) = figures(id);
            let depth = u8::from(region.province.is_some());
            self.region_rows.insert(
                id.to_string(),
                RegionRow {
                    depth,
                    count,
                    health,
                    trouble,
                },
            );
        }
        // From the regions' figures, not the agreements: a save costs a pass over the
        // regions, not over every agreement of the store.
        self.country = RegionRow {
            depth: 0,
            count: catalog.agreements.len(),
            health: self.region_rows.values().filter_map(|r| r.health).max(),
            trouble: self.region_rows.values().map(|r| r.trouble).sum(),
        };
    }

    /// Puts the rows in list order: the whole country first, then provinces, each followed by
    /// its regencies and cities, by name, by number of agreements or most troubled first;
    /// with a scope, the regions in it before the others.
    fn sort_regions(&mut self, ctx: &Ctx) {
        let catalog: &Catalog = &ctx.catalog;
        let rows = &self.region_rows;
        let figure = |i: usize| rows.get(&catalog.regions[i].id).copied();
        let sort = self.sort;
        // A session with a scope sees its own regions first, then the rest of the country.
        let scoped = ctx.access.scope.is_some();
        let outside = |own: usize, kids: &[usize]| -> bool {
            scoped
                && !std::iter::once(own)
                    .chain(kids.iter().copied())
                    .any(|i| ctx.access.covers(catalog, &catalog.regions[i].id))
        };
        let key = |own: usize, kids: &[usize]| -> (bool, i64, String) {
            let name = catalog.regions[own].name.to_lowercase();
            let outside = outside(own, kids);
            let sum = |f: fn(RegionRow) -> i64| {
                std::iter::once(own)
                    .chain(kids.iter().copied())
                    .filter_map(figure)
                    .map(f)
                    .sum::<i64>()
            };
            match sort {
                RegionSort::Name => (outside, 0, name),
                RegionSort::Count => (outside, -sum(|r| r.count as i64), name),
                RegionSort::Trouble => (outside, -sum(|r| i64::from(r.trouble)), name),
            }
        };
        let mut groups = catalog.region_tree();
        for (_, kids) in &mut groups {
            kids.sort_by_cached_key(|&k| key(k, &[]));
        }
        groups.sort_by_cached_key(|(p, kids)| key(*p, kids));
        self.order = std::iter::once(Place::Country)
            .chain(
                groups
                    .into_iter()
                    .flat_map(|(p, kids)| std::iter::once(p).chain(kids))
                    .map(|i| Place::Region(catalog.regions[i].id.clone())),
            )
            .collect();
    }

    fn refilter_regions(&mut self, ctx: &Ctx) {
        let catalog = &ctx.catalog;
        let aliases = &ctx.aliases;
        let lang = ctx.lang;
        let (rows, marks) = filtered(&self.order, self.filter_of(Pane::Regions), |place| {
            let id = match place {
                // Its name as shown, then the words people may type for it in either
                // language.
                Place::Country => {
                    return vec![
                        T::WholeCountry.in_lang(lang).to_string(),
                        "Indonesia · whole country · seluruh · semua".to_string(),
                    ];
                }
                Place::Region(id) => id,
            };
            let Some(r) = catalog.region(id) else {
                return Vec::new();
            };
            let mut terms = r.short_names.clone();
            terms.extend(aliases.get(id).into_iter().flatten().cloned());
            vec![r.name.clone(), terms.join(" · ")]
        });
        self.region_marks = marks
            .into_iter()
            .map(|(id, mut p)| (id, p.swap_remove(0)))
            .collect();
        self.regions.set_rows(rows);
    }

    /// The selected place's agreements again, keeping the selection when the place is the
    /// same one.
    fn refilter_agreements(&mut self, ctx: &Ctx) {
        let catalog = &ctx.catalog;
        let place = self.selected_place().cloned();
        let country = place == Some(Place::Country);
        let all = match &place {
            None => Vec::new(),
            Some(Place::Country) => self
                .country_order
                .get_or_insert_with(|| country_order(catalog))
                .clone(),
            Some(Place::Region(r)) => by_names(catalog, catalog.agreements_of(r).iter().copied()),
        };
        // On the whole country, a region is found by its names, short forms and aliases, and
        // by its province's (`/jateng` lists Semarang's agreements too), as in triage.
        let region_terms: HashMap<&str, String> = if country {
            let names = |id: &str| -> Vec<String> {
                let Some(r) = catalog.region(id) else {
                    return Vec::new();
                };
                let mut names = vec![r.name.clone()];
                names.extend(r.short_names.iter().cloned());
                names.extend(ctx.aliases.get(id).into_iter().flatten().cloned());
                names
            };
            catalog
                .regions
                .iter()
                .map(|r| {
                    let mut terms = names(&r.id);
                    if let Some(p) = &r.province {
                        terms.extend(names(p));
                    }
                    (r.id.as_str(), terms.join(" · "))
                })
                .collect()
        } else {
            HashMap::new()
        };
        let lang = ctx.lang;
        let (rows, marks) = filtered(&all, self.filter_of(Pane::Relationships), |&id| {
            let Some(a) = catalog.agreement(id) else {
                return Vec::new();
            };
            let partner = catalog.partner(&a.partner);
            let aliases = partner.map(|p| p.aliases.join(" · ")).unwrap_or_default();
            let country_terms = partner
                .map(|p| crate::domain::countries::search_terms(&p.country))
                .unwrap_or_default();
            let mut fields = vec![
                catalog.partner_name(a).to_string(),
                aliases,
                country_terms,
                crate::i18n::text::status(a.status_on(ctx.today), lang).to_string(),
            ];
            if let Some(terms) = region_terms.get(a.region.as_str()) {
                fields.push(terms.clone());
            }
            fields
        });
        self.agreement_marks = marks
            .into_iter()
            .map(|(id, mut p)| (id, p.swap_remove(0)))
            .collect();
        if self.listed != place {
            // Another place: its list, from the agreement selected there last, else the first.
            if let (Some(old), Some(id)) = (&self.listed, self.agreements.selected()) {
                self.remembered.insert(old.clone(), *id);
            }
            self.agreements = Picker::new(rows);
            if let Some(id) = place.as_ref().and_then(|p| self.remembered.get(p)) {
                self.agreements.select(id);
            }
            self.listed = place;
            self.detail_scroll = 0;
        } else {
            self.agreements.set_rows(rows);
        }
    }

    fn region_changed(&mut self, ctx: &Ctx) {
        self.refilter_agreements(ctx);
    }

    /// After the records changed: figures, order and both lists again, every selection kept.
    /// `touched` names the regions whose agreements changed (`None`: all of them).
    pub fn rebuild_touched(&mut self, ctx: &Ctx, touched: Option<&[String]>) {
        self.country_order = None;
        self.refresh_figures(ctx, touched);
        self.sort_regions(ctx);
        self.refilter_regions(ctx);
        self.refilter_agreements(ctx);
    }

    pub fn rebuild(&mut self, ctx: &Ctx) {
        self.rebuild_touched(ctx, None);
    }

    /// Keeps both lists' windows where the last frame drew them.
    pub fn fit(&mut self, geometry: &Geometry) {
        self.regions.scroll_to_fit(geometry.regions);
        self.agreements.scroll_to_fit(geometry.relationships);
        self.detail_scroll = self.detail_scroll.min(geometry.detail.max_scroll());
    }

    /// Shows a region: no filter, its row selected, its agreements listed.
    pub fn show_region(&mut self, ctx: &Ctx, id: &str) {
        self.filter = None;
        self.refilter_regions(ctx);
        self.regions.select(&Place::Region(id.to_string()));
        self.focus = Pane::Regions;
        self.region_changed(ctx);
    }

    /// Shows an agreement: its region selected, it selected among the region's agreements.
    pub fn show_agreement(&mut self, ctx: &Ctx, id: AgreementId) {
        let Some(a) = ctx.catalog.agreement(id) else {
            return;
        };
        let region = a.region.clone();
        self.show_region(ctx, &region);
        self.agreements.select(&id);
        self.focus = Pane::Relationships;
    }

    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        if let Some(f) = self.filter.as_mut().filter(|f| f.input.typing)
            && f.input.paste(text)
        {
            self.refilter(ctx);
        }
    }

    fn refilter(&mut self, ctx: &Ctx) {
        match self.filter.as_ref().map(|f| f.pane) {
            Some(Pane::Regions) | None => {
                let before = self.selected_place().cloned();
                self.refilter_regions(ctx);
                if self.selected_place() != before.as_ref() || self.filter.is_none() {
                    self.region_changed(ctx);
                }
            }
            Some(_) => self.refilter_agreements(ctx),
        }
    }

    fn clear_filter(&mut self, ctx: &Ctx) {
        let pane = self.filter.take().map(|f| f.pane);
        match pane {
            Some(Pane::Regions) => {
                let before = self.selected_place().cloned();
                self.refilter_regions(ctx);
                if self.selected_place() != before.as_ref() {
                    self.region_changed(ctx);
                }
            }
            Some(_) => self.refilter_agreements(ctx),
            None => {}
        }
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if let Some(f) = self.filter.as_mut().filter(|f| f.input.typing) {
            let outcome = f.input.key(cmd);
            let blank = f.input.is_blank();
            match outcome {
                FilterKey::Changed => self.refilter(ctx),
                FilterKey::Kept if blank => self.clear_filter(ctx),
                FilterKey::Kept => {}
                FilterKey::Cleared => self.clear_filter(ctx),
                FilterKey::Other => match cmd {
                    Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => self.step(ctx, cmd),
                    Cmd::Quit => ctx.quit = true,
                    _ => {}
                },
            }
            return Reply::stay();
        }
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {
                self.step(ctx, cmd)
            }
            Cmd::NextPane | Cmd::PrevPane => {
                let order = [Pane::Regions, Pane::Relationships, Pane::Detail];
                let at = order.iter().position(|&p| p == self.focus).unwrap_or(0);
                let next = if cmd == Cmd::NextPane {
                    (at + 1) % order.len()
                } else {
                    (at + order.len() - 1) % order.len()
                };
                self.focus = order[next];
            }
            Cmd::Open => match self.focus {
                Pane::Regions => self.focus = Pane::Relationships,
                Pane::Relationships | Pane::Detail => {
                    if let Some(id) = self.target() {
                        return Reply::then(Then::Show(Screen::Agreement(AgreementScreen::new(
                            ctx, id, None,
                        ))));
                    }
                }
            },
            Cmd::Map => {
                // The whole country's row (or nothing listed): the whole country's map.
                let region = self.selected_region().map(str::to_string);
                return Reply::then(Then::Show(Screen::Map(super::map::MapScreen::new(
                    ctx,
                    region.as_deref(),
                ))));
            }
            Cmd::Back if self.filter.is_some() => self.clear_filter(ctx),
            Cmd::Back => match self.focus {
                Pane::Detail => self.focus = Pane::Relationships,
                Pane::Relationships => self.focus = Pane::Regions,
                Pane::Regions => {}
            },
            Cmd::Filter => {
                let pane = self.focus;
                match self.filter.as_mut() {
                    Some(f) if f.pane == pane => f.input.typing = true,
                    _ => {
                        self.clear_filter(ctx);
                        self.filter = Some(Filter {
                            pane,
                            input: FilterInput::typing(),
                        });
                    }
                }
            }
            Cmd::CycleSort => {
                self.sort = match self.sort {
                    RegionSort::Name => RegionSort::Count,
                    RegionSort::Count => RegionSort::Trouble,
                    RegionSort::Trouble => RegionSort::Name,
                };
                self.sort_regions(ctx);
                self.refilter_regions(ctx);
            }
            _ => return Reply::pass(),
        }
        Reply::stay()
    }

    fn step(&mut self, ctx: &Ctx, cmd: Cmd) {
        let Some(movement) = movement(cmd) else {
            return;
        };
        let g = &ctx.geometry;
        match self.focus {
            Pane::Regions => {
                if self.regions.step(movement, Ctx::page(g.regions)) {
                    self.region_changed(ctx);
                    self.moved();
                }
            }
            Pane::Relationships => {
                if self.agreements.step(movement, Ctx::page(g.relationships)) {
                    self.detail_scroll = 0;
                    self.moved();
                }
            }
            Pane::Detail => {
                self.detail_scroll = scroll(
                    self.detail_scroll,
                    movement,
                    g.detail.visible,
                    g.detail.max_scroll(),
                );
            }
        }
    }
}

impl Browse {
    /// A key moved a list: the detail waits for the cursor to rest.
    fn moved(&mut self) {
        self.moved = true;
        self.detail_waits = true;
    }
}

/// The agreements at `rows` (positions in the catalog) by partner name, then region name,
/// then id, without regard to case.
fn by_names(catalog: &Catalog, rows: impl Iterator<Item = usize>) -> Vec<AgreementId> {
    let mut rows: Vec<usize> = rows.collect();
    rows.sort_by_cached_key(|&i| {
        let a = &catalog.agreements[i];
        (
            catalog.partner_name(a).to_lowercase(),
            catalog.region_name(a).to_lowercase(),
            a.id,
        )
    });
    rows.into_iter().map(|i| catalog.agreements[i].id).collect()
}

/// Every agreement in the order of [`by_names`], reached by ranking the partners' and the
/// regions' names once each and sorting the agreements by those numbers: lowering and
/// comparing 100,000 agreements' names as text took twice as long.
fn country_order(catalog: &Catalog) -> Vec<AgreementId> {
    let partners = name_ranks(
        catalog
            .partners
            .iter()
            .map(|p| (p.id.as_str(), p.name.as_str())),
    );
    let regions = name_ranks(
        catalog
            .regions
            .iter()
            .map(|r| (r.id.as_str(), r.name.as_str())),
    );
    let keys: Option<Vec<(u32, u32, AgreementId)>> = catalog
        .agreements
        .iter()
        .map(|a| {
            Some((
                *partners.get(a.partner.as_str())?,
                *regions.get(a.region.as_str())?,
                a.id,
            ))
        })
        .collect();
    match keys {
        Some(mut keys) => {
            keys.sort_unstable();
            keys.into_iter().map(|(_, _, id)| id).collect()
        }
        // A partner or region record is missing: its agreements show and sort by its id.
        None => by_names(catalog, 0..catalog.agreements.len()),
    }
}

/// Each id's place in the order of the names (lowercase); equal names share one.
fn name_ranks<'a>(names: impl Iterator<Item = (&'a str, &'a str)>) -> HashMap<&'a str, u32> {
    let mut keyed: Vec<(String, &str)> =
        names.map(|(id, name)| (name.to_lowercase(), id)).collect();
    keyed.sort_unstable();
    let mut ranks = HashMap::with_capacity(keyed.len());
    let mut rank = 0;
    for (i, (name, id)) in keyed.iter().enumerate() {
        if i == 0 || keyed[i - 1].0 != *name {
            rank = i as u32;
        }
        ranks.insert(*id, rank);
    }
    ranks
}

/// The list movement a key stands for.
pub fn movement(cmd: Cmd) -> Option<Move> {
    Some(match cmd {
        Cmd::Up => Move::Up,
        Cmd::Down => Move::Down,
        Cmd::Top => Move::Top,
        Cmd::Bottom => Move::Bottom,
        Cmd::PageUp => Move::PageUp,
        Cmd::PageDown => Move::PageDown,
        _ => return None,
    })
}

/// A scrolled text's first row after a movement, within `0..=max`.
pub fn scroll(at: usize, movement: Move, visible: usize, max: usize) -> usize {
    let page = Ctx::page(visible);
    match movement {
        Move::Up => at.saturating_sub(1),
        Move::Down => (at + 1).min(max),
        Move::Top => 0,
        Move::Bottom => max,
        Move::PageUp => at.saturating_sub(page),
        Move::PageDown => (at + page).min(max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(data: crate::domain::Dataset) -> Catalog {
        Catalog::new(
            data.stages,
            data.tags,
            data.regions,
            data.partners,
            data.agreements,
            HashMap::new(),
        )
    }

    /// The whole country's quick order is the order a region's list is sorted in, with names
    /// that differ only in case, and with records missing.
    #[test]
    fn the_country_order_sorts_as_by_names_does() {
        let mut data = crate::synth::generate(3000, 0, 7);
        // Two partners whose names differ only in case, and one named like another.
        data.partners[1].name = data.partners[0].name.to_uppercase();
        data.partners[2].name = data.partners[0].name.clone();
        let c = catalog(data.clone());
        for p in &data.partners[..3] {
            assert!(c.agreements.iter().any(|a| a.partner == p.id), "{}", p.id);
        }
        let all = 0..c.agreements.len();
        same_order(country_order(&c), by_names(&c, all.clone()));
        // An agreement whose partner record is gone sorts by the partner's id.
        data.partners.remove(3);
        let c = catalog(data);
        assert!(c.agreements.iter().any(|a| c.partner(&a.partner).is_none()));
        same_order(country_order(&c), by_names(&c, all));
    }

    fn same_order(quick: Vec<AgreementId>, slow: Vec<AgreementId>) {
        assert_eq!(quick.len(), slow.len());
        if let Some(i) = (0..quick.len()).find(|&i| quick[i] != slow[i]) {
            panic!(
                "from row {i}: {:?} instead of {:?}",
                &quick[i..(i + 5).min(quick.len())],
                &slow[i..(i + 5).min(slow.len())]
            );
        }
    }
}
