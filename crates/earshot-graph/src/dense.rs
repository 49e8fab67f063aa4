//! Dense `u32` ids for kernels, from the stable `i64` ids the store uses.

use rustc_hash::FxHashMap;

/// Assigns dense ids `0..n` to external ids in order of first sight, and maps back.
#[derive(Debug, Default, Clone)]
pub struct DenseIds {
    to_dense: FxHashMap<i64, u32>,
    to_external: Vec<i64>,
}

impl DenseIds {
    pub fn new() -> Self {
        Self::default()
    }

    /// The dense id of `external`, assigning the next one if it is new. `None` once 2^32 - 1 ids exist.
    pub fn intern(&mut self, external: i64) -> Option<u32> {
        if let Some(&d) = self.to_dense.get(&external) {
            return Some(d);
        }
        let d = u32::try_from(self.to_external.len())
            .ok()
            .filter(|&d| d < u32::MAX)?;
        self.to_dense.insert(external, d);
        self.to_external.push(external);
        Some(d)
    }

    pub fn get(&self, external: i64) -> Option<u32> {
        self.to_dense.get(&external).copied()
    }

    pub fn external(&self, dense: u32) -> i64 {
        self.to_external[dense as usize]
    }

    pub fn len(&self) -> usize {
        self.to_external.len()
    }

    pub fn is_empty(&self) -> bool {
        self.to_external.is_empty()
    }

    /// External ids indexed by dense id.
    pub fn externals(&self) -> &[i64] {
        &self.to_external
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_in_first_sight_order() {
        let mut d = DenseIds::new();
        assert_eq!(d.intern(-5), Some(0));
        assert_eq!(d.intern(99), Some(1));
        assert_eq!(d.intern(-5), Some(0));
        assert_eq!(d.len(), 2);
        assert_eq!(d.external(1), 99);
        assert_eq!(d.get(7), None);
    }
}
