//! A split's results as a table: each predictor's metrics, earshot's bootstrapped lead over each
//! baseline, and the reliability of its expected engagement per score decile.

use super::split::SplitData;
use earshot_score::backtest::{
    evaluate, paired_bootstrap, reliability, Interval, Metrics, ReliabilityRow,
};
use earshot_score::{Predictor, Scale};

#[derive(Debug, serde::Serialize)]
pub struct Row {
    pub predictor: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    /// For baselines with --bootstrap: 95% intervals of (earshot − this) in Spearman's ρ and NDCG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earshot_lead: Option<Lead>,
}

#[derive(Debug, serde::Serialize, Clone, Copy)]
pub struct Lead {
    pub spearman: Interval,
    pub ndcg: Interval,
}

#[derive(Debug, serde::Serialize)]
pub struct Window {
    pub from: Option<i64>,
    pub until: i64,
    pub interactions: u64,
}

/// Everything one split shows.
#[derive(Debug, serde::Serialize)]
pub struct SplitReport {
    pub train: Window,
    pub test: Window,
    pub accounts: usize,
    pub accounts_engaged_in_test: usize,
    pub k: usize,
    pub results: Vec<Row>,
    /// Per score decile of the scored accounts (those with authentic engagement in training): expected
    /// against realised engagement in the test window. Empty for percentile models.
    pub reliability: Vec<ReliabilityRow>,
    /// Paired resamples behind the leads' intervals (0: none).
    #[serde(skip)]
    pub bootstrap: usize,
}

impl SplitReport {
    /// Metrics for earshot and every baseline against `truth` (by default `data.truth`). earshot ranks
    /// by `predictor`'s expected engagement when given, else by the table's overall score.
    pub fn new(
        data: &SplitData,
        version: &str,
        predictor: Option<(&Predictor, &Scale)>,
        truth: Option<&[f64]>,
        k: usize,
        bootstrap: usize,
    ) -> SplitReport {
        let truth = truth.unwrap_or(&data.truth);
        let log_expected: Option<Vec<f64>> = predictor.map(|(p, _)| data.log_expected(p));
        let earshot: &[f64] = log_expected.as_deref().unwrap_or(&data.table.overall);
        let lead = |baseline: &[f64]| {
            paired_bootstrap(earshot, baseline, truth, k, bootstrap, 0x5EED)
                .map(|(spearman, ndcg)| Lead { spearman, ndcg })
        };
        let mut results = vec![Row {
            predictor: format!("earshot ({version})"),
            metrics: evaluate(earshot, truth, k),
            earshot_lead: None,
        }];
        for (name, values) in &data.baselines {
            results.push(Row {
                predictor: format!("baseline: {name}"),
                metrics: evaluate(values, truth, k),
                earshot_lead: lead(values),
            });
        }
        for c in earshot_score::Component::ALL {
            let raw = &data.table.raw[c.index()];
            if raw.iter().any(|v| *v != 0.0) {
                results.push(Row {
                    predictor: format!("component: {}", c.name()),
                    metrics: evaluate(raw, truth, k),
                    earshot_lead: None,
                });
            }
        }
        SplitReport {
            train: Window {
                from: data.cut.train_from,
                until: data.cut.train_until,
                interactions: data.train_interactions,
            },
            test: Window {
                from: Some(data.cut.train_until),
                until: data.cut.test_until,
                interactions: data.test_interactions,
            },
            accounts: data.table.len(),
            accounts_engaged_in_test: truth.iter().filter(|&&t| t > 0.0).count(),
            k,
            results,
            reliability: match (predictor, &log_expected) {
                (Some((_, scale)), Some(le)) => reliability_of(data, scale, le, truth),
                _ => Vec::new(),
            },
            bootstrap,
        }
    }

    /// The row of earshot's own metrics.
    pub fn earshot(&self) -> &Metrics {
        &self.results[0].metrics
    }

    pub fn deciles_inside(&self) -> usize {
        self.reliability.iter().filter(|r| r.inside).count()
    }
}

/// The reliability table of a split: scored accounts (authentic engagement in training) by score
/// decile, expected engagement over the test window against `truth`.
fn reliability_of(
    data: &SplitData,
    scale: &Scale,
    log_expected: &[f64],
    truth: &[f64],
) -> Vec<ReliabilityRow> {
    let weeks = data.cut.test_weeks();
    let scored: Vec<usize> = (0..data.table.len())
        .filter(|&i| data.table.engaged.get(i).copied().unwrap_or(false))
        .collect();
    let score: Vec<f64> = scored
        .iter()
        .map(|&i| scale.score(log_expected[i]))
        .collect();
    let predicted: Vec<f64> = scored
        .iter()
        .map(|&i| log_expected[i].exp() * weeks)
        .collect();
    let realised: Vec<f64> = scored.iter().map(|&i| truth[i]).collect();
    reliability(&score, &predicted, &realised, 500, 0xCA11)
}
