//! CELF: greedy influence maximisation with lazy forward evaluation (Leskovec, Krause, Guestrin,
//! Faloutsos, VanBriesen, Glance, "Cost-effective Outbreak Detection in Networks", KDD 2007), with
//! marginal gains estimated by Monte Carlo. It is the classic greedy that IMM approximates, and slow
//! (every node is evaluated in `R` simulations in the first round), so it serves as a cross-check of IMM
//! on small graphs.
//!
//! **Common random numbers.** Every candidate set is evaluated in the same `R` sampled live-edge worlds.
//! Independent Cascade is the same as keeping each edge independently with its probability and counting
//! what the seeds reach (Kempe, Kleinberg, Tardos 2003); Linear Threshold the same as each node keeping at
//! most one in-edge, `(u, v)` with probability `p(u, v)` (their Theorem 2.5). World `i`'s coins are a
//! pure function of `(seed, i)` and the edge (IC) or node (LT): coin `j` is the top 24 bits of SplitMix64
//! output `j + 1` from a key derived from `(seed, i)`, compared with the probability exactly as the
//! simulators compare (`u < p`). Each world is drawn once and kept as a bitset of its live edges, beside a
//! bitset of the nodes the chosen seeds already reach in it: `R × (m + n) / 8` bytes in all (3.3 MB for
//! email-Eu-core's 24,929 edges at `R` = 1,000).
//!
//! The estimate `σ̂(S)` (the mean over the worlds of the audience nodes `S` reaches) is then a sum of
//! coverage functions: monotone and submodular *exactly*, not only in expectation. So CELF's lazy
//! evaluation picks precisely the seeds plain greedy would pick on the same worlds (ties to the lower
//! id), and the marginal gains are integers over the worlds, compared exactly. A marginal gain of `v` is
//! a search from `v` in each world that stops at nodes the seeds already reach (what they reach is closed
//! under reachability). Evaluations run in parallel over chunks of worlds, each chunk running every
//! candidate of a batch (all of them in the first round, up to [`BATCH`] stale ones after) world by world
//! while the world is in cache; the sums are integers, so the seeds are the same on any number of
//! threads.
//!
//! Like IMM's RR estimate, `σ̂` of the chosen seeds is biased upwards (they were chosen on the same
//! worlds); an unbiased figure needs fresh simulations ([`crate::estimate_spread`]).

use crate::choice::{check_request, Request};
use crate::estimate::mix64;
use crate::simulate::Model;
use crate::{DiffusionError, DiffusionGraph};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The most nodes [`celf`] accepts unless forced: its first round costs `n × R` searches.
pub const MAX_CELF_NODES: usize = 20_000;

/// The most bytes of per-world bitsets (`R × (m + n) / 8`: live edges and coverage) [`celf`] allocates.
const MAX_WORLD_BYTES: usize = 4 << 30;

/// What [`celf`] is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct CelfOptions {
    /// Seeds to choose.
    pub k: usize,
    /// Independent Cascade or Linear Threshold.
    pub model: Model,
    /// Live-edge worlds (Monte Carlo simulations) every marginal gain is estimated from.
    pub simulations: usize,
    /// Reproducibility: the same seed gives the same worlds and seeds on any number of threads.
    pub seed: u64,
    /// Worker threads; 0 = the current rayon pool.
    pub threads: usize,
    /// Only reach inside these nodes counts; `None` = everyone.
    pub audience: Option<Vec<u32>>,
    /// Nodes that may not be seeds.
    pub exclude: Vec<u32>,
    /// Run on graphs above [`MAX_CELF_NODES`] nodes.
    pub force: bool,
}

impl Default for CelfOptions {
    fn default() -> Self {
        CelfOptions {
            k: 50,
            model: Model::IndependentCascade,
            simulations: 1000,
            seed: 1,
            threads: 0,
            audience: None,
            exclude: Vec::new(),
            force: false,
        }
    }
}

/// What [`celf`] chose.
#[derive(Debug, Clone, PartialEq)]
pub struct CelfResult {
    /// Seeds in the order greedy picked them.
    pub seeds: Vec<u32>,
    /// Each seed's marginal gain in estimated spread (same order as `seeds`).
    pub marginal_gains: Vec<f64>,
    /// Estimated spread of all seeds over the worlds (the sum of the marginal gains).
    pub spread: f64,
    /// Standard error of `spread` over the worlds (what it would be for seeds chosen elsewhere).
    pub spread_std_error: f64,
    /// Marginal-gain evaluations performed, each over every world (plain greedy would make about
    /// `k × candidates`).
    pub evaluations: usize,
    /// Worlds every evaluation used.
    pub simulations: usize,
}

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
const UNIT_24: f32 = 1.0 / (1u32 << 24) as f32;

/// Coin `index` of the world keyed `key`: a uniform `k · 2^-24`, `k` in `0..2^24`.
#[inline]
fn coin(key: u64, index: usize) -> f32 {
    let z = mix64(key.wrapping_add((index as u64).wrapping_add(1).wrapping_mul(GAMMA)));
    (z >> 40) as f32 * UNIT_24
}

/// The sampled worlds: bit `e` of world `i`'s row says whether out-edge `e` is live in it.
struct Worlds<'a> {
    g: &'a DiffusionGraph,
    /// World `i`'s live out-edges: `live[i * edge_words..(i + 1) * edge_words]`.
    live: Vec<u64>,
    edge_words: usize,
    /// Whether a node's reach counts; `None` = everyone.
    audience: Option<Vec<bool>>,
}

/// Per-thread scratch for searches: a stamp per node (epoch-tagged, never cleared) and a queue.
struct Scratch {
    stamp: Vec<u32>,
    epoch: u32,
    queue: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            stamp: vec![0; n],
            epoch: 0,
            queue: Vec::new(),
        }
    }
}

#[inline]
fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 == 1
}

impl<'a> Worlds<'a> {
    /// Draw `r` worlds of `model` from `seed`, in parallel (world `i` from its own key, so the same on
    /// any number of threads). Checking every out-edge's bit in a search costs less than drawing its
    /// coin there, and far less than drawing it again for every candidate.
    fn sample(
        g: &'a DiffusionGraph,
        model: Model,
        seed: u64,
        r: usize,
        audience: Option<Vec<bool>>,
    ) -> Self {
        let band = match model {
            Model::LinearThreshold => lt_bands(g),
            Model::IndependentCascade => Vec::new(),
        };
        let base = mix64(seed ^ 0x4345_4c46_5f57_4f52);
        let edge_words = g.edges().div_ceil(64).max(1);
        let mut live = vec![0u64; r * edge_words];
        live.par_chunks_mut(edge_words)
            .enumerate()
            .for_each(|(i, bits)| {
                let key = mix64(base.wrapping_add(i as u64));
                for u in 0..g.nodes() as u32 {
                    let start = g.out_start(u);
                    for (j, l) in g.out_links(u).iter().enumerate() {
                        let e = start + j;
                        let on = match model {
                            Model::IndependentCascade => coin(key, e) < l.p,
                            Model::LinearThreshold => {
                                let c = coin(key, l.node as usize);
                                band[e].0 <= c && c < band[e].1
                            }
                        };
                        bits[e / 64] |= u64::from(on) << (e % 64);
                    }
                }
            });
        Worlds {
            g,
            live,
            edge_words,
            audience,
        }
    }

    /// The nodes `v` reaches in `world` that `covered` (the world's bitset of nodes the seeds reach)
    /// does not hold; empty when it holds `v`.
    fn fresh_reach<'s>(
        &self,
        v: u32,
        world: usize,
        covered: &[u64],
        s: &'s mut Scratch,
    ) -> &'s [u32] {
        s.queue.clear();
        if bit(covered, v as usize) {
            return &s.queue;
        }
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.stamp.fill(0);
            s.epoch = 1;
        }
        let epoch = s.epoch;
        let live = &self.live[world * self.edge_words..(world + 1) * self.edge_words];
        s.stamp[v as usize] = epoch;
        s.queue.push(v);
        let mut head = 0;
        while head < s.queue.len() {
            let u = s.queue[head];
            head += 1;
            let start = self.g.out_start(u);
            for (j, l) in self.g.out_links(u).iter().enumerate() {
                // Most edges are dead (weighted cascade keeps about one in-edge per node a world).
                let w = l.node;
                if bit(live, start + j) && s.stamp[w as usize] != epoch && !bit(covered, w as usize)
                {
                    s.stamp[w as usize] = epoch;
                    s.queue.push(w);
                }
            }
        }
        &s.queue
    }

    /// Audience nodes among `nodes`.
    fn count(&self, nodes: &[u32]) -> u64 {
        match &self.audience {
            None => nodes.len() as u64,
            Some(a) => nodes.iter().filter(|&&v| a[v as usize]).count() as u64,
        }
    }
}

/// Each out-edge's band of its target's in-probabilities (LT's live-edge worlds): `v`'s in-edges, in
/// source order, split `[0, Σp)` into consecutive bands; bounds are rounded once, so bands never overlap.
fn lt_bands(g: &DiffusionGraph) -> Vec<(f32, f32)> {
    let n = g.nodes() as u32;
    let mut offsets = Vec::with_capacity(n as usize + 1);
    let mut bounds: Vec<f32> = Vec::with_capacity(g.edges() + n as usize);
    for v in 0..n {
        offsets.push(bounds.len());
        let mut sum = 0.0f64;
        bounds.push(0.0);
        for l in g.in_links(v) {
            sum += f64::from(l.p);
            bounds.push(sum as f32);
        }
    }
    let mut band = Vec::with_capacity(g.edges());
    for u in 0..n {
        for l in g.out_links(u) {
            let pos = g.in_links(l.node).partition_point(|x| x.node < u);
            let b = offsets[l.node as usize] + pos;
            band.push((bounds[b], bounds[b + 1]));
        }
    }
    band
}

/// Runs CELF. Errors on an empty graph, `k = 0`, no simulations, more than [`MAX_CELF_NODES`] nodes
/// unless `force`, audience or exclusion ids outside the graph, an empty audience, `k` above the number of
/// nodes that may be seeds, and for Linear Threshold in-probabilities summing past 1.
pub fn celf(g: &DiffusionGraph, opts: &CelfOptions) -> Result<CelfResult, DiffusionError> {
    let Request { excluded, audience } =
        check_request(g, opts.k, opts.audience.as_deref(), &opts.exclude)?;
    let n = g.nodes();
    let bad = |what: String| Err(DiffusionError::BadParameter(what));
    if opts.simulations == 0 {
        return Err(DiffusionError::NoSimulations);
    }
    if n > MAX_CELF_NODES && !opts.force {
        return Err(DiffusionError::TooLargeForCelf {
            nodes: n,
            limit: MAX_CELF_NODES,
        });
    }
    let world_bytes = (n.div_ceil(64) + g.edges().div_ceil(64).max(1)) * 8;
    if opts
        .simulations
        .checked_mul(world_bytes)
        .is_none_or(|b| b > MAX_WORLD_BYTES)
    {
        return bad(format!(
            "{} simulations of {n} nodes and {} edges need more than {} GiB of live-edge and coverage bitsets",
            opts.simulations,
            g.edges(),
            MAX_WORLD_BYTES >> 30
        ));
    }
    let candidates: Vec<u32> = (0..n as u32).filter(|&v| !excluded[v as usize]).collect();
    if opts.k > candidates.len() {
        return bad(format!(
            "k = {} but only {} nodes may be seeds",
            opts.k,
            candidates.len()
        ));
    }
    if opts.model == Model::LinearThreshold {
        g.check_linear_threshold()?;
    }
    let worlds = Worlds::sample(g, opts.model, opts.seed, opts.simulations, audience);
    let run = || celf_inner(&worlds, opts, &candidates);
    if opts.threads == 0 {
        Ok(run())
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| DiffusionError::ThreadPool(e.to_string()))?;
        Ok(pool.install(run))
    }
}

/// Stale candidates evaluated together after the first round: each world's bitsets are read once for
/// all of them rather than once each (with many worlds they do not stay in cache between evaluations).
/// Evaluating a few more than CELF strictly needs changes the count of evaluations, never the seeds: a
/// fresh gain is exact whenever it was computed.
const BATCH: usize = 8;

/// The marginal gains of `cands` against the seeds whose reach `covered` holds, summed over the worlds.
/// Parallel over chunks of `chunk` worlds, each chunk running every candidate in a world while the
/// world's bitsets are in cache; the sums are integers, so any split gives the same gains.
fn evaluate(
    w: &Worlds<'_>,
    cands: &[u32],
    covered: &[u64],
    words: usize,
    chunk: usize,
) -> Vec<u64> {
    let n = w.g.nodes();
    let zero = || vec![0u64; cands.len()];
    covered
        .par_chunks(words * chunk)
        .enumerate()
        .fold(
            || (Scratch::new(n), zero()),
            |(mut s, mut sums), (c, bits)| {
                for (j, world) in bits.chunks(words).enumerate() {
                    for (sum, &v) in sums.iter_mut().zip(cands) {
                        *sum += w.count(w.fresh_reach(v, c * chunk + j, world, &mut s));
                    }
                }
                (s, sums)
            },
        )
        .map(|(_, sums)| sums)
        .reduce(zero, |mut a, b| {
            a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
            a
        })
}

fn celf_inner(w: &Worlds<'_>, opts: &CelfOptions, candidates: &[u32]) -> CelfResult {
    let n = w.g.nodes();
    let r = opts.simulations;
    let words = n.div_ceil(64);
    // World i's nodes reached by the seeds so far: covered[i * words..(i + 1) * words].
    let mut covered = vec![0u64; r * words];
    // Worlds per parallel task: a few tasks per thread, whatever the count (the sums are integers).
    let chunk = r.div_ceil(4 * rayon::current_num_threads()).max(16);

    // First round: every candidate against the empty set.
    let first = evaluate(w, candidates, &covered, words, chunk);
    let mut evaluations = candidates.len();
    // Max-heap of (gain bound, lower id first, round the bound was computed in).
    let mut heap: BinaryHeap<(u64, Reverse<u32>, usize)> = candidates
        .iter()
        .zip(&first)
        .map(|(&v, &gain)| (gain, Reverse(v), 0))
        .collect();

    let (mut seeds, mut gains) = (Vec::with_capacity(opts.k), Vec::with_capacity(opts.k));
    let mut stale = Vec::with_capacity(BATCH);
    for round in 0..opts.k {
        // k ≤ candidates, so the heap holds a candidate in every round. The top is chosen once its gain
        // is fresh: every other bound, fresh or not, is at most that gain (submodularity).
        while let Some(&(gain, Reverse(v), at)) = heap.peek() {
            if at == round {
                heap.pop();
                seeds.push(v);
                gains.push(gain);
                break;
            }
            // Stale bounds at the top: evaluate up to BATCH of them against the current seeds.
            stale.clear();
            while stale.len() < BATCH && heap.peek().is_some_and(|&(_, _, at)| at != round) {
                if let Some((_, Reverse(v), _)) = heap.pop() {
                    stale.push(v);
                }
            }
            let fresh = evaluate(w, &stale, &covered, words, chunk);
            evaluations += stale.len();
            heap.extend(
                stale
                    .iter()
                    .zip(fresh)
                    .map(|(&v, gain)| (gain, Reverse(v), round)),
            );
        }
        let Some(&v) = seeds.last() else { break };
        // Add the new seed's reach to every world.
        covered
            .par_chunks_mut(words * chunk)
            .enumerate()
            .for_each_init(
                || Scratch::new(n),
                |s, (c, bits)| {
                    for (j, world) in bits.chunks_mut(words).enumerate() {
                        for &u in w.fresh_reach(v, c * chunk + j, world, s) {
                            world[u as usize / 64] |= 1 << (u % 64);
                        }
                    }
                },
            );
    }

    // Each world's reach of all seeds: the spread and its standard error over the worlds.
    let per_world: Vec<u64> = covered
        .chunks(words)
        .map(|bits| match &w.audience {
            None => bits.iter().map(|b| u64::from(b.count_ones())).sum(),
            Some(a) => (0..n).filter(|&u| a[u] && bit(bits, u)).count() as u64,
        })
        .collect();
    let total: u64 = per_world.iter().sum();
    debug_assert_eq!(total, gains.iter().sum::<u64>());
    let mean = total as f64 / r as f64;
    let spread_std_error = if r > 1 {
        let ss: f64 = per_world.iter().map(|&x| (x as f64 - mean).powi(2)).sum();
        (ss / (r - 1) as f64 / r as f64).sqrt()
    } else {
        0.0
    };
    CelfResult {
        marginal_gains: gains.iter().map(|&c| c as f64 / r as f64).collect(),
        spread: mean,
        spread_std_error,
        seeds,
        evaluations,
        simulations: r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::two_stars;
    use crate::{exact_spread_ic, exact_spread_lt, EdgeModel};

    /// 12 nodes, 15 edges of mixed probabilities (random, fixed): small enough for exact IC over every
    /// 3-subset (2^15 worlds each), with no obvious answer.
    fn tangle() -> DiffusionGraph {
        let e = [
            (9, 1, 0.8),
            (4, 0, 0.2),
            (2, 10, 0.8),
            (11, 5, 0.5),
            (0, 4, 0.8),
            (3, 11, 0.8),
            (10, 1, 0.35),
            (9, 8, 0.5),
            (10, 9, 0.2),
            (5, 6, 0.5),
            (10, 4, 0.2),
            (0, 9, 0.35),
            (10, 5, 0.8),
            (3, 8, 0.2),
            (3, 9, 0.8),
        ];
        let g = DiffusionGraph::from_weighted(12, &e).unwrap();
        assert_eq!(g.edges(), 15);
        g
    }

    /// The best `k`-subset of `0..n` by `spread`, and its spread.
    fn brute_force(n: u32, k: usize, spread: impl Fn(&[u32]) -> f64) -> (Vec<u32>, f64) {
        fn rec(
            from: u32,
            n: u32,
            k: usize,
            set: &mut Vec<u32>,
            best: &mut (Vec<u32>, f64),
            spread: &dyn Fn(&[u32]) -> f64,
        ) {
            if set.len() == k {
                let s = spread(set);
                if s > best.1 + 1e-12 {
                    *best = (set.clone(), s);
                }
                return;
            }
            for v in from..n {
                set.push(v);
                rec(v + 1, n, k, set, best, spread);
                set.pop();
            }
        }
        let mut best = (Vec::new(), f64::NEG_INFINITY);
        rec(0, n, k, &mut Vec::new(), &mut best, &spread);
        best
    }

    fn opts(k: usize, simulations: usize) -> CelfOptions {
        CelfOptions {
            k,
            simulations,
            ..Default::default()
        }
    }

    fn sorted(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v
    }

    #[test]
    fn finds_the_best_sets_found_by_brute_force() {
        let g = two_stars();
        let r = celf(&g, &opts(2, 2000)).unwrap();
        assert_eq!(r.seeds, [0, 7], "hub 0 reaches more, so it comes first");
        let (best, _) = brute_force(14, 2, |s| exact_spread_ic(&g, s).unwrap());
        assert_eq!(sorted(r.seeds.clone()), best);
        // The gains add up to the spread, which sits near the exact spread of the seeds.
        let sum: f64 = r.marginal_gains.iter().sum();
        assert!((sum - r.spread).abs() < 1e-9);
        let exact = exact_spread_ic(&g, &r.seeds).unwrap();
        assert!(
            (r.spread - exact).abs() < 4.0 * r.spread_std_error + 1e-9,
            "{} ± {} vs {exact}",
            r.spread,
            r.spread_std_error
        );

        let g = tangle();
        let bound = 1.0 - 1.0 / std::f64::consts::E;
        for k in 1..=3 {
            let r = celf(&g, &opts(k, 4000)).unwrap();
            let got = exact_spread_ic(&g, &r.seeds).unwrap();
            let (best, opt) = brute_force(12, k, |s| exact_spread_ic(&g, s).unwrap());
            assert!(got >= bound * opt, "k = {k}: {got} vs OPT {opt}");
            assert!(got >= 0.99 * opt, "k = {k}: {got} vs OPT {opt} ({best:?})");
            assert_eq!(r.seeds.len(), k);
        }
    }

    #[test]
    fn linear_threshold_against_brute_force() {
        // Weighted cascade on a small graph: every node's in-probabilities sum to 1.
        let pairs: Vec<(u32, u32)> = (0..16u32)
            .map(|i| ((i * 3 + 1) % 9, (i * 5 + 2) % 9))
            .collect();
        let g = DiffusionGraph::from_pairs(9, &pairs, EdgeModel::WeightedCascade).unwrap();
        for k in 1..=2 {
            let r = celf(
                &g,
                &CelfOptions {
                    model: Model::LinearThreshold,
                    ..opts(k, 4000)
                },
            )
            .unwrap();
            let got = exact_spread_lt(&g, &r.seeds).unwrap();
            let (_, opt) = brute_force(9, k, |s| exact_spread_lt(&g, s).unwrap());
            assert!(got >= 0.99 * opt, "k = {k}: {got} vs OPT {opt}");
            assert!(
                (r.spread - got).abs() < 4.0 * r.spread_std_error + 0.02 * got,
                "{} vs {got}",
                r.spread
            );
        }
    }

    /// σ̂ of `seeds` on CELF's worlds, from scratch.
    fn sigma_hat(w: &Worlds<'_>, seeds: &[u32], r: usize) -> u64 {
        let words = w.g.nodes().div_ceil(64);
        let mut s = Scratch::new(w.g.nodes());
        let mut total = 0;
        for i in 0..r {
            let mut bits = vec![0u64; words];
            for &v in seeds {
                let reach = w.fresh_reach(v, i, &bits, &mut s).to_vec();
                total += w.count(&reach);
                for u in reach {
                    bits[u as usize / 64] |= 1 << (u % 64);
                }
            }
        }
        total
    }

    #[test]
    fn lazy_evaluation_picks_what_plain_greedy_picks_on_the_same_worlds() {
        let pairs: Vec<(u32, u32)> = (0..200u32)
            .map(|i| ((i * 17 + 3) % 70, (i * 31 + 11) % 70))
            .collect();
        let g = DiffusionGraph::from_pairs(70, &pairs, EdgeModel::WeightedCascade).unwrap();
        let audience: Vec<u32> = (0..70).filter(|v| v % 3 != 0).collect();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            for audience in [None, Some(audience.clone())] {
                let o = CelfOptions {
                    model,
                    audience: audience.clone(),
                    exclude: vec![5],
                    ..opts(6, 300)
                };
                let r = celf(&g, &o).unwrap();
                let mask = audience.map(|a| (0..70).map(|v| a.contains(&v)).collect());
                let w = Worlds::sample(&g, model, o.seed, o.simulations, mask);
                let mut plain = Vec::new();
                for _ in 0..o.k {
                    let base = sigma_hat(&w, &plain, o.simulations);
                    let best = (0..70u32)
                        .filter(|v| *v != 5 && !plain.contains(v))
                        .map(|v| {
                            let mut s = plain.clone();
                            s.push(v);
                            (sigma_hat(&w, &s, o.simulations) - base, Reverse(v))
                        })
                        .max()
                        .unwrap();
                    plain.push(best.1 .0);
                }
                assert_eq!(r.seeds, plain, "{model:?}");
                let total = sigma_hat(&w, &plain, o.simulations);
                assert!((r.spread - total as f64 / o.simulations as f64).abs() < 1e-9);
                assert!(
                    r.evaluations < o.k * 69,
                    "lazy: {} evaluations",
                    r.evaluations
                );
            }
        }
    }

    #[test]
    fn same_seeds_on_any_number_of_threads() {
        let pairs: Vec<(u32, u32)> = (0..120u32)
            .flat_map(|u| [(u, (u * 7 + 1) % 120), (u, (u * 13 + 5) % 120)])
            .collect();
        let g = DiffusionGraph::from_pairs(120, &pairs, EdgeModel::WeightedCascade).unwrap();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let run = |threads, seed| {
                celf(
                    &g,
                    &CelfOptions {
                        model,
                        threads,
                        seed,
                        ..opts(5, 300)
                    },
                )
                .unwrap()
            };
            let one = run(1, 1);
            assert_eq!(one, run(2, 1), "{model:?}");
            assert_eq!(one, run(0, 1), "{model:?}");
            assert_ne!(
                one.spread,
                run(1, 2).spread,
                "the seed must change the worlds"
            );
        }
    }

    #[test]
    fn audience_and_exclusions_steer_the_choice() {
        let g = two_stars();
        // Only the second star's leaves count: its hub is the one seed worth having.
        let r = celf(
            &g,
            &CelfOptions {
                audience: Some(vec![8, 9, 10, 11]),
                ..opts(1, 1000)
            },
        )
        .unwrap();
        assert_eq!(r.seeds, [7]);
        assert!(
            (r.spread - 3.6).abs() < 0.1,
            "4 leaves at 0.9: {}",
            r.spread
        );
        let r = celf(
            &g,
            &CelfOptions {
                exclude: vec![0],
                ..opts(1, 1000)
            },
        )
        .unwrap();
        assert_eq!(r.seeds, [7]);
        // Every eligible node: the gains run out, and ties go to the lower id.
        let r = celf(
            &g,
            &CelfOptions {
                exclude: vec![0, 1],
                ..opts(12, 200)
            },
        )
        .unwrap();
        assert_eq!(sorted(r.seeds.clone()), (2..14).collect::<Vec<u32>>());
    }

    #[test]
    fn bad_parameters_are_errors_not_panics() {
        let g = two_stars();
        for o in [
            opts(0, 100),
            opts(15, 100),
            CelfOptions {
                exclude: vec![0],
                ..opts(14, 100)
            },
            CelfOptions {
                exclude: vec![14],
                ..opts(1, 100)
            },
            CelfOptions {
                audience: Some(vec![]),
                ..opts(1, 100)
            },
            CelfOptions {
                audience: Some(vec![3, 99]),
                ..opts(1, 100)
            },
            opts(1, usize::MAX / 4),
        ] {
            assert!(
                matches!(celf(&g, &o), Err(DiffusionError::BadParameter(_))),
                "{o:?}"
            );
        }
        assert_eq!(celf(&g, &opts(1, 0)), Err(DiffusionError::NoSimulations));
        let empty = DiffusionGraph::from_pairs(0, &[], EdgeModel::Uniform(0.5)).unwrap();
        assert!(celf(&empty, &opts(1, 10)).is_err());
        let heavy =
            DiffusionGraph::from_pairs(3, &[(0, 2), (1, 2)], EdgeModel::Uniform(0.8)).unwrap();
        assert!(matches!(
            celf(
                &heavy,
                &CelfOptions {
                    model: Model::LinearThreshold,
                    ..opts(1, 10)
                }
            ),
            Err(DiffusionError::LinearThresholdWeights { node: 2, .. })
        ));
        assert!(
            celf(&heavy, &opts(1, 10)).is_ok(),
            "IC takes any probabilities"
        );

        let big = DiffusionGraph::from_pairs(
            MAX_CELF_NODES as u32 + 1,
            &[(0, 1)],
            EdgeModel::Uniform(1.0),
        )
        .unwrap();
        let err = celf(&big, &opts(1, 2)).unwrap_err();
        assert!(matches!(err, DiffusionError::TooLargeForCelf { .. }));
        assert!(err.to_string().contains("use IMM"), "{err}");
        let forced = celf(
            &big,
            &CelfOptions {
                force: true,
                ..opts(1, 2)
            },
        )
        .unwrap();
        assert_eq!((forced.seeds, forced.spread), (vec![0], 2.0));
    }
}
