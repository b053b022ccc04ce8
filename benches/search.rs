//! Time per keystroke in the finder while a query grows one character at a time.
//!
//! For 1,000, 10,000 and 100,000 generated agreements (ten activities each, so up to a
//! million activity documents), each benchmark measures one keystroke: the search run when
//! the n-th character of "jawa tengah" is typed, starting from the state the first n-1
//! characters left (the previous matches, which an appended character narrows).

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use kembar::i18n::Lang;
use kembar::search::{Finder, Index, IndexBuilder};

const QUERY: &str = "jawa tengah";

fn index_of(agreements: usize) -> Index {
    let data = kembar::synth::generate(agreements, 10, 1);
    let catalog = kembar::domain::Catalog::new(
        data.stages.clone(),
        data.tags.clone(),
        data.regions.clone(),
        data.partners.clone(),
        data.agreements.clone(),
        Default::default(),
    );
    let mut builder = IndexBuilder::new(&catalog, Lang::En, &BTreeMap::new());
    for a in &data.activities {
        builder.add_activity(a);
    }
    builder.finish()
}

fn benches(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("KEMBAR_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let index = index_of(n);
        let mut group = c.benchmark_group(format!("keystroke/{n}"));
        group.sample_size(20);
        let mut before = Finder::new(Vec::new());
        for (typed, _) in QUERY.char_indices().skip(1).chain([(QUERY.len(), ' ')]) {
            let prefix = &QUERY[..typed];
            let start = before.clone();
            group.bench_with_input(BenchmarkId::from_parameter(prefix), prefix, |b, prefix| {
                b.iter_batched(
                    || start.clone(),
                    |mut finder| {
                        finder.search(&index, prefix);
                        black_box(finder.top(50))
                    },
                    BatchSize::LargeInput,
                )
            });
            before.search(&index, prefix);
        }
        group.finish();
    }
}

criterion_group!(search, benches);
criterion_main!(search);
