//! The social graph and the cascades in stored rows, and the Independent Cascade probabilities
//! earshot-diffusion's EM (Saito et al. 2008, `em`) learns from them: for `plan`, the cascade evaluation,
//! and any use case that wants edge probabilities measured on real cascades rather than on ties.
//!
//! The social graph is every stored `follow`, influence flowing from the followed account (the
//! interaction's target) to the follower (its actor), taken as standing for the whole period: the
//! benchmark graphs are undated, and a follow undone later was still a channel while it lasted. A
//! cascade is a post with the reshares that name it (earshot-diffusion's `doubling::cascades_from_rows`:
//! one per account, in time order).

use anyhow::Result;
use earshot_diffusion::doubling::{cascades_from_rows, Cascade};
use earshot_diffusion::em::{fit, EmConfig, EmFit, SocialGraph, Trials};
use earshot_diffusion::{DiffusionGraph, InteractionRow, PostLink, PostRow};
use earshot_model::InteractionKind;
use serde::Serialize;
use std::time::Instant;
use utoipa::ToSchema;

/// The follow graph and the cascades of some rows.
pub struct SocialCascades {
    pub graph: SocialGraph,
    /// One per post of the rows (`cascades[k]` is `posts[k]`'s), with or without reshares: an author
    /// whose followers did not reshare is a failed trial on each of those edges.
    pub cascades: Vec<Cascade>,
}

impl SocialCascades {
    /// The follow graph and cascades of rows (as [`super::diffusion::read`] gives them) over `nodes`
    /// dense ids.
    pub fn of(nodes: u32, posts: &[PostRow], interactions: &[InteractionRow]) -> Result<Self> {
        let follows: Vec<(u32, u32)> = interactions
            .iter()
            .filter(|r| r.kind == InteractionKind::Follow)
            .map(|r| (r.target, r.actor))
            .collect();
        Ok(SocialCascades {
            graph: SocialGraph::new(nodes, &follows)?,
            cascades: cascades_from_rows(posts, interactions),
        })
    }

    /// Every stored cascade of `platform` (all time) with its follow graph, and the dense ids of its
    /// accounts; `authors_become_nodes` as in [`super::diffusion::read`].
    pub fn read(
        store: &earshot_store::Store,
        platform: Option<&str>,
        authors_become_nodes: bool,
    ) -> Result<(earshot_graph::DenseIds, Self)> {
        let mut ids = earshot_graph::DenseIds::new();
        let rows = super::diffusion::read(
            store,
            earshot_store::TimeWindow::all(),
            platform,
            &mut ids,
            authors_become_nodes,
        )?;
        let social = SocialCascades::of(ids.len() as u32, &rows.posts, &rows.interactions)?;
        Ok((ids, social))
    }

    /// Whether EM has something to learn from: a follow edge, and a reshare that names its post.
    pub fn learnable(&self) -> bool {
        !self.graph.edges().is_empty() && self.cascades.iter().any(|c| !c.reshares.is_empty())
    }
}

/// What EM learned from, and how it went: for reports.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmSummary {
    /// Follow edges (each one an edge of the influence graph).
    pub follow_edges: usize,
    pub cascades: usize,
    /// Adoptions (reshares) in them.
    pub adoptions: u64,
    /// Adoptions by an account following someone who had adopted the post before it: those the model
    /// explains.
    pub explained: u64,
    /// Adoptions by accounts none of whose followed accounts had adopted before them: outside the graph.
    pub outside: u64,
    /// Edges with at least one trial (their source adopted a post).
    pub edges_with_trials: usize,
    pub alpha: f64,
    pub beta: f64,
    pub iterations: usize,
    pub converged: bool,
    pub log_likelihood: f64,
    /// The mean learned probability of edges with a trial.
    pub mean_probability_with_trials: f64,
    pub seconds: f64,
}

/// Probabilities learned by EM, as an influence graph.
pub struct EmProbabilities {
    pub graph: DiffusionGraph,
    pub fit: EmFit,
    pub summary: EmSummary,
}

impl EmSummary {
    /// One line for a report: where the probabilities come from.
    pub fn describe(&self) -> String {
        format!(
            "probabilities learned by EM (Saito et al. 2008) from {} cascades over {} follow edges: \
             {} of {} reshares by a follower of an earlier adopter, {} outside the graph; Beta({}, {}) \
             prior, {} iterations{}",
            self.cascades,
            self.follow_edges,
            self.explained,
            self.adoptions,
            self.outside,
            self.alpha,
            self.beta,
            self.iterations,
            if self.converged {
                ""
            } else {
                " (not converged)"
            }
        )
    }
}

/// Learn edge probabilities by EM from `cascades` on `social`'s follow graph.
pub fn learn_em(
    social: &SocialGraph,
    cascades: &[Cascade],
    cfg: &EmConfig,
) -> Result<EmProbabilities> {
    let t = Instant::now();
    let trials = Trials::count(social, cascades)?;
    let fit = fit(&trials, cfg)?;
    let graph = social.diffusion_graph(&fit.p_f32())?;
    let with_trials: Vec<f64> = (0..fit.p.len())
        .filter(|&e| trials.positive()[e] + trials.negative()[e] > 0)
        .map(|e| fit.p[e])
        .collect();
    let summary = EmSummary {
        follow_edges: social.edges().len(),
        cascades: trials.cascades(),
        adoptions: trials.adoptions(),
        explained: trials.explained(),
        outside: trials.outside(),
        edges_with_trials: with_trials.len(),
        alpha: cfg.alpha,
        beta: cfg.beta,
        iterations: fit.iterations,
        converged: fit.converged,
        log_likelihood: fit.log_likelihood,
        mean_probability_with_trials: if with_trials.is_empty() {
            0.0
        } else {
            with_trials.iter().sum::<f64>() / with_trials.len() as f64
        },
        seconds: t.elapsed().as_secs_f64(),
    };
    Ok(EmProbabilities {
        graph,
        fit,
        summary,
    })
}

/// EM's probabilities for rows over `nodes` dense ids when they hold a follow graph and a reshare that
/// names its post; `None` otherwise (the caller falls back to another learner).
pub fn learn_em_from_rows(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &EmConfig,
) -> Result<Option<EmProbabilities>> {
    // Cheap checks first: a store of follows and unnamed reshares (Higgs) has millions of follows and
    // no cascade, and builds no graph for nothing.
    let has_reshare = interactions
        .iter()
        .any(|r| r.kind == InteractionKind::Reshare && matches!(r.post, PostLink::Row(_)));
    if !has_reshare
        || !interactions
            .iter()
            .any(|r| r.kind == InteractionKind::Follow)
    {
        return Ok(None);
    }
    let social = SocialCascades::of(nodes, posts, interactions)?;
    if !social.learnable() {
        return Ok(None);
    }
    learn_em(&social.graph, &social.cascades, cfg).map(Some)
}
