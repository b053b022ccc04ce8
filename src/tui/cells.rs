//! Text as terminal cells: the one place that decides how many columns a piece of text
//! takes, and which of its grapheme clusters terminals may disagree about.
//!
//! Widths are those ratatui lays out with (Unicode's East Asian width of each cluster), so
//! that what is measured here and what is drawn agree. Some clusters are drawn differently
//! by different terminals: combining marks of Khmer, Thai, Lao, Myanmar and the Indic
//! scripts, conjoining Hangul jamo, emoji and emoji sequences (variation selectors, zero
//! width joiners). Those are *fragile*: the screen writer (`tui::screen`) clears their
//! columns, draws them, repositions the cursor explicitly after them and repaints the cell
//! they could spill into, so whatever width a terminal gives them, no stray cell is left.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// One grapheme cluster and the columns it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cluster<'a> {
    pub text: &'a str,
    pub width: usize,
}

impl Cluster<'_> {
    /// Whether terminals may draw this cluster in another width than it is given.
    pub fn fragile(&self) -> bool {
        fragile(self.text)
    }
}

/// The clusters of `text` that take columns, in order. Zero-width ones (a lone combining mark,
/// a joiner) are left out, as ratatui leaves them out.
pub fn clusters(text: &str) -> impl Iterator<Item = Cluster<'_>> {
    text.graphemes(true)
        .map(|g| Cluster {
            text: g,
            width: cluster_width(g),
        })
        .filter(|c| c.width > 0)
}

/// The columns one cluster takes, as ratatui counts them.
pub fn cluster_width(cluster: &str) -> usize {
    if cluster.len() == 1 {
        return usize::from(!cluster.as_bytes()[0].is_ascii_control());
    }
    cluster.width()
}

/// The columns `text` takes.
pub fn width(text: &str) -> usize {
    clusters(text).map(|c| c.width).sum()
}

/// The most columns a terminal might give a cluster beyond its width: each of its
/// characters drawn on its own, emoji and wide characters in two columns.
pub fn spill(cluster: &str) -> usize {
    if !fragile(cluster) {
        return 0;
    }
    let most: usize = cluster
        .chars()
        .map(|c| {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w == 2 || fragile_char(c) && (c as u32) >= 0x2600 && !is_joiner(c) {
                2
            } else {
                1
            }
        })
        .sum();
    most.saturating_sub(cluster_width(cluster))
}

fn is_joiner(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0xFE00..=0xFE0F | 0xE0000..=0xE007F)
}

/// Whether terminals may disagree about how to draw a cluster.
pub fn fragile(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if chars.next().is_some() {
        // A base with marks, a joined or variation sequence: drawn in one or several cells
        // depending on the terminal.
        return true;
    }
    fragile_char(first)
}

fn fragile_char(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x0300 {
        return false;
    }
    matches!(
        cp,
        // Combining diacritical marks, alone.
        0x0300..=0x036F
        // Devanagari to Sinhala: vowel signs and viramas.
        | 0x0900..=0x0DFF
        // Thai, Lao.
        | 0x0E00..=0x0EFF
        // Myanmar.
        | 0x1000..=0x109F
        // Hangul conjoining jamo.
        | 0x1100..=0x11FF
        | 0xA960..=0xA97F
        | 0xD7B0..=0xD7FF
        // Khmer and Khmer symbols.
        | 0x1780..=0x17FF
        | 0x19E0..=0x19FF
        // Myanmar extensions.
        | 0xA9E0..=0xA9FF
        | 0xAA60..=0xAA7F
        // Joiners, variation selectors, combining marks for symbols.
        | 0x200B..=0x200F
        | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        // Symbols and dingbats some terminals draw as emoji, emoji, regional indicators.
        | 0x2600..=0x27BF
        | 0x2B00..=0x2BFF
        | 0x1F000..=0x1FAFF
        | 0xE0000..=0xE007F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_and_cjk_are_sturdy_khmer_and_emoji_are_not() {
        for sturdy in ["a", "é", "福", "충", "·", "●", "┃", "…"] {
            assert!(!fragile(sturdy), "{sturdy}");
        }
        for fragile_text in [
            "សៀ",
            "e\u{301}",
            "👍🏽",
            "ก\u{e34}",
            "❤\u{fe0f}",
            "ា",
            "\u{1100}",
        ] {
            assert!(fragile(fragile_text), "{fragile_text:?}");
        }
    }

    #[test]
    fn spills_cover_every_character_drawn_apart() {
        assert_eq!(spill("Fujian"), 0);
        assert_eq!(spill("福"), 0);
        assert_eq!(
            spill("e\u{301}"),
            1,
            "the accent may take a column of its own"
        );
        // A family: three people and two joiners, each perhaps drawn on its own.
        assert!(spill("👨\u{200d}👩\u{200d}👧") >= 6);
    }

    #[test]
    fn widths_count_clusters_as_ratatui_does() {
        assert_eq!(width("Fujian"), 6);
        assert_eq!(width("福建省"), 6);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(clusters("សៀមរាប").count(), 4);
        assert!(clusters("សៀមរាប").any(|c| c.fragile()));
    }
}
