//! Will a post's cascade double? Cheng et al.'s "can cascades be predicted?" setting (WWW 2014) on the
//! stored posts and reshares: among posts reshared at least `k` times, from what was seen by the `k`-th
//! reshare (how fast the reshares came, the author's and the early adopters' earlier cascades), predict
//! whether the post reaches `2k` reshares. The features and the no-leakage rule are earshot-diffusion's
//! (`doubling`); the classifier is earshot-trust's L2 logistic regression on standardised features.
//!
//! Two use cases: [`evaluate_doubling`] (`earshot forecast --doubling`) fits on posts before a cut,
//! chooses its setting on a validation split and tests once on the posts after a second cut, beside the
//! majority class, random guessing and the time to the `k`-th reshare alone; [`forecast_post_doubling`]
//! (`earshot forecast --post ID --at T`) says what one post had by `T` and, with `k` reshares or more,
//! how likely it is to double, from a model fitted on what was known at `T`.

mod classifier;
mod evaluate;
mod post;
mod source;

pub use classifier::{FeatureSet, FeatureWeight, Setting, Settling};
pub use evaluate::{
    evaluate_doubling, DoublingEvalReport, DoublingEvalRequest, SettingScore, SplitCounts,
    TestResult,
};
pub use post::{
    forecast_post_doubling, EarlyAdopter, FeatureContribution, PostDoublingReport,
    PostDoublingRequest, PostModel,
};

/// How training labels are read, said in every report: a post fitted on is labelled by the reshares
/// seen before the instant the model is fitted at, so a post still growing then counts as it stood.
pub const LABELS_AS_KNOWN: &str =
    "training posts are labelled by the reshares they had before the cut (what was known then)";
