//! `earshot plan --evaluate-cascades`: do IMM's seeds, planned on probabilities EM learned from earlier
//! cascades, beat the accounts with the most followers and the top PageRank accounts, on the model and
//! on cascades the plan never saw?
//!
//! The stored cascades (posts with the reshares that name them) are split by post time: training before
//! `cut`, validation up to `score_until`, test after. EM (earshot-diffusion's `em`) learns the follow
//! graph's probabilities from the training cascades under each prior of [`PRIORS`]; the prior whose
//! probabilities give the validation cascades the highest log-likelihood is chosen, and the
//! probabilities are learned again from training and validation cascades together. For each `k`, IMM
//! plans on them, and each seed set (IMM's, the `k` accounts with the most followers, the `k` top
//! PageRank accounts of the follow graph) is scored twice: by Monte Carlo spread under the learned
//! model (simulation `i` draws from the same generator for every seed set, so the differences are
//! paired), and by replaying the test cascades ([`super::replay`]): the share of their adopters that
//! the seeds reached through the cascades themselves, and the share within one or two follower hops of
//! a seed (exposure). The test cascades are read once, for those scores only.

use super::planners::top_pagerank;
use super::replay;
use super::report::MonteCarloCheck;
use crate::error::UsageError;
use crate::sources::social::{learn_em, EmSummary, SocialCascades};
use crate::Progress;
use anyhow::Result;
use earshot_diffusion::doubling::Cascade;
use earshot_diffusion::em::{fit, EmConfig, Trials};
use earshot_diffusion::{imm, sample_spread, DiffusionGraph, EdgeModel, ImmOptions, Model};
use earshot_store::Store;
use serde::Serialize;
use utoipa::ToSchema;

/// The priors validation chooses among, `(α, β)`: prior means 0.01, 0.05 (the default, Beta(1, 19)) and
/// 0.2, each worth 2 or 20 trials.
pub const PRIORS: [(f64, f64); 6] = [
    (0.02, 1.98),
    (0.2, 19.8),
    (0.1, 1.9),
    (1.0, 19.0),
    (0.4, 1.6),
    (4.0, 16.0),
];

/// What to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeEvalRequest {
    pub platform: Option<String>,
    /// Seed-set sizes.
    pub ks: Vec<usize>,
    /// Train on cascades posted before this; `None`: the 60th percentile of post times.
    pub cut: Option<i64>,
    /// Validate on cascades posted before this, test on the rest; `None`: the 80th percentile.
    pub score_until: Option<i64>,
    pub epsilon: f64,
    pub ell: f64,
    /// Seeds IMM's sampling, the Monte Carlo check and the bootstrap.
    pub seed: u64,
    pub threads: usize,
    /// Monte Carlo simulations per seed set.
    pub mc: usize,
    /// Bootstrap resamples of the test cascades.
    pub resamples: usize,
}

impl CascadeEvalRequest {
    pub const DEFAULT_KS: [usize; 3] = [10, 20, 50];
    pub const DEFAULT_RESAMPLES: usize = 1000;

    pub fn new() -> Self {
        CascadeEvalRequest {
            platform: None,
            ks: Self::DEFAULT_KS.to_vec(),
            cut: None,
            score_until: None,
            epsilon: super::PlanRequest::DEFAULT_EPSILON,
            ell: super::PlanRequest::DEFAULT_ELL,
            seed: super::PlanRequest::DEFAULT_SEED,
            threads: 0,
            mc: super::PlanRequest::DEFAULT_MC,
            resamples: Self::DEFAULT_RESAMPLES,
        }
    }
}

impl Default for CascadeEvalRequest {
    fn default() -> Self {
        Self::new()
    }
}

/// One split's cascades.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SplitSize {
    pub cascades: usize,
    /// Adopters over its cascades: authors and resharers, each once per cascade.
    pub adopters: u64,
}

/// A prior tried on the validation split.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriorScore {
    pub alpha: f64,
    pub beta: f64,
    /// EM's iterations on the training cascades.
    pub iterations: usize,
    /// Log-likelihood of the validation cascades' trials under the probabilities learned on training.
    pub validation_log_likelihood: f64,
}

/// A seed set's replay score by one measure of [`REPLAY_MEASURES`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplayScore {
    pub measure: &'static str,
    /// Test adopters the seeds reached by that measure.
    pub reached: u64,
    pub adopters: u64,
    pub share: f64,
    /// 95% bootstrap interval of the share, test cascades resampled.
    pub interval: [f64; 2],
}

/// A seed set and its two scores.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeedSetScore {
    /// `IMM`, `top followers` or `top PageRank`.
    pub seeds: &'static str,
    /// The accounts, by @handle or platform id.
    pub accounts: Vec<String>,
    /// Spread under the learned model.
    pub monte_carlo: MonteCarloCheck,
    pub replay: Vec<ReplayScore>,
    /// The "through cascades" reach per test cascade a seed took part in: how far the real cascades
    /// went through the seeds when they did take part, apart from how often they did.
    pub per_cascade_with_a_seed: PerCascadeWithASeed,
}

/// Test adopters reached through the cascades, per test cascade in which a seed took part.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PerCascadeWithASeed {
    /// Test cascades in which a seed took part (as author or resharer).
    pub cascades: u64,
    pub reached: u64,
    /// `reached / cascades`.
    pub mean: f64,
    /// 95% bootstrap interval, test cascades resampled.
    pub interval: [f64; 2],
}

/// IMM's lead over a baseline, with paired 95% intervals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Lead {
    pub over: &'static str,
    /// IMM's mean spread minus the baseline's.
    pub monte_carlo: f64,
    pub monte_carlo_ci95: f64,
    /// Per replay measure (in [`ReplayScore`] order): IMM's share minus the baseline's, and its
    /// interval on the same resamples.
    pub replay: Vec<ReplayLead>,
    /// IMM's reach per test cascade with a seed minus the baseline's, and its interval.
    pub per_cascade_with_a_seed: ReplayLead,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplayLead {
    pub measure: &'static str,
    pub difference: f64,
    pub interval: [f64; 2],
}

/// Every seed set of one `k`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KScores {
    pub k: usize,
    /// IMM's, then the baselines'.
    pub seed_sets: Vec<SeedSetScore>,
    pub leads: Vec<Lead>,
    pub imm_seconds: f64,
}

/// `earshot --json plan --evaluate-cascades`'s output.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CascadeEvalReport {
    pub platform: Option<String>,
    pub nodes: usize,
    pub follow_edges: usize,
    pub cut: i64,
    pub score_until: i64,
    /// Whether the cuts were the 60th and 80th percentiles of post times (not given).
    pub cuts_at_percentiles: bool,
    pub train: SplitSize,
    pub validation: SplitSize,
    pub test: SplitSize,
    pub priors: Vec<PriorScore>,
    pub chosen: PriorScore,
    /// The final learning, on training and validation cascades, with the chosen prior.
    pub learning: EmSummary,
    /// What "reached" means in each replay measure.
    pub replay_rules: Vec<ReplayRule>,
    pub results: Vec<KScores>,
}

/// A replay measure and what it counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplayRule {
    pub measure: &'static str,
    pub rule: &'static str,
}

/// The replay measures, in report order (see [`super::replay`]).
pub const REPLAY_MEASURES: [(&str, &str); 3] = [
    (
        "through cascades",
        "a test adopter reached from a seed that took part in its cascade, along follows through \
         adopters of that cascade each adopting after the one it follows (seeds not counted)",
    ),
    ("followers", "a test adopter that is a seed or follows one"),
    (
        "followers of followers",
        "a test adopter within two follower hops of a seed (a seed included)",
    ),
];

/// Evaluate as the module docs say, on the store at `store`.
pub fn evaluate_cascades(
    store: &Store,
    req: &CascadeEvalRequest,
    progress: Progress<'_>,
) -> Result<CascadeEvalReport> {
    if req.ks.is_empty() || req.ks.contains(&0) {
        return Err(UsageError("every k must be at least 1".into()).into());
    }
    if req.mc == 0 {
        return Err(UsageError("the Monte Carlo check needs at least 1 simulation".into()).into());
    }
    progress(0.0, "reading the cascades and the follow graph");
    let (ids, social) = SocialCascades::read(store, req.platform.as_deref(), true)?;
    let nodes = ids.len() as u32;
    if !social.learnable() {
        return Err(UsageError(format!(
            "{}: no follow edges or no reshares that name their post: the evaluation needs cascades \
             with their social graph (import --format cascades DIR/cascades.txt with its edges.txt)",
            store.path().display()
        ))
        .into());
    }
    let cascades = &social.cascades;
    let (cut, score_until, at_percentiles) = cuts(cascades, req)?;
    let split = |from: i64, to: i64| -> Vec<Cascade> {
        cascades
            .iter()
            .filter(|c| (from..to).contains(&c.time))
            .cloned()
            .collect()
    };
    let train = split(i64::MIN, cut);
    let validation = split(cut, score_until);
    let test = split(score_until, i64::MAX);
    for (name, s) in [
        ("training", &train),
        ("validation", &validation),
        ("test", &test),
    ] {
        if s.is_empty() {
            return Err(
                UsageError(format!("no cascade in the {name} split: move the cuts")).into(),
            );
        }
    }

    progress(0.05, "choosing the prior on the validation cascades");
    let g = &social.graph;
    let train_trials = Trials::count(g, &train)?;
    let validation_trials = Trials::count(g, &validation)?;
    let mut priors = Vec::new();
    for (alpha, beta) in PRIORS {
        let cfg = EmConfig {
            alpha,
            beta,
            ..EmConfig::default()
        };
        let f = fit(&train_trials, &cfg)?;
        priors.push(PriorScore {
            alpha,
            beta,
            iterations: f.iterations,
            validation_log_likelihood: validation_trials.log_likelihood(&f.p),
        });
    }
    // Strictly better only: ties keep the earlier (weaker-mean) prior.
    let chosen = priors
        .iter()
        .fold(None::<&PriorScore>, |best, p| match best {
            Some(b) if p.validation_log_likelihood <= b.validation_log_likelihood => Some(b),
            _ => Some(p),
        })
        .cloned()
        .expect("PRIORS is not empty");
    let mut learn_on = train.clone();
    learn_on.extend(validation.iter().cloned());
    let learned = learn_em(
        g,
        &learn_on,
        &EmConfig {
            alpha: chosen.alpha,
            beta: chosen.beta,
            ..EmConfig::default()
        },
    )?;
    let model = &learned.graph;

    // The baselines rank the follow graph itself.
    let follow_graph = DiffusionGraph::from_pairs(nodes, g.edges(), EdgeModel::Uniform(1.0))?;
    let test_refs: Vec<&Cascade> = test.iter().collect();
    let name = |d: u32| crate::accounts::display_name(store, ids.external(d));
    let mut results = Vec::new();
    for (i, &k) in req.ks.iter().enumerate() {
        let at = 0.1 + 0.9 * i as f64 / req.ks.len() as f64;
        progress(at, &format!("k = {k}: IMM and the baselines"));
        let t = std::time::Instant::now();
        let planned = imm(
            model,
            &ImmOptions {
                k,
                epsilon: req.epsilon,
                ell: req.ell,
                seed: req.seed,
                threads: req.threads,
                ..ImmOptions::default()
            },
        )
        .map_err(|e| UsageError(e.to_string()))?;
        let imm_seconds = t.elapsed().as_secs_f64();
        let sets: [(&'static str, Vec<u32>); 3] = [
            ("IMM", planned.seeds),
            ("top followers", follow_graph.top_out_degree(k)),
            ("top PageRank", top_pagerank(&follow_graph, k)?),
        ];
        let mut samples = Vec::new();
        let mut series = Vec::new();
        // Per seed set, per test cascade: (1 if a seed took part, adopters reached through it).
        let mut per_cascade = Vec::new();
        for (_, seeds) in &sets {
            samples.push(sample_spread(
                model,
                Model::IndependentCascade,
                seeds,
                req.mc,
                req.seed ^ 0x4d43,
                req.threads,
            )?);
            let mut is_seed = vec![false; nodes as usize];
            for &v in seeds {
                is_seed[v as usize] = true;
            }
            let through = replay::downstream(g, &test_refs, &is_seed);
            per_cascade.push(
                test.iter()
                    .zip(&through)
                    .map(|(c, &(_, near))| {
                        let took_part = replay::adopters(c).any(|a| is_seed[a as usize]);
                        (u32::from(took_part), near)
                    })
                    .collect::<Vec<_>>(),
            );
            series.push(through);
            let dist = replay::hops_from(g, seeds, 2);
            for hops in [1, 2] {
                series.push(replay::reached(&test_refs, &dist, hops));
            }
        }
        // Series s * h + j is seed set s by measure j; leads pair IMM (set 0) with each baseline.
        let h = REPLAY_MEASURES.len();
        // Then series sets.len() * h + s is seed set s per cascade with a seed (a ratio of sums too).
        let per = sets.len() * h;
        series.extend(per_cascade);
        let pairs: Vec<(usize, usize)> = (1..sets.len())
            .flat_map(|s| (0..h).map(move |j| (j, s * h + j)))
            .chain((1..sets.len()).map(|s| (per, per + s)))
            .collect();
        let (shares, diffs) = replay::bootstrap(&series, &pairs, req.resamples, req.seed ^ 0x5245);
        let mut seed_sets = Vec::new();
        for (s, (label, seeds)) in sets.iter().enumerate() {
            let replay = REPLAY_MEASURES
                .iter()
                .enumerate()
                .map(|(j, &(measure, _))| {
                    let rows = &series[s * h + j];
                    ReplayScore {
                        measure,
                        reached: rows.iter().map(|r| u64::from(r.1)).sum(),
                        adopters: rows.iter().map(|r| u64::from(r.0)).sum(),
                        share: replay::share(rows),
                        interval: shares[s * h + j],
                    }
                })
                .collect();
            seed_sets.push(SeedSetScore {
                seeds: label,
                accounts: seeds.iter().map(|&d| name(d)).collect::<Result<_>>()?,

                monte_carlo: check(&samples[s]),
                replay,
                per_cascade_with_a_seed: {
                    let rows = &series[per + s];
                    PerCascadeWithASeed {
                        cascades: rows.iter().map(|r| u64::from(r.0)).sum(),
                        reached: rows.iter().map(|r| u64::from(r.1)).sum(),
                        mean: replay::share(rows),
                        interval: shares[per + s],
                    }
                },
            });
        }
        let leads = (1..sets.len())
            .map(|s| {
                let (difference, ci95) = paired(&samples[0], &samples[s]);
                Lead {
                    over: sets[s].0,
                    monte_carlo: difference,
                    monte_carlo_ci95: ci95,
                    replay: REPLAY_MEASURES
                        .iter()
                        .enumerate()
                        .map(|(j, &(measure, _))| ReplayLead {
                            measure,
                            difference: seed_sets[0].replay[j].share - seed_sets[s].replay[j].share,
                            interval: diffs[(s - 1) * h + j],
                        })
                        .collect(),
                    per_cascade_with_a_seed: ReplayLead {
                        measure: "through cascades, per cascade with a seed",
                        difference: seed_sets[0].per_cascade_with_a_seed.mean
                            - seed_sets[s].per_cascade_with_a_seed.mean,
                        interval: diffs[(sets.len() - 1) * h + s - 1],
                    },
                }
            })
            .collect();
        results.push(KScores {
            k,
            seed_sets,
            leads,
            imm_seconds,
        });
    }
    progress(1.0, "done");
    let size = |s: &[Cascade]| SplitSize {
        cascades: s.len(),
        adopters: s.iter().map(|c| replay::adopters(c).count() as u64).sum(),
    };
    Ok(CascadeEvalReport {
        platform: req.platform.clone(),
        nodes: nodes as usize,
        follow_edges: g.edges().len(),
        cut,
        score_until,
        cuts_at_percentiles: at_percentiles,
        train: size(&train),
        validation: size(&validation),
        test: size(&test),
        priors,
        chosen,
        learning: learned.summary,
        replay_rules: REPLAY_MEASURES
            .iter()
            .map(|&(measure, rule)| ReplayRule { measure, rule })
            .collect(),
        results,
    })
}

/// The cuts the request gives, or the 60th and 80th percentiles of post times, and whether they were
/// the percentiles.
fn cuts(cascades: &[Cascade], req: &CascadeEvalRequest) -> Result<(i64, i64, bool)> {
    let mut times: Vec<i64> = cascades.iter().map(|c| c.time).collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let cut = req.cut.unwrap_or_else(|| at(0.6));
    let score_until = req.score_until.unwrap_or_else(|| at(0.8));
    if score_until <= cut {
        return Err(UsageError(format!(
            "the test cut ({score_until}) must come after the training cut ({cut})"
        ))
        .into());
    }
    Ok((
        cut,
        score_until,
        req.cut.is_none() && req.score_until.is_none(),
    ))
}

fn check(samples: &[u32]) -> MonteCarloCheck {
    let n = samples.len() as f64;
    let mean = samples.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let var = samples
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0).max(1.0);
    MonteCarloCheck {
        simulations: samples.len(),
        mean,
        ci95: 1.96 * (var / n).sqrt(),
    }
}

/// The mean of `a − b` over paired simulations and its 95% half-width.
fn paired(a: &[u32], b: &[u32]) -> (f64, f64) {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(x) - f64::from(y))
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, 1.96 * (var / n).sqrt())
}
