//! What reaches the terminal, checked by emulating terminals. Scripted sessions over a store
//! whose partners are named in Khmer, Thai, Lao, Myanmar, Devanagari, Hangul (and its
//! conjoining jamo), CJK, Arabic, emoji sequences and decomposed accents, with forms and
//! overlays opened over them and resizes, feed every byte kembar writes into:
//!
//! - the `vt100` crate, which measures text as kembar does: after every frame its screen must
//!   equal the frame kembar meant to draw, cell by cell (a cluster's characters may sit in
//!   the cells of its span);
//! - models of terminals that measure differently (combining marks taking a cell of their
//!   own, or none; emoji taking two): however they draw, no cell may hold anything the frame
//!   did not put there, or put elsewhere (the stray Khmer vowel signs of old).
//!
//! The colour depth is checked on the bytes written, for each TERM, COLORTERM, NO_COLOR and
//! `--color`.

mod common;

use std::sync::{Arc, Mutex};

use kembar::domain::{
    Activity, ActivityKind, Agreement, AgreementKind, Dataset, Partner, Region, RegionLevel,
};
use kembar::i18n::Lang;
use kembar::store::{Actor, ImportMode, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Effect, Model, Start, update};
use kembar::tui::screen::{ColorDepth, Screen, SizeSource};
use kembar::tui::theme::Theme;
use kembar::tui::view;
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use tempfile::TempDir;
use unicode_segmentation::UnicodeSegmentation;

/// Partners named in the scripts terminals disagree about.
const NAMES: &[(&str, &str)] = &[
    ("siem-reap", "សៀមរាប Siem Reap"),
    ("chiang-mai", "เชียงใหม่ Chiang Mai"),
    ("luang-prabang", "ຫຼວງພະບາງ Luang Prabang"),
    ("yangon", "ရန်ကုန် Yangon"),
    ("mumbai", "मुंबई Mumbai"),
    ("chungbuk", "충청북도 Chungcheongbuk-do"),
    (
        "jamo",
        "\u{1112}\u{1161}\u{11ab}\u{1100}\u{1173}\u{11af} Hangeul",
    ),
    ("fujian", "福建省 Fujian"),
    ("dubai", "دبي Dubai"),
    ("sao-paulo", "Sa\u{303}o Paulo"),
    (
        "emoji-city",
        "🌏 Emoji 👨\u{200d}👩\u{200d}👧 City ❤\u{fe0f}",
    ),
    ("tokyo", "東京都 🇯🇵 Tokyo"),
];

fn dataset() -> Dataset {
    let mut data = Dataset::default();
    data.regions.push(Region {
        id: "jawa-tengah".into(),
        name: "Jawa Tengah".into(),
        official_name: "Provinsi Jawa Tengah".into(),
        level: RegionLevel::Province,
        province: None,
        short_names: vec!["Jateng".into()],
        coordinates: None,
    });
    for (i, (id, name)) in NAMES.iter().enumerate() {
        data.partners.push(Partner {
            id: id.to_string(),
            name: name.to_string(),
            country: "Somewhere".into(),
            level: "city".into(),
            aliases: vec![format!("{name} alias")],
            coordinates: None,
        });
        let mut a = Agreement::new(i as u64 + 1, "jawa-tengah", id, "pelaksanaan");
        a.kind = AgreementKind::SisterCity;
        a.signed = Some("2015-01-01".parse().unwrap());
        a.expires = Some("2030-01-01".parse().unwrap());
        a.notes = format!("Catatan tentang {name}.");
        kembar::domain::edits::set_tags(
            &mut a,
            &["ceremonial".into(), "communication".into()],
            "2016-01-01".parse().unwrap(),
        );
        data.agreements.push(a);
        data.activities.push(Activity {
            id: i as u64 + 1,
            agreement: i as u64 + 1,
            date: "2019-05-01".parse().unwrap(),
            kind: ActivityKind::Visit,
            title: format!("Kunjungan {name}"),
            description: format!("{name} — {name}"),
            participants: vec![name.to_string()],
            fields: Vec::new(),
            outcome: None,
        });
    }
    data
}

/// A terminal's screen: what each cell shows.
trait Emulator {
    fn feed(&mut self, bytes: &[u8]);
    /// The row's cells, text per column ("" for the right half of a wide character).
    fn row(&self, y: u16) -> Vec<String>;
    fn resize(&mut self, width: u16, height: u16);
}

struct Vt100(vt100::Parser);

impl Emulator for Vt100 {
    fn feed(&mut self, bytes: &[u8]) {
        self.0.process(bytes);
    }

    fn row(&self, y: u16) -> Vec<String> {
        let screen = self.0.screen();
        let (_, width) = screen.size();
        (0..width)
            .map(|x| {
                screen
                    .cell(y, x)
                    .map(|c| {
                        if c.is_wide_continuation() {
                            String::new()
                        } else {
                            c.contents().to_string()
                        }
                    })
                    .unwrap_or_default()
            })
            .collect()
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.0.screen_mut().set_size(height, width);
    }
}

/// How a modelled terminal measures a character.
#[derive(Clone, Copy)]
enum Measure {
    /// Every combining or spacing mark of a complex script, every joiner and variation
    /// selector takes a cell of its own.
    MarksTakeACell,
    /// Every mark, spacing ones included, joins the character before it.
    MarksTakeNone,
    /// As Unicode says, but every emoji and symbol takes two cells.
    WideEmoji,
}

/// A small terminal: cursor moves, erases, text. It understands exactly what kembar's screen
/// writer sends; anything else is an error in the writer.
struct Model_ {
    measure: Measure,
    width: u16,
    height: u16,
    cells: Vec<String>,
    /// Which cells are right halves of wide characters.
    halves: Vec<bool>,
    x: u16,
    y: u16,
    /// The last cell written, for joining marks.
    last: Option<usize>,
}

impl Model_ {
    fn new(measure: Measure, width: u16, height: u16) -> Model_ {
        let n = width as usize * height as usize;
        Model_ {
            measure,
            width,
            height,
            cells: vec![String::new(); n],
            halves: vec![false; n],
            x: 0,
            y: 0,
            last: None,
        }
    }

    fn width_of(&self, c: char) -> usize {
        let unicode = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        let mark = matches!(c as u32,
            0x0300..=0x036F | 0x0900..=0x0DFF | 0x0E00..=0x0EFF | 0x1000..=0x109F
            | 0x1780..=0x17FF | 0x1160..=0x11FF | 0x200B..=0x200F | 0xFE00..=0xFE0F);
        let base_ok = matches!(c as u32, 0x0E01..=0x0E30 | 0x0E81..=0x0EB0 | 0x1780..=0x17B3
            | 0x1000..=0x102A | 0x0904..=0x0939);
        let emoji = matches!(c as u32, 0x2600..=0x27BF | 0x1F000..=0x1FAFF);
        match self.measure {
            Measure::MarksTakeACell if mark && !base_ok => 1,
            Measure::MarksTakeNone if mark && !base_ok => 0,
            Measure::WideEmoji if emoji => 2,
            _ => unicode,
        }
    }

    fn at(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height).then(|| y as usize * self.width as usize + x as usize)
    }

    /// Puts text in a cell, breaking any wide character it lands on.
    fn put(&mut self, x: u16, y: u16, text: String, wide: bool) {
        let Some(i) = self.at(x, y) else { return };
        if self.halves[i] && i > 0 {
            self.cells[i - 1].clear();
        }
        if let Some(j) = self.at(x + 1, y)
            && self.halves[j]
            && !(wide && x + 1 < self.width)
        {
            self.cells[j].clear();
            self.halves[j] = false;
        }
        self.cells[i] = text;
        self.halves[i] = false;
        if wide && let Some(j) = self.at(x + 1, y) {
            self.cells[j].clear();
            self.halves[j] = true;
        }
    }

    fn print(&mut self, c: char) {
        let w = self.width_of(c);
        if w == 0 {
            if let Some(i) = self.last {
                self.cells[i].push(c);
            }
            return;
        }
        if self.x >= self.width {
            return;
        }
        self.put(self.x, self.y, c.to_string(), w == 2);
        self.last = self.at(self.x, self.y);
        self.x = (self.x + w as u16).min(self.width);
    }
}

impl Emulator for Model_ {
    fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\x1b' {
                self.print(c);
                continue;
            }
            assert_eq!(chars.next(), Some('['), "only CSI sequences are expected");
            let mut params = String::new();
            let end = loop {
                let Some(n) = chars.next() else { return };
                if n.is_ascii_alphabetic() {
                    break n;
                }
                params.push(n);
            };
            let private = params.starts_with('?');
            let numbers: Vec<u16> = params
                .trim_start_matches('?')
                .split(';')
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            let n = |i: usize, default: u16| {
                numbers
                    .get(i)
                    .copied()
                    .filter(|&v| v > 0)
                    .unwrap_or(default)
            };
            self.last = None;
            match (end, private) {
                ('H', false) => {
                    self.y = n(0, 1) - 1;
                    self.x = n(1, 1) - 1;
                }
                ('C', false) => self.x = (self.x + n(0, 1)).min(self.width),
                ('D', false) => self.x = self.x.saturating_sub(n(0, 1)),
                ('X', false) => {
                    for k in 0..n(0, 1) {
                        self.put(self.x + k, self.y, String::new(), false);
                    }
                }
                ('J', false) if numbers[0] == 2 => {
                    self.cells.iter_mut().for_each(String::clear);
                    self.halves.iter_mut().for_each(|h| *h = false);
                }
                ('K', false) => {
                    for k in self.x..self.width {
                        self.put(k, self.y, String::new(), false);
                    }
                }
                ('m', false) | ('h', true) | ('l', true) => {}
                (other, p) => panic!("unexpected sequence {params:?}{other} (private: {p})"),
            }
        }
    }

    fn row(&self, y: u16) -> Vec<String> {
        let from = y as usize * self.width as usize;
        self.cells[from..from + self.width as usize].to_vec()
    }

    fn resize(&mut self, width: u16, height: u16) {
        *self = Model_::new(self.measure, width, height);
    }
}

/// The frame kembar meant to draw, as (column, symbol, width) per row, covered cells left out.
fn intended(buffer: &Buffer) -> Vec<Vec<(u16, String, u16)>> {
    let width = buffer.area.width;
    (0..buffer.area.height)
        .map(|y| {
            let mut row = Vec::new();
            let mut x = 0;
            while x < width {
                let cell = &buffer[(x, y)];
                let w = kembar::tui::cells::cluster_width(cell.symbol()).max(1) as u16;
                row.push((x, cell.symbol().to_string(), w));
                x += w;
            }
            row
        })
        .collect()
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// vt100 measures as kembar does: each cluster's span holds exactly the cluster, except for
/// clusters terminals disagree about, which it may draw its own way (but leave no strays).
fn check_exact(emulator: &dyn Emulator, frame: &Buffer, what: &str) -> Result<(), String> {
    check_no_strays(emulator, frame, what)?;
    for (y, row) in intended(frame).iter().enumerate() {
        let shown = emulator.row(y as u16);
        for (x, symbol, w) in row {
            if kembar::tui::cells::fragile(symbol) {
                continue;
            }
            let span: String =
                shown[*x as usize..(*x + *w).min(shown.len() as u16) as usize].concat();
            let want = kembar::domain::text::display_safe(symbol).into_owned();
            if span.trim_end() != want.trim_end() && !(blank(&span) && blank(&want)) {
                return Err(format!(
                    "{what}: row {y}, column {x}: the terminal shows {span:?} where {want:?} was \
                     drawn\n{}",
                    text_rows(emulator, frame.area.height)
                ));
            }
        }
    }
    Ok(())
}

/// A terminal that measures differently may draw a cluster narrower or cut, but nothing may
/// sit where the frame did not put it.
fn check_no_strays(emulator: &dyn Emulator, frame: &Buffer, what: &str) -> Result<(), String> {
    for (y, row) in intended(frame).iter().enumerate() {
        let shown = emulator.row(y as u16);
        for (x, text) in shown.iter().enumerate() {
            if blank(text) {
                continue;
            }
            let owner = row
                .iter()
                .rev()
                .find(|(cx, _, _)| *cx as usize <= x)
                .filter(|(cx, _, w)| x < (*cx + *w) as usize);
            let ok = owner.is_some_and(|(_, symbol, _)| {
                text.graphemes(true)
                    .all(|g| g.chars().all(|c| symbol.contains(c)))
            });
            if !ok {
                return Err(format!(
                    "{what}: row {y}, column {x}: {text:?} left where the frame has {:?}\n{}",
                    owner.map(|o| &o.1),
                    text_rows(emulator, frame.area.height)
                ));
            }
        }
    }
    Ok(())
}

fn text_rows(emulator: &dyn Emulator, height: u16) -> String {
    (0..height)
        .map(|y| emulator.row(y).concat())
        .collect::<Vec<_>>()
        .join("\n")
}

struct Session {
    _dir: TempDir,
    store: Store,
    model: Model,
    terminal: Terminal<Screen<Vec<u8>>>,
    size: Arc<Mutex<(u16, u16)>>,
    theme: Theme,
}

impl Session {
    fn new(lang: Lang) -> Session {
        let dir = TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("store"), "test").unwrap();
        let actor = Actor::new("t", "t");
        store
            .import(&dataset(), "scripts", ImportMode::Merge, &actor)
            .unwrap();
        let (model, effects) = Model::new(
            store.load_catalog().unwrap(),
            Start::local("2026-11-29".parse().unwrap(), lang),
        );
        let size = Arc::new(Mutex::new((80, 24)));
        let screen = Screen::new(
            Vec::new(),
            SizeSource::Shared(Arc::clone(&size)),
            ColorDepth::TrueColor,
        );
        let mut s = Session {
            _dir: dir,
            store,
            model,
            terminal: Terminal::new(screen).unwrap(),
            size,
            theme: Theme::builtin("default").unwrap(),
        };
        s.run(effects);
        s
    }

    fn run(&mut self, mut effects: Vec<Effect>) {
        let actor = Actor::new("t", "t");
        while let Some(effect) = effects.pop() {
            if effect == Effect::Repaint {
                let (w, h) = *self.size.lock().unwrap();
                self.terminal
                    .resize(ratatui::layout::Rect::new(0, 0, w, h))
                    .unwrap();
                continue;
            }
            let mut sink = Vec::new();
            if let Some(action) = kembar::tui::run_effect(effect, &self.store, &actor, &mut sink) {
                effects.extend(update(&mut self.model, action));
            }
        }
    }

    fn act(&mut self, action: Action) {
        let effects = update(&mut self.model, action);
        self.run(effects);
    }

    /// Draws a frame; returns what was meant and the bytes sent for it.
    fn frame(&mut self) -> (Buffer, Vec<u8>) {
        let theme = self.theme.clone();
        let model = &self.model;
        let completed = self
            .terminal
            .draw(|f| {
                view::view(model, &theme, f);
            })
            .unwrap();
        let buffer = completed.buffer.clone();
        let bytes = std::mem::take(self.terminal.backend_mut().writer());
        (buffer, bytes)
    }

    fn resize(&mut self, w: u16, h: u16) {
        *self.size.lock().unwrap() = (w, h);
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, w, h))
            .unwrap();
        self.act(Action::Resize(w, h));
    }
}

/// The keys of the scripted session, with the resizes between them.
fn script() -> Vec<Result<Cmd, (u16, u16)>> {
    use Cmd::*;
    let mut keys: Vec<Result<Cmd, (u16, u16)>> = Vec::new();
    keys.push(Ok(Open));
    for _ in 0..NAMES.len() {
        keys.extend([Ok(Down), Ok(NextPane), Ok(PrevPane)]);
    }
    keys.extend([
        Ok(Top),
        Ok(Open),
        Ok(Down),
        Ok(Down),
        Ok(NextPane),
        Ok(Down),
        Ok(Back),
    ]);
    keys.push(Err((60, 15)));
    keys.extend([Ok(Down), Ok(Edit), Ok(NextPane), Ok(NextPane), Ok(Back)]);
    keys.push(Err((120, 40)));
    keys.extend([Ok(Tags), Ok(Down), Ok(Back), Ok(Help), Ok(Back)]);
    keys.extend([Ok(Finder)]);
    keys.extend("siem".chars().map(|c| Ok(Insert(c))));
    keys.extend([
        Ok(Down),
        Ok(Back),
        Ok(Triage),
        Ok(Down),
        Ok(Down),
        Ok(Open),
        Ok(Back),
    ]);
    keys.push(Err((100, 30)));
    keys.extend([
        Ok(Back),
        Ok(LogActivity),
        Ok(Back),
        Ok(Bottom),
        Ok(Up),
        Ok(Up),
    ]);
    keys.push(Err((80, 24)));
    for _ in 0..NAMES.len() {
        keys.extend([Ok(Up), Ok(Open), Ok(Back)]);
    }
    keys
}

fn run_script(emulators: &mut [(&str, Box<dyn Emulator>, bool)], lang: Lang) {
    let mut s = Session::new(lang);
    let mut step = String::from("start");
    for e in emulators.iter_mut() {
        e.1.resize(80, 24);
    }
    let mut history: Vec<String> = Vec::new();
    for key in std::iter::once(None).chain(script().into_iter().map(Some)) {
        match key {
            None => {}
            Some(Ok(cmd)) => {
                step = format!("after {cmd:?}");
                s.act(Action::Cmd(cmd));
                s.act(Action::Rest);
            }
            Some(Err((w, h))) => {
                step = format!("after resizing to {w}x{h}");
                s.resize(w, h);
                for e in emulators.iter_mut() {
                    e.1.resize(w, h);
                }
            }
        }
        let (frame, bytes) = s.frame();
        history.push(format!("{step}: {:?}", String::from_utf8_lossy(&bytes)));
        for (name, emulator, exact) in emulators.iter_mut() {
            emulator.feed(&bytes);
            let what = format!("{name} {step}");
            let result = if *exact {
                check_exact(emulator.as_ref(), &frame, &what)
            } else {
                check_no_strays(emulator.as_ref(), &frame, &what)
            };
            if let Err(e) = result {
                let recent = history
                    .iter()
                    .rev()
                    .take(3)
                    .rev()
                    .cloned()
                    .collect::<Vec<_>>();
                panic!("{e}\nthe last frames' bytes:\n{}", recent.join("\n"));
            }
        }
    }
}

#[test]
fn vt100_shows_exactly_the_frames_drawn_in_every_script() {
    for lang in [Lang::En, Lang::Id] {
        let mut emulators: Vec<(&str, Box<dyn Emulator>, bool)> = vec![(
            "vt100",
            Box::new(Vt100(vt100::Parser::new(24, 80, 0))),
            true,
        )];
        run_script(&mut emulators, lang);
    }
}

#[test]
fn terminals_that_measure_otherwise_are_left_no_stray_cells() {
    let mut emulators: Vec<(&str, Box<dyn Emulator>, bool)> = vec![
        (
            "marks take a cell",
            Box::new(Model_::new(Measure::MarksTakeACell, 80, 24)),
            false,
        ),
        (
            "marks take none",
            Box::new(Model_::new(Measure::MarksTakeNone, 80, 24)),
            false,
        ),
        (
            "emoji take two",
            Box::new(Model_::new(Measure::WideEmoji, 80, 24)),
            false,
        ),
    ];
    run_script(&mut emulators, Lang::En);
}

/// The bytes carry colours no deeper than the terminal takes.
#[test]
fn colour_depth_follows_the_terminal_on_the_bytes_written() {
    use kembar::tui::screen::ColorChoice;
    let cases = [
        (
            ColorChoice::Auto,
            Some("xterm-256color"),
            Some("truecolor"),
            false,
            ColorDepth::TrueColor,
        ),
        (
            ColorChoice::Auto,
            Some("xterm-256color"),
            None,
            false,
            ColorDepth::Indexed256,
        ),
        (
            ColorChoice::Auto,
            Some("linux"),
            None,
            false,
            ColorDepth::Ansi16,
        ),
        (
            ColorChoice::Auto,
            Some("vt100"),
            None,
            false,
            ColorDepth::Ansi16,
        ),
        (
            ColorChoice::Auto,
            Some("screen"),
            None,
            false,
            ColorDepth::Ansi16,
        ),
        (
            ColorChoice::Auto,
            Some("dumb"),
            None,
            false,
            ColorDepth::None,
        ),
        (
            ColorChoice::Auto,
            Some("xterm-256color"),
            Some("24bit"),
            true,
            ColorDepth::None,
        ),
        (
            ColorChoice::Never,
            Some("xterm-256color"),
            Some("truecolor"),
            false,
            ColorDepth::None,
        ),
        (
            ColorChoice::Always,
            Some("linux"),
            None,
            true,
            ColorDepth::Ansi16,
        ),
    ];
    for (choice, term, colorterm, no_color, expected) in cases {
        let depth = ColorDepth::detect(choice, term, colorterm, no_color);
        assert_eq!(
            depth, expected,
            "{choice:?} {term:?} {colorterm:?} {no_color}"
        );
        let mut s = Session::new(Lang::En);
        let theme = if depth == ColorDepth::None {
            Theme::monochrome()
        } else {
            Theme::builtin("default").unwrap()
        };
        s.theme = theme;
        *s.terminal.backend_mut() =
            Screen::new(Vec::new(), SizeSource::Shared(Arc::clone(&s.size)), depth);
        s.act(Action::Cmd(Cmd::Open));
        let (_, bytes) = s.frame();
        let text = String::from_utf8_lossy(&bytes);
        // The parameters of every SGR sequence sent.
        let sgr: Vec<String> = text
            .split('\x1b')
            .filter_map(|seq| seq.strip_prefix('['))
            .filter_map(|seq| {
                let end = seq.find(|c: char| c.is_ascii_alphabetic())?;
                (seq[end..].starts_with('m')).then(|| seq[..end].to_string())
            })
            .collect();
        let has = |f: &dyn Fn(&str) -> bool| sgr.iter().any(|p| f(p));
        let truecolor = has(&|p| p.contains("38;2;") || p.contains("48;2;"));
        let indexed = has(&|p| p.contains("38;5;") || p.contains("48;5;"));
        let basic = has(&|p| {
            p.split(';').any(|n| {
                n.parse::<u8>()
                    .is_ok_and(|n| matches!(n, 30..=37 | 40..=47 | 90..=97 | 100..=107))
            })
        });
        let context = format!("{term:?} {colorterm:?} {no_color} {choice:?}");
        match depth {
            ColorDepth::TrueColor => assert!(truecolor, "{context}"),
            ColorDepth::Indexed256 => assert!(indexed && !truecolor, "{context}"),
            ColorDepth::Ansi16 => assert!(basic && !indexed && !truecolor, "{context}"),
            ColorDepth::None => assert!(!basic && !indexed && !truecolor, "{context}: {text:?}"),
        }
    }
}
