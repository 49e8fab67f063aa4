//! Authenticity from behaviour in the interactions themselves, where profiles say nothing.
//!
//! Closed groups: an engagement pod's members react to each other, round and round; a listener reacts
//! to people who mostly do not react back. An account that reacted to at least
//! [`CLOSED_GROUP_MIN_PARTNERS`] distinct accounts, most of whom reacted to it as well, is trading
//! reactions inside a closed group, and its reactions stop counting as independent attention: its weight
//! falls linearly from 1 at [`CLOSED_GROUP_FROM`] of its partners reciprocating to 0 at
//! [`CLOSED_GROUP_TO`]. On the Higgs data 4 of the 2,125 accounts that reacted to 10 or more others reach
//! 80% (EVALUATION.md).
//!
//! Rings: a pod can hide its share by also reacting to outsiders, but not its structure. In the mutual
//! graph (an edge where two accounts reacted to each other), a pod is a dense block: every member has
//! many mutual partners who are mutual with each other. The k-core number measures exactly that (the
//! largest k such that the account sits in a subgraph where everyone has at least k mutual partners).
//! On Higgs the mutual graph's deepest core is 5 (6 accounts of 14,120); an account in a core of
//! [`RING_CORE_FROM`] or more is discounted, linearly to 0 at [`RING_CORE_TO`].
//!
//! Clockwork: people act in bursts and lulls, so the gaps between one person's actions vary more than
//! their mean (coefficient of variation above 1; a Poisson process has exactly 1). A scheduler acts
//! every so often with little jitter. An account with at least [`CLOCKWORK_MIN_ACTIONS`] distinct
//! action times whose gaps vary less than [`CLOCKWORK_FROM`] times their mean is discounted, linearly to
//! 0 at [`CLOCKWORK_TO`]. On Higgs the 642 accounts with 20 or more action times have a CV of 0.73 at
//! the least (EVALUATION.md), so no real Higgs account is touched; a bot drawing gaps uniformly from
//! zero to twice the mean has CV 0.58 and escapes (a documented limit).

use std::collections::{HashMap, HashSet};

/// Fewest distinct accounts reacted to before the closed-group rule applies: a handful of friends
/// answering each other is a conversation, not a pod.
pub const CLOSED_GROUP_MIN_PARTNERS: usize = 10;
/// Share of reciprocating partners where the discount starts, and where it reaches 0.
pub const CLOSED_GROUP_FROM: f64 = 0.5;
pub const CLOSED_GROUP_TO: f64 = 0.8;

/// Mutual-graph core number where the ring discount starts, and where it reaches 0.
pub const RING_CORE_FROM: usize = 6;
pub const RING_CORE_TO: usize = 10;

/// Fewest distinct action times before the clockwork rule applies.
pub const CLOCKWORK_MIN_ACTIONS: usize = 20;
/// Coefficient of variation of the gaps where the clockwork discount starts, and where it reaches 0.
pub const CLOCKWORK_FROM: f64 = 0.5;
pub const CLOCKWORK_TO: f64 = 0.2;

/// `(account, weight < 1)` for every account whose actions come like clockwork, given (account, time)
/// of each timed action, sorted by account.
pub fn clockwork_weights(actions: impl IntoIterator<Item = (i64, i64)>) -> Vec<(i64, f64)> {
    let mut times: HashMap<i64, Vec<i64>> = HashMap::new();
    for (a, t) in actions {
        times.entry(a).or_default().push(t);
    }
    let mut out: Vec<(i64, f64)> = times
        .into_iter()
        .filter_map(|(a, mut v)| {
            v.sort_unstable();
            v.dedup();
            let cv = gap_variation(&v)?;
            let w = ((cv - CLOCKWORK_TO) / (CLOCKWORK_FROM - CLOCKWORK_TO)).clamp(0.0, 1.0);
            (w < 1.0).then_some((a, w))
        })
        .collect();
    out.sort_unstable_by_key(|&(a, _)| a);
    out
}

/// Coefficient of variation (standard deviation over mean) of the gaps between sorted distinct
/// `times`, if there are at least [`CLOCKWORK_MIN_ACTIONS`] of them.
pub fn gap_variation(times: &[i64]) -> Option<f64> {
    if times.len() < CLOCKWORK_MIN_ACTIONS {
        return None;
    }
    let gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n;
    Some(var.sqrt() / mean)
}

/// `(account, weight < 1)` for every account trading reactions inside a closed group or a ring, given
/// the (actor, target) pairs of the reactions (self-reactions ignored), sorted by account. The weight is
/// the smaller of the closed-group and the ring weights.
pub fn closed_group_weights(pairs: impl IntoIterator<Item = (i64, i64)>) -> Vec<(i64, f64)> {
    let edges: HashSet<(i64, i64)> = pairs.into_iter().filter(|(a, b)| a != b).collect();
    let mut weights: HashMap<i64, f64> = share_weights(&edges).into_iter().collect();
    for (a, core) in mutual_cores(&edges) {
        if core >= RING_CORE_FROM {
            let w = ((RING_CORE_TO as f64 - core as f64)
                / (RING_CORE_TO - RING_CORE_FROM + 1) as f64)
                .clamp(0.0, 1.0);
            let e = weights.entry(a).or_insert(1.0);
            *e = e.min(w);
        }
    }
    let mut out: Vec<(i64, f64)> = weights.into_iter().filter(|&(_, w)| w < 1.0).collect();
    out.sort_unstable_by_key(|&(a, _)| a);
    out
}

/// Core number of every account in the mutual graph (Batagelj–Zaversnik bucket peeling, O(edges)).
pub fn mutual_cores(edges: &HashSet<(i64, i64)>) -> Vec<(i64, usize)> {
    let mut ids: Vec<i64> = edges
        .iter()
        .filter(|&&(a, b)| a < b && edges.contains(&(b, a)))
        .flat_map(|&(a, b)| [a, b])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    let n = ids.len();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a < b && edges.contains(&(b, a)) {
            let (i, j) = (index[&a], index[&b]);
            adj[i].push(j);
            adj[j].push(i);
        }
    }
    let mut degree: Vec<usize> = adj.iter().map(Vec::len).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0);
    // Buckets of vertices by current degree; peel the smallest first.
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); max_degree + 1];
    for (v, &d) in degree.iter().enumerate() {
        buckets[d].push(v);
    }
    let mut core = vec![0usize; n];
    let mut removed = vec![false; n];
    let mut d = 0;
    let mut left = n;
    while left > 0 {
        let Some(v) = buckets.get_mut(d).and_then(Vec::pop) else {
            d += 1;
            continue;
        };
        if removed[v] || degree[v] != d {
            continue; // a stale entry: v moved to a lower bucket since
        }
        removed[v] = true;
        left -= 1;
        core[v] = d;
        for &u in &adj[v] {
            if !removed[u] && degree[u] > d {
                degree[u] -= 1;
                buckets[degree[u]].push(u);
            }
        }
        // A neighbour may now sit in a bucket below `d`: never below `d` itself, since we only
        // lowered degrees that were above `d`.
    }
    ids.into_iter().zip(core).collect()
}

/// The closed-group (share of reciprocating partners) weights.
fn share_weights(edges: &HashSet<(i64, i64)>) -> Vec<(i64, f64)> {
    let mut partners: HashMap<i64, (usize, usize)> = HashMap::new();
    for &(a, b) in edges {
        let e = partners.entry(a).or_default();
        e.0 += 1;
        if edges.contains(&(b, a)) {
            e.1 += 1;
        }
    }
    let mut out: Vec<(i64, f64)> = partners
        .into_iter()
        .filter(|(_, (n, _))| *n >= CLOSED_GROUP_MIN_PARTNERS)
        .filter_map(|(a, (n, mutual))| {
            let share = mutual as f64 / n as f64;
            let w =
                ((CLOSED_GROUP_TO - share) / (CLOSED_GROUP_TO - CLOSED_GROUP_FROM)).clamp(0.0, 1.0);
            (w < 1.0).then_some((a, w))
        })
        .collect();
    out.sort_unstable_by_key(|&(a, _)| a);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_weighs_nothing_and_listeners_are_untouched() {
        let mut pairs = Vec::new();
        // A pod of 12 reacting to each other, and to a target outside.
        for a in 0..12 {
            for b in 0..12 {
                pairs.push((a, b));
            }
            pairs.push((a, 100));
        }
        // A listener reacting to 15 accounts, 3 of whom react back.
        for b in 200..215 {
            pairs.push((50, b));
        }
        for b in 200..203 {
            pairs.push((b, 50));
        }
        // Two friends who answer each other.
        pairs.extend([(300, 301), (301, 300)]);
        let w = closed_group_weights(pairs);
        let ids: Vec<i64> = w.iter().map(|&(a, _)| a).collect();
        assert_eq!(ids, (0..12).collect::<Vec<_>>());
        assert!(w.iter().all(|&(_, x)| x == 0.0));
    }

    #[test]
    fn a_pod_that_also_reacts_to_outsiders_is_caught_by_its_core() {
        let mut pairs = Vec::new();
        // A pod of 12, each also reacting to 40 outsiders who never react back: only 11 of 51
        // partners reciprocate (22%), under the share rule's radar; its mutual core is 11.
        for a in 0..12i64 {
            for b in 0..12 {
                pairs.push((a, b));
            }
            for o in 0..40 {
                pairs.push((a, 1000 + a * 100 + o));
            }
        }
        // A small friend group of 5, all mutual (core 4), and a chain of mutual pairs (core 1).
        for a in 500..505i64 {
            for b in 500..505 {
                pairs.push((a, b));
            }
        }
        for a in 600..620i64 {
            pairs.extend([(a, a + 1), (a + 1, a)]);
        }
        let edges: HashSet<(i64, i64)> = pairs.iter().copied().filter(|(a, b)| a != b).collect();
        let cores: HashMap<i64, usize> = mutual_cores(&edges).into_iter().collect();
        assert_eq!(cores[&0], 11);
        assert_eq!(cores[&500], 4);
        assert_eq!(cores[&610], 1);
        let w = closed_group_weights(pairs);
        let ids: Vec<i64> = w.iter().map(|&(a, _)| a).collect();
        assert_eq!(ids, (0..12).collect::<Vec<_>>());
        assert!(w.iter().all(|&(_, x)| x == 0.0), "{w:?}");
    }

    #[test]
    fn core_numbers_match_a_brute_force_peel() {
        // Pseudo-random mutual graph; the core number of v is the largest k such that v survives
        // repeatedly deleting vertices of degree < k.
        let mut s = 12345u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut edges = HashSet::new();
        for _ in 0..300 {
            let (a, b) = ((next() % 40) as i64, (next() % 40) as i64);
            if a != b {
                edges.insert((a, b));
                edges.insert((b, a));
            }
        }
        let got: HashMap<i64, usize> = mutual_cores(&edges).into_iter().collect();
        for (&v, &c) in &got {
            let survives = |k: usize| {
                let mut alive: HashSet<i64> = got.keys().copied().collect();
                loop {
                    let drop: Vec<i64> = alive
                        .iter()
                        .copied()
                        .filter(|&x| alive.iter().filter(|&&y| edges.contains(&(x, y))).count() < k)
                        .collect();
                    if drop.is_empty() {
                        return alive.contains(&v);
                    }
                    for x in drop {
                        alive.remove(&x);
                    }
                }
            };
            assert!(survives(c) && !survives(c + 1), "{v}: core {c}");
        }
    }

    #[test]
    fn a_scheduler_is_discounted_and_bursty_people_are_not() {
        let mut actions = Vec::new();
        // Account 1 acts every 600 s ± 30 s (CV ≈ 0.03).
        for k in 0..40i64 {
            actions.push((1, k * 600 + (k * 7919 % 61) - 30));
        }
        // Account 2 acts in bursts: ten actions a minute apart, then six hours of silence, four times.
        for b in 0..4i64 {
            for k in 0..10 {
                actions.push((2, b * 21_600 + k * 60));
            }
        }
        // Account 3 is as regular as account 1 but has only 19 distinct times (one repeated).
        for k in 0..19i64 {
            actions.extend([(3, k * 600), (3, k * 600)]);
        }
        let w = clockwork_weights(actions);
        assert_eq!(w, vec![(1, 0.0)]);
        // Halfway between the bounds: CV 0.35. Gaps alternate 0.65 m and 1.35 m.
        let mut t = 0;
        let mut half = Vec::new();
        for k in 0..41 {
            half.push((9, t));
            t += if k % 2 == 0 { 650 } else { 1_350 };
        }
        let w = clockwork_weights(half);
        assert_eq!(w.len(), 1);
        assert!((w[0].1 - 0.5).abs() < 1e-9, "{w:?}");
    }

    #[test]
    fn the_discount_is_linear_between_the_bounds() {
        // 20 partners, 13 reciprocating: share 0.65, halfway from 0.5 to 0.8.
        let mut pairs: Vec<(i64, i64)> = (1..=20).map(|b| (0, b)).collect();
        pairs.extend((1..=13).map(|b| (b, 0)));
        let w = closed_group_weights(pairs);
        assert_eq!(w.len(), 1);
        assert!((w[0].1 - 0.5).abs() < 1e-12, "{w:?}");
    }
}
