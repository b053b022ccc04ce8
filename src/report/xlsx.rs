//! The evaluation report as an Excel workbook a ministry official can file as it is: the
//! meeting and the counts by status on the first sheet, then the agreements, the open
//! follow-ups and the obstacles, each a table with a frozen, filtered header and real date
//! cells; the obstacle sheet carries a native Excel bar chart of their frequencies. Sheet
//! names and headers are in the report's language.

use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet, XlsxError};

use crate::domain::Status;
use crate::xlsx::{
    ColumnSpec, Formats, Value, WorkbookError, col, finish_table, write_header, write_row,
};

use super::{Report, status_label};
use crate::i18n::text::{decided, recommendation};

/// Sheet names in the report's language: summary, agreements, follow-ups, obstacles, trends.
pub fn sheet_names(report: &Report) -> [&'static str; 5] {
    [
        report.t("Laporan", "Report"),
        report.t("Kerja sama", "Agreements"),
        report.t("Tindak lanjut", "Follow-ups"),
        report.t("Hambatan", "Obstacles"),
        report.t("Tren", "Trends"),
    ]
}

fn failed(what: &str) -> impl Fn(XlsxError) -> WorkbookError + '_ {
    move |e| WorkbookError::Write {
        what: what.to_string(),
        reason: e.to_string(),
        fix: "write the report as Markdown or CSV instead (--format md), and report the \
              message"
            .into(),
    }
}

/// Writes the report as a workbook.
pub fn write(report: &Report) -> Result<Vec<u8>, WorkbookError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let names = sheet_names(report);
    summary(book.add_worksheet(), report, names[0], &formats).map_err(failed(names[0]))?;
    // The long tables go row by row through a temporary file rather than all in memory.
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(failed(names[1]))?;
    agreements(sheet, report, names[1], &formats).map_err(failed(names[1]))?;
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(failed(names[2]))?;
    follow_ups(sheet, report, names[2], &formats).map_err(failed(names[2]))?;
    obstacles(book.add_worksheet(), report, names[3], &formats).map_err(failed(names[3]))?;
    trends(book.add_worksheet(), report, names[4], &formats).map_err(failed(names[4]))?;
    book.save_to_buffer().map_err(failed("the workbook"))
}

fn summary(
    sheet: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.write_string_with_format(0, 0, report.title.as_str(), &formats.title)?;
    let mut row = 2;
    for (label, value) in report.facts() {
        sheet.write_string_with_format(row, 0, label, &formats.bold)?;
        if row == 2 {
            sheet.write_date_with_format(row, 1, report.today, &formats.date)?;
        } else {
            sheet.write_string_with_format(row, 1, value.as_str(), &formats.wrap)?;
        }
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        report.t("Jumlah menurut status", "Agreements by status"),
        &formats.bold,
    )?;
    row += 1;
    let mut columns: Vec<ColumnSpec<'_>> = vec![col(report.t("Provinsi", "Province"), 24.0)];
    columns.extend(
        Status::ALL
            .iter()
            .map(|s| col(status_label(*s, report.lang), 14.0)),
    );
    columns.push(col(report.t("jumlah", "total"), 10.0));
    write_header(sheet, row, &columns, formats)?;
    let mut totals = [0usize; 6];
    for (province, counts) in &report.statuses {
        row += 1;
        let mut values = vec![Value::Text(province)];
        values.extend(counts.iter().map(|n| Value::Number(*n as f64)));
        values.push(Value::Number(counts.iter().sum::<usize>() as f64));
        write_row(sheet, row, &values, formats)?;
        for (t, n) in totals.iter_mut().zip(counts) {
            *t += n;
        }
    }
    row += 1;
    sheet.write_string_with_format(row, 0, report.t("Jumlah", "Total"), &formats.bold)?;
    for (i, n) in totals.iter().enumerate() {
        sheet.write_number_with_format(row, i as u16 + 1, *n as f64, &formats.bold)?;
    }
    sheet.write_number_with_format(
        row,
        totals.len() as u16 + 1,
        totals.iter().sum::<usize>() as f64,
        &formats.bold,
    )?;
    // The title and the facts need a wider second column than the counts do.
    sheet.set_column_width(1, 40)?;
    Ok(())
}

fn agreements(
    sheet: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let h = report.agreement_headers();
    let widths = [
        18.0, 20.0, 22.0, 16.0, 16.0, 12.0, 12.0, 22.0, 14.0, 50.0, 16.0, 18.0, 44.0,
    ];
    let columns: Vec<ColumnSpec<'_>> = h.iter().zip(widths).map(|(h, w)| col(h, w)).collect();
    write_header(sheet, 0, &columns, formats)?;
    let mut last = 0;
    for (i, r) in report.agreements.iter().enumerate() {
        last = i as u32 + 1;
        write_row(
            sheet,
            last,
            &[
                Value::Text(&r.province),
                Value::Text(&r.region),
                Value::Text(&r.partner),
                Value::Text(&r.country),
                Value::Text(&r.kind),
                Value::Date(r.signed),
                Value::Date(r.expires),
                Value::Text(&r.stage),
                Value::Text(&r.status),
                Value::Owned(r.reasons.join("\n")),
                Value::Text(recommendation(r.recommendation, report.lang)),
                Value::Text(r.decision.map_or("", |d| decided(d, report.lang))),
                Value::Owned(r.reconciled(report.lang)),
            ],
            formats,
        )?;
    }
    finish_table(sheet, 0, last, columns.len())
}

fn follow_ups(
    sheet: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let h = report.follow_up_headers();
    let columns = [
        col(h[0], 12.0),
        col(report.overdue_word(), 11.0),
        col(h[4], 18.0),
        col(h[1], 30.0),
        col(h[2], 26.0),
        col(h[3], 50.0),
    ];
    write_header(sheet, 0, &columns, formats)?;
    let mut last = 0;
    for (i, f) in report.follow_ups.iter().enumerate() {
        last = i as u32 + 1;
        write_row(
            sheet,
            last,
            &[
                Value::Date(Some(f.due)),
                Value::Text(if f.overdue { report.overdue_word() } else { "" }),
                Value::Text(&f.province),
                Value::Text(&f.agreement),
                Value::Text(&f.owner),
                Value::Text(&f.next_step),
            ],
            formats,
        )?;
    }
    finish_table(sheet, 0, last, columns.len())
}

fn obstacles(
    sheet: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let h = report.obstacle_headers();
    let columns = [
        col(h[0], 36.0),
        col(h[1], 10.0),
        col(h[2], 14.0),
        col(h[3], 10.0),
    ];
    write_header(sheet, 0, &columns, formats)?;
    let mut last = 0;
    for (i, o) in report.obstacles.iter().enumerate() {
        last = i as u32 + 1;
        write_row(
            sheet,
            last,
            &[
                Value::Text(&o.label),
                Value::Number(o.tagged as f64),
                Value::Number(o.derived as f64),
                Value::Number(o.total() as f64),
            ],
            formats,
        )?;
    }
    finish_table(sheet, 0, last, columns.len())?;
    if last > 0 {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name(h[3])
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, 3, last, 3));
        chart
            .title()
            .set_name(report.t("Frekuensi hambatan", "Obstacle frequencies"));
        // Bars read top-down in the table's order, most frequent first.
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        chart.set_width(560).set_height(340);
        sheet.insert_chart(1, 5, &chart)?;
    }
    Ok(())
}

/// One row per year with a line chart of the agreements in force and the activities.
fn trends(
    sheet: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let h = crate::i18n::text::trend_headers(report.lang);
    let columns: Vec<ColumnSpec<'_>> = h
        .iter()
        .enumerate()
        .map(|(i, h)| col(h, if i == 0 { 8.0 } else { 16.0 }))
        .collect();
    write_header(sheet, 0, &columns, formats)?;
    let mut last = 0;
    for (i, r) in report.trends.iter().enumerate() {
        last = i as u32 + 1;
        let n = |v: u32| Value::Number(f64::from(v));
        write_row(
            sheet,
            last,
            &[
                n(r.year as u32),
                n(r.signed),
                n(r.renewed),
                n(r.in_force),
                n(r.expired),
                n(r.activities),
            ],
            formats,
        )?;
    }
    finish_table(sheet, 0, last, columns.len())?;
    sheet.write_string(last + 2, 0, report.trends_note())?;
    if last > 0 {
        let mut chart = Chart::new(ChartType::Line);
        for column in [3u16, 5] {
            chart
                .add_series()
                .set_name(h[column as usize])
                .set_categories((name, 1, 0, last, 0))
                .set_values((name, 1, column, last, column));
        }
        chart
            .title()
            .set_name(crate::i18n::T::TrendsTitle.in_lang(report.lang));
        chart.set_width(640).set_height(340);
        sheet.insert_chart(1, 7, &chart)?;
    }
    Ok(())
}
