//! `t`: the obstacle-tag checklist of one agreement: the six obstacles of the 2019 meeting,
//! the store's own tags, and new ones made here. It is not a form: Space checks, Enter
//! saves; Esc on a changed checklist asks before anything is dropped. Tags are dated facts:
//! those checked hold from the day shown at the bottom (today, or the day replayed), and
//! those unchecked are cleared that day; `d` changes the day.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::domain::builtin::is_builtin_tag;
use crate::domain::edits::{tags_change, unique_slug};
use crate::domain::text::{display_safe, fold_for_search};
use crate::domain::validate::NAME_MAX;
use crate::domain::{Agreement, Tag};
use crate::i18n::T;

use super::super::input::TextInput;
use super::super::keymap::{Cmd, Context};
use super::super::layout::centered;
use super::super::list::{Move, Picker};
use super::super::model::{Ctx, Effect, Origin, Reply, StatusKind, Then};
use super::super::theme::Theme;
use super::super::widgets::{fit, overlay_block};
use super::Overlay;
use super::prompt::{Prompt, PromptAction};

pub struct TagChecklist {
    pub agreement: Agreement,
    pub version: u64,
    /// Every tag: built-in ones first, then custom ones, then those created here.
    pub tags: Vec<Tag>,
    /// Ids of the tags checked.
    pub checked: Vec<String>,
    /// The tag list, by tag id.
    pub list: Picker<String>,
    /// The label of a new custom tag being typed.
    pub new_tag: Option<TextInput>,
    /// Tags created here, saved with the agreement when checked.
    pub created: Vec<Tag>,
    pub error: Option<String>,
    pub saving: bool,
    /// The day the changes are dated.
    pub on: chrono::NaiveDate,
    /// The latest day allowed (today, or the day a replay shows).
    pub latest: chrono::NaiveDate,
    /// The day being typed, after `d`.
    pub typing_day: Option<TextInput>,
}

impl TagChecklist {
    pub fn new(ctx: &Ctx, agreement: &Agreement, version: u64) -> TagChecklist {
        let tags = ctx.catalog.tags.clone();
        let list = Picker::new(tags.iter().map(|t| t.id.clone()).collect());
        TagChecklist {
            agreement: agreement.clone(),
            version,
            tags,
            checked: agreement.tags_on(ctx.today).map(str::to_string).collect(),
            list,
            new_tag: None,
            created: Vec::new(),
            error: None,
            saving: false,
            on: ctx.today,
            latest: ctx.today,
            typing_day: None,
        }
    }

    pub fn context(&self) -> Context {
        if self.new_tag.is_some() || self.typing_day.is_some() {
            Context::Form
        } else {
            Context::Checklist
        }
    }

    /// Whether anything differs from the agreement's tags.
    pub fn changed(&self) -> bool {
        !self.created.is_empty()
            || tags_change(&self.agreement, self.version, &self.checked, &[], self.on).is_some()
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(input) = self.new_tag.as_mut().or(self.typing_day.as_mut()) {
            input.insert(text);
        }
    }

    /// Takes the day typed, or says what is wrong with it.
    fn set_day(&mut self, ctx: &Ctx) -> Result<(), String> {
        let Some(input) = self.typing_day.take() else {
            return Ok(());
        };
        match crate::domain::dates::parse_ymd(input.text()) {
            Ok(day) if day <= self.latest => {
                self.on = day;
                Ok(())
            }
            Ok(_) => {
                self.typing_day = Some(input);
                Err(crate::i18n::text::not_after(
                    &crate::domain::dates::format_date(self.latest),
                    ctx.lang,
                ))
            }
            Err(e) => {
                self.typing_day = Some(input);
                Err(crate::i18n::text::date_error(&e, ctx.lang))
            }
        }
    }

    fn toggle(&mut self, id: &str) {
        match self.checked.iter().position(|t| t == id) {
            Some(i) => {
                self.checked.remove(i);
            }
            None => self.checked.push(id.to_string()),
        }
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if self.saving {
            // Keys wait until the store answers.
            return Reply::stay();
        }
        if let Some(input) = self.typing_day.as_mut() {
            match cmd {
                Cmd::Open | Cmd::Save => self.error = self.set_day(ctx).err(),
                Cmd::Back => {
                    self.typing_day = None;
                    self.error = None;
                }
                Cmd::Quit => return self.leave(ctx, true),
                other => {
                    super::super::form::field::edit_text(input, other);
                }
            }
            return Reply::stay();
        }
        if let Some(input) = self.new_tag.as_mut() {
            match cmd {
                Cmd::Open | Cmd::Save => {
                    self.error = self.create(ctx).err();
                }
                Cmd::Back => self.new_tag = None,
                Cmd::Quit => return self.leave(ctx, true),
                other => {
                    super::super::form::field::edit_text(input, other);
                }
            }
            return Reply::stay();
        }
        match cmd {
            Cmd::Down => {
                self.list.step(Move::Down, 1);
            }
            Cmd::Up => {
                self.list.step(Move::Up, 1);
            }
            Cmd::Toggle => {
                if let Some(id) = self.list.selected().cloned() {
                    self.toggle(&id);
                }
            }
            Cmd::New => self.new_tag = Some(TextInput::new("", NAME_MAX)),
            Cmd::Edit => self.typing_day = Some(TextInput::new(&self.on.to_string(), 10)),
            Cmd::Save => {
                match tags_change(
                    &self.agreement,
                    self.version,
                    &self.checked,
                    &self.created,
                    self.on,
                ) {
                    Some(change) => {
                        self.saving = true;
                        ctx.say(
                            crate::i18n::text::saving(&ctx.name_of(self.agreement.id), ctx.lang),
                            StatusKind::Ok,
                        );
                        return Reply::stay().with(Effect::Save {
                            change: Box::new(change),
                            origin: Origin::Tags,
                        });
                    }
                    None => return Reply::then(Then::Close),
                }
            }
            Cmd::Back => return self.leave(ctx, false),
            Cmd::Quit => return self.leave(ctx, true),
            _ => {}
        }
        Reply::stay()
    }

    /// Esc or quit: asks first when something changed.
    fn leave(&mut self, ctx: &mut Ctx, quit: bool) -> Reply {
        if !self.changed() && self.new_tag.is_none() && self.typing_day.is_none() {
            if quit {
                ctx.quit = true;
            }
            return Reply::then(Then::Close);
        }
        let (text, on_yes) = if quit {
            (T::DiscardAndQuitAsk, PromptAction::DiscardAndQuit)
        } else {
            (T::DiscardAsk, PromptAction::Discard)
        };
        Reply::then(Then::Open(Overlay::Prompt(Prompt {
            text: text.in_lang(ctx.lang).to_string(),
            on_yes,
        })))
    }

    /// Adds a custom tag from the label typed, checked; an error to show if the label is
    /// unusable.
    fn create(&mut self, ctx: &Ctx) -> Result<(), String> {
        let lang = ctx.lang;
        let Some(input) = self.new_tag.take() else {
            return Ok(());
        };
        let label = input.text().trim().to_string();
        if label.is_empty() {
            self.new_tag = Some(input);
            return Err(T::TagLabelEmpty.in_lang(lang).to_string());
        }
        let folded = fold_for_search(&label);
        if let Some(t) = self.tags.iter().find(|t| {
            fold_for_search(&t.label_en) == folded || fold_for_search(&t.label_id) == folded
        }) {
            let id = t.id.clone();
            if !self.checked.contains(&id) {
                self.checked.push(id.clone());
            }
            self.list.select(&id);
            return Ok(());
        }
        let id = unique_slug(
            &label,
            |s| is_builtin_tag(s) || self.tags.iter().any(|t| t.id == s),
            "tag",
        );
        let tag = Tag {
            id: id.clone(),
            label_id: label.clone(),
            label_en: label,
        };
        let mut problems = Vec::new();
        crate::domain::validate::check_tag(&tag, &mut problems);
        if let Some(p) = problems.first() {
            self.new_tag = Some(input);
            return Err(format!("{} {}", p.problem, p.fix));
        }
        self.created.push(tag.clone());
        self.tags.push(tag);
        self.checked.push(id.clone());
        self.list
            .set_rows(self.tags.iter().map(|t| t.id.clone()).collect());
        self.list.select(&id);
        Ok(())
    }
}

pub fn draw(t: &TagChecklist, ctx: &Ctx, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang;
    let rows = t.tags.len() as u16 + 5;
    let rect = centered(area, 64.min(area.width), rows.min(area.height));
    frame.render_widget(Clear, rect);
    let title = format!(
        "{}: {}",
        T::TagsTitle.in_lang(lang),
        display_safe(&ctx.name_of(t.agreement.id))
    );
    let block = overlay_block(&title, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let width = inner.width as usize;
    let list_height = inner.height.saturating_sub(3) as usize;
    let offset = t.list.offset_for(list_height);
    let lines: Vec<Line> = t
        .tags
        .iter()
        .skip(offset)
        .take(list_height)
        .map(|tag| {
            let on = t.checked.contains(&tag.id);
            let label = lang.pick(&tag.label_id, &tag.label_en);
            // When a tag still set was set: the history the checklist changes.
            let since = t
                .agreement
                .obstacles
                .iter()
                .find(|s| s.tag == tag.id && s.until.is_none() && on)
                .map(|s| {
                    format!(
                        " · {}",
                        crate::i18n::text::since(&crate::domain::dates::format_date(s.from), lang)
                    )
                })
                .unwrap_or_default();
            let text = format!(
                "[{}] {}{since}",
                if on { "x" } else { " " },
                display_safe(label)
            );
            let style = if t.list.selected() == Some(&tag.id) && t.new_tag.is_none() {
                theme.selected
            } else if on {
                theme.accent
            } else {
                theme.base
            };
            Line::from(Span::styled(fit(&text, width), style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, list_height as u16),
    );
    let bottom = Rect::new(
        inner.x,
        inner.y + list_height as u16,
        inner.width,
        inner.height.saturating_sub(list_height as u16),
    );
    let mut extra: Vec<Line> = Vec::new();
    let dated = format!("{}: ", T::TagsDated.in_lang(lang));
    match &t.typing_day {
        Some(input) => {
            let (shown, at) = input.window(width.saturating_sub(dated.width() + 1));
            extra.push(Line::from(vec![
                Span::styled(dated.clone(), theme.key),
                Span::styled(display_safe(&shown).into_owned(), theme.selected),
            ]));
            frame.set_cursor_position(Position::new(
                bottom.x + (dated.width() + at) as u16,
                bottom.y,
            ));
        }
        None => extra.push(Line::from(vec![
            Span::styled(dated, theme.muted),
            Span::styled(crate::domain::dates::format_date(t.on), theme.base),
            Span::styled(format!("  ({})", T::TagsDayKey.in_lang(lang)), theme.muted),
        ])),
    }
    if let Some(input) = &t.new_tag {
        let label = format!("{}: ", T::NewTagLabel.in_lang(lang));
        let room = width.saturating_sub(label.width() + 1);
        let (shown, at) = input.window(room);
        extra.push(Line::from(vec![
            Span::styled(label.clone(), theme.key),
            Span::styled(display_safe(&shown).into_owned(), theme.selected),
        ]));
        frame.set_cursor_position(Position::new(
            bottom.x + (label.width() + at) as u16,
            bottom.y + 1,
        ));
    }
    if let Some(error) = &t.error {
        extra.push(Line::from(Span::styled(
            fit(&display_safe(error), width),
            theme.status_error,
        )));
    } else if t.saving {
        extra.push(Line::from(Span::styled(
            T::Saving.in_lang(lang),
            theme.muted,
        )));
    }
    frame.render_widget(Paragraph::new(extra), bottom);
}
