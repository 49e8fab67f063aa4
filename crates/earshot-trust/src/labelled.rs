//! A labelled account as training and evaluation read it: apart from both, so that the model (which
//! trains on them) and the evaluation (which trains models) do not import each other.

use crate::features::FeatureContext;
use earshot_model::Account;

/// One labelled account and what evaluation needs beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub account: Account,
    /// Its age reference: the latest creation time in its dataset.
    pub ctx: FeatureContext,
    /// The press rule set's failed share ([`crate::rules::failed_share`]).
    pub rules: Option<f64>,
    /// `true` = automated or fake.
    pub label: bool,
    /// The dataset it came from (earshot: its platform): training balances datasets, and
    /// leave-one-dataset-out holds one out.
    pub group: String,
}
