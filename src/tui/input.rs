//! A one-line text input that edits by grapheme: the cursor never lands inside "é" written
//! as e + accent, a Khmer syllable or an emoji, and widths are measured per grapheme so CJK
//! text scrolls correctly. Typed and pasted text is cleaned on the way in: control
//! characters and terminal escape sequences are dropped, line breaks become spaces, and the
//! length limit is enforced with the count shown beside the field.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Byte offset of the cursor, always on a grapheme boundary.
    cursor: usize,
    /// Most characters the field holds.
    max: usize,
    /// Characters held (kept to avoid counting a 20,000-character note at every key).
    chars: usize,
    /// Keeps line breaks and tabs (notes, descriptions); shown as ↵ and a space.
    multiline: bool,
}

/// What happened to text offered to the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inserted {
    /// Characters that went in.
    pub kept: usize,
    /// Control characters and escape sequences dropped.
    pub stripped: usize,
    /// Characters that did not fit under the limit.
    pub cut: usize,
}

impl TextInput {
    /// A one-line input: line breaks typed or pasted become spaces.
    pub fn new(text: &str, max: usize) -> TextInput {
        TextInput::with(text, max, false)
    }

    /// An input for free text that keeps line breaks.
    pub fn multiline(text: &str, max: usize) -> TextInput {
        TextInput::with(text, max, true)
    }

    fn with(text: &str, max: usize, multiline: bool) -> TextInput {
        let mut input = TextInput {
            text: String::new(),
            cursor: 0,
            max,
            chars: 0,
            multiline,
        };
        input.insert(text);
        input.cursor = input.text.len();
        input
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn max(&self) -> usize {
        self.max
    }

    pub fn len(&self) -> usize {
        self.chars
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replaces the whole text, cursor at the end.
    pub fn set(&mut self, text: &str) {
        self.text.clear();
        self.chars = 0;
        self.cursor = 0;
        self.insert(text);
        self.cursor = self.text.len();
    }

    /// Inserts text at the cursor, cleaned and cut to the limit.
    pub fn insert(&mut self, raw: &str) -> Inserted {
        let (clean, stripped) = clean(raw, self.multiline);
        let room = self.max.saturating_sub(self.chars);
        let total = clean.chars().count();
        let keep = if total <= room {
            clean
        } else {
            // Cut on a grapheme boundary so no half character is left behind.
            let mut kept = String::new();
            let mut count = 0;
            for g in clean.graphemes(true) {
                let n = g.chars().count();
                if count + n > room {
                    break;
                }
                kept.push_str(g);
                count += n;
            }
            kept
        };
        let kept = keep.chars().count();
        self.text.insert_str(self.cursor, &keep);
        self.cursor += keep.len();
        self.chars += kept;
        Inserted {
            kept,
            stripped,
            cut: total - kept,
        }
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map(|g| self.cursor + g.len())
    }

    pub fn left(&mut self) -> bool {
        self.prev_boundary().map(|i| self.cursor = i).is_some()
    }

    pub fn right(&mut self) -> bool {
        self.next_boundary().map(|i| self.cursor = i).is_some()
    }

    pub fn home(&mut self) -> bool {
        std::mem::replace(&mut self.cursor, 0) != 0
    }

    pub fn end(&mut self) -> bool {
        std::mem::replace(&mut self.cursor, self.text.len()) != self.text.len()
    }

    /// Start of the word before the cursor (skipping spaces first).
    fn word_start(&self) -> usize {
        let mut at = self.cursor;
        for (i, w) in self.text[..self.cursor].split_word_bound_indices().rev() {
            at = i;
            if !w.trim().is_empty() {
                break;
            }
        }
        at
    }

    fn word_end(&self) -> usize {
        let mut at = self.cursor;
        for (i, w) in self.text[self.cursor..].split_word_bound_indices() {
            at = self.cursor + i + w.len();
            if !w.trim().is_empty() {
                break;
            }
        }
        at
    }

    pub fn word_left(&mut self) -> bool {
        let to = self.word_start();
        std::mem::replace(&mut self.cursor, to) != to
    }

    pub fn word_right(&mut self) -> bool {
        let to = self.word_end();
        std::mem::replace(&mut self.cursor, to) != to
    }

    fn remove(&mut self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        self.chars -= self.text[from..to].chars().count();
        self.text.replace_range(from..to, "");
        self.cursor = from;
        true
    }

    pub fn backspace(&mut self) -> bool {
        match self.prev_boundary() {
            Some(i) => self.remove(i, self.cursor),
            None => false,
        }
    }

    pub fn delete(&mut self) -> bool {
        match self.next_boundary() {
            Some(i) => self.remove(self.cursor, i),
            None => false,
        }
    }

    pub fn delete_word(&mut self) -> bool {
        let from = self.word_start();
        self.remove(from, self.cursor)
    }

    pub fn clear(&mut self) -> bool {
        let changed = !self.text.is_empty();
        self.text.clear();
        self.chars = 0;
        self.cursor = 0;
        changed
    }

    /// The part of the text that fits in `width` columns with the cursor in view, and the
    /// cursor's column within it. Line breaks show as ↵ and tabs as a space.
    pub fn window(&self, width: usize) -> (String, usize) {
        let width = width.max(1);
        let cell = |g: &str| -> usize {
            match g {
                "\n" | "\r\n" | "\t" => 1,
                g => g.width(),
            }
        };
        let before = &self.text[..self.cursor];
        // Start far enough right that the cursor (plus one cell for it) fits.
        let mut start = 0;
        let mut used: usize = before.graphemes(true).map(cell).sum();
        if used >= width {
            for (i, g) in before.grapheme_indices(true) {
                if used < width {
                    break;
                }
                used -= cell(g);
                start = i + g.len();
            }
        }
        let mut shown = String::new();
        let mut cells = 0;
        for g in self.text[start..].graphemes(true) {
            let w = cell(g);
            if cells + w > width {
                break;
            }
            cells += w;
            match g {
                "\n" | "\r\n" => shown.push('↵'),
                "\t" => shown.push(' '),
                g => shown.push_str(g),
            }
        }
        (shown, used)
    }
}

/// Drops control characters and whole escape sequences (CSI `ESC [ … final`, OSC
/// `ESC ] … BEL/ST`, and two-character escapes). Line breaks and tabs are kept in multiline
/// text and become spaces elsewhere.
/// Returns the clean text and how many characters were dropped.
pub fn clean(raw: &str, multiline: bool) -> (String, usize) {
    if !raw.chars().any(crate::domain::text::is_unsafe_char) {
        return (raw.to_string(), 0);
    }
    let mut out = String::with_capacity(raw.len());
    let mut dropped = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if multiline => out.push(c),
            '\r' if multiline => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(' '),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(' ');
                }
            }
            '\x1b' => {
                dropped += 1;
                match chars.peek() {
                    Some('[') => {
                        chars.next();
                        dropped += 1;
                        for n in chars.by_ref() {
                            dropped += 1;
                            if ('\x40'..='\x7e').contains(&n) {
                                break;
                            }
                        }
                    }
                    Some(']') | Some('P') | Some('_') | Some('^') => {
                        chars.next();
                        dropped += 1;
                        while let Some(n) = chars.next() {
                            dropped += 1;
                            if n == '\x07' {
                                break;
                            }
                            if n == '\x1b' && chars.peek() == Some(&'\\') {
                                chars.next();
                                dropped += 1;
                                break;
                            }
                        }
                    }
                    Some(_) => {
                        chars.next();
                        dropped += 1;
                    }
                    None => {}
                }
            }
            c if crate::domain::text::is_unsafe_char(c) => dropped += 1,
            c => out.push(c),
        }
    }
    (out, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_moves_by_grapheme() {
        // "e" + combining acute, a Khmer syllable with a subscript consonant, and Hangul.
        let mut input = TextInput::new("e\u{301}ក្រ충", 100);
        assert!(input.left());
        assert_eq!(&input.text()[input.cursor..], "충");
        assert!(input.left());
        assert_eq!(&input.text()[input.cursor..], "ក្រ충");
        assert!(input.backspace());
        assert_eq!(input.text(), "ក្រ충");
        assert_eq!(input.len(), 4);
        assert!(!input.backspace());
    }

    #[test]
    fn escape_sequences_and_controls_are_stripped() {
        let (text, dropped) = clean("a\x1b[2Jb\x1b]0;title\x07c\u{7}d\ne", false);
        assert_eq!(text, "abcd e");
        assert!(dropped > 5);
        let (kept, _) = clean("one\r\ntwo\tthree\x1b[1m", true);
        assert_eq!(kept, "one\ntwo\tthree");
    }

    #[test]
    fn the_limit_holds_for_a_megabyte_paste() {
        let mut input = TextInput::new("", 200);
        let pasted = "x".repeat(1 << 20);
        let result = input.insert(&pasted);
        assert_eq!(result.kept, 200);
        assert_eq!(result.cut, (1 << 20) - 200);
        assert_eq!(input.len(), 200);
        assert!(input.insert("y").cut == 1);
    }

    #[test]
    fn window_keeps_the_cursor_visible_with_wide_characters() {
        let input = TextInput::new("福建省福建省福建省", 100);
        let (shown, at) = input.window(7);
        assert!(shown.as_str().width() <= 7);
        assert!(at <= 7);
        assert!(shown.ends_with('省'));
    }

    #[test]
    fn words_are_deleted_back_to_a_space() {
        let mut input = TextInput::new("Jawa Tengah  ", 100);
        assert!(input.delete_word());
        assert_eq!(input.text(), "Jawa ");
        input.home();
        assert!(input.word_right());
        assert_eq!(input.cursor, 4);
    }
}
