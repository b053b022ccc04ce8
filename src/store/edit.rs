//! Changes made by people: one atomic, durable, audited write per save.
//!
//! A [`Change`] lists the records it touches with their values before and after. Applying it
//! checks that the store still holds the "before" values (agreements by record version), so a
//! change never silently overwrites someone else's; assigns ids to new records; keeps the
//! activity summaries in step; validates every record written; and commits all of it with its
//! audit entry in one flushed batch. The inverse of an applied change is a change too, which
//! is how undo stays a durable, audited edit like any other.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::PoisonError;

use crate::domain::access::{Denied, Places};
use crate::domain::builtin::is_builtin_tag;
use crate::domain::validate::{self, ID_MAX, Invalid, Known, Numbered};
use crate::domain::{Activity, ActivitySummary, Agreement, AgreementId, RegionLevel};

pub use crate::domain::change::{Change, Edit, Record, RecordKey};

use super::audit::{Actor, AuditEntry};
use super::error::StoreError;
use super::{Store, encode, keys};

/// Where a record lives in the store.
fn key_bytes(key: &RecordKey) -> Vec<u8> {
    match key {
        RecordKey::Agreement(id) => keys::numbered(keys::AGREEMENT, *id).to_vec(),
        RecordKey::Activity(agreement, id) => keys::activity(*agreement, *id).to_vec(),
        RecordKey::Tag(id) => keys::slug(keys::TAG, id),
        RecordKey::Partner(id) => keys::slug(keys::PARTNER, id),
        RecordKey::Attention(id) => keys::numbered(keys::ATTENTION, *id).to_vec(),
        RecordKey::Region(id) => keys::slug(keys::REGION, id),
    }
}

/// A change as written: ids assigned, with the agreement versions it produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub change: Change,
    /// The version of each agreement the change wrote (0 for a deleted one).
    pub versions: BTreeMap<AgreementId, u64>,
    /// The new activity summary of each agreement whose timeline changed (`None`: deleted).
    pub summaries: Vec<(AgreementId, Option<ActivitySummary>)>,
    pub entry: AuditEntry,
}

impl Applied {
    /// Takes in the versions a later save wrote, so that this change's inverse expects what
    /// the store holds when its turn comes.
    ///
    /// Versions only ever grow: when an undo brings back what this change left (a deleted
    /// agreement recreated, an edit reverted), the agreement holds this change's contents
    /// at a newer version. Without this, undoing "create A" after "delete A" had been
    /// undone would be refused as a conflict with oneself. Call it on every change left on
    /// the undo and redo stacks after each undo or redo.
    pub fn rebase(&mut self, later: &BTreeMap<AgreementId, u64>) {
        for (id, version) in later {
            if *version != 0
                && let Some(expected) = self.versions.get_mut(id)
            {
                *expected = *version;
            }
        }
    }
}

/// The stored record is not what the change expected.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub record: RecordKey,
    pub label: String,
    /// The record as the store holds it now, with its version for an agreement.
    pub current: Option<(u64, Record)>,
    pub by: String,
    pub at: String,
}

/// Why a change was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{}", conflict_message(.0))]
    Conflict(Box<Conflict>),
    #[error("{}", invalid_message(.0))]
    Invalid(Vec<Invalid>),
    /// The actor may not make this change (a viewer, or a record outside their scope).
    #[error("{}", denied_message(.0))]
    Denied(Denied),
}

fn denied_message(d: &Denied) -> String {
    match d {
        Denied::ReadOnly => "this session may only view records; nothing was saved".to_string(),
        Denied::SeatOnly(region) => format!(
            "a key with a scope may set the seat of {} and change nothing else of the list of \
             regions; ask for a change with a key for the whole country; nothing was saved",
            crate::domain::text::display_safe(region)
        ),
        Denied::OutOfScope(region) => format!(
            "{} is outside the scope of this session's key; nothing was saved",
            crate::domain::text::display_safe(region)
        ),
    }
}

/// What the store's change path knows of places: the regions' provinces and, for each
/// agreement, the region the store holds it under.
struct Stored<'a> {
    store: &'a Store,
    provinces: HashMap<String, String>,
}

impl Places for Stored<'_> {
    fn province_of(&self, region: &str) -> Option<String> {
        self.provinces.get(region).cloned()
    }

    fn region_of(&self, agreement: AgreementId) -> Option<String> {
        // A record that cannot be read answers "unknown", which no scope covers.
        self.store
            .agreement(agreement)
            .ok()
            .flatten()
            .map(|(_, a)| a.region)
    }
}

fn conflict_message(c: &Conflict) -> String {
    match &c.current {
        Some(_) => format!(
            "{} was changed by {} at {} after you started editing it; your change was not saved. \
             Reload to see theirs, or keep editing.",
            c.label, c.by, c.at
        ),
        None => format!(
            "{} was deleted by {} at {} after you started editing it; your change was not saved.",
            c.label, c.by, c.at
        ),
    }
}

fn invalid_message(problems: &[Invalid]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The last version of a deleted agreement, so that its versions keep counting up if it
/// comes back.
fn tombstone(id: AgreementId) -> Vec<u8> {
    let mut key = keys::TOMBSTONE_PREFIX.to_vec();
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// Metadata keys that hold the next free ids. They only grow, so an id is never given out
/// twice, not even after its record was deleted (the audit log still names it). A store
/// without them (written before they existed) has them computed once.
pub(crate) const META_NEXT_AGREEMENT: &[u8] = b"mnext_agreement";
pub(crate) const META_NEXT_ACTIVITY: &[u8] = b"mnext_activity";

impl Store {
    /// Applies a change atomically and durably, with its audit entry. An error means that
    /// nothing of the change is in the store.
    pub fn apply(&self, change: Change, actor: &Actor) -> Result<Applied, ApplyError> {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        self.apply_locked(change, actor).map_err(|e| match e {
            // The store could not be reopened after an earlier failed write: for the person
            // saving, this change is simply not saved yet.
            ApplyError::Store(StoreError::Unavailable { path, reason, fix }) => {
                ApplyError::Store(StoreError::NotSaved {
                    path,
                    reason,
                    next: format!(
                        "An earlier write failed and kembar could not reopen the store yet; \
                         {fix} Nothing saved earlier is lost."
                    ),
                })
            }
            other => other,
        })
    }

    fn apply_locked(&self, change: Change, actor: &Actor) -> Result<Applied, ApplyError> {
        let mut change = change;
        let mut batch = sled::Batch::default();
        self.assign_ids(&mut change, &mut batch)?;
        // Who may change what is decided here, where every change is written, whatever
        // the session offered on screen.
        if !actor.access.is_full() {
            let places = Stored {
                store: self,
                provinces: crate::domain::access::provinces(&self.regions()?),
            };
            actor
                .access
                .may_apply(&places, &change)
                .map_err(ApplyError::Denied)?;
        }
        self.check_current(&change)?;
        self.check_records(&change)?;

        let mut versions = BTreeMap::new();
        let mut timelines: HashSet<AgreementId> = HashSet::new();
        let mut deleted: HashSet<AgreementId> = HashSet::new();
        for edit in &change.edits {
            let Some(key) = edit.key() else { continue };
            match (&key, &edit.after) {
                (RecordKey::Agreement(id), Some(Record::Agreement(a))) => {
                    // Versions never go back, not even when a deleted agreement returns (an
                    // undo): a form opened on it long ago must still see a conflict.
                    let version = match edit.before {
                        Some(_) => self.agreement(*id)?.map_or(0, |(v, _)| v) + 1,
                        None => self.counter(&tombstone(*id))?.unwrap_or(0) + 1,
                    };
                    batch.remove(tombstone(*id));
                    batch.insert(&key_bytes(&key)[..], encode(&(version, a))?);
                    versions.insert(*id, version);
                    if edit.before.is_none() {
                        timelines.insert(*id);
                    }
                }
                (RecordKey::Agreement(id), None) => {
                    let last = self.agreement(*id)?.map_or(0, |(v, _)| v);
                    batch.insert(tombstone(*id), &last.to_be_bytes());
                    batch.remove(&key_bytes(&key)[..]);
                    batch.remove(&keys::numbered(keys::SUMMARY, *id)[..]);
                    versions.insert(*id, 0);
                    deleted.insert(*id);
                }
                (RecordKey::Activity(agreement, _), after) => {
                    match after {
                        Some(record) => batch.insert(key_bytes(&key), encode_record(record)?),
                        None => batch.remove(key_bytes(&key)),
                    }
                    timelines.insert(*agreement);
                }
                (_, Some(record)) => batch.insert(key_bytes(&key), encode_record(record)?),
                (_, None) => batch.remove(key_bytes(&key)),
            }
        }
        for id in &deleted {
            // A deleted agreement takes its timeline with it: every activity must be part of
            // the change, so that the audit entry (and an undo) holds them.
            let listed: HashSet<RecordKey> = change.edits.iter().filter_map(Edit::key).collect();
            for item in self.scan_prefix(&keys::activities_of(*id))?.keys() {
                let key = item.map_err(|e| self.read_error(e))?;
                let activity = keys::number_at(&key, 9).unwrap_or_default();
                if !listed.contains(&RecordKey::Activity(*id, activity)) {
                    return Err(ApplyError::Store(StoreError::Write {
                        path: self.path.clone(),
                        reason: format!(
                            "agreement {id} still has activity {activity}; delete it with \
                             Store::deletion so its timeline goes into the audit log"
                        ),
                    }));
                }
            }
        }
        let mut summaries = Vec::new();
        let mut ids: Vec<AgreementId> = timelines.difference(&deleted).copied().collect();
        ids.sort_unstable();
        for id in ids {
            let summary = self.summary_after(id, &change)?;
            batch.insert(&keys::numbered(keys::SUMMARY, id)[..], encode(&summary)?);
            summaries.push((id, Some(summary)));
        }
        let mut gone: Vec<AgreementId> = deleted.iter().copied().collect();
        gone.sort_unstable();
        summaries.extend(gone.into_iter().map(|id| (id, None)));

        let before = records_json(change.edits.iter().filter_map(|e| e.before.as_ref()));
        let after = records_json(change.edits.iter().filter_map(|e| e.after.as_ref()));
        let entry = self.commit_audited(
            batch,
            actor,
            &change.action,
            change.label(),
            before,
            after,
            0,
        )?;
        Ok(Applied {
            change,
            versions,
            summaries,
            entry,
        })
    }

    /// The change that deletes an agreement and its whole timeline.
    pub fn deletion(&self, id: AgreementId) -> Result<Change, StoreError> {
        let (version, agreement) = self.agreement(id)?.ok_or_else(|| StoreError::Missing {
            path: self.path.clone(),
            record: format!("agreement {id}"),
        })?;
        let mut change = Change::new("delete")
            .with(Edit::delete(Record::Agreement(agreement)))
            .expecting(id, version);
        for activity in self.activities_of(id)? {
            change = change.with(Edit::delete(Record::Activity(activity)));
        }
        let key = keys::numbered(keys::ATTENTION, id);
        if let Some(bytes) = self.get(&key)? {
            change = change.with(Edit::delete(Record::Attention(self.decode(&key, &bytes)?)));
        }
        Ok(change)
    }

    /// Every agreement's record version.
    pub fn versions(&self) -> Result<HashMap<AgreementId, u64>, StoreError> {
        let mut out = HashMap::new();
        for item in self.scan_prefix(&[keys::AGREEMENT])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            // The version is the value's first field: decode only that.
            let (version, _): (u64, &[u8]) =
                postcard::take_from_bytes(&value).map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    record: keys::describe(&key),
                    reason: e.to_string(),
                })?;
            out.insert(keys::number_at(&key, 1).unwrap_or_default(), version);
        }
        Ok(out)
    }

    /// Gives records with id 0 the next free id; an activity of agreement 0 belongs to the
    /// agreement created in the same change.
    fn assign_ids(&self, change: &mut Change, batch: &mut sled::Batch) -> Result<(), StoreError> {
        let wants_agreement = change.edits.iter().any(|e| {
            e.before.is_none() && matches!(&e.after, Some(Record::Agreement(a)) if a.id == 0)
        });
        let wants_activity = change.edits.iter().any(|e| {
            e.before.is_none() && matches!(&e.after, Some(Record::Activity(a)) if a.id == 0)
        });
        let mut new_agreement = None;
        if wants_agreement {
            let next = self.next_agreement_id()?;
            batch.insert(META_NEXT_AGREEMENT, &(next + 1).to_be_bytes());
            new_agreement = Some(next);
        }
        let mut next_activity = None;
        if wants_activity {
            next_activity = Some(self.next_activity_id()?);
        }
        for edit in &mut change.edits {
            if edit.before.is_some() {
                continue;
            }
            match &mut edit.after {
                Some(Record::Agreement(a)) if a.id == 0 => {
                    a.id = new_agreement.unwrap_or_default();
                }
                Some(Record::Activity(a)) => {
                    if a.agreement == 0
                        && let Some(id) = new_agreement
                    {
                        a.agreement = id;
                    }
                    if a.id == 0
                        && let Some(next) = next_activity.as_mut()
                    {
                        if *next > ID_MAX {
                            return Err(ids_exhausted(&self.path, "activity"));
                        }
                        a.id = *next;
                        *next += 1;
                    }
                }
                _ => {}
            }
        }
        if let Some(next) = next_activity {
            batch.insert(META_NEXT_ACTIVITY, &next.to_be_bytes());
        }
        if let Some(id) = new_agreement
            && let Some(version) = change.versions.remove(&0)
        {
            change.versions.insert(id, version);
        }
        Ok(())
    }

    pub(super) fn counter(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        Ok(self
            .get(key)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(u64::from_be_bytes))
    }

    /// The id the next new agreement gets: past the counter, every stored agreement and
    /// every deleted one (the audit log still names them), and never past [`ID_MAX`].
    pub fn next_agreement_id(&self) -> Result<u64, StoreError> {
        let last_key = |prefix: &[u8], offset: usize| -> Result<u64, StoreError> {
            Ok(self
                .scan_prefix(prefix)?
                .keys()
                .next_back()
                .transpose()
                .map_err(|e| self.read_error(e))?
                .and_then(|k| keys::number_at(&k, offset))
                .unwrap_or(0))
        };
        let stored = last_key(&[keys::AGREEMENT], 1)?;
        let deleted = last_key(keys::TOMBSTONE_PREFIX, keys::TOMBSTONE_PREFIX.len())?;
        let next = self
            .counter(META_NEXT_AGREEMENT)?
            .unwrap_or(1)
            .max(stored.saturating_add(1))
            .max(deleted.saturating_add(1))
            .max(1);
        if next > ID_MAX {
            return Err(ids_exhausted(&self.path, "agreement"));
        }
        Ok(next)
    }

    /// The id the next new activity gets (see [`Store::next_agreement_id`]).
    pub(crate) fn next_activity_id(&self) -> Result<u64, StoreError> {
        let next = match self.counter(META_NEXT_ACTIVITY)? {
            Some(n) => n,
            None => self.max_activity_id()?.saturating_add(1),
        }
        .max(1);
        if next > ID_MAX {
            return Err(ids_exhausted(&self.path, "activity"));
        }
        Ok(next)
    }

    /// The largest activity id in the store. Activity keys sort by agreement first, so this
    /// reads every key once; it runs only when the counter is missing (after an import).
    pub(super) fn max_activity_id(&self) -> Result<u64, StoreError> {
        let mut max = 0;
        for key in self.scan_prefix(&[keys::ACTIVITY])?.keys() {
            let key = key.map_err(|e| self.read_error(e))?;
            max = max.max(keys::number_at(&key, 9).unwrap_or(0));
        }
        Ok(max)
    }

    /// Refuses the change when a record it touches is no longer what it expects.
    fn check_current(&self, change: &Change) -> Result<(), ApplyError> {
        for edit in &change.edits {
            if let (Some(b), Some(a)) = (&edit.before, &edit.after)
                && b.key() != a.key()
            {
                return Err(ApplyError::Invalid(vec![Invalid {
                    record: b.label(),
                    field: "id".into(),
                    problem: format!("cannot become {} in an update", a.label()),
                    fix: "create the new record and delete the old one instead".into(),
                }]));
            }
            let Some(key) = edit.key() else { continue };
            let current: Option<(u64, Record)> = match &key {
                RecordKey::Agreement(id) => {
                    self.agreement(*id)?.map(|(v, a)| (v, Record::Agreement(a)))
                }
                other => {
                    let bytes = key_bytes(other);
                    match self.get(&bytes)? {
                        None => None,
                        Some(value) => Some((0, self.decode_record(other, &bytes, &value)?)),
                    }
                }
            };
            let fine = match (&edit.before, &current) {
                (None, None) => true,
                (Some(_), None) | (None, Some(_)) => false,
                (Some(before), Some((version, now))) => match &key {
                    RecordKey::Agreement(id) => match change.versions.get(id) {
                        Some(expected) => expected == version,
                        None => before == now,
                    },
                    _ => before == now,
                },
            };
            if !fine {
                let label = edit
                    .before
                    .as_ref()
                    .or(edit.after.as_ref())
                    .map(Record::label)
                    .unwrap_or_default();
                let (by, at) = self.last_change_of(&key)?;
                return Err(ApplyError::Conflict(Box::new(Conflict {
                    record: key,
                    label,
                    current,
                    by,
                    at,
                })));
            }
        }
        Ok(())
    }

    /// Who changed a record last and when, from the audit log (newest first).
    fn last_change_of(&self, key: &RecordKey) -> Result<(String, String), StoreError> {
        let wanted = match key {
            RecordKey::Agreement(id) => format!("agreement {id} "),
            RecordKey::Activity(_, id) => format!("activity {id} "),
            RecordKey::Tag(id) => format!("tag {id}"),
            RecordKey::Partner(id) => format!("partner {id}"),
            RecordKey::Attention(id) => format!("triage notes of agreement {id}"),
            RecordKey::Region(id) => format!("region {id}"),
        };
        for item in self
            .scan_prefix(&[keys::AUDIT])?
            .values()
            .rev()
            .take(10_000)
        {
            let value = item.map_err(|e| self.read_error(e))?;
            let Ok(entry) = postcard::from_bytes::<AuditEntry>(&value) else {
                continue;
            };
            let names = |record: &str| {
                record
                    .strip_prefix(wanted.trim_end())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            };
            let mentions = names(&entry.record)
                || entry
                    .after
                    .as_deref()
                    .or(entry.before.as_deref())
                    .is_some_and(|j| mentions_key(j, key))
                || entry.action.starts_with("import");
            if mentions {
                return Ok((
                    format!("{} ({})", entry.user, entry.via),
                    entry.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                ));
            }
        }
        Ok(("another session".into(), "an unknown time".into()))
    }

    /// Validates every record the change writes, and what agreements refer to.
    fn check_records(&self, change: &Change) -> Result<(), ApplyError> {
        let mut problems = Vec::new();
        let stages = self.stages()?;
        let stage_ids: HashSet<&str> = stages.iter().map(|s| s.id.as_str()).collect();
        let mut regions: HashMap<&str, RegionLevel> = HashMap::new();
        let mut partners: HashSet<&str> = HashSet::new();
        let mut tags: HashSet<&str> = HashSet::new();
        let mut created_partners: HashSet<&str> = HashSet::new();
        let mut created_tags: HashSet<&str> = HashSet::new();
        for edit in &change.edits {
            match &edit.after {
                Some(Record::Partner(p)) => {
                    validate::check_partner(p, &mut problems);
                    created_partners.insert(p.id.as_str());
                }
                Some(Record::Tag(t)) => {
                    validate::check_tag(t, &mut problems);
                    created_tags.insert(t.id.as_str());
                }
                Some(Record::Region(r)) => {
                    validate::check_region(r, &mut problems);
                    self.check_region_place(r, edit.before.as_ref(), &mut problems)?;
                }
                _ => {}
            }
        }
        for edit in &change.edits {
            match &edit.after {
                Some(Record::Agreement(a)) => {
                    validate::check_ids(&Numbered::Agreement(a), &mut problems);
                    validate::check_agreement(a, &mut problems);
                    if let Some(region) = self.region(&a.region)? {
                        regions.insert(a.region.as_str(), region.level);
                    }
                    if created_partners.contains(a.partner.as_str())
                        || self.exists(&keys::slug(keys::PARTNER, &a.partner))?
                    {
                        partners.insert(a.partner.as_str());
                    }
                    for span in &a.obstacles {
                        let t = &span.tag;
                        if is_builtin_tag(t)
                            || created_tags.contains(t.as_str())
                            || self.exists(&keys::slug(keys::TAG, t))?
                        {
                            tags.insert(t.as_str());
                        }
                    }
                    let known = Known {
                        regions: &regions,
                        partners: &partners,
                        stages: &stage_ids,
                        tags: &tags,
                    };
                    validate::check_references(a, &known, &mut problems);
                }
                Some(Record::Attention(n)) => {
                    validate::check_ids(&Numbered::Attention(n), &mut problems);
                    validate::check_attention(n, &mut problems);
                    let owner_written = change.edits.iter().any(
                        |e| matches!(&e.after, Some(Record::Agreement(a)) if a.id == n.agreement),
                    );
                    if !owner_written && self.agreement(n.agreement)?.is_none() {
                        problems.push(Invalid {
                            record: validate::attention_label(n),
                            field: "agreement".into(),
                            problem: format!("agreement {} does not exist", n.agreement),
                            fix: "note triage decisions on an existing agreement".into(),
                        });
                    }
                }
                Some(Record::Activity(v)) => {
                    validate::check_ids(&Numbered::Activity(v), &mut problems);
                    validate::check_activity(v, &mut problems);
                    let owner_written = change.edits.iter().any(
                        |e| matches!(&e.after, Some(Record::Agreement(a)) if a.id == v.agreement),
                    );
                    // An activity on an agreement this same change deletes would be orphaned.
                    let owner_deleted = change.edits.iter().any(|e| {
                        e.after.is_none()
                            && matches!(&e.before, Some(Record::Agreement(a)) if a.id == v.agreement)
                    });
                    if owner_deleted || (!owner_written && self.agreement(v.agreement)?.is_none()) {
                        problems.push(Invalid {
                            record: validate::activity_label(v),
                            field: "agreement".into(),
                            problem: format!("agreement {} does not exist", v.agreement),
                            fix: "log the activity on an existing agreement".into(),
                        });
                    }
                }
                _ => {}
            }
        }
        self.check_still_used(change, &mut problems)?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ApplyError::Invalid(problems))
        }
    }

    /// A region keeps its place in the country: a change may set its names and its seat of
    /// government, but its level and its province change only with the whole store (an
    /// import with `--replace`), and a new regency or city must name a province the store
    /// holds.
    fn check_region_place(
        &self,
        r: &crate::domain::Region,
        before: Option<&Record>,
        problems: &mut Vec<Invalid>,
    ) -> Result<(), StoreError> {
        let label = format!("region {}", crate::domain::text::display_safe(&r.id));
        match before {
            Some(Record::Region(old)) => {
                if old.level != r.level || old.province != r.province {
                    problems.push(Invalid {
                        record: label,
                        field: if old.level != r.level {
                            "level"
                        } else {
                            "province"
                        }
                        .into(),
                        problem: "cannot change where the region sits in the country".into(),
                        fix: "a region's level and province change with the whole store: \
                              `kembar export` it, correct the region in the file and \
                              `kembar import --replace` it; its seat may be changed here"
                            .into(),
                    });
                }
            }
            _ => {
                if let Some(p) = &r.province
                    && self.region(p)?.map(|p| p.level) != Some(RegionLevel::Province)
                {
                    problems.push(Invalid {
                        record: label,
                        field: "province".into(),
                        problem: format!(
                            "names {}, which is not a province in this store",
                            crate::domain::text::display_safe(p)
                        ),
                        fix: "name the id of one of the store's provinces".into(),
                    });
                }
            }
        }
        Ok(())
    }

    /// A partner, tag or region may only go when no agreement left after the change refers
    /// to it, and a province only when none of the store's regencies and cities is under it
    /// (an undo of "new agreement with a new partner" after someone else chose that partner).
    fn check_still_used(
        &self,
        change: &Change,
        problems: &mut Vec<Invalid>,
    ) -> Result<(), StoreError> {
        let going: Vec<&Record> = change
            .edits
            .iter()
            .filter(|e| e.after.is_none())
            .filter_map(|e| e.before.as_ref())
            .filter(|r| matches!(r, Record::Partner(_) | Record::Tag(_) | Record::Region(_)))
            .collect();
        if going.is_empty() {
            return Ok(());
        }
        let rewritten: HashSet<AgreementId> = change
            .edits
            .iter()
            .filter_map(|e| match e.after.as_ref().or(e.before.as_ref()) {
                Some(Record::Agreement(a)) => Some(a.id),
                _ => None,
            })
            .collect();
        let after: Vec<&Agreement> = change
            .edits
            .iter()
            .filter_map(|e| match &e.after {
                Some(Record::Agreement(a)) => Some(a),
                _ => None,
            })
            .collect();
        let going_regions: HashSet<&str> = going
            .iter()
            .filter_map(|r| match r {
                Record::Region(r) => Some(r.id.as_str()),
                _ => None,
            })
            .collect();
        if !going_regions.is_empty() {
            for region in self.regions()? {
                if let Some(p) = &region.province
                    && going_regions.contains(p.as_str())
                    && !going_regions.contains(region.id.as_str())
                {
                    problems.push(Invalid {
                        record: format!("region {}", crate::domain::text::display_safe(p)),
                        field: "id".into(),
                        problem: format!(
                            "still holds region {}",
                            crate::domain::text::display_safe(&region.id)
                        ),
                        fix: "remove its regencies and cities first; this change was not saved"
                            .into(),
                    });
                }
            }
        }
        let stored = self.agreements()?;
        let remaining = stored
            .iter()
            .map(|(_, a)| a)
            .filter(|a| !rewritten.contains(&a.id))
            .chain(after);
        for a in remaining {
            for record in &going {
                let used = match record {
                    Record::Partner(p) => a.partner == p.id,
                    Record::Tag(t) => a.obstacles.iter().any(|s| s.tag == t.id),
                    Record::Region(r) => a.region == r.id,
                    _ => false,
                };
                if used {
                    problems.push(Invalid {
                        record: record.label(),
                        field: "id".into(),
                        problem: format!("is still used by {}", validate::agreement_label(a)),
                        fix: "change that agreement first; this change was not saved".into(),
                    });
                }
            }
        }
        Ok(())
    }

    fn region(&self, id: &str) -> Result<Option<crate::domain::Region>, StoreError> {
        let key = keys::slug(keys::REGION, id);
        match self.get(&key)? {
            Some(v) => Ok(Some(self.decode(&key, &v)?)),
            None => Ok(None),
        }
    }

    fn exists(&self, key: &[u8]) -> Result<bool, StoreError> {
        self.db()?.contains_key(key).map_err(|e| self.read_error(e))
    }

    fn decode_record(
        &self,
        key: &RecordKey,
        bytes: &[u8],
        value: &[u8],
    ) -> Result<Record, StoreError> {
        Ok(match key {
            RecordKey::Agreement(_) => {
                Record::Agreement(self.decode::<(u64, Agreement)>(bytes, value)?.1)
            }
            RecordKey::Activity(..) => Record::Activity(self.decode(bytes, value)?),
            RecordKey::Tag(_) => Record::Tag(self.decode(bytes, value)?),
            RecordKey::Partner(_) => Record::Partner(self.decode(bytes, value)?),
            RecordKey::Attention(_) => Record::Attention(self.decode(bytes, value)?),
            RecordKey::Region(_) => Record::Region(self.decode(bytes, value)?),
        })
    }

    /// An agreement's activity summary once the change's activity edits are applied.
    fn summary_after(
        &self,
        id: AgreementId,
        change: &Change,
    ) -> Result<ActivitySummary, StoreError> {
        let mut activities: BTreeMap<u64, Activity> = self
            .activities_of(id)?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        for edit in &change.edits {
            match (&edit.before, &edit.after) {
                (_, Some(Record::Activity(a))) if a.agreement == id => {
                    activities.insert(a.id, a.clone());
                }
                (Some(Record::Activity(a)), None) if a.agreement == id => {
                    activities.remove(&a.id);
                }
                _ => {}
            }
        }
        Ok(ActivitySummary::of(activities.values()))
    }
}

/// No id is left below [`ID_MAX`]: only a store whose ids were damaged (or imported by an
/// older kembar without range checks) gets here.
fn ids_exhausted(path: &std::path::Path, kind: &str) -> StoreError {
    StoreError::Write {
        path: path.to_path_buf(),
        reason: format!(
            "no {kind} id is left below {ID_MAX} (the largest id every JSON reader keeps \
             exactly); run `kembar check` to find the record with an id out of range"
        ),
    }
}

fn encode_record(record: &Record) -> Result<Vec<u8>, StoreError> {
    match record {
        Record::Agreement(a) => encode(a),
        Record::Activity(a) => encode(a),
        Record::Tag(t) => encode(t),
        Record::Partner(p) => encode(p),
        Record::Attention(n) => encode(n),
        Record::Region(r) => encode(r),
    }
}

/// The records as one JSON array for the audit log, or nothing when there are none.
pub(super) fn records_json<'a>(records: impl Iterator<Item = &'a Record>) -> Option<String> {
    let list: Vec<&Record> = records.collect();
    if list.is_empty() {
        None
    } else {
        serde_json::to_string(&list).ok()
    }
}

/// Whether an audit entry's JSON holds the record. Read loosely, by kind and id, so that
/// entries written in an older schema are still understood.
fn mentions_key(json: &str, key: &RecordKey) -> bool {
    let Ok(records) = serde_json::from_str::<Vec<serde_json::Value>>(json) else {
        return false;
    };
    let number = |v: &serde_json::Value, field: &str| v.get(field).and_then(|n| n.as_u64());
    let text = |v: &serde_json::Value, field: &str| {
        v.get(field).and_then(|n| n.as_str()).map(str::to_string)
    };
    records.iter().any(|r| match key {
        RecordKey::Agreement(id) => r
            .get("agreement")
            .is_some_and(|a| number(a, "id") == Some(*id)),
        RecordKey::Activity(agreement, id) => r.get("activity").is_some_and(|a| {
            number(a, "agreement") == Some(*agreement) && number(a, "id") == Some(*id)
        }),
        RecordKey::Tag(id) => r
            .get("tag")
            .is_some_and(|t| text(t, "id").as_deref() == Some(id)),
        RecordKey::Partner(id) => r
            .get("partner")
            .is_some_and(|p| text(p, "id").as_deref() == Some(id)),
        RecordKey::Attention(id) => r
            .get("attention")
            .is_some_and(|n| number(n, "agreement") == Some(*id)),
        RecordKey::Region(id) => r
            .get("region")
            .is_some_and(|g| text(g, "id").as_deref() == Some(id)),
    })
}
