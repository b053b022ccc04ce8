//! One "as of" everywhere: the demo replayed as of every 1 January from 1996 to 2026, through
//! the dashboard's screens (browse, every agreement's detail and full screen, the triage
//! queue, the summary `y` copies) and through the real binary's `report`, `triage`, `list`
//! and `search`. Nothing dated after the day may show: no signing, activity, report
//! submission, tag, status change or decision.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use kembar::domain::Dataset;
use kembar::i18n::Lang;
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ImportMode, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Effect, Model, Start, update};
use kembar::tui::theme::Theme;
use kembar::tui::{run_effect, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

use common::harness::text_of;
use common::{kembar, text};

/// Every dated fact of the demo, with what it is.
fn facts(data: &Dataset) -> Vec<(NaiveDate, String)> {
    let mut out = Vec::new();
    for a in &data.agreements {
        let what = |w: &str| format!("{w} of agreement {}", a.id);
        for t in a.terms() {
            out.extend(t.signed.map(|d| (d, what("signing"))));
        }
        for c in &a.statuses {
            out.push((c.on, what("status change")));
        }
        for s in &a.obstacles {
            out.push((s.from, what("tag set")));
            out.extend(s.until.map(|d| (d, what("tag cleared"))));
        }
        for r in &a.reporting.reports {
            out.extend(r.submitted.map(|d| (d, what("report submitted"))));
        }
    }
    for v in &data.activities {
        out.push((v.date, format!("activity {}", v.id)));
    }
    for n in &data.attention {
        out.extend(n.decided.map(|d| (d, "decision".to_string())));
    }
    out
}

/// Days that may show after the day replayed, because they are not facts of the past: when
/// terms end, when reports fall due.
fn planned(data: &Dataset) -> BTreeSet<NaiveDate> {
    let mut out = BTreeSet::new();
    for a in &data.agreements {
        out.extend(a.terms().filter_map(|t| t.expires));
        out.extend(a.reporting.reports.iter().map(|r| r.due));
    }
    out
}

struct Dashboard<'a> {
    store: &'a Store,
    model: Model,
    clipboard: Vec<u8>,
    theme: Theme,
    seen: String,
}

impl Dashboard<'_> {
    fn act(&mut self, action: Action) {
        let mut effects: Vec<Effect> = update(&mut self.model, action);
        let actor = Actor::new("tester", "test");
        while let Some(effect) = effects.pop() {
            if let Some(action) = run_effect(effect, self.store, &actor, &mut self.clipboard) {
                effects.extend(update(&mut self.model, action));
            }
        }
    }

    fn press(&mut self, cmd: Cmd) {
        self.act(Action::Cmd(cmd));
        self.act(Action::Rest);
    }

    /// Draws a frame (tall, so that long lists and timelines show whole) and keeps its text.
    fn look(&mut self) {
        let (w, h) = (160, 120);
        self.act(Action::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut measured = None;
        terminal
            .draw(|frame| measured = Some(view::view(&self.model, &self.theme, frame)))
            .unwrap();
        if let Some(g) = measured {
            self.act(Action::Drawn(g));
        }
        self.seen.push_str(&text_of(terminal.backend().buffer()));
    }
}

/// Walks every region, every agreement (detail, full screen, summary) and the triage queue.
fn everything_on_screen(store: &Store, day: NaiveDate) -> String {
    let mut start = Start::local(day, Lang::En);
    start.as_of = Some(day);
    let (model, effects) = Model::new(store.load_catalog().unwrap(), start);
    let mut d = Dashboard {
        store,
        model,
        clipboard: Vec::new(),
        theme: Theme::builtin("default").unwrap(),
        seen: String::new(),
    };
    for effect in effects {
        if let Some(action) = run_effect(effect, store, &Actor::local(), &mut d.clipboard) {
            d.act(action);
        }
    }
    // From the whole country's row (every agreement, with its region), then region by region.
    d.press(Cmd::Top);
    let rows = d.model.ctx.catalog.regions.len() + 1;
    for _ in 0..rows {
        d.look();
        let before = d.model.browse.selected_place().cloned();
        d.press(Cmd::Open);
        let shown = d
            .model
            .selected_region()
            .map(|r| d.model.ctx.catalog.agreements_of(&r.id).len())
            .unwrap_or(0);
        for _ in 0..shown {
            d.look();
            d.press(Cmd::Copy);
            d.press(Cmd::Open);
            d.look();
            d.press(Cmd::Back);
            d.press(Cmd::Down);
        }
        d.press(Cmd::Back);
        d.press(Cmd::Down);
        if d.model.browse.selected_place() == before.as_ref() {
            break;
        }
    }
    d.press(Cmd::Triage);
    d.look();
    d.seen.push_str(&String::from_utf8_lossy(&d.clipboard));
    d.seen
}

fn run_binary(home: &Path, db: &str, day: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", db, "--today", day, "--lang", "en"];
    all.extend_from_slice(args);
    let out = kembar(home, &all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn nothing_after_the_day_shows_in_any_view_of_any_year() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("store");
    let data = read_dataset(&common::fixture("demo.json")).unwrap();
    {
        let store = Store::open(&db, "test").unwrap();
        store
            .import(&data, "demo.json", ImportMode::Merge, &Actor::local())
            .unwrap();
    }
    let db_arg = db.to_str().unwrap();
    let facts = facts(&data);
    let planned = planned(&data);
    let queries = [
        "mou",
        "kunjungan",
        "rapat",
        "laporan",
        "siem",
        "jeju",
        "covid",
    ];
    let mut checked_after = 0;
    for year in 1996..=2026 {
        let day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let iso = day.to_string();
        let mut seen = String::new();
        {
            let store = Store::open(&db, "test").unwrap();
            seen.push_str(&everything_on_screen(&store, day));
        }
        seen.push_str(&run_binary(home.path(), db_arg, &iso, &["report"]));
        seen.push_str(&run_binary(
            home.path(),
            db_arg,
            &iso,
            &["triage", "--json"],
        ));
        seen.push_str(&run_binary(home.path(), db_arg, &iso, &["list", "--json"]));
        seen.push_str(&run_binary(home.path(), db_arg, &iso, &["list"]));
        for q in queries {
            let args = ["search", q, "--json", "--limit", "200"];
            seen.push_str(&run_binary(home.path(), db_arg, &iso, &args));
        }
        let mut leaks = Vec::new();
        for (date, what) in &facts {
            if *date > day && !planned.contains(date) {
                checked_after += 1;
                if seen.contains(&date.to_string()) {
                    leaks.push(format!("{date} ({what})"));
                }
            }
        }
        leaks.sort();
        leaks.dedup();
        assert!(
            leaks.is_empty(),
            "as of {day}, {} dates from after it show: {}",
            leaks.len(),
            leaks
                .iter()
                .take(12)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        // The sweep is not vacuous: what had happened by then does show.
        if let Some((last, what)) = facts
            .iter()
            .filter(|(d, _)| *d <= day && d.year() >= year - 3 && !planned.contains(d))
            .max_by_key(|(d, _)| *d)
        {
            assert!(
                seen.contains(&last.to_string()),
                "as of {day}, {what} on {last} does not show"
            );
        }
    }
    assert!(checked_after > 10_000, "{checked_after} checks");
}
