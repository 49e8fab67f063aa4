//! `--labels`: known groups (departments, teams) to measure the communities against, by NMI.

use super::source::Network;
use crate::error::UsageError;
use anyhow::{Context, Result};
use earshot_graph::{nmi, Partition};
use earshot_store::Store;
use rustc_hash::FxHashMap;
use std::path::Path;

/// Agreement between the communities and a labels file.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LabelReport {
    pub file: String,
    /// Labelled nodes, and distinct labels among them.
    pub labelled: usize,
    pub labels: usize,
    /// Labelled nodes with at least one edge in the graph.
    pub with_edges: usize,
    /// Labelled nodes in the graph without an edge (e.g. only self-loops), and labelled nodes not in it.
    pub without_edges: usize,
    pub not_in_graph: usize,
    /// Graph nodes with edges but no label: left out of both figures.
    pub unlabelled: usize,
    /// NMI (arithmetic-mean normalisation) over every labelled node; one without edges, or not in the
    /// graph, counts as a community of its own.
    pub nmi: f64,
    /// NMI over the labelled nodes with at least one edge only.
    pub nmi_with_edges: f64,
}

/// `(line, node, label)` for each line `node label` (whitespace-separated; blank and `#` lines skipped).
fn parse(path: &Path, text: &str) -> Result<Vec<(usize, String, String)>> {
    let bad = |line: usize, msg: String| -> anyhow::Error {
        UsageError(format!("--labels {}:{line}: {msg}", path.display())).into()
    };
    let mut out = Vec::new();
    let mut first_line: FxHashMap<String, usize> = FxHashMap::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim_start_matches('\u{feff}').trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = content.split_whitespace().collect();
        let [node, label] = fields[..] else {
            return Err(bad(
                line,
                format!(
                    "expected `node label`, found {} field{}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" }
                ),
            ));
        };
        if let Some(&earlier) = first_line.get(node) {
            return Err(bad(
                line,
                format!("node {node:?} is labelled again (first on line {earlier})"),
            ));
        }
        first_line.insert(node.to_owned(), line);
        out.push((line, node.to_owned(), label.to_owned()));
    }
    if out.is_empty() {
        return Err(UsageError(format!(
            "--labels {}: no labelled nodes in it",
            path.display()
        ))
        .into());
    }
    Ok(out)
}

/// Read a labels file and compare its groups with `partition`.
pub fn compare(
    path: &Path,
    net: &Network,
    partition: &Partition,
    store: Option<&Store>,
    platforms: &[String],
) -> Result<LabelReport> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading --labels {}", path.display()))?;
    let lines = parse(path, &text)?;
    let mut label_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut all = Vec::with_capacity(lines.len());
    let mut connected = Vec::new();
    let mut labelled = vec![false; net.graph.nodes()];
    let (mut without_edges, mut not_in_graph) = (0, 0);
    // Communities of their own for labelled nodes outside the graph: ids past the partition's.
    let mut next_alone = partition.communities as u32;
    for (line, node, label) in &lines {
        let next = label_ids.len() as u32;
        let label = *label_ids.entry(label.as_str()).or_insert(next);
        let found = net
            .nodes
            .find(store, platforms, node)
            .map_err(|msg| UsageError(format!("--labels {}:{line}: {msg}", path.display())))?;
        match found {
            Some(d) => {
                labelled[d as usize] = true;
                let c = partition.community[d as usize];
                all.push((label, c));
                if net.graph.strength(d) > 0.0 {
                    connected.push((label, c));
                } else {
                    without_edges += 1;
                }
            }
            None => {
                not_in_graph += 1;
                all.push((label, next_alone));
                next_alone += 1;
            }
        }
    }
    let unlabelled = (0..net.graph.nodes() as u32)
        .filter(|&d| !labelled[d as usize] && net.graph.strength(d) > 0.0)
        .count();
    Ok(LabelReport {
        file: path.display().to_string(),
        labelled: lines.len(),
        labels: label_ids.len(),
        with_edges: connected.len(),
        without_edges,
        not_in_graph,
        unlabelled,
        nmi: nmi(all),
        nmi_with_edges: nmi(connected),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_names_bad_lines() {
        let p = Path::new("l.txt");
        let got = parse(p, "# node dept\n0 1\n\n1\t1\n2 21\n").unwrap();
        assert_eq!(
            got,
            vec![
                (2, "0".into(), "1".into()),
                (4, "1".into(), "1".into()),
                (5, "2".into(), "21".into())
            ]
        );
        let err = parse(p, "0 1\n1 2 3\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "--labels l.txt:2: expected `node label`, found 3 fields"
        );
        let err = parse(p, "0 1\n0 2\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "--labels l.txt:2: node \"0\" is labelled again (first on line 1)"
        );
        assert!(parse(p, "# nothing\n").is_err());
    }
}
