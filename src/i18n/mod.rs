//! Languages and the words kembar uses. Every label, message and error a user reads comes
//! from [`text`]; this module decides which language is in force.

pub mod summary;
pub mod text;

pub use text::T;

pub use crate::domain::lang::Lang;

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
