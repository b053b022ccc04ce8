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
#[command(name = "kembar", version, max_term_width = 100)]
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
    /// Import an interchange file (JSON, as written by `kembar export`).
    ///
    /// The import is all or nothing: the whole file is checked first, and any problem is
    /// reported with its line or record and nothing is written. Records whose id is already
    /// in the store must be identical, unless --replace is given.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Replace everything in the store with the file's contents (the audit log is kept).
        #[arg(long)]
        replace: bool,
    },

    /// Export the store: lossless JSON, or CSV with one row per agreement for spreadsheets.
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

    /// The evaluation report for a ministry meeting: per province, counts by status; the
    /// agreements needing renewal or revitalization with reasons; obstacle frequencies.
    Report {
        /// Only this province (name, id or short form, e.g. "Jawa Tengah" or "jateng").
        #[arg(long)]
        province: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
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
    /// without it a key may only browse, search and copy). The file is read again when it
    /// changes. The host key is created on first start (mode 0600) and reused afterwards.
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

fn parse_today(text: &str) -> Result<NaiveDate, String> {
    parse_date(text)
}
