//! `earshot forecast --doubling`: the doubling classifier fitted on posts before a cut, its setting chosen
//! on the posts between the cut and a second one, and tested once on the posts after that, beside the
//! majority class of the training labels, random guessing and the time to the `k`-th reshare alone.

use super::classifier::{Classifier, Examples, FeatureWeight, Setting, Settling};
use super::source::read;
use super::LABELS_AS_KNOWN;
use crate::error::UsageError;
use crate::intervals::paired_mean_differences;
use anyhow::Result;
use earshot_diffusion::doubling::History;
use earshot_store::Store;

/// What to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct DoublingEvalRequest {
    pub platform: Option<String>,
    /// Early reshares seen (Cheng et al.: 5).
    pub k: usize,
    /// Fit on posts before this instant, labelled by what was known then.
    pub cut: i64,
    /// Choose the setting on posts in `[cut, score_until)`; test once on posts from here on.
    pub score_until: i64,
    /// Seed of the bootstrap resamples.
    pub seed: u64,
}

impl DoublingEvalRequest {
    pub const DEFAULT_K: usize = 5;
}

/// One split's posts: how many there were, how many had `k` reshares (the rows) and how many of those
/// doubled.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SplitCounts {
    /// Posts made in the split.
    pub posts: usize,
    /// Of them, posts with at least `k` reshares: the rows (for training: before the cut, and as
    /// settled as the chosen setting asks).
    pub rows: usize,
    pub doubled: usize,
    pub positive_rate: f64,
}

impl SplitCounts {
    fn of(posts: usize, e: &Examples) -> Self {
        SplitCounts {
            posts,
            rows: e.len(),
            doubled: e.positives(),
            positive_rate: ratio(e.positives(), e.len()),
        }
    }
}

/// A setting's accuracy on the validation split.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SettingScore {
    pub setting: Setting,
    pub accuracy: f64,
}

/// The test split, run once with the chosen setting.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TestResult {
    pub accuracy: f64,
    /// 95% percentile bootstrap interval of the accuracy (test posts resampled).
    pub accuracy_interval: [f64; 2],
    /// Area under the ROC curve of P(doubles).
    pub auc: f64,
    /// The majority class of the training labels, always predicted.
    pub majority_doubles: bool,
    pub majority_accuracy: f64,
    /// Random guessing.
    pub random_accuracy: f64,
    /// The time to the `k`-th reshare alone, split at its training median (seconds, or the data's
    /// units), on the side that was right more often in training.
    pub temporal_median_seconds: f64,
    /// Whether the temporal baseline predicts doubling for posts faster than the median.
    pub temporal_fast_doubles: bool,
    pub temporal_accuracy: f64,
    /// 95% paired bootstrap interval of (accuracy − majority accuracy).
    pub over_majority_interval: [f64; 2],
    /// 95% paired bootstrap interval of (accuracy − temporal baseline accuracy).
    pub over_temporal_interval: [f64; 2],
    pub resamples: usize,
}

/// `earshot --json forecast --doubling`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DoublingEvalReport {
    pub platform: Option<String>,
    pub k: usize,
    pub cut: i64,
    pub score_until: i64,
    /// How training posts are labelled.
    pub labels: &'static str,
    pub train: SplitCounts,
    pub validation: SplitCounts,
    pub test: SplitCounts,
    /// Every setting tried, with its validation accuracy.
    pub settings: Vec<SettingScore>,
    /// The setting with the best validation accuracy (the simpler on a tie: temporal, unsettled, more
    /// L2).
    pub chosen: SettingScore,
    pub result: TestResult,
    pub intercept: f64,
    pub weights: Vec<FeatureWeight>,
}

/// Bootstrap resamples behind each interval.
const RESAMPLES: usize = 1000;

/// Evaluate doubling prediction on the stored posts (see the module's documentation).
pub fn evaluate_doubling(store: &Store, req: &DoublingEvalRequest) -> Result<DoublingEvalReport> {
    if req.k == 0 {
        return Err(UsageError("k must be at least 1".into()).into());
    }
    if req.score_until <= req.cut {
        return Err(UsageError(
            "the test cut (--score-until) must come after the training cut (--until)".into(),
        )
        .into());
    }
    let stored = read(store, req.platform.as_deref())?;
    let cascades = &stored.cascades;
    let history = History::new(cascades, stored.ids.len() as u32, req.k)
        .ok_or_else(|| anyhow::anyhow!("stored cascades do not index (k = {})", req.k))?;
    let n = cascades.len();
    let posted_in = |from: i64, to: i64| move |c: usize| (from..to).contains(&cascades[c].time);
    let count = |from: i64, to: i64| (0..n).filter(|&c| posted_in(from, to)(c)).count();
    let validation = Examples::of(
        &history,
        n,
        posted_in(req.cut, req.score_until),
        i64::MAX,
        i64::MAX,
    );
    let test = Examples::of(
        &history,
        n,
        posted_in(req.score_until, i64::MAX),
        i64::MAX,
        i64::MAX,
    );
    for (name, e) in [("validation", &validation), ("test", &test)] {
        if e.len() == 0 {
            return Err(UsageError(format!(
                "no post in the {name} split has {} reshares: move the cuts",
                req.k
            ))
            .into());
        }
    }
    let before_cut = posted_in(i64::MIN, req.cut);
    let doubling_times: Vec<i64> = (0..n)
        .filter(|&c| before_cut(c))
        .filter_map(|c| history.time_to_double(c, req.cut))
        .collect();
    let train_for = |settling: Settling| {
        let age = settling.min_age(doubling_times.clone());
        let seen_before = req.cut.saturating_sub(age);
        Examples::of(&history, n, before_cut, seen_before, req.cut)
    };
    let trains: Vec<(Settling, Examples)> =
        Settling::ALL.iter().map(|&s| (s, train_for(s))).collect();
    let train_of = |s: Settling| {
        &trains
            .iter()
            .find(|(t, _)| *t == s)
            .expect("every settling")
            .1
    };
    let mut settings = Vec::new();
    let mut best: Option<(SettingScore, Classifier)> = None;
    for setting in Setting::grid() {
        let model = Classifier::fit(train_of(setting.settling), setting)?;
        let accuracy = accuracy_of(&validation, |f| model.predict(f));
        let score = SettingScore { setting, accuracy };
        // Strictly better only: the grid runs from simpler to richer, so ties keep the simpler.
        if best.as_ref().is_none_or(|(b, _)| accuracy > b.accuracy) {
            best = Some((score.clone(), model));
        }
        settings.push(score);
    }
    let (chosen, model) = best.expect("the grid is not empty");
    let train = train_of(chosen.setting.settling);
    let result = test_once(&model, train, &test, req.seed);
    Ok(DoublingEvalReport {
        platform: req.platform.clone(),
        k: req.k,
        cut: req.cut,
        score_until: req.score_until,
        labels: LABELS_AS_KNOWN,
        train: SplitCounts::of(count(i64::MIN, req.cut), train),
        validation: SplitCounts::of(count(req.cut, req.score_until), &validation),
        test: SplitCounts::of(count(req.score_until, i64::MAX), &test),
        settings,
        chosen,
        intercept: model.intercept(),
        weights: model.weights(),
        result,
    })
}

/// The model and the baselines on the test split, with bootstrap intervals.
fn test_once(model: &Classifier, train: &Examples, test: &Examples, seed: u64) -> TestResult {
    let majority = 2 * train.positives() > train.len();
    // Feature 0 is ln(1 + time to the k-th reshare).
    let mut times: Vec<f64> = train.features.iter().map(|f| f[0]).collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let fast_right = train
        .features
        .iter()
        .zip(&train.labels)
        .filter(|(f, &y)| (f[0] < median) == y)
        .count();
    let fast_doubles = 2 * fast_right >= train.len();
    let temporal = |f: &earshot_diffusion::doubling::Features| (f[0] < median) == fast_doubles;
    let probabilities: Vec<f64> = test.features.iter().map(|f| model.probability(f)).collect();
    let right = |predict: &dyn Fn(usize) -> bool| -> Vec<f64> {
        (0..test.len())
            .map(|i| f64::from(u8::from(predict(i) == test.labels[i])))
            .collect()
    };
    let model_right = right(&|i| probabilities[i] > 0.5);
    let majority_right = right(&|_| majority);
    let temporal_right = right(&|i| temporal(&test.features[i]));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let [accuracy_interval, over_majority_interval, over_temporal_interval] =
        paired_mean_differences(
            &model_right,
            [&[], &majority_right, &temporal_right],
            RESAMPLES,
            seed,
        );
    TestResult {
        accuracy: mean(&model_right),
        accuracy_interval,
        auc: earshot_trust::eval::auc(&probabilities, &test.labels),
        majority_doubles: majority,
        majority_accuracy: mean(&majority_right),
        random_accuracy: 0.5,
        temporal_median_seconds: median.exp_m1(),
        temporal_fast_doubles: fast_doubles,
        temporal_accuracy: mean(&temporal_right),
        over_majority_interval,
        over_temporal_interval,
        resamples: RESAMPLES,
    }
}

fn accuracy_of(
    e: &Examples,
    predict: impl Fn(&earshot_diffusion::doubling::Features) -> bool,
) -> f64 {
    let right = e
        .features
        .iter()
        .zip(&e.labels)
        .filter(|(f, &y)| predict(f) == y)
        .count();
    ratio(right, e.len())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
