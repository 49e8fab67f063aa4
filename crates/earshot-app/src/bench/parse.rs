//! A reader's own speed: a file parsed without storing it, in this process.

use super::median;
use anyhow::Result;
use earshot_ingest::Format;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// A file to parse `runs` times.
#[derive(Debug, Clone)]
pub struct ParseBenchRequest {
    pub file: PathBuf,
    pub format: Format,
    pub runs: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParseBenchReport {
    pub file: String,
    /// Records read (accepted or rejected) in the last run.
    pub lines: u64,
    pub runs: usize,
    pub median_lines_per_second: f64,
}

/// Parses the file `runs` times; `note` hears each run's lines, events and seconds.
pub fn bench_parse(req: &ParseBenchRequest, note: &dyn Fn(&str)) -> Result<ParseBenchReport> {
    let mut rates = Vec::new();
    let mut lines = 0u64;
    for run in 0..req.runs {
        let started = Instant::now();
        let (reader, _) =
            earshot_ingest::open(&req.file, req.format, &earshot_ingest::Options::default())?;
        let (mut n, mut events) = (0u64, 0u64);
        for item in reader {
            n += 1;
            if let Ok(r) = item {
                events += r.events.len() as u64;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        lines = n;
        rates.push(n as f64 / secs.max(1e-9));
        note(&format!(
            "  run {}: {n} lines, {events} events in {secs:.3} s",
            run + 1
        ));
    }
    Ok(ParseBenchReport {
        file: req.file.display().to_string(),
        lines,
        runs: req.runs,
        median_lines_per_second: median(rates),
    })
}
