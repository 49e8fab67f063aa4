//! The Monte Carlo estimators against exact expected spreads: on random small graphs (enumerated
//! live-edge worlds) and on graphs computed by hand.
//!
//! With 20,000 simulations the estimate must lie within 4 standard errors of the exact value (plus 1e-4
//! for the 2^-24 resolution of the simulators' coins). For one comparison a miss has probability about
//! 6e-5; the proptest seed is fixed, so the same graphs are checked on every run and a pass is not luck of
//! the day.

use earshot_diffusion::{
    estimate_spread, exact_spread_ic, exact_spread_lt, DiffusionGraph, EdgeModel, Model,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const SIMULATIONS: usize = 20_000;
const EPSILON: f64 = 1e-4;

fn check(g: &DiffusionGraph, model: Model, seeds: &[u32], exact: f64) -> Result<(), String> {
    let e = estimate_spread(g, model, seeds, SIMULATIONS, 0x5eed, 2).map_err(|e| e.to_string())?;
    let gap = (e.mean - exact).abs();
    if gap <= 4.0 * e.std_error + EPSILON {
        Ok(())
    } else {
        Err(format!(
            "{model:?} from {seeds:?}: Monte Carlo {} ± {} vs exact {exact} (gap {gap}, {:.1} SE)\n{:?}",
            e.mean,
            e.std_error,
            gap / e.std_error,
            g.edge_list().collect::<Vec<_>>()
        ))
    }
}

/// A graph of 1–7 nodes with up to 12 edges (self-loops and repeats included, to be dropped or merged),
/// and up to 3 seeds (repeats possible).
fn small_graph() -> impl Strategy<Value = (u32, Vec<(u32, u32, f32)>, Vec<u32>)> {
    (1u32..=7).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0..n, 0..n, 0.0f32..=1.0), 0..=12),
            prop::collection::vec(0..n, 0..=3),
        )
    })
}

/// Scale each node's in-weights so they sum to `slack[v]` ≤ 1 when they summed past it: a valid Linear
/// Threshold graph (merging repeats as independent chances only lowers the sums).
fn lt_weights(n: u32, edges: &[(u32, u32, f32)], slack: &[f32]) -> Vec<(u32, u32, f32)> {
    let mut sum = vec![0f64; n as usize];
    for &(u, v, p) in edges {
        if u != v {
            sum[v as usize] += f64::from(p);
        }
    }
    edges
        .iter()
        .map(|&(u, v, p)| {
            let (s, cap) = (sum[v as usize], f64::from(slack[v as usize]));
            let p = if s > cap {
                f64::from(p) * cap / s
            } else {
                f64::from(p)
            };
            (u, v, p as f32)
        })
        .collect()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        rng_seed: RngSeed::Fixed(20_260_601),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn independent_cascade_matches_exact((n, edges, seeds) in small_graph()) {
        let g = DiffusionGraph::from_weighted(n, &edges).unwrap();
        let exact = exact_spread_ic(&g, &seeds).unwrap();
        check(&g, Model::IndependentCascade, &seeds, exact).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn linear_threshold_matches_exact(
        (n, edges, seeds) in small_graph(),
        slack in prop::collection::vec(0.0f32..=1.0, 7),
    ) {
        let g = DiffusionGraph::from_weighted(n, &lt_weights(n, &edges, &slack)).unwrap();
        let exact = exact_spread_lt(&g, &seeds).unwrap();
        check(&g, Model::LinearThreshold, &seeds, exact).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn weighted_cascade_matches_exact_under_both_models((n, edges, seeds) in small_graph()) {
        let pairs: Vec<(u32, u32)> = edges.iter().map(|&(u, v, _)| (u, v)).collect();
        let g = DiffusionGraph::from_pairs(n, &pairs, EdgeModel::WeightedCascade).unwrap();
        check(&g, Model::IndependentCascade, &seeds, exact_spread_ic(&g, &seeds).unwrap())
            .map_err(TestCaseError::fail)?;
        check(&g, Model::LinearThreshold, &seeds, exact_spread_lt(&g, &seeds).unwrap())
            .map_err(TestCaseError::fail)?;
    }
}

#[test]
fn path_of_halves() {
    // a → b → c, p = 0.5: 1 + 0.5 + 0.25 = 1.75 under both models (one in-edge per node).
    let g = DiffusionGraph::from_pairs(3, &[(0, 1), (1, 2)], EdgeModel::Uniform(0.5)).unwrap();
    for model in [Model::IndependentCascade, Model::LinearThreshold] {
        check(&g, model, &[0], 1.75).unwrap();
    }
    let e = estimate_spread(&g, Model::IndependentCascade, &[0], SIMULATIONS, 9, 1).unwrap();
    // The spread is 1 (0.5), 2 (0.25) or 3 (0.25).
    assert_eq!((e.min, e.p10, e.p90, e.max), (1, 1, 3, 3));
    assert!((e.probability_at_least(2) - 0.5).abs() < 0.02);
    assert!((e.probability_at_least(3) - 0.25).abs() < 0.02);
}

#[test]
fn star() {
    // Centre 0 → 5 leaves, p = 0.2: 1 + 5 · 0.2 = 2 (0.2 as f32 is 0.2000000030). Each leaf is reached
    // independently, so the spread is 1 + Binomial(5, 0.2).
    let leaves: Vec<(u32, u32)> = (1..=5).map(|v| (0, v)).collect();
    let g = DiffusionGraph::from_pairs(6, &leaves, EdgeModel::Uniform(0.2)).unwrap();
    for model in [Model::IndependentCascade, Model::LinearThreshold] {
        check(&g, model, &[0], 2.0).unwrap();
    }
    let e = estimate_spread(&g, Model::IndependentCascade, &[0], SIMULATIONS, 3, 2).unwrap();
    // P(no leaf) = 0.8^5 = 0.32768.
    assert!((1.0 - e.probability_at_least(2) - 0.32768).abs() < 0.015);
    // Inward star under weighted cascade: leaves 1..=4 → 0, p = 1/4 each; seeds {1, 2}.
    // IC: 0 is reached unless both seeds fail, 1 − 0.75² = 0.4375: σ = 2.4375.
    // LT: 0's active in-weight is 0.5 ≥ θ with probability 0.5: σ = 2.5.
    let inward: Vec<(u32, u32)> = (1..=4).map(|u| (u, 0)).collect();
    let g = DiffusionGraph::from_pairs(5, &inward, EdgeModel::WeightedCascade).unwrap();
    check(&g, Model::IndependentCascade, &[1, 2], 2.4375).unwrap();
    check(&g, Model::LinearThreshold, &[1, 2], 2.5).unwrap();
}

#[test]
fn diamond() {
    // a → b, a → c, b → d, c → d (0 → 1, 0 → 2, 1 → 3, 2 → 3), p = 0.5 each, seed a.
    // IC: P(b) = P(c) = 0.5. d needs a→b→d (0.25) or a→c→d (0.25); the routes share no edge, so
    // P(d) = 1 − 0.75² = 0.4375, and σ = 1 + 0.5 + 0.5 + 0.4375 = 2.4375.
    // LT: d's in-weights sum to 1, so d keeps exactly one in-edge; either way P(d) = 0.5: σ = 2.5.
    let g = DiffusionGraph::from_pairs(
        4,
        &[(0, 1), (0, 2), (1, 3), (2, 3)],
        EdgeModel::Uniform(0.5),
    )
    .unwrap();
    assert_eq!(exact_spread_ic(&g, &[0]).unwrap(), 2.4375);
    assert_eq!(exact_spread_lt(&g, &[0]).unwrap(), 2.5);
    check(&g, Model::IndependentCascade, &[0], 2.4375).unwrap();
    check(&g, Model::LinearThreshold, &[0], 2.5).unwrap();
}
