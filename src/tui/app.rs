//! The dashboard's state and the one function that changes it.
//!
//! `update` takes an [`Action`] and returns the [`Effect`]s the runtime must carry out (read a
//! timeline, copy to the clipboard); it never draws and never touches the store, so every
//! behaviour can be tested by feeding actions to a model.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::health::{self, Health, HealthRules};
use crate::domain::{Activity, AgreementId, Catalog};
use crate::i18n::Lang;

use crate::search::{self, Finder, Hit, Index, Target};
use crate::store::{Applied, Change, Edit, Record};

use super::form::{Form, Outcome, TagPicker};
use super::keymap::{Cmd, Mode};
use crate::i18n::T;

/// Longest text the filter or finder input holds.
pub const INPUT_MAX: usize = 256;
/// How many finder results are kept ranked for scrolling.
pub const FINDER_RESULTS: usize = crate::search::RERANKED;

/// The jump-anywhere finder (`Ctrl-p`).
#[derive(Debug, Clone, Default)]
pub struct FinderState {
    pub input: String,
    pub finder: Finder,
    /// The best matches, best first.
    pub results: Vec<Hit>,
    /// How many documents matched in all.
    pub total: usize,
    pub cursor: usize,
    pub offset: usize,
}

/// The triage queue screen (`T`): every agreement needing attention, worst first.
#[derive(Debug, Clone, Default)]
pub struct TriageView {
    pub queue: Vec<crate::domain::triage::Assessment>,
    /// For each queue entry: region – partner, province, country, advice, reasons, as one
    /// line to draw and to filter on.
    pub lines: Vec<String>,
    /// For each queue entry, its reasons as one line (tags by their labels).
    pub reasons: Vec<String>,
    /// Positions in `queue` that pass the filter, in queue order.
    pub visible: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub filter: String,
    pub typing: bool,
}

impl TriageView {
    fn refilter(&mut self) {
        let query = search::normalize_query(&self.filter);
        self.visible = (0..self.queue.len())
            .filter(|&i| query.is_empty() || search::match_text(&self.lines[i], &query).is_some())
            .collect();
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
        self.offset = 0;
    }
}

/// A filter on the regions or relationships list (`/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterState {
    pub pane: Pane,
    pub input: String,
    /// Keys go to the input; false once Enter kept the filter.
    pub typing: bool,
    /// The last region and agreement selected while filtering, restored when the filter is
    /// cleared even if it had narrowed the list to nothing.
    pub last_region: Option<String>,
    pub last_agreement: Option<AgreementId>,
}

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

/// One line of the regions pane.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRow {
    /// Position in `catalog.regions`.
    pub region: usize,
    /// 0 for a province, 1 for its regencies and cities.
    pub depth: u8,
    /// Agreements the region holds itself.
    pub count: usize,
    /// The worst health among them.
    pub health: Option<Health>,
    pub trouble: u32,
}

/// The selected agreement's timeline, read from the store on demand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub agreement: Option<AgreementId>,
    /// Newest first.
    pub activities: Vec<Activity>,
    pub loading: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusKind {
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub text: String,
    pub kind: StatusKind,
}

/// Where a save came from, which decides what happens when the store answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The open form.
    Form,
    /// The obstacle-tag checklist.
    Tags,
    /// A one-key edit (next stage, delete).
    Quick,
    /// Undoing this applied change.
    Undo(Box<Applied>),
    /// Redoing (undoing the undo of) this applied change.
    Redo(Box<Applied>),
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveFailure {
    pub message: String,
    /// Set when the record changed in the store since the edit began.
    pub conflict: Option<Theirs>,
}

/// What the store holds of a record someone else changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Theirs {
    /// Their version of the agreement, with its record version.
    Changed(Box<(u64, crate::domain::Agreement)>),
    /// They deleted it (or it was never an agreement).
    Deleted,
    /// Someone changed (or removed) the triage notes this form adds to.
    Notes(Option<crate::domain::Attention>),
}

/// A question on screen; letters answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub text: String,
    pub on_yes: PromptAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptAction {
    Delete { id: AgreementId, version: u64 },
}

#[derive(Debug, Clone)]
pub enum Action {
    Cmd(Cmd),
    Resize(u16, u16),
    TimelineLoaded {
        agreement: AgreementId,
        result: Result<Vec<Activity>, String>,
    },
    /// Something outside went wrong (a theme file, the clipboard...).
    Notice(String),
    /// The search index finished building in the background.
    IndexReady(Arc<Index>),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// The store answered a save. On a server, `catalog` is the catalog every session now
    /// shares, already holding the change.
    Saved {
        origin: Origin,
        result: Result<Box<Applied>, SaveFailure>,
        catalog: Option<Arc<Catalog>>,
    },
    /// Another session saved a change; `catalog` holds it.
    Changed {
        catalog: Arc<Catalog>,
        applied: Box<Applied>,
        by: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadTimeline(AgreementId),
    /// Clear the terminal and draw everything again. Asked for when an overlay or screen
    /// closes: text in some scripts (Khmer's combining vowels, for one) is measured
    /// differently by different terminals, and a cell-by-cell update could leave marks of
    /// it behind.
    Repaint,
    CopyToClipboard(String),
    /// Apply a change to the store, durably; the answer comes back as [`Action::Saved`].
    Save {
        change: Box<Change>,
        origin: Origin,
    },
    /// Delete an agreement and its timeline, if it is still at `version`.
    Delete {
        id: AgreementId,
        version: u64,
    },
    /// Records changed: build the search index again in the background.
    RefreshIndex,
}

pub struct Model {
    /// Shared with background work (the search index build) without a copy.
    pub catalog: Arc<Catalog>,
    pub today: NaiveDate,
    pub rules: HealthRules,
    pub lang: Lang,
    pub focus: Pane,
    /// The detail pane fills the body (after Enter on an agreement).
    pub zoomed: bool,
    pub sort: RegionSort,
    pub region_rows: Vec<RegionRow>,
    pub region_cursor: usize,
    /// First region row shown; moves only when the cursor would leave the pane.
    pub region_offset: usize,
    /// Positions in `catalog.agreements` of the selected region's agreements.
    pub agreement_rows: Vec<usize>,
    pub agreement_cursor: usize,
    pub agreement_offset: usize,
    pub timeline: Timeline,
    pub detail_scroll: u16,
    pub help_open: bool,
    pub status: Option<StatusLine>,
    pub size: (u16, u16),
    pub quit: bool,
    pub index: Option<Arc<Index>>,
    pub finder: Option<FinderState>,
    pub filter: Option<FilterState>,
    pub triage: Option<TriageView>,
    /// An activity the finder jumped to, marked in the timeline.
    pub marked_activity: Option<crate::domain::ActivityId>,
    pub form: Option<Form>,
    pub tag_picker: Option<TagPicker>,
    pub prompt: Option<Prompt>,
    /// This session's saved changes, newest last; `u` takes back the last one.
    pub undo: Vec<Applied>,
    pub redo: Vec<Applied>,
    /// Browsing only: editing keys explain that the session is read-only.
    pub read_only: bool,
    all_region_rows: Vec<RegionRow>,
    all_agreement_rows: Vec<usize>,
    /// For each region (by position): agreements, worst health, trouble score.
    region_stats: Vec<RegionStat>,
}

type RegionStat = (usize, Option<Health>, u32);

impl Model {
    /// A model over a catalog; returns the effects needed to fill the first screen.
    pub fn new(
        catalog: Catalog,
        today: NaiveDate,
        rules: HealthRules,
        lang: Lang,
    ) -> (Model, Vec<Effect>) {
        Model::shared(Arc::new(catalog), today, rules, lang)
    }

    /// A model over a catalog other sessions share (a server's).
    pub fn shared(
        catalog: Arc<Catalog>,
        today: NaiveDate,
        rules: HealthRules,
        lang: Lang,
    ) -> (Model, Vec<Effect>) {
        let mut model = Model {
            catalog,
            today,
            rules,
            lang,
            focus: Pane::Regions,
            zoomed: false,
            sort: RegionSort::Name,
            region_rows: Vec::new(),
            region_cursor: 0,
            region_offset: 0,
            agreement_rows: Vec::new(),
            agreement_cursor: 0,
            agreement_offset: 0,
            timeline: Timeline::default(),
            detail_scroll: 0,
            help_open: false,
            status: None,
            size: (80, 24),
            quit: false,
            index: None,
            finder: None,
            filter: None,
            triage: None,
            marked_activity: None,
            form: None,
            tag_picker: None,
            prompt: None,
            undo: Vec::new(),
            redo: Vec::new(),
            read_only: false,
            all_region_rows: Vec::new(),
            all_agreement_rows: Vec::new(),
            region_stats: Vec::new(),
        };
        model.rebuild_regions();
        // Start on the first region that holds agreements: an empty pane helps nobody.
        if let Some(i) = model.region_rows.iter().position(|r| r.count > 0) {
            model.region_cursor = i;
        }
        let effects = model.region_changed();
        model.scroll_into_view();
        (model, effects)
    }

    /// Keeps both cursors inside their panes, scrolling as little as possible.
    fn scroll_into_view(&mut self) {
        let (regions, agreements) = super::view::list_heights(self.size, self.zoomed);
        self.region_offset = follow(self.region_offset, self.region_cursor, regions);
        self.agreement_offset = follow(self.agreement_offset, self.agreement_cursor, agreements);
    }

    pub fn health_of(&self, index: usize) -> Health {
        let a = &self.catalog.agreements[index];
        health::health(a, self.catalog.summary(a.id), self.today, &self.rules)
    }

    pub fn selected_region(&self) -> Option<&crate::domain::Region> {
        self.region_rows
            .get(self.region_cursor)
            .map(|r| &self.catalog.regions[r.region])
    }

    pub fn selected_agreement(&self) -> Option<&crate::domain::Agreement> {
        self.agreement_rows
            .get(self.agreement_cursor)
            .map(|&i| &self.catalog.agreements[i])
    }

    /// Rows a page key moves by: the height of a list pane, roughly.
    fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    /// A region's number of agreements, worst health and trouble score.
    fn region_stat(&self, r: usize) -> RegionStat {
        let rows = self.catalog.agreements_of(&self.catalog.regions[r].id);
        let worst = rows.iter().map(|&i| self.health_of(i)).max();
        let trouble = rows
            .iter()
            .map(|&i| {
                let a = &self.catalog.agreements[i];
                health::trouble(a, self.catalog.summary(a.id), self.today, &self.rules)
            })
            .sum();
        (rows.len(), worst, trouble)
    }

    /// Recomputes the figures of the regions a change touched (all of them when the list of
    /// regions itself changed).
    fn refresh_region_stats(&mut self, touched: &[String]) {
        if self.region_stats.len() != self.catalog.regions.len() {
            self.region_stats = (0..self.catalog.regions.len())
                .map(|r| self.region_stat(r))
                .collect();
            return;
        }
        for id in touched {
            if let Some(r) = self.catalog.regions.iter().position(|x| &x.id == id) {
                self.region_stats[r] = self.region_stat(r);
            }
        }
    }

    fn rebuild_regions(&mut self) {
        let keep = self.selected_region().map(|r| r.id.clone());
        self.refresh_region_stats(&[]);
        let stats = &self.region_stats;
        let row = |region: usize, depth: u8| RegionRow {
            region,
            depth,
            count: stats[region].0,
            health: stats[region].1,
            trouble: stats[region].2,
        };
        let mut groups: Vec<(RegionRow, Vec<RegionRow>)> = self
            .catalog
            .region_tree()
            .into_iter()
            .map(|(p, kids)| (row(p, 0), kids.into_iter().map(|k| row(k, 1)).collect()))
            .collect();
        let regions = &self.catalog.regions;
        let sort = self.sort;
        let key = move |r: &RegionRow, extra: &[RegionRow]| -> (i64, String) {
            let name = regions[r.region].name.to_lowercase();
            match sort {
                RegionSort::Name => (0, name),
                RegionSort::Count => (
                    -((r.count + extra.iter().map(|k| k.count).sum::<usize>()) as i64),
                    name,
                ),
                RegionSort::Trouble => (
                    -((r.trouble + extra.iter().map(|k| k.trouble).sum::<u32>()) as i64),
                    name,
                ),
            }
        };
        for (_, kids) in &mut groups {
            kids.sort_by_cached_key(|k| key(k, &[]));
        }
        groups.sort_by_cached_key(|(p, kids)| key(p, kids));
        self.all_region_rows = groups
            .into_iter()
            .flat_map(|(p, kids)| std::iter::once(p).chain(kids))
            .collect();
        self.region_rows = self.filtered_regions();
        if let Some(id) = keep
            && let Some(i) = self
                .region_rows
                .iter()
                .position(|r| self.catalog.regions[r.region].id == id)
        {
            self.region_cursor = i;
        }
        self.region_cursor = self
            .region_cursor
            .min(self.region_rows.len().saturating_sub(1));
    }

    fn region_changed(&mut self) -> Vec<Effect> {
        let Some(region) = self.selected_region() else {
            self.agreement_rows.clear();
            self.all_agreement_rows.clear();
            self.agreement_cursor = 0;
            self.timeline = Timeline::default();
            return Vec::new();
        };
        let mut rows = self.catalog.agreements_of(&region.id).to_vec();
        let catalog = &self.catalog;
        rows.sort_by_cached_key(|&i| {
            let a = &catalog.agreements[i];
            (catalog.partner_name(a).to_lowercase(), a.id)
        });
        self.all_agreement_rows = rows;
        self.agreement_rows = self.filtered_agreements();
        self.agreement_cursor = 0;
        self.agreement_offset = 0;
        self.agreement_changed()
    }

    /// Which table keys are looked up in.
    pub fn mode(&self) -> Mode {
        if self.prompt.is_some() || self.form.as_ref().is_some_and(|f| f.confirm_discard) {
            return Mode::Prompt;
        }
        if self.form.is_some() {
            return Mode::Form;
        }
        if let Some(picker) = &self.tag_picker {
            return if picker.new_tag.is_some() {
                Mode::Form
            } else {
                Mode::Checklist
            };
        }
        if self.finder.is_some()
            || self.filter.as_ref().is_some_and(|f| f.typing)
            || self.triage.as_ref().is_some_and(|t| t.typing)
        {
            Mode::Input
        } else if self.triage.is_some() {
            Mode::Triage
        } else {
            Mode::Browse
        }
    }

    /// The text a region row is filtered and matched on.
    pub fn region_filter_text(&self, region: usize) -> String {
        let r = &self.catalog.regions[region];
        let mut text = r.name.clone();
        for s in &r.short_names {
            text.push_str(" · ");
            text.push_str(s);
        }
        text
    }

    /// The text an agreement row is filtered on: partner, its other names, country, status.
    pub fn agreement_filter_text(&self, index: usize) -> String {
        let a = &self.catalog.agreements[index];
        let mut text = self.catalog.partner_name(a).to_string();
        if let Some(p) = self.catalog.partner(&a.partner) {
            for alias in &p.aliases {
                text.push_str(" · ");
                text.push_str(alias);
            }
            text.push_str(" · ");
            text.push_str(&p.country);
        }
        text.push_str(" · ");
        text.push_str(crate::i18n::text::status(a.status, self.lang));
        text
    }

    fn filter_query(&self, pane: Pane) -> Option<String> {
        self.filter
            .as_ref()
            .filter(|f| f.pane == pane && !f.input.trim().is_empty())
            .map(|f| search::normalize_query(&f.input))
    }

    fn filtered_regions(&self) -> Vec<RegionRow> {
        match self.filter_query(Pane::Regions) {
            None => self.all_region_rows.clone(),
            Some(q) => self
                .all_region_rows
                .iter()
                .filter(|r| search::match_text(&self.region_filter_text(r.region), &q).is_some())
                .cloned()
                .collect(),
        }
    }

    fn filtered_agreements(&self) -> Vec<usize> {
        match self.filter_query(Pane::Relationships) {
            None => self.all_agreement_rows.clone(),
            Some(q) => self
                .all_agreement_rows
                .iter()
                .copied()
                .filter(|&i| search::match_text(&self.agreement_filter_text(i), &q).is_some())
                .collect(),
        }
    }

    /// Re-applies the filter after its text changed, keeping the selection when it survives.
    fn refilter(&mut self) -> Vec<Effect> {
        let region = self.selected_region().map(|r| r.id.clone());
        let agreement = self.selected_agreement().map(|a| a.id);
        if let Some(f) = self.filter.as_mut() {
            f.last_region = region.or(f.last_region.take());
            f.last_agreement = agreement.or(f.last_agreement.take());
        }
        let pane = self.filter.as_ref().map(|f| f.pane).unwrap_or(self.focus);
        match pane {
            Pane::Regions => {
                let keep = self.selected_region().map(|r| r.id.clone());
                self.region_rows = self.filtered_regions();
                self.region_cursor = keep
                    .and_then(|id| {
                        self.region_rows
                            .iter()
                            .position(|r| self.catalog.regions[r.region].id == id)
                    })
                    .unwrap_or(0);
                self.region_offset = 0;
                self.region_changed()
            }
            _ => {
                let keep = self.selected_agreement().map(|a| a.id);
                self.agreement_rows = self.filtered_agreements();
                self.agreement_cursor = keep
                    .and_then(|id| {
                        self.agreement_rows
                            .iter()
                            .position(|&i| self.catalog.agreements[i].id == id)
                    })
                    .unwrap_or(0);
                self.agreement_offset = 0;
                self.agreement_changed()
            }
        }
    }

    /// Removes the filter; both lists show everything again with the selection kept, and the
    /// relationships pane and detail follow whatever region ends up selected.
    fn clear_filter(&mut self) -> Vec<Effect> {
        let Some(filter) = self.filter.take() else {
            return Vec::new();
        };
        let region = self
            .selected_region()
            .map(|r| r.id.clone())
            .or(filter.last_region);
        let agreement = self
            .selected_agreement()
            .map(|a| a.id)
            .or(filter.last_agreement);
        self.region_rows = self.all_region_rows.clone();
        self.region_cursor = region
            .and_then(|id| {
                self.region_rows
                    .iter()
                    .position(|r| self.catalog.regions[r.region].id == id)
            })
            .unwrap_or(0);
        // Rebuild the relationships for the region now selected, then put the agreement
        // cursor back where it was if that agreement is still listed.
        let effects = self.region_changed();
        self.cursor_to_agreement(agreement, effects)
    }

    /// After a region change (whose effects are `effects`), puts the agreement cursor on `id`
    /// if it is listed. Only the timeline of the agreement finally selected is read; when
    /// that is the region's first, the region change already asked for it.
    fn cursor_to_agreement(
        &mut self,
        id: Option<AgreementId>,
        mut effects: Vec<Effect>,
    ) -> Vec<Effect> {
        if let Some(i) = id.and_then(|id| {
            self.agreement_rows
                .iter()
                .position(|&i| self.catalog.agreements[i].id == id)
        }) {
            self.agreement_cursor = i;
            let more = self.agreement_changed();
            if !more.is_empty() {
                effects = more;
            }
        }
        effects
    }

    /// Selects an agreement wherever it is: its region in the regions pane, it in the
    /// relationships pane.
    fn select_agreement(&mut self, id: AgreementId) -> Vec<Effect> {
        let Some(agreement) = self.catalog.agreement(id) else {
            return Vec::new();
        };
        let region = agreement.region.clone();
        self.filter = None;
        self.region_rows = self.all_region_rows.clone();
        let Some(row) = self
            .region_rows
            .iter()
            .position(|r| self.catalog.regions[r.region].id == region)
        else {
            return Vec::new();
        };
        self.region_cursor = row;
        let effects = self.region_changed();
        let effects = self.cursor_to_agreement(Some(id), effects);
        self.focus = Pane::Relationships;
        self.zoomed = false;
        effects
    }

    /// Goes to what a finder result stands for.
    pub fn jump(&mut self, target: &Target) -> Vec<Effect> {
        self.marked_activity = None;
        let first_agreement = |pred: &dyn Fn(&crate::domain::Agreement) -> bool| {
            let mut found: Vec<&crate::domain::Agreement> =
                self.catalog.agreements.iter().filter(|a| pred(a)).collect();
            found.sort_by_key(|a| (self.catalog.region_name(a).to_lowercase(), a.id));
            found.first().map(|a| a.id)
        };
        match target {
            Target::Region(id) => {
                self.filter = None;
                self.region_rows = self.all_region_rows.clone();
                if let Some(row) = self
                    .region_rows
                    .iter()
                    .position(|r| &self.catalog.regions[r.region].id == id)
                {
                    self.region_cursor = row;
                    self.focus = Pane::Regions;
                    self.zoomed = false;
                    return self.region_changed();
                }
                Vec::new()
            }
            Target::Agreement(id) => self.select_agreement(*id),
            Target::Partner(id) => match first_agreement(&|a| &a.partner == id) {
                Some(a) => self.select_agreement(a),
                None => Vec::new(),
            },
            Target::Country(country) => {
                let catalog = &self.catalog;
                match first_agreement(&|a| {
                    catalog
                        .partner(&a.partner)
                        .is_some_and(|p| &p.country == country)
                }) {
                    Some(a) => self.select_agreement(a),
                    None => Vec::new(),
                }
            }
            Target::Tag(tag) => match first_agreement(&|a| a.obstacles.contains(tag)) {
                Some(a) => self.select_agreement(a),
                None => Vec::new(),
            },
            Target::Activity {
                agreement,
                activity,
            } => {
                let effects = self.select_agreement(*agreement);
                self.focus = Pane::Detail;
                self.zoomed = true;
                self.marked_activity = Some(*activity);
                effects
            }
        }
    }

    /// Opens the triage queue, assessed as of the model's today.
    fn open_triage(&mut self) {
        let catalog = &self.catalog;
        let queue = crate::domain::triage::queue(catalog, self.today, &self.rules);
        let rows = crate::report::triage_rows(catalog, &queue, self.lang);
        let lines: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} – {} · {} · {} · {} · {} · {}",
                    r.region,
                    r.partner,
                    r.province,
                    r.country,
                    crate::report::recommendation_label(r.recommendation, self.lang),
                    r.decision
                        .map(|d| crate::report::decision_label(d, self.lang))
                        .unwrap_or(""),
                    r.reasons_text.join("; ")
                )
            })
            .collect();
        let reasons = rows
            .iter()
            .map(|r| {
                let reasons = r.reasons_text.join("; ");
                match r.decision {
                    Some(d) => format!(
                        "[{}] {reasons}",
                        crate::report::decision_label(d, self.lang)
                    ),
                    None => reasons,
                }
            })
            .collect();
        let mut view = TriageView {
            queue,
            lines,
            reasons,
            ..TriageView::default()
        };
        view.refilter();
        self.triage = Some(view);
    }

    fn run_finder(&mut self) {
        let Some(index) = self.index.clone() else {
            return;
        };
        if let Some(f) = self.finder.as_mut() {
            f.total = f.finder.search(&index, &f.input);
            f.results = f.finder.top(FINDER_RESULTS);
            f.cursor = 0;
            f.offset = 0;
        }
    }

    fn agreement_changed(&mut self) -> Vec<Effect> {
        self.detail_scroll = 0;
        match self.selected_agreement().map(|a| a.id) {
            Some(id) if self.timeline.agreement == Some(id) => Vec::new(),
            Some(id) => {
                self.timeline = Timeline {
                    agreement: Some(id),
                    loading: true,
                    ..Timeline::default()
                };
                vec![Effect::LoadTimeline(id)]
            }
            None => {
                self.timeline = Timeline::default();
                Vec::new()
            }
        }
    }

    fn move_cursor(&mut self, cmd: Cmd) -> Vec<Effect> {
        let page = self.page();
        let step = |cursor: usize, len: usize| -> usize {
            if len == 0 {
                return 0;
            }
            let last = len - 1;
            match cmd {
                Cmd::Up => cursor.saturating_sub(1),
                Cmd::Down => (cursor + 1).min(last),
                Cmd::Top => 0,
                Cmd::Bottom => last,
                Cmd::PageUp => cursor.saturating_sub(page),
                Cmd::PageDown => (cursor + page).min(last),
                _ => cursor,
            }
        };
        match self.focus {
            Pane::Regions => {
                let next = step(self.region_cursor, self.region_rows.len());
                if next != self.region_cursor {
                    self.region_cursor = next;
                    return self.region_changed();
                }
            }
            Pane::Relationships => {
                let next = step(self.agreement_cursor, self.agreement_rows.len());
                if next != self.agreement_cursor {
                    self.agreement_cursor = next;
                    return self.agreement_changed();
                }
            }
            Pane::Detail => {
                let max = super::view::detail_scroll_max(self);
                let next = step(self.detail_scroll as usize, max + 1);
                self.detail_scroll = next.min(u16::MAX as usize) as u16;
            }
        }
        Vec::new()
    }
}

/// The offset that shows `cursor` in a window of `visible` rows, moving `offset` least.
fn follow(offset: usize, cursor: usize, visible: usize) -> usize {
    let visible = visible.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + visible {
        cursor + 1 - visible
    } else {
        offset
    }
}

/// Applies one action; returns what the runtime must do next.
pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    let effects = apply(model, action);
    model.scroll_into_view();
    effects
}

fn apply(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Resize(w, h) => {
            model.size = (w, h);
            Vec::new()
        }
        Action::TimelineLoaded { agreement, result } => {
            // A late answer for an agreement no longer selected is dropped.
            if model.timeline.agreement == Some(agreement) {
                model.timeline.loading = false;
                match result {
                    Ok(mut activities) => {
                        activities.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
                        model.timeline.activities = activities;
                        model.timeline.error = None;
                    }
                    Err(e) => model.timeline.error = Some(e),
                }
            }
            Vec::new()
        }
        Action::Notice(text) => {
            model.status = Some(StatusLine {
                text,
                kind: StatusKind::Error,
            });
            Vec::new()
        }
        Action::IndexReady(index) => {
            model.index = Some(index);
            if let Some(f) = model.finder.as_mut() {
                f.finder.reset();
            }
            model.run_finder();
            Vec::new()
        }
        Action::Saved {
            origin,
            result,
            catalog,
        } => model.saved(origin, result, catalog),
        Action::Changed {
            catalog,
            applied,
            by,
        } => model.changed_elsewhere(catalog, &applied, &by),
        Action::Paste(text) if model.form.is_some() => {
            let catalog = Arc::clone(&model.catalog);
            if let Some(form) = model.form.as_mut() {
                form.paste(&text, &catalog, model.today);
            }
            Vec::new()
        }
        Action::Paste(text) if model.tag_picker.is_some() => {
            if let Some(input) = model.tag_picker.as_mut().and_then(|p| p.new_tag.as_mut()) {
                input.insert(&text);
            }
            Vec::new()
        }
        Action::Paste(_) if model.mode() != Mode::Input => Vec::new(),
        Action::Paste(text) => {
            let mut effects = Vec::new();
            for c in text
                .chars()
                .filter(|c| !crate::domain::text::is_unsafe_char(*c))
            {
                effects.extend(input_command(model, Cmd::Insert(c)));
            }
            effects
        }
        Action::Cmd(cmd) if model.prompt.is_some() => prompt_command(model, cmd),
        Action::Cmd(cmd) if model.form.is_some() => form_command(model, cmd),
        Action::Cmd(cmd) if model.tag_picker.is_some() => picker_command(model, cmd),
        Action::Cmd(cmd) if model.mode() == Mode::Input => input_command(model, cmd),
        Action::Cmd(cmd) => command(model, cmd),
    }
}

/// Edits `input` for an editing command; true when it changed.
fn edit_input(input: &mut String, cmd: Cmd) -> bool {
    match cmd {
        Cmd::Insert(c) if !crate::domain::text::is_unsafe_char(c) => {
            if input.chars().count() >= INPUT_MAX {
                return false;
            }
            input.push(c);
            true
        }
        Cmd::DeleteBack => input.pop().is_some(),
        Cmd::DeleteWord => {
            let trimmed = input.trim_end().len();
            input.truncate(trimmed);
            let cut = input.rfind(' ').map_or(0, |i| i + 1);
            let changed = cut < input.len() || trimmed != input.len();
            input.truncate(cut);
            changed || !input.is_empty()
        }
        Cmd::ClearInput => {
            let changed = !input.is_empty();
            input.clear();
            changed
        }
        _ => false,
    }
}

/// Keys while the finder or a filter takes typing.
fn input_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    if cmd == Cmd::Quit {
        model.quit = true;
        return Vec::new();
    }
    if let Some(finder) = model.finder.as_mut() {
        if edit_input(&mut finder.input, cmd) {
            model.run_finder();
            return Vec::new();
        }
        let len = finder.results.len();
        let page = (model.size.1 as usize).saturating_sub(10).max(1);
        match cmd {
            Cmd::Down => finder.cursor = (finder.cursor + 1).min(len.saturating_sub(1)),
            Cmd::Up => finder.cursor = finder.cursor.saturating_sub(1),
            Cmd::PageDown => finder.cursor = (finder.cursor + page).min(len.saturating_sub(1)),
            Cmd::PageUp => finder.cursor = finder.cursor.saturating_sub(page),
            Cmd::Back => {
                model.finder = None;
                return vec![Effect::Repaint];
            }
            Cmd::Open => {
                let target = model.index.as_ref().and_then(|index| {
                    finder
                        .results
                        .get(finder.cursor)
                        .map(|hit| index.target(hit.doc))
                });
                model.finder = None;
                let mut effects = vec![Effect::Repaint];
                if let Some(target) = target {
                    effects.extend(model.jump(&target));
                }
                return effects;
            }
            _ => {}
        }
        return Vec::new();
    }
    if let Some(view) = model.triage.as_mut().filter(|t| t.typing) {
        if edit_input(&mut view.filter, cmd) {
            view.refilter();
            return Vec::new();
        }
        match cmd {
            Cmd::Open => view.typing = false,
            Cmd::Back => {
                view.filter.clear();
                view.typing = false;
                view.refilter();
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => triage_move(model, cmd),
            _ => {}
        }
        return Vec::new();
    }
    let Some(filter) = model.filter.as_mut() else {
        return Vec::new();
    };
    if edit_input(&mut filter.input, cmd) {
        return model.refilter();
    }
    match cmd {
        Cmd::Open => {
            filter.typing = false;
            if filter.input.trim().is_empty() {
                model.filter = None;
            }
            Vec::new()
        }
        Cmd::Back => model.clear_filter(),
        Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => model.move_cursor(cmd),
        _ => Vec::new(),
    }
}

fn command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    if cmd == Cmd::Quit {
        model.quit = true;
        return Vec::new();
    }
    if model.help_open {
        if matches!(cmd, Cmd::Help | Cmd::Back) {
            model.help_open = false;
            return vec![Effect::Repaint];
        }
        return Vec::new();
    }
    // A message stays until the next key, so it is read but never stale.
    model.status = None;
    if model.triage.is_some() && !matches!(cmd, Cmd::Finder | Cmd::Help) {
        return triage_command(model, cmd);
    }
    match cmd {
        Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {
            model.move_cursor(cmd)
        }
        Cmd::NextPane | Cmd::PrevPane => {
            let order = [Pane::Regions, Pane::Relationships, Pane::Detail];
            let at = order.iter().position(|&p| p == model.focus).unwrap_or(0);
            let next = if cmd == Cmd::NextPane {
                (at + 1) % order.len()
            } else {
                (at + order.len() - 1) % order.len()
            };
            model.focus = order[next];
            model.zoomed = false;
            Vec::new()
        }
        Cmd::Open => {
            match model.focus {
                Pane::Regions => model.focus = Pane::Relationships,
                Pane::Relationships if model.selected_agreement().is_some() => {
                    model.focus = Pane::Detail;
                    model.zoomed = true;
                }
                _ => {}
            }
            Vec::new()
        }
        Cmd::Back if model.filter.is_some() => model.clear_filter(),
        Cmd::Filter => {
            if model.focus == Pane::Detail {
                return Vec::new();
            }
            match model.filter.as_mut() {
                Some(f) if f.pane == model.focus => f.typing = true,
                _ => {
                    model.clear_filter();
                    model.filter = Some(FilterState {
                        pane: model.focus,
                        input: String::new(),
                        typing: true,
                        last_region: model.selected_region().map(|r| r.id.clone()),
                        last_agreement: model.selected_agreement().map(|a| a.id),
                    });
                }
            }
            Vec::new()
        }
        Cmd::Triage => {
            model.open_triage();
            vec![Effect::Repaint]
        }
        Cmd::Finder => {
            model.finder = Some(FinderState {
                finder: Finder::new(Vec::new()),
                ..FinderState::default()
            });
            model.run_finder();
            Vec::new()
        }
        Cmd::New
        | Cmd::Edit
        | Cmd::LogActivity
        | Cmd::Tags
        | Cmd::Delete
        | Cmd::AdvanceStage
        | Cmd::Renew
        | Cmd::Undo
        | Cmd::Redo => edit_command(model, cmd),
        Cmd::Insert(_)
        | Cmd::DeleteBack
        | Cmd::DeleteWord
        | Cmd::ClearInput
        | Cmd::Left
        | Cmd::Right
        | Cmd::Home
        | Cmd::End
        | Cmd::DeleteForward
        | Cmd::Save
        | Cmd::Reload
        | Cmd::Toggle
        | Cmd::MarkRenewal
        | Cmd::MarkRevitalization
        | Cmd::ProposeTermination
        | Cmd::Snooze
        | Cmd::FollowUp
        | Cmd::FollowUpDone
        | Cmd::ClearMarks => Vec::new(),
        Cmd::Back => {
            match model.focus {
                Pane::Detail => {
                    model.focus = Pane::Relationships;
                    model.zoomed = false;
                }
                Pane::Relationships => model.focus = Pane::Regions,
                Pane::Regions => {}
            }
            Vec::new()
        }
        Cmd::Help => {
            model.help_open = true;
            Vec::new()
        }
        Cmd::CycleSort => {
            model.sort = match model.sort {
                RegionSort::Name => RegionSort::Count,
                RegionSort::Count => RegionSort::Trouble,
                RegionSort::Trouble => RegionSort::Name,
            };
            model.rebuild_regions();
            Vec::new()
        }
        Cmd::Copy => match model.selected_agreement() {
            Some(a) => {
                let text = super::summary::agreement_summary(model, a);
                model.status = Some(StatusLine {
                    text: crate::i18n::T::Copied.in_lang(model.lang).to_string(),
                    kind: StatusKind::Ok,
                });
                vec![Effect::CopyToClipboard(text)]
            }
            None => Vec::new(),
        },
        Cmd::Quit => Vec::new(),
    }
}

/// Keys on the triage screen.
fn triage_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let Some(view) = model.triage.as_mut() else {
        return Vec::new();
    };
    match cmd {
        Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {
            triage_move(model, cmd);
            Vec::new()
        }
        Cmd::Filter => {
            view.typing = true;
            Vec::new()
        }
        Cmd::MarkRenewal
        | Cmd::MarkRevitalization
        | Cmd::ProposeTermination
        | Cmd::Snooze
        | Cmd::FollowUp
        | Cmd::FollowUpDone
        | Cmd::ClearMarks => triage_action(model, cmd),
        Cmd::Undo | Cmd::Redo => edit_command(model, cmd),
        Cmd::Back if !view.filter.is_empty() => {
            view.filter.clear();
            view.refilter();
            Vec::new()
        }
        Cmd::Back | Cmd::Triage => {
            model.triage = None;
            vec![Effect::Repaint]
        }
        Cmd::Open => {
            let target = view
                .visible
                .get(view.cursor)
                .and_then(|&i| view.queue.get(i))
                .map(|x| x.agreement);
            match target {
                Some(id) => {
                    model.triage = None;
                    let mut effects = vec![Effect::Repaint];
                    effects.extend(model.jump(&Target::Agreement(id)));
                    effects
                }
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn triage_move(model: &mut Model, cmd: Cmd) {
    let page = (model.size.1 as usize).saturating_sub(14).max(1);
    let visible_rows = super::view::triage_rows_visible(model);
    let Some(view) = model.triage.as_mut() else {
        return;
    };
    let last = view.visible.len().saturating_sub(1);
    view.cursor = match cmd {
        Cmd::Up => view.cursor.saturating_sub(1),
        Cmd::Down => (view.cursor + 1).min(last),
        Cmd::Top => 0,
        Cmd::Bottom => last,
        Cmd::PageUp => view.cursor.saturating_sub(page),
        Cmd::PageDown => (view.cursor + page).min(last),
        _ => view.cursor,
    };
    view.offset = follow(view.offset, view.cursor, visible_rows);
}

impl Model {
    fn say(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.status = Some(StatusLine {
            text: text.into(),
            kind,
        });
    }

    /// The store answered a save: on success the catalog takes the change and the form
    /// closes; on failure the form stays open with everything typed and says why.
    fn saved(
        &mut self,
        origin: Origin,
        result: Result<Box<Applied>, SaveFailure>,
        shared: Option<Arc<Catalog>>,
    ) -> Vec<Effect> {
        let lang = self.lang;
        match result {
            Ok(applied) => {
                let applied = *applied;
                // Positions into the agreement list change with the patch: remember the
                // selection by id first.
                let selected = self.selected_agreement().map(|a| a.id);
                let focus_on = self.patch_catalog(&applied, shared).or(selected);
                let warning = applied.entry.unconfirmed.clone();
                let label = self.describe(&applied);
                let word = match &origin {
                    Origin::Undo(_) => T::Undone,
                    Origin::Redo(_) => T::Redone,
                    _ => T::Saved,
                };
                match origin {
                    Origin::Undo(_) => self.redo.push(applied),
                    Origin::Redo(_) => self.undo.push(applied),
                    _ => {
                        self.undo.push(applied);
                        self.redo.clear();
                    }
                }
                self.form = None;
                self.tag_picker = None;
                match warning {
                    Some(reason) => self.say(
                        format!(
                            "{}: {} · {}",
                            word.in_lang(lang),
                            crate::domain::text::display_safe(&label),
                            lang.pick(
                                "disk belum mengonfirmasi penulisan: ",
                                "the disk did not confirm the write: "
                            )
                            .to_string()
                                + &reason
                        ),
                        StatusKind::Error,
                    ),
                    None => self.say(
                        format!(
                            "{}: {}",
                            word.in_lang(lang),
                            crate::domain::text::display_safe(&label)
                        ),
                        StatusKind::Ok,
                    ),
                }
                let mut effects = vec![Effect::Repaint, Effect::RefreshIndex];
                effects.extend(self.after_change(focus_on));
                effects
            }
            Err(failure) => {
                match origin {
                    Origin::Form if self.form.is_some() => {
                        if let Some(form) = self.form.as_mut() {
                            match failure.conflict {
                                Some(Theirs::Changed(current)) => {
                                    form.conflicted(failure.message, Some(*current))
                                }
                                Some(Theirs::Deleted) => form.conflicted(failure.message, None),
                                Some(Theirs::Notes(theirs)) => {
                                    form.rebase_notes(failure.message, theirs)
                                }
                                None => form.failed(failure.message),
                            }
                        }
                    }
                    Origin::Tags if self.tag_picker.is_some() => {
                        if let Some(p) = self.tag_picker.as_mut() {
                            p.saving = false;
                            p.error = Some(failure.message);
                            // Their agreement becomes the base: the next Enter puts these
                            // choices on top of their change instead of failing again.
                            if let Some(Theirs::Changed(current)) = failure.conflict {
                                let (version, agreement) = *current;
                                p.version = version;
                                p.agreement = agreement;
                                p.error = p.error.take().map(|e| {
                                    format!(
                                        "{e} {}",
                                        lang.pick(
                                            "Enter menyimpan pilihan Anda di atas perubahan mereka.",
                                            "Enter saves your choices on top of theirs."
                                        )
                                    )
                                });
                            }
                        }
                    }
                    Origin::Undo(applied) => {
                        self.undo.push(*applied);
                        self.say(failure.message, StatusKind::Error);
                    }
                    Origin::Redo(applied) => {
                        self.redo.push(*applied);
                        self.say(failure.message, StatusKind::Error);
                    }
                    _ => self.say(failure.message, StatusKind::Error),
                }
                Vec::new()
            }
        }
    }

    /// Brings the catalog up to date with a saved change; returns the agreement the change
    /// was about, to keep it selected.
    fn patch_catalog(
        &mut self,
        applied: &Applied,
        replacement: Option<Arc<Catalog>>,
    ) -> Option<AgreementId> {
        let mut touched: Vec<String> = Vec::new();
        for edit in &applied.change.edits {
            for record in [&edit.before, &edit.after].into_iter().flatten() {
                let region = match record {
                    Record::Agreement(a) => Some(a.region.clone()),
                    Record::Activity(v) => self
                        .catalog
                        .agreement(v.agreement)
                        .map(|a| a.region.clone()),
                    _ => None,
                };
                touched.extend(region);
            }
        }
        let about = match replacement {
            // A server patched the catalog all its sessions share; one that arrives after a
            // newer one is already in hand is not taken.
            Some(shared) => {
                if shared.generation > self.catalog.generation {
                    self.catalog = shared;
                }
                about(applied)
            }
            None => patch(Arc::make_mut(&mut self.catalog), applied),
        };
        self.refresh_region_stats(&touched);
        about.filter(|id| self.catalog.agreement(*id).is_some())
    }

    /// Someone else saved a change (another session of a server): take the catalog they left
    /// and keep everything of this session (selection, open form, undo history) as it was.
    fn changed_elsewhere(
        &mut self,
        catalog: Arc<Catalog>,
        applied: &Applied,
        by: &str,
    ) -> Vec<Effect> {
        let selected = self.selected_agreement().map(|a| a.id);
        self.patch_catalog(applied, Some(catalog));
        let label = self.describe(applied);
        let mut effects = self.after_change(selected);
        if self.status.is_none() {
            self.say(
                format!("{by}: {}", crate::domain::text::display_safe(&label)),
                StatusKind::Ok,
            );
        }
        effects.push(Effect::Repaint);
        effects
    }

    /// After the records changed: rebuild the lists, keep (or move to) the agreement the
    /// change was about, and read its timeline again.
    fn after_change(&mut self, keep: Option<AgreementId>) -> Vec<Effect> {
        let (focus, zoomed) = (self.focus, self.zoomed);
        self.timeline = Timeline::default();
        // The old rows point into the list before the change.
        self.agreement_rows.clear();
        self.all_agreement_rows.clear();
        self.rebuild_regions();
        let mut effects = match keep {
            Some(id) if self.catalog.agreement(id).is_some() => {
                let e = self.select_agreement(id);
                self.focus = focus;
                self.zoomed = zoomed;
                e
            }
            _ => {
                if self.focus == Pane::Detail {
                    self.focus = Pane::Relationships;
                    self.zoomed = false;
                }
                self.region_changed()
            }
        };
        if self.triage.is_some() {
            let cursor = self.triage.as_ref().map_or(0, |t| t.cursor);
            self.open_triage();
            if let Some(t) = self.triage.as_mut() {
                t.cursor = cursor.min(t.visible.len().saturating_sub(1));
            }
        }
        effects.retain(|e| !matches!(e, Effect::Repaint));
        effects
    }

    /// A saved change in the status bar's words: "Jawa Tengah – Fujian", or the record.
    fn describe(&self, applied: &Applied) -> String {
        let agreement = applied.change.edits.iter().find_map(|e| {
            match e.after.as_ref().or(e.before.as_ref()) {
                Some(Record::Agreement(a)) => Some(a.clone()),
                Some(Record::Activity(v)) => self.catalog.agreement(v.agreement).cloned(),
                Some(Record::Attention(n)) => self.catalog.agreement(n.agreement).cloned(),
                _ => None,
            }
        });
        let what = match agreement {
            Some(a) => {
                let region = self
                    .catalog
                    .region(&a.region)
                    .map_or(a.region.as_str(), |r| r.name.as_str());
                let partner = self
                    .catalog
                    .partner(&a.partner)
                    .map_or(a.partner.as_str(), |p| p.name.as_str());
                format!("{region} – {partner}")
            }
            None => applied.change.label(),
        };
        let action = applied.change.action.as_str();
        let action = action
            .strip_prefix("undo ")
            .or_else(|| action.strip_prefix("redo "))
            .unwrap_or(action);
        format!("{action} · {what}")
    }

    /// The selected agreement with its version, or a message why there is none.
    fn editable(&mut self) -> Option<(crate::domain::Agreement, u64)> {
        match self.selected_agreement() {
            Some(a) => {
                let a = a.clone();
                let v = self.catalog.version(a.id);
                Some((a, v))
            }
            None => {
                self.say(T::NoSelection.in_lang(self.lang), StatusKind::Error);
                None
            }
        }
    }
}

/// Editing keys on the dashboard.
fn edit_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    if model.read_only {
        model.say(T::ReadOnly.in_lang(model.lang), StatusKind::Error);
        return Vec::new();
    }
    let lang = model.lang;
    match cmd {
        Cmd::New => {
            let region = model.selected_region().map(|r| r.id.clone());
            model.form = Some(Form::new_agreement(&model.catalog, region.as_deref(), lang));
            Vec::new()
        }
        Cmd::Edit => {
            if let Some((a, v)) = model.editable() {
                model.form = Some(Form::edit_agreement(&model.catalog, &a, v, lang));
            }
            Vec::new()
        }
        Cmd::LogActivity => {
            if let Some((a, _)) = model.editable() {
                model.form = Some(Form::log_activity(&model.catalog, &a, model.today, lang));
            }
            Vec::new()
        }
        Cmd::Renew => {
            if let Some((a, v)) = model.editable() {
                model.form = Some(Form::renewal(&model.catalog, &a, v, model.today, lang));
            }
            Vec::new()
        }
        Cmd::Tags => {
            if let Some((a, v)) = model.editable() {
                model.tag_picker = Some(TagPicker::new(&model.catalog, &a, v));
            }
            Vec::new()
        }
        Cmd::AdvanceStage => {
            let Some((a, v)) = model.editable() else {
                return Vec::new();
            };
            let stages = &model.catalog.stages;
            let next = stages
                .iter()
                .position(|s| s.id == a.stage)
                .map_or(0, |i| i + 1);
            let Some(stage) = stages.get(next) else {
                model.say(T::LastStage.in_lang(lang), StatusKind::Error);
                return Vec::new();
            };
            let mut after = a.clone();
            after.stage = stage.id.clone();
            let change = Change::new(format!("stage → {}", stage.id))
                .with(Edit::update(
                    Record::Agreement(a.clone()),
                    Record::Agreement(after),
                ))
                .expecting(a.id, v);
            model.say(T::Saving.in_lang(lang), StatusKind::Ok);
            vec![Effect::Save {
                change: Box::new(change),
                origin: Origin::Quick,
            }]
        }
        Cmd::Delete => {
            let Some((a, v)) = model.editable() else {
                return Vec::new();
            };
            let activities = model.catalog.summary(a.id).map_or(0, |s| s.count());
            let name = format!(
                "{} – {} ({})",
                model.catalog.region_name(&a),
                model.catalog.partner_name(&a),
                model
                    .catalog
                    .partner(&a.partner)
                    .map_or("", |p| p.country.as_str())
            );
            let name = crate::domain::text::display_safe(&name).into_owned();
            let text = match lang {
                Lang::Id => format!(
                    "Hapus kerja sama {} {name} beserta {activities} kegiatannya? Catatan audit \
                     tetap menyimpannya, dan u mengurungkan. y = hapus, tombol lain = batal",
                    a.id
                ),
                Lang::En => format!(
                    "Delete agreement {} {name} and its {activities} activities? The audit log \
                     keeps them, and u undoes. y = delete, any other key = keep",
                    a.id
                ),
            };
            model.prompt = Some(Prompt {
                text,
                on_yes: PromptAction::Delete {
                    id: a.id,
                    version: v,
                },
            });
            Vec::new()
        }
        Cmd::Undo => match model.undo.pop() {
            Some(applied) => {
                let change = applied
                    .change
                    .inverse(format!("undo {}", applied.change.action), &applied.versions);
                model.say(T::Saving.in_lang(lang), StatusKind::Ok);
                vec![Effect::Save {
                    change: Box::new(change),
                    origin: Origin::Undo(Box::new(applied)),
                }]
            }
            None => {
                model.say(T::NothingToUndo.in_lang(lang), StatusKind::Error);
                Vec::new()
            }
        },
        Cmd::Redo => match model.redo.pop() {
            Some(applied) => {
                let action = applied
                    .change
                    .action
                    .strip_prefix("undo ")
                    .map(|a| format!("redo {a}"))
                    .unwrap_or_else(|| format!("redo {}", applied.change.action));
                let change = applied.change.inverse(action, &applied.versions);
                model.say(T::Saving.in_lang(lang), StatusKind::Ok);
                vec![Effect::Save {
                    change: Box::new(change),
                    origin: Origin::Redo(Box::new(applied)),
                }]
            }
            None => {
                model.say(T::NothingToRedo.in_lang(lang), StatusKind::Error);
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}

/// Keys while a form is open.
fn form_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let catalog = Arc::clone(&model.catalog);
    let Some(form) = model.form.as_mut() else {
        return Vec::new();
    };
    match form.key(cmd, &catalog, model.today) {
        Outcome::Stay => Vec::new(),
        Outcome::Close => {
            model.form = None;
            vec![Effect::Repaint]
        }
        Outcome::Save(change) => {
            if change.edits.is_empty() {
                // Nothing changed: closing is all a save has to do.
                model.form = None;
                return vec![Effect::Repaint];
            }
            vec![Effect::Save {
                change,
                origin: Origin::Form,
            }]
        }
    }
}

/// Keys in the obstacle-tag checklist.
fn picker_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let lang = model.lang;
    let Some(picker) = model.tag_picker.as_mut() else {
        return Vec::new();
    };
    if picker.saving {
        return Vec::new();
    }
    if let Some(input) = picker.new_tag.as_mut() {
        match cmd {
            Cmd::Open | Cmd::Save => {
                if let Err(e) = picker.create(lang) {
                    picker.error = Some(e);
                } else {
                    picker.error = None;
                }
            }
            Cmd::Back => picker.new_tag = None,
            Cmd::Insert(c) => {
                let mut buf = [0u8; 4];
                input.insert(c.encode_utf8(&mut buf));
            }
            Cmd::DeleteBack => {
                input.backspace();
            }
            Cmd::DeleteForward => {
                input.delete();
            }
            Cmd::DeleteWord => {
                input.delete_word();
            }
            Cmd::ClearInput => {
                input.clear();
            }
            Cmd::Left => {
                input.left();
            }
            Cmd::Right => {
                input.right();
            }
            Cmd::Home => {
                input.home();
            }
            Cmd::End => {
                input.end();
            }
            _ => {}
        }
        return Vec::new();
    }
    let last = picker.tags.len().saturating_sub(1);
    match cmd {
        Cmd::Down => picker.cursor = (picker.cursor + 1).min(last),
        Cmd::Up => picker.cursor = picker.cursor.saturating_sub(1),
        Cmd::Toggle => {
            if let Some(c) = picker.checked.get_mut(picker.cursor) {
                *c = !*c;
            }
        }
        Cmd::New => {
            picker.new_tag = Some(super::input::TextInput::new(
                "",
                crate::domain::validate::NAME_MAX,
            ))
        }
        Cmd::Save => match picker.change() {
            Some(change) => {
                picker.saving = true;
                return vec![Effect::Save {
                    change: Box::new(change),
                    origin: Origin::Tags,
                }];
            }
            None => {
                model.tag_picker = None;
                return vec![Effect::Repaint];
            }
        },
        Cmd::Back => {
            model.tag_picker = None;
            return vec![Effect::Repaint];
        }
        Cmd::Quit => model.quit = true,
        _ => {}
    }
    Vec::new()
}

/// Keys while a question waits.
fn prompt_command(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let Some(prompt) = model.prompt.take() else {
        return Vec::new();
    };
    match cmd {
        Cmd::Insert('y' | 'Y') => match prompt.on_yes {
            PromptAction::Delete { id, version } => {
                model.say(T::Saving.in_lang(model.lang), StatusKind::Ok);
                vec![Effect::Repaint, Effect::Delete { id, version }]
            }
        },
        Cmd::Quit => {
            model.quit = true;
            Vec::new()
        }
        _ => vec![Effect::Repaint],
    }
}

/// A triage action on the queue's selected agreement: marks and clears are saved at once,
/// a snooze or a follow-up opens a short form.
fn triage_action(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    use crate::domain::{Attention, Decision};
    if model.read_only {
        model.say(T::ReadOnly.in_lang(model.lang), StatusKind::Error);
        return Vec::new();
    }
    let lang = model.lang;
    let Some(view) = model.triage.as_ref() else {
        return Vec::new();
    };
    let Some(id) = view
        .visible
        .get(view.cursor)
        .and_then(|&i| view.queue.get(i))
        .map(|x| x.agreement)
    else {
        return Vec::new();
    };
    let Some(agreement) = model.catalog.agreement(id).cloned() else {
        return Vec::new();
    };
    let before = model.catalog.attention.get(&id).cloned();
    let mut after = before.clone().unwrap_or_else(|| Attention::new(id));
    let mark = |after: &mut Attention, d: Decision| {
        if after.decision == Some(d) {
            after.decision = None;
            after.decided = None;
        } else {
            after.decision = Some(d);
            after.decided = Some(model.today);
        }
    };
    let action = match cmd {
        Cmd::Snooze => {
            model.form = Some(Form::snooze(&model.catalog, &agreement, model.today, lang));
            return Vec::new();
        }
        Cmd::FollowUp => {
            model.form = Some(Form::follow_up(
                &model.catalog,
                &agreement,
                model.today,
                lang,
            ));
            return Vec::new();
        }
        Cmd::MarkRenewal => {
            mark(&mut after, Decision::Renewal);
            "mark renewal"
        }
        Cmd::MarkRevitalization => {
            mark(&mut after, Decision::Revitalization);
            "mark revitalization"
        }
        Cmd::ProposeTermination => {
            mark(&mut after, Decision::ProposeTermination);
            "propose termination"
        }
        Cmd::ClearMarks => {
            after.decision = None;
            after.decided = None;
            after.snoozed_until = None;
            after.snooze_note.clear();
            "clear marks"
        }
        Cmd::FollowUpDone => {
            let open = after
                .follow_ups
                .iter_mut()
                .filter(|f| f.done.is_none())
                .min_by_key(|f| f.due);
            match open {
                Some(f) => f.done = Some(model.today),
                None => {
                    model.say(T::NoFollowUpDue.in_lang(lang), StatusKind::Error);
                    return Vec::new();
                }
            }
            "follow-up done"
        }
        _ => return Vec::new(),
    };
    let change = super::form::attention_change(action, before.as_ref(), after);
    if change.edits.is_empty() {
        return Vec::new();
    }
    model.say(T::Saving.in_lang(lang), StatusKind::Ok);
    vec![Effect::Save {
        change: Box::new(change),
        origin: Origin::Quick,
    }]
}

/// The agreement a change is about: the first agreement it writes, or whose timeline or
/// triage notes it changes.
fn about(applied: &Applied) -> Option<AgreementId> {
    applied
        .change
        .edits
        .iter()
        .find_map(|e| match e.after.as_ref().or(e.before.as_ref())? {
            Record::Agreement(a) => Some(a.id),
            Record::Activity(v) => Some(v.agreement),
            Record::Attention(n) => Some(n.agreement),
            _ => None,
        })
}

/// Brings a catalog up to date with a saved change, in place; returns the agreement the
/// change was about.
pub fn patch(catalog: &mut Catalog, applied: &Applied) -> Option<AgreementId> {
    for edit in &applied.change.edits {
        match (&edit.before, &edit.after) {
            (_, Some(Record::Agreement(a))) => {
                let version = applied.versions.get(&a.id).copied().unwrap_or(1);
                // Two sessions' changes can reach a shared catalog out of order: never
                // trade a newer version of an agreement for an older one.
                if catalog.version(a.id) <= version {
                    catalog.put_agreement(a.id, Some(a.clone()), version);
                }
            }
            (Some(Record::Agreement(a)), None) => catalog.put_agreement(a.id, None, 0),
            (_, Some(Record::Partner(p))) => catalog.put_partner(&p.id, Some(p.clone())),
            (Some(Record::Partner(p)), None) => catalog.put_partner(&p.id, None),
            (_, Some(Record::Tag(t))) => catalog.put_tag(&t.id, Some(t.clone())),
            (Some(Record::Tag(t)), None) => catalog.put_tag(&t.id, None),
            (_, Some(Record::Attention(n))) => {
                catalog.attention.insert(n.agreement, n.clone());
            }
            (Some(Record::Attention(n)), None) => {
                catalog.attention.remove(&n.agreement);
            }
            (_, Some(Record::Activity(_))) | (Some(Record::Activity(_)), None) | (None, None) => {}
        }
    }
    for (id, summary) in &applied.summaries {
        match summary {
            Some(s) => {
                catalog.summaries.insert(*id, s.clone());
            }
            None => {
                catalog.summaries.remove(id);
            }
        }
    }
    about(applied)
}
