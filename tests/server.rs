//! `kembar serve` with real SSH clients: the server runs as its own process on 127.0.0.1 and
//! the tests connect with russh's client, read the screen back through a terminal emulator
//! and type keys, as coordinators would with `ssh`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use russh::client::{self, Handle, Msg};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use tempfile::TempDir;

/// Accepts the server's host key (a test server made it a moment ago).
struct Trusting;

impl client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

fn key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

fn public_line(key: &PrivateKey, comment: &str) -> String {
    let mut public = key.public_key().clone();
    public.set_comment(comment);
    public.to_openssh().unwrap()
}

/// A store with the demo data, a keys file and a running server.
struct Served {
    home: TempDir,
    db: PathBuf,
    child: Child,
    port: u16,
}

impl Served {
    fn start(keys: &str) -> Served {
        Served::start_with(keys, "")
    }

    fn start_with(keys: &str, config: &str) -> Served {
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
        std::fs::write(home.path().join("keys"), keys).unwrap();
        std::fs::write(home.path().join("config.toml"), config).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kembar"))
            .args([
                "--db",
                db.to_str().unwrap(),
                "--today",
                "2026-11-29",
                "--lang",
                "en",
                "--config",
                home.path().join("config.toml").to_str().unwrap(),
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--authorized-keys",
                home.path().join("keys").to_str().unwrap(),
                "--host-key",
                home.path().join("host_key").to_str().unwrap(),
            ])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("USER", "server")
            // As a service would have it; commands over SSH must not mistake it for the
            // user asking for --db.
            .env("KEMBAR_DB", &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Served {
            home,
            db,
            child,
            port,
        }
    }

    async fn connect(&self) -> Handle<Trusting> {
        let config = Arc::new(client::Config::default());
        client::connect(config, ("127.0.0.1", self.port), Trusting)
            .await
            .unwrap()
    }

    /// A logged-in session with a dashboard at `cols`x`rows`.
    async fn login(&self, user: &str, key: &PrivateKey, cols: u16, rows: u16) -> Term {
        let mut session = self.connect().await;
        let auth = session
            .authenticate_publickey(
                user,
                PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
            )
            .await
            .unwrap();
        assert!(auth.success(), "{user} was not let in");
        let channel = session.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        Term {
            _session: session,
            channel,
            screen: vt100::Parser::new(rows, cols, 0),
            received: 0,
            closed: false,
        }
    }

    /// Stops the server; the store can then be opened directly.
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One client's terminal: what the server drew, as a screen.
struct Term {
    _session: Handle<Trusting>,
    channel: russh::Channel<Msg>,
    screen: vt100::Parser,
    received: usize,
    closed: bool,
}

impl Term {
    async fn send(&self, keys: &str) {
        self.channel
            .data_bytes(keys.as_bytes().to_vec())
            .await
            .unwrap();
    }

    fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Takes what arrives within `wait`.
    async fn pump(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.channel.wait()).await {
            self.take(msg);
        }
    }

    fn take(&mut self, msg: ChannelMsg) {
        match msg {
            ChannelMsg::Data { data } => {
                self.received += data.len();
                self.screen.process(&data);
            }
            ChannelMsg::Close | ChannelMsg::Eof => self.closed = true,
            _ => {}
        }
    }

    /// Reads until the screen shows `text`; panics with the screen after 10 s.
    async fn wait_for(&mut self, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.contents();
            if screen.contains(text) {
                return screen;
            }
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(msg)) => self.take(msg),
                Ok(None) => panic!("the channel closed before {text:?}; screen:\n{screen}"),
                Err(_) => panic!("{text:?} never appeared; the screen shows:\n{screen}"),
            }
        }
    }

    /// Reads until the next output arrives, and how long it took.
    async fn next_frame(&mut self) -> Duration {
        let start = Instant::now();
        loop {
            match tokio::time::timeout(Duration::from_secs(10), self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    self.received += data.len();
                    self.screen.process(&data);
                    return start.elapsed();
                }
                Ok(Some(_)) => {}
                _ => panic!("no frame came back"),
            }
        }
    }
}

fn keys_file(entries: &[(&str, &PrivateKey, &str)]) -> String {
    entries
        .iter()
        .map(|(options, key, who)| format!("{options}{}\n", public_line(key, who)))
        .collect()
}

const ALICE: u8 = 1;
const BOB: u8 = 2;
const MALLORY: u8 = 3;

fn two_users() -> (PrivateKey, PrivateKey, String) {
    let (alice, bob) = (key(ALICE), key(BOB));
    let file = keys_file(&[
        ("kembar-role=\"editor\" ", &alice, "alice"),
        ("", &bob, "bob"),
    ]);
    (alice, bob, file)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_edits_and_another_session_sees_it_without_a_key() {
    let (alice, bob, keys) = two_users();
    let mut server = Served::start(&keys);
    let mut a = server.login("alice", &alice, 80, 24).await;
    let mut b = server.login("bob", &bob, 100, 30).await;
    a.wait_for("Regions").await;
    b.wait_for("Regions").await;

    // Bob opens the first agreement full screen and waits.
    b.send("\t\r").await;
    b.wait_for("Activity timeline").await;

    // Alice logs an activity on the same agreement.
    a.send("\ta").await;
    a.wait_for("Log activity").await;
    a.send("Live from alice").await;
    a.send("\x13").await;
    a.wait_for("Saved: activity logged").await;

    // Bob's screen changes by itself.
    let screen = b.wait_for("Live from alice").await;
    assert!(screen.contains("alice: activity logged"), "{screen}");

    a.send("q").await;
    b.send("q").await;
    a.pump(Duration::from_millis(300)).await;
    server.stop();

    // The audit trail names the SSH user and the key.
    let log = common::kembar(
        server.home.path(),
        &["--db", server.db.to_str().unwrap(), "log", "--json"],
    );
    let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let last = entries.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["user"], "alice");
    let via = last["via"].as_str().unwrap();
    let fingerprint = alice
        .public_key()
        .fingerprint(Default::default())
        .to_string();
    assert_eq!(via, format!("ssh {fingerprint} (alice)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_told_the_session_is_read_only() {
    let (_alice, bob, keys) = two_users();
    let server = Served::start(&keys);
    let mut b = server.login("bob", &bob, 80, 24).await;
    b.wait_for("Regions").await;
    b.send("\te").await;
    b.wait_for("This session is read-only").await;
    b.send("n").await;
    b.pump(Duration::from_millis(200)).await;
    assert!(!b.contents().contains("New agreement"));
    // Browsing and searching still work.
    b.send("\x10fujian").await;
    b.wait_for("Fujian").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_and_passwords_are_refused() {
    let (_alice, _bob, keys) = two_users();
    let server = Served::start(&keys);
    let mut session = server.connect().await;
    let auth = session
        .authenticate_publickey(
            "mallory",
            PrivateKeyWithHashAlg::new(Arc::new(key(MALLORY)), None),
        )
        .await
        .unwrap();
    assert!(!auth.success(), "an unknown key got in");
    let auth = session
        .authenticate_password("alice", "hunter2")
        .await
        .unwrap();
    assert!(!auth.success(), "a password got in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_added_to_the_file_gets_in_without_a_restart() {
    let (alice, _bob, keys) = two_users();
    let server = Served::start(&keys);
    let carol = key(9);
    let mut session = server.connect().await;
    let refused = session
        .authenticate_publickey(
            "carol",
            PrivateKeyWithHashAlg::new(Arc::new(carol.clone()), None),
        )
        .await
        .unwrap();
    assert!(!refused.success());
    // File times have a resolution; make sure the change is seen as one.
    std::thread::sleep(Duration::from_millis(1100));
    let more = format!(
        "{keys}kembar-role=\"editor\" {}\n",
        public_line(&carol, "carol")
    );
    std::fs::write(server.path("keys"), more).unwrap();
    let mut c = server.login("carol", &carol, 80, 24).await;
    c.wait_for("Regions").await;
    let _ = alice;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_follows_window_changes_and_survives_garbage() {
    let (alice, bob, keys) = two_users();
    let server = Served::start(&keys);
    let mut a = server.login("alice", &alice, 80, 24).await;
    let mut b = server.login("bob", &bob, 80, 24).await;
    a.wait_for("Regions").await;
    b.wait_for("Regions").await;

    a.channel.window_change(120, 40, 0, 0).await.unwrap();
    a.screen.screen_mut().set_size(40, 120);
    // At 120 columns the relationships table has a Country column.
    a.wait_for("Country").await;

    // Garbage into Alice's session: random bytes, broken escapes, a paste that never ends.
    let mut junk: Vec<u8> = (0u8..=255).cycle().take(20_000).collect();
    junk.extend_from_slice(b"\x1b[999;999;999X\x1b]52;c;AAAA\x1b\x1b\x1b[200~unterminated");
    a.channel.data_bytes(junk).await.unwrap();

    // Bob is unaffected.
    b.send("?").await;
    b.wait_for("Keys").await;
    // And the server still takes new sessions.
    let mut again = server.login("alice", &alice, 80, 24).await;
    again.wait_for("Regions").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_limit_is_kept_with_a_message() {
    let (alice, _bob, keys) = two_users();
    let server = Served::start_with(&keys, "[server]\nmax_sessions = 1\n");
    let mut first = server.login("alice", &alice, 80, 24).await;
    first.wait_for("Regions").await;
    let mut second = server.login("alice", &alice, 80, 24).await;
    second.wait_for("the most this server allows").await;
}

/// Twenty sessions at once, each navigating and logging activities: every edit that was
/// reported saved is in the store afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_sessions_navigating_and_editing_lose_no_edit() {
    let alice = key(ALICE);
    let keys = keys_file(&[("kembar-role=\"editor\" ", &alice, "team")]);
    let mut server = Served::start(&keys);
    let mut sessions = Vec::new();
    for i in 0..20 {
        let mut t = server.login(&format!("user{i}"), &alice, 80, 24).await;
        t.wait_for("Regions").await;
        sessions.push(t);
    }
    let mut tasks = Vec::new();
    for (i, mut t) in sessions.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut saved = Vec::new();
            // Each session goes to its own agreement, moving about on the way.
            t.send(&"j".repeat(i % 7)).await;
            t.send("\t").await;
            for round in 0..3 {
                t.send("kj").await;
                t.send("a").await;
                t.wait_for("Log activity").await;
                let title = format!("session {i} note {round}");
                t.send(&title).await;
                t.send("\x13").await;
                t.wait_for("Saved: activity logged").await;
                saved.push(title);
                // Clear the status line before the next round.
                t.send("j").await;
            }
            t.send("q").await;
            t.pump(Duration::from_millis(100)).await;
            saved
        }));
    }
    let mut reported = Vec::new();
    for task in tasks {
        reported.extend(task.await.unwrap());
    }
    assert_eq!(reported.len(), 60);
    server.stop();
    let store = kembar::store::Store::open(&server.db, "test").unwrap();
    let titles: std::collections::HashSet<String> = store
        .all_activities()
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    for t in &reported {
        assert!(titles.contains(t), "{t} was reported saved but is missing");
    }
}

/// The figures for BENCHMARKS.md: bytes per navigation key over SSH, memory per session, and
/// keystroke-to-frame latency with 20 sessions. Run with
/// `cargo test --release --test server -- --ignored --nocapture ssh_figures`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn ssh_figures() {
    let alice = key(ALICE);
    let keys = keys_file(&[("kembar-role=\"editor\" ", &alice, "team")]);
    let server = Served::start(&keys);
    let rss = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let pid = server.child.id();
    let mut first = server.login("user0", &alice, 120, 40).await;
    first.wait_for("Regions").await;
    first.pump(Duration::from_millis(500)).await;
    // Bytes per navigation key in the relationships pane at 120x40: j and k in turn, so
    // that every key moves the selection (and the detail pane follows it).
    first.send("\t").await;
    first.pump(Duration::from_millis(300)).await;
    let before = first.received;
    for n in 0..10 {
        first.send(if n % 2 == 0 { "j" } else { "k" }).await;
        first.next_frame().await;
        first.pump(Duration::from_millis(50)).await;
    }
    let per_key = (first.received - before) / 10;
    let one = rss(pid);
    let mut sessions = vec![first];
    for i in 1..20 {
        let mut t = server.login(&format!("user{i}"), &alice, 120, 40).await;
        t.wait_for("Regions").await;
        t.send("\t").await;
        t.pump(Duration::from_millis(50)).await;
        sessions.push(t);
    }
    let twenty = rss(pid);
    // Keystroke to frame, all twenty sessions typing at once.
    let mut tasks = Vec::new();
    for mut t in sessions {
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for n in 0..50 {
                t.send(if n % 2 == 0 { "j" } else { "k" }).await;
                times.push(t.next_frame().await);
                t.pump(Duration::from_millis(20)).await;
            }
            times
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let at = |q: f64| all[((all.len() - 1) as f64 * q) as usize];
    println!("ssh-figures bytes per navigation key at 120x40: {per_key}");
    println!(
        "ssh-figures rss with 1 session {one} kB, with 20 sessions {twenty} kB: {} kB per added session",
        twenty.saturating_sub(one) / 19
    );
    println!(
        "ssh-figures keystroke to frame with 20 sessions: median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} keys)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3,
        all.len()
    );
    let _ = Path::new(".");
}

/// Runs a command over SSH; returns its output, its error output and its exit status.
async fn run(server: &Served, key: &PrivateKey, command: &str) -> (Vec<u8>, String, u32) {
    let mut session = server.connect().await;
    let auth = session
        .authenticate_publickey(
            "bob",
            PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
        )
        .await
        .unwrap();
    assert!(auth.success());
    let mut channel = session.channel_open_session().await.unwrap();
    channel.exec(true, command).await.unwrap();
    let (mut out, mut err, mut status) = (Vec::new(), Vec::new(), None);
    while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(10), channel.wait()).await {
        match msg {
            ChannelMsg::Data { data } => out.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, .. } => err.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => status = Some(exit_status),
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    (
        out,
        String::from_utf8_lossy(&err).into_owned(),
        status.expect("an exit status"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_exports_and_reads_reports_with_ssh_commands() {
    let (_alice, bob, keys) = two_users();
    let server = Served::start(&keys);
    let (out, err, status) = run(&server, &bob, "export").await;
    assert_eq!(status, 0, "{err}");
    let data: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(data["agreements"].as_array().unwrap().len(), 48);

    let (out, _, status) = run(&server, &bob, "report --province 'Jawa Tengah' --format md").await;
    assert_eq!(status, 0);
    assert!(String::from_utf8_lossy(&out).contains("Jawa Tengah"));

    let (out, err, status) = run(&server, &bob, "--lang en brief 'jateng queensland'").await;
    assert_eq!(status, 0, "{err}");
    assert!(
        String::from_utf8_lossy(&out)
            .starts_with("# Brief: Jawa Tengah – Queensland (Australia)\n")
    );
    let (_, err, status) = run(&server, &bob, "brief jateng").await;
    assert_eq!(status, 1);
    assert!(err.contains("\"jateng\" matches"), "{err}");

    let (_, err, status) = run(&server, &bob, "import /etc/passwd").await;
    assert_eq!(status, 2);
    assert!(
        err.contains(
            "answers `export`, `triage`, `trends`, `report`, `brief` and, for an editor key, \
             `backup`"
        ),
        "{err}"
    );
    let (_, err, status) = run(&server, &bob, "export --output /tmp/stolen.json").await;
    assert_eq!(status, 2);
    assert!(
        err.contains("would write the export on the server"),
        "{err}"
    );
}

/// `ssh ... backup` with an editor key streams a backup of the store the server holds, taken
/// while a dashboard edits; it restores to a store that passes the check and holds the
/// edit saved before it. A viewer key is refused, and so is `--output` on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_backs_up_the_served_store_over_ssh() {
    let (alice, bob, keys) = two_users();
    let mut server = Served::start(&keys);
    let mut a = server.login("alice", &alice, 100, 30).await;
    a.wait_for("Regions").await;
    // One saved change first: an activity on the first agreement.
    a.send("\ta").await;
    a.wait_for("Log activity").await;
    a.send("Dicadangkan").await;
    a.send("\x13").await;
    a.wait_for("Saved: activity logged").await;

    let (out, err, status) = run(&server, &bob, "backup").await;
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("only an editor key may take one"), "{err}");
    let (_, err, status) = run(&server, &alice, "backup --output /tmp/stolen.kbak").await;
    assert_eq!(status, 2, "{err}");
    assert!(
        err.contains("would write the backup on the server"),
        "{err}"
    );
    assert!(out.is_empty());

    let (out, err, status) = run(&server, &alice, "backup").await;
    assert_eq!(status, 0, "{err}");
    let file = server.path("served.kbak");
    std::fs::write(&file, &out).unwrap();
    drop(a);
    server.stop();

    let restored = server.path("restored");
    let home = server.home.path();
    let done = common::kembar(
        home,
        &[
            "--db",
            restored.to_str().unwrap(),
            "restore",
            file.to_str().unwrap(),
        ],
    );
    assert!(done.status.success(), "{}", common::text(&done.stderr));
    assert!(common::text(&done.stdout).contains("no problems found"));
    for args in [&["export"][..], &["log", "--json"]] {
        let original = common::kembar(
            home,
            &[&["--db", server.db.to_str().unwrap()], args].concat(),
        );
        let copy = common::kembar(
            home,
            &[&["--db", restored.to_str().unwrap()], args].concat(),
        );
        assert!(
            original.stdout == copy.stdout,
            "`{}` differs",
            args.join(" ")
        );
    }
    let log = common::kembar(home, &["--db", restored.to_str().unwrap(), "log", "--json"]);
    assert!(common::text(&log.stdout).contains("Dicadangkan"));
}

/// Two editors change the same agreement: the second save is stopped and shown what the
/// first one changed, instead of overwriting it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossing_edits_between_sessions_are_caught() {
    let alice = key(ALICE);
    let keys = keys_file(&[("kembar-role=\"editor\" ", &alice, "team")]);
    let server = Served::start(&keys);
    let mut a = server.login("alice", &alice, 100, 30).await;
    let mut c = server.login("carol", &alice, 100, 30).await;
    a.wait_for("Regions").await;
    c.wait_for("Regions").await;
    // Both open the edit form of the same agreement.
    a.send("\te").await;
    a.wait_for("Edit Bali").await;
    c.send("\te").await;
    c.wait_for("Edit Bali").await;
    // Carol changes the status (the form opens on the kind, the status is next) and saves
    // first.
    c.send("\t\x1b[C\x13").await;
    c.wait_for("Saved: changes").await;
    // Alice changes the notes and saves: refused, with what Carol changed.
    for _ in 0..8 {
        a.send("\t").await;
    }
    a.send("from alice\x13").await;
    let screen = a.wait_for("your change was not saved").await;
    assert!(screen.contains("carol"), "{screen}");
    assert!(screen.contains("Status: active → dormant"), "{screen}");
    assert!(
        screen.contains("Bali – Hainan was changed by carol"),
        "{screen}"
    );
}

#[test]
fn a_local_kembar_on_a_served_store_names_the_ssh_command() {
    let (_alice, _bob, keys) = two_users();
    let server = Served::start(&keys);
    // Reading goes through the server (tests/owner.rs); a change does not.
    let list = common::kembar(
        server.home.path(),
        &["--db", server.db.to_str().unwrap(), "list"],
    );
    assert!(list.status.success(), "{}", common::text(&list.stderr));
    let fixture = common::fixture("demo.json");
    let out = common::kembar(
        server.home.path(),
        &[
            "--db",
            server.db.to_str().unwrap(),
            "import",
            fixture.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = common::text(&out.stderr);
    assert!(
        err.contains(&format!("ssh -p {} NAME@127.0.0.1", server.port)),
        "{err}"
    );
}

/// A key taken out of the authorized-keys file ends the sessions it opened, with a message;
/// a command channel on the same connection as a dashboard still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_key_ends_its_sessions() {
    let (alice, bob, keys) = two_users();
    let server = Served::start(&keys);
    let mut b = server.login("bob", &bob, 80, 24).await;
    b.wait_for("Regions").await;

    // A second channel on Bob's connection: a command beside the dashboard.
    let mut extra = b._session.channel_open_session().await.unwrap();
    extra.exec(true, "triage --limit 1").await.unwrap();
    let mut out = Vec::new();
    while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(10), extra.wait()).await {
        match msg {
            ChannelMsg::Data { data } => out.extend_from_slice(&data),
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    assert!(
        !out.is_empty(),
        "the command beside the dashboard printed nothing"
    );

    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(
        server.path("keys"),
        keys_file(&[("kembar-role=\"editor\" ", &alice, "alice")]),
    )
    .unwrap();
    b.wait_for("your access to this server changed").await;
}

/// The last audit entry of the served store, once the server is stopped.
fn last_audit_entry(server: &Served) -> serde_json::Value {
    let log = common::kembar(
        server.home.path(),
        &["--db", server.db.to_str().unwrap(), "log", "--json"],
    );
    let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    entries.as_array().unwrap().last().unwrap().clone()
}

fn scoped_keys(alice: &PrivateKey) -> String {
    keys_file(&[(
        "kembar-role=\"editor\",kembar-scope=\"jawa-tengah\" ",
        alice,
        "alice@jateng",
    )])
}

/// A scoped editor over russh: its province first, edits there, read-only elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_editor_edits_its_province_and_only_views_the_rest() {
    let alice = key(ALICE);
    let mut server = Served::start(&scoped_keys(&alice));
    let mut a = server.login("alice", &alice, 100, 30).await;
    let screen = a.wait_for("[scope: Jawa Tengah]").await;
    assert!(screen.contains("Relationships · Jawa Tengah"), "{screen}");
    // The last region is outside the scope.
    a.send("G\te").await;
    a.wait_for("is outside your key's scope: you may only view it")
        .await;
    a.wait_for("outside your scope: read-only").await;
    // Back to the first region (under the whole country's row), its own: an activity is
    // saved.
    a.send("\x1b[Zgj\ta").await;
    a.wait_for("Log activity").await;
    a.send("In scope over russh\x13").await;
    a.wait_for("Saved: activity logged").await;
    a.send("q").await;
    a.pump(Duration::from_millis(300)).await;
    server.stop();
    let last = last_audit_entry(&server);
    assert_eq!(last["user"], "alice");
    assert!(
        last["via"]
            .as_str()
            .unwrap()
            .ends_with("(alice@jateng) scope jawa-tengah"),
        "{last}"
    );
}

fn have_ssh() -> bool {
    Command::new("ssh")
        .arg("-V")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The same with OpenSSH's client, in a real terminal.
#[test]
fn a_scoped_editor_over_openssh_is_held_to_its_scope() {
    if !have_ssh() {
        eprintln!("NOTICE: skipped: no `ssh` (OpenSSH client) installed");
        return;
    }
    use russh::keys::ssh_key::LineEnding;
    let alice = key(ALICE);
    let mut server = Served::start(&scoped_keys(&alice));
    let identity = server.path("alice_key");
    alice.write_openssh_file(&identity, LineEnding::LF).unwrap();
    let port = server.port.to_string();
    let mut ssh = common::Pty::spawn_program(
        "ssh",
        server.home.path(),
        &[
            "-F",
            "/dev/null",
            "-i",
            identity.to_str().unwrap(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-p",
            &port,
            "-tt",
            "alice@127.0.0.1",
        ],
        100,
        30,
    );
    ssh.wait_for("[scope: Jawa Tengah]");
    ssh.send("G\tR");
    ssh.wait_for("is outside your key's scope: you may only view it");
    ssh.send("\x1b[Zgj\ta");
    ssh.wait_for("Log activity");
    ssh.send("In scope over OpenSSH\x13");
    ssh.wait_for("Saved: activity logged");
    ssh.send("q");
    // Quitting ends the connection (however ssh reports that).
    let _ = ssh.wait_exit();
    server.stop();
    let last = last_audit_entry(&server);
    assert!(
        last["after"]
            .as_str()
            .unwrap()
            .contains("In scope over OpenSSH"),
        "{last}"
    );
    assert!(
        last["via"].as_str().unwrap().contains("scope jawa-tengah"),
        "{last}"
    );
}
