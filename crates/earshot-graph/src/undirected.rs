//! Undirected weighted graphs: the shape community detection works on.
//!
//! Who reacted to whom is directed, but a community is a group of accounts that interact *with each
//! other*, whichever way. [`UndirectedGraph::from_reactions`] folds a [`ReactionGraph`] into one edge per
//! pair whose weight is the sum of both directions.

use crate::{GraphError, ReactionGraph};

/// A symmetric CSR over dense node ids `0..nodes`: each edge `{a, b}` is listed in both rows with its
/// merged weight.
///
/// Built by [`UndirectedGraph::from_edges`]: parallel edges (in either direction) are merged by summing
/// their weights, self-loops are dropped (a node's interactions with itself say nothing about who it
/// belongs with; scoring ignores self-reactions too), and zero-weight edges are kept out. Each row is
/// sorted by neighbour id and weights are summed in a fixed order, so a graph is a pure function of its
/// edge multiset.
#[derive(Debug, Clone, PartialEq)]
pub struct UndirectedGraph {
    /// `offsets[v]..offsets[v + 1]` indexes `adjacency` for node `v`.
    offsets: Vec<usize>,
    /// `(neighbour, weight)`, each row sorted by neighbour.
    adjacency: Vec<(u32, f64)>,
    /// Weighted degree (strength) of each node: the sum of its row.
    strength: Vec<f64>,
    /// Sum of the weights of the distinct edges, each counted once (`m` in the modularity formula).
    total_weight: f64,
    /// Input edges dropped because both ends were the same node.
    self_loops: usize,
}

impl UndirectedGraph {
    /// Build from `(a, b, weight)` edges over `nodes` nodes; `(a, b)` and `(b, a)` are the same edge.
    /// Errors on a node outside `0..nodes` or a weight that is not a finite number ≥ 0 (the error's
    /// `index` counts input edges from 0).
    ///
    /// ```
    /// use earshot_graph::UndirectedGraph;
    /// // 0 → 1 twice and 1 → 0 once become one edge of weight 3; the self-loop on 2 is dropped.
    /// let g = UndirectedGraph::from_edges(3, [(0, 1, 1.0), (0, 1, 1.0), (1, 0, 1.0), (2, 2, 5.0)]).unwrap();
    /// assert_eq!(g.edges(), 1);
    /// assert_eq!(g.neighbours(1).collect::<Vec<_>>(), vec![(0, 3.0)]);
    /// assert_eq!(g.self_loops_dropped(), 1);
    /// assert_eq!(g.strength(2), 0.0);
    /// ```
    pub fn from_edges(
        nodes: u32,
        edges: impl IntoIterator<Item = (u32, u32, f64)>,
    ) -> Result<Self, GraphError> {
        let n = nodes as usize;
        let mut pairs: Vec<(u32, u32, f64)> = Vec::new();
        let mut self_loops = 0;
        for (index, (a, b, w)) in edges.into_iter().enumerate() {
            for node in [a, b] {
                if node >= nodes {
                    return Err(GraphError::NodeOutOfRange { index, node, nodes });
                }
            }
            if !(w.is_finite() && w >= 0.0) {
                return Err(GraphError::BadWeight { index, weight: w });
            }
            if a == b {
                self_loops += 1;
            } else if w > 0.0 {
                pairs.push((a.min(b), a.max(b), w));
            }
        }
        // Sorting by weight too makes the merged sums independent of the input order.
        pairs.sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.total_cmp(&y.2)));
        let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(pairs.len());
        for (a, b, w) in pairs {
            match merged.last_mut() {
                Some(last) if (last.0, last.1) == (a, b) => last.2 += w,
                _ => merged.push((a, b, w)),
            }
        }
        let mut offsets = vec![0usize; n + 1];
        for &(a, b, _) in &merged {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        // Edges sorted by (a, b) with a < b fill every row in ascending neighbour order: row v first gets
        // its smaller neighbours (edges (u, v), all before any edge starting at v), then its larger ones.
        let mut next = offsets.clone();
        let mut adjacency = vec![(0u32, 0f64); offsets[n]];
        for &(a, b, w) in &merged {
            adjacency[next[a as usize]] = (b, w);
            next[a as usize] += 1;
            adjacency[next[b as usize]] = (a, w);
            next[b as usize] += 1;
        }
        let strength: Vec<f64> = (0..n)
            .map(|v| {
                // A fold from +0.0 (`sum` starts at −0.0, which would print as "-0" for a node alone).
                adjacency[offsets[v]..offsets[v + 1]]
                    .iter()
                    .fold(0.0, |s, &(_, w)| s + w)
            })
            .collect();
        let total_weight = merged.iter().fold(0.0, |s, &(_, _, w)| s + w);
        Ok(UndirectedGraph {
            offsets,
            adjacency,
            strength,
            total_weight,
            self_loops,
        })
    }

    /// The reaction graph with directions forgotten: the weight of `{a, b}` is the weight of `a → b`
    /// plus that of `b → a`; self-reactions are dropped. Node ids are the reaction graph's.
    pub fn from_reactions(g: &ReactionGraph) -> Result<Self, GraphError> {
        let n = u32::try_from(g.nodes()).map_err(|_| GraphError::TooManyNodes)?;
        UndirectedGraph::from_edges(
            n,
            (0..n).flat_map(|target| g.in_edges(target).map(move |(src, w)| (src, target, w))),
        )
    }

    pub fn nodes(&self) -> usize {
        self.strength.len()
    }

    /// Distinct undirected edges.
    pub fn edges(&self) -> usize {
        self.adjacency.len() / 2
    }

    /// `v`'s neighbours and the weights of the edges to them, by increasing neighbour id.
    pub fn neighbours(&self, v: u32) -> impl ExactSizeIterator<Item = (u32, f64)> + '_ {
        let v = v as usize;
        self.adjacency[self.offsets[v]..self.offsets[v + 1]]
            .iter()
            .copied()
    }

    /// `v`'s weighted degree: the sum of the weights of its edges.
    pub fn strength(&self, v: u32) -> f64 {
        self.strength[v as usize]
    }

    /// The sum of all edge weights, each edge once (`m`; the strengths sum to `2m`).
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// How many input edges were self-loops, and so left out.
    pub fn self_loops_dropped(&self) -> usize {
        self.self_loops
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Edge;

    #[test]
    fn merges_both_directions_and_is_order_independent() {
        let edges = [(2, 0, 0.5), (0, 2, 0.25), (1, 2, 1.0), (0, 2, 0.125)];
        let g = UndirectedGraph::from_edges(3, edges).unwrap();
        let mut rev = edges;
        rev.reverse();
        assert_eq!(g, UndirectedGraph::from_edges(3, rev).unwrap());
        assert_eq!(g.edges(), 2);
        assert_eq!(g.neighbours(2).collect::<Vec<_>>(), [(0, 0.875), (1, 1.0)]);
        assert_eq!(g.neighbours(0).collect::<Vec<_>>(), [(2, 0.875)]);
        assert_eq!(g.strength(2), 1.875);
        assert_eq!(g.total_weight(), 1.875);
    }

    #[test]
    fn rejects_bad_input_with_its_index() {
        assert_eq!(
            UndirectedGraph::from_edges(2, [(0, 1, 1.0), (0, 2, 1.0)]),
            Err(GraphError::NodeOutOfRange {
                index: 1,
                node: 2,
                nodes: 2
            })
        );
        assert!(matches!(
            UndirectedGraph::from_edges(2, [(0, 1, f64::NAN)]),
            Err(GraphError::BadWeight { index: 0, .. })
        ));
        let g = UndirectedGraph::from_edges(2, [(0, 1, 0.0)]).unwrap();
        assert_eq!((g.edges(), g.total_weight()), (0, 0.0));
        assert!(g.strength(0).is_sign_positive() && g.total_weight().is_sign_positive());
    }

    #[test]
    fn reactions_fold_into_one_edge_per_pair() {
        let e = |src, dst, weight| Edge { src, dst, weight };
        let r =
            ReactionGraph::from_edges(3, &[e(0, 1, 2.0), e(1, 0, 1.0), e(2, 1, 0.5), e(2, 2, 4.0)])
                .unwrap();
        let g = UndirectedGraph::from_reactions(&r).unwrap();
        assert_eq!(g.nodes(), 3);
        assert_eq!(g.neighbours(1).collect::<Vec<_>>(), [(0, 3.0), (2, 0.5)]);
        assert_eq!(g.self_loops_dropped(), 1);
    }
}
