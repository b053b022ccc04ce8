//! The activity form (`a`): an entry for an agreement's timeline.

use crate::domain::edits::{activity_change, split_list};
use crate::domain::validate::{NAME_MAX, TEXT_MAX};
use crate::domain::{Activity, ActivityKind, Agreement, AgreementId};
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{
    FieldId, choice_field, date_field, enum_options, long_field, parse_enum, text_field,
};
use super::{Evaluation, Form, Kind, problems_on_fields};

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityForm {
    pub agreement: AgreementId,
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
    ];
    Form::build(
        Kind::Activity(ActivityForm { agreement: a.id }),
        title,
        fields,
        2,
        lang,
    )
}

impl ActivityForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let date = form.date(FieldId::Date, ctx, e);
        let activity = Activity {
            id: 0,
            agreement: self.agreement,
            date: date?,
            kind: parse_enum(form.text(FieldId::ActivityKind))?,
            title: form.text(FieldId::Title).trim().to_string(),
            description: form.text(FieldId::Description).to_string(),
            participants: split_list(form.text(FieldId::Participants)),
            fields: Vec::new(),
            outcome: None,
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_activity(&activity, &mut problems);
        problems_on_fields(
            problems,
            |field| match field {
                "date" => FieldId::Date,
                "title" => FieldId::Title,
                "participants" => FieldId::Participants,
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
