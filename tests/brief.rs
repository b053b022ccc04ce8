//! `kembar brief`: the fields pursued worked out by hand on a small fixture and read back
//! from the Markdown, the agreement named by id or by words, the demo's Queensland brief
//! word for word in both languages, and the workbook read back.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

fn kembar_ok(home: &Path, args: &[&str]) -> String {
    let out = common::kembar(home, args);
    assert!(
        out.status.success(),
        "kembar {args:?} failed: {}",
        common::text(&out.stderr)
    );
    common::text(&out.stdout)
}

/// A store holding `fixtures/brief.json`.
fn fixture_store(home: &Path) -> String {
    let db = home.join("store").to_str().unwrap().to_string();
    kembar_ok(
        home,
        &[
            "--db",
            &db,
            "import",
            common::fixture("brief.json").to_str().unwrap(),
        ],
    );
    db
}

/// The rows of the Markdown table that follows the heading `heading`, as cells.
fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in:\n{md}"));
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn fields_pursued_by_hand() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_store(home.path());
    let md = kembar_ok(
        home.path(),
        &[
            "--db",
            &db,
            "--today",
            "2019-08-22",
            "--lang",
            "en",
            "brief",
            "1",
        ],
    );
    // Five years up to 2019-08-22 start on 2014-08-22: the exchange of that day counts, the
    // visit of 2014-08-21 does not, the visit of 2019-08-23 has not happened yet.
    assert!(md.contains("from 2014-08-22 to 2019-08-22"), "{md}");
    let rows = table_after(&md, "## Fields pursued");
    let want = [
        ["Pendidikan", "yes", "2", "2", "2018-03-10", "—", "keep"],
        ["Pariwisata", "yes", "0", "1", "2014-08-21", "idle", "drop"],
        ["Peternakan", "yes", "0", "0", "—", "idle", "drop"],
        [
            "Kelautan dan Perikanan",
            "no",
            "1",
            "1",
            "2018-03-10",
            "—",
            "add",
        ],
        ["Olahraga", "no", "0", "1", "2010-02-02", "—", "—"],
    ];
    assert_eq!(rows, want.map(|r| r.map(String::from).to_vec()).to_vec());
    assert!(md.contains("- **Suggested focus of the new MoU: keep:** Pendidikan\n"));
    assert!(md.contains("- **drop:** Pariwisata, Peternakan\n"));
    assert!(md.contains("- **add:** Kelautan dan Perikanan\n"));
    // The meeting named no field; the renewal is not counted.
    assert!(md.contains("- **Activities naming no field (5 yrs):** 1\n"));
    // Two of three MoU fields idle: triage says so, with the MoU expired and no assessment.
    assert!(
        md.contains("- fields idle: 2 of the MoU's 3 fields had nothing for 5 years (Pariwisata, Peternakan)\n"),
        "{md}"
    );
    assert!(md.contains("- not assessed: no kajian for the renewal"));
    // Achievements: outcomes summed by year and unit, the one after the day left out.
    let years = table_after(&md, "## Achievements");
    assert_eq!(years[0], ["2010", "1", "0", "1,500.5 USD"]);
    assert_eq!(years[1], ["2014", "1", "20", "3 scholarships"]);
    assert_eq!(years[2], ["2018", "1", "12", "2 Scholarships"]);
    assert_eq!(
        years[3],
        ["Total", "3", "32", "5 scholarships; 1,500.5 USD"]
    );

    // A day later the livestock visit counts and the exchange of 2014-08-22 drops out.
    let later = kembar_ok(
        home.path(),
        &[
            "--db",
            &db,
            "--today",
            "2019-08-23",
            "--lang",
            "en",
            "brief",
            "queensland",
        ],
    );
    let rows = table_after(&later, "## Fields pursued");
    assert_eq!(rows[0][..4], ["Pendidikan", "yes", "1", "2"]);
    assert_eq!(
        rows[2][..6],
        ["Peternakan", "yes", "1", "1", "2019-08-23", "—"]
    );
    assert!(!later.contains("fields idle"));
}

#[test]
fn the_agreement_is_named_by_id_or_words() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_store(home.path());
    let brief = |q: &str| common::kembar(home.path(), &["--db", &db, "--lang", "en", "brief", q]);
    // Words of its names, the partner's name in its own script, the province's short form.
    for q in ["queensland", "jateng qld", "2", "福建"] {
        let out = brief(q);
        assert!(out.status.success(), "{q}: {}", common::text(&out.stderr));
    }
    let several = brief("jateng");
    assert_eq!(several.status.code(), Some(1));
    let err = common::text(&several.stderr);
    assert!(err.contains("\"jateng\" matches 2 agreements"), "{err}");
    assert!(
        err.contains("     1  Jawa Tengah – Queensland (Australia)"),
        "{err}"
    );
    assert!(
        err.contains("     2  Jawa Tengah – Fujian (China)"),
        "{err}"
    );
    assert!(err.contains("fix: name one by its id"), "{err}");
    let none = brief("tokyo");
    assert_eq!(none.status.code(), Some(1));
    let err = common::text(&none.stderr);
    assert!(err.contains("no agreement matches \"tokyo\""), "{err}");
    // A workbook is never written to a terminal or mixed with text: --output is fine.
    let file = home.path().join("b.xlsx");
    let out = common::kembar(
        home.path(),
        &[
            "--db",
            &db,
            "brief",
            "1",
            "--format",
            "xlsx",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(std::fs::metadata(&file).unwrap().len() > 1000);
}

/// The demo store with its Queensland agreement as of the day of the 2024 review.
fn demo_brief(lang: &str, format: &str, output: Option<&Path>) -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--demo",
        "--today",
        "2024-08-22",
        "--lang",
        lang,
        "brief",
        "jateng queensland",
        "--format",
        format,
    ];
    let out_path;
    if let Some(o) = output {
        out_path = o.to_str().unwrap().to_string();
        args.push("--output");
        args.push(&out_path);
    }
    let text = kembar_ok(home.path(), &args);
    (home, text)
}

#[test]
fn golden_brief_in_english() {
    let (_home, md) = demo_brief("en", "md", None);
    insta::assert_snapshot!("brief_queensland_en", md);
}

#[test]
fn golden_brief_in_indonesian() {
    let (_home, md) = demo_brief("id", "md", None);
    insta::assert_snapshot!("brief_queensland_id", md);
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => kembar::brief::number(*f),
        Data::Int(i) => i.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn the_workbook_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("brief.xlsx");
    let (_home, _) = demo_brief("en", "xlsx", Some(&file));
    let (_h, md) = demo_brief("en", "md", None);
    let bytes = std::fs::read(&file).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Partnership",
            "History",
            "Standing",
            "Fields",
            "Assessment",
            "Achievements",
            "Obstacles",
            "Reports",
            "Follow-ups"
        ]
    );
    let first = book.worksheet_range("Partnership").unwrap();
    assert_eq!(
        cell_text(first.get((0, 0)).unwrap()),
        "Brief: Jawa Tengah – Queensland (Australia)"
    );
    assert_eq!(cell_text(first.get((1, 1)).unwrap()), "2024-08-22");
    // The fields sheet holds the same rows as the Markdown's table, numbers as numbers and
    // dates as dates.
    let fields = book.worksheet_range("Fields").unwrap();
    let rows: Vec<Vec<String>> = fields
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Field"))
        .expect("a header row");
    let md_rows = table_after(&md, "## Fields pursued");
    assert!(!md_rows.is_empty());
    for (i, want) in md_rows.iter().enumerate() {
        let got: Vec<String> = rows[header + 1 + i]
            .iter()
            .map(|c| {
                if c.is_empty() {
                    "—".to_string()
                } else {
                    c.clone()
                }
            })
            .collect();
        assert_eq!(&got[..want.len()], &want[..], "row {i}");
    }
    let row = header + 1;
    assert!(matches!(fields.get((row, 2)), Some(Data::Float(_))));
    let dated = md_rows
        .iter()
        .position(|r| r[4] != "—")
        .expect("a field with a date");
    assert!(matches!(
        fields.get((header + 1 + dated, 4)),
        Some(Data::DateTime(_))
    ));
    // The assessment of the 2019 renewal is in its sheet.
    let x = book.worksheet_range("Assessment").unwrap();
    let all: Vec<String> = x.cells().map(|(_, _, d)| cell_text(d)).collect();
    assert!(
        all.iter()
            .any(|c| c.starts_with("safe: Hubungan diplomatik")),
        "{all:?}"
    );
}

#[test]
fn b_in_the_dashboard_writes_the_brief_or_shows_it_over_ssh() {
    use kembar::tui::keymap::Cmd;
    use kembar::tui::model::BriefTo;
    use kembar::tui::overlays::Overlay;

    let folder = tempfile::tempdir().unwrap();
    let mut h = common::harness::Harness::demo(kembar::i18n::Lang::En);
    h.model.ctx.brief_to = BriefTo::Folder(folder.path().to_path_buf());
    h.open_queensland();
    h.press(Cmd::Brief);
    let file = folder
        .path()
        .join("brief-1-jawa-tengah-queensland-2026-11-29.md");
    let text = std::fs::read_to_string(&file).expect("the brief is written");
    assert!(text.starts_with("# Brief: Jawa Tengah – Queensland (Australia)\n\nAs of 2026-11-29."));
    let status = h.model.ctx.status.as_ref().map(|s| s.text.clone()).unwrap();
    assert_eq!(
        status,
        format!(
            "Brief for Jawa Tengah – Queensland written to {}",
            file.display()
        )
    );
    // A folder that cannot be written: said in the status line, nothing else changes.
    h.model.ctx.brief_to = BriefTo::Folder(folder.path().join("missing"));
    h.press(Cmd::Brief);
    let status = h.model.ctx.status.as_ref().map(|s| s.text.clone()).unwrap();
    assert!(
        status.starts_with("Could not write the brief to "),
        "{status}"
    );
    // Over SSH: shown in a reader, which scrolls and closes.
    h.model.ctx.brief_to = BriefTo::Screen;
    h.press(Cmd::Brief);
    let Some(Overlay::Reader(r)) = h.model.overlays.last() else {
        panic!("no reader");
    };
    assert_eq!(r.lines.join("\n") + "\n", text);
    h.press(Cmd::PageDown);
    let Some(Overlay::Reader(r)) = h.model.overlays.last() else {
        panic!("no reader");
    };
    assert!(r.top > 0);
    h.press(Cmd::Back);
    assert!(h.model.overlays.is_empty());
}
