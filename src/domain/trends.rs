//! The country's cooperation year by year: what the ministry's evaluation compares.
//!
//! One row per year from the year of the first signing to the year of the day judged
//! (`today`, the as-of date), each counting only what had happened by that day:
//!
//! - **signed**: agreements whose first MoU term was signed that year;
//! - **renewed**: MoU terms after an agreement's first, signed that year;
//! - **in force**: agreements whose MoU was in force on the last day of the year (or on
//!   `today` in its own year): a term signed by then and not ended, and not terminated;
//! - **expired**: MoU terms that ended that year (their expiry date fell in it, before
//!   `today`) without a renewal signed by the day after;
//! - **activities**: activities dated that year, MoU signings and renewals left out (they are
//!   the first two columns).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::catalog::Catalog;
use super::model::{Agreement, Status};

/// One year's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearRow {
    pub year: i32,
    /// The last day counted: 31 December, or the day judged in its own year.
    #[serde(with = "super::dates::required")]
    pub through: NaiveDate,
    pub signed: u32,
    pub renewed: u32,
    pub in_force: u32,
    pub expired: u32,
    pub activities: u32,
}

/// The rows for every agreement, oldest year first; empty when nothing was signed by `today`.
pub fn yearly(catalog: &Catalog, today: NaiveDate) -> Vec<YearRow> {
    yearly_of(catalog, catalog.agreements.iter(), today)
}

/// The rows for some of the catalog's agreements (a province's, for one).
pub fn yearly_of<'a>(
    catalog: &Catalog,
    agreements: impl IntoIterator<Item = &'a Agreement>,
    today: NaiveDate,
) -> Vec<YearRow> {
    let agreements: Vec<&Agreement> = agreements.into_iter().collect();
    let first = agreements
        .iter()
        .flat_map(|a| a.terms().filter_map(|t| t.signed))
        .filter(|&s| s <= today)
        .min();
    let Some(first) = first else {
        return Vec::new();
    };
    let mut rows: Vec<YearRow> = (first.year()..=today.year())
        .map(|year| YearRow {
            year,
            through: NaiveDate::from_ymd_opt(year, 12, 31)
                .unwrap_or(today)
                .min(today),
            signed: 0,
            renewed: 0,
            in_force: 0,
            expired: 0,
            activities: 0,
        })
        .collect();
    let from = first.year();
    let slot = |rows: &mut Vec<YearRow>, day: NaiveDate| -> Option<usize> {
        let i = usize::try_from(day.year() - from).ok()?;
        (i < rows.len()).then_some(i)
    };
    for a in agreements {
        let terms: Vec<_> = a.terms().collect();
        for (k, t) in terms.iter().enumerate() {
            if let Some(s) = t.signed.filter(|&s| s <= today)
                && let Some(i) = slot(&mut rows, s)
            {
                if k == 0 {
                    rows[i].signed += 1;
                } else {
                    rows[i].renewed += 1;
                }
            }
            if let Some(e) = t.expires.filter(|&e| e < today)
                && lapsed(a, e)
                && let Some(i) = slot(&mut rows, e)
            {
                rows[i].expired += 1;
            }
        }
        for row in rows.iter_mut() {
            if in_force(a, row.through) {
                row.in_force += 1;
            }
        }
        if let Some(summary) = catalog.summary(a.id) {
            let today_n = today.num_days_from_ce();
            let mut signings = summary.signings.iter().peekable();
            for &day in summary.days.iter().take_while(|&&d| d <= today_n) {
                // Signings are a sub-list of the days: skip one copy of each.
                while signings.peek().is_some_and(|&&s| s < day) {
                    signings.next();
                }
                if signings.peek() == Some(&&day) {
                    signings.next();
                    continue;
                }
                if let Some(date) = NaiveDate::from_num_days_from_ce_opt(day)
                    && let Some(i) = slot(&mut rows, date)
                {
                    rows[i].activities += 1;
                }
            }
        }
    }
    rows
}

/// Whether the agreement's MoU was in force on `day`.
pub fn in_force(a: &Agreement, day: NaiveDate) -> bool {
    let Some(term) = a.term_on(day) else {
        return false;
    };
    term.signed.is_some_and(|s| s <= day)
        && !term.ended_by(day)
        && a.status_on(day) != Status::Terminated
}

/// Whether a term expiring on `expires` ended without a renewal signed by the day after.
fn lapsed(a: &Agreement, expires: NaiveDate) -> bool {
    let next = expires.succ_opt().unwrap_or(expires);
    a.term_on(next)
        .is_some_and(|t| t.expires == Some(expires) && t.ended_by(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::summary::ActivitySummary;
    use crate::domain::{ActivityKind, Renewal, StatusChange};
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn agreement(id: u64, signed: &str, expires: Option<&str>) -> Agreement {
        let mut a = Agreement::new(id, "r", "p", "pelaksanaan");
        a.signed = Some(d(signed));
        a.expires = expires.map(d);
        a
    }

    #[test]
    fn counted_by_hand() {
        // 1: signed 2018 for two years, lapsed at the end of 2020, renewed in 2021.
        let mut one = agreement(1, "2021-03-01", Some("2026-03-01"));
        one.renewals.push(Renewal {
            signed: Some(d("2018-06-01")),
            expires: Some(d("2020-06-01")),
            note: String::new(),
        });
        // 2: signed 2019, renewed early in 2021 (before its 2022 expiry): never lapsed.
        let mut two = agreement(2, "2021-09-01", Some("2025-09-01"));
        two.renewals.push(Renewal {
            signed: Some(d("2019-01-15")),
            expires: Some(d("2022-01-15")),
            note: String::new(),
        });
        // 3: signed 2020 without an end, terminated in 2022.
        let mut three = agreement(3, "2020-02-02", None);
        three.statuses.push(StatusChange {
            status: Status::Terminated,
            on: d("2022-05-05"),
        });
        // 4: signed 2022, expires in 2023 (before the day judged).
        let four = agreement(4, "2022-04-01", Some("2023-04-01"));
        // 5: signed after the day judged: not counted at all.
        let five = agreement(5, "2024-01-01", None);
        let mut summaries = HashMap::new();
        let mut s = ActivitySummary::default();
        s.add(d("2018-06-01"), ActivityKind::MouSigned);
        s.add(d("2018-07-01"), ActivityKind::Visit);
        s.add(d("2021-03-01"), ActivityKind::MouRenewed);
        s.add(d("2021-03-01"), ActivityKind::Meeting);
        s.add(d("2023-08-01"), ActivityKind::Visit);
        summaries.insert(1, s);
        let catalog = Catalog::new(
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            vec![one, two, three, four, five],
            summaries,
        );
        let rows = yearly(&catalog, d("2023-06-30"));
        let got: Vec<(i32, u32, u32, u32, u32, u32)> = rows
            .iter()
            .map(|r| {
                (
                    r.year,
                    r.signed,
                    r.renewed,
                    r.in_force,
                    r.expired,
                    r.activities,
                )
            })
            .collect();
        // year, signed, renewed, in force at the end, expired, activities
        assert_eq!(
            got,
            vec![
                (2018, 1, 0, 1, 0, 1),
                (2019, 1, 0, 2, 0, 0),
                (2020, 1, 0, 2, 1, 0),
                (2021, 0, 2, 3, 0, 1),
                (2022, 1, 0, 3, 0, 0),
                (2023, 0, 0, 2, 1, 0),
            ]
        );
        assert_eq!(rows.last().unwrap().through, d("2023-06-30"));
        assert_eq!(rows[0].through, d("2018-12-31"));
    }

    #[test]
    fn nothing_signed_gives_no_rows() {
        let mut a = Agreement::new(1, "r", "p", "s");
        a.expires = None;
        let catalog = Catalog::new(
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            vec![a],
            HashMap::new(),
        );
        assert!(yearly(&catalog, d("2020-01-01")).is_empty());
    }
}
