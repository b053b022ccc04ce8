//! The dashboard without a terminal: a model over a real store, effects carried out as the
//! event loop would, and frames drawn into ratatui's TestBackend.

use kembar::i18n::Lang;
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ImportMode, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Effect, Model, Start, update};
use kembar::tui::screens::browse::Pane;
use kembar::tui::theme::Theme;
use kembar::tui::{run_effect, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tempfile::TempDir;

pub const TODAY: &str = "2026-11-29";

pub struct Harness {
    pub _dir: TempDir,
    pub store: Store,
    pub model: Model,
    pub clipboard: Vec<u8>,
    pub actor: Actor,
}

impl Harness {
    pub fn demo(lang: Lang) -> Harness {
        Harness::with(lang, true)
    }

    pub fn with(lang: Lang, load_demo: bool) -> Harness {
        let dir = TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("store"), "test").unwrap();
        if load_demo {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json");
            let data = read_dataset(&path).unwrap();
            let actor = Actor::new("tester", "test");
            store
                .import(&data, "demo.json", ImportMode::Merge, &actor)
                .unwrap();
        }
        Harness::on(dir, store, Start::local(TODAY.parse().unwrap(), lang))
    }

    /// A dashboard over a store already open, with these settings.
    pub fn on(dir: TempDir, store: Store, start: Start) -> Harness {
        let (model, effects) = Model::new(store.load_catalog().unwrap(), start);
        let mut h = Harness {
            _dir: dir,
            store,
            model,
            clipboard: Vec::new(),
            actor: Actor::new("tester", "test"),
        };
        h.run(effects);
        h.act(Action::Resize(80, 24));
        h
    }

    pub fn run(&mut self, mut effects: Vec<Effect>) {
        while let Some(effect) = effects.pop() {
            if let Some(action) = run_effect(effect, &self.store, &self.actor, &mut self.clipboard)
            {
                effects.extend(update(&mut self.model, action));
            }
        }
    }

    pub fn act(&mut self, action: Action) {
        let effects = update(&mut self.model, action);
        self.run(effects);
    }

    /// A key, and then a rest (the cursor stays where the key left it).
    pub fn press(&mut self, cmd: Cmd) {
        self.act(Action::Cmd(cmd));
        self.act(Action::Rest);
    }

    pub fn region_name(&self) -> String {
        self.model.selected_region().unwrap().name.clone()
    }

    pub fn partner_name(&self) -> String {
        let a = self.model.selected_agreement().unwrap();
        self.model.ctx.catalog.partner_name(a).to_string()
    }

    /// Moves down the focused list until `done`, failing if the list ends first.
    pub fn down_until(&mut self, what: &str, done: impl Fn(&Harness) -> bool) {
        for _ in 0..500 {
            if done(self) {
                return;
            }
            self.press(Cmd::Down);
        }
        panic!("never reached {what}");
    }

    /// Region Jawa Tengah, agreement with Queensland, relationships pane focused.
    pub fn open_queensland(&mut self) {
        self.down_until("Jawa Tengah", |h| h.region_name() == "Jawa Tengah");
        self.press(Cmd::Open);
        assert_eq!(self.model.browse.focus, Pane::Relationships);
        self.down_until("Queensland", |h| h.partner_name() == "Queensland");
    }

    /// Draws a frame as the event loop does, and hands what it measured to the model.
    pub fn draw(&mut self, width: u16, height: u16, theme: &Theme) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut measured = None;
        terminal
            .draw(|frame| measured = Some(view::view(&self.model, theme, frame)))
            .unwrap();
        if let Some(g) = measured
            && g != self.model.ctx.geometry
        {
            self.act(Action::Drawn(g));
        }
        terminal.backend().buffer().clone()
    }

    pub fn screen(&mut self, width: u16, height: u16) -> String {
        self.act(Action::Resize(width, height));
        text_of(&self.draw(width, height, &Theme::builtin("default").unwrap()))
    }
}

pub fn text_of(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        for cell in row {
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
