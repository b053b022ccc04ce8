//! `kembar serve`: one process owns the store and serves each SSH user a dashboard of their
//! own.
//!
//! The network side is russh on a small tokio runtime, behind an accept loop of our own
//! ([`listen`]) that no accept error can end and that caps connections which have not logged
//! in. Each shell gets a thread running the same event loop as the local dashboard, fed with
//! key events parsed from the client's bytes and drawing into the SSH channel. Sessions
//! share one catalog: a save patches it once and every other session takes the new catalog
//! between keys (the change feed), and the record versions of the store catch edits that
//! cross. Commands over SSH ([`exec`]) are answered from a temporary file, in chunks the
//! client's window allows. Everything an operator should know goes to the log ([`log`]).

mod exec;
pub mod input;
pub mod keys;
mod listen;
pub mod log;
mod session;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, Result};
use russh::MethodKind;

use crate::cli::Cli;
use crate::commands::Session;
use crate::domain::Catalog;
use crate::search::Index;
use crate::store::{Applied, Store};
use crate::tui::model::Action;
use crate::tui::theme::Theme;
use crate::tui::{Deliver, Indexer};

use keys::{Keyring, Refresh};
use log::{LogFormat, log_event};

/// One session of the hub: a dashboard, or a command over SSH.
struct Peer {
    /// Results of background work and changes made by others; `None` for a command, which
    /// only reads.
    background: Option<Sender<Action>>,
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
    /// The last JSON export, kept on disk while the store is unchanged.
    exports: exec::ExportCache,
    /// Commands computing their answer at once; more wait their turn.
    computing: tokio::sync::Semaphore,
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
    /// Extra search terms from the config file.
    aliases: std::collections::BTreeMap<String, String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A place in the hub, given back when dropped.
struct Seat<'a> {
    hub: &'a Hub,
    id: u64,
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        lock(&self.hub.peers).remove(&self.id);
    }
}

impl Hub {
    /// A place for a dashboard (with its feed of changes) or a command, unless the server
    /// is full: both count in `max_sessions`.
    fn join(&self, background: Option<Sender<Action>>) -> Option<Seat<'_>> {
        let mut peers = lock(&self.peers);
        if peers.len() >= self.settings.max_sessions {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        peers.insert(id, Peer { background });
        Some(Seat { hub: self, id })
    }

    /// The role, scope and comment the authorized-keys file gives a key, reading the file
    /// again if it changed.
    fn grant(&self, key: &russh::keys::PublicKey) -> Option<keys::Grant> {
        let mut ring = lock(&self.keyring);
        match ring.refresh() {
            Refresh::Unchanged => {}
            Refresh::Reloaded { keys } => {
                log_event!("keys_reloaded", path = ring.path(), keys = keys);
                for w in &ring.warnings {
                    log_event!("keys_warning", message = w);
                }
            }
            Refresh::Unreadable(e) => {
                log_event!(
                    "keys_unreadable",
                    path = ring.path(),
                    error = e,
                    effect = "nobody can log in until it is readable again"
                );
            }
        }
        ring.lookup(key).cloned()
    }

    pub fn sessions(&self) -> usize {
        lock(&self.peers).len()
    }

    /// A session saved a change: patch the shared catalog once, hand it to every other
    /// session, and rebuild the search index.
    fn saved(&self, from: u64, by: &str, applied: &Applied) -> Arc<Catalog> {
        log_event!(
            "save",
            session = from,
            user = by,
            action = &applied.entry.action,
            record = &applied.entry.record,
            seq = applied.entry.seq,
        );
        let shared = {
            let mut catalog = lock(&self.catalog);
            let next = Arc::make_mut(&mut catalog);
            next.patch(&applied.change, &applied.versions, &applied.summaries);
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
                if *id != from
                    && let Some(background) = &peer.background
                {
                    let _ = background.send(Action::Changed {
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
    log_format: LogFormat,
) -> Result<()> {
    log::init(log_format);
    let session = Session::open_quietly(cli, &format!("serve {listen}"))?;
    // What opening did (a migration and the backup taken before it, a damaged file set
    // aside) goes to the log like every other event.
    for notice in session.store.notices() {
        log_event!("store_notice", message = notice);
    }
    let catalog = Arc::new(session.store.load_catalog()?);
    // Scopes name regions: a key whose scope names one the store lacks is left out.
    let regions = catalog.regions.iter().map(|r| r.id.clone()).collect();
    let keyring = Keyring::load_for(authorized_keys, Some(regions))?;
    for w in &keyring.warnings {
        log_event!("keys_warning", message = w);
    }
    if keyring.is_empty() {
        log_event!(
            "keys_empty",
            path = authorized_keys,
            effect = "nobody can log in until a key is added; the file is read again when it \
                      changes",
        );
    }
    let host_path = match host_key {
        Some(p) => p.to_path_buf(),
        None => keys::default_host_key_path()
            .context("no data directory for the host key; pass --host-key PATH")?,
    };
    let host = keys::host_key(&host_path)?;
    // Local kembar commands of the server's user (`kembar report`, `kembar export`...)
    // are answered from the store it holds.
    #[cfg(unix)]
    let _owner = {
        let notify: std::sync::Arc<dyn Fn(crate::owner::Event) + Send + Sync> =
            std::sync::Arc::new(|event| match event {
                crate::owner::Event::Answered { command, ok, bytes } => log_event!(
                    "local_command",
                    command = command,
                    status = if ok { 0u32 } else { 1 },
                    bytes = bytes,
                ),
                crate::owner::Event::Refused { uid } => log_event!(
                    "local_refused",
                    uid = uid.map_or_else(|| "unknown".to_string(), |u| u.to_string()),
                    reason = "another user",
                ),
            });
        match crate::owner::Listener::start(Arc::clone(&session.store), Some(notify)) {
            Ok(listener) => Some(listener),
            Err(e) => {
                log_event!(
                    "local_socket_error",
                    store = session.store.path(),
                    error = e.to_string(),
                    effect = "local kembar commands find the store busy",
                );
                None
            }
        }
    };
    let (theme, warning) = Theme::resolve(
        session.theme.as_deref(),
        crate::config::themes_dir().as_deref(),
        false,
    );
    if let Some(w) = warning {
        log_event!("theme_warning", message = w);
    }
    listen::raise_open_file_limit();
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
                if let Some(background) = &peer.background {
                    let _ = background.send(action.clone());
                }
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
    let server = &session.config.server;
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
            max_sessions: server.max_sessions,
            idle: Duration::from_secs(server.idle_timeout_minutes * 60),
            aliases: session.config.aliases.clone(),
        },
        next_id: AtomicU64::new(1),
        exports: exec::ExportCache::default(),
        computing: tokio::sync::Semaphore::new(exec::COMPUTING_AT_ONCE),
    });
    let limits = listen::Limits {
        max_unauthenticated: server.max_unauthenticated,
        auth_timeout: Duration::from_secs(server.auth_timeout_seconds),
    };
    // The sessions close themselves after `idle` without a key; russh's own timeout only
    // catches connections that went dead (keepalive replies and frames count as activity).
    let idle = Duration::from_secs(server.idle_timeout_minutes * 60 + 300);
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
        log_event!(
            "start",
            version = env!("CARGO_PKG_VERSION"),
            listen = addr,
            store = session.store.path(),
            keys = keys,
            max_sessions = server.max_sessions,
            max_unauthenticated = server.max_unauthenticated,
            auth_timeout_seconds = server.auth_timeout_seconds,
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
        listen::run(
            Arc::clone(&hub),
            Arc::new(config),
            listener,
            limits,
            tokio::runtime::Handle::current(),
        )
        .await;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
}
