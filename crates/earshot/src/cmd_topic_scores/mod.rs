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
use crate::output::{snippet, window_text};
use anyhow::Result;
use earshot_app::accounts::display_name;
use earshot_app::topics::explain::{explain_topic, TopicExplanation, TopicQuery};
use earshot_app::topics::scoring::{TopicScoringReport, COMPONENTS};
use earshot_app::topics::top::{top_topic, TopicTopRequest};
use earshot_app::topics::{TopicProfile, TopicStanding};
use earshot_score::Component;
use earshot_store::Store;

/// The account a topic command is about: `explain --topic` and `history --topic` (`evidence` is
/// explain's).
pub struct AccountQuery<'a> {
    pub account: &'a str,
    pub platform: Option<&'a str>,
    pub run: Option<i64>,
    pub evidence: usize,
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

/// `earshot top --topic T`.
pub fn run_top(cli: &Ctx, q: &TopicTopRequest<'_>) -> Result<Exit> {
    q.check()?;
    let store = cli.open_store()?;
    let report = top_topic(&store, q, "--topic")?;
    if cli.json {
        crate::output::print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let (run, info) = (&report.run, &report.topic);
    println!(
        "run #{} ({}), topic {} \"{}\": {} posts, {} accounts, by {}:",
        run.id, run.model_version, info.key, info.label, info.posts, info.accounts, q.by
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
    for (k, named) in report.top.iter().enumerate() {
        let r = &named.score;
        println!(
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
        );
    }
    if report.top.is_empty() {
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
