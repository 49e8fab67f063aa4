//! The planners of `earshot plan`: IMM with its guarantee, CELF as the cross-check, PageRank and the
//! other baselines' seeds, and how two checked plans compare.

use super::*;

/// CELF's default simulations per marginal gain: on email-Eu-core (k = 50) its plan spreads as far as
/// the plan from 10,000 (481.5 against 481.6 in fresh simulations) in 0.8 s rather than 9 s
/// (BENCHMARKS.md).
pub(super) const CELF_SIMULATIONS: usize = 1000;

/// The K accounts PageRank ranks highest when a reaction runs from the reached account to its source.
pub(super) fn top_pagerank(g: &DiffusionGraph, k: usize) -> Result<Vec<u32>> {
    let edges: Vec<Edge> = g
        .edge_list()
        .map(|(u, v, _)| Edge {
            src: v,
            dst: u,
            weight: 1.0,
        })
        .collect();
    let rg = ReactionGraph::from_edges(g.nodes() as u32, &edges)?;
    let pr = pagerank(&rg, &PageRankConfig::default())?;
    let mut order: Vec<u32> = (0..g.nodes() as u32).collect();
    order.sort_by(|&a, &b| {
        pr.scores[b as usize]
            .total_cmp(&pr.scores[a as usize])
            .then(a.cmp(&b))
    });
    order.truncate(k);
    Ok(order)
}

/// One planner's seeds, ready to print.
pub(super) struct Plan {
    pub(super) seeds: Vec<u32>,
    pub(super) gains: Vec<f64>,
    /// The planner's own estimate of the spread (IMM: RR sets; CELF: its simulations).
    pub(super) estimated: f64,
    pub(super) seconds: f64,
    /// The lines before the Monte Carlo check, in text.
    pub(super) summary: Vec<String>,
    /// The planner's fields, in JSON.
    pub(super) fields: serde_json::Map<String, Value>,
    /// The fresh Monte Carlo check of the seeds, when run.
    pub(super) checked: Option<SpreadEstimate>,
    /// Its samples in simulation order (simulation `i` of every check uses the same generator).
    pub(super) samples: Vec<u32>,
}

impl Plan {
    /// A plan not yet checked by Monte Carlo; `fields` is a JSON object.
    fn new(
        seeds: Vec<u32>,
        gains: Vec<f64>,
        estimated: f64,
        seconds: f64,
        summary: Vec<String>,
        fields: Value,
    ) -> Self {
        Plan {
            seeds,
            gains,
            estimated,
            seconds,
            summary,
            fields: fields.as_object().cloned().unwrap_or_default(),
            checked: None,
            samples: Vec::new(),
        }
    }
}

pub(super) fn peak_mib() -> String {
    crate::progress::peak_rss_kib().map_or("?".into(), |k| format!("{} MiB", k / 1024))
}

/// How long loading took and the peak memory after it, for `--timings`.
pub(super) struct Loading {
    pub(super) seconds: f64,
    pub(super) peak_rss_kib: Option<u64>,
}

pub(super) fn plan_imm(
    g: &DiffusionGraph,
    a: &PlanArgs,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
    loading: &Loading,
    costs: &Option<Vec<f64>>,
    progress: Report<'_>,
) -> Result<Plan> {
    let options = ImmOptions {
        k: a.k,
        epsilon: a.epsilon,
        ell: a.ell,
        seed: a.seed,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        threads: a.threads,
        budget: a.budget,
        costs: costs.clone(),
    };
    let t = Instant::now();
    let plan = imm_reporting(g, &options, progress)?;
    let seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();
    let guarantee = match a.budget {
        None => 1.0 - 1.0 / std::f64::consts::E,
        Some(_) => earshot_diffusion::budget_ratio(),
    } - a.epsilon;
    let best = match a.budget {
        None => format!("the best {} accounts' spread", a.k),
        Some(b) => format!("the best spread a budget of {b} buys"),
    };
    let ph = &plan.phases;
    let mut summary = vec![format!(
        "IMM, {}, ε = {}, ℓ = {}: {seconds:.3} s, {} RR sets ({} members, {:.1} MiB; index {:.1} MiB), peak RSS {}",
        match a.budget {
            None => format!("k = {}", a.k),
            Some(b) => format!("budget {b}, {} seeds bought", plan.seeds.len()),
        },
        a.epsilon,
        a.ell,
        plan.rr_sets,
        plan.rr_members,
        plan.rr_bytes as f64 / (1024.0 * 1024.0),
        plan.index_bytes as f64 / (1024.0 * 1024.0),
        peak_mib()
    )];
    if a.timings {
        summary.push(format!(
            "timings: load {:.3} s (peak RSS {}); sampling {} rounds, {} sets: RR {:.3} s, greedy {:.3} s; final: RR {:.3} s, greedy {:.3} s",
            loading.seconds,
            loading.peak_rss_kib.map_or("?".into(), |k| format!("{} MiB", k / 1024)),
            ph.sampling_rounds,
            ph.sampling_sets,
            ph.sampling_rr_seconds,
            ph.sampling_greedy_seconds,
            ph.final_rr_seconds,
            ph.final_greedy_seconds
        ));
    }
    summary.extend([
        format!(
            "guarantee: spread ≥ {guarantee:.3} × {best}, with probability ≥ 1 − n^−{}",
            a.ell
        ),
        format!("estimated spread (RR sets): {:.1}", plan.estimated_spread),
    ]);
    let fields = json!({
        "epsilon": a.epsilon, "ell": a.ell, "guarantee": guarantee, "budget": a.budget,
        "spent": costs.as_ref().map(|c| plan.seeds.iter().map(|&v| c[v as usize]).sum::<f64>())
            .or(a.budget.map(|_| plan.seeds.len() as f64)),
        "seconds": seconds, "peak_rss_kib": peak,
        "rr_sets": plan.rr_sets, "rr_members": plan.rr_members, "rr_bytes": plan.rr_bytes,
        "index_bytes": plan.index_bytes,
        "lower_bound": plan.lower_bound, "estimated_spread": plan.estimated_spread,
        "timings": a.timings.then(|| json!({
            "load_seconds": loading.seconds, "load_peak_rss_kib": loading.peak_rss_kib,
            "sampling_rounds": ph.sampling_rounds, "sampling_sets": ph.sampling_sets,
            "sampling_rr_seconds": ph.sampling_rr_seconds,
            "sampling_greedy_seconds": ph.sampling_greedy_seconds,
            "final_rr_seconds": ph.final_rr_seconds,
            "final_greedy_seconds": ph.final_greedy_seconds,
        })),
    });
    Ok(Plan::new(
        plan.seeds,
        plan.marginal_gains,
        plan.estimated_spread,
        seconds,
        summary,
        fields,
    ))
}

pub(super) fn plan_celf(
    g: &DiffusionGraph,
    a: &PlanArgs,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
) -> Result<Plan> {
    let options = CelfOptions {
        k: a.k,
        model: Model::IndependentCascade,
        simulations: a.celf_simulations,
        seed: a.seed,
        threads: a.threads,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        force: a.force_celf,
    };
    let t = Instant::now();
    let plan = match celf(g, &options) {
        Err(DiffusionError::TooLargeForCelf { nodes, limit }) => {
            return Err(UsageError(format!(
                "CELF evaluates every account before it picks the first seed, and {nodes} nodes is \
                 more than its limit of {limit}: use --algorithm imm, or --force-celf"
            ))
            .into())
        }
        r => r?,
    };
    let seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();
    let candidates = g.nodes() - {
        let mut x = exclude.to_vec();
        x.sort_unstable();
        x.dedup();
        x.len()
    };
    let summary = vec![
        format!(
            "CELF, k = {}, {} simulations per marginal gain: {seconds:.3} s, {} evaluations (plain greedy: {}), peak RSS {}",
            a.k,
            plan.simulations,
            plan.evaluations,
            a.k * candidates - a.k * (a.k - 1) / 2,
            peak_mib()
        ),
        format!(
            "estimated spread (its own simulations, which chose the seeds): {:.1} ± {:.1}",
            plan.spread,
            1.96 * plan.spread_std_error
        ),
    ];
    let fields = json!({
        "celf_simulations": plan.simulations, "seconds": seconds, "peak_rss_kib": peak,
        "evaluations": plan.evaluations, "estimated_spread": plan.spread,
        "estimated_ci95": 1.96 * plan.spread_std_error,
    });
    Ok(Plan::new(
        plan.seeds,
        plan.marginal_gains,
        plan.spread,
        seconds,
        summary,
        fields,
    ))
}

/// CELF's Monte Carlo spread relative to IMM's: the difference of the means over IMM's, and a 95%
/// half-width from the paired per-simulation differences (both checks draw simulation `i` from the same
/// generator, so the pairs are independent across `i`).
pub(super) fn relative_difference(imm: &Plan, celf: &Plan) -> Option<(f64, f64)> {
    let (i, c) = (imm.checked.as_ref()?, celf.checked.as_ref()?);
    let n = imm.samples.len() as f64;
    let d: Vec<f64> = imm
        .samples
        .iter()
        .zip(&celf.samples)
        .map(|(&x, &y)| f64::from(y) - f64::from(x))
        .collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    Some(((c.mean - i.mean) / i.mean, 1.96 * (var / n).sqrt() / i.mean))
}
