//! Rules for text that comes from users and files.
//!
//! Stored text is untrusted when drawn: a name holding `ESC [ 2 J` must never clear a
//! coordinator's screen. Validation rejects control characters on the way in, and
//! [`display_safe`] neutralises anything that slipped into a store by other means.

use std::borrow::Cow;

/// Whether a character must never reach a terminal raw: C0 and C1 controls (ESC starts
/// every escape sequence, U+009B is a one-character CSI), DEL, the bidirectional embeddings,
/// overrides and isolates that can make text display in a misleading order (U+202A–U+202E,
/// U+2066–U+2069), and the line and paragraph separators that break a line where the
/// terminal does not expect it.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// Text fit to draw in one terminal cell run: unsafe characters become `�`, line breaks and
/// tabs become spaces.
pub fn display_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' | '\t' | '\r' => ' ',
                c if is_unsafe_char(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Like [`display_safe`], but keeps line breaks: for messages of several lines (errors on
/// stderr) whose parts come from files, stores and the environment.
pub fn display_safe_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe_char(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(display_safe)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Lower-cases and strips accents so that "sao paulo" finds "São Paulo" and "Dusseldorf"
/// finds "Düsseldorf". Scripts without case (Hangul, Han, Khmer) pass through unchanged.
pub fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_latin(c) {
            Some(s) => out.push_str(s),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Latin letters with diacritics that occur in partner names, folded to plain ASCII.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'Ā' | 'ā' | 'Ă'
        | 'ă' | 'Ą' | 'ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Č' | 'č' => "c",
        'Ď' | 'ď' | 'Đ' | 'đ' | 'Ð' | 'ð' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'è' | 'é' | 'ê' | 'ë' | 'Ē' | 'ē' | 'Ė' | 'ė' | 'Ę' | 'ę' | 'Ě'
        | 'ě' => "e",
        'Ğ' | 'ğ' => "g",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'ì' | 'í' | 'î' | 'ï' | 'Ī' | 'ī' | 'İ' | 'ı' => "i",
        'Ł' | 'ł' => "l",
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ň' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ō' | 'ō' | 'Ő'
        | 'ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ř' | 'ř' => "r",
        'Ś' | 'ś' | 'Š' | 'š' | 'Ş' | 'ş' => "s",
        'ß' => "ss",
        'Ť' | 'ť' | 'Ţ' | 'ţ' => "t",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'ù' | 'ú' | 'û' | 'ü' | 'Ū' | 'ū' | 'Ů' | 'ů' | 'Ű' | 'ű' => {
            "u"
        }
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Ź' | 'ź' | 'Ż' | 'ż' | 'Ž' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_never_survive() {
        let hostile = "Kota\u{1b}[2J Bandung\u{7}\u{9b}31m\u{202e}";
        let safe = display_safe(hostile);
        assert!(!safe.chars().any(is_unsafe_char), "{safe:?}");
        assert!(safe.contains("Bandung"));
    }

    #[test]
    fn every_c1_control_and_bidi_control_is_neutralised() {
        let c1 = (0x80u32..=0x9F).filter_map(char::from_u32);
        let bidi = ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}');
        let c0 = (0u32..0x20).chain([0x7F]).filter_map(char::from_u32);
        for c in c1.chain(bidi).chain(c0) {
            let text = format!("a{c}b");
            let safe = display_safe(&text);
            assert!(
                !safe.contains(c),
                "U+{:04X} survived display_safe",
                c as u32
            );
            let lines = display_safe_lines(&text);
            if c != '\n' {
                assert!(
                    !lines.contains(c),
                    "U+{:04X} survived display_safe_lines",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_their_escapes() {
        let text = "kembar: cannot read \u{1b}]0;owned\u{7}x.json\nfix: \u{9b}2J\u{202e}check";
        let safe = display_safe_lines(text);
        assert_eq!(safe.lines().count(), 2, "{safe:?}");
        assert!(
            !safe.chars().any(|c| c != '\n' && is_unsafe_char(c)),
            "{safe:?}"
        );
        assert!(matches!(
            display_safe_lines("two\nlines"),
            Cow::Borrowed("two\nlines")
        ));
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(display_safe("충청북도"), Cow::Borrowed(_)));
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold_for_search("São Paulo"), "sao paulo");
        assert_eq!(fold_for_search("Düsseldorf"), "dusseldorf");
        assert_eq!(fold_for_search("福建省"), "福建省");
    }
}
