//! `earshot-fuzz`: run the fuzz targets on stable Rust with the mutation driver.
//!
//!     earshot-fuzz                         every target, 10,000 inputs each
//!     earshot-fuzz --runs 1000000 jsonl    one target, a million inputs
//!     earshot-fuzz --seconds 60            every target for a minute each
//!
//! Exit 1 when any input panicked (written under --crashes, default `fuzz-crashes/`).

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

fn main() -> Result<()> {
    let mut runs: u64 = 10_000;
    let mut seconds: Option<u64> = None;
    let mut seed: u64 = 1;
    let mut corpus: Option<PathBuf> = None;
    let mut crashes = PathBuf::from("fuzz-crashes");
    let mut names: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |what: &str| args.next().with_context(|| format!("{a} needs {what}"));
        match a.as_str() {
            "--runs" => runs = value("a count")?.parse().context("--runs")?,
            "--seconds" => seconds = Some(value("seconds")?.parse().context("--seconds")?),
            "--seed" => seed = value("a number")?.parse().context("--seed")?,
            "--corpus" => corpus = Some(value("a directory")?.into()),
            "--crashes" => crashes = value("a directory")?.into(),
            "--list" => {
                for t in earshot_fuzz::TARGETS {
                    println!("{}", t.name);
                }
                return Ok(());
            }
            "-h" | "--help" => {
                println!("usage: earshot-fuzz [--runs N | --seconds S] [--seed N] [--corpus DIR] [--crashes DIR] [--list] [TARGET...]");
                return Ok(());
            }
            other if other.starts_with('-') => bail!("unknown option {other}"),
            other => names.push(other.to_string()),
        }
    }
    let targets: Vec<&earshot_fuzz::Target> = if names.is_empty() {
        earshot_fuzz::TARGETS.iter().collect()
    } else {
        names
            .iter()
            .map(|n| {
                earshot_fuzz::targets::find(n)
                    .with_context(|| format!("no target {n:?} (earshot-fuzz --list names them)"))
            })
            .collect::<Result<_>>()?
    };
    let mut failed = false;
    println!("target          executions   seconds   exec/s   slowest ms   crashes");
    for t in targets {
        let r = match seconds {
            Some(s) => {
                earshot_fuzz::run_for(t, Duration::from_secs(s), seed, corpus.as_deref(), &crashes)?
            }
            None => earshot_fuzz::run(t, runs, seed, corpus.as_deref(), &crashes)?,
        };
        println!(
            "{:<15} {:>10} {:>9.1} {:>8.0} {:>12.1} {:>9}",
            r.target,
            r.executions,
            r.seconds,
            r.executions as f64 / r.seconds.max(1e-9),
            r.slowest * 1e3,
            r.crashes.len()
        );
        for c in &r.crashes {
            println!("  crash: {}", c.display());
        }
        failed |= !r.crashes.is_empty();
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
