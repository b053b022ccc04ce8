//! The brief as a workbook: one sheet per section, in the brief's language, with the title
//! on the first sheet, facts as label and value columns, tables with a bold header, real date
//! cells and numbers as numbers.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::xlsx::{Formats, Value, WorkbookError, write_row};

use super::{Block, Brief, Cell, Section};

fn failed(what: &str) -> impl Fn(XlsxError) -> WorkbookError + '_ {
    move |e| WorkbookError::Write {
        what: what.to_string(),
        reason: e.to_string(),
        fix: "write the brief as Markdown instead (--format md), and report the message".into(),
    }
}

fn value(cell: &Cell) -> Value<'_> {
    match cell {
        Cell::Text(t) => Value::Text(t),
        Cell::Date(d) => Value::Date(*d),
        Cell::Number(n) => Value::Number(*n),
    }
}

/// Writes the brief as a workbook.
pub fn write(brief: &Brief) -> Result<Vec<u8>, WorkbookError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    for (i, section) in brief.sections.iter().enumerate() {
        let sheet = book.add_worksheet();
        section_sheet(sheet, brief, section, i == 0, &formats)
            .map_err(failed(section.sheet.as_str()))?;
    }
    book.save_to_buffer().map_err(failed("the workbook"))
}

fn section_sheet(
    sheet: &mut Worksheet,
    brief: &Brief,
    section: &Section,
    first: bool,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(&section.sheet)?;
    let mut row = 0;
    if first {
        sheet.write_string_with_format(row, 0, brief.title.as_str(), &formats.title)?;
        row += 1;
        sheet.write_string_with_format(
            row,
            0,
            brief.lang.pick("Keadaan per", "As of"),
            &formats.bold,
        )?;
        sheet.write_date_with_format(row, 1, brief.as_of, &formats.date)?;
        row += 2;
    }
    sheet.write_string_with_format(row, 0, section.title.as_str(), &formats.bold)?;
    row += 2;
    let mut widths: Vec<f64> = vec![28.0, 40.0];
    for block in &section.blocks {
        match block {
            Block::Facts(facts) => {
                for (label, cell) in facts {
                    sheet.write_string_with_format(row, 0, label.as_str(), &formats.bold)?;
                    write_row_at(sheet, row, 1, cell, formats)?;
                    row += 1;
                }
            }
            Block::Table {
                headers,
                rows,
                empty,
            } => {
                if rows.is_empty() {
                    if !empty.is_empty() {
                        sheet.write_string(row, 0, empty.as_str())?;
                        row += 1;
                    }
                    row += 1;
                    continue;
                }
                for (c, h) in headers.iter().enumerate() {
                    sheet.write_string_with_format(row, c as u16, h.as_str(), &formats.header)?;
                    if widths.len() <= c {
                        widths.resize(c + 1, 14.0);
                    }
                    let w = (h.chars().count() as f64 + 2.0).clamp(12.0, 40.0);
                    widths[c] = widths[c].max(w);
                }
                row += 1;
                for r in rows {
                    let values: Vec<Value<'_>> = r.iter().map(value).collect();
                    write_row(sheet, row, &values, formats)?;
                    row += 1;
                }
            }
            Block::Bullets(items) => {
                for item in items {
                    sheet.write_string_with_format(
                        row,
                        0,
                        format!("• {item}").as_str(),
                        &formats.wrap,
                    )?;
                    row += 1;
                }
            }
            Block::Text(p) => {
                sheet.write_string(row, 0, p.as_str())?;
                row += 1;
            }
        }
        row += 1;
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn write_row_at(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) if t.is_empty() => Ok(()),
        Cell::Text(t) => sheet
            .write_string_with_format(row, col, t.as_str(), &formats.wrap)
            .map(|_| ()),
        Cell::Date(Some(d)) => sheet
            .write_date_with_format(row, col, *d, &formats.date)
            .map(|_| ()),
        Cell::Date(None) => Ok(()),
        Cell::Number(n) => sheet.write_number(row, col, *n).map(|_| ()),
    }
}
