//! Opening a store and drawing the dashboard, in-process.
//!
//! `cargo bench --bench load` builds generated stores of 1,000, 10,000 and 100,000 agreements
//! (ten activities each) in a temporary folder once, then measures loading the catalog, one
//! dashboard update for `j`, drawing a 120x40 frame, and moving onto the whole country's row
//! (every agreement listed) and drawing it.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kembar::domain::HealthRules;
use kembar::i18n::Lang;
use kembar::store::{Actor, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Model, Start, update};
use kembar::tui::theme::Theme;
use kembar::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn store_of(agreements: usize, dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join(format!("s{agreements}")), "bench").unwrap();
    let data = kembar::synth::generate(agreements, 10, 1);
    let actor = Actor::new("bench", "bench");
    store.fill_generated(&data, "bench", &actor).unwrap();
    // Closing waits for sled to finish writing the generated data; measured on a store still
    // settling, everything here ran two to three times slower on two cores.
    drop(store);
    Store::open(&dir.join(format!("s{agreements}")), "bench").unwrap()
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let sizes: Vec<usize> = std::env::var("KEMBAR_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let mut load = c.benchmark_group("load_catalog");
    load.sample_size(10);
    let stores: Vec<(usize, Store)> = sizes
        .iter()
        .map(|&n| (n, store_of(n, dir.path())))
        .collect();
    for (n, store) in &stores {
        load.bench_with_input(BenchmarkId::from_parameter(n), store, |b, store| {
            b.iter(|| black_box(store.load_catalog().unwrap()))
        });
    }
    load.finish();

    let mut triage = c.benchmark_group("triage_queue");
    triage.sample_size(10);
    for (n, store) in &stores {
        let catalog = store.load_catalog().unwrap();
        let today = "2026-11-29".parse().unwrap();
        let rules = HealthRules::default();
        triage.bench_with_input(BenchmarkId::from_parameter(n), &catalog, |b, catalog| {
            // The queue is kept while the triage screen is open; freeing it (93,000
            // assessments and their reasons) is not part of computing it.
            b.iter_with_large_drop(|| {
                black_box(kembar::domain::triage::queue(catalog, today, &rules))
            })
        });
    }
    triage.finish();

    let today = "2026-11-29".parse().unwrap();
    let theme = Theme::builtin("default").unwrap();
    let mut frame = c.benchmark_group("dashboard");
    for (n, store) in &stores {
        let (mut model, _) =
            Model::new(store.load_catalog().unwrap(), Start::local(today, Lang::En));
        update(&mut model, Action::Resize(120, 40));
        update(&mut model, Action::Cmd(Cmd::Open));
        frame.bench_with_input(BenchmarkId::new("j_then_k", n), &(), |b, _| {
            b.iter(|| {
                black_box(update(&mut model, Action::Cmd(Cmd::Down)));
                black_box(update(&mut model, Action::Cmd(Cmd::Up)));
            })
        });
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        frame.bench_with_input(BenchmarkId::new("draw_120x40", n), &(), |b, _| {
            b.iter(|| {
                terminal
                    .draw(|f| {
                        view::view(&model, &theme, f);
                    })
                    .unwrap();
            })
        });

        // The whole country's row lists every agreement by partner name: `g` onto it from
        // the first region and `j` back (a region's short list). The first time after the
        // records changed, the list is sorted; after that it is kept.
        let (mut model, _) =
            Model::new(store.load_catalog().unwrap(), Start::local(today, Lang::En));
        update(&mut model, Action::Resize(120, 40));
        frame.bench_with_input(
            BenchmarkId::new("whole_country_first_g_then_j", n),
            &(),
            |b, _| {
                b.iter_custom(|iters| {
                    let mut spent = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        // As after a save: the kept order is dropped (not timed).
                        model.rebuild(None);
                        let t = std::time::Instant::now();
                        black_box(update(&mut model, Action::Cmd(Cmd::Top)));
                        black_box(update(&mut model, Action::Cmd(Cmd::Down)));
                        spent += t.elapsed();
                    }
                    spent
                })
            },
        );
        frame.bench_with_input(
            BenchmarkId::new("whole_country_g_then_j", n),
            &(),
            |b, _| {
                b.iter(|| {
                    black_box(update(&mut model, Action::Cmd(Cmd::Top)));
                    black_box(update(&mut model, Action::Cmd(Cmd::Down)));
                })
            },
        );
        // A frame drawn on it.
        update(&mut model, Action::Cmd(Cmd::Top));
        frame.bench_with_input(
            BenchmarkId::new("whole_country_draw_120x40", n),
            &(),
            |b, _| {
                b.iter(|| {
                    terminal
                        .draw(|f| {
                            view::view(&model, &theme, f);
                        })
                        .unwrap();
                })
            },
        );
        // `/` then `j` on the whole country's agreements: every agreement's names matched
        // (then Backspace, which empties the filter and costs a copy of the list). The same in
        // the triage queue, which filters a list as long.
        frame.sample_size(10);
        update(&mut model, Action::Cmd(Cmd::Open));
        update(&mut model, Action::Cmd(Cmd::Filter));
        frame.bench_with_input(
            BenchmarkId::new("whole_country_filter_j", n),
            &(),
            |b, _| {
                b.iter(|| {
                    black_box(update(&mut model, Action::Cmd(Cmd::Insert('j'))));
                    black_box(update(&mut model, Action::Cmd(Cmd::DeleteBack)));
                })
            },
        );
        update(&mut model, Action::Cmd(Cmd::Back));
        update(&mut model, Action::Cmd(Cmd::Triage));
        update(&mut model, Action::Cmd(Cmd::Filter));
        frame.bench_with_input(BenchmarkId::new("triage_filter_j", n), &(), |b, _| {
            b.iter(|| {
                black_box(update(&mut model, Action::Cmd(Cmd::Insert('j'))));
                black_box(update(&mut model, Action::Cmd(Cmd::DeleteBack)));
            })
        });
        frame.sample_size(100);
    }
    frame.finish();
}

criterion_group!(load, benches);
criterion_main!(load);
