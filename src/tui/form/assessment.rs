//! The assessment form (`A`): a dated kajian of an agreement for its next signing: the four
//! principles (safe, concerns, not assessed, each with a note) and mutual benefit. It opens
//! with the latest assessment filled in, so a coordinator updates it; saved on another day it
//! becomes a new entry in the agreement's history, on the same day it replaces that day's.

use crate::domain::edits::assessment_change;
use crate::domain::validate::TEXT_MAX;
use crate::domain::{Agreement, Assessment, Judgement, Principle, Verdict, kajian};
use crate::i18n::Lang;
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{FieldId, choice_field, date_field, long_field, parse_enum, text_field};
use super::{Evaluation, Form, Kind, problems_on_fields};

#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentForm {
    pub original: Agreement,
    pub version: u64,
}

/// The verdict and note fields of each principle.
fn principle_fields(p: Principle) -> (FieldId, FieldId, T) {
    match p {
        Principle::Political => (FieldId::Political, FieldId::PoliticalNote, T::Political),
        Principle::Juridical => (FieldId::Juridical, FieldId::JuridicalNote, T::Juridical),
        Principle::Technical => (FieldId::Technical, FieldId::TechnicalNote, T::Technical),
        Principle::Security => (FieldId::Security, FieldId::SecurityNote, T::Security),
    }
}

fn verdict_options(lang: Lang) -> Vec<(String, String)> {
    Verdict::ALL
        .iter()
        .map(|v| {
            let id = serde_json::to_value(v)
                .ok()
                .and_then(|j| j.as_str().map(str::to_string))
                .unwrap_or_default();
            (id, text::verdict(*v, lang).to_string())
        })
        .collect()
}

pub fn new(ctx: &Ctx, a: &Agreement, version: u64) -> Form {
    let lang = ctx.lang;
    let title = format!("{} {}", T::AssessTitle.in_lang(lang), ctx.name_of(a.id));
    let start = kajian::latest(a, ctx.today)
        .cloned()
        .unwrap_or_else(|| Assessment::new(ctx.today));
    let mut fields = vec![
        date_field(
            FieldId::AssessedOn,
            T::AssessedOn.in_lang(lang),
            Some(ctx.today),
        )
        .required(),
    ];
    for p in Principle::ALL {
        let (verdict, note, label) = principle_fields(p);
        let j = start.judgement(p);
        let id = serde_json::to_value(j.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        fields.push(choice_field(
            verdict,
            label.in_lang(lang),
            verdict_options(lang),
            &id,
        ));
        fields.push(text_field(
            note,
            T::PrincipleNote.in_lang(lang),
            &j.note,
            TEXT_MAX,
        ));
    }
    fields.push(long_field(
        FieldId::BenefitRegion,
        T::BenefitRegion.in_lang(lang),
        &start.benefit_region,
    ));
    fields.push(long_field(
        FieldId::BenefitPartner,
        T::BenefitPartner.in_lang(lang),
        &start.benefit_partner,
    ));
    fields.push(long_field(FieldId::Fit, T::Fit.in_lang(lang), &start.fit));
    Form::build(
        Kind::Assessment(AssessmentForm {
            original: a.clone(),
            version,
        }),
        title,
        fields,
        1,
        lang,
    )
}

impl AssessmentForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let lang = ctx.lang;
        let on = form.date(FieldId::AssessedOn, ctx, e);
        if let Some(on) = on
            && on > ctx.today
        {
            e.error(
                FieldId::AssessedOn,
                text::assessed_in_future(ctx.today, lang),
            );
        }
        let mut x = Assessment::new(on.unwrap_or(ctx.today));
        for p in Principle::ALL {
            let (verdict, note, _) = principle_fields(p);
            let j = Judgement {
                verdict: parse_enum(form.text(verdict)).unwrap_or_default(),
                note: form.text(note).trim().to_string(),
            };
            if j.verdict == Verdict::Concerns && j.note.is_empty() {
                e.error(note, text::concerns_need_a_note(lang));
            }
            *x.judgement_mut(p) = j;
        }
        x.benefit_region = form.text(FieldId::BenefitRegion).trim().to_string();
        x.benefit_partner = form.text(FieldId::BenefitPartner).trim().to_string();
        x.fit = form.text(FieldId::Fit).trim().to_string();
        let change = assessment_change(&self.original, self.version, x);
        if let Some(crate::domain::Record::Agreement(after)) =
            change.edits.first().and_then(|edit| edit.after.as_ref())
        {
            let mut problems = Vec::new();
            crate::domain::validate::check_agreement(after, &mut problems);
            problems.retain(|p| p.field.starts_with("assessments"));
            problems_on_fields(
                problems,
                |field| match field {
                    "assessments.benefit_region" => FieldId::BenefitRegion,
                    "assessments.benefit_partner" => FieldId::BenefitPartner,
                    "assessments.fit" => FieldId::Fit,
                    "assessments.on" => FieldId::AssessedOn,
                    _ => FieldId::PoliticalNote,
                },
                e,
            );
        }
        on?;
        Some(change)
    }
}
