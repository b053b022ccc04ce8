//! The accept loop and the life of one connection.
//!
//! No accept error ends the server: running out of file descriptors ("Too many open files"),
//! a connection aborted before it was taken, anything else the kernel says, is logged and
//! followed by a short pause, and the loop goes on. At start the open-file limit is raised
//! as far as the system allows.
//!
//! Connections that have not logged in are limited in number (`max_unauthenticated`: one
//! more is closed as it comes) and in time (`auth_timeout_seconds`: then it is closed).
//! Once logged in, a connection's key is checked again every few seconds and on every
//! request; when the key was removed or its role changed, the whole connection is closed,
//! with every channel on it (OpenSSH's connection sharing cannot keep it alive).

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::log::{Throttle, log_event};
use super::session::{Connection, Link, REVIEW_GRANT};
use super::{Hub, lock};

/// The limits on connections that have not logged in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub max_unauthenticated: usize,
    pub auth_timeout: Duration,
}

/// The first pause after an accept error; it doubles while errors continue.
const BACKOFF_FIRST: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// At most one line per this long for a flood of the same event.
const FLOOD_LOG_EVERY: Duration = Duration::from_secs(10);

/// Accepts connections until the process ends.
pub(super) async fn run(
    hub: Arc<Hub>,
    config: Arc<russh::server::Config>,
    listener: TcpListener,
    limits: Limits,
    runtime: tokio::runtime::Handle,
) {
    let waiting = Arc::new(Waiting {
        count: AtomicUsize::new(0),
        max: limits.max_unauthenticated,
    });
    let mut accept_errors = Throttle::new(FLOOD_LOG_EVERY);
    let mut over_limit = Throttle::new(FLOOD_LOG_EVERY);
    let mut backoff = BACKOFF_FIRST;
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => {
                backoff = BACKOFF_FIRST;
                accepted
            }
            Err(e) => {
                // A connection that went away before it was taken costs nothing to skip; any
                // other error (out of descriptors, out of memory) gets a pause so that the
                // loop does not spin while sessions end and give some back.
                let pause = if transient(&e) {
                    Duration::ZERO
                } else {
                    backoff
                };
                if let Some(left_out) = accept_errors.admit() {
                    log_event!(
                        "accept_error",
                        error = e.to_string(),
                        pause_ms = pause.as_millis() as u64,
                        similar_left_out = left_out,
                    );
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
                continue;
            }
        };
        let Some(slot) = Waiting::enter(&waiting) else {
            // Closed at once: it never costs more than the moment it took to accept it.
            drop(tcp);
            if let Some(left_out) = over_limit.admit() {
                log_event!(
                    "connection_refused",
                    peer = peer,
                    reason = "too many connections have not logged in yet",
                    max_unauthenticated = limits.max_unauthenticated,
                    similar_left_out = left_out,
                );
            }
            continue;
        };
        if config.nodelay {
            let _ = tcp.set_nodelay(true);
        }
        tokio::spawn(connection(
            Arc::clone(&hub),
            Arc::clone(&config),
            tcp,
            peer,
            slot,
            limits.auth_timeout,
            runtime.clone(),
        ));
    }
}

/// Accept errors that concern one connection only.
fn transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock
    )
}

/// One connection, from accept to close.
async fn connection(
    hub: Arc<Hub>,
    config: Arc<russh::server::Config>,
    tcp: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    auth_timeout: Duration,
    runtime: tokio::runtime::Handle,
) {
    let deadline = Instant::now() + auth_timeout;
    let kill = Arc::new(Kill::default());
    let link = Arc::new(Link::new(peer, Arc::clone(&kill)));
    let handler = Connection::new(Arc::clone(&hub), runtime, Arc::clone(&link), slot);
    let stream = Killable {
        inner: tcp,
        kill: Arc::clone(&kill),
    };
    let too_slow = format!(
        "it did not log in within {} s",
        auth_timeout.as_secs().max(1)
    );
    // The handshake (version lines, key exchange) counts in the time to log in.
    let mut session =
        match tokio::time::timeout_at(deadline, russh::server::run_stream(config, stream, handler))
            .await
        {
            Ok(Ok(session)) => session,
            Ok(Err(e)) => {
                link.log_refused(Some(&format!("the SSH handshake failed: {e:#}")));
                return;
            }
            Err(_) => {
                link.log_refused(Some(&too_slow));
                return;
            }
        };
    let logged_in = tokio::select! {
        _ = &mut session => {
            if link.authed.get().is_none() {
                link.log_refused(None);
                return;
            }
            // Logged in and gone at once (a command that failed to start, say).
            false
        }
        () = link.logged_in.notified() => true,
        () = tokio::time::sleep_until(deadline) => {
            if link.authed.get().is_none() {
                link.log_refused(Some(&too_slow));
                kill.kill();
                let _ = tokio::time::timeout(Duration::from_secs(5), &mut session).await;
                return;
            }
            true
        }
    };
    let Some(user) = link.authed.get() else {
        return;
    };
    let since = Instant::now();
    if logged_in {
        loop {
            tokio::select! {
                _ = &mut session => break,
                () = tokio::time::sleep(REVIEW_GRANT) => {}
                () = link.review_now.notified() => {}
            }
            if let Some(reason) = link.review(&hub) {
                log_event!(
                    "access_ended",
                    peer = peer,
                    user = &user.name,
                    fingerprint = &user.fingerprint,
                    reason = reason,
                    effect = "the connection and every session on it are closed",
                );
                close(&link, &mut session).await;
                break;
            }
        }
    }
    log_event!(
        "logout",
        peer = peer,
        user = &user.name,
        fingerprint = &user.fingerprint,
        seconds = since.elapsed().as_secs(),
    );
}

/// Closes a connection whose access ended: the dashboard says goodbye first, then the
/// client is told, and a client that does not go is cut off.
async fn close<H: russh::server::Handler>(
    link: &Link,
    session: &mut russh::server::RunningSession<H>,
) {
    if link.end_dashboard() {
        let _ = tokio::time::timeout(Duration::from_secs(3), link.dashboard_done.notified()).await;
    }
    let handle = session.handle();
    let _ = tokio::time::timeout(
        Duration::from_secs(2),
        handle.disconnect(
            russh::Disconnect::ByApplication,
            "your access to this server changed; connect again".into(),
            "en".into(),
        ),
    )
    .await;
    if tokio::time::timeout(Duration::from_secs(3), &mut *session)
        .await
        .is_err()
    {
        link.kill.kill();
        let _ = tokio::time::timeout(Duration::from_secs(3), &mut *session).await;
    }
}

/// How many connections have not logged in yet.
struct Waiting {
    count: AtomicUsize,
    max: usize,
}

impl Waiting {
    fn enter(this: &Arc<Waiting>) -> Option<Slot> {
        this.count
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < this.max).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(Arc::clone(this)))
    }
}

/// One connection counted among those that have not logged in; counted out when dropped.
pub(super) struct Slot(Arc<Waiting>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Ends a connection from outside its task: every read and write of its socket fails from
/// then on, which russh takes as the connection's end (a client that neither reads nor
/// answers cannot hold it open).
#[derive(Default)]
pub(super) struct Kill {
    killed: AtomicBool,
    /// The tasks waiting to read and to write, woken to see the news.
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl Kill {
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        for waker in lock(&self.wakers).iter_mut() {
            if let Some(w) = waker.take() {
                w.wake();
            }
        }
    }

    /// True once killed; otherwise remembers who to wake. The waker is stored before the
    /// flag is read, so a kill in between still wakes it.
    fn killed(&self, side: usize, cx: &Context<'_>) -> bool {
        {
            let mut wakers = lock(&self.wakers);
            match &mut wakers[side] {
                Some(w) if w.will_wake(cx.waker()) => {}
                slot => *slot = Some(cx.waker().clone()),
            }
        }
        self.killed.load(Ordering::SeqCst)
    }
}

fn killed_error() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "the server closed the connection",
    )
}

/// A TCP stream that [`Kill`] can end.
struct Killable {
    inner: TcpStream,
    kill: Arc<Kill>,
}

impl AsyncRead for Killable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.kill.killed(0, cx) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.killed(1, cx) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.kill.killed(1, cx) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.kill.killed(1, cx) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// Raises the soft limit on open files to the hard limit, so that a flood of connections
/// meets the system's real limit rather than a conservative default (systemd gives services
/// 1024), and logs the limit the server runs with.
pub(super) fn raise_open_file_limit() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let before = getrlimit(Resource::Nofile);
        // An unlimited hard limit cannot be the soft one for open files; the kernel's
        // ceiling can.
        let target = before.maximum.or_else(|| {
            std::fs::read_to_string("/proc/sys/fs/nr_open")
                .ok()
                .and_then(|t| t.trim().parse().ok())
        });
        let (Some(current), Some(target)) = (before.current, target) else {
            log_event!("open_files", limit = "unlimited");
            return;
        };
        if target <= current {
            log_event!("open_files", limit = current);
            return;
        }
        let raised = rustix::process::Rlimit {
            current: Some(target),
            maximum: before.maximum,
        };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => log_event!("open_files", limit = target, raised_from = current),
            Err(e) => log_event!(
                "open_files",
                limit = current,
                error = format!("cannot raise it to {target}: {e}"),
            ),
        }
    }
}
