//! `earshot plan`: chosen seeds with their guarantee, and the baselines.
