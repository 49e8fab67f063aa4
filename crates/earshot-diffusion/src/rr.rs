//! Reverse-reachable (RR) sets for IMM: drawing them, in parallel and identically on any number of
//! threads, and storing them in blocks.
//!
//! The RR set of a root is the set of nodes that would have activated it: walk the in-edges backwards
//! from the root, keeping each edge with its probability. Set `i` draws from its own generator,
//! xoshiro256++ seeded through SplitMix64 from `mix64(seed ^ tag) + i`, so the sets are a pure function
//! of `(graph, roots, seed)`; threads only split the work.
//!
//! # Why it looks like this
//! Drawing a set costs one coin per in-edge of every node reached, and on graphs whose nodes have many
//! in-edges of small probability (weighted cascade: `p = 1/in-degree`, one live in-edge per node on
//! average) nearly all of those coins come up tails. When every in-edge of a node has the same
//! probability `p`, the live ones can be found by jumping over the dead ones instead: the gap before the
//! next live edge is geometric, `⌊ln U / ln(1 − p)⌋` for a uniform `U` in (0, 1], so a node costs one
//! logarithm per live edge plus one, not one coin per edge (the SUBSIM sampler of Guo, Wang, Xiao,
//! Chen, "Influence Maximization Revisited", SIGMOD 2020). The sets come from the same distribution; only
//! the random stream is consumed differently. A logarithm costs several coins, so nodes with fewer than
//! [`JUMP_MIN_IN_DEGREE`] in-edges keep the coins. Slashdot (weighted cascade, 10.6 in-edges per node on
//! average) is where this pays: one thread drew 171K sets/s with coins, 1.05M with jumps (`earshot bench
//! rr`); NetHEPT (4.1 in-edges per node), 5.8M → 7.7M.
//!
//! The walk reads the in-edges' sources from the sampler's own array, 4 bytes an edge, laid out as the
//! graph's in-edges (which hold 8: source and probability), with each node's one probability beside it
//! when its in-edges share one; only nodes whose in-edges differ read the graph's rows. The reads of a
//! walk land at random, so halving the memory they touch pays: on Slashdot (7 MiB of in-edges against
//! a 4 MiB L2) one thread went from 1.12M to 1.40M sets/s, for 3.3 MiB more.
//!
//! The coin loop is branch-free, as in the forward simulators (`simulate.rs`): whether the source is
//! already in the set and whether the coin fires are coin flips to a branch predictor, so every in-edge
//! draws a coin and the queue slot is always written, advancing only for a live, new source.
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
use crate::simulate::cascade_edge;
use crate::{DiffusionError, DiffusionGraph};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Nodes with at least this many in-edges, all of one probability below 1, find their live in-edges by
/// geometric jumps rather than a coin per edge. Measured on NetHEPT and Slashdot (weighted cascade), one
/// thread: see BENCHMARKS.md, "Influence maximisation".
pub const JUMP_MIN_IN_DEGREE: usize = 12;

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
    fn with_capacity(members: usize) -> Self {
        let mut starts = Vec::with_capacity(BLOCK + 1);
        starts.push(0);
        Block {
            members: Vec::with_capacity(members),
            starts,
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
    /// Per node: `1 / ln(1 − p)` when its in-edges are all of one probability `p` in (0, 1) and there are
    /// at least [`JUMP_MIN_IN_DEGREE`] of them (jump to live edges); 0 otherwise (a coin per edge).
    jump: Vec<f64>,
    /// The sources of the in-edges, laid out as the graph's in-edge array (4 bytes an edge where the
    /// graph's rows hold 8: the walk's random reads touch half the memory).
    src: Vec<u32>,
    /// Per node: the one probability of its in-edges, or NaN when they differ (the walk then reads the
    /// graph's own row).
    row_p: Vec<f32>,
}

impl<'g> RrSampler<'g> {
    /// A sampler over `g` whose roots are drawn from `roots` (every node when `None`; the caller checks
    /// that the ids are nodes of `g` and that there is at least one); nodes with `jump_min_in_degree` or
    /// more in-edges of one probability jump to their live in-edges.
    pub(crate) fn new(
        g: &'g DiffusionGraph,
        roots: Option<&'g [u32]>,
        seed: u64,
        jump_min_in_degree: usize,
    ) -> Self {
        let n = g.nodes() as u32;
        let mut src = Vec::with_capacity(g.edges());
        let mut row_p = Vec::with_capacity(n as usize);
        let mut jump = Vec::with_capacity(n as usize);
        for v in 0..n {
            let links = g.in_links(v);
            src.extend(links.iter().map(|l| l.node));
            let p = links.first().map_or(0.0, |l| l.p);
            let uniform = links.iter().all(|l| l.p == p);
            row_p.push(if uniform { p } else { f32::NAN });
            jump.push(
                if uniform && links.len() >= jump_min_in_degree && p > 0.0 && p < 1.0 {
                    1.0 / (-f64::from(p)).ln_1p()
                } else {
                    0.0
                },
            );
        }
        RrSampler {
            g,
            roots,
            base: mix64(seed ^ 0x5252_5f53_4554_5321),
            jump,
            src,
            row_p,
        }
    }

    /// Draws set `i` into `block`.
    fn draw(&self, walker: &mut Walker, i: usize, block: &mut Block) -> Result<(), DiffusionError> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.base.wrapping_add(i as u64));
        let root = match self.roots {
            Some(r) => r[(rng.next_u64() % r.len() as u64) as usize],
            None => (rng.next_u64() % self.g.nodes() as u64) as u32,
        };
        block.push(walker.walk(self, root, &mut rng))
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
            walker.last_block = block.members.len();
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
        self.extend_reporting(sets, to, threads, &crate::estimate::no_progress)
    }

    /// [`RrSampler::extend`], telling `progress` the share of the new blocks drawn as they are drawn.
    pub(crate) fn extend_reporting(
        &self,
        sets: &mut RrSets,
        to: usize,
        threads: usize,
        progress: crate::estimate::ProgressHook<'_>,
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
        let drawn = std::sync::atomic::AtomicUsize::new(0);
        let draw_block = |walker: &mut Walker, c: usize| {
            // Room for as many members as this thread's last full block held, and a little more: a
            // block that fits never reallocates (growing one copies it into fresh pages).
            let mut block = Block::with_capacity(walker.last_block + walker.last_block / 8);
            let a = (first + c) * BLOCK;
            self.fill(walker, &mut block, a, (a + BLOCK).min(to))?;
            let done = drawn.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(done as f64 / blocks as f64);
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

/// Per-thread scratch space for reverse walks: a stamp per node (epoch-tagged, never cleared) and a
/// queue with one slot per node plus a spare for the branch-free loop.
struct Walker {
    stamp: Vec<u32>,
    epoch: u32,
    queue: Vec<u32>,
    /// Members of the last full block this walker drew (0 before the first).
    last_block: usize,
}

impl Walker {
    fn new(n: usize) -> Self {
        Walker {
            stamp: vec![0; n],
            epoch: 0,
            queue: vec![0; n + 1],
            last_block: 0,
        }
    }

    /// The RR set of `root`, in the order its members were reached.
    fn walk(&mut self, s: &RrSampler<'_>, root: u32, rng: &mut Xoshiro256PlusPlus) -> &[u32] {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        let len = walk_kernel(s, root, self.epoch, &mut self.stamp, &mut self.queue, rng);
        &self.queue[..len]
    }
}

/// The reverse walk over `&mut` slices (their pointers stay in registers; see `simulate.rs`); returns
/// the set's size.
fn walk_kernel(
    s: &RrSampler<'_>,
    root: u32,
    epoch: u32,
    stamp: &mut [u32],
    queue: &mut [u32],
    rng: &mut Xoshiro256PlusPlus,
) -> usize {
    queue[0] = root;
    stamp[root as usize] = epoch;
    let (mut head, mut len) = (0, 1);
    while head < len {
        let v = queue[head];
        head += 1;
        let row = s.g.in_range(v);
        let inv_ln_q = s.jump[v as usize];
        let p = s.row_p[v as usize];
        if inv_ln_q != 0.0 {
            let src = &s.src[row];
            let mut j = geometric(rng, inv_ln_q);
            while let Some(&u) = src.get(j) {
                if stamp[u as usize] != epoch {
                    stamp[u as usize] = epoch;
                    queue[len] = u;
                    len += 1;
                }
                j = j.saturating_add(1).saturating_add(geometric(rng, inv_ln_q));
            }
        } else if !p.is_nan() {
            for &u in &s.src[row] {
                len = cascade_edge(stamp, queue, len, epoch, u, p, rng);
            }
        } else {
            for l in s.g.in_links(v) {
                len = cascade_edge(stamp, queue, len, epoch, l.node, l.p, rng);
            }
        }
    }
    len
}

/// Failures before the next success of coins with success probability `p`, given `1 / ln(1 − p)`:
/// `⌊ln U / ln(1 − p)⌋` with `U = (k + 1) · 2^-53` in (0, 1]. Saturates instead of overflowing.
#[inline]
fn geometric(rng: &mut Xoshiro256PlusPlus, inv_ln_q: f64) -> usize {
    let u = ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
    (u.ln() * inv_ln_q) as usize
}

/// Draws `count` RR sets of `g` with roots uniform over the nodes, seeded with `seed`: with
/// `jump_min_in_degree` = [`JUMP_MIN_IN_DEGREE`], the first `count` sets IMM (`imm()`) draws with the
/// same seed and no audience. Nodes with at least `jump_min_in_degree` in-edges, all of one probability,
/// jump to their live in-edges; `usize::MAX` flips a coin for every in-edge (the sampler of the IMM
/// paper; a different random stream, the same distribution). `threads` = 0 runs on the current rayon
/// pool, 1 on this thread, more on a pool of that size; the sets are the same on any of them. For
/// benchmarks (`earshot bench rr`) and tests. Errors on an empty graph, more than 2^32 − 1 sets, or
/// more than 2^32 − 1 members in one block of sets.
pub fn sample_rr_sets(
    g: &DiffusionGraph,
    count: usize,
    seed: u64,
    threads: usize,
    jump_min_in_degree: usize,
) -> Result<RrSets, DiffusionError> {
    if g.nodes() == 0 {
        return Err(DiffusionError::BadParameter(
            "the graph has no nodes".into(),
        ));
    }
    let sampler = RrSampler::new(g, None, seed, jump_min_in_degree);
    let mut sets = RrSets::default();
    crate::threads::on_threads(threads, || sampler.extend(&mut sets, count, threads))?;
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeModel;

    /// How many of the sets each of nodes `0..n` is in.
    fn hits(sets: &RrSets, n: usize) -> Vec<u32> {
        let mut hits = vec![0u32; n];
        for i in 0..sets.len() {
            for &v in sets.set(i) {
                hits[v as usize] += 1;
            }
        }
        hits
    }

    #[test]
    fn jumps_draw_each_edge_with_its_probability() {
        // A star into node 0 with 40 in-edges of p = 1/40 (weighted cascade): jumps are used, and each
        // source is in about 1/40 of the sets; the set size is 1 + Binomial(40, 1/40).
        let pairs: Vec<(u32, u32)> = (1..=40).map(|u| (u, 0)).collect();
        let g = DiffusionGraph::from_pairs(41, &pairs, EdgeModel::WeightedCascade).unwrap();
        let sampler = RrSampler::new(&g, Some(&[0]), 5, JUMP_MIN_IN_DEGREE);
        assert!(sampler.jump[0] < 0.0 && sampler.jump[1] == 0.0);
        let mut sets = RrSets::default();
        let count = 200_000;
        sampler.extend(&mut sets, count, 1).unwrap();
        let hits = hits(&sets, 41);
        assert_eq!(hits[0] as usize, count);
        let expected = count as f64 / 40.0;
        let sd = (expected * (1.0 - 1.0 / 40.0)).sqrt();
        for (v, &h) in hits.iter().enumerate().skip(1) {
            assert!((f64::from(h) - expected).abs() < 5.0 * sd, "{v}: {h}");
        }
        let mean_size = sets.members() as f64 / count as f64;
        assert!((mean_size - 2.0).abs() < 0.01, "{mean_size}");
    }

    #[test]
    fn rows_of_differing_probabilities_flip_each_edges_own_coin() {
        // Node 0 hears 1, 2 and 3 with 0.2, 0.5 and 0.9; node 4 hears 0 with certainty.
        let g =
            DiffusionGraph::from_weighted(5, &[(1, 0, 0.2), (2, 0, 0.5), (3, 0, 0.9), (0, 4, 1.0)])
                .unwrap();
        let sampler = RrSampler::new(&g, Some(&[4]), 2, 1);
        assert!(sampler.row_p[0].is_nan() && sampler.row_p[4] == 1.0);
        let mut sets = RrSets::default();
        let count = 100_000;
        sampler.extend(&mut sets, count, 1).unwrap();
        let hits = hits(&sets, 5);
        assert_eq!((hits[4], hits[0]), (count as u32, count as u32));
        for (v, p) in [(1, 0.2), (2, 0.5), (3, 0.9)] {
            let share = f64::from(hits[v]) / count as f64;
            assert!((share - p).abs() < 0.01, "{v}: {share}");
        }
    }

    #[test]
    fn jumps_and_coins_draw_sets_of_one_distribution() {
        // Weighted cascade over nodes with 3 to 29 in-edges: low in-degrees flip coins, high ones jump
        // (with the default threshold); every node's share of sets must agree with coins everywhere.
        let n = 300u32;
        let pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|v| (0..3 + v % 27).map(move |d| ((v * 13 + d * 7 + 1) % n, v)))
            .collect();
        let g = DiffusionGraph::from_pairs(n, &pairs, EdgeModel::WeightedCascade).unwrap();
        let count = 100_000;
        let share = |jump_min| {
            hits(
                &sample_rr_sets(&g, count, 11, 1, jump_min).unwrap(),
                n as usize,
            )
        };
        let (jumps, coins) = (share(JUMP_MIN_IN_DEGREE), share(usize::MAX));
        assert_ne!(jumps, coins, "different random streams");
        for v in 0..n as usize {
            let (a, b) = (f64::from(jumps[v]), f64::from(coins[v]));
            // Two binomial counts: their difference has variance about a + b.
            assert!(
                (a - b).abs() < 5.0 * (a + b).sqrt() + 1.0,
                "node {v}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn the_same_sets_on_any_number_of_threads_and_in_any_batches() {
        let pairs: Vec<(u32, u32)> = (0..500u32)
            .flat_map(|u| (1..20).map(move |d| (u, (u * 7 + d * 31) % 500)))
            .collect();
        let g = DiffusionGraph::from_pairs(500, &pairs, EdgeModel::WeightedCascade).unwrap();
        let one = sample_rr_sets(&g, 20_000, 3, 1, JUMP_MIN_IN_DEGREE).unwrap();
        let two = sample_rr_sets(&g, 20_000, 3, 2, JUMP_MIN_IN_DEGREE).unwrap();
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
        let sampler = RrSampler::new(&g, None, 3, JUMP_MIN_IN_DEGREE);
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
        let empty = DiffusionGraph::from_pairs(0, &[], EdgeModel::WeightedCascade).unwrap();
        assert!(matches!(
            sample_rr_sets(&empty, 1, 1, 1, JUMP_MIN_IN_DEGREE),
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
