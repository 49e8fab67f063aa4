//! Reverse-reachable (RR) sets for IMM: drawing them, in parallel and identically on any number of
//! threads, and storing them flat.
//!
//! The RR set of a root is the set of nodes that would have activated it: walk the in-edges backwards
//! from the root, keeping each edge with its probability. Set `i` draws from its own generator,
//! xoshiro256++ seeded through SplitMix64 from `mix64(seed ^ tag) + i`, so the sets are a pure function
//! of `(graph, roots, seed)`; threads only split the work.
//!
//! Storage is one `Vec<u32>` of members and one of `u64` offsets.

use crate::estimate::mix64;
use crate::simulate::uniform24;
use crate::{DiffusionError, DiffusionGraph};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// RR sets stored flat: set `i` is `members[starts[i]..starts[i + 1]]`.
#[derive(Debug, Clone)]
pub struct RrSets {
    members: Vec<u32>,
    starts: Vec<u64>,
}

impl Default for RrSets {
    fn default() -> Self {
        RrSets {
            members: Vec::new(),
            starts: vec![0],
        }
    }
}

impl RrSets {
    /// Number of sets.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether there are no sets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Members of set `i`. Panics if `i` is not below [`RrSets::len`].
    pub fn set(&self, i: usize) -> &[u32] {
        &self.members[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Members over all sets.
    pub fn members(&self) -> usize {
        self.members.len()
    }

    /// The members of sets `from..to`, one slice (sets are stored back to back).
    pub(crate) fn members_of(&self, from: usize, to: usize) -> &[u32] {
        &self.members[self.starts[from] as usize..self.starts[to] as usize]
    }

    /// Bytes held by the sets (members and offsets).
    pub fn bytes(&self) -> usize {
        self.members.capacity() * 4 + self.starts.capacity() * 8
    }
}

/// Draws RR sets of one graph: roots uniform over the nodes (or an audience), one generator per set.
pub(crate) struct RrSampler<'g> {
    g: &'g DiffusionGraph,
    roots: Option<&'g [u32]>,
    base: u64,
}

impl<'g> RrSampler<'g> {
    /// A sampler over `g` whose roots are drawn from `roots` (every node when `None`; the caller checks
    /// that the ids are nodes of `g` and that there is at least one).
    pub(crate) fn new(g: &'g DiffusionGraph, roots: Option<&'g [u32]>, seed: u64) -> Self {
        RrSampler {
            g,
            roots,
            base: mix64(seed ^ 0x5252_5f53_4554_5321),
        }
    }

    /// Set `i`'s members into `out`, its end offset into `ends`.
    fn draw(&self, walker: &mut Walker, i: usize, out: &mut Vec<u32>, ends: &mut Vec<u64>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.base.wrapping_add(i as u64));
        let root = match self.roots {
            Some(r) => r[(rng.next_u64() % r.len() as u64) as usize],
            None => (rng.next_u64() % self.g.nodes() as u64) as u32,
        };
        out.extend_from_slice(walker.walk(self.g, root, &mut rng));
        ends.push(out.len() as u64);
    }

    /// Draws sets `sets.len()..to` and appends them in order. `threads` = 1 runs a plain loop on this
    /// thread; otherwise the current rayon pool splits the work.
    pub(crate) fn extend(
        &self,
        sets: &mut RrSets,
        to: usize,
        threads: usize,
    ) -> Result<(), DiffusionError> {
        let from = sets.len();
        if to <= from {
            return Ok(());
        }
        const CHUNK: usize = 4096;
        if threads == 1 {
            let mut walker = Walker::new(self.g.nodes());
            for i in from..to {
                self.draw(&mut walker, i, &mut sets.members, &mut sets.starts);
            }
            return Ok(());
        }
        let chunks: Vec<(usize, usize)> = (from..to)
            .step_by(CHUNK)
            .map(|a| (a, (a + CHUNK).min(to)))
            .collect();
        let parts: Vec<(Vec<u32>, Vec<u64>)> = chunks
            .par_iter()
            .map_init(
                || Walker::new(self.g.nodes()),
                |walker, &(a, b)| {
                    let (mut out, mut ends) = (Vec::new(), Vec::with_capacity(b - a));
                    for i in a..b {
                        self.draw(walker, i, &mut out, &mut ends);
                    }
                    (out, ends)
                },
            )
            .collect();
        for (out, ends) in parts {
            let offset = sets.members.len() as u64;
            sets.members.extend_from_slice(&out);
            sets.starts.extend(ends.into_iter().map(|e| e + offset));
        }
        Ok(())
    }
}

/// Per-thread scratch space for reverse walks: a stamp per node (epoch-tagged, never cleared) and a queue.
struct Walker {
    stamp: Vec<u32>,
    epoch: u32,
    queue: Vec<u32>,
}

impl Walker {
    fn new(n: usize) -> Self {
        Walker {
            stamp: vec![0; n],
            epoch: 0,
            queue: Vec::new(),
        }
    }

    /// The RR set of `root`: nodes reached by walking in-edges kept with their probabilities.
    fn walk(&mut self, g: &DiffusionGraph, root: u32, rng: &mut Xoshiro256PlusPlus) -> &[u32] {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        self.queue.clear();
        self.queue.push(root);
        self.stamp[root as usize] = epoch;
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head];
            head += 1;
            for link in g.in_links(v) {
                let u = link.node as usize;
                if self.stamp[u] != epoch && uniform24(rng) < link.p {
                    self.stamp[u] = epoch;
                    self.queue.push(link.node);
                }
            }
        }
        &self.queue
    }
}

/// Draws `count` RR sets of `g` with roots uniform over the nodes, seeded with `seed`: the first `count`
/// sets [`crate::imm`] draws with the same seed and no audience. `threads` = 0 runs on the current rayon
/// pool, 1 on this thread, more on a pool of that size; the sets are the same on any of them. For
/// benchmarks (`earshot bench rr`) and tests. Errors on an empty graph or more than 2^32 − 1 members.
pub fn sample_rr_sets(
    g: &DiffusionGraph,
    count: usize,
    seed: u64,
    threads: usize,
) -> Result<RrSets, DiffusionError> {
    if g.nodes() == 0 {
        return Err(DiffusionError::BadParameter(
            "the graph has no nodes".into(),
        ));
    }
    let sampler = RrSampler::new(g, None, seed);
    let mut sets = RrSets::default();
    crate::imm::on_threads(threads, || sampler.extend(&mut sets, count, threads))?;
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeModel;

    #[test]
    fn the_same_sets_on_any_number_of_threads_and_in_any_steps() {
        let pairs: Vec<(u32, u32)> = (0..500u32)
            .flat_map(|u| (1..20).map(move |d| (u, (u * 7 + d * 31) % 500)))
            .collect();
        let g = DiffusionGraph::from_pairs(500, &pairs, EdgeModel::WeightedCascade).unwrap();
        let one = sample_rr_sets(&g, 20_000, 3, 1).unwrap();
        let two = sample_rr_sets(&g, 20_000, 3, 2).unwrap();
        assert_eq!(
            (one.members.clone(), one.starts.clone()),
            (two.members, two.starts)
        );
        // Drawn in two steps (as IMM's rounds do), the sets are the same.
        let sampler = RrSampler::new(&g, None, 3);
        let mut steps = RrSets::default();
        sampler.extend(&mut steps, 7_777, 1).unwrap();
        on_two_threads(|| sampler.extend(&mut steps, 20_000, 2)).unwrap();
        assert_eq!((one.members, one.starts), (steps.members, steps.starts));
        let empty = DiffusionGraph::from_pairs(0, &[], EdgeModel::WeightedCascade).unwrap();
        assert!(matches!(
            sample_rr_sets(&empty, 1, 1, 1),
            Err(DiffusionError::BadParameter(_))
        ));
    }

    fn on_two_threads<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(f)
    }
}
