//! The search index: one document per searchable thing, stored column by column so that a
//! million activities cost little more than their text.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::domain::text::{display_safe, fold_for_search};
use crate::domain::{Activity, ActivityId, AgreementId, Catalog, RegionLevel};
use crate::i18n::Lang;

use super::{DESCRIPTION_SEARCHED, mask_of};

/// What a document stands for. The order is the tie-break order of results.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// Where an index's bytes live: built in memory, or mapped from a saved file.
enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Bytes {
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// Byte ranges of the fixed-width columns inside an index's bytes.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(crate) struct Layout {
    docs: u32,
    first_activity: u32,
    kinds: (usize, usize),
    masks: (usize, usize),
    ends: (usize, usize),
    text: (usize, usize),
    activity_ids: (usize, usize),
    activity_dates: (usize, usize),
}

impl Layout {
    /// Where the columns start in the index's bytes.
    pub(crate) fn base(&self) -> usize {
        self.kinds.0
    }

    /// The same layout with offsets counted from `base`.
    pub(crate) fn relative_to(&self, base: usize) -> Layout {
        let shift = |(a, b): (usize, usize)| (a - base, b);
        Layout {
            kinds: shift(self.kinds),
            masks: shift(self.masks),
            ends: shift(self.ends),
            text: shift(self.text),
            activity_ids: shift(self.activity_ids),
            activity_dates: shift(self.activity_dates),
            ..*self
        }
    }
}

/// The variable-size part: small next to the columns, decoded when an index is opened.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct Records {
    /// Targets of the record documents (activities' come from fixed-width columns).
    targets: Vec<Target>,
    /// The folded text, for the few documents where folding changes more than ASCII case.
    folded: HashMap<u32, Box<str>>,
    contexts: HashMap<u32, String>,
    agreement_labels: HashMap<AgreementId, String>,
}

/// The search index. Columns (kind, character mask, text end, activity ids and dates) are
/// fixed-width arrays in one byte buffer, read in place; a saved index is memory-mapped, so
/// a query reads the 8-byte masks of every document and the text of candidates only.
pub struct Index {
    bytes: Bytes,
    layout: Layout,
    records: Records,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("docs", &self.layout.docs)
            .finish()
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

impl Index {
    pub fn len(&self) -> usize {
        self.layout.docs as usize
    }

    pub fn is_empty(&self) -> bool {
        self.layout.docs == 0
    }

    pub fn kind(&self, doc: u32) -> DocKind {
        match self.bytes.get().get(self.layout.kinds.0 + doc as usize) {
            Some(0) => DocKind::Region,
            Some(1) => DocKind::Partner,
            Some(2) => DocKind::Country,
            Some(3) => DocKind::Agreement,
            Some(4) => DocKind::Tag,
            _ => DocKind::Activity,
        }
    }

    /// The record a document leads to.
    pub fn target(&self, doc: u32) -> Target {
        match doc.checked_sub(self.layout.first_activity) {
            Some(i) if doc >= self.layout.first_activity && self.kind(doc) == DocKind::Activity => {
                let at = self.layout.activity_ids.0 + 16 * i as usize;
                let bytes = self.bytes.get();
                Target::Activity {
                    agreement: read_u64(bytes, at),
                    activity: read_u64(bytes, at + 8),
                }
            }
            _ => self
                .records
                .targets
                .get(doc as usize)
                .cloned()
                .unwrap_or(Target::Region(String::new())),
        }
    }

    pub(crate) fn mask(&self, doc: u32) -> u64 {
        read_u64(self.bytes.get(), self.layout.masks.0 + 8 * doc as usize)
    }

    /// The text shown for a document, safe to draw (a saved index is a file, and files are
    /// not trusted).
    pub fn display(&self, doc: u32) -> std::borrow::Cow<'_, str> {
        display_safe(self.raw_text(doc))
    }

    fn raw_text(&self, doc: u32) -> &str {
        let bytes = self.bytes.get();
        let end = read_u32(bytes, self.layout.ends.0 + 4 * doc as usize) as usize;
        let start = match doc {
            0 => 0,
            _ => read_u32(bytes, self.layout.ends.0 + 4 * (doc as usize - 1)) as usize,
        };
        let text = self.layout.text.0;
        // A damaged saved file shows as empty text, never as a panic.
        bytes
            .get(text + start..text + end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The text matched: the display text, or its folded form where accents were removed.
    pub(crate) fn match_text(&self, doc: u32) -> &str {
        match self.records.folded.get(&doc) {
            Some(f) => f,
            None => self.raw_text(doc),
        }
    }

    /// The day of an activity document.
    pub fn activity_date(&self, doc: u32) -> Option<chrono::NaiveDate> {
        if self.kind(doc) != DocKind::Activity {
            return None;
        }
        let i = doc.checked_sub(self.layout.first_activity)? as usize;
        let day = read_u32(self.bytes.get(), self.layout.activity_dates.0 + 4 * i) as i32;
        chrono::NaiveDate::from_num_days_from_ce_opt(day)
    }

    /// Where a result sits: "Jawa Tengah – Fujian · 2018-05-12", "China · province"...
    pub fn context(&self, doc: u32) -> String {
        display_safe(&self.raw_context(doc)).into_owned()
    }

    fn raw_context(&self, doc: u32) -> String {
        if let Target::Activity { agreement, .. } = self.target(doc) {
            let label = self
                .records
                .agreement_labels
                .get(&agreement)
                .map(String::as_str)
                .unwrap_or("");
            let i = doc.saturating_sub(self.layout.first_activity) as usize;
            let day = read_u32(self.bytes.get(), self.layout.activity_dates.0 + 4 * i) as i32;
            return match chrono::NaiveDate::from_num_days_from_ce_opt(day) {
                Some(date) => format!("{label} · {date}"),
                None => label.to_string(),
            };
        }
        self.records.contexts.get(&doc).cloned().unwrap_or_default()
    }

    /// The columns as bytes and the rest, for saving.
    pub(crate) fn parts(&self) -> (&[u8], &Layout, &Records) {
        (self.bytes.get(), &self.layout, &self.records)
    }

    /// An index over saved columns; the layout is checked against the bytes.
    pub(crate) fn from_parts_mapped(
        map: memmap2::Mmap,
        offset: usize,
        layout: Layout,
        records: Records,
    ) -> Option<Index> {
        let shift = |(a, b): (usize, usize)| Some((a.checked_add(offset)?, b));
        let layout = Layout {
            kinds: shift(layout.kinds)?,
            masks: shift(layout.masks)?,
            ends: shift(layout.ends)?,
            text: shift(layout.text)?,
            activity_ids: shift(layout.activity_ids)?,
            activity_dates: shift(layout.activity_dates)?,
            ..layout
        };
        let fits = [
            layout.kinds,
            layout.masks,
            layout.ends,
            layout.text,
            layout.activity_ids,
            layout.activity_dates,
        ]
        .iter()
        .all(|&(start, len)| start.checked_add(len).is_some_and(|end| end <= map.len()));
        let docs = layout.docs as usize;
        let sized =
            layout.kinds.1 == docs && layout.masks.1 == 8 * docs && layout.ends.1 == 4 * docs;
        (fits && sized).then_some(Index {
            bytes: Bytes::Mapped(map),
            layout,
            records,
        })
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

/// Extra search terms by region id: the built-in short forms and the config file's aliases
/// (term → region id).
pub fn region_terms(aliases: &BTreeMap<String, String>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (term, region) in BUILTIN_ALIASES
        .iter()
        .copied()
        .chain(aliases.iter().map(|(t, r)| (t.as_str(), r.as_str())))
    {
        out.entry(region.to_string())
            .or_default()
            .push(term.to_string());
    }
    out
}

/// Drops terms that differ from an earlier one only in case ("Jateng", "jateng").
fn dedup_folded(terms: &mut Vec<&str>) {
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| seen.insert(t.to_lowercase()));
}

/// Builds an index: records from a catalog, then activities one by one.
pub struct IndexBuilder {
    kinds: Vec<u8>,
    masks: Vec<u64>,
    ends: Vec<u32>,
    text: String,
    activity_ids: Vec<(u64, u64)>,
    activity_dates: Vec<i32>,
    first_activity: Option<u32>,
    records: Records,
}

impl IndexBuilder {
    /// Indexes every record of `catalog`; `aliases` maps extra search terms to region ids.
    pub fn new(catalog: &Catalog, lang: Lang, aliases: &BTreeMap<String, String>) -> IndexBuilder {
        let mut b = IndexBuilder {
            kinds: Vec::new(),
            masks: Vec::new(),
            ends: Vec::new(),
            text: String::new(),
            activity_ids: Vec::new(),
            activity_dates: Vec::new(),
            first_activity: None,
            records: Records::default(),
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
                RegionLevel::Province => crate::i18n::text::T::Province,
                RegionLevel::Regency => crate::i18n::text::T::Regency,
                RegionLevel::City => crate::i18n::text::T::City,
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

        // How many partners a country has, an agreement's status and how many agreements a
        // tag is on change with the day they are seen on: they are not in the index but
        // worked out when shown (`Lens::context`).
        let mut countries: BTreeMap<&str, ()> = BTreeMap::new();
        for p in &catalog.partners {
            countries.insert(p.country.as_str(), ());
            let mut parts: Vec<&str> = vec![&p.name];
            parts.extend(p.aliases.iter().map(String::as_str));
            let country = crate::domain::countries::display(&p.country, lang);
            let context = if p.level.is_empty() {
                country.into_owned()
            } else {
                format!("{country} · {}", p.level)
            };
            b.push(
                DocKind::Partner,
                Target::Partner(p.id.clone()),
                &parts.join(" · "),
                Some(context),
            );
        }
        for country in countries.into_keys() {
            // The country as the reader says it first, then every other name it goes by.
            let shown = crate::domain::countries::display(country, lang);
            let mut names: Vec<&str> = vec![&shown];
            let terms = crate::domain::countries::search_terms(country);
            names.extend(terms.split(" · "));
            dedup_folded(&mut names);
            b.push(
                DocKind::Country,
                Target::Country(country.to_string()),
                &names.join(" · "),
                None,
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
            let context =
                partner.map(|p| crate::domain::countries::display(&p.country, lang).into_owned());
            b.push(DocKind::Agreement, Target::Agreement(a.id), &text, context);
            b.records
                .agreement_labels
                .insert(a.id, display_safe(&label).into_owned());
        }

        for t in &catalog.tags {
            let (first, second) = match lang {
                Lang::Id => (&t.label_id, &t.label_en),
                Lang::En => (&t.label_en, &t.label_id),
            };
            b.push(
                DocKind::Tag,
                Target::Tag(t.id.clone()),
                &format!("{first} · {second}"),
                None,
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
        if self.first_activity.is_none() {
            self.first_activity = Some(self.kinds.len() as u32);
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
        self.activity_ids.push((a.agreement, a.id));
        self.activity_dates
            .push(chrono::Datelike::num_days_from_ce(&a.date));
    }

    /// Lays the columns out in one buffer, each on an 8-byte boundary.
    pub fn finish(self) -> Index {
        let docs = self.kinds.len();
        let mut bytes: Vec<u8> = Vec::with_capacity(self.text.len() + docs * 16);
        let section = |bytes: &mut Vec<u8>, data: &[u8]| -> (usize, usize) {
            while !bytes.len().is_multiple_of(8) {
                bytes.push(0);
            }
            let start = bytes.len();
            bytes.extend_from_slice(data);
            (start, data.len())
        };
        let kinds = section(&mut bytes, &self.kinds);
        let masks_bytes: Vec<u8> = self.masks.iter().flat_map(|m| m.to_le_bytes()).collect();
        let masks = section(&mut bytes, &masks_bytes);
        let ends_bytes: Vec<u8> = self.ends.iter().flat_map(|e| e.to_le_bytes()).collect();
        let ends = section(&mut bytes, &ends_bytes);
        let text = section(&mut bytes, self.text.as_bytes());
        let ids: Vec<u8> = self
            .activity_ids
            .iter()
            .flat_map(|(a, v)| a.to_le_bytes().into_iter().chain(v.to_le_bytes()))
            .collect();
        let activity_ids = section(&mut bytes, &ids);
        let dates: Vec<u8> = self
            .activity_dates
            .iter()
            .flat_map(|d| d.to_le_bytes())
            .collect();
        let activity_dates = section(&mut bytes, &dates);
        Index {
            bytes: Bytes::Owned(bytes),
            layout: Layout {
                docs: docs as u32,
                first_activity: self.first_activity.unwrap_or(docs as u32),
                kinds,
                masks,
                ends,
                text,
                activity_ids,
                activity_dates,
            },
            records: self.records,
        }
    }

    fn push(&mut self, kind: DocKind, target: Target, text: &str, context: Option<String>) {
        let display = display_safe(text);
        let folded = fold_for_search(&display);
        let doc = self.kinds.len() as u32;
        self.masks.push(mask_of(&folded));
        if folded != display.to_ascii_lowercase() {
            self.records.folded.insert(doc, folded.into_boxed_str());
        }
        self.text.push_str(&display);
        self.ends.push(self.text.len() as u32);
        self.kinds.push(kind as u8);
        if kind != DocKind::Activity {
            self.records.targets.push(target);
        }
        if let Some(c) = context {
            self.records
                .contexts
                .insert(doc, display_safe(&c).into_owned());
        }
    }
}
