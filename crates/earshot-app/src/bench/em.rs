//! EM's edge probabilities learned from the stored cascades on their follow graph (`earshot bench em`):
//! reading the rows, counting the trials, and the EM iterations, each timed apart (median of runs).
//! EM runs on one thread: an iteration is two passes over flat arrays (a few milliseconds on the
//! Memetracker cascades), so there is nothing worth spreading (COST: the single thread is the figure).

use super::median_run;
use crate::error::UsageError;
use crate::sources::social::SocialCascades;
use anyhow::Result;
use earshot_diffusion::em::{fit, EmConfig, Trials};
use earshot_store::Store;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct EmBenchRequest {
    pub platform: Option<String>,
    /// Timed runs; the median of each stage is reported.
    pub runs: usize,
    pub config: EmConfig,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmBenchReport {
    pub platform: Option<String>,
    pub nodes: usize,
    pub follow_edges: usize,
    pub cascades: usize,
    pub adoptions: u64,
    pub explained: u64,
    pub outside: u64,
    /// Parent entries over the explained adoptions: one E-step's work.
    pub parent_entries: usize,
    pub alpha: f64,
    pub beta: f64,
    pub iterations: usize,
    pub converged: bool,
    pub log_likelihood: f64,
    /// Reading the stored rows and making the follow graph and the cascades.
    pub read_seconds: f64,
    pub count_seconds: f64,
    pub fit_seconds: f64,
    /// The three together.
    pub total_seconds: f64,
    pub runs: usize,
}

/// Time learning EM's probabilities from `store`'s cascades.
pub fn bench_em(store: &Store, req: &EmBenchRequest) -> Result<EmBenchReport> {
    let (read_seconds, (nodes, social)) = median_run(req.runs, || {
        let (ids, social) = SocialCascades::read(store, req.platform.as_deref(), false)?;
        Ok((ids.len() as u32, social))
    })?;
    if !social.learnable() {
        return Err(UsageError(format!(
            "{}: no follow edges or no reshares that name their post to learn from",
            store.path().display()
        ))
        .into());
    }
    let (count_seconds, trials) = median_run(req.runs, || {
        Ok(Trials::count(&social.graph, &social.cascades)?)
    })?;
    let (fit_seconds, f) = median_run(req.runs, || Ok(fit(&trials, &req.config)?))?;
    Ok(EmBenchReport {
        platform: req.platform.clone(),
        nodes: nodes as usize,
        follow_edges: social.graph.edges().len(),
        cascades: trials.cascades(),
        adoptions: trials.adoptions(),
        explained: trials.explained(),
        outside: trials.outside(),
        parent_entries: trials.parent_entries(),
        alpha: req.config.alpha,
        beta: req.config.beta,
        iterations: f.iterations,
        converged: f.converged,
        log_likelihood: f.log_likelihood,
        read_seconds,
        count_seconds,
        fit_seconds,
        total_seconds: read_seconds + count_seconds + fit_seconds,
        runs: req.runs.max(1),
    })
}
