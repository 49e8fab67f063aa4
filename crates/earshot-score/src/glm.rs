//! Poisson regression with a log link, fitted by damped Newton steps: the model that turns an account's
//! components into its expected engagement in the next window.
//!
//! Written here rather than taken from a crate: the problem has under a dozen features, must be exactly
//! reproducible (no learning rate, no randomness), and needs one constraint the general-purpose GLM
//! crates do not offer: coefficients that may not be negative, so that more of any component never
//! lowers an expected value (the score's monotonicity promise). The objective is strictly convex, Newton's
//! method reaches its unique optimum in a few dozen steps, and the constraint is handled by an active set:
//! a coefficient that comes out negative is fixed at 0 and the rest refitted.

/// One fitted Poisson model on the caller's (unstandardised) features.
#[derive(Debug, Clone, PartialEq)]
pub struct PoissonFit {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    /// Newton steps taken over all active-set rounds.
    pub iterations: u32,
    /// Mean Poisson deviance per unit weight on the training rows.
    pub deviance: f64,
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlmError {
    #[error("no rows to fit")]
    Empty,
    #[error("row {row} has {found} features, expected {expected}")]
    Shape {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("row {row}: {what} is not a finite number ≥ 0")]
    Value { row: usize, what: &'static str },
    #[error("the outcomes are all 0: nothing to fit")]
    NoEvents,
}

/// One training row: features, the observed count, the exposure it was observed over (the length of the
/// target window in the model's unit) and its weight in the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub x: Vec<f64>,
    pub y: f64,
    pub exposure: f64,
    pub weight: f64,
}

/// Fit log E[y] = log(exposure) + intercept + Σ βⱼ xⱼ by weighted Poisson maximum likelihood with an
/// L2 penalty `l2` on the standardised coefficients (not on the intercept). Coefficients marked in
/// `non_negative` are kept ≥ 0.
pub fn fit_poisson(rows: &[Row], l2: f64, non_negative: &[bool]) -> Result<PoissonFit, GlmError> {
    let n = rows.len();
    if n == 0 {
        return Err(GlmError::Empty);
    }
    let d = rows[0].x.len();
    for (i, r) in rows.iter().enumerate() {
        if r.x.len() != d {
            return Err(GlmError::Shape {
                row: i,
                expected: d,
                found: r.x.len(),
            });
        }
        if r.x.iter().any(|v| !v.is_finite()) {
            return Err(GlmError::Value {
                row: i,
                what: "a feature",
            });
        }
        for (what, v) in [
            ("the outcome", r.y),
            ("the exposure", r.exposure),
            ("the weight", r.weight),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(GlmError::Value { row: i, what });
            }
        }
    }
    let total_w: f64 = rows.iter().map(|r| r.weight).sum();
    if rows.iter().all(|r| r.y * r.weight == 0.0) || total_w <= 0.0 {
        return Err(GlmError::NoEvents);
    }
    // Standardise each feature (weighted mean and sd) so that one penalty fits all and Newton's
    // system is well conditioned; the sign of a coefficient survives the change of scale.
    let mut mean = vec![0.0; d];
    let mut sd = vec![0.0; d];
    for r in rows {
        for (m, x) in mean.iter_mut().zip(&r.x) {
            *m += r.weight * x / total_w;
        }
    }
    for r in rows {
        for ((s, m), x) in sd.iter_mut().zip(&mean).zip(&r.x) {
            *s += r.weight * (x - m).powi(2) / total_w;
        }
    }
    // A feature that never varies cannot be told from the intercept: it stays out (coefficient 0).
    let mut free: Vec<bool> = sd.iter().map(|v| *v > 1e-18).collect();
    let sd: Vec<f64> = sd
        .iter()
        .map(|v| if *v > 1e-18 { v.sqrt() } else { 1.0 })
        .collect();
    let z: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| (0..d).map(|j| (r.x[j] - mean[j]) / sd[j]).collect())
        .collect();

    let mut iterations = 0;
    loop {
        let (theta, steps) = newton(rows, &z, &free, l2, total_w);
        iterations += steps;
        // The most negative constrained coefficient leaves the model; the rest are refitted.
        let worst = (0..d)
            .filter(|&j| free[j] && non_negative.get(j).copied().unwrap_or(false))
            .filter(|&j| theta[j + 1] < 0.0)
            .min_by(|&a, &b| theta[a + 1].total_cmp(&theta[b + 1]));
        if let Some(j) = worst {
            free[j] = false;
            continue;
        }
        let coefficients: Vec<f64> = (0..d).map(|j| theta[j + 1] / sd[j]).collect();
        let intercept = theta[0] - (0..d).map(|j| coefficients[j] * mean[j]).sum::<f64>();
        let deviance = rows
            .iter()
            .map(|r| {
                let eta = intercept
                    + r.x
                        .iter()
                        .zip(&coefficients)
                        .map(|(x, b)| x * b)
                        .sum::<f64>();
                r.weight * poisson_deviance(r.y, r.exposure * eta.exp())
            })
            .sum::<f64>()
            / total_w;
        return Ok(PoissonFit {
            intercept,
            coefficients,
            iterations,
            deviance,
        });
    }
}

/// Unit Poisson deviance 2·(y·ln(y/μ) − (y − μ)).
pub fn poisson_deviance(y: f64, mu: f64) -> f64 {
    let mu = mu.max(1e-300);
    let term = if y > 0.0 { y * (y / mu).ln() } else { 0.0 };
    2.0 * (term - (y - mu))
}

/// Damped Newton on standardised features `z`, only the `free` coefficients moving. Returns θ =
/// (intercept, β on standardised features) and the steps taken.
fn newton(rows: &[Row], z: &[Vec<f64>], free: &[bool], l2: f64, total_w: f64) -> (Vec<f64>, u32) {
    let d = free.len();
    let idx: Vec<usize> = std::iter::once(0)
        .chain((0..d).filter(|&j| free[j]).map(|j| j + 1))
        .collect();
    let m = idx.len();
    // Start the intercept at the pooled log-rate, the optimum with every coefficient at 0.
    let (ys, es): (f64, f64) = rows.iter().fold((0.0, 0.0), |(a, b), r| {
        (a + r.weight * r.y, b + r.weight * r.exposure)
    });
    let mut theta = vec![0.0; d + 1];
    theta[0] = (ys / es.max(1e-300)).max(1e-300).ln();
    let coord = |i: usize, j: usize| if j == 0 { 1.0 } else { z[i][j - 1] };
    let objective = |theta: &[f64]| -> f64 {
        let mut f = 0.0;
        for (i, r) in rows.iter().enumerate() {
            let eta: f64 = idx.iter().map(|&j| theta[j] * coord(i, j)).sum();
            f += r.weight * (r.exposure * eta.exp() - r.y * eta);
        }
        f / total_w + 0.5 * l2 * idx[1..].iter().map(|&j| theta[j] * theta[j]).sum::<f64>()
    };
    let mut current = objective(&theta);
    let mut steps = 0;
    for _ in 0..200 {
        steps += 1;
        let mut grad = vec![0.0; m];
        let mut hess = vec![0.0; m * m];
        for (i, r) in rows.iter().enumerate() {
            let eta: f64 = idx.iter().map(|&j| theta[j] * coord(i, j)).sum();
            let mu = r.exposure * eta.exp();
            let (g, h) = (r.weight * (mu - r.y) / total_w, r.weight * mu / total_w);
            for a in 0..m {
                let xa = coord(i, idx[a]);
                grad[a] += g * xa;
                for b in 0..=a {
                    hess[a * m + b] += h * xa * coord(i, idx[b]);
                }
            }
        }
        for a in 1..m {
            grad[a] += l2 * theta[idx[a]];
            hess[a * m + a] += l2;
        }
        for a in 0..m {
            for b in 0..a {
                hess[b * m + a] = hess[a * m + b];
            }
            hess[a * m + a] += 1e-12;
        }
        let Some(step) = solve(hess, grad, m) else {
            break;
        };
        // Halve the step until the objective does not rise: Newton on exp can overshoot far from
        // the optimum.
        let mut t = 1.0;
        let mut accepted = false;
        while t > 1e-8 {
            let mut next = theta.clone();
            for a in 0..m {
                next[idx[a]] -= t * step[a];
            }
            let f = objective(&next);
            if f.is_finite() && f <= current + 1e-15 {
                let moved = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
                theta = next;
                current = f;
                accepted = moved >= 1e-10;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    (theta, steps)
}

/// Solve `a s = b` (`a` row-major m×m) by Gaussian elimination with partial pivoting; `None` when the
/// system is singular.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, m: usize) -> Option<Vec<f64>> {
    for col in 0..m {
        let pivot =
            (col..m).max_by(|&i, &j| a[i * m + col].abs().total_cmp(&a[j * m + col].abs()))?;
        if a[pivot * m + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for k in 0..m {
                a.swap(pivot * m + k, col * m + k);
            }
            b.swap(pivot, col);
        }
        for i in col + 1..m {
            let f = a[i * m + col] / a[col * m + col];
            if f != 0.0 {
                for k in col..m {
                    a[i * m + k] -= f * a[col * m + k];
                }
                b[i] -= f * b[col];
            }
        }
    }
    let mut s = vec![0.0; m];
    for i in (0..m).rev() {
        let tail: f64 = (i + 1..m).map(|k| a[i * m + k] * s[k]).sum();
        s[i] = (b[i] - tail) / a[i * m + i];
    }
    s.iter().all(|v| v.is_finite()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};

    /// A Poisson draw by inversion (small means only).
    fn poisson(rng: &mut rand_xoshiro::Xoshiro256PlusPlus, mu: f64) -> f64 {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let (mut k, mut p) = (0u32, (-mu).exp());
        let mut cdf = p;
        while u > cdf && k < 10_000 {
            k += 1;
            p *= mu / k as f64;
            cdf += p;
        }
        k as f64
    }

    fn uniform(rng: &mut rand_xoshiro::Xoshiro256PlusPlus) -> f64 {
        (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn recovers_known_coefficients_with_exposure() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let (b0, b) = (-0.5, [0.8, -0.4, 0.0]);
        let rows: Vec<Row> = (0..20_000)
            .map(|_| {
                let x: Vec<f64> = (0..3).map(|_| 2.0 * uniform(&mut rng)).collect();
                let exposure = 0.5 + uniform(&mut rng);
                let eta = b0 + x.iter().zip(b).map(|(x, b)| x * b).sum::<f64>();
                Row {
                    y: poisson(&mut rng, exposure * f64::exp(eta)),
                    x,
                    exposure,
                    weight: 1.0,
                }
            })
            .collect();
        let f = fit_poisson(&rows, 0.0, &[false; 3]).unwrap();
        assert!((f.intercept - b0).abs() < 0.05, "{f:?}");
        for (got, want) in f.coefficients.iter().zip(b) {
            assert!((got - want).abs() < 0.05, "{f:?}");
        }
        // Constrained: the negative coefficient is fixed at 0, the positive one stays positive.
        let c = fit_poisson(&rows, 0.0, &[true; 3]).unwrap();
        assert_eq!(c.coefficients[1], 0.0);
        assert!(c.coefficients[0] > 0.5 && c.coefficients[2] >= 0.0, "{c:?}");
        assert!(c.deviance >= f.deviance - 1e-9);
    }

    #[test]
    fn weights_count_like_repeated_rows() {
        let row = |x: f64, y: f64, weight: f64| Row {
            x: vec![x],
            y,
            exposure: 1.0,
            weight,
        };
        let weighted =
            fit_poisson(&[row(0.0, 1.0, 3.0), row(1.0, 5.0, 1.0)], 0.0, &[false]).unwrap();
        let repeated = fit_poisson(
            &[
                row(0.0, 1.0, 1.0),
                row(0.0, 1.0, 1.0),
                row(0.0, 1.0, 1.0),
                row(1.0, 5.0, 1.0),
            ],
            0.0,
            &[false],
        )
        .unwrap();
        assert!((weighted.intercept - repeated.intercept).abs() < 1e-6);
        assert!((weighted.coefficients[0] - repeated.coefficients[0]).abs() < 1e-6);
        // Saturated two-group model: exp(intercept) is the first group's mean, the slope the log ratio.
        assert!((weighted.intercept - 0.0).abs() < 1e-6);
        assert!((weighted.coefficients[0] - 5f64.ln()).abs() < 1e-6);
    }

    #[test]
    fn bad_rows_are_errors_naming_the_row() {
        let ok = Row {
            x: vec![1.0],
            y: 1.0,
            exposure: 1.0,
            weight: 1.0,
        };
        assert_eq!(fit_poisson(&[], 0.0, &[]), Err(GlmError::Empty));
        let mut bad = ok.clone();
        bad.exposure = -1.0;
        assert_eq!(
            fit_poisson(&[ok.clone(), bad], 0.0, &[false]),
            Err(GlmError::Value {
                row: 1,
                what: "the exposure"
            })
        );
        let mut zero = ok.clone();
        zero.y = 0.0;
        assert_eq!(fit_poisson(&[zero], 0.0, &[false]), Err(GlmError::NoEvents));
        let mut short = ok.clone();
        short.x.clear();
        assert!(matches!(
            fit_poisson(&[ok, short], 0.0, &[false]),
            Err(GlmError::Shape { row: 1, .. })
        ));
    }
}
