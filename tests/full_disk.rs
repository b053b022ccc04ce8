//! A full disk, for real: each test mounts a tmpfs of 8 MB (which needs root, as
//! CI has) and fills it. Without root the tests print a notice and pass without running.
//!
//! What must hold: a save reported as saved is on disk; a save that does not fit is reported
//! as not saved and leaves nothing behind; the open store works again as soon as space is
//! freed; and whatever a full disk interrupts, the store opens afterwards with its data.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use kembar::domain::{Activity, ActivityKind};
use kembar::store::interchange::{read_dataset, write_json};
use kembar::store::{Actor, ApplyError, Change, Edit, ImportMode, Record, Store, StoreError};
use tempfile::TempDir;

/// A tmpfs mounted for one test, unmounted when dropped. One test at a time: they fill
/// disks and spawn processes, and a process spawned by one test must not inherit (for the
/// moment between fork and exec) the files another test is about to reopen.
struct SmallDisk {
    dir: TempDir,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl SmallDisk {
    /// Mounts `megabytes` of tmpfs, or says why not and returns `None`.
    fn mount(test: &str, megabytes: u32) -> Option<SmallDisk> {
        let guard = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = TempDir::new().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Some(SmallDisk {
                dir,
                _one_at_a_time: guard,
            }),
            _ => {
                eprintln!(
                    "NOTICE: {test} skipped: mounting a tmpfs of {megabytes} MB needs root (CI \
                     runs the tests as root)"
                );
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn filler(&self) -> PathBuf {
        self.path().join("filler")
    }

    /// Fills the disk until fewer than `leave` bytes are free.
    fn fill(&self, leave: u64) {
        fill(&self.filler(), leave);
    }

    fn free_up(&self) {
        let _ = std::fs::remove_file(self.filler());
    }
}

/// Writes `filler` until fewer than `leave` bytes are free on its file system.
fn fill(filler: &Path, leave: u64) {
    let free = free_bytes(filler.parent().unwrap());
    let mut file = std::fs::File::create(filler).unwrap();
    let block = vec![0x5a_u8; 4096];
    let mut written = 0u64;
    while written + leave < free {
        let n = (free - leave - written).min(block.len() as u64) as usize;
        match file.write(&block[..n]) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    let _ = file.sync_all();
}

/// Bytes free on the file system holding `dir`.
fn free_bytes(dir: &Path) -> u64 {
    let out = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily: a failed test may leave a store (and sled's threads) holding files open.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn actor() -> Actor {
    Actor::new("tester", "test")
}

fn export_bytes(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&store.export().unwrap(), &mut out).unwrap();
    out
}

/// A store on the small disk, holding the demo dataset.
fn demo_store(disk: &SmallDisk) -> Store {
    let store = Store::open(&disk.path().join("store"), "test").unwrap();
    let data = read_dataset(&common::fixture("demo.json")).unwrap();
    store
        .import(&data, "demo.json", ImportMode::Merge, &actor())
        .unwrap();
    store
}

/// The change the issue describes: an activity with a long description.
fn long_activity(title: &str) -> Change {
    let description = "Kunjungan delegasi dan rapat koordinasi program pertukaran pelajar. "
        .repeat(290)
        .chars()
        .take(19_900)
        .collect();
    Change::new("log activity").with(Edit::create(Record::Activity(Activity {
        id: 0,
        agreement: 1,
        date: "2026-03-02".parse().unwrap(),
        kind: ActivityKind::Visit,
        title: title.to_string(),
        description,
        participants: vec!["Biro Pemerintahan".into()],
        fields: Vec::new(),
        outcome: None,
    })))
}

fn titles(store: &Store) -> Vec<String> {
    store
        .all_activities()
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect()
}

/// With the disk full, a save is refused before sled is asked (kembar keeps some space
/// free), saying that nothing was saved; once space is freed the same open store saves
/// again, and both what was there and the new save survive reopening.
#[test]
fn a_save_that_does_not_fit_is_refused_and_the_store_works_again_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("full_disk::a_save_that_does_not_fit", 8) else {
        return;
    };
    let store = demo_store(&disk);
    store
        .apply(long_activity("saved before the disk filled"), &actor())
        .unwrap();
    let before = export_bytes(&store);
    let audit_before = store.audit_entries().unwrap().len();

    disk.fill(0);
    for attempt in 0..3 {
        let err = store
            .apply(long_activity("never saved"), &actor())
            .expect_err("a save on a full disk cannot succeed");
        let message = err.to_string();
        assert!(
            matches!(err, ApplyError::Store(StoreError::NotSaved { .. })),
            "attempt {attempt}: {message}"
        );
        assert!(message.contains("not saved"), "{message}");
        assert!(
            message.contains(&store.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("free some disk space"), "{message}");
        assert_eq!(export_bytes(&store), before, "attempt {attempt}");
    }

    disk.free_up();
    assert_eq!(store.audit_entries().unwrap().len(), audit_before);
    store
        .apply(long_activity("saved after space was freed"), &actor())
        .expect("the store works again");
    let path = store.path().to_path_buf();
    drop(store);

    let store = Store::open(&path, "test").unwrap();
    let titles = titles(&store);
    assert!(titles.iter().any(|t| t == "saved before the disk filled"));
    assert!(titles.iter().any(|t| t == "saved after space was freed"));
    assert!(!titles.iter().any(|t| t == "never saved"));
    assert!(
        store.check().unwrap().is_clean(),
        "{}",
        store.check().unwrap()
    );
}

/// A short activity, written inline in sled's log (no page large enough for a file of its
/// own).
fn short_activity(title: &str) -> Change {
    Change::new("log activity").with(Edit::create(Record::Activity(Activity {
        id: 0,
        agreement: 2,
        date: "2026-03-03".parse().unwrap(),
        kind: ActivityKind::Meeting,
        title: title.to_string(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    })))
}

/// Without kembar's reserve, sled meets the full disk itself: the write fails, sled refuses
/// all further writes through that handle, and the store reopens its files, which the full
/// disk prevents for now. Nothing is lost, and once space is freed the same open store
/// reopens by itself and saves again.
#[test]
fn when_sled_meets_the_full_disk_the_store_reopens_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("full_disk::when_sled_meets_the_full_disk", 8) else {
        return;
    };
    let store = demo_store(&disk);
    store.set_space_reserve(0);
    disk.fill(0);
    let mut saved = Vec::new();
    let mut failure = None;
    for i in 0..500 {
        let title = format!("short {i}");
        match store.apply(short_activity(&title), &actor()) {
            Ok(_) => saved.push(title),
            Err(e) => {
                failure = Some((title, e));
                break;
            }
        }
    }
    let (failed, err) = failure.expect("the disk never filled: the test proved nothing");
    let message = err.to_string();
    // Not saved, or (when the store could not be reopened to look) maybe not saved.
    let certain = matches!(err, ApplyError::Store(StoreError::NotSaved { .. }));
    assert!(
        certain || matches!(err, ApplyError::Store(StoreError::MaybeSaved { .. })),
        "{message}"
    );
    assert!(
        message.contains("not saved") || message.contains("not have been saved"),
        "{message}"
    );
    // Still full: the store cannot reopen, and says so.
    let err = store
        .apply(short_activity("still full"), &actor())
        .unwrap_err();
    assert!(err.to_string().contains("not saved"), "{err}");

    disk.free_up();
    store
        .apply(short_activity("after freeing"), &actor())
        .expect("the store reopens by itself and saves");
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path, "test").unwrap();
    let titles = titles(&store);
    for title in &saved {
        assert!(
            titles.contains(title),
            "{title} was reported saved but is not on disk"
        );
    }
    assert!(
        !certain || !titles.contains(&failed),
        "{failed} was reported unsaved but is there"
    );
    assert!(!titles.iter().any(|t| t == "still full"));
    assert!(titles.iter().any(|t| t == "after freeing"));
    assert!(
        store.check().unwrap().is_clean(),
        "{}",
        store.check().unwrap()
    );
}

/// The store folder the full-disk child saves into; unset, `full_disk_child` does nothing.
const CHILD_STORE: &str = "KEMBAR_FULL_DISK_CHILD";
const CHILD_ROUND: &str = "KEMBAR_FULL_DISK_ROUND";
/// How many bytes the child leaves free after opening the store (sled needs to write a
/// little to open one, so the child fills the disk itself once the store is open).
const CHILD_LEAVE: &str = "KEMBAR_FULL_DISK_LEAVE";

/// Not a test on its own (ignored, so never counted as one): the child process of
/// `with_any_space_left_every_reported_save_is_durable_and_the_failed_one_absent`. It saves
/// long activities without kembar's reserve until one fails, printing `saved TITLE` or
/// `failed TITLE: MESSAGE` for each, then exits: sled may have stopped answering for good,
/// which only a new process gets over.
#[test]
#[ignore = "run by with_any_space_left_every_reported_save_is_durable_and_the_failed_one_absent"]
fn full_disk_child() {
    let Some(path) = std::env::var_os(CHILD_STORE) else {
        return;
    };
    let round = std::env::var(CHILD_ROUND).unwrap_or_default();
    let mut out = std::io::stdout();
    // The test harness has printed "test full_disk_child ... " without a line break.
    let _ = out.write_all(b"\n");
    let store = match Store::open(Path::new(&path), "full disk test") {
        Ok(store) => store,
        Err(e) => {
            let _ = writeln!(out, "error: {}", e.to_string().replace('\n', " "));
            return;
        }
    };
    store.set_space_reserve(0);
    let leave = std::env::var(CHILD_LEAVE)
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    fill(&Path::new(&path).with_file_name("filler"), leave);
    for i in 0..80 {
        let title = format!("round {round} save {i}");
        let line = match store.apply(long_activity(&title), &actor()) {
            Ok(_) => format!("saved {title}\n"),
            Err(e) => format!("failed {title}: {}\n", e.to_string().replace('\n', " ")),
        };
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
        if line.starts_with("failed") {
            break;
        }
    }
    drop(store);
    // A store whose database stopped answering keeps a thread waiting on it; leave now.
    std::process::exit(0);
}

/// Whatever the amount of space left, saves go on until the disk refuses one, and then every
/// save reported as saved is on disk and the one that failed left nothing: the report is
/// always the truth, and the process never hangs (sled 0.34 can stop answering after a
/// failed write; kembar notices and says so).
#[test]
fn with_any_space_left_every_reported_save_is_durable_and_the_failed_one_absent() {
    let Some(disk) = SmallDisk::mount("full_disk::with_any_space_left", 8) else {
        return;
    };
    let path = demo_store(&disk).path().to_path_buf();
    let exe = std::env::current_exe().unwrap();
    for (round, leave) in [0u64, 4096, 12 * 1024, 40 * 1024, 100 * 1024, 200 * 1024]
        .into_iter()
        .enumerate()
    {
        let mut child = Command::new(&exe)
            .args(["full_disk_child", "--exact", "--ignored", "--nocapture"])
            .args(["--test-threads=1"])
            .env(CHILD_STORE, &path)
            .env(CHILD_ROUND, round.to_string())
            .env(CHILD_LEAVE, leave.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("round {round}: saving on a full disk hung");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert!(status.success(), "round {round}: the child failed");
        let mut stdout = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
        disk.free_up();

        let saved: Vec<&str> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("saved "))
            .collect();
        let failed: Vec<(&str, &str)> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("failed "))
            .filter_map(|l| l.split_once(": "))
            .collect();
        assert_eq!(failed.len(), 1, "round {round}: {stdout}");
        let (failed, message) = failed[0];
        assert!(
            message.contains("not saved") || message.contains("may not have been saved"),
            "{message}"
        );

        let store = Store::open(&path, "test").unwrap();
        let present = titles(&store);
        for title in &saved {
            assert!(
                present.iter().any(|t| t == title),
                "{title} was reported saved but is not on disk"
            );
        }
        // "may not have been saved" is the truth when the store could not look; "not
        // saved" must be.
        assert!(
            message.contains("may not have been saved") || !present.iter().any(|t| t == failed),
            "{failed} was reported unsaved but is there: {message}"
        );
        assert!(
            store.check().unwrap().is_clean(),
            "{}",
            store.check().unwrap()
        );
    }
}

/// `kembar export` on a full disk (it fails: sled must write to open a store) leaves the
/// store as it was: once space is freed every command works and the data is all there,
/// whatever amount of space the failed run had to work with.
#[test]
fn an_export_on_a_full_disk_leaves_the_store_openable() {
    let Some(disk) = SmallDisk::mount("full_disk::an_export_on_a_full_disk", 8) else {
        return;
    };
    let store = demo_store(&disk);
    let path = store.path().to_path_buf();
    let expected = export_bytes(&store);
    drop(store);
    let home = TempDir::new().unwrap();
    let db = path.to_str().unwrap();
    let mut refused = 0;
    // Below kembar's reserve for opening a store the export is refused before sled writes
    // anything; above it, sled opens the store and writes as it does.
    for leave in (0..=3 * 1024 * 1024u64).step_by(96 * 1024) {
        disk.fill(leave);
        let out = common::kembar(home.path(), &["--db", db, "export"]);
        disk.free_up();
        if !out.status.success() {
            refused += 1;
            let err = common::text(&out.stderr);
            assert!(!err.contains("backup"), "leaving {leave} bytes: {err}");
        }
        let store = Store::open(&path, "test")
            .unwrap_or_else(|e| panic!("leaving {leave} bytes, the store no longer opens: {e}"));
        assert_eq!(export_bytes(&store), expected, "leaving {leave} bytes");
    }
    assert!(
        refused > 0,
        "no export ever met a full disk: the test proved nothing"
    );
}
