//! Calendar dates as people write them (`YYYY-MM-DD`), with errors that say what is wrong.
//!
//! chrono's own messages ("input is out of range") do not tell a coordinator that
//! 2019-02-30 does not exist, so parsing goes through [`parse_date`] everywhere: files,
//! the command line and the editing forms.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not written as YYYY-MM-DD (the text, shortened).
    Form(String),
    /// A month outside 1 to 12.
    Month { text: String, month: u32 },
    /// A day the month does not have.
    Day {
        text: String,
        year: i32,
        month: u32,
        days: u32,
    },
}

impl std::fmt::Display for DateError {
    /// In English, for files and the command line; the dashboard words it in its own
    /// language (`i18n::text::date_error`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::Form(text) => write!(
                f,
                "{text:?} is not a date; write dates as YYYY-MM-DD, e.g. 2019-08-06"
            ),
            DateError::Month { text, month } => write!(
                f,
                "{text} is not a real date: there is no month {month}; months run 01 to 12"
            ),
            DateError::Day {
                text,
                year,
                month,
                days,
            } => write!(
                f,
                "{text} is not a real date: {} {year} has {days} days",
                month_name(*month)
            ),
        }
    }
}

/// Parses `YYYY-MM-DD`, explaining in the error what was wrong and how to write it.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    parse_ymd(text).map_err(|e| e.to_string())
}

/// Parses `YYYY-MM-DD`, saying why not as a [`DateError`].
pub fn parse_ymd(text: &str) -> Result<NaiveDate, DateError> {
    let trimmed = text.trim();
    let parts: Vec<&str> = trimmed.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(DateError::Form(shorten(trimmed)));
    }
    let (year, month, day) = (
        parts[0].parse::<i32>().unwrap_or(0),
        parts[1].parse::<u32>().unwrap_or(0),
        parts[2].parse::<u32>().unwrap_or(0),
    );
    if !(1..=12).contains(&month) {
        return Err(DateError::Month {
            text: trimmed.to_string(),
            month,
        });
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| DateError::Day {
        text: trimmed.to_string(),
        year,
        month,
        days: days_in_month(year, month),
    })
}

fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// How many days a month has.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 31,
    }
}

/// The English name of a month (1 to 12).
pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
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
    NAMES
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

/// Formats a date the one way kembar writes dates.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// A date as serde sees it: `YYYY-MM-DD` text in human-readable formats (the JSON files),
/// a day number in binary ones (the store), where parsing text for every date of every
/// record would dominate the time to open a large store.
struct Wire(NaiveDate);

impl Serialize for Wire {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&format_date(self.0))
        } else {
            s.serialize_i32(self.0.num_days_from_ce())
        }
    }
}

impl<'de> Deserialize<'de> for Wire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Wire, D::Error> {
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            parse_date(&text)
                .map(Wire)
                .map_err(serde::de::Error::custom)
        } else {
            let days = i32::deserialize(d)?;
            NaiveDate::from_num_days_from_ce_opt(days)
                .map(Wire)
                .ok_or_else(|| {
                    serde::de::Error::custom(format!("day number {days} is out of range"))
                })
        }
    }
}

/// serde helpers for a required date field.
pub mod required {
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        Wire(*date).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        Wire::deserialize(d).map(|w| w.0)
    }
}

/// serde helpers for an optional date field (`null` when absent).
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.serialize_some(&Wire(*date)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Wire>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_dates() {
        assert_eq!(
            parse_date("2019-08-06"),
            Ok(NaiveDate::from_ymd_opt(2019, 8, 6).unwrap())
        );
        assert!(parse_date("2020-02-29").is_ok());
    }

    #[test]
    fn explains_impossible_dates() {
        let err = parse_date("2019-02-30").unwrap_err();
        assert!(err.contains("February 2019 has 28 days"), "{err}");
        let err = parse_date("2019-13-01").unwrap_err();
        assert!(err.contains("no month 13"), "{err}");
    }

    #[test]
    fn files_carry_text_and_stores_carry_day_numbers() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(with = "required")]
            day: NaiveDate,
            #[serde(with = "optional")]
            maybe: Option<NaiveDate>,
        }
        let h = Holder {
            day: NaiveDate::from_ymd_opt(2019, 8, 6).unwrap(),
            maybe: None,
        };
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, r#"{"day":"2019-08-06","maybe":null}"#);
        let bytes = postcard::to_stdvec(&h).unwrap();
        assert!(bytes.len() < 6, "{bytes:?}");
        assert_eq!(postcard::from_bytes::<Holder>(&bytes).unwrap(), h);
    }

    #[test]
    fn explains_malformed_dates() {
        for bad in ["6 Aug 2019", "2019/08/06", "", "2019-8-6", "２０１９-08-06"] {
            let err = parse_date(bad).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad}: {err}");
        }
    }
}
