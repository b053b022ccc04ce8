//! Who may change what: a role (browse only, or edit) and, for editors, the regions they
//! answer for. The dashboard asks this before it offers a key; the store asks it again before
//! it writes, so hiding a key is never the only guard.

use std::collections::{BTreeSet, HashMap};

use super::catalog::Catalog;
use super::change::{Change, Record, RecordKey};
use super::model::{AgreementId, Region, RegionLevel};

/// Where things are: what a scope check needs to know of the records, whether they come
/// from a catalog (the dashboard) or from the store itself (its change path).
pub trait Places {
    /// The province a regency or city belongs to (`None` for a province or an unknown id).
    fn province_of(&self, region: &str) -> Option<String>;
    /// The region holding an agreement, if the agreement exists.
    fn region_of(&self, agreement: AgreementId) -> Option<String>;
}

impl Places for Catalog {
    fn province_of(&self, region: &str) -> Option<String> {
        self.region(region)
            .filter(|r| r.level != RegionLevel::Province)
            .and_then(|r| r.province.clone())
    }

    fn region_of(&self, agreement: AgreementId) -> Option<String> {
        self.agreement(agreement).map(|a| a.region.clone())
    }
}

impl<T: Places + ?Sized> Places for std::sync::Arc<T> {
    fn province_of(&self, region: &str) -> Option<String> {
        (**self).province_of(region)
    }

    fn region_of(&self, agreement: AgreementId) -> Option<String> {
        (**self).region_of(agreement)
    }
}

/// The provinces of regencies and cities, from a list of regions.
pub fn provinces(regions: &[Region]) -> HashMap<String, String> {
    regions
        .iter()
        .filter(|r| r.level != RegionLevel::Province)
        .filter_map(|r| Some((r.id.clone(), r.province.clone()?)))
        .collect()
}

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
    pub fn covers(&self, places: &dyn Places, region: &str) -> bool {
        if self.regions.contains(region) {
            return true;
        }
        places
            .province_of(region)
            .is_some_and(|p| self.regions.contains(&p))
    }

    /// The region ids, comma separated, as the keys file writes them.
    pub fn describe(&self) -> String {
        self.regions().collect::<Vec<_>>().join(",")
    }
}

/// Why a change is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The session may only browse.
    ReadOnly,
    /// The record belongs to a region outside the session's scope (its id).
    OutOfScope(String),
    /// A key with a scope may set the seat of a region in it, and change nothing else of
    /// the country's list of regions (the region's id).
    SeatOnly(String),
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
    pub fn covers(&self, places: &dyn Places, region: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.covers(places, region))
    }

    /// Whether this session may change everything everywhere (a local user).
    pub fn is_full(&self) -> bool {
        *self == Access::full()
    }

    /// May this session change records of agreements held by `region`?
    pub fn may_edit(&self, places: &dyn Places, region: &str) -> Result<(), Denied> {
        if self.read_only() {
            return Err(Denied::ReadOnly);
        }
        if !self.covers(places, region) {
            return Err(Denied::OutOfScope(region.to_string()));
        }
        Ok(())
    }

    /// Whether a region record, as written, is in scope: named in the scope itself, or
    /// under a province the scope holds.
    fn holds_region(&self, places: &dyn Places, r: &Region) -> bool {
        match &self.scope {
            None => true,
            Some(scope) => {
                scope.regions.contains(&r.id)
                    || r.province
                        .as_deref()
                        .is_some_and(|p| scope.covers(places, p))
            }
        }
    }

    /// May this session make `change`? Every agreement it writes or removes, before and
    /// after, and every agreement whose timeline or triage notes it touches, must be in
    /// scope: the agreement as `places` knows it (the store's current record, on the
    /// store's change path) and as the change's records say. Partners and tags are shared
    /// by everyone: an editor may add them, and the store refuses to remove one that an
    /// agreement still uses. A region (its seat of government) may be changed by the
    /// editors whose scope holds it.
    pub fn may_apply(&self, places: &dyn Places, change: &Change) -> Result<(), Denied> {
        if self.read_only() {
            return Err(Denied::ReadOnly);
        }
        if self.scope.is_none() {
            return Ok(());
        }
        // Agreements created by this very change hold their activities and notes too.
        let created: HashMap<AgreementId, &str> = change
            .edits
            .iter()
            .filter_map(|e| match &e.after {
                Some(Record::Agreement(a)) => Some((a.id, a.region.as_str())),
                _ => None,
            })
            .collect();
        let holder = |id: AgreementId| -> Result<(), Denied> {
            let region = places
                .region_of(id)
                .or_else(|| created.get(&id).map(|r| r.to_string()));
            match region {
                Some(region) if self.covers(places, &region) => Ok(()),
                Some(region) => Err(Denied::OutOfScope(region)),
                // An agreement nobody knows: nothing in scope can be said of it.
                None => Err(Denied::OutOfScope(format!("agreement {id}"))),
            }
        };
        for edit in &change.edits {
            match edit.key() {
                Some(RecordKey::Agreement(id))
                | Some(RecordKey::Activity(id, _))
                | Some(RecordKey::Attention(id)) => holder(id)?,
                Some(RecordKey::Partner(_)) | Some(RecordKey::Tag(_)) | None => {}
                // A region is its own place: its seat is changed by those who answer for it,
                // and nothing else of it (names, new or removed regions) by a scoped key.
                Some(RecordKey::Region(id)) => {
                    if !self.covers(places, &id) {
                        return Err(Denied::OutOfScope(id));
                    }
                    let seat_only = match (&edit.before, &edit.after) {
                        (Some(Record::Region(b)), Some(Record::Region(a))) => {
                            let mut same = a.clone();
                            same.coordinates = b.coordinates;
                            same == *b
                        }
                        _ => false,
                    };
                    if !seat_only {
                        return Err(Denied::SeatOnly(id));
                    }
                }
            }
            for record in [&edit.before, &edit.after].into_iter().flatten() {
                let region = match record {
                    Record::Agreement(a) => a.region.clone(),
                    Record::Activity(v) => {
                        holder(v.agreement)?;
                        continue;
                    }
                    Record::Attention(n) => {
                        holder(n.agreement)?;
                        continue;
                    }
                    Record::Partner(_) | Record::Tag(_) => continue,
                    // Judged by the province the record names, not only the one stored,
                    // so that a scoped editor cannot move a city out of another's province.
                    Record::Region(r) => {
                        if !self.holds_region(places, r) {
                            return Err(Denied::OutOfScope(r.id.clone()));
                        }
                        continue;
                    }
                };
                if !self.covers(places, &region) {
                    return Err(Denied::OutOfScope(region));
                }
            }
        }
        Ok(())
    }
}
