//! Property tests: rules that must hold for every input, tried on many generated ones.
//!
//! - the import parser never panics, on arbitrary bytes or on valid files mutated at random,
//!   and whatever it accepts and the store imports comes back out of an export unchanged;
//! - the config and theme parsers never panic, and read back what a valid file says;
//! - any sequence of changes to a store, undone in reverse order, leaves the store as it was.
//!
//! Each test has a small budget so that `cargo test` stays quick. For a longer run:
//! `PROPTEST_CASES=10000 cargo test --release --test properties`. Runs are reproducible: the
//! seed is fixed unless `PROPTEST_RNG_SEED` gives another, and is printed with each test.

mod common;

use std::path::Path;

use kembar::domain::{Activity, ActivityKind, Attention, Dataset, Decision, Status, Tag};
use kembar::store::interchange::{parse_dataset, write_json};
use kembar::store::{Actor, Applied, Change, Edit, ImportMode, Record, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use serde_json::{Value, json};

/// The seed used unless `PROPTEST_RNG_SEED` says otherwise.
const SEED: u64 = 0x6b65_6d62_6172;

/// The budget of one property: `default_cases` cases unless `PROPTEST_CASES` says otherwise.
fn budget(name: &str, default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default_cases);
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    eprintln!("{name}: {cases} cases, seed {seed} (set PROPTEST_CASES / PROPTEST_RNG_SEED)");
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 512,
        // The fixed seed reproduces a failure; no regression files in the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn actor() -> Actor {
    Actor::new("tester", "test")
}

/// Whether a message could drive a terminal (it may hold line breaks).
fn unsafe_in(message: &str) -> Option<char> {
    message.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

// ---------------------------------------------------------------------------------------
// The import parser

/// small.json with something in every list: a custom tag, obstacles, triage notes.
fn base_file() -> Value {
    let text = std::fs::read_to_string(common::fixture("small.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["tags"] = json!([{ "id": "funding", "label_id": "Keterbatasan anggaran",
                         "label_en": "Budget constraints" }]);
    v["agreements"][0]["obstacles"] = json!(["funding", "communication"]);
    v["attention"] = json!([{ "agreement": 1, "decision": "renewal", "decided": "2024-01-05",
        "snoozed_until": null, "snooze_note": "",
        "follow_ups": [{ "owner": "Biro Pemerintahan", "due": "2024-02-01",
                         "next_step": "kirim draf MoU", "done": null }] }]);
    v
}

/// JSON values of every kind, including the awkward ones: ids at and past 2^53, huge and
/// negative numbers, strings with control characters, escapes and bidi overrides.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just(0u64),
            Just(1),
            Just((1 << 53) - 1),
            Just(1 << 53),
            Just(u64::MAX)
        ]
        .prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        "[a-z -]{1,20}".prop_map(Value::String),
        (1u64..60).prop_map(|n| json!(n)),
        prop_oneof![
            Just("2019-02-30"),
            Just("2019-08-06"),
            Just("today"),
            Just("\u{1b}[2J"),
            Just("a\u{202e}b"),
            Just("\u{9b}31m"),
            Just("jawa-tengah"),
            Just("queensland"),
            Just("pelaksanaan"),
            Just("province"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a JSON document: where (a seed walked down the tree) and what.
#[derive(Debug, Clone)]
struct Mutation {
    path: u64,
    action: u8,
    value: Value,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Most mutations keep the file's shape (a value of the same kind in place of another),
    // so that a good share of files are still accepted and their round trip is tried.
    (any::<u64>(), 0u8..10, any_json()).prop_map(|(path, action, value)| Mutation {
        path,
        action,
        value,
    })
}

/// Applies a mutation at the node the path seed leads to.
fn mutate(doc: &mut Value, m: &Mutation) {
    // Find the node first (as a JSON pointer), then change it.
    let mut seed = m.path;
    let mut pointer = String::new();
    let mut node: &Value = doc;
    loop {
        let go_on = !seed.is_multiple_of(4);
        seed /= 4;
        let next = match node {
            Value::Object(map) if go_on && !map.is_empty() => {
                let (key, child) = map.iter().nth((seed as usize) % map.len()).unwrap();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                Some(child)
            }
            Value::Array(list) if go_on && !list.is_empty() => {
                let i = (seed as usize) % list.len();
                pointer.push_str(&format!("/{i}"));
                Some(&list[i])
            }
            _ => None,
        };
        seed /= 7;
        match next {
            Some(child) => node = child,
            None => break,
        }
    }
    let Some(node) = doc.pointer_mut(&pointer) else {
        return;
    };
    match (m.action, &mut *node) {
        (0, _) => *node = m.value.clone(),
        (1, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth((seed as usize) % map.len()).cloned();
            if let Some(key) = key {
                map.remove(&key);
            }
        }
        (2, Value::Object(map)) => {
            map.insert(format!("k{}", seed % 5), m.value.clone());
        }
        (3, Value::Array(list)) if !list.is_empty() => {
            let copy = list[(seed as usize) % list.len()].clone();
            list.push(copy);
        }
        (4, Value::Array(list)) => list.push(m.value.clone()),
        (5, Value::Number(_)) => *node = json!(u64::MAX - (seed % 3)),
        (5, Value::String(s)) => s.push_str("\u{1b}]0;x\u{7}"),
        (6..=9, Value::String(s)) => match &m.value {
            Value::String(other) => *s = other.clone(),
            other => *s = other.to_string(),
        },
        (6..=9, Value::Number(_)) => {
            *node = match &m.value {
                Value::Number(n) => Value::Number(n.clone()),
                _ => json!(seed % 60),
            }
        }
        (6..=9, Value::Bool(b)) => *b = !*b,
        (6..=9, Value::Array(list)) if !list.is_empty() => {
            list.remove((seed as usize) % list.len());
        }
        (6..=9, Value::Null) => *node = m.value.clone(),
        (6..=9, _) => {}
        _ => *node = m.value.clone(),
    }
}

/// A dataset's lists in id order, for comparing what two datasets hold.
fn sorted(mut d: Dataset) -> Dataset {
    d.tags.sort_by(|a, b| a.id.cmp(&b.id));
    d.regions.sort_by(|a, b| a.id.cmp(&b.id));
    d.partners.sort_by(|a, b| a.id.cmp(&b.id));
    d.agreements.sort_by_key(|a| a.id);
    d.activities.sort_by_key(|a| a.id);
    d.attention.sort_by_key(|n| n.agreement);
    d
}

fn export_bytes(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&store.export().unwrap(), &mut out).unwrap();
    out
}

/// What must hold for any bytes offered to `import`: no panic; a refusal names the file and
/// echoes nothing that drives a terminal; an accepted file is imported whole or not at all,
/// and comes back out of an export as it went in, and again through a second store.
/// Returns whether the store took the file.
fn import_round_trip(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let data = match parse_dataset(bytes, "mutated.json") {
        Ok(data) => data,
        Err(e) => {
            let message = e.to_string();
            prop_assert!(message.contains("mutated.json"), "{}", message);
            prop_assert_eq!(unsafe_in(&message), None, "{:?}", message);
            return Ok(false);
        }
    };
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("s"), "test").unwrap();
    match store.import(&data, "mutated.json", ImportMode::Merge, &actor()) {
        Err(e) => {
            let message = e.to_string();
            prop_assert_eq!(unsafe_in(&message), None, "{:?}", message);
            prop_assert!(
                store.is_empty(),
                "a refused import wrote something: {}",
                message
            );
            Ok(false)
        }
        Ok(_) => {
            let exported = store.export().unwrap();
            prop_assert_eq!(sorted(exported), sorted(data));
            let first = export_bytes(&store);
            let again = Store::open(&dir.path().join("t"), "test").unwrap();
            let data = parse_dataset(&first, "export.json").unwrap();
            again
                .import(&data, "export.json", ImportMode::Merge, &actor())
                .unwrap();
            prop_assert_eq!(export_bytes(&again), first);
            prop_assert!(store.check().unwrap().is_clean());
            Ok(true)
        }
    }
}

/// Runs `property` on values of `strategy` within `config`'s budget, and fails unless at
/// least one file in `one_in` was imported: otherwise the round trip went untried.
fn run_import_property<S: Strategy>(
    config: ProptestConfig,
    one_in: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) {
    let cases = config.cases;
    let accepted = std::sync::atomic::AtomicU32::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let outcome = runner.run(&strategy, |value| {
        if property(value)? {
            accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let accepted = accepted.into_inner();
    eprintln!("{accepted} of {cases} files were imported");
    assert!(
        accepted * one_in >= cases,
        "only {accepted} of {cases} files were imported: the round trip was hardly tried"
    );
}

proptest! {
    #![proptest_config(budget("arbitrary bytes never panic the import parser", 512))]
    #[test]
    fn arbitrary_bytes_never_panic_the_import_parser(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        if let Err(e) = parse_dataset(&bytes, "fuzz.json") {
            let message = e.to_string();
            prop_assert!(message.contains("fuzz.json"), "{}", message);
            prop_assert_eq!(unsafe_in(&message), None, "{:?}", message);
        }
    }
}

#[test]
fn mutated_files_import_whole_or_not_at_all_and_round_trip() {
    run_import_property(
        budget("mutated files import whole or not at all", 96),
        20,
        prop::collection::vec(mutation(), 1..4),
        |mutations| {
            let mut doc = base_file();
            for m in &mutations {
                mutate(&mut doc, m);
            }
            import_round_trip(&serde_json::to_vec_pretty(&doc).unwrap())
        },
    );
}

#[test]
fn damaged_bytes_of_a_valid_file_never_panic_and_round_trip() {
    run_import_property(
        budget("damaged bytes of a valid file never panic", 128),
        40,
        prop::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..4),
        |edits| {
            let mut bytes = serde_json::to_vec_pretty(&base_file()).unwrap();
            for (at, byte, how) in edits {
                let at = at as usize % (bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, byte),
                }
            }
            import_round_trip(&bytes)
        },
    );
}

// ---------------------------------------------------------------------------------------
// The config parser

proptest! {
    #![proptest_config(budget("arbitrary text never panics the config parser", 512))]
    #[test]
    fn arbitrary_text_never_panics_the_config_parser(text in "(?s).{0,300}") {
        if let Err(e) = kembar::config::Config::parse(&text, Path::new("fuzz.toml")) {
            prop_assert!(e.to_string().contains("fuzz.toml"));
        }
    }
}

/// A TOML basic string: quotes, backslashes and every control character escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(budget("a config file reads back what it says", 256))]
    #[test]
    fn a_config_file_reads_back_what_it_says(
        lang in prop::option::of(prop_oneof![Just("id"), Just("en")]),
        theme in prop::option::of("[a-z][a-z0-9-]{0,15}"),
        dormant in -5i64..40_000,
        expiring in -5i64..40_000,
        sessions in 0usize..12_000,
        idle in 0u64..12_000,
        aliases in prop::collection::btree_map(".{1,12}", "[a-z][a-z-]{0,20}", 0..4),
    ) {
        let mut text = String::new();
        if let Some(lang) = lang {
            text += &format!("lang = {}\n", toml_string(lang));
        }
        if let Some(theme) = &theme {
            text += &format!("theme = {}\n", toml_string(theme));
        }
        text += &format!(
            "[health]\ndormant_after_days = {dormant}\nexpiring_within_days = {expiring}\n"
        );
        text += &format!(
            "[server]\nmax_sessions = {sessions}\nidle_timeout_minutes = {idle}\n[aliases]\n"
        );
        for (k, v) in &aliases {
            text += &format!("{} = {}\n", toml_string(k), toml_string(v));
        }
        let valid = (1..=36_500).contains(&dormant)
            && (1..=36_500).contains(&expiring)
            && (1..=10_000).contains(&sessions)
            && (1..=10_080).contains(&idle);
        match kembar::config::Config::parse(&text, Path::new("config.toml")) {
            Ok(config) => {
                prop_assert!(valid, "out-of-range values were accepted:\n{}", text);
                prop_assert_eq!(config.lang.map(|l| format!("{l:?}").to_lowercase()),
                    lang.map(str::to_string));
                prop_assert_eq!(config.theme, theme);
                prop_assert_eq!(config.health.dormant_after_days, dormant);
                prop_assert_eq!(config.health.expiring_within_days, expiring);
                prop_assert_eq!(config.server.max_sessions, sessions);
                prop_assert_eq!(config.server.idle_timeout_minutes, idle);
                prop_assert_eq!(config.aliases, aliases);
            }
            Err(e) => {
                prop_assert!(!valid, "a valid file was refused: {}\n{}", e, text);
                prop_assert!(e.to_string().contains("out of range"), "{}", e);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The theme parser

use kembar::tui::theme::STYLE_KEYS;

/// What the theme parser promises of its errors: the file named, on one line; with
/// `strict`, also nothing that drives a terminal.
fn theme_error_is_safe(text: &str, strict: bool) -> Result<(), TestCaseError> {
    if let Err(e) = kembar::tui::theme::Theme::parse(text, "fuzz.toml") {
        let message = e.to_string();
        prop_assert!(message.starts_with("fuzz.toml"), "{}", message);
        prop_assert!(!message.contains('\n'), "{:?}", message);
        if strict {
            prop_assert_eq!(unsafe_in(&message), None, "{:?}", message);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(budget("arbitrary text never panics the theme parser", 512))]
    #[test]
    fn arbitrary_text_never_panics_the_theme_parser(text in "(?s).{0,300}") {
        theme_error_is_safe(&text, true)?;
    }
}

proptest! {
    #![proptest_config(budget("damaged built-in themes never panic", 256))]
    #[test]
    fn damaged_built_in_themes_never_panic_the_theme_parser(
        edits in prop::collection::vec((any::<u16>(), "(?s).{0,6}", any::<bool>()), 1..5),
    ) {
        let mut text: Vec<char> = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default.toml"),
        )
        .unwrap()
        .chars()
        .collect();
        for (at, insert, cut) in edits {
            let at = at as usize % (text.len() + 1);
            if cut && at < text.len() {
                text.drain(at..(at + 5).min(text.len()));
            }
            for (i, c) in insert.chars().enumerate() {
                text.insert(at + i, c);
            }
        }
        theme_error_is_safe(&text.into_iter().collect::<String>(), true)?;
    }
}

proptest! {
    #![proptest_config(budget("theme errors never echo terminal controls", 256))]
    /// Theme errors quote the offending value; a control in it (bidi, escape) must reach
    /// the status line as a replacement mark, never raw.
    #[test]
    fn theme_errors_never_echo_terminal_controls(
        at in any::<u16>(),
        control in prop_oneof![Just('\u{202a}'), Just('\u{202e}'), Just('\u{2066}'), Just('\u{1b}'), Just('\u{9b}')],
    ) {
        let mut text: Vec<char> = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default.toml"),
        )
        .unwrap()
        .chars()
        .collect();
        let at = at as usize % (text.len() + 1);
        text.insert(at, control);
        theme_error_is_safe(&text.into_iter().collect::<String>(), true)?;
    }
}

/// A colour as a theme file writes it, with the colour ratatui should read.
fn colour() -> impl Strategy<Value = (String, ratatui::style::Color)> {
    use ratatui::style::Color;
    prop_oneof![
        (any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(r, g, b)| (format!("#{r:02x}{g:02x}{b:02x}"), Color::Rgb(r, g, b))),
        prop_oneof![
            Just(("red", Color::Red)),
            Just(("lightblue", Color::LightBlue)),
            Just(("black", Color::Black)),
            Just(("white", Color::White)),
            Just(("darkgray", Color::DarkGray)),
        ]
        .prop_map(|(name, c)| (name.to_string(), c)),
    ]
}

proptest! {
    #![proptest_config(budget("a theme file reads back what it says", 256))]
    #[test]
    fn a_theme_file_reads_back_its_colours(
        name in "[a-z][a-z0-9 -]{0,20}",
        styles in prop::collection::vec((colour(), prop::option::of(colour()), any::<bool>()), 18),
    ) {
        let mut text = format!("name = {}\n[styles]\n", toml_string(&name));
        for (key, ((fg, _), bg, bold)) in STYLE_KEYS.iter().zip(&styles) {
            text += &format!("{key} = {{ fg = {}", toml_string(fg));
            if let Some((bg, _)) = bg {
                text += &format!(", bg = {}", toml_string(bg));
            }
            text += &format!(", bold = {bold} }}\n");
        }
        for ((fg, _), _, _) in styles.iter().take(3) {
            text += &format!("[[tags]]\nfg = {}\nbg = \"#101010\"\n", toml_string(fg));
        }
        let theme = kembar::tui::theme::Theme::parse(&text, "generated.toml");
        prop_assert!(theme.is_ok(), "{:?}\n{}", theme.err(), text);
        let theme = theme.unwrap();
        let ((_, fg), bg, bold) = &styles[0];
        prop_assert_eq!(theme.base.fg, Some(*fg));
        prop_assert_eq!(theme.base.bg, bg.as_ref().map(|(_, c)| *c));
        prop_assert_eq!(
            theme.base.add_modifier.contains(ratatui::style::Modifier::BOLD),
            *bold
        );
        let ((_, fg), _, _) = &styles[17];
        prop_assert_eq!(theme.highlight.fg, Some(*fg));
    }
}

// ---------------------------------------------------------------------------------------
// Store apply and undo

/// A change a person could make, with numbers that pick its targets in the store as it is.
#[derive(Debug, Clone)]
enum Intent {
    Notes(usize, String),
    Status(usize, u8),
    Log(usize, u16, String),
    DeleteActivity(usize),
    Triage(usize, u8, String),
    ClearTriage(usize),
    Create(usize, bool),
    DeleteAgreement(usize),
    NewTag(u8),
}

fn intent() -> impl Strategy<Value = Intent> {
    let text = prop_oneof![
        "[A-Za-z ]{1,30}",
        ".{0,30}",
        Just(String::new()),
        Just("a\u{1b}[2Jb".to_string()),
    ];
    prop_oneof![
        (any::<usize>(), text.clone()).prop_map(|(i, t)| Intent::Notes(i, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, s)| Intent::Status(i, s)),
        (any::<usize>(), any::<u16>(), text.clone()).prop_map(|(i, d, t)| Intent::Log(i, d, t)),
        any::<usize>().prop_map(Intent::DeleteActivity),
        (any::<usize>(), any::<u8>(), text).prop_map(|(i, d, t)| Intent::Triage(i, d, t)),
        any::<usize>().prop_map(Intent::ClearTriage),
        (any::<usize>(), any::<bool>()).prop_map(|(i, p)| Intent::Create(i, p)),
        any::<usize>().prop_map(Intent::DeleteAgreement),
        any::<u8>().prop_map(Intent::NewTag),
    ]
}

/// The change an intent stands for in the store as it is now, if it can be made.
fn change_for(store: &Store, intent: &Intent) -> Option<Change> {
    let agreements = store.agreements().unwrap();
    let pick = |i: &usize| agreements.get(i % agreements.len().max(1)).cloned();
    Some(match intent {
        Intent::Notes(i, _) | Intent::Status(i, _) => {
            let (version, before) = pick(i)?;
            let mut after = before.clone();
            match intent {
                Intent::Notes(_, text) => after.notes = text.clone(),
                Intent::Status(_, s) => {
                    kembar::domain::edits::set_status(
                        &mut after,
                        [Status::Active, Status::Dormant, Status::Expired][*s as usize % 3],
                        chrono::Local::now().date_naive(),
                    );
                }
                _ => {}
            }
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(before.clone()),
                    Record::Agreement(after),
                ))
                .expecting(before.id, version)
        }
        Intent::Log(i, days, title) => {
            let (_, a) = pick(i)?;
            Change::new("log activity").with(Edit::create(Record::Activity(Activity {
                id: 0,
                agreement: a.id,
                date: chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?
                    + chrono::Days::new(*days as u64 % 9000),
                kind: ActivityKind::Meeting,
                title: title.clone(),
                description: String::new(),
                participants: Vec::new(),
                fields: Vec::new(),
                outcome: None,
            })))
        }
        Intent::DeleteActivity(i) => {
            let all = store.all_activities().unwrap();
            let victim = all.get(i % all.len().max(1))?.clone();
            Change::new("delete activity").with(Edit::delete(Record::Activity(victim)))
        }
        Intent::Triage(i, d, note) => {
            let (_, a) = pick(i)?;
            let before = store
                .attention()
                .unwrap()
                .into_iter()
                .find(|n| n.agreement == a.id);
            let mut after = before.clone().unwrap_or_else(|| Attention::new(a.id));
            after.decision = Some(Decision::ALL[*d as usize % 3]);
            after.decided = chrono::NaiveDate::from_ymd_opt(2024, 1, 1 + u32::from(*d % 28));
            after.snooze_note = note.clone();
            let edit = match before {
                Some(b) => Edit::update(Record::Attention(b), Record::Attention(after)),
                None => Edit::create(Record::Attention(after)),
            };
            Change::new("triage").with(edit)
        }
        Intent::ClearTriage(i) => {
            let notes = store.attention().unwrap();
            let victim = notes.get(i % notes.len().max(1))?.clone();
            Change::new("clear").with(Edit::delete(Record::Attention(victim)))
        }
        Intent::Create(i, new_partner) => {
            let (_, template) = pick(i)?;
            let mut a = template.clone();
            a.id = 0;
            let mut change = Change::new("create");
            if *new_partner {
                let partner = kembar::domain::Partner {
                    id: format!("partner-{}", i % 1000),
                    name: "Kota Baru".into(),
                    country: "Jepang".into(),
                    level: "city".into(),
                    aliases: Vec::new(),
                    coordinates: None,
                };
                if store.partners().unwrap().iter().any(|p| p.id == partner.id) {
                    return None;
                }
                a.partner = partner.id.clone();
                change = change.with(Edit::create(Record::Partner(partner)));
            }
            change.with(Edit::create(Record::Agreement(a)))
        }
        Intent::DeleteAgreement(i) => {
            let (_, a) = pick(i)?;
            store.deletion(a.id).ok()?
        }
        Intent::NewTag(n) => {
            let id = format!("tag-{n}");
            if store.custom_tags().unwrap().iter().any(|t| t.id == id) {
                return None;
            }
            Change::new("new tag").with(Edit::create(Record::Tag(Tag {
                id,
                label_id: "Hambatan".into(),
                label_en: "Obstacle".into(),
            })))
        }
    })
}

/// A store holding a few agreements of the demo dataset, with their records.
fn small_demo() -> Dataset {
    let mut data = kembar::store::interchange::read_dataset(&common::fixture("demo.json")).unwrap();
    let keep: Vec<u64> = data.agreements.iter().map(|a| a.id).take(6).collect();
    data.agreements.retain(|a| keep.contains(&a.id));
    data.activities.retain(|a| keep.contains(&a.agreement));
    data
}

proptest! {
    #![proptest_config(budget("changes and their undos leave the store as it was", 48))]
    #[test]
    fn changes_and_their_undos_leave_the_store_as_it_was(
        intents in prop::collection::vec(intent(), 1..10),
    ) {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("s"), "test").unwrap();
        store.import(&small_demo(), "demo.json", ImportMode::Merge, &actor()).unwrap();
        let before = export_bytes(&store);

        let mut done: Vec<Applied> = Vec::new();
        for intent in &intents {
            let Some(change) = change_for(&store, intent) else { continue };
            let unchanged = export_bytes(&store);
            match store.apply(change, &actor()) {
                Ok(applied) => done.push(applied),
                // A refused change (invalid text, a partner still in use...) changes nothing.
                Err(e) => prop_assert_eq!(export_bytes(&store), unchanged, "{}", e),
            }
            prop_assert!(store.check().unwrap().is_clean(), "{}", store.check().unwrap());
        }
        while let Some(applied) = done.pop() {
            let undo = applied.change.inverse("undo", &applied.versions);
            let undone = store.apply(undo, &actor());
            prop_assert!(
                undone.is_ok(),
                "the undo of {:?} failed: {:?}",
                applied.change.action,
                undone.err()
            );
            let undone = undone.unwrap();
            for earlier in &mut done {
                earlier.rebase(&undone.versions);
            }
        }
        prop_assert_eq!(
            common::first_difference(
                &serde_json::from_slice::<Value>(&export_bytes(&store)).unwrap(),
                &serde_json::from_slice::<Value>(&before).unwrap()
            ),
            None
        );
        prop_assert_eq!(export_bytes(&store), before);
        prop_assert!(store.check().unwrap().is_clean());
    }
}
