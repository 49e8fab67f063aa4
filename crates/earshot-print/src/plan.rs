//! `earshot plan`: chosen seeds with their guarantee, and the baselines.

use anyhow::Result;
use earshot_app::plan::report::{
    CelfReport, ImmReport, MonteCarloCheck, PlanReport, PlannerReport, SeedReport,
};
use std::io::Write;

fn mib(kib: Option<Option<u64>>) -> String {
    kib.flatten()
        .map_or("?".into(), |k| format!("{} MiB", k / 1024))
}

fn imm(out: &mut dyn Write, p: &ImmReport, k: usize) -> Result<()> {
    writeln!(
        out,
        "IMM, {}, ε = {}, ℓ = {}: {:.3} s, {} RR sets ({} members, {:.1} MiB; index {:.1} MiB), peak RSS {}",
        match p.budget {
            None => format!("k = {k}"),
            Some(b) => format!("budget {b}, {} seeds bought", p.seeds.len()),
        },
        p.epsilon,
        p.ell,
        p.seconds,
        p.rr_sets,
        p.rr_members,
        p.rr_bytes as f64 / (1024.0 * 1024.0),
        p.index_bytes as f64 / (1024.0 * 1024.0),
        mib(p.peak_rss_kib)
    )?;
    if let Some(t) = &p.timings {
        writeln!(
            out,
            "timings: load {:.3} s (peak RSS {}); sampling {} rounds, {} sets: RR {:.3} s, greedy {:.3} s; final: RR {:.3} s, greedy {:.3} s",
            t.load_seconds,
            mib(t.load_peak_rss_kib),
            t.sampling_rounds,
            t.sampling_sets,
            t.sampling_rr_seconds,
            t.sampling_greedy_seconds,
            t.final_rr_seconds,
            t.final_greedy_seconds
        )?;
    }
    let best = match p.budget {
        None => format!("the best {k} accounts' spread"),
        Some(b) => format!("the best spread a budget of {b} buys"),
    };
    writeln!(
        out,
        "guarantee: spread ≥ {:.3} × {best}, with probability ≥ 1 − n^−{}",
        p.guarantee, p.ell
    )?;
    writeln!(out, "estimated spread (RR sets): {:.1}", p.estimated_spread)?;
    Ok(())
}

fn celf(out: &mut dyn Write, p: &CelfReport, k: usize) -> Result<()> {
    writeln!(
        out,
        "CELF, k = {k}, {} simulations per marginal gain: {:.3} s, {} evaluations (plain greedy: {}), peak RSS {}",
        p.celf_simulations,
        p.seconds,
        p.evaluations,
        p.plain_greedy_evaluations,
        mib(p.peak_rss_kib)
    )?;
    writeln!(
        out,
        "estimated spread (its own simulations, which chose the seeds): {:.1} ± {:.1}",
        p.estimated_spread, p.estimated_ci95
    )?;
    Ok(())
}

fn check(out: &mut dyn Write, check: Option<&MonteCarloCheck>) -> Result<()> {
    if let Some(e) = check {
        writeln!(
            out,
            "Monte Carlo spread ({} simulations): {:.1} ± {:.1} (95%)",
            e.simulations, e.mean, e.ci95
        )?;
    }
    Ok(())
}

fn in_common(x: &[SeedReport], y: &[SeedReport]) -> usize {
    x.iter().filter(|s| y.iter().any(|t| t.id == s.id)).count()
}

/// `earshot plan`: each planner's figures and its Monte Carlo check, the baselines beside them, the
/// seeds with their marginal gains, and with both planners their difference and seeds side by side.
pub fn plan(out: &mut dyn Write, r: &PlanReport) -> Result<()> {
    match (&r.plan, &r.imm, &r.celf) {
        (Some(PlannerReport::Imm(p)), _, _) => {
            imm(out, p, r.k)?;
            check(out, p.monte_carlo.as_ref())?;
        }
        (Some(PlannerReport::Celf(p)), _, _) => {
            celf(out, p, r.k)?;
            check(out, p.monte_carlo.as_ref())?;
        }
        (None, Some(i), Some(c)) => {
            imm(out, i, r.k)?;
            check(out, i.monte_carlo.as_ref())?;
            writeln!(out)?;
            celf(out, c, r.k)?;
            check(out, c.monte_carlo.as_ref())?;
        }
        _ => {}
    }
    for b in &r.baselines {
        if let Some(e) = &b.monte_carlo {
            writeln!(
                out,
                "  beside {} seeds: {:.1} ± {:.1}",
                b.seeds, e.mean, e.ci95
            )?;
        }
    }
    if let Some(p) = &r.plan {
        writeln!(out, "\n    #  account      marginal gain")?;
        for (i, s) in p.seeds().iter().enumerate() {
            writeln!(
                out,
                "  {:>3}  {:<12} {:>13.1}",
                i + 1,
                s.id.to_string(),
                s.marginal_gain
            )?;
        }
    }
    if let (Some(imm), Some(celf)) = (&r.imm, &r.celf) {
        writeln!(out)?;
        let common = in_common(&imm.seeds, &celf.seeds);
        match r
            .comparison
            .as_ref()
            .and_then(|c| c.relative_difference.zip(c.relative_difference_ci95))
        {
            Some((d, h)) => writeln!(
                out,
                "CELF beside IMM: {:+.2}% ± {:.2}% (95%, paired on the same simulations); {} of {} seeds in common; {:.1}× IMM's time",
                100.0 * d,
                100.0 * h,
                common,
                celf.seeds.len(),
                celf.seconds / imm.seconds.max(1e-9)
            )?,
            None => writeln!(
                out,
                "CELF beside IMM (own estimates, no Monte Carlo check): {:.1} against {:.1}; {} of {} seeds in common",
                celf.estimated_spread,
                imm.estimated_spread,
                common,
                celf.seeds.len()
            )?,
        }
        writeln!(
            out,
            "\n    #  IMM account   marginal gain   CELF account  marginal gain"
        )?;
        for i in 0..imm.seeds.len().max(celf.seeds.len()) {
            let col = |seeds: &[SeedReport]| match seeds.get(i) {
                Some(s) => format!("{:<12} {:>14.1}", s.id.to_string(), s.marginal_gain),
                None => format!("{:27}", ""),
            };
            writeln!(
                out,
                "  {:>3}  {}   {}",
                i + 1,
                col(&imm.seeds),
                col(&celf.seeds)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_app::plan::report::{BaselineReport, NodeId};

    fn seed(id: u64, gain: f64) -> SeedReport {
        SeedReport {
            id: NodeId::Listed(id),
            marginal_gain: gain,
            cost: None,
        }
    }

    #[test]
    fn celf_plan_lists_seeds_and_baselines() {
        let r = PlanReport {
            graph: "g".into(),
            nodes: 10,
            edges: 20,
            audience: None,
            k: 2,
            seed: 1,
            algorithm: "celf",
            baselines: vec![BaselineReport {
                seeds: "top out-degree",
                monte_carlo: Some(MonteCarloCheck {
                    simulations: 100,
                    mean: 3.3,
                    ci95: 0.5,
                }),
            }],
            plan: Some(PlannerReport::Celf(CelfReport {
                celf_simulations: 100,
                seconds: 0.5,
                peak_rss_kib: Some(Some(4096)),
                evaluations: 12,
                plain_greedy_evaluations: 19,
                estimated_spread: 4.0,
                estimated_ci95: 0.25,
                monte_carlo: None,
                seeds: vec![seed(7, 3.0), seed(3, 1.04)],
            })),
            imm: None,
            celf: None,
            comparison: None,
        };
        let mut buf = Vec::new();
        plan(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "CELF, k = 2, 100 simulations per marginal gain: 0.500 s, 12 evaluations (plain greedy: 19), peak RSS 4 MiB"
        );
        assert!(lines.contains(&"  beside top out-degree seeds: 3.3 ± 0.5"));
        assert_eq!(lines[lines.len() - 2], "    1  7                      3.0");
        assert_eq!(lines[lines.len() - 1], "    2  3                      1.0");
    }
}
