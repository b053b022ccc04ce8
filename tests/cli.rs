//! The command line as a user runs it: the real binary, real files, exit codes and messages.

mod common;

use common::{fixture, kembar, text};

use tempfile::TempDir;

#[test]
fn demo_list_shows_the_central_java_agreements_and_leaves_the_user_store_alone() {
    let home = TempDir::new().unwrap();
    let out = kembar(home.path(), &["--demo", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for partner in ["Queensland", "Fujian", "Chungcheongbuk-do", "Siem Reap"] {
        assert!(
            listing.contains(partner),
            "{partner} missing from:\n{listing}"
        );
    }
    assert!(listing.lines().count() >= 40);
    assert!(
        !home.path().join("data").exists(),
        "--demo created the user's store"
    );
}

#[test]
fn list_json_is_an_array_of_agreements() {
    let home = TempDir::new().unwrap();
    let out = kembar(home.path(), &["--demo", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = value.as_array().expect("an array");
    assert!(rows.len() >= 40);
    assert!(rows.iter().any(|r| r["partner_name"] == "Queensland"
        && r["signed"] == "2019-08-06"
        && r["region_name"] == "Jawa Tengah"));
}

#[test]
fn import_then_export_round_trips_through_files() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = kembar(
        home.path(),
        &["--db", db, "import", fixture("demo.json").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("imported"),
        "{}",
        text(&out.stderr)
    );

    let first = home.path().join("first.json");
    let out = kembar(
        home.path(),
        &["--db", db, "export", "--output", first.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let db2 = home.path().join("store2");
    let db2 = db2.to_str().unwrap();
    let out = kembar(
        home.path(),
        &["--db", db2, "import", first.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kembar(home.path(), &["--db", db2, "export"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(&first).unwrap());
    // And what went round is what the original file holds, not only what the first export
    // made of it.
    let difference = common::first_difference(
        &common::normalised_json(&out.stdout),
        &common::normalised_json(&std::fs::read(fixture("demo.json")).unwrap()),
    );
    assert_eq!(
        difference, None,
        "the export differs from the file imported"
    );
}

#[test]
fn csv_export_has_one_row_per_agreement_and_defuses_formulas() {
    let home = TempDir::new().unwrap();
    let out = kembar(home.path(), &["--demo", "export", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json = kembar(home.path(), &["--demo", "list", "--json"]);
    let count = serde_json::from_slice::<serde_json::Value>(&json.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rows.len(), count);

    // Text that a spreadsheet would run: each of the four formula starts, in several
    // columns.
    let hostile = [
        ("partner", "=HYPERLINK(\"http://evil.example\",\"klik\")"),
        ("country", "+62 21 3842"),
        ("region_official_name", "-1+1"),
        ("notes", "@SUM(A1:A9)"),
        ("fields", "=cmd|' /C calc'!A0"),
    ];
    let text_of = std::fs::read_to_string(fixture("small.json")).unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&text_of).unwrap();
    data["partners"][0]["name"] = hostile[0].1.into();
    data["partners"][0]["country"] = hostile[1].1.into();
    data["regions"][0]["official_name"] = hostile[2].1.into();
    data["agreements"][0]["notes"] = hostile[3].1.into();
    data["agreements"][0]["fields"] = serde_json::json!([hostile[4].1]);
    let file = home.path().join("formulas.json");
    std::fs::write(&file, serde_json::to_vec(&data).unwrap()).unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = kembar(home.path(), &["--db", db, "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kembar(home.path(), &["--db", db, "export", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    for (column, value) in hostile {
        let at = headers.iter().position(|h| h == column).unwrap();
        assert_eq!(row[at], format!("'{value}"), "{column} is not defused");
    }
    for cell in rows.iter().flatten().chain(row.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "formula-like cell {cell:?}"
        );
    }
}

#[test]
fn a_bad_import_fails_with_the_file_named_and_exit_code_1() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let bad = fixture("bad/impossible-date.json");
    let out = kembar(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("impossible-date.json"), "{err}");
    assert!(err.contains("2019-02-30"), "{err}");
    assert!(err.contains("Nothing was imported"), "{err}");
}

#[test]
fn gen_is_deterministic_and_refuses_a_store_with_data() {
    let home = TempDir::new().unwrap();
    let run = |db: &str| {
        let out = kembar(
            home.path(),
            &[
                "--db",
                db,
                "gen",
                "--agreements",
                "60",
                "--activities-per",
                "4",
                "--seed",
                "9",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        kembar(home.path(), &["--db", db, "export"]).stdout
    };
    let a = home.path().join("a");
    let b = home.path().join("b");
    let first = run(a.to_str().unwrap());
    assert_eq!(first, run(b.to_str().unwrap()));
    let data: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(data["agreements"].as_array().unwrap().len(), 60);
    assert_eq!(data["activities"].as_array().unwrap().len(), 240);

    let again = kembar(
        home.path(),
        &["--db", a.to_str().unwrap(), "gen", "--agreements", "5"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already holds data"));
}

#[test]
fn an_impossible_today_is_named() {
    let home = TempDir::new().unwrap();
    let out = kembar(home.path(), &["--demo", "--today", "2019-02-30", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("2019-02-30"), "{err}");
    assert!(err.contains("28 days"), "{err}");
}

#[test]
fn a_second_process_is_told_who_holds_the_store() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let _held = kembar::store::Store::open(&db, "dashboard").unwrap();
    let out = kembar(home.path(), &["--db", db.to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("in use by another kembar process"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
}

#[test]
fn every_command_has_help() {
    let home = TempDir::new().unwrap();
    for cmd in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["export", "--help"],
        vec!["list", "--help"],
        vec!["gen", "--help"],
    ] {
        let out = kembar(home.path(), &cmd);
        assert!(out.status.success(), "{cmd:?}");
        assert!(text(&out.stdout).contains("Usage"), "{cmd:?}");
    }
}

#[test]
fn the_dashboard_refuses_to_start_without_a_terminal() {
    let home = TempDir::new().unwrap();
    let out = kembar(home.path(), &["--demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("needs a terminal"));
}

#[test]
fn search_prints_ranked_results_and_json() {
    let home = TempDir::new().unwrap();
    let out = kembar(
        home.path(),
        &[
            "--demo",
            "--lang",
            "en",
            "search",
            "queenslnd",
            "--limit",
            "3",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.starts_with("partner") && first.contains("Queensland"),
        "{first}"
    );

    let out = kembar(
        home.path(),
        &[
            "--demo", "--lang", "en", "search", "fujian", "--json", "--kind", "activity",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["kind"] == "activity"));
    let scores: Vec<i64> = rows.iter().map(|r| r["score"].as_i64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(
        rows[0]["context"]
            .as_str()
            .unwrap()
            .contains("Jawa Tengah – Fujian")
    );
}

#[test]
fn search_survives_hostile_queries() {
    let home = TempDir::new().unwrap();
    let long = "q".repeat(10_000);
    for q in ["", "\u{1b}[2J", "!!!???", long.as_str()] {
        let out = kembar(home.path(), &["--demo", "search", q]);
        assert!(out.status.success(), "{q:?}: {}", text(&out.stderr));
        assert!(!text(&out.stdout).contains('\u{1b}'));
    }
}

#[test]
fn search_uses_the_saved_index_while_another_process_holds_the_store() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = kembar(
        home.path(),
        &["--db", db, "import", fixture("demo.json").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The first search builds and saves the index.
    let out = kembar(
        home.path(),
        &["--db", db, "--lang", "en", "search", "siem reap"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(home.path().join("store/search-index.en").exists());

    // Agreements (with their status today), countries and tags (with their counts).
    let query = |home: &std::path::Path| {
        kembar(
            home,
            &[
                "--db",
                db,
                "--lang",
                "en",
                "search",
                "--limit",
                "30",
                "--kind",
                "agreement",
                "--kind",
                "country",
                "--kind",
                "tag",
                "ja",
            ],
        )
    };
    let free = query(home.path());
    assert!(free.status.success(), "{}", text(&free.stderr));
    let free = text(&free.stdout);
    assert!(free.contains("· active)"), "{free}");
    assert!(free.contains("partners)"), "{free}");

    let held = kembar::store::Store::open(std::path::Path::new(db), "dashboard").unwrap();
    let out = kembar(
        home.path(),
        &["--db", db, "--lang", "en", "search", "siem reap"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Siem Reap"));
    // The same answer, statuses and counts included, from what was saved beside the store.
    let busy = query(home.path());
    assert!(busy.status.success(), "{}", text(&busy.stderr));
    assert_eq!(text(&busy.stdout), free);
    drop(held);

    // Without the saved view of today, the store is opened (it is free again): same answer.
    std::fs::remove_file(home.path().join("store/search-today")).unwrap();
    assert_eq!(text(&query(home.path()).stdout), free);
    assert!(home.path().join("store/search-today").exists());
}

#[test]
fn a_change_to_the_store_makes_the_saved_index_stale() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = kembar(
        home.path(),
        &[
            "--db",
            db,
            "import",
            fixture("small.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kembar(
        home.path(),
        &[
            "--db", db, "--lang", "en", "search", "fujian", "--kind", "partner",
        ],
    );
    assert!(
        !text(&out.stdout).contains("Fujian"),
        "small.json has no Fujian"
    );
    let out = kembar(
        home.path(),
        &[
            "--db",
            db,
            "import",
            "--replace",
            fixture("demo.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kembar(
        home.path(),
        &[
            "--db", db, "--lang", "en", "search", "fujian", "--kind", "partner",
        ],
    );
    assert!(
        text(&out.stdout).contains("Fujian"),
        "a stale index was used:\n{}",
        text(&out.stdout)
    );
}

#[test]
fn the_log_shows_who_imported_what() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = kembar(
        home.path(),
        &[
            "--db",
            db,
            "import",
            fixture("small.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kembar(home.path(), &["--db", db, "log"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = text(&out.stdout);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.contains("import") && log.contains("small.json"),
        "{log}"
    );

    let out = kembar(
        home.path(),
        &["--db", db, "log", "--json", "--since", "2000-01-01"],
    );
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    let out = kembar(home.path(), &["--db", db, "log", "--since", "2999-01-01"]);
    assert!(text(&out.stdout).is_empty());
}

/// Whether text holds anything that drives a terminal: C0 controls other than the line
/// break, DEL, C1 controls (U+009B is a one-character CSI) and bidirectional controls.
fn drives_a_terminal(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

const HOSTILE: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}\u{2066}x";

/// The "in use" message prints what the lock file says about its owner, which another user
/// wrote: none of it reaches the terminal raw.
#[test]
fn the_in_use_message_never_prints_raw_escapes_from_the_lock_file() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let _held = kembar::store::Store::open(&db, "dashboard").unwrap();
    let owner = serde_json::json!({
        "pid": 4242,
        "user": format!("mallory{HOSTILE}"),
        "purpose": format!("dashboard{HOSTILE}"),
        "since": format!("today{HOSTILE}"),
        "ssh": format!("ssh -p 2222 host{HOSTILE}"),
    });
    std::fs::write(db.join("kembar.lock"), owner.to_string()).unwrap();
    let out = kembar(home.path(), &["--db", db.to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("in use"), "{err}");
    assert!(err.contains("mallory"), "{err}");
    assert_eq!(drives_a_terminal(&err), None, "{err:?}");
}

/// A file name holding escape sequences is echoed in the error made safe.
#[cfg(unix)]
#[test]
fn an_import_file_name_is_never_echoed_raw() {
    let home = TempDir::new().unwrap();
    let file = home.path().join(format!("laporan{HOSTILE}.json"));
    std::fs::write(&file, b"{ \"format\": \"kembar\", ").unwrap();
    let db = home.path().join("store");
    for args in [
        vec![
            "--db",
            db.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
        ],
        vec![
            "--db",
            db.to_str().unwrap(),
            "import",
            home.path()
                .join(format!("missing{HOSTILE}.json"))
                .to_str()
                .unwrap(),
        ],
        // And a store path that is not a folder.
        vec!["--db", file.to_str().unwrap(), "list"],
    ] {
        let out = kembar(home.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("laporan") || err.contains("missing"), "{err}");
        assert_eq!(drives_a_terminal(&err), None, "{err:?}");
    }
}
