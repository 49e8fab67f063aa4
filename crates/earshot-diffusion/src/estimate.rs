//! Seeded, parallel Monte Carlo estimates of spread, identical on any number of threads.
//!
//! Simulation `i` draws from its own generator, xoshiro256++ seeded through SplitMix64 from
//! `mix64(seed) + i`, and writes its count to slot `i`; statistics are taken from the samples after, so
//! the estimate is a pure function of `(graph, model, seeds, simulations, seed)`: the thread count only
//! changes the speed. One thread runs a plain loop with one [`Workspace`] (the single-thread baseline the
//! parallel run must beat); more threads split the simulations into chunks with a workspace per task.

use crate::simulate::{check_seeds, Model, Workspace};
use crate::{DiffusionError, DiffusionGraph};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Simulations per parallel task: large enough that a task's workspace and scheduling are noise, small
/// enough that two threads stay balanced on a few thousand simulations.
const CHUNK: usize = 64;

/// Told the share (0–1) of the work done as it advances, from any worker thread: a progress bar's or a
/// background job's hook. Reporting never changes a result.
pub type ProgressHook<'a> = &'a (dyn Fn(f64) + Sync);

/// A hook that ignores every report.
pub(crate) fn no_progress(_: f64) {}

/// The distribution of the number of activated nodes (seeds included) over the simulations: what a
/// forecast prints.
#[derive(Debug, Clone, PartialEq)]
pub struct SpreadEstimate {
    pub model: Model,
    pub simulations: usize,
    /// The expected spread estimate: the sample mean.
    pub mean: f64,
    /// Sample standard deviation (with `n − 1`; 0 for one simulation).
    pub std_dev: f64,
    /// Standard error of the mean, `std_dev / √n`.
    pub std_error: f64,
    pub min: u32,
    pub max: u32,
    /// Nearest-rank percentiles of the sample ([`SpreadEstimate::percentile`]).
    pub p10: u32,
    pub p50: u32,
    pub p90: u32,
    /// The samples in increasing order.
    sorted: Vec<u32>,
}

impl SpreadEstimate {
    /// Statistics of a sample of spreads (in any order). Errors on an empty sample.
    pub fn from_samples(model: Model, mut samples: Vec<u32>) -> Result<Self, DiffusionError> {
        if samples.is_empty() {
            return Err(DiffusionError::NoSimulations);
        }
        samples.sort_unstable();
        let n = samples.len();
        let sum: u64 = samples.iter().map(|&x| u64::from(x)).sum();
        let mean = sum as f64 / n as f64;
        let std_dev = if n > 1 {
            let ss: f64 = samples.iter().map(|&x| (f64::from(x) - mean).powi(2)).sum();
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let mut e = SpreadEstimate {
            model,
            simulations: n,
            mean,
            std_dev,
            std_error: std_dev / (n as f64).sqrt(),
            min: samples[0],
            max: samples[n - 1],
            p10: 0,
            p50: 0,
            p90: 0,
            sorted: samples,
        };
        (e.p10, e.p50, e.p90) = (e.percentile(0.1), e.percentile(0.5), e.percentile(0.9));
        Ok(e)
    }

    /// The nearest-rank `q`-quantile (`q` in [0, 1]): the smallest sampled spread that at least a share
    /// `q` of the simulations do not exceed. Always a spread some simulation produced.
    pub fn percentile(&self, q: f64) -> u32 {
        let n = self.sorted.len();
        let rank = (q.clamp(0.0, 1.0) * n as f64).ceil() as usize;
        self.sorted[rank.clamp(1, n) - 1]
    }

    /// The share of simulations that activated at least `n` nodes: the estimated P(reach ≥ n).
    pub fn probability_at_least(&self, n: u32) -> f64 {
        let below = self.sorted.partition_point(|&x| x < n);
        (self.sorted.len() - below) as f64 / self.sorted.len() as f64
    }

    /// A normal-approximation confidence interval for the expected spread: `mean ± z · std_error`
    /// (z = 1.96 for 95%).
    pub fn confidence_interval(&self, z: f64) -> (f64, f64) {
        (
            self.mean - z * self.std_error,
            self.mean + z * self.std_error,
        )
    }

    /// The samples in increasing order.
    pub fn samples_sorted(&self) -> &[u32] {
        &self.sorted
    }

    /// The interval quoted as the central `mass` (say 0.8) of a count: of the nearest-rank quantiles
    /// `(1 − mass)/2` and `(1 + mass)/2`, each end possibly moved one sampled value inwards, the
    /// `(low, high)` whose own probability is nearest `mass` (the one holding more on a tie), with that
    /// probability. Counts pile on a few values, so the plain quantile pair can hold far more than
    /// `mass` (every sample at 1 and 2 makes [p10, p90] hold everything); this quotes the range that
    /// matches the nominal share best, and says how much it holds.
    pub fn central_interval(&self, mass: f64) -> (u32, u32, f64) {
        let mass = mass.clamp(0.0, 1.0);
        let (lo, hi) = (
            self.percentile((1.0 - mass) / 2.0),
            self.percentile((1.0 + mass) / 2.0),
        );
        let n = self.sorted.len() as f64;
        let below = |x: u32| self.sorted.partition_point(|&s| s < x) as f64 / n;
        let upto = |x: u32| self.sorted.partition_point(|&s| s <= x) as f64 / n;
        let next_above = self
            .sorted
            .get(self.sorted.partition_point(|&s| s <= lo))
            .copied()
            .filter(|&x| x <= hi);
        let next_below = self.sorted[..self.sorted.partition_point(|&s| s < hi)]
            .last()
            .copied()
            .filter(|&x| x >= lo);
        let mut best = (lo, hi, upto(hi) - below(lo));
        for a in [Some(lo), next_above].into_iter().flatten() {
            for b in [Some(hi), next_below].into_iter().flatten() {
                if a > b {
                    continue;
                }
                let m = upto(b) - below(a);
                let (gap, best_gap) = ((m - mass).abs(), (best.2 - mass).abs());
                if gap < best_gap - 1e-12 || (gap <= best_gap + 1e-12 && m > best.2) {
                    best = (a, b, m);
                }
            }
        }
        best
    }

    /// The seed of the thinning of `key`'s forecast (an author's dense id, `u32::MAX` for a newcomer)
    /// in a run seeded with `seed`: salted, so that the thinning never reuses the simulations' own
    /// random streams, and the same wherever a price or its backtest thins that forecast.
    pub fn thinning_seed(seed: u64, key: u32) -> u64 {
        mix64(seed ^ 0x7468_696e_6e69_6e67) ^ u64::from(key)
    }

    /// Binomial thinning: each sampled spread `x` becomes the number of its `x` nodes kept, each kept
    /// independently with probability `keep` (clamped to [0, 1]). The distribution of a count of which
    /// only a share counts, such as the authentic accounts among those a post reached. Sample `i`'s
    /// draws come from `simulation_rng(seed, i)`, so the result is a pure function of its inputs.
    pub fn thinned(&self, keep: f64, seed: u64) -> Result<SpreadEstimate, DiffusionError> {
        let keep = if keep.is_nan() {
            0.0
        } else {
            keep.clamp(0.0, 1.0)
        };
        let samples = self
            .sorted
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                if keep >= 1.0 {
                    return x;
                }
                let mut rng = simulation_rng(seed, i as u64);
                (0..x).filter(|_| unit(&mut rng) < keep).count() as u32
            })
            .collect();
        SpreadEstimate::from_samples(self.model, samples)
    }
}

/// A uniform draw in [0, 1) from the top 53 bits.
pub(crate) fn unit(rng: &mut impl rand_xoshiro::rand_core::Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection that scatters nearby inputs.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of simulation `i` of a run seeded with `seed`.
pub fn simulation_rng(seed: u64, i: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix64(seed).wrapping_add(i))
}

/// The spread of each of `simulations` runs of `model` from `seeds`, in simulation order: slot `i` is
/// simulation `i`'s count, the same on any number of threads. `threads` = 0 runs on the current rayon
/// pool; 1 runs a plain loop on this thread; more builds a pool of that size.
///
/// Errors on a seed outside the graph, on zero simulations, and for Linear Threshold on in-probabilities
/// summing to more than 1.
pub fn sample_spread(
    g: &DiffusionGraph,
    model: Model,
    seeds: &[u32],
    simulations: usize,
    seed: u64,
    threads: usize,
) -> Result<Vec<u32>, DiffusionError> {
    sample_spread_reporting(
        g,
        model,
        seeds,
        None,
        simulations,
        seed,
        threads,
        &no_progress,
    )
}

/// [`sample_spread`], or its count inside `audience` when one is given (slot `i` is simulation
/// `i`'s count of activated nodes, or of those inside `audience`), telling `progress` the share of the
/// simulations finished as chunks of them finish. The samples are exactly theirs.
#[allow(clippy::too_many_arguments)]
pub fn sample_spread_reporting(
    g: &DiffusionGraph,
    model: Model,
    seeds: &[u32],
    audience: Option<&[bool]>,
    simulations: usize,
    seed: u64,
    threads: usize,
    progress: ProgressHook<'_>,
) -> Result<Vec<u32>, DiffusionError> {
    check_seeds(g, seeds)?;
    if let Some(a) = audience.filter(|a| a.len() != g.nodes()) {
        return Err(DiffusionError::BadParameter(format!(
            "the audience has {} flags for a graph of {} nodes",
            a.len(),
            g.nodes()
        )));
    }
    if simulations == 0 {
        return Err(DiffusionError::NoSimulations);
    }
    if model == Model::LinearThreshold {
        g.check_linear_threshold()?;
    }
    let run = |ws: &mut Workspace, i: usize| {
        let mut rng = simulation_rng(seed, i as u64);
        let count = match model {
            Model::IndependentCascade => ws.ic(g, seeds, &mut rng),
            Model::LinearThreshold => ws.lt(g, seeds, &mut rng),
        };
        match audience {
            None => count as u32,
            Some(a) => ws.activated().iter().filter(|&&v| a[v as usize]).count() as u32,
        }
    };
    run_simulations(g.nodes(), model, simulations, threads, run, progress)
}

/// Run `simulations` simulations, `run(workspace, i)` giving simulation `i`'s sample, into slot `i`:
/// one plain loop on one thread (`threads` = 1), the current rayon pool (0) or a pool of `threads`,
/// in chunks of [`CHUNK`] with one [`Workspace`] per task. The samples do not depend on the thread count
/// as long as `run` draws only from simulation `i`'s own generator. `progress` hears the share of the
/// simulations finished after each chunk.
pub(crate) fn run_simulations(
    nodes: usize,
    model: Model,
    simulations: usize,
    threads: usize,
    run: impl Fn(&mut Workspace, usize) -> u32 + Sync,
    progress: ProgressHook<'_>,
) -> Result<Vec<u32>, DiffusionError> {
    let new_workspace = || {
        let mut ws = Workspace::new(nodes);
        ws.fit(nodes, model);
        ws
    };
    let finished = AtomicUsize::new(0);
    let chunk_done = |n: usize| {
        let done = finished.fetch_add(n, Ordering::Relaxed) + n;
        progress(done as f64 / simulations.max(1) as f64);
    };
    let mut samples = vec![0u32; simulations];
    let parallel = |samples: &mut [u32]| {
        samples
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each_init(new_workspace, |ws, (c, chunk)| {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    *slot = run(ws, c * CHUNK + j);
                }
                chunk_done(chunk.len());
            })
    };
    match threads {
        0 => parallel(&mut samples),
        1 => {
            let mut ws = new_workspace();
            for (c, chunk) in samples.chunks_mut(CHUNK).enumerate() {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    *slot = run(&mut ws, c * CHUNK + j);
                }
                chunk_done(chunk.len());
            }
        }
        k => rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .map_err(|e| DiffusionError::ThreadPool(e.to_string()))?
            .install(|| parallel(&mut samples)),
    }
    Ok(samples)
}

/// Estimate the spread of `seeds` under `model` from `simulations` Monte Carlo runs seeded with `seed`
/// on `threads` threads (0: the current rayon pool): mean, standard error, percentiles and P(reach ≥ N).
/// The result does not depend on `threads` (see [`sample_spread`]).
pub fn estimate_spread(
    g: &DiffusionGraph,
    model: Model,
    seeds: &[u32],
    simulations: usize,
    seed: u64,
    threads: usize,
) -> Result<SpreadEstimate, DiffusionError> {
    let samples = sample_spread(g, model, seeds, simulations, seed, threads)?;
    SpreadEstimate::from_samples(model, samples)
}

/// [`estimate_spread`] counting only activated nodes inside `audience` (one flag per node): the reach a
/// campaign aimed at a topic, community or list cares about. Errors as [`estimate_spread`], and on an
/// audience mask whose length is not the graph's node count.
pub fn estimate_spread_within(
    g: &DiffusionGraph,
    model: Model,
    seeds: &[u32],
    audience: &[bool],
    simulations: usize,
    seed: u64,
    threads: usize,
) -> Result<SpreadEstimate, DiffusionError> {
    // Simulation `i` is drawn exactly as `sample_spread` draws it; only its count is inside `audience`.
    let samples = sample_spread_reporting(
        g,
        model,
        seeds,
        Some(audience),
        simulations,
        seed,
        threads,
        &no_progress,
    )?;
    SpreadEstimate::from_samples(model, samples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeModel;

    fn grid() -> DiffusionGraph {
        // A 6×6 directed grid, right and down, p = 0.45 (in-probabilities sum to at most 0.9, so LT
        // runs too and, unlike weighted cascade on a grid, is not certain to reach everything).
        let mut pairs = Vec::new();
        for r in 0..6u32 {
            for c in 0..6u32 {
                let v = r * 6 + c;
                if c < 5 {
                    pairs.push((v, v + 1));
                }
                if r < 5 {
                    pairs.push((v, v + 6));
                }
            }
        }
        DiffusionGraph::from_pairs(36, &pairs, EdgeModel::Uniform(0.45)).unwrap()
    }

    #[test]
    fn identical_on_any_thread_count() {
        let g = grid();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let one = sample_spread(&g, model, &[0, 7], 1000, 42, 1).unwrap();
            for threads in [0, 2, 3] {
                assert_eq!(
                    sample_spread(&g, model, &[0, 7], 1000, 42, threads).unwrap(),
                    one,
                    "{model:?} on {threads} threads"
                );
            }
            let a = estimate_spread(&g, model, &[0, 7], 1000, 42, 1).unwrap();
            let b = estimate_spread(&g, model, &[0, 7], 1000, 42, 2).unwrap();
            assert_eq!(a, b);
            assert_ne!(
                sample_spread(&g, model, &[0, 7], 1000, 43, 1).unwrap(),
                one,
                "another seed, another sample"
            );
        }
    }

    #[test]
    fn statistics_of_a_known_sample() {
        let e = SpreadEstimate::from_samples(
            Model::IndependentCascade,
            vec![5, 1, 2, 3, 4, 6, 7, 8, 9, 10],
        )
        .unwrap();
        assert_eq!(e.mean, 5.5);
        assert!((e.std_dev - 3.0276503540974917).abs() < 1e-12);
        assert!((e.std_error - e.std_dev / 10f64.sqrt()).abs() < 1e-15);
        assert_eq!((e.min, e.max), (1, 10));
        assert_eq!((e.p10, e.p50, e.p90), (1, 5, 9));
        assert_eq!(e.percentile(0.0), 1);
        assert_eq!(e.percentile(1.0), 10);
        assert_eq!(e.probability_at_least(8), 0.3);
        assert_eq!(e.probability_at_least(0), 1.0);
        assert_eq!(e.probability_at_least(11), 0.0);
        let (lo, hi) = e.confidence_interval(1.96);
        assert!(lo < 5.5 && hi > 5.5);
        let one = SpreadEstimate::from_samples(Model::LinearThreshold, vec![3]).unwrap();
        assert_eq!((one.std_dev, one.p10, one.p90), (0.0, 3, 3));
        assert!(SpreadEstimate::from_samples(Model::LinearThreshold, vec![]).is_err());
    }

    #[test]
    fn bad_requests_are_errors() {
        let g = grid();
        let m = Model::IndependentCascade;
        assert!(matches!(
            estimate_spread(&g, m, &[36], 10, 1, 1),
            Err(DiffusionError::SeedOutOfRange { seed: 36, .. })
        ));
        assert!(matches!(
            estimate_spread(&g, m, &[0], 0, 1, 1),
            Err(DiffusionError::NoSimulations)
        ));
        let heavy = g.with_uniform(0.6).unwrap();
        assert!(matches!(
            estimate_spread(&heavy, Model::LinearThreshold, &[0], 10, 1, 1),
            Err(DiffusionError::LinearThresholdWeights { .. })
        ));
        assert!(estimate_spread(&heavy, m, &[0], 10, 1, 1).is_ok());
    }

    #[test]
    fn spread_within_an_audience_counts_only_its_members() {
        let g = grid();
        let all = vec![true; g.nodes()];
        let whole = estimate_spread(&g, Model::IndependentCascade, &[0], 3000, 5, 1).unwrap();
        let within =
            estimate_spread_within(&g, Model::IndependentCascade, &[0], &all, 3000, 5, 2).unwrap();
        assert_eq!(whole.samples_sorted(), within.samples_sorted());
        // Only the seed's own node: every simulation counts exactly 1.
        let mut only_seed = vec![false; g.nodes()];
        only_seed[0] = true;
        let e = estimate_spread_within(&g, Model::LinearThreshold, &[0], &only_seed, 500, 5, 1)
            .unwrap();
        assert_eq!((e.min, e.max), (1, 1));
        assert!(
            estimate_spread_within(&g, Model::IndependentCascade, &[0], &[true], 10, 5, 1).is_err()
        );
    }
}
