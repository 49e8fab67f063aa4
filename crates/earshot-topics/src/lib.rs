//! Topics of social posts, for "influence in an area" (PRODUCT.md, requirements 4 and 7).
//!
//! * [`extract`] splits a post into its topic-bearing [`PostTerms`]: hashtags, cashtags, mentions and,
//!   for text we can read, words. Language is detected with `whatlang`; posts in languages we have no
//!   word lists for fall back to their tags.
//! * [`Taxonomy`] is a user's TOML file naming topics by keywords, hashtags, cashtags and accounts;
//!   [`Matcher`] assigns posts to its topics and says which term matched, so an assignment can be
//!   explained.
//! * [`discover`] finds topics without a taxonomy, by clustering the co-occurrence graph of hashtags
//!   and keywords, and labels each with its most central terms. Its output is itself a [`Taxonomy`],
//!   so a user can start from the discovered topics and edit them.
//!
//! This crate knows nothing of SQL, graphs of accounts or files: it works on text and terms.

pub mod advocacy;
mod discover;
mod taxonomy;
mod terms;

pub use discover::{
    discover, DiscoverOptions, Discovered, DiscoveredTopic, TAXONOMY_TERMS_PER_TOPIC,
};
pub use taxonomy::{Hit, Matcher, Taxonomy, TaxonomyError, TopicDef};
pub use terms::{extract, is_keyword, is_stopword, Language, PostTerms};
