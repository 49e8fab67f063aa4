//! Where the planners' and samplers' rayon work runs. Its own module because both IMM (`imm.rs`) and
//! the RR-set sampler it builds on (`rr.rs`) need it: kept in either, the other would have to import
//! upwards.

use crate::DiffusionError;

/// Runs `f` with `threads` worker threads for rayon: 0 = the current pool, 1 = the current pool too (the
/// callers then stay on this thread), more = a new pool of that size.
pub(crate) fn on_threads<T: Send>(
    threads: usize,
    f: impl FnOnce() -> Result<T, DiffusionError> + Send,
) -> Result<T, DiffusionError> {
    if threads > 1 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| DiffusionError::ThreadPool(e.to_string()))?
            .install(f)
    } else {
        f()
    }
}
