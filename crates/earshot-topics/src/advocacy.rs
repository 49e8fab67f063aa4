//! A brand's advocates and detractors, from the posts that mention it (PRODUCT.md, requirement 4:
//! the people who are passionate about a brand, not only the loud).
//!
//! Pure aggregation: the caller decides which posts mention the brand, classifies their sentiment, and
//! says who reacted to each post with what authenticity weight; [`rank`] turns that into ranked
//! accounts with their counts, shares, reactions and evidence posts.
//!
//! # The score
//!
//! For an account with `n` brand mentions of which `k` lean the way being ranked (positive for
//! advocates, negative for detractors), and `R` authentic reaction weight earned by those `k` posts:
//!
//! ```text
//! score = wilson_lower(k, n) × ln(1 + k) × (1 + ln(1 + R))
//! ```
//!
//! * `wilson_lower(k, n)` is the lower bound of the Wilson score interval (z = 1.96 by default) on the
//!   share `k / n`. It is the share we can be confident of: 1 positive post out of 1 is a share of 1 but
//!   a lower bound of 0.21, 6 out of 6 is 0.61, and 6 out of 10 is 0.31. So a consistent account beats
//!   a mixed one of the same volume, and one lucky post does not look like passion.
//! * `ln(1 + k)` rewards repetition, with diminishing returns: the fifth positive mention adds less
//!   than the second, so a prolific poster cannot win on volume alone.
//! * `1 + ln(1 + R)` rewards mentions that others react to (their advocacy carries), on a log scale
//!   because reactions are heavy-tailed and should not drown consistency, and starting at 1 so that
//!   accounts whose posts earned no reactions (most of them) are still ranked by consistency and volume.
//!   `R` counts each distinct reactor once, at its authenticity weight in [0, 1] (its highest over the
//!   posts): one fan reacting to every post is one fan, and a reactor weighing 0 (a likely fake, a
//!   member of a reaction ring) adds nothing. The account's reactions to its own posts are ignored.
//!
//! An account is an advocate when it has more positive than negative mentions, a detractor when it has
//! more negative than positive ones; neutral mentions count in `n` only (they dilute the share). A
//! detractor's complaint reasons are counted by posts: each negative post counts once for every reason
//! it touches, ties going to the reason that was a post's primary reason more often.

use crate::taxonomy::Hit;
use std::cmp::Ordering;

/// How a post leans: the sentiment model's most probable class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stance {
    Negative,
    Neutral,
    Positive,
}

/// One post that mentions the brand, as [`rank`] reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// The post's id (kept as evidence).
    pub post: i64,
    /// Its author.
    pub author: i64,
    /// The most probable sentiment class.
    pub stance: Stance,
    /// Probabilities of negative, neutral and positive; used to choose the clearest evidence.
    pub probabilities: [f64; 3],
    /// Who reacted to the post (reshared, quoted, replied to or liked it), each with the weight its
    /// reactions carry, in [0, 1] (authenticity; values outside are clamped). Repeats are allowed.
    pub reactors: Vec<(i64, f64)>,
    /// Complaint reasons `(topic id, hits)`, primary first, as [`rank_reasons`] orders them; empty when
    /// none was found.
    pub reasons: Vec<(u32, u32)>,
}

/// Knobs of [`rank`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdvocacyOptions {
    /// The normal quantile of the Wilson interval: 1.96 gives the lower end of a 95% interval.
    pub z: f64,
    /// Evidence posts kept per account.
    pub evidence: usize,
}

impl Default for AdvocacyOptions {
    fn default() -> Self {
        AdvocacyOptions {
            z: 1.96,
            evidence: 2,
        }
    }
}

/// How often a detractor's negative posts touch one complaint reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonCount {
    /// The reason's topic id.
    pub topic: u32,
    /// Negative posts that touch it.
    pub posts: u32,
    /// Negative posts whose primary reason it is.
    pub primary: u32,
}

/// One ranked account: an advocate (counting positive mentions) or a detractor (negative ones).
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub account: i64,
    /// All of the account's brand mentions.
    pub mentions: u32,
    /// Mentions leaning the ranked way: positive for an advocate, negative for a detractor.
    pub count: u32,
    /// `count / mentions`.
    pub share: f64,
    /// The Wilson lower bound on that share.
    pub share_lower: f64,
    /// Authentic reaction weight earned by the counted posts: distinct reactors, each at its weight.
    pub reactions: f64,
    /// See the module documentation.
    pub score: f64,
    /// For detractors: complaint reasons, most posts first. Empty for advocates.
    pub reasons: Vec<ReasonCount>,
    /// Up to [`AdvocacyOptions::evidence`] counted post ids: for advocates the posts with the most
    /// reactions, then the most clearly positive; for detractors posts of the top reason first, then
    /// the most clearly negative.
    pub evidence: Vec<i64>,
}

impl Ranked {
    /// The top complaint reason, if any negative post had one.
    pub fn top_reason(&self) -> Option<u32> {
        self.reasons.first().map(|r| r.topic)
    }
}

/// What [`rank`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Advocacy {
    /// Best first.
    pub advocates: Vec<Ranked>,
    /// Best (most consistent, most repeated, most reacted-to complainer) first.
    pub detractors: Vec<Ranked>,
    /// Mentions read, and distinct authors among them.
    pub mentions: usize,
    pub accounts: usize,
    /// Mentions by stance: negative, neutral, positive.
    pub by_stance: [usize; 3],
}

/// The lower bound of the Wilson score interval for `k` successes in `n` trials (0 when `n` is 0).
pub fn wilson_lower(k: u32, n: u32, z: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (k, n) = (f64::from(k.min(n)), f64::from(n));
    let p = k / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).clamp(0.0, 1.0)
}

/// The advocacy score of the module documentation.
pub fn score(count: u32, mentions: u32, reactions: f64, z: f64) -> f64 {
    wilson_lower(count, mentions, z) * f64::from(count).ln_1p() * (1.0 + reactions.max(0.0).ln_1p())
}

/// A post's complaint reasons from its taxonomy hits: `(topic, hits)`, most hits first, a tie going to
/// the topic hit first (hits come in the matcher's order: words in text order, then hashtags).
pub fn rank_reasons(hits: &[Hit<'_>]) -> Vec<(u32, u32)> {
    // (topic, hits, first position)
    let mut counts: Vec<(u32, u32, usize)> = Vec::new();
    for (i, h) in hits.iter().enumerate() {
        match counts.iter_mut().find(|c| c.0 == h.topic) {
            Some(c) => c.1 += 1,
            None => counts.push((h.topic, 1, i)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    counts.into_iter().map(|(t, n, _)| (t, n)).collect()
}

#[derive(Default)]
struct Tally<'a> {
    posts: [Vec<&'a Mention>; 3],
}

/// Ranks the authors of `mentions` as advocates and detractors. Deterministic: ties in score go to more
/// counted mentions, then to the lower account id.
pub fn rank(mentions: &[Mention], opts: &AdvocacyOptions) -> Advocacy {
    let mut by_author: std::collections::BTreeMap<i64, Tally<'_>> = Default::default();
    let mut by_stance = [0usize; 3];
    for m in mentions {
        let s = stance_index(m.stance);
        by_stance[s] += 1;
        by_author.entry(m.author).or_default().posts[s].push(m);
    }
    let mut out = Advocacy {
        mentions: mentions.len(),
        accounts: by_author.len(),
        by_stance,
        ..Advocacy::default()
    };
    for (&account, tally) in &by_author {
        let [neg, neu, pos] = &tally.posts;
        let total = (neg.len() + neu.len() + pos.len()) as u32;
        if pos.len() > neg.len() {
            out.advocates
                .push(ranked(account, pos, total, Stance::Positive, opts));
        } else if neg.len() > pos.len() {
            out.detractors
                .push(ranked(account, neg, total, Stance::Negative, opts));
        }
    }
    for list in [&mut out.advocates, &mut out.detractors] {
        list.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.count.cmp(&a.count))
                .then(a.account.cmp(&b.account))
        });
    }
    out
}

fn stance_index(s: Stance) -> usize {
    match s {
        Stance::Negative => 0,
        Stance::Neutral => 1,
        Stance::Positive => 2,
    }
}

fn ranked(
    account: i64,
    posts: &[&Mention],
    mentions: u32,
    stance: Stance,
    opts: &AdvocacyOptions,
) -> Ranked {
    let count = posts.len() as u32;
    // Distinct reactors other than the author, each at its highest weight.
    let mut reactors: Vec<(i64, f64)> = posts
        .iter()
        .flat_map(|m| m.reactors.iter().copied())
        .filter(|&(r, _)| r != account)
        .map(|(r, w)| (r, clamp_weight(w)))
        .collect();
    reactors.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    reactors.dedup_by_key(|r| r.0);
    let reactions = reactors.iter().fold(0.0, |sum, r| sum + r.1);
    let reasons = if stance == Stance::Negative {
        reason_counts(posts)
    } else {
        Vec::new()
    };
    let p = stance_index(stance);
    let mut ev: Vec<&Mention> = posts.to_vec();
    let top = reasons.first().map(|r| r.topic);
    ev.sort_by(|a, b| {
        let by_reason = match top {
            Some(t) => primary_is(b, t).cmp(&primary_is(a, t)),
            None => Ordering::Equal,
        };
        by_reason
            .then(post_reactions(b, account).total_cmp(&post_reactions(a, account)))
            .then(b.probabilities[p].total_cmp(&a.probabilities[p]))
            .then(a.post.cmp(&b.post))
    });
    Ranked {
        account,
        mentions,
        count,
        share: f64::from(count) / f64::from(mentions.max(1)),
        share_lower: wilson_lower(count, mentions, opts.z),
        reactions,
        score: score(count, mentions, reactions, opts.z),
        reasons,
        evidence: ev.iter().take(opts.evidence).map(|m| m.post).collect(),
    }
}

fn clamp_weight(w: f64) -> f64 {
    if w.is_nan() {
        0.0
    } else {
        w.clamp(0.0, 1.0)
    }
}

fn primary_is(m: &Mention, topic: u32) -> bool {
    m.reasons.first().is_some_and(|r| r.0 == topic)
}

/// One post's reaction weight (distinct reactors other than the author).
fn post_reactions(m: &Mention, author: i64) -> f64 {
    let mut r: Vec<(i64, f64)> = m
        .reactors
        .iter()
        .filter(|r| r.0 != author)
        .map(|&(a, w)| (a, clamp_weight(w)))
        .collect();
    r.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    r.dedup_by_key(|r| r.0);
    r.iter().fold(0.0, |sum, r| sum + r.1)
}

fn reason_counts(posts: &[&Mention]) -> Vec<ReasonCount> {
    let mut counts: Vec<ReasonCount> = Vec::new();
    for m in posts {
        for (i, &(topic, _)) in m.reasons.iter().enumerate() {
            // A post listing a topic twice counts it once.
            if m.reasons[..i].iter().any(|r| r.0 == topic) {
                continue;
            }
            let c = match counts.iter_mut().find(|c| c.topic == topic) {
                Some(c) => c,
                None => {
                    counts.push(ReasonCount {
                        topic,
                        posts: 0,
                        primary: 0,
                    });
                    counts.last_mut().expect("just pushed")
                }
            };
            c.posts += 1;
            if i == 0 {
                c.primary += 1;
            }
        }
    }
    counts.sort_by(|a, b| {
        b.posts
            .cmp(&a.posts)
            .then(b.primary.cmp(&a.primary))
            .then(a.topic.cmp(&b.topic))
    });
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: i64, author: i64, stance: Stance) -> Mention {
        let probabilities = match stance {
            Stance::Negative => [0.8, 0.1, 0.1],
            Stance::Neutral => [0.1, 0.8, 0.1],
            Stance::Positive => [0.1, 0.1, 0.8],
        };
        Mention {
            post: id,
            author,
            stance,
            probabilities,
            reactors: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// `pos` positive, `neg` negative and `neu` neutral posts by `author`, ids from `author * 100`.
    fn account(author: i64, pos: usize, neg: usize, neu: usize) -> Vec<Mention> {
        let stances = std::iter::repeat_n(Stance::Positive, pos)
            .chain(std::iter::repeat_n(Stance::Negative, neg))
            .chain(std::iter::repeat_n(Stance::Neutral, neu));
        stances
            .enumerate()
            .map(|(i, s)| post(author * 100 + i as i64, author, s))
            .collect()
    }

    fn order(a: &[Ranked]) -> Vec<i64> {
        a.iter().map(|r| r.account).collect()
    }

    #[test]
    fn wilson_lower_bound_values() {
        assert_eq!(wilson_lower(0, 0, 1.96), 0.0);
        assert!((wilson_lower(1, 1, 1.96) - 1.0 / (1.0 + 1.96f64.powi(2))).abs() < 1e-12);
        // Known value: 8 of 10 at 95% is 0.4902.
        assert!((wilson_lower(8, 10, 1.96) - 0.4902).abs() < 1e-3);
        assert!(wilson_lower(6, 6, 1.96) > wilson_lower(6, 10, 1.96));
        assert!(wilson_lower(20, 20, 1.96) > wilson_lower(5, 5, 1.96));
    }

    #[test]
    fn an_enthusiastic_repeat_advocate_beats_a_one_off() {
        let mut posts = account(1, 1, 0, 0);
        // The one-off even earned a few genuine reactions.
        posts[0].reactors = vec![(50, 1.0), (51, 1.0), (52, 1.0)];
        posts.extend(account(2, 4, 0, 0));
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(order(&a.advocates), vec![2, 1]);
        assert_eq!(a.advocates[0].count, 4);
        assert_eq!(a.advocates[1].reactions, 3.0);
        assert!(a.detractors.is_empty());
    }

    #[test]
    fn a_mixed_account_ranks_below_a_consistent_one_of_equal_volume() {
        let mut posts = account(1, 4, 2, 0); // 6 mentions, 4 positive
        posts.extend(account(2, 6, 0, 0)); // 6 mentions, all positive
        posts.extend(account(3, 6, 0, 3)); // 6 positive of 9: more volume, diluted by neutral posts
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(order(&a.advocates), vec![2, 3, 1]);
        let consistent = &a.advocates[0];
        assert_eq!((consistent.count, consistent.mentions), (6, 6));
        assert_eq!(consistent.share, 1.0);
        assert!(a.advocates[2].share_lower < a.advocates[2].share);
        // Equal positive counts: the diluted account still ranks below.
        assert!(a.advocates[1].score < consistent.score);
    }

    #[test]
    fn reactions_from_weight_zero_accounts_add_nothing() {
        let mut faked = account(1, 1, 0, 0);
        faked[0].reactors = (1000..1050).map(|r| (r, 0.0)).collect();
        let mut real = account(2, 1, 0, 0);
        real[0].reactors = vec![(7, 1.0)];
        let plain = account(3, 1, 0, 0);
        let posts: Vec<Mention> = faked.into_iter().chain(real).chain(plain).collect();
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(order(&a.advocates), vec![2, 1, 3]);
        let faked = a.advocates.iter().find(|r| r.account == 1).unwrap();
        let plain = a.advocates.iter().find(|r| r.account == 3).unwrap();
        assert_eq!(faked.reactions, 0.0);
        assert_eq!(faked.score, plain.score);
    }

    #[test]
    fn a_fan_counts_once_and_self_reactions_not_at_all() {
        let mut posts = account(1, 3, 0, 0);
        for p in &mut posts {
            p.reactors = vec![(9, 0.5), (9, 1.0), (1, 1.0)];
        }
        posts[2].reactors.push((77, f64::NAN));
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(a.advocates[0].reactions, 1.0);
        assert!(a.advocates[0].score.is_finite());
    }

    #[test]
    fn evidence_prefers_reacted_to_then_clearest_posts() {
        let mut posts = account(1, 3, 0, 0);
        posts[0].probabilities = [0.0, 0.05, 0.95];
        posts[2].reactors = vec![(5, 1.0)];
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(a.advocates[0].evidence, vec![posts[2].post, posts[0].post]);
    }

    #[test]
    fn detractors_with_reasons_and_ties_between_stances() {
        let (late, bags, service) = (0u32, 1u32, 2u32);
        let mut posts = account(1, 0, 3, 1);
        posts[0].reasons = vec![(late, 2), (service, 1)];
        posts[1].reasons = vec![(service, 1), (late, 1)];
        posts[2].reasons = vec![(late, 1)];
        let mut two = account(2, 0, 1, 0);
        two[0].reasons = vec![(bags, 1), (late, 1)];
        posts.extend(two);
        posts.extend(account(3, 1, 1, 0)); // one each way: neither list
        let a = rank(&posts, &AdvocacyOptions::default());
        assert_eq!(order(&a.detractors), vec![1, 2]);
        assert!(a.advocates.is_empty());
        let d = &a.detractors[0];
        assert_eq!((d.count, d.mentions), (3, 4));
        assert_eq!(d.share, 0.75);
        assert_eq!(d.top_reason(), Some(late));
        assert_eq!(
            d.reasons,
            vec![
                ReasonCount {
                    topic: late,
                    posts: 3,
                    primary: 2
                },
                ReasonCount {
                    topic: service,
                    posts: 2,
                    primary: 1
                },
            ]
        );
        // Posts whose primary reason is the top one come first.
        assert_eq!(d.evidence, vec![100, 102]);
        // One post touching two reasons: the primary one wins the tie.
        assert_eq!(a.detractors[1].top_reason(), Some(bags));
        assert_eq!(a.by_stance, [5, 1, 1]);
        assert_eq!((a.mentions, a.accounts), (7, 3));
    }

    #[test]
    fn reasons_by_hits_then_first_hit() {
        let h = |topic, term| Hit { topic, term };
        let hits = [h(2, "hold"), h(0, "delay*"), h(0, "late"), h(1, "bag")];
        assert_eq!(rank_reasons(&hits), vec![(0, 2), (2, 1), (1, 1)]);
        assert_eq!(rank_reasons(&[h(3, "a"), h(1, "b")]), vec![(3, 1), (1, 1)]);
        assert!(rank_reasons(&[]).is_empty());
    }

    #[test]
    fn nothing_in_nothing_out() {
        let a = rank(&[], &AdvocacyOptions::default());
        assert_eq!(a, Advocacy::default());
    }
}
