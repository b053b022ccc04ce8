//! The field engine forms are built from: text fields (one line or many), choices, and
//! lookups completed from existing records, with the keys that edit them.

use chrono::NaiveDate;

use crate::domain::Catalog;
use crate::domain::validate::TEXT_MAX;
use crate::i18n::Lang;
use crate::search;

use super::super::input::{Inserted, TextInput};
use super::super::keymap::Cmd;

/// Longest date text: room for "2019-08-06" and "hari ini", and for a mistyped date to be
/// shown back in full.
pub const DATE_MAX: usize = 24;

/// How many completions a lookup field lists.
pub const COMPLETIONS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Region,
    Partner,
    Country,
    /// The partner's coordinates, `lat, lon`.
    PartnerPlace,
    /// A region's seat of government, `lat, lon`.
    Seat,
    Kind,
    Status,
    /// From when a changed status holds.
    StatusSince,
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
    /// The fields of cooperation an activity served.
    ActivityFields,
    OutcomeText,
    /// People an outcome reached.
    OutcomePeople,
    OutcomeValue,
    OutcomeUnit,
    /// An assessment's day, the four principles with a note each, and mutual benefit.
    AssessedOn,
    Political,
    PoliticalNote,
    Juridical,
    JuridicalNote,
    Technical,
    TechnicalNote,
    Security,
    SecurityNote,
    BenefitRegion,
    BenefitPartner,
    Fit,
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
    pub fn new(id: FieldId, label: &'static str, value: Value) -> Field {
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

    pub fn required(mut self) -> Field {
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

    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match &mut self.value {
            Value::Text(input) | Value::Lookup { input, .. } => Some(input),
            Value::Choice { .. } => None,
        }
    }

    /// The record a lookup field names.
    pub fn chosen(&self) -> Option<&str> {
        match &self.value {
            Value::Lookup { chosen, .. } => chosen.as_deref(),
            _ => None,
        }
    }
}

pub fn text_field(id: FieldId, label: &'static str, value: &str, max: usize) -> Field {
    Field::new(id, label, Value::Text(TextInput::new(value, max)))
}

pub fn long_field(id: FieldId, label: &'static str, value: &str) -> Field {
    Field::new(
        id,
        label,
        Value::Text(TextInput::multiline(value, TEXT_MAX)),
    )
}

pub fn date_field(id: FieldId, label: &'static str, value: Option<NaiveDate>) -> Field {
    text_field(id, label, &date_text(value), DATE_MAX)
}

pub fn choice_field(
    id: FieldId,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: &str,
) -> Field {
    let at = options.iter().position(|o| o.0 == selected).unwrap_or(0);
    Field::new(id, label, Value::Choice { options, at })
}

pub fn lookup_field(
    id: FieldId,
    label: &'static str,
    source: Source,
    chosen: Option<(&str, &str)>,
) -> Field {
    Field::new(
        id,
        label,
        Value::Lookup {
            input: TextInput::new(
                chosen.map_or("", |c| c.1),
                crate::domain::validate::NAME_MAX,
            ),
            source,
            chosen: chosen.map(|c| c.0.to_string()),
            matches: Vec::new(),
            cursor: 0,
            open: false,
        },
    )
}

/// A choice among an enum's values: (its name in files, its label).
pub fn enum_options<E: Copy + serde::Serialize>(
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

pub fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

pub fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What was typed into a text input; `None` when the key is not a text edit. The second
/// value reports a paste that lost characters.
pub fn edit_text(input: &mut TextInput, cmd: Cmd) -> Option<(bool, Option<Inserted>)> {
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

/// A key in a text field: Up, Down and Enter move between fields, other keys edit the text.
/// Returns whether the text changed.
pub fn text_key(
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

/// What a paste that lost characters says.
pub fn paste_notice(result: Inserted, lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    if result.cut > 0 {
        parts.push(crate::i18n::text::chars_cut(result.cut, lang));
    }
    if result.stripped > 0 {
        parts.push(crate::i18n::text::controls_removed(result.stripped, lang));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Completions for a lookup field: regions by name and short names, partners by name,
/// aliases and country. `allowed` keeps regions out of the list (outside a session's scope).
pub fn complete(
    catalog: &Catalog,
    source: Source,
    typed: &str,
    allowed: &dyn Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let query = search::normalize_query(typed);
    if query.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(i64, String, String)> = match source {
        Source::Regions => catalog
            .regions
            .iter()
            .filter(|r| allowed(&r.id))
            .filter_map(|r| {
                let terms = r.short_names.join(" · ");
                search::match_fields(&[&r.name, &terms], &query)
                    .map(|m| (m.score, r.id.clone(), r.name.clone()))
            })
            .collect(),
        Source::Partners => catalog
            .partners
            .iter()
            .filter_map(|p| {
                let aliases = p.aliases.join(" · ");
                let country = crate::domain::countries::search_terms(&p.country);
                search::match_fields(&[&p.name, &aliases, &country], &query)
                    .map(|m| (m.score, p.id.clone(), p.name.clone()))
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
