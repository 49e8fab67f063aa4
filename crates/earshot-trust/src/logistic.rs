//! L2-regularised logistic regression fitted by Newton's method.
//!
//! Written here rather than taken from a machine-learning crate because the problem is tiny (a few
//! thousand labelled accounts, under 32 features) and must be exactly reproducible: Newton's method on
//! this strictly convex objective converges in ~10 steps to the unique optimum, with no learning rate
//! and no randomness, and a dense Cholesky solve of a d×d system is a dozen lines.

/// Fitted coefficients on standardised features.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub intercept: f64,
    pub weights: Vec<f64>,
    /// Newton steps taken.
    pub iterations: u32,
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("no training rows")]
    Empty,
    #[error("rows have {found} features, expected {expected}")]
    Shape { expected: usize, found: usize },
    #[error("the labels are all {0}: a classifier needs both classes")]
    OneClass(bool),
    #[error("a feature value is not finite")]
    NotFinite,
}

/// The logistic function, stable at both ends.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Minimise the log-loss (each row's weighted by `w`, all 1 when `None`) + `l2 / 2 · |w|²` over rows
/// `x` (each of length `d`) with labels `y`. The intercept is not penalised.
pub fn fit(x: &[Vec<f64>], y: &[bool], w: Option<&[f64]>, l2: f64) -> Result<Fit, FitError> {
    let n = x.len();
    if n == 0 || y.len() != n || w.is_some_and(|w| w.len() != n) {
        return Err(FitError::Empty);
    }
    if w.is_some_and(|w| w.iter().any(|v| !(v.is_finite() && *v >= 0.0))) {
        return Err(FitError::NotFinite);
    }
    let d = x[0].len();
    if let Some(r) = x.iter().find(|r| r.len() != d) {
        return Err(FitError::Shape {
            expected: d,
            found: r.len(),
        });
    }
    if x.iter().flatten().any(|v| !v.is_finite()) {
        return Err(FitError::NotFinite);
    }
    if y.iter().all(|&b| b == y[0]) {
        return Err(FitError::OneClass(y[0]));
    }
    // θ = (intercept, w); the design has a leading 1.
    let m = d + 1;
    let mut theta = vec![0.0; m];
    let row = |i: usize, j: usize| if j == 0 { 1.0 } else { x[i][j - 1] };
    let mut iterations = 0;
    for _ in 0..100 {
        iterations += 1;
        let mut grad = vec![0.0; m];
        let mut hess = vec![0.0; m * m];
        for (i, &yi) in y.iter().enumerate() {
            let z: f64 = (0..m).map(|j| theta[j] * row(i, j)).sum();
            let p = sigmoid(z);
            let wi = w.map_or(1.0, |w| w[i]);
            let r = wi * (p - if yi { 1.0 } else { 0.0 });
            let s = wi * (p * (1.0 - p)).max(1e-12);
            for j in 0..m {
                let xj = row(i, j);
                grad[j] += r * xj;
                for k in 0..=j {
                    hess[j * m + k] += s * xj * row(i, k);
                }
            }
        }
        for j in 1..m {
            grad[j] += l2 * theta[j];
            hess[j * m + j] += l2;
        }
        for j in 0..m {
            for k in 0..j {
                hess[k * m + j] = hess[j * m + k];
            }
        }
        let step = solve_spd(&mut hess, &grad, m);
        let mut change = 0.0f64;
        for j in 0..m {
            theta[j] -= step[j];
            change = change.max(step[j].abs());
        }
        if change < 1e-10 {
            break;
        }
    }
    Ok(Fit {
        intercept: theta[0],
        weights: theta[1..].to_vec(),
        iterations,
    })
}

/// Solve `A s = b` for symmetric positive-definite `A` (row-major, overwritten) by Cholesky. A tiny
/// ridge keeps a separable or constant column from breaking the factorisation.
fn solve_spd(a: &mut [f64], b: &[f64], m: usize) -> Vec<f64> {
    for j in 0..m {
        a[j * m + j] += 1e-9;
    }
    // A = L Lᵀ, L in the lower triangle.
    for j in 0..m {
        let mut diag = a[j * m + j];
        for k in 0..j {
            diag -= a[j * m + k] * a[j * m + k];
        }
        let l = diag.max(1e-12).sqrt();
        a[j * m + j] = l;
        for i in j + 1..m {
            let mut v = a[i * m + j];
            for k in 0..j {
                v -= a[i * m + k] * a[j * m + k];
            }
            a[i * m + j] = v / l;
        }
    }
    let mut z = vec![0.0; m];
    for i in 0..m {
        let mut v = b[i];
        for k in 0..i {
            v -= a[i * m + k] * z[k];
        }
        z[i] = v / a[i * m + i];
    }
    let mut s = vec![0.0; m];
    for i in (0..m).rev() {
        let mut v = z[i];
        for k in i + 1..m {
            v -= a[k * m + i] * s[k];
        }
        s[i] = v / a[i * m + i];
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_coefficients() {
        // Labels drawn from p = sigmoid(-0.5 + 2 x0 - 1 x1) on a deterministic grid, with frequencies
        // instead of draws: each grid point appears 200 times with round(200 p) positives.
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for a in -10..=10 {
            for b in -10..=10 {
                let (x0, x1) = (f64::from(a) / 5.0, f64::from(b) / 5.0);
                let p = sigmoid(-0.5 + 2.0 * x0 - x1);
                let pos = (200.0 * p).round() as usize;
                for k in 0..200 {
                    x.push(vec![x0, x1]);
                    y.push(k < pos);
                }
            }
        }
        let f = fit(&x, &y, None, 0.0).unwrap();
        assert!((f.intercept + 0.5).abs() < 0.01, "{f:?}");
        assert!((f.weights[0] - 2.0).abs() < 0.01, "{f:?}");
        assert!((f.weights[1] + 1.0).abs() < 0.01, "{f:?}");
        assert!(f.iterations < 20);
    }

    #[test]
    fn separable_data_stays_finite_with_a_penalty() {
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![f64::from(i)]).collect();
        let y: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let f = fit(&x, &y, None, 1.0).unwrap();
        assert!(f.weights[0].is_finite() && f.weights[0] > 0.0);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert_eq!(fit(&[], &[], None, 1.0), Err(FitError::Empty));
        assert_eq!(
            fit(&[vec![1.0], vec![2.0]], &[true, true], None, 1.0),
            Err(FitError::OneClass(true))
        );
        assert!(matches!(
            fit(&[vec![1.0], vec![2.0, 3.0]], &[true, false], None, 1.0),
            Err(FitError::Shape { .. })
        ));
        assert_eq!(
            fit(&[vec![f64::NAN], vec![2.0]], &[true, false], None, 1.0),
            Err(FitError::NotFinite)
        );
    }
}
