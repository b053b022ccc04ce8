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
