//! Which fields of cooperation an agreement actually pursues, and what its activities
//! achieved: what a renewal rests on. The 2019 evaluation meeting asked renewals to "refocus
//! the fields of cooperation on those actively pursued"; this is the table that shows them.
//!
//! Fields are judged from the activity summary (the days of the activities that served each
//! field), as of a day: an activity counts for the five years up to and including that day,
//! the day exactly five years before included. A field of the MoU with nothing in those five
//! years is idle, once the relationship is five years old (a younger MoU has not had the
//! time). Fields that activities served but the MoU does not name are listed apart.

use chrono::{Datelike, Months, NaiveDate};

use super::model::{Activity, Agreement};
use super::summary::{ActivitySummary, field_key};

/// How far back an activity counts as pursuing its field.
pub const PURSUIT_YEARS: u32 = 5;

/// What to do with a field in the next MoU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Focus {
    /// In the MoU and pursued (or too young to judge): keep it.
    Keep,
    /// In the MoU, nothing for five years: drop it, or say why it stays.
    Drop,
    /// Pursued outside the MoU: write it in.
    Add,
}

/// One field's record as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPursuit {
    /// As the MoU writes it; as the activities wrote it for a field outside the MoU.
    pub field: String,
    pub in_mou: bool,
    /// Activities in the five years up to the day.
    pub recent: u32,
    /// Activities up to the day, ever.
    pub total: u32,
    /// The last activity up to the day.
    pub last: Option<NaiveDate>,
    /// An MoU field with nothing in five years, in a relationship at least that old.
    pub idle: bool,
    /// The suggestion for the next MoU; `None` for a field outside the MoU whose activities
    /// are all older than five years.
    pub focus: Option<Focus>,
}

/// An agreement's fields of cooperation as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pursuit {
    pub as_of: NaiveDate,
    /// The first day of the five years counted.
    pub since: NaiveDate,
    /// The MoU's fields in its order, then those outside it, most recent activity first.
    pub fields: Vec<FieldPursuit>,
    /// Activities in the five years that named no field (signings, renewals and reports
    /// left out), when the timeline was counted (see [`Pursuit::with_timeline`]).
    pub unfielded_recent: Option<u32>,
}

impl Pursuit {
    pub fn mou(&self) -> impl Iterator<Item = &FieldPursuit> {
        self.fields.iter().filter(|f| f.in_mou)
    }

    pub fn outside(&self) -> impl Iterator<Item = &FieldPursuit> {
        self.fields.iter().filter(|f| !f.in_mou)
    }

    pub fn idle(&self) -> impl Iterator<Item = &FieldPursuit> {
        self.fields.iter().filter(|f| f.idle)
    }

    /// Half or more of the MoU's fields idle (an MoU naming no field has none idle).
    pub fn mostly_idle(&self) -> bool {
        let n = self.mou().count();
        let idle = self.idle().count();
        n > 0 && idle * 2 >= n
    }

    pub fn with_focus(&self, focus: Focus) -> impl Iterator<Item = &FieldPursuit> {
        self.fields.iter().filter(move |f| f.focus == Some(focus))
    }
}

/// The first day of the `PURSUIT_YEARS` years up to `day` (the same date five years
/// earlier; 29 February falls back to the 28th).
pub fn window_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * PURSUIT_YEARS))
        .unwrap_or(NaiveDate::MIN)
}

/// The fields of `a` as of `day`, from its activity summary.
pub fn pursuit(a: &Agreement, summary: Option<&ActivitySummary>, day: NaiveDate) -> Pursuit {
    let empty = ActivitySummary::default();
    let summary = summary.unwrap_or(&empty);
    let since = window_start(day);
    let (from, to) = (since.num_days_from_ce(), day.num_days_from_ce());
    let count = |days: &[i32]| -> (u32, u32, Option<NaiveDate>) {
        let end = days.partition_point(|&d| d <= to);
        let start = days.partition_point(|&d| d < from);
        let last = end
            .checked_sub(1)
            .and_then(|i| NaiveDate::from_num_days_from_ce_opt(days[i]));
        ((end - start.min(end)) as u32, end as u32, last)
    };
    // Old enough to judge: first signed (or, unsigned, first active) by the window's start.
    let began = a
        .terms()
        .filter_map(|t| t.signed)
        .min()
        .or_else(|| summary.first());
    let judged = began.is_some_and(|b| b <= since);

    let mut fields = Vec::new();
    let mut mou_keys: Vec<String> = Vec::new();
    for f in &a.fields {
        let key = field_key(f);
        if key.is_empty() || mou_keys.contains(&key) {
            continue;
        }
        let days = summary
            .fields
            .iter()
            .find(|x| field_key(&x.field) == key)
            .map_or(&[][..], |x| &x.days[..]);
        let (recent, total, last) = count(days);
        let idle = recent == 0 && judged;
        fields.push(FieldPursuit {
            field: f.trim().to_string(),
            in_mou: true,
            recent,
            total,
            last,
            idle,
            focus: Some(if idle { Focus::Drop } else { Focus::Keep }),
        });
        mou_keys.push(key);
    }
    let mut outside: Vec<FieldPursuit> = summary
        .fields
        .iter()
        .filter(|x| !mou_keys.contains(&field_key(&x.field)))
        .filter_map(|x| {
            let (recent, total, last) = count(&x.days);
            (total > 0).then(|| FieldPursuit {
                field: x.field.clone(),
                in_mou: false,
                recent,
                total,
                last,
                idle: false,
                focus: (recent > 0).then_some(Focus::Add),
            })
        })
        .collect();
    outside.sort_by(|a, b| {
        b.recent
            .cmp(&a.recent)
            .then(b.last.cmp(&a.last))
            .then(field_key(&a.field).cmp(&field_key(&b.field)))
    });
    fields.extend(outside);
    Pursuit {
        as_of: day,
        since,
        fields,
        unfielded_recent: None,
    }
}

impl Pursuit {
    /// Counts the activities of the timeline in the five years that named no field, leaving
    /// out signings, renewals and reports (which serve the relationship, not a field).
    pub fn with_timeline(mut self, activities: &[Activity]) -> Pursuit {
        use super::model::ActivityKind;
        let n = activities
            .iter()
            .filter(|v| v.date >= self.since && v.date <= self.as_of)
            .filter(|v| v.fields.iter().all(|f| field_key(f).is_empty()))
            .filter(|v| {
                !matches!(
                    v.kind,
                    ActivityKind::MouSigned
                        | ActivityKind::MouRenewed
                        | ActivityKind::ReportSubmitted
                )
            })
            .count();
        self.unfielded_recent = Some(n as u32);
        self
    }
}

/// The figures of the outcomes recorded in one year (or in all years).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Activities with an outcome recorded.
    pub outcomes: u32,
    /// People who took part, where counted.
    pub participants: u64,
    /// Values summed per unit (units differing only in case or spacing are one), sorted by
    /// unit.
    pub values: Vec<(String, f64)>,
}

impl Figures {
    fn add(&mut self, o: &super::model::Outcome) {
        self.outcomes += 1;
        self.participants += u64::from(o.participants.unwrap_or(0));
        if let Some(v) = o.value {
            let key = field_key(&o.unit);
            match self
                .values
                .binary_search_by(|(u, _)| field_key(u).cmp(&key))
            {
                Ok(i) => self.values[i].1 += v,
                Err(i) => self.values.insert(i, (o.unit.trim().to_string(), v)),
            }
        }
    }
}

/// What an agreement's activities achieved, as recorded in their outcomes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Achievements {
    /// Per year, oldest first; only years with an outcome.
    pub years: Vec<(i32, Figures)>,
    pub total: Figures,
}

/// The outcomes of `activities` up to `day`, summed by figure and year.
pub fn achievements(activities: &[Activity], day: NaiveDate) -> Achievements {
    let mut out = Achievements::default();
    let mut recorded: Vec<&Activity> = activities
        .iter()
        .filter(|v| v.date <= day && v.outcome.is_some())
        .collect();
    recorded.sort_by_key(|v| (v.date, v.id));
    for v in recorded {
        let Some(o) = &v.outcome else { continue };
        let year = v.date.year();
        if out.years.last().is_none_or(|(y, _)| *y != year) {
            out.years.push((year, Figures::default()));
        }
        if let Some((_, f)) = out.years.last_mut() {
            f.add(o);
        }
        out.total.add(o);
    }
    out
}

/// Why a figure typed for an outcome cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureError {
    /// Not a number: "banyak", "12a".
    NotANumber,
    /// Below zero.
    Negative,
    /// A count with a fraction: "12,5" people.
    NotWhole,
    /// Over the largest count kept (4,294,967,295) or the largest amount (10^15).
    TooLarge,
}

/// The largest amount an outcome records.
pub const AMOUNT_MAX: f64 = 1e15;

/// Reads an amount as bureaus write it: `120000`, `120.000` or `120,000` (thousands),
/// `1.250,5` (Indonesian decimals), `1,250.5`, `2.5`, `2,5`. A single separator followed by
/// exactly three digits groups thousands; otherwise it is the decimal mark.
pub fn parse_amount(text: &str) -> Result<f64, FigureError> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '_')
        .collect();
    if t.starts_with('-') {
        return Err(FigureError::Negative);
    }
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(FigureError::NotANumber);
    }
    let last_dot = t.rfind('.');
    let last_comma = t.rfind(',');
    let decimal = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) | (None, Some(_)) => {
            let sep = if last_dot.is_some() { '.' } else { ',' };
            let parts: Vec<&str> = t.split(sep).collect();
            let grouped = parts.len() > 1
                && !parts[0].is_empty()
                && parts[0].len() <= 3
                && parts[1..].iter().all(|p| p.len() == 3);
            if grouped { None } else { Some(sep) }
        }
        (None, None) => None,
    };
    let mut plain = String::with_capacity(t.len());
    let mut seen_decimal = false;
    for c in t.chars() {
        match c {
            '0'..='9' => plain.push(c),
            c if Some(c) == decimal => {
                if seen_decimal {
                    return Err(FigureError::NotANumber);
                }
                seen_decimal = true;
                plain.push('.');
            }
            _ => {}
        }
    }
    if plain.starts_with('.') || plain.ends_with('.') {
        return Err(FigureError::NotANumber);
    }
    let v: f64 = plain.parse().map_err(|_| FigureError::NotANumber)?;
    if v > AMOUNT_MAX {
        return Err(FigureError::TooLarge);
    }
    Ok(v)
}

/// Reads a count of people: a whole amount (`1.250` is twelve hundred and fifty).
pub fn parse_count(text: &str) -> Result<u32, FigureError> {
    let v = parse_amount(text)?;
    if v.fract() != 0.0 {
        return Err(FigureError::NotWhole);
    }
    if v > f64::from(u32::MAX) {
        return Err(FigureError::TooLarge);
    }
    Ok(v as u32)
}

/// The fields an activity form's text names: items separated by commas, a number `n`
/// standing for the MoU's `n`th field; each field once. Returns the fields and the numbers
/// that name no field of the MoU.
pub fn fields_from_text(text: &str, mou: &[String]) -> (Vec<String>, Vec<String>) {
    let mut out: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for item in text.split([',', ';', '\n']).map(str::trim) {
        if item.is_empty() {
            continue;
        }
        let field = if item.chars().all(|c| c.is_ascii_digit()) {
            match item
                .parse::<usize>()
                .ok()
                .and_then(|n| mou.get(n.checked_sub(1)?))
            {
                Some(f) => f.trim().to_string(),
                None => {
                    bad.push(item.to_string());
                    continue;
                }
            }
        } else {
            // Spelled as the MoU spells it when it is one of its fields.
            let key = field_key(item);
            mou.iter().find(|f| field_key(f) == key).map_or_else(
                || item.split_whitespace().collect::<Vec<_>>().join(" "),
                |f| f.trim().to_string(),
            )
        };
        if !out.iter().any(|f| field_key(f) == field_key(&field)) {
            out.push(field);
        }
    }
    (out, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{ActivityKind, Outcome, Renewal};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn activity(id: u64, date: &str, kind: ActivityKind, fields: &[&str]) -> Activity {
        Activity {
            id,
            agreement: 1,
            date: d(date),
            kind,
            title: format!("activity {id}"),
            description: String::new(),
            participants: Vec::new(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            outcome: None,
        }
    }

    /// An MoU on education, tourism and livestock, first signed in 2009, renewed in 2014.
    fn agreement() -> Agreement {
        let mut a = Agreement::new(1, "jawa-tengah", "queensland", "pelaksanaan");
        a.renewals.push(Renewal {
            signed: Some(d("2009-08-06")),
            expires: Some(d("2014-08-06")),
            note: String::new(),
        });
        a.signed = Some(d("2014-08-06"));
        a.expires = Some(d("2019-08-06"));
        a.fields = vec![
            "Pendidikan".into(),
            "Pariwisata".into(),
            "Peternakan".into(),
        ];
        a
    }

    fn timeline() -> Vec<Activity> {
        use ActivityKind::*;
        vec![
            // Exactly five years before 2019-08-22: counts.
            activity(1, "2014-08-22", Exchange, &["pendidikan"]),
            // A day earlier: does not count.
            activity(2, "2014-08-21", Visit, &["Pariwisata"]),
            activity(
                3,
                "2018-03-10",
                Training,
                &["Pendidikan", "  kelautan   dan perikanan"],
            ),
            // No field: counted apart; the signing is not.
            activity(4, "2017-05-01", Meeting, &[]),
            activity(5, "2014-08-06", MouRenewed, &[]),
            // After the day: not yet.
            activity(6, "2019-08-23", Visit, &["Peternakan"]),
            // Outside the MoU, and old.
            activity(7, "2010-02-02", Visit, &["Olahraga"]),
        ]
    }

    #[test]
    fn fields_counted_by_hand() {
        let a = agreement();
        let s = ActivitySummary::of(&timeline());
        let p = pursuit(&a, Some(&s), d("2019-08-22"));
        assert_eq!(p.since, d("2014-08-22"));
        let row = |name: &str| p.fields.iter().find(|f| f.field == name).unwrap().clone();
        let edu = row("Pendidikan");
        assert_eq!(
            (edu.recent, edu.total, edu.last),
            (2, 2, Some(d("2018-03-10")))
        );
        assert!(!edu.idle);
        assert_eq!(edu.focus, Some(Focus::Keep));
        let tour = row("Pariwisata");
        assert_eq!(
            (tour.recent, tour.total),
            (0, 1),
            "2014-08-21 is a day too early"
        );
        assert_eq!(tour.last, Some(d("2014-08-21")));
        assert!(tour.idle);
        assert_eq!(tour.focus, Some(Focus::Drop));
        let live = row("Peternakan");
        assert_eq!((live.recent, live.total, live.last), (0, 0, None));
        assert!(live.idle, "the visit of 2019-08-23 has not happened yet");
        let sea = row("kelautan dan perikanan");
        assert!(!sea.in_mou);
        assert_eq!((sea.recent, sea.focus), (1, Some(Focus::Add)));
        let sport = row("Olahraga");
        assert_eq!((sport.recent, sport.total, sport.focus), (0, 1, None));
        assert_eq!(p.unfielded_recent, None);
        let p = p.with_timeline(&timeline());
        assert_eq!(p.unfielded_recent, Some(1), "the meeting; not the renewal");
        assert_eq!(
            p.fields
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>(),
            vec![
                "Pendidikan",
                "Pariwisata",
                "Peternakan",
                "kelautan dan perikanan",
                "Olahraga"
            ]
        );
        // Two of three idle: half or more.
        assert!(p.mostly_idle());
        // A day later the livestock visit counts: one of three idle.
        let later = pursuit(&a, Some(&s), d("2019-08-23"));
        assert!(!later.mostly_idle());
        // And the education exchange of 2014-08-22 drops out then.
        assert_eq!(later.fields[0].recent, 1);
    }

    #[test]
    fn a_young_mou_has_no_idle_fields() {
        let mut a = agreement();
        a.renewals.clear();
        a.signed = Some(d("2016-01-01"));
        let p = pursuit(&a, None, d("2019-08-22"));
        assert!(p.idle().next().is_none());
        assert!(!p.mostly_idle());
        assert!(p.mou().all(|f| f.focus == Some(Focus::Keep)));
        // Five years on it is judged.
        assert_eq!(pursuit(&a, None, d("2021-01-01")).idle().count(), 3);
    }

    #[test]
    fn an_mou_without_fields_is_never_mostly_idle() {
        let mut a = agreement();
        a.fields.clear();
        assert!(!pursuit(&a, None, d("2030-01-01")).mostly_idle());
    }

    #[test]
    fn summaries_do_not_depend_on_order() {
        let mut t = timeline();
        let s = ActivitySummary::of(&t);
        t.reverse();
        assert_eq!(ActivitySummary::of(&t), s);
    }

    #[test]
    fn amounts_as_bureaus_write_them() {
        assert_eq!(parse_amount("120000"), Ok(120000.0));
        assert_eq!(parse_amount("120.000"), Ok(120000.0));
        assert_eq!(parse_amount("120,000"), Ok(120000.0));
        assert_eq!(parse_amount("1.250.000,50"), Ok(1250000.5));
        assert_eq!(parse_amount("1,250,000.50"), Ok(1250000.5));
        assert_eq!(parse_amount("2,5"), Ok(2.5));
        assert_eq!(parse_amount("2.5"), Ok(2.5));
        assert_eq!(parse_amount("-3"), Err(FigureError::Negative));
        assert_eq!(parse_amount("banyak"), Err(FigureError::NotANumber));
        assert_eq!(parse_amount("1,2,3"), Err(FigureError::NotANumber));
        assert_eq!(parse_amount("1e20"), Err(FigureError::NotANumber));
        assert_eq!(parse_count("1.250"), Ok(1250));
        assert_eq!(parse_count("12,5"), Err(FigureError::NotWhole));
        assert_eq!(parse_count("5000000000"), Err(FigureError::TooLarge));
    }

    #[test]
    fn fields_typed_or_picked_by_number() {
        let mou = vec!["Pendidikan".to_string(), "Pariwisata".to_string()];
        let (fields, bad) = fields_from_text("1, pariwisata, Olahraga,  2, 7", &mou);
        assert_eq!(fields, vec!["Pendidikan", "Pariwisata", "Olahraga"]);
        assert_eq!(bad, vec!["7"]);
    }

    #[test]
    fn achievements_sum_by_year_and_unit() {
        let mut t = timeline();
        t[0].outcome = Some(Outcome {
            text: "20 students".into(),
            participants: Some(20),
            value: Some(3.0),
            unit: "scholarships".into(),
        });
        t[2].outcome = Some(Outcome {
            text: String::new(),
            participants: Some(12),
            value: Some(2.0),
            unit: "Scholarships ".into(),
        });
        t[3].outcome = Some(Outcome {
            text: "trade".into(),
            participants: None,
            value: Some(1500.5),
            unit: "USD".into(),
        });
        t[5].outcome = Some(Outcome {
            participants: Some(99),
            ..Outcome::default()
        });
        let x = achievements(&t, d("2019-08-22"));
        assert_eq!(
            x.years
                .iter()
                .map(|(y, f)| (*y, f.outcomes))
                .collect::<Vec<_>>(),
            vec![(2014, 1), (2017, 1), (2018, 1)]
        );
        assert_eq!(x.total.outcomes, 3, "the one after the day is left out");
        assert_eq!(x.total.participants, 32);
        assert_eq!(
            x.total.values,
            vec![
                ("scholarships".to_string(), 5.0),
                ("USD".to_string(), 1500.5)
            ]
        );
    }
}
