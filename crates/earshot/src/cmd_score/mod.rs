//! `earshot score` and `earshot top`: compute and store a scoring run; list its best accounts.

mod topics;

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::Result;
use clap::Args;
use earshot_app::error::UsageError;
use earshot_app::score::{load_model, score_and_store, ScoreRequest};
use earshot_store::{NamedScore, Store, COMPONENTS};
use std::path::PathBuf;

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
    let req = ScoreRequest {
        window,
        platform: args.window.platform.clone(),
        model: load_model(args.model.as_deref())?,
        authenticity: !args.no_authenticity,
        topics,
        top: args.top,
    };
    let mut store = cli.open_store()?;
    // Stages on stderr while a large database is read, scored and stored (not with --quiet or --json).
    let progress = crate::progress::spinner(cli.quiet || cli.json);
    let r = score_and_store(&mut store, &req, &|stage| {
        progress.set_message(stage.to_string())
    })?;
    progress.finish_and_clear();
    if cli.json {
        crate::output::print_json(&r)?;
        return Ok(Exit::Ok);
    }
    println!(
        "run #{}: {} accounts scored from {} interactions with model {} (read {:.2} s, scored {:.2} s, stored {:.2} s)",
        r.run, r.accounts, r.interactions, r.model_version, r.seconds.load, r.seconds.score, r.seconds.save
    );
    let unscored = r.accounts - r.accounts_scored;
    if unscored > 0 {
        println!(
            "{unscored} of them not scored: nobody reacted to them authentically in the window (their components are stored)"
        );
    }
    if !r.posts_flagged.is_empty() {
        let list: Vec<String> = r
            .posts_flagged
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        println!(
            "posts whose reactions earned nothing: {} (see `earshot explain`)",
            list.join(", ")
        );
    }
    if r.burst_pairs_discounted > 0 {
        println!(
            "reactors that earned their target nothing, arriving in a burst of doubtful new accounts: {} (see `earshot explain`)",
            r.burst_pairs_discounted
        );
    }
    print_rows(&r.top);
    if let Some(t) = &r.topics {
        topics::print_scoring(t, cli.quiet);
    }
    Ok(Exit::Ok)
}

pub fn run_top(cli: &Ctx, args: &TopArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        let q = earshot_app::topics::top::TopicTopRequest {
            run: args.run,
            topic,
            by: &args.by,
            limit: args.limit,
            platform: args.platform.as_deref(),
        };
        return topics::run_top(cli, &q);
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
    print_rows(&store.top_scores(run, by, limit, platform)?);
    Ok(())
}

/// Ranked scores as a table, with the component percentiles.
fn print_rows(top: &[NamedScore]) {
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
}
