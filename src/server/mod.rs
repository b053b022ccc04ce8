//! `kembar serve`: one process owns the store and serves each SSH user a dashboard of their
//! own.
//!
//! The network side is russh on a small tokio runtime. Each shell gets a thread running the
//! same event loop as the local dashboard, fed with key events parsed from the client's bytes
//! and drawing into the SSH channel. Sessions share one catalog: a save patches it once and
//! every other session takes the new catalog between keys (the change feed), and the record
//! versions of the store catch edits that cross.

pub mod input;
pub mod keys;
mod session;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, Result};
use russh::MethodKind;
use russh::server::Server as _;

use crate::cli::Cli;
use crate::commands::Session;
use crate::domain::Catalog;
use crate::search::Index;
use crate::store::{Applied, Store};
use crate::tui::app::Action;
use crate::tui::theme::Theme;
use crate::tui::{Deliver, Indexer};

use keys::Keyring;

/// What a running session receives from its connection.
pub enum Input {
    Event(crossterm::event::Event),
    /// The client went away.
    Hangup,
}

/// One connected session, as the hub reaches it.
struct Peer {
    /// Results of background work and changes made by others.
    background: Sender<Action>,
}

/// What every session of a server shares.
pub struct Hub {
    store: Arc<Store>,
    catalog: Mutex<Arc<Catalog>>,
    peers: Arc<Mutex<HashMap<u64, Peer>>>,
    index: Arc<Mutex<Option<Arc<Index>>>>,
    indexer: Indexer,
    keyring: Mutex<Keyring>,
    theme: Theme,
    settings: Settings,
    next_id: AtomicU64,
}

/// The settings sessions start with.
#[derive(Clone)]
struct Settings {
    lang: crate::i18n::Lang,
    rules: crate::domain::HealthRules,
    /// `--today`, when given; otherwise each session takes the day it starts.
    today: Option<chrono::NaiveDate>,
    max_sessions: usize,
    /// A session with no key for this long is closed.
    idle: Duration,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Hub {
    /// Registers a session's channel unless the server is full.
    fn join(&self, background: Sender<Action>) -> Option<u64> {
        let mut peers = lock(&self.peers);
        if peers.len() >= self.settings.max_sessions {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        peers.insert(id, Peer { background });
        Some(id)
    }

    fn leave(&self, id: u64) {
        lock(&self.peers).remove(&id);
    }

    /// The role and comment the authorized-keys file gives a key, reading the file again if
    /// it changed.
    fn grant(&self, key: &russh::keys::PublicKey) -> Option<(keys::Role, String)> {
        let mut ring = lock(&self.keyring);
        for w in ring.refresh() {
            eprintln!("kembar: {w}");
        }
        ring.lookup(key).map(|g| (g.role, g.comment.clone()))
    }

    pub fn sessions(&self) -> usize {
        lock(&self.peers).len()
    }

    /// A session saved a change: patch the shared catalog once, hand it to every other
    /// session, and rebuild the search index.
    fn saved(&self, from: u64, by: &str, applied: &Applied) -> Arc<Catalog> {
        let shared = {
            let mut catalog = lock(&self.catalog);
            let next = Arc::make_mut(&mut catalog);
            crate::tui::app::patch(next, applied);
            // Another session's save may have reached the store after this one and the
            // catalog before it: take the summaries as the store holds them now.
            for (id, summary) in &applied.summaries {
                if summary.is_some()
                    && let Ok(Some(current)) = self.store.summary(*id)
                {
                    next.summaries.insert(*id, current);
                }
            }
            next.generation += 1;
            let shared = Arc::clone(&catalog);
            // Sent while the catalog is held, so sessions receive catalogs in order.
            for (id, peer) in lock(&self.peers).iter() {
                if *id != from {
                    let _ = peer.background.send(Action::Changed {
                        catalog: Arc::clone(&shared),
                        applied: Box::new(applied.clone()),
                        by: by.to_string(),
                    });
                }
            }
            shared
        };
        self.indexer.refresh(Arc::clone(&shared));
        shared
    }
}

/// Runs the server until it is stopped.
pub fn serve(
    cli: &Cli,
    listen: &str,
    authorized_keys: &Path,
    host_key: Option<&Path>,
) -> Result<()> {
    let keyring = Keyring::load(authorized_keys)?;
    for w in &keyring.warnings {
        eprintln!("kembar: {w}");
    }
    if keyring.is_empty() {
        eprintln!(
            "kembar: {} lists no usable key yet; nobody can connect until one is added (it is \
             read again when it changes)",
            authorized_keys.display()
        );
    }
    let host_path = match host_key {
        Some(p) => p.to_path_buf(),
        None => keys::default_host_key_path()
            .context("no data directory for the host key; pass --host-key PATH")?,
    };
    let host = keys::host_key(&host_path)?;
    let session = Session::open(cli, &format!("serve {listen}"))?;
    let (theme, warning) = Theme::resolve(
        session.theme.as_deref(),
        crate::config::themes_dir().as_deref(),
        false,
    );
    if let Some(w) = warning {
        eprintln!("kembar: {w}");
    }
    let catalog = Arc::new(session.store.load_catalog()?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;
    let peers: Arc<Mutex<HashMap<u64, Peer>>> = Arc::default();
    let index: Arc<Mutex<Option<Arc<Index>>>> = Arc::default();
    let deliver: Deliver = {
        let peers = Arc::clone(&peers);
        let index = Arc::clone(&index);
        Arc::new(move |action| {
            if let Action::IndexReady(ready) = &action {
                *lock(&index) = Some(Arc::clone(ready));
            }
            for peer in lock(&peers).values() {
                let _ = peer.background.send(action.clone());
            }
        })
    };
    let indexer = Indexer::new(
        Arc::clone(&session.store),
        session.lang,
        session.config.aliases.clone(),
        deliver,
    );
    indexer.refresh(Arc::clone(&catalog));
    let hub = Arc::new(Hub {
        store: Arc::clone(&session.store),
        catalog: Mutex::new(catalog),
        peers,
        index,
        indexer,
        keyring: Mutex::new(keyring),
        theme,
        settings: Settings {
            lang: session.lang,
            rules: session.config.health,
            today: cli.today,
            max_sessions: session.config.server.max_sessions,
            idle: Duration::from_secs(session.config.server.idle_timeout_minutes * 60),
        },
        next_id: AtomicU64::new(1),
    });
    // The sessions close themselves after `idle` without a key; russh's own timeout only
    // catches connections that went dead (keepalive replies and frames count as activity).
    let idle = Duration::from_secs(session.config.server.idle_timeout_minutes * 60 + 300);
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {listen}\nfix: choose a free port with --listen ADDR:PORT \
                     (ports below 1024 need privileges)"
                )
            })?;
        let addr = listener.local_addr()?;
        let ssh = format!("ssh -p {} NAME@{}", addr.port(), addr.ip());
        session
            .store
            .announce_server(&format!("serve {addr}"), ssh.clone());
        let keys = lock(&hub.keyring).len();
        println!(
            "kembar: serving {} on {addr} ({keys} key{}); connect with `{ssh}`",
            session.store.path().display(),
            if keys == 1 { "" } else { "s" },
        );
        let config = russh::server::Config {
            methods: russh::MethodSet::from(&[MethodKind::PublicKey][..]),
            keys: vec![host],
            inactivity_timeout: Some(idle),
            auth_rejection_time: Duration::from_millis(300),
            auth_rejection_time_initial: Some(Duration::ZERO),
            keepalive_interval: Some(Duration::from_secs(30)),
            nodelay: true,
            ..Default::default()
        };
        let mut server = session::Server {
            hub: Arc::clone(&hub),
            runtime: tokio::runtime::Handle::current(),
        };
        server
            .run_on_socket(Arc::new(config), &listener)
            .await
            .context("the server stopped")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
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

/// Answers `ssh -p PORT host COMMAND`: export, triage and report, as the command line would
/// print them, from the store the server holds. Returns the output, or a message and an
/// exit status.
pub fn exec(hub: &Hub, line: &str) -> Result<Vec<u8>, (String, u32)> {
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
    let failed = |e: anyhow::Error| (format!("kembar: {e:#}\n"), 1);
    match &cli.command {
        Some(Command::Export {
            output: Some(_), ..
        }) => Err(on_server("the export")),
        Some(Command::Export { format, .. }) => {
            let mut out = Vec::new();
            match format {
                ExportFormat::Json => {
                    let data = hub.store.export().map_err(|e| failed(e.into()))?;
                    crate::store::interchange::write_json(&data, &mut out)
                        .map_err(|e| failed(e.into()))?;
                }
                ExportFormat::Csv => crate::store::interchange::write_csv(&catalog, &mut out)
                    .map_err(|e| failed(e.into()))?,
                ExportFormat::Xlsx => {
                    let data = hub.store.export().map_err(|e| failed(e.into()))?;
                    out = crate::xlsx::write_dataset(&data).map_err(|e| failed(e.into()))?;
                }
            }
            Ok(out)
        }
        Some(Command::Triage { json, csv, limit }) => {
            crate::commands::triage_bytes(&catalog, judging, *json, *csv, *limit).map_err(failed)
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
            crate::commands::report_bytes(&catalog, judging, &request, *format).map_err(failed)
        }
        _ => Err((
            "kembar: over SSH kembar answers `export`, `triage` and `report`; connect without a \
             command for the dashboard\n"
                .into(),
            2,
        )),
    }
}
