//! Commands over SSH: `ssh -p PORT host export` (or `triage`, `report`, `brief`) prints what the same
//! command prints locally, from the store the server holds.
//!
//! An answer is first written to an unnamed temporary file, then sent from it in chunks no
//! faster than the client's window takes them, so a request holds a few hundred kilobytes
//! whatever the size of the store and however slowly the client reads. The JSON export is
//! written under the store's write lock (one consistent picture, no save lands halfway) but
//! the lock is let go before the first byte goes out; while the store is unchanged, further
//! exports are sent from the same file. Commands count in `max_sessions`, and at most
//! [`COMPUTING_AT_ONCE`] compute their answer at a time.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::ChannelId;
use russh::server::Handle;

use crate::store::stream::StreamError;

use super::keys::Role;
use super::log::log_event;
use super::session::Authed;
use super::{Hub, lock};

/// Commands computing their answer at once (the machine's cores are for the dashboards).
pub(super) const COMPUTING_AT_ONCE: usize = 2;
/// Bytes per SSH data message. russh moves up to 64 queued messages into its send buffer
/// before it waits for the socket, so this times 64 is what a connection may hold while the
/// client is slow to read.
const CHUNK: usize = 8 * 1024;
/// Bytes read from the temporary file at a time.
const BLOCK: usize = 16 * CHUNK;

/// An answer on disk, waiting to be sent.
#[derive(Clone)]
struct Spool {
    file: Arc<File>,
    len: u64,
}

impl Spool {
    /// A new unnamed temporary file: it disappears with its last reader.
    fn create() -> Result<File, String> {
        tempfile::tempfile().map_err(|e| spool_error(&e))
    }

    fn finish(file: File) -> Result<Spool, String> {
        let len = file.metadata().map_err(|e| spool_error(&e))?.len();
        Ok(Spool {
            file: Arc::new(file),
            len,
        })
    }

    /// Up to [`BLOCK`] bytes from `offset`, in chunks of [`CHUNK`].
    fn read(&self, offset: u64) -> std::io::Result<Vec<Vec<u8>>> {
        let want = (self.len.saturating_sub(offset)).min(BLOCK as u64) as usize;
        let mut block = vec![0u8; want];
        read_at(&self.file, &mut block, offset)?;
        Ok(block.chunks(CHUNK).map(<[u8]>::to_vec).collect())
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

fn spool_error(e: &std::io::Error) -> String {
    let dir = std::env::temp_dir();
    format!(
        "the server cannot write the answer to a temporary file in {}: {e}\nfix (for the \
         server's operator): free space there, or set TMPDIR for `kembar serve` to a folder \
         with room for one export",
        dir.display()
    )
}

/// The last JSON export and the store generation it shows.
#[derive(Default)]
pub(super) struct ExportCache {
    last: Mutex<Option<(u64, Spool)>>,
}

impl ExportCache {
    /// The export of the store as it is now: the last one while the store is unchanged,
    /// otherwise a new one.
    fn current(&self, hub: &Hub) -> Result<Spool, String> {
        // Held while writing: a second request waits for this export instead of making its
        // own.
        let mut last = lock(&self.last);
        if let (Some(now), Some((made, spool))) = (hub.store.generation(), last.as_ref())
            && now == *made
        {
            return Ok(spool.clone());
        }
        let file = Spool::create()?;
        let mut out = BufWriter::with_capacity(64 * 1024, &file);
        let generation = hub
            .store
            .export_json_to(&mut out)
            .and_then(|g| Ok(out.flush().map(|()| g)?))
            .map_err(|e| match e {
                StreamError::Write(e) => spool_error(&e),
                StreamError::Store(e) => e.to_string(),
            })?;
        drop(out);
        let spool = Spool::finish(file)?;
        *last = generation.map(|g| (g, spool.clone()));
        Ok(spool)
    }
}

/// Answers one command on its channel and writes the line that says how it went.
pub(super) async fn answer(
    hub: Arc<Hub>,
    peer: SocketAddr,
    user: Authed,
    line: String,
    handle: Handle,
    channel: ChannelId,
    cancel: Arc<AtomicBool>,
) {
    let started = Instant::now();
    // A client that stops reading for as long as a dashboard may sit idle loses its answer.
    let stall = hub.settings.idle;
    let (status, sent, problem) = match hub.join(None) {
        None => {
            log_event!(
                "session_refused",
                peer = peer,
                user = &user.name,
                reason = "the server is full",
                max_sessions = hub.settings.max_sessions,
            );
            let text = format!(
                "kembar: {} sessions are open, the most this server allows; try again later.\n",
                hub.settings.max_sessions
            );
            let _ =
                tokio::time::timeout(stall, handle.extended_data(channel, 1, text.into_bytes()))
                    .await;
            (1, 0, Some("the server is full".to_string()))
        }
        Some(_seat) => {
            let prepared = {
                let _turn = hub.computing.acquire().await;
                let (hub, line, asking) = (Arc::clone(&hub), line.clone(), user.clone());
                tokio::task::spawn_blocking(move || prepare(&hub, &line, &asking))
                    .await
                    .unwrap_or_else(|_| Err(("kembar: the command failed inside\n".into(), 1)))
            };
            match prepared {
                Ok(spool) => match send(&handle, channel, &spool, &cancel, stall).await {
                    Ok(sent) => (0, sent, None),
                    Err((sent, why)) => (1, sent, Some(why.to_string())),
                },
                Err((message, status)) => {
                    let _ = tokio::time::timeout(
                        stall,
                        handle.extended_data(channel, 1, message.clone().into_bytes()),
                    )
                    .await;
                    (status, 0, Some(message.trim_end().to_string()))
                }
            }
        }
    };
    let _ = tokio::time::timeout(stall, async {
        let _ = handle.exit_status_request(channel, status).await;
        let _ = handle.eof(channel).await;
        let _ = handle.close(channel).await;
    })
    .await;
    match problem {
        None => log_event!(
            "exec",
            peer = peer,
            user = &user.name,
            fingerprint = &user.fingerprint,
            command = &line,
            status = status,
            bytes = sent,
            ms = started.elapsed().as_millis() as u64,
        ),
        Some(problem) => log_event!(
            "exec",
            peer = peer,
            user = &user.name,
            fingerprint = &user.fingerprint,
            command = &line,
            status = status,
            bytes = sent,
            ms = started.elapsed().as_millis() as u64,
            problem = problem,
        ),
    }
}

/// Sends the spool in chunks, each waiting until the client's window takes it. Returns
/// the bytes sent, or how many went out before it stopped and why.
async fn send(
    handle: &Handle,
    channel: ChannelId,
    spool: &Spool,
    cancel: &AtomicBool,
    stall: Duration,
) -> Result<u64, (u64, &'static str)> {
    let mut offset = 0u64;
    while offset < spool.len {
        let (reader, at) = (spool.clone(), offset);
        let chunks = match tokio::task::spawn_blocking(move || reader.read(at)).await {
            Ok(Ok(chunks)) => chunks,
            _ => return Err((offset, "the temporary file could not be read")),
        };
        for chunk in chunks {
            if cancel.load(Ordering::SeqCst) {
                return Err((offset, "the client closed the channel"));
            }
            let len = chunk.len() as u64;
            match tokio::time::timeout(stall, handle.data(channel, chunk)).await {
                Ok(Ok(())) => offset += len,
                Ok(Err(_)) => return Err((offset, "the connection closed")),
                Err(_) => return Err((offset, "the client stopped reading")),
            }
        }
    }
    Ok(offset)
}

/// Splits a command line as a shell would for simple cases: words, and "quoted" or 'quoted'
/// words with spaces.
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// A backup of the store the server holds, into a spool. Saves by the dashboards wait for
/// it only while it starts and while it takes in what changed as it read the store.
fn backup(hub: &Hub, user: &Authed) -> Result<Spool, String> {
    let file = Spool::create()?;
    let mut out = BufWriter::with_capacity(256 * 1024, &file);
    let summary = match crate::store::backup::write_backup(&hub.store, &mut out)
        .map_err(|e| e.to_string())
        .and_then(|s| out.flush().map(|()| s).map_err(|e| spool_error(&e)))
    {
        Ok(summary) => summary,
        Err(e) => {
            log_event!(
                "error",
                user = &user.name,
                fingerprint = &user.fingerprint,
                during = "backup",
                reason = &e,
            );
            return Err(e);
        }
    };
    drop(out);
    let header = &summary.header;
    log_event!(
        "backup",
        user = &user.name,
        fingerprint = &user.fingerprint,
        records = header.counts.records(),
        agreements = header.counts.agreements,
        audit_entries = header.counts.audit_entries,
        generation = header.generation.unwrap_or_default(),
        bytes = summary.bytes,
        caught_up = summary.caught_up,
        saves_held_ms = summary.held.as_millis() as u64,
    );
    Spool::finish(file)
}

/// Works out the answer to a command line into a spool, or a message and an exit status.
fn prepare(hub: &Hub, line: &str, user: &Authed) -> Result<Spool, (String, u32)> {
    use crate::cli::{Cli, Command, ExportFormat};
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let words = split_words(line);
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("kembar".to_string()).chain(words))
        .map_err(|e| (e.render().to_string(), 2))?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| (e.render().to_string(), 2))?;
    // The server's own environment (KEMBAR_DB, KEMBAR_CONFIG) is not the user's asking.
    let typed = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    if typed("db") || cli.demo || typed("config") {
        return Err((
            "kembar: over SSH the server's store and settings are used; --db, --demo and \
             --config are not available\n"
                .into(),
            2,
        ));
    }
    let on_server = |what: &str| {
        (
            format!(
                "kembar: --output would write {what} on the server; redirect the output of the \
                 ssh command instead, e.g. `ssh ... export > kembar.json`\n"
            ),
            2,
        )
    };
    let settings = &hub.settings;
    let judging = crate::commands::Judging {
        today: cli
            .today
            .or(settings.today)
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        rules: settings.rules,
        lang: cli.lang.unwrap_or(settings.lang),
    };
    let catalog = Arc::clone(&lock(&hub.catalog));
    // Triage and the report show a past day as it stood (see `domain::asof`); the export
    // is the store itself.
    let as_of = cli.today.or(settings.today);
    let past = as_of.map(|day| catalog.as_of(day));
    let shown: &crate::domain::Catalog = past.as_ref().unwrap_or(&catalog);
    let failed = |e: String| (format!("kembar: {e}\n"), 1);
    // Writes an answer made in memory (triage, report: bounded by COMPUTING_AT_ONCE) to a
    // spool, so that the memory goes before the sending starts.
    let spooled = |bytes: anyhow::Result<Vec<u8>>| -> Result<Spool, (String, u32)> {
        let bytes = bytes.map_err(|e| failed(format!("{e:#}")))?;
        let mut file = Spool::create().map_err(failed)?;
        file.write_all(&bytes)
            .map_err(|e| failed(spool_error(&e)))?;
        drop(bytes);
        Spool::finish(file).map_err(failed)
    };
    match &cli.command {
        Some(Command::Export {
            output: Some(_), ..
        }) => Err(on_server("the export")),
        Some(Command::Export {
            format: ExportFormat::Json,
            ..
        }) => hub.exports.current(hub).map_err(failed),
        Some(Command::Export {
            format: ExportFormat::Csv,
            ..
        }) => {
            let file = Spool::create().map_err(failed)?;
            let mut out = BufWriter::with_capacity(64 * 1024, &file);
            crate::store::interchange::write_csv(&catalog, judging.today, &mut out)
                .map_err(|e| failed(e.to_string()))?;
            out.flush().map_err(|e| failed(spool_error(&e)))?;
            drop(out);
            Spool::finish(file).map_err(failed)
        }
        Some(Command::Triage { json, csv, limit }) => spooled(crate::commands::triage_bytes(
            shown, judging, *json, *csv, *limit,
        )),
        Some(Command::Trends { json, csv }) => {
            spooled(crate::commands::trends_bytes(shown, judging, *json, *csv))
        }
        Some(Command::Report {
            output: Some(_), ..
        }) => Err(on_server("the report")),
        Some(Command::Report {
            province,
            title,
            place,
            participants,
            format,
            ..
        }) => {
            let request = crate::report::Request {
                province: province.as_deref(),
                meeting: crate::report::Meeting::from_flags(title, place, participants),
            };
            spooled(crate::commands::report_bytes(
                shown, judging, &request, *format,
            ))
        }
        Some(Command::Backup { output: Some(o) }) if o.as_os_str() != "-" => {
            Err(on_server("the backup"))
        }
        Some(Command::Backup { .. }) if user.role != Role::Editor => Err((
            "kembar: a backup holds the whole audit trail (who changed what, with the records \
             before and after), so only an editor key may take one; `export` gives the \
             records to any key\n"
                .into(),
            1,
        )),
        Some(Command::Backup { .. }) => backup(hub, user).map_err(failed),
        Some(Command::Brief {
            output: Some(_), ..
        }) => Err(on_server("the brief")),
        Some(Command::Brief {
            agreement, format, ..
        }) => {
            let id =
                crate::commands::brief_target(shown, agreement, &settings.aliases, judging.lang)
                    .map_err(|e| failed(format!("{e:#}")))?;
            let activities = hub
                .store
                .activities_of(id)
                .map_err(|e| failed(e.to_string()))?;
            spooled(crate::commands::brief_bytes(
                shown,
                judging,
                id,
                &activities,
                *format,
            ))
        }
        _ => Err((
            "kembar: over SSH kembar answers `export`, `triage`, `trends`, `report`, `brief` and, \
             for an editor key, `backup`; connect without a command for the dashboard\n"
                .into(),
            2,
        )),
    }
}
