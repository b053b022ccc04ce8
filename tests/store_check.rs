//! `kembar check` and `kembar check --repair` on stores damaged behind kembar's back (with
//! sled directly, as another program or a bug would).

mod common;

use std::path::Path;

use kembar::domain::{Activity, ActivityKind, ActivitySummary, Agreement, Attention};
use kembar::store::{Actor, Record, Remedy, Store};

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn numbered(prefix: u8, id: u64) -> Vec<u8> {
    let mut key = vec![prefix];
    key.extend_from_slice(&id.to_be_bytes());
    key
}

fn activity_key(agreement: u64, id: u64) -> Vec<u8> {
    let mut key = numbered(b'v', agreement);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

fn orphan() -> Activity {
    Activity {
        id: 90_001,
        agreement: 999,
        date: "2021-04-05".parse().unwrap(),
        kind: ActivityKind::Visit,
        title: "Kunjungan tanpa perjanjian".into(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    }
}

/// Damages a closed demo store in every way `check --repair` can repair.
fn damage_repairably(path: &Path) {
    let db = sled::open(path).unwrap();
    // A summary that no longer matches agreement 1's timeline.
    db.insert(
        numbered(b's', 1),
        postcard::to_stdvec(&ActivitySummary::default()).unwrap(),
    )
    .unwrap();
    // An activity and triage notes of an agreement that does not exist, and its summary.
    let lost = orphan();
    db.insert(
        activity_key(lost.agreement, lost.id),
        postcard::to_stdvec(&lost).unwrap(),
    )
    .unwrap();
    let mut notes = Attention::new(998);
    notes.snooze_note = "menunggu pemilu".into();
    notes.snoozed_until = Some("2030-01-01".parse().unwrap());
    db.insert(numbered(b'k', 998), postcard::to_stdvec(&notes).unwrap())
        .unwrap();
    db.insert(
        numbered(b's', 997),
        postcard::to_stdvec(&ActivitySummary::default()).unwrap(),
    )
    .unwrap();
    // Counters behind the ids in use, and a deletion marker of an agreement that exists.
    db.insert(b"mnext_activity", &1u64.to_be_bytes()).unwrap();
    db.insert(b"mnext_agreement", &2u64.to_be_bytes()).unwrap();
    let mut tomb = b"mtomb".to_vec();
    tomb.extend_from_slice(&2u64.to_be_bytes());
    db.insert(tomb, &3u64.to_be_bytes()).unwrap();
    db.flush().unwrap();
}

/// Damages a closed demo store in ways only a person can decide about.
fn damage_by_hand(path: &Path) {
    let db = sled::open(path).unwrap();
    db.insert(numbered(b'a', 500), b"\xff\xff\xff not postcard".to_vec())
        .unwrap();
    let (_, value) = db.scan_prefix(numbered(b'a', 3)).next().unwrap().unwrap();
    let (version, mut a): (u64, Agreement) = postcard::from_bytes(&value).unwrap();
    a.region = "nowhere".into();
    db.insert(
        numbered(b'a', 3),
        postcard::to_stdvec(&(version, a.clone())).unwrap(),
    )
    .unwrap();
    // Agreement 4 filed under the key of agreement 600.
    let (_, value) = db.scan_prefix(numbered(b'a', 4)).next().unwrap().unwrap();
    db.insert(numbered(b'a', 600), value).unwrap();
    db.flush().unwrap();
}

fn closed_demo_store() -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let (dir, store) = common::demo_store();
    let path = store.path().to_path_buf();
    let mut exported = Vec::new();
    kembar::store::interchange::write_json(&store.export().unwrap(), &mut exported).unwrap();
    drop(store);
    (dir, path, exported)
}

fn records_of(report: &kembar::store::CheckReport) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| format!("{} | {} | {:?}", f.record, f.problem, f.remedy))
        .collect()
}

#[test]
fn a_sound_store_checks_clean() {
    let (_dir, store) = common::demo_store();
    let report = store.check().unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.agreements, 48);
    assert_eq!(report.activities, 845);
    let (repair, after) = store.repair(&actor()).unwrap();
    assert!(repair.done.is_empty() && repair.entry.is_none(), "{repair}");
    assert!(after.is_clean());
}

/// Every repairable kind of damage is found, named and repaired in one audited change
/// whose entry keeps every record removed; user data is otherwise untouched.
#[test]
fn repairable_damage_is_found_and_repaired_in_one_audited_change() {
    let (_dir, path, exported) = closed_demo_store();
    damage_repairably(&path);
    let store = Store::open(&path, "test").unwrap();

    let report = store.check().unwrap();
    let found = records_of(&report).join("\n");
    for (record, remedy) in [
        ("activity summary of agreement 1", "Rebuild"),
        ("activity summary of agreement 997", "Rebuild"),
        ("activity 90001 (agreement 999, 2021-04-05)", "Remove"),
        ("triage notes of agreement 998", "Remove"),
        ("next activity id", "Rebuild"),
        ("next agreement id", "Rebuild"),
        ("deletion marker of agreement 2", "Rebuild"),
    ] {
        assert!(
            found
                .lines()
                .any(|l| l.starts_with(record) && l.ends_with(remedy)),
            "{record} ({remedy}) not found in:\n{found}"
        );
    }
    assert_eq!(report.findings.len(), 7, "{found}");
    assert_eq!(report.repairable(), 7);
    let audit_before = store.audit_entries().unwrap().len();

    let (repair, after) = store.repair(&actor()).unwrap();
    assert!(after.is_clean(), "{after}");
    let text = repair.to_string();
    assert!(text.contains("audit log keeps it"), "{text}");
    let trail = store.audit_entries().unwrap();
    assert_eq!(trail.len(), audit_before + 1, "one audited change");
    let entry = trail.last().unwrap();
    assert_eq!(entry.action, "repair");
    assert_eq!(Some(entry), repair.entry.as_ref());
    let removed: Vec<Record> = serde_json::from_str(entry.before.as_deref().unwrap()).unwrap();
    assert!(removed.contains(&Record::Activity(orphan())), "{removed:?}");
    assert!(
        removed
            .iter()
            .any(|r| matches!(r, Record::Attention(n) if n.agreement == 998)),
        "{removed:?}"
    );

    // The user's records are exactly what they were before the damage.
    let mut now = Vec::new();
    kembar::store::interchange::write_json(&store.export().unwrap(), &mut now).unwrap();
    assert_eq!(now, exported);
    // And ids keep counting past every id ever in use.
    let mut new = orphan();
    new.id = 0;
    new.agreement = 1;
    let applied = store
        .apply(
            kembar::store::Change::new("log activity")
                .with(kembar::store::Edit::create(Record::Activity(new))),
            &actor(),
        )
        .unwrap();
    let Some(kembar::store::Edit {
        after: Some(Record::Activity(logged)),
        ..
    }) = applied.change.edits.first()
    else {
        panic!("no activity logged");
    };
    assert!(logged.id > 90_001, "{}", logged.id);
}

/// Damage only a person can decide about is reported with the fix and left alone.
#[test]
fn damage_only_a_person_can_decide_about_is_reported_and_left_alone() {
    let (_dir, path, _) = closed_demo_store();
    damage_by_hand(&path);
    let store = Store::open(&path, "test").unwrap();
    let report = store.check().unwrap();
    let found = records_of(&report).join("\n");
    assert!(found.contains("agreement 500 | does not decode"), "{found}");
    assert!(
        found.contains("agreement 3 (") && found.contains("nowhere"),
        "{found}"
    );
    assert!(
        found.contains("agreement 600 | holds agreement 4"),
        "{found}"
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| matches!(f.remedy, Remedy::ByHand(_))),
        "{found}"
    );
    let (repair, after) = store.repair(&actor()).unwrap();
    assert!(repair.entry.is_none(), "{repair}");
    assert_eq!(after, report);
}

/// The command: exit 1 with the problems on stdout and advice on stderr; `--repair` exits 0
/// once nothing is left, 1 while by-hand problems remain.
#[test]
fn the_check_command_exits_1_while_problems_remain() {
    let home = tempfile::TempDir::new().unwrap();
    let (_dir, path, _) = closed_demo_store();
    let db = path.to_str().unwrap();

    let out = common::kembar(home.path(), &["--db", db, "check"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("no problems found"));

    damage_repairably(&path);
    let out = common::kembar(home.path(), &["--db", db, "check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = common::text(&out.stdout);
    let stderr = common::text(&out.stderr);
    assert!(stdout.contains("7 problems"), "{stdout}");
    assert!(stderr.contains("kembar check --repair"), "{stderr}");

    let out = common::kembar(home.path(), &["--db", db, "check", "--repair"]);
    let stdout = common::text(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        common::text(&out.stderr)
    );
    assert!(stdout.contains("removed activity 90001"), "{stdout}");
    assert!(stdout.contains("no problems found"), "{stdout}");

    damage_by_hand(&path);
    let out = common::kembar(home.path(), &["--db", db, "check", "--repair"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::text(&out.stderr).contains("each needs the fix named above"),
        "{}",
        common::text(&out.stderr)
    );
}

/// A change that never finished (its store has no `generation` stamp) may have left a derived
/// record behind (sled can, when the disk fills in the middle of a write): opening the store
/// rebuilds summaries and counters, says so once, and leaves what only a person may decide
/// about (an orphaned activity) to `kembar check --repair`.
#[test]
fn opening_after_an_interrupted_change_rebuilds_derived_records() {
    let (_dir, path, _) = closed_demo_store();
    damage_repairably(&path);

    // With the stamp in place the store trusts its records: nothing is rebuilt unasked.
    let store = Store::open(&path, "test").unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    assert!(!store.check().unwrap().is_clean());
    drop(store);

    std::fs::remove_file(path.join("generation")).unwrap();
    let store = Store::open(&path, "test").unwrap();
    let said = store.notices().join("\n");
    assert!(said.contains("interrupted"), "{said}");
    assert!(said.contains("activity summary of agreement 1"), "{said}");
    let left = records_of(&store.check().unwrap());
    assert!(
        !left.iter().any(|r| r.contains("summary of agreement 1")),
        "{left:?}"
    );
    assert!(
        left.iter().any(|r| r.contains("activity 90001")),
        "the orphan waits for a person: {left:?}"
    );
    drop(store);

    // Once: the stamp is back.
    let store = Store::open(&path, "test").unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
}
