//! One process owns a store. sled takes a lock of its own, but its error says nothing about
//! who holds it, so kembar takes an advisory lock on `kembar.lock` first and writes there who
//! it is; a second process can then say which kembar has the store and what to do.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::Local;
use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// What the owning process says about itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    pub user: String,
    /// "dashboard", "import", "serve 127.0.0.1:2222"...
    pub purpose: String,
    pub since: String,
    /// When a server holds the store: the address users should ssh to.
    #[serde(default)]
    pub ssh: Option<String>,
}

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct StoreLock {
    file: File,
}

impl StoreLock {
    pub fn acquire(dir: &Path, purpose: &str, user: &str) -> Result<StoreLock, StoreError> {
        let path = dir.join(super::folder::LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // A link planted in the lock's place would have kembar write its owner text into
        // whatever file the link names.
        super::folder::no_follow(&mut options);
        let mut file = options.open(&path).map_err(|e| {
            if super::folder::is_link_error(&e) {
                StoreError::Link {
                    path: dir.to_path_buf(),
                    link: path.clone(),
                }
            } else {
                StoreError::Open {
                    path: dir.to_path_buf(),
                    reason: format!("cannot open {}: {e}", path.display()),
                    fix: "Check that you may write to that folder, or choose another with --db \
                          PATH."
                        .into(),
                }
            }
        })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let owner: Option<Owner> = serde_json::from_str(&text).ok();
                return Err(in_use(dir, owner));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::Open {
                    path: dir.to_path_buf(),
                    reason: format!("cannot lock {}: {e}", path.display()),
                    fix: "The file system may not support locks; keep stores on a local disk."
                        .into(),
                });
            }
        }
        let mut lock = StoreLock { file };
        lock.describe(&Owner {
            pid: std::process::id(),
            user: user.to_string(),
            purpose: purpose.to_string(),
            since: Local::now().format("%Y-%m-%d %H:%M").to_string(),
            ssh: None,
        });
        Ok(lock)
    }

    /// Rewrites what the lock file says about its owner (e.g. once a server is listening).
    pub fn describe(&mut self, owner: &Owner) {
        // Best effort: the lock itself is what matters, the text only improves messages.
        if let Ok(text) = serde_json::to_string(owner) {
            let _ = self.file.set_len(0);
            let _ = self.file.seek(SeekFrom::Start(0));
            let _ = self.file.write_all(text.as_bytes());
            let _ = self.file.flush();
        }
    }
}

/// The "in use" error. Everything in the lock file was written by another process (another
/// user's `$USER` among it), so all of it is made safe to print.
pub(crate) fn in_use(dir: &Path, owner: Option<Owner>) -> StoreError {
    use crate::domain::text::display_safe;
    let owner = owner.map(|o| Owner {
        pid: o.pid,
        user: display_safe(&o.user).into_owned(),
        purpose: display_safe(&o.purpose).into_owned(),
        since: display_safe(&o.since).into_owned(),
        ssh: o.ssh.map(|s| display_safe(&s).into_owned()),
    });
    let (owner_text, hint) = match owner {
        Some(o) => {
            let hint = match &o.ssh {
                Some(ssh) => {
                    format!(" (it is a kembar server: connect to it with `{ssh}` instead)")
                }
                None => String::new(),
            };
            (
                format!(
                    ", pid {} ({}, {} since {})",
                    o.pid, o.user, o.purpose, o.since
                ),
                hint,
            )
        }
        None => (String::new(), String::new()),
    };
    StoreError::InUse {
        path: dir.to_path_buf(),
        owner: owner_text,
        hint,
    }
}
