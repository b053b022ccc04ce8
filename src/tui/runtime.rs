//! The event loop and its surroundings: the terminal, background index builds, and carrying
//! out the effects `update` asks for (store reads and writes, the clipboard). The loop is
//! generic over where input comes from and where output goes, so the same dashboard runs in a
//! local terminal and in an SSH session.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use crossterm::event::{self, Event};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::domain::Catalog;
use crate::store::{Actor, ApplyError, Change, Record, Store};

use super::keymap;
use super::model::{Action, Effect, Model, Origin, SaveFailure, Theirs, update};
use super::screen::{ColorDepth, Screen, SizeSource};
use super::theme::Theme;
use super::view;

/// Where background results go: one dashboard's channel, or every session of a server.
pub type Deliver = Arc<dyn Fn(Action) + Send + Sync>;

/// Builds search indexes on a background thread, one at a time: a save during a build
/// asks for one more build when it ends, of the newest catalog, instead of a pile of them.
#[derive(Clone)]
pub struct Indexer {
    store: Arc<Store>,
    lang: crate::i18n::Lang,
    aliases: Arc<std::collections::BTreeMap<String, String>>,
    deliver: Deliver,
    /// (a build is running, the catalog to build next)
    state: Arc<std::sync::Mutex<(bool, Option<Arc<Catalog>>)>>,
}

impl Indexer {
    pub fn new(
        store: Arc<Store>,
        lang: crate::i18n::Lang,
        aliases: std::collections::BTreeMap<String, String>,
        deliver: Deliver,
    ) -> Self {
        Indexer {
            store,
            lang,
            aliases: Arc::new(aliases),
            deliver,
            state: Arc::default(),
        }
    }

    pub fn refresh(&self, catalog: Arc<Catalog>) {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.0 {
                // Keep the newest catalog asked for (sessions of a server ask in any order).
                if state
                    .1
                    .as_ref()
                    .is_none_or(|q| q.generation <= catalog.generation)
                {
                    state.1 = Some(catalog);
                }
                return;
            }
            state.0 = true;
        }
        let me = self.clone();
        std::thread::spawn(move || {
            let mut catalog = catalog;
            loop {
                let action =
                    match crate::search::load_or_build(&catalog, &me.store, me.lang, &me.aliases) {
                        Ok(index) => Action::IndexReady(Arc::new(index)),
                        Err(e) => Action::Notice(format!("search index: {e}")),
                    };
                drop(catalog);
                (me.deliver)(action);
                let mut s = me.state.lock().unwrap_or_else(|e| e.into_inner());
                match s.1.take() {
                    Some(next) => catalog = next,
                    None => {
                        s.0 = false;
                        return;
                    }
                }
            }
        });
    }
}

/// How long the loop waits for input before looking for work that arrives without a key
/// (a change saved by another user, once the dashboard is shared).
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// How long the cursor must rest on a row before the detail pane follows it.
const REST: Duration = Duration::from_millis(120);

/// The next terminal event, waiting at most `wait`.
pub(super) fn read_event(wait: Duration) -> Result<Option<Event>> {
    if event::poll(wait)? {
        Ok(Some(event::read()?))
    } else {
        Ok(None)
    }
}

pub(super) type Term = Terminal<Screen<io::BufWriter<io::Stdout>>>;

pub(super) fn enter_terminal(depth: ColorDepth) -> Result<Term> {
    install_panic_hook();
    terminal::enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    let mut stdout = io::stdout();
    execute!(
        stdout,
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste,
        cursor::Hide
    )
    .context("cannot prepare the terminal")?;
    let out = io::BufWriter::with_capacity(64 * 1024, stdout);
    Terminal::new(Screen::new(out, SizeSource::Tty, depth)).context("cannot start drawing")
}

fn restore_terminal() {
    // Each step on its own: a failure in one must not keep the others from running.
    let _ = terminal::disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(stdout, event::DisableBracketedPaste);
    let _ = execute!(stdout, terminal::LeaveAlternateScreen);
    let _ = execute!(stdout, cursor::Show);
    let _ = stdout.flush();
}

pub(super) fn leave_terminal(terminal: &mut Term) {
    let _ = terminal.show_cursor();
    restore_terminal();
}

/// A panic must leave a usable terminal behind and print its message where it can be read.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

/// What the event loop works with besides the model.
#[derive(Clone, Copy)]
pub struct LoopEnv<'a> {
    pub theme: &'a Theme,
    pub store: &'a Store,
    /// Results of background work, applied between keys.
    pub background: &'a Receiver<Action>,
    /// Draw one frame and return (for timing start-up).
    pub exit_after_first_frame: bool,
    /// Who is making changes, for the audit log.
    pub actor: &'a Actor,
    /// Starts a search index build for a changed catalog.
    pub refresh_index: &'a dyn Fn(Arc<Catalog>),
    /// Other sessions of the same store to tell about saves (a server's), if any.
    pub hub: Option<&'a dyn Hub>,
}

/// Where a session announces its saves so that other sessions of the same store see them.
pub trait Hub: Sync {
    /// This session saved `applied`; returns the catalog every session now shares.
    fn saved(&self, applied: &crate::store::Applied) -> Arc<Catalog>;
}

/// Runs the dashboard until the user quits. `next_event(wait)` yields input, waiting at most
/// `wait` (None: nothing came).
pub fn event_loop<B, F>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    env: &LoopEnv<'_>,
    initial: Vec<Effect>,
    mut next_event: F,
) -> Result<()>
where
    B: Backend + Write,
    B::Error: Send + Sync + 'static,
    F: FnMut(Duration) -> Result<Option<Event>>,
{
    let LoopEnv {
        theme,
        store,
        background,
        exit_after_first_frame,
        actor,
        refresh_index,
        hub,
    } = *env;
    let size = terminal.size()?;
    let resized = update(model, Action::Resize(size.width, size.height));
    let mut pending = initial;
    pending.extend(resized);
    let mut dirty = true;
    loop {
        // Results of background work (the search index) arrive here between keys.
        while let Ok(action) = background.try_recv() {
            pending.extend(update(model, action));
            dirty = true;
        }
        for effect in std::mem::take(&mut pending) {
            if effect == Effect::Repaint {
                // Not Terminal::clear: it asks the terminal where the cursor is, a round trip
                // over SSH that some terminals never answer. A resize to the same size clears
                // the screen and forgets the previous frame without asking anything.
                let size = terminal.size()?;
                terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
                dirty = true;
                continue;
            }
            if effect == Effect::RefreshIndex {
                refresh_index(Arc::clone(model.ctx.records()));
                continue;
            }
            if let Some(mut action) = run_effect(effect, store, actor, terminal.backend_mut()) {
                if let (
                    Some(hub),
                    Action::Saved {
                        result: Ok(applied),
                        catalog,
                        ..
                    },
                ) = (hub, &mut action)
                {
                    *catalog = Some(hub.saved(applied));
                }
                pending.extend(update(model, action));
            }
            dirty = true;
        }
        if !pending.is_empty() {
            continue;
        }
        // Draw only when something changed: an idle dashboard sends nothing down the line.
        if dirty {
            let mut measured = None;
            terminal.draw(|frame| measured = Some(view::view(model, theme, frame)))?;
            if let Some(geometry) = measured
                && geometry != model.ctx.geometry
            {
                pending.extend(update(model, Action::Drawn(geometry)));
            }
            dirty = false;
        }
        if model.ctx.quit || exit_after_first_frame {
            return Ok(());
        }
        // Take every event already waiting before drawing again, so that keys typed ahead
        // over a slow link cost one frame, not one frame each.
        let resting = model.wants_rest();
        let mut waited = next_event(if resting { REST } else { IDLE_WAIT })?;
        if waited.is_none() && resting {
            pending.extend(update(model, Action::Rest));
            dirty = true;
        }
        while let Some(event) = waited {
            if let Some(action) = to_action(terminal, model.context(), event)? {
                pending.extend(update(model, action));
                dirty = true;
                if model.ctx.quit {
                    break;
                }
            }
            waited = if pending.is_empty() {
                next_event(Duration::ZERO)?
            } else {
                None
            };
        }
    }
}

fn to_action<B>(
    terminal: &mut Terminal<B>,
    context: keymap::Context,
    event: Event,
) -> Result<Option<Action>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    Ok(match event {
        Event::Key(key) => keymap::lookup(context, &key).map(Action::Cmd),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => {
            terminal.autoresize()?;
            Some(Action::Resize(w, h))
        }
        _ => None,
    })
}

/// Carries out one effect; returns the action that reports its result, if any.
pub fn run_effect<W: Write>(
    effect: Effect,
    store: &Store,
    actor: &Actor,
    out: &mut W,
) -> Option<Action> {
    match effect {
        // Need the terminal or the model, so the loop does them.
        Effect::Repaint | Effect::RefreshIndex => None,
        Effect::Save { change, origin } => Some(Action::Saved {
            origin,
            result: save(store, *change, actor),
            catalog: None,
        }),
        Effect::Delete { id, version } => {
            let result = match store.deletion(id) {
                Ok(change) => save(store, change.expecting(id, version), actor),
                Err(e) => Err(SaveFailure {
                    message: e.to_string(),
                    conflict: None,
                    by: None,
                }),
            };
            Some(Action::Saved {
                origin: Origin::Quick,
                result,
                catalog: None,
            })
        }
        Effect::LoadBrief(id) => Some(Action::BriefTimeline {
            agreement: id,
            result: store.activities_of(id).map_err(|e| e.to_string()),
        }),
        Effect::WriteBrief { name, path, text } => {
            let result = super::brief::write_file(&path, text.as_bytes());
            Some(Action::BriefWritten { name, path, result })
        }
        Effect::LoadTimeline(id) => Some(Action::TimelineLoaded {
            agreement: id,
            result: store.activities_of(id).map_err(|e| e.to_string()),
        }),
        Effect::CopyToClipboard(text) => {
            // OSC 52 asks the terminal itself to set the clipboard, which works over SSH.
            let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            let sequence = format!("\x1b]52;c;{encoded}\x07");
            match out
                .write_all(sequence.as_bytes())
                .and_then(|()| out.flush())
            {
                Ok(()) => None,
                Err(e) => Some(Action::Notice(format!("clipboard: {e}"))),
            }
        }
    }
}

/// Applies a change, durably; a refusal comes back in words, with the record as it is now
/// when someone else changed it.
pub fn save(
    store: &Store,
    change: Change,
    actor: &Actor,
) -> Result<Box<crate::store::Applied>, SaveFailure> {
    store.apply(change, actor).map(Box::new).map_err(|e| {
        let message = e.to_string();
        match e {
            ApplyError::Conflict(c) => SaveFailure {
                message,
                by: Some(Box::new((c.by.clone(), c.at.clone()))),
                conflict: Some(match (c.current, &c.record) {
                    (Some((v, Record::Agreement(a))), _) => Theirs::Changed(Box::new((v, a))),
                    (Some((_, Record::Attention(n))), _) => Theirs::Notes(Some(Box::new(n))),
                    (None, crate::store::RecordKey::Attention(_)) => Theirs::Notes(None),
                    (Some((_, Record::Region(r))), _) => Theirs::Region(Some(Box::new(r))),
                    (None, crate::store::RecordKey::Region(_)) => Theirs::Region(None),
                    _ => Theirs::Deleted,
                }),
            },
            _ => SaveFailure {
                message,
                conflict: None,
                by: None,
            },
        }
    })
}
