//! The dashboard: a full-screen ratatui application over crossterm.
//!
//! Flow is one-way, as in The Elm Architecture: terminal events become commands through the
//! [`keymap`], [`model::update`] changes the [`model::Model`] and returns effects, the
//! [`runtime`] carries those out (store reads and writes, the clipboard) and feeds the results
//! back, and [`view::view`] draws the model. The model is a stack of [`screens`] with
//! [`overlays`] over them; every list keeps its selection by id ([`list::Picker`]).
//!
//! - `model`: the state, the one `update` function, and what is available where;
//! - `screens/`: browse, one agreement in full, triage, lists of agreements;
//! - `overlays/`: help, the finder, questions, the tag checklist (and forms, in `form/`);
//! - `edit` and `saving`: the editing keys every screen shares, and the store's answers;
//! - `keymap`, `layout`, `list`, `input`, `theme`, `widgets`: the parts they are built of.

pub mod brief;
pub mod cells;
pub mod edit;
pub mod form;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod list;
pub mod model;
pub mod overlays;
pub mod runtime;
pub mod saving;
pub mod screen;
pub mod screens;

pub mod theme;
pub mod view;
pub mod widgets;

use std::sync::Arc;
use std::sync::mpsc::channel;

use anyhow::Result;

use crate::cli::Cli;
use crate::commands::{Session, have_terminal};
use crate::store::Actor;

pub use runtime::{Deliver, Hub, Indexer, LoopEnv, event_loop, run_effect, save};

use model::{Action, Model, Start, update};
use theme::Theme;

/// Opens the dashboard on the session's store.
pub fn run_dashboard(cli: &Cli) -> Result<()> {
    if !have_terminal() {
        anyhow::bail!(
            "the dashboard needs a terminal, and standard input or output is not one.\n\
             fix: run kembar in a terminal, or use `kembar list` / `kembar export` in scripts"
        );
    }
    let session = Session::open(cli, "dashboard")?;
    // Other kembar commands of this user (`list`, `report`...) are answered from this
    // dashboard's store while it runs. Without the socket they find the store busy.
    #[cfg(unix)]
    let _owner = match session.demo_dir {
        Some(_) => None,
        None => crate::owner::Listener::start(std::sync::Arc::clone(&session.store), None).ok(),
    };
    let depth = screen::ColorDepth::from_env(cli.color);
    let (theme, warning) = Theme::resolve(
        session.theme.as_deref(),
        crate::config::themes_dir().as_deref(),
        depth == screen::ColorDepth::None,
    );
    let catalog = session.store.load_catalog()?;
    let start = Start {
        brief_to: model::BriefTo::Folder(
            session
                .config
                .brief
                .folder
                .clone()
                .unwrap_or_else(|| std::path::PathBuf::from(".")),
        ),
        today: session.today,
        as_of: session.as_of,
        rules: session.config.health,
        lang: session.lang,
        access: crate::domain::access::Access::full(),
        aliases: session.config.aliases.clone(),
    };
    let (mut model, effects) = Model::new(catalog, start);
    if let Some(w) = warning {
        update(&mut model, Action::Notice(w));
    }

    let mut terminal = runtime::enter_terminal(depth)?;
    let (send, receive) = channel();
    let actor = Actor::local();
    // The search index reads every activity: build it beside the dashboard, which is usable
    // at once; Ctrl-p says the index is coming until it arrives. After a save it is built
    // again the same way.
    let send = std::sync::Mutex::new(send);
    let deliver: Deliver = Arc::new(move |action| {
        if let Ok(send) = send.lock() {
            let _ = send.send(action);
        }
    });
    let indexer = Indexer::new(
        Arc::clone(&session.store),
        session.lang,
        session.config.aliases.clone(),
        deliver,
    );
    if !cli.exit_after_first_frame {
        indexer.refresh(Arc::clone(model.ctx.records()));
    }
    let refresh = |catalog| indexer.refresh(catalog);
    let env = LoopEnv {
        theme: &theme,
        store: &session.store,
        background: &receive,
        exit_after_first_frame: cli.exit_after_first_frame,
        actor: &actor,
        refresh_index: &refresh,
        hub: None,
    };
    let result = event_loop(
        &mut terminal,
        &mut model,
        &env,
        effects,
        runtime::read_event,
    );
    runtime::leave_terminal(&mut terminal);
    result
}
