//! One backtest split: score the training window, then read what each scored account received in the
//! test window, beside the baselines computed on the same training events.

use crate::sources::{load_input, reaction, Text};
use anyhow::Result;
use earshot_score::backtest::{baselines, engagement, engagement_since};
use earshot_score::fit::Sample;
use earshot_score::{score, Feature, Predictor, Reaction, ScoreModel, ScoreTable, WEEK};
use earshot_store::{Store, TimeWindow};
use rustc_hash::FxHashSet;

/// What counts as engagement in the test window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Truth {
    /// Every reaction from another account (replies, mentions, reshares, quotes, likes).
    Reactions,
    /// Only reactions through posts made inside the test window: adoptions of the account's *later*
    /// cascades (for cascade data, where a post's reach is the engagement).
    LaterPosts,
}

/// Where a split cuts the data.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Cut {
    pub train_from: Option<i64>,
    pub train_until: i64,
    pub test_until: i64,
}

impl Cut {
    pub fn test_weeks(&self) -> f64 {
        (self.test_until - self.train_until) as f64 / WEEK
    }
}

/// A scored split with its truth and baselines, every vector in the order of `table.accounts`.
pub struct SplitData {
    pub cut: Cut,
    pub train_interactions: u64,
    pub test_interactions: u64,
    pub table: ScoreTable,
    pub truth: Vec<f64>,
    /// Named baseline predictors: reactions received, distinct reactors, unweighted PageRank, last
    /// window's engagement, and follower count where profiles have one.
    pub baselines: Vec<(&'static str, Vec<f64>)>,
}

impl SplitData {
    /// Score the training window of `cut` with `model` and read the test window.
    pub fn load(
        store: &Store,
        platform: Option<&str>,
        cut: Cut,
        model: &ScoreModel,
        truth: Truth,
    ) -> Result<SplitData> {
        let trust = earshot_trust::TrustModel::builtin();
        let train_window = TimeWindow {
            from: cut.train_from,
            to: Some(cut.train_until),
        };
        let (train, train_interactions) = load_input(store, train_window, platform, Some(&trust))?;
        let table = score(&train, model, &Text)?;
        let test_window = TimeWindow {
            from: Some(cut.train_until),
            to: Some(cut.test_until),
        };
        let mut test: Vec<Reaction> = Vec::new();
        let test_interactions =
            store.scan_interactions(test_window, platform, |r| test.push(reaction(r)))?;
        if truth == Truth::LaterPosts {
            let mut later: FxHashSet<i64> = FxHashSet::default();
            store.scan_posts(test_window, platform, |p| {
                later.insert(p.id);
            })?;
            test.retain(|r| r.post.is_some_and(|p| later.contains(&p)));
        }
        let truth = engagement(&test, &table.accounts);
        let base = baselines(&train.reactions, &table.accounts)?;
        let last_window = engagement_since(
            &train.reactions,
            &table.accounts,
            cut.train_until - (cut.test_until - cut.train_until),
        );
        let mut named = vec![
            ("reactions received", base.received),
            ("distinct reactors", base.distinct_reactors),
            ("unweighted PageRank", base.pagerank),
            ("last window's engagement", last_window),
        ];
        let followers: Vec<f64> = table
            .accounts
            .iter()
            .map(|a| train.followers.get(a).map_or(0.0, |&f| f as f64))
            .collect();
        if followers.iter().any(|&f| f > 0.0) {
            named.push(("follower count", followers));
        }
        Ok(SplitData {
            cut,
            train_interactions,
            test_interactions,
            table,
            truth,
            baselines: named,
        })
    }

    /// Each account as a fitting sample (features, what it received next, the test window in weeks),
    /// weighted `weight`, in dataset `group`.
    pub fn samples(&self, weight: f64, group: usize) -> Vec<Sample> {
        let weeks = self.cut.test_weeks();
        self.table
            .features
            .iter()
            .zip(&self.truth)
            .map(|(x, &y)| Sample {
                features: *x,
                received: y,
                weeks,
                weight,
                group,
            })
            .collect()
    }

    /// The features of every account, for predictions by another model.
    pub fn features(&self) -> &[[f64; Feature::COUNT]] {
        &self.table.features
    }

    /// ln(expected reactions next week) of every account under `predictor`.
    pub fn log_expected(&self, predictor: &Predictor) -> Vec<f64> {
        self.features()
            .iter()
            .map(|x| predictor.log_expected(x))
            .collect()
    }

    /// The level this split sets for `predictor`: what its accounts received in the test window over
    /// what the predictor expected of them (1 when either is 0). Multiplying the predictor's
    /// expectations by it calibrates their total on this split.
    pub fn level(&self, predictor: &Predictor) -> f64 {
        let weeks = self.cut.test_weeks();
        let expected: f64 = self
            .log_expected(predictor)
            .iter()
            .map(|le| le.exp() * weeks)
            .sum();
        let received: f64 = self.truth.iter().sum();
        if expected > 0.0 && received > 0.0 {
            received / expected
        } else {
            1.0
        }
    }
}
