//! Schema 1, kept to read what older releases wrote: stores (migrated when opened) and
//! interchange files (upgraded when imported).
//!
//! Schema 1 had no dates on obstacle tags or statuses: a tag was set or not, and the status
//! was whatever a coordinator last chose. Upgrading dates them as well as can be known: a tag
//! from the signing of the term in force, a status from its last change in the audit trail
//! (when a store has one) or else from that signing. A status is kept only where the dates
//! alone would not give it, so the agreement shows the same status today as before.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::builtin::default_stages;
use super::dataset::{Dataset, FORMAT_NAME, SCHEMA_VERSION};
use super::dates;
use super::edits::adopt_status;
use super::model::{
    self, ActivityId, ActivityKind, AgreementId, AgreementKind, Contact, Decision, Partner,
    RegionLevel, Renewal, Reporting, Stage, Status, Tag, TagSpan,
};

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub official_name: String,
    pub level: RegionLevel,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub short_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub id: AgreementId,
    pub region: String,
    pub partner: String,
    pub kind: AgreementKind,
    pub status: Status,
    pub stage: String,
    #[serde(with = "dates::optional", default)]
    pub signed: Option<NaiveDate>,
    #[serde(with = "dates::optional", default)]
    pub expires: Option<NaiveDate>,
    #[serde(default)]
    pub renewals: Vec<Renewal>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub obstacles: Vec<String>,
    #[serde(default)]
    pub reporting: Reporting,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub id: ActivityId,
    pub agreement: AgreementId,
    #[serde(with = "dates::required")]
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub participants: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub owner: String,
    #[serde(with = "dates::required")]
    pub due: NaiveDate,
    pub next_step: String,
    #[serde(with = "dates::optional", default)]
    pub done: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attention {
    pub agreement: AgreementId,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(with = "dates::optional", default)]
    pub decided: Option<NaiveDate>,
    #[serde(with = "dates::optional", default)]
    pub snoozed_until: Option<NaiveDate>,
    #[serde(default)]
    pub snooze_note: String,
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset1 {
    pub format: String,
    pub schema: u32,
    #[serde(default = "default_stages")]
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub attention: Vec<Attention>,
}

impl Region {
    pub fn upgrade(self) -> model::Region {
        model::Region {
            id: self.id,
            name: self.name,
            official_name: self.official_name,
            level: self.level,
            province: self.province,
            short_names: self.short_names,
            coordinates: None,
        }
    }
}

impl Activity {
    pub fn upgrade(self) -> model::Activity {
        model::Activity {
            id: self.id,
            agreement: self.agreement,
            date: self.date,
            kind: self.kind,
            title: self.title,
            description: self.description,
            participants: self.participants,
            fields: Vec::new(),
            outcome: None,
        }
    }
}

impl Attention {
    pub fn upgrade(self) -> model::Attention {
        model::Attention {
            agreement: self.agreement,
            decision: self.decision,
            decided: self.decided,
            past_decisions: Vec::new(),
            snoozed_until: self.snoozed_until,
            snoozed_on: None,
            snooze_note: self.snooze_note,
            follow_ups: self
                .follow_ups
                .into_iter()
                .map(|f| model::FollowUp {
                    owner: f.owner,
                    due: f.due,
                    next_step: f.next_step,
                    done: f.done,
                    noted: None,
                })
                .collect(),
        }
    }
}

impl Agreement {
    /// The agreement in schema 2. `status_changed` is when its status was last changed, when
    /// known (from a store's audit trail); `first_activity` the first day on its timeline;
    /// `today` the day of the upgrade, the last resort for a date.
    pub fn upgrade(
        self,
        status_changed: Option<NaiveDate>,
        first_activity: Option<NaiveDate>,
        today: NaiveDate,
    ) -> model::Agreement {
        let earliest = self
            .renewals
            .iter()
            .filter_map(|r| r.signed)
            .chain(self.signed)
            .chain(first_activity)
            .min();
        let since_signing = self.signed.or(earliest).unwrap_or(today);
        let status = self.status;
        let mut a = model::Agreement {
            id: self.id,
            region: self.region,
            partner: self.partner,
            kind: self.kind,
            statuses: Vec::new(),
            stage: self.stage,
            signed: self.signed,
            expires: self.expires,
            renewals: self.renewals,
            fields: self.fields,
            contacts: self.contacts,
            notes: self.notes,
            obstacles: Vec::new(),
            reporting: self.reporting,
            assessments: Vec::new(),
        };
        for tag in self.obstacles {
            if !a.obstacles.iter().any(|s| s.tag == tag) {
                a.obstacles.push(TagSpan {
                    tag,
                    from: since_signing,
                    until: None,
                });
            }
        }
        adopt_status(
            &mut a,
            status,
            status_changed.unwrap_or(since_signing),
            today,
        );
        a
    }
}

impl Dataset1 {
    /// The whole file in schema 2, as of `today` (see [`Agreement::upgrade`]).
    pub fn upgrade(self, today: NaiveDate) -> Dataset {
        let mut first: std::collections::HashMap<AgreementId, NaiveDate> =
            std::collections::HashMap::new();
        for v in &self.activities {
            first
                .entry(v.agreement)
                .and_modify(|d| *d = (*d).min(v.date))
                .or_insert(v.date);
        }
        Dataset {
            format: FORMAT_NAME.to_string(),
            schema: SCHEMA_VERSION,
            stages: self.stages,
            tags: self.tags,
            regions: self.regions.into_iter().map(Region::upgrade).collect(),
            partners: self.partners,
            agreements: self
                .agreements
                .into_iter()
                .map(|a| {
                    let first = first.get(&a.id).copied();
                    a.upgrade(None, first, today)
                })
                .collect(),
            activities: self.activities.into_iter().map(Activity::upgrade).collect(),
            attention: self.attention.into_iter().map(Attention::upgrade).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StatusChange;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn old(status: Status, signed: Option<&str>, expires: Option<&str>) -> Agreement {
        Agreement {
            id: 4,
            region: "jawa-tengah".into(),
            partner: "siem-reap".into(),
            kind: AgreementKind::SisterCity,
            status,
            stage: "pelaksanaan".into(),
            signed: signed.map(d),
            expires: expires.map(d),
            renewals: Vec::new(),
            fields: Vec::new(),
            contacts: Vec::new(),
            notes: String::new(),
            obstacles: vec!["communication".into(), "ownership".into()],
            reporting: Reporting::default(),
        }
    }

    #[test]
    fn undated_tags_count_from_the_signing() {
        let a = old(Status::Expired, Some("2013-03-26"), Some("2018-03-26")).upgrade(
            None,
            None,
            d("2026-12-01"),
        );
        assert_eq!(a.obstacles.len(), 2);
        assert!(a.obstacles.iter().all(|s| s.from == d("2013-03-26")));
        assert!(a.statuses.is_empty(), "expired follows from the dates");
        assert_eq!(a.status_on(d("2026-12-01")), Status::Expired);
    }

    #[test]
    fn a_status_the_dates_do_not_give_is_kept_with_its_date() {
        let today = d("2026-12-01");
        let a = old(Status::Dormant, Some("2009-04-16"), None).upgrade(None, None, today);
        assert_eq!(
            a.statuses,
            vec![StatusChange {
                status: Status::Dormant,
                on: d("2009-04-16")
            }]
        );
        let b = old(Status::Terminated, Some("2002-06-11"), None).upgrade(
            Some(d("2021-02-03")),
            None,
            today,
        );
        assert_eq!(b.statuses[0].on, d("2021-02-03"), "the audit's date wins");
        assert_eq!(b.status_on(d("2021-02-02")), Status::Active);
        assert_eq!(b.status_on(today), Status::Terminated);
        for status in Status::ALL {
            let dated = old(status, Some("2015-01-01"), Some("2030-01-01"));
            assert_eq!(
                dated.upgrade(None, None, today).status_on(today),
                status,
                "{status:?} survives the upgrade"
            );
        }
    }
}
