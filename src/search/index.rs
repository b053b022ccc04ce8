//! The search index: one document per searchable thing, stored column by column so that a
//! million activities cost little more than their text.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::text::{display_safe, fold_for_search};
use crate::domain::{Activity, ActivityId, AgreementId, Catalog, RegionLevel};
use crate::i18n::Lang;

use super::{DESCRIPTION_SEARCHED, mask_of};

/// What a document stands for. The order is the tie-break order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Region,
    Partner,
    Country,
    Agreement,
    Tag,
    Activity,
}

impl DocKind {
    pub fn label(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            DocKind::Region => ("wilayah", "region"),
            DocKind::Partner => ("mitra", "partner"),
            DocKind::Country => ("negara", "country"),
            DocKind::Agreement => ("kerja sama", "agreement"),
            DocKind::Tag => ("hambatan", "tag"),
            DocKind::Activity => ("kegiatan", "activity"),
        };
        match lang {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// The record a document leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Region(String),
    Partner(String),
    Country(String),
    Agreement(AgreementId),
    Tag(String),
    Activity {
        agreement: AgreementId,
        activity: ActivityId,
    },
}

#[derive(Debug, Default, Clone)]
pub struct Index {
    kinds: Vec<DocKind>,
    targets: Vec<Target>,
    masks: Vec<u64>,
    /// All display texts, one after another; `ends[i]` is where document i's ends.
    text: String,
    ends: Vec<u32>,
    /// The folded text, for the few documents where folding changes more than ASCII case.
    folded: HashMap<u32, Box<str>>,
    /// Context for records (activities build theirs from `agreements` and `dates`).
    contexts: HashMap<u32, String>,
    /// Dates of the activity documents, which come after every record document.
    activity_dates: Vec<chrono::NaiveDate>,
    first_activity: u32,
    agreement_labels: HashMap<AgreementId, String>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn kind(&self, doc: u32) -> DocKind {
        self.kinds[doc as usize]
    }

    pub fn target(&self, doc: u32) -> &Target {
        &self.targets[doc as usize]
    }

    pub(crate) fn mask(&self, doc: u32) -> u64 {
        self.masks[doc as usize]
    }

    /// The text shown for a document (already safe to draw).
    pub fn display(&self, doc: u32) -> &str {
        let i = doc as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The text matched: the display text, or its folded form where accents were removed.
    pub(crate) fn match_text(&self, doc: u32) -> &str {
        match self.folded.get(&doc) {
            Some(f) => f,
            None => self.display(doc),
        }
    }

    /// Where a result sits: "Jawa Tengah – Fujian · 2018-05-12", "China · province"...
    pub fn context(&self, doc: u32) -> String {
        if let Target::Activity { agreement, .. } = self.target(doc) {
            let label = self
                .agreement_labels
                .get(agreement)
                .map(String::as_str)
                .unwrap_or("");
            let date = doc
                .checked_sub(self.first_activity)
                .and_then(|i| self.activity_dates.get(i as usize));
            return match date {
                Some(date) => format!("{label} · {date}"),
                None => label.to_string(),
            };
        }
        self.contexts.get(&doc).cloned().unwrap_or_default()
    }
}

/// Short forms people say that are not in the data, by region id. Users add their own in
/// the config file (`[aliases]`).
const BUILTIN_ALIASES: &[(&str, &str)] = &[
    ("jogja", "di-yogyakarta"),
    ("yogya", "di-yogyakarta"),
    ("jogjakarta", "di-yogyakarta"),
    ("jakarta", "dki-jakarta"),
    ("jkt", "dki-jakarta"),
    ("jabar", "jawa-barat"),
    ("jateng", "jawa-tengah"),
    ("jatim", "jawa-timur"),
    ("sby", "kota-surabaya"),
    ("bdg", "kota-bandung"),
    ("smg", "kota-semarang"),
    ("mks", "kota-makassar"),
];

/// Drops terms that differ from an earlier one only in case ("Jateng", "jateng").
fn dedup_folded(terms: &mut Vec<&str>) {
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| seen.insert(t.to_lowercase()));
}

/// Builds an index: records from a catalog, then activities one by one.
pub struct IndexBuilder {
    index: Index,
    lang: Lang,
}

impl IndexBuilder {
    /// Indexes every record of `catalog`; `aliases` maps extra search terms to region ids.
    pub fn new(catalog: &Catalog, lang: Lang, aliases: &BTreeMap<String, String>) -> IndexBuilder {
        let mut b = IndexBuilder {
            index: Index::default(),
            lang,
        };
        let mut extra: HashMap<&str, Vec<&str>> = HashMap::new();
        for (term, region) in BUILTIN_ALIASES
            .iter()
            .copied()
            .chain(aliases.iter().map(|(t, r)| (t.as_str(), r.as_str())))
        {
            extra.entry(region).or_default().push(term);
        }

        for r in &catalog.regions {
            let mut parts: Vec<&str> = vec![&r.name, &r.official_name];
            parts.extend(r.short_names.iter().map(String::as_str));
            parts.extend(extra.get(r.id.as_str()).into_iter().flatten().copied());
            dedup_folded(&mut parts);
            let level = match r.level {
                RegionLevel::Province => crate::tui::text::T::Province,
                RegionLevel::Regency => crate::tui::text::T::Regency,
                RegionLevel::City => crate::tui::text::T::City,
            }
            .in_lang(lang);
            let context = match r.province.as_deref().and_then(|p| catalog.region(p)) {
                Some(p) => format!("{level} · {}", p.name),
                None => level.to_string(),
            };
            b.push(
                DocKind::Region,
                Target::Region(r.id.clone()),
                &parts.join(" · "),
                Some(context),
            );
        }

        let mut countries: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &catalog.partners {
            *countries.entry(p.country.as_str()).or_default() += 1;
            let mut parts: Vec<&str> = vec![&p.name];
            parts.extend(p.aliases.iter().map(String::as_str));
            let context = if p.level.is_empty() {
                p.country.clone()
            } else {
                format!("{} · {}", p.country, p.level)
            };
            b.push(
                DocKind::Partner,
                Target::Partner(p.id.clone()),
                &parts.join(" · "),
                Some(context),
            );
        }
        for (country, partners) in countries {
            let context = match lang {
                Lang::Id => format!("{partners} mitra"),
                Lang::En => format!("{partners} partners"),
            };
            b.push(
                DocKind::Country,
                Target::Country(country.to_string()),
                country,
                Some(context),
            );
        }

        for a in &catalog.agreements {
            let region = catalog.region(&a.region);
            let partner = catalog.partner(&a.partner);
            let label = format!("{} – {}", catalog.region_name(a), catalog.partner_name(a));
            let mut extra_terms: Vec<&str> = Vec::new();
            if let Some(r) = region {
                extra_terms.extend(r.short_names.iter().map(String::as_str));
                extra_terms.extend(extra.get(r.id.as_str()).into_iter().flatten().copied());
            }
            if let Some(p) = partner {
                extra_terms.extend(p.aliases.iter().map(String::as_str));
            }
            dedup_folded(&mut extra_terms);
            let text = if extra_terms.is_empty() {
                label.clone()
            } else {
                format!("{label} ({})", extra_terms.join(" · "))
            };
            let context = format!(
                "{} · {}",
                partner.map(|p| p.country.as_str()).unwrap_or(""),
                crate::tui::text::status(a.status, lang)
            );
            b.push(
                DocKind::Agreement,
                Target::Agreement(a.id),
                &text,
                Some(context),
            );
            b.index
                .agreement_labels
                .insert(a.id, display_safe(&label).into_owned());
        }

        for t in &catalog.tags {
            let uses = catalog
                .agreements
                .iter()
                .filter(|a| a.obstacles.contains(&t.id))
                .count();
            let (first, second) = match lang {
                Lang::Id => (&t.label_id, &t.label_en),
                Lang::En => (&t.label_en, &t.label_id),
            };
            let context = match lang {
                Lang::Id => format!("{uses} kerja sama"),
                Lang::En => format!("{uses} agreements"),
            };
            b.push(
                DocKind::Tag,
                Target::Tag(t.id.clone()),
                &format!("{first} · {second}"),
                Some(context),
            );
        }
        b
    }

    /// Adds one activity: its title and the start of its description.
    pub fn add_activity(&mut self, a: &Activity) {
        let description: String = a.description.chars().take(DESCRIPTION_SEARCHED).collect();
        let text = if description.is_empty() {
            a.title.clone()
        } else {
            format!("{} · {}", a.title, description)
        };
        if self.index.activity_dates.is_empty() {
            self.index.first_activity = self.index.kinds.len() as u32;
        }
        self.push(
            DocKind::Activity,
            Target::Activity {
                agreement: a.agreement,
                activity: a.id,
            },
            &text,
            None,
        );
        self.index.activity_dates.push(a.date);
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn finish(self) -> Index {
        self.index
    }

    fn push(&mut self, kind: DocKind, target: Target, text: &str, context: Option<String>) {
        let display = display_safe(text);
        let folded = fold_for_search(&display);
        let doc = self.index.kinds.len() as u32;
        self.index.masks.push(mask_of(&folded));
        if folded != display.to_lowercase() {
            self.index.folded.insert(doc, folded.into_boxed_str());
        }
        self.index.text.push_str(&display);
        self.index.ends.push(self.index.text.len() as u32);
        self.index.kinds.push(kind);
        self.index.targets.push(target);
        if let Some(c) = context {
            self.index
                .contexts
                .insert(doc, display_safe(&c).into_owned());
        }
    }
}
