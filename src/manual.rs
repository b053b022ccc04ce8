//! The manuals that ship beside the binary: the man page and the shell completion scripts.
//!
//! Both are generated from the clap definition in [`crate::cli`], the same one that answers
//! `--help`, so a new command or option appears in all three at once and they cannot
//! disagree. The Debian package (`packaging/build-deb`) runs the just-built binary to produce
//! them; from a source install, `kembar manpage` and `kembar completions SHELL` do the same.
//!
//! The man page is one page, `kembar(1)`, holding every command with its options. kembar is
//! one program with a handful of small commands, and `man kembar` is what people type: one
//! page answers it in full and is searched with `/`, whereas a page per command (as git and
//! cargo ship) would leave `man kembar` with a list of names to look up one by one.

use std::io::{self, Write};
use std::sync::LazyLock;

use clap::{CommandFactory, ValueEnum};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::Cli;

/// The shells `kembar completions` writes a script for: the three whose completion folders a
/// Debian system has (bash-completion, zsh's vendor-completions, fish's vendor_completions.d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

impl CompletionShell {
    /// The file name the shell looks for in its completion folder.
    pub fn file_name(self) -> &'static str {
        match self {
            CompletionShell::Bash => "kembar",
            CompletionShell::Zsh => "_kembar",
            CompletionShell::Fish => "kembar.fish",
        }
    }
}

/// What `kembar --version` prints after the name: the version and the store schema this
/// binary reads and writes, so an operator can tell before an upgrade whether the store
/// will be migrated.
pub fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{} (store schema {})",
            env!("CARGO_PKG_VERSION"),
            crate::store::STORE_SCHEMA
        )
    });
    VERSION.as_str()
}

/// Writes the completion script for `shell`.
pub fn write_completions(shell: CompletionShell, out: &mut dyn Write) -> io::Result<()> {
    // clap_complete panics when its writer fails; writing into memory first keeps a closed
    // pipe (`kembar completions bash | head`) an ordinary, quiet error.
    let mut script = Vec::new();
    let mut cmd = Cli::command();
    match shell {
        CompletionShell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "kembar", &mut script)
        }
        CompletionShell::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "kembar", &mut script)
        }
        CompletionShell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "kembar", &mut script)
        }
    }
    out.write_all(&script)
}

/// Writes the man page `kembar(1)` in roff.
pub fn write_man_page(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(&man_page()?)
}

/// The whole man page: clap_mangen's sections for the program, a COMMANDS section with one
/// subsection per command (its synopsis, description and options), then the sections clap
/// knows nothing about.
fn man_page() -> io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let man = Man::new(cmd.clone());
    let mut page = Vec::new();
    // The title line is written here because roff leaves an empty argument unquoted, which
    // would shift the footer's fields; the page has no date so that a build is reproducible.
    writeln!(
        page,
        ".TH KEMBAR 1 \"\" \"kembar {}\" \"kembar manual\"",
        env!("CARGO_PKG_VERSION")
    )?;
    let mut name = Roff::default();
    name.control("SH", ["NAME"]);
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    let about = about.strip_prefix("kembar: ").unwrap_or(&about);
    // whatis and apropos read this line: the name, an escaped dash, a one-line summary.
    name.text([roman(format!("kembar - {about}"))]);
    name.to_writer(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;

    let mut heading = Roff::default();
    heading.control("SH", ["COMMANDS"]);
    heading.to_writer(&mut page)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_command(&mut page, "kembar", sub)?;
    }

    trailing_sections().to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(to_ascii(&once_aq_string(&page)))
}

/// clap_mangen opens every section it renders with the two lines that define the `Aq`
/// string (an apostrophe groff will not curl); rendered section by section, the page would
/// define it a dozen times. Keeps the first definition.
fn once_aq_string(roff: &[u8]) -> Vec<u8> {
    const DEFINITION: [&[u8]; 2] = [b".ie \\n(.g .ds Aq ", b".el .ds Aq "];
    let mut out = Vec::with_capacity(roff.len());
    let mut seen = [false; 2];
    for line in roff.split_inclusive(|&b| b == b'\n') {
        match DEFINITION.iter().position(|d| line.starts_with(d)) {
            Some(i) if seen[i] => {}
            Some(i) => {
                seen[i] = true;
                out.extend_from_slice(line);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// Writes every character outside ASCII as groff's `\[uXXXX]` escape, as preconv would, so
/// the page reads the same under any man, locale or formatter (partners' names in their own
/// scripts appear in the help text).
fn to_ascii(roff: &[u8]) -> Vec<u8> {
    use std::fmt::Write as _;
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\[u{:04X}]", u32::from(c));
        }
    }
    out.into_bytes()
}

/// One command's subsection, then its own subcommands' (a command may grow some).
fn write_command(page: &mut Vec<u8>, parent: &str, sub: &clap::Command) -> io::Result<()> {
    let full_name = format!("{parent} {}", sub.get_name());
    let mut heading = Roff::default();
    heading.control("SS", [full_name.as_str()]);
    heading.to_writer(page)?;

    // Rendered on its own, a subcommand has no global options: they are described once, in
    // OPTIONS, rather than repeated under every command. `--help` is left out for the same
    // reason.
    let alone = sub
        .clone()
        .bin_name(full_name.as_str())
        .disable_help_flag(true)
        .disable_help_subcommand(true);
    let man = Man::new(alone);
    let mut parts = Vec::new();
    man.render_synopsis_section(&mut parts)?;
    man.render_description_section(&mut parts)?;
    man.render_options_section(&mut parts)?;
    page.extend_from_slice(&demote_sections(&parts));

    for child in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_command(page, &full_name, child)?;
    }
    Ok(())
}

/// Turns the section headings clap_mangen writes for a command into paragraph breaks, so its
/// synopsis, description and options sit inside the command's subsection instead of opening
/// top-level sections named SYNOPSIS and OPTIONS again for every command.
fn demote_sections(roff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(roff.len());
    for line in roff.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b".SH ") || line == b".SH\n" {
            out.extend_from_slice(b".PP\n");
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO: what clap does not know.
fn trailing_sections() -> Roff {
    let mut roff = Roff::default();
    let entry = |roff: &mut Roff, term: Vec<clap_mangen::roff::Inline>, text: &str| {
        roff.control("TP", []);
        roff.text(term);
        roff.text([roman(text)]);
    };

    roff.control("SH", ["EXIT STATUS"]);
    entry(&mut roff, vec![bold("0")], "Done.");
    entry(
        &mut roff,
        vec![bold("1")],
        "Failed. The message names the file or record and says what to do.",
    );
    entry(&mut roff, vec![bold("2")], "The command line was wrong.");

    roff.control("SH", ["ENVIRONMENT"]);
    entry(
        &mut roff,
        vec![bold("KEMBAR_DB")],
        "The store, as --db PATH. --db takes precedence.",
    );
    entry(
        &mut roff,
        vec![bold("KEMBAR_CONFIG")],
        "The config file, as --config FILE. --config takes precedence.",
    );
    entry(
        &mut roff,
        vec![bold("LANG"), roman(", "), bold("LC_ALL")],
        "The language of the labels when neither --lang nor the config file sets it.",
    );
    entry(
        &mut roff,
        vec![bold("NO_COLOR")],
        "When set, the dashboard draws without colour.",
    );
    entry(
        &mut roff,
        vec![bold("TMPDIR")],
        "Where kembar serve writes the answers to commands over SSH before sending them \
         (default /tmp).",
    );

    roff.control("SH", ["FILES"]);
    entry(
        &mut roff,
        vec![italic("~/.config/kembar/config.toml")],
        "The config file: language, theme, triage thresholds, search aliases, server limits.",
    );
    entry(
        &mut roff,
        vec![italic("~/.config/kembar/themes/")],
        "Colour themes (TOML) that add to or override the built-in ones.",
    );
    entry(
        &mut roff,
        vec![italic("~/.local/share/kembar/store")],
        "The store: a folder that one kembar process owns at a time. While a dashboard or \
         kembar serve holds it, list, search, triage, report, export and log are answered by \
         that process through kembar.sock in the folder (mode 0600, same user only).",
    );
    entry(
        &mut roff,
        vec![italic("STORE.pre-schema-N-TIME.kbak")],
        "Beside the store folder: the backup a newer kembar takes before it migrates an older \
         store to schema N (the last two are kept). kembar restore reads it.",
    );
    entry(
        &mut roff,
        vec![italic("/usr/lib/kembar/restore-drill")],
        "With the Debian package: restores the demo data, or a backup given to it, into a \
         temporary folder and checks the result.",
    );
    entry(
        &mut roff,
        vec![italic("/etc/kembar/authorized_keys")],
        "With the Debian package: who may connect to kembar serve, and as what \
         (OpenSSH's format; kembar-role=\"editor\" in front of a key lets it edit, \
         kembar-scope=\"jawa-tengah\" limits it to those regions, a province with its \
         regencies and cities). \
         Read again whenever it changes.",
    );
    entry(
        &mut roff,
        vec![italic("/etc/kembar/config.toml")],
        "With the Debian package: the service's config file.",
    );
    entry(
        &mut roff,
        vec![italic("/var/lib/kembar/")],
        "With the Debian package: the service's store, host key, and backups \
         (backups/daily kept 30 days, backups/monthly kept a year).",
    );
    entry(
        &mut roff,
        vec![
            italic("kembar.service"),
            roman(", "),
            italic("kembar-backup.timer"),
        ],
        "With the Debian package: the systemd units of the SSH server and of the daily backup.",
    );

    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("ssh"),
        roman("(1), "),
        bold("systemctl"),
        roman("(1), "),
        bold("journalctl"),
        roman("(1). The README describes the dashboard's keys, the data format and the server."),
    ]);
    roff
}
