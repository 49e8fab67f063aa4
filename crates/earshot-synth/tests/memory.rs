//! Memory does not grow with the number of events: the generator holds per-account state and a bounded
//! look-ahead, never the events themselves. Its own test binary, because it installs a counting allocator.

use earshot_synth::{generate, SynthConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn peak_for(cfg: &SynthConfig) -> (usize, u64) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let summary = generate(cfg, std::io::sink()).unwrap();
    (PEAK.load(Ordering::Relaxed) - base, summary.bytes)
}

#[test]
fn peak_memory_does_not_grow_with_events() {
    // Same accounts, 32 times the interactions.
    let (small, small_bytes) = peak_for(&SynthConfig::new(10, 8, 1));
    let (big, big_bytes) = peak_for(&SynthConfig::new(10, 256, 1));
    assert!(big_bytes > 20 * small_bytes);
    // The look-ahead (at most LOOKAHEAD_EVENTS small records) is the only part that depends on the count.
    let lookahead = earshot_synth::LOOKAHEAD_EVENTS * 64;
    assert!(
        big < small + lookahead,
        "peak {small} B for {small_bytes} B out, {big} B for {big_bytes} B out"
    );
    assert!(
        (big as u64) < big_bytes / 10,
        "peak {big} B for {big_bytes} B of output"
    );
}
