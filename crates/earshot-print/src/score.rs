//! `earshot score`, `score --topics` and `top`: a scoring run's summary with its best accounts, the
//! topics it scored, and the best accounts of a stored run, overall or within one topic.

use crate::fmt::clip;
use anyhow::Result;
use earshot_app::dense_window::ChosenWindow;
use earshot_app::score::ScoreReport;
use earshot_app::topics::scoring::TopicScoringReport;
use earshot_app::topics::top::TopicTopReport;
use earshot_model::format_utc;
use earshot_store::{NamedScore, ScoreRun};
use std::io::Write;

/// `earshot score`: what was scored and how long it took, what earned nothing, the best accounts,
/// then with `--topics` each topic with its best accounts (when posts were assigned; the note saying
/// why none were is the front's, on stderr).
pub fn scoring(out: &mut dyn Write, r: &ScoreReport) -> Result<()> {
    writeln!(
        out,
        "run #{}: {} accounts scored from {} interactions with model {} (read {:.2} s, scored {:.2} s, stored {:.2} s)",
        r.run, r.accounts, r.interactions, r.model_version, r.seconds.load, r.seconds.score, r.seconds.save
    )?;
    if let Some(w) = &r.window_chosen {
        window_chosen(out, w)?;
    }
    if r.watches.checked > 0 {
        writeln!(
            out,
            "watches: {} checked against run #{}, {} new alerts (earshot watch alerts)",
            r.watches.checked,
            r.watches.previous_run.unwrap_or_default(),
            r.watches.alerts
        )?;
    }
    let unscored = r.accounts - r.accounts_scored;
    if unscored > 0 {
        writeln!(
            out,
            "{unscored} of them not scored: nobody reacted to them authentically in the window (their components are stored)"
        )?;
    }
    if !r.posts_flagged.is_empty() {
        let list: Vec<String> = r
            .posts_flagged
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        writeln!(
            out,
            "posts whose reactions earned nothing: {} (see `earshot explain`)",
            list.join(", ")
        )?;
    }
    if r.burst_pairs_discounted > 0 {
        writeln!(
            out,
            "reactors that earned their target nothing, arriving in a burst of doubtful new accounts: {} (see `earshot explain`)",
            r.burst_pairs_discounted
        )?;
    }
    if let Some(w) = r.offline_weight {
        writeln!(
            out,
            "offline: this run's overall scores are {:.0}% online and {:.0}% the offline sub-score (`earshot offline`); {} accounts had offline evidence, the rest count 0 for it",
            100.0 * (1.0 - w),
            100.0 * w,
            r.accounts_with_offline
        )?;
    }
    if r.follows_read > 0 || r.reach_from_follow_edges > 0 {
        writeln!(
            out,
            "follows: {} in the window earn no reaction credit (a follow reacts to nothing said); {} accounts' reach is their follower count from the stored follow edges, having no profile count",
            r.follows_read, r.reach_from_follow_edges
        )?;
    }
    if r.follows_read > 0 && r.follows_read == r.interactions {
        writeln!(
            out,
            "every interaction read is a follow: the scores rest on reach alone; import replies, mentions, reshares or cascades to measure who is listened to"
        )?;
    }
    rows(out, &r.top)?;
    if let Some(t) = &r.topics {
        topic_scoring(out, t)?;
    }
    Ok(())
}

/// The window a run chose for itself, what it left out and how to choose another.
fn window_chosen(out: &mut dyn Write, w: &ChosenWindow) -> Result<()> {
    let at = |t: Option<i64>, open: &str| {
        t.map_or_else(|| open.to_string(), |t| format!("{} UTC", format_utc(t)))
    };
    writeln!(
        out,
        "window: {} to {} ({})",
        at(w.from, "the first event"),
        at(w.to, "the last event"),
        w.reason
    )?;
    writeln!(
        out,
        "left out: {} interactions before it, {} after it, {} undated; --from and --to choose another window",
        w.left_out_before, w.left_out_after, w.left_out_undated
    )?;
    Ok(())
}

/// `earshot top`: the best accounts of stored `run`, ranked `by` overall or one component.
pub fn top(out: &mut dyn Write, run: &ScoreRun, by: &str, top: &[NamedScore]) -> Result<()> {
    writeln!(
        out,
        "run #{} ({}, {} accounts), by {}:",
        run.id, run.model_version, run.accounts, by
    )?;
    rows(out, top)
}

/// `earshot top --topic T`: the best accounts within one topic, with their topic components.
pub fn topic_top(out: &mut dyn Write, report: &TopicTopReport) -> Result<()> {
    let (run, info) = (&report.run, &report.topic);
    writeln!(
        out,
        "run #{} ({}), topic {} \"{}\": {} posts, {} accounts, by {}:",
        run.id, run.model_version, info.key, info.label, info.posts, info.accounts, report.by
    )?;
    writeln!(
        out,
        "  {:>4}  {:<28} {:>6} {:>6} {:>9} {:>9}  {:>8} {:>8} {:>8} {:>9}   (component percentiles)",
        "rank",
        "account",
        "score",
        "posts",
        "reactions",
        "listened",
        "audience",
        "amplif.",
        "convers.",
        "authority"
    )?;
    for (k, named) in report.top.iter().enumerate() {
        let r = &named.score;
        writeln!(
            out,
            "  {:>4}  {:<28} {:>6.1} {:>6} {:>9} {:>9.2}  {:>8.0} {:>8.0} {:>8.0} {:>9.0}",
            k + 1,
            named.name,
            r.score,
            r.posts_about,
            r.reactions,
            r.listened,
            r.pct[0] * 100.0,
            r.pct[1] * 100.0,
            r.pct[2] * 100.0,
            r.pct[3] * 100.0
        )?;
    }
    if report.top.is_empty() {
        writeln!(
            out,
            "  (no account posted on this topic or reacted through one of its posts)"
        )?;
    }
    Ok(())
}

/// `score --topics`'s text: each topic with its best accounts; nothing when no post was assigned.
fn topic_scoring(out: &mut dyn Write, r: &TopicScoringReport) -> Result<()> {
    let (Some(assigned), Some(with_text)) = (r.posts_assigned, r.posts_with_text) else {
        return Ok(());
    };
    writeln!(
        out,
        "\ntopics ({}): {} topics; {} of {} posts with text are on at least one (assigned and scored in {:.2} s)",
        r.source,
        r.topics.len(),
        assigned,
        with_text,
        r.seconds
    )?;
    writeln!(
        out,
        "  {:<22} {:<30} {:>6} {:>8}  best (topic score)",
        "topic", "label", "posts", "accounts"
    )?;
    for t in &r.topics {
        let best: Vec<String> = t
            .best
            .iter()
            .map(|b| format!("{} {:.0}", b.name, b.score))
            .collect();
        writeln!(
            out,
            "  {:<22} {:<30} {:>6} {:>8}  {}",
            t.topic.key,
            clip(&t.topic.label, 30),
            t.topic.posts,
            t.topic.accounts,
            if best.is_empty() {
                "— (nobody earned anything on it)".to_string()
            } else {
                best.join(", ")
            }
        )?;
    }
    writeln!(out, "(`earshot top --topic KEY` ranks one topic; `earshot explain ACCOUNT --topic KEY` explains)")?;
    Ok(())
}

/// Ranked scores as a table, with the component percentiles.
fn rows(out: &mut dyn Write, top: &[NamedScore]) -> Result<()> {
    writeln!(
        out,
        "  {:>4}  {:<28} {:>7}  {:>8} {:>8} {:>8} {:>8} {:>8}   (component percentiles)",
        "rank", "account", "score", "audience", "amplif.", "convers.", "authority", "reach"
    )?;
    let unscored = top.iter().any(|t| t.score.overall < 1.0);
    for (i, NamedScore { score: s, name }) in top.iter().enumerate() {
        let shown = match &name.handle {
            Some(h) => format!("@{h}"),
            None => name.platform_id.clone(),
        };
        // A score of 0 is stored for an account that is not scored (no authentic engagement).
        let score = if s.overall >= 1.0 {
            format!("{:.1}", s.overall)
        } else {
            "—".to_string()
        };
        writeln!(
            out,
            "  {:>4}  {:<28} {:>7}  {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0}",
            i + 1,
            shown,
            score,
            s.pct[0] * 100.0,
            s.pct[1] * 100.0,
            s.pct[2] * 100.0,
            s.pct[3] * 100.0,
            s.pct[4] * 100.0
        )?;
    }
    if unscored {
        writeln!(
            out,
            "  —: not scored (no authentic engagement in the run's window)"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::score::Seconds;
    use earshot_store::{AccountName, ScoreRow};

    fn named(account: i64, handle: Option<&str>, overall: f64) -> NamedScore {
        NamedScore {
            score: ScoreRow {
                account,
                overall,
                raw: [0.0; 5],
                pct: [0.5, 0.25, 0.0, 1.0, 0.125],
                askers: 0,
                askers_answered: 0,
                authenticity: None,
                expected: None,
            },
            name: AccountName {
                platform: "x".into(),
                platform_id: format!("id{account}"),
                handle: handle.map(str::to_string),
            },
        }
    }

    #[test]
    fn a_run_names_its_unscored_accounts_and_flagged_posts() {
        let r = ScoreReport {
            run: 7,
            watches: Default::default(),
            model_version: "m-1".into(),
            accounts: 3,
            interactions: 12,
            as_of: String::new(),
            accounts_scored: 1,
            authenticity_model: None,
            accounts_with_authenticity: 0,
            posts_flagged: [("spam".to_string(), 2), ("copy".to_string(), 1)].into(),
            burst_pairs_discounted: 0,
            follows_read: 4,
            reach_from_follow_edges: 2,
            offline_weight: None,
            accounts_with_offline: 0,
            pagerank_iterations: 3,
            weights: [0.0; 5],
            seconds: Seconds {
                load: 0.5,
                score: 0.25,
                save: 0.125,
            },
            peak_rss_kib: None,
            top: vec![named(1, Some("ann"), 42.26), named(2, None, 0.0)],
            topics: None,
            window_chosen: None,
        };
        let mut out = Vec::new();
        scoring(&mut out, &r).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("run #7: 3 accounts scored from 12 interactions with model m-1")
        );
        assert!(lines[1].starts_with("2 of them not scored"));
        assert_eq!(
            lines[2],
            "posts whose reactions earned nothing: 1 copy, 2 spam (see `earshot explain`)"
        );
        assert!(lines[3].starts_with("follows: 4 in the window earn no reaction credit"));
        assert!(lines[3]
            .contains("2 accounts' reach is their follower count from the stored follow edges"));
        // @handle where there is one, the platform id otherwise; "—" for a score of 0.
        assert!(lines[5].contains("@ann") && lines[5].contains("42.3"));
        assert!(lines[6].contains("id2") && lines[6].contains(" — "));
        assert!(lines[5].ends_with("      50       25        0      100       12"));
        assert_eq!(
            lines[7],
            "  —: not scored (no authentic engagement in the run's window)"
        );
    }

    #[test]
    fn a_chosen_window_is_said_with_what_it_left_out() {
        let mut r = ScoreReport {
            watches: Default::default(),
            run: 1,
            model_version: "m".into(),
            accounts: 0,
            interactions: 1,
            as_of: String::new(),
            accounts_scored: 0,
            authenticity_model: None,
            accounts_with_authenticity: 0,
            posts_flagged: Default::default(),
            burst_pairs_discounted: 0,
            follows_read: 0,
            reach_from_follow_edges: 0,
            offline_weight: None,
            accounts_with_offline: 0,
            pagerank_iterations: 0,
            weights: [0.0; 5],
            seconds: Seconds {
                load: 0.0,
                score: 0.0,
                save: 0.0,
            },
            peak_rss_kib: None,
            top: vec![],
            topics: None,
            window_chosen: None,
        };
        r.window_chosen = Some(earshot_app::dense_window::ChosenWindow {
            from: Some(1_388_490_781),
            to: None,
            left_out_before: 563_069,
            left_out_after: 0,
            left_out_undated: 2,
            reason: "the dense period".into(),
        });
        let mut out = Vec::new();
        scoring(&mut out, &r).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "window: 2013-12-31 11:53:01 UTC to the last event (the dense period)"
        );
        assert!(
            lines[2].starts_with("left out: 563069 interactions before it, 0 after it, 2 undated")
        );
    }
}
