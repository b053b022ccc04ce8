//! `kembar trends` and the trends in `kembar report`, against figures counted by hand for a
//! small fixture (fixtures/trends.json):
//!
//! | agreement | terms | other facts |
//! |---|---|---|
//! | 1 Queensland | 2018-06-01 to 2020-06-01, renewed 2021-03-01 to 2026-03-01 | lapsed 2020 |
//! | 2 Fujian | 2019-01-15 to 2022-01-15, renewed early 2021-09-01 to 2025-09-01 | never lapsed |
//! | 3 Siem Reap | 2020-02-02, no end | terminated 2022-05-05 |
//! | 4 Osaka | 2022-04-01 to 2023-04-01 | expired 2023 |
//! | 5 Busan | 2024-01-01 | after the day judged |
//!
//! Activities: 2018 a signing and a visit, 2020 an exchange and a training, 2021 a renewal
//! and a meeting, 2023-08-01 a visit (after the day judged). Judged as of 2023-06-30.

mod common;

use common::{fixture, kembar, text};
use serde_json::json;
use tempfile::TempDir;

const AS_OF: &str = "2023-06-30";

fn store() -> (TempDir, String) {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store").to_string_lossy().into_owned();
    let out = kembar(
        home.path(),
        &[
            "--db",
            &db,
            "import",
            fixture("trends.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, db)
}

/// Year, signed, renewed, in force at the end of the year, expired that year, activities.
const BY_HAND: [(i32, u32, u32, u32, u32, u32); 6] = [
    (2018, 1, 0, 1, 0, 1),
    (2019, 1, 0, 2, 0, 0),
    (2020, 1, 0, 2, 1, 2),
    (2021, 0, 2, 3, 0, 1),
    (2022, 1, 0, 3, 0, 0),
    (2023, 0, 0, 2, 1, 0),
];

#[test]
fn trends_json_matches_the_figures_counted_by_hand() {
    let (home, db) = store();
    let out = kembar(
        home.path(),
        &["--db", &db, "--today", AS_OF, "trends", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: Vec<serde_json::Value> = BY_HAND
        .iter()
        .map(|&(year, signed, renewed, in_force, expired, activities)| {
            let through = if year == 2023 {
                AS_OF.to_string()
            } else {
                format!("{year}-12-31")
            };
            json!({
                "year": year,
                "through": through,
                "signed": signed,
                "renewed": renewed,
                "in_force": in_force,
                "expired": expired,
                "activities": activities,
            })
        })
        .collect();
    assert_eq!(got, serde_json::Value::Array(want));
}

#[test]
fn years_follow_the_as_of_date() {
    let (home, db) = store();
    // A day in 2020: the rows stop there, and what came later is not counted.
    let out = kembar(
        home.path(),
        &["--db", &db, "--today", "2020-07-01", "trends", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let years: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2018, 2019, 2020]);
    let last = &rows[2];
    assert_eq!(last["through"], "2020-07-01");
    // Queensland's first term ended on 2020-06-01: expired, out of force; Fujian and Siem
    // Reap in force; the training of November not yet held.
    assert_eq!(last["expired"], 1);
    assert_eq!(last["in_force"], 2);
    assert_eq!(last["activities"], 1);
    // Before the first signing: no rows.
    let out = kembar(
        home.path(),
        &["--db", &db, "--today", "2017-01-01", "trends", "--json"],
    );
    assert_eq!(text(&out.stdout).trim(), "[]");
}

#[test]
fn trends_csv_and_table_and_the_report_carry_the_same_rows() {
    let (home, db) = store();
    let out = kembar(
        home.path(),
        &["--db", &db, "--today", AS_OF, "trends", "--csv"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut want = String::from("year,signed,renewed,in_force,expired,activities\n");
    for (y, s, r, f, e, a) in BY_HAND {
        want.push_str(&format!("{y},{s},{r},{f},{e},{a}\n"));
    }
    assert_eq!(csv, want);

    let out = kembar(
        home.path(),
        &["--db", &db, "--today", AS_OF, "--lang", "en", "trends"],
    );
    let table = text(&out.stdout);
    assert!(table.contains("Year"), "{table}");
    assert!(table.contains("In force"), "{table}");
    let row_2021: Vec<&str> = table
        .lines()
        .find(|l| l.trim_start().starts_with("2021"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(row_2021, ["2021", "0", "2", "3", "0", "1"]);

    let out = kembar(
        home.path(),
        &[
            "--db", &db, "--today", AS_OF, "--lang", "en", "report", "--format", "md",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("## Trends by year"), "{md}");
    for (y, s, r, f, e, a) in BY_HAND {
        let row = format!("| {y} | {s} | {r} | {f} | {e} | {a} |");
        assert!(md.contains(&row), "{row} missing:\n{md}");
    }

    let out = kembar(
        home.path(),
        &[
            "--db", &db, "--today", AS_OF, "--lang", "id", "report", "--format", "csv",
        ],
    );
    let csv = text(&out.stdout);
    assert!(csv.contains("Tren per tahun"), "{csv}");
    assert!(csv.contains("2021,0,2,3,0,1"), "{csv}");
}

#[test]
fn the_report_workbook_has_a_trends_sheet_with_a_chart() {
    use calamine::{Data, Reader};
    let (home, db) = store();
    let file = home.path().join("report.xlsx");
    let out = kembar(
        home.path(),
        &[
            "--db",
            &db,
            "--today",
            AS_OF,
            "--lang",
            "en",
            "report",
            "--format",
            "xlsx",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("Trends").unwrap();
    assert_eq!(sheet.get_value((0, 0)), Some(&Data::String("Year".into())));
    for (i, (y, s, r, f, e, a)) in BY_HAND.iter().enumerate() {
        let row = i as u32 + 1;
        let n = |c: u32| match sheet.get_value((row, c)) {
            Some(Data::Float(v)) => *v as i64,
            other => panic!("row {row} column {c}: {other:?}"),
        };
        assert_eq!(
            [n(0), n(1), n(2), n(3), n(4), n(5)],
            [
                i64::from(*y),
                i64::from(*s),
                i64::from(*r),
                i64::from(*f),
                i64::from(*e),
                i64::from(*a)
            ]
        );
    }
    // The chart is a native one, in the package.
    let zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let charts = zip
        .file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("xl/charts/chart")))
        .count();
    assert_eq!(charts, 2, "the obstacles' chart and the trends' chart");
}
