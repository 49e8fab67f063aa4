//! `earshot forecast`: a post's reach as a distribution, and the calibration.

use anyhow::Result;
use earshot_app::forecast::{AccountForecast, CalibrationSummary, CrpsLead};
use std::io::Write;

/// `forecast ACCOUNT`: the reach distribution (mean with its interval, p10/p50/p90, range), each
/// P(reach ≥ N), the two parts of the mean, and what the model was learned from. `until` is the
/// `--until` the person gave, as they wrote it.
/// `earshot forecast ACCOUNT --chart FILE`: the reach distribution over the simulations as its
/// survival curve, with the percentiles the text quotes marked.
pub fn forecast_chart(path: &std::path::Path, a: &AccountForecast) -> Result<()> {
    let r = &a.forecast.reach;
    crate::chart::survival(
        path,
        &format!(
            "reach of a post by {} ({} simulations; mean {:.1})",
            a.name, r.simulations, r.mean
        ),
        "accounts reached, n (log scale)",
        r.samples_sorted(),
        &[
            (&format!("p10 = {}", r.p10), f64::from(r.p10)),
            (&format!("p50 = {}", r.p50), f64::from(r.p50)),
            (&format!("p90 = {}", r.p90), f64::from(r.p90)),
        ],
    )
}

pub fn forecast(out: &mut dyn Write, a: &AccountForecast, until: Option<&str>) -> Result<()> {
    let AccountForecast {
        name,
        seed,
        thresholds,
        forecast: f,
        model,
        learned_in,
        ..
    } = a;
    let r = &f.reach;
    writeln!(
        out,
        "Reach of a new post by {name}: Independent Cascade over learned ties plus new audience, {} simulations (seed {})",
        r.simulations, seed
    )?;
    if f.conditional {
        writeln!(out, "  of a post reshared at least once: this account's posts are derived from bursts of reshares")?;
    }
    writeln!(
        out,
        "  mean {:.1} (95% CI ± {:.1}), p10 {}, p50 {}, p90 {}, range {}–{}",
        r.mean,
        1.96 * r.std_error,
        r.p10,
        r.p50,
        r.p90,
        r.min,
        r.max
    )?;
    for &n in thresholds {
        writeln!(out, "  P(reach ≥ {n}) = {:.3}", r.probability_at_least(n))?;
    }
    let (labels, shares) = log2_histogram(r.samples_sorted());
    if shares.len() > 1 {
        writeln!(
            out,
            "  distribution {}  (share of simulations reaching {labels}; --chart draws it)",
            crate::chart::sparkline(&shares, 0.0, shares.iter().copied().fold(0.0, f64::max))
        )?;
    }
    writeln!(
        out,
        "  expected through ties {:.2}, from new audience {:.2}",
        f.mean_through_ties, f.mean_new_audience
    )?;
    writeln!(
        out,
        "Learned from {} posts ({} derived from reshares){}, {} ties (pooled tie rate {:.2}%), in {:.1} s; \
         {} of the posts are this account's (history weight {:.2}).",
        model.posts,
        model.derived_posts,
        until.map(|u| format!(" before {u}")).unwrap_or_default(),
        model.graph().edges(),
        100.0 * model.prior_mean,
        learned_in.as_secs_f64(),
        f.own_posts,
        f.own_weight
    )?;
    Ok(())
}

/// `forecast --calibrate`: what was learned before the cut (`until`, as the person wrote it), what was
/// scored, and per part (all posts, authors with and without history) the share inside [p10, p90]
/// beside the forecasts' own mass there, the central 80% of the PIT and the mean CRPS.
pub fn calibration(out: &mut dyn Write, summary: &CalibrationSummary, until: &str) -> Result<()> {
    let rows = [
        ("all posts", &summary.all),
        ("authors with posts before", &summary.with_history),
        ("authors without", &summary.without_history),
        ("baseline: the crowd", &summary.crowd_baseline),
        ("baseline: last size", &summary.last_size_baseline),
    ];
    writeln!(
        out,
        "Learned before {}: {} posts ({} derived from reshares), {} ties, pooled tie rate {:.2}%.",
        until,
        summary.learned_posts,
        summary.learned_derived_posts,
        summary.ties,
        100.0 * summary.pooled_tie_rate
    )?;
    writeln!(
        out,
        "Scored {} later posts of {} authors ({} first seen after the cut, forecast as newcomers), {} simulations per author, in {:.1} s.",
        summary.all.posts,
        summary.authors_forecast,
        summary.authors_first_seen_after,
        summary.simulations_per_author,
        summary.seconds
    )?;
    writeln!(
        out,
        "{:<28} {:>8} {:>14} {:>14} {:>18} {:>10}",
        "", "posts", "in [p10,p90]", "its mass", "central 80% (PIT)", "mean CRPS"
    )?;
    for (label, c) in rows {
        writeln!(
            out,
            "{label:<28} {:>8} {:>13.1}% {:>13.1}% {:>17.1}% {:>10.2}",
            c.posts,
            100.0 * c.inside_p10_p90,
            100.0 * c.forecast_mass_p10_p90,
            100.0 * c.central_80_randomized_pit,
            c.mean_crps
        )?;
    }
    let tenths: Vec<String> = summary
        .all
        .pit_tenths
        .iter()
        .map(|x| format!("{:.3}", x))
        .collect();
    writeln!(
        out,
        "Randomized PIT by tenths (0.100 each if calibrated; heavy first tenths = reach below forecast): {}",
        tenths.join(" ")
    )?;
    if let Some(share) = summary.counted_share {
        writeln!(
            out,
            "Quoted 80% ranges (as `earshot price` quotes them): {:.1}% of outcomes inside, against {:.1}% their own probability; {:.1}% of past adopters counted.",
            100.0 * summary.all.inside_quoted_80,
            100.0 * summary.all.quoted_80_mass,
            100.0 * share
        )?;
    }
    let lead = |name: &str, l: &CrpsLead| {
        let verdict = if l.high < 0.0 {
            "sharper"
        } else if l.low > 0.0 {
            "less sharp"
        } else {
            "not told apart"
        };
        format!(
            "{name} {:+.2} [{:+.2}, {:+.2}] ({verdict})",
            l.difference, l.low, l.high
        )
    };
    writeln!(
        out,
        "CRPS of the model minus, on the same posts (95% paired bootstrap): {}; {}",
        lead("the crowd", &summary.crps_minus_crowd),
        lead("last size", &summary.crps_minus_last_size)
    )?;
    writeln!(out, "A calibrated forecast puts 80% of outcomes in the central 80% of the PIT, and about \"its mass\" inside [p10, p90];")?;
    writeln!(
        out,
        "CRPS (in accounts, lower is better) also rewards sharpness."
    )?;
    Ok(())
}

/// The samples' shares in doubling buckets, 0, 1, 2-3, 4-7, ... up to the largest sample, and the
/// buckets named from first to last (`0, 1, 2-3, ..., 64-127`): a heavy tail fits on one line.
fn log2_histogram(sorted: &[u32]) -> (String, Vec<f64>) {
    let Some(&max) = sorted.last() else {
        return (String::new(), Vec::new());
    };
    let bucket = |v: u32| if v == 0 { 0 } else { 1 + v.ilog2() as usize };
    let mut counts = vec![0u64; bucket(max) + 1];
    for &v in sorted {
        counts[bucket(v)] += 1;
    }
    let n = sorted.len() as f64;
    let name = |b: usize| match b {
        0 => "0".to_string(),
        1 => "1".to_string(),
        b => format!("{}-{}", 1u64 << (b - 1), (1u64 << b) - 1),
    };
    let labels = if counts.len() > 3 {
        format!(
            "{}, {}, {}, ..., {}",
            name(0),
            name(1),
            name(2),
            name(counts.len() - 1)
        )
    } else {
        (0..counts.len()).map(name).collect::<Vec<_>>().join(", ")
    };
    (labels, counts.iter().map(|&c| c as f64 / n).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn log2_histogram_buckets_by_doubling() {
        let (labels, shares) = super::log2_histogram(&[0, 0, 1, 2, 3, 4, 9, 9]);
        assert_eq!(labels, "0, 1, 2-3, ..., 8-15");
        assert_eq!(shares, vec![0.25, 0.125, 0.25, 0.125, 0.25]);
    }

    use super::*;
    use earshot_app::forecast::CalibrationPart;

    fn part(posts: usize, inside: f64) -> CalibrationPart {
        CalibrationPart {
            posts,
            inside_p10_p90: inside,
            forecast_mass_p10_p90: 0.8,
            central_80_randomized_pit: 0.75,
            pit_tenths: vec![0.1; 10],
            mean_crps: 2.345,
            inside_quoted_80: 0.79,
            quoted_80_mass: 0.81,
        }
    }

    #[test]
    fn calibration_gives_each_part_in_percent() {
        let s = CalibrationSummary {
            until: 0,
            learned_posts: 120,
            learned_derived_posts: 20,
            ties: 300,
            pooled_tie_rate: 0.0125,
            simulations_per_author: 1000,
            seed: 1,
            authors_forecast: 9,
            authors_first_seen_after: 2,
            all: part(40, 0.825),
            with_history: part(30, 0.9),
            without_history: part(10, 0.6),
            crowd_baseline: part(40, 0.8),
            last_size_baseline: part(40, 0.1),
            crps_minus_crowd: CrpsLead {
                difference: -0.5,
                low: -0.9,
                high: -0.1,
            },
            crps_minus_last_size: CrpsLead {
                difference: 0.25,
                low: -0.5,
                high: 1.0,
            },
            seconds: 1.0,
            counted_share: None,
        };
        let mut buf = Vec::new();
        calibration(&mut buf, &s, "2012-07-04").unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Learned before 2012-07-04: 120 posts (20 derived from reshares), 300 ties, pooled tie rate 1.25%."
        );
        assert!(lines[1].contains("1000 simulations per author"));
        assert!(lines[3].starts_with("all posts "));
        assert!(lines[3].contains(" 82.5%"));
        assert!(lines[3].ends_with("  2.35") || lines[3].ends_with("  2.34"));
        assert!(lines[5].starts_with("authors without ") && lines[5].contains(" 60.0%"));
        assert!(lines[6].starts_with("baseline: the crowd ") && lines[6].contains(" 80.0%"));
        assert!(lines[7].starts_with("baseline: last size ") && lines[7].contains(" 10.0%"));
        assert_eq!(
            lines[9],
            "CRPS of the model minus, on the same posts (95% paired bootstrap): the crowd -0.50 [-0.90, -0.10] (sharper); last size +0.25 [-0.50, +1.00] (not told apart)"
        );
        assert!(lines[8].ends_with(": 0.100 0.100 0.100 0.100 0.100 0.100 0.100 0.100 0.100 0.100"));
    }
}
