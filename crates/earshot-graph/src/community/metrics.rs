//! How good a partition is: modularity against its graph, normalised mutual information against
//! another partition (usually ground truth).

use crate::{GraphError, UndirectedGraph};
use rustc_hash::FxHashMap;

/// Newman–Girvan modularity of `community` (one id per node, any `u32` values) on `g`, with resolution
/// `γ`:
///
/// `Q = Σ_c [ L_c / m − γ · (d_c / 2m)² ]`
///
/// where `m` is the graph's total edge weight, `L_c` the weight of the edges inside community `c` and
/// `d_c` the sum of its members' strengths. This is networkx's `modularity(G, communities, weight,
/// resolution)` for a graph without self-loops. A graph without edges has modularity 0.
///
/// ```
/// use earshot_graph::{modularity, UndirectedGraph};
/// // Two triangles joined by one edge, split into the triangles: 2 · (3/7 − (7/14)²) = 5/14.
/// let g = UndirectedGraph::from_edges(
///     6,
///     [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (3, 4, 1.0), (4, 5, 1.0), (3, 5, 1.0), (2, 3, 1.0)],
/// )
/// .unwrap();
/// let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0).unwrap();
/// assert!((q - 5.0 / 14.0).abs() < 1e-12);
/// ```
pub fn modularity(
    g: &UndirectedGraph,
    community: &[u32],
    resolution: f64,
) -> Result<f64, GraphError> {
    if community.len() != g.nodes() {
        return Err(GraphError::PartitionSize {
            got: community.len(),
            nodes: g.nodes(),
        });
    }
    let m = g.total_weight();
    if m <= 0.0 {
        return Ok(0.0);
    }
    let (dense, count) = dense_ids(community);
    // Per community: twice the internal weight (each internal edge is seen from both ends), and the
    // total strength.
    let mut inside = vec![0.0f64; count];
    let mut degree = vec![0.0f64; count];
    for v in 0..g.nodes() {
        let c = dense[v] as usize;
        degree[c] += g.strength(v as u32);
        for (u, w) in g.neighbours(v as u32) {
            if dense[u as usize] as usize == c {
                inside[c] += w;
            }
        }
    }
    let two_m = 2.0 * m;
    Ok(inside
        .iter()
        .zip(&degree)
        .map(|(&l2, &d)| l2 / two_m - resolution * (d / two_m) * (d / two_m))
        .sum())
}

/// Ids renumbered `0..count` in order of first appearance, and `count`.
fn dense_ids(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut map: FxHashMap<u32, u32> = FxHashMap::default();
    let dense = labels
        .iter()
        .map(|&l| {
            let next = map.len() as u32;
            *map.entry(l).or_insert(next)
        })
        .collect();
    (dense, map.len())
}

/// Normalised mutual information between two labellings of the same items, given as one
/// `(label_a, label_b)` pair per item: `I(A; B) / ((H(A) + H(B)) / 2)`, the arithmetic-mean
/// normalisation (scikit-learn's default `normalized_mutual_info_score`, also called NMI_sum; the log
/// base cancels out).
///
/// 1 when the two labellings group the items identically (whatever the label values), 0 when they share
/// no information. Edge cases follow scikit-learn: when both labellings put everything in one group
/// (or there are no items) the result is 1; otherwise a mutual information within floating-point noise
/// of 0 gives exactly 0.
///
/// ```
/// use earshot_graph::nmi;
/// // The same grouping under other names.
/// assert!((nmi([(0, 7), (0, 7), (1, 3), (1, 3)]) - 1.0).abs() < 1e-12);
/// // Independent: knowing one label says nothing about the other.
/// assert_eq!(nmi([(0, 0), (0, 1), (1, 0), (1, 1)]), 0.0);
/// ```
pub fn nmi(pairs: impl IntoIterator<Item = (u32, u32)>) -> f64 {
    let mut joint: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    let mut a: FxHashMap<u32, u64> = FxHashMap::default();
    let mut b: FxHashMap<u32, u64> = FxHashMap::default();
    let mut n = 0u64;
    for (x, y) in pairs {
        *joint.entry((x, y)).or_default() += 1;
        *a.entry(x).or_default() += 1;
        *b.entry(y).or_default() += 1;
        n += 1;
    }
    if a.len() <= 1 && b.len() <= 1 {
        return 1.0;
    }
    let n = n as f64;
    // Sum in a fixed (sorted) order so the figure is the same on every run.
    let sorted = |m: &FxHashMap<u32, u64>| {
        let mut v: Vec<(u32, u64)> = m.iter().map(|(&k, &c)| (k, c)).collect();
        v.sort_unstable();
        v
    };
    let entropy = |counts: &[(u32, u64)]| -> f64 {
        counts
            .iter()
            .map(|&(_, c)| {
                let p = c as f64 / n;
                -p * p.ln()
            })
            .sum()
    };
    let (a, b) = (sorted(&a), sorted(&b));
    let count_of = |v: &[(u32, u64)], k: u32| -> f64 {
        v.binary_search_by_key(&k, |&(l, _)| l)
            .map(|i| v[i].1 as f64)
            .unwrap_or(0.0)
    };
    let mut cells: Vec<((u32, u32), u64)> = joint.into_iter().collect();
    cells.sort_unstable();
    // I(A; B) = Σ p(x, y) · ln( p(x, y) / (p(x) p(y)) ) = Σ (n_xy / n) · ln( n · n_xy / (n_x · n_y) ).
    let mi: f64 = cells
        .iter()
        .map(|&((x, y), c)| {
            let c = c as f64;
            c / n * (n * c / (count_of(&a, x) * count_of(&b, y))).ln()
        })
        .sum();
    // scikit-learn zeroes terms below machine epsilon; a total that small is rounding, not information.
    if mi <= 1e-15 {
        return 0.0;
    }
    let mean_entropy = (entropy(&a) + entropy(&b)) / 2.0;
    (mi / mean_entropy.max(f64::EPSILON)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(a: &[u32], b: &[u32]) -> Vec<(u32, u32)> {
        a.iter().copied().zip(b.iter().copied()).collect()
    }

    #[test]
    fn nmi_of_a_worked_example() {
        // A = [0 0 0 1 1 1], B = [0 0 1 1 2 2] over six items.
        // H(A) = ln 2 (two halves); H(B) = ln 3 (three thirds).
        // Contingency: (A0,B0) = 2, (A0,B1) = 1, (A1,B1) = 1, (A1,B2) = 2.
        // I = 2/6 · ln(6·2 / (3·2)) + 1/6 · ln(6·1 / (3·2)) + 1/6 · ln(6·1 / (3·2)) + 2/6 · ln(6·2 / (3·2))
        //   = 1/3 ln 2 + 0 + 0 + 1/3 ln 2 = 2/3 ln 2.
        // NMI = (2/3 ln 2) / ((ln 2 + ln 3) / 2) = 4 ln 2 / (3 ln 6) ≈ 0.515804
        // (scikit-learn's normalized_mutual_info_score gives 0.5158037429793889).
        let got = nmi(pairs(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]));
        let want = 4.0 * 2f64.ln() / (3.0 * 6f64.ln());
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        assert!((got - 0.5158037429793889).abs() < 1e-12);
        // Symmetric.
        let back = nmi(pairs(&[0, 0, 1, 1, 2, 2], &[0, 0, 0, 1, 1, 1]));
        assert!((got - back).abs() < 1e-15);
    }

    #[test]
    fn nmi_limits() {
        let near = |x: f64, want: f64| assert!((x - want).abs() < 1e-12, "{x} vs {want}");
        // Identical groupings, renamed: 1.
        near(nmi(pairs(&[5, 5, 9, 9, 2], &[0, 0, 1, 1, 4])), 1.0);
        // Independent: 0.
        assert_eq!(nmi(pairs(&[0, 0, 1, 1], &[0, 1, 0, 1])), 0.0);
        assert_eq!(nmi(pairs(&[0, 0, 0, 1, 1, 1], &[0, 1, 2, 0, 1, 2])), 0.0);
        // One side a single group, the other not: no shared information.
        assert_eq!(nmi(pairs(&[0, 0, 0, 0], &[0, 0, 1, 1])), 0.0);
        // Both one group, or nothing at all: a perfect (trivial) match, as in scikit-learn.
        assert_eq!(nmi(pairs(&[3, 3, 3], &[1, 1, 1])), 1.0);
        assert_eq!(nmi(std::iter::empty()), 1.0);
        // Every item alone on both sides: identical.
        near(nmi(pairs(&[0, 1, 2], &[7, 8, 9])), 1.0);
    }

    fn two_triangles() -> UndirectedGraph {
        UndirectedGraph::from_edges(
            6,
            [
                (0, 1, 1.0),
                (1, 2, 1.0),
                (0, 2, 1.0),
                (3, 4, 1.0),
                (4, 5, 1.0),
                (3, 5, 1.0),
                (2, 3, 1.0),
            ],
        )
        .unwrap()
    }

    #[test]
    fn modularity_of_worked_examples() {
        let g = two_triangles();
        // m = 7. The two triangles: each has L = 3 inside and degree sum 2 + 2 + 3 = 7:
        // Q = 2 · (3/7 − (7/14)²) = 6/7 − 1/2 = 5/14.
        let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0).unwrap();
        assert!((q - 5.0 / 14.0).abs() < 1e-12, "{q}");
        // Everything in one community: 7/7 − 1 = 0.
        assert!(modularity(&g, &[4; 6], 1.0).unwrap().abs() < 1e-12);
        // Every node alone: −Σ (d_v / 14)² = −(4·4 + 2·9) / 196 = −34/196.
        let q = modularity(&g, &[0, 1, 2, 3, 4, 5], 1.0).unwrap();
        assert!((q + 34.0 / 196.0).abs() < 1e-12, "{q}");
        // Resolution 2 doubles the penalty: 6/7 − 2 · 1/2 = −1/7.
        let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 2.0).unwrap();
        assert!((q + 1.0 / 7.0).abs() < 1e-12, "{q}");
        // Weighted: the bridge weighing 3 gives m = 9, triangle degrees 2 + 2 + 5 = 9:
        // Q = 2 · (3/9 − (9/18)²) = 2/3 − 1/2 = 1/6.
        let mut e: Vec<(u32, u32, f64)> = (0..g.nodes() as u32)
            .flat_map(|v| g.neighbours(v).map(move |(u, w)| (v, u, w / 2.0)))
            .collect();
        e.push((2, 3, 2.0));
        let w = UndirectedGraph::from_edges(6, e).unwrap();
        let q = modularity(&w, &[0, 0, 0, 1, 1, 1], 1.0).unwrap();
        assert!((q - 1.0 / 6.0).abs() < 1e-12, "{q}");
    }

    #[test]
    fn modularity_checks_the_partition_size() {
        assert_eq!(
            modularity(&two_triangles(), &[0, 0], 1.0),
            Err(GraphError::PartitionSize { got: 2, nodes: 6 })
        );
        let empty = UndirectedGraph::from_edges(3, []).unwrap();
        assert_eq!(modularity(&empty, &[0, 1, 2], 1.0), Ok(0.0));
    }
}
