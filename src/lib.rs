//! kembar: a terminal dashboard for Indonesia's sister city and sister province cooperation.
//!
//! The crate is layered so that each layer can be tested without the ones above it:
//! [`domain`] holds records and rules (no I/O), [`store`] is the only code that touches sled,
//! and the `tui` module draws and routes keys.

pub mod brief;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod errors;
pub mod i18n;
pub mod manual;
#[cfg(unix)]
pub mod owner;
pub mod register;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
pub mod synth;
pub mod tui;
pub mod xlsx;
