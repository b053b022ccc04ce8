//! The brief for the meeting that decides an agreement's renewal or revitalization: what a
//! provincial cooperation bureau brings to the ministry. The partnership and its terms; where
//! it stands as of the day (stage, status, triage's reasons); the fields of cooperation
//! actually pursued, with a suggested focus for the new MoU; the assessment (kajian) of the
//! four principles and mutual benefit; achievements; obstacles; reports; open follow-ups.
//!
//! A brief is built once (pure: records and the timeline in, words in the reader's language
//! out) and written as Markdown or as a workbook (`brief/xlsx.rs`) from the same sections.

pub mod xlsx;

use chrono::NaiveDate;

use crate::domain::kajian;
use crate::domain::pursuit::{self, Focus, PURSUIT_YEARS};
use crate::domain::text::{display_safe, fold_for_search};
use crate::domain::triage::{self, Reason};
use crate::domain::{
    Activity, Agreement, AgreementId, Assessment, Catalog, HealthRules, Principle, Side, countries,
};
use crate::i18n::Lang;
use crate::i18n::text::{self, T};

/// One cell of a brief's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(Option<NaiveDate>),
    Number(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// As Markdown shows it.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(t) if t.is_empty() => "—".into(),
            Cell::Text(t) => t.clone(),
            Cell::Date(Some(d)) => d.to_string(),
            Cell::Date(None) => "—".into(),
            Cell::Number(n) => number(*n),
        }
    }
}

/// A number as people write it: whole numbers without decimals, others with up to two.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An amount as the reader's language writes it: `1,200,000.5` or `1.200.000,5`.
pub fn amount(n: f64, lang: Lang) -> String {
    let plain = number(n);
    let (whole, fraction) = match plain.split_once('.') {
        Some((w, f)) => (w.to_string(), Some(f.to_string())),
        None => (plain.clone(), None),
    };
    let (group, decimal) = match lang {
        Lang::En => (',', '.'),
        Lang::Id => ('.', ','),
    };
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            out.push(group);
        }
        out.push(*c);
    }
    if let Some(f) = fraction {
        out.push(decimal);
        out.push_str(&f);
    }
    out
}

/// What a section holds, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Label and value pairs.
    Facts(Vec<(String, Cell)>),
    /// A table; `empty` is said instead when it has no rows.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
        empty: String,
    },
    /// A list of sentences.
    Bullets(Vec<String>),
    /// A paragraph.
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_each_language() {
        assert_eq!(amount(1_200_000.0, Lang::En), "1,200,000");
        assert_eq!(amount(1_200_000.5, Lang::Id), "1.200.000,5");
        assert_eq!(amount(999.0, Lang::En), "999");
        assert_eq!(amount(1000.25, Lang::En), "1,000.25");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.126), "0.13");
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    /// The workbook sheet's name (at most 31 characters).
    pub sheet: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub lang: Lang,
    pub agreement: AgreementId,
    /// "Jawa Tengah – Queensland".
    pub name: String,
    pub title: String,
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
}

/// The agreements a query names: its id, or every one whose names contain each word of
/// the query (region with its short forms and province, partner with its other names,
/// country in both languages, and the config's aliases for regions).
pub fn matching(
    catalog: &Catalog,
    query: &str,
    aliases: &std::collections::BTreeMap<String, String>,
) -> Vec<AgreementId> {
    let query = query.trim();
    if let Ok(id) = query.parse::<AgreementId>()
        && catalog.agreement(id).is_some()
    {
        return vec![id];
    }
    let words: Vec<String> = fold_for_search(query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let region_terms = |id: &str| -> Vec<String> {
        let mut terms = Vec::new();
        if let Some(r) = catalog.region(id) {
            terms.push(r.name.clone());
            terms.push(r.official_name.clone());
            terms.extend(r.short_names.iter().cloned());
        }
        terms.extend(
            aliases
                .iter()
                .filter(|(_, region)| region.as_str() == id)
                .map(|(alias, _)| alias.clone()),
        );
        terms
    };
    let mut found: Vec<AgreementId> = catalog
        .agreements
        .iter()
        .filter(|a| {
            let mut terms = region_terms(&a.region);
            if let Some(p) = catalog.region(&a.region).and_then(|r| r.province.clone()) {
                terms.extend(region_terms(&p));
            }
            if let Some(p) = catalog.partner(&a.partner) {
                terms.push(p.name.clone());
                terms.extend(p.aliases.iter().cloned());
                terms.push(countries::display(&p.country, Lang::En).into_owned());
                terms.push(countries::display(&p.country, Lang::Id).into_owned());
            }
            let haystack = fold_for_search(&terms.join(" | "));
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .map(|a| a.id)
        .collect();
    found.sort_unstable();
    found
}

/// The agreement's name as the brief and the messages write it, with the partner's country.
pub fn long_name(catalog: &Catalog, a: &Agreement, lang: Lang) -> String {
    let country = catalog
        .partner(&a.partner)
        .map(|p| countries::display(&p.country, lang).into_owned())
        .unwrap_or_default();
    format!(
        "{} – {} ({country})",
        catalog.region_name(a),
        catalog.partner_name(a)
    )
}

fn focus_word(f: Option<Focus>, lang: Lang) -> &'static str {
    match f {
        Some(Focus::Keep) => lang.pick("pertahankan", "keep"),
        Some(Focus::Drop) => lang.pick("hapus", "drop"),
        Some(Focus::Add) => lang.pick("tambahkan", "add"),
        None => "",
    }
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        lang.pick("ya", "yes")
    } else {
        lang.pick("tidak", "no")
    }
}

fn reason_text(catalog: &Catalog, r: &Reason, lang: Lang) -> String {
    let t = match r {
        Reason::Obstacle { tag } => {
            let label = catalog
                .tag(tag)
                .map(|t| lang.pick(&t.label_id, &t.label_en))
                .unwrap_or(tag);
            text::reason(
                &Reason::Obstacle {
                    tag: label.to_string(),
                },
                lang,
            )
        }
        other => text::reason(other, lang),
    };
    display_safe(&t).into_owned()
}

impl Brief {
    /// The brief of agreement `id` as of `today`, from `catalog` (the records as they stood
    /// that day) and its timeline (activities after `today` are left out).
    pub fn build(
        catalog: &Catalog,
        id: AgreementId,
        activities: &[Activity],
        today: NaiveDate,
        rules: &HealthRules,
        lang: Lang,
    ) -> Option<Brief> {
        let a = catalog.agreement(id)?;
        let t = |id: &'static str, en: &'static str| lang.pick(id, en);
        let name = format!("{} – {}", catalog.region_name(a), catalog.partner_name(a));
        let mut activities: Vec<&Activity> =
            activities.iter().filter(|v| v.date <= today).collect();
        activities.sort_by_key(|v| (v.date, v.id));
        let summary = catalog.summary(id);
        let x = triage::assess_with(
            &catalog.stages,
            a,
            summary,
            catalog.attention.get(&id),
            today,
            rules,
        );
        let mut sections = vec![
            partnership(catalog, a, lang),
            history(a, &activities, today, lang),
        ];

        // Where it stands.
        let mut blocks = vec![Block::Facts(vec![
            (
                t("Tahap", "Stage").into(),
                Cell::text(
                    catalog
                        .stage(&a.stage)
                        .map_or(a.stage.as_str(), |s| lang.pick(&s.label_id, &s.label_en)),
                ),
            ),
            (
                t("Status", "Status").into(),
                Cell::text(text::status(a.status_on(today), lang)),
            ),
            (
                t("Tingkat perhatian", "Severity").into(),
                Cell::Number(f64::from(x.severity)),
            ),
            (
                t("Rekomendasi", "Recommendation").into(),
                Cell::text(text::recommendation(x.recommendation, lang)),
            ),
            (
                t("Keputusan rapat", "Decision").into(),
                Cell::text(x.decision.map_or("", |d| text::decided(d, lang))),
            ),
        ])];
        let reasons: Vec<String> = x
            .reasons
            .iter()
            .map(|r| reason_text(catalog, r, lang))
            .collect();
        blocks.push(if reasons.is_empty() {
            Block::Text(t("Tidak ada alasan perhatian.", "Nothing needs attention.").into())
        } else {
            Block::Bullets(reasons)
        });
        sections.push(Section {
            title: t("Kedudukan", "Where it stands").into(),
            sheet: t("Kedudukan", "Standing").into(),
            blocks,
        });

        let timeline: Vec<Activity> = activities.iter().map(|v| (*v).clone()).collect();
        sections.push(fields(a, summary, &timeline, today, lang));
        sections.push(assessment(a, today, lang));
        sections.push(achievements(&activities, today, lang));
        sections.push(obstacles(catalog, a, x.derived_late_reports, lang));
        sections.push(reports(a, today, lang));
        sections.push(follow_ups(catalog, id, today, lang));

        Some(Brief {
            lang,
            agreement: id,
            title: format!(
                "{}: {}",
                t("Bahan rapat", "Brief"),
                long_name(catalog, a, lang)
            ),
            name,
            as_of: today,
            sections,
        })
    }

    /// The brief in Markdown.
    pub fn markdown(&self) -> String {
        let lang = self.lang;
        let mut out = String::new();
        out.push_str(&format!("# {}\n\n", md(&self.title)));
        out.push_str(&format!(
            "{} {}. {}\n",
            lang.pick("Keadaan per", "As of"),
            self.as_of,
            lang.pick(
                "Disusun oleh kembar dari catatan per tanggal itu.",
                "Prepared by kembar from the records as they stood that day."
            )
        ));
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n", md(&s.title)));
            for b in &s.blocks {
                out.push('\n');
                match b {
                    Block::Facts(facts) => {
                        for (label, value) in facts {
                            out.push_str(&format!(
                                "- **{}:** {}\n",
                                md(label),
                                md(&value.shown().replace('\n', " / "))
                            ));
                        }
                    }
                    Block::Table {
                        headers,
                        rows,
                        empty,
                    } => {
                        if rows.is_empty() {
                            out.push_str(&format!("{}\n", md(empty)));
                            continue;
                        }
                        out.push_str(&format!(
                            "| {} |\n",
                            headers
                                .iter()
                                .map(|h| md(h))
                                .collect::<Vec<_>>()
                                .join(" | ")
                        ));
                        out.push_str(&format!(
                            "|{}\n",
                            headers.iter().map(|_| "---|").collect::<String>()
                        ));
                        for row in rows {
                            out.push_str(&format!(
                                "| {} |\n",
                                row.iter()
                                    .map(|c| md(&c.shown().replace('\n', " / ")))
                                    .collect::<Vec<_>>()
                                    .join(" | ")
                            ));
                        }
                    }
                    Block::Bullets(items) => {
                        for item in items {
                            out.push_str(&format!("- {}\n", md(item)));
                        }
                    }
                    Block::Text(p) => out.push_str(&format!("{}\n", md(p))),
                }
            }
        }
        out
    }
}

fn md(text: &str) -> String {
    display_safe(text).replace('|', "\\|")
}

fn partnership(catalog: &Catalog, a: &Agreement, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let region = catalog.region(&a.region);
    let partner = catalog.partner(&a.partner);
    let mut facts = vec![(
        t("Daerah", "Region").into(),
        Cell::text(region.map_or(a.region.as_str(), |r| r.official_name.as_str())),
    )];
    if let Some(p) = region
        .and_then(|r| r.province.as_deref())
        .and_then(|p| catalog.region(p))
    {
        facts.push((t("Provinsi", "Province").into(), Cell::text(&p.name)));
    }
    facts.push((
        t("Mitra", "Partner").into(),
        Cell::text(match partner {
            Some(p) if !p.aliases.is_empty() => format!("{} ({})", p.name, p.aliases.join(", ")),
            Some(p) => p.name.clone(),
            None => a.partner.clone(),
        }),
    ));
    facts.push((
        t("Negara", "Country").into(),
        Cell::text(partner.map_or(String::new(), |p| {
            countries::display(&p.country, lang).into_owned()
        })),
    ));
    facts.push((
        t("Jenis", "Kind").into(),
        Cell::text(text::kind(a.kind, lang)),
    ));
    facts.push((
        t("MoU berlaku: ditandatangani", "MoU in force: signed").into(),
        Cell::Date(a.signed),
    ));
    facts.push((t("berakhir", "expires").into(), Cell::Date(a.expires)));
    facts.push((
        t("Bidang kerja sama MoU", "Fields of the MoU").into(),
        Cell::text(a.fields.join(", ")),
    ));
    for side in [Side::Indonesia, Side::Partner] {
        let people: Vec<String> = a
            .contacts
            .iter()
            .filter(|c| c.side == side)
            .map(|c| {
                let mut s = c.name.clone();
                for part in [&c.role, &c.email, &c.phone] {
                    if !part.is_empty() {
                        s.push_str(&format!("; {part}"));
                    }
                }
                s
            })
            .collect();
        let label = match side {
            Side::Indonesia => t("Narahubung daerah", "Our contacts"),
            Side::Partner => t("Narahubung mitra", "Partner's contacts"),
        };
        facts.push((label.into(), Cell::text(people.join("\n"))));
    }
    if !a.notes.trim().is_empty() {
        facts.push((t("Catatan", "Notes").into(), Cell::text(a.notes.trim())));
    }
    Section {
        title: t("Kerja sama", "The partnership").into(),
        sheet: t("Kerja sama", "Partnership").into(),
        blocks: vec![Block::Facts(facts)],
    }
}

fn history(a: &Agreement, activities: &[&Activity], today: NaiveDate, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let terms: Vec<_> = a.terms().collect();
    let notes: Vec<&str> = a.renewals.iter().map(|r| r.note.as_str()).collect();
    let rows = terms
        .iter()
        .enumerate()
        .map(|(i, term)| {
            let current = i + 1 == terms.len() && (a.signed.is_some() || a.expires.is_some());
            let assessed = term
                .signed
                .and_then(|s| kajian::for_term(a, s))
                .map(|x| x.on);
            vec![
                Cell::Number((i + 1) as f64),
                Cell::Date(term.signed),
                Cell::Date(term.expires),
                Cell::text(if current {
                    t("berlaku", "in force")
                } else if term.ended_by(today) {
                    t("berakhir", "ended")
                } else {
                    t("sebelumnya", "earlier")
                }),
                Cell::Date(assessed),
                Cell::text(notes.get(i).copied().unwrap_or("")),
            ]
        })
        .collect();
    let since = pursuit::window_start(today);
    let recent = activities.iter().filter(|v| v.date >= since).count();
    Section {
        title: t("Riwayat dan masa berlaku", "History and terms").into(),
        sheet: t("Riwayat", "History").into(),
        blocks: vec![
            Block::Table {
                headers: vec![
                    t("Masa", "Term").into(),
                    t("Ditandatangani", "Signed").into(),
                    t("Berakhir", "Expires").into(),
                    t("Keadaan", "State").into(),
                    t("Kajian", "Assessed").into(),
                    t("Catatan", "Note").into(),
                ],
                rows,
                empty: t("Belum ada MoU yang ditandatangani.", "No MoU signed yet.").into(),
            },
            Block::Facts(vec![
                (
                    t("Kegiatan tercatat", "Activities recorded").into(),
                    Cell::Number(activities.len() as f64),
                ),
                (
                    match lang {
                        Lang::Id => format!("dalam {PURSUIT_YEARS} tahun terakhir"),
                        Lang::En => format!("in the last {PURSUIT_YEARS} years"),
                    },
                    Cell::Number(recent as f64),
                ),
                (
                    t("Kegiatan pertama", "First activity").into(),
                    Cell::Date(activities.first().map(|v| v.date)),
                ),
                (
                    t("Kegiatan terakhir", "Last activity").into(),
                    Cell::Date(activities.last().map(|v| v.date)),
                ),
            ]),
        ],
    }
}

fn fields(
    a: &Agreement,
    summary: Option<&crate::domain::ActivitySummary>,
    timeline: &[Activity],
    today: NaiveDate,
    lang: Lang,
) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let p = pursuit::pursuit(a, summary, today).with_timeline(timeline);
    let rows = p
        .fields
        .iter()
        .map(|f| {
            vec![
                Cell::text(&f.field),
                Cell::text(yes_no(f.in_mou, lang)),
                Cell::Number(f64::from(f.recent)),
                Cell::Number(f64::from(f.total)),
                Cell::Date(f.last),
                Cell::text(if f.idle {
                    t("tidak berjalan", "idle")
                } else {
                    ""
                }),
                Cell::text(focus_word(f.focus, lang)),
            ]
        })
        .collect();
    let list = |focus: Focus| -> Cell {
        Cell::text(
            p.with_focus(focus)
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    let window = match lang {
        Lang::Id => format!(
            "Kegiatan dihitung {} s.d. {} ({PURSUIT_YEARS} tahun). Bidang MoU tanpa kegiatan \
             selama itu tidak berjalan (bila kerja sama sudah {PURSUIT_YEARS} tahun).",
            p.since, p.as_of
        ),
        Lang::En => format!(
            "Activities counted from {} to {} ({PURSUIT_YEARS} years). A field of the MoU \
             with none in that time is idle (once the partnership is {PURSUIT_YEARS} years \
             old).",
            p.since, p.as_of
        ),
    };
    Section {
        title: t("Bidang kerja sama yang berjalan", "Fields pursued").into(),
        sheet: t("Bidang", "Fields").into(),
        blocks: vec![
            Block::Text(window),
            Block::Table {
                headers: vec![
                    t("Bidang", "Field").into(),
                    t("Dalam MoU", "In the MoU").into(),
                    match lang {
                        Lang::Id => format!("Kegiatan {PURSUIT_YEARS} thn"),
                        Lang::En => format!("Activities, {PURSUIT_YEARS} yrs"),
                    },
                    t("Semua kegiatan", "All activities").into(),
                    t("Terakhir", "Last").into(),
                    t("Tanda", "Flag").into(),
                    t("Saran", "Suggestion").into(),
                ],
                rows,
                empty: t(
                    "MoU tidak mencantumkan bidang dan belum ada kegiatan menurut bidang.",
                    "The MoU names no fields and no activity named one.",
                )
                .into(),
            },
            Block::Facts(vec![
                (
                    t(
                        "Saran fokus MoU baru: pertahankan",
                        "Suggested focus of the new MoU: keep",
                    )
                    .into(),
                    list(Focus::Keep),
                ),
                (t("hapus", "drop").into(), list(Focus::Drop)),
                (t("tambahkan", "add").into(), list(Focus::Add)),
                (
                    t(
                        "Kegiatan tanpa bidang (5 thn)",
                        "Activities naming no field (5 yrs)",
                    )
                    .into(),
                    Cell::Number(f64::from(p.unfielded_recent.unwrap_or(0))),
                ),
            ]),
        ],
    }
}

fn principle_rows(x: &Assessment, lang: Lang) -> Vec<(String, Cell)> {
    let mut facts: Vec<(String, Cell)> = Principle::ALL
        .iter()
        .map(|p| {
            let j = x.judgement(*p);
            let label = match p {
                Principle::Political => T::Political,
                Principle::Juridical => T::Juridical,
                Principle::Technical => T::Technical,
                Principle::Security => T::Security,
            }
            .in_lang(lang)
            .to_string();
            let value = if j.note.is_empty() {
                text::verdict(j.verdict, lang).to_string()
            } else {
                format!("{}: {}", text::verdict(j.verdict, lang), j.note)
            };
            (label, Cell::text(value))
        })
        .collect();
    facts.push((
        lang.pick("Manfaat bagi daerah", "What the region gains")
            .into(),
        Cell::text(&x.benefit_region),
    ));
    facts.push((
        lang.pick("Manfaat bagi mitra", "What the partner gains")
            .into(),
        Cell::text(&x.benefit_partner),
    ));
    facts.push((
        lang.pick(
            "Kesesuaian dengan kewenangan, kebutuhan, potensi dan prioritas daerah",
            "Fit with the region's authority, needs, potential and priorities",
        )
        .into(),
        Cell::text(&x.fit),
    ));
    facts
}

fn assessment(a: &Agreement, today: NaiveDate, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let mut blocks = Vec::new();
    let next = kajian::for_next_signing(a, today);
    let shown = next.or_else(|| kajian::latest(a, today));
    match shown {
        Some(x) => {
            let what = if next.is_some() {
                t(
                    "Kajian untuk penandatanganan berikutnya",
                    "Assessment for the next signing",
                )
            } else {
                t(
                    "Belum ada kajian sejak MoU yang berlaku ditandatangani; kajian terakhir",
                    "No assessment since the MoU in force was signed; the last one",
                )
            };
            let mut facts = vec![
                (what.to_string(), Cell::Date(Some(x.on))),
                (
                    t("Kesimpulan", "Overall").into(),
                    Cell::text(text::verdict(kajian::overall(x), lang)),
                ),
            ];
            facts.extend(principle_rows(x, lang));
            blocks.push(Block::Facts(facts));
        }
        None => blocks.push(Block::Text(
            t(
                "Belum ada kajian (aman secara politis, yuridis, teknis dan keamanan; saling \
                 menguntungkan). Kajian dicatat dengan A di dasbor.",
                "No assessment yet (politically, juridically, technically and security safe; \
                 mutually beneficial). Record one with A in the dashboard.",
            )
            .into(),
        )),
    }
    let earlier: Vec<Vec<Cell>> = a
        .assessments
        .iter()
        .filter(|x| x.on <= today)
        .rev()
        .map(|x| {
            let mut row = vec![
                Cell::Date(Some(x.on)),
                Cell::text(text::verdict(kajian::overall(x), lang)),
            ];
            row.extend(
                Principle::ALL
                    .iter()
                    .map(|p| Cell::text(text::verdict(x.judgement(*p).verdict, lang))),
            );
            row
        })
        .collect();
    if earlier.len() > 1 {
        let mut headers = vec![
            t("Tanggal", "Date").into(),
            t("Kesimpulan", "Overall").into(),
        ];
        headers.extend(
            Principle::ALL
                .iter()
                .map(|p| text::principle(*p, lang).to_string()),
        );
        blocks.push(Block::Text(
            t("Riwayat kajian:", "Assessment history:").into(),
        ));
        blocks.push(Block::Table {
            headers,
            rows: earlier,
            empty: String::new(),
        });
    }
    Section {
        title: t(
            "Kajian: empat prinsip dan saling menguntungkan",
            "Assessment: the four principles and mutual benefit",
        )
        .into(),
        sheet: t("Kajian", "Assessment").into(),
        blocks,
    }
}

fn values_text(values: &[(String, f64)], lang: Lang) -> String {
    values
        .iter()
        .map(|(unit, v)| format!("{} {unit}", amount(*v, lang)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn achievements(activities: &[&Activity], today: NaiveDate, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let owned: Vec<Activity> = activities.iter().map(|v| (*v).clone()).collect();
    let x = pursuit::achievements(&owned, today);
    let mut rows: Vec<Vec<Cell>> = x
        .years
        .iter()
        .map(|(year, f)| {
            vec![
                Cell::text(year.to_string()),
                Cell::Number(f64::from(f.outcomes)),
                Cell::Number(f.participants as f64),
                Cell::text(values_text(&f.values, lang)),
            ]
        })
        .collect();
    if !rows.is_empty() {
        rows.push(vec![
            Cell::text(t("Jumlah", "Total")),
            Cell::Number(f64::from(x.total.outcomes)),
            Cell::Number(x.total.participants as f64),
            Cell::text(values_text(&x.total.values, lang)),
        ]);
    }
    let outcomes: Vec<Vec<Cell>> = activities
        .iter()
        .rev()
        .filter_map(|v| {
            let o = v.outcome.as_ref()?;
            Some(vec![
                Cell::Date(Some(v.date)),
                Cell::text(&v.title),
                Cell::text(v.fields.join(", ")),
                Cell::text(&o.text),
                o.participants
                    .map_or(Cell::text(""), |n| Cell::Number(f64::from(n))),
                Cell::text(match o.value {
                    Some(v) => format!("{} {}", amount(v, lang), o.unit),
                    None => String::new(),
                }),
            ])
        })
        .collect();
    Section {
        title: t("Pencapaian", "Achievements").into(),
        sheet: t("Pencapaian", "Achievements").into(),
        blocks: vec![
            Block::Table {
                headers: vec![
                    t("Tahun", "Year").into(),
                    t("Hasil tercatat", "Outcomes").into(),
                    t("Peserta", "People").into(),
                    t("Nilai", "Values").into(),
                ],
                rows,
                empty: t(
                    "Belum ada hasil kegiatan yang dicatat.",
                    "No outcome of an activity recorded yet.",
                )
                .into(),
            },
            Block::Table {
                headers: vec![
                    t("Tanggal", "Date").into(),
                    t("Kegiatan", "Activity").into(),
                    t("Bidang", "Fields").into(),
                    t("Hasil", "Outcome").into(),
                    t("Peserta", "People").into(),
                    t("Nilai", "Value").into(),
                ],
                rows: outcomes,
                empty: String::new(),
            },
        ],
    }
}

fn obstacles(catalog: &Catalog, a: &Agreement, derived: bool, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let rows = a
        .obstacles
        .iter()
        .map(|s| {
            let label = catalog
                .tag(&s.tag)
                .map_or(s.tag.as_str(), |t| lang.pick(&t.label_id, &t.label_en));
            vec![
                Cell::text(label),
                Cell::Date(Some(s.from)),
                match s.until {
                    Some(u) => Cell::Date(Some(u)),
                    None => Cell::text(t("masih berlaku", "still holds")),
                },
            ]
        })
        .collect();
    let mut blocks = vec![Block::Table {
        headers: vec![
            t("Hambatan", "Obstacle").into(),
            t("Sejak", "From").into(),
            t("Sampai", "Until").into(),
        ],
        rows,
        empty: t("Tidak ada hambatan yang ditandai.", "No obstacle tagged.").into(),
    }];
    if derived {
        blocks.push(Block::Text(
            t(
                "Laporan terlambat atau belum diserahkan juga dihitung sebagai hambatan \
                 \"keterlambatan laporan\".",
                "Late or overdue reports also count as the \"late reports\" obstacle.",
            )
            .into(),
        ));
    }
    Section {
        title: t("Hambatan", "Obstacles").into(),
        sheet: t("Hambatan", "Obstacles").into(),
        blocks,
    }
}

fn reports(a: &Agreement, today: NaiveDate, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let rows = a
        .reporting
        .reports
        .iter()
        .map(|r| {
            let state = match r.submitted.filter(|s| *s <= today) {
                Some(s) if s > r.due => t("terlambat", "late"),
                Some(_) => t("tepat waktu", "on time"),
                None if r.due < today => t("belum diserahkan (lewat)", "overdue"),
                None => t("belum jatuh tempo", "not yet due"),
            };
            vec![
                Cell::Date(Some(r.due)),
                Cell::Date(r.submitted.filter(|s| *s <= today)),
                Cell::text(state),
            ]
        })
        .collect();
    let mut blocks = Vec::new();
    if let Some(m) = a.reporting.period_months {
        blocks.push(Block::Text(match lang {
            Lang::Id => format!("Laporan ke Kementerian setiap {m} bulan."),
            Lang::En => format!("A report to the Ministry every {m} months."),
        }));
    }
    blocks.push(Block::Table {
        headers: vec![
            t("Jatuh tempo", "Due").into(),
            t("Diserahkan", "Submitted").into(),
            t("Keadaan", "State").into(),
        ],
        rows,
        empty: t("Tidak ada laporan yang wajib.", "No report owed.").into(),
    });
    Section {
        title: t("Laporan", "Reports").into(),
        sheet: t("Laporan", "Reports").into(),
        blocks,
    }
}

fn follow_ups(catalog: &Catalog, id: AgreementId, today: NaiveDate, lang: Lang) -> Section {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let mut open: Vec<_> = catalog
        .attention
        .get(&id)
        .map(|n| n.follow_ups.iter().filter(|f| f.done.is_none()).collect())
        .unwrap_or_default();
    open.sort_by_key(|f| f.due);
    let rows = open
        .iter()
        .map(|f| {
            vec![
                Cell::Date(Some(f.due)),
                Cell::text(if f.due < today {
                    t("lewat", "overdue")
                } else {
                    ""
                }),
                Cell::text(&f.owner),
                Cell::text(&f.next_step),
                Cell::Date(f.noted),
            ]
        })
        .collect();
    Section {
        title: t("Tindak lanjut terbuka", "Open follow-ups").into(),
        sheet: t("Tindak lanjut", "Follow-ups").into(),
        blocks: vec![Block::Table {
            headers: vec![
                t("Jatuh tempo", "Due").into(),
                t("Lewat", "Overdue").into(),
                t("Penanggung jawab", "Owner").into(),
                t("Langkah berikutnya", "Next step").into(),
                t("Disepakati", "Agreed on").into(),
            ],
            rows,
            empty: t("Tidak ada tindak lanjut terbuka.", "No open follow-up.").into(),
        }],
    }
}

/// A file name for the brief of `a` on `day`: `brief-12-jawa-tengah-queensland-2026-12-02`.
pub fn file_stem(a: &Agreement, day: NaiveDate) -> String {
    let slug = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    format!(
        "brief-{}-{}-{}-{day}",
        a.id,
        slug(&a.region),
        slug(&a.partner)
    )
}
