//! Editing forms: a new or changed agreement, an activity for the timeline, a renewal of the
//! MoU, and the obstacle-tag checklist.
//!
//! A form is plain data that turns keys into edits of its fields and, on save, into a
//! [`Change`] for the store. Nothing here touches the store: the model sends the change off
//! as an effect and keeps the form open until the store says it is saved, so an error or a
//! conflict never costs what was typed.

use chrono::NaiveDate;

use crate::domain::builtin::is_builtin_tag;
use crate::domain::dates::parse_date;
use crate::domain::text::fold_for_search;
use crate::domain::validate::{NAME_MAX, TEXT_MAX};
use crate::domain::{
    Activity, ActivityKind, Agreement, AgreementId, AgreementKind, Attention, Catalog, Contact,
    FollowUp, Partner, Renewal, Side, Status, Tag,
};
use crate::i18n::Lang;
use crate::search;
use crate::store::{Change, Edit, Record};

use super::input::{Inserted, TextInput};
use super::keymap::Cmd;
use crate::i18n::text;

/// Longest date text: room for "2019-08-06" and "hari ini", and for a mistyped date to be
/// shown back in full.
const DATE_MAX: usize = 24;

/// How many completions a lookup field lists.
pub const COMPLETIONS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Region,
    Partner,
    Country,
    Kind,
    Status,
    Stage,
    Signed,
    Expires,
    Fields,
    ContactOurs,
    ContactTheirs,
    Notes,
    ActivityKind,
    Date,
    Title,
    Description,
    Participants,
    RenewSigned,
    RenewExpires,
    RenewNote,
    SnoozeUntil,
    SnoozeNote,
    Owner,
    Due,
    NextStep,
}

/// Where a lookup field finds its candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Regions,
    Partners,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(TextInput),
    /// One of a fixed list: (id, label).
    Choice {
        options: Vec<(String, String)>,
        at: usize,
    },
    /// Free text completed from existing records.
    Lookup {
        input: TextInput,
        source: Source,
        /// The record chosen, when the text names one.
        chosen: Option<String>,
        /// Completions for the text typed: (id, label).
        matches: Vec<(String, String)>,
        cursor: usize,
        /// The completion list is shown (typing opens it, Enter or Esc closes it).
        open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub id: FieldId,
    pub label: &'static str,
    pub required: bool,
    pub value: Value,
    /// Why the value cannot be saved, shown next to the field.
    pub error: Option<String>,
    /// A remark that is not an error ("a new partner will be created").
    pub note: Option<String>,
    /// Skipped by Tab and not saved (the country of an existing partner).
    pub enabled: bool,
    /// Left at least once, or a save was tried: its error may be shown.
    pub touched: bool,
}

impl Field {
    fn new(id: FieldId, label: &'static str, value: Value) -> Field {
        Field {
            id,
            label,
            required: false,
            value,
            error: None,
            note: None,
            enabled: true,
            touched: false,
        }
    }

    fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// The text the field holds (a choice's id).
    pub fn text(&self) -> &str {
        match &self.value {
            Value::Text(input) | Value::Lookup { input, .. } => input.text(),
            Value::Choice { options, at } => options.get(*at).map_or("", |o| o.0.as_str()),
        }
    }

    pub fn input(&self) -> Option<&TextInput> {
        match &self.value {
            Value::Text(input) | Value::Lookup { input, .. } => Some(input),
            Value::Choice { .. } => None,
        }
    }

    fn input_mut(&mut self) -> Option<&mut TextInput> {
        match &mut self.value {
            Value::Text(input) | Value::Lookup { input, .. } => Some(input),
            Value::Choice { .. } => None,
        }
    }
}

/// What the form saves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    NewAgreement,
    EditAgreement {
        original: Agreement,
        version: u64,
    },
    LogActivity {
        agreement: AgreementId,
    },
    Renewal {
        original: Agreement,
        version: u64,
    },
    /// Triage: out of the queue until a date.
    Snooze {
        agreement: AgreementId,
        before: Option<Attention>,
    },
    /// Triage: a next step with an owner and a due date.
    FollowUp {
        agreement: AgreementId,
        before: Option<Attention>,
    },
}

/// The store refused the save because the record changed; what changed, field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    pub message: String,
    pub lines: Vec<String>,
    /// The record as the store holds it now, with its version (None: it was deleted).
    pub current: Option<(u64, Agreement)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The field texts when the form opened, to tell whether anything changed.
    initial: Vec<String>,
    /// Why the last save failed; the form stays open with everything typed.
    pub error: Option<String>,
    pub conflict: Option<ConflictView>,
    /// Esc on a changed form asks first.
    pub confirm_discard: bool,
    /// A save is on its way to the store.
    pub saving: bool,
    /// Something worth knowing about the last key (text cut at the limit...).
    pub notice: Option<String>,
    pub lang: Lang,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Save this change.
    Save(Box<Change>),
    Close,
}

fn text_field(id: FieldId, label: &'static str, value: &str, max: usize) -> Field {
    Field::new(id, label, Value::Text(TextInput::new(value, max)))
}

fn long_field(id: FieldId, label: &'static str, value: &str) -> Field {
    Field::new(
        id,
        label,
        Value::Text(TextInput::multiline(value, TEXT_MAX)),
    )
}

fn choice_field(
    id: FieldId,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: &str,
) -> Field {
    let at = options.iter().position(|o| o.0 == selected).unwrap_or(0);
    Field::new(id, label, Value::Choice { options, at })
}

fn lookup_field(
    id: FieldId,
    label: &'static str,
    source: Source,
    chosen: Option<(&str, &str)>,
) -> Field {
    Field::new(
        id,
        label,
        Value::Lookup {
            input: TextInput::new(chosen.map_or("", |c| c.1), NAME_MAX),
            source,
            chosen: chosen.map(|c| c.0.to_string()),
            matches: Vec::new(),
            cursor: 0,
            open: false,
        },
    )
}

fn enum_options<E: Copy + serde::Serialize>(
    all: &[E],
    label: impl Fn(E) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&e| {
            (
                crate::store::interchange::enum_name(&e),
                label(e).to_string(),
            )
        })
        .collect()
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A contact as one line: "name; role; email; phone".
pub fn contact_line(c: &Contact) -> String {
    let mut parts = vec![
        c.name.as_str(),
        c.role.as_str(),
        c.email.as_str(),
        c.phone.as_str(),
    ];
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.join("; ")
}

impl Form {
    fn build(purpose: Purpose, title: String, fields: Vec<Field>, lang: Lang) -> Form {
        let mut form = Form {
            purpose,
            title,
            initial: Vec::new(),
            fields,
            focus: 0,
            error: None,
            conflict: None,
            confirm_discard: false,
            saving: false,
            notice: None,
            lang,
        };
        form.initial = form.snapshot();
        form
    }

    fn agreement_fields(catalog: &Catalog, a: &Agreement, lang: Lang) -> Vec<Field> {
        let pick = |id, en| lang.pick(id, en);
        let region = catalog
            .region(&a.region)
            .map(|r| (r.id.as_str(), r.name.as_str()));
        let partner = catalog
            .partner(&a.partner)
            .map(|p| (p.id.as_str(), p.name.as_str()));
        let stages = catalog
            .stages
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    lang.pick(&s.label_id, &s.label_en).to_string(),
                )
            })
            .collect();
        let contact = |side: Side| {
            a.contacts
                .iter()
                .find(|c| c.side == side)
                .map(contact_line)
                .unwrap_or_default()
        };
        let mut country = text_field(
            FieldId::Country,
            pick("Negara (mitra baru)", "Country (new partner)"),
            "",
            NAME_MAX,
        );
        country.enabled = partner.is_none();
        vec![
            lookup_field(
                FieldId::Region,
                pick("Daerah", "Region"),
                Source::Regions,
                region,
            )
            .required(),
            lookup_field(
                FieldId::Partner,
                pick("Mitra", "Partner"),
                Source::Partners,
                partner,
            )
            .required(),
            country.required(),
            choice_field(
                FieldId::Kind,
                pick("Jenis", "Kind"),
                enum_options(&AgreementKind::ALL, |k| text::kind(k, lang)),
                &crate::store::interchange::enum_name(&a.kind),
            ),
            choice_field(
                FieldId::Status,
                pick("Status", "Status"),
                enum_options(&Status::ALL, |s| text::status(s, lang)),
                &crate::store::interchange::enum_name(&a.status),
            ),
            choice_field(FieldId::Stage, pick("Tahap", "Stage"), stages, &a.stage),
            text_field(
                FieldId::Signed,
                pick("Ditandatangani", "Signed"),
                &date_text(a.signed),
                DATE_MAX,
            ),
            text_field(
                FieldId::Expires,
                pick("Berakhir", "Expires"),
                &date_text(a.expires),
                DATE_MAX,
            ),
            text_field(
                FieldId::Fields,
                pick("Bidang (pisah koma)", "Fields (comma-separated)"),
                &a.fields.join(", "),
                TEXT_MAX,
            ),
            text_field(
                FieldId::ContactOurs,
                pick("Kontak Indonesia", "Indonesian contact"),
                &contact(Side::Indonesia),
                NAME_MAX * 4,
            ),
            text_field(
                FieldId::ContactTheirs,
                pick("Kontak mitra", "Partner contact"),
                &contact(Side::Partner),
                NAME_MAX * 4,
            ),
            long_field(FieldId::Notes, pick("Catatan", "Notes"), &a.notes),
        ]
    }

    /// A form for a new agreement, in the region selected (if any).
    pub fn new_agreement(catalog: &Catalog, region: Option<&str>, lang: Lang) -> Form {
        let stage = catalog.stages.first().map_or("", |s| s.id.as_str());
        let blank = Agreement::new(0, region.unwrap_or_default(), "", stage);
        let mut fields = Form::agreement_fields(catalog, &blank, lang);
        // A province's own agreements are usually sister-province ones.
        if let Some(r) = region.and_then(|r| catalog.region(r))
            && r.level == crate::domain::RegionLevel::Province
            && let Value::Choice { at, .. } = &mut fields[3].value
        {
            *at = 0;
        }
        let mut form = Form::build(
            Purpose::NewAgreement,
            lang.pick("Kerja sama baru", "New agreement").to_string(),
            fields,
            lang,
        );
        // Start where typing is needed: the partner when the region is known.
        form.focus = usize::from(region.is_some());
        form
    }

    pub fn edit_agreement(catalog: &Catalog, a: &Agreement, version: u64, lang: Lang) -> Form {
        let title = format!(
            "{} {} – {}",
            lang.pick("Ubah", "Edit"),
            catalog.region_name(a),
            catalog.partner_name(a)
        );
        let fields = Form::agreement_fields(catalog, a, lang);
        let mut form = Form::build(
            Purpose::EditAgreement {
                original: a.clone(),
                version,
            },
            title,
            fields,
            lang,
        );
        form.focus = 3;
        form
    }

    pub fn log_activity(catalog: &Catalog, a: &Agreement, today: NaiveDate, lang: Lang) -> Form {
        let pick = |id, en| lang.pick(id, en);
        let title = format!(
            "{} {} – {}",
            pick("Catat kegiatan:", "Log activity:"),
            catalog.region_name(a),
            catalog.partner_name(a)
        );
        let kinds = enum_options(&ActivityKind::ALL, |k| text::activity_kind(k, lang));
        let fields = vec![
            choice_field(
                FieldId::ActivityKind,
                pick("Jenis", "Kind"),
                kinds,
                "meeting",
            ),
            text_field(
                FieldId::Date,
                pick("Tanggal", "Date"),
                &date_text(Some(today)),
                DATE_MAX,
            )
            .required(),
            text_field(FieldId::Title, pick("Judul", "Title"), "", NAME_MAX).required(),
            long_field(FieldId::Description, pick("Uraian", "Description"), ""),
            text_field(
                FieldId::Participants,
                pick("Peserta (pisah koma)", "Participants (comma-separated)"),
                "",
                TEXT_MAX,
            ),
        ];
        let mut form = Form::build(
            Purpose::LogActivity { agreement: a.id },
            title,
            fields,
            lang,
        );
        form.focus = 2;
        form
    }

    pub fn renewal(
        catalog: &Catalog,
        a: &Agreement,
        version: u64,
        today: NaiveDate,
        lang: Lang,
    ) -> Form {
        let pick = |id, en| lang.pick(id, en);
        let title = format!(
            "{} {} – {}",
            pick("Perpanjangan MoU:", "Renew the MoU:"),
            catalog.region_name(a),
            catalog.partner_name(a)
        );
        let fields = vec![
            text_field(
                FieldId::RenewSigned,
                pick("Ditandatangani", "Signed"),
                &date_text(Some(today)),
                DATE_MAX,
            )
            .required(),
            text_field(
                FieldId::RenewExpires,
                pick("Berakhir", "Expires"),
                "",
                DATE_MAX,
            ),
            long_field(FieldId::RenewNote, pick("Catatan", "Note"), ""),
        ];
        let mut form = Form::build(
            Purpose::Renewal {
                original: a.clone(),
                version,
            },
            title,
            fields,
            lang,
        );
        form.focus = 1;
        form
    }

    fn about(catalog: &Catalog, a: &Agreement, what: &str) -> String {
        format!(
            "{what} {} – {}",
            catalog.region_name(a),
            catalog.partner_name(a)
        )
    }

    /// Triage: take an agreement out of the queue until a date, saying why.
    pub fn snooze(catalog: &Catalog, a: &Agreement, today: NaiveDate, lang: Lang) -> Form {
        let pick = |id, en| lang.pick(id, en);
        let before = catalog.attention.get(&a.id).cloned();
        let until = before
            .as_ref()
            .and_then(|n| n.snoozed_until)
            .unwrap_or(today + chrono::Days::new(90));
        let note = before
            .as_ref()
            .map(|n| n.snooze_note.clone())
            .unwrap_or_default();
        let fields = vec![
            text_field(
                FieldId::SnoozeUntil,
                pick("Tunda sampai", "Snooze until"),
                &date_text(Some(until)),
                DATE_MAX,
            )
            .required(),
            long_field(FieldId::SnoozeNote, pick("Alasan", "Why"), &note).required(),
        ];
        let mut form = Form::build(
            Purpose::Snooze {
                agreement: a.id,
                before,
            },
            Form::about(catalog, a, pick("Tunda:", "Snooze:")),
            fields,
            lang,
        );
        form.focus = 1;
        form
    }

    /// Triage: a follow-up with its owner, due date and next step.
    pub fn follow_up(catalog: &Catalog, a: &Agreement, today: NaiveDate, lang: Lang) -> Form {
        let pick = |id, en| lang.pick(id, en);
        let before = catalog.attention.get(&a.id).cloned();
        let fields = vec![
            text_field(
                FieldId::Owner,
                pick("Penanggung jawab", "Owner"),
                "",
                NAME_MAX,
            )
            .required(),
            text_field(
                FieldId::Due,
                pick("Jatuh tempo", "Due"),
                &date_text(Some(today + chrono::Days::new(30))),
                DATE_MAX,
            )
            .required(),
            long_field(
                FieldId::NextStep,
                pick("Langkah berikutnya", "Next step"),
                "",
            )
            .required(),
        ];
        Form::build(
            Purpose::FollowUp {
                agreement: a.id,
                before,
            },
            Form::about(catalog, a, pick("Tindak lanjut:", "Follow-up:")),
            fields,
            lang,
        )
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

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    fn move_focus(&mut self, forward: bool, catalog: &Catalog, today: NaiveDate) {
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
        self.check(catalog, today);
    }

    /// Handles one key. `catalog` supplies completions and references.
    pub fn key(&mut self, cmd: Cmd, catalog: &Catalog, today: NaiveDate) -> Outcome {
        self.notice = None;
        if self.confirm_discard {
            return match cmd {
                Cmd::Insert('y' | 'Y') => Outcome::Close,
                _ => {
                    self.confirm_discard = false;
                    Outcome::Stay
                }
            };
        }
        if self.saving {
            // Keys wait until the store answers; the form must not change under the save.
            return Outcome::Stay;
        }
        match cmd {
            Cmd::Save => return self.save(catalog, today),
            Cmd::Back | Cmd::Quit => {
                if let Some(Value::Lookup { open, .. }) =
                    self.fields.get_mut(self.focus).map(|f| &mut f.value)
                    && *open
                    && cmd == Cmd::Back
                {
                    *open = false;
                    return Outcome::Stay;
                }
                if self.conflict.is_some() && cmd == Cmd::Back {
                    self.keep_editing();
                    return Outcome::Stay;
                }
                if self.changed() {
                    self.confirm_discard = true;
                    return Outcome::Stay;
                }
                return Outcome::Close;
            }
            Cmd::Reload => {
                self.reload(catalog);
                return Outcome::Stay;
            }
            Cmd::NextPane => self.move_focus(true, catalog, today),
            Cmd::PrevPane => self.move_focus(false, catalog, today),
            _ => {}
        }
        let lang = self.lang;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Outcome::Stay;
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
                            return Outcome::Stay;
                        }
                        Cmd::Up => {
                            *cursor = cursor.saturating_sub(1);
                            return Outcome::Stay;
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
            self.after_edit(catalog, today);
        }
        if let Some(forward) = moved {
            self.move_focus(forward, catalog, today);
        }
        Outcome::Stay
    }

    /// Text pasted into the focused field, whole (a megabyte paste is one insert, cut at
    /// the field's limit).
    pub fn paste(&mut self, text: &str, catalog: &Catalog, today: NaiveDate) {
        if self.saving || self.confirm_discard {
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
        self.after_edit(catalog, today);
    }

    fn after_edit(&mut self, catalog: &Catalog, today: NaiveDate) {
        self.error = None;
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
            *matches = complete(catalog, *source, input.text());
            *cursor = (*cursor).min(matches.len().saturating_sub(1));
            // Typing a record's exact name chooses it; anything else is new text.
            let typed = fold_for_search(input.text().trim());
            *chosen = matches
                .iter()
                .find(|(_, label)| fold_for_search(label) == typed)
                .map(|(id, _)| id.clone());
        }
        let partner_known = matches!(
            self.field(FieldId::Partner).map(|f| &f.value),
            Some(Value::Lookup {
                chosen: Some(_),
                ..
            })
        );
        if let Some(country) = self.field_mut(FieldId::Country) {
            country.enabled = !partner_known;
        }
        self.check(catalog, today);
    }

    /// Validates every field, showing errors on those already visited. Returns the change
    /// when everything is valid.
    fn check(&mut self, catalog: &Catalog, today: NaiveDate) -> Option<Change> {
        let (errors, notes, change) = self.evaluate(catalog, today);
        for f in &mut self.fields {
            let error = errors
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, e)| e.clone());
            f.error = if f.touched { error } else { None };
            f.note = notes
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, n)| n.clone());
        }
        if errors.is_empty() { change } else { None }
    }

    fn save(&mut self, catalog: &Catalog, today: NaiveDate) -> Outcome {
        for f in &mut self.fields {
            f.touched = true;
        }
        match self.check(catalog, today) {
            Some(change) => {
                self.saving = true;
                self.error = None;
                Outcome::Save(Box::new(change))
            }
            None => {
                let n = self.fields.iter().filter(|f| f.error.is_some()).count();
                self.error = Some(match self.lang {
                    Lang::Id => format!("Belum disimpan: {n} isian perlu diperbaiki."),
                    Lang::En => format!(
                        "Not saved: {n} field{} need{} fixing.",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "s" } else { "" }
                    ),
                });
                if let Some(first) = self.fields.iter().position(|f| f.error.is_some()) {
                    self.focus = first;
                }
                Outcome::Stay
            }
        }
    }

    /// The store refused the save; everything typed stays.
    pub fn failed(&mut self, message: String) {
        self.saving = false;
        self.error = Some(message);
    }

    /// The store holds a newer version of the record than the one the form started from.
    pub fn conflicted(&mut self, message: String, current: Option<(u64, Agreement)>) {
        self.saving = false;
        let mine = match &self.purpose {
            Purpose::EditAgreement { original, .. } | Purpose::Renewal { original, .. } => {
                Some(original)
            }
            _ => None,
        };
        let lines = match (&current, mine) {
            (Some((_, theirs)), Some(mine)) => differences(mine, theirs, self.lang),
            (None, _) => vec![
                self.lang
                    .pick(
                        "Kerja sama ini sudah dihapus oleh orang lain.",
                        "Someone else deleted this agreement.",
                    )
                    .to_string(),
            ],
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
        match &mut self.purpose {
            Purpose::Snooze { before, .. } | Purpose::FollowUp { before, .. } => *before = theirs,
            _ => {}
        }
        self.error = Some(format!(
            "{message} {}",
            self.lang.pick(
                "Ctrl-s menambahkan isian Anda ke catatan mereka.",
                "Ctrl-s adds yours to their notes."
            )
        ));
    }

    /// Takes the store's version as the starting point and fills the form from it; what was
    /// typed is dropped.
    fn reload(&mut self, catalog: &Catalog) {
        let Some(conflict) = self.conflict.take() else {
            return;
        };
        let Some((version, current)) = conflict.current else {
            return;
        };
        let fresh = match &self.purpose {
            Purpose::EditAgreement { .. } => {
                Form::edit_agreement(catalog, &current, version, self.lang)
            }
            Purpose::Renewal { .. } => {
                // The dates typed are about the new term: keep them, start from theirs.
                let mut same = self.clone();
                same.purpose = Purpose::Renewal {
                    original: current,
                    version,
                };
                same
            }
            _ => return,
        };
        let focus = self.focus;
        *self = fresh;
        self.focus = focus.min(self.fields.len().saturating_sub(1));
        self.notice = Some(
            self.lang
                .pick("Dimuat ulang dari penyimpanan.", "Reloaded from the store.")
                .to_string(),
        );
    }

    /// Keeps what was typed and takes the store's version as the base, so that the next
    /// save knowingly replaces the other change.
    fn keep_editing(&mut self) {
        let Some(conflict) = self.conflict.take() else {
            return;
        };
        if let Some((version, current)) = conflict.current {
            match &mut self.purpose {
                Purpose::EditAgreement {
                    original,
                    version: v,
                }
                | Purpose::Renewal {
                    original,
                    version: v,
                } => {
                    *original = current;
                    *v = version;
                }
                _ => {}
            }
            self.notice = Some(
                self.lang
                    .pick(
                        "Ctrl-s berikutnya akan menimpa perubahan mereka.",
                        "The next Ctrl-s replaces their change with yours.",
                    )
                    .to_string(),
            );
        }
    }

    /// Checks every field; returns errors and notes by field, and the change if valid.
    #[allow(clippy::type_complexity)]
    fn evaluate(
        &self,
        catalog: &Catalog,
        today: NaiveDate,
    ) -> (
        Vec<(FieldId, String)>,
        Vec<(FieldId, String)>,
        Option<Change>,
    ) {
        let lang = self.lang;
        let mut errors: Vec<(FieldId, String)> = Vec::new();
        let mut notes: Vec<(FieldId, String)> = Vec::new();
        for f in &self.fields {
            if f.enabled && f.required && f.text().trim().is_empty() {
                let e = match f.id {
                    FieldId::Partner => lang.pick(
                        "nama mitra kosong: ketik nama, atau pilih dari daftar",
                        "the partner name is empty: type a name or choose one from the list",
                    ),
                    _ => lang.pick("wajib diisi", "is required"),
                };
                errors.push((f.id, e.to_string()));
            }
        }
        let date = |id: FieldId, errors: &mut Vec<(FieldId, String)>| -> Option<NaiveDate> {
            let text = self.field(id)?.text().trim().to_string();
            if text.is_empty() {
                return None;
            }
            match parse_date_or_today(&text, today) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push((id, e));
                    None
                }
            }
        };
        let change = match &self.purpose {
            Purpose::NewAgreement | Purpose::EditAgreement { .. } => {
                let signed = date(FieldId::Signed, &mut errors);
                let expires = date(FieldId::Expires, &mut errors);
                expiry_after_signing(signed, expires, FieldId::Expires, lang, &mut errors);
                self.agreement_change(catalog, signed, expires, &mut errors, &mut notes)
            }
            Purpose::LogActivity { agreement } => {
                let day = date(FieldId::Date, &mut errors);
                self.activity_change(*agreement, day, &mut errors)
            }
            Purpose::Snooze { agreement, before } => {
                let until = date(FieldId::SnoozeUntil, &mut errors);
                if let Some(u) = until
                    && u <= today
                {
                    errors.push((
                        FieldId::SnoozeUntil,
                        match lang {
                            Lang::Id => format!("harus sesudah hari ini ({today})"),
                            Lang::En => format!("must be after today ({today})"),
                        },
                    ));
                }
                let note = self.text(FieldId::SnoozeNote).trim().to_string();
                until.map(|u| {
                    let mut after = before.clone().unwrap_or_else(|| Attention::new(*agreement));
                    after.snoozed_until = Some(u);
                    after.snooze_note = note;
                    attention_change("snooze", before.as_ref(), after)
                })
            }
            Purpose::FollowUp { agreement, before } => {
                let due = date(FieldId::Due, &mut errors);
                let owner = self.text(FieldId::Owner).trim().to_string();
                let step = self.text(FieldId::NextStep).trim().to_string();
                due.map(|due| {
                    let mut after = before.clone().unwrap_or_else(|| Attention::new(*agreement));
                    after.follow_ups.push(FollowUp {
                        owner,
                        due,
                        next_step: step,
                        done: None,
                    });
                    attention_change("follow-up", before.as_ref(), after)
                })
            }
            Purpose::Renewal { original, version } => {
                let signed = date(FieldId::RenewSigned, &mut errors);
                let expires = date(FieldId::RenewExpires, &mut errors);
                expiry_after_signing(signed, expires, FieldId::RenewExpires, lang, &mut errors);
                if let (Some(s), Some(old)) = (signed, original.signed)
                    && s <= old
                {
                    errors.push((
                        FieldId::RenewSigned,
                        match lang {
                            Lang::Id => format!("harus sesudah MoU yang berlaku ({old})"),
                            Lang::En => format!("must be after the MoU in force ({old})"),
                        },
                    ));
                }
                signed.map(|s| {
                    renewal_change(
                        original,
                        *version,
                        s,
                        expires,
                        self.text(FieldId::RenewNote),
                    )
                })
            }
        };
        let change = if errors.is_empty() { change } else { None };
        (errors, notes, change)
    }

    fn text(&self, id: FieldId) -> &str {
        self.field(id).map_or("", |f| f.text())
    }

    fn chosen(&self, id: FieldId) -> Option<&str> {
        match self.field(id).map(|f| &f.value) {
            Some(Value::Lookup { chosen, .. }) => chosen.as_deref(),
            _ => None,
        }
    }

    fn agreement_change(
        &self,
        catalog: &Catalog,
        signed: Option<NaiveDate>,
        expires: Option<NaiveDate>,
        errors: &mut Vec<(FieldId, String)>,
        notes: &mut Vec<(FieldId, String)>,
    ) -> Option<Change> {
        let lang = self.lang;
        let region = self.chosen(FieldId::Region).map(str::to_string);
        if region.is_none() && !self.text(FieldId::Region).trim().is_empty() {
            errors.push((
                FieldId::Region,
                match lang {
                    Lang::Id => format!(
                        "tidak ada daerah bernama {:?}: pilih dari daftar dengan Enter",
                        self.text(FieldId::Region).trim()
                    ),
                    Lang::En => format!(
                        "no region is called {:?}: choose one from the list with Enter",
                        self.text(FieldId::Region).trim()
                    ),
                },
            ));
        }
        let partner_name = self.text(FieldId::Partner).trim().to_string();
        let mut new_partner = None;
        let partner = match self.chosen(FieldId::Partner) {
            Some(id) => {
                if let Some(p) = catalog.partner(id) {
                    notes.push((FieldId::Partner, p.country.clone()));
                }
                Some(id.to_string())
            }
            None if partner_name.is_empty() => None,
            None => {
                let country = self.text(FieldId::Country).trim().to_string();
                notes.push((
                    FieldId::Partner,
                    lang.pick("mitra baru", "new partner").to_string(),
                ));
                let id = unique_slug(&partner_name, |s| catalog.partner(s).is_some(), "partner");
                new_partner = Some(Partner {
                    id: id.clone(),
                    name: partner_name.clone(),
                    country,
                    level: String::new(),
                    aliases: Vec::new(),
                    coordinates: None,
                });
                Some(id)
            }
        };
        let mut contacts: Vec<Contact> = Vec::new();
        for (id, side) in [
            (FieldId::ContactOurs, Side::Indonesia),
            (FieldId::ContactTheirs, Side::Partner),
        ] {
            match parse_contact(self.text(id), side, lang) {
                Ok(Some(c)) => contacts.push(c),
                Ok(None) => {}
                Err(e) => errors.push((id, e)),
            }
        }
        let (original, version) = match &self.purpose {
            Purpose::EditAgreement { original, version } => (Some(original), *version),
            _ => (None, 0),
        };
        if let Some(o) = original {
            // Contacts beyond the first on each side are kept as they were.
            for side in [Side::Indonesia, Side::Partner] {
                contacts.extend(
                    o.contacts
                        .iter()
                        .filter(|c| c.side == side)
                        .skip(1)
                        .cloned(),
                );
            }
        }
        let choice = |id: FieldId| self.text(id).to_string();
        let kind: AgreementKind = parse_enum(&choice(FieldId::Kind))?;
        let status: Status = parse_enum(&choice(FieldId::Status))?;
        let agreement = Agreement {
            id: original.map_or(0, |o| o.id),
            region: region?,
            partner: partner?,
            kind,
            status,
            stage: choice(FieldId::Stage),
            signed,
            expires,
            renewals: original.map(|o| o.renewals.clone()).unwrap_or_default(),
            fields: split_list(self.text(FieldId::Fields)),
            contacts,
            notes: self.text(FieldId::Notes).to_string(),
            obstacles: original.map(|o| o.obstacles.clone()).unwrap_or_default(),
            reporting: original.map(|o| o.reporting.clone()).unwrap_or_default(),
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_agreement(&agreement, &mut problems);
        if let Some(p) = &new_partner {
            crate::domain::validate::check_partner(p, &mut problems);
        }
        for p in problems {
            let field = match p.field.as_str() {
                "signed" => FieldId::Signed,
                "expires" => FieldId::Expires,
                "fields" => FieldId::Fields,
                "notes" => FieldId::Notes,
                "country" => FieldId::Country,
                "name" => FieldId::Partner,
                f if f.starts_with("contacts") => FieldId::ContactOurs,
                _ => FieldId::Notes,
            };
            if !errors.iter().any(|(id, _)| *id == field) {
                errors.push((field, format!("{} {}", p.problem, p.fix)));
            }
        }
        if !errors.is_empty() {
            return None;
        }
        let mut change = match original {
            Some(o) if o == &agreement => return Some(Change::new("update")),
            Some(o) => Change::new("update")
                .with(Edit::update(
                    Record::Agreement(o.clone()),
                    Record::Agreement(agreement),
                ))
                .expecting(o.id, version),
            None => Change::new("create").with(Edit::create(Record::Agreement(agreement))),
        };
        if let Some(p) = new_partner {
            change.edits.insert(0, Edit::create(Record::Partner(p)));
        }
        Some(change)
    }

    fn activity_change(
        &self,
        agreement: AgreementId,
        date: Option<NaiveDate>,
        errors: &mut Vec<(FieldId, String)>,
    ) -> Option<Change> {
        let activity = Activity {
            id: 0,
            agreement,
            date: date?,
            kind: parse_enum(self.text(FieldId::ActivityKind))?,
            title: self.text(FieldId::Title).trim().to_string(),
            description: self.text(FieldId::Description).to_string(),
            participants: split_list(self.text(FieldId::Participants)),
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_activity(&activity, &mut problems);
        for p in problems {
            let field = match p.field.as_str() {
                "date" => FieldId::Date,
                "title" => FieldId::Title,
                "participants" => FieldId::Participants,
                _ => FieldId::Description,
            };
            if !errors.iter().any(|(id, _)| *id == field) {
                errors.push((field, format!("{} {}", p.problem, p.fix)));
            }
        }
        if !errors.is_empty() {
            return None;
        }
        Some(Change::new("log activity").with(Edit::create(Record::Activity(activity))))
    }
}

/// The change from one agreement's triage notes to the next: created, updated, or removed
/// when nothing is left in them.
pub fn attention_change(action: &str, before: Option<&Attention>, after: Attention) -> Change {
    let change = Change::new(action);
    match before {
        None if after.is_empty() => change,
        None => change.with(Edit::create(Record::Attention(after))),
        Some(b) if after.is_empty() => change.with(Edit::delete(Record::Attention(b.clone()))),
        Some(b) if *b == after => change,
        Some(b) => change.with(Edit::update(
            Record::Attention(b.clone()),
            Record::Attention(after),
        )),
    }
}

/// An expiry on or before the signing date is an error on the expiry field.
fn expiry_after_signing(
    signed: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    field: FieldId,
    lang: Lang,
    errors: &mut Vec<(FieldId, String)>,
) {
    if let (Some(s), Some(e)) = (signed, expires)
        && e <= s
    {
        errors.push((
            field,
            match lang {
                Lang::Id => format!("harus sesudah tanggal tanda tangan ({s})"),
                Lang::En => format!("must be after the signing date ({s})"),
            },
        ));
    }
}

/// The change that renews an agreement's MoU: the term in force moves to the history, the
/// new dates take its place, and the renewal goes on the timeline.
pub fn renewal_change(
    original: &Agreement,
    version: u64,
    signed: NaiveDate,
    expires: Option<NaiveDate>,
    note: &str,
) -> Change {
    let mut renewed = original.clone();
    if original.signed.is_some() || original.expires.is_some() {
        renewed.renewals.push(Renewal {
            signed: original.signed,
            expires: original.expires,
            note: note.to_string(),
        });
    }
    renewed.signed = Some(signed);
    renewed.expires = expires;
    if matches!(
        renewed.status,
        Status::Expired | Status::Dormant | Status::RenewalInProgress
    ) {
        renewed.status = Status::Active;
    }
    let activity = Activity {
        id: 0,
        agreement: original.id,
        date: signed,
        kind: ActivityKind::MouRenewed,
        title: if note.trim().is_empty() {
            "MoU renewed".to_string()
        } else {
            note.lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(NAME_MAX)
                .collect()
        },
        description: String::new(),
        participants: Vec::new(),
    };
    Change::new("renew")
        .with(Edit::update(
            Record::Agreement(original.clone()),
            Record::Agreement(renewed),
        ))
        .with(Edit::create(Record::Activity(activity)))
        .expecting(original.id, version)
}

/// The obstacle-tag checklist (`t`).
#[derive(Debug, Clone, PartialEq)]
pub struct TagPicker {
    pub agreement: Agreement,
    pub version: u64,
    /// Every tag: built-in ones first, then custom ones, then those created here.
    pub tags: Vec<Tag>,
    pub checked: Vec<bool>,
    pub cursor: usize,
    /// The label of a new custom tag being typed.
    pub new_tag: Option<TextInput>,
    /// Tags created here, saved with the agreement.
    pub created: Vec<Tag>,
    pub error: Option<String>,
    pub saving: bool,
}

impl TagPicker {
    pub fn new(catalog: &Catalog, agreement: &Agreement, version: u64) -> TagPicker {
        let tags = catalog.tags.clone();
        let checked = tags
            .iter()
            .map(|t| agreement.obstacles.contains(&t.id))
            .collect();
        TagPicker {
            agreement: agreement.clone(),
            version,
            tags,
            checked,
            cursor: 0,
            new_tag: None,
            created: Vec::new(),
            error: None,
            saving: false,
        }
    }

    /// The change the checklist makes; `None` when nothing changed.
    pub fn change(&self) -> Option<Change> {
        let mut after = self.agreement.clone();
        // Keep the order tags were set in; add newly checked ones at the end.
        after.obstacles.retain(|t| {
            self.tags
                .iter()
                .zip(&self.checked)
                .any(|(tag, &on)| on && &tag.id == t)
        });
        for (tag, &on) in self.tags.iter().zip(&self.checked) {
            if on && !after.obstacles.contains(&tag.id) {
                after.obstacles.push(tag.id.clone());
            }
        }
        if after == self.agreement {
            return None;
        }
        let mut change = Change::new("tags");
        for t in &self.created {
            if after.obstacles.contains(&t.id) {
                change = change.with(Edit::create(Record::Tag(t.clone())));
            }
        }
        Some(
            change
                .with(Edit::update(
                    Record::Agreement(self.agreement.clone()),
                    Record::Agreement(after),
                ))
                .expecting(self.agreement.id, self.version),
        )
    }

    /// Adds a custom tag from the label typed, checked; returns an error to show if the
    /// label is unusable.
    pub fn create(&mut self, lang: Lang) -> Result<(), String> {
        let Some(input) = self.new_tag.take() else {
            return Ok(());
        };
        let label = input.text().trim().to_string();
        if label.is_empty() {
            return Err(lang
                .pick("Label tag kosong.", "The tag label is empty.")
                .to_string());
        }
        let folded = fold_for_search(&label);
        if let Some(i) = self.tags.iter().position(|t| {
            fold_for_search(&t.label_en) == folded || fold_for_search(&t.label_id) == folded
        }) {
            self.checked[i] = true;
            self.cursor = i;
            return Ok(());
        }
        let id = unique_slug(
            &label,
            |s| is_builtin_tag(s) || self.tags.iter().any(|t| t.id == s),
            "tag",
        );
        let tag = Tag {
            id,
            label_id: label.clone(),
            label_en: label,
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_tag(&tag, &mut problems);
        if let Some(p) = problems.first() {
            return Err(format!("{} {}", p.problem, p.fix));
        }
        self.created.push(tag.clone());
        self.tags.push(tag);
        self.checked.push(true);
        self.cursor = self.tags.len() - 1;
        Ok(())
    }
}

/// A key in a text field: Up, Down and Enter move between fields, other keys edit the text.
/// Returns whether the text changed.
fn text_key(
    input: &mut TextInput,
    cmd: Cmd,
    moved: &mut Option<bool>,
    notice: &mut Option<String>,
    lang: Lang,
) -> bool {
    match cmd {
        Cmd::Down | Cmd::Open => {
            *moved = Some(true);
            false
        }
        Cmd::Up => {
            *moved = Some(false);
            false
        }
        other => match edit_text(input, other) {
            Some((edited, report)) => {
                if let Some(n) = report {
                    *notice = paste_notice(n, lang);
                }
                edited
            }
            None => false,
        },
    }
}

/// What was typed into a text input; `None` when the key is not a text edit. The second
/// value reports a paste that lost characters.
fn edit_text(input: &mut TextInput, cmd: Cmd) -> Option<(bool, Option<Inserted>)> {
    Some(match cmd {
        Cmd::Insert(c) => {
            let mut buf = [0u8; 4];
            let result = input.insert(c.encode_utf8(&mut buf));
            (
                result.kept > 0,
                (result.stripped > 0 || result.cut > 0).then_some(result),
            )
        }
        Cmd::Left => (input.left(), None),
        Cmd::Right => (input.right(), None),
        Cmd::Home => (input.home(), None),
        Cmd::End => (input.end(), None),
        Cmd::DeleteBack => (input.backspace(), None),
        Cmd::DeleteForward => (input.delete(), None),
        Cmd::DeleteWord => (input.delete_word(), None),
        Cmd::ClearInput => (input.clear(), None),
        _ => return None,
    })
}

fn paste_notice(result: Inserted, lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    if result.cut > 0 {
        parts.push(match lang {
            Lang::Id => format!("{} karakter dipotong: batasnya tercapai", result.cut),
            Lang::En => format!("{} characters cut: the field is full", result.cut),
        });
    }
    if result.stripped > 0 {
        parts.push(match lang {
            Lang::Id => format!("{} karakter kontrol dibuang", result.stripped),
            Lang::En => format!("{} control characters removed", result.stripped),
        });
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Accepts YYYY-MM-DD and "today" ("hari ini").
pub fn parse_date_or_today(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    match text.trim().to_lowercase().as_str() {
        "today" | "hari ini" | "t" => Ok(today),
        other => parse_date(other),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_contact(text: &str, side: Side, lang: Lang) -> Result<Option<Contact>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() > 4 {
        return Err(lang
            .pick(
                "paling banyak 4 bagian: nama; jabatan; email; telepon",
                "at most 4 parts: name; role; email; phone",
            )
            .to_string());
    }
    let get = |i: usize| parts.get(i).copied().unwrap_or_default().to_string();
    if get(0).is_empty() {
        return Err(lang
            .pick(
                "nama kontak kosong (format: nama; jabatan; email; telepon)",
                "the contact's name is empty (format: name; role; email; phone)",
            )
            .to_string());
    }
    let email = get(2);
    if !email.is_empty() && !email.contains('@') {
        return Err(match lang {
            Lang::Id => format!("{email:?} bukan alamat email"),
            Lang::En => format!("{email:?} is not an email address"),
        });
    }
    Ok(Some(Contact {
        side,
        name: get(0),
        role: get(1),
        email,
        phone: get(3),
    }))
}

/// A lower-case slug for a name, made unique with a number when taken.
pub fn unique_slug(name: &str, taken: impl Fn(&str) -> bool, fallback: &str) -> String {
    let folded = fold_for_search(name);
    let mut slug = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        slug = fallback.to_string();
    }
    if !taken(&slug) {
        return slug;
    }
    (2..)
        .map(|n| format!("{slug}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or(slug)
}

/// Completions for a lookup field: regions by name and short names, partners by name,
/// aliases and country.
pub fn complete(catalog: &Catalog, source: Source, typed: &str) -> Vec<(String, String)> {
    let query = search::normalize_query(typed);
    if query.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(i64, String, String)> = match source {
        Source::Regions => catalog
            .regions
            .iter()
            .filter_map(|r| {
                let mut text = r.name.clone();
                for s in &r.short_names {
                    text.push_str(" · ");
                    text.push_str(s);
                }
                search::match_text(&text, &query)
                    .map(|(score, _)| (score, r.id.clone(), r.name.clone()))
            })
            .collect(),
        Source::Partners => catalog
            .partners
            .iter()
            .filter_map(|p| {
                let mut text = p.name.clone();
                for a in &p.aliases {
                    text.push_str(" · ");
                    text.push_str(a);
                }
                text.push_str(" · ");
                text.push_str(&p.country);
                search::match_text(&text, &query)
                    .map(|(score, _)| (score, p.id.clone(), p.name.clone()))
            })
            .collect(),
    };
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    scored.truncate(COMPLETIONS);
    scored
        .into_iter()
        .map(|(_, id, label)| (id, label))
        .collect()
}

/// What differs between the agreement the form started from and the store's, one line each.
pub fn differences(mine: &Agreement, theirs: &Agreement, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let mut diff = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} → {b}"));
        }
    };
    use crate::store::interchange::enum_name as name;
    diff(
        lang.pick("daerah", "region"),
        mine.region.clone(),
        theirs.region.clone(),
    );
    diff(
        lang.pick("mitra", "partner"),
        mine.partner.clone(),
        theirs.partner.clone(),
    );
    diff(
        lang.pick("jenis", "kind"),
        name(&mine.kind),
        name(&theirs.kind),
    );
    diff("status", name(&mine.status), name(&theirs.status));
    diff(
        lang.pick("tahap", "stage"),
        mine.stage.clone(),
        theirs.stage.clone(),
    );
    diff(
        lang.pick("ditandatangani", "signed"),
        date_text(mine.signed),
        date_text(theirs.signed),
    );
    diff(
        lang.pick("berakhir", "expires"),
        date_text(mine.expires),
        date_text(theirs.expires),
    );
    diff(
        lang.pick("bidang", "fields"),
        mine.fields.join(", "),
        theirs.fields.join(", "),
    );
    diff(
        lang.pick("kontak", "contacts"),
        mine.contacts
            .iter()
            .map(contact_line)
            .collect::<Vec<_>>()
            .join(" | "),
        theirs
            .contacts
            .iter()
            .map(contact_line)
            .collect::<Vec<_>>()
            .join(" | "),
    );
    let clip = |s: &str| -> String {
        let one: String = s.chars().take(60).collect();
        if s.chars().count() > 60 {
            format!("{one}…")
        } else {
            one
        }
    };
    diff(
        lang.pick("catatan", "notes"),
        clip(&mine.notes),
        clip(&theirs.notes),
    );
    diff(
        lang.pick("hambatan", "obstacles"),
        mine.obstacles.join(", "),
        theirs.obstacles.join(", "),
    );
    if mine.renewals.len() != theirs.renewals.len() {
        out.push(format!(
            "{}: {} → {}",
            lang.pick("perpanjangan", "renewals"),
            mine.renewals.len(),
            theirs.renewals.len()
        ));
    }
    out.iter()
        .map(|l| crate::domain::text::display_safe(l).into_owned())
        .collect()
}
