//! The demo dataset, built into the binary so that `kembar --demo` works anywhere.

/// `fixtures/demo.json`, as compiled in.
pub const DEMO_JSON: &str = include_str!("../fixtures/demo.json");

/// How the demo dataset is named in messages.
pub const DEMO_SOURCE: &str = "the built-in demo dataset";
