//! Changes people make, as data: which records, before and after.
//!
//! A [`Change`] lists the records it touches with their values before and after; the store
//! applies one atomically and durably (`store::edit`), and the dashboard and the server patch
//! their catalog with one once it is saved ([`Catalog::patch`]). Nothing here does I/O.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::model::{Activity, Agreement, AgreementId, Attention, Partner, Region, Tag};
use super::summary::ActivitySummary;
use super::text::display_safe;
use super::validate;

/// A record a change touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Agreement(Agreement),
    Activity(Activity),
    Tag(Tag),
    Partner(Partner),
    /// Triage decisions, snoozes and follow-ups of one agreement.
    Attention(Attention),
    /// A province, regency or city (its seat of government is what people change).
    Region(Region),
}

/// Which record, independent of its contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKey {
    Agreement(AgreementId),
    Activity(AgreementId, u64),
    Tag(String),
    Partner(String),
    Attention(AgreementId),
    Region(String),
}

impl Record {
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Agreement(a) => RecordKey::Agreement(a.id),
            Record::Activity(a) => RecordKey::Activity(a.agreement, a.id),
            Record::Tag(t) => RecordKey::Tag(t.id.clone()),
            Record::Partner(p) => RecordKey::Partner(p.id.clone()),
            Record::Attention(n) => RecordKey::Attention(n.agreement),
            Record::Region(r) => RecordKey::Region(r.id.clone()),
        }
    }

    /// How the record is named in messages and the audit log.
    pub fn label(&self) -> String {
        match self {
            Record::Agreement(a) => validate::agreement_label(a),
            Record::Activity(a) => validate::activity_label(a),
            Record::Tag(t) => format!("tag {}", display_safe(&t.id)),
            Record::Partner(p) => format!("partner {}", display_safe(&p.id)),
            Record::Attention(n) => validate::attention_label(n),
            Record::Region(r) => format!("region {}", display_safe(&r.id)),
        }
    }
}

/// One record's move from `before` to `after`. `None` before means "created", `None` after
/// means "deleted".
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub before: Option<Record>,
    pub after: Option<Record>,
}

impl Edit {
    pub fn create(record: Record) -> Edit {
        Edit {
            before: None,
            after: Some(record),
        }
    }

    pub fn update(before: Record, after: Record) -> Edit {
        Edit {
            before: Some(before),
            after: Some(after),
        }
    }

    pub fn delete(record: Record) -> Edit {
        Edit {
            before: Some(record),
            after: None,
        }
    }

    /// The record this edit is about.
    pub fn key(&self) -> Option<RecordKey> {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .map(Record::key)
    }
}

/// What one save changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What the person did, as the audit log says it: "create", "update", "log activity"...
    pub action: String,
    pub edits: Vec<Edit>,
    /// The record version of each agreement the editor started from. Saving is refused when
    /// the store holds another version.
    pub versions: BTreeMap<AgreementId, u64>,
}

impl Change {
    pub fn new(action: impl Into<String>) -> Change {
        Change {
            action: action.into(),
            edits: Vec::new(),
            versions: BTreeMap::new(),
        }
    }

    pub fn with(mut self, edit: Edit) -> Change {
        self.edits.push(edit);
        self
    }

    /// Expects agreement `id` to be at `version` when the change is applied.
    pub fn expecting(mut self, id: AgreementId, version: u64) -> Change {
        self.versions.insert(id, version);
        self
    }

    /// The change that takes the store back: every edit reversed, expecting the versions
    /// this change left behind.
    pub fn inverse(
        &self,
        action: impl Into<String>,
        versions_after: &BTreeMap<u64, u64>,
    ) -> Change {
        Change {
            action: action.into(),
            edits: self
                .edits
                .iter()
                .rev()
                .map(|e| Edit {
                    before: e.after.clone(),
                    after: e.before.clone(),
                })
                .collect(),
            versions: versions_after.clone(),
        }
    }

    /// The first record the change is about, named for the status bar and the audit log.
    pub fn label(&self) -> String {
        let primary = self
            .edits
            .iter()
            .find_map(|e| match e.after.as_ref().or(e.before.as_ref()) {
                Some(r @ Record::Agreement(_)) => Some(r.label()),
                _ => None,
            })
            .or_else(|| {
                self.edits
                    .iter()
                    .find_map(|e| e.after.as_ref().or(e.before.as_ref()).map(Record::label))
            })
            .unwrap_or_default();
        let more = self.edits.len().saturating_sub(1);
        if more == 0 {
            primary
        } else {
            format!(
                "{primary} and {more} more record{}",
                if more == 1 { "" } else { "s" }
            )
        }
    }
}

impl Change {
    /// The agreement the change is about: the first agreement it writes, or whose timeline or
    /// triage notes it changes.
    pub fn about(&self) -> Option<AgreementId> {
        self.edits
            .iter()
            .find_map(|e| match e.after.as_ref().or(e.before.as_ref())? {
                Record::Agreement(a) => Some(a.id),
                Record::Activity(v) => Some(v.agreement),
                Record::Attention(n) => Some(n.agreement),
                _ => None,
            })
    }
}

impl Catalog {
    /// Brings the catalog up to date with a saved change, in place: `versions` are the
    /// agreement versions the store gave it (0 for a deleted agreement), `summaries` the new
    /// activity summaries of the agreements whose timeline it changed.
    pub fn patch(
        &mut self,
        change: &Change,
        versions: &BTreeMap<AgreementId, u64>,
        summaries: &[(AgreementId, Option<ActivitySummary>)],
    ) {
        for edit in &change.edits {
            match (&edit.before, &edit.after) {
                (_, Some(Record::Agreement(a))) => {
                    let version = versions.get(&a.id).copied().unwrap_or(1);
                    // Two sessions' changes can reach a shared catalog out of order: never
                    // trade a newer version of an agreement for an older one.
                    if self.version(a.id) <= version {
                        self.put_agreement(a.id, Some(a.clone()), version);
                    }
                }
                (Some(Record::Agreement(a)), None) => self.put_agreement(a.id, None, 0),
                (_, Some(Record::Partner(p))) => self.put_partner(&p.id, Some(p.clone())),
                (Some(Record::Partner(p)), None) => self.put_partner(&p.id, None),
                (_, Some(Record::Tag(t))) => self.put_tag(&t.id, Some(t.clone())),
                (Some(Record::Tag(t)), None) => self.put_tag(&t.id, None),
                (_, Some(Record::Region(r))) => self.put_region(&r.id, Some(r.clone())),
                (Some(Record::Region(r)), None) => self.put_region(&r.id, None),
                (_, Some(Record::Attention(n))) => {
                    self.attention.insert(n.agreement, n.clone());
                }
                (Some(Record::Attention(n)), None) => {
                    self.attention.remove(&n.agreement);
                }
                (_, Some(Record::Activity(_)))
                | (Some(Record::Activity(_)), None)
                | (None, None) => {}
            }
        }
        for (id, summary) in summaries {
            match summary {
                Some(s) => {
                    self.summaries.insert(*id, s.clone());
                }
                None => {
                    self.summaries.remove(id);
                }
            }
        }
    }
}
