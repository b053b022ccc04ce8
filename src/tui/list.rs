//! Lists that keep their selection by identity.
//!
//! A [`Picker`] holds the ids of a list's rows in display order and the id of the selected
//! one. The row on screen is derived from the id, so rebuilding the rows (a save, a filter,
//! another session's change, a resize) never moves the selection to another record: it stays
//! on the same one while it is listed, and otherwise moves to its nearest neighbour.

use std::collections::HashSet;
use std::hash::Hash;

/// A movement of the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
}

#[derive(Debug, Clone)]
pub struct Picker<K> {
    rows: Vec<K>,
    /// The selected row, when there is one.
    at: Option<usize>,
    /// The id last selected, remembered while it is not listed (a filter that matches
    /// nothing), so that it is selected again when it comes back.
    wanted: Option<K>,
    /// First row shown, as last scrolled.
    offset: usize,
}

impl<K> Default for Picker<K> {
    fn default() -> Self {
        Picker {
            rows: Vec::new(),
            at: None,
            wanted: None,
            offset: 0,
        }
    }
}

impl<K: Clone + Eq + Hash> Picker<K> {
    pub fn new(rows: Vec<K>) -> Picker<K> {
        let mut p = Picker::default();
        p.set_rows(rows);
        p
    }

    pub fn rows(&self) -> &[K] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The selected id.
    pub fn selected(&self) -> Option<&K> {
        self.at.and_then(|i| self.rows.get(i))
    }

    /// The selected row.
    pub fn cursor(&self) -> Option<usize> {
        self.at
    }

    /// Whether the first row is selected (or nothing is).
    pub fn at_top(&self) -> bool {
        self.at.is_none_or(|i| i == 0)
    }

    /// Replaces the rows. The selection stays on the same id when it is still listed; else
    /// it moves to the nearest row of the old list that is still listed (the one below
    /// first); else to the row at the same position; nothing is selected only when the list
    /// is empty.
    pub fn set_rows(&mut self, rows: Vec<K>) {
        let old = std::mem::replace(&mut self.rows, rows);
        if self.rows.is_empty() {
            if let Some(i) = self.at {
                self.wanted = old.get(i).cloned().or(self.wanted.take());
            }
            self.at = None;
            self.offset = 0;
            return;
        }
        if let Some(wanted) = self.selected_in(&old).or(self.wanted.clone())
            && let Some(i) = self.rows.iter().position(|k| *k == wanted)
        {
            self.place(i);
            return;
        }
        if let Some(i) = self.at.filter(|&i| i < old.len()) {
            let listed: HashSet<&K> = self.rows.iter().collect();
            let below = old[i + 1..].iter();
            let above = old[..i].iter().rev();
            let neighbour = interleave(below, above).find(|k| listed.contains(k));
            if let Some(k) = neighbour.cloned()
                && let Some(j) = self.rows.iter().position(|r| *r == k)
            {
                self.place(j);
                return;
            }
        }
        let i = self.at.unwrap_or(0).min(self.rows.len() - 1);
        self.place(i);
    }

    fn selected_in(&self, old: &[K]) -> Option<K> {
        self.at.and_then(|i| old.get(i)).cloned()
    }

    fn place(&mut self, i: usize) {
        self.at = Some(i);
        self.wanted = self.rows.get(i).cloned();
    }

    /// Selects `id` if it is listed; returns whether it is.
    pub fn select(&mut self, id: &K) -> bool {
        match self.rows.iter().position(|k| k == id) {
            Some(i) => {
                self.place(i);
                true
            }
            None => false,
        }
    }

    /// Selects a row by position (clamped); used for the first row of a fresh list.
    pub fn select_row(&mut self, row: usize) {
        if !self.rows.is_empty() {
            self.place(row.min(self.rows.len() - 1));
        }
    }

    /// Moves the selection; `page` is the number of rows a page key moves. Returns whether
    /// another row is selected.
    pub fn step(&mut self, movement: Move, page: usize) -> bool {
        let Some(last) = self.rows.len().checked_sub(1) else {
            return false;
        };
        let now = self.at.unwrap_or(0);
        let page = page.max(1);
        let next = match movement {
            Move::Up => now.saturating_sub(1),
            Move::Down => (now + 1).min(last),
            Move::Top => 0,
            Move::Bottom => last,
            Move::PageUp => now.saturating_sub(page),
            Move::PageDown => (now + page).min(last),
        };
        let moved = self.at != Some(next);
        self.place(next);
        moved
    }

    /// The first row to show in a window of `height` rows: the selection is always inside
    /// it, the window moves as little as possible from where it was, and it never shows
    /// empty rows below while rows above are hidden.
    pub fn offset_for(&self, height: usize) -> usize {
        if height == 0 {
            return 0;
        }
        let max = self.rows.len().saturating_sub(height);
        let mut offset = self.offset.min(max);
        if let Some(c) = self.at {
            if c < offset {
                offset = c;
            } else if c >= offset + height {
                offset = c + 1 - height;
            }
        }
        offset
    }

    /// Keeps the window where [`Picker::offset_for`] puts it (after a draw at `height`).
    pub fn scroll_to_fit(&mut self, height: usize) {
        self.offset = self.offset_for(height);
    }
}

/// a0, b0, a1, b1, …, then the rest of the longer one.
fn interleave<'a, K: 'a>(
    a: impl Iterator<Item = &'a K>,
    b: impl Iterator<Item = &'a K>,
) -> impl Iterator<Item = &'a K> {
    let mut a = a.fuse();
    let mut b = b.fuse();
    let mut turn = false;
    std::iter::from_fn(move || {
        turn = !turn;
        if turn {
            a.next().or_else(|| b.next())
        } else {
            b.next().or_else(|| a.next())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_selection_follows_its_id_when_rows_move() {
        let mut p = Picker::new(vec![1, 2, 3, 4]);
        p.select(&3);
        p.set_rows(vec![3, 1, 2, 4]);
        assert_eq!(p.selected(), Some(&3));
        assert_eq!(p.cursor(), Some(0));
    }

    #[test]
    fn a_vanished_row_hands_the_selection_to_its_neighbour() {
        let mut p = Picker::new(vec![1, 2, 3, 4, 5]);
        p.select(&3);
        p.set_rows(vec![1, 2, 4, 5]);
        assert_eq!(p.selected(), Some(&4), "the one below first");
        p.select(&5);
        p.set_rows(vec![1, 2]);
        assert_eq!(p.selected(), Some(&2), "else the nearest above");
    }

    #[test]
    fn an_empty_filter_remembers_the_selection() {
        let mut p = Picker::new(vec![1, 2, 3]);
        p.select(&2);
        p.set_rows(vec![]);
        assert_eq!(p.selected(), None);
        p.set_rows(vec![1, 2, 3]);
        assert_eq!(p.selected(), Some(&2));
    }

    #[test]
    fn the_window_never_leaves_empty_rows_below_hidden_ones() {
        let mut p = Picker::new((0..10).collect::<Vec<u32>>());
        p.select(&9);
        p.scroll_to_fit(3);
        assert_eq!(p.offset_for(3), 7);
        // Taller now: show everything rather than rows 7..9 and seven empty rows.
        assert_eq!(p.offset_for(10), 0);
        assert_eq!(p.offset_for(8), 2);
    }

    proptest! {
        /// Whatever the rows become, a selection exists when rows do, lies inside them, stays
        /// on its id while listed, and the window shows it without empty rows below hidden
        /// ones.
        #[test]
        fn selection_rules_hold(
            steps in proptest::collection::vec(
                (proptest::collection::vec(0u8..30, 0..25), 0usize..6, 1usize..12),
                1..40,
            )
        ) {
            let mut p: Picker<u8> = Picker::default();
            for (rows, movement, height) in steps {
                let mut rows = rows;
                rows.dedup();
                let mut seen = HashSet::new();
                rows.retain(|r| seen.insert(*r));
                let before = p.selected().copied();
                p.set_rows(rows.clone());
                if let Some(b) = before
                    && rows.contains(&b)
                {
                    prop_assert_eq!(p.selected(), Some(&b));
                }
                prop_assert_eq!(p.selected().is_some(), !rows.is_empty());
                let m = [Move::Up, Move::Down, Move::Top, Move::Bottom, Move::PageUp, Move::PageDown][movement];
                p.step(m, height);
                let offset = p.offset_for(height);
                if let Some(c) = p.cursor() {
                    prop_assert!(c < rows.len());
                    prop_assert!(c >= offset && c < offset + height);
                }
                if offset > 0 {
                    prop_assert!(offset + height <= rows.len(), "empty rows below hidden ones");
                }
                p.scroll_to_fit(height);
            }
        }
    }
}
