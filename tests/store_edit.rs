//! Changes made by people, through `Store::apply`: ids, versions, audit entries, conflicts,
//! atomicity, undo and redo, durability across reopening, an unwritable store, and a process
//! killed with SIGKILL in the middle of saving.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use kembar::domain::{Activity, ActivityKind, Agreement, AgreementId, Partner};
use kembar::store::{
    Actor, Applied, ApplyError, AuditEntry, Change, Edit, Record, Store, StoreError,
};

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A new activity (id 0: the store gives it one) on `agreement`.
fn activity(agreement: AgreementId, on: NaiveDate, title: &str) -> Activity {
    Activity {
        id: 0,
        agreement,
        date: on,
        kind: ActivityKind::Meeting,
        title: title.to_string(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    }
}

/// The agreement as stored, with its version; panics when it is missing.
fn agreement(store: &Store, id: AgreementId) -> (u64, Agreement) {
    store
        .agreement(id)
        .unwrap()
        .unwrap_or_else(|| panic!("agreement {id} is missing"))
}

fn audit_count(store: &Store) -> usize {
    store.audit_entries().unwrap().len()
}

/// The records an audit entry holds as JSON.
fn records(json: Option<&str>) -> Vec<Record> {
    let json = json.expect("the audit entry holds records");
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// Changes agreement `id`'s notes, expecting the version it is at now.
fn set_notes(store: &Store, id: AgreementId, notes: &str) -> Result<Applied, ApplyError> {
    let (version, before) = agreement(store, id);
    let mut after = before.clone();
    after.notes = notes.to_string();
    store.apply(
        Change::new("update")
            .with(Edit::update(
                Record::Agreement(before),
                Record::Agreement(after),
            ))
            .expecting(id, version),
        &actor(),
    )
}

/// Logs a new activity on agreement `id`.
fn log(store: &Store, id: AgreementId, on: NaiveDate, title: &str) -> Result<Applied, ApplyError> {
    store.apply(
        Change::new("log activity").with(Edit::create(Record::Activity(activity(id, on, title)))),
        &actor(),
    )
}

fn max_activity_id(store: &Store) -> u64 {
    store
        .all_activities()
        .unwrap()
        .iter()
        .map(|a| a.id)
        .max()
        .unwrap_or(0)
}

/// Creating an agreement (id 0) together with the new partner it refers to, and an activity
/// on it (agreement 0), is one change: the agreement gets the next id (49) at version 1, the
/// activity is attached to it, the partner is stored, and one audit entry "create" holds all
/// of them as its `after` and nothing as its `before`.
#[test]
fn creating_an_agreement_with_a_new_partner_is_one_audited_change() {
    let (_dir, store) = common::demo_store();
    let audit_before = audit_count(&store);
    let first_free_activity = max_activity_id(&store) + 1;
    let partner = Partner {
        id: "tasmania".into(),
        name: "Tasmania".into(),
        country: "Australia".into(),
        level: "state".into(),
        aliases: vec!["TAS".into()],
        coordinates: None,
    };
    let mut new = agreement(&store, 1).1;
    new.id = 0;
    new.partner = "tasmania".into();
    new.notes = "Penjajakan sister province dengan Tasmania.".into();
    let opening = activity(0, date(2025, 3, 4), "Penjajakan awal dengan Tasmania");

    let applied = store
        .apply(
            Change::new("create")
                .with(Edit::create(Record::Partner(partner.clone())))
                .with(Edit::create(Record::Agreement(new.clone())))
                .with(Edit::create(Record::Activity(opening.clone()))),
            &actor(),
        )
        .unwrap();

    let mut expected = new.clone();
    expected.id = 49;
    assert_eq!(store.agreement(49).unwrap(), Some((1, expected.clone())));
    assert_eq!(applied.versions, BTreeMap::from([(49, 1)]));
    assert!(store.partners().unwrap().contains(&partner));
    let mut logged = opening.clone();
    logged.agreement = 49;
    logged.id = first_free_activity;
    assert_eq!(store.activities_of(49).unwrap(), vec![logged.clone()]);
    assert_eq!(store.summaries().unwrap()[&49].count(), 1);

    assert_eq!(audit_count(&store), audit_before + 1);
    let entry = store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry, applied.entry);
    assert_eq!(entry.action, "create");
    assert_eq!(
        (entry.user.as_str(), entry.via.as_str()),
        ("tester", "test")
    );
    assert_eq!(entry.before, None);
    let after = records(entry.after.as_deref());
    assert!(after.contains(&Record::Partner(partner)), "{after:?}");
    assert!(after.contains(&Record::Agreement(expected)), "{after:?}");
    assert!(after.contains(&Record::Activity(logged)), "{after:?}");
}

/// An update that expects the version the store holds is saved as the next version, and its
/// audit entry holds the agreement before (old notes) and after (new notes).
#[test]
fn an_update_bumps_the_version_and_audits_before_and_after() {
    let (_dir, store) = common::demo_store();
    let (version, old) = agreement(&store, 1);
    let audit_before = audit_count(&store);

    let applied = set_notes(&store, 1, "Catatan baru setelah rapat evaluasi.").unwrap();

    let (now, new) = agreement(&store, 1);
    assert_eq!(now, version + 1);
    assert_eq!(applied.versions, BTreeMap::from([(1, version + 1)]));
    assert_eq!(new.notes, "Catatan baru setelah rapat evaluasi.");
    assert_eq!(audit_count(&store), audit_before + 1);
    let entry = store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry.action, "update");
    assert!(entry.record.starts_with("agreement 1 "), "{}", entry.record);
    assert_eq!(
        records(entry.before.as_deref()),
        vec![Record::Agreement(old.clone())]
    );
    assert_eq!(
        records(entry.after.as_deref()),
        vec![Record::Agreement(new.clone())]
    );
    assert_ne!(old.notes, new.notes);
}

/// A change that starts from a version someone else has already moved on is refused with a
/// conflict that carries the record as it is now and names it; nothing of it is written.
#[test]
fn a_stale_update_is_refused_with_the_current_record() {
    let (_dir, store) = common::demo_store();
    let (version, original) = agreement(&store, 1);

    // Someone else saves first.
    set_notes(&store, 1, "Their notes.").unwrap();
    let (theirs_version, theirs) = agreement(&store, 1);
    let audit_before = audit_count(&store);

    // Our editor still holds the original version.
    let mut ours = original.clone();
    ours.notes = "Our notes.".into();
    let err = store
        .apply(
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(original),
                    Record::Agreement(ours),
                ))
                .expecting(1, version),
            &actor(),
        )
        .unwrap_err();

    let message = err.to_string();
    let ApplyError::Conflict(conflict) = err else {
        panic!("expected a conflict, got {message}");
    };
    assert_eq!(
        conflict.current,
        Some((theirs_version, Record::Agreement(theirs.clone())))
    );
    assert_eq!(theirs_version, version + 1);
    assert!(
        message.contains("agreement 1 (jawa-tengah – queensland)"),
        "{message}"
    );
    assert!(message.contains("tester (test)"), "{message}");
    assert_eq!(agreement(&store, 1), (theirs_version, theirs));
    assert_eq!(audit_count(&store), audit_before);
}

/// One invalid record makes the whole change invalid: a valid agreement update travelling
/// with an activity without a title, or dated 1800, is refused and none of it is written.
#[test]
fn an_invalid_record_refuses_the_whole_change() {
    let (_dir, store) = common::demo_store();
    let (version, before) = agreement(&store, 1);
    let activities = store.activities_of(1).unwrap();
    let summaries = store.summaries().unwrap();
    let audit_before = audit_count(&store);
    let mut after = before.clone();
    after.notes = "Should never be saved.".into();

    let untitled = activity(1, date(2024, 5, 6), "");
    let ancient = activity(1, date(1800, 5, 6), "Kunjungan yang salah ketik");
    for (bad, field) in [(untitled, "title"), (ancient, "date")] {
        let err = store
            .apply(
                Change::new("update")
                    .with(Edit::update(
                        Record::Agreement(before.clone()),
                        Record::Agreement(after.clone()),
                    ))
                    .with(Edit::create(Record::Activity(bad)))
                    .expecting(1, version),
                &actor(),
            )
            .unwrap_err();
        let ApplyError::Invalid(problems) = &err else {
            panic!("expected invalid records, got {err}");
        };
        assert!(
            problems.iter().any(|p| p.field == field),
            "no problem with `{field}`: {problems:?}"
        );
        assert_eq!(agreement(&store, 1), (version, before.clone()));
        assert_eq!(store.activities_of(1).unwrap(), activities);
        assert_eq!(store.summaries().unwrap(), summaries);
        assert_eq!(audit_count(&store), audit_before);
    }
}

/// Logging an activity keeps the agreement's summary in step (one more, the new date last)
/// and gives it an id above every existing one; the next activity gets the next id.
#[test]
fn logging_activities_updates_the_summary_and_numbers_them_in_turn() {
    let (_dir, store) = common::demo_store();
    let highest = max_activity_id(&store);
    let before = store.summaries().unwrap()[&2].clone();
    let later = date(2030, 1, 15);
    assert!(before.last().is_some_and(|last| last < later));

    let first = log(&store, 2, later, "Kunjungan balasan").unwrap();
    let Some(Record::Activity(logged)) = &first.change.edits[0].after else {
        panic!("the change holds the activity");
    };
    assert!(logged.id > highest, "{} is not above {highest}", logged.id);
    let summary = store.summaries().unwrap()[&2].clone();
    assert_eq!(summary.count(), before.count() + 1);
    assert_eq!(summary.last(), Some(later));
    assert_eq!(first.summaries, vec![(2, Some(summary))]);
    assert!(store.activities_of(2).unwrap().contains(logged));

    let second = log(&store, 5, date(2030, 2, 1), "Rapat teknis").unwrap();
    let Some(Record::Activity(next)) = &second.change.edits[0].after else {
        panic!("the change holds the activity");
    };
    assert_eq!(next.id, logged.id + 1);
    assert_eq!(max_activity_id(&store), next.id);
}

/// Deleting an agreement takes its timeline and summary with it, the audit entry keeps them
/// all, and the inverse change brings back the agreement and every activity as they were.
#[test]
fn a_deletion_is_audited_whole_and_can_be_undone() {
    let (_dir, store) = common::demo_store();
    let (_, original) = agreement(&store, 1);
    let timeline = store.activities_of(1).unwrap();
    let summary = store.summaries().unwrap()[&1].clone();
    assert!(!timeline.is_empty());

    let applied = store.apply(store.deletion(1).unwrap(), &actor()).unwrap();

    assert_eq!(store.agreement(1).unwrap(), None);
    assert!(store.activities_of(1).unwrap().is_empty());
    assert!(!store.summaries().unwrap().contains_key(&1));
    assert!(applied.summaries.contains(&(1, None)));
    let entry = store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry.action, "delete");
    assert_eq!(entry.after, None);
    let before = records(entry.before.as_deref());
    assert!(before.contains(&Record::Agreement(original.clone())));
    for a in &timeline {
        assert!(before.contains(&Record::Activity(a.clone())), "{a:?}");
    }
    let timeline_records = before
        .iter()
        .filter(|r| matches!(r, Record::Agreement(_) | Record::Activity(_)))
        .count();
    assert_eq!(timeline_records, timeline.len() + 1);

    store
        .apply(
            applied.change.inverse("undo delete", &applied.versions),
            &actor(),
        )
        .unwrap();

    assert_eq!(agreement(&store, 1).1, original);
    assert_eq!(store.activities_of(1).unwrap(), timeline);
    assert_eq!(store.summaries().unwrap()[&1], summary);
    assert_eq!(
        store.audit_entries().unwrap().pop().unwrap().action,
        "undo delete"
    );
}

/// Undo is the inverse change and redo the inverse of the undo, each a versioned edit; an
/// undo that no longer matches the store (someone saved after it) is refused.
#[test]
fn undo_and_redo_are_versioned_changes() {
    let (_dir, store) = common::demo_store();
    let (v0, old) = agreement(&store, 1);

    let edited = set_notes(&store, 1, "Edited.").unwrap();
    let new = agreement(&store, 1).1;

    let undone = store
        .apply(edited.change.inverse("undo", &edited.versions), &actor())
        .unwrap();
    assert_eq!(agreement(&store, 1), (v0 + 2, old.clone()));

    let redone = store
        .apply(undone.change.inverse("redo", &undone.versions), &actor())
        .unwrap();
    assert_eq!(agreement(&store, 1), (v0 + 3, new.clone()));

    // A third edit; undoing the redo now would overwrite it.
    set_notes(&store, 1, "Edited again.").unwrap();
    let (v4, latest) = agreement(&store, 1);
    let audit_before = audit_count(&store);
    let err = store
        .apply(redone.change.inverse("undo", &redone.versions), &actor())
        .unwrap_err();
    let ApplyError::Conflict(conflict) = &err else {
        panic!("expected a conflict, got {err}");
    };
    assert_eq!(
        conflict.current,
        Some((v4, Record::Agreement(latest.clone())))
    );
    assert_eq!(agreement(&store, 1), (v4, latest));
    assert_eq!(audit_count(&store), audit_before);
}

/// Everything a session saved is there when the store is opened again, and the audit trail
/// lists the changes in the order they were made.
#[test]
fn saved_changes_survive_reopening_in_order() {
    let (dir, store) = common::demo_store();
    let path = store.path().to_path_buf();
    let audit_before = audit_count(&store);

    let mut applied = vec![
        set_notes(&store, 1, "Reopened notes.").unwrap(),
        log(
            &store,
            2,
            date(2027, 7, 7),
            "Pertemuan setelah dibuka ulang",
        )
        .unwrap(),
    ];
    let mut new = agreement(&store, 4).1;
    new.id = 0;
    new.notes = "A new one.".into();
    applied.push(
        store
            .apply(
                Change::new("create").with(Edit::create(Record::Agreement(new))),
                &actor(),
            )
            .unwrap(),
    );
    applied.push(store.apply(store.deletion(3).unwrap(), &actor()).unwrap());
    applied.push(set_notes(&store, 1, "Reopened notes, second thoughts.").unwrap());

    let agreements = store.agreements().unwrap();
    let activities = store.all_activities().unwrap();
    let partners = store.partners().unwrap();
    let summaries = store.summaries().unwrap();
    let trail = store.audit_entries().unwrap();
    drop(store);

    let store = Store::open(&path, "test").unwrap();
    assert_eq!(store.agreements().unwrap(), agreements);
    assert_eq!(store.all_activities().unwrap(), activities);
    assert_eq!(store.partners().unwrap(), partners);
    assert_eq!(store.summaries().unwrap(), summaries);
    assert_eq!(store.agreement(3).unwrap(), None);
    assert_eq!(
        agreement(&store, 1).1.notes,
        "Reopened notes, second thoughts."
    );
    assert!(store.agreement(49).unwrap().is_some());

    let reopened = store.audit_entries().unwrap();
    assert_eq!(reopened, trail);
    let ours: Vec<AuditEntry> = reopened[audit_before..].to_vec();
    let expected: Vec<AuditEntry> = applied.iter().map(|a| a.entry.clone()).collect();
    assert_eq!(ours, expected);
    assert!(ours.windows(2).all(|w| w[0].seq < w[1].seq));
    let actions: Vec<&str> = ours.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["update", "log activity", "create", "delete", "update"]
    );
    drop(dir);
}

/// A deleted agreement that comes back (an undo) keeps counting its versions up, so a form
/// opened on it before it was deleted still sees a conflict instead of overwriting it.
#[test]
fn versions_keep_counting_through_a_delete_and_its_undo() {
    let (_dir, store) = common::demo_store();
    let (old_version, old) = agreement(&store, 1);
    set_notes(&store, 1, "second").unwrap();
    set_notes(&store, 1, "third").unwrap();
    let deleted = store.apply(store.deletion(1).unwrap(), &actor()).unwrap();
    store
        .apply(
            deleted.change.inverse("undo delete", &deleted.versions),
            &actor(),
        )
        .unwrap();
    let (version, _) = agreement(&store, 1);
    assert!(version > old_version + 2, "version went back to {version}");

    // An edit prepared from the very first version is refused.
    let mut stale = old.clone();
    stale.notes = "from long ago".into();
    let result = store.apply(
        Change::new("update")
            .with(Edit::update(
                Record::Agreement(old),
                Record::Agreement(stale),
            ))
            .expecting(1, old_version),
        &actor(),
    );
    assert!(matches!(result, Err(ApplyError::Conflict(_))));
}

/// Activity ids are never handed out twice: not after their agreement was deleted, and not
/// when a deletion is undone later.
#[test]
fn deleted_activity_ids_are_never_reused() {
    let (_dir, store) = common::demo_store();
    let before: HashSet<u64> = store
        .all_activities()
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    let last = *before.iter().max().unwrap();
    let last_owner = store
        .all_activities()
        .unwrap()
        .into_iter()
        .find(|a| a.id == last)
        .unwrap()
        .agreement;
    let deleted = store
        .apply(store.deletion(last_owner).unwrap(), &actor())
        .unwrap();
    let logged = log(&store, 1, date(2026, 11, 29), "after the deletion").unwrap();
    let Some(Record::Activity(new)) = logged.change.edits[0].after.clone() else {
        panic!("an activity was logged");
    };
    assert!(new.id > last, "id {} handed out again", new.id);
    store
        .apply(
            deleted.change.inverse("undo delete", &deleted.versions),
            &actor(),
        )
        .unwrap();
    let ids: Vec<u64> = store
        .all_activities()
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    let unique: HashSet<&u64> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "two activities share an id");
}

/// A change cannot delete an agreement and add an activity to it at once, and an update
/// cannot turn one record into another.
#[test]
fn changes_that_would_orphan_or_rename_a_record_are_refused() {
    let (_dir, store) = common::demo_store();
    let audits = audit_count(&store);
    let mut orphaning = store.deletion(2).unwrap();
    orphaning = orphaning.with(Edit::create(Record::Activity(activity(
        2,
        date(2026, 11, 29),
        "orphan",
    ))));
    assert!(matches!(
        store.apply(orphaning, &actor()),
        Err(ApplyError::Invalid(_))
    ));
    let (version, one) = agreement(&store, 1);
    let (_, two) = agreement(&store, 2);
    let renaming = Change::new("update")
        .with(Edit::update(Record::Agreement(one), Record::Agreement(two)))
        .expecting(1, version);
    assert!(matches!(
        store.apply(renaming, &actor()),
        Err(ApplyError::Invalid(_))
    ));
    assert_eq!(audit_count(&store), audits);
    assert!(store.agreement(2).unwrap().is_some());
}

/// Whether this process may create files in a folder it has made read-only (root may).
#[cfg(unix)]
fn ignores_permissions(scratch: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe_dir = scratch.join("permission-probe");
    std::fs::create_dir(&probe_dir).unwrap();
    std::fs::set_permissions(&probe_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let created = std::fs::File::create(probe_dir.join("probe")).is_ok();
    std::fs::set_permissions(&probe_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&probe_dir).unwrap();
    created
}

/// Asserts that a change failed as a write to the store at `path`, saying so.
fn assert_write_refused(result: Result<Applied, ApplyError>, path: &Path) {
    let err = result.expect_err("the change must not be saved");
    let message = err.to_string();
    match &err {
        ApplyError::Store(StoreError::Write { path: at, .. }) => assert_eq!(at, path),
        other => panic!("expected a write error, got {other:?}"),
    }
    assert!(
        message.contains(&path.display().to_string()),
        "the message does not name the store: {message}"
    );
}

/// When the store can no longer be written mid-session, a save fails with an error naming
/// the store and writes nothing, and what was saved before is still there after reopening.
#[cfg(unix)]
#[test]
fn an_unwritable_store_refuses_a_change_and_keeps_the_earlier_ones() {
    use std::os::unix::fs::PermissionsExt;

    let (dir, store) = common::demo_store();
    let path: PathBuf = store.path().to_path_buf();
    let first = set_notes(&store, 1, "Saved before the disk went away.").unwrap();
    let saved = agreement(&store, 1);
    let audit_before = audit_count(&store);
    let activities_before = store.all_activities().unwrap().len();

    // A save starts by removing the `generation` file; a non-empty folder in its place
    // makes that fail whoever we run as, before anything is written.
    let generation = path.join("generation");
    let _ = std::fs::remove_file(&generation);
    std::fs::create_dir(&generation).unwrap();
    std::fs::write(generation.join("blocker"), "not removable").unwrap();

    assert_write_refused(set_notes(&store, 1, "Never saved."), &path);
    assert_write_refused(log(&store, 1, date(2026, 1, 2), "Never logged"), &path);
    assert_eq!(agreement(&store, 1), saved);
    assert_eq!(audit_count(&store), audit_before);
    assert_eq!(store.all_activities().unwrap().len(), activities_before);

    std::fs::remove_dir_all(&generation).unwrap();

    // Without root's privileges, a read-only store folder refuses saves too.
    if !ignores_permissions(dir.path()) {
        std::fs::write(&generation, "1").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o555)).unwrap();
        let refused = set_notes(&store, 1, "Never saved either.");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_write_refused(refused, &path);
        assert_eq!(agreement(&store, 1), saved);
        assert_eq!(audit_count(&store), audit_before);
    }
    drop(store);

    let store = Store::open(&path, "test").unwrap();
    assert_eq!(agreement(&store, 1), saved);
    assert_eq!(saved.0, first.versions[&1]);
    let trail = store.audit_entries().unwrap();
    assert_eq!(trail.len(), audit_before);
    assert_eq!(trail.last(), Some(&first.entry));
    assert!(
        trail
            .iter()
            .all(|e| !e.after.as_deref().unwrap_or("").contains("Never")),
        "a refused change reached the audit trail"
    );
    assert_eq!(store.all_activities().unwrap().len(), activities_before);
}

/// The store folder the crash child edits; unset, `crash_child` does nothing.
const CRASH_CHILD: &str = "KEMBAR_CRASH_CHILD";
/// Which round of the crash test the child is in, for its titles and its choices.
const CRASH_ROUND: &str = "KEMBAR_CRASH_ROUND";
const CRASH_ROUNDS: u64 = 100;
/// The audit actions of the crash child's changes (imports are audited as "import").
const CRASH_ACTIONS: [&str; 4] = ["crash log", "crash edit", "crash delete", "crash triage"];
/// Agreements the crash child imports get ids from here up.
const CRASH_IMPORTED: u64 = 10_000;

/// Not a test on its own (ignored, so never counted as one): the child process of
/// `sigkill_never_loses_a_reported_save`. Until it is killed it makes changes of every kind
/// a person makes (logs activities, edits agreements, deletes activities it logged, imports
/// files, records triage decisions), printing `saved KIND TITLE` after each save returns.
#[test]
#[ignore = "run by sigkill_never_loses_a_reported_save"]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_CHILD) else {
        return;
    };
    let round: u64 = std::env::var(CRASH_ROUND)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let mut out = std::io::stdout();
    // The test harness has printed "test crash_child ... " without a line break.
    let _ = out.write_all(b"\n");
    let store = match Store::open(Path::new(&path), "crash test") {
        Ok(store) => store,
        Err(e) => {
            let _ = writeln!(out, "error: cannot open: {e}");
            let _ = out.flush();
            return;
        }
    };
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15 ^ (round + 1).wrapping_mul(0x2545_F491));
    let mut logged: Vec<Activity> = Vec::new();
    // Never outlive the parent for long, whatever happens to it.
    let started = Instant::now();
    let mut i: u64 = 0;
    while started.elapsed() < Duration::from_secs(60) {
        let title = format!("crash-{round}-{i}");
        let target = random.next() % 48 + 1;
        let mut label = title.clone();
        let (kind, result) = match random.next() % 5 {
            0 => ("log", crash_log(&store, target, i, &title, &mut logged)),
            1 => ("edit", crash_edit(&store, target, &title)),
            2 if !logged.is_empty() => {
                let victim = logged.remove((random.next() as usize) % logged.len());
                label = victim.title.clone();
                let change =
                    Change::new("crash delete").with(Edit::delete(Record::Activity(victim)));
                let result = store.apply(change, &actor());
                ("delete", result.map(drop).map_err(|e| e.to_string()))
            }
            2 => ("log", crash_log(&store, target, i, &title, &mut logged)),
            3 => ("import", crash_import(&store, round, i, &title)),
            _ => ("triage", crash_triage(&store, target, i, &title)),
        };
        let line = match result {
            Ok(()) => format!("saved {kind} {label}\n"),
            Err(e) => format!("error: {kind} {label}: {}\n", e.replace('\n', " ")),
        };
        // One write per line, so a kill cannot leave half a "saved" line behind.
        if out.write_all(line.as_bytes()).is_err() || out.flush().is_err() {
            return; // the parent is gone
        }
        if line.starts_with("error") {
            return;
        }
        i += 1;
    }
}

fn crash_log(
    store: &Store,
    target: AgreementId,
    i: u64,
    title: &str,
    logged: &mut Vec<Activity>,
) -> Result<(), String> {
    let on = date(2020, 1, 1) + chrono::Days::new(i % 2000);
    let change =
        Change::new("crash log").with(Edit::create(Record::Activity(activity(target, on, title))));
    let applied = store.apply(change, &actor()).map_err(|e| e.to_string())?;
    if let Some(Edit {
        after: Some(Record::Activity(a)),
        ..
    }) = applied.change.edits.into_iter().next()
    {
        logged.push(a);
    }
    Ok(())
}

fn crash_edit(store: &Store, target: AgreementId, title: &str) -> Result<(), String> {
    let (version, before) = agreement(store, target);
    let mut after = before.clone();
    after.notes = title.to_string();
    let change = Change::new("crash edit")
        .with(Edit::update(
            Record::Agreement(before),
            Record::Agreement(after),
        ))
        .expecting(target, version);
    store
        .apply(change, &actor())
        .map(drop)
        .map_err(|e| e.to_string())
}

fn crash_triage(store: &Store, target: AgreementId, i: u64, title: &str) -> Result<(), String> {
    let before = store
        .attention()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|n| n.agreement == target);
    let mut after = before
        .clone()
        .unwrap_or_else(|| kembar::domain::Attention::new(target));
    after.decision = Some(if i.is_multiple_of(2) {
        kembar::domain::Decision::Renewal
    } else {
        kembar::domain::Decision::Revitalization
    });
    after.decided = Some(date(2024, 1, 1) + chrono::Days::new(i % 300));
    after.snoozed_until = Some(date(2030, 1, 1));
    after.snooze_note = title.to_string();
    let edit = match before {
        Some(before) => Edit::update(Record::Attention(before), Record::Attention(after)),
        None => Edit::create(Record::Attention(after)),
    };
    store
        .apply(Change::new("crash triage").with(edit), &actor())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Imports a file holding one new agreement with two activities.
fn crash_import(store: &Store, round: u64, i: u64, title: &str) -> Result<(), String> {
    let id = CRASH_IMPORTED + round * 1000 + i;
    let (_, mut a) = agreement(store, 1);
    a.id = id;
    a.notes = title.to_string();
    let activities = (0..2)
        .map(|k| Activity {
            id: 5_000_000 + id * 2 + k,
            agreement: id,
            date: date(2021, 6, 1 + k as u32),
            kind: ActivityKind::Exchange,
            title: format!("{title} imported {k}"),
            description: String::new(),
            participants: Vec::new(),
            fields: Vec::new(),
            outcome: None,
        })
        .collect();
    let data = kembar::domain::Dataset {
        stages: store.stages().map_err(|e| e.to_string())?,
        agreements: vec![a],
        activities,
        ..Default::default()
    };
    store
        .import(&data, title, kembar::store::ImportMode::Merge, &actor())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// A reproducible pseudo-random sequence (xorshift64).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Opens the store a killed process held, waiting up to 2 s for its lock to be released.
fn reopen(path: &Path) -> Store {
    let start = Instant::now();
    loop {
        match Store::open(path, "test") {
            Ok(store) => return store,
            Err(StoreError::InUse { .. }) if start.elapsed() < Duration::from_secs(2) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("the store does not open after a crash: {e}"),
        }
    }
}

/// A record as the store holds it now, for comparison with an audit entry.
fn stored(store: &Store, key: &kembar::store::RecordKey) -> Option<Record> {
    use kembar::store::RecordKey;
    match key {
        RecordKey::Agreement(id) => store
            .agreement(*id)
            .unwrap()
            .map(|(_, a)| Record::Agreement(a)),
        RecordKey::Activity(agreement, id) => store
            .activities_of(*agreement)
            .unwrap()
            .into_iter()
            .find(|a| a.id == *id)
            .map(Record::Activity),
        RecordKey::Attention(id) => store
            .attention()
            .unwrap()
            .into_iter()
            .find(|n| n.agreement == *id)
            .map(Record::Attention),
        other => panic!("the crash child never touches {other:?}"),
    }
}

/// After a crash the store opens cleanly and agrees with itself (`check`), holds every save
/// that was reported, and holds exactly what its audit log says of every record the crash
/// child touched: a change is in the store if and only if its audit entry is.
fn check_after_crash(store: &Store, reported: &[(String, String)]) {
    let report = store.check().unwrap();
    assert!(report.is_clean(), "{report}");

    let trail = store.audit_entries().unwrap();
    let mut latest: BTreeMap<kembar::store::RecordKey, Option<Record>> = BTreeMap::new();
    let mut audited: HashSet<String> = HashSet::new();
    let mut imports: HashSet<String> = HashSet::new();
    for entry in &trail {
        if let Some(title) = entry
            .record
            .strip_suffix(": 1 agreements, 2 activities, 0 regions, 0 partners, 0 tags")
        {
            imports.insert(title.to_string());
            continue;
        }
        if !CRASH_ACTIONS.contains(&entry.action.as_str()) {
            continue;
        }
        let after: Vec<Record> = entry
            .after
            .as_deref()
            .map(|j| records(Some(j)))
            .unwrap_or_default();
        let before: Vec<Record> = entry
            .before
            .as_deref()
            .map(|j| records(Some(j)))
            .unwrap_or_default();
        for r in &before {
            latest.insert(r.key(), None);
        }
        for r in after {
            match &r {
                Record::Activity(a) => audited.insert(a.title.clone()),
                Record::Agreement(a) => audited.insert(a.notes.clone()),
                Record::Attention(n) => audited.insert(n.snooze_note.clone()),
                _ => false,
            };
            latest.insert(r.key(), Some(r));
        }
        if let Some(Record::Activity(a)) = before.first()
            && entry.action == "crash delete"
        {
            audited.insert(format!("deleted {}", a.title));
        }
    }
    for (key, expected) in &latest {
        assert_eq!(
            &stored(store, key),
            expected,
            "{key:?} differs from what the audit log says"
        );
    }
    for (kind, title) in reported {
        let found = match kind.as_str() {
            "import" => imports.contains(title),
            "delete" => audited.contains(&format!("deleted {title}")),
            _ => audited.contains(title),
        };
        assert!(
            found,
            "{kind} {title} was reported saved but is not in the audit log"
        );
    }
    // Imports: all or nothing, and only with their audit entry.
    let agreements = store.agreements().unwrap();
    let imported: Vec<&Agreement> = agreements
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a.id >= CRASH_IMPORTED)
        .collect();
    assert_eq!(
        imported.len(),
        imports.len(),
        "imports and their audit entries disagree"
    );
    for a in imported {
        assert!(
            imports.contains(&a.notes),
            "agreement {} without its import",
            a.id
        );
        assert_eq!(
            store.activities_of(a.id).unwrap().len(),
            2,
            "agreement {}",
            a.id
        );
    }
}

/// A process killed with SIGKILL at random moments while saving changes of every kind,
/// round after round, never loses a save it reported, and leaves a store that opens
/// cleanly and agrees with itself and with its audit log.
#[cfg(unix)]
#[test]
fn sigkill_never_loses_a_reported_save() {
    use std::process::{Command, Stdio};

    let (_dir, store) = common::demo_store();
    let path = store.path().to_path_buf();
    drop(store);
    let exe = std::env::current_exe().unwrap();
    let mut random = XorShift(0x2545_F491_4F6C_DD1D);
    let mut reported: Vec<(String, String)> = Vec::new();

    for round in 0..CRASH_ROUNDS {
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--ignored", "--nocapture"])
            .args(["--test-threads=1"])
            .env(CRASH_CHILD, &path)
            .env(CRASH_ROUND, round.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            let mut stdout = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match stdout.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    // A line cut short by the kill is not a report.
                    Ok(_) if line.ends_with(b"\n") => {
                        lines.push(String::from_utf8_lossy(&line).trim_end().to_string());
                    }
                    Ok(_) => {}
                }
            }
            lines
        });

        std::thread::sleep(Duration::from_millis(20 + random.next() % 231));
        child.kill().unwrap();
        child.wait().unwrap();
        let lines = reader.join().unwrap();

        let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error")).collect();
        assert!(errors.is_empty(), "round {round}: {errors:?}");
        reported.extend(lines.iter().filter_map(|l| {
            let (kind, title) = l.strip_prefix("saved ")?.split_once(' ')?;
            Some((kind.to_string(), title.to_string()))
        }));

        let store = reopen(&path);
        check_after_crash(&store, &reported);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _) in &reported {
        *counts.entry(kind.as_str()).or_default() += 1;
    }
    eprintln!("{CRASH_ROUNDS} kills; saves reported and found afterwards: {counts:?}");
    let kinds: HashSet<&str> = reported.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds.len(),
        5,
        "not every kind of change was reported saved ({kinds:?}): the test proved too little"
    );
}

/// Undoing "a new agreement with a new partner" is refused once another agreement uses that
/// partner: the partner would vanish from under it.
#[test]
fn a_partner_still_in_use_is_not_deleted_by_an_undo() {
    let (_dir, store) = common::demo_store();
    let partner = Partner {
        id: "osaka-city".into(),
        name: "Osaka City".into(),
        country: "Japan".into(),
        level: String::new(),
        aliases: Vec::new(),
        coordinates: None,
    };
    let (_, template) = agreement(&store, 1);
    let mut first = template.clone();
    first.id = 0;
    first.partner = partner.id.clone();
    let created = store
        .apply(
            Change::new("create")
                .with(Edit::create(Record::Partner(partner)))
                .with(Edit::create(Record::Agreement(first.clone()))),
            &actor(),
        )
        .unwrap();
    let mut second = first.clone();
    second.region = "kota-surabaya".into();
    store
        .apply(
            Change::new("create").with(Edit::create(Record::Agreement(second))),
            &actor(),
        )
        .unwrap();
    let undo = created.change.inverse("undo create", &created.versions);
    let Err(ApplyError::Invalid(problems)) = store.apply(undo, &actor()) else {
        panic!("the undo went through");
    };
    assert!(
        problems[0].problem.contains("is still used by"),
        "{problems:?}"
    );
    assert!(
        store
            .partners()
            .unwrap()
            .iter()
            .any(|p| p.id == "osaka-city")
    );
}

/// The region `id` as stored; panics when it is missing.
fn region(store: &Store, id: &str) -> kembar::domain::Region {
    store
        .regions()
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("region {id} is missing"))
}

#[test]
fn a_regions_seat_is_an_audited_change_with_conflicts_and_undo() {
    use kembar::domain::Coordinates;
    use kembar::domain::edits::seat_change;
    let (_dir, store) = common::demo_store();
    let before = region(&store, "jawa-tengah");
    let semarang = Coordinates {
        lat: -7.0051,
        lon: 110.4381,
    };
    let applied = store
        .apply(seat_change(&before, Some(semarang)), &actor())
        .unwrap();
    assert_eq!(region(&store, "jawa-tengah").coordinates, Some(semarang));
    let entry = store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry.action, "seat");
    assert_eq!(entry.record, "region jawa-tengah");
    assert_eq!(
        records(entry.before.as_deref()),
        vec![Record::Region(before.clone())]
    );
    // A form opened before that save is refused, and told what the store holds now.
    let audits = audit_count(&store);
    let stale = seat_change(&before, None);
    let Err(ApplyError::Conflict(conflict)) = store.apply(stale, &actor()) else {
        panic!("a stale seat went through");
    };
    assert_eq!(
        conflict.current.map(|(_, r)| r),
        Some(Record::Region(region(&store, "jawa-tengah")))
    );
    assert_eq!(conflict.by, "tester (test)");
    assert_eq!(audit_count(&store), audits);
    // The undo is a change like any other.
    let undo = applied.change.inverse("undo seat", &applied.versions);
    store.apply(undo, &actor()).unwrap();
    assert_eq!(region(&store, "jawa-tengah"), before);
    // The store still agrees with itself.
    let report = store.check().unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
}

#[test]
fn a_change_cannot_move_a_region_or_remove_one_in_use() {
    let (_dir, store) = common::demo_store();
    let audits = audit_count(&store);
    let semarang = region(&store, "kota-semarang");
    // Into another province: the list of regions says where a city is.
    let mut moved = semarang.clone();
    moved.province = Some("jawa-timur".into());
    let Err(ApplyError::Invalid(problems)) = store.apply(
        Change::new("update").with(Edit::update(
            Record::Region(semarang.clone()),
            Record::Region(moved),
        )),
        &actor(),
    ) else {
        panic!("a city moved province");
    };
    assert_eq!(problems[0].field, "province", "{problems:?}");
    assert!(
        problems[0].fix.contains("kembar import --replace"),
        "{problems:?}"
    );
    // Its level neither.
    let mut promoted = semarang.clone();
    promoted.level = kembar::domain::RegionLevel::Regency;
    let Err(ApplyError::Invalid(problems)) = store.apply(
        Change::new("update").with(Edit::update(
            Record::Region(semarang.clone()),
            Record::Region(promoted),
        )),
        &actor(),
    ) else {
        panic!("a city became a regency");
    };
    assert_eq!(problems[0].field, "level", "{problems:?}");
    // A region holding agreements stays, and so does a province holding cities.
    for id in ["kota-semarang", "jawa-tengah"] {
        let gone = Change::new("delete").with(Edit::delete(Record::Region(region(&store, id))));
        let Err(ApplyError::Invalid(problems)) = store.apply(gone, &actor()) else {
            panic!("{id} was removed");
        };
        // A province is held back by its cities as well as by its own agreements.
        let expected = if id == "jawa-tengah" {
            "still holds region"
        } else {
            "is still used by"
        };
        assert!(
            problems.iter().any(|p| p.problem.starts_with(expected)),
            "{id}: {problems:?}"
        );
    }
    // A new city must name a province of the store.
    let mut new_city = semarang.clone();
    new_city.id = "kota-baru".into();
    new_city.province = Some("atlantis".into());
    let Err(ApplyError::Invalid(problems)) = store.apply(
        Change::new("create").with(Edit::create(Record::Region(new_city))),
        &actor(),
    ) else {
        panic!("a city of no province was created");
    };
    assert!(problems[0].problem.contains("atlantis"), "{problems:?}");
    assert_eq!(audit_count(&store), audits);
    assert_eq!(region(&store, "kota-semarang"), semarang);
}
