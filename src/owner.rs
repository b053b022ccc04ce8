//! One owner, many local clients.
//!
//! A store belongs to one process at a time. The process that keeps it open for long (a
//! dashboard, or `kembar serve`) listens on a Unix socket in the store folder,
//! [`SOCKET_FILE`], so that `kembar list`, `search`, `triage`, `report`, `export` and `log`
//! still work while it runs: they find the store busy, connect, and the owner runs the very
//! same code ([`crate::commands::answer`]) on its open store and sends back what it wrote.
//! Their output is therefore the same bytes as on a free store.
//!
//! The socket is made with mode 0600 under a temporary name and renamed into place, and
//! the owner answers only a peer running as its own user id (the kernel's word for it,
//! `SO_PEERCRED`), whatever the socket's mode has become; the client in turn talks only to
//! an owner with its user id. Only commands that read are answered: changes go through the
//! owner's own sessions.
//!
//! The protocol is one JSON line from the client ([`Request`]: its command line, the
//! settings it resolved, its day), answered by frames of a kind byte and a 4-byte length:
//! `o` (bytes of output), then `k` (done) or `e` (failed, with the message the command
//! would print).
//!
//! A socket left by an owner that was killed is found by the next process that takes the
//! store's lock (the lock proves nobody answers on it) and removed
//! (`store::folder::remove_stale_socket`).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use clap::Parser;
use serde::{Deserialize, Serialize};

use crate::cli::{Cli, Command};
use crate::commands::{Session, Settings};
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::{Actor, Store};

/// The socket's name in the store folder.
pub const SOCKET_FILE: &str = crate::store::folder::SOCKET_FILE;

/// The commands the owner of a busy store answers for other processes, by name.
///
/// To add one (it must only read the store and write what it prints to a writer): give it
/// an arm in [`crate::commands::answer`] and put its name here. That is all: the client's
/// side ([`crate::commands`]'s dispatch) and the owner's side both go by this list.
const THROUGH_OWNER: &[&str] = &[
    "list", "search", "triage", "trends", "report", "brief", "export", "log", "backup",
];

/// Commands answered at once; one more is told to try again.
const AT_ONCE: usize = 4;
/// A client has this long to send its request.
const REQUEST_WAIT: Duration = Duration::from_secs(10);
/// The longest request line read.
const REQUEST_MAX: u64 = 1 << 20;
/// Output is sent in frames of at most this many bytes.
const FRAME: usize = 64 * 1024;

/// The command's name as typed (`kembar NAME`).
pub fn name(command: &Command) -> &'static str {
    match command {
        Command::Import { .. } => "import",
        Command::Export { .. } => "export",
        Command::List { .. } => "list",
        Command::Search { .. } => "search",
        Command::Triage { .. } => "triage",
        Command::Trends { .. } => "trends",
        Command::Brief { .. } => "brief",
        Command::Report { .. } => "report",
        Command::Log { .. } => "log",
        Command::Serve { .. } => "serve",
        Command::Check { .. } => "check",
        Command::Gen { .. } => "gen",
        Command::Completions { .. } => "completions",
        Command::Manpage { .. } => "manpage",
        Command::Backup { .. } => "backup",
        Command::Restore { .. } => "restore",
    }
}

/// Whether the owner of a busy store answers `command` for another process.
pub fn answers(command: &Command) -> bool {
    THROUGH_OWNER.contains(&name(command))
}

/// What the lock file says a process holds the store for.
pub fn purpose(command: &Command) -> &'static str {
    name(command)
}

/// What a client asks: its command line and what it resolved from its own environment
/// (the config file, the language, the day), so that the owner answers exactly as the
/// client would have on a free store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// The command line after the program's name.
    pub args: Vec<String>,
    /// The config file the client reads (absolute), if any.
    pub config: Option<PathBuf>,
    pub lang: Lang,
    /// The client's today (its time zone decides the day).
    pub today: NaiveDate,
}

impl Request {
    /// The request for this process's own command line. `None` when an argument is not
    /// UTF-8 (it could not be sent as it is).
    pub fn new(cli: &Cli, settings: &Settings) -> Option<Request> {
        let args = std::env::args_os()
            .skip(1)
            .map(|a| a.into_string().ok())
            .collect::<Option<Vec<String>>>()?;
        let cwd = std::env::current_dir().ok();
        let config = cli
            .config
            .clone()
            .or_else(crate::config::default_config_path)
            .map(|p| match &cwd {
                Some(cwd) if p.is_relative() => cwd.join(p),
                _ => p,
            });
        Some(Request {
            args,
            config,
            lang: settings.lang,
            today: cli
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        })
    }
}

/// This process's effective user id.
fn own_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The user id of the process at the other end of a Unix socket, from the kernel.
pub fn peer_uid(stream: &UnixStream) -> std::io::Result<u32> {
    let fd = stream.as_raw_fd();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` and `len` live across the call and `len` is `cred`'s size.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&mut cred as *mut libc::ucred).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(cred.uid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let mut uid: libc::uid_t = 0;
        let mut gid: libc::gid_t = 0;
        // SAFETY: both pointers point to live values.
        let rc = unsafe { libc::getpeereid(fd, &mut uid, &mut gid) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(uid)
    }
}

/// Whether a peer with user id `peer` may use an owner running as `own`: only the same
/// user (root gets no exception: an administrator uses `sudo -u` the store's owner).
pub fn peer_allowed(peer: u32, own: u32) -> bool {
    peer == own
}

/// What the owner tells its operator about clients (a server logs it).
#[derive(Debug, Clone)]
pub enum Event {
    /// A command was answered.
    Answered {
        command: String,
        ok: bool,
        bytes: u64,
    },
    /// A peer running as another user (or one whose credentials could not be read).
    Refused { uid: Option<u32> },
}

type Notify = Arc<dyn Fn(Event) + Send + Sync>;

/// The connections being answered: a handle to end each, and its thread.
type Clients = Arc<Mutex<Vec<(UnixStream, JoinHandle<()>)>>>;

/// The owner's side: a thread accepting connections, each answered on a thread of its own
/// from the open store. Dropping it stops answering and removes the socket.
pub struct Listener {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    open: Clients,
}

impl Listener {
    /// Listens in the store's folder. Fails when the socket cannot be made there (a path
    /// longer than a socket address takes, a read-only folder); the store still works,
    /// only other processes find it busy.
    pub fn start(store: Arc<Store>, notify: Option<Notify>) -> std::io::Result<Listener> {
        let dir = store.path().to_path_buf();
        let path = dir.join(SOCKET_FILE);
        let temporary = dir.join(format!("{SOCKET_FILE}.{}", std::process::id()));
        crate::store::folder::remove_stale_socket(&dir);
        let listener = UnixListener::bind(&temporary)?;
        // Made under a temporary name and only then given its name, so that it is 0600
        // from the moment a client can find it. (A connection made in between is still
        // refused by its credentials.)
        let placed = std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o600))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(e) = placed {
            let _ = std::fs::remove_file(&temporary);
            return Err(e);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let open: Clients = Arc::default();
        let notify: Notify = notify.unwrap_or_else(|| Arc::new(|_| {}));
        let accept = {
            let (stop, open) = (Arc::clone(&stop), Arc::clone(&open));
            std::thread::Builder::new()
                .name("kembar-owner".into())
                .spawn(move || accept_loop(listener, store, stop, open, notify))?
        };
        Ok(Listener {
            path,
            stop,
            accept: Some(accept),
            open,
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees `stop`.
        let _ = UnixStream::connect(&self.path);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let open = std::mem::take(&mut *self.open.lock().unwrap_or_else(|e| e.into_inner()));
        for (stream, _) in &open {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        for (_, thread) in open {
            let _ = thread.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

fn accept_loop(
    listener: UnixListener,
    store: Arc<Store>,
    stop: Arc<AtomicBool>,
    open: Clients,
    notify: Notify,
) {
    let busy = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors and the like: wait a little, go on.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let mut list = open.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|(_, t)| !t.is_finished());
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let (store, notify, busy) = (Arc::clone(&store), Arc::clone(&notify), Arc::clone(&busy));
        let spawned = std::thread::Builder::new()
            .name("kembar-owner-client".into())
            .spawn(move || serve_one(stream, &store, &notify, &busy));
        if let Ok(thread) = spawned {
            list.push((handle, thread));
        }
    }
}

/// Counts a command being answered while it lives.
struct Turn<'a>(&'a AtomicUsize);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Ends a connection when its answer is done: the accept loop keeps a handle of its own
/// (to end it when the owner stops), which must not keep the client waiting for more.
struct Hangup<'a>(&'a UnixStream);

impl Drop for Hangup<'_> {
    fn drop(&mut self) {
        let _ = self.0.shutdown(std::net::Shutdown::Both);
    }
}

fn serve_one(stream: UnixStream, store: &Arc<Store>, notify: &Notify, busy: &AtomicUsize) {
    let _hangup = Hangup(&stream);
    let own = own_uid();
    let peer = peer_uid(&stream).ok();
    let mut out = Frames::new(&stream);
    if !peer.is_some_and(|p| peer_allowed(p, own)) {
        notify(Event::Refused { uid: peer });
        let _ = out.fail("this store's owner answers only its own user; run kembar as that user");
        return;
    }
    if busy.fetch_add(1, Ordering::SeqCst) >= AT_ONCE {
        busy.fetch_sub(1, Ordering::SeqCst);
        let _ = out.fail(&format!(
            "the process holding the store is answering {AT_ONCE} other commands.\nfix: try \
             again in a moment"
        ));
        return;
    }
    let _turn = Turn(busy);
    let _ = stream.set_read_timeout(Some(REQUEST_WAIT));
    let mut line = String::new();
    let read = BufReader::new((&stream).take(REQUEST_MAX)).read_line(&mut line);
    let request: Request = match read
        .map_err(|e| anyhow!("{e}"))
        .and_then(|_| Ok(serde_json::from_str(&line)?))
    {
        Ok(r) => r,
        Err(e) => {
            let _ = out.fail(&format!("the request could not be read: {e}"));
            return;
        }
    };
    let cli = parse(&request);
    let command = match &cli {
        Ok(cli) => cli.command.as_ref().map_or("", name),
        Err(_) => "",
    };
    let result = cli.and_then(|cli| answer(store, &request, &cli, &mut out));
    let ok = result.is_ok();
    let _ = match result {
        Ok(()) => out.done(),
        Err(e) => out.fail(&crate::errors::describe(&e)),
    };
    let bytes = out.sent;
    notify(Event::Answered {
        command: command.to_string(),
        ok,
        bytes,
    });
}

/// The client's command line, read as the client read it.
fn parse(request: &Request) -> Result<Cli> {
    Cli::try_parse_from(std::iter::once("kembar".to_string()).chain(request.args.clone()))
        .map_err(|e| anyhow!("{}", e.to_string().trim_end()))
}

/// Runs the request's command on the open store, as the client would have on a free one.
fn answer(store: &Arc<Store>, request: &Request, cli: &Cli, out: &mut dyn Write) -> Result<()> {
    let Some(command) = cli.command.as_ref().filter(|c| answers(c)) else {
        return Err(anyhow!(
            "only {} are answered by the process holding the store",
            THROUGH_OWNER.join(", ")
        ));
    };
    let config = match &request.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let session = Session {
        store: Arc::clone(store),
        demo_dir: None,
        today: request.today,
        as_of: cli.today,
        lang: request.lang,
        theme: None,
        config,
        actor: Actor::local(),
    };
    crate::commands::answer(&session, command, out)
}

/// Output as frames on the socket.
struct Frames<'a> {
    stream: &'a UnixStream,
    buffer: Vec<u8>,
    sent: u64,
}

impl<'a> Frames<'a> {
    fn new(stream: &'a UnixStream) -> Frames<'a> {
        Frames {
            stream,
            buffer: Vec::with_capacity(FRAME),
            sent: 0,
        }
    }

    fn frame(&mut self, kind: u8, payload: &[u8]) -> std::io::Result<()> {
        let mut head = [0u8; 5];
        head[0] = kind;
        head[1..].copy_from_slice(&(payload.len() as u32).to_be_bytes());
        let mut stream = self.stream;
        stream.write_all(&head)?;
        stream.write_all(payload)
    }

    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::take(&mut self.buffer);
        self.frame(b'o', &buffer)?;
        self.sent += buffer.len() as u64;
        self.buffer = buffer;
        self.buffer.clear();
        Ok(())
    }

    fn done(&mut self) -> std::io::Result<()> {
        self.send_buffer()?;
        self.frame(b'k', &[])
    }

    fn fail(&mut self, message: &str) -> std::io::Result<()> {
        self.send_buffer()?;
        self.frame(b'e', message.as_bytes())
    }
}

impl Write for Frames<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buffer.len() + bytes.len() > FRAME {
            self.send_buffer()?;
        }
        if bytes.len() >= FRAME {
            self.frame(b'o', bytes)?;
            self.sent += bytes.len() as u64;
        } else {
            self.buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}

/// The client's side: a connection to the owner of a busy store.
pub struct Connection {
    stream: UnixStream,
}

/// Connects to the owner of the store in `dir`, if one answers there and runs as this
/// process's user. `None`: nobody to ask (the holder is an import, an older kembar, or
/// is only starting).
pub fn connect(dir: &Path) -> Option<Connection> {
    let path = dir.join(SOCKET_FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    let own = own_uid();
    // Only a socket this user made: another user's process must not answer in its place.
    if !meta.file_type().is_socket() || meta.uid() != own {
        return None;
    }
    let stream = UnixStream::connect(&path).ok()?;
    if !peer_uid(&stream).is_ok_and(|p| peer_allowed(p, own)) {
        return None;
    }
    Some(Connection { stream })
}

impl Connection {
    /// Sends the request and writes the owner's output to `out`; the owner's failure
    /// becomes this process's, with the same message.
    pub fn ask(self, request: &Option<Request>, out: &mut dyn Write) -> Result<()> {
        let Some(request) = request else {
            return Err(anyhow!(
                "the store is busy and the command line holds text that is not UTF-8, which \
                 cannot be passed to the process holding the store.\nfix: rename the file \
                 or value, or close the other kembar first"
            ));
        };
        let mut line = serde_json::to_vec(request)?;
        line.push(b'\n');
        (&self.stream).write_all(&line)?;
        let mut reader = BufReader::with_capacity(FRAME, &self.stream);
        let lost = || {
            anyhow!(
                "the kembar process holding the store stopped answering before the command \
                 finished.\nfix: run the command again"
            )
        };
        loop {
            let mut head = [0u8; 5];
            reader.read_exact(&mut head).map_err(|_| lost())?;
            let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
            let mut payload = vec![0u8; len];
            reader.read_exact(&mut payload).map_err(|_| lost())?;
            match head[0] {
                b'o' => out.write_all(&payload)?,
                b'k' => return Ok(()),
                b'e' => return Err(anyhow!("{}", String::from_utf8_lossy(&payload))),
                _ => return Err(lost()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_user_is_answered() {
        assert!(peer_allowed(1000, 1000));
        assert!(!peer_allowed(1001, 1000));
        assert!(!peer_allowed(0, 1000), "root is not the store's user");
        assert!(!peer_allowed(1000, 0), "a root owner answers root only");
    }

    #[test]
    fn the_kernel_names_the_peer() {
        let (a, b) = UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), own_uid());
        assert_eq!(peer_uid(&b).unwrap(), own_uid());
    }
}
