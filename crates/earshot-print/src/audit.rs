//! `earshot audit`: each group's share of the top K beside its base rate, its values and its exposure,
//! then the disparities and, for a score run, the component behind each group's gap.

use crate::fmt::clip;
use anyhow::Result;
use earshot_app::audit::{AuditReport, Disparity};
use std::io::Write;

/// The report as a table a person reads top to bottom.
pub fn audit(out: &mut dyn Write, r: &AuditReport) -> Result<()> {
    writeln!(out, "ranking: {}", r.ranking)?;
    writeln!(
        out,
        "labels: {} rows of {} in {} groups, {} accounts found{}",
        r.labels.rows,
        r.labels.file,
        r.labels.groups,
        r.labels.found,
        if r.labels.not_found > 0 {
            format!(", {} not in the database", r.labels.not_found)
        } else {
            String::new()
        }
    )?;
    writeln!(out, "top {} of {} ranked accounts", r.k, r.ranked)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<24} {:>8} {:>8} {:>9} {:>6} {:>9} {:>7} {:>10} {:>9} {:>11}",
        "group",
        "labelled",
        "ranked",
        "base",
        "top K",
        "top share",
        "repr.",
        "median",
        "exposure",
        "exp./merit"
    )?;
    for g in &r.groups {
        writeln!(
            out,
            "{:<24} {:>8} {:>8} {:>8.2}% {:>6} {:>8.2}% {:>7} {:>10} {:>8.2}% {:>11}",
            clip(&g.group, 24),
            g.labelled,
            g.ranked,
            100.0 * g.base_share,
            g.top_k,
            100.0 * g.top_k_share,
            g.representation
                .map_or("-".to_string(), |x| format!("{x:.2}")),
            g.values.as_ref().map_or("-".to_string(), |d| value(d.p50)),
            100.0 * g.exposure_share,
            g.exposure_per_merit
                .map_or("-".to_string(), |x| format!("{x:.2}")),
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "base: the group's share of everyone ranked; repr.: top share / base (1 is parity);"
    )?;
    writeln!(
        out,
        "exposure: the group's share of 1/log2(1+rank) summed down the whole ranking;"
    )?;
    writeln!(
        out,
        "exp./merit: exposure per unit of the ranked value, against everyone's (Singh & Joachims 2018)"
    )?;
    for d in [&r.representation_disparity, &r.exposure_disparity]
        .into_iter()
        .flatten()
    {
        disparity(out, d)?;
    }
    let gaps: Vec<_> = r
        .groups
        .iter()
        .filter_map(|g| Some((g, g.component_gaps.first()?)))
        .collect();
    if !gaps.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "largest component gap per group (mean percentile, group against everyone):"
        )?;
        for (g, c) in gaps {
            writeln!(
                out,
                "  {:<24} {:<14} {:>6.1} vs {:>6.1} ({:+.1})",
                clip(&g.group, 24),
                c.component,
                c.group_mean_percentile,
                c.everyone_mean_percentile,
                c.gap
            )?;
        }
    }
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

fn disparity(out: &mut dyn Write, d: &Disparity) -> Result<()> {
    writeln!(
        out,
        "{}: lowest {} ({:.2}), highest {} ({:.2}), ratio {:.2}",
        d.measure, d.lowest_group, d.lowest, d.highest_group, d.highest, d.ratio
    )?;
    Ok(())
}

/// A ranked value in few characters: scores and components as they are, PageRank's small shares in
/// scientific notation.
fn value(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.01 {
        format!("{x:.2e}")
    } else {
        format!("{x:.2}")
    }
}
