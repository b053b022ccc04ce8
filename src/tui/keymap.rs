//! Keys as data. The same table drives key handling, the hint bar and the `?` overlay, so the
//! help shown can never drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::i18n::T;

/// What a key asks the dashboard to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    Open,
    Back,
    Help,
    Copy,
    CycleSort,
    Quit,
    /// Filter the focused list (`/`).
    Filter,
    /// Jump anywhere (`Ctrl-p`).
    Finder,
    /// The triage queue (`T`).
    Triage,
    /// Type a character into the open input.
    Insert(char),
    DeleteBack,
    DeleteWord,
    ClearInput,
    /// Cursor moves inside a text field.
    Left,
    Right,
    Home,
    End,
    DeleteForward,
    /// Save the open form (`Ctrl-s`).
    Save,
    /// Take the store's version after a conflict (`Ctrl-l`).
    Reload,
    /// Check or uncheck (Space in a checklist).
    Toggle,
    /// A new agreement (`n`); a new tag in the checklist.
    New,
    /// Edit the selected agreement (`e`).
    Edit,
    /// Log an activity on the selected agreement (`a`).
    LogActivity,
    /// Obstacle tags of the selected agreement (`t`).
    Tags,
    /// Delete the selected agreement (`d`), after asking.
    Delete,
    /// Move the selected agreement to the next lifecycle stage (`>`).
    AdvanceStage,
    /// Record a renewal of the MoU (`R`).
    Renew,
    /// Record an assessment (kajian) of the selected agreement (`A`).
    Assess,
    /// Write the meeting brief of the selected agreement (`B`).
    Brief,
    Undo,
    Redo,
    /// Triage: mark the agreement for renewal (`r`), revitalization (`v`), or propose
    /// termination (`x`); pressing it again takes the mark back.
    MarkRenewal,
    MarkRevitalization,
    ProposeTermination,
    /// Triage: leave the queue until a date, with a note (`z`).
    Snooze,
    /// Triage: a next step with an owner and a due date (`f`).
    FollowUp,
    /// Triage: the earliest open follow-up is done (`F`).
    FollowUpDone,
    /// Triage: remove the mark and the snooze (`c`).
    ClearMarks,
    /// Clear the terminal and draw everything again (`Ctrl-l`).
    Redraw,
    /// The world map of the partners (`M`).
    Map,
    /// The country's figures year by year (`Y`).
    Trends,
    /// Map: closer (`+`) and further (`-`).
    ZoomIn,
    ZoomOut,
    /// Map: back to the view that shows every partner (`0`).
    ResetView,
    /// Map: the whole country, or back to the region (`w`).
    WholeCountry,
    /// The seat of government of the region selected or mapped (`E`).
    EditRegion,
}

/// Where keys are looked up: the screen or overlay in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Browsing the panes.
    Browse,
    /// Typing a filter for the list in front.
    Filter,
    /// One agreement in full.
    Agreement,
    /// The triage queue.
    Triage,
    /// A list of agreements (those carrying a tag, with a partner, in a country).
    List,
    /// The world map of partners.
    Map,
    /// The figures year by year.
    Trends,
    /// The jump-anywhere finder.
    Finder,
    /// Filling in a form.
    Form,
    /// The obstacle-tag checklist.
    Checklist,
    /// A question waiting for an answer (delete? discard changes?): letters answer it.
    Prompt,
    /// The key overlay.
    Help,
    /// A text to scroll through (a brief shown in an SSH session).
    Reader,
}

/// A key as written in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && event.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
            Key::Code(code) => event.code == code,
        }
    }

    /// How the key is written in hints and help.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{c}"),
            Key::Code(code) => match code {
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                other => format!("{other:?}"),
            },
        }
    }
}

/// One row of a key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub cmd: Cmd,
    pub label: T,
    /// Shown in the bottom hint bar (all available bindings are shown in the `?` overlay).
    pub hint: bool,
}

/// A binding shown in the hint bar.
const fn hint(keys: &'static [Key], cmd: Cmd, label: T) -> Binding {
    Binding {
        keys,
        cmd,
        label,
        hint: true,
    }
}

/// A binding shown only in the help.
const fn more(keys: &'static [Key], cmd: Cmd, label: T) -> Binding {
    Binding {
        keys,
        cmd,
        label,
        hint: false,
    }
}

use Key::{Char as K, Code as C, Ctrl};
use KeyCode::*;

const MOVE: &[Key] = &[K('j'), K('k'), C(Down), C(Up)];
const PANES: &[Key] = &[C(Tab), C(BackTab), K('l'), K('h'), C(Right), C(Left)];
const ENDS: &[Key] = &[K('g'), K('G'), C(Home), C(End)];
const PAGES: &[Key] = &[C(PageDown), C(PageUp)];
const QUIT: &[Key] = &[K('q'), Ctrl('c')];
const UNDO: &[Key] = &[K('u'), Ctrl('r')];

/// Browsing: regions, relationships, detail.
pub const BROWSE: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(PANES, Cmd::NextPane, T::KeyPane),
    hint(&[C(Enter)], Cmd::Open, T::KeyOpen),
    hint(&[C(Esc)], Cmd::Back, T::KeyBack),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    hint(QUIT, Cmd::Quit, T::KeyQuit),
    hint(&[K('/')], Cmd::Filter, T::KeyFilter),
    hint(&[Ctrl('p')], Cmd::Finder, T::KeyFinder),
    more(&[K('T')], Cmd::Triage, T::KeyTriage),
    hint(&[K('M')], Cmd::Map, T::KeyMap),
    hint(&[K('y')], Cmd::Copy, T::KeyCopy),
    hint(&[K('e')], Cmd::Edit, T::KeyEdit),
    more(&[K('n')], Cmd::New, T::KeyNew),
    more(&[K('a')], Cmd::LogActivity, T::KeyLogActivity),
    more(&[K('t')], Cmd::Tags, T::KeyTags),
    more(&[K('>')], Cmd::AdvanceStage, T::KeyAdvanceStage),
    more(&[K('R')], Cmd::Renew, T::KeyRenew),
    more(&[K('A')], Cmd::Assess, T::KeyAssess),
    more(&[K('B')], Cmd::Brief, T::KeyBrief),
    more(&[K('d')], Cmd::Delete, T::KeyDelete),
    more(&[K('E')], Cmd::EditRegion, T::KeyEditSeat),
    more(UNDO, Cmd::Undo, T::KeyUndo),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[K('s')], Cmd::CycleSort, T::KeySort),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
];

/// Typing a filter; any other character is typed.
pub const FILTER: &[Binding] = &[
    hint(&[C(Down), C(Up)], Cmd::Down, T::KeyMove),
    hint(&[C(Enter)], Cmd::Open, T::KeyKeepFilter),
    hint(&[C(Esc)], Cmd::Back, T::KeyClearFilter),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[C(Backspace)], Cmd::DeleteBack, T::KeyDeleteBack),
    more(&[Ctrl('w')], Cmd::DeleteWord, T::KeyDeleteWord),
    hint(&[Ctrl('u')], Cmd::ClearInput, T::KeyClear),
    more(&[Ctrl('c')], Cmd::Quit, T::KeyQuit),
];

/// One agreement in full: its detail and its timeline.
pub const AGREEMENT: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(PANES, Cmd::NextPane, T::KeyPane),
    hint(&[C(Esc)], Cmd::Back, T::KeyBack),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    hint(&[K('e')], Cmd::Edit, T::KeyEdit),
    hint(&[K('a')], Cmd::LogActivity, T::KeyLogActivity),
    hint(&[K('y')], Cmd::Copy, T::KeyCopy),
    more(&[K('t')], Cmd::Tags, T::KeyTags),
    more(&[K('>')], Cmd::AdvanceStage, T::KeyAdvanceStage),
    more(&[K('R')], Cmd::Renew, T::KeyRenew),
    more(&[K('A')], Cmd::Assess, T::KeyAssess),
    more(&[K('B')], Cmd::Brief, T::KeyBrief),
    more(&[K('d')], Cmd::Delete, T::KeyDelete),
    more(UNDO, Cmd::Undo, T::KeyUndo),
    more(&[Ctrl('p')], Cmd::Finder, T::KeyFinder),
    more(&[K('T')], Cmd::Triage, T::KeyTriage),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// The triage queue.
pub const TRIAGE: &[Binding] = &[
    more(MOVE, Cmd::Down, T::KeyMove),
    more(&[C(Enter)], Cmd::Open, T::KeyOpen),
    hint(&[K('Y')], Cmd::Trends, T::KeyTrends),
    hint(&[K('r')], Cmd::MarkRenewal, T::KeyMarkRenewal),
    hint(&[K('v')], Cmd::MarkRevitalization, T::KeyMarkRevitalization),
    hint(&[K('x')], Cmd::ProposeTermination, T::KeyProposeTermination),
    hint(&[K('z')], Cmd::Snooze, T::KeySnooze),
    hint(&[K('f')], Cmd::FollowUp, T::KeyFollowUp),
    more(&[K('F')], Cmd::FollowUpDone, T::KeyFollowUpDone),
    more(&[K('c')], Cmd::ClearMarks, T::KeyClearMarks),
    hint(&[K('/')], Cmd::Filter, T::KeyFilter),
    hint(&[K('M')], Cmd::Map, T::KeyMapCountry),
    more(&[K('e')], Cmd::Edit, T::KeyEdit),
    more(&[K('a')], Cmd::LogActivity, T::KeyLogActivity),
    more(&[K('t')], Cmd::Tags, T::KeyTags),
    more(&[K('R')], Cmd::Renew, T::KeyRenew),
    more(&[K('A')], Cmd::Assess, T::KeyAssess),
    more(&[K('B')], Cmd::Brief, T::KeyBrief),
    more(&[K('y')], Cmd::Copy, T::KeyCopy),
    more(UNDO, Cmd::Undo, T::KeyUndo),
    hint(&[C(Esc), K('T')], Cmd::Back, T::KeyBack),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    more(&[Ctrl('p')], Cmd::Finder, T::KeyFinder),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// A list of agreements found by tag, partner or country.
pub const LIST: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(&[C(Enter)], Cmd::Open, T::KeyOpen),
    hint(&[C(Esc)], Cmd::Back, T::KeyBack),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    hint(&[K('/')], Cmd::Filter, T::KeyFilter),
    hint(&[K('e')], Cmd::Edit, T::KeyEdit),
    more(&[K('a')], Cmd::LogActivity, T::KeyLogActivity),
    more(&[K('t')], Cmd::Tags, T::KeyTags),
    more(&[K('A')], Cmd::Assess, T::KeyAssess),
    more(&[K('B')], Cmd::Brief, T::KeyBrief),
    more(&[K('y')], Cmd::Copy, T::KeyCopy),
    more(UNDO, Cmd::Undo, T::KeyUndo),
    more(&[Ctrl('p')], Cmd::Finder, T::KeyFinder),
    more(&[K('T')], Cmd::Triage, T::KeyTriage),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// The world map of partners.
pub const MAP: &[Binding] = &[
    hint(&[C(Tab), C(BackTab)], Cmd::NextPane, T::KeyNextPartner),
    hint(&[C(Enter)], Cmd::Open, T::KeyOpen),
    hint(&[C(Esc), K('M')], Cmd::Back, T::KeyBack),
    hint(&[K('+'), K('-')], Cmd::ZoomIn, T::KeyZoom),
    hint(&[C(Right), C(Left)], Cmd::Right, T::KeyPan),
    more(&[C(Down), C(Up)], Cmd::Down, T::KeyPan),
    hint(&[K('0')], Cmd::ResetView, T::KeyResetView),
    hint(&[K('w')], Cmd::WholeCountry, T::KeyWholeCountry),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    more(&[K('=')], Cmd::ZoomIn, T::KeyZoomIn),
    more(&[K('Y')], Cmd::Trends, T::KeyTrends),
    more(&[K('E')], Cmd::EditRegion, T::KeyEditSeat),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// The figures year by year.
pub const TRENDS: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(&[C(Esc), K('Y')], Cmd::Back, T::KeyBack),
    hint(&[K('M')], Cmd::Map, T::KeyMapCountry),
    hint(&[K('?')], Cmd::Help, T::KeyHelp),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[Ctrl('l')], Cmd::Redraw, T::KeyRedraw),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// The finder; any other character is typed.
pub const FINDER: &[Binding] = &[
    hint(
        &[C(Down), C(Up), Ctrl('n'), Ctrl('p'), Ctrl('j'), Ctrl('k')],
        Cmd::Down,
        T::KeyMove,
    ),
    hint(&[C(Enter)], Cmd::Open, T::KeyChoose),
    hint(&[C(Esc)], Cmd::Back, T::KeyCancel),
    more(PAGES, Cmd::PageDown, T::KeyPage),
    more(&[C(Backspace)], Cmd::DeleteBack, T::KeyDeleteBack),
    more(&[Ctrl('w')], Cmd::DeleteWord, T::KeyDeleteWord),
    hint(&[Ctrl('u')], Cmd::ClearInput, T::KeyClear),
    more(&[Ctrl('c')], Cmd::Quit, T::KeyQuit),
];

/// A form; any other character is typed into the focused field.
pub const FORM: &[Binding] = &[
    hint(&[C(Tab), C(BackTab)], Cmd::NextPane, T::KeyField),
    hint(&[Ctrl('s')], Cmd::Save, T::KeySave),
    hint(&[C(Esc)], Cmd::Back, T::KeyCancel),
    more(&[C(Down), C(Up)], Cmd::Down, T::KeyFieldOrChoice),
    hint(&[C(Enter)], Cmd::Open, T::KeyAccept),
    more(&[C(Right), C(Left)], Cmd::Right, T::KeyCursor),
    more(
        &[C(End), C(Home), Ctrl('e'), Ctrl('a')],
        Cmd::End,
        T::KeyLineEnds,
    ),
    more(&[C(Backspace)], Cmd::DeleteBack, T::KeyDeleteBack),
    more(
        &[C(Delete), Ctrl('d')],
        Cmd::DeleteForward,
        T::KeyDeleteForward,
    ),
    more(&[Ctrl('w')], Cmd::DeleteWord, T::KeyDeleteWord),
    more(&[Ctrl('u')], Cmd::ClearInput, T::KeyClear),
    more(&[Ctrl('l')], Cmd::Reload, T::KeyReload),
    more(&[Ctrl('c')], Cmd::Quit, T::KeyQuit),
];

/// The obstacle-tag checklist.
pub const CHECKLIST: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(&[K(' '), K('x')], Cmd::Toggle, T::KeyToggle),
    hint(&[K('n')], Cmd::New, T::KeyNewTag),
    hint(&[K('d')], Cmd::Edit, T::KeyTagsDay),
    hint(&[C(Enter), Ctrl('s')], Cmd::Save, T::KeySave),
    hint(&[C(Esc)], Cmd::Back, T::KeyCancel),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// A question: letters are the answers, Esc declines.
pub const PROMPT: &[Binding] = &[
    more(&[C(Esc)], Cmd::Back, T::KeyCancel),
    more(&[Ctrl('c')], Cmd::Quit, T::KeyQuit),
];

/// The key overlay.
pub const HELP: &[Binding] = &[
    hint(&[C(Esc), K('?')], Cmd::Back, T::KeyCloseHelp),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// A text to read.
pub const READER: &[Binding] = &[
    hint(MOVE, Cmd::Down, T::KeyMove),
    hint(PAGES, Cmd::PageDown, T::KeyPage),
    more(ENDS, Cmd::Top, T::KeyTopBottom),
    hint(&[C(Esc)], Cmd::Back, T::KeyBack),
    more(QUIT, Cmd::Quit, T::KeyQuit),
];

/// The table of a place.
pub fn table(context: Context) -> &'static [Binding] {
    match context {
        Context::Browse => BROWSE,
        Context::Filter => FILTER,
        Context::Agreement => AGREEMENT,
        Context::Triage => TRIAGE,
        Context::List => LIST,
        Context::Map => MAP,
        Context::Trends => TRENDS,
        Context::Finder => FINDER,
        Context::Form => FORM,
        Context::Checklist => CHECKLIST,
        Context::Prompt => PROMPT,
        Context::Help => HELP,
        Context::Reader => READER,
    }
}

/// Where every character typed goes into an input rather than to a binding.
fn types(context: Context) -> bool {
    matches!(
        context,
        Context::Filter | Context::Finder | Context::Form | Context::Prompt
    )
}

/// Keys whose binding row above stands for two directions: the second key of each pair
/// does the opposite command.
fn opposite(cmd: Cmd) -> Cmd {
    match cmd {
        Cmd::Down => Cmd::Up,
        Cmd::NextPane => Cmd::PrevPane,
        Cmd::Top => Cmd::Bottom,
        Cmd::PageDown => Cmd::PageUp,
        Cmd::Right => Cmd::Left,
        Cmd::End => Cmd::Home,
        Cmd::Undo => Cmd::Redo,
        Cmd::ZoomIn => Cmd::ZoomOut,
        other => other,
    }
}

/// The command for a key press in a place, if any.
pub fn lookup(context: Context, event: &KeyEvent) -> Option<Cmd> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(cmd) = lookup_in(table(context), event) {
        return Some(cmd);
    }
    match event.code {
        KeyCode::Char(c)
            if types(context)
                && !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Cmd::Insert(c))
        }
        _ => None,
    }
}

/// The commands a binding stands for: paired rows (j k, Tab Shift-Tab, u Ctrl-r) stand for a
/// command and its opposite.
pub fn commands(binding: &Binding) -> [Cmd; 2] {
    [binding.cmd, opposite(binding.cmd)]
}

fn lookup_in(table: &[Binding], event: &KeyEvent) -> Option<Cmd> {
    for binding in table {
        for (i, key) in binding.keys.iter().enumerate() {
            if key.matches(event) {
                // Paired rows list keys as (forward, backward) pairs: j k ↓ ↑, Tab Shift-Tab...
                let paired = binding.cmd != opposite(binding.cmd);
                return Some(if paired && i % 2 == 1 {
                    opposite(binding.cmd)
                } else {
                    binding.cmd
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn pairs_map_to_both_directions() {
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::Char('j'))),
            Some(Cmd::Down)
        );
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::Char('k'))),
            Some(Cmd::Up)
        );
        assert_eq!(lookup(Context::Browse, &press(KeyCode::Up)), Some(Cmd::Up));
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::BackTab)),
            Some(Cmd::PrevPane)
        );
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::Char('h'))),
            Some(Cmd::PrevPane)
        );
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::Char('G'))),
            Some(Cmd::Bottom)
        );
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::PageUp)),
            Some(Cmd::PageUp)
        );
        assert_eq!(
            lookup(Context::Browse, &press(KeyCode::Enter)),
            Some(Cmd::Open)
        );
    }

    #[test]
    fn ctrl_c_quits_and_plain_c_does_not() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Browse, &ctrl_c), Some(Cmd::Quit));
        assert_eq!(lookup(Context::Browse, &press(KeyCode::Char('c'))), None);
    }

    #[test]
    fn every_key_is_bound_once() {
        let mut seen = Vec::new();
        for table in [
            BROWSE, FILTER, AGREEMENT, TRIAGE, LIST, MAP, TRENDS, FINDER, FORM, CHECKLIST, PROMPT,
            HELP, READER,
        ] {
            seen.clear();
            for b in table {
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn typing_mode_types_letters_that_browse_mode_binds() {
        assert_eq!(
            lookup(Context::Finder, &press(KeyCode::Char('q'))),
            Some(Cmd::Insert('q'))
        );
        assert_eq!(
            lookup(Context::Finder, &press(KeyCode::Char('j'))),
            Some(Cmd::Insert('j'))
        );
        assert_eq!(
            lookup(Context::Finder, &press(KeyCode::Esc)),
            Some(Cmd::Back)
        );
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Finder, &ctrl('p')), Some(Cmd::Up));
        assert_eq!(lookup(Context::Finder, &ctrl('c')), Some(Cmd::Quit));
        assert_eq!(lookup(Context::Browse, &ctrl('p')), Some(Cmd::Finder));
    }
}
