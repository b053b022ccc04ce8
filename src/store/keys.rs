//! Key layout. Everything lives in one sled tree so that a multi-record change is one atomic
//! batch or transaction; a one-byte prefix separates the record kinds, and numeric ids are
//! big-endian so that sled's byte order is numeric order.
//!
//! | prefix | key                          | value                          |
//! |--------|------------------------------|--------------------------------|
//! | `m`    | `m` + name                   | store metadata                 |
//! | `t`    | `t` + tag id                 | `Tag`                          |
//! | `r`    | `r` + region id              | `Region`                       |
//! | `p`    | `p` + partner id             | `Partner`                      |
//! | `a`    | `a` + agreement id (u64 BE)  | `(version, Agreement)`         |
//! | `s`    | `s` + agreement id           | `ActivitySummary`              |
//! | `v`    | `v` + agreement id + activity id | `Activity`                 |
//! | `k`    | `k` + agreement id           | `Attention` (triage follow-up) |
//! | `l`    | `l` + sequence (u64 BE)      | `AuditEntry`                   |

use crate::domain::{ActivityId, AgreementId};

pub const META: u8 = b'm';
pub const TAG: u8 = b't';
pub const REGION: u8 = b'r';
pub const PARTNER: u8 = b'p';
pub const AGREEMENT: u8 = b'a';
pub const SUMMARY: u8 = b's';
pub const ACTIVITY: u8 = b'v';
pub const AUDIT: u8 = b'l';
pub const ATTENTION: u8 = b'k';

/// Every prefix that holds data (as opposed to metadata and the audit log).
pub const DATA_PREFIXES: [u8; 7] = [
    TAG, REGION, PARTNER, AGREEMENT, SUMMARY, ACTIVITY, ATTENTION,
];

pub const META_SCHEMA: &[u8] = b"mschema";
/// `mtomb` + agreement id: the last version of a deleted agreement.
pub const TOMBSTONE_PREFIX: &[u8] = b"mtomb";
pub const META_STAGES: &[u8] = b"mstages";
/// The store's random identity (16 bytes), see `StoreId`.
pub const META_STORE_ID: &[u8] = b"mstore_id";

pub fn slug(prefix: u8, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + id.len());
    key.push(prefix);
    key.extend_from_slice(id.as_bytes());
    key
}

pub fn numbered(prefix: u8, id: u64) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = prefix;
    key[1..].copy_from_slice(&id.to_be_bytes());
    key
}

pub fn activity(agreement: AgreementId, activity: ActivityId) -> [u8; 17] {
    let mut key = [0u8; 17];
    key[0] = ACTIVITY;
    key[1..9].copy_from_slice(&agreement.to_be_bytes());
    key[9..].copy_from_slice(&activity.to_be_bytes());
    key
}

/// The prefix under which one agreement's activities sit.
pub fn activities_of(agreement: AgreementId) -> [u8; 9] {
    numbered(ACTIVITY, agreement)
}

/// Reads the id back out of a numbered key.
pub fn number_at(key: &[u8], offset: usize) -> Option<u64> {
    let bytes: [u8; 8] = key.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// A key as people can read it in an error message.
pub fn describe(key: &[u8]) -> String {
    let kind = match key.first() {
        Some(&META) => "metadata",
        Some(&TAG) => "tag",
        Some(&REGION) => "region",
        Some(&PARTNER) => "partner",
        Some(&AGREEMENT) => "agreement",
        Some(&SUMMARY) => "activity summary of agreement",
        Some(&ACTIVITY) => "activity",
        Some(&AUDIT) => "audit entry",
        Some(&ATTENTION) => "triage notes of agreement",
        _ => "record",
    };
    match key.first() {
        Some(&AGREEMENT | &SUMMARY | &AUDIT | &ATTENTION) => {
            format!("{kind} {}", number_at(key, 1).unwrap_or_default())
        }
        Some(&ACTIVITY) => format!(
            "{kind} {} of agreement {}",
            number_at(key, 9).unwrap_or_default(),
            number_at(key, 1).unwrap_or_default()
        ),
        _ => format!(
            "{kind} {:?}",
            String::from_utf8_lossy(&key[1.min(key.len())..])
        ),
    }
}
