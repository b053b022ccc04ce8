//! What the dashboard needs to know about an agreement's timeline without reading it:
//! how many activities, the first and last dates, and the count per year.
//!
//! The store keeps one summary per agreement up to date with every activity write, so that
//! opening a store of a million activities reads a hundred thousand small summaries instead.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::dates;
use super::model::{Activity, ActivityKind};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySummary {
    pub count: u32,
    #[serde(with = "dates::optional")]
    pub first: Option<NaiveDate>,
    #[serde(with = "dates::optional")]
    pub last: Option<NaiveDate>,
    /// (year, activities that year), ascending by year, years without activity left out.
    pub per_year: Vec<(i32, u32)>,
    /// Every activity's day (days from the common era), ascending: lets the triage rules
    /// judge "as of" any date without reading the timeline.
    pub days: Vec<i32>,
    /// The days of MoU signings and renewals among them, ascending.
    pub signings: Vec<i32>,
}

impl ActivitySummary {
    pub fn of<'a>(activities: impl IntoIterator<Item = &'a Activity>) -> Self {
        let mut summary = ActivitySummary::default();
        for a in activities {
            summary.add(a.date, a.kind);
        }
        summary
    }

    pub fn add(&mut self, date: NaiveDate, kind: ActivityKind) {
        let day = date.num_days_from_ce();
        let at = self.days.partition_point(|&d| d <= day);
        self.days.insert(at, day);
        if matches!(kind, ActivityKind::MouSigned | ActivityKind::MouRenewed) {
            let at = self.signings.partition_point(|&d| d <= day);
            self.signings.insert(at, day);
        }
        self.count += 1;
        self.first = Some(self.first.map_or(date, |f| f.min(date)));
        self.last = Some(self.last.map_or(date, |l| l.max(date)));
        let year = date.year();
        match self.per_year.binary_search_by_key(&year, |&(y, _)| y) {
            Ok(i) => self.per_year[i].1 += 1,
            Err(i) => self.per_year.insert(i, (year, 1)),
        }
    }

    /// The last activity on or before `day` (later ones have not happened yet as of then).
    pub fn last_by(&self, day: NaiveDate) -> Option<NaiveDate> {
        let seen = self.days.partition_point(|&d| d <= day.num_days_from_ce());
        seen.checked_sub(1)
            .and_then(|i| NaiveDate::from_num_days_from_ce_opt(self.days[i]))
    }

    /// Counts for each year from `from` to `to` inclusive, zero where nothing happened.
    pub fn yearly(&self, from: i32, to: i32) -> Vec<(i32, u32)> {
        (from..=to)
            .map(|y| {
                let n = self
                    .per_year
                    .binary_search_by_key(&y, |&(year, _)| year)
                    .map(|i| self.per_year[i].1)
                    .unwrap_or(0);
                (y, n)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::parse_date(s).unwrap()
    }

    #[test]
    fn keeps_first_last_and_years() {
        let mut s = ActivitySummary::default();
        for day in ["2018-05-12", "2012-01-01", "2018-09-30", "2015-03-03"] {
            s.add(d(day), ActivityKind::Visit);
        }
        assert_eq!(s.count, 4);
        assert_eq!(s.first, Some(d("2012-01-01")));
        assert_eq!(s.last, Some(d("2018-09-30")));
        assert_eq!(s.per_year, vec![(2012, 1), (2015, 1), (2018, 2)]);
        assert_eq!(s.yearly(2014, 2016), vec![(2014, 0), (2015, 1), (2016, 0)]);
    }
}
