//! `kembar check`: does the store agree with itself?
//!
//! One pass over every key verifies that each value decodes as what its prefix says, that
//! the ids in a key are the ids in its record, and that each record passes the rules an
//! import applies. The derived data is then compared with what it derives from: each
//! agreement's activity summary with its timeline, the id counters with every id in use
//! (and every deleted agreement's), and the references between records (no activity, triage
//! note or summary of a missing agreement; no agreement naming a missing region, partner,
//! stage or tag).
//!
//! [`Store::repair`] rebuilds what is derived (summaries, counters, leftover tombstones) and
//! removes what cannot be used without its agreement (triage notes and activities of an
//! agreement that no longer exists), all in one audited change whose entry holds every
//! record removed, so nothing disappears silently. What only a person can decide (a record
//! that does not decode, an agreement whose region is gone) is reported with the fix.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::de::DeserializeOwned;

use crate::domain::validate::{self, ID_MAX, Invalid, Numbered};
use crate::domain::{
    Activity, ActivitySummary, Agreement, AgreementId, Attention, Partner, Region, RegionLevel,
    Stage, Tag,
};

use super::edit::{META_NEXT_ACTIVITY, META_NEXT_AGREEMENT, Record, records_json};
use super::{Actor, AuditEntry, Store, StoreError, encode, keys};

/// One thing wrong with a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The record or key, e.g. "activity summary of agreement 12".
    pub record: String,
    pub problem: String,
    pub remedy: Remedy,
}

/// What can be done about a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// `kembar check --repair` rebuilds it from the rest of the store.
    Rebuild,
    /// `--repair` removes the record; the repair's audit entry keeps it.
    Remove,
    /// Only a person can fix it; how.
    ByHand(String),
}

/// What a check found, with what it looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub agreements: usize,
    pub activities: usize,
    pub regions: usize,
    pub partners: usize,
    pub tags: usize,
    pub triage_notes: usize,
    pub audit_entries: usize,
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// How many findings `--repair` takes care of.
    pub fn repairable(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| !matches!(f.remedy, Remedy::ByHand(_)))
            .count()
    }
}

/// Most findings listed one by one; the rest are counted.
const MAX_LISTED: usize = 50;

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "checked {} agreements, {} activities, {} regions, {} partners, {} tags, {} triage \
             notes and {} audit entries",
            self.agreements,
            self.activities,
            self.regions,
            self.partners,
            self.tags,
            self.triage_notes,
            self.audit_entries
        )?;
        if self.findings.is_empty() {
            return writeln!(f, "no problems found");
        }
        let n = self.findings.len();
        writeln!(f, "{n} problem{}:", if n == 1 { "" } else { "s" })?;
        for finding in self.findings.iter().take(MAX_LISTED) {
            let remedy = match &finding.remedy {
                Remedy::Rebuild => "--repair rebuilds it".to_string(),
                Remedy::Remove => "--repair removes it; the audit log keeps it".to_string(),
                Remedy::ByHand(fix) => format!("fix: {fix}"),
            };
            writeln!(f, "  - {}: {} ({remedy})", finding.record, finding.problem)?;
        }
        if n > MAX_LISTED {
            writeln!(f, "  ... and {} more", n - MAX_LISTED)?;
        }
        Ok(())
    }
}

/// What a repair did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepairReport {
    /// One line per action.
    pub done: Vec<String>,
    /// The audit entry of the repair, when anything was written.
    pub entry: Option<AuditEntry>,
}

impl fmt::Display for RepairReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            None => writeln!(f, "nothing to repair"),
            Some(entry) => {
                writeln!(
                    f,
                    "repaired in one audited change (audit entry {}, `kembar log --json` \
                     shows every record it removed):",
                    entry.seq
                )?;
                for line in self.done.iter().take(MAX_LISTED) {
                    writeln!(f, "  - {line}")?;
                }
                if self.done.len() > MAX_LISTED {
                    writeln!(f, "  ... and {} more", self.done.len() - MAX_LISTED)?;
                }
                Ok(())
            }
        }
    }
}

/// Everything one pass over the store collects, for checking and for repairing.
#[derive(Default)]
struct Survey {
    report: CheckReport,
    stages: Vec<Stage>,
    regions: HashMap<String, Region>,
    partners: HashSet<String>,
    tags: HashSet<String>,
    /// Each agreement with only what other records are checked against (its references):
    /// a store of 100,000 agreements is surveyed in a few megabytes.
    agreements: BTreeMap<AgreementId, Agreement>,
    /// Each agreement's timeline as summarised from its activities.
    timelines: BTreeMap<AgreementId, ActivitySummary>,
    summaries: BTreeMap<AgreementId, ActivitySummary>,
    /// Activities of agreements that do not exist, with the agreement their key files them
    /// under. Agreement keys sort before activity keys, so every agreement is known by the
    /// time an activity is read, and only these orphans need to be kept whole.
    orphans: Vec<(AgreementId, Activity)>,
    activity_owner: HashMap<u64, AgreementId>,
    attention: Vec<Attention>,
    tombstones: Vec<AgreementId>,
    next_agreement: Option<u64>,
    next_activity: Option<u64>,
    has_schema: bool,
    has_identity: bool,
}

impl Store {
    /// Verifies the whole store; changes nothing.
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(self.survey()?.report)
    }

    /// Rebuilds what can be rebuilt and removes records orphaned by a missing agreement, in
    /// one audited change, then checks again. Returns what was done and what remains.
    pub fn repair(&self, actor: &Actor) -> Result<(RepairReport, CheckReport), StoreError> {
        self.repair_with(actor, false)
    }

    /// Rebuilds only what is derived from other records (activity summaries, id counters):
    /// what an interrupted change can leave behind, and safe to do unasked when the store
    /// is opened. Removing orphaned records stays a decision for `kembar check --repair`.
    pub(crate) fn rebuild_derived(
        &self,
        actor: &Actor,
    ) -> Result<(RepairReport, CheckReport), StoreError> {
        self.repair_with(actor, true)
    }

    fn repair_with(
        &self,
        actor: &Actor,
        derived_only: bool,
    ) -> Result<(RepairReport, CheckReport), StoreError> {
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let survey = self.survey()?;
        let mut batch = sled::Batch::default();
        let mut done = Vec::new();
        let mut removed: Vec<Record> = Vec::new();

        for (id, timeline) in &survey.timelines {
            if !survey.agreements.contains_key(id) {
                continue;
            }
            if survey.summaries.get(id) != Some(timeline) {
                batch.insert(&keys::numbered(keys::SUMMARY, *id), encode(timeline)?);
                done.push(format!(
                    "rebuilt the activity summary of agreement {id} from its {} activities",
                    timeline.count()
                ));
            }
        }
        for id in survey.summaries.keys() {
            if !survey.agreements.contains_key(id) {
                batch.remove(&keys::numbered(keys::SUMMARY, *id));
                done.push(format!(
                    "removed the activity summary of agreement {id}, which does not exist"
                ));
            } else if !survey.timelines.contains_key(id)
                && survey.summaries.get(id) != Some(&ActivitySummary::default())
            {
                batch.insert(
                    &keys::numbered(keys::SUMMARY, *id),
                    encode(&ActivitySummary::default())?,
                );
                done.push(format!(
                    "rebuilt the activity summary of agreement {id}, which has no activities"
                ));
            }
        }
        for (owner, a) in survey.orphans.iter().filter(|_| !derived_only) {
            batch.remove(&keys::activity(*owner, a.id));
            done.push(format!(
                "removed activity {} ({:?}, {}) of agreement {owner}, which does not exist; the \
                 audit log keeps it",
                a.id,
                crate::domain::text::display_safe(&a.title),
                a.date,
            ));
            removed.push(Record::Activity(a.clone()));
        }
        for n in survey.attention.iter().filter(|_| !derived_only) {
            if !survey.agreements.contains_key(&n.agreement) {
                batch.remove(&keys::numbered(keys::ATTENTION, n.agreement));
                done.push(format!(
                    "removed the triage notes of agreement {}, which does not exist; the audit \
                     log keeps them",
                    n.agreement
                ));
                removed.push(Record::Attention(n.clone()));
            }
        }
        for id in survey.tombstones.iter().filter(|_| !derived_only) {
            if survey.agreements.contains_key(id) {
                batch.remove(tombstone_key(*id));
                done.push(format!(
                    "removed the deletion marker of agreement {id}, which exists"
                ));
            }
        }
        let (agreement_floor, activity_floor) = survey.id_floors();
        if survey
            .next_agreement
            .is_some_and(|next| next < agreement_floor)
            && agreement_floor <= ID_MAX
        {
            batch.insert(META_NEXT_AGREEMENT, &agreement_floor.to_be_bytes());
            done.push(format!(
                "set the next agreement id to {agreement_floor}, past every id in use"
            ));
        }
        if survey
            .next_activity
            .is_some_and(|next| next < activity_floor)
            && activity_floor <= ID_MAX
        {
            batch.insert(META_NEXT_ACTIVITY, &activity_floor.to_be_bytes());
            done.push(format!(
                "set the next activity id to {activity_floor}, past every id in use"
            ));
        }
        if !derived_only && !survey.has_identity && survey.has_schema {
            batch.insert(keys::META_STORE_ID, &super::new_store_id());
            done.push("gave the store an identity for its saved search indexes".into());
        }

        let entry = if done.is_empty() {
            None
        } else {
            let n = done.len();
            Some(self.commit_audited(
                batch,
                actor,
                "repair",
                if derived_only {
                    format!(
                        "after an interrupted change: {n} derived record{} rebuilt",
                        if n == 1 { "" } else { "s" }
                    )
                } else {
                    format!(
                        "kembar check --repair: {n} repair{}",
                        if n == 1 { "" } else { "s" }
                    )
                },
                records_json(removed.iter()),
                None,
                0,
            )?)
        };
        let after = self.survey()?.report;
        Ok((RepairReport { done, entry }, after))
    }

    /// Reads every key once and checks what can be checked record by record, then the
    /// relations between records.
    fn survey(&self) -> Result<Survey, StoreError> {
        let mut s = Survey::default();
        let mut stage_list: Option<Vec<Stage>> = None;
        for item in self.db()?.iter() {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            s.key(&key, &value, &mut stage_list);
        }
        s.stages = stage_list.unwrap_or_else(crate::domain::builtin::default_stages);
        s.relations();
        Ok(s)
    }
}

fn tombstone_key(id: AgreementId) -> Vec<u8> {
    let mut key = keys::TOMBSTONE_PREFIX.to_vec();
    key.extend_from_slice(&id.to_be_bytes());
    key
}

impl Survey {
    fn find(&mut self, record: impl Into<String>, problem: impl Into<String>, remedy: Remedy) {
        self.report.findings.push(Finding {
            record: record.into(),
            problem: problem.into(),
            remedy,
        });
    }

    fn by_hand(&mut self, record: impl Into<String>, problem: impl Into<String>, fix: &str) {
        self.find(record, problem, Remedy::ByHand(fix.to_string()));
    }

    /// Problems a record's own rules find, as findings.
    fn invalid(&mut self, problems: Vec<Invalid>) {
        for p in problems {
            self.by_hand(
                p.record,
                format!("`{}` {}", p.field, p.problem),
                "export the store, correct the value in the file, and import it with --replace",
            );
        }
    }

    fn decode<T: DeserializeOwned>(&mut self, key: &[u8], value: &[u8]) -> Option<T> {
        match postcard::from_bytes(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.by_hand(
                    keys::describe(key),
                    format!("does not decode ({e})"),
                    "export what can be read (`kembar export` stops at this record: restore \
                     the store from a backup instead)",
                );
                None
            }
        }
    }

    fn bad_key(&mut self, key: &[u8], what: &str) {
        self.by_hand(
            format!(
                "key {}",
                crate::domain::text::display_safe(&hex_or_text(key))
            ),
            what.to_string(),
            "the store was written by another program; restore it from a backup",
        );
    }

    fn key(&mut self, key: &[u8], value: &[u8], stages: &mut Option<Vec<Stage>>) {
        let label = keys::describe(key);
        match key.first().copied() {
            Some(keys::META) => self.meta(key, value, stages),
            Some(prefix @ (keys::TAG | keys::REGION | keys::PARTNER)) => {
                let slug = String::from_utf8_lossy(&key[1..]).into_owned();
                let id = match prefix {
                    keys::TAG => self.decode::<Tag>(key, value).map(|t| {
                        let mut problems = Vec::new();
                        validate::check_tag(&t, &mut problems);
                        self.invalid(problems);
                        self.report.tags += 1;
                        t.id
                    }),
                    keys::REGION => self.decode::<Region>(key, value).map(|r| {
                        let mut problems = Vec::new();
                        validate::check_region(&r, &mut problems);
                        self.invalid(problems);
                        self.report.regions += 1;
                        let id = r.id.clone();
                        self.regions.insert(r.id.clone(), r);
                        id
                    }),
                    _ => self.decode::<Partner>(key, value).map(|p| {
                        let mut problems = Vec::new();
                        validate::check_partner(&p, &mut problems);
                        self.invalid(problems);
                        self.report.partners += 1;
                        p.id
                    }),
                };
                let Some(id) = id else { return };
                if id != slug {
                    self.by_hand(
                        label,
                        format!(
                            "holds the record {:?}",
                            crate::domain::text::display_safe(&id)
                        ),
                        "export the store, check that record in the file, and import it with \
                         --replace",
                    );
                }
                match prefix {
                    keys::TAG => self.tags.insert(slug),
                    keys::PARTNER => self.partners.insert(slug),
                    _ => true,
                };
            }
            Some(keys::AGREEMENT) => {
                let Some(id) = number_key(key, 9) else {
                    return self.bad_key(key, "is not an agreement key");
                };
                let Some((version, a)) = self.decode::<(u64, Agreement)>(key, value) else {
                    return;
                };
                self.report.agreements += 1;
                if a.id != id {
                    self.by_hand(
                        label,
                        format!("holds agreement {}", a.id),
                        "export the store, give the agreement its id in the file, and import \
                         it with --replace",
                    );
                }
                if version == 0 {
                    self.by_hand(
                        format!("agreement {id}"),
                        "has record version 0, which no save writes",
                        "edit and save the agreement once",
                    );
                }
                let mut problems = Vec::new();
                validate::check_ids(&Numbered::Agreement(&a), &mut problems);
                validate::check_agreement(&a, &mut problems);
                self.invalid(problems);
                let mut refs = Agreement::new(a.id, &a.region, &a.partner, &a.stage);
                refs.obstacles = a.obstacles;
                self.agreements.insert(id, refs);
            }
            Some(keys::SUMMARY) => {
                let Some(id) = number_key(key, 9) else {
                    return self.bad_key(key, "is not an activity summary key");
                };
                if let Some(summary) = self.decode::<ActivitySummary>(key, value) {
                    self.summaries.insert(id, summary);
                }
            }
            Some(keys::ACTIVITY) => {
                let (Some(agreement), Some(id)) = (number_key(key, 17), keys::number_at(key, 9))
                else {
                    return self.bad_key(key, "is not an activity key");
                };
                let Some(a) = self.decode::<Activity>(key, value) else {
                    return;
                };
                self.report.activities += 1;
                if a.agreement != agreement || a.id != id {
                    self.by_hand(
                        label,
                        format!("holds activity {} of agreement {}", a.id, a.agreement),
                        "export the store, check that activity in the file, and import it with \
                         --replace",
                    );
                }
                if let Some(other) = self.activity_owner.insert(a.id, agreement) {
                    self.by_hand(
                        validate::activity_label(&a),
                        format!("has the same id as an activity of agreement {other}"),
                        "export the store, give one of them a new id in the file, and import \
                         it with --replace",
                    );
                }
                let mut problems = Vec::new();
                validate::check_ids(&Numbered::Activity(&a), &mut problems);
                validate::check_activity(&a, &mut problems);
                self.invalid(problems);
                self.timelines
                    .entry(agreement)
                    .or_default()
                    .add_activity(&a);
                if !self.agreements.contains_key(&agreement) {
                    self.orphans.push((agreement, a));
                }
            }
            Some(keys::ATTENTION) => {
                let Some(id) = number_key(key, 9) else {
                    return self.bad_key(key, "is not a triage notes key");
                };
                let Some(n) = self.decode::<Attention>(key, value) else {
                    return;
                };
                self.report.triage_notes += 1;
                if n.agreement != id {
                    self.by_hand(
                        label,
                        format!("holds the triage notes of agreement {}", n.agreement),
                        "export the store, check those notes in the file, and import it with \
                         --replace",
                    );
                }
                let mut problems = Vec::new();
                validate::check_attention(&n, &mut problems);
                self.invalid(problems);
                self.attention.push(n);
            }
            Some(keys::AUDIT) => {
                let Some(seq) = number_key(key, 9) else {
                    return self.bad_key(key, "is not an audit key");
                };
                if let Some(entry) = self.decode::<AuditEntry>(key, value) {
                    self.report.audit_entries += 1;
                    if entry.seq != seq {
                        self.by_hand(
                            label,
                            format!("holds audit entry {}", entry.seq),
                            "the audit log was altered; keep a copy of the store for review",
                        );
                    }
                }
            }
            _ => self.bad_key(key, "has a prefix kembar does not use"),
        }
    }

    fn meta(&mut self, key: &[u8], value: &[u8], stages: &mut Option<Vec<Stage>>) {
        let eight = <[u8; 8]>::try_from(value).ok().map(u64::from_be_bytes);
        if key == keys::META_SCHEMA {
            self.has_schema = true;
            match <[u8; 4]>::try_from(value).map(u32::from_be_bytes) {
                Ok(n) if (1..=super::STORE_SCHEMA).contains(&n) => {}
                _ => self.by_hand(
                    "schema number",
                    "is not one this kembar reads",
                    "restore the store from a backup",
                ),
            }
        } else if key == keys::META_STAGES {
            if let Some(list) = self.decode::<Vec<Stage>>(key, value) {
                let mut problems = Vec::new();
                for s in &list {
                    validate::check_stage(s, &mut problems);
                }
                self.invalid(problems);
                *stages = Some(list);
            }
        } else if key == keys::META_STORE_ID {
            self.has_identity = value.len() == 16;
            if !self.has_identity {
                self.find(
                    "store identity",
                    format!("is {} bytes instead of 16", value.len()),
                    Remedy::Rebuild,
                );
            }
        } else if key == META_NEXT_AGREEMENT || key == META_NEXT_ACTIVITY {
            match eight {
                Some(n) if key == META_NEXT_AGREEMENT => self.next_agreement = Some(n),
                Some(n) => self.next_activity = Some(n),
                None => self.bad_key(key, "is not an 8-byte id counter"),
            }
        } else if let Some(id) = key
            .strip_prefix(keys::TOMBSTONE_PREFIX)
            .and_then(|rest| <[u8; 8]>::try_from(rest).ok())
            .map(u64::from_be_bytes)
        {
            if eight.is_none() {
                self.bad_key(key, "is not an 8-byte record version");
            }
            self.tombstones.push(id);
        } else {
            self.bad_key(key, "is metadata this kembar does not know");
        }
    }

    /// The smallest values the id counters may hold: past every agreement (stored or
    /// deleted) and every activity.
    fn id_floors(&self) -> (u64, u64) {
        let agreements = self
            .agreements
            .keys()
            .chain(&self.tombstones)
            .max()
            .map_or(1, |m| m.saturating_add(1));
        let activities = self
            .activity_owner
            .keys()
            .max()
            .map_or(1, |m| m.saturating_add(1));
        (agreements, activities)
    }

    /// Checks between records, once every record has been read.
    fn relations(&mut self) {
        if !self.has_schema {
            self.by_hand(
                "schema number",
                "is missing",
                "this is not a store kembar wrote; restore it from a backup",
            );
        }
        if !self.has_identity && self.has_schema {
            self.find(
                "store identity",
                "is missing (saved search indexes are not trusted without it)",
                Remedy::Rebuild,
            );
        }
        // Regions' provinces.
        let provinces: Vec<(String, String)> = self
            .regions
            .values()
            .filter_map(|r| r.province.clone().map(|p| (r.id.clone(), p)))
            .collect();
        for (region, province) in provinces {
            if self.regions.get(&province).map(|p| p.level) != Some(RegionLevel::Province) {
                self.by_hand(
                    format!("region {}", crate::domain::text::display_safe(&region)),
                    format!(
                        "names {:?} as its province, which is not a province in the store",
                        crate::domain::text::display_safe(&province)
                    ),
                    "export the store, correct `province` in the file, and import it with \
                     --replace",
                );
            }
        }
        // What agreements name.
        let levels: HashMap<&str, RegionLevel> = self
            .regions
            .values()
            .map(|r| (r.id.as_str(), r.level))
            .collect();
        let stages: HashSet<&str> = self.stages.iter().map(|s| s.id.as_str()).collect();
        let partners: HashSet<&str> = self.partners.iter().map(String::as_str).collect();
        let mut tags: HashSet<&str> = self.tags.iter().map(String::as_str).collect();
        tags.extend(crate::domain::builtin::BUILTIN_TAG_IDS);
        let known = validate::Known {
            regions: &levels,
            partners: &partners,
            stages: &stages,
            tags: &tags,
        };
        let mut problems = Vec::new();
        for a in self.agreements.values() {
            validate::check_references(a, &known, &mut problems);
        }
        for p in problems {
            self.by_hand(
                p.record,
                format!("`{}` {}", p.field, p.problem),
                "add the missing record (import a file that holds it), or edit the agreement",
            );
        }
        // Records that belong to an agreement.
        let orphans: Vec<String> = self
            .orphans
            .iter()
            .map(|(_, a)| validate::activity_label(a))
            .collect();
        for label in orphans {
            self.find(
                label,
                "belongs to an agreement that does not exist",
                Remedy::Remove,
            );
        }
        let orphans: Vec<AgreementId> = self
            .attention
            .iter()
            .map(|n| n.agreement)
            .filter(|id| !self.agreements.contains_key(id))
            .collect();
        for id in orphans {
            self.find(
                format!("triage notes of agreement {id}"),
                "belong to an agreement that does not exist",
                Remedy::Remove,
            );
        }
        // Summaries against timelines.
        let mut wrong = Vec::new();
        for id in self.agreements.keys() {
            let timeline = self.timelines.get(id).cloned().unwrap_or_default();
            match self.summaries.get(id) {
                Some(summary) if *summary == timeline => {}
                None if timeline == ActivitySummary::default() => {}
                Some(summary) => wrong.push((
                    *id,
                    format!(
                        "counts {} activities where the timeline has {}, or differs in dates",
                        summary.count(),
                        timeline.count()
                    ),
                )),
                None => wrong.push((
                    *id,
                    format!(
                        "is missing for a timeline of {} activities",
                        timeline.count()
                    ),
                )),
            }
        }
        for id in self.summaries.keys() {
            if !self.agreements.contains_key(id) {
                wrong.push((*id, "belongs to an agreement that does not exist".into()));
            }
        }
        for (id, problem) in wrong {
            self.find(
                format!("activity summary of agreement {id}"),
                problem,
                Remedy::Rebuild,
            );
        }
        let stale: Vec<AgreementId> = self
            .tombstones
            .iter()
            .copied()
            .filter(|id| self.agreements.contains_key(id))
            .collect();
        for id in stale {
            self.find(
                format!("deletion marker of agreement {id}"),
                "is left although the agreement exists",
                Remedy::Rebuild,
            );
        }
        // Counters.
        let (agreement_floor, activity_floor) = self.id_floors();
        for (name, counter, floor) in [
            ("agreement", self.next_agreement, agreement_floor),
            ("activity", self.next_activity, activity_floor),
        ] {
            if floor > ID_MAX.saturating_add(1) {
                self.by_hand(
                    format!("{name} ids"),
                    format!("reach {}, past the largest id {ID_MAX}", floor - 1),
                    "export the store, renumber that record in the file, and import it with \
                     --replace",
                );
            } else if let Some(next) = counter
                && next < floor
            {
                self.find(
                    format!("next {name} id"),
                    format!("is {next}, but ids up to {} are in use", floor - 1),
                    Remedy::Rebuild,
                );
            }
        }
    }
}

/// The id in a numbered key of exactly `len` bytes.
fn number_key(key: &[u8], len: usize) -> Option<u64> {
    if key.len() == len {
        keys::number_at(key, 1)
    } else {
        None
    }
}

/// A key for a message: text when it is printable, hex otherwise.
fn hex_or_text(key: &[u8]) -> String {
    match std::str::from_utf8(key) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => super::hex(key),
    }
}

/// `kembar check [--repair]`: prints the report on stdout and fails when problems remain, so
/// that scripts (and the exit code) can tell.
pub fn run(store: &Store, repair: bool, actor: &Actor) -> anyhow::Result<()> {
    use std::io::Write;
    let path = store.path().display().to_string();
    let report = if repair {
        let (done, after) = store.repair(actor)?;
        let mut out = std::io::stdout().lock();
        write!(out, "{done}")?;
        writeln!(out, "then, checking again:")?;
        write!(out, "{after}")?;
        after
    } else {
        let report = store.check()?;
        print!("{report}");
        report
    };
    if report.is_clean() {
        return Ok(());
    }
    let n = report.findings.len();
    let repairable = report.repairable();
    let advice = if repair || repairable == 0 {
        "each needs the fix named above".to_string()
    } else if repairable == n {
        "run `kembar check --repair` to repair them".to_string()
    } else {
        format!(
            "`kembar check --repair` repairs {repairable} of them; the others need the fix \
             named above"
        )
    };
    anyhow::bail!(
        "the store at {path} has {n} problem{}; {advice}",
        if n == 1 { "" } else { "s" }
    )
}
