//! A store written by the release before schema 2 (`fixtures/stores/schema-1`: the small
//! fixture imported, then its status changed to dormant and one obstacle tag set in the
//! dashboard) opens with this build, is migrated, and keeps every agreement with dated tags.
//! A kill during the migration leaves the old store or the new one, never half of each.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use common::{fixture, kembar, text};
use rand::{Rng, SeedableRng};
use tempfile::TempDir;

/// A private copy of the schema-1 fixture (opening it migrates it, so never the original).
fn copy_of_schema_1(home: &Path) -> PathBuf {
    let to = home.join("store");
    copy_dir(&fixture("stores/schema-1"), &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn export(home: &Path, db: &Path) -> serde_json::Value {
    let out = kembar(
        home,
        &["--db", db.to_str().unwrap(), "export", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_schema_1_store_opens_migrated_with_dated_tags_and_statuses() {
    let home = TempDir::new().unwrap();
    let db = copy_of_schema_1(home.path());

    let first = kembar(home.path(), &["--db", db.to_str().unwrap(), "list"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let said = text(&first.stderr);
    assert!(
        said.contains("schema 1 to 2"),
        "the migration is announced: {said}"
    );
    assert!(
        text(&first.stdout).contains("Jawa Tengah – Queensland"),
        "{}",
        text(&first.stdout)
    );

    let json = export(home.path(), &db);
    assert_eq!(json["schema"], 2);
    let agreements = json["agreements"].as_array().unwrap();
    assert_eq!(agreements.len(), 1);
    let a = &agreements[0];
    assert_eq!(a["partner"], "queensland");
    // The tag set in the dashboard carried no date: it counts from the MoU's signing.
    let tags = a["obstacles"].as_array().unwrap();
    assert_eq!(tags.len(), 1, "{a}");
    assert_eq!(tags[0]["tag"], "communication");
    assert_eq!(tags[0]["from"], "2019-08-06");
    assert!(tags[0].get("until").is_none_or(|u| u.is_null()), "{a}");
    // The status was changed to dormant in the dashboard; the audit trail knows the day.
    let statuses = a["statuses"].as_array().unwrap();
    assert_eq!(statuses.len(), 1, "{a}");
    assert_eq!(statuses[0]["status"], "dormant");
    assert_eq!(statuses[0]["on"], "2026-12-02");
    assert_eq!(json["activities"].as_array().unwrap().len(), 2);

    // Said once: the second opening finds schema 2.
    let second = kembar(home.path(), &["--db", db.to_str().unwrap(), "list"]);
    assert!(second.status.success());
    assert!(!text(&second.stderr).contains("schema 1 to 2"));

    let check = kembar(home.path(), &["--db", db.to_str().unwrap(), "check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    let log = kembar(home.path(), &["--db", db.to_str().unwrap(), "log"]);
    let log = text(&log.stdout);
    assert!(log.contains("migrate"), "{log}");
    assert!(log.contains("tags"), "the old history is kept: {log}");

    // As of a day before the dormancy was recorded, the agreement was still active.
    let before = kembar(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            "2026-11-30",
            "list",
            "--json",
        ],
    );
    let listed: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    assert_eq!(listed[0]["status"], "active", "{listed}");
}

#[test]
fn a_kill_during_the_migration_leaves_the_old_store_or_the_new_one() {
    let seed: u64 = std::env::var("KEMBAR_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("seed {seed} (KEMBAR_TEST_SEED={seed} repeats this run)");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);

    // What a migration that ran to the end exports.
    let reference_home = TempDir::new().unwrap();
    let reference_db = copy_of_schema_1(reference_home.path());
    let reference = export(reference_home.path(), &reference_db);

    // How long a whole run takes here, so that the kills land before, during and after
    // the migration's batch.
    let started = Instant::now();
    let _ = kembar(
        reference_home.path(),
        &[
            "--db",
            copy_of_schema_1(&reference_home.path().join("timing"))
                .to_str()
                .unwrap(),
            "list",
        ],
    );
    let whole = started.elapsed();

    let (mut old, mut new) = (0, 0);
    for round in 0..25 {
        let home = TempDir::new().unwrap();
        let db = copy_of_schema_1(home.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_kembar"))
            .args(["--db", db.to_str().unwrap(), "list"])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("KEMBAR_DB")
            .env_remove("KEMBAR_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = whole.mul_f64(rng.random_range(0.0..1.2));
        std::thread::sleep(wait);
        // SIGKILL: nothing of the process runs after it.
        let _ = child.kill();
        let _ = child.wait();

        // Whatever was left opens; a schema-1 leftover is migrated now.
        let after = kembar(home.path(), &["--db", db.to_str().unwrap(), "list"]);
        assert!(
            after.status.success(),
            "round {round} (killed after {wait:?}): {}",
            text(&after.stderr)
        );
        if text(&after.stderr).contains("schema 1 to 2") {
            old += 1;
        } else {
            new += 1;
        }
        let json = export(home.path(), &db);
        assert_eq!(
            common::first_difference(&strip_dates(&reference), &strip_dates(&json)),
            None,
            "round {round} (killed after {wait:?})"
        );
        let check = kembar(home.path(), &["--db", db.to_str().unwrap(), "check"]);
        assert!(
            check.status.success(),
            "round {round}: {}",
            text(&check.stdout)
        );
    }
    println!("{old} kills left the schema-1 store, {new} the migrated one");
}

/// The export without what depends on the day it was taken (the `exported` stamp).
fn strip_dates(json: &serde_json::Value) -> serde_json::Value {
    let mut json = json.clone();
    if let Some(map) = json.as_object_mut() {
        map.remove("exported");
        map.remove("exported_at");
    }
    json
}
