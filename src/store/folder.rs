//! The store folder as files: which files may be in it, what sled's own files must look like
//! before kembar lets sled touch them, and how the leftovers of interrupted writes and a
//! damaged snapshot are recognised and put out of sled's way.
//!
//! sled 0.34 writes three kinds of files: `conf` (its settings, with a CRC), `db` (the log,
//! made of segments that each start with a header carrying a CRC) and `snap.<LSN>` (an index
//! of the log, rebuilt from the log whenever it is missing). It writes a snapshot as
//! `snap.<LSN>.generating` and renames it when complete, but it reads *every* file whose name
//! starts with `snap.`, newest name last, so an unfinished one left by a full disk or a kill
//! makes sled report the whole store as corrupt. kembar holds the store's lock before sled
//! opens, so any `.generating` file found then is such a leftover.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::StoreError;

/// Who holds the store (see `lock`).
pub(crate) const LOCK_FILE: &str = "kembar.lock";
/// Where the process holding the store answers other local kembar processes (see
/// `crate::owner`); made as `kembar.sock.PID` and renamed.
pub const SOCKET_FILE: &str = "kembar.sock";
/// Files set aside by kembar start with this, so that sled never reads them again (it reads
/// everything that starts with `snap.`).
pub(crate) const SET_ASIDE_PREFIX: &str = "damaged-";
/// What a snapshot being written is called until it is complete.
const UNFINISHED_SNAPSHOT: &str = ".generating";
/// sled's settings file, its log, and its folder for large values.
const CONF: &str = "conf";
const LOG: &str = "db";
const BLOBS: &str = "blobs";
/// Length of a segment header at the start of sled's log.
const SEGMENT_HEADER: usize = 20;

/// sled's page cache. Its default (1 GiB) is far more than a store of 100,000 agreements
/// needs and would count against the memory of a shared server.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Opens sled on the folder with kembar's settings.
pub(crate) fn open_sled(dir: &Path) -> Result<sled::Db, sled::Error> {
    sled::Config::new()
        .path(dir)
        .cache_capacity(CACHE_BYTES)
        .open()
}

/// Whether kembar or sled put a file of this name in a store folder.
fn is_store_file(name: &str) -> bool {
    matches!(name, CONF | LOG | BLOBS | LOCK_FILE | SOCKET_FILE)
        || name.starts_with(&format!("{SOCKET_FILE}."))
        || name.starts_with("snap.")
        || name.starts_with(SET_ASIDE_PREFIX)
        || name.starts_with(super::GENERATION_FILE)
        || name.starts_with("search-")
}

/// Removes a socket (and the temporary name it is made under) left in the store folder by
/// an owner that died. Call only with the store's lock held: then nobody answers on it.
/// Anything there that is not a socket is left alone.
pub(crate) fn remove_stale_socket(dir: &Path) {
    use std::os::unix::fs::FileTypeExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name == SOCKET_FILE || name.starts_with(&format!("{SOCKET_FILE}.")))
            && entry.file_type().is_ok_and(|t| t.is_socket())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Refuses a folder that holds anything but a kembar store (or nothing), and any link in
/// it, before a single byte is written there. A missing folder is fine: it will be created.
pub(crate) fn inspect(dir: &Path) -> Result<(), StoreError> {
    let not_a_store = |found: String| StoreError::NotAStore {
        path: dir.to_path_buf(),
        found,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // Missing: created later. Unreadable: opening reports the real problem.
        Err(_) => return Ok(()),
    };
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().ok();
        if kind.is_some_and(|k| k.is_symlink()) {
            return Err(StoreError::Link {
                path: dir.to_path_buf(),
                link: entry.path(),
            });
        }
        if !is_store_file(&name) {
            let what = if kind.is_some_and(|k| k.is_dir()) {
                "a folder"
            } else {
                "a file"
            };
            return Err(not_a_store(format!("{what} named {name:?}")));
        }
        names.push(name);
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    let log_len = std::fs::metadata(dir.join(LOG)).map_or(0, |m| m.len());
    if has(CONF) {
        let conf = std::fs::read(dir.join(CONF)).unwrap_or_default();
        // sled treats a conf of 8 bytes or less as missing and writes it again: only a store
        // interrupted while being created has one, and then its log is empty.
        if conf.len() <= 8 {
            if log_len > 0 {
                return Err(not_a_store(
                    "its `conf` file is empty but `db` holds data".into(),
                ));
            }
        } else if !is_sled_conf(&conf) {
            return Err(not_a_store(
                "its `conf` file is not sled's settings file".into(),
            ));
        }
    } else if log_len > 0 {
        return Err(not_a_store(
            "a file named \"db\" without the `conf` file a sled store has beside it".into(),
        ));
    }
    if log_len > 0 {
        let mut head = [0u8; SEGMENT_HEADER];
        let read = File::open(dir.join(LOG)).and_then(|mut f| f.read_exact(&mut head));
        if read.is_err() || !is_segment_start(&head) {
            // Beside sled's own settings this is a damaged log, not someone else's file;
            // sled would take the damage for the end of its log and write over the rest.
            return Err(StoreError::Damaged {
                path: dir.to_path_buf(),
                file: dir.join(LOG),
                reason: "its first segment header does not match its checksum".into(),
                aside: String::new(),
            });
        }
    }
    Ok(())
}

/// sled's settings: `segment_size: N`, `use_compression: B` and `version: X.Y` lines, then
/// a CRC of them (not checked: sled itself only warns when it is wrong).
fn is_sled_conf(bytes: &[u8]) -> bool {
    let Some(text) = bytes
        .get(..bytes.len().saturating_sub(4))
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        return false;
    };
    let mut seen = [false; 3];
    for line in text.lines() {
        let Some((key, value)) = line.split_once(": ") else {
            return false;
        };
        let slot = match key {
            "segment_size" if value.parse::<u64>().is_ok_and(u64::is_power_of_two) => 0,
            "use_compression" if matches!(value, "true" | "false") => 1,
            "version" if value.split('.').all(|p| p.parse::<u32>().is_ok()) => 2,
            _ => return false,
        };
        seen[slot] = true;
    }
    seen.iter().all(|s| *s)
}

/// A log segment starts with a header whose first four bytes are a CRC of the next sixteen
/// (inverted); a segment sled has freed is overwritten with zero bytes.
fn is_segment_start(head: &[u8; SEGMENT_HEADER]) -> bool {
    if head.iter().all(|b| *b == 0) {
        return true;
    }
    let stored = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) ^ 0xFFFF_FFFF;
    stored == crc32fast::hash(&head[4..])
}

/// Removes what interrupted writes leave behind: unfinished snapshots (which sled would
/// otherwise read as the newest and call the store corrupt) and kembar's own temporary
/// files. Returns what the user should be told.
pub(crate) fn clear_leftovers(dir: &Path) -> Vec<String> {
    let mut notices = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return notices;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let snapshot = name.starts_with("snap.") && name.ends_with(UNFINISHED_SNAPSHOT);
        let temporary = name.ends_with(".tmp")
            && (name.starts_with(super::GENERATION_FILE) || name.starts_with("search-"));
        if !(snapshot || temporary) {
            continue;
        }
        // remove_file takes away a link itself, never what it points to.
        if std::fs::remove_file(entry.path()).is_ok() && snapshot {
            notices.push(format!(
                "removed {}: an unfinished snapshot left by an interrupted write (a full disk \
                 or a stopped kembar); sled rebuilds it from the store's log",
                entry.path().display()
            ));
        }
    }
    notices
}

/// The snapshot sled reads: of the files whose name starts with `snap.`, the last in byte
/// order (sled skips names ending in `.in___motion`).
pub(crate) fn newest_snapshot(dir: &Path) -> Option<PathBuf> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("snap.") && !n.ends_with(".in___motion"))
        .collect();
    names.sort();
    names.pop().map(|n| dir.join(n))
}

/// Whether a snapshot is whole: sled ends it with the decoded length (8 bytes) and a CRC of
/// the bytes before them (4 bytes, little-endian).
pub(crate) fn snapshot_intact(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let len = bytes.len();
    if len <= 12 {
        return false;
    }
    let stored = u32::from_le_bytes([
        bytes[len - 4],
        bytes[len - 3],
        bytes[len - 2],
        bytes[len - 1],
    ]);
    stored == crc32fast::hash(&bytes[..len - 12])
}

/// Renames a damaged file so that sled no longer reads it, keeping it for whoever wants to
/// look at it: `snap.X` becomes `damaged-snap.X-20260105T101500`.
pub(crate) fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S");
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut target = dir.join(format!("{SET_ASIDE_PREFIX}{name}-{stamp}"));
    let mut n = 1;
    while target.symlink_metadata().is_ok() {
        n += 1;
        target = dir.join(format!("{SET_ASIDE_PREFIX}{name}-{stamp}-{n}"));
    }
    std::fs::rename(path, &target)?;
    sync_dir(dir);
    Ok(target)
}

/// Makes a rename or removal in `dir` durable. Best effort: not every file system can.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates `path` afresh for writing, never through a link: whatever is there (a stale
/// temporary file, or a link planted in its place) is removed first, which takes away the
/// link itself and not what it points to, and the new file must not exist when created.
pub(crate) fn create_fresh(path: &Path) -> std::io::Result<File> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    no_follow(&mut options);
    options.open(path)
}

/// Makes an open fail on a symbolic link instead of following it.
pub(crate) fn no_follow(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = options;
}

/// Whether an open failed because the path is a symbolic link (O_NOFOLLOW's ELOOP).
pub(crate) fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(text: &str) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
    }

    #[test]
    fn sled_settings_are_recognised_and_others_are_not() {
        assert!(is_sled_conf(&conf(
            "segment_size: 524288\nuse_compression: false\nversion: 0.34\n"
        )));
        assert!(!is_sled_conf(&conf(
            "segment_size: 524288\nversion: 0.34\n"
        )));
        assert!(!is_sled_conf(&conf(
            "segment_size: 1000\nuse_compression: false\nversion: 0.34\n"
        )));
        assert!(!is_sled_conf(&conf("[server]\nport = 22\n")));
        assert!(!is_sled_conf(b"\xff\xfe\x00\x01binary"));
    }

    #[test]
    fn a_segment_header_needs_its_crc() {
        let mut head = [0u8; SEGMENT_HEADER];
        assert!(is_segment_start(&head), "a freed segment is zeros");
        head[4..].copy_from_slice(&[7; 16]);
        let crc = crc32fast::hash(&head[4..]) ^ 0xFFFF_FFFF;
        head[..4].copy_from_slice(&crc.to_le_bytes());
        assert!(is_segment_start(&head));
        head[10] ^= 1;
        assert!(!is_segment_start(&head));
        assert!(!is_segment_start(b"%PDF-1.7 not a log!!"));
    }

    #[test]
    fn set_aside_names_are_never_read_as_snapshots() {
        let dir = tempfile::TempDir::new().unwrap();
        let snap = dir.path().join("snap.00000000000ABCDE");
        std::fs::write(&snap, b"damaged").unwrap();
        let aside = set_aside(&snap).unwrap();
        assert!(!snap.exists());
        assert!(aside.exists());
        assert_eq!(newest_snapshot(dir.path()), None);
        assert!(
            is_store_file(&aside.file_name().unwrap().to_string_lossy()),
            "a folder with a set-aside file must still count as a store"
        );
    }

    #[cfg(unix)]
    #[test]
    fn fresh_files_replace_links_instead_of_writing_through_them() {
        use std::io::Write;
        let dir = tempfile::TempDir::new().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let link = dir.path().join("generation.tmp");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let mut file = create_fresh(&link).unwrap();
        file.write_all(b"1").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!link.symlink_metadata().unwrap().file_type().is_symlink());
    }
}
