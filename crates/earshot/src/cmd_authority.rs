//! `earshot authority`: weighted PageRank over the reaction graph stored in the database, optionally
//! topic-sensitive (personalised) with `--restart`.

use crate::ctx::Ctx;
use crate::exit::{Exit, UsageError};
use crate::window::WindowArgs;
use anyhow::{bail, Context, Result};
use clap::Args;
use earshot_graph::{pagerank, KindWeights, PageRankConfig, SnapshotConfig};
use earshot_model::InteractionKind;
use earshot_store::Store;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rank accounts by network authority: PageRank over "who reacted to whom".
///
/// Edges run from each reactor to the author it reacted to (replies, mentions, reshares, quotes, likes;
/// follows count only with --include-follows), weighted by kind and optionally decayed with age. A
/// reaction from an account that many others react to is worth more. Scores sum to 1.
///
/// With --restart FILE the ranking is topic-sensitive (personalised PageRank): the random surfer jumps,
/// and leaves accounts nobody reacted to, only to the topic's seed accounts listed in FILE, in
/// proportion to their weights, so authority flows out from the topic rather than from everyone. This
/// is networkx's `pagerank(G, alpha, personalization=...)` with its default dangling handling.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot authority --top 20
  earshot authority --from 2012-07-01 --to 2012-07-04 --half-life 2
  earshot authority --weights reshare=1,quote=1,reply=0.6,mention=0.4,like=0.2 --tsv authority.tsv
  earshot authority --platform twitter --restart topic-seeds.txt --top 20

A restart file names the topic's seed accounts, one per line: the ext_id on the platform,
then optionally whitespace and a weight (default 1). Blank lines and # lines are skipped:

  # seeds for a topic: ext_id weight
  14159  3
  26535  1.5
  89793

Weights must be finite and >= 0, not all 0. An ext_id the database does not hold is an
error (exit 2, naming the file and line). A seed with no reaction that counts in the
window is not in the graph: it is skipped with a note on stderr (and listed in
restart.ignored with --json).")]
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
    /// Topic seeds to restart at (personalised PageRank): lines of `ext_id [weight]`; see below.
    /// Without --platform, each ext_id must be on one platform only.
    #[arg(long, value_name = "FILE")]
    pub restart: Option<PathBuf>,
}

/// One line of a `--restart` file, resolved to a stored account.
#[derive(Debug)]
struct Seed {
    line: usize,
    ext_id: String,
    weight: f64,
    account: i64,
}

/// `(line, ext_id, weight)` for each seed line of a restart file (1-based lines; blank and `#` lines
/// skipped). Format errors are usage errors naming the file, line and field.
fn parse_restart(path: &Path, text: &str) -> Result<Vec<(usize, String, f64)>> {
    let bad = |line: usize, msg: String| -> anyhow::Error {
        UsageError(format!("--restart {}:{line}: {msg}", path.display())).into()
    };
    let mut out = Vec::new();
    let mut first_line = rustc_hash::FxHashMap::<String, usize>::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim_start_matches('\u{feff}').trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut fields = content.split_whitespace();
        let ext_id = fields.next().unwrap_or_default().to_string();
        let weight = match fields.next() {
            None => 1.0,
            Some(w) => w
                .parse::<f64>()
                .ok()
                .filter(|w| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| {
                    bad(
                        line,
                        format!("weight {w:?} of {ext_id:?}: expected a finite number >= 0"),
                    )
                })?,
        };
        if let Some(extra) = fields.next() {
            return Err(bad(
                line,
                format!("unexpected third field {extra:?}: expected `ext_id [weight]`"),
            ));
        }
        if let Some(&earlier) = first_line.get(&ext_id) {
            return Err(bad(
                line,
                format!("ext_id {ext_id:?} is listed again (first on line {earlier})"),
            ));
        }
        first_line.insert(ext_id.clone(), line);
        out.push((line, ext_id, weight));
    }
    if out.is_empty() {
        return Err(UsageError(format!(
            "--restart {}: no seed accounts in it",
            path.display()
        ))
        .into());
    }
    if out.iter().all(|(_, _, w)| *w == 0.0) {
        return Err(UsageError(format!(
            "--restart {}: every weight is 0; at least one seed must weigh more",
            path.display()
        ))
        .into());
    }
    Ok(out)
}

/// Read a restart file and resolve each ext_id to a stored account of `platform` (or, without one, of
/// the only platform that holds that ext_id). Done before the graph is built, so a typo costs no scan.
fn read_restart(store: &Store, path: &Path, platform: Option<&str>) -> Result<Vec<Seed>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading --restart {}", path.display()))?;
    let lines = parse_restart(path, &text)?;
    let platforms = match platform {
        Some(p) => vec![p.to_string()],
        None => store.platforms()?,
    };
    let mut seeds = Vec::with_capacity(lines.len());
    for (line, ext_id, weight) in lines {
        let mut found = Vec::new();
        for p in &platforms {
            if let Some(id) = store.account_id(p, &ext_id)? {
                found.push((p.as_str(), id));
            }
        }
        let at = format!("--restart {}:{line}", path.display());
        let account = match found.as_slice() {
            [] => {
                return Err(UsageError(match platform {
                    Some(p) => {
                        format!("{at}: no account {ext_id:?} on platform {p:?} in the database")
                    }
                    None => format!("{at}: no account {ext_id:?} in the database"),
                })
                .into())
            }
            [(_, id)] => *id,
            many => {
                let names: Vec<&str> = many.iter().map(|(p, _)| *p).collect();
                return Err(UsageError(format!(
                    "{at}: ext_id {ext_id:?} is on {} platforms ({}): pass --platform",
                    names.len(),
                    names.join(", ")
                ))
                .into());
            }
        };
        seeds.push(Seed {
            line,
            ext_id,
            weight,
            account,
        });
    }
    Ok(seeds)
}

/// The personalisation vector over the graph's dense ids, and the seeds left out because they have no
/// edge in the window: PageRank's node set is the graph's (as in networkx, whose personalisation dict
/// may name only nodes of the graph), so such a seed has nowhere to restart.
fn restart_vector<'a>(
    seeds: &'a [Seed],
    snapshot: &earshot_graph::Snapshot,
    path: &Path,
) -> Result<(Vec<f64>, Vec<&'a Seed>)> {
    let mut p = vec![0.0; snapshot.graph.nodes()];
    let mut ignored = Vec::new();
    for s in seeds {
        match snapshot.ids.get(s.account) {
            Some(d) => p[d as usize] = s.weight,
            None => ignored.push(s),
        }
    }
    if !p.iter().any(|w| *w > 0.0) {
        return Err(UsageError(format!(
            "--restart {}: none of its {} seeds with weight > 0 has a reaction that counts in this \
             window, so there is nowhere to restart",
            path.display(),
            seeds.iter().filter(|s| s.weight > 0.0).count()
        ))
        .into());
    }
    Ok((p, ignored))
}

#[derive(serde::Serialize)]
struct Ranked {
    ext_id: String,
    handle: Option<String>,
    score: f64,
}

pub fn run(cli: &Ctx, args: &AuthorityArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let window = args.window.window()?;
    let seeds = match &args.restart {
        Some(path) => Some(read_restart(&store, path, args.window.platform.as_deref())?),
        None => None,
    };
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
    let cfg = SnapshotConfig {
        kind_weights,
        half_life: args.half_life.map(|d| d * 86_400.0),
        reference_time: store.window_end(window, args.window.platform.as_deref())?,
    };
    let started = Instant::now();
    let (snapshot, rows) =
        earshot_app::sources::snapshot::read(&store, window, args.window.platform.as_deref(), cfg)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let (personalization, ignored) = match (&seeds, &args.restart) {
        (Some(seeds), Some(path)) => {
            let (p, ignored) = restart_vector(seeds, &snapshot, path)?;
            if !cli.quiet {
                for s in &ignored {
                    eprintln!(
                        "note: --restart {}:{}: {:?} has no reaction that counts in this window, so it is not in the graph; ignored",
                        path.display(),
                        s.line,
                        s.ext_id
                    );
                }
            }
            (Some(p), ignored)
        }
        _ => (None, Vec::new()),
    };
    let restart_report = seeds.as_ref().map(|seeds| {
        serde_json::json!({
            "file": args.restart.as_ref().map(|p| p.display().to_string()),
            "seeds": seeds.len(),
            "in_graph": seeds.len() - ignored.len(),
            "ignored": ignored.iter().map(|s| &s.ext_id).collect::<Vec<_>>(),
        })
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let pr_cfg = PageRankConfig {
        alpha: args.alpha,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
        personalization,
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
                "threads": pool.current_num_threads(), "restart": restart_report, "top": top,
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
    if let (Some(seeds), Some(path)) = (&seeds, &args.restart) {
        println!(
            "topic-sensitive: restarting at {} of the {} seeds in {} ({} not in the graph)",
            seeds.len() - ignored.len(),
            seeds.len(),
            path.display(),
            ignored.len()
        );
    }
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
