//! Deterministic synthetic data for benchmarks and load tests (`kembar gen`).
//!
//! The same seed always gives the same dataset: ChaCha is a documented, portable generator,
//! so figures measured on one machine can be reproduced on another. Names are built from
//! Indonesian and foreign syllables so that search behaves as it would on real names.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::builtin::{BUILTIN_TAG_IDS, default_stages};
use crate::domain::edits::adopt_status;
use crate::domain::*;

/// The 38 provinces of Indonesia: (id, name, short form).
const PROVINCES: [(&str, &str, &str); 38] = [
    ("aceh", "Aceh", "NAD"),
    ("sumatera-utara", "Sumatera Utara", "Sumut"),
    ("sumatera-barat", "Sumatera Barat", "Sumbar"),
    ("riau", "Riau", "Riau"),
    ("kepulauan-riau", "Kepulauan Riau", "Kepri"),
    ("jambi", "Jambi", "Jambi"),
    ("sumatera-selatan", "Sumatera Selatan", "Sumsel"),
    (
        "kepulauan-bangka-belitung",
        "Kepulauan Bangka Belitung",
        "Babel",
    ),
    ("bengkulu", "Bengkulu", "Bengkulu"),
    ("lampung", "Lampung", "Lampung"),
    ("dki-jakarta", "DKI Jakarta", "DKI"),
    ("jawa-barat", "Jawa Barat", "Jabar"),
    ("banten", "Banten", "Banten"),
    ("jawa-tengah", "Jawa Tengah", "Jateng"),
    ("di-yogyakarta", "DI Yogyakarta", "DIY"),
    ("jawa-timur", "Jawa Timur", "Jatim"),
    ("bali", "Bali", "Bali"),
    ("nusa-tenggara-barat", "Nusa Tenggara Barat", "NTB"),
    ("nusa-tenggara-timur", "Nusa Tenggara Timur", "NTT"),
    ("kalimantan-barat", "Kalimantan Barat", "Kalbar"),
    ("kalimantan-tengah", "Kalimantan Tengah", "Kalteng"),
    ("kalimantan-selatan", "Kalimantan Selatan", "Kalsel"),
    ("kalimantan-timur", "Kalimantan Timur", "Kaltim"),
    ("kalimantan-utara", "Kalimantan Utara", "Kaltara"),
    ("sulawesi-utara", "Sulawesi Utara", "Sulut"),
    ("gorontalo", "Gorontalo", "Gorontalo"),
    ("sulawesi-tengah", "Sulawesi Tengah", "Sulteng"),
    ("sulawesi-barat", "Sulawesi Barat", "Sulbar"),
    ("sulawesi-selatan", "Sulawesi Selatan", "Sulsel"),
    ("sulawesi-tenggara", "Sulawesi Tenggara", "Sultra"),
    ("maluku", "Maluku", "Maluku"),
    ("maluku-utara", "Maluku Utara", "Malut"),
    ("papua", "Papua", "Papua"),
    ("papua-barat", "Papua Barat", "Pabar"),
    ("papua-barat-daya", "Papua Barat Daya", "PBD"),
    ("papua-tengah", "Papua Tengah", "Papteng"),
    ("papua-pegunungan", "Papua Pegunungan", "Papeg"),
    ("papua-selatan", "Papua Selatan", "Papsel"),
];

/// Regencies and cities across Indonesia.
const LOCAL_GOVERNMENTS: usize = 514;

const ID_SYLLABLES: [&str; 24] = [
    "su", "ka", "ma", "ju", "ba", "ti", "ra", "wa", "ngi", "lo", "se", "pa", "ta", "ri", "ja",
    "de", "no", "gu", "lan", "tan", "sa", "bu", "mi", "ko",
];
const FOREIGN_SYLLABLES: [&str; 24] = [
    "ha", "ber", "shi", "lin", "ton", "mo", "val", "gan", "zhou", "ku", "ria", "fel", "dor",
    "chen", "na", "sa", "ro", "wick", "jeon", "yama", "bur", "san", "ville", "ta",
];
const COUNTRIES: [&str; 24] = [
    "Japan",
    "China",
    "South Korea",
    "Australia",
    "United States",
    "Germany",
    "Netherlands",
    "France",
    "Malaysia",
    "Thailand",
    "Viet Nam",
    "Philippines",
    "Cambodia",
    "India",
    "Turkey",
    "Brazil",
    "Mexico",
    "Canada",
    "New Zealand",
    "United Kingdom",
    "Italy",
    "Russia",
    "Egypt",
    "Morocco",
];
const FIELDS: [&str; 10] = [
    "pendidikan",
    "kebudayaan",
    "pariwisata",
    "perdagangan",
    "pertanian",
    "kesehatan",
    "lingkungan hidup",
    "investasi",
    "pemuda dan olahraga",
    "tata kelola pemerintahan",
];
const TITLES: [&str; 8] = [
    "Kunjungan delegasi {p} ke {r}",
    "Rapat koordinasi program {y}",
    "Pertukaran pelajar {r}–{p}",
    "Pelatihan aparatur di {p}",
    "Misi dagang UMKM {r} ke {p}",
    "Laporan pelaksanaan kerja sama {y}",
    "Festival budaya {p} di {r}",
    "Video conference with {p} officials",
];
const PARTICIPANTS: [&str; 8] = [
    "Biro Pemerintahan dan Otda",
    "Bappeda",
    "Dinas Pendidikan",
    "Dinas Pariwisata",
    "Dinas Perindustrian dan Perdagangan",
    "Kadin",
    "Universitas negeri setempat",
    "Delegasi mitra",
];

/// The last date generated activities may fall on.
fn horizon() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()
}

fn name(rng: &mut ChaCha8Rng, syllables: &[&str]) -> String {
    let n = rng.random_range(2..=3);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(syllables[rng.random_range(0..syllables.len())]);
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    from.checked_add_days(Days::new(rng.random_range(0..=span)))
        .unwrap_or(from)
}

/// Builds `agreements` agreements with `activities_per` activities each.
pub fn generate(agreements: usize, activities_per: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut data = Dataset::default();

    for (id, name, short) in PROVINCES {
        data.regions.push(Region {
            id: id.to_string(),
            name: name.to_string(),
            official_name: format!("Provinsi {name}"),
            level: RegionLevel::Province,
            province: None,
            short_names: vec![short.to_string()],
            coordinates: None,
        });
    }
    for i in 0..LOCAL_GOVERNMENTS {
        let (province, _, _) = PROVINCES[rng.random_range(0..PROVINCES.len())];
        let city = rng.random_bool(0.2);
        let base = name(&mut rng, &ID_SYLLABLES);
        let (level, prefix) = if city {
            (RegionLevel::City, "Kota")
        } else {
            (RegionLevel::Regency, "Kabupaten")
        };
        data.regions.push(Region {
            id: format!("{}-{}-{i}", prefix.to_lowercase(), base.to_lowercase()),
            name: base.clone(),
            official_name: format!("{prefix} {base}"),
            level,
            province: Some(province.to_string()),
            short_names: Vec::new(),
            coordinates: None,
        });
    }

    let partner_count = (agreements / 4).clamp(50, 25_000);
    for i in 0..partner_count {
        let base = name(&mut rng, &FOREIGN_SYLLABLES);
        let country = COUNTRIES[rng.random_range(0..COUNTRIES.len())];
        let mut aliases = Vec::new();
        match country {
            "Japan" => aliases.push(format!("{}県", cjk(&mut rng, 2))),
            "China" => aliases.push(format!("{}市", cjk(&mut rng, 2))),
            "South Korea" => aliases.push(hangul(&mut rng, 3)),
            _ => {}
        }
        data.partners.push(Partner {
            id: format!("{}-{i}", base.to_lowercase()),
            name: base,
            country: country.to_string(),
            level: if rng.random_bool(0.3) {
                "province"
            } else {
                "city"
            }
            .to_string(),
            aliases,
            coordinates: Some(Coordinates {
                lat: rng.random_range(-60.0..70.0),
                lon: rng.random_range(-180.0..180.0),
            }),
        });
    }

    let stages = default_stages();
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
    let mut activity_id = 0u64;
    for id in 1..=agreements as u64 {
        let region = &data.regions[rng.random_range(0..data.regions.len())];
        let partner = &data.partners[rng.random_range(0..data.partners.len())];
        let signed = day_between(&mut rng, earliest, horizon());
        let expires = signed.checked_add_days(Days::new(5 * 365));
        let status = match rng.random_range(0..20) {
            0..=11 => Status::Active,
            12..=14 => Status::Dormant,
            15..=16 => Status::Expired,
            17 => Status::RenewalInProgress,
            18 => Status::Proposed,
            _ => Status::Terminated,
        };
        let kind = match region.level {
            RegionLevel::Province => AgreementKind::SisterProvince,
            _ if rng.random_bool(0.1) => AgreementKind::OtherCooperation,
            _ => AgreementKind::SisterCity,
        };
        let mut fields = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            let f = FIELDS[rng.random_range(0..FIELDS.len())].to_string();
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
        let mut obstacles: Vec<TagSpan> = Vec::new();
        for _ in 0..rng.random_range(0..=2) {
            let t = BUILTIN_TAG_IDS[rng.random_range(0..BUILTIN_TAG_IDS.len())].to_string();
            if !obstacles.iter().any(|s| s.tag == t) {
                obstacles.push(TagSpan {
                    tag: t,
                    from: day_between(&mut rng, signed, horizon()),
                    until: None,
                });
            }
        }
        let mut reports = Vec::new();
        let mut due = signed;
        for _ in 0..4 {
            due = match due.checked_add_days(Days::new(365)) {
                Some(d) if d < horizon() => d,
                _ => break,
            };
            let submitted = match rng.random_range(0..4) {
                0 => None,
                1 => due.checked_add_days(Days::new(rng.random_range(1..120))),
                _ => due.checked_sub_days(Days::new(rng.random_range(0..30))),
            };
            reports.push(ReportDue { due, submitted });
        }
        let stage = if status == Status::Proposed {
            &stages[rng.random_range(0..4)]
        } else {
            &stages[8]
        };
        // A dormant agreement's activities stop early; an active one's run to the horizon.
        let last_possible = if matches!(status, Status::Dormant | Status::Expired) {
            day_between(&mut rng, signed, horizon())
        } else {
            horizon()
        };
        let region_name = region.name.clone();
        let partner_name = partner.name.clone();
        let status_since = day_between(&mut rng, signed, horizon());
        let mut agreement = Agreement {
            id,
            region: region.id.clone(),
            partner: partner.id.clone(),
            kind,
            statuses: Vec::new(),
            stage: stage.id.clone(),
            signed: Some(signed),
            expires,
            renewals: Vec::new(),
            fields,
            contacts: vec![Contact {
                side: Side::Indonesia,
                name: format!("Koordinator {}", region_name),
                role: "Kepala Bagian Kerja Sama".into(),
                email: String::new(),
                phone: String::new(),
            }],
            notes: String::new(),
            obstacles,
            reporting: Reporting {
                period_months: Some(12),
                reports,
            },
            assessments: Vec::new(),
        };
        adopt_status(&mut agreement, status, status_since, horizon());
        let agreement_fields = agreement.fields.clone();
        data.agreements.push(agreement);
        for n in 0..activities_per {
            activity_id += 1;
            let (date, kind) = if n == 0 {
                (signed, ActivityKind::MouSigned)
            } else {
                (
                    day_between(&mut rng, signed, last_possible),
                    ActivityKind::ALL[rng.random_range(0..ActivityKind::ALL.len())],
                )
            };
            let title = TITLES[rng.random_range(0..TITLES.len())]
                .replace("{p}", &partner_name)
                .replace("{r}", &region_name)
                .replace("{y}", &date.format("%Y").to_string());
            let participants = (0..rng.random_range(1..=3))
                .map(|_| PARTICIPANTS[rng.random_range(0..PARTICIPANTS.len())].to_string())
                .collect();
            data.activities.push(Activity {
                id: activity_id,
                agreement: id,
                date,
                kind,
                description: format!(
                    "{} bersama {} dalam bidang {}.",
                    title,
                    partner_name,
                    FIELDS[rng.random_range(0..FIELDS.len())]
                ),
                title,
                participants,
                // Most activities serve one of the MoU's fields; some serve none recorded.
                fields: match rng.random_range(0..5) {
                    0 => Vec::new(),
                    _ => {
                        vec![agreement_fields[rng.random_range(0..agreement_fields.len())].clone()]
                    }
                },
                outcome: None,
            });
        }
    }
    data
}

fn cjk(rng: &mut ChaCha8Rng, n: usize) -> String {
    const HAN: &str = "山川田中福建京都大阪北南東西港海江河湖州城新安平和光明";
    let chars: Vec<char> = HAN.chars().collect();
    (0..n)
        .map(|_| chars[rng.random_range(0..chars.len())])
        .collect()
}

fn hangul(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_u32(0xAC00 + rng.random_range(0..11172)).unwrap_or('가'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::{Outside, check_dataset};

    #[test]
    fn same_seed_same_data_and_valid() {
        let a = generate(200, 5, 7);
        let b = generate(200, 5, 7);
        assert_eq!(a, b);
        assert_ne!(a, generate(200, 5, 8));
        assert_eq!(a.agreements.len(), 200);
        assert_eq!(a.activities.len(), 1000);
        let problems = check_dataset(&a, 10, &Outside::default());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
