//! Generate a synthetic stream and report the rate: `cargo run --release -p earshot-synth --example synth --
//! SCALE EDGE_FACTOR SEED [FILE]` (no FILE: the stream is discarded, measuring generation alone).

use earshot_synth::{generate, SynthConfig};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: u64| args.get(i).map_or(Ok(default), |s| s.parse::<u64>());
    let cfg = SynthConfig::new(num(0, 16)? as u32, num(1, 16)? as u32, num(2, 1)?);
    let started = Instant::now();
    let summary = match args.get(3) {
        Some(path) => generate(&cfg, std::fs::File::create(path)?)?,
        None => generate(&cfg, std::io::sink())?,
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "scale {} edge factor {}: {} accounts ({} bots), {} posts, {} interactions, {} lines, {:.1} MB in {:.2} s: \
         {:.2} M lines/s, {:.2} M interactions/s, {:.0} MB/s",
        cfg.scale,
        cfg.edge_factor,
        summary.accounts,
        summary.bots,
        summary.posts,
        summary.interactions,
        summary.events(),
        summary.bytes as f64 / 1e6,
        secs,
        summary.events() as f64 / secs / 1e6,
        summary.interactions as f64 / secs / 1e6,
        summary.bytes as f64 / secs / 1e6,
    );
    Ok(())
}
