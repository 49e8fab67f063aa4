//! How a score's components sit in a table: each as its raw value column followed by its percentile
//! column, in component order. `scores` and `topic_scores` both lay them out so (five components and
//! four); these read and write that layout for both.

use rusqlite::types::ToSql;
use rusqlite::Row;

/// The `N` components' (raw, percentile) pairs as SQL parameters, in stored column order.
pub(crate) fn component_params<'a, const N: usize>(
    raw: &'a [f64; N],
    pct: &'a [f64; N],
) -> impl Iterator<Item = &'a dyn ToSql> {
    raw.iter()
        .zip(pct)
        .flat_map(|(r, p)| [r as &dyn ToSql, p as &dyn ToSql])
}

/// The `N` components' raw values and percentiles, read from the pairs of columns starting at `first`.
pub(crate) fn components_from<const N: usize>(
    r: &Row<'_>,
    first: usize,
) -> rusqlite::Result<([f64; N], [f64; N])> {
    let mut raw = [0.0; N];
    let mut pct = [0.0; N];
    for k in 0..N {
        raw[k] = r.get(first + 2 * k)?;
        pct[k] = r.get(first + 2 * k + 1)?;
    }
    Ok((raw, pct))
}
