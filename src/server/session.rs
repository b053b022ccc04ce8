//! One SSH connection: authentication, the pty, and the thread that runs its dashboard.

use std::io::Write;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use russh::keys::PublicKey;
use russh::server::{Auth, Handle, Msg, Session};
use russh::{Channel, ChannelId};

use crate::store::Actor;
use crate::tui::model::{Action, Model, Start, update};
use crate::tui::{LoopEnv, event_loop};

use super::keys::{Role, fingerprint};
use super::{Hub, Input, lock};

/// Hands each new connection a handler.
pub struct Server {
    pub hub: Arc<Hub>,
    pub runtime: tokio::runtime::Handle,
}

impl russh::server::Server for Server {
    type Handler = Connection;

    fn new_client(&mut self, _peer: Option<std::net::SocketAddr>) -> Connection {
        Connection {
            hub: Arc::clone(&self.hub),
            runtime: self.runtime.clone(),
            user: None,
            shell: false,
            size: Arc::new(Mutex::new((80, 24))),
            input: None,
            parser: super::input::InputParser::default(),
        }
    }
}

/// Who authenticated on a connection.
#[derive(Debug, Clone)]
struct Authed {
    name: String,
    role: Role,
    fingerprint: String,
    /// The comment of the key's line in the authorized-keys file, which the administrator
    /// wrote (the login name is whatever the client typed).
    comment: String,
    key: PublicKey,
}

pub struct Connection {
    hub: Arc<Hub>,
    runtime: tokio::runtime::Handle,
    user: Option<Authed>,
    /// A dashboard runs on this connection already; commands may still open channels.
    shell: bool,
    /// Columns and rows, from the pty request and window changes.
    size: Arc<Mutex<(u16, u16)>>,
    /// Key events for the running dashboard.
    input: Option<Sender<Input>>,
    parser: super::input::InputParser,
}

impl Connection {
    /// The grant for a key, reading the authorized-keys file again if it changed.
    fn grant(&self, key: &PublicKey) -> Option<(Role, String)> {
        self.hub.grant(key)
    }

    fn send(&self, input: Input) {
        if let Some(tx) = &self.input {
            let _ = tx.send(input);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.send(Input::Hangup);
    }
}

fn clamp(n: u32) -> u16 {
    n.clamp(1, 1000) as u16
}

impl russh::server::Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.grant(offer.public_key) {
            Some(_) => Auth::Accept,
            None => Auth::reject(),
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        match self.grant(key.public_key) {
            Some((role, comment)) => {
                self.user = Some(Authed {
                    name: user.chars().take(64).collect(),
                    role,
                    fingerprint: fingerprint(key.public_key),
                    comment,
                    key: key.public_key.clone(),
                });
                Ok(Auth::Accept)
            }
            None => Ok(Auth::reject()),
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.user.is_none() {
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        drop(channel);
        reply.accept().await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        *lock(&self.size) = (clamp(cols), clamp(rows));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = (clamp(cols), clamp(rows));
        *lock(&self.size) = (cols, rows);
        self.send(Input::Event(Event::Resize(cols, rows)));
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One dashboard per connection (commands over a shared connection are fine).
        let Some(user) = self.user.clone().filter(|_| !self.shell) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        self.shell = true;
        session.channel_success(channel)?;
        let (input_tx, input_rx) = std::sync::mpsc::channel::<Input>();
        let (background_tx, background_rx) = std::sync::mpsc::channel::<Action>();
        let handle = session.handle();
        let Some(id) = self.hub.join(background_tx) else {
            let text = format!(
                "kembar: {} coordinators are connected, the most this server allows; try again \
                 later.\r\n",
                self.hub.settings.max_sessions
            );
            let _ = session.data(channel, text.into_bytes());
            let _ = session.close(channel);
            return Ok(());
        };
        self.input = Some(input_tx);
        let hub = Arc::clone(&self.hub);
        let runtime = self.runtime.clone();
        let size = Arc::clone(&self.size);
        std::thread::Builder::new()
            .name(format!("kembar-ssh-{id}"))
            .spawn(move || {
                let writer = ChannelWriter {
                    handle: handle.clone(),
                    channel,
                    runtime: runtime.clone(),
                    buffer: Vec::new(),
                };
                // A panic in one session must not take the server down with it.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_session(&hub, id, &user, size, writer, input_rx, background_rx)
                }));
                match outcome {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) if e.to_string() == CLOSED => {}
                    Ok(Err(e)) => eprintln!("kembar: session {id} ({}): {e:#}", user.name),
                    Err(_) => eprintln!("kembar: session {id} ({}) failed inside", user.name),
                }
                hub.leave(id);
                let _ = runtime.block_on(handle.close(channel));
            })?;
        Ok(())
    }

    /// `ssh -p PORT host export` (or `triage`, `report`): the output, then the exit status.
    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.user.is_none() {
            session.channel_failure(channel)?;
            return Ok(());
        }
        session.channel_success(channel)?;
        let line = String::from_utf8_lossy(data).into_owned();
        let hub = Arc::clone(&self.hub);
        let handle = session.handle();
        tokio::spawn(async move {
            let answer = tokio::task::spawn_blocking(move || super::exec(&hub, &line))
                .await
                .unwrap_or_else(|_| Err(("kembar: the command failed inside\n".into(), 1)));
            let status = match answer {
                Ok(bytes) => {
                    for chunk in bytes.chunks(32 * 1024) {
                        if handle.data(channel, chunk.to_vec()).await.is_err() {
                            return;
                        }
                    }
                    0
                }
                Err((message, status)) => {
                    let _ = handle.extended_data(channel, 1, message.into_bytes()).await;
                    status
                }
            };
            let _ = handle.exit_status_request(channel, status).await;
            let _ = handle.eof(channel).await;
            let _ = handle.close(channel).await;
        });
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        for event in self.parser.feed(data) {
            self.send(Input::Event(event));
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.send(Input::Hangup);
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.send(Input::Hangup);
        Ok(())
    }
}

/// How a session that ended because its client left reports itself.
const CLOSED: &str = "the connection closed";

/// How often a session checks that its key is still authorized.
const REVIEW_GRANT: Duration = Duration::from_secs(5);

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

/// The dashboard of one SSH session, until the user quits or the connection drops.
fn run_session(
    hub: &Hub,
    id: u64,
    user: &Authed,
    size: Arc<Mutex<(u16, u16)>>,
    mut writer: ChannelWriter,
    input: Receiver<Input>,
    background: Receiver<Action>,
) -> anyhow::Result<()> {
    use crossterm::{cursor, event, execute, terminal};
    execute!(
        writer,
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste,
        cursor::Hide
    )?;
    let backend = SshBackend {
        inner: CrosstermBackend::new(writer),
        size,
    };
    let mut terminal = Terminal::new(backend)?;
    let settings = &hub.settings;
    let today = settings
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let catalog = Arc::clone(&lock(&hub.catalog));
    let access = match user.role {
        Role::Viewer => crate::domain::access::Access::viewer(),
        Role::Editor => crate::domain::access::Access::full(),
    };
    let start = Start {
        today,
        rules: settings.rules,
        lang: settings.lang,
        access,
        aliases: settings.aliases.clone(),
    };
    let (mut model, effects) = Model::shared(catalog, start);
    if let Some(index) = lock(&hub.index).clone() {
        update(&mut model, Action::IndexReady(index));
    }
    let actor = Actor {
        user: user.name.clone(),
        via: if user.comment.is_empty() {
            format!("ssh {}", user.fingerprint)
        } else {
            format!("ssh {} ({})", user.fingerprint, user.comment)
        },
    };
    let refresh = |catalog| hub.indexer.refresh(catalog);
    let session_hub = SessionHub {
        hub,
        id,
        user: user.name.clone(),
    };
    let env = LoopEnv {
        theme: &hub.theme,
        store: &hub.store,
        background: &background,
        exit_after_first_frame: false,
        actor: &actor,
        refresh_index: &refresh,
        hub: Some(&session_hub),
    };
    let mut last_key = Instant::now();
    let mut last_check = Instant::now();
    let mut farewell = None;
    let result = event_loop(&mut terminal, &mut model, &env, effects, |wait| {
        match input.recv_timeout(wait) {
            Ok(Input::Event(e)) => {
                if matches!(e, Event::Key(_) | Event::Paste(_)) {
                    last_key = Instant::now();
                }
                Ok(Some(e))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if last_key.elapsed() >= settings.idle {
                    let minutes = settings.idle.as_secs() / 60;
                    farewell = Some(format!(
                        "kembar: closed after {minutes} minute{} without a key.",
                        if minutes == 1 { "" } else { "s" }
                    ));
                    return Err(anyhow::anyhow!(CLOSED));
                }
                // A key taken out of the authorized-keys file, or given another role, ends
                // the sessions it opened.
                if last_check.elapsed() >= REVIEW_GRANT {
                    last_check = Instant::now();
                    if hub.grant(&user.key).map(|g| g.0) != Some(user.role) {
                        farewell = Some(
                            "kembar: your access to this server changed; connect again.".into(),
                        );
                        return Err(anyhow::anyhow!(CLOSED));
                    }
                }
                Ok(None)
            }
            Ok(Input::Hangup) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                Err(anyhow::anyhow!(CLOSED))
            }
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
    result
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

/// Crossterm's escape sequences into the channel, with the size the client reported
/// instead of the server's own terminal.
struct SshBackend {
    inner: CrosstermBackend<ChannelWriter>,
    size: Arc<Mutex<(u16, u16)>>,
}

impl Write for SshBackend {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl Backend for SshBackend {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        // Asking the client would be a round trip; ratatui only needs it for inline views.
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        let (width, height) = *lock(&self.size);
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        Ok(WindowSize {
            columns_rows: self.size()?,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Backend::flush(&mut self.inner)
    }
}
