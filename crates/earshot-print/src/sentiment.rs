//! `earshot sentiment`: one text's class and probabilities (with each feature's push when
//! explained), a model's weights, and the comparison with plain VADER.

use anyhow::Result;
use earshot_app::sentiment::{Classification, EvalReport};
use earshot_sentiment::{SentimentModel, FEATURES};
use std::io::Write;

/// One line per text: its class, the three probabilities and the text; with `--explain`, a table of
/// each feature's value and push towards each class under it.
pub fn classification(out: &mut dyn Write, c: &Classification) -> Result<()> {
    let [neg, neu, pos] = [
        c.probabilities.negative,
        c.probabilities.neutral,
        c.probabilities.positive,
    ];
    writeln!(
        out,
        "{:<8} neg {neg:.2} neu {neu:.2} pos {pos:.2}  {}",
        c.polarity.name(),
        c.text
    )?;
    let Some(features) = &c.features else {
        return Ok(());
    };
    writeln!(
        out,
        "    {:<16} {:>8}  {:>8} {:>8} {:>8}",
        "feature", "value", "→neg", "→neu", "→pos"
    )?;
    for f in features {
        let [n, u, p] = f.log_odds;
        writeln!(
            out,
            "    {:<16} {:>8.3}  {n:>+8.3} {u:>+8.3} {p:>+8.3}",
            f.feature, f.value
        )?;
    }
    Ok(())
}

/// The model's version and training set, then each feature's weight towards each class (and the
/// bias) with what the feature means.
pub fn model(out: &mut dyn Write, model: &SentimentModel) -> Result<()> {
    writeln!(
        out,
        "sentiment model {} (trained on {}; L2 {}): log-odds per standard deviation of each feature",
        model.version, model.trained_on, model.l2
    )?;
    writeln!(
        out,
        "  {:<16} {:>8} {:>8} {:>8}  meaning",
        "feature", "neg", "neu", "pos"
    )?;
    let rows = FEATURES.iter().copied();
    for (j, (name, meaning)) in rows.chain([("(bias)", "")]).enumerate() {
        let w = |c: usize| model.weights[c][j];
        let line = format!("  {name:<16} {:>+8.3} {:>+8.3} {:>+8.3}", w(0), w(1), w(2));
        if meaning.is_empty() {
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{line}  {meaning}")?;
        }
    }
    Ok(())
}

/// Per labelled set, earshot's and VADER's macro-F1, the lead, and the F1 per class of both.
pub fn eval(out: &mut dyn Write, report: &EvalReport) -> Result<()> {
    writeln!(
        out,
        "sentiment, 3-class macro-F1: earshot ({}) vs plain VADER (vader_sentiment crate, ±0.05)\n",
        report.model
    )?;
    writeln!(
        out,
        "  {:<26} {:>6} {:>8} {:>8} {:>7}   per class (neg/neu/pos) earshot | VADER",
        "set", "texts", "earshot", "VADER", "lead"
    )?;
    let per = |f1: &[f64; 3]| f1.map(|x| format!("{x:.3}")).join("/");
    for r in &report.sets {
        // The count is not padded: the table always printed it so (it was a JSON number, which
        // ignores the width).
        writeln!(
            out,
            "  {:<26} {} {:>8.4} {:>8.4} {:>+7.4}   {} | {}",
            r.set,
            r.texts,
            r.earshot_macro_f1,
            r.vader_macro_f1,
            r.lead,
            per(&r.earshot_f1_per_class),
            per(&r.vader_f1_per_class)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::render;
    use earshot_app::sentiment::{classify, SetEval};

    #[test]
    fn an_explained_text_has_one_row_per_feature_under_its_class() {
        let m = SentimentModel::builtin();
        let c = &classify(&m, &["I love this :)".into()], true)[0];
        let text = render(|out| classification(out, c));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("positive neg 0."), "{text}");
        assert!(lines[0].ends_with("  I love this :)"), "{text}");
        assert!(lines[1].starts_with("    feature "), "{text}");
        assert_eq!(lines.len(), 2 + c.features.as_ref().unwrap().len());
        let plain = &classify(&m, &["I love this :)".into()], false)[0];
        assert_eq!(render(|out| classification(out, plain)).lines().count(), 1);
    }

    #[test]
    fn the_model_ends_with_its_bias_row_without_a_meaning() {
        let text = render(|out| model(out, &SentimentModel::builtin()));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 + FEATURES.len() + 1);
        assert!(lines.last().unwrap().starts_with("  (bias) "), "{text}");
        assert!(!lines.last().unwrap().ends_with(' '), "{text}");
    }

    #[test]
    fn eval_rows_show_the_lead_signed_and_the_classes_joined() {
        let report = EvalReport {
            model: "m-1".into(),
            sets: vec![SetEval {
                set: "airline".into(),
                texts: 12,
                earshot_macro_f1: 0.6,
                vader_macro_f1: 0.5,
                lead: 0.1,
                earshot_f1_per_class: [0.5, 0.6, 0.7],
                vader_f1_per_class: [0.4, 0.5, 0.6],
                earshot_seconds: 0.1,
            }],
        };
        let text = render(|out| eval(out, &report));
        assert_eq!(
            text.lines().nth(3).unwrap(),
            "  airline                    12   0.6000   0.5000 +0.1000   0.500/0.600/0.700 | 0.400/0.500/0.600"
        );
    }
}
