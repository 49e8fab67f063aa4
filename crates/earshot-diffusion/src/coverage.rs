//! Greedy maximum coverage of RR sets: IMM's node selection.
//!
//! Greedy picks, `k` times, the node in the most sets not yet covered, and marks its sets covered. It
//! needs the other direction of the sets, node → sets: a [`CoverIndex`].
//!
//! # Why it looks like this
//! IMM runs greedy once per round of its sampling phase, each time on all sets drawn so far, and again
//! at the end. The sets only ever grow at the end, so the index grows with them: each call indexes only
//! the sets added since the last, as a new *segment* (a CSR of node → set ids over those sets, built by
//! one counting sort), and a node's sets are its lists in every segment. Rebuilding the whole index for
//! every call, as before, indexed NetHEPT's sets about three times over (the sampling rounds double the
//! sets); now each set is indexed once. With several threads, the new sets are split into one segment
//! per thread, built in parallel: segments are independent, so no thread writes where another does.
//!
//! Each call then starts from every node's count of sets, kept as segments are added, and picks with a
//! lazy max-heap: counts only fall, so a popped node whose count is stale goes back with its current
//! count, and a node popped with its current count is the maximum. That replaces `k` scans of all `n`
//! nodes. Covered sets are a bitset (an eighth of a byte per set, so it stays in cache).
//!
//! Ties go to the lowest id: the heap orders by (count, lowest id). When no set is left to cover, the
//! remaining eligible nodes all count 0 and come out lowest id first, so `k` seeds come back whenever
//! `k` nodes are eligible. The result depends only on the sets, not on how they were split into segments
//! or on the number of threads.

use crate::rr::RrSets;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// New sets below which they are indexed as one segment even with several threads (splitting a small
/// range costs an offsets array per part for nothing).
const MIN_PARALLEL_SETS: usize = 1 << 15;

/// Node → RR sets, built segment by segment as sets are added.
pub(crate) struct CoverIndex {
    /// Sets indexed so far: `0..indexed`.
    indexed: usize,
    /// Per node, the number of indexed sets it is in.
    count: Vec<u32>,
    segments: Vec<Segment>,
}

/// A CSR of node → set ids over a range of sets: node `v`'s sets are
/// `sets_of[offsets[v]..offsets[v + 1]]`, in increasing order.
struct Segment {
    offsets: Vec<u32>,
    sets_of: Vec<u32>,
}

impl Segment {
    /// Index sets `from..to` by one counting sort: count each node's memberships, turn the counts into
    /// end positions, then fill each node's list from its end while walking the sets backwards, so the
    /// lists come out in increasing set order and the offsets end up at the starts (no second array of
    /// write positions).
    fn build(n: usize, sets: &RrSets, from: usize, to: usize) -> Segment {
        let mut offsets = vec![0u32; n + 1];
        let mut members = 0;
        for slice in sets.member_slices(from, to) {
            members += slice.len();
            for &v in slice {
                offsets[v as usize] += 1;
            }
        }
        let mut end = 0u32;
        for o in &mut offsets[..n] {
            end += *o;
            *o = end;
        }
        offsets[n] = end;
        let mut sets_of = vec![0u32; members];
        for s in (from..to).rev() {
            for &v in sets.set(s) {
                let o = &mut offsets[v as usize];
                *o -= 1;
                sets_of[*o as usize] = s as u32;
            }
        }
        Segment { offsets, sets_of }
    }

    #[inline]
    fn sets_of(&self, v: usize) -> &[u32] {
        &self.sets_of[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }
}

impl CoverIndex {
    pub(crate) fn new(n: usize) -> Self {
        CoverIndex {
            indexed: 0,
            count: vec![0; n],
            segments: Vec::new(),
        }
    }

    /// Index the sets added since the last call. `threads` = 1 builds one segment on this thread;
    /// otherwise the new sets are split into one segment per thread of the current rayon pool.
    pub(crate) fn update(&mut self, sets: &RrSets, threads: usize) {
        let parts = if threads == 1 || sets.len() - self.indexed < MIN_PARALLEL_SETS {
            1
        } else {
            rayon::current_num_threads()
        };
        self.add_segments(sets, parts);
    }

    /// Index the sets added since the last call as `parts` segments of consecutive sets, built in
    /// parallel on the current rayon pool when `parts` > 1.
    fn add_segments(&mut self, sets: &RrSets, parts: usize) {
        let (from, to) = (self.indexed, sets.len());
        if to <= from {
            return;
        }
        let n = self.count.len();
        // A segment's offsets are u32: split so that none holds 2^32 members or more.
        let members: usize = sets.member_slices(from, to).map(<[u32]>::len).sum();
        let parts = parts
            .max(members.div_ceil(u32::MAX as usize))
            .clamp(1, to - from);
        let new: Vec<Segment> = if parts == 1 {
            vec![Segment::build(n, sets, from, to)]
        } else {
            (0..parts)
                .into_par_iter()
                .map(|p| {
                    let (a, b) = (
                        from + (to - from) * p / parts,
                        from + (to - from) * (p + 1) / parts,
                    );
                    Segment::build(n, sets, a, b)
                })
                .collect()
        };
        for seg in &new {
            for (c, w) in self.count.iter_mut().zip(seg.offsets.windows(2)) {
                *c += w[1] - w[0];
            }
        }
        self.segments.extend(new);
        self.indexed = to;
    }

    /// Bytes held by the index.
    pub(crate) fn bytes(&self) -> usize {
        let segs: usize = self
            .segments
            .iter()
            .map(|s| s.offsets.len() + s.sets_of.len())
            .sum();
        (self.count.len() + segs) * std::mem::size_of::<u32>()
    }

    /// Greedy maximum coverage of `sets` (which must all be indexed: call [`CoverIndex::update`] first)
    /// by `k` nodes not `excluded`: the seeds in the order picked and how many sets each newly covered.
    pub(crate) fn greedy(
        &self,
        sets: &RrSets,
        k: usize,
        excluded: &[bool],
    ) -> (Vec<u32>, Vec<u64>) {
        debug_assert_eq!(self.indexed, sets.len());
        let mut count = self.count.clone();
        let mut heap: BinaryHeap<(u32, Reverse<u32>)> = count
            .iter()
            .enumerate()
            .filter(|&(v, _)| !excluded[v])
            .map(|(v, &c)| (c, Reverse(v as u32)))
            .collect();
        let mut covered = vec![0u64; sets.len().div_ceil(64)];
        let (mut seeds, mut gains) = (Vec::with_capacity(k), Vec::with_capacity(k));
        while seeds.len() < k {
            let Some((c, Reverse(v))) = heap.pop() else {
                break;
            };
            let now = count[v as usize];
            if now != c {
                heap.push((now, Reverse(v)));
                continue;
            }
            seeds.push(v);
            gains.push(u64::from(now));
            self.cover(sets, v as usize, &mut covered, &mut count);
        }
        (seeds, gains)
    }
}

impl CoverIndex {
    /// Mark node `v`'s sets covered and take each newly covered set off its members' counts. Each
    /// (node, set) pair is counted once and uncounted at most once (a set is covered once), so counts
    /// never go below 0.
    fn cover(&self, sets: &RrSets, v: usize, covered: &mut [u64], count: &mut [u32]) {
        for seg in &self.segments {
            for &s in seg.sets_of(v) {
                let (word, bit) = (s as usize / 64, 1u64 << (s % 64));
                if covered[word] & bit != 0 {
                    continue;
                }
                covered[word] |= bit;
                for &u in sets.set(s as usize) {
                    count[u as usize] -= 1;
                }
            }
        }
    }

    /// Budgeted maximum coverage (Khuller, Moss, Naor 1999): greedy by newly covered sets per unit of
    /// cost among nodes whose cost still fits in what is left of `budget`, then the better of that and
    /// the single node within budget in the most sets. Stops when nothing more fits or covers anything.
    /// Ties go to the lowest id, as in [`CoverIndex::greedy`]. `costs` are positive and finite (checked by
    /// the caller).
    pub(crate) fn greedy_within_budget(
        &self,
        sets: &RrSets,
        costs: &[f64],
        budget: f64,
        excluded: &[bool],
    ) -> (Vec<u32>, Vec<u64>) {
        debug_assert_eq!(self.indexed, sets.len());
        // A non-negative f64's bits order as the number does.
        let key = |c: u32, v: usize| (f64::from(c) / costs[v]).to_bits();
        let mut count = self.count.clone();
        let fits = |v: usize| !excluded[v] && costs[v] <= budget;
        let best_single = (0..count.len())
            .filter(|&v| fits(v))
            .max_by(|&a, &b| count[a].cmp(&count[b]).then(b.cmp(&a)));
        let mut heap: BinaryHeap<(u64, Reverse<u32>)> = (0..count.len())
            .filter(|&v| fits(v))
            .map(|v| (key(count[v], v), Reverse(v as u32)))
            .collect();
        let mut covered = vec![0u64; sets.len().div_ceil(64)];
        let (mut seeds, mut gains) = (Vec::new(), Vec::new());
        let mut left = budget;
        while let Some((k, Reverse(v))) = heap.pop() {
            let u = v as usize;
            let now = count[u];
            if now == 0 {
                break;
            }
            if key(now, u) != k {
                heap.push((key(now, u), Reverse(v)));
                continue;
            }
            if costs[u] > left {
                continue; // it will never fit again
            }
            left -= costs[u];
            seeds.push(v);
            gains.push(u64::from(now));
            self.cover(sets, u, &mut covered, &mut count);
        }
        let total: u64 = gains.iter().sum();
        match best_single {
            Some(v) if u64::from(self.count[v]) > total => {
                (vec![v as u32], vec![u64::from(self.count[v])])
            }
            _ => (seeds, gains),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rr::{sample_rr_sets, JUMP_MIN_IN_DEGREE};
    use crate::{DiffusionGraph, EdgeModel};

    /// The old greedy: a fresh index, and a scan of all nodes for the maximum in each round.
    fn greedy_by_scan(
        n: usize,
        sets: &RrSets,
        k: usize,
        excluded: &[bool],
    ) -> (Vec<u32>, Vec<u64>) {
        let mut sets_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for s in 0..sets.len() {
            for &v in sets.set(s) {
                sets_of[v as usize].push(s);
            }
        }
        let mut degree: Vec<u64> = sets_of.iter().map(|l| l.len() as u64).collect();
        let mut covered = vec![false; sets.len()];
        let mut eligible: Vec<bool> = excluded.iter().map(|x| !x).collect();
        let (mut seeds, mut gains) = (Vec::new(), Vec::new());
        for _ in 0..k.min(n) {
            let mut best: Option<usize> = None;
            for v in 0..n {
                if eligible[v] && best.is_none_or(|b| degree[v] > degree[b]) {
                    best = Some(v);
                }
            }
            let Some(best) = best else { break };
            eligible[best] = false;
            gains.push(degree[best]);
            seeds.push(best as u32);
            for &s in &sets_of[best] {
                if !covered[s] {
                    covered[s] = true;
                    for &v in sets.set(s) {
                        degree[v as usize] -= 1;
                    }
                }
            }
        }
        (seeds, gains)
    }

    #[test]
    fn segments_and_threads_give_the_scan_greedys_choice() {
        let n = 400u32;
        let pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|u| (1..6).map(move |d| (u, (u * u + d * 37) % n)))
            .collect();
        let g = DiffusionGraph::from_pairs(n, &pairs, EdgeModel::WeightedCascade).unwrap();
        let all = sample_rr_sets(&g, 60_000, 9, 1, JUMP_MIN_IN_DEGREE).unwrap();
        let mut excluded = vec![false; n as usize];
        excluded[all.set(0)[0] as usize] = true;
        // k beyond the nodes that cover anything: the zero-count tail comes out lowest id first.
        for k in [1, 10, 50, n as usize] {
            let expected = greedy_by_scan(n as usize, &all, k, &excluded);
            assert_eq!(expected.0.len(), k.min(n as usize - 1));
            // One segment; several segments of rounds; two threads (parallel segments).
            let mut one = CoverIndex::new(n as usize);
            one.update(&all, 1);
            assert_eq!(one.greedy(&all, k, &excluded), expected, "k = {k}");
            let mut grown = CoverIndex::new(n as usize);
            let mut sets = RrSets::default();
            for to in [100, 1_000, 30_000, 60_000] {
                let part = sample_rr_sets(&g, to, 9, 1, JUMP_MIN_IN_DEGREE).unwrap();
                sets = part;
                grown.update(&sets, 1);
                if to == 30_000 {
                    let half = greedy_by_scan(n as usize, &sets, k, &excluded);
                    assert_eq!(grown.greedy(&sets, k, &excluded), half);
                }
            }
            assert_eq!(grown.greedy(&sets, k, &excluded), expected, "k = {k}");
            let mut two = CoverIndex::new(n as usize);
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap()
                .install(|| two.add_segments(&all, 3));
            assert_eq!(two.segments.len(), 3);
            assert_eq!(two.greedy(&all, k, &excluded), expected, "k = {k}");
        }
    }
}
