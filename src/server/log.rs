//! The operator's log of `kembar serve`: one line per event on stderr.
//!
//! A text line is a UTC timestamp and `key=value` fields, values in double quotes when they
//! hold spaces, quotes or `=`:
//!
//! ```text
//! 2026-11-29T08:15:02.123Z event=login peer=10.1.2.3:50122 user=siti role=editor comment="siti at jateng"
//! ```
//!
//! With `--log-format json` the same fields make one JSON object per line, with `ts` and
//! `event` first. Every text value goes through the crate's one sanitiser
//! ([`display_safe`]) in both formats: login names, commands and key comments come from
//! clients or files, and an escape sequence among them must reach the operator's terminal
//! as harmless text.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::domain::text::display_safe;

/// How `kembar serve` writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// A timestamp and `key=value` fields, for people.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Chooses the format for the rest of the process; the first choice stays.
pub fn init(format: LogFormat) {
    let _ = FORMAT.set(format);
}

/// One field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(u64),
    Flag(bool),
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<&std::path::Path> for Value {
    fn from(v: &std::path::Path) -> Value {
        Value::Text(v.display().to_string())
    }
}

impl From<std::net::SocketAddr> for Value {
    fn from(v: std::net::SocketAddr) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Flag(v)
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Number(v as u64)
            }
        }
    )*};
}
numbers!(u64, u32, u16, usize);

/// Writes one event: `log_event!("login", user = name, role = "editor")`.
macro_rules! log_event {
    ($event:expr $(, $key:ident = $value:expr)* $(,)?) => {
        $crate::server::log::event(
            $event,
            &[$((stringify!($key), $crate::server::log::Value::from($value))),*],
        )
    };
}
pub(crate) use log_event;

/// Writes one event line to stderr, in one write so that lines from several threads never
/// interleave.
pub fn event(name: &str, fields: &[(&str, Value)]) {
    let format = FORMAT.get().copied().unwrap_or_default();
    let line = render(format, &timestamp(), name, fields);
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

fn timestamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// One line, newline included.
pub fn render(format: LogFormat, ts: &str, name: &str, fields: &[(&str, Value)]) -> String {
    let mut line = String::with_capacity(64 + fields.len() * 24);
    match format {
        LogFormat::Text => {
            line.push_str(ts);
            line.push_str(" event=");
            push_text_value(&mut line, name);
            for (key, value) in fields {
                line.push(' ');
                line.push_str(&display_safe(key));
                line.push('=');
                match value {
                    Value::Text(t) => push_text_value(&mut line, t),
                    Value::Number(n) => line.push_str(&n.to_string()),
                    Value::Flag(b) => line.push_str(if *b { "true" } else { "false" }),
                }
            }
        }
        LogFormat::Json => {
            line.push_str("{\"ts\":");
            push_json_string(&mut line, ts);
            line.push_str(",\"event\":");
            push_json_string(&mut line, name);
            for (key, value) in fields {
                line.push(',');
                push_json_string(&mut line, key);
                line.push(':');
                match value {
                    Value::Text(t) => push_json_string(&mut line, t),
                    Value::Number(n) => line.push_str(&n.to_string()),
                    Value::Flag(b) => line.push_str(if *b { "true" } else { "false" }),
                }
            }
            line.push('}');
        }
    }
    line.push('\n');
    line
}

fn push_text_value(line: &mut String, raw: &str) {
    let safe = display_safe(raw);
    let plain = !safe.is_empty()
        && !safe
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '=' | '\\'));
    if plain {
        line.push_str(&safe);
        return;
    }
    line.push('"');
    for c in safe.chars() {
        if matches!(c, '"' | '\\') {
            line.push('\\');
        }
        line.push(c);
    }
    line.push('"');
}

fn push_json_string(line: &mut String, raw: &str) {
    let safe = display_safe(raw);
    // Serialising a string cannot fail; the fallback only keeps the line well formed.
    match serde_json::to_string(safe.as_ref()) {
        Ok(quoted) => line.push_str(&quoted),
        Err(_) => line.push_str("\"\""),
    }
}

/// Keeps a flood from flooding the log: the first event is written at once, then at most
/// one per `every`, carrying how many were left out in between.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
    suppressed: u64,
}

impl Throttle {
    pub fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// `Some(n)` when this event should be written, `n` being how many were left out since
    /// the last one written; `None` when it should be left out.
    pub fn admit(&mut self) -> Option<u64> {
        let now = Instant::now();
        match self.last {
            Some(last) if now.duration_since(last) < self.every => {
                self.suppressed += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.suppressed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: &str = "2026-11-29T08:15:02.123Z";

    #[test]
    fn text_lines_quote_what_needs_it_and_neutralise_escapes() {
        let line = render(
            LogFormat::Text,
            TS,
            "login",
            &[
                ("user", Value::from("\u{1b}]0;owned\u{7}root\u{1b}[2J")),
                ("comment", Value::from("siti at \"jateng\"")),
                ("keys", Value::from(3usize)),
                ("empty", Value::from("")),
                ("ok", Value::from(true)),
            ],
        );
        assert!(
            !line
                .trim_end()
                .chars()
                .any(crate::domain::text::is_unsafe_char)
        );
        assert_eq!(line.lines().count(), 1);
        assert!(
            line.starts_with("2026-11-29T08:15:02.123Z event=login user="),
            "{line}"
        );
        assert!(line.contains(r#"comment="siti at \"jateng\"""#), "{line}");
        assert!(line.contains(" keys=3 "), "{line}");
        assert!(line.contains(" empty=\"\" "), "{line}");
        assert!(line.ends_with(" ok=true\n"), "{line}");
    }

    #[test]
    fn json_lines_parse_and_keep_the_field_order() {
        let line = render(
            LogFormat::Json,
            TS,
            "exec",
            &[
                ("command", Value::from("export\n\u{202e}x")),
                ("status", Value::from(0u32)),
            ],
        );
        assert_eq!(line.lines().count(), 1);
        assert!(!line.contains('\u{202e}'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["ts"], TS);
        assert_eq!(v["event"], "exec");
        assert_eq!(v["status"], 0);
        assert!(line.find("\"ts\"") < line.find("\"command\""));
    }

    #[test]
    fn a_throttle_counts_what_it_left_out() {
        let mut t = Throttle::new(Duration::from_secs(3600));
        assert_eq!(t.admit(), Some(0));
        assert_eq!(t.admit(), None);
        assert_eq!(t.admit(), None);
        t.last = Some(Instant::now() - Duration::from_secs(7200));
        assert_eq!(t.admit(), Some(2));
    }
}
