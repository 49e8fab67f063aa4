//! Stored interactions and posts as the plain dense rows earshot-diffusion takes (`forecast`, `plan`).

use anyhow::Result;
use earshot_diffusion::{InteractionRow, PostRow};
use earshot_graph::DenseIds;
use earshot_store::{Store, TimeWindow};

/// Posts and interactions over dense ids.
pub struct Rows {
    pub posts: Vec<PostRow>,
    pub interactions: Vec<InteractionRow>,
}

/// Read the interactions and posts of `window` (optionally of one platform) into rows over `ids`,
/// interning every account an interaction names. A post's author is interned too when
/// `authors_become_nodes`; otherwise posts of accounts `ids` does not hold are dropped (an account
/// without interactions can neither reach nor be reached). Undated interactions get time `i64::MIN`.
pub fn read(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    ids: &mut DenseIds,
    authors_become_nodes: bool,
) -> Result<Rows> {
    let mut full = false;
    let mut interactions = Vec::new();
    store.scan_interactions(window, platform, |r| {
        match (ids.intern(r.actor), ids.intern(r.target)) {
            (Some(actor), Some(target)) => interactions.push(InteractionRow {
                actor,
                target,
                kind: r.kind,
                time: r.time.unwrap_or(i64::MIN),
            }),
            _ => full = true,
        }
    })?;
    let mut posts = Vec::new();
    store.scan_posts(window, platform, |p| {
        let author = if authors_become_nodes {
            let d = ids.intern(p.author);
            full |= d.is_none();
            d
        } else {
            ids.get(p.author)
        };
        if let Some(author) = author {
            posts.push(PostRow {
                author,
                time: p.time,
            });
        }
    })?;
    if full {
        anyhow::bail!("more than 2^32 - 2 accounts: too many for one diffusion graph");
    }
    Ok(Rows {
        posts,
        interactions,
    })
}
