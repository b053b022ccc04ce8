//! Triage: which agreements need attention, why, and what to do about them, judged as of an
//! injected "today". This is what the Ministry's evaluation meetings did by hand: which
//! partnerships are alive, which are ceremonial, which need renewal or revitalization.
//!
//! Everything is judged as it stood on `today`: the MoU term in force is the latest one
//! signed by then, activities and report submissions after it do not count yet. So the
//! 2019 evaluation meeting can be replayed on today's data.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::builtin::LATE_REPORTS_TAG;
use super::builtin::default_stages;
use super::catalog::Catalog;
use super::health::HealthRules;
use super::kajian::{self, Missing};
use super::model::{Agreement, AgreementId, Attention, Decision, Stage, Status};
use super::summary::ActivitySummary;

/// How long after signing an MoU must show some activity other than the signing itself
/// before it is suspected of being ceremonial only.
pub const CEREMONIAL_WINDOW_DAYS: u64 = 365;

/// One reason an agreement needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The MoU in force ended before today.
    Expired { on: NaiveDate },
    /// The MoU in force ends within the expiry window.
    ExpiringSoon { on: NaiveDate, days: i64 },
    /// Nothing happened for longer than the dormancy threshold. `last` is None when nothing
    /// was ever recorded (counted from signing).
    Dormant { last: Option<NaiveDate>, days: i64 },
    /// No activity other than the signing within a year after signing.
    CeremonialSuspected { signed: NaiveDate },
    /// Reports due by today and not submitted by today.
    ReportsOverdue { count: usize, oldest_due: NaiveDate },
    /// Reports submitted after they were due.
    ReportsLate { count: usize },
    /// An obstacle tag set by hand.
    Obstacle { tag: String },
    /// A follow-up agreed at triage is due (or overdue) and not done.
    FollowUpDue {
        owner: String,
        due: NaiveDate,
        next_step: String,
    },
    /// Half or more of the MoU's fields of cooperation had no activity for five years
    /// (see `domain::pursuit`).
    FieldsIdle { idle: Vec<String>, of: usize },
    /// A decision (a proposal past `penjajakan`, a renewal due or just signed) has no
    /// assessment (kajian) to rest on (see `domain::kajian`).
    NotAssessed { missing: Missing },
}

/// What the meeting should decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// The MoU has ended or is about to: sign a new one (pembaruan).
    Renewal,
    /// The MoU is in force but nothing happens: reactivate the programmes (revitalisasi).
    Revitalization,
    /// Only obstacles or reporting to follow up.
    FollowUp,
}

/// The triage verdict for one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub agreement: AgreementId,
    /// Higher is worse; 0 means nothing to do.
    pub severity: u32,
    pub recommendation: Option<Recommendation>,
    pub reasons: Vec<Reason>,
    /// Late or overdue reports imply the "late reports" obstacle even when nobody tagged it;
    /// kept apart from the tags set by hand.
    pub derived_late_reports: bool,
    /// What triage already decided, if anything.
    pub decision: Option<Decision>,
}

impl Reason {
    fn weight(&self, rules: &HealthRules) -> u32 {
        match self {
            Reason::FieldsIdle { .. } => rules.fields_idle_weight,
            Reason::NotAssessed { .. } => rules.not_assessed_weight,
            Reason::FollowUpDue { .. } => 15,
            Reason::Expired { .. } => 40,
            Reason::ExpiringSoon { .. } => 20,
            Reason::Dormant { days, .. } => 20 + (*days / 365).min(10) as u32 * 3,
            Reason::CeremonialSuspected { .. } => 15,
            Reason::ReportsOverdue { count, .. } => 10 + 2 * (*count as u32).min(10),
            Reason::ReportsLate { count } => 3 + (*count as u32).min(10),
            Reason::Obstacle { .. } => 4,
        }
    }
}

fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The MoU term in force on `today`: the latest (signed, expires) signed by then.
fn term_in_force(a: &Agreement, today: NaiveDate) -> Option<(NaiveDate, Option<NaiveDate>)> {
    a.renewals
        .iter()
        .map(|r| (r.signed, r.expires))
        .chain(std::iter::once((a.signed, a.expires)))
        .filter_map(|(s, e)| s.filter(|s| *s <= today).map(|s| (s, e)))
        .max_by_key(|(s, _)| *s)
}

/// Assesses one agreement as of `today`, without triage notes.
pub fn assess(
    a: &Agreement,
    summary: Option<&ActivitySummary>,
    today: NaiveDate,
    rules: &HealthRules,
) -> Assessment {
    assess_with(&default_stages(), a, summary, None, today, rules)
}

/// Assesses one agreement as of `today`, with what triage decided about it: follow-ups due
/// by today are reasons of their own.
pub fn assess_with(
    stages: &[Stage],
    a: &Agreement,
    summary: Option<&ActivitySummary>,
    attention: Option<&Attention>,
    today: NaiveDate,
    rules: &HealthRules,
) -> Assessment {
    let mut reasons = Vec::new();
    let empty = ActivitySummary::default();
    let summary = summary.unwrap_or(&empty);
    let today_day = day(today);
    let term = term_in_force(a, today);
    // A terminated agreement is closed; one not yet signed by today is not triaged yet.
    let status = a.status_on(today);
    let open = status != Status::Terminated && term.is_some();

    if let (true, Some((signed, expires))) = (open, term) {
        match expires {
            Some(e) if e < today => reasons.push(Reason::Expired { on: e }),
            Some(e) if (e - today).num_days() <= rules.expiring_within_days => {
                reasons.push(Reason::ExpiringSoon {
                    on: e,
                    days: (e - today).num_days(),
                })
            }
            _ => {}
        }
        // Activities up to today only.
        let seen = summary.days.partition_point(|&d| d <= today_day);
        let last = seen
            .checked_sub(1)
            .and_then(|i| NaiveDate::from_num_days_from_ce_opt(summary.days[i]));
        let since = last.unwrap_or(signed);
        let quiet_days = (today - since).num_days();
        if quiet_days > rules.dormant_after_days {
            reasons.push(Reason::Dormant {
                last,
                days: quiet_days,
            });
        }
        // Ceremonial: a year has passed since signing with nothing but signings in it.
        let window_end = signed
            .checked_add_days(Days::new(CEREMONIAL_WINDOW_DAYS))
            .unwrap_or(signed);
        if window_end <= today {
            let count_in = |days: &[i32]| {
                let from = days.partition_point(|&d| d < day(signed));
                let to = days.partition_point(|&d| d <= day(window_end));
                to - from
            };
            if count_in(&summary.days) <= count_in(&summary.signings) {
                reasons.push(Reason::CeremonialSuspected { signed });
            }
        }
    }

    let mut overdue = 0;
    let mut oldest_due: Option<NaiveDate> = None;
    let mut late = 0;
    if open {
        for r in &a.reporting.reports {
            if r.due >= today {
                continue;
            }
            match r.submitted.filter(|s| *s <= today) {
                None => {
                    overdue += 1;
                    oldest_due = Some(oldest_due.map_or(r.due, |o| o.min(r.due)));
                }
                Some(s) if s > r.due => late += 1,
                Some(_) => {}
            }
        }
    }
    if let Some(oldest_due) = oldest_due {
        reasons.push(Reason::ReportsOverdue {
            count: overdue,
            oldest_due,
        });
    }
    if late > 0 {
        reasons.push(Reason::ReportsLate { count: late });
    }
    if open {
        for tag in a.tags_on(today) {
            reasons.push(Reason::Obstacle {
                tag: tag.to_string(),
            });
        }
    }

    if status != Status::Terminated
        && let Some(n) = attention
    {
        for f in n.due_by(today) {
            reasons.push(Reason::FollowUpDue {
                owner: f.owner.clone(),
                due: f.due,
                next_step: f.next_step.clone(),
            });
        }
    }

    if open {
        let pursuit = super::pursuit::pursuit(a, Some(summary), today);
        if pursuit.mostly_idle() {
            reasons.push(Reason::FieldsIdle {
                idle: pursuit.idle().map(|f| f.field.clone()).collect(),
                of: pursuit.mou().count(),
            });
        }
    }
    let renewal_due = reasons
        .iter()
        .any(|r| matches!(r, Reason::Expired { .. } | Reason::ExpiringSoon { .. }));
    let decision = attention.and_then(|n| n.decision);
    if let Some(missing) = kajian::missing(stages, a, decision, renewal_due, today) {
        reasons.push(Reason::NotAssessed { missing });
    }

    let severity = reasons.iter().map(|r| r.weight(rules)).sum();
    let has = |f: fn(&Reason) -> bool| reasons.iter().any(f);
    let recommendation =
        if has(|r| matches!(r, Reason::Expired { .. } | Reason::ExpiringSoon { .. })) {
            Some(Recommendation::Renewal)
        } else if has(|r| {
            matches!(
                r,
                Reason::Dormant { .. } | Reason::CeremonialSuspected { .. }
            )
        }) {
            Some(Recommendation::Revitalization)
        } else if reasons.is_empty() {
            None
        } else {
            Some(Recommendation::FollowUp)
        };
    let derived_late_reports =
        (overdue > 0 || late > 0) && !a.tags_on(today).any(|t| t == LATE_REPORTS_TAG);
    Assessment {
        agreement: a.id,
        severity,
        recommendation,
        reasons,
        derived_late_reports,
        decision: attention.and_then(|n| n.decision),
    }
}

/// Every agreement that needs attention, worst first; ties by agreement id. Agreements
/// snoozed past `today` are left out. Large stores are assessed on all cores.
pub fn queue(catalog: &Catalog, today: NaiveDate, rules: &HealthRules) -> Vec<Assessment> {
    let agreements = catalog.agreements.as_slice();
    let assess_all = |chunk: &[Agreement]| -> Vec<Assessment> {
        chunk
            .iter()
            .filter_map(|a| {
                let attention = catalog.attention.get(&a.id);
                if attention.is_some_and(|n| n.snoozed_on(today)) {
                    return None;
                }
                let x = assess_with(
                    &catalog.stages,
                    a,
                    catalog.summary(a.id),
                    attention,
                    today,
                    rules,
                );
                (x.severity > 0).then_some(x)
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let mut out: Vec<Assessment> = if agreements.len() < 20_000 || threads == 1 {
        assess_all(agreements)
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = agreements
                .chunks(agreements.len().div_ceil(threads))
                .map(|chunk| s.spawn(move || assess_all(chunk)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.agreement.cmp(&b.agreement))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn agreement(signed: &str, expires: Option<&str>) -> Agreement {
        Agreement {
            id: 1,
            region: "r".into(),
            partner: "p".into(),
            kind: AgreementKind::SisterCity,
            statuses: vec![],
            stage: "pelaksanaan".into(),
            signed: Some(d(signed)),
            expires: expires.map(d),
            renewals: vec![],
            fields: vec![],
            contacts: vec![],
            notes: String::new(),
            obstacles: vec![],
            reporting: Reporting::default(),
            assessments: vec![],
        }
    }

    fn activities(list: &[(&str, ActivityKind)]) -> ActivitySummary {
        let mut s = ActivitySummary::default();
        for (day, kind) in list {
            s.add(d(day), *kind);
        }
        s
    }

    fn reasons(a: &Agreement, s: &ActivitySummary, today: &str) -> Vec<Reason> {
        assess(a, Some(s), d(today), &HealthRules::default()).reasons
    }

    const SIGNED: ActivityKind = ActivityKind::MouSigned;
    const VISIT: ActivityKind = ActivityKind::Visit;

    fn with_fields(s: &mut ActivitySummary, day: &str, fields: &[&str]) {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        s.add(d(day), VISIT);
        s.add_fields(d(day), &fields);
    }

    #[test]
    fn fields_idle_when_half_the_mou_had_nothing_for_five_years() {
        let mut a = agreement("2010-01-01", None);
        a.fields = vec![
            "pendidikan".into(),
            "pariwisata".into(),
            "peternakan".into(),
        ];
        let mut s = activities(&[("2010-01-01", SIGNED)]);
        with_fields(&mut s, "2014-08-22", &["pariwisata"]);
        with_fields(&mut s, "2019-08-01", &["Pendidikan"]);
        with_fields(&mut s, "2019-08-02", &["olahraga"]);
        let idle = |today: &str| {
            reasons(&a, &s, today)
                .into_iter()
                .find(|r| matches!(r, Reason::FieldsIdle { .. }))
        };
        // On 2019-08-22 tourism's visit is exactly five years old and still counts.
        assert_eq!(idle("2019-08-22"), None);
        assert_eq!(
            idle("2019-08-23"),
            Some(Reason::FieldsIdle {
                idle: vec!["pariwisata".into(), "peternakan".into()],
                of: 3
            })
        );
        let rules = HealthRules {
            fields_idle_weight: 7,
            ..HealthRules::default()
        };
        let with = assess(&a, Some(&s), d("2019-08-23"), &rules).severity;
        let without = assess(
            &a,
            Some(&s),
            d("2019-08-23"),
            &HealthRules {
                fields_idle_weight: 0,
                ..rules
            },
        )
        .severity;
        assert_eq!(with - without, 7, "the weight comes from the config");
    }

    #[test]
    fn not_assessed_when_a_renewal_is_due_without_a_kajian() {
        let mut a = agreement("2015-01-01", Some("2020-01-01"));
        let s = activities(&[("2015-01-01", SIGNED), ("2019-10-01", VISIT)]);
        let missing = |a: &Agreement| {
            reasons(a, &s, "2019-11-01")
                .into_iter()
                .any(|r| matches!(r, Reason::NotAssessed { .. }))
        };
        assert!(missing(&a), "expiring, no assessment");
        // One made before this term was signed was for this term, not its renewal.
        a.assessments
            .push(crate::domain::Assessment::new(d("2014-12-01")));
        assert!(missing(&a));
        a.assessments
            .push(crate::domain::Assessment::new(d("2019-10-15")));
        assert!(!missing(&a));
        // An assessment after the day does not count yet.
        a.assessments[1].on = d("2019-11-02");
        assert!(missing(&a));
    }

    #[test]
    fn a_proposal_past_penjajakan_is_queued_when_not_assessed() {
        let mut a = agreement("2015-01-01", None);
        a.signed = None;
        a.stage = "pernyataan-kehendak".into();
        let r = reasons(&a, &ActivitySummary::default(), "2024-01-01");
        assert_eq!(
            r,
            vec![Reason::NotAssessed {
                missing: Missing::Proposal
            }]
        );
        a.stage = "penjajakan".into();
        assert!(reasons(&a, &ActivitySummary::default(), "2024-01-01").is_empty());
    }

    #[test]
    fn dormant_starts_the_day_after_the_threshold() {
        let a = agreement("2010-01-01", None);
        let s = activities(&[
            ("2010-01-01", SIGNED),
            ("2010-03-01", VISIT),
            ("2020-01-01", VISIT),
        ]);
        // 2020-01-01 + 365 days = 2020-12-31 (2020 is a leap year).
        assert!(
            !reasons(&a, &s, "2020-12-31")
                .iter()
                .any(|r| matches!(r, Reason::Dormant { .. }))
        );
        let r = reasons(&a, &s, "2021-01-01");
        assert!(
            r.contains(&Reason::Dormant {
                last: Some(d("2020-01-01")),
                days: 366
            }),
            "{r:?}"
        );
    }

    #[test]
    fn activity_after_today_does_not_count_yet() {
        let a = agreement("2010-01-01", None);
        let s = activities(&[
            ("2010-01-01", SIGNED),
            ("2010-03-01", VISIT),
            ("2023-01-01", VISIT),
        ]);
        let r = reasons(&a, &s, "2019-08-22");
        assert!(
            r.iter().any(
                |r| matches!(r, Reason::Dormant { last: Some(l), .. } if *l == d("2010-03-01"))
            ),
            "{r:?}"
        );
    }

    #[test]
    fn expiry_today_is_expiring_and_yesterday_is_expired() {
        let a = agreement("2015-01-01", Some("2020-01-01"));
        let s = activities(&[
            ("2015-01-01", SIGNED),
            ("2015-02-01", VISIT),
            ("2019-12-01", VISIT),
        ]);
        assert!(
            reasons(&a, &s, "2020-01-01").contains(&Reason::ExpiringSoon {
                on: d("2020-01-01"),
                days: 0
            })
        );
        assert!(reasons(&a, &s, "2020-01-02").contains(&Reason::Expired {
            on: d("2020-01-01")
        }));
        // 180 days ahead is inside the window, 181 is not.
        assert!(
            reasons(&a, &s, "2019-07-05")
                .iter()
                .any(|r| matches!(r, Reason::ExpiringSoon { days: 180, .. }))
        );
        assert!(
            !reasons(&a, &s, "2019-07-04")
                .iter()
                .any(|r| matches!(r, Reason::ExpiringSoon { .. }))
        );
    }

    #[test]
    fn a_report_due_today_is_not_overdue_yet() {
        let mut a = agreement("2015-01-01", None);
        a.reporting.reports = vec![
            ReportDue {
                due: d("2019-08-22"),
                submitted: None,
            },
            ReportDue {
                due: d("2018-08-22"),
                submitted: Some(d("2018-10-01")),
            },
            ReportDue {
                due: d("2017-08-22"),
                submitted: Some(d("2017-08-01")),
            },
        ];
        let s = activities(&[
            ("2015-01-01", SIGNED),
            ("2015-02-01", VISIT),
            ("2019-08-01", VISIT),
        ]);
        let x = assess(&a, Some(&s), d("2019-08-22"), &HealthRules::default());
        assert!(
            !x.reasons
                .iter()
                .any(|r| matches!(r, Reason::ReportsOverdue { .. })),
            "{:?}",
            x.reasons
        );
        assert!(x.reasons.contains(&Reason::ReportsLate { count: 1 }));
        assert!(x.derived_late_reports);
        let x = assess(&a, Some(&s), d("2019-08-23"), &HealthRules::default());
        assert!(x.reasons.contains(&Reason::ReportsOverdue {
            count: 1,
            oldest_due: d("2019-08-22")
        }));
    }

    #[test]
    fn a_hand_set_late_reports_tag_is_not_derived_twice() {
        let mut a = agreement("2015-01-01", None);
        a.obstacles = vec![TagSpan {
            tag: "late-reports".into(),
            from: d("2015-06-01"),
            until: None,
        }];
        a.reporting.reports = vec![ReportDue {
            due: d("2016-01-01"),
            submitted: None,
        }];
        let s = activities(&[
            ("2015-01-01", SIGNED),
            ("2015-02-01", VISIT),
            ("2019-08-01", VISIT),
        ]);
        let x = assess(&a, Some(&s), d("2019-08-22"), &HealthRules::default());
        assert!(!x.derived_late_reports);
        assert!(x.reasons.contains(&Reason::Obstacle {
            tag: "late-reports".into()
        }));
    }

    #[test]
    fn ceremonial_is_judged_a_year_after_signing() {
        let a = agreement("2018-01-01", Some("2023-01-01"));
        let only_signing = activities(&[("2018-01-01", SIGNED)]);
        let ceremonial = Reason::CeremonialSuspected {
            signed: d("2018-01-01"),
        };
        assert!(!reasons(&a, &only_signing, "2018-12-31").contains(&ceremonial));
        assert!(reasons(&a, &only_signing, "2019-01-01").contains(&ceremonial));
        let with_visit = activities(&[("2018-01-01", SIGNED), ("2018-06-01", VISIT)]);
        assert!(!reasons(&a, &with_visit, "2019-06-01").contains(&ceremonial));
        // A visit more than a year after signing does not clear the suspicion.
        let late_visit = activities(&[("2018-01-01", SIGNED), ("2019-06-01", VISIT)]);
        assert!(reasons(&a, &late_visit, "2019-07-01").contains(&ceremonial));
    }

    #[test]
    fn the_term_in_force_is_the_latest_signed_by_today() {
        let mut a = agreement("2023-10-12", Some("2028-10-12"));
        a.renewals = vec![Renewal {
            signed: Some(d("1996-10-21")),
            expires: Some(d("2001-10-21")),
            note: String::new(),
        }];
        let s = activities(&[
            ("1996-10-21", SIGNED),
            ("2000-01-01", VISIT),
            ("2019-08-01", VISIT),
        ]);
        assert!(reasons(&a, &s, "2019-08-22").contains(&Reason::Expired {
            on: d("2001-10-21")
        }));
        assert!(
            !reasons(&a, &s, "2024-01-01")
                .iter()
                .any(|r| matches!(r, Reason::Expired { .. }))
        );
    }

    #[test]
    fn terminated_and_not_yet_signed_agreements_are_not_in_the_queue() {
        let mut a = agreement("2015-01-01", Some("2016-01-01"));
        crate::domain::edits::set_status(&mut a, Status::Terminated, d("2015-06-01"));
        let s = activities(&[("2015-01-01", SIGNED)]);
        assert_eq!(
            assess(&a, Some(&s), d("2020-01-01"), &HealthRules::default()).severity,
            0
        );
        let b = agreement("2030-01-01", None);
        assert_eq!(
            assess(&b, None, d("2020-01-01"), &HealthRules::default()).severity,
            0
        );
    }

    #[test]
    fn recommendations_follow_the_reasons() {
        let expired = agreement("2010-01-01", Some("2015-01-01"));
        let s = activities(&[
            ("2010-01-01", SIGNED),
            ("2010-02-01", VISIT),
            ("2019-08-01", VISIT),
        ]);
        assert_eq!(
            assess(&expired, Some(&s), d("2019-08-22"), &HealthRules::default()).recommendation,
            Some(Recommendation::Renewal)
        );
        let quiet = agreement("2010-01-01", None);
        let q = activities(&[("2010-01-01", SIGNED), ("2010-02-01", VISIT)]);
        assert_eq!(
            assess(&quiet, Some(&q), d("2019-08-22"), &HealthRules::default()).recommendation,
            Some(Recommendation::Revitalization)
        );
        let well = agreement("2019-01-01", None);
        let w = activities(&[("2019-01-01", SIGNED), ("2019-02-01", VISIT)]);
        let x = assess(&well, Some(&w), d("2019-08-22"), &HealthRules::default());
        assert_eq!((x.severity, x.recommendation), (0, None));
    }
}
