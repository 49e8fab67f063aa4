//! Weighted, personalised PageRank in the pull direction (the GAP Benchmark Suite's formulation).
//!
//! Each iteration first computes every reactor's outgoing *contribution* `x[u] / W[u]` once (not once
//! per edge), into an array indexed by reactor index (the graph numbers the nodes with outgoing edges
//! apart, so the array every edge reads at random holds nothing else: see `ReactionGraph`), then each
//! target sums its reactors' contributions times the edge weights — reads only, no atomics. Mass of
//! dangling nodes (no outgoing weight) is redistributed by the personalisation vector, as networkx does,
//! so the result equals `networkx.pagerank(G, alpha, personalization, weight=...)`. The pull also takes
//! the L1 change and the next iteration's dangling mass as it writes each score, so an iteration is two
//! passes over memory; a uniform jump distribution is a number rather than a vector to read.
//!
//! Contributions are kept as `f32` by default (sums and scores are `f64`): the contribution array is the
//! one that every edge reads at random, and halving it made an iteration ~1.3x faster on R-MAT scale 20
//! (BENCHMARKS.md). Its rounding puts a floor of ~1e-8 under the L1 change between iterations, so a
//! tolerance below [`SINGLE_PRECISION_FLOOR`] switches to `f64` contributions ([`Precision::Auto`]):
//! checks against other tools ask for 1e-12 and get it; scoring asks for 1e-7 and gets speed. With `f32`
//! contributions the weighted kernel also multiplies and sums in `f32`, over blocks of 128 edges folded
//! into `f64` (AVX2 gathers where the CPU has them; see `blocksum` for the error bound): ~1.5x faster on
//! R-MAT scale 20. A weighted graph keeps each reactor next to its edge weight, so a target's edges stream
//! from one array. Unweighted sums stay `f64`, gathering 8 contributions at a time where AVX2 allows.
//!
//! Results do not depend on the number of threads: every target's sum runs in a fixed order on one
//! thread, and each global sum (dangling mass, residual) is taken per fixed chunk of `TARGETS_PER_TASK`
//! nodes, in a fixed order within the chunk (four lanes), and then over the chunks in order, whichever
//! thread took each chunk. Nor on the CPU: the AVX2 paths give the bits the portable ones give.
//!
//! On the 2-core machine of BENCHMARKS.md an iteration takes 0.6–0.95 of the time of a GAP-style C++ loop
//! over the same CSR (`bench/pagerank_pull.cc`), unweighted and weighted, on R-MAT scale 20 and on SNAP
//! graphs, mostly thanks to the reactor numbering (the C++ loop given a CSR numbered the same way is as
//! fast unweighted). The rest: one loop per target whose only unpredictable branch is its exit (the last
//! 1–7 edges are one masked step), the AVX2 code chosen per chunk so that each target's sum is inlined,
//! and each chunk its own task, so that skewed graphs balance on 2 threads.

use crate::blocksum::{unit_sum_portable, unit_sums, weighted_sums, SumKernel};
use crate::csr::{Adjacency, GraphError, ReactionGraph};
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
    let jump = jump_vector(n, cfg.personalization.as_deref())?;
    let double = match cfg.precision {
        Precision::Single => false,
        Precision::Double => true,
        Precision::Auto => cfg.tolerance > 0.0 && cfg.tolerance < SINGLE_PRECISION_FLOOR,
    };
    Ok(if double {
        iterate::<f64>(g, cfg, &jump)
    } else {
        iterate::<f32>(g, cfg, &jump)
    })
}

/// A contribution value: `f32` or `f64`.
trait Contribution: Copy + Default + Send + Sync {
    /// What a reactor's score is scaled by to give its contribution, from its outgoing weight `w`.
    fn scale(w: f64) -> f64;
    /// The contribution of a reactor of score `x` and [`scale`](Contribution::scale) `s`.
    fn contribution(x: f64, s: f64) -> Self;
    /// `out[i]` = target `i`'s `Σ contrib[src] · weight` for each target of a chunk, whose edges are
    /// `adjacency[offsets[i]..offsets[i + 1]]`.
    ///
    /// # Safety
    /// Every source of those edges must be below `contrib.len()`, and `kernel` must come from
    /// [`SumKernel::detect`].
    unsafe fn sums(
        kernel: SumKernel,
        adjacency: &Adjacency,
        offsets: &[u64],
        contrib: &[Self],
        out: &mut [f64],
    );
}

impl Contribution for f32 {
    /// The reciprocal, computed once per run, so that each iteration multiplies where a division costs
    /// ~5 cycles a reactor (1.37 → 1.28 ms an iteration on the Higgs retweet graph). `x · (1 / w)` is
    /// within an ulp of `f64` of `x / w`, a difference the rounding to `f32` nearly always hides.
    fn scale(w: f64) -> f64 {
        1.0 / w
    }
    #[inline]
    fn contribution(x: f64, s: f64) -> Self {
        (x * s) as f32
    }
    /// Weighted: `f32` products summed in `f32` blocks folded into `f64` (AVX2 gathers where
    /// available): see `blocksum` for the error bound; ~1.5x faster than the `f64` loop below on R-MAT
    /// scale 20. Unweighted: widened to `f64` and summed in four lanes (one AVX2 gather per 8 edges).
    #[inline]
    unsafe fn sums(
        kernel: SumKernel,
        adjacency: &Adjacency,
        offsets: &[u64],
        contrib: &[Self],
        out: &mut [f64],
    ) {
        match adjacency {
            // SAFETY: this function's contract.
            Adjacency::Unit(sources) => unsafe {
                unit_sums(kernel, offsets, sources, contrib, out)
            },
            Adjacency::Weighted(edges) => unsafe {
                weighted_sums(kernel, offsets, edges, contrib, out)
            },
        }
    }
}

impl Contribution for f64 {
    /// The weight itself: `x / w`, exactly rounded, for the runs where accuracy is the point.
    fn scale(w: f64) -> f64 {
        w
    }
    #[inline]
    fn contribution(x: f64, s: f64) -> Self {
        x / s
    }
    /// Exact products (an `f32` weight widens exactly) summed in `f64`, one edge after another: the
    /// path of tight tolerances, where accuracy is the point.
    #[inline]
    unsafe fn sums(
        _: SumKernel,
        adjacency: &Adjacency,
        offsets: &[u64],
        contrib: &[Self],
        out: &mut [f64],
    ) {
        for (o, ends) in out.iter_mut().zip(offsets.windows(2)) {
            let (lo, hi) = (ends[0] as usize, ends[1] as usize);
            *o = match adjacency {
                // SAFETY: this function's contract.
                Adjacency::Unit(sources) => unsafe { unit_sum_portable(&sources[lo..hi], contrib) },
                Adjacency::Weighted(edges) => edges[lo..hi]
                    .iter()
                    .map(|e| contrib[e.src as usize] * f64::from(e.weight))
                    .sum(),
            };
        }
    }
}

fn iterate<T: Contribution>(g: &ReactionGraph, cfg: &PageRankConfig, jump: &Jump) -> PageRank {
    let n = g.nodes();
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut contrib = vec![T::default(); g.reactors().len()];
    let w = g.out_weight();
    let scales: Vec<f64> = g
        .reactors()
        .iter()
        .map(|&u| T::scale(w[u as usize]))
        .collect();
    let mut sums = vec![ChunkSums::default(); n.div_ceil(TARGETS_PER_TASK)];
    let mut dangling = dangling_mass(g, &x, &mut sums);
    let (mut residual, mut iterations) = (f64::INFINITY, 0);
    while iterations < cfg.max_iterations {
        iterations += 1;
        contributions(g, &x, &scales, &mut contrib);
        let step = Step {
            g,
            contrib: &contrib,
            dangling,
            alpha: cfg.alpha,
            x: &x,
        };
        (residual, dangling) = match jump {
            &Jump::Uniform(p) => step.pull(move |_| p, &mut next, &mut sums),
            Jump::Given(p) => step.pull(|v| p[v], &mut next, &mut sums),
        };
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

/// The jump (and dangling) distribution: the uniform one is a number, not a vector to read.
enum Jump {
    Uniform(f64),
    Given(Vec<f64>),
}

/// Normalised jump distribution.
fn jump_vector(n: usize, personalization: Option<&[f64]>) -> Result<Jump, GraphError> {
    match personalization {
        None => Ok(Jump::Uniform(1.0 / n as f64)),
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
            Ok(Jump::Given(p.iter().map(|v| v / total).collect()))
        }
    }
}

/// One chunk of targets' share of the global sums, each taken in [`Lanes`] within the chunk; the chunks'
/// shares are then added in chunk order, so the totals do not depend on the thread count.
#[derive(Debug, Clone, Copy, Default)]
struct ChunkSums {
    /// L1 change of the chunk's scores.
    residual: f64,
    /// Score mass of the chunk's dangling nodes.
    dangling: f64,
}

/// Total score of the dangling nodes (no outgoing weight), for the first iteration; later ones get it
/// from the pull that computed the scores.
fn dangling_mass(g: &ReactionGraph, x: &[f64], sums: &mut [ChunkSums]) -> f64 {
    let w = g.out_weight();
    sums.par_iter_mut()
        .zip(x.par_chunks(TARGETS_PER_TASK))
        .zip(w.par_chunks(TARGETS_PER_TASK))
        .for_each(|((sum, x), w)| {
            let mut mass = Lanes::default();
            for (k, (&xv, &wv)) in x.iter().zip(w).enumerate() {
                mass.add(k, dangling_part(xv, wv));
            }
            sum.dangling = mass.total();
        });
    sums.iter().map(|s| s.dangling).sum()
}

/// A node's score if it is dangling (no outgoing weight `w`), else 0, without a branch to mispredict.
#[inline(always)]
fn dangling_part(x: f64, w: f64) -> f64 {
    if w == 0.0 {
        x
    } else {
        0.0
    }
}

/// Four running sums, the `k`-th value of a chunk added to lane `k mod 4`, joined as `(l0 + l1) + (l2 +
/// l3)`: a fixed order, with four independent chains of additions where one would wait on each add.
#[derive(Debug, Default)]
struct Lanes([f64; 4]);

impl Lanes {
    #[inline(always)]
    fn add(&mut self, k: usize, x: f64) {
        self.0[k % 4] += x;
    }

    fn total(&self) -> f64 {
        (self.0[0] + self.0[1]) + (self.0[2] + self.0[3])
    }
}

/// `contrib[r] = x[u] / W[u]` for every reactor `u` (reactor index `r`, whose [scale](Contribution::scale)
/// is `scales[r]`); every reactor's `W` is > 0.
fn contributions<T: Contribution>(g: &ReactionGraph, x: &[f64], scales: &[f64], contrib: &mut [T]) {
    contrib
        .par_chunks_mut(TARGETS_PER_TASK)
        .zip(g.reactors().par_chunks(TARGETS_PER_TASK))
        .zip(scales.par_chunks(TARGETS_PER_TASK))
        .for_each(|((c, reactors), scales)| {
            for ((c, &u), &s) in c.iter_mut().zip(reactors).zip(scales) {
                *c = T::contribution(x[u as usize], s);
            }
        });
}

/// What one pull step reads.
struct Step<'a, T> {
    g: &'a ReactionGraph,
    contrib: &'a [T],
    /// Score mass of the dangling nodes, spread by the jump distribution.
    dangling: f64,
    alpha: f64,
    /// The scores the contributions came from.
    x: &'a [f64],
}

impl<T: Contribution> Step<'_, T> {
    /// The new score of every target into `next`, from its reactors' contributions, the dangling mass and
    /// its jump probability `p(v)`. Returns the L1 change from `x` and the new dangling mass, each summed
    /// per chunk of targets (in `sums`) and then over the chunks in order.
    fn pull(
        &self,
        p: impl Fn(usize) -> f64 + Sync + Copy,
        next: &mut [f64],
        sums: &mut [ChunkSums],
    ) -> (f64, f64) {
        let offsets = self.g.offsets();
        let kernel = SumKernel::detect(self.contrib.len());
        next.par_chunks_mut(TARGETS_PER_TASK)
            .zip(sums.par_iter_mut())
            .enumerate()
            // Every chunk a task of its own, so that an idle thread can take any of them: chunks of
            // skewed graphs differ widely (Slashdot's first of 4,096 targets has 20% of the edges), and
            // rayon's default halving left one thread 70% of the work.
            .with_max_len(1)
            .for_each(|(chunk, (slots, sum))| {
                let first = chunk * TARGETS_PER_TASK;
                // Each target's incoming sum first, then its score in its place.
                let ends = &offsets[first..=first + slots.len()];
                // SAFETY: `contrib` has one entry per reactor of `g` (`iterate` sizes it so) and every
                // edge of `g` names a reactor below that count (checked by `from_edges` and
                // `read_binary`, the only ways a graph is built); `kernel` is `detect`'s.
                unsafe { T::sums(kernel, self.g.adjacency(), ends, self.contrib, slots) };
                *sum = self.settle(first, slots, p);
            });
        let total = |f: fn(&ChunkSums) -> f64| sums.iter().map(f).sum();
        (total(|s| s.residual), total(|s| s.dangling))
    }

    /// Turn the incoming sums in `slots` (targets `first..`) into scores, and take the chunk's share of
    /// the L1 change and of the new dangling mass, four targets at a time so that the lanes stay in
    /// registers.
    #[inline(always)]
    fn settle(
        &self,
        first: usize,
        slots: &mut [f64],
        p: impl Fn(usize) -> f64 + Copy,
    ) -> ChunkSums {
        let (alpha, dangling) = (self.alpha, self.dangling);
        let range = first..first + slots.len();
        let (old, w) = (&self.x[range.clone()], &self.g.out_weight()[range]);
        let (mut residual, mut mass) = (Lanes::default(), Lanes::default());
        let mut one = |k: usize, slot: &mut f64, old: f64, w: f64| {
            let pv = p(first + k);
            let score = alpha * (*slot + dangling * pv) + (1.0 - alpha) * pv;
            *slot = score;
            residual.add(k, (old - score).abs());
            mass.add(k, dangling_part(score, w));
        };
        let base = slots.len() / 4 * 4;
        let mut slots4 = slots.chunks_exact_mut(4);
        let (mut old4, mut w4) = (old.chunks_exact(4), w.chunks_exact(4));
        for (i, ((s, o), w)) in (&mut slots4).zip(&mut old4).zip(&mut w4).enumerate() {
            for j in 0..4 {
                one(4 * i + j, &mut s[j], o[j], w[j]);
            }
        }
        let rest = slots4.into_remainder().iter_mut();
        for (j, ((s, &o), &w)) in rest.zip(old4.remainder()).zip(w4.remainder()).enumerate() {
            one(base + j, s, o, w);
        }
        ChunkSums {
            residual: residual.total(),
            dangling: mass.total(),
        }
    }
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
        let weighted = graph(50_000, &edges);
        let personalised = PageRankConfig {
            personalization: Some((0..50_000).map(|v| f64::from(v % 7)).collect()),
            ..Default::default()
        };
        for g in [weighted.unweighted(), weighted] {
            for cfg in [PageRankConfig::default(), personalised.clone()] {
                let run = |threads| {
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap()
                        .install(|| pagerank(&g, &cfg).unwrap())
                };
                let (a, b) = (run(1), run(2));
                assert_eq!(a.iterations, b.iterations);
                assert_eq!(a.residual.to_bits(), b.residual.to_bits());
                assert!(a
                    .scores
                    .iter()
                    .zip(&b.scores)
                    .all(|(x, y)| x.to_bits() == y.to_bits()));
            }
        }
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
