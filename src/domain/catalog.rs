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
    /// version. Call [`Catalog::reindex`] after a batch of these.
    pub fn put_agreement(&mut self, id: AgreementId, agreement: Option<Agreement>, version: u64) {
        let at = self.agreements.iter().position(|a| a.id == id);
        match (at, agreement) {
            (Some(i), Some(a)) => self.agreements[i] = a,
            (None, Some(a)) => self.agreements.push(a),
            (Some(i), None) => {
                self.agreements.remove(i);
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

    pub fn put_partner(&mut self, id: &str, partner: Option<Partner>) {
        let at = self.partners.iter().position(|p| p.id == id);
        match (at, partner) {
            (Some(i), Some(p)) => self.partners[i] = p,
            (None, Some(p)) => self.partners.push(p),
            (Some(i), None) => {
                self.partners.remove(i);
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
