//! The assessment (kajian) in the dashboard: a stage advance past `penjajakan` or a renewal
//! without one asks first; `A` records one, dated, in the agreement's history; triage marks
//! "not assessed" until then. And the activity form's fields and outcome.

mod common;

use kembar::domain::triage::Reason;
use kembar::domain::{Principle, Verdict};
use kembar::i18n::Lang;
use kembar::tui::form::field::FieldId;
use kembar::tui::keymap::Cmd;
use kembar::tui::overlays::Overlay;
use kembar::tui::overlays::prompt::PromptAction;

use common::harness::Harness;

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.press(Cmd::Insert(c));
    }
}

fn focus_field(h: &mut Harness, id: FieldId) {
    for _ in 0..30 {
        if h.model.form().and_then(|f| f.focused()).map(|f| f.id) == Some(id) {
            return;
        }
        h.press(Cmd::NextPane);
    }
    panic!("field {id:?} never took the focus");
}

/// DKI Jakarta – Tokyo (agreement 6): a renewal in progress, no assessment.
fn at_tokyo() -> Harness {
    let mut h = Harness::demo(Lang::En);
    h.down_until("DKI Jakarta", |h| h.region_name() == "DKI Jakarta");
    h.press(Cmd::Open);
    h.down_until("Tokyo", |h| h.partner_name() == "Tokyo");
    h
}

fn stage(h: &Harness) -> String {
    h.store.agreement(6).unwrap().unwrap().1.stage
}

fn prompt(h: &Harness) -> Option<&PromptAction> {
    match h.model.overlays.last() {
        Some(Overlay::Prompt(p)) => Some(&p.on_yes),
        _ => None,
    }
}

fn not_assessed(h: &Harness) -> bool {
    let ctx = &h.model.ctx;
    kembar::domain::triage::queue(&ctx.catalog, ctx.today, &ctx.rules)
        .iter()
        .find(|x| x.agreement == 6)
        .is_some_and(|x| {
            x.reasons
                .iter()
                .any(|r| matches!(r, Reason::NotAssessed { .. }))
        })
}

#[test]
fn advancing_without_an_assessment_asks_and_no_keeps_the_stage() {
    let mut h = at_tokyo();
    assert_eq!(stage(&h), "rancangan-naskah");
    assert!(not_assessed(&h));
    h.press(Cmd::AdvanceStage);
    assert!(
        matches!(prompt(&h), Some(PromptAction::SaveAnyway { id: 6, .. })),
        "a question, not a save"
    );
    assert_eq!(stage(&h), "rancangan-naskah");
    h.press(Cmd::Insert('n'));
    assert!(h.model.overlays.is_empty());
    assert_eq!(stage(&h), "rancangan-naskah");
    h.press(Cmd::AdvanceStage);
    h.press(Cmd::Insert('y'));
    assert_eq!(stage(&h), "penandatanganan");
}

#[test]
fn a_renewal_without_an_assessment_asks_and_a_records_one() {
    let mut h = at_tokyo();
    h.press(Cmd::Renew);
    assert!(matches!(
        prompt(&h),
        Some(PromptAction::RenewAnyway { id: 6 })
    ));
    // A: the assessment form instead, in the question's place.
    h.press(Cmd::Insert('A'));
    assert_eq!(h.model.overlays.len(), 1);
    let title = h.model.form().map(|f| f.title.clone()).unwrap();
    assert!(title.starts_with("Assessment (kajian):"), "{title}");
    // Concerns need a note.
    focus_field(&mut h, FieldId::Security);
    h.press(Cmd::Insert('c'));
    h.press(Cmd::Save);
    let error = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::SecurityNote))
        .and_then(|f| f.error.clone());
    assert_eq!(error.as_deref(), Some("concerns: say what they are"));
    focus_field(&mut h, FieldId::SecurityNote);
    type_text(&mut h, "data sharing on flood sensors to be reviewed");
    focus_field(&mut h, FieldId::BenefitRegion);
    type_text(&mut h, "flood early warning");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none(), "saved and closed");
    let (_, a) = h.store.agreement(6).unwrap().unwrap();
    assert_eq!(a.assessments.len(), 1);
    let x = &a.assessments[0];
    assert_eq!(x.on, h.model.ctx.today);
    assert_eq!(x.judgement(Principle::Security).verdict, Verdict::Concerns);
    assert_eq!(
        x.judgement(Principle::Political).verdict,
        Verdict::NotAssessed
    );
    assert_eq!(x.benefit_region, "flood early warning");
    // Triage no longer marks it; the renewal and the stage advance no longer ask.
    assert!(!not_assessed(&h));
    h.press(Cmd::Renew);
    assert!(matches!(h.model.overlays.last(), Some(Overlay::Form(_))));
    h.press(Cmd::Back);
    h.press(Cmd::AdvanceStage);
    assert!(prompt(&h).is_none());
    assert_eq!(stage(&h), "penandatanganan");
}

#[test]
fn an_assessment_on_another_day_adds_to_the_history_and_the_same_day_replaces() {
    let mut h = at_tokyo();
    for note in ["first", "second"] {
        h.press(Cmd::Assess);
        focus_field(&mut h, FieldId::Fit);
        h.press(Cmd::ClearInput);
        type_text(&mut h, note);
        h.press(Cmd::Save);
    }
    let (_, a) = h.store.agreement(6).unwrap().unwrap();
    assert_eq!(a.assessments.len(), 1, "the same day replaces");
    assert_eq!(a.assessments[0].fit, "second");
    h.press(Cmd::Assess);
    // It opens with the last one filled in.
    let fit = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::Fit))
        .map(|f| f.text().to_string());
    assert_eq!(fit.as_deref(), Some("second"));
    focus_field(&mut h, FieldId::AssessedOn);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2026-01-05");
    h.press(Cmd::Save);
    let (_, a) = h.store.agreement(6).unwrap().unwrap();
    let days: Vec<String> = a.assessments.iter().map(|x| x.on.to_string()).collect();
    assert_eq!(days, ["2026-01-05", "2026-11-29"], "kept in date order");
    // Dated in the future: refused beside the field.
    h.press(Cmd::Assess);
    focus_field(&mut h, FieldId::AssessedOn);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "2027-01-01");
    h.press(Cmd::Save);
    let error = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::AssessedOn))
        .and_then(|f| f.error.clone());
    assert_eq!(
        error.as_deref(),
        Some("an assessment is dated when it was made: 2026-11-29 or earlier")
    );
}

#[test]
fn an_activity_records_its_fields_and_outcome() {
    let mut h = at_tokyo();
    h.press(Cmd::LogActivity);
    focus_field(&mut h, FieldId::Title);
    type_text(&mut h, "Flood drill");
    focus_field(&mut h, FieldId::ActivityFields);
    // 1 is the MoU's first field (penanggulangan bencana); "olahraga" is outside it.
    type_text(&mut h, "1, olahraga");
    let note = h
        .model
        .form()
        .and_then(|f| f.field(FieldId::ActivityFields))
        .and_then(|f| f.note.clone())
        .unwrap();
    assert!(note.contains("1 penanggulangan bencana"), "{note}");
    assert!(note.ends_with("outside the MoU: olahraga"), "{note}");
    focus_field(&mut h, FieldId::OutcomePeople);
    type_text(&mut h, "12,5");
    focus_field(&mut h, FieldId::OutcomeUnit);
    type_text(&mut h, "USD");
    h.press(Cmd::Save);
    let errors: Vec<(FieldId, String)> = h
        .model
        .form()
        .unwrap()
        .fields
        .iter()
        .filter_map(|f| f.error.clone().map(|e| (f.id, e)))
        .collect();
    assert_eq!(
        errors,
        [
            (
                FieldId::OutcomePeople,
                "counts people: a whole number, e.g. 25".to_string()
            ),
            (
                FieldId::OutcomeValue,
                "a unit without a value: give the value or clear the unit".to_string()
            ),
        ]
    );
    focus_field(&mut h, FieldId::OutcomePeople);
    h.press(Cmd::ClearInput);
    type_text(&mut h, "1.250");
    focus_field(&mut h, FieldId::OutcomeValue);
    type_text(&mut h, "2.500,75");
    h.press(Cmd::Save);
    assert!(h.model.form().is_none(), "saved");
    let logged = h
        .store
        .activities_of(6)
        .unwrap()
        .into_iter()
        .find(|a| a.title == "Flood drill")
        .unwrap();
    assert_eq!(logged.fields, ["penanggulangan bencana", "olahraga"]);
    let o = logged.outcome.unwrap();
    assert_eq!(
        (o.participants, o.value, o.unit.as_str()),
        (Some(1250), Some(2500.75), "USD")
    );
    // The summary the triage reads carries the fields.
    let summary = h.store.summary(6).unwrap().unwrap();
    assert!(summary.fields.iter().any(|f| f.field == "olahraga"));
}
