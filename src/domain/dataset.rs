//! The interchange file: everything in a store, as one JSON document.
//!
//! The same shape is the demo dataset, the `import` input and the `export` output. Records are
//! flat lists (activities name their agreement) so that every parse error has a line number.

use serde::{Deserialize, Serialize};

use super::builtin::default_stages;
use super::model::*;

/// The value of `format` in every kembar file.
pub const FORMAT_NAME: &str = "kembar";
/// The schema this build reads and writes, in files and in stores.
pub const SCHEMA_VERSION: u32 = 2;

/// A whole dataset, as in an interchange file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Always `"kembar"`.
    pub format: String,
    /// The schema version the file was written with.
    pub schema: u32,
    /// The lifecycle stages, in order. Omitted: the PP 28/2018 list.
    #[serde(default = "default_stages")]
    pub stages: Vec<Stage>,
    /// User-defined obstacle tags; the six built-in tags are always present.
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// Triage decisions, snoozes and follow-ups, one entry per agreement that has any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attention: Vec<Attention>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            format: FORMAT_NAME.to_string(),
            schema: SCHEMA_VERSION,
            stages: default_stages(),
            tags: Vec::new(),
            regions: Vec::new(),
            partners: Vec::new(),
            agreements: Vec::new(),
            activities: Vec::new(),
            attention: Vec::new(),
        }
    }
}

/// Just enough of a file to decide whether this build can read the rest.
#[derive(Debug, Deserialize)]
pub struct Header {
    pub format: Option<String>,
    pub schema: Option<u32>,
}
