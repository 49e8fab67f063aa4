//! `earshot bench`: the measurements. `runs` parameters are the timed runs asked for (at least one
//! runs), which the reports do not repeat.

use crate::fmt::clip_start;
use anyhow::Result;
use earshot_app::bench::copies::CopiesBenchReport;
use earshot_app::bench::em::EmBenchReport;
use earshot_app::bench::import::Measurement;
use earshot_app::bench::pagerank::PagerankBenchReport;
use earshot_app::bench::parse::ParseBenchReport;
use earshot_app::bench::rr::RrBenchReport;
use earshot_app::bench::spread::SpreadBenchReport;
use earshot_app::bench::topics::TopicsBenchReport;
use earshot_app::bench::trust::TrustBenchReport;
use earshot_app::bench::watches::WatchesBenchReport;
use std::io::Write;

/// `bench parse`: lines read and the median rate.
pub fn parse(out: &mut dyn Write, r: &ParseBenchReport) -> Result<()> {
    writeln!(
        out,
        "{}: {} lines, median {:.0} lines/s over {} runs",
        r.file, r.lines, r.median_lines_per_second, r.runs
    )?;
    Ok(())
}

/// `bench topics`: each stage's time and rate per thread count, then the posts, taxonomy and peak
/// memory (when it could be read).
pub fn topics(out: &mut dyn Write, r: &TopicsBenchReport, runs: usize) -> Result<()> {
    for s in &r.results {
        writeln!(
            out,
            "{} thread(s) {:<17} {:.3} s for {} posts, {:.0}K posts/s (median of {} runs)",
            s.threads,
            s.stage,
            s.median_seconds,
            r.posts,
            s.posts_per_second / 1e3,
            runs.max(1)
        )?;
    }
    if let Some(kib) = r.peak_rss_kib {
        writeln!(
            out,
            "posts: {}; taxonomy: {} ({} topics); peak RSS {} MiB",
            r.source,
            r.taxonomy,
            r.topics,
            kib / 1024
        )?;
    }
    Ok(())
}

/// `bench copies`: each stage's time and rate per thread count, then the posts and how many planted
/// copies were found.
/// The trust bench: per thread count the median seconds and profiles per second, then the model and
/// the profiles.
pub fn trust(out: &mut dyn Write, r: &TrustBenchReport, runs: usize) -> Result<()> {
    for s in &r.results {
        writeln!(
            out,
            "{} thread(s) {:.3} s for {} profiles (features and probability), {:.2}M profiles/s (median of {} runs)",
            s.threads,
            s.median_seconds,
            r.profiles,
            s.profiles_per_second / 1e6,
            runs.max(1)
        )?;
    }
    writeln!(
        out,
        "model {} ({} trees); {} profiles above one half; seed {}",
        r.model, r.trees, r.above_half, r.seed
    )?;
    if let Some(kib) = r.peak_rss_kib {
        writeln!(out, "peak RSS {} MiB", kib / 1024)?;
    }
    Ok(())
}

/// `bench watches`: the evaluation's median time and speed.
pub fn watches(out: &mut dyn Write, r: &WatchesBenchReport) -> Result<()> {
    writeln!(
        out,
        "{} watches ({} of them on the runs' {} accounts) evaluated in {:.3} s (median; {:.3} s \
         reading and judging), {:.2}M watches/s, {} alerts stored; setup {:.1} s, seed {}",
        r.watches,
        r.scored.min(r.watches),
        r.scored,
        r.median_seconds,
        r.read_seconds,
        r.watches_per_second / 1e6,
        r.alerts,
        r.setup_seconds,
        r.seed
    )?;
    writeln!(
        out,
        "after an API ingest: doubtful_burst checked on one hour of {} reactions to {} watched accounts in {:.3} s (median), {} alerts",
        earshot_app::bench::watches::BURST_REACTIONS,
        earshot_app::bench::watches::BURST_WATCHED,
        r.burst_median_seconds,
        r.burst_alerts
    )?;
    Ok(())
}

pub fn copies(out: &mut dyn Write, r: &CopiesBenchReport, runs: usize) -> Result<()> {
    for s in &r.results {
        writeln!(
            out,
            "{} thread(s) {:<10} {:.3} s for {} posts, {:.0}K posts/s (median of {} runs)",
            s.threads,
            s.stage,
            s.median_seconds,
            r.posts,
            s.posts_per_second / 1e3,
            runs.max(1)
        )?;
    }
    writeln!(
        out,
        "posts: {} in {} threads (largest {} replies), {} authors (most prolific {} posts), seed {}",
        r.posts,
        r.conversations,
        r.largest_thread,
        r.authors,
        r.most_posts_by_one_author,
        r.seed
    )?;
    writeln!(
        out,
        "planted copies found: {} of {}; posts found to copy something: {}",
        r.planted_found, r.planted, r.found
    )?;
    if let Some(kib) = r.peak_rss_kib {
        writeln!(out, "peak RSS {} MiB", kib / 1024)?;
    }
    Ok(())
}

/// `bench pagerank`: seconds per iteration and edges per second, per thread count.
pub fn pagerank(
    out: &mut dyn Write,
    r: &PagerankBenchReport,
    runs: usize,
    iterations: u32,
) -> Result<()> {
    for t in &r.results {
        let s = t.median_seconds_per_iteration;
        // Four significant digits, in seconds: a small graph's iteration takes a millisecond.
        let decimals = if s > 0.0 {
            (3 - s.log10().floor() as i32).clamp(4, 9) as usize
        } else {
            4
        };
        writeln!(
            out,
            "{} thread(s): {s:.decimals$} s per iteration, {:.0}M edges/s (median of {} runs of {} iterations)",
            t.threads,
            t.edges_per_second / 1e6,
            runs.max(1),
            iterations
        )?;
    }
    Ok(())
}

/// `bench import`: one row per input with its events, median time and rate, the slowest and fastest
/// runs' rates and the median peak memory.
pub fn import(out: &mut dyn Write, results: &[Measurement]) -> Result<()> {
    writeln!(
        out,
        "{:<48} {:>5} {:>10} {:>9} {:>12} {:>12} {:>10}",
        "input", "runs", "events", "median s", "median ev/s", "min..max", "peak MiB"
    )?;
    for m in results {
        writeln!(
            out,
            "{:<48} {:>5} {:>10} {:>9.2} {:>12.0} {:>5.0}k..{:.0}k {:>10.1}",
            clip_start(&m.input, 48),
            m.runs,
            m.events,
            m.median_seconds,
            m.median_events_per_second,
            m.min_events_per_second / 1000.0,
            m.max_events_per_second / 1000.0,
            m.median_peak_rss_mib
        )?;
    }
    Ok(())
}

/// `bench spread`: simulations per second and the speed-up per thread count, then the spread.
pub fn spread(out: &mut dyn Write, r: &SpreadBenchReport, runs: usize) -> Result<()> {
    for t in &r.results {
        writeln!(
            out,
            "{} thread(s): {:.3} s, {:.0} simulations/s, {:.2}x (median of {} runs)",
            t.threads,
            t.median_seconds,
            t.simulations_per_second,
            t.speedup,
            runs.max(1)
        )?;
    }
    let e = &r.spread;
    writeln!(
        out,
        "spread: mean {:.1} ± {:.1} (standard error), p10 {}, p50 {}, p90 {}",
        e.mean, e.std_error, e.p10, e.p50, e.p90
    )?;
    Ok(())
}

/// `bench em`: what EM learned from, and each stage's median time.
pub fn em(out: &mut dyn Write, r: &EmBenchReport) -> Result<()> {
    writeln!(
        out,
        "{} cascades on {} follow edges ({} accounts): {} reshares, {} explained by a followed earlier \
         adopter ({} parent entries), {} outside the graph",
        r.cascades, r.follow_edges, r.nodes, r.adoptions, r.explained, r.parent_entries, r.outside
    )?;
    writeln!(
        out,
        "EM, Beta({}, {}) prior: {} iterations{}, log-likelihood {:.1}",
        r.alpha,
        r.beta,
        r.iterations,
        if r.converged { "" } else { " (not converged)" },
        r.log_likelihood
    )?;
    writeln!(
        out,
        "1 thread: read {:.3} s, count trials {:.3} s, EM {:.3} s ({:.2} ms per iteration); total {:.3} s (medians of {} runs)",
        r.read_seconds,
        r.count_seconds,
        r.fit_seconds,
        1000.0 * r.fit_seconds / r.iterations.max(1) as f64,
        r.total_seconds,
        r.runs
    )?;
    Ok(())
}

/// `bench rr`: RR sets and members per second, the speed-up and the sets' mean size, per thread count.
pub fn rr(out: &mut dyn Write, r: &RrBenchReport, runs: usize) -> Result<()> {
    for t in &r.results {
        writeln!(
            out,
            "{} thread(s): {:.3} s, {:.0} RR sets/s, {:.0} members/s, {:.2}x (median of {} runs; {} members, {:.2} per set)",
            t.threads,
            t.median_seconds,
            t.sets_per_second,
            t.members_per_second,
            t.speedup,
            runs.max(1),
            t.members,
            t.members as f64 / r.sets.max(1) as f64
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::bench::rr::RrThreadResult;

    #[test]
    fn copies_gives_each_stage_and_the_planted_copies_found() {
        use earshot_app::bench::copies::CopiesStageResult;
        let r = CopiesBenchReport {
            posts: 1000,
            conversations: 100,
            authors: 50,
            largest_thread: 40,
            most_posts_by_one_author: 30,
            seed: 1,
            planted: 60,
            planted_found: 58,
            found: 59,
            generate_seconds: 0.1,
            peak_rss_kib: None,
            results: vec![CopiesStageResult {
                threads: 2,
                stage: "copies".into(),
                median_seconds: 0.25,
                posts_per_second: 4000.0,
            }],
        };
        let mut buf = Vec::new();
        copies(&mut buf, &r, 0).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.starts_with(
                "2 thread(s) copies     0.250 s for 1000 posts, 4K posts/s (median of 1 runs)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("planted copies found: 58 of 60; posts found to copy something: 59"),
            "{text}"
        );
        assert!(!text.contains("peak RSS"));
    }

    #[test]
    fn rr_gives_members_per_set_and_at_least_one_run() {
        let r = RrBenchReport {
            graph: "g".into(),
            nodes: 10,
            edges: 20,
            load_seconds: 0.1,
            sets: 4,
            seed: 1,
            jump_min_in_degree: None,
            results: vec![RrThreadResult {
                threads: 2,
                median_seconds: 0.5,
                sets_per_second: 8.0,
                members_per_second: 20.0,
                speedup: 1.5,
                members: 10,
            }],
        };
        let mut buf = Vec::new();
        rr(&mut buf, &r, 0).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "2 thread(s): 0.500 s, 8 RR sets/s, 20 members/s, 1.50x (median of 1 runs; 10 members, 2.50 per set)\n"
        );
    }

    #[test]
    fn import_clips_long_inputs_from_the_start() {
        let m = Measurement {
            input: format!("/very/long/{}/file.txt.gz", "x".repeat(60)),
            runs: 3,
            events: 1000,
            median_seconds: 2.0,
            median_events_per_second: 500.0,
            min_events_per_second: 400.0,
            max_events_per_second: 600.0,
            median_peak_rss_mib: 12.0,
            max_peak_rss_mib: 13.0,
        };
        let mut buf = Vec::new();
        import(&mut buf, &[m]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with('…'));
        assert!(row.contains("/file.txt.gz "));
        assert!(row.contains("     0k..1k"));
        assert!(row.ends_with("       12.0"));
    }
}
