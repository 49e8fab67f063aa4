//! `earshot bench`: whole-pipeline measurements through the real binary, for BENCHMARKS.md.
//!
//! Each run is a fresh child process importing into a fresh database, so peak RSS is the import's own.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchWhat,
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// Time the authority kernel (PageRank) on the R-MAT graph of `earshot gen`, per iteration, on 1 and
    /// 2 threads. The graph is built in memory from the same R-MAT draw; loading is timed apart.
    #[command(
        after_help = "Examples:\n  earshot bench pagerank --scale 20 --edge-factor 16\n  earshot bench pagerank --scale 20 --edge-factor 32 --dump rmat20.csr   (for bench/pagerank_pull.cc)"
    )]
    Pagerank {
        #[arg(long, default_value_t = 20)]
        scale: u32,
        #[arg(long, default_value_t = 16)]
        edge_factor: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Iterations per timed run (the tolerance is 0, so exactly this many run).
        #[arg(long, default_value_t = 20)]
        iterations: u32,
        /// Timed runs per thread count; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Give every drawn edge a reproducible weight in [0.5, 1.5) (repeats merge by adding weights) and
        /// run the weighted kernel. Default: every distinct edge weighs 1, as in the GAP Benchmark Suite.
        #[arg(long)]
        weighted: bool,
        /// Also write the graph as a binary CSR snapshot to this file.
        #[arg(long)]
        dump: Option<PathBuf>,
    },
    /// Topic assignment and sentiment for every post of a file (one post per line), on 1 and 2
    /// threads: each alone and both together, timed apart from reading the file.
    #[command(
        after_help = "Examples:\n  earshot bench topics --tweeteval ../shared/data/tweet-text/tweeteval_datasets.tar.gz \\\n      --task emoji --split train,val,test          (100,000 real tweets)\n  earshot bench topics --taxonomy topics.toml --lines posts.txt\n  (without --taxonomy, topics are first discovered from the same posts, untimed)"
    )]
    Topics {
        #[command(flatten)]
        source: crate::cmd_topics::PostSource,
        /// Taxonomy (TOML); default: topics discovered from the file itself.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// Timed runs per stage and thread count; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
    },
    /// Monte Carlo spread simulations per second on an influence-maximisation graph, on 1 and 2 threads,
    /// from the top-degree seeds (the estimate is the same on every thread count).
    #[command(
        after_help = "Examples:\n  earshot bench spread --graph nethept --seeds 50 --simulations 10000\n  earshot bench spread --graph nethept-wc --model lt\n  earshot bench spread --graph slashdot --data ../shared/data"
    )]
    Spread(crate::bench_spread::SpreadArgs),
    /// Reverse-reachable sets drawn per second (IMM's sampling kernel) on an influence-maximisation
    /// graph, on 1 and 2 threads (the sets are the same on every thread count).
    #[command(
        after_help = "Examples:\n  earshot bench rr --graph nethept --sets 1000000\n  earshot bench rr --graph slashdot --coins            (a coin per in-edge, as the IMM paper)\n  earshot bench rr --graph slashdot --jump-min-degree 4\n  (bench/imm.cc --rr-only N measures the C++ baseline the same way; scripts/bench_imm.sh runs both)"
    )]
    Rr(crate::bench_rr::RrArgs),
    /// Parse a file without storing it (higgs, snap, jsonl, ...): the reader's own speed, in this process.
    #[command(
        after_help = "Example:\n  earshot bench parse --format higgs --runs 5 higgs-activity_time.txt.gz"
    )]
    Parse {
        file: PathBuf,
        /// Input format (as for `earshot import`).
        #[arg(long, value_enum, default_value = "higgs")]
        format: crate::cmd_import::FormatArg,
        /// Runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Import a file N times into fresh databases; report median events/s and peak RSS.
    #[command(
        after_help = "Example:\n  earshot bench import --format higgs --runs 5 --replay 10 \\\n      ../shared/data/higgs-twitter/higgs-activity_time.txt.gz"
    )]
    Import {
        file: PathBuf,
        /// Input format (as for `earshot import`).
        #[arg(long, default_value = "higgs")]
        format: String,
        /// Runs per input.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Also measure a file made of this many copies of the input, each shifted one week later
        /// (higgs format only), to show that memory does not grow with file size.
        #[arg(long)]
        replay: Option<u32>,
        /// Extra arguments for each `earshot import` run, e.g. `--cache-mib 64` (repeat the flag per word).
        #[arg(long = "import-arg", allow_hyphen_values = true)]
        import_args: Vec<String>,
        /// Where to keep the scratch databases and replay file (default: a temporary directory).
        #[arg(long)]
        scratch: Option<PathBuf>,
    },
}

#[derive(Debug, serde::Serialize)]
struct Measurement {
    input: String,
    runs: usize,
    events: u64,
    median_seconds: f64,
    median_events_per_second: f64,
    min_events_per_second: f64,
    max_events_per_second: f64,
    median_peak_rss_mib: f64,
    max_peak_rss_mib: f64,
}

pub fn run(cli: &Ctx, args: &BenchArgs) -> Result<Exit> {
    if let BenchWhat::Spread(a) = &args.what {
        return crate::bench_spread::run(cli, a);
    }
    if let BenchWhat::Rr(a) = &args.what {
        return crate::bench_rr::run(cli, a);
    }
    if let BenchWhat::Parse { file, format, runs } = &args.what {
        return bench_parse(cli, file, *format, *runs);
    }
    if let BenchWhat::Topics {
        source,
        taxonomy,
        runs,
        threads,
    } = &args.what
    {
        return crate::bench_topics::run(cli, source, taxonomy.as_deref(), *runs, threads);
    }
    if let BenchWhat::Pagerank {
        scale,
        edge_factor,
        seed,
        iterations,
        runs,
        threads,
        weighted,
        dump,
    } = &args.what
    {
        return crate::bench_pagerank::run(
            cli,
            *scale,
            *edge_factor,
            *seed,
            *iterations,
            *runs,
            threads,
            *weighted,
            dump.as_deref(),
        );
    }
    let BenchWhat::Import {
        file,
        format,
        runs,
        replay,
        import_args,
        scratch,
    } = &args.what
    else {
        unreachable!("parse and pagerank handled above")
    };
    let tmp = tempdir_in(scratch.as_deref())?;
    let mut inputs = vec![file.clone()];
    if let Some(n) = replay {
        if format != "higgs" {
            bail!("--replay is only implemented for the higgs format");
        }
        let out = tmp.join(format!("replay{n}x.txt"));
        if !cli.quiet {
            eprintln!(
                "writing {n}× replay of {} to {}",
                file.display(),
                out.display()
            );
        }
        write_higgs_replay(file, &out, *n)?;
        inputs.push(out);
    }
    let mut results = Vec::new();
    for input in &inputs {
        let mut samples = Vec::new();
        for run in 0..*runs {
            let db = tmp.join(format!("bench-{run}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let out = Command::new(std::env::current_exe()?)
                .args(["--db"])
                .arg(&db)
                .args(["--json", "--quiet", "import", "--format", format])
                .args(import_args)
                .arg(input)
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
            let sample = (
                r["seconds"].as_f64().unwrap_or(0.0),
                r["events_per_second"].as_f64().unwrap_or(0.0),
                r["peak_rss_kib"].as_f64().unwrap_or(0.0) / 1024.0,
                r["events"].as_u64().unwrap_or(0),
            );
            if !cli.quiet {
                eprintln!(
                    "  {} run {}: {:.2} s, {:.0} events/s, peak RSS {:.1} MiB",
                    input.display(),
                    run + 1,
                    sample.0,
                    sample.1,
                    sample.2
                );
            }
            samples.push(sample);
            let _ = std::fs::remove_file(&db);
        }
        results.push(summarise(input, &samples));
    }
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!(
            "{:<48} {:>5} {:>10} {:>9} {:>12} {:>12} {:>10}",
            "input", "runs", "events", "median s", "median ev/s", "min..max", "peak MiB"
        );
        for m in &results {
            println!(
                "{:<48} {:>5} {:>10} {:>9.2} {:>12.0} {:>5.0}k..{:.0}k {:>10.1}",
                crate::output::clip_start(&m.input, 48),
                m.runs,
                m.events,
                m.median_seconds,
                m.median_events_per_second,
                m.min_events_per_second / 1000.0,
                m.max_events_per_second / 1000.0,
                m.median_peak_rss_mib
            );
        }
    }
    if scratch.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(Exit::Ok)
}

fn summarise(input: &Path, samples: &[(f64, f64, f64, u64)]) -> Measurement {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            0.0
        } else {
            v[v.len() / 2]
        }
    };
    let rates: Vec<f64> = samples.iter().map(|s| s.1).collect();
    Measurement {
        input: input.display().to_string(),
        runs: samples.len(),
        events: samples.first().map(|s| s.3).unwrap_or(0),
        median_seconds: median(samples.iter().map(|s| s.0).collect()),
        median_events_per_second: median(rates.clone()),
        min_events_per_second: rates.iter().cloned().fold(f64::INFINITY, f64::min),
        max_events_per_second: rates.iter().cloned().fold(0.0, f64::max),
        median_peak_rss_mib: median(samples.iter().map(|s| s.2).collect()),
        max_peak_rss_mib: samples.iter().map(|s| s.2).fold(0.0, f64::max),
    }
}

fn tempdir_in(scratch: Option<&Path>) -> Result<PathBuf> {
    let base = scratch
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("earshot-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
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

fn bench_parse(
    cli: &Ctx,
    file: &Path,
    format: crate::cmd_import::FormatArg,
    runs: usize,
) -> Result<Exit> {
    let mut rates = Vec::new();
    let mut lines = 0u64;
    for run in 0..runs {
        let started = std::time::Instant::now();
        let (reader, _) =
            earshot_ingest::open(file, format.format(), &earshot_ingest::Options::default())?;
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
        if !cli.quiet {
            eprintln!(
                "  run {}: {n} lines, {events} events in {secs:.3} s",
                run + 1
            );
        }
    }
    rates.sort_by(f64::total_cmp);
    let median = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
    if cli.json {
        println!(
            "{}",
            serde_json::json!({"file": file.display().to_string(), "lines": lines, "runs": runs, "median_lines_per_second": median})
        );
    } else {
        println!(
            "{}: {lines} lines, median {median:.0} lines/s over {runs} runs",
            file.display()
        );
    }
    Ok(Exit::Ok)
}
