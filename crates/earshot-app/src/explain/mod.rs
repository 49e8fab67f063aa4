//! Why an account scored what it did: its score in a run recomputed from the stored events with the
//! run's own model and window, with the evidence behind it (`earshot explain`, the API's explanation).

mod flagged;
mod tone;

pub use flagged::{FlaggedPostsEvidence, LISTED_FLAGGED_POSTS};
pub use tone::{tone_of, Tone};

use crate::error::Missing;
use crate::report::ComponentReport;
use crate::sources::run_input;
use crate::sources::Text;
use crate::topics::TopicProfile;
use anyhow::{Context, Result};
use earshot_score::{score, Component, ConversationStats, Evidence, Feature, ScoreTable};
use earshot_store::{ScoreRun, Store};

/// One account's score in a run, recomputed from the stored events with the run's own model and
/// window, with the evidence behind it.
pub struct Explanation {
    /// The account as the request named it.
    pub shown: String,
    pub account: i64,
    pub run: ScoreRun,
    pub table: ScoreTable,
    /// The account's row in `table`.
    pub i: usize,
    /// The stored overall score, when the run stored one for the account.
    pub stored_overall: Option<f64>,
    pub evidence: Evidence,
    /// How the audience's reactions that carry text sound, where posts have text.
    pub tone: Option<Tone>,
    /// The account's flagged posts and the flagged posts that cost it points, with the evidence.
    pub flagged: FlaggedPostsEvidence,
}

/// Recompute `account`'s score in `run` (default: the latest) and gather `evidence` reactors.
/// `shown` is how the request named the account. A missing run, or an account the run's window has
/// no interactions of, is [`Missing`].
pub fn explain_account(
    store: &Store,
    account: i64,
    shown: &str,
    run: Option<i64>,
    evidence: usize,
    note: &dyn Fn(&str),
) -> Result<Explanation> {
    let Some(run) = store.score_run(run)? else {
        return Err(Missing(match run {
            Some(id) => format!("there is no score run #{id} in {}", store.path().display()),
            None => format!(
                "no score run in {}: run `earshot score` first",
                store.path().display()
            ),
        })
        .into());
    };
    let (model, input) = run_input(store, &run, note)?;
    let table = score(&input, &model, &Text)?;
    let Some(i) = table.position(account) else {
        return Err(Missing(format!(
            "{shown} had no interactions in run #{}'s window, so it has no score there",
            run.id
        ))
        .into());
    };
    let stored_overall = store.account_score(run.id, account)?.map(|s| s.overall);
    let evidence = earshot_score::evidence(&input, &model, &table, account, evidence)
        .context("account vanished from its own table")?;
    let tone = tone_of(&input, account);
    let flagged = FlaggedPostsEvidence::of(store, &input, account)?;
    Ok(Explanation {
        shown: shown.to_string(),
        account,
        run,
        table,
        i,
        stored_overall,
        evidence,
        tone,
        flagged,
    })
}

/// One feature of the model's prediction: its value, coefficient and the points it adds.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeatureReport {
    pub feature: &'static str,
    pub value: f64,
    pub coefficient: f64,
    pub points: f64,
    pub meaning: &'static str,
}

/// The expected engagement behind a score and the points each feature adds.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PredictionReport {
    pub expected_next_week: f64,
    pub base_points: f64,
    /// The score before it is held within 1–100.
    pub unclamped_score: f64,
    pub features: Vec<FeatureReport>,
    /// The scale: `anchor_score` points at `anchor_expected` reactions a week, `points_per_doubling`.
    #[schema(value_type = Object)]
    pub scale: earshot_score::Scale,
    pub fitted_on: String,
}

/// `earshot --json explain`'s output and the API's explanation.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ExplainReport {
    /// The account as the request named it.
    pub account: String,
    pub run: i64,
    pub model_version: String,
    /// The score; null when the account is not scored (no authentic engagement in the window).
    pub overall: Option<f64>,
    pub scored: bool,
    /// Null for models that rank by percentiles rather than predict.
    pub prediction: Option<PredictionReport>,
    pub stored_overall: Option<f64>,
    /// Whether the recomputed score is the stored one (null: the run stored none for the account).
    pub reproduced: Option<bool>,
    pub components: Vec<ComponentReport>,
    #[schema(value_type = Object)]
    pub conversation: ConversationStats,
    #[schema(value_type = Object)]
    pub evidence: Evidence,
    pub tone: Option<Tone>,
    /// The account's flagged posts and other accounts' flagged posts that carried reactions to it,
    /// each with its reasons and evidence (the newest ten of each, with the counts).
    pub flagged_posts: FlaggedPostsEvidence,
    /// Null when the run has no topics.
    pub topics: Option<TopicProfile>,
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

impl Explanation {
    /// Whether the recomputed score is the stored one (`None`: the run stored none for the account).
    pub fn reproduced(&self) -> Option<bool> {
        self.stored_overall
            .map(|s| (s - self.table.overall[self.i]).abs() <= 1e-9)
    }

    /// The explanation as a report, with the account's names and topic profile read from `store`.
    pub fn report(&self, store: &Store) -> Result<ExplainReport> {
        let (table, i) = (&self.table, self.i);
        let components = Component::ALL
            .iter()
            .map(|&c| ComponentReport::of(table, i, c))
            .collect();
        let name = store.account_name(self.account)?.unwrap_or_default();
        Ok(ExplainReport {
            account: self.shown.clone(),
            run: self.run.id,
            model_version: self.run.model_version.clone(),
            overall: table.is_scored(i).then_some(table.overall[i]),
            scored: table.is_scored(i),
            prediction: prediction_report(table, i),
            stored_overall: self.stored_overall,
            reproduced: self.reproduced(),
            components,
            conversation: table.conversation[i],
            evidence: self.evidence.clone(),
            tone: self.tone,
            flagged_posts: self.flagged.clone(),
            topics: TopicProfile::load(store, self.run.id, self.account)?,
            platform: name.platform,
            platform_id: name.platform_id,
            handle: name.handle,
        })
    }
}

/// The expected engagement behind account `i`'s score and the points each feature adds, when the run's
/// model predicts (`None` for percentile models).
fn prediction_report(table: &ScoreTable, i: usize) -> Option<PredictionReport> {
    let p = table.prediction.as_ref()?;
    let (base, points) = table.points(i)?;
    let features = Feature::ALL
        .iter()
        .map(|&f| FeatureReport {
            feature: f.name(),
            value: table.features[i][f.index()],
            coefficient: p.predictor.coefficient(f),
            points: points[f.index()],
            meaning: f.meaning(),
        })
        .collect();
    Some(PredictionReport {
        expected_next_week: p.expected(i),
        base_points: base,
        unclamped_score: base + points.iter().sum::<f64>(),
        features,
        scale: p.scale,
        fitted_on: p.predictor.fitted_on.clone(),
    })
}
