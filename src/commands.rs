//! What each command does. `main` parses the command line and maps errors to exit codes;
//! everything between lives here.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use serde::Serialize;
use tempfile::TempDir;

use crate::cli::{Cli, Command, ExportFormat};
use crate::config::{self, Config};
use crate::domain::text::display_safe;
use crate::domain::{Agreement, Catalog, health};
use crate::i18n::Lang;
use crate::store::interchange::{self, enum_name};
use crate::store::{Actor, ImportMode, Store};

/// Everything a command needs: the open store and the settings in force.
pub struct Session {
    /// Shared with background work (search index builds, server sessions).
    pub store: std::sync::Arc<Store>,
    /// Keeps a `--demo` store alive until the session ends, then deletes it.
    pub demo_dir: Option<TempDir>,
    pub config: Config,
    pub today: NaiveDate,
    /// The day given with `--today`: everything is shown as it stood then (see
    /// `domain::asof`). `None`: today, with everything recorded.
    pub as_of: Option<NaiveDate>,
    pub lang: Lang,
    pub theme: Option<String>,
    pub actor: Actor,
}

/// The settings in force, from the command line, the config file and the locale; reading
/// them needs no store.
pub struct Settings {
    pub config: Config,
    pub lang: Lang,
}

impl Settings {
    pub fn load(cli: &Cli) -> Result<Settings> {
        let config = match cli.config.clone().or_else(config::default_config_path) {
            Some(path) => Config::load(&path)?,
            None => Config::default(),
        };
        let lang = cli
            .lang
            .or(config.lang)
            .unwrap_or_else(crate::i18n::from_locale);
        Ok(Settings { config, lang })
    }
}

impl Session {
    pub fn open(cli: &Cli, purpose: &str) -> Result<Session> {
        let Settings { config, lang } = Settings::load(cli)?;
        let actor = Actor::local();
        let (store, demo_dir) = if cli.demo {
            let dir = tempfile::Builder::new()
                .prefix("kembar-demo-")
                .tempdir()
                .context("cannot create a temporary folder for the demo store")?;
            let store = Store::open(dir.path(), purpose)?;
            let data = interchange::parse_dataset(
                crate::demo::DEMO_JSON.as_bytes(),
                crate::demo::DEMO_SOURCE,
            )?;
            store.import(&data, crate::demo::DEMO_SOURCE, ImportMode::Merge, &actor)?;
            (store, Some(dir))
        } else {
            let path = store_path(cli)?;
            (Store::open(&path, purpose)?, None)
        };
        for notice in store.notices() {
            eprintln!("kembar: {}", display_safe(notice));
        }
        Ok(Session {
            store: std::sync::Arc::new(store),
            demo_dir,
            today: cli
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            as_of: cli.today,
            lang,
            theme: cli.theme.clone().or_else(|| config.theme.clone()),
            config,
            actor,
        })
    }
}

impl Session {
    /// The catalog as the commands show it: as of `--today` when one was given.
    pub fn catalog(&self) -> Result<Catalog> {
        let catalog = self.store.load_catalog()?;
        Ok(match self.as_of {
            Some(day) => catalog.as_of(day),
            None => catalog,
        })
    }
}

fn store_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(path) => Ok(path.clone()),
        None => config::default_store_path().ok_or_else(|| {
            anyhow!(
                "cannot work out your data directory (is HOME set?).\n\
                 fix: name a store with --db PATH or the KEMBAR_DB variable"
            )
        }),
    }
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        None => crate::tui::run_dashboard(&cli),
        Some(Command::Import {
            file,
            format,
            sheet,
            mapping,
            province,
            check,
            update,
            replace,
        }) => {
            let session = Session::open(&cli, "import")?;
            let request = crate::register::import::Request {
                file,
                format: *format,
                sheet: sheet.as_deref(),
                mapping: mapping.as_deref(),
                province: province.as_deref(),
                check: *check,
                update: *update,
                replace: *replace,
            };
            let settings = crate::register::import::Settings {
                today: session.today,
                aliases: &session.config.aliases,
            };
            with_output(None, |out| {
                crate::register::import::run(
                    &session.store,
                    &session.actor,
                    &settings,
                    &request,
                    out,
                )
            })
        }
        Some(Command::Export { format, output }) => {
            let session = Session::open(&cli, "export")?;
            export(&session, *format, output.as_deref())
        }
        Some(Command::List { json }) => {
            let session = Session::open(&cli, "list")?;
            list(&session, *json)
        }
        Some(Command::Search {
            query,
            limit,
            json,
            kind,
        }) => search(&cli, query, *limit, *json, kind),
        Some(Command::Triage { json, csv, limit }) => {
            let session = Session::open(&cli, "triage")?;
            triage(&session, *json, *csv, *limit)
        }
        Some(Command::Trends { json, csv }) => {
            let session = Session::open(&cli, "trends")?;
            let catalog = session.catalog()?;
            let bytes = trends_bytes(&catalog, Judging::of(&session), *json, *csv)?;
            with_output(None, |out| Ok(out.write_all(&bytes)?))
        }
        Some(Command::Report {
            province,
            title,
            place,
            participants,
            format,
            output,
        }) => {
            let session = Session::open(&cli, "report")?;
            let request = crate::report::Request {
                province: province.as_deref(),
                meeting: crate::report::Meeting::from_flags(title, place, participants)
                    .or(&session.config.report),
            };
            report(&session, &request, *format, output.as_deref())
        }
        Some(Command::Log { since, json }) => {
            let session = Session::open(&cli, "log")?;
            let entries: Vec<_> = session
                .store
                .audit_entries()?
                .into_iter()
                .filter(|e| since.is_none_or(|d| e.at.date_naive() >= d))
                .collect();
            with_output(None, |out| {
                if *json {
                    serde_json::to_writer_pretty(&mut *out, &entries)?;
                    out.write_all(b"\n")?;
                } else {
                    for e in &entries {
                        writeln!(
                            out,
                            "{}  {} ({})  {}  {}",
                            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
                            display_safe(&e.user),
                            display_safe(&e.via),
                            display_safe(&e.action),
                            display_safe(&e.record)
                        )?;
                    }
                }
                Ok(())
            })
        }
        Some(Command::Check { repair }) => {
            let session = Session::open(&cli, "check")?;
            crate::store::check::run(&session.store, *repair, &session.actor)
        }
        Some(Command::Serve {
            listen,
            authorized_keys,
            host_key,
            log_format,
        }) => crate::server::serve(
            &cli,
            listen,
            authorized_keys,
            host_key.as_deref(),
            *log_format,
        ),
        Some(Command::Gen {
            agreements,
            activities_per,
            seed,
        }) => {
            let session = Session::open(&cli, "gen")?;
            if !session.store.is_empty() {
                bail!(
                    "the store at {} already holds data; `kembar gen` only fills an empty \
                     store, so that synthetic records never mix with real ones.\n\
                     fix: choose a new folder with --db PATH",
                    session.store.path().display()
                );
            }
            let data = crate::synth::generate(*agreements, *activities_per, *seed);
            let report = session.store.fill_generated(
                &data,
                &format!("kembar gen --seed {seed}"),
                &session.actor,
            )?;
            eprintln!(
                "generated into {}: {report}",
                session.store.path().display()
            );
            Ok(())
        }
        Some(Command::Completions { shell }) => with_output(None, |out| {
            Ok(crate::manual::write_completions(*shell, out)?)
        }),
        Some(Command::Manpage { output }) => with_output(output.as_deref(), |out| {
            Ok(crate::manual::write_man_page(out)?)
        }),
    }
}

/// Writes to a file or standard output; a closed pipe (`| head`) ends quietly.
fn with_output(
    output: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export never leaves half a file.
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot write in {}", dir.display()))?;
            {
                let mut out = BufWriter::new(tmp.as_file_mut());
                write(&mut out)?;
                out.flush()
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            tmp.as_file()
                .sync_all()
                .with_context(|| format!("cannot write {}", path.display()))?;
            tmp.persist(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(())
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let result = write(&mut out).and_then(|()| Ok(out.flush()?));
            match result {
                Err(e) if is_broken_pipe(&e) => Ok(()),
                other => other,
            }
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

fn export(session: &Session, format: ExportFormat, output: Option<&std::path::Path>) -> Result<()> {
    match format {
        ExportFormat::Json => {
            let data = session.store.export()?;
            with_output(output, |out| Ok(interchange::write_json(&data, out)?))
        }
        ExportFormat::Csv => {
            let catalog = session.store.load_catalog()?;
            with_output(output, |out| {
                Ok(interchange::write_csv(&catalog, session.today, out)?)
            })
        }
        ExportFormat::Xlsx => {
            refuse_workbook_on_terminal(output, "export --format xlsx")?;
            let bytes = crate::xlsx::write_dataset(&session.store.export()?, session.today)?;
            with_output(output, |out| Ok(out.write_all(&bytes)?))
        }
    }
}

/// A workbook is binary: written to a terminal it would only garble the screen.
fn refuse_workbook_on_terminal(output: Option<&std::path::Path>, command: &str) -> Result<()> {
    if output.is_none() && std::io::stdout().is_terminal() {
        bail!(
            "a workbook cannot be shown in a terminal.
             fix: write it to a file: `kembar {command} --output FILE.xlsx`"
        );
    }
    Ok(())
}

/// What `triage` and `report` need besides the catalog: the day, the thresholds, the
/// language. Shared with the SSH server, which answers the same commands.
#[derive(Debug, Clone, Copy)]
pub struct Judging {
    pub today: NaiveDate,
    pub rules: crate::domain::HealthRules,
    pub lang: Lang,
}

impl Judging {
    fn of(session: &Session) -> Judging {
        Judging {
            today: session.today,
            rules: session.config.health,
            lang: session.lang,
        }
    }
}

fn triage(session: &Session, json: bool, csv: bool, limit: Option<usize>) -> Result<()> {
    let catalog = session.catalog()?;
    let bytes = triage_bytes(&catalog, Judging::of(session), json, csv, limit)?;
    with_output(None, |out| Ok(out.write_all(&bytes)?))
}

/// The triage queue as text, JSON or CSV.
pub fn triage_bytes(
    catalog: &Catalog,
    judging: Judging,
    json: bool,
    csv: bool,
    limit: Option<usize>,
) -> Result<Vec<u8>> {
    let mut queue = crate::domain::triage::queue(catalog, judging.today, &judging.rules);
    if let Some(limit) = limit {
        queue.truncate(limit);
    }
    let rows = crate::report::triage_rows(catalog, &queue, judging.lang);
    Ok(if json {
        let mut out = serde_json::to_vec_pretty(&rows)?;
        out.push(b'\n');
        out
    } else if csv {
        crate::report::triage_csv(&rows, judging.lang)?
    } else {
        crate::report::triage_text(&rows, judging.lang).into_bytes()
    })
}

/// The trends by year as a table, JSON or CSV.
pub fn trends_bytes(catalog: &Catalog, judging: Judging, json: bool, csv: bool) -> Result<Vec<u8>> {
    let rows = crate::domain::trends::yearly(catalog, judging.today);
    crate::report::trends_bytes(&rows, judging.today, judging.lang, json, csv)
}

fn report(
    session: &Session,
    request: &crate::report::Request<'_>,
    format: crate::cli::ReportFormat,
    output: Option<&std::path::Path>,
) -> Result<()> {
    if format == crate::cli::ReportFormat::Xlsx {
        refuse_workbook_on_terminal(output, "report --format xlsx")?;
    }
    let catalog = session.catalog()?;
    let bytes = report_bytes(&catalog, Judging::of(session), request, format)?;
    with_output(output, |out| Ok(out.write_all(&bytes)?))
}

/// The evaluation report in Markdown, CSV or as a workbook.
pub fn report_bytes(
    catalog: &Catalog,
    judging: Judging,
    request: &crate::report::Request<'_>,
    format: crate::cli::ReportFormat,
) -> Result<Vec<u8>> {
    let report = crate::report::Report::build(
        catalog,
        judging.today,
        &judging.rules,
        judging.lang,
        request,
    )
    .map_err(|e| anyhow!("{e}"))?;
    Ok(match format {
        crate::cli::ReportFormat::Md => report.markdown().into_bytes(),
        crate::cli::ReportFormat::Csv => report.csv()?,
        crate::cli::ReportFormat::Xlsx => crate::report::xlsx::write(&report)?,
    })
}

/// One result as `kembar search --json` prints it.
#[derive(Serialize)]
struct SearchRow<'a> {
    kind: crate::search::DocKind,
    text: std::borrow::Cow<'a, str>,
    context: String,
    score: i64,
    target: crate::search::Target,
}

fn search(
    cli: &Cli,
    query: &str,
    limit: usize,
    json: bool,
    kinds: &[crate::search::DocKind],
) -> Result<()> {
    // The agreements' statuses and the counts beside tags and countries are worked out
    // from the catalog as of the day, so the store is opened even when a saved index is
    // current (reading the catalog is quick; building the index means reading every
    // activity, which the saved index spares).
    // While another process holds the store, a current saved index still answers, without
    // what needs the catalog (statuses and counts beside results, and a past day's lens).
    let settings = Settings::load(cli)?;
    let today = cli
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (index, catalog) = match Session::open(cli, "search") {
        Ok(session) => {
            let aliases = &session.config.aliases;
            let catalog = session.store.load_catalog()?;
            let index =
                crate::search::load_or_build(&catalog, &session.store, session.lang, aliases)?;
            let catalog = match session.as_of {
                Some(day) => catalog.as_of(day),
                None => catalog,
            };
            (index, Some(catalog))
        }
        Err(e) => {
            let in_use = matches!(
                e.downcast_ref::<crate::store::StoreError>(),
                Some(crate::store::StoreError::InUse { .. })
            );
            let saved = match (in_use && !cli.demo && cli.today.is_none(), store_path(cli)) {
                (true, Ok(path)) => {
                    crate::search::saved::load(&path, settings.lang, &settings.config.aliases)
                }
                _ => None,
            };
            match saved {
                Some(index) => (index, None),
                None => return Err(e),
            }
        }
    };
    let lens = match &catalog {
        Some(catalog) => {
            crate::search::Lens::new(catalog, today, cli.today.is_some(), settings.lang)
        }
        None => crate::search::Lens::blind(today, settings.lang),
    };
    let mut finder = crate::search::Finder::new(kinds.to_vec());
    finder.search_through(&index, query, &lens);
    let hits = finder.top(limit);
    let rows: Vec<SearchRow> = hits
        .iter()
        .map(|h| SearchRow {
            kind: index.kind(h.doc),
            text: index.display(h.doc),
            context: lens.context(&index, h.doc),
            score: h.score,
            target: index.target(h.doc),
        })
        .collect();
    with_output(None, |out| {
        if json {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            out.write_all(b"\n")?;
        } else {
            for r in &rows {
                writeln!(
                    out,
                    "{:<10} {}  ({})",
                    r.kind.label(settings.lang),
                    r.text,
                    r.context
                )?;
            }
        }
        Ok(())
    })
}

/// One agreement as `kembar list --json` prints it.
#[derive(Serialize)]
struct ListRow<'a> {
    #[serde(flatten)]
    agreement: &'a Agreement,
    /// The status on the day (from the recorded statuses and the MoU's dates).
    status: crate::domain::Status,
    /// The obstacle tags that hold on the day.
    tags: Vec<&'a str>,
    region_name: &'a str,
    partner_name: &'a str,
    country: &'a str,
    activities: u32,
    last_activity: Option<String>,
}

fn list(session: &Session, json: bool) -> Result<()> {
    let catalog = session.catalog()?;
    if json {
        let rows: Vec<ListRow> = catalog
            .agreements
            .iter()
            .map(|a| list_row(&catalog, a, session.today))
            .collect();
        with_output(None, |out| {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            out.write_all(b"\n")?;
            Ok(())
        })
    } else {
        let rules = session.config.health;
        with_output(None, |out| {
            for a in &catalog.agreements {
                let summary = catalog.summary(a.id);
                let mark = match health::health(a, summary, session.today, &rules) {
                    health::Health::Active => "active",
                    health::Health::Quiet => "quiet",
                    health::Health::Expired => "expired",
                };
                let country = catalog
                    .partner(&a.partner)
                    .map(|p| p.country.as_str())
                    .unwrap_or("");
                writeln!(
                    out,
                    "{:>6}  {} – {} ({})  {}  {}  signed {}  expires {}  [{}]",
                    a.id,
                    display_safe(catalog.region_name(a)),
                    display_safe(catalog.partner_name(a)),
                    display_safe(country),
                    enum_name(&a.kind),
                    enum_name(&a.status_on(session.today)),
                    a.signed
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    a.expires
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    mark,
                )?;
            }
            Ok(())
        })
    }
}

fn list_row<'a>(catalog: &'a Catalog, a: &'a Agreement, today: NaiveDate) -> ListRow<'a> {
    let summary = catalog.summary(a.id);
    ListRow {
        agreement: a,
        status: a.status_on(today),
        tags: a.tags_on(today).collect(),
        region_name: catalog.region_name(a),
        partner_name: catalog.partner_name(a),
        country: catalog
            .partner(&a.partner)
            .map(|p| p.country.as_str())
            .unwrap_or(""),
        activities: summary.map(|s| s.count()).unwrap_or(0),
        last_activity: summary.and_then(|s| s.last()).map(|d| d.to_string()),
    }
}

/// Whether the dashboard can run here.
pub fn have_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
