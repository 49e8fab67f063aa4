//! Building a [`ReactionGraph`] from interaction rows: kind weights, time decay and reactor authenticity.

use crate::csr::EdgePlacer;
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
    edges: EdgeList,
}

/// The edges of a one-reading build: their ends, and their weights only once one of them is not 1.
/// Plain reaction counts (every edge 1) so take 8 bytes an interaction instead of 16, and the
/// placement after them 4 more ([`crate::EdgePlacer::unit`]).
#[derive(Debug, Default)]
struct EdgeList {
    ends: Vec<(u32, u32)>,
    /// `None` while every edge weighs 1.
    weights: Option<Vec<f64>>,
}

impl EdgeList {
    fn push(&mut self, e: Edge) {
        if e.weight != 1.0 && self.weights.is_none() {
            self.weights = Some(vec![1.0; self.ends.len()]);
        }
        self.ends.push((e.src, e.dst));
        if let Some(w) = &mut self.weights {
            w.push(e.weight);
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = Edge> + '_ {
        self.ends.iter().enumerate().map(|(i, &(src, dst))| Edge {
            src,
            dst,
            weight: self.weights.as_ref().map_or(1.0, |w| w[i]),
        })
    }
}

impl SnapshotBuilder {
    pub fn new(cfg: SnapshotConfig) -> Self {
        SnapshotBuilder {
            cfg,
            ids: DenseIds::new(),
            edges: EdgeList::default(),
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
        if let Some(edge) = self.numbered(self.edges.len(), actor, target, w)? {
            self.edges.push(edge);
        }
        Ok(())
    }

    /// The edge of an interaction of weight `w` (the `index`th that weighs something, for the error),
    /// its accounts numbered; `None` when it weighs nothing.
    fn numbered(
        &mut self,
        index: usize,
        actor: i64,
        target: i64,
        w: f64,
    ) -> Result<Option<Edge>, GraphError> {
        if !(w.is_finite() && w >= 0.0) {
            return Err(GraphError::BadWeight { index, weight: w });
        }
        if w == 0.0 {
            return Ok(None);
        }
        let (Some(src), Some(dst)) = (self.ids.intern(actor), self.ids.intern(target)) else {
            return Err(GraphError::TooManyNodes);
        };
        Ok(Some(Edge {
            src,
            dst,
            weight: w,
        }))
    }

    /// Interactions added that weigh something: the edges held until [`SnapshotBuilder::build`].
    pub fn edges(&self) -> usize {
        self.edges.len()
    }

    pub fn build(self) -> Result<Snapshot, GraphError> {
        let n = u32::try_from(self.ids.len()).map_err(|_| GraphError::TooManyNodes)?;
        let graph = ReactionGraph::from_edge_source(n, || self.edges.iter())?;
        Ok(Snapshot {
            graph,
            ids: self.ids,
        })
    }
}

/// The first of two readings of the interactions: their accounts numbered as [`SnapshotBuilder`]
/// numbers them and each target's edges counted, so that the second reading ([`SnapshotPlacer`]) puts
/// every edge straight into its place. At the peak only the placed edges are held (16 bytes an
/// interaction, or 4 when every one weighs exactly 1), where [`SnapshotBuilder`] holds a list of edges
/// and then a second one sorted by target (32, or 20).
pub struct SnapshotCounter {
    weights: SnapshotBuilder,
    in_degrees: Vec<u64>,
    /// Interactions counted that weigh something, for the index a weight error names.
    edges: usize,
    /// Whether every one of them weighs exactly 1 (plain reaction counts: no decay, no stored weights,
    /// no discounted reactor), so that the second reading places reactors alone, 4 bytes an
    /// interaction ([`EdgePlacer::unit`]).
    unit: bool,
}

impl SnapshotCounter {
    pub fn new(cfg: SnapshotConfig) -> Self {
        SnapshotCounter {
            weights: SnapshotBuilder::new(cfg),
            in_degrees: Vec::new(),
            edges: 0,
            unit: true,
        }
    }

    /// Count one interaction, as [`SnapshotBuilder::add`] adds it.
    pub fn count(
        &mut self,
        actor: i64,
        target: i64,
        kind: InteractionKind,
        time: Option<Timestamp>,
        weight: f64,
        authenticity: f64,
    ) -> Result<(), GraphError> {
        let w = self.weights.edge_weight(kind, time, weight, authenticity);
        let Some(edge) = self.weights.numbered(self.edges, actor, target, w)? else {
            return Ok(());
        };
        let nodes = self.weights.ids.len();
        if self.in_degrees.len() < nodes {
            self.in_degrees.resize(nodes, 0);
        }
        self.in_degrees[edge.dst as usize] += 1;
        self.edges += 1;
        self.unit &= edge.weight == 1.0;
        Ok(())
    }

    /// Go on counting where `builder` stopped adding: its accounts keep their numbers and its edges
    /// are counted, then let go. The second reading must give every interaction, those `builder` was
    /// given too.
    pub fn from_builder(builder: SnapshotBuilder) -> Self {
        let SnapshotBuilder { cfg, ids, edges } = builder;
        let mut in_degrees = vec![0u64; ids.len()];
        for &(_, dst) in &edges.ends {
            in_degrees[dst as usize] += 1;
        }
        SnapshotCounter {
            edges: edges.len(),
            unit: edges.weights.is_none(),
            weights: SnapshotBuilder {
                cfg,
                ids,
                edges: EdgeList::default(),
            },
            in_degrees,
        }
    }

    /// Ready for the second reading.
    pub fn placer(mut self) -> SnapshotPlacer {
        self.in_degrees.resize(self.weights.ids.len(), 0);
        let placer = if self.unit {
            EdgePlacer::unit(self.in_degrees)
        } else {
            EdgePlacer::new(self.in_degrees)
        };
        SnapshotPlacer {
            placer,
            weights: self.weights,
        }
    }
}

/// The second reading: the same interactions again, each placed (see [`SnapshotCounter`]). An
/// interaction not counted the first time (the input changed between the readings) is an error.
pub struct SnapshotPlacer {
    weights: SnapshotBuilder,
    placer: EdgePlacer,
}

impl SnapshotPlacer {
    pub fn place(
        &mut self,
        actor: i64,
        target: i64,
        kind: InteractionKind,
        time: Option<Timestamp>,
        weight: f64,
        authenticity: f64,
    ) -> Result<(), GraphError> {
        let w = self.weights.edge_weight(kind, time, weight, authenticity);
        if w == 0.0 {
            return Ok(());
        }
        let ids = &self.weights.ids;
        let (Some(src), Some(dst)) = (ids.get(actor), ids.get(target)) else {
            return Err(GraphError::Uncounted {
                why: "an account not met the first time",
            });
        };
        self.placer.place(src, dst, w)
    }

    pub fn build(self) -> Result<Snapshot, GraphError> {
        Ok(Snapshot {
            graph: self.placer.finish()?,
            ids: self.weights.ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interactions with repeats, zero weights (follows), decay and huge weights.
    fn stream() -> Vec<(i64, i64, InteractionKind, Option<Timestamp>, f64)> {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let kinds = InteractionKind::ALL;
        (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let kind = kinds[(x % kinds.len() as u64) as usize];
                let weight = [1.0, 0.5, 3.0, 1e30, 0.0][((x >> 8) % 5) as usize];
                let time = (!x.is_multiple_of(3))
                    .then_some(1_700_000_000 + ((x >> 20) % 10_000_000) as i64);
                (
                    ((x >> 32) % 900) as i64 - 450,
                    ((x >> 44) % 300) as i64 * 7919,
                    kind,
                    time,
                    weight,
                )
            })
            .collect()
    }

    fn cfg() -> SnapshotConfig {
        SnapshotConfig {
            half_life: Some(86_400.0 * 7.0),
            reference_time: 1_710_000_000,
            ..SnapshotConfig::default()
        }
    }

    #[test]
    fn counting_then_placing_builds_the_graph_adding_builds() {
        let rows = stream();
        let mut builder = SnapshotBuilder::new(cfg());
        let mut counter = SnapshotCounter::new(cfg());
        for &(a, t, k, time, w) in &rows {
            builder.add(a, t, k, time, w, 0.9).unwrap();
            counter.count(a, t, k, time, w, 0.9).unwrap();
        }
        let mut placer = counter.placer();
        // The second reading may come in any order.
        for &(a, t, k, time, w) in rows.iter().rev() {
            placer.place(a, t, k, time, w, 0.9).unwrap();
        }
        // Adding the first half, then counting on from there.
        let mut half = SnapshotBuilder::new(cfg());
        for &(a, t, k, time, w) in &rows[..10_000] {
            half.add(a, t, k, time, w, 0.9).unwrap();
        }
        let mut switched = SnapshotCounter::from_builder(half);
        for &(a, t, k, time, w) in &rows[10_000..] {
            switched.count(a, t, k, time, w, 0.9).unwrap();
        }
        let mut switched = switched.placer();
        for &(a, t, k, time, w) in &rows {
            switched.place(a, t, k, time, w, 0.9).unwrap();
        }
        let one = builder.build().unwrap();
        for two in [placer.build().unwrap(), switched.build().unwrap()] {
            assert_eq!(one.ids.externals(), two.ids.externals());
            assert_eq!(one.graph, two.graph);
        }
        assert!(one.graph.edges() > 1000);
    }

    /// Plain reaction counts (every interaction weighs 1) take the 4-byte placement; the graph is
    /// still the one-reading builder's, and a second reading that brings a weight other than 1 (the
    /// store changed in between) is refused.
    #[test]
    fn unit_weights_are_placed_as_reactors_alone_and_give_the_same_graph() {
        let rows: Vec<_> = stream()
            .into_iter()
            .map(|(a, t, k, _, _)| (a, t, k, None, 1.0))
            .collect();
        let mut builder = SnapshotBuilder::new(SnapshotConfig::default());
        let mut counter = SnapshotCounter::new(SnapshotConfig::default());
        for &(a, t, k, time, w) in &rows {
            builder.add(a, t, k, time, w, 1.0).unwrap();
            counter.count(a, t, k, time, w, 1.0).unwrap();
        }
        assert!(counter.unit);
        let mut placer = counter.placer();
        for &(a, t, k, time, w) in rows.iter().rev() {
            placer.place(a, t, k, time, w, 1.0).unwrap();
        }
        let (one, two) = (builder.build().unwrap(), placer.build().unwrap());
        assert_eq!(one.ids.externals(), two.ids.externals());
        assert_eq!(one.graph, two.graph);
        assert!(!one.graph.is_unit_weighted(), "repeats merge into counts");

        let mut counter = SnapshotCounter::new(SnapshotConfig::default());
        for &(a, t, k, time, w) in &rows {
            counter.count(a, t, k, time, w, 1.0).unwrap();
        }
        let mut placer = counter.placer();
        let (a, t, k, _, _) = rows.iter().find(|r| r.2.is_reaction()).copied().unwrap();
        assert!(matches!(
            placer.place(a, t, k, None, 2.0, 1.0),
            Err(GraphError::Uncounted { .. })
        ));
    }

    #[test]
    fn a_second_reading_that_differs_is_refused() {
        let rows = stream();
        let counted = |n: usize| {
            let mut counter = SnapshotCounter::new(cfg());
            for &(a, t, k, time, w) in &rows[..n] {
                counter.count(a, t, k, time, w, 1.0).unwrap();
            }
            counter.placer()
        };
        let place_all =
            |mut p: SnapshotPlacer,
             rows: &[(i64, i64, InteractionKind, Option<Timestamp>, f64)]| {
                for &(a, t, k, time, w) in rows {
                    p.place(a, t, k, time, w, 1.0)?;
                }
                p.build().map(|_| ())
            };
        let reply = InteractionKind::Reply;
        // One interaction more, one fewer, and one by an account never counted.
        assert!(place_all(counted(100), &rows[..101]).is_err());
        assert!(place_all(counted(100), &rows[..99]).is_err());
        let mut stranger = rows[..100].to_vec();
        stranger[0] = (1 << 40, 1 << 41, reply, None, 1.0);
        assert!(matches!(
            place_all(counted(100), &stranger),
            Err(GraphError::Uncounted { .. })
        ));
        assert!(place_all(counted(100), &rows[..100]).is_ok());
    }

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
