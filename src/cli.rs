//! The command line, declared with clap's derive API. `--help` on every command is the manual.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::domain::dates::parse_date;
use crate::i18n::Lang;

/// kembar: sister city and sister province cooperation, in a terminal.
///
/// Without a command, kembar opens the dashboard on your store. Browse provinces and their
/// cities, their sister relationships, activity timelines and obstacle tags, all from the
/// keyboard (press ? inside for the keys).
#[derive(Debug, Parser)]
#[command(name = "kembar", version = crate::manual::version(), max_term_width = 100)]
pub struct Cli {
    /// The store to use (a folder). Default: kembar/store in your data directory.
    #[arg(long, global = true, env = "KEMBAR_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Work on a fresh temporary store loaded with the demo dataset; your own store is not
    /// touched, and the temporary one is deleted on exit.
    #[arg(long, global = true, conflicts_with = "db")]
    pub demo: bool,

    /// Judge ages and expiries as of this date instead of today (YYYY-MM-DD).
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,

    /// Language of the dashboard labels. Default: from the config file, then the locale.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// Colour theme: default, light, high-contrast, ansi16, or a name from the themes folder.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// When to use colour: auto (from TERM, COLORTERM and NO_COLOR: 24-bit only where
    /// COLORTERM says truecolor, 256 colours where TERM says 256color, 16 otherwise, none for
    /// a dumb terminal), always, or never.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub color: crate::tui::screen::ColorChoice,

    /// The config file. Default: kembar/config.toml in your config directory.
    #[arg(long, global = true, env = "KEMBAR_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Draw one frame and exit (for timing start-up).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a file: kembar's own JSON or workbook (as `kembar export` writes them), or a
    /// bureau's register as a CSV file or an Excel workbook (.xlsx).
    ///
    /// The import is all or nothing: the whole file is checked first, every problem is
    /// reported with its row and column (or line and record) and nothing is written. A
    /// register's rows are matched to the store by region, partner and signing date: rows
    /// already there are skipped, rows that differ are conflicts, written only with
    /// --update. --check shows what would happen without writing.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Read the file as this format instead of going by its extension.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// The workbook sheet holding the register. Default: the first sheet with a header
        /// row naming a region and a partner column.
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// A TOML file naming what other register headers hold, e.g. `"Tgl TTD" = "signed"`
        /// under `[columns]`.
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// The province of regencies and cities the store does not hold yet, for a register
        /// without a province column (name or short form, e.g. "jateng").
        #[arg(long, value_name = "NAME")]
        province: Option<String>,
        /// Print what the import would do, and every problem, and write nothing.
        #[arg(long)]
        check: bool,
        /// Write the register's values over agreements that differ from them (conflicts).
        #[arg(long)]
        update: bool,
        /// Replace everything in the store with the file's contents (the audit log is kept);
        /// for kembar's own files only.
        #[arg(long, conflicts_with = "update")]
        replace: bool,
    },

    /// Export the store: lossless JSON, CSV with one row per agreement for spreadsheets, or a
    /// lossless Excel workbook with one sheet per kind of record (needs --output, or a
    /// redirect).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },

    /// List agreements, one per line, or as a JSON array.
    List {
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },

    /// Search regions, partners, countries, agreements, obstacle tags and activities; prints
    /// the best matches first.
    ///
    /// Matching is fuzzy, ignores case and accents ("sao paulo" finds São Paulo), knows
    /// partners' names in their own scripts (福建, 충청) and Indonesian short forms ("jateng").
    Search {
        /// What to look for.
        query: String,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
        /// Only results of these kinds (repeat or separate with commas).
        #[arg(long, value_enum, value_delimiter = ',')]
        kind: Vec<crate::search::DocKind>,
    },

    /// The agreements that need attention, worst first, each with its reasons: expired or
    /// expiring MoUs, no activity for too long, suspected ceremonial-only MoUs, overdue or
    /// late reports, obstacle tags. Judged as of --today (default: today).
    Triage {
        /// Print a JSON array.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV for spreadsheets.
        #[arg(long)]
        csv: bool,
        /// At most this many agreements.
        #[arg(long)]
        limit: Option<usize>,
    },

    /// The country's cooperation year by year, from the first signing to the year of --today:
    /// agreements signed, renewed, in force at the end of the year, expired that year, and
    /// activities. A table, JSON or CSV.
    Trends {
        /// Print a JSON array, one object per year.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV for spreadsheets.
        #[arg(long)]
        csv: bool,
    },

    /// The evaluation report for a ministry meeting, in the language of --lang: the
    /// meeting's title, date, place and participants; per province every agreement with its
    /// dates, stage, status, reasons, recommendation and the meeting's decision; open
    /// follow-ups; obstacle frequencies. Markdown, CSV, or an Excel workbook with a chart.
    Report {
        /// Only this province (name, id or short form, e.g. "Jawa Tengah" or "jateng").
        #[arg(long)]
        province: Option<String>,
        /// The meeting's title. Default: from [report] in the config file.
        #[arg(long)]
        title: Option<String>,
        /// Where the meeting is held. Default: from [report] in the config file.
        #[arg(long)]
        place: Option<String>,
        /// Who takes part, separated by semicolons. Default: from [report] in the config.
        #[arg(long, value_delimiter = ';')]
        participants: Vec<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },

    /// The brief for the meeting that decides an agreement's renewal or revitalization, in
    /// the language of --lang, as of --today: the partnership's history and terms, its stage,
    /// status and triage reasons, the fields of cooperation pursued in the last five years
    /// with a suggested focus for the new MoU (keep, drop, add), the assessment (kajian) of
    /// the four principles and mutual benefit, achievements, obstacles, reports and open
    /// follow-ups. Markdown, or an Excel workbook with a sheet per section.
    Brief {
        /// The agreement: its id, or words found in its names (region, partner, country),
        /// e.g. "jateng queensland". Several matches are listed with their ids.
        agreement: String,
        #[arg(long, value_enum, default_value_t = BriefFormat::Md)]
        format: BriefFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },

    /// The audit trail: every change to the store, who made it and when, oldest first.
    Log {
        /// Only changes on or after this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        since: Option<NaiveDate>,
        /// Print a JSON array, with each record before and after the change.
        #[arg(long)]
        json: bool,
    },

    /// Serve the dashboard over SSH: one process owns the store, every coordinator gets a
    /// dashboard of their own with `ssh -p PORT name@host`.
    ///
    /// Only public keys listed in the authorized-keys file get in (OpenSSH's format, one key
    /// per line, with `kembar-role="editor"` in front of the key for those who may edit;
    /// without it a key may only browse, search and copy; `kembar-scope="jawa-tengah"`
    /// limits a key's changes to those regions, a province with its regencies and cities).
    /// The file is read again when it changes. The host key is created on first start
    /// (mode 0600) and reused afterwards.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:2222", value_name = "ADDR:PORT")]
        listen: String,
        /// Who may connect, and as what.
        #[arg(long, value_name = "FILE")]
        authorized_keys: PathBuf,
        /// The server's private host key. Default: kembar/ssh_host_ed25519_key in your data
        /// directory.
        #[arg(long, value_name = "PATH")]
        host_key: Option<PathBuf>,
        /// The operator's log on stderr: `text` (a timestamp and key=value fields) or `json`
        /// (one object per line).
        #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
        log_format: crate::server::log::LogFormat,
    },

    /// Verify the store: every record readable, keys and records agreeing, activity summaries
    /// matching timelines, no records of missing agreements, id counters ahead of every id.
    ///
    /// Prints what it checked and every problem found, and exits with 1 when there is any.
    /// With --repair, rebuilds what the rest of the store determines (summaries, counters)
    /// and removes activities and triage notes of agreements that no longer exist, in one
    /// audited change whose entry keeps every removed record (`kembar log --json`); problems
    /// only a person can decide are listed with their fix.
    Check {
        /// Repair what can be repaired, then check again.
        #[arg(long)]
        repair: bool,
    },

    /// Back up the whole store into one file: every record with its dated history, triage
    /// decisions and follow-ups, tags and aliases, and the whole audit trail with the records
    /// before and after each change.
    ///
    /// The backup is one consistent picture of the store, taken while others keep saving
    /// (saves wait for it only as it starts and as it ends), compressed, with a header (kembar
    /// version, store schema, identity and generation, time, counts) and SHA-256 checksums.
    /// A file is written beside FILE and renamed when complete, so FILE is never half a
    /// backup. While a dashboard or `kembar serve` holds the store, back it up through the
    /// server with an editor key: `ssh -p PORT NAME@HOST backup > FILE`. `kembar restore`
    /// reads it back.
    Backup {
        /// Write to this file (`-`: standard output, which must not be a terminal).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },

    /// Restore a backup into a new store: --db names a folder that does not exist yet, or an
    /// empty one.
    ///
    /// The whole file is checked first (what it is, its length, its checksums, its schema:
    /// a newer one is refused, an older one migrated). The store is written into a new folder
    /// beside the target, checked as `kembar check` does, and only then renamed, so a damaged
    /// backup or a full disk leaves nothing behind. Prints what was restored and the check;
    /// exits with 1 if the check finds problems (the store is restored as the backup holds
    /// it; `kembar check --repair` repairs what it can).
    Restore {
        /// The backup file, as `kembar backup` wrote it.
        file: PathBuf,
    },

    /// Fill an empty store with deterministic synthetic data, for benchmarks.
    Gen {
        /// How many agreements.
        #[arg(long, default_value_t = 1000)]
        agreements: usize,
        /// How many activities each agreement gets.
        #[arg(long, default_value_t = 10)]
        activities_per: usize,
        /// Seed: the same seed always gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },

    /// Print the shell completion script for bash, zsh or fish.
    ///
    /// The Debian package installs all three. From a source install, save the script in your
    /// shell's completion folder, e.g. `kembar completions bash >
    /// ~/.local/share/bash-completion/completions/kembar`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: crate::manual::CompletionShell,
    },

    /// Print the man page, kembar(1), in roff: every command and option, as in --help.
    ///
    /// The Debian package installs it. From a source install: `kembar manpage | gzip >
    /// ~/.local/share/man/man1/kembar.1.gz`, then `man kembar`.
    Manpage {
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BriefFormat {
    Md,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// kembar's interchange file.
    Json,
    /// A register as CSV (`;`, `,` or tab between fields).
    Csv,
    /// An Excel workbook: kembar's own export, or a register.
    Xlsx,
}

fn parse_today(text: &str) -> Result<NaiveDate, String> {
    parse_date(text)
}
