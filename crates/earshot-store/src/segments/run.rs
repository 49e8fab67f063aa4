//! A run of interactions on its way to a segment, kept in buckets by the leading part of the log's
//! sort key: the kind, then the top bits of the target, which is a hashed id and so spreads evenly.
//! Sorting the run is then sorting each bucket, a thousand-odd rows that stay in cache, and reading the
//! buckets in order. Sorting a 4M-row run as one slice was a seventh of a Higgs import (`perf`),
//! nearly all of it moving 72-byte rows through memory.

use super::LogRow;

/// Bits of the target that split each kind's rows.
const TARGET_BITS: u32 = 9;
/// Kinds below this are split by target; any other kind (none today: codes are 1 to 7) shares the
/// last bucket, which sorts whole.
const SPLIT_KINDS: u8 = 8;
const BUCKETS: usize = ((SPLIT_KINDS as usize) << TARGET_BITS) + 1;

#[derive(Default)]
pub(crate) struct Run {
    /// Empty until the first row; then [`BUCKETS`] buckets in key order.
    buckets: Vec<Vec<LogRow>>,
    len: usize,
}

/// The bucket of a row: buckets in index order hold rows in key order.
fn bucket(row: &LogRow) -> usize {
    if row.kind < SPLIT_KINDS {
        // The target's bits in the order of the signed ids they are.
        let target = (row.target as u64) ^ (1 << 63);
        (usize::from(row.kind) << TARGET_BITS) | (target >> (64 - TARGET_BITS)) as usize
    } else {
        BUCKETS - 1
    }
}

impl Run {
    pub fn push(&mut self, row: LogRow) {
        if self.buckets.is_empty() {
            self.buckets.resize_with(BUCKETS, Vec::new);
        }
        let b = &mut self.buckets[bucket(&row)];
        if b.len() == b.capacity() {
            // Half again rather than double: the buckets' spare room is the run's extra memory.
            b.reserve_exact((b.capacity() / 2).max(16));
        }
        b.push(row);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sort the run by the log's key and keep one row of each key (the first pushed of equal rows is
    /// not guaranteed: equal keys are the same interaction). Returns how many were dropped.
    pub fn sort_and_dedup(&mut self) -> u64 {
        let before = self.len;
        for b in &mut self.buckets {
            b.sort_unstable_by_key(LogRow::key);
            b.dedup_by_key(|r| r.key());
        }
        self.len = self.buckets.iter().map(Vec::len).sum();
        (before - self.len) as u64
    }

    /// The rows, in key order once [`Run::sort_and_dedup`] has run.
    pub fn rows(&self) -> impl Iterator<Item = &LogRow> {
        self.buckets.iter().flatten()
    }

    /// Empty the run, keeping each bucket's room for the next (runs of one import fill alike).
    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_out_in_key_order_each_key_once() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut run = Run::default();
        let mut all = Vec::new();
        for n in 0..50_000 {
            let r = next();
            let row = LogRow {
                // Every kind code, an unknown one, and extreme targets.
                kind: [1, 2, 3, 5, 7, 9, 200][(r % 7) as usize],
                target: match n % 5 {
                    0 => i64::MIN + (r % 3) as i64,
                    1 => i64::MAX - (r % 3) as i64,
                    2 => (r % 100) as i64 - 50,
                    _ => r as i64,
                },
                time: (r % 4 != 0).then_some((r >> 40) as i64 - 1000),
                id: (r % 20_000) as i64,
                ..LogRow::default()
            };
            run.push(row);
            all.push(row);
        }
        let dropped = run.sort_and_dedup();
        all.sort_unstable_by_key(LogRow::key);
        all.dedup_by_key(|r| r.key());
        let got: Vec<_> = run.rows().map(LogRow::key).collect();
        let want: Vec<_> = all.iter().map(LogRow::key).collect();
        assert_eq!(got, want);
        assert_eq!(run.len(), all.len());
        assert_eq!(dropped as usize, 50_000 - all.len());
        assert!(dropped > 0, "the test makes repeated keys");
        run.clear();
        assert!(run.is_empty() && run.rows().next().is_none());
    }
}
