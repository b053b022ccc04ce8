//! Records as they stood on a given day.
//!
//! Every dated fact (a signing, a recorded status, a tag set or cleared, an activity, a report
//! submitted, a decision, a follow-up) counts from its date. [`Catalog::as_of`] gives the
//! catalog a past meeting saw: the MoU term in force that day with only the earlier ones as
//! its history, the statuses and tags of that day, the timeline up to it, the reports due by
//! then and the next one, and none of what came later. Every view and command that takes an
//! "as of" date shows this projection, so none of them can mix in the future.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::catalog::Catalog;
use super::model::{
    Agreement, AgreementId, Attention, Renewal, ReportDue, Reporting, Status, StatusChange,
};
use super::summary::{ActivitySummary, FieldDays};

/// One term of an MoU: when it was signed and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub signed: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
}

impl Term {
    /// Whether the term has ended by `day` (it is over the day after it expires).
    pub fn ended_by(&self, day: NaiveDate) -> bool {
        self.expires.is_some_and(|e| e < day)
    }
}

impl Agreement {
    /// Every term of the MoU, oldest first, the one in force (as recorded) last.
    pub fn terms(&self) -> impl Iterator<Item = Term> + '_ {
        self.renewals
            .iter()
            .map(|r| Term {
                signed: r.signed,
                expires: r.expires,
            })
            .chain(
                (self.signed.is_some() || self.expires.is_some()).then_some(Term {
                    signed: self.signed,
                    expires: self.expires,
                }),
            )
    }

    /// The term in force on `day`: the latest one signed by then. A term without a signing
    /// date counts as always signed. `None` before the first signing.
    pub fn term_on(&self, day: NaiveDate) -> Option<Term> {
        self.terms()
            .filter(|t| t.signed.is_none_or(|s| s <= day))
            .last()
    }

    /// Whether a term was signed after `after` and by `day`.
    fn signed_between(&self, after: NaiveDate, day: NaiveDate) -> bool {
        self.terms()
            .any(|t| t.signed.is_some_and(|s| after < s && s <= day))
    }

    /// The status recorded last on or before `day` (a later entry wins a tie).
    pub fn recorded_status_on(&self, day: NaiveDate) -> Option<StatusChange> {
        self.statuses.iter().rfind(|c| c.on <= day).copied()
    }

    /// The agreement's status on `day`, from its recorded statuses and its MoU's dates.
    pub fn status_on(&self, day: NaiveDate) -> Status {
        let term = self.term_on(day);
        let by_dates = || match term {
            None => Status::Proposed,
            Some(t) if t.ended_by(day) => Status::Expired,
            Some(_) => Status::Active,
        };
        let ended = term.is_some_and(|t| t.ended_by(day));
        match self.recorded_status_on(day) {
            None => by_dates(),
            Some(StatusChange {
                status: Status::Terminated,
                ..
            }) => Status::Terminated,
            Some(StatusChange {
                status: Status::Active,
                ..
            }) => {
                if ended {
                    Status::Expired
                } else {
                    Status::Active
                }
            }
            Some(c) if self.signed_between(c.on, day) => by_dates(),
            // Recorded while the MoU was in force, "dormant" gives way to its end; recorded
            // after the end, it is a judgement about an ended MoU and holds.
            Some(StatusChange {
                status: Status::Dormant,
                on,
            }) if ended && term.and_then(|t| t.expires).is_some_and(|e| on <= e) => Status::Expired,
            Some(c) => c.status,
        }
    }

    /// The obstacle tags that hold on `day`, in the order they were set.
    pub fn tags_on(&self, day: NaiveDate) -> impl Iterator<Item = &str> + '_ {
        self.obstacles
            .iter()
            .filter(move |s| s.holds_on(day))
            .map(|s| s.tag.as_str())
    }

    /// The tags set and not cleared, whatever their dates: what the record holds now.
    pub fn current_tags(&self) -> impl Iterator<Item = &str> + '_ {
        self.obstacles
            .iter()
            .filter(|s| s.until.is_none())
            .map(|s| s.tag.as_str())
    }

    /// Whether tag `id` is set (and not cleared).
    pub fn has_tag(&self, id: &str) -> bool {
        self.current_tags().any(|t| t == id)
    }

    /// The first day anything is known of the agreement: a signing, a recorded status, a tag,
    /// or (from its timeline's summary) an activity. `None` when nothing is dated.
    pub fn known_from(&self, summary: Option<&ActivitySummary>) -> Option<NaiveDate> {
        self.terms()
            .filter_map(|t| t.signed)
            .chain(self.statuses.iter().map(|c| c.on))
            .chain(self.obstacles.iter().map(|s| s.from))
            .chain(summary.and_then(ActivitySummary::first))
            .min()
    }

    /// The agreement as it stood on `day`, or `None` when nothing of it existed yet.
    pub fn as_of(&self, day: NaiveDate, summary: Option<&ActivitySummary>) -> Option<Agreement> {
        if self.known_from(summary).is_some_and(|first| first > day) {
            return None;
        }
        let mut terms: Vec<(Term, String)> = self
            .renewals
            .iter()
            .map(|r| {
                (
                    Term {
                        signed: r.signed,
                        expires: r.expires,
                    },
                    r.note.clone(),
                )
            })
            .collect();
        if self.signed.is_some() || self.expires.is_some() {
            terms.push((
                Term {
                    signed: self.signed,
                    expires: self.expires,
                },
                String::new(),
            ));
        }
        let in_force = terms
            .iter()
            .rposition(|(t, _)| t.signed.is_none_or(|s| s <= day));
        let (current, earlier) = match in_force {
            Some(i) => (Some(terms[i].0), &terms[..i]),
            None => (None, &terms[..0]),
        };
        let mut a = self.clone();
        a.signed = current.and_then(|t| t.signed);
        a.expires = current.and_then(|t| t.expires);
        a.renewals = earlier
            .iter()
            .map(|(t, note)| Renewal {
                signed: t.signed,
                expires: t.expires,
                note: note.clone(),
            })
            .collect();
        a.statuses.retain(|c| c.on <= day);
        a.obstacles.retain(|s| s.from <= day);
        for span in &mut a.obstacles {
            if span.until.is_some_and(|u| u > day) {
                span.until = None;
            }
        }
        a.reporting = self.reporting.as_of(day);
        a.assessments.retain(|x| x.on <= day);
        Some(a)
    }
}

impl Reporting {
    /// The reports due by `day`, with only the submissions made by then, and the next one due.
    pub fn as_of(&self, day: NaiveDate) -> Reporting {
        let mut reports: Vec<ReportDue> = self
            .reports
            .iter()
            .filter(|r| r.due <= day)
            .cloned()
            .collect();
        if let Some(next) = self
            .reports
            .iter()
            .filter(|r| r.due > day)
            .min_by_key(|r| r.due)
        {
            reports.push(next.clone());
        }
        for r in &mut reports {
            if r.submitted.is_some_and(|s| s > day) {
                r.submitted = None;
            }
        }
        Reporting {
            period_months: self.period_months,
            reports,
        }
    }
}

impl Attention {
    /// The triage notes as they stood on `day`: the decision then in force, the snooze and
    /// the follow-ups agreed by then (done only if done by then). `None` when nothing was
    /// noted yet. Entries without a date (kept before dates were) count as always there.
    pub fn as_of(&self, day: NaiveDate) -> Option<Attention> {
        let known = |d: Option<NaiveDate>| d.is_none_or(|d| d <= day);
        let mut n = self.clone();
        if !known(self.decided) {
            n.decision = None;
            n.decided = None;
            if let Some(past) = self
                .past_decisions
                .iter()
                .rev()
                .find(|p| known(p.decided) && day < p.until)
            {
                n.decision = Some(past.decision);
                n.decided = past.decided;
            }
        }
        n.past_decisions.retain(|p| p.until <= day);
        if !known(self.snoozed_on) {
            n.snoozed_until = None;
            n.snoozed_on = None;
            n.snooze_note.clear();
        }
        n.follow_ups.retain(|f| known(f.noted));
        for f in &mut n.follow_ups {
            if f.done.is_some_and(|d| d > day) {
                f.done = None;
            }
        }
        (!n.is_empty()).then_some(n)
    }
}

impl ActivitySummary {
    /// The timeline's summary with only the activities up to `day`.
    pub fn as_of(&self, day: NaiveDate) -> ActivitySummary {
        let day = day.num_days_from_ce();
        let keep = |days: &[i32]| days[..days.partition_point(|&d| d <= day)].to_vec();
        ActivitySummary {
            days: keep(&self.days),
            signings: keep(&self.signings),
            fields: self
                .fields
                .iter()
                .map(|f| FieldDays {
                    field: f.field.clone(),
                    days: keep(&f.days),
                })
                .filter(|f| !f.days.is_empty())
                .collect(),
        }
    }
}

impl Catalog {
    /// The catalog as it stood on `day` (see the module's documentation). Regions, partners,
    /// stages and tags are kept whole: they are the vocabulary, not facts with dates.
    pub fn as_of(&self, day: NaiveDate) -> Catalog {
        let mut agreements = Vec::with_capacity(self.agreements.len());
        let mut summaries = HashMap::with_capacity(self.summaries.len());
        for a in &self.agreements {
            let summary = self.summary(a.id);
            if let Some(past) = a.as_of(day, summary) {
                if let Some(s) = summary {
                    let s = s.as_of(day);
                    if !s.days.is_empty() {
                        summaries.insert(a.id, s);
                    }
                }
                agreements.push(past);
            }
        }
        let mut catalog = Catalog::new(
            self.stages.clone(),
            Vec::new(),
            self.regions.clone(),
            self.partners.clone(),
            agreements,
            summaries,
        );
        catalog.tags = self.tags.clone();
        catalog.versions = catalog
            .agreements
            .iter()
            .map(|a| (a.id, self.version(a.id)))
            .collect();
        catalog.attention = self
            .attention
            .iter()
            .filter(|(id, _)| catalog.agreement(**id).is_some())
            .filter_map(|(id, n)| Some((*id, n.as_of(day)?)))
            .collect();
        catalog.generation = self.generation;
        catalog
    }

    /// Takes agreement `id` from `real` (the whole record) into this projection as of `day`,
    /// with its summary and triage notes: how a projected catalog follows a saved change
    /// without projecting everything again.
    pub fn follow(&mut self, real: &Catalog, id: AgreementId, day: NaiveDate) {
        let summary = real.summary(id);
        let past = real.agreement(id).and_then(|a| a.as_of(day, summary));
        let version = if past.is_some() { real.version(id) } else { 0 };
        let exists = past.is_some();
        self.put_agreement(id, past, version);
        if !exists {
            return;
        }
        match summary.map(|s| s.as_of(day)).filter(|s| !s.days.is_empty()) {
            Some(s) => {
                self.summaries.insert(id, s);
            }
            None => {
                self.summaries.remove(&id);
            }
        }
        match real.attention.get(&id).and_then(|n| n.as_of(day)) {
            Some(n) => {
                self.attention.insert(id, n);
            }
            None => {
                self.attention.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Decision, FollowUp, PastDecision, TagSpan};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn renewed() -> Agreement {
        let mut a = Agreement::new(1, "jawa-tengah", "chungcheongbuk-do", "pelaksanaan");
        a.renewals.push(Renewal {
            signed: Some(d("2013-10-12")),
            expires: Some(d("2018-10-12")),
            note: "first term".into(),
        });
        a.signed = Some(d("2023-10-12"));
        a.expires = Some(d("2028-10-12"));
        a
    }

    #[test]
    fn a_renewal_signed_on_the_day_is_the_term_in_force_that_day() {
        let a = renewed();
        let before = a.as_of(d("2023-10-11"), None).unwrap();
        assert_eq!(before.signed, Some(d("2013-10-12")));
        assert_eq!(before.expires, Some(d("2018-10-12")));
        assert!(before.renewals.is_empty(), "no earlier term in 2023");
        assert_eq!(a.status_on(d("2023-10-11")), Status::Expired);
        let on = a.as_of(d("2023-10-12"), None).unwrap();
        assert_eq!(on.signed, Some(d("2023-10-12")));
        assert_eq!(on.renewals.len(), 1);
        assert_eq!(on.renewals[0].note, "first term");
        assert_eq!(a.status_on(d("2023-10-12")), Status::Active);
    }

    #[test]
    fn nothing_exists_before_the_first_dated_fact() {
        let a = renewed();
        assert!(a.as_of(d("2013-10-11"), None).is_none());
        assert!(a.as_of(d("2013-10-12"), None).is_some());
        let mut summary = ActivitySummary::default();
        summary.add(d("2012-02-01"), crate::domain::ActivityKind::Visit);
        assert!(a.as_of(d("2012-02-01"), Some(&summary)).is_some());
        assert!(
            Agreement::new(2, "r", "p", "s")
                .as_of(d("1990-01-01"), None)
                .is_some()
        );
    }

    #[test]
    fn an_expiry_counts_from_the_day_after() {
        let a = renewed();
        assert_eq!(a.status_on(d("2018-10-12")), Status::Active);
        assert_eq!(a.status_on(d("2018-10-13")), Status::Expired);
    }

    #[test]
    fn recorded_statuses_hold_from_their_day_until_a_signing() {
        let mut a = renewed();
        a.statuses = vec![
            StatusChange {
                status: Status::Dormant,
                on: d("2016-01-01"),
            },
            StatusChange {
                status: Status::RenewalInProgress,
                on: d("2020-05-01"),
            },
        ];
        assert_eq!(a.status_on(d("2015-12-31")), Status::Active);
        assert_eq!(a.status_on(d("2016-01-01")), Status::Dormant);
        // The term ended: expired, though recorded dormant while it was in force.
        assert_eq!(a.status_on(d("2019-01-01")), Status::Expired);
        let mut after_end = a.clone();
        after_end.statuses.truncate(0);
        after_end.statuses.push(StatusChange {
            status: Status::Dormant,
            on: d("2018-10-13"),
        });
        assert_eq!(after_end.status_on(d("2019-01-01")), Status::Dormant);
        assert_eq!(a.status_on(d("2020-05-01")), Status::RenewalInProgress);
        assert_eq!(a.status_on(d("2023-10-11")), Status::RenewalInProgress);
        // The renewal's signing ends "renewal in progress".
        assert_eq!(a.status_on(d("2023-10-12")), Status::Active);
        a.statuses.push(StatusChange {
            status: Status::Terminated,
            on: d("2025-03-03"),
        });
        assert_eq!(a.status_on(d("2025-03-02")), Status::Active);
        assert_eq!(a.status_on(d("2025-03-03")), Status::Terminated);
        let past = a.as_of(d("2020-05-01"), None).unwrap();
        assert_eq!(past.statuses.len(), 2);
        assert_eq!(past.status_on(d("2020-05-01")), Status::RenewalInProgress);
    }

    #[test]
    fn unsigned_agreements_are_proposed_and_recorded_active_ones_stay_active() {
        let mut a = Agreement::new(3, "r", "p", "s");
        assert_eq!(a.status_on(d("2020-01-01")), Status::Proposed);
        a.statuses.push(StatusChange {
            status: Status::Active,
            on: d("2019-01-01"),
        });
        assert_eq!(a.status_on(d("2020-01-01")), Status::Active);
        assert_eq!(a.status_on(d("2018-12-31")), Status::Proposed);
    }

    #[test]
    fn a_tag_cleared_on_the_day_no_longer_holds_that_day() {
        let mut a = renewed();
        a.obstacles = vec![
            TagSpan {
                tag: "pandemic".into(),
                from: d("2020-03-15"),
                until: Some(d("2022-06-01")),
            },
            TagSpan {
                tag: "communication".into(),
                from: d("2019-02-01"),
                until: None,
            },
        ];
        let on = |day: &str| a.tags_on(d(day)).collect::<Vec<_>>();
        assert_eq!(on("2019-08-22"), vec!["communication"]);
        assert_eq!(on("2020-03-14"), vec!["communication"]);
        assert_eq!(on("2020-03-15"), vec!["pandemic", "communication"]);
        assert_eq!(on("2022-05-31"), vec!["pandemic", "communication"]);
        assert_eq!(on("2022-06-01"), vec!["communication"]);
        let past = a.as_of(d("2021-01-01"), None).unwrap();
        assert_eq!(
            past.current_tags().collect::<Vec<_>>(),
            vec!["pandemic", "communication"],
            "the clearing has not happened yet in 2021"
        );
        assert!(a.has_tag("communication") && !a.has_tag("pandemic"));
    }

    #[test]
    fn reports_due_later_show_only_the_next_one() {
        let reporting = Reporting {
            period_months: Some(12),
            reports: ["2018-01-31", "2019-01-31", "2020-01-31", "2021-01-31"]
                .iter()
                .map(|due| ReportDue {
                    due: d(due),
                    submitted: Some(d(due) + chrono::Days::new(10)),
                })
                .collect(),
        };
        let past = reporting.as_of(d("2019-02-05"));
        let dues: Vec<_> = past.reports.iter().map(|r| r.due).collect();
        assert_eq!(
            dues,
            vec![d("2018-01-31"), d("2019-01-31"), d("2020-01-31")]
        );
        assert_eq!(past.reports[1].submitted, None, "submitted on 2019-02-10");
        let on = reporting.as_of(d("2019-02-10"));
        assert_eq!(on.reports[1].submitted, Some(d("2019-02-10")));
    }

    #[test]
    fn activities_on_the_day_count_and_the_next_day_does_not() {
        let mut s = ActivitySummary::default();
        s.add(d("2019-08-22"), crate::domain::ActivityKind::Meeting);
        s.add(d("2019-08-23"), crate::domain::ActivityKind::MouSigned);
        assert_eq!(s.as_of(d("2019-08-22")).count(), 1);
        assert!(s.as_of(d("2019-08-22")).signings.is_empty());
        assert_eq!(s.as_of(d("2019-08-23")).count(), 2);
    }

    #[test]
    fn decisions_and_follow_ups_count_from_their_dates() {
        let mut n = Attention::new(1);
        n.decision = Some(Decision::ProposeTermination);
        n.decided = Some(d("2023-05-01"));
        n.past_decisions.push(PastDecision {
            decision: Decision::Revitalization,
            decided: Some(d("2019-08-22")),
            until: d("2023-05-01"),
        });
        n.follow_ups.push(FollowUp {
            owner: "Biro".into(),
            due: d("2019-10-01"),
            next_step: "Call".into(),
            done: Some(d("2019-09-30")),
            noted: Some(d("2019-08-22")),
        });
        assert!(n.as_of(d("2019-08-21")).is_none());
        let meeting = n.as_of(d("2019-08-22")).unwrap();
        assert_eq!(meeting.decision, Some(Decision::Revitalization));
        assert!(meeting.past_decisions.is_empty());
        assert_eq!(meeting.follow_ups[0].done, None);
        let later = n.as_of(d("2023-05-01")).unwrap();
        assert_eq!(later.decision, Some(Decision::ProposeTermination));
        assert_eq!(later.past_decisions.len(), 1);
    }
}
