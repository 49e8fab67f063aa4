//! Fuzz targets: each importer (every `--format`) and the API's request decoders, as functions of raw
//! bytes that must return, never panic, whatever the bytes are.
//!
//! The targets are shared by two drivers: `fuzz/` (cargo-fuzz with libFuzzer, coverage-guided, needs a
//! nightly toolchain; the long recorded runs) and [`run`], a mutation fuzzer without coverage that runs
//! on stable Rust, which `.ci/run` uses for a bounded run. Both count executions and keep any input that
//! panicked.

pub mod api;
pub mod mutate;
pub mod seeds;
pub mod targets;

pub use targets::{Target, TARGETS};

use rand_xoshiro::rand_core::{Rng, SeedableRng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a bounded run did.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub target: &'static str,
    pub executions: u64,
    pub seconds: f64,
    /// Inputs that panicked, written to the crash directory.
    pub crashes: Vec<PathBuf>,
    /// The slowest single execution, in seconds (a hang shows here first).
    pub slowest: f64,
}

/// Run `target` on `runs` inputs mutated from its seeds (and any files in `corpus`), seeded by `seed`;
/// a panicking input is written to `crash_dir` and the run goes on.
pub fn run(
    target: &Target,
    runs: u64,
    seed: u64,
    corpus: Option<&Path>,
    crash_dir: &Path,
) -> anyhow::Result<RunReport> {
    let mut pool: Vec<Vec<u8>> = (target.seeds)();
    if let Some(dir) = corpus {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    pool.push(bytes);
                }
            }
        }
    }
    if pool.is_empty() {
        pool.push(Vec::new());
    }
    // The importers read files; in memory (`/dev/shm`) a run is five times faster than on disk.
    let shm = Path::new("/dev/shm");
    let scratch = if shm.is_dir() {
        tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir())?
    } else {
        tempfile::tempdir()?
    };
    let mut ctx = targets::Scratch::new(scratch.path());
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let started = Instant::now();
    let mut report = RunReport {
        target: target.name,
        executions: 0,
        seconds: 0.0,
        crashes: Vec::new(),
        slowest: 0.0,
    };
    // The default hook would print every caught panic's backtrace; the crash file is what matters.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..runs {
        let base = &pool[(rng.next_u64() % pool.len() as u64) as usize];
        let other = &pool[(rng.next_u64() % pool.len() as u64) as usize];
        let input = mutate::mutate(base, other, target.dictionary, &mut rng);
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(&mut ctx, &input)));
        report.slowest = report.slowest.max(t.elapsed().as_secs_f64());
        report.executions += 1;
        if outcome.is_err() {
            std::fs::create_dir_all(crash_dir)?;
            let path = crash_dir.join(format!("{}-{seed}-{i}", target.name));
            std::fs::write(&path, &input)?;
            report.crashes.push(path);
        } else if i % 64 == 0 && pool.len() < 256 && input.len() < 1 << 16 {
            // A little memory of what was tried: later mutations start from some earlier ones.
            pool.push(input);
        }
    }
    std::panic::set_hook(hook);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A run for `budget` of wall-clock time instead of a count (the driver's `--seconds`).
pub fn run_for(
    target: &Target,
    budget: Duration,
    seed: u64,
    corpus: Option<&Path>,
    crash_dir: &Path,
) -> anyhow::Result<RunReport> {
    let started = Instant::now();
    let mut total = run(target, 0, seed, corpus, crash_dir)?;
    let mut round = seed;
    while started.elapsed() < budget {
        round = round.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let r = run(target, 2_000, round, corpus, crash_dir)?;
        total.executions += r.executions;
        total.crashes.extend(r.crashes);
        total.slowest = total.slowest.max(r.slowest);
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}
