//! `earshot communities`: Louvain communities of the interaction graph (or of an edge-list file), their
//! leading accounts, and with `--labels`, their agreement with known groups.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_app::communities::{find, CommunitiesRequest, GraphSource, Membership};
use earshot_app::error::UsageError;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Find communities: groups of accounts that interact with each other more than chance would give.
///
/// Reactions in the window (replies, mentions, reshares, quotes, likes; not follows) are weighted as the
/// score weighs them (the score model's kind weights and half-life) and made undirected: the weight
/// between two accounts is the sum of both directions; self-reactions are dropped. Louvain modularity
/// optimisation then groups the accounts; each community is listed with its size, the share of its
/// members' interaction weight that stays inside it, and its leading accounts: by the latest stored
/// score run, or by weighted degree (the interaction weight an account has) when there is none.
///
/// With --edges FILE the graph is a plain edge list instead (`src dst [weight]`, like `import --format
/// snap`), so a public network can be used without importing it. With --labels FILE (`node label` per
/// line) the communities are compared with known groups by normalised mutual information (NMI,
/// arithmetic-mean normalisation as scikit-learn's default): every labelled node counts, and one without
/// edges (or not in the graph) is a community of its own; NMI over the labelled nodes with edges only is
/// reported beside it.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot communities
  earshot communities --platform twitter --from 2012-07-01 --to 2012-07-04 --top 20
  earshot communities --edges email-Eu-core.txt.gz --format snap \\
      --labels email-Eu-core-department-labels.txt
  earshot communities --seed 3 --resolution 1.5 --tsv communities.tsv

Louvain visits nodes in an order shuffled by --seed (default 0), as networkx's
louvain_communities(seed=N) does, so a run is a pure function of its graph and seed;
other seeds show how much the communities depend on that order. --id-order visits
nodes in order of first appearance instead (on social graphs whose early ids are hubs
it finds lower modularity; EVALUATION.md).")]
pub struct CommunitiesArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Read the graph from this edge-list file (plain or gzip) instead of the database.
    #[arg(long, value_name = "FILE")]
    pub edges: Option<PathBuf>,
    /// Format of the --edges file.
    #[arg(long, value_enum, default_value = "snap", requires = "edges")]
    pub format: EdgesFormat,
    /// Known groups to compare with: lines of `node label` (a node is its ext_id, or an edge list's id).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Louvain resolution: above 1 gives more, smaller communities.
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    /// Visit nodes in an order shuffled by this seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Visit nodes in order of first appearance instead of a shuffled order.
    #[arg(long, conflicts_with = "seed")]
    pub id_order: bool,
    /// A score model file whose kind weights and half-life weigh the reactions (default: the built-in
    /// model, as `earshot score`).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// How many communities to list (largest first; communities of one node are counted, not listed).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Leading accounts shown per community.
    #[arg(long, default_value_t = 5)]
    pub accounts: usize,
    /// Write every node's community as TSV (ext_id, handle, community, size); communities are numbered
    /// from 1 by decreasing size, as printed.
    #[arg(long, value_name = "FILE")]
    pub tsv: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EdgesFormat {
    /// `src dst [weight]` per line, `#` comments (as `import --format snap`).
    Snap,
}

pub fn run(cli: &Ctx, args: &CommunitiesArgs) -> Result<Exit> {
    let window = args.window.window()?;
    let store;
    let model;
    let source = match &args.edges {
        Some(path) => {
            if !window.is_unbounded() || args.window.platform.is_some() || args.model.is_some() {
                return Err(UsageError(
                    "--from, --to, --platform and --model choose stored interactions; --edges reads a file instead"
                        .into(),
                )
                .into());
            }
            GraphSource::EdgeList(path)
        }
        None => {
            store = cli.open_store()?;
            model = earshot_app::score::load_model(args.model.as_deref())?;
            GraphSource::Stored {
                store: &store,
                window,
                platform: args.window.platform.as_deref(),
                model: &model,
            }
        }
    };
    let req = CommunitiesRequest {
        source,
        labels: args.labels.clone(),
        resolution: args.resolution,
        seed: (!args.id_order).then_some(args.seed),
        top: args.top,
        accounts: args.accounts,
        all: args.tsv.is_some(),
    };
    let r = find(&req, &crate::output::note_unless(cli.quiet))?;
    if let Some(path) = &args.tsv {
        write_tsv(path, &r.all)?;
    }
    if cli.json {
        crate::output::print_json(&r)?;
        return Ok(Exit::Ok);
    }
    earshot_print::communities::communities(&mut std::io::stdout().lock(), &r)?;
    Ok(Exit::Ok)
}

/// Every node's community as TSV (ext_id, handle, community, size).
fn write_tsv(path: &std::path::Path, all: &[Membership]) -> Result<()> {
    let mut w = BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    earshot_print::communities::tsv(&mut w, all)?;
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
