//! `earshot communities`: Louvain communities of the interaction graph (or of an edge-list file), their
//! leading accounts, and with `--labels`, their agreement with known groups.

mod labels;

use crate::ctx::Ctx;
use crate::exit::{Exit, UsageError};
use crate::window::WindowArgs;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_app::communities::by_size;
use earshot_app::communities::source::{self, Network, NodeName};
use earshot_graph::{louvain, LouvainOptions, Partition};
use rustc_hash::FxHashMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

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

#[derive(serde::Serialize)]
struct Account {
    ext_id: String,
    handle: Option<String>,
    /// Overall score in the ranking run, if it scored the account.
    score: Option<f64>,
    /// Weighted degree: the interaction weight the account has in the graph.
    strength: f64,
}

#[derive(serde::Serialize)]
struct Community {
    /// 1 for the largest.
    rank: usize,
    size: usize,
    /// Share of the members' interaction weight that stays inside the community.
    inside: f64,
    accounts: Vec<Account>,
}

pub fn run(cli: &Ctx, args: &CommunitiesArgs) -> Result<Exit> {
    if !(args.resolution.is_finite() && args.resolution > 0.0) {
        return Err(UsageError("--resolution must be a number above 0".into()).into());
    }
    let window = args.window.window()?;
    let started = Instant::now();
    let (net, store, source) = match &args.edges {
        Some(path) => {
            if !window.is_unbounded() || args.window.platform.is_some() || args.model.is_some() {
                return Err(UsageError(
                    "--from, --to, --platform and --model choose stored interactions; --edges reads a file instead"
                        .into(),
                )
                .into());
            }
            let net = source::from_edge_list(path, &crate::output::note_unless(cli.quiet))?;
            (net, None, path.display().to_string())
        }
        None => {
            let store = cli.open_store()?;
            let model = earshot_app::score::load_model(args.model.as_deref())?;
            let net = source::from_store(&store, window, args.window.platform.as_deref(), &model)?;
            (net, Some(store), cli.db.display().to_string())
        }
    };
    let build_seconds = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let partition = louvain(
        &net.graph,
        &LouvainOptions {
            resolution: args.resolution,
            seed: (!args.id_order).then_some(args.seed),
            ..LouvainOptions::default()
        },
    )?;
    let louvain_seconds = t.elapsed().as_secs_f64();

    let platforms = match (&store, &args.window.platform) {
        (_, Some(p)) => vec![p.clone()],
        (Some(s), None) => s.platforms()?,
        (None, None) => Vec::new(),
    };
    let label_report = match &args.labels {
        Some(path) => Some(labels::compare(
            path,
            &net,
            &partition,
            store.as_ref(),
            &platforms,
        )?),
        None => None,
    };

    // Leading accounts: by the latest score run when there is one, else by weighted degree.
    let run = match &store {
        Some(s) => s.score_run(None)?,
        None => None,
    };
    let scores: FxHashMap<i64, f64> = match (&store, &run) {
        (Some(s), Some(r)) => s
            .top_scores(r.id, "overall", r.accounts as usize, None)?
            .into_iter()
            .map(|row| (row.score.account, row.score.overall))
            .collect(),
        _ => FxHashMap::default(),
    };
    let ranking = match &run {
        Some(r) => format!("overall score of run #{}", r.id),
        None => "weighted degree".to_string(),
    };
    let members = partition.members();
    let order = by_size(&members);
    let inside = inside_shares(&net, &partition);
    let name = |d: u32| -> Result<NodeName> { net.nodes.name(store.as_ref(), d) };
    let score_of = |n: &NodeName| n.account.and_then(|a| scores.get(&a).copied());
    let mut listed = Vec::new();
    for (rank, &c) in order
        .iter()
        .enumerate()
        .take_while(|&(_, &c)| members[c].len() > 1)
        .take(args.top)
    {
        let mut named: Vec<(u32, NodeName)> = members[c]
            .iter()
            .map(|&d| Ok((d, name(d)?)))
            .collect::<Result<_>>()?;
        named.sort_by(|(da, a), (db, b)| {
            let (sa, sb) = (score_of(a), score_of(b));
            sb.unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&sa.unwrap_or(f64::NEG_INFINITY))
                .then(net.graph.strength(*db).total_cmp(&net.graph.strength(*da)))
                .then(da.cmp(db))
        });
        let top = named
            .into_iter()
            .take(args.accounts)
            .map(|(d, n)| Account {
                score: score_of(&n),
                strength: net.graph.strength(d),
                ext_id: n.ext_id,
                handle: n.handle,
            })
            .collect();
        listed.push(Community {
            rank: rank + 1,
            size: members[c].len(),
            inside: inside[c],
            accounts: top,
        });
    }
    if let Some(path) = &args.tsv {
        write_tsv(path, &members, &order, &name)?;
    }
    let isolated = (0..net.graph.nodes() as u32)
        .filter(|&d| net.graph.strength(d) == 0.0)
        .count();
    let singletons = members.iter().filter(|m| m.len() == 1).count();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "source": source, "edges_file": args.edges.is_some(), "read": net.read,
                "nodes": net.graph.nodes(), "edges": net.graph.edges(),
                "self_loops_dropped": net.graph.self_loops_dropped(), "nodes_without_edges": isolated,
                "resolution": args.resolution, "seed": (!args.id_order).then_some(args.seed), "levels": partition.levels,
                "communities": partition.communities, "singletons": singletons,
                "modularity": partition.modularity,
                "build_seconds": build_seconds, "louvain_seconds": louvain_seconds,
                "ranking": ranking, "top": listed, "labels": label_report,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "communities of {source}: {} {}, {} nodes, {} undirected edges ({} self-loops dropped, {} nodes without edges)",
        net.read,
        if args.edges.is_some() { "edge lines" } else { "interactions" },
        net.graph.nodes(),
        net.graph.edges(),
        net.graph.self_loops_dropped(),
        isolated
    );
    println!(
        "Louvain (resolution {}, {}): {} communities ({} of one node), modularity {:.4}; {} levels, {:.2} s (graph built in {:.2} s)",
        args.resolution,
        if args.id_order {
            "nodes in id order".to_string()
        } else {
            format!("order shuffled by seed {}", args.seed)
        },
        partition.communities,
        singletons,
        partition.modularity,
        partition.levels,
        louvain_seconds,
        build_seconds
    );
    if let Some(r) = &label_report {
        println!(
            "NMI against {}: {:.4} over {} labelled nodes ({} labels; {} without edges and {} not in the graph count as communities of their own); {:.4} over the {} with edges",
            r.file, r.nmi, r.labelled, r.labels, r.without_edges, r.not_in_graph, r.nmi_with_edges, r.with_edges
        );
    }
    println!("leading accounts by {ranking}:");
    for c in &listed {
        let who: Vec<String> = c
            .accounts
            .iter()
            .map(|a| {
                let shown = a
                    .handle
                    .as_ref()
                    .map(|h| format!("@{h}"))
                    .unwrap_or_else(|| a.ext_id.clone());
                match a.score {
                    Some(s) => format!("{shown} ({s:.1})"),
                    None => format!("{shown} ({})", weight(a.strength)),
                }
            })
            .collect();
        println!(
            "{:>4}. {:>7} accounts, {:>3.0}% inside: {}",
            c.rank,
            c.size,
            100.0 * c.inside,
            who.join(", ")
        );
    }
    let more = partition.communities - singletons - listed.len();
    if more > 0 {
        println!(
            "      … {more} more communities of two nodes or more (--top, or --tsv for every node)"
        );
    }
    Ok(Exit::Ok)
}

/// A weight as people read it: whole numbers without decimals, others to two decimals.
fn weight(w: f64) -> String {
    if (w - w.round()).abs() < 1e-9 {
        format!("{w:.0}")
    } else {
        format!("{w:.2}")
    }
}

/// For each community, the share of its members' weighted degree on edges inside it (0 for a node
/// without edges).
fn inside_shares(net: &Network, p: &Partition) -> Vec<f64> {
    let mut inside = vec![0.0; p.communities];
    let mut total = vec![0.0; p.communities];
    for v in 0..net.graph.nodes() as u32 {
        let c = p.community[v as usize] as usize;
        total[c] += net.graph.strength(v);
        for (u, w) in net.graph.neighbours(v) {
            if p.community[u as usize] as usize == c {
                inside[c] += w;
            }
        }
    }
    inside
        .iter()
        .zip(&total)
        .map(|(&i, &t)| if t > 0.0 { i / t } else { 0.0 })
        .collect()
}

fn write_tsv(
    path: &std::path::Path,
    members: &[Vec<u32>],
    order: &[usize],
    name: &dyn Fn(u32) -> Result<NodeName>,
) -> Result<()> {
    let mut w = BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    writeln!(w, "ext_id\thandle\tcommunity\tsize")?;
    for (rank, &c) in order.iter().enumerate() {
        for &d in &members[c] {
            let n = name(d)?;
            writeln!(
                w,
                "{}\t{}\t{}\t{}",
                n.ext_id,
                n.handle.unwrap_or_default(),
                rank + 1,
                members[c].len()
            )?;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
