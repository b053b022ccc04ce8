//! A backup of a large store while another session keeps saving.
//!
//! ```sh
//! ./target/release/kembar --db /tmp/big gen --agreements 100000 --activities-per 10 --seed 1
//! KEMBAR_BENCH_DB=/tmp/big cargo bench --bench backup
//! ```
//!
//! Opens the store (it saves notes into it: use a generated store), then on a second thread
//! saves agreement edits back to back, one at a time, as a busy editor would. It times 200
//! saves alone, then takes a backup (into a file in `$TMPDIR`, removed afterwards) while the
//! saves go on, and prints how long the backup took, how long it held the write lock, and
//! how long the saves made meanwhile took: the longest is how long a save waited at most.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kembar::store::{Actor, Change, Edit, Record, Store};

fn actor() -> Actor {
    Actor::new("bench", "bench")
}

fn save(store: &Store, id: u64, i: u64) -> Duration {
    let started = Instant::now();
    let (version, before) = store.agreement(id).unwrap().unwrap();
    let mut after = before.clone();
    after.notes = format!("bench edit {i}");
    store
        .apply(
            Change::new("update")
                .with(Edit::update(
                    Record::Agreement(before),
                    Record::Agreement(after),
                ))
                .expecting(id, version),
            &actor(),
        )
        .unwrap();
    started.elapsed()
}

fn describe(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{label}: {} saves, median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}

fn main() {
    let Ok(db) = std::env::var("KEMBAR_BENCH_DB") else {
        eprintln!("set KEMBAR_BENCH_DB to a generated store (see the top of benches/backup.rs)");
        return;
    };
    let store = Arc::new(Store::open(std::path::Path::new(&db), "bench").unwrap());
    let agreements = store.next_agreement_id().unwrap() - 1;
    let pick = move |i: u64| 1 + (i * 7919) % agreements;

    let alone: Vec<Duration> = (0..200).map(|i| save(&store, pick(i), i)).collect();
    describe("saves alone", alone);

    let stop = Arc::new(AtomicBool::new(false));
    let during: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let saver = {
        let (store, stop, during) = (store.clone(), stop.clone(), during.clone());
        std::thread::spawn(move || {
            let mut i = 1000;
            while !stop.load(Ordering::Relaxed) {
                let took = save(&store, pick(i), i);
                during.lock().unwrap().push(took);
                i += 1;
            }
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    during.lock().unwrap().clear();
    let file = tempfile::NamedTempFile::new().unwrap();
    let started = Instant::now();
    let summary = {
        let mut out = std::io::BufWriter::new(file.as_file());
        kembar::store::backup::write_backup(&store, &mut out).unwrap()
    };
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    saver.join().unwrap();
    println!(
        "backup: {:.1} s, {} records, {:.1} MB, write lock held at most {:.1} ms, {} records \
         changed while it read the store",
        took.as_secs_f64(),
        summary.header.counts.records(),
        summary.bytes as f64 / 1e6,
        summary.held.as_secs_f64() * 1e3,
        summary.caught_up
    );
    describe("saves during the backup", during.lock().unwrap().clone());
    println!("store on disk: {:.1} MB", store.size_on_disk() as f64 / 1e6);
}
