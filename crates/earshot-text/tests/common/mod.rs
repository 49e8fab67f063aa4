//! Helpers shared by the real-data tests.

use std::path::{Path, PathBuf};

/// `$EARSHOT_SHARED_DATA`, else `shared/data` beside the repository.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("EARSHOT_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let p = dir.join(rel);
    if p.is_file() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but {} is missing (set EARSHOT_SHARED_DATA)",
            p.display()
        );
    }
    println!("skipped: {} missing (set EARSHOT_SHARED_DATA)", p.display());
    None
}
