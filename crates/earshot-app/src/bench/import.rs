//! Whole imports, each a fresh child process into a fresh database, so peak memory is the import's
//! own; with a replay file of n shifted copies of a Higgs input to show memory does not grow with the
//! file.

use super::{median, tempdir_in};
use crate::error::FieldStyle;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file to import `runs` times.
#[derive(Debug, Clone)]
pub struct ImportBenchRequest {
    pub file: PathBuf,
    /// Input format, as the import command names it.
    pub format: String,
    /// Runs per input.
    pub runs: usize,
    /// Also measure a file made of this many copies of the input, each shifted one week later (higgs
    /// format only).
    pub replay: Option<u32>,
    /// Where to keep the scratch databases and replay file (kept afterwards); `None`: a temporary
    /// directory, removed afterwards.
    pub scratch: Option<PathBuf>,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// One input's runs summarised.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Measurement {
    /// The file imported: the request's, or the replay file.
    pub input: String,
    pub runs: usize,
    /// Events the first run stored.
    pub events: u64,
    pub median_seconds: f64,
    pub median_events_per_second: f64,
    /// The slowest and fastest runs, to show the spread of the median.
    pub min_events_per_second: f64,
    pub max_events_per_second: f64,
    /// The child process's peak resident memory, as the import reported it.
    pub median_peak_rss_mib: f64,
    pub max_peak_rss_mib: f64,
}

/// One run as the child reported it.
struct Sample {
    seconds: f64,
    events_per_second: f64,
    peak_rss_mib: f64,
    events: u64,
}

/// Imports the file (and its replay) `runs` times each. `import(db, input)` is the command that
/// imports `input` into a new database `db` and prints its import reports as JSON on stdout: the front
/// knows its own command line. `note` hears each run and the replay file being written.
pub fn bench_import(
    req: &ImportBenchRequest,
    import: &dyn Fn(&Path, &Path) -> Command,
    note: &dyn Fn(&str),
) -> Result<Vec<Measurement>> {
    let tmp = tempdir_in(req.scratch.as_deref())?;
    let results = measure_inputs(req, &tmp, import, note);
    if req.scratch.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    results
}

fn measure_inputs(
    req: &ImportBenchRequest,
    tmp: &Path,
    import: &dyn Fn(&Path, &Path) -> Command,
    note: &dyn Fn(&str),
) -> Result<Vec<Measurement>> {
    let mut inputs = vec![req.file.clone()];
    if let Some(n) = req.replay {
        if req.format != "higgs" {
            bail!(
                "{} is only implemented for the higgs format",
                req.fields.name("replay")
            );
        }
        let out = tmp.join(format!("replay{n}x.txt"));
        note(&format!(
            "writing {n}× replay of {} to {}",
            req.file.display(),
            out.display()
        ));
        write_higgs_replay(&req.file, &out, n)?;
        inputs.push(out);
    }
    let mut results = Vec::new();
    for input in &inputs {
        let mut samples = Vec::new();
        for run in 0..req.runs {
            let db = tmp.join(format!("bench-{run}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let out = import(&db, input)
                .output()
                .context("running the import child process")?;
            if !out.status.success() {
                bail!(
                    "import of {} failed: {}",
                    input.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let reports: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            let r = &reports[0];
            let sample = Sample {
                seconds: r["seconds"].as_f64().unwrap_or(0.0),
                events_per_second: r["events_per_second"].as_f64().unwrap_or(0.0),
                peak_rss_mib: r["peak_rss_kib"].as_f64().unwrap_or(0.0) / 1024.0,
                events: r["events"].as_u64().unwrap_or(0),
            };
            note(&format!(
                "  {} run {}: {:.2} s, {:.0} events/s, peak RSS {:.1} MiB",
                input.display(),
                run + 1,
                sample.seconds,
                sample.events_per_second,
                sample.peak_rss_mib
            ));
            samples.push(sample);
            let _ = std::fs::remove_file(&db);
        }
        results.push(summarise(input, &samples));
    }
    Ok(results)
}

fn summarise(input: &Path, samples: &[Sample]) -> Measurement {
    let rates: Vec<f64> = samples.iter().map(|s| s.events_per_second).collect();
    Measurement {
        input: input.display().to_string(),
        runs: samples.len(),
        events: samples.first().map(|s| s.events).unwrap_or(0),
        median_seconds: median(samples.iter().map(|s| s.seconds).collect()),
        median_events_per_second: median(rates.clone()),
        min_events_per_second: rates.iter().cloned().fold(f64::INFINITY, f64::min),
        max_events_per_second: rates.iter().cloned().fold(0.0, f64::max),
        median_peak_rss_mib: median(samples.iter().map(|s| s.peak_rss_mib).collect()),
        max_peak_rss_mib: samples.iter().map(|s| s.peak_rss_mib).fold(0.0, f64::max),
    }
}

/// `n` copies of a Higgs activity file, copy k shifted k weeks later: the same accounts, n× the events.
fn write_higgs_replay(input: &Path, out: &Path, n: u32) -> Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    for k in 0..n as i64 {
        let f =
            std::fs::File::open(input).with_context(|| format!("opening {}", input.display()))?;
        let reader: Box<dyn std::io::Read> = if input.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(f))
        } else {
            Box::new(f)
        };
        for line in BufReader::new(reader).lines() {
            let line = line?;
            let mut parts = line.split_whitespace();
            match (
                parts.next(),
                parts.next(),
                parts.next().and_then(|t| t.parse::<i64>().ok()),
                parts.next(),
            ) {
                (Some(a), Some(b), Some(t), Some(kind)) => {
                    writeln!(w, "{a} {b} {} {kind}", t + k * 7 * 86_400)?
                }
                _ => bail!("{}: not a higgs activity line: {line:?}", input.display()),
            }
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_repeats_the_file_a_week_later_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let (input, out) = (dir.path().join("a.txt"), dir.path().join("r.txt"));
        std::fs::write(&input, "1 2 100 RT\n3 4 200 MT\n").unwrap();
        write_higgs_replay(&input, &out, 2).unwrap();
        let week = 7 * 86_400;
        let want = format!(
            "1 2 100 RT\n3 4 200 MT\n1 2 {} RT\n3 4 {} MT\n",
            100 + week,
            200 + week
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
        std::fs::write(&input, "not higgs\n").unwrap();
        assert!(write_higgs_replay(&input, &out, 1).is_err());
    }

    #[test]
    fn runs_are_summarised_by_median_and_extremes() {
        let s = |seconds, events_per_second, peak_rss_mib| Sample {
            seconds,
            events_per_second,
            peak_rss_mib,
            events: 7,
        };
        let m = summarise(
            Path::new("f"),
            &[s(1.0, 30.0, 5.0), s(3.0, 10.0, 9.0), s(2.0, 20.0, 6.0)],
        );
        assert_eq!((m.runs, m.events, m.median_seconds), (3, 7, 2.0));
        assert_eq!(
            (m.min_events_per_second, m.median_events_per_second),
            (10.0, 20.0)
        );
        assert_eq!((m.max_events_per_second, m.max_peak_rss_mib), (30.0, 9.0));
        assert_eq!(m.median_peak_rss_mib, 6.0);
    }
}
