//! The changes behind each editing action, built from records: a new or edited agreement, an
//! activity, a renewal, the obstacle tags, the next stage, triage decisions, a region's seat. The dashboard's
//! forms and keys only gather what the user chose; what it means for the records is here, so
//! the server, the command line and the tests build exactly the same changes.

use chrono::NaiveDate;

use super::catalog::Catalog;
use super::change::{Change, Edit, Record};
use super::model::{
    Activity, ActivityKind, Agreement, AgreementId, Assessment, Attention, Coordinates, Decision,
    FollowUp, Partner, PastDecision, Region, Renewal, Status, StatusChange, Tag, TagSpan,
};
use super::text::fold_for_search;
use super::validate::NAME_MAX;

/// A new agreement (`original` is `None`) or a changed one, with a partner created alongside
/// when the user named a new one. An edit that changes nothing gives an empty change.
pub fn agreement_change(
    original: Option<(&Agreement, u64)>,
    agreement: Agreement,
    new_partner: Option<Partner>,
) -> Change {
    let mut change = match original {
        Some((o, _)) if *o == agreement => return Change::new("update"),
        Some((o, version)) => Change::new("update")
            .with(Edit::update(
                Record::Agreement(o.clone()),
                Record::Agreement(agreement),
            ))
            .expecting(o.id, version),
        None => Change::new("create").with(Edit::create(Record::Agreement(agreement))),
    };
    if let Some(p) = new_partner {
        change.edits.insert(0, Edit::create(Record::Partner(p)));
    }
    change
}

/// A region's seat of government set (or cleared, with `None`); the same seat again gives an
/// empty change.
pub fn seat_change(region: &Region, seat: Option<Coordinates>) -> Change {
    let change = Change::new("seat");
    if region.coordinates == seat {
        return change;
    }
    let mut after = region.clone();
    after.coordinates = seat;
    change.with(Edit::update(
        Record::Region(region.clone()),
        Record::Region(after),
    ))
}

/// An activity for an agreement's timeline (its id is given by the store).
pub fn activity_change(activity: Activity) -> Change {
    Change::new("log activity").with(Edit::create(Record::Activity(activity)))
}

/// Renews an agreement's MoU: the term in force moves to the history, the new dates take its
/// place, a lapsed status becomes active again, and the renewal goes on the timeline.
pub fn renewal_change(
    original: &Agreement,
    version: u64,
    signed: NaiveDate,
    expires: Option<NaiveDate>,
    note: &str,
) -> Change {
    let mut renewed = original.clone();
    if original.signed.is_some() || original.expires.is_some() {
        renewed.renewals.push(Renewal {
            signed: original.signed,
            expires: original.expires,
            note: note.to_string(),
        });
    }
    // The signing itself ends a lapsed, dormant or in-renewal status (see `status_on`).
    renewed.signed = Some(signed);
    renewed.expires = expires;
    let title = match note.lines().next().map(str::trim) {
        Some(first) if !first.is_empty() => first.chars().take(NAME_MAX).collect(),
        _ => "MoU renewed".to_string(),
    };
    let activity = Activity {
        id: 0,
        agreement: original.id,
        date: signed,
        kind: ActivityKind::MouRenewed,
        title,
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    };
    Change::new("renew")
        .with(Edit::update(
            Record::Agreement(original.clone()),
            Record::Agreement(renewed),
        ))
        .with(Edit::create(Record::Activity(activity)))
        .expecting(original.id, version)
}

/// Sets the obstacle tags that hold from `on` to exactly `tags` (tag ids): tags no longer
/// named are cleared on `on`, new ones set from `on` and added at the end. A tag set and
/// cleared on the same day was a slip and leaves no trace; one cleared and set again the same
/// day simply holds on.
pub fn set_tags(a: &mut Agreement, tags: &[String], on: NaiveDate) {
    a.obstacles.retain(|s| {
        let cleared_now = s.until.is_none() && !tags.contains(&s.tag);
        !(cleared_now && s.from >= on)
    });
    for span in &mut a.obstacles {
        if span.until.is_none() && !tags.contains(&span.tag) {
            span.until = Some(on);
        }
    }
    for t in tags {
        if a.has_tag(t) {
            continue;
        }
        match a
            .obstacles
            .iter_mut()
            .find(|s| &s.tag == t && s.until == Some(on))
        {
            Some(span) => span.until = None,
            None => a.obstacles.push(TagSpan {
                tag: t.clone(),
                from: on,
                until: None,
            }),
        }
    }
}

/// Records that the agreement's status is `status` from `on`. Nothing is recorded when its
/// dates and earlier records already give that status; a change recorded earlier the same
/// day is replaced (a correction, not history).
pub fn set_status(a: &mut Agreement, status: Status, on: NaiveDate) {
    a.statuses.retain(|c| c.on != on);
    if a.status_on(on) == status {
        return;
    }
    let at = a.statuses.partition_point(|c| c.on <= on);
    a.statuses.insert(at, StatusChange { status, on });
}

/// Takes a status reported on `today` from elsewhere (an older file, a register) that holds
/// since `since`: recorded only when the dates alone would not give it today.
/// When `since` is too early for the status to hold today (a "dormant" dated before the MoU
/// ended gives way to its end), it is recorded from `today`: what the source says of today is
/// never lost.
pub fn adopt_status(a: &mut Agreement, status: Status, since: NaiveDate, today: NaiveDate) {
    if a.status_on(today) == status {
        return;
    }
    for on in [since.min(today), today] {
        let mut tried = a.clone();
        let at = tried.statuses.partition_point(|c| c.on <= on);
        tried.statuses.insert(at, StatusChange { status, on });
        if tried.status_on(today) == status || on == today {
            *a = tried;
            return;
        }
    }
}

/// Sets an agreement's obstacle tags from `on` to exactly `tags` (see [`set_tags`]);
/// `created` are custom tags made on the way, saved with it when used. `None` when nothing
/// changes.
pub fn tags_change(
    agreement: &Agreement,
    version: u64,
    tags: &[String],
    created: &[Tag],
    on: NaiveDate,
) -> Option<Change> {
    let mut after = agreement.clone();
    set_tags(&mut after, tags, on);
    if after == *agreement {
        return None;
    }
    let mut change = Change::new("tags");
    for t in created {
        if after.has_tag(&t.id) {
            change = change.with(Edit::create(Record::Tag(t.clone())));
        }
    }
    Some(
        change
            .with(Edit::update(
                Record::Agreement(agreement.clone()),
                Record::Agreement(after),
            ))
            .expecting(agreement.id, version),
    )
}

/// Moves an agreement to the stage after its own in the catalog's list; `None` when it is
/// at the last stage already.
/// The change that records an assessment (kajian) of an agreement: kept in date order in
/// its history; one made on the same day as an earlier entry replaces that entry.
pub fn assessment_change(original: &Agreement, version: u64, assessment: Assessment) -> Change {
    let mut after = original.clone();
    after.assessments.retain(|x| x.on != assessment.on);
    let at = after.assessments.partition_point(|x| x.on < assessment.on);
    let on = assessment.on;
    after.assessments.insert(at, assessment);
    Change::new(format!("assess {on}"))
        .with(Edit::update(
            Record::Agreement(original.clone()),
            Record::Agreement(after),
        ))
        .expecting(original.id, version)
}

pub fn next_stage_change(catalog: &Catalog, agreement: &Agreement, version: u64) -> Option<Change> {
    let next = catalog
        .stages
        .iter()
        .position(|s| s.id == agreement.stage)
        .map_or(0, |i| i + 1);
    let stage = catalog.stages.get(next)?;
    let mut after = agreement.clone();
    after.stage = stage.id.clone();
    Some(
        Change::new(format!("stage → {}", stage.id))
            .with(Edit::update(
                Record::Agreement(agreement.clone()),
                Record::Agreement(after),
            ))
            .expecting(agreement.id, version),
    )
}

/// The change from one agreement's triage notes to the next: created, updated, or removed
/// when nothing is left in them.
pub fn attention_change(action: &str, before: Option<&Attention>, after: Attention) -> Change {
    let change = Change::new(action);
    match before {
        None if after.is_empty() => change,
        None => change.with(Edit::create(Record::Attention(after))),
        Some(b) if after.is_empty() => change.with(Edit::delete(Record::Attention(b.clone()))),
        Some(b) if *b == after => change,
        Some(b) => change.with(Edit::update(
            Record::Attention(b.clone()),
            Record::Attention(after),
        )),
    }
}

/// A one-key triage decision on an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriageAction {
    /// Mark for this decision; marking the same again takes it back.
    Mark(Decision),
    /// Remove the mark and the snooze.
    Clear,
    /// The earliest open follow-up is done.
    FollowUpDone,
}

/// What a triage decision changes, as of `today`: `None` when there is nothing to do (no
/// open follow-up to close, nothing to clear).
pub fn triage_change(
    catalog: &Catalog,
    agreement: AgreementId,
    action: TriageAction,
    today: NaiveDate,
) -> Option<Change> {
    let before = catalog.attention.get(&agreement);
    let mut after = before.cloned().unwrap_or_else(|| Attention::new(agreement));
    let label = match action {
        TriageAction::Mark(d) => {
            let next = (after.decision != Some(d)).then_some(d);
            decide(&mut after, next, today);
            match d {
                Decision::Renewal => "mark renewal",
                Decision::Revitalization => "mark revitalization",
                Decision::ProposeTermination => "propose termination",
            }
        }
        TriageAction::Clear => {
            decide(&mut after, None, today);
            after.snoozed_until = None;
            after.snoozed_on = None;
            after.snooze_note.clear();
            "clear marks"
        }
        TriageAction::FollowUpDone => {
            let open = after
                .follow_ups
                .iter_mut()
                .filter(|f| f.done.is_none())
                .min_by_key(|f| f.due)?;
            open.done = Some(today);
            "follow-up done"
        }
    };
    let change = attention_change(label, before, after);
    (!change.edits.is_empty()).then_some(change)
}

/// Replaces the decision in force with `next` (none: takes it back) on `today`. The one it
/// replaces goes to the history, unless it was taken the same day: that was a slip.
fn decide(n: &mut Attention, next: Option<Decision>, today: NaiveDate) {
    if n.decision == next {
        return;
    }
    if let Some(old) = n.decision
        && n.decided != Some(today)
    {
        n.past_decisions.push(PastDecision {
            decision: old,
            decided: n.decided,
            until: today,
        });
    }
    n.decision = next;
    n.decided = next.map(|_| today);
}

/// Out of the triage queue until `until`, with the reason, from `today`.
pub fn snooze_change(
    agreement: AgreementId,
    before: Option<&Attention>,
    until: NaiveDate,
    note: &str,
    today: NaiveDate,
) -> Change {
    let mut after = before.cloned().unwrap_or_else(|| Attention::new(agreement));
    after.snoozed_until = Some(until);
    after.snoozed_on = Some(today);
    after.snooze_note = note.trim().to_string();
    attention_change("snooze", before, after)
}

/// A next step with its owner and due date.
pub fn follow_up_change(
    agreement: AgreementId,
    before: Option<&Attention>,
    follow_up: FollowUp,
) -> Change {
    let mut after = before.cloned().unwrap_or_else(|| Attention::new(agreement));
    after.follow_ups.push(follow_up);
    attention_change("follow-up", before, after)
}

/// A lower-case slug for a name, made unique with a number when taken.
pub fn unique_slug(name: &str, taken: impl Fn(&str) -> bool, fallback: &str) -> String {
    let folded = fold_for_search(name);
    let mut slug = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        slug = fallback.to_string();
    }
    if !taken(&slug) {
        return slug;
    }
    (2..)
        .map(|n| format!("{slug}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or(slug)
}

/// A list typed as text: items separated by commas, semicolons or line breaks.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_renewal_keeps_the_old_term_and_logs_the_signing() {
        let mut a = Agreement::new(7, "r", "p", "pelaksanaan");
        a.signed = Some(d("2014-01-01"));
        a.expires = Some(d("2019-01-01"));
        set_status(&mut a, Status::RenewalInProgress, d("2019-03-01"));
        let change = renewal_change(&a, 3, d("2019-08-06"), Some(d("2024-08-06")), "");
        let Some(Record::Agreement(after)) = &change.edits[0].after else {
            panic!("the agreement is written first");
        };
        assert_eq!(after.renewals.len(), 1);
        assert_eq!(after.renewals[0].signed, Some(d("2014-01-01")));
        assert_eq!(after.signed, Some(d("2019-08-06")));
        assert_eq!(after.status_on(d("2019-08-06")), Status::Active);
        assert_eq!(after.status_on(d("2019-08-05")), Status::RenewalInProgress);
        assert!(matches!(
            &change.edits[1].after,
            Some(Record::Activity(v)) if v.kind == ActivityKind::MouRenewed && v.title == "MoU renewed"
        ));
        assert_eq!(change.versions.get(&7), Some(&3));
    }

    #[test]
    fn marking_twice_takes_the_mark_back_and_leaves_no_empty_notes() {
        let mut catalog = Catalog::default();
        let today = d("2019-08-22");
        let first = triage_change(&catalog, 5, TriageAction::Mark(Decision::Renewal), today)
            .expect("a mark is a change");
        assert!(first.edits[0].before.is_none());
        let Some(Record::Attention(n)) = first.edits[0].after.clone() else {
            panic!("notes written");
        };
        assert_eq!(n.decision, Some(Decision::Renewal));
        catalog.attention.insert(5, n);
        let second = triage_change(&catalog, 5, TriageAction::Mark(Decision::Renewal), today)
            .expect("taking it back is a change");
        assert!(second.edits[0].after.is_none(), "empty notes are removed");
        assert!(triage_change(&Catalog::default(), 5, TriageAction::FollowUpDone, today).is_none());
    }

    #[test]
    fn tags_keep_their_order_and_new_ones_go_last() {
        let mut a = Agreement::new(1, "r", "p", "s");
        let day = d("2020-01-01");
        set_tags(&mut a, &["b".into(), "a".into()], day);
        let later = d("2021-06-01");
        let change = tags_change(&a, 1, &["a".into(), "c".into(), "b".into()], &[], later).unwrap();
        let Some(Record::Agreement(after)) = &change.edits[0].after else {
            panic!("agreement written");
        };
        assert_eq!(
            after.current_tags().collect::<Vec<_>>(),
            vec!["b", "a", "c"]
        );
        assert_eq!(after.obstacles[2].from, later);
        assert!(tags_change(&a, 1, &["a".into(), "b".into()], &[], later).is_none());
    }

    #[test]
    fn clearing_a_tag_dates_it_and_a_same_day_slip_leaves_no_trace() {
        let mut a = Agreement::new(1, "r", "p", "s");
        set_tags(&mut a, &["pandemic".into()], d("2020-03-15"));
        set_tags(&mut a, &[], d("2022-06-01"));
        assert_eq!(a.obstacles.len(), 1);
        assert_eq!(a.obstacles[0].until, Some(d("2022-06-01")));
        assert!(a.tags_on(d("2022-05-31")).any(|t| t == "pandemic"));
        assert!(!a.has_tag("pandemic"));
        // Set by mistake and taken back the same day.
        set_tags(&mut a, &["ceremonial".into()], d("2023-01-01"));
        set_tags(&mut a, &[], d("2023-01-01"));
        assert_eq!(a.obstacles.len(), 1, "{:?}", a.obstacles);
        // Cleared by mistake and set again the same day: it simply holds on.
        set_tags(&mut a, &["pandemic".into()], d("2024-01-01"));
        set_tags(&mut a, &[], d("2024-05-01"));
        set_tags(&mut a, &["pandemic".into()], d("2024-05-01"));
        assert_eq!(a.obstacles.len(), 2);
        assert_eq!(a.obstacles[1].until, None);
    }

    #[test]
    fn a_status_is_recorded_only_where_the_dates_do_not_give_it() {
        let mut a = Agreement::new(1, "r", "p", "s");
        a.signed = Some(d("2015-01-01"));
        a.expires = Some(d("2020-01-01"));
        set_status(&mut a, Status::Active, d("2016-01-01"));
        assert!(a.statuses.is_empty());
        set_status(&mut a, Status::Dormant, d("2017-02-01"));
        set_status(&mut a, Status::Terminated, d("2017-02-01"));
        assert_eq!(
            a.statuses,
            vec![StatusChange {
                status: Status::Terminated,
                on: d("2017-02-01")
            }],
            "a same-day change corrects the first"
        );
        assert_eq!(a.status_on(d("2017-01-31")), Status::Active);
    }

    #[test]
    fn a_decision_replaced_later_stays_in_the_history() {
        let mut catalog = Catalog::default();
        let mut notes = |action, day: &str| {
            let change = triage_change(&catalog, 5, action, d(day)).unwrap();
            let n = match change.edits[0].after.clone() {
                Some(Record::Attention(n)) => Some(n),
                _ => None,
            };
            match &n {
                Some(n) => catalog.attention.insert(5, n.clone()),
                None => catalog.attention.remove(&5),
            };
            n
        };
        notes(TriageAction::Mark(Decision::Revitalization), "2019-08-22");
        let n = notes(
            TriageAction::Mark(Decision::ProposeTermination),
            "2023-05-01",
        )
        .unwrap();
        assert_eq!(n.past_decisions.len(), 1);
        assert_eq!(n.past_decisions[0].until, d("2023-05-01"));
        assert_eq!(
            n.as_of(d("2020-01-01")).unwrap().decision,
            Some(Decision::Revitalization)
        );
    }

    #[test]
    fn slugs_are_unique_and_readable() {
        assert_eq!(unique_slug("São Paulo", |_| false, "x"), "sao-paulo");
        assert_eq!(unique_slug("Osaka", |s| s == "osaka", "x"), "osaka-2");
        assert_eq!(unique_slug("福建", |_| false, "partner"), "partner");
    }
}
