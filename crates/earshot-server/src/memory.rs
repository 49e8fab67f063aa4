//! Keeping the server's memory bounded: its connections' page caches and maps, the allocator's
//! settings, and handing a finished job's memory back to the system.
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

/// The page cache of a connection the server opens without choosing one (a job's: a plan, a
/// forecast, an explanation), in MiB. A job reads the events once, in order, so a larger cache would
/// only hold pages it will not read again (they stay in the kernel's page cache).
pub const JOB_CACHE_MIB: u32 = 16;

/// Allocations at least this large get pages of their own from the system, handed back as soon as
/// they are freed.
const MMAP_THRESHOLD_BYTES: i32 = 1 << 20;

/// Set the process up for a long-lived server, once, before its threads start:
/// - every SQLite connection it opens gets a cache of [`JOB_CACHE_MIB`] (unless it sets its own)
///   and no memory map of the file ([`earshot_store::set_connection_memory`] says why);
/// - glibc's allocator serves allocations of 1 MiB or more with pages of their own (`M_MMAP_THRESHOLD`).
///   By default glibc raises that threshold up to 32 MiB each time such a block is freed, so that
///   after the first job the vectors of the next one (a plan's reverse-reachable sets, a graph's
///   columns) come from the arenas' heaps and stay there: measured with eight identical plan jobs in
///   a row on a 32,768-account database, the memory left after each job grew from 8 to 99 MiB and
///   the job's peak from 132 to 266 MiB; with the threshold fixed, 5-6 MiB after every job and a
///   peak of 129-156 MiB;
/// - at most as many allocator arenas as the machine has cores (at least 2; glibc's default is 8 per
///   core), so that what the many threads of the blocking pool free is shared rather than kept apart.
pub fn bound_process() {
    earshot_store::set_connection_memory(JOB_CACHE_MIB, 0);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = i32::try_from(cores.max(2)).unwrap_or(i32::MAX);
        // SAFETY: mallopt only changes the allocator's tuning parameters under its own lock; called
        // before the runtime's threads start, as the manual advises.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
