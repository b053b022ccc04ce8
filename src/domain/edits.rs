//! The changes behind each editing action, built from records: a new or edited agreement, an
//! activity, a renewal, the obstacle tags, the next stage, triage decisions. The dashboard's
//! forms and keys only gather what the user chose; what it means for the records is here, so
//! the server, the command line and the tests build exactly the same changes.

use chrono::NaiveDate;

use super::catalog::Catalog;
use super::change::{Change, Edit, Record};
use super::model::{
    Activity, ActivityKind, Agreement, AgreementId, Attention, Decision, FollowUp, Partner,
    Renewal, Status, Tag,
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
    renewed.signed = Some(signed);
    renewed.expires = expires;
    if matches!(
        renewed.status,
        Status::Expired | Status::Dormant | Status::RenewalInProgress
    ) {
        renewed.status = Status::Active;
    }
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
    };
    Change::new("renew")
        .with(Edit::update(
            Record::Agreement(original.clone()),
            Record::Agreement(renewed),
        ))
        .with(Edit::create(Record::Activity(activity)))
        .expecting(original.id, version)
}

/// Sets an agreement's obstacle tags to exactly `tags` (tag ids), keeping the order tags were
/// set in and adding new ones at the end; `created` are custom tags made on the way, saved
/// with it when used. `None` when nothing changes.
pub fn tags_change(
    agreement: &Agreement,
    version: u64,
    tags: &[String],
    created: &[Tag],
) -> Option<Change> {
    let mut after = agreement.clone();
    after.obstacles.retain(|t| tags.contains(t));
    for t in tags {
        if !after.obstacles.contains(t) {
            after.obstacles.push(t.clone());
        }
    }
    if after == *agreement {
        return None;
    }
    let mut change = Change::new("tags");
    for t in created {
        if after.obstacles.contains(&t.id) {
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
            if after.decision == Some(d) {
                after.decision = None;
                after.decided = None;
            } else {
                after.decision = Some(d);
                after.decided = Some(today);
            }
            match d {
                Decision::Renewal => "mark renewal",
                Decision::Revitalization => "mark revitalization",
                Decision::ProposeTermination => "propose termination",
            }
        }
        TriageAction::Clear => {
            after.decision = None;
            after.decided = None;
            after.snoozed_until = None;
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

/// Out of the triage queue until `until`, with the reason.
pub fn snooze_change(
    agreement: AgreementId,
    before: Option<&Attention>,
    until: NaiveDate,
    note: &str,
) -> Change {
    let mut after = before.cloned().unwrap_or_else(|| Attention::new(agreement));
    after.snoozed_until = Some(until);
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
        a.status = Status::Expired;
        let change = renewal_change(&a, 3, d("2019-08-06"), Some(d("2024-08-06")), "");
        let Some(Record::Agreement(after)) = &change.edits[0].after else {
            panic!("the agreement is written first");
        };
        assert_eq!(after.renewals.len(), 1);
        assert_eq!(after.renewals[0].signed, Some(d("2014-01-01")));
        assert_eq!(after.signed, Some(d("2019-08-06")));
        assert_eq!(after.status, Status::Active);
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
        a.obstacles = vec!["b".into(), "a".into()];
        let change = tags_change(&a, 1, &["a".into(), "c".into(), "b".into()], &[]).unwrap();
        let Some(Record::Agreement(after)) = &change.edits[0].after else {
            panic!("agreement written");
        };
        assert_eq!(after.obstacles, vec!["b", "a", "c"]);
        assert!(tags_change(&a, 1, &["a".into(), "b".into()], &[]).is_none());
    }

    #[test]
    fn slugs_are_unique_and_readable() {
        assert_eq!(unique_slug("São Paulo", |_| false, "x"), "sao-paulo");
        assert_eq!(unique_slug("Osaka", |s| s == "osaka", "x"), "osaka-2");
        assert_eq!(unique_slug("福建", |_| false, "partner"), "partner");
    }
}
