//! Interaction times: `M` sorted draws from a density with a daily cycle, produced one at a time.
//!
//! Drawing M times and sorting them would hold M values in memory. Instead we produce the sorted sample
//! directly: if `u` is the previous sorted uniform and `k` draws remain, the next one is
//! `1 - (1 - u) * U^(1/k)` for a fresh uniform `U` (the minimum of `k` uniforms on `[u, 1)`). Each uniform is
//! then mapped through the inverse of the cumulative daily-cycle intensity, which keeps the order. The result
//! has exactly M times, spread over exactly the period, in nondecreasing order, using O(1) memory.

use crate::random::Stream;
use earshot_model::Timestamp;

/// Hour of day (UTC) with the most activity.
pub(crate) const PEAK_HOUR: f64 = 20.0;
/// Relative swing of the daily cycle: the peak rate is (1+AMP)/(1-AMP) = 4 times the trough.
pub(crate) const AMPLITUDE: f64 = 0.6;

const MINUTES: usize = 1440;

/// Relative activity at `hour` (0..24, UTC).
pub(crate) fn rate(hour: f64) -> f64 {
    1.0 + AMPLITUDE * (std::f64::consts::TAU * (hour - PEAK_HOUR) / 24.0).cos()
}

pub(crate) struct Clock {
    start: Timestamp,
    days: u64,
    /// `cum[m]`: activity from midnight to minute `m`; `cum[MINUTES]` is one day's total.
    cum: Vec<f64>,
    remaining: u64,
    /// `1 - u` for the last uniform: kept in this form so precision is best near the end of the period.
    tail: f64,
    last: Timestamp,
}

impl Clock {
    pub(crate) fn new(start: Timestamp, days: u32, count: u64) -> Self {
        let mut cum = Vec::with_capacity(MINUTES + 1);
        let mut acc = 0.0;
        cum.push(acc);
        for m in 0..MINUTES {
            acc += rate((m as f64 + 0.5) / 60.0);
            cum.push(acc);
        }
        Clock {
            start,
            days: u64::from(days),
            cum,
            remaining: count,
            tail: 1.0,
            last: start,
        }
    }

    /// The next time; call at most `count` times.
    pub(crate) fn next(&mut self, rng: &mut Stream) -> Timestamp {
        let k = self.remaining.max(1) as f64;
        self.remaining = self.remaining.saturating_sub(1);
        self.tail *= (rng.f64_open0().ln() / k).exp();
        let t = self.at(1.0 - self.tail);
        // Guard against rounding at day and minute boundaries: the stream must never go back in time.
        let t = t.max(self.last);
        self.last = t;
        t
    }

    /// Time at which a fraction `u` (0..1) of the period's activity has happened.
    fn at(&self, u: f64) -> Timestamp {
        let per_day = self.cum[MINUTES];
        let target = u.clamp(0.0, 1.0) * per_day * self.days as f64;
        let day = ((target / per_day) as u64).min(self.days - 1);
        let within = (target - day as f64 * per_day).clamp(0.0, per_day);
        // First minute whose end is past `within`.
        let m = self.cum[1..]
            .partition_point(|c| *c <= within)
            .min(MINUTES - 1);
        let frac = ((within - self.cum[m]) / (self.cum[m + 1] - self.cum[m])).clamp(0.0, 1.0);
        let sec = (((m as f64 + frac) * 60.0) as i64).min(86_399);
        self.start + day as i64 * 86_400 + sec
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Purpose;

    #[test]
    fn times_are_sorted_and_inside_the_period() {
        let start = 1_700_000_000;
        for (days, n) in [(1, 1), (1, 5_000), (7, 100_000), (3, 17)] {
            let mut c = Clock::new(start, days, n);
            let mut rng = Stream::new(3, Purpose::Times);
            let mut prev = start;
            let mut last = start;
            for _ in 0..n {
                let t = c.next(&mut rng);
                assert!(t >= prev && t < start + i64::from(days) * 86_400);
                prev = t;
                last = t;
            }
            if n >= 5_000 {
                // The sample fills the period: the last time falls in the last hour or so.
                assert!(
                    last > start + i64::from(days) * 86_400 - 3_600,
                    "{days} days, last {last}"
                );
            }
        }
    }

    #[test]
    fn evenings_are_busier_than_mornings() {
        let start = 1_700_006_400;
        assert_eq!(earshot_model::format_utc(start), "2023-11-15 00:00:00");
        let n = 200_000;
        let mut c = Clock::new(start, 10, n);
        let mut rng = Stream::new(5, Purpose::Times);
        let mut by_hour = [0u32; 24];
        for _ in 0..n {
            by_hour[((c.next(&mut rng) - start) % 86_400 / 3_600) as usize] += 1;
        }
        let ratio = f64::from(by_hour[20]) / f64::from(by_hour[8]);
        assert!((3.0..5.0).contains(&ratio), "{by_hour:?}");
    }
}
