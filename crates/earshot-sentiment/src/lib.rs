//! Sentiment of social text, as three calibrated probabilities with the evidence behind them.
//!
//! Built on VADER (Hutto & Gilbert 2014, through the `vader_sentiment` crate): its lexicon and rules
//! already read emoticons, emoji, negation, intensifiers and capitals. On top of it:
//!
//! * [`normalize`]: social-text habits VADER misses — stretched words, hashtags, HTML entities, and
//!   mentions and links that only dilute its proportions;
//! * [`lexicon`]: the words of customer-service complaints ("delayed", "cancelled", "on hold"),
//!   rated by hand on VADER's scale;
//! * [`model`]: a three-class logistic regression over twelve named [`features`], fitted on TweetEval's
//!   sentiment validation split, whose weights `earshot sentiment show` prints.
//!
//! [`vader_baseline`] is plain VADER with its usual ±0.05 thresholds, the baseline earshot reports
//! itself against. No I/O here: callers bring text and labels.

pub mod features;
pub mod lexicon;
pub mod model;
pub mod normalize;

pub use features::{extract, FeatureVector, FEATURES, N_FEATURES};
pub use model::{Polarity, Sentiment, SentimentError, SentimentModel};

/// Plain VADER, as the `vader_sentiment` crate ships it: positive at compound ≥ 0.05, negative at
/// ≤ −0.05, neutral between (the thresholds its authors recommend).
pub fn vader_baseline(text: &str) -> Polarity {
    let run = || {
        vader_sentiment::SentimentIntensityAnalyzer::new()
            .polarity_scores(text)
            .get("compound")
            .copied()
            .unwrap_or(0.0)
    };
    match std::panic::catch_unwind(run).unwrap_or(0.0) {
        c if c >= 0.05 => Polarity::Positive,
        c if c <= -0.05 => Polarity::Negative,
        _ => Polarity::Neutral,
    }
}

/// Macro-averaged F1 over the three classes, and each class's F1.
pub fn macro_f1(truth: &[Polarity], predicted: &[Polarity]) -> (f64, [f64; 3]) {
    let mut tp = [0usize; 3];
    let mut fp = [0usize; 3];
    let mut fneg = [0usize; 3];
    for (t, p) in truth.iter().zip(predicted) {
        if t == p {
            tp[t.index()] += 1;
        } else {
            fp[p.index()] += 1;
            fneg[t.index()] += 1;
        }
    }
    let f1: [f64; 3] = std::array::from_fn(|c| {
        let d = 2 * tp[c] + fp[c] + fneg[c];
        if d == 0 {
            0.0
        } else {
            2.0 * tp[c] as f64 / d as f64
        }
    });
    (f1.iter().sum::<f64>() / 3.0, f1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn macro_f1_by_hand() {
        use Polarity::*;
        let truth = [Negative, Negative, Neutral, Positive];
        let pred = [Negative, Neutral, Neutral, Neutral];
        // negative: tp 1, fn 1 → 2/3; neutral: tp 1, fp 2 → 2/4; positive: fn 1 → 0.
        let (m, per) = macro_f1(&truth, &pred);
        assert!(
            (per[0] - 2.0 / 3.0).abs() < 1e-12 && (per[1] - 0.5).abs() < 1e-12 && per[2] == 0.0
        );
        assert!((m - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn any_text_gets_probabilities_that_sum_to_one(text in "\\PC{0,200}") {
            let s = SentimentModel::builtin().classify(&text);
            prop_assert!((s.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            prop_assert!(s.probabilities.iter().all(|p| p.is_finite() && *p >= 0.0));
            let _ = vader_baseline(&text);
        }
    }
}
