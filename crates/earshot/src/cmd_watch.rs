//! `earshot watch`: watchlists and their alerts.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::{FieldStyle, Missing, UsageError};
use earshot_app::watch::{self, AddRequest, Rule, RuleParams};
use earshot_app::webhooks::{self, DeliveryPolicy};

/// Watch accounts and hear when something moves: after every score run, each watch compares the
/// account's score in the new run with the run before it (same platform scope) and stores an alert
/// when its rule fires, once per watch and run.
///
/// Rules: score_change (the 1-100 score moved by at least --points, up or down), component_change
/// (--component's percentile moved by at least --points percentile points), authenticity_drop
/// (authenticity fell by at least --drop, 0-1), topic_top (the account entered --topic's top --k,
/// in runs scored with --topics), and doubtful_burst (at least --reactors distinct doubtful accounts
/// reacted to it within one clock hour; evaluated after every ingest through the API, `POST
/// /v1/events`, once per watch and hour).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot watch add @united @delta --rule score-change --points 5
  earshot watch add @united --rule component-change --component conversation --points 10
  earshot watch add twitter:@united --rule authenticity-drop --drop 0.2
  earshot watch add @united --rule topic-top --topic delays --k 10
  earshot watch add @united --rule doubtful-burst --reactors 50
  earshot watch list
  earshot score                       # evaluates every watch against the previous run
  earshot watch alerts --limit 20
  earshot watch evaluate --run 7      # evaluate a stored run again (alerts are stored once)")]
pub struct WatchArgs {
    #[command(subcommand)]
    pub command: WatchCommand,
}

#[derive(Subcommand, Debug)]
pub enum WatchCommand {
    /// Put a rule on accounts (a rule already on an account takes the new threshold).
    Add(AddArgs),
    /// Remove watches by id (as `watch list` shows them).
    Remove {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// The watchlist.
    List {
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Stored alerts, newest first, each with the JSON webhooks receive.
    Alerts {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Evaluate the watches on a stored run (default: the latest) against the run before it.
    Evaluate {
        #[arg(long)]
        run: Option<i64>,
    },
    /// Webhooks that alerts are POSTed to, signed (Earshot-Signature: t=..,v1=HMAC-SHA256).
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// POST every pending alert to its webhooks: one pass, or with --wait, retrying with backoff
    /// until nothing is pending or the wait is over. `earshot serve` delivers on its own.
    Deliver(DeliverArgs),
    /// The dead-letter list: deliveries that failed their last attempt, with the last error.
    Dead {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Put every dead delivery back in the queue (after fixing the receiver), then `watch deliver`.
    Requeue,
}

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Add a webhook; without --secret a random one is made and printed once.
    Add {
        url: String,
        /// At least 16 characters; the receiver checks signatures with it.
        #[arg(long)]
        secret: Option<String>,
    },
    List,
    /// Remove a webhook and its pending deliveries.
    Remove {
        id: i64,
    },
}

#[derive(Args, Debug)]
pub struct DeliverArgs {
    /// Keep retrying for up to this many seconds while deliveries are pending (0: one pass).
    #[arg(long, default_value_t = 0.0, value_name = "SECONDS")]
    pub wait: f64,
    /// Attempts before a delivery goes to the dead-letter list.
    #[arg(long, default_value_t = 10)]
    pub max_attempts: u32,
    /// The wait after a first failure, doubled after each further one (at most an hour).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub retry_base_ms: u64,
    /// How long one attempt may take.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Accounts: @handle, handle or platform id, optionally platform:-prefixed.
    #[arg(required = true)]
    pub accounts: Vec<String>,
    /// score-change, component-change, authenticity-drop, topic-top or doubtful-burst.
    #[arg(long)]
    pub rule: String,
    /// score-change and component-change: the smallest change that alerts, in (percentile) points.
    #[arg(long)]
    pub points: Option<f64>,
    /// component-change: audience, amplification, conversation, authority or reach.
    #[arg(long)]
    pub component: Option<String>,
    /// authenticity-drop: the smallest fall in authenticity (0-1) that alerts.
    #[arg(long)]
    pub drop: Option<f64>,
    /// topic-top: the topic's key (as `earshot top --topic` takes it).
    #[arg(long)]
    pub topic: Option<String>,
    /// topic-top: alert when the account enters this topic's top K.
    #[arg(long)]
    pub k: Option<u32>,
    /// doubtful-burst: alert when at least this many distinct doubtful accounts (authenticity below
    /// 0.5 in the latest run, or never scored) react to the account within one clock hour; evaluated
    /// after every `POST /v1/events`.
    #[arg(long)]
    pub reactors: Option<u32>,
    /// Look the accounts up on this platform.
    #[arg(long)]
    pub platform: Option<String>,
}

pub fn run(cli: &Ctx, args: &WatchArgs) -> Result<Exit> {
    let out = &mut std::io::stdout().lock();
    match &args.command {
        WatchCommand::Add(a) => {
            let rule = Rule::parse(
                &a.rule,
                &RuleParams {
                    points: a.points,
                    component: a.component.as_deref(),
                    drop: a.drop,
                    topic: a.topic.as_deref(),
                    k: a.k,
                    reactors: a.reactors,
                },
                FieldStyle::Flags,
            )?;
            let mut store = cli.open_store()?;
            let r = watch::add(
                &mut store,
                &AddRequest {
                    accounts: a.accounts.clone(),
                    platform: a.platform.clone(),
                    rule,
                },
                earshot_app::time::now(),
            )?;
            if cli.json {
                crate::output::print_json(&r)?;
            } else {
                earshot_print::watch::added(out, &r)?;
            }
        }
        WatchCommand::Remove { ids } => {
            let mut store = cli.open_store()?;
            let n = store.remove_watches(ids)?;
            if n < ids.len() {
                eprintln!("{} of the ids given were not watches", ids.len() - n);
            }
            if cli.json {
                crate::output::print_json(&serde_json::json!({ "removed": n }))?;
            } else {
                println!("{n} watches removed");
            }
        }
        WatchCommand::List { limit, offset } => {
            let store = cli.open_store()?;
            let l = watch::list(&store, *limit, *offset)?;
            if cli.json {
                crate::output::print_json(&l)?;
            } else {
                earshot_print::watch::list(out, &l)?;
            }
        }
        WatchCommand::Alerts { limit, offset } => {
            let store = cli.open_store()?;
            let list = watch::alerts(&store, *limit, *offset)?;
            if cli.json {
                crate::output::print_json(&list)?;
            } else {
                earshot_print::watch::alerts(out, &list)?;
            }
        }
        WatchCommand::Evaluate { run } => {
            let mut store = cli.open_store()?;
            let run = match run {
                Some(r) => *r,
                None => store
                    .latest_run_id()?
                    .ok_or_else(|| Missing("no score run in the database".into()))?,
            };
            if store.score_run(Some(run))?.is_none() {
                return Err(Missing(format!("no score run {run} in the database")).into());
            }
            let r = watch::evaluate_run(&mut store, run, earshot_app::time::now())?;
            if cli.json {
                crate::output::print_json(&r)?;
            } else {
                earshot_print::watch::evaluation(out, &r)?;
            }
        }
        WatchCommand::Webhook { command } => webhook(cli, command)?,
        WatchCommand::Deliver(d) => {
            let in_range = (0.0..=7.0 * 86_400.0).contains(&d.wait)
                && d.timeout > 0.0
                && d.timeout <= 3_600.0
                && (1..=1_000).contains(&d.max_attempts)
                && (1..=3_600_000).contains(&d.retry_base_ms);
            if !in_range {
                return Err(UsageError(
                    "--wait must be 0 to 604800 seconds, --timeout above 0 and at most 3600, \
                     --max-attempts 1 to 1000 and --retry-base-ms 1 to 3600000"
                        .into(),
                )
                .into());
            }
            let mut store = cli.open_store()?;
            let policy = DeliveryPolicy {
                max_attempts: d.max_attempts,
                base_backoff_ms: d.retry_base_ms,
                timeout: std::time::Duration::from_secs_f64(d.timeout),
                ..Default::default()
            };
            let quiet = cli.quiet || cli.json;
            let pass = webhooks::deliver_until_idle(
                &mut store,
                &policy,
                std::time::Duration::from_secs_f64(d.wait),
                &|p| {
                    if !quiet {
                        eprintln!(
                            "delivered {}, retrying {}, dead {} ({} attempts)",
                            p.delivered, p.retrying, p.dead, p.attempted
                        );
                    }
                },
            )?;
            let (pending, delivered, dead) = store.delivery_counts()?;
            if cli.json {
                crate::output::print_json(&serde_json::json!({
                    "pass": pass,
                    "pending": pending,
                    "delivered": delivered,
                    "dead": dead,
                }))?;
            } else {
                println!(
                    "this run: {} attempts, {} delivered, {} dead; in all: {pending} pending, \
                     {delivered} delivered, {dead} dead",
                    pass.attempted, pass.delivered, pass.dead
                );
            }
        }
        WatchCommand::Dead { limit } => {
            let store = cli.open_store()?;
            let dead = store.deliveries("dead", *limit)?;
            if cli.json {
                crate::output::print_json(&dead)?;
            } else {
                println!("{} dead deliveries", dead.len());
                for d in &dead {
                    println!(
                        "alert {:>6} -> {} after {} attempts: {}",
                        d.alert_id,
                        d.url,
                        d.attempts,
                        d.last_error.as_deref().unwrap_or("-")
                    );
                }
            }
        }
        WatchCommand::Requeue => {
            let mut store = cli.open_store()?;
            let n = store.requeue_dead(earshot_app::time::now_ms())?;
            println!("{n} dead deliveries queued again; run `earshot watch deliver`");
        }
    }
    Ok(Exit::Ok)
}

fn webhook(cli: &Ctx, command: &WebhookCommand) -> Result<()> {
    match command {
        WebhookCommand::Add { url, secret } => {
            let mut store = cli.open_store()?;
            let added = webhooks::add(&mut store, url, secret.as_deref())?;
            if cli.json {
                crate::output::print_json(&added)?;
            } else {
                println!("webhook {} -> {}", added.id, added.url);
                if secret.is_none() {
                    println!(
                        "secret (shown once; the receiver checks signatures with it): {}",
                        added.secret
                    );
                }
            }
        }
        WebhookCommand::List => {
            let store = cli.open_store()?;
            let hooks = store.webhooks()?;
            if cli.json {
                crate::output::print_json(&hooks)?;
            } else {
                for h in &hooks {
                    println!(
                        "{:>4}  {}  since {}",
                        h.id,
                        h.url,
                        earshot_model::format_utc(h.created_at)
                    );
                }
            }
        }
        WebhookCommand::Remove { id } => {
            let mut store = cli.open_store()?;
            if !store.remove_webhook(*id)? {
                return Err(Missing(format!("no webhook {id}")).into());
            }
            println!("webhook {id} removed, with its pending deliveries");
        }
    }
    Ok(())
}
