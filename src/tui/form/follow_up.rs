//! Triage forms: a snooze (`z`: out of the queue until a date, saying why) and a follow-up
//! (`f`: a next step with an owner and a due date).

use crate::domain::edits::{follow_up_change, snooze_change};
use crate::domain::validate::NAME_MAX;
use crate::domain::{Agreement, AgreementId, Attention, FollowUp};
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{FieldId, date_field, long_field, text_field};
use super::{Evaluation, Form, Kind};

#[derive(Debug, Clone, PartialEq)]
pub struct SnoozeForm {
    pub agreement: AgreementId,
    /// The triage notes the snooze is added to.
    pub before: Option<Attention>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpForm {
    pub agreement: AgreementId,
    pub before: Option<Attention>,
}

pub fn snooze(ctx: &Ctx, a: &Agreement) -> Form {
    let lang = ctx.lang;
    let before = ctx.catalog.attention.get(&a.id).cloned();
    let until = before
        .as_ref()
        .and_then(|n| n.snoozed_until)
        .unwrap_or(ctx.today + chrono::Days::new(90));
    let note = before
        .as_ref()
        .map(|n| n.snooze_note.clone())
        .unwrap_or_default();
    let fields = vec![
        date_field(
            FieldId::SnoozeUntil,
            T::SnoozeUntil.in_lang(lang),
            Some(until),
        )
        .required(),
        long_field(FieldId::SnoozeNote, T::Why.in_lang(lang), &note).required(),
    ];
    Form::build(
        Kind::Snooze(SnoozeForm {
            agreement: a.id,
            before,
        }),
        format!("{} {}", T::SnoozeTitle.in_lang(lang), ctx.name_of(a.id)),
        fields,
        1,
        lang,
    )
}

pub fn follow_up(ctx: &Ctx, a: &Agreement) -> Form {
    let lang = ctx.lang;
    let before = ctx.catalog.attention.get(&a.id).cloned();
    let fields = vec![
        text_field(FieldId::Owner, T::Owner.in_lang(lang), "", NAME_MAX).required(),
        date_field(
            FieldId::Due,
            T::DueField.in_lang(lang),
            Some(ctx.today + chrono::Days::new(30)),
        )
        .required(),
        long_field(FieldId::NextStep, T::NextStep.in_lang(lang), "").required(),
    ];
    Form::build(
        Kind::FollowUp(FollowUpForm {
            agreement: a.id,
            before,
        }),
        format!("{} {}", T::FollowUpTitle.in_lang(lang), ctx.name_of(a.id)),
        fields,
        0,
        lang,
    )
}

impl SnoozeForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let until = form.date(FieldId::SnoozeUntil, ctx, e);
        if let Some(u) = until
            && u <= ctx.today
        {
            e.error(FieldId::SnoozeUntil, text::after_today(ctx.today, ctx.lang));
        }
        let note = form.text(FieldId::SnoozeNote);
        until.map(|u| snooze_change(self.agreement, self.before.as_ref(), u, note, ctx.today))
    }
}

impl FollowUpForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let due = form.date(FieldId::Due, ctx, e)?;
        let follow_up = FollowUp {
            owner: form.text(FieldId::Owner).trim().to_string(),
            due,
            next_step: form.text(FieldId::NextStep).trim().to_string(),
            done: None,
            noted: Some(ctx.today),
        };
        Some(follow_up_change(
            self.agreement,
            self.before.as_ref(),
            follow_up,
        ))
    }
}
