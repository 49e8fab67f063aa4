//! The Graph500 R-MAT edge generator and its vertex-id scramble.
//!
//! R-MAT picks a cell of the `2^scale x 2^scale` adjacency matrix by descending one quadrant per bit, with
//! probabilities a (top-left), b (top-right), c (bottom-left), d (bottom-right). With Graph500's a=0.57,
//! b=c=0.19, d=0.05 a row (actor) or column (target) bit is 0 with probability 0.76, so an account's expected
//! degree falls by a factor 0.24/0.76 per 1-bit in its raw id: a few accounts are hubs, most are quiet.
//! Raw id 0 would be the biggest hub, so Graph500 passes ids through a seeded bijection (`scramble`) to spread
//! hubs over the id space, as real platform ids are.

use crate::random::Stream;

/// Graph500 initiator probabilities.
pub(crate) const A: f64 = 0.57;
pub(crate) const B: f64 = 0.19;
pub(crate) const C: f64 = 0.19;

/// Probability that one bit of a row (or column) id is 0: `a + b` (equal to `a + c` here).
pub(crate) const P_ZERO_BIT: f64 = A + B;

// Quadrant thresholds on a 32-bit uniform: ample precision for probabilities given to two decimals.
const T_A: u32 = (A * 4_294_967_296.0) as u32;
const T_AB: u32 = ((A + B) * 4_294_967_296.0) as u32;
const T_ABC: u32 = ((A + B + C) * 4_294_967_296.0) as u32;

pub(crate) struct Rmat {
    scale: u32,
    val0: u64,
    val1: u64,
}

impl Rmat {
    /// `scale` must be 1..=63 (checked by the caller).
    pub(crate) fn new(scale: u32, scramble_stream: &mut Stream) -> Self {
        Rmat {
            scale,
            val0: scramble_stream.u64(),
            val1: scramble_stream.u64(),
        }
    }

    /// A raw (unscrambled) `(row, column)` cell. Each quadrant choice takes 32 random bits.
    #[inline]
    pub(crate) fn raw_edge(&self, rng: &mut Stream) -> (u64, u64) {
        let (mut row, mut col) = (0u64, 0u64);
        let mut word = 0u64;
        for bit in 0..self.scale {
            if bit % 2 == 0 {
                word = rng.u64();
            } else {
                word >>= 32;
            }
            let x = word as u32;
            // Branch-free quadrant choice (the branches are unpredictable by design): below T_A (0,0), below
            // T_AB (0,1), below T_ABC (1,0), else (1,1).
            let (ge_a, ge_ab, ge_abc) = (
                u64::from(x >= T_A),
                u64::from(x >= T_AB),
                u64::from(x >= T_ABC),
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
}

/// Probability that R-MAT picks a raw id with `raw_ones` one-bits as a row (actor); the same as a column
/// (target), since a+b = a+c.
pub(crate) fn raw_id_probability(scale: u32, raw_ones: u32) -> f64 {
    P_ZERO_BIT.powi((scale - raw_ones) as i32) * (1.0 - P_ZERO_BIT).powi(raw_ones as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Purpose;

    #[test]
    fn scramble_is_a_permutation() {
        for scale in [1, 2, 5, 12] {
            let r = Rmat::new(scale, &mut Stream::new(9, Purpose::Scramble));
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
    fn quadrant_frequencies_match_graph500() {
        let r = Rmat::new(1, &mut Stream::new(1, Purpose::Scramble));
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
        let scale = 10;
        let total: f64 = (0..1u32 << scale)
            .map(|v| raw_id_probability(scale, v.count_ones()))
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
