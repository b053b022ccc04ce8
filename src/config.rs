//! The config file (`config.toml`): language, theme and triage thresholds.
//!
//! ```toml
//! lang = "id"            # or "en"
//! theme = "ansi16"       # a built-in theme or a file in the themes folder
//!
//! [health]
//! dormant_after_days = 365
//! expiring_within_days = 180
//! fields_idle_weight = 10     # triage weight of "fields idle"
//! not_assessed_weight = 10    # triage weight of "not assessed"
//!
//! [aliases]              # extra search terms, each naming a region id
//! solo = "kota-surakarta"
//!
//! [server]               # `kembar serve`
//! max_sessions = 50
//! idle_timeout_minutes = 60
//! max_unauthenticated = 64
//! auth_timeout_seconds = 30
//!
//! [report]               # the meeting `kembar report` is for
//! title = "Rapat Koordinasi dan Evaluasi Kerja Sama Sister City/Province"
//! place = "Bandung"
//! participants = ["Pusat Fasilitasi Kerja Sama", "Biro Pemerintahan Jawa Tengah"]
//!
//! [brief]                # where the dashboard's `B` writes briefs (default: the current folder)
//! folder = "/home/siti/rapat"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::HealthRules;
use crate::i18n::Lang;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub lang: Option<Lang>,
    pub theme: Option<String>,
    pub health: HealthRules,
    /// Extra search terms for regions: `jogja = "di-yogyakarta"`.
    pub aliases: std::collections::BTreeMap<String, String>,
    pub server: ServerConfig,
    /// The meeting reports are for, unless the command line says otherwise.
    pub report: crate::report::Meeting,
    /// Where the dashboard's `B` writes briefs.
    pub brief: BriefConfig,
}

/// `[brief]`: where the dashboard writes briefs (default: the folder kembar was started in).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BriefConfig {
    pub folder: Option<PathBuf>,
}

/// Limits of `kembar serve`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Sessions at once; one more is refused with a message.
    pub max_sessions: usize,
    /// A session with no input for this long is closed.
    pub idle_timeout_minutes: u64,
    /// Connections that have not logged in yet, at once; more are closed as they come.
    pub max_unauthenticated: usize,
    /// A connection that has not logged in after this long is closed.
    pub auth_timeout_seconds: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_sessions: 50,
            idle_timeout_minutes: 60,
            max_unauthenticated: 64,
            auth_timeout_seconds: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}\nfix: {fix}")]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
    pub fix: String,
}

/// Where kembar keeps its files by default.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "kembar")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

pub fn default_store_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("store"))
}

/// The themes folder beside the config file.
pub fn themes_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("themes"))
}

impl Config {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    message: format!("cannot read it: {e}"),
                    fix: "make it a readable UTF-8 file, or pass another with --config FILE".into(),
                });
            }
        };
        Config::parse(&text, path)
    }

    /// Parses a config file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
            fix: "correct that line; README.md (section \"Configuration\") lists every setting"
                .into(),
        })?;
        config.check(path)?;
        Ok(config)
    }

    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let rules = &self.health;
        for (name, value) in [
            ("health.dormant_after_days", rules.dormant_after_days),
            ("health.expiring_within_days", rules.expiring_within_days),
        ] {
            if !(1..=36_500).contains(&value) {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    message: format!("{name} = {value} is out of range"),
                    fix: format!("set {name} to a number of days from 1 to 36500"),
                });
            }
        }
        for (name, value) in [
            ("health.fields_idle_weight", rules.fields_idle_weight),
            ("health.not_assessed_weight", rules.not_assessed_weight),
        ] {
            if value > 100 {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    message: format!("{name} = {value} is out of range"),
                    fix: format!("set {name} to a weight from 0 (not counted) to 100"),
                });
            }
        }
        let server = &self.server;
        if !(1..=10_000).contains(&server.max_sessions) {
            return Err(ConfigError {
                path: path.to_path_buf(),
                message: format!(
                    "server.max_sessions = {} is out of range",
                    server.max_sessions
                ),
                fix: "set server.max_sessions to a number from 1 to 10000".into(),
            });
        }
        if !(1..=10_080).contains(&server.idle_timeout_minutes) {
            return Err(ConfigError {
                path: path.to_path_buf(),
                message: format!(
                    "server.idle_timeout_minutes = {} is out of range",
                    server.idle_timeout_minutes
                ),
                fix: "set server.idle_timeout_minutes to a number from 1 to 10080 (a week)".into(),
            });
        }
        if !(1..=10_000).contains(&server.max_unauthenticated) {
            return Err(ConfigError {
                path: path.to_path_buf(),
                message: format!(
                    "server.max_unauthenticated = {} is out of range",
                    server.max_unauthenticated
                ),
                fix: "set server.max_unauthenticated to a number from 1 to 10000".into(),
            });
        }
        if !(1..=600).contains(&server.auth_timeout_seconds) {
            return Err(ConfigError {
                path: path.to_path_buf(),
                message: format!(
                    "server.auth_timeout_seconds = {} is out of range",
                    server.auth_timeout_seconds
                ),
                fix: "set server.auth_timeout_seconds to a number from 1 to 600".into(),
            });
        }
        Ok(())
    }
}
