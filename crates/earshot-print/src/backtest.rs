//! `earshot backtest`: one split against the baselines, or the protocol on every dataset.

use anyhow::{bail, Result};
use earshot_app::backtest::datasets::ProtocolReport;
use earshot_app::backtest::{BacktestReport, Lead, SplitReport};
use earshot_model::format_utc;
use std::io::Write;
use std::path::Path;

/// A split's table: each predictor's metrics, earshot's bootstrapped lead over each baseline, and the
/// reliability of its expected engagement per score decile.
pub fn split(out: &mut dyn Write, r: &SplitReport) -> Result<()> {
    writeln!(
        out,
        "train: {} interactions before {} UTC; test: {} interactions in [{}, {}) UTC",
        r.train.interactions,
        format_utc(r.train.until),
        r.test.interactions,
        format_utc(r.train.until),
        format_utc(r.test.until)
    )?;
    writeln!(
        out,
        "{} accounts scored on training; {} of them received engagement in the test window\n",
        r.accounts, r.accounts_engaged_in_test
    )?;
    writeln!(
        out,
        "  {:<40} {:>10} {:>9} {:>13}",
        "predictor",
        "Spearman",
        format!("NDCG@{}", r.k),
        format!("precision@{}", r.k)
    )?;
    for r in &r.results {
        writeln!(
            out,
            "  {:<40} {:>10.4} {:>9.4} {:>13.3}",
            r.predictor, r.metrics.spearman, r.metrics.ndcg, r.metrics.precision
        )?;
    }
    let leads: Vec<(&str, Lead)> = r
        .results
        .iter()
        .filter_map(|r| r.earshot_lead.map(|l| (r.predictor.as_str(), l)))
        .collect();
    if !leads.is_empty() {
        writeln!(
            out,
            "\n  earshot's lead, 95% interval ({} paired resamples)  {:>21} {:>21}",
            r.bootstrap,
            "Spearman",
            format!("NDCG@{}", r.k)
        )?;
        for (name, l) in leads {
            writeln!(
                out,
                "  over {:<46} [{:+.4}, {:+.4}]    [{:+.4}, {:+.4}]",
                name.trim_start_matches("baseline: "),
                l.spearman.low,
                l.spearman.high,
                l.ndcg.low,
                l.ndcg.high
            )?;
        }
    }
    if !r.reliability.is_empty() {
        writeln!(
            out,
            "\n  reliability: engagement per account in the test window, by score decile (scored accounts; 95% bootstrap interval of the realised mean)"
        )?;
        writeln!(
            out,
            "  {:>6} {:>8} {:>13} {:>10} {:>10} {:>21}  inside",
            "decile", "accounts", "scores", "expected", "realised", "interval"
        )?;
        for r in &r.reliability {
            writeln!(
                out,
                "  {:>6} {:>8} {:>6.1}–{:<6.1} {:>10.3} {:>10.3} [{:>8.3}, {:>8.3}]  {}",
                r.decile,
                r.accounts,
                r.score_low,
                r.score_high,
                r.predicted,
                r.realised,
                r.realised_low,
                r.realised_high,
                if r.inside { "yes" } else { "no" }
            )?;
        }
        writeln!(
            out,
            "  {} of 10 deciles inside their interval",
            r.deciles_inside()
        )?;
    }
    Ok(())
}

/// `earshot backtest` on one split: the split's table, then the reliability with the level set on
/// the training window's end when it was asked for.
pub fn backtest(out: &mut dyn Write, report: &BacktestReport) -> Result<()> {
    split(out, &report.split)?;
    if let Some(r) = &report.relevel {
        writeln!(
            out,
            "\n  with the level set on the training window's last {:.1} h (it received ×{:.3} what the model expected): {} of 10 deciles inside",
            r.hours, r.factor, r.deciles_inside
        )?;
    }
    Ok(())
}

/// `backtest --fit-out` on one split: where the model fitted on it went.
pub fn fitted(out: &mut dyn Write, version: &str, file: &Path) -> Result<()> {
    writeln!(
        out,
        "\nmodel {} fitted on this split written to {}; check it on a later split with --model",
        version,
        file.display()
    )?;
    Ok(())
}

/// `backtest --data`: the fitted model (its setting, equation and scale), then each dataset's test
/// split with its transfer figure and, for trust networks, the agreement with later ratings; and
/// where the model was written (`fit_out`). A model without a predictor is an error.
pub fn protocol(
    out: &mut dyn Write,
    report: &ProtocolReport,
    fit_out: Option<&Path>,
) -> Result<()> {
    let (setting, validation_lead) = (&report.setting, report.validation_lead);
    let Some(predictor) = &report.model.predictor else {
        bail!("the fitted model has no predictor");
    };
    let scale = report.model.scale.unwrap_or(earshot_score::Scale::DEFINED);
    writeln!(
        out,
        "fitted on the first split of {}; chosen on validation: {}, ridge {} (worst dataset's lead {:+.4})",
        report.fitted_on.join(", "),
        setting.label,
        setting.l2,
        validation_lead
    )?;
    let coefficients: Vec<String> = predictor
        .coefficients
        .iter()
        .map(|(f, b)| format!("{} {:.3}", f.name(), b))
        .collect();
    writeln!(
        out,
        "model: ln(expected reactions next week) = {:.3} + {}",
        predictor.intercept,
        coefficients.join(" + ")
    )?;
    writeln!(
        out,
        "scale: {:.1} points per doubling; 25 = {:.3} reactions a week, 90 = {:.1}\n",
        scale.points_per_doubling,
        scale.anchor_expected,
        scale.expected_at(90.0)
    )?;
    for d in &report.datasets {
        writeln!(
            out,
            "=== {} (test split, scored once{})",
            d.dataset,
            if d.fitted_on_it {
                ""
            } else {
                "; not fitted on: a transfer figure"
            }
        )?;
        split(out, &d.test)?;
        if let Some(t) = &d.transfer {
            let m = t.earshot();
            writeln!(
                out,
                "  transfer (fitted without {}): Spearman {:.4}, NDCG@{} {:.4}, {} of 10 deciles inside",
                d.dataset,
                m.spearman,
                t.k,
                m.ndcg,
                t.deciles_inside()
            )?;
        }
        if let Some(r) = &d.later_positive_ratings {
            writeln!(out, "\n  agreement with later positive ratings received:")?;
            split(out, r)?;
        }
        writeln!(out)?;
    }
    if let Some(file) = fit_out {
        writeln!(out, "model written to {}", file.display())?;
    }
    Ok(())
}

/// `earshot backtest --chart FILE`: the split's reliability table as a reliability diagram.
pub fn reliability_chart(path: &Path, r: &BacktestReport) -> Result<()> {
    let rows = &r.split.reliability;
    if rows.is_empty() {
        bail!(
            "no reliability table to chart: the model gives no expected engagement (a percentile model), \
             or fewer than 10 accounts were scored"
        );
    }
    let groups: Vec<crate::chart::Calibrated> = rows
        .iter()
        .map(|g| crate::chart::Calibrated {
            predicted: g.predicted,
            realised: g.realised,
            low: g.realised_low,
            high: g.realised_high,
        })
        .collect();
    let inside = rows.iter().filter(|g| g.inside).count();
    crate::chart::reliability(
        path,
        &format!(
            "reliability: {inside} of {} score deciles inside their interval",
            rows.len()
        ),
        "engagement",
        &groups,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::backtest::{Row, Window};
    use earshot_score::backtest::{Interval, Metrics, ReliabilityRow};

    fn row(predictor: &str, spearman: f64, lead: Option<Lead>) -> Row {
        Row {
            predictor: predictor.into(),
            metrics: Metrics {
                spearman,
                ndcg: 0.5,
                precision: 0.25,
            },
            earshot_lead: lead,
        }
    }

    #[test]
    fn split_gives_metrics_leads_and_deciles_inside() {
        let lead = Lead {
            spearman: Interval {
                low: 0.01,
                high: 0.2,
            },
            ndcg: Interval {
                low: -0.05,
                high: 0.1,
            },
        };
        let decile = |decile, inside| ReliabilityRow {
            decile,
            accounts: 5,
            score_low: 10.0,
            score_high: 20.0,
            predicted: 1.0,
            realised: 1.2,
            realised_low: 0.8,
            realised_high: 1.6,
            inside,
        };
        let r = SplitReport {
            train: Window {
                from: None,
                until: 86_400,
                interactions: 100,
            },
            test: Window {
                from: Some(86_400),
                until: 2 * 86_400,
                interactions: 40,
            },
            accounts: 30,
            accounts_engaged_in_test: 12,
            k: 10,
            results: vec![
                row("earshot", 0.61234, None),
                row("baseline: reactions received", 0.4, Some(lead)),
            ],
            reliability: vec![decile(1, true), decile(2, false)],
            bootstrap: 50,
        };
        let mut buf = Vec::new();
        split(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "train: 100 interactions before 1970-01-02 00:00:00 UTC; test: 40 interactions in [1970-01-02 00:00:00, 1970-01-03 00:00:00) UTC"
        );
        assert!(lines[3].ends_with("   NDCG@10  precision@10"));
        assert!(lines[4].starts_with("  earshot ") && lines[4].contains("     0.6123 "));
        assert!(text.contains("(50 paired resamples)"));
        assert!(text.contains("  over reactions received "));
        assert!(text.contains("[+0.0100, +0.2000]    [-0.0500, +0.1000]"));
        assert_eq!(
            lines.last().unwrap(),
            &"  1 of 10 deciles inside their interval"
        );
    }
}
