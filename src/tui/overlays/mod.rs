//! What opens over a screen: the key help, the finder, a form, a question, the obstacle-tag
//! checklist. Each holds its own state, handles its own keys and draws itself; the model keeps
//! them in a stack and gives keys to the top one.

pub mod finder;
pub mod help;
pub mod prompt;
pub mod reader;
pub mod tags;

use super::form::Form;
use super::keymap::{Cmd, Context};
use super::model::{Ctx, Reply, Why};

pub enum Overlay {
    Help(help::Help),
    Finder(finder::FinderOverlay),
    Form(Box<Form>),
    Prompt(prompt::Prompt),
    Tags(Box<tags::TagChecklist>),
    Reader(Box<reader::Reader>),
}

impl Overlay {
    pub fn context(&self) -> Context {
        match self {
            Overlay::Help(_) => Context::Help,
            Overlay::Finder(_) => Context::Finder,
            Overlay::Form(_) => Context::Form,
            Overlay::Prompt(_) => Context::Prompt,
            Overlay::Tags(t) => t.context(),
            Overlay::Reader(_) => Context::Reader,
        }
    }

    pub fn available(&self, _cmd: Cmd) -> Result<(), Why> {
        Ok(())
    }

    pub fn key(&mut self, ctx: &mut Ctx, cmd: Cmd) -> Reply {
        match self {
            Overlay::Help(h) => h.key(ctx, cmd),
            Overlay::Finder(f) => f.key(ctx, cmd),
            Overlay::Form(f) => f.key(ctx, cmd),
            Overlay::Prompt(p) => p.key(ctx, cmd),
            Overlay::Tags(t) => t.key(ctx, cmd),
            Overlay::Reader(r) => r.key(ctx, cmd),
        }
    }

    pub fn paste(&mut self, ctx: &Ctx, text: &str) {
        match self {
            Overlay::Finder(f) => f.paste(ctx, text),
            Overlay::Form(f) => f.paste(ctx, text),
            Overlay::Tags(t) => t.paste(text),
            Overlay::Help(_) | Overlay::Prompt(_) | Overlay::Reader(_) => {}
        }
    }
}
