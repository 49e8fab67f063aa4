//! The authority kernel (PageRank) alone, GAP-style: the R-MAT graph of `earshot gen` built in memory
//! from the same draw, or any edge list (SNAP text, GAP's `.el` / `.wel`), loading timed apart from the
//! kernel. `--dump` writes the graph the kernel ran on for the C++ baseline in `bench/`.

use super::median_run_on;
use crate::error::FieldStyle;
use crate::sources::edge_list::{load_edges, EdgeListFormat};
use anyhow::{Context, Result};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use earshot_synth::{rmat_pairs, SynthConfig};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// The graph a PageRank benchmark runs on.
#[derive(Debug, Clone)]
pub enum PagerankGraph {
    /// The R-MAT draw of `earshot gen`: 2^scale nodes, `edge_factor` edges drawn per node (before
    /// repeats merge); the same seed, the same graph.
    Rmat {
        scale: u32,
        edge_factor: u32,
        seed: u64,
    },
    /// An edge list file, `src dst [weight]` a line: the edge src → dst (see
    /// [`load_edges`](crate::sources::edge_list::load_edges)).
    EdgeList(PathBuf),
}

/// PageRank on one graph, timed per iteration.
#[derive(Debug, Clone)]
pub struct PagerankBenchRequest {
    pub graph: PagerankGraph,
    /// Iterations per timed run (the tolerance is 0, so exactly this many run).
    pub iterations: u32,
    /// Timed runs per thread count; the median is reported.
    pub runs: usize,
    pub threads: Vec<usize>,
    /// The weighted kernel: for R-MAT a reproducible weight in [0.5, 1.5) for every drawn edge, for an
    /// edge list each line's weight (1 where it has none); repeats add up. Otherwise every distinct edge
    /// weighs 1, as in the GAP Benchmark Suite.
    pub weighted: bool,
    /// Also write the graph as a binary CSR snapshot to this file.
    pub dump: Option<PathBuf>,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// One thread count's speed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PagerankThreadResult {
    pub threads: usize,
    pub median_seconds_per_iteration: f64,
    pub edges_per_second: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PagerankBenchReport {
    /// The R-MAT graph's scale, or none for an edge list.
    pub scale: Option<u32>,
    /// The R-MAT graph's edge factor, or none for an edge list.
    pub edge_factor: Option<u32>,
    /// The edge list read, or none for R-MAT.
    pub file: Option<String>,
    /// Edge lines the file held (repeats and self-loops included), or none for R-MAT.
    pub lines: Option<u64>,
    pub nodes: usize,
    /// Distinct edges.
    pub edges: usize,
    /// Whether the weighted kernel ran (a weighted request whose merged weights are all 1 runs the
    /// unweighted one).
    pub weighted: bool,
    /// Seconds drawing the R-MAT edges or reading the file.
    pub load_seconds: f64,
    /// Seconds building the CSR from the edges.
    pub build_seconds: f64,
    pub results: Vec<PagerankThreadResult>,
}

/// The edges and what the report says of where they came from.
struct Source {
    nodes: u32,
    edges: Vec<Edge>,
    /// The first words of the note: which graph this is.
    name: String,
    scale: Option<u32>,
    edge_factor: Option<u32>,
    file: Option<String>,
    lines: Option<u64>,
}

fn rmat(scale: u32, edge_factor: u32, seed: u64, weighted: bool) -> Result<Source> {
    let cfg = SynthConfig::new(scale, edge_factor, seed);
    let nodes = u32::try_from(cfg.accounts()).context("scale too large for one graph")?;
    let edges = rmat_pairs(&cfg)?
        .enumerate()
        .map(|(i, (src, dst))| {
            // A cheap, reproducible weight in [0.5, 1.5) for the weighted kernel.
            let weight = if weighted {
                0.5 + (i.wrapping_mul(2_654_435_761) % 1024) as f64 / 1024.0
            } else {
                1.0
            };
            Edge { src, dst, weight }
        })
        .collect();
    Ok(Source {
        nodes,
        edges,
        name: format!("R-MAT scale {scale}, edge factor {edge_factor}"),
        scale: Some(scale),
        edge_factor: Some(edge_factor),
        file: None,
        lines: None,
    })
}

fn edge_list(path: &std::path::Path, weighted: bool, note: &dyn Fn(&str)) -> Result<Source> {
    let mut loaded = load_edges(path)?;
    for w in &loaded.warnings {
        note(&format!("{}: {w}", path.display()));
    }
    if !weighted {
        // Every line is an edge, whatever weight it gives (0 included): GAP's graph.
        loaded.edges.iter_mut().for_each(|e| e.weight = 1.0);
    }
    let format = match loaded.format {
        EdgeListFormat::Snap => "SNAP text",
        EdgeListFormat::GapEl => "GAP .el",
        EdgeListFormat::GapWel => "GAP .wel",
    };
    Ok(Source {
        nodes: loaded.nodes,
        edges: loaded.edges,
        name: format!(
            "{} ({format}, {} edge lines, {} self-loops)",
            path.display(),
            loaded.lines,
            loaded.self_loops
        ),
        scale: None,
        edge_factor: None,
        file: Some(path.display().to_string()),
        lines: Some(loaded.lines),
    })
}

/// Draws or reads the graph and builds it (dumping it if asked), then times the kernel on each thread
/// count; `note` hears the graph's size and build times (and a file's warnings) before the timing starts.
pub fn bench_pagerank(
    req: &PagerankBenchRequest,
    note: &dyn Fn(&str),
) -> Result<PagerankBenchReport> {
    super::check_threads(&req.threads, req.fields)?;
    let t = Instant::now();
    let source = match &req.graph {
        PagerankGraph::Rmat {
            scale,
            edge_factor,
            seed,
        } => rmat(*scale, *edge_factor, *seed, req.weighted)?,
        PagerankGraph::EdgeList(path) => edge_list(path, req.weighted, note)?,
    };
    let load_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut graph = ReactionGraph::from_edges(source.nodes, &source.edges)?;
    if !req.weighted {
        graph = graph.unweighted();
    }
    let build_seconds = t.elapsed().as_secs_f64();
    drop(source.edges);
    if let Some(path) = &req.dump {
        let f =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = std::io::BufWriter::new(f);
        graph.write_binary(&mut w)?;
        std::io::Write::flush(&mut w).with_context(|| format!("writing {}", path.display()))?;
    }
    note(&format!(
        "{}: {} nodes, {} distinct edges ({}weighted); {} in {load_seconds:.2} s, CSR built in {build_seconds:.2} s",
        source.name,
        graph.nodes(),
        graph.edges(),
        if graph.is_unit_weighted() { "un" } else { "" },
        if source.file.is_some() { "read" } else { "drawn" },
    ));
    let pr_cfg = PageRankConfig {
        tolerance: 0.0,
        max_iterations: req.iterations,
        ..Default::default()
    };
    let mut results = Vec::new();
    for &k in &req.threads {
        let (seconds, iterations) =
            median_run_on(k, req.runs, || Ok(pagerank(&graph, &pr_cfg)?.iterations))?;
        let per_iteration = seconds / f64::from(iterations.max(1));
        results.push(PagerankThreadResult {
            threads: k,
            median_seconds_per_iteration: per_iteration,
            edges_per_second: graph.edges() as f64 / per_iteration,
        });
    }
    Ok(PagerankBenchReport {
        scale: source.scale,
        edge_factor: source.edge_factor,
        file: source.file,
        lines: source.lines,
        nodes: graph.nodes(),
        edges: graph.edges(),
        weighted: !graph.is_unit_weighted(),
        load_seconds,
        build_seconds,
        results,
    })
}
