//! The Graph500 R-MAT edge generator, with per-level noise, and its vertex-id scramble.
//!
//! R-MAT picks a cell of the `2^scale x 2^scale` adjacency matrix by descending one quadrant per bit, with
//! probabilities a (top-left), b (top-right), c (bottom-left), d (bottom-right). With Graph500's a=0.57,
//! b=c=0.19, d=0.05 a row (actor) or column (target) bit is 0 with probability 0.76, so an account's expected
//! degree falls by a factor 0.24/0.76 per 1-bit in its raw id: a few accounts are hubs, most are quiet.
//! Raw id 0 would be the biggest hub, so Graph500 passes ids through a seeded bijection (`scramble`) to spread
//! hubs over the id space, as real platform ids are.
//!
//! Plain R-MAT gives every id with the same number of 1-bits the same expected degree, so its degrees come in
//! `scale + 1` classes a factor 3.2 apart: a staircase no real network shows (the top of the demo had twelve
//! accounts at one level and nobody for 9 score points below them). Seshadhri, Pinar and Kolda ("An in-depth
//! analysis of stochastic Kronecker graphs", J. ACM 60(2), 2013, section 8, "noisy SKG") smooth it by
//! perturbing the initiator at each level by its own `mu` drawn uniformly from `[-noise, noise]`:
//! `a - 2 mu a/(a+d)`, `b + mu`, `c + mu`, `d - 2 mu d/(a+d)`, which keeps the sum 1 and b = c. Ids in one class
//! then have different expected degrees, because their 1-bits sit at different levels. They recommend
//! `noise = 0.1`, our default; 0 gives Graph500's generator exactly.

use crate::random::Stream;

/// Graph500 initiator probabilities.
pub(crate) const A: f64 = 0.57;
pub(crate) const B: f64 = 0.19;
pub(crate) const C: f64 = 0.19;
pub(crate) const D: f64 = 1.0 - A - B - C;

/// Largest per-level noise: beyond it `b + mu` could fall below 0.
pub(crate) const MAX_NOISE: f64 = B;

/// Scales up to this many levels (`MAX_SCALE` is 31).
const LEVELS: usize = 32;

/// One level's quadrant thresholds on a 32-bit uniform (below `0` top-left, below `1` top-right, below `2`
/// bottom-left, else bottom-right) and its probability that an id's bit is 0 (`a + b`, equal to `a + c`).
#[derive(Clone, Copy, Default)]
struct Level {
    thresholds: [u32; 3],
    p_zero: f64,
}

impl Level {
    fn new(mu: f64) -> Self {
        let a = A - 2.0 * mu * A / (A + D);
        let (b, c) = (B + mu, C + mu);
        // Probabilities given to two decimals (plus a uniform mu): 32 bits is ample precision.
        let t = |p: f64| (p * 4_294_967_296.0).min(4_294_967_295.0) as u32;
        Level {
            thresholds: [t(a), t(a + b), t(a + b + c)],
            p_zero: a + b,
        }
    }
}

pub(crate) struct Rmat {
    scale: u32,
    val0: u64,
    val1: u64,
    /// Level 0 is the first quadrant choice, i.e. the most significant bit of the raw ids.
    levels: [Level; LEVELS],
}

impl Rmat {
    /// `scale` must be 1..=31 and `noise` in `[0, MAX_NOISE]` (both checked by the caller). The noise stream
    /// is read only when `noise > 0`.
    pub(crate) fn new(
        scale: u32,
        noise: f64,
        scramble_stream: &mut Stream,
        noise_stream: &mut Stream,
    ) -> Self {
        let mut levels = [Level::default(); LEVELS];
        for level in levels.iter_mut().take(scale as usize) {
            let mu = if noise > 0.0 {
                noise * (2.0 * noise_stream.f64() - 1.0)
            } else {
                0.0
            };
            *level = Level::new(mu);
        }
        Rmat {
            scale,
            val0: scramble_stream.u64(),
            val1: scramble_stream.u64(),
            levels,
        }
    }

    /// A raw (unscrambled) `(row, column)` cell. Each quadrant choice takes 32 random bits.
    #[inline]
    pub(crate) fn raw_edge(&self, rng: &mut Stream) -> (u64, u64) {
        let (mut row, mut col) = (0u64, 0u64);
        let mut word = 0u64;
        for (bit, level) in self.levels[..self.scale as usize].iter().enumerate() {
            if bit % 2 == 0 {
                word = rng.u64();
            } else {
                word >>= 32;
            }
            let x = word as u32;
            // Branch-free quadrant choice (the branches are unpredictable by design): below the first
            // threshold (0,0), below the second (0,1), below the third (1,0), else (1,1).
            let [t_a, t_ab, t_abc] = level.thresholds;
            let (ge_a, ge_ab, ge_abc) = (
                u64::from(x >= t_a),
                u64::from(x >= t_ab),
                u64::from(x >= t_abc),
            );
            row = (row << 1) | ge_ab;
            col = (col << 1) | (ge_a ^ ge_ab ^ ge_abc);
        }
        (row, col)
    }

    /// Graph500's `scramble` (reference code v2/v3): add, multiply by an odd constant, bit-reverse within
    /// `scale` bits, twice. Each step is a bijection on the low `scale` bits, so the whole is a permutation.
    #[inline]
    pub(crate) fn scramble(&self, v: u64) -> u64 {
        let shift = 64 - self.scale;
        let mut v = v.wrapping_add(self.val0).wrapping_add(self.val1);
        v = v.wrapping_mul(self.val0 | 0x4519_8402_1149_3211);
        v = v.reverse_bits() >> shift;
        v = v.wrapping_mul(self.val1 | 0x3050_8521_02C8_43A5);
        v.reverse_bits() >> shift
    }

    /// Probability that one draw picks `raw` (an unscrambled id) as the row (actor); the same as the column
    /// (target), since every level keeps a+b = a+c.
    pub(crate) fn raw_id_probability(&self, raw: u64) -> f64 {
        let levels = &self.levels[..self.scale as usize];
        levels.iter().enumerate().fold(1.0, |p, (i, level)| {
            let one = (raw >> (self.scale as usize - 1 - i)) & 1 == 1;
            p * if one {
                1.0 - level.p_zero
            } else {
                level.p_zero
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Purpose;

    fn rmat(scale: u32, noise: f64, seed: u64) -> Rmat {
        Rmat::new(
            scale,
            noise,
            &mut Stream::new(seed, Purpose::Scramble),
            &mut Stream::new(seed, Purpose::LevelNoise),
        )
    }

    #[test]
    fn scramble_is_a_permutation() {
        for scale in [1, 2, 5, 12] {
            let r = rmat(scale, 0.1, 9);
            let n = 1u64 << scale;
            let mut seen = vec![false; n as usize];
            for v in 0..n {
                let s = r.scramble(v);
                assert!(s < n);
                assert!(!seen[s as usize], "scale {scale}: {s} hit twice");
                seen[s as usize] = true;
            }
        }
    }

    #[test]
    fn quadrant_frequencies_match_graph500_without_noise() {
        let r = rmat(1, 0.0, 1);
        let mut rng = Stream::new(1, Purpose::Edges);
        let mut counts = [0u32; 4];
        let n = 200_000;
        for _ in 0..n {
            let (row, col) = r.raw_edge(&mut rng);
            counts[(row * 2 + col) as usize] += 1;
        }
        for (got, want) in counts.iter().zip([0.57, 0.19, 0.19, 0.05]) {
            let f = f64::from(*got) / f64::from(n);
            assert!((f - want).abs() < 0.005, "{counts:?}");
        }
    }

    #[test]
    fn id_probabilities_sum_to_one() {
        for noise in [0.0, 0.1, MAX_NOISE] {
            let scale = 10;
            let r = rmat(scale, noise, 3);
            let total: f64 = (0..1u64 << scale).map(|v| r.raw_id_probability(v)).sum();
            assert!((total - 1.0).abs() < 1e-9, "noise {noise}: {total}");
        }
    }

    #[test]
    fn drawn_targets_follow_the_noisy_probabilities() {
        // With noise the ids with one 1-bit no longer share one expected degree; the draws must follow
        // raw_id_probability, which the synthetic profiles are sized by.
        let scale = 4;
        let r = rmat(scale, 0.1, 5);
        let mut rng = Stream::new(5, Purpose::Edges);
        let n = 400_000;
        let mut counts = vec![0u32; 1 << scale];
        for _ in 0..n {
            counts[r.raw_edge(&mut rng).1 as usize] += 1;
        }
        for (raw, &got) in counts.iter().enumerate() {
            let want = r.raw_id_probability(raw as u64) * f64::from(n);
            let sd = want.sqrt();
            assert!(
                (f64::from(got) - want).abs() < 5.0 * sd + 1.0,
                "id {raw}: {got} drawn, {want:.0} expected"
            );
        }
        let singles: Vec<f64> = (0..scale).map(|b| r.raw_id_probability(1 << b)).collect();
        let (lo, hi) = singles
            .iter()
            .fold((1.0f64, 0.0f64), |(l, h), &p| (l.min(p), h.max(p)));
        assert!(
            hi / lo > 1.05,
            "ids with one 1-bit still share a level: {singles:?}"
        );
        let plain = rmat(scale, 0.0, 5);
        let plain_singles: Vec<f64> = (0..scale)
            .map(|b| plain.raw_id_probability(1 << b))
            .collect();
        assert!(
            plain_singles
                .windows(2)
                .all(|w| (w[0] - w[1]).abs() < 1e-15),
            "{plain_singles:?}"
        );
    }
}
