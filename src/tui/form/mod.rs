//! Editing forms: a new or changed agreement, an activity for the timeline, a renewal of the
//! MoU, a snooze and a follow-up from triage. One engine ([`Form`]: fields, focus, keys,
//! validation, the save's life cycle), one module per purpose saying which fields it has and
//! what change they make.
//!
//! A form turns keys into edits of its fields and, on save, into a change for the store.
//! Nothing here touches the store: the model sends the change off as an effect and keeps the
//! form open until the store says it is saved, so an error or a conflict never costs what
//! was typed.

pub mod activity;
pub mod agreement;
pub mod assessment;
pub mod conflict;
pub mod field;
pub mod follow_up;
pub mod region;
pub mod renewal;
pub mod view;

use chrono::NaiveDate;

use crate::domain::{Agreement, AgreementId, Attention, Change};
use crate::i18n::{Lang, T};

use super::keymap::Cmd;
use super::model::{Ctx, Effect, Origin, Reply, StatusKind, Then};
use super::overlays::Overlay;
use super::overlays::prompt::{Prompt, PromptAction};
use conflict::ConflictView;
use field::{Field, FieldId, Value, complete, paste_notice, text_key};

/// What a form saves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Agreement(agreement::AgreementForm),
    Activity(activity::ActivityForm),
    Renewal(renewal::RenewalForm),
    Assessment(assessment::AssessmentForm),
    Snooze(follow_up::SnoozeForm),
    FollowUp(follow_up::FollowUpForm),
    Region(region::RegionForm),
}

/// Every field checked: errors and notes by field, and the change when all are valid.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub errors: Vec<(FieldId, String)>,
    pub notes: Vec<(FieldId, String)>,
    pub change: Option<Change>,
}

impl Evaluation {
    pub fn error(&mut self, id: FieldId, text: impl Into<String>) {
        if !self.errors.iter().any(|(f, _)| *f == id) {
            self.errors.push((id, text.into()));
        }
    }
}

impl Kind {
    fn evaluate(&self, form: &Form, ctx: &Ctx) -> Evaluation {
        let mut e = Evaluation::default();
        form.required(&mut e);
        let change = match self {
            Kind::Agreement(k) => k.evaluate(form, ctx, &mut e),
            Kind::Activity(k) => k.evaluate(form, ctx, &mut e),
            Kind::Renewal(k) => k.evaluate(form, ctx, &mut e),
            Kind::Assessment(k) => k.evaluate(form, ctx, &mut e),
            Kind::Snooze(k) => k.evaluate(form, ctx, &mut e),
            Kind::FollowUp(k) => k.evaluate(form, ctx, &mut e),
            Kind::Region(k) => k.evaluate(form, ctx, &mut e),
        };
        e.change = if e.errors.is_empty() { change } else { None };
        e
    }

    /// The agreement the form is about (none for a new one).
    pub fn agreement(&self) -> Option<AgreementId> {
        match self {
            Kind::Agreement(k) => k.original.as_ref().map(|(a, _)| a.id),
            Kind::Activity(k) => Some(k.agreement),
            Kind::Renewal(k) => Some(k.original.id),
            Kind::Assessment(k) => Some(k.original.id),
            Kind::Snooze(k) => Some(k.agreement),
            Kind::FollowUp(k) => Some(k.agreement),
            Kind::Region(_) => None,
        }
    }

    /// The agreement the form started from, where it edits one.
    fn original(&self) -> Option<&Agreement> {
        match self {
            Kind::Agreement(k) => k.original.as_ref().map(|(a, _)| a),
            Kind::Renewal(k) => Some(&k.original),
            Kind::Assessment(k) => Some(&k.original),
            _ => None,
        }
    }

    /// Takes `current` (at `version`) as the record the form edits.
    fn rebase(&mut self, version: u64, current: Agreement) {
        match self {
            Kind::Agreement(k) => k.original = Some((current, version)),
            Kind::Renewal(k) => {
                k.original = current;
                k.version = version;
            }
            Kind::Assessment(k) => {
                k.original = current;
                k.version = version;
            }
            _ => {}
        }
    }

    /// Takes their region as the base the form's seat is saved over.
    fn rebase_region(&mut self, theirs: crate::domain::Region) {
        if let Kind::Region(k) = self {
            k.rebase(theirs);
        }
    }

    /// Takes their triage notes as the base the form adds to.
    fn rebase_notes(&mut self, theirs: Option<Attention>) {
        match self {
            Kind::Snooze(k) => k.before = theirs,
            Kind::FollowUp(k) => k.before = theirs,
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: Kind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The field texts when the form opened, to tell whether anything changed.
    initial: Vec<String>,
    /// Why the last save failed; the form stays open with everything typed.
    pub error: Option<String>,
    pub conflict: Option<ConflictView>,
    /// A save is on its way to the store.
    pub saving: bool,
    /// Something worth knowing about the last key (text cut at the limit...).
    pub notice: Option<String>,
    pub lang: Lang,
}

impl Form {
    pub fn build(kind: Kind, title: String, fields: Vec<Field>, focus: usize, lang: Lang) -> Form {
        let mut form = Form {
            kind,
            title,
            initial: Vec::new(),
            fields,
            focus,
            error: None,
            conflict: None,
            saving: false,
            notice: None,
            lang,
        };
        form.initial = form.snapshot();
        form
    }

    fn snapshot(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.text().to_string()).collect()
    }

    /// Whether anything differs from when the form opened.
    pub fn changed(&self) -> bool {
        self.snapshot() != self.initial
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    fn field_mut(&mut self, id: FieldId) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// The text of a field ("" when the form has no such field).
    pub fn text(&self, id: FieldId) -> &str {
        self.field(id).map_or("", |f| f.text())
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// A date field's value: `None` when empty, else the date or an error on the field.
    pub fn date(&self, id: FieldId, ctx: &Ctx, e: &mut Evaluation) -> Option<NaiveDate> {
        let text = self.text(id).trim();
        if text.is_empty() {
            return None;
        }
        match parse_date_or_today(text, ctx.today) {
            Ok(d) => Some(d),
            Err(err) => {
                e.error(id, crate::i18n::text::date_error(&err, ctx.lang));
                None
            }
        }
    }

    /// Checks every field at once, to show notes (not errors) as the form opens.
    pub fn check_now(&mut self, ctx: &Ctx) {
        self.check(ctx);
    }

    /// Required fields left empty.
    fn required(&self, e: &mut Evaluation) {
        for f in &self.fields {
            if f.enabled && f.required && f.text().trim().is_empty() {
                let t = match f.id {
                    FieldId::Partner => T::PartnerEmpty,
                    _ => T::Required,
                };
                e.error(f.id, t.in_lang(self.lang));
            }
        }
    }

    fn move_focus(&mut self, forward: bool, ctx: &Ctx) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.touched = true;
            if let Value::Lookup { open, .. } = &mut f.value {
                *open = false;
            }
        }
        let n = self.fields.len();
        for step in 1..=n {
            let i = if forward {
                (self.focus + step) % n
            } else {
                (self.focus + n - step) % n
            };
            if self.fields[i].enabled {
                self.focus = i;
                break;
            }
        }
        self.check(ctx);
    }

    /// Handles one key.
    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        self.notice = None;
        if self.saving {
            // Keys wait until the store answers; the form must not change under the save.
            return Reply::stay();
        }
        match cmd {
            Cmd::Save => return self.save(ctx),
            Cmd::Back => {
                if let Some(Value::Lookup { open, .. }) =
                    self.fields.get_mut(self.focus).map(|f| &mut f.value)
                    && *open
                {
                    *open = false;
                    return Reply::stay();
                }
                if self.conflict.is_some() {
                    self.keep_editing();
                    return Reply::stay();
                }
                return self.leave(ctx, false);
            }
            Cmd::Quit => return self.leave(ctx, true),
            Cmd::Reload => {
                self.reload(ctx);
                return Reply::stay();
            }
            Cmd::NextPane => {
                self.move_focus(true, ctx);
                return Reply::stay();
            }
            Cmd::PrevPane => {
                self.move_focus(false, ctx);
                return Reply::stay();
            }
            _ => {}
        }
        let lang = self.lang;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Reply::stay();
        };
        let mut edited = false;
        let mut moved = None;
        match &mut field.value {
            Value::Choice { options, at } => match cmd {
                Cmd::Right | Cmd::Insert(' ') => {
                    *at = (*at + 1) % options.len().max(1);
                    edited = true;
                }
                Cmd::Left => {
                    *at = (*at + options.len().max(1) - 1) % options.len().max(1);
                    edited = true;
                }
                Cmd::Insert(c) => {
                    // A letter jumps to the next option starting with it.
                    let c = c.to_lowercase().to_string();
                    let n = options.len();
                    if let Some(i) = (1..=n)
                        .map(|s| (*at + s) % n)
                        .find(|&i| options[i].1.to_lowercase().starts_with(&c))
                    {
                        *at = i;
                        edited = true;
                    }
                }
                Cmd::Down | Cmd::Open => moved = Some(true),
                Cmd::Up => moved = Some(false),
                _ => {}
            },
            Value::Lookup {
                input,
                open,
                matches,
                cursor,
                chosen,
                ..
            } => {
                if *open && !matches.is_empty() {
                    match cmd {
                        Cmd::Down => {
                            *cursor = (*cursor + 1).min(matches.len() - 1);
                            return Reply::stay();
                        }
                        Cmd::Up => {
                            *cursor = cursor.saturating_sub(1);
                            return Reply::stay();
                        }
                        Cmd::Open => {
                            let (id, label) = matches[*cursor].clone();
                            input.set(&label);
                            *chosen = Some(id);
                            *open = false;
                            edited = true;
                            moved = Some(true);
                        }
                        _ => {}
                    }
                }
                if !edited && text_key(input, cmd, &mut moved, &mut self.notice, lang) {
                    edited = true;
                    *open = true;
                    *cursor = 0;
                }
            }
            Value::Text(input) => {
                edited = text_key(input, cmd, &mut moved, &mut self.notice, lang);
            }
        }
        if edited {
            self.after_edit(ctx);
        }
        if let Some(forward) = moved {
            self.move_focus(forward, ctx);
        }
        Reply::stay()
    }

    /// Esc or quit: asks first when something was typed.
    fn leave(&mut self, ctx: &mut Ctx, quit: bool) -> Reply {
        if !self.changed() {
            if quit {
                ctx.quit = true;
            }
            return Reply::then(Then::Close);
        }
        let (text, on_yes) = if quit {
            (T::DiscardAndQuitAsk, PromptAction::DiscardAndQuit)
        } else {
            (T::DiscardAsk, PromptAction::Discard)
        };
        Reply::then(Then::Open(Overlay::Prompt(Prompt {
            text: text.in_lang(self.lang).to_string(),
            on_yes,
        })))
    }

    /// Text pasted into the focused field, whole (a megabyte paste is one insert, cut at
    /// the field's limit).
    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        if self.saving {
            return;
        }
        let Some(input) = self.fields.get_mut(self.focus).and_then(Field::input_mut) else {
            return;
        };
        let result = input.insert(text);
        self.notice = paste_notice(result, self.lang);
        if let Some(Value::Lookup { open, cursor, .. }) =
            self.fields.get_mut(self.focus).map(|f| &mut f.value)
        {
            *open = true;
            *cursor = 0;
        }
        self.after_edit(ctx);
    }

    fn after_edit(&mut self, ctx: &Ctx) {
        self.error = None;
        let partner_before = self
            .field(FieldId::Partner)
            .and_then(|f| f.chosen())
            .map(str::to_string);
        let access = &ctx.access;
        let catalog = &ctx.catalog;
        let allowed = |region: &str| access.covers(catalog, region);
        if let Some(field) = self.fields.get_mut(self.focus)
            && let Value::Lookup {
                input,
                source,
                chosen,
                matches,
                cursor,
                ..
            } = &mut field.value
        {
            *matches = complete(catalog, *source, input.text(), &allowed);
            *cursor = (*cursor).min(matches.len().saturating_sub(1));
            // Typing a record's exact name chooses it; anything else is new text.
            let typed = crate::domain::text::fold_for_search(input.text().trim());
            *chosen = matches
                .iter()
                .find(|(_, label)| crate::domain::text::fold_for_search(label) == typed)
                .map(|(id, _)| id.clone());
        }
        let chosen = self
            .field(FieldId::Partner)
            .and_then(|f| f.chosen())
            .map(str::to_string);
        if let Some(country) = self.field_mut(FieldId::Country) {
            country.enabled = chosen.is_none();
        }
        // Another partner chosen: its place, to see or correct.
        if chosen != partner_before
            && let Some(place) = self.field_mut(FieldId::PartnerPlace)
        {
            let at = chosen
                .as_deref()
                .and_then(|id| catalog.partner(id))
                .and_then(|p| p.coordinates);
            if let Some(input) = place.input_mut() {
                input.set(
                    &at.map(crate::domain::geo::format_coordinates)
                        .unwrap_or_default(),
                );
            }
        }
        self.check(ctx);
    }

    /// Validates every field, showing errors on those already visited. Returns the change
    /// when everything is valid.
    fn check(&mut self, ctx: &Ctx) -> Option<Change> {
        let e = self.kind.evaluate(self, ctx);
        for f in &mut self.fields {
            let error = e
                .errors
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, t)| t.clone());
            f.error = if f.touched { error } else { None };
            f.note = e
                .notes
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, n)| n.clone());
        }
        e.change
    }

    fn save(&mut self, ctx: &mut Ctx) -> Reply {
        for f in &mut self.fields {
            f.touched = true;
        }
        match self.check(ctx) {
            Some(change) if change.edits.is_empty() => Reply::then(Then::Close),
            Some(change) => {
                self.saving = true;
                self.error = None;
                let name = self
                    .kind
                    .agreement()
                    .map(|id| ctx.name_of(id))
                    .unwrap_or_else(|| self.title.clone());
                ctx.say(crate::i18n::text::saving(&name, ctx.lang), StatusKind::Ok);
                Reply::stay().with(Effect::Save {
                    change: Box::new(change),
                    origin: Origin::Form,
                })
            }
            None => {
                let n = self.fields.iter().filter(|f| f.error.is_some()).count();
                self.error = Some(crate::i18n::text::fields_to_fix(n, self.lang));
                if let Some(first) = self.fields.iter().position(|f| f.error.is_some()) {
                    self.focus = first;
                }
                Reply::stay()
            }
        }
    }

    /// The store refused the save; everything typed stays.
    pub fn failed(&mut self, message: String) {
        self.saving = false;
        self.error = Some(message);
    }

    /// The store holds a newer version of the record than the one the form started from.
    pub fn conflicted(&mut self, ctx: &Ctx, message: String, current: Option<(u64, Agreement)>) {
        self.saving = false;
        let lines = match (&current, self.kind.original()) {
            (Some((_, theirs)), Some(mine)) => conflict::differences(ctx, mine, theirs),
            (None, _) => vec![T::DeletedByOthers.in_lang(self.lang).to_string()],
            _ => Vec::new(),
        };
        self.conflict = Some(ConflictView {
            message,
            lines,
            current,
        });
    }

    /// The triage notes this form adds to changed in the store: what was typed goes on top
    /// of theirs at the next save.
    pub fn rebase_notes(&mut self, message: String, theirs: Option<Attention>) {
        self.saving = false;
        self.kind.rebase_notes(theirs);
        self.error = Some(format!("{message} {}", T::AddsToTheirs.in_lang(self.lang)));
    }

    /// The region this form sets the seat of changed in the store (`None`: it is gone):
    /// what was typed stays, and the next save puts it over theirs.
    pub fn rebase_region(&mut self, message: String, theirs: Option<crate::domain::Region>) {
        self.saving = false;
        match theirs {
            Some(theirs) => {
                self.kind.rebase_region(theirs);
                self.error = Some(format!(
                    "{message} {}",
                    T::NextSaveReplaces.in_lang(self.lang)
                ));
            }
            None => self.error = Some(message),
        }
    }

    /// Takes the store's version as the starting point and fills the form from it; what was
    /// typed is dropped (a renewal keeps the new dates typed: they are about the next term).
    fn reload(&mut self, ctx: &Ctx) {
        let Some(conflict) = self.conflict.take() else {
            return;
        };
        let Some((version, current)) = conflict.current else {
            return;
        };
        let focus = self.focus;
        match &self.kind {
            Kind::Agreement(_) => {
                *self = agreement::edit(ctx, &current, version);
            }
            Kind::Renewal(_) | Kind::Assessment(_) => self.kind.rebase(version, current),
            _ => return,
        }
        self.focus = focus.min(self.fields.len().saturating_sub(1));
        self.notice = Some(T::Reloaded.in_lang(self.lang).to_string());
    }

    /// Keeps what was typed and takes the store's version as the base, so that the next
    /// save knowingly replaces the other change.
    fn keep_editing(&mut self) {
        let Some(conflict) = self.conflict.take() else {
            return;
        };
        if let Some((version, current)) = conflict.current {
            self.kind.rebase(version, current);
            self.notice = Some(T::NextSaveReplaces.in_lang(self.lang).to_string());
        }
    }
}

/// Accepts YYYY-MM-DD and "today" ("hari ini").
pub fn parse_date_or_today(
    text: &str,
    today: NaiveDate,
) -> Result<NaiveDate, crate::domain::dates::DateError> {
    match text.trim().to_lowercase().as_str() {
        "today" | "hari ini" | "t" => Ok(today),
        other => crate::domain::dates::parse_ymd(other),
    }
}

/// An expiry on or before the signing date is an error on the expiry field.
pub fn expiry_after_signing(
    signed: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    field: FieldId,
    lang: Lang,
    e: &mut Evaluation,
) {
    if let (Some(s), Some(x)) = (signed, expires)
        && x <= s
    {
        e.error(field, crate::i18n::text::after_signing(s, lang));
    }
}

/// Domain validation problems, on the fields they are about.
pub fn problems_on_fields(
    problems: Vec<crate::domain::validate::Invalid>,
    field_of: impl Fn(&str) -> FieldId,
    e: &mut Evaluation,
) {
    for p in problems {
        e.error(field_of(&p.field), format!("{} {}", p.problem, p.fix));
    }
}
