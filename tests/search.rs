//! Search ranking on the demo data, and properties that must hold for any query.

mod common;

use std::collections::BTreeMap;

use kembar::i18n::Lang;
use kembar::search::{self, DocKind, Finder, Index, Target};
use kembar::store::interchange::read_dataset;
use kembar::store::{Actor, ImportMode, Store};
use proptest::prelude::*;
use std::sync::OnceLock;

fn demo_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), "test").unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json");
        let actor = Actor::new("t", "t");
        store
            .import(
                &read_dataset(&path).unwrap(),
                "demo",
                ImportMode::Merge,
                &actor,
            )
            .unwrap();
        let catalog = store.load_catalog().unwrap();
        let mut aliases = BTreeMap::new();
        aliases.insert("kota lumpia".to_string(), "kota-semarang".to_string());
        search::build(&catalog, &store, Lang::En, &aliases).unwrap()
    })
}

fn best(query: &str) -> (DocKind, String, Target) {
    let index = demo_index();
    let mut finder = Finder::new(Vec::new());
    finder.search(index, query);
    let top = finder.top(1);
    let hit = top
        .first()
        .unwrap_or_else(|| panic!("{query:?} found nothing"));
    (
        index.kind(hit.doc),
        index.display(hit.doc).to_string(),
        index.target(hit.doc).clone(),
    )
}

/// The right record first, for queries people type in meetings (typos, other scripts,
/// short forms, missing accents).
#[test]
fn the_right_record_comes_first() {
    let partner = |id: &str| Target::Partner(id.to_string());
    let region = |id: &str| Target::Region(id.to_string());
    let table: &[(&str, Target)] = &[
        ("fujian", partner("fujian")),
        ("fujain", partner("fujian")),
        ("queensland", partner("queensland")),
        ("queenslnd", partner("queensland")),
        ("qld", partner("queensland")),
        ("福建", partner("fujian")),
        ("福建省", partner("fujian")),
        ("충청북도", partner("chungcheongbuk-do")),
        ("충청북", partner("chungcheongbuk-do")),
        ("chungbuk", partner("chungcheongbuk-do")),
        ("សៀមរាប", partner("siem-reap")),
        ("siem reap", partner("siem-reap")),
        ("京都", partner("kyoto-prefecture")),
        ("kyoto", partner("kyoto-prefecture")),
        ("sao paulo", partner("sao-paulo")),
        ("são paulo", partner("sao-paulo")),
        ("SAO PAULO", partner("sao-paulo")),
        ("hue", partner("hue")),
        ("braunschweig", partner("braunschweig")),
        ("brunswick", partner("braunschweig")),
        ("seatle", partner("seattle")),
        ("jateng", region("jawa-tengah")),
        ("jawa tengah", region("jawa-tengah")),
        ("Jawa Tengah", region("jawa-tengah")),
        ("provinsi jawa tengah", region("jawa-tengah")),
        ("jatim", region("jawa-timur")),
        ("jogja", region("di-yogyakarta")),
        ("diy", region("di-yogyakarta")),
        ("kota lumpia", region("kota-semarang")),
        ("surabaya", region("kota-surabaya")),
        ("bali", region("bali")),
    ];
    let mut wrong = Vec::new();
    for (query, want) in table {
        let (_, text, got) = best(query);
        if &got != want {
            wrong.push(format!("{query:?}: got {got:?} ({text}), want {want:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        table.len(),
        wrong.join("\n")
    );
}

#[test]
fn countries_tags_and_activities_are_found() {
    assert_eq!(best("cambodia").2, Target::Country("Cambodia".into()));
    assert_eq!(best("ceremonial").0, DocKind::Tag);
    assert_eq!(
        best("kurangnya komunikasi").2,
        Target::Tag("communication".into())
    );
    let (kind, text, _) = best("misi dagang");
    assert!(kind == DocKind::Activity, "{kind:?} {text}");
}

#[test]
fn an_agreement_is_found_by_both_sides() {
    let (kind, text, _) = best("jateng fujian");
    assert_eq!(kind, DocKind::Agreement, "{text}");
    assert!(text.starts_with("Jawa Tengah – Fujian"), "{text}");
    let (kind, text, _) = best("bandung braunschweig");
    assert_eq!(kind, DocKind::Agreement, "{text}");
}

#[test]
fn activity_results_say_where_and_when() {
    let index = demo_index();
    let mut finder = Finder::new(vec![DocKind::Activity]);
    finder.search(index, "fujian");
    let hit = finder.top(1)[0];
    let context = index.context(hit.doc);
    assert!(context.starts_with("Jawa Tengah – Fujian · "), "{context}");
    assert!(
        context.len() > "Jawa Tengah – Fujian · ".len() + 9,
        "{context}"
    );
}

#[test]
fn typing_on_narrows_and_gives_the_same_answer_as_a_fresh_search() {
    let index = demo_index();
    let mut typed = Finder::new(Vec::new());
    let mut last = usize::MAX;
    for end in 1..="queensland".len() {
        let n = typed.search(index, &"queensland"[..end]);
        assert!(n <= last, "more results after typing more");
        last = n;
    }
    let mut fresh = Finder::new(Vec::new());
    fresh.search(index, "queensland");
    assert_eq!(typed.top(50), fresh.top(50));
}

#[test]
fn hostile_queries_do_not_panic() {
    let index = demo_index();
    for query in [
        String::new(),
        " ".repeat(50),
        "x".repeat(10_000),
        "日本".repeat(5_000),
        "!@#$%^&*()_+{}|:<>?".to_string(),
        "\u{1b}[2J\u{7}\u{0}".to_string(),
        "\u{202e}fujian".to_string(),
    ] {
        let mut f = Finder::new(Vec::new());
        f.search(index, &query);
        let _ = f.top(20);
    }
    let mut f = Finder::new(Vec::new());
    assert_eq!(
        f.search(index, ""),
        index.len(),
        "an empty query lists everything"
    );
    assert!(
        f.search(index, "\u{1b}fujian") > 0,
        "control characters are ignored"
    );
}

#[test]
fn highlights_fall_on_the_matched_characters() {
    let index = demo_index();
    let mut f = Finder::new(vec![DocKind::Partner]);
    f.search(index, "sao paulo");
    let doc = f.top(1)[0].doc;
    let positions = search::highlights(index, doc, "sao paulo");
    let chars: Vec<char> = index.display(doc).chars().collect();
    let picked: String = positions.iter().map(|&i| chars[i]).collect();
    assert_eq!(picked, "São Paulo");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_query_is_safe_and_sorted(query in "\\PC{0,40}") {
        let index = demo_index();
        let mut f = Finder::new(Vec::new());
        f.search(index, &query);
        let top = f.top(100);
        prop_assert!(top.windows(2).all(|w| w[0].score > w[1].score
            || (w[0].score == w[1].score && w[0].doc < w[1].doc)));
    }

    #[test]
    fn any_bytes_as_a_query_are_safe(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let index = demo_index();
        let query = String::from_utf8_lossy(&bytes);
        let mut f = Finder::new(Vec::new());
        f.search(index, &query);
        let _ = f.top(10);
    }
}

#[test]
fn capitalised_names_in_other_scripts_match_as_typed() {
    let partner = |id: &str, name: &str| kembar::domain::Partner {
        id: id.into(),
        name: name.into(),
        country: "Russia".into(),
        level: "city".into(),
        aliases: vec![],
        coordinates: None,
    };
    let catalog = kembar::domain::Catalog::new(
        vec![],
        vec![],
        vec![],
        vec![partner("moskva", "Москва"), partner("athina", "Αθήνα")],
        vec![],
        Default::default(),
    );
    let index = kembar::search::IndexBuilder::new(&catalog, Lang::En, &BTreeMap::new()).finish();
    for (query, id) in [("мо", "moskva"), ("москва", "moskva"), ("αθ", "athina")] {
        let mut f = Finder::new(vec![DocKind::Partner]);
        f.search(&index, query);
        let top = f.top(1);
        assert_eq!(
            top.first().map(|h| index.target(h.doc)),
            Some(Target::Partner(id.into())),
            "{query}"
        );
    }
}

#[test]
fn punctuation_alone_matches_only_texts_that_contain_it() {
    let index = demo_index();
    let mut f = Finder::new(vec![DocKind::Partner]);
    f.search(index, ",");
    for hit in f.top(100) {
        assert!(
            index.display(hit.doc).contains(','),
            "{}",
            index.display(hit.doc)
        );
    }
}
