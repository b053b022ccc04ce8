//! A save refused because someone else changed the record first: what they changed, field by
//! field, in words (names and labels, not ids), and the record as the store holds it now.

use crate::domain::Agreement;
use crate::domain::text::display_safe;
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::agreement::contact_line;
use super::field::date_text;

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    pub message: String,
    pub lines: Vec<String>,
    /// The record as the store holds it now, with its version (None: it was deleted).
    pub current: Option<(u64, Agreement)>,
}

/// What differs between the agreement the form started from and the store's, one line each.
pub fn differences(ctx: &Ctx, mine: &Agreement, theirs: &Agreement) -> Vec<String> {
    let lang = ctx.lang;
    let c = &ctx.catalog;
    let mut out = Vec::new();
    let mut diff = |what: T, a: String, b: String| {
        if a != b {
            out.push(format!("{}: {a} → {b}", what.in_lang(lang)));
        }
    };
    let region = |id: &str| c.region(id).map_or(id.to_string(), |r| r.name.clone());
    let partner = |id: &str| c.partner(id).map_or(id.to_string(), |p| p.name.clone());
    let stage = |id: &str| {
        c.stage(id).map_or(id.to_string(), |s| {
            lang.pick(&s.label_id, &s.label_en).to_string()
        })
    };
    let today = ctx.today;
    let tags = |a: &Agreement| {
        a.tags_on(today)
            .map(|t| {
                c.tag(t).map_or(t.to_string(), |x| {
                    lang.pick(&x.label_id, &x.label_en).to_string()
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    diff(T::Region, region(&mine.region), region(&theirs.region));
    diff(T::Partner, partner(&mine.partner), partner(&theirs.partner));
    diff(
        T::Kind,
        text::kind(mine.kind, lang).to_string(),
        text::kind(theirs.kind, lang).to_string(),
    );
    diff(
        T::Status,
        text::status(mine.status_on(today), lang).to_string(),
        text::status(theirs.status_on(today), lang).to_string(),
    );
    diff(T::Stage, stage(&mine.stage), stage(&theirs.stage));
    diff(T::Signed, date_text(mine.signed), date_text(theirs.signed));
    diff(
        T::Expires,
        date_text(mine.expires),
        date_text(theirs.expires),
    );
    diff(T::Fields, mine.fields.join(", "), theirs.fields.join(", "));
    let contacts = |a: &Agreement| {
        a.contacts
            .iter()
            .map(contact_line)
            .collect::<Vec<_>>()
            .join(" | ")
    };
    diff(T::Contacts, contacts(mine), contacts(theirs));
    let clip = |s: &str| -> String {
        let one: String = s.chars().take(60).collect();
        if s.chars().count() > 60 {
            format!("{one}…")
        } else {
            one
        }
    };
    diff(T::Notes, clip(&mine.notes), clip(&theirs.notes));
    diff(T::Obstacles, tags(mine), tags(theirs));
    diff(
        T::Renewals,
        mine.renewals.len().to_string(),
        theirs.renewals.len().to_string(),
    );
    out.iter().map(|l| display_safe(l).into_owned()).collect()
}
