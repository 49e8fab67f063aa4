//! The inner loops of the PageRank kernel with `f32` contributions: for each target of a chunk,
//! `Σ contrib[src] · weight` over its weighted edges ([`weighted_sums`]) or `Σ contrib[src]` over its
//! unweighted ones ([`unit_sums`], summed in `f64`: see [`unit_sum_portable`]). The implementation is
//! chosen once per chunk, so that with AVX2 the whole chunk's loop is compiled for it and each target's
//! sum is inlined into it (a call per target cost ~15% on Slashdot's 11.5 edges per target).
//!
//! Weighted sums:
//! Products and partial sums are `f32`, in eight lanes over blocks of [`BLOCK`] edges, and each block's
//! total is folded into an `f64`. On x86-64 CPUs with AVX2 the eight lanes are one vector and the eight
//! contributions one gather; elsewhere [`sum_portable`] performs the same operations in the same order,
//! so both give the same bits (a test checks this) and results do not depend on the CPU either.
//!
//! Error bound. Every term is ≥ 0 (contributions and weights are), so relative bounds on the terms add up
//! to a relative bound on the sum. Within a block each term is rounded once as a product and then passes
//! through at most `BLOCK / 8 = 16` lane additions (the last 1–7 edges go to lanes too) and 3 additions
//! joining the lanes: at most 20 roundings of `u = 2^-24` each, so a block's `f32` total is within
//! `20u ≈ 1.2e-6` (relative) of the exact sum of its terms. Widening to `f64` is exact and
//! the `f64` additions across blocks add ~1e-16 each, so the bound holds for the whole sum, whatever the
//! in-degree: blocks are what keep hubs with 10^5 reactors as accurate as targets with 100. That worst
//! case needs every rounding to go the same way; random-signed roundings give ~`√20 · u`, about 3e-7 —
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

/// Which implementation [`weighted_sums`] and [`unit_sums`] run: chosen once per kernel call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SumKernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl SumKernel {
    /// The fastest implementation this CPU runs for a contribution array of `nodes` entries (one per
    /// reactor). The AVX2 gather takes signed 32-bit indices, so more than `i32::MAX` take the portable
    /// path.
    pub(crate) fn detect(nodes: usize) -> SumKernel {
        #[cfg(target_arch = "x86_64")]
        if nodes <= i32::MAX as usize && std::arch::is_x86_feature_detected!("avx2") {
            return SumKernel::Avx2;
        }
        let _ = nodes;
        SumKernel::Portable
    }
}

/// `out[i] = Σ contrib[e.src] · e.weight` over target `i`'s edges `edges[offsets[i]..offsets[i + 1]]`, for
/// each target of a chunk (`offsets.len() == out.len() + 1`, non-decreasing, at most `edges.len()`). Every
/// `e.src` must be below `contrib.len()`: callers pass a graph's edges (whose sources are checked below the
/// number of reactors when it is built or loaded) and a contribution vector with one entry per reactor;
/// the kernels rely on it for unchecked reads.
///
/// # Safety
/// Every `e.src` of `edges[offsets[0]..offsets[last]]` must be below `contrib.len()`, and `kernel` must
/// come from [`SumKernel::detect`] (which checks the CPU for AVX2).
pub(crate) unsafe fn weighted_sums(
    kernel: SumKernel,
    offsets: &[u64],
    edges: &[InEdge],
    contrib: &[f32],
    out: &mut [f64],
) {
    match kernel {
        // SAFETY: this function's contract.
        SumKernel::Portable => {
            each_target(offsets, edges, out, |e| unsafe { sum_portable(e, contrib) })
        }
        // SAFETY: `Avx2` is only returned by `detect` when the CPU has AVX2 and the graph has at most
        // `i32::MAX` reactors (so every source is a non-negative gather index); the sources are in bounds
        // as this function's contract requires.
        #[cfg(target_arch = "x86_64")]
        SumKernel::Avx2 => unsafe { weighted_sums_avx2(offsets, edges, contrib, out) },
    }
}

/// `out[i] = sum(target i's edges)` for each target of a chunk.
#[inline(always)]
fn each_target<E>(offsets: &[u64], edges: &[E], out: &mut [f64], mut sum: impl FnMut(&[E]) -> f64) {
    for (o, ends) in out.iter_mut().zip(offsets.windows(2)) {
        // No edges, no work (half of R-MAT's targets): every kernel's empty sum is 0.
        *o = if ends[0] == ends[1] {
            0.0
        } else {
            sum(&edges[ends[0] as usize..ends[1] as usize])
        };
    }
}

/// [`weighted_sums`] with [`sum_avx2`] inlined into the loop over targets.
///
/// # Safety
/// The CPU must have AVX2, and every source must be below `contrib.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn weighted_sums_avx2(offsets: &[u64], edges: &[InEdge], contrib: &[f32], out: &mut [f64]) {
    // SAFETY: this function's contract.
    each_target(offsets, edges, out, |e| unsafe { sum_avx2(e, contrib) })
}

/// One term.
///
/// # Safety
/// `e.src` must be below `contrib.len()`, as [`weighted_sums`] requires.
#[inline(always)]
unsafe fn term(e: InEdge, contrib: &[f32]) -> f32 {
    debug_assert!((e.src as usize) < contrib.len());
    // SAFETY: every source is below the number of reactors and `contrib` has one entry per reactor (the
    // contract of `weighted_sums`, upheld by `ReactionGraph::from_edges` and `read_binary`).
    unsafe { *contrib.get_unchecked(e.src as usize) * e.weight }
}

/// Join the lanes in a fixed tree.
#[inline(always)]
fn join(lane: [f32; LANES]) -> f32 {
    ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]))
}

/// The lanes in plain Rust, bit for bit what [`sum_avx2`] computes: the last 1–7 edges go to the lanes
/// their positions give, the other lanes adding nothing.
///
/// # Safety
/// Every `e.src` must be below `contrib.len()`.
unsafe fn sum_portable(edges: &[InEdge], contrib: &[f32]) -> f64 {
    let mut total = 0f64;
    for block in edges.chunks(BLOCK) {
        let mut lane = [0f32; LANES];
        let mut groups = block.chunks_exact(LANES);
        for g in &mut groups {
            for (l, &k) in lane.iter_mut().zip(&LANE_EDGE) {
                // SAFETY: this function's contract.
                *l += unsafe { term(g[k], contrib) };
            }
        }
        let rest = groups.remainder();
        for (l, &k) in lane.iter_mut().zip(&LANE_EDGE) {
            if let Some(&e) = rest.get(k) {
                // SAFETY: this function's contract.
                *l += unsafe { term(e, contrib) };
            }
        }
        total += f64::from(join(lane));
    }
    total
}

/// The lanes as one AVX2 vector: per group of 8 edges, two loads, two shuffles (reactor ids apart from
/// weights), one gather of contributions, a multiply and an add (not fused, to match [`sum_portable`]).
/// The last 1–7 edges take masked loads and a masked gather: the missing edges read as id 0 and weight
/// 0 and add `0 · 0 = 0` to their lanes, which changes no lane (every term is ≥ 0, so no lane is ever
/// `-0.0`), and a target's edges need one loop, whose exit is the one branch to mispredict.
///
/// # Safety
/// The CPU must have AVX2, and every source must be below `contrib.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sum_avx2(edges: &[InEdge], contrib: &[f32]) -> f64 {
    use std::arch::x86_64::*;
    // Per 128-bit half: ids (even floats) of edges 0,1 then 4,5 (low) / 2,3 then 6,7 (high); the odd
    // floats are their weights in the same order (`LANE_EDGE`).
    let ids = |a, b| _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(a, b));
    let weights = |a, b| _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
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
                let c = _mm256_i32gather_ps::<4>(contrib.as_ptr(), ids(a, b));
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, weights(a, b)));
            }
        }
        let rest = groups.remainder();
        if !rest.is_empty() {
            let p = rest.as_ptr().cast::<f32>();
            // The floats of the 1–7 edges there are: `2 · rest.len()` of the 16 two loads would read.
            let floats = _mm256_set1_epi32(2 * rest.len() as i32);
            let first = _mm256_cmpgt_epi32(floats, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            let second =
                _mm256_cmpgt_epi32(floats, _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15));
            // SAFETY: the masked loads read only the floats of `rest`'s edges (masked ones are neither
            // read nor able to fault; they read as 0). The gather is masked to the lanes whose weight is
            // > 0, the real edges (every weight of a graph is ≥ `WEIGHT_FLOOR` > 0), whose sources are in
            // bounds by the contract.
            unsafe {
                // The second half is loaded only when `rest` reaches it: for 1–4 edges `p + 8` would
                // point past the allocation, which `add` must not do even for a fully masked load.
                let a = _mm256_maskload_ps(p, first);
                let b = if rest.len() > 4 {
                    _mm256_maskload_ps(p.add(8), second)
                } else {
                    _mm256_setzero_ps()
                };
                let w = weights(a, b);
                let real = _mm256_cmp_ps::<_CMP_GT_OQ>(w, _mm256_setzero_ps());
                let c = _mm256_mask_i32gather_ps::<4>(
                    _mm256_setzero_ps(),
                    contrib.as_ptr(),
                    ids(a, b),
                    real,
                );
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, w));
            }
        }
        let mut lane = [0f32; LANES];
        // SAFETY: `lane` is 8 f32s, the store's width.
        unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), acc) };
        total += f64::from(join(lane));
    }
    total
}

/// `out[i] = Σ contrib[u]` over target `i`'s unweighted edges `sources[offsets[i]..offsets[i + 1]]`, for
/// each target of a chunk, in `f64` as [`unit_sum_portable`] adds them. With AVX2 the contributions of 8
/// edges come in one gather and widen into the four lanes in the same order (the same bits, a test checks
/// it): ~10% faster on R-MAT scale 20, where the gather lets more of the random reads be in flight at
/// once.
///
/// # Safety
/// [`weighted_sums`]' contract: every source below `contrib.len()`, `kernel` from [`SumKernel::detect`].
pub(crate) unsafe fn unit_sums(
    kernel: SumKernel,
    offsets: &[u64],
    sources: &[u32],
    contrib: &[f32],
    out: &mut [f64],
) {
    match kernel {
        SumKernel::Portable => {
            // SAFETY: this function's contract.
            each_target(offsets, sources, out, |s| unsafe {
                unit_sum_portable(s, contrib)
            })
        }
        // SAFETY: as in `weighted_sums`.
        #[cfg(target_arch = "x86_64")]
        SumKernel::Avx2 => unsafe { unit_sums_avx2(offsets, sources, contrib, out) },
    }
}

/// [`unit_sums`] with [`unit_sum_avx2`] inlined into the loop over targets.
///
/// # Safety
/// The CPU must have AVX2, and every source must be below `contrib.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn unit_sums_avx2(offsets: &[u64], sources: &[u32], contrib: &[f32], out: &mut [f64]) {
    // SAFETY: this function's contract.
    each_target(offsets, sources, out, |s| unsafe {
        unit_sum_avx2(s, contrib)
    })
}

/// One contribution.
///
/// # Safety
/// `u` must be below `contrib.len()`, as [`unit_sums`] requires.
#[inline(always)]
unsafe fn contribution<T: Copy>(u: u32, contrib: &[T]) -> T {
    debug_assert!((u as usize) < contrib.len());
    // SAFETY: every source is below the number of reactors and `contrib` has one entry per reactor (the
    // contract of `unit_sums`, upheld by `ReactionGraph::from_edges` and `read_binary`).
    unsafe { *contrib.get_unchecked(u as usize) }
}

/// `Σ contrib[u]` over one target's unweighted edges (`sources`), in `f64`: four lanes, lane `j` adding
/// the edges at positions `j mod 4` in order, joined as `(l0 + l1) + (l2 + l3)`. Independent additions
/// keep the floating-point pipeline full where one running sum would wait on each add. For `f32`
/// contributions without AVX2, and for `f64` contributions.
///
/// # Safety
/// Every source must be below `contrib.len()`.
#[inline]
pub(crate) unsafe fn unit_sum_portable<T: Copy + Into<f64>>(sources: &[u32], contrib: &[T]) -> f64 {
    let mut lane = [0f64; 4];
    let mut quads = sources.chunks_exact(4);
    for q in &mut quads {
        for (l, &u) in lane.iter_mut().zip(q) {
            // SAFETY: this function's contract.
            *l += unsafe { contribution(u, contrib) }.into();
        }
    }
    for (l, &u) in lane.iter_mut().zip(quads.remainder()) {
        // SAFETY: this function's contract.
        *l += unsafe { contribution(u, contrib) }.into();
    }
    (lane[0] + lane[1]) + (lane[2] + lane[3])
}

/// [`unit_sum_portable`] with one gather per 8 edges: their contributions widen to `f64` in two halves,
/// edges 0–3 then 4–7, each added to the four lanes, which is the portable order. The last 1–7 edges
/// take one masked load and gather, the missing edges adding `0.0` to their lanes, which changes no lane
/// (every contribution is ≥ 0, so no lane is ever `-0.0`): one loop per target, whose exit is the one
/// branch to mispredict.
///
/// # Safety
/// The CPU must have AVX2, and every source must be below `contrib.len()` (at most `i32::MAX`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn unit_sum_avx2(sources: &[u32], contrib: &[f32]) -> f64 {
    use std::arch::x86_64::*;
    let mut acc = _mm256_setzero_pd();
    let add = |acc: __m256d, c: __m256| {
        let low = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(c)));
        _mm256_add_pd(low, _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(c)))
    };
    let mut groups = sources.chunks_exact(8);
    for g in &mut groups {
        // SAFETY: `g` is 8 `u32`s, the load's width; the gather reads `contrib` at the 8 sources, in
        // bounds by the contract.
        let c = unsafe {
            let ids = _mm256_loadu_si256(g.as_ptr().cast());
            _mm256_i32gather_ps::<4>(contrib.as_ptr(), ids)
        };
        acc = add(acc, c);
    }
    let rest = groups.remainder();
    if !rest.is_empty() {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(rest.len() as i32), lanes);
        // SAFETY: the masked load reads only the `rest.len()` ids of `rest` (masked lanes are neither
        // read nor able to fault), and the masked gather only the contributions of those ids, in bounds
        // by the contract.
        let c = unsafe {
            let ids = _mm256_maskload_epi32(rest.as_ptr().cast(), mask);
            let mask = _mm256_castsi256_ps(mask);
            _mm256_mask_i32gather_ps::<4>(_mm256_setzero_ps(), contrib.as_ptr(), ids, mask)
        };
        acc = add(acc, c);
    }
    let mut lane = [0f64; 4];
    // SAFETY: `lane` is 4 `f64`s, the store's width.
    unsafe { _mm256_storeu_pd(lane.as_mut_ptr(), acc) };
    (lane[0] + lane[1]) + (lane[2] + lane[3])
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
            let (got, want) = (unsafe { sum_portable(e, &contrib) }, exact(e, &contrib));
            assert!(
                (got - want).abs() <= 20.0 * f64::from(f32::EPSILON / 2.0) * want,
                "{len}: {got} vs {want}"
            );
        }
    }

    /// Target lengths covering the groups of 8 and the blocks of 128.
    fn lengths() -> Vec<usize> {
        (0..70).chain([127, 128, 129, 136, 1000]).collect()
    }

    /// Each target's sum over a chunk of targets with [`lengths`] edges in turn, by the portable code
    /// and by the kernel this CPU runs, with each target's edges: (portable, detected, edges).
    fn both<E: Copy>(
        edges: &[E],
        sums: impl Fn(SumKernel, &[u64], &[E], &mut [f64]),
    ) -> (Vec<f64>, Vec<f64>, Vec<&[E]>) {
        let mut offsets = vec![0u64];
        for len in lengths() {
            offsets.push(offsets.last().unwrap() + len as u64);
        }
        let run = |kernel| {
            let mut out = vec![f64::NAN; offsets.len() - 1];
            sums(kernel, &offsets, edges, &mut out);
            out
        };
        let each = offsets
            .windows(2)
            .map(|w| &edges[w[0] as usize..w[1] as usize])
            .collect();
        (
            run(SumKernel::Portable),
            run(SumKernel::detect(1 << 16)),
            each,
        )
    }

    #[test]
    fn unit_sums_give_the_same_bits_with_and_without_simd() {
        let (edges, contrib) = data(5008, 1 << 16);
        let sources: Vec<u32> = edges.iter().map(|e| e.src).collect();
        for start in [0, 1, 3, 7] {
            let (want, got, each) = both(&sources[start..], |k, o, s, out| unsafe {
                unit_sums(k, o, s, &contrib, out)
            });
            for ((g, w), s) in got.iter().zip(&want).zip(each) {
                assert_eq!(g.to_bits(), w.to_bits(), "{start}+{}", s.len());
                let exact: f64 = s.iter().map(|&u| f64::from(contrib[u as usize])).sum();
                assert!((g - exact).abs() <= 1e-12 * exact, "{start}+{}", s.len());
            }
        }
    }

    /// A target's last 1–7 edges at the very end of the edges' allocation (a graph whose last target
    /// has such a tail): the masked loads must stay within it (under Miri, a pointer formed past the
    /// end is reported) and give the portable bits.
    #[test]
    fn a_tail_at_the_end_of_the_allocation_is_read_within_it() {
        let (edges, contrib) = data(64, 1 << 10);
        for len in 1..=23 {
            let mut own = edges[..len].to_vec();
            own.shrink_to_fit();
            let offsets = [0, len as u64];
            let mut portable = [f64::NAN];
            let mut detected = [f64::NAN];
            // SAFETY (both): `data` draws every source below the contribution vector's length.
            unsafe {
                weighted_sums(SumKernel::Portable, &offsets, &own, &contrib, &mut portable);
                weighted_sums(
                    SumKernel::detect(1 << 10),
                    &offsets,
                    &own,
                    &contrib,
                    &mut detected,
                );
            }
            assert_eq!(portable[0].to_bits(), detected[0].to_bits(), "{len}");
        }
    }

    #[test]
    fn simd_and_portable_give_the_same_bits() {
        let (edges, contrib) = data(5008, 1 << 16);
        for start in [0, 1, 3, 7] {
            let (want, got, each) = both(&edges[start..], |k, o, e, out| unsafe {
                weighted_sums(k, o, e, &contrib, out)
            });
            for ((g, w), e) in got.iter().zip(&want).zip(each) {
                assert_eq!(g.to_bits(), w.to_bits(), "{start}+{}", e.len());
                assert_eq!(w.to_bits(), unsafe { sum_portable(e, &contrib) }.to_bits());
            }
        }
    }
}
