//! `score --topics`'s summary and `top --topic` (issue 5). A run with topics assigns every post with
//! text in its window to the topics of a taxonomy (a user's file, or one discovered from the posts),
//! then scores every account within each topic (`earshot_app::topics::scoring`): what an account
//! posts about and what it is listened to on are two different lists; the second says where its
//! voice carries.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use earshot_app::topics::scoring::TopicScoringReport;
use earshot_app::topics::top::{top_topic, TopicTopRequest};

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
