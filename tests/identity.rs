//! The audit records local changes under the account the process runs as, from the account
//! database, whatever `USER` and `LOGNAME` say.

mod common;

use std::process::Command;

use tempfile::TempDir;

/// The account name as `id -un` gives it (the account database, by user id).
fn id_un() -> Option<String> {
    let out = Command::new("id").arg("-un").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A variable set to a value, or removed.
type Var<'a> = (&'a str, Option<&'a str>);

#[test]
fn the_environment_does_not_decide_who_made_a_change() {
    let expected = kembar::store::audit::os_user();
    if let Some(name) = id_un() {
        assert_eq!(expected, name, "the account database's name for this uid");
    }
    let cases: [(&str, &[Var]); 4] = [
        ("as it is", &[]),
        (
            "unset",
            &[("USER", None), ("LOGNAME", None), ("USERNAME", None)],
        ),
        (
            "another name",
            &[("USER", Some("mallory")), ("LOGNAME", Some("mallory"))],
        ),
        ("empty", &[("USER", Some("")), ("LOGNAME", Some(""))]),
    ];
    for (what, env) in cases {
        let home = TempDir::new().unwrap();
        let db = home.path().join("store");
        let mut import = Command::new(env!("CARGO_BIN_EXE_kembar"));
        import
            .args(["--db", db.to_str().unwrap(), "import"])
            .arg(common::fixture("demo.json"))
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"));
        for (name, value) in env {
            match value {
                Some(v) => import.env(name, v),
                None => import.env_remove(name),
            };
        }
        let out = import.output().unwrap();
        assert!(
            out.status.success(),
            "{what}: {}",
            common::text(&out.stderr)
        );
        let log = common::kembar(
            home.path(),
            &["--db", db.to_str().unwrap(), "log", "--json"],
        );
        let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
        let user = entries[0]["user"].as_str().unwrap();
        assert_eq!(user, expected, "USER {what}");
        assert_eq!(entries[0]["via"], "local");
        assert_ne!(user, "mallory");
        assert_ne!(user, "unknown");
    }
}
