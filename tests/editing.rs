//! Editing without a terminal: keys fed to the dashboard model over a real demo store, with
//! saves carried out by the same effect runner the event loop uses.

mod common;

use kembar::domain::{ActivityKind, Status};
use kembar::i18n::Lang;
use kembar::store::{Change, Edit, Record};
use kembar::tui::form::field::{FieldId, Value};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::Action;

use common::harness::Harness;

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.press(Cmd::Insert(c));
    }
}

/// Queensland (agreement 1) selected in the relationships pane.
fn day() -> chrono::NaiveDate {
    common::harness::TODAY.parse().unwrap()
}

fn at_queensland() -> Harness {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h
}

fn field_text(h: &Harness, id: FieldId) -> String {
    h.model
        .form()
        .and_then(|f| f.field(id))
        .map(|f| f.text().to_string())
        .unwrap_or_default()
}

fn field_error(h: &Harness, id: FieldId) -> Option<String> {
    h.model
        .form()
        .and_then(|f| f.field(id))
        .and_then(|f| f.error.clone())
}

fn focus_field(h: &mut Harness, id: FieldId) {
    for _ in 0..30 {
        let focused = h.model.form().and_then(|f| f.focused()).map(|f| f.id);
        if focused == Some(id) {
            return;
        }
        h.press(Cmd::NextPane);
    }
    panic!("field {id:?} never took the focus");
}

/// Queensland (agreement 1) as the store holds it, with its version.
fn stored(h: &Harness) -> (u64, kembar::domain::Agreement) {
    h.store
        .agreement(1)
        .unwrap()
        .expect("agreement 1 is in the store")
}

fn audit_count(h: &Harness) -> usize {
    h.store.audit_entries().unwrap().len()
}

/// In the open agreement form, from the partner field on: a new partner, Osaka City in Japan,
/// signed today for five years; then Ctrl-s.
fn osaka_signed_today(h: &mut Harness) {
    type_text(h, "Osaka City");
    h.press(Cmd::NextPane);
    type_text(h, "Japan");
    focus_field(h, FieldId::Signed);
    type_text(h, "today");
    h.press(Cmd::NextPane);
    type_text(h, "2031-11-28");
    h.press(Cmd::Save);
}

#[test]
fn a_new_agreement_with_a_new_partner_is_saved_selected_and_audited() {
    let mut h = at_queensland();
    let before = h.model.ctx.catalog.agreements.len();
    let audits = audit_count(&h);
    h.press(Cmd::New);
    assert_eq!(field_text(&h, FieldId::Region), "Jawa Tengah");
    osaka_signed_today(&mut h);

    assert!(h.model.form().is_none(), "the form closes once saved");
    assert_eq!(h.model.ctx.catalog.agreements.len(), before + 1);
    let a = h
        .model
        .selected_agreement()
        .expect("the new agreement is selected");
    assert_eq!(h.model.ctx.catalog.partner_name(a), "Osaka City");
    assert_eq!(a.signed.unwrap().to_string(), "2026-11-29");
    let id = a.id;
    let (version, stored) = h.store.agreement(id).unwrap().expect("in the store");
    assert_eq!(version, 1);
    assert_eq!(stored.partner, "osaka-city");
    assert_eq!(audit_count(&h), audits + 1);
    let entry = h.store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry.action, "create");
    assert!(entry.after.unwrap().contains("Osaka City"));
    assert!(h.model.ctx.status.as_ref().unwrap().text.contains("Saved"));
    assert_eq!(h.model.ctx.undo.len(), 1);
}

/// `n` on the whole country's row: no region chosen for the new agreement, the region field
/// first; once saved, the whole country's figures count it as the region's do.
#[test]
fn a_new_agreement_from_the_whole_country_starts_without_a_region() {
    use kembar::tui::screens::browse::Place;
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Top);
    assert_eq!(h.model.browse.selected_place(), Some(&Place::Country));
    let before = h.model.browse.figures(&Place::Country).unwrap();
    let surabaya = Place::Region("kota-surabaya".into());
    let surabaya_before = h.model.browse.figures(&surabaya).unwrap();
    h.press(Cmd::New);
    assert!(h.model.form().is_some(), "n opens the form");
    assert_eq!(field_text(&h, FieldId::Region), "");
    assert_eq!(
        h.model.form().and_then(|f| f.focused()).map(|f| f.id),
        Some(FieldId::Region),
        "typing starts at the region"
    );
    type_text(&mut h, "surabay");
    h.press(Cmd::Open);
    assert_eq!(field_text(&h, FieldId::Region), "Surabaya");
    focus_field(&mut h, FieldId::Partner);
    osaka_signed_today(&mut h);
    assert!(h.model.form().is_none(), "saved");
    let after = h.model.browse.figures(&Place::Country).unwrap();
    assert_eq!(after.count, before.count + 1);
    assert_eq!(
        h.model.browse.figures(&surabaya).unwrap().count,
        surabaya_before.count + 1
    );
    // On the whole country's row again, the new agreement is listed.
    h.press(Cmd::Back);
    h.press(Cmd::Top);
    assert_eq!(h.model.browse.agreements.len(), after.count);
}

#[test]
fn completion_chooses_a_region_from_a_short_name() {
    let mut h = at_queensland();
    h.press(Cmd::New);
    h.press(Cmd::PrevPane); // back to the region field
    h.press(Cmd::ClearInput);
    type_text(&mut h, "surabay");
    let Some(Value::Lookup { matches, open, .. }) = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::Region))
        .map(|f| f.value.clone())
    else {
        panic!("the region field is a lookup");
    };
    assert!(open);
    assert_eq!(matches[0].1, "Surabaya");
    h.press(Cmd::Open);
    assert_eq!(field_text(&h, FieldId::Region), "Surabaya");
    let Some(Value::Lookup { chosen, .. }) = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::Region))
        .map(|f| f.value.clone())
    else {
        panic!()
    };
    assert_eq!(chosen.as_deref(), Some("kota-surabaya"));
}

#[test]
fn an_impossible_date_is_named_beside_its_field_and_blocks_saving() {
    let mut h = at_queensland();
    let audits = audit_count(&h);
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Signed);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2019-02-30");
    h.press(Cmd::NextPane);
    let error = field_error(&h, FieldId::Signed).expect("an error on the field");
    assert!(error.contains("February 2019 has 28 days"), "{error}");
    h.press(Cmd::Save);
    assert!(h.model.form().is_some(), "the form stays open");
    assert!(h.model.form().unwrap().error.is_some());
    assert_eq!(audit_count(&h), audits, "nothing was written");
}

#[test]
fn expiry_before_signing_is_refused() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Expires);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2010-01-01");
    h.press(Cmd::Save);
    let error = field_error(&h, FieldId::Expires).expect("an error on expires");
    assert!(error.contains("after the signing date"), "{error}");
    assert_eq!(stored(&h).1.expires.unwrap().to_string(), "2029-08-06");
}

#[test]
fn an_empty_partner_name_is_refused() {
    let mut h = at_queensland();
    h.press(Cmd::New);
    h.press(Cmd::Save);
    let error = field_error(&h, FieldId::Partner).expect("an error on the partner");
    assert!(error.contains("partner name is empty"), "{error}");
    assert!(h.model.form().is_some());
}

#[test]
fn a_megabyte_paste_is_cut_at_the_limit_and_saves() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    h.press(Cmd::ClearInput);
    h.act(Action::Paste("catatan ".repeat(1 << 17))); // 1 MiB
    let notes = field_text(&h, FieldId::Notes);
    assert_eq!(notes.chars().count(), 20_000);
    let notice = h.model.form().unwrap().notice.clone().unwrap();
    assert!(notice.contains("cut"), "{notice}");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    assert_eq!(stored(&h).1.notes.chars().count(), 20_000);
}

#[test]
fn control_and_escape_characters_never_reach_a_field() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    h.press(Cmd::ClearInput);
    h.press(Cmd::Insert('\x1b'));
    h.press(Cmd::Insert('\x07'));
    type_text(&mut h, "ok");
    h.act(Action::Paste("\x1b[2J\x1b]0;pwned\x07 clean\u{9b}".into()));
    assert_eq!(field_text(&h, FieldId::Notes), "ok clean");
    let screen = h.screen(80, 24);
    assert!(!screen.contains('\x1b'));
    h.press(Cmd::Save);
    assert_eq!(stored(&h).1.notes, "ok clean");
}

#[test]
fn text_moves_and_deletes_by_grapheme() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    h.press(Cmd::ClearInput);
    // Siem Reap in Khmer: six code points in four graphemes (សៀ ម រា ប).
    type_text(&mut h, "សៀមរាប");
    h.press(Cmd::Left);
    h.press(Cmd::DeleteBack);
    assert_eq!(field_text(&h, FieldId::Notes), "សៀមប");
    h.press(Cmd::Home);
    h.press(Cmd::DeleteForward);
    assert_eq!(field_text(&h, FieldId::Notes), "មប");
}

#[test]
fn esc_on_a_changed_form_asks_before_discarding() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    h.press(Cmd::Back);
    assert!(h.model.form().is_none(), "an unchanged form just closes");

    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    type_text(&mut h, " more");
    h.press(Cmd::Back);
    assert!(h.model.prompt().is_some(), "a question over the form");
    h.press(Cmd::Insert('n'));
    assert!(h.model.form().is_some(), "any other key keeps editing");
    assert!(field_text(&h, FieldId::Notes).ends_with(" more"));
    h.press(Cmd::Back);
    h.press(Cmd::Insert('y'));
    assert!(h.model.form().is_none());
    assert!(!stored(&h).1.notes.ends_with(" more"));
}

#[test]
fn editing_bumps_the_version_and_undo_redo_are_durable_changes() {
    let mut h = at_queensland();
    let (v1, original) = stored(&h);
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Status);
    h.press(Cmd::Right); // active → dormant
    h.press(Cmd::Save);
    let (v2, edited) = stored(&h);
    assert_eq!(v2, v1 + 1);
    assert_eq!(edited.status_on(day()), Status::Dormant);

    h.press(Cmd::Undo);
    let (v3, undone) = stored(&h);
    assert_eq!(undone, original);
    assert_eq!(v3, v2 + 1);
    assert_eq!(
        h.model.selected_agreement().unwrap().status_on(day()),
        Status::Active
    );
    let last = h.store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(last.action, "undo update");

    h.press(Cmd::Redo);
    assert_eq!(stored(&h).1.status_on(day()), Status::Dormant);
    h.press(Cmd::Redo);
    assert!(
        h.model
            .ctx
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("Nothing to redo")
    );
}

#[test]
fn a_conflicting_save_shows_what_changed_and_offers_reload_or_keep() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "mine");

    // Someone else changes the record meanwhile.
    let (version, current) = stored(&h);
    let mut theirs = current.clone();
    theirs.notes = "theirs".into();
    kembar::domain::edits::set_status(&mut theirs, Status::RenewalInProgress, day());
    let other = kembar::store::Actor::new("siti", "ssh");
    h.store
        .apply(
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(current),
                    Record::Agreement(theirs),
                ))
                .expecting(1, version),
            &other,
        )
        .unwrap();

    h.press(Cmd::Save);
    let form = h.model.form().expect("the form stays open");
    let conflict = form.conflict.as_ref().expect("the conflict is shown");
    assert!(conflict.message.contains("siti"), "{}", conflict.message);
    assert!(
        conflict
            .lines
            .iter()
            .any(|l| l.contains("Status: active → renewing")),
        "the conflict names the status in words: {:?}",
        conflict.lines
    );
    assert_eq!(stored(&h).1.notes, "theirs");
    assert_eq!(
        field_text(&h, FieldId::Notes),
        "mine",
        "nothing typed is lost"
    );

    // Keep editing: the next save knowingly replaces theirs.
    h.press(Cmd::Back);
    assert!(h.model.form().unwrap().conflict.is_none());
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    assert_eq!(stored(&h).1.notes, "mine");
}

#[test]
fn reload_after_a_conflict_takes_their_version() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    type_text(&mut h, " (mine)");
    let (version, current) = stored(&h);
    let mut theirs = current.clone();
    theirs.notes = "theirs".into();
    h.store
        .apply(
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(current),
                    Record::Agreement(theirs),
                ))
                .expecting(1, version),
            &h.actor,
        )
        .unwrap();
    h.press(Cmd::Save);
    assert!(h.model.form().unwrap().conflict.is_some());
    h.press(Cmd::Reload);
    assert_eq!(field_text(&h, FieldId::Notes), "theirs");
    assert!(h.model.form().unwrap().conflict.is_none());
}

#[test]
fn logging_an_activity_extends_the_timeline_and_summary() {
    let mut h = at_queensland();
    let count = h.model.ctx.catalog.summary(1).unwrap().count();
    h.press(Cmd::LogActivity);
    type_text(&mut h, "Video call on the 2027 exchange");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    assert_eq!(h.model.ctx.catalog.summary(1).unwrap().count(), count + 1);
    let activities = h.store.activities_of(1).unwrap();
    let new = activities
        .iter()
        .find(|a| a.title == "Video call on the 2027 exchange")
        .expect("stored");
    assert_eq!(new.date.to_string(), "2026-11-29");
    assert_eq!(new.kind, ActivityKind::Meeting);
    assert!(
        h.model
            .ctx
            .timeline
            .activities
            .iter()
            .any(|a| a.id == new.id),
        "the timeline was read again"
    );
}

#[test]
fn an_activity_without_a_title_is_refused() {
    let mut h = at_queensland();
    h.press(Cmd::LogActivity);
    h.press(Cmd::Save);
    assert!(field_error(&h, FieldId::Title).is_some());
    assert!(h.model.form().is_some());
}

#[test]
fn the_checklist_toggles_tags_and_creates_a_custom_one() {
    let mut h = at_queensland();
    h.press(Cmd::Tags);
    assert!(h.model.tags().is_some());
    h.press(Cmd::Toggle); // the first built-in tag
    h.press(Cmd::New);
    type_text(&mut h, "Visa delays");
    h.press(Cmd::Open);
    h.press(Cmd::Save);
    assert!(h.model.tags().is_none());
    let stored = stored(&h).1;
    assert!(stored.has_tag("communication"));
    assert!(stored.has_tag("visa-delays"));
    let span = stored
        .obstacles
        .iter()
        .find(|s| s.tag == "visa-delays")
        .unwrap();
    assert_eq!(span.from, day(), "a tag holds from the day it was set");
    assert!(
        h.store
            .custom_tags()
            .unwrap()
            .iter()
            .any(|t| t.id == "visa-delays")
    );
    assert!(h.model.ctx.catalog.tag("visa-delays").is_some());
}

#[test]
fn next_stage_and_renewal_from_the_agreement_screen() {
    let mut h = at_queensland();
    h.press(Cmd::Open);
    assert!(h.model.agreement_screen().is_some());
    let before = stored(&h).1;
    h.press(Cmd::AdvanceStage);
    let after = stored(&h).1;
    assert_ne!(after.stage, before.stage);
    assert!(h.model.agreement_screen().is_some(), "the screen stays");
    let status = &h.model.ctx.status.as_ref().unwrap().text;
    assert!(
        status.contains("new stage: Reporting") && status.contains("Queensland"),
        "the status line names the stage and the agreement: {status}"
    );

    // No assessment since the 2019 term was signed: asked first, and `y` goes on.
    h.press(Cmd::Renew);
    assert!(h.model.form().is_none(), "a question first");
    h.press(Cmd::Insert('y'));
    focus_field(&mut h, FieldId::RenewExpires);
    type_text(&mut h, "2031-11-29");
    h.press(Cmd::Save);
    assert!(
        h.model.form().is_none(),
        "{:?}",
        h.model.form().map(|f| &f.error)
    );
    let renewed = stored(&h).1;
    assert_eq!(renewed.signed.unwrap().to_string(), "2026-11-29");
    assert_eq!(renewed.expires.unwrap().to_string(), "2031-11-29");
    assert_eq!(renewed.renewals.len(), before.renewals.len() + 1);
    let kept = renewed.renewals.last().unwrap();
    assert_eq!(kept.signed, before.signed);
    assert_eq!(kept.expires, before.expires);
    assert!(
        h.store
            .activities_of(1)
            .unwrap()
            .iter()
            .any(|a| a.kind == ActivityKind::MouRenewed && a.date.to_string() == "2026-11-29")
    );
}

#[test]
fn delete_asks_naming_the_record_and_undo_brings_it_back() {
    let mut h = at_queensland();
    let activities = h.store.activities_of(1).unwrap();
    h.press(Cmd::Delete);
    let prompt = h.model.prompt().cloned().expect("a question");
    assert!(
        prompt.text.contains("Jawa Tengah – Queensland (Australia)"),
        "{}",
        prompt.text
    );
    h.press(Cmd::Insert('n'));
    assert!(h.store.agreement(1).unwrap().is_some(), "n keeps it");

    h.press(Cmd::Delete);
    h.press(Cmd::Insert('y'));
    assert!(h.store.agreement(1).unwrap().is_none());
    assert!(h.store.activities_of(1).unwrap().is_empty());
    assert!(h.model.ctx.catalog.agreement(1).is_none());
    let entry = h.store.audit_entries().unwrap().pop().unwrap();
    assert_eq!(entry.action, "delete");
    assert!(entry.before.unwrap().contains("Queensland"));

    h.press(Cmd::Undo);
    assert!(h.store.agreement(1).unwrap().is_some());
    assert_eq!(h.store.activities_of(1).unwrap(), activities);
    assert!(h.model.ctx.catalog.agreement(1).is_some());
}

#[test]
fn an_unwritable_store_keeps_the_form_open_and_loses_nothing_saved() {
    let mut h = at_queensland();
    // One change that lands.
    h.press(Cmd::LogActivity);
    type_text(&mut h, "Saved before the disk went away");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());

    // Every save first replaces the store's generation file; a directory in its place makes
    // that fail even for root, as a read-only or full disk would.
    let generation = h.store.path().join("generation");
    let _ = std::fs::remove_file(&generation);
    std::fs::create_dir(&generation).unwrap();
    std::fs::write(generation.join("keep"), "x").unwrap();

    h.press(Cmd::Edit);
    focus_field(&mut h, FieldId::Notes);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "typed while the store was unwritable");
    h.press(Cmd::Save);
    let form = h.model.form().expect("the form stays open");
    let error = form.error.clone().expect("the error is shown");
    assert!(error.contains("cannot write to the store"), "{error}");
    assert!(!form.saving);
    assert_eq!(
        field_text(&h, FieldId::Notes),
        "typed while the store was unwritable"
    );
    let screen = h.screen(80, 24);
    assert!(screen.contains("cannot write"), "{screen}");

    // The disk comes back: the same form saves, and the earlier change is still there.
    std::fs::remove_dir_all(&generation).unwrap();
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    let stored = stored(&h).1;
    assert_eq!(stored.notes, "typed while the store was unwritable");
    assert!(
        h.store
            .activities_of(1)
            .unwrap()
            .iter()
            .any(|a| a.title == "Saved before the disk went away")
    );
}

#[test]
fn a_read_only_session_says_so_and_opens_no_form() {
    let mut h = at_queensland();
    h.model.ctx.access = kembar::domain::access::Access::viewer();
    for cmd in [
        Cmd::New,
        Cmd::Edit,
        Cmd::LogActivity,
        Cmd::Tags,
        Cmd::Delete,
    ] {
        h.press(cmd);
        assert!(h.model.form().is_none() && h.model.tags().is_none() && h.model.prompt().is_none());
        assert!(
            h.model
                .ctx
                .status
                .as_ref()
                .unwrap()
                .text
                .contains("read-only")
        );
    }
}

#[test]
fn forms_draw_at_the_smallest_size_without_escapes() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    let screen = h.screen(60, 15);
    assert!(screen.contains("Edit Jawa Tengah – Queensland"), "{screen}");
    h.press(Cmd::Back);
    h.press(Cmd::Tags);
    let screen = h.screen(60, 15);
    assert!(screen.contains("[ ]"), "{screen}");
}

/// The triage screen with the worst agreement selected; returns its id.
fn triage_top(h: &mut Harness) -> u64 {
    h.press(Cmd::Triage);
    let view = h.model.triage().expect("the triage screen");
    *view.list.selected().expect("a queue")
}

fn reasons_of(h: &Harness, id: u64) -> Option<String> {
    let view = h.model.triage()?;
    view.rows.get(&id).map(|r| r.reasons.clone())
}

#[test]
fn triage_marks_are_saved_shown_and_taken_back() {
    let mut h = Harness::demo(Lang::En);
    let id = triage_top(&mut h);
    h.press(Cmd::MarkRenewal);
    let stored = h.store.attention().unwrap();
    let note = stored.iter().find(|n| n.agreement == id).expect("saved");
    assert_eq!(note.decision, Some(kembar::domain::Decision::Renewal));
    assert_eq!(note.decided.unwrap().to_string(), common::harness::TODAY);
    assert!(
        reasons_of(&h, id)
            .unwrap()
            .starts_with("[marked for renewal]")
    );

    // The same key again takes the mark back; an empty note leaves the store.
    h.press(Cmd::MarkRenewal);
    assert!(h.store.attention().unwrap().is_empty());
    h.press(Cmd::ProposeTermination);
    assert!(
        reasons_of(&h, id)
            .unwrap()
            .starts_with("[termination proposed]")
    );
    h.press(Cmd::Undo);
    assert!(h.store.attention().unwrap().is_empty());
}

#[test]
fn a_snoozed_agreement_leaves_the_queue_until_its_date() {
    let mut h = Harness::demo(Lang::En);
    let id = triage_top(&mut h);
    h.press(Cmd::Snooze);
    assert!(h.model.form().is_some());
    h.press(Cmd::Save);
    assert!(
        field_error(&h, FieldId::SnoozeNote).is_some(),
        "a snooze needs a note"
    );
    type_text(&mut h, "waiting for the new governor");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    assert!(
        reasons_of(&h, id).is_none(),
        "snoozed agreements leave the queue"
    );
    let note = h.store.attention().unwrap().pop().unwrap();
    assert_eq!(note.snoozed_until.unwrap().to_string(), "2027-02-27");
    assert_eq!(note.snooze_note, "waiting for the new governor");

    // On the day the snooze ends it is back.
    let later = note.snoozed_until.unwrap();
    let queue = kembar::domain::triage::queue(&h.model.ctx.catalog, later, &h.model.ctx.rules);
    assert!(queue.iter().any(|x| x.agreement == id));

    // A snooze date in the past is refused.
    h.press(Cmd::Snooze);
    focus_field(&mut h, FieldId::SnoozeUntil);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2020-01-01");
    h.press(Cmd::Save);
    assert!(
        field_error(&h, FieldId::SnoozeUntil)
            .unwrap()
            .contains("after today")
    );
}

#[test]
fn a_follow_up_falls_due_in_the_queue_and_can_be_done() {
    let mut h = Harness::demo(Lang::En);
    let id = triage_top(&mut h);
    h.press(Cmd::FollowUp);
    type_text(&mut h, "Biro Pemerintahan");
    h.press(Cmd::NextPane);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "today");
    h.press(Cmd::NextPane);
    type_text(&mut h, "send the draft MoU to the partner");
    h.press(Cmd::Save);
    assert!(
        h.model.form().is_none(),
        "{:?}",
        h.model.form().map(|f| &f.error)
    );
    let reasons = reasons_of(&h, id).unwrap();
    assert!(
        reasons.contains("follow-up due 2026-11-29 (Biro Pemerintahan): send the draft MoU"),
        "{reasons}"
    );

    h.press(Cmd::FollowUpDone);
    let note = h.store.attention().unwrap().pop().unwrap();
    assert_eq!(note.follow_ups[0].done.unwrap().to_string(), "2026-11-29");
    assert!(!reasons_of(&h, id).unwrap().contains("follow-up due"));
    h.press(Cmd::FollowUpDone);
    assert!(
        h.model
            .ctx
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("No open follow-up")
    );
}

#[test]
fn a_follow_up_needs_an_owner_a_due_date_and_a_step() {
    let mut h = Harness::demo(Lang::En);
    triage_top(&mut h);
    h.press(Cmd::FollowUp);
    focus_field(&mut h, FieldId::Due);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2026-13-01");
    h.press(Cmd::Save);
    assert!(field_error(&h, FieldId::Owner).is_some());
    assert!(field_error(&h, FieldId::NextStep).is_some());
    assert!(field_error(&h, FieldId::Due).is_some());
    assert!(h.store.attention().unwrap().is_empty());
}

/// Someone marks the agreement while a follow-up is being typed: the save says so, and the
/// next Ctrl-s adds the follow-up to their notes instead of failing again.
#[test]
fn a_follow_up_typed_while_someone_marked_the_agreement_joins_their_notes() {
    let mut h = Harness::demo(Lang::En);
    let id = triage_top(&mut h);
    h.press(Cmd::FollowUp);
    type_text(&mut h, "Biro Pemerintahan");
    h.press(Cmd::NextPane);
    h.press(Cmd::NextPane);
    type_text(&mut h, "call the partner");

    let mut theirs = kembar::domain::Attention::new(id);
    theirs.decision = Some(kembar::domain::Decision::Renewal);
    let other = kembar::store::Actor::new("siti", "ssh");
    h.store
        .apply(
            Change::new("mark renewal").with(Edit::create(Record::Attention(theirs))),
            &other,
        )
        .unwrap();

    h.press(Cmd::Save);
    let error = h.model.form().unwrap().error.clone().unwrap();
    assert!(error.contains("adds yours"), "{error}");
    h.press(Cmd::Save);
    assert!(
        h.model.form().is_none(),
        "{:?}",
        h.model.form().map(|f| &f.error)
    );
    let note = h.store.attention().unwrap().pop().unwrap();
    assert_eq!(note.decision, Some(kembar::domain::Decision::Renewal));
    assert_eq!(note.follow_ups.len(), 1);
}

/// The form shows the chosen partner's place; a new partner gets the place typed, a known
/// partner's record is corrected in the same change, and a place off the Earth is refused
/// beside its field with what to write.
#[test]
fn a_partners_place_is_shown_checked_and_saved_with_the_agreement() {
    let mut h = at_queensland();
    h.press(Cmd::Edit);
    assert_eq!(field_text(&h, FieldId::PartnerPlace), "-27.4698, 153.0251");
    focus_field(&mut h, FieldId::PartnerPlace);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "-97.5, 153");
    h.press(Cmd::Save);
    let error = field_error(&h, FieldId::PartnerPlace).expect("an error on the place");
    assert!(error.contains("is not a place"), "{error}");
    assert!(error.contains("lat -90 to 90"), "{error}");
    assert!(h.model.form().is_some(), "nothing saved");
    let stored_partner = |h: &Harness, id: &str| {
        h.store
            .partners()
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    };
    assert_eq!(
        stored_partner(&h, "queensland").coordinates.unwrap().lat,
        -27.4698
    );
    h.press(Cmd::ClearInput);
    type_text(&mut h, "-27.47, 153.02");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none(), "saved: {:?}", h.model.ctx.status);
    let at = stored_partner(&h, "queensland").coordinates.unwrap();
    assert_eq!((at.lat, at.lon), (-27.47, 153.02));
    let shown = h.model.ctx.catalog.partner("queensland").unwrap();
    assert_eq!(shown.coordinates, Some(at));

    // A new partner with its place.
    h.press(Cmd::New);
    type_text(&mut h, "Osaka City");
    h.press(Cmd::NextPane);
    type_text(&mut h, "Japan");
    h.press(Cmd::NextPane);
    type_text(&mut h, "34.69 135.50");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none(), "saved: {:?}", h.model.ctx.status);
    let at = stored_partner(&h, "osaka-city").coordinates.unwrap();
    assert_eq!((at.lat, at.lon), (34.69, 135.5));

    // Choosing another partner in the form shows that partner's place.
    h.press(Cmd::New);
    type_text(&mut h, "Fujian");
    assert_eq!(field_text(&h, FieldId::PartnerPlace), "26.0745, 119.2965");
}
