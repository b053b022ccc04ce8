//! The agreement form (`n`, `e`): region and partner by completion, a new partner with its
//! country, kind, status (with the day a changed status holds from), stage, dates, fields,
//! one contact on each side, notes.

use crate::domain::edits::{agreement_change, set_status, split_list, unique_slug};
use crate::domain::{
    Agreement, AgreementKind, Contact, Partner, RegionLevel, Side, Status, StatusChange,
};
use crate::i18n::Lang;
use crate::i18n::text::{self, T};

use super::super::model::Ctx;
use super::field::{
    FieldId, Source, choice_field, date_field, enum_options, long_field, lookup_field, parse_enum,
    text_field,
};
use super::{Evaluation, Form, Kind, expiry_after_signing, problems_on_fields};
use crate::domain::validate::{NAME_MAX, TEXT_MAX};
use crate::store::interchange::enum_name;

#[derive(Debug, Clone, PartialEq)]
pub struct AgreementForm {
    /// The agreement edited, with its version; `None` for a new one.
    pub original: Option<(Agreement, u64)>,
}

fn fields(ctx: &Ctx, a: &Agreement) -> Vec<super::field::Field> {
    let lang = ctx.lang;
    let catalog = &ctx.catalog;
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
        T::FieldCountryNew.in_lang(lang),
        "",
        NAME_MAX,
    );
    country.enabled = partner.is_none();
    let place = catalog
        .partner(&a.partner)
        .and_then(|p| p.coordinates)
        .map(crate::domain::geo::format_coordinates)
        .unwrap_or_default();
    vec![
        lookup_field(
            FieldId::Region,
            T::Region.in_lang(lang),
            Source::Regions,
            region,
        )
        .required(),
        lookup_field(
            FieldId::Partner,
            T::Partner.in_lang(lang),
            Source::Partners,
            partner,
        )
        .required(),
        country.required(),
        text_field(
            FieldId::PartnerPlace,
            T::FieldPartnerPlace.in_lang(lang),
            &place,
            NAME_MAX,
        ),
        choice_field(
            FieldId::Kind,
            T::Kind.in_lang(lang),
            enum_options(&AgreementKind::ALL, |k| text::kind(k, lang)),
            &enum_name(&a.kind),
        ),
        choice_field(
            FieldId::Status,
            T::Status.in_lang(lang),
            enum_options(&Status::ALL, |s| text::status(s, lang)),
            &enum_name(&a.status_on(ctx.today)),
        ),
        date_field(
            FieldId::StatusSince,
            T::StatusSince.in_lang(lang),
            Some(ctx.today),
        ),
        choice_field(FieldId::Stage, T::Stage.in_lang(lang), stages, &a.stage),
        date_field(FieldId::Signed, T::Signed.in_lang(lang), a.signed),
        date_field(FieldId::Expires, T::Expires.in_lang(lang), a.expires),
        text_field(
            FieldId::Fields,
            T::FieldFieldsList.in_lang(lang),
            &a.fields.join(", "),
            TEXT_MAX,
        ),
        text_field(
            FieldId::ContactOurs,
            T::FieldContactOurs.in_lang(lang),
            &contact(Side::Indonesia),
            NAME_MAX * 4,
        ),
        text_field(
            FieldId::ContactTheirs,
            T::FieldContactTheirs.in_lang(lang),
            &contact(Side::Partner),
            NAME_MAX * 4,
        ),
        long_field(FieldId::Notes, T::Notes.in_lang(lang), &a.notes),
    ]
}

/// A form for a new agreement, in `region` (if any).
pub fn new(ctx: &Ctx, region: Option<&str>) -> Form {
    let catalog = &ctx.catalog;
    let region = region.filter(|r| ctx.access.covers(catalog, r));
    let stage = catalog.stages.first().map_or("", |s| s.id.as_str());
    let mut blank = Agreement::new(0, region.unwrap_or_default(), "", stage);
    // A province's own agreements are usually sister-province ones.
    if region
        .and_then(|r| catalog.region(r))
        .is_some_and(|r| r.level == RegionLevel::Province)
    {
        blank.kind = AgreementKind::SisterProvince;
    }
    let fields = fields(ctx, &blank);
    // Start where typing is needed: the partner when the region is known.
    Form::build(
        Kind::Agreement(AgreementForm { original: None }),
        T::NewAgreement.in_lang(ctx.lang).to_string(),
        fields,
        usize::from(region.is_some()),
        ctx.lang,
    )
}

pub fn edit(ctx: &Ctx, a: &Agreement, version: u64) -> Form {
    let title = format!("{} {}", T::EditTitle.in_lang(ctx.lang), ctx.name_of(a.id));
    Form::build(
        Kind::Agreement(AgreementForm {
            original: Some((a.clone(), version)),
        }),
        title,
        fields(ctx, a),
        4,
        ctx.lang,
    )
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

fn parse_contact(text: &str, side: Side, lang: Lang) -> Result<Option<Contact>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() > 4 {
        return Err(T::ContactTooManyParts.in_lang(lang).to_string());
    }
    let get = |i: usize| parts.get(i).copied().unwrap_or_default().to_string();
    if get(0).is_empty() {
        return Err(T::ContactNameEmpty.in_lang(lang).to_string());
    }
    let email = get(2);
    if !email.is_empty() && !email.contains('@') {
        return Err(text::not_an_email(&email, lang));
    }
    Ok(Some(Contact {
        side,
        name: get(0),
        role: get(1),
        email,
        phone: get(3),
    }))
}

impl AgreementForm {
    pub fn evaluate(
        &self,
        form: &Form,
        ctx: &Ctx,
        e: &mut Evaluation,
    ) -> Option<crate::domain::Change> {
        let lang = ctx.lang;
        let catalog = &ctx.catalog;
        let signed = form.date(FieldId::Signed, ctx, e);
        let expires = form.date(FieldId::Expires, ctx, e);
        expiry_after_signing(signed, expires, FieldId::Expires, lang, e);
        let region = form
            .field(FieldId::Region)
            .and_then(|f| f.chosen())
            .map(str::to_string);
        let typed_region = form.text(FieldId::Region).trim();
        if region.is_none() && !typed_region.is_empty() {
            e.error(FieldId::Region, text::no_such_region(typed_region, lang));
        }
        if let Some(r) = &region
            && !ctx.access.covers(catalog, r)
        {
            e.error(
                FieldId::Region,
                text::out_of_scope(catalog.region(r).map_or(r.as_str(), |x| &x.name), lang),
            );
        }
        let partner_name = form.text(FieldId::Partner).trim().to_string();
        let place_text = form.text(FieldId::PartnerPlace);
        let place = match crate::domain::geo::parse_coordinates(place_text) {
            Ok(at) => at,
            Err(_) => {
                e.error(
                    FieldId::PartnerPlace,
                    text::bad_coordinates(place_text.trim(), lang),
                );
                None
            }
        };
        // A known partner whose place was typed or corrected: the partner record changes too.
        let mut moved_partner = None;
        let mut new_partner = None;
        let partner = match form.field(FieldId::Partner).and_then(|f| f.chosen()) {
            Some(id) => {
                if let Some(p) = catalog.partner(id) {
                    let country = crate::domain::countries::display(&p.country, lang);
                    e.notes.push((FieldId::Partner, country.into_owned()));
                    if p.coordinates != place {
                        let mut moved = p.clone();
                        moved.coordinates = place;
                        moved_partner = Some((p.clone(), moved));
                    }
                }
                Some(id.to_string())
            }
            None if partner_name.is_empty() => None,
            None => {
                let country = form.text(FieldId::Country).trim().to_string();
                e.notes.push((
                    FieldId::Partner,
                    T::NewPartnerNote.in_lang(lang).to_string(),
                ));
                let id = unique_slug(&partner_name, |s| catalog.partner(s).is_some(), "partner");
                new_partner = Some(Partner {
                    id: id.clone(),
                    name: partner_name.clone(),
                    country,
                    level: String::new(),
                    aliases: Vec::new(),
                    coordinates: place,
                });
                Some(id)
            }
        };
        let mut contacts: Vec<Contact> = Vec::new();
        for (id, side) in [
            (FieldId::ContactOurs, Side::Indonesia),
            (FieldId::ContactTheirs, Side::Partner),
        ] {
            match parse_contact(form.text(id), side, lang) {
                Ok(Some(c)) => contacts.push(c),
                Ok(None) => {}
                Err(err) => e.error(id, err),
            }
        }
        let original = self.original.as_ref();
        if let Some((o, _)) = original {
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
        let kind: AgreementKind = parse_enum(form.text(FieldId::Kind))?;
        let status: Status = parse_enum(form.text(FieldId::Status))?;
        let since = form.date(FieldId::StatusSince, ctx, e).unwrap_or(ctx.today);
        if since > ctx.today {
            e.error(
                FieldId::StatusSince,
                text::not_after(&crate::domain::dates::format_date(ctx.today), lang),
            );
        }
        let mut agreement = Agreement {
            id: original.map_or(0, |(o, _)| o.id),
            region: region?,
            partner: partner?,
            kind,
            statuses: original
                .map(|(o, _)| o.statuses.clone())
                .unwrap_or_default(),
            stage: form.text(FieldId::Stage).to_string(),
            signed,
            expires,
            renewals: original
                .map(|(o, _)| o.renewals.clone())
                .unwrap_or_default(),
            fields: split_list(form.text(FieldId::Fields)),
            contacts,
            notes: form.text(FieldId::Notes).to_string(),
            obstacles: original
                .map(|(o, _)| o.obstacles.clone())
                .unwrap_or_default(),
            reporting: original
                .map(|(o, _)| o.reporting.clone())
                .unwrap_or_default(),
            assessments: original
                .map(|(o, _)| o.assessments.clone())
                .unwrap_or_default(),
        };
        match original {
            // A status chosen in the form is recorded from its day; one left as it was is
            // left to follow from the dates typed.
            Some((o, _)) if o.status_on(ctx.today) != status => {
                set_status(&mut agreement, status, since)
            }
            Some(_) => {}
            // A new agreement records the day it was proposed, so that a replay of an
            // earlier day does not show it.
            None if status == Status::Proposed && signed.is_none() => {
                agreement.statuses.push(StatusChange { status, on: since })
            }
            None => set_status(&mut agreement, status, since),
        }
        let mut problems = Vec::new();
        crate::domain::validate::check_agreement(&agreement, &mut problems);
        if let Some(p) = &new_partner {
            crate::domain::validate::check_partner(p, &mut problems);
        }
        if let Some((_, p)) = &moved_partner {
            crate::domain::validate::check_partner(p, &mut problems);
        }
        problems_on_fields(
            problems,
            |field| match field {
                "signed" => FieldId::Signed,
                "expires" => FieldId::Expires,
                "fields" => FieldId::Fields,
                "notes" => FieldId::Notes,
                "country" => FieldId::Country,
                "coordinates" => FieldId::PartnerPlace,
                "name" => FieldId::Partner,
                f if f.starts_with("contacts") => FieldId::ContactOurs,
                _ => FieldId::Notes,
            },
            e,
        );
        if !e.errors.is_empty() {
            return None;
        }
        let mut change = agreement_change(original.map(|(o, v)| (o, *v)), agreement, new_partner);
        if let Some((before, after)) = moved_partner {
            use crate::domain::{Edit, Record};
            change.edits.push(Edit::update(
                Record::Partner(before),
                Record::Partner(after),
            ));
        }
        Some(change)
    }
}
