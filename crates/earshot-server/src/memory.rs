//! Handing a finished job's memory back to the system.
//!
//! A plan or forecast job needs hundreds of MiB for a few seconds (IMM's reverse-reachable sets), on a
//! thread of tokio's blocking pool and on rayon's workers. glibc's allocator gives each such thread an
//! arena of its own and keeps what a thread freed for that thread's next allocation, so after a job
//! the server keeps most of the job's peak resident, and the next job, on other threads, stacks its own
//! working set on top: measured on a 32,768-account database, the peak grew from 250 to 478 MiB over six
//! identical plan jobs before it levelled off (scripts/load_test.py, BENCHMARKS.md). Releasing the free
//! pages of every arena once a job ends keeps each job's peak at what the job itself needs.

/// Return the free memory of every allocator arena to the system. Returns whether any was returned.
/// On allocators other than glibc's (musl, other systems) this does nothing and returns false.
pub fn release_freed() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks the allocator's own free lists under its locks; it has no
        // preconditions and is safe to call from any thread at any time.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
