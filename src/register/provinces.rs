//! Indonesia's 38 provinces, so that a register can bring in a province the store does not
//! hold yet. Ids, names and official names follow the demo data ("jawa-tengah",
//! "Jawa Tengah", "Provinsi Jawa Tengah"); short forms are the ones bureaus write.
//!
//! Regencies and cities (514 of them) are not listed: a register names them with their
//! prefix ("Kota Semarang", "Kabupaten Badung"), which says what they are, and their province
//! comes from the register or from `--province`.

use crate::domain::{Coordinates, Region, RegionLevel};

/// One province: id, name, official name, short forms stored with it, and other names that
/// find it but are not stored.
pub struct Province {
    pub id: &'static str,
    pub name: &'static str,
    pub official_name: &'static str,
    pub short_names: &'static [&'static str],
    pub other_names: &'static [&'static str],
}

impl Province {
    pub fn region(&self) -> Region {
        Region {
            id: self.id.to_string(),
            name: self.name.to_string(),
            official_name: self.official_name.to_string(),
            level: RegionLevel::Province,
            province: None,
            short_names: self.short_names.iter().map(|s| s.to_string()).collect(),
            coordinates: seat(self.id),
        }
    }

    /// Every name that finds the province.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        [self.id, self.name, self.official_name]
            .into_iter()
            .chain(self.short_names.iter().copied())
            .chain(self.other_names.iter().copied())
    }
}

/// Where each province's government sits (its capital's governor's office or city centre),
/// in decimal degrees.
const SEATS: &[(&str, f64, f64)] = &[
    ("aceh", 5.5483, 95.3238),
    ("sumatera-utara", 3.5833, 98.6667),
    ("sumatera-barat", -0.9471, 100.4172),
    ("riau", 0.5071, 101.4478),
    ("kepulauan-riau", 0.9186, 104.4665),
    ("jambi", -1.6101, 103.6131),
    ("sumatera-selatan", -2.9761, 104.7754),
    ("kepulauan-bangka-belitung", -2.1291, 106.1139),
    ("bengkulu", -3.7928, 102.2608),
    ("lampung", -5.4292, 105.2610),
    ("dki-jakarta", -6.1811, 106.8284),
    ("jawa-barat", -6.9025, 107.6188),
    ("banten", -6.1200, 106.1503),
    ("jawa-tengah", -6.9932, 110.4203),
    ("di-yogyakarta", -7.7925, 110.3670),
    ("jawa-timur", -7.2636, 112.7426),
    ("bali", -8.6725, 115.2334),
    ("nusa-tenggara-barat", -8.5833, 116.1167),
    ("nusa-tenggara-timur", -10.1772, 123.6070),
    ("kalimantan-barat", -0.0263, 109.3425),
    ("kalimantan-tengah", -2.2096, 113.9108),
    ("kalimantan-selatan", -3.4572, 114.8103),
    ("kalimantan-timur", -0.5022, 117.1536),
    ("kalimantan-utara", 2.8375, 117.3653),
    ("sulawesi-utara", 1.4748, 124.8421),
    ("gorontalo", 0.5435, 123.0568),
    ("sulawesi-tengah", -0.8917, 119.8707),
    ("sulawesi-barat", -2.6786, 118.8867),
    ("sulawesi-selatan", -5.1477, 119.4327),
    ("sulawesi-tenggara", -3.9985, 122.5129),
    ("maluku", -3.6954, 128.1814),
    ("maluku-utara", 0.7372, 127.5588),
    ("papua", -2.5337, 140.7181),
    ("papua-barat", -0.8615, 134.0620),
    ("papua-barat-daya", -0.8762, 131.2558),
    ("papua-selatan", -8.4932, 140.4018),
    ("papua-tengah", -3.3667, 135.4833),
    ("papua-pegunungan", -4.0956, 138.9481),
];

/// The seat of a province's government.
pub fn seat(id: &str) -> Option<Coordinates> {
    SEATS
        .iter()
        .find(|(p, ..)| *p == id)
        .map(|&(_, lat, lon)| Coordinates { lat, lon })
}

const fn p(
    id: &'static str,
    name: &'static str,
    official_name: &'static str,
    short_names: &'static [&'static str],
    other_names: &'static [&'static str],
) -> Province {
    Province {
        id,
        name,
        official_name,
        short_names,
        other_names,
    }
}

pub const PROVINCES: &[Province] = &[
    p(
        "aceh",
        "Aceh",
        "Provinsi Aceh",
        &[],
        &["Nanggroe Aceh Darussalam", "NAD"],
    ),
    p(
        "sumatera-utara",
        "Sumatera Utara",
        "Provinsi Sumatera Utara",
        &["Sumut"],
        &["North Sumatra"],
    ),
    p(
        "sumatera-barat",
        "Sumatera Barat",
        "Provinsi Sumatera Barat",
        &["Sumbar"],
        &["West Sumatra"],
    ),
    p("riau", "Riau", "Provinsi Riau", &[], &[]),
    p(
        "kepulauan-riau",
        "Kepulauan Riau",
        "Provinsi Kepulauan Riau",
        &["Kepri"],
        &["Riau Islands"],
    ),
    p("jambi", "Jambi", "Provinsi Jambi", &[], &[]),
    p(
        "sumatera-selatan",
        "Sumatera Selatan",
        "Provinsi Sumatera Selatan",
        &["Sumsel"],
        &["South Sumatra"],
    ),
    p(
        "kepulauan-bangka-belitung",
        "Kepulauan Bangka Belitung",
        "Provinsi Kepulauan Bangka Belitung",
        &["Babel"],
        &["Bangka Belitung"],
    ),
    p("bengkulu", "Bengkulu", "Provinsi Bengkulu", &[], &[]),
    p("lampung", "Lampung", "Provinsi Lampung", &[], &[]),
    p(
        "dki-jakarta",
        "DKI Jakarta",
        "Provinsi Daerah Khusus Ibukota Jakarta",
        &["DKI", "DKJ"],
        &["Daerah Khusus Jakarta", "Jakarta"],
    ),
    p(
        "jawa-barat",
        "Jawa Barat",
        "Provinsi Jawa Barat",
        &["Jabar"],
        &["West Java"],
    ),
    p("banten", "Banten", "Provinsi Banten", &[], &[]),
    p(
        "jawa-tengah",
        "Jawa Tengah",
        "Provinsi Jawa Tengah",
        &["Jateng"],
        &["Central Java"],
    ),
    p(
        "di-yogyakarta",
        "DI Yogyakarta",
        "Provinsi Daerah Istimewa Yogyakarta",
        &["DIY"],
        &["Special Region of Yogyakarta"],
    ),
    p(
        "jawa-timur",
        "Jawa Timur",
        "Provinsi Jawa Timur",
        &["Jatim"],
        &["East Java"],
    ),
    p("bali", "Bali", "Provinsi Bali", &[], &[]),
    p(
        "nusa-tenggara-barat",
        "Nusa Tenggara Barat",
        "Provinsi Nusa Tenggara Barat",
        &["NTB"],
        &["West Nusa Tenggara"],
    ),
    p(
        "nusa-tenggara-timur",
        "Nusa Tenggara Timur",
        "Provinsi Nusa Tenggara Timur",
        &["NTT"],
        &["East Nusa Tenggara"],
    ),
    p(
        "kalimantan-barat",
        "Kalimantan Barat",
        "Provinsi Kalimantan Barat",
        &["Kalbar"],
        &["West Kalimantan"],
    ),
    p(
        "kalimantan-tengah",
        "Kalimantan Tengah",
        "Provinsi Kalimantan Tengah",
        &["Kalteng"],
        &["Central Kalimantan"],
    ),
    p(
        "kalimantan-selatan",
        "Kalimantan Selatan",
        "Provinsi Kalimantan Selatan",
        &["Kalsel"],
        &["South Kalimantan"],
    ),
    p(
        "kalimantan-timur",
        "Kalimantan Timur",
        "Provinsi Kalimantan Timur",
        &["Kaltim"],
        &["East Kalimantan"],
    ),
    p(
        "kalimantan-utara",
        "Kalimantan Utara",
        "Provinsi Kalimantan Utara",
        &["Kaltara"],
        &["North Kalimantan"],
    ),
    p(
        "sulawesi-utara",
        "Sulawesi Utara",
        "Provinsi Sulawesi Utara",
        &["Sulut"],
        &["North Sulawesi"],
    ),
    p("gorontalo", "Gorontalo", "Provinsi Gorontalo", &[], &[]),
    p(
        "sulawesi-tengah",
        "Sulawesi Tengah",
        "Provinsi Sulawesi Tengah",
        &["Sulteng"],
        &["Central Sulawesi"],
    ),
    p(
        "sulawesi-barat",
        "Sulawesi Barat",
        "Provinsi Sulawesi Barat",
        &["Sulbar"],
        &["West Sulawesi"],
    ),
    p(
        "sulawesi-selatan",
        "Sulawesi Selatan",
        "Provinsi Sulawesi Selatan",
        &["Sulsel"],
        &["South Sulawesi"],
    ),
    p(
        "sulawesi-tenggara",
        "Sulawesi Tenggara",
        "Provinsi Sulawesi Tenggara",
        &["Sultra"],
        &["Southeast Sulawesi"],
    ),
    p("maluku", "Maluku", "Provinsi Maluku", &[], &[]),
    p(
        "maluku-utara",
        "Maluku Utara",
        "Provinsi Maluku Utara",
        &["Malut"],
        &["North Maluku"],
    ),
    p("papua", "Papua", "Provinsi Papua", &[], &[]),
    p(
        "papua-barat",
        "Papua Barat",
        "Provinsi Papua Barat",
        &["Pabar"],
        &["West Papua"],
    ),
    p(
        "papua-barat-daya",
        "Papua Barat Daya",
        "Provinsi Papua Barat Daya",
        &[],
        &["Southwest Papua"],
    ),
    p(
        "papua-selatan",
        "Papua Selatan",
        "Provinsi Papua Selatan",
        &[],
        &["South Papua"],
    ),
    p(
        "papua-tengah",
        "Papua Tengah",
        "Provinsi Papua Tengah",
        &[],
        &["Central Papua"],
    ),
    p(
        "papua-pegunungan",
        "Papua Pegunungan",
        "Provinsi Papua Pegunungan",
        &[],
        &["Highland Papua"],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::countries::name_key;
    use std::collections::HashMap;

    #[test]
    fn thirty_eight_provinces_each_name_once_and_valid_records() {
        assert_eq!(PROVINCES.len(), 38);
        let mut seen: HashMap<String, &str> = HashMap::new();
        for p in PROVINCES {
            let mut problems = Vec::new();
            crate::domain::validate::check_region(&p.region(), &mut problems);
            assert!(problems.is_empty(), "{}: {problems:?}", p.id);
            let mut own = std::collections::HashSet::new();
            for name in p.names() {
                let key = name_key(name);
                if own.insert(key.clone())
                    && let Some(other) = seen.insert(key, p.id)
                {
                    panic!("{name} names both {other} and {}", p.id);
                }
            }
        }
    }

    /// The demo's provinces are the same records, so a register adds nothing twice.
    #[test]
    fn the_demo_provinces_match_the_table() {
        let data: crate::domain::Dataset =
            serde_json::from_str(crate::demo::DEMO_JSON).expect("demo parses");
        for r in data
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Province)
        {
            let p = PROVINCES
                .iter()
                .find(|p| p.id == r.id)
                .unwrap_or_else(|| panic!("{} not in the table", r.id));
            assert_eq!(&p.region(), r);
        }
    }

    #[test]
    fn every_province_has_its_seat() {
        for p in PROVINCES {
            let at = seat(p.id).unwrap_or_else(|| panic!("no seat for {}", p.id));
            // Indonesia lies within these bounds.
            assert!((-11.5..6.5).contains(&at.lat), "{}", p.id);
            assert!((94.5..141.5).contains(&at.lon), "{}", p.id);
        }
        assert_eq!(SEATS.len(), PROVINCES.len());
    }
}
