//! Building a [`ReactionGraph`] from interaction rows: kind weights, time decay and reactor authenticity.

use crate::{DenseIds, Edge, GraphError, ReactionGraph};
use earshot_model::{InteractionKind, Timestamp};

/// Weight of one reaction of each kind. Follows and unfollows weigh 0 by default: a follow is not a
/// reaction to anything the account said (PRODUCT.md, requirement 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindWeights(pub [f64; 7]);

impl KindWeights {
    /// Every reaction kind 1, follows 0: plain reaction counts.
    pub const UNIT_REACTIONS: KindWeights = KindWeights([1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    /// Every kind 1, follows included: the graph exactly as stored (for checks against other tools).
    pub const ALL_UNIT: KindWeights = KindWeights([1.0; 7]);

    pub fn get(&self, kind: InteractionKind) -> f64 {
        self.0[kind_index(kind)]
    }

    pub fn set(&mut self, kind: InteractionKind, w: f64) {
        self.0[kind_index(kind)] = w;
    }
}

fn kind_index(kind: InteractionKind) -> usize {
    InteractionKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)
}

/// The most one interaction can weigh once kind weight, decay and its own weight are multiplied: 2^64.
/// A stored weight of 1e50 (which the formats accept: any finite number ≥ 0) counts as this much, so
/// that sums over many reactions stay finite and no score depends on the order they are added in.
pub const REACTION_WEIGHT_MAX: f64 = 18_446_744_073_709_551_616.0;

/// How raw interactions become edge weights.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotConfig {
    pub kind_weights: KindWeights,
    /// Exponential decay: a reaction `half_life` seconds older than `reference_time` counts half.
    /// `None`: no decay.
    pub half_life: Option<f64>,
    /// The instant decay is measured back from (normally the end of the window).
    pub reference_time: Timestamp,
}

impl Default for SnapshotConfig {
    fn default() -> Self {
        SnapshotConfig {
            kind_weights: KindWeights::UNIT_REACTIONS,
            half_life: None,
            reference_time: 0,
        }
    }
}

/// A graph and the mapping between its dense ids and the store's account ids.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub graph: ReactionGraph,
    pub ids: DenseIds,
}

/// Collects weighted edges reactor → author, then builds the CSR.
#[derive(Debug)]
pub struct SnapshotBuilder {
    cfg: SnapshotConfig,
    ids: DenseIds,
    edges: Vec<Edge>,
}

impl SnapshotBuilder {
    pub fn new(cfg: SnapshotConfig) -> Self {
        SnapshotBuilder {
            cfg,
            ids: DenseIds::new(),
            edges: Vec::new(),
        }
    }

    /// The weight one interaction contributes: kind weight × decay × its own weight × the reactor's
    /// authenticity (a value in [0, 1]; 1 until authenticity scoring exists), at most
    /// [`REACTION_WEIGHT_MAX`]. Where the plain product would overflow, or underflow to 0 though no
    /// factor is 0 (a heavy reaction many half-lives old), it is taken in log space instead, so every
    /// finite weight ≥ 0 at any age gives a finite weight ≥ 0; otherwise it is the plain product, the
    /// same number as ever.
    pub fn edge_weight(
        &self,
        kind: InteractionKind,
        time: Option<Timestamp>,
        weight: f64,
        authenticity: f64,
    ) -> f64 {
        let half_lives = match (self.cfg.half_life, time) {
            (Some(h), Some(t)) if h > 0.0 => {
                self.cfg.reference_time.saturating_sub(t).max(0) as f64 / h
            }
            _ => 0.0,
        };
        let (kind_weight, authenticity) = (
            self.cfg.kind_weights.get(kind),
            authenticity.clamp(0.0, 1.0),
        );
        let plain = kind_weight * 0.5f64.powf(half_lives) * weight * authenticity;
        let some_factor_zero = kind_weight == 0.0 || weight == 0.0 || authenticity == 0.0;
        if plain.is_nan() || (plain <= REACTION_WEIGHT_MAX && (plain > 0.0 || some_factor_zero)) {
            return plain; // NaN only from a NaN input: `add` refuses it
        }
        let log2 = kind_weight.log2() + weight.log2() + authenticity.log2() - half_lives;
        log2.min(REACTION_WEIGHT_MAX.log2()).exp2()
    }

    /// Add one interaction `actor` → `target` (stable account ids). Interactions that weigh nothing
    /// (follows by default) add neither an edge nor a node.
    pub fn add(
        &mut self,
        actor: i64,
        target: i64,
        kind: InteractionKind,
        time: Option<Timestamp>,
        weight: f64,
        authenticity: f64,
    ) -> Result<(), GraphError> {
        let w = self.edge_weight(kind, time, weight, authenticity);
        if !(w.is_finite() && w >= 0.0) {
            return Err(GraphError::BadWeight {
                index: self.edges.len(),
                weight: w,
            });
        }
        if w == 0.0 {
            return Ok(());
        }
        let (Some(src), Some(dst)) = (self.ids.intern(actor), self.ids.intern(target)) else {
            return Err(GraphError::TooManyNodes);
        };
        self.edges.push(Edge {
            src,
            dst,
            weight: w,
        });
        Ok(())
    }

    pub fn build(self) -> Result<Snapshot, GraphError> {
        let n = u32::try_from(self.ids.len()).map_err(|_| GraphError::TooManyNodes)?;
        let graph = ReactionGraph::from_edges(n, &self.edges)?;
        Ok(Snapshot {
            graph,
            ids: self.ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_decay_and_authenticity_weight_edges() {
        let cfg = SnapshotConfig {
            half_life: Some(100.0),
            reference_time: 1_000,
            ..Default::default()
        };
        let mut b = SnapshotBuilder::new(cfg);
        b.add(10, 20, InteractionKind::Reshare, Some(1_000), 1.0, 1.0)
            .unwrap();
        b.add(10, 20, InteractionKind::Like, Some(900), 1.0, 1.0)
            .unwrap(); // one half-life old: 0.5
        b.add(30, 20, InteractionKind::Reply, Some(1_000), 1.0, 0.25)
            .unwrap(); // doubtful reactor
        b.add(40, 20, InteractionKind::Follow, Some(1_000), 1.0, 1.0)
            .unwrap(); // weighs nothing
        let s = b.build().unwrap();
        assert_eq!(s.ids.len(), 3, "the follower is not a node");
        let target = s.ids.get(20).unwrap();
        let edges: Vec<(i64, f64)> = s
            .graph
            .in_edges(target)
            .map(|(u, w)| (s.ids.external(u), w))
            .collect();
        assert_eq!(edges, vec![(10, 1.5), (30, 0.25)]);
    }

    #[test]
    fn extreme_weights_and_ages_stay_finite_and_bounded() {
        let cfg = SnapshotConfig {
            kind_weights: KindWeights([3.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
            half_life: Some(7.0 * 86_400.0),
            reference_time: 1 << 40,
        };
        let b = SnapshotBuilder::new(cfg);
        let w = |time, weight| b.edge_weight(InteractionKind::ALL[0], Some(time), weight, 1.0);
        assert_eq!(
            w(1 << 40, f64::MAX),
            REACTION_WEIGHT_MAX,
            "capped, not infinite"
        );
        assert_eq!(w(1 << 40, 1e50), REACTION_WEIGHT_MAX);
        // 1e300 a year old: the plain product overflows first, log space gives the true value.
        let year = w((1 << 40) - 365 * 86_400, 1e300);
        assert!(year.is_finite() && year > 0.0 && year <= REACTION_WEIGHT_MAX);
        // Ten thousand years old, of weight 1e300: 2^(-520,000 + 997) is 0, never NaN.
        assert_eq!(w(0, 1e300), 0.0);
        assert_eq!(w(0, 0.0), 0.0);
        // Ordinary weights: the plain product, unchanged.
        assert_eq!(w(1 << 40, 2.0), 6.0);
    }

    #[test]
    fn future_reactions_do_not_grow() {
        let cfg = SnapshotConfig {
            half_life: Some(10.0),
            reference_time: 0,
            ..Default::default()
        };
        let b = SnapshotBuilder::new(cfg);
        assert_eq!(
            b.edge_weight(InteractionKind::Reply, Some(50), 1.0, 1.0),
            1.0
        );
        assert_eq!(b.edge_weight(InteractionKind::Reply, None, 2.0, 1.0), 2.0);
    }
}
