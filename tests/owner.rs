//! One owner, many local clients: while a dashboard or `kembar serve` holds a store, the
//! commands that only read run through the socket it listens on, and print the same bytes
//! as on a free store; other users are refused; a socket left by a killed owner is removed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A store with the demo data and one edit in its audit log.
fn store() -> (TempDir, PathBuf) {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let out = common::kembar(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            common::fixture("demo.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    (home, db)
}

/// Runs kembar on the store with these arguments (after `--db`).
fn run(home: &Path, db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--db", db.to_str().unwrap(), "--lang", "en"];
    all.extend_from_slice(args);
    common::kembar(home, &all)
}

/// The commands that run through the owner, each as a user would type them.
fn commands(out: &Path) -> Vec<Vec<String>> {
    let o = |name: &str| out.join(name).to_str().unwrap().to_string();
    let lists: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--json"],
        vec!["--today", "2019-08-22", "list"],
        vec!["search", "semarang"],
        vec!["search", "fujian", "--json", "--limit", "3"],
        vec!["search", "jateng", "--kind", "agreement"],
        vec!["triage"],
        vec!["triage", "--json"],
        vec!["--today", "2019-08-22", "triage", "--csv"],
        vec!["report"],
        vec!["report", "--province", "jateng", "--format", "csv"],
        vec!["--lang", "id", "report", "--title", "Rapat"],
        vec!["export"],
        vec!["export", "--format", "csv"],
        vec!["log"],
        vec!["log", "--json"],
        vec!["log", "--since", "2100-01-01"],
        vec!["trends"],
        vec!["--today", "2019-08-22", "trends", "--json"],
        vec!["brief", "1"],
        vec![
            "--lang",
            "id",
            "--today",
            "2019-08-22",
            "brief",
            "siem reap",
        ],
        // Several matches are listed, with the same exit status.
        vec!["brief", "jawa"],
        // A failure is the same failure.
        vec!["report", "--province", "atlantis"],
    ];
    let mut all: Vec<Vec<String>> = lists
        .into_iter()
        .map(|l| l.into_iter().map(String::from).collect())
        .collect();
    all.push(vec![
        "export".into(),
        "--format".into(),
        "xlsx".into(),
        "--output".into(),
        o("export.xlsx"),
    ]);
    all.push(vec![
        "report".into(),
        "--format".into(),
        "xlsx".into(),
        "--output".into(),
        o("report.xlsx"),
    ]);
    all
}

/// What each command printed (stdout, stderr, status) and the files it wrote.
fn outputs(home: &Path, db: &Path, dir: &Path) -> Vec<(String, Vec<u8>, String, Option<i32>)> {
    std::fs::create_dir_all(dir).unwrap();
    commands(dir)
        .iter()
        .map(|args| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run(home, db, &args);
            (
                args.join(" "),
                out.stdout,
                common::text(&out.stderr),
                out.status.code(),
            )
        })
        .collect()
}

/// The parts of a workbook, by name, without the one holding the time it was written.
fn workbook_parts(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name != "docProps/core.xml" {
            parts.push((name, bytes));
        }
    }
    parts
}

/// `kembar serve` on the store, its log collected.
struct Owner {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Owner {
    fn serve(home: &Path, db: &Path) -> Owner {
        std::fs::write(home.join("keys"), "").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kembar"))
            .args([
                "--db",
                db.to_str().unwrap(),
                "--lang",
                "id",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--authorized-keys",
                home.join("keys").to_str().unwrap(),
                "--host-key",
                home.join("host_key").to_str().unwrap(),
            ])
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("KEMBAR_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("serving"),
            "{line:?}\n{}",
            log.lock().unwrap()
        );
        Owner { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.kill();
    }
}

fn socket(db: &Path) -> PathBuf {
    db.join("kembar.sock")
}

#[test]
fn busy_store_commands_print_the_same_bytes_as_on_a_free_store() {
    let (home, db) = store();
    let free = outputs(home.path(), &db, &home.path().join("free"));
    // A second free run first: what differs between two free runs (nothing but the
    // workbooks' creation time) is not the socket's doing.
    let mut owner = Owner::serve(home.path(), &db);
    let meta = std::fs::symlink_metadata(socket(&db)).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let busy = outputs(home.path(), &db, &home.path().join("busy"));
    for (free, busy) in free.iter().zip(&busy) {
        assert_eq!(
            free.1,
            busy.1,
            "`kembar {}` printed something else on a busy store:\n{}\n---\n{}",
            free.0,
            common::text(&free.1),
            common::text(&busy.1)
        );
        assert_eq!(free.2, busy.2, "`kembar {}`: stderr", free.0);
        assert_eq!(free.3, busy.3, "`kembar {}`: exit status", free.0);
    }
    assert!(free.last().unwrap().2.is_empty());
    assert!(
        free.iter()
            .any(|f| f.3 == Some(1) && f.2.contains("atlantis")),
        "the failing command did not fail"
    );
    for name in ["export.xlsx", "report.xlsx"] {
        assert_eq!(
            workbook_parts(&home.path().join("free").join(name)),
            workbook_parts(&home.path().join("busy").join(name)),
            "{name}"
        );
    }
    let log = owner.log();
    assert!(
        log.contains("event=local_command") && log.contains("command=export"),
        "{log}"
    );

    // An import still says who holds the store and what to do.
    let import = run(
        home.path(),
        &db,
        &["import", common::fixture("demo.json").to_str().unwrap()],
    );
    assert_eq!(import.status.code(), Some(1));
    let said = common::text(&import.stderr);
    assert!(
        said.contains("in use") && said.contains("ssh -p"),
        "an import on a busy store said: {said}"
    );
    owner.kill();
}

#[test]
fn a_socket_left_by_a_killed_owner_is_removed_and_the_store_works() {
    let (home, db) = store();
    let free = run(home.path(), &db, &["list"]);
    let mut owner = Owner::serve(home.path(), &db);
    // SIGKILL: the owner cannot clean up.
    owner.kill();
    assert!(socket(&db).exists(), "the test needs a stale socket");
    // Nobody answers on it.
    assert!(UnixStream::connect(socket(&db)).is_err());
    let after = run(home.path(), &db, &["list"]);
    assert!(after.status.success(), "{}", common::text(&after.stderr));
    assert_eq!(after.stdout, free.stdout);
    assert!(!socket(&db).exists(), "the stale socket was left");
    // And the next owner listens again.
    let _owner = Owner::serve(home.path(), &db);
    let busy = run(home.path(), &db, &["list"]);
    assert_eq!(busy.stdout, free.stdout, "{}", common::text(&busy.stderr));
}

#[test]
fn a_dashboard_answers_while_it_runs_and_removes_its_socket_when_it_quits() {
    let (home, db) = store();
    let free = run(home.path(), &db, &["triage", "--json"]);
    let mut pty = common::Pty::spawn(
        home.path(),
        &["--db", db.to_str().unwrap(), "--lang", "en"],
        100,
        30,
    );
    pty.wait_for("Regions");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket(&db).exists() {
        assert!(Instant::now() < deadline, "no socket");
        std::thread::sleep(Duration::from_millis(20));
    }
    let busy = run(home.path(), &db, &["triage", "--json"]);
    assert_eq!(busy.stdout, free.stdout, "{}", common::text(&busy.stderr));
    pty.send("q");
    assert!(pty.wait_exit());
    assert!(!socket(&db).exists(), "the socket outlived its dashboard");
}

/// The child of `another_user_is_refused`: connects as the user it was started as and
/// prints what the owner sent.
#[test]
#[ignore = "run by another_user_is_refused as another user"]
fn other_user_child() {
    let Ok(path) = std::env::var("KEMBAR_TEST_SOCKET") else {
        return;
    };
    match UnixStream::connect(&path) {
        Err(e) => println!("connect failed: {:?}", e.kind()),
        Ok(mut stream) => {
            let request = serde_json::json!({
                "args": ["export"], "config": null, "lang": "en", "today": "2026-11-29"
            });
            let _ = stream.write_all(format!("{request}\n").as_bytes());
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            println!("answer: {}", String::from_utf8_lossy(&answer));
        }
    }
}

fn as_nobody(path: &Path) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "other_user_child", "--nocapture"])
        .env("KEMBAR_TEST_SOCKET", path)
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    common::text(&out.stdout)
}

#[test]
fn another_user_is_refused() {
    if !rustix::process::geteuid().is_root() {
        eprintln!(
            "NOTICE: skipped: only root can run a client as another user (the credential \
             check itself is tested in src/owner.rs)"
        );
        return;
    }
    let (home, db) = store();
    let mut owner = Owner::serve(home.path(), &db);
    for dir in [home.path(), db.as_path()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The socket's mode keeps the other user out...
    let said = as_nobody(&socket(&db));
    assert!(said.contains("connect failed: PermissionDenied"), "{said}");
    // ...and with the mode opened up, its credentials still do.
    std::fs::set_permissions(socket(&db), std::fs::Permissions::from_mode(0o666)).unwrap();
    let said = as_nobody(&socket(&db));
    assert!(said.contains("answers only its own user"), "{said}");
    assert!(!said.contains("\"agreements\""), "data went out: {said}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !owner.log().contains("event=local_refused") {
        assert!(Instant::now() < deadline, "{}", owner.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(owner.log().contains("uid=65534"), "{}", owner.log());
    owner.kill();
}

/// `kembar backup` on a store a server holds: the server writes it through its socket,
/// nobody is stopped, and the file restores to the same store.
#[test]
fn a_busy_store_is_backed_up_through_its_owner() {
    let (home, db) = store();
    let mut owner = Owner::serve(home.path(), &db);
    let file = home.path().join("busy.kbak");
    let out = run(
        home.path(),
        &db,
        &["backup", "--output", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(
        common::text(&out.stderr).contains("through the process holding it"),
        "{}",
        common::text(&out.stderr)
    );
    let exported = run(home.path(), &db, &["export"]);
    assert!(exported.status.success());
    let log = owner.log();
    assert!(log.contains("command=backup"), "{log}");
    owner.kill();

    let restored = home.path().join("restored");
    let out = run(
        home.path(),
        &restored,
        &[
            "restore",
            file.to_str().unwrap(),
            "--db",
            restored.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let again = run(home.path(), &restored, &["export"]);
    assert!(again.status.success(), "{}", common::text(&again.stderr));
    assert_eq!(common::text(&again.stdout), common::text(&exported.stdout));
}
