//! `B`: the meeting brief of the highlighted agreement (see `crate::brief`). The timeline is
//! read from the store, the brief built from the records on screen as of the day shown, and
//! then written as Markdown to the brief folder (the current folder, or `[brief] folder` in
//! the config), or, in an SSH session, which cannot write to the coordinator's own disk,
//! shown in a reader to scroll through.

use std::io::Write;
use std::path::Path;

use crate::domain::{Activity, AgreementId};

use super::model::{BriefTo, Effect, Model, StatusKind};
use super::overlays::Overlay;
use super::overlays::reader::Reader;

/// The timeline arrived: build the brief and deliver it.
pub fn timeline_read(
    model: &mut Model,
    id: AgreementId,
    result: Result<Vec<Activity>, String>,
) -> Vec<Effect> {
    let ctx = &model.ctx;
    let lang = ctx.lang;
    let activities = match result {
        Ok(a) => a,
        Err(e) => {
            model.ctx.say(e, StatusKind::Error);
            return Vec::new();
        }
    };
    let Some(brief) =
        crate::brief::Brief::build(&ctx.catalog, id, &activities, ctx.today, &ctx.rules, lang)
    else {
        return Vec::new();
    };
    let Some(a) = ctx.catalog.agreement(id) else {
        return Vec::new();
    };
    let text = brief.markdown();
    match &ctx.brief_to {
        BriefTo::Folder(dir) => {
            let path = dir.join(format!("{}.md", crate::brief::file_stem(a, ctx.today)));
            vec![Effect::WriteBrief {
                name: brief.name.clone(),
                path,
                text,
            }]
        }
        BriefTo::Screen => {
            let title = brief.title.clone();
            model
                .ctx
                .say(crate::i18n::text::brief_shown(lang), StatusKind::Ok);
            model
                .overlays
                .push(Overlay::Reader(Box::new(Reader::new(title, &text))));
            vec![Effect::Repaint]
        }
    }
}

/// Writes `bytes` to `path` whole or not at all: beside it first, then renamed over it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    tmp.write_all(bytes).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}
