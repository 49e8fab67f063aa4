//! What the real-data tests of this crate share.

use std::path::{Path, PathBuf};

/// A file under `shared/data` beside the repository (or under `$EARSHOT_SHARED_DATA`); `None`, printing
/// why, when absent on a developer's machine; a panic when absent under `CI=true`.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let root = match std::env::var_os("EARSHOT_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let p = root.join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "real data {} is missing, and CI=true requires it",
            p.display()
        );
    }
    eprintln!(
        "skipped: real data {} is not here (set EARSHOT_SHARED_DATA)",
        p.display()
    );
    None
}
