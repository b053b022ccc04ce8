//! The store: the only code that touches sled.
//!
//! One sled tree holds every record under a one-byte prefix (see [`keys`]), values are
//! postcard-encoded domain types, and a schema number in the metadata decides whether this
//! build may read the store at all. Every write goes through one sled batch together with its
//! audit entry and is flushed before the call returns, so "saved" always means durable.

pub mod audit;
pub mod edit;
pub mod error;
pub mod interchange;
pub mod keys;
pub mod lock;
pub mod stream;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::builtin::default_stages;
use crate::domain::{
    Activity, ActivitySummary, Agreement, AgreementId, Attention, Catalog, Partner, Region,
    SCHEMA_VERSION, Stage, Tag,
};

pub use audit::{Actor, AuditEntry};
pub use edit::{Applied, ApplyError, Change, Conflict, Edit, Record, RecordKey};
pub use error::StoreError;
pub use interchange::{ImportError, ImportMode, ImportReport, Replacement};
pub use lock::{Owner, StoreLock};

/// sled's page cache. Its default (1 GiB) is far more than a store of 100,000 agreements
/// needs and would count against the memory of a shared server.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// An open store, owned by this process until dropped.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    /// Released when the store is dropped; its text tells others who holds the store.
    lock: std::sync::Mutex<StoreLock>,
    /// One change at a time: a change's checks and its write must see the same store.
    pub(crate) writing: std::sync::Mutex<()>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the store in folder `path`. `purpose` tells other processes what
    /// holds the store ("dashboard", "import"...).
    pub fn open(path: &Path, purpose: &str) -> Result<Store, StoreError> {
        let open_error = |reason: String, fix: &str| StoreError::Open {
            path: path.to_path_buf(),
            reason,
            fix: fix.to_string(),
        };
        if path.is_file() {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
            });
        }
        if path.is_dir() && !looks_like_store_or_empty(path) {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
            });
        }
        std::fs::create_dir_all(path).map_err(|e| {
            open_error(
                format!("cannot create the folder: {e}"),
                "Choose a folder you may write to with --db PATH (or KEMBAR_DB).",
            )
        })?;
        let lock = StoreLock::acquire(path, purpose, &Actor::local().user)?;
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    lock::in_use(path, None)
                }
                sled::Error::Io(io) => open_error(
                    io.to_string(),
                    "Check that the folder exists, that you may write to it, and that the disk \
                     is not full.",
                ),
                sled::Error::Corruption { .. } => open_error(
                    e.to_string(),
                    "The store's files are damaged: restore the folder from a backup.",
                ),
                other => open_error(
                    other.to_string(),
                    "If the folder was written by another program, point --db elsewhere.",
                ),
            })?;
        let store = Store {
            db,
            path: path.to_path_buf(),
            lock: std::sync::Mutex::new(lock),
            writing: std::sync::Mutex::new(()),
        };
        store.check_schema()?;
        // After a crash between a change and its new number, give the store one again (the
        // lock is held, so nothing is changing it).
        if store.generation().is_none() {
            store.advance_generation();
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Tells processes that find the store in use that a server holds it, and the command
    /// that reaches it.
    pub fn announce_server(&self, purpose: &str, ssh: String) {
        let owner = Owner {
            pid: std::process::id(),
            user: Actor::local().user,
            purpose: purpose.to_string(),
            since: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            ssh: Some(ssh),
        };
        if let Ok(mut lock) = self.lock.lock() {
            lock.describe(&owner);
        }
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        match self
            .db
            .get(keys::META_SCHEMA)
            .map_err(|e| self.read_error(e))?
        {
            Some(bytes) => {
                let found = bytes
                    .as_ref()
                    .try_into()
                    .map(u32::from_be_bytes)
                    .map_err(|_| StoreError::Corrupt {
                        path: self.path.clone(),
                        record: "schema number".into(),
                        reason: format!("{} bytes instead of 4", bytes.len()),
                    })?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                // Schema 1 is the first; later versions add their migration steps here, each
                // taking the store from schema n to n + 1 in one batch.
                Ok(())
            }
            None if self.db.is_empty() => {
                let mut batch = sled::Batch::default();
                batch.insert(keys::META_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
                batch.insert(keys::META_STAGES, encode(&default_stages())?);
                self.commit(batch)
            }
            None => Err(StoreError::NotAStore {
                path: self.path.clone(),
            }),
        }
    }

    /// Writes a batch atomically and waits until it is on disk.
    ///
    /// Around the write, the `generation` file beside the store changes: it is removed first
    /// and rewritten with a new number once the change is durable, so a reader that never
    /// opens the store (a search using a saved index) can tell whether what it saved is
    /// still current. A crash in between leaves no number, which reads as "changed".
    pub(crate) fn commit(&self, batch: sled::Batch) -> Result<(), StoreError> {
        self.invalidate_generation()?;
        self.db
            .apply_batch(batch)
            .map_err(|e| self.write_error(e))?;
        // Past this point the change is visible: a failed flush must not claim otherwise.
        self.db.flush().map_err(|e| StoreError::Unconfirmed {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        self.advance_generation();
        Ok(())
    }

    /// Removes the generation number before a change, durably (the folder is synced, so a
    /// power cut cannot bring the old number back beside the new data).
    pub(crate) fn invalidate_generation(&self) -> Result<(), StoreError> {
        let file = self.path.join(GENERATION_FILE);
        match std::fs::remove_file(&file) {
            Ok(()) => {
                if let Ok(dir) = std::fs::File::open(&self.path) {
                    let _ = dir.sync_all();
                }
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Write {
                path: self.path.clone(),
                reason: format!("cannot update {}: {e}", file.display()),
            }),
        }
    }

    /// Writes a new generation number once a change is durable. Best effort: without the
    /// file, readers treat saved indexes as stale and rebuild them.
    fn advance_generation(&self) {
        let Ok(generation) = self.db.generate_id() else {
            return;
        };
        let tmp = self.path.join(format!("{GENERATION_FILE}.tmp"));
        if std::fs::write(&tmp, generation.to_string()).is_ok() {
            let _ = std::fs::rename(&tmp, self.path.join(GENERATION_FILE));
        }
    }

    /// The store's current generation, as the last completed change left it.
    pub fn generation(&self) -> Option<u64> {
        read_generation(&self.path)
    }

    /// Writes a batch with its audit entry, atomically and durably.
    pub(crate) fn commit_audited(
        &self,
        mut batch: sled::Batch,
        actor: &Actor,
        action: &str,
        record: String,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<AuditEntry, StoreError> {
        let seq = self.db.generate_id().map_err(|e| self.write_error(e))?;
        let entry = AuditEntry {
            seq,
            at: chrono::Utc::now(),
            user: actor.user.clone(),
            via: actor.via.clone(),
            action: action.to_string(),
            record,
            before,
            after,
            unconfirmed: None,
        };
        batch.insert(&keys::numbered(keys::AUDIT, seq), encode(&entry)?);
        match self.commit(batch) {
            Ok(()) => Ok(entry),
            // The change is in the store (visible, maybe not yet on disk): report it as made,
            // with the warning, so that nobody makes it twice.
            Err(StoreError::Unconfirmed { reason, .. }) => Ok(AuditEntry {
                unconfirmed: Some(reason),
                ..entry
            }),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn write_error(&self, e: sled::Error) -> StoreError {
        StoreError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn read_error(&self, e: sled::Error) -> StoreError {
        StoreError::Open {
            path: self.path.clone(),
            reason: e.to_string(),
            fix: "Check the disk; if the error persists, restore the store from a backup.".into(),
        }
    }

    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        key: &[u8],
        bytes: &[u8],
    ) -> Result<T, StoreError> {
        postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            record: keys::describe(key),
            reason: e.to_string(),
        })
    }

    /// Decodes every value under a prefix, in key order.
    pub(crate) fn scan<T: DeserializeOwned>(&self, prefix: u8) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix([prefix]) {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            out.push(self.decode(&key, &value)?);
        }
        Ok(out)
    }

    /// True when the store holds no records (metadata and audit log aside).
    pub fn is_empty(&self) -> bool {
        keys::DATA_PREFIXES
            .iter()
            .all(|p| self.db.scan_prefix([*p]).next().is_none())
    }

    pub fn stages(&self) -> Result<Vec<Stage>, StoreError> {
        match self
            .db
            .get(keys::META_STAGES)
            .map_err(|e| self.read_error(e))?
        {
            Some(bytes) => self.decode(keys::META_STAGES, &bytes),
            None => Ok(default_stages()),
        }
    }

    pub fn custom_tags(&self) -> Result<Vec<Tag>, StoreError> {
        self.scan(keys::TAG)
    }

    pub fn regions(&self) -> Result<Vec<Region>, StoreError> {
        self.scan(keys::REGION)
    }

    pub fn partners(&self) -> Result<Vec<Partner>, StoreError> {
        self.scan(keys::PARTNER)
    }

    /// Every agreement with its record version, in id order.
    pub fn agreements(&self) -> Result<Vec<(u64, Agreement)>, StoreError> {
        self.scan(keys::AGREEMENT)
    }

    pub fn agreement(&self, id: AgreementId) -> Result<Option<(u64, Agreement)>, StoreError> {
        let key = keys::numbered(keys::AGREEMENT, id);
        match self.db.get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => Ok(Some(self.decode(&key, &bytes)?)),
            None => Ok(None),
        }
    }

    /// One agreement's activity summary as stored now.
    pub fn summary(&self, id: AgreementId) -> Result<Option<ActivitySummary>, StoreError> {
        let key = keys::numbered(keys::SUMMARY, id);
        match self.db.get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => Ok(Some(self.decode(&key, &bytes)?)),
            None => Ok(None),
        }
    }

    pub fn summaries(&self) -> Result<HashMap<AgreementId, ActivitySummary>, StoreError> {
        let mut out = HashMap::new();
        for item in self.db.scan_prefix([keys::SUMMARY]) {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            let id = keys::number_at(&key, 1).unwrap_or_default();
            out.insert(id, self.decode(&key, &value)?);
        }
        Ok(out)
    }

    /// Everything the dashboard shows except timelines. The two large scans (agreements and
    /// their activity summaries) run on two threads: on a 100,000-agreement store they are
    /// most of the time to first frame.
    pub fn load_catalog(&self) -> Result<Catalog, StoreError> {
        let (agreements, summaries) = std::thread::scope(|s| {
            let summaries = s.spawn(|| self.summaries());
            let agreements = self.agreements();
            let summaries = summaries.join().unwrap_or_else(|_| {
                Err(StoreError::Corrupt {
                    path: self.path.clone(),
                    record: "activity summaries".into(),
                    reason: "the reading thread failed".into(),
                })
            });
            (agreements, summaries)
        });
        let agreements = agreements?;
        let versions = agreements.iter().map(|(v, a)| (a.id, *v)).collect();
        let agreements = agreements.into_iter().map(|(_, a)| a).collect();
        let mut catalog = Catalog::new(
            self.stages()?,
            self.custom_tags()?,
            self.regions()?,
            self.partners()?,
            agreements,
            summaries?,
        );
        catalog.versions = versions;
        catalog.attention = self
            .attention()?
            .into_iter()
            .map(|n| (n.agreement, n))
            .collect();
        Ok(catalog)
    }

    /// One agreement's timeline, oldest first.
    pub fn activities_of(&self, id: AgreementId) -> Result<Vec<Activity>, StoreError> {
        let mut out: Vec<Activity> = Vec::new();
        for item in self.db.scan_prefix(keys::activities_of(id)) {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            out.push(self.decode(&key, &value)?);
        }
        out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Every activity, by agreement then activity id.
    pub fn all_activities(&self) -> Result<Vec<Activity>, StoreError> {
        self.scan(keys::ACTIVITY)
    }

    /// Calls `f` with every activity, by agreement then activity id, without holding them
    /// all in memory.
    pub fn visit_activities(&self, mut f: impl FnMut(Activity)) -> Result<(), StoreError> {
        for item in self.db.scan_prefix([keys::ACTIVITY]) {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            f(self.decode(&key, &value)?);
        }
        Ok(())
    }

    /// Triage decisions, snoozes and follow-ups, by agreement id.
    pub fn attention(&self) -> Result<Vec<Attention>, StoreError> {
        self.scan(keys::ATTENTION)
    }

    /// The audit trail, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.scan(keys::AUDIT)
    }

    /// Bytes the store occupies on disk.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }
}

/// The file beside a store that names its latest completed change.
pub const GENERATION_FILE: &str = "generation";

/// Reads the generation of the store in `dir` without opening it.
pub fn read_generation(dir: &Path) -> Option<u64> {
    std::fs::read_to_string(dir.join(GENERATION_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// sled leaves `conf`, `db`, `blobs/` and `snap.*`; kembar adds `kembar.lock`, `generation`
/// and saved search indexes. A folder with
/// other files is somebody else's, and kembar must not scatter a store into it.
fn looks_like_store_or_empty(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return true; // let the open itself report the real problem
    };
    entries.flatten().all(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        matches!(name.as_ref(), "conf" | "db" | "blobs" | "kembar.lock")
            || name.starts_with("snap.")
            || name.starts_with(GENERATION_FILE)
            || name.starts_with("search-index.")
    })
}

pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Write {
        path: PathBuf::new(),
        reason: format!("cannot encode a record: {e}"),
    })
}
