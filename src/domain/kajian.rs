//! Assessments (kajian): which one a decision rests on, and when one is missing.
//!
//! An assessment is made for the next signing: for a proposal, the first MoU; for an
//! agreement in force, its renewal. So the assessment of a term is the latest one made after
//! the term before it was signed and by the day it was signed itself; the one for the
//! renewal being prepared is the latest made since the term in force was signed.

use chrono::{Days, NaiveDate};

use super::model::{Agreement, Assessment, Decision, Stage, Status, Verdict};
use super::triage::CEREMONIAL_WINDOW_DAYS;

/// The stage after which a proposal needs its assessment.
pub const ASSESSED_BY_STAGE: &str = "penjajakan";

/// The assessment the next signing rests on, as of `day`: the latest made by `day` since the
/// term in force then was signed (any made by `day`, when none is in force yet).
pub fn for_next_signing(a: &Agreement, day: NaiveDate) -> Option<&Assessment> {
    let since = a.term_on(day).and_then(|t| t.signed);
    a.assessments
        .iter()
        .filter(|x| x.on <= day && since.is_none_or(|s| x.on > s))
        .max_by_key(|x| x.on)
}

/// The assessment a term signed on `signed` rested on: the latest made after the term
/// before it was signed and by `signed`.
pub fn for_term(a: &Agreement, signed: NaiveDate) -> Option<&Assessment> {
    let before = a
        .terms()
        .filter_map(|t| t.signed)
        .filter(|s| *s < signed)
        .max();
    a.assessments
        .iter()
        .filter(|x| x.on <= signed && before.is_none_or(|b| x.on > b))
        .max_by_key(|x| x.on)
}

/// The latest assessment made by `day`, whatever it was for.
pub fn latest(a: &Agreement, day: NaiveDate) -> Option<&Assessment> {
    a.assessments
        .iter()
        .filter(|x| x.on <= day)
        .max_by_key(|x| x.on)
}

/// Whether moving `a` to stage `next` on `day` takes a proposal (or a renewal being
/// prepared) past `penjajakan` without an assessment for its next signing.
pub fn advance_needs_assessment(
    stages: &[Stage],
    a: &Agreement,
    next: &str,
    day: NaiveDate,
) -> bool {
    let at = |id: &str| stages.iter().position(|s| s.id == id);
    let (Some(gate), Some(to)) = (at(ASSESSED_BY_STAGE), at(next)) else {
        return false;
    };
    let preparing = matches!(
        a.status_on(day),
        Status::Proposed | Status::RenewalInProgress
    );
    preparing && to > gate && for_next_signing(a, day).is_none()
}

/// Whether recording a renewal of `a` on `day` would have no assessment to rest on.
pub fn renewal_needs_assessment(a: &Agreement, day: NaiveDate) -> bool {
    for_next_signing(a, day).is_none()
}

/// Why triage says an agreement is not assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// A proposal past `penjajakan` with no assessment.
    Proposal,
    /// A renewal is due, being prepared or decided, and none was made since the term in
    /// force was signed.
    Renewal,
    /// The term in force, signed on this day less than a year ago, renewed the MoU without
    /// an assessment.
    RenewedWithout(NaiveDate),
}

/// Whether `a` needs an assessment it does not have, as of `day`. `renewal_due` says
/// whether triage found the MoU ended or ending. A proposal is judged by its stage, which
/// is not dated: an agreement signed after `day` is not judged as a proposal then.
pub fn missing(
    stages: &[Stage],
    a: &Agreement,
    decision: Option<Decision>,
    renewal_due: bool,
    day: NaiveDate,
) -> Option<Missing> {
    let status = a.status_on(day);
    if status == Status::Terminated {
        return None;
    }
    let Some(term) = a.term_on(day) else {
        // Signed later: its stage then is not recorded, so a replay cannot judge it.
        if a.terms().any(|t| t.signed.is_some()) {
            return None;
        }
        let at = |id: &str| stages.iter().position(|s| s.id == id);
        let past_gate =
            matches!((at(ASSESSED_BY_STAGE), at(&a.stage)), (Some(g), Some(s)) if s > g);
        return (past_gate && latest(a, day).is_none()).then_some(Missing::Proposal);
    };
    let preparing = renewal_due
        || status == Status::RenewalInProgress
        || matches!(decision, Some(Decision::Renewal | Decision::Revitalization));
    if preparing && for_next_signing(a, day).is_none() {
        return Some(Missing::Renewal);
    }
    let signed = term.signed?;
    let renewed = a.terms().filter_map(|t| t.signed).any(|s| s < signed);
    let recent = signed
        .checked_add_days(Days::new(CEREMONIAL_WINDOW_DAYS))
        .is_some_and(|end| day <= end);
    (renewed && recent && for_term(a, signed).is_none()).then_some(Missing::RenewedWithout(signed))
}

/// An assessment's overall reading: any principle with concerns, all four safe, or some
/// not assessed yet.
pub fn overall(x: &Assessment) -> Verdict {
    use super::model::Principle;
    let verdicts = Principle::ALL.map(|p| x.judgement(p).verdict);
    if verdicts.contains(&Verdict::Concerns) {
        Verdict::Concerns
    } else if verdicts.iter().all(|v| *v == Verdict::Safe) {
        Verdict::Safe
    } else {
        Verdict::NotAssessed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::default_stages;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Renewal, StatusChange};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn proposal(stage: &str) -> Agreement {
        Agreement::new(1, "jawa-tengah", "fujian", stage)
    }

    #[test]
    fn a_proposal_needs_an_assessment_past_penjajakan() {
        let stages = default_stages();
        let day = d("2024-01-10");
        let a = proposal("prakarsa");
        assert!(!advance_needs_assessment(&stages, &a, "penjajakan", day));
        let a = proposal("penjajakan");
        assert!(advance_needs_assessment(
            &stages,
            &a,
            "pernyataan-kehendak",
            day
        ));
        assert_eq!(missing(&stages, &a, None, false, day), None);
        let mut past = proposal("pernyataan-kehendak");
        assert_eq!(
            missing(&stages, &past, None, false, day),
            Some(Missing::Proposal)
        );
        // An assessment made later does not count on the day.
        past.assessments.push(Assessment::new(d("2024-01-11")));
        assert!(advance_needs_assessment(
            &stages,
            &past,
            "rencana-kerja-sama",
            day
        ));
        assert_eq!(
            missing(&stages, &past, None, false, day),
            Some(Missing::Proposal)
        );
        let next = d("2024-01-11");
        assert!(!advance_needs_assessment(
            &stages,
            &past,
            "rencana-kerja-sama",
            next
        ));
        assert_eq!(missing(&stages, &past, None, false, next), None);
    }

    fn in_force() -> Agreement {
        let mut a = proposal("pelaksanaan");
        a.renewals.push(Renewal {
            signed: Some(d("2014-08-06")),
            expires: Some(d("2019-08-06")),
            note: String::new(),
        });
        a.signed = Some(d("2019-08-06"));
        a.expires = Some(d("2024-08-06"));
        a
    }

    #[test]
    fn a_renewal_rests_on_an_assessment_made_since_the_term_was_signed() {
        let stages = default_stages();
        let mut a = in_force();
        // Made for the 2019 renewal.
        a.assessments.push(Assessment::new(d("2019-05-01")));
        let day = d("2024-06-01");
        assert!(renewal_needs_assessment(&a, day));
        assert_eq!(
            missing(&stages, &a, None, true, day),
            Some(Missing::Renewal)
        );
        assert_eq!(missing(&stages, &a, None, false, day), None);
        assert_eq!(
            missing(&stages, &a, Some(Decision::Revitalization), false, day),
            Some(Missing::Renewal)
        );
        a.statuses.push(StatusChange {
            status: Status::RenewalInProgress,
            on: d("2024-03-01"),
        });
        assert!(advance_needs_assessment(&stages, &a, "verifikasi", day));
        a.assessments.push(Assessment::new(d("2024-05-31")));
        assert!(!renewal_needs_assessment(&a, day));
        assert_eq!(missing(&stages, &a, None, true, day), None);
        assert_eq!(
            for_term(&a, d("2019-08-06")).map(|x| x.on),
            Some(d("2019-05-01"))
        );
        // The assessment of the signing day itself counts for that term.
        assert_eq!(
            for_next_signing(&a, d("2019-08-06")).map(|x| x.on),
            None,
            "made before the term in force on that day was signed"
        );
    }

    #[test]
    fn a_renewal_without_an_assessment_is_marked_for_a_year() {
        let stages = default_stages();
        let a = in_force();
        assert_eq!(
            missing(&stages, &a, None, false, d("2020-08-05")),
            Some(Missing::RenewedWithout(d("2019-08-06"))),
            "365 days on (2020 is a leap year)"
        );
        assert_eq!(missing(&stages, &a, None, false, d("2020-08-06")), None);
        let mut first = a.clone();
        first.renewals.clear();
        assert_eq!(missing(&stages, &first, None, false, d("2019-09-01")), None);
    }

    #[test]
    fn the_overall_reading() {
        let mut x = Assessment::new(d("2024-01-01"));
        assert_eq!(overall(&x), Verdict::NotAssessed);
        for p in crate::domain::Principle::ALL {
            x.judgement_mut(p).verdict = Verdict::Safe;
        }
        assert_eq!(overall(&x), Verdict::Safe);
        x.security.verdict = Verdict::Concerns;
        assert_eq!(overall(&x), Verdict::Concerns);
    }
}
