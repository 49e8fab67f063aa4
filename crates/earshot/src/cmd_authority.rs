//! `earshot authority`: weighted PageRank over the reaction graph stored in the database.

use crate::exit::Exit;
use crate::window::WindowArgs;
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::Args;
use earshot_graph::{pagerank, KindWeights, PageRankConfig, SnapshotBuilder, SnapshotConfig};
use earshot_model::InteractionKind;
use earshot_store::Store;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Rank accounts by network authority: PageRank over "who reacted to whom".
///
/// Edges run from each reactor to the author it reacted to (replies, mentions, reshares, quotes, likes;
/// follows count only with --include-follows), weighted by kind and optionally decayed with age. A
/// reaction from an account that many others react to is worth more. Scores sum to 1.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot authority --top 20
  earshot authority --from 2012-07-01 --to 2012-07-04 --half-life 2
  earshot authority --weights reshare=1,quote=1,reply=0.6,mention=0.4,like=0.2 --tsv authority.tsv")]
pub struct AuthorityArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Weight per kind, `kind=w`, comma-separated; unnamed reaction kinds weigh 1, follows 0.
    #[arg(long, value_delimiter = ',', value_name = "KIND=W")]
    pub weights: Vec<String>,
    /// Count follows as edges too (weight 1 unless --weights says otherwise).
    #[arg(long)]
    pub include_follows: bool,
    /// Halve a reaction's weight for every this many days before the window's end.
    #[arg(long, value_name = "DAYS")]
    pub half_life: Option<f64>,
    /// Damping factor.
    #[arg(long, default_value_t = 0.85)]
    pub alpha: f64,
    /// Stop when the L1 change between iterations is below this. Below 1e-7 the kernel switches to
    /// double-precision contributions (slower, exact to ~1e-15).
    #[arg(long, default_value_t = 1e-7)]
    pub tolerance: f64,
    #[arg(long, default_value_t = 1000)]
    pub max_iterations: u32,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// How many accounts to print.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Write every account's score as TSV (ext_id, handle, score), highest first.
    #[arg(long, value_name = "FILE")]
    pub tsv: Option<PathBuf>,
}

#[derive(serde::Serialize)]
struct Ranked {
    ext_id: String,
    handle: Option<String>,
    score: f64,
}

pub fn run(cli: &Cli, args: &AuthorityArgs) -> Result<Exit> {
    let store = Store::open_existing(&cli.db)
        .with_context(|| format!("opening database {}", cli.db.display()))?;
    let window = args.window.window()?;
    let mut kind_weights = if args.include_follows {
        KindWeights::ALL_UNIT
    } else {
        KindWeights::UNIT_REACTIONS
    };
    kind_weights.set(InteractionKind::Unfollow, 0.0);
    for pair in &args.weights {
        let Some((k, w)) = pair.split_once('=') else {
            bail!("--weights {pair:?}: expected KIND=WEIGHT")
        };
        let kind: InteractionKind = k.parse().map_err(|e| anyhow::anyhow!("--weights: {e}"))?;
        let w: f64 = w
            .trim()
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            .with_context(|| format!("--weights {pair:?}: the weight must be a number ≥ 0"))?;
        kind_weights.set(kind, w);
    }
    let reference_time = window.to.unwrap_or(i64::MAX);
    let cfg = SnapshotConfig {
        kind_weights,
        half_life: args.half_life.map(|d| d * 86_400.0),
        reference_time: if reference_time == i64::MAX {
            store.stats_last_time()?.unwrap_or(0)
        } else {
            reference_time
        },
    };
    let started = Instant::now();
    let mut builder = SnapshotBuilder::new(cfg);
    let mut bad = None;
    let rows = store.scan_interactions(window, args.window.platform.as_deref(), |r| {
        if bad.is_none() {
            if let Err(e) = builder.add(r.actor, r.target, r.kind, r.time, r.weight, 1.0) {
                bad = Some(e);
            }
        }
    })?;
    if let Some(e) = bad {
        bail!("building the reaction graph: {e}");
    }
    let snapshot = builder.build()?;
    let build_seconds = started.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let pr_cfg = PageRankConfig {
        alpha: args.alpha,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
        personalization: None,
        ..Default::default()
    };
    let t = Instant::now();
    let pr = pool.install(|| pagerank(&snapshot.graph, &pr_cfg))?;
    let rank_seconds = t.elapsed().as_secs_f64();

    let mut order: Vec<u32> = (0..snapshot.ids.len() as u32).collect();
    order.sort_by(|&a, &b| {
        pr.scores[b as usize]
            .total_cmp(&pr.scores[a as usize])
            .then(a.cmp(&b))
    });
    let name = |d: u32| -> Result<Ranked> {
        let id = snapshot.ids.external(d);
        let (ext_id, handle) = store
            .account_names(id)?
            .unwrap_or_else(|| (id.to_string(), None));
        Ok(Ranked {
            ext_id,
            handle,
            score: pr.scores[d as usize],
        })
    };
    if let Some(path) = &args.tsv {
        let mut w = BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        writeln!(w, "ext_id\thandle\tscore")?;
        for &d in &order {
            let r = name(d)?;
            writeln!(
                w,
                "{}\t{}\t{:.17e}",
                r.ext_id,
                r.handle.unwrap_or_default(),
                r.score
            )?;
        }
        w.flush()?;
    }
    let top: Vec<Ranked> = order
        .iter()
        .take(args.top)
        .map(|&d| name(d))
        .collect::<Result<_>>()?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "interactions": rows, "nodes": snapshot.graph.nodes(), "edges": snapshot.graph.edges(),
                "iterations": pr.iterations, "residual": pr.residual, "converged": pr.converged,
                "build_seconds": build_seconds, "pagerank_seconds": rank_seconds,
                "seconds_per_iteration": rank_seconds / f64::from(pr.iterations.max(1)),
                "threads": pool.current_num_threads(), "top": top,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "authority over {} interactions: {} accounts, {} reactor→author edges; {} iterations ({}), residual {:.1e}",
        rows,
        snapshot.graph.nodes(),
        snapshot.graph.edges(),
        pr.iterations,
        if pr.converged { "converged" } else { "NOT converged: raise --max-iterations" },
        pr.residual
    );
    println!(
        "graph built in {build_seconds:.2} s; PageRank {rank_seconds:.3} s on {} threads",
        pool.current_num_threads()
    );
    for (i, r) in top.iter().enumerate() {
        let who = r
            .handle
            .as_ref()
            .map(|h| format!("@{h}"))
            .unwrap_or_else(|| r.ext_id.clone());
        println!("{:>4}. {:<30} {:.6}", i + 1, who, r.score);
    }
    Ok(Exit::Ok)
}
