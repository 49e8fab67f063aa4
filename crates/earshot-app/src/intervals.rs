//! Paired bootstrap intervals for "is A better than B on the same cases?": the doubling prediction's
//! accuracy against its baselines, and a reach forecast's CRPS against the crowd's and the last size's.

use rand_xoshiro::rand_core::{Rng, SeedableRng};

/// 95% percentile bootstrap intervals of the mean of `values` minus the mean of each of `others` (an
/// empty slice: minus nothing, the interval of the mean itself), all on the same `resamples` draws of
/// the cases with replacement, seeded so reruns agree. `others` are per case, aligned with `values`.
pub fn paired_mean_differences<const N: usize>(
    values: &[f64],
    others: [&[f64]; N],
    resamples: usize,
    seed: u64,
) -> [[f64; 2]; N] {
    let n = values.len();
    if n == 0 || resamples == 0 {
        return [[f64::NAN; 2]; N];
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut draws: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(resamples));
    for _ in 0..resamples {
        let mut sums = [0.0; N];
        for _ in 0..n {
            let i = ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
            for (s, o) in sums.iter_mut().zip(others) {
                *s += values[i] - o.get(i).copied().unwrap_or(0.0);
            }
        }
        for (d, s) in draws.iter_mut().zip(sums) {
            d.push(s / n as f64);
        }
    }
    draws.map(|mut v| {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        [at(0.025), at(0.975)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_hold_the_mean_and_a_sure_lead_stays_positive() {
        let right: Vec<f64> = (0..200).map(|i| f64::from(u8::from(i % 4 != 0))).collect();
        let none = vec![0.0; 200];
        let [acc, over_none, over_self] =
            paired_mean_differences(&right, [&[], &none, &right], 1000, 7);
        assert!(acc[0] < 0.75 && 0.75 < acc[1], "{acc:?}");
        assert!(acc[1] - acc[0] < 0.2);
        assert_eq!(over_none, acc, "minus zeros is the mean itself");
        assert_eq!(over_self, [0.0, 0.0]);
        assert_eq!(
            paired_mean_differences(&right, [&[], &none, &right], 1000, 7)[0],
            acc,
            "seeded"
        );
        assert!(paired_mean_differences(&[], [&none], 10, 1)[0][0].is_nan());
    }
}
