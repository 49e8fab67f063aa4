//! Authenticity: how likely an account is automated or fake, as a calibrated probability with the
//! evidence behind it — never a verdict.
//!
//! The model is deliberately transparent: an L2-regularised logistic regression over a short list of
//! named features ([`features`]), each standardised, so that every probability splits into per-feature
//! contributions on the log-odds scale that `earshot trust explain` prints. [`eval`] cross-validates it
//! against labelled accounts, beside the rule set the press used for "fake follower" audits
//! ([`rules`]).
//!
//! This crate reads plain [`earshot_model::Account`] values and returns plain numbers: no SQL, no files.

pub mod behaviour;
pub mod bursts;
pub mod eval;
pub mod features;
pub mod labelled;
pub mod logistic;
pub mod model;
pub mod rules;
pub mod trees;
pub mod weights;

pub use behaviour::closed_group_weights;
pub use bursts::{find_bursts, Burst, BurstRule};
pub use eval::{
    cross_validate, leave_one_group_out, with_intervals, CrossValidation, HeldOut, Intervals,
    Labelled, Metrics,
};
pub use features::{FeatureContext, FeatureVector, NameBigrams, FEATURES};
pub use model::{Assessment, Classifier, Contribution, Learner, TrustError, TrustModel};
pub use trees::TreeParams;
pub use weights::{authenticity_weights, has_profile_evidence};
