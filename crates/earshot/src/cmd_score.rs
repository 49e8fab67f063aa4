//! `earshot score` and `earshot top`: compute and store a scoring run; list its best accounts.

use crate::ctx::Ctx;
use crate::exit::{Exit, UsageError};
use crate::window::WindowArgs;
use anyhow::Result;
use clap::Args;
use earshot_app::score::{load_model, stored_rows};
use earshot_app::sources::{load_input, Text};
use earshot_score::score;
use earshot_store::{NamedScore, ScoreRun, Store, TimeWindow, COMPONENTS};
use earshot_trust::TrustModel;
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Score every account in a time window and store the run.
///
/// What a score means: the authentic reactions (replies, mentions, reshares, quotes and likes from
/// others, each weighed by its reactor's authenticity) the account is expected to receive next week,
/// on a logarithmic scale: 25 points = 5 expected reactions a week, and every 10 points doubles it
/// (35 ≈ 10, 45 ≈ 20, 55 ≈ 40, 65 ≈ 80, 75 ≈ 160, 85 ≈ 320, 95 ≈ 640), held within 1–100. An account
/// nobody reacted to authentically in the window is not scored.
///
/// The expectation is a fitted model (earshot-score-4) of the account's components (audience,
/// amplification, conversation, authority, reach), the reactions it received, lately and in all, its
/// own activity and its authenticity; `earshot explain` shows the expected number and the points each
/// adds. The run keeps its model and window, so `explain` can recompute any score exactly.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot score
  earshot score --from 2012-07-01 --to 2012-07-04 --top 20
  earshot score --model my-model.json --platform twitter
  earshot score --topics taxonomy.toml
  earshot score --topics auto")]
pub struct ScoreArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// A score model file (JSON, as models/score-v4.json); default: the built-in model.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Accounts to print.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Weigh every reactor 1, ignoring authenticity (by default a reactor with a profile weighs
    /// 1 − 2 × its probability of being automated or fake, floored at 0 (`earshot trust`), and one
    /// trading reactions inside a closed group weighs less).
    #[arg(long)]
    pub no_authenticity: bool,
    /// Also score every account within each topic: a taxonomy file (TOML: topics named by keywords,
    /// hashtags, cashtags and accounts) or `auto` to discover topics from the window's posts. Posts
    /// without text are on no topic.
    #[arg(long, value_name = "FILE|auto")]
    pub topics: Option<String>,
}

/// The best accounts of a stored run.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot top\n  earshot top --by conversation --limit 50\n  earshot top --run 3 --platform twitter\n  earshot top --topic late --limit 10"
)]
pub struct TopArgs {
    /// Rank by `overall` or one component: audience, amplification, conversation, authority, reach.
    #[arg(long, default_value = "overall")]
    pub by: String,
    /// Run id (default: the latest).
    #[arg(long)]
    pub run: Option<i64>,
    #[arg(long)]
    pub platform: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Rank within one topic of the run (key or label, any case); `--by` may then also be listened
    /// (= audience), posts_about or reactions (reach has no topic form).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
}

pub fn run_score(cli: &Ctx, args: &ScoreArgs) -> Result<Exit> {
    let window = args.window.window()?;
    let topics = args
        .topics
        .as_deref()
        .map(earshot_app::topics::assign::TopicSource::parse)
        .transpose()?;
    let mut model = load_model(args.model.as_deref())?;
    let trust = (!args.no_authenticity).then(TrustModel::builtin);
    model.authenticity_model = trust.as_ref().map(|t| t.version.clone());
    let mut store = cli.open_store()?;
    // Stages on stderr while a large database is read, scored and stored (not with --quiet or --json).
    let progress = crate::progress::spinner(cli.quiet || cli.json);
    progress.set_message("reading interactions, posts and profiles");
    let started = Instant::now();
    let (input, interactions) = load_input(
        &store,
        window,
        args.window.platform.as_deref(),
        trust.as_ref(),
    )?;
    let load_seconds = started.elapsed().as_secs_f64();
    let last_event = end_of_data(&store, window, args, interactions)?;
    progress.set_message(format!("scoring: {interactions} interactions read"));
    let t = Instant::now();
    let table = score(&input, &model, &Text)?;
    let score_seconds = t.elapsed().as_secs_f64();
    let run = ScoreRun {
        id: 0,
        created_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
        model_version: model.version.clone(),
        model_json: serde_json::to_string(&model)?,
        window_from: window.from,
        window_to: window.to,
        last_event,
        platform: args.window.platform.clone(),
        accounts: table.len() as u64,
        interactions,
        weights: table.weights,
    };
    let topic_outcome = match &topics {
        Some(source) => Some(earshot_app::topics::scoring::score_topics(
            &store, &input, &model, source,
        )?),
        None => None,
    };
    progress.set_message("storing the run");
    let t = Instant::now();
    // Exclusive when nobody else has the database open; beside a running server, shared.
    store.begin_bulk_mode()?;
    let run_id = store.save_score_run_with_topics(
        &run,
        &stored_rows(&table, |a| {
            trust.is_some().then(|| input.authenticity_of(a))
        }),
        topic_outcome.as_ref().and_then(|o| o.scores.as_ref()),
    )?;
    let save_seconds = t.elapsed().as_secs_f64();
    progress.finish_and_clear();
    if cli.json {
        let top = store.top_scores(run_id, "overall", args.top, None)?;
        println!(
            "{}",
            serde_json::json!({
                "run": run_id, "model_version": model.version, "accounts": table.len(), "interactions": interactions,
                "as_of": earshot_model::format_utc(run.as_of()),
                "accounts_scored": (0..table.len()).filter(|&i| table.is_scored(i)).count(),
                "authenticity_model": model.authenticity_model, "accounts_with_authenticity": input.authenticity.len(),
                "posts_flagged": flag_counts(&input),
                "burst_pairs_discounted": input.pair_weights.len(),
                "pagerank_iterations": table.pagerank_iterations, "weights": table.weights,
                "seconds": {"load": load_seconds, "score": score_seconds, "save": save_seconds},
                "peak_rss_kib": earshot_app::peak_rss_kib(), "top": top,
                "topics": topic_outcome.as_ref().map(|o| o.report(&store)).transpose()?,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "run #{run_id}: {} accounts scored from {interactions} interactions with model {} (read {load_seconds:.2} s, scored {score_seconds:.2} s, stored {save_seconds:.2} s)",
        table.len(),
        model.version
    );
    let unscored = (0..table.len()).filter(|&i| !table.is_scored(i)).count();
    if unscored > 0 {
        println!(
            "{unscored} of them not scored: nobody reacted to them authentically in the window (their components are stored)"
        );
    }
    let flagged = flag_counts(&input);
    if !flagged.is_empty() {
        let list: Vec<String> = flagged.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!(
            "posts whose reactions earned nothing: {} (see `earshot explain`)",
            list.join(", ")
        );
    }
    if !input.pair_weights.is_empty() {
        println!(
            "reactors that earned their target nothing, arriving in a burst of doubtful new accounts: {} (see `earshot explain`)",
            input.pair_weights.len()
        );
    }
    print_top(&store, run_id, "overall", args.top, None)?;
    if let Some(o) = &topic_outcome {
        crate::cmd_topic_scores::print_scoring(&o.report(&store)?, cli.quiet);
    }
    Ok(Exit::Ok)
}

/// A run needs something to score: with no interaction in the window (and platform) it is a
/// [`Missing`](crate::exit::Missing) error and nothing is stored. Otherwise the latest interaction time
/// there, the run's end of data (`None` when no interaction is dated).
fn end_of_data(
    store: &Store,
    window: TimeWindow,
    args: &ScoreArgs,
    interactions: u64,
) -> Result<Option<i64>> {
    let platform = args.window.platform.as_deref();
    if interactions == 0 {
        let mut what = String::new();
        if let Some(p) = platform {
            what.push_str(&format!(" on platform {p:?}"));
        }
        if !window.is_unbounded() {
            let at = |t: Option<i64>, open: &str| {
                t.map_or_else(|| open.to_string(), earshot_model::format_utc)
            };
            what.push_str(&format!(
                " from {} to {}",
                at(window.from, "the start"),
                at(window.to, "the end")
            ));
        }
        let hint = if what.is_empty() {
            "import events first (`earshot import FILE`)"
        } else {
            "widen --from/--to, check --platform (`earshot stats` lists what is stored), or import events"
        };
        return Err(crate::exit::Missing(format!(
            "nothing to score: {} holds no interactions{what}; {hint}. No run was stored.",
            store.path().display()
        ))
        .into());
    }
    Ok(store.last_interaction_time(window, platform)?)
}

/// Flagged posts by reason, for the run summary.
fn flag_counts(input: &earshot_score::ScoreInput) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for f in input.flagged_posts.values() {
        *counts
            .entry(serde_json::to_value(f).map_or_else(
                |_| format!("{f:?}"),
                |v| v.as_str().unwrap_or_default().to_string(),
            ))
            .or_insert(0) += 1;
    }
    counts
}

pub fn run_top(cli: &Ctx, args: &TopArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        let q = crate::cmd_topic_scores::TopQuery {
            by: &args.by,
            run: args.run,
            limit: args.limit,
            platform: args.platform.as_deref(),
        };
        return crate::cmd_topic_scores::run_top(cli, &q, topic);
    }
    if args.by != "overall" && !COMPONENTS.contains(&args.by.as_str()) {
        return Err(UsageError(format!(
            "--by {:?}: use overall or one of {}",
            args.by,
            COMPONENTS.join(", ")
        ))
        .into());
    }
    let store = cli.open_store()?;
    let Some(run) = store.score_run(args.run)? else {
        anyhow::bail!(
            "no score run{} in {}: run `earshot score` first",
            args.run.map(|r| format!(" #{r}")).unwrap_or_default(),
            cli.db.display()
        );
    };
    if cli.json {
        let top = store.top_scores(run.id, &args.by, args.limit, args.platform.as_deref())?;
        println!(
            "{}",
            serde_json::json!({"run": run, "as_of": run.as_of(), "by": args.by, "top": top})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "run #{} ({}, {} accounts), by {}:",
        run.id, run.model_version, run.accounts, args.by
    );
    print_top(
        &store,
        run.id,
        &args.by,
        args.limit,
        args.platform.as_deref(),
    )
    .map(|()| Exit::Ok)
}

fn print_top(
    store: &Store,
    run: i64,
    by: &str,
    limit: usize,
    platform: Option<&str>,
) -> Result<()> {
    let top = store.top_scores(run, by, limit, platform)?;
    println!(
        "  {:>4}  {:<28} {:>7}  {:>8} {:>8} {:>8} {:>8} {:>8}   (component percentiles)",
        "rank", "account", "score", "audience", "amplif.", "convers.", "authority", "reach"
    );
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
        println!(
            "  {:>4}  {:<28} {:>7}  {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0}",
            i + 1,
            shown,
            score,
            s.pct[0] * 100.0,
            s.pct[1] * 100.0,
            s.pct[2] * 100.0,
            s.pct[3] * 100.0,
            s.pct[4] * 100.0
        );
    }
    if unscored {
        println!("  —: not scored (no authentic engagement in the run's window)");
    }
    Ok(())
}
