//! `earshot plan --evaluate-cascades`: IMM on EM's probabilities beside the top-follower and top-PageRank
//! seeds, by Monte Carlo spread and by replaying the test cascades.

use anyhow::Result;
use earshot_app::plan::evaluate::{CascadeEvalReport, SplitSize};
use std::io::Write;

fn prior(alpha: f64, beta: f64) -> String {
    format!("Beta({alpha}, {beta})")
}

fn interval(i: [f64; 2]) -> String {
    format!("[{:.3}, {:.3}]", i[0], i[1])
}

fn split(s: &SplitSize) -> String {
    format!("{} cascades ({} adopters)", s.cascades, s.adopters)
}

/// The splits, the prior validation chose, what EM learned, and per `k` each seed set's spread and
/// replay shares with IMM's leads.
pub fn evaluation(out: &mut dyn Write, r: &CascadeEvalReport) -> Result<()> {
    writeln!(
        out,
        "IMM on probabilities learned from cascades{}: {} accounts, {} follow edges",
        r.platform
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default(),
        r.nodes,
        r.follow_edges
    )?;
    writeln!(
        out,
        "cascades by post time{}: train {} before {}; validation {} before {}; test {} after",
        if r.cuts_at_percentiles {
            " (60th and 80th percentiles)"
        } else {
            ""
        },
        split(&r.train),
        r.cut,
        split(&r.validation),
        r.score_until,
        split(&r.test)
    )?;
    writeln!(out, "prior by validation log-likelihood:")?;
    for p in &r.priors {
        writeln!(
            out,
            "  {:<18} {:>14.1}  ({} iterations){}",
            prior(p.alpha, p.beta),
            p.validation_log_likelihood,
            p.iterations,
            if (p.alpha, p.beta) == (r.chosen.alpha, r.chosen.beta) {
                "  chosen"
            } else {
                ""
            }
        )?;
    }
    let l = &r.learning;
    writeln!(
        out,
        "EM on training and validation cascades: {} cascades, {} of {} reshares by a follower of an \
         earlier adopter ({} outside the graph), {} edges with a trial (mean p {:.3}), {} iterations{}, \
         {:.3} s",
        l.cascades,
        l.explained,
        l.adoptions,
        l.outside,
        l.edges_with_trials,
        l.mean_probability_with_trials,
        l.iterations,
        if l.converged { "" } else { " (not converged)" },
        l.seconds
    )?;
    for rule in &r.replay_rules {
        writeln!(out, "replay, {}: {}", rule.measure, rule.rule)?;
    }
    for k in &r.results {
        writeln!(out)?;
        let hops: Vec<&str> = k
            .seed_sets
            .first()
            .map(|s| s.replay.iter().map(|h| h.measure).collect())
            .unwrap_or_default();
        write!(
            out,
            "k = {:<4} {:<14} {:>22}",
            k.k, "seeds", "Monte Carlo spread"
        )?;
        for h in &hops {
            write!(out, "  {h:>26}")?;
        }
        writeln!(out)?;
        for s in &k.seed_sets {
            write!(
                out,
                "         {:<14} {:>14.1} ± {:<5.1}",
                s.seeds, s.monte_carlo.mean, s.monte_carlo.ci95
            )?;
            for h in &s.replay {
                write!(out, "  {:>6.3} {:>19}", h.share, interval(h.interval))?;
            }
            writeln!(out)?;
        }
        for lead in &k.leads {
            write!(
                out,
                "         IMM − {:<8} {:>+14.1} ± {:<5.1}",
                lead.over.trim_start_matches("top "),
                lead.monte_carlo,
                lead.monte_carlo_ci95
            )?;
            for h in &lead.replay {
                write!(out, "  {:>+6.3} {:>19}", h.difference, interval(h.interval))?;
            }
            writeln!(out)?;
        }
        writeln!(
            out,
            "         through cascades per test cascade with a seed (of {}):",
            r.test.cascades
        )?;
        for s in &k.seed_sets {
            let p = &s.per_cascade_with_a_seed;
            writeln!(
                out,
                "           {:<14} {:>6.2} {:>19} in {} cascades",
                s.seeds,
                p.mean,
                format!("[{:.2}, {:.2}]", p.interval[0], p.interval[1]),
                p.cascades
            )?;
        }
        for lead in &k.leads {
            let p = &lead.per_cascade_with_a_seed;
            writeln!(
                out,
                "           IMM − {:<8} {:>+6.2} {:>19}",
                lead.over.trim_start_matches("top "),
                p.difference,
                format!("[{:.2}, {:.2}]", p.interval[0], p.interval[1])
            )?;
        }
        writeln!(out, "         IMM planned in {:.2} s", k.imm_seconds)?;
    }
    Ok(())
}
