//! A backtest split as text.

use earshot_app::backtest::{Lead, SplitReport};
use earshot_model::format_utc;

/// A split's table: each predictor's metrics, earshot's bootstrapped lead over each baseline, and the
/// reliability of its expected engagement per score decile.
pub fn split(r: &SplitReport) {
    println!(
        "train: {} interactions before {} UTC; test: {} interactions in [{}, {}) UTC",
        r.train.interactions,
        format_utc(r.train.until),
        r.test.interactions,
        format_utc(r.train.until),
        format_utc(r.test.until)
    );
    println!(
        "{} accounts scored on training; {} of them received engagement in the test window\n",
        r.accounts, r.accounts_engaged_in_test
    );
    println!(
        "  {:<40} {:>10} {:>9} {:>13}",
        "predictor",
        "Spearman",
        format!("NDCG@{}", r.k),
        format!("precision@{}", r.k)
    );
    for r in &r.results {
        println!(
            "  {:<40} {:>10.4} {:>9.4} {:>13.3}",
            r.predictor, r.metrics.spearman, r.metrics.ndcg, r.metrics.precision
        );
    }
    let leads: Vec<(&str, Lead)> = r
        .results
        .iter()
        .filter_map(|r| r.earshot_lead.map(|l| (r.predictor.as_str(), l)))
        .collect();
    if !leads.is_empty() {
        println!(
            "\n  earshot's lead, 95% interval ({} paired resamples)  {:>21} {:>21}",
            r.bootstrap,
            "Spearman",
            format!("NDCG@{}", r.k)
        );
        for (name, l) in leads {
            println!(
                "  over {:<46} [{:+.4}, {:+.4}]    [{:+.4}, {:+.4}]",
                name.trim_start_matches("baseline: "),
                l.spearman.low,
                l.spearman.high,
                l.ndcg.low,
                l.ndcg.high
            );
        }
    }
    if !r.reliability.is_empty() {
        println!(
            "\n  reliability: engagement per account in the test window, by score decile (scored accounts; 95% bootstrap interval of the realised mean)"
        );
        println!(
            "  {:>6} {:>8} {:>13} {:>10} {:>10} {:>21}  inside",
            "decile", "accounts", "scores", "expected", "realised", "interval"
        );
        for r in &r.reliability {
            println!(
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
            );
        }
        println!(
            "  {} of 10 deciles inside their interval",
            r.deciles_inside()
        );
    }
}
