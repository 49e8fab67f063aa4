//! Influence-maximisation graph files as [`DiffusionGraph`]s, and any edge list as a reaction graph's
//! edges ([`load_edges`], for `bench pagerank --edges`), through earshot-ingest's SNAP edge-list reader
//! (`#` comments, an optional `n m` header line, CRLF, gzip); GAP's `.el` and `.wel` are read by the
//! same reader without header detection ([`EdgeListFormat`]).
//!
//! - `nethept_chen.txt`: `n m`, then undirected `u v` lines with repeats and self-loops:
//!   [`LoadOptions::undirected_weighted_cascade`].
//! - `nethept_wc_weighted.txt`: `n m`, then directed `u v p`: [`LoadOptions::directed_with_probabilities`].
//! - SNAP `.txt.gz` (soc-Slashdot0902, email-Eu-core): [`LoadOptions::directed_weighted_cascade`].
//!
//! Dense ids are the file's ids in increasing order; when a header declares `n` nodes and every id is
//! below `n`, the dense id *is* the file's id and nodes without edges are kept (NetHEPT's 15,233). Unlike
//! an import, a bad line is not skipped: the first one is an error naming the file, line and field, since a
//! benchmark graph with a line missing is another graph.

use earshot_diffusion::{DiffusionError, DiffusionGraph, EdgeModel};
use earshot_graph::Edge;
use earshot_ingest::{EdgeListHeader, Format, OpenError, Options, SnapColumn};
use earshot_model::Event;
use std::path::Path;

/// Where a loaded graph's probabilities come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probabilities {
    /// The third column of every line (`u v p`, each `p` in [0, 1]).
    FromFile,
    /// `1 / in-degree(v)`, after self-loops and repeats are dropped (a third column is ignored).
    WeightedCascade,
    /// The same for every edge (a third column is ignored).
    Uniform(f32),
}

/// How to read an edge-list file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadOptions {
    /// Each line is an undirected edge: add both directions.
    pub undirected: bool,
    pub probabilities: Probabilities,
}

impl LoadOptions {
    /// Undirected `u v` lines, weighted cascade (NetHEPT as in Chen et al. 2009 and the IMM paper).
    pub fn undirected_weighted_cascade() -> Self {
        LoadOptions {
            undirected: true,
            probabilities: Probabilities::WeightedCascade,
        }
    }

    /// Directed `u v` lines, weighted cascade (SNAP graphs).
    pub fn directed_weighted_cascade() -> Self {
        LoadOptions {
            undirected: false,
            probabilities: Probabilities::WeightedCascade,
        }
    }

    /// Directed `u v p` lines with their own probabilities.
    pub fn directed_with_probabilities() -> Self {
        LoadOptions {
            undirected: false,
            probabilities: Probabilities::FromFile,
        }
    }
}

/// A graph read from a file, with the file's id of each dense id.
#[derive(Debug, Clone)]
pub struct LoadedGraph {
    pub graph: DiffusionGraph,
    /// `external[d]` is the file's id of dense id `d` (increasing).
    pub external: Vec<u64>,
    /// Edge lines read (before dropping self-loops and repeats).
    pub lines: u64,
    /// Self-loop lines dropped.
    pub self_loops: u64,
    /// The `n m` header line, if the file had one.
    pub header: Option<EdgeListHeader>,
    /// What the reader noticed about the file as a whole (a header whose counts disagree with the data).
    pub warnings: Vec<String>,
}

impl LoadedGraph {
    /// The dense id of a file id.
    pub fn dense(&self, external: u64) -> Option<u32> {
        self.external
            .binary_search(&external)
            .ok()
            .map(|d| d as u32)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{file}:{line}: {field}: {reason}")]
    BadLine {
        file: String,
        line: u64,
        field: String,
        reason: String,
    },
    #[error("{file}: {source}")]
    Graph {
        file: String,
        #[source]
        source: DiffusionError,
    },
}

/// Read an edge-list file (plain or gzip) into a diffusion graph. See the module docs.
pub fn load_edge_list(path: &Path, opts: &LoadOptions) -> Result<LoadedGraph, LoadError> {
    let read_opts = Options {
        undirected: opts.undirected,
        snap_columns: (opts.probabilities == Probabilities::FromFile)
            .then(|| vec![SnapColumn::Src, SnapColumn::Dst, SnapColumn::Weight]),
        ..Options::default()
    };
    let check = |w: f64| {
        if opts.probabilities == Probabilities::FromFile && !(0.0..=1.0).contains(&w) {
            return Err(format!("probability {w} is not in [0, 1]"));
        }
        Ok(())
    };
    let read = read_lines(path, &read_opts, check)?;
    let file = path.display().to_string();
    let graph_err = |source| LoadError::Graph {
        file: file.clone(),
        source,
    };
    let ids = Numbering::new(&read.edges, read.header)
        .ok_or_else(|| graph_err(DiffusionError::TooManyNodes))?;
    let (nodes, edges) = (ids.nodes, read.edges);
    let graph = match opts.probabilities {
        Probabilities::FromFile => {
            let triples: Vec<(u32, u32, f32)> = edges
                .iter()
                .map(|&(s, d, p)| (ids.dense(s), ids.dense(d), p as f32))
                .collect();
            drop(edges);
            DiffusionGraph::from_weighted(nodes, &triples)
        }
        Probabilities::WeightedCascade | Probabilities::Uniform(_) => {
            let pairs: Vec<(u32, u32)> = edges
                .iter()
                .map(|&(s, d, _)| (ids.dense(s), ids.dense(d)))
                .collect();
            // The file's edges (24 bytes each) are not needed while the graph is built.
            drop(edges);
            let model = match opts.probabilities {
                Probabilities::Uniform(p) => EdgeModel::Uniform(p),
                _ => EdgeModel::WeightedCascade,
            };
            DiffusionGraph::from_pairs(nodes, &pairs, model)
        }
    }
    .map_err(graph_err)?;
    Ok(LoadedGraph {
        graph,
        external: ids.external,
        lines: read.lines,
        self_loops: read.self_loops,
        header: read.header,
        warnings: read.warnings,
    })
}

/// How an edge list's lines are laid out, as its file name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeListFormat {
    /// SNAP text (any name but the two below): `src dst [weight]` a line, whitespace or commas, `#`
    /// comments, an optional `n m` header line found as earshot-ingest's SNAP reader finds it.
    Snap,
    /// The GAP Benchmark Suite's `.el`: `src dst` a line, no header.
    GapEl,
    /// GAP's `.wel`: `src dst weight` a line, no header.
    GapWel,
}

impl EdgeListFormat {
    /// `*.el` and `*.wel`, plain or `.gz`, are GAP's; any other name is SNAP text.
    pub fn of(path: &Path) -> EdgeListFormat {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".wel") {
            EdgeListFormat::GapWel
        } else if name.ends_with(".el") {
            EdgeListFormat::GapEl
        } else {
            EdgeListFormat::Snap
        }
    }

    fn read_options(self) -> Options {
        let gap = |columns| Options {
            header: Some(false),
            snap_columns: Some(columns),
            ..Options::default()
        };
        match self {
            EdgeListFormat::Snap => Options::default(),
            EdgeListFormat::GapEl => gap(vec![SnapColumn::Src, SnapColumn::Dst]),
            EdgeListFormat::GapWel => {
                gap(vec![SnapColumn::Src, SnapColumn::Dst, SnapColumn::Weight])
            }
        }
    }
}

/// An edge list read as directed, weighted edges over dense ids, for a [`ReactionGraph`]: the line
/// `src dst` is the edge src → dst (src reacts to dst, whose authority it passes on), weighing the
/// line's weight or 1. Repeats and self-loops are kept as lines: the graph merges repeats.
///
/// [`ReactionGraph`]: earshot_graph::ReactionGraph
#[derive(Debug, Clone)]
pub struct LoadedEdges {
    pub nodes: u32,
    pub edges: Vec<Edge>,
    /// `external[d]` is the file's id of dense id `d` (increasing).
    pub external: Vec<u64>,
    pub format: EdgeListFormat,
    /// Edge lines read.
    pub lines: u64,
    /// Lines whose two ids are the same.
    pub self_loops: u64,
    /// What the reader noticed about the file as a whole (a header whose counts disagree with the data).
    pub warnings: Vec<String>,
}

/// Read an edge-list file (plain or gzip, [`EdgeListFormat::of`] its name) as directed edges. Dense ids
/// are the file's ids in increasing order (`0..n` when a SNAP header declares `n` nodes and every id is
/// below it). The first bad line is an error naming the file, the line and the field.
pub fn load_edges(path: &Path) -> Result<LoadedEdges, LoadError> {
    let format = EdgeListFormat::of(path);
    let read = read_lines(path, &format.read_options(), |_| Ok(()))?;
    let ids = Numbering::new(&read.edges, read.header).ok_or_else(|| LoadError::Graph {
        file: path.display().to_string(),
        source: DiffusionError::TooManyNodes,
    })?;
    let edges = read
        .edges
        .iter()
        .map(|&(s, d, weight)| Edge {
            src: ids.dense(s),
            dst: ids.dense(d),
            weight,
        })
        .collect();
    Ok(LoadedEdges {
        nodes: ids.nodes,
        edges,
        external: ids.external,
        format,
        lines: read.lines,
        self_loops: read.self_loops,
        warnings: read.warnings,
    })
}

/// An edge list's lines: each edge by the file's ids, with its weight (1 where the line has none).
struct EdgeLines {
    edges: Vec<(u64, u64, f64)>,
    lines: u64,
    self_loops: u64,
    header: Option<EdgeListHeader>,
    warnings: Vec<String>,
}

/// Read every line of `path` through earshot-ingest's SNAP reader with `read_opts`; `check` judges
/// each weight (its error becomes the line's, field `weight`). Unlike an import, the first bad line
/// stops the reading: a benchmark graph with a line missing is another graph.
fn read_lines(
    path: &Path,
    read_opts: &Options,
    check: impl Fn(f64) -> Result<(), String>,
) -> Result<EdgeLines, LoadError> {
    let file = path.display().to_string();
    let (reader, progress) = earshot_ingest::open(path, Format::Snap, read_opts)?;
    let bad = |line: u64, field: &str, reason: String| LoadError::BadLine {
        file: file.clone(),
        line,
        field: field.to_string(),
        reason,
    };
    let mut edges: Vec<(u64, u64, f64)> = Vec::new();
    let mut lines = 0u64;
    let mut self_loops = 0u64;
    for record in reader {
        let record = record.map_err(|r| bad(r.line, &r.field, r.reason))?;
        lines += 1;
        for event in &record.events {
            let Event::Interaction(i) = event else {
                continue;
            };
            let id = |s: &str, field: &str| {
                s.parse::<u64>()
                    .map_err(|_| bad(record.line, field, format!("id {s:?} is above 2^64 - 1")))
            };
            let (src, dst) = (id(&i.actor.ext_id, "src")?, id(&i.target.ext_id, "dst")?);
            check(i.weight).map_err(|reason| bad(record.line, "weight", reason))?;
            if src == dst {
                self_loops += 1;
            }
            edges.push((src, dst, i.weight));
        }
    }
    Ok(EdgeLines {
        edges,
        lines,
        self_loops,
        header: progress.edge_list_header(),
        warnings: progress.warnings().iter().map(|w| w.to_string()).collect(),
    })
}

/// The dense ids of an edge list's nodes: the file's ids in increasing order, or `0..n` when a header
/// declares `n` nodes and every id is below `n` (nodes without edges are then kept, NetHEPT's 15,233).
struct Numbering {
    /// `external[d]` is the file's id of dense id `d` (increasing).
    external: Vec<u64>,
    nodes: u32,
    /// The file's ids are `0..nodes`: each is its own dense id.
    identity: bool,
}

impl Numbering {
    /// `None` past 2^32 - 2 nodes.
    fn new(edges: &[(u64, u64, f64)], header: Option<EdgeListHeader>) -> Option<Numbering> {
        let max_id = edges.iter().map(|e| e.0.max(e.1)).max();
        let external: Vec<u64> = match header {
            Some(h) if max_id.is_none_or(|m| m < h.nodes) => (0..h.nodes).collect(),
            _ => {
                let mut ids: Vec<u64> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
                ids.sort_unstable();
                ids.dedup();
                // Kept as long as the graph: give back the room of the endpoints (Slashdot: 15 MiB
                // for 0.6 MiB of ids).
                ids.shrink_to_fit();
                ids
            }
        };
        let nodes = u32::try_from(external.len())
            .ok()
            .filter(|&n| n < u32::MAX)?;
        let identity = external
            .last()
            .is_none_or(|&l| l + 1 == external.len() as u64);
        Some(Numbering {
            external,
            nodes,
            identity,
        })
    }

    /// The dense id of a file id that is one of the graph's.
    fn dense(&self, id: u64) -> u32 {
        if self.identity {
            id as u32
        } else {
            // Every endpoint is among the ids by construction.
            self.external.binary_search(&id).unwrap_or(0) as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        p
    }

    #[test]
    fn undirected_header_crlf_repeats_and_self_loops() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "g.txt",
            "6 5\r\n0 1\r\n1 0\r\n2 2\r\n1 2\r\n0 1\r\n",
        );
        let g = load_edge_list(&p, &LoadOptions::undirected_weighted_cascade()).unwrap();
        // Nodes 0..6 from the header (3, 4, 5 without edges); edges 0-1 and 1-2, both ways.
        assert_eq!((g.graph.nodes(), g.graph.edges()), (6, 4));
        assert_eq!((g.lines, g.self_loops), (5, 1));
        assert_eq!(g.dense(4), Some(4));
        assert_eq!(
            g.graph.in_links(1).iter().map(|l| l.p).collect::<Vec<_>>(),
            [0.5, 0.5]
        );
        assert_eq!(g.graph.in_links(0)[0].p, 1.0);
        assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    }

    #[test]
    fn weighted_file_and_sparse_ids() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "w.txt", "3 2\n0 2 0.25\n2 1 1\n");
        let g = load_edge_list(&p, &LoadOptions::directed_with_probabilities()).unwrap();
        assert_eq!(
            g.graph.edge_list().collect::<Vec<_>>(),
            vec![(0, 2, 0.25), (2, 1, 1.0)]
        );
        let p = write(dir.path(), "s.txt", "# SNAP\n10\t700\n700\t30\n");
        let g = load_edge_list(&p, &LoadOptions::directed_weighted_cascade()).unwrap();
        assert_eq!(g.external, vec![10, 30, 700]);
        assert_eq!((g.dense(700), g.dense(11)), (Some(2), None));
        assert_eq!(
            g.graph.edge_list().collect::<Vec<_>>(),
            vec![(0, 2, 1.0), (2, 1, 1.0)]
        );
        let g = load_edge_list(
            &p,
            &LoadOptions {
                undirected: false,
                probabilities: Probabilities::Uniform(0.1),
            },
        )
        .unwrap();
        assert!(g.graph.edge_list().all(|(_, _, p)| p == 0.1));
    }

    #[test]
    fn bad_lines_name_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "a.txt",
                "0 1 0.5\n1 2 1.5\n",
                "a.txt:2: weight: probability 1.5 is not in [0, 1]",
            ),
            (
                "b.txt",
                "0 1 0.5\n1 2\n",
                "b.txt:2: <line>: expected 3 columns",
            ),
            (
                "c.txt",
                "0 1 0.5\n1 x 0.5\n",
                "c.txt:2: dst: not a numeric id",
            ),
            (
                "d.txt",
                "0 1 0.5\n99999999999999999999 1 0.5\n",
                "d.txt:2: src: id \"99999999999999999999\" is above",
            ),
        ];
        for (name, text, want) in cases {
            let p = write(dir.path(), name, text);
            let e = load_edge_list(&p, &LoadOptions::directed_with_probabilities())
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{e} lacks {want}");
            assert!(e.starts_with(&p.display().to_string()), "{e}");
        }
        let missing = dir.path().join("nope.txt");
        assert!(matches!(
            load_edge_list(&missing, &LoadOptions::directed_weighted_cascade()),
            Err(LoadError::Open(_))
        ));
    }

    fn pairs(e: &LoadedEdges) -> Vec<(u32, u32, f64)> {
        e.edges.iter().map(|e| (e.src, e.dst, e.weight)).collect()
    }

    #[test]
    fn edges_from_snap_text_gzip_and_gap_files() {
        let dir = tempfile::tempdir().unwrap();
        // SNAP: comments, sparse ids, a repeat and a self-loop, gzip.
        let text = "# Directed graph\n# FromNodeId\tToNodeId\n10\t700\n700\t30\n10\t700\n30\t30\n";
        let p = dir.path().join("g.txt.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(&p, gz.finish().unwrap()).unwrap();
        let e = load_edges(&p).unwrap();
        assert_eq!(e.format, EdgeListFormat::Snap);
        assert_eq!((e.nodes, e.lines, e.self_loops), (3, 4, 1));
        assert_eq!(e.external, vec![10, 30, 700]);
        assert_eq!(
            pairs(&e),
            vec![(0, 2, 1.0), (2, 1, 1.0), (0, 2, 1.0), (1, 1, 1.0)]
        );
        // GAP .el: no header detection, so a first line that looks like `n m` is an edge.
        let p = write(dir.path(), "g.el", "5 3\n2 4\n");
        let e = load_edges(&p).unwrap();
        assert_eq!(e.format, EdgeListFormat::GapEl);
        assert_eq!((e.nodes, e.lines), (4, 2));
        assert_eq!(e.external, vec![2, 3, 4, 5]);
        assert_eq!(pairs(&e), vec![(3, 1, 1.0), (0, 2, 1.0)]);
        // GAP .wel: a weight on every line; ids 0..n are their own dense ids.
        let p = write(dir.path(), "g.wel", "0 1 3\n1 2 0.5\n2 0 1\n");
        let e = load_edges(&p).unwrap();
        assert_eq!(e.format, EdgeListFormat::GapWel);
        assert_eq!(pairs(&e), vec![(0, 1, 3.0), (1, 2, 0.5), (2, 0, 1.0)]);
        assert_eq!(
            EdgeListFormat::of(Path::new("x/kron.WEL.gz")),
            EdgeListFormat::GapWel
        );
        assert_eq!(
            EdgeListFormat::of(Path::new("x/kron.el.gz")),
            EdgeListFormat::GapEl
        );
        assert_eq!(
            EdgeListFormat::of(Path::new("x/wiki.txt")),
            EdgeListFormat::Snap
        );
    }

    #[test]
    fn bad_edge_lines_name_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("a.txt", "0 1\n1 two\n", "a.txt:2: dst: not a numeric id"),
            ("b.el", "0 1\n1 2 3\n", "b.el:2: <line>: expected 2 columns"),
            (
                "c.wel",
                "0 1 1\n1 2\n",
                "c.wel:2: <line>: expected 3 columns",
            ),
            ("d.wel", "0 1 1\n\n1 2 -4\n", "d.wel:3: weight:"),
            ("e.txt", "# c\n0 1\n1 2 nan\n", "e.txt:3: weight:"),
        ];
        for (name, text, want) in cases {
            let p = write(dir.path(), name, text);
            let e = load_edges(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{e} lacks {want}");
            assert!(e.starts_with(&p.display().to_string()), "{e}");
        }
        assert!(matches!(
            load_edges(&dir.path().join("nope.el")),
            Err(LoadError::Open(_))
        ));
    }
}
