//! The renewal form (`R`): the new MoU's dates; the old term goes to the history and the
//! renewal onto the timeline.

use crate::domain::Agreement;
use crate::domain::edits::renewal_change;
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{FieldId, date_field, long_field};
use super::{Evaluation, Form, Kind, expiry_after_signing};

#[derive(Debug, Clone, PartialEq)]
pub struct RenewalForm {
    pub original: Agreement,
    pub version: u64,
}

pub fn new(ctx: &Ctx, a: &Agreement, version: u64) -> Form {
    let lang = ctx.lang;
    let title = format!("{} {}", T::RenewTitle.in_lang(lang), ctx.name_of(a.id));
    let fields = vec![
        date_field(
            FieldId::RenewSigned,
            T::Signed.in_lang(lang),
            Some(ctx.today),
        )
        .required(),
        date_field(FieldId::RenewExpires, T::Expires.in_lang(lang), None),
        long_field(FieldId::RenewNote, T::Note.in_lang(lang), ""),
    ];
    Form::build(
        Kind::Renewal(RenewalForm {
            original: a.clone(),
            version,
        }),
        title,
        fields,
        1,
        lang,
    )
}

impl RenewalForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let signed = form.date(FieldId::RenewSigned, ctx, e);
        let expires = form.date(FieldId::RenewExpires, ctx, e);
        expiry_after_signing(signed, expires, FieldId::RenewExpires, ctx.lang, e);
        if let (Some(s), Some(old)) = (signed, self.original.signed)
            && s <= old
        {
            e.error(
                FieldId::RenewSigned,
                text::after_term_in_force(old, ctx.lang),
            );
        }
        let signed = signed?;
        Some(renewal_change(
            &self.original,
            self.version,
            signed,
            expires,
            form.text(FieldId::RenewNote),
        ))
    }
}
