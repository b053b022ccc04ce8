//! Languages and the words kembar uses. Every label, message and error a user reads comes
//! from [`text`]; this module decides which language is in force.

pub mod summary;
pub mod text;

pub use text::T;

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

impl Lang {
    /// The text in this language, from an Indonesian and an English version.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// Bahasa Indonesia when the locale says so (LC_ALL, LC_MESSAGES, LANG), else English.
    pub fn from_locale() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var) {
                if value.is_empty() {
                    continue;
                }
                return if value.starts_with("id") || value.starts_with("in_") {
                    Lang::Id
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }
}
