//! `earshot triage`: ingested messages, the queue, one decision, the answered mark and the fairness report.

use crate::fmt::{one_line, rejected_line};
use anyhow::Result;
use earshot_app::triage::{AnsweredReport, IngestReport};
use earshot_model::format_utc;
use earshot_store::{FairnessReport, TriageEntry, TriageQueue, TriageRecord};
use std::io::Write;

/// `triage ingest`: what the file gave, by priority and by author score tier, and what it rejected;
/// `quiet` leaves out the warnings and the next step.
pub fn ingest(out: &mut dyn Write, r: &IngestReport, quiet: bool) -> Result<()> {
    writeln!(
        out,
        "{}: {} messages triaged into channel {:?} ({} new, {} already stored) in {:.1} s",
        r.file, r.messages, r.channel, r.new, r.already_stored, r.seconds
    )?;
    writeln!(
        out,
        "  policy {}: every message due within {} of arrival; urgency and influence only bring it earlier",
        r.policy_version,
        earshot_triage::span(r.policy.floor_secs)
    )?;
    if r.new > 0 {
        writeln!(
            out,
            "  new by priority: 1: {}  2: {}  3: {}  4 (due at the floor): {}",
            r.by_priority[0], r.by_priority[1], r.by_priority[2], r.by_priority[3]
        )?;
        writeln!(
            out,
            "  new by author score (authors known to the store: {} of {}):",
            r.known_authors, r.new
        )?;
        for t in r.by_tier.iter().filter(|t| t.messages > 0) {
            writeln!(
                out,
                "    {:<9} {:>7} messages, due on average {:.1} h after arrival",
                t.tier,
                t.messages,
                t.mean_hours_to_due.unwrap_or(0.0)
            )?;
        }
    }
    rejected_line(out, r.rejected, r.rejects_file.as_deref())?;
    if !quiet {
        for w in &r.warnings {
            writeln!(out, "  note: {w}")?;
        }
        writeln!(out, "  next: earshot triage queue; earshot triage report")?;
    }
    Ok(())
}

/// `triage queue`: the unanswered count, then a page of messages soonest due first, those due
/// before `now` (unix seconds) marked `!` as overdue.
pub fn queue(out: &mut dyn Write, q: &TriageQueue, channel: Option<&str>, now: i64) -> Result<()> {
    writeln!(
        out,
        "{} unanswered{}; soonest due first (times UTC)",
        q.unanswered,
        channel.map(|c| format!(" in {c:?}")).unwrap_or_default()
    )?;
    if q.items.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{:>7}  {:>3}  {:<19}  {:<16}  {:<38}  text",
        "id", "pri", "due by", "author", "why"
    )?;
    for e in &q.items {
        let overdue = if e.message.due_by < now { "!" } else { " " };
        writeln!(
            out,
            "{:>7}  {:>3}  {:<19}{overdue} {:<16}  {:<38}  {}",
            e.message.id,
            e.message.priority,
            format_utc(e.message.due_by),
            one_line(&format!("@{}", e.message.arrived.author_handle), 16),
            one_line(&why(e), 38),
            one_line(&e.message.arrived.text, 60)
        )?;
    }
    if q.items.iter().any(|e| e.message.due_by < now) {
        writeln!(out, "(! overdue)")?;
    }
    Ok(())
}

/// The reasons that brought a message forward, briefly: `negative+complaint+question`, or `floor`.
fn why(e: &TriageEntry) -> String {
    let codes: Vec<&str> = e
        .decision
        .decided
        .reasons
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["advance_secs"].as_i64().unwrap_or(0) > 0)
        .filter_map(|r| r["code"].as_str())
        .map(|c| c.strip_suffix("_sentiment").unwrap_or(c))
        .collect();
    if codes.is_empty() {
        "floor".into()
    } else {
        codes.join("+")
    }
}

/// `triage show`: one message, then each decision made about it with every reason and how much
/// earlier it made the message due.
pub fn record(out: &mut dyn Write, rec: &TriageRecord) -> Result<()> {
    let (m, a) = (&rec.message, &rec.message.arrived);
    writeln!(
        out,
        "message {} in {:?}, from @{} on {}{}",
        m.id,
        a.channel,
        a.author_handle,
        a.platform,
        a.ext_id
            .as_ref()
            .map(|e| format!(" (id {e})"))
            .unwrap_or_default()
    )?;
    writeln!(out, "  received  {} UTC", format_utc(a.received_at))?;
    writeln!(
        out,
        "  due by    {} UTC (priority {})",
        format_utc(m.due_by),
        m.priority
    )?;
    match m.answered_at {
        Some(t) => writeln!(out, "  answered  {} UTC", format_utc(t))?,
        None => writeln!(out, "  not answered yet")?,
    }
    writeln!(out, "  text      {}", a.text)?;
    for (id, d) in rec.decisions.iter().map(|d| (d.id, &d.decided)) {
        let score = d
            .author_score
            .map(|s| format!("{s:.0}"))
            .unwrap_or_else(|| "unscored".into());
        let authenticity = d
            .author_authenticity
            .map(|a| format!("{a:.2}"))
            .unwrap_or_else(|| "unknown".into());
        let run = d
            .score_run
            .map(|r| format!(" (score run {r})"))
            .unwrap_or_default();
        writeln!(
            out,
            "decision {} at {} UTC under {}: author score {score}{run}, authenticity {authenticity}",
            id,
            format_utc(d.decided_at),
            d.policy_version
        )?;
        writeln!(
            out,
            "  priority {}, due {} UTC; the floor was {} UTC",
            d.priority,
            format_utc(d.due_by),
            format_utc(d.floor_due_by)
        )?;
        for r in d.reasons.as_array().into_iter().flatten() {
            let secs = r["advance_secs"].as_i64().unwrap_or(0);
            let advance = if secs > 0 {
                format!("-{}", earshot_triage::span(secs))
            } else {
                String::new()
            };
            writeln!(
                out,
                "  {:>8}  {:<18}  {}",
                advance,
                r["code"].as_str().unwrap_or("?"),
                r["detail"].as_str().unwrap_or("")
            )?;
        }
    }
    Ok(())
}

/// `triage answered`: when the message was answered (nothing if the report has no time).
pub fn answered(out: &mut dyn Write, r: &AnsweredReport) -> Result<()> {
    if let Some(t) = r.answered_at {
        writeln!(out, "message {} answered at {} UTC", r.id, format_utc(t))?;
    }
    Ok(())
}

/// `triage report`: hours from arrival to due-by per author score tier, then how each tier was
/// answered in practice and how many wait past the floor.
pub fn fairness(out: &mut dyn Write, r: &FairnessReport) -> Result<()> {
    writeln!(
        out,
        "{} messages{}: hours from arrival to due-by, per author score tier",
        r.messages,
        r.channel
            .as_ref()
            .map(|c| format!(" in {c:?}"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "  {:<9} {:>8} {:>6} {:>6} {:>6} {:>6} {:>13} {:>13}   by priority 1/2/3/4",
        "tier", "messages", "min", "p50", "p90", "max", "within floor", "mean advance"
    )?;
    let h = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.1}"));
    for t in &r.tiers {
        writeln!(
            out,
            "  {:<9} {:>8} {:>6} {:>6} {:>6} {:>6} {:>13} {:>13}   {}",
            t.tier,
            t.messages,
            h(t.min_hours),
            h(t.p50_hours),
            h(t.p90_hours),
            h(t.max_hours),
            t.within_floor
                .map_or("-".to_string(), |x| format!("{x:.2}")),
            h(t.mean_advance_hours),
            t.by_priority
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("/")
        )?;
    }
    writeln!(
        out,
        "\n  in practice, at {} UTC: answered, the share answered by due-by and within the floor, and \
         unanswered past the floor",
        format_utc(r.at)
    )?;
    writeln!(
        out,
        "  {:<9} {:>8} {:>8} {:>13} {:>8}",
        "tier", "answered", "by due", "within floor", "overdue"
    )?;
    let share = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.2}"));
    for t in &r.tiers {
        writeln!(
            out,
            "  {:<9} {:>8} {:>8} {:>13} {:>8}",
            t.tier,
            t.answered,
            share(t.answered_by_due),
            share(t.answered_within_floor),
            t.overdue
        )?;
    }
    let overdue: u64 = r.tiers.iter().map(|t| t.overdue).sum();
    if overdue > 0 {
        writeln!(
            out,
            "  {overdue} messages wait past the floor: `earshot triage queue` lists them first"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_store::FairnessTier;

    fn tier(name: &'static str, messages: u64, overdue: u64) -> FairnessTier {
        FairnessTier {
            tier: name,
            messages,
            min_hours: (messages > 0).then_some(1.0),
            p50_hours: (messages > 0).then_some(12.25),
            p90_hours: (messages > 0).then_some(20.0),
            max_hours: (messages > 0).then_some(24.0),
            within_floor: (messages > 0).then_some(1.0),
            mean_advance_hours: (messages > 0).then_some(3.5),
            by_priority: [1, 0, 2, messages.saturating_sub(3)],
            answered: 0,
            answered_by_due: None,
            answered_within_floor: None,
            overdue,
        }
    }

    #[test]
    fn fairness_gives_each_tier_its_hours_and_counts_the_overdue() {
        let r = FairnessReport {
            channel: Some("support".into()),
            at: 0,
            messages: 5,
            tiers: vec![tier("unscored", 0, 0), tier("61-80", 5, 2)],
        };
        let mut buf = Vec::new();
        fairness(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "5 messages in \"support\": hours from arrival to due-by, per author score tier"
        );
        assert!(lines[2].starts_with("  unscored         0      -      -"));
        assert!(lines[3].contains("  12.2 ") || lines[3].contains("  12.3 "));
        assert!(lines[3].ends_with("   1/0/2/2"));
        assert_eq!(
            lines.last().unwrap(),
            &"  2 messages wait past the floor: `earshot triage queue` lists them first"
        );
    }

    #[test]
    fn answered_prints_only_with_a_time() {
        let mut buf = Vec::new();
        let mut r = AnsweredReport {
            id: 7,
            answered: true,
            answered_at: None,
        };
        answered(&mut buf, &r).unwrap();
        assert!(buf.is_empty());
        r.answered_at = Some(86_400);
        answered(&mut buf, &r).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "message 7 answered at 1970-01-02 00:00:00 UTC\n"
        );
    }
}
