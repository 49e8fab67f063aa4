//! `earshot authority`: PageRank over a window's reactions — the graph, the iteration, where a
//! topic-sensitive ranking restarted, and the best accounts — and `--tsv`'s every-account table.

use anyhow::Result;
use earshot_app::authority::{AuthorityReport, Ranked};
use std::io::Write;

/// `earshot authority`: the graph and the iteration, the restart seeds, then the top accounts.
pub fn authority(out: &mut dyn Write, r: &AuthorityReport) -> Result<()> {
    writeln!(
        out,
        "authority over {} interactions: {} accounts, {} reactor→author edges; {} iterations ({}), residual {:.1e}",
        r.interactions,
        r.nodes,
        r.edges,
        r.iterations,
        if r.converged { "converged" } else { "NOT converged: raise --max-iterations" },
        r.residual
    )?;
    writeln!(
        out,
        "graph built in {:.2} s; PageRank {:.3} s on {} threads",
        r.build_seconds, r.pagerank_seconds, r.threads
    )?;
    if let Some((restart, file)) = r.restart.as_ref().and_then(|s| Some((s, s.file.as_ref()?))) {
        writeln!(
            out,
            "topic-sensitive: restarting at {} of the {} seeds in {} ({} not in the graph)",
            restart.in_graph,
            restart.seeds,
            file,
            restart.ignored.len()
        )?;
    }
    for (i, r) in r.top.iter().enumerate() {
        let who = r
            .handle
            .as_ref()
            .map(|h| format!("@{h}"))
            .unwrap_or_else(|| r.ext_id.clone());
        writeln!(out, "{:>4}. {:<30} {:.6}", i + 1, who, r.score)?;
    }
    Ok(())
}

/// `--tsv`: every account's score (ext_id, handle, score), highest first, exact to the last digit.
pub fn tsv(out: &mut dyn Write, ranked: &[Ranked]) -> Result<()> {
    writeln!(out, "ext_id\thandle\tscore")?;
    for r in ranked {
        writeln!(
            out,
            "{}\t{}\t{:.17e}",
            r.ext_id,
            r.handle.as_deref().unwrap_or_default(),
            r.score
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::authority::RestartReport;

    #[test]
    fn the_ranking_names_its_restart_file_and_the_tsv_keeps_every_digit() {
        let ranked = vec![
            Ranked {
                ext_id: "14".into(),
                handle: Some("ann".into()),
                score: 0.75,
            },
            Ranked {
                ext_id: "26".into(),
                handle: None,
                score: 0.25,
            },
        ];
        let r = AuthorityReport {
            interactions: 9,
            nodes: 2,
            edges: 1,
            iterations: 40,
            residual: 1e-8,
            converged: false,
            build_seconds: 0.0,
            pagerank_seconds: 0.0,
            seconds_per_iteration: 0.0,
            threads: 1,
            restart: Some(RestartReport {
                file: Some("seeds.txt".into()),
                seeds: 3,
                in_graph: 2,
                ignored: vec!["89".into()],
            }),
            top: ranked.clone(),
            all: ranked,
        };
        let mut out = Vec::new();
        authority(&mut out, &r).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0]
            .ends_with("40 iterations (NOT converged: raise --max-iterations), residual 1.0e-8"));
        assert_eq!(
            lines[2],
            "topic-sensitive: restarting at 2 of the 3 seeds in seeds.txt (1 not in the graph)"
        );
        assert_eq!(lines[3], format!("   1. {:<30} 0.750000", "@ann"));
        assert_eq!(lines[4], format!("   2. {:<30} 0.250000", "26"));
        let mut out = Vec::new();
        tsv(&mut out, &r.all).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ext_id\thandle\tscore\n14\tann\t7.50000000000000000e-1\n26\t\t2.50000000000000000e-1\n"
        );
    }
}
