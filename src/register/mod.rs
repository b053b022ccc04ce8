//! Bringing a bureau's own register into kembar: a CSV file or an Excel workbook, kept the
//! way bureaus keep them (titles above the header, a `No.` column, blank rows, merged cells,
//! Indonesian headers and dates, `;` separators).
//!
//! Reading ([`read`]) finds the sheet and its header; planning ([`plan::plan`]) matches every
//! row against the store and lists every problem; the import command ([`import`]) prints the
//! plan, and writes it through the store's audited import only when nothing is wrong.

pub mod header;
pub mod import;
pub mod plan;
pub mod provinces;
pub mod sheet;
pub mod values;

use std::path::{Path, PathBuf};

use crate::domain::text::display_safe;

use header::{Header, Mapping, find_header};
use sheet::{CsvShape, Grid, Workbook};

/// A register read from a file: its cells and its header.
#[derive(Debug, Clone)]
pub struct Register {
    /// The file as the user named it, for messages.
    pub file: String,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// How a CSV file was read.
    pub csv: Option<CsvShape>,
    pub grid: Grid,
    pub header: Header,
}

impl Register {
    /// "register.xlsx, sheet \"Daftar\"" or "register.csv".
    pub fn source(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, sheet {:?}", self.file, display_safe(sheet)),
            None => self.file.clone(),
        }
    }
}

/// One problem with a register: where it is, the value, why it is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub sheet: Option<String>,
    /// The row number as the spreadsheet shows it.
    pub row: Option<u32>,
    /// The column letter and header, e.g. `C "Negara"`.
    pub column: Option<String>,
    /// The cell's value as read (empty for an empty cell).
    pub value: String,
    pub why: String,
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet {:?}", display_safe(sheet))?;
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.why)?;
        // Most reasons quote the cell; the others get it here.
        if !self.value.is_empty() && !self.why.contains(&self.value) {
            write!(f, " (the cell holds {:?})", self.value)?;
        }
        write!(f, "\n    fix: {}", self.fix)
    }
}

/// A register that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(
        "cannot read {path}: {reason}. Nothing was imported.\nfix: check the path and that you may read the file"
    )]
    Read { path: PathBuf, reason: String },

    #[error(
        "{file} is not an Excel workbook kembar can read ({reason}). Nothing was imported.\n\
         fix: open it in Excel and save it as \"Excel Workbook (*.xlsx)\", or as \"CSV UTF-8\""
    )]
    NotWorkbook { file: String, reason: String },

    #[error(
        "{file} cannot be read as CSV: {reason}. Nothing was imported.\nfix: save it again from Excel as \"CSV UTF-8\""
    )]
    Csv { file: String, reason: String },

    #[error(
        "{file} has no sheet called {sheet:?}; its sheets are: {}. Nothing was imported.\n\
         fix: give --sheet one of those names", sheets.join(", ")
    )]
    NoSuchSheet {
        file: String,
        sheet: String,
        sheets: Vec<String>,
    },

    #[error(
        "{where_} has no header row kembar recognises: no row among the first 50 names both a \
         region column (e.g. \"Daerah\", \"Provinsi/Kabupaten/Kota\", \"Region\") and a partner \
         column (e.g. \"Mitra\", \"Mitra Luar Negeri\", \"Partner\"). Nothing was imported.\n\
         fix: name those columns so, or map your own headers with --mapping FILE (README.md, \
         section \"From a register to kembar\")"
    )]
    NoHeader { where_: String },
}

/// Reads a register: a CSV file, or the chosen sheet of a workbook (by default the first
/// visible sheet that has a header row).
pub fn read(
    path: &Path,
    bytes: Vec<u8>,
    workbook: bool,
    sheet: Option<&str>,
    mapping: &Mapping,
) -> Result<Register, RegisterError> {
    let file = path.display().to_string();
    if !workbook {
        let (grid, shape) = sheet::read_csv(&bytes).map_err(|reason| RegisterError::Csv {
            file: file.clone(),
            reason,
        })?;
        let header = find_header(&grid, mapping).ok_or_else(|| RegisterError::NoHeader {
            where_: file.clone(),
        })?;
        return Ok(Register {
            file,
            sheet: None,
            csv: Some(shape),
            grid,
            header,
        });
    }
    let mut book = Workbook::open(bytes).map_err(|reason| RegisterError::NotWorkbook {
        file: file.clone(),
        reason,
    })?;
    let sheets = book.sheets();
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let grid_of = |book: &mut Workbook, name: &str| {
        book.grid(name)
            .map_err(|reason| RegisterError::NotWorkbook {
                file: file.clone(),
                reason,
            })
    };
    if let Some(wanted) = sheet {
        let name = names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| RegisterError::NoSuchSheet {
                file: file.clone(),
                sheet: wanted.to_string(),
                sheets: names.clone(),
            })?;
        let grid = grid_of(&mut book, &name)?;
        let header = find_header(&grid, mapping).ok_or_else(|| RegisterError::NoHeader {
            where_: format!("{file}, sheet {name:?},"),
        })?;
        return Ok(Register {
            file,
            sheet: Some(name),
            csv: None,
            grid,
            header,
        });
    }
    for s in sheets.iter().filter(|s| s.visible) {
        let grid = grid_of(&mut book, &s.name)?;
        if let Some(header) = find_header(&grid, mapping) {
            return Ok(Register {
                file,
                sheet: Some(s.name.clone()),
                csv: None,
                grid,
                header,
            });
        }
    }
    Err(RegisterError::NoHeader {
        where_: format!(
            "{file} (sheets searched: {})",
            sheets
                .iter()
                .filter(|s| s.visible)
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}
