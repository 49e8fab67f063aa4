//! The window `earshot score` scores when it is given none: the data's latest dense period.
//!
//! Decay measures every reaction back from the window's end, so one database holding two datasets
//! years apart (Higgs 2012 beside the airline tweets of 2015), or one event dated years after the rest,
//! used to weigh all of the older data at 2^-100 and below and leave nothing to rank (issue 19). The
//! default window therefore ends at the last day that closes a span of [`HORIZON_HALF_LIVES`] half-lives
//! holding at least [`MIN_SHARE`] of the dated interactions, and starts that span before its end:
//! older reactions would weigh under 2^-60 of a fresh one anyway. Data that fits the span already
//! (every real dataset alone) is scored whole, exactly as before; when a window is chosen, the report
//! says which and what it left out.

use earshot_store::{Store, TimeWindow};

/// How many half-lives back from its end the default window reaches (a reaction that old weighs
/// 2^-60 ≈ 9e-19 of a fresh one): 420 days at the built-in 7-day half-life.
pub const HORIZON_HALF_LIVES: f64 = 60.0;

/// The share of the dated interactions a span must hold for its last day to end the default window:
/// a tail thinner than this after the data's main body (one stray late event) is left out.
pub const MIN_SHARE: f64 = 0.01;

const DAY: i64 = 86_400;

/// The window chosen for a score run given none, and what it leaves out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ChosenWindow {
    /// Start (inclusive), unix seconds; `None`: from the first event.
    pub from: Option<i64>,
    /// End (exclusive), unix seconds; `None`: to the last event.
    pub to: Option<i64>,
    /// Dated interactions before `from` and at or after `to`, and undated ones (a bounded window
    /// holds no undated interaction), all left out of the run.
    pub left_out_before: u64,
    pub left_out_after: u64,
    pub left_out_undated: u64,
    /// Why this window, in words.
    pub reason: String,
}

impl ChosenWindow {
    pub fn window(&self) -> TimeWindow {
        TimeWindow {
            from: self.from,
            to: self.to,
        }
    }
}

/// The index of the last day that closes a span of `horizon_days` days holding at least `MIN_SHARE`
/// of every day's count; `None` when no span does (data spread so thin that any window would hold
/// little of it: then all of it is scored). `days` is sorted by day.
fn last_dense_day(days: &[(i64, u64)], horizon_days: i64) -> Option<usize> {
    let total: u64 = days.iter().map(|d| d.1).sum();
    let mut prefix = Vec::with_capacity(days.len() + 1);
    prefix.push(0u64);
    for d in days {
        prefix.push(prefix.last().copied().unwrap_or(0) + d.1);
    }
    (0..days.len()).rev().find(|&j| {
        let first_day = days[j].0.saturating_sub(horizon_days) + 1;
        let i = days.partition_point(|d| d.0 < first_day);
        (prefix[j + 1] - prefix[i]) as f64 >= MIN_SHARE * total as f64
    })
}

/// The default window for scoring `platform`'s interactions (all, when `None`) at `half_life_days`:
/// `None` when the data fits one span (or nothing decays, or nothing is dated), so the run scores
/// everything as it always did.
pub fn choose(
    store: &Store,
    platform: Option<&str>,
    half_life_days: f64,
) -> anyhow::Result<Option<ChosenWindow>> {
    if !(half_life_days > 0.0 && half_life_days.is_finite()) {
        return Ok(None);
    }
    let days = store.interactions_per_day(platform)?;
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(None);
    };
    let horizon_secs = (HORIZON_HALF_LIVES * half_life_days * DAY as f64).min(1e15) as i64;
    let horizon_days = (horizon_secs + DAY - 1) / DAY;
    if last.0 - first.0 < horizon_days {
        return Ok(None); // one span holds it all
    }
    let Some(j) = last_dense_day(&days, horizon_days) else {
        return Ok(None);
    };
    let after_day = TimeWindow {
        from: None,
        to: Some((days[j].0 + 1).saturating_mul(DAY)),
    };
    let to = if j + 1 < days.len() {
        store
            .last_interaction_time(after_day, platform)?
            .map(|t| t + 1)
    } else {
        None
    };
    let end = store.window_end(TimeWindow { from: None, to }, platform)?;
    let start = end.saturating_sub(horizon_secs);
    let from = (first.0.saturating_mul(DAY) < start).then_some(start);
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let count = |w: TimeWindow| store.interaction_count(w, platform);
    let left_out_before = match from {
        Some(f) => count(TimeWindow {
            from: None,
            to: Some(f),
        })?,
        None => 0,
    };
    let left_out_after = match to {
        Some(t) => count(TimeWindow {
            from: Some(t),
            to: None,
        })?,
        None => 0,
    };
    let dated: u64 = days.iter().map(|d| d.1).sum();
    let left_out_undated = count(TimeWindow::all())?.saturating_sub(dated);
    let span_days = horizon_secs as f64 / DAY as f64;
    let reason = format!(
        "no --from/--to given: the data's latest dense period, the {HORIZON_HALF_LIVES} half-lives \
         ({span_days:.0} days) up to the last day that closes such a span holding at least {}% of the \
         dated interactions; older reactions would weigh under 2^-60 of a fresh one",
        MIN_SHARE * 100.0
    );
    Ok(Some(ChosenWindow {
        from,
        to,
        left_out_before,
        left_out_after,
        left_out_undated,
        reason,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_dense_day_skips_a_thin_late_tail_and_keeps_a_dense_one() {
        // 1,000 interactions over ten days, then one a thousand days later: the stray day is thin.
        let mut days: Vec<(i64, u64)> = (0..10).map(|d| (d, 100)).collect();
        days.push((1_010, 1));
        assert_eq!(last_dense_day(&days, 420), Some(9));
        // A later body of 3% (the airline tweets after Higgs): it ends the window.
        days.push((1_020, 30));
        assert_eq!(last_dense_day(&days, 420), Some(days.len() - 1));
        // Spread so thin that no span holds 1%: no day qualifies.
        let thin: Vec<(i64, u64)> = (0..1_000).map(|d| (d * 1_000, 1)).collect();
        assert_eq!(last_dense_day(&thin, 420), None);
    }
}
