//! `kembar backup` and `kembar restore`: a restored store is the original (its export and its
//! audit trail, byte for byte), a backup taken while saves go on is one consistent picture
//! holding every change acknowledged before it began, a damaged backup is refused with
//! nothing written, and an older store is backed up before it is migrated.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use common::{fixture, kembar, text};
use kembar::domain::{
    Activity, ActivityKind, ActivitySummary, Agreement, AgreementId, Attention, Decision, FollowUp,
    v1,
};
use kembar::store::backup::{self, RestoreError};
use kembar::store::{Actor, Applied, Change, Edit, Record, Store, keys};
use sha2::Digest;
use tempfile::TempDir;

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs kembar and insists that it succeeds.
fn ok(home: &Path, args: &[&str]) -> Output {
    let out = kembar(home, args);
    assert!(
        out.status.success(),
        "kembar {args:?} failed:\n{}",
        text(&out.stderr)
    );
    out
}

/// `kembar export` and `kembar log --json` of two stores are the same bytes.
fn assert_same_store(home: &Path, original: &Path, restored: &Path) {
    for args in [&["export"][..], &["log", "--json"]] {
        let a = ok(home, &[&["--db", s(original)], args].concat()).stdout;
        let b = ok(home, &[&["--db", s(restored)], args].concat()).stdout;
        assert!(
            a == b,
            "`{}` differs after a restore, first at byte {:?} of {}",
            args.join(" "),
            a.iter().zip(&b).position(|(x, y)| x != y),
            a.len()
        );
    }
}

/// Backs `store` up and restores it into `restored` with the binary; returns the backup.
fn backup_and_restore(home: &Path, store: &Path, restored: &Path) -> PathBuf {
    let file = home.join("store.kbak");
    let out = ok(home, &["--db", s(store), "backup", "--output", s(&file)]);
    assert!(
        text(&out.stderr).contains("backed up"),
        "{}",
        text(&out.stderr)
    );
    let out = ok(home, &["--db", s(restored), "restore", s(&file)]);
    let said = text(&out.stdout);
    assert!(said.contains("no problems found"), "{said}");
    file
}

#[test]
fn the_demo_comes_back_byte_for_byte() {
    let home = TempDir::new().unwrap();
    let store = home.path().join("store");
    ok(
        home.path(),
        &["--db", s(&store), "import", s(&fixture("demo.json"))],
    );
    let restored = home.path().join("restored");
    let file = backup_and_restore(home.path(), &store, &restored);
    assert_same_store(home.path(), &store, &restored);
    // A backup holds everything, so nobody but its owner may read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the backup is readable by others: {mode:o}"
        );
    }
    // Written beside the target and renamed: nothing else is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["restored", "store", "store.kbak"]);
}

/// Sets agreement `id`'s notes.
fn set_notes(store: &Store, id: AgreementId, notes: &str) -> Applied {
    let (version, before) = store.agreement(id).unwrap().unwrap();
    let mut after: Agreement = before.clone();
    after.notes = notes.to_string();
    store
        .apply(
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(before),
                    Record::Agreement(after),
                ))
                .expecting(id, version),
            &actor(),
        )
        .unwrap()
}

fn log_activity(store: &Store, id: AgreementId, title: &str) -> Applied {
    let activity = Activity {
        id: 0,
        agreement: id,
        date: date(2026, 11, 2),
        kind: ActivityKind::Meeting,
        title: title.into(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    };
    store
        .apply(
            Change::new("log activity").with(Edit::create(Record::Activity(activity))),
            &actor(),
        )
        .unwrap()
}

fn undo(store: &Store, applied: &Applied) -> Applied {
    store
        .apply(applied.change.inverse("undo", &applied.versions), &actor())
        .unwrap()
}

/// A generated store after a working week: edits, an activity, triage decisions with
/// follow-ups (one done), a deletion, and undone changes among them.
#[test]
fn a_generated_store_with_decisions_and_undone_changes_comes_back_byte_for_byte() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    ok(
        home.path(),
        &[
            "--db",
            s(&db),
            "gen",
            "--agreements",
            "300",
            "--activities-per",
            "3",
            "--seed",
            "7",
        ],
    );
    {
        let store = Store::open(&db, "test").unwrap();
        set_notes(&store, 3, "met the consul; renewal draft next month");
        let edited = set_notes(&store, 5, "a mistake");
        undo(&store, &edited);
        log_activity(&store, 7, "Delegasi pendidikan");
        let mut note = Attention::new(9);
        note.decision = Some(Decision::Renewal);
        note.decided = Some(date(2026, 11, 20));
        note.follow_ups.push(FollowUp {
            owner: "Biro Kerja Sama".into(),
            due: date(2026, 12, 15),
            next_step: "send the draft MoU".into(),
            done: None,
            noted: Some(date(2026, 11, 20)),
        });
        note.follow_ups.push(FollowUp {
            owner: "Siti".into(),
            due: date(2026, 11, 25),
            next_step: "call the partner".into(),
            done: Some(date(2026, 11, 24)),
            noted: Some(date(2026, 11, 20)),
        });
        store
            .apply(
                Change::new("mark renewal").with(Edit::create(Record::Attention(note))),
                &actor(),
            )
            .unwrap();
        let deleted = store.apply(store.deletion(11).unwrap(), &actor()).unwrap();
        let restored = undo(&store, &deleted);
        // Redo the deletion of another agreement, and leave it deleted.
        store.apply(store.deletion(12).unwrap(), &actor()).unwrap();
        drop(restored);
    }
    let restored = home.path().join("restored");
    backup_and_restore(home.path(), &db, &restored);
    assert_same_store(home.path(), &db, &restored);

    let log = text(&ok(home.path(), &["--db", s(&restored), "log", "--json"]).stdout);
    assert!(log.contains("\"undo\""), "the scenario has undone changes");
    let export = text(&ok(home.path(), &["--db", s(&restored), "export"]).stdout);
    assert!(export.contains("send the draft MoU"), "follow-ups are kept");
    // Agreement 12 stays deleted, and its id is never given out again.
    let store = Store::open(&restored, "test").unwrap();
    assert!(store.agreement(12).unwrap().is_none());
    assert!(store.next_agreement_id().unwrap() > 300);
}

/// Another session keeps saving (notes and activities, each an audited change) while
/// backups are taken. Every backup restores to a store that passes `kembar check`, holds
/// every change acknowledged before the backup began, and holds each change whole: the
/// audit trail is a prefix of the original's, and every agreement's notes are those of its
/// last audited change in that prefix.
#[test]
fn backups_taken_while_another_session_saves_are_consistent() {
    let dir = TempDir::new().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("store"), "test").unwrap());
    let data = kembar::synth::generate(1500, 4, 11);
    store.fill_generated(&data, "test", &actor()).unwrap();

    let acknowledged: Arc<Mutex<Vec<u64>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let saver = {
        let (store, acknowledged, stop) = (store.clone(), acknowledged.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // Spread over the key space, so that some land behind the scan and some
                // ahead of it.
                let id = 1 + (n * 7919) % 1500;
                let applied = if n.is_multiple_of(3) {
                    log_activity(&store, id, &format!("visit {n}"))
                } else {
                    set_notes(&store, id, &format!("note {n}"))
                };
                acknowledged.lock().unwrap().push(applied.entry.seq);
            }
        })
    };

    for round in 0..4 {
        // Let some saves land first.
        while acknowledged.lock().unwrap().len() < 5 * (round + 1) {
            std::thread::yield_now();
        }
        let before: Vec<u64> = acknowledged.lock().unwrap().clone();
        let mut bytes = Vec::new();
        let summary = backup::write_backup(&store, &mut bytes).unwrap();
        assert_eq!(summary.bytes, bytes.len() as u64);

        let file = dir.path().join(format!("round-{round}.kbak"));
        std::fs::write(&file, &bytes).unwrap();
        let target = dir.path().join(format!("restored-{round}"));
        let restored = backup::restore(&file, &target).unwrap();
        assert!(
            restored.check.is_clean(),
            "round {round}: {}",
            restored.check
        );
        let copy = Store::open(&target, "test").unwrap();
        let entries = copy.audit_entries().unwrap();
        let seqs: std::collections::HashSet<u64> = entries.iter().map(|e| e.seq).collect();
        for seq in &before {
            assert!(
                seqs.contains(seq),
                "round {round}: change {seq} was acknowledged before the backup began but is \
                 missing from it"
            );
        }
        let original: Vec<u64> = store
            .audit_entries()
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        let restored_seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
        assert_eq!(
            original[..restored_seqs.len()],
            restored_seqs[..],
            "round {round}: the restored audit trail is not a prefix of the original's"
        );
        // Each change whole: the notes of every agreement are what its last update wrote.
        let mut last_notes = std::collections::HashMap::new();
        for e in &entries {
            if e.action == "update" {
                let after: Vec<Record> = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
                for r in after {
                    if let Record::Agreement(a) = r {
                        last_notes.insert(a.id, a.notes);
                    }
                }
            }
        }
        for (id, notes) in last_notes {
            let (_, a) = copy.agreement(id).unwrap().unwrap();
            assert_eq!(a.notes, notes, "round {round}: agreement {id}");
        }
        assert_eq!(
            restored.header.counts.audit_entries as usize,
            entries.len(),
            "round {round}"
        );
    }
    stop.store(true, Ordering::Relaxed);
    saver.join().unwrap();
}

/// A store held by another process is refused with the way to back it up anyway.
#[test]
fn a_busy_store_is_refused_with_the_ways_round_it() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let held = Store::open(&db, "dashboard").unwrap();
    let out = kembar(
        home.path(),
        &[
            "--db",
            s(&db),
            "backup",
            "--output",
            s(&home.path().join("b.kbak")),
        ],
    );
    drop(held);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("in use by another kembar process"), "{err}");
    assert!(err.contains("backup > FILE"), "{err}");
    assert!(err.contains("stop the process holding it"), "{err}");
    assert!(!home.path().join("b.kbak").exists());
}

#[test]
fn backups_go_to_a_file_or_a_pipe_never_to_the_store_or_a_missing_store() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    ok(
        home.path(),
        &["--db", s(&db), "import", s(&fixture("demo.json"))],
    );
    // Standard output, as `ssh ... backup > FILE` uses it.
    let out = ok(home.path(), &["--db", s(&db), "backup", "--output", "-"]);
    let file = home.path().join("piped.kbak");
    std::fs::write(&file, &out.stdout).unwrap();
    let restored = home.path().join("restored");
    ok(home.path(), &["--db", s(&restored), "restore", s(&file)]);
    assert_same_store(home.path(), &db, &restored);

    let inside = db.join("b.kbak");
    let out = kembar(
        home.path(),
        &["--db", s(&db), "backup", "--output", s(&inside)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("inside the store folder"));
    assert!(!inside.exists());

    let missing = home.path().join("nothing-here");
    let out = kembar(
        home.path(),
        &[
            "--db",
            s(&missing),
            "backup",
            "--output",
            s(&home.path().join("x.kbak")),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("there is no store at"));
    assert!(!missing.exists(), "a backup must not create a store");
}

/// Every file in `dir`, to show that a refused restore left nothing.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Rewrites a backup's header with `change` and a matching header checksum.
fn with_header(bytes: &[u8], change: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let second = first + bytes[first..].iter().position(|b| *b == b'\n').unwrap() + 1;
    let third = second + bytes[second..].iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[first..second]).unwrap();
    change(&mut header);
    let line = format!("{header}\n");
    let sum = format!("sha256 {}\n", hex(&sha2::Sha256::digest(line.as_bytes())));
    [
        &bytes[..first],
        line.as_bytes(),
        sum.as_bytes(),
        &bytes[third..],
    ]
    .concat()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn damaged_backups_are_refused_and_nothing_is_written() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    ok(
        home.path(),
        &["--db", s(&db), "import", s(&fixture("demo.json"))],
    );
    let good = home.path().join("good.kbak");
    ok(
        home.path(),
        &["--db", s(&db), "backup", "--output", s(&good)],
    );
    let bytes = std::fs::read(&good).unwrap();
    let body = bytes.len() - 2000;

    let mut flipped = bytes.clone();
    flipped[body] ^= 0x01;
    let mut flipped_header = bytes.clone();
    flipped_header[40] ^= 0x01;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            bytes[..bytes.len() / 2].to_vec(),
            "is cut short",
        ),
        ("truncated-header", bytes[..60].to_vec(), "is cut short"),
        ("empty", Vec::new(), "is not a kembar backup (it is empty)"),
        ("flipped", flipped, "do not match their checksum"),
        (
            "flipped-header",
            flipped_header,
            "does not match the header's checksum",
        ),
        (
            "other-program",
            std::fs::read(fixture("demo.json")).unwrap(),
            "is not a kembar backup (it starts with \"{",
        ),
        (
            "binary",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "is not a kembar backup (it starts with the bytes 89504e47",
        ),
        (
            "newer-schema",
            with_header(&bytes, |h| {
                h["schema"] = 99.into();
                h["kembar"] = "9.0.0".into();
            }),
            "was written by kembar 9.0.0 from a store of schema 99",
        ),
        (
            "newer-format",
            [b"KEMBAR-BACKUP 7\n".as_slice(), &bytes[16..]].concat(),
            "is a backup in format 7",
        ),
        (
            "wrong-counts",
            with_header(&bytes, |h| h["counts"]["agreements"] = 47.into()),
            "where its header announces",
        ),
        (
            "extra-bytes",
            [bytes.as_slice(), b"more"].concat(),
            "4 bytes more than its header announces",
        ),
    ];
    for (name, content, says) in cases {
        let file = home.path().join(format!("{name}.kbak"));
        std::fs::write(&file, &content).unwrap();
        let before = listing(home.path());
        let target = home.path().join(format!("restored-{name}"));
        let out = kembar(home.path(), &["--db", s(&target), "restore", s(&file)]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(
            err.contains(s(&file)),
            "{name}: the message names the file: {err}"
        );
        assert!(err.contains("fix:"), "{name}: {err}");
        assert!(err.contains("Nothing was written"), "{name}: {err}");
        assert_eq!(
            listing(home.path()),
            before,
            "{name}: something was written"
        );
    }
}

#[test]
fn a_restore_never_writes_over_anything() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    ok(
        home.path(),
        &["--db", s(&db), "import", s(&fixture("demo.json"))],
    );
    let file = home.path().join("b.kbak");
    ok(
        home.path(),
        &["--db", s(&db), "backup", "--output", s(&file)],
    );
    let export = ok(home.path(), &["--db", s(&db), "export"]).stdout;

    // An existing store, a folder with a file, a file.
    let busy = home.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("thesis.docx"), b"mine").unwrap();
    for target in [&db, &busy, &file] {
        let out = kembar(home.path(), &["--db", s(target), "restore", s(&file)]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("cannot restore into"), "{err}");
        assert!(err.contains("Nothing was written"), "{err}");
    }
    assert_eq!(std::fs::read(busy.join("thesis.docx")).unwrap(), b"mine");
    assert_eq!(ok(home.path(), &["--db", s(&db), "export"]).stdout, export);
    // An empty folder is fine.
    let empty = home.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(home.path(), &["--db", s(&empty), "restore", s(&file)]);
    assert_same_store(home.path(), &db, &empty);
}

// ---------------------------------------------------------------------------------------
// Schema 1: what an older kembar left.

/// The records of `fixtures/small.json` (a schema-1 file) as a schema-1 store holds them.
fn schema_1_records() -> Vec<(Vec<u8>, Vec<u8>)> {
    let old: v1::Dataset1 =
        serde_json::from_slice(&std::fs::read(fixture("small.json")).unwrap()).unwrap();
    let enc = |v: &dyn erased::Encode| v.encode();
    let mut out: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (keys::META_SCHEMA.to_vec(), 1u32.to_be_bytes().to_vec()),
        (keys::META_STAGES.to_vec(), enc(&old.stages)),
    ];
    for t in &old.tags {
        out.push((keys::slug(keys::TAG, &t.id), enc(t)));
    }
    for r in &old.regions {
        out.push((keys::slug(keys::REGION, &r.id), enc(r)));
    }
    for p in &old.partners {
        out.push((keys::slug(keys::PARTNER, &p.id), enc(p)));
    }
    for a in &old.agreements {
        out.push((
            keys::numbered(keys::AGREEMENT, a.id).to_vec(),
            enc(&(1u64, a)),
        ));
        let timeline: Vec<Activity> = old
            .activities
            .iter()
            .filter(|x| x.agreement == a.id)
            .map(|x| x.clone().upgrade())
            .collect();
        if !timeline.is_empty() {
            out.push((
                keys::numbered(keys::SUMMARY, a.id).to_vec(),
                enc(&ActivitySummary::of(&timeline)),
            ));
        }
    }
    for x in &old.activities {
        out.push((keys::activity(x.agreement, x.id).to_vec(), enc(x)));
    }
    for n in &old.attention {
        out.push((
            keys::numbered(keys::ATTENTION, n.agreement).to_vec(),
            enc(n),
        ));
    }
    out.sort();
    out
}

/// postcard through a trait object, so the list above reads as one table.
mod erased {
    pub trait Encode {
        fn encode(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Encode for T {
        fn encode(&self) -> Vec<u8> {
            postcard::to_stdvec(self).unwrap()
        }
    }
}

/// A schema-1 store folder, as an older kembar left it (written with sled directly).
fn schema_1_store(dir: &Path) {
    let db = sled::Config::new().path(dir).open().unwrap();
    for (k, v) in schema_1_records() {
        db.insert(k, v).unwrap();
    }
    db.flush().unwrap();
}

/// A backup of a schema-1 store, written by hand from the format's description.
fn schema_1_backup(path: &Path) {
    let records = schema_1_records();
    let mut frames = Vec::new();
    for (k, v) in &records {
        frames.push(b'P');
        frames.extend_from_slice(&(k.len() as u32).to_be_bytes());
        frames.extend_from_slice(k);
        frames.extend_from_slice(&(v.len() as u32).to_be_bytes());
        frames.extend_from_slice(v);
    }
    frames.push(b'E');
    frames.extend_from_slice(&(records.len() as u64).to_be_bytes());
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&frames).unwrap();
    let body = enc.finish().unwrap();
    let count = |p: u8| records.iter().filter(|(k, _)| k[0] == p).count();
    let header = serde_json::json!({
        "format": 1,
        "kembar": "0.0.9",
        "schema": 1,
        "store": null,
        "generation": 4,
        "taken": "2025-06-01T08:00:00Z",
        "counts": {
            "agreements": count(keys::AGREEMENT),
            "activities": count(keys::ACTIVITY),
            "activity_summaries": count(keys::SUMMARY),
            "regions": count(keys::REGION),
            "partners": count(keys::PARTNER),
            "tags": count(keys::TAG),
            "triage_notes": count(keys::ATTENTION),
            "audit_entries": count(keys::AUDIT),
            "metadata": count(keys::META),
            "other": 0
        },
        "frames": records.len(),
        "body_bytes": body.len(),
        "body_sha256": hex(&sha2::Sha256::digest(&body)),
    });
    let line = format!("{header}\n");
    let mut file = b"KEMBAR-BACKUP 1\n".to_vec();
    file.extend_from_slice(line.as_bytes());
    file.extend_from_slice(
        format!("sha256 {}\n", hex(&sha2::Sha256::digest(line.as_bytes()))).as_bytes(),
    );
    file.extend_from_slice(&body);
    std::fs::write(path, file).unwrap();
}

/// A backup of a schema-1 store is migrated as it is restored, and passes the check.
#[test]
fn a_schema_1_backup_is_migrated_when_restored() {
    let home = TempDir::new().unwrap();
    let file = home.path().join("old.kbak");
    schema_1_backup(&file);
    let target = home.path().join("restored");
    let out = ok(home.path(), &["--db", s(&target), "restore", s(&file)]);
    let said = text(&out.stdout);
    assert!(said.contains("(schema 1, generation 4)"), "{said}");
    assert!(
        said.contains("migrated the store from schema 1 to 2"),
        "{said}"
    );
    assert!(said.contains("no problems found"), "{said}");
    // The migration was done by the restore: no second backup beside the target.
    assert_eq!(listing(home.path()), ["old.kbak", "restored"]);
    let store = Store::open(&target, "test").unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    let entries = store.audit_entries().unwrap();
    assert_eq!(entries.last().unwrap().action, "migrate");
}

/// A newer kembar opening a schema-1 store backs it up beside the folder first, says so
/// once, migrates, and keeps only the last two such backups.
#[test]
fn an_older_store_is_backed_up_before_it_is_migrated() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let mut made = Vec::new();
    for round in 0..3 {
        if db.exists() {
            std::fs::remove_dir_all(&db).unwrap();
        }
        schema_1_store(&db);
        let out = ok(home.path(), &["--db", s(&db), "list"]);
        let err = text(&out.stderr);
        assert!(
            err.contains("backed up the store to"),
            "round {round}: {err}"
        );
        assert!(
            err.contains("migrated the store from schema 1 to 2"),
            "{err}"
        );
        let backups = backup::upgrade_backups(&db);
        let newest = backups.last().unwrap().clone();
        assert!(err.contains(s(&newest)), "the notice names the file: {err}");
        made.push(newest);
        // Once only.
        let again = ok(home.path(), &["--db", s(&db), "list"]);
        assert!(
            !text(&again.stderr).contains("backed up"),
            "{}",
            text(&again.stderr)
        );
        assert!(text(&again.stdout).contains("Jawa Tengah"));
    }
    assert_eq!(
        backup::upgrade_backups(&db),
        made[1..],
        "the last two are kept"
    );
    let names = listing(home.path());
    assert!(
        names.iter().all(|n| n == "store"
            || n.starts_with(&format!(
                "store.pre-schema-{}-",
                kembar::store::STORE_SCHEMA
            ))),
        "{names:?}"
    );
    // The backup is of the store before the migration, and restores (migrating it again)
    // into the same data.
    let header = backup::verify(&made[2]).unwrap().header;
    assert_eq!(header.schema, 1);
    let restored = home.path().join("restored");
    ok(home.path(), &["--db", s(&restored), "restore", s(&made[2])]);
    let a = ok(home.path(), &["--db", s(&db), "export"]).stdout;
    let b = ok(home.path(), &["--db", s(&restored), "export"]).stdout;
    assert!(
        a == b,
        "the restored pre-upgrade backup migrates to the same data"
    );
}

/// Without room for the backup beside the store, the store is not migrated at all.
#[cfg(unix)]
#[test]
fn no_migration_without_its_backup() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempDir::new().unwrap();
    let parent = home.path().join("locked");
    std::fs::create_dir(&parent).unwrap();
    let db = parent.join("store");
    schema_1_store(&db);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anyway; then there is nothing to test here.
    let probe = parent.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: this user writes into read-only folders (root)");
        return;
    }
    let out = kembar(home.path(), &["--db", s(&db), "list"]);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("first back it up to"), "{err}");
    assert!(err.contains("the store was not changed"), "{err}");
    let db_handle = sled::Config::new().path(&db).open().unwrap();
    assert_eq!(
        db_handle.get(keys::META_SCHEMA).unwrap().unwrap().as_ref(),
        1u32.to_be_bytes()
    );
}

#[test]
fn restore_errors_name_what_to_do() {
    // The library's error for a missing file, as the binary prints it.
    let e =
        backup::restore(Path::new("/nonexistent/b.kbak"), Path::new("/tmp/x-never")).unwrap_err();
    assert!(matches!(e, RestoreError::Read { .. }), "{e}");
    assert!(e.to_string().contains("Nothing was written"));
}

/// The restore drill from README.md: its commands are the script's, and the script passes
/// (on the demo, and on a backup given to it).
#[test]
fn the_restore_drill_in_the_readme_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("packaging/restore-drill")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let drill = script
        .split("# drill: begin\n")
        .nth(1)
        .and_then(|rest| rest.split("# drill: end\n").next())
        .expect("the script marks its drill");
    assert!(
        readme.contains(&format!("```sh\n{drill}```")),
        "README.md must list the drill's commands as packaging/restore-drill runs them:\n{drill}"
    );

    let home = TempDir::new().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new("sh")
            .arg(root.join("packaging/restore-drill"))
            .args(args)
            .env("KEMBAR", env!("CARGO_BIN_EXE_kembar"))
            .env("TMPDIR", home.path())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("KEMBAR_DB")
            .env_remove("KEMBAR_CONFIG")
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(
        out.status.success(),
        "the drill failed:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("restore drill passed"));

    let file = home.path().join("mine.kbak");
    schema_1_backup(&file);
    let out = run(&[s(&file)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // It cleans up after itself.
    assert_eq!(listing(home.path()), ["mine.kbak"]);
    // A damaged backup fails the drill.
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 10]).unwrap();
    let out = run(&[s(&file)]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is cut short"),
        "{}",
        text(&out.stderr)
    );
}
