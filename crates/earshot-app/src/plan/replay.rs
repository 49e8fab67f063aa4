//! Replaying held-out cascades against a seed set: of the accounts that took part in real cascades the
//! plan never saw, how many did the seeds reach?
//!
//! Two kinds of reach, each the share of all test adopters (authors and resharers, pooled over the
//! cascades, so each cascade weighs by its adopters), with a percentile bootstrap over cascades:
//! - **Through the cascades** ([`downstream`]): an adopter is reached when a seed took part in the same
//!   cascade and a chain of follows leads from the seed to it through adopters of that cascade, each
//!   adopting strictly after the one it follows (the parent rule EM learns from). The seeds themselves
//!   do not count: a campaign does not cause its seeds' own adoptions. This is the spread the real
//!   cascades show passing through the seeds, the data's counterpart of the Monte Carlo spread.
//! - **Exposure** ([`hops_from`], [`reached`]): an adopter is reached within `h` hops when it is a seed
//!   or follows a seed (`h` = 1), or follows such a follower (`h` = 2), whether or not anything passed
//!   along those follows. It needs neither a model nor the order of adoptions, and counts the audience
//!   a seed set could have touched; it rewards accounts with many followers for being followed, not for
//!   being passed on.

use earshot_diffusion::doubling::Cascade;
use earshot_diffusion::em::SocialGraph;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

/// Per node, its hops from the nearest seed through follower edges, up to `max` (`u32::MAX` beyond).
pub fn hops_from(g: &SocialGraph, seeds: &[u32], max: u32) -> Vec<u32> {
    let mut dist = vec![u32::MAX; g.nodes() as usize];
    let mut frontier: Vec<u32> = Vec::new();
    for &s in seeds {
        if dist[s as usize] != 0 {
            dist[s as usize] = 0;
            frontier.push(s);
        }
    }
    for d in 1..=max {
        let mut next = Vec::new();
        for &u in &frontier {
            for v in g.followers(u) {
                if dist[v as usize] == u32::MAX {
                    dist[v as usize] = d;
                    next.push(v);
                }
            }
        }
        frontier = next;
    }
    dist
}

/// The distinct adopters of a cascade: its author, then its resharers.
pub fn adopters(c: &Cascade) -> impl Iterator<Item = u32> + '_ {
    std::iter::once(c.author).chain(
        c.reshares
            .iter()
            .map(|r| r.actor)
            .filter(move |&a| a != c.author),
    )
}

/// Per cascade, its adopters and how many of them are within `hops` of the seeds (`dist` from
/// [`hops_from`]).
pub fn reached(cascades: &[&Cascade], dist: &[u32], hops: u32) -> Vec<(u32, u32)> {
    cascades
        .iter()
        .map(|c| {
            let mut all = 0;
            let mut near = 0;
            for a in adopters(c) {
                all += 1;
                near += u32::from(dist[a as usize] <= hops);
            }
            (all, near)
        })
        .collect()
}

/// Per cascade, its adopters and how many of them a seed reached through the cascade itself: a chain of
/// follows from a seed that took part, through adopters each adopting strictly after the one it follows
/// (seeds not counted as reached). `is_seed` has one flag per node of `g`.
pub fn downstream(g: &SocialGraph, cascades: &[&Cascade], is_seed: &[bool]) -> Vec<(u32, u32)> {
    let n = g.nodes() as usize;
    // stamp[v] == c + 1: v adopted cascade c at time[v]; seen[v] == c + 1: v was reached in it.
    let mut stamp = vec![0u32; n];
    let mut seen = vec![0u32; n];
    let mut time = vec![0i64; n];
    let mut queue: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(cascades.len());
    for (c, cascade) in cascades.iter().enumerate() {
        let mark = c as u32 + 1;
        let mut all = 0u32;
        queue.clear();
        let timed = std::iter::once((cascade.author, cascade.time))
            .chain(cascade.reshares.iter().map(|r| (r.actor, r.time)));
        for (v, t) in timed {
            let slot = v as usize;
            if stamp[slot] == mark {
                time[slot] = time[slot].min(t);
                continue;
            }
            stamp[slot] = mark;
            time[slot] = t;
            all += 1;
            if is_seed[slot] {
                seen[slot] = mark;
                queue.push(v);
            }
        }
        let mut near = 0u32;
        let mut head = 0;
        while head < queue.len() {
            let u = queue[head];
            head += 1;
            for w in g.followers(u) {
                let slot = w as usize;
                if stamp[slot] == mark && seen[slot] != mark && time[slot] > time[u as usize] {
                    seen[slot] = mark;
                    near += 1;
                    queue.push(w);
                }
            }
        }
        out.push((all, near));
    }
    out
}

/// The pooled share `Σ near / Σ all`.
pub fn share(rows: &[(u32, u32)]) -> f64 {
    let (all, near) = rows.iter().fold((0u64, 0u64), |(a, n), &(x, y)| {
        (a + u64::from(x), n + u64::from(y))
    });
    if all == 0 {
        0.0
    } else {
        near as f64 / all as f64
    }
}

/// 95% percentile bootstrap intervals, cascades resampled with replacement: of each series' pooled share
/// (`series[i]`), and of each `(a, b)` pair's difference `share(a) − share(b)` on the same resamples.
/// Every series is over the same cascades, in the same order.
pub fn bootstrap(
    series: &[Vec<(u32, u32)>],
    pairs: &[(usize, usize)],
    resamples: usize,
    seed: u64,
) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let n = series.first().map_or(0, Vec::len);
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut shares: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); series.len()];
    let mut diffs: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); pairs.len()];
    let mut sums = vec![(0u64, 0u64); series.len()];
    for _ in 0..resamples {
        sums.fill((0, 0));
        for _ in 0..n {
            let i = ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
            for (s, rows) in sums.iter_mut().zip(series) {
                s.0 += u64::from(rows[i].0);
                s.1 += u64::from(rows[i].1);
            }
        }
        let of = |s: (u64, u64)| {
            if s.0 == 0 {
                0.0
            } else {
                s.1 as f64 / s.0 as f64
            }
        };
        for (v, &s) in shares.iter_mut().zip(&sums) {
            v.push(of(s));
        }
        for (v, &(a, b)) in diffs.iter_mut().zip(pairs) {
            v.push(of(sums[a]) - of(sums[b]));
        }
    }
    let interval = |mut v: Vec<f64>| {
        if v.is_empty() {
            return [0.0, 0.0];
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        [at(0.025), at(0.975)]
    };
    (
        shares.into_iter().map(interval).collect(),
        diffs.into_iter().map(interval).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_diffusion::doubling::Reshare;

    fn cascade(author: u32, resharers: &[u32]) -> Cascade {
        Cascade {
            author,
            time: 0,
            reshares: resharers
                .iter()
                .map(|&actor| Reshare { actor, time: 1 })
                .collect(),
        }
    }

    #[test]
    fn hops_follow_followers_only() {
        // 0 → 1 → 2 → 3, and 4 → 0 (4 is followed by 0: not reached from 0).
        let g = SocialGraph::new(5, &[(0, 1), (1, 2), (2, 3), (4, 0)]).unwrap();
        let d = hops_from(&g, &[0], 2);
        assert_eq!(d, vec![0, 1, 2, u32::MAX, u32::MAX]);
        let cs = [cascade(3, &[2, 1]), cascade(4, &[0])];
        let refs: Vec<&Cascade> = cs.iter().collect();
        assert_eq!(reached(&refs, &d, 1), vec![(3, 1), (2, 1)]);
        assert_eq!(reached(&refs, &d, 2), vec![(3, 2), (2, 1)]);
        assert_eq!(share(&reached(&refs, &d, 2)), 3.0 / 5.0);
    }

    #[test]
    fn downstream_follows_the_cascade_forward_in_time() {
        // 0 → 1 → 2 → 3 and 0 → 4; 5 follows nobody.
        let g = SocialGraph::new(6, &[(0, 1), (1, 2), (2, 3), (0, 4)]).unwrap();
        let timed = |author: u32, rest: &[(u32, i64)]| Cascade {
            author,
            time: 0,
            reshares: rest
                .iter()
                .map(|&(actor, time)| Reshare { actor, time })
                .collect(),
        };
        let cs = [
            // Seed 0 posts; 1 then 2 follow on, 3 adopts before 2 (not through it), 5 from outside.
            timed(0, &[(1, 1), (3, 2), (2, 3), (5, 4)]),
            // 1 posts and 0 (a seed) adopts later: 0's follower 1 came first, so nothing is reached.
            timed(1, &[(0, 1)]),
            // The seed takes no part.
            timed(2, &[(3, 1)]),
        ];
        let refs: Vec<&Cascade> = cs.iter().collect();
        let mut is_seed = vec![false; 6];
        is_seed[0] = true;
        assert_eq!(
            downstream(&g, &refs, &is_seed),
            vec![(5, 2), (2, 0), (2, 0)]
        );
    }

    #[test]
    fn bootstrap_holds_the_share_and_a_paired_difference_with_itself_is_zero() {
        let a: Vec<(u32, u32)> = (0..300)
            .map(|i| (4, if i % 2 == 0 { 3 } else { 1 }))
            .collect();
        let b: Vec<(u32, u32)> = (0..300).map(|_| (4, 1)).collect();
        let (shares, diffs) = bootstrap(&[a.clone(), b], &[(0, 1), (0, 0)], 500, 3);
        assert!(shares[0][0] < 0.5 && 0.5 < shares[0][1], "{shares:?}");
        assert_eq!(shares[1], [0.25, 0.25]);
        assert!(diffs[0][0] < 0.25 && 0.25 < diffs[0][1], "{diffs:?}");
        assert!(
            diffs[0][0] > 0.1 && diffs[0][1] - diffs[0][0] < 0.15,
            "{diffs:?}"
        );
        assert_eq!(diffs[1], [0.0, 0.0]);
    }
}
