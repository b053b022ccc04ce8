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
        let session = Session::open_quietly(cli, purpose)?;
        for notice in session.store.notices() {
            eprintln!("kembar: {}", display_safe(notice));
        }
        Ok(session)
    }

    /// Opens the store without printing what opening it did ([`Store::notices`]), for a
    /// caller that reports it its own way (the server's log).
    pub fn open_quietly(cli: &Cli, purpose: &str) -> Result<Session> {
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
    /// Reads the store with no change landing part way (changes wait), so that what a
    /// command prints is the store as it was at one moment, also while a dashboard or a
    /// server is saving.
    pub fn consistent<T, E: Into<anyhow::Error>>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T> {
        let _writing = self
            .store
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read(&self.store).map_err(Into::into)
    }

    /// The catalog as the commands show it: as of `--today` when one was given.
    pub fn catalog(&self) -> Result<Catalog> {
        let catalog = self.consistent(|store| store.load_catalog())?;
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
        Some(Command::Backup { output }) => backup(&cli, output.as_deref()),
        Some(Command::Restore { file }) => restore(&cli, file),
        Some(Command::Completions { shell }) => with_output(None, |out| {
            Ok(crate::manual::write_completions(*shell, out)?)
        }),
        Some(Command::Manpage { output }) => with_output(output.as_deref(), |out| {
            Ok(crate::manual::write_man_page(out)?)
        }),
        // The commands that only read: `list`, `search`, `triage`, `report`, `export`, `log`.
        Some(command) => read_only_command(&cli, command),
    }
}

/// `kembar backup`: the whole store into one file (or standard output).
fn backup(cli: &Cli, output: Option<&std::path::Path>) -> Result<()> {
    use crate::store::StoreError;
    let output = output.filter(|o| *o != std::path::Path::new("-"));
    if output.is_none() && std::io::stdout().is_terminal() {
        bail!(
            "a backup is a compressed file, not text for the terminal.\n\
             fix: give --output FILE (e.g. --output kembar-$(date +%F).kbak), or redirect \
             the output to a file"
        );
    }
    if !cli.demo {
        let path = store_path(cli)?;
        if !path.is_dir() {
            bail!(
                "there is no store at {} to back up.\n\
                 fix: name the store with --db PATH (or KEMBAR_DB)",
                path.display()
            );
        }
        if let Some(out) = output
            && inside(out, &path)
        {
            bail!(
                "{} is inside the store folder {}, where kembar keeps only its own files.\n\
                 fix: write the backup elsewhere, e.g. in a backups folder beside the store",
                out.display(),
                path.display()
            );
        }
    }
    let session = match Session::open(cli, "backup") {
        Ok(session) => session,
        Err(e) => {
            if let Some(busy @ StoreError::InUse { .. }) = e.downcast_ref::<StoreError>() {
                // A dashboard or a server of this user holds it: it writes the backup for us.
                #[cfg(unix)]
                if !cli.demo
                    && let Some(connection) = crate::owner::connect(&store_path(cli)?)
                {
                    return backup_through_owner(cli, connection, output);
                }
                bail!(
                    "{busy}\n\
                     To back it up while it runs, go through its holder: `ssh -p PORT \
                     NAME@HOST backup > FILE` with an editor key when a kembar server holds \
                     it; otherwise stop the process holding it and run this again."
                );
            }
            return Err(e);
        }
    };
    let store = &session.store;
    let summary = write_backup(output, |out| Ok(store.backup_to(out)?), |_| Ok(()))?;
    let header = &summary.header;
    eprintln!(
        "kembar: backed up {} to {}: {}; {} bytes, store schema {}, generation {}; saves \
         waited at most {} ms",
        store.path().display(),
        output.map_or("standard output".into(), |p| p.display().to_string()),
        header.counts,
        summary.bytes,
        header.schema,
        header
            .generation
            .map_or("unknown".into(), |g| g.to_string()),
        summary.held.as_millis()
    );
    Ok(())
}

/// Writes a backup to standard output, or to `output`: beside it first, flushed to disk,
/// checked by `check`, then renamed, so the file is a whole backup or untouched.
fn write_backup<T>(
    output: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
    check: impl FnOnce(&std::path::Path) -> Result<()>,
) -> Result<T> {
    let Some(path) = output else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
        let written = write(&mut out)?;
        out.flush()
            .context("cannot write the backup to standard output")?;
        return Ok(written);
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".kembar-backup-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let written = {
        let mut out = BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        let written = write(&mut out)?;
        out.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        written
    };
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    check(tmp.path())?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(written)
}

/// `kembar backup` on a store held by a dashboard or a server of the same user: the holder
/// writes the backup (from the same code as a free store's) through its socket; to a file,
/// it is written beside it, checked whole, then renamed into place.
#[cfg(unix)]
fn backup_through_owner(
    cli: &Cli,
    connection: crate::owner::Connection,
    output: Option<&std::path::Path>,
) -> Result<()> {
    let settings = Settings::load(cli)?;
    let request = crate::owner::Request::new(cli, &settings);
    // What comes through the socket is checked as a restore would, before it takes the name.
    let mut header = None;
    write_backup(
        output,
        |out| connection.ask(&request, out),
        |written| {
            let verified = crate::store::backup::verify(written).map_err(|e| {
                anyhow::anyhow!(
                    "the backup written through the process holding the store is not whole: {e}"
                )
            })?;
            header = Some(verified.header.clone());
            Ok(())
        },
    )?;
    let (Some(path), Some(header)) = (output, header) else {
        eprintln!("kembar: backed up the store through the process holding it, to standard output");
        return Ok(());
    };
    eprintln!(
        "kembar: backed up the store through the process holding it, to {}: {}; store schema \
         {}, generation {}",
        path.display(),
        header.counts,
        header.schema,
        header
            .generation
            .map_or("unknown".into(), |g| g.to_string()),
    );
    Ok(())
}

/// Whether `file` would be written inside the folder `dir`.
fn inside(file: &std::path::Path, dir: &std::path::Path) -> bool {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    match (parent.canonicalize(), dir.canonicalize()) {
        (Ok(parent), Ok(dir)) => parent.starts_with(dir),
        _ => false,
    }
}

/// `kembar restore FILE --db PATH`.
fn restore(cli: &Cli, file: &std::path::Path) -> Result<()> {
    if cli.demo {
        bail!(
            "--demo uses a temporary store that is deleted on exit, so nothing can be \
             restored into it.\n\
             fix: name a new folder with --db PATH"
        );
    }
    let target = store_path(cli)?;
    let restored = crate::store::backup::restore(file, &target)?;
    let header = &restored.header;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "restored {} into {}:\n  taken {} by kembar {} from store {} (schema {}, generation \
         {})\n  {}",
        file.display(),
        target.display(),
        header.taken.format("%Y-%m-%d %H:%M:%S UTC"),
        display_safe(&header.kembar),
        display_safe(header.store.as_deref().unwrap_or("without an identity")),
        header.schema,
        header
            .generation
            .map_or("unknown".into(), |g| g.to_string()),
        header.counts
    )?;
    for notice in &restored.notices {
        writeln!(out, "  {}", display_safe(notice))?;
    }
    writeln!(out, "checking the restored store:")?;
    write!(out, "{}", restored.check)?;
    drop(out);
    if restored.check.is_clean() {
        return Ok(());
    }
    let n = restored.check.findings.len();
    bail!(
        "the restored store at {} has {n} problem{} (the backup holds the store as it was, \
         problems included).\n\
         fix: run `kembar --db {} check --repair`, which repairs what it can and names the fix \
         for the rest",
        target.display(),
        if n == 1 { "" } else { "s" },
        target.display()
    )
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

fn export(session: &Session, format: ExportFormat, out: &mut dyn Write) -> Result<()> {
    match format {
        ExportFormat::Json => {
            // `export` takes one consistent picture itself.
            let data = session.store.export()?;
            Ok(interchange::write_json(&data, out)?)
        }
        ExportFormat::Csv => {
            let catalog = session.consistent(|store| store.load_catalog())?;
            Ok(interchange::write_csv(&catalog, session.today, out)?)
        }
        ExportFormat::Xlsx => {
            let data = session.store.export()?;
            let bytes = crate::xlsx::write_dataset(&data, session.today)?;
            Ok(out.write_all(&bytes)?)
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

fn triage(
    session: &Session,
    json: bool,
    csv: bool,
    limit: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    let catalog = session.catalog()?;
    let bytes = triage_bytes(&catalog, Judging::of(session), json, csv, limit)?;
    Ok(out.write_all(&bytes)?)
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
    out: &mut dyn Write,
) -> Result<()> {
    let catalog = session.catalog()?;
    let bytes = report_bytes(&catalog, Judging::of(session), request, format)?;
    Ok(out.write_all(&bytes)?)
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

/// The one agreement `query` names (an id or words of its names), or an error listing the
/// candidates.
pub fn brief_target(
    catalog: &Catalog,
    query: &str,
    aliases: &std::collections::BTreeMap<String, String>,
    lang: Lang,
) -> Result<crate::domain::AgreementId> {
    let found = crate::brief::matching(catalog, query, aliases);
    match found.as_slice() {
        [id] => Ok(*id),
        [] => bail!(
            "no agreement matches \"{query}\".\n\
             fix: give its id (kembar list shows them) or words of its region's or partner's \
             name, e.g. \"jateng queensland\""
        ),
        many => {
            let lines: Vec<String> = many
                .iter()
                .filter_map(|id| catalog.agreement(*id))
                .map(|a| {
                    format!(
                        "  {:>6}  {}",
                        a.id,
                        crate::brief::long_name(catalog, a, lang)
                    )
                })
                .collect();
            bail!(
                "\"{query}\" matches {} agreements:\n{}\nfix: name one by its id, e.g. kembar brief {}",
                many.len(),
                lines.join("\n"),
                many[0]
            )
        }
    }
}

/// The brief of agreement `id` in Markdown or as a workbook.
pub fn brief_bytes(
    catalog: &Catalog,
    judging: Judging,
    id: crate::domain::AgreementId,
    activities: &[crate::domain::Activity],
    format: crate::cli::BriefFormat,
) -> Result<Vec<u8>> {
    let brief = crate::brief::Brief::build(
        catalog,
        id,
        activities,
        judging.today,
        &judging.rules,
        judging.lang,
    )
    .ok_or_else(|| anyhow!("agreement {id} did not exist on {}", judging.today))?;
    Ok(match format {
        crate::cli::BriefFormat::Md => brief.markdown().into_bytes(),
        crate::cli::BriefFormat::Xlsx => crate::brief::xlsx::write(&brief)?,
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

/// What to look for and how to print it.
struct SearchQuery<'a> {
    query: &'a str,
    limit: usize,
    json: bool,
    kinds: &'a [crate::search::DocKind],
}

impl<'a> SearchQuery<'a> {
    /// The query of a `kembar search` command line.
    fn of(command: &'a Command) -> Option<SearchQuery<'a>> {
        match command {
            Command::Search {
                query,
                limit,
                json,
                kind,
            } => Some(SearchQuery {
                query,
                limit: *limit,
                json: *json,
                kinds: kind,
            }),
            _ => None,
        }
    }
}

/// Search with the store open: the agreements' statuses and the counts beside tags and
/// countries are worked out from the catalog as of the day, so the catalog is read even
/// when a saved index is current (reading it is quick; building the index means reading
/// every activity, which the saved index spares).
fn search(session: &Session, q: &SearchQuery<'_>, out: &mut dyn Write) -> Result<()> {
    let aliases = &session.config.aliases;
    let (catalog, index) = session.consistent(|store| {
        let catalog = store.load_catalog()?;
        let index = crate::search::load_or_build(&catalog, store, session.lang, aliases)?;
        anyhow::Ok((catalog, index))
    })?;
    let catalog = match session.as_of {
        Some(day) => catalog.as_of(day),
        None => {
            if let Some(generation) = session.store.generation() {
                // For the next search today (see `search_saved`); a failed save only costs
                // that search the store's opening.
                let _ = crate::search::saved::save_today(
                    session.store.path(),
                    generation,
                    &crate::search::Today::of(&catalog, session.today),
                );
            }
            catalog
        }
    };
    let lens = crate::search::Lens::new(
        &catalog,
        session.today,
        session.as_of.is_some(),
        session.lang,
    );
    write_search(&index, &lens, q, session.lang, out)
}

/// Search from the files saved beside the store, without opening it (no replay): with a
/// view of today saved beside a current index, the same answer as [`search`], in a fraction
/// of the time on a large store and without asking whoever holds the store. Without that
/// view, and only when `blind` is allowed (another process holds the store and answers
/// nobody: an import, an older kembar), the index answers without what needs the catalog
/// (statuses and counts beside results). `None` when there is nothing current to answer from.
fn search_saved(cli: &Cli, q: &SearchQuery<'_>, blind: bool) -> Option<Result<()>> {
    if cli.demo || cli.today.is_some() {
        return None;
    }
    let settings = Settings::load(cli).ok()?;
    let path = store_path(cli).ok()?;
    let today = chrono::Local::now().date_naive();
    let view = crate::search::saved::load_today(&path, today);
    if view.is_none() && !blind {
        return None;
    }
    let index = crate::search::saved::load(&path, settings.lang, &settings.config.aliases)?;
    let lens = match &view {
        Some(view) => crate::search::Lens::saved(view, settings.lang),
        None => crate::search::Lens::blind(today, settings.lang),
    };
    Some(with_output(None, |out| {
        write_search(&index, &lens, q, settings.lang, out)
    }))
}

fn write_search(
    index: &crate::search::Index,
    lens: &crate::search::Lens<'_>,
    q: &SearchQuery<'_>,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<()> {
    let mut finder = crate::search::Finder::new(q.kinds.to_vec());
    finder.search_through(index, q.query, lens);
    let hits = finder.top(q.limit);
    let rows: Vec<SearchRow> = hits
        .iter()
        .map(|h| SearchRow {
            kind: index.kind(h.doc),
            text: index.display(h.doc),
            context: lens.context(index, h.doc),
            score: h.score,
            target: index.target(h.doc),
        })
        .collect();
    if q.json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        out.write_all(b"\n")?;
    } else {
        for r in &rows {
            writeln!(
                out,
                "{:<10} {}  ({})",
                r.kind.label(lang),
                r.text,
                r.context
            )?;
        }
    }
    Ok(())
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

fn list(session: &Session, json: bool, out: &mut dyn Write) -> Result<()> {
    let catalog = session.catalog()?;
    if json {
        let rows: Vec<ListRow> = catalog
            .agreements
            .iter()
            .map(|a| list_row(&catalog, a, session.today))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        out.write_all(b"\n")?;
        return Ok(());
    }
    let rules = session.config.health;
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
}

fn audit_log(
    session: &Session,
    since: Option<NaiveDate>,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let entries: Vec<_> = session
        .consistent(|store| store.audit_entries())?
        .into_iter()
        .filter(|e| since.is_none_or(|d| e.at.date_naive() >= d))
        .collect();
    if json {
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
}

/// Runs a command that only reads (see [`crate::owner::answers`]): on the store itself when
/// it is free, and through the process that holds it when it is busy, with the same output.
fn read_only_command(cli: &Cli, command: &Command) -> Result<()> {
    debug_assert!(crate::owner::answers(command), "{command:?}");
    let output = match command {
        Command::Export { output, .. }
        | Command::Report { output, .. }
        | Command::Brief { output, .. } => output.as_deref(),
        _ => None,
    };
    match command {
        Command::Export {
            format: ExportFormat::Xlsx,
            ..
        } => refuse_workbook_on_terminal(output, "export --format xlsx")?,
        Command::Report {
            format: crate::cli::ReportFormat::Xlsx,
            ..
        } => refuse_workbook_on_terminal(output, "report --format xlsx")?,
        Command::Brief {
            format: crate::cli::BriefFormat::Xlsx,
            ..
        } => refuse_workbook_on_terminal(output, "brief --format xlsx")?,
        _ => {}
    }
    if let Some(answered) = SearchQuery::of(command).and_then(|q| search_saved(cli, &q, false)) {
        return answered;
    }
    let purpose = crate::owner::purpose(command);
    let busy = match Session::open(cli, purpose) {
        Ok(session) => return with_output(output, |out| answer(&session, command, out)),
        Err(e) => e,
    };
    let in_use = matches!(
        busy.downcast_ref::<crate::store::StoreError>(),
        Some(crate::store::StoreError::InUse { .. })
    );
    if !in_use || cli.demo {
        return Err(busy);
    }
    let path = store_path(cli)?;
    let settings = Settings::load(cli)?;
    let request = crate::owner::Request::new(cli, &settings);
    match crate::owner::connect(&path) {
        Some(connection) => with_output(output, |out| connection.ask(&request, out)),
        None => match SearchQuery::of(command).and_then(|q| search_saved(cli, &q, true)) {
            Some(answered) => answered,
            None => Err(busy),
        },
    }
}

/// Writes what a command that only reads prints, from an open store: the one code path for
/// a free store and for the owner of a busy one answering another process. Commands that
/// only read and write to standard output belong here (add the command's arm, then its name
/// to [`crate::owner::answers`]); their `--output` file is written by the caller.
pub fn answer(session: &Session, command: &Command, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::List { json } => list(session, *json, out),
        Command::Search { .. } => match SearchQuery::of(command) {
            Some(q) => search(session, &q, out),
            None => Ok(()),
        },
        Command::Triage { json, csv, limit } => triage(session, *json, *csv, *limit, out),
        Command::Report {
            province,
            title,
            place,
            participants,
            format,
            output: _,
        } => {
            let request = crate::report::Request {
                province: province.as_deref(),
                meeting: crate::report::Meeting::from_flags(title, place, participants)
                    .or(&session.config.report),
            };
            report(session, &request, *format, out)
        }
        Command::Export { format, output: _ } => export(session, *format, out),
        Command::Log { since, json } => audit_log(session, *since, *json, out),
        Command::Brief {
            agreement, format, ..
        } => {
            let catalog = session.catalog()?;
            let id = brief_target(&catalog, agreement, &session.config.aliases, session.lang)?;
            let activities = session.store.activities_of(id)?;
            let bytes = brief_bytes(&catalog, Judging::of(session), id, &activities, *format)?;
            Ok(out.write_all(&bytes)?)
        }
        Command::Trends { json, csv } => {
            let catalog = session.catalog()?;
            let bytes = trends_bytes(&catalog, Judging::of(session), *json, *csv)?;
            Ok(out.write_all(&bytes)?)
        }
        Command::Backup { .. } => {
            session.store.backup_to(&mut *out)?;
            Ok(())
        }
        other => bail!(
            "`kembar {}` cannot be answered by the process that holds the store",
            crate::owner::name(other)
        ),
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
