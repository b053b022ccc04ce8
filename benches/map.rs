//! How long the world map takes to draw, and how many bytes a frame of it costs a terminal
//! (what matters over SSH): the whole country's map (48 agreements of the demo) and Jawa
//! Tengah's, at 80x24 and 120x40, drawn by the dashboard's own view into a buffer and then
//! written by kembar's screen writer as escape sequences for a 256-colour terminal.
//!
//! The byte counts are printed once per case (`cargo bench --bench map`), before criterion's
//! timings.

use std::hint::black_box;
use std::sync::{Arc, Mutex};

use criterion::{Criterion, criterion_group, criterion_main};
use kembar::i18n::Lang;
use kembar::store::interchange::parse_dataset;
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Model, Start, update};
use kembar::tui::screen::{ColorDepth, Screen, SizeSource};
use kembar::tui::theme::Theme;
use kembar::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_model() -> Model {
    let data = parse_dataset(kembar::demo::DEMO_JSON.as_bytes(), "demo").unwrap();
    let catalog = kembar::domain::Catalog::new(
        data.stages.clone(),
        data.tags.clone(),
        data.regions.clone(),
        data.partners.clone(),
        data.agreements.clone(),
        data.activities.iter().fold(Default::default(), |mut m, a| {
            m.entry(a.agreement)
                .or_insert_with(kembar::domain::ActivitySummary::default)
                .add(a.date, a.kind);
            m
        }),
    );
    let start = Start::local("2026-11-29".parse().unwrap(), Lang::En);
    Model::new(catalog, start).0
}

/// A model with the map in front: the whole country's, or Jawa Tengah's.
fn with_map(country: bool, width: u16, height: u16) -> Model {
    let mut model = demo_model();
    if country {
        update(&mut model, Action::Cmd(Cmd::Triage));
    } else {
        while model.selected_region().map(|r| r.name.as_str()) != Some("Jawa Tengah") {
            update(&mut model, Action::Cmd(Cmd::Down));
        }
    }
    update(&mut model, Action::Cmd(Cmd::Map));
    update(&mut model, Action::Resize(width, height));
    // The first frame tells the model the map's size.
    let theme = Theme::builtin("default").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut measured = None;
    terminal
        .draw(|f| measured = Some(view::view(&model, &theme, f)))
        .unwrap();
    update(&mut model, Action::Drawn(measured.unwrap()));
    model
}

/// Bytes a whole frame of the map costs, written over a cleared screen.
fn frame_bytes(model: &Model, width: u16, height: u16) -> usize {
    let theme = Theme::builtin("default").unwrap();
    let size = Arc::new(Mutex::new((width, height)));
    let screen = Screen::new(Vec::new(), SizeSource::Shared(size), ColorDepth::Indexed256);
    let mut terminal = Terminal::new(screen).unwrap();
    terminal
        .draw(|f| {
            view::view(model, &theme, f);
        })
        .unwrap();
    terminal.backend_mut().writer().len()
}

fn benches(c: &mut Criterion) {
    let theme = Theme::builtin("default").unwrap();
    for (name, country) in [("country", true), ("jawa-tengah", false)] {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let model = with_map(country, w, h);
            println!(
                "map/{name}/{w}x{h}: one full frame is {} bytes at 256 colours",
                frame_bytes(&model, w, h)
            );
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            c.bench_function(&format!("map/{name}/{w}x{h}"), |b| {
                b.iter(|| {
                    terminal
                        .draw(|f| {
                            black_box(view::view(&model, &theme, f));
                        })
                        .unwrap();
                })
            });
        }
    }
}

criterion_group!(map, benches);
criterion_main!(map);
