//! The influence graphs of earshot's shared data, by name, and how each is read.

use crate::sources::edge_list::LoadOptions;
use std::path::{Path, PathBuf};

/// The file and reading options of graph `name`: a named graph of the shared data's `im-graphs/`
/// folder under `data` (nethept, nethept-wc, slashdot, email-eu-core), or else `name` as the path of
/// a directed edge list with weighted-cascade probabilities.
pub fn resolve(data: &Path, name: &str) -> (PathBuf, LoadOptions) {
    let named = |file: &str, opts| (data.join("im-graphs").join(file), opts);
    match name {
        "nethept" => named(
            "nethept_chen.txt",
            LoadOptions::undirected_weighted_cascade(),
        ),
        "nethept-wc" => named(
            "nethept_wc_weighted.txt",
            LoadOptions::directed_with_probabilities(),
        ),
        "slashdot" => named(
            "soc-Slashdot0902.txt.gz",
            LoadOptions::directed_weighted_cascade(),
        ),
        "email-eu-core" => named(
            "email-Eu-core.txt.gz",
            LoadOptions::directed_weighted_cascade(),
        ),
        path => (
            PathBuf::from(path),
            LoadOptions::directed_weighted_cascade(),
        ),
    }
}
