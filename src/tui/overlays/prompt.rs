//! A question on screen: `y` does it, any other key does not.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::AgreementId;
use crate::domain::text::display_safe;

use super::super::form;
use super::super::keymap::Cmd;
use super::super::layout::centered;
use super::super::model::{Ctx, Effect, Origin, Reply, StatusKind, Then};
use super::super::theme::Theme;
use super::Overlay;

#[derive(Debug, Clone, PartialEq)]
pub enum PromptAction {
    /// Delete an agreement that is at `version`.
    Delete { id: AgreementId, version: u64 },
    /// Close the form or checklist under the question, dropping what was typed.
    Discard,
    /// Drop what was typed and quit.
    DiscardAndQuit,
    /// Save a change that goes ahead without an assessment (a stage advance); `A` records
    /// the assessment instead.
    SaveAnyway {
        id: AgreementId,
        change: Box<crate::domain::Change>,
    },
    /// Open the renewal form though no assessment was made for it; `A` records the
    /// assessment instead.
    RenewAnyway { id: AgreementId },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub text: String,
    pub on_yes: PromptAction,
}

impl Prompt {
    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        let yes = matches!(cmd, Cmd::Insert('y' | 'Y'));
        if cmd == Cmd::Quit {
            ctx.quit = true;
            return Reply::stay();
        }
        if let PromptAction::SaveAnyway { id, .. } | PromptAction::RenewAnyway { id } = &self.on_yes
            && cmd == Cmd::Insert('A')
            && let Some(a) = ctx.catalog.agreement(*id)
        {
            let form = form::assessment::new(ctx, a, ctx.catalog.version(*id));
            return Reply::then(Then::Replace(Overlay::Form(Box::new(form))));
        }
        if !yes {
            return Reply::then(Then::Close);
        }
        match &self.on_yes {
            PromptAction::Delete { id, version } => {
                ctx.say(
                    crate::i18n::text::saving(&ctx.name_of(*id), ctx.lang),
                    StatusKind::Ok,
                );
                Reply::then(Then::Close).with(Effect::Delete {
                    id: *id,
                    version: *version,
                })
            }
            PromptAction::Discard => Reply::then(Then::CloseTwo),
            PromptAction::DiscardAndQuit => {
                ctx.quit = true;
                Reply::then(Then::CloseTwo)
            }
            PromptAction::SaveAnyway { id, change } => {
                ctx.say(
                    crate::i18n::text::saving(&ctx.name_of(*id), ctx.lang),
                    StatusKind::Ok,
                );
                Reply::then(Then::Close).with(Effect::Save {
                    change: change.clone(),
                    origin: Origin::Quick,
                })
            }
            PromptAction::RenewAnyway { id } => match ctx.catalog.agreement(*id) {
                Some(a) => {
                    let form = form::renewal::new(ctx, a, ctx.catalog.version(*id));
                    Reply::then(Then::Replace(Overlay::Form(Box::new(form))))
                }
                None => Reply::then(Then::Close),
            },
        }
    }
}

pub fn draw(prompt: &Prompt, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(72);
    let text_width = width.saturating_sub(2).max(1);
    let text = display_safe(&prompt.text).into_owned();
    let height = (text.width() as u16).div_ceil(text_width) + 3;
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.status_error)
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}
