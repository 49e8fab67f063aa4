//! `memory::release_freed` really hands freed memory back (what keeps the server's RSS flat across
//! plan jobs, BENCHMARKS.md "Load"). Its own test binary: the resident size it reads is the process's,
//! and other tests running beside it would move it.

mod common;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
use common::rss_anon_kib;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn memory_a_worker_thread_freed_leaves_the_process() {
    const CHUNKS: usize = 200_000;
    const CHUNK: usize = 1024; // small: from the thread's arena, not a mapping of its own
                               // A worker thread, as a job's, allocates ~200 MiB in small pieces, keeps the last one (as a job's
                               // result outlives its working set) and frees the rest: glibc keeps the freed pieces in the
                               // thread's arena, below the one still in use, so they stay resident.
    let kept = std::thread::spawn(|| {
        let mut pieces: Vec<Vec<u8>> = (0..CHUNKS).map(|i| vec![(i % 251) as u8; CHUNK]).collect();
        let last = pieces.pop().unwrap();
        drop(pieces);
        last
    })
    .join()
    .unwrap();
    let before = rss_anon_kib();
    assert!(
        earshot_server::memory::release_freed(),
        "nothing was released"
    );
    let after = rss_anon_kib();
    let freed_mib = (CHUNKS * CHUNK) as u64 >> 20;
    assert!(
        before.saturating_sub(after) >= (freed_mib / 2) << 10,
        "RssAnon {before} KiB before, {after} KiB after releasing ~{freed_mib} MiB"
    );
    assert_eq!(kept[0], ((CHUNKS - 1) % 251) as u8);
}
