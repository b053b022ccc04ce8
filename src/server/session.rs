//! One SSH connection: authentication, the check every request passes, the pty, and the
//! thread that runs its dashboard.
//!
//! Whatever a client claims, a connection holds bounded memory: the terminal size is capped,
//! key events wait in a bounded queue (a client typing faster than its dashboard draws loses
//! its own keys, nobody else's), a paste is cut at [`PASTE_MAX`](super::input::PASTE_MAX)
//! bytes, and at most [`MAX_CHANNELS`] channels are open at once.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::tui::screen::{ColorChoice, ColorDepth, Screen, SizeSource};
use crossterm::event::Event;
use ratatui::Terminal;
use russh::keys::PublicKey;
use russh::server::{Auth, Handle, Msg, Session};
use russh::{Channel, ChannelId};
use tokio::sync::Notify;

use crate::store::Actor;
use crate::tui::model::{Action, Model, Start, update};
use crate::tui::{LoopEnv, event_loop};

use super::input::InputParser;
use super::keys::{Role, fingerprint};
use super::listen::{Kill, Slot};
use super::log::log_event;
use super::{Hub, lock};

/// How often a logged-in connection checks that its key is still authorized (requests
/// check at once).
pub(super) const REVIEW_GRANT: Duration = Duration::from_secs(5);
/// Channels open at once on one connection, as OpenSSH's `MaxSessions` default.
pub(super) const MAX_CHANNELS: usize = 10;
/// Key events waiting for a dashboard, at most.
const INPUT_EVENTS: usize = 1024;
/// Bytes of pasted text waiting for a dashboard, at most.
const INPUT_BYTES: usize = 1 << 20;
/// The largest terminal a client may claim: wider than a 4K screen in a small font, and a
/// bounded frame buffer (ratatui keeps two of cols x rows cells).
const MAX_COLS: u32 = 512;
const MAX_ROWS: u32 = 256;

/// Who authenticated on a connection.
#[derive(Debug, Clone)]
pub(super) struct Authed {
    /// The login name, as the client typed it (at most 64 characters).
    pub name: String,
    pub role: Role,
    /// The regions the key answers for; `None`: the whole country.
    pub scope: Option<crate::domain::access::Scope>,
    pub fingerprint: String,
    /// The comment of the key's line in the authorized-keys file, which the administrator
    /// wrote (the login name is whatever the client typed).
    pub comment: String,
    pub key: PublicKey,
}

impl Authed {
    fn role_name(&self) -> &'static str {
        match self.role {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
        }
    }

    /// The scope as the keys file writes it, or "all" for the whole country.
    pub fn scope_name(&self) -> String {
        self.scope
            .as_ref()
            .map_or_else(|| "all".to_string(), |s| s.describe())
    }

    /// What this key may change, as the dashboard and the store's change path check it.
    pub fn access(&self) -> crate::domain::access::Access {
        use crate::domain::access::{Access, Role as May};
        Access {
            role: match self.role {
                Role::Viewer => May::Viewer,
                Role::Editor => May::Editor,
            },
            scope: self.scope.clone(),
        }
    }
}

/// What a connection tried before it logged in, for the line that says why it did not.
#[derive(Debug, Default)]
struct Attempts {
    user: Option<String>,
    keys_offered: u32,
    methods: Vec<&'static str>,
}

/// What a connection's task, its SSH handler and its dashboard thread share.
pub(super) struct Link {
    pub peer: SocketAddr,
    /// Set once, when the client logs in.
    pub authed: OnceLock<Authed>,
    pub logged_in: Notify,
    /// Why the connection may no longer be used, once a check found its access gone.
    revoked: Mutex<Option<String>>,
    /// Asks the connection's task to check the key now (a request found it changed).
    pub review_now: Notify,
    /// Key events for the running dashboard; dropped when its channel ends.
    dashboard: Mutex<Option<InputTx>>,
    /// The dashboard thread has finished (its farewell is queued).
    pub dashboard_done: Notify,
    attempts: Mutex<Attempts>,
    pub kill: Arc<Kill>,
}

impl Link {
    pub fn new(peer: SocketAddr, kill: Arc<Kill>) -> Link {
        Link {
            peer,
            authed: OnceLock::new(),
            logged_in: Notify::new(),
            revoked: Mutex::new(None),
            review_now: Notify::new(),
            dashboard: Mutex::new(None),
            dashboard_done: Notify::new(),
            attempts: Mutex::new(Attempts::default()),
            kill,
        }
    }

    /// Why this connection may no longer be used, reading the keys file again if it
    /// changed; `None` while its key still has the role it logged in with.
    pub fn review(&self, hub: &Hub) -> Option<String> {
        if let Some(reason) = lock(&self.revoked).clone() {
            return Some(reason);
        }
        let user = self.authed.get()?;
        let reason = match hub.grant(&user.key) {
            Some(g) if g.role == user.role && g.scope == user.scope => return None,
            Some(g) if g.role == user.role => "the key's scope changed in the authorized keys file",
            Some(_) => "the key's role changed in the authorized keys file",
            None => "the key is no longer in the authorized keys file",
        };
        *lock(&self.revoked) = Some(reason.to_string());
        Some(reason.to_string())
    }

    /// Tells the running dashboard, if any, that access ended; true if one was running.
    pub fn end_dashboard(&self) -> bool {
        match lock(&self.dashboard).as_ref() {
            Some(tx) => {
                tx.shared.revoked.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// The dashboard's input ends: it sees its client gone once it has taken what came.
    fn hang_up(&self) {
        lock(&self.dashboard).take();
    }

    /// Writes the line for a connection that never logged in.
    pub fn log_refused(&self, why: Option<&str>) {
        let attempts = lock(&self.attempts);
        let reason = match why {
            Some(why) => why.to_string(),
            None if attempts.keys_offered > 0 => {
                "no key it offered is in the authorized keys file".to_string()
            }
            None if !attempts.methods.is_empty() => format!(
                "only public keys are accepted; it tried {}",
                attempts.methods.join(", ")
            ),
            None => "it closed the connection before logging in".to_string(),
        };
        log_event!(
            "login_refused",
            peer = self.peer,
            user = attempts.user.clone().unwrap_or_default(),
            keys_offered = attempts.keys_offered,
            reason = reason,
        );
    }
}

/// What a dashboard's queue shares between its two ends.
struct InputShared {
    /// Pasted bytes waiting.
    bytes: AtomicUsize,
    /// Access ended: the dashboard says so and closes.
    revoked: AtomicBool,
}

/// The connection's end of a dashboard's input queue.
pub(super) struct InputTx {
    tx: SyncSender<Event>,
    shared: Arc<InputShared>,
}

/// The dashboard's end.
struct InputRx {
    rx: Receiver<Event>,
    shared: Arc<InputShared>,
}

enum Received {
    Event(Event),
    Nothing,
    Revoked,
    Gone,
}

fn input_queue() -> (InputTx, InputRx) {
    let (tx, rx) = std::sync::mpsc::sync_channel(INPUT_EVENTS);
    let shared = Arc::new(InputShared {
        bytes: AtomicUsize::new(0),
        revoked: AtomicBool::new(false),
    });
    (
        InputTx {
            tx,
            shared: Arc::clone(&shared),
        },
        InputRx { rx, shared },
    )
}

fn weight(event: &Event) -> usize {
    match event {
        Event::Paste(text) => text.len(),
        _ => 0,
    }
}

impl InputTx {
    /// Queues an event unless the queue is full; a dropped event is the sender's own loss.
    fn send(&self, event: Event) -> bool {
        let weight = weight(&event);
        let before = self.shared.bytes.fetch_add(weight, Ordering::SeqCst);
        if before + weight > INPUT_BYTES && weight > 0 {
            self.shared.bytes.fetch_sub(weight, Ordering::SeqCst);
            return false;
        }
        match self.tx.try_send(event) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.shared.bytes.fetch_sub(weight, Ordering::SeqCst);
                false
            }
        }
    }
}

impl InputRx {
    fn recv_timeout(&self, wait: Duration) -> Received {
        if self.shared.revoked.load(Ordering::SeqCst) {
            return Received::Revoked;
        }
        match self.rx.recv_timeout(wait) {
            Ok(event) => {
                self.shared
                    .bytes
                    .fetch_sub(weight(&event), Ordering::SeqCst);
                Received::Event(event)
            }
            Err(RecvTimeoutError::Timeout) => Received::Nothing,
            Err(RecvTimeoutError::Disconnected) => Received::Gone,
        }
    }
}

/// What one channel of a connection is for.
enum Use {
    /// Opened, nothing asked yet.
    Fresh,
    Shell,
    /// A command; set when the client closes the channel, so its answer stops.
    Exec(Arc<AtomicBool>),
}

/// The SSH side of one connection.
pub(super) struct Connection {
    hub: Arc<Hub>,
    runtime: tokio::runtime::Handle,
    link: Arc<Link>,
    /// Counts this connection among those not logged in, until it logs in.
    slot: Option<Slot>,
    /// The channel of the dashboard: one per connection.
    shell: Option<ChannelId>,
    channels: HashMap<ChannelId, Use>,
    /// Columns and rows, from the pty request and window changes.
    size: Arc<Mutex<(u16, u16)>>,
    /// The client's `TERM` (from its pty request) and `COLORTERM` (if it sends it), which
    /// decide the colours its dashboard is drawn in.
    term: Option<String>,
    colorterm: Option<String>,
    parser: InputParser,
}

impl Connection {
    pub fn new(
        hub: Arc<Hub>,
        runtime: tokio::runtime::Handle,
        link: Arc<Link>,
        slot: Slot,
    ) -> Connection {
        Connection {
            hub,
            runtime,
            link,
            slot: Some(slot),
            shell: None,
            channels: HashMap::new(),
            size: Arc::new(Mutex::new((80, 24))),
            term: None,
            colorterm: None,
            parser: InputParser::default(),
        }
    }

    /// The logged-in user, if the key still has the role it logged in with. A key taken out
    /// of the file or given another role gets nothing more on this connection, which its
    /// task then closes.
    fn allowed(&self, request: &str) -> Option<Authed> {
        let user = self.link.authed.get()?;
        match self.link.review(&self.hub) {
            None => Some(user.clone()),
            Some(reason) => {
                log_event!(
                    "request_refused",
                    peer = self.link.peer,
                    user = &user.name,
                    fingerprint = &user.fingerprint,
                    request = request,
                    reason = reason,
                );
                self.link.review_now.notify_one();
                None
            }
        }
    }

    fn note_attempt(&self, user: &str, method: &'static str) {
        let mut attempts = lock(&self.link.attempts);
        attempts.user = Some(user.chars().take(64).collect());
        if !attempts.methods.contains(&method) {
            attempts.methods.push(method);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.link.hang_up();
        for usage in self.channels.values() {
            if let Use::Exec(cancel) = usage {
                cancel.store(true, Ordering::SeqCst);
            }
        }
    }
}

fn clamp(n: u32, max: u32) -> u16 {
    n.clamp(1, max) as u16
}

impl russh::server::Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        self.note_attempt(user, "none");
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.note_attempt(user, "password");
        Ok(Auth::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.note_attempt(user, "keyboard-interactive");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        self.note_attempt(user, "publickey");
        lock(&self.link.attempts).keys_offered += 1;
        Ok(match self.hub.grant(offer.public_key) {
            Some(_) => Auth::Accept,
            None => Auth::reject(),
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let Some(grant) = self.hub.grant(key.public_key) else {
            return Ok(Auth::reject());
        };
        let authed = Authed {
            name: user.chars().take(64).collect(),
            role: grant.role,
            scope: grant.scope,
            fingerprint: fingerprint(key.public_key),
            comment: grant.comment,
            key: key.public_key.clone(),
        };
        log_event!(
            "login",
            peer = self.link.peer,
            user = &authed.name,
            role = authed.role_name(),
            scope = authed.scope_name(),
            fingerprint = &authed.fingerprint,
            comment = &authed.comment,
        );
        if self.link.authed.set(authed).is_ok() {
            // No longer counted among the connections that have not logged in.
            self.slot = None;
            self.link.logged_in.notify_one();
        }
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.allowed("channel").is_none() {
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        if self.channels.len() >= MAX_CHANNELS {
            reply
                .reject(russh::ChannelOpenFailure::ResourceShortage)
                .await;
            return Ok(());
        }
        self.channels.insert(channel.id(), Use::Fresh);
        // Everything arrives through the handler; the channel object is not read.
        drop(channel);
        reply.accept().await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The size belongs to the one dashboard: a pty on a command's channel leaves it.
        if matches!(self.channels.get(&channel), Some(Use::Fresh)) && self.shell.is_none() {
            *lock(&self.size) = (clamp(cols, MAX_COLS), clamp(rows, MAX_ROWS));
            self.term = Some(term.chars().take(64).collect());
        }
        session.channel_success(channel)?;
        Ok(())
    }

    /// `COLORTERM` is the only variable taken, and only for the colours of the dashboard;
    /// the others (`LANG`...) are refused, as OpenSSH's server refuses those not accepted.
    async fn env_request(
        &mut self,
        channel: ChannelId,
        variable_name: &str,
        variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if variable_name == "COLORTERM"
            && matches!(self.channels.get(&channel), Some(Use::Fresh))
            && self.shell.is_none()
        {
            self.colorterm = Some(variable_value.chars().take(32).collect());
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.shell != Some(channel) {
            return Ok(());
        }
        let (cols, rows) = (clamp(cols, MAX_COLS), clamp(rows, MAX_ROWS));
        *lock(&self.size) = (cols, rows);
        if let Some(tx) = lock(&self.link.dashboard).as_ref() {
            tx.send(Event::Resize(cols, rows));
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(user) = self.allowed("shell") else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        // One dashboard per connection (commands over a shared connection are fine).
        if self.shell.is_some() || !matches!(self.channels.get(&channel), Some(Use::Fresh)) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        self.shell = Some(channel);
        self.channels.insert(channel, Use::Shell);
        session.channel_success(channel)?;
        let (input_tx, input_rx) = input_queue();
        *lock(&self.link.dashboard) = Some(input_tx);
        let handle = session.handle();
        let hub = Arc::clone(&self.hub);
        let link = Arc::clone(&self.link);
        let runtime = self.runtime.clone();
        let size = Arc::clone(&self.size);
        let depth = ColorDepth::detect(
            ColorChoice::Auto,
            self.term.as_deref(),
            self.colorterm.as_deref(),
            false,
        );
        let spawned = std::thread::Builder::new()
            .name("kembar-ssh".into())
            .spawn(move || {
                let terminal = ClientTerminal { size, depth };
                dashboard(
                    &hub, &link, &user, terminal, handle, channel, runtime, input_rx,
                );
                link.hang_up();
                link.dashboard_done.notify_one();
            });
        if let Err(e) = spawned {
            log_event!(
                "error",
                peer = self.link.peer,
                what = "cannot start a session thread",
                error = e.to_string(),
            );
            self.link.hang_up();
            let _ = session.data(
                channel,
                b"kembar: the server cannot start a session now; try again later.\r\n".to_vec(),
            );
            let _ = session.close(channel);
        }
        Ok(())
    }

    /// `ssh -p PORT host export` (or `triage`, `report`): the output, then the exit status.
    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(user) = self.allowed("exec") else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        if !matches!(self.channels.get(&channel), Some(Use::Fresh)) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.channels
            .insert(channel, Use::Exec(Arc::clone(&cancel)));
        session.channel_success(channel)?;
        let line = String::from_utf8_lossy(data).into_owned();
        tokio::spawn(super::exec::answer(
            Arc::clone(&self.hub),
            self.link.peer,
            user,
            line,
            session.handle(),
            channel,
            cancel,
        ));
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Only the dashboard reads its input; what is typed into a command is not read.
        if self.shell != Some(channel) {
            return Ok(());
        }
        let events = self.parser.feed(data);
        if let Some(tx) = lock(&self.link.dashboard).as_ref() {
            for event in events {
                tx.send(event);
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.shell == Some(channel) {
            self.link.hang_up();
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.shell == Some(channel) {
            self.link.hang_up();
        }
        if let Some(Use::Exec(cancel)) = self.channels.remove(&channel) {
            cancel.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// How a session that ended because its client left reports itself.
const CLOSED: &str = "the connection closed";

/// The terminal a client's dashboard is drawn for.
struct ClientTerminal {
    size: Arc<Mutex<(u16, u16)>>,
    depth: ColorDepth,
}

/// Why a dashboard ended.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Quit,
    Idle,
    AccessChanged,
    Hangup,
}

impl Ending {
    fn name(self) -> &'static str {
        match self {
            Ending::Quit => "quit",
            Ending::Idle => "idle",
            Ending::AccessChanged => "access changed",
            Ending::Hangup => "client left",
        }
    }
}

/// Tells the hub about this session's saves.
struct SessionHub<'a> {
    hub: &'a Hub,
    id: u64,
    user: String,
}

impl crate::tui::Hub for SessionHub<'_> {
    fn saved(&self, applied: &crate::store::Applied) -> Arc<crate::domain::Catalog> {
        self.hub.saved(self.id, &self.user, applied)
    }
}

/// The thread of one dashboard: a seat in the hub, the session, and the lines that say how
/// it went.
#[allow(clippy::too_many_arguments)]
fn dashboard(
    hub: &Hub,
    link: &Link,
    user: &Authed,
    terminal: ClientTerminal,
    handle: Handle,
    channel: ChannelId,
    runtime: tokio::runtime::Handle,
    input: InputRx,
) {
    let (background_tx, background_rx) = std::sync::mpsc::channel::<Action>();
    let close = || {
        let _ = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), handle.close(channel)).await
        });
    };
    let Some(seat) = hub.join(Some(background_tx)) else {
        log_event!(
            "session_refused",
            peer = link.peer,
            user = &user.name,
            reason = "the server is full",
            max_sessions = hub.settings.max_sessions,
        );
        let text = format!(
            "kembar: {} sessions are open, the most this server allows; try again later.\r\n",
            hub.settings.max_sessions
        );
        let _ = runtime.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(5),
                handle.data(channel, text.into_bytes()),
            )
            .await
        });
        close();
        return;
    };
    let id = seat.id;
    let started = Instant::now();
    log_event!(
        "session_start",
        session = id,
        peer = link.peer,
        user = &user.name,
        role = user.role_name(),
        scope = user.scope_name(),
        fingerprint = &user.fingerprint,
        size = {
            let (cols, rows) = *lock(&terminal.size);
            format!("{cols}x{rows}")
        },
        colors = format!("{:?}", terminal.depth),
    );
    let writer = ChannelWriter {
        handle: handle.clone(),
        channel,
        runtime: runtime.clone(),
        buffer: Vec::new(),
    };
    // A panic in one session must not take the server down with it.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_session(hub, id, user, terminal, writer, input, background_rx)
    }));
    let seconds = started.elapsed().as_secs();
    match outcome {
        Ok(Ok(ending)) => log_event!(
            "session_end",
            session = id,
            user = &user.name,
            reason = ending.name(),
            seconds = seconds,
        ),
        Ok(Err(e)) => log_event!(
            "session_end",
            session = id,
            user = &user.name,
            reason = "error",
            error = format!("{e:#}"),
            seconds = seconds,
        ),
        Err(_) => log_event!(
            "session_end",
            session = id,
            user = &user.name,
            reason = "error",
            error = "the session failed inside",
            seconds = seconds,
        ),
    }
    drop(seat);
    close();
}

/// The dashboard of one SSH session, until the user quits or the connection drops.
fn run_session(
    hub: &Hub,
    id: u64,
    user: &Authed,
    client: ClientTerminal,
    mut writer: ChannelWriter,
    input: InputRx,
    background: Receiver<Action>,
) -> anyhow::Result<Ending> {
    use crossterm::{cursor, event, execute, terminal};
    execute!(
        writer,
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste,
        cursor::Hide
    )?;
    let backend = Screen::new(writer, SizeSource::Shared(client.size), client.depth);
    let mut terminal = Terminal::new(backend)?;
    let monochrome = crate::tui::theme::Theme::monochrome();
    let theme = if client.depth == ColorDepth::None {
        &monochrome
    } else {
        &hub.theme
    };
    let settings = &hub.settings;
    let today = settings
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let catalog = Arc::clone(&lock(&hub.catalog));
    let access = user.access();
    let start = Start {
        brief_to: crate::tui::model::BriefTo::Screen,
        today,
        as_of: settings.today,
        rules: settings.rules,
        lang: settings.lang,
        access,
        aliases: settings.aliases.clone(),
    };
    let (mut model, effects) = Model::shared(catalog, start);
    if let Some(index) = lock(&hub.index).clone() {
        update(&mut model, Action::IndexReady(index));
    }
    let mut via = if user.comment.is_empty() {
        format!("ssh {}", user.fingerprint)
    } else {
        format!("ssh {} ({})", user.fingerprint, user.comment)
    };
    if let Some(scope) = &user.scope {
        via.push_str(&format!(" scope {}", scope.describe()));
    }
    let actor = Actor {
        user: user.name.clone(),
        via,
        access: user.access(),
    };
    let refresh = |catalog| hub.indexer.refresh(catalog);
    let session_hub = SessionHub {
        hub,
        id,
        user: user.name.clone(),
    };
    let env = LoopEnv {
        theme,
        store: &hub.store,
        background: &background,
        exit_after_first_frame: false,
        actor: &actor,
        refresh_index: &refresh,
        hub: Some(&session_hub),
    };
    let mut last_key = Instant::now();
    let mut farewell = None;
    let mut ending = Ending::Hangup;
    let result = event_loop(&mut terminal, &mut model, &env, effects, |wait| {
        match input.recv_timeout(wait) {
            Received::Event(e) => {
                if matches!(e, Event::Key(_) | Event::Paste(_)) {
                    last_key = Instant::now();
                }
                Ok(Some(e))
            }
            Received::Nothing => {
                if last_key.elapsed() >= settings.idle {
                    let minutes = settings.idle.as_secs() / 60;
                    farewell = Some(format!(
                        "kembar: closed after {minutes} minute{} without a key.",
                        if minutes == 1 { "" } else { "s" }
                    ));
                    ending = Ending::Idle;
                    return Err(anyhow::anyhow!(CLOSED));
                }
                Ok(None)
            }
            // The key was taken out of the authorized-keys file or given another role: the
            // connection's task closes the whole connection once this farewell is out.
            Received::Revoked => {
                farewell =
                    Some("kembar: your access to this server changed; connect again.".into());
                ending = Ending::AccessChanged;
                Err(anyhow::anyhow!(CLOSED))
            }
            Received::Gone => Err(anyhow::anyhow!(CLOSED)),
        }
    });
    let out = terminal.backend_mut();
    let _ = execute!(
        out,
        cursor::Show,
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen
    );
    if let Some(text) = farewell {
        let _ = write!(out, "{text}\r\n");
        let _ = Write::flush(out);
    }
    match result {
        Ok(()) => Ok(Ending::Quit),
        Err(e) if e.to_string() == CLOSED => Ok(ending),
        Err(e) => Err(e),
    }
}

/// Bytes for the SSH channel, sent when ratatui flushes a frame.
struct ChannelWriter {
    handle: Handle,
    channel: ChannelId,
    runtime: tokio::runtime::Handle,
    buffer: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buffer);
        // Waits while the client is slow to read: only this session waits.
        let (handle, channel) = (&self.handle, self.channel);
        let sent = self.runtime.block_on(async move {
            tokio::time::timeout(Duration::from_secs(30), handle.data(channel, bytes)).await
        });
        match sent {
            Ok(Ok(())) => Ok(()),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the SSH client stopped reading",
            )),
        }
    }
}
