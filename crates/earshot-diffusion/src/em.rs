//! Independent Cascade edge probabilities learned from observed cascades on a known social graph: the
//! expectation–maximisation estimate of Saito, Nakano and Kimura, "Prediction of information diffusion
//! probabilities for independent cascade model" (KES 2008), in the continuous-time form used when the
//! data has adoption times rather than the model's discrete steps.
//!
//! # Why Saito et al. and not Goyal et al.
//! IMM, the Monte Carlo spread and the reach forecast all run the Independent Cascade model, which needs
//! one activation probability per edge. Saito et al. estimate exactly those, by maximum likelihood under
//! IC. The credit distribution of Goyal, Bonchi and Lakshmanan (VLDB 2011) is a model of its own: it
//! assigns each adoption's credit to earlier adopters and computes a seed set's spread from that credit
//! directly, with no edge probabilities to simulate, so it could not feed the planner or the forecasts
//! that this crate runs.
//!
//! # The continuous-time form
//! In Saito et al.'s discrete model a node activated at step `t` tries each out-neighbour once, at step
//! `t + 1`. Real cascades have times, not steps, so (as in the common adaptation to time-stamped
//! cascades, e.g. Bourigault et al., WSDM 2016) every in-neighbour that adopted **strictly before** `v`
//! counts as having tried `v`:
//! - **Parents.** In a cascade, the candidate parents of an adopter `v` (adopting at `t_v`) are its
//!   in-neighbours in the social graph (the accounts `v` follows) that adopted the same post strictly
//!   before `t_v`; the post's author adopted at the post's time. `v`'s adoption is a **positive trial**
//!   for each edge `u → v` from a parent, of which at least one succeeded: its likelihood is
//!   `P_v = 1 − Π_{u ∈ parents(v)} (1 − p_uv)`.
//! - **Negative trials.** An edge `u → w` whose `u` adopted and whose `w` did not adopt the post at all
//!   failed: likelihood `1 − p_uw`.
//! - **Neither.** When `w` adopted before `u`, or at the same instant, the edge `u → w` tells nothing
//!   (`w` was already active, or the order cannot be read), and the cascade counts for neither.
//! - **Outside the graph.** An adoption with no parent (nobody it follows adopted before it, or it is
//!   not in the graph at all) is not explained by IC on this graph: it is counted
//!   ([`Trials::outside`]) and left out of the likelihood, as the cascade's author is.
//!
//! A cascade's adopters are its author and its resharers, as [`Cascade`] holds them (one adoption per
//! account; a repeated account keeps its earliest time).
//!
//! # The iteration
//! The E-step gives each parent `u` of each explained adoption `v` the credit `p_uv / P_v`, the posterior
//! probability that `u`'s attempt was one that succeeded. The M-step sets
//!
//! `p_uv = (credit_uv + α) / (positive_uv + negative_uv + α + β)`
//!
//! the same Beta(α, β) posterior-mean form as the tie-based learner ([`crate::learn_probabilities`],
//! default α = 1, β = 19: prior mean 0.05 worth 20 trials); an edge without any trial gets the prior
//! mean. With α = β = 0 this is Saito et al.'s maximum-likelihood update (an edge without trials then
//! gets 0: nothing supports it). With a prior, the update is the maximum a posteriori step under a
//! Beta(α + 1, β + 1) prior, so the objective
//!
//! `L(p) + Σ_edges (α ln p + β ln(1 − p))`
//!
//! never decreases from one iteration to the next ([`EmFit::objective_trace`]; `L` is the log-likelihood
//! of the positive and negative trials above, [`Trials::log_likelihood`]). In `q = −ln(1 − p)` every term
//! of it is concave, so the fixed point EM reaches is the global optimum, whatever the start.
//!
//! Iterations stop when no probability moves by more than [`EmConfig::tolerance`], or after
//! [`EmConfig::max_iterations`].
//!
//! # Layout
//! The trials are counted once ([`Trials::count`]) into flat arrays: per edge its positive and negative
//! counts, and per explained adoption the slice of its parents' edge ids (CSR). An iteration is then two
//! passes over flat `u32`/`f64` arrays with no hashing, so validation can refit under several priors
//! without recounting, and score held-out cascades with [`Trials::log_likelihood`] on the same graph.

use crate::doubling::Cascade;
use crate::DiffusionError;
use crate::DiffusionGraph;

/// The social graph influence flows along: deduplicated edges `u → v` (`v` follows `u`) without
/// self-loops, sorted by `(u, v)`, with an out-edge and an in-edge index. Edge `e` is `edges()[e]`.
#[derive(Debug, Clone)]
pub struct SocialGraph {
    nodes: u32,
    edges: Vec<(u32, u32)>,
    /// `out_offsets[u]..out_offsets[u + 1]` are `u`'s out-edges (edge ids, in `edges` order).
    out_offsets: Vec<usize>,
    /// `in_offsets[v]..in_offsets[v + 1]` index `in_edges`: `(u, e)` for each edge `e = u → v`.
    in_offsets: Vec<usize>,
    in_edges: Vec<(u32, u32)>,
}

impl SocialGraph {
    /// Build from `(u, v)` pairs, influence flowing from `u` to `v`, over nodes `0..nodes`. Repeats are
    /// one edge; self-loops are dropped. Errors on a node outside `0..nodes` or more than 2^32 − 1 edges.
    pub fn new(nodes: u32, pairs: &[(u32, u32)]) -> Result<Self, DiffusionError> {
        let n = nodes as usize;
        let mut edges = Vec::with_capacity(pairs.len());
        for (index, &(u, v)) in pairs.iter().enumerate() {
            for node in [u, v] {
                if node >= nodes {
                    return Err(DiffusionError::NodeOutOfRange { index, node, nodes });
                }
            }
            if u != v {
                edges.push((u, v));
            }
        }
        edges.sort_unstable();
        edges.dedup();
        if u32::try_from(edges.len()).is_err() {
            return Err(DiffusionError::BadParameter(format!(
                "{} edges: more than 2^32 − 1 in one social graph",
                edges.len()
            )));
        }
        let mut out_offsets = vec![0usize; n + 1];
        let mut in_offsets = vec![0usize; n + 1];
        for &(u, v) in &edges {
            out_offsets[u as usize + 1] += 1;
            in_offsets[v as usize + 1] += 1;
        }
        for i in 1..=n {
            out_offsets[i] += out_offsets[i - 1];
            in_offsets[i] += in_offsets[i - 1];
        }
        let mut next = in_offsets.clone();
        let mut in_edges = vec![(0u32, 0u32); edges.len()];
        for (e, &(u, v)) in edges.iter().enumerate() {
            let slot = &mut next[v as usize];
            in_edges[*slot] = (u, e as u32);
            *slot += 1;
        }
        Ok(SocialGraph {
            nodes,
            edges,
            out_offsets,
            in_offsets,
            in_edges,
        })
    }

    pub fn nodes(&self) -> u32 {
        self.nodes
    }

    /// The edges `(u, v)`, edge `e` at index `e`.
    pub fn edges(&self) -> &[(u32, u32)] {
        &self.edges
    }

    /// Followers of `u` (out-neighbours: where influence from `u` goes).
    pub fn followers(&self, u: u32) -> impl Iterator<Item = u32> + '_ {
        self.out_edge_ids(u).map(|e| self.edges[e].1)
    }

    /// How many follow `u`.
    pub fn follower_count(&self, u: u32) -> usize {
        self.out_offsets[u as usize + 1] - self.out_offsets[u as usize]
    }

    fn out_edge_ids(&self, u: u32) -> std::ops::Range<usize> {
        self.out_offsets[u as usize]..self.out_offsets[u as usize + 1]
    }

    fn in_edges(&self, v: u32) -> &[(u32, u32)] {
        &self.in_edges[self.in_offsets[v as usize]..self.in_offsets[v as usize + 1]]
    }

    /// The diffusion graph of these edges with probabilities `p` (one per edge, in [0, 1]); edges of
    /// probability 0 are dropped.
    pub fn diffusion_graph(&self, p: &[f32]) -> Result<DiffusionGraph, DiffusionError> {
        if p.len() != self.edges.len() {
            return Err(DiffusionError::BadParameter(format!(
                "{} probabilities for {} edges",
                p.len(),
                self.edges.len()
            )));
        }
        let triples: Vec<(u32, u32, f32)> = self
            .edges
            .iter()
            .zip(p)
            .filter(|(_, &p)| p > 0.0)
            .map(|(&(u, v), &p)| (u, v, p))
            .collect();
        DiffusionGraph::from_weighted(self.nodes, &triples)
    }
}

/// The trials some cascades give the edges of a [`SocialGraph`] (see the module docs for the rules).
#[derive(Debug, Clone)]
pub struct Trials {
    /// Per edge: cascades in which its source was a parent of its target's adoption.
    positive: Vec<u32>,
    /// Per edge: cascades in which its source adopted and its target did not.
    negative: Vec<u32>,
    /// Explained adoption `a`'s parents are the edges `parents[parent_offsets[a]..parent_offsets[a + 1]]`.
    parent_offsets: Vec<usize>,
    parents: Vec<u32>,
    cascades: usize,
    adoptions: u64,
    outside: u64,
    /// Per cascade: its adoptions outside the graph.
    outside_by_cascade: Vec<u32>,
}

impl Trials {
    /// Count the trials of `cascades` on `g`. Errors on an account outside the graph's nodes (cascade
    /// index and node).
    pub fn count(g: &SocialGraph, cascades: &[Cascade]) -> Result<Self, DiffusionError> {
        let n = g.nodes as usize;
        let edges = g.edges.len();
        let mut positive = vec![0u32; edges];
        let mut negative = vec![0u32; edges];
        let mut parent_offsets = vec![0usize];
        let mut parents: Vec<u32> = Vec::new();
        // stamp[v] == c + 1: v adopted in cascade c, at time[v].
        let mut stamp = vec![0u32; n];
        let mut time = vec![0i64; n];
        let mut members: Vec<u32> = Vec::new();
        let mut adoptions = 0u64;
        let mut outside = 0u64;
        let mut outside_by_cascade = vec![0u32; cascades.len()];
        for (index, c) in cascades.iter().enumerate() {
            let mark = u32::try_from(index + 1)
                .map_err(|_| DiffusionError::BadParameter("more than 2^32 − 1 cascades".into()))?;
            members.clear();
            let adopters = std::iter::once((c.author, c.time))
                .chain(c.reshares.iter().map(|r| (r.actor, r.time)));
            for (node, t) in adopters {
                let slot = node as usize;
                if slot >= n {
                    return Err(DiffusionError::NodeOutOfRange {
                        index,
                        node,
                        nodes: g.nodes,
                    });
                }
                if stamp[slot] == mark {
                    time[slot] = time[slot].min(t);
                } else {
                    stamp[slot] = mark;
                    time[slot] = t;
                    members.push(node);
                }
            }
            for (i, &v) in members.iter().enumerate() {
                for e in g.out_edge_ids(v) {
                    if stamp[g.edges[e].1 as usize] != mark {
                        negative[e] += 1;
                    }
                }
                // members[0] is the author: the cascade's start, not an adoption to explain.
                if i == 0 {
                    continue;
                }
                adoptions += 1;
                let tv = time[v as usize];
                let before = parents.len();
                for &(u, e) in g.in_edges(v) {
                    if stamp[u as usize] == mark && time[u as usize] < tv {
                        parents.push(e);
                        positive[e as usize] += 1;
                    }
                }
                if parents.len() == before {
                    outside += 1;
                    outside_by_cascade[index] += 1;
                } else {
                    parent_offsets.push(parents.len());
                }
            }
        }
        Ok(Trials {
            positive,
            negative,
            parent_offsets,
            parents,
            cascades: cascades.len(),
            adoptions,
            outside,
            outside_by_cascade,
        })
    }

    /// Cascades counted.
    pub fn cascades(&self) -> usize {
        self.cascades
    }

    /// Adoptions (every adopter but the cascade's author).
    pub fn adoptions(&self) -> u64 {
        self.adoptions
    }

    /// Adoptions with a parent in the graph: the ones the likelihood explains.
    pub fn explained(&self) -> u64 {
        (self.parent_offsets.len() - 1) as u64
    }

    /// Adoptions with no parent in the graph: nobody the adopter follows had adopted before it.
    pub fn outside(&self) -> u64 {
        self.outside
    }

    /// Per cascade (in the order counted): its adoptions outside the graph, the audience no edge
    /// explains (what a reach forecast would resample as a post's new audience).
    pub fn outside_by_cascade(&self) -> &[u32] {
        &self.outside_by_cascade
    }

    /// Per edge: positive trials (its source a parent of its target's adoption).
    pub fn positive(&self) -> &[u32] {
        &self.positive
    }

    /// Per edge: negative trials (its source adopted, its target never did).
    pub fn negative(&self) -> &[u32] {
        &self.negative
    }

    /// Parent entries over all explained adoptions: the work of one E-step.
    pub fn parent_entries(&self) -> usize {
        self.parents.len()
    }

    /// The log-likelihood of these trials under edge probabilities `p` (one per edge of the graph they
    /// were counted on): `Σ ln P_v` over explained adoptions plus `Σ negative_e ln(1 − p_e)`. `−∞` when
    /// some explained adoption has only parents of probability 0, or a failed edge has probability 1.
    pub fn log_likelihood(&self, p: &[f64]) -> f64 {
        self.e_step(p, None)
    }

    /// One E-step: the log-likelihood at `p`, and, given a buffer, each edge's credit added to it.
    fn e_step(&self, p: &[f64], mut credit: Option<&mut [f64]>) -> f64 {
        let mut ll = 0.0;
        for (e, &neg) in self.negative.iter().enumerate() {
            if neg > 0 {
                ll += f64::from(neg) * (-p[e]).ln_1p();
            }
        }
        for w in self.parent_offsets.windows(2) {
            let ps = &self.parents[w[0]..w[1]];
            let mut none = 1.0f64;
            for &e in ps {
                none *= 1.0 - p[e as usize];
            }
            let pv = 1.0 - none;
            ll += pv.ln();
            if let Some(credit) = credit.as_deref_mut() {
                if pv > 0.0 {
                    for &e in ps {
                        credit[e as usize] += p[e as usize] / pv;
                    }
                } else {
                    // Every parent at 0 (possible only without a prior): share the adoption evenly, so
                    // each parent gets credit and the next M-step moves off 0.
                    let share = 1.0 / ps.len() as f64;
                    for &e in ps {
                        credit[e as usize] += share;
                    }
                }
            }
        }
        ll
    }
}

/// The prior, the start and when to stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmConfig {
    /// Prior pseudo-successes (≥ 0).
    pub alpha: f64,
    /// Prior pseudo-failures (≥ 0). α = β = 0 is plain maximum likelihood.
    pub beta: f64,
    /// Every edge with a trial starts here (in (0, 1)); the optimum does not depend on it (see the module
    /// docs), only the number of iterations does.
    pub initial: f64,
    /// Stop when no probability moves by more than this in one iteration.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl EmConfig {
    pub const DEFAULT_TOLERANCE: f64 = 1e-6;
    pub const DEFAULT_MAX_ITERATIONS: usize = 1000;
}

impl Default for EmConfig {
    /// The tie-based learner's prior, Beta(1, 19).
    fn default() -> Self {
        let tie = crate::LearnConfig::default();
        EmConfig {
            alpha: tie.alpha,
            beta: tie.beta,
            initial: 0.1,
            tolerance: Self::DEFAULT_TOLERANCE,
            max_iterations: Self::DEFAULT_MAX_ITERATIONS,
        }
    }
}

/// What EM learned.
#[derive(Debug, Clone)]
pub struct EmFit {
    /// Per edge of the graph: its probability.
    pub p: Vec<f64>,
    /// Per edge: its credit at the last E-step (expected successful attempts).
    pub credit: Vec<f64>,
    /// M-steps made.
    pub iterations: usize,
    /// Whether the last M-step moved no probability by more than the tolerance.
    pub converged: bool,
    /// The log-likelihood of the trials at `p`.
    pub log_likelihood: f64,
    /// The objective (log-likelihood plus the prior's `Σ α ln p + β ln(1 − p)`) at the start and after
    /// each M-step: never decreasing.
    pub objective_trace: Vec<f64>,
}

impl EmFit {
    /// The probabilities as a diffusion graph takes them.
    pub fn p_f32(&self) -> Vec<f32> {
        self.p.iter().map(|&p| p as f32).collect()
    }
}

/// Learn the edge probabilities of `trials` by EM (see the module docs); `p[e]` is edge `e`'s of the
/// graph they were counted on. Errors on a prior with a negative or non-finite parameter, a start outside (0, 1) or a
/// tolerance that is not a positive number.
pub fn fit(trials: &Trials, cfg: &EmConfig) -> Result<EmFit, DiffusionError> {
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    if !(ok(cfg.alpha) && ok(cfg.beta)) {
        return Err(DiffusionError::BadParameter(format!(
            "the prior needs finite α, β ≥ 0 (got α = {}, β = {})",
            cfg.alpha, cfg.beta
        )));
    }
    if !(cfg.initial > 0.0 && cfg.initial < 1.0) {
        return Err(DiffusionError::BadParameter(format!(
            "EM starts from a probability in (0, 1), not {}",
            cfg.initial
        )));
    }
    if !(cfg.tolerance.is_finite() && cfg.tolerance > 0.0) {
        return Err(DiffusionError::BadParameter(format!(
            "EM's tolerance must be a number above 0, not {}",
            cfg.tolerance
        )));
    }
    let (alpha, beta) = (cfg.alpha, cfg.beta);
    let edges = trials.positive.len();
    let trials_of = |e: usize| f64::from(trials.positive[e]) + f64::from(trials.negative[e]);
    let prior_mean = if alpha + beta > 0.0 {
        alpha / (alpha + beta)
    } else {
        0.0
    };
    let mut p: Vec<f64> = (0..edges)
        .map(|e| {
            if trials_of(e) > 0.0 {
                cfg.initial
            } else {
                prior_mean
            }
        })
        .collect();
    let prior = |p: &[f64]| -> f64 {
        let mut s = 0.0;
        for &x in p {
            if alpha > 0.0 {
                s += alpha * x.ln();
            }
            if beta > 0.0 {
                s += beta * (-x).ln_1p();
            }
        }
        s
    };
    let mut credit = vec![0.0f64; edges];
    let mut trace = Vec::new();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < cfg.max_iterations {
        credit.fill(0.0);
        let ll = trials.e_step(&p, Some(&mut credit));
        trace.push(ll + prior(&p));
        let mut moved = 0.0f64;
        for e in 0..edges {
            let n = trials_of(e);
            let next = if n + alpha + beta > 0.0 {
                (credit[e] + alpha) / (n + alpha + beta)
            } else {
                0.0
            };
            moved = moved.max((next - p[e]).abs());
            p[e] = next;
        }
        iterations += 1;
        if moved <= cfg.tolerance {
            converged = true;
            break;
        }
    }
    let log_likelihood = trials.log_likelihood(&p);
    trace.push(log_likelihood + prior(&p));
    Ok(EmFit {
        p,
        credit,
        iterations,
        converged,
        log_likelihood,
        objective_trace: trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::Workspace;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn cascade(author: u32, time: i64, reshares: &[(u32, i64)]) -> Cascade {
        Cascade::of(author, time, reshares)
    }

    const A: u32 = 0;
    const B: u32 = 1;
    const C: u32 = 2;
    const D: u32 = 3;
    const E: u32 = 4;

    /// Edges a→c, a→d, b→c, e→a (ids 0..3 in that order) and four cascades:
    /// 1. a at 0, b at 1, c at 2: c has parents a and b; b has no in-edge (outside); a→d fails.
    /// 2. a at 0, c at 1: c has parent a; a→d fails.
    /// 3. b at 0, d at 1: d's only in-neighbour a did not adopt (outside); b→c fails.
    /// 4. c at 0, a at 5: a's in-neighbour e did not adopt (outside); a→c is neither (c was first);
    ///    a→d fails.
    fn hand_case() -> (SocialGraph, Vec<Cascade>) {
        let g = SocialGraph::new(5, &[(B, C), (A, D), (A, C), (E, A), (A, C), (D, D)]).unwrap();
        let cascades = vec![
            cascade(A, 0, &[(B, 1), (C, 2)]),
            cascade(A, 0, &[(C, 1)]),
            cascade(B, 0, &[(D, 1)]),
            cascade(C, 0, &[(A, 5)]),
        ];
        (g, cascades)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_case_trials_and_one_step() {
        let (g, cascades) = hand_case();
        assert_eq!(g.edges(), &[(A, C), (A, D), (B, C), (E, A)]);
        let t = Trials::count(&g, &cascades).unwrap();
        assert_eq!(t.positive(), &[2, 0, 1, 0]);
        assert_eq!(t.negative(), &[0, 3, 1, 0]);
        assert_eq!((t.adoptions(), t.explained(), t.outside()), (5, 2, 3));
        assert_eq!(t.outside_by_cascade(), &[1, 0, 1, 1]);
        // One step from 0.5 without a prior, by hand: cascade 1's c has P = 1 − 0.5·0.5 = 0.75, each
        // parent credited 0.5/0.75 = 2/3; cascade 2's c credits a→c with 1.
        let one = |alpha, beta| {
            let cfg = EmConfig {
                alpha,
                beta,
                initial: 0.5,
                tolerance: 1e-9,
                max_iterations: 1,
            };
            fit(&t, &cfg).unwrap()
        };
        let mle = one(0.0, 0.0);
        assert_eq!(mle.iterations, 1);
        assert!(!mle.converged);
        let want = [5.0 / 6.0, 0.0, 1.0 / 3.0, 0.0];
        assert!(
            mle.p.iter().zip(want).all(|(&x, y)| close(x, y)),
            "{:?}",
            mle.p
        );
        // The starting log-likelihood: ln 0.75 + ln 0.5 + 3 ln 0.5 (a→d) + ln 0.5 (b→c).
        assert!(close(
            mle.objective_trace[0],
            0.75f64.ln() + 5.0 * 0.5f64.ln()
        ));
        // With Beta(1, 19): (credit + 1) / (trials + 20); e→a has no trial: the prior mean.
        let map = one(1.0, 19.0);
        let want = [
            (8.0 / 3.0) / 22.0,
            1.0 / 23.0,
            (5.0 / 3.0) / 22.0,
            1.0 / 20.0,
        ];
        assert!(
            map.p.iter().zip(want).all(|(&x, y)| close(x, y)),
            "{:?}",
            map.p
        );
    }

    #[test]
    fn hand_case_converges_to_its_optimum() {
        let (g, cascades) = hand_case();
        let t = Trials::count(&g, &cascades).unwrap();
        // Without a prior the likelihood is maximal (1) at a→c = 1, b→c = 0, a→d = 0.
        let cfg = EmConfig {
            alpha: 0.0,
            beta: 0.0,
            initial: 0.5,
            tolerance: 1e-10,
            max_iterations: 10_000,
        };
        let mle = fit(&t, &cfg).unwrap();
        assert!(mle.converged);
        assert!((mle.p[0] - 1.0).abs() < 1e-8 && mle.p[1] == 0.0 && mle.p[2] < 1e-8);
        assert!(mle.log_likelihood.abs() < 1e-8);
        // With the prior: the fixed point p = (credit(p) + α) / (n + α + β), credit by hand at the fixed
        // point: cascade 1 splits by p/(1 − (1 − p_ac)(1 − p_bc)), cascade 2 gives a→c a whole 1.
        let map = fit(&t, &EmConfig::default()).unwrap();
        assert!(map.converged);
        let (ac, bc) = (map.p[0], map.p[2]);
        let p1 = 1.0 - (1.0 - ac) * (1.0 - bc);
        assert!((ac - (ac / p1 + 1.0 + 1.0) / (2.0 + 20.0)).abs() < 1e-6);
        assert!((bc - (bc / p1 + 1.0) / (2.0 + 20.0)).abs() < 1e-6);
        assert!((map.p[1] - 1.0 / 23.0).abs() < 1e-12);
    }

    /// A random graph and random cascades (times at random, so parents are any earlier adopters).
    fn random_case(seed: u64) -> (SocialGraph, Vec<Cascade>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let n = 12u32;
        let pairs: Vec<(u32, u32)> = (0..40)
            .map(|_| ((rng.next_u32() % n), (rng.next_u32() % n)))
            .collect();
        let g = SocialGraph::new(n, &pairs).unwrap();
        let cascades = (0..30)
            .map(|_| {
                let author = rng.next_u32() % n;
                let reshares: Vec<(u32, i64)> = (0..rng.next_u32() % 6)
                    .map(|_| (rng.next_u32() % n, i64::from(rng.next_u32() % 10)))
                    .collect();
                cascade(author, 0, &reshares)
            })
            .collect();
        (g, cascades)
    }

    #[test]
    fn objective_never_decreases() {
        for seed in 0..20 {
            let (g, cascades) = random_case(seed);
            let t = Trials::count(&g, &cascades).unwrap();
            for (alpha, beta) in [(0.0, 0.0), (1.0, 19.0), (0.5, 2.0)] {
                let cfg = EmConfig {
                    alpha,
                    beta,
                    initial: 0.3,
                    tolerance: 1e-12,
                    max_iterations: 200,
                };
                let f = fit(&t, &cfg).unwrap();
                assert!(f.objective_trace.len() >= 2);
                for w in f.objective_trace.windows(2) {
                    assert!(
                        w[1] >= w[0] - 1e-9,
                        "seed {seed}, prior ({alpha}, {beta}): {} then {}",
                        w[0],
                        w[1]
                    );
                }
                assert!(f.p.iter().all(|p| (0.0..=1.0).contains(p)));
            }
        }
    }

    /// Cascades simulated by the crate's IC simulator on a DAG (edges from lower to higher ids), each
    /// adopter timed by its id: every in-neighbour of an adopter then comes before it, so the
    /// continuous-time likelihood is exactly the model's and EM recovers the probabilities.
    #[test]
    fn recovers_simulated_probabilities() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 40u32;
        let mut truth = Vec::new();
        for u in 0..n {
            for v in u + 1..n {
                if rng.next_u32() % 6 == 0 {
                    let p = 0.1 + 0.5 * (rng.next_u32() % 1000) as f32 / 1000.0;
                    truth.push((u, v, p));
                }
            }
        }
        let dg = DiffusionGraph::from_weighted(n, &truth).unwrap();
        let mut ws = Workspace::new(n as usize);
        let cascades: Vec<Cascade> = (0..20_000)
            .map(|_| {
                let seed = rng.next_u32() % (n / 2);
                ws.simulate_ic(&dg, &[seed], &mut rng).unwrap();
                let reshares: Vec<(u32, i64)> = ws.activated()[1..]
                    .iter()
                    .map(|&v| (v, i64::from(v)))
                    .collect();
                cascade(seed, i64::from(seed), &reshares)
            })
            .collect();
        let pairs: Vec<(u32, u32)> = truth.iter().map(|&(u, v, _)| (u, v)).collect();
        let g = SocialGraph::new(n, &pairs).unwrap();
        let t = Trials::count(&g, &cascades).unwrap();
        assert_eq!(t.outside(), 0, "every simulated adoption has a parent");
        let cfg = EmConfig {
            alpha: 0.0,
            beta: 0.0,
            ..EmConfig::default()
        };
        let f = fit(&t, &cfg).unwrap();
        assert!(f.converged);
        let mut checked = 0u32;
        let mut total_error = 0.0;
        for (e, &(u, v)) in g.edges().iter().enumerate() {
            let trials = t.positive()[e] + t.negative()[e];
            if trials < 1000 {
                continue;
            }
            let want = truth.iter().find(|x| (x.0, x.1) == (u, v)).unwrap().2;
            checked += 1;
            total_error += (f.p[e] - f64::from(want)).abs();
            assert!(
                (f.p[e] - f64::from(want)).abs() < 0.06,
                "edge {u}→{v}: {} against {want} from {trials} trials",
                f.p[e]
            );
        }
        assert!(checked > 30, "only {checked} edges with enough trials");
        let mean_error = total_error / f64::from(checked);
        assert!(mean_error < 0.02, "mean absolute error {mean_error}");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            SocialGraph::new(2, &[(0, 2)]),
            Err(DiffusionError::NodeOutOfRange { node: 2, .. })
        ));
        let g = SocialGraph::new(2, &[(0, 1)]).unwrap();
        assert!(matches!(
            Trials::count(&g, &[cascade(0, 0, &[(5, 1)])]),
            Err(DiffusionError::NodeOutOfRange {
                index: 0,
                node: 5,
                ..
            })
        ));
        let t = Trials::count(&g, &[]).unwrap();
        for cfg in [
            EmConfig {
                alpha: -1.0,
                ..EmConfig::default()
            },
            EmConfig {
                initial: 1.0,
                ..EmConfig::default()
            },
            EmConfig {
                tolerance: 0.0,
                ..EmConfig::default()
            },
        ] {
            assert!(matches!(
                fit(&t, &cfg),
                Err(DiffusionError::BadParameter(_))
            ));
        }
        assert!(g.diffusion_graph(&[]).is_err());
    }
}
