//! `kembar import`: kembar's own files (JSON, or a workbook written by `kembar export`) and
//! bureau registers (CSV, xlsx), all through the store's one audited import.
//!
//! A register is planned first ([`super::plan`]); the plan is printed with `--check`, and
//! written only when it has no problem: new regions, partners and agreements, plus, with
//! `--update`, the register's values over agreements that differ (one atomic change, whose
//! audit entry holds those agreements before and after).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::ImportFormat;
use crate::domain::Dataset;
use crate::domain::text::display_safe;
use crate::store::interchange::{self, Replacement};
use crate::store::{Actor, ImportMode, Store};

use super::header::{Column, Mapping};
use super::plan::{Context, Plan};
use super::{Register, RegisterError};

/// What the user asked `kembar import` to do.
pub struct Request<'a> {
    pub file: &'a Path,
    pub format: Option<ImportFormat>,
    pub sheet: Option<&'a str>,
    pub mapping: Option<&'a Path>,
    pub province: Option<&'a str>,
    pub check: bool,
    pub update: bool,
    pub replace: bool,
}

/// The settings an import uses besides the request.
pub struct Settings<'a> {
    /// Statuses left empty in a register are judged as of this day.
    pub today: NaiveDate,
    /// Region aliases from the config.
    pub aliases: &'a BTreeMap<String, String>,
}

/// The format of a file: the one asked for, else by extension, else by its first bytes.
pub fn detect(path: &Path, bytes: &[u8], asked: Option<ImportFormat>) -> Result<ImportFormat> {
    if let Some(format) = asked {
        return Ok(format);
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "json" => return Ok(ImportFormat::Json),
        "csv" | "tsv" | "txt" => return Ok(ImportFormat::Csv),
        "xlsx" | "xlsm" => return Ok(ImportFormat::Xlsx),
        "xls" | "ods" | "xlsb" => bail!(
            "{} is a workbook kembar does not read (.{extension}); it reads .xlsx. Nothing was \
             imported.\nfix: open it in Excel (or LibreOffice) and save it as \"Excel Workbook \
             (*.xlsx)\", or as \"CSV UTF-8\"",
            path.display()
        ),
        _ => {}
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    Ok(if bytes.starts_with(b"PK\x03\x04") {
        ImportFormat::Xlsx
    } else if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        ImportFormat::Json
    } else {
        ImportFormat::Csv
    })
}

/// Runs `kembar import`. What `--check` shows goes to `out`; progress goes to standard error.
pub fn run(
    store: &Store,
    actor: &Actor,
    settings: &Settings<'_>,
    request: &Request<'_>,
    out: &mut dyn Write,
) -> Result<()> {
    let path = request.file;
    let bytes = std::fs::read(path).map_err(|e| RegisterError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let source = path.display().to_string();
    let format = detect(path, &bytes, request.format)?;
    let own = match format {
        ImportFormat::Json => Some(interchange::parse_dataset(&bytes, &source)?),
        ImportFormat::Xlsx if crate::xlsx::is_kembar_workbook(&bytes) => {
            Some(crate::xlsx::read_dataset(&bytes, &source)?)
        }
        _ => None,
    };
    match own {
        Some(data) => import_own(store, actor, request, &source, &data, out),
        None => import_register(
            store,
            actor,
            settings,
            request,
            bytes,
            format == ImportFormat::Xlsx,
            out,
        ),
    }
}

/// Imports kembar's own JSON or workbook.
fn import_own(
    store: &Store,
    actor: &Actor,
    request: &Request<'_>,
    source: &str,
    data: &Dataset,
    out: &mut dyn Write,
) -> Result<()> {
    let register_only = [
        (request.update, "--update"),
        (request.sheet.is_some(), "--sheet"),
        (request.mapping.is_some(), "--mapping"),
        (request.province.is_some(), "--province"),
    ];
    if let Some((_, flag)) = register_only.iter().find(|(given, _)| *given) {
        bail!(
            "{flag} is for registers (a bureau's CSV or workbook), and {source} is a file \
             kembar wrote. Nothing was imported.\nfix: leave out {flag}"
        );
    }
    let mode = if request.replace {
        ImportMode::Replace
    } else {
        ImportMode::Merge
    };
    if request.check {
        let report = store.check_import(data, &[], source, mode)?;
        writeln!(
            out,
            "{source} would import: {report}\nNothing was written (--check)."
        )?;
        return Ok(());
    }
    let report = store.import(data, source, mode, actor)?;
    eprintln!(
        "imported {source} into {}: {report}",
        store.path().display()
    );
    Ok(())
}

fn import_register(
    store: &Store,
    actor: &Actor,
    settings: &Settings<'_>,
    request: &Request<'_>,
    bytes: Vec<u8>,
    workbook: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if request.replace {
        bail!(
            "--replace replaces everything in the store with a file kembar wrote (JSON, or a \
             workbook from `kembar export --format xlsx`); a register only adds to the store. \
             Nothing was imported.\nfix: leave out --replace"
        );
    }
    let mapping = match request.mapping {
        Some(path) => Mapping::load(path)?,
        None => Mapping::default(),
    };
    let register = super::read(request.file, bytes, workbook, request.sheet, &mapping)?;
    let catalog = store.load_catalog()?;
    let ctx = Context {
        catalog: &catalog,
        today: settings.today,
        aliases: settings.aliases,
        province: request.province,
        next_agreement: store.next_agreement_id()?,
    };
    let plan = super::plan::plan(&register, &ctx);
    let source = register.source();
    if request.check {
        out.write_all(summary(&register, &plan, request.update, true, settings.today).as_bytes())?;
        if !plan.is_clean() {
            bail!(
                "{source} has {} (listed above); nothing would be imported",
                count(plan.problems.len(), "problem")
            );
        }
        writeln!(out, "Nothing was written (--check).")?;
        return Ok(());
    }
    if !plan.is_clean() {
        bail!("{}", problems_message(&source, &plan));
    }
    let data = Dataset {
        stages: catalog.stages.clone(),
        regions: plan.new_regions.clone(),
        partners: plan.new_partners.clone(),
        agreements: plan
            .new_agreements
            .iter()
            .map(|p| p.agreement.clone())
            .collect(),
        ..Dataset::default()
    };
    let replacements: Vec<Replacement> = if request.update {
        plan.conflicts
            .iter()
            .map(|c| Replacement {
                version: c.version,
                before: c.before.clone(),
                after: c.after.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    eprint!(
        "{}",
        summary(&register, &plan, request.update, false, settings.today)
    );
    if data.agreements.is_empty() && data.regions.is_empty() && replacements.is_empty() {
        eprintln!("Nothing new in {source}; the store was not changed.");
        return Ok(());
    }
    let report = store.import_replacing(&data, &replacements, &source, ImportMode::Merge, actor)?;
    eprintln!(
        "imported {source} into {}: {report}",
        store.path().display()
    );
    Ok(())
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Every problem, for the error an import fails with.
pub fn problems_message(source: &str, plan: &Plan) -> String {
    let mut text = format!(
        "{source} has {}. Nothing was imported.",
        count(plan.problems.len(), "problem")
    );
    for p in &plan.problems {
        text.push_str("\n  - ");
        text.push_str(&p.to_string());
    }
    text.push_str(
        "\nCorrect the register and import it again; `kembar import --check FILE` lists the \
         problems without importing.",
    );
    text
}

/// What the import does (or would do, with `check`), row by row where it matters.
pub fn summary(
    register: &Register,
    plan: &Plan,
    update: bool,
    check: bool,
    today: NaiveDate,
) -> String {
    let mut s = String::new();
    let header = &register.header;
    let rows = if header.rows.0 == header.rows.1 {
        format!("header on row {}", header.rows.0)
    } else {
        format!("header on rows {}–{}", header.rows.0, header.rows.1)
    };
    let mut how = vec![rows, count(plan.rows, "row") + " below it"];
    if let Some(csv) = register.csv {
        let separator = match csv.separator {
            b';' => "\";\"".to_string(),
            b'\t' => "tab".to_string(),
            other => format!("\"{}\"", other as char),
        };
        how.push(format!("separated by {separator}"));
        if !csv.utf8 {
            how.push("read as Windows-1252, not UTF-8".into());
        }
    }
    s.push_str(&format!("{} ({}):\n", register.source(), how.join(", ")));
    let read: Vec<String> = header
        .columns
        .iter()
        .filter(|c| c.column != Column::Number)
        .map(|c| format!("{} = {}", c.label(), c.column.describe()))
        .collect();
    s.push_str(&format!("  columns read: {}\n", read.join("; ")));
    if !header.unread.is_empty() {
        let unread: Vec<String> = header
            .unread
            .iter()
            .map(|(i, name)| {
                format!(
                    "{} {:?}",
                    super::sheet::column_letter(*i),
                    display_safe(name)
                )
            })
            .collect();
        s.push_str(&format!(
            "  columns not read (map them with --mapping): {}\n",
            unread.join(", ")
        ));
    }
    s.push_str(&format!(
        "  {}\n",
        count(plan.new_agreements.len(), "new agreement")
    ));
    if check {
        for p in &plan.new_agreements {
            let a = &p.agreement;
            let date = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
            s.push_str(&format!(
                "    row {}: {}, {}, {}, signed {}, expires {}\n",
                p.row,
                display_safe(&p.label),
                interchange::enum_name(&a.kind),
                interchange::enum_name(&a.status_on(today)),
                date(a.signed),
                date(a.expires),
            ));
        }
    }
    if !plan.new_partners.is_empty() {
        let names: Vec<String> = plan
            .new_partners
            .iter()
            .map(|p| format!("{} ({})", display_safe(&p.name), p.country))
            .collect();
        s.push_str(&format!(
            "  {}: {}\n",
            count(plan.new_partners.len(), "new partner"),
            names.join(", ")
        ));
    }
    if !plan.new_regions.is_empty() {
        let names: Vec<String> = plan
            .new_regions
            .iter()
            .map(|r| display_safe(&r.official_name).into_owned())
            .collect();
        s.push_str(&format!(
            "  {}: {}\n",
            count(plan.new_regions.len(), "new region"),
            names.join(", ")
        ));
        if let Some((id, name)) = &plan.implied_province
            && plan
                .new_regions
                .iter()
                .any(|r| r.province.as_ref() == Some(id))
        {
            s.push_str(&format!(
                "    (new regencies and cities go in {}, the only province the register \
                 names; --province says otherwise)\n",
                display_safe(name)
            ));
        }
    }
    s.push_str(&format!("  {} already present", plan.present.len()));
    let earlier: Vec<String> = plan
        .present
        .iter()
        .filter_map(|p| p.note.as_ref().map(|n| format!("row {} is {n}", p.row)))
        .collect();
    if !earlier.is_empty() {
        s.push_str(&format!(" ({})", earlier.join("; ")));
    }
    s.push('\n');
    if !plan.conflicts.is_empty() {
        let verb = if update {
            "written with --update"
        } else {
            "not written (--update writes the register's values)"
        };
        s.push_str(&format!(
            "  {}, {verb}:\n",
            count(plan.conflicts.len(), "conflict")
        ));
        for c in &plan.conflicts {
            s.push_str(&format!("    row {}, {}:\n", c.row, display_safe(&c.label)));
            for d in &c.differences {
                s.push_str(&format!(
                    "      {}: the store has {:?}, the register {:?}\n",
                    d.column,
                    display_safe(&d.store),
                    display_safe(&d.register)
                ));
            }
            if let Some(note) = &c.note {
                s.push_str(&format!("      ({note})\n"));
            }
        }
    }
    for skipped in &plan.skipped {
        s.push_str(&format!("  row {} skipped: {}\n", skipped.row, skipped.why));
    }
    if !plan.problems.is_empty() {
        s.push_str(&format!("  {}:\n", count(plan.problems.len(), "problem")));
        for p in &plan.problems {
            s.push_str(&format!("  - {p}\n"));
        }
    }
    s
}
