//! The one-paragraph summary of an agreement that `y` copies, for pasting into minutes and
//! messages during a meeting.

use chrono::NaiveDate;

use crate::domain::health::days_since_last;
use crate::domain::text::display_safe;
use crate::domain::{Agreement, Catalog};
use crate::i18n::Lang;
use crate::i18n::text;

pub fn agreement_summary(c: &Catalog, a: &Agreement, today: NaiveDate, lang: Lang) -> String {
    let region = c
        .region(&a.region)
        .map(|r| r.official_name.as_str())
        .unwrap_or(&a.region);
    let partner = c.partner(&a.partner);
    let partner_name = partner.map(|p| p.name.as_str()).unwrap_or(&a.partner);
    let country = partner
        .map(|p| crate::domain::countries::display(&p.country, lang))
        .unwrap_or_default();
    let stage = c
        .stage(&a.stage)
        .map(|s| lang.pick(&s.label_id, &s.label_en))
        .unwrap_or(&a.stage);
    let date =
        |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let summary = c.summary(a.id);
    let last = summary.and_then(|s| s.last_by(today));
    let count = summary.map(|s| s.count()).unwrap_or(0);
    let obstacles: Vec<&str> = a
        .tags_on(today)
        .map(|t| {
            c.tag(t)
                .map(|t| lang.pick(&t.label_id, &t.label_en))
                .unwrap_or(t)
        })
        .collect();
    let quiet = days_since_last(summary, today);
    let text = match lang {
        Lang::En => format!(
            "{region} – {partner_name} ({country}): {kind}, status {status}, stage {stage}. \
             MoU signed {signed}, expires {expires}{renewals}. Fields: {fields}. \
             {activities}, the last on {last}{quiet}. Obstacles: {obstacles}.",
            kind = text::kind(a.kind, lang),
            status = text::status(a.status_on(today), lang),
            signed = date(a.signed),
            expires = date(a.expires),
            renewals = match a.renewals.len() {
                0 => String::new(),
                1 => " (1 earlier term)".to_string(),
                n => format!(" ({n} earlier terms)"),
            },
            fields = none_if_empty(&a.fields.join(", "), "none"),
            activities = match count {
                1 => "1 activity recorded".to_string(),
                n => format!("{n} activities recorded"),
            },
            last = date(last),
            quiet = quiet
                .map(|d| format!(" ({})", text::days_ago(d, lang)))
                .unwrap_or_default(),
            obstacles = none_if_empty(&obstacles.join(", "), "none"),
        ),
        Lang::Id => format!(
            "{region} – {partner_name} ({country}): {kind}, status {status}, tahap {stage}. \
             MoU ditandatangani {signed}, berakhir {expires}{renewals}. Bidang: {fields}. \
             {count} kegiatan tercatat, terakhir {last}{quiet}. Hambatan: {obstacles}.",
            kind = text::kind(a.kind, lang),
            status = text::status(a.status_on(today), lang),
            signed = date(a.signed),
            expires = date(a.expires),
            renewals = if a.renewals.is_empty() {
                String::new()
            } else {
                format!(" ({} masa MoU sebelumnya)", a.renewals.len())
            },
            fields = none_if_empty(&a.fields.join(", "), "tidak ada"),
            last = date(last),
            quiet = quiet
                .map(|d| format!(" ({})", text::days_ago(d, lang)))
                .unwrap_or_default(),
            obstacles = none_if_empty(&obstacles.join(", "), "tidak ada"),
        ),
    };
    display_safe(&text).into_owned()
}

fn none_if_empty<'a>(text: &'a str, none: &'a str) -> &'a str {
    if text.is_empty() { none } else { text }
}
