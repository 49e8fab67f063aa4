//! `earshot authority`: PageRank over a window's reactions.
