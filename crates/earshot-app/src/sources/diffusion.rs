//! Stored interactions and posts as the plain dense rows earshot-diffusion takes (`forecast`, `plan`).

use anyhow::Result;
use earshot_diffusion::{InteractionRow, PostLink, PostRow};
use earshot_graph::DenseIds;
use earshot_store::{Store, TimeWindow};
use std::collections::HashMap;

/// Posts and interactions over dense ids.
pub struct Rows {
    pub posts: Vec<PostRow>,
    /// The stored id of each post, by row.
    pub post_ids: Vec<i64>,
    pub interactions: Vec<InteractionRow>,
    /// Adoptions (interactions naming a post) whose post is not among `posts`: made before the window,
    /// or by an account outside the graph. They are credited to no post.
    pub naming_other_posts: u64,
}

/// Read the interactions and posts of `window` (optionally of one platform) into rows over `ids`,
/// interning every account an interaction names. A post's author is interned too when
/// `authors_become_nodes`; otherwise posts of accounts `ids` does not hold are dropped (an account
/// without interactions can neither reach nor be reached). Undated interactions get time `i64::MIN`.
/// An interaction that names a post links to its row ([`PostLink::Row`]), or to [`PostLink::Outside`]
/// when the post is not among the rows read: it is never re-guessed by time. Undated interactions (the
/// follow edges of a social graph) are standing structure, not events: every window has them.
pub fn read(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    ids: &mut DenseIds,
    authors_become_nodes: bool,
) -> Result<Rows> {
    read_scoped(store, window, false, platform, ids, authors_become_nodes)
}

/// The posts of `window` with their whole cascades: [`read`]'s rows plus every later interaction that
/// names one of those posts. A model learned from these before a cut has seen each earlier post's final
/// reach, as the cascade benchmarks' training splits do, and nothing of the posts made after the cut.
pub fn read_whole_cascades(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    ids: &mut DenseIds,
) -> Result<Rows> {
    read_scoped(store, window, true, platform, ids, true)
}

/// Posts of `posts_window`, and the interactions in it (undated ones always) or, with `whole_cascades`,
/// naming one of those posts.
fn read_scoped(
    store: &Store,
    posts_window: TimeWindow,
    whole_cascades: bool,
    platform: Option<&str>,
    ids: &mut DenseIds,
    authors_become_nodes: bool,
) -> Result<Rows> {
    let mut stored_posts = Vec::new();
    store.scan_posts(posts_window, platform, |p| stored_posts.push(p))?;
    let named: std::collections::HashSet<i64> = if whole_cascades {
        stored_posts.iter().map(|p| p.id).collect()
    } else {
        Default::default()
    };
    // The store's bounded windows leave out undated rows; scanning everything and filtering here keeps
    // them, and the later rows that name an earlier post.
    let scanned = TimeWindow::all();
    // Undated interactions (follow edges) are standing structure: within every window.
    let within = |t: Option<i64>| match t {
        None => true,
        Some(t) => {
            posts_window.from.is_none_or(|f| t >= f) && posts_window.to.is_none_or(|u| t < u)
        }
    };
    let mut full = false;
    let mut interactions = Vec::new();
    let mut links: Vec<Option<i64>> = Vec::new();
    store.scan_interactions(scanned, platform, |r| {
        if !within(r.time) && !r.post.is_some_and(|p| named.contains(&p)) {
            return;
        }
        match (ids.intern(r.actor), ids.intern(r.target)) {
            (Some(actor), Some(target)) => {
                interactions.push(InteractionRow {
                    actor,
                    target,
                    kind: r.kind,
                    time: r.time.unwrap_or(i64::MIN),
                    post: PostLink::Unnamed,
                });
                links.push(r.post);
            }
            _ => full = true,
        }
    })?;
    let mut posts = Vec::new();
    let mut post_ids = Vec::new();
    for p in stored_posts {
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
            post_ids.push(p.id);
        }
    }
    if full {
        anyhow::bail!("more than 2^32 - 2 accounts: too many for one diffusion graph");
    }
    let row_of: HashMap<i64, u32> = post_ids
        .iter()
        .enumerate()
        .map(|(k, &id)| (id, k as u32))
        .collect();
    let mut naming_other_posts = 0;
    for (r, post) in interactions.iter_mut().zip(links) {
        if let Some(id) = post {
            r.post = match row_of.get(&id) {
                Some(&k) => PostLink::Row(k),
                None => {
                    naming_other_posts += 1;
                    PostLink::Outside
                }
            };
        }
    }
    Ok(Rows {
        posts,
        post_ids,
        interactions,
        naming_other_posts,
    })
}
