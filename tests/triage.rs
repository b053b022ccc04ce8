//! Triage and the evaluation report, through the command line, on the demo data.

mod common;

use common::{kembar, text};

use tempfile::TempDir;

/// The Ministry's evaluation meeting of 22 August 2019, replayed: Central Java's Fujian,
/// Chungcheongbuk-do and Siem Reap relationships come up for renewal or revitalization, and
/// Queensland, renewed on 6 August 2019, ranks below them.
#[test]
fn the_2019_evaluation_meeting_flags_central_javas_dormant_partners() {
    let home = TempDir::new().unwrap();
    let out = kembar(
        home.path(),
        &["--demo", "--today", "2019-08-22", "triage", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let severities: Vec<u64> = rows
        .iter()
        .map(|r| r["severity"].as_u64().unwrap())
        .collect();
    assert!(
        severities.windows(2).all(|w| w[0] >= w[1]),
        "not worst first: {severities:?}"
    );
    let position = |partner: &str| {
        rows.iter()
            .position(|r| r["region"] == "Jawa Tengah" && r["partner"] == partner)
    };
    for partner in ["Fujian", "Chungcheongbuk-do", "Siem Reap"] {
        let i = position(partner).unwrap_or_else(|| panic!("{partner} not flagged"));
        let rec = rows[i]["recommendation"].as_str().unwrap();
        assert!(
            rec == "renewal" || rec == "revitalization",
            "{partner}: {rec}"
        );
        assert!(!rows[i]["reasons_text"].as_array().unwrap().is_empty());
        if let Some(q) = position("Queensland") {
            assert!(q > i, "Queensland ranks above {partner}");
        }
    }
}

#[test]
fn triage_text_gives_reasons_people_can_read() {
    let home = TempDir::new().unwrap();
    let out = kembar(
        home.path(),
        &["--demo", "--today", "2019-08-22", "--lang", "en", "triage"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    let siem_reap = listing
        .lines()
        .find(|l| l.contains("Jawa Tengah – Siem Reap"))
        .expect("Siem Reap listed");
    assert!(siem_reap.contains("MoU expired 2018-03-26"), "{siem_reap}");
    assert!(siem_reap.contains("no activity since"), "{siem_reap}");

    let out = kembar(
        home.path(),
        &["--demo", "--today", "2019-08-22", "triage", "--csv"],
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(&reader.headers().unwrap()[0], "agreement");
    assert!(reader.records().count() > 5);
}

#[test]
fn the_report_lists_status_counts_renewals_and_obstacles() {
    let home = TempDir::new().unwrap();
    let out = kembar(
        home.path(),
        &[
            "--demo",
            "--today",
            "2019-08-22",
            "--lang",
            "en",
            "report",
            "--format",
            "md",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    for heading in [
        "## Agreements by status",
        "## Needing renewal",
        "## Needing revitalization",
        "## Obstacle frequencies",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    assert!(md.contains("| Jawa Tengah |"), "{md}");
    assert!(md.contains("Jawa Tengah – Siem Reap"), "{md}");
    assert!(md.contains("| Reports not on time |"), "{md}");
}

#[test]
fn the_report_can_be_limited_to_a_province_by_its_short_form() {
    let home = TempDir::new().unwrap();
    let out = kembar(
        home.path(),
        &[
            "--demo",
            "--today",
            "2019-08-22",
            "--lang",
            "en",
            "report",
            "--province",
            "jateng",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("Jawa Tengah"), "{md}");
    assert!(!md.contains("DKI Jakarta"), "{md}");

    let out = kembar(home.path(), &["--demo", "report", "--province", "Atlantis"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("\"Atlantis\""), "{err}");
    assert!(
        err.contains("Jawa Tengah"),
        "the message lists the provinces: {err}"
    );

    let out = kembar(
        home.path(),
        &["--demo", "--lang", "en", "report", "--format", "csv"],
    );
    assert!(out.status.success());
    let csv = text(&out.stdout);
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(
        csv.contains("\nProvince,proposed,active,dormant,expired,renewing,terminated,total\n"),
        "{csv}"
    );
}

#[test]
fn a_bad_threshold_in_the_config_is_named() {
    let home = TempDir::new().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[health]\ndormant_after_days = 0\n").unwrap();
    let out = kembar(
        home.path(),
        &["--demo", "--config", config.to_str().unwrap(), "triage"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("health.dormant_after_days = 0"), "{err}");
    assert!(err.contains("config.toml"), "{err}");
}

/// Decisions and follow-ups made at triage reach `triage --json` and the report.
#[test]
fn decisions_and_follow_ups_reach_the_queue_and_the_report() {
    use kembar::domain::{Attention, Decision, FollowUp};
    use kembar::store::{Actor, Change, Edit, Record, Store};

    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let out = kembar(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            common::fixture("demo.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    {
        let store = Store::open(&db, "test").unwrap();
        let mut note = Attention::new(2); // Jawa Tengah – Fujian
        note.decision = Some(Decision::Revitalization);
        note.decided = Some("2019-08-22".parse().unwrap());
        note.follow_ups.push(FollowUp {
            owner: "Biro Pemerintahan".into(),
            due: "2019-09-30".parse().unwrap(),
            next_step: "propose a joint tourism programme".into(),
            done: None,
            noted: None,
        });
        let actor = Actor::new("tester", "test");
        store
            .apply(
                Change::new("mark revitalization").with(Edit::create(Record::Attention(note))),
                &actor,
            )
            .unwrap();
    }
    let db = db.to_str().unwrap();
    let out = kembar(
        home.path(),
        &["--db", db, "--today", "2019-10-01", "triage", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fujian = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["partner"] == "Fujian")
        .expect("Fujian in the queue");
    assert_eq!(fujian["decision"], "revitalization");
    assert!(
        fujian["reasons_text"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("follow-up due 2019-09-30")),
        "{fujian}"
    );

    let out = kembar(
        home.path(),
        &[
            "--db",
            db,
            "--today",
            "2019-09-15",
            "--lang",
            "en",
            "report",
            "--format",
            "md",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("## Open follow-ups (overdue first)"), "{md}");
    assert!(
        md.contains("| 2019-09-30 | Jawa Tengah – Fujian | Biro Pemerintahan | propose a joint tourism programme |"),
        "{md}"
    );
    // Fujian's MoU ended in 2017: triage says renewal, the meeting chose revitalization,
    // and the report says which stands.
    assert!(
        md.contains(
            "recommended: renewal; decided: revitalization (the meeting's decision stands)"
        ),
        "{md}"
    );

    // The notes go out with an export and come back with an import.
    let out = kembar(home.path(), &["--db", db, "export"]);
    let exported = text(&out.stdout);
    assert!(
        exported.contains("\"attention\""),
        "export keeps triage notes"
    );
}
