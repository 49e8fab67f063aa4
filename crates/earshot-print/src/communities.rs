//! `earshot communities`: the graph, the Louvain run, the agreement with known groups, and the
//! largest communities with their leading accounts — and `--tsv`'s every-node table.

use anyhow::Result;
use earshot_app::communities::{CommunitiesReport, Membership};
use std::io::Write;

/// `earshot communities`: what the graph holds, how Louvain ran, NMI against `--labels`, then the
/// listed communities (size, share of weight inside, leading accounts) and how many more there are.
pub fn communities(out: &mut dyn Write, r: &CommunitiesReport) -> Result<()> {
    let (source, ranking, listed) = (&r.source, &r.ranking, &r.top);
    writeln!(
        out,
        "communities of {source}: {} {}, {} nodes, {} undirected edges ({} self-loops dropped, {} nodes without edges)",
        r.read,
        if r.edges_file { "edge lines" } else { "interactions" },
        r.nodes,
        r.edges,
        r.self_loops_dropped,
        r.nodes_without_edges
    )?;
    writeln!(
        out,
        "Louvain (resolution {}, {}): {} communities ({} of one node), modularity {:.4}; {} levels, {:.2} s (graph built in {:.2} s)",
        r.resolution,
        match r.seed {
            None => "nodes in id order".to_string(),
            Some(seed) => format!("order shuffled by seed {seed}"),
        },
        r.communities,
        r.singletons,
        r.modularity,
        r.levels,
        r.louvain_seconds,
        r.build_seconds
    )?;
    if let Some(r) = &r.labels {
        writeln!(
            out,
            "NMI against {}: {:.4} over {} labelled nodes ({} labels; {} without edges and {} not in the graph count as communities of their own); {:.4} over the {} with edges",
            r.file, r.nmi, r.labelled, r.labels, r.without_edges, r.not_in_graph, r.nmi_with_edges, r.with_edges
        )?;
    }
    writeln!(out, "leading accounts by {ranking}:")?;
    for c in listed {
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
        writeln!(
            out,
            "{:>4}. {:>7} accounts, {:>3.0}% inside: {}",
            c.rank,
            c.size,
            100.0 * c.inside,
            who.join(", ")
        )?;
    }
    let more = r.communities - r.singletons - listed.len();
    if more > 0 {
        writeln!(
            out,
            "      … {more} more communities of two nodes or more (--top, or --tsv for every node)"
        )?;
    }
    Ok(())
}

/// `--tsv`: every node's community (ext_id, handle, community, size), communities numbered from 1 by
/// decreasing size as listed.
pub fn tsv(out: &mut dyn Write, all: &[Membership]) -> Result<()> {
    writeln!(out, "ext_id\thandle\tcommunity\tsize")?;
    for m in all {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            m.ext_id,
            m.handle.as_deref().unwrap_or_default(),
            m.community,
            m.size
        )?;
    }
    Ok(())
}

/// A weight as people read it: whole numbers without decimals, others to two decimals.
fn weight(w: f64) -> String {
    if (w - w.round()).abs() < 1e-9 {
        format!("{w:.0}")
    } else {
        format!("{w:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::communities::{Account, Community};

    #[test]
    fn communities_show_their_leaders_and_count_the_unlisted() {
        let account = |ext: &str, handle: Option<&str>, score, strength| Account {
            ext_id: ext.into(),
            handle: handle.map(str::to_string),
            score,
            strength,
        };
        let r = CommunitiesReport {
            source: "edges.txt".into(),
            edges_file: true,
            read: 10,
            nodes: 8,
            edges: 9,
            self_loops_dropped: 1,
            nodes_without_edges: 0,
            resolution: 1.0,
            seed: None,
            levels: 2,
            communities: 4,
            singletons: 1,
            modularity: 0.5,
            build_seconds: 0.0,
            louvain_seconds: 0.0,
            ranking: "weighted degree".into(),
            top: vec![Community {
                rank: 1,
                size: 5,
                inside: 0.8,
                accounts: vec![
                    account("1", Some("ann"), None, 3.0),
                    account("2", None, None, 2.5),
                    account("3", None, Some(41.26), 1.0),
                ],
            }],
            labels: None,
            all: vec![],
        };
        let mut out = Vec::new();
        communities(&mut out, &r).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("communities of edges.txt: 10 edge lines, 8 nodes"));
        assert!(lines[1].starts_with("Louvain (resolution 1, nodes in id order): 4 communities"));
        assert_eq!(
            lines[3],
            "   1.       5 accounts,  80% inside: @ann (3), 2 (2.50), 3 (41.3)"
        );
        // 4 communities, 1 of one node, 1 listed: 2 more.
        assert!(lines[4].starts_with("      … 2 more communities"));
    }
}
