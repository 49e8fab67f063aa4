//! `earshot bench`: the measurements.
