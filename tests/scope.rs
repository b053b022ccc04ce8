//! Province-scoped keys: an editor changes only the agreements of the regions their key
//! answers for (a province with its regencies and cities), through the dashboard and through
//! the store's change path itself; a viewer changes nothing.

mod common;

use chrono::NaiveDate;
use common::harness::{Harness, TODAY};
use kembar::domain::access::{Access, Denied, Role, Scope};
use kembar::domain::edits::{self, TriageAction};
use kembar::domain::{Activity, ActivityKind, Agreement, AgreementId, Catalog, Decision, FollowUp};
use kembar::i18n::Lang;
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ApplyError, Change, Edit, ImportMode, Record, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Start, Why};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use tempfile::TempDir;

fn day() -> NaiveDate {
    TODAY.parse().unwrap()
}

fn scoped(role: Role, regions: &[&str]) -> Access {
    Access {
        role,
        scope: Some(Scope::new(regions.iter().map(|r| r.to_string()))),
    }
}

fn actor(access: Access) -> Actor {
    Actor {
        user: "siti".into(),
        via: "ssh SHA256:test (siti@jateng)".into(),
        access,
    }
}

fn demo() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("store"), "test").unwrap();
    let data = read_dataset(&common::fixture("demo.json")).unwrap();
    store
        .import(&data, "demo.json", ImportMode::Merge, &Actor::local())
        .unwrap();
    (dir, store)
}

/// The first agreement of `region`.
fn agreement_of(catalog: &Catalog, region: &str) -> Agreement {
    catalog
        .agreements
        .iter()
        .find(|a| a.region == region)
        .unwrap_or_else(|| panic!("the demo has no agreement of {region}"))
        .clone()
}

/// Every kind of change a session makes on an agreement, as the dashboard builds them.
/// "undo" is the inverse of a change another (unlimited) session made first.
fn changes_on(store: &Store, id: AgreementId) -> Vec<(&'static str, Change)> {
    // Another session's change first, so that this one can undo it.
    let (version, a) = store.agreement(id).unwrap().unwrap();
    let mut theirs = a.clone();
    theirs.notes = "changed in another session".into();
    let other = store
        .apply(
            edits::agreement_change(Some((&a, version)), theirs, None),
            &Actor::new("budi", "ssh other"),
        )
        .unwrap();
    let undo = other.change.inverse("undo", &other.versions);
    let catalog = store.load_catalog().unwrap();
    let (version, a) = store.agreement(id).unwrap().unwrap();
    let mut edited = a.clone();
    edited.notes = format!("{} (checked)", edited.notes);
    let activity = Activity {
        id: 0,
        agreement: id,
        date: day(),
        kind: ActivityKind::Meeting,
        title: "Coordination meeting".into(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    };
    let follow_up = FollowUp {
        owner: "Biro Pemerintahan".into(),
        due: day() + chrono::Days::new(30),
        next_step: "Write to the partner".into(),
        done: None,
        noted: Some(day()),
    };
    let region = catalog.region(&a.region).unwrap();
    let moved = kembar::domain::Coordinates {
        lat: region.coordinates.map_or(-7.0, |c| c.lat + 0.01),
        lon: region.coordinates.map_or(110.0, |c| c.lon + 0.01),
    };
    vec![
        ("activity", edits::activity_change(activity)),
        ("seat", edits::seat_change(region, Some(moved))),
        (
            "edit",
            edits::agreement_change(Some((&a, version)), edited, None),
        ),
        ("delete", store.deletion(id).unwrap().expecting(id, version)),
        ("tag", {
            let now: Vec<&str> = a.tags_on(day()).collect();
            let tags = if now == ["communication"] {
                ["ownership".to_string()]
            } else {
                ["communication".to_string()]
            };
            edits::tags_change(&a, version, &tags, &[], day()).unwrap()
        }),
        (
            "renewal",
            edits::renewal_change(
                &a,
                version,
                day(),
                Some(day() + chrono::Days::new(1826)),
                "renewed",
            ),
        ),
        (
            "stage",
            edits::next_stage_change(&catalog, &a, version).unwrap_or_else(|| {
                // At the last stage: one back is a stage change too.
                let mut back = a.clone();
                back.stage = catalog.stages[0].id.clone();
                edits::agreement_change(Some((&a, version)), back, None)
            }),
        ),
        (
            "triage decision",
            edits::triage_change(
                &catalog,
                id,
                TriageAction::Mark(Decision::Revitalization),
                day(),
            )
            .unwrap(),
        ),
        (
            "follow-up",
            edits::follow_up_change(id, catalog.attention.get(&id), follow_up),
        ),
        ("undo", undo),
    ]
}

/// Applies each change on a fresh copy of the demo store, as `access`; returns what the
/// store said, by kind.
fn outcomes(region: &str, access: &Access) -> Vec<(&'static str, Result<(), ApplyError>)> {
    let (_dir, store) = demo();
    let id = agreement_of(&store.load_catalog().unwrap(), region).id;
    let kinds: Vec<&str> = changes_on(&store, id).iter().map(|(k, _)| *k).collect();
    drop(store);
    drop(_dir);
    kinds
        .into_iter()
        .map(|kind| {
            let (_dir, store) = demo();
            let change = changes_on(&store, id)
                .into_iter()
                .find(|(k, _)| *k == kind)
                .unwrap()
                .1;
            let before = export(&store);
            let entries = store.audit_entries().unwrap().len();
            let result = store.apply(change, &actor(access.clone())).map(|_| ());
            if result.is_err() {
                assert_eq!(export(&store), before, "{kind}: a refused change wrote");
                assert_eq!(store.audit_entries().unwrap().len(), entries);
            }
            (kind, result)
        })
        .collect()
}

fn export(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    kembar::store::interchange::write_json(&store.export().unwrap(), &mut out).unwrap();
    out
}

#[test]
fn an_editor_changes_every_kind_of_record_in_scope_and_nothing_outside() {
    let jateng = scoped(Role::Editor, &["jawa-tengah"]);
    // The province itself, and a city of it.
    for region in ["jawa-tengah", "kota-semarang"] {
        for (kind, result) in outcomes(region, &jateng) {
            assert!(result.is_ok(), "{kind} on {region}: {result:?}");
        }
    }
    // Another province, and a city of another province.
    for region in ["jawa-timur", "kota-surabaya"] {
        for (kind, result) in outcomes(region, &jateng) {
            match result {
                Err(ApplyError::Denied(Denied::OutOfScope(r))) => assert_eq!(r, region, "{kind}"),
                other => panic!("{kind} on {region} went through: {other:?}"),
            }
        }
    }
}

#[test]
fn a_city_scope_does_not_cover_its_province_or_its_neighbours() {
    let semarang = scoped(Role::Editor, &["kota-semarang"]);
    for (kind, result) in outcomes("kota-semarang", &semarang) {
        assert!(result.is_ok(), "{kind}: {result:?}");
    }
    for (kind, result) in outcomes("jawa-tengah", &semarang) {
        assert!(
            matches!(result, Err(ApplyError::Denied(Denied::OutOfScope(_)))),
            "{kind}: {result:?}"
        );
    }
}

#[test]
fn a_viewer_changes_nothing_even_in_scope() {
    for access in [
        scoped(Role::Viewer, &["jawa-tengah"]),
        Access {
            role: Role::Viewer,
            scope: None,
        },
    ] {
        for (kind, result) in outcomes("jawa-tengah", &access) {
            assert!(
                matches!(result, Err(ApplyError::Denied(Denied::ReadOnly))),
                "{kind}: {result:?}"
            );
        }
    }
}

#[test]
fn agreements_are_created_only_in_scope_and_never_moved_out_of_it() {
    let (_dir, store) = demo();
    let catalog = store.load_catalog().unwrap();
    let editor = actor(scoped(Role::Editor, &["jawa-tengah"]));
    let partner = catalog.agreements[0].partner.clone();
    let new = |region: &str| {
        let mut a = Agreement::new(0, region, &partner, "prakarsa");
        a.signed = Some(day());
        edits::agreement_change(None, a, None)
    };
    assert!(store.apply(new("kota-semarang"), &editor).is_ok());
    assert!(matches!(
        store.apply(new("kota-surabaya"), &editor),
        Err(ApplyError::Denied(Denied::OutOfScope(_)))
    ));
    // Moving one of its own agreements to another province takes it out of scope.
    let a = agreement_of(&catalog, "jawa-tengah");
    let (version, _) = store.agreement(a.id).unwrap().unwrap();
    let mut moved = a.clone();
    moved.region = "jawa-timur".into();
    assert!(matches!(
        store.apply(
            edits::agreement_change(Some((&a, version)), moved, None),
            &editor
        ),
        Err(ApplyError::Denied(Denied::OutOfScope(r))) if r == "jawa-timur"
    ));
    // An activity that claims an in-scope agreement's key but another's record is judged
    // by the agreement the store holds.
    let outside = agreement_of(&catalog, "jawa-timur");
    let sneaky = Change::new("log activity").with(Edit::create(Record::Activity(Activity {
        id: 0,
        agreement: outside.id,
        date: day(),
        kind: ActivityKind::Visit,
        title: "visit".into(),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    })));
    assert!(store.apply(sneaky, &editor).is_err());
    // Whole-store changes are for local users only.
    let data = read_dataset(&common::fixture("demo.json")).unwrap();
    assert!(
        store
            .import(&data, "demo.json", ImportMode::Merge, &editor)
            .is_err()
    );
}

/// A dashboard for a scoped editor (the same model an SSH session runs).
fn dashboard(access: Access) -> Harness {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("store"), "test").unwrap();
    let data = read_dataset(&common::fixture("demo.json")).unwrap();
    store
        .import(&data, "demo.json", ImportMode::Merge, &Actor::local())
        .unwrap();
    let mut start = Start::local(day(), Lang::En);
    start.access = access.clone();
    let mut h = Harness::on(dir, store, start);
    h.actor = actor(access);
    h
}

const EDITING: [Cmd; 13] = [
    Cmd::Edit,
    Cmd::EditRegion,
    Cmd::LogActivity,
    Cmd::Tags,
    Cmd::Renew,
    Cmd::Delete,
    Cmd::AdvanceStage,
    Cmd::MarkRenewal,
    Cmd::MarkRevitalization,
    Cmd::ProposeTermination,
    Cmd::Snooze,
    Cmd::FollowUp,
    Cmd::ClearMarks,
];

fn select_region(h: &mut Harness, name: &str) {
    h.down_until(name, |h| h.region_name() == name);
    h.press(Cmd::Open);
}

#[test]
fn the_dashboard_offers_editing_keys_only_in_scope_and_says_why_elsewhere() {
    let mut h = dashboard(scoped(Role::Editor, &["jawa-tengah"]));
    // Its own province comes first, with its cities.
    assert_eq!(h.region_name(), "Jawa Tengah");
    let screen = h.screen(120, 40);
    assert!(screen.contains("[scope: Jawa Tengah]"), "{screen}");
    select_region(&mut h, "Jawa Tengah");
    for cmd in EDITING {
        assert_eq!(h.model.available(cmd), Ok(()), "{cmd:?} in scope");
    }
    h.press(Cmd::Back);
    h.down_until("Surabaya", |h| h.region_name() == "Surabaya");
    h.press(Cmd::Open);
    let entries = h.store.audit_entries().unwrap().len();
    for cmd in EDITING {
        assert_eq!(
            h.model.available(cmd),
            Err(Why::OutOfScope("Surabaya".into())),
            "{cmd:?} outside the scope"
        );
        h.press(cmd);
        let status = h.model.ctx.status.as_ref().map(|s| s.text.clone());
        assert_eq!(
            status.as_deref(),
            Some("Surabaya is outside your key's scope: you may only view it"),
            "{cmd:?}"
        );
        assert!(h.model.overlays.is_empty(), "{cmd:?} opened something");
    }
    assert_eq!(h.store.audit_entries().unwrap().len(), entries);
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("outside your scope: read-only"),
        "the pane does not say so:\n{screen}"
    );
    // The hint bar leaves the editing keys out there.
    let hints = screen.lines().last().unwrap_or_default().to_string();
    assert!(!hints.contains("edit"), "{hints}");
}

#[test]
fn a_viewer_with_a_scope_sees_the_whole_country_with_its_scope_first() {
    let mut h = dashboard(scoped(Role::Viewer, &["jawa-timur"]));
    assert_eq!(h.region_name(), "Jawa Timur");
    h.press(Cmd::Down);
    // Its cities and regencies follow it, then the rest of the country.
    let mut seen = vec![h.region_name()];
    for _ in 0..40 {
        h.press(Cmd::Down);
        let name = h.region_name();
        if seen.last() == Some(&name) {
            break;
        }
        seen.push(name);
    }
    let jatim = ["Banyuwangi", "Surabaya"];
    assert!(
        jatim.iter().all(|n| seen[..2].contains(&n.to_string())),
        "{seen:?}"
    );
    assert!(seen.contains(&"Jawa Tengah".to_string()), "{seen:?}");
    assert_eq!(h.model.available(Cmd::Edit), Err(Why::ReadOnly));
}

#[test]
fn an_undo_is_refused_by_the_store_once_the_agreement_left_the_scope() {
    let mut h = dashboard(scoped(Role::Editor, &["jawa-tengah"]));
    h.open_queensland();
    let id = h.model.target().unwrap();
    h.press(Cmd::LogActivity);
    for c in "Call with Brisbane".chars() {
        h.press(Cmd::Insert(c));
    }
    h.press(Cmd::Save);
    assert!(h.model.overlays.is_empty(), "the activity was not saved");
    assert_eq!(h.model.ctx.undo.len(), 1);
    let count = h.store.activities_of(id).unwrap().len();
    // Someone with the whole country moves the agreement to another province. Undoing the
    // activity touches no agreement record, so only the scope can stop it.
    let (version, a) = h.store.agreement(id).unwrap().unwrap();
    let mut moved = a.clone();
    moved.region = "jawa-timur".into();
    let applied = h
        .store
        .apply(
            edits::agreement_change(Some((&a, version)), moved, None),
            &Actor::new("admin", "local"),
        )
        .unwrap();
    let catalog = std::sync::Arc::new(h.store.load_catalog().unwrap());
    let entries = h.store.audit_entries().unwrap().len();
    h.act(Action::Changed {
        catalog,
        applied: Box::new(applied),
        by: "admin".into(),
    });
    // Even a dashboard that offered every key: the store, which holds the session's key
    // (its actor), refuses.
    h.model.ctx.access = Access {
        role: Role::Editor,
        scope: None,
    };
    h.press(Cmd::Undo);
    assert_eq!(h.store.audit_entries().unwrap().len(), entries, "undone");
    assert_eq!(h.store.activities_of(id).unwrap().len(), count);
    let status = h.model.ctx.status.as_ref().unwrap().text.clone();
    assert!(status.contains("outside the scope"), "{status}");
}

/// For random scopes and agreements, a change goes through exactly when the agreement's
/// region is in the scope, itself or through its province.
#[test]
fn the_store_allows_exactly_what_the_scope_covers() {
    let (_dir, store) = demo();
    let catalog = store.load_catalog().unwrap();
    let regions: Vec<String> = catalog.regions.iter().map(|r| r.id.clone()).collect();
    let agreements: Vec<AgreementId> = catalog.agreements.iter().map(|a| a.id).collect();
    let seed = 0x5c09e;
    eprintln!("proptest seed {seed}");
    let mut runner = TestRunner::new(Config {
        cases: 64,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        proptest::sample::subsequence(regions.clone(), 1..4),
        proptest::sample::select(agreements),
    );
    runner
        .run(&strategy, |(scope, id)| {
            let a = catalog.agreement(id).unwrap();
            let province = catalog.region(&a.region).and_then(|r| r.province.clone());
            let expected = scope.contains(&a.region)
                || province.is_some_and(|p| scope.contains(&p) && p != a.region);
            let access = Access {
                role: Role::Editor,
                scope: Some(Scope::new(scope.clone())),
            };
            // A follow-up on the agreement, applied then taken back by an unlimited actor.
            let change = edits::follow_up_change(
                id,
                catalog.attention.get(&id),
                FollowUp {
                    owner: "x".into(),
                    due: day(),
                    next_step: "y".into(),
                    done: None,
                    noted: None,
                },
            );
            let result = store.apply(change, &actor(access));
            prop_assert_eq!(result.is_ok(), expected, "{:?} on {}", scope, a.region);
            if let Ok(applied) = result {
                store
                    .apply(
                        applied.change.inverse("undo", &applied.versions),
                        &Actor::local(),
                    )
                    .unwrap();
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_scoped_key_sets_its_regions_seats_and_nothing_else_of_them() {
    let (_dir, store) = demo();
    let editor = actor(scoped(Role::Editor, &["jawa-tengah"]));
    let semarang = store
        .regions()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "kota-semarang")
        .unwrap();
    let audits = store.audit_entries().unwrap().len();
    let mut renamed = semarang.clone();
    renamed.name = "Semarang Raya".into();
    let mut created = semarang.clone();
    created.id = "kota-semarang-baru".into();
    for change in [
        Change::new("update").with(Edit::update(
            Record::Region(semarang.clone()),
            Record::Region(renamed),
        )),
        Change::new("create").with(Edit::create(Record::Region(created))),
        Change::new("delete").with(Edit::delete(Record::Region(semarang.clone()))),
    ] {
        let result = store.apply(change.clone(), &editor);
        // A new region is not known to be in the scope at all; the others are, but only
        // their seats may change.
        let denied = match change.action.as_str() {
            "create" => matches!(&result, Err(ApplyError::Denied(Denied::OutOfScope(_)))),
            _ => matches!(&result, Err(ApplyError::Denied(Denied::SeatOnly(_)))),
        };
        assert!(denied, "{}: {result:?}", change.action);
    }
    assert_eq!(store.audit_entries().unwrap().len(), audits);
    // The seat itself goes through.
    let moved = kembar::domain::Coordinates {
        lat: -6.97,
        lon: 110.41,
    };
    store
        .apply(edits::seat_change(&semarang, Some(moved)), &editor)
        .unwrap();
}
