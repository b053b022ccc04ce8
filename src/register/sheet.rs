//! A register's cells, from a CSV file or a workbook sheet, in the rows and columns the
//! spreadsheet shows, so that every problem can name the row and column a person sees.
//!
//! CSV: a UTF-8 byte order mark is dropped; a file that is not UTF-8 is read as Windows-1252,
//! which is what Excel's plain "CSV" saves on Indonesian Windows; the separator (`;`, `,` or
//! tab) is sniffed from the lines outside quotes. Workbooks: cells keep their types (Excel
//! dates stay dates), and a merged cell's value fills every cell of the merge, as a person
//! reading the sheet sees it.

use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveDate;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date cell.
    Date(NaiveDate),
    Bool(bool),
    /// A formula error Excel shows (`#REF!`, `#N/A`).
    Error(String),
}

/// One row and the number the spreadsheet shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1 for the first row, as Excel numbers rows.
    pub number: u32,
    /// Cells by column: index 0 is column A.
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

/// A merged range: first and last row number (as shown), first and last column index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub rows: (u32, u32),
    pub columns: (usize, usize),
}

/// The cells of one sheet (or of a CSV file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub rows: Vec<Row>,
    pub merges: Vec<Merge>,
}

impl Grid {
    /// The merge holding a cell, if any.
    pub fn merge_at(&self, row: u32, column: usize) -> Option<Merge> {
        self.merges.iter().copied().find(|m| {
            (m.rows.0..=m.rows.1).contains(&row) && (m.columns.0..=m.columns.1).contains(&column)
        })
    }
}

/// Column letters as Excel shows them: 0 is A, 26 is AA.
pub fn column_letter(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// How a CSV file was read, for the summary of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvShape {
    pub separator: u8,
    pub bom: bool,
    /// `false` when the file was not UTF-8 and was read as Windows-1252.
    pub utf8: bool,
}

/// Reads a CSV file's bytes into a grid.
pub fn read_csv(bytes: &[u8]) -> Result<(Grid, CsvShape), String> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let (text, utf8) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), true),
        Err(_) => (windows_1252(bytes), false),
    };
    let separator = sniff_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // The reader skips blank lines, which Excel shows as rows: a record's position is where
    // the reader started looking for it, so the line breaks there are the blank lines.
    let mut number = 0u32;
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        // After "\r\n" the position is at its "\n", which ends the previous record.
        if start > 0 && text.as_bytes().get(start - 1..=start) == Some(b"\r\n") {
            start += 1;
        }
        let mut rest = text.as_bytes().get(start..).unwrap_or_default();
        let mut blank = 0u32;
        while let Some(after) = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .or_else(|| rest.strip_prefix(b"\r"))
        {
            blank += 1;
            rest = after;
        }
        number += blank + 1;
        let cells = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_string())
                }
            })
            .collect();
        rows.push(Row { number, cells });
    }
    Ok((
        Grid {
            rows,
            merges: Vec::new(),
        },
        CsvShape {
            separator,
            bom,
            utf8,
        },
    ))
}

/// The separator of a CSV file: the one of `;`, `,` and tab that splits the most of its
/// first lines into the same number of fields. Title lines above the header split into
/// nothing and do not count; separators inside quotes do not count.
fn sniff_separator(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for candidate in [b';', b',', b'\t'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| {
                let mut quoted = false;
                line.bytes()
                    .filter(|&b| {
                        if b == b'"' {
                            quoted = !quoted;
                        }
                        !quoted && b == candidate
                    })
                    .count()
            })
            .filter(|&n| n > 0)
            .collect();
        // The most common count, and how many lines have it.
        let mut tally: std::collections::HashMap<usize, usize> = Default::default();
        for n in &counts {
            *tally.entry(*n).or_default() += 1;
        }
        let agreeing = tally.values().copied().max().unwrap_or(0);
        let score = (agreeing, counts.len());
        if score > (best.1, best.2) {
            best = (candidate, score.0, score.1);
        }
    }
    best.0
}

/// Decodes Windows-1252 (Excel's "CSV" on Indonesian and most Western Windows).
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '“', '”', '•', '–', '—', '˜', '™', 'š', '›',
        'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// An open workbook.
pub struct Workbook {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
}

/// A sheet's name and whether Excel shows its tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetName {
    pub name: String,
    pub visible: bool,
}

impl Workbook {
    pub fn open(bytes: Vec<u8>) -> Result<Workbook, String> {
        let xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        Ok(Workbook { xlsx })
    }

    /// The worksheets (chart sheets left out), in tab order.
    pub fn sheets(&self) -> Vec<SheetName> {
        self.xlsx
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| SheetName {
                name: s.name.clone(),
                visible: s.visible == SheetVisible::Visible,
            })
            .collect()
    }

    /// One sheet's cells, merged ranges filled.
    pub fn grid(&mut self, name: &str) -> Result<Grid, String> {
        let range = self.xlsx.worksheet_range(name).map_err(|e| e.to_string())?;
        let merged = self
            .xlsx
            .merge_cells_by_sheet_name(name)
            .map_err(|e| e.to_string())?;
        let Some((first_row, first_col)) = range.start() else {
            return Ok(Grid::default());
        };
        let mut rows: Vec<Row> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut row = vec![Cell::Empty; first_col as usize];
                row.extend(cells.iter().map(cell_of));
                Row {
                    number: first_row + i as u32 + 1,
                    cells: row,
                }
            })
            .collect();
        let mut merges = Vec::new();
        for m in merged {
            let merge = Merge {
                rows: (m.start.0 + 1, m.end.0 + 1),
                columns: (m.start.1 as usize, m.end.1 as usize),
            };
            merges.push(merge);
            let at = |r: u32| r.checked_sub(first_row).map(|i| i as usize);
            let value = at(m.start.0)
                .and_then(|i| rows.get(i))
                .map(|row| row.cell(merge.columns.0).clone())
                .unwrap_or(Cell::Empty);
            if value == Cell::Empty {
                continue;
            }
            for r in m.start.0..=m.end.0 {
                let Some(row) = at(r).and_then(|i| rows.get_mut(i)) else {
                    continue;
                };
                for c in merge.columns.0..=merge.columns.1 {
                    if row.cells.len() <= c {
                        row.cells.resize(c + 1, Cell::Empty);
                    }
                    if row.cells[c] == Cell::Empty {
                        row.cells[c] = value.clone();
                    }
                }
            }
        }
        Ok(Grid { rows, merges })
    }
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn csv_rows_are_numbered_as_excel_shows_them() {
        let text =
            "DAFTAR KERJA SAMA\n\nNo;Daerah;Mitra\n1;\"Jawa\nTengah\";Fujian\n\n2;Bali;Kyoto\n";
        for text in [text.to_string(), text.replace('\n', "\r\n")] {
            let (grid, shape) = read_csv(text.as_bytes()).unwrap();
            assert_eq!(shape.separator, b';');
            let numbers: Vec<u32> = grid.rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [1, 3, 4, 6], "{text:?}");
            assert!(matches!(grid.rows[2].cell(1), Cell::Text(t) if t.starts_with("Jawa")));
        }
    }

    #[test]
    fn separators_are_sniffed_past_titles_and_quotes() {
        let semi = "REKAPITULASI, 2024\nNo;Daerah;Mitra\n1;\"Bali, Prov.\";Kyoto\n";
        assert_eq!(sniff_separator(semi), b';');
        let comma = "No,Daerah,Mitra\n1,\"Bali; Prov\",Kyoto\n2,Jateng,Fujian\n";
        assert_eq!(sniff_separator(comma), b',');
        let tab = "No\tDaerah\tMitra\n1\tBali\tKyoto\n";
        assert_eq!(sniff_separator(tab), b'\t');
    }

    #[test]
    fn bom_and_windows_1252_are_handled() {
        let (grid, shape) = read_csv(b"\xef\xbb\xbfDaerah;Mitra\nBali;Kyoto\n").unwrap();
        assert!(shape.bom && shape.utf8);
        assert_eq!(grid.rows[0].cell(0), &Cell::Text("Daerah".into()));
        let (grid, shape) = read_csv(b"Daerah;Mitra\nBali;S\xe3o Paulo \x96 kota\n").unwrap();
        assert!(!shape.utf8);
        assert_eq!(grid.rows[1].cell(1), &Cell::Text("São Paulo – kota".into()));
    }
}
