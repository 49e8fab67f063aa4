//! Compact graphs of who reacted to whom, and the kernels that run on them.
//!
//! A [`ReactionGraph`] is a CSR of *incoming* edges: for each target (dense `u32` id), the reactors that
//! reacted to it and the weight of their reactions. Incoming order is what pull-direction kernels want
//! (each target sums over its reactors with no atomics), and a contiguous [`VertexRange`] of targets with
//! their incoming edges is the unit of work a later distributed run hands to each worker.
//!
//! Communities are found on an [`UndirectedGraph`] (a reaction graph with directions folded together, or
//! any weighted edge list) by [`louvain`], and judged by [`modularity`] and, against known groups, [`nmi`].
//!
//! This crate takes plain slices and returns plain values: it knows nothing of SQL, files or HTTP.

mod binary;
mod blocksum;
mod community;
mod csr;
mod dense;
mod pagerank;
mod snapshot;
mod undirected;

pub use community::{louvain, modularity, nmi, LouvainOptions, Partition};
pub use csr::{
    Edge, EdgePlacer, GraphError, ReactionGraph, VertexRange, WEIGHT_CEILING, WEIGHT_FLOOR,
};
pub use dense::DenseIds;
pub use pagerank::{pagerank, PageRank, PageRankConfig, Precision, SINGLE_PRECISION_FLOOR};
pub use snapshot::{
    KindWeights, Snapshot, SnapshotBuilder, SnapshotConfig, SnapshotCounter, SnapshotPlacer,
    REACTION_WEIGHT_MAX,
};
pub use undirected::UndirectedGraph;
