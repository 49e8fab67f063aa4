//! `earshot explain ACCOUNT --topic T`, and the topic profile the account explanation ends with.

use super::ExplainArgs;
use super::{kinds_text, print_discarded, print_points, print_reactors, print_reproduced};
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{snippet, window_text};
use anyhow::Result;
use earshot_app::accounts::display_name;
use earshot_app::topics::explain::{explain_topic, TopicQuery};
use earshot_app::topics::scoring::COMPONENTS;
use earshot_app::topics::{TopicProfile, TopicStanding};
use earshot_score::Component;
use earshot_store::Store;

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
pub fn run(cli: &Ctx, args: &ExplainArgs, topic: &str) -> Result<Exit> {
    let store = cli.open_store()?;
    let q = TopicQuery {
        account: &args.account,
        platform: args.platform.as_deref(),
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
    let (run, info, table, i, ev) = (&x.run, &x.topic, &x.table, x.i, &x.evidence);
    println!(
        "{} — topic {} \"{}\": score {:.1} / 100 among its {} accounts in run #{} (model {}{})",
        display_name(&store, x.account)?,
        info.key,
        info.label,
        table.overall[i],
        table.len(),
        run.id,
        run.model_version,
        window_text(run)
    );
    print_reproduced(
        x.reproduced(),
        "the stored events and the run's taxonomy",
        table.overall[i],
        x.stored.as_ref().map(|s| s.score),
        "the flags",
    );
    println!(
        "posts about it: {}; listened to on it: {:.2} (distinct reactors, weighted) from {} reactions on the topic (to its posts on it, or mentions in others' posts on it)",
        x.posts_about, table.raw[0][i], x.received
    );
    print_points(
        table,
        i,
        &COMPONENTS,
        "meaning on this topic",
        topic_meaning,
        "topic score",
    );
    print_reactors(
        &store,
        "who listened on this topic (credit to audience, to amplification)",
        &ev.reactors,
        |r| format!("   {}", kinds_text(&r.reactions)),
    )?;
    if !x.posts.is_empty() {
        println!("\nits posts on this topic, and the taxonomy terms that put them there:");
        for p in &x.posts {
            println!(
                "  {:>5} reactions from {:>4} accounts  [{}]  {}",
                p.reactions,
                p.reactors,
                p.terms.join(", "),
                snippet(p.text.as_deref())
            );
        }
    }
    print_discarded("reactions on this topic that earned nothing", &ev.discarded);
    if let Some(p) = &x.profile {
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
