//! The activity form (`a`): an entry for an agreement's timeline, with the fields of
//! cooperation it served and what came of it.

use crate::domain::edits::{activity_change, split_list};
use crate::domain::pursuit::{FigureError, fields_from_text, parse_amount, parse_count};
use crate::domain::validate::{NAME_MAX, TEXT_MAX};
use crate::domain::{Activity, ActivityKind, Agreement, AgreementId, Outcome, field_key};
use crate::i18n::Lang;
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{
    FieldId, choice_field, date_field, enum_options, long_field, parse_enum, text_field,
};
use super::{Evaluation, Form, Kind, problems_on_fields};

/// Longest figure typed: room for "1.000.000.000.000,00".
const FIGURE_MAX: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityForm {
    pub agreement: AgreementId,
    /// The agreement's fields of cooperation, which numbers in the fields field pick.
    pub mou_fields: Vec<String>,
}

pub fn new(ctx: &Ctx, a: &Agreement) -> Form {
    let lang = ctx.lang;
    let title = format!(
        "{} {}",
        T::LogActivityTitle.in_lang(lang),
        ctx.name_of(a.id)
    );
    let kinds = enum_options(&ActivityKind::ALL, |k| text::activity_kind(k, lang));
    let fields = vec![
        choice_field(
            FieldId::ActivityKind,
            T::Kind.in_lang(lang),
            kinds,
            "meeting",
        ),
        date_field(FieldId::Date, T::Date.in_lang(lang), Some(ctx.today)).required(),
        text_field(FieldId::Title, T::Title.in_lang(lang), "", NAME_MAX).required(),
        long_field(FieldId::Description, T::Description.in_lang(lang), ""),
        text_field(
            FieldId::Participants,
            T::FieldParticipantsList.in_lang(lang),
            "",
            TEXT_MAX,
        ),
        text_field(
            FieldId::ActivityFields,
            T::ActivityFieldsLabel.in_lang(lang),
            "",
            TEXT_MAX,
        ),
        long_field(FieldId::OutcomeText, T::OutcomeLabel.in_lang(lang), ""),
        text_field(
            FieldId::OutcomePeople,
            T::OutcomePeopleLabel.in_lang(lang),
            "",
            FIGURE_MAX,
        ),
        text_field(
            FieldId::OutcomeValue,
            T::OutcomeValueLabel.in_lang(lang),
            "",
            FIGURE_MAX,
        ),
        text_field(
            FieldId::OutcomeUnit,
            T::OutcomeUnitLabel.in_lang(lang),
            "",
            NAME_MAX,
        ),
    ];
    let mut form = Form::build(
        Kind::Activity(ActivityForm {
            agreement: a.id,
            mou_fields: a.fields.clone(),
        }),
        title,
        fields,
        2,
        lang,
    );
    form.check_now(ctx);
    form
}

/// Why a figure cannot be read, and how to write it.
fn figure_error(e: FigureError, count: bool, lang: Lang) -> String {
    let example = if count { "25" } else { "120.000 / 2,5" };
    match (e, lang) {
        (FigureError::NotANumber, Lang::En) => {
            format!("is not a number: write digits only, e.g. {example}")
        }
        (FigureError::NotANumber, Lang::Id) => {
            format!("bukan angka: tulis angka saja, mis. {example}")
        }
        (FigureError::Negative, Lang::En) => "cannot be below zero".into(),
        (FigureError::Negative, Lang::Id) => "tidak boleh di bawah nol".into(),
        (FigureError::NotWhole, Lang::En) => "counts people: a whole number, e.g. 25".into(),
        (FigureError::NotWhole, Lang::Id) => "jumlah orang: bilangan bulat, mis. 25".into(),
        (FigureError::TooLarge, Lang::En) => "is too large: check the digits".into(),
        (FigureError::TooLarge, Lang::Id) => "terlalu besar: periksa angkanya".into(),
    }
}

impl ActivityForm {
    /// What the fields field names, and a note saying which fields the MoU has and which
    /// typed ones are outside it.
    fn fields(&self, form: &Form, lang: Lang, e: &mut Evaluation) -> Vec<String> {
        let (fields, bad) = fields_from_text(form.text(FieldId::ActivityFields), &self.mou_fields);
        if let Some(n) = bad.first() {
            e.error(
                FieldId::ActivityFields,
                text::no_such_mou_field(n, self.mou_fields.len(), lang),
            );
        }
        let outside: Vec<&str> = fields
            .iter()
            .filter(|f| !self.mou_fields.iter().any(|m| field_key(m) == field_key(f)))
            .map(String::as_str)
            .collect();
        e.notes.push((
            FieldId::ActivityFields,
            text::mou_fields_note(&self.mou_fields, &outside, lang),
        ));
        fields
    }

    fn outcome(&self, form: &Form, lang: Lang, e: &mut Evaluation) -> Option<Outcome> {
        let people_text = form.text(FieldId::OutcomePeople).trim();
        let value_text = form.text(FieldId::OutcomeValue).trim();
        let unit = form.text(FieldId::OutcomeUnit).trim().to_string();
        let participants = if people_text.is_empty() {
            None
        } else {
            match parse_count(people_text) {
                Ok(n) => Some(n),
                Err(err) => {
                    e.error(FieldId::OutcomePeople, figure_error(err, true, lang));
                    None
                }
            }
        };
        let value = if value_text.is_empty() {
            None
        } else {
            match parse_amount(value_text) {
                Ok(v) => Some(v),
                Err(err) => {
                    e.error(FieldId::OutcomeValue, figure_error(err, false, lang));
                    None
                }
            }
        };
        if value_text.is_empty() && !unit.is_empty() {
            e.error(FieldId::OutcomeValue, T::OutcomeValueMissing.in_lang(lang));
        }
        let outcome = Outcome {
            text: form.text(FieldId::OutcomeText).trim().to_string(),
            participants,
            value,
            unit,
        };
        (outcome != Outcome::default()).then_some(outcome)
    }

    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let date = form.date(FieldId::Date, ctx, e);
        let fields = self.fields(form, ctx.lang, e);
        let outcome = self.outcome(form, ctx.lang, e);
        let activity = Activity {
            id: 0,
            agreement: self.agreement,
            date: date?,
            kind: parse_enum(form.text(FieldId::ActivityKind))?,
            title: form.text(FieldId::Title).trim().to_string(),
            description: form.text(FieldId::Description).to_string(),
            participants: split_list(form.text(FieldId::Participants)),
            fields,
            outcome,
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_activity(&activity, &mut problems);
        problems_on_fields(
            problems,
            |field| match field {
                "date" => FieldId::Date,
                "title" => FieldId::Title,
                "participants" => FieldId::Participants,
                "fields" => FieldId::ActivityFields,
                "outcome.text" => FieldId::OutcomeText,
                "outcome.value" => FieldId::OutcomeValue,
                "outcome.unit" => FieldId::OutcomeUnit,
                _ => FieldId::Description,
            },
            e,
        );
        if !e.errors.is_empty() {
            return None;
        }
        Some(activity_change(activity))
    }
}
