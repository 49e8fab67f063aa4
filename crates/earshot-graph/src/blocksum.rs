//! `Σ contrib[src] · weight` over one target's weighted edges with `f32` contributions: the inner loop
//! of the weighted PageRank kernel.
//!
//! Products and partial sums are `f32`, in eight lanes over blocks of [`BLOCK`] edges, and each block's
//! total is folded into an `f64`. On x86-64 CPUs with AVX2 the eight lanes are one vector and the eight
//! contributions one gather; elsewhere [`sum_portable`] performs the same operations in the same order,
//! so both give the same bits (a test checks this) and results do not depend on the CPU either.
//!
//! Error bound. Every term is ≥ 0 (contributions and weights are), so relative bounds on the terms add up
//! to a relative bound on the sum. Within a block each term is rounded once as a product and then passes
//! through at most `BLOCK / 8 = 16` lane additions, 3 additions joining the lanes and 7 adding the tail
//! (edges past the last full group of 8): at most 27 roundings of `u = 2^-24` each, so a block's `f32`
//! total is within `27u ≈ 1.6e-6` (relative) of the exact sum of its terms. Widening to `f64` is exact and
//! the `f64` additions across blocks add ~1e-16 each, so the bound holds for the whole sum, whatever the
//! in-degree: blocks are what keep hubs with 10^5 reactors as accurate as targets with 100. That worst
//! case needs every rounding to go the same way; random-signed roundings give ~`√27 · u`, about 3e-7 —
//! the same order as the `f32` contributions' own rounding (`u`), and the kernel's measured drift from
//! `f64` sums is ~1e-8 in L1 over R-MAT scale 20. Runs that ask for a tolerance below
//! [`SINGLE_PRECISION_FLOOR`](crate::SINGLE_PRECISION_FLOOR) use `f64` contributions and `f64` sums, and
//! never come here.

use crate::csr::InEdge;

/// Edges per block summed in `f32` before folding into the `f64` total.
const BLOCK: usize = 128;
/// Lanes of the `f32` partial sums: one AVX2 vector.
const LANES: usize = 8;
/// `LANE_EDGE[j]` is the position, within each group of 8 edges, of the edge that lane `j` sums: the
/// order in which the AVX2 de-interleaving shuffle leaves the reactor ids.
const LANE_EDGE: [usize; LANES] = [0, 1, 4, 5, 2, 3, 6, 7];

/// Which implementation [`weighted_sum`] runs: chosen once per kernel call, not per target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SumKernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl SumKernel {
    /// The fastest implementation this CPU runs for a graph of `nodes` nodes. The AVX2 gather takes
    /// signed 32-bit indices, so graphs with more than `i32::MAX` nodes take the portable path.
    pub(crate) fn detect(nodes: usize) -> SumKernel {
        #[cfg(target_arch = "x86_64")]
        if nodes <= i32::MAX as usize && std::arch::is_x86_feature_detected!("avx2") {
            return SumKernel::Avx2;
        }
        let _ = nodes;
        SumKernel::Portable
    }
}

/// `Σ contrib[e.src] · e.weight` over `edges`. Every `e.src` must be below `contrib.len()`: callers pass
/// a graph's edges (whose sources are checked below the node count when it is built or loaded) and a
/// contribution vector with one entry per node; the kernels rely on it for unchecked reads.
#[inline]
pub(crate) fn weighted_sum(kernel: SumKernel, edges: &[InEdge], contrib: &[f32]) -> f64 {
    match kernel {
        SumKernel::Portable => sum_portable(edges, contrib),
        // SAFETY: `Avx2` is only returned by `detect` when the CPU has AVX2 and the graph has at most
        // `i32::MAX` nodes (so every source is a non-negative gather index); the sources are in bounds as
        // this function's contract requires.
        #[cfg(target_arch = "x86_64")]
        SumKernel::Avx2 => unsafe { sum_avx2(edges, contrib) },
    }
}

/// One term. Sources in bounds, as [`weighted_sum`] requires.
#[inline(always)]
fn term(e: InEdge, contrib: &[f32]) -> f32 {
    debug_assert!((e.src as usize) < contrib.len());
    // SAFETY: every source is below the node count and `contrib` has one entry per node (the contract of
    // `weighted_sum`, upheld by `ReactionGraph::from_edges` and `read_binary`).
    unsafe { *contrib.get_unchecked(e.src as usize) * e.weight }
}

/// Join the lanes (in a fixed tree) and add the tail edges that do not fill a group of 8.
#[inline(always)]
fn finish(lane: [f32; LANES], tail: &[InEdge], contrib: &[f32]) -> f32 {
    let mut t =
        ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for &e in tail {
        t += term(e, contrib);
    }
    t
}

/// The lanes in plain Rust, bit for bit what [`sum_avx2`] computes.
fn sum_portable(edges: &[InEdge], contrib: &[f32]) -> f64 {
    let mut total = 0f64;
    for block in edges.chunks(BLOCK) {
        let mut lane = [0f32; LANES];
        let mut groups = block.chunks_exact(LANES);
        for g in &mut groups {
            for (l, &k) in lane.iter_mut().zip(&LANE_EDGE) {
                *l += term(g[k], contrib);
            }
        }
        total += f64::from(finish(lane, groups.remainder(), contrib));
    }
    total
}

/// The lanes as one AVX2 vector: per group of 8 edges, two loads, two shuffles (reactor ids apart from
/// weights), one gather of contributions, a multiply and an add (not fused, to match [`sum_portable`]).
///
/// # Safety
/// The CPU must have AVX2, and every source must be below `contrib.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sum_avx2(edges: &[InEdge], contrib: &[f32]) -> f64 {
    use std::arch::x86_64::*;
    let mut total = 0f64;
    for block in edges.chunks(BLOCK) {
        let mut acc = _mm256_setzero_ps();
        let mut groups = block.chunks_exact(LANES);
        for g in &mut groups {
            let p = g.as_ptr().cast::<f32>();
            // SAFETY: `g` is 8 `repr(C)` edges of two 4-byte fields, 64 bytes: the two unaligned loads
            // read exactly them. The gather reads `contrib` at the 8 sources, in bounds by the contract.
            unsafe {
                let (a, b) = (_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8)));
                // Per 128-bit half: ids (even floats) of edges 0,1 then 4,5 (low) / 2,3 then 6,7 (high);
                // the odd floats are their weights in the same order (`LANE_EDGE`).
                let ids = _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(a, b));
                let weights = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
                let c = _mm256_i32gather_ps::<4>(contrib.as_ptr(), ids);
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, weights));
            }
        }
        let mut lane = [0f32; LANES];
        // SAFETY: `lane` is 8 f32s, the store's width.
        unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), acc) };
        total += f64::from(finish(lane, groups.remainder(), contrib));
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reproducible edges over `nodes` nodes with awkward weights, and contributions spanning many
    /// magnitudes, so any difference in rounding order would show.
    fn data(edges: usize, nodes: u32) -> (Vec<InEdge>, Vec<f32>) {
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let e = (0..edges)
            .map(|_| InEdge {
                src: (next() % u64::from(nodes)) as u32,
                weight: 0.5 + (next() % 4096) as f32 / 1000.0,
            })
            .collect();
        let c = (0..nodes)
            .map(|_| (next() % 1_000_003) as f32 * 1e-9 * 10f32.powi((next() % 7) as i32 - 3))
            .collect();
        (e, c)
    }

    fn exact(edges: &[InEdge], contrib: &[f32]) -> f64 {
        edges
            .iter()
            .map(|e| f64::from(contrib[e.src as usize]) * f64::from(e.weight))
            .sum()
    }

    #[test]
    fn portable_is_within_the_documented_bound_at_every_length() {
        let (edges, contrib) = data(3000, 997);
        for len in (0..40).chain([127, 128, 129, 255, 256, 257, 1000, 3000]) {
            let e = &edges[..len];
            let (got, want) = (sum_portable(e, &contrib), exact(e, &contrib));
            assert!(
                (got - want).abs() <= 27.0 * f64::from(f32::EPSILON / 2.0) * want,
                "{len}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn simd_and_portable_give_the_same_bits() {
        let (edges, contrib) = data(5008, 1 << 16);
        for len in (0..70).chain([127, 128, 129, 136, 1000, 4999, 5000]) {
            for start in [0, 1, 3, 7] {
                let e = &edges[start..start + len];
                let want = sum_portable(e, &contrib);
                let got = weighted_sum(SumKernel::detect(contrib.len()), e, &contrib);
                assert_eq!(got.to_bits(), want.to_bits(), "{start}+{len}");
            }
        }
    }
}
