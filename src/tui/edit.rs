//! The keys every screen shares: help, the finder, the triage queue, copying a summary, and
//! the editing keys, which act on the agreement highlighted on the screen in front
//! ([`Model::target`]). Whether a key is available (a viewer, nothing selected, outside the
//! scope) was checked before it got here.

use crate::domain::edits::{TriageAction, next_stage_change, triage_change};
use crate::domain::{Decision, kajian};
use crate::i18n::T;
use crate::i18n::text;

use super::form;
use super::keymap::Cmd;
use super::model::{Effect, Model, Origin, StatusKind};
use super::overlays::Overlay;
use super::overlays::finder::FinderOverlay;
use super::overlays::help::Help;
use super::overlays::prompt::{Prompt, PromptAction};
use super::overlays::tags::TagChecklist;
use super::screens::Screen;
use super::screens::triage::TriageScreen;

/// A key no screen took for itself.
pub fn common(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let lang = model.ctx.lang;
    match cmd {
        Cmd::Quit => model.ctx.quit = true,
        Cmd::Redraw => return vec![Effect::Repaint],
        Cmd::Help => {
            let context = model.screen_context();
            model.overlays.push(Overlay::Help(Help { context }));
        }
        Cmd::Finder => {
            let finder = FinderOverlay::new(&model.ctx);
            model.overlays.push(Overlay::Finder(finder));
        }
        Cmd::Triage => {
            // The queue is one screen: going to it again from above closes what is above.
            if let Some(at) = model
                .screens
                .iter()
                .position(|s| matches!(s, Screen::Triage(_)))
            {
                model.screens.truncate(at + 1);
            } else {
                model
                    .screens
                    .push(Screen::Triage(TriageScreen::new(&model.ctx)));
            }
            return vec![Effect::Repaint];
        }
        Cmd::Trends => {
            // One screen of years: going to it again from above closes what is above.
            if let Some(at) = model
                .screens
                .iter()
                .position(|s| matches!(s, Screen::Trends(_)))
            {
                model.screens.truncate(at + 1);
            } else {
                let trends = super::screens::trends::TrendsScreen::new(&model.ctx);
                model.screens.push(Screen::Trends(trends));
            }
            return vec![Effect::Repaint];
        }
        Cmd::Copy => {
            let Some(id) = model.target() else {
                return Vec::new();
            };
            let ctx = &model.ctx;
            let Some(a) = ctx.catalog.agreement(id) else {
                return Vec::new();
            };
            let summary = crate::i18n::summary::agreement_summary(&ctx.catalog, a, ctx.today, lang);
            let name = ctx.name_of(id);
            model.ctx.say(text::copied(&name, lang), StatusKind::Ok);
            return vec![Effect::CopyToClipboard(summary)];
        }
        Cmd::New => {
            let region = model.browse.selected_region().map(str::to_string);
            let f = form::agreement::new(&model.ctx, region.as_deref());
            model.overlays.push(Overlay::Form(Box::new(f)));
        }
        Cmd::EditRegion => {
            if let Some(region) = model.region_target().cloned() {
                let f = form::region::edit(&model.ctx, &region);
                model.overlays.push(Overlay::Form(Box::new(f)));
            }
        }
        Cmd::Undo => return undo(model, true),
        Cmd::Redo => return undo(model, false),
        _ => return on_target(model, cmd),
    }
    Vec::new()
}

/// An editing key on the highlighted agreement.
fn on_target(model: &mut Model, cmd: Cmd) -> Vec<Effect> {
    let lang = model.ctx.lang;
    let Some(id) = model.target() else {
        return Vec::new();
    };
    let ctx = &model.ctx;
    let Some(a) = ctx.catalog.agreement(id).cloned() else {
        return Vec::new();
    };
    let version = ctx.catalog.version(id);
    let name = ctx.name_of(id);
    let quick = |model: &mut Model, change: Option<crate::domain::Change>| -> Vec<Effect> {
        match change {
            Some(change) => {
                model
                    .ctx
                    .say(text::saving(&name, model.ctx.lang), StatusKind::Ok);
                vec![Effect::Save {
                    change: Box::new(change),
                    origin: Origin::Quick,
                }]
            }
            None => Vec::new(),
        }
    };
    let overlay = match cmd {
        Cmd::Edit => Overlay::Form(Box::new(form::agreement::edit(ctx, &a, version))),
        Cmd::LogActivity => Overlay::Form(Box::new(form::activity::new(ctx, &a))),
        Cmd::Renew if kajian::renewal_needs_assessment(&a, ctx.today) => Overlay::Prompt(Prompt {
            text: text::renew_without_assessment_ask(&name, lang),
            on_yes: PromptAction::RenewAnyway { id },
        }),
        Cmd::Renew => Overlay::Form(Box::new(form::renewal::new(ctx, &a, version))),
        Cmd::Assess => Overlay::Form(Box::new(form::assessment::new(ctx, &a, version))),
        Cmd::Brief => return vec![Effect::LoadBrief(id)],
        Cmd::Snooze => Overlay::Form(Box::new(form::follow_up::snooze(ctx, &a))),
        Cmd::FollowUp => Overlay::Form(Box::new(form::follow_up::follow_up(ctx, &a))),
        Cmd::Tags => Overlay::Tags(Box::new(TagChecklist::new(ctx, &a, version))),
        Cmd::Delete => {
            let activities = ctx.catalog.summary(id).map_or(0, |s| s.count() as usize);
            let country = ctx.catalog.partner(&a.partner).map_or(String::new(), |p| {
                crate::domain::countries::display(&p.country, lang).into_owned()
            });
            Overlay::Prompt(Prompt {
                text: text::delete_ask(id, &name, &country, activities, lang),
                on_yes: PromptAction::Delete { id, version },
            })
        }
        Cmd::AdvanceStage => {
            let change = next_stage_change(&ctx.catalog, &a, version);
            let next = ctx
                .catalog
                .stages
                .iter()
                .position(|s| s.id == a.stage)
                .and_then(|i| ctx.catalog.stages.get(i + 1));
            if let (Some(change), Some(next)) = (&change, next)
                && kajian::advance_needs_assessment(&ctx.catalog.stages, &a, &next.id, ctx.today)
            {
                let label = lang.pick(&next.label_id, &next.label_en);
                Overlay::Prompt(Prompt {
                    text: text::advance_without_assessment_ask(&name, label, lang),
                    on_yes: PromptAction::SaveAnyway {
                        id,
                        change: Box::new(change.clone()),
                    },
                })
            } else {
                return quick(model, change);
            }
        }
        Cmd::MarkRenewal
        | Cmd::MarkRevitalization
        | Cmd::ProposeTermination
        | Cmd::ClearMarks
        | Cmd::FollowUpDone => {
            let action = match cmd {
                Cmd::MarkRenewal => TriageAction::Mark(Decision::Renewal),
                Cmd::MarkRevitalization => TriageAction::Mark(Decision::Revitalization),
                Cmd::ProposeTermination => TriageAction::Mark(Decision::ProposeTermination),
                Cmd::ClearMarks => TriageAction::Clear,
                _ => TriageAction::FollowUpDone,
            };
            let change = triage_change(&ctx.catalog, id, action, ctx.today);
            if change.is_none() && cmd == Cmd::ClearMarks {
                model
                    .ctx
                    .say(T::NothingToClear.in_lang(lang), StatusKind::Error);
            }
            return quick(model, change);
        }
        _ => return Vec::new(),
    };
    model.overlays.push(overlay);
    Vec::new()
}

/// `u` takes back this session's last change, `Ctrl-r` the last undo; both are saved,
/// audited changes like any other.
fn undo(model: &mut Model, back: bool) -> Vec<Effect> {
    let ctx = &mut model.ctx;
    let popped = if back { ctx.undo.pop() } else { ctx.redo.pop() };
    let Some(applied) = popped else {
        return Vec::new();
    };
    let original = applied.change.action.clone();
    let action = match (back, original.strip_prefix("undo ")) {
        (true, _) => format!("undo {original}"),
        (false, Some(done)) => format!("redo {done}"),
        (false, None) => format!("redo {original}"),
    };
    let change = applied.change.inverse(action, &applied.versions);
    let name = ctx.name_of_change(&change);
    ctx.say(text::saving(&name, ctx.lang), StatusKind::Ok);
    let origin = if back {
        Origin::Undo(Box::new(applied))
    } else {
        Origin::Redo(Box::new(applied))
    };
    vec![Effect::Save {
        change: Box::new(change),
        origin,
    }]
}
