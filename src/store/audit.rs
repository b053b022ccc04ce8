//! The audit trail: who changed what, when, with the record before and after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::access::Access;

/// Who is making a change, and what they may change. Local runs use the operating system's
/// account; SSH sessions add the key and its role and scope, which the store checks on
/// every change ([`crate::store::Store::apply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    /// How the user reached the store: "local", or an SSH key fingerprint.
    pub via: String,
    /// What this actor may change; the store refuses anything else.
    pub access: Access,
}

impl Actor {
    /// Someone who may change everything (a local user at their own store).
    pub fn new(user: impl Into<String>, via: impl Into<String>) -> Actor {
        Actor {
            user: user.into(),
            via: via.into(),
            access: Access::full(),
        }
    }

    /// The account this process runs as, read from the account database by user id:
    /// `USER` and `LOGNAME` are whatever the environment says and prove nothing.
    pub fn local() -> Actor {
        Actor::new(os_user(), "local")
    }
}

/// The name of the account this process runs as (its real user id), or `uid N` when the
/// account database has no entry for it (a container without /etc/passwd lines).
pub fn os_user() -> String {
    #[cfg(unix)]
    {
        let uid = rustix::process::getuid().as_raw();
        account_name(uid).unwrap_or_else(|| format!("uid {uid}"))
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").unwrap_or_else(|_| "unknown".to_string())
    }
}

/// The account database's name for `uid` (getpwuid_r: NSS, so LDAP and sssd accounts too).
#[cfg(unix)]
pub fn account_name(uid: u32) -> Option<String> {
    let mut size = 1024usize;
    loop {
        let mut buffer = vec![0 as libc::c_char; size];
        // SAFETY: an all-zero passwd is a valid value (null pointers, zero ids); it is
        // only read after getpwuid_r filled it.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer points to memory that lives across the call, and the
        // buffer's length is the one passed.
        let status = unsafe {
            libc::getpwuid_r(
                uid as libc::uid_t,
                &mut entry,
                buffer.as_mut_ptr(),
                buffer.len(),
                &mut found,
            )
        };
        if status == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: getpwuid_r succeeded, so pw_name is a NUL-terminated string inside
        // `buffer`, which is still alive.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        let name = name.to_string_lossy().into_owned();
        return (!name.is_empty()).then_some(name);
    }
}

/// One change to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub via: String,
    /// "import", "gen", "create", "update", "delete"...
    pub action: String,
    /// The record changed, e.g. "agreement 12", or what an import brought in.
    pub record: String,
    /// The record as JSON before the change, when there was one.
    pub before: Option<String>,
    /// The record as JSON after the change, unless it was deleted.
    pub after: Option<String>,
}
