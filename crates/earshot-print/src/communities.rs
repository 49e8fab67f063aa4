//! `earshot communities`: Louvain communities with their leading accounts.
