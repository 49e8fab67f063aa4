//! The writer's set of account ids it knows are stored, asked for the actor and the target of every
//! interaction. Ids are stable hashes, so an open-addressing table of plain `i64`s finds one in a
//! single cache line (linear probing from a multiplicative hash), where a general hash set reads a
//! control byte and then the key: on a 5.6M-line import the set was a fifth of the writer's time,
//! nearly all of it waiting for memory.

/// A set of `i64` ids, at most half full.
#[derive(Default)]
pub(crate) struct KnownIds {
    /// Power-of-two slots; `EMPTY` is a free slot (the id `EMPTY` itself is kept in `has_empty`).
    slots: Vec<i64>,
    len: usize,
    has_empty: bool,
}

const EMPTY: i64 = 0;

impl KnownIds {
    pub fn len(&self) -> usize {
        self.len + usize::from(self.has_empty)
    }

    pub fn clear(&mut self) {
        self.slots = Vec::new();
        self.len = 0;
        self.has_empty = false;
    }

    /// The first slot to look in for `id`.
    fn home(&self, id: i64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        // Fibonacci hashing: the top bits of the product, so ids that differ only in high bits spread.
        let h = (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - bits)) as usize
    }

    pub fn contains(&self, id: i64) -> bool {
        if id == EMPTY {
            return self.has_empty;
        }
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        loop {
            match self.slots[at] {
                EMPTY => return false,
                s if s == id => return true,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Read the first slot of each id, all before any answer is needed: the loads do not depend on
    /// each other, so the processor overlaps their cache misses, and [`KnownIds::contains`] then finds
    /// the lines in cache (a batch's ids, 16 KiB of them, touch at most 1 MiB).
    pub fn warm(&self, ids: impl IntoIterator<Item = i64>) {
        if self.slots.is_empty() {
            return;
        }
        let mut seen = 0i64;
        for id in ids {
            seen ^= self.slots[self.home(id)];
        }
        std::hint::black_box(seen);
    }

    /// Add `id`; whether it was new.
    pub fn insert(&mut self, id: i64) -> bool {
        if id == EMPTY {
            return !std::mem::replace(&mut self.has_empty, true);
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        loop {
            match self.slots[at] {
                EMPTY => {
                    self.slots[at] = id;
                    self.len += 1;
                    return true;
                }
                s if s == id => return false,
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        self.len = 0;
        for id in old.into_iter().filter(|&s| s != EMPTY) {
            self.insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashSet;

    #[test]
    fn it_answers_as_a_hash_set_does() {
        let mut set = KnownIds::default();
        let mut reference = FxHashSet::default();
        let mut x = 0x1234_5678_9abc_def0_u64;
        for step in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Random ids, small ones (clustered in one region of the table), 0, and repeats.
            let id = match step % 5 {
                0 => (x % 64) as i64,
                1 => 0,
                2 => -((x % 1000) as i64),
                _ => x as i64,
            };
            if step % 3 == 0 {
                assert_eq!(set.insert(id), reference.insert(id), "insert {id}");
            } else {
                assert_eq!(set.contains(id), reference.contains(&id), "contains {id}");
            }
            assert_eq!(set.len(), reference.len());
        }
        set.clear();
        assert_eq!(set.len(), 0);
        assert!(!set.contains(0) && !set.contains(x as i64));
    }
}
