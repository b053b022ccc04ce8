//! What an operator installs: the completion scripts and the man page `kembar` writes, the
//! version line, the backup retention script, the systemd units, and the Debian package
//! built from them (when cargo-deb is installed).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Datelike, Days, NaiveDate};
use clap::CommandFactory;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};

const KEMBAR: &str = env!("CARGO_BIN_EXE_kembar");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kembar(args: &[&str]) -> Output {
    let out = Command::new(KEMBAR)
        .args(args)
        .output()
        .expect("kembar runs");
    assert!(
        out.status.success(),
        "kembar {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Whether `program` can be run; a test that needs a missing one says so and skips.
fn have(program: &str, version_arg: &str) -> bool {
    let found = Command::new(program)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!(
            "NOTICE: skipped: `{program}` is not installed; the part of this test that needs it is skipped"
        );
    }
    found
}

/// Every visible command, with the long options that belong to it (global ones excluded).
fn commands() -> Vec<(String, Vec<String>)> {
    let cli = kembar::cli::Cli::command();
    cli.get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| {
            let longs = c
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect();
            (c.get_name().to_string(), longs)
        })
        .collect()
}

#[test]
fn version_names_the_store_schema() {
    let out = kembar(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "kembar {} (store schema {})\n",
            env!("CARGO_PKG_VERSION"),
            kembar::store::STORE_SCHEMA
        )
    );
}

#[test]
fn completions_know_every_command_and_option() {
    let commands = commands();
    assert!(commands.len() >= 10, "commands: {commands:?}");
    for (shell, checker) in [
        ("bash", Some(("bash", "-n"))),
        ("zsh", Some(("zsh", "-n"))),
        ("fish", Some(("fish", "--no-execute"))),
    ] {
        let out = kembar(&["completions", shell]);
        let script = String::from_utf8(out.stdout).expect("a UTF-8 script");
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        assert!(script.contains("kembar"), "{shell}: never names kembar");
        for (name, longs) in &commands {
            assert!(script.contains(name.as_str()), "{shell}: no `{name}`");
            for long in longs {
                assert!(
                    script.contains(long.as_str()),
                    "{shell}: no --{long} of {name}"
                );
            }
        }
        // The shell itself parses the script (without running it) where it is installed.
        if let Some((program, flag)) = checker
            && have(program, "--version")
        {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let file = dir.path().join("script");
            std::fs::write(&file, &script).expect("the script is written");
            let check = Command::new(program)
                .arg(flag)
                .arg(&file)
                .output()
                .expect("the shell runs");
            assert!(
                check.status.success(),
                "{program} {flag} rejects the {shell} script: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let out = Command::new(KEMBAR)
        .args(["completions", "tcsh"])
        .output()
        .expect("kembar runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bash") && err.contains("fish"), "{err}");
}

/// The macros the page may use: those of man(7) that groff and mandoc both know, and the
/// conditional that defines the apostrophe string.
const MAN_MACROS: &[&str] = &[
    "TH", "SH", "SS", "PP", "TP", "IP", "RS", "RE", "br", "ie", "el",
];

#[test]
fn man_page_is_valid_roff_covering_every_command() {
    let page = String::from_utf8(kembar(&["manpage"]).stdout).expect("UTF-8");
    assert!(
        page.is_ascii(),
        "the page should escape non-ASCII characters"
    );
    let first = page.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!(
            ".TH KEMBAR 1 \"\" \"kembar {}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "title line: {first}"
    );
    assert!(
        page.contains(".SH NAME\nkembar \\- "),
        "the NAME line whatis reads"
    );
    for section in [
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "\"EXIT STATUS\"",
        "ENVIRONMENT",
        "FILES",
        "\"SEE ALSO\"",
    ] {
        assert_eq!(
            page.matches(&format!("\n.SH {section}\n")).count(),
            1,
            "section {section} once"
        );
    }
    for line in page.lines().filter(|l| l.starts_with('.')) {
        let name = line[1..].split_whitespace().next().unwrap_or_default();
        assert!(MAN_MACROS.contains(&name), "unknown request: {line}");
    }
    for (name, longs) in commands() {
        assert!(
            page.contains(&format!("\n.SS \"kembar {name}\"\n")),
            "no subsection for {name}"
        );
        for long in longs {
            let escaped = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
            assert!(page.contains(&escaped), "no --{long} of {name}");
        }
    }

    // groff formats it without a warning (-ww turns them all on), and the text it prints
    // names every command.
    if have("groff", "--version") {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("kembar.1");
        std::fs::write(&file, &page).expect("the page is written");
        let out = Command::new("groff")
            // -P-cbou: plain text, without the overstrikes that draw bold and underline.
            .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
            .arg(&file)
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.trim().is_empty(),
            "groff: {warnings}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for (name, _) in commands() {
            assert!(
                text.contains(&format!("kembar {name}")),
                "rendered: no {name}"
            );
        }
        // The partners' scripts in the help text survive the ASCII escapes.
        assert!(text.contains("福建"), "rendered: the CJK names are lost");
    }
}

#[test]
fn man_page_output_option_writes_the_same_page() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("kembar.1");
    let file_arg = file.to_string_lossy().into_owned();
    kembar(&["manpage", "--output", &file_arg]);
    let written = std::fs::read(&file).expect("the page is written");
    assert_eq!(written, kembar(&["manpage"]).stdout);
}

// ---------------------------------------------------------------------------------------
// Backup retention: packaging/backup-rotate against a model of the rules.

/// The rules as the README states them, for the script to be compared with.
fn expected_after_rotation(
    daily: &BTreeSet<NaiveDate>,
    monthly: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
    let month = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let oldest_month = month(today) - 11;
    let oldest_day = today - Days::new(29);
    let mut monthly = monthly.clone();
    for &day in daily {
        if day <= today
            && month(day) >= oldest_month
            && !monthly.iter().any(|&m| month(m) == month(day))
        {
            monthly.insert(day);
        }
    }
    let daily = daily.iter().copied().filter(|&d| d >= oldest_day).collect();
    monthly.retain(|&d| month(d) >= oldest_month);
    (daily, monthly)
}

fn backup_name(day: NaiveDate) -> String {
    format!("kembar-{}.kbak", day.format("%Y-%m-%d"))
}

/// The dated backups in `dir`, and the names of the other files.
fn read_backups(dir: &Path) -> (BTreeSet<NaiveDate>, BTreeSet<String>) {
    let mut dated = BTreeSet::new();
    let mut other = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("the folder is readable") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        // Exactly YYYY-MM-DD: chrono alone would read "20-01-01" as the year 20.
        let date = name
            .strip_prefix("kembar-")
            .and_then(|n| n.strip_suffix(".kbak"))
            .filter(|d| d.len() == 10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        match date {
            Some(d) => {
                dated.insert(d);
            }
            None => {
                other.insert(name);
            }
        }
    }
    (dated, other)
}

/// Lays out `daily` and `monthly` backups (each file holding its own name, so a copy can be
/// told from another day's), runs the script as of `today`, and returns what is left.
fn rotate(
    daily: &BTreeSet<NaiveDate>,
    monthly: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> (
    BTreeSet<NaiveDate>,
    BTreeSet<NaiveDate>,
    PathBuf,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("backups");
    for (sub, days) in [("daily", daily), ("monthly", monthly)] {
        std::fs::create_dir_all(root.join(sub)).expect("folders");
        for &day in days {
            std::fs::write(root.join(sub).join(backup_name(day)), backup_name(day))
                .expect("a fake backup");
        }
    }
    run_rotate(&root, today);
    let (daily_left, _) = read_backups(&root.join("daily"));
    let (monthly_left, _) = read_backups(&root.join("monthly"));
    (daily_left, monthly_left, root, dir)
}

fn run_rotate(root: &Path, today: NaiveDate) -> String {
    let out = Command::new("sh")
        .arg(repo().join("packaging/backup-rotate"))
        .arg(root)
        .arg(today.format("%Y-%m-%d").to_string())
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "backup-rotate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

#[test]
fn rotation_keeps_thirty_days_and_the_first_of_twelve_months() {
    // Two and a half years of daily backups, with the days around some months' starts
    // missing (the server was down), so the first backup of those months is a later day.
    let today = day("2026-11-29");
    let missing = [
        "2026-03-01",
        "2026-03-02",
        "2026-06-01",
        "2025-12-01",
        "2025-12-02",
        "2025-12-03",
    ];
    let daily: BTreeSet<NaiveDate> = day("2024-06-01")
        .iter_days()
        .take_while(|&d| d <= today)
        .filter(|d| !missing.contains(&d.format("%Y-%m-%d").to_string().as_str()))
        .collect();
    let (daily_left, monthly_left, root, _dir) = rotate(&daily, &BTreeSet::new(), today);

    let want_daily: BTreeSet<NaiveDate> = day("2026-10-31").iter_days().take(30).collect();
    assert_eq!(daily_left, want_daily);
    assert_eq!(daily_left.len(), 30);
    let want_monthly: BTreeSet<NaiveDate> = [
        "2025-12-04",
        "2026-01-01",
        "2026-02-01",
        "2026-03-03",
        "2026-04-01",
        "2026-05-01",
        "2026-06-02",
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
    ]
    .into_iter()
    .map(day)
    .collect();
    assert_eq!(monthly_left, want_monthly);

    // A monthly backup is a copy of that day's backup, not of another.
    for d in &monthly_left {
        let body =
            std::fs::read_to_string(root.join("monthly").join(backup_name(*d))).expect("readable");
        assert_eq!(body, backup_name(*d));
    }

    // Running it again the same day changes nothing.
    run_rotate(&root, today);
    assert_eq!(read_backups(&root.join("daily")).0, want_daily);
    assert_eq!(read_backups(&root.join("monthly")).0, want_monthly);

    // The next day, the oldest daily backup goes; a new month brings a new monthly one and
    // lets the oldest go.
    std::fs::write(root.join("daily").join(backup_name(day("2026-11-30"))), "x").expect("w");
    std::fs::write(root.join("daily").join(backup_name(day("2026-12-01"))), "x").expect("w");
    run_rotate(&root, day("2026-12-01"));
    let (daily_now, _) = read_backups(&root.join("daily"));
    assert_eq!(daily_now.first(), Some(&day("2026-11-02")));
    assert_eq!(daily_now.len(), 30);
    let (monthly_now, _) = read_backups(&root.join("monthly"));
    assert_eq!(monthly_now.first(), Some(&day("2026-01-01")));
    assert_eq!(monthly_now.last(), Some(&day("2026-12-01")));
    assert_eq!(monthly_now.len(), 12);
}

#[test]
fn rotation_leaves_other_files_and_future_dates_alone() {
    let today = day("2026-11-29");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    std::fs::create_dir_all(root.join("daily")).expect("folder");
    let strangers = [
        "notes.txt",
        "kembar-latest.kbak",
        "kembar-2020-01-01.kbak.tmp",
        ".kembar-2020-01-01.kbak.partial",
        "kembar-20-01-01.kbak",
    ];
    for name in strangers {
        std::fs::write(root.join("daily").join(name), "keep me").expect("w");
    }
    // A clock set a week ahead wrote this one: it is neither deleted nor made a monthly.
    let future = day("2026-12-06");
    std::fs::write(root.join("daily").join(backup_name(future)), "x").expect("w");
    std::fs::write(root.join("daily").join(backup_name(day("2019-01-01"))), "x").expect("w");
    run_rotate(root, today);
    let (dated, other) = read_backups(&root.join("daily"));
    assert_eq!(dated, BTreeSet::from([future]));
    assert_eq!(other, strangers.iter().map(|s| s.to_string()).collect());
    assert!(read_backups(&root.join("monthly")).0.is_empty());
}

#[test]
fn rotation_refuses_a_bad_date_or_folder() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let script = repo().join("packaging/backup-rotate");
    let bad_date = Command::new("sh")
        .arg(&script)
        .arg(dir.path())
        .arg("29-11-2026")
        .output()
        .expect("sh runs");
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("YYYY-MM-DD"));
    let missing = dir.path().join("nowhere");
    let no_folder = Command::new("sh")
        .arg(&script)
        .arg(&missing)
        .output()
        .expect("sh runs");
    assert_eq!(no_folder.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_folder.stderr).contains("nowhere"));
    assert!(!missing.exists(), "it made the folder it was wrongly given");
}

/// A proptest configuration with a printed seed: `PROPTEST_RNG_SEED=N` repeats a run.
fn seeded(cases: u32) -> ProptestConfig {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("proptest seed {seed} (PROPTEST_RNG_SEED={seed} repeats this run)");
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(seeded(24))]

    /// Whatever backups exist, on whatever day, the script keeps exactly what the rules say.
    #[test]
    fn rotation_matches_the_rules(
        today_offset in 0u64..2000,
        daily_offsets in proptest::collection::btree_set(0u64..800, 0..150),
        monthly_offsets in proptest::collection::btree_set(0u64..800, 0..15),
        ahead in proptest::collection::btree_set(1u64..10, 0..2),
    ) {
        let today = day("2024-01-01") + Days::new(today_offset);
        let mut daily: BTreeSet<NaiveDate> =
            daily_offsets.iter().map(|&o| today - Days::new(o)).collect();
        daily.extend(ahead.iter().map(|&a| today + Days::new(a)));
        let monthly: BTreeSet<NaiveDate> =
            monthly_offsets.iter().map(|&o| today - Days::new(o)).collect();
        let (daily_left, monthly_left, _root, _dir) = rotate(&daily, &monthly, today);
        let (want_daily, want_monthly) = expected_after_rotation(&daily, &monthly, today);
        prop_assert_eq!(daily_left, want_daily);
        prop_assert_eq!(monthly_left, want_monthly);
    }
}

// ---------------------------------------------------------------------------------------
// The shell scripts and the systemd units.

#[test]
fn packaging_scripts_parse() {
    for script in [
        "packaging/backup-rotate",
        "packaging/restore-drill",
        "packaging/build-deb",
        "packaging/debian/postinst",
        "packaging/debian/prerm",
        "packaging/debian/postrm",
    ] {
        let out = Command::new("sh")
            .arg("-n")
            .arg(repo().join(script))
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn unit(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("packaging/systemd").join(name))
        .expect("the unit is readable");
    // Joins continued lines, drops comments: the settings as systemd reads them.
    text.replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn service_keeps_its_hardening() {
    let service = unit("kembar.service");
    for setting in [
        "User=kembar",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "PrivateTmp=true",
        "ReadWritePaths=/var/lib/kembar",
        "ProtectHome=true",
        "PrivateDevices=true",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet=",
        "LimitNOFILE=65536",
        "Environment=KEMBAR_CONFIG=/etc/kembar/config.toml",
        "WantedBy=multi-user.target",
    ] {
        assert!(
            service.iter().any(|l| l == setting),
            "kembar.service: no {setting}"
        );
    }
    let exec = service
        .iter()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart");
    for part in [
        "/usr/bin/kembar --db /var/lib/kembar/store serve",
        "--authorized-keys /etc/kembar/authorized_keys",
        "--host-key /var/lib/kembar/ssh_host_ed25519_key",
    ] {
        assert!(exec.contains(part), "{exec}: no {part}");
    }
}

#[test]
fn backup_units_back_up_daily_then_rotate() {
    let service = unit("kembar-backup.service");
    let has = |setting: &str| service.iter().any(|l| l == setting);
    assert!(has("Type=oneshot") && has("User=kembar"));
    assert!(has("ReadWritePaths=/var/lib/kembar") && has("ProtectSystem=strict"));
    let exec = service
        .iter()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart");
    // systemd turns $$ and %% into $ and %, so the shell names the file after today.
    assert!(
        exec.contains(
            "/usr/bin/kembar --db /var/lib/kembar/store backup --output \
             \"/var/lib/kembar/backups/daily/kembar-$$(date +%%Y-%%m-%%d).kbak\""
        ),
        "{exec}"
    );
    assert!(has(
        "ExecStartPost=/usr/lib/kembar/backup-rotate /var/lib/kembar/backups"
    ));
    // The service has no [Install]: only the timer is enabled.
    assert!(!service.iter().any(|l| l == "[Install]"));
    let timer = unit("kembar-backup.timer");
    assert!(timer.iter().any(|l| l.starts_with("OnCalendar=")));
    assert!(timer.iter().any(|l| l == "Persistent=true"));
    assert!(timer.iter().any(|l| l == "WantedBy=timers.target"));
}

// ---------------------------------------------------------------------------------------
// The Debian package.

/// Builds the package with packaging/build-deb from the binary these tests were built with
/// (stripped when `strip` is there, so packing takes seconds), in a temporary target folder,
/// and checks what it installs.
#[test]
fn debian_package_installs_binary_units_manual_and_completions() {
    let has_cargo_deb = Command::new("cargo")
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_cargo_deb {
        eprintln!(
            "NOTICE: skipped: cargo-deb is not installed (cargo install cargo-deb --locked); \
             the Debian package is not built or checked"
        );
        return;
    }
    if !have("dpkg-deb", "--version") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let binary = dir.path().join("kembar");
    std::fs::copy(KEMBAR, &binary).expect("the binary is copied");
    let stripped = Command::new("strip")
        .arg(&binary)
        .status()
        .is_ok_and(|s| s.success());
    if !stripped {
        eprintln!("NOTICE: `strip` failed or is missing; packing the unstripped binary");
    }
    let out_dir = dir.path().join("out");
    let build = Command::new(repo().join("packaging/build-deb"))
        .arg("--binary")
        .arg(&binary)
        .arg("--output")
        .arg(&out_dir)
        .args(["--", "--fast"])
        .env("CARGO_TARGET_DIR", dir.path().join("target"))
        .output()
        .expect("build-deb runs");
    assert!(
        build.status.success(),
        "build-deb failed:\n{}\n{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    let deb = std::fs::read_dir(&out_dir)
        .expect("the output folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb was written");
    let name = deb.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        name.starts_with(&format!("kembar_{}-1_", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );

    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .expect("dpkg-deb runs");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let entry = |path: &str| {
        listing
            .lines()
            .find(|l| l.ends_with(&format!(" ./{path}")))
            .unwrap_or_else(|| panic!("the package has no {path}:\n{listing}"))
            .to_string()
    };
    for (path, mode) in [
        ("usr/bin/kembar", "-rwxr-xr-x"),
        ("usr/lib/kembar/backup-rotate", "-rwxr-xr-x"),
        ("usr/lib/kembar/restore-drill", "-rwxr-xr-x"),
        ("usr/lib/systemd/system/kembar.service", "-rw-r--r--"),
        ("usr/lib/systemd/system/kembar-backup.service", "-rw-r--r--"),
        ("usr/lib/systemd/system/kembar-backup.timer", "-rw-r--r--"),
        ("usr/share/man/man1/kembar.1.gz", "-rw-r--r--"),
        ("usr/share/bash-completion/completions/kembar", "-rw-r--r--"),
        ("usr/share/zsh/vendor-completions/_kembar", "-rw-r--r--"),
        (
            "usr/share/fish/vendor_completions.d/kembar.fish",
            "-rw-r--r--",
        ),
        ("usr/share/kembar/authorized_keys", "-rw-r--r--"),
        ("usr/share/kembar/config.toml", "-rw-r--r--"),
    ] {
        let line = entry(path);
        assert!(line.starts_with(mode), "{path}: {line}");
        assert!(
            line.contains(" 0/0 "),
            "{path} should belong to root: {line}"
        );
    }
    assert!(
        !listing.contains(" ./etc/"),
        "the package ships nothing in /etc: postinst makes it"
    );

    // What it installs is what this binary prints, and the maintainer scripts are there.
    let root = dir.path().join("root");
    let extract = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root)
        .status()
        .expect("dpkg-deb runs");
    assert!(extract.success());
    let man = Command::new("gzip")
        .arg("-dc")
        .arg(root.join("usr/share/man/man1/kembar.1.gz"))
        .output()
        .expect("gzip runs");
    assert_eq!(man.stdout, kembar(&["manpage"]).stdout, "a stale man page");
    let fish = std::fs::read(root.join("usr/share/fish/vendor_completions.d/kembar.fish"))
        .expect("readable");
    assert_eq!(fish, kembar(&["completions", "fish"]).stdout);
    let control = dir.path().join("control");
    let info = Command::new("dpkg-deb")
        .arg("-e")
        .arg(&deb)
        .arg(&control)
        .status()
        .expect("dpkg-deb runs");
    assert!(info.success());
    let postinst = std::fs::read_to_string(control.join("postinst")).expect("a postinst");
    assert!(postinst.contains("adduser --system"));
    let postrm = std::fs::read_to_string(control.join("postrm")).expect("a postrm");
    assert!(postrm.contains("purge)"));
    for script in ["postinst", "prerm", "postrm"] {
        let mode = std::fs::metadata(control.join(script))
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .expect("the script is there");
        assert_eq!(mode, 0o755, "{script}");
    }
    let fields = std::fs::read_to_string(control.join("control")).expect("control");
    assert!(fields.contains("Package: kembar\n"));
    assert!(
        fields
            .lines()
            .any(|l| l.starts_with("Depends:") && l.contains("adduser")),
        "{fields}"
    );
}
