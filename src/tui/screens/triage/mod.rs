//! The triage screen (`T`): the whole country's state on a few lines, then every agreement
//! needing attention, worst first, where a meeting records what it decides. The queue keeps
//! its selection by agreement, so a decision always goes to the agreement highlighted, also
//! after the queue is rebuilt by a save, a filter or another session's change.

pub mod view;

use std::collections::HashMap;

use crate::domain::AgreementId;
use crate::domain::triage::{self, Assessment, Reason};
use crate::i18n::Lang;

use super::super::keymap::{Cmd, Context};
use super::super::layout::Geometry;
use super::super::list::Picker;
use super::super::model::{Ctx, Reply, Then, Why};
use super::Screen;
use super::agreement::AgreementScreen;
use super::browse::movement;
use super::filter::{FilterInput, FilterKey, filtered_loose_until};

/// What the queue shows of one agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub region: String,
    pub partner: String,
    /// Reasons in words, with the decision taken first.
    pub reasons: String,
    /// Everything the filter matches: the [`NAMES`] first (region and partner, then the
    /// region's, the province's and the partner's other names and the country), then
    /// sentences (advice, reasons, tags).
    fields: Vec<String>,
}

/// How many of a row's filter fields are names, matched with gaps allowed.
const NAMES: usize = 6;

pub struct TriageScreen {
    /// The whole queue, worst first.
    pub queue: Vec<Assessment>,
    pub rows: HashMap<AgreementId, QueueRow>,
    /// The agreements shown (all, or those the filter matches), in queue order.
    pub list: Picker<AgreementId>,
    pub filter: Option<FilterInput>,
    /// Matched letters of region and partner names, by agreement.
    pub marks: HashMap<AgreementId, [Vec<usize>; 2]>,
}

impl TriageScreen {
    pub fn new(ctx: &Ctx) -> TriageScreen {
        let mut s = TriageScreen {
            queue: Vec::new(),
            rows: HashMap::new(),
            list: Picker::default(),
            filter: None,
            marks: HashMap::new(),
        };
        s.rebuild(ctx);
        s
    }

    pub fn context(&self) -> Context {
        match &self.filter {
            Some(f) if f.typing => Context::Filter,
            _ => Context::Triage,
        }
    }

    pub fn target(&self) -> Option<AgreementId> {
        self.list.selected().copied()
    }

    pub fn available(&self, cmd: Cmd) -> Result<(), Why> {
        match cmd {
            Cmd::Open if self.target().is_none() => Err(Why::NoAgreement),
            _ => Ok(()),
        }
    }

    /// The queue assessed again, filtered again; the selection stays on its agreement.
    pub fn rebuild(&mut self, ctx: &Ctx) {
        self.queue = triage::queue(&ctx.catalog, ctx.today, &ctx.rules);
        self.rows = self
            .queue
            .iter()
            .filter_map(|x| Some((x.agreement, queue_row(ctx, x)?)))
            .collect();
        self.refilter();
    }

    fn refilter(&mut self) {
        let all: Vec<AgreementId> = self.queue.iter().map(|x| x.agreement).collect();
        let rows = &self.rows;
        let (shown, marks) = filtered_loose_until(&all, self.filter.as_ref(), NAMES, |id| {
            rows.get(id).map(|r| r.fields.clone()).unwrap_or_default()
        });
        self.marks = marks
            .into_iter()
            .map(|(id, mut p)| {
                p.resize(2, Vec::new());
                let partner = p.swap_remove(1);
                let region = p.swap_remove(0);
                (id, [region, partner])
            })
            .collect();
        self.list.set_rows(shown);
    }

    pub fn fit(&mut self, geometry: &Geometry) {
        self.list.scroll_to_fit(geometry.triage);
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.filter.as_mut().filter(|f| f.typing)
            && f.paste(text)
        {
            self.refilter();
        }
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        if let Some(f) = self.filter.as_mut().filter(|f| f.typing) {
            let outcome = f.key(cmd);
            let blank = f.is_blank();
            match outcome {
                FilterKey::Changed => self.refilter(),
                FilterKey::Kept if blank => {
                    self.filter = None;
                    self.refilter();
                }
                FilterKey::Kept => {}
                FilterKey::Cleared => {
                    self.filter = None;
                    self.refilter();
                }
                FilterKey::Other => {
                    if let Some(m) = movement(cmd) {
                        self.list.step(m, ctx.geometry.triage.saturating_sub(1));
                    } else if cmd == Cmd::Quit {
                        ctx.quit = true;
                    }
                }
            }
            return Reply::stay();
        }
        if let Some(m) = movement(cmd) {
            self.list.step(m, ctx.geometry.triage.saturating_sub(1));
            return Reply::stay();
        }
        match cmd {
            Cmd::Filter => {
                match self.filter.as_mut() {
                    Some(f) => f.typing = true,
                    None => self.filter = Some(FilterInput::typing()),
                }
                Reply::stay()
            }
            Cmd::Back if self.filter.is_some() => {
                self.filter = None;
                self.refilter();
                Reply::stay()
            }
            Cmd::Back | Cmd::Triage => Reply::then(Then::Close),
            // The whole country's screen: the map of every partner.
            Cmd::Map => Reply::then(Then::Show(Screen::Map(super::map::MapScreen::new(
                ctx, None,
            )))),

            Cmd::Open => match self.target() {
                Some(id) => Reply::then(Then::Show(Screen::Agreement(AgreementScreen::new(
                    ctx, id, None,
                )))),
                None => Reply::stay(),
            },
            _ => Reply::pass(),
        }
    }
}

/// Reasons in words, obstacle tags by their labels in the session's language.
pub fn reasons_text(ctx: &Ctx, x: &Assessment) -> Vec<String> {
    let lang = ctx.lang;
    x.reasons
        .iter()
        .map(|r| match r {
            Reason::Obstacle { tag } => crate::i18n::text::reason(
                &Reason::Obstacle {
                    tag: tag_label(ctx, tag, lang),
                },
                lang,
            ),
            other => crate::i18n::text::reason(other, lang),
        })
        .collect()
}

fn tag_label(ctx: &Ctx, id: &str, lang: Lang) -> String {
    ctx.catalog
        .tag(id)
        .map(|t| lang.pick(&t.label_id, &t.label_en).to_string())
        .unwrap_or_else(|| id.to_string())
}

fn queue_row(ctx: &Ctx, x: &Assessment) -> Option<QueueRow> {
    use crate::i18n::text::{decision, recommendation};
    let c = &ctx.catalog;
    let lang = ctx.lang;
    let a = c.agreement(x.agreement)?;
    let region = c.region(&a.region);
    let province = region
        .and_then(|r| r.province.as_deref())
        .and_then(|p| c.region(p));
    let partner = c.partner(&a.partner);
    let terms = |r: Option<&crate::domain::Region>| -> String {
        let Some(r) = r else { return String::new() };
        let mut t = vec![r.name.clone()];
        t.extend(r.short_names.iter().cloned());
        t.extend(ctx.aliases.get(&r.id).into_iter().flatten().cloned());
        t.join(" · ")
    };
    let reasons = reasons_text(ctx, x);
    let mut shown = reasons.join("; ");
    if let Some(d) = x.decision {
        shown = format!("[{}] {shown}", decision(d, lang));
    }
    let tags: Vec<String> = a
        .tags_on(ctx.today)
        .flat_map(|t| {
            c.tag(t)
                .map(|t| vec![t.label_id.clone(), t.label_en.clone()])
                .unwrap_or_else(|| vec![t.to_string()])
        })
        .collect();
    let fields = vec![
        c.region_name(a).to_string(),
        c.partner_name(a).to_string(),
        terms(region),
        terms(province),
        partner.map(|p| p.aliases.join(" · ")).unwrap_or_default(),
        partner
            .map(|p| crate::domain::countries::search_terms(&p.country))
            .unwrap_or_default(),
        format!(
            "{} {}",
            recommendation(x.recommendation, lang),
            x.decision.map(|d| decision(d, lang)).unwrap_or("")
        ),
        reasons.join(" · "),
        tags.join(" · "),
    ];
    Some(QueueRow {
        region: c.region_name(a).to_string(),
        partner: c.partner_name(a).to_string(),
        reasons: shown,
        fields,
    })
}
