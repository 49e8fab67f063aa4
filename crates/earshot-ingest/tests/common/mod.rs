//! Locating the shared real data (`shared/data` next to the repository, or `$EARSHOT_SHARED_DATA`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The directory of the shared real data, if present: `$EARSHOT_SHARED_DATA`, else the first
/// `shared/data` found next to an ancestor of this crate (the repository sits beside `shared/`).
pub fn shared_data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("EARSHOT_SHARED_DATA") {
        let d = PathBuf::from(d);
        return d.is_dir().then_some(d);
    }
    let mut dir: Option<&Path> = Some(Path::new(env!("CARGO_MANIFEST_DIR")));
    while let Some(d) = dir {
        let cand = d.join("shared").join("data");
        if cand.is_dir() {
            return Some(cand);
        }
        dir = d.parent();
    }
    None
}

/// The path of `rel` inside the shared data, or `None` after printing why the test is skipped.
/// With `CI=true` a missing file is a failure, not a skip.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let found = shared_data_dir()
        .map(|d| d.join(rel))
        .filter(|p| p.is_file());
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but ../shared/data/{rel} is missing (set EARSHOT_SHARED_DATA)");
        }
        println!("skipped: ../shared/data missing ({rel})");
    }
    found
}
