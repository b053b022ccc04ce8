//! The dashboard's state and the one function that changes it.
//!
//! The state is a stack: the browse screen at the bottom, screens opened over it (an
//! agreement in full, the triage queue, the agreements carrying a tag), and overlays over
//! those (help, the finder, a form, a question, the tag checklist). Keys go to the top of the
//! stack; drawing goes from the bottom up; which keys apply is read from the stack in one
//! place ([`Model::context`]).
//!
//! [`update`] takes an [`Action`] and returns the [`Effect`]s the runtime must carry out (read
//! a timeline, save a change, copy to the clipboard). It never draws and never touches the
//! store, so every behaviour can be tested by feeding actions to a model.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::access::{Access, Denied};
use crate::domain::health::{self, Health, HealthRules};
use crate::domain::{Activity, Agreement, AgreementId, Catalog};
use crate::i18n::{Lang, T};
use crate::search::{Index, Target};
use crate::store::{Applied, Change};

use super::keymap::{Cmd, Context};
use super::layout::Geometry;
use super::overlays::Overlay;
use super::screens::Screen;
use super::screens::browse::Browse;

/// Everything every screen and overlay reads: the records, the day they are judged on, the
/// session's language and permissions, and what the session has done.
pub struct Ctx {
    /// What the screens show: every record, or in a replay of a past day the records as
    /// they stood then (`domain::asof`). Shared with background work and, on a server, with
    /// every other session, without a copy.
    pub catalog: Arc<Catalog>,
    /// Set in a replay of a past day (`--today`): the day, and every record as the store
    /// holds it (what saves start from and the search index is built of).
    pub replay: Option<Replay>,
    pub today: NaiveDate,
    pub rules: HealthRules,
    pub lang: Lang,
    pub access: Access,
    /// Where `B` puts a brief.
    pub brief_to: BriefTo,
    /// Extra search terms by region id (built in and from the config file).
    pub aliases: Arc<HashMap<String, Vec<String>>>,
    pub index: Option<Arc<Index>>,
    /// The timeline of the agreement on screen, read on demand.
    pub timeline: Timeline,
    /// Where things went on the last frame drawn.
    pub geometry: Geometry,
    pub status: Option<StatusLine>,
    /// This session's saved changes, newest last; `u` takes back the last one.
    pub undo: Vec<Applied>,
    pub redo: Vec<Applied>,
    pub quit: bool,
}

/// Which records of an agreement a change writes: the agreement itself, its triage notes,
/// its timeline.
#[derive(Debug, Clone, Copy)]
pub struct Touches {
    pub agreement: bool,
    pub notes: bool,
    pub timeline: bool,
}

/// A past day shown as it stood.
#[derive(Debug, Clone)]
pub struct Replay {
    pub day: NaiveDate,
    pub records: Arc<Catalog>,
}

impl Ctx {
    /// Every record as the store holds it, whatever day is shown.
    pub fn records(&self) -> &Arc<Catalog> {
        match &self.replay {
            Some(r) => &r.records,
            None => &self.catalog,
        }
    }

    /// The day shown, when it is a past day's replay.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.replay.as_ref().map(|r| r.day)
    }

    /// In a replay, a record can be changed only when nothing of it is dated after the day
    /// shown: what is on screen is then the whole record, and a save cannot undo what
    /// happened later. `what` names the records of agreement `id` a change would write.
    pub fn unchanged_since(&self, id: AgreementId, what: Touches) -> Result<(), Why> {
        let Some(replay) = &self.replay else {
            return Ok(());
        };
        let later = || Why::LaterRecords(crate::domain::dates::format_date(replay.day));
        if what.agreement && replay.records.agreement(id) != self.catalog.agreement(id) {
            return Err(later());
        }
        if what.notes && replay.records.attention.get(&id) != self.catalog.attention.get(&id) {
            return Err(later());
        }
        if what.timeline && replay.records.summary(id) != self.catalog.summary(id) {
            return Err(later());
        }
        Ok(())
    }

    pub fn say(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.status = Some(StatusLine {
            text: text.into(),
            kind,
        });
    }

    pub fn health_of(&self, a: &Agreement) -> Health {
        health::health(a, self.catalog.summary(a.id), self.today, &self.rules)
    }

    /// What the status line names a change by: its agreement as the screen names it, else
    /// the region whose seat it set, else the record as the audit log names it.
    pub fn name_of_change(&self, change: &crate::domain::Change) -> String {
        if let Some(id) = change
            .about()
            .filter(|id| self.catalog.agreement(*id).is_some())
        {
            return self.name_of(id);
        }
        change
            .edits
            .iter()
            .find_map(|e| match e.after.as_ref().or(e.before.as_ref()) {
                Some(crate::domain::Record::Region(r)) => Some(r.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| change.label())
    }

    /// "Jawa Tengah – Queensland", as the status line and titles name an agreement.
    pub fn name_of(&self, id: AgreementId) -> String {
        match self.catalog.agreement(id) {
            Some(a) => format!(
                "{} – {}",
                self.catalog.region_name(a),
                self.catalog.partner_name(a)
            ),
            None => format!("{} {id}", T::AgreementWord.in_lang(self.lang)),
        }
    }

    /// The rows a page key moves in a list `height` rows tall.
    pub fn page(height: usize) -> usize {
        height.saturating_sub(1).max(1)
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The form on top of the overlays.
    Form,
    /// The obstacle-tag checklist.
    Tags,
    /// A one-key edit (next stage, delete, a triage mark).
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
    /// Who changed it last, and when (for a conflict).
    pub by: Option<Box<(String, String)>>,
}

/// What the store holds of a record someone else changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Theirs {
    /// Their version of the agreement, with its record version.
    Changed(Box<(u64, Agreement)>),
    /// They deleted it (or it was never an agreement).
    Deleted,
    /// Someone changed (or removed) the triage notes this form adds to.
    Notes(Option<Box<crate::domain::Attention>>),
    /// Someone changed (or removed) the region this form sets the seat of.
    Region(Option<Box<crate::domain::Region>>),
}

#[derive(Debug, Clone)]
pub enum Action {
    Cmd(Cmd),
    Resize(u16, u16),
    /// The last frame drawn put things here.
    Drawn(Geometry),
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
    /// No key came for a moment after a movement: the detail catches up with the selection.
    Rest,
    /// The store answered a save. On a server, `catalog` is the catalog every session now
    /// shares, already holding the change.
    Saved {
        origin: Origin,
        result: Result<Box<Applied>, SaveFailure>,
        catalog: Option<Arc<Catalog>>,
    },
    /// An agreement's timeline, read for its brief.
    BriefTimeline {
        agreement: AgreementId,
        result: Result<Vec<Activity>, String>,
    },
    /// A brief was written (to the path), or could not be (why).
    BriefWritten {
        name: String,
        path: std::path::PathBuf,
        result: Result<(), String>,
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
    /// Read an agreement's timeline for its brief; the answer is [`Action::BriefTimeline`].
    LoadBrief(AgreementId),
    /// Write a brief to a file; the answer is [`Action::BriefWritten`].
    WriteBrief {
        name: String,
        path: std::path::PathBuf,
        text: String,
    },
}

/// Why a key does nothing here; shown in the status line when it is pressed, and keeps the
/// key out of the hint bar and the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    ReadOnly,
    /// The agreement belongs to a region outside the session's scope (its name).
    OutOfScope(String),
    NoAgreement,
    NothingToUndo,
    NothingToRedo,
    LastStage,
    NoOpenFollowUp,
    /// The key has no meaning in this place (filtering the detail pane).
    NotHere,
    /// A replay of a past day (shown) cannot change a record with later history.
    LaterRecords(String),
    /// The key is about one region, and none is selected (the whole country is).
    NoRegion,
}

impl Why {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Why::ReadOnly => T::ReadOnly.in_lang(lang).to_string(),
            Why::OutOfScope(region) => crate::i18n::text::out_of_scope(region, lang),
            Why::NoAgreement => T::NoSelection.in_lang(lang).to_string(),
            Why::NothingToUndo => T::NothingToUndo.in_lang(lang).to_string(),
            Why::NothingToRedo => T::NothingToRedo.in_lang(lang).to_string(),
            Why::LastStage => T::LastStage.in_lang(lang).to_string(),
            Why::NoOpenFollowUp => T::NoFollowUpDue.in_lang(lang).to_string(),
            Why::NotHere => T::NotHere.in_lang(lang).to_string(),
            Why::LaterRecords(day) => crate::i18n::text::later_records(day, lang),
            Why::NoRegion => T::NoRegion.in_lang(lang).to_string(),
        }
    }
}

/// What a screen or an overlay asks of the model after a key.
pub enum Then {
    /// Done: nothing more.
    Stay,
    /// Close the overlay (or the screen) that handled the key.
    Close,
    /// Close the overlay that handled the key and the one under it (a question and the
    /// form it was about).
    CloseTwo,
    /// Open an overlay on top.
    Open(Overlay),
    /// Close the overlay that handled the key and open another in its place.
    Replace(Overlay),
    /// Open a screen over the current one.
    Show(Screen),
    /// Go to a record (closing the screens over browsing first when needed).
    Jump(Target),
    /// The key is not the layer's own: the model's common keys may take it.
    Pass,
}

/// What handling a key produced.
pub struct Reply {
    pub effects: Vec<Effect>,
    pub then: Then,
}

impl Reply {
    pub fn stay() -> Reply {
        Reply::then(Then::Stay)
    }

    pub fn then(then: Then) -> Reply {
        Reply {
            effects: Vec::new(),
            then,
        }
    }

    pub fn pass() -> Reply {
        Reply::then(Then::Pass)
    }

    pub fn with(mut self, effect: Effect) -> Reply {
        self.effects.push(effect);
        self
    }
}

pub struct Model {
    pub ctx: Ctx,
    pub browse: Browse,
    /// Screens opened over browsing, topmost last.
    pub screens: Vec<Screen>,
    /// Overlays over the screens, topmost last.
    pub overlays: Vec<Overlay>,
}

/// Where the dashboard's `B` puts a brief: a folder on this machine, or the screen (an SSH
/// session cannot write to the coordinator's own disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BriefTo {
    Folder(std::path::PathBuf),
    Screen,
}

/// The settings a dashboard starts with.
#[derive(Debug, Clone)]
pub struct Start {
    /// Where `B` puts a brief.
    pub brief_to: BriefTo,
    pub today: NaiveDate,
    /// Show this past day as it stood (`--today`); `None`: every record.
    pub as_of: Option<NaiveDate>,
    pub rules: HealthRules,
    pub lang: Lang,
    pub access: Access,
    /// Extra search terms (config `[aliases]`): term → region id.
    pub aliases: std::collections::BTreeMap<String, String>,
}

impl Start {
    /// A local user's dashboard with the default rules.
    pub fn local(today: NaiveDate, lang: Lang) -> Start {
        Start {
            // Shown, not written: a dashboard made this way (tests, tools) leaves no files.
            brief_to: BriefTo::Screen,
            today,
            as_of: None,
            rules: HealthRules::default(),
            lang,
            access: Access::full(),
            aliases: Default::default(),
        }
    }
}

impl Model {
    /// A model over a catalog; returns the effects needed to fill the first screen.
    pub fn new(catalog: Catalog, start: Start) -> (Model, Vec<Effect>) {
        Model::shared(Arc::new(catalog), start)
    }

    /// A model over a catalog other sessions share (a server's).
    pub fn shared(catalog: Arc<Catalog>, start: Start) -> (Model, Vec<Effect>) {
        let (catalog, replay) = match start.as_of {
            Some(day) => (
                Arc::new(catalog.as_of(day)),
                Some(Replay {
                    day,
                    records: catalog,
                }),
            ),
            None => (catalog, None),
        };
        let ctx = Ctx {
            catalog,
            replay,
            today: start.today,
            rules: start.rules,
            lang: start.lang,
            access: start.access,
            brief_to: start.brief_to,
            aliases: Arc::new(crate::search::region_terms(&start.aliases)),
            index: None,
            timeline: Timeline::default(),
            geometry: Geometry::default(),
            status: None,
            undo: Vec::new(),
            redo: Vec::new(),
            quit: false,
        };
        let browse = Browse::new(&ctx);
        let mut model = Model {
            ctx,
            browse,
            screens: Vec::new(),
            overlays: Vec::new(),
        };
        let effects = model.settle();
        (model, effects)
    }

    /// Which key table applies: the top overlay's, else the top screen's.
    pub fn context(&self) -> Context {
        if let Some(overlay) = self.overlays.last() {
            return overlay.context();
        }
        self.screen_context()
    }

    /// The key table of the screen under the overlays.
    pub fn screen_context(&self) -> Context {
        match self.screens.last() {
            Some(screen) => screen.context(),
            None => self.browse.context(),
        }
    }

    /// The agreement editing keys act on: the one highlighted on the screen in front.
    pub fn target(&self) -> Option<AgreementId> {
        let id = match self.screens.last() {
            Some(screen) => screen.target(),
            None => self.browse.target(),
        }?;
        self.ctx.catalog.agreement(id).map(|a| a.id)
    }

    /// The agreement whose detail and timeline are on screen.
    fn shown(&self) -> Option<AgreementId> {
        match self.screens.last() {
            Some(Screen::Agreement(s)) => Some(s.id),
            Some(_) => None,
            None => self.browse.detail,
        }
    }

    /// Whether the detail on screen waits for the cursor to rest (see [`Action::Rest`]).
    pub fn wants_rest(&self) -> bool {
        self.screens.is_empty() && self.browse.detail_waits
    }

    /// Whether `cmd` can be used now, and if not, why.
    pub fn available(&self, cmd: Cmd) -> Result<(), Why> {
        let ctx = &self.ctx;
        let edit_target = || -> Result<&Agreement, Why> {
            let id = self.target().ok_or(Why::NoAgreement)?;
            let a = ctx.catalog.agreement(id).ok_or(Why::NoAgreement)?;
            ctx.access
                .may_edit(&ctx.catalog, &a.region)
                .map_err(|d| why_denied(ctx, d))?;
            Ok(a)
        };
        // What a replay of a past day may change (see `Ctx::unchanged_since`).
        let whole = |notes: bool, timeline: bool| -> Result<&Agreement, Why> {
            let a = edit_target()?;
            let what = Touches {
                agreement: true,
                notes,
                timeline,
            };
            ctx.unchanged_since(a.id, what)?;
            Ok(a)
        };
        let notes_only = Touches {
            agreement: false,
            notes: true,
            timeline: false,
        };
        match cmd {
            Cmd::New => {
                if ctx.access.read_only() {
                    return Err(Why::ReadOnly);
                }
                Ok(())
            }
            Cmd::LogActivity => edit_target().map(|_| ()),
            Cmd::Edit | Cmd::Tags | Cmd::Renew | Cmd::Assess => whole(false, false).map(|_| ()),
            Cmd::Delete => whole(true, true).map(|_| ()),
            Cmd::MarkRenewal
            | Cmd::MarkRevitalization
            | Cmd::ProposeTermination
            | Cmd::Snooze
            | Cmd::FollowUp
            | Cmd::ClearMarks => {
                let a = edit_target()?;
                ctx.unchanged_since(a.id, notes_only)
            }
            Cmd::AdvanceStage => {
                let a = whole(false, false)?;
                let last = ctx.catalog.stages.last().map(|s| s.id.as_str());
                if last == Some(a.stage.as_str()) {
                    return Err(Why::LastStage);
                }
                Ok(())
            }
            Cmd::FollowUpDone => {
                let a = edit_target()?;
                ctx.unchanged_since(a.id, notes_only)?;
                let open = ctx
                    .catalog
                    .attention
                    .get(&a.id)
                    .is_some_and(|n| n.follow_ups.iter().any(|f| f.done.is_none()));
                if open {
                    Ok(())
                } else {
                    Err(Why::NoOpenFollowUp)
                }
            }
            Cmd::Undo if ctx.undo.is_empty() => Err(Why::NothingToUndo),
            Cmd::Redo if ctx.redo.is_empty() => Err(Why::NothingToRedo),
            Cmd::Undo | Cmd::Redo if ctx.access.read_only() => Err(Why::ReadOnly),
            Cmd::Copy | Cmd::Brief => self.target().map(|_| ()).ok_or(Why::NoAgreement),
            Cmd::EditRegion => {
                let region = self.region_target().ok_or(Why::NoRegion)?;
                ctx.access
                    .may_edit(&ctx.catalog, &region.id)
                    .map_err(|d| why_denied(ctx, d))
            }
            other => match (self.overlays.last(), self.screens.last()) {
                (Some(o), _) => o.available(other),
                (None, Some(s)) => s.available(&self.ctx, other),
                (None, None) => self.browse.available(other),
            },
        }
    }
}

impl Model {
    /// Whether a binding of the screen under the overlays is available there (for the help,
    /// which lists the keys of the screen it opened over).
    pub fn available_on_screen(&self, binding: &super::keymap::Binding) -> bool {
        super::keymap::commands(binding)
            .into_iter()
            .any(|cmd| match cmd {
                Cmd::Edit
                | Cmd::LogActivity
                | Cmd::Tags
                | Cmd::Renew
                | Cmd::Assess
                | Cmd::Brief
                | Cmd::Delete
                | Cmd::New
                | Cmd::MarkRenewal
                | Cmd::MarkRevitalization
                | Cmd::ProposeTermination
                | Cmd::Snooze
                | Cmd::FollowUp
                | Cmd::ClearMarks
                | Cmd::AdvanceStage
                | Cmd::FollowUpDone
                | Cmd::Undo
                | Cmd::Redo
                | Cmd::EditRegion
                | Cmd::Copy => self.available(cmd).is_ok(),
                other => match self.screens.last() {
                    Some(s) => s.available(&self.ctx, other).is_ok(),
                    None => self.browse.available(other).is_ok(),
                },
            })
    }

    /// Whether a binding of the place in front is available (for the hint bar).
    pub fn binding_available(&self, binding: &super::keymap::Binding) -> bool {
        super::keymap::commands(binding)
            .into_iter()
            .any(|cmd| self.available(cmd).is_ok())
    }
}

fn why_denied(ctx: &Ctx, denied: Denied) -> Why {
    match denied {
        Denied::ReadOnly => Why::ReadOnly,
        // The dashboard only ever offers the seat; the store's answer covers the rest.
        Denied::OutOfScope(region) | Denied::SeatOnly(region) => Why::OutOfScope(
            ctx.catalog
                .region(&region)
                .map_or(region.clone(), |r| r.name.clone()),
        ),
    }
}

/// Applies one action; returns what the runtime must do next.
pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    let mut effects = apply(model, action);
    effects.extend(model.settle());
    effects
}

fn apply(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Resize(w, h) => {
            model.ctx.geometry.size = (w, h);
            Vec::new()
        }
        Action::Drawn(geometry) => {
            model.ctx.geometry = geometry;
            model.browse.fit(&model.ctx.geometry);
            for screen in &mut model.screens {
                screen.fit(&model.ctx.geometry);
            }
            Vec::new()
        }
        Action::TimelineLoaded { agreement, result } => {
            // A late answer for an agreement no longer shown is dropped.
            let as_of = model.ctx.as_of();
            let t = &mut model.ctx.timeline;
            if t.agreement == Some(agreement) {
                t.loading = false;
                match result {
                    Ok(mut activities) => {
                        // A replay shows the timeline up to its day.
                        if let Some(day) = as_of {
                            activities.retain(|v| v.date <= day);
                        }
                        activities.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
                        t.activities = activities;
                        t.error = None;
                    }
                    Err(e) => t.error = Some(e),
                }
                for screen in &mut model.screens {
                    if let Screen::Agreement(s) = screen
                        && s.id == agreement
                    {
                        s.timeline_loaded(&model.ctx.timeline);
                    }
                }
            }
            Vec::new()
        }
        Action::Notice(text) => {
            model.ctx.say(text, StatusKind::Error);
            Vec::new()
        }
        Action::BriefTimeline { agreement, result } => {
            super::brief::timeline_read(model, agreement, result)
        }
        Action::BriefWritten { name, path, result } => {
            let lang = model.ctx.lang;
            let shown = path.display().to_string();
            match result {
                Ok(()) => model.ctx.say(
                    crate::i18n::text::brief_written(&name, &shown, lang),
                    StatusKind::Ok,
                ),
                Err(e) => model.ctx.say(
                    crate::i18n::text::brief_failed(&shown, &e, lang),
                    StatusKind::Error,
                ),
            }
            Vec::new()
        }
        Action::IndexReady(index) => {
            model.ctx.index = Some(index);
            for overlay in &mut model.overlays {
                if let Overlay::Finder(f) = overlay {
                    f.index_changed(&model.ctx);
                }
            }
            Vec::new()
        }
        Action::Saved {
            origin,
            result,
            catalog,
        } => super::saving::saved(model, origin, result, catalog),
        Action::Changed {
            catalog,
            applied,
            by,
        } => super::saving::changed_elsewhere(model, catalog, &applied, &by),
        Action::Paste(text) => {
            let Model {
                ctx,
                browse,
                screens,
                overlays,
            } = model;
            match (overlays.last_mut(), screens.last_mut()) {
                (Some(overlay), _) => overlay.paste(ctx, &text),
                (None, Some(screen)) => screen.paste(ctx, &text),
                (None, None) => browse.paste(ctx, &text),
            }
            Vec::new()
        }
        Action::Rest => {
            model.browse.detail_waits = false;
            Vec::new()
        }
        Action::Cmd(cmd) => {
            // Only a movement in a list leaves the detail waiting; any other key brings it.
            model.browse.detail_waits = false;
            let effects = key(model, cmd);
            if !model.browse.moved {
                model.browse.detail_waits = false;
            }
            model.browse.moved = false;
            effects
        }
    }
}

/// A key: to the top overlay, else the top screen, else the keys every screen shares.
fn key(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    if cmd == Cmd::Quit && model.overlays.is_empty() {
        model.ctx.quit = true;
        return Vec::new();
    }
    // A message stays until the next key, so it is read but never stale.
    model.ctx.status = None;
    if let Err(why) = model.available(cmd) {
        model.ctx.say(why.say(model.ctx.lang), StatusKind::Error);
        return Vec::new();
    }
    let reply = {
        let Model {
            ctx,
            browse,
            screens,
            overlays,
        } = model;
        match overlays.last_mut() {
            Some(overlay) => overlay.key(ctx, cmd),
            None => match screens.last_mut() {
                Some(screen) => screen.key(ctx, cmd),
                None => browse.key(ctx, cmd),
            },
        }
    };
    follow(model, cmd, reply)
}

/// Carries out what a layer asked for.
fn follow(model: &mut Model, cmd: Cmd, reply: Reply) -> Vec<Effect> {
    let mut effects = reply.effects;
    match reply.then {
        Then::Stay => {}
        Then::Close => {
            if model.overlays.pop().is_none() {
                model.screens.pop();
            }
            effects.push(Effect::Repaint);
        }
        Then::Open(overlay) => model.overlays.push(overlay),
        Then::Replace(overlay) => {
            model.overlays.pop();
            model.overlays.push(overlay);
            effects.push(Effect::Repaint);
        }
        Then::CloseTwo => {
            model.overlays.pop();
            model.overlays.pop();
            effects.push(Effect::Repaint);
        }
        Then::Show(screen) => {
            model.screens.push(screen);
            effects.push(Effect::Repaint);
        }
        Then::Jump(target) => {
            model.overlays.clear();
            effects.push(Effect::Repaint);
            effects.extend(jump(model, &target));
        }
        Then::Pass => effects.extend(super::edit::common(model, cmd)),
    }
    effects
}

/// Goes to what a finder result stands for.
pub fn jump(model: &mut Model, target: &Target) -> Vec<Effect> {
    use super::screens::agreement::AgreementScreen;
    use super::screens::list::ListScreen;
    let ctx = &model.ctx;
    match target {
        Target::Region(id) => {
            model.screens.clear();
            model.browse.show_region(ctx, id);
        }
        Target::Agreement(id) => {
            model.screens.clear();
            model.browse.show_agreement(ctx, *id);
        }
        Target::Activity {
            agreement,
            activity,
        } => {
            model.screens.clear();
            model.browse.show_agreement(ctx, *agreement);
            if ctx.catalog.agreement(*agreement).is_some() {
                model.screens.push(Screen::Agreement(AgreementScreen::new(
                    ctx,
                    *agreement,
                    Some(*activity),
                )));
            }
        }
        Target::Partner(_) | Target::Country(_) | Target::Tag(_) => {
            let list = ListScreen::new(ctx, target.clone());
            // One agreement: go straight to it; several: the list of them.
            match list.only() {
                Some(id) => {
                    model.screens.clear();
                    model.browse.show_agreement(ctx, id);
                }
                None => model.screens.push(Screen::List(list)),
            }
        }
    }
    Vec::new()
}

impl Model {
    /// After any action: the timeline of the agreement on screen is read if it is not in
    /// hand yet.
    fn settle(&mut self) -> Vec<Effect> {
        // The detail follows the selection, but not while keys move it: a held `j` over a
        // slow link would otherwise send a detail per row passed.
        if !self.browse.detail_waits {
            self.browse.detail = self.browse.target();
        }
        let want = self.shown();
        let t = &mut self.ctx.timeline;
        if want == t.agreement {
            return Vec::new();
        }
        *t = Timeline {
            agreement: want,
            loading: want.is_some(),
            ..Timeline::default()
        };
        want.map(Effect::LoadTimeline).into_iter().collect()
    }

    /// After the records changed: every screen rebuilds its rows, keeping its selection.
    /// `touched` names the regions whose agreements changed (`None`: any of them).
    pub fn rebuild(&mut self, touched: Option<&[String]>) {
        self.browse.rebuild_touched(&self.ctx, touched);
        for screen in &mut self.screens {
            screen.rebuild(&self.ctx);
        }
        // A screen about an agreement that is gone closes.
        let catalog = Arc::clone(&self.ctx.catalog);
        self.screens.retain(|s| match s {
            Screen::Agreement(a) => catalog.agreement(a.id).is_some(),
            _ => true,
        });
    }
}

/// What is on screen, for the runtime, the server and the tests.
impl Model {
    /// The agreement editing keys act on.
    pub fn selected_agreement(&self) -> Option<&Agreement> {
        self.target().and_then(|id| self.ctx.catalog.agreement(id))
    }

    /// The region selected in the browse screen.
    pub fn selected_region(&self) -> Option<&crate::domain::Region> {
        self.browse
            .selected_region()
            .and_then(|id| self.ctx.catalog.region(id))
    }

    /// The region `E` sets the seat of: the one selected in the browse screen, or the one
    /// the map in front shows (none for the whole country).
    pub fn region_target(&self) -> Option<&crate::domain::Region> {
        let id = match self.screens.last() {
            Some(Screen::Map(m)) => match &m.scope {
                super::screens::map::Scope::Region(r) => Some(r.as_str()),
                super::screens::map::Scope::Country => None,
            },
            Some(_) => None,
            None => self.browse.selected_region(),
        };
        id.and_then(|id| self.ctx.catalog.region(id))
    }

    /// The form on top of the overlays, if one is open.
    pub fn form(&self) -> Option<&super::form::Form> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Form(f) => Some(f.as_ref()),
            _ => None,
        })
    }

    pub fn finder(&self) -> Option<&super::overlays::finder::FinderOverlay> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Finder(f) => Some(f),
            _ => None,
        })
    }

    pub fn tags(&self) -> Option<&super::overlays::tags::TagChecklist> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Tags(t) => Some(t.as_ref()),
            _ => None,
        })
    }

    pub fn prompt(&self) -> Option<&super::overlays::prompt::Prompt> {
        match self.overlays.last() {
            Some(Overlay::Prompt(p)) => Some(p),
            _ => None,
        }
    }

    pub fn help_open(&self) -> bool {
        matches!(self.overlays.last(), Some(Overlay::Help(_)))
    }

    /// The triage screen, when it is in front.
    pub fn triage(&self) -> Option<&super::screens::triage::TriageScreen> {
        match self.screens.last() {
            Some(Screen::Triage(t)) => Some(t),
            _ => None,
        }
    }

    /// The agreement screen, when it is in front.
    pub fn agreement_screen(&self) -> Option<&super::screens::agreement::AgreementScreen> {
        match self.screens.last() {
            Some(Screen::Agreement(a)) => Some(a),
            _ => None,
        }
    }

    /// The list of agreements, when it is in front.
    pub fn list_screen(&self) -> Option<&super::screens::list::ListScreen> {
        match self.screens.last() {
            Some(Screen::List(l)) => Some(l),
            _ => None,
        }
    }
}
