//! The `/` filter a list screen keeps: what was typed, and whether keys still go to it.

use crate::domain::text::is_unsafe_char;
use crate::search::normalize_query;

use super::super::keymap::Cmd;

/// Longest text the filter holds.
pub const FILTER_MAX: usize = 256;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterInput {
    pub text: String,
    /// Keys go to the input; false once Enter kept the filter.
    pub typing: bool,
}

/// What a key did to a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// The text changed: filter again.
    Changed,
    /// Enter: keep the filter and go back to the list's keys.
    Kept,
    /// Esc: the filter is gone.
    Cleared,
    /// Not a filter key (movement keys, for one).
    Other,
}

impl FilterInput {
    pub fn typing() -> FilterInput {
        FilterInput {
            text: String::new(),
            typing: true,
        }
    }

    /// The query as matched.
    pub fn query(&self) -> String {
        normalize_query(&self.text)
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn key(&mut self, cmd: Cmd) -> FilterKey {
        match cmd {
            Cmd::Insert(c) if !is_unsafe_char(c) => {
                if self.text.chars().count() >= FILTER_MAX {
                    return FilterKey::Other;
                }
                self.text.push(c);
                FilterKey::Changed
            }
            Cmd::DeleteBack => {
                if self.text.pop().is_some() {
                    FilterKey::Changed
                } else {
                    FilterKey::Other
                }
            }
            Cmd::DeleteWord => {
                let trimmed = self.text.trim_end().len();
                self.text.truncate(trimmed);
                let cut = self.text.rfind(' ').map_or(0, |i| i + 1);
                self.text.truncate(cut);
                FilterKey::Changed
            }
            Cmd::ClearInput => {
                self.text.clear();
                FilterKey::Changed
            }
            Cmd::Open => {
                self.typing = false;
                FilterKey::Kept
            }
            Cmd::Back => FilterKey::Cleared,
            _ => FilterKey::Other,
        }
    }

    /// Pasted text, typed character by character (control characters dropped).
    pub fn paste(&mut self, text: &str) -> bool {
        let mut changed = false;
        for c in text.chars().filter(|c| !is_unsafe_char(*c)) {
            if self.text.chars().count() >= FILTER_MAX {
                break;
            }
            self.text.push(c);
            changed = true;
        }
        changed
    }
}

/// For each row a filter kept, the matched letters of each of its fields.
pub type Marks<K> = Vec<(K, Vec<Vec<usize>>)>;

/// Which ids of `rows` pass a filter, in their order, with each one's highlight positions
/// for its first field. `fields` gives a row's fields to match.
pub fn filtered<K: Clone>(
    rows: &[K],
    filter: Option<&FilterInput>,
    mut fields: impl FnMut(&K) -> Vec<String>,
) -> (Vec<K>, Marks<K>) {
    let query = filter.map(FilterInput::query).unwrap_or_default();
    if query.is_empty() {
        return (rows.to_vec(), Vec::new());
    }
    let mut kept = Vec::new();
    let mut marks = Vec::new();
    for row in rows {
        let texts = fields(row);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Some(m) = crate::search::match_fields(&refs, &query) {
            kept.push(row.clone());
            marks.push((row.clone(), m.positions));
        }
    }
    (kept, marks)
}
