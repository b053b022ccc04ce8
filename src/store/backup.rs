//! Backups: everything a store holds in one compressed, checksummed file, and back.
//!
//! A backup holds every key of the store as it stood at one moment: the records, their dated
//! histories, triage decisions and follow-ups, tags, aliases, the whole audit trail with the
//! records before and after each change, and the metadata (schema, stages, next ids, the
//! versions of deleted agreements). Restoring it gives a store whose `kembar export` and
//! `kembar log --json` are those of the original, byte for byte.
//!
//! ## The file
//!
//! ```text
//! KEMBAR-BACKUP 1\n                    what the file is, and the format's number
//! {"format":1,"kembar":"0.1.0",...}\n  the header: one line of JSON (see [`Header`])
//! sha256 <64 hex digits>\n             SHA-256 of the header line, its newline included
//! <body>                               raw DEFLATE, exactly `body_bytes` long, whose
//!                                      SHA-256 is `body_sha256`
//! ```
//!
//! Inflated, the body is a sequence of frames, lengths big-endian:
//!
//! - `P`, key length (u32), key, value length (u32), value: a record;
//! - `D`, key length (u32), key: a record taken away (only after the `P` frames, see below);
//! - `E`, number of frames before it (u64): the end.
//!
//! Applied in order, the frames give the store's keys and values.
//!
//! ## A consistent picture without stopping saves
//!
//! sled 0.34 has no snapshots, and a scan of the store sees a change that lands while it
//! runs only in part. Holding the store's write lock for the whole scan would hold every
//! save back for as long as a large store takes to read (seconds), so the backup reads the
//! store in three steps:
//!
//! 1. Under the write lock, for a moment, it starts listening to sled's change events for
//!    every key; no change is half-written then, so every change after that is heard.
//! 2. Without the lock it reads every key and value into a compressed temporary file while
//!    saves go on, noting each key it passes.
//! 3. Under the write lock again, it reads the current value of every key changed since
//!    step 1 (a few, usually) and lets the lock go.
//!
//! The frames of step 3 come after those of step 2 and replace them, so the backup is the
//! store exactly as it stood in step 3: with every change acknowledged before the backup
//! began, and with each later change either whole or not at all. Saves wait only for steps 1
//! and 3. If the store had to reopen its files in between (after a failed write), the
//! listening was on the old files, and the backup starts again.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::check::CheckReport;
use super::{Store, StoreError, folder, hex, keys};

/// The first word of every backup.
pub const MAGIC: &str = "KEMBAR-BACKUP";
/// The layout of the file described above.
pub const FORMAT: u32 = 1;
/// What backups are called: `kembar-2026-12-02.kbak`.
pub const EXTENSION: &str = "kbak";

/// The longest header line read (a header is a few hundred bytes).
const HEADER_MAX: u64 = 64 * 1024;
/// Records written to the restored store per sled batch: large enough to be quick, small
/// enough that sled's memory stays modest on a store of a million records.
const RESTORE_CHUNK: usize = 20_000;
/// Attempts at a consistent picture before giving up (see the module's notes).
const ATTEMPTS: usize = 3;

/// Records in a backup, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub agreements: u64,
    pub activities: u64,
    pub activity_summaries: u64,
    pub regions: u64,
    pub partners: u64,
    pub tags: u64,
    pub triage_notes: u64,
    pub audit_entries: u64,
    /// Schema, stages, identity, next ids, versions of deleted agreements.
    pub metadata: u64,
    /// Keys of no kind kembar knows (none, in a store kembar wrote).
    pub other: u64,
}

impl Counts {
    fn slot(&mut self, key: &[u8]) -> &mut u64 {
        match key.first() {
            Some(&keys::AGREEMENT) => &mut self.agreements,
            Some(&keys::ACTIVITY) => &mut self.activities,
            Some(&keys::SUMMARY) => &mut self.activity_summaries,
            Some(&keys::REGION) => &mut self.regions,
            Some(&keys::PARTNER) => &mut self.partners,
            Some(&keys::TAG) => &mut self.tags,
            Some(&keys::ATTENTION) => &mut self.triage_notes,
            Some(&keys::AUDIT) => &mut self.audit_entries,
            Some(&keys::META) => &mut self.metadata,
            _ => &mut self.other,
        }
    }

    fn add(&mut self, key: &[u8]) {
        *self.slot(key) += 1;
    }

    fn take_away(&mut self, key: &[u8]) {
        let slot = self.slot(key);
        *slot = slot.saturating_sub(1);
    }

    /// Every record, metadata included.
    pub fn records(&self) -> u64 {
        self.agreements
            + self.activities
            + self.activity_summaries
            + self.regions
            + self.partners
            + self.tags
            + self.triage_notes
            + self.audit_entries
            + self.metadata
            + self.other
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} agreements, {} activities, {} regions, {} partners, {} tags of its own, {} \
             triage notes, {} audit entries",
            self.agreements,
            self.activities,
            self.regions,
            self.partners,
            self.tags,
            self.triage_notes,
            self.audit_entries
        )
    }
}

/// What a backup says about itself, before its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The layout of the file ([`FORMAT`]).
    pub format: u32,
    /// The kembar that wrote it.
    pub kembar: String,
    /// The store's schema: what a restore must be able to read, or migrate.
    pub schema: u32,
    /// The store's identity, in hex.
    pub store: Option<String>,
    /// The store's generation the backup shows (see `generation` in the store folder).
    pub generation: Option<u64>,
    /// When the picture was taken.
    pub taken: DateTime<Utc>,
    pub counts: Counts,
    /// Frames in the body, the end frame aside.
    pub frames: u64,
    pub body_bytes: u64,
    pub body_sha256: String,
}

/// What [`write_backup`] did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub header: Header,
    /// Bytes written, header included.
    pub bytes: u64,
    /// How long the store's write lock was held, at most, in one go: the longest any save
    /// waited for the backup.
    pub held: Duration,
    /// Keys changed while the store was read, taken again at the end.
    pub caught_up: usize,
}

/// Why a backup was not written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "cannot write the backup's working copy in {}: {source}.\n\
         fix: free space there, or set TMPDIR to a folder with room for one backup",
        dir.display()
    )]
    Spool { dir: PathBuf, source: io::Error },
    #[error("cannot write the backup: {0}")]
    Write(io::Error),
}

impl Store {
    /// See [`write_backup`].
    pub fn backup_to(&self, out: impl Write) -> Result<Summary, BackupError> {
        write_backup(self, out)
    }
}

/// Writes a backup of the whole store to `out`: a consistent picture taken while saves go
/// on (see the module's notes), compressed, with its header and checksums.
///
/// The body is prepared in an unnamed temporary file (in `$TMPDIR`) and `out` is written
/// only once it is complete, so a slow `out` (a network client) holds nothing back.
pub fn write_backup(store: &Store, mut out: impl Write) -> Result<Summary, BackupError> {
    let mut picture = None;
    for _ in 0..ATTEMPTS {
        if let Some(p) = take_picture(store)? {
            picture = Some(p);
            break;
        }
    }
    let Some(picture) = picture else {
        return Err(BackupError::Store(StoreError::Unavailable {
            path: store.path().to_path_buf(),
            reason: format!(
                "the store had to reopen its files {ATTEMPTS} times while it was being read"
            ),
            fix: "check the disk (free space, errors in the system log) and try again.".into(),
        }));
    };
    let Picture {
        mut spool,
        header,
        held,
        caught_up,
    } = picture;
    let head = header_bytes(&header);
    out.write_all(&head).map_err(BackupError::Write)?;
    spool.seek(SeekFrom::Start(0)).map_err(spool_error)?;
    let copied = io::copy(&mut spool, &mut out).map_err(BackupError::Write)?;
    out.flush().map_err(BackupError::Write)?;
    if copied != header.body_bytes {
        return Err(BackupError::Write(io::Error::other(format!(
            "the working copy held {copied} bytes instead of {}",
            header.body_bytes
        ))));
    }
    Ok(Summary {
        bytes: head.len() as u64 + copied,
        header,
        held,
        caught_up,
    })
}

fn spool_error(source: io::Error) -> BackupError {
    BackupError::Spool {
        dir: std::env::temp_dir(),
        source,
    }
}

/// The magic line, the header line and its checksum line.
fn header_bytes(header: &Header) -> Vec<u8> {
    // A struct of plain fields always serializes.
    let json = serde_json::to_string(header).unwrap_or_default();
    let line = format!("{json}\n");
    let mut bytes = format!("{MAGIC} {FORMAT}\n").into_bytes();
    bytes.extend_from_slice(line.as_bytes());
    bytes.extend_from_slice(format!("sha256 {}\n", sha256_hex(line.as_bytes())).as_bytes());
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The body, ready in its temporary file, and what the header says about it.
struct Picture {
    spool: File,
    header: Header,
    held: Duration,
    caught_up: usize,
}

/// Takes the picture, or `None` when the store reopened its files meanwhile.
fn take_picture(store: &Store) -> Result<Option<Picture>, BackupError> {
    let db = store.db()?;
    let reopens = store.reopens.load(Ordering::Acquire);

    // Step 1: listen, from a moment when no change is half-written.
    let started = Instant::now();
    let watch = {
        let _writing = store.writing.lock().unwrap_or_else(PoisonError::into_inner);
        Watch::start(&db).map_err(spool_error)?
    };
    let mut held = started.elapsed();

    // Step 2: read everything, saves going on.
    let file = tempfile::tempfile().map_err(spool_error)?;
    let mut body = BodyWriter::new(file);
    let mut passed = KeyList::default();
    let mut counts = Counts::default();
    for item in db.iter() {
        let (key, value) = item.map_err(|e| store.read_error(e))?;
        body.put(&key, &value).map_err(spool_error)?;
        passed.push(&key);
        counts.add(&key);
    }

    // Step 3: what changed meanwhile, as it is now.
    let started = Instant::now();
    let writing = store.writing.lock().unwrap_or_else(PoisonError::into_inner);
    if store.reopens.load(Ordering::Acquire) != reopens {
        return Ok(None);
    }
    let changed = watch.finish();
    let mut now = Vec::with_capacity(changed.len());
    for key in changed {
        let value = db.get(&key).map_err(|e| store.read_error(e))?;
        match (passed.contains(&key), &value) {
            (true, None) => counts.take_away(&key),
            (false, Some(_)) => counts.add(&key),
            _ => {}
        }
        now.push((key, value));
    }
    let schema = db
        .get(keys::META_SCHEMA)
        .map_err(|e| store.read_error(e))?
        .and_then(|v| <[u8; 4]>::try_from(v.as_ref()).ok())
        .map(u32::from_be_bytes);
    let identity = db
        .get(keys::META_STORE_ID)
        .map_err(|e| store.read_error(e))?
        .map(|v| hex(&v));
    let generation = store.generation();
    let taken = Utc::now();
    drop(writing);
    held = held.max(started.elapsed());

    let Some(schema) = schema else {
        return Err(BackupError::Store(StoreError::NotAStore {
            path: store.path().to_path_buf(),
            found: "a sled database without kembar's schema number".into(),
        }));
    };
    let caught_up = now.len();
    for (key, value) in now {
        match value {
            Some(value) => body.put(&key, &value),
            None => body.take_away(&key),
        }
        .map_err(spool_error)?;
    }
    let (spool, frames, body_bytes, body_sha256) = body.finish().map_err(spool_error)?;
    Ok(Some(Picture {
        spool,
        header: Header {
            format: FORMAT,
            kembar: env!("CARGO_PKG_VERSION").to_string(),
            schema,
            store: identity,
            generation,
            taken,
            counts,
            frames,
            body_bytes,
            body_sha256,
        },
        held,
        caught_up,
    }))
}

/// Listens to sled's change events on a thread of its own (sled makes a writer wait when
/// 1,024 events are unread, so they are read as they come).
///
/// When told to stop (with the write lock held, so every change has finished and each of
/// its events is filled in), it reads every event still waiting before it stops: `Pending`
/// then only means that none is left.
struct Watch {
    stop: Arc<AtomicBool>,
    changed: Arc<Mutex<BTreeSet<Vec<u8>>>>,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    fn start(db: &sled::Db) -> io::Result<Watch> {
        let mut events = db.watch_prefix(Vec::<u8>::new());
        let stop = Arc::new(AtomicBool::new(false));
        let changed = Arc::new(Mutex::new(BTreeSet::new()));
        let thread = {
            let (stop, changed) = (Arc::clone(&stop), Arc::clone(&changed));
            std::thread::Builder::new()
                .name("kembar-backup-watch".into())
                .spawn(move || {
                    // The subscriber is polled as a future rather than read with its
                    // timeout: in sled 0.34 `next_timeout` takes a write that turned out to
                    // change nothing (its reservation dropped unfilled) for the end of the
                    // stream and stays stuck on it, while `poll` skips it.
                    use std::future::Future;
                    use std::task::{Context, Poll, Waker};
                    let mut cx = Context::from_waker(Waker::noop());
                    loop {
                        match std::pin::Pin::new(&mut events).poll(&mut cx) {
                            Poll::Ready(Some(event)) => {
                                changed
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .insert(event.key().to_vec());
                            }
                            // The database closed.
                            Poll::Ready(None) => break,
                            Poll::Pending => {
                                if stop.load(Ordering::Acquire) {
                                    break;
                                }
                                std::thread::sleep(Duration::from_millis(1));
                            }
                        }
                    }
                })?
        };
        Ok(Watch {
            stop,
            changed,
            thread: Some(thread),
        })
    }

    /// Every key changed since the start. Called with the write lock held: every change has
    /// finished, so its events are all waiting and are read before the thread stops.
    fn finish(mut self) -> BTreeSet<Vec<u8>> {
        self.stop_thread();
        std::mem::take(&mut *self.changed.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

/// The keys the scan passed, in the order it passed them (sled's, ascending), packed.
#[derive(Default)]
struct KeyList {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyList {
    fn push(&mut self, key: &[u8]) {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn contains(&self, key: &[u8]) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

/// Counts and hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Frames, compressed into the temporary file.
struct BodyWriter {
    out: flate2::write::DeflateEncoder<Hashing<BufWriter<File>>>,
    frames: u64,
}

impl BodyWriter {
    fn new(file: File) -> BodyWriter {
        let hashing = Hashing {
            inner: BufWriter::with_capacity(256 * 1024, file),
            hash: Sha256::new(),
            len: 0,
        };
        BodyWriter {
            // Level 3: most of the size gained by the default level, in about half its time.
            out: flate2::write::DeflateEncoder::new(hashing, flate2::Compression::new(3)),
            frames: 0,
        }
    }

    fn length(&mut self, bytes: &[u8]) -> io::Result<()> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::other("a record of more than 4 GiB"))?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(bytes)
    }

    fn put(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        self.out.write_all(b"P")?;
        self.length(key)?;
        self.length(value)?;
        self.frames += 1;
        Ok(())
    }

    fn take_away(&mut self, key: &[u8]) -> io::Result<()> {
        self.out.write_all(b"D")?;
        self.length(key)?;
        self.frames += 1;
        Ok(())
    }

    /// Ends the body; returns the file, the frames, the body's length and its SHA-256.
    fn finish(mut self) -> io::Result<(File, u64, u64, String)> {
        self.out.write_all(b"E")?;
        self.out.write_all(&self.frames.to_be_bytes())?;
        let hashing = self.out.finish()?;
        let Hashing { inner, hash, len } = hashing;
        let file = inner.into_inner().map_err(|e| e.into_error())?;
        Ok((file, self.frames, len, hex(&hash.finalize())))
    }
}

// ---------------------------------------------------------------------------------------
// Reading a backup back.

/// Why a backup was not restored. Every message names the file and says what to do; none
/// of these leaves anything written.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{} is not a kembar backup ({found}).\n\
         fix: give a file written by `kembar backup` (they end in .{EXTENSION}). Nothing was \
         written.",
        file.display()
    )]
    NotABackup { file: PathBuf, found: String },
    #[error(
        "{} is cut short: it holds {have} bytes of the {want} its header announces (an \
         interrupted copy or download?).\n\
         fix: copy the backup again from where it is kept, or restore an older backup. \
         Nothing was written.",
        file.display()
    )]
    Truncated { file: PathBuf, have: u64, want: u64 },
    #[error(
        "{} is damaged: {reason}.\n\
         fix: copy the backup again from where it is kept, or restore an older backup. \
         Nothing was written.",
        file.display()
    )]
    Damaged { file: PathBuf, reason: String },
    #[error(
        "{} was written by kembar {kembar} from a store of schema {found}; this kembar ({}) \
         reads schema {supported} and older.\n\
         fix: restore it with kembar {kembar} or newer. Nothing was written.",
        file.display(),
        env!("CARGO_PKG_VERSION")
    )]
    NewerSchema {
        file: PathBuf,
        kembar: String,
        found: u32,
        supported: u32,
    },
    #[error(
        "{} is a backup in format {found}, and this kembar ({}) reads format {FORMAT}.\n\
         fix: restore it with the kembar that wrote it or a newer one. Nothing was written.",
        file.display(),
        env!("CARGO_PKG_VERSION")
    )]
    NewerFormat { file: PathBuf, found: u32 },
    #[error(
        "cannot restore into {}: {reason}.\n\
         fix: {fix} Nothing was written.",
        path.display()
    )]
    Target {
        path: PathBuf,
        reason: String,
        fix: String,
    },
    #[error("cannot read {}: {source}.\nfix: check the name and that you may read it. Nothing was written.", file.display())]
    Read { file: PathBuf, source: io::Error },
    #[error(
        "cannot write the restored store beside {}: {reason}.\n\
         fix: free space there and check that you may write to that folder. Nothing was \
         written.",
        path.display()
    )]
    Write { path: PathBuf, reason: String },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A backup whose header and checksums are right, ready to be read.
#[derive(Debug)]
pub struct Verified {
    pub header: Header,
    file: File,
    path: PathBuf,
    body_start: u64,
}

/// Reads a backup's header and checks the file whole: what it is, its format and schema,
/// its length and both checksums. Writes nothing.
pub fn verify(path: &Path) -> Result<Verified, RestoreError> {
    let read_error = |source| RestoreError::Read {
        file: path.to_path_buf(),
        source,
    };
    let damaged = |reason: String| RestoreError::Damaged {
        file: path.to_path_buf(),
        reason,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let len = file.metadata().map_err(read_error)?.len();
    if file.metadata().map_err(read_error)?.is_dir() {
        return Err(RestoreError::NotABackup {
            file: path.to_path_buf(),
            found: "a folder".into(),
        });
    }
    let mut reader = BufReader::new(&mut file);

    let mut magic = Vec::new();
    (&mut reader)
        .take(MAGIC.len() as u64 + 12)
        .read_until(b'\n', &mut magic)
        .map_err(read_error)?;
    let not_ours = || RestoreError::NotABackup {
        file: path.to_path_buf(),
        found: if len == 0 {
            "it is empty".into()
        } else {
            format!("it starts with {}", describe_start(&magic))
        },
    };
    let format = std::str::from_utf8(&magic)
        .ok()
        .and_then(|l| l.strip_suffix('\n'))
        .and_then(|l| l.strip_prefix(MAGIC))
        .and_then(|l| l.strip_prefix(' '))
        .ok_or_else(not_ours)?;
    let format: u32 = format.parse().map_err(|_| not_ours())?;
    if format > FORMAT {
        return Err(RestoreError::NewerFormat {
            file: path.to_path_buf(),
            found: format,
        });
    }

    let mut line = Vec::new();
    (&mut reader)
        .take(HEADER_MAX)
        .read_until(b'\n', &mut line)
        .map_err(read_error)?;
    if line.last() != Some(&b'\n') {
        return Err(if (magic.len() + line.len()) as u64 >= len {
            RestoreError::Truncated {
                file: path.to_path_buf(),
                have: len,
                want: len + 1,
            }
        } else {
            damaged("its header is not one line of text".into())
        });
    }
    let mut sum = Vec::new();
    (&mut reader)
        .take(80)
        .read_until(b'\n', &mut sum)
        .map_err(read_error)?;
    let expected = std::str::from_utf8(&sum)
        .ok()
        .and_then(|s| s.strip_prefix("sha256 "))
        .and_then(|s| s.strip_suffix('\n'));
    let Some(expected) = expected else {
        let offset = (magic.len() + line.len() + sum.len()) as u64;
        return Err(if offset >= len {
            RestoreError::Truncated {
                file: path.to_path_buf(),
                have: len,
                want: len + 1,
            }
        } else {
            damaged("the line after its header is not the header's checksum".into())
        });
    };
    if sha256_hex(&line) != expected {
        return Err(damaged(
            "its header does not match the header's checksum".into(),
        ));
    }
    let header: Header = serde_json::from_slice(&line)
        .map_err(|e| damaged(format!("its header cannot be read: {e}")))?;
    if header.schema > crate::store::STORE_SCHEMA {
        return Err(RestoreError::NewerSchema {
            file: path.to_path_buf(),
            kembar: crate::domain::text::display_safe(&header.kembar).into_owned(),
            found: header.schema,
            supported: crate::store::STORE_SCHEMA,
        });
    }
    let body_start = (magic.len() + line.len() + sum.len()) as u64;
    let want = body_start + header.body_bytes;
    if len < want {
        return Err(RestoreError::Truncated {
            file: path.to_path_buf(),
            have: len,
            want,
        });
    }
    if len > want {
        return Err(damaged(format!(
            "it holds {} bytes more than its header announces",
            len - want
        )));
    }
    drop(reader);
    file.seek(SeekFrom::Start(body_start)).map_err(read_error)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(read_error)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    if hex(&hash.finalize()) != header.body_sha256 {
        return Err(damaged(
            "its contents do not match their checksum (a changed or damaged byte)".into(),
        ));
    }
    Ok(Verified {
        header,
        file,
        path: path.to_path_buf(),
        body_start,
    })
}

/// The first bytes of a file that is not a backup, for the message: as text when they read
/// as text, in hex otherwise.
fn describe_start(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(16)];
    match std::str::from_utf8(head) {
        Ok(text) if !text.chars().any(|c| c.is_control() && c != '\n') => {
            format!("{:?}", crate::domain::text::display_safe(text.trim_end()))
        }
        _ => format!("the bytes {}", hex(head)),
    }
}

impl Verified {
    /// Calls `f` with every frame, in order: `(key, Some(value))` for a record, `(key,
    /// None)` for one taken away. Checks the frames against the header as it goes.
    fn frames(
        &mut self,
        mut f: impl FnMut(Vec<u8>, Option<Vec<u8>>) -> Result<(), RestoreError>,
    ) -> Result<(), RestoreError> {
        let damaged = |reason: String| RestoreError::Damaged {
            file: self.path.clone(),
            reason,
        };
        self.file
            .seek(SeekFrom::Start(self.body_start))
            .map_err(|source| RestoreError::Read {
                file: self.path.clone(),
                source,
            })?;
        let body = BufReader::with_capacity(256 * 1024, (&self.file).take(self.header.body_bytes));
        let mut inflated =
            BufReader::with_capacity(256 * 1024, flate2::read::DeflateDecoder::new(body));
        let broken =
            |e: io::Error| damaged(format!("its compressed contents cannot be read ({e})"));
        let mut frames = 0u64;
        loop {
            let mut tag = [0u8; 1];
            inflated.read_exact(&mut tag).map_err(broken)?;
            match tag[0] {
                b'P' => {
                    let key = read_field(&mut inflated).map_err(broken)?;
                    let value = read_field(&mut inflated).map_err(broken)?;
                    f(key, Some(value))?;
                }
                b'D' => {
                    let key = read_field(&mut inflated).map_err(broken)?;
                    f(key, None)?;
                }
                b'E' => {
                    let mut n = [0u8; 8];
                    inflated.read_exact(&mut n).map_err(broken)?;
                    if u64::from_be_bytes(n) != frames || frames != self.header.frames {
                        return Err(damaged(format!(
                            "it ends after {frames} records where it announces {}",
                            self.header.frames
                        )));
                    }
                    let mut rest = [0u8; 1];
                    if inflated.read(&mut rest).map_err(broken)? != 0 {
                        return Err(damaged("it goes on after its end".into()));
                    }
                    return Ok(());
                }
                other => {
                    return Err(damaged(format!(
                        "record {} has an unknown kind ({other:#04x})",
                        frames + 1
                    )));
                }
            }
            frames += 1;
        }
    }
}

/// One length-prefixed field; a length beyond what is left of a sane record is damage.
fn read_field(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > 1 << 30 {
        return Err(io::Error::other(format!("a record claims {len} bytes")));
    }
    let mut bytes = vec![0u8; len];
    r.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub header: Header,
    /// `kembar check` on the restored store.
    pub check: CheckReport,
    /// What opening it said (a migration from an older schema).
    pub notices: Vec<String>,
}

/// Restores a backup into `target`, which must be missing or an empty folder.
///
/// The file is checked whole first; the store is then written into a new folder beside
/// `target`, opened (which migrates an older schema), checked as `kembar check` does, and
/// only then renamed to `target`. On any failure the new folder is removed and `target` is
/// as it was. The restored store gets an identity of its own (the original may still be
/// in use); everything else is the original's.
pub fn restore(file: &Path, target: &Path) -> Result<Restored, RestoreError> {
    let parent = check_target(target)?;
    let mut verified = verify(file)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    let write_error = |e: &dyn std::fmt::Display| RestoreError::Write {
        path: target.to_path_buf(),
        reason: e.to_string(),
    };
    let work = tempfile::Builder::new()
        .prefix(&format!(".{name}.restoring-"))
        .tempdir_in(&parent)
        .map_err(|e| write_error(&e))?;

    {
        let db = folder::open_sled(work.path()).map_err(|e| write_error(&e))?;
        let mut batch = sled::Batch::default();
        let mut pending = 0usize;
        verified.frames(|key, value| {
            match value {
                Some(value) => batch.insert(key, value),
                None => batch.remove(key),
            }
            pending += 1;
            if pending >= RESTORE_CHUNK {
                db.apply_batch(std::mem::take(&mut batch))
                    .map_err(|e| write_error(&e))?;
                pending = 0;
            }
            Ok(())
        })?;
        db.apply_batch(batch).map_err(|e| write_error(&e))?;
        // What was restored, against what the header announces.
        let mut counts = Counts::default();
        for key in db.iter().keys() {
            counts.add(&key.map_err(|e| write_error(&e))?);
        }
        if counts != verified.header.counts {
            return Err(RestoreError::Damaged {
                file: verified.path.clone(),
                reason: format!(
                    "it holds {} where its header announces {}",
                    counts, verified.header.counts
                ),
            });
        }
        // The copy is a store of its own: a new identity, so that a saved search index of
        // the original is never taken for the copy's.
        db.insert(keys::META_STORE_ID, &super::new_store_id())
            .map_err(|e| write_error(&e))?;
        db.flush().map_err(|e| write_error(&e))?;
    }
    // Opening migrates an older schema; the backup itself is what it would have saved.
    let store = Store::open_restored(work.path())?;
    let notices = store.notices().to_vec();
    let check = store.check()?;
    drop(store);

    if target.exists() {
        std::fs::remove_dir(target).map_err(|e| write_error(&e))?;
    }
    let work = work.keep();
    if let Err(e) = std::fs::rename(&work, target) {
        let _ = std::fs::remove_dir_all(&work);
        return Err(write_error(&e));
    }
    folder::sync_dir(&parent);
    Ok(Restored {
        header: verified.header,
        check,
        notices,
    })
}

/// The folder `target` will be created in, when `target` may be restored into.
fn check_target(target: &Path) -> Result<PathBuf, RestoreError> {
    let refuse = |reason: String, fix: &str| RestoreError::Target {
        path: target.to_path_buf(),
        reason,
        fix: fix.to_string(),
    };
    let new_folder = "give --db a folder that does not exist yet (or an empty one); a restore \
                      never writes over a store.";
    match target.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse("it is a symbolic link".into(), new_folder));
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(refuse("it is a file".into(), new_folder));
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(target)
                .map_err(|e| refuse(format!("it cannot be read ({e})"), new_folder))?;
            if entries.next().is_some() {
                return Err(refuse("the folder is not empty".into(), new_folder));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(e.to_string(), new_folder)),
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(refuse(
            format!(
                "the folder it would be in, {}, does not exist",
                parent.display()
            ),
            "create that folder first, or give --db a path in an existing folder.",
        ));
    }
    Ok(parent)
}

// ---------------------------------------------------------------------------------------
// Backups before an upgrade.

/// The time in the names of backups taken before upgrades (UTC, to the millisecond).
const UPGRADE_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";

/// How many backups taken before schema upgrades are kept beside a store.
pub const UPGRADE_BACKUPS_KEPT: usize = 2;

/// Where the backup taken before migrating the store at `store_dir` to `schema` goes:
/// beside the store folder, `<folder>.pre-schema-<schema>-<UTC time>.kbak`, e.g.
/// `store.pre-schema-2-20261202T103015.250Z.kbak`.
pub fn upgrade_backup_path(store_dir: &Path, schema: u32, at: DateTime<Utc>) -> PathBuf {
    let (parent, name) = beside(store_dir);
    parent.join(format!(
        "{name}.pre-schema-{schema}-{}.{EXTENSION}",
        at.format(UPGRADE_TIME)
    ))
}

fn beside(store_dir: &Path) -> (PathBuf, String) {
    let parent = match store_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = store_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    (parent, name)
}

/// The backups taken before upgrades of the store at `store_dir`, oldest first.
pub fn upgrade_backups(store_dir: &Path) -> Vec<PathBuf> {
    let (parent, name) = beside(store_dir);
    let prefix = format!("{name}.pre-schema-");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let rest = file
                .strip_prefix(&prefix)?
                .strip_suffix(&format!(".{EXTENSION}"))?;
            // "<schema>-<time>": ordered by time, whatever the schema's digits.
            let (schema, time) = rest.split_once('-')?;
            schema.parse::<u32>().ok()?;
            chrono::NaiveDateTime::parse_from_str(time, UPGRADE_TIME).ok()?;
            e.file_type()
                .ok()?
                .is_file()
                .then(|| (time.to_string(), e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Writes the backup taken before a migration and removes the older ones beyond
/// [`UPGRADE_BACKUPS_KEPT`]. Returns the file written.
pub(crate) fn before_upgrade(store: &Store, schema: u32) -> Result<PathBuf, StoreError> {
    let path = upgrade_backup_path(store.path(), schema, Utc::now());
    let (parent, _) = beside(store.path());
    let failed = |reason: String| StoreError::Open {
        path: store.path().to_path_buf(),
        reason: format!(
            "this kembar must migrate the store to schema {schema}, and first back it up to {}, \
             which failed: {reason}",
            path.display()
        ),
        fix: format!(
            "Free space in {} and check that you may write there, then run kembar again; the \
             store was not changed.",
            parent.display()
        ),
    };
    let written = (|| -> Result<(), String> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".kembar-backup-")
            .tempfile_in(&parent)
            .map_err(|e| e.to_string())?;
        {
            let mut out = BufWriter::new(tmp.as_file_mut());
            write_backup(store, &mut out).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
        }
        tmp.as_file().sync_all().map_err(|e| e.to_string())?;
        tmp.persist(&path).map_err(|e| e.to_string())?;
        folder::sync_dir(&parent);
        Ok(())
    })();
    written.map_err(failed)?;
    let all = upgrade_backups(store.path());
    let extra = all.len().saturating_sub(UPGRADE_BACKUPS_KEPT);
    for old in all.into_iter().take(extra) {
        let _ = std::fs::remove_file(old);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_find_what_they_hold() {
        let mut list = KeyList::default();
        for k in [&b"a"[..], b"ab", b"b\x00", b"l\x01", b"v"] {
            list.push(k);
        }
        for k in [&b"a"[..], b"ab", b"b\x00", b"l\x01", b"v"] {
            assert!(list.contains(k), "{k:?}");
        }
        for k in [&b""[..], b"aa", b"b", b"l", b"w"] {
            assert!(!list.contains(k), "{k:?}");
        }
    }

    #[test]
    fn upgrade_backups_are_ordered_by_time_and_others_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let newest = upgrade_backup_path(&store, 2, t("2026-03-01T00:00:00Z"));
        let oldest = upgrade_backup_path(&store, 10, t("2025-01-01T00:00:00Z"));
        for p in [&newest, &oldest] {
            std::fs::write(p, b"x").unwrap();
        }
        std::fs::write(dir.path().join("store.pre-schema-2-notatime.kbak"), b"x").unwrap();
        std::fs::write(
            dir.path()
                .join("other.pre-schema-2-20250101T000000.000Z.kbak"),
            b"x",
        )
        .unwrap();
        assert_eq!(upgrade_backups(&store), vec![oldest, newest]);
    }
}
