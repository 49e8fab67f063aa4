//! `earshot redteam`: how far each attack moved each target's score, as a table, with the burst
//! rule's ablation under it.

use anyhow::Result;
use earshot_app::redteam::{Attack, RedteamReport};
use std::io::Write;

/// The models and the fakes' mean weights, a table of score changes (a row per target, a column
/// per attack), and the changes the attacks would have made without the burst rule, if any.
pub fn report(out: &mut dyn Write, report: &RedteamReport) -> Result<()> {
    writeln!(
        out,
        "score change of each target (model {}, trust {}); attacks should move a score by at most 2 points, the control by at least 5 at the 50th percentile\n",
        report.model_version, report.trust_model
    )?;
    writeln!(
        out,
        "bought-follower profiles drawn like attack (a)'s weigh {:.3} on average (1 − 2p, floored at 0)",
        report.fake_account_mean_authenticity
    )?;
    writeln!(
        out,
        "dressed-up fakes drawn like attack (a2)'s weigh {:.3} on average; {:.0}% of them are doubtful (under {})\n",
        report.dressed_up_mean_authenticity,
        report.dressed_up_doubtful_share * 100.0,
        report.doubtful_below
    )?;
    write!(out, "  {:<10} {:<24} {:>7}", "target", "account", "score")?;
    for a in Attack::ALL {
        write!(out, " {:>18}", a.label())?;
    }
    writeln!(out)?;
    for r in &report.targets {
        write!(
            out,
            "  p{:<9} {:<24} {:>7.1}",
            r.percentile, r.name, r.score
        )?;
        for o in &r.outcomes {
            write!(out, " {:>+18.1}", o.change)?;
        }
        writeln!(out)?;
    }
    let ablation: Vec<String> = report
        .targets
        .iter()
        .flat_map(|r| {
            r.outcomes.iter().filter_map(move |o| {
                o.change_without_bursts
                    .map(|c| format!("{} on p{}: {c:+.1}", o.attack.label(), r.percentile))
            })
        })
        .collect();
    if !ablation.is_empty() {
        writeln!(
            out,
            "\nwithout the burst rule (doubtful new reactors arriving together earn nothing), the changes would have been: {}",
            ablation.join("; ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::redteam::{AttackOutcome, AttackedTarget};

    fn sample(without_bursts: Option<f64>) -> RedteamReport {
        RedteamReport {
            size: 10,
            pod: 3,
            pod_repeats: 2,
            seed: 1,
            fake_account_mean_authenticity: 0.01,
            dressed_up_mean_authenticity: 0.6,
            dressed_up_doubtful_share: 0.95,
            doubtful_below: 0.8,
            model_version: "m-1".into(),
            trust_model: "t-1".into(),
            targets: vec![AttackedTarget {
                percentile: 50.0,
                account: 1,
                name: "@mid".into(),
                score: 42.3,
                outcomes: vec![
                    AttackOutcome {
                        attack: Attack::DoubtfulAccounts,
                        score: 42.3,
                        change: 0.0,
                        change_without_bursts: without_bursts,
                    },
                    AttackOutcome {
                        attack: Attack::Control,
                        score: 50.0,
                        change: 7.7,
                        change_without_bursts: None,
                    },
                ],
            }],
        }
    }

    fn render(r: &RedteamReport) -> String {
        let mut out = Vec::new();
        report(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_row_per_target_with_signed_changes_and_the_ablation_only_when_measured() {
        let text = render(&sample(None));
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].contains("weigh 0.600 on average; 95% of them"),
            "{text}"
        );
        assert!(lines[5].starts_with("  target     account "), "{text}");
        assert!(lines[5].ends_with("        (d) control"), "{text}");
        assert_eq!(
            lines[6],
            format!(
                "  p50        {:<24}    42.3 {:>18} {:>18}",
                "@mid", "+0.0", "+7.7"
            )
        );
        assert_eq!(lines.len(), 7, "{text}");
        let text = render(&sample(Some(3.0)));
        assert!(text.ends_with("the changes would have been: (a2) dressed-up fakes on p50: +3.0\n"));
    }
}
