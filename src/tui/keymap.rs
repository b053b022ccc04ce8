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
}

/// Which table keys are looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Browsing the panes.
    Browse,
    /// Typing into the filter or the finder.
    Input,
    /// Filling in a form.
    Form,
    /// The obstacle-tag checklist.
    Checklist,
    /// A question waiting for an answer (delete? discard changes?): letters answer it.
    Prompt,
    /// The triage queue.
    Triage,
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

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub cmd: Cmd,
    pub label: T,
    /// Shown in the bottom hint bar (all bindings are shown in the `?` overlay).
    pub hint: bool,
}

use KeyCode as C;

/// The dashboard's keys, in the order help lists them.
pub const DASHBOARD: &[Binding] = &[
    Binding {
        keys: &[
            Key::Char('j'),
            Key::Char('k'),
            Key::Code(C::Down),
            Key::Code(C::Up),
        ],
        cmd: Cmd::Down,
        label: T::KeyMove,
        hint: true,
    },
    Binding {
        keys: &[
            Key::Code(C::Tab),
            Key::Code(C::BackTab),
            Key::Char('l'),
            Key::Char('h'),
            Key::Code(C::Right),
            Key::Code(C::Left),
        ],
        cmd: Cmd::NextPane,
        label: T::KeyPane,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Enter)],
        cmd: Cmd::Open,
        label: T::KeyOpen,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Esc)],
        cmd: Cmd::Back,
        label: T::KeyBack,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('?')],
        cmd: Cmd::Help,
        label: T::KeyHelp,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('/')],
        cmd: Cmd::Filter,
        label: T::KeyFilter,
        hint: true,
    },
    Binding {
        keys: &[Key::Ctrl('p')],
        cmd: Cmd::Finder,
        label: T::KeyFinder,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('T')],
        cmd: Cmd::Triage,
        label: T::KeyTriage,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('y')],
        cmd: Cmd::Copy,
        label: T::KeyCopy,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('e')],
        cmd: Cmd::Edit,
        label: T::KeyEdit,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('n')],
        cmd: Cmd::New,
        label: T::KeyNew,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('a')],
        cmd: Cmd::LogActivity,
        label: T::KeyLogActivity,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('t')],
        cmd: Cmd::Tags,
        label: T::KeyTags,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('>')],
        cmd: Cmd::AdvanceStage,
        label: T::KeyAdvanceStage,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('R')],
        cmd: Cmd::Renew,
        label: T::KeyRenew,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('d')],
        cmd: Cmd::Delete,
        label: T::KeyDelete,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('u'), Key::Ctrl('r')],
        cmd: Cmd::Undo,
        label: T::KeyUndo,
        hint: false,
    },
    Binding {
        keys: &[
            Key::Char('g'),
            Key::Char('G'),
            Key::Code(C::Home),
            Key::Code(C::End),
        ],
        cmd: Cmd::Top,
        label: T::KeyTopBottom,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::PageDown), Key::Code(C::PageUp)],
        cmd: Cmd::PageDown,
        label: T::KeyPage,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('s')],
        cmd: Cmd::CycleSort,
        label: T::KeySort,
        hint: false,
    },
];

/// Keys while typing a filter or a finder query; any other character is typed.
pub const INPUT: &[Binding] = &[
    Binding {
        keys: &[
            Key::Code(C::Down),
            Key::Code(C::Up),
            Key::Ctrl('n'),
            Key::Ctrl('p'),
            Key::Ctrl('j'),
            Key::Ctrl('k'),
        ],
        cmd: Cmd::Down,
        label: T::KeyMove,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Enter)],
        cmd: Cmd::Open,
        label: T::KeyChoose,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Esc)],
        cmd: Cmd::Back,
        label: T::KeyCancel,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::PageDown), Key::Code(C::PageUp)],
        cmd: Cmd::PageDown,
        label: T::KeyPage,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Backspace)],
        cmd: Cmd::DeleteBack,
        label: T::KeyDeleteBack,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('w')],
        cmd: Cmd::DeleteWord,
        label: T::KeyDeleteWord,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('u')],
        cmd: Cmd::ClearInput,
        label: T::KeyClear,
        hint: true,
    },
    Binding {
        keys: &[Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: false,
    },
];

/// Keys on the triage screen.
pub const TRIAGE: &[Binding] = &[
    Binding {
        keys: &[
            Key::Char('j'),
            Key::Char('k'),
            Key::Code(C::Down),
            Key::Code(C::Up),
        ],
        cmd: Cmd::Down,
        label: T::KeyMove,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Enter)],
        cmd: Cmd::Open,
        label: T::KeyOpen,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('r')],
        cmd: Cmd::MarkRenewal,
        label: T::KeyMarkRenewal,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('v')],
        cmd: Cmd::MarkRevitalization,
        label: T::KeyMarkRevitalization,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('x')],
        cmd: Cmd::ProposeTermination,
        label: T::KeyProposeTermination,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('z')],
        cmd: Cmd::Snooze,
        label: T::KeySnooze,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('f')],
        cmd: Cmd::FollowUp,
        label: T::KeyFollowUp,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('F')],
        cmd: Cmd::FollowUpDone,
        label: T::KeyFollowUpDone,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('c')],
        cmd: Cmd::ClearMarks,
        label: T::KeyClearMarks,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('/')],
        cmd: Cmd::Filter,
        label: T::KeyFilter,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('u'), Key::Ctrl('r')],
        cmd: Cmd::Undo,
        label: T::KeyUndo,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Esc), Key::Char('T')],
        cmd: Cmd::Back,
        label: T::KeyBack,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('?')],
        cmd: Cmd::Help,
        label: T::KeyHelp,
        hint: true,
    },
    Binding {
        keys: &[Key::Ctrl('p')],
        cmd: Cmd::Finder,
        label: T::KeyFinder,
        hint: false,
    },
    Binding {
        keys: &[
            Key::Char('g'),
            Key::Char('G'),
            Key::Code(C::Home),
            Key::Code(C::End),
        ],
        cmd: Cmd::Top,
        label: T::KeyTopBottom,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::PageDown), Key::Code(C::PageUp)],
        cmd: Cmd::PageDown,
        label: T::KeyPage,
        hint: false,
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: false,
    },
];

/// Keys in a form; any other character is typed into the focused field.
pub const FORM: &[Binding] = &[
    Binding {
        keys: &[Key::Code(C::Tab), Key::Code(C::BackTab)],
        cmd: Cmd::NextPane,
        label: T::KeyField,
        hint: true,
    },
    Binding {
        keys: &[Key::Ctrl('s')],
        cmd: Cmd::Save,
        label: T::KeySave,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Esc)],
        cmd: Cmd::Back,
        label: T::KeyCancel,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Down), Key::Code(C::Up)],
        cmd: Cmd::Down,
        label: T::KeyFieldOrChoice,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Enter)],
        cmd: Cmd::Open,
        label: T::KeyAccept,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Right), Key::Code(C::Left)],
        cmd: Cmd::Right,
        label: T::KeyCursor,
        hint: false,
    },
    Binding {
        keys: &[
            Key::Code(C::End),
            Key::Code(C::Home),
            Key::Ctrl('e'),
            Key::Ctrl('a'),
        ],
        cmd: Cmd::End,
        label: T::KeyLineEnds,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Backspace)],
        cmd: Cmd::DeleteBack,
        label: T::KeyDeleteBack,
        hint: false,
    },
    Binding {
        keys: &[Key::Code(C::Delete), Key::Ctrl('d')],
        cmd: Cmd::DeleteForward,
        label: T::KeyDeleteForward,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('w')],
        cmd: Cmd::DeleteWord,
        label: T::KeyDeleteWord,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('u')],
        cmd: Cmd::ClearInput,
        label: T::KeyClear,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('l')],
        cmd: Cmd::Reload,
        label: T::KeyReload,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: false,
    },
];

/// Keys in the obstacle-tag checklist.
pub const CHECKLIST: &[Binding] = &[
    Binding {
        keys: &[
            Key::Char('j'),
            Key::Char('k'),
            Key::Code(C::Down),
            Key::Code(C::Up),
        ],
        cmd: Cmd::Down,
        label: T::KeyMove,
        hint: true,
    },
    Binding {
        keys: &[Key::Char(' '), Key::Char('x')],
        cmd: Cmd::Toggle,
        label: T::KeyToggle,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('n')],
        cmd: Cmd::New,
        label: T::KeyNewTag,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Enter), Key::Ctrl('s')],
        cmd: Cmd::Save,
        label: T::KeySave,
        hint: true,
    },
    Binding {
        keys: &[Key::Code(C::Esc)],
        cmd: Cmd::Back,
        label: T::KeyCancel,
        hint: true,
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: false,
    },
];

/// Keys while a question waits: letters are the answers, Esc declines.
pub const PROMPT: &[Binding] = &[
    Binding {
        keys: &[Key::Code(C::Esc)],
        cmd: Cmd::Back,
        label: T::KeyCancel,
        hint: false,
    },
    Binding {
        keys: &[Key::Ctrl('c')],
        cmd: Cmd::Quit,
        label: T::KeyQuit,
        hint: false,
    },
];

/// The table for a mode.
pub fn table(mode: Mode) -> &'static [Binding] {
    match mode {
        Mode::Browse => DASHBOARD,
        Mode::Input => INPUT,
        Mode::Form => FORM,
        Mode::Checklist => CHECKLIST,
        Mode::Prompt => PROMPT,
        Mode::Triage => TRIAGE,
    }
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
        other => other,
    }
}

/// The command for a key press in a mode, if any.
pub fn lookup(mode: Mode, event: &KeyEvent) -> Option<Cmd> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(cmd) = lookup_in(table(mode), event) {
        return Some(cmd);
    }
    match (mode, event.code) {
        (Mode::Input | Mode::Form | Mode::Prompt, KeyCode::Char(c))
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Cmd::Insert(c))
        }
        _ => None,
    }
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
            lookup(Mode::Browse, &press(KeyCode::Char('j'))),
            Some(Cmd::Down)
        );
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::Char('k'))),
            Some(Cmd::Up)
        );
        assert_eq!(lookup(Mode::Browse, &press(KeyCode::Up)), Some(Cmd::Up));
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::BackTab)),
            Some(Cmd::PrevPane)
        );
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::Char('h'))),
            Some(Cmd::PrevPane)
        );
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::Char('G'))),
            Some(Cmd::Bottom)
        );
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::PageUp)),
            Some(Cmd::PageUp)
        );
        assert_eq!(
            lookup(Mode::Browse, &press(KeyCode::Enter)),
            Some(Cmd::Open)
        );
    }

    #[test]
    fn ctrl_c_quits_and_plain_c_does_not() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Mode::Browse, &ctrl_c), Some(Cmd::Quit));
        assert_eq!(lookup(Mode::Browse, &press(KeyCode::Char('c'))), None);
    }

    #[test]
    fn every_key_is_bound_once() {
        let mut seen = Vec::new();
        for table in [DASHBOARD, INPUT, FORM, CHECKLIST, PROMPT, TRIAGE] {
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
            lookup(Mode::Input, &press(KeyCode::Char('q'))),
            Some(Cmd::Insert('q'))
        );
        assert_eq!(
            lookup(Mode::Input, &press(KeyCode::Char('j'))),
            Some(Cmd::Insert('j'))
        );
        assert_eq!(lookup(Mode::Input, &press(KeyCode::Esc)), Some(Cmd::Back));
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(lookup(Mode::Input, &ctrl('p')), Some(Cmd::Up));
        assert_eq!(lookup(Mode::Input, &ctrl('c')), Some(Cmd::Quit));
        assert_eq!(lookup(Mode::Browse, &ctrl('p')), Some(Cmd::Finder));
    }
}
