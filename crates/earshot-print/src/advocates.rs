//! `earshot advocates`: a brand's advocates and detractors as two ranked tables with evidence posts,
//! and `advocates eval-reasons`: a complaint-reason taxonomy's agreement with labelled reasons.

use crate::fmt::one_line;
use anyhow::Result;
use earshot_app::advocates::eval_reasons::EvalReasonsReport;
use earshot_app::advocates::{AdvocatesReport, ReasonPosts, Standing};
use std::io::Write;

/// The mention counts, how reactors were weighed, then the advocates and the detractors (with
/// their top complaint reasons when a taxonomy was given); or only the report's note when nothing
/// mentions the brand.
pub fn advocates(out: &mut dyn Write, report: &AdvocatesReport) -> Result<()> {
    if let Some(note) = &report.note {
        writeln!(out, "{note}")?;
        return Ok(());
    }
    let s = &report.by_sentiment;
    writeln!(
        out,
        "{}: {} by {} (positive {}, neutral {}, negative {}; sentiment model {})",
        report.brand,
        plural(report.mentions, "mention"),
        accounts(report.accounts),
        s.positive,
        s.neutral,
        s.negative,
        report.sentiment_model
    )?;
    writeln!(
        out,
        "{} to those mentions{}",
        plural(report.reactions_on_mentions, "reaction"),
        match &report.authenticity_model {
            Some(version) => format!(", each reactor weighted by authenticity ({version})"),
            None => ", every reactor weighing 1 (--no-authenticity)".into(),
        }
    )?;
    if report.repeats_dropped > 0 {
        writeln!(
            out,
            "{} dropped: texts their authors had already posted",
            plural(report.repeats_dropped, "repeated mention")
        )?;
    }
    writeln!(
        out,
        "score = Wilson lower bound of the share × ln(1 + count) × (1 + ln(1 + reactions))\n"
    )?;
    let advocates: Vec<Row<'_>> = report
        .advocates
        .iter()
        .map(|a| (a.positive, &a.standing, None))
        .collect();
    list(
        out,
        &format!(
            "Advocates ({} with more positive than negative mentions)",
            accounts(report.advocates_total)
        ),
        "positive",
        &advocates,
        false,
    )?;
    writeln!(out)?;
    let detractors: Vec<Row<'_>> = report
        .detractors
        .iter()
        .map(|d| (d.negative, &d.standing, Some(d.reasons.as_slice())))
        .collect();
    list(
        out,
        &format!(
            "Detractors ({} with more negative than positive mentions)",
            accounts(report.detractors_total)
        ),
        "negative",
        &detractors,
        report.reasons_file.is_some(),
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn accounts(n: usize) -> String {
    plural(n, "account")
}

/// One account of a list: its count of the ranked sign, its standing, and its reasons if it has any.
type Row<'a> = (u32, &'a Standing, Option<&'a [ReasonPosts]>);

fn list(
    out: &mut dyn Write,
    title: &str,
    count_name: &str,
    rows: &[Row<'_>],
    reasons: bool,
) -> Result<()> {
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        writeln!(out, "  (none)")?;
        return Ok(());
    }
    writeln!(
        out,
        "  {:>3}  {:<24} {:>8} {:>8} {:>6} {:>9} {:>6}{}",
        "#",
        "account",
        count_name,
        "mentions",
        "share",
        "reactions",
        "score",
        if reasons { "  top reasons" } else { "" }
    )?;
    for (i, (count, r, account_reasons)) in rows.iter().enumerate() {
        let reasons_text = if reasons {
            let list: Vec<String> = account_reasons
                .unwrap_or_default()
                .iter()
                .take(3)
                .map(|c| format!("{} {}", c.reason, c.posts))
                .collect();
            format!(
                "  {}",
                if list.is_empty() {
                    "(none found)".into()
                } else {
                    list.join(", ")
                }
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:>3}  {:<24} {:>8} {:>8} {:>5.0}% {:>9.1} {:>6.2}{}",
            i + 1,
            r.account,
            count,
            r.mentions,
            r.share * 100.0,
            r.reactions,
            r.score,
            reasons_text
        )?;
        for e in &r.evidence {
            writeln!(out, "         “{}”", one_line(&e.text, 140))?;
        }
    }
    Ok(())
}

/// The agreement table (per scope and level, beside chance and the majority class), precision and
/// recall per reason, and, when there are any, the stance checks against the sentiment labels.
pub fn eval_reasons(out: &mut dyn Write, report: &EvalReasonsReport) -> Result<()> {
    writeln!(
        out,
        "Complaint reasons ({}) against the labels of {}",
        report.reasons_file.display(),
        report.file.display()
    )?;
    writeln!(
        out,
        "tweet: labelled-negative tweets with a reason hit; tweet_all: every labelled-negative tweet, no hit = Can't Tell;\n\
         detractor_labelled: (airline, author) pairs by their labelled-negative tweets; detractor_classified: detractors\n\
         as `earshot advocates` finds them (sentiment model {}). A detractor's label is its most common labelled reason.\n",
        report.sentiment_model
    )?;
    writeln!(
        out,
        "{:<16} {:<21} {:>6} {:>8} {:>9} {:>9} {:>7} {:>9} {:>6}",
        "scope",
        "level",
        "units",
        "compared",
        "coverage",
        "agreement",
        "chance",
        "majority",
        "kappa"
    )?;
    for r in &report.rows {
        let a = &r.agreement;
        writeln!(
            out,
            "{:<16} {:<21} {:>6} {:>8} {:>8.1}% {:>8.1}% {:>6.1}% {:>8.1}% {:>6.3}",
            r.scope,
            r.level,
            a.units,
            a.compared,
            a.coverage * 100.0,
            a.agreement * 100.0,
            a.chance * 100.0,
            a.majority * 100.0,
            a.kappa
        )?;
    }
    writeln!(
        out,
        "\nPer reason (every labelled-negative tweet, all airlines):"
    )?;
    writeln!(
        out,
        "  {:<28} {:>9} {:>8} {:>7} {:>10} {:>7}",
        "reason", "predicted", "labelled", "agree", "precision", "recall"
    )?;
    for r in &report.per_reason {
        writeln!(
            out,
            "  {:<28} {:>9} {:>8} {:>7} {:>9.1}% {:>6.1}%",
            r.reason,
            r.predicted,
            r.labelled,
            r.agree,
            r.precision * 100.0,
            r.recall * 100.0
        )?;
    }
    if !report.stance_checks.is_empty() {
        writeln!(
            out,
            "\nAdvocates and detractors as `earshot advocates` finds them, against the dataset's sentiment labels:\n\
             of the tweets counted for them (positive for advocates, negative for detractors), the share the\n\
             dataset labels the same way and the opposite way, beside that label's share of all the scope's tweets."
        )?;
        writeln!(
            out,
            "{:<16} {:<16} {:>8} {:>6} {:>9} {:>9} {:>9}",
            "scope", "group", "accounts", "posts", "same", "opposite", "base"
        )?;
        for c in &report.stance_checks {
            writeln!(
                out,
                "{:<16} {:<16} {:>8} {:>6} {:>8.1}% {:>8.1}% {:>8.1}%",
                c.scope,
                c.group,
                c.accounts,
                c.posts,
                c.same * 100.0,
                c.opposite * 100.0,
                c.base * 100.0
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::advocates::{Advocate, BySentiment, Detractor, EvidencePost};

    fn standing(account: &str, share: f64) -> Standing {
        Standing {
            account: account.into(),
            account_id: 1,
            mentions: 4,
            share,
            share_lower: 0.3,
            reactions: 2.5,
            score: 1.234,
            evidence: vec![EvidencePost {
                post_id: 7,
                text: "love\n  this   brand".into(),
            }],
        }
    }

    fn report() -> AdvocatesReport {
        AdvocatesReport {
            brand: "Acme".into(),
            handles: vec!["acme".into()],
            keywords: vec![],
            mentions: 1,
            accounts: 2,
            by_sentiment: BySentiment {
                negative: 1,
                neutral: 0,
                positive: 3,
            },
            reactions_on_mentions: 5,
            repeats_dropped: 0,
            sentiment_model: "s-1".into(),
            authenticity_model: None,
            reasons_file: Some("reasons.toml".into()),
            advocates_total: 1,
            detractors_total: 1,
            advocates: vec![Advocate {
                positive: 3,
                standing: standing("@fan", 0.75),
            }],
            detractors: vec![Detractor {
                negative: 2,
                standing: standing("@grump", 0.5),
                reasons: vec![],
            }],
            note: None,
        }
    }

    fn render(r: &AdvocatesReport) -> String {
        let mut out = Vec::new();
        advocates(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tables_count_in_the_singular_and_plural_and_show_reasons_only_with_a_taxonomy() {
        let text = render(&report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Acme: 1 mention by 2 accounts (positive 3, neutral 0, negative 1; sentiment model s-1)"
        );
        assert_eq!(
            lines[1],
            "5 reactions to those mentions, every reactor weighing 1 (--no-authenticity)"
        );
        assert!(!text.contains("repeated mention"), "{text}");
        // The share is a percentage; the evidence is on one line, in quotes.
        assert!(
            text.contains("    1  @fan                            3        4    75%       2.5   1.23\n         “love this brand”"),
            "{text}"
        );
        assert!(
            lines.iter().any(|l| l.ends_with("score  top reasons")),
            "{text}"
        );
        assert!(text.contains("   1.23  (none found)"), "{text}");
        assert!(
            text.contains("Detractors (1 account with more negative"),
            "{text}"
        );
    }

    #[test]
    fn a_note_replaces_the_tables() {
        let mut r = report();
        r.note = Some("no stored post mentions Acme".into());
        assert_eq!(render(&r), "no stored post mentions Acme\n");
    }
}
