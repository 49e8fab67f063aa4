//! `earshot history`: an account's score across runs, overall or within one topic, one row per run
//! with the changes over a week and a month, and why a change is missing when one is.

use crate::fmt::{delta_cell, delta_notes};
use anyhow::Result;
use earshot_app::history::{HistoryItem, HistoryReport};
use earshot_model::format_utc;
use earshot_store::{ScoreRow, TopicScoreRow};
use std::io::Write;

/// `earshot history ACCOUNT`: the overall score in every run.
pub fn score_history(out: &mut dyn Write, h: &HistoryReport<ScoreRow>) -> Result<()> {
    let table = Table {
        empty: format!(
            "{} has no stored scores yet: run `earshot score`",
            h.account
        ),
        title: format!("{} across {} runs:", shown(h), h.history.len()),
        header: format!(
            "  {:>5}  {:<20} {:<16} {:>6} {:>8} {:>8}",
            "run", "as of (UTC)", "model", "score", "Δ week", "Δ month"
        ),
    };
    rows(
        out,
        h,
        |item| item.score.overall,
        table,
        |item| {
            format!(
                "  {:>5}  {:<20} {:<16} {:>6.1} {:>8} {:>8}",
                item.run.id,
                format_utc(item.as_of),
                item.run.model_version,
                item.score.overall,
                delta_cell(item.week_delta),
                delta_cell(item.month_delta)
            )
        },
    )
}

/// `earshot history ACCOUNT --topic T`: the topic score, posts and listening in every run that has it.
pub fn topic_history(out: &mut dyn Write, h: &HistoryReport<TopicScoreRow>) -> Result<()> {
    let topic = h.topic.as_deref().unwrap_or_default();
    let table = Table {
        empty: format!(
            "{} has no score on topic {topic:?} in any run: it neither posted on it nor took part in a reaction through one of its posts",
            h.account
        ),
        title: format!(
            "{} on topic {topic:?} across {} runs:",
            shown(h),
            h.history.len()
        ),
        header: format!(
            "  {:>5}  {:<20} {:<22} {:>6} {:>6} {:>9} {:>8} {:>8}",
            "run", "as of (UTC)", "topic", "score", "posts", "listened", "Δ week", "Δ month"
        ),
    };
    rows(
        out,
        h,
        |item| item.score.score,
        table,
        |item| {
            format!(
                "  {:>5}  {:<20} {:<22} {:>6.1} {:>6} {:>9.2} {:>8} {:>8}",
                item.run.id,
                format_utc(item.as_of),
                item.topic.as_ref().map_or("", |t| t.key.as_str()),
                item.score.score,
                item.score.posts_about,
                item.score.listened,
                delta_cell(item.week_delta),
                delta_cell(item.month_delta)
            )
        },
    )
}

/// `earshot history ACCOUNT --chart FILE`: the overall score and each component's percentile (as
/// 0-100, the score's scale) across runs, as an SVG line chart.
pub fn score_history_chart(path: &std::path::Path, h: &HistoryReport<ScoreRow>) -> Result<()> {
    let mut items: Vec<&HistoryItem<ScoreRow>> = h.history.iter().collect();
    items.sort_by_key(|i| (i.as_of, i.run.id));
    let mut series = vec![crate::chart::Series {
        name: "overall score",
        points: items
            .iter()
            .map(|i| (i.as_of as f64, i.score.overall))
            .collect(),
    }];
    for (c, name) in earshot_store::COMPONENTS.iter().enumerate() {
        series.push(crate::chart::Series {
            name,
            points: items
                .iter()
                .map(|i| (i.as_of as f64, i.score.pct[c] * 100.0))
                .collect(),
        });
    }
    crate::chart::time_lines(
        path,
        &format!("{} across {} runs", shown(h), items.len()),
        "score; components as percentiles",
        &series,
    )
}

/// `earshot history ACCOUNT --topic T --chart FILE`: the topic score across runs, as an SVG chart.
pub fn topic_history_chart(path: &std::path::Path, h: &HistoryReport<TopicScoreRow>) -> Result<()> {
    let mut items: Vec<&HistoryItem<TopicScoreRow>> = h.history.iter().collect();
    items.sort_by_key(|i| (i.as_of, i.run.id));
    let topic = h.topic.as_deref().unwrap_or_default();
    crate::chart::time_lines(
        path,
        &format!(
            "{} on topic {topic:?} across {} runs",
            shown(h),
            items.len()
        ),
        "topic score",
        &[crate::chart::Series {
            name: "topic score",
            points: items
                .iter()
                .map(|i| (i.as_of as f64, i.score.score))
                .collect(),
        }],
    )
}

/// The account as a terminal shows it: `@handle`, or its platform id without one.
fn shown<S>(h: &HistoryReport<S>) -> String {
    h.handle
        .as_ref()
        .map_or_else(|| h.platform_id.clone(), |handle| format!("@{handle}"))
}

/// The text around a history's rows: what to say when it is empty, its title and column header.
struct Table {
    empty: String,
    title: String,
    header: String,
}

/// A history as a table with one row per run, a one-line chart of `score` from the oldest run to the
/// newest, and the notes on missing changes.
fn rows<S>(
    out: &mut dyn Write,
    h: &HistoryReport<S>,
    score: impl Fn(&HistoryItem<S>) -> f64,
    table: Table,
    row: impl Fn(&HistoryItem<S>) -> String,
) -> Result<()> {
    if h.history.is_empty() {
        writeln!(out, "{}", table.empty)?;
        return Ok(());
    }
    writeln!(out, "{}\n{}", table.title, table.header)?;
    for item in &h.history {
        writeln!(out, "{}", row(item))?;
    }
    if h.history.len() > 1 {
        let mut by_time: Vec<&HistoryItem<S>> = h.history.iter().collect();
        by_time.sort_by_key(|i| (i.as_of, i.run.id));
        let values: Vec<f64> = by_time.iter().map(|i| score(i)).collect();
        writeln!(
            out,
            "  trend {}  (oldest to newest, on 0-100)",
            crate::chart::sparkline(&values, 0.0, 100.0)
        )?;
    }
    if let Some(notes) = delta_notes(h) {
        writeln!(out, "{notes}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, as_of: i64) -> earshot_store::ScoreRun {
        earshot_store::ScoreRun {
            id,
            created_at: as_of,
            model_version: "m-1".into(),
            model_json: String::new(),
            window_from: None,
            window_to: None,
            last_event: Some(as_of),
            platform: None,
            accounts: 10,
            interactions: 20,
            weights: [0.0; 5],
        }
    }

    fn item(id: i64, as_of: i64, overall: f64, week: Option<f64>) -> HistoryItem<ScoreRow> {
        HistoryItem {
            run: run(id, as_of),
            as_of,
            topic: None,
            score: ScoreRow {
                account: 1,
                overall,
                raw: [0.0; 5],
                pct: [0.0; 5],
                askers: 0,
                askers_answered: 0,
                authenticity: None,
                expected: None,
            },
            week_delta: week,
            week_delta_note: week.is_none().then_some("no run a week earlier"),
            month_delta: None,
            month_delta_note: Some("no run a week earlier"),
        }
    }

    fn history(items: Vec<HistoryItem<ScoreRow>>) -> HistoryReport<ScoreRow> {
        HistoryReport {
            account: "ann".into(),
            topic: None,
            history: items,
            platform: "x".into(),
            platform_id: "14".into(),
            handle: Some("ann".into()),
        }
    }

    #[test]
    fn a_history_shows_changes_and_says_why_one_is_missing() {
        let h = history(vec![
            item(1, 0, 40.0, None),
            item(2, 8 * 86_400, 45.5, Some(5.5)),
        ]);
        let mut out = Vec::new();
        score_history(&mut out, &h).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "@ann across 2 runs:");
        assert!(lines[2].ends_with(&format!("{:>8} {:>8}", "—", "—")));
        assert!(lines[3].ends_with(&format!("{:>6} {:>8} {:>8}", "45.5", "+5.5", "—")));
        assert_eq!(lines[4], "  trend ▄▄  (oldest to newest, on 0-100)");
        assert!(lines[5].starts_with("  —: no run a week earlier ("));
        let mut out = Vec::new();
        score_history(&mut out, &history(vec![])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ann has no stored scores yet: run `earshot score`\n"
        );
    }
}
