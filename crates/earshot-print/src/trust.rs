//! `earshot trust`: a trained or shown authenticity model's features and weights, the evaluation
//! beside the press rules, one account's explanation, and the scan of every account.

use anyhow::Result;
use earshot_app::trust::{features_by_weight, EvalReport, ScanReport, TrustExplanation};
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
        "  {:<44} {:>6} {:>9} {:>7} {:>7} {:>8} {:>7}",
        "predictor", "n", "precision", "recall", "F1", "accuracy", "AUC"
    )?;
    Ok(())
}

fn metric_row(out: &mut dyn Write, name: &str, m: &Metrics) -> Result<()> {
    writeln!(
        out,
        "  {:<44} {:>6} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>7.4}",
        name, m.n, m.precision, m.recall, m.f1, m.accuracy, m.auc
    )?;
    Ok(())
}

/// One metrics table: per platform its labelled accounts, each classifier cross-validated and the
/// press rules; then each cross-platform transfer.
pub fn eval(out: &mut dyn Write, report: &EvalReport) -> Result<()> {
    metric_header(out)?;
    for p in &report.platforms {
        writeln!(
            out,
            "{}: {} labelled accounts ({} automated or fake; {} exact duplicates dropped)",
            p.platform, p.accounts, p.automated_or_fake, p.duplicates_dropped
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
    for t in &report.transfer {
        metric_row(
            out,
            &format!(
                "{} trained on {}, tested on {}",
                report.transfer_classifier, t.train, t.test
            ),
            &t.metrics,
        )?;
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
        "\n  {:<18} {:>10} {:>9}  meaning",
        "feature", "value", "log-odds"
    )?;
    writeln!(
        out,
        "  {:<18} {:>10} {:>+9.3}  the model's baseline",
        "(intercept)", "", s.base_log_odds
    )?;
    for c in &s.contributions {
        let value = c.value.map_or("unknown".to_string(), |v| format!("{v:.3}"));
        writeln!(
            out,
            "  {:<18} {:>10} {:>+9.3}  {}",
            c.feature, value, c.log_odds, c.meaning
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
    fn eval_rows_carry_the_platform_and_the_metrics_in_fixed_columns() {
        let metrics = Metrics {
            precision: 0.5,
            recall: 0.25,
            f1: 1.0 / 3.0,
            accuracy: 0.75,
            auc: 0.8,
            n: 40,
        };
        let report = EvalReport {
            folds: 5,
            seed: 1,
            platforms: vec![PlatformEval {
                platform: "twitter".into(),
                accounts: 40,
                automated_or_fake: 10,
                duplicates_dropped: 2,
                rules: Some(metrics),
                cross_validation: vec![],
            }],
            transfer: vec![],
            transfer_classifier: "trees",
        };
        let text = render(|out| eval(out, &report));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("accuracy     AUC"), "{text}");
        assert_eq!(
            lines[1],
            "twitter: 40 labelled accounts (10 automated or fake; 2 exact duplicates dropped)"
        );
        assert!(
            lines[2].ends_with("    40    0.5000  0.2500  0.3333   0.7500  0.8000"),
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
