//! The world map (`M`) and the trends screen (`Y`): drawn into ratatui's TestBackend over the
//! demo data, with colour and without.

mod common;

use kembar::domain::geo;
use kembar::domain::{Coordinates, Health};
use kembar::i18n::Lang;
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ImportMode, Store};
use kembar::tui::keymap::Cmd;
use kembar::tui::layout;
use kembar::tui::model::{Action, Start};
use kembar::tui::screens::Screen;
use kembar::tui::screens::map::MapScreen;
use kembar::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use tempfile::TempDir;

use common::harness::{Harness, TODAY, text_of};

fn map(h: &Harness) -> &MapScreen {
    match h.model.screens.last() {
        Some(Screen::Map(m)) => m,
        _ => panic!("the map is not in front"),
    }
}

/// Jawa Tengah selected in the regions pane, then `M`.
fn jawa_tengah_map(lang: Lang) -> Harness {
    let mut h = Harness::demo(lang);
    h.down_until("Jawa Tengah", |h| h.region_name() == "Jawa Tengah");
    h.press(Cmd::Map);
    h
}

/// The whole country's map: `M` from the triage screen.
fn country_map(lang: Lang) -> Harness {
    let mut h = Harness::demo(lang);
    h.press(Cmd::Triage);
    h.press(Cmd::Map);
    h
}

/// Draws twice: the first frame tells the model the map's size, as a running dashboard's
/// first frame does.
fn draw(h: &mut Harness, w: u16, hgt: u16, theme: &Theme) -> Buffer {
    h.act(Action::Resize(w, hgt));
    h.draw(w, hgt, theme);
    h.draw(w, hgt, theme)
}

/// The map's drawing area in a terminal of this size.
fn map_area(w: u16, hgt: u16) -> Rect {
    let (_, body, _) = layout::frame(Rect::new(0, 0, w, hgt));
    let (map, _) = layout::map(body);
    Rect::new(map.x + 1, map.y + 1, map.width - 2, map.height - 2)
}

/// A frame as text with, under each row, what its cells look like: `g` `y` `r` the active,
/// quiet and expired colours, `a` the accent, `R` reversed; other cells `.`.
fn with_looks(buffer: &Buffer, theme: &Theme) -> String {
    let width = buffer.area.width as usize;
    let colour = |s: Style| s.fg.unwrap_or(Color::Reset);
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let text: String = row.iter().map(|c| c.symbol()).collect();
        let marks: String = row
            .iter()
            .map(|c| {
                if c.modifier.contains(Modifier::REVERSED) {
                    'R'
                } else if c.symbol().trim().is_empty() || c.fg == Color::Reset {
                    '.'
                } else if c.fg == colour(theme.active) {
                    'g'
                } else if c.fg == colour(theme.quiet) {
                    'y'
                } else if c.fg == colour(theme.expired) {
                    'r'
                } else if c.fg == colour(theme.accent) {
                    'a'
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

#[test]
fn jawa_tengah_on_the_map_at_two_sizes_with_and_without_colour() {
    let colour = Theme::builtin("default").unwrap();
    let mono = Theme::monochrome();
    for (w, hgt) in [(80u16, 24u16), (120, 40)] {
        let mut h = jawa_tengah_map(Lang::En);
        let buffer = draw(&mut h, w, hgt, &colour);
        let text = text_of(&buffer);
        assert!(
            text.contains("Jawa Tengah: 4 partners in 4 countries"),
            "{text}"
        );
        insta::assert_snapshot!(
            format!("jawa_tengah_{w}x{hgt}"),
            with_looks(&buffer, &colour)
        );
        let buffer = draw(&mut h, w, hgt, &mono);
        insta::assert_snapshot!(
            format!("jawa_tengah_no_color_{w}x{hgt}"),
            with_looks(&buffer, &mono)
        );
    }
}

#[test]
fn the_whole_country_on_the_map_at_two_sizes_with_and_without_colour() {
    let colour = Theme::builtin("default").unwrap();
    let mono = Theme::monochrome();
    for (w, hgt) in [(80u16, 24u16), (120, 40)] {
        let mut h = country_map(Lang::En);
        let buffer = draw(&mut h, w, hgt, &colour);
        let text = text_of(&buffer);
        let (partners, countries) = map(&h).counts();
        assert!(
            text.contains(&format!(
                "All Indonesia: {partners} partners in {countries} countries"
            )),
            "{text}"
        );
        // Where partners cluster, the country's count: eight Japanese partners.
        assert!(text.contains("Japan 8"), "{text}");
        insta::assert_snapshot!(format!("country_{w}x{hgt}"), with_looks(&buffer, &colour));
        let buffer = draw(&mut h, w, hgt, &mono);
        insta::assert_snapshot!(
            format!("country_no_color_{w}x{hgt}"),
            with_looks(&buffer, &mono)
        );
    }
}

/// Every partner's mark is in the cell the projection gives, with its health's shape, and the
/// region's seat is marked; at two sizes.
#[test]
fn every_partner_is_drawn_where_the_projection_puts_it() {
    for (w, hgt) in [(80u16, 24u16), (120, 40)] {
        let mut h = jawa_tengah_map(Lang::En);
        let buffer = draw(&mut h, w, hgt, &Theme::monochrome());
        let area = map_area(w, hgt);
        assert_eq!(h.model.ctx.geometry.map, (area.width, area.height));
        let m = map(&h);
        let view = m.view_in(area.width, area.height);
        let bounds = view.bounds(area.width, area.height);
        let at = |c: Coordinates| {
            let (x, y) = geo::cell(&bounds, c, area.width, area.height).expect("on the map");
            buffer[(area.x + x, area.y + y)].symbol().to_string()
        };
        for item in &m.items {
            let mark = kembar::i18n::text::health_mark(item.health);
            assert_eq!(at(item.at.unwrap()), mark, "{} at {w}x{hgt}", item.partner);
        }
        let seat = m.seats[0].at.unwrap();
        assert_eq!(at(seat), "◆");
        // Every health has its own shape: Jawa Tengah has active and expired partners.
        let healths: std::collections::BTreeSet<Health> =
            m.items.iter().map(|x| x.health).collect();
        assert!(healths.contains(&Health::Active) && healths.contains(&Health::Expired));
    }
}

#[test]
fn tab_cycles_partners_enter_opens_and_esc_comes_back() {
    let mut h = jawa_tengah_map(Lang::En);
    draw(&mut h, 80, 24, &Theme::monochrome());
    let names: Vec<String> = map(&h).items.iter().map(|x| x.partner.clone()).collect();
    assert_eq!(names.len(), 4);
    let first = map(&h).current().unwrap().partner.clone();
    assert_eq!(first, names[0]);
    h.press(Cmd::NextPane);
    assert_eq!(map(&h).current().unwrap().partner, names[1]);
    h.press(Cmd::PrevPane);
    h.press(Cmd::PrevPane);
    assert_eq!(map(&h).current().unwrap().partner, names[3]);
    // The panel names the partner, its country and its agreement.
    let text = text_of(&draw(&mut h, 80, 24, &Theme::monochrome()));
    let chosen = map(&h).current().unwrap().clone();
    assert!(text.contains(&chosen.partner), "{text}");
    assert!(text.contains(&chosen.country), "{text}");
    assert!(text.contains("Jawa Tengah –"), "{text}");
    assert!(text.contains("2023-10-12"), "{text}");
    h.press(Cmd::Open);
    let open = h
        .model
        .agreement_screen()
        .expect("the agreement in full")
        .id;
    assert_eq!(open, chosen.agreement);
    h.press(Cmd::Back);
    assert_eq!(map(&h).current().unwrap().agreement, chosen.agreement);
    h.press(Cmd::Back);
    assert!(h.model.screens.is_empty());
    assert_eq!(h.region_name(), "Jawa Tengah");
}

#[test]
fn zoom_pan_reset_and_the_whole_country() {
    let mut h = jawa_tengah_map(Lang::En);
    draw(&mut h, 120, 40, &Theme::monochrome());
    let (cols, rows) = h.model.ctx.geometry.map;
    let fitted = map(&h).view_in(cols, rows);
    h.press(Cmd::ZoomIn);
    let closer = map(&h).view.unwrap();
    assert_eq!(closer.lon_span, fitted.lon_span / 2.0);
    h.press(Cmd::Right);
    assert!(map(&h).view.unwrap().center.lon > closer.center.lon);
    h.press(Cmd::ZoomOut);
    h.press(Cmd::ZoomOut);
    assert_eq!(map(&h).view.unwrap().lon_span, fitted.lon_span * 2.0);
    h.press(Cmd::ResetView);
    assert_eq!(map(&h).view, None);

    // `w`: every partner of the country, the same one still selected; again: the region.
    h.press(Cmd::NextPane);
    let chosen = map(&h).selected;
    h.press(Cmd::WholeCountry);
    let text = text_of(&draw(&mut h, 120, 40, &Theme::monochrome()));
    assert!(text.contains("All Indonesia:"), "{text}");
    assert_eq!(map(&h).items.len(), 48);
    assert_eq!(map(&h).selected, chosen);
    h.press(Cmd::WholeCountry);
    assert_eq!(map(&h).items.len(), 4);
    assert_eq!(map(&h).selected, chosen);
}

#[test]
fn a_small_terminal_is_told_the_map_needs_more_room() {
    let mut h = jawa_tengah_map(Lang::En);
    let text = text_of(&draw(&mut h, 60, 15, &Theme::monochrome()));
    assert!(
        text.contains("The map needs a terminal of at least 70x20"),
        "{text}"
    );
    let mut h = jawa_tengah_map(Lang::Id);
    let text = text_of(&draw(&mut h, 69, 24, &Theme::monochrome()));
    assert!(text.contains("Peta perlu terminal"), "{text}");
}

/// A partner and a region without coordinates are listed beside the map, not left out.
#[test]
fn places_without_coordinates_are_listed_beside_the_map() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("store"), "test").unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json");
    let mut data = read_dataset(&path).unwrap();
    for p in &mut data.partners {
        if p.id == "da-nang" {
            p.coordinates = None;
        }
    }
    for r in &mut data.regions {
        if r.id == "kota-semarang" {
            r.coordinates = None;
        }
    }
    let actor = Actor::new("tester", "test");
    store
        .import(&data, "demo.json", ImportMode::Merge, &actor)
        .unwrap();
    let mut h = Harness::on(dir, store, Start::local(TODAY.parse().unwrap(), Lang::En));
    h.down_until("Semarang", |h| h.region_name() == "Semarang");
    h.press(Cmd::Map);
    let text = text_of(&draw(&mut h, 80, 24, &Theme::monochrome()));
    assert!(text.contains("Without coordinates"), "{text}");
    assert!(text.contains("◆ Semarang"), "{text}");
    assert!(text.contains("Da Nang (Vietnam)"), "{text}");
    assert!(
        text.contains("Semarang: 3 partners in 3 countries"),
        "{text}"
    );
    assert!(text.contains("E: set the region's seat"), "{text}");
    assert!(text.contains("Enter, e: partner place"), "{text}");

    // `E` on the map sets the seat: a place that is not one is refused on the field...
    let entries = h.store.audit_entries().unwrap().len();
    h.press(Cmd::EditRegion);
    let typed = |h: &mut Harness, text: &str| {
        h.press(Cmd::ClearInput);
        for c in text.chars() {
            h.press(Cmd::Insert(c));
        }
        h.press(Cmd::Save);
    };
    typed(&mut h, "-6.98, 210.42");
    let form = h.model.form().expect("the seat form stays open");
    assert!(form.fields[0].error.is_some(), "{form:?}");
    assert_eq!(h.store.audit_entries().unwrap().len(), entries);
    // ...and a real one is saved, audited, and drawn.
    typed(&mut h, "-6.98, 110.42");
    assert!(h.model.form().is_none(), "the form did not close");
    let semarang = h
        .store
        .load_catalog()
        .unwrap()
        .region("kota-semarang")
        .unwrap()
        .coordinates;
    assert_eq!(
        semarang,
        Some(Coordinates {
            lat: -6.98,
            lon: 110.42
        })
    );
    let audit = h.store.audit_entries().unwrap();
    assert_eq!(audit.len(), entries + 1);
    assert_eq!(audit.last().unwrap().action, "seat");
    let text = text_of(&draw(&mut h, 80, 24, &Theme::monochrome()));
    // No longer listed beside the map, and marked on it (beside the legend's mark).
    assert!(!text.contains("◆ Semarang"), "{text}");
    assert!(!text.contains("E: set the region's seat"), "{text}");
    assert_eq!(text.matches('◆').count(), 2, "{text}");
}

#[test]
fn the_seat_key_needs_one_region() {
    let mut h = country_map(Lang::En);
    assert_eq!(
        h.model.available(Cmd::EditRegion),
        Err(kembar::tui::model::Why::NoRegion)
    );
    h.press(Cmd::EditRegion);
    assert!(h.model.form().is_none());
    let mut h = jawa_tengah_map(Lang::En);
    assert_eq!(h.model.available(Cmd::EditRegion), Ok(()));
    h.press(Cmd::EditRegion);
    let form = h.model.form().expect("the seat form");
    assert!(
        form.title.contains("Provinsi Jawa Tengah"),
        "{}",
        form.title
    );
    // Opened and closed unchanged: nothing to save, nothing audited.
    let entries = h.store.audit_entries().unwrap().len();
    h.press(Cmd::Save);
    assert!(h.model.form().is_none());
    assert_eq!(h.store.audit_entries().unwrap().len(), entries);
}

#[test]
fn trends_open_from_the_triage_screen_and_the_hint_bar_says_so() {
    let mut h = Harness::demo(Lang::En);
    h.press(Cmd::Triage);
    let text = h.screen(120, 40);
    let hints = text.lines().last().unwrap().to_string();
    assert!(hints.contains("Y trends by year"), "{hints}");
    h.press(Cmd::Trends);
    let text = h.screen(80, 24);
    assert!(text.contains("Trends by year"), "{text}");
    assert!(text.contains("MoUs in force at year end"), "{text}");
    insta::assert_snapshot!("trends_80x24", text);
    let wide = h.screen(120, 40);
    insta::assert_snapshot!("trends_120x40", wide);
    // The latest year is selected; years are kept by year, not by row.
    let Some(Screen::Trends(t)) = h.model.screens.last() else {
        panic!("trends not in front")
    };
    assert_eq!(t.years.selected(), Some(&2026));
    h.press(Cmd::Up);
    let Some(Screen::Trends(t)) = h.model.screens.last() else {
        panic!("trends not in front")
    };
    assert_eq!(t.years.selected(), Some(&2025));
    h.press(Cmd::Back);
    assert!(h.model.triage().is_some());
}

#[test]
fn a_seat_changed_meanwhile_is_said_and_the_next_save_puts_yours_over_it() {
    let mut h = jawa_tengah_map(Lang::En);
    h.press(Cmd::EditRegion);
    h.press(Cmd::ClearInput);
    for c in "-7.1, 110.1".chars() {
        h.press(Cmd::Insert(c));
    }
    // Someone else sets the seat while the form is open.
    let region = h
        .store
        .load_catalog()
        .unwrap()
        .region("jawa-tengah")
        .unwrap()
        .clone();
    let theirs = Coordinates {
        lat: -7.2,
        lon: 110.2,
    };
    h.store
        .apply(
            kembar::domain::edits::seat_change(&region, Some(theirs)),
            &Actor::new("budi", "ssh SHA256:other"),
        )
        .unwrap();
    h.press(Cmd::Save);
    let form = h
        .model
        .form()
        .expect("the form stays open with what was typed");
    let error = form.error.clone().unwrap_or_default();
    assert!(error.contains("Jawa Tengah was changed by budi"), "{error}");
    assert!(error.contains("next Ctrl-s"), "{error}");
    assert_eq!(form.fields[0].text(), "-7.1, 110.1");
    h.press(Cmd::Save);
    assert!(
        h.model.form().is_none(),
        "the second save did not go through"
    );
    let now = h.store.load_catalog().unwrap();
    assert_eq!(
        now.region("jawa-tengah").unwrap().coordinates,
        Some(Coordinates {
            lat: -7.1,
            lon: 110.1
        })
    );
}
