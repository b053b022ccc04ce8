//! The world's countries, in English and Indonesian, for names people type.
//!
//! Registers name a partner's country however the bureau writes it: "Tiongkok", "Cina",
//! "RRT", "China"; "Korea Selatan", "Republic of Korea"; "Inggris", "UK". kembar stores one
//! canonical name per country, the English short name ("China", "South Korea",
//! "United Kingdom"), and shows it in the reader's language with [`display`].
//!
//! The table holds every entry of ISO 3166-1 (249 codes) and Kosovo, which has no ISO code
//! but is widely used as `XK`. Names compare with case, accents, spaces and punctuation
//! ignored, so "Côte d'Ivoire", "cote divoire" and "COTE D IVOIRE" are one country.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::lang::Lang;

use super::text::fold_for_search;

/// One country: its code, its canonical English name, its Indonesian name, and other names
/// people use for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 (`XK` for Kosovo).
    pub code: &'static str,
    /// The name kembar stores.
    pub en: &'static str,
    /// The name in Bahasa Indonesia.
    pub id: &'static str,
    /// Other names, in either language, formal or colloquial.
    pub aliases: &'static [&'static str],
}

impl Country {
    /// The country's name in a language.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Id => self.id,
        }
    }
}

const fn c(
    code: &'static str,
    en: &'static str,
    id: &'static str,
    aliases: &'static [&'static str],
) -> Country {
    Country {
        code,
        en,
        id,
        aliases,
    }
}

/// Every country, by code.
pub const COUNTRIES: &[Country] = &[
    c("AD", "Andorra", "Andorra", &[]),
    c(
        "AE",
        "United Arab Emirates",
        "Uni Emirat Arab",
        &["UAE", "UEA", "Emirat Arab", "Persatuan Emirat Arab"],
    ),
    c("AF", "Afghanistan", "Afganistan", &["Afghanistan"]),
    c("AG", "Antigua and Barbuda", "Antigua dan Barbuda", &[]),
    c("AI", "Anguilla", "Anguilla", &[]),
    c("AL", "Albania", "Albania", &[]),
    c("AM", "Armenia", "Armenia", &[]),
    c("AO", "Angola", "Angola", &[]),
    c("AQ", "Antarctica", "Antarktika", &[]),
    c("AR", "Argentina", "Argentina", &[]),
    c("AS", "American Samoa", "Samoa Amerika", &[]),
    c("AT", "Austria", "Austria", &[]),
    c("AU", "Australia", "Australia", &[]),
    c("AW", "Aruba", "Aruba", &[]),
    c("AX", "Åland Islands", "Kepulauan Åland", &["Aland"]),
    c("AZ", "Azerbaijan", "Azerbaijan", &[]),
    c(
        "BA",
        "Bosnia and Herzegovina",
        "Bosnia dan Herzegovina",
        &["Bosnia-Herzegovina", "Bosnia"],
    ),
    c("BB", "Barbados", "Barbados", &[]),
    c("BD", "Bangladesh", "Bangladesh", &[]),
    c("BE", "Belgium", "Belgia", &[]),
    c("BF", "Burkina Faso", "Burkina Faso", &[]),
    c("BG", "Bulgaria", "Bulgaria", &[]),
    c("BH", "Bahrain", "Bahrain", &[]),
    c("BI", "Burundi", "Burundi", &[]),
    c("BJ", "Benin", "Benin", &[]),
    c("BL", "Saint Barthélemy", "Saint Barthélemy", &[]),
    c("BM", "Bermuda", "Bermuda", &[]),
    c("BN", "Brunei", "Brunei Darussalam", &["Brunei Darussalam"]),
    c(
        "BO",
        "Bolivia",
        "Bolivia",
        &["Bolivia, Plurinational State of"],
    ),
    c(
        "BQ",
        "Caribbean Netherlands",
        "Belanda Karibia",
        &["Bonaire, Sint Eustatius and Saba", "Bonaire"],
    ),
    c("BR", "Brazil", "Brasil", &["Brasilia", "Brazilia"]),
    c("BS", "Bahamas", "Bahama", &["The Bahamas"]),
    c("BT", "Bhutan", "Bhutan", &[]),
    c("BV", "Bouvet Island", "Pulau Bouvet", &[]),
    c("BW", "Botswana", "Botswana", &[]),
    c("BY", "Belarus", "Belarus", &["Belarusia"]),
    c("BZ", "Belize", "Belize", &[]),
    c("CA", "Canada", "Kanada", &[]),
    c(
        "CC",
        "Cocos (Keeling) Islands",
        "Kepulauan Cocos (Keeling)",
        &["Cocos Islands"],
    ),
    c(
        "CD",
        "DR Congo",
        "Republik Demokratik Kongo",
        &[
            "Democratic Republic of the Congo",
            "Congo, The Democratic Republic of the",
            "Congo-Kinshasa",
            "Kongo-Kinshasa",
            "RD Kongo",
        ],
    ),
    c(
        "CF",
        "Central African Republic",
        "Republik Afrika Tengah",
        &[],
    ),
    c(
        "CG",
        "Republic of the Congo",
        "Republik Kongo",
        &["Congo", "Kongo", "Congo-Brazzaville", "Kongo-Brazzaville"],
    ),
    c(
        "CH",
        "Switzerland",
        "Swiss",
        &[
            "Konfederasi Swiss",
            "Swiss Confederation",
            "Schweiz",
            "Suisse",
        ],
    ),
    c("CI", "Côte d'Ivoire", "Pantai Gading", &["Ivory Coast"]),
    c("CK", "Cook Islands", "Kepulauan Cook", &[]),
    c("CL", "Chile", "Chili", &[]),
    c("CM", "Cameroon", "Kamerun", &[]),
    c(
        "CN",
        "China",
        "Tiongkok",
        &[
            "Cina",
            "RRT",
            "RRC",
            "Republik Rakyat Tiongkok",
            "Republik Rakyat Cina",
            "People's Republic of China",
            "PRC",
            "PR China",
            "Tiongkok (RRT)",
        ],
    ),
    c("CO", "Colombia", "Kolombia", &[]),
    c("CR", "Costa Rica", "Kosta Rika", &[]),
    c("CU", "Cuba", "Kuba", &[]),
    c("CV", "Cape Verde", "Tanjung Verde", &["Cabo Verde"]),
    c("CW", "Curaçao", "Curaçao", &[]),
    c("CX", "Christmas Island", "Pulau Natal", &[]),
    c("CY", "Cyprus", "Siprus", &[]),
    c(
        "CZ",
        "Czechia",
        "Ceko",
        &["Czech Republic", "Republik Ceko", "Republik Ceska", "Ceska"],
    ),
    c(
        "DE",
        "Germany",
        "Jerman",
        &[
            "Republik Federal Jerman",
            "Federal Republic of Germany",
            "Deutschland",
        ],
    ),
    c("DJ", "Djibouti", "Djibouti", &["Jibuti"]),
    c("DK", "Denmark", "Denmark", &["Denmarken"]),
    c("DM", "Dominica", "Dominika", &[]),
    c(
        "DO",
        "Dominican Republic",
        "Republik Dominika",
        &["Dominika (Republik)"],
    ),
    c("DZ", "Algeria", "Aljazair", &["Aljazair (Algeria)"]),
    c("EC", "Ecuador", "Ekuador", &[]),
    c("EE", "Estonia", "Estonia", &[]),
    c("EG", "Egypt", "Mesir", &[]),
    c("EH", "Western Sahara", "Sahara Barat", &[]),
    c("ER", "Eritrea", "Eritrea", &[]),
    c("ES", "Spain", "Spanyol", &["España", "Kerajaan Spanyol"]),
    c("ET", "Ethiopia", "Etiopia", &["Ethiopia (Etiopia)"]),
    c("FI", "Finland", "Finlandia", &[]),
    c("FJ", "Fiji", "Fiji", &[]),
    c(
        "FK",
        "Falkland Islands",
        "Kepulauan Falkland",
        &["Falkland Islands (Malvinas)"],
    ),
    c(
        "FM",
        "Micronesia",
        "Mikronesia",
        &[
            "Federated States of Micronesia",
            "Micronesia, Federated States of",
            "Negara Federasi Mikronesia",
        ],
    ),
    c("FO", "Faroe Islands", "Kepulauan Faroe", &[]),
    c("FR", "France", "Prancis", &["Perancis", "Republik Prancis"]),
    c("GA", "Gabon", "Gabon", &[]),
    c(
        "GB",
        "United Kingdom",
        "Britania Raya",
        &[
            "Inggris",
            "Inggris Raya",
            "UK",
            "Great Britain",
            "Britain",
            "Kerajaan Bersatu",
            "Britania Raya dan Irlandia Utara",
            "United Kingdom of Great Britain and Northern Ireland",
            "England",
            "Skotlandia",
            "Scotland",
            "Wales",
            "Irlandia Utara",
            "Northern Ireland",
        ],
    ),
    c("GD", "Grenada", "Grenada", &[]),
    c("GE", "Georgia", "Georgia", &[]),
    c("GF", "French Guiana", "Guyana Prancis", &[]),
    c("GG", "Guernsey", "Guernsey", &[]),
    c("GH", "Ghana", "Ghana", &[]),
    c("GI", "Gibraltar", "Gibraltar", &[]),
    c("GL", "Greenland", "Greenland", &["Tanah Hijau"]),
    c("GM", "Gambia", "Gambia", &["The Gambia"]),
    c("GN", "Guinea", "Guinea", &[]),
    c("GP", "Guadeloupe", "Guadeloupe", &[]),
    c("GQ", "Equatorial Guinea", "Guinea Khatulistiwa", &[]),
    c("GR", "Greece", "Yunani", &[]),
    c(
        "GS",
        "South Georgia and the South Sandwich Islands",
        "Georgia Selatan dan Kepulauan Sandwich Selatan",
        &[],
    ),
    c("GT", "Guatemala", "Guatemala", &[]),
    c("GU", "Guam", "Guam", &[]),
    c("GW", "Guinea-Bissau", "Guinea-Bissau", &[]),
    c("GY", "Guyana", "Guyana", &[]),
    c("HK", "Hong Kong", "Hong Kong", &["Hongkong"]),
    c(
        "HM",
        "Heard Island and McDonald Islands",
        "Pulau Heard dan Kepulauan McDonald",
        &[],
    ),
    c("HN", "Honduras", "Honduras", &[]),
    c("HR", "Croatia", "Kroasia", &[]),
    c("HT", "Haiti", "Haiti", &[]),
    c("HU", "Hungary", "Hungaria", &[]),
    c(
        "ID",
        "Indonesia",
        "Indonesia",
        &["Republik Indonesia", "NKRI"],
    ),
    c("IE", "Ireland", "Irlandia", &["Republik Irlandia"]),
    c("IL", "Israel", "Israel", &[]),
    c("IM", "Isle of Man", "Pulau Man", &[]),
    c("IN", "India", "India", &[]),
    c(
        "IO",
        "British Indian Ocean Territory",
        "Wilayah Samudra Hindia Britania",
        &[],
    ),
    c("IQ", "Iraq", "Irak", &[]),
    c(
        "IR",
        "Iran",
        "Iran",
        &["Iran, Islamic Republic of", "Republik Islam Iran"],
    ),
    c("IS", "Iceland", "Islandia", &[]),
    c("IT", "Italy", "Italia", &[]),
    c("JE", "Jersey", "Jersey", &[]),
    c("JM", "Jamaica", "Jamaika", &[]),
    c("JO", "Jordan", "Yordania", &[]),
    c("JP", "Japan", "Jepang", &["Nippon", "Nihon"]),
    c("KE", "Kenya", "Kenya", &[]),
    c(
        "KG",
        "Kyrgyzstan",
        "Kirgizstan",
        &["Kirgistan", "Kyrgyz Republic"],
    ),
    c("KH", "Cambodia", "Kamboja", &["Kampuchea"]),
    c("KI", "Kiribati", "Kiribati", &[]),
    c("KM", "Comoros", "Komoro", &[]),
    c("KN", "Saint Kitts and Nevis", "Saint Kitts dan Nevis", &[]),
    c(
        "KP",
        "North Korea",
        "Korea Utara",
        &[
            "DPRK",
            "Korut",
            "Republik Rakyat Demokratik Korea",
            "Democratic People's Republic of Korea",
            "Korea, Democratic People's Republic of",
        ],
    ),
    c(
        "KR",
        "South Korea",
        "Korea Selatan",
        &[
            "Korea",
            "Korsel",
            "Republic of Korea",
            "Republik Korea",
            "Korea, Republic of",
            "ROK",
        ],
    ),
    c("KW", "Kuwait", "Kuwait", &[]),
    c("KY", "Cayman Islands", "Kepulauan Cayman", &[]),
    c("KZ", "Kazakhstan", "Kazakhstan", &["Kazakstan"]),
    c(
        "LA",
        "Laos",
        "Laos",
        &[
            "Lao PDR",
            "Lao People's Democratic Republic",
            "Republik Demokratik Rakyat Laos",
            "RDR Laos",
        ],
    ),
    c("LB", "Lebanon", "Lebanon", &["Libanon"]),
    c("LC", "Saint Lucia", "Saint Lucia", &[]),
    c("LI", "Liechtenstein", "Liechtenstein", &[]),
    c("LK", "Sri Lanka", "Sri Lanka", &[]),
    c("LR", "Liberia", "Liberia", &[]),
    c("LS", "Lesotho", "Lesotho", &[]),
    c("LT", "Lithuania", "Lituania", &["Lithuania (Lituania)"]),
    c("LU", "Luxembourg", "Luksemburg", &[]),
    c("LV", "Latvia", "Latvia", &[]),
    c("LY", "Libya", "Libya", &["Libia"]),
    c("MA", "Morocco", "Maroko", &[]),
    c("MC", "Monaco", "Monako", &[]),
    c("MD", "Moldova", "Moldova", &["Moldova, Republic of"]),
    c("ME", "Montenegro", "Montenegro", &[]),
    c("MF", "Saint Martin", "Saint Martin", &[]),
    c("MG", "Madagascar", "Madagaskar", &[]),
    c("MH", "Marshall Islands", "Kepulauan Marshall", &[]),
    c(
        "MK",
        "North Macedonia",
        "Makedonia Utara",
        &["Macedonia", "Makedonia"],
    ),
    c("ML", "Mali", "Mali", &[]),
    c("MM", "Myanmar", "Myanmar", &["Burma", "Birma"]),
    c("MN", "Mongolia", "Mongolia", &[]),
    c("MO", "Macao", "Makau", &["Macau"]),
    c(
        "MP",
        "Northern Mariana Islands",
        "Kepulauan Mariana Utara",
        &[],
    ),
    c("MQ", "Martinique", "Martinik", &[]),
    c("MR", "Mauritania", "Mauritania", &[]),
    c("MS", "Montserrat", "Montserrat", &[]),
    c("MT", "Malta", "Malta", &[]),
    c("MU", "Mauritius", "Mauritius", &[]),
    c("MV", "Maldives", "Maladewa", &[]),
    c("MW", "Malawi", "Malawi", &[]),
    c("MX", "Mexico", "Meksiko", &[]),
    c("MY", "Malaysia", "Malaysia", &[]),
    c("MZ", "Mozambique", "Mozambik", &[]),
    c("NA", "Namibia", "Namibia", &[]),
    c("NC", "New Caledonia", "Kaledonia Baru", &[]),
    c("NE", "Niger", "Niger", &[]),
    c("NF", "Norfolk Island", "Pulau Norfolk", &[]),
    c("NG", "Nigeria", "Nigeria", &[]),
    c("NI", "Nicaragua", "Nikaragua", &[]),
    c(
        "NL",
        "Netherlands",
        "Belanda",
        &[
            "The Netherlands",
            "Holland",
            "Holandia",
            "Nederland",
            "Kerajaan Belanda",
        ],
    ),
    c("NO", "Norway", "Norwegia", &[]),
    c("NP", "Nepal", "Nepal", &[]),
    c("NR", "Nauru", "Nauru", &[]),
    c("NU", "Niue", "Niue", &[]),
    c("NZ", "New Zealand", "Selandia Baru", &[]),
    c("OM", "Oman", "Oman", &[]),
    c("PA", "Panama", "Panama", &[]),
    c("PE", "Peru", "Peru", &[]),
    c("PF", "French Polynesia", "Polinesia Prancis", &[]),
    c(
        "PG",
        "Papua New Guinea",
        "Papua Nugini",
        &["PNG", "Papua Niugini"],
    ),
    c(
        "PH",
        "Philippines",
        "Filipina",
        &["Pilipinas", "The Philippines"],
    ),
    c("PK", "Pakistan", "Pakistan", &[]),
    c("PL", "Poland", "Polandia", &[]),
    c(
        "PM",
        "Saint Pierre and Miquelon",
        "Saint Pierre dan Miquelon",
        &[],
    ),
    c(
        "PN",
        "Pitcairn Islands",
        "Kepulauan Pitcairn",
        &["Pitcairn"],
    ),
    c("PR", "Puerto Rico", "Puerto Riko", &[]),
    c("PS", "Palestine", "Palestina", &["Palestine, State of"]),
    c("PT", "Portugal", "Portugal", &[]),
    c("PW", "Palau", "Palau", &[]),
    c("PY", "Paraguay", "Paraguay", &[]),
    c("QA", "Qatar", "Qatar", &["Katar"]),
    c("RE", "Réunion", "Réunion", &[]),
    c("RO", "Romania", "Rumania", &[]),
    c("RS", "Serbia", "Serbia", &[]),
    c(
        "RU",
        "Russia",
        "Rusia",
        &["Russian Federation", "Federasi Rusia"],
    ),
    c("RW", "Rwanda", "Rwanda", &[]),
    c(
        "SA",
        "Saudi Arabia",
        "Arab Saudi",
        &["Saudi", "KSA", "Kerajaan Arab Saudi"],
    ),
    c("SB", "Solomon Islands", "Kepulauan Solomon", &[]),
    c("SC", "Seychelles", "Seychelles", &[]),
    c("SD", "Sudan", "Sudan", &[]),
    c("SE", "Sweden", "Swedia", &[]),
    c("SG", "Singapore", "Singapura", &[]),
    c(
        "SH",
        "Saint Helena, Ascension and Tristan da Cunha",
        "Saint Helena, Ascension, dan Tristan da Cunha",
        &["Saint Helena"],
    ),
    c("SI", "Slovenia", "Slovenia", &[]),
    c(
        "SJ",
        "Svalbard and Jan Mayen",
        "Svalbard dan Jan Mayen",
        &[],
    ),
    c("SK", "Slovakia", "Slowakia", &["Slovak Republic"]),
    c("SL", "Sierra Leone", "Sierra Leone", &[]),
    c("SM", "San Marino", "San Marino", &[]),
    c("SN", "Senegal", "Senegal", &[]),
    c("SO", "Somalia", "Somalia", &[]),
    c("SR", "Suriname", "Suriname", &["Surinam"]),
    c("SS", "South Sudan", "Sudan Selatan", &[]),
    c("ST", "São Tomé and Príncipe", "São Tomé dan Príncipe", &[]),
    c("SV", "El Salvador", "El Salvador", &[]),
    c("SX", "Sint Maarten", "Sint Maarten", &[]),
    c("SY", "Syria", "Suriah", &["Syrian Arab Republic", "Siria"]),
    c("SZ", "Eswatini", "Eswatini", &["Swaziland"]),
    c(
        "TC",
        "Turks and Caicos Islands",
        "Kepulauan Turks dan Caicos",
        &[],
    ),
    c("TD", "Chad", "Chad", &["Cad"]),
    c(
        "TF",
        "French Southern Territories",
        "Wilayah Selatan Prancis",
        &[],
    ),
    c("TG", "Togo", "Togo", &[]),
    c("TH", "Thailand", "Thailand", &["Muangthai", "Siam"]),
    c("TJ", "Tajikistan", "Tajikistan", &[]),
    c("TK", "Tokelau", "Tokelau", &[]),
    c(
        "TL",
        "Timor-Leste",
        "Timor Leste",
        &["East Timor", "Timor Timur"],
    ),
    c("TM", "Turkmenistan", "Turkmenistan", &[]),
    c("TN", "Tunisia", "Tunisia", &[]),
    c("TO", "Tonga", "Tonga", &[]),
    c("TR", "Türkiye", "Turki", &["Turkey", "Republik Turki"]),
    c("TT", "Trinidad and Tobago", "Trinidad dan Tobago", &[]),
    c("TV", "Tuvalu", "Tuvalu", &[]),
    c(
        "TW",
        "Taiwan",
        "Taiwan",
        &["Chinese Taipei", "Taiwan, Province of China"],
    ),
    c(
        "TZ",
        "Tanzania",
        "Tanzania",
        &["Tanzania, United Republic of"],
    ),
    c("UA", "Ukraine", "Ukraina", &[]),
    c("UG", "Uganda", "Uganda", &[]),
    c(
        "UM",
        "United States Minor Outlying Islands",
        "Kepulauan Terluar Kecil Amerika Serikat",
        &[],
    ),
    c(
        "US",
        "United States",
        "Amerika Serikat",
        &[
            "AS",
            "USA",
            "US",
            "United States of America",
            "Amerika",
            "America",
        ],
    ),
    c("UY", "Uruguay", "Uruguay", &[]),
    c("UZ", "Uzbekistan", "Uzbekistan", &[]),
    c(
        "VA",
        "Vatican City",
        "Vatikan",
        &["Holy See", "Takhta Suci"],
    ),
    c(
        "VC",
        "Saint Vincent and the Grenadines",
        "Saint Vincent dan Grenadine",
        &[],
    ),
    c(
        "VE",
        "Venezuela",
        "Venezuela",
        &["Venezuela, Bolivarian Republic of"],
    ),
    c(
        "VG",
        "British Virgin Islands",
        "Kepulauan Virgin Britania Raya",
        &[],
    ),
    c(
        "VI",
        "United States Virgin Islands",
        "Kepulauan Virgin Amerika Serikat",
        &[],
    ),
    c("VN", "Vietnam", "Vietnam", &["Viet Nam"]),
    c("VU", "Vanuatu", "Vanuatu", &[]),
    c("WF", "Wallis and Futuna", "Wallis dan Futuna", &[]),
    c("WS", "Samoa", "Samoa", &[]),
    c("XK", "Kosovo", "Kosovo", &[]),
    c("YE", "Yemen", "Yaman", &[]),
    c("YT", "Mayotte", "Mayotte", &[]),
    c("ZA", "South Africa", "Afrika Selatan", &[]),
    c("ZM", "Zambia", "Zambia", &[]),
    c("ZW", "Zimbabwe", "Zimbabwe", &[]),
];

/// A name as names compare: lower case, no accents, letters and digits only.
pub fn name_key(name: &str) -> String {
    fold_for_search(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn index() -> &'static HashMap<String, &'static Country> {
    static INDEX: OnceLock<HashMap<String, &'static Country>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for country in COUNTRIES {
            for name in [country.en, country.id]
                .into_iter()
                .chain(country.aliases.iter().copied())
            {
                map.entry(name_key(name)).or_insert(country);
            }
        }
        map
    })
}

/// The country a name means, in English or Indonesian, by its short or formal name or a
/// common other name; `None` when it is none of them.
pub fn find(name: &str) -> Option<&'static Country> {
    let key = name_key(name);
    if key.is_empty() {
        return None;
    }
    index().get(&key).copied()
}

/// The country with an ISO 3166-1 alpha-2 code.
pub fn by_code(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// The name kembar stores for a country name, or `None` for a name it does not know.
pub fn canonical(name: &str) -> Option<&'static str> {
    find(name).map(|c| c.en)
}

/// A stored country name as a reader of `lang` knows it: "China" is "Tiongkok" in
/// Indonesian. Names the table does not know are shown as stored.
pub fn display(stored: &str, lang: Lang) -> Cow<'_, str> {
    match find(stored) {
        Some(country) => Cow::Borrowed(country.name(lang)),
        None => Cow::Borrowed(stored),
    }
}

/// Every name a stored country is known by (English, Indonesian, other names), as one text
/// to match a search or a filter against.
pub fn search_terms(stored: &str) -> String {
    match find(stored) {
        Some(c) => {
            let mut names = vec![c.en, c.id];
            names.extend(c.aliases.iter().copied());
            names.join(" · ")
        }
        None => stored.to_string(),
    }
}

/// Whether two names mean the same country (or are the same text, for names the table does
/// not know).
pub fn same(a: &str, b: &str) -> bool {
    match (find(a), find(b)) {
        (Some(x), Some(y)) => x.code == y.code,
        _ => name_key(a) == name_key(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_iso_code_once_and_no_name_means_two_countries() {
        // ISO 3166-1 has 249 codes; Kosovo's user-assigned XK makes 250.
        assert_eq!(COUNTRIES.len(), 250);
        let codes: HashSet<&str> = COUNTRIES.iter().map(|c| c.code).collect();
        assert_eq!(codes.len(), COUNTRIES.len(), "a code appears twice");
        let mut seen: HashMap<String, &str> = HashMap::new();
        for country in COUNTRIES {
            assert!(
                country.code.len() == 2 && country.code.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                country.code
            );
            let mut own = HashSet::new();
            for name in [country.en, country.id]
                .into_iter()
                .chain(country.aliases.iter().copied())
            {
                let key = name_key(name);
                assert!(!key.is_empty(), "{}: empty name", country.code);
                if !own.insert(key.clone()) {
                    continue;
                }
                if let Some(other) = seen.insert(key.clone(), country.code) {
                    panic!("{name:?} means both {other} and {}", country.code);
                }
            }
        }
        let mut sorted: Vec<&str> = COUNTRIES.iter().map(|c| c.code).collect();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            COUNTRIES.iter().map(|c| c.code).collect::<Vec<_>>(),
            "keep the table in code order"
        );
    }

    #[test]
    fn names_bureaus_write_find_one_canonical_country() {
        for (written, stored) in [
            ("Tiongkok", "China"),
            ("Cina", "China"),
            ("RRT", "China"),
            ("china", "China"),
            ("Korea Selatan", "South Korea"),
            ("Republic of Korea", "South Korea"),
            ("Inggris", "United Kingdom"),
            ("Britania Raya", "United Kingdom"),
            ("U.K.", "United Kingdom"),
            ("Belanda", "Netherlands"),
            ("Jerman", "Germany"),
            ("Jepang", "Japan"),
            ("Amerika Serikat", "United States"),
            ("AS", "United States"),
            ("U.S.A.", "United States"),
            ("Prancis", "France"),
            ("Perancis", "France"),
            ("Kamboja", "Cambodia"),
            ("Turki", "Türkiye"),
            ("Turkey", "Türkiye"),
            ("Brasil", "Brazil"),
            ("Kanada", "Canada"),
            ("Filipina", "Philippines"),
            ("cote d ivoire", "Côte d'Ivoire"),
            ("  Selandia   Baru ", "New Zealand"),
        ] {
            assert_eq!(canonical(written), Some(stored), "{written}");
        }
        assert_eq!(canonical("Atlantis"), None);
        assert_eq!(canonical(""), None);
        assert_eq!(canonical("---"), None);
    }

    /// The demo data's countries are the canonical names, so imported partners and demo
    /// partners agree.
    #[test]
    fn the_demo_uses_canonical_names() {
        let data: serde_json::Value =
            serde_json::from_str(crate::demo::DEMO_JSON).expect("demo parses");
        for p in data["partners"].as_array().expect("partners") {
            let country = p["country"].as_str().expect("country");
            assert_eq!(canonical(country), Some(country), "{country}");
        }
    }

    #[test]
    fn countries_show_in_the_readers_language() {
        assert_eq!(display("China", Lang::Id), "Tiongkok");
        assert_eq!(display("China", Lang::En), "China");
        assert_eq!(display("South Korea", Lang::Id), "Korea Selatan");
        assert_eq!(display("Korea Selatan", Lang::En), "South Korea");
        assert_eq!(display("Ruritania", Lang::Id), "Ruritania");
        assert!(same("RRT", "China") && !same("China", "Japan"));
        assert_eq!(by_code("gb").map(|c| c.id), Some("Britania Raya"));
    }
}
