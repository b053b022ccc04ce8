//! The dashboard against a model of what a coordinator expects, over many seeded random key
//! sequences on the demo store: navigation, filters typed and cleared, finder jumps, triage
//! decisions, follow-ups, edits, undo and redo, resizes, and changes saved by another
//! session in between. After every key:
//!
//! - whatever record the key changed in the store belongs to the agreement that was
//!   highlighted before the key (creating an agreement, undo and redo aside);
//! - a change from another session, a resize or a redraw leaves the selection on the same
//!   agreement while it is still listed;
//! - every list on screen shows its selected row, and never shows empty rows below while
//!   rows above are hidden.
//!
//! A failing sequence prints its seed: `KEMBAR_MODEL_SEED=N KEMBAR_MODEL_CASES=1 cargo test
//! --test model_based` replays it. `KEMBAR_MODEL_CASES` and `KEMBAR_MODEL_KEYS` run more.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use kembar::domain::{Activity, ActivityKind, AgreementId, Record};
use kembar::i18n::{Lang, T};
use kembar::search::Index;
use kembar::store::{Actor, Store};
use kembar::tui::keymap::{self, Cmd, Context};
use kembar::tui::model::{Action, Model, Start};
use kembar::tui::screens::Screen;
use kembar::tui::screens::browse::Place;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tempfile::TempDir;

use common::harness::{Harness, text_of};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "kembar.lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

const SIZES: [(u16, u16); 4] = [(80, 24), (60, 15), (120, 40), (100, 30)];
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz jt";

/// The agreements a store change touched, from its audit entry; `None` when the check does
/// not apply (a new agreement, an undo or redo).
fn touched(entry: &kembar::store::AuditEntry) -> Option<BTreeSet<AgreementId>> {
    if entry.action.starts_with("undo ") || entry.action.starts_with("redo ") {
        return None;
    }
    let parse = |json: &Option<String>| -> Vec<Record> {
        json.as_deref()
            .map(|j| serde_json::from_str(j).unwrap())
            .unwrap_or_default()
    };
    let before = parse(&entry.before);
    let after = parse(&entry.after);
    let before_ids: BTreeSet<AgreementId> = before
        .iter()
        .filter_map(|r| match r {
            Record::Agreement(a) => Some(a.id),
            _ => None,
        })
        .collect();
    let created = after
        .iter()
        .any(|r| matches!(r, Record::Agreement(a) if !before_ids.contains(&a.id)));
    if created {
        return None;
    }
    Some(
        before
            .iter()
            .chain(&after)
            .filter_map(|r| match r {
                Record::Agreement(a) => Some(a.id),
                Record::Activity(v) => Some(v.agreement),
                Record::Attention(n) => Some(n.agreement),
                _ => None,
            })
            .collect(),
    )
}

/// The partners a change rewrote (an update, not a creation).
fn partners_touched(entry: &kembar::store::AuditEntry) -> BTreeSet<String> {
    let parse = |json: &Option<String>| -> Vec<Record> {
        json.as_deref()
            .map(|j| serde_json::from_str(j).unwrap())
            .unwrap_or_default()
    };
    let before: BTreeSet<String> = parse(&entry.before)
        .into_iter()
        .filter_map(|r| match r {
            Record::Partner(p) => Some(p.id),
            _ => None,
        })
        .collect();
    parse(&entry.after)
        .into_iter()
        .filter_map(|r| match r {
            Record::Partner(p) if before.contains(&p.id) => Some(p.id),
            _ => None,
        })
        .collect()
}

/// The regions an audit entry changed (a seat set with `E`).
fn regions_touched(entry: &kembar::store::AuditEntry) -> BTreeSet<String> {
    [&entry.before, &entry.after]
        .into_iter()
        .flatten()
        .flat_map(|j| serde_json::from_str::<Vec<Record>>(j).unwrap())
        .filter_map(|r| match r {
            Record::Region(r) => Some(r.id),
            _ => None,
        })
        .collect()
}

/// The ids listed on the screen in front, when it is a list of agreements.
fn listed(model: &Model) -> Option<Vec<AgreementId>> {
    match model.screens.last() {
        None => Some(model.browse.agreements.rows().to_vec()),
        Some(Screen::Triage(t)) => Some(t.list.rows().to_vec()),
        Some(Screen::List(l)) => Some(l.list.rows().to_vec()),
        Some(Screen::Agreement(a)) => Some(vec![a.id]),
        Some(Screen::Map(m)) => Some(m.items.iter().map(|x| x.agreement).collect()),
        Some(Screen::Trends(_)) => None,
    }
}

/// Every list on screen shows its selection and no empty rows below hidden ones.
fn check_windows(model: &Model) -> Result<(), String> {
    fn window<K: Clone + Eq + std::hash::Hash>(
        what: &str,
        list: &kembar::tui::list::Picker<K>,
        height: usize,
    ) -> Result<(), String> {
        let offset = list.offset_for(height);
        if let Some(c) = list.cursor()
            && !(c >= offset && c < offset + height.max(1))
        {
            return Err(format!(
                "{what}: row {c} selected, rows {offset}..{} shown",
                offset + height
            ));
        }
        if offset > 0 && offset + height > list.len() {
            return Err(format!(
                "{what}: {} rows, from row {offset} in {height}: empty rows below hidden ones",
                list.len()
            ));
        }
        if list.cursor().is_none() && !list.is_empty() {
            return Err(format!("{what}: rows but no selection"));
        }
        Ok(())
    }
    let g = &model.ctx.geometry;
    match model.screens.last() {
        None => {
            window("regions", &model.browse.regions, g.regions)?;
            window("relationships", &model.browse.agreements, g.relationships)?;
        }
        Some(Screen::Triage(t)) => window("triage queue", &t.list, g.triage)?,
        Some(Screen::List(l)) => window("agreement list", &l.list, g.list)?,
        Some(Screen::Agreement(a)) => window("timeline", &a.timeline, g.timeline)?,
        Some(Screen::Trends(t)) => window("years", &t.years, g.trends)?,
        Some(Screen::Map(m)) => {
            if m.selected.is_none() && !m.items.is_empty() {
                return Err("map: partners but none selected".into());
            }
        }
    }
    if let Some(f) = model.finder() {
        window("finder", &f.list, g.finder)?;
    }
    Ok(())
}

/// The selected rows' names are on the drawn screen (when no overlay covers it).
fn check_drawn(model: &Model, screen: &str) -> Result<(), String> {
    // A terminal too small for the dashboard, or for the map (which names its 70x20 in
    // either language), shows no rows.
    let map_too_small = matches!(model.screens.last(), Some(Screen::Map(_)))
        && screen.contains(&format!(
            "{}x{}",
            kembar::tui::layout::MAP_MIN_WIDTH,
            kembar::tui::layout::MAP_MIN_HEIGHT
        ));
    if !model.overlays.is_empty() || screen.contains("Enlarge") || map_too_small {
        return Ok(());
    }
    let c = &model.ctx.catalog;
    let start = |name: &str| name.chars().take(6).collect::<String>();
    let mut wanted = Vec::new();
    match model.screens.last() {
        None => {
            if model.browse.selected_place() == Some(&Place::Country) {
                wanted.push(start(T::WholeCountry.in_lang(model.ctx.lang)));
            } else if let Some(r) = model.selected_region() {
                wanted.push(start(&r.name));
            }
            if let Some(a) = model.selected_agreement() {
                wanted.push(start(c.partner_name(a)));
            }
        }
        Some(Screen::Triage(_)) | Some(Screen::List(_)) => {
            if let Some(a) = model.selected_agreement() {
                wanted.push(start(c.region_name(a)));
            }
        }
        Some(Screen::Map(m)) => {
            if let Some(x) = m.current() {
                wanted.push(start(&x.partner));
            }
        }
        Some(Screen::Agreement(_)) | Some(Screen::Trends(_)) => {}
    }
    for w in wanted {
        if !screen.contains(&w) {
            return Err(format!("{w:?} selected but not on screen:\n{screen}"));
        }
    }
    Ok(())
}

/// Another session saves a change: an activity on a random agreement, or (rarely) deletes
/// one. The dashboard receives it as a server's sessions do.
fn remote_change(h: &mut Harness, rng: &mut ChaCha8Rng) -> String {
    let catalog = Arc::clone(&h.model.ctx.catalog);
    if catalog.agreements.is_empty() {
        return "remote: nothing".into();
    }
    let a = &catalog.agreements[rng.random_range(0..catalog.agreements.len())];
    let other = Actor::new("other", "another session");
    let (change, what) = if rng.random_bool(0.2) {
        (h.store.deletion(a.id).unwrap(), "delete")
    } else {
        let activity = Activity {
            id: 0,
            agreement: a.id,
            date: h.model.ctx.today,
            kind: ActivityKind::Meeting,
            title: "Remote meeting".into(),
            description: String::new(),
            participants: Vec::new(),
            fields: Vec::new(),
            outcome: None,
        };
        (kembar::domain::edits::activity_change(activity), "activity")
    };
    let Ok(applied) = h.store.apply(change, &other) else {
        return "remote: refused".into();
    };
    let mut next = (*catalog).clone();
    next.patch(&applied.change, &applied.versions, &applied.summaries);
    next.generation += 1;
    h.act(Action::Changed {
        catalog: Arc::new(next),
        applied: Box::new(applied),
        by: "other".into(),
    });
    format!("remote {what} on {}", a.id)
}

/// A key a person could press where the dashboard is now.
fn pick_key(model: &Model, rng: &mut ChaCha8Rng) -> Option<Cmd> {
    let context = model.context();
    let typing = matches!(
        context,
        Context::Filter | Context::Finder | Context::Form | Context::Prompt
    );
    if context == Context::Prompt && rng.random_bool(0.5) {
        return Some(Cmd::Insert('y'));
    }
    if context == Context::Form && rng.random_bool(0.12) {
        return Some(Cmd::Save);
    }
    if typing && rng.random_bool(0.5) {
        let c = LETTERS[rng.random_range(0..LETTERS.len())] as char;
        return Some(Cmd::Insert(c));
    }
    let table = keymap::table(context);
    let b = &table[rng.random_range(0..table.len())];
    let cmds = keymap::commands(b);
    let cmd = cmds[rng.random_range(0..2)];
    (cmd != Cmd::Quit).then_some(cmd)
}

/// What a sequence did, to show that the sequences exercise what they claim to.
#[derive(Default)]
struct Tally {
    keys: u64,
    saves: u64,
    checked_saves: u64,
    remote: u64,
}

fn run_case(
    seed: u64,
    keys: u64,
    template: &Path,
    index: &Arc<Index>,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dir = TempDir::new().unwrap();
    copy_dir(template, &dir.path().join("store"));
    let store = Store::open(&dir.path().join("store"), "test").unwrap();
    let today = if rng.random_bool(0.5) {
        "2019-08-22"
    } else {
        "2026-11-29"
    };
    let lang = if rng.random_bool(0.5) {
        Lang::En
    } else {
        Lang::Id
    };
    let mut h = Harness::on(dir, store, Start::local(today.parse().unwrap(), lang));
    h.act(Action::IndexReady(Arc::clone(index)));
    let mut size = SIZES[0];
    let mut log: Vec<String> = Vec::new();
    for _ in 0..keys {
        let target = h.model.target();
        let region_target = h.model.region_target().map(|r| r.id.clone());
        let audit_before = h.store.audit_entries().unwrap().len();
        let roll = rng.random_range(0..100);
        let kept_selection = if roll < 5 {
            size = SIZES[rng.random_range(0..SIZES.len())];
            log.push(format!("resize {}x{}", size.0, size.1));
            h.act(Action::Resize(size.0, size.1));
            true
        } else if roll < 10 {
            log.push(remote_change(&mut h, &mut rng));
            tally.remote += 1;
            true
        } else {
            let Some(cmd) = pick_key(&h.model, &mut rng) else {
                continue;
            };
            log.push(format!("{cmd:?}"));
            tally.keys += 1;
            h.press(cmd);
            // A save by this session: what it changed is what was highlighted.
            let entries = h.store.audit_entries().unwrap();
            for entry in entries.iter().skip(audit_before) {
                if entry.user == "other" {
                    continue;
                }
                tally.saves += 1;
                let Some(ids) = touched(entry) else { continue };
                tally.checked_saves += 1;
                // A seat set with `E` changes only the region record shown: the one selected
                // in the regions pane, or the region's map.
                let regions = regions_touched(entry);
                if !regions.is_empty() {
                    let expected: BTreeSet<String> = region_target.iter().cloned().collect();
                    if !ids.is_empty() || regions != expected {
                        return Err(format!(
                            "{:?} changed regions {regions:?} and agreements {ids:?}, but region \
                             {region_target:?} was shown\nkeys: {}",
                            entry.action,
                            log.join(", ")
                        ));
                    }
                    continue;
                }
                // A partner's place corrected in the agreement form changes only the partner
                // record: the highlighted agreement's partner.
                let partners = partners_touched(entry);
                if ids.is_empty() && !partners.is_empty() {
                    let partner = target
                        .and_then(|id| h.model.ctx.catalog.agreement(id))
                        .map(|a| a.partner.clone());
                    if partner.is_none_or(|p| !partners.contains(&p)) {
                        return Err(format!(
                            "{:?} changed partners {partners:?}, but {target:?} was highlighted\nkeys: {}",
                            entry.action,
                            log.join(", ")
                        ));
                    }
                    continue;
                }
                let expected: BTreeSet<AgreementId> = target.into_iter().collect();
                if ids != expected {
                    return Err(format!(
                        "{:?} changed agreements {ids:?}, but {target:?} was highlighted\nkeys: {}",
                        entry.action,
                        log.join(", ")
                    ));
                }
            }
            false
        };
        if kept_selection
            && let Some(id) = target
            && listed(&h.model).is_some_and(|rows| rows.contains(&id))
            && h.model.target() != Some(id)
        {
            return Err(format!(
                "the selection left agreement {id} although it is still listed\nkeys: {}",
                log.join(", ")
            ));
        }
        if h.model.ctx.quit {
            break;
        }
        let theme = kembar::tui::theme::Theme::builtin("default").unwrap();
        let buffer = h.draw(size.0, size.1, &theme);
        let screen = text_of(&buffer);
        check_windows(&h.model)
            .and_then(|()| check_drawn(&h.model, &screen))
            .map_err(|e| format!("{e}\nkeys: {}", log.join(", ")))?;
    }
    Ok(())
}

#[test]
fn random_key_sequences_act_on_the_highlighted_record_and_keep_it_on_screen() {
    let cases = env_number("KEMBAR_MODEL_CASES", 1000);
    let keys = env_number("KEMBAR_MODEL_KEYS", 30);
    let first = env_number("KEMBAR_MODEL_SEED", 1);
    let (template_dir, store) = common::demo_store();
    let catalog = store.load_catalog().unwrap();
    let index =
        Arc::new(kembar::search::build(&catalog, &store, Lang::En, &Default::default()).unwrap());
    drop(store);
    let template = template_dir.path().join("store");
    let mut tally = Tally::default();
    for seed in first..first + cases {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_case(seed, keys, &template, &index, &mut tally)
        }));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!(
                "sequence {seed} failed (replay: KEMBAR_MODEL_SEED={seed} KEMBAR_MODEL_CASES=1): {e}"
            ),
            Err(_) => panic!(
                "sequence {seed} panicked (replay: KEMBAR_MODEL_SEED={seed} KEMBAR_MODEL_CASES=1)"
            ),
        }
    }
    eprintln!(
        "{cases} sequences from seed {first}: {} keys, {} saves ({} checked against the \
         highlight), {} changes from another session; every rule held",
        tally.keys, tally.saves, tally.checked_saves, tally.remote
    );
    assert!(
        tally.checked_saves > cases / 4,
        "too few saves to say anything: {}",
        tally.checked_saves
    );
}
