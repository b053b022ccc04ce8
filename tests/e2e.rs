//! End to end: the real binary in a pseudo-terminal, driven by keys, read back as a screen.

mod common;

use std::time::Duration;

use common::{Pty, row_of};
use tempfile::TempDir;

/// Moves the regions cursor from the first region with agreements to `region`, then opens it.
fn open_region(pty: &mut Pty, region: &str) {
    // Only the regions pane: the relationships title on the same rows names regions too.
    let rows: Vec<String> = pty
        .rows()
        .iter()
        .map(|r| r.chars().take(24).collect())
        .collect();
    let first = row_of(&rows, "Bali").expect("Bali is the first region");
    let target = row_of(&rows, region).expect("the region is listed");
    for _ in first..target {
        pty.send("j");
    }
    pty.send("\r");
    pty.wait_for(&format!("Relationships · {region}"));
}

#[test]
fn browse_to_queensland_see_the_renewal_and_quit_cleanly() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--today", "2026-11-29", "--lang", "en"],
        80,
        24,
    );
    pty.wait_for("Regions");
    pty.settle(Duration::from_millis(200));
    open_region(&mut pty, "Jawa Tengah");

    let rows = pty.rows();
    let first = row_of(&rows, "Chungcheongbuk-do").expect("partners sorted by name");
    let target = row_of(&rows, "Queensland").expect("Queensland listed");
    for _ in first..target {
        pty.send("j");
    }
    pty.wait_for("Jawa Tengah – Queensland");
    pty.send("\r");
    let screen = pty.wait_for("Signed: 2019-08-06");
    assert!(screen.contains("Expires: 2029-08-06"), "{screen}");

    // The timeline has a pane of its own on the agreement's screen.
    pty.wait_for("Activity timeline");
    pty.settle(Duration::from_millis(100));
    let rows = pty.rows();
    let dated = rows
        .iter()
        .filter(|r| {
            r.trim_start_matches(['┃', '│', ' '])
                .get(..4)
                .is_some_and(|y| y.chars().all(|c| c.is_ascii_digit()))
        })
        .count();
    assert!(
        dated > 0,
        "no timeline entry on screen:\n{}",
        rows.join("\n")
    );

    let before_quit = pty.raw_len();
    pty.send("q");
    assert!(pty.wait_exit(), "kembar exited with a failure");
    let tail = pty.raw_since(before_quit);
    let tail = String::from_utf8_lossy(&tail);
    assert!(
        tail.contains("\x1b[?1049l"),
        "alternate screen not left: {tail:?}"
    );
    assert!(
        tail.contains("\x1b[?25h"),
        "cursor not shown again: {tail:?}"
    );
    assert!(
        tail.contains("\x1b[?2004l"),
        "bracketed paste not turned off: {tail:?}"
    );
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(home.path(), &["--demo", "--lang", "en"], 80, 24);
    pty.wait_for("Regions");
    pty.send("?");
    pty.wait_for("Keys");
    pty.send("\x03");
    assert!(pty.wait_exit());
}

#[test]
fn a_tiny_terminal_asks_to_be_enlarged() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(home.path(), &["--demo", "--lang", "en"], 40, 10);
    pty.wait_for("Enlarge the terminal to at least 60x15");
    pty.send("q");
    assert!(pty.wait_exit());
}

#[test]
fn an_empty_store_welcomes_the_user() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let mut pty = Pty::spawn(
        home.path(),
        &["--db", db.to_str().unwrap(), "--lang", "en"],
        80,
        24,
    );
    pty.wait_for("Welcome to kembar");
    pty.wait_for("kembar --demo");
    pty.send("q");
    assert!(pty.wait_exit());
}

/// Bytes on the wire, which is what a slow link pays for: the first frame at 120x40 is at most
/// 8 KB (blank cells over a cleared screen cost nothing), and one `j` in a list at most 1 KB
/// (the rows that change; the detail follows once the cursor rests, as a frame of its own).
#[test]
fn a_first_frame_and_one_keystroke_send_few_bytes() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--today", "2026-11-29", "--lang", "en"],
        120,
        40,
    );
    pty.wait_for("Regions");
    pty.settle(Duration::from_millis(300));
    let first_frame = pty.raw_len();
    open_region(&mut pty, "DKI Jakarta");
    pty.settle(Duration::from_millis(300));
    let before = pty.raw_len();
    pty.send("j");
    // A frame ends with the cursor hidden again.
    let frame_end = pty.wait_for_bytes(before, b"\x1b[?25l");
    let one_j = frame_end - before;
    pty.settle(Duration::from_millis(300));
    let detail = pty.raw_len() - frame_end;
    eprintln!(
        "bytes for the first frame: {first_frame}; for one j: {one_j}; for the detail after \
         it: {detail}"
    );
    if std::env::var_os("KEMBAR_DUMP_J").is_some() {
        eprintln!("{:?}", String::from_utf8_lossy(&pty.raw_since(before)));
    }
    assert!(one_j > 0, "j drew nothing");
    assert!(
        first_frame <= 8 * 1024,
        "the first frame took {first_frame} bytes"
    );
    assert!(one_j <= 1024, "one j took {one_j} bytes");
    assert!(detail > 0, "the detail never followed the cursor");
    pty.send("q");
    assert!(pty.wait_exit());
}

#[test]
fn ctrl_p_finds_fujian_and_enter_selects_the_agreement() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--today", "2026-11-29", "--lang", "en"],
        80,
        24,
    );
    pty.wait_for("Regions");
    pty.send("\x10"); // Ctrl-p
    pty.wait_for("Find");
    pty.send("fujian");
    pty.wait_for("Jawa Tengah – Fujian");
    // The partner comes first; its agreement is the one to open.
    pty.send("\x1b[B"); // Down
    pty.send("\r");
    let screen = pty.wait_for("Relationships · Jawa Tengah");
    assert!(
        screen.contains("┌ Jawa Tengah – Fujian") || screen.contains("Jawa Tengah – Fujian ─"),
        "{screen}"
    );
    assert!(
        !screen.contains("> fujian"),
        "the finder stayed open:\n{screen}"
    );
    pty.send("q");
    assert!(pty.wait_exit());
}

/// Create an agreement, log an activity on it and toggle a tag, quit, start again on the
/// same store, and find all three.
#[test]
fn edits_made_in_the_dashboard_survive_a_restart() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = common::kembar(
        home.path(),
        &[
            "--db",
            db,
            "import",
            common::fixture("demo.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let args = ["--db", db, "--today", "2026-11-29", "--lang", "en"];

    let mut pty = Pty::spawn(home.path(), &args, 80, 24);
    pty.wait_for("Regions");
    pty.settle(Duration::from_millis(200));
    open_region(&mut pty, "Jawa Tengah");

    // n: the form starts on the partner, the region already filled in.
    pty.send("n");
    pty.wait_for("New agreement");
    pty.send("Osaka City\tJapan");
    pty.send("\x13"); // Ctrl-s
    pty.wait_for("Saved");
    pty.wait_for("Jawa Tengah – Osaka City");

    pty.send("a");
    pty.wait_for("Log activity");
    pty.send("Kickoff meeting in Osaka");
    pty.send("\x13");
    pty.wait_for("Saved: activity logged");

    pty.send("t");
    pty.wait_for("Obstacle tags");
    pty.send(" "); // the first tag: lack of communication
    pty.send("\r");
    pty.wait_for("Saved: obstacle tags");
    pty.send("q");
    assert!(pty.wait_exit(), "kembar exited with a failure");
    drop(pty);

    let mut pty = Pty::spawn(home.path(), &args, 80, 24);
    pty.wait_for("Regions");
    pty.settle(Duration::from_millis(200));
    open_region(&mut pty, "Jawa Tengah");
    let rows = pty.rows();
    let first = row_of(&rows, "Chungcheongbuk-do").expect("partners sorted by name");
    let target = row_of(&rows, "Osaka City").expect("the new agreement is listed");
    for _ in first..target {
        pty.send("j");
    }
    pty.wait_for("Jawa Tengah – Osaka City");
    pty.send("\r");
    let screen = pty.wait_for("Kickoff meeting in Osaka");
    assert!(screen.contains("Lack of communication"), "{screen}");
    pty.send("q");
    assert!(pty.wait_exit());

    // The audit trail names all three changes.
    let log = common::kembar(home.path(), &["--db", db, "log"]);
    let log = common::text(&log.stdout);
    for action in ["create", "log activity", "tags"] {
        assert!(
            log.contains(action),
            "{action} missing from the log:\n{log}"
        );
    }
}

/// The 2019 meeting replayed: a decision filed on a filtered queue goes to the agreement
/// highlighted, the filter stays, and the next key still acts on the same agreement.
#[test]
fn a_decision_on_a_filtered_triage_queue_goes_to_the_highlighted_agreement() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let db = db.to_str().unwrap();
    let out = common::kembar(
        home.path(),
        &[
            "--db",
            db,
            "import",
            common::fixture("demo.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let args = ["--db", db, "--today", "2019-08-22", "--lang", "en"];
    let mut pty = Pty::spawn(home.path(), &args, 80, 24);
    pty.wait_for("Regions");
    pty.send("T");
    pty.wait_for("Triage");
    pty.send("/siem reap");
    pty.wait_for("/siem reap");
    pty.send("\r");
    pty.settle(Duration::from_millis(200));
    pty.send("v");
    let screen = pty.wait_for("Saved: marked for revitalization · Jawa Tengah – Siem Reap");
    assert!(
        screen.contains("Triage /siem reap"),
        "the filter stays:\n{screen}"
    );
    pty.send("f");
    let screen = pty.wait_for("Follow-up:");
    assert!(
        screen.contains("Follow-up: Jawa Tengah – Siem Reap"),
        "the next key acts on the same agreement:\n{screen}"
    );
    pty.send("\x1b");
    pty.settle(Duration::from_millis(200));
    pty.send("q");
    assert!(pty.wait_exit());
    drop(pty);

    let out = common::kembar(
        home.path(),
        &["--db", db, "--today", "2019-08-22", "triage", "--json"],
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let decided: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["decision"].is_null())
        .map(|r| r["partner"].as_str().unwrap())
        .collect();
    assert_eq!(decided, ["Siem Reap"], "{rows:#}");
}
