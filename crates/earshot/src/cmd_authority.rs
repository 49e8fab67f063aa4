//! `earshot authority`: weighted PageRank over the reaction graph stored in the database, optionally
//! topic-sensitive (personalised) with `--restart`.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::{bail, Context, Result};
use clap::Args;
use earshot_app::authority::{authority, AuthorityRequest, Ranked};
use earshot_graph::KindWeights;
use earshot_model::InteractionKind;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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

pub fn run(cli: &Ctx, args: &AuthorityArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let req = AuthorityRequest {
        window: args.window.window()?,
        platform: args.window.platform.clone(),
        kind_weights: kind_weights(args)?,
        half_life_days: args.half_life,
        alpha: args.alpha,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
        threads: args.threads,
        top: args.top,
        all: args.tsv.is_some(),
        restart: args.restart.clone(),
    };
    let r = authority(&store, &req, &crate::output::note_unless(cli.quiet))?;
    if let Some(path) = &args.tsv {
        write_tsv(path, &r.all)?;
    }
    if cli.json {
        crate::output::print_json(&r)?;
        return Ok(Exit::Ok);
    }
    earshot_print::authority::authority(&mut std::io::stdout().lock(), &r)?;
    Ok(Exit::Ok)
}

/// The kind weights the arguments give: unit reactions (and follows with `--include-follows`), then
/// each `--weights kind=w`.
fn kind_weights(args: &AuthorityArgs) -> Result<KindWeights> {
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
    Ok(kind_weights)
}

/// Every account's score as TSV (ext_id, handle, score), highest first.
fn write_tsv(path: &Path, ranked: &[Ranked]) -> Result<()> {
    let mut w = BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    earshot_print::authority::tsv(&mut w, ranked)?;
    w.flush()?;
    Ok(())
}
