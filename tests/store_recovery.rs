//! A store folder in a hostile world: leftovers of interrupted writes, damaged files, links
//! and foreign files in the folder, ids at the edge, indexes from another store, and text
//! from outside that must not reach a terminal raw.

mod common;

use std::path::{Path, PathBuf};

use kembar::domain::validate::ID_MAX;
use kembar::domain::{Activity, ActivityKind, Agreement};
use kembar::store::interchange::{parse_dataset, read_dataset, write_json};
use kembar::store::{
    Actor, ApplyError, Change, Edit, ImportError, ImportMode, Record, Store, StoreError,
};
use tempfile::TempDir;

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn export_bytes(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&store.export().unwrap(), &mut out).unwrap();
    out
}

/// A closed store holding the small dataset, opened twice so that sled has written a
/// snapshot; with its export.
fn closed_store() -> (TempDir, PathBuf, Vec<u8>) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("store");
    let store = Store::open(&path, "test").unwrap();
    let data = read_dataset(&common::fixture("small.json")).unwrap();
    store
        .import(&data, "small.json", ImportMode::Merge, &actor())
        .unwrap();
    let exported = export_bytes(&store);
    drop(store);
    drop(Store::open(&path, "test").unwrap());
    (dir, path, exported)
}

fn snapshots(path: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
        })
        .collect();
    found.sort();
    found
}

fn names(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An unfinished snapshot (a full disk while sled wrote it) is newer than the real one, so
/// sled would read it and call the store corrupt. Opening removes it, says so, and the store
/// holds everything it held.
#[test]
fn an_unfinished_snapshot_is_cleared_and_reported() {
    let (_dir, path, exported) = closed_store();
    assert!(!snapshots(&path).is_empty(), "no snapshot was written");
    let leftover = path.join("snap.FFFFFFFFFFFFFFF0.generating");
    std::fs::write(&leftover, b"").unwrap();

    let store = Store::open(&path, "test").expect("the store opens");
    assert!(!leftover.exists(), "the leftover is still there");
    let notices = store.notices().join("\n");
    assert!(
        notices.contains("snap.FFFFFFFFFFFFFFF0.generating") && notices.contains("removed"),
        "the user is not told: {notices:?}"
    );
    assert_eq!(export_bytes(&store), exported);
}

/// One flipped bit in the snapshot: the snapshot is set aside under a name sled never
/// reads, the store is rebuilt from its log with nothing lost, and the user is told.
#[test]
fn a_damaged_snapshot_is_set_aside_and_the_store_rebuilt() {
    let (_dir, path, exported) = closed_store();
    let snap = snapshots(&path).pop().expect("a snapshot");
    let mut bytes = std::fs::read(&snap).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(&snap, &bytes).unwrap();

    let store = Store::open(&path, "test").expect("the store opens");
    assert_eq!(export_bytes(&store), exported);
    let notices = store.notices().join("\n");
    assert!(
        notices.contains("damaged") && notices.contains("set it aside"),
        "{notices:?}"
    );
    let aside: Vec<String> = names(&path)
        .into_iter()
        .filter(|n| n.starts_with("damaged-snap."))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", names(&path));
    assert_eq!(
        std::fs::read(path.join(&aside[0])).unwrap(),
        bytes,
        "the damaged snapshot was not kept as it was"
    );
    drop(store);
    // And the next open needs no repair at all.
    let store = Store::open(&path, "test").unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    assert_eq!(export_bytes(&store), exported);
}

/// A damaged log cannot be rebuilt from anything: the error says to restore a backup and
/// names the file, and the folder is left exactly as it was.
#[test]
fn a_damaged_log_is_named_and_left_alone() {
    let (_dir, path, _) = closed_store();
    let log = path.join("db");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes[6] ^= 0x01;
    std::fs::write(&log, &bytes).unwrap();
    let before = names(&path);

    let err = Store::open(&path, "test").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Damaged { .. }), "{message}");
    assert!(message.contains(&log.display().to_string()), "{message}");
    assert!(message.contains("backup"), "{message}");
    assert_eq!(std::fs::read(&log).unwrap(), bytes, "the log was changed");
    assert_eq!(names(&path), before);
}

/// A folder holding only a file named `db` that sled did not write is refused, untouched.
#[test]
fn a_foreign_db_file_is_not_taken_for_a_store() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("db");
    std::fs::write(&db, b"SQLite format 3\0 someone else's data").unwrap();
    let err = Store::open(dir.path(), "test").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{message}");
    assert!(message.contains("db"), "{message}");
    assert_eq!(names(dir.path()), vec!["db".to_string()]);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"SQLite format 3\0 someone else's data"
    );

    // Not even beside a settings file of some other program called `conf`.
    std::fs::write(dir.path().join("conf"), b"[server]\nport = 22\n....").unwrap();
    let err = Store::open(dir.path(), "test").unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
    assert_eq!(
        names(dir.path()),
        vec!["conf".to_string(), "db".to_string()]
    );
}

/// `ln -s victim S/kembar.lock; kembar --db S list` must not write into the victim.
#[cfg(unix)]
#[test]
fn links_in_the_store_folder_are_refused_and_never_written_through() {
    let dir = TempDir::new().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    for name in ["kembar.lock", "generation", "generation.tmp", "db"] {
        let store = dir.path().join(format!("store-{name}"));
        std::fs::create_dir(&store).unwrap();
        std::os::unix::fs::symlink(&victim, store.join(name)).unwrap();
        let err = Store::open(&store, "test").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Link { .. }), "{name}: {message}");
        assert!(message.contains(name), "{name}: {message}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "{name}");
    }

    // A link planted while the store is open is replaced, not written through.
    let path = dir.path().join("store");
    let store = Store::open(&path, "test").unwrap();
    for name in ["generation.tmp", "search-index.en.tmp"] {
        std::os::unix::fs::symlink(&victim, path.join(name)).unwrap();
    }
    let data = read_dataset(&common::fixture("small.json")).unwrap();
    store
        .import(&data, "small.json", ImportMode::Merge, &actor())
        .unwrap();
    let catalog = store.load_catalog().unwrap();
    kembar::search::load_or_build(
        &catalog,
        &store,
        kembar::i18n::Lang::En,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(kembar::search::saved::path(&path, kembar::i18n::Lang::En).exists());
}

/// Two stores filled the same way reach the same generation number; an index copied from
/// one into the other must not be trusted there.
#[test]
fn a_search_index_from_a_sibling_store_is_not_trusted() {
    let dir = TempDir::new().unwrap();
    let data = read_dataset(&common::fixture("small.json")).unwrap();
    let lang = kembar::i18n::Lang::En;
    let aliases = Default::default();
    let mut stores = Vec::new();
    for name in ["a", "b"] {
        let store = Store::open(&dir.path().join(name), "test").unwrap();
        store
            .import(&data, "small.json", ImportMode::Merge, &actor())
            .unwrap();
        stores.push(store);
    }
    let (a, b) = (&stores[0], &stores[1]);
    assert_ne!(a.id(), None);
    assert_ne!(a.id(), b.id(), "two stores share an identity");

    let catalog = a.load_catalog().unwrap();
    kembar::search::load_or_build(&catalog, a, lang, &aliases).unwrap();
    assert!(kembar::search::saved::load(a.path(), lang, &aliases).is_some());

    // The sibling at the same generation number, with a's index copied in.
    let b_stamp = kembar::store::read_stamp(b.path()).unwrap();
    let a_stamp = kembar::store::read_stamp(a.path()).unwrap();
    let hex: String = b_stamp
        .store
        .unwrap()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    std::fs::write(
        b.path().join("generation"),
        format!("{} {hex}\n", a_stamp.generation),
    )
    .unwrap();
    std::fs::copy(
        kembar::search::saved::path(a.path(), lang),
        kembar::search::saved::path(b.path(), lang),
    )
    .unwrap();
    assert!(
        kembar::search::saved::load(b.path(), lang, &aliases).is_none(),
        "an index from another store was trusted"
    );
}

/// An older store without an identity gets one when opened.
#[test]
fn an_older_store_gets_an_identity() {
    let (_dir, path, exported) = closed_store();
    {
        let db = sled::open(&path).unwrap();
        db.remove(b"mstore_id").unwrap();
        db.flush().unwrap();
    }
    std::fs::write(path.join("generation"), "7\n").unwrap();
    let store = Store::open(&path, "test").unwrap();
    let id = store.id().expect("an identity");
    let stamp = kembar::store::read_stamp(&path).unwrap();
    assert_eq!(stamp.store, Some(id));
    assert_eq!(export_bytes(&store), exported);
}

fn small_with(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let text = std::fs::read_to_string(common::fixture("small.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut value);
    serde_json::to_vec_pretty(&value).unwrap()
}

/// Ids are 1 to 2^53 − 1; an import outside the range is refused naming the record.
#[test]
fn ids_outside_the_json_safe_range_are_refused_by_import() {
    for (bad, field) in [
        (u64::MAX, "agreements"),
        (ID_MAX + 1, "agreements"),
        (0, "agreements"),
        (u64::MAX, "activities"),
        (0, "activities"),
    ] {
        let bytes = small_with(|v| {
            let list = v[field].as_array_mut().unwrap();
            let first = list[0]["id"].clone();
            list[0]["id"] = serde_json::json!(bad);
            // Keep the file otherwise consistent: activities follow their agreement.
            if field == "agreements" {
                for a in v["activities"].as_array_mut().unwrap() {
                    if a["agreement"] == first {
                        a["agreement"] = serde_json::json!(bad);
                    }
                }
            }
        });
        let data = parse_dataset(&bytes, "edge.json").unwrap();
        let dir = TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("s"), "test").unwrap();
        let err = store
            .import(&data, "edge.json", ImportMode::Merge, &actor())
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, ImportError::Invalid { .. }), "{message}");
        let kind = if field == "agreements" {
            "agreement"
        } else {
            "activity"
        };
        assert!(
            message.contains(&format!("{kind} {bad}")),
            "{bad}: the record is not named: {message}"
        );
        assert!(message.contains(&ID_MAX.to_string()), "{message}");
        assert!(store.is_empty());
    }
}

/// At the very top of the range the store refuses to give out another id (it never wraps
/// to 0, the marker for "new"), and every other change still works.
#[test]
fn the_last_id_is_given_out_once_and_never_wraps() {
    let bytes = small_with(|v| {
        let first = v["agreements"][0]["id"].clone();
        v["agreements"][0]["id"] = serde_json::json!(ID_MAX - 1);
        for a in v["activities"].as_array_mut().unwrap() {
            if a["agreement"] == first {
                a["agreement"] = serde_json::json!(ID_MAX - 1);
            }
        }
        let last = v["activities"].as_array().unwrap().len() - 1;
        v["activities"][last]["id"] = serde_json::json!(ID_MAX);
    });
    let data = parse_dataset(&bytes, "edge.json").unwrap();
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("s"), "test").unwrap();
    store
        .import(&data, "edge.json", ImportMode::Merge, &actor())
        .unwrap();
    let template: Agreement = store.agreements().unwrap()[0].1.clone();
    let new_agreement = || {
        let mut a = template.clone();
        a.id = 0;
        Change::new("create").with(Edit::create(Record::Agreement(a)))
    };
    let created = store.apply(new_agreement(), &actor()).unwrap();
    assert_eq!(
        created.versions.keys().copied().collect::<Vec<_>>(),
        [ID_MAX]
    );
    let err = store.apply(new_agreement(), &actor()).unwrap_err();
    assert!(
        matches!(&err, ApplyError::Store(StoreError::Write { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("no agreement id is left"), "{err}");

    let activity = Activity {
        id: 0,
        agreement: ID_MAX,
        date: "2020-01-01".parse().unwrap(),
        kind: ActivityKind::Meeting,
        title: "one more".into(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    };
    let err = store
        .apply(
            Change::new("log activity").with(Edit::create(Record::Activity(activity))),
            &actor(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no activity id is left"), "{err}");
    assert!(
        store.agreement(0).unwrap().is_none(),
        "an agreement got id 0"
    );
    assert!(
        store.check().unwrap().is_clean(),
        "{}",
        store.check().unwrap()
    );
}

/// A store written before ids were checked, with an agreement numbered u64::MAX: creating an
/// agreement fails with a message pointing at `kembar check`, which names the problem.
#[test]
fn an_out_of_range_id_already_stored_is_found_and_never_wraps() {
    let (_dir, path, _) = closed_store();
    {
        let db = sled::open(&path).unwrap();
        let (key, value) = db.scan_prefix(b"a").next().unwrap().unwrap();
        let (version, mut a): (u64, Agreement) = postcard::from_bytes(&value).unwrap();
        a.id = u64::MAX;
        let mut new_key = key.to_vec();
        new_key[1..].copy_from_slice(&u64::MAX.to_be_bytes());
        db.insert(new_key, postcard::to_stdvec(&(version, a)).unwrap())
            .unwrap();
        db.remove(b"mnext_agreement").unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(&path, "test").unwrap();
    let mut a = store.agreements().unwrap()[0].1.clone();
    a.id = 0;
    let err = store
        .apply(
            Change::new("create").with(Edit::create(Record::Agreement(a))),
            &actor(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("kembar check"), "{err}");
    assert!(store.agreement(0).unwrap().is_none());
    let report = store.check().unwrap();
    let text = report.to_string();
    assert!(text.contains(&format!("agreement {}", u64::MAX)), "{text}");
}
