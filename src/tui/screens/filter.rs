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
    fields: impl FnMut(&K) -> Vec<String>,
) -> (Vec<K>, Marks<K>) {
    filtered_loose_until(rows, filter, usize::MAX, fields)
}

/// [`filtered`] where fields after the first `loose` are sentences, matched only at the
/// start of their words (see [`crate::search::match_fields_loose_until`]).
pub fn filtered_loose_until<K: Clone>(
    rows: &[K],
    filter: Option<&FilterInput>,
    loose: usize,
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
        if let Some(m) = crate::search::match_fields_loose_until(&refs, loose, &query) {
            kept.push((row.clone(), m.exact));
            marks.push((row.clone(), m.positions));
        }
    }
    // Rows where the query's words start words win: "siem" keeps Siem Reap and leaves out
    // the names it only matches with gaps. A typo ("queenslnd") has no such row and keeps
    // its gapped matches.
    if kept.iter().any(|(_, exact)| *exact) {
        let gapped: Vec<usize> = (0..kept.len()).filter(|&i| !kept[i].1).collect();
        for i in gapped.into_iter().rev() {
            kept.remove(i);
            marks.remove(i);
        }
    }
    (kept.into_iter().map(|(row, _)| row).collect(), marks)
}
