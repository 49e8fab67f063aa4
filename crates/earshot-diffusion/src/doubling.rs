//! Will a cascade double? The setting of Cheng, Adamic, Dow, Kleinberg and Leskovec, "Can cascades be
//! predicted?" (WWW 2014): among posts reshared at least `k` times, observe the first `k` reshares and
//! predict whether the post ends with at least `2k`. Doubling is a balanced question at every `k` (about
//! half the cascades that reach `k` reach `2k`), so it measures prediction rather than the base rate.
//!
//! This module turns posts and their reshares into [`Cascade`]s and computes each one's features at the
//! moment of its `k`-th reshare ([`History::features`]). The classifier lives above (earshot-app fits a
//! logistic regression on them); here are only the rows, so the no-leakage rule can be tested where it is
//! kept.
//!
//! # What counts
//! A cascade's reshares are the interactions of kind `reshare` that name its post ([`PostLink::Row`]),
//! one per account (its first), not by the post's author, in time order (ties by account). Quotes and
//! replies do not count: the setting is about reshares. The author is adopter 0; reshare `j` (1-based) is
//! the `j`-th later adopter.
//!
//! # No leakage
//! Features of cascade `c` are computed at `t`, the time of its `k`-th reshare, from events strictly
//! before `t` only. Other cascades count in a history **with the reshares seen before `t`**: a cascade
//! posted before `t` that goes on growing after `t` counts with its size at `t` (and as doubled only if it
//! had doubled by then); one posted at or after `t` does not count at all. Nothing is read from a
//! cascade's future, not even whether it has finished, so the same features can be computed on a live
//! stream. The cascade itself never counts in its own history.
//!
//! # Features ([`FEATURES`], all at `t`)
//! Temporal (the first [`TEMPORAL`]; `ln(1 + seconds)`, in the data's own units where times are
//! relative): time from the post to the `k`-th reshare, from reshare `⌊k/2⌋` to the `k`-th (from the
//! post when `k = 1`), the first gap (post to reshare 1) and the last (reshare `k − 1` to `k`).
//! The author: how many of its earlier posts there are (`ln(1 + n)`), their mean `ln(1 + reshares)`
//! (0 without any), and the share that had doubled, smoothed as `(d + ½) / (n + 1)` so an author without
//! history sits at ½. The early adopters (the author and the first `k` resharers): the mean of
//! `ln(1 + earlier participations)`, as author or resharer; their *authority*, the mean over those with
//! any participation of the mean `ln(1 + reshares)` of the cascades they took part in (0 when none has);
//! and the mean of each one's smoothed share of those cascades that had doubled.

use crate::{InteractionRow, PostLink, PostRow};
use earshot_model::InteractionKind;

/// A reshare: who and when (Unix seconds, or the data's own units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reshare {
    pub actor: u32,
    pub time: i64,
}

/// A post with its reshares in time order (ties by account), one per account, none by the author.
/// [`cascades_from_rows`] makes them so; [`History::new`] refuses reshares out of time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cascade {
    pub author: u32,
    pub time: i64,
    pub reshares: Vec<Reshare>,
}

impl Cascade {
    /// A cascade from `(actor, time)` pairs, for the tests of this module and of EM.
    #[cfg(test)]
    pub(crate) fn of(author: u32, time: i64, reshares: &[(u32, i64)]) -> Self {
        Cascade {
            author,
            time,
            reshares: reshares
                .iter()
                .map(|&(actor, time)| Reshare { actor, time })
                .collect(),
        }
    }

    /// Reshares strictly before `t`.
    pub fn reshares_before(&self, t: i64) -> usize {
        self.reshares.partition_point(|r| r.time < t)
    }
}

/// The names of the features, in the order [`History::features`] gives them.
pub const FEATURES: [&str; 10] = [
    "log_time_to_k",
    "log_time_half_to_k",
    "log_first_gap",
    "log_last_gap",
    "author_log_posts",
    "author_mean_log_reshares",
    "author_doubled_share",
    "adopters_log_participations",
    "adopters_authority",
    "adopters_doubled_share",
];

/// How many of [`FEATURES`] (the first) are temporal.
pub const TEMPORAL: usize = 4;

/// One cascade's features, in [`FEATURES`] order.
pub type Features = [f64; FEATURES.len()];

/// The cascade of each post (`cascades[i]` is `posts[i]`'s), from rows as `learn_probabilities` takes
/// them. Interactions that are not reshares, or that name no post among `posts`, are left out.
pub fn cascades_from_rows(posts: &[PostRow], interactions: &[InteractionRow]) -> Vec<Cascade> {
    let mut cascades: Vec<Cascade> = posts
        .iter()
        .map(|p| Cascade {
            author: p.author,
            time: p.time,
            reshares: Vec::new(),
        })
        .collect();
    for r in interactions {
        if r.kind != InteractionKind::Reshare {
            continue;
        }
        if let PostLink::Row(k) = r.post {
            if let Some(c) = cascades.get_mut(k as usize) {
                if r.actor != c.author {
                    c.reshares.push(Reshare {
                        actor: r.actor,
                        time: r.time,
                    });
                }
            }
        }
    }
    for c in &mut cascades {
        c.reshares.sort_unstable_by_key(|r| (r.time, r.actor));
        let mut seen = std::collections::HashSet::new();
        c.reshares.retain(|r| seen.insert(r.actor));
    }
    cascades
}

/// Who posted and who took part in what, indexed for the features of any cascade at any moment.
pub struct History<'a> {
    cascades: &'a [Cascade],
    k: usize,
    /// Per author, its cascades by post time.
    posted: Vec<Vec<(i64, u32)>>,
    /// Per account, `(time, cascade)` of each cascade it took part in (as author or resharer), by time.
    took_part: Vec<Vec<(i64, u32)>>,
}

/// A summary of some earlier cascades as seen at one moment.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    n: usize,
    sum_log_reshares: f64,
    doubled: usize,
}

impl Seen {
    fn mean_log(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum_log_reshares / self.n as f64
        }
    }

    fn doubled_share(&self) -> f64 {
        (self.doubled as f64 + 0.5) / (self.n as f64 + 1.0)
    }
}

impl<'a> History<'a> {
    /// Index `cascades` over accounts `0..nodes` for `k` early reshares. `None` when `k` is 0, an
    /// account id is not below `nodes` or a cascade's reshares are out of time order.
    pub fn new(cascades: &'a [Cascade], nodes: u32, k: usize) -> Option<Self> {
        let in_order = |c: &Cascade| c.reshares.windows(2).all(|w| w[0].time <= w[1].time);
        if k == 0 || !cascades.iter().all(in_order) {
            return None;
        }
        let n = nodes as usize;
        let mut posted = vec![Vec::new(); n];
        let mut took_part = vec![Vec::new(); n];
        for (i, c) in cascades.iter().enumerate() {
            let i = i as u32;
            posted.get_mut(c.author as usize)?.push((c.time, i));
            took_part.get_mut(c.author as usize)?.push((c.time, i));
            for r in &c.reshares {
                took_part.get_mut(r.actor as usize)?.push((r.time, i));
            }
        }
        for v in posted.iter_mut().chain(took_part.iter_mut()) {
            v.sort_unstable();
        }
        Some(History {
            cascades,
            k,
            posted,
            took_part,
        })
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// When cascade `c` had its `k`-th reshare, if it had one.
    pub fn moment(&self, c: usize) -> Option<i64> {
        self.cascades
            .get(c)?
            .reshares
            .get(self.k - 1)
            .map(|r| r.time)
    }

    /// Whether cascade `c` had at least `2k` reshares before `cut` (`i64::MAX`: all of them).
    pub fn doubled_by(&self, c: usize, cut: i64) -> bool {
        self.cascades
            .get(c)
            .is_some_and(|c| c.reshares_before(cut) >= 2 * self.k)
    }

    /// How long cascade `c` took from its `k`-th reshare to its `2k`-th, if that came before `cut`.
    pub fn time_to_double(&self, c: usize, cut: i64) -> Option<i64> {
        let t = self.moment(c)?;
        let r = self.cascades.get(c)?.reshares.get(2 * self.k - 1)?;
        (r.time < cut).then_some(r.time - t)
    }

    /// The earlier cascades among `entries` (`(time, cascade)` by time) as seen at `t`: entered
    /// strictly before `t`, other than `own`, each with its reshares before `t`.
    fn seen(&self, entries: &[(i64, u32)], t: i64, own: usize) -> Seen {
        let before = entries.partition_point(|&(at, _)| at < t);
        let mut s = Seen::default();
        for &(_, j) in &entries[..before] {
            if j as usize == own {
                continue;
            }
            let size = self.cascades[j as usize].reshares_before(t);
            s.n += 1;
            s.sum_log_reshares += (size as f64).ln_1p();
            s.doubled += usize::from(size >= 2 * self.k);
        }
        s
    }

    /// Cascade `c`'s features at its `k`-th reshare (see the module's documentation), or `None` when it
    /// has fewer than `k` reshares.
    pub fn features(&self, c: usize) -> Option<Features> {
        let t = self.moment(c)?;
        let cascade = &self.cascades[c];
        let k = self.k;
        let at = |j: usize| {
            if j == 0 {
                cascade.time
            } else {
                cascade.reshares[j - 1].time
            }
        };
        let log_span = |from: i64, to: i64| (to.saturating_sub(from).max(0) as f64).ln_1p();
        let author = self.seen(&self.posted[cascade.author as usize], t, c);
        let adopters: Vec<Seen> = std::iter::once(cascade.author)
            .chain(cascade.reshares[..k].iter().map(|r| r.actor))
            .map(|u| self.seen(&self.took_part[u as usize], t, c))
            .collect();
        let count = adopters.len() as f64;
        let with_history: Vec<&Seen> = adopters.iter().filter(|s| s.n > 0).collect();
        let authority = if with_history.is_empty() {
            0.0
        } else {
            with_history.iter().map(|s| s.mean_log()).sum::<f64>() / with_history.len() as f64
        };
        Some([
            log_span(at(0), at(k)),
            log_span(at(k / 2), at(k)),
            log_span(at(0), at(1)),
            log_span(at(k - 1), at(k)),
            (author.n as f64).ln_1p(),
            author.mean_log(),
            author.doubled_share(),
            adopters.iter().map(|s| (s.n as f64).ln_1p()).sum::<f64>() / count,
            authority,
            adopters.iter().map(Seen::doubled_share).sum::<f64>() / count,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cascade(author: u32, time: i64, reshares: &[(u32, i64)]) -> Cascade {
        Cascade::of(author, time, reshares)
    }

    /// Cascade 0 by author 0 at time 0, reshared by 1..=4 at 10, 20, 30, 40 and then by 5..=8 just after
    /// `later`; cascade 1 by the same author at 50, reshared by 1..=3 at 60, 65, 70 (k = 3: its moment is
    /// 70, and doubling takes 6 reshares).
    fn two(later: i64) -> Vec<Cascade> {
        let mut first: Vec<(u32, i64)> = (1..=4).map(|u| (u, 10 * i64::from(u))).collect();
        first.extend((5..=8).map(|u| (u, later + i64::from(u))));
        vec![
            cascade(0, 0, &first),
            cascade(0, 50, &[(1, 60), (2, 65), (3, 70)]),
        ]
    }

    #[test]
    fn temporal_features_are_log_spans_to_the_kth_reshare() {
        let c = vec![cascade(0, 100, &[(1, 103), (2, 110), (3, 130), (4, 200)])];
        let h = History::new(&c, 5, 4).unwrap();
        assert_eq!(h.moment(0), Some(200));
        let f = h.features(0).unwrap();
        assert_eq!(f[0], 100f64.ln_1p());
        assert_eq!(f[1], 90f64.ln_1p(), "from reshare 2 (k / 2) to 4");
        assert_eq!(f[2], 3f64.ln_1p());
        assert_eq!(f[3], 70f64.ln_1p());
        assert!(History::new(&c, 5, 5).unwrap().features(0).is_none());
        let h2 = History::new(&c, 5, 2).unwrap();
        assert_eq!(
            h2.time_to_double(0, 201),
            Some(90),
            "reshare 2 at 110 to reshare 4 at 200"
        );
        assert_eq!(h2.time_to_double(0, 200), None, "not doubled before 200");
        assert_eq!(h.time_to_double(0, i64::MAX), None);
        assert!(History::new(&c, 5, 0).is_none());
        assert!(
            History::new(&c, 4, 2).is_none(),
            "account 4 is outside 0..4"
        );
        let shuffled = vec![cascade(0, 100, &[(1, 110), (2, 103)])];
        assert!(
            History::new(&shuffled, 5, 1).is_none(),
            "reshares out of order"
        );
    }

    #[test]
    fn history_counts_only_reshares_seen_before_the_moment() {
        // Cascade 0 doubles (8 reshares ≥ 2k = 6) only with the reshares after `later`. Seen at cascade
        // 1's moment (70), it has 4 reshares when `later` ≥ 70 and 8 when `later` is in 40..=61.
        let k = 3;
        let f = |later: i64| {
            let c = two(later);
            History::new(&c, 9, k).unwrap().features(1).unwrap()
        };
        let (after, before) = (f(1_000), f(50));
        assert_eq!(after[4], 1f64.ln_1p(), "one earlier post by the author");
        assert_eq!(after[5], 4f64.ln_1p(), "seen with its 4 reshares before 70");
        assert_eq!(after[6], 0.5 / 2.0, "not doubled: 0 of 1, smoothed");
        assert_eq!(before[5], 8f64.ln_1p());
        assert_eq!(before[6], 1.5 / 2.0, "doubled by 70: 1 of 1, smoothed");
        // The early adopters are 0, 1, 2 and 3, each in cascade 0 before 70.
        assert_eq!(after[7], 1f64.ln_1p());
        assert_eq!(after[8], 4f64.ln_1p());
        assert_eq!(after[9], 0.25);
        assert_eq!(before[9], 0.75);
    }

    #[test]
    fn a_reshare_at_the_moment_itself_is_not_seen() {
        // Cascade 0's fifth reshare at exactly 70 is not before cascade 1's moment.
        let c = two(65);
        let h = History::new(&c, 9, 3).unwrap();
        assert_eq!(h.moment(1), Some(70));
        assert_eq!(c[0].reshares_before(70), 4);
        assert_eq!(h.features(1).unwrap()[5], 4f64.ln_1p());
    }

    #[test]
    fn later_cascades_and_the_cascade_itself_are_not_history() {
        let c = two(1_000);
        let h = History::new(&c, 9, 3).unwrap();
        // Cascade 0's moment is 30; cascade 1 is posted at 50, after it.
        let f = h.features(0).unwrap();
        assert_eq!(f[4], 0.0, "no earlier post");
        assert_eq!(f[5], 0.0);
        assert_eq!(f[6], 0.5, "no history sits at one half");
        assert_eq!(f[7], 0.0, "nobody took part in anything else before 30");
        assert_eq!(f[8], 0.0);
        assert_eq!(f[9], 0.5);
    }

    #[test]
    fn rows_make_cascades_of_distinct_resharers_in_time_order() {
        let posts = [
            PostRow { author: 0, time: 0 },
            PostRow { author: 1, time: 5 },
        ];
        let row = |actor, kind, time, post| InteractionRow {
            actor,
            target: 0,
            kind,
            time,
            post,
        };
        let rows = [
            row(2, InteractionKind::Reshare, 30, PostLink::Row(0)),
            row(3, InteractionKind::Reshare, 10, PostLink::Row(0)),
            row(2, InteractionKind::Reshare, 40, PostLink::Row(0)),
            row(0, InteractionKind::Reshare, 50, PostLink::Row(0)),
            row(4, InteractionKind::Reply, 20, PostLink::Row(0)),
            row(4, InteractionKind::Reshare, 20, PostLink::Unnamed),
            row(4, InteractionKind::Reshare, 20, PostLink::Outside),
            row(4, InteractionKind::Reshare, 25, PostLink::Row(1)),
        ];
        let c = cascades_from_rows(&posts, &rows);
        assert_eq!(
            c[0].reshares,
            vec![
                Reshare { actor: 3, time: 10 },
                Reshare { actor: 2, time: 30 }
            ],
            "one per account, not the author's, only reshares naming the post"
        );
        assert_eq!(c[1].reshares.len(), 1);
    }
}
