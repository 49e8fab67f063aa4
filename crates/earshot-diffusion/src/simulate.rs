//! One Monte Carlo run of Independent Cascade or Linear Threshold, allocation-free.
//!
//! A [`Workspace`] holds per-node scratch for one thread: a stamp per node (the node was touched in the
//! run whose epoch it holds, so nothing is cleared between runs), the queue of activated nodes (which is
//! also the run's activated set) and, for Linear Threshold, each touched node's threshold and the weight
//! of its active in-neighbours so far. A run allocates nothing.
//!
//! Random numbers: each coin is the top 24 bits of one `next_u64`, `u = k · 2^-24`. An Independent
//! Cascade edge fires when `u < p`, so with probability `⌈p · 2^24⌉ / 2^24` (exactly `p` for the `f32`
//! probabilities of a [`DiffusionGraph`] that are multiples of 2^-24, within 2^-24 of it otherwise). A
//! Linear Threshold node draws `θ = (k + 1) · 2^-24 ∈ (0, 1]` and activates when the weight of its active
//! in-neighbours reaches `θ`: probability `⌊w · 2^24⌋ / 2^24`, within 2^-24 of `w`; no weight, no chance.

use crate::{DiffusionError, DiffusionGraph};
use rand_xoshiro::rand_core::Rng;

/// The diffusion model of a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Independent Cascade (Kempe, Kleinberg, Tardos 2003): a newly active `u` gets one chance to activate
    /// each inactive out-neighbour `v`, succeeding with probability `p(u, v)`.
    IndependentCascade,
    /// Linear Threshold: each node draws a threshold uniformly in (0, 1] and becomes active once the
    /// probabilities of its active in-neighbours sum to it ("social proof"). Needs every node's
    /// in-probabilities to sum to at most 1 ([`DiffusionGraph::check_linear_threshold`]).
    LinearThreshold,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::IndependentCascade => "independent cascade",
            Model::LinearThreshold => "linear threshold",
        }
    }
}

/// Per-thread scratch for simulations on graphs of up to `nodes` nodes.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `stamp[v] == epoch`: `v` was touched (IC: activated; LT: activated or has a threshold) this run.
    stamp: Vec<u32>,
    epoch: u32,
    /// Activated nodes in order of activation: `queue[..len]` (one slot per node, plus a spare that the
    /// branch-free loops write to without advancing).
    queue: Vec<u32>,
    len: usize,
    /// LT only: the node's threshold, `+∞` once active (so it never activates twice).
    threshold: Vec<f32>,
    /// LT only: the summed probability of the node's active in-neighbours.
    weight: Vec<f32>,
}

const UNIT_24: f32 = 1.0 / (1u32 << 24) as f32;

/// A uniform draw `k · 2^-24`, `k` in `0..2^24` (top bits of xoshiro's output: its best bits).
///
/// The one coin of the crate: forward simulation and IMM's reverse sampling both flip it. (IMM had its
/// own, `next_u32() >> 8`; for xoshiro256++ `next_u32` is the top half of `next_u64`, so the two gave the
/// same bits and ran at the same speed, within noise, on NetHEPT and Slashdot.)
#[inline]
pub(crate) fn uniform24(rng: &mut impl Rng) -> f32 {
    (rng.next_u64() >> 40) as f32 * UNIT_24
}

impl Workspace {
    pub fn new(nodes: usize) -> Self {
        Workspace {
            stamp: vec![0; nodes],
            epoch: 0,
            queue: vec![0; nodes + 1],
            len: 0,
            threshold: Vec::new(),
            weight: Vec::new(),
        }
    }

    /// The nodes activated by the last run (seeds first), in order of activation.
    pub fn activated(&self) -> &[u32] {
        &self.queue[..self.len]
    }

    /// One Independent Cascade run from `seeds` (repeats count once); returns the number of active nodes
    /// at the end, seeds included. Errors on a seed that is not a node of `g`.
    pub fn simulate_ic(
        &mut self,
        g: &DiffusionGraph,
        seeds: &[u32],
        rng: &mut impl Rng,
    ) -> Result<usize, DiffusionError> {
        check_seeds(g, seeds)?;
        self.fit(g.nodes(), Model::IndependentCascade);
        Ok(self.ic(g, seeds, rng))
    }

    /// One Linear Threshold run from `seeds`; returns the number of active nodes at the end. Errors on a
    /// seed that is not a node. (Validity of the weights is the caller's: see
    /// [`DiffusionGraph::check_linear_threshold`]; [`crate::estimate_spread`] checks it.)
    pub fn simulate_lt(
        &mut self,
        g: &DiffusionGraph,
        seeds: &[u32],
        rng: &mut impl Rng,
    ) -> Result<usize, DiffusionError> {
        check_seeds(g, seeds)?;
        self.fit(g.nodes(), Model::LinearThreshold);
        Ok(self.lt(g, seeds, rng))
    }

    /// Grow the scratch to `nodes` (a no-op when already big enough, as in every run but the first).
    pub(crate) fn fit(&mut self, nodes: usize, model: Model) {
        if self.stamp.len() < nodes {
            self.stamp.resize(nodes, 0);
            self.queue.resize(nodes + 1, 0);
        }
        if model == Model::LinearThreshold && self.threshold.len() < nodes {
            self.threshold.resize(nodes, 0.0);
            self.weight.resize(nodes, 0.0);
        }
    }

    /// Start a run: a fresh epoch (clearing the stamps once every 2^32 - 1 runs).
    fn begin(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.len = 0;
        self.epoch
    }

    /// Independent Cascade; seeds are checked and the scratch fitted by the caller.
    pub(crate) fn ic(&mut self, g: &DiffusionGraph, seeds: &[u32], rng: &mut impl Rng) -> usize {
        let epoch = self.begin();
        self.len = ic_kernel(g, seeds, epoch, &mut self.stamp, &mut self.queue, rng);
        self.len
    }

    /// Linear Threshold; seeds are checked and the scratch fitted by the caller.
    pub(crate) fn lt(&mut self, g: &DiffusionGraph, seeds: &[u32], rng: &mut impl Rng) -> usize {
        let epoch = self.begin();
        let scratch = LtScratch {
            stamp: &mut self.stamp,
            queue: &mut self.queue,
            threshold: &mut self.threshold,
            weight: &mut self.weight,
        };
        self.len = lt_kernel(g, seeds, epoch, scratch, rng);
        self.len
    }
}

// The kernels are free functions over `&mut` slices rather than methods on `&mut self`: distinct `&mut`
// arguments cannot alias, so the compiler keeps the stamp array's pointer and length in registers across
// the loop instead of reloading them from `self` after every store.
//
// The edge loops have no data-dependent branches: "is the target already active?" and "does the coin
// fire?" are coin flips to the branch predictor, and mispredicting them cost more than drawing a coin
// for every edge and always writing the next queue slot (advancing only on success; the queue has one
// spare slot). On NetHEPT from 50 top-degree seeds, one thread: Independent Cascade 22K → 36K
// simulations/s, Linear Threshold 14.8K → 19K (weighted cascade, 850 and 1,185 nodes reached).

/// Independent Cascade from `seeds` into `queue`; returns the number of active nodes. Every out-edge of
/// an active node draws one coin, also when its target is already active (the outcome then changes
/// nothing).
fn ic_kernel(
    g: &DiffusionGraph,
    seeds: &[u32],
    epoch: u32,
    stamp: &mut [u32],
    queue: &mut [u32],
    rng: &mut impl Rng,
) -> usize {
    let mut len = 0;
    for &s in seeds {
        if stamp[s as usize] != epoch {
            stamp[s as usize] = epoch;
            queue[len] = s;
            len += 1;
        }
    }
    let mut head = 0;
    while head < len {
        let u = queue[head];
        head += 1;
        for l in g.out_links(u) {
            len = cascade_edge(stamp, queue, len, epoch, l.node, l.p, rng);
        }
    }
    len
}

/// One edge of the branch-free cascade loops (forward here, backward in IMM's reverse walk, `rr.rs`):
/// it fires with probability `p` unless `node` is already stamped with `epoch`; `node` is written to the
/// queue slot `len` either way and kept (the length returned is `len + 1`) only if the edge fired. The
/// queue needs one spare slot past the last node it can hold.
#[inline(always)]
pub(crate) fn cascade_edge(
    stamp: &mut [u32],
    queue: &mut [u32],
    len: usize,
    epoch: u32,
    node: u32,
    p: f32,
    rng: &mut impl Rng,
) -> usize {
    let v = node as usize;
    let live = (stamp[v] != epoch) & (uniform24(rng) < p);
    stamp[v] = if live { epoch } else { stamp[v] };
    queue[len] = node;
    len + live as usize
}

struct LtScratch<'a> {
    stamp: &'a mut [u32],
    queue: &'a mut [u32],
    threshold: &'a mut [f32],
    weight: &'a mut [f32],
}

/// Linear Threshold from `seeds` into `queue`; returns the number of active nodes. A node's threshold is
/// drawn when an active in-neighbour first reaches it, which is the same as drawing all up front (every
/// edge draws, and the draw is kept only on a node's first touch). An active node's threshold is `+∞`,
/// so weight arriving later never activates it again.
fn lt_kernel(
    g: &DiffusionGraph,
    seeds: &[u32],
    epoch: u32,
    s: LtScratch<'_>,
    rng: &mut impl Rng,
) -> usize {
    let LtScratch {
        stamp,
        queue,
        threshold,
        weight,
    } = s;
    let mut len = 0;
    for &seed in seeds {
        let i = seed as usize;
        if stamp[i] != epoch {
            stamp[i] = epoch;
            threshold[i] = f32::INFINITY;
            weight[i] = 0.0;
            queue[len] = seed;
            len += 1;
        }
    }
    let mut head = 0;
    while head < len {
        let u = queue[head];
        head += 1;
        for l in g.out_links(u) {
            let v = l.node as usize;
            let fresh = stamp[v] != epoch;
            let draw = uniform24(rng) + UNIT_24;
            stamp[v] = epoch;
            let t = if fresh { draw } else { threshold[v] };
            let w = if fresh { 0.0 } else { weight[v] } + l.p;
            let active = w >= t;
            weight[v] = w;
            threshold[v] = if active { f32::INFINITY } else { t };
            queue[len] = l.node;
            len += active as usize;
        }
    }
    len
}

pub(crate) fn check_seeds(g: &DiffusionGraph, seeds: &[u32]) -> Result<(), DiffusionError> {
    match seeds.iter().find(|&&s| s as usize >= g.nodes()) {
        Some(&seed) => Err(DiffusionError::SeedOutOfRange {
            seed,
            nodes: g.nodes(),
        }),
        None => Ok(()),
    }
}

/// One Independent Cascade run from `seeds` with a fresh [`Workspace`]; returns the number of active
/// nodes. For many runs, keep a workspace ([`Workspace::simulate_ic`]) or use [`crate::estimate_spread`].
pub fn simulate_ic(
    g: &DiffusionGraph,
    seeds: &[u32],
    rng: &mut impl Rng,
) -> Result<usize, DiffusionError> {
    Workspace::new(g.nodes()).simulate_ic(g, seeds, rng)
}

/// One Linear Threshold run from `seeds` with a fresh [`Workspace`]; returns the number of active nodes.
pub fn simulate_lt(
    g: &DiffusionGraph,
    seeds: &[u32],
    rng: &mut impl Rng,
) -> Result<usize, DiffusionError> {
    Workspace::new(g.nodes()).simulate_lt(g, seeds, rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeModel;
    use rand_xoshiro::rand_core::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn rng() -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(7)
    }

    #[test]
    fn certain_edges_reach_everything_reachable() {
        let g = DiffusionGraph::from_pairs(5, &[(0, 1), (1, 2), (3, 4)], EdgeModel::Uniform(1.0))
            .unwrap();
        let mut ws = Workspace::new(5);
        assert_eq!(ws.simulate_ic(&g, &[0], &mut rng()).unwrap(), 3);
        assert_eq!(ws.activated(), &[0, 1, 2]);
        assert_eq!(ws.simulate_ic(&g, &[0, 3, 0], &mut rng()).unwrap(), 5);
        assert_eq!(ws.simulate_ic(&g, &[], &mut rng()).unwrap(), 0);
        // Weighted cascade on a path: each node has in-degree 1, so p = 1, and LT activates it too.
        let wc = g.with_weighted_cascade();
        assert_eq!(ws.simulate_lt(&wc, &[0], &mut rng()).unwrap(), 3);
        assert_eq!(simulate_lt(&wc, &[3], &mut rng()).unwrap(), 2);
    }

    #[test]
    fn impossible_edges_never_fire() {
        let g = DiffusionGraph::from_weighted(2, &[(0, 1, 1e-9)]).unwrap();
        let mut r = rng();
        let mut ws = Workspace::new(2);
        for _ in 0..1000 {
            // 1e-9 rounds up to one chance in 2^24; 1000 runs almost never see it.
            assert!(ws.simulate_ic(&g, &[0], &mut r).unwrap() <= 2);
        }
        let lt =
            DiffusionGraph::from_pairs(3, &[(0, 2), (1, 2)], EdgeModel::WeightedCascade).unwrap();
        // Node 2 needs θ ≤ 0.5 from node 0 alone: about half the runs.
        let hits = (0..10_000)
            .filter(|_| ws.simulate_lt(&lt, &[0], &mut r).unwrap() == 2)
            .count();
        assert!((4_700..5_300).contains(&hits), "{hits}");
        // Both in-neighbours active: the weights sum to 1 ≥ any θ.
        assert!((0..100).all(|_| ws.simulate_lt(&lt, &[0, 1], &mut r).unwrap() == 3));
    }

    #[test]
    fn bad_seeds_are_errors() {
        let g = DiffusionGraph::from_pairs(2, &[(0, 1)], EdgeModel::Uniform(0.5)).unwrap();
        assert!(matches!(
            simulate_ic(&g, &[2], &mut rng()),
            Err(DiffusionError::SeedOutOfRange { seed: 2, nodes: 2 })
        ));
        assert!(simulate_lt(&g, &[5], &mut rng()).is_err());
    }

    #[test]
    fn a_workspace_serves_graphs_of_any_size() {
        let small = DiffusionGraph::from_pairs(2, &[(0, 1)], EdgeModel::Uniform(1.0)).unwrap();
        let big = DiffusionGraph::from_pairs(9, &[(0, 8)], EdgeModel::Uniform(1.0)).unwrap();
        let mut ws = Workspace::new(0);
        assert_eq!(ws.simulate_ic(&small, &[0], &mut rng()).unwrap(), 2);
        assert_eq!(ws.simulate_lt(&big, &[0], &mut rng()).unwrap(), 2);
        assert_eq!(ws.simulate_ic(&small, &[1], &mut rng()).unwrap(), 1);
    }
}
