//! `earshot explain`: an account's score, or its score within one topic, with the evidence.
//!
//! Account names come through a `name` callback (the front looks them up in its store), and the
//! topic profile an account explanation ends with is loaded by the front and handed in.

use crate::fmt::{snippet, window_text};
use anyhow::Result;
use earshot_app::explain::{Explanation, FlaggedPostsEvidence};
use earshot_app::topics::explain::TopicExplanation;
use earshot_app::topics::scoring::COMPONENTS;
use earshot_app::topics::{TopicProfile, TopicStanding};
use earshot_score::{Component, Feature, PostFlag, ReactorEvidence, ScoreTable};
use std::io::Write;

/// An account's name for the terminal, by its id (the front's `display_name`).
pub type Name<'a> = &'a dyn Fn(i64) -> Result<String>;

/// `earshot explain ACCOUNT`: the score line, whether it was reproduced, the points (a predictor's
/// features or a percentile model's components), conversation, reactors, discarded reactions, tone,
/// posts, unanswered askers, what would raise it, and the account's topic `profile` when its run
/// has topics.
pub fn explanation(
    out: &mut dyn Write,
    x: &Explanation,
    profile: Option<&TopicProfile>,
    name: Name<'_>,
) -> Result<()> {
    let (run, table, i, ev) = (&x.run, &x.table, x.i, &x.evidence);
    let score_text = if table.is_scored(i) {
        format!("score {:.1} / 100", table.overall[i])
    } else {
        "not scored (no authentic engagement in the window)".to_string()
    };
    writeln!(
        out,
        "{} — {score_text} in run #{} (model {}, {} accounts{})",
        name(x.account)?,
        run.id,
        run.model_version,
        table.len(),
        window_text(run)
    )?;
    reproduced(
        out,
        x.reproduced(),
        "the stored events",
        table.overall[i],
        x.stored_overall,
        "the spam and copy flags",
    )?;
    // A predictor's points are printed with its features; a percentile model's are the components'.
    if !prediction(out, table, i)? {
        points(
            out,
            table,
            i,
            &Component::ALL,
            "meaning",
            Component::meaning,
            "overall",
        )?;
    }
    let conv = table.conversation[i];
    writeln!(
        out,
        "\n{} reactions from {} distinct accounts; asked by {} accounts, answered {}{}; sent {} replies ({} trivial)",
        ev.reactions_received,
        ev.distinct_reactors,
        conv.askers,
        conv.askers_answered,
        conv.answered_share().map(|s| format!(" ({:.0}%)", s * 100.0)).unwrap_or_default(),
        conv.replies_sent,
        conv.trivial_replies
    )?;
    reactors(
        out,
        name,
        "top reactors (credit to audience, to amplification, share of authority inflow)",
        &ev.reactors,
        |r| {
            let why = match (r.reciprocating, r.authenticity < 0.9) {
                _ if r.in_burst => "  (arrived in a burst of doubtful new reactors)".to_string(),
                (true, _) => "  (reacted back after this account reacted first)".to_string(),
                (false, true) => format!(
                    "  (authenticity {:.2}: its profile looks automated or fake, it trades reactions in a closed group, or it acts like clockwork)",
                    r.authenticity
                ),
                (false, false) => String::new(),
            };
            format!(
                " {:>6.1}%   {}{why}",
                r.authority_share * 100.0,
                kinds_text(&r.reactions)
            )
        },
    )?;
    if ev.burst_reactors > 0 {
        let rule = earshot_trust::BurstRule::default();
        writeln!(
            out,
            "\n{} reactors earned nothing: they arrived in a burst of doubtful new accounts ({} or more within {} h, at least {:.0}% of the new reactors then, each weighing under {})",
            ev.burst_reactors,
            rule.min_suspects,
            rule.window_secs / 3600,
            rule.min_share * 100.0,
            rule.suspect_below
        )?;
    }
    discarded(out, "reactions that earned nothing", &ev.discarded)?;
    flagged(out, &x.flagged)?;
    if let Some(t) = &x.tone {
        let share = |n: u32| 100.0 * n as f64 / t.total() as f64;
        writeln!(
            out,
            "\ntone of the {} reactions with text (replies, quotes, mentions): {:.0}% approval ({}), {:.0}% neutral ({}), {:.0}% complaint ({})",
            t.total(),
            share(t.approval),
            t.approval,
            share(t.neutral),
            t.neutral,
            share(t.complaint),
            t.complaint
        )?;
    }
    if let Some(pp) = &ev.per_post {
        writeln!(
            out,
            "\nper post, over its {} posts in the window: {:.2} reactions, {:.2} reshares and quotes",
            pp.posts, pp.reactions, pp.amplifications
        )?;
    }
    if !ev.posts.is_empty() {
        writeln!(out, "\nposts that drew the most reactions:")?;
        for p in &ev.posts {
            writeln!(
                out,
                "  {:>5} reactions ({:>4} reshares/quotes) from {:>4} accounts  {}",
                p.reactions,
                p.amplifications,
                p.reactors,
                snippet(p.text.as_deref())
            )?;
        }
    }
    if !ev.unanswered.is_empty() {
        writeln!(
            out,
            "\naddressed it and got no reply (first {}):",
            ev.unanswered.len()
        )?;
        for (asker, text) in &ev.unanswered {
            writeln!(out, "  {:<28} {}", name(*asker)?, snippet(text.as_deref()))?;
        }
    }
    if !ev.to_raise.is_empty() {
        writeln!(out, "\nto raise the score (points still available):")?;
        for (c, room, advice) in &ev.to_raise {
            writeln!(out, "  {:<14} up to {:>4.1}: {advice}", c.name(), room)?;
        }
    }
    if let Some(p) = profile {
        topic_profile(out, p)?;
        if let Some(t) = p.listened_on.first().or(p.posts_about.first()) {
            writeln!(
                out,
                "  (`earshot explain {} --topic {}` explains one topic)",
                name(x.account)?,
                t.key
            )?;
        }
    }
    Ok(())
}

/// `earshot explain ACCOUNT --topic T`: the topic score line, whether it was reproduced, posts and
/// listening on the topic, the topic components' points, who listened, the posts with the terms
/// that put them on the topic, discarded reactions and the account's topic profile.
pub fn topic_explanation(out: &mut dyn Write, x: &TopicExplanation, name: Name<'_>) -> Result<()> {
    let (run, info, table, i, ev) = (&x.run, &x.topic, &x.table, x.i, &x.evidence);
    writeln!(
        out,
        "{} — topic {} \"{}\": score {:.1} / 100 among its {} accounts in run #{} (model {}{})",
        name(x.account)?,
        info.key,
        info.label,
        table.overall[i],
        table.len(),
        run.id,
        run.model_version,
        window_text(run)
    )?;
    reproduced(
        out,
        x.reproduced(),
        "the stored events and the run's taxonomy",
        table.overall[i],
        x.stored.as_ref().map(|s| s.score),
        "the flags",
    )?;
    writeln!(
        out,
        "posts about it: {}; listened to on it: {:.2} (distinct reactors, weighted) from {} reactions on the topic (to its posts on it, or mentions in others' posts on it)",
        x.posts_about, table.raw[0][i], x.received
    )?;
    points(
        out,
        table,
        i,
        &COMPONENTS,
        "meaning on this topic",
        topic_meaning,
        "topic score",
    )?;
    reactors(
        out,
        name,
        "who listened on this topic (credit to audience, to amplification)",
        &ev.reactors,
        |r| format!("   {}", kinds_text(&r.reactions)),
    )?;
    if !x.posts.is_empty() {
        writeln!(
            out,
            "\nits posts on this topic, and the taxonomy terms that put them there:"
        )?;
        for p in &x.posts {
            writeln!(
                out,
                "  {:>5} reactions from {:>4} accounts  [{}]  {}",
                p.reactions,
                p.reactors,
                p.terms.join(", "),
                snippet(p.text.as_deref())
            )?;
        }
    }
    discarded(
        out,
        "reactions on this topic that earned nothing",
        &ev.discarded,
    )?;
    if let Some(p) = &x.profile {
        topic_profile(out, p)?;
    }
    Ok(())
}

/// The topics an account posts about and is listened to on (five of each).
fn topic_profile(out: &mut dyn Write, p: &TopicProfile) -> Result<()> {
    writeln!(
        out,
        "\ntopic profile ({} topics from {}):",
        p.topics, p.source
    )?;
    if !p.has_rows {
        writeln!(
            out,
            "  no posts on any of them, and no reactions through their posts"
        )?;
        return Ok(());
    }
    let list = |v: &[TopicStanding], f: &dyn Fn(&TopicStanding) -> String| {
        if v.is_empty() {
            return "none".to_string();
        }
        v.iter()
            .take(5)
            .map(|t| format!("{} ({})", t.key, f(t)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "  posts about:     {}",
        list(&p.posts_about, &|t| format!(
            "{} post{}",
            t.posts_about,
            if t.posts_about == 1 { "" } else { "s" }
        ))
    )?;
    writeln!(
        out,
        "  listened to on:  {}",
        list(&p.listened_on, &|t| format!(
            "{:.2} from {} reactions, topic score {:.0}",
            t.listened, t.reactions, t.score
        ))
    )?;
    Ok(())
}

/// The expected engagement behind the score and the points each feature adds; false (printing
/// nothing) for percentile models.
fn prediction(out: &mut dyn Write, table: &ScoreTable, i: usize) -> Result<bool> {
    let (Some(p), Some((base, points))) = (&table.prediction, table.points(i)) else {
        return Ok(false);
    };
    let s = p.scale;
    writeln!(
        out,
        "\nexpected next week: {:.1} authentic reactions (the scale: {:.0} points = {} a week, every {} points doubles it)",
        p.expected(i),
        s.anchor_score,
        s.anchor_expected,
        s.points_per_doubling
    )?;
    if !table.is_scored(i) {
        writeln!(
            out,
            "not scored: nobody reacted to it authentically in the window, so there is no evidence to score"
        )?;
    }
    writeln!(
        out,
        "\n  {:<14} {:>9} {:>11} {:>7}  meaning",
        "feature", "value", "coefficient", "points"
    )?;
    writeln!(
        out,
        "  {:<14} {:>9} {:>11} {:>7.1}  an account with every feature at 0",
        "base", "", "", base
    )?;
    for f in Feature::ALL {
        let b = p.predictor.coefficient(f);
        if b == 0.0 && table.features[i][f.index()] == 0.0 {
            continue;
        }
        writeln!(
            out,
            "  {:<14} {:>9.3} {:>11.3} {:>7.1}  {}",
            f.name(),
            table.features[i][f.index()],
            b,
            points[f.index()],
            f.meaning()
        )?;
    }
    let total = base + points.iter().sum::<f64>();
    writeln!(
        out,
        "  {:<14} {:>9} {:>11} {:>7.1}  the sum{}",
        "score",
        "",
        "",
        table.overall[i],
        if (total - table.overall[i]).abs() > 0.05 && table.is_scored(i) {
            format!(" ({total:.1}, held within 1–100)")
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "\n  {:<14} {:>10} {:>11}  meaning",
        "component", "value", "percentile"
    )?;
    for c in Component::ALL {
        writeln!(
            out,
            "  {:<14} {:>10.3} {:>11.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            c.meaning()
        )?;
    }
    Ok(true)
}

/// Whether the recomputed score matched the stored one (`None`: the account is not in the stored run).
fn reproduced(
    out: &mut dyn Write,
    same: Option<bool>,
    from: &str,
    recomputed: f64,
    stored: Option<f64>,
    flags: &str,
) -> Result<()> {
    match same {
        Some(true) => writeln!(out, "recomputed from {from}: same score")?,
        Some(false) => writeln!(
            out,
            "WARNING: recomputed {recomputed:.6}, stored {:.6}: the events, {flags} or the authenticity model changed since the run",
            stored.unwrap_or(0.0)
        )?,
        None => writeln!(out, "(not in the stored run; computed now)")?,
    }
    Ok(())
}

/// The components' table: value, percentile and points, then the total (`1 +` the points).
fn points(
    out: &mut dyn Write,
    table: &ScoreTable,
    i: usize,
    components: &[Component],
    meaning_title: &str,
    meaning: fn(Component) -> &'static str,
    total: &str,
) -> Result<()> {
    writeln!(
        out,
        "\n  {:<14} {:>10} {:>11} {:>7}  {meaning_title}",
        "component", "value", "percentile", "points"
    )?;
    for &c in components {
        writeln!(
            out,
            "  {:<14} {:>10.3} {:>11.1} {:>7.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            table.contribution(i, c),
            meaning(c)
        )?;
    }
    writeln!(
        out,
        "  {:<14} {:>10} {:>11} {:>7.1}  1 + the points above",
        total, "", "", table.overall[i]
    )?;
    Ok(())
}

/// The reactors who earned an account its points: name, credit to audience and to amplification,
/// then what `more` adds.
fn reactors(
    out: &mut dyn Write,
    name: Name<'_>,
    title: &str,
    reactors: &[ReactorEvidence],
    more: impl Fn(&ReactorEvidence) -> String,
) -> Result<()> {
    if reactors.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title}:")?;
    for r in reactors {
        writeln!(
            out,
            "  {:<28} {:>5.2} {:>5.2}{}",
            name(r.account)?,
            r.audience_credit,
            r.amplification_credit,
            more(r)
        )?;
    }
    Ok(())
}

/// A reactor's reactions by kind: "3 reply, 1 reshare".
fn kinds_text(reactions: &[(String, u32)]) -> String {
    let kinds: Vec<String> = reactions.iter().map(|(k, n)| format!("{n} {k}")).collect();
    kinds.join(", ")
}

/// Reactions that earned nothing, by the flag of the post that carried them.
fn discarded(out: &mut dyn Write, what: &str, discarded: &[(PostFlag, u32)]) -> Result<()> {
    if discarded.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{what}, because the post carrying them was:")?;
    for (flag, n) in discarded {
        writeln!(out, "  {n:>6}  {}", flag.meaning())?;
    }
    Ok(())
}

/// The flagged posts that cost the account points, then its own flagged posts, each with its
/// evidence; how many more there are when the lists are cut.
fn flagged(out: &mut dyn Write, f: &FlaggedPostsEvidence) -> Result<()> {
    let lists = [
        (
            "flagged posts of others that carried reactions to it (those reactions earned nothing)",
            f.lost_total,
            &f.lost,
        ),
        ("its own flagged posts", f.own_total, &f.own),
    ];
    for (title, total, posts) in lists {
        if total == 0 {
            continue;
        }
        writeln!(
            out,
            "
{title}: {total}"
        )?;
        for p in posts.iter() {
            crate::flags::post(out, p, "  ")?;
        }
        if posts.len() < total {
            writeln!(
                out,
                "  … and {} more (`earshot trust posts` lists them all)",
                total - posts.len()
            )?;
        }
    }
    Ok(())
}

/// What a component's raw value means within a topic.
fn topic_meaning(c: Component) -> &'static str {
    match c {
        Component::Authority => {
            "PageRank of the whole graph restarting at the topic's posters, 1 = average account"
        }
        Component::Audience => "distinct accounts that reacted through its posts on the topic",
        _ => c.meaning(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::sources::Text;
    use earshot_model::InteractionKind;
    use earshot_score::{PostInfo, Reaction, ScoreInput, ScoreModel};
    use earshot_store::ScoreRun;

    /// Account 0 posts; accounts 1–6 reply to and reshare its posts; 7 mentions it and gets no reply.
    fn explanation_of_account_0() -> Explanation {
        let mut input = ScoreInput {
            reference_time: 2_000_000,
            ..Default::default()
        };
        for k in 0..12i64 {
            let (post, time) = (k, 1_000_000 + k * 3_600);
            let text = format!("a long and careful post number {k} about   the\nweather");
            input.posts.insert(
                post,
                PostInfo {
                    author: 0,
                    time,
                    text: Some(text),
                    reply_to: None,
                    quote_of: None,
                },
            );
            let kind = if k % 2 == 0 {
                InteractionKind::Reply
            } else {
                InteractionKind::Reshare
            };
            input.reactions.push(Reaction {
                actor: 1 + k % 6,
                target: 0,
                kind,
                time: Some(time + 60),
                weight: 1.0,
                post: Some(post),
            });
        }
        input.reactions.push(Reaction {
            actor: 7,
            target: 0,
            kind: InteractionKind::Mention,
            time: Some(1_500_000),
            weight: 1.0,
            post: None,
        });
        let model = ScoreModel::builtin();
        let table = earshot_score::score(&input, &model, &Text).unwrap();
        let i = table.position(0).unwrap();
        let evidence = earshot_score::evidence(&input, &model, &table, 0, 3).unwrap();
        Explanation {
            shown: "ann".into(),
            account: 0,
            run: ScoreRun {
                id: 4,
                created_at: 2_000_000,
                model_version: model.version.clone(),
                model_json: String::new(),
                window_from: Some(0),
                window_to: None,
                last_event: Some(1_500_000),
                platform: None,
                accounts: table.len() as u64,
                interactions: input.reactions.len() as u64,
                weights: [0.0; 5],
            },
            stored_overall: Some(table.overall[i] + 1.0),
            table,
            i,
            evidence,
            tone: None,
            flagged: FlaggedPostsEvidence::default(),
        }
    }

    #[test]
    fn flagged_posts_are_listed_with_their_evidence_and_the_rest_counted() {
        use earshot_app::trust::{AuthorRef, FlagEvidenceReport, FlaggedPost};
        let mut x = explanation_of_account_0();
        let post = FlaggedPost {
            post: "p9".into(),
            platform: "twitter".into(),
            id: "9".into(),
            author: AuthorRef {
                platform_id: "7".into(),
                handle: Some("copier".into()),
            },
            time: "2026-01-01 00:00:00".into(),
            text: Some("Nice post, the weather".into()),
            flags: vec!["copies_parent".into()],
            evidence: vec![FlagEvidenceReport {
                flag: "copies_parent".into(),
                meaning: "a copy of the post it replies to, padded".into(),
                spam: None,
                copy: None,
                campaign: None,
            }],
        };
        x.flagged = FlaggedPostsEvidence {
            own_total: 0,
            own: vec![],
            lost_total: 3,
            lost: vec![post],
        };
        let name = |id: i64| Ok(format!("acct{id}"));
        let mut out = Vec::new();
        explanation(&mut out, &x, None, &name).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(
            "\nflagged posts of others that carried reactions to it (those reactions earned nothing): 3\n  \
             twitter p9 by @copier, 2026-01-01 00:00:00: copies_parent\n    Nice post, the weather\n    \
             copies_parent: a copy of the post it replies to, padded\n  … and 2 more (`earshot trust posts` lists them all)\n"
        ), "{text}");
        assert!(!text.contains("its own flagged posts"), "{text}");
    }

    #[test]
    fn an_explanation_names_accounts_through_the_front_and_flags_a_changed_score() {
        let x = explanation_of_account_0();
        let name = |id: i64| Ok(format!("acct{id}"));
        let mut out = Vec::new();
        explanation(&mut out, &x, None, &name).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("acct0 — score "), "{}", lines[0]);
        // A window that starts at the epoch and runs to the end of the data.
        assert!(lines[0].contains(" in run #4 (model "), "{}", lines[0]);
        assert!(lines[0].ends_with(" to end)"), "{}", lines[0]);
        assert!(lines[0].contains(", window "), "{}", lines[0]);
        // The stored score differs from the recomputed one by 1.
        assert!(lines[1].starts_with("WARNING: recomputed "), "{}", lines[1]);
        assert!(text.contains("\ntop reactors (credit to audience, to amplification, share of authority inflow):\n  acct"));
        // Post texts come on one line.
        assert!(text.contains("about the weather"), "{text}");
        assert!(!text.contains("topic profile"));
    }

    #[test]
    fn an_explanation_ends_with_the_topic_profile_and_a_hint() {
        let x = explanation_of_account_0();
        let standing = |key: &str, posts_about| TopicStanding {
            key: key.into(),
            label: key.into(),
            posts_about,
            listened: 1.5,
            reactions: 3,
            score: 40.0,
        };
        let profile = TopicProfile {
            source: "auto".into(),
            topics: 2,
            posts_about: vec![standing("weather", 1)],
            listened_on: vec![],
            has_rows: true,
        };
        let name = |id: i64| Ok(format!("acct{id}"));
        let mut out = Vec::new();
        explanation(&mut out, &x, Some(&profile), &name).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with(
            "\ntopic profile (2 topics from auto):\n  posts about:     weather (1 post)\n  listened to on:  none\n  (`earshot explain acct0 --topic weather` explains one topic)\n"
        ), "{text}");
    }
}
