//! Percentiles within the scored population.

/// Percentile of each value among `raw`, in [0, 1]: the share of the population below it, ties counted
/// half. A value of 0 (nothing earned) is percentile 0, so a population where most accounts earned
/// nothing does not hand those accounts a middling rank. Raising one value never lowers its percentile.
pub fn percentiles(raw: &[f64]) -> Vec<f64> {
    let n = raw.len();
    if n == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
    let mut pct = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && raw[order[j + 1]] == raw[order[i]] {
            j += 1;
        }
        let ties = (j - i + 1) as f64;
        let value = if raw[order[i]] > 0.0 {
            (i as f64 + 0.5 * ties) / n as f64
        } else {
            0.0
        };
        for &k in &order[i..=j] {
            pct[k] = value;
        }
        i = j + 1;
    }
    pct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_rank_zero_and_ties_share() {
        let p = percentiles(&[0.0, 0.0, 1.0, 2.0, 2.0, 5.0]);
        assert_eq!(p[0], 0.0);
        assert_eq!(p[1], 0.0);
        assert!((p[2] - 2.5 / 6.0).abs() < 1e-12);
        assert_eq!(p[3], p[4]);
        assert!((p[3] - 4.0 / 6.0).abs() < 1e-12);
        assert!((p[5] - 5.5 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn raising_a_value_never_lowers_its_percentile() {
        let base = vec![0.3, 1.0, 2.0, 0.0, 7.0, 2.0];
        for i in 0..base.len() {
            for bump in [0.0, 0.5, 1.0, 10.0] {
                let mut up = base.clone();
                up[i] += bump;
                assert!(percentiles(&up)[i] >= percentiles(&base)[i]);
            }
        }
    }
}
