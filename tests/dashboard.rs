//! The dashboard without a terminal: actions fed to the model over a real store loaded with
//! the demo data, and frames drawn into ratatui's TestBackend.

mod common;

use kembar::i18n::Lang;
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ImportMode, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::model::{Action, Model, Start, update};
use kembar::tui::screens::browse::{Pane, Place, RegionRow};
use kembar::tui::theme::Theme;
use kembar::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use tempfile::TempDir;

use common::harness::{Harness, TODAY, text_of};

#[test]
fn opens_on_a_region_with_agreements_and_its_first_timeline() {
    let h = Harness::demo(Lang::En);
    assert_eq!(h.model.browse.focus, Pane::Regions);
    assert!(!h.model.browse.agreements.is_empty());
    let first = h.model.selected_agreement().unwrap().id;
    assert_eq!(h.model.ctx.timeline.agreement, Some(first));
    assert!(!h.model.ctx.timeline.loading);
    assert!(!h.model.ctx.timeline.activities.is_empty());
}

#[test]
fn navigates_open_queensland_and_shows_the_renewal_and_timeline() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Open);
    assert!(
        h.model.agreement_screen().is_some(),
        "Enter opens the agreement in full"
    );
    let timeline = &h.model.ctx.timeline.activities;
    assert!(
        timeline.windows(2).all(|w| w[0].date >= w[1].date),
        "newest first"
    );
    assert!(timeline.iter().any(|a| a.date.to_string() == "2019-08-06"));
    let screen = h.screen(80, 24);
    assert!(screen.contains("Jawa Tengah – Queensland"), "{screen}");
    assert!(screen.contains("2019-08-06"), "{screen}");
}

#[test]
fn escape_walks_back_out() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Open);
    h.press(Cmd::Back);
    assert!(h.model.agreement_screen().is_none());
    assert_eq!(h.model.browse.focus, Pane::Relationships);
    assert_eq!(
        h.partner_name(),
        "Queensland",
        "going back keeps the selection"
    );
    h.press(Cmd::Back);
    assert_eq!(h.model.browse.focus, Pane::Regions);
    h.press(Cmd::Back);
    assert_eq!(h.model.browse.focus, Pane::Regions);
}

#[test]
fn panes_cycle_both_ways() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::NextPane);
    assert_eq!(h.model.browse.focus, Pane::Relationships);
    h.press(Cmd::NextPane);
    assert_eq!(h.model.browse.focus, Pane::Detail);
    h.press(Cmd::NextPane);
    assert_eq!(h.model.browse.focus, Pane::Regions);
    h.press(Cmd::PrevPane);
    assert_eq!(h.model.browse.focus, Pane::Detail);
}

#[test]
fn top_bottom_and_pages_stay_in_bounds() {
    let mut h = Harness::demo(Lang::En);
    let cursor = |h: &Harness| h.model.browse.regions.cursor().unwrap();
    let last = h.model.browse.regions.len() - 1;
    h.press(Cmd::Bottom);
    assert_eq!(cursor(&h), last);
    h.press(Cmd::Down);
    assert_eq!(cursor(&h), last);
    h.press(Cmd::Top);
    assert_eq!(cursor(&h), 0);
    h.press(Cmd::Up);
    assert_eq!(cursor(&h), 0);
    h.press(Cmd::PageDown);
    assert!(cursor(&h) > 0 && cursor(&h) <= last);
    h.press(Cmd::PageUp);
    assert_eq!(cursor(&h), 0);
}

/// What the regions pane calls a row.
fn place_name(h: &Harness, place: &Place) -> String {
    match place {
        Place::Country => kembar::i18n::T::WholeCountry
            .in_lang(h.model.ctx.lang)
            .to_string(),
        Place::Region(id) => h.model.ctx.catalog.region(id).unwrap().name.clone(),
    }
}

/// The figures of the regions pane's rows after the whole country's, which must be first.
fn region_figures(h: &Harness) -> Vec<RegionRow> {
    let rows = h.model.browse.regions.rows();
    assert_eq!(
        rows.first(),
        Some(&Place::Country),
        "the whole country first"
    );
    rows[1..]
        .iter()
        .map(|p| h.model.browse.figures(p).unwrap())
        .collect()
}

#[test]
fn the_selected_row_is_always_on_screen() {
    let mut h = Harness::demo(Lang::En);
    h.screen(80, 16);
    let visible = h.model.ctx.geometry.regions;
    h.press(Cmd::Top);
    for _ in 0..h.model.browse.regions.len() {
        let screen = h.screen(80, 16);
        let region = place_name(&h, h.model.browse.selected_place().unwrap());
        assert!(
            screen.contains(&region),
            "{region} not on screen:\n{screen}"
        );
        let cursor = h.model.browse.regions.cursor().unwrap();
        let offset = h.model.browse.regions.offset_for(visible);
        assert!(
            cursor >= offset && cursor < offset + visible,
            "{offset} {cursor}"
        );
        h.press(Cmd::Down);
    }
    assert_eq!(
        h.model.browse.regions.cursor(),
        Some(h.model.browse.regions.len() - 1)
    );
}

#[test]
fn detail_scrolling_stops_at_the_end_of_the_text() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::NextPane);
    assert_eq!(h.model.browse.focus, Pane::Detail);
    h.screen(80, 24);
    for _ in 0..2000 {
        h.press(Cmd::Down);
    }
    let max = h.model.ctx.geometry.detail.max_scroll();
    assert!(max > 0, "Queensland's detail is longer than one screen");
    assert_eq!(h.model.browse.detail_scroll, max);
    let screen = h.screen(80, 24);
    assert!(
        !screen.contains("more lines"),
        "at the end nothing is left below:\n{screen}"
    );
    h.press(Cmd::Top);
    assert_eq!(h.model.browse.detail_scroll, 0);
    assert!(h.screen(80, 24).contains("more lines"));
}

#[test]
fn sorting_by_count_puts_the_busiest_province_first() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::CycleSort);
    let rows = &region_figures(&h);
    let total = |i: usize| {
        let mut n = rows[i].count;
        let mut j = i + 1;
        while j < rows.len() && rows[j].depth == 1 {
            n += rows[j].count;
            j += 1;
        }
        n
    };
    let provinces: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].depth == 0).collect();
    let totals: Vec<usize> = provinces.iter().map(|&i| total(i)).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    h.press(Cmd::CycleSort);
    let troubles: Vec<u32> = {
        let rows = region_figures(&h);
        (0..rows.len())
            .filter(|&i| rows[i].depth == 0)
            .map(|i| {
                rows[i].trouble
                    + rows[i + 1..]
                        .iter()
                        .take_while(|r| r.depth == 1)
                        .map(|r| r.trouble)
                        .sum::<u32>()
            })
            .collect()
    };
    assert!(troubles.windows(2).all(|w| w[0] >= w[1]), "{troubles:?}");
}

#[test]
fn copy_puts_a_summary_on_the_clipboard_with_osc52() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Copy);
    let written = String::from_utf8(h.clipboard.clone()).unwrap();
    let payload = written
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .expect("an OSC 52 sequence");
    use base64::Engine;
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert!(text.contains("Queensland"), "{text}");
    assert!(text.contains("2019-08-06"), "{text}");
    assert!(
        h.model
            .ctx
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("Queensland")
    );
}

#[test]
fn help_overlay_swallows_keys_until_closed_but_quit_still_works() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Help);
    assert!(h.model.help_open());
    let before = h.model.browse.regions.cursor();
    h.press(Cmd::Down);
    assert_eq!(h.model.browse.regions.cursor(), before);
    h.press(Cmd::Back);
    assert!(!h.model.help_open());
    h.press(Cmd::Help);
    h.press(Cmd::Quit);
    assert!(h.model.ctx.quit);
}

#[test]
fn a_late_timeline_for_another_agreement_is_ignored() {
    let mut h = Harness::demo(Lang::En);
    let shown = h.model.ctx.timeline.clone();
    h.act(Action::TimelineLoaded {
        agreement: 999_999,
        result: Ok(Vec::new()),
    });
    assert_eq!(h.model.ctx.timeline, shown);
}

#[test]
fn help_lists_every_binding_from_the_keymap() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Help);
    let screen = h.screen(80, 24);
    for b in kembar::tui::keymap::BROWSE {
        if b.cmd == Cmd::Undo {
            continue; // nothing to undo yet: not offered
        }
        assert!(
            screen.contains(b.label.in_lang(Lang::En)),
            "help lacks {:?}\n{screen}",
            b.label
        );
    }
}

#[test]
fn snapshots_of_each_screen() {
    for lang in [Lang::En, Lang::Id] {
        let tag = format!("{lang:?}").to_lowercase();
        for (w, hgt) in [(80u16, 24u16), (120, 40)] {
            let mut h = Harness::demo(lang);
            h.open_queensland();
            insta::assert_snapshot!(format!("main_{tag}_{w}x{hgt}"), h.screen(w, hgt));
            h.press(Cmd::Open);
            insta::assert_snapshot!(format!("agreement_{tag}_{w}x{hgt}"), h.screen(w, hgt));
            h.press(Cmd::Help);
            insta::assert_snapshot!(format!("help_{tag}_{w}x{hgt}"), h.screen(w, hgt));
            let mut empty = Harness::with(lang, false);
            insta::assert_snapshot!(format!("welcome_{tag}_{w}x{hgt}"), empty.screen(w, hgt));
        }
        let mut h = Harness::demo(lang);
        insta::assert_snapshot!(format!("too_small_{tag}"), h.screen(50, 12));
    }
}

fn is_basic(color: Color) -> bool {
    !matches!(color, Color::Rgb(..) | Color::Indexed(_))
}

#[test]
fn the_ansi16_theme_draws_only_basic_colours() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.act(Action::Resize(120, 40));
    let buffer = h.draw(120, 40, &Theme::builtin("ansi16").unwrap());
    for cell in &buffer.content {
        assert!(is_basic(cell.fg) && is_basic(cell.bg), "{cell:?}");
    }
    // and the same text as the default theme
    let default = h.draw(120, 40, &Theme::builtin("default").unwrap());
    assert_eq!(text_of(&buffer), text_of(&default));
    assert!(
        default
            .content
            .iter()
            .any(|c| !is_basic(c.fg) || !is_basic(c.bg))
    );
}

#[test]
fn without_colour_the_selection_is_still_visible() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    let buffer = h.draw(80, 24, &Theme::monochrome());
    assert!(
        buffer
            .content
            .iter()
            .all(|c| matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset)),
        "colour drawn under NO_COLOR"
    );
    assert!(
        buffer
            .content
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED)),
        "no reverse-video selection"
    );
}

#[test]
fn stored_escape_sequences_never_reach_the_screen() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("s"), "test").unwrap();
    let mut data =
        read_dataset(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/small.json"))
            .unwrap();
    // Validation refuses these on import; a store can still hold them (older versions,
    // other tools), so the dashboard must neutralise them itself.
    let mut catalog_source = data.clone();
    // ESC and BEL (ratatui would drop those itself), a C1 CSI, a right-to-left override and
    // an isolate (which it would not).
    catalog_source.partners[0].name =
        "Queens\u{1b}[2Jland\u{7}\u{9b}31m\u{202e}dnal\u{2066}x\u{2069}".into();
    data.partners[0].name = "Queensland".into();
    store
        .import(
            &data,
            "small.json",
            ImportMode::Merge,
            &Actor::new("t", "t"),
        )
        .unwrap();
    let mut catalog = store.load_catalog().unwrap();
    catalog.partners[0].name = catalog_source.partners[0].name.clone();
    catalog.reindex();
    let (mut model, _) = Model::new(catalog, Start::local(TODAY.parse().unwrap(), Lang::En));
    let mut screens = String::new();
    for cmd in [Cmd::Open, Cmd::Open] {
        update(&mut model, Action::Cmd(cmd));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|f| {
                view::view(&model, &Theme::builtin("default").unwrap(), f);
            })
            .unwrap();
        screens.push_str(&text_of(terminal.backend().buffer()));
    }
    assert!(screens.contains("Queens"), "{screens}");
    let unsafe_chars: Vec<char> = screens
        .chars()
        .filter(|&c| c != '\n' && kembar::domain::text::is_unsafe_char(c))
        .collect();
    assert!(
        unsafe_chars.is_empty(),
        "{unsafe_chars:?} reached the screen"
    );
}

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.press(Cmd::Insert(c));
    }
}

fn with_index(h: &mut Harness) {
    let index = kembar::search::build(
        &h.model.ctx.catalog,
        &h.store,
        Lang::En,
        &std::collections::BTreeMap::new(),
    )
    .unwrap();
    h.act(Action::IndexReady(std::sync::Arc::new(index)));
}

#[test]
fn the_finder_jumps_to_an_agreement_an_activity_and_a_region() {
    let mut h = Harness::demo(Lang::En);
    with_index(&mut h);
    h.press(Cmd::Finder);
    type_text(&mut h, "jateng fujian");
    h.press(Cmd::Open);
    assert!(h.model.finder().is_none());
    assert_eq!(h.region_name(), "Jawa Tengah");
    assert_eq!(h.partner_name(), "Fujian");
    assert_eq!(h.model.browse.focus, Pane::Relationships);

    h.press(Cmd::Finder);
    type_text(&mut h, "Queensland delegation visits Semarang 2026");
    h.press(Cmd::Open);
    assert_eq!(h.partner_name(), "Queensland");
    let full = h.model.agreement_screen().expect("the agreement in full");
    assert!(full.marked.is_some());
    assert_eq!(full.timeline.selected(), full.marked.as_ref());

    h.press(Cmd::Finder);
    type_text(&mut h, "jatim");
    h.press(Cmd::Open);
    assert_eq!(h.region_name(), "Jawa Timur");
    assert_eq!(h.model.browse.focus, Pane::Regions);
}

#[test]
fn the_finder_waits_for_the_index_and_escape_closes_it() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Finder);
    type_text(&mut h, "fujian");
    assert!(h.model.finder().unwrap().hits.is_empty());
    let screen = h.screen(80, 24);
    assert!(screen.contains("building the search index"), "{screen}");
    with_index(&mut h);
    assert!(!h.model.finder().unwrap().hits.is_empty());
    h.press(Cmd::Back);
    assert!(h.model.finder().is_none());
}

#[test]
fn typing_in_the_finder_never_triggers_dashboard_keys() {
    let mut h = Harness::demo(Lang::En);
    with_index(&mut h);
    h.press(Cmd::Finder);
    // q would quit and j would move in the dashboard; here they are letters.
    let keys = [b'q', b'j', b'k', b'y'];
    for k in keys {
        let event = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(k as char),
            crossterm::event::KeyModifiers::NONE,
        );
        let cmd = kembar::tui::keymap::lookup(h.model.context(), &event).unwrap();
        h.press(cmd);
    }
    assert!(!h.model.ctx.quit);
    assert_eq!(h.model.finder().unwrap().input, "qjky");
}

#[test]
fn slash_filters_the_focused_list_in_place() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Filter);
    type_text(&mut h, "jawa");
    let names: Vec<String> = h
        .model
        .browse
        .regions
        .rows()
        .iter()
        .map(|p| place_name(&h, p))
        .collect();
    assert_eq!(names, ["Jawa Barat", "Jawa Tengah", "Jawa Timur"]);
    // Enter keeps the filter and returns to the list; j moves within it.
    h.press(Cmd::Open);
    assert!(!h.model.browse.filter.as_ref().unwrap().input.typing);
    h.press(Cmd::Down);
    assert_eq!(h.region_name(), "Jawa Tengah");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Regions /jawa"), "{screen}");
    // Esc clears it, keeping the selection.
    h.press(Cmd::Back);
    assert!(h.model.browse.filter.is_none());
    assert!(h.model.browse.regions.len() > 3);
    assert_eq!(h.region_name(), "Jawa Tengah");
}

#[test]
fn filtering_relationships_by_country_and_escape_while_typing_clears() {
    let mut h = Harness::demo(Lang::En);
    h.down_until("DKI Jakarta", |h| h.region_name() == "DKI Jakarta");
    h.press(Cmd::Open);
    h.press(Cmd::Filter);
    type_text(&mut h, "korea");
    assert_eq!(h.model.browse.agreements.len(), 1);
    assert_eq!(h.partner_name(), "Seoul");
    h.press(Cmd::Back);
    assert!(h.model.browse.filter.is_none());
    assert!(h.model.browse.agreements.len() > 1);
}

#[test]
fn a_pasted_query_is_cleaned_and_bounded() {
    let mut h = Harness::demo(Lang::En);
    with_index(&mut h);
    h.press(Cmd::Finder);
    h.act(Action::Paste(format!("fuj\u{1b}[2J{}", "x".repeat(10_000))));
    let input = &h.model.finder().unwrap().input;
    assert!(input.starts_with("fuj[2J"), "{input:?}");
    assert_eq!(input.chars().count(), 256);
}

#[test]
fn clearing_a_filter_that_matched_nothing_leaves_the_panes_consistent() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Back);
    h.press(Cmd::Filter);
    type_text(&mut h, "zzzz");
    assert!(h.model.browse.regions.is_empty());
    assert!(h.model.browse.agreements.is_empty());
    h.press(Cmd::Back);
    assert_eq!(h.region_name(), "Jawa Tengah");
    assert_eq!(h.partner_name(), "Queensland");
    let selected = h.model.selected_agreement().unwrap().id;
    assert_eq!(h.model.ctx.timeline.agreement, Some(selected));
    assert!(!h.model.ctx.timeline.activities.is_empty());

    // The same in the relationships pane.
    h.press(Cmd::Open);
    h.press(Cmd::Filter);
    type_text(&mut h, "zzzz");
    h.press(Cmd::Back);
    let selected = h.model.selected_agreement().unwrap().id;
    assert_eq!(h.model.ctx.timeline.agreement, Some(selected));
    assert!(!h.model.ctx.timeline.loading);
}

#[test]
fn a_paste_outside_an_input_changes_nothing() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Filter);
    type_text(&mut h, "jawa");
    h.press(Cmd::Open);
    h.act(Action::Paste("xyz".into()));
    assert_eq!(h.model.browse.filter.as_ref().unwrap().input.text, "jawa");
}

#[test]
fn the_triage_queue_opens_filters_and_jumps() {
    let (_dir, store) = common::demo_store();
    let (mut model, _) = Model::new(
        store.load_catalog().unwrap(),
        Start::local("2019-08-22".parse().unwrap(), Lang::En),
    );
    update(&mut model, Action::Resize(120, 40));
    update(&mut model, Action::Cmd(Cmd::Triage));
    let view = model.triage().expect("T opens the queue");
    let severities: Vec<u32> = view.queue.iter().map(|x| x.severity).collect();
    assert!(severities.windows(2).all(|w| w[0] >= w[1]));

    // Filter to Central Java: Siem Reap, Fujian and Chungcheongbuk-do, not Queensland.
    update(&mut model, Action::Cmd(Cmd::Filter));
    for c in "jawa tengah".chars() {
        update(&mut model, Action::Cmd(Cmd::Insert(c)));
    }
    update(&mut model, Action::Cmd(Cmd::Open));
    let view = model.triage().unwrap();
    let partners: Vec<String> = view
        .list
        .rows()
        .iter()
        .map(|id| {
            let a = model.ctx.catalog.agreement(*id).unwrap();
            model.ctx.catalog.partner_name(a).to_string()
        })
        .collect();
    for p in ["Siem Reap", "Fujian", "Chungcheongbuk-do"] {
        assert!(
            partners.iter().any(|x| x == p),
            "{p} missing from {partners:?}"
        );
    }
    assert!(!partners.iter().any(|x| x == "Queensland"), "{partners:?}");

    // Enter opens the agreement in full; Esc comes back to the queue as it was.
    let first = partners[0].clone();
    update(&mut model, Action::Cmd(Cmd::Open));
    let a = model.selected_agreement().unwrap();
    assert_eq!(model.ctx.catalog.partner_name(a), first);
    assert!(model.agreement_screen().is_some());
    update(&mut model, Action::Cmd(Cmd::Back));
    assert_eq!(model.triage().unwrap().list.len(), partners.len());

    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    update(&mut model, Action::Cmd(Cmd::Back));
    assert!(model.triage().unwrap().filter.is_none());
    update(&mut model, Action::Resize(80, 24));
    terminal
        .draw(|f| {
            view::view(&model, &Theme::builtin("default").unwrap(), f);
        })
        .unwrap();
    let screen = text_of(terminal.backend().buffer());
    insta::assert_snapshot!("triage_en_80x24", screen);
    update(&mut model, Action::Resize(120, 40));
    let mut wide = Terminal::new(TestBackend::new(120, 40)).unwrap();
    wide.draw(|f| {
        view::view(&model, &Theme::builtin("default").unwrap(), f);
    })
    .unwrap();
    insta::assert_snapshot!("triage_en_120x40", text_of(wide.backend().buffer()));
    assert!(screen.contains("needing renewal"), "{screen}");
    assert!(screen.contains("Lack of communication"), "{screen}");
    assert!(screen.contains("Triage"), "{screen}");
}

/// A filter keeps the rows whose words start with the query's words; rows it reaches only
/// with letters scattered through reasons or country names are left out ("siem" once listed
/// Los Angeles and Fort Worth beside Siem Reap), unless nothing matches better (a typo).
#[test]
fn the_triage_filter_keeps_what_the_words_name() {
    let (_dir, store) = common::demo_store();
    let (mut model, _) = Model::new(
        store.load_catalog().unwrap(),
        Start::local("2019-08-22".parse().unwrap(), Lang::En),
    );
    update(&mut model, Action::Resize(80, 24));
    update(&mut model, Action::Cmd(Cmd::Triage));
    let mut shown = |query: &str| -> Vec<String> {
        update(&mut model, Action::Cmd(Cmd::Filter));
        for c in query.chars() {
            update(&mut model, Action::Cmd(Cmd::Insert(c)));
        }
        let view = model.triage().unwrap();
        let names = view
            .list
            .rows()
            .iter()
            .map(|id| model.ctx.name_of(*id))
            .collect();
        update(&mut model, Action::Cmd(Cmd::Back));
        names
    };
    assert_eq!(shown("siem"), ["Jawa Tengah – Siem Reap"]);
    assert_eq!(shown("cambodia"), ["Jawa Tengah – Siem Reap"]);
    assert_eq!(shown("siem reap"), ["Jawa Tengah – Siem Reap"]);
    // Words of the reasons count from the start of a word.
    let expired = shown("expired");
    assert!(expired.len() > 3, "{expired:?}");
    assert!(
        expired.contains(&"Jawa Barat – Guangxi".to_string()),
        "{expired:?}"
    );
    // A typo still finds what it can.
    assert_eq!(shown("gangxi"), ["Jawa Barat – Guangxi"]);
}

/// Jumping to the first agreement of another region reads its timeline (the selection used
/// to drop that read, leaving "loading…" on screen).
#[test]
fn jumping_to_the_first_agreement_of_a_region_loads_its_timeline() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    let bali_first = h
        .model
        .ctx
        .catalog
        .agreements
        .iter()
        .filter(|a| a.region == "bali")
        .min_by_key(|a| h.model.ctx.catalog.partner_name(a).to_lowercase())
        .unwrap()
        .id;
    kembar::tui::model::jump(&mut h.model, &kembar::search::Target::Agreement(bali_first));
    h.act(Action::Resize(80, 24));
    assert_eq!(h.model.selected_agreement().unwrap().id, bali_first);
    assert_eq!(h.model.ctx.timeline.agreement, Some(bali_first));
    assert!(!h.model.ctx.timeline.loading, "the timeline was never read");
}

/// A viewer's hint bar and help offer no key that changes data, on every screen; pressing
/// one says why.
#[test]
fn a_read_only_session_is_offered_no_editing_key() {
    use kembar::domain::access::Access;
    let editing = [
        Cmd::Edit,
        Cmd::New,
        Cmd::LogActivity,
        Cmd::Tags,
        Cmd::AdvanceStage,
        Cmd::Renew,
        Cmd::Delete,
        Cmd::Undo,
        Cmd::MarkRenewal,
        Cmd::MarkRevitalization,
        Cmd::ProposeTermination,
        Cmd::Snooze,
        Cmd::FollowUp,
        Cmd::FollowUpDone,
        Cmd::ClearMarks,
    ];
    let labels: Vec<&str> = kembar::tui::keymap::BROWSE
        .iter()
        .chain(kembar::tui::keymap::TRIAGE)
        .chain(kembar::tui::keymap::AGREEMENT)
        .filter(|b| editing.contains(&b.cmd))
        .map(|b| b.label.in_lang(Lang::En))
        .collect();
    let mut h = Harness::demo(Lang::En);
    h.model.ctx.access = Access::viewer();
    h.open_queensland();
    let check = |h: &mut Harness, place: &str| {
        let screen = h.screen(120, 40);
        let hints = screen.lines().last().unwrap_or_default().to_string();
        for label in &labels {
            assert!(
                !hints.contains(label),
                "{place}: hint bar offers {label:?}: {hints}"
            );
        }
        h.press(Cmd::Help);
        let help = h.screen(120, 40);
        // The help's rows: "key  label" between the overlay's borders.
        let rows: Vec<&str> = help
            .lines()
            .flat_map(|l| l.split('│'))
            .map(str::trim_end)
            .collect();
        for label in &labels {
            assert!(
                !rows.iter().any(|r| r.ends_with(&format!("  {label}"))),
                "{place}: help offers {label:?}:\n{help}"
            );
        }
        assert!(help.contains("read-only"), "{help}");
        h.press(Cmd::Back);
    };
    check(&mut h, "browse");
    h.press(Cmd::Edit);
    assert!(h.model.form().is_none());
    assert!(
        h.model
            .ctx
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("read-only"),
        "pressing an editing key says why"
    );
    h.press(Cmd::Open);
    check(&mut h, "the agreement");
    h.press(Cmd::Triage);
    check(&mut h, "triage");
    h.press(Cmd::MarkRenewal);
    assert!(h.store.attention().unwrap().is_empty(), "nothing saved");
    // An editor is offered them.
    h.model.ctx.access = Access::full();
    h.press(Cmd::Down);
    let screen = h.screen(120, 40);
    assert!(
        screen.lines().last().unwrap().contains("renewal"),
        "{screen}"
    );
}

/// Enter on an obstacle tag in the finder lists every agreement carrying it.
#[test]
fn an_obstacle_tag_in_the_finder_opens_the_agreements_that_carry_it() {
    let mut h = Harness::demo(Lang::En);
    with_index(&mut h);
    h.press(Cmd::Finder);
    type_text(&mut h, "lack of communication");
    let first = h.model.finder().unwrap().list.selected().cloned();
    assert_eq!(
        first,
        Some(kembar::search::Target::Tag("communication".into()))
    );
    h.press(Cmd::Open);
    let list = h
        .model
        .list_screen()
        .expect("the agreements carrying the tag");
    let carrying: Vec<u64> = h
        .model
        .ctx
        .catalog
        .agreements
        .iter()
        .filter(|a| a.has_tag("communication"))
        .map(|a| a.id)
        .collect();
    assert!(carrying.len() > 1);
    let mut listed = list.list.rows().to_vec();
    listed.sort_unstable();
    let mut expected = carrying.clone();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains(&format!(
            "Lack of communication · {} agreements",
            carrying.len()
        )),
        "{screen}"
    );
    // Enter opens one; Esc comes back to the list.
    h.press(Cmd::Down);
    let chosen = h.model.target();
    h.press(Cmd::Open);
    assert_eq!(h.model.agreement_screen().map(|a| a.id), chosen);
    h.press(Cmd::Back);
    assert!(h.model.list_screen().is_some());
    assert_eq!(h.model.target(), chosen);
}

/// Esc on a changed checklist asks first, a tag just created included.
#[test]
fn the_tag_checklist_asks_before_discarding_changes() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Tags);
    h.press(Cmd::Back);
    assert!(h.model.tags().is_none(), "nothing changed: it just closes");

    h.press(Cmd::Tags);
    h.press(Cmd::New);
    type_text(&mut h, "Visa delays");
    h.press(Cmd::Open);
    h.press(Cmd::Back);
    assert!(
        h.model.prompt().is_some(),
        "a question before dropping the new tag"
    );
    h.press(Cmd::Insert('n'));
    assert!(h.model.tags().unwrap().created.len() == 1, "kept");
    h.press(Cmd::Back);
    h.press(Cmd::Insert('y'));
    assert!(h.model.tags().is_none());
    assert!(
        h.model.ctx.catalog.tag("visa-delays").is_none(),
        "nothing saved"
    );
}

/// Every report is in the detail, newest first, overdue ones said in words; a cut pane says
/// how much more there is.
#[test]
fn the_detail_lists_every_report_and_says_what_is_cut() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    let reports = h
        .model
        .selected_agreement()
        .unwrap()
        .reporting
        .reports
        .clone();
    assert!(reports.len() > 4, "Queensland owes more than four reports");
    h.press(Cmd::Open);
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&h.screen(120, 40));
        h.press(Cmd::PageDown);
    }
    for r in &reports {
        assert!(
            seen.contains(&format!("due {}", r.due)),
            "report due {} missing",
            r.due
        );
    }
    let first = h.screen(80, 24);
    h.press(Cmd::Top);
    assert!(h.screen(80, 24).contains("more lines"), "{first}");
}

/// A frame as text with, under each row, what its cells look like without colour: `R`
/// reversed, `B` bold, `U` underlined, `D` dim, `I` italic, `.` plain.
fn with_styles(buffer: &ratatui::buffer::Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let text: String = row.iter().map(|c| c.symbol()).collect();
        let marks: String = row
            .iter()
            .map(|c| {
                let m = c.modifier;
                if m.contains(Modifier::REVERSED) {
                    'R'
                } else if m.contains(Modifier::UNDERLINED) {
                    'U'
                } else if m.contains(Modifier::BOLD) {
                    'B'
                } else if m.contains(Modifier::DIM) {
                    'D'
                } else if m.contains(Modifier::ITALIC) {
                    'I'
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(text.trim_end());
        out.push('\n');
        out.push_str(marks.trim_end_matches('.'));
        out.push('\n');
    }
    out
}

/// Without colour, overdue reports, quiet and expired agreements, severity and the read-only
/// mark still read: by words and signs, in bold, reversed or dim text.
#[test]
fn without_colour_every_state_still_reads() {
    let mut h = Harness::demo(Lang::En);
    h.open_queensland();
    h.press(Cmd::Down);
    let mono = Theme::monochrome();
    h.act(Action::Resize(100, 30));
    let main = h.draw(100, 30, &mono);
    let text = text_of(&main);
    assert!(text.contains("× Fujian"), "expired by its sign:\n{text}");
    assert!(text.contains("expired"), "{text}");
    insta::assert_snapshot!("no_color_main_100x30", with_styles(&main));

    // Fujian's reports: the overdue ones say so.
    h.press(Cmd::Open);
    let detail = h.draw(100, 30, &mono);
    let text = text_of(&detail);
    insta::assert_snapshot!("no_color_agreement_100x30", with_styles(&detail));
    assert!(text.contains("overdue · not submitted"), "{text}");

    h.press(Cmd::Triage);
    let triage = h.draw(100, 30, &mono);
    insta::assert_snapshot!("no_color_triage_100x30", with_styles(&triage));

    h.model.ctx.access = kembar::domain::access::Access::viewer();
    let viewer = text_of(&h.draw(100, 30, &mono));
    assert!(
        viewer.lines().next().unwrap().contains("[read-only]"),
        "{viewer}"
    );
}

/// The triage bar is full of decision keys; the way back and the way to the other keys stay
/// on it at both sizes, in both languages.
#[test]
fn the_triage_hint_bar_always_offers_back_and_help() {
    use kembar::i18n::T;
    for lang in [Lang::En, Lang::Id] {
        let mut h = Harness::demo(lang);
        h.press(Cmd::Triage);
        assert!(h.model.triage().is_some());
        for (w, hgt) in [(120u16, 40u16), (80, 24)] {
            let screen = h.screen(w, hgt);
            let bar = screen.lines().last().unwrap_or_default();
            for wanted in [
                format!("Esc {}", T::KeyBack.in_lang(lang)),
                format!("? {}", T::KeyHelp.in_lang(lang)),
            ] {
                assert!(
                    bar.contains(&wanted),
                    "{lang:?} {w}x{hgt}: the bar lacks {wanted:?}: {bar}"
                );
            }
            // The decision keys that fit are still there, from the top of the table.
            assert!(
                bar.contains(&format!("r {}", T::KeyMarkRenewal.in_lang(lang))),
                "{bar}"
            );
        }
    }
}

/// The whole country is the first row in every sort order, with every agreement counted and
/// the worst mark of all; the dashboard still opens on a region holding agreements.
#[test]
fn the_whole_country_comes_first_in_every_sort_order() {
    let mut h = Harness::demo(Lang::En);
    let selected = h.model.browse.selected_place().cloned();
    assert!(
        matches!(&selected, Some(Place::Region(id)) if !h.model.ctx.catalog.agreements_of(id).is_empty()),
        "{selected:?}"
    );
    let total = h.model.ctx.catalog.agreements.len();
    let worst = h
        .model
        .ctx
        .catalog
        .agreements
        .iter()
        .map(|a| h.model.ctx.health_of(a))
        .max();
    for _ in 0..3 {
        let sort = h.model.browse.sort;
        assert_eq!(
            h.model.browse.regions.rows().first(),
            Some(&Place::Country),
            "{sort:?}"
        );
        let country = h.model.browse.figures(&Place::Country).unwrap();
        assert_eq!(country.count, total);
        assert_eq!(country.health, worst);
        assert_eq!(
            country.trouble,
            region_figures(&h).iter().map(|r| r.trouble).sum::<u32>()
        );
        assert_eq!(
            h.model.browse.selected_place(),
            selected.as_ref(),
            "{sort:?}"
        );
        h.press(Cmd::CycleSort);
    }
    // Drawn first, bold like a province, with the count and the worst mark.
    h.act(Action::Resize(80, 24));
    let buffer = h.draw(80, 24, &Theme::builtin("default").unwrap());
    let screen = text_of(&buffer);
    let row = screen.lines().nth(2).unwrap();
    let inside: String = row.chars().skip(1).take(22).collect();
    assert_eq!(inside, format!("All Indonesia     {total} ×"), "{screen}");
    let x = buffer.area.width as usize * 2 + 1;
    assert!(buffer.content[x].modifier.contains(Modifier::BOLD));
}

/// The title of the relationships pane's column after the partner's.
fn column_after_partner(screen: &str, lang: Lang) -> String {
    let partner = kembar::i18n::T::Partner.in_lang(lang);
    let header = screen.lines().find(|l| l.contains(partner)).unwrap();
    let after = header.split(partner).nth(1).unwrap();
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// On the whole country's row the relationships pane lists every agreement by partner name,
/// each with its region, under a title that says so; `/` there finds regions' names too.
#[test]
fn the_whole_country_lists_every_agreement_with_its_region() {
    for lang in [Lang::En, Lang::Id] {
        let mut h = Harness::demo(lang);
        h.press(Cmd::Top);
        assert_eq!(h.model.browse.selected_place(), Some(&Place::Country));
        assert_eq!(h.model.browse.selected_region(), None);
        assert!(h.model.selected_region().is_none());
        let c = std::sync::Arc::clone(&h.model.ctx.catalog);
        let listed = h.model.browse.agreements.rows().to_vec();
        let mut all: Vec<u64> = c.agreements.iter().map(|a| a.id).collect();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        all.sort_unstable();
        assert_eq!(sorted, all, "every agreement, once");
        let names: Vec<String> = listed
            .iter()
            .map(|&id| c.partner_name(c.agreement(id).unwrap()).to_lowercase())
            .collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
        for (w, hgt) in [(80u16, 24u16), (120, 40)] {
            let screen = h.screen(w, hgt);
            let title = format!(
                "{} · {}",
                kembar::i18n::T::Relationships.in_lang(lang),
                kembar::i18n::T::WholeCountry.in_lang(lang)
            );
            assert!(screen.contains(&title), "{screen}");
            assert_eq!(
                column_after_partner(&screen, lang),
                kembar::i18n::T::Region.in_lang(lang),
                "a region column at {w}x{hgt}:\n{screen}"
            );
            // The first rows on screen name their regions.
            for &id in listed.iter().take(5) {
                let a = c.agreement(id).unwrap();
                let row = screen
                    .lines()
                    .find(|l| l.contains(c.partner_name(a)) && l.contains(c.region_name(a)));
                assert!(
                    row.is_some(),
                    "{} of {} at {w}x{hgt}:\n{screen}",
                    c.partner_name(a),
                    c.region_name(a)
                );
            }
        }
        // A region's list has no region column.
        h.press(Cmd::Down);
        let screen = h.screen(120, 40);
        assert_eq!(
            column_after_partner(&screen, lang),
            kembar::i18n::T::Country.in_lang(lang),
            "{screen}"
        );
        // `/` on the whole country's agreements: a province's name or short name finds its
        // own and its cities' and regencies' (Semarang's), as in triage.
        h.press(Cmd::Top);
        h.press(Cmd::Open);
        let jateng: Vec<u64> = c
            .agreements
            .iter()
            .filter(|a| {
                a.region == "jawa-tengah"
                    || c.region(&a.region)
                        .is_some_and(|r| r.province.as_deref() == Some("jawa-tengah"))
            })
            .map(|a| a.id)
            .collect();
        assert!(
            jateng
                .iter()
                .any(|&id| c.agreement(id).unwrap().region == "kota-semarang")
        );
        assert!(jateng.len() > 1);
        for query in ["jawa tengah", "jateng"] {
            h.press(Cmd::Filter);
            type_text(&mut h, query);
            let mut found = h.model.browse.agreements.rows().to_vec();
            found.sort_unstable();
            assert_eq!(found, jateng, "{query}");
            h.press(Cmd::Back);
            assert_eq!(h.model.browse.agreements.len(), c.agreements.len());
        }
    }
}

/// `M` on the whole country's row opens the whole country's map.
#[test]
fn m_on_the_whole_country_opens_the_whole_country_map() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Top);
    h.press(Cmd::Map);
    let Some(kembar::tui::screens::Screen::Map(map)) = h.model.screens.last() else {
        panic!("M opens the map");
    };
    assert_eq!(map.scope, kembar::tui::screens::map::Scope::Country);
    assert_eq!(map.items.len(), h.model.ctx.catalog.agreements.len());
    let screen = h.screen(120, 40);
    let title = screen.lines().nth(1).unwrap();
    assert!(
        title.contains(kembar::i18n::T::WholeCountry.in_lang(Lang::En)),
        "{screen}"
    );
    // Back on the row it was opened from.
    h.press(Cmd::Back);
    assert_eq!(h.model.browse.selected_place(), Some(&Place::Country));
}

/// A `/` filter on the regions keeps the whole country's row only when the query names it.
#[test]
fn a_region_filter_keeps_the_whole_country_only_when_it_names_it() {
    let shown = |lang: Lang, query: &str| -> bool {
        let mut h = Harness::demo(lang);
        h.press(Cmd::Filter);
        type_text(&mut h, query);
        h.model.browse.regions.rows().contains(&Place::Country)
    };
    assert!(!shown(Lang::En, "jawa"));
    assert!(!shown(Lang::En, "bali"));
    assert!(!shown(Lang::En, "zzzz"));
    assert!(shown(Lang::En, "whole"));
    assert!(shown(Lang::En, "country"));
    assert!(shown(Lang::En, "all"));
    assert!(shown(Lang::En, "indonesia"));
    assert!(shown(Lang::Id, "seluruh"));
    assert!(shown(Lang::Id, "indonesia"));
    assert!(!shown(Lang::Id, "jawa"));
}
