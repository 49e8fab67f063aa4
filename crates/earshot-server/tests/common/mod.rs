//! Helpers for the server's integration tests: real SQLite files set up as the command line would
//! (`gen`, `import`, `score`), through the same library calls its commands make; the server itself is
//! in [`server`].
#![allow(dead_code)]

use earshot_app::import::{import_file, FileImport, ImportWatch, RejectSink};
use earshot_app::score::{load_model, score_and_store, ScoreRequest};
use earshot_store::{Store, TimeWindow};
use std::path::Path;

pub mod server;

/// Silent import progress, as `earshot --json import` shows none.
struct Unwatched;

impl ImportWatch for Unwatched {
    fn started(&self, _: u64) {}
    fn progress(&self, _: u64, _: u64, _: f64) {}
    fn rejected(&self, _: &earshot_ingest::Rejection) {}
    fn finished(&self) {}
}

/// Generate a synthetic stream (scale 9, edge factor 8, `seed`) into `dir` and import it into `db`, as
/// `earshot gen --scale 9 --edge-factor 8 --seed SEED --out DIR/s.jsonl.gz` and `earshot import
/// DIR/s.jsonl.gz` do. Returns the generator's summary and the import's report, after checking both
/// succeeded.
pub fn generated_db(
    dir: &Path,
    db: &Path,
    seed: u64,
) -> (earshot_synth::SynthSummary, earshot_app::import::FileReport) {
    let stream = dir.join("s.jsonl.gz");
    let cfg = earshot_synth::SynthConfig::new(9, 8, seed);
    cfg.validate().expect("a valid synthetic configuration");
    let file = std::fs::File::create(&stream).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let summary = earshot_synth::generate(&cfg, &mut gz).expect("the stream is written");
    gz.finish().unwrap().sync_all().unwrap();

    let mut store = Store::open(db).expect("the database opens");
    store.begin_bulk_mode().unwrap();
    store.set_cache_mib(256).unwrap();
    let mut rejects = RejectSink::new(None, 10);
    let opts = earshot_ingest::Options {
        kind: Some(earshot_model::InteractionKind::Follow),
        ..earshot_ingest::Options::default()
    };
    let job = FileImport {
        path: &stream,
        format: earshot_ingest::Format::Jsonl,
        format_name: "jsonl",
        batch_size: 200_000,
        strict: false,
        event_log: Default::default(),
        segment_rows: earshot_store::RUN_ROWS,
    };
    let report = import_file(&mut store, &job, &opts, &mut rejects, &Unwatched).expect("imported");
    // What `earshot import` exits 0 for: every line imported.
    assert!(
        report.status == earshot_store::ImportStatus::Done,
        "{}: {:?}, {} rejected",
        report.file,
        report.status,
        report.rejected
    );
    rejects.finish(&|_| {}).unwrap();
    (summary, report)
}

/// Score the stored events and store the run, as `earshot score [--to TO]` does.
pub fn score(db: &Path, to: Option<&str>) -> earshot_app::score::ScoreReport {
    let req = ScoreRequest {
        window: TimeWindow {
            from: None,
            to: earshot_app::time::parse_instant("--to", &to.map(str::to_string)).unwrap(),
        },
        platform: None,
        model: load_model(None).unwrap(),
        authenticity: true,
        topics: None,
        top: 10,
    };
    let mut store = Store::open_existing(db).expect("the database exists");
    score_and_store(&mut store, &req, &|_| {}).expect("scored")
}

/// Resident anonymous memory of this process, in KiB (for the tests of what the server hands back to
/// the system; each such test is a binary of its own, since the figure is the whole process's).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn rss_anon_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("RssAnon:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}
