//! Excel workbooks: the lossless export (`kembar export --format xlsx`), reading it back, and
//! the table helpers the report workbook shares.
//!
//! The export has one sheet per kind of record, each a table with a frozen, filtered header
//! row: `agreements` and the lists they hold (`renewals`, `contacts`, `reports`, and the dated
//! history: `statuses`, `obstacles`, `assessments`), `regions`, `partners`, `activities`, the
//! triage notes (`attention`, `past_decisions`, `follow_ups`), custom `tags`, `stages`, and a
//! last sheet `kembar` naming the format and schema. The `status` and `obstacles` columns of
//! the agreements sheet show how things stood on the day of the export, for people reading
//! it; reading the workbook back takes the history from its own sheets (a schema-1 workbook,
//! which has none, is upgraded as a schema-1 JSON file is). Dates are real date
//! cells; lists are one item per line in their cell (names never hold a line break, so this
//! loses nothing). Importing the workbook into an empty store and exporting JSON gives the
//! JSON export of the original store, byte for byte.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::domain::text::display_safe;
use crate::domain::{
    Activity, Agreement, Assessment, Attention, Contact, Coordinates, Dataset, FORMAT_NAME,
    FollowUp, Judgement, Outcome, Partner, PastDecision, Principle, Region, Renewal, ReportDue,
    Reporting, SCHEMA_VERSION, Stage, StatusChange, Tag, TagSpan,
};
use crate::store::interchange::enum_name;

/// A workbook that cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("cannot write the workbook: {what}: {reason}\nfix: {fix}")]
    Write {
        what: String,
        reason: String,
        fix: String,
    },

    #[error("{}", read_message(file, problems, *total))]
    Read {
        file: String,
        problems: Vec<String>,
        total: usize,
    },
}

fn read_message(file: &str, problems: &[String], total: usize) -> String {
    let mut text = format!(
        "{file} is a kembar workbook with {total} value{} kembar cannot read. Nothing was \
         imported.",
        if total == 1 { "" } else { "s" }
    );
    for p in problems {
        text.push_str("\n  - ");
        text.push_str(p);
    }
    if total > problems.len() {
        text.push_str(&format!("\n  ... and {} more", total - problems.len()));
    }
    text.push_str(
        "\nfix: correct those cells (dates as dates or YYYY-MM-DD, ids as numbers, one list \
         item per line), or export the workbook again with `kembar export --format xlsx`",
    );
    text
}

fn write_error(what: impl Into<String>, e: XlsxError) -> WorkbookError {
    let fix = match e {
        XlsxError::MaxStringLengthExceeded => {
            "a cell holds at most 32,767 characters: shorten that text, or export JSON \
             (`kembar export`), which has no such limit"
        }
        XlsxError::RowColumnLimitError => {
            "a sheet holds at most 1,048,575 records: export JSON (`kembar export`) instead"
        }
        _ => "export JSON (`kembar export`) instead, and report the message",
    };
    WorkbookError::Write {
        what: what.into(),
        reason: e.to_string(),
        fix: fix.to_string(),
    }
}

/// The formats a workbook's tables use.
pub struct Formats {
    pub header: Format,
    pub date: Format,
    pub wrap: Format,
    pub title: Format,
    pub bold: Format,
}

impl Formats {
    pub fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

/// One cell of a table row.
pub enum Value<'a> {
    Text(&'a str),
    Owned(String),
    Number(f64),
    Date(Option<NaiveDate>),
    Empty,
}

/// A column: its header and width (in characters).
pub struct ColumnSpec<'a> {
    pub header: &'a str,
    pub width: f64,
}

pub const fn col(header: &str, width: f64) -> ColumnSpec<'_> {
    ColumnSpec { header, width }
}

/// Writes a table's header row at `row`, with column widths.
pub fn write_header(
    sheet: &mut Worksheet,
    row: u32,
    columns: &[ColumnSpec<'_>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, spec) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(row, c, spec.header, &formats.header)?;
        sheet.set_column_width(c, spec.width)?;
    }
    Ok(())
}

/// Writes one table row. Text is written as text, never as a formula.
pub fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    values: &[Value<'_>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, value) in values.iter().enumerate() {
        let c = c as u16;
        match value {
            Value::Text("") => {}
            Value::Text(t) => {
                sheet.write_string_with_format(row, c, *t, &formats.wrap)?;
            }
            Value::Owned(t) if t.is_empty() => {}
            Value::Owned(t) => {
                sheet.write_string_with_format(row, c, t.as_str(), &formats.wrap)?;
            }
            Value::Number(n) => {
                sheet.write_number(row, c, *n)?;
            }
            Value::Date(Some(d)) => {
                sheet.write_date_with_format(row, c, d, &formats.date)?;
            }
            Value::Date(None) | Value::Empty => {}
        }
    }
    Ok(())
}

/// Freezes the header row and puts filters on it.
pub fn finish_table(
    sheet: &mut Worksheet,
    header_row: u32,
    last_row: u32,
    columns: usize,
) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(header_row + 1, 0)?;
    if columns > 0 {
        sheet.autofilter(header_row, 0, last_row.max(header_row), columns as u16 - 1)?;
    }
    Ok(())
}

fn list(items: &[String]) -> String {
    items.join("\n")
}

fn opt_number<T: Into<f64> + Copy>(n: Option<T>) -> Value<'static> {
    n.map_or(Value::Empty, |n| Value::Number(n.into()))
}

const AGREEMENTS: &[ColumnSpec<'static>] = &[
    col("id", 8.0),
    col("region", 20.0),
    col("partner", 20.0),
    col("kind", 16.0),
    col("status", 14.0),
    col("stage", 16.0),
    col("signed", 12.0),
    col("expires", 12.0),
    col("fields", 24.0),
    col("notes", 50.0),
    col("obstacles", 18.0),
    col("reporting_period_months", 12.0),
];
const RENEWALS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("signed", 12.0),
    col("expires", 12.0),
    col("note", 60.0),
];
const CONTACTS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("side", 10.0),
    col("name", 24.0),
    col("role", 40.0),
    col("email", 30.0),
    col("phone", 18.0),
];
const REPORTS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("due", 12.0),
    col("submitted", 12.0),
];
const REGIONS: &[ColumnSpec<'static>] = &[
    col("id", 22.0),
    col("name", 22.0),
    col("official_name", 36.0),
    col("level", 10.0),
    col("province", 20.0),
    col("short_names", 14.0),
    col("lat", 10.0),
    col("lon", 10.0),
];
const PARTNERS: &[ColumnSpec<'static>] = &[
    col("id", 22.0),
    col("name", 22.0),
    col("country", 16.0),
    col("level", 16.0),
    col("aliases", 30.0),
    col("lat", 10.0),
    col("lon", 10.0),
];
const ACTIVITIES: &[ColumnSpec<'static>] = &[
    col("id", 8.0),
    col("agreement", 10.0),
    col("date", 12.0),
    col("kind", 14.0),
    col("title", 40.0),
    col("description", 60.0),
    col("participants", 30.0),
    col("fields", 24.0),
    col("outcome", 50.0),
    col("outcome_participants", 12.0),
    col("outcome_value", 14.0),
    col("outcome_unit", 14.0),
];
const ATTENTION: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("decision", 18.0),
    col("decided", 12.0),
    col("snoozed_until", 12.0),
    col("snooze_note", 40.0),
    col("snoozed_on", 12.0),
];
const FOLLOW_UPS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("owner", 24.0),
    col("due", 12.0),
    col("next_step", 50.0),
    col("done", 12.0),
    col("noted", 12.0),
];
const STATUSES: &[ColumnSpec<'static>] =
    &[col("agreement", 10.0), col("status", 18.0), col("on", 12.0)];
const OBSTACLES: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("tag", 18.0),
    col("from", 12.0),
    col("until", 12.0),
];
const ASSESSMENTS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("on", 12.0),
    col("political", 14.0),
    col("political_note", 30.0),
    col("juridical", 14.0),
    col("juridical_note", 30.0),
    col("technical", 14.0),
    col("technical_note", 30.0),
    col("security", 14.0),
    col("security_note", 30.0),
    col("benefit_region", 40.0),
    col("benefit_partner", 40.0),
    col("fit", 40.0),
];
const PAST_DECISIONS: &[ColumnSpec<'static>] = &[
    col("agreement", 10.0),
    col("decision", 18.0),
    col("decided", 12.0),
    col("until", 12.0),
];
const LABELLED: &[ColumnSpec<'static>] = &[
    col("id", 22.0),
    col("label_id", 36.0),
    col("label_en", 36.0),
];

/// Writes a dataset as a workbook, one sheet per kind of record; the agreements sheet shows
/// the status and tags of `today`.
pub fn write_dataset(data: &Dataset, today: NaiveDate) -> Result<Vec<u8>, WorkbookError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    // Each sheet is written row by row through a temporary file: a store of 100,000
    // agreements would otherwise hold every cell of the workbook in memory at once.
    macro_rules! sheet {
        ($name:literal, $columns:expr, $rows:expr) => {{
            let sheet = book
                .add_worksheet_with_constant_memory()
                .map_err(|e| write_error(concat!("sheet ", $name), e))?;
            sheet
                .set_name($name)
                .map_err(|e| write_error(concat!("sheet ", $name), e))?;
            write_header(sheet, 0, $columns, &formats)
                .map_err(|e| write_error(concat!("sheet ", $name), e))?;
            let mut last = 0u32;
            for (i, row) in $rows.enumerate() {
                last = i as u32 + 1;
                write_row(sheet, last, &row, &formats)
                    .map_err(|e| write_error(format!("sheet {}, row {}", $name, last + 1), e))?;
            }
            finish_table(sheet, 0, last, $columns.len())
                .map_err(|e| write_error(concat!("sheet ", $name), e))?;
        }};
    }

    let rows = data.agreements.iter().map(|a| {
        vec![
            Value::Number(a.id as f64),
            Value::Text(&a.region),
            Value::Text(&a.partner),
            Value::Owned(enum_name(&a.kind)),
            Value::Owned(enum_name(&a.status_on(today))),
            Value::Text(&a.stage),
            Value::Date(a.signed),
            Value::Date(a.expires),
            Value::Owned(list(&a.fields)),
            Value::Text(&a.notes),
            Value::Owned(a.tags_on(today).collect::<Vec<_>>().join("\n")),
            opt_number(a.reporting.period_months),
        ]
    });
    sheet!("agreements", AGREEMENTS, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.statuses.iter().map(move |c| {
            vec![
                Value::Number(a.id as f64),
                Value::Owned(enum_name(&c.status)),
                Value::Date(Some(c.on)),
            ]
        })
    });
    sheet!("statuses", STATUSES, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.obstacles.iter().map(move |t| {
            vec![
                Value::Number(a.id as f64),
                Value::Text(&t.tag),
                Value::Date(Some(t.from)),
                Value::Date(t.until),
            ]
        })
    });
    sheet!("obstacles", OBSTACLES, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.assessments.iter().map(move |x| {
            let mut row = vec![Value::Number(a.id as f64), Value::Date(Some(x.on))];
            for p in Principle::ALL {
                let j = x.judgement(p);
                row.push(Value::Owned(enum_name(&j.verdict)));
                row.push(Value::Text(&j.note));
            }
            row.push(Value::Text(&x.benefit_region));
            row.push(Value::Text(&x.benefit_partner));
            row.push(Value::Text(&x.fit));
            row
        })
    });
    sheet!("assessments", ASSESSMENTS, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.renewals.iter().map(move |r| {
            vec![
                Value::Number(a.id as f64),
                Value::Date(r.signed),
                Value::Date(r.expires),
                Value::Text(&r.note),
            ]
        })
    });
    sheet!("renewals", RENEWALS, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.contacts.iter().map(move |c| {
            vec![
                Value::Number(a.id as f64),
                Value::Owned(enum_name(&c.side)),
                Value::Text(&c.name),
                Value::Text(&c.role),
                Value::Text(&c.email),
                Value::Text(&c.phone),
            ]
        })
    });
    sheet!("contacts", CONTACTS, rows);
    let rows = data.agreements.iter().flat_map(|a| {
        a.reporting.reports.iter().map(move |r| {
            vec![
                Value::Number(a.id as f64),
                Value::Date(Some(r.due)),
                Value::Date(r.submitted),
            ]
        })
    });
    sheet!("reports", REPORTS, rows);
    let rows = data.regions.iter().map(|r| {
        vec![
            Value::Text(&r.id),
            Value::Text(&r.name),
            Value::Text(&r.official_name),
            Value::Owned(enum_name(&r.level)),
            Value::Text(r.province.as_deref().unwrap_or("")),
            Value::Owned(list(&r.short_names)),
            opt_number(r.coordinates.map(|c| c.lat)),
            opt_number(r.coordinates.map(|c| c.lon)),
        ]
    });
    sheet!("regions", REGIONS, rows);
    let rows = data.partners.iter().map(|p| {
        vec![
            Value::Text(&p.id),
            Value::Text(&p.name),
            Value::Text(&p.country),
            Value::Text(&p.level),
            Value::Owned(list(&p.aliases)),
            opt_number(p.coordinates.map(|c| c.lat)),
            opt_number(p.coordinates.map(|c| c.lon)),
        ]
    });
    sheet!("partners", PARTNERS, rows);
    let rows = data.activities.iter().map(|v| {
        vec![
            Value::Number(v.id as f64),
            Value::Number(v.agreement as f64),
            Value::Date(Some(v.date)),
            Value::Owned(enum_name(&v.kind)),
            Value::Text(&v.title),
            Value::Text(&v.description),
            Value::Owned(list(&v.participants)),
            Value::Owned(list(&v.fields)),
            Value::Text(v.outcome.as_ref().map_or("", |o| o.text.as_str())),
            opt_number(v.outcome.as_ref().and_then(|o| o.participants)),
            opt_number(v.outcome.as_ref().and_then(|o| o.value)),
            Value::Text(v.outcome.as_ref().map_or("", |o| o.unit.as_str())),
        ]
    });
    sheet!("activities", ACTIVITIES, rows);
    let rows = data.attention.iter().map(|n| {
        vec![
            Value::Number(n.agreement as f64),
            Value::Owned(n.decision.map(|d| enum_name(&d)).unwrap_or_default()),
            Value::Date(n.decided),
            Value::Date(n.snoozed_until),
            Value::Text(&n.snooze_note),
            Value::Date(n.snoozed_on),
        ]
    });
    sheet!("attention", ATTENTION, rows);
    let rows = data.attention.iter().flat_map(|n| {
        n.past_decisions.iter().map(move |p| {
            vec![
                Value::Number(n.agreement as f64),
                Value::Owned(enum_name(&p.decision)),
                Value::Date(p.decided),
                Value::Date(Some(p.until)),
            ]
        })
    });
    sheet!("past_decisions", PAST_DECISIONS, rows);
    let rows = data.attention.iter().flat_map(|n| {
        n.follow_ups.iter().map(move |f| {
            vec![
                Value::Number(n.agreement as f64),
                Value::Text(&f.owner),
                Value::Date(Some(f.due)),
                Value::Text(&f.next_step),
                Value::Date(f.done),
                Value::Date(f.noted),
            ]
        })
    });
    sheet!("follow_ups", FOLLOW_UPS, rows);
    let rows = data.tags.iter().map(|t| {
        vec![
            Value::Text(&t.id),
            Value::Text(&t.label_id),
            Value::Text(&t.label_en),
        ]
    });
    sheet!("tags", LABELLED, rows);
    let rows = data.stages.iter().map(|s| {
        vec![
            Value::Text(&s.id),
            Value::Text(&s.label_id),
            Value::Text(&s.label_en),
        ]
    });
    sheet!("stages", LABELLED, rows);

    let sheet = book.add_worksheet();
    let meta = |sheet: &mut Worksheet| -> Result<(), XlsxError> {
        sheet.set_name(META_SHEET)?;
        sheet.write_string_with_format(0, 0, "format", &formats.bold)?;
        sheet.write_string(0, 1, FORMAT_NAME)?;
        sheet.write_string_with_format(1, 0, "schema", &formats.bold)?;
        sheet.write_number(1, 1, SCHEMA_VERSION)?;
        sheet.set_column_width(0, 10)?;
        Ok(())
    };
    meta(sheet).map_err(|e| write_error("sheet kembar", e))?;
    book.save_to_buffer()
        .map_err(|e| write_error("the workbook", e))
}

/// The sheet that marks a workbook as kembar's own export.
const META_SHEET: &str = "kembar";

/// Whether workbook bytes are a kembar export (rather than a bureau's register).
pub fn is_kembar_workbook(bytes: &[u8]) -> bool {
    let Ok(mut book) = Xlsx::new(Cursor::new(bytes)) else {
        return false;
    };
    if !book.sheet_names().iter().any(|n| n == META_SHEET) {
        return false;
    }
    book.worksheet_range(META_SHEET).is_ok_and(|r| {
        r.get_value((0, 1))
            .is_some_and(|v| matches!(v, Data::String(s) if s == FORMAT_NAME))
    })
}

/// Collects what cannot be read, with the sheet, row and column of each.
struct Reading<'a> {
    problems: Vec<String>,
    sheet: &'a str,
    headers: &'a [ColumnSpec<'a>],
}

impl Reading<'_> {
    fn fail(&mut self, row: usize, column: usize, what: String) {
        let header = self.headers.get(column).map_or("", |c| c.header);
        self.problems.push(format!(
            "sheet {:?}, row {}, column {} {:?}: {what}",
            self.sheet,
            row + 1,
            crate::register::sheet::column_letter(column),
            header
        ));
    }

    fn text(&mut self, cells: &[Data], row: usize, column: usize) -> String {
        match cells.get(column).unwrap_or(&Data::Empty) {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            other => {
                self.fail(row, column, format!("{other:?} is not text"));
                String::new()
            }
        }
    }

    fn list(&mut self, cells: &[Data], row: usize, column: usize) -> Vec<String> {
        let text = self.text(cells, row, column);
        if text.is_empty() {
            return Vec::new();
        }
        text.split('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s).to_string())
            .collect()
    }

    fn number(&mut self, cells: &[Data], row: usize, column: usize) -> Option<f64> {
        match cells.get(column).unwrap_or(&Data::Empty) {
            Data::Empty => None,
            Data::Float(f) => Some(*f),
            Data::Int(i) => Some(*i as f64),
            Data::String(s) => match s.trim().parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.fail(
                        row,
                        column,
                        format!("{:?} is not a number", display_safe(s)),
                    );
                    None
                }
            },
            other => {
                self.fail(row, column, format!("{other:?} is not a number"));
                None
            }
        }
    }

    /// A latitude in `column` and a longitude beside it: both or neither.
    fn coordinates(&mut self, cells: &[Data], row: usize, column: usize) -> Option<Coordinates> {
        match (
            self.number(cells, row, column),
            self.number(cells, row, column + 1),
        ) {
            (Some(lat), Some(lon)) => Some(Coordinates { lat, lon }),
            (None, None) => None,
            _ => {
                self.fail(row, column, "has one coordinate without the other".into());
                None
            }
        }
    }

    fn id(&mut self, cells: &[Data], row: usize, column: usize) -> u64 {
        match self.number(cells, row, column) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 9.0e15 => n as u64,
            Some(n) => {
                self.fail(row, column, format!("{n} is not a whole number"));
                0
            }
            None => {
                self.fail(row, column, "is empty".into());
                0
            }
        }
    }

    fn date(&mut self, cells: &[Data], row: usize, column: usize) -> Option<NaiveDate> {
        let result = match cells.get(column).unwrap_or(&Data::Empty) {
            Data::Empty => return None,
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                    .ok_or_else(|| format!("{} is not a date", dt.as_f64()))
            }
            Data::DateTimeIso(s) => crate::domain::dates::parse_date(s.get(..10).unwrap_or(s)),
            Data::String(s) => crate::domain::dates::parse_date(s),
            Data::Float(f) => crate::register::values::from_serial(*f).map_err(|w| w.why),
            Data::Int(i) => crate::register::values::from_serial(*i as f64).map_err(|w| w.why),
            other => Err(format!("{other:?} is not a date")),
        };
        match result {
            Ok(d) => Some(d),
            Err(why) => {
                self.fail(row, column, display_safe(&why).into_owned());
                None
            }
        }
    }

    fn required_date(&mut self, cells: &[Data], row: usize, column: usize) -> NaiveDate {
        self.date(cells, row, column).unwrap_or_else(|| {
            if cells.get(column).is_none_or(|c| *c == Data::Empty) {
                self.fail(row, column, "is empty".into());
            }
            NaiveDate::default()
        })
    }

    fn choice<T: serde::de::DeserializeOwned>(
        &mut self,
        cells: &[Data],
        row: usize,
        column: usize,
    ) -> Option<T> {
        let text = self.text(cells, row, column);
        if text.is_empty() {
            return None;
        }
        match serde_json::from_value(serde_json::Value::String(text.clone())) {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(
                    row,
                    column,
                    format!(
                        "{:?} is not one of the values README.md (section \"Data format\") lists",
                        display_safe(&text)
                    ),
                );
                None
            }
        }
    }
}

/// How many columns a sheet had in schema 1 (the rest were added with schema 2).
fn added_after_schema_1(sheet: &str) -> usize {
    match sheet {
        "regions" => 6,
        "activities" => 7,
        "attention" => 5,
        "follow_ups" => 5,
        _ => usize::MAX,
    }
}

/// A sheet's rows below its header, checking the header is kembar's.
fn table(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &'static str,
    headers: &'static [ColumnSpec<'static>],
    problems: &mut Vec<String>,
) -> Vec<Vec<Data>> {
    if !book.sheet_names().iter().any(|n| n == name) {
        return Vec::new();
    }
    let range = match book.worksheet_range(name) {
        Ok(r) => r,
        Err(e) => {
            problems.push(format!("sheet {name:?}: {e}"));
            return Vec::new();
        }
    };
    // Absolute positions: the table starts at A1.
    let (height, width) = range
        .end()
        .map_or((0, 0), |(r, c)| (r as usize + 1, c as usize + 1));
    let mut rows: Vec<Vec<Data>> = (0..height)
        .map(|r| {
            (0..width.max(headers.len()))
                .map(|c| {
                    range
                        .get_value((r as u32, c as u32))
                        .cloned()
                        .unwrap_or(Data::Empty)
                })
                .collect()
        })
        .collect();
    if rows.is_empty() {
        problems.push(format!("sheet {name:?} has no header row"));
        return Vec::new();
    }
    let header = rows.remove(0);
    for (c, spec) in headers.iter().enumerate() {
        let found = match header.get(c) {
            Some(Data::String(s)) => s.as_str(),
            _ => "",
        };
        // Columns added after schema 1 are absent from older workbooks; their cells read
        // as empty.
        let added_later = c >= added_after_schema_1(name);
        if found != spec.header && !(found.is_empty() && added_later) {
            problems.push(format!(
                "sheet {name:?}, column {}: the header is {:?}, not {:?} as kembar writes it",
                crate::register::sheet::column_letter(c),
                display_safe(found),
                spec.header
            ));
        }
    }
    rows
}

/// Reads a workbook written by [`write_dataset`] back into a dataset.
pub fn read_dataset(bytes: &[u8], file: &str) -> Result<Dataset, WorkbookError> {
    let unreadable = |reason: String| WorkbookError::Read {
        file: file.to_string(),
        problems: vec![reason],
        total: 1,
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let mut problems: Vec<String> = Vec::new();
    let agreements_rows = table(&mut book, "agreements", AGREEMENTS, &mut problems);
    let statuses_rows = table(&mut book, "statuses", STATUSES, &mut problems);
    let obstacles_rows = table(&mut book, "obstacles", OBSTACLES, &mut problems);
    let assessments_rows = table(&mut book, "assessments", ASSESSMENTS, &mut problems);
    let past_rows = table(&mut book, "past_decisions", PAST_DECISIONS, &mut problems);
    let renewals_rows = table(&mut book, "renewals", RENEWALS, &mut problems);
    let contacts_rows = table(&mut book, "contacts", CONTACTS, &mut problems);
    let reports_rows = table(&mut book, "reports", REPORTS, &mut problems);
    let regions_rows = table(&mut book, "regions", REGIONS, &mut problems);
    let partners_rows = table(&mut book, "partners", PARTNERS, &mut problems);
    let activities_rows = table(&mut book, "activities", ACTIVITIES, &mut problems);
    let attention_rows = table(&mut book, "attention", ATTENTION, &mut problems);
    let follow_rows = table(&mut book, "follow_ups", FOLLOW_UPS, &mut problems);
    let tags_rows = table(&mut book, "tags", LABELLED, &mut problems);
    let stages_rows = table(&mut book, "stages", LABELLED, &mut problems);
    let schema = book
        .worksheet_range(META_SHEET)
        .ok()
        .and_then(|r| match r.get_value((1, 1)) {
            Some(Data::Float(f)) => Some(*f as u32),
            Some(Data::Int(i)) => Some(*i as u32),
            _ => None,
        })
        .unwrap_or(0);
    if schema > SCHEMA_VERSION {
        return Err(unreadable(format!(
            "it was written by a newer kembar (schema {schema}; this kembar reads schema \
             {SCHEMA_VERSION} and older): upgrade kembar"
        )));
    }

    // Rows with nothing in them (a blank row left in a sheet) are passed over.
    let filled = |rows: Vec<Vec<Data>>| -> Vec<(usize, Vec<Data>)> {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r))
            .filter(|(_, r)| r.iter().any(|c| *c != Data::Empty))
            .collect()
    };

    let mut r = Reading {
        problems,
        sheet: "agreements",
        headers: AGREEMENTS,
    };
    let mut agreements: Vec<Agreement> = Vec::new();
    // A schema-1 workbook's status and tags, upgraded once its activities are read.
    let mut schema_1: Vec<(crate::domain::Status, Vec<String>)> = Vec::new();
    for (i, c) in filled(agreements_rows) {
        let period = r.number(&c, i, 11);
        agreements.push(Agreement {
            id: r.id(&c, i, 0),
            region: r.text(&c, i, 1),
            partner: r.text(&c, i, 2),
            kind: r
                .choice(&c, i, 3)
                .unwrap_or(crate::domain::AgreementKind::SisterCity),
            statuses: Vec::new(),
            stage: r.text(&c, i, 5),
            signed: r.date(&c, i, 6),
            expires: r.date(&c, i, 7),
            renewals: Vec::new(),
            fields: r.list(&c, i, 8),
            contacts: Vec::new(),
            notes: r.text(&c, i, 9),
            obstacles: Vec::new(),
            reporting: Reporting {
                period_months: period.map(|p| p as u32),
                reports: Vec::new(),
            },
            assessments: Vec::new(),
        });
        if schema < 2 {
            let status = r
                .choice(&c, i, 4)
                .unwrap_or(crate::domain::Status::Proposed);
            schema_1.push((status, r.list(&c, i, 10)));
        }
    }
    let index: HashMap<u64, usize> = agreements
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let owner = |r: &mut Reading<'_>, c: &[Data], i: usize| -> Option<usize> {
        let id = r.id(c, i, 0);
        let found = index.get(&id).copied();
        if found.is_none() {
            r.fail(
                i,
                0,
                format!("agreement {id} is not on the agreements sheet"),
            );
        }
        found
    };
    (r.sheet, r.headers) = ("renewals", RENEWALS);
    for (i, c) in filled(renewals_rows) {
        let renewal = Renewal {
            signed: r.date(&c, i, 1),
            expires: r.date(&c, i, 2),
            note: r.text(&c, i, 3),
        };
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].renewals.push(renewal);
        }
    }
    (r.sheet, r.headers) = ("statuses", STATUSES);
    for (i, c) in filled(statuses_rows) {
        let change = StatusChange {
            status: r.choice(&c, i, 1).unwrap_or(crate::domain::Status::Active),
            on: r.required_date(&c, i, 2),
        };
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].statuses.push(change);
        }
    }
    (r.sheet, r.headers) = ("obstacles", OBSTACLES);
    for (i, c) in filled(obstacles_rows) {
        let span = TagSpan {
            tag: r.text(&c, i, 1),
            from: r.required_date(&c, i, 2),
            until: r.date(&c, i, 3),
        };
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].obstacles.push(span);
        }
    }
    (r.sheet, r.headers) = ("assessments", ASSESSMENTS);
    for (i, c) in filled(assessments_rows) {
        let mut x = Assessment::new(r.required_date(&c, i, 1));
        for (k, p) in Principle::ALL.into_iter().enumerate() {
            *x.judgement_mut(p) = Judgement {
                verdict: r.choice(&c, i, 2 + 2 * k).unwrap_or_default(),
                note: r.text(&c, i, 3 + 2 * k),
            };
        }
        x.benefit_region = r.text(&c, i, 10);
        x.benefit_partner = r.text(&c, i, 11);
        x.fit = r.text(&c, i, 12);
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].assessments.push(x);
        }
    }
    (r.sheet, r.headers) = ("contacts", CONTACTS);
    for (i, c) in filled(contacts_rows) {
        let contact = Contact {
            side: r.choice(&c, i, 1).unwrap_or(crate::domain::Side::Indonesia),
            name: r.text(&c, i, 2),
            role: r.text(&c, i, 3),
            email: r.text(&c, i, 4),
            phone: r.text(&c, i, 5),
        };
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].contacts.push(contact);
        }
    }
    (r.sheet, r.headers) = ("reports", REPORTS);
    for (i, c) in filled(reports_rows) {
        let report = ReportDue {
            due: r.required_date(&c, i, 1),
            submitted: r.date(&c, i, 2),
        };
        if let Some(a) = owner(&mut r, &c, i) {
            agreements[a].reporting.reports.push(report);
        }
    }
    (r.sheet, r.headers) = ("regions", REGIONS);
    let mut regions = Vec::new();
    for (i, c) in filled(regions_rows) {
        let province = r.text(&c, i, 4);
        regions.push(Region {
            id: r.text(&c, i, 0),
            name: r.text(&c, i, 1),
            official_name: r.text(&c, i, 2),
            level: r
                .choice(&c, i, 3)
                .unwrap_or(crate::domain::RegionLevel::Province),
            province: (!province.is_empty()).then_some(province),
            short_names: r.list(&c, i, 5),
            coordinates: r.coordinates(&c, i, 6),
        });
    }
    (r.sheet, r.headers) = ("partners", PARTNERS);
    let mut partners = Vec::new();
    for (i, c) in filled(partners_rows) {
        partners.push(Partner {
            id: r.text(&c, i, 0),
            name: r.text(&c, i, 1),
            country: r.text(&c, i, 2),
            level: r.text(&c, i, 3),
            aliases: r.list(&c, i, 4),
            coordinates: r.coordinates(&c, i, 5),
        });
    }
    (r.sheet, r.headers) = ("activities", ACTIVITIES);
    let mut activities = Vec::new();
    for (i, c) in filled(activities_rows) {
        activities.push(Activity {
            id: r.id(&c, i, 0),
            agreement: r.id(&c, i, 1),
            date: r.required_date(&c, i, 2),
            kind: r
                .choice(&c, i, 3)
                .unwrap_or(crate::domain::ActivityKind::Other),
            title: r.text(&c, i, 4),
            description: r.text(&c, i, 5),
            participants: r.list(&c, i, 6),
            fields: r.list(&c, i, 7),
            outcome: {
                let text = r.text(&c, i, 8);
                let participants = r.number(&c, i, 9);
                let value = r.number(&c, i, 10);
                let unit = r.text(&c, i, 11);
                let counted = match participants {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => {
                        Some(n as u32)
                    }
                    Some(n) => {
                        r.fail(i, 9, format!("{n} is not a whole number of people"));
                        None
                    }
                    None => None,
                };
                let empty = text.is_empty() && counted.is_none() && value.is_none();
                (!empty || !unit.is_empty()).then_some(Outcome {
                    text,
                    participants: counted,
                    value,
                    unit,
                })
            },
        });
    }
    (r.sheet, r.headers) = ("attention", ATTENTION);
    let mut attention: Vec<Attention> = Vec::new();
    for (i, c) in filled(attention_rows) {
        attention.push(Attention {
            agreement: r.id(&c, i, 0),
            decision: r.choice(&c, i, 1),
            decided: r.date(&c, i, 2),
            past_decisions: Vec::new(),
            snoozed_until: r.date(&c, i, 3),
            snooze_note: r.text(&c, i, 4),
            snoozed_on: r.date(&c, i, 5),
            follow_ups: Vec::new(),
        });
    }
    (r.sheet, r.headers) = ("past_decisions", PAST_DECISIONS);
    for (i, c) in filled(past_rows) {
        let agreement = r.id(&c, i, 0);
        let past = PastDecision {
            decision: r
                .choice(&c, i, 1)
                .unwrap_or(crate::domain::Decision::Renewal),
            decided: r.date(&c, i, 2),
            until: r.required_date(&c, i, 3),
        };
        match attention.iter_mut().find(|n| n.agreement == agreement) {
            Some(n) => n.past_decisions.push(past),
            None => r.fail(
                i,
                0,
                format!("agreement {agreement} has no row on the attention sheet"),
            ),
        }
    }
    (r.sheet, r.headers) = ("follow_ups", FOLLOW_UPS);
    for (i, c) in filled(follow_rows) {
        let agreement = r.id(&c, i, 0);
        let follow_up = FollowUp {
            owner: r.text(&c, i, 1),
            due: r.required_date(&c, i, 2),
            next_step: r.text(&c, i, 3),
            done: r.date(&c, i, 4),
            noted: r.date(&c, i, 5),
        };
        match attention.iter_mut().find(|n| n.agreement == agreement) {
            Some(n) => n.follow_ups.push(follow_up),
            None => r.fail(
                i,
                0,
                format!("agreement {agreement} has no row on the attention sheet"),
            ),
        }
    }
    let labelled = |r: &mut Reading<'_>, rows: Vec<Vec<Data>>| -> Vec<(String, String, String)> {
        filled(rows)
            .into_iter()
            .map(|(i, c)| (r.text(&c, i, 0), r.text(&c, i, 1), r.text(&c, i, 2)))
            .collect()
    };
    (r.sheet, r.headers) = ("tags", LABELLED);
    let tags = labelled(&mut r, tags_rows)
        .into_iter()
        .map(|(id, label_id, label_en)| Tag {
            id,
            label_id,
            label_en,
        })
        .collect();
    (r.sheet, r.headers) = ("stages", LABELLED);
    let stages: Vec<Stage> = labelled(&mut r, stages_rows)
        .into_iter()
        .map(|(id, label_id, label_en)| Stage {
            id,
            label_id,
            label_en,
        })
        .collect();

    if !schema_1.is_empty() {
        let today = chrono::Local::now().date_naive();
        let mut first: HashMap<u64, NaiveDate> = HashMap::new();
        for v in &activities {
            first
                .entry(v.agreement)
                .and_modify(|d| *d = (*d).min(v.date))
                .or_insert(v.date);
        }
        for (a, (status, tags)) in agreements.iter_mut().zip(schema_1) {
            let old = crate::domain::v1::Agreement {
                id: a.id,
                region: std::mem::take(&mut a.region),
                partner: std::mem::take(&mut a.partner),
                kind: a.kind,
                status,
                stage: std::mem::take(&mut a.stage),
                signed: a.signed,
                expires: a.expires,
                renewals: std::mem::take(&mut a.renewals),
                fields: std::mem::take(&mut a.fields),
                contacts: std::mem::take(&mut a.contacts),
                notes: std::mem::take(&mut a.notes),
                obstacles: tags,
                reporting: std::mem::take(&mut a.reporting),
            };
            *a = old.upgrade(None, first.get(&a.id).copied(), today);
        }
    }
    if !r.problems.is_empty() {
        let total = r.problems.len();
        let mut problems = r.problems;
        problems.truncate(25);
        return Err(WorkbookError::Read {
            file: file.to_string(),
            problems,
            total,
        });
    }
    Ok(Dataset {
        format: FORMAT_NAME.to_string(),
        schema: SCHEMA_VERSION,
        stages: if stages.is_empty() {
            crate::domain::builtin::default_stages()
        } else {
            stages
        },
        tags,
        regions,
        partners,
        agreements,
        activities,
        attention,
    })
}
