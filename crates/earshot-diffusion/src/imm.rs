//! Influence maximisation with a guarantee: IMM (Tang, Shi, Xiao, "Influence Maximization in
//! Near-Linear Time: A Martingale Approach", SIGMOD 2015), for Independent Cascade.
//!
//! A reverse-reachable (RR) set is the set of nodes that would have activated a random root: walk the
//! in-edges backwards from the root, keeping each edge with its probability. A seed set's expected spread
//! is `n ×` the probability that it meets a random RR set, so picking `k` seeds that cover the most of
//! `θ` RR sets is maximum coverage, and greedy gives `1 − 1/e` of the best coverage. IMM chooses `θ` so
//! that, with probability at least `1 − n^−ℓ`, the greedy seeds' spread is at least `(1 − 1/e − ε)` of
//! the optimum: a sampling phase halves a guess `x` of the optimum until the coverage of greedy seeds on
//! `λ'/x` sets confirms a lower bound `LB`, then `θ = λ*/LB` sets are drawn (Algorithms 1–3 of the paper,
//! with `ℓ` raised to `ℓ(1 + ln 2 / ln n)` to cover both phases).
//!
//! A target audience changes only the roots: drawn from the audience, the sets measure reach inside it,
//! and `n` in every bound becomes the audience size. Excluded accounts are never chosen.
//!
//! RR sets are drawn and stored by `rr.rs` (flat, 4 bytes per member; set `i` from its own generator, so
//! the sets are the same on any number of threads) and covered greedily by `coverage.rs` (an index that
//! grows with the sets, a lazy max-heap), so the seeds are the same on any number of threads too. The
//! sampling phase's sets are kept for the final selection, as in the paper; when the final `θ` needs no
//! more sets than the sampling phase drew (NetHEPT at ε = 0.1), its last greedy choice is the answer.

use crate::choice::{check_request, Request};
use crate::coverage::CoverIndex;
use crate::rr::{RrSampler, RrSets, JUMP_MIN_IN_DEGREE};
use crate::threads::on_threads;
use crate::{DiffusionError, DiffusionGraph};
use std::time::Instant;

/// What [`imm`] is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImmOptions {
    /// Seeds to choose.
    pub k: usize,
    /// Approximation slack: the seeds reach at least `(1 − 1/e − ε)` of the best possible.
    pub epsilon: f64,
    /// Confidence: the guarantee holds with probability at least `1 − n^−ℓ`.
    pub ell: f64,
    /// Reproducibility: the same seed gives the same RR sets and seeds on any number of threads.
    pub seed: u64,
    /// Only reach inside these nodes counts (RR roots are drawn from them); `None` = everyone.
    pub audience: Option<Vec<u32>>,
    /// Nodes that may not be seeds.
    pub exclude: Vec<u32>,
    /// Worker threads for RR-set generation; 0 = the current rayon pool, 1 = this thread only.
    pub threads: usize,
    /// A budget instead of `k`: seeds are chosen while their costs ([`ImmOptions::costs`], 1 each when
    /// `None`) fit in it, and `k` is ignored. See [`imm`] for the guarantee.
    pub budget: Option<f64>,
    /// Each node's cost (one per node, finite and above 0), used with `budget`.
    pub costs: Option<Vec<f64>>,
}

impl Default for ImmOptions {
    fn default() -> Self {
        ImmOptions {
            k: 50,
            epsilon: 0.1,
            ell: 1.0,
            seed: 1,
            audience: None,
            exclude: Vec::new(),
            threads: 0,
            budget: None,
            costs: None,
        }
    }
}

/// What [`imm`] chose, and how sure it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ImmResult {
    /// Seeds in the order greedy picked them.
    pub seeds: Vec<u32>,
    /// Each seed's marginal gain in estimated spread (same order as `seeds`).
    pub marginal_gains: Vec<f64>,
    /// Estimated spread of all seeds: `audience size × covered fraction` of the final RR sets.
    pub estimated_spread: f64,
    /// RR sets drawn in all.
    pub rr_sets: usize,
    /// Members stored over all RR sets.
    pub rr_members: usize,
    /// The lower bound of the optimum the sampling phase settled on.
    pub lower_bound: f64,
    /// Bytes held by the RR sets at the end (members and offsets).
    pub rr_bytes: usize,
    /// Bytes held by greedy's node → sets index at the end.
    pub index_bytes: usize,
    /// Where the time went (wall clock; differs from run to run, unlike everything else here).
    pub phases: ImmPhases,
}

/// Wall-clock time of IMM's phases: RR-set generation and greedy selection, in the sampling phase (all
/// its rounds together) and in the final node selection. For profiling (`earshot plan --timings`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ImmPhases {
    /// Rounds of the sampling phase (each draws sets, then runs greedy on all sets so far).
    pub sampling_rounds: usize,
    /// RR sets drawn by the end of the sampling phase.
    pub sampling_sets: usize,
    pub sampling_rr_seconds: f64,
    pub sampling_greedy_seconds: f64,
    pub final_rr_seconds: f64,
    pub final_greedy_seconds: f64,
}

fn ln_choose(n: f64, k: f64) -> f64 {
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// ln Γ(x) for x ≥ 1 by Stirling's series (error below 1e-10 there), enough for the bounds.
fn ln_gamma(x: f64) -> f64 {
    if x < 7.0 {
        // Shift up: Γ(x) = Γ(x + 7) / (x (x+1) ... (x+6)).
        let mut prod = 1.0;
        for i in 0..7 {
            prod *= x + i as f64;
        }
        return ln_gamma(x + 7.0) - prod.ln();
    }
    let x2 = x * x;
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x)
        - 1.0 / (360.0 * x * x2)
        + 1.0 / (1260.0 * x2 * x2 * x)
}

/// Runs IMM. Errors on an empty graph, `k = 0`, `ε` outside (0, 1), `ℓ ≤ 0`, audience and exclusion
/// ids outside the graph, costs that are not one positive finite number per node, or a budget no eligible
/// node fits in.
///
/// With a budget, selection is the budgeted maximum coverage rule of Khuller, Moss and Naor (1999), as
/// CELF uses it (Leskovec et al. 2007): greedy by covered sets per unit of cost among the nodes that still
/// fit, or the single best node that fits if that covers more. It covers at least `(1 − 1/e) / 2` of the
/// best coverage within the budget, so the guarantee becomes `(1 − 1/e) / 2 − ε` ([`budget_ratio`]). The
/// number of RR sets is bounded as for `k` = the most nodes the budget can buy (the cheapest eligible
/// ones), which counts every seed set the budget allows.
pub fn imm(g: &DiffusionGraph, opts: &ImmOptions) -> Result<ImmResult, DiffusionError> {
    imm_reporting(g, opts, &|_, _| {})
}

/// [`imm`], telling `progress` the share of the work done (0–1) and the phase it is in as it goes:
/// the sampling phase's rounds, drawing the final RR sets (most of the time on large graphs) and the
/// final greedy selection. The plan is exactly [`imm`]'s.
pub fn imm_reporting(
    g: &DiffusionGraph,
    opts: &ImmOptions,
    progress: &(dyn Fn(f64, &str) + Sync),
) -> Result<ImmResult, DiffusionError> {
    let nodes = g.nodes();
    let bad = |what: String| Err(DiffusionError::BadParameter(what));
    let Request { excluded, .. } =
        check_request(g, opts.k, opts.audience.as_deref(), &opts.exclude)?;
    if !(opts.epsilon > 0.0 && opts.epsilon < 1.0) {
        return bad(format!("epsilon must be in (0, 1), not {}", opts.epsilon));
    }
    if opts.ell.is_nan() || opts.ell <= 0.0 {
        return bad(format!("ell must be above 0, not {}", opts.ell));
    }
    // RR roots are drawn from the audience's ids (checked above).
    let roots = opts.audience.as_deref();
    let budget = match opts.budget {
        None => None,
        Some(b) => {
            if !(b.is_finite() && b > 0.0) {
                return bad(format!("the budget must be a positive number, not {b}"));
            }
            let costs = match &opts.costs {
                Some(c) if c.len() != nodes => {
                    return bad(format!("{} costs for a graph of {nodes} nodes", c.len()))
                }
                Some(c) => {
                    if let Some((v, &x)) = c
                        .iter()
                        .enumerate()
                        .find(|(_, &x)| !(x.is_finite() && x > 0.0))
                    {
                        return bad(format!("node {v}'s cost {x} is not a positive number"));
                    }
                    c.clone()
                }
                None => vec![1.0; nodes],
            };
            // The most seeds the budget buys: the cheapest eligible nodes first.
            let mut eligible: Vec<f64> = (0..nodes)
                .filter(|&v| !excluded[v])
                .map(|v| costs[v])
                .collect();
            eligible.sort_by(f64::total_cmp);
            let mut spent = 0.0;
            let most = eligible
                .iter()
                .take_while(|&&c| {
                    spent += c;
                    spent <= b
                })
                .count();
            if most == 0 {
                return bad(format!("no eligible node costs {b} or less"));
            }
            Some(Budget {
                costs,
                budget: b,
                most,
            })
        }
    };
    on_threads(opts.threads, || {
        imm_inner(g, opts, roots, &excluded, budget.as_ref(), progress)
    })
}

/// The share of the best coverage budgeted greedy guarantees: `(1 − 1/e) / 2`.
pub fn budget_ratio() -> f64 {
    (1.0 - 1.0 / std::f64::consts::E) / 2.0
}

/// A checked budget: costs per node, the budget, and the most seeds it can buy.
struct Budget {
    costs: Vec<f64>,
    budget: f64,
    most: usize,
}

fn imm_inner(
    g: &DiffusionGraph,
    opts: &ImmOptions,
    roots: Option<&[u32]>,
    excluded: &[bool],
    budget: Option<&Budget>,
    progress: &(dyn Fn(f64, &str) + Sync),
) -> Result<ImmResult, DiffusionError> {
    // Shares of the work: the sampling phase's rounds up to SAMPLING, the final sets up to SELECTING,
    // then the final greedy. A guess: the final sets dominate on large graphs.
    const SAMPLING: f64 = 0.3;
    const SELECTING: f64 = 0.9;
    let nodes = g.nodes();
    let n = roots.map_or(nodes, <[u32]>::len) as f64;
    let k = budget.map_or(opts.k, |b| b.most).min(nodes) as f64;
    // Greedy's approximation ratio, in the bound on the sets the final selection needs.
    let ratio = budget.map_or(1.0 - 1.0 / std::f64::consts::E, |_| budget_ratio());
    let select = |index: &CoverIndex, sets: &RrSets| match budget {
        None => index.greedy(sets, opts.k, excluded),
        Some(b) => index.greedy_within_budget(sets, &b.costs, b.budget, excluded),
    };
    let threads = opts.threads;
    let ell = opts.ell * (1.0 + 2f64.ln() / n.max(2.0).ln());
    let lc = ln_choose(nodes as f64, k);
    let sampler = RrSampler::new(g, roots, opts.seed, JUMP_MIN_IN_DEGREE);
    let mut sets = RrSets::default();
    let mut index = CoverIndex::new(nodes);
    let mut phases = ImmPhases::default();
    // Greedy's last choice and the number of sets it was made on.
    let mut chosen: Option<(usize, Vec<u32>, Vec<u64>)> = None;

    // Sampling phase (Algorithm 2): a lower bound LB of OPT.
    let eps_p = std::f64::consts::SQRT_2 * opts.epsilon;
    let log2n = n.max(2.0).log2();
    let lambda_p =
        (2.0 + 2.0 / 3.0 * eps_p) * (lc + ell * n.max(2.0).ln() + log2n.ln().max(0.0)) * n
            / (eps_p * eps_p);
    let mut lb = 1.0f64;
    let mut i = 1;
    while (i as f64) < log2n {
        let x = n / 2f64.powi(i);
        let theta_i = (lambda_p / x).ceil() as usize;
        let t = Instant::now();
        // Round i of at most ⌈log2 n⌉ − 1.
        let (at, span) = (
            SAMPLING * (i - 1) as f64 / log2n.ceil().max(2.0),
            SAMPLING / log2n.ceil().max(2.0),
        );
        progress(at, "sampling RR sets for a lower bound");
        sampler.extend_reporting(&mut sets, theta_i, threads, &|f| {
            progress(
                (at + span * f).min(SAMPLING),
                "sampling RR sets for a lower bound",
            )
        })?;
        phases.sampling_rr_seconds += t.elapsed().as_secs_f64();
        let t = Instant::now();
        index.update(&sets, threads);
        let (seeds, gains) = select(&index, &sets);
        phases.sampling_greedy_seconds += t.elapsed().as_secs_f64();
        phases.sampling_rounds += 1;
        let covered: u64 = gains.iter().sum();
        let f = covered as f64 / sets.len() as f64;
        chosen = Some((sets.len(), seeds, gains));
        if n * f >= (1.0 + eps_p) * x {
            lb = n * f / (1.0 + eps_p);
            break;
        }
        i += 1;
    }
    let lower_bound = lb;
    phases.sampling_sets = sets.len();

    // Node selection (Algorithm 3) on θ = λ*/LB sets.
    let alpha = (ell * n.max(2.0).ln() + 2f64.ln()).sqrt();
    let beta = (ratio * (lc + ell * n.max(2.0).ln() + 2f64.ln())).sqrt();
    let lambda_star = 2.0 * n * (ratio * alpha + beta).powi(2) / (opts.epsilon * opts.epsilon);
    let theta = (lambda_star / lb).ceil() as usize;
    let t = Instant::now();
    progress(SAMPLING, "drawing the final RR sets");
    sampler.extend_reporting(&mut sets, theta, threads, &|f| {
        progress(
            (SAMPLING + (SELECTING - SAMPLING) * f).min(SELECTING),
            "drawing the final RR sets",
        )
    })?;
    phases.final_rr_seconds = t.elapsed().as_secs_f64();
    progress(SELECTING, "selecting seeds");
    let t = Instant::now();
    let (seeds, gains) = match chosen {
        // No new sets: greedy would choose what it just chose.
        Some((on, seeds, gains)) if on == sets.len() => (seeds, gains),
        _ => {
            index.update(&sets, threads);
            select(&index, &sets)
        }
    };
    phases.final_greedy_seconds = t.elapsed().as_secs_f64();
    progress(1.0, "seeds selected");
    let per_set = n / sets.len() as f64;
    let marginal_gains: Vec<f64> = gains.iter().map(|&c| c as f64 * per_set).collect();
    Ok(ImmResult {
        estimated_spread: marginal_gains.iter().sum(),
        seeds,
        marginal_gains,
        rr_sets: sets.len(),
        rr_members: sets.members(),
        lower_bound,
        rr_bytes: sets.bytes(),
        index_bytes: index.bytes(),
        phases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::two_stars;
    use crate::{exact_spread_ic, EdgeModel};

    fn best_pair_exact(g: &DiffusionGraph) -> f64 {
        let n = g.nodes() as u32;
        let mut best: f64 = 0.0;
        for a in 0..n {
            for b in a + 1..n {
                best = best.max(exact_spread_ic(g, &[a, b]).unwrap());
            }
        }
        best
    }

    #[test]
    fn picks_the_hubs_and_meets_the_guarantee_against_brute_force() {
        let g = two_stars();
        let r = imm(
            &g,
            &ImmOptions {
                k: 2,
                epsilon: 0.1,
                ..Default::default()
            },
        )
        .unwrap();
        let mut seeds = r.seeds.clone();
        seeds.sort_unstable();
        assert_eq!(seeds, [0, 7]);
        let got = exact_spread_ic(&g, &r.seeds).unwrap();
        let opt = best_pair_exact(&g);
        assert!(
            got >= (1.0 - 1.0 / std::f64::consts::E - 0.1) * opt,
            "{got} vs OPT {opt}"
        );
        // The estimate is the covered share of the sets, so it sits near the exact spread.
        assert!(
            (r.estimated_spread - got).abs() < 0.05 * got,
            "{} vs {got}",
            r.estimated_spread
        );
        let sum: f64 = r.marginal_gains.iter().sum();
        assert!((sum - r.estimated_spread).abs() < 1e-9);
        assert!(r.marginal_gains[0] >= r.marginal_gains[1]);
    }

    #[test]
    fn same_sets_and_seeds_on_any_number_of_threads() {
        let pairs: Vec<(u32, u32)> = (0..300u32)
            .flat_map(|u| [(u, (u * 7 + 1) % 300), (u, (u * 13 + 5) % 300)])
            .collect();
        let g = DiffusionGraph::from_pairs(300, &pairs, EdgeModel::WeightedCascade).unwrap();
        let run = |threads| {
            imm(
                &g,
                &ImmOptions {
                    k: 5,
                    epsilon: 0.3,
                    threads,
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let (one, two, pool) = (run(1), run(2), run(0));
        // Reporting progress changes nothing; the reports rise to 1 through the phases.
        let heard = std::sync::Mutex::new(Vec::new());
        let reported = imm_reporting(
            &g,
            &ImmOptions {
                k: 5,
                epsilon: 0.3,
                threads: 1,
                ..Default::default()
            },
            &|p, what| heard.lock().unwrap().push((p, what.to_string())),
        )
        .unwrap();
        assert_eq!(reported.seeds, one.seeds);
        assert_eq!(reported.rr_members, one.rr_members);
        let heard = heard.into_inner().unwrap();
        assert!(heard.len() >= 4, "{heard:?}");
        assert!(heard.windows(2).all(|w| w[0].0 <= w[1].0), "{heard:?}");
        assert_eq!(heard.last().unwrap().0, 1.0);
        assert!(heard.iter().any(|(_, w)| w.contains("final")));
        assert_eq!(one.seeds, two.seeds);
        assert_eq!(one.rr_sets, two.rr_sets);
        assert_eq!(one.rr_members, two.rr_members);
        assert_eq!(one.estimated_spread, pool.estimated_spread);
        let other_seed = imm(
            &g,
            &ImmOptions {
                k: 5,
                epsilon: 0.3,
                seed: 99,
                ..Default::default()
            },
        )
        .unwrap();
        assert_ne!(
            one.rr_members, other_seed.rr_members,
            "the seed must change the sample"
        );
    }

    #[test]
    fn audience_and_exclusions_steer_the_choice() {
        let g = two_stars();
        // Only the second star's leaves count: its hub is the one seed worth having.
        let r = imm(
            &g,
            &ImmOptions {
                k: 1,
                audience: Some(vec![8, 9, 10, 11]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r.seeds, [7]);
        assert!(
            r.estimated_spread <= 4.0 + 1e-9 && r.estimated_spread > 3.0,
            "{}",
            r.estimated_spread
        );
        // Excluding hub 0, the best single seed is hub 7.
        let r = imm(
            &g,
            &ImmOptions {
                k: 1,
                exclude: vec![0],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r.seeds, [7]);
        // k larger than the eligible nodes gives every eligible node and no more.
        let r = imm(
            &g,
            &ImmOptions {
                k: 20,
                exclude: vec![0, 1],
                epsilon: 0.5,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r.seeds.len(), 12);
        assert!(!r.seeds.contains(&0) && !r.seeds.contains(&1));
    }

    #[test]
    fn bad_parameters_are_errors_not_panics() {
        let g = two_stars();
        for opts in [
            ImmOptions {
                k: 0,
                ..Default::default()
            },
            ImmOptions {
                epsilon: 0.0,
                ..Default::default()
            },
            ImmOptions {
                epsilon: f64::NAN,
                ..Default::default()
            },
            ImmOptions {
                ell: -1.0,
                ..Default::default()
            },
            ImmOptions {
                audience: Some(vec![]),
                ..Default::default()
            },
            ImmOptions {
                audience: Some(vec![99]),
                ..Default::default()
            },
            ImmOptions {
                exclude: vec![14],
                ..Default::default()
            },
        ] {
            assert!(
                matches!(imm(&g, &opts), Err(DiffusionError::BadParameter(_))),
                "{opts:?}"
            );
        }
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f: f64 = 1.0;
        for n in 1..30u32 {
            f *= n as f64;
            assert!((ln_gamma(n as f64 + 1.0) - f.ln()).abs() < 1e-9, "{n}");
        }
        assert!((ln_choose(10.0, 3.0) - 120f64.ln()).abs() < 1e-9);
    }

    #[test]
    fn a_budget_buys_the_best_coverage_it_can_afford() {
        let g = two_stars();
        let spent = |r: &ImmResult, c: &[f64]| r.seeds.iter().map(|&v| c[v as usize]).sum::<f64>();
        // Hub 0 costs 10, everyone else 1: a budget of 3 cannot buy it, and hub 7 comes first.
        let mut costs = vec![1.0; 14];
        costs[0] = 10.0;
        let with = |budget: f64, costs: &[f64]| {
            imm(
                &g,
                &ImmOptions {
                    budget: Some(budget),
                    costs: Some(costs.to_vec()),
                    ..Default::default()
                },
            )
        };
        let r = with(3.0, &costs).unwrap();
        assert_eq!(r.seeds[0], 7);
        assert!(
            !r.seeds.contains(&0) && spent(&r, &costs) <= 3.0,
            "{:?}",
            r.seeds
        );
        assert_eq!(r.seeds.len(), 3);
        // Ratio greedy alone would take cheap node 12 and then afford nothing; the single best node
        // within budget, hub 0, covers more and is the answer.
        let mut costs = vec![20.0; 14];
        costs[0] = 10.0;
        costs[7] = 10.0;
        costs[12] = 0.1;
        let r = with(10.0, &costs).unwrap();
        assert_eq!(r.seeds, [0]);
        // Unit costs and budget k choose what k does.
        let by_k = imm(
            &g,
            &ImmOptions {
                k: 2,
                ..Default::default()
            },
        )
        .unwrap();
        let by_budget = with(2.0, &[1.0; 14]).unwrap();
        assert_eq!(by_k.seeds, by_budget.seeds);
        // Bad budgets and costs are errors.
        assert!(with(0.0, &costs).is_err());
        assert!(with(f64::NAN, &costs).is_err());
        assert!(with(5.0, &costs[..3]).is_err());
        let mut negative = vec![1.0; 14];
        negative[4] = -1.0;
        assert!(with(5.0, &negative).is_err());
        assert!(
            matches!(with(0.05, &costs), Err(DiffusionError::BadParameter(m)) if m.contains("no eligible"))
        );
        assert!(budget_ratio() > 0.31 && budget_ratio() < 0.32);
    }
}
