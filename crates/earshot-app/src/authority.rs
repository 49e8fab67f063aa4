//! Network authority: weighted PageRank over the reaction graph of a window ("who reacted to whom"),
//! optionally topic-sensitive (personalised) by restarting at a topic's seed accounts.

use crate::error::UsageError;
use anyhow::{Context, Result};
use earshot_graph::{pagerank, KindWeights, PageRankConfig, SnapshotConfig};
use earshot_store::{Store, TimeWindow};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to rank.
pub struct AuthorityRequest {
    pub window: TimeWindow,
    pub platform: Option<String>,
    /// Weight per interaction kind (follows and unfollows weigh 0 unless the caller says otherwise).
    pub kind_weights: KindWeights,
    /// Halve a reaction's weight for every this many days before the window's end.
    pub half_life_days: Option<f64>,
    /// Damping factor.
    pub alpha: f64,
    /// Stop when the L1 change between iterations is below this.
    pub tolerance: f64,
    pub max_iterations: u32,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Accounts to report, highest first.
    pub top: usize,
    /// Every account's score too, highest first (for a full listing).
    pub all: bool,
    /// Topic seeds to restart at: a file of `ext_id [weight]` lines.
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

/// An account's authority.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Ranked {
    pub ext_id: String,
    pub handle: Option<String>,
    pub score: f64,
}

/// Where a topic-sensitive ranking restarted.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RestartReport {
    pub file: Option<String>,
    pub seeds: usize,
    pub in_graph: usize,
    /// Seeds without a reaction that counts in the window: not in the graph, so ignored.
    pub ignored: Vec<String>,
}

/// `earshot --json authority`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AuthorityReport {
    pub interactions: u64,
    pub nodes: usize,
    pub edges: usize,
    pub iterations: u32,
    pub residual: f64,
    pub converged: bool,
    pub build_seconds: f64,
    pub pagerank_seconds: f64,
    pub seconds_per_iteration: f64,
    pub threads: usize,
    pub restart: Option<RestartReport>,
    pub top: Vec<Ranked>,
    /// Every account, highest first, when asked for.
    #[serde(skip)]
    pub all: Vec<Ranked>,
}

/// Every account of a window's graph with its authority, highest first (ties by dense id), and how
/// the ranking was computed: what [`authority`] names and `audit --by authority` ranks by.
pub struct Ranking {
    /// (account id, score), highest first.
    pub accounts: Vec<(i64, f64)>,
    /// The graph and the iteration; no accounts named yet.
    pub report: AuthorityReport,
}

/// Rank the request's window; `note` hears of seeds that are not in the graph.
pub fn rank(store: &Store, req: &AuthorityRequest, note: &dyn Fn(&str)) -> Result<Ranking> {
    let platform = req.platform.as_deref();
    let seeds = match &req.restart {
        Some(path) => Some(read_restart(store, path, platform)?),
        None => None,
    };
    let cfg = SnapshotConfig {
        kind_weights: req.kind_weights,
        half_life: req.half_life_days.map(|d| d * 86_400.0),
        reference_time: store.window_end(req.window, platform)?,
    };
    let started = Instant::now();
    let (snapshot, rows) = crate::sources::snapshot::read(store, req.window, platform, cfg)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let (personalization, ignored) = match (&seeds, &req.restart) {
        (Some(seeds), Some(path)) => {
            let (p, ignored) = restart_vector(seeds, &snapshot, path)?;
            for s in &ignored {
                note(&format!(
                    "--restart {}:{}: {:?} has no reaction that counts in this window, so it is not in the graph; ignored",
                    path.display(),
                    s.line,
                    s.ext_id
                ));
            }
            (Some(p), ignored)
        }
        _ => (None, Vec::new()),
    };
    let restart = seeds.as_ref().map(|seeds| RestartReport {
        file: req.restart.as_ref().map(|p| p.display().to_string()),
        seeds: seeds.len(),
        in_graph: seeds.len() - ignored.len(),
        ignored: ignored.iter().map(|s| s.ext_id.clone()).collect(),
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads.unwrap_or(0))
        .build()?;
    let pr_cfg = PageRankConfig {
        alpha: req.alpha,
        tolerance: req.tolerance,
        max_iterations: req.max_iterations,
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
    Ok(Ranking {
        accounts: order
            .into_iter()
            .map(|d| (snapshot.ids.external(d), pr.scores[d as usize]))
            .collect(),
        report: AuthorityReport {
            interactions: rows,
            nodes: snapshot.graph.nodes(),
            edges: snapshot.graph.edges(),
            iterations: pr.iterations,
            residual: pr.residual,
            converged: pr.converged,
            build_seconds,
            pagerank_seconds: rank_seconds,
            seconds_per_iteration: rank_seconds / f64::from(pr.iterations.max(1)),
            threads: pool.current_num_threads(),
            restart,
            top: Vec::new(),
            all: Vec::new(),
        },
    })
}

/// Rank the request's window and name its best accounts; `note` hears of seeds that are not in the
/// graph.
pub fn authority(
    store: &Store,
    req: &AuthorityRequest,
    note: &dyn Fn(&str),
) -> Result<AuthorityReport> {
    let r = rank(store, req, note)?;
    let name = |&(id, score): &(i64, f64)| -> Result<Ranked> {
        let (ext_id, handle) = store
            .account_names(id)?
            .unwrap_or_else(|| (id.to_string(), None));
        Ok(Ranked {
            ext_id,
            handle,
            score,
        })
    };
    let listed = if req.all { r.accounts.len() } else { req.top };
    let ranked: Vec<Ranked> = r
        .accounts
        .iter()
        .take(listed.max(req.top))
        .map(name)
        .collect::<Result<_>>()?;
    let top = ranked.iter().take(req.top).cloned().collect();
    Ok(AuthorityReport {
        top,
        all: if req.all { ranked } else { Vec::new() },
        ..r.report
    })
}
