//! Taking a store from an older schema to this build's, when it is opened.
//!
//! Schema 1 → 2 gives obstacle tags and statuses their dates (see `domain::v1`), regions
//! their coordinates, activities their fields and outcomes, triage notes their history. Every
//! record that changes shape is rewritten, with the schema number, in one batch: a crash or a
//! kill during the migration leaves the store as it was (schema 1, opened and migrated again
//! next time) or wholly migrated, never half. The audit trail is kept as it was written: its
//! entries are history, in the words of their time.
//!
//! Schema 2 → 3 rebuilds every activity summary from its timeline, so that the summaries
//! carry the fields of cooperation each activity served (what triage's "fields idle" and
//! the fields pursued need without reading timelines).

use std::collections::HashMap;

use chrono::NaiveDate;

use serde::Deserialize;

use crate::domain::{Activity, ActivitySummary, AgreementId, v1};

use super::audit::Actor;
use super::keys;
use super::{Store, StoreError, encode};

/// What a migration did, for the message that says so once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    pub from: u32,
    pub to: u32,
    pub agreements: usize,
    pub activities: usize,
}

/// An activity summary as schemas 1 and 2 stored it.
#[derive(Debug, Deserialize)]
struct OldSummary {
    days: Vec<i32>,
    #[allow(dead_code)]
    signings: Vec<i32>,
}

impl std::fmt::Display for Migrated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == 2 {
            return write!(
                f,
                "migrated the store from schema 2 to 3: the activity summaries of {} agreements \
                 were rebuilt from {} activities, with the fields of cooperation they served",
                self.agreements, self.activities
            );
        }
        write!(
            f,
            "migrated the store from schema {} to {}: {} agreements and {} activities; obstacle \
             tags and statuses without dates now count from each agreement's signing (or from \
             the last status change in the audit trail)",
            self.from, self.to, self.agreements, self.activities
        )
    }
}

impl Store {
    /// Migrates a schema-1 store to schema 2 in one durable batch.
    pub(crate) fn migrate_from_1(&self, today: NaiveDate) -> Result<Migrated, StoreError> {
        let status_changed = self.status_changes()?;
        let mut batch = sled::Batch::default();

        let mut first_activity: HashMap<AgreementId, NaiveDate> = HashMap::new();
        for item in self.scan_prefix(&[keys::SUMMARY])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let summary: OldSummary = self.decode(&key, &value)?;
            let first = summary
                .days
                .first()
                .and_then(|d| NaiveDate::from_num_days_from_ce_opt(*d));
            if let (Some(id), Some(first)) = (keys::number_at(&key, 1), first) {
                first_activity.insert(id, first);
            }
        }

        let mut agreements = 0;
        for item in self.scan_prefix(&[keys::AGREEMENT])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let (version, old): (u64, v1::Agreement) = self.decode(&key, &value)?;
            let id = old.id;
            let new = old.upgrade(
                status_changed.get(&id).copied(),
                first_activity.get(&id).copied(),
                today,
            );
            batch.insert(key.to_vec(), encode(&(version, new))?);
            agreements += 1;
        }
        for item in self.scan_prefix(&[keys::REGION])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let old: v1::Region = self.decode(&key, &value)?;
            batch.insert(key.to_vec(), encode(&old.upgrade())?);
        }
        let mut activities = 0;
        for item in self.scan_prefix(&[keys::ACTIVITY])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let old: v1::Activity = self.decode(&key, &value)?;
            batch.insert(key.to_vec(), encode(&old.upgrade())?);
            activities += 1;
        }
        for item in self.scan_prefix(&[keys::ATTENTION])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let old: v1::Attention = self.decode(&key, &value)?;
            batch.insert(key.to_vec(), encode(&old.upgrade())?);
        }
        batch.insert(keys::META_SCHEMA, &2u32.to_be_bytes());
        let migrated = Migrated {
            from: v1::SCHEMA,
            to: 2,
            agreements,
            activities,
        };
        self.commit_audited(
            batch,
            &Actor::local(),
            "migrate",
            format!("schema {} to 2", v1::SCHEMA),
            None,
            None,
            // Every record is written again, about the size of the store's data.
            self.size_on_disk(),
        )?;
        Ok(migrated)
    }

    /// Migrates a schema-2 store to schema 3 in one durable batch: every activity summary
    /// is rebuilt from its timeline.
    pub(crate) fn migrate_from_2(&self) -> Result<Migrated, StoreError> {
        let mut summaries: HashMap<AgreementId, ActivitySummary> = HashMap::new();
        for item in self.scan_prefix(&[keys::SUMMARY])? {
            let (key, _) = item.map_err(|e| self.read_error(e))?;
            if let Some(id) = keys::number_at(&key, 1) {
                summaries.insert(id, ActivitySummary::default());
            }
        }
        let mut activities = 0;
        for item in self.scan_prefix(&[keys::ACTIVITY])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let a: Activity = self.decode(&key, &value)?;
            summaries.entry(a.agreement).or_default().add_activity(&a);
            activities += 1;
        }
        let mut batch = sled::Batch::default();
        for (id, summary) in &summaries {
            batch.insert(&keys::numbered(keys::SUMMARY, *id)[..], encode(summary)?);
        }
        batch.insert(keys::META_SCHEMA, &3u32.to_be_bytes());
        let migrated = Migrated {
            from: 2,
            to: 3,
            agreements: summaries.len(),
            activities,
        };
        self.commit_audited(
            batch,
            &Actor::local(),
            "migrate",
            "schema 2 to 3".to_string(),
            None,
            None,
            // Every summary is written again: a small part of the store.
            self.size_on_disk() / 4,
        )?;
        Ok(migrated)
    }

    /// The day of each agreement's last status change, from the audit trail (schema-1 JSON
    /// of the records before and after each change).
    fn status_changes(&self) -> Result<HashMap<AgreementId, NaiveDate>, StoreError> {
        let mut last: HashMap<AgreementId, NaiveDate> = HashMap::new();
        for entry in self.audit_entries()? {
            let statuses = |json: &Option<String>| -> HashMap<u64, String> {
                let Some(json) = json else {
                    return HashMap::new();
                };
                let Ok(records) = serde_json::from_str::<Vec<serde_json::Value>>(json) else {
                    return HashMap::new();
                };
                records
                    .iter()
                    .filter_map(|r| r.get("agreement"))
                    .filter_map(|a| {
                        Some((
                            a.get("id")?.as_u64()?,
                            a.get("status")?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            };
            let before = statuses(&entry.before);
            for (id, status) in statuses(&entry.after) {
                if before.get(&id).is_some_and(|b| *b != status) {
                    last.insert(id, entry.at.date_naive());
                }
            }
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Status, StatusChange};
    use chrono::Datelike;

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    /// Writes schema-1 records straight into a fresh store, as a release before schema 2
    /// left them.
    fn schema_1_store(dir: &std::path::Path) -> Store {
        let store = Store::open(dir, "test").unwrap();
        let db = store.db().unwrap();
        let old = v1::Agreement {
            id: 8,
            region: "dki-jakarta".into(),
            partner: "beijing".into(),
            kind: crate::domain::AgreementKind::SisterCity,
            status: Status::Dormant,
            stage: "pelaksanaan".into(),
            signed: Some(d("2009-04-16")),
            expires: None,
            renewals: Vec::new(),
            fields: Vec::new(),
            contacts: Vec::new(),
            notes: String::new(),
            obstacles: vec!["communication".into()],
            reporting: Default::default(),
        };
        db.insert(
            keys::numbered(keys::AGREEMENT, 8),
            encode(&(3u64, &old)).unwrap(),
        )
        .unwrap();
        db.insert(keys::META_SCHEMA, &1u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
        store
    }

    #[test]
    fn a_schema_1_store_is_migrated_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        drop(schema_1_store(dir.path()));
        let store = Store::open(dir.path(), "test").unwrap();
        assert!(
            store.notices().iter().any(|n| n.contains("schema 1 to 2")),
            "{:?}",
            store.notices()
        );
        let (version, a) = store.agreement(8).unwrap().unwrap();
        assert_eq!(version, 3);
        assert_eq!(a.obstacles[0].from, d("2009-04-16"));
        assert_eq!(
            a.statuses,
            vec![StatusChange {
                status: Status::Dormant,
                on: d("2009-04-16")
            }]
        );
        let entries = store.audit_entries().unwrap();
        assert_eq!(entries.last().unwrap().action, "migrate");
        drop(store);
        // Once only.
        let again = Store::open(dir.path(), "test").unwrap();
        assert!(again.notices().iter().all(|n| !n.contains("schema 1 to 2")));
    }

    #[test]
    fn a_schema_2_store_gets_summaries_with_fields() {
        #[derive(serde::Serialize)]
        struct Schema2Summary {
            days: Vec<i32>,
            signings: Vec<i32>,
        }
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), "test").unwrap();
            let db = store.db().unwrap();
            let a = crate::domain::Agreement::new(4, "jawa-tengah", "siem-reap", "pelaksanaan");
            db.insert(
                keys::numbered(keys::AGREEMENT, 4),
                encode(&(1u64, &a)).unwrap(),
            )
            .unwrap();
            let activity = Activity {
                id: 9,
                agreement: 4,
                date: d("2018-05-02"),
                kind: crate::domain::ActivityKind::Visit,
                title: "Temple restoration visit".into(),
                description: String::new(),
                participants: Vec::new(),
                fields: vec!["pelestarian cagar budaya".into()],
                outcome: None,
            };
            db.insert(keys::activity(4, 9), encode(&activity).unwrap())
                .unwrap();
            let old = Schema2Summary {
                days: vec![activity.date.num_days_from_ce()],
                signings: Vec::new(),
            };
            db.insert(keys::numbered(keys::SUMMARY, 4), encode(&old).unwrap())
                .unwrap();
            db.insert(keys::META_SCHEMA, &2u32.to_be_bytes()).unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path(), "test").unwrap();
        assert!(
            store.notices().iter().any(|n| n.contains("schema 2 to 3")),
            "{:?}",
            store.notices()
        );
        let summary = store.summary(4).unwrap().unwrap();
        assert_eq!(
            summary,
            ActivitySummary::of(&store.activities_of(4).unwrap())
        );
        assert_eq!(summary.fields[0].field, "pelestarian cagar budaya");
        drop(store);
        let again = Store::open(dir.path(), "test").unwrap();
        assert!(again.notices().iter().all(|n| !n.contains("schema 2 to 3")));
    }
}
