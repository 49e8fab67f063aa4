//! The CSR reaction graph: incoming edges grouped by target.

/// One reaction edge from `src` (the reactor) to `dst` (the author reacted to), with its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub src: u32,
    pub dst: u32,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("edge {index}: node {node} is outside the graph of {nodes} nodes")]
    NodeOutOfRange { index: usize, node: u32, nodes: u32 },
    #[error("edge {index}: weight {weight} is not a finite number ≥ 0")]
    BadWeight { index: usize, weight: f64 },
    #[error("more than 2^32 - 1 distinct accounts in one graph")]
    TooManyNodes,
    #[error(
        "personalisation vector has {got} entries for {nodes} nodes, or no positive finite mass"
    )]
    BadPersonalisation { got: usize, nodes: usize },
    #[error("{name} = {value}: expected a finite number > 0")]
    BadParameter { name: &'static str, value: f64 },
    #[error("a partition of {got} nodes for a graph of {nodes} nodes")]
    PartitionSize { got: usize, nodes: usize },
    #[error("the edges placed are not the edges counted ({why}): the input changed between its two readings")]
    Uncounted { why: &'static str },
}

/// The largest merged edge weight a graph keeps as it is: a heavier graph (or one whose heaviest edge
/// is under 1 / `WEIGHT_CEILING`) has every weight divided by its heaviest, which then weighs 1.
/// PageRank is unchanged by a common factor.
pub const WEIGHT_CEILING: f64 = 18_446_744_073_709_551_616.0; // 2^64

/// Merged edges lighter than this (after any scaling) are dropped as weighing nothing: 2^-100, ~8e-31.
/// With every kept weight in [2^-100, 2^64] and so every reactor's total too, a PageRank contribution
/// (`x / W`, at most 2^100) and each edge's weight fit an `f32` with room to spare, so no input of finite
/// weights can make an iteration overflow to infinity or give NaN (an `f32` weight that rounded to 0
/// beside a contribution that overflowed did: issue 19). A reaction 2^100 times lighter than the one
/// that sets the scale (100 half-lives older, say) changes no score that is printed.
pub const WEIGHT_FLOOR: f64 = 7.888_609_052_210_118e-31; // 2^-100

/// Keep every merged weight within [`WEIGHT_FLOOR`, `WEIGHT_CEILING`]: a graph whose heaviest edge is
/// outside [2^-64, 2^64] is divided by it; then edges below the floor are dropped, compacting `pairs`
/// and `offsets`. Graphs already within the bounds (every real
/// one so far) are left bit for bit as they were.
fn bound_weights(pairs: &mut Vec<(u32, f64)>, offsets: &mut [u64]) {
    let heaviest = pairs.iter().map(|p| p.1).fold(0.0, f64::max);
    if heaviest == 0.0 {
        return;
    }
    // Divided by the heaviest (not multiplied by its reciprocal, which overflows for a subnormal).
    let rescale = !(1.0 / WEIGHT_CEILING..=WEIGHT_CEILING).contains(&heaviest);
    if !rescale && pairs.iter().all(|p| p.1 >= WEIGHT_FLOOR) {
        return;
    }
    let divisor = if rescale { heaviest } else { 1.0 };
    let mut write = 0usize;
    let mut start = 0usize;
    for v in 0..offsets.len() - 1 {
        let end = offsets[v + 1] as usize;
        for i in start..end {
            let w = pairs[i].1 / divisor;
            if w >= WEIGHT_FLOOR {
                pairs[write] = (pairs[i].0, w);
                write += 1;
            }
        }
        start = end;
        offsets[v + 1] = write as u64;
    }
    pairs.truncate(write);
}

/// A contiguous range of target nodes `[start, end)`: a shard's share of a kernel's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VertexRange {
    pub start: u32,
    pub end: u32,
}

impl VertexRange {
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// One incoming edge of a weighted graph: the reactor (its [reactor index](ReactionGraph#reactor-indices))
/// and the merged weight, side by side so that a target's edges stream from one array (8 bytes per edge)
/// rather than two.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub(crate) struct InEdge {
    pub src: u32,
    pub weight: f32,
}

/// A graph's incoming edges, in CSR order, each naming its reactor by reactor index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Adjacency {
    /// Every merged edge weighs exactly 1: reactor indices only (kernels skip the weights).
    Unit(Vec<u32>),
    Weighted(Vec<InEdge>),
}

/// Incoming-edge CSR over dense node ids `0..nodes`.
///
/// Parallel edges (the same reactor reacting to the same author many times) are merged into one edge whose
/// weight is the sum, and each target's reactors are sorted by id, so a graph is a pure function of its
/// edge multiset: the same reactions in any order give the same bytes, and kernels the same numbers.
///
/// # Reactor indices
/// Edges name their reactor by its *reactor index*: its rank among the nodes that have outgoing edges
/// (`reactors[r]` is the node). A PageRank iteration reads one contribution per edge at random, and only
/// reactors have one: numbered apart, their contributions sit side by side instead of among the
/// dangling nodes' (half the nodes of an R-MAT graph), so the array read at random is as small as it can
/// be (on R-MAT scale 20, 2.2 MB instead of 4 MB beside a 2 MB L2 cache: an iteration 1.25x faster
/// unweighted, 1.4x weighted, BENCHMARKS.md), for 4 bytes per reactor. The numbering keeps node order, so
/// each target's reactors are in the same order either way and sums over them are unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct ReactionGraph {
    /// `offsets[v]..offsets[v + 1]` indexes `adjacency` for target `v`.
    offsets: Vec<u64>,
    adjacency: Adjacency,
    /// The node of each reactor index, increasing: the nodes with outgoing edges.
    reactors: Vec<u32>,
    /// Total outgoing weight of each node (0 exactly for dangling nodes, > 0 for every reactor).
    out_weight: Vec<f64>,
}

/// The reactors among `nodes` nodes (those that are the source of an edge), in increasing order, and each
/// node's reactor index (`u32::MAX` for a node with no outgoing edge).
fn number_reactors(nodes: usize, sources: impl Iterator<Item = u32>) -> (Vec<u32>, Vec<u32>) {
    let mut index = vec![u32::MAX; nodes];
    for s in sources {
        index[s as usize] = 0;
    }
    let mut reactors = Vec::new();
    for (u, i) in index.iter_mut().enumerate() {
        if *i == 0 {
            *i = reactors.len() as u32;
            reactors.push(u as u32);
        }
    }
    (reactors, index)
}

/// A graph built from its edges given twice: first each target's number of edges (with weight > 0),
/// then the edges themselves, each put straight into its target's place. Only the placed edges are
/// held, not a list of edges and then a second list sorted by target, which was 32 bytes an
/// interaction at the peak of building a graph from stored interactions: 16 bytes an edge (reactor and
/// weight), or 4 when every edge weighs exactly 1 ([`EdgePlacer::unit`]), as every reaction does in
/// the default authority graph.
pub struct EdgePlacer {
    /// Prefix sums of the targets' edge counts: target `v`'s edges go to `counts[v]..counts[v + 1]`.
    counts: Vec<u64>,
    /// The next free place of each target.
    next: Vec<u64>,
    placed: Placed,
}

/// The edges placed so far, in their targets' places.
enum Placed {
    Weighted(Vec<(u32, f64)>),
    /// Every edge weighs 1: the reactors alone. A repeated edge's merged weight is then the number of
    /// times it was placed, exact whatever the order, and the same number the weighted sum of as many
    /// ones gives (every count below 2^53 is exact in an `f64`).
    Unit(Vec<u32>),
}

impl EdgePlacer {
    /// Places for `in_degrees[v]` edges into each node `v` (the graph has `in_degrees.len()` nodes).
    pub fn new(in_degrees: Vec<u64>) -> Self {
        Self::with(in_degrees, false)
    }

    /// As [`EdgePlacer::new`] for edges that all weigh exactly 1 (placing another weight is an error):
    /// 4 bytes a placed edge instead of 16, and the same graph bit for bit.
    pub fn unit(in_degrees: Vec<u64>) -> Self {
        Self::with(in_degrees, true)
    }

    fn with(in_degrees: Vec<u64>, unit: bool) -> Self {
        let mut counts = Vec::with_capacity(in_degrees.len() + 1);
        counts.push(0u64);
        let mut total = 0u64;
        for d in &in_degrees {
            total += d;
            counts.push(total);
        }
        let mut next = in_degrees;
        next.copy_from_slice(&counts[..counts.len() - 1]);
        let placed = if unit {
            Placed::Unit(vec![0; total as usize])
        } else {
            Placed::Weighted(vec![(0, 0.0); total as usize])
        };
        EdgePlacer {
            counts,
            next,
            placed,
        }
    }

    /// Place an edge `src` → `dst` of weight `weight` (finite, > 0; exactly 1 for a unit placer).
    pub fn place(&mut self, src: u32, dst: u32, weight: f64) -> Result<(), GraphError> {
        let n = self.next.len();
        if src as usize >= n || dst as usize >= n {
            return Err(GraphError::Uncounted {
                why: "a node not counted",
            });
        }
        let counted = match self.placed {
            Placed::Weighted(_) => weight.is_finite() && weight > 0.0,
            Placed::Unit(_) => weight == 1.0,
        };
        if !counted {
            return Err(GraphError::Uncounted {
                why: "a weight not counted",
            });
        }
        let slot = &mut self.next[dst as usize];
        if *slot >= self.counts[dst as usize + 1] {
            return Err(GraphError::Uncounted {
                why: "more edges into a node than counted",
            });
        }
        match &mut self.placed {
            Placed::Weighted(pairs) => pairs[*slot as usize] = (src, weight),
            Placed::Unit(reactors) => reactors[*slot as usize] = src,
        }
        *slot += 1;
        Ok(())
    }

    /// The graph, once every counted edge is placed.
    pub fn finish(self) -> Result<ReactionGraph, GraphError> {
        if self.next.iter().zip(&self.counts[1..]).any(|(a, b)| a != b) {
            return Err(GraphError::Uncounted {
                why: "fewer edges into a node than counted",
            });
        }
        let n = self.next.len();
        match self.placed {
            Placed::Weighted(pairs) => ReactionGraph::from_placed(n, self.counts, pairs),
            Placed::Unit(reactors) => {
                Ok(ReactionGraph::from_placed_unit(n, &self.counts, reactors))
            }
        }
    }
}

impl ReactionGraph {
    /// Build from edges over `nodes` nodes. Errors on an edge outside `0..nodes` or a weight that is not a
    /// finite number ≥ 0. Zero-weight edges are kept out (they carry no reaction). Merged weights are
    /// kept within [`WEIGHT_FLOOR`, `WEIGHT_CEILING`] (see there): a graph outside those bounds is scaled
    /// by a power of two and its negligible edges dropped, so that PageRank's numbers stay finite.
    pub fn from_edges(nodes: u32, edges: &[Edge]) -> Result<Self, GraphError> {
        Self::from_edge_source(nodes, || edges.iter().copied())
    }

    /// [`ReactionGraph::from_edges`] for edges that `edges()` gives, the same each time it is called
    /// (it is read three times): for holders that keep edges more compactly than a slice of [`Edge`].
    pub fn from_edge_source<I: Iterator<Item = Edge>>(
        nodes: u32,
        edges: impl Fn() -> I,
    ) -> Result<Self, GraphError> {
        let n = nodes as usize;
        let mut in_degrees = vec![0u64; n];
        for (index, e) in edges().enumerate() {
            for node in [e.src, e.dst] {
                if node >= nodes {
                    return Err(GraphError::NodeOutOfRange { index, node, nodes });
                }
            }
            if !(e.weight.is_finite() && e.weight >= 0.0) {
                return Err(GraphError::BadWeight {
                    index,
                    weight: e.weight,
                });
            }
            if e.weight > 0.0 {
                in_degrees[e.dst as usize] += 1;
            }
        }
        let mut placer = if edges().all(|e| e.weight == 1.0) {
            EdgePlacer::unit(in_degrees)
        } else {
            EdgePlacer::new(in_degrees)
        };
        for e in edges().filter(|e| e.weight > 0.0) {
            placer.place(e.src, e.dst, e.weight)?;
        }
        placer.finish()
    }

    /// The graph of edges placed by target (`counts`: the prefix sums of the targets' edge counts,
    /// `pairs[counts[v]..counts[v + 1]]` the reactors and weights of target `v`, in any order).
    fn from_placed(
        n: usize,
        counts: Vec<u64>,
        mut pairs: Vec<(u32, f64)>,
    ) -> Result<Self, GraphError> {
        // Sort each target's reactors and merge repeats, compacting in place.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let mut write = 0usize;
        for v in 0..n {
            let (lo, hi) = (counts[v] as usize, counts[v + 1] as usize);
            let seg = &mut pairs[lo..hi];
            seg.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut i = lo;
            while i < hi {
                let (src, mut w) = pairs[i];
                i += 1;
                while i < hi && pairs[i].0 == src {
                    w = (w + pairs[i].1).min(f64::MAX); // saturating: a sum of finite weights stays finite
                    i += 1;
                }
                pairs[write] = (src, w);
                write += 1;
            }
            offsets.push(write as u64);
        }
        pairs.truncate(write);
        // Repeats merged: give back the room of the raw edges before the adjacency is built beside it.
        pairs.shrink_to_fit();
        bound_weights(&mut pairs, &mut offsets);
        Ok(Self::from_merged(n, offsets, pairs))
    }

    /// [`ReactionGraph::from_placed`] for edges that all weigh 1, placed as their reactors alone: each
    /// target's reactors sorted and each repeat counted, the count its merged weight. The graph is the
    /// one `from_placed` makes of the same edges with weight 1, bit for bit: the same merged weights
    /// (exact counts either way), summed into reactors' totals in the same order. Counts lie within
    /// [1, 2^64], inside the weight bounds, so none is scaled or dropped.
    fn from_placed_unit(n: usize, counts: &[u64], mut reactors: Vec<u32>) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let mut weights: Vec<f64> = Vec::new();
        let mut write = 0usize;
        for v in 0..n {
            let (lo, hi) = (counts[v] as usize, counts[v + 1] as usize);
            reactors[lo..hi].sort_unstable();
            let mut i = lo;
            while i < hi {
                let src = reactors[i];
                let run = reactors[i..hi].iter().take_while(|&&r| r == src).count();
                reactors[write] = src;
                weights.push(run as f64);
                write += 1;
                i += run;
            }
            offsets.push(write as u64);
        }
        reactors.truncate(write);
        reactors.shrink_to_fit();
        let mut out_weight = vec![0f64; n];
        for (&src, &w) in reactors.iter().zip(&weights) {
            out_weight[src as usize] += w;
        }
        let (reactor_nodes, index) = number_reactors(n, reactors.iter().copied());
        let adjacency = if weights.iter().all(|&w| w == 1.0) {
            drop(weights);
            for r in &mut reactors {
                *r = index[*r as usize];
            }
            Adjacency::Unit(reactors)
        } else {
            Adjacency::Weighted(
                reactors
                    .iter()
                    .zip(&weights)
                    .map(|(&src, &w)| InEdge {
                        src: index[src as usize],
                        weight: w as f32,
                    })
                    .collect(),
            )
        };
        ReactionGraph {
            offsets,
            adjacency,
            reactors: reactor_nodes,
            out_weight,
        }
    }

    /// The graph of merged edges (`pairs[offsets[v]..offsets[v + 1]]`: target `v`'s reactors, in
    /// increasing order, and their merged weights, all within the weight bounds).
    fn from_merged(n: usize, offsets: Vec<u64>, pairs: Vec<(u32, f64)>) -> Self {
        // Every kept weight is at least `WEIGHT_FLOOR`, so a node's total is > 0 exactly when it has an
        // outgoing edge: the reactors.
        let mut out_weight = vec![0f64; n];
        for &(src, w) in &pairs {
            out_weight[src as usize] += w;
        }
        let (reactors, index) = number_reactors(n, pairs.iter().map(|p| p.0));
        let adjacency = if pairs.iter().all(|&(_, w)| w == 1.0) {
            Adjacency::Unit(pairs.iter().map(|&(s, _)| index[s as usize]).collect())
        } else {
            Adjacency::Weighted(
                pairs
                    .iter()
                    .map(|&(src, w)| InEdge {
                        src: index[src as usize],
                        weight: w as f32,
                    })
                    .collect(),
            )
        };
        ReactionGraph {
            offsets,
            adjacency,
            reactors,
            out_weight,
        }
    }

    pub fn nodes(&self) -> usize {
        self.out_weight.len()
    }

    /// Distinct (reactor, target) edges after merging repeats.
    pub fn edges(&self) -> usize {
        match &self.adjacency {
            Adjacency::Unit(s) => s.len(),
            Adjacency::Weighted(e) => e.len(),
        }
    }

    /// The reactors of `target` and their merged weights (1 where the graph is unweighted).
    pub fn in_edges(&self, target: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let (lo, hi) = self.range(target);
        (lo..hi).map(move |i| match &self.adjacency {
            Adjacency::Unit(s) => (self.reactors[s[i] as usize], 1.0),
            Adjacency::Weighted(e) => (self.reactors[e[i].src as usize], f64::from(e[i].weight)),
        })
    }

    pub fn in_degree(&self, target: u32) -> usize {
        let (lo, hi) = self.range(target);
        hi - lo
    }

    pub fn out_weight(&self) -> &[f64] {
        &self.out_weight
    }

    pub fn is_unit_weighted(&self) -> bool {
        matches!(self.adjacency, Adjacency::Unit(_))
    }

    /// The same edges with every weight 1: plain (unweighted) PageRank's graph, a baseline for the
    /// weighted authority, and the shape the GAP Benchmark Suite's kernel runs on.
    pub fn unweighted(&self) -> ReactionGraph {
        // The same edges have the same reactors: their indices carry over.
        let sources: Vec<u32> = match &self.adjacency {
            Adjacency::Unit(s) => s.clone(),
            Adjacency::Weighted(e) => e.iter().map(|e| e.src).collect(),
        };
        let mut out_weight = vec![0f64; self.nodes()];
        for &r in &sources {
            out_weight[self.reactors[r as usize] as usize] += 1.0;
        }
        ReactionGraph {
            offsets: self.offsets.clone(),
            adjacency: Adjacency::Unit(sources),
            reactors: self.reactors.clone(),
            out_weight,
        }
    }

    /// Split the targets into `k` contiguous ranges of about equal incoming edges (plus nodes, so that a
    /// range of edge-less nodes still gets spread out).
    pub fn shards(&self, k: usize) -> Vec<VertexRange> {
        let n = self.nodes();
        let k = k.clamp(1, n.max(1));
        let cost = |v: usize| self.offsets[v] as usize + v;
        let total = cost(n);
        let mut out = Vec::with_capacity(k);
        let mut start = 0usize;
        for i in 1..=k {
            // In u128: edges times shards can pass usize on a graph of billions of edges.
            let goal = (total as u128 * i as u128 / k as u128) as usize;
            let mut end = start;
            while end < n && (cost(end) < goal || i == k) {
                end += 1;
            }
            out.push(VertexRange {
                start: start as u32,
                end: end as u32,
            });
            start = end;
        }
        out
    }

    /// Assemble from the separate arrays of the binary snapshot: `sources` are node ids (below
    /// `out_weight.len()`, checked by the caller) and `weights`, if given, has one entry per source. Errs
    /// when `out_weight` is not > 0 and finite exactly for the nodes with outgoing edges (the kernels divide
    /// by it).
    pub(crate) fn from_parts(
        offsets: Vec<u64>,
        sources: Vec<u32>,
        weights: Option<Vec<f32>>,
        out_weight: Vec<f64>,
    ) -> Result<Self, &'static str> {
        let (reactors, index) = number_reactors(out_weight.len(), sources.iter().copied());
        // Each node's out-weight must be the sum of its edges' weights (up to their rounding to
        // `f32`): a file claiming a tiny out-weight would otherwise make a contribution infinite.
        let mut sums = vec![0f64; out_weight.len()];
        match &weights {
            None => sources.iter().for_each(|&s| sums[s as usize] += 1.0),
            Some(w) => {
                for (&s, &x) in sources.iter().zip(w) {
                    sums[s as usize] += f64::from(x);
                }
            }
        }
        let consistent = index
            .iter()
            .zip(&out_weight)
            .zip(&sums)
            .all(|((&i, &w), &sum)| {
                if i == u32::MAX {
                    w == 0.0
                } else {
                    w > 0.0 && w.is_finite() && (w - sum).abs() <= 1e-5 * sum
                }
            });
        if !consistent {
            return Err("out-weights disagree with the edges");
        }
        let sources = sources.into_iter().map(|s| index[s as usize]);
        let adjacency = match weights {
            None => Adjacency::Unit(sources.collect()),
            Some(w) => Adjacency::Weighted(
                sources
                    .zip(w)
                    .map(|(src, weight)| InEdge { src, weight })
                    .collect(),
            ),
        };
        Ok(ReactionGraph {
            offsets,
            adjacency,
            reactors,
            out_weight,
        })
    }

    pub(crate) fn range(&self, target: u32) -> (usize, usize) {
        let t = target as usize;
        (self.offsets[t] as usize, self.offsets[t + 1] as usize)
    }

    /// Every edge's reactor (its node), in CSR order.
    pub(crate) fn sources(&self) -> impl Iterator<Item = u32> + '_ {
        let (unit, weighted) = match &self.adjacency {
            Adjacency::Unit(s) => (&s[..], &[][..]),
            Adjacency::Weighted(e) => (&[][..], &e[..]),
        };
        unit.iter()
            .copied()
            .chain(weighted.iter().map(|e| e.src))
            .map(|r| self.reactors[r as usize])
    }

    /// Every edge's weight, in CSR order, or `None` for a unit-weighted graph.
    pub(crate) fn weights(&self) -> Option<impl Iterator<Item = f32> + '_> {
        match &self.adjacency {
            Adjacency::Unit(_) => None,
            Adjacency::Weighted(e) => Some(e.iter().map(|e| e.weight)),
        }
    }

    pub(crate) fn adjacency(&self) -> &Adjacency {
        &self.adjacency
    }

    /// The node of each reactor index (see [the type's docs](ReactionGraph#reactor-indices)).
    pub(crate) fn reactors(&self) -> &[u32] {
        &self.reactors
    }

    pub(crate) fn offsets(&self) -> &[u64] {
        &self.offsets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(src: u32, dst: u32, weight: f64) -> Edge {
        Edge { src, dst, weight }
    }

    #[test]
    fn repeats_merge_and_order_does_not_matter() {
        let a =
            ReactionGraph::from_edges(3, &[e(0, 1, 1.0), e(2, 1, 1.0), e(0, 1, 2.0), e(1, 0, 0.5)])
                .unwrap();
        let b =
            ReactionGraph::from_edges(3, &[e(1, 0, 0.5), e(0, 1, 2.0), e(2, 1, 1.0), e(0, 1, 1.0)])
                .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.edges(), 3);
        assert_eq!(a.in_edges(1).collect::<Vec<_>>(), vec![(0, 3.0), (2, 1.0)]);
        assert_eq!(a.out_weight(), &[3.0, 0.5, 1.0]);
        assert!(!a.is_unit_weighted());
    }

    /// Edges that all weigh 1, placed as reactors alone, give the graph that placing them with their
    /// weights gives, bit for bit: merged counts, reactor totals, reactor indices, the unweighted
    /// adjacency when nothing repeats. A weight other than 1 is refused.
    #[test]
    fn unit_placement_builds_the_weighted_placements_graph() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut edges = Vec::new();
        for _ in 0..30_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Reactors among the first 2,000 nodes, the first 60 of them a third of the time: some
            // edges repeat many times, many once.
            let src = if x.is_multiple_of(3) {
                x % 60
            } else {
                x % 2_000
            } as u32;
            edges.push(e(src, (x >> 40) as u32 % 100, 1.0));
        }
        let distinct: std::collections::HashSet<(u32, u32)> =
            edges.iter().map(|e| (e.src, e.dst)).collect();
        for edges in [&edges[..], &edges[..300]] {
            let mut in_degrees = vec![0u64; 2_000];
            for e in edges {
                in_degrees[e.dst as usize] += 1;
            }
            let mut unit = EdgePlacer::unit(in_degrees.clone());
            let mut weighted = EdgePlacer::new(in_degrees);
            for e in edges {
                unit.place(e.src, e.dst, 1.0).unwrap();
            }
            for e in edges.iter().rev() {
                weighted.place(e.src, e.dst, 1.0).unwrap();
            }
            let (unit, weighted) = (unit.finish().unwrap(), weighted.finish().unwrap());
            assert_eq!(unit, weighted);
            assert_eq!(unit, ReactionGraph::from_edges(2_000, edges).unwrap());
        }
        let merged = ReactionGraph::from_edges(2_000, &edges).unwrap();
        assert_eq!(merged.edges(), distinct.len());
        assert!(
            merged.edges() < edges.len() * 9 / 10,
            "the test wants repeats"
        );
        assert!(!merged.is_unit_weighted());
        let mut unit = EdgePlacer::unit(vec![1, 0]);
        assert!(matches!(
            unit.place(1, 0, 2.0),
            Err(GraphError::Uncounted { .. })
        ));
    }

    #[test]
    fn weights_are_kept_within_their_bounds() {
        // Within the bounds: as given, bit for bit.
        let g = ReactionGraph::from_edges(3, &[e(0, 1, 1e-20), e(2, 1, 1e15)]).unwrap();
        assert_eq!(g.out_weight(), &[1e-20, 0.0, 1e15]);
        // Below the floor beside ordinary weights: dropped, and its reactor left dangling.
        let g = ReactionGraph::from_edges(3, &[e(0, 1, 1e-40), e(2, 1, 1.0)]).unwrap();
        assert_eq!(g.edges(), 1);
        assert_eq!(g.out_weight(), &[0.0, 0.0, 1.0]);
        // Above the ceiling (repeats saturating rather than overflowing): divided by the heaviest.
        let g = ReactionGraph::from_edges(
            3,
            &[
                e(0, 1, f64::MAX),
                e(0, 1, f64::MAX),
                e(2, 1, f64::MAX / 4.0),
            ],
        )
        .unwrap();
        assert_eq!(g.in_edges(1).collect::<Vec<_>>(), vec![(0, 1.0), (2, 0.25)]);
    }

    #[test]
    fn reactors_are_numbered_apart_in_node_order() {
        // Nodes 1 and 4 react; 0, 2 and 3 only receive.
        let g =
            ReactionGraph::from_edges(5, &[e(4, 0, 1.0), e(1, 0, 1.0), e(4, 2, 2.0), e(1, 3, 1.0)])
                .unwrap();
        assert_eq!(g.reactors(), &[1, 4]);
        assert_eq!(g.in_edges(0).collect::<Vec<_>>(), vec![(1, 1.0), (4, 1.0)]);
        assert_eq!(g.in_edges(2).collect::<Vec<_>>(), vec![(4, 2.0)]);
        assert_eq!(g.sources().collect::<Vec<_>>(), vec![1, 4, 4, 1]);
        let u = g.unweighted();
        assert_eq!(u.reactors(), &[1, 4]);
        assert_eq!(u.in_edges(2).collect::<Vec<_>>(), vec![(4, 1.0)]);
        assert_eq!(u.out_weight(), &[0.0, 2.0, 0.0, 0.0, 2.0]);
        // Out-weights must be > 0 exactly for the reactors.
        let parts = |out_weight: Vec<f64>| {
            ReactionGraph::from_parts(vec![0, 1, 1], vec![1], None, out_weight)
        };
        assert!(parts(vec![0.0, 1.0]).is_ok());
        assert!(parts(vec![0.0, 0.0]).is_err());
        assert!(parts(vec![1.0, 1.0]).is_err());
        assert!(parts(vec![0.0, f64::INFINITY]).is_err());
        // An out-weight that is not the sum of the node's edge weights is refused.
        assert!(parts(vec![0.0, 1e-300]).is_err());
        let weighted = |out_weight: Vec<f64>| {
            ReactionGraph::from_parts(vec![0, 2, 2], vec![1, 1], Some(vec![0.5, 0.25]), out_weight)
        };
        assert!(weighted(vec![0.0, 0.75]).is_ok());
        assert!(weighted(vec![0.0, 0.5]).is_err());
    }

    #[test]
    fn unweighted_keeps_edges_and_counts_degrees() {
        let g = ReactionGraph::from_edges(3, &[e(0, 1, 2.0), e(0, 2, 0.5), e(2, 1, 1.0)]).unwrap();
        let u = g.unweighted();
        assert!(u.is_unit_weighted());
        assert_eq!(u.edges(), 3);
        assert_eq!(u.out_weight(), &[2.0, 0.0, 1.0]);
        assert_eq!(u.in_edges(1).collect::<Vec<_>>(), vec![(0, 1.0), (2, 1.0)]);
    }

    #[test]
    fn unit_graphs_store_no_weights() {
        let g = ReactionGraph::from_edges(2, &[e(0, 1, 1.0), e(1, 0, 1.0)]).unwrap();
        assert!(g.is_unit_weighted());
        // Merging two unit edges makes a weight-2 edge: no longer unit.
        let g = ReactionGraph::from_edges(2, &[e(0, 1, 1.0), e(0, 1, 1.0)]).unwrap();
        assert!(!g.is_unit_weighted());
    }

    #[test]
    fn bad_edges_are_errors_not_panics() {
        assert!(matches!(
            ReactionGraph::from_edges(2, &[e(0, 2, 1.0)]),
            Err(GraphError::NodeOutOfRange {
                index: 0,
                node: 2,
                ..
            })
        ));
        assert!(matches!(
            ReactionGraph::from_edges(2, &[e(0, 1, f64::NAN)]),
            Err(GraphError::BadWeight { .. })
        ));
        assert!(matches!(
            ReactionGraph::from_edges(2, &[e(0, 1, -1.0)]),
            Err(GraphError::BadWeight { .. })
        ));
    }

    #[test]
    fn shards_cover_every_node_once() {
        let edges: Vec<Edge> = (0..100).map(|i| e(i % 7, (i * 13) % 50, 1.0)).collect();
        let g = ReactionGraph::from_edges(50, &edges).unwrap();
        for k in [1, 2, 3, 8, 50, 80] {
            let s = g.shards(k);
            assert_eq!(s.first().unwrap().start, 0);
            assert_eq!(s.last().unwrap().end, 50);
            assert!(s.windows(2).all(|w| w[0].end == w[1].start), "{s:?}");
        }
    }
}
