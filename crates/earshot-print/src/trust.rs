//! `earshot trust`: a trained or shown authenticity model's features and weights, the evaluation
//! beside the press rules, one account's explanation, and the scan of every account.

use anyhow::Result;
use earshot_app::trust::{
    features_by_weight, EvalReport, FixedEvalReport, ScanReport, TrustExplanation,
};
use earshot_trust::{Classifier, Metrics, TrustModel};
use std::io::Write;
use std::path::Path;

/// What `trust train` says: the file written and what the model was fitted on, then the model.
pub fn trained(out: &mut dyn Write, path: &Path, m: &TrustModel) -> Result<()> {
    writeln!(out, "wrote {} ({})", path.display(), m.about)?;
    model(out, m)
}

/// What `trust show` says: what the model was fitted on, then the model.
pub fn shown(out: &mut dyn Write, m: &TrustModel) -> Result<()> {
    writeln!(out, "{}", m.about)?;
    model(out, m)
}

/// A model's kind and its features, heaviest first, with coverage, mean and meaning (after a blank
/// line).
pub fn model(out: &mut dyn Write, m: &TrustModel) -> Result<()> {
    let (what, column) = match &m.classifier {
        Classifier::Logistic { intercept, l2 } => (
            format!(
                "logistic regression (L2 {l2}), intercept {intercept:+.3} log-odds; weights are log-odds per standard deviation"
            ),
            "weight",
        ),
        Classifier::BoostedTrees { params, ensemble } => (
            format!(
                "{} boosted trees of depth {} (learning rate {}); importance is each feature's share of the split gain",
                ensemble.trees.len(),
                params.max_depth,
                params.learning_rate
            ),
            "importance",
        ),
    };
    writeln!(out, "\nmodel {}: {what}", m.version)?;
    writeln!(
        out,
        "  {:<18} {:>10} {:>9} {:>9}  meaning",
        "feature", column, "coverage", "mean"
    )?;
    for (f, meaning) in features_by_weight(m) {
        writeln!(
            out,
            "  {:<18} {:>+10.3} {:>8.0}% {:>9.3}  {}",
            f.name,
            f.weight,
            100.0 * f.coverage,
            f.mean,
            meaning
        )?;
    }
    Ok(())
}

/// The header of the table [`metric_row`] prints, in its column widths.
fn metric_header(out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "  {:<44} {:>6} {:>9} {:>7} {:>20} {:>20}",
        "predictor", "n", "precision", "recall", "F1 [95% interval]", "AUC [95% interval]"
    )?;
    Ok(())
}

/// A figure and its interval, `0.912 [0.890, 0.931]`, or the figure alone.
fn with_interval(v: f64, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
        None => format!("{v:.3}"),
    }
}

fn metric_row(out: &mut dyn Write, name: &str, m: &Metrics) -> Result<()> {
    let ci = m.intervals;
    writeln!(
        out,
        "  {:<44} {:>6} {:>9.3} {:>7.3} {:>20} {:>20}",
        name,
        m.n,
        m.precision,
        m.recall,
        with_interval(m.f1, ci.map(|c| c.f1)),
        with_interval(m.auc, ci.map(|c| c.auc)),
    )?;
    Ok(())
}

/// One metrics table: per platform its labelled accounts, each classifier cross-validated and the
/// press rules; then each platform left out of training and tested on; then each pairwise transfer.
pub fn eval(out: &mut dyn Write, report: &EvalReport) -> Result<()> {
    metric_header(out)?;
    for p in &report.platforms {
        writeln!(
            out,
            "{}: {} labelled accounts ({} automated or fake)",
            p.platform, p.accounts, p.automated_or_fake
        )?;
        for cv in &p.cross_validation {
            metric_row(
                out,
                &format!("{}, {}-fold cross-validated", cv.classifier, cv.folds),
                &cv.model,
            )?;
        }
        if let Some(r) = &p.rules {
            metric_row(out, "press rules (fails over half the checks)", r)?;
        }
    }
    if !report.leave_one_out.is_empty() {
        writeln!(
            out,
            "leave one platform out ({}: trained on the others, tested on it):",
            report.transfer_classifier
        )?;
        for l in &report.leave_one_out {
            metric_row(out, &format!("tested on {}", l.test), &l.metrics)?;
        }
    }
    if !report.transfer.is_empty() {
        writeln!(
            out,
            "one platform to another ({}):",
            report.transfer_classifier
        )?;
    }
    for t in &report.transfer {
        metric_row(
            out,
            &format!("trained on {}, tested on {}", t.train, t.test),
            &t.metrics,
        )?;
    }
    Ok(())
}

/// A fixed model's figures on all the labelled accounts, then per platform, each beside the press rules.
pub fn fixed_eval(out: &mut dyn Write, report: &FixedEvalReport) -> Result<()> {
    writeln!(
        out,
        "model {} on {} labelled accounts, as it is (no retraining):",
        report.model, report.accounts
    )?;
    metric_header(out)?;
    let all = Metrics {
        precision: report.precision,
        recall: report.recall,
        f1: report.f1,
        accuracy: f64::NAN,
        auc: report.auc,
        n: report.accounts,
        intervals: report.intervals,
    };
    metric_row(out, "all platforms", &all)?;
    if let Some(r) = &report.rules {
        metric_row(out, "  press rules (fails over half the checks)", r)?;
    }
    for p in &report.platforms {
        metric_row(out, &p.platform, &p.metrics)?;
        if let Some(r) = &p.rules {
            metric_row(out, "  press rules (fails over half the checks)", r)?;
        }
    }
    Ok(())
}

/// The account's probability, then the baseline and each feature's value and push in log-odds, and
/// the data's label if it has one.
pub fn explanation(out: &mut dyn Write, ex: &TrustExplanation) -> Result<()> {
    let s = &ex.assessment;
    writeln!(
        out,
        "{}:{} — probability automated or fake {:.3} (model {})",
        ex.platform, ex.name, s.probability, s.model_version
    )?;
    writeln!(
        out,
        "\n  {:<22} {:>10} {:>9}  meaning",
        "feature", "value", "log-odds"
    )?;
    writeln!(
        out,
        "  {:<22} {:>10} {:>+9.3}  the model's baseline",
        "(base)", "", s.base_log_odds
    )?;
    for c in &s.contributions {
        let Some(v) = c.value else { continue };
        writeln!(
            out,
            "  {:<22} {:>10.3} {:>+9.3}  {}",
            c.feature, v, c.log_odds, c.meaning
        )?;
    }
    let unknown: Vec<&str> = s
        .contributions
        .iter()
        .filter(|c| c.value.is_none())
        .map(|c| c.feature)
        .collect();
    if !unknown.is_empty() {
        writeln!(
            out,
            "\n  not in this profile, so contributing 0: {}",
            unknown.join(", ")
        )?;
    }
    if let Some(label) = &ex.label {
        writeln!(
            out,
            "\n(the data labels this account {label:?}; labels never feed the probability)"
        )?;
    }
    Ok(())
}

/// The scan's counts (accounts, weights of 0 and under 1, bursts) and the least authentic accounts.
pub fn scan(out: &mut dyn Write, report: &ScanReport) -> Result<()> {
    writeln!(
        out,
        "{} accounts ({} with a profile the model reads, {} interactions) assessed in {:.2} s with {}:",
        report.accounts, report.with_profile, report.interactions, report.seconds, report.trust_model
    )?;
    writeln!(
        out,
        "  {} weigh 0 (more likely fake than not, trading reactions in a closed group or ring, or acting like clockwork); {} weigh less than 1",
        report.weight_zero, report.weight_reduced
    )?;
    writeln!(
        out,
        "  {} bursts of doubtful new reactors: {} reactor→target pairs earn nothing",
        report.bursts, report.burst_pairs
    )?;
    if report.least_authentic.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nleast authentic (weight scoring gives their reactions):"
    )?;
    for w in &report.least_authentic {
        writeln!(out, "  {:<28} {:.3}", w.name, w.weight)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::render;
    use earshot_app::trust::{AccountWeight, PlatformEval};

    #[test]
    fn the_builtin_model_lists_every_feature_under_its_kind() {
        let m = TrustModel::builtin();
        let text = render(|out| shown(out, &m));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], m.about);
        assert_eq!(lines[1], "");
        assert!(
            lines[2].starts_with(&format!("model {}: ", m.version)),
            "{text}"
        );
        assert!(lines[3].starts_with("  feature "), "{text}");
        assert_eq!(lines.len(), 4 + features_by_weight(&m).len(), "{text}");
    }

    #[test]
    fn eval_rows_carry_the_platform_and_the_metrics_with_intervals() {
        let metrics = Metrics {
            precision: 0.5,
            recall: 0.25,
            f1: 1.0 / 3.0,
            accuracy: 0.75,
            auc: 0.8,
            n: 40,
            intervals: Some(earshot_trust::Intervals {
                resamples: 10,
                auc: [0.7, 0.9],
                f1: [0.2, 0.45],
                precision: [0.3, 0.7],
                recall: [0.1, 0.4],
            }),
        };
        let report = EvalReport {
            folds: 5,
            seed: 1,
            platforms: vec![PlatformEval {
                platform: "twitter".into(),
                accounts: 40,
                automated_or_fake: 10,
                rules: Some(metrics),
                cross_validation: vec![],
            }],
            leave_one_out: vec![earshot_app::trust::LeftOut {
                test: "instagram".into(),
                train: vec!["twitter".into()],
                metrics: Metrics {
                    intervals: None,
                    ..metrics
                },
            }],
            transfer: vec![],
            transfer_classifier: "trees",
            left_out: 0,
            left_out_note: None,
        };
        let text = render(|out| eval(out, &report));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("AUC [95% interval]"), "{text}");
        assert_eq!(
            lines[1],
            "twitter: 40 labelled accounts (10 automated or fake)"
        );
        assert!(
            lines[2]
                .ends_with("    40     0.500   0.250 0.333 [0.200, 0.450] 0.800 [0.700, 0.900]"),
            "{text}"
        );
        assert!(
            lines[3].starts_with("leave one platform out (trees"),
            "{text}"
        );
        assert!(
            lines[4].trim_start().starts_with("tested on instagram"),
            "{text}"
        );
        assert!(lines[4].ends_with("0.333                0.800"), "{text}");
    }

    #[test]
    fn an_explanation_lists_known_features_and_names_the_unknown_once() {
        let c = |feature, value, log_odds| earshot_trust::Contribution {
            feature,
            meaning: "m",
            value,
            log_odds,
        };
        let ex = TrustExplanation {
            platform: "twitter".into(),
            name: "@a".into(),
            label: None,
            assessment: earshot_trust::Assessment {
                model_version: "t-2".into(),
                probability: 0.75,
                base_log_odds: 0.5,
                contributions: vec![
                    c("follow_ratio", Some(-2.0), 0.6),
                    c("log_likes_given", None, 0.0),
                    c("verified", None, 0.0),
                ],
            },
        };
        let text = render(|out| explanation(out, &ex));
        assert!(
            text.contains("  follow_ratio               -2.000    +0.600  m"),
            "{text}"
        );
        assert!(!text.contains("unknown"), "{text}");
        assert!(
            text.trim_end()
                .ends_with("not in this profile, so contributing 0: log_likes_given, verified"),
            "{text}"
        );
    }

    #[test]
    fn a_scan_without_suspects_stops_after_its_counts() {
        let mut report = ScanReport {
            accounts: 3,
            with_profile: 1,
            interactions: 9,
            weight_zero: 1,
            weight_reduced: 2,
            bursts: 0,
            burst_pairs: 0,
            trust_model: "t-1".into(),
            seconds: 0.5,
            least_authentic: vec![],
        };
        let text = render(|out| scan(out, &report));
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("3 accounts (1 with a profile the model reads, 9 interactions) assessed in 0.50 s with t-1:"));
        report.least_authentic.push(AccountWeight {
            account: 1,
            name: "@bot".into(),
            weight: 0.0,
        });
        let text = render(|out| scan(out, &report));
        assert!(
            text.ends_with("\n  @bot                         0.000\n"),
            "{text}"
        );
    }
}
