//! `earshot forecast --doubling` (the evaluation) and `earshot forecast --post ID` (one post).

use anyhow::Result;
use earshot_app::doubling::{DoublingEvalReport, PostDoublingReport, Settling, SplitCounts};
use std::io::Write;

/// Instants from 2001 on as a UTC date beside the number; earlier ones are taken as the relative units
/// some datasets have, and shown as the number alone.
fn instant(t: i64) -> String {
    if t >= 1_000_000_000 {
        format!("{t} ({} UTC)", earshot_model::format_utc(t))
    } else {
        t.to_string()
    }
}

/// A span in seconds as `2d 3h`, `4h 05m`, `6m 07s` or `8s`.
fn span(s: i64) -> String {
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    match () {
        _ if d > 0 => format!("{d}d {h}h"),
        _ if h > 0 => format!("{h}h {m:02}m"),
        _ if m > 0 => format!("{m}m {sec:02}s"),
        _ => format!("{sec}s"),
    }
}

fn split_line(out: &mut dyn Write, name: &str, s: &SplitCounts) -> Result<()> {
    writeln!(
        out,
        "  {name:<11} {:>7} {:>7} {:>8} {:>9.1}%",
        s.posts,
        s.rows,
        s.doubled,
        100.0 * s.positive_rate
    )?;
    Ok(())
}

fn settled(s: Settling) -> String {
    match s {
        Settling::None => "every training post".into(),
        s => format!("training posts older than the {} doubling time", s.name()),
    }
}

/// Validation accuracy of every setting: a row per feature set and settling, a column per L2.
fn settings_table(out: &mut dyn Write, r: &DoublingEvalReport) -> Result<()> {
    let mut l2s: Vec<f64> = Vec::new();
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    for s in &r.settings {
        let st = &s.setting;
        if !l2s.contains(&st.l2) {
            l2s.push(st.l2);
        }
        let label = format!("{}, settled {}", st.features.name(), st.settling.name());
        match rows.last_mut() {
            Some((l, v)) if *l == label => v.push(s.accuracy),
            _ => rows.push((label, vec![s.accuracy])),
        }
    }
    write!(out, "Validation accuracy {:<14}", "")?;
    for l2 in &l2s {
        write!(out, " {:>8}", format!("L2 {l2}"))?;
    }
    writeln!(out)?;
    for (label, v) in rows {
        write!(out, "  {label:<31}")?;
        for a in v {
            write!(out, " {a:>8.3}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The evaluation: the splits, the setting chosen on validation, and the test accuracy beside the
/// baselines, with intervals.
pub fn evaluation(out: &mut dyn Write, r: &DoublingEvalReport) -> Result<()> {
    let k = r.k;
    writeln!(
        out,
        "Will a post with {k} reshares reach {}? (Cheng et al. 2014){}",
        2 * k,
        r.platform
            .as_deref()
            .map(|p| format!(", platform {p}"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "Fit before {}, validate before {}, test after; {}.",
        instant(r.cut),
        instant(r.score_until),
        r.labels
    )?;
    writeln!(
        out,
        "  {:<11} {:>7} {:>7} {:>8} {:>10}",
        "split", "posts", "≥k", "doubled", "doubled %"
    )?;
    split_line(out, "train", &r.train)?;
    split_line(out, "validation", &r.validation)?;
    split_line(out, "test", &r.test)?;
    settings_table(out, r)?;
    let c = &r.chosen.setting;
    writeln!(
        out,
        "Chosen: {} features, L2 {}, {} (validation {:.3}).",
        c.features.name(),
        c.l2,
        settled(c.settling),
        r.chosen.accuracy
    )?;
    let t = &r.result;
    writeln!(out, "Test, run once on {} posts:", r.test.rows)?;
    writeln!(
        out,
        "  logistic regression  accuracy {:.3} (95% CI {:.3}–{:.3}), AUC {:.3}",
        t.accuracy, t.accuracy_interval[0], t.accuracy_interval[1], t.auc
    )?;
    writeln!(
        out,
        "  majority class       accuracy {:.3} (always \"{}\"); lead {:+.3} (95% CI {:+.3} to {:+.3})",
        t.majority_accuracy,
        if t.majority_doubles {
            "doubles"
        } else {
            "does not double"
        },
        t.accuracy - t.majority_accuracy,
        t.over_majority_interval[0],
        t.over_majority_interval[1]
    )?;
    writeln!(
        out,
        "  time to reshare {k}    accuracy {:.3} ({} than the training median {} doubles); lead {:+.3} (95% CI {:+.3} to {:+.3})",
        t.temporal_accuracy,
        if t.temporal_fast_doubles { "faster" } else { "slower" },
        span(t.temporal_median_seconds.round() as i64),
        t.accuracy - t.temporal_accuracy,
        t.over_temporal_interval[0],
        t.over_temporal_interval[1]
    )?;
    writeln!(
        out,
        "  random guessing      accuracy {:.3}",
        t.random_accuracy
    )?;
    let weights: Vec<String> = r
        .weights
        .iter()
        .map(|w| format!("{} {:+.2}", w.feature, w.weight))
        .collect();
    writeln!(
        out,
        "Weights (log-odds per standard deviation): {}",
        weights.join(", ")
    )?;
    Ok(())
}

/// One post as it stood, and its chance to double.
pub fn post(out: &mut dyn Write, r: &PostDoublingReport) -> Result<()> {
    let k = r.k;
    writeln!(
        out,
        "Post {} on {} by {}, posted {}.",
        r.post,
        r.platform,
        r.author,
        instant(r.posted)
    )?;
    writeln!(
        out,
        "Seen before {} ({} after posting): {} reshare{}.",
        instant(r.at),
        span(r.since_posted),
        r.reshares_seen,
        if r.reshares_seen == 1 { "" } else { "s" }
    )?;
    if !r.early_adopters.is_empty() {
        let adopters: Vec<String> = r
            .early_adopters
            .iter()
            .map(|a| format!("{} (+{})", a.account, span(a.after)))
            .collect();
        writeln!(out, "  first reshares: {}", adopters.join(", "))?;
    }
    if r.already_doubled {
        writeln!(
            out,
            "It had already doubled: {} reshares, at least 2 × {k}; nothing to forecast.",
            r.reshares_seen
        )?;
    } else if let (Some(p), Some(m)) = (r.probability_doubles, &r.model) {
        writeln!(
            out,
            "P(reaches {} reshares) = {:.2}, from its first {k} reshares.",
            2 * k,
            p
        )?;
        for f in &r.features {
            writeln!(
                out,
                "  {:<28} {:>8.3}  push {:+.2}",
                f.feature, f.value, f.push
            )?;
        }
        writeln!(
            out,
            "Model: logistic regression, {} features, L2 {}, fitted on {} earlier posts with {k} reshares \
             before then ({} doubled); {}.",
            m.setting.features.name(),
            m.setting.l2,
            m.fitted_on,
            m.doubled,
            m.labels
        )?;
    } else {
        writeln!(
            out,
            "Fewer than {k} reshares by then: too early to say whether it doubles (the forecast starts at the {k}th)."
        )?;
    }
    writeln!(
        out,
        "Stored in all: {} reshares{}.",
        r.reshares_stored,
        if r.reshares_stored >= 2 * k {
            " (doubled)"
        } else {
            " (not doubled)"
        }
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_instants_read_as_people_write_them() {
        assert_eq!(span(8), "8s");
        assert_eq!(span(367), "6m 07s");
        assert_eq!(span(4 * 3600 + 5 * 60), "4h 05m");
        assert_eq!(span(2 * 86_400 + 3 * 3600 + 59), "2d 3h");
        assert_eq!(
            instant(1_285_473_347),
            "1285473347 (2010-09-26 03:55:47 UTC)"
        );
        assert_eq!(instant(48_358_445), "48358445");
    }
}
