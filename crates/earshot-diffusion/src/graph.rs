//! The diffusion graph: out-edges and in-edges in CSR form, each edge with its activation probability.

use crate::DiffusionError;

/// One edge as stored in a CSR row: the node at the other end and the edge's probability.
///
/// In an out-row of `u`, `node` is the target `v`; in an in-row of `v`, `node` is the source `u`. The
/// probability is an `f32`: it halves the edge arrays (8 bytes per edge rather than 12 or 16, and the
/// Monte Carlo inner loop streams them), and its rounding (relative 2^-24) is far below any Monte Carlo
/// error; the simulators draw 24-bit uniforms, so they could not use more precision anyway.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct Link {
    pub node: u32,
    pub p: f32,
}

/// How a list of plain `(src, dst)` pairs gets its probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EdgeModel {
    /// Every edge has the same probability.
    Uniform(f32),
    /// `p(u, v) = 1 / in-degree(v)` (Kempe, Kleinberg, Tardos 2003), counted after self-loops and
    /// parallel edges are dropped. Every node's in-probabilities sum to exactly 1, so the graph is also a
    /// valid Linear Threshold graph.
    WeightedCascade,
}

/// A directed graph over dense ids `0..nodes` whose edges carry activation probabilities, with both the
/// out-edge CSR (forward simulation: Independent Cascade, Linear Threshold) and the in-edge CSR (reverse
/// sampling: reverse-reachable sets for IMM, and in-degrees for weighted cascade).
///
/// Influence flows along an edge: `u → v` with probability `p` means "a message `u` posts reaches `v`
/// (and `v` passes it on) with probability `p`". (A [`earshot_graph::ReactionGraph`] edge runs the other
/// way, reactor → author; [`DiffusionGraph::from_reactions`] turns it around.)
///
/// Self-loops are dropped (a node cannot activate itself), edges of probability 0 are dropped (they never
/// fire), and parallel edges are merged, so a graph is a pure function of its edge multiset: rows are
/// sorted by node id, and the same edges in any order give the same graph.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffusionGraph {
    /// `out_offsets[u]..out_offsets[u + 1]` indexes `out` for source `u`.
    out_offsets: Vec<u64>,
    out: Vec<Link>,
    /// `in_offsets[v]..in_offsets[v + 1]` indexes `inn` for target `v`.
    in_offsets: Vec<u64>,
    inn: Vec<Link>,
}

impl DiffusionGraph {
    /// Build from `(src, dst)` pairs over `nodes` nodes; repeats of a pair are one edge, and `model` gives
    /// the probabilities. Errors on a node outside `0..nodes` or a uniform probability outside `[0, 1]`.
    pub fn from_pairs(
        nodes: u32,
        pairs: &[(u32, u32)],
        model: EdgeModel,
    ) -> Result<Self, DiffusionError> {
        let p = match model {
            EdgeModel::Uniform(p) => check_probability(usize::MAX, p)?,
            EdgeModel::WeightedCascade => 1.0,
        };
        let mut edges = Vec::with_capacity(pairs.len());
        for (index, &(src, dst)) in pairs.iter().enumerate() {
            check_nodes(index, src, dst, nodes)?;
            if src != dst {
                edges.push((src, dst, p));
            }
        }
        // Repeats of a pair are one edge: keep the first of each run (all carry the same p).
        let g = Self::build(nodes, edges, |_, b| b)?;
        Ok(match model {
            EdgeModel::Uniform(_) => g,
            EdgeModel::WeightedCascade => g.into_weighted_cascade(),
        })
    }

    /// Build from `(src, dst, p)` edges over `nodes` nodes. Parallel edges are merged as independent
    /// chances, `p = 1 − Π(1 − pᵢ)`: the Independent Cascade equivalent of several edges. (Linear
    /// Threshold weights would add instead; pass LT weights without repeats.) Errors on a node outside
    /// `0..nodes` or a probability that is not a number in `[0, 1]`.
    pub fn from_weighted(nodes: u32, edges: &[(u32, u32, f32)]) -> Result<Self, DiffusionError> {
        let mut kept = Vec::with_capacity(edges.len());
        for (index, &(src, dst, p)) in edges.iter().enumerate() {
            check_nodes(index, src, dst, nodes)?;
            let p = check_probability(index, p)?;
            if src != dst {
                kept.push((src, dst, p));
            }
        }
        Self::build(nodes, kept, |a, b| {
            (1.0 - (1.0 - f64::from(a)) * (1.0 - f64::from(b))) as f32
        })
    }

    /// The influence graph of a reaction graph: each reactor → author edge becomes author → reactor (the
    /// reactor heard the author), with probabilities from `model` (the reaction weights are not used).
    pub fn from_reactions(
        g: &earshot_graph::ReactionGraph,
        model: EdgeModel,
    ) -> Result<Self, DiffusionError> {
        let nodes = u32::try_from(g.nodes()).map_err(|_| DiffusionError::TooManyNodes)?;
        let mut pairs = Vec::with_capacity(g.edges());
        for author in 0..nodes {
            pairs.extend(g.in_edges(author).map(|(reactor, _)| (author, reactor)));
        }
        Self::from_pairs(nodes, &pairs, model)
    }

    /// Sort, merge repeats with `merge`, drop zero probabilities, and lay out both CSRs.
    fn build(
        nodes: u32,
        mut edges: Vec<(u32, u32, f32)>,
        merge: impl Fn(f32, f32) -> f32,
    ) -> Result<Self, DiffusionError> {
        if nodes == u32::MAX {
            return Err(DiffusionError::TooManyNodes);
        }
        // Sort by (src, dst); ties (repeats) by p so the merge order, hence the rounding, is fixed.
        edges.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
        let mut write = 0usize;
        let mut i = 0usize;
        while i < edges.len() {
            let (src, dst, mut p) = edges[i];
            i += 1;
            while i < edges.len() && edges[i].0 == src && edges[i].1 == dst {
                p = merge(p, edges[i].2);
                i += 1;
            }
            if p > 0.0 {
                edges[write] = (src, dst, p);
                write += 1;
            }
        }
        edges.truncate(write);
        let n = nodes as usize;
        let mut out_offsets = vec![0u64; n + 1];
        for &(src, _, _) in &edges {
            out_offsets[src as usize + 1] += 1;
        }
        prefix_sum(&mut out_offsets);
        let out: Vec<Link> = edges
            .iter()
            .map(|&(_, dst, p)| Link { node: dst, p })
            .collect();
        drop(edges);
        let (in_offsets, inn) = transpose(&out_offsets, &out);
        Ok(DiffusionGraph {
            out_offsets,
            out,
            in_offsets,
            inn,
        })
    }

    pub fn nodes(&self) -> usize {
        self.out_offsets.len() - 1
    }

    /// Distinct directed edges (after dropping self-loops and zero probabilities, merging repeats).
    pub fn edges(&self) -> usize {
        self.out.len()
    }

    /// The out-edges of `u`, sorted by target. Panics if `u` is not a node (ids are checked at the API
    /// boundary: seeds by the simulators, edges by the constructors).
    #[inline]
    pub fn out_links(&self, u: u32) -> &[Link] {
        let u = u as usize;
        &self.out[self.out_offsets[u] as usize..self.out_offsets[u + 1] as usize]
    }

    /// The index of `u`'s first out-edge in the out-CSR: out-edge `j` of `u` is edge number
    /// `out_start(u) + j` of the graph (what CELF's live-edge worlds key their coins on).
    #[inline]
    pub(crate) fn out_start(&self, u: u32) -> usize {
        self.out_offsets[u as usize] as usize
    }

    /// The in-edges of `v`, sorted by source: what reverse-reachable sampling walks.
    #[inline]
    pub fn in_links(&self, v: u32) -> &[Link] {
        let v = v as usize;
        &self.inn[self.in_offsets[v] as usize..self.in_offsets[v + 1] as usize]
    }

    /// Where `v`'s in-edges lie in the in-edge array (`in_links(v)` is that range of it), for arrays laid
    /// out alongside it.
    #[inline]
    pub(crate) fn in_range(&self, v: u32) -> std::ops::Range<usize> {
        let v = v as usize;
        self.in_offsets[v] as usize..self.in_offsets[v + 1] as usize
    }

    pub fn out_degree(&self, u: u32) -> usize {
        let u = u as usize;
        (self.out_offsets[u + 1] - self.out_offsets[u]) as usize
    }

    pub fn in_degree(&self, v: u32) -> usize {
        let v = v as usize;
        (self.in_offsets[v + 1] - self.in_offsets[v]) as usize
    }

    /// Every edge as `(src, dst, p)`, sorted by `(src, dst)`.
    pub fn edge_list(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.nodes() as u32)
            .flat_map(move |u| self.out_links(u).iter().map(move |l| (u, l.node, l.p)))
    }

    /// The same edges with probability `p` each. Errors if `p` is not in `[0, 1]`; with `p = 0` every
    /// edge is dropped.
    pub fn with_uniform(&self, p: f32) -> Result<Self, DiffusionError> {
        let p = check_probability(usize::MAX, p)?;
        if p == 0.0 {
            let n = self.nodes();
            return Ok(DiffusionGraph {
                out_offsets: vec![0; n + 1],
                out: Vec::new(),
                in_offsets: vec![0; n + 1],
                inn: Vec::new(),
            });
        }
        Ok(self.reweighted(|_, _| p))
    }

    /// The same edges with weighted-cascade probabilities, `p(u, v) = 1 / in-degree(v)`.
    pub fn with_weighted_cascade(&self) -> Self {
        self.clone().into_weighted_cascade()
    }

    /// [`DiffusionGraph::with_weighted_cascade`] in place: no second copy of the graph while loading.
    fn into_weighted_cascade(self) -> Self {
        let p: Vec<f32> = (0..self.nodes() as u32)
            .map(|v| 1.0 / self.in_degree(v) as f32)
            .collect();
        self.into_reweighted(|_, v| p[v as usize])
    }

    /// The same edges with `p(u, v) = f(u, v)` (both CSRs from the same function, so they agree). `f`
    /// must return a probability in `(0, 1]`.
    fn reweighted(&self, f: impl Fn(u32, u32) -> f32) -> Self {
        self.clone().into_reweighted(f)
    }

    /// [`DiffusionGraph::reweighted`] in place.
    fn into_reweighted(mut self, f: impl Fn(u32, u32) -> f32) -> Self {
        let g = &mut self;
        for u in 0..g.nodes() as u32 {
            let (lo, hi) = (g.out_offsets[u as usize], g.out_offsets[u as usize + 1]);
            for l in &mut g.out[lo as usize..hi as usize] {
                l.p = f(u, l.node);
            }
        }
        for v in 0..g.nodes() as u32 {
            let (lo, hi) = (g.in_offsets[v as usize], g.in_offsets[v as usize + 1]);
            for l in &mut g.inn[lo as usize..hi as usize] {
                l.p = f(l.node, v);
            }
        }
        self
    }

    /// The sum of each node's in-probabilities (Linear Threshold needs every sum ≤ 1).
    pub fn in_probability_sum(&self, v: u32) -> f64 {
        self.in_links(v).iter().map(|l| f64::from(l.p)).sum()
    }

    /// Check that the graph is a valid Linear Threshold graph: every node's in-probabilities sum to at most
    /// 1, with a tolerance of 1e-4 for rounding (`f32` 1/d summed d times; files that print probabilities
    /// with six decimals: `nethept_wc_weighted.txt` sums reach 1 + 2e-5). Errors name the first node that
    /// breaks it.
    pub fn check_linear_threshold(&self) -> Result<(), DiffusionError> {
        for v in 0..self.nodes() as u32 {
            let sum = self.in_probability_sum(v);
            if sum > 1.0 + LT_TOLERANCE {
                return Err(DiffusionError::LinearThresholdWeights { node: v, sum });
            }
        }
        Ok(())
    }

    /// The `k` nodes of highest out-degree (ties: lower id first): the classic baseline seed set.
    pub fn top_out_degree(&self, k: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.nodes() as u32).collect();
        ids.sort_by_key(|&u| (std::cmp::Reverse(self.out_degree(u)), u));
        ids.truncate(k);
        ids
    }

    /// Bytes held by the two CSRs.
    pub fn memory_bytes(&self) -> usize {
        (self.out_offsets.len() + self.in_offsets.len()) * std::mem::size_of::<u64>()
            + (self.out.len() + self.inn.len()) * std::mem::size_of::<Link>()
    }
}

/// How far above 1 a node's in-probabilities may sum for Linear Threshold (rounding; see
/// [`DiffusionGraph::check_linear_threshold`]). A sum this close to 1 simulates as 1: thresholds are ≤ 1.
pub(crate) const LT_TOLERANCE: f64 = 1e-4;

fn check_nodes(index: usize, src: u32, dst: u32, nodes: u32) -> Result<(), DiffusionError> {
    for node in [src, dst] {
        if node >= nodes {
            return Err(DiffusionError::NodeOutOfRange { index, node, nodes });
        }
    }
    Ok(())
}

fn check_probability(index: usize, p: f32) -> Result<f32, DiffusionError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(DiffusionError::BadProbability {
            index: (index != usize::MAX).then_some(index),
            p,
        })
    }
}

fn prefix_sum(offsets: &mut [u64]) {
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
}

/// The in-edge CSR of an out-edge CSR (counting sort by target; sources come out sorted because the
/// out-rows are visited in source order).
fn transpose(out_offsets: &[u64], out: &[Link]) -> (Vec<u64>, Vec<Link>) {
    let n = out_offsets.len() - 1;
    let mut in_offsets = vec![0u64; n + 1];
    for l in out {
        in_offsets[l.node as usize + 1] += 1;
    }
    prefix_sum(&mut in_offsets);
    let mut next = in_offsets.clone();
    let mut inn = vec![Link { node: 0, p: 0.0 }; out.len()];
    for u in 0..n {
        for l in &out[out_offsets[u] as usize..out_offsets[u + 1] as usize] {
            let slot = &mut next[l.node as usize];
            inn[*slot as usize] = Link {
                node: u as u32,
                p: l.p,
            };
            *slot += 1;
        }
    }
    (in_offsets, inn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(ls: &[Link]) -> Vec<(u32, f32)> {
        ls.iter().map(|l| (l.node, l.p)).collect()
    }

    #[test]
    fn pairs_drop_self_loops_and_repeats_in_any_order() {
        let a = DiffusionGraph::from_pairs(
            4,
            &[(0, 1), (1, 1), (0, 1), (2, 1), (1, 3), (0, 2)],
            EdgeModel::Uniform(0.5),
        )
        .unwrap();
        let b = DiffusionGraph::from_pairs(
            4,
            &[(1, 3), (0, 2), (2, 1), (0, 1), (0, 1)],
            EdgeModel::Uniform(0.5),
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!((a.nodes(), a.edges()), (4, 4));
        assert_eq!(links(a.out_links(0)), vec![(1, 0.5), (2, 0.5)]);
        assert_eq!(links(a.in_links(1)), vec![(0, 0.5), (2, 0.5)]);
        assert_eq!(a.out_degree(3), 0);
        assert_eq!(a.in_degree(3), 1);
    }

    #[test]
    fn weighted_cascade_sums_to_one_per_node() {
        let g = DiffusionGraph::from_pairs(
            4,
            &[(0, 3), (1, 3), (2, 3), (2, 3), (0, 1), (3, 3)],
            EdgeModel::WeightedCascade,
        )
        .unwrap();
        assert_eq!(
            links(g.in_links(3)),
            vec![(0, 1.0 / 3.0), (1, 1.0 / 3.0), (2, 1.0 / 3.0)]
        );
        assert_eq!(links(g.out_links(0)), vec![(1, 1.0), (3, 1.0 / 3.0)]);
        assert!(g.check_linear_threshold().is_ok());
        assert!((g.in_probability_sum(3) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn weighted_edges_merge_as_independent_chances() {
        let g =
            DiffusionGraph::from_weighted(3, &[(0, 1, 0.5), (0, 1, 0.5), (1, 2, 0.0), (2, 2, 1.0)])
                .unwrap();
        assert_eq!(g.edges(), 1, "the p = 0 edge and the self-loop are dropped");
        assert_eq!(links(g.out_links(0)), vec![(1, 0.75)]);
        assert_eq!(links(g.in_links(1)), vec![(0, 0.75)]);
        let lt = DiffusionGraph::from_weighted(3, &[(0, 2, 0.7), (1, 2, 0.7)]).unwrap();
        assert!(matches!(
            lt.check_linear_threshold(),
            Err(DiffusionError::LinearThresholdWeights { node: 2, .. })
        ));
    }

    #[test]
    fn reweighting_keeps_both_views_in_step() {
        let g = DiffusionGraph::from_weighted(3, &[(0, 1, 0.2), (2, 1, 0.9), (1, 0, 0.3)]).unwrap();
        let u = g.with_uniform(0.1).unwrap();
        assert!(u.edge_list().all(|(_, _, p)| p == 0.1));
        assert!((0..3).all(|v| u.in_links(v).iter().all(|l| l.p == 0.1)));
        let wc = g.with_weighted_cascade();
        assert_eq!(
            wc.edge_list().collect::<Vec<_>>(),
            vec![(0, 1, 0.5), (1, 0, 1.0), (2, 1, 0.5)]
        );
        assert_eq!(g.with_uniform(0.0).unwrap().edges(), 0);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            DiffusionGraph::from_pairs(2, &[(0, 2)], EdgeModel::WeightedCascade),
            Err(DiffusionError::NodeOutOfRange {
                index: 0,
                node: 2,
                nodes: 2
            })
        ));
        for p in [f32::NAN, -0.1, 1.5] {
            assert!(matches!(
                DiffusionGraph::from_weighted(2, &[(0, 1, 0.5), (1, 0, p)]),
                Err(DiffusionError::BadProbability { index: Some(1), .. })
            ));
            assert!(DiffusionGraph::from_pairs(2, &[(0, 1)], EdgeModel::Uniform(p)).is_err());
        }
    }

    #[test]
    fn top_out_degree_breaks_ties_by_id() {
        let g = DiffusionGraph::from_pairs(
            4,
            &[(2, 0), (2, 1), (1, 0), (3, 0), (3, 1)],
            EdgeModel::Uniform(1.0),
        )
        .unwrap();
        assert_eq!(g.top_out_degree(3), vec![2, 3, 1]);
        assert_eq!(g.top_out_degree(10).len(), 4);
    }
}
