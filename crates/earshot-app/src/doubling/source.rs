//! The stored posts of one platform (or all) as cascades over dense account ids.

use anyhow::Result;
use earshot_diffusion::doubling::{cascades_from_rows, Cascade};
use earshot_graph::DenseIds;
use earshot_store::{Store, TimeWindow};

/// Every stored post's cascade, with the ids behind it.
pub(super) struct StoredCascades {
    pub ids: DenseIds,
    /// The stored id of each cascade's post, by index.
    pub post_ids: Vec<i64>,
    pub cascades: Vec<Cascade>,
}

/// All stored posts (optionally of one platform) and the reshares that name them.
pub(super) fn read(store: &Store, platform: Option<&str>) -> Result<StoredCascades> {
    let mut ids = DenseIds::new();
    let rows = crate::sources::diffusion::read(store, TimeWindow::all(), platform, &mut ids, true)?;
    let cascades = cascades_from_rows(&rows.posts, &rows.interactions);
    Ok(StoredCascades {
        ids,
        post_ids: rows.post_ids,
        cascades,
    })
}
