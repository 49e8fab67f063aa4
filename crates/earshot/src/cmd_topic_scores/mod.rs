//! Topic profiles and topic scores (issue 5): `score --topics`, `top --topic`, `explain --topic`,
//! `history --topic`, and the topic profile `explain` prints.
//!
//! A run with topics assigns every post with text in its window to the topics of a taxonomy (a user's
//! file, or one discovered from the posts), then scores every account within each topic with
//! `earshot_score::score_topic`: the overall score's own components over the reactions made through the
//! topic's posts, topic-sensitive authority, and the same calibration among the topic's accounts. What
//! an account posts about and what it is listened to on are two different lists; the second is the one
//! that says where its voice carries.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{delta_cell, delta_notes, snippet, window_text};
use anyhow::Result;
use earshot_app::accounts::{display_name, resolve, with_name};
use earshot_app::error::UsageError;
use earshot_app::topics::explain::{explain_topic, run_with_topics, TopicExplanation, TopicQuery};
use earshot_app::topics::scoring::{TopicScoringReport, COMPONENTS};
use earshot_app::topics::{resolve_topic, same_label, TopicProfile, TopicStanding};
use earshot_model::format_utc;
use earshot_score::Component;
use earshot_store::{Store, TopicInfo, TopicScoreRow, TOPIC_COMPONENTS};
use serde_json::json;

/// The account a topic command is about: `explain --topic` and `history --topic` (`evidence` is
/// explain's).
pub struct AccountQuery<'a> {
    pub account: &'a str,
    pub platform: Option<&'a str>,
    pub run: Option<i64>,
    pub evidence: usize,
}

/// What `top --topic` ranks.
pub struct TopQuery<'a> {
    pub by: &'a str,
    pub run: Option<i64>,
    pub limit: usize,
    pub platform: Option<&'a str>,
}

/// `score --topics`'s text: each topic with its best accounts, or the note saying why there are none.
pub fn print_scoring(r: &TopicScoringReport, quiet: bool) {
    let (Some(assigned), Some(with_text)) = (r.posts_assigned, r.posts_with_text) else {
        if !quiet {
            eprintln!(
                "note: --topics {}: {}",
                r.source,
                r.note.as_deref().unwrap_or("")
            );
        }
        return;
    };
    println!(
        "\ntopics ({}): {} topics; {} of {} posts with text are on at least one (assigned and scored in {:.2} s)",
        r.source,
        r.topics.len(),
        assigned,
        with_text,
        r.seconds
    );
    println!(
        "  {:<22} {:<30} {:>6} {:>8}  best (topic score)",
        "topic", "label", "posts", "accounts"
    );
    for t in &r.topics {
        let best: Vec<String> = t
            .best
            .iter()
            .map(|b| format!("{} {:.0}", b.name, b.score))
            .collect();
        println!(
            "  {:<22} {:<30} {:>6} {:>8}  {}",
            t.topic.key,
            crate::output::clip(&t.topic.label, 30),
            t.topic.posts,
            t.topic.accounts,
            if best.is_empty() {
                "— (nobody earned anything on it)".to_string()
            } else {
                best.join(", ")
            }
        );
    }
    println!("(`earshot top --topic KEY` ranks one topic; `earshot explain ACCOUNT --topic KEY` explains)");
}

/// A topic row as JSON, with the account's name.
fn row_json(store: &Store, r: &TopicScoreRow) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(r)?;
    v["name"] = json!(display_name(store, r.account)?);
    with_name(store, r.account, v)
}

/// `--by` values `top --topic` accepts, as stored column names.
fn topic_by(by: &str) -> Result<&str> {
    match by {
        "overall" | "posts_about" | "reactions" => Ok(by),
        "listened" => Ok("audience"),
        _ if TOPIC_COMPONENTS.contains(&by) => Ok(by),
        _ => Err(UsageError(format!(
            "--by {by:?} with --topic: use overall, {}, listened (= audience), posts_about or reactions",
            TOPIC_COMPONENTS.join(", ")
        ))
        .into()),
    }
}

/// `earshot top --topic T`.
pub fn run_top(cli: &Ctx, args: &TopQuery<'_>, topic: &str) -> Result<Exit> {
    let by = topic_by(args.by)?;
    let store = cli.open_store()?;
    let run = run_with_topics(&store, args.run)?;
    let info = resolve_topic(&store, &run, "--topic", topic)?;
    let top = store.top_topic_scores(run.id, info.topic, by, args.limit, args.platform)?;
    if cli.json {
        let rows = top
            .iter()
            .map(|r| row_json(&store, r))
            .collect::<Result<Vec<_>>>()?;
        println!(
            "{}",
            json!({"run": run, "topic": info, "by": args.by, "top": rows})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "run #{} ({}), topic {} \"{}\": {} posts, {} accounts, by {}:",
        run.id, run.model_version, info.key, info.label, info.posts, info.accounts, args.by
    );
    println!(
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
    );
    for (k, r) in top.iter().enumerate() {
        println!(
            "  {:>4}  {:<28} {:>6.1} {:>6} {:>9} {:>9.2}  {:>8.0} {:>8.0} {:>8.0} {:>9.0}",
            k + 1,
            display_name(&store, r.account)?,
            r.score,
            r.posts_about,
            r.reactions,
            r.listened,
            r.pct[0] * 100.0,
            r.pct[1] * 100.0,
            r.pct[2] * 100.0,
            r.pct[3] * 100.0
        );
    }
    if top.is_empty() {
        println!("  (no account posted on this topic or reacted through one of its posts)");
    }
    Ok(Exit::Ok)
}

/// The topic profile `explain` prints, when the run has topics, with a hint to explain one topic.
pub fn print_profile(store: &Store, run: i64, account: i64) -> Result<()> {
    let Some(p) = TopicProfile::load(store, run, account)? else {
        return Ok(());
    };
    print_topic_profile(&p);
    if let Some(t) = p.listened_on.first().or(p.posts_about.first()) {
        println!(
            "  (`earshot explain {} --topic {}` explains one topic)",
            display_name(store, account)?,
            t.key
        );
    }
    Ok(())
}

fn print_topic_profile(p: &TopicProfile) {
    println!("\ntopic profile ({} topics from {}):", p.topics, p.source);
    if !p.has_rows {
        println!("  no posts on any of them, and no reactions through their posts");
        return;
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
    println!(
        "  posts about:     {}",
        list(&p.posts_about, &|t| format!(
            "{} post{}",
            t.posts_about,
            if t.posts_about == 1 { "" } else { "s" }
        ))
    );
    println!(
        "  listened to on:  {}",
        list(&p.listened_on, &|t| format!(
            "{:.2} from {} reactions, topic score {:.0}",
            t.listened, t.reactions, t.score
        ))
    );
}

/// `earshot explain ACCOUNT --topic T`: the topic score recomputed from the stored events with the run's
/// model and taxonomy, and checked against the stored number.
pub fn run_explain(cli: &Ctx, args: &AccountQuery<'_>, topic: &str) -> Result<Exit> {
    let store = cli.open_store()?;
    let q = TopicQuery {
        account: args.account,
        platform: args.platform,
        run: args.run,
        topic,
        topic_field: "--topic",
        evidence: args.evidence,
    };
    let x = explain_topic(&store, &q, &crate::output::note_unless(cli.quiet))?;
    if cli.json {
        crate::output::print_json(&x.report(&store)?)?;
        return Ok(Exit::Ok);
    }
    let TopicExplanation {
        account,
        run,
        topic: info,
        table,
        i,
        stored,
        posts_about: about,
        received,
        evidence: ev,
        posts: shown,
        profile,
        ..
    } = &x;
    let (account, i, about, received) = (*account, *i, *about, *received);
    let reproduced = x.reproduced();
    println!(
        "{} — topic {} \"{}\": score {:.1} / 100 among its {} accounts in run #{} (model {}{})",
        display_name(&store, account)?,
        info.key,
        info.label,
        table.overall[i],
        table.len(),
        run.id,
        run.model_version,
        window_text(run)
    );
    match reproduced {
        Some(true) => println!("recomputed from the stored events and the run's taxonomy: same score"),
        Some(false) => println!(
            "WARNING: recomputed {:.6}, stored {:.6}: the events, the flags or the authenticity model changed since the run",
            table.overall[i],
            stored.as_ref().map_or(0.0, |s| s.score)
        ),
        None => println!("(not in the stored run; computed now)"),
    }
    println!(
        "posts about it: {about}; listened to on it: {:.2} (distinct reactors, weighted) from {received} reactions on the topic (to its posts on it, or mentions in others' posts on it)",
        table.raw[0][i]
    );
    println!(
        "\n  {:<14} {:>10} {:>11} {:>7}  meaning on this topic",
        "component", "value", "percentile", "points"
    );
    for c in COMPONENTS {
        println!(
            "  {:<14} {:>10.3} {:>11.1} {:>7.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            table.contribution(i, c),
            topic_meaning(c)
        );
    }
    println!(
        "  {:<14} {:>10} {:>11} {:>7.1}  1 + the points above",
        "topic score", "", "", table.overall[i]
    );
    if !ev.reactors.is_empty() {
        println!("\nwho listened on this topic (credit to audience, to amplification):");
        for r in &ev.reactors {
            let kinds: Vec<String> = r
                .reactions
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            println!(
                "  {:<28} {:>5.2} {:>5.2}   {}",
                display_name(&store, r.account)?,
                r.audience_credit,
                r.amplification_credit,
                kinds.join(", ")
            );
        }
    }
    if !shown.is_empty() {
        println!("\nits posts on this topic, and the taxonomy terms that put them there:");
        for p in shown {
            println!(
                "  {:>5} reactions from {:>4} accounts  [{}]  {}",
                p.reactions,
                p.reactors,
                p.terms.join(", "),
                snippet(p.text.as_deref())
            );
        }
    }
    if !ev.discarded.is_empty() {
        println!(
            "\nreactions on this topic that earned nothing, because the post carrying them was:"
        );
        for (flag, n) in &ev.discarded {
            println!("  {n:>6}  {}", flag.meaning());
        }
    }
    if let Some(p) = profile {
        print_topic_profile(p);
    }
    Ok(Exit::Ok)
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

/// `earshot history ACCOUNT --topic T`: the account's topic score in every run with a topic of that
/// key or label.
pub fn run_history(cli: &Ctx, args: &AccountQuery<'_>, topic: &str) -> Result<Exit> {
    let store = cli.open_store()?;
    let account = resolve(&store, args.account, args.platform)?;
    let q = topic.trim();
    let named = |t: &TopicInfo| t.key.eq_ignore_ascii_case(q) || same_label(&t.label, q);
    let mut known = false;
    for run in store.score_runs()? {
        if store.run_topics(run.id)?.iter().any(named) {
            known = true;
            break;
        }
    }
    if !known {
        let keys = store.topic_keys()?;
        return Err(UsageError(if keys.is_empty() {
            format!("--topic {topic:?}: no run has topics (score with `earshot score --topics FILE|auto`)")
        } else {
            format!(
                "--topic {topic:?}: no run has such a topic; the runs' topics are {}",
                keys.join(", ")
            )
        })
        .into());
    }
    let h = earshot_app::history::topic_history(&store, account, args.account, topic, named)?;
    if cli.json {
        crate::output::print_json(&h)?;
        return Ok(Exit::Ok);
    }
    if h.history.is_empty() {
        println!(
            "{} has no score on topic {topic:?} in any run: it neither posted on it nor took part in a reaction through one of its posts",
            args.account
        );
        return Ok(Exit::Ok);
    }
    println!(
        "{} on topic {topic:?} across {} runs:",
        display_name(&store, account)?,
        h.history.len()
    );
    println!(
        "  {:>5}  {:<20} {:<22} {:>6} {:>6} {:>9} {:>8} {:>8}",
        "run", "as of (UTC)", "topic", "score", "posts", "listened", "Δ week", "Δ month"
    );
    for item in &h.history {
        println!(
            "  {:>5}  {:<20} {:<22} {:>6.1} {:>6} {:>9.2} {:>8} {:>8}",
            item.run.id,
            format_utc(item.as_of),
            item.topic.as_ref().map_or("", |t| t.key.as_str()),
            item.score.score,
            item.score.posts_about,
            item.score.listened,
            delta_cell(item.week_delta),
            delta_cell(item.month_delta)
        );
    }
    if let Some(notes) = delta_notes(&h) {
        println!("{notes}");
    }
    Ok(Exit::Ok)
}
