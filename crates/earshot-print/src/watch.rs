//! `earshot watch`: rules added, the watchlist, alerts, and a run's evaluation.

use anyhow::Result;
use earshot_app::watch::{AddReport, AlertList, EvaluationReport, WatchList};
use std::io::Write;

pub fn added(out: &mut dyn Write, r: &AddReport) -> Result<()> {
    writeln!(
        out,
        "{}: {} watches added, {} updated with the new threshold",
        r.rule, r.added, r.updated
    )?;
    Ok(())
}

pub fn list(out: &mut dyn Write, l: &WatchList) -> Result<()> {
    writeln!(out, "{} watches", l.total)?;
    for w in &l.watches {
        writeln!(
            out,
            "{:>6}  {:<28} {:<18} {:<14} {:>8}  since {}",
            w.id,
            crate::fmt::clip(&w.account, 28),
            w.rule,
            w.component.as_deref().or(w.topic.as_deref()).unwrap_or("-"),
            w.threshold,
            w.created_at
        )?;
    }
    Ok(())
}

pub fn alerts(out: &mut dyn Write, list: &AlertList) -> Result<()> {
    writeln!(out, "{} alerts, newest first", list.total)?;
    for a in &list.alerts {
        writeln!(
            out,
            "{:>6}  {:<10} {}  {}",
            a.id,
            a.run.map_or("api".to_string(), |r| format!("run #{r}")),
            a.created_at,
            a.alert
        )?;
    }
    Ok(())
}

pub fn evaluation(out: &mut dyn Write, r: &EvaluationReport) -> Result<()> {
    match r.previous_run {
        None => writeln!(
            out,
            "run #{} is the first of its scope: nothing to compare with, no alerts",
            r.run
        )?,
        Some(p) => writeln!(
            out,
            "run #{} against run #{p}: {} watches checked, {} new alerts ({:.3} s)",
            r.run, r.checked, r.alerts, r.seconds
        )?,
    }
    Ok(())
}
