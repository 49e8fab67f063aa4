//! Reshares keep their post: with random overlapping cascades (one author's posts interleaved in time,
//! reshares of an older post arriving after a newer one), every adoption is credited to the post it names,
//! none derives a post, and an adoption of a post outside the rows counts for none.

use earshot_diffusion::{
    derive_posts, post_outcomes, InteractionRow, PostLink, PostRow, ReachConfig,
};
use earshot_model::InteractionKind;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

const AUTHORS: u32 = 4;
const NODES: u32 = 40;

/// An adoption as drawn: actor, the post's row, delay after the post, and the kind's index.
type Drawn = (u32, usize, i64, u8);

/// Posts by authors `0..AUTHORS` at distinct times, and adoptions `(actor, post, delay, kind)`, where
/// `post == posts.len()` stands for a post outside the rows.
fn cascades() -> impl Strategy<Value = (Vec<PostRow>, Vec<Drawn>)> {
    prop::collection::vec((0..AUTHORS, 0i64..50), 1..10).prop_flat_map(|raw| {
        // Distinct times: the k-th post at 100·k plus jitter, so authors' posts interleave.
        let posts: Vec<PostRow> = raw
            .iter()
            .enumerate()
            .map(|(k, &(author, jitter))| PostRow {
                author,
                time: 100 * k as i64 + jitter,
            })
            .collect();
        let n = posts.len();
        let adoptions = prop::collection::vec((0..NODES, 0..=n, 0i64..1000, 0u8..3), 0..60);
        (Just(posts), adoptions)
    })
}

proptest! {
    #[test]
    fn every_adoption_is_credited_to_the_post_it_names((posts, adoptions) in cascades()) {
        let kinds = [InteractionKind::Reshare, InteractionKind::Quote, InteractionKind::Like];
        let rows: Vec<InteractionRow> = adoptions
            .iter()
            .map(|&(actor, post, delay, kind)| {
                // A reshare of a post outside the rows targets author 0 at some time: it must not be
                // guessed onto 0's latest post, nor become a post of its own.
                let (target, time, link) = match posts.get(post) {
                    Some(p) => (p.author, p.time + delay, PostLink::Row(post as u32)),
                    None => (0, delay * 3, PostLink::Outside),
                };
                InteractionRow { actor, target, kind: kinds[kind as usize], time, post: link }
            })
            .collect();
        let cfg = ReachConfig::default();
        // Independently: the distinct adopters (reshare or quote, not the author) each post's rows name.
        let mut expected: BTreeMap<(u32, i64), HashSet<u32>> =
            posts.iter().map(|p| ((p.author, p.time), HashSet::new())).collect();
        for (&(actor, post, _, kind), _) in adoptions.iter().zip(&rows) {
            if let Some(p) = posts.get(post) {
                if kind < 2 && actor != p.author {
                    expected.get_mut(&(p.author, p.time)).unwrap().insert(actor);
                }
            }
        }
        let (all, _) = derive_posts(NODES, &posts, &rows, &cfg).unwrap();
        prop_assert_eq!(all.len(), posts.len(), "no post is derived when adoptions name their posts");
        let got = post_outcomes(NODES, &posts, &rows, &cfg).unwrap();
        prop_assert_eq!(got.len(), posts.len());
        for o in &got {
            prop_assert_eq!(o.reach as usize, expected[&(o.author, o.time)].len(), "post of {} at {}", o.author, o.time);
        }
    }
}
