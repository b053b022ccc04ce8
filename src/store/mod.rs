//! The store: the only code that touches sled.
//!
//! One sled tree holds every record under a one-byte prefix (see [`keys`]), values are
//! postcard-encoded domain types, and a schema number in the metadata decides whether this
//! build may read the store at all. Every write goes through one sled batch together with its
//! audit entry and is flushed before the call returns, so "saved" always means durable.

pub mod audit;
pub mod backup;
pub mod check;
pub mod edit;
pub mod error;
pub(crate) mod folder;
pub mod interchange;
pub mod keys;
pub mod lock;
pub mod migrate;

/// The layout of the records in a store: the interchange file's schema
/// ([`crate::domain::SCHEMA_VERSION`]) plus what only the store keeps. Schema 3 added the
/// fields of cooperation to the activity summaries.
pub const STORE_SCHEMA: u32 = 3;
pub mod stream;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::builtin::default_stages;
use crate::domain::{
    Activity, ActivitySummary, Agreement, AgreementId, Attention, Catalog, Partner, Region, Stage,
    Tag,
};

pub use audit::{Actor, AuditEntry};
pub use check::{CheckReport, Finding, Remedy, RepairReport};
pub use edit::{Applied, ApplyError, Change, Conflict, Edit, Record, RecordKey};
pub use error::StoreError;
pub use interchange::{ImportError, ImportMode, ImportReport, Replacement};
pub use lock::{Owner, StoreLock};

/// Free space a change must leave on the disk, besides four times its own size. sled grows
/// its log by whole buffers and writes large pages to files of their own; when one of those
/// writes fails for want of space, sled 0.34 can stop answering altogether (see
/// `flush_watched`), so kembar refuses a change that might not fit rather than let sled find
/// out.
pub const SPACE_RESERVE: u64 = 1024 * 1024;
/// Free space needed to open a store (see `open_recovering`).
pub const OPEN_RESERVE: u64 = 2 * 1024 * 1024;
/// Below this much free space, a flush that has not finished after [`STUCK_AFTER`] is taken
/// for sled having stopped.
const NEARLY_FULL: u64 = 1024 * 1024;
const STUCK_AFTER: Duration = Duration::from_secs(5);
/// How long a flush may take, right after sled failed a write without recording an error,
/// before sled is taken for stuck.
const STALL_CHECK: Duration = Duration::from_secs(1);

/// How long a reopen after a failed write waits for this process's last readers of the old
/// database to let go of its files.
const REOPEN_WAIT: Duration = Duration::from_secs(3);

/// A store's own identity: 128 random bits made when it is created. Saved search indexes
/// carry it, so that one copied from another store is never taken for this one's.
pub type StoreId = [u8; 16];

/// An open store, owned by this process until dropped.
pub struct Store {
    /// sled's handle. After a failed write sled keeps the unsaved change in memory and
    /// refuses every later write, so the store drops this handle and opens the files again;
    /// `None` while that reopening fails (a disk still full), retried at the next access.
    db: RwLock<Option<sled::Db>>,
    path: PathBuf,
    /// Released when the store is dropped; its text tells others who holds the store.
    lock: Mutex<StoreLock>,
    /// One change at a time: a change's checks and its write must see the same store.
    pub(crate) writing: Mutex<()>,
    /// What opening had to repair, for the user to be told.
    notices: Vec<String>,
    /// The store's identity, once it has one (a read-only older store may not).
    id: Option<StoreId>,
    /// See [`SPACE_RESERVE`].
    space_reserve: AtomicU64,
    /// sled stopped answering (a write failed in a way it cannot recover from while running):
    /// nothing more is asked of it, and the store needs kembar to be started again.
    stalled: AtomicBool,
    /// How many times sled's files were opened again after a failed write (a backup
    /// listening to the old handle's changes must start again).
    pub(crate) reopens: AtomicU64,
    /// Whether opening an older store backs it up before migrating it (not for a store
    /// being restored: its backup is the file it comes from).
    backup_before_migrating: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the store in folder `path`. `purpose` tells other processes what
    /// holds the store ("dashboard", "import"...).
    ///
    /// Before sled sees the folder, anything in it that is not a kembar store (another
    /// program's files, a link) is refused, and the leftovers of interrupted writes are
    /// cleared. A damaged snapshot is set aside and the store rebuilt from its log; only when
    /// nothing recovers does the error say to restore a backup. [`Store::notices`] says what
    /// was done.
    ///
    /// A store of an older schema is first backed up beside its folder (see
    /// [`backup::upgrade_backup_path`]), then migrated.
    pub fn open(path: &Path, purpose: &str) -> Result<Store, StoreError> {
        Store::open_with(path, purpose, true)
    }

    /// Opens a store just restored from a backup: an older schema is migrated without a
    /// second backup.
    pub(crate) fn open_restored(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, "restore", false)
    }

    fn open_with(
        path: &Path,
        purpose: &str,
        backup_before_migrating: bool,
    ) -> Result<Store, StoreError> {
        if path.is_file() {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
                found: "a file, where a store is a folder".into(),
            });
        }
        folder::inspect(path)?;
        std::fs::create_dir_all(path).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("cannot create the folder: {e}"),
            fix: "Choose a folder you may write to with --db PATH (or KEMBAR_DB).".into(),
        })?;
        let lock = StoreLock::acquire(path, purpose, &Actor::local().user)?;
        // With the lock held, a socket left in the folder has nobody behind it: its owner
        // was killed before it could remove it.
        #[cfg(unix)]
        folder::remove_stale_socket(path);
        let mut notices = Vec::new();
        // With kembar's own lock held, sled's lock can only be held by a handle this process
        // is still letting go of (a store just dropped), or by a program that is not kembar.
        let started = Instant::now();
        let db = loop {
            match open_recovering(path, &mut notices) {
                Err(StoreError::InUse { .. }) if started.elapsed() < Duration::from_secs(1) => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => break other?,
            }
        };
        let mut store = Store {
            db: RwLock::new(Some(db)),
            path: path.to_path_buf(),
            lock: Mutex::new(lock),
            writing: Mutex::new(()),
            notices,
            id: None,
            space_reserve: AtomicU64::new(SPACE_RESERVE),
            stalled: AtomicBool::new(false),
            reopens: AtomicU64::new(0),
            backup_before_migrating,
        };
        let (migrations, backup) = store.check_schema()?;
        if let Some(file) = backup {
            store.notices.push(format!(
                "backed up the store to {} before migrating it (the last {} backups taken \
                 before upgrades are kept beside the store)",
                file.display(),
                backup::UPGRADE_BACKUPS_KEPT
            ));
        }
        for migrated in migrations {
            store.notices.push(migrated.to_string());
        }
        store.id = store.identity();
        // A store without a current stamp of its own (after a crash between a change and its
        // new number, or with a `generation` file from elsewhere) gets a new one; the lock is
        // held, so nothing is changing it.
        let stamp = read_stamp(path);
        if stamp.is_none() && !store.is_empty() {
            // No stamp: a change began and never finished (a kill, a crash, a disk that
            // filled up halfway). The change itself is all there or not at all, but sled can
            // leave a derived record of a failed write behind on a full disk; rebuild those.
            let (repaired, _) = store.rebuild_derived(&Actor::local())?;
            if !repaired.done.is_empty() {
                store.notices.push(format!(
                    "the last change to this store was interrupted; {}",
                    repaired.done.join("; ")
                ));
            }
        }
        if stamp.is_none() || stamp.and_then(|s| s.store) != store.id {
            store.advance_generation();
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening the store repaired or set aside, one sentence each, for stderr.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Changes the free space a change must leave (tests use 0 to let sled meet a full disk
    /// itself).
    #[doc(hidden)]
    pub fn set_space_reserve(&self, bytes: u64) {
        self.space_reserve.store(bytes, Ordering::Relaxed);
    }

    /// The store's random identity, when it has one.
    pub fn id(&self) -> Option<StoreId> {
        self.id
    }

    /// Changes to the whole store (an import, a repair, generated data) are for someone who
    /// may change everything: a session limited to some regions, or one that may only
    /// view, is refused before anything is read.
    pub(crate) fn whole_store_actor(&self, actor: &Actor) -> Result<(), StoreError> {
        if actor.access.is_full() {
            return Ok(());
        }
        Err(StoreError::Write {
            path: self.path.clone(),
            reason: format!(
                "{} may not change the whole store (an import or a repair changes every \
                 region's records); nothing was written",
                crate::domain::text::display_safe(&actor.user)
            ),
        })
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

    /// sled's handle, reopening the files first when an earlier failure left none.
    ///
    /// A handle sled has stopped writing through (after any failed write, including one a
    /// read makes when it reorganises pages) is never handed out: its memory may hold what
    /// the disk does not, so the files are opened again first.
    pub(crate) fn db(&self) -> Result<sled::Db, StoreError> {
        if self.stalled.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable {
                path: self.path.clone(),
                reason: "the database stopped answering when the disk filled up".into(),
                fix: "free some disk space, then close kembar and start it again (the \
                      database cannot recover from this while it runs)."
                    .into(),
            });
        }
        if let Some(db) = self
            .db
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && healthy(db)
        {
            return Ok(db.clone());
        }
        let mut slot = self.db.write().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(healthy) {
            self.reopen(&mut slot)?;
        }
        slot.clone().ok_or_else(|| StoreError::Open {
            path: self.path.clone(),
            reason: "the store's files are not open".into(),
            fix: "Run kembar again.".into(),
        })
    }

    /// Drops sled's handle and opens the files again, taking the store back to what the
    /// disk holds. Readers on other threads may still hold the old handle for a moment (sled
    /// locks its log while any does), so this waits a little for them.
    fn reopen(&self, slot: &mut Option<sled::Db>) -> Result<(), StoreError> {
        *slot = None;
        self.reopens.fetch_add(1, Ordering::AcqRel);
        let start = Instant::now();
        loop {
            let mut ignored = Vec::new();
            match open_recovering(&self.path, &mut ignored) {
                Ok(db) => {
                    *slot = Some(db);
                    return Ok(());
                }
                Err(StoreError::InUse { .. }) if start.elapsed() < REOPEN_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(StoreError::Open { reason, fix, .. }) => {
                    let fix = if fix.contains("full") {
                        "free some disk space and try again."
                    } else {
                        "fix the cause and try again."
                    };
                    return Err(StoreError::Unavailable {
                        path: self.path.clone(),
                        reason,
                        fix: fix.into(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A get that names the store when it fails.
    pub(crate) fn get(&self, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        self.db()?.get(key).map_err(|e| self.read_error(e))
    }

    /// The keys and values under a prefix, in key order.
    pub(crate) fn scan_prefix(&self, prefix: &[u8]) -> Result<sled::Iter, StoreError> {
        Ok(self.db()?.scan_prefix(prefix))
    }

    /// Checks the store's schema number, migrating an older store after backing it up (what
    /// was done, and the backup, are returned, to be said once).
    #[allow(clippy::type_complexity)]
    fn check_schema(&self) -> Result<(Vec<migrate::Migrated>, Option<PathBuf>), StoreError> {
        match self.get(keys::META_SCHEMA)? {
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
                if found > STORE_SCHEMA {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: STORE_SCHEMA,
                    });
                }
                if self.get(keys::META_STORE_ID)?.is_none() {
                    // Stores made before identities existed get one now. Best effort: a store
                    // that cannot be written still opens, and its indexes are not saved.
                    let mut batch = sled::Batch::default();
                    batch.insert(keys::META_STORE_ID, &new_store_id());
                    let _ = self.commit(batch, Some(keys::META_STORE_ID), 0);
                }
                // Each step takes the store from schema n to n + 1 in one batch.
                if found == STORE_SCHEMA {
                    return Ok((Vec::new(), None));
                }
                // Nothing is migrated without a backup of the store as it was.
                let backup = if self.backup_before_migrating {
                    Some(backup::before_upgrade(self, STORE_SCHEMA)?)
                } else {
                    None
                };
                let mut done = Vec::new();
                if found == 1 {
                    done.push(self.migrate_from_1(chrono::Local::now().date_naive())?);
                }
                if found <= 2 {
                    done.push(self.migrate_from_2()?);
                }
                Ok((done, backup))
            }
            None if self.db()?.is_empty() => {
                let mut batch = sled::Batch::default();
                batch.insert(keys::META_SCHEMA, &STORE_SCHEMA.to_be_bytes());
                batch.insert(keys::META_STAGES, encode(&default_stages())?);
                batch.insert(keys::META_STORE_ID, &new_store_id());
                self.commit(batch, Some(keys::META_SCHEMA), 0)?;
                Ok((Vec::new(), None))
            }
            None => Err(StoreError::NotAStore {
                path: self.path.clone(),
                found: "a sled database without kembar's schema number".into(),
            }),
        }
    }

    /// The identity in the store's metadata.
    fn identity(&self) -> Option<StoreId> {
        self.get(keys::META_STORE_ID)
            .ok()
            .flatten()
            .and_then(|v| StoreId::try_from(v.as_ref()).ok())
    }

    /// Writes a batch atomically and waits until it is on disk. `proof` is a key the batch
    /// writes that no earlier change wrote (an audit entry's), by which a write whose outcome
    /// is unknown can be looked for.
    ///
    /// When the write or the flush fails (a full disk), sled has the change in memory but not
    /// on disk and refuses all further writes. The store then reopens its files, which brings
    /// back exactly what the disk holds, and looks for `proof`: found, the change is durable
    /// after all; not found, nothing of it was saved and the caller is told so, with the store
    /// usable again as soon as the cause is gone.
    ///
    /// Around the write, the `generation` file beside the store changes: it is removed first
    /// and rewritten with a new number once the change is durable, so a reader that never
    /// opens the store (a search using a saved index) can tell whether what it saved is
    /// still current. A crash in between leaves no number, which reads as "changed".
    pub(crate) fn commit(
        &self,
        batch: sled::Batch,
        proof: Option<&[u8]>,
        payload: u64,
    ) -> Result<(), StoreError> {
        self.ensure_space(payload)?;
        self.invalidate_generation()?;
        let db = self.db()?;
        let written = match db.apply_batch(batch) {
            Ok(()) => self.flush_watched(&db, STUCK_AFTER, true),
            // A write sled does while applying (a large page to a file of its own) that
            // fails leaves sled waiting for it for ever, without recording an error: a short
            // flush tells whether that happened.
            Err(e) if healthy(&db) => match self.flush_watched(&db, STALL_CHECK, false) {
                Err(Flush::Stalled) => Err(Flush::Stalled),
                _ => Err(Flush::Failed(e)),
            },
            Err(e) => Err(Flush::Failed(e)),
        };
        drop(db);
        match written {
            Ok(()) => {
                self.advance_generation();
                Ok(())
            }
            Err(Flush::Failed(e)) => self.after_failed_write(&e, proof),
            Err(Flush::Stalled) => Err(self.stalled_error()),
        }
    }

    fn stalled_error(&self) -> StoreError {
        StoreError::NotSaved {
            path: self.path.clone(),
            reason: "the disk filled up and the database stopped answering".into(),
            next: "Nothing saved earlier is lost, but kembar must be closed and started again \
                   before the store can be used (the database cannot recover from this while it \
                   runs). Free some disk space first."
                .into(),
        }
    }

    /// Refuses a change that might not fit on the disk (see [`SPACE_RESERVE`]).
    fn ensure_space(&self, payload: u64) -> Result<(), StoreError> {
        let reserve = self.space_reserve.load(Ordering::Relaxed);
        if reserve == 0 {
            return Ok(());
        }
        let needed = reserve.saturating_add(payload.saturating_mul(4));
        match free_space(&self.path) {
            Some(free) if free < needed => Err(StoreError::NotSaved {
                path: self.path.clone(),
                reason: format!(
                    "the disk holding it has {} free, and kembar keeps at least {} free so that a \
                     save can never be cut short",
                    human_bytes(free),
                    human_bytes(needed)
                ),
                next: "The store is as it was before this change; free some disk space, then \
                       save again."
                    .into(),
            }),
            _ => Ok(()),
        }
    }

    /// [`flush`], watched: sled 0.34 never finishes a flush after it failed to write a large
    /// page to a file of its own for want of space (the write's slot in its log buffer stays
    /// taken, and no error is recorded). A flush still waiting after [`STUCK_AFTER`] on a disk
    /// that is nearly full is taken for that, and the store stops using sled until kembar is
    /// started again; on a disk with room, a slow flush is waited for.
    ///
    /// `patience` is how long to wait before taking the flush for stuck, and `only_when_full`
    /// whether to wait on regardless while the disk has room.
    fn flush_watched(
        &self,
        db: &sled::Db,
        patience: Duration,
        only_when_full: bool,
    ) -> Result<(), Flush> {
        let started = Instant::now();
        let outcome = flush(db, &mut || {
            started.elapsed() > patience
                && (!only_when_full
                    || free_space(&self.path).is_some_and(|free| free < NEARLY_FULL))
        });
        if matches!(outcome, Err(Flush::Stalled)) {
            self.stalled.store(true, Ordering::Release);
        }
        outcome
    }

    /// Brings the store back to what the disk holds after a failed write, and says whether
    /// the change is there.
    fn after_failed_write(&self, e: &sled::Error, proof: Option<&[u8]>) -> Result<(), StoreError> {
        let reason = sled_reason(e);
        let mut slot = self.db.write().unwrap_or_else(PoisonError::into_inner);
        let reopened = self.reopen(&mut slot);
        let landed = match (&reopened, slot.as_ref(), proof) {
            (Ok(()), Some(db), Some(key)) => db.contains_key(key).unwrap_or(false),
            _ => false,
        };
        drop(slot);
        if reopened.is_ok() {
            self.advance_generation();
        }
        if landed {
            return Ok(());
        }
        let hint = if is_full(e) {
            "free some disk space, then save again"
        } else {
            "fix that, then save again"
        };
        match reopened {
            Ok(()) => Err(StoreError::NotSaved {
                path: self.path.clone(),
                reason,
                next: format!("The store is as it was before this change and still open; {hint}."),
            }),
            // The write may have reached the disk before it failed; without the store open
            // there is no telling.
            Err(why) => Err(StoreError::MaybeSaved {
                path: self.path.clone(),
                reason,
                next: format!(
                    "kembar could not reopen the store to look ({}); it tries again at your \
                     next action. Nothing saved earlier is lost. {}, then look whether this \
                     change is there before making it again.",
                    why.reason(),
                    if is_full(e) {
                        "Free some disk space"
                    } else {
                        "Fix that"
                    }
                ),
            }),
        }
    }

    /// Removes the generation number before a change, durably (the folder is synced, so a
    /// power cut cannot bring the old number back beside the new data).
    pub(crate) fn invalidate_generation(&self) -> Result<(), StoreError> {
        let file = self.path.join(GENERATION_FILE);
        match std::fs::remove_file(&file) {
            Ok(()) => {
                folder::sync_dir(&self.path);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Write {
                path: self.path.clone(),
                reason: format!("cannot update {}: {e}", file.display()),
            }),
        }
    }

    /// Writes a new generation number, with the store's identity, once a change is durable.
    /// Best effort: without the file, readers treat saved indexes as stale and rebuild them.
    fn advance_generation(&self) {
        use std::io::Write;
        let Ok(generation) = self
            .db()
            .and_then(|db| db.generate_id().map_err(|e| self.write_error(e)))
        else {
            return;
        };
        let id = self.id.or_else(|| self.identity());
        let text = match id {
            Some(id) => format!("{generation} {}\n", hex(&id)),
            None => format!("{generation}\n"),
        };
        let tmp = self.path.join(format!("{GENERATION_FILE}.tmp"));
        let written = folder::create_fresh(&tmp).and_then(|mut f| f.write_all(text.as_bytes()));
        if written.is_ok() {
            let _ = std::fs::rename(&tmp, self.path.join(GENERATION_FILE));
        } else {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The store's current generation, as the last completed change left it.
    pub fn generation(&self) -> Option<u64> {
        read_generation(&self.path)
    }

    /// Writes a batch with its audit entry, atomically and durably.
    ///
    /// `payload` is the size of the records written besides the audit entry, when the entry
    /// does not hold them (an import's).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn commit_audited(
        &self,
        mut batch: sled::Batch,
        actor: &Actor,
        action: &str,
        record: String,
        before: Option<String>,
        after: Option<String>,
        payload: u64,
    ) -> Result<AuditEntry, StoreError> {
        let seq = self.db()?.generate_id().map_err(|e| self.write_error(e))?;
        let entry = AuditEntry {
            seq,
            at: chrono::Utc::now(),
            user: actor.user.clone(),
            via: actor.via.clone(),
            action: action.to_string(),
            record,
            before,
            after,
        };
        let key = keys::numbered(keys::AUDIT, seq);
        let encoded = encode(&entry)?;
        // The entry holds the records before and after, so it is about the size of the rest.
        let payload = payload.saturating_add(2 * encoded.len() as u64);
        batch.insert(&key, encoded);
        self.commit(batch, Some(&key), payload)?;
        Ok(entry)
    }

    pub(crate) fn write_error(&self, e: sled::Error) -> StoreError {
        StoreError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn read_error(&self, e: sled::Error) -> StoreError {
        match &e {
            // sled writes while it reads (it reorganises pages), so a read can meet a full
            // disk too; the next access reopens the store (see `db`).
            sled::Error::Io(_) => StoreError::Unavailable {
                path: self.path.clone(),
                reason: sled_reason(&e),
                fix: if is_full(&e) {
                    "free some disk space and try again.".into()
                } else {
                    "check the disk and try again.".into()
                },
            },
            _ => StoreError::Open {
                path: self.path.clone(),
                reason: sled_reason(&e),
                fix: "Check the disk; if the error persists, restore the store from a backup."
                    .into(),
            },
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
        for item in self.scan_prefix(&[prefix])? {
            let (key, value) = item.map_err(|e| self.read_error(e))?;
            out.push(self.decode(&key, &value)?);
        }
        Ok(out)
    }

    /// True when the store holds no records (metadata and audit log aside).
    pub fn is_empty(&self) -> bool {
        keys::DATA_PREFIXES.iter().all(|p| {
            self.scan_prefix(&[*p])
                .is_ok_and(|mut i| i.next().is_none())
        })
    }

    pub fn stages(&self) -> Result<Vec<Stage>, StoreError> {
        match self.get(keys::META_STAGES)? {
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
        match self.get(&key)? {
            Some(bytes) => Ok(Some(self.decode(&key, &bytes)?)),
            None => Ok(None),
        }
    }

    /// One agreement's activity summary as stored now.
    pub fn summary(&self, id: AgreementId) -> Result<Option<ActivitySummary>, StoreError> {
        let key = keys::numbered(keys::SUMMARY, id);
        match self.get(&key)? {
            Some(bytes) => Ok(Some(self.decode(&key, &bytes)?)),
            None => Ok(None),
        }
    }

    pub fn summaries(&self) -> Result<HashMap<AgreementId, ActivitySummary>, StoreError> {
        let mut out = HashMap::new();
        for item in self.scan_prefix(&[keys::SUMMARY])? {
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
        for item in self.scan_prefix(&keys::activities_of(id))? {
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
        for item in self.scan_prefix(&[keys::ACTIVITY])? {
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
        self.db()
            .ok()
            .and_then(|db| db.size_on_disk().ok())
            .unwrap_or(0)
    }
}

/// The file beside a store that names its latest completed change.
pub const GENERATION_FILE: &str = "generation";

/// What the `generation` file says: the number of the store's latest completed change and
/// the identity of the store that wrote it (absent in files written before identities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub generation: u64,
    pub store: Option<StoreId>,
}

/// Reads the stamp of the store in `dir` without opening it.
pub fn read_stamp(dir: &Path) -> Option<Stamp> {
    let text = std::fs::read_to_string(dir.join(GENERATION_FILE)).ok()?;
    let mut words = text.split_whitespace();
    let generation = words.next()?.parse().ok()?;
    let store = words.next().and_then(parse_hex);
    Some(Stamp { generation, store })
}

/// Reads the generation of the store in `dir` without opening it.
pub fn read_generation(dir: &Path) -> Option<u64> {
    read_stamp(dir).map(|s| s.generation)
}

fn new_store_id() -> StoreId {
    let mut id = [0u8; 16];
    // Without the system's randomness the clock and the process id still tell two stores
    // apart in practice; the identity guards against mix-ups, not against attackers.
    if getrandom::fill(&mut id).is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        id = (now ^ (u128::from(std::process::id()) << 96)).to_be_bytes();
    }
    id
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(text: &str) -> Option<StoreId> {
    if text.len() != 32 || !text.is_ascii() {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(id)
}

/// Opens sled on a folder that passed [`folder::inspect`], recovering what can be recovered:
/// leftovers of interrupted writes are cleared first, and when sled reports corruption and
/// the snapshot it read is damaged (its CRC does not match), the snapshot is set aside and
/// the store rebuilt from its log. A snapshot that is whole is never set aside: then the log
/// itself is damaged, and rebuilding without the snapshot could only lose more.
///
/// sled writes while it opens a store (it zeroes the unused end of its log and writes a
/// snapshot). Cut short by a full disk, that can leave the log so that the next opening
/// recovers part of a change that was never confirmed; so a store is only opened with
/// [`OPEN_RESERVE`] free.
fn open_recovering(path: &Path, notices: &mut Vec<String>) -> Result<sled::Db, StoreError> {
    if let Some(free) = free_space(path)
        && free < OPEN_RESERVE
    {
        return Err(StoreError::Open {
            path: path.to_path_buf(),
            reason: format!(
                "the disk holding it has {} free, and opening a store needs {} free",
                human_bytes(free),
                human_bytes(OPEN_RESERVE)
            ),
            fix: "The disk holding the store is full. Free some space and run kembar again; \
                  nothing was lost."
                .into(),
        });
    }
    notices.extend(folder::clear_leftovers(path));
    let mut aside: Option<(PathBuf, PathBuf)> = None;
    loop {
        let error = match folder::open_sled(path) {
            Ok(db) => {
                if let Some((from, to)) = &aside {
                    notices.push(format!(
                        "{} was damaged; kembar set it aside as {} and rebuilt the store from \
                         its log",
                        from.display(),
                        to.display()
                    ));
                }
                return Ok(db);
            }
            Err(e) => e,
        };
        // The failed attempt may itself have left an unfinished snapshot (a full disk).
        folder::clear_leftovers(path);
        match error {
            sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                return Err(lock::in_use(path, None));
            }
            sled::Error::Io(io) => {
                let full = matches!(
                    io.kind(),
                    std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
                );
                return Err(StoreError::Open {
                    path: path.to_path_buf(),
                    reason: io.to_string(),
                    fix: if full {
                        "The disk holding the store is full, and sled must write a little to \
                         open it. Free some space and run kembar again; nothing was lost."
                            .into()
                    } else {
                        "Check that the folder exists, that you may write to it, and that the \
                         disk is not full."
                            .into()
                    },
                });
            }
            sled::Error::Corruption { at, .. } => {
                let snapshot = folder::newest_snapshot(path);
                match (&aside, snapshot) {
                    (None, Some(snap)) if !folder::snapshot_intact(&snap) => {
                        let to = folder::set_aside(&snap).map_err(|e| StoreError::Damaged {
                            path: path.to_path_buf(),
                            file: snap.clone(),
                            reason: format!("its checksum does not match; renaming it failed: {e}"),
                            aside: String::new(),
                        })?;
                        aside = Some((snap, to));
                    }
                    _ => {
                        let reason = match at {
                            Some(at) => format!("sled read damaged data at {at}"),
                            None => "sled read damaged data".to_string(),
                        };
                        return Err(StoreError::Damaged {
                            path: path.to_path_buf(),
                            file: path.join("db"),
                            reason,
                            aside: match &aside {
                                Some((from, to)) => format!(
                                    ", and the damaged snapshot {} was set aside as {}",
                                    from.display(),
                                    to.display()
                                ),
                                None => String::new(),
                            },
                        });
                    }
                }
            }
            other => {
                return Err(StoreError::Open {
                    path: path.to_path_buf(),
                    reason: other.to_string(),
                    fix: "If the folder was written by another program, point --db elsewhere."
                        .into(),
                });
            }
        }
    }
}

/// Whether sled still writes through this handle: after a failed write it records the error
/// and refuses every later write (`global_error` is its own, hidden check; 0.34 has no public
/// one that does not block).
fn healthy(db: &sled::Db) -> bool {
    db.context.global_error().is_ok()
}

/// Why a flush did not confirm a write.
enum Flush {
    Failed(sled::Error),
    /// sled stopped answering; see `Store::flush_watched`.
    Stalled,
}

/// Waits until everything written to sled is on disk, or until `stalled` says to stop
/// waiting.
///
/// sled 0.34 can also leave a flush waiting after a write it does in the background fails:
/// it records the error but does not always wake those waiting for the write. A flush that
/// starts after the error sees it at once and wakes them, so the flush runs on a thread of
/// its own while this one watches for the error and, once it is there, flushes again to
/// wake the first.
fn flush(db: &sled::Db, stalled: &mut dyn FnMut() -> bool) -> Result<(), Flush> {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let (tx, rx) = channel();
    let worker = db.clone();
    let spawned = std::thread::Builder::new()
        .name("kembar-flush".into())
        .spawn(move || {
            let result = worker.flush().map(drop);
            // Let go of the handle before answering: once the caller drops its own, sled's
            // files must be closed (the next opening of the store waits for that).
            drop(worker);
            let _ = tx.send(result);
        });
    if spawned.is_err() {
        return db.flush().map(drop).map_err(Flush::Failed);
    }
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(result) => return result.map_err(Flush::Failed),
            Err(RecvTimeoutError::Timeout) => {
                if !healthy(db) {
                    let _ = db.flush();
                } else if stalled() {
                    // The waiting thread keeps its handle: sled never finishes that flush,
                    // and dropping the last handle would wait for it too.
                    return Err(Flush::Stalled);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Flush::Failed(sled::Error::ReportableBug(
                    "the thread flushing the store stopped".into(),
                )));
            }
        }
    }
}

/// Bytes free for this user on the file system holding `dir`.
#[cfg(unix)]
fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs only writes into the struct it is given.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `stat` a valid statvfs to fill.
    let rc = unsafe { libc::statvfs(path.as_ptr(), &mut stat) };
    // The field types differ between platforms (u32 or u64); both widen to u64.
    #[allow(clippy::useless_conversion)]
    let free = u64::from(stat.f_bavail).saturating_mul(u64::from(stat.f_frsize));
    (rc == 0).then_some(free)
}

#[cfg(not(unix))]
fn free_space(_dir: &Path) -> Option<u64> {
    None
}

/// "812 KB", "3.1 MB".
fn human_bytes(n: u64) -> String {
    if n < 1024 * 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // sled flushes when its handle is dropped, and that flush can wait forever after a
        // failed write (see `flush`); flushing here first leaves it nothing to wait for.
        let slot = self
            .db
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(db) = slot
            && !self.stalled.load(Ordering::Acquire)
        {
            let _ = self.flush_watched(&db, STUCK_AFTER, true);
        }
    }
}

/// A sled error in words, without sled's own prefixes (sled passes on some I/O errors as
/// the debug text of the original).
fn sled_reason(e: &sled::Error) -> String {
    use std::io::ErrorKind;
    match e {
        sled::Error::Io(io) => match io.kind() {
            ErrorKind::StorageFull => "the disk is full".into(),
            ErrorKind::QuotaExceeded => "the disk quota is used up".into(),
            ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
            ErrorKind::PermissionDenied => "permission denied".into(),
            _ => io.to_string(),
        },
        other => other.to_string(),
    }
}

/// Whether a write failed for want of space.
fn is_full(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if matches!(
        io.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ))
}

impl StoreError {
    /// The cause alone, without the advice around it, for a message of its own.
    pub(crate) fn reason(&self) -> String {
        match self {
            StoreError::Open { reason, .. }
            | StoreError::Unavailable { reason, .. }
            | StoreError::Write { reason, .. }
            | StoreError::NotSaved { reason, .. } => reason.clone(),
            other => {
                let text = other.to_string();
                text.lines()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('.')
                    .to_string()
            }
        }
    }
}

pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Write {
        path: PathBuf::new(),
        reason: format!("cannot encode a record: {e}"),
    })
}
