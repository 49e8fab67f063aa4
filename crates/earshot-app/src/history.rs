//! An account's score across runs, and the week and month changes between them.

/// Why a history shows no change: no earlier run of the account is old enough to compare with.
fn no_delta(days: i64) -> &'static str {
    if days >= 30 {
        "no run a month earlier"
    } else {
        "no run a week earlier"
    }
}

/// The change of the `k`-th run of a history (each run's as-of instant and score, oldest first)
/// against the latest earlier run at least `days` older by the instant each describes; without one,
/// why there is none.
pub fn delta(points: &[(i64, f64)], k: usize, days: i64) -> Result<f64, &'static str> {
    let (as_of, score) = points[k];
    points[..k]
        .iter()
        .rev()
        .find(|(t, _)| *t <= as_of - days * 86_400)
        .map(|(_, old)| score - old)
        .ok_or(no_delta(days))
}

/// The `k`-th run's week and month changes as JSON fields: `week_delta` and `month_delta`, each null
/// with a `…_note` saying why when there is no run to compare with (the note is null otherwise).
pub fn delta_fields(points: &[(i64, f64)], k: usize, record: &mut serde_json::Value) {
    let Some(map) = record.as_object_mut() else {
        return;
    };
    for (name, days) in [("week_delta", 7), ("month_delta", 30)] {
        let d = delta(points, k, days);
        map.insert(name.into(), d.ok().into());
        map.insert(format!("{name}_note"), d.err().into());
    }
}
