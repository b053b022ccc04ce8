//! What importing a register would do: each row matched against the store, and every
//! problem found, before anything is written.
//!
//! A row names a region, a partner and a signing date. The region is found by name, official
//! name, short form or alias, with or without its prefix ("Provinsi", "Pemkot", "Kab.");
//! a province the store lacks comes from the table of Indonesia's provinces, a regency or
//! city from its prefix and its province. The partner is found by name or alias (in its
//! country, when the row names one), or is new. A row whose region, partner and signing date
//! an agreement already has is present: skipped when the register says nothing else, a
//! conflict when a value differs. Empty cells never erase what the store holds.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::countries::{self, Country, name_key};
use crate::domain::text::{display_safe, fold_for_search};
use crate::domain::validate::{self, Invalid};
use crate::domain::{
    Agreement, AgreementId, AgreementKind, Catalog, Partner, Region, RegionLevel, Renewal, Status,
};

use super::header::{Column, HeaderColumn};
use super::provinces::PROVINCES;
use super::sheet::{Cell, Row};
use super::values::{self, Why};
use super::{Problem, Register};

/// What the planner needs besides the register.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// Statuses left empty are judged as of this day.
    pub today: NaiveDate,
    /// Extra region names from the config (`[aliases]`), each naming a region id.
    pub aliases: &'a std::collections::BTreeMap<String, String>,
    /// The province of regencies and cities the store does not hold yet, when the register
    /// has no province column (`--province`).
    pub province: Option<&'a str>,
    /// The id the first new agreement gets.
    pub next_agreement: AgreementId,
}

/// A new agreement and the row it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub row: u32,
    /// "Jawa Tengah – Fujian".
    pub label: String,
    pub agreement: Agreement,
}

/// A row the store already holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Present {
    pub row: u32,
    pub agreement: AgreementId,
    /// "Jawa Tengah – Queensland".
    pub label: String,
    /// Set when the row is an earlier term of the agreement.
    pub note: Option<String>,
}

/// One value the register and the store disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The register's column, e.g. `F "Berlaku Sampai"`.
    pub column: String,
    pub store: String,
    pub register: String,
}

/// A row that matches an agreement but differs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub row: u32,
    pub label: String,
    /// The agreement's record version when the plan was made.
    pub version: u64,
    pub before: Agreement,
    /// The agreement with the register's values, as `--update` writes it.
    pub after: Agreement,
    pub differences: Vec<Difference>,
    /// What `--update` does beyond replacing values, e.g. "the stored term becomes an
    /// earlier term".
    pub note: Option<String>,
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub row: u32,
    pub why: String,
}

/// Everything an import of the register would do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub new_regions: Vec<Region>,
    pub new_partners: Vec<Partner>,
    pub new_agreements: Vec<Planned>,
    pub present: Vec<Present>,
    pub conflicts: Vec<Conflict>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    /// Rows below the header that hold anything.
    pub rows: usize,
    /// The province (id and name) new regencies and cities go in when neither the register
    /// nor `--province` says: the only province the register names.
    pub implied_province: Option<(String, String)>,
}

/// Region name prefixes, longest first, and the level each implies.
const REGION_PREFIXES: &[(&str, Option<RegionLevel>)] = &[
    ("pemerintah kabupaten", Some(RegionLevel::Regency)),
    ("pemerintah provinsi", Some(RegionLevel::Province)),
    ("kabupaten administrasi", Some(RegionLevel::Regency)),
    ("pemerintah daerah", None),
    ("kota administrasi", Some(RegionLevel::City)),
    ("pemerintah kota", Some(RegionLevel::City)),
    ("kabupaten", Some(RegionLevel::Regency)),
    ("provinsi", Some(RegionLevel::Province)),
    ("propinsi", Some(RegionLevel::Province)),
    ("pemprov", Some(RegionLevel::Province)),
    ("pemkab", Some(RegionLevel::Regency)),
    ("pemkot", Some(RegionLevel::City)),
    ("pemda", None),
    ("prov", Some(RegionLevel::Province)),
    ("kota", Some(RegionLevel::City)),
    ("kab", Some(RegionLevel::Regency)),
];

/// Splits "Pemerintah Provinsi Jawa Tengah" into the level its prefix says and the name.
/// "Kotabaru" keeps its name: a prefix ends at a space or a dot.
pub fn strip_region_prefix(text: &str) -> (Option<RegionLevel>, &str) {
    let trimmed = text.trim();
    for (prefix, level) in REGION_PREFIXES {
        // Compared byte for byte: a lower-cased copy can differ in length ("\u{212a}ota").
        let starts = trimmed
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix));
        let separator = |c: char| c.is_whitespace() || c == '.';
        if let Some(rest) = trimmed.get(prefix.len()..).filter(|_| starts)
            && rest.starts_with(separator)
        {
            let name = rest.trim_start_matches(separator);
            if !name.is_empty() {
                return (*level, name);
            }
        }
    }
    (None, trimmed)
}

/// Words around a foreign partner's name that registers add: "Provinsi Fujian", "Prefektur
/// Kyoto", "Fujian Province", "City of Seattle". Prefixes say what the partner is at home.
const PARTNER_PREFIXES: &[(&str, &str)] = &[
    ("pemerintah provinsi ", "province"),
    ("pemerintah kota ", "city"),
    ("negara bagian ", "state"),
    ("prefecture of ", "prefecture"),
    ("province of ", "province"),
    ("prefektur ", "prefecture"),
    ("provinsi ", "province"),
    ("state of ", "state"),
    ("city of ", "city"),
    ("distrik ", "district"),
    ("kota ", "city"),
    ("prov. ", "province"),
];

/// A new partner's name without the prefix a register put before it, and the level the
/// prefix names: "Prefektur Kyoto" is Kyoto, a prefecture.
fn partner_name_and_level(text: &str) -> (String, &'static str) {
    let trimmed = text.trim();
    for (prefix, level) in PARTNER_PREFIXES {
        if trimmed
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            && let Some(rest) = trimmed.get(prefix.len()..)
            && !rest.trim().is_empty()
        {
            return (tidy_name(rest), level);
        }
    }
    (tidy_name(trimmed), "")
}
const PARTNER_SUFFIXES: &[&str] = &[
    " metropolitan city",
    " special city",
    " municipality",
    " prefecture",
    " province",
    " county",
    " state",
    " city",
];

fn strip_partner_affixes(text: &str) -> String {
    let mut lower = text.trim().to_lowercase();
    for (p, _) in PARTNER_PREFIXES {
        if let Some(rest) = lower.strip_prefix(p) {
            lower = rest.to_string();
            break;
        }
    }
    for s in PARTNER_SUFFIXES {
        if let Some(rest) = lower.strip_suffix(s) {
            lower = rest.to_string();
            break;
        }
    }
    lower
}

/// A name as typed in capitals ("KOTA SEMARANG") in the case people write it; abbreviations
/// of up to three letters ("NSW", "DKI") stay as they are.
pub fn tidy_name(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().any(char::is_lowercase) {
        return text;
    }
    text.split(' ')
        .map(|word| {
            if word.chars().filter(|c| c.is_alphabetic()).count() <= 3 {
                return word.to_string();
            }
            let mut out = String::new();
            let mut start = true;
            for c in word.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = !c.is_alphanumeric();
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A slug id from a name: "São Paulo" is "sao-paulo".
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in fold_for_search(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(56).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Regions by every name that finds them, with the ones this plan adds.
struct Regions {
    by_key: HashMap<String, Vec<String>>,
    known: HashMap<String, (RegionLevel, Option<String>, String)>,
}

impl Regions {
    fn new(catalog: &Catalog, aliases: &std::collections::BTreeMap<String, String>) -> Regions {
        let mut regions = Regions {
            by_key: HashMap::new(),
            known: HashMap::new(),
        };
        for r in &catalog.regions {
            regions.add(r);
        }
        for (alias, id) in aliases {
            if regions.known.contains_key(id) {
                regions.key(alias, id);
            }
        }
        regions
    }

    fn key(&mut self, name: &str, id: &str) {
        let key = name_key(name);
        if key.is_empty() {
            return;
        }
        let ids = self.by_key.entry(key).or_default();
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    }

    fn add(&mut self, r: &Region) {
        self.known
            .insert(r.id.clone(), (r.level, r.province.clone(), r.name.clone()));
        for name in [r.name.as_str(), r.official_name.as_str(), r.id.as_str()]
            .into_iter()
            .chain(r.short_names.iter().map(String::as_str))
        {
            self.key(name, &r.id);
        }
        self.key(strip_region_prefix(&r.official_name).1, &r.id);
        if let Some(p) = PROVINCES.iter().find(|p| p.id == r.id) {
            for name in p.names() {
                self.key(name, &r.id);
            }
        }
    }

    fn level(&self, id: &str) -> Option<RegionLevel> {
        self.known.get(id).map(|k| k.0)
    }

    fn province_of(&self, id: &str) -> Option<&str> {
        self.known.get(id).and_then(|k| k.1.as_deref())
    }

    fn name(&self, id: &str) -> String {
        self.known
            .get(id)
            .map(|k| k.2.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

/// Partners by every name that finds them.
struct Partners {
    all: Vec<Partner>,
    exact: HashMap<String, Vec<usize>>,
    loose: HashMap<String, Vec<usize>>,
}

impl Partners {
    fn new(catalog: &Catalog) -> Partners {
        let mut partners = Partners {
            all: Vec::new(),
            exact: HashMap::new(),
            loose: HashMap::new(),
        };
        for p in &catalog.partners {
            partners.add(p.clone());
        }
        partners
    }

    fn add(&mut self, p: Partner) -> usize {
        let i = self.all.len();
        for name in [p.name.as_str(), p.id.as_str()]
            .into_iter()
            .chain(p.aliases.iter().map(String::as_str))
        {
            for (map, key) in [
                (&mut self.exact, name_key(name)),
                (&mut self.loose, name_key(&strip_partner_affixes(name))),
            ] {
                if !key.is_empty() {
                    let list = map.entry(key).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
        }
        self.all.push(p);
        i
    }

    /// Partners a name finds: exact names first; names without "Provinsi", "Province"...
    /// when no exact one does.
    fn find(&self, text: &str) -> Vec<usize> {
        let exact = self.exact.get(&name_key(text)).cloned().unwrap_or_default();
        if !exact.is_empty() {
            return exact;
        }
        let loose_key = name_key(&strip_partner_affixes(text));
        let mut found = self.loose.get(&loose_key).cloned().unwrap_or_default();
        found.extend(
            self.exact
                .get(&loose_key)
                .into_iter()
                .flatten()
                .filter(|i| !found.contains(i))
                .copied()
                .collect::<Vec<_>>(),
        );
        found
    }

    fn unique_id(&self, name: &str, country: &Country) -> String {
        let base = match slug(name) {
            s if s.is_empty() => format!("partner-{}", country.code.to_lowercase()),
            s => s,
        };
        let taken = |id: &str| self.all.iter().any(|p| p.id == id);
        if !taken(&base) {
            return base;
        }
        let with_country = format!("{base}-{}", country.code.to_lowercase());
        if !taken(&with_country) {
            return with_country;
        }
        (2..)
            .map(|n| format!("{with_country}-{n}"))
            .find(|id| !taken(id))
            .unwrap_or(with_country)
    }
}

/// The values a row gives; `None` where its cell is empty (or its column missing).
#[derive(Default)]
struct Given {
    kind: Option<AgreementKind>,
    status: Option<Status>,
    stage: Option<String>,
    signed: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    fields: Option<Vec<String>>,
    notes: Option<String>,
    obstacles: Option<Vec<String>>,
}

struct Planner<'a> {
    register: &'a Register,
    ctx: &'a Context<'a>,
    regions: Regions,
    partners: Partners,
    catalog_partners: usize,
    by_pair: HashMap<(String, String), Vec<&'a Agreement>>,
    seen: HashMap<(String, String, Option<NaiveDate>), u32>,
    /// `--province`, found.
    province: Option<String>,
    plan: Plan,
}

impl<'a> Planner<'a> {
    fn new(register: &'a Register, ctx: &'a Context<'a>) -> Planner<'a> {
        let mut by_pair: HashMap<(String, String), Vec<&Agreement>> = HashMap::new();
        for a in &ctx.catalog.agreements {
            by_pair
                .entry((a.region.clone(), a.partner.clone()))
                .or_default()
                .push(a);
        }
        let partners = Partners::new(ctx.catalog);
        Planner {
            register,
            ctx,
            regions: Regions::new(ctx.catalog, ctx.aliases),
            catalog_partners: partners.all.len(),
            partners,
            by_pair,
            seen: HashMap::new(),
            province: None,
            plan: Plan::default(),
        }
    }

    /// The one province a register's region column names, if it names exactly one (a
    /// province bureau's register lists the province and its own regencies and cities).
    fn implied_province(&self) -> Option<String> {
        let header = &self.register.header;
        if header.has(Column::Province) {
            return None;
        }
        let column = header
            .find(Column::Region)
            .or_else(|| header.find(Column::Locality))?;
        let mut found: Option<String> = None;
        let start = header.data_start.min(self.register.grid.rows.len());
        for row in &self.register.grid.rows[start..] {
            let Ok(Some(text)) = values::text_of(row.cell(column.index)) else {
                continue;
            };
            let (hint, name) = strip_region_prefix(&text);
            if hint.is_some_and(|h| h != RegionLevel::Province) {
                continue;
            }
            let keys = [name_key(name), name_key(&text)];
            let stored = keys.iter().find_map(|k| {
                self.regions
                    .by_key
                    .get(k)?
                    .iter()
                    .find(|id| self.regions.level(id) == Some(RegionLevel::Province))
            });
            let id = match stored {
                Some(id) => id.clone(),
                None => match PROVINCES
                    .iter()
                    .find(|p| p.names().any(|n| keys.contains(&name_key(n))))
                {
                    Some(p) => p.id.to_string(),
                    None => continue,
                },
            };
            match &found {
                Some(other) if *other != id => return None,
                _ => found = Some(id),
            }
        }
        found
    }

    /// Finds `--province`; a province the store lacks is added if a new regency or city
    /// needs it. Without `--province`, the one province the register names, if any.
    fn resolve_province(&mut self) {
        let Some(text) = self.ctx.province else {
            self.province = self.implied_province();
            self.plan.implied_province = self.province.as_ref().map(|id| {
                let name = PROVINCES
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.name.to_string())
                    .unwrap_or_else(|| self.regions.name(id));
                (id.clone(), name)
            });
            return;
        };
        match self.find_region(text, Some(RegionLevel::Province), None) {
            Ok(id) => self.province = Some(id),
            Err(why) => self.plan.problems.push(Problem {
                file: "--province".into(),
                sheet: None,
                row: None,
                column: None,
                value: display_safe(text).into_owned(),
                why: why.why,
                fix: why.fix,
            }),
        }
    }

    fn problem(&mut self, row: Option<u32>, column: Option<&HeaderColumn>, value: &str, why: Why) {
        self.plan.problems.push(Problem {
            file: self.register.file.clone(),
            sheet: self.register.sheet.clone(),
            row,
            column: column.map(HeaderColumn::label),
            value: display_safe(value).into_owned(),
            why: why.why,
            fix: why.fix,
        });
    }

    fn cell(&self, row: &'a Row, column: Column) -> Option<(&'a HeaderColumn, &'a Cell)> {
        self.register
            .header
            .find(column)
            .map(|h| (h, row.cell(h.index)))
    }

    /// Text of a column's cell, `None` when it has no value.
    fn text(&mut self, row: &'a Row, column: Column) -> Option<(&'a HeaderColumn, String)> {
        let (h, cell) = self.cell(row, column)?;
        match values::text_of(cell) {
            Ok(Some(t)) => Some((h, t)),
            Ok(None) => None,
            Err(why) => {
                self.problem(Some(row.number), Some(h), "", why);
                None
            }
        }
    }

    fn row(&mut self, row: &'a Row) {
        let register: &'a Register = self.register;
        let header = &register.header;
        let read: Vec<&HeaderColumn> = header
            .columns
            .iter()
            .filter(|c| !matches!(c.column, Column::Number | Column::Ignore))
            .collect();
        let filled: Vec<&HeaderColumn> = read
            .iter()
            .copied()
            .filter(|c| !values::is_none(row.cell(c.index)))
            .collect();
        if filled.is_empty() {
            return;
        }
        self.plan.rows += 1;
        let n = row.number;
        let region_text = self
            .text(row, Column::Region)
            .or_else(|| self.text(row, Column::Locality))
            .or_else(|| self.text(row, Column::Province));
        let partner_text = self.text(row, Column::Partner);
        match (&region_text, &partner_text) {
            (None, None) => {
                self.plan.skipped.push(Skipped {
                    row: n,
                    why: "no region and no partner (a total or a note?)".into(),
                });
                return;
            }
            (Some((_, title)), None) if filled.len() == 1 => {
                self.plan.skipped.push(Skipped {
                    row: n,
                    why: format!(
                        "only {:?} is filled in (a section title?)",
                        display_safe(title)
                    ),
                });
                return;
            }
            _ => {}
        }
        let before = self.plan.problems.len();

        // The province: its own column, else --province.
        let province = match self.text(row, Column::Province) {
            Some((h, text)) => match self.find_region(&text, Some(RegionLevel::Province), None) {
                Ok(id) => Some(id),
                Err(why) => {
                    self.problem(Some(n), Some(h), &text, why);
                    None
                }
            },
            None => self.province.clone(),
        };
        let region = match (&region_text, header.find(Column::Region)) {
            (None, _) => {
                let h = header
                    .find(Column::Region)
                    .or_else(|| header.find(Column::Province));
                self.problem(
                    Some(n),
                    h,
                    "",
                    Why::new(
                        "the region is empty",
                        "fill in the Indonesian region (cells merged in Excel keep their \
                         value only in the first row when saved as CSV)",
                    ),
                );
                None
            }
            (Some((h, text)), _) => {
                let wanted = if h.column == Column::Province {
                    Some(RegionLevel::Province)
                } else {
                    None
                };
                match self.find_region(text, wanted, province.as_deref()) {
                    Ok(id) => Some((*h, id)),
                    Err(why) => {
                        self.problem(Some(n), Some(h), text, why);
                        None
                    }
                }
            }
        };
        let actual = region
            .as_ref()
            .and_then(|(_, id)| match self.regions.level(id) {
                Some(RegionLevel::Province) => Some(id.clone()),
                _ => self.regions.province_of(id).map(str::to_string),
            });
        let row_province = province.as_ref().filter(|_| header.has(Column::Province));
        if let (Some((h, id)), Some(p), Some(actual)) = (&region, row_province, &actual)
            && actual != p
        {
            let (region_name, actual_name, row_name) = (
                self.regions.name(id),
                self.regions.name(actual),
                self.regions.name(p),
            );
            self.problem(
                Some(n),
                Some(h),
                &region_name,
                Why::new(
                    format!(
                        "{region_name} is in {actual_name}, but this row's province is {row_name}"
                    ),
                    "correct the province or the region",
                ),
            );
        }

        let country = match self.text(row, Column::Country) {
            Some((h, text)) => match countries::find(&text) {
                Some(c) => Some(c),
                None => {
                    self.problem(
                        Some(n),
                        Some(h),
                        &text,
                        Why::new(
                            format!("{:?} is not a country kembar knows", display_safe(&text)),
                            "write the country's name in Indonesian or English, e.g. \"Jepang\" \
                             or \"Japan\", \"Tiongkok\" or \"China\"",
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let country_given = self.text(row, Column::Country).is_some();

        let partner = match &partner_text {
            None => {
                self.problem(
                    Some(n),
                    header.find(Column::Partner),
                    "",
                    Why::new(
                        "the partner is empty",
                        "fill in the foreign partner (a province, state, prefecture or city)",
                    ),
                );
                None
            }
            Some((h, text)) => self.find_partner(n, h, text, country, country_given),
        };

        let given = self.given(row);
        if self.plan.problems.len() > before {
            return;
        }
        let (Some((_, region)), Some(partner)) = (region, partner) else {
            return;
        };
        self.settle(row, region, partner, given);
    }

    /// Finds a region, or adds a province from the table, or a regency or city named with
    /// its prefix whose province is known.
    fn find_region(
        &mut self,
        text: &str,
        wanted: Option<RegionLevel>,
        province: Option<&str>,
    ) -> Result<String, Why> {
        let (hint, name) = strip_region_prefix(text);
        let level = hint.or(wanted);
        if wanted == Some(RegionLevel::Province) && hint.is_some_and(|h| h != RegionLevel::Province)
        {
            return Err(Why::new(
                format!("{:?} is not a province", display_safe(text)),
                "write the province's name, e.g. \"Jawa Tengah\"",
            ));
        }
        let mut found: Vec<String> = Vec::new();
        for key in [name_key(name), name_key(text)] {
            for id in self.regions.by_key.get(&key).into_iter().flatten() {
                if !found.contains(id) {
                    found.push(id.clone());
                }
            }
        }
        found.retain(|id| level.is_none_or(|l| self.regions.level(id) == Some(l)));
        if found.len() > 1
            && let Some(p) = province
        {
            let in_province: Vec<String> = found
                .iter()
                .filter(|id| *id == p || self.regions.province_of(id) == Some(p))
                .cloned()
                .collect();
            if !in_province.is_empty() {
                found = in_province;
            }
        }
        match found.len() {
            1 => return Ok(found.remove(0)),
            0 => {}
            _ => {
                let names: Vec<String> = found
                    .iter()
                    .map(|id| {
                        let r = self.ctx.catalog.region(id);
                        r.map(|r| r.official_name.clone())
                            .unwrap_or_else(|| self.regions.name(id))
                    })
                    .collect();
                return Err(Why::new(
                    format!("{:?} could be {}", display_safe(text), names.join(" or ")),
                    "write \"Provinsi\", \"Kota\" or \"Kabupaten\" in front of the name to say \
                     which",
                ));
            }
        }
        match level {
            None | Some(RegionLevel::Province) => {
                let key = name_key(name);
                let whole = name_key(text);
                if let Some(p) = PROVINCES.iter().find(|p| {
                    p.names()
                        .any(|n| name_key(n) == key || name_key(n) == whole)
                }) {
                    let region = p.region();
                    self.regions.add(&region);
                    self.plan.new_regions.push(region);
                    return Ok(p.id.to_string());
                }
                Err(match level {
                    Some(_) => Why::new(
                        format!("{:?} is not a province of Indonesia", display_safe(text)),
                        "write the province's name, e.g. \"Jawa Tengah\", \"DI Yogyakarta\" or \
                         \"Jateng\"",
                    ),
                    None => Why::new(
                        format!("{:?} is not a region in the store", display_safe(text)),
                        "write the region as the store names it (e.g. \"Jawa Tengah\", \"Kota \
                         Semarang\"); a regency or city the store does not hold yet needs \
                         \"Kota\" or \"Kabupaten\" in front of its name",
                    ),
                })
            }
            Some(level) => {
                let Some(province) = province else {
                    return Err(Why::new(
                        format!(
                            "{:?} is not in the store yet, and kembar needs its province to add \
                             it",
                            display_safe(text)
                        ),
                        "add a \"Provinsi\" column to the register, or give the province with \
                         --province NAME",
                    ));
                };
                let name = tidy_name(name);
                let (prefix, word) = match level {
                    RegionLevel::City => ("kota", "Kota"),
                    _ => ("kabupaten", "Kabupaten"),
                };
                let base = format!("{prefix}-{}", slug(&name));
                let id = if self.regions.known.contains_key(&base) {
                    (2..)
                        .map(|n| format!("{base}-{n}"))
                        .find(|id| !self.regions.known.contains_key(id))
                        .unwrap_or(base)
                } else {
                    base
                };
                let region = Region {
                    coordinates: None,
                    id: id.clone(),
                    official_name: format!("{word} {name}"),
                    name,
                    level,
                    province: Some(province.to_string()),
                    short_names: Vec::new(),
                };
                let mut problems = Vec::new();
                validate::check_region(&region, &mut problems);
                if let Some(p) = problems.first() {
                    return Err(Why::new(
                        format!("{:?}: {} {}", display_safe(text), p.field, p.problem),
                        p.fix.clone(),
                    ));
                }
                self.regions.add(&region);
                self.plan.new_regions.push(region);
                Ok(id)
            }
        }
    }

    fn find_partner(
        &mut self,
        n: u32,
        h: &'a HeaderColumn,
        text: &str,
        country: Option<&'static Country>,
        country_given: bool,
    ) -> Option<String> {
        let mut found = self.partners.find(text);
        if let Some(country) = country {
            let elsewhere: Vec<usize> = found.clone();
            found.retain(|&i| countries::same(&self.partners.all[i].country, country.en));
            if found.is_empty() && !elsewhere.is_empty() {
                let p = &self.partners.all[elsewhere[0]];
                let (name, stored) = (p.name.clone(), p.country.clone());
                let column = self.register.header.find(Column::Country);
                self.problem(
                    Some(n),
                    column,
                    country.en,
                    Why::new(
                        format!(
                            "{} is in {stored} in the store, but this row says {}",
                            display_safe(&name),
                            country.en
                        ),
                        "correct the country; if this is another partner of the same name, \
                         give it a name of its own (e.g. \"Perth, Scotland\")",
                    ),
                );
                return None;
            }
        }
        match found.len() {
            1 => return Some(self.partners.all[found[0]].id.clone()),
            0 => {}
            _ => {
                let names: Vec<String> = found
                    .iter()
                    .map(|&i| {
                        let p = &self.partners.all[i];
                        format!("{} ({}, id {})", p.name, p.country, p.id)
                    })
                    .collect();
                self.problem(
                    Some(n),
                    Some(h),
                    text,
                    Why::new(
                        format!("{:?} could be {}", display_safe(text), names.join(" or ")),
                        "fill in the country, or write the partner's name as kembar holds it",
                    ),
                );
                return None;
            }
        }
        let Some(country) = country else {
            if !country_given {
                let (column, fix) = match self.register.header.find(Column::Country) {
                    Some(c) => (
                        Some(c),
                        "fill in the partner's country, e.g. \"Jepang\" or \"Japan\"",
                    ),
                    None => (
                        Some(h),
                        "add a \"Negara\" column with each partner's country, or write the \
                         partner's name as kembar holds it",
                    ),
                };
                self.problem(
                    Some(n),
                    column,
                    "",
                    Why::new(
                        format!(
                            "{:?} is a new partner, and a new partner needs its country",
                            display_safe(text)
                        ),
                        fix,
                    ),
                );
            }
            return None;
        };
        let (name, level) = partner_name_and_level(text);
        let partner = Partner {
            id: self.partners.unique_id(&name, country),
            name,
            country: country.en.to_string(),
            level: level.to_string(),
            aliases: Vec::new(),
            coordinates: None,
        };
        let mut problems = Vec::new();
        validate::check_partner(&partner, &mut problems);
        if let Some(p) = problems.first() {
            self.problem(
                Some(n),
                Some(h),
                text,
                Why::new(
                    format!("the partner's {} {}", p.field, p.problem),
                    p.fix.clone(),
                ),
            );
            return None;
        }
        let id = partner.id.clone();
        self.partners.add(partner);
        Some(id)
    }

    /// The values of a row's other columns; problems for those that cannot be read.
    fn given(&mut self, row: &'a Row) -> Given {
        let n = row.number;
        let mut given = Given::default();
        macro_rules! parse {
            ($column:expr, $parse:expr) => {
                match self.cell(row, $column) {
                    Some((h, cell)) => match $parse(cell) {
                        Ok(v) => v,
                        Err(why) => {
                            let shown = values::text_of(cell).ok().flatten().unwrap_or_default();
                            self.problem(Some(n), Some(h), &shown, why);
                            None
                        }
                    },
                    None => None,
                }
            };
        }
        given.kind = parse!(Column::Kind, values::kind);
        given.status = parse!(Column::Status, values::status);
        given.signed = parse!(Column::Signed, values::date);
        let signed = given.signed;
        given.expires = parse!(Column::Expires, |c| values::expiry(c, signed));
        if let (Some(s), Some(e), Some((h, cell))) =
            (given.signed, given.expires, self.cell(row, Column::Expires))
            && e <= s
        {
            let shown = values::text_of(cell).ok().flatten().unwrap_or_default();
            self.problem(
                Some(n),
                Some(h),
                &shown,
                Why::new(
                    format!("the expiry {e} is not after the signing date {s}"),
                    "check both dates (an MoU term usually runs 5 years), or leave the expiry \
                     empty",
                ),
            );
            given.expires = None;
        }
        if let Some((h, text)) = self.text(row, Column::Stage) {
            let key = name_key(&text);
            match self.ctx.catalog.stages.iter().find(|s| {
                name_key(&s.id) == key
                    || name_key(&s.label_id) == key
                    || name_key(&s.label_en) == key
            }) {
                Some(s) => given.stage = Some(s.id.clone()),
                None => {
                    let names: Vec<&str> = self
                        .ctx
                        .catalog
                        .stages
                        .iter()
                        .map(|s| s.label_id.as_str())
                        .collect();
                    self.problem(
                        Some(n),
                        Some(h),
                        &text,
                        Why::new(
                            format!("{:?} is not a stage", display_safe(&text)),
                            format!("write one of: {}", names.join(", ")),
                        ),
                    );
                }
            }
        }
        let mut fields: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for h in self.register.header.columns.iter() {
            let target = match h.column {
                Column::Fields => &mut fields,
                Column::Notes => &mut notes,
                _ => continue,
            };
            match values::text_of(row.cell(h.index)) {
                Ok(Some(t)) if h.column == Column::Fields => {
                    for item in values::list(&t) {
                        if !target.iter().any(|f| name_key(f) == name_key(&item)) {
                            target.push(item);
                        }
                    }
                }
                Ok(Some(t)) => target.push(t),
                Ok(None) => {}
                Err(why) => self.plan.problems.push(Problem {
                    file: self.register.file.clone(),
                    sheet: self.register.sheet.clone(),
                    row: Some(n),
                    column: Some(h.label()),
                    value: String::new(),
                    why: why.why,
                    fix: why.fix,
                }),
            }
        }
        given.fields = (!fields.is_empty()).then_some(fields);
        given.notes = (!notes.is_empty()).then(|| notes.join("\n"));
        if let Some((h, text)) = self.text(row, Column::Obstacles) {
            let mut tags = Vec::new();
            for item in values::list(&text) {
                let key = name_key(&item);
                match self.ctx.catalog.tags.iter().find(|t| {
                    name_key(&t.id) == key
                        || name_key(&t.label_id) == key
                        || name_key(&t.label_en) == key
                }) {
                    Some(t) if !tags.contains(&t.id) => tags.push(t.id.clone()),
                    Some(_) => {}
                    None => self.problem(
                        Some(n),
                        Some(h),
                        &item,
                        Why::new(
                            format!("{:?} is not an obstacle tag", display_safe(&item)),
                            format!(
                                "write one of: {}",
                                self.ctx
                                    .catalog
                                    .tags
                                    .iter()
                                    .map(|t| t.label_id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                    ),
                }
            }
            given.obstacles = Some(tags);
        }
        given
    }

    fn column_label(&self, column: Column) -> String {
        self.register
            .header
            .find(column)
            .map(HeaderColumn::label)
            .unwrap_or_else(|| column.describe().to_string())
    }

    /// Decides what a readable row does: a new agreement, nothing, or a conflict.
    fn settle(&mut self, row: &'a Row, region: String, partner: String, given: Given) {
        let n = row.number;
        let key = (region.clone(), partner.clone(), given.signed);
        if let Some(first) = self.seen.get(&key) {
            let first = *first;
            self.problem(
                Some(n),
                self.register.header.find(Column::Partner),
                &self.partners_name(&partner),
                Why::new(
                    format!("repeats row {first}: the same region, partner and signing date"),
                    "delete one of the two rows, or correct the signing date",
                ),
            );
            return;
        }
        self.seen.insert(key, n);
        let label = format!(
            "{} – {}",
            self.regions.name(&region),
            self.partners_name(&partner)
        );
        let stored: Vec<&Agreement> = self
            .by_pair
            .get(&(region.clone(), partner.clone()))
            .cloned()
            .unwrap_or_default();
        let same = stored.iter().find(|a| a.signed == given.signed).copied();
        let earlier = given.signed.and_then(|s| {
            stored
                .iter()
                .find(|a| a.renewals.iter().any(|r| r.signed == Some(s)))
                .copied()
        });
        // Without a match by date: the pair's latest agreement still open.
        let latest = stored
            .iter()
            .filter(|a| a.status_on(self.ctx.today) != Status::Terminated)
            .max_by_key(|a| (a.signed, a.id))
            .copied();
        let (target, relation) = match (same, earlier, latest) {
            (Some(a), ..) => (a, Relation::Same),
            (None, Some(a), _) => {
                self.plan.present.push(Present {
                    row: n,
                    agreement: a.id,
                    label,
                    note: Some(format!("an earlier term of agreement {}", a.id)),
                });
                return;
            }
            (None, None, Some(a)) => match (given.signed, a.signed) {
                (None, Some(_)) => (a, Relation::Same),
                (Some(_), None) => (a, Relation::Signs),
                (Some(row_date), Some(stored_date)) if row_date > stored_date => {
                    (a, Relation::Renews)
                }
                (Some(_), Some(_)) => (a, Relation::Older),
                (None, None) => (a, Relation::Same),
            },
            (None, None, None) => {
                self.add_new(n, region, partner, given);
                return;
            }
        };
        self.compare(n, label, target, relation, &given);
    }

    fn partners_name(&self, id: &str) -> String {
        self.partners
            .all
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    fn add_new(&mut self, n: u32, region: String, partner: String, given: Given) {
        let stages = &self.ctx.catalog.stages;
        let stage = given.stage.clone().unwrap_or_else(|| {
            let pick = if given.signed.is_some() {
                stages
                    .iter()
                    .find(|s| s.id == "pelaksanaan")
                    .or_else(|| stages.last())
            } else {
                stages.first()
            };
            pick.map(|s| s.id.clone()).unwrap_or_default()
        });
        let id = self.ctx.next_agreement + self.plan.new_agreements.len() as u64;
        let mut a = Agreement::new(id, &region, &partner, &stage);
        a.kind = given.kind.unwrap_or(match self.regions.level(&region) {
            Some(RegionLevel::Province) => AgreementKind::SisterProvince,
            _ => AgreementKind::SisterCity,
        });
        a.signed = given.signed;
        a.expires = given.expires;
        // The register tells how things stand today; what its dates give is not recorded
        // again, and the rest counts from the signing (or from today, unsigned).
        let today = self.ctx.today;
        let since = given.signed.filter(|s| *s <= today).unwrap_or(today);
        if let Some(status) = given.status {
            crate::domain::edits::adopt_status(&mut a, status, since, today);
        }
        a.fields = given.fields.unwrap_or_default();
        a.notes = given.notes.unwrap_or_default();
        crate::domain::edits::set_tags(&mut a, &given.obstacles.unwrap_or_default(), since);
        if self.valid(n, &a) {
            let label = format!(
                "{} – {}",
                self.regions.name(&a.region),
                self.partners_name(&a.partner)
            );
            self.plan.new_agreements.push(Planned {
                row: n,
                label,
                agreement: a,
            });
        }
    }

    /// Runs the store's own checks on a record the import would write, so that nothing the
    /// store would refuse gets past the plan; problems name the row's columns.
    fn valid(&mut self, n: u32, a: &Agreement) -> bool {
        let mut problems: Vec<Invalid> = Vec::new();
        validate::check_agreement(a, &mut problems);
        for p in &problems {
            let column = match p.field.split(['.', '[']).next().unwrap_or("") {
                "signed" => Some(Column::Signed),
                "expires" => Some(Column::Expires),
                "fields" => Some(Column::Fields),
                "notes" => Some(Column::Notes),
                "stage" => Some(Column::Stage),
                "obstacles" => Some(Column::Obstacles),
                "region" => Some(Column::Region),
                "partner" => Some(Column::Partner),
                _ => None,
            };
            let h = column.and_then(|c| self.register.header.find(c));
            self.problem(
                Some(n),
                h,
                "",
                Why::new(format!("{} {}", p.field, p.problem), p.fix.clone()),
            );
        }
        problems.is_empty()
    }

    fn compare(
        &mut self,
        n: u32,
        label: String,
        target: &Agreement,
        relation: Relation,
        given: &Given,
    ) {
        let mut after = target.clone();
        let mut differences = Vec::new();
        let date = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
        let mut note = None;
        match relation {
            Relation::Same => {}
            Relation::Signs => {
                differences.push(Difference {
                    column: self.column_label(Column::Signed),
                    store: "not signed".into(),
                    register: date(given.signed),
                });
                after.signed = given.signed;
            }
            Relation::Renews => {
                differences.push(Difference {
                    column: self.column_label(Column::Signed),
                    store: date(target.signed),
                    register: date(given.signed),
                });
                after.renewals.push(Renewal {
                    signed: target.signed,
                    expires: target.expires,
                    note: String::new(),
                });
                after.signed = given.signed;
                after.expires = given.expires;
                note = Some(format!(
                    "--update records a renewal: the term signed {} becomes an earlier term",
                    date(target.signed)
                ));
            }
            Relation::Older => {
                differences.push(Difference {
                    column: self.column_label(Column::Signed),
                    store: date(target.signed),
                    register: date(given.signed),
                });
                after.renewals.push(Renewal {
                    signed: given.signed,
                    expires: given.expires,
                    note: String::new(),
                });
                after.renewals.sort_by_key(|r| r.signed);
                note = Some(format!(
                    "--update records the register's term as an earlier term of agreement {}",
                    target.id
                ));
            }
        }
        if matches!(
            relation,
            Relation::Same | Relation::Signs | Relation::Renews
        ) {
            self.overlay(&mut after, target, given, relation, &mut differences);
        }
        if differences.is_empty() {
            self.plan.present.push(Present {
                row: n,
                agreement: target.id,
                label,
                note: None,
            });
            return;
        }
        if !self.valid(n, &after) {
            return;
        }
        self.plan.conflicts.push(Conflict {
            row: n,
            label: format!("{label} (agreement {})", target.id),
            version: self.ctx.catalog.version(target.id),
            before: target.clone(),
            after,
            differences,
            note,
        });
    }

    /// Puts the row's values over the stored agreement and lists what changes.
    fn overlay(
        &self,
        after: &mut Agreement,
        target: &Agreement,
        given: &Given,
        relation: Relation,
        differences: &mut Vec<Difference>,
    ) {
        let mut differ = |column: Column, store: String, register: String| {
            differences.push(Difference {
                column: self.column_label(column),
                store,
                register,
            });
        };
        if let Some(k) = given.kind
            && k != target.kind
        {
            differ(
                Column::Kind,
                crate::store::interchange::enum_name(&target.kind),
                crate::store::interchange::enum_name(&k),
            );
            after.kind = k;
        }
        let today = self.ctx.today;
        if let Some(s) = given.status
            && s != target.status_on(today)
        {
            differ(
                Column::Status,
                crate::store::interchange::enum_name(&target.status_on(today)),
                crate::store::interchange::enum_name(&s),
            );
            crate::domain::edits::set_status(after, s, today);
        }
        if let Some(stage) = &given.stage
            && *stage != target.stage
        {
            differ(Column::Stage, target.stage.clone(), stage.clone());
            after.stage = stage.clone();
        }
        // A renewal sets the new term's expiry above.
        if relation != Relation::Renews
            && let Some(e) = given.expires
            && Some(e) != target.expires
        {
            differ(
                Column::Expires,
                target.expires.map_or_else(|| "—".into(), |d| d.to_string()),
                e.to_string(),
            );
            after.expires = Some(e);
        }
        let folded =
            |list: &[String]| -> BTreeSet<String> { list.iter().map(|f| name_key(f)).collect() };
        if let Some(fields) = &given.fields
            && folded(fields) != folded(&target.fields)
        {
            differ(Column::Fields, target.fields.join(", "), fields.join(", "));
            after.fields = fields.clone();
        }
        if let Some(notes) = &given.notes
            && notes.trim() != target.notes.trim()
        {
            differ(Column::Notes, clip(&target.notes), clip(notes));
            after.notes = notes.clone();
        }
        if let Some(tags) = &given.obstacles {
            let a: HashSet<&str> = tags.iter().map(String::as_str).collect();
            let b: HashSet<&str> = target.tags_on(today).collect();
            if a != b {
                differ(
                    Column::Obstacles,
                    target.tags_on(today).collect::<Vec<_>>().join(", "),
                    tags.join(", "),
                );
                crate::domain::edits::set_tags(after, tags, today);
            }
        }
    }
}

fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    display_safe(&out).into_owned()
}

/// How a row's signing date relates to the agreement it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// The same term (or the row gives no date).
    Same,
    /// The store's agreement is unsigned; the row signs it.
    Signs,
    /// The row's term is newer: a renewal.
    Renews,
    /// The row's term is older than the stored one, and not recorded.
    Older,
}

impl Plan {
    /// Whether the plan can be written: no problem anywhere.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Plans the import of a register: every row matched against the store, every problem
/// listed.
pub fn plan(register: &Register, ctx: &Context<'_>) -> Plan {
    let mut planner = Planner::new(register, ctx);
    planner.resolve_province();
    let header = &register.header;
    for (first, again) in header.repeated.clone() {
        planner.problem(
            Some(header.rows.1),
            Some(&again),
            &again.name,
            Why::new(
                format!(
                    "names {} again, as column {} does",
                    first.column.describe(),
                    first.label()
                ),
                "rename one of the two columns, or map one to \"ignore\" in a --mapping file",
            ),
        );
    }
    let start = header.data_start.min(register.grid.rows.len());
    for row in &register.grid.rows[start..] {
        planner.row(row);
    }
    let new_partners = planner.partners.all.split_off(planner.catalog_partners);
    // Only partners some planned agreement uses: a row with a problem elsewhere may have
    // named one.
    let used: HashSet<&str> = planner
        .plan
        .new_agreements
        .iter()
        .map(|p| p.agreement.partner.as_str())
        .collect();
    let new_partners = new_partners
        .into_iter()
        .filter(|p| used.contains(p.id.as_str()))
        .collect();
    let used_regions: HashSet<String> = planner
        .plan
        .new_agreements
        .iter()
        .map(|p| p.agreement.region.clone())
        .collect();
    let mut plan = planner.plan;
    plan.new_partners = new_partners;
    // Provinces added as parents of new regencies and cities stay; other unused ones go.
    let parents: HashSet<String> = plan
        .new_regions
        .iter()
        .filter(|r| used_regions.contains(&r.id))
        .filter_map(|r| r.province.clone())
        .collect();
    plan.new_regions
        .retain(|r| used_regions.contains(&r.id) || parents.contains(&r.id));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_say_the_level_and_leave_the_name() {
        for (written, level, name) in [
            (
                "Pemerintah Provinsi Jawa Tengah",
                Some(RegionLevel::Province),
                "Jawa Tengah",
            ),
            ("Pemprov Jateng", Some(RegionLevel::Province), "Jateng"),
            (
                "Prov. Jawa Timur",
                Some(RegionLevel::Province),
                "Jawa Timur",
            ),
            ("PROVINSI BALI", Some(RegionLevel::Province), "BALI"),
            ("Kota Semarang", Some(RegionLevel::City), "Semarang"),
            ("Pemkot Surabaya", Some(RegionLevel::City), "Surabaya"),
            ("Kab.Semarang", Some(RegionLevel::Regency), "Semarang"),
            ("Kabupaten Badung", Some(RegionLevel::Regency), "Badung"),
            (
                "Pemkab Banyuwangi",
                Some(RegionLevel::Regency),
                "Banyuwangi",
            ),
            ("Pemda DIY", None, "DIY"),
            ("Kotabaru", None, "Kotabaru"),
            ("Kota", None, "Kota"),
            ("\u{212a}ota Semarang", None, "\u{212a}ota Semarang"),
            ("İstanbul", None, "İstanbul"),
        ] {
            assert_eq!(strip_region_prefix(written), (level, name), "{written}");
        }
    }

    #[test]
    fn new_names_and_ids_read_as_people_write_them() {
        assert_eq!(tidy_name("KOTA  SEMARANG"), "Kota Semarang");
        assert_eq!(tidy_name("NSW"), "NSW");
        assert_eq!(tidy_name("Siem Reap"), "Siem Reap");
        assert_eq!(slug("São Paulo"), "sao-paulo");
        assert_eq!(slug("Baden-Württemberg"), "baden-wurttemberg");
        assert_eq!(slug("福建省"), "");
        assert_eq!(
            partner_name_and_level("Prefektur Kyoto"),
            ("Kyoto".to_string(), "prefecture")
        );
        assert_eq!(
            partner_name_and_level("NEGARA BAGIAN QUEENSLAND"),
            ("Queensland".to_string(), "state")
        );
        assert_eq!(partner_name_and_level("Kota"), ("Kota".to_string(), ""));
    }
}
