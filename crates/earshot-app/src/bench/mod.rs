//! Benchmarks (`earshot bench`): the measurements behind BENCHMARKS.md, each a request and a typed report.
//!
//! Every kernel is timed apart from building its input: [`import`] through child processes into fresh
//! databases (so peak memory is the import's own), [`parse`] a reader alone, [`pagerank`] the authority
//! kernel on an R-MAT graph, [`copies`] the copy check and all post flags over synthetic threads,
//! [`topics`] topic assignment and sentiment per post, [`spread`] Monte Carlo simulations and [`rr`]
//! IMM's reverse-reachable sampling on an influence-maximisation graph, [`em`] edge probabilities learned
//! from stored cascades. Each reports the median of its
//! runs, so one slow run (a page-cache miss, a busy neighbour) does not move the figure.

pub mod copies;
pub mod em;
pub mod import;
pub mod pagerank;
pub mod parse;
pub mod rr;
pub mod spread;
pub mod topics;
pub mod trust;
pub mod watches;

use crate::error::{FieldStyle, UsageError};
use crate::sources::edge_list::{load_edge_list, LoadedGraph};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What the graph benchmarks ([`spread`], [`rr`]) share: the graph, and how to time.
#[derive(Debug, Clone)]
pub struct GraphBench {
    /// A named graph of the shared data, or the path of an edge list ([`crate::plan::graphs::resolve`]).
    pub graph: String,
    /// Where the named graphs are (their `im-graphs/` folder is read).
    pub data: PathBuf,
    /// Timed runs per thread count; the median is reported.
    pub runs: usize,
    /// Thread counts to measure, in this order.
    pub threads: Vec<usize>,
    /// Random seed: the result is the same on every thread count.
    pub seed: u64,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// A graph loaded for a benchmark: the graph, the file it came from and the seconds loading took.
pub(crate) struct BenchGraph {
    pub loaded: LoadedGraph,
    pub path: PathBuf,
    pub load_seconds: f64,
}

impl GraphBench {
    /// Checks the thread counts (before anything is read), then loads the graph.
    pub(crate) fn load(&self) -> Result<BenchGraph> {
        check_threads(&self.threads, self.fields)?;
        let (path, opts) = crate::plan::graphs::resolve(&self.data, &self.graph);
        let t = Instant::now();
        let loaded =
            load_edge_list(&path, &opts).with_context(|| format!("loading {}", self.graph))?;
        Ok(BenchGraph {
            loaded,
            path,
            load_seconds: t.elapsed().as_secs_f64(),
        })
    }

    /// [`time_threads`] over this bench's thread counts and runs.
    pub(crate) fn time<T>(&self, run: impl FnMut(usize) -> Result<T>) -> Result<Vec<Timing<T>>> {
        time_threads(&self.threads, self.runs, self.fields, run)
    }
}

/// One thread count's measurement: the median of its runs, the speed-up over the first thread count
/// measured, and the last run's output.
pub(crate) struct Timing<T> {
    pub threads: usize,
    pub median_seconds: f64,
    pub speedup: f64,
    pub output: T,
}

/// A usage error unless every thread count is at least 1 and there is one (checked before a graph is
/// loaded).
pub(crate) fn check_threads(threads: &[usize], fields: FieldStyle) -> Result<()> {
    if threads.contains(&0) || threads.is_empty() {
        return Err(UsageError(format!(
            "{} takes counts of at least 1",
            fields.name("threads")
        ))
        .into());
    }
    Ok(())
}

/// Runs `run(threads)` `runs` times (at least once) for each thread count, in the order given, and
/// reports each count's median time. Errors on an empty or zero thread count (a usage error) and on
/// the first failed run.
pub(crate) fn time_threads<T>(
    threads: &[usize],
    runs: usize,
    fields: FieldStyle,
    mut run: impl FnMut(usize) -> Result<T>,
) -> Result<Vec<Timing<T>>> {
    check_threads(threads, fields)?;
    let mut out: Vec<Timing<T>> = Vec::new();
    for &k in threads {
        let (median, output) = median_run(runs, || run(k))?;
        let base = out.first().map_or(median, |r| r.median_seconds);
        out.push(Timing {
            threads: k,
            median_seconds: median,
            speedup: base / median,
            output,
        });
    }
    Ok(out)
}

/// Runs `run` `runs` times (at least once) on a pool of `threads` threads: the median seconds of a run
/// and the last run's output. The pool is built before the clock starts.
pub(crate) fn median_run_on<T: Send>(
    threads: usize,
    runs: usize,
    run: impl Fn() -> Result<T> + Sync,
) -> Result<(f64, T)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    median_run(runs, || pool.install(&run))
}

/// Runs `run` `runs` times (at least once): the median seconds of a run and the last run's output.
pub(crate) fn median_run<T>(runs: usize, mut run: impl FnMut() -> Result<T>) -> Result<(f64, T)> {
    let mut secs = Vec::new();
    let mut output = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        output = Some(run()?);
        secs.push(t.elapsed().as_secs_f64());
    }
    Ok((median(secs), output.context("no runs")?))
}

/// The upper median (the middle one of an odd count), 0 for none.
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A fresh scratch directory for this process under `scratch`, or under the system's temporary
/// directory.
pub(crate) fn tempdir_in(scratch: Option<&Path>) -> Result<PathBuf> {
    let base = scratch
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("earshot-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_upper_middle_and_zero_for_none() {
        assert_eq!(median(vec![]), 0.0);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![1.0, 2.0]), 2.0);
    }

    #[test]
    fn thread_counts_are_timed_in_order_and_zero_is_a_usage_error() {
        let t = time_threads(&[1, 2], 3, FieldStyle::Flags, |k| Ok(k * 10)).unwrap();
        let got: Vec<_> = t.iter().map(|t| (t.threads, t.output)).collect();
        assert_eq!(got, [(1, 10), (2, 20)]);
        assert_eq!(t[0].speedup, 1.0);
        for bad in [&[][..], &[1, 0][..]] {
            let e = time_threads(bad, 1, FieldStyle::Flags, Ok).err().unwrap();
            let usage = e.downcast_ref::<UsageError>().expect("a usage error");
            assert!(usage.0.contains("--threads"), "{}", usage.0);
        }
    }
}
