//! Who may change what: a role (browse only, or edit) and, for editors, the regions they
//! answer for. The dashboard asks this before it offers a key; the store asks it again before
//! it writes, so hiding a key is never the only guard.

use std::collections::BTreeSet;

use super::catalog::Catalog;
use super::change::{Change, Record};
use super::model::RegionLevel;

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Browse, search, copy summaries and use the triage screen; no changes.
    Viewer,
    /// Everything a viewer may, and change records in scope.
    Editor,
}

/// The regions a key answers for: region ids, a province standing for itself and its
/// regencies and cities.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Scope {
    regions: BTreeSet<String>,
}

impl Scope {
    pub fn new(regions: impl IntoIterator<Item = String>) -> Scope {
        Scope {
            regions: regions.into_iter().collect(),
        }
    }

    /// The region ids as written.
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.regions.iter().map(String::as_str)
    }

    /// Whether `region` is in the scope, itself or through its province.
    pub fn covers(&self, catalog: &Catalog, region: &str) -> bool {
        if self.regions.contains(region) {
            return true;
        }
        catalog
            .region(region)
            .filter(|r| r.level != RegionLevel::Province)
            .and_then(|r| r.province.as_deref())
            .is_some_and(|p| self.regions.contains(p))
    }
}

/// Why a change is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The session may only browse.
    ReadOnly,
    /// The record belongs to a region outside the session's scope (its id).
    OutOfScope(String),
}

/// A session's permissions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Access {
    pub role: Role,
    /// `None`: the whole country.
    pub scope: Option<Scope>,
}

impl Access {
    /// A local user at their own store: everything, everywhere.
    pub fn full() -> Access {
        Access {
            role: Role::Editor,
            scope: None,
        }
    }

    pub fn viewer() -> Access {
        Access {
            role: Role::Viewer,
            scope: None,
        }
    }

    pub fn read_only(&self) -> bool {
        self.role == Role::Viewer
    }

    /// Whether `region` is in scope (always, without a scope).
    pub fn covers(&self, catalog: &Catalog, region: &str) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.covers(catalog, region))
    }

    /// May this session change records of agreements held by `region`?
    pub fn may_edit(&self, catalog: &Catalog, region: &str) -> Result<(), Denied> {
        if self.read_only() {
            return Err(Denied::ReadOnly);
        }
        if !self.covers(catalog, region) {
            return Err(Denied::OutOfScope(region.to_string()));
        }
        Ok(())
    }

    /// May this session make `change`? Every agreement it writes or removes, before and
    /// after, and every agreement whose timeline or triage notes it touches, must be in
    /// scope. Partners and tags are shared by everyone: an editor may add them, and the
    /// store refuses to remove one that an agreement still uses.
    pub fn may_apply(&self, catalog: &Catalog, change: &Change) -> Result<(), Denied> {
        if self.read_only() {
            return Err(Denied::ReadOnly);
        }
        if self.scope.is_none() {
            return Ok(());
        }
        for edit in &change.edits {
            for record in [&edit.before, &edit.after].into_iter().flatten() {
                let region = match record {
                    Record::Agreement(a) => Some(a.region.clone()),
                    Record::Activity(v) => catalog.agreement(v.agreement).map(|a| a.region.clone()),
                    Record::Attention(n) => {
                        catalog.agreement(n.agreement).map(|a| a.region.clone())
                    }
                    Record::Partner(_) | Record::Tag(_) => None,
                };
                if let Some(region) = region
                    && !self.covers(catalog, &region)
                {
                    return Err(Denied::OutOfScope(region));
                }
            }
        }
        Ok(())
    }
}
