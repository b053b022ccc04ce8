//! Values as bureaus write them in registers: dates in every common form, an MoU term as a
//! duration, kinds and statuses in Indonesian or English, lists in one cell.
//!
//! Every parser returns either the value or a [`Why`]: what is wrong and how to write it,
//! for the problem list of an import.

use chrono::{Datelike, Months, NaiveDate};

use crate::domain::countries::name_key;
use crate::domain::validate::YEAR_RANGE;
use crate::domain::{AgreementKind, Status};

use super::sheet::Cell;

/// Why a value cannot be read, and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    pub why: String,
    pub fix: String,
}

impl Why {
    pub fn new(why: impl Into<String>, fix: impl Into<String>) -> Why {
        Why {
            why: why.into(),
            fix: fix.into(),
        }
    }
}

const DATE_FIX: &str = "write the date day first, e.g. 06/08/2019, 6-8-2019, 6 Agustus 2019 or \
                        2019-08-06, or make the cell an Excel date";

/// Text that means "no value": empty, a dash, "tidak ada"...
pub fn is_none_text(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—' | '_' | '.')) {
        return true;
    }
    matches!(
        name_key(t).as_str(),
        "na" | "tidakada" | "none" | "nil" | "kosong" | "belumada"
    )
}

/// Whether a cell holds nothing worth reading.
pub fn is_blank(cell: &Cell) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(t) => t.trim().is_empty(),
        _ => false,
    }
}

/// Whether a cell holds no value: blank, or text that says so.
pub fn is_none(cell: &Cell) -> bool {
    match cell {
        Cell::Text(t) => is_none_text(t),
        other => is_blank(other),
    }
}

/// Days between Excel's day zero (1899-12-30, which absorbs its phantom 29 February 1900)
/// and the date.
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// An Excel serial day number as a date, or why it is not one.
pub fn from_serial(serial: f64) -> Result<NaiveDate, Why> {
    let whole = serial.trunc();
    if !(1.0..=2_958_465.0).contains(&whole) {
        return Err(Why::new(
            format!("{serial} is not a date"),
            DATE_FIX.to_string(),
        ));
    }
    // Serials before 1 March 1900 count Excel's phantom 29 February 1900; none of them is a
    // plausible agreement date, so they are left to the year check.
    let days = whole as i64;
    let date = if days < 61 {
        excel_epoch() + chrono::Days::new(days as u64 + 1)
    } else {
        excel_epoch() + chrono::Days::new(days as u64)
    };
    Ok(date)
}

/// A date from a cell: a date cell, a serial number, or text in any of the forms bureaus
/// use. `Ok(None)` for an empty cell or a dash.
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, Why> {
    let date = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => *d,
        Cell::Number(n) => number_as_date(*n)?,
        Cell::Text(t) if is_none_text(t) || is_not_yet(t) => return Ok(None),
        Cell::Text(t) => date_text(t)?,
        Cell::Bool(b) => {
            return Err(Why::new(
                format!("{} is not a date", if *b { "TRUE" } else { "FALSE" }),
                DATE_FIX,
            ));
        }
        Cell::Error(e) => return Err(error_cell(e)),
    };
    plausible(date).map(Some)
}

fn is_not_yet(text: &str) -> bool {
    let key = name_key(text);
    key.starts_with("belum") || key.starts_with("notyet") || key == "notsigned"
}

pub fn error_cell(e: &str) -> Why {
    Why::new(
        format!("the cell shows the error {e}"),
        "correct the formula, or type the value itself",
    )
}

fn plausible(date: NaiveDate) -> Result<NaiveDate, Why> {
    if YEAR_RANGE.contains(&date.year()) {
        Ok(date)
    } else {
        Err(Why::new(
            format!(
                "{date} is outside the years {}–{}",
                YEAR_RANGE.start(),
                YEAR_RANGE.end()
            ),
            "check the year for a typing mistake",
        ))
    }
}

/// The first serial day read as a date when a number stands in a date column: 1 January
/// 1950. Smaller numbers there are typing mistakes, not agreements signed in 1900.
const FIRST_SERIAL: f64 = 18_264.0;

fn number_as_date(n: f64) -> Result<NaiveDate, Why> {
    if n.fract() == 0.0 && YEAR_RANGE.contains(&(n as i32)) {
        return Err(Why::new(
            format!("{n} is only a year"),
            "write the whole date, e.g. 06/08/2019; ask the partner or check the MoU if the day \
             is not known",
        ));
    }
    if n < FIRST_SERIAL {
        return Err(Why::new(format!("{n} is not a date"), DATE_FIX));
    }
    from_serial(n)
}

/// Month names and short forms, Indonesian and English.
fn month(word: &str) -> Option<u32> {
    Some(match word {
        "januari" | "january" | "jan" => 1,
        "februari" | "pebruari" | "february" | "feb" | "peb" => 2,
        "maret" | "march" | "mar" => 3,
        "april" | "apr" => 4,
        "mei" | "may" => 5,
        "juni" | "june" | "jun" => 6,
        "juli" | "july" | "jul" => 7,
        "agustus" | "august" | "agt" | "agu" | "ags" | "agust" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "oktober" | "october" | "okt" | "oct" => 10,
        "november" | "nopember" | "nov" | "nop" => 11,
        "desember" | "december" | "des" | "dec" => 12,
        _ => return None,
    })
}

fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "senin"
            | "selasa"
            | "rabu"
            | "kamis"
            | "jumat"
            | "sabtu"
            | "minggu"
            | "ahad"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
    )
}

/// Parses a date written as text.
pub fn date_text(text: &str) -> Result<NaiveDate, Why> {
    let shown = clip(text.trim());
    let not_a_date = || Why::new(format!("{shown:?} is not a date"), DATE_FIX);
    let lower = text.trim().to_lowercase().replace('\'', "");
    // "2019-08-06 00:00:00" and "2019-08-06T00:00:00" from other programs: drop the time.
    let lower = match lower.find(['t', ' ']) {
        Some(i)
            if lower.len() >= 10
                && lower[..i].bytes().filter(|b| *b == b'-').count() == 2
                && lower[i + 1..].contains(':') =>
        {
            lower[..i].to_string()
        }
        _ => lower,
    };
    let mut tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | '.' | ','))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.first().is_some_and(|t| is_weekday(t)) {
        tokens.remove(0);
    }
    let number = |t: &str| -> Option<u32> {
        (t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    if tokens.len() == 1
        && let Some(n) = tokens[0].parse::<f64>().ok().filter(|n| n.is_finite())
    {
        return number_as_date(n);
    }
    let (year, month_no, day, month_first_hint) = match tokens.as_slice() {
        [a, b, c] if a.len() == 4 => match (number(a), number(b), number(c)) {
            (Some(y), Some(m), Some(d)) => (y as i32, m, d, false),
            _ => return Err(not_a_date()),
        },
        [a, b, c] => match (number(a), month(b), number(b), number(c)) {
            (Some(d), Some(m), _, Some(y)) => (full_year(y, c.len()), m, d, false),
            (Some(d), None, Some(m), Some(y)) => (full_year(y, c.len()), m, d, m > 12 && d <= 12),
            _ => match (month(a), number(b), number(c)) {
                (Some(m), Some(d), Some(y)) => (full_year(y, c.len()), m, d, false),
                _ => return Err(not_a_date()),
            },
        },
        [a, b] if month(a).is_some() && number(b).is_some_and(|y| y > 31) => {
            return Err(Why::new(
                format!("{shown:?} has no day"),
                "write the whole date, e.g. 6 Agustus 2019; check the MoU for the day",
            ));
        }
        _ => return Err(not_a_date()),
    };
    if !(1..=12).contains(&month_no) {
        let fix = if month_first_hint {
            format!(
                "dates are read day first (DD/MM/YYYY): write {day:02}/{month_no:02}/{year} \
                 as {month_no:02}/{day:02}/{year}"
            )
        } else {
            DATE_FIX.to_string()
        };
        return Err(Why::new(
            format!("{shown:?} is not a real date: there is no month {month_no}"),
            fix,
        ));
    }
    match NaiveDate::from_ymd_opt(year, month_no, day) {
        Some(d) => Ok(d),
        None => {
            let days = days_in_month(year, month_no);
            Err(Why::new(
                format!(
                    "{shown:?} is not a real date: {} {year} has {days} days",
                    MONTHS_EN[month_no as usize - 1]
                ),
                "correct the day",
            ))
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(28)
}

/// Two-digit years as Excel reads them: 00–29 are 2000–2029, 30–99 are 1930–1999.
fn full_year(y: u32, digits: usize) -> i32 {
    match (digits, y) {
        (1 | 2, 0..=29) => 2000 + y as i32,
        (1 | 2, _) => 1900 + y as i32,
        _ => y as i32,
    }
}

fn clip(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    crate::domain::text::display_safe(&out).into_owned()
}

/// Number words in MoU terms ("lima (5) tahun", "five years").
fn number_word(word: &str) -> Option<u32> {
    Some(match word {
        "satu" | "se" | "one" | "a" | "an" => 1,
        "dua" | "two" => 2,
        "tiga" | "three" => 3,
        "empat" | "four" => 4,
        "lima" | "five" => 5,
        "enam" | "six" => 6,
        "tujuh" | "seven" => 7,
        "delapan" | "eight" => 8,
        "sembilan" | "nine" => 9,
        "sepuluh" | "ten" => 10,
        "sebelas" | "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        _ => return None,
    })
}

/// A term written as a duration, in months: "5 tahun", "5 (lima) tahun", "lima tahun",
/// "5 years", "6 bulan". `None` when the text is not a duration.
pub fn duration_months(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '.'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut count: Option<u32> = None;
    for word in &words {
        let unit = match *word {
            "tahun" | "thn" | "th" | "years" | "year" | "yrs" | "yr" => Some(12),
            "bulan" | "bln" | "months" | "month" | "mos" => Some(1),
            _ => None,
        };
        if let Some(unit) = unit {
            return count.filter(|n| (1..=100).contains(n)).map(|n| n * unit);
        }
        if count.is_none() {
            match *word {
                "setahun" => return Some(12),
                "sebulan" => return Some(1),
                _ => {}
            }
        }
        let n = word.parse::<u32>().ok().or_else(|| number_word(word));
        match (n, count) {
            (Some(n), None) => count = Some(n),
            // "5 (lima)": the same number twice.
            (Some(n), Some(c)) if n == c => {}
            (Some(_), Some(_)) => return None,
            (None, _) => {}
        }
    }
    None
}

/// Text that says an MoU has no end.
fn is_open_ended(text: &str) -> bool {
    let key = name_key(text);
    [
        "tidakterbatas",
        "tanpabatas",
        "tanpajangkawaktu",
        "selamanya",
        "unlimited",
        "indefinite",
        "openended",
        "noexpiry",
    ]
    .iter()
    .any(|k| key.starts_with(k))
}

/// An expiry: a date, a duration counted from the signing date, or none.
pub fn expiry(cell: &Cell, signed: Option<NaiveDate>) -> Result<Option<NaiveDate>, Why> {
    if let Cell::Text(t) = cell {
        if is_none_text(t) || is_open_ended(t) {
            return Ok(None);
        }
        if let Some(months) = duration_months(t) {
            let Some(signed) = signed else {
                return Err(Why::new(
                    format!(
                        "{:?} is a term, and this row has no signing date to count it from",
                        clip(t)
                    ),
                    "fill in the signing date, or write the expiry as a date",
                ));
            };
            return signed
                .checked_add_months(Months::new(months))
                .map(Some)
                .ok_or_else(|| Why::new(format!("{:?} is too long", clip(t)), "check the term"));
        }
        return date_text(t).and_then(plausible).map(Some).map_err(|w| Why {
            fix: format!("{}, or a term such as \"5 tahun\"", w.fix),
            ..w
        });
    }
    date(cell)
}

/// The longest key among `table` that starts `key`, so "aktif (perlu revitalisasi)" reads as
/// active while "tidak aktif" does not.
fn longest_prefix<T: Copy>(key: &str, table: &[(&str, T)]) -> Option<T> {
    table
        .iter()
        .filter(|(k, _)| key.starts_with(k))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, v)| *v)
}

const KINDS: &[(&str, AgreementKind)] = &[
    ("sisterprovince", AgreementKind::SisterProvince),
    ("sisterprovinsi", AgreementKind::SisterProvince),
    ("sisterstate", AgreementKind::SisterProvince),
    ("sisterprefecture", AgreementKind::SisterProvince),
    ("provinsikembar", AgreementKind::SisterProvince),
    ("provinsibersaudara", AgreementKind::SisterProvince),
    ("kerjasamasisterprovince", AgreementKind::SisterProvince),
    ("sistercity", AgreementKind::SisterCity),
    ("sistercities", AgreementKind::SisterCity),
    ("kotakembar", AgreementKind::SisterCity),
    ("kotabersaudara", AgreementKind::SisterCity),
    ("twincity", AgreementKind::SisterCity),
    ("twintown", AgreementKind::SisterCity),
    ("kerjasamasistercity", AgreementKind::SisterCity),
    ("kerjasamalainnya", AgreementKind::OtherCooperation),
    ("kerjasamalain", AgreementKind::OtherCooperation),
    ("kslainnya", AgreementKind::OtherCooperation),
    ("lainnya", AgreementKind::OtherCooperation),
    ("othercooperation", AgreementKind::OtherCooperation),
    ("other", AgreementKind::OtherCooperation),
];

/// A kind of agreement: "Sister City", "Kota Kembar", "Provinsi Kembar", "Kerja sama
/// lainnya"... `Ok(None)` for an empty cell.
pub fn kind(cell: &Cell) -> Result<Option<AgreementKind>, Why> {
    let text = match text_of(cell)? {
        Some(t) => t,
        None => return Ok(None),
    };
    longest_prefix(&name_key(&text), KINDS)
        .map(Some)
        .ok_or_else(|| {
            Why::new(
                format!("{:?} is not a kind of agreement kembar knows", clip(&text)),
                "write Sister Province (Provinsi Kembar), Sister City (Kota Kembar) or Kerja \
                 sama lainnya",
            )
        })
}

const STATUSES: &[(&str, Status)] = &[
    ("aktif", Status::Active),
    ("active", Status::Active),
    ("berjalan", Status::Active),
    ("berlaku", Status::Active),
    ("masihberlaku", Status::Active),
    ("inforce", Status::Active),
    ("tidakaktif", Status::Dormant),
    ("nonaktif", Status::Dormant),
    ("inactive", Status::Dormant),
    ("pasif", Status::Dormant),
    ("passive", Status::Dormant),
    ("dormant", Status::Dormant),
    ("dorman", Status::Dormant),
    ("vakum", Status::Dormant),
    ("tidakberjalan", Status::Dormant),
    ("matisuri", Status::Dormant),
    ("berakhir", Status::Expired),
    ("sudahberakhir", Status::Expired),
    ("telahberakhir", Status::Expired),
    ("kedaluwarsa", Status::Expired),
    ("kadaluarsa", Status::Expired),
    ("kadaluwarsa", Status::Expired),
    ("habis", Status::Expired),
    ("tidakberlaku", Status::Expired),
    ("expired", Status::Expired),
    ("perpanjangan", Status::RenewalInProgress),
    ("dalamperpanjangan", Status::RenewalInProgress),
    ("prosesperpanjangan", Status::RenewalInProgress),
    ("dalamprosesperpanjangan", Status::RenewalInProgress),
    ("pembaharuan", Status::RenewalInProgress),
    ("pembaruan", Status::RenewalInProgress),
    ("dalampembaharuan", Status::RenewalInProgress),
    ("dalampembaruan", Status::RenewalInProgress),
    ("prosespembaharuan", Status::RenewalInProgress),
    ("prosespembaruan", Status::RenewalInProgress),
    ("dalamprosespembaharuan", Status::RenewalInProgress),
    ("dalamprosespembaruan", Status::RenewalInProgress),
    ("renewalinprogress", Status::RenewalInProgress),
    ("renewing", Status::RenewalInProgress),
    ("diusulkan", Status::Proposed),
    ("usulan", Status::Proposed),
    ("proposed", Status::Proposed),
    ("rencana", Status::Proposed),
    ("penjajakan", Status::Proposed),
    ("dalampenjajakan", Status::Proposed),
    ("dihentikan", Status::Terminated),
    ("diakhiri", Status::Terminated),
    ("berhenti", Status::Terminated),
    ("dibatalkan", Status::Terminated),
    ("batal", Status::Terminated),
    ("putus", Status::Terminated),
    ("terminated", Status::Terminated),
];

/// A status: "Aktif", "Tidak aktif", "Berakhir", "Dalam proses perpanjangan"...
pub fn status(cell: &Cell) -> Result<Option<Status>, Why> {
    let text = match text_of(cell)? {
        Some(t) => t,
        None => return Ok(None),
    };
    let key = name_key(&text);
    // Stored names too: "renewal_in_progress".
    longest_prefix(&key, STATUSES).map(Some).ok_or_else(|| {
        Why::new(
            format!("{:?} is not a status kembar knows", clip(&text)),
            "write Aktif, Tidak aktif, Berakhir, Dalam proses perpanjangan, Diusulkan or \
             Dihentikan (or the English: active, dormant, expired, renewal in progress, \
             proposed, terminated)",
        )
    })
}

/// A cell's text, `None` when it holds no value. Numbers read as text ("2019" as a field).
pub fn text_of(cell: &Cell) -> Result<Option<String>, Why> {
    Ok(match cell {
        Cell::Empty => None,
        Cell::Text(t) if is_none_text(t) => None,
        Cell::Text(t) => Some(t.trim().to_string()),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
        Cell::Number(n) => Some(n.to_string()),
        Cell::Date(d) => Some(d.to_string()),
        Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Cell::Error(e) => return Err(error_cell(e)),
    })
}

/// The items of a list written in one cell: separated by commas, semicolons, slashes or line
/// breaks, with numbering and bullets dropped. Repeats are dropped. "dan" does not separate:
/// "Kelautan dan Perikanan" is one field.
pub fn list(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let separated = text.replace(['\n', '\r', ',', '/', '•'], ";");
    for part in separated.split(';') {
        let item = strip_numbering(part.trim());
        if item.is_empty() || is_none_text(item) {
            continue;
        }
        let key = name_key(item);
        if !items.iter().any(|i| name_key(i) == key) {
            items.push(item.to_string());
        }
    }
    items
}

/// "1. Pendidikan", "a) Budaya", "- Pariwisata" without their numbering.
fn strip_numbering(item: &str) -> &str {
    let item = item.trim_start_matches(['-', '*', '·']).trim();
    if let Some(pos) = item.find(['.', ')']) {
        let head = &item[..pos];
        let numbered = (1..=3).contains(&head.len()) && head.bytes().all(|b| b.is_ascii_digit());
        let lettered = head.len() == 1 && head.bytes().all(|b| b.is_ascii_lowercase());
        if numbered || lettered {
            return item[pos + 1..].trim();
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_string())
    }

    #[test]
    fn every_date_form_bureaus_write() {
        let aug6 = d(2019, 8, 6);
        for written in [
            "2019-08-06",
            "06/08/2019",
            "6/8/2019",
            "6-8-2019",
            "06.08.2019",
            "6 Agustus 2019",
            "6 agustus 2019",
            "6 AGUSTUS 2019",
            "6 Agt 2019",
            "6 Agu. 2019",
            "6 Ags 2019",
            "6 August 2019",
            "6 Aug 2019",
            "06-Aug-2019",
            "August 6, 2019",
            "Selasa, 6 Agustus 2019",
            "06/08/19",
            "2019/08/06",
            "2019-08-06 00:00:00",
            "43683",
        ] {
            assert_eq!(date(&text(written)), Ok(Some(aug6)), "{written}");
        }
        assert_eq!(date(&Cell::Number(43683.0)), Ok(Some(aug6)));
        assert_eq!(date(&Cell::Date(aug6)), Ok(Some(aug6)));
        for none in ["", "-", "–", " — ", "n/a", "Tidak ada", "belum"] {
            assert_eq!(date(&text(none)), Ok(None), "{none:?}");
        }
        assert_eq!(date(&Cell::Empty), Ok(None));
        assert_eq!(date(&text("1 Mei 2020")), Ok(Some(d(2020, 5, 1))));
        assert_eq!(date(&text("31 Desember 1999")), Ok(Some(d(1999, 12, 31))));
    }

    #[test]
    fn wrong_dates_say_why_and_how() {
        let why = date(&text("31/02/2019")).unwrap_err();
        assert!(why.why.contains("February 2019 has 28 days"), "{why:?}");
        let why = date(&text("08/31/2019")).unwrap_err();
        assert!(why.fix.contains("day first"), "{why:?}");
        let why = date(&text("tgl 6")).unwrap_err();
        assert!(why.why.contains("is not a date"), "{why:?}");
        let why = date(&Cell::Number(2019.0)).unwrap_err();
        assert!(why.why.contains("only a year"), "{why:?}");
        let why = date(&text("Agustus 2019")).unwrap_err();
        assert!(why.why.contains("no day"), "{why:?}");
        let why = date(&text("6 Agustus 2519")).unwrap_err();
        assert!(why.why.contains("outside the years"), "{why:?}");
        let why = date(&Cell::Error("#REF!".into())).unwrap_err();
        assert!(why.why.contains("#REF!"), "{why:?}");
    }

    #[test]
    fn serial_numbers_are_excel_days() {
        assert_eq!(from_serial(1.0), Ok(d(1900, 1, 1)));
        assert_eq!(from_serial(59.0), Ok(d(1900, 2, 28)));
        assert_eq!(from_serial(61.0), Ok(d(1900, 3, 1)));
        assert_eq!(from_serial(45_943.541), Ok(d(2025, 10, 13)));
    }

    #[test]
    fn terms_count_from_the_signing_date() {
        let signed = Some(d(2019, 8, 6));
        for (written, expires) in [
            ("5 tahun", d(2024, 8, 6)),
            ("5 (lima) tahun", d(2024, 8, 6)),
            ("lima tahun", d(2024, 8, 6)),
            ("Selama 5 tahun sejak ditandatangani", d(2024, 8, 6)),
            ("5 years", d(2024, 8, 6)),
            ("10 thn", d(2029, 8, 6)),
            ("6 bulan", d(2020, 2, 6)),
            ("setahun", d(2020, 8, 6)),
            ("6/8/2024", d(2024, 8, 6)),
        ] {
            assert_eq!(
                expiry(&text(written), signed),
                Ok(Some(expires)),
                "{written}"
            );
        }
        assert_eq!(expiry(&text("-"), signed), Ok(None));
        assert_eq!(expiry(&text("Tidak terbatas"), signed), Ok(None));
        let why = expiry(&text("5 tahun"), None).unwrap_err();
        assert!(why.why.contains("no signing date"), "{why:?}");
        let why = expiry(&text("lama sekali"), signed).unwrap_err();
        assert!(why.fix.contains("5 tahun"), "{why:?}");
    }

    #[test]
    fn kinds_and_statuses_in_both_languages() {
        for (written, want) in [
            ("Sister City", AgreementKind::SisterCity),
            ("Kota Kembar", AgreementKind::SisterCity),
            ("Sister Province", AgreementKind::SisterProvince),
            ("Provinsi Kembar", AgreementKind::SisterProvince),
            ("Kerja sama lainnya", AgreementKind::OtherCooperation),
            ("sister_province", AgreementKind::SisterProvince),
            ("Sister City (Kota Kembar)", AgreementKind::SisterCity),
        ] {
            assert_eq!(kind(&text(written)), Ok(Some(want)), "{written}");
        }
        assert!(kind(&text("Joint venture")).is_err());
        for (written, want) in [
            ("Aktif", Status::Active),
            ("Tidak Aktif", Status::Dormant),
            ("aktif (perlu revitalisasi)", Status::Active),
            ("Berakhir", Status::Expired),
            ("Dalam proses perpanjangan", Status::RenewalInProgress),
            ("renewal_in_progress", Status::RenewalInProgress),
            ("Dihentikan", Status::Terminated),
            ("proposed", Status::Proposed),
        ] {
            assert_eq!(status(&text(written)), Ok(Some(want)), "{written}");
        }
        assert!(status(&text("entah")).is_err());
        assert_eq!(status(&text("-")), Ok(None));
    }

    #[test]
    fn lists_split_on_every_separator_bureaus_use() {
        assert_eq!(
            list("Pendidikan, Kelautan dan Perikanan; Pariwisata/Budaya; pendidikan"),
            [
                "Pendidikan",
                "Kelautan dan Perikanan",
                "Pariwisata",
                "Budaya"
            ]
        );
        assert_eq!(
            list("1. Pertanian\n2. Perdagangan\n- Kesehatan"),
            ["Pertanian", "Perdagangan", "Kesehatan"]
        );
        assert_eq!(list("-"), Vec::<String>::new());
    }
}
