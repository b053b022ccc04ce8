//! Import, export and the store's refusals, through the library API.

mod common;

use std::path::{Path, PathBuf};

use kembar::domain::Dataset;
use kembar::store::interchange::{parse_dataset, read_dataset, write_json};
use kembar::store::{Actor, ImportError, ImportMode, Store, StoreError};
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn new_store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("store"), "test").unwrap();
    (dir, store)
}

fn export_bytes(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&store.export().unwrap(), &mut out).unwrap();
    out
}

fn import_file(store: &Store, path: &Path) -> Result<(), ImportError> {
    let data = read_dataset(path)?;
    store
        .import(
            &data,
            &path.display().to_string(),
            ImportMode::Merge,
            &actor(),
        )
        .map(|_| ())
}

/// Imports a bad file into a store that already holds the small dataset, and checks that
/// the error says what it must and that the store is exactly as before.
fn assert_rejected(name: &str, expected: &[&str]) {
    let (_dir, store) = new_store();
    import_file(&store, &fixture("small.json")).unwrap();
    let before = export_bytes(&store);
    let audit_before = store.audit_entries().unwrap().len();
    let err = import_file(&store, &fixture(&format!("bad/{name}")))
        .expect_err(&format!("{name} must be rejected"));
    let message = err.to_string();
    assert!(
        message.contains(name),
        "{name}: message does not name the file: {message}"
    );
    for want in expected {
        assert!(
            message.contains(want),
            "{name}: message lacks {want:?}: {message}"
        );
    }
    assert!(
        !message.contains('\u{1b}'),
        "{name}: message echoes an escape character"
    );
    assert_eq!(export_bytes(&store), before, "{name}: the store changed");
    assert_eq!(store.audit_entries().unwrap().len(), audit_before);
}

#[test]
fn malformed_json_names_line_and_fix() {
    assert_rejected("malformed.json", &["line ", "column ", "fix:"]);
}

#[test]
fn non_utf8_file_names_position_and_fix() {
    assert_rejected("not-utf8.json", &["not UTF-8", "line ", "fix:"]);
}

#[test]
fn empty_file_is_refused() {
    assert_rejected("empty.json", &["is empty", "fix:"]);
}

#[test]
fn impossible_date_is_explained() {
    assert_rejected(
        "impossible-date.json",
        &["2019-02-30", "February 2019 has 28 days", "line "],
    );
}

#[test]
fn expiry_before_signing_names_the_agreement() {
    assert_rejected(
        "expiry-before-signing.json",
        &["agreement ", "`expires`", "fix:"],
    );
}

#[test]
fn escape_character_in_a_name_is_refused() {
    assert_rejected(
        "escape-in-name.json",
        &["escape character", "partner ", "fix:"],
    );
}

#[test]
fn control_character_in_a_name_is_refused() {
    assert_rejected(
        "control-char-in-name.json",
        &["control character", "region ", "fix:"],
    );
}

#[test]
fn duplicate_ids_are_refused() {
    assert_rejected("duplicate-ids.json", &["more than one record", "fix:"]);
}

#[test]
fn unknown_obstacle_tag_is_refused() {
    assert_rejected(
        "unknown-tag.json",
        &["no-such-tag", "not a known obstacle tag", "fix:"],
    );
}

#[test]
fn file_from_a_newer_schema_is_refused() {
    assert_rejected("newer-schema.json", &["newer kembar", "schema 99", "fix:"]);
}

#[test]
fn a_one_megabyte_name_is_refused_without_echoing_it() {
    let text = std::fs::read_to_string(fixture("small.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["partners"][0]["name"] = serde_json::Value::String("x".repeat(1 << 20));
    let bytes = serde_json::to_vec(&value).unwrap();
    let err = parse_dataset(&bytes, "huge.json")
        .and_then(|data| {
            let (_dir, store) = new_store();
            let result = store.import(&data, "huge.json", ImportMode::Merge, &actor());
            assert!(store.is_empty(), "a failed import wrote something");
            result.map(|_| ())
        })
        .expect_err("a 1 MB name must be rejected");
    let message = err.to_string();
    assert!(message.contains("1048576 characters"), "{message}");
    assert!(message.contains("limit is 200"), "{message}");
    assert!(
        message.len() < 2000,
        "the message echoes the name: {} bytes",
        message.len()
    );
}

/// The export holds exactly what the imported file held (compared as JSON values with
/// records in id order, since the file lists them in its own order), and exporting an
/// import of the export gives the same bytes again.
#[test]
fn export_import_export_is_byte_identical() {
    let (_a, first) = new_store();
    import_file(&first, &fixture("demo.json")).unwrap();
    let exported = export_bytes(&first);
    let difference = common::first_difference(
        &common::normalised_json(&exported),
        &common::normalised_json(&std::fs::read(fixture("demo.json")).unwrap()),
    );
    assert_eq!(
        difference, None,
        "the export differs from the file imported"
    );

    let (_b, second) = new_store();
    let data = parse_dataset(&exported, "export.json").unwrap();
    second
        .import(&data, "export.json", ImportMode::Merge, &actor())
        .unwrap();
    assert_eq!(export_bytes(&second), exported);
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let (_dir, store) = new_store();
    import_file(&store, &fixture("small.json")).unwrap();
    let before = export_bytes(&store);
    let data = read_dataset(&fixture("small.json")).unwrap();
    let report = store
        .import(&data, "small.json", ImportMode::Merge, &actor())
        .unwrap();
    assert_eq!(report.agreements, 0);
    assert!(report.unchanged > 0);
    assert_eq!(export_bytes(&store), before);
}

#[test]
fn a_changed_record_conflicts_unless_replacing() {
    let (_dir, store) = new_store();
    import_file(&store, &fixture("small.json")).unwrap();
    let mut data = read_dataset(&fixture("small.json")).unwrap();
    data.agreements[0].notes = "changed elsewhere".into();
    let err = store
        .import(&data, "edited.json", ImportMode::Merge, &actor())
        .unwrap_err();
    assert!(matches!(err, ImportError::Conflicts { .. }), "{err}");
    assert!(err.to_string().contains("--replace"), "{err}");

    store
        .import(&data, "edited.json", ImportMode::Replace, &actor())
        .unwrap();
    let exported = store.export().unwrap();
    assert_eq!(exported.agreements[0].notes, "changed elsewhere");
}

#[test]
fn every_import_is_audited() {
    let (_dir, store) = new_store();
    import_file(&store, &fixture("small.json")).unwrap();
    let entries = store.audit_entries().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].user, "tester");
    assert_eq!(entries[0].action, "import");
    assert!(entries[0].record.contains("small.json"));
}

#[test]
fn a_store_in_use_is_refused_with_a_clear_message() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("store");
    let _held = Store::open(&path, "dashboard").unwrap();
    let err = Store::open(&path, "list").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::InUse { .. }), "{message}");
    assert!(
        message.contains("in use by another kembar process"),
        "{message}"
    );
    assert!(message.contains("dashboard"), "{message}");
    assert!(!message.contains("could not acquire lock"), "{message}");
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("store");
    drop(Store::open(&path, "test").unwrap());
    {
        let db = sled::open(&path).unwrap();
        db.insert(b"mschema", &99u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(&path, "test").unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{message}"
    );
    assert!(message.contains("newer kembar"), "{message}");
    // Refusing must not have rewritten the schema.
    let db = sled::open(&path).unwrap();
    assert_eq!(
        db.get(b"mschema").unwrap().unwrap().as_ref(),
        &99u32.to_be_bytes()
    );
}

#[test]
fn a_folder_holding_other_files_is_not_taken_over() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("thesis.docx"), b"precious").unwrap();
    let err = Store::open(dir.path(), "test").unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "kembar wrote into a folder that was not its own"
    );
}

#[test]
fn the_demo_dataset_meets_the_brief() {
    let data: Dataset = read_dataset(&fixture("demo.json")).unwrap();
    assert!(data.agreements.len() >= 40);
    assert!(data.activities.len() >= 300);
    let holders: std::collections::HashSet<&str> =
        data.agreements.iter().map(|a| a.region.as_str()).collect();
    assert!(
        holders.len() >= 10,
        "only {} regions hold agreements",
        holders.len()
    );
    let aliases: Vec<&str> = data
        .partners
        .iter()
        .flat_map(|p| p.aliases.iter().map(String::as_str))
        .collect();
    for native in ["충청북도", "福建省", "សៀមរាប", "京都府"] {
        assert!(
            aliases.contains(&native),
            "no partner has the alias {native}"
        );
    }
    let queensland = data
        .agreements
        .iter()
        .find(|a| a.region == "jawa-tengah" && a.partner == "queensland")
        .expect("Jawa Tengah – Queensland");
    assert_eq!(queensland.signed.unwrap().to_string(), "2019-08-06");
    for partner in ["fujian", "chungcheongbuk-do", "siem-reap"] {
        assert!(
            data.agreements
                .iter()
                .any(|a| a.region == "jawa-tengah" && a.partner == partner),
            "Jawa Tengah – {partner} missing"
        );
    }
    let years: std::collections::BTreeSet<i32> = data
        .activities
        .iter()
        .map(|a| chrono::Datelike::year(&a.date))
        .collect();
    assert!(
        years.len() >= 15,
        "activities span only {} years",
        years.len()
    );
}

#[test]
fn a_follow_up_without_a_next_step_is_refused() {
    assert_rejected(
        "follow-up-without-step.json",
        &[
            "triage notes of agreement 1",
            "next_step",
            "is empty",
            "fix:",
        ],
    );
}

#[test]
fn triage_notes_survive_export_and_import() {
    let (_dir, store) = new_store();
    let mut data = kembar::store::interchange::read_dataset(&fixture("small.json")).unwrap();
    let id = data.agreements[0].id;
    let mut note = kembar::domain::Attention::new(id);
    note.snoozed_until = Some("2030-01-01".parse().unwrap());
    note.snooze_note = "waiting for the election".into();
    data.attention.push(note.clone());
    store
        .import(&data, "with-notes.json", ImportMode::Merge, &actor())
        .unwrap();
    assert_eq!(store.attention().unwrap(), vec![note]);
    let exported = store.export().unwrap();
    assert_eq!(exported.attention, data.attention);
}
