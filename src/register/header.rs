//! Finding a register's header row and what each column holds.
//!
//! Registers carry titles above the header ("DAFTAR KERJA SAMA ...", the date the list is
//! valid for), so the header is the first row that names both a region and a partner column.
//! Names compare with case, spaces and punctuation ignored, in Indonesian or English; a
//! mapping file names any other header. A header whose cells are merged over two columns,
//! with the names of those columns in the row below ("Tanggal" over "Penandatanganan" and
//! "Berakhir"), is read as one header of two rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::countries::name_key;

use super::sheet::{Cell, Grid, column_letter};

/// What a register column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The Indonesian region: a province, regency or city.
    Region,
    /// The province, in registers that list it in a column of its own.
    Province,
    /// The regency or city, beside a province column; empty for the province itself.
    Locality,
    Partner,
    Country,
    Kind,
    Signed,
    Expires,
    Fields,
    Status,
    Notes,
    Stage,
    Obstacles,
    /// The running number ("No."): read past.
    Number,
    /// Named by a mapping file to be left out.
    Ignore,
}

impl Column {
    /// The names a mapping file uses.
    pub const NAMES: &'static str = "region, province, locality, partner, country, kind, \
                                     signed, expires, fields, status, notes, stage, obstacles, \
                                     ignore";

    /// What the column holds, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Column::Region => "the region",
            Column::Province => "the province",
            Column::Locality => "the regency or city",
            Column::Partner => "the partner",
            Column::Country => "the partner's country",
            Column::Kind => "the kind of agreement",
            Column::Signed => "the signing date",
            Column::Expires => "the expiry",
            Column::Fields => "the fields of cooperation",
            Column::Status => "the status",
            Column::Notes => "notes",
            Column::Stage => "the stage",
            Column::Obstacles => "obstacles",
            Column::Number => "the running number",
            Column::Ignore => "nothing (ignored)",
        }
    }

    /// Whether a register may have several columns of this sort (their values are joined).
    fn may_repeat(self) -> bool {
        matches!(
            self,
            Column::Notes | Column::Fields | Column::Number | Column::Ignore
        )
    }
}

/// Header names, as [`name_key`] writes them, and what they hold.
const HEADERS: &[(&str, Column)] = &[
    ("no", Column::Number),
    ("nomor", Column::Number),
    ("nourut", Column::Number),
    ("number", Column::Number),
    ("nr", Column::Number),
    ("daerah", Column::Region),
    ("namadaerah", Column::Region),
    ("pemerintahdaerah", Column::Region),
    ("namapemerintahdaerah", Column::Region),
    ("pemda", Column::Region),
    ("namapemda", Column::Region),
    ("provinsikabupatenkota", Column::Region),
    ("provinsikotakabupaten", Column::Region),
    ("provinsikabkota", Column::Region),
    ("provkabkota", Column::Region),
    ("region", Column::Region),
    ("regionalgovernment", Column::Region),
    ("localgovernment", Column::Region),
    ("indonesianregion", Column::Region),
    ("daerahindonesia", Column::Region),
    ("pihakindonesia", Column::Region),
    ("provinsi", Column::Province),
    ("namaprovinsi", Column::Province),
    ("province", Column::Province),
    ("prov", Column::Province),
    ("kabupatenkota", Column::Locality),
    ("kabkota", Column::Locality),
    ("kotakabupaten", Column::Locality),
    ("kotakab", Column::Locality),
    ("namakabupatenkota", Column::Locality),
    ("regencycity", Column::Locality),
    ("cityregency", Column::Locality),
    ("kabupaten", Column::Locality),
    ("kota", Column::Locality),
    ("mitra", Column::Partner),
    ("mitraluarnegeri", Column::Partner),
    ("namamitra", Column::Partner),
    ("namamitraluarnegeri", Column::Partner),
    ("mitrakerjasama", Column::Partner),
    ("mitrakerjasamaluarnegeri", Column::Partner),
    ("daerahmitra", Column::Partner),
    ("mitradaerah", Column::Partner),
    ("pemerintahdaerahmitra", Column::Partner),
    ("pemdamitra", Column::Partner),
    ("kotamitra", Column::Partner),
    ("provinsimitra", Column::Partner),
    ("pemerintahdaerahluarnegeri", Column::Partner),
    ("daerahluarnegeri", Column::Partner),
    ("partner", Column::Partner),
    ("partnername", Column::Partner),
    ("foreignpartner", Column::Partner),
    ("partnerregion", Column::Partner),
    ("counterpart", Column::Partner),
    ("negara", Column::Country),
    ("negaramitra", Column::Country),
    ("namanegara", Column::Country),
    ("asalnegara", Column::Country),
    ("negaraasal", Column::Country),
    ("country", Column::Country),
    ("partnercountry", Column::Country),
    ("jenis", Column::Kind),
    ("jeniskerjasama", Column::Kind),
    ("bentuk", Column::Kind),
    ("bentukkerjasama", Column::Kind),
    ("kategori", Column::Kind),
    ("kind", Column::Kind),
    ("type", Column::Kind),
    ("agreementtype", Column::Kind),
    ("kindofcooperation", Column::Kind),
    ("typeofcooperation", Column::Kind),
    ("tanggalpenandatanganan", Column::Signed),
    ("tglpenandatanganan", Column::Signed),
    ("ditandatangani", Column::Signed),
    ("tanggalditandatangani", Column::Signed),
    ("tglditandatangani", Column::Signed),
    ("tanggalttd", Column::Signed),
    ("tglttd", Column::Signed),
    ("tanggalmou", Column::Signed),
    ("tglmou", Column::Signed),
    ("tanggalnaskah", Column::Signed),
    ("tanggal", Column::Signed),
    ("tgl", Column::Signed),
    ("tanggalmulai", Column::Signed),
    ("mulaiberlaku", Column::Signed),
    ("berlakusejak", Column::Signed),
    ("tmt", Column::Signed),
    ("signed", Column::Signed),
    ("signedon", Column::Signed),
    ("datesigned", Column::Signed),
    ("signingdate", Column::Signed),
    ("dateofsigning", Column::Signed),
    ("startdate", Column::Signed),
    ("berlakusampai", Column::Expires),
    ("berlakuhingga", Column::Expires),
    ("masaberlaku", Column::Expires),
    ("masaberlakusd", Column::Expires),
    ("masaberlakusampai", Column::Expires),
    ("masaberlakuhingga", Column::Expires),
    ("masaberlakukerjasama", Column::Expires),
    ("berakhir", Column::Expires),
    ("berakhirpada", Column::Expires),
    ("tanggalberakhir", Column::Expires),
    ("tglberakhir", Column::Expires),
    ("sampaidengan", Column::Expires),
    ("sd", Column::Expires),
    ("jangkawaktu", Column::Expires),
    ("jangkawaktukerjasama", Column::Expires),
    ("expires", Column::Expires),
    ("expiry", Column::Expires),
    ("expirydate", Column::Expires),
    ("enddate", Column::Expires),
    ("validuntil", Column::Expires),
    ("term", Column::Expires),
    ("bidang", Column::Fields),
    ("bidangkerjasama", Column::Fields),
    ("ruanglingkup", Column::Fields),
    ("ruanglingkupkerjasama", Column::Fields),
    ("lingkupkerjasama", Column::Fields),
    ("objekkerjasama", Column::Fields),
    ("sektor", Column::Fields),
    ("fields", Column::Fields),
    ("field", Column::Fields),
    ("fieldsofcooperation", Column::Fields),
    ("areasofcooperation", Column::Fields),
    ("status", Column::Status),
    ("statuskerjasama", Column::Status),
    ("statusmou", Column::Status),
    ("kondisi", Column::Status),
    ("keterangan", Column::Notes),
    ("ket", Column::Notes),
    ("catatan", Column::Notes),
    ("notes", Column::Notes),
    ("note", Column::Notes),
    ("remarks", Column::Notes),
    ("tahap", Column::Stage),
    ("tahapan", Column::Stage),
    ("tahapankerjasama", Column::Stage),
    ("stage", Column::Stage),
    ("hambatan", Column::Obstacles),
    ("kendala", Column::Obstacles),
    ("permasalahan", Column::Obstacles),
    ("obstacles", Column::Obstacles),
];

/// Headers a mapping file names, beyond the built-in ones.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    columns: BTreeMap<String, Column>,
    /// Where the mapping came from, for messages.
    pub source: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    columns: BTreeMap<String, Column>,
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}\nfix: {fix}")]
pub struct MappingError {
    pub path: PathBuf,
    pub message: String,
    pub fix: String,
}

impl Mapping {
    /// Reads a mapping file:
    ///
    /// ```toml
    /// [columns]
    /// "Nama Pemerintah Daerah" = "region"
    /// "Tgl TTD" = "signed"
    /// "Nomor Naskah" = "ignore"
    /// ```
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|e| MappingError {
            path: path.to_path_buf(),
            message: format!("cannot read it: {e}"),
            fix: "check the path given to --mapping, and that the file is UTF-8 text".into(),
        })?;
        let mut mapping = Mapping::parse(&text).map_err(|message| MappingError {
            path: path.to_path_buf(),
            message,
            fix: format!(
                "write one line per header under [columns], e.g. \"Tgl TTD\" = \"signed\"; \
                 a header maps to one of: {}",
                Column::NAMES
            ),
        })?;
        mapping.source = Some(path.to_path_buf());
        Ok(mapping)
    }

    pub fn parse(text: &str) -> Result<Mapping, String> {
        let file: MappingFile =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let mut columns = BTreeMap::new();
        for (header, column) in file.columns {
            let key = name_key(&header);
            if key.is_empty() {
                return Err(format!(
                    "the header {header:?} has no letters or digits to match"
                ));
            }
            columns.insert(key, column);
        }
        Ok(Mapping {
            columns,
            source: None,
        })
    }

    /// What a header names, if anything.
    pub fn recognise(&self, header: &str) -> Option<Column> {
        self.recognise_how(header).map(|(c, _)| c)
    }

    /// What a header names, and whether by its whole name (rather than by how it starts).
    fn recognise_how(&self, header: &str) -> Option<Recognised> {
        let key = name_key(header);
        if key.is_empty() {
            return None;
        }
        if let Some(c) = self.columns.get(&key) {
            return Some((*c, true));
        }
        if let Some((_, c)) = HEADERS.iter().find(|(k, _)| *k == key) {
            return Some((*c, true));
        }
        // "Tgl. Penandatanganan (DD/MM/YYYY)", "Negara Mitra Kerja Sama": the longest known
        // name the header starts with, for names long enough not to be mistaken.
        HEADERS
            .iter()
            .filter(|(k, _)| k.len() >= 6 && key.starts_with(k))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, c)| (*c, false))
    }
}

/// A column of the header and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderColumn {
    /// 0 is column A.
    pub index: usize,
    /// The header as written (both rows of a two-row header).
    pub name: String,
    pub column: Column,
}

impl HeaderColumn {
    /// "C \"Negara\"".
    pub fn label(&self) -> String {
        format!(
            "{} {:?}",
            column_letter(self.index),
            crate::domain::text::display_safe(&self.name)
        )
    }
}

/// The header found in a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The row numbers of the header, as the spreadsheet shows them (two for a two-row one).
    pub rows: (u32, u32),
    /// Index in the grid of the first row below the header.
    pub data_start: usize,
    pub columns: Vec<HeaderColumn>,
    /// Headers that name nothing kembar reads, with their column index.
    pub unread: Vec<(usize, String)>,
    /// Columns that name what another column already names.
    pub repeated: Vec<(HeaderColumn, HeaderColumn)>,
}

impl Header {
    pub fn find(&self, column: Column) -> Option<&HeaderColumn> {
        self.columns.iter().find(|c| c.column == column)
    }

    pub fn all(&self, column: Column) -> impl Iterator<Item = &HeaderColumn> {
        self.columns.iter().filter(move |c| c.column == column)
    }

    pub fn has(&self, column: Column) -> bool {
        self.find(column).is_some()
    }
}

/// A column a header names, and whether by its whole name.
type Recognised = (Column, bool);

/// How far down a sheet the header is looked for.
const HEADER_SEARCH_ROWS: usize = 50;

fn text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// Finds the header: the first row (within the first 50) naming a partner column and a
/// region (or province, or regency/city) column.
pub fn find_header(grid: &Grid, mapping: &Mapping) -> Option<Header> {
    for (i, row) in grid.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let below = grid.rows.get(i + 1).filter(|r| r.number == row.number + 1);
        // A header cell merged across columns, with names beneath it: a two-row header.
        let spans = |c: usize| {
            grid.merge_at(row.number, c)
                .filter(|m| m.rows == (row.number, row.number) && m.columns.0 < m.columns.1)
        };
        let two_rows = below.filter(|b| {
            (0..row.cells.len()).any(|c| spans(c).is_some() && text(b.cell(c)).is_some())
        });
        let mut names: Vec<(usize, String, Option<Recognised>)> = Vec::new();
        for (c, cell) in row.cells.iter().enumerate() {
            let Some(top) = text(cell) else { continue };
            let sub = two_rows
                .filter(|_| spans(c).is_some())
                .and_then(|b| text(b.cell(c)));
            let (name, column) = match sub {
                Some(sub) => {
                    let joined = format!("{top} {sub}");
                    let column = mapping
                        .recognise_how(&joined)
                        .or_else(|| mapping.recognise_how(&sub));
                    (joined, column)
                }
                None => {
                    let column = mapping.recognise_how(&top);
                    (top, column)
                }
            };
            names.push((c, name, column));
        }
        // A header known only by how it starts ("Region Official Name") gives way to one
        // known by its whole name ("Region"): it is left unread rather than read twice.
        let exact: Vec<Column> = names
            .iter()
            .filter_map(|(_, _, c)| c.filter(|(_, exact)| *exact).map(|(c, _)| c))
            .collect();
        let names: Vec<(usize, String, Option<Column>)> = names
            .into_iter()
            .map(|(i, name, c)| {
                let c = match c {
                    Some((c, false)) if exact.contains(&c) && !c.may_repeat() => None,
                    other => other.map(|(c, _)| c),
                };
                (i, name, c)
            })
            .collect();
        let has = |want: &[Column]| {
            names
                .iter()
                .any(|(_, _, c)| c.is_some_and(|c| want.contains(&c)))
        };
        if !(has(&[Column::Partner]) && has(&[Column::Region, Column::Province, Column::Locality]))
        {
            continue;
        }
        let mut columns: Vec<HeaderColumn> = Vec::new();
        let mut unread = Vec::new();
        let mut repeated = Vec::new();
        for (index, name, column) in names {
            match column {
                Some(column) => {
                    let this = HeaderColumn {
                        index,
                        name,
                        column,
                    };
                    if let Some(first) = columns
                        .iter()
                        .find(|c| c.column == column && !column.may_repeat())
                    {
                        repeated.push((first.clone(), this));
                    } else {
                        columns.push(this);
                    }
                }
                None => unread.push((index, name)),
            }
        }
        let last = if two_rows.is_some() {
            row.number + 1
        } else {
            row.number
        };
        return Some(Header {
            rows: (row.number, last),
            data_start: i + if two_rows.is_some() { 2 } else { 1 },
            columns,
            unread,
            repeated,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::sheet::{Merge, Row};

    fn row(number: u32, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells
                .iter()
                .map(|t| {
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn headers_in_both_languages_whatever_their_punctuation() {
        let m = Mapping::default();
        for (header, want) in [
            ("Nama Daerah", Column::Region),
            ("Provinsi/Kabupaten/Kota", Column::Region),
            ("PEMERINTAH DAERAH", Column::Region),
            ("Region", Column::Region),
            ("Mitra Luar Negeri", Column::Partner),
            ("Nama  Mitra", Column::Partner),
            ("Daerah Mitra", Column::Partner),
            ("Negara", Column::Country),
            ("country", Column::Country),
            ("Jenis Kerja Sama", Column::Kind),
            ("Tgl. Penandatanganan", Column::Signed),
            ("Tanggal Penandatanganan (DD/MM/YYYY)", Column::Signed),
            ("Ditandatangani", Column::Signed),
            ("Masa Berlaku s.d.", Column::Expires),
            ("Berlaku Sampai", Column::Expires),
            ("Berakhir", Column::Expires),
            ("Bidang Kerja Sama", Column::Fields),
            ("Keterangan", Column::Notes),
            ("Status", Column::Status),
            ("No.", Column::Number),
        ] {
            assert_eq!(m.recognise(header), Some(want), "{header}");
        }
        assert_eq!(m.recognise("Penanggung Jawab"), None);
        assert_eq!(m.recognise("Nomor Naskah Kerja Sama"), None);
    }

    #[test]
    fn a_mapping_names_other_headers() {
        let m = Mapping::parse("[columns]\n\"Nama Pemkot\" = \"region\"\n\"TTD\" = \"signed\"\n")
            .unwrap();
        assert_eq!(m.recognise("nama pemkot"), Some(Column::Region));
        assert_eq!(m.recognise("T.T.D."), Some(Column::Signed));
        let err = Mapping::parse("[columns]\nX = \"regio\"\n").unwrap_err();
        assert!(err.contains("regio"), "{err}");
    }

    #[test]
    fn the_header_is_found_below_titles() {
        let grid = Grid {
            rows: vec![
                row(1, &["DAFTAR KERJA SAMA SISTER CITY"]),
                row(2, &["Keadaan per 1 Juli 2024"]),
                row(4, &["No.", "Daerah", "Mitra", "Negara", "Nomor MoU"]),
                row(5, &["1", "Jawa Tengah", "Fujian", "Tiongkok", "12/2019"]),
            ],
            merges: vec![],
        };
        let h = find_header(&grid, &Mapping::default()).unwrap();
        assert_eq!(h.rows, (4, 4));
        assert_eq!(h.data_start, 3);
        assert_eq!(h.find(Column::Country).map(|c| c.index), Some(3));
        assert_eq!(h.unread, [(4, "Nomor MoU".to_string())]);
    }

    #[test]
    fn a_header_of_two_rows_under_merged_cells() {
        let grid = Grid {
            rows: vec![
                row(3, &["Daerah", "Mitra", "Tanggal", "Tanggal"]),
                row(4, &["Daerah", "Mitra", "Penandatanganan", "Berakhir"]),
                row(5, &["Bali", "Kyoto", "6/8/2019", "5 tahun"]),
            ],
            merges: vec![
                Merge {
                    rows: (3, 4),
                    columns: (0, 0),
                },
                Merge {
                    rows: (3, 4),
                    columns: (1, 1),
                },
                Merge {
                    rows: (3, 3),
                    columns: (2, 3),
                },
            ],
        };
        let h = find_header(&grid, &Mapping::default()).unwrap();
        assert_eq!(h.rows, (3, 4));
        assert_eq!(h.data_start, 2);
        assert_eq!(h.find(Column::Signed).map(|c| c.index), Some(2));
        assert_eq!(h.find(Column::Expires).map(|c| c.index), Some(3));
        assert!(h.repeated.is_empty());
    }
}
