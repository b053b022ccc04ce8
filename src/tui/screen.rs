//! What reaches the terminal: a ratatui backend that writes frames as escape sequences,
//! for a local terminal and for an SSH channel alike.
//!
//! It keeps a copy of what the terminal shows, so that it can
//! - send nothing for a cell the terminal already shows (a first frame over a cleared
//!   screen costs only what is not blank);
//! - draw fragile clusters (see [`super::cells`]) so that no terminal is left with stray
//!   cells: their columns are cleared first, the cursor is placed explicitly after them, and
//!   the cell after them is drawn again in case the terminal spilled the cluster into it;
//! - send the shortest moves and colour changes;
//! - bring theme colours down to what the terminal can show ([`ColorDepth`]).
//!
//! Characters that must never reach a terminal raw (controls, bidirectional overrides and
//! isolates) are replaced here too, whatever the drawing code let through.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

use crate::domain::text::is_unsafe_char;

use super::cells;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// No colour at all (`NO_COLOR`, `--color never`, a dumb terminal).
    None,
    /// The sixteen ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Indexed256,
    /// 24-bit colour.
    TrueColor,
}

/// `--color`, ripgrep's convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// From the terminal: `COLORTERM`, `TERM` and `NO_COLOR`.
    #[default]
    Auto,
    /// Colour even where `NO_COLOR` is set, at the depth the terminal reports.
    Always,
    /// No colour.
    Never,
}

impl ColorDepth {
    /// The depth for a terminal described by `TERM`, `COLORTERM` and whether `NO_COLOR` is
    /// set: 24-bit only where `COLORTERM` says so, 256 colours where `TERM` does, none for
    /// `dumb`, the sixteen ANSI colours for everything else (`linux`, `vt100`, `screen`…).
    pub fn detect(
        choice: ColorChoice,
        term: Option<&str>,
        colorterm: Option<&str>,
        no_color: bool,
    ) -> ColorDepth {
        let term = term.unwrap_or("").trim().to_ascii_lowercase();
        let colorterm = colorterm.unwrap_or("").trim().to_ascii_lowercase();
        match choice {
            ColorChoice::Never => return ColorDepth::None,
            ColorChoice::Auto if no_color => return ColorDepth::None,
            _ => {}
        }
        if term == "dumb" {
            return if choice == ColorChoice::Always {
                ColorDepth::Ansi16
            } else {
                ColorDepth::None
            };
        }
        if colorterm == "truecolor" || colorterm == "24bit" {
            ColorDepth::TrueColor
        } else if term.contains("256color") {
            ColorDepth::Indexed256
        } else {
            ColorDepth::Ansi16
        }
    }

    /// The depth for this process's own terminal.
    pub fn from_env(choice: ColorChoice) -> ColorDepth {
        let var = |name: &str| std::env::var(name).ok();
        let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        ColorDepth::detect(
            choice,
            var("TERM").as_deref(),
            var("COLORTERM").as_deref(),
            no_color,
        )
    }

    /// A colour as this depth can show it.
    pub fn map(self, color: Color) -> Color {
        match (self, color) {
            (ColorDepth::None, _) => Color::Reset,
            (ColorDepth::TrueColor, c) => c,
            (ColorDepth::Indexed256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest_16(r, g, b),
            (ColorDepth::Ansi16, Color::Indexed(i)) => {
                let (r, g, b) = indexed_rgb(i);
                nearest_16(r, g, b)
            }
            (_, c) => c,
        }
    }
}

/// The sixteen ANSI colours as xterm draws them.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    // Green counts most, blue least, as the eye sees them.
    3 * d(a.0, b.0).pow(2) + 4 * d(a.1, b.1).pow(2) + 2 * d(a.2, b.2).pow(2)
}

/// The nearest of the sixteen ANSI colours. Greys keep their lightness (dark text on a light
/// label stays dark), colours go to the nearest hue.
fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, rgb)| distance(*rgb, (r, g, b)))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// The levels of xterm's 6x6x6 colour cube.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let i = i - 16;
            (
                CUBE[(i / 36) as usize],
                CUBE[(i / 6 % 6) as usize],
                CUBE[(i % 6) as usize],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

/// The nearest colour of the 256-colour palette's cube and grey ramp.
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| -> usize {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (i32::from(**c) - i32::from(v)).unsigned_abs())
            .map_or(0, |(i, _)| i)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (16 + 36 * ri + 6 * gi + bi) as u8;
    let grey_level = ((u32::from(r) + u32::from(g) + u32::from(b)) / 3).clamp(8, 238);
    let grey = (232 + (grey_level - 8) / 10).min(255) as u8;
    if distance(indexed_rgb(grey), (r, g, b)) < distance(indexed_rgb(cube), (r, g, b)) {
        grey
    } else {
        cube
    }
}

/// Blank runs at least this long are erased with one sequence (`ESC [ n X`, 4 to 6 bytes)
/// rather than sent as spaces.
const BLANK_RUN: usize = 12;

/// Where the terminal's size comes from.
#[derive(Clone)]
pub enum SizeSource {
    /// This process's terminal.
    Tty,
    /// Given by someone else (an SSH client's pty request and window changes).
    Shared(Arc<Mutex<(u16, u16)>>),
}

/// One cell as the terminal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    symbol: String,
    fg: Color,
    bg: Color,
    modifier: Modifier,
    /// Columns the symbol takes (0 for a cell covered by a wide neighbour).
    width: u8,
}

impl Shown {
    fn blank() -> Shown {
        Shown {
            symbol: " ".into(),
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
            width: 1,
        }
    }

    /// Whether two cells look the same: a space's foreground and weight do not show.
    fn looks_like(&self, other: &Shown) -> bool {
        if self.symbol != other.symbol || self.bg != other.bg || self.width != other.width {
            return false;
        }
        let visible = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
        if self.symbol == " " {
            self.modifier & visible == other.modifier & visible
                && (!self.modifier.contains(Modifier::REVERSED) || self.fg == other.fg)
        } else {
            self.fg == other.fg && self.modifier == other.modifier
        }
    }
}

/// The terminal's pen: colours and attributes set by the last SGR sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };
}

/// A ratatui backend writing to `W`.
pub struct Screen<W: Write> {
    out: W,
    size: SizeSource,
    depth: ColorDepth,
    width: u16,
    height: u16,
    shown: Vec<Shown>,
    /// The pen as last set, when known.
    pen: Option<Pen>,
    /// Where the terminal's cursor is, when known.
    cursor: Option<(u16, u16)>,
}

impl<W: Write> Screen<W> {
    pub fn new(out: W, size: SizeSource, depth: ColorDepth) -> Screen<W> {
        Screen {
            out,
            size,
            depth,
            width: 0,
            height: 0,
            shown: Vec::new(),
            pen: None,
            cursor: None,
        }
    }

    pub fn depth(&self) -> ColorDepth {
        self.depth
    }

    /// The writer underneath (to send other sequences, e.g. OSC 52).
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    /// Makes the copy match the terminal's size; a new size means the terminal shows
    /// nothing this writer knows of, so everything is blank and the cursor unknown.
    fn fit(&mut self, width: u16, height: u16) {
        if width != self.width || height != self.height {
            self.width = width;
            self.height = height;
            self.shown = vec![Shown::blank(); width as usize * height as usize];
            self.cursor = None;
        }
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height).then(|| y as usize * self.width as usize + x as usize)
    }

    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        match self.cursor {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy))
                if cy == y && x > cx && digits(x - cx) < digits(y + 1) + digits(x + 1) + 1 =>
            {
                // A hop forward on the same row: shorter than an absolute move.
                write!(self.out, "\x1b[{}C", x - cx)?;
            }
            _ => write!(self.out, "\x1b[{};{}H", y + 1, x + 1)?,
        }
        self.cursor = Some((x, y));
        Ok(())
    }

    fn set_pen(&mut self, fg: Color, bg: Color, modifier: Modifier) -> io::Result<()> {
        let fg = self.depth.map(fg);
        let bg = self.depth.map(bg);
        let want = Pen { fg, bg, modifier };
        if self.pen == Some(want) {
            return Ok(());
        }
        let from = self.pen.unwrap_or(Pen {
            modifier: Modifier::all(),
            ..Pen::RESET
        });
        let mut params: Vec<String> = Vec::new();
        // Attributes can only be turned off one by one or all at once: start from a reset
        // when any goes.
        let reset = !(from.modifier - modifier).is_empty();
        let base = if reset {
            params.push("0".into());
            Pen::RESET
        } else {
            from
        };
        for (m, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::SLOW_BLINK, "5"),
            (Modifier::RAPID_BLINK, "6"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if modifier.contains(m) && !base.modifier.contains(m) {
                params.push(code.into());
            }
        }
        if fg != base.fg || reset && fg != Color::Reset {
            params.push(sgr_color(fg, true));
        }
        if bg != base.bg || reset && bg != Color::Reset {
            params.push(sgr_color(bg, false));
        }
        if !params.is_empty() {
            write!(self.out, "\x1b[{}m", params.join(";"))?;
        }
        self.pen = Some(want);
        Ok(())
    }

    /// How many of `dirty` (sorted) are consecutive plain blanks of one background on one row,
    /// from the first.
    fn blank_run(&self, dirty: &[usize]) -> usize {
        let Some(&first) = dirty.first() else {
            return 0;
        };
        let row = first / self.width as usize;
        let plain = |s: &Shown, bg: Color| {
            s.symbol == " "
                && s.width == 1
                && s.bg == bg
                && (s.modifier
                    & (Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT))
                    .is_empty()
        };
        let bg = self.shown[first].bg;
        dirty
            .iter()
            .enumerate()
            .take_while(|&(n, &i)| {
                i == first + n && i / self.width as usize == row && plain(&self.shown[i], bg)
            })
            .count()
    }

    /// Blanks `n` cells from `i` with one erase (the terminal fills them with the current
    /// background), instead of sending a space for each.
    fn erase(&mut self, i: usize, n: usize) -> io::Result<()> {
        let (x, y) = (
            (i % self.width as usize) as u16,
            (i / self.width as usize) as u16,
        );
        let bg = self.shown[i].bg;
        self.move_to(x, y)?;
        // Only the background shows in erased cells; keep the rest of the pen as it is.
        let (fg, modifier) = self.pen.map_or((Color::Reset, Modifier::empty()), |p| {
            (
                p.fg,
                p.modifier - (Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT),
            )
        });
        self.set_pen(fg, bg, modifier)?;
        write!(self.out, "\x1b[{n}X")?;
        Ok(())
    }

    /// Moves to `(x, y)`, rewriting a short gap on the same row instead when the cells
    /// skipped are plain, drawn with the pen as it is, and that is shorter.
    fn reach(&mut self, x: u16, y: u16) -> io::Result<()> {
        if let Some((cx, cy)) = self.cursor
            && cy == y
            && x > cx
            && x - cx <= 3
        {
            let from = self.index(cx, cy).unwrap_or(0);
            let gap = &self.shown[from..from + (x - cx) as usize];
            let pen = self.pen;
            let depth = self.depth;
            let same_pen = |s: &Shown| {
                pen.is_some_and(|p| {
                    p.fg == depth.map(s.fg) && p.bg == depth.map(s.bg) && p.modifier == s.modifier
                })
            };
            if gap
                .iter()
                .all(|s| s.width == 1 && s.symbol.len() == 1 && same_pen(s))
            {
                let text: String = gap.iter().map(|s| s.symbol.as_str()).collect();
                self.out.write_all(text.as_bytes())?;
                self.cursor = Some((x, y));
                return Ok(());
            }
        }
        self.move_to(x, y)
    }

    /// Draws the cell at `i` as the copy holds it.
    fn paint(&mut self, i: usize) -> io::Result<()> {
        let cell = self.shown[i].clone();
        if cell.width == 0 {
            return Ok(());
        }
        let (x, y) = (
            (i % self.width as usize) as u16,
            (i / self.width as usize) as u16,
        );
        let width = u16::from(cell.width);
        let symbol = safe_symbol(&cell.symbol);
        self.reach(x, y)?;
        self.set_pen(cell.fg, cell.bg, cell.modifier)?;
        if cells::fragile(&symbol) {
            // Clear the columns the cluster is given, draw it from their start, and let
            // the next write say where it goes: a terminal that draws it narrower leaves
            // blanks, one that draws it wider is overwritten by the cell after it.
            write!(
                self.out,
                "{}\x1b[{}D{symbol}",
                " ".repeat(width.into()),
                width
            )?;
            self.cursor = None;
        } else {
            self.out.write_all(symbol.as_bytes())?;
            self.cursor = Some((x + width, y)).filter(|&(cx, _)| cx < self.width);
        }
        Ok(())
    }
}

/// How many decimal digits `n` is written with.
fn digits(n: u16) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// A cell's symbol with nothing unsafe in it (a space when nothing is left).
fn safe_symbol(symbol: &str) -> String {
    let kept: String = symbol.chars().filter(|c| !is_unsafe_char(*c)).collect();
    if kept.is_empty() { " ".into() } else { kept }
}

fn sgr_color(color: Color, fg: bool) -> String {
    let (base, bright) = if fg { (30, 90) } else { (40, 100) };
    match color {
        Color::Reset => (if fg { "39" } else { "49" }).into(),
        Color::Black => format!("{}", base),
        Color::Red => format!("{}", base + 1),
        Color::Green => format!("{}", base + 2),
        Color::Yellow => format!("{}", base + 3),
        Color::Blue => format!("{}", base + 4),
        Color::Magenta => format!("{}", base + 5),
        Color::Cyan => format!("{}", base + 6),
        Color::Gray => format!("{}", base + 7),
        Color::DarkGray => format!("{}", bright),
        Color::LightRed => format!("{}", bright + 1),
        Color::LightGreen => format!("{}", bright + 2),
        Color::LightYellow => format!("{}", bright + 3),
        Color::LightBlue => format!("{}", bright + 4),
        Color::LightMagenta => format!("{}", bright + 5),
        Color::LightCyan => format!("{}", bright + 6),
        Color::White => format!("{}", bright + 7),
        Color::Indexed(i) => format!("{};5;{i}", if fg { 38 } else { 48 }),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", if fg { 38 } else { 48 }),
    }
}

impl<W: Write> Write for Screen<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Backend for Screen<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let size = self.size()?;
        self.fit(size.width, size.height);
        // The frame as it will be: the cells received over what is shown, then which cells
        // wide ones cover, row by row.
        let mut next = self.shown.clone();
        let mut rows: Vec<u16> = Vec::new();
        for (x, y, cell) in content {
            let Some(i) = self.index(x, y) else { continue };
            next[i] = Shown {
                symbol: cell.symbol().to_string(),
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
                width: cells::cluster_width(cell.symbol()).clamp(1, 2) as u8,
            };
            if rows.last() != Some(&y) {
                rows.push(y);
            }
        }
        rows.sort_unstable();
        rows.dedup();
        let width = self.width as usize;
        let mut dirty: Vec<usize> = Vec::new();
        for y in rows {
            let start = y as usize * width;
            let mut x = 0;
            while x < width {
                let i = start + x;
                if next[i].width == 0 {
                    next[i].width = 1;
                }
                let w = (next[i].width as usize).min(width - x).max(1);
                next[i].width = w as u8;
                for k in 1..w {
                    next[i + k].width = 0;
                }
                x += w;
            }
            // What changed, and what was covered and is not any more (the terminal may still
            // hold part of the old wide or fragile cluster there).
            let rows = self.shown[start..start + width]
                .iter()
                .zip(&next[start..start + width]);
            for (k, (was, will)) in rows.enumerate() {
                let changed = !was.looks_like(will);
                let uncovered = was.width == 0 && will.width != 0;
                if changed || uncovered {
                    dirty.push(start + k);
                }
            }
        }
        self.shown = next;
        // After a fragile cluster, the cells it could spill into are drawn again (and after
        // those, if fragile themselves, theirs).
        let mut extra = Vec::new();
        let mut work: Vec<usize> = dirty.clone();
        while let Some(i) = work.pop() {
            let shown = &self.shown[i];
            let spill = cells::spill(&shown.symbol);
            if spill == 0 || shown.width == 0 {
                continue;
            }
            let x = (i % width) as u16 + u16::from(shown.width);
            let y = (i / width) as u16;
            for column in x..x.saturating_add(spill as u16) {
                let Some(mut j) = self.index(column, y) else {
                    break;
                };
                // A covered cell is drawn by the wide one before it.
                if self.shown[j].width == 0 && j > 0 {
                    j -= 1;
                }
                if !extra.contains(&j) && !dirty.contains(&j) {
                    extra.push(j);
                    work.push(j);
                }
            }
        }
        dirty.extend(extra);
        dirty.sort_unstable();
        dirty.dedup();
        let mut k = 0;
        while k < dirty.len() {
            let run = self.blank_run(&dirty[k..]);
            if run >= BLANK_RUN {
                self.erase(dirty[k], run)?;
                k += run;
            } else {
                self.paint(dirty[k])?;
                k += 1;
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.out.write_all(b"\x1b[?25l")
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.out.write_all(b"\x1b[?25h")
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Asking the terminal is a round trip (over SSH too); only inline views need it.
        Ok(self
            .cursor
            .map_or(Position::ORIGIN, |(x, y)| Position::new(x, y)))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        write!(self.out, "\x1b[{};{}H", p.y + 1, p.x + 1)?;
        self.cursor = Some((p.x, p.y));
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // The erase fills with the current background: reset the pen first.
        self.out.write_all(b"\x1b[0m")?;
        self.pen = Some(Pen::RESET);
        let size = self.size()?;
        self.fit(size.width, size.height);
        match clear_type {
            ClearType::All => {
                self.out.write_all(b"\x1b[2J")?;
                self.shown.fill(Shown::blank());
            }
            ClearType::AfterCursor => {
                self.out.write_all(b"\x1b[J")?;
                self.forget_from_cursor(true);
            }
            ClearType::BeforeCursor => {
                self.out.write_all(b"\x1b[1J")?;
                self.shown.fill(Shown::blank());
            }
            ClearType::CurrentLine => {
                self.out.write_all(b"\x1b[2K")?;
                self.forget_from_cursor(false);
            }
            ClearType::UntilNewLine => {
                self.out.write_all(b"\x1b[K")?;
                self.forget_from_cursor(false);
            }
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        match &self.size {
            SizeSource::Tty => {
                let (width, height) = crossterm::terminal::size()?;
                Ok(Size { width, height })
            }
            SizeSource::Shared(size) => {
                let (width, height) = *size.lock().unwrap_or_else(|e| e.into_inner());
                Ok(Size { width, height })
            }
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size()?,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Screen<W> {
    /// After a partial erase: what the terminal shows from the cursor on is not known as
    /// drawn any more; treat it as blank (the next frame repaints anything else).
    fn forget_from_cursor(&mut self, to_end: bool) {
        let Some((x, y)) = self.cursor else {
            self.shown.fill(Shown::blank());
            return;
        };
        let from = y as usize * self.width as usize + x as usize;
        let to = if to_end {
            self.shown.len()
        } else {
            (y as usize + 1) * self.width as usize
        };
        for s in self.shown.iter_mut().take(to).skip(from) {
            *s = Shown::blank();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_term_colorterm_and_no_color() {
        use ColorChoice::*;
        let d = ColorDepth::detect;
        assert_eq!(
            d(Auto, Some("xterm-256color"), Some("truecolor"), false),
            ColorDepth::TrueColor
        );
        assert_eq!(
            d(Auto, Some("xterm-256color"), None, false),
            ColorDepth::Indexed256
        );
        assert_eq!(d(Auto, Some("linux"), None, false), ColorDepth::Ansi16);
        assert_eq!(d(Auto, Some("vt100"), None, false), ColorDepth::Ansi16);
        assert_eq!(d(Auto, Some("screen"), None, false), ColorDepth::Ansi16);
        assert_eq!(d(Auto, Some("dumb"), None, false), ColorDepth::None);
        assert_eq!(
            d(Auto, Some("xterm-256color"), Some("truecolor"), true),
            ColorDepth::None
        );
        assert_eq!(
            d(Always, Some("xterm-256color"), None, true),
            ColorDepth::Indexed256
        );
        assert_eq!(
            d(Never, Some("xterm-256color"), Some("24bit"), false),
            ColorDepth::None
        );
    }

    #[test]
    fn colours_come_down_to_the_nearest_the_depth_has() {
        assert_eq!(
            ColorDepth::Indexed256.map(Color::Rgb(255, 0, 0)),
            Color::Indexed(196)
        );
        assert_eq!(
            ColorDepth::Indexed256.map(Color::Rgb(128, 128, 128)),
            Color::Indexed(244)
        );
        assert_eq!(ColorDepth::Ansi16.map(Color::Rgb(230, 30, 30)), Color::Red);
        assert_eq!(ColorDepth::Ansi16.map(Color::Rgb(17, 21, 28)), Color::Black);
        assert_eq!(
            ColorDepth::Ansi16.map(Color::Rgb(250, 250, 250)),
            Color::White
        );
        assert_eq!(
            ColorDepth::TrueColor.map(Color::Rgb(1, 2, 3)),
            Color::Rgb(1, 2, 3)
        );
        assert_eq!(ColorDepth::None.map(Color::Rgb(1, 2, 3)), Color::Reset);
    }

    fn frame(cells: &[(u16, u16, &str)]) -> Vec<(u16, u16, Cell)> {
        cells
            .iter()
            .map(|(x, y, s)| {
                let mut cell = Cell::default();
                cell.set_symbol(s);
                (*x, *y, cell)
            })
            .collect()
    }

    fn draw(screen: &mut Screen<Vec<u8>>, cells: &[(u16, u16, Cell)]) -> String {
        screen.out.clear();
        screen
            .draw(cells.iter().map(|(x, y, c)| (*x, *y, c)))
            .unwrap();
        String::from_utf8(screen.out.clone()).unwrap()
    }

    #[test]
    fn what_the_terminal_shows_already_is_not_sent_again() {
        let size = Arc::new(Mutex::new((10, 2)));
        let mut s = Screen::new(Vec::new(), SizeSource::Shared(size), ColorDepth::TrueColor);
        let first = draw(&mut s, &frame(&[(0, 0, "a"), (1, 0, "b"), (5, 0, " ")]));
        assert!(first.contains("ab"), "{first:?}");
        assert!(
            !first.contains(' '),
            "a blank over a blank is not sent: {first:?}"
        );
        let again = draw(&mut s, &frame(&[(0, 0, "a"), (1, 0, "c")]));
        assert_eq!(again, "\x1b[1;2Hc");
    }

    #[test]
    fn a_fragile_cluster_is_cleared_drawn_and_followed_by_a_repaint() {
        let size = Arc::new(Mutex::new((10, 1)));
        let mut s = Screen::new(Vec::new(), SizeSource::Shared(size), ColorDepth::TrueColor);
        draw(&mut s, &frame(&[(3, 0, "x")]));
        // An accent written apart from its letter: one column, perhaps two on some terminal.
        let out = draw(&mut s, &frame(&[(2, 0, "e\u{301}"), (3, 0, "x")]));
        // Its column cleared, back one, the cluster, then an explicit move to redraw "x",
        // which the terminal may have drawn the accent over.
        assert_eq!(out, "\x1b[1;3H \x1b[1De\u{301}\x1b[1;4Hx", "{out:?}");
    }

    #[test]
    fn unsafe_characters_never_leave() {
        let size = Arc::new(Mutex::new((10, 1)));
        let mut s = Screen::new(Vec::new(), SizeSource::Shared(size), ColorDepth::TrueColor);
        let out = draw(&mut s, &frame(&[(0, 0, "a\u{202e}"), (1, 0, "\u{9b}")]));
        assert!(
            !out.chars().any(|c| c == '\u{202e}' || c == '\u{9b}'),
            "{out:?}"
        );
    }
}
