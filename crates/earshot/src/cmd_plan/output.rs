//! What `earshot plan` prints: each planner's figures, the Monte Carlo checks, and the seeds.

use earshot_app::plan::report::{
    CelfReport, ImmReport, MonteCarloCheck, PlanReport, PlannerReport, SeedReport,
};

fn mib(kib: Option<Option<u64>>) -> String {
    kib.flatten()
        .map_or("?".into(), |k| format!("{} MiB", k / 1024))
}

fn print_imm(p: &ImmReport, k: usize) {
    println!(
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
    );
    if let Some(t) = &p.timings {
        println!(
            "timings: load {:.3} s (peak RSS {}); sampling {} rounds, {} sets: RR {:.3} s, greedy {:.3} s; final: RR {:.3} s, greedy {:.3} s",
            t.load_seconds,
            mib(t.load_peak_rss_kib),
            t.sampling_rounds,
            t.sampling_sets,
            t.sampling_rr_seconds,
            t.sampling_greedy_seconds,
            t.final_rr_seconds,
            t.final_greedy_seconds
        );
    }
    let best = match p.budget {
        None => format!("the best {k} accounts' spread"),
        Some(b) => format!("the best spread a budget of {b} buys"),
    };
    println!(
        "guarantee: spread ≥ {:.3} × {best}, with probability ≥ 1 − n^−{}",
        p.guarantee, p.ell
    );
    println!("estimated spread (RR sets): {:.1}", p.estimated_spread);
}

fn print_celf(p: &CelfReport, k: usize) {
    println!(
        "CELF, k = {k}, {} simulations per marginal gain: {:.3} s, {} evaluations (plain greedy: {}), peak RSS {}",
        p.celf_simulations,
        p.seconds,
        p.evaluations,
        p.plain_greedy_evaluations,
        mib(p.peak_rss_kib)
    );
    println!(
        "estimated spread (its own simulations, which chose the seeds): {:.1} ± {:.1}",
        p.estimated_spread, p.estimated_ci95
    );
}

fn print_check(check: Option<&MonteCarloCheck>) {
    if let Some(e) = check {
        println!(
            "Monte Carlo spread ({} simulations): {:.1} ± {:.1} (95%)",
            e.simulations, e.mean, e.ci95
        );
    }
}

fn in_common(x: &[SeedReport], y: &[SeedReport]) -> usize {
    x.iter().filter(|s| y.iter().any(|t| t.id == s.id)).count()
}

/// `earshot plan`'s text.
pub fn print(r: &PlanReport) {
    match (&r.plan, &r.imm, &r.celf) {
        (Some(PlannerReport::Imm(p)), _, _) => {
            print_imm(p, r.k);
            print_check(p.monte_carlo.as_ref());
        }
        (Some(PlannerReport::Celf(p)), _, _) => {
            print_celf(p, r.k);
            print_check(p.monte_carlo.as_ref());
        }
        (None, Some(imm), Some(celf)) => {
            print_imm(imm, r.k);
            print_check(imm.monte_carlo.as_ref());
            println!();
            print_celf(celf, r.k);
            print_check(celf.monte_carlo.as_ref());
        }
        _ => {}
    }
    for b in &r.baselines {
        if let Some(e) = &b.monte_carlo {
            println!("  beside {} seeds: {:.1} ± {:.1}", b.seeds, e.mean, e.ci95);
        }
    }
    if let Some(p) = &r.plan {
        println!("\n    #  account      marginal gain");
        for (i, s) in p.seeds().iter().enumerate() {
            println!(
                "  {:>3}  {:<12} {:>13.1}",
                i + 1,
                s.id.to_string(),
                s.marginal_gain
            );
        }
    }
    if let (Some(imm), Some(celf)) = (&r.imm, &r.celf) {
        println!();
        let common = in_common(&imm.seeds, &celf.seeds);
        match r
            .comparison
            .as_ref()
            .and_then(|c| c.relative_difference.zip(c.relative_difference_ci95))
        {
            Some((d, h)) => println!(
                "CELF beside IMM: {:+.2}% ± {:.2}% (95%, paired on the same simulations); {} of {} seeds in common; {:.1}× IMM's time",
                100.0 * d,
                100.0 * h,
                common,
                celf.seeds.len(),
                celf.seconds / imm.seconds.max(1e-9)
            ),
            None => println!(
                "CELF beside IMM (own estimates, no Monte Carlo check): {:.1} against {:.1}; {} of {} seeds in common",
                celf.estimated_spread,
                imm.estimated_spread,
                common,
                celf.seeds.len()
            ),
        }
        println!("\n    #  IMM account   marginal gain   CELF account  marginal gain");
        for i in 0..imm.seeds.len().max(celf.seeds.len()) {
            let col = |seeds: &[SeedReport]| match seeds.get(i) {
                Some(s) => format!("{:<12} {:>14.1}", s.id.to_string(), s.marginal_gain),
                None => format!("{:27}", ""),
            };
            println!("  {:>3}  {}   {}", i + 1, col(&imm.seeds), col(&celf.seeds));
        }
    }
}
