//! What the score means: each account's *expected authentic engagement next week*, predicted from its
//! components by a fitted Poisson model, and the logarithmic 1–100 scale that shows it.
//!
//! The scale: `score = anchor_score + points_per_doubling × log₂(expected / anchor_expected)`, clamped to
//! [1, 100]. A fixed number of points is a fixed ratio of expected engagement, whoever and wherever the
//! account is; the anchors are fixed in the model file (chosen when it was fitted, so that the median
//! account with any authentic engagement sat near 25 and the top 0.1% near 90), never recomputed per run,
//! so a score moves only when the account's own evidence does. Accounts without any authentic engagement
//! in the window are *not scored* rather than given 1.
//!
//! Because the model is log-linear, the score splits exactly into a base (an account with every feature
//! at 0) plus points per feature: `points_per_doubling / ln 2 × βⱼ × xⱼ`, each ≥ 0 since every fitted
//! coefficient is ≥ 0.

use crate::component::Component;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Seconds in the model's time unit.
pub const WEEK: f64 = 7.0 * 86_400.0;

/// The predictor's inputs. Rates are per week of the (decay-weighted) window, so that windows of any
/// length give comparable values; counts are taken as `ln(1 + rate)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// ln(1 + audience per week): distinct authentic reactors, diminishing per reactor.
    Audience,
    /// ln(1 + amplification per week).
    Amplification,
    /// ln(1 + conversation per week).
    Conversation,
    /// ln(1 + authority): PageRank, 1 = the average account.
    Authority,
    /// ln(1 + followers), where a profile has it.
    Reach,
    /// ln(1 + authentic reactions received per week), every reaction counted.
    Engagement,
    /// ln(1 + authentic reactions received per week over the window's last quarter, at most its last
    /// 7 days): recency.
    Recent,
    /// ln(1 + reactions the account made per week): posting activity.
    Activity,
    /// The account's own authenticity weight, 0–1.
    Authenticity,
    /// ln(1 + Σ reactions the account made per week × r of their kind), r the share of the window's
    /// pairs reacting with that kind whose target reacted back: the answers its own activity invites,
    /// at the rate this network answers each kind. Resharing on a broadcast network invites little;
    /// mentioning, messaging or trading invites more.
    Invited,
    /// ln(1 + replies and mentions the account made per week): activity addressed to someone, which
    /// invites an answer, unlike a reshare or a like.
    Addressing,
}

impl Feature {
    pub const ALL: [Feature; 11] = [
        Feature::Audience,
        Feature::Amplification,
        Feature::Conversation,
        Feature::Authority,
        Feature::Reach,
        Feature::Engagement,
        Feature::Recent,
        Feature::Activity,
        Feature::Authenticity,
        Feature::Invited,
        Feature::Addressing,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            Feature::Audience => "audience",
            Feature::Amplification => "amplification",
            Feature::Conversation => "conversation",
            Feature::Authority => "authority",
            Feature::Reach => "reach",
            Feature::Engagement => "engagement",
            Feature::Recent => "recent",
            Feature::Activity => "activity",
            Feature::Authenticity => "authenticity",
            Feature::Invited => "invited",
            Feature::Addressing => "addressing",
        }
    }

    /// What the feature's value is, in one line.
    pub fn meaning(self) -> &'static str {
        match self {
            Feature::Audience => "ln(1 + distinct authentic reactors per week)",
            Feature::Amplification => "ln(1 + reshares and quotes by distinct accounts per week, with second hops)",
            Feature::Conversation => "ln(1 + askers answered per week)",
            Feature::Authority => "ln(1 + PageRank over who reacts to whom, 1 = the average account)",
            Feature::Reach => "ln(1 + followers): from the profile, else counted from the stored follow edges",
            Feature::Engagement => "ln(1 + authentic reactions received per week)",
            Feature::Recent => "ln(1 + authentic reactions received per week lately: the window's last quarter, at most 7 days)",
            Feature::Activity => "ln(1 + reactions the account itself made per week)",
            Feature::Authenticity => "the account's authenticity weight (1 = no sign of automation)",
            Feature::Invited => "ln(1 + reactions made per week, each × how often the network answers its kind)",
            Feature::Addressing => "ln(1 + replies and mentions the account made per week)",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The component a feature comes from, where it is one.
    pub fn component(self) -> Option<Component> {
        match self {
            Feature::Audience => Some(Component::Audience),
            Feature::Amplification => Some(Component::Amplification),
            Feature::Conversation => Some(Component::Conversation),
            Feature::Authority => Some(Component::Authority),
            Feature::Reach => Some(Component::Reach),
            _ => None,
        }
    }
}

/// The fitted model: log(expected reactions next week) = intercept + Σ coefficient × feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predictor {
    pub intercept: f64,
    /// By feature name; features not listed weigh 0.
    pub coefficients: BTreeMap<Feature, f64>,
    /// How the coefficients were obtained (data, splits, penalty), for the record.
    #[serde(default)]
    pub fitted_on: String,
}

impl Predictor {
    pub fn coefficient(&self, f: Feature) -> f64 {
        self.coefficients.get(&f).copied().unwrap_or(0.0)
    }

    /// ln(expected authentic reactions next week).
    pub fn log_expected(&self, x: &[f64; Feature::COUNT]) -> f64 {
        self.intercept
            + Feature::ALL
                .iter()
                .map(|&f| self.coefficient(f) * x[f.index()])
                .sum::<f64>()
    }
}

/// The logarithmic 1–100 scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// The score of an account expecting `anchor_expected` reactions a week.
    pub anchor_score: f64,
    pub anchor_expected: f64,
    /// Points for each doubling of expected engagement.
    pub points_per_doubling: f64,
}

impl Scale {
    /// earshot's scale, a definition rather than a fit: 25 points = 5 expected reactions a week, and
    /// every 10 points doubles it. The built-in model carries it; a model fitted elsewhere keeps it.
    pub const DEFINED: Scale = Scale {
        anchor_score: 25.0,
        anchor_expected: 5.0,
        points_per_doubling: 10.0,
    };

    /// The score before clamping, from ln(expected weekly reactions).
    pub fn unclamped(&self, log_expected: f64) -> f64 {
        self.anchor_score
            + self.points_per_doubling * (log_expected - self.anchor_expected.ln())
                / std::f64::consts::LN_2
    }

    /// The displayed score: [`Scale::unclamped`] held within 1–100.
    pub fn score(&self, log_expected: f64) -> f64 {
        self.unclamped(log_expected).clamp(1.0, 100.0)
    }

    /// Expected weekly reactions behind a displayed score (the inverse of [`Scale::score`] inside 1–100).
    pub fn expected_at(&self, score: f64) -> f64 {
        self.anchor_expected * 2f64.powf((score - self.anchor_score) / self.points_per_doubling)
    }

    /// Points per unit of ln(expected): the factor that turns a log-linear term into points.
    pub fn points_per_log(&self) -> f64 {
        self.points_per_doubling / std::f64::consts::LN_2
    }

    pub fn check(&self) -> Result<(), String> {
        if !(self.anchor_score.is_finite()
            && self.anchor_expected.is_finite()
            && self.anchor_expected > 0.0
            && self.points_per_doubling.is_finite()
            && self.points_per_doubling > 0.0)
        {
            return Err(format!(
                "scale needs finite anchors, anchor_expected > 0 and points_per_doubling > 0, found {self:?}"
            ));
        }
        Ok(())
    }
}

/// Per-account sums the predictor needs beyond the components, over one window.
#[derive(Debug, Clone, Default)]
pub(crate) struct Activity {
    /// Decayed, authenticity-weighted reactions received.
    pub engagement: Vec<f64>,
    /// Authenticity-weighted reactions received in the recent window (undecayed).
    pub recent: Vec<f64>,
    /// Decayed reactions made.
    pub made: Vec<f64>,
    /// Decayed reactions made, each times the share of its kind's pairs the network answers back.
    pub invited: Vec<f64>,
    /// Decayed replies and mentions made.
    pub addressing: Vec<f64>,
}

/// The window's length in weeks for rates: its decay-weighted length (with half-life `h` seconds, a
/// window of length `L` holds `h/ln 2 · (1 − 2^(−L/h))` seconds of full-weight time), at least a day: a few
/// reactions within minutes say little about a week, and must not be extrapolated to hundreds.
pub fn effective_weeks(length_secs: f64, half_life_secs: Option<f64>) -> f64 {
    let l = length_secs.max(86_400.0);
    let eff = match half_life_secs {
        Some(h) if h > 0.0 => h / std::f64::consts::LN_2 * (1.0 - (-l / h).exp2()),
        _ => l,
    };
    eff / WEEK
}

/// The recent window's length in seconds: the last quarter of the window, at most 7 days, at least an
/// hour.
pub fn recent_secs(length_secs: f64) -> f64 {
    (length_secs / 4.0).clamp(3600.0, WEEK)
}

/// The feature vector of one account.
pub(crate) fn feature_row(
    raw: &[f64; 5],
    activity: [f64; 5],
    authenticity: f64,
    weeks: f64,
    recent_weeks: f64,
) -> [f64; Feature::COUNT] {
    let rate = |v: f64| (1.0 + v.max(0.0) / weeks).ln();
    let [engagement, recent, made, invited, addressing] = activity;
    [
        rate(raw[Component::Audience.index()]),
        rate(raw[Component::Amplification.index()]),
        rate(raw[Component::Conversation.index()]),
        (1.0 + raw[Component::Authority.index()].max(0.0)).ln(),
        raw[Component::Reach.index()].max(0.0),
        rate(engagement),
        (1.0 + recent.max(0.0) / recent_weeks).ln(),
        rate(made),
        authenticity.clamp(0.0, 1.0),
        rate(invited),
        rate(addressing),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_points_double_when_the_scale_says_so() {
        let s = Scale {
            anchor_score: 25.0,
            anchor_expected: 2.0,
            points_per_doubling: 10.0,
        };
        assert!((s.score(2f64.ln()) - 25.0).abs() < 1e-12);
        assert!((s.score(4f64.ln()) - 35.0).abs() < 1e-12);
        assert!((s.expected_at(45.0) - 8.0).abs() < 1e-9);
        assert_eq!(s.score(1e6f64.ln()), 100.0);
        assert_eq!(s.score(-50.0), 1.0);
    }

    #[test]
    fn effective_length_saturates_with_decay() {
        let week = effective_weeks(WEEK, None);
        assert!((week - 1.0).abs() < 1e-12);
        // With a 7-day half-life a year-long window weighs about 7/ln 2 ≈ 10.1 days.
        // A window of minutes counts as a day.
        assert_eq!(
            effective_weeks(250.0, Some(WEEK)),
            effective_weeks(86_400.0, Some(WEEK))
        );
        assert_eq!(effective_weeks(250.0, None), 1.0 / 7.0);
        let year = effective_weeks(365.0 * 86_400.0, Some(WEEK));
        assert!((year - 1.0 / std::f64::consts::LN_2).abs() < 1e-3, "{year}");
        assert_eq!(recent_secs(1e9), WEEK);
        assert_eq!(recent_secs(4.0 * 86_400.0), 86_400.0);
    }
}
