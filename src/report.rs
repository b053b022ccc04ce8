//! The evaluation report a ministry meeting needs, and the triage listing, as text: Markdown
//! for reading and CSV for spreadsheets. Pure functions over a catalog and its assessments.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::text::display_safe;
use crate::domain::triage::{Assessment, Reason, Recommendation};
use crate::domain::{Agreement, Catalog, Decision, FollowUp, RegionLevel, Status};
use crate::i18n::Lang;
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

pub fn recommendation_label(r: Option<Recommendation>, lang: Lang) -> &'static str {
    match (r, lang) {
        (Some(Recommendation::Renewal), Lang::En) => "renewal",
        (Some(Recommendation::Renewal), Lang::Id) => "pembaharuan",
        (Some(Recommendation::Revitalization), Lang::En) => "revitalization",
        (Some(Recommendation::Revitalization), Lang::Id) => "revitalisasi",
        (Some(Recommendation::FollowUp), Lang::En) => "follow up",
        (Some(Recommendation::FollowUp), Lang::Id) => "tindak lanjut",
        (None, _) => "",
    }
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
                Reason::Obstacle {
                    tag: label.to_string(),
                }
                .describe(lang)
            }
            other => other.describe(lang),
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

pub fn decision_label(d: Decision, lang: Lang) -> &'static str {
    match (d, lang) {
        (Decision::Renewal, Lang::En) => "marked for renewal",
        (Decision::Renewal, Lang::Id) => "ditandai untuk pembaharuan",
        (Decision::Revitalization, Lang::En) => "marked for revitalization",
        (Decision::Revitalization, Lang::Id) => "ditandai untuk revitalisasi",
        (Decision::ProposeTermination, Lang::En) => "termination proposed",
        (Decision::ProposeTermination, Lang::Id) => "diusulkan diakhiri",
    }
}

/// The triage queue as aligned lines.
pub fn triage_text(rows: &[TriageRow<'_>], lang: Lang) -> String {
    let mut out = String::new();
    for r in rows {
        let decided = r
            .decision
            .map(|d| format!(" [{}]", decision_label(d, lang)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>4}  {:<15} {} – {} ({}){decided}: {}\n",
            r.severity,
            recommendation_label(r.recommendation, lang),
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
            recommendation_label(r.recommendation, lang).to_string(),
            r.derived_late_reports.to_string(),
            r.decision.map(|d| enum_name(&d)).unwrap_or_default(),
            cell(&r.reasons_text.join("; ")),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Counts by status for each province in scope.
fn status_counts<'a>(
    catalog: &'a Catalog,
    scope: &[&'a Agreement],
) -> BTreeMap<&'a str, [usize; 6]> {
    let mut counts: BTreeMap<&str, [usize; 6]> = BTreeMap::new();
    for a in scope {
        let province = province_name(catalog, province_of(catalog, a));
        let i = Status::ALL.iter().position(|s| *s == a.status).unwrap_or(0);
        counts.entry(province).or_default()[i] += 1;
    }
    counts
}

fn status_label(s: Status, lang: Lang) -> &'static str {
    crate::i18n::text::status(s, lang)
}

/// The evaluation report in Markdown.
pub fn report_markdown(
    catalog: &Catalog,
    scope: &[&Agreement],
    queue: &[Assessment],
    today: chrono::NaiveDate,
    province: Option<&str>,
    lang: Lang,
) -> String {
    let t = |id: &'static str, en: &'static str| lang.pick(id, en);
    let mut md = String::new();
    let scope_name = province
        .map(|p| province_name(catalog, p))
        .unwrap_or(t("semua provinsi", "all provinces"));
    md.push_str(&format!(
        "# {} — {} ({} {today})\n\n",
        t(
            "Evaluasi kerja sama sister city/province",
            "Sister city/province cooperation: evaluation"
        ),
        display_safe(scope_name),
        t("per", "as of"),
    ));
    md.push_str(&format!(
        "## {}\n\n",
        t("Jumlah menurut status", "Agreements by status")
    ));
    md.push_str(&format!("| {} |", t("Provinsi", "Province")));
    for s in Status::ALL {
        md.push_str(&format!(" {} |", status_label(s, lang)));
    }
    md.push_str(&format!(" {} |\n|---|", t("jumlah", "total")));
    md.push_str(&"---:|".repeat(Status::ALL.len() + 1));
    md.push('\n');
    let counts = status_counts(catalog, scope);
    let mut totals = [0usize; 6];
    for (p, c) in &counts {
        md.push_str(&format!("| {} |", display_safe(p)));
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

    let in_scope: std::collections::HashSet<u64> = scope.iter().map(|a| a.id).collect();
    for (rec, title) in [
        (
            Recommendation::Renewal,
            t("Perlu pembaharuan", "Needing renewal"),
        ),
        (
            Recommendation::Revitalization,
            t("Perlu revitalisasi", "Needing revitalization"),
        ),
    ] {
        md.push_str(&format!("## {title}\n\n"));
        let rows: Vec<&Assessment> = queue
            .iter()
            .filter(|x| x.recommendation == Some(rec) && in_scope.contains(&x.agreement))
            .collect();
        if rows.is_empty() {
            md.push_str(&format!("{}\n\n", t("Tidak ada.", "None.")));
            continue;
        }
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n|---|---|---|---|\n",
            t("Kerja sama", "Agreement"),
            t("Negara", "Country"),
            t("Keputusan", "Decision"),
            t("Alasan", "Reasons")
        ));
        for x in rows {
            if let Some(a) = catalog.agreement(x.agreement) {
                md.push_str(&format!(
                    "| {} – {} | {} | {} | {} |\n",
                    md_cell(catalog.region_name(a)),
                    md_cell(catalog.partner_name(a)),
                    md_cell(
                        catalog
                            .partner(&a.partner)
                            .map(|p| p.country.as_str())
                            .unwrap_or("")
                    ),
                    x.decision.map(|d| decision_label(d, lang)).unwrap_or("—"),
                    md_cell(&reason_texts(catalog, x, lang).join("; "))
                ));
            }
        }
        md.push('\n');
    }

    md.push_str(&format!(
        "## {}\n\n",
        t("Frekuensi hambatan", "Obstacle frequencies")
    ));
    md.push_str(&format!(
        "| {} | {} | {} |\n|---|---:|---:|\n",
        t("Hambatan", "Obstacle"),
        t("ditandai", "tagged"),
        t("dari laporan terlambat", "from late reports")
    ));
    for tag in &catalog.tags {
        let tagged = scope
            .iter()
            .filter(|a| a.obstacles.contains(&tag.id))
            .count();
        let derived = if tag.id == crate::domain::builtin::LATE_REPORTS_TAG {
            queue
                .iter()
                .filter(|x| x.derived_late_reports && in_scope.contains(&x.agreement))
                .count()
        } else {
            0
        };
        let label = lang.pick(&tag.label_id, &tag.label_en);
        md.push_str(&format!("| {} | {tagged} | {derived} |\n", md_cell(label)));
    }
    md.push('\n');

    md.push_str(&format!(
        "## {}\n\n",
        t(
            "Tindak lanjut jatuh tempo (sampai 30 hari ke depan)",
            "Follow-ups due (up to 30 days ahead)"
        )
    ));
    let due = follow_ups_due(catalog, scope, today);
    if due.is_empty() {
        md.push_str(&format!("{}\n\n", t("Tidak ada.", "None.")));
    } else {
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n|---|---|---|---|\n",
            t("Jatuh tempo", "Due"),
            t("Kerja sama", "Agreement"),
            t("Penanggung jawab", "Owner"),
            t("Langkah berikutnya", "Next step")
        ));
        for (a, f) in due {
            let late = if f.due < today {
                t(" (terlambat)", " (overdue)")
            } else {
                ""
            };
            md.push_str(&format!(
                "| {}{late} | {} – {} | {} | {} |\n",
                f.due,
                md_cell(catalog.region_name(a)),
                md_cell(catalog.partner_name(a)),
                md_cell(&f.owner),
                md_cell(&f.next_step)
            ));
        }
        md.push('\n');
    }
    md
}

/// Open follow-ups due within 30 days of `today` (or already overdue), earliest first.
pub fn follow_ups_due<'a>(
    catalog: &'a Catalog,
    scope: &[&'a Agreement],
    today: chrono::NaiveDate,
) -> Vec<(&'a Agreement, &'a FollowUp)> {
    let horizon = today + chrono::Days::new(30);
    let mut due: Vec<(&Agreement, &FollowUp)> = scope
        .iter()
        .filter(|a| a.status != Status::Terminated)
        .filter_map(|a| catalog.attention.get(&a.id).map(|n| (*a, n)))
        .flat_map(|(a, n)| n.due_by(horizon).into_iter().map(move |f| (a, f)))
        .collect();
    due.sort_by_key(|(a, f)| (f.due, a.id));
    due
}

fn md_cell(text: &str) -> String {
    display_safe(text).replace('|', "\\|")
}

/// The per-province counts of the report, for spreadsheets.
pub fn report_csv(
    catalog: &Catalog,
    scope: &[&Agreement],
    queue: &[Assessment],
    today: chrono::NaiveDate,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["province".to_string()];
    header.extend(Status::ALL.iter().map(enum_name));
    header.extend(
        [
            "total",
            "needing_renewal",
            "needing_revitalization",
            "follow_ups_due_within_30_days",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    let counts = status_counts(catalog, scope);
    let in_scope: std::collections::HashSet<u64> = scope.iter().map(|a| a.id).collect();
    // (renewal, revitalization) per province, in one pass over the queue.
    let mut needing: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for x in queue.iter().filter(|x| in_scope.contains(&x.agreement)) {
        let Some(a) = catalog.agreement(x.agreement) else {
            continue;
        };
        let entry = needing
            .entry(province_name(catalog, province_of(catalog, a)))
            .or_default();
        match x.recommendation {
            Some(Recommendation::Renewal) => entry.0 += 1,
            Some(Recommendation::Revitalization) => entry.1 += 1,
            _ => {}
        }
    }
    let mut due: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, _) in follow_ups_due(catalog, scope, today) {
        *due.entry(province_name(catalog, province_of(catalog, a)))
            .or_default() += 1;
    }
    for (province, c) in &counts {
        let (renewal, revitalization) = needing.get(province).copied().unwrap_or_default();
        let mut row = vec![cell(province)];
        row.extend(c.iter().map(|n| n.to_string()));
        row.push(c.iter().sum::<usize>().to_string());
        row.push(renewal.to_string());
        row.push(revitalization.to_string());
        row.push(due.get(province).copied().unwrap_or(0).to_string());
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
