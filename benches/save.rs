//! The latency of a durable save: one change applied, flushed and audited.
//!
//! `cargo bench --bench save` measures two saves people make all day (an agreement edit and a
//! logged activity) on the demo store and on generated stores (100,000 agreements by default;
//! `KEMBAR_BENCH_SIZES=1000,100000` to choose). Besides criterion's estimates it prints the
//! median and 99th percentile of 300 timed saves per case, because a save's tail (an fsync
//! that waits) matters more to someone at the keyboard than its mean. It also times the
//! dashboard's side of a save: patching the catalog and rebuilding the lists, on a region's
//! row and on the whole country's (every agreement listed).

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kembar::domain::{Activity, ActivityKind};
use kembar::i18n::Lang;
use kembar::store::{Actor, Change, Edit, Record, Store};
use kembar::tui::model::{Action, Model, Origin, Start, update};

fn actor() -> Actor {
    Actor::new("bench", "bench")
}

fn store_of(name: &str, dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join(name), "bench").unwrap();
    if name == "demo" {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json");
        let data = kembar::store::interchange::read_dataset(&path).unwrap();
        store
            .import(&data, "demo", kembar::store::ImportMode::Merge, &actor())
            .unwrap();
    } else {
        let n: usize = name.parse().unwrap();
        let data = kembar::synth::generate(n, 10, 1);
        store.fill_generated(&data, "bench", &actor()).unwrap();
    }
    // Measure a store as people open it, not one still settling after a bulk load.
    drop(store);
    Store::open(&dir.join(name), "bench").unwrap()
}

/// An edit of agreement `id`'s notes, expecting its current version.
fn edit(store: &Store, id: u64, i: usize) -> Change {
    let (version, before) = store.agreement(id).unwrap().unwrap();
    let mut after = before.clone();
    after.notes = format!("edit {i}");
    Change::new("update")
        .with(Edit::update(
            Record::Agreement(before),
            Record::Agreement(after),
        ))
        .expecting(id, version)
}

fn activity(id: u64, i: usize) -> Change {
    Change::new("log activity").with(Edit::create(Record::Activity(Activity {
        id: 0,
        agreement: id,
        date: "2026-11-29".parse().unwrap(),
        kind: ActivityKind::Meeting,
        title: format!("meeting {i}"),
        description: String::new(),
        participants: Vec::new(),
        fields: Vec::new(),
        outcome: None,
    })))
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), *samples.last().unwrap())
}

fn report(case: &str, size: &str, samples: Vec<Duration>) {
    let (p50, p99, max) = percentiles(samples);
    println!(
        "save-latency {case:<14} {size:>7}: median {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut sizes = vec!["demo".to_string()];
    sizes.extend(
        std::env::var("KEMBAR_BENCH_SIZES")
            .unwrap_or_else(|_| "100000".into())
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
    );
    let actor = actor();
    for size in &sizes {
        let store = store_of(size, dir.path());
        let id = 1;

        let samples: Vec<Duration> = (0..300)
            .map(|i| {
                let change = edit(&store, id, i);
                let t = Instant::now();
                store.apply(change, &actor).unwrap();
                t.elapsed()
            })
            .collect();
        report("edit", size, samples);
        let samples: Vec<Duration> = (0..300)
            .map(|i| {
                let change = activity(id, i);
                let t = Instant::now();
                store.apply(change, &actor).unwrap();
                t.elapsed()
            })
            .collect();
        report("log activity", size, samples);

        // The dashboard's side: the catalog takes the change and the lists are rebuilt.
        let (mut model, _) = Model::new(
            store.load_catalog().unwrap(),
            Start::local("2026-11-29".parse().unwrap(), Lang::En),
        );
        // Thirty saves from `from` on, each timed from the store's answer to the lists rebuilt.
        let dashboard_side = |model: &mut Model, from: usize| -> Vec<Duration> {
            (0..30)
                .map(|i| {
                    let applied = store.apply(edit(&store, id, from + i), &actor).unwrap();
                    let t = Instant::now();
                    update(
                        model,
                        Action::Saved {
                            origin: Origin::Quick,
                            result: Ok(Box::new(applied)),
                            catalog: None,
                        },
                    );
                    t.elapsed()
                })
                .collect()
        };
        report("dashboard", size, dashboard_side(&mut model, 1000));
        // The same with the whole country's row selected: every agreement listed again.
        update(&mut model, Action::Cmd(kembar::tui::keymap::Cmd::Top));
        report("dash, country", size, dashboard_side(&mut model, 2000));

        let mut group = c.benchmark_group("durable_save");
        group.sample_size(50);
        let mut i = 10_000;
        group.bench_function(BenchmarkId::new("edit", size), |b| {
            b.iter(|| {
                i += 1;
                store.apply(edit(&store, id, i), &actor).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(save, benches);
criterion_main!(save);
