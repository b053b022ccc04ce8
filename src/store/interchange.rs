//! Import and export of the interchange file (see `domain::dataset`), and CSV for
//! spreadsheets.
//!
//! An import is all or nothing: the whole file is parsed and checked, against itself and
//! against what the store already holds, before a single key is written; then everything is
//! written in one atomic batch with one audit entry.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::builtin::is_builtin_tag;
use crate::domain::dataset::Header;
use crate::domain::validate::{Invalid, Outside, check_dataset};
use crate::domain::{
    ActivityId, ActivitySummary, AgreementId, Attention, Catalog, Dataset, FORMAT_NAME,
    SCHEMA_VERSION,
};

use super::{Actor, Store, StoreError, encode, keys};

/// How many problems an import reports at most; the rest are counted.
const MAX_REPORTED: usize = 25;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "cannot read {}: {reason}. Check the path and that you may read the file.",
        crate::domain::text::display_safe(&path.display().to_string())
    )]
    Read { path: PathBuf, reason: String },

    #[error(
        "{source_name} is empty. Nothing was imported.\n\
         fix: import a file written by `kembar export`, or fixtures/demo.json as an example."
    )]
    Empty { source_name: String },

    #[error(
        "{source_name} is not UTF-8 text: invalid byte 0x{byte:02x} at line {line}, column \
         {column}. Nothing was imported.\n\
         fix: save the file as UTF-8 (most editors offer it under \"Save as\" / \"Encoding\")."
    )]
    NotUtf8 {
        source_name: String,
        byte: u8,
        line: usize,
        column: usize,
    },

    #[error(
        "{source_name}, line {line}, column {column}: {message}. Nothing was imported.\n\
         fix: {fix}"
    )]
    Parse {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
        fix: String,
    },

    #[error(
        "{source_name} is not a kembar dataset: {reason}. Nothing was imported.\n\
         fix: import a file written by `kembar export`; its first fields are \
         \"format\": \"kembar\" and \"schema\": {SCHEMA_VERSION}."
    )]
    NotKembar { source_name: String, reason: String },

    #[error(
        "{source_name} was written by a newer kembar (file schema {found}; this kembar reads \
         schema {SCHEMA_VERSION} and older). Nothing was imported.\n\
         fix: upgrade kembar, or export the data again with `kembar export` from this version."
    )]
    NewerSchema { source_name: String, found: u32 },

    #[error("{}", invalid_message(source_name, problems, *total))]
    Invalid {
        source_name: String,
        problems: Vec<Invalid>,
        total: usize,
    },

    #[error("{}", conflict_message(source_name, conflicts, *total))]
    Conflicts {
        source_name: String,
        conflicts: Vec<String>,
        total: usize,
    },

    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid_message(source: &str, problems: &[Invalid], total: usize) -> String {
    let mut text = format!(
        "{source} has {total} invalid value{}. Nothing was imported.",
        if total == 1 { "" } else { "s" }
    );
    for p in problems {
        text.push_str("\n  - ");
        text.push_str(&p.to_string());
    }
    if total > problems.len() {
        text.push_str(&format!("\n  ... and {} more", total - problems.len()));
    }
    text
}

fn conflict_message(source: &str, conflicts: &[String], total: usize) -> String {
    let mut text = format!(
        "{source} has {total} record{} whose id is already in the store with different \
         contents. Nothing was imported.",
        if total == 1 { "" } else { "s" }
    );
    for c in conflicts {
        text.push_str("\n  - ");
        text.push_str(c);
    }
    if total > conflicts.len() {
        text.push_str(&format!("\n  ... and {} more", total - conflicts.len()));
    }
    text.push_str(
        "\nfix: give the new records ids of their own, or use `kembar import --replace FILE` \
         to replace everything in the store with the file.",
    );
    text
}

/// Records per batch when filling a store with generated data.
const GENERATED_CHUNK: usize = 20_000;

/// Where planned writes go: one atomic batch, or batches applied every `chunk` records.
pub(crate) struct Sink<'a> {
    store: &'a Store,
    batch: sled::Batch,
    pending: usize,
    chunk: Option<usize>,
    /// Bytes written so far, for the check that the disk has room for them.
    bytes: u64,
}

impl<'a> Sink<'a> {
    fn atomic(store: &'a Store, batch: sled::Batch) -> Self {
        Sink {
            store,
            batch,
            pending: 0,
            chunk: None,
            bytes: 0,
        }
    }

    fn chunked(store: &'a Store, chunk: usize) -> Self {
        Sink {
            store,
            batch: sled::Batch::default(),
            pending: 0,
            chunk: Some(chunk),
            bytes: 0,
        }
    }

    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StoreError> {
        self.bytes += (key.len() + value.len()) as u64;
        self.batch.insert(key, value);
        self.pending += 1;
        if self.chunk.is_some_and(|c| self.pending >= c) {
            // Flushing each chunk lets sled drop its dirty pages from memory.
            let full = std::mem::take(&mut self.batch);
            self.store
                .commit(full, None, std::mem::take(&mut self.bytes))?;
            self.pending = 0;
        }
        Ok(())
    }

    /// What is left to write, for the caller to commit with its audit entry, and its size.
    fn finish(self) -> (sled::Batch, u64) {
        (self.batch, self.bytes)
    }
}

/// Whether an import adds to the store or replaces its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Add the file's records; records already present must be identical.
    Merge,
    /// Remove every record first (the audit log stays), then load the file.
    Replace,
}

/// What an import wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub regions: usize,
    pub partners: usize,
    pub tags: usize,
    pub agreements: usize,
    pub activities: usize,
    /// Records in the file that the store already held, identical.
    pub unchanged: usize,
    /// Agreements the import replaced with new contents (a register imported with
    /// `--update`).
    pub updated: usize,
}

/// An agreement an import replaces: its contents when the import was planned, with the
/// record version read then, and its new contents. The import is refused if the store no
/// longer holds exactly `before` at `version`.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    pub version: u64,
    pub before: crate::domain::Agreement,
    pub after: crate::domain::Agreement,
}

/// What an import would write, checked and ready.
struct Prepared {
    batch: sled::Batch,
    payload: u64,
    report: ImportReport,
    before: Option<String>,
    after: Option<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} agreements, {} activities, {} regions, {} partners, {} tags",
            self.agreements, self.activities, self.regions, self.partners, self.tags
        )?;
        if self.updated > 0 {
            write!(f, ", {} agreements updated", self.updated)?;
        }
        if self.unchanged > 0 {
            write!(
                f,
                " ({} records already present, unchanged)",
                self.unchanged
            )?;
        }
        Ok(())
    }
}

/// Reads and parses an interchange file.
pub fn read_dataset(path: &Path) -> Result<Dataset, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    parse_dataset(&bytes, &path.display().to_string())
}

/// Parses an interchange file's bytes; `source_name` names it in errors.
pub fn parse_dataset(bytes: &[u8], source_name: &str) -> Result<Dataset, ImportError> {
    // The name comes from the command line or a file's path: never echo it raw.
    let source_name = crate::domain::text::display_safe(source_name).into_owned();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { source_name });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        ImportError::NotUtf8 {
            source_name: source_name.clone(),
            byte: bytes[e.valid_up_to()],
            line,
            column,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let header: Header = serde_json::from_str(text).map_err(|e| parse_error(&source_name, &e))?;
    match header.format.as_deref() {
        Some(FORMAT_NAME) => {}
        Some(other) => {
            return Err(ImportError::NotKembar {
                source_name,
                reason: format!(
                    "its \"format\" is {:?}",
                    crate::domain::text::display_safe(other)
                ),
            });
        }
        None => {
            return Err(ImportError::NotKembar {
                source_name,
                reason: "it has no \"format\" field".into(),
            });
        }
    }
    match header.schema {
        Some(found) if found > SCHEMA_VERSION => {
            return Err(ImportError::NewerSchema { source_name, found });
        }
        Some(0) | None => {
            return Err(ImportError::NotKembar {
                source_name,
                reason: "it has no valid \"schema\" number".into(),
            });
        }
        Some(crate::domain::v1::SCHEMA) => {
            // Undated tags and statuses are dated as well as can be known (see `domain::v1`).
            let old: crate::domain::v1::Dataset1 =
                serde_json::from_str(text).map_err(|e| parse_error(&source_name, &e))?;
            return Ok(old.upgrade(chrono::Local::now().date_naive()));
        }
        Some(_) => {}
    }
    serde_json::from_str(text).map_err(|e| parse_error(&source_name, &e))
}

fn parse_error(source_name: &str, e: &serde_json::Error) -> ImportError {
    use serde_json::error::Category;
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    // serde quotes the offending value, which comes from the file: never echo it raw.
    let message =
        crate::domain::text::display_safe(full.strip_suffix(&suffix).unwrap_or(&full)).into_owned();
    let fix = match e.classify() {
        Category::Syntax => {
            "correct the JSON there; a missing comma, quote or bracket is the usual cause"
        }
        Category::Eof => "the file ends too early: it may have been cut off while copying",
        Category::Data => {
            "correct the value there; README.md (section \"Data format\") lists every field"
        }
        Category::Io => "read the file again",
    };
    ImportError::Parse {
        source_name: source_name.to_string(),
        line: e.line(),
        column: e.column(),
        message,
        fix: fix.to_string(),
    }
}

impl Store {
    /// Imports a dataset, all or nothing, durably, with one audit entry.
    pub fn import(
        &self,
        data: &Dataset,
        source_name: &str,
        mode: ImportMode,
        actor: &Actor,
    ) -> Result<ImportReport, ImportError> {
        self.import_replacing(data, &[], source_name, mode, actor)
    }

    /// Imports a dataset and replaces agreements the store holds, all in one atomic,
    /// audited change; the audit entry holds the replaced agreements before and after.
    pub fn import_replacing(
        &self,
        data: &Dataset,
        replacements: &[Replacement],
        source_name: &str,
        mode: ImportMode,
        actor: &Actor,
    ) -> Result<ImportReport, ImportError> {
        self.whole_store_actor(actor)?;
        let source_name = &crate::domain::text::display_safe(source_name);
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let prepared = self.prepare_import(data, replacements, source_name, mode)?;
        let action = match mode {
            ImportMode::Merge => "import",
            ImportMode::Replace => "import --replace",
        };
        self.commit_audited(
            prepared.batch,
            actor,
            action,
            format!("{source_name}: {}", prepared.report),
            prepared.before,
            prepared.after,
            prepared.payload,
        )?;
        Ok(prepared.report)
    }

    /// Everything an import does except writing: the same checks, the same report.
    pub fn check_import(
        &self,
        data: &Dataset,
        replacements: &[Replacement],
        source_name: &str,
        mode: ImportMode,
    ) -> Result<ImportReport, ImportError> {
        let source_name = &crate::domain::text::display_safe(source_name);
        Ok(self
            .prepare_import(data, replacements, source_name, mode)?
            .report)
    }

    fn prepare_import(
        &self,
        data: &Dataset,
        replacements: &[Replacement],
        source_name: &str,
        mode: ImportMode,
    ) -> Result<Prepared, ImportError> {
        let merging = mode == ImportMode::Merge && !self.is_empty();
        let outside = if merging {
            self.outside_ids()?
        } else {
            Outside::default()
        };
        let mut problems = if replacements.is_empty() {
            check_dataset(data, usize::MAX, &outside)
        } else {
            // Replaced agreements pass the same checks as new ones.
            let mut with = data.clone();
            with.agreements
                .extend(replacements.iter().map(|r| r.after.clone()));
            check_dataset(&with, usize::MAX, &outside)
        };
        if !problems.is_empty() {
            let total = problems.len();
            problems.truncate(MAX_REPORTED);
            return Err(ImportError::Invalid {
                source_name: source_name.to_string(),
                problems,
                total,
            });
        }

        let mut report = ImportReport::default();
        let mut conflicts = Vec::new();
        let mut sink = Sink::atomic(self, sled::Batch::default());
        let mut replaced_before = Vec::new();
        let mut replaced_after = Vec::new();
        if merging {
            self.plan_merge(data, &mut sink, &mut report, &mut conflicts)?;
            for r in replacements {
                match self.agreement(r.after.id)? {
                    Some((version, current))
                        if version == r.version
                            && current == r.before
                            && r.before.id == r.after.id =>
                    {
                        sink.insert(
                            keys::numbered(keys::AGREEMENT, r.after.id).to_vec(),
                            encode(&(version + 1, &r.after))?,
                        )?;
                        report.updated += 1;
                        replaced_before.push(super::Record::Agreement(r.before.clone()));
                        replaced_after.push(super::Record::Agreement(r.after.clone()));
                    }
                    _ => conflicts.push(format!(
                        "agreement {} changed in the store after the file was checked",
                        r.after.id
                    )),
                }
            }
            if !conflicts.is_empty() {
                let total = conflicts.len();
                conflicts.truncate(MAX_REPORTED);
                return Err(ImportError::Conflicts {
                    source_name: source_name.to_string(),
                    conflicts,
                    total,
                });
            }
        } else {
            if !replacements.is_empty() {
                return Err(ImportError::Conflicts {
                    source_name: source_name.to_string(),
                    conflicts: vec!["the agreements to update are no longer in the store".into()],
                    total: 1,
                });
            }
            if mode == ImportMode::Replace {
                self.remove_all_data(&mut sink.batch)?;
            }
            self.plan_fresh(data, &mut sink, &mut report)?;
        }
        let (mut batch, payload) = sink.finish();
        // Imported activities keep their ids; the next one logged counts on from the largest
        // id the store has ever held, so no id is given out twice.
        let held = match self.counter(super::edit::META_NEXT_ACTIVITY)? {
            Some(next) => next,
            None => self.max_activity_id()? + 1,
        };
        // Ids were checked to be at most ID_MAX, so none of this can wrap.
        let next = data
            .activities
            .iter()
            .map(|a| a.id.saturating_add(1))
            .max()
            .unwrap_or(0)
            .max(held);
        batch.insert(super::edit::META_NEXT_ACTIVITY, &next.to_be_bytes());
        let json = |records: &[super::Record]| {
            (!records.is_empty())
                .then(|| serde_json::to_string(records).ok())
                .flatten()
        };
        Ok(Prepared {
            batch,
            payload,
            before: json(&replaced_before),
            after: json(&replaced_after),
            report,
        })
    }

    fn outside_ids(&self) -> Result<Outside, StoreError> {
        Ok(Outside {
            regions: self
                .regions()?
                .into_iter()
                .map(|r| (r.id, r.level))
                .collect(),
            partners: self.partners()?.into_iter().map(|p| p.id).collect(),
            tags: self.custom_tags()?.into_iter().map(|t| t.id).collect(),
            agreements: self.agreements()?.into_iter().map(|(_, a)| a.id).collect(),
        })
    }

    fn remove_all_data(&self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        for prefix in keys::DATA_PREFIXES {
            for key in self.scan_prefix(&[prefix])?.keys() {
                batch.remove(key.map_err(|e| self.read_error(e))?);
            }
        }
        Ok(())
    }

    /// Writes every record of a dataset into an empty (or emptied) store.
    fn plan_fresh(
        &self,
        data: &Dataset,
        sink: &mut Sink<'_>,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        sink.insert(keys::META_STAGES.to_vec(), encode(&data.stages)?)?;
        for t in &data.tags {
            sink.insert(keys::slug(keys::TAG, &t.id), encode(t)?)?;
        }
        for r in &data.regions {
            sink.insert(keys::slug(keys::REGION, &r.id), encode(r)?)?;
        }
        for p in &data.partners {
            sink.insert(keys::slug(keys::PARTNER, &p.id), encode(p)?)?;
        }
        for a in &data.agreements {
            sink.insert(
                keys::numbered(keys::AGREEMENT, a.id).to_vec(),
                encode(&(1u64, a))?,
            )?;
        }
        let mut summaries: HashMap<AgreementId, ActivitySummary> = data
            .agreements
            .iter()
            .map(|a| (a.id, ActivitySummary::default()))
            .collect();
        for v in &data.activities {
            sink.insert(keys::activity(v.agreement, v.id).to_vec(), encode(v)?)?;
            summaries.entry(v.agreement).or_default().add_activity(v);
        }
        for n in &data.attention {
            sink.insert(
                keys::numbered(keys::ATTENTION, n.agreement).to_vec(),
                encode(n)?,
            )?;
        }
        let mut ids: Vec<&AgreementId> = summaries.keys().collect();
        ids.sort_unstable();
        for id in ids {
            sink.insert(
                keys::numbered(keys::SUMMARY, *id).to_vec(),
                encode(&summaries[id])?,
            )?;
        }
        *report = ImportReport {
            regions: data.regions.len(),
            partners: data.partners.len(),
            tags: data.tags.len(),
            agreements: data.agreements.len(),
            activities: data.activities.len(),
            unchanged: 0,
            updated: 0,
        };
        Ok(())
    }

    /// Fills an empty store with generated data. Unlike [`Store::import`] it writes in
    /// chunks (one batch of a million records costs gigabytes inside sled), so a crash part
    /// way leaves part of the data; that is acceptable for synthetic benchmark data only.
    pub fn fill_generated(
        &self,
        data: &Dataset,
        source_name: &str,
        actor: &Actor,
    ) -> Result<ImportReport, ImportError> {
        self.whole_store_actor(actor)?;
        if !self.is_empty() {
            return Err(ImportError::Store(StoreError::Write {
                path: self.path.clone(),
                reason: "generated data only goes into an empty store".into(),
            }));
        }
        let problems = check_dataset(data, MAX_REPORTED, &Outside::default());
        if !problems.is_empty() {
            return Err(ImportError::Invalid {
                source_name: source_name.to_string(),
                total: problems.len(),
                problems,
            });
        }
        // Held throughout, like every write: a backup running meanwhile must see no change
        // begin while it starts listening for changes or takes in the last ones.
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut sink = Sink::chunked(self, GENERATED_CHUNK);
        let mut report = ImportReport::default();
        self.plan_fresh(data, &mut sink, &mut report)?;
        let (mut batch, payload) = sink.finish();
        let next = data
            .activities
            .iter()
            .map(|a| a.id)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        batch.insert(super::edit::META_NEXT_ACTIVITY, &next.to_be_bytes());
        self.commit_audited(
            batch,
            actor,
            "gen",
            format!("{source_name}: {report}"),
            None,
            None,
            payload,
        )?;
        Ok(report)
    }

    /// Adds a dataset's records to a store that holds records already; an id already in
    /// use must carry an identical record.
    fn plan_merge(
        &self,
        data: &Dataset,
        sink: &mut Sink<'_>,
        report: &mut ImportReport,
        conflicts: &mut Vec<String>,
    ) -> Result<(), StoreError> {
        let stages = self.stages()?;
        if stages != data.stages {
            conflicts.push(
                "the stage list differs from the store's (a file without \"stages\" uses the \
                 PP 28/2018 list)"
                    .to_string(),
            );
        }
        macro_rules! merge_slugged {
            ($items:expr, $prefix:expr, $kind:literal, $count:ident) => {
                for item in $items {
                    let key = keys::slug($prefix, &item.id);
                    match self.get(&key)? {
                        Some(bytes) => {
                            if self.decode::<_>(&key, &bytes).ok().as_ref() == Some(item) {
                                report.unchanged += 1;
                            } else {
                                conflicts.push(format!("{} {:?}", $kind, item.id));
                            }
                        }
                        None => {
                            sink.insert(key, encode(item)?)?;
                            report.$count += 1;
                        }
                    }
                }
            };
        }
        merge_slugged!(&data.tags, keys::TAG, "tag", tags);
        merge_slugged!(&data.regions, keys::REGION, "region", regions);
        merge_slugged!(&data.partners, keys::PARTNER, "partner", partners);

        let mut summaries: HashMap<AgreementId, ActivitySummary> = HashMap::new();
        for a in &data.agreements {
            match self.agreement(a.id)? {
                Some((_, existing)) if &existing == a => report.unchanged += 1,
                Some(_) => conflicts.push(format!("agreement {}", a.id)),
                None => {
                    sink.insert(
                        keys::numbered(keys::AGREEMENT, a.id).to_vec(),
                        encode(&(1u64, a))?,
                    )?;
                    summaries.insert(a.id, ActivitySummary::default());
                    report.agreements += 1;
                }
            }
        }
        let existing_activities = self.activity_owners()?;
        for v in &data.activities {
            match existing_activities.get(&v.id) {
                Some(&owner) => {
                    let key = keys::activity(owner, v.id);
                    let same = match self.get(&key)? {
                        Some(bytes) => {
                            self.decode::<crate::domain::Activity>(&key, &bytes)
                                .ok()
                                .as_ref()
                                == Some(v)
                        }
                        None => false,
                    };
                    if same {
                        report.unchanged += 1;
                    } else {
                        conflicts.push(format!("activity {}", v.id));
                    }
                }
                None => {
                    sink.insert(keys::activity(v.agreement, v.id).to_vec(), encode(v)?)?;
                    if let std::collections::hash_map::Entry::Vacant(e) =
                        summaries.entry(v.agreement)
                    {
                        let key = keys::numbered(keys::SUMMARY, v.agreement);
                        let current = match self.get(&key)? {
                            Some(bytes) => self.decode(&key, &bytes)?,
                            None => ActivitySummary::default(),
                        };
                        e.insert(current);
                    }
                    if let Some(s) = summaries.get_mut(&v.agreement) {
                        s.add_activity(v);
                    }
                    report.activities += 1;
                }
            }
        }
        for (id, s) in &summaries {
            sink.insert(keys::numbered(keys::SUMMARY, *id).to_vec(), encode(s)?)?;
        }
        for n in &data.attention {
            let key = keys::numbered(keys::ATTENTION, n.agreement);
            match self.get(&key)? {
                Some(bytes) if self.decode::<Attention>(&key, &bytes).ok().as_ref() == Some(n) => {
                    report.unchanged += 1
                }
                Some(_) => conflicts.push(format!("triage notes of agreement {}", n.agreement)),
                None => sink.insert(key.to_vec(), encode(n)?)?,
            }
        }
        Ok(())
    }

    /// Which agreement each stored activity belongs to.
    fn activity_owners(&self) -> Result<HashMap<ActivityId, AgreementId>, StoreError> {
        let mut owners = HashMap::new();
        for key in self.scan_prefix(&[keys::ACTIVITY])?.keys() {
            let key = key.map_err(|e| self.read_error(e))?;
            if let (Some(agreement), Some(activity)) =
                (keys::number_at(&key, 1), keys::number_at(&key, 9))
            {
                owners.insert(activity, agreement);
            }
        }
        Ok(owners)
    }

    /// The whole store as a dataset, in key order, so that the same contents always
    /// export to the same bytes.
    pub fn export(&self) -> Result<Dataset, StoreError> {
        // One consistent picture: no change may land between the scans (a server's sessions
        // keep saving while someone exports over SSH).
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(Dataset {
            format: FORMAT_NAME.to_string(),
            schema: SCHEMA_VERSION,
            stages: self.stages()?,
            tags: self
                .custom_tags()?
                .into_iter()
                .filter(|t| !is_builtin_tag(&t.id))
                .collect(),
            regions: self.regions()?,
            partners: self.partners()?,
            agreements: self.agreements()?.into_iter().map(|(_, a)| a).collect(),
            activities: self.all_activities()?,
            attention: self.attention()?,
        })
    }
}

/// Writes a dataset as pretty JSON with a final newline.
pub fn write_json(data: &Dataset, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, data)?;
    out.write_all(b"\n")
}

/// Guards a spreadsheet cell against being read as a formula (CSV injection).
pub fn cell(text: &str) -> String {
    let safe = crate::domain::text::display_safe(text);
    if safe.starts_with(['=', '+', '-', '@']) {
        format!("'{safe}")
    } else {
        safe.into_owned()
    }
}

/// One row per agreement, for spreadsheets.
/// The agreements as one spreadsheet row each, with the status and tags of `today`.
pub fn write_csv(
    catalog: &Catalog,
    today: chrono::NaiveDate,
    out: &mut dyn Write,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "region",
        "region_official_name",
        "province",
        "partner",
        "partner_aliases",
        "country",
        "kind",
        "status",
        "stage",
        "signed",
        "expires",
        "renewals",
        "fields",
        "obstacles",
        "activities",
        "first_activity",
        "last_activity",
        "contacts",
        "notes",
    ])?;
    for a in &catalog.agreements {
        let region = catalog.region(&a.region);
        let partner = catalog.partner(&a.partner);
        let province = region
            .and_then(|r| r.province.as_deref())
            .and_then(|p| catalog.region(p))
            .or(region)
            .map(|r| r.name.as_str())
            .unwrap_or("");
        let summary = catalog.summary(a.id);
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let contacts = a
            .contacts
            .iter()
            .map(|c| {
                if c.role.is_empty() {
                    c.name.clone()
                } else {
                    format!("{} ({})", c.name, c.role)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        w.write_record([
            a.id.to_string(),
            cell(catalog.region_name(a)),
            cell(region.map(|r| r.official_name.as_str()).unwrap_or("")),
            cell(province),
            cell(catalog.partner_name(a)),
            cell(&partner.map(|p| p.aliases.join("; ")).unwrap_or_default()),
            cell(partner.map(|p| p.country.as_str()).unwrap_or("")),
            enum_name(&a.kind),
            enum_name(&a.status_on(today)),
            cell(&a.stage),
            date(a.signed),
            date(a.expires),
            a.renewals.len().to_string(),
            cell(&a.fields.join("; ")),
            cell(&a.tags_on(today).collect::<Vec<_>>().join("; ")),
            summary.map(|s| s.count()).unwrap_or(0).to_string(),
            date(summary.and_then(|s| s.first())),
            date(summary.and_then(|s| s.last())),
            cell(&contacts),
            cell(&a.notes),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The snake_case name serde gives an enum value.
pub fn enum_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
