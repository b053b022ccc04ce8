//! What the dashboard and triage need to know about an agreement's timeline without reading
//! it: the day of every activity, and which of them were MoU signings.
//!
//! The store keeps one summary per agreement up to date with every activity write, so that
//! opening a store of a million activities reads a hundred thousand small summaries instead.
//! Counts, first and last dates and the per-year chart are derived from the days when asked,
//! which keeps what is stored (and decoded at every start) to a few short lists: the days,
//! the signings, and the days of each field of cooperation the activities served (what
//! triage needs to tell which fields of an MoU are pursued, see `domain::pursuit`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::model::{Activity, ActivityKind};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySummary {
    /// Every activity's day (days from the common era), ascending.
    pub days: Vec<i32>,
    /// The days of MoU signings and renewals among them, ascending.
    pub signings: Vec<i32>,
    /// Each field of cooperation the activities named, with the days of its activities,
    /// ascending. Fields differing only in case or spacing are one, spelled the way that
    /// sorts first; the list is sorted by [`field_key`], so the summary is the same
    /// whatever order the activities were counted in.
    pub fields: Vec<FieldDays>,
}

/// The days of the activities that served one field of cooperation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDays {
    pub field: String,
    pub days: Vec<i32>,
}

/// How fields of cooperation are compared: case, accents kept, spacing and case folded
/// ("Kelautan  dan Perikanan" is "kelautan dan perikanan").
pub fn field_key(field: &str) -> String {
    field
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn insert_sorted(days: &mut Vec<i32>, day: i32) {
    let at = days.partition_point(|&d| d <= day);
    days.insert(at, day);
}

fn date(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

impl ActivitySummary {
    pub fn of<'a>(activities: impl IntoIterator<Item = &'a Activity>) -> Self {
        let mut summary = ActivitySummary::default();
        for a in activities {
            summary.add_activity(a);
        }
        summary
    }

    /// Counts an activity: its day, whether it was a signing, and the fields it served.
    pub fn add_activity(&mut self, a: &Activity) {
        self.add(a.date, a.kind);
        self.add_fields(a.date, &a.fields);
    }

    /// Counts an activity's day (and whether it was a signing), without its fields.
    pub fn add(&mut self, date: NaiveDate, kind: ActivityKind) {
        let day = date.num_days_from_ce();
        insert_sorted(&mut self.days, day);
        if matches!(kind, ActivityKind::MouSigned | ActivityKind::MouRenewed) {
            insert_sorted(&mut self.signings, day);
        }
    }

    /// Counts the fields an activity on `date` served (each field once). Activities
    /// that name none are not kept apart: the summary is read at every start, and the brief
    /// counts them from the timeline.
    pub fn add_fields(&mut self, date: NaiveDate, fields: &[String]) {
        let day = date.num_days_from_ce();
        let mut seen: Vec<String> = Vec::new();
        for f in fields {
            let key = field_key(f);
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            let spelled = f.split_whitespace().collect::<Vec<_>>().join(" ");
            match self
                .fields
                .binary_search_by(|x| field_key(&x.field).cmp(&key))
            {
                Ok(i) => {
                    let x = &mut self.fields[i];
                    insert_sorted(&mut x.days, day);
                    if spelled < x.field {
                        x.field = spelled;
                    }
                }
                Err(i) => self.fields.insert(
                    i,
                    FieldDays {
                        field: spelled,
                        days: vec![day],
                    },
                ),
            }
            seen.push(key);
        }
    }

    pub fn count(&self) -> u32 {
        self.days.len() as u32
    }

    pub fn first(&self) -> Option<NaiveDate> {
        self.days.first().copied().and_then(date)
    }

    pub fn last(&self) -> Option<NaiveDate> {
        self.days.last().copied().and_then(date)
    }

    /// The last activity on or before `day` (later ones have not happened yet as of then).
    pub fn last_by(&self, day: NaiveDate) -> Option<NaiveDate> {
        let seen = self.days.partition_point(|&d| d <= day.num_days_from_ce());
        seen.checked_sub(1).and_then(|i| date(self.days[i]))
    }

    /// Counts for each year from `from` to `to` inclusive, zero where nothing happened.
    pub fn yearly(&self, from: i32, to: i32) -> Vec<(i32, u32)> {
        let mut counts: Vec<(i32, u32)> = (from..=to).map(|y| (y, 0)).collect();
        for day in &self.days {
            if let Some(d) = date(*day)
                && let Some(slot) = d
                    .year()
                    .checked_sub(from)
                    .and_then(|i| counts.get_mut(i as usize))
            {
                slot.1 += 1;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn keeps_first_last_and_years() {
        let mut s = ActivitySummary::default();
        for day in ["2018-05-12", "2012-01-01", "2018-09-30", "2015-03-03"] {
            s.add(d(day), ActivityKind::Visit);
        }
        s.add(d("2012-01-01"), ActivityKind::MouSigned);
        assert_eq!(s.count(), 5);
        assert_eq!(s.first(), Some(d("2012-01-01")));
        assert_eq!(s.last(), Some(d("2018-09-30")));
        assert_eq!(s.last_by(d("2018-06-01")), Some(d("2018-05-12")));
        assert_eq!(s.last_by(d("2011-06-01")), None);
        assert_eq!(s.yearly(2014, 2016), vec![(2014, 0), (2015, 1), (2016, 0)]);
        assert_eq!(s.yearly(2018, 2018), vec![(2018, 2)]);
        assert_eq!(s.signings, vec![d("2012-01-01").num_days_from_ce()]);
    }
}
