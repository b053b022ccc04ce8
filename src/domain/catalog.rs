//! Everything the dashboard shows except activity timelines, indexed for lookup.
//!
//! A catalog is built once when a store opens (timelines are read per agreement on demand),
//! and rebuilt or patched when records change.

use std::collections::HashMap;

use super::builtin::builtin_tags;
use super::model::*;
use super::summary::ActivitySummary;

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub stages: Vec<Stage>,
    /// Built-in tags first, then custom ones.
    pub tags: Vec<Tag>,
    pub regions: Vec<Region>,
    pub partners: Vec<Partner>,
    pub agreements: Vec<Agreement>,
    pub summaries: HashMap<AgreementId, ActivitySummary>,
    /// Each agreement's record version in the store, for conflict checks when saving.
    pub versions: HashMap<AgreementId, u64>,
    /// Triage decisions, snoozes and follow-ups, for the agreements that have any.
    pub attention: HashMap<AgreementId, Attention>,
    /// Counts the changes a server applied to the catalog its sessions share, so that a
    /// session never trades a newer catalog for an older one that arrived late.
    pub generation: u64,
    region_index: HashMap<String, usize>,
    partner_index: HashMap<String, usize>,
    agreement_index: HashMap<AgreementId, usize>,
    by_region: HashMap<String, Vec<usize>>,
}

impl Catalog {
    pub fn new(
        stages: Vec<Stage>,
        custom_tags: Vec<Tag>,
        regions: Vec<Region>,
        partners: Vec<Partner>,
        agreements: Vec<Agreement>,
        summaries: HashMap<AgreementId, ActivitySummary>,
    ) -> Self {
        let mut tags = builtin_tags();
        tags.extend(custom_tags);
        let mut catalog = Catalog {
            stages,
            tags,
            regions,
            partners,
            agreements,
            summaries,
            ..Catalog::default()
        };
        catalog.reindex();
        catalog
    }

    /// Rebuilds the lookup tables after the record lists changed.
    pub fn reindex(&mut self) {
        self.region_index = index_by(&self.regions, |r| r.id.clone());
        self.partner_index = index_by(&self.partners, |p| p.id.clone());
        self.agreement_index = index_by(&self.agreements, |a| a.id);
        self.by_region.clear();
        for (i, a) in self.agreements.iter().enumerate() {
            self.by_region.entry(a.region.clone()).or_default().push(i);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.agreements.is_empty() && self.regions.is_empty() && self.partners.is_empty()
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.region_index.get(id).map(|&i| &self.regions[i])
    }

    pub fn partner(&self, id: &str) -> Option<&Partner> {
        self.partner_index.get(id).map(|&i| &self.partners[i])
    }

    pub fn agreement(&self, id: AgreementId) -> Option<&Agreement> {
        self.agreement_index.get(&id).map(|&i| &self.agreements[i])
    }

    pub fn version(&self, id: AgreementId) -> u64 {
        self.versions.get(&id).copied().unwrap_or(0)
    }

    /// Puts an agreement in (replacing the one with its id) or takes it out, with its
    /// version, keeping the lookup tables in step without rebuilding them: a save on a
    /// store of 100,000 agreements must not cost a full reindex. A removal moves the last
    /// agreement into the freed position.
    pub fn put_agreement(&mut self, id: AgreementId, agreement: Option<Agreement>, version: u64) {
        match (self.agreement_index.get(&id).copied(), agreement) {
            (Some(i), Some(a)) => {
                if self.agreements[i].region != a.region {
                    let old = self.agreements[i].region.clone();
                    self.unlist(&old, i);
                    self.by_region.entry(a.region.clone()).or_default().push(i);
                }
                self.agreements[i] = a;
            }
            (None, Some(a)) => {
                let i = self.agreements.len();
                self.by_region.entry(a.region.clone()).or_default().push(i);
                self.agreement_index.insert(id, i);
                self.agreements.push(a);
            }
            (Some(i), None) => {
                let region = self.agreements[i].region.clone();
                self.unlist(&region, i);
                self.agreement_index.remove(&id);
                let last = self.agreements.len() - 1;
                self.agreements.swap_remove(i);
                if i != last {
                    let moved = &self.agreements[i];
                    self.agreement_index.insert(moved.id, i);
                    if let Some(rows) = self.by_region.get_mut(&moved.region)
                        && let Some(slot) = rows.iter_mut().find(|p| **p == last)
                    {
                        *slot = i;
                    }
                }
            }
            (None, None) => {}
        }
        if version == 0 {
            self.versions.remove(&id);
            self.summaries.remove(&id);
            self.attention.remove(&id);
        } else {
            self.versions.insert(id, version);
        }
    }

    /// Takes position `i` out of a region's list.
    fn unlist(&mut self, region: &str, i: usize) {
        if let Some(rows) = self.by_region.get_mut(region) {
            rows.retain(|&p| p != i);
        }
    }

    pub fn put_partner(&mut self, id: &str, partner: Option<Partner>) {
        match (self.partner_index.get(id).copied(), partner) {
            (Some(i), Some(p)) => self.partners[i] = p,
            (None, Some(p)) => {
                self.partner_index.insert(p.id.clone(), self.partners.len());
                self.partners.push(p);
            }
            (Some(i), None) => {
                self.partner_index.remove(id);
                self.partners.swap_remove(i);
                if let Some(moved) = self.partners.get(i) {
                    self.partner_index.insert(moved.id.clone(), i);
                }
            }
            (None, None) => {}
        }
    }

    /// Puts a region in (replacing the one with its id) or takes it out. Regions are few
    /// (hundreds): the lookup table is rebuilt rather than patched.
    pub fn put_region(&mut self, id: &str, region: Option<Region>) {
        match (self.region_index.get(id).copied(), region) {
            (Some(i), Some(r)) => self.regions[i] = r,
            (None, Some(r)) => {
                self.region_index.insert(r.id.clone(), self.regions.len());
                self.regions.push(r);
            }
            (Some(i), None) => {
                self.regions.remove(i);
                self.region_index = index_by(&self.regions, |r| r.id.clone());
            }
            (None, None) => {}
        }
    }

    /// Custom tags only: built-in ones cannot change.
    pub fn put_tag(&mut self, id: &str, tag: Option<Tag>) {
        if super::builtin::is_builtin_tag(id) {
            return;
        }
        let at = self.tags.iter().position(|t| t.id == id);
        match (at, tag) {
            (Some(i), Some(t)) => self.tags[i] = t,
            (None, Some(t)) => self.tags.push(t),
            (Some(i), None) => {
                self.tags.remove(i);
            }
            (None, None) => {}
        }
    }

    pub fn summary(&self, id: AgreementId) -> Option<&ActivitySummary> {
        self.summaries.get(&id)
    }

    pub fn tag(&self, id: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Positions in `agreements` of the agreements a region holds itself.
    pub fn agreements_of(&self, region: &str) -> &[usize] {
        self.by_region.get(region).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Partner name for display, falling back to the id when the partner is missing.
    pub fn partner_name<'a>(&'a self, a: &'a Agreement) -> &'a str {
        self.partner(&a.partner)
            .map(|p| p.name.as_str())
            .unwrap_or(&a.partner)
    }

    pub fn region_name<'a>(&'a self, a: &'a Agreement) -> &'a str {
        self.region(&a.region)
            .map(|r| r.name.as_str())
            .unwrap_or(&a.region)
    }

    /// Provinces in name order, each with its regencies and cities in name order.
    pub fn region_tree(&self) -> Vec<(usize, Vec<usize>)> {
        let mut provinces: Vec<usize> = (0..self.regions.len())
            .filter(|&i| self.regions[i].level == RegionLevel::Province)
            .collect();
        provinces.sort_by(|&a, &b| self.regions[a].name.cmp(&self.regions[b].name));
        let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in self.regions.iter().enumerate() {
            if let Some(p) = &r.province {
                children.entry(p.as_str()).or_default().push(i);
            }
        }
        provinces
            .into_iter()
            .map(|p| {
                let mut kids = children
                    .remove(self.regions[p].id.as_str())
                    .unwrap_or_default();
                kids.sort_by(|&a, &b| self.regions[a].name.cmp(&self.regions[b].name));
                (p, kids)
            })
            .collect()
    }
}

fn index_by<T, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(&T) -> K) -> HashMap<K, usize> {
    items.iter().enumerate().map(|(i, t)| (key(t), i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::default_stages;

    fn agreement(id: AgreementId, region: &str) -> Agreement {
        Agreement::new(id, region, &format!("p{id}"), "pelaksanaan")
    }

    /// Patching in place gives the same lookups as building the catalog afresh.
    #[test]
    fn patches_keep_every_index_as_a_rebuild_would() {
        let all: Vec<Agreement> = (1..=6)
            .map(|i| agreement(i, if i % 2 == 0 { "a" } else { "b" }))
            .collect();
        let mut patched = Catalog::new(
            default_stages(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            all,
            HashMap::new(),
        );
        patched.put_agreement(2, None, 0); // from the middle
        patched.put_agreement(6, None, 0); // the last
        let mut moved = agreement(3, "a");
        moved.notes = "moved to a".into();
        patched.put_agreement(3, Some(moved), 2);
        patched.put_agreement(7, Some(agreement(7, "c")), 1);

        let mut rebuilt = patched.clone();
        rebuilt.reindex();
        for id in 1..=8 {
            assert_eq!(
                patched.agreement(id),
                rebuilt.agreement(id),
                "agreement {id}"
            );
        }
        for region in ["a", "b", "c"] {
            let mut p: Vec<AgreementId> = patched
                .agreements_of(region)
                .iter()
                .map(|&i| patched.agreements[i].id)
                .collect();
            let mut r: Vec<AgreementId> = rebuilt
                .agreements_of(region)
                .iter()
                .map(|&i| rebuilt.agreements[i].id)
                .collect();
            p.sort_unstable();
            r.sort_unstable();
            assert_eq!(p, r, "region {region}");
        }
        assert_eq!(patched.agreement(3).unwrap().notes, "moved to a");
        assert!(patched.agreement(2).is_none() && patched.agreement(6).is_none());
    }
}
