//! How an agreement is doing, judged from its dates and timeline against an injected today.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Agreement, Status};
use super::summary::ActivitySummary;

/// Thresholds a ministry can tune in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthRules {
    /// No activity for this many days makes an agreement quiet (dormant).
    pub dormant_after_days: i64,
    /// An MoU ending within this many days is "expiring soon".
    pub expiring_within_days: i64,
    /// Triage weight of "fields idle": half or more of the MoU's fields had nothing for
    /// five years.
    pub fields_idle_weight: u32,
    /// Triage weight of "not assessed": a decision with no assessment (kajian) to rest on.
    pub not_assessed_weight: u32,
}

impl Default for HealthRules {
    fn default() -> Self {
        HealthRules {
            dormant_after_days: 365,
            expiring_within_days: 180,
            fields_idle_weight: 10,
            not_assessed_weight: 10,
        }
    }
}

/// The mark shown beside every agreement and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Health {
    /// Activity within the dormancy threshold, MoU in force.
    Active,
    /// In force, but nothing has happened for longer than the threshold.
    Quiet,
    /// The MoU has ended, or the agreement was terminated.
    Expired,
}

/// Days since the last activity, or `None` when there has never been one.
pub fn days_since_last(summary: Option<&ActivitySummary>, today: NaiveDate) -> Option<i64> {
    summary
        .and_then(|s| s.last_by(today))
        .map(|last| (today - last).num_days())
}

/// Whether the agreement has ended on `today`: terminated, or its MoU term over (a renewal
/// in progress does not make an ended term run on).
pub fn is_expired(a: &Agreement, today: NaiveDate) -> bool {
    matches!(a.status_on(today), Status::Expired | Status::Terminated)
        || a.expires.is_some_and(|e| e < today)
}

pub fn health(
    a: &Agreement,
    summary: Option<&ActivitySummary>,
    today: NaiveDate,
    rules: &HealthRules,
) -> Health {
    if is_expired(a, today) {
        return Health::Expired;
    }
    if a.status_on(today) == Status::Proposed {
        return Health::Active;
    }
    // Counting from signing when nothing was ever logged: a fresh MoU is not quiet yet.
    let reference = summary.and_then(|s| s.last_by(today)).or(a.signed);
    match reference {
        Some(date) if (today - date).num_days() <= rules.dormant_after_days => Health::Active,
        _ => Health::Quiet,
    }
}

/// How much attention an agreement needs, for sorting regions by "most troubled".
pub fn trouble(
    a: &Agreement,
    summary: Option<&ActivitySummary>,
    today: NaiveDate,
    rules: &HealthRules,
) -> u32 {
    let base = match health(a, summary, today, rules) {
        Health::Active => 0,
        Health::Quiet => 2,
        Health::Expired => 3,
    };
    base + a.tags_on(today).count() as u32
}
