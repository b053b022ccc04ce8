//! Bytes from an SSH client's terminal, turned into the key events the dashboard's key
//! tables know. terminput parses the escape sequences; anything it cannot parse is dropped,
//! so a client sending garbage only loses its own keys.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A paste larger than this many bytes is cut off: the fields hold at most 20,000
/// characters (80 KB at four bytes each) anyway, and a session must not hold more whatever
/// the client sends.
pub const PASTE_MAX: usize = 256 << 10;
/// The longest escape sequence kept while waiting for its end.
pub const SEQUENCE_MAX: usize = 64;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Collects bytes across packets until they make an event.
#[derive(Debug, Default)]
pub struct InputParser {
    pending: Vec<u8>,
    /// Inside a paste that passed the limit: bytes are dropped until its end marker, so the
    /// rest of it can never turn into keys.
    overflow: bool,
    /// The last bytes seen while dropping, to find the end marker across packets.
    tail: Vec<u8>,
}

impl InputParser {
    /// Bytes held while waiting for the rest of a sequence or paste: at most
    /// [`PASTE_MAX`] plus the paste markers, whatever the client sends.
    pub fn buffered(&self) -> usize {
        self.pending.len() + self.tail.len()
    }

    /// Feeds the bytes of one packet; returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if self.overflow {
                self.tail.push(b);
                if self.tail.len() > PASTE_END.len() {
                    self.tail.remove(0);
                }
                if self.tail == PASTE_END {
                    self.overflow = false;
                    self.tail.clear();
                }
                continue;
            }
            self.pending.push(b);
            let more = i + 1 < bytes.len();
            // A lone ESC followed by more bytes in the same packet starts a sequence; at the
            // end of a packet it is the Esc key.
            if self.pending == [0x1b] && more {
                continue;
            }
            // Inside a paste, only its end marker can finish it: parsing at every byte of a
            // large paste would cost time in the square of its length.
            if self.pending.starts_with(PASTE_START) {
                if self.pending.ends_with(PASTE_END) {
                    let inner =
                        &self.pending[PASTE_START.len()..self.pending.len() - PASTE_END.len()];
                    events.push(Event::Paste(paste_text(inner)));
                    self.pending.clear();
                } else if self.pending.len() > PASTE_MAX {
                    // Keep what fits, drop the rest up to the end marker.
                    let inner = &self.pending[PASTE_START.len()..];
                    events.push(Event::Paste(paste_text(inner)));
                    self.pending.clear();
                    self.overflow = true;
                }
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    if let Some(event) = to_crossterm(event) {
                        events.push(event);
                    }
                    self.pending.clear();
                }
                Ok(None) if self.pending.len() < SEQUENCE_MAX => {}
                // Garbage, or a sequence too long to be one: drop it.
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        events
    }
}

/// A paste's text, never longer than [`PASTE_MAX`] bytes (invalid bytes become U+FFFD,
/// which is longer than the byte it replaces).
fn paste_text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.len() > PASTE_MAX {
        let mut end = PASTE_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn to_crossterm(event: terminput::Event) -> Option<Event> {
    match event {
        terminput::Event::Key(key) => key_event(key).map(Event::Key),
        terminput::Event::Paste(text) => Some(Event::Paste(text)),
        // Sizes come from the SSH window-change request; mouse and focus are not used.
        _ => None,
    }
}

fn key_event(key: terminput::KeyEvent) -> Option<KeyEvent> {
    use terminput::KeyCode as K;
    let mut modifiers = KeyModifiers::NONE;
    let m = key.modifiers;
    if m.intersects(terminput::KeyModifiers::SHIFT) {
        modifiers |= KeyModifiers::SHIFT;
    }
    if m.intersects(terminput::KeyModifiers::CTRL) {
        modifiers |= KeyModifiers::CONTROL;
    }
    if m.intersects(terminput::KeyModifiers::ALT) {
        modifiers |= KeyModifiers::ALT;
    }
    let code = match key.code {
        K::Backspace => KeyCode::Backspace,
        K::Enter => KeyCode::Enter,
        K::Left => KeyCode::Left,
        K::Right => KeyCode::Right,
        K::Up => KeyCode::Up,
        K::Down => KeyCode::Down,
        K::Home => KeyCode::Home,
        K::End => KeyCode::End,
        K::PageUp => KeyCode::PageUp,
        K::PageDown => KeyCode::PageDown,
        K::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        K::Tab => KeyCode::Tab,
        K::Delete => KeyCode::Delete,
        K::Insert => KeyCode::Insert,
        K::F(n) => KeyCode::F(n),
        K::Char(c) => KeyCode::Char(c),
        K::Esc => KeyCode::Esc,
        _ => return None,
    };
    let kind = match key.kind {
        terminput::KeyEventKind::Press => KeyEventKind::Press,
        terminput::KeyEventKind::Repeat => KeyEventKind::Repeat,
        terminput::KeyEventKind::Release => KeyEventKind::Release,
    };
    Some(KeyEvent::new_with_kind(code, modifiers, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(events: &[Event]) -> Vec<(KeyCode, KeyModifiers)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn letters_arrows_controls_and_escape() {
        let mut p = InputParser::default();
        let events = p.feed(b"jk\x1b[A\x13\r\x7f\x1b[Z");
        assert_eq!(
            keys(&events),
            vec![
                (KeyCode::Char('j'), KeyModifiers::NONE),
                (KeyCode::Char('k'), KeyModifiers::NONE),
                (KeyCode::Up, KeyModifiers::NONE),
                (KeyCode::Char('s'), KeyModifiers::CONTROL),
                (KeyCode::Enter, KeyModifiers::NONE),
                (KeyCode::Backspace, KeyModifiers::NONE),
                (KeyCode::BackTab, KeyModifiers::SHIFT),
            ]
        );
        // Esc alone at the end of a packet is the Esc key.
        assert_eq!(
            keys(&p.feed(b"\x1b")),
            vec![(KeyCode::Esc, KeyModifiers::NONE)]
        );
    }

    #[test]
    fn a_sequence_split_across_packets_and_a_paste() {
        let mut p = InputParser::default();
        assert!(p.feed(b"\x1b[").is_empty());
        assert_eq!(
            keys(&p.feed(b"B")),
            vec![(KeyCode::Down, KeyModifiers::NONE)]
        );
        let mut paste = b"\x1b[200~".to_vec();
        paste.extend(std::iter::repeat_n(b'x', 100_000));
        let events = p.feed(&paste);
        assert!(events.is_empty());
        let events = p.feed(b"\x1b[201~q");
        assert!(matches!(&events[0], Event::Paste(t) if t.len() == 100_000));
        assert_eq!(
            keys(&events),
            vec![(KeyCode::Char('q'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn an_oversized_paste_never_turns_into_keys() {
        let mut p = InputParser::default();
        let mut paste = b"\x1b[200~".to_vec();
        paste.extend(std::iter::repeat_n(b'd', PASTE_MAX + 10));
        paste.extend_from_slice(b"yyyq");
        let events = p.feed(&paste);
        assert!(keys(&events).is_empty(), "paste bytes became keys");
        assert!(matches!(&events[0], Event::Paste(_)));
        let events = p.feed(b"qqq\x1b[20");
        assert!(keys(&events).is_empty());
        let events = p.feed(b"1~j");
        assert_eq!(
            keys(&events),
            vec![(KeyCode::Char('j'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn garbage_is_dropped_and_what_follows_still_works() {
        let mut p = InputParser::default();
        let mut junk: Vec<u8> = (0u8..=255).cycle().take(5000).collect();
        junk.extend_from_slice(
            b"\x1b[999;999;999;999;999;999;999;999;999;999;999;999;999;999;999;999;999;999X",
        );
        let _ = p.feed(&junk);
        let _ = p.feed(&[0xff, 0xfe, 0x1b, 0x1b, 0x1b]);
        assert_eq!(
            keys(&p.feed(b"j")).last(),
            Some(&(KeyCode::Char('j'), KeyModifiers::NONE))
        );
    }
}
