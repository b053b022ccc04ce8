//! The region form (`E`): a province's, regency's or city's seat of government, where the map
//! marks the region and draws its lines to the partners from.
//!
//! Only the seat is offered: a region's names are what search, reports and registers go by,
//! and its level and province are the country's structure, which the store changes only with
//! the whole store (an export corrected and imported with `--replace`).

use crate::domain::Region;
use crate::domain::edits::seat_change;
use crate::domain::geo::{format_coordinates, parse_coordinates};
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{FieldId, text_field};
use super::{Evaluation, Form, Kind};

/// Room for "-90.000000, -180.000000" and a mistyped value to be shown back in full.
const SEAT_MAX: usize = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct RegionForm {
    /// The region as the form found it, the base its change is checked against.
    pub original: Region,
}

pub fn edit(ctx: &Ctx, region: &Region) -> Form {
    let lang = ctx.lang;
    let seat = region
        .coordinates
        .map(format_coordinates)
        .unwrap_or_default();
    let fields = vec![text_field(
        FieldId::Seat,
        T::FieldSeat.in_lang(lang),
        &seat,
        SEAT_MAX,
    )];
    let mut form = Form::build(
        Kind::Region(RegionForm {
            original: region.clone(),
        }),
        format!("{} · {}", T::SeatTitle.in_lang(lang), region.official_name),
        fields,
        0,
        lang,
    );
    form.check_now(ctx);
    form
}

impl RegionForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let lang = ctx.lang;
        let typed = form.text(FieldId::Seat);
        e.notes
            .push((FieldId::Seat, T::SeatNote.in_lang(lang).to_string()));
        let seat = match parse_coordinates(typed) {
            Ok(at) => at,
            Err(_) => {
                e.error(FieldId::Seat, text::bad_coordinates(typed.trim(), lang));
                return None;
            }
        };
        if !ctx.access.covers(ctx.catalog.as_ref(), &self.original.id) {
            e.error(FieldId::Seat, text::out_of_scope(&self.original.name, lang));
            return None;
        }
        Some(seat_change(&self.original, seat))
    }

    /// Someone else changed the region since the form opened: theirs becomes the base, and
    /// what was typed stays for the next save.
    pub fn rebase(&mut self, theirs: Region) {
        self.original = theirs;
    }
}
