//! What `earshot plan` prints, and the JSON the command and the API's plan job return.

use super::*;

/// The fresh Monte Carlo check, as JSON.
fn mc_json(e: &Option<SpreadEstimate>) -> Value {
    e.as_ref().map_or(
        Value::Null,
        |e| json!({"simulations": e.simulations, "mean": e.mean, "ci95": 1.96 * e.std_error}),
    )
}

impl Planned<'_> {
    /// How the output names node `d`: its file id, or the stored account's @handle or platform id.
    fn external(&self, d: u32) -> Value {
        match &self.source.nodes {
            crate::plan_source::PlanNodes::File(ext) => json!(ext[d as usize]),
            crate::plan_source::PlanNodes::Stored(_) => json!(self
                .source
                .name(self.store.as_ref(), d)
                .unwrap_or_else(|_| format!("#{d}"))),
        }
    }

    fn shown(&self, d: u32) -> String {
        match self.external(d) {
            Value::String(s) => s,
            v => v.to_string(),
        }
    }

    /// `earshot --json plan`'s output.
    pub fn json(&self) -> Value {
        let (a, g, costs) = (self.a, &self.source.graph, &self.costs);
        let plan_json = |p: &Plan| {
            let mut m = p.fields.clone();
            m.insert("monte_carlo".into(), mc_json(&p.checked));
            let seeds: Vec<Value> = p
                .seeds
                .iter()
                .zip(&p.gains)
                .map(|(&s, &gain)| json!({"id": self.external(s), "marginal_gain": gain, "cost": costs.as_ref().map(|c| c[s as usize])}))
                .collect();
            m.insert("seeds".into(), seeds.into());
            m
        };
        let mut out = json!({
            "graph": self.source.description, "nodes": g.nodes(), "edges": g.edges(),
            "audience": self.audience.as_ref().map(|v| v.len()),
            "k": a.k, "seed": a.seed,
            "algorithm": a.algorithm.to_possible_value().map(|v| v.get_name().to_owned()),
            "baselines": self.baselines.iter().map(|(name, r)| json!({
                "seeds": name, "monte_carlo": mc_json(&r.as_ref().map(|(e, _)| e.clone())),
            })).collect::<Vec<_>>(),
        });
        let obj = out.as_object_mut().expect("an object");
        match self.plans.as_slice() {
            [(_, p)] => obj.extend(plan_json(p)),
            [(_, i), (_, c)] => {
                obj.insert("imm".into(), plan_json(i).into());
                obj.insert("celf".into(), plan_json(c).into());
                obj.insert(
                    "comparison".into(),
                    json!({
                        "seeds_in_common": in_common(i, c),
                        "relative_difference": self.difference.map(|d| d.0),
                        "relative_difference_ci95": self.difference.map(|d| d.1),
                    }),
                );
            }
            _ => {}
        }
        out
    }

    /// `earshot plan`'s text.
    pub(crate) fn print(&self) {
        let (plans, difference) = (&self.plans, self.difference);
        for (i, (_, plan)) in plans.iter().enumerate() {
            if i > 0 {
                println!();
            }
            for line in &plan.summary {
                println!("{line}");
            }
            if let Some(e) = &plan.checked {
                println!(
                    "Monte Carlo spread ({} simulations): {:.1} ± {:.1} (95%)",
                    e.simulations,
                    e.mean,
                    1.96 * e.std_error
                );
            }
        }
        for (name, r) in &self.baselines {
            if let Some((e, _)) = r {
                println!(
                    "  beside {name} seeds: {:.1} ± {:.1}",
                    e.mean,
                    1.96 * e.std_error
                );
            }
        }
        match plans.as_slice() {
            [(_, p)] => {
                println!("\n    #  account      marginal gain");
                for (i, (&s, &gain)) in p.seeds.iter().zip(&p.gains).enumerate() {
                    println!("  {:>3}  {:<12} {:>13.1}", i + 1, self.shown(s), gain);
                }
            }
            [(_, imm), (_, celf)] => {
                println!();
                match difference {
                    Some((d, h)) => println!(
                        "CELF beside IMM: {:+.2}% ± {:.2}% (95%, paired on the same simulations); {} of {} seeds in common; {:.1}× IMM's time",
                        100.0 * d,
                        100.0 * h,
                        in_common(imm, celf),
                        celf.seeds.len(),
                        celf.seconds / imm.seconds.max(1e-9)
                    ),
                    None => println!(
                        "CELF beside IMM (own estimates, no Monte Carlo check): {:.1} against {:.1}; {} of {} seeds in common",
                        celf.estimated,
                        imm.estimated,
                        in_common(imm, celf),
                        celf.seeds.len()
                    ),
                }
                println!("\n    #  IMM account   marginal gain   CELF account  marginal gain");
                for i in 0..imm.seeds.len().max(celf.seeds.len()) {
                    let col = |p: &Plan| match (p.seeds.get(i), p.gains.get(i)) {
                        (Some(&s), Some(&gain)) => format!("{:<12} {:>14.1}", self.shown(s), gain),
                        _ => format!("{:27}", ""),
                    };
                    println!("  {:>3}  {}   {}", i + 1, col(imm), col(celf));
                }
            }
            _ => {}
        }
    }
}

fn in_common(x: &Plan, y: &Plan) -> usize {
    x.seeds.iter().filter(|s| y.seeds.contains(s)).count()
}
