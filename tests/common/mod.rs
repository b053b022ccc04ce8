//! Running the real binary in a pseudo-terminal and reading the screen back, as a person
//! would see it: portable-pty gives the terminal, vt100 interprets what kembar draws.

#![allow(dead_code)]

pub mod harness;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    /// Starts kembar with `args` in a `cols`x`rows` terminal, with a private HOME.
    pub fn spawn(home: &Path, args: &[&str], cols: u16, rows: u16) -> Pty {
        Pty::spawn_program(env!("CARGO_BIN_EXE_kembar"), home, args, cols, rows)
    }

    /// Starts another program (OpenSSH's client) the same way.
    pub fn spawn_program(program: &str, home: &Path, args: &[&str], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env_remove("KEMBAR_DB");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("kembar starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        {
            let screen = Arc::clone(&screen);
            let raw = Arc::clone(&raw);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                    screen.lock().unwrap().process(&buf[..n]);
                }
            });
        }
        Pty {
            child,
            writer,
            screen,
            raw,
            _master: pair.master,
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The screen's rows as text.
    pub fn rows(&self) -> Vec<String> {
        let parser = self.screen.lock().unwrap();
        let (_, cols) = parser.screen().size();
        parser.screen().rows(0, cols).collect()
    }

    pub fn raw_len(&self) -> usize {
        self.raw.lock().unwrap().len()
    }

    pub fn raw_since(&self, from: usize) -> Vec<u8> {
        self.raw.lock().unwrap()[from..].to_vec()
    }

    /// Waits until the bytes after `from` hold `needle`; returns where it ends.
    pub fn wait_for_bytes(&self, from: usize, needle: &[u8]) -> usize {
        let start = Instant::now();
        loop {
            {
                let raw = self.raw.lock().unwrap();
                if let Some(at) = raw[from..].windows(needle.len()).position(|w| w == needle) {
                    return from + at + needle.len();
                }
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!(
                    "{needle:?} never came; the screen shows:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the screen shows `text`; panics with the screen after 10 s.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.contents();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("{text:?} never appeared; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until no output has arrived for `quiet`.
    pub fn settle(&self, quiet: Duration) {
        let mut last = self.raw_len();
        let mut since = Instant::now();
        let start = Instant::now();
        while since.elapsed() < quiet && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
            let now = self.raw_len();
            if now != last {
                last = now;
                since = Instant::now();
            }
        }
    }

    /// Waits for the process to end and returns whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!(
                    "kembar did not exit; the screen shows:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Row index of the first screen row containing `text`.
pub fn row_of(rows: &[String], text: &str) -> Option<usize> {
    rows.iter().position(|r| r.contains(text))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs kembar with a private HOME, so no test can touch a real user's store.
pub fn kembar(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kembar"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("KEMBAR_DB")
        .env_remove("KEMBAR_CONFIG")
        .output()
        .expect("kembar runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An interchange file as JSON with its record lists in id order, for comparing two files
/// by what they hold rather than by their bytes (a file written by hand need not list
/// records in the order an export does). The stage list keeps its order: it is the
/// lifecycle's.
pub fn normalised_json(bytes: &[u8]) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
    for (list, key) in [
        ("tags", "id"),
        ("regions", "id"),
        ("partners", "id"),
        ("agreements", "id"),
        ("activities", "id"),
        ("attention", "agreement"),
    ] {
        if let Some(records) = value.get_mut(list).and_then(|v| v.as_array_mut()) {
            records.sort_by_key(|r| r[key].to_string());
        }
    }
    value
}

/// Where two JSON values first differ, as a path and the two values there (short).
pub fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    fn walk(a: &Value, b: &Value, path: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => walk(p, q, &format!("{path}/{k}")),
                    (p, q) => Some(format!("{path}/{k}: {p:?} vs {q:?}")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| walk(p, q, &format!("{path}[{i}]"))),
            _ if a == b => None,
            _ => {
                let short = |v: &Value| v.to_string().chars().take(120).collect::<String>();
                Some(format!("{path}: {} vs {}", short(a), short(b)))
            }
        }
    }
    walk(a, b, "")
}

/// A store in a temporary folder, loaded with the demo dataset.
pub fn demo_store() -> (tempfile::TempDir, kembar::store::Store) {
    let dir = tempfile::TempDir::new().unwrap();
    let store = kembar::store::Store::open(&dir.path().join("store"), "test").unwrap();
    let data = kembar::store::interchange::read_dataset(&fixture("demo.json")).unwrap();
    let actor = kembar::store::Actor::new("tester", "test");
    store
        .import(&data, "demo.json", kembar::store::ImportMode::Merge, &actor)
        .unwrap();
    (dir, store)
}
