//! Who may connect: OpenSSH's authorized-keys format with `kembar-role` and `kembar-scope`
//! options, and the server's own host key.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{HashAlg, LineEnding};
use russh::keys::{PrivateKey, PublicKey};

use crate::domain::access::Scope;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Browse, search, export, copy.
    Viewer,
    /// Everything a viewer may, and edit.
    Editor,
}

/// One authorized key.
#[derive(Debug, Clone)]
pub struct Grant {
    pub key: PublicKey,
    pub role: Role,
    /// The regions the key answers for (`kembar-scope`); `None`: the whole country.
    pub scope: Option<Scope>,
    /// The comment at the end of the line, usually who the key belongs to.
    pub comment: String,
}

/// What [`Keyring::refresh`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The file did not change.
    Unchanged,
    /// The file changed and was read again: this many keys; bad lines are in `warnings`.
    Reloaded { keys: usize },
    /// The file cannot be read (why); nobody gets in until it can.
    Unreadable(String),
}

/// The authorized keys, read again whenever the file changes.
#[derive(Debug)]
pub struct Keyring {
    path: PathBuf,
    modified: Option<SystemTime>,
    grants: Vec<Grant>,
    /// The store's region ids, when known: a scope naming another id leaves its key out.
    regions: Option<HashSet<String>>,
    /// Problems with single lines: reported, and the line is left out.
    pub warnings: Vec<String>,
}

impl Keyring {
    /// Reads the file; an unreadable file is an error (a server nobody can reach helps no
    /// one), a bad line only a warning.
    pub fn load(path: &Path) -> Result<Keyring> {
        Keyring::load_for(path, None)
    }

    /// Reads the file for a store whose region ids are `regions`: a scope naming a region
    /// the store does not hold is reported and its key left out.
    pub fn load_for(path: &Path, regions: Option<HashSet<String>>) -> Result<Keyring> {
        let mut ring = Keyring {
            path: path.to_path_buf(),
            modified: None,
            grants: Vec::new(),
            regions,
            warnings: Vec::new(),
        };
        ring.read()?;
        Ok(ring)
    }

    fn read(&mut self) -> Result<()> {
        let text = std::fs::read_to_string(&self.path).with_context(|| {
            format!(
                "cannot read the authorized keys file {}\nfix: create it with one public key \
                 per line, e.g. `kembar-role=\"editor\" ssh-ed25519 AAAA... alice`",
                self.path.display()
            )
        })?;
        let (grants, warnings) = parse_for(&text, &self.path, self.regions.as_ref());
        self.grants = grants;
        self.warnings = warnings;
        self.modified = modified(&self.path);
        Ok(())
    }

    /// Reads the file again if it changed since it was last read. A file that disappeared
    /// or cannot be read lets nobody in until it can be read again.
    pub fn refresh(&mut self) -> Refresh {
        let now = modified(&self.path);
        if now.is_some() && now == self.modified {
            return Refresh::Unchanged;
        }
        match self.read() {
            Ok(()) => Refresh::Reloaded {
                keys: self.grants.len(),
            },
            Err(e) => {
                // Fail closed.
                self.grants.clear();
                self.warnings.clear();
                self.modified = None;
                Refresh::Unreadable(format!("{e:#}"))
            }
        }
    }

    /// The authorized-keys file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> usize {
        self.grants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grants.is_empty()
    }

    /// The grant for a key, compared by key data (the comment does not matter).
    pub fn lookup(&self, key: &PublicKey) -> Option<&Grant> {
        self.grants
            .iter()
            .find(|g| g.key.key_data() == key.key_data())
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Parses authorized-keys text: each line a key with options, blank lines and `#` comments
/// skipped. Scopes are not checked against a store's regions (see [`parse_for`]).
pub fn parse(text: &str, path: &Path) -> (Vec<Grant>, Vec<String>) {
    parse_for(text, path, None)
}

/// [`parse`], with every region a scope names checked against `regions` when given.
pub fn parse_for(
    text: &str,
    path: &Path,
    regions: Option<&HashSet<String>>,
) -> (Vec<Grant>, Vec<String>) {
    let mut grants = Vec::new();
    let mut warnings = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let place = format!("{}, line {}", path.display(), n + 1);
        let (options, key_text) = split_options(line);
        let key = match PublicKey::from_openssh(key_text) {
            Ok(k) => k,
            Err(e) => {
                warnings.push(format!(
                    "{place}: not a public key line ({e}); the line is left out. fix: copy the \
                     line from the user's .pub file, with options (if any) in front"
                ));
                continue;
            }
        };
        let mut role = None;
        let mut scope: Option<Scope> = None;
        let mut problem = None;
        for option in options {
            match option.split_once('=') {
                // Two roles on one line: which one was meant is a guess kembar will not make.
                Some(("kembar-role", _)) if role.is_some() => {
                    problem = Some("kembar-role is given twice".to_string())
                }
                Some(("kembar-role", value)) => match value.trim_matches('"') {
                    "editor" => role = Some(Role::Editor),
                    "viewer" => role = Some(Role::Viewer),
                    other => {
                        problem = Some(format!(
                            "kembar-role {other:?} is neither \"editor\" nor \"viewer\""
                        ))
                    }
                },
                Some(("kembar-scope", _)) if scope.is_some() => {
                    problem = Some("kembar-scope is given twice".to_string())
                }
                Some(("kembar-scope", value)) => match parse_scope(value, regions) {
                    Ok(s) => scope = Some(s),
                    Err(why) => problem = Some(why),
                },
                // An OpenSSH restriction kembar does not enforce (from=, expiry-time=,
                // command=, restrict...) must not become a full dashboard.
                _ => problem = Some(format!("kembar does not enforce the option {option:?}")),
            }
        }
        if let Some(problem) = problem {
            warnings.push(format!(
                "{place}: {problem}; the key is left out rather than let in with less \
                 restriction than the line asks for"
            ));
            continue;
        }
        grants.push(Grant {
            comment: key.comment().to_string(),
            key,
            role: role.unwrap_or(Role::Viewer),
            scope,
        });
    }
    (grants, warnings)
}

/// Reads `"jawa-tengah,kota-surabaya"`: one or more region ids, each known to the store
/// when its regions are given.
fn parse_scope(value: &str, regions: Option<&HashSet<String>>) -> Result<Scope, String> {
    let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
    if !quoted {
        return Err(format!(
            "kembar-scope must be quoted, as kembar-scope=\"jawa-tengah\" (found {value})"
        ));
    }
    let ids: Vec<String> = value[1..value.len() - 1]
        .split(',')
        .map(|id| id.trim().to_string())
        .collect();
    if ids.iter().any(String::is_empty) {
        return Err(format!(
            "kembar-scope {value} names an empty region; list region ids separated by commas, \
             as kembar-scope=\"jawa-tengah,kota-surabaya\""
        ));
    }
    if let Some(regions) = regions {
        let unknown: Vec<&str> = ids
            .iter()
            .filter(|id| !regions.contains(id.as_str()))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(format!(
                "kembar-scope names {} that the store does not hold ({}); use region ids as \
                 `kembar export` lists them, e.g. \"jawa-tengah\"",
                if unknown.len() == 1 {
                    "a region"
                } else {
                    "regions"
                },
                unknown.join(", ")
            ));
        }
    }
    Ok(Scope::new(ids))
}

/// Splits an authorized-keys line into its options and the key (`type base64 comment`).
/// Options are comma-separated and may quote commas and spaces.
fn split_options(line: &str) -> (Vec<String>, &str) {
    let starts_key = |word: &str| {
        word.starts_with("ssh-")
            || word.starts_with("ecdsa-")
            || word.starts_with("sk-")
            || word.starts_with("rsa-")
    };
    if starts_key(line) {
        return (Vec::new(), line);
    }
    let mut options = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => options.push(std::mem::take(&mut current)),
            c if c.is_whitespace() && !quoted => {
                options.push(std::mem::take(&mut current));
                return (options, line[i..].trim_start());
            }
            c => current.push(c),
        }
    }
    (Vec::new(), line)
}

/// A key's fingerprint as OpenSSH prints it (`SHA256:...`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The default place of the host key.
pub fn default_host_key_path() -> Option<PathBuf> {
    crate::config::project_dirs().map(|d| d.data_dir().join("ssh_host_ed25519_key"))
}

/// Reads the host key, or creates one (Ed25519, mode 0600) on first start.
pub fn host_key(path: &Path) -> Result<PrivateKey> {
    if path.exists() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(path)
                && meta.permissions().mode() & 0o077 != 0
            {
                return Err(anyhow!(
                    "the host key {} can be read by other users\nfix: chmod 600 {}",
                    path.display(),
                    path.display()
                ));
            }
        }
        return PrivateKey::read_openssh_file(path).with_context(|| {
            format!(
                "cannot read the host key {}\nfix: remove it to have a new one made (clients \
                 will then warn that the host key changed), or point --host-key elsewhere",
                path.display()
            )
        });
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no random numbers for a host key: {e}"))?;
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    key.write_openssh_file(path, LineEnding::LF)
        .with_context(|| format!("cannot save the new host key to {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHnHbRzDRHz2hmJGmsEHKexFCt6NtANLZsCRnxn4KmhO alice";

    #[test]
    fn the_host_key_is_made_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("host");
        let first = host_key(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = host_key(&path).unwrap();
        assert_eq!(
            fingerprint(first.public_key()),
            fingerprint(again.public_key())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = host_key(&path).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{err}");
        }
    }

    #[test]
    fn a_removed_file_lets_nobody_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        std::fs::write(&path, format!("{ALICE}\n")).unwrap();
        let mut ring = Keyring::load(&path).unwrap();
        let key = PublicKey::from_openssh(ALICE).unwrap();
        assert!(ring.lookup(&key).is_some());
        std::fs::remove_file(&path).unwrap();
        let said = ring.refresh();
        assert!(
            matches!(&said, Refresh::Unreadable(e) if e.contains("keys")),
            "{said:?}"
        );
        assert!(ring.lookup(&key).is_none());
    }

    #[test]
    fn roles_come_from_the_option_and_default_to_viewer() {
        let bare = ALICE.trim_end_matches(" alice");
        let text = format!(
            "# coordinators\n\nkembar-role=\"editor\" {ALICE}\n{}\nkembar-role=\"admin\" {ALICE}\nnot a key\nfrom=\"10.0.0.0/8\",kembar-role=\"editor\" {ALICE}\nkembar-role=\"editor\" {bare}\n",
            ALICE.replace("alice", "bob")
        );
        let (grants, warnings) = parse(&text, Path::new("keys"));
        assert_eq!(grants.len(), 3, "{warnings:?}");
        assert_eq!(grants[0].role, Role::Editor);
        assert_eq!(grants[0].comment, "alice");
        assert_eq!(grants[1].role, Role::Viewer);
        assert_eq!(grants[2].role, Role::Editor, "a line without a comment");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("line 5") && warnings[0].contains("admin"));
        assert!(warnings[1].contains("line 6"));
        assert!(warnings[2].contains("line 7") && warnings[2].contains("from="));
    }

    #[test]
    fn scopes_name_known_regions_and_a_bad_scope_leaves_the_key_out() {
        let regions: HashSet<String> = ["jawa-tengah", "kota-semarang", "jawa-timur"]
            .into_iter()
            .map(String::from)
            .collect();
        let text = format!(
            "kembar-role=\"editor\",kembar-scope=\"jawa-tengah\" {ALICE}\n\
             kembar-scope=\"jawa-timur, kota-semarang\" {ALICE}\n\
             kembar-role=\"editor\",kembar-scope=\"atlantis\" {ALICE}\n\
             kembar-scope=\"jawa-tengah\",kembar-scope=\"jawa-timur\" {ALICE}\n\
             kembar-scope=\"\" {ALICE}\n\
             kembar-scope=jawa-tengah {ALICE}\n\
             kembar-role=\"editor\" {ALICE}\n"
        );
        let (grants, warnings) = parse_for(&text, Path::new("keys"), Some(&regions));
        assert_eq!(grants.len(), 3, "{warnings:?}");
        let ids = |g: &Grant| {
            g.scope
                .as_ref()
                .map(|s| s.regions().map(String::from).collect::<Vec<_>>())
        };
        assert_eq!(ids(&grants[0]), Some(vec!["jawa-tengah".to_string()]));
        assert_eq!(grants[0].role, Role::Editor);
        assert_eq!(
            ids(&grants[1]),
            Some(vec!["jawa-timur".to_string(), "kota-semarang".to_string()])
        );
        assert_eq!(grants[1].role, Role::Viewer);
        assert_eq!(ids(&grants[2]), None, "no scope: the whole country");
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].contains("line 3") && warnings[0].contains("atlantis"));
        assert!(warnings[1].contains("line 4") && warnings[1].contains("twice"));
        assert!(warnings[2].contains("line 5") && warnings[2].contains("empty"));
        assert!(warnings[3].contains("line 6") && warnings[3].contains("quoted"));
        // Without the store's regions (parse alone), any id is taken as written.
        let (grants, _) = parse(&text, Path::new("keys"));
        assert_eq!(grants.len(), 4);
    }
}
