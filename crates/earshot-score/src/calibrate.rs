//! Percentiles within the scored population.

/// Percentile of each value among `raw`, in [0, 1]: the share of the population below it, ties counted
/// half. A value of 0 (nothing earned) is percentile 0, so a population where most accounts earned
/// nothing does not hand those accounts a middling rank. Raising one value never lowers its percentile.
pub fn percentiles(raw: &[f64]) -> Vec<f64> {
    percentiles_among(raw, None)
}

/// [`percentiles`] taken over the accounts `counted` marks (all when `None`): accounts outside it
/// still get a percentile (the share of the counted population below them, ties half) but do not
/// enter anyone else's. Accounts judged fake are left out this way, so that creating a thousand empty
/// accounts cannot lift everyone else's rank by making the population bigger.
pub fn percentiles_among(raw: &[f64], counted: Option<&[bool]>) -> Vec<f64> {
    let n = raw.len();
    let is_counted = |i: usize| counted.is_none_or(|c| c.get(i).copied().unwrap_or(true));
    let mut pop: Vec<f64> = (0..n).filter(|&i| is_counted(i)).map(|i| raw[i]).collect();
    if pop.is_empty() {
        return vec![0.0; n];
    }
    pop.sort_by(f64::total_cmp);
    let m = pop.len() as f64;
    raw.iter()
        .map(|&v| {
            if v <= 0.0 {
                return 0.0;
            }
            let below = pop.partition_point(|&x| x < v);
            let ties = pop.partition_point(|&x| x <= v) - below;
            (below as f64 + 0.5 * ties as f64) / m
        })
        .collect()
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
    fn uncounted_accounts_do_not_enter_others_percentiles() {
        let raw = [0.0, 1.0, 2.0, 3.0, 0.0, 0.0];
        let all = percentiles(&raw);
        let counted = [true, true, true, true, false, false];
        let some = percentiles_among(&raw, Some(&counted));
        // Two uncounted zeros made the population bigger and everyone's share larger; leaving them out
        // measures against the four counted accounts only.
        assert!((all[3] - 5.5 / 6.0).abs() < 1e-12);
        assert!((some[3] - 3.5 / 4.0).abs() < 1e-12);
        assert_eq!(percentiles_among(&raw, None), all);
        // An uncounted account still gets a percentile against the counted ones.
        let raw = [1.0, 2.0, 5.0];
        let p = percentiles_among(&raw, Some(&[true, true, false]));
        assert!((p[2] - 1.0).abs() < 1e-12);
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
