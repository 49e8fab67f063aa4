//! `earshot triage ingest`: read customer messages from a CSV, decide each, store messages and decisions.

use super::{now, IngestArgs};
use crate::cmd_import::{options, ImportArgs};
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::progress::bytes_bar;
use anyhow::Result;
use earshot_app::error::UsageError;
use earshot_app::import::{open_error, RejectSink};
use earshot_app::triage::{decide_and_store, Incoming, Triaged};
use earshot_ingest::Format;
use earshot_model::{Event, Post};
use earshot_store::{score_tier, Store, SCORE_TIERS};
use earshot_triage::Policy;

/// Messages decided and stored per transaction.
const BATCH: usize = 2_000;

/// What one ingest did.
#[derive(Debug, serde::Serialize)]
pub struct IngestReport {
    pub file: String,
    pub channel: String,
    pub policy_version: &'static str,
    pub policy: Policy,
    /// CSV records read.
    pub records: u64,
    /// Messages read (one per good record).
    pub messages: u64,
    /// Messages stored by this run.
    pub new: u64,
    /// Messages whose (channel, id) was stored by an earlier run: left as they were.
    pub already_stored: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
    /// New messages per priority 1..4.
    pub by_priority: [u64; 4],
    /// New messages per score tier (`unscored`, `1-20` … `81-100`), with their mean hours to due-by.
    pub by_tier: Vec<TierCount>,
    /// New messages whose author has an account in the store.
    pub known_authors: u64,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, serde::Serialize)]
pub struct TierCount {
    pub tier: &'static str,
    pub messages: u64,
    pub mean_hours_to_due: Option<f64>,
}

pub fn run(cli: &Ctx, args: &IngestArgs) -> Result<Exit> {
    let policy = policy(args)?;
    let mut import = ImportArgs::for_file(args.file.clone());
    import.map = args.map.clone();
    import.platform = args.platform.clone();
    import.source = args.source.clone();
    import.date_order = args.date_order;
    import.encoding = args.encoding;
    let opts = options(&import)?;
    let (reader, progress) =
        earshot_ingest::open(&args.file, Format::Csv, &opts).map_err(open_error)?;
    let mut store = cli.create_store()?;

    let started = std::time::Instant::now();
    let silent = cli.quiet || cli.json;
    let mut rejects = RejectSink::new(args.rejects.clone(), args.show_rejects);
    let sink = rejects.open_for(&args.file)?;
    let bar = bytes_bar(progress.file_size(), cli.quiet || cli.json);
    let channel = args
        .channel
        .clone()
        .or_else(|| args.platform.clone())
        .unwrap_or_else(|| "twitter".into());
    let mut report = IngestReport {
        file: args.file.display().to_string(),
        channel: channel.clone(),
        policy_version: policy.version(),
        policy: policy.clone(),
        records: 0,
        messages: 0,
        new: 0,
        already_stored: 0,
        rejected: 0,
        rejects_file: None,
        by_priority: [0; 4],
        by_tier: Vec::new(),
        known_authors: 0,
        warnings: Vec::new(),
        seconds: 0.0,
    };
    let mut tiers = [(0u64, 0f64); SCORE_TIERS.len()];
    let mut posts: Vec<Post> = Vec::with_capacity(BATCH);
    let mut flush = |posts: &mut Vec<Post>, store: &mut Store, report: &mut IngestReport| {
        let saved = store_batch(store, &policy, &channel, posts, report, &mut tiers);
        posts.clear();
        saved
    };
    for item in reader {
        report.records += 1;
        match item {
            Ok(record) => posts.extend(record.events.into_iter().filter_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            })),
            Err(r) => {
                report.rejected += 1;
                rejects.record(sink, &r, &|r| {
                    if !silent {
                        bar.suspend(|| eprintln!("rejected: {r}"));
                    }
                })?;
            }
        }
        if posts.len() >= BATCH {
            flush(&mut posts, &mut store, &mut report)?;
            bar.set_position(progress.bytes_read());
            bar.set_message(format!("{} messages", report.messages));
        }
    }
    flush(&mut posts, &mut store, &mut report)?;
    bar.finish_and_clear();
    report.rejects_file = rejects.path_if_used(sink);
    rejects.finish(&|n| {
        if !silent {
            eprintln!("{n}");
        }
    })?;
    report.warnings = progress.warnings().iter().map(|w| w.to_string()).collect();
    report.by_tier = SCORE_TIERS
        .iter()
        .zip(tiers)
        .map(|(&tier, (n, hours))| TierCount {
            tier,
            messages: n,
            mean_hours_to_due: (n > 0).then(|| hours / n as f64),
        })
        .collect();
    report.seconds = started.elapsed().as_secs_f64();
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report, cli.quiet);
    }
    Ok(if report.rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    })
}

fn policy(args: &IngestArgs) -> Result<Policy> {
    let duration = |flag: &str, v: &str| {
        earshot_triage::parse_duration(v).map_err(|e| UsageError(format!("{flag}: {e}")))
    };
    let policy = Policy {
        floor_secs: duration("--floor", &args.floor)?,
        min_window_secs: duration("--min-window", &args.min_window)?,
        ..Policy::default()
    };
    policy
        .validate()
        .map_err(|e| UsageError(format!("the triage policy: {e}")))?;
    Ok(policy)
}

/// Decide and store a batch of messages (the same path as the server's: `earshot_app::triage`).
fn store_batch(
    store: &mut Store,
    policy: &Policy,
    channel: &str,
    posts: &[Post],
    report: &mut IngestReport,
    tiers: &mut [(u64, f64); SCORE_TIERS.len()],
) -> Result<()> {
    if posts.is_empty() {
        return Ok(());
    }
    let incoming: Vec<Incoming> = posts
        .iter()
        .map(|p| Incoming {
            channel: channel.to_string(),
            ext_id: Some(p.ext_id.clone()),
            platform: p.platform.clone(),
            author: p
                .author
                .handle
                .clone()
                .unwrap_or_else(|| p.author.ext_id.clone()),
            text: p.text.clone().unwrap_or_default(),
            received_at: p.time,
        })
        .collect();
    let triaged = decide_and_store(store, policy, &incoming, now())?;
    report.messages += posts.len() as u64;
    for Triaged {
        saved: s,
        message: m,
        decision: d,
    } in &triaged
    {
        if !s.new {
            report.already_stored += 1;
            continue;
        }
        report.new += 1;
        report.known_authors += u64::from(m.account.is_some());
        report.by_priority[usize::from(d.priority.clamp(1, 4)) - 1] += 1;
        let t = &mut tiers[score_tier(d.author_score)];
        t.0 += 1;
        t.1 += d.due_by.saturating_sub(m.received_at) as f64 / 3_600.0;
    }
    Ok(())
}

fn print(r: &IngestReport, quiet: bool) {
    println!(
        "{}: {} messages triaged into channel {:?} ({} new, {} already stored) in {:.1} s",
        r.file, r.messages, r.channel, r.new, r.already_stored, r.seconds
    );
    println!(
        "  policy {}: every message due within {} of arrival; urgency and influence only bring it earlier",
        r.policy_version,
        earshot_triage::span(r.policy.floor_secs)
    );
    if r.new > 0 {
        println!(
            "  new by priority: 1: {}  2: {}  3: {}  4 (due at the floor): {}",
            r.by_priority[0], r.by_priority[1], r.by_priority[2], r.by_priority[3]
        );
        println!(
            "  new by author score (authors known to the store: {} of {}):",
            r.known_authors, r.new
        );
        for t in r.by_tier.iter().filter(|t| t.messages > 0) {
            println!(
                "    {:<9} {:>7} messages, due on average {:.1} h after arrival",
                t.tier,
                t.messages,
                t.mean_hours_to_due.unwrap_or(0.0)
            );
        }
    }
    if r.rejected > 0 {
        println!(
            "  rejected: {} records (all in {})",
            r.rejected,
            r.rejects_file.as_deref().unwrap_or("-")
        );
    }
    if !quiet {
        for w in &r.warnings {
            println!("  note: {w}");
        }
        println!("  next: earshot triage queue; earshot triage report");
    }
}
