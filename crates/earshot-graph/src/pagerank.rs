//! Weighted, personalised PageRank in the pull direction (the GAP Benchmark Suite's formulation).
//!
//! Each iteration first computes every node's outgoing *contribution* `x[u] / W[u]` once (not once per
//! edge), then each target sums its reactors' contributions times the edge weights — reads only, no
//! atomics. Mass of dangling nodes (no outgoing weight) is redistributed by the personalisation vector,
//! as networkx does, so the result equals `networkx.pagerank(G, alpha, personalization, weight=...)`.
//!
//! Contributions are kept as `f32` by default (sums and scores are `f64`): the contribution array is the
//! one that every edge reads at random, and halving it made an iteration ~1.3x faster on R-MAT scale 20
//! (BENCHMARKS.md). Its rounding puts a floor of ~1e-8 under the L1 change between iterations, so a
//! tolerance below [`SINGLE_PRECISION_FLOOR`] switches to `f64` contributions ([`Precision::Auto`]):
//! checks against other tools ask for 1e-12 and get it; scoring asks for 1e-7 and gets speed. With `f32`
//! contributions the weighted kernel also multiplies and sums in `f32`, over blocks of 128 edges folded
//! into `f64` (AVX2 gathers where the CPU has them; see `blocksum` for the error bound): ~1.5x faster on
//! R-MAT scale 20. A weighted graph keeps each reactor next to its edge weight, so a target's edges stream
//! from one array.
//!
//! Results do not depend on the number of threads: every target's sum runs in a fixed order on one
//! thread, and the global sums (dangling mass, residual) are taken sequentially.

use crate::blocksum::{weighted_sum, SumKernel};
use crate::csr::{Adjacency, GraphError, InEdge, ReactionGraph, VertexRange};
use rayon::prelude::*;

/// PageRank parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRankConfig {
    /// Damping factor: the probability of following an edge rather than jumping.
    pub alpha: f64,
    /// Stop when the L1 change between iterations falls below this (absolute, not scaled by the node
    /// count as networkx's `tol` is).
    pub tolerance: f64,
    pub max_iterations: u32,
    pub precision: Precision,
    /// Jump (and dangling) distribution over nodes; `None` is uniform. Normalised to sum 1 here.
    pub personalization: Option<Vec<f64>>,
}

impl Default for PageRankConfig {
    fn default() -> Self {
        PageRankConfig {
            alpha: 0.85,
            tolerance: 1e-7,
            max_iterations: 1000,
            precision: Precision::Auto,
            personalization: None,
        }
    }
}

/// The smallest tolerance `f32` contributions can reach reliably (their rounding noise is ~1e-8 in L1).
pub const SINGLE_PRECISION_FLOOR: f64 = 1e-7;

/// Width of the per-node contributions each iteration reads at random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// `f32` unless the tolerance is below [`SINGLE_PRECISION_FLOOR`] (and not 0, which means "run
    /// exactly `max_iterations`").
    #[default]
    Auto,
    Single,
    Double,
}

/// Scores (summing to 1) and how the iteration ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRank {
    pub scores: Vec<f64>,
    pub iterations: u32,
    /// L1 change of the last iteration.
    pub residual: f64,
    pub converged: bool,
}

/// Targets per parallel task: large enough to amortise scheduling, small enough to balance skew.
const TARGETS_PER_TASK: usize = 4096;

/// PageRank of `g` on the current rayon pool (install a pool to choose the thread count).
pub fn pagerank(g: &ReactionGraph, cfg: &PageRankConfig) -> Result<PageRank, GraphError> {
    let n = g.nodes();
    if n == 0 {
        return Ok(PageRank {
            scores: Vec::new(),
            iterations: 0,
            residual: 0.0,
            converged: true,
        });
    }
    let p = jump_vector(n, cfg.personalization.as_deref())?;
    let double = match cfg.precision {
        Precision::Single => false,
        Precision::Double => true,
        Precision::Auto => cfg.tolerance > 0.0 && cfg.tolerance < SINGLE_PRECISION_FLOOR,
    };
    Ok(if double {
        iterate::<f64>(g, cfg, &p)
    } else {
        iterate::<f32>(g, cfg, &p)
    })
}

/// A contribution value: `f32` or `f64`.
trait Contribution: Copy + Default + Send + Sync {
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    /// `Σ contrib[e.src] · e.weight` over one target's `edges` (sources below `contrib.len()`).
    fn weighted_sum(kernel: SumKernel, edges: &[InEdge], contrib: &[Self]) -> f64;
}

impl Contribution for f32 {
    #[inline]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    /// `f32` products summed in `f32` blocks folded into `f64` (AVX2 gathers where available): see
    /// `blocksum` for the error bound. ~1.5x faster than the `f64` loop below on R-MAT scale 20.
    #[inline]
    fn weighted_sum(kernel: SumKernel, edges: &[InEdge], contrib: &[Self]) -> f64 {
        weighted_sum(kernel, edges, contrib)
    }
}

impl Contribution for f64 {
    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    /// Exact products (an `f32` weight widens exactly) summed in `f64`, one edge after another: the
    /// path of tight tolerances, where accuracy is the point.
    #[inline]
    fn weighted_sum(_: SumKernel, edges: &[InEdge], contrib: &[Self]) -> f64 {
        edges
            .iter()
            // SAFETY: as in `sum_unweighted`: every source id is below the node count (checked when the
            // graph was built or loaded) and `contrib` has one entry per node.
            .map(|e| unsafe { *contrib.get_unchecked(e.src as usize) } * f64::from(e.weight))
            .sum()
    }
}

fn iterate<T: Contribution>(g: &ReactionGraph, cfg: &PageRankConfig, p: &[f64]) -> PageRank {
    let n = g.nodes();
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut contrib = vec![T::default(); n];
    let (mut residual, mut iterations) = (f64::INFINITY, 0);
    while iterations < cfg.max_iterations {
        iterations += 1;
        let dangling = contributions(g, &x, &mut contrib);
        let all = VertexRange {
            start: 0,
            end: n as u32,
        };
        pull_range(g, all, &contrib, dangling, p, cfg.alpha, &mut next);
        residual = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if residual < cfg.tolerance {
            return PageRank {
                scores: normalised(x),
                iterations,
                residual,
                converged: true,
            };
        }
    }
    PageRank {
        scores: normalised(x),
        iterations,
        residual,
        converged: cfg.tolerance == 0.0,
    }
}

/// Scale to sum exactly 1: f32 contributions leak ~1e-8 of the mass per iteration.
fn normalised(mut x: Vec<f64>) -> Vec<f64> {
    let total: f64 = x.iter().sum();
    if total > 0.0 {
        x.iter_mut().for_each(|v| *v /= total);
    }
    x
}

/// Normalised jump vector.
fn jump_vector(n: usize, personalization: Option<&[f64]>) -> Result<Vec<f64>, GraphError> {
    match personalization {
        None => Ok(vec![1.0 / n as f64; n]),
        Some(p) => {
            let bad = || GraphError::BadPersonalisation {
                got: p.len(),
                nodes: n,
            };
            if p.len() != n || p.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(bad());
            }
            let total: f64 = p.iter().sum();
            if !(total > 0.0 && total.is_finite()) {
                return Err(bad());
            }
            Ok(p.iter().map(|v| v / total).collect())
        }
    }
}

/// `contrib[u] = x[u] / W[u]` for nodes with outgoing weight; returns the total mass of dangling nodes.
fn contributions<T: Contribution>(g: &ReactionGraph, x: &[f64], contrib: &mut [T]) -> f64 {
    let w = g.out_weight();
    contrib
        .par_iter_mut()
        .with_min_len(TARGETS_PER_TASK)
        .enumerate()
        .for_each(|(u, c)| {
            *c = if w[u] > 0.0 {
                T::from_f64(x[u] / w[u])
            } else {
                T::default()
            };
        });
    x.iter()
        .zip(w)
        .filter(|(_, &wu)| wu == 0.0)
        .map(|(xu, _)| xu)
        .sum()
}

/// One pull step for the targets in `range`, writing `out[v - range.start]`. This is the per-shard kernel:
/// it needs only the shard's incoming edges and the global contribution vector.
fn pull_range<T: Contribution>(
    g: &ReactionGraph,
    range: VertexRange,
    contrib: &[T],
    dangling: f64,
    p: &[f64],
    alpha: f64,
    out: &mut [f64],
) {
    let offsets = g.offsets();
    let adjacency = g.adjacency();
    let kernel = SumKernel::detect(g.nodes());
    let base = range.start as usize;
    out[..range.len()]
        .par_chunks_mut(TARGETS_PER_TASK)
        .enumerate()
        .for_each(|(chunk, slots)| {
            let first = base + chunk * TARGETS_PER_TASK;
            for (i, slot) in slots.iter_mut().enumerate() {
                let v = first + i;
                let (lo, hi) = (offsets[v] as usize, offsets[v + 1] as usize);
                let sum = match adjacency {
                    Adjacency::Unit(sources) => sum_unweighted(&sources[lo..hi], contrib),
                    Adjacency::Weighted(edges) => T::weighted_sum(kernel, &edges[lo..hi], contrib),
                };
                *slot = alpha * (sum + dangling * p[v]) + (1.0 - alpha) * p[v];
            }
        });
}

/// `Σ contrib[u]` over `sources`, in four interleaved partial sums: independent additions keep the
/// floating-point pipeline full where one running sum would wait on each add (~3% on R-MAT scale 20).
/// The order is fixed, so the result is the same on every run and thread count.
#[inline]
fn sum_unweighted<T: Contribution>(sources: &[u32], contrib: &[T]) -> f64 {
    let mut acc = [0f64; 4];
    let mut quads = sources.chunks_exact(4);
    for q in &mut quads {
        for (a, &u) in acc.iter_mut().zip(q) {
            // SAFETY: every source id is below the node count (checked by `ReactionGraph::from_edges` and
            // `read_binary`), and `contrib` has one entry per node.
            *a += unsafe { *contrib.get_unchecked(u as usize) }.to_f64();
        }
    }
    let tail: f64 = quads
        .remainder()
        .iter()
        .map(|&u| contrib[u as usize].to_f64())
        .sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::Edge;

    fn graph(n: u32, edges: &[(u32, u32, f64)]) -> ReactionGraph {
        let e: Vec<Edge> = edges
            .iter()
            .map(|&(src, dst, weight)| Edge { src, dst, weight })
            .collect();
        ReactionGraph::from_edges(n, &e).unwrap()
    }

    /// `count` reproducible edges spread over `nodes` nodes, weights 1 to `weight_levels`.
    fn scattered_edges(count: u32, nodes: u32, weight_levels: u32) -> Vec<(u32, u32, f64)> {
        (0..count)
            .map(|i| {
                (
                    i.wrapping_mul(2_654_435_761) % nodes,
                    (i * 7919) % nodes,
                    1.0 + f64::from(i % weight_levels),
                )
            })
            .collect()
    }

    /// Dense power iteration written directly from the definition, as an independent reference. The
    /// tests ask for a 1e-14 tolerance, so the kernel runs in double precision and must agree to 1e-12.
    fn l1_distance(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
    }

    fn reference(n: usize, edges: &[(u32, u32, f64)], alpha: f64, p: &[f64]) -> Vec<f64> {
        let mut out_w = vec![0.0; n];
        for &(s, _, w) in edges {
            out_w[s as usize] += w;
        }
        let mut x = vec![1.0 / n as f64; n];
        for _ in 0..2000 {
            let dangling: f64 = (0..n).filter(|&u| out_w[u] == 0.0).map(|u| x[u]).sum();
            let mut next: Vec<f64> = (0..n)
                .map(|v| (1.0 - alpha) * p[v] + alpha * dangling * p[v])
                .collect();
            for &(s, d, w) in edges {
                next[d as usize] += alpha * x[s as usize] * w / out_w[s as usize];
            }
            x = next;
        }
        x
    }

    #[test]
    fn matches_the_definition_on_a_small_weighted_graph_with_dangling_nodes() {
        let edges = [
            (0, 1, 1.0),
            (1, 2, 2.0),
            (2, 0, 1.0),
            (2, 1, 3.0),
            (3, 2, 1.0),
            (0, 4, 0.5),
            (5, 5, 1.0),
        ];
        let pr = pagerank(
            &graph(6, &edges),
            &PageRankConfig {
                tolerance: 1e-14,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(pr.converged);
        let want = reference(6, &edges, 0.85, &[1.0 / 6.0; 6]);
        let l1 = l1_distance(&pr.scores, &want);
        assert!(l1 < 1e-12, "L1 {l1}: {:?} vs {want:?}", pr.scores);
        assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn personalisation_is_normalised_and_shifts_mass() {
        let edges = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 0, 1.0)];
        let p = vec![0.0, 0.0, 4.0];
        let cfg = PageRankConfig {
            personalization: Some(p.clone()),
            tolerance: 1e-14,
            ..Default::default()
        };
        let pr = pagerank(&graph(3, &edges), &cfg).unwrap();
        let want = reference(3, &edges, 0.85, &[0.0, 0.0, 1.0]);
        let l1 = l1_distance(&pr.scores, &want);
        assert!(l1 < 1e-12, "L1 {l1}: {:?} vs {want:?}", pr.scores);
        let bad = PageRankConfig {
            personalization: Some(vec![1.0]),
            ..Default::default()
        };
        assert!(pagerank(&graph(3, &edges), &bad).is_err());
        let zero = PageRankConfig {
            personalization: Some(vec![0.0; 3]),
            ..Default::default()
        };
        assert!(pagerank(&graph(3, &edges), &zero).is_err());
    }

    #[test]
    fn identical_on_one_and_two_threads() {
        let edges = scattered_edges(200_000, 50_000, 3);
        let g = graph(50_000, &edges);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| pagerank(&g, &PageRankConfig::default()).unwrap())
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a.iterations, b.iterations);
        assert!(a
            .scores
            .iter()
            .zip(&b.scores)
            .all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    /// Single-precision contributions have a noise floor: the default tolerance must sit above it (a run
    /// that never converges would spin to max_iterations), and a tighter one must switch to f64 and
    /// reach it.
    #[test]
    fn default_tolerance_converges_and_tight_tolerance_uses_double() {
        let edges = scattered_edges(300_000, 100_000, 5);
        let g = graph(100_000, &edges);
        let pr = pagerank(&g, &PageRankConfig::default()).unwrap();
        assert!(
            pr.converged && pr.iterations < 200,
            "{} iterations, residual {}",
            pr.iterations,
            pr.residual
        );
        let tight = PageRankConfig {
            tolerance: 1e-13,
            ..Default::default()
        };
        let pr2 = pagerank(&g, &tight).unwrap();
        assert!(
            pr2.converged && pr2.residual < 1e-13,
            "{} iterations, residual {}",
            pr2.iterations,
            pr2.residual
        );
        let single = PageRankConfig {
            tolerance: 1e-13,
            precision: Precision::Single,
            max_iterations: 300,
            ..Default::default()
        };
        let pr3 = pagerank(&g, &single).unwrap();
        assert!(
            !pr3.converged,
            "f32 contributions cannot reach 1e-13 (residual {})",
            pr3.residual
        );
        let l1 = l1_distance(&pr.scores, &pr2.scores);
        assert!(l1 < 1e-5, "{l1}");
    }

    #[test]
    fn empty_graph_is_fine() {
        let pr = pagerank(&graph(0, &[]), &PageRankConfig::default()).unwrap();
        assert!(pr.scores.is_empty() && pr.converged);
    }

    /// Weights far apart (a reaction of weight 1e50, decayed ones of 1e-47 beside fresh ones of 1) once
    /// made f32 contributions overflow and gave NaN scores (issue 19).
    #[test]
    fn extreme_weights_give_finite_scores_as_if_scaled() {
        for precision in [Precision::Single, Precision::Double] {
            let cfg = PageRankConfig {
                precision,
                ..Default::default()
            };
            for big in [1e50, 1e300, f64::MAX] {
                let edges = [
                    (0, 1, big),
                    (1, 2, 1.0),
                    (2, 0, 1.0),
                    (3, 1, 1.0),
                    (2, 3, 2.0),
                ];
                let pr = pagerank(&graph(4, &edges), &cfg).unwrap();
                assert!(
                    pr.scores.iter().all(|s| s.is_finite()),
                    "{big}: {:?}",
                    pr.scores
                );
                // Only the ratios matter: the same graph with every weight divided by `big` ranks alike.
                let scaled: Vec<_> = edges.iter().map(|&(a, b, w)| (a, b, w / big)).collect();
                let want = pagerank(&graph(4, &scaled), &cfg).unwrap();
                assert!(l1_distance(&pr.scores, &want.scores) < 1e-6);
            }
            // Reactions decayed to 1e-47 (three years at a week's half-life) beside fresh ones.
            let edges = [
                (0, 1, 1e-47),
                (1, 0, 1e-47),
                (2, 3, 1.0),
                (3, 2, 1.0),
                (0, 2, 1e-47),
            ];
            let pr = pagerank(&graph(4, &edges), &cfg).unwrap();
            assert!(pr.scores.iter().all(|s| s.is_finite()), "{:?}", pr.scores);
            assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever the finite weights (zero, subnormal, up to f64::MAX), scores are finite and sum to 1.
        #[test]
        fn any_finite_weights_give_finite_scores(
            edges in proptest::collection::vec((0u32..6, 0u32..6, proptest::prelude::any::<u64>()), 1..30),
        ) {
            let edges: Vec<(u32, u32, f64)> = edges
                .into_iter()
                .map(|(a, b, bits)| {
                    let w = f64::from_bits(bits >> 1);
                    (a, b, if w.is_finite() { w } else { f64::MAX })
                })
                .collect();
            let pr = pagerank(&graph(6, &edges), &PageRankConfig::default()).unwrap();
            proptest::prop_assert!(pr.scores.iter().all(|s| s.is_finite()), "{:?}", pr.scores);
            proptest::prop_assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        }
    }
}
