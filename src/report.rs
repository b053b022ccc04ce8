//! The evaluation report a ministry meeting files, and the triage listing: Markdown for
//! reading, CSV for spreadsheets, an Excel workbook ([`xlsx`]) with a chart. Pure functions
//! over a catalog and its assessments.
//!
//! The report is built once as a [`Report`] (the meeting, per-province agreements with their
//! reasons, the recommendation and the meeting's decision reconciled, open follow-ups,
//! obstacle frequencies) and then written in each format, so the formats never disagree.

pub mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use chrono::NaiveDate;

use crate::domain::countries;
use crate::domain::text::display_safe;
use crate::domain::triage::{Assessment, Reason, Recommendation};
use crate::domain::{Agreement, Catalog, Decision, HealthRules, RegionLevel, Status};
use crate::i18n::Lang;
use crate::i18n::T;
use crate::i18n::text::trend_headers;
use crate::store::interchange::enum_name;

/// The province an agreement belongs to: its region, or the region's province.
pub fn province_of<'a>(catalog: &'a Catalog, a: &Agreement) -> &'a str {
    match catalog.region(&a.region) {
        Some(r) if r.level == RegionLevel::Province => &r.id,
        Some(r) => r.province.as_deref().unwrap_or(&r.id),
        None => "",
    }
}

pub fn province_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.region(id).map(|r| r.name.as_str()).unwrap_or(id)
}

/// Finds a province by id, name, official name or short form, ignoring case.
pub fn find_province(catalog: &Catalog, wanted: &str) -> Result<String, String> {
    let w = wanted.trim().to_lowercase();
    let provinces: Vec<_> = catalog
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Province)
        .collect();
    provinces
        .iter()
        .find(|r| {
            r.id == w
                || r.name.to_lowercase() == w
                || r.official_name.to_lowercase() == w
                || r.short_names.iter().any(|s| s.to_lowercase() == w)
        })
        .map(|r| r.id.clone())
        .ok_or_else(|| {
            let names: Vec<&str> = provinces.iter().map(|r| r.name.as_str()).collect();
            format!(
                "no province called {:?} in this store; use one of: {}",
                display_safe(wanted),
                names.join(", ")
            )
        })
}

fn reason_texts(catalog: &Catalog, x: &Assessment, lang: Lang) -> Vec<String> {
    x.reasons
        .iter()
        .map(|r| match r {
            // Name tags by their label, in the report's language.
            Reason::Obstacle { tag } => {
                let label = catalog
                    .tag(tag)
                    .map(|t| lang.pick(&t.label_id, &t.label_en))
                    .unwrap_or(tag);
                crate::i18n::text::reason(
                    &Reason::Obstacle {
                        tag: label.to_string(),
                    },
                    lang,
                )
            }
            other => crate::i18n::text::reason(other, lang),
        })
        .map(|t| display_safe(&t).into_owned())
        .collect()
}

/// One row of `kembar triage --json`.
#[derive(Serialize)]
pub struct TriageRow<'a> {
    pub agreement: u64,
    pub region: &'a str,
    pub province: &'a str,
    pub partner: &'a str,
    pub country: &'a str,
    pub severity: u32,
    pub recommendation: Option<Recommendation>,
    pub derived_late_reports: bool,
    /// What triage already decided.
    pub decision: Option<Decision>,
    pub reasons: &'a [Reason],
    pub reasons_text: Vec<String>,
}

pub fn triage_rows<'a>(
    catalog: &'a Catalog,
    queue: &'a [Assessment],
    lang: Lang,
) -> Vec<TriageRow<'a>> {
    queue
        .iter()
        .filter_map(|x| {
            let a = catalog.agreement(x.agreement)?;
            Some(TriageRow {
                agreement: a.id,
                region: catalog.region_name(a),
                province: province_name(catalog, province_of(catalog, a)),
                partner: catalog.partner_name(a),
                country: catalog
                    .partner(&a.partner)
                    .map(|p| p.country.as_str())
                    .unwrap_or(""),
                severity: x.severity,
                recommendation: x.recommendation,
                derived_late_reports: x.derived_late_reports,
                decision: x.decision,
                reasons: &x.reasons,
                reasons_text: reason_texts(catalog, x, lang),
            })
        })
        .collect()
}

/// The triage queue as aligned lines.
pub fn triage_text(rows: &[TriageRow<'_>], lang: Lang) -> String {
    let mut out = String::new();
    for r in rows {
        let decided = r
            .decision
            .map(|d| format!(" [{}]", crate::i18n::text::decision(d, lang)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>4}  {:<15} {} – {} ({}){decided}: {}\n",
            r.severity,
            crate::i18n::text::recommendation(r.recommendation, lang),
            display_safe(r.region),
            display_safe(r.partner),
            display_safe(r.country),
            r.reasons_text.join("; ")
        ));
    }
    out
}

use crate::store::interchange::cell;

pub fn triage_csv(rows: &[TriageRow<'_>], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "agreement",
        "region",
        "province",
        "partner",
        "country",
        "severity",
        "recommendation",
        "derived_late_reports",
        "decision",
        "reasons",
    ])?;
    for r in rows {
        w.write_record([
            r.agreement.to_string(),
            cell(r.region),
            cell(r.province),
            cell(r.partner),
            cell(r.country),
            r.severity.to_string(),
            crate::i18n::text::recommendation(r.recommendation, lang).to_string(),
            r.derived_late_reports.to_string(),
            r.decision.map(|d| enum_name(&d)).unwrap_or_default(),
            cell(&r.reasons_text.join("; ")),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The meeting a report is for: from the command line, or `[report]` in the config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Meeting {
    pub title: Option<String>,
    pub place: Option<String>,
    pub participants: Vec<String>,
}

impl Meeting {
    /// The meeting as the command line gives it; blank values count as not given.
    pub fn from_flags(
        title: &Option<String>,
        place: &Option<String>,
        participants: &[String],
    ) -> Meeting {
        let given = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        Meeting {
            title: given(title),
            place: given(place),
            participants: participants
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }

    /// This meeting's values where given, the other's elsewhere.
    pub fn or(self, other: &Meeting) -> Meeting {
        Meeting {
            title: self.title.or_else(|| other.title.clone()),
            place: self.place.or_else(|| other.place.clone()),
            participants: if self.participants.is_empty() {
                other.participants.clone()
            } else {
                self.participants
            },
        }
    }
}

/// One agreement as the report lists it, in the report's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    pub id: u64,
    pub province: String,
    pub region: String,
    pub partner: String,
    /// In the report's language.
    pub country: String,
    pub kind: String,
    pub signed: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    /// The stage's label, not its id.
    pub stage: String,
    pub status: String,
    pub severity: u32,
    pub reasons: Vec<String>,
    pub recommendation: Option<Recommendation>,
    pub decision: Option<Decision>,
    pub snoozed_until: Option<NaiveDate>,
    /// Whether triage lists it today (it needs attention and is not snoozed).
    pub in_queue: bool,
}

impl AgreementRow {
    /// "Jawa Tengah – Fujian".
    pub fn label(&self) -> String {
        format!("{} – {}", self.region, self.partner)
    }

    /// The recommendation and the meeting's decision side by side, saying which stands.
    pub fn reconciled(&self, lang: Lang) -> String {
        let mut text = reconcile(self.recommendation, self.decision, lang);
        if let Some(until) = self.snoozed_until {
            text.push_str(&match lang {
                Lang::En => format!(" (snoozed until {until})"),
                Lang::Id => format!(" (ditunda sampai {until})"),
            });
        }
        text
    }
}

/// "recommended: renewal; decided: revitalization (the decision stands)": what triage
/// recommends and what the meeting decided, reconciled in words.
pub fn reconcile(rec: Option<Recommendation>, decision: Option<Decision>, lang: Lang) -> String {
    let agree = |r: Recommendation, d: Decision| {
        matches!(
            (r, d),
            (Recommendation::Renewal, Decision::Renewal)
                | (Recommendation::Revitalization, Decision::Revitalization)
        )
    };
    let (recommended, decided) = match lang {
        Lang::En => ("recommended", "decided"),
        Lang::Id => ("rekomendasi", "keputusan"),
    };
    match (rec, decision) {
        (Some(r), Some(d)) if agree(r, d) => format!(
            "{recommended}: {}; {decided}: {}",
            crate::i18n::text::recommendation(Some(r), lang),
            crate::i18n::text::decided(d, lang)
        ),
        (Some(r), Some(d)) => format!(
            "{recommended}: {}; {decided}: {} {}",
            crate::i18n::text::recommendation(Some(r), lang),
            crate::i18n::text::decided(d, lang),
            lang.pick(
                "(keputusan rapat yang berlaku)",
                "(the meeting's decision stands)"
            )
        ),
        (Some(r), None) => format!(
            "{recommended}: {}; {}",
            crate::i18n::text::recommendation(Some(r), lang),
            lang.pick("belum diputuskan", "not decided yet")
        ),
        (None, Some(d)) => format!("{decided}: {}", crate::i18n::text::decided(d, lang)),
        (None, None) => "—".to_string(),
    }
}

/// An open follow-up as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRow {
    pub due: NaiveDate,
    pub overdue: bool,
    pub province: String,
    pub agreement: String,
    pub owner: String,
    pub next_step: String,
}

/// How often an obstacle occurs in the report's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleRow {
    pub id: String,
    pub label: String,
    /// One of the six obstacles named at the 2019 evaluation meeting.
    pub builtin: bool,
    /// Agreements tagged with it by hand.
    pub tagged: usize,
    /// Agreements whose late or overdue reports imply it (late reports only).
    pub derived: usize,
}

impl ObstacleRow {
    pub fn total(&self) -> usize {
        self.tagged + self.derived
    }
}

/// The whole report, in one language, ready to write in any format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub lang: Lang,
    /// The meeting's date; agreements are judged as of this day.
    pub today: NaiveDate,
    pub title: String,
    pub place: Option<String>,
    pub participants: Vec<String>,
    /// "all provinces" or the province's name.
    pub scope: String,
    /// Per province (by name): counts in the order of [`Status::ALL`].
    pub statuses: Vec<(String, [usize; 6])>,
    /// By province, region and partner.
    pub agreements: Vec<AgreementRow>,
    /// Overdue first, then by due date.
    pub follow_ups: Vec<FollowUpRow>,
    /// The 2019 meeting's six first, each group by frequency.
    pub obstacles: Vec<ObstacleRow>,
    /// The agreements in scope year by year, to the report's day.
    pub trends: Vec<crate::domain::trends::YearRow>,
}

/// What a report shows and for whom.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// A province's id, name or short form; `None` for all.
    pub province: Option<&'a str>,
    pub meeting: Meeting,
}

/// The default title of the meeting.
pub fn default_title(lang: Lang) -> &'static str {
    lang.pick(
        "Rapat Koordinasi dan Evaluasi Kerja Sama Sister City/Province",
        "Coordination and evaluation meeting on sister city/province cooperation",
    )
}

impl Report {
    /// Builds the report for agreements in scope, judged as of `today`.
    pub fn build(
        catalog: &Catalog,
        today: NaiveDate,
        rules: &HealthRules,
        lang: Lang,
        request: &Request<'_>,
    ) -> Result<Report, String> {
        let province = match request.province {
            Some(p) => Some(find_province(catalog, p)?),
            None => None,
        };
        let scope: Vec<&Agreement> = catalog
            .agreements
            .iter()
            .filter(|a| {
                province
                    .as_deref()
                    .is_none_or(|p| province_of(catalog, a) == p)
            })
            .collect();
        let t = |id: &'static str, en: &'static str| lang.pick(id, en);

        let mut agreements: Vec<AgreementRow> = scope
            .iter()
            .map(|a| {
                let attention = catalog.attention.get(&a.id);
                let x = crate::domain::triage::assess_with(
                    &catalog.stages,
                    a,
                    catalog.summary(a.id),
                    attention,
                    today,
                    rules,
                );
                let snoozed_until = attention
                    .filter(|n| n.snoozed_on(today))
                    .and_then(|n| n.snoozed_until);
                let partner = catalog.partner(&a.partner);
                AgreementRow {
                    id: a.id,
                    province: province_name(catalog, province_of(catalog, a)).to_string(),
                    region: catalog.region_name(a).to_string(),
                    partner: catalog.partner_name(a).to_string(),
                    country: partner
                        .map(|p| countries::display(&p.country, lang).into_owned())
                        .unwrap_or_default(),
                    kind: crate::i18n::text::kind(a.kind, lang).to_string(),
                    signed: a.signed,
                    expires: a.expires,
                    stage: catalog
                        .stage(&a.stage)
                        .map(|s| lang.pick(&s.label_id, &s.label_en).to_string())
                        .unwrap_or_else(|| a.stage.clone()),
                    status: status_label(a.status_on(today), lang).to_string(),
                    severity: x.severity,
                    reasons: reason_texts(catalog, &x, lang),
                    recommendation: x.recommendation,
                    decision: x.decision,
                    snoozed_until,
                    in_queue: x.severity > 0 && snoozed_until.is_none(),
                }
            })
            .collect();
        agreements.sort_by(|a, b| {
            (&a.province, &a.region, &a.partner, a.id).cmp(&(
                &b.province,
                &b.region,
                &b.partner,
                b.id,
            ))
        });

        let mut follow_ups: Vec<FollowUpRow> = scope
            .iter()
            .filter(|a| a.status_on(today) != Status::Terminated)
            .filter_map(|a| catalog.attention.get(&a.id).map(|n| (*a, n)))
            .flat_map(|(a, n)| {
                n.follow_ups
                    .iter()
                    .filter(|f| f.done.is_none())
                    .map(move |f| (a, f))
            })
            .map(|(a, f)| FollowUpRow {
                due: f.due,
                overdue: f.due < today,
                province: province_name(catalog, province_of(catalog, a)).to_string(),
                agreement: format!("{} – {}", catalog.region_name(a), catalog.partner_name(a)),
                owner: f.owner.clone(),
                next_step: f.next_step.clone(),
            })
            .collect();
        follow_ups.sort_by(|a, b| {
            (!a.overdue, a.due, &a.province, &a.agreement).cmp(&(
                !b.overdue,
                b.due,
                &b.province,
                &b.agreement,
            ))
        });

        let in_scope: std::collections::HashSet<u64> = scope.iter().map(|a| a.id).collect();
        let queue = crate::domain::triage::queue(catalog, today, rules);
        let mut obstacles: Vec<ObstacleRow> = catalog
            .tags
            .iter()
            .map(|tag| ObstacleRow {
                id: tag.id.clone(),
                label: lang.pick(&tag.label_id, &tag.label_en).to_string(),
                builtin: crate::domain::builtin::is_builtin_tag(&tag.id),
                tagged: scope
                    .iter()
                    .filter(|a| a.tags_on(today).any(|t| t == tag.id))
                    .count(),
                derived: if tag.id == crate::domain::builtin::LATE_REPORTS_TAG {
                    queue
                        .iter()
                        .filter(|x| x.derived_late_reports && in_scope.contains(&x.agreement))
                        .count()
                } else {
                    0
                },
            })
            // The six obstacles of 2019 always have a row; the store's own tags when used.
            .filter(|row| row.builtin || row.total() > 0)
            .collect();
        let order = |id: &str| {
            crate::domain::builtin::BUILTIN_TAG_IDS
                .iter()
                .position(|b| *b == id)
                .unwrap_or(usize::MAX)
        };
        obstacles.sort_by(|a, b| {
            b.builtin
                .cmp(&a.builtin)
                .then(b.total().cmp(&a.total()))
                .then(order(&a.id).cmp(&order(&b.id)))
                .then(a.label.cmp(&b.label))
        });

        let mut statuses: BTreeMap<String, [usize; 6]> = BTreeMap::new();
        for a in &scope {
            let name = province_name(catalog, province_of(catalog, a)).to_string();
            let status = a.status_on(today);
            let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
            statuses.entry(name).or_default()[i] += 1;
        }

        let meeting = &request.meeting;
        Ok(Report {
            lang,
            today,
            title: meeting
                .title
                .clone()
                .unwrap_or_else(|| default_title(lang).to_string()),
            place: meeting.place.clone(),
            participants: meeting.participants.clone(),
            scope: province
                .as_deref()
                .map(|p| province_name(catalog, p).to_string())
                .unwrap_or_else(|| t("semua provinsi", "all provinces").to_string()),
            statuses: statuses.into_iter().collect(),
            agreements,
            follow_ups,
            obstacles,
            trends: crate::domain::trends::yearly_of(catalog, scope.iter().copied(), today),
        })
    }

    /// The agreements triage recommends this for today, worst first.
    pub fn needing(&self, rec: Recommendation) -> Vec<&AgreementRow> {
        let mut rows: Vec<&AgreementRow> = self
            .agreements
            .iter()
            .filter(|r| r.in_queue && r.recommendation == Some(rec))
            .collect();
        rows.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
        rows
    }

    fn t(&self, id: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(id, en)
    }

    /// The header facts: (label, value).
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut facts = vec![(
            self.t(
                "Tanggal (data per tanggal ini)",
                "Date (data as of this day)",
            ),
            self.today.to_string(),
        )];
        if let Some(place) = &self.place {
            facts.push((self.t("Tempat", "Place"), place.clone()));
        }
        if !self.participants.is_empty() {
            facts.push((
                self.t("Peserta", "Participants"),
                self.participants.join("; "),
            ));
        }
        facts.push((self.t("Cakupan", "Scope"), self.scope.clone()));
        facts
    }

    /// Column headers of the agreements table.
    pub fn agreement_headers(&self) -> [&'static str; 13] {
        [
            self.t("Provinsi", "Province"),
            self.t("Daerah", "Region"),
            self.t("Mitra", "Partner"),
            self.t("Negara", "Country"),
            self.t("Jenis", "Kind"),
            self.t("Ditandatangani", "Signed"),
            self.t("Berakhir", "Expires"),
            self.t("Tahap", "Stage"),
            self.t("Status", "Status"),
            self.t("Alasan", "Reasons"),
            self.t("Rekomendasi", "Recommendation"),
            self.t("Keputusan rapat", "Meeting's decision"),
            self.t("Rekomendasi dan keputusan", "Recommendation and decision"),
        ]
    }

    pub fn follow_up_headers(&self) -> [&'static str; 5] {
        [
            self.t("Jatuh tempo", "Due"),
            self.t("Kerja sama", "Agreement"),
            self.t("Penanggung jawab", "Owner"),
            self.t("Langkah berikutnya", "Next step"),
            self.t("Provinsi", "Province"),
        ]
    }

    pub fn obstacle_headers(&self) -> [&'static str; 4] {
        [
            self.t("Hambatan", "Obstacle"),
            self.t("ditandai", "tagged"),
            self.t("dari laporan terlambat", "from late reports"),
            self.t("jumlah", "total"),
        ]
    }

    pub fn overdue_word(&self) -> &'static str {
        self.t("terlambat", "overdue")
    }

    /// The report in Markdown.
    pub fn markdown(&self) -> String {
        let t = |id, en| self.t(id, en);
        let date = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
        let mut md = format!("# {}\n\n", md_cell(&self.title));
        md.push_str("| | |\n|---|---|\n");
        for (label, value) in self.facts() {
            md.push_str(&format!("| **{label}** | {} |\n", md_cell(&value)));
        }
        md.push('\n');

        md.push_str(&format!(
            "## {}\n\n",
            t("Jumlah menurut status", "Agreements by status")
        ));
        md.push_str(&format!("| {} |", t("Provinsi", "Province")));
        for s in Status::ALL {
            md.push_str(&format!(" {} |", status_label(s, self.lang)));
        }
        md.push_str(&format!(" {} |\n|---|", t("jumlah", "total")));
        md.push_str(&"---:|".repeat(Status::ALL.len() + 1));
        md.push('\n');
        let mut totals = [0usize; 6];
        for (p, c) in &self.statuses {
            md.push_str(&format!("| {} |", md_cell(p)));
            for (i, n) in c.iter().enumerate() {
                md.push_str(&format!(" {n} |"));
                totals[i] += n;
            }
            md.push_str(&format!(" {} |\n", c.iter().sum::<usize>()));
        }
        md.push_str(&format!("| **{}** |", t("Jumlah", "Total")));
        for n in totals {
            md.push_str(&format!(" **{n}** |"));
        }
        md.push_str(&format!(" **{}** |\n\n", totals.iter().sum::<usize>()));

        md.push_str(&format!(
            "## {}\n\n",
            t("Kerja sama per provinsi", "Agreements by province")
        ));
        if self.agreements.is_empty() {
            md.push_str(&format!("{}\n\n", t("Tidak ada.", "None.")));
        }
        let headers = self.agreement_headers();
        let mut current: Option<&str> = None;
        for row in &self.agreements {
            if current != Some(row.province.as_str()) {
                if current.is_some() {
                    md.push('\n');
                }
                current = Some(row.province.as_str());
                md.push_str(&format!("### {}\n\n", md_cell(&row.province)));
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    headers[1],
                    headers[2],
                    headers[3],
                    headers[4],
                    headers[5],
                    headers[6],
                    headers[7],
                    headers[8],
                    headers[9],
                    headers[12]
                ));
                md.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
            }
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                md_cell(&row.region),
                md_cell(&row.partner),
                md_cell(&row.country),
                md_cell(&row.kind),
                date(row.signed),
                date(row.expires),
                md_cell(&row.stage),
                md_cell(&row.status),
                md_cell(&or_dash(&row.reasons.join("; "))),
                md_cell(&row.reconciled(self.lang)),
            ));
        }
        if current.is_some() {
            md.push('\n');
        }

        for (rec, title) in [
            (
                Recommendation::Renewal,
                t("Perlu pembaruan", "Needing renewal"),
            ),
            (
                Recommendation::Revitalization,
                t("Perlu revitalisasi", "Needing revitalization"),
            ),
        ] {
            md.push_str(&format!("## {title}\n\n"));
            let rows = self.needing(rec);
            if rows.is_empty() {
                md.push_str(&format!("{}\n\n", t("Tidak ada.", "None.")));
                continue;
            }
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n|---|---|---|---|\n",
                t("Kerja sama", "Agreement"),
                t("Negara", "Country"),
                t("Rekomendasi dan keputusan", "Recommendation and decision"),
                t("Alasan", "Reasons")
            ));
            for row in rows {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    md_cell(&row.label()),
                    md_cell(&row.country),
                    md_cell(&row.reconciled(self.lang)),
                    md_cell(&row.reasons.join("; "))
                ));
            }
            md.push('\n');
        }

        md.push_str(&format!(
            "## {}\n\n",
            t(
                "Tindak lanjut yang belum selesai (yang terlambat lebih dulu)",
                "Open follow-ups (overdue first)"
            )
        ));
        if self.follow_ups.is_empty() {
            md.push_str(&format!("{}\n\n", t("Tidak ada.", "None.")));
        } else {
            let h = self.follow_up_headers();
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n|---|---|---|---|\n",
                h[0], h[1], h[2], h[3]
            ));
            for f in &self.follow_ups {
                let late = if f.overdue {
                    format!(" ({})", self.overdue_word())
                } else {
                    String::new()
                };
                md.push_str(&format!(
                    "| {}{late} | {} | {} | {} |\n",
                    f.due,
                    md_cell(&f.agreement),
                    md_cell(&f.owner),
                    md_cell(&f.next_step)
                ));
            }
            md.push('\n');
        }

        md.push_str(&format!("## {}\n\n", T::TrendsTitle.in_lang(self.lang)));
        if self.trends.is_empty() {
            md.push_str(&format!("{}\n\n", T::TrendsEmpty.in_lang(self.lang)));
        } else {
            md.push_str(&format!(
                "| {} |\n|---:|---:|---:|---:|---:|---:|\n",
                trend_headers(self.lang).join(" | ")
            ));
            for r in &self.trends {
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    r.year, r.signed, r.renewed, r.in_force, r.expired, r.activities
                ));
            }
            md.push_str(&format!("\n{}\n\n", self.trends_note()));
        }

        md.push_str(&format!(
            "## {}\n\n",
            t("Frekuensi hambatan", "Obstacle frequencies")
        ));
        let h = self.obstacle_headers();
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n|---|---:|---:|---:|\n",
            h[0], h[1], h[2], h[3]
        ));
        for o in &self.obstacles {
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                md_cell(&o.label),
                o.tagged,
                o.derived,
                o.total()
            ));
        }
        md.push_str(&format!(
            "\n{}\n",
            t(
                "Enam hambatan pertama adalah yang disebut dalam rapat evaluasi Kementerian \
                 Dalam Negeri, Bandung, 22 Agustus 2019.",
                "The first six are the obstacles named at the Ministry of Home Affairs' \
                 evaluation meeting, Bandung, 22 August 2019."
            )
        ));
        md
    }

    /// The report as CSV: the same sections one after another, for a spreadsheet. It starts
    /// with a UTF-8 byte order mark so that Excel reads the accents and dashes right.
    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let t = |id, en| self.t(id, en);
        let mut out = b"\xef\xbb\xbf".to_vec();
        {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(&mut out);
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            w.write_record([cell(&self.title)])?;
            for (label, value) in self.facts() {
                w.write_record([label.to_string(), cell(&value)])?;
            }
            w.write_record([""])?;

            w.write_record([t("Jumlah menurut status", "Agreements by status")])?;
            let mut header = vec![t("Provinsi", "Province").to_string()];
            header.extend(
                Status::ALL
                    .iter()
                    .map(|s| status_label(*s, self.lang).to_string()),
            );
            header.push(t("jumlah", "total").to_string());
            w.write_record(&header)?;
            for (p, c) in &self.statuses {
                let mut row = vec![cell(p)];
                row.extend(c.iter().map(|n| n.to_string()));
                row.push(c.iter().sum::<usize>().to_string());
                w.write_record(&row)?;
            }
            w.write_record([""])?;

            w.write_record([t("Kerja sama per provinsi", "Agreements by province")])?;
            w.write_record(self.agreement_headers())?;
            for r in &self.agreements {
                w.write_record([
                    cell(&r.province),
                    cell(&r.region),
                    cell(&r.partner),
                    cell(&r.country),
                    cell(&r.kind),
                    date(r.signed),
                    date(r.expires),
                    cell(&r.stage),
                    cell(&r.status),
                    cell(&r.reasons.join("; ")),
                    crate::i18n::text::recommendation(r.recommendation, self.lang).to_string(),
                    r.decision
                        .map(|d| crate::i18n::text::decided(d, self.lang))
                        .unwrap_or("")
                        .to_string(),
                    cell(&r.reconciled(self.lang)),
                ])?;
            }
            w.write_record([""])?;

            w.write_record([t(
                "Tindak lanjut yang belum selesai (yang terlambat lebih dulu)",
                "Open follow-ups (overdue first)",
            )])?;
            let h = self.follow_up_headers();
            w.write_record([h[0], self.overdue_word(), h[4], h[1], h[2], h[3]])?;
            for f in &self.follow_ups {
                w.write_record([
                    f.due.to_string(),
                    if f.overdue { self.overdue_word() } else { "" }.to_string(),
                    cell(&f.province),
                    cell(&f.agreement),
                    cell(&f.owner),
                    cell(&f.next_step),
                ])?;
            }
            w.write_record([""])?;

            w.write_record([T::TrendsTitle.in_lang(self.lang)])?;
            w.write_record(trend_headers(self.lang))?;
            for r in &self.trends {
                w.write_record(trend_record(r))?;
            }
            w.write_record([""])?;

            w.write_record([t("Frekuensi hambatan", "Obstacle frequencies")])?;
            w.write_record(self.obstacle_headers())?;
            for o in &self.obstacles {
                w.write_record([
                    cell(&o.label),
                    o.tagged.to_string(),
                    o.derived.to_string(),
                    o.total().to_string(),
                ])?;
            }
            w.flush()?;
        }
        Ok(out)
    }
}

impl Report {
    /// What the trend figures count, under the table.
    pub fn trends_note(&self) -> String {
        crate::i18n::text::trends_note(self.today, self.lang)
    }
}

/// One year as CSV fields.
pub fn trend_record(r: &crate::domain::trends::YearRow) -> [String; 6] {
    [
        r.year.to_string(),
        r.signed.to_string(),
        r.renewed.to_string(),
        r.in_force.to_string(),
        r.expired.to_string(),
        r.activities.to_string(),
    ]
}

/// The trends as `kembar trends` prints them: a table, JSON or CSV.
pub fn trends_bytes(
    rows: &[crate::domain::trends::YearRow],
    today: NaiveDate,
    lang: Lang,
    json: bool,
    csv: bool,
) -> anyhow::Result<Vec<u8>> {
    if json {
        let mut out = serde_json::to_vec_pretty(rows)?;
        out.push(b'\n');
        return Ok(out);
    }
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "year",
            "signed",
            "renewed",
            "in_force",
            "expired",
            "activities",
        ])?;
        for r in rows {
            w.write_record(trend_record(r))?;
        }
        return Ok(w.into_inner().map_err(|e| e.into_error())?);
    }
    if rows.is_empty() {
        return Ok(format!("{}\n", T::TrendsEmpty.in_lang(lang)).into_bytes());
    }
    let heads = trend_headers(lang);
    let widths: Vec<usize> = heads
        .iter()
        .map(|h| unicode_width::UnicodeWidthStr::width(*h).max(5))
        .collect();
    let mut out = String::new();
    let line = |fields: [String; 6], out: &mut String| {
        let cells: Vec<String> = fields
            .iter()
            .zip(&widths)
            .map(|(f, w)| format!("{:>w$}", f, w = *w))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    };
    line(heads.map(str::to_string), &mut out);
    for r in rows {
        line(trend_record(r), &mut out);
    }
    out.push('\n');
    out.push_str(&crate::i18n::text::trends_note(today, lang));
    out.push('\n');
    Ok(out.into_bytes())
}

fn or_dash(text: &str) -> String {
    if text.is_empty() {
        "—".to_string()
    } else {
        text.to_string()
    }
}

fn status_label(s: Status, lang: Lang) -> &'static str {
    crate::i18n::text::status(s, lang)
}

fn md_cell(text: &str) -> String {
    display_safe(text).replace('|', "\\|")
}
