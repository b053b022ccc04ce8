//! Colour themes for the dashboard.
//!
//! A theme is a named set of [`Style`]s, one for each part of the screen (borders, titles,
//! the selected row, health marks, obstacle tags...). Themes are TOML files; the format is
//! described in `themes/README.md`.
//!
//! Four themes are built in (embedded in the binary): `default` (dark, 24-bit colour),
//! `light`, `high-contrast` and `ansi16` (only the 16 basic terminal colours, for old
//! terminals over SSH). [`Theme::resolve`] looks a requested name up first as a file
//! `NAME.toml` in the themes folder (beside the config file), which overrides a built-in
//! theme of the same name, then among the built-in themes; a value containing `/` or
//! ending in `.toml` is a path to a theme file. Anything that cannot be loaded falls back
//! to the built-in `default` theme with a one-line warning.
//!
//! When the `NO_COLOR` environment variable is set and not empty ([`no_color_requested`]),
//! the dashboard uses [`Theme::monochrome`]: no colours at all, only bold, dim, reversed
//! and underlined text. See <https://no-color.org>.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

/// A colour theme: one style for each part of the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Whole-screen foreground and background.
    pub base: Style,
    pub border: Style,
    pub border_focused: Style,
    /// Pane titles.
    pub title: Style,
    /// Table header row.
    pub header: Style,
    /// Selected row in the focused pane.
    pub selected: Style,
    /// Selected row in the other panes.
    pub selected_unfocused: Style,
    /// Secondary text, dates, zero counts.
    pub muted: Style,
    /// Emphasised values (partner names, the app title).
    pub accent: Style,
    /// Health mark: active.
    pub active: Style,
    /// Health mark: quiet / dormant.
    pub quiet: Style,
    /// Health mark: expired.
    pub expired: Style,
    /// Obstacle tag label styles (background colour + contrasting foreground), used
    /// cyclically by tag index (see [`Theme::tag_style`]); the built-in themes have 6.
    pub tags: Vec<Style>,
    /// Per-year activity chart bars.
    pub chart: Style,
    /// Key names in the hint bar and the help overlay.
    pub key: Style,
    /// Labels in the hint bar.
    pub hint: Style,
    /// Status-line message after a success ("copied", "saved").
    pub status_ok: Style,
    /// Status-line error.
    pub status_error: Style,
    /// Matched characters in search results.
    pub highlight: Style,
}

/// A theme file that could not be used.
///
/// `source_name` names the file, followed by `, line N` when the problem has a place in
/// it, e.g. `themes/x.toml, line 3: unknown colour "redd"; use a colour name (red,
/// lightblue...), #rrggbb or 0-255`. The text is always a single line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ThemeError {
    pub source_name: String,
    pub message: String,
}

/// The keys of `[styles]`, in the order of the [`Theme`] fields.
pub const STYLE_KEYS: [&str; 18] = [
    "base",
    "border",
    "border_focused",
    "title",
    "header",
    "selected",
    "selected_unfocused",
    "muted",
    "accent",
    "active",
    "quiet",
    "expired",
    "chart",
    "key",
    "hint",
    "status_ok",
    "status_error",
    "highlight",
];

/// Modifier keys allowed in a style, with the modifier each one adds.
const MODIFIER_KEYS: [(&str, Modifier); 5] = [
    ("bold", Modifier::BOLD),
    ("italic", Modifier::ITALIC),
    ("dim", Modifier::DIM),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
];

const BUILTIN_DEFAULT: &str = include_str!("../../themes/default.toml");
const BUILTIN_LIGHT: &str = include_str!("../../themes/light.toml");
const BUILTIN_HIGH_CONTRAST: &str = include_str!("../../themes/high-contrast.toml");
const BUILTIN_ANSI16: &str = include_str!("../../themes/ansi16.toml");

impl Theme {
    /// Built-in themes, embedded with include_str!("../../themes/NAME.toml"): "default"
    /// (dark), "light", "high-contrast", "ansi16".
    pub const BUILTIN: [&'static str; 4] = ["default", "light", "high-contrast", "ansi16"];

    /// A built-in theme by name (ASCII case-insensitive), or `None`.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (name, text) = [
            ("default", BUILTIN_DEFAULT),
            ("light", BUILTIN_LIGHT),
            ("high-contrast", BUILTIN_HIGH_CONTRAST),
            ("ansi16", BUILTIN_ANSI16),
        ]
        .into_iter()
        .find(|(builtin, _)| builtin.eq_ignore_ascii_case(name.trim()))?;
        // The embedded files are checked by the tests, so this does not fail.
        Theme::parse(text, &format!("built-in theme {name}")).ok()
    }

    /// Parse a theme file's text; `source_name` names the file in errors (with line
    /// numbers from toml's span when possible).
    pub fn parse(text: &str, source_name: &str) -> Result<Theme, ThemeError> {
        Parser { text, source_name }.theme()
    }

    /// No colours at all (for NO_COLOR): every style is only modifiers: selection =
    /// REVERSED (+BOLD when focused), titles BOLD, muted DIM, health marks plain (the
    /// dashboard uses different glyphs for them), tags REVERSED or BOLD, highlight
    /// UNDERLINED|BOLD.
    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        Theme {
            name: "monochrome".to_string(),
            base: plain,
            border: plain,
            border_focused: bold,
            title: bold,
            header: bold,
            selected: reversed.add_modifier(Modifier::BOLD),
            selected_unfocused: reversed,
            muted: Style::new().add_modifier(Modifier::DIM),
            accent: bold,
            active: plain,
            quiet: plain,
            expired: plain,
            tags: vec![reversed, bold, reversed, bold, reversed, bold],
            chart: plain,
            key: bold,
            hint: plain,
            status_ok: bold,
            status_error: reversed.add_modifier(Modifier::BOLD),
            highlight: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        }
    }

    /// Resolve what the user asked for. `requested`: a built-in name, a name of a file
    /// `NAME.toml` in `themes_dir`, or a path to a .toml file (contains '/' or ends with
    /// .toml). None (or an empty string) => "default". If `no_color` is true, return
    /// monochrome() regardless (no warning). On any error (unknown name, unreadable file,
    /// parse error) return the built-in default theme plus a one-line warning that names
    /// the file/name and the problem, says it fell back to "default" and lists the
    /// built-in names. Files in themes_dir override built-ins of the same name.
    pub fn resolve(
        requested: Option<&str>,
        themes_dir: Option<&Path>,
        no_color: bool,
    ) -> (Theme, Option<String>) {
        if no_color {
            return (Theme::monochrome(), None);
        }
        let requested = requested.map(str::trim).filter(|s| !s.is_empty());
        let name = requested.unwrap_or("default");
        match load(name, themes_dir) {
            Ok(theme) => (theme, None),
            Err(problem) => {
                let warning = format!(
                    "{problem}; fell back to the \"default\" theme (built-in themes: {})",
                    Theme::BUILTIN.join(", ")
                );
                // One line, whatever the file or the OS put in the message.
                let warning = warning.replace(['\n', '\r'], " ");
                (fallback(), Some(warning))
            }
        }
    }

    /// Style for a tag by its index in the tag list (cycles through `tags`).
    pub fn tag_style(&self, index: usize) -> Style {
        if self.tags.is_empty() {
            return Style::new();
        }
        self.tags[index % self.tags.len()]
    }

    /// The styles of `[styles]`, in the order of [`STYLE_KEYS`].
    fn styles_mut(&mut self) -> [&mut Style; STYLE_KEYS.len()] {
        [
            &mut self.base,
            &mut self.border,
            &mut self.border_focused,
            &mut self.title,
            &mut self.header,
            &mut self.selected,
            &mut self.selected_unfocused,
            &mut self.muted,
            &mut self.accent,
            &mut self.active,
            &mut self.quiet,
            &mut self.expired,
            &mut self.chart,
            &mut self.key,
            &mut self.hint,
            &mut self.status_ok,
            &mut self.status_error,
            &mut self.highlight,
        ]
    }
}

/// True when the NO_COLOR convention asks for no colour: the variable is set and not
/// empty.
pub fn no_color_requested() -> bool {
    no_color_value_requests(std::env::var_os("NO_COLOR").as_deref())
}

fn no_color_value_requests(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The built-in default theme, for falling back.
fn fallback() -> Theme {
    Theme::builtin("default").unwrap_or_else(Theme::monochrome)
}

/// Whether a requested theme is a path to a file rather than a name.
fn looks_like_path(requested: &str) -> bool {
    requested.contains('/')
        || requested.contains(std::path::MAIN_SEPARATOR)
        || requested.to_ascii_lowercase().ends_with(".toml")
}

/// Load a theme by name or path; the error is the problem, for the warning.
fn load(requested: &str, themes_dir: Option<&Path>) -> Result<Theme, String> {
    if looks_like_path(requested) {
        return load_file(Path::new(requested)).map_err(|e| format!("cannot use theme file {e}"));
    }
    if let Some(dir) = themes_dir {
        let path = dir.join(format!("{requested}.toml"));
        if path.is_file() {
            return load_file(&path).map_err(|e| format!("cannot use theme \"{requested}\": {e}"));
        }
    }
    if let Some(theme) = Theme::builtin(requested) {
        return Ok(theme);
    }
    Err(match themes_dir {
        Some(dir) => format!(
            "theme \"{requested}\" not found: it is not a built-in theme and there is no \
             {requested}.toml in {}",
            dir.display()
        ),
        None => format!("theme \"{requested}\" not found: it is not a built-in theme"),
    })
}

fn load_file(path: &Path) -> Result<Theme, ThemeError> {
    let source_name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Theme::parse(&text, &source_name),
        Err(e) => Err(ThemeError {
            source_name,
            message: format!("cannot read it: {e}"),
        }),
    }
}

/// Reads a theme file, reporting problems with their line.
struct Parser<'a> {
    text: &'a str,
    source_name: &'a str,
}

/// A key and its value in a parsed TOML table.
type Entry<'t, 'i> = (&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>);

impl Parser<'_> {
    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> ThemeError {
        let line = span.and_then(|span| {
            let before = self.text.get(..span.start)?;
            Some(before.matches('\n').count() + 1)
        });
        let source_name = match line {
            Some(line) => format!("{}, line {line}", self.source_name),
            None => self.source_name.to_string(),
        };
        let message: String = message.into();
        // The parser quotes the file back (a bad key, a stray character); the file may hold
        // terminal controls, and this text ends up on the status line or the terminal.
        let message = message.trim().replace(['\n', '\r'], " ");
        ThemeError {
            source_name: crate::domain::text::display_safe(&source_name).into_owned(),
            message: crate::domain::text::display_safe(&message).into_owned(),
        }
    }

    fn theme(&self) -> Result<Theme, ThemeError> {
        let root = DeTable::parse(self.text).map_err(|e| self.error(e.span(), e.message()))?;
        let mut name = None;
        let mut styles = None;
        let mut tags = None;
        for (key, value) in in_file_order(root.get_ref()) {
            match key.get_ref().as_ref() {
                "name" => match value.get_ref() {
                    DeValue::String(s) => name = Some(s.trim().to_string()),
                    other => {
                        return Err(self.error(
                            Some(value.span()),
                            format!("\"name\" must be a string, not {}", a_type(other)),
                        ));
                    }
                },
                "styles" => match value.get_ref() {
                    DeValue::Table(table) => styles = Some((key.span(), table)),
                    other => {
                        return Err(self.error(
                            Some(value.span()),
                            format!(
                                "\"styles\" must be a table ([styles]), not {}",
                                a_type(other)
                            ),
                        ));
                    }
                },
                "tags" => match value.get_ref() {
                    DeValue::Array(array) => tags = Some((key.span(), array)),
                    other => {
                        return Err(self.error(
                            Some(value.span()),
                            format!(
                                "\"tags\" must be an array of tables ([[tags]]), not {}",
                                a_type(other)
                            ),
                        ));
                    }
                },
                other => {
                    return Err(self.error(
                        Some(key.span()),
                        format!(
                            "unknown key \"{other}\"; a theme file has only name, [styles] and [[tags]]"
                        ),
                    ));
                }
            }
        }

        let name = match name.filter(|n| !n.is_empty()) {
            Some(name) => name,
            None => Path::new(self.source_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "custom".to_string()),
        };
        let mut theme = Theme {
            name,
            ..Theme::monochrome()
        };

        let Some((styles_span, styles)) = styles else {
            return Err(self.error(None, "missing the [styles] table"));
        };
        let mut seen = HashSet::new();
        for (key, value) in in_file_order(styles) {
            let key_name = key.get_ref().as_ref();
            let Some(index) = STYLE_KEYS.iter().position(|k| *k == key_name) else {
                return Err(self.error(
                    Some(key.span()),
                    format!(
                        "unknown style \"{key_name}\" in [styles]; the styles are {}",
                        STYLE_KEYS.join(", ")
                    ),
                ));
            };
            let style = self.style(value, &format!("style \"{key_name}\""))?;
            *theme.styles_mut()[index] = style;
            seen.insert(index);
        }
        if let Some(missing) = (0..STYLE_KEYS.len()).find(|i| !seen.contains(i)) {
            return Err(self.error(
                Some(styles_span),
                format!("missing style \"{}\" in [styles]", STYLE_KEYS[missing]),
            ));
        }

        let Some((tags_span, tags)) = tags else {
            return Err(self.error(
                None,
                "missing \"tags\": add at least one [[tags]] table with fg and bg",
            ));
        };
        let mut tag_styles = Vec::new();
        for (i, value) in tags.into_iter().enumerate() {
            tag_styles.push(self.style(value, &format!("tag {}", i + 1))?);
        }
        if tag_styles.is_empty() {
            return Err(self.error(
                Some(tags_span),
                "\"tags\" is empty: add at least one [[tags]] table with fg and bg",
            ));
        }
        theme.tags = tag_styles;
        Ok(theme)
    }

    /// One style: a table of fg, bg and modifier flags. `what` names it in errors.
    fn style(&self, value: &Spanned<DeValue<'_>>, what: &str) -> Result<Style, ThemeError> {
        let DeValue::Table(table) = value.get_ref() else {
            return Err(self.error(
                Some(value.span()),
                format!(
                    "{what} must be a table like {{ fg = \"white\", bg = \"#1b1f27\" }}, not {}",
                    a_type(value.get_ref())
                ),
            ));
        };
        let mut style = Style::new();
        for (key, value) in in_file_order(table) {
            match key.get_ref().as_ref() {
                "fg" => style.fg = Some(self.colour(value)?),
                "bg" => style.bg = Some(self.colour(value)?),
                flag => {
                    let Some((_, modifier)) = MODIFIER_KEYS.iter().find(|(k, _)| *k == flag) else {
                        return Err(self.error(
                            Some(key.span()),
                            format!(
                                "unknown key \"{flag}\" in {what}; use fg, bg, bold, italic, dim, underlined or reversed"
                            ),
                        ));
                    };
                    match value.get_ref() {
                        DeValue::Boolean(true) => style = style.add_modifier(*modifier),
                        DeValue::Boolean(false) => {}
                        other => {
                            return Err(self.error(
                                Some(value.span()),
                                format!(
                                    "\"{flag}\" in {what} must be true or false, not {}",
                                    a_type(other)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(style)
    }

    /// A colour: a name, "#rrggbb", or 0-255 (as a string or a number).
    fn colour(&self, value: &Spanned<DeValue<'_>>) -> Result<Color, ThemeError> {
        match value.get_ref() {
            DeValue::String(s) => parse_colour(s).ok_or_else(|| {
                self.error(
                    Some(value.span()),
                    format!(
                        "unknown colour \"{s}\"; use a colour name (red, lightblue...), #rrggbb or 0-255"
                    ),
                )
            }),
            DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
                .ok()
                .and_then(|n| u8::try_from(n).ok())
                .map(Color::Indexed)
                .ok_or_else(|| {
                    self.error(
                        Some(value.span()),
                        format!("colour number {} is out of range; use 0-255", n.as_str()),
                    )
                }),
            other => Err(self.error(
                Some(value.span()),
                format!(
                    "a colour must be a string like \"red\" or \"#d0d4dc\", not {}",
                    a_type(other)
                ),
            )),
        }
    }
}

/// A colour from its name (case-insensitive), "#rrggbb" or "0".."255".
fn parse_colour(text: &str) -> Option<Color> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Color::from_str(text).ok()
}

/// A table's entries in the order they appear in the file, so the first problem is reported.
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut entries: Vec<Entry<'t, 'i>> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// "a string", "an integer"... for error messages.
fn a_type(value: &DeValue<'_>) -> String {
    let kind = value.type_str();
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The colours a style sets: fg, bg and (when ratatui has it) the underline colour.
    /// Fails if the style holds anything else than fg, bg and modifiers.
    fn colours(style: &Style) -> Vec<Color> {
        let rebuilt = Style {
            fg: style.fg,
            bg: style.bg,
            add_modifier: style.add_modifier,
            sub_modifier: style.sub_modifier,
            ..Style::default()
        };
        assert_eq!(
            &rebuilt, style,
            "a theme style has an underline colour or other field"
        );
        style.fg.into_iter().chain(style.bg).collect()
    }

    fn all_styles(theme: &Theme) -> Vec<(String, Style)> {
        let mut theme = theme.clone();
        let mut out: Vec<(String, Style)> = STYLE_KEYS
            .iter()
            .zip(theme.styles_mut())
            .map(|(k, s)| (k.to_string(), *s))
            .collect();
        for (i, tag) in theme.tags.iter().enumerate() {
            out.push((format!("tag {}", i + 1), *tag));
        }
        out
    }

    fn minimal_file(styles_extra: &str, skip: &str) -> String {
        let mut text = String::from("name = \"t\"\n[styles]\n");
        for key in &STYLE_KEYS {
            if *key != skip {
                text.push_str(&format!("{key} = {{ fg = \"white\" }}\n"));
            }
        }
        text.push_str(styles_extra);
        text.push_str("[[tags]]\nfg = \"black\"\nbg = \"red\"\n");
        text
    }

    #[test]
    fn every_builtin_parses() {
        for name in Theme::BUILTIN {
            let theme = Theme::builtin(name).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(theme.name, name);
            assert!(theme.tags.len() >= 6, "{name} has fewer than 6 tags");
            let distinct: HashSet<_> = theme.tags.iter().map(|t| format!("{t:?}")).collect();
            assert_eq!(
                distinct.len(),
                theme.tags.len(),
                "{name} repeats a tag style"
            );
        }
        // And each embedded text parses without the Option hiding the error.
        for text in [
            BUILTIN_DEFAULT,
            BUILTIN_LIGHT,
            BUILTIN_HIGH_CONTRAST,
            BUILTIN_ANSI16,
        ] {
            Theme::parse(text, "builtin").unwrap();
        }
        assert_eq!(Theme::builtin("Light").unwrap().name, "light");
        assert!(Theme::builtin("solarized").is_none());
    }

    #[test]
    fn style_keys_match_theme_fields() {
        // Every field is set from its own key: give each key a different colour.
        let mut text = String::from("[styles]\n");
        for (i, key) in STYLE_KEYS.iter().enumerate() {
            text.push_str(&format!("{key} = {{ fg = \"{i}\" }}\n"));
        }
        text.push_str("[[tags]]\nbg = \"200\"\n");
        let mut theme = Theme::parse(&text, "themes/numbers.toml").unwrap();
        assert_eq!(theme.name, "numbers");
        for (i, style) in theme.styles_mut().into_iter().enumerate() {
            assert_eq!(style.fg, Some(Color::Indexed(i as u8)));
        }
        assert_eq!(theme.base.fg, Some(Color::Indexed(0)));
        assert_eq!(theme.highlight.fg, Some(Color::Indexed(17)));
        assert_eq!(theme.tags, vec![Style::new().bg(Color::Indexed(200))]);
    }

    #[test]
    fn ansi16_uses_only_basic_colours() {
        let theme = Theme::builtin("ansi16").unwrap();
        assert_eq!(theme.base, Style::new().fg(Color::Reset).bg(Color::Reset));
        for (key, style) in all_styles(&theme) {
            for colour in colours(&style) {
                assert!(
                    !matches!(colour, Color::Rgb(..) | Color::Indexed(_)),
                    "ansi16 style {key} uses {colour:?}, not one of the 16 basic colours"
                );
            }
        }
    }

    #[test]
    fn monochrome_has_no_colours() {
        let theme = Theme::monochrome();
        for (key, style) in all_styles(&theme) {
            assert!(
                colours(&style).is_empty(),
                "monochrome style {key} has a colour"
            );
            assert!(style.sub_modifier.is_empty());
        }
        assert!(
            theme
                .selected
                .add_modifier
                .contains(Modifier::REVERSED | Modifier::BOLD)
        );
        assert!(
            theme
                .selected_unfocused
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert_ne!(theme.selected, theme.selected_unfocused);
        assert!(theme.tags.len() >= 6);
        assert_eq!(
            theme.highlight.add_modifier,
            Modifier::UNDERLINED | Modifier::BOLD
        );
    }

    /// WCAG relative luminance of an RGB colour.
    fn luminance(colour: Color) -> Option<f64> {
        let Color::Rgb(r, g, b) = colour else {
            return None;
        };
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        Some(0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b))
    }

    #[test]
    fn truecolour_themes_have_readable_text() {
        // default and light leave the terminal's background alone; they are designed
        // against these (named in their files).
        let design_background = |name: &str| match name {
            "default" => Color::Rgb(0x1b, 0x1f, 0x27),
            "light" => Color::Rgb(0xf7, 0xf7, 0xf5),
            _ => Color::Reset,
        };
        for (name, minimum) in [("default", 4.5), ("light", 4.5), ("high-contrast", 7.0)] {
            let theme = Theme::builtin(name).unwrap();
            for (key, style) in all_styles(&theme) {
                // Lines and bars are not text: 3:1 is enough for them.
                let minimum = if key == "border" || key == "chart" {
                    3.0
                } else {
                    minimum
                };
                let fg = style.fg.or(theme.base.fg).unwrap();
                let bg = match style.bg.or(theme.base.bg).unwrap() {
                    Color::Reset => design_background(name),
                    bg => bg,
                };
                let (Some(a), Some(b)) = (luminance(fg), luminance(bg)) else {
                    panic!("{name} {key} is not 24-bit colour");
                };
                let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
                assert!(
                    ratio >= minimum,
                    "{name} {key}: contrast {ratio:.2} is below {minimum}"
                );
            }
        }
    }

    #[test]
    fn unknown_colour_names_file_line_and_colour() {
        let text =
            minimal_file("", "").replace("muted = { fg = \"white\" }", "muted = { fg = \"redd\" }");
        let err = Theme::parse(&text, "themes/x.toml").unwrap_err();
        assert_eq!(err.source_name, "themes/x.toml, line 10");
        assert_eq!(
            err.to_string(),
            "themes/x.toml, line 10: unknown colour \"redd\"; use a colour name (red, lightblue...), #rrggbb or 0-255"
        );
    }

    #[test]
    fn colours_are_case_insensitive() {
        let text = minimal_file("", "")
            .replace(
                "base = { fg = \"white\" }",
                "base = { fg = \"LightBlue\", bg = \"#1B1F27\" }",
            )
            .replace(
                "key = { fg = \"white\" }",
                "key = { fg = \"DarkGray\", bg = 42 }",
            );
        let theme = Theme::parse(&text, "t.toml").unwrap();
        assert_eq!(
            theme.base,
            Style::new()
                .fg(Color::LightBlue)
                .bg(Color::Rgb(0x1b, 0x1f, 0x27))
        );
        assert_eq!(
            theme.key,
            Style::new().fg(Color::DarkGray).bg(Color::Indexed(42))
        );
        let err = Theme::parse(&text.replace("bg = 42", "bg = 256"), "t.toml").unwrap_err();
        assert!(err.message.contains("256"), "{err}");
    }

    #[test]
    fn missing_style_is_named() {
        let err = Theme::parse(&minimal_file("", "selected"), "themes/x.toml").unwrap_err();
        assert!(err.message.contains("missing style \"selected\""), "{err}");
        assert_eq!(err.source_name, "themes/x.toml, line 2");
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Theme::parse(&minimal_file("selectd = {}\n", ""), "x.toml").unwrap_err();
        assert!(err.message.contains("unknown style \"selectd\""), "{err}");
        assert_eq!(err.source_name, "x.toml, line 21");

        let text = minimal_file("", "").replace(
            "title = { fg = \"white\" }",
            "title = { forground = \"white\" }",
        );
        let err = Theme::parse(&text, "x.toml").unwrap_err();
        assert!(
            err.message
                .contains("unknown key \"forground\" in style \"title\""),
            "{err}"
        );
        assert_eq!(err.source_name, "x.toml, line 6");

        let err =
            Theme::parse(&format!("colour = 1\n{}", minimal_file("", "")), "x.toml").unwrap_err();
        assert!(err.message.contains("unknown key \"colour\""), "{err}");

        let text = minimal_file("", "").replace("fg = \"black\"", "fg = \"black\"\nbold = \"yes\"");
        let err = Theme::parse(&text, "x.toml").unwrap_err();
        assert!(
            err.message
                .contains("\"bold\" in tag 1 must be true or false"),
            "{err}"
        );
    }

    #[test]
    fn tags_are_required() {
        let text = minimal_file("", "");
        let without = text.replace("[[tags]]\nfg = \"black\"\nbg = \"red\"\n", "");
        let err = Theme::parse(&without, "x.toml").unwrap_err();
        assert!(err.message.contains("tags"), "{err}");
        let empty = format!("tags = []\n{without}");
        let err = Theme::parse(&empty, "x.toml").unwrap_err();
        assert!(err.message.contains("tags"), "{err}");
        assert_eq!(err.source_name, "x.toml, line 1");
    }

    #[test]
    fn toml_syntax_errors_have_a_line() {
        let err = Theme::parse("name = \"x\"\n[styles\n", "x.toml").unwrap_err();
        assert_eq!(err.source_name, "x.toml, line 2");
        assert!(!err.to_string().contains('\n'));
        let err = Theme::parse("", "x.toml").unwrap_err();
        assert_eq!(err.to_string(), "x.toml: missing the [styles] table");
    }

    #[test]
    fn tag_style_cycles() {
        let theme = Theme::builtin("default").unwrap();
        let n = theme.tags.len();
        assert_eq!(theme.tag_style(0), theme.tags[0]);
        assert_eq!(theme.tag_style(n + 1), theme.tags[1]);
        let empty = Theme {
            tags: Vec::new(),
            ..Theme::monochrome()
        };
        assert_eq!(empty.tag_style(3), Style::new());
    }

    #[test]
    fn resolve_picks_builtins_and_defaults() {
        let default = Theme::builtin("default").unwrap();
        assert_eq!(Theme::resolve(None, None, false), (default.clone(), None));
        assert_eq!(Theme::resolve(Some(""), None, false), (default, None));
        let (theme, warning) = Theme::resolve(Some("ansi16"), None, false);
        assert_eq!((theme.name.as_str(), warning), ("ansi16", None));
    }

    #[test]
    fn resolve_honours_no_color() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.toml"), "oops").unwrap();
        for requested in [None, Some("light"), Some("nope"), Some("broken")] {
            assert_eq!(
                Theme::resolve(requested, Some(dir.path()), true),
                (Theme::monochrome(), None)
            );
        }
    }

    #[test]
    fn resolve_falls_back_on_unknown_name() {
        let dir = tempfile::tempdir().unwrap();
        let (theme, warning) = Theme::resolve(Some("solarized"), Some(dir.path()), false);
        assert_eq!(theme, Theme::builtin("default").unwrap());
        let warning = warning.unwrap();
        assert!(warning.contains("\"solarized\""), "{warning}");
        assert!(
            warning.contains("fell back to the \"default\" theme"),
            "{warning}"
        );
        assert!(
            warning.contains("default, light, high-contrast, ansi16"),
            "{warning}"
        );
        assert!(!warning.contains('\n'));

        let (_, warning) = Theme::resolve(Some("solarized"), None, false);
        assert!(warning.unwrap().contains("\"solarized\" not found"));
    }

    #[test]
    fn resolve_falls_back_on_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = minimal_file("", "").replace("fg = \"black\"", "fg = \"blak\"");
        std::fs::write(dir.path().join("broken.toml"), &text).unwrap();
        let (theme, warning) = Theme::resolve(Some("broken"), Some(dir.path()), false);
        assert_eq!(theme.name, "default");
        let warning = warning.unwrap();
        assert!(warning.contains("broken.toml, line 22"), "{warning}");
        assert!(warning.contains("\"blak\""), "{warning}");
        assert!(
            warning.contains("fell back to the \"default\" theme"),
            "{warning}"
        );
        assert!(
            warning.contains("default, light, high-contrast, ansi16"),
            "{warning}"
        );
        assert!(!warning.contains('\n'));

        // A path that does not exist.
        let missing = dir.path().join("missing.toml");
        let (theme, warning) = Theme::resolve(missing.to_str(), None, false);
        assert_eq!(theme.name, "default");
        assert!(warning.unwrap().contains("missing.toml"));
    }

    #[test]
    fn resolve_loads_custom_files() {
        let dir = tempfile::tempdir().unwrap();
        let text = minimal_file("", "").replace("name = \"t\"", "name = \"mine\"");
        std::fs::write(dir.path().join("mine.toml"), &text).unwrap();
        let (theme, warning) = Theme::resolve(Some("mine"), Some(dir.path()), false);
        assert_eq!(warning, None);
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.base, Style::new().fg(Color::White));

        // By path, too.
        let path = dir.path().join("mine.toml");
        let (theme, warning) = Theme::resolve(path.to_str(), None, false);
        assert_eq!((theme.name.as_str(), warning), ("mine", None));

        // A file overrides the built-in theme of the same name, including the default.
        std::fs::write(dir.path().join("light.toml"), &text).unwrap();
        std::fs::write(dir.path().join("default.toml"), &text).unwrap();
        assert_eq!(
            Theme::resolve(Some("light"), Some(dir.path()), false)
                .0
                .name,
            "mine"
        );
        assert_eq!(Theme::resolve(None, Some(dir.path()), false).0.name, "mine");
        assert_eq!(
            Theme::resolve(Some("ansi16"), Some(dir.path()), false)
                .0
                .name,
            "ansi16"
        );
    }

    #[test]
    fn no_color_needs_a_non_empty_value() {
        use std::ffi::OsStr;
        assert!(!no_color_value_requests(None));
        assert!(!no_color_value_requests(Some(OsStr::new(""))));
        assert!(no_color_value_requests(Some(OsStr::new("1"))));
    }
}
