//! Calendar dates as people write them (`YYYY-MM-DD`), with errors that say what is wrong.
//!
//! chrono's own messages ("input is out of range") do not tell a coordinator that
//! 2019-02-30 does not exist, so parsing goes through [`parse_date`] everywhere: files,
//! the command line and the editing forms.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

/// Parses `YYYY-MM-DD`, explaining in the error what was wrong and how to write it.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let trimmed = text.trim();
    let parts: Vec<&str> = trimmed.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(format!(
            "{:?} is not a date; write dates as YYYY-MM-DD, e.g. 2019-08-06",
            shorten(trimmed)
        ));
    }
    let (year, month, day) = (
        parts[0].parse::<i32>().unwrap_or(0),
        parts[1].parse::<u32>().unwrap_or(0),
        parts[2].parse::<u32>().unwrap_or(0),
    );
    if !(1..=12).contains(&month) {
        return Err(format!(
            "{trimmed} is not a real date: there is no month {month}; months run 01 to 12"
        ));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let days = days_in_month(year, month);
        format!(
            "{trimmed} is not a real date: {} {year} has {days} days",
            month_name(month)
        )
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

fn days_in_month(year: i32, month: u32) -> u32 {
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

fn month_name(month: u32) -> &'static str {
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

/// serde helpers for a required date field.
pub mod required {
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// serde helpers for an optional date field (`null` when absent).
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.serialize_some(&format_date(*date)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        match text {
            Some(text) => parse_date(&text)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
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
    fn explains_malformed_dates() {
        for bad in ["6 Aug 2019", "2019/08/06", "", "2019-8-6", "２０１９-08-06"] {
            let err = parse_date(bad).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad}: {err}");
        }
    }
}
