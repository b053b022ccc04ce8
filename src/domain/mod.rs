//! The core of kembar: records, rules and validation, with no I/O and no terminal.
//!
//! Everything here is plain data and pure functions, so every rule can be tested with a fixed
//! "today" and no store.

pub mod access;
pub mod asof;
pub mod builtin;
pub mod catalog;
pub mod change;
pub mod countries;
pub mod dataset;
pub mod dates;
pub mod edits;
pub mod geo;
pub mod health;
pub mod kajian;
pub mod lang;
pub mod model;
pub mod pursuit;
pub mod summary;
pub mod text;
pub mod trends;
pub mod triage;
pub mod v1;
pub mod validate;

pub use asof::Term;
pub use catalog::Catalog;
pub use change::{Change, Edit, Record, RecordKey};
pub use dataset::{Dataset, FORMAT_NAME, SCHEMA_VERSION};
pub use health::{Health, HealthRules};
pub use model::*;
pub use summary::{ActivitySummary, FieldDays, field_key};
