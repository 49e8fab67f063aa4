//! Fitting a score model's predictor from backtest splits: features from a training window,
//! the engagement that followed in the next window.

use crate::glm::{fit_poisson, GlmError, Row};
use crate::predict::{Feature, Predictor};

/// One account in one split: its features at the split, what it received in the window after, and
/// that window's length in weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub features: [f64; Feature::COUNT],
    pub received: f64,
    pub weeks: f64,
    /// Its weight in the fit (datasets are usually weighted to count equally).
    pub weight: f64,
    /// Which dataset it comes from (0, 1, …): each dataset gets its own level in the fit, so that the
    /// coefficients say how engagement varies *within* a dataset, not between datasets whose levels
    /// differ for reasons no account feature explains.
    pub group: usize,
}

/// Fit the predictor on `samples` with ridge penalty `l2`, using only the features in `use_features`;
/// every coefficient is kept ≥ 0. With several groups, each has its own level (a fixed effect) and the
/// predictor's intercept is the mean of the groups' levels.
pub fn fit_predictor(
    samples: &[Sample],
    l2: f64,
    use_features: &[Feature],
    fitted_on: String,
) -> Result<Predictor, GlmError> {
    let groups = samples.iter().map(|s| s.group + 1).max().unwrap_or(1);
    let d = use_features.len();
    let rows: Vec<Row> = samples
        .iter()
        .map(|s| Row {
            x: use_features
                .iter()
                .map(|f| s.features[f.index()])
                .chain((1..groups).map(|g| if s.group == g { 1.0 } else { 0.0 }))
                .collect(),
            y: s.received,
            exposure: s.weeks,
            weight: s.weight,
        })
        .collect();
    let constrained: Vec<bool> = (0..d + groups - 1).map(|j| j < d).collect();
    let fit = fit_poisson(&rows, l2, &constrained)?;
    let levels: f64 = fit.coefficients[d..].iter().sum::<f64>() / groups as f64;
    Ok(Predictor {
        intercept: fit.intercept + levels,
        coefficients: use_features
            .iter()
            .zip(&fit.coefficients)
            .map(|(f, b)| (*f, *b))
            .collect(),
        fitted_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predictor_uses_only_the_features_asked_for() {
        let samples: Vec<Sample> = (0..200)
            .map(|i| {
                let mut features = [0.0; Feature::COUNT];
                features[Feature::Audience.index()] = (i % 10) as f64 / 5.0;
                features[Feature::Recent.index()] = (i % 7) as f64;
                Sample {
                    received: (features[Feature::Audience.index()] * 0.7).exp().round(),
                    features,
                    weeks: 1.0,
                    weight: 1.0,
                    group: 0,
                }
            })
            .collect();
        let p = fit_predictor(&samples, 0.0, &[Feature::Audience], "test".into()).unwrap();
        assert_eq!(p.coefficients.len(), 1);
        assert!(p.coefficient(Feature::Audience) > 0.5, "{p:?}");
        assert_eq!(p.coefficient(Feature::Recent), 0.0);
    }
}
