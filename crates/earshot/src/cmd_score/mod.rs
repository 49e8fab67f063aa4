//! `earshot score` and `earshot top`: compute and store a scoring run (with `--topics`, also within each
//! topic; `earshot_app::topics::scoring`); list its best accounts, overall or within one topic. The text
//! is `earshot_print::score`.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::Result;
use clap::Args;
use earshot_app::score::{load_model, score_and_store, ScoreRequest};
use earshot_app::topics::top::{top_topic, TopicTopRequest};
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
    /// Mix the offline sub-score (`earshot offline`) into each overall score with this weight (0-1):
    /// overall = (1 - W) x online + W x offline, offline 0 where there is no evidence. Stored with the
    /// run; without it the overall score is online only.
    #[arg(long, value_name = "W", value_parser = offline_weight)]
    pub with_offline: Option<f64>,
}

fn offline_weight(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(w) if w > 0.0 && w <= 1.0 => Ok(w),
        _ => Err(format!("{text:?} is not a weight above 0 and at most 1")),
    }
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
        model: earshot_score::ScoreModel {
            offline_weight: args.with_offline,
            ..load_model(args.model.as_deref())?
        },
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
    earshot_print::score::scoring(&mut std::io::stdout().lock(), &r)?;
    // A run asked for topics that assigned no post says why on stderr.
    if let Some(t) = r
        .topics
        .as_ref()
        .filter(|t| t.posts_assigned.is_none() || t.posts_with_text.is_none())
    {
        if !cli.quiet {
            eprintln!(
                "note: --topics {}: {}",
                t.source,
                t.note.as_deref().unwrap_or("")
            );
        }
    }
    Ok(Exit::Ok)
}

pub fn run_top(cli: &Ctx, args: &TopArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        let q = TopicTopRequest {
            run: args.run,
            topic,
            by: &args.by,
            limit: args.limit,
            platform: args.platform.as_deref(),
        };
        q.check()?;
        let store = cli.open_store()?;
        let report = top_topic(&store, &q, "--topic")?;
        if cli.json {
            crate::output::print_json(&report)?;
        } else {
            earshot_print::score::topic_top(&mut std::io::stdout().lock(), &report)?;
        }
        return Ok(Exit::Ok);
    }
    let q = earshot_app::score::TopRequest {
        run: args.run,
        by: &args.by,
        limit: args.limit,
        platform: args.platform.as_deref(),
    };
    q.check()?;
    let report = earshot_app::score::top(&cli.open_store()?, &q, &cli.db.display().to_string())?;
    if cli.json {
        crate::output::print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let (run, top) = (&report.run, &report.top);
    earshot_print::score::top(&mut std::io::stdout().lock(), run, &args.by, top)?;
    Ok(Exit::Ok)
}
