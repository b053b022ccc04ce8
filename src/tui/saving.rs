//! What happens when the store answers a save, and when another session's change arrives:
//! the catalog takes the change, every list is rebuilt with its selection kept by id, the
//! overlay that saved closes (or stays open, with everything typed, when the save failed),
//! and the status line names the agreement.

use std::sync::Arc;

use crate::domain::{AgreementId, Catalog, Record};
use crate::i18n::text;
use crate::store::Applied;

use super::model::{Effect, Model, Origin, SaveFailure, StatusKind, Theirs, Timeline};
use super::overlays::Overlay;

/// The store answered a save.
pub fn saved(
    model: &mut Model,
    origin: Origin,
    result: Result<Box<Applied>, SaveFailure>,
    shared: Option<Arc<Catalog>>,
) -> Vec<Effect> {
    match result {
        Ok(applied) => succeeded(model, origin, *applied, shared),
        Err(failure) => {
            failed(model, origin, failure);
            Vec::new()
        }
    }
}

fn succeeded(
    model: &mut Model,
    origin: Origin,
    applied: Applied,
    shared: Option<Arc<Catalog>>,
) -> Vec<Effect> {
    let lang = model.ctx.lang;
    let touched = touched_regions(&model.ctx.catalog, &applied);
    take_change(model, &applied, shared);
    let about = applied.change.about();
    let created = applied
        .change
        .edits
        .iter()
        .any(|e| e.before.is_none() && matches!(e.after, Some(Record::Agreement(_))));
    let words = text::change_done(
        &applied.change.action,
        &model.ctx.catalog,
        matches!(origin, Origin::Undo(_)),
        matches!(origin, Origin::Redo(_)),
        lang,
    );
    let name = model.ctx.name_of_change(&applied.change);
    if matches!(origin, Origin::Undo(_) | Origin::Redo(_)) {
        // What is left to undo or redo expects the versions this one wrote.
        let ctx = &mut model.ctx;
        for earlier in ctx.undo.iter_mut().chain(ctx.redo.iter_mut()) {
            earlier.rebase(&applied.versions);
        }
    }
    match &origin {
        Origin::Undo(_) => model.ctx.redo.push(applied),
        Origin::Redo(_) => model.ctx.undo.push(applied),
        _ => {
            model.ctx.undo.push(applied);
            model.ctx.redo.clear();
        }
    }
    // The overlay that saved closes, with any question over it.
    match origin {
        Origin::Form => close_last(model, |o| matches!(o, Overlay::Form(_))),
        Origin::Tags => close_last(model, |o| matches!(o, Overlay::Tags(_))),
        _ => {}
    }
    model.rebuild(Some(&touched));
    if created && let Some(id) = about {
        // A new agreement is shown where it now is.
        if model.screens.is_empty() {
            model.browse.show_agreement(&model.ctx, id);
        }
    }
    let safe = crate::domain::text::display_safe(&name).into_owned();
    model.ctx.say(format!("{words} · {safe}"), StatusKind::Ok);
    vec![Effect::Repaint, Effect::RefreshIndex]
}

/// Removes the topmost overlay `which` matches, and every overlay above it.
fn close_last(model: &mut Model, which: impl Fn(&Overlay) -> bool) {
    if let Some(at) = model.overlays.iter().rposition(which) {
        model.overlays.truncate(at);
    }
}

fn failed(model: &mut Model, origin: Origin, mut failure: SaveFailure) {
    let lang = model.ctx.lang;
    let ctx = &model.ctx;
    // A conflict in the session's words, naming the agreement as the screen does.
    if let (Some(theirs), Some(who)) = (&failure.conflict, &failure.by) {
        let (by, at) = who.as_ref();
        let about = match theirs {
            Theirs::Changed(current) => Some(current.1.id),
            _ => None,
        };
        let name = about
            .or_else(|| model.form().and_then(|f| f.kind.agreement()))
            .map(|id| ctx.name_of(id));
        if let (Theirs::Region(region), Origin::Form) = (theirs, &origin) {
            let mine = model.form().and_then(|f| match &f.kind {
                super::form::Kind::Region(k) => Some(k.original.name.clone()),
                _ => None,
            });
            let name = region.as_ref().map(|r| r.name.clone()).or(mine);
            failure.message =
                text::region_conflict(&name.unwrap_or_default(), by, at, region.is_none(), lang);
        } else if let Some(name) = name {
            let deleted = matches!(theirs, Theirs::Deleted);
            failure.message = text::conflict(&name, by, at, deleted, lang);
        }
    }
    match origin {
        Origin::Form => {
            let form = model.overlays.iter_mut().rev().find_map(|o| match o {
                Overlay::Form(f) => Some(f),
                _ => None,
            });
            if let Some(form) = form {
                match failure.conflict {
                    Some(Theirs::Changed(current)) => {
                        form.conflicted(ctx, failure.message, Some(*current))
                    }
                    Some(Theirs::Deleted) => form.conflicted(ctx, failure.message, None),
                    Some(Theirs::Notes(theirs)) => {
                        form.rebase_notes(failure.message, theirs.map(|b| *b))
                    }
                    Some(Theirs::Region(theirs)) => {
                        form.rebase_region(failure.message, theirs.map(|b| *b))
                    }
                    None => form.failed(failure.message),
                }
                model.ctx.status = None;
                return;
            }
            model
                .ctx
                .say(failure.message, super::model::StatusKind::Error);
        }
        Origin::Tags => {
            let checklist = model.overlays.iter_mut().rev().find_map(|o| match o {
                Overlay::Tags(t) => Some(t),
                _ => None,
            });
            if let Some(t) = checklist {
                t.saving = false;
                t.error = Some(failure.message);
                // Their agreement becomes the base: the next Enter puts these choices on
                // top of their change instead of failing again.
                if let Some(Theirs::Changed(current)) = failure.conflict {
                    let (version, agreement) = *current;
                    t.version = version;
                    t.agreement = agreement;
                    t.error = t
                        .error
                        .take()
                        .map(|e| format!("{e} {}", crate::i18n::T::TagsOnTop.in_lang(lang)));
                }
                model.ctx.status = None;
                return;
            }
            model.ctx.say(failure.message, StatusKind::Error);
        }
        Origin::Undo(applied) => {
            model.ctx.undo.push(*applied);
            model.ctx.say(failure.message, StatusKind::Error);
        }
        Origin::Redo(applied) => {
            model.ctx.redo.push(*applied);
            model.ctx.say(failure.message, StatusKind::Error);
        }
        Origin::Quick => model.ctx.say(failure.message, StatusKind::Error),
    }
}

/// Someone else saved a change (another session of a server): take the catalog they left
/// and keep everything of this session (screens, selections, open forms, undo) as it was.
pub fn changed_elsewhere(
    model: &mut Model,
    catalog: Arc<Catalog>,
    applied: &Applied,
    by: &str,
) -> Vec<Effect> {
    let lang = model.ctx.lang;
    let touched = touched_regions(&model.ctx.catalog, applied);
    take_change(model, applied, Some(catalog));
    model.rebuild(Some(&touched));
    if model.ctx.status.is_none() {
        let words = text::change_words(&applied.change.action, &model.ctx.catalog, lang);
        let name = model.ctx.name_of_change(&applied.change);
        model.ctx.say(
            crate::domain::text::display_safe(&format!("{by}: {words} · {name}")).into_owned(),
            StatusKind::Ok,
        );
    }
    vec![Effect::Repaint]
}

/// The catalog after a change: the one a server shares (unless an older one arrives after
/// a newer), or this session's own, patched in place. The timeline on screen is read again.
fn take_change(model: &mut Model, applied: &Applied, shared: Option<Arc<Catalog>>) {
    let ctx = &mut model.ctx;
    match &mut ctx.replay {
        None => match shared {
            Some(shared) => {
                if shared.generation > ctx.catalog.generation {
                    ctx.catalog = shared;
                }
            }
            None => Arc::make_mut(&mut ctx.catalog).patch(
                &applied.change,
                &applied.versions,
                &applied.summaries,
            ),
        },
        Some(replay) => {
            // The records take the change; what is shown of them is projected again, in
            // whole when a server's catalog arrives, else only the agreements it touched.
            match shared {
                Some(shared) => {
                    if shared.generation > replay.records.generation {
                        replay.records = shared;
                        ctx.catalog = Arc::new(replay.records.as_of(replay.day));
                    }
                }
                None => {
                    Arc::make_mut(&mut replay.records).patch(
                        &applied.change,
                        &applied.versions,
                        &applied.summaries,
                    );
                    let shown = Arc::make_mut(&mut ctx.catalog);
                    for edit in &applied.change.edits {
                        match (&edit.before, &edit.after) {
                            (_, Some(Record::Partner(p))) => {
                                shown.put_partner(&p.id, Some(p.clone()))
                            }
                            (Some(Record::Partner(p)), None) => shown.put_partner(&p.id, None),
                            (_, Some(Record::Tag(t))) => shown.put_tag(&t.id, Some(t.clone())),
                            (Some(Record::Tag(t)), None) => shown.put_tag(&t.id, None),
                            (_, Some(Record::Region(r))) => {
                                shown.put_region(&r.id, Some(r.clone()))
                            }
                            (Some(Record::Region(r)), None) => shown.put_region(&r.id, None),
                            _ => {}
                        }
                    }
                    let mut ids: Vec<AgreementId> = applied
                        .change
                        .edits
                        .iter()
                        .flat_map(|e| [&e.before, &e.after])
                        .flatten()
                        .filter_map(|r| match r {
                            Record::Agreement(a) => Some(a.id),
                            Record::Activity(v) => Some(v.agreement),
                            Record::Attention(n) => Some(n.agreement),
                            _ => None,
                        })
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    for id in ids {
                        shown.follow(&replay.records, id, replay.day);
                    }
                    shown.generation = replay.records.generation;
                }
            }
        }
    }
    let about: Option<AgreementId> = applied.change.about();
    if about.is_none() || ctx.timeline.agreement == about {
        ctx.timeline = Timeline::default();
    }
}

/// The regions whose agreements a change touched, before and after.
fn touched_regions(catalog: &Catalog, applied: &Applied) -> Vec<String> {
    let mut touched = Vec::new();
    for edit in &applied.change.edits {
        for record in [&edit.before, &edit.after].into_iter().flatten() {
            let region = match record {
                Record::Agreement(a) => Some(a.region.clone()),
                Record::Activity(v) => catalog.agreement(v.agreement).map(|a| a.region.clone()),
                Record::Attention(n) => catalog.agreement(n.agreement).map(|a| a.region.clone()),
                Record::Region(r) => Some(r.id.clone()),
                _ => None,
            };
            touched.extend(region);
        }
    }
    touched.sort();
    touched.dedup();
    touched
}
