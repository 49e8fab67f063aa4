//! Reverse-reachable (RR) sets for IMM: drawing them, in parallel and identically on any number of
//! threads, and storing them flat.
//!
//! The RR set of a root is the set of nodes that would have activated it: walk the in-edges backwards
//! from the root, keeping each edge with its probability. Set `i` draws from its own generator,
//! xoshiro256++ seeded through SplitMix64 from `mix64(seed ^ tag) + i`, so the sets are a pure function
//! of `(graph, roots, seed)`; threads only split the work.
//!
//! # Storage
//! Sets are stored in blocks of [`BLOCK`] consecutive sets (the last one partial), each block one
//! `Vec<u32>` of members and one of `u32` offsets: 4 bytes per member and per set. A block is also the
//! unit of parallel work: a thread draws a whole block into its own buffers, and the block is kept as
//! drawn. So no set is ever copied after it is drawn, no large array is ever grown (growing one by
//! doubling copies it, and with glibc the old copy often stays resident: on Slashdot, 2 threads, that
//! cost 14 MiB of peak memory), and the parallel result needs no concatenation. Blocks start at multiples
//! of [`BLOCK`], so how the sets were drawn (how many threads, in how many steps) never shows in the
//! storage.

use crate::estimate::mix64;
use crate::simulate::uniform24;
use crate::{DiffusionError, DiffusionGraph};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Sets per block (see the module docs): large enough that a block's two vectors and its task cost
/// nothing beside its sets, small enough that two threads stay balanced on IMM's first round (Slashdot:
/// 44 blocks).
pub(crate) const BLOCK: usize = 2048;

/// RR sets in blocks: set `i` is set `i % BLOCK` of block `i / BLOCK`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RrSets {
    blocks: Vec<Block>,
    len: usize,
    members: usize,
}

/// Up to [`BLOCK`] consecutive sets: set `j` is `members[starts[j]..starts[j + 1]]`.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    members: Vec<u32>,
    starts: Vec<u32>,
}

impl Block {
    fn new() -> Self {
        Block {
            members: Vec::new(),
            starts: vec![0],
        }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Append one set. Errors if the block's members would pass 2^32 − 1.
    fn push(&mut self, set: &[u32]) -> Result<(), DiffusionError> {
        let end = u32::try_from(self.members.len() + set.len())
            .map_err(|_| DiffusionError::TooManyRrMembers)?;
        self.members.extend_from_slice(set);
        self.starts.push(end);
        Ok(())
    }
}

impl RrSets {
    /// Number of sets.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no sets.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Members of set `i`. Panics if `i` is not below [`RrSets::len`].
    #[inline]
    pub fn set(&self, i: usize) -> &[u32] {
        let b = &self.blocks[i / BLOCK];
        let j = i % BLOCK;
        &b.members[b.starts[j] as usize..b.starts[j + 1] as usize]
    }

    /// Members over all sets.
    pub fn members(&self) -> usize {
        self.members
    }

    /// The members of sets `from..to`, as one slice per block they span.
    pub(crate) fn member_slices(&self, from: usize, to: usize) -> impl Iterator<Item = &[u32]> {
        let to = to.min(self.len);
        let from = from.min(to);
        let first = from / BLOCK;
        let last = to.div_ceil(BLOCK);
        self.blocks[first..last]
            .iter()
            .enumerate()
            .map(move |(c, b)| {
                let base = (first + c) * BLOCK;
                let lo = from.saturating_sub(base);
                let hi = (to - base).min(b.len());
                &b.members[b.starts[lo] as usize..b.starts[hi] as usize]
            })
    }

    /// Bytes the sets take: members and offsets (spare capacity, which is never written, is not
    /// counted).
    pub fn bytes(&self) -> usize {
        let words: usize = self
            .blocks
            .iter()
            .map(|b| b.members.len() + b.starts.len())
            .sum();
        words * std::mem::size_of::<u32>()
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

    /// Draws set `i` into `block`.
    fn draw(&self, walker: &mut Walker, i: usize, block: &mut Block) -> Result<(), DiffusionError> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.base.wrapping_add(i as u64));
        let root = match self.roots {
            Some(r) => r[(rng.next_u64() % r.len() as u64) as usize],
            None => (rng.next_u64() % self.g.nodes() as u64) as u32,
        };
        block.push(walker.walk(self.g, root, &mut rng))
    }

    /// Draws sets `a..b`, which lie in one block, into `block`, then gives the block's spare capacity
    /// back if it is full.
    fn fill(
        &self,
        walker: &mut Walker,
        block: &mut Block,
        a: usize,
        b: usize,
    ) -> Result<(), DiffusionError> {
        for i in a..b {
            self.draw(walker, i, block)?;
        }
        if block.len() == BLOCK {
            block.members.shrink_to_fit();
        }
        Ok(())
    }

    /// Draws sets `sets.len()..to` and appends them in order. `threads` = 1 runs a plain loop on this
    /// thread; otherwise the current rayon pool draws whole blocks in parallel. Errors on more than
    /// 2^32 − 1 sets in all (set ids are `u32`) or members in one block.
    pub(crate) fn extend(
        &self,
        sets: &mut RrSets,
        to: usize,
        threads: usize,
    ) -> Result<(), DiffusionError> {
        let from = sets.len;
        if to <= from {
            return Ok(());
        }
        if to > u32::MAX as usize {
            return Err(DiffusionError::TooManyRrSets { sets: to });
        }
        let n = self.g.nodes();
        let mut walker = Walker::new(n);
        // First complete a partial last block, on this thread.
        if let Some(last) = sets
            .blocks
            .last_mut()
            .filter(|_| !from.is_multiple_of(BLOCK))
        {
            let end = to.min(from.next_multiple_of(BLOCK));
            let before = last.members.len();
            self.fill(&mut walker, last, from, end)?;
            sets.members += last.members.len() - before;
            sets.len = end;
            if end == to {
                return Ok(());
            }
        }
        // From here on the new sets start a block.
        let first = sets.len / BLOCK;
        let blocks = to.div_ceil(BLOCK) - first;
        let draw_block = |walker: &mut Walker, c: usize| {
            let mut block = Block::new();
            let a = (first + c) * BLOCK;
            self.fill(walker, &mut block, a, (a + BLOCK).min(to))?;
            Ok(block)
        };
        let new: Vec<Block> = if threads == 1 {
            (0..blocks)
                .map(|c| draw_block(&mut walker, c))
                .collect::<Result<_, DiffusionError>>()?
        } else {
            drop(walker);
            (0..blocks)
                .into_par_iter()
                .map_init(|| Walker::new(n), draw_block)
                .collect::<Result<_, DiffusionError>>()?
        };
        sets.members += new.iter().map(|b| b.members.len()).sum::<usize>();
        sets.blocks.extend(new);
        sets.len = to;
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
    fn the_same_sets_on_any_number_of_threads_and_in_any_batches() {
        let pairs: Vec<(u32, u32)> = (0..500u32)
            .flat_map(|u| (1..20).map(move |d| (u, (u * 7 + d * 31) % 500)))
            .collect();
        let g = DiffusionGraph::from_pairs(500, &pairs, EdgeModel::WeightedCascade).unwrap();
        let one = sample_rr_sets(&g, 20_000, 3, 1).unwrap();
        let two = sample_rr_sets(&g, 20_000, 3, 2).unwrap();
        assert_eq!(one, two);
        assert_eq!(one.len(), 20_000);
        assert_eq!(one.blocks.len(), 20_000usize.div_ceil(BLOCK));
        let flat: Vec<u32> = one.member_slices(0, one.len()).flatten().copied().collect();
        let by_set: Vec<u32> = (0..one.len()).flat_map(|i| one.set(i)).copied().collect();
        assert_eq!(flat, by_set);
        assert_eq!(flat.len(), one.members());
        let mid: Vec<u32> = one.member_slices(3000, 4500).flatten().copied().collect();
        let mid_by_set: Vec<u32> = (3000..4500).flat_map(|i| one.set(i)).copied().collect();
        assert_eq!(mid, mid_by_set);
        // Drawn in two steps (as IMM's rounds do), the sets are the same.
        let sampler = RrSampler::new(&g, None, 3);
        let mut steps = RrSets::default();
        sampler.extend(&mut steps, 7_777, 1).unwrap();
        on_two_threads(|| sampler.extend(&mut steps, 20_000, 2)).unwrap();
        assert_eq!(one, steps);
        // Steps that end inside a block, at a block's end, and across blocks.
        let mut small = RrSets::default();
        for to in [100, 200, BLOCK, BLOCK + 1, 5_000, 20_000] {
            sampler.extend(&mut small, to, 1).unwrap();
            assert_eq!((small.len(), small.blocks.len()), (to, to.div_ceil(BLOCK)));
        }
        assert_eq!(one, small);
        // Set ids are u32: asking for more sets is an error before anything is drawn.
        assert_eq!(
            sampler.extend(&mut steps, u32::MAX as usize + 1, 1),
            Err(DiffusionError::TooManyRrSets {
                sets: u32::MAX as usize + 1
            })
        );
        assert_eq!(steps.len(), 20_000);
        assert!(matches!(
            sample_rr_sets(
                &DiffusionGraph::from_pairs(0, &[], EdgeModel::WeightedCascade).unwrap(),
                1,
                1,
                1
            ),
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
