//! `memory::bound_process` stops glibc from keeping a job's large buffers once they are freed (what
//! keeps the server's peak flat from one plan job to the next, BENCHMARKS.md "Load"). Its own test
//! binary: allocator settings and the resident size it reads belong to the whole process.

mod common;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
use common::rss_anon_kib;

/// A job's shape: one big buffer freed (glibc's default then raises its threshold for giving large
/// blocks pages of their own to that size), then many buffers of a few MiB, each followed by a small
/// allocation that outlives them (as a job's results and bookkeeping outlive its working set). The
/// big buffers are freed, the small ones kept. Returns the KiB still resident after.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn job_leaves_kib() -> u64 {
    const BIG: usize = 16 << 20; // under glibc's 32 MiB ceiling for raising the threshold
    const PIECE: usize = 2 << 20;
    const PIECES: usize = 64;
    let before = rss_anon_kib();
    let kept = std::thread::spawn(|| {
        let big = vec![1u8; BIG];
        std::hint::black_box(&big);
        drop(big);
        let mut pieces = Vec::with_capacity(PIECES);
        let mut kept = Vec::with_capacity(PIECES);
        for i in 0..PIECES {
            pieces.push(vec![i as u8; PIECE]);
            kept.push(Box::new([i as u8; 64]));
        }
        drop(pieces);
        kept
    })
    .join()
    .unwrap();
    let after = rss_anon_kib();
    assert_eq!(kept[PIECES - 1][0], (PIECES - 1) as u8);
    after.saturating_sub(before)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn memory_a_jobs_large_buffers_leave_the_process_when_freed() {
    // Without the bound, the same job leaves its pieces resident (this is glibc's behaviour, checked
    // here so that the assertion below is known to be able to fail).
    let unbounded = job_leaves_kib();
    earshot_server::memory::bound_process();
    let bounded = job_leaves_kib();
    let working_set_kib = (64 * 2) << 10;
    assert!(
        unbounded > working_set_kib / 4,
        "glibc's default kept only {unbounded} KiB of a {working_set_kib} KiB working set: the \
         test no longer shows what bound_process prevents"
    );
    assert!(
        bounded < working_set_kib / 16,
        "with the process bounded a job still left {bounded} KiB resident (without: {unbounded} KiB)"
    );
    eprintln!("a job left {unbounded} KiB resident by default, {bounded} KiB bounded");
}
