//! Topic profiles and topic scores (issue 5): `score --topics`, `top --topic`, `explain --topic`,
//! `history --topic`, and the topic profile `explain` prints.
//!
//! A run with topics assigns every post with text in its window to the topics of a taxonomy (a user's
//! file, or one discovered from the posts), then scores every account within each topic with
//! `earshot_score::score_topic`: the overall score's own components over the reactions made through the
//! topic's posts, topic-sensitive authority, and the same calibration among the topic's accounts. What
//! an account posts about and what it is listened to on are two different lists; the second is the one
//! that says where its voice carries.

mod assign;

pub use assign::TopicSource;

use crate::ctx::Ctx;
use crate::exit::{Exit, UsageError};
use crate::output::{delta_cell, delta_notes, snippet, window_text};
use anyhow::{bail, Context, Result};
use assign::{Assigned, Assignment, Topics};
use earshot_app::accounts::display_name;
use earshot_app::accounts::{resolve, with_name};
use earshot_app::explain::run_input;
use earshot_app::history::{delta, delta_fields};
use earshot_app::sources::Text;
use earshot_app::topics::{resolve_topic, same_label, TopicProfile, TopicStanding};
use earshot_model::format_utc;
use earshot_score::{
    evidence, score_topic, AuthorityGraph, Component, ScoreInput, ScoreModel, ScoreTable,
    TopicScope,
};
use earshot_store::{
    ScoreRun, Store, TopicInfo, TopicRun, TopicScoreRow, TopicScores, TOPIC_COMPONENTS,
};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::json;
use std::time::Instant;

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

/// The components a topic score has (reach has no topic form), in stored order.
const COMPONENTS: [Component; 4] = [
    Component::Audience,
    Component::Amplification,
    Component::Conversation,
    Component::Authority,
];

/// What `--topics` produced for a run: scores to store, or a note saying why there are none.
pub struct TopicOutcome {
    pub source: String,
    pub note: Option<String>,
    pub scores: Option<TopicScores>,
    pub seconds: f64,
}

/// One topic's table: every account with a reaction through one of `posts`, and every author of one.
/// Authority restarts at the authors, in proportion to their posts on the topic.
fn topic_table(
    input: &ScoreInput,
    model: &ScoreModel,
    graph: &AuthorityGraph,
    posts: &FxHashSet<i64>,
    posts_about: &FxHashMap<i64, u32>,
) -> Result<ScoreTable> {
    let mut members: Vec<i64> = posts_about.keys().copied().collect();
    members.sort_unstable();
    let restart: Vec<(i64, f64)> = members
        .iter()
        .map(|a| (*a, f64::from(posts_about[a])))
        .collect();
    let ranks = graph.personalised(&restart)?;
    let authority = |a: i64| graph.value(&ranks, a);
    let in_topic = |p: i64| posts.contains(&p);
    Ok(score_topic(
        input,
        model,
        &Text,
        &TopicScope {
            in_topic: &in_topic,
            members: &members,
            authority: &authority,
        },
    )?)
}

/// Reactions from others through `posts`, by target; those made with spam or copies are left out, as
/// scoring leaves them out.
fn reactions_received(input: &ScoreInput, posts: &FxHashSet<i64>) -> FxHashMap<i64, u32> {
    let mut out: FxHashMap<i64, u32> = FxHashMap::default();
    for r in &input.reactions {
        if r.actor != r.target
            && r.post.is_some_and(|p| posts.contains(&p))
            && input.flag_of(r).is_none()
        {
            *out.entry(r.target).or_default() += 1;
        }
    }
    out
}

/// The stored rows of one topic's table.
fn rows_of(
    topic: u32,
    table: &ScoreTable,
    posts_about: &FxHashMap<i64, u32>,
    received: &FxHashMap<i64, u32>,
) -> Vec<TopicScoreRow> {
    (0..table.len())
        .map(|i| {
            let a = table.accounts[i];
            let raw = COMPONENTS.map(|c| table.raw[c.index()][i]);
            TopicScoreRow {
                topic,
                account: a,
                score: table.overall[i],
                posts_about: posts_about.get(&a).copied().unwrap_or(0),
                reactions: received.get(&a).copied().unwrap_or(0),
                listened: raw[0],
                raw,
                pct: COMPONENTS.map(|c| table.pct[c.index()][i]),
            }
        })
        .collect()
}

/// Assigns the input's posts to topics and scores every account within each. Linear in the posts'
/// text for the assignment; each topic then costs one pass over the reactions and one personalised
/// PageRank of the run's graph.
pub fn score_topics(
    store: &Store,
    input: &ScoreInput,
    model: &ScoreModel,
    source: &TopicSource,
) -> Result<TopicOutcome> {
    let started = Instant::now();
    let outcome = |note: String| TopicOutcome {
        source: source.name().to_string(),
        note: Some(note),
        scores: None,
        seconds: started.elapsed().as_secs_f64(),
    };
    let (topics, assignment) = match assign::assign(store, input, source)? {
        Assigned::NoText => {
            return Ok(outcome(
                "no posts with text in the window: no topic scores".into(),
            ))
        }
        Assigned::NothingFound(n) => {
            return Ok(outcome(format!(
                "topic discovery found no topics in the window's {n} posts with text (a term must be in 5 posts, and a topic needs 4 terms that occur together): no topic scores"
            )))
        }
        Assigned::Topics(found) => *found,
    };
    let graph = AuthorityGraph::new(input, model)?;
    let mut infos = Vec::new();
    let mut rows = Vec::new();
    for (t, (key, label)) in topics
        .matcher
        .keys()
        .iter()
        .zip(topics.matcher.labels())
        .enumerate()
    {
        let posts = &assignment.posts[t];
        let mut accounts = 0;
        if !posts.is_empty() {
            let posts_about = &assignment.posts_about[t];
            let table = topic_table(input, model, &graph, posts, posts_about)?;
            let received = reactions_received(input, posts);
            let r = rows_of(t as u32, &table, posts_about, &received);
            accounts = r.len() as u64;
            rows.extend(r);
        }
        infos.push(TopicInfo {
            topic: t as u32,
            key: key.clone(),
            label: label.clone(),
            posts: posts.len() as u64,
            accounts,
        });
    }
    Ok(TopicOutcome {
        source: topics.source.clone(),
        note: None,
        scores: Some(TopicScores {
            run: TopicRun {
                source: topics.source,
                min_terms: topics.min_terms,
                taxonomy: topics.toml,
                posts_with_text: assignment.posts_with_text,
                posts_assigned: assignment.posts_assigned,
            },
            topics: infos,
            rows,
        }),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A topic's best rows that earned something (a score above 1), best first (the order `top --topic`
/// lists them in).
fn best_of(scores: &TopicScores, topic: u32, n: usize) -> Vec<&TopicScoreRow> {
    let mut v: Vec<&TopicScoreRow> = scores
        .rows
        .iter()
        .filter(|r| r.topic == topic && r.score > 1.0)
        .collect();
    v.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.account.cmp(&b.account)));
    v.truncate(n);
    v
}

impl TopicOutcome {
    pub fn json(&self, store: &Store) -> Result<serde_json::Value> {
        let Some(s) = &self.scores else {
            return Ok(
                json!({"source": self.source, "note": self.note, "topics": [], "seconds": self.seconds}),
            );
        };
        let mut topics = Vec::new();
        for t in &s.topics {
            let mut best = Vec::new();
            for r in best_of(s, t.topic, 3) {
                let record = json!({"account": r.account, "name": display_name(store, r.account)?, "score": r.score});
                best.push(with_name(store, r.account, record)?);
            }
            topics.push(json!({"topic": t, "best": best}));
        }
        Ok(json!({
            "source": self.source, "note": self.note, "min_terms": s.run.min_terms,
            "posts_with_text": s.run.posts_with_text, "posts_assigned": s.run.posts_assigned,
            "seconds": self.seconds, "topics": topics,
        }))
    }

    pub fn print(&self, store: &Store, quiet: bool) -> Result<()> {
        let Some(s) = &self.scores else {
            if !quiet {
                eprintln!(
                    "note: --topics {}: {}",
                    self.source,
                    self.note.as_deref().unwrap_or("")
                );
            }
            return Ok(());
        };
        println!(
            "\ntopics ({}): {} topics; {} of {} posts with text are on at least one (assigned and scored in {:.2} s)",
            self.source,
            s.topics.len(),
            s.run.posts_assigned,
            s.run.posts_with_text,
            self.seconds
        );
        println!(
            "  {:<22} {:<30} {:>6} {:>8}  best (topic score)",
            "topic", "label", "posts", "accounts"
        );
        for t in &s.topics {
            let mut best = Vec::new();
            for r in best_of(s, t.topic, 3) {
                best.push(format!(
                    "{} {:.0}",
                    display_name(store, r.account)?,
                    r.score
                ));
            }
            println!(
                "  {:<22} {:<30} {:>6} {:>8}  {}",
                t.key,
                crate::output::clip(&t.label, 30),
                t.posts,
                t.accounts,
                if best.is_empty() {
                    "— (nobody earned anything on it)".to_string()
                } else {
                    best.join(", ")
                }
            );
        }
        println!("(`earshot top --topic KEY` ranks one topic; `earshot explain ACCOUNT --topic KEY` explains)");
        Ok(())
    }
}

fn latest_run(cli: &Ctx, store: &Store, id: Option<i64>) -> Result<ScoreRun> {
    match store.score_run(id)? {
        Some(r) => Ok(r),
        None => bail!(
            "no score run{} in {}: run `earshot score --topics FILE|auto` first",
            id.map(|r| format!(" #{r}")).unwrap_or_default(),
            cli.db.display()
        ),
    }
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
    let run = latest_run(cli, &store, args.run)?;
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

/// One of the account's posts on the topic, with the terms that put it there.
#[derive(serde::Serialize)]
struct TopicPost {
    post: i64,
    reactions: u32,
    amplifications: u32,
    reactors: u32,
    text: Option<String>,
    terms: Vec<String>,
}

/// `earshot explain ACCOUNT --topic T`: the topic score recomputed from the stored events with the run's
/// model and taxonomy, and checked against the stored number.
pub fn run_explain(cli: &Ctx, args: &AccountQuery<'_>, topic: &str) -> Result<Exit> {
    let store = cli.open_store()?;
    let account = resolve(&store, args.account, args.platform)?;
    let run = latest_run(cli, &store, args.run)?;
    let info = resolve_topic(&store, &run, "--topic", topic)?;
    let tr = store
        .topic_run(run.id)?
        .with_context(|| format!("run #{} has topics but no stored taxonomy", run.id))?;
    let (model, input) = run_input(&store, &run, &crate::output::note_unless(cli.quiet))?;
    let topics: Topics = assign::compile(&tr.source, tr.taxonomy.clone(), tr.min_terms)
        .with_context(|| format!("the taxonomy stored with run #{}", run.id))?;
    let Assignment {
        mut posts,
        mut posts_about,
        ..
    } = assign::reassign(&store, &input, &topics)?;
    let t = info.topic as usize;
    if t >= posts.len() || topics.matcher.keys()[t] != info.key {
        bail!(
            "run #{}'s stored taxonomy does not match its topic list",
            run.id
        );
    }
    let (posts, posts_about) = (
        std::mem::take(&mut posts[t]),
        std::mem::take(&mut posts_about[t]),
    );
    let graph = AuthorityGraph::new(&input, &model)?;
    let table = topic_table(&input, &model, &graph, &posts, &posts_about)?;
    drop(graph);
    let Some(i) = table.position(account) else {
        bail!(
            "{} did not post on topic {} and took part in no reaction through one of its posts in run #{}, so it has no score there",
            args.account,
            info.key,
            run.id
        );
    };
    let stored = store
        .account_topic_scores(run.id, account)?
        .into_iter()
        .find(|r| r.topic == info.topic);
    let reproduced = stored
        .as_ref()
        .map(|s| (s.score - table.overall[i]).abs() <= 1e-9);
    let received = reactions_received(&input, &posts)
        .get(&account)
        .copied()
        .unwrap_or(0);
    let about = posts_about.get(&account).copied().unwrap_or(0);
    // Evidence from the topic's slice of the input: its reactions and its posts only.
    let mut tin = input;
    tin.reactions
        .retain(|r| r.post.is_some_and(|p| posts.contains(&p)));
    tin.posts.retain(|id, _| posts.contains(id));
    let ev = evidence(&tin, &model, &table, account, args.evidence)
        .context("account vanished from its own table")?;
    let handle = assign::handle_of(&store, account)?;
    let terms_of = |text: Option<&str>| -> Vec<String> {
        text.map(|x| {
            assign::topic_terms(&topics.matcher, x, handle.as_deref(), info.topic)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
    };
    // Its posts on the topic: those that drew reactions first (as evidence ranks them), then the
    // others, oldest first.
    let mut shown: Vec<TopicPost> = ev
        .posts
        .iter()
        .map(|p| TopicPost {
            post: p.post,
            reactions: p.reactions,
            amplifications: p.amplifications,
            reactors: p.reactors,
            text: p.text.clone(),
            terms: terms_of(p.text.as_deref()),
        })
        .collect();
    let mut quiet: Vec<(i64, i64)> = tin
        .posts
        .iter()
        .filter(|(id, p)| p.author == account && !shown.iter().any(|s| s.post == **id))
        .map(|(&id, p)| (p.time, id))
        .collect();
    quiet.sort_unstable();
    for (_, id) in quiet
        .into_iter()
        .take(args.evidence.saturating_sub(shown.len()))
    {
        let text = tin.posts[&id].text.clone();
        shown.push(TopicPost {
            post: id,
            reactions: 0,
            amplifications: 0,
            reactors: 0,
            terms: terms_of(text.as_deref()),
            text,
        });
    }
    let profile = TopicProfile::load(&store, run.id, account)?;
    if cli.json {
        let components: Vec<serde_json::Value> = COMPONENTS
            .iter()
            .map(|&c| json!({
                "component": c.name(), "raw": table.raw[c.index()][i], "percentile": table.pct[c.index()][i],
                "weight": table.weights[c.index()], "points": table.contribution(i, c), "meaning": c.meaning(),
            }))
            .collect();
        let out = json!({
                "account": args.account, "run": run.id, "model_version": run.model_version, "topic": info,
                "score": table.overall[i], "stored_score": stored.as_ref().map(|s| s.score), "reproduced": reproduced,
                "posts_about": about, "reactions": received, "listened": table.raw[0][i],
                "components": components, "conversation": table.conversation[i],
                "reactors": ev.reactors, "distinct_reactors": ev.distinct_reactors, "posts": shown,
                "unanswered": ev.unanswered, "discarded": ev.discarded,
                "profile": profile,
        });
        println!("{}", with_name(&store, account, out)?);
        return Ok(Exit::Ok);
    }
    println!(
        "{} — topic {} \"{}\": score {:.1} / 100 among its {} accounts in run #{} (model {}{})",
        display_name(&store, account)?,
        info.key,
        info.label,
        table.overall[i],
        table.len(),
        run.id,
        run.model_version,
        window_text(&run)
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
        for p in &shown {
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
    if let Some(p) = &profile {
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
    let history: Vec<(ScoreRun, TopicInfo, TopicScoreRow)> = store
        .topic_history(account)?
        .into_iter()
        .filter(|(_, t, _)| named(t))
        .collect();
    let points: Vec<(i64, f64)> = history
        .iter()
        .map(|(run, _, row)| (run.as_of(), row.score))
        .collect();
    if cli.json {
        let items: Vec<serde_json::Value> = history
            .iter()
            .enumerate()
            .map(|(k, (run, t, row))| {
                let mut item = json!({"run": run, "as_of": run.as_of(), "topic": t, "score": row});
                delta_fields(&points, k, &mut item);
                item
            })
            .collect();
        let out = json!({"account": args.account, "topic": topic, "history": items});
        println!("{}", with_name(&store, account, out)?);
        return Ok(Exit::Ok);
    }
    if history.is_empty() {
        println!(
            "{} has no score on topic {topic:?} in any run: it neither posted on it nor took part in a reaction through one of its posts",
            args.account
        );
        return Ok(Exit::Ok);
    }
    println!(
        "{} on topic {topic:?} across {} runs:",
        display_name(&store, account)?,
        history.len()
    );
    println!(
        "  {:>5}  {:<20} {:<22} {:>6} {:>6} {:>9} {:>8} {:>8}",
        "run", "as of (UTC)", "topic", "score", "posts", "listened", "Δ week", "Δ month"
    );
    for (k, (run, t, row)) in history.iter().enumerate() {
        println!(
            "  {:>5}  {:<20} {:<22} {:>6.1} {:>6} {:>9.2} {:>8} {:>8}",
            run.id,
            format_utc(run.as_of()),
            t.key,
            row.score,
            row.posts_about,
            row.listened,
            delta_cell(delta(&points, k, 7)),
            delta_cell(delta(&points, k, 30))
        );
    }
    if let Some(notes) = delta_notes(&points) {
        println!("{notes}");
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_model::InteractionKind;
    use earshot_score::{score, PostInfo, Reaction};

    /// Ten accounts posting and reacting to each other's posts; every post carries `#all`, and half of
    /// them `#even` too.
    fn input() -> ScoreInput {
        let mut inp = ScoreInput {
            reference_time: 2_000_000,
            ..Default::default()
        };
        let kinds = [
            InteractionKind::Like,
            InteractionKind::Reshare,
            InteractionKind::Reply,
            InteractionKind::Mention,
            InteractionKind::Quote,
        ];
        for i in 0..90i64 {
            let (actor, target) = ((i * 3) % 10, (i * 7 + 1) % 10);
            let kind = kinds[(i % 5) as usize];
            let author = if kind == InteractionKind::Mention {
                actor
            } else {
                target
            };
            let time = 1_000_000 + i * 600;
            let tag = if i % 2 == 0 { " #even" } else { "" };
            let text = if i % 3 == 0 {
                format!("does anyone know where to start? #all{tag}")
            } else {
                format!("here is a long and careful answer, number {i} #all{tag}")
            };
            inp.posts.insert(
                i,
                PostInfo {
                    author,
                    time,
                    text: Some(text),
                    reply_to: None,
                    quote_of: None,
                },
            );
            inp.reactions.push(Reaction {
                actor,
                target,
                kind,
                time: Some(time),
                weight: 1.0,
                post: Some(i),
            });
        }
        // Five questions, each answered: account k asks k + 5, which replies to the question post.
        for k in 0..5i64 {
            let (post, time) = (1000 + k, 1_100_000 + k * 600);
            inp.posts.insert(
                post,
                PostInfo {
                    author: k,
                    time,
                    text: Some(format!("@u{} how do I get started with this? #all", k + 5)),
                    reply_to: None,
                    quote_of: None,
                },
            );
            for (actor, target, kind, t) in [
                (k, k + 5, InteractionKind::Mention, time),
                (k + 5, k, InteractionKind::Reply, time + 60),
            ] {
                inp.reactions.push(Reaction {
                    actor,
                    target,
                    kind,
                    time: Some(t),
                    weight: 1.0,
                    post: Some(post),
                });
            }
        }
        inp
    }

    fn topics() -> Topics {
        assign::compile(
            "t.toml",
            "[topics.all]\nhashtags = [\"all\"]\n[topics.even]\nhashtags = [\"even\"]\n".into(),
            assign::FILE_MIN_TERMS,
        )
        .unwrap()
    }

    #[test]
    fn a_topic_holding_every_post_has_the_overall_components() {
        let inp = input();
        let model = ScoreModel::builtin();
        let topics = topics();
        let a = assign::assign_posts(&topics, &assign::text_posts(&inp), &FxHashMap::default());
        let all = topics.matcher.id_of("all").unwrap() as usize;
        assert_eq!(a.posts[all].len(), inp.posts.len());
        let graph = AuthorityGraph::new(&inp, &model).unwrap();
        let topic = topic_table(&inp, &model, &graph, &a.posts[all], &a.posts_about[all]).unwrap();
        let overall = score(&inp, &model, &Text).unwrap();
        assert_eq!(topic.len(), overall.len());
        for (i, &account) in overall.accounts.iter().enumerate() {
            let j = topic.position(account).unwrap();
            for c in [
                Component::Audience,
                Component::Amplification,
                Component::Conversation,
            ] {
                let (x, y) = (overall.raw[c.index()][i], topic.raw[c.index()][j]);
                assert!(
                    (x - y).abs() <= 1e-9 * (1.0 + x.abs()),
                    "{account} {c:?}: {x} vs {y}"
                );
            }
        }
        for c in [Component::Audience, Component::Conversation] {
            assert!(
                overall.raw[c.index()].iter().any(|&v| v > 0.0),
                "{c:?} earned nothing"
            );
        }
        // The half topic has exactly the accounts of its own posts' reactions and authors.
        let even = topics.matcher.id_of("even").unwrap() as usize;
        assert_eq!(a.posts[even].len(), 45);
        let half = topic_table(&inp, &model, &graph, &a.posts[even], &a.posts_about[even]).unwrap();
        let mut want: Vec<i64> = inp
            .reactions
            .iter()
            .filter(|r| r.post.is_some_and(|p| p < 1000 && p % 2 == 0))
            .flat_map(|r| [r.actor, r.target])
            .collect();
        want.sort_unstable();
        want.dedup();
        let mut got = half.accounts.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(
            reactions_received(&inp, &a.posts[even])
                .values()
                .sum::<u32>(),
            45
        );
    }
}
