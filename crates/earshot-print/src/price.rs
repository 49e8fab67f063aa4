//! `earshot price`: a post's fair value as a distribution with its authenticity discount, a ranked
//! candidate list, and the header of a price backtest.

use anyhow::Result;
use earshot_app::price::{CompareReport, Counting, PriceReport, Quantiles, RateView};
use std::io::Write;

fn rate(r: &RateView) -> String {
    match r.kind {
        "cpm" => format!("{} per thousand authentic accounts reached", r.amount),
        _ => format!("{} per authentic engagement", r.amount),
    }
}

fn counts(q: &Quantiles) -> String {
    format!(
        "mean {:.1}, p10 {}, p50 {}, p90 {}; {} to {} with probability {:.0}%",
        q.mean,
        q.p10,
        q.p50,
        q.p90,
        q.range_80_low,
        q.range_80_high,
        100.0 * q.range_80_probability
    )
}

fn money(q: &Quantiles) -> String {
    format!(
        "mean {:.2}, p10 {:.2}, p50 {:.2}, p90 {:.2}; {:.2} to {:.2} with probability {:.0}%",
        q.mean,
        q.p10,
        q.p50,
        q.p90,
        q.range_80_low,
        q.range_80_high,
        100.0 * q.range_80_probability
    )
}

/// One account's price, the discount that made it, and what it rests on.
pub fn price(out: &mut dyn Write, r: &PriceReport) -> Result<()> {
    writeln!(
        out,
        "{}: one sponsored post at {}",
        r.account,
        rate(&r.rate)
    )?;
    writeln!(out, "  fair value        {}", money(&r.value))?;
    writeln!(out, "  authentic reach   {}", counts(&r.authentic_reach))?;
    writeln!(out, "  all reach         {}", counts(&r.reach))?;
    let d = &r.discount;
    writeln!(
        out,
        "  discount          {:.1}%: {:.1}% of the reach kept ({} of its {} past adopters counted, everyone's share {:.1}%)",
        100.0 * d.discount,
        100.0 * d.kept_share,
        d.past_adopters_counted,
        d.past_adopters,
        100.0 * d.everyone_share
    )?;
    if d.doubtful_audience {
        writeln!(
            out,
            "  DOUBTFUL AUDIENCE: under half of what this account reaches counts"
        )?;
    }
    writeln!(
        out,
        "  authenticity from score run #{}{}; {} simulations, seed {}{}",
        r.run,
        r.audience
            .as_ref()
            .map(|a| format!("; audience: {a}"))
            .unwrap_or_default(),
        r.simulations,
        r.seed,
        if r.conditional_on_one_reshare {
            "; of a post passed on at least once (the data's posts are derived from reshares)"
        } else {
            ""
        }
    )?;
    for n in &r.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}

/// The candidates, best value per unit of cost first.
pub fn compare(out: &mut dyn Write, r: &CompareReport) -> Result<()> {
    if let Some(rate_view) = &r.rate {
        writeln!(out, "rate: {}", rate(rate_view))?;
    }
    writeln!(
        out,
        "{:>4} {:<24} {:>10} {:>10} {:>8} {:>8} {:>12} {:>9} {:>12} {:>9}  flags",
        "rank",
        "account",
        "cost",
        "authentic",
        "p10",
        "p90",
        "per cost",
        "kept",
        "fair value",
        "value/cost"
    )?;
    for c in &r.candidates {
        let mut flags = Vec::new();
        if c.discount.doubtful_audience {
            flags.push("doubtful audience");
        }
        if c.newcomer {
            flags.push("no history: priced from everyone's posts");
        }
        writeln!(
            out,
            "{:>4} {:<24} {:>10.2} {:>10.1} {:>8} {:>8} {:>12.3} {:>8.1}% {:>12} {:>9}  {}",
            c.rank,
            crate::fmt::clip(&c.account, 24),
            c.cost,
            c.authentic_reach.mean,
            c.authentic_reach.p10,
            c.authentic_reach.p90,
            c.per_cost,
            100.0 * c.discount.kept_share,
            c.value
                .map_or("-".to_string(), |v| format!("{:.2}", v.mean)),
            c.value_over_cost
                .map_or("-".to_string(), |x| format!("{x:.2}")),
            flags.join("; ")
        )?;
    }
    writeln!(
        out,
        "authenticity from score run #{}{}; {} simulations, seed {}",
        r.run,
        r.audience
            .as_ref()
            .map(|a| format!("; audience: {a}"))
            .unwrap_or_default(),
        r.simulations,
        r.seed
    )?;
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

/// What a price backtest counts: the run and the audience.
pub fn calibration_header(out: &mut dyn Write, c: &Counting) -> Result<()> {
    writeln!(
        out,
        "Price backtest: outcomes count authentic accounts (score run #{}, {}){}.",
        c.run,
        if c.without_authenticity {
            "which holds no authenticity weights: everyone counts".to_string()
        } else {
            c.model_version.clone()
        },
        c.audience_described
            .as_ref()
            .map(|a| format!(" in {a}"))
            .unwrap_or_default()
    )?;
    Ok(())
}
