//! Exact expected spread on small graphs, by enumerating live-edge worlds (Kempe, Kleinberg, Tardos
//! 2003): the reference the Monte Carlo estimators are tested against.
//!
//! - **Independent Cascade** is the same as keeping each edge independently with its probability and
//!   counting the nodes reachable from the seeds: `σ(S) = Σ_worlds P(world) · |reach(S, world)|` over all
//!   `2^m` subsets of edges.
//! - **Linear Threshold** is the same as each node keeping at most one in-edge, edge `(u, v)` with
//!   probability `p(u, v)` and none with `1 − Σ_u p(u, v)` (their Theorem 2.5); the worlds are every
//!   combination of choices, `Π_v (in-degree(v) + 1)` of them.
//!
//! Both walk reachability with one `u64` bitmask per node, so graphs of at most 64 nodes.

use crate::{DiffusionError, DiffusionGraph};

/// The most worlds an exact computation enumerates (2^24: a few seconds in a release build).
pub const MAX_WORLDS: u64 = 1 << 24;
/// The most nodes an exact computation handles (reachability is a `u64` bitmask).
pub const MAX_EXACT_NODES: usize = 64;

fn seed_mask(g: &DiffusionGraph, seeds: &[u32]) -> Result<u64, DiffusionError> {
    crate::simulate::check_seeds(g, seeds)?;
    if g.nodes() > MAX_EXACT_NODES {
        return Err(DiffusionError::TooLargeForExact {
            nodes: g.nodes(),
            worlds: None,
        });
    }
    Ok(seeds.iter().fold(0u64, |m, &s| m | 1 << s))
}

/// Nodes reachable from `from` when node `u`'s live out-neighbours are the bits of `out[u]`.
fn reach(out: &[u64], from: u64) -> u64 {
    let (mut seen, mut frontier) = (from, from);
    while frontier != 0 {
        let mut next = 0u64;
        let mut f = frontier;
        while f != 0 {
            let u = f.trailing_zeros() as usize;
            f &= f - 1;
            next |= out[u];
        }
        frontier = next & !seen;
        seen |= frontier;
    }
    seen
}

/// The exact expected number of nodes Independent Cascade activates from `seeds`. Errors on more than
/// [`MAX_EXACT_NODES`] nodes or more than 24 edges (2^24 worlds).
pub fn exact_spread_ic(g: &DiffusionGraph, seeds: &[u32]) -> Result<f64, DiffusionError> {
    let from = seed_mask(g, seeds)?;
    let edges: Vec<(u32, u32, f64)> = g
        .edge_list()
        .map(|(u, v, p)| (u, v, f64::from(p)))
        .collect();
    let m = edges.len();
    if m > MAX_WORLDS.trailing_zeros() as usize {
        return Err(DiffusionError::TooLargeForExact {
            nodes: g.nodes(),
            worlds: Some(2f64.powi(m as i32)),
        });
    }
    let mut out = vec![0u64; g.nodes()];
    let mut total = 0.0;
    for world in 0u64..1 << m {
        out.fill(0);
        let mut prob = 1.0;
        for (i, &(u, v, p)) in edges.iter().enumerate() {
            if world >> i & 1 == 1 {
                prob *= p;
                out[u as usize] |= 1 << v;
            } else {
                prob *= 1.0 - p;
            }
        }
        if prob > 0.0 {
            total += prob * f64::from(reach(&out, from).count_ones());
        }
    }
    Ok(total)
}

/// The exact expected number of nodes Linear Threshold activates from `seeds`. Errors on more than
/// [`MAX_EXACT_NODES`] nodes, more than [`MAX_WORLDS`] worlds, or in-probabilities summing past 1.
pub fn exact_spread_lt(g: &DiffusionGraph, seeds: &[u32]) -> Result<f64, DiffusionError> {
    let from = seed_mask(g, seeds)?;
    g.check_linear_threshold()?;
    let n = g.nodes();
    // Each node's options: (parent, probability); `None` is "no live in-edge".
    let options: Vec<Vec<(Option<u32>, f64)>> = (0..n as u32)
        .map(|v| {
            let links = g.in_links(v);
            let sum: f64 = links.iter().map(|l| f64::from(l.p)).sum();
            let mut o: Vec<(Option<u32>, f64)> = links
                .iter()
                .map(|l| (Some(l.node), f64::from(l.p)))
                .collect();
            o.push((None, (1.0 - sum).max(0.0)));
            o
        })
        .collect();
    let worlds = options.iter().map(|o| o.len() as f64).product::<f64>();
    if worlds > MAX_WORLDS as f64 {
        return Err(DiffusionError::TooLargeForExact {
            nodes: n,
            worlds: Some(worlds),
        });
    }
    // A mixed-radix counter over the nodes' choices.
    let mut choice = vec![0usize; n];
    let mut out = vec![0u64; n];
    let mut total = 0.0;
    loop {
        out.fill(0);
        let mut prob = 1.0;
        for (v, o) in options.iter().enumerate() {
            let (parent, p) = o[choice[v]];
            prob *= p;
            if let Some(u) = parent {
                out[u as usize] |= 1 << v;
            }
        }
        if prob > 0.0 {
            total += prob * f64::from(reach(&out, from).count_ones());
        }
        // Next combination.
        let mut v = 0;
        loop {
            if v == n {
                return Ok(total);
            }
            choice[v] += 1;
            if choice[v] < options[v].len() {
                break;
            }
            choice[v] = 0;
            v += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeModel;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn path_of_halves() {
        // a → b → c, p = 0.5 each: 1 + 0.5 + 0.25.
        let g = DiffusionGraph::from_pairs(3, &[(0, 1), (1, 2)], EdgeModel::Uniform(0.5)).unwrap();
        assert!(close(exact_spread_ic(&g, &[0]).unwrap(), 1.75));
        // LT on a path is the same: each node has one in-edge, live with probability 0.5.
        assert!(close(exact_spread_lt(&g, &[0]).unwrap(), 1.75));
        assert!(close(exact_spread_ic(&g, &[1]).unwrap(), 1.5));
        assert!(close(exact_spread_ic(&g, &[0, 1]).unwrap(), 2.5));
        assert!(close(exact_spread_ic(&g, &[]).unwrap(), 0.0));
    }

    #[test]
    fn star() {
        // Centre 0 with four leaves, p = 0.3: 1 + 4 · 0.3. From a leaf: only itself.
        let g = DiffusionGraph::from_pairs(
            5,
            &[(0, 1), (0, 2), (0, 3), (0, 4)],
            EdgeModel::Uniform(0.3),
        )
        .unwrap();
        assert!(close(
            exact_spread_ic(&g, &[0]).unwrap(),
            1.0 + 4.0 * 0.3f32 as f64
        ));
        assert!(close(
            exact_spread_lt(&g, &[0]).unwrap(),
            1.0 + 4.0 * 0.3f32 as f64
        ));
        assert!(close(exact_spread_ic(&g, &[3]).unwrap(), 1.0));
        // Inward star, weighted cascade: 0 has four in-neighbours, 1/4 each. LT from two leaves: 0
        // activates when θ ≤ 1/2; IC: 1 − (3/4)^2.
        let g = DiffusionGraph::from_pairs(
            5,
            &[(1, 0), (2, 0), (3, 0), (4, 0)],
            EdgeModel::WeightedCascade,
        )
        .unwrap();
        assert!(close(exact_spread_lt(&g, &[1, 2]).unwrap(), 2.5));
        assert!(close(
            exact_spread_ic(&g, &[1, 2]).unwrap(),
            2.0 + 1.0 - 0.5625
        ));
    }

    #[test]
    fn diamond() {
        // a → b, a → c, b → d, c → d, p = 0.5 each.
        // IC from {a}: b and c are each reached with 0.5. d is reached unless both routes fail; a route
        // a→b→d works with 0.25, so P(d) = 1 − (1 − 0.25)^2 = 0.4375 (the routes share no edge).
        // σ = 1 + 0.5 + 0.5 + 0.4375 = 2.4375.
        // LT with the same weights: d's in-weights sum to 1, so d picks b or c (0.5 each); P(d) = P(b) =
        // 0.5 whichever it picks: σ = 1 + 0.5 + 0.5 + 0.5 = 2.5.
        let g = DiffusionGraph::from_pairs(
            4,
            &[(0, 1), (0, 2), (1, 3), (2, 3)],
            EdgeModel::Uniform(0.5),
        )
        .unwrap();
        assert!(close(exact_spread_ic(&g, &[0]).unwrap(), 2.4375));
        assert!(close(exact_spread_lt(&g, &[0]).unwrap(), 2.5));
        // A cycle is no trouble: c ↔ d with p = 1 only makes d certain once c is.
        let cyc =
            DiffusionGraph::from_weighted(4, &[(0, 1, 0.5), (1, 2, 0.5), (2, 3, 1.0), (3, 2, 0.5)])
                .unwrap();
        // a→b 0.5, b→c 0.5, then d follows c for sure: 1 + 0.5 + 0.25 + 0.25.
        assert!(close(exact_spread_ic(&cyc, &[0]).unwrap(), 2.0));
    }

    #[test]
    fn too_large_is_an_error() {
        let pairs: Vec<(u32, u32)> = (0..30).map(|i| (i, i + 1)).collect();
        let g = DiffusionGraph::from_pairs(31, &pairs, EdgeModel::Uniform(0.5)).unwrap();
        assert!(matches!(
            exact_spread_ic(&g, &[0]),
            Err(DiffusionError::TooLargeForExact { .. })
        ));
        let big = DiffusionGraph::from_pairs(65, &[], EdgeModel::Uniform(0.5)).unwrap();
        assert!(exact_spread_ic(&big, &[0]).is_err());
        let heavy =
            DiffusionGraph::from_pairs(3, &[(0, 2), (1, 2)], EdgeModel::Uniform(0.8)).unwrap();
        assert!(matches!(
            exact_spread_lt(&heavy, &[0]),
            Err(DiffusionError::LinearThresholdWeights { node: 2, .. })
        ));
    }
}
