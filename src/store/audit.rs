//! The audit trail: who changed what, when, with the record before and after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who is making a change. Local runs use the login name; SSH sessions add the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    /// How the user reached the store: "local", or an SSH key fingerprint.
    pub via: String,
}

impl Actor {
    /// The user running this process, from the environment.
    pub fn local() -> Actor {
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "unknown".to_string());
        Actor {
            user,
            via: "local".to_string(),
        }
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
