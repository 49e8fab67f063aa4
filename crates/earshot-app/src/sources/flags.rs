//! Posts whose reactions earn nothing, with every reason and its evidence: commercial spam, copies
//! (of the parent, of an earlier post of the thread, of the author's own earlier post) and copy
//! campaigns.

use earshot_score::{FlagEvidence, FlagReason, PostFlag, PostInfo};
use earshot_text::{CopyIndex, CopyMatch, CopyPost, CopyRelation, CopyText, SpamCues, SpamKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Shortest post (in 3-word shingles) that can join a copy campaign: short stock phrases ("good
/// morning everyone") are posted by many people independently.
const CAMPAIGN_MIN_SHINGLES: usize = 6;
/// Near-duplicate similarity and distinct authors that make a copy campaign.
const CAMPAIGN_MIN_JACCARD: f32 = 0.7;
const CAMPAIGN_MIN_AUTHORS: usize = 5;
/// Other posts of its campaign a flagged post names as evidence.
const CAMPAIGN_SAMPLE: usize = 5;

/// What one post looks like on its own: spam, its copy text, its campaign signature.
struct Look {
    spam: Option<(SpamKind, SpamCues)>,
    text: CopyText,
    /// Boxed: 256 bytes that most posts (too short for a campaign) do not have, and a `Look` per post
    /// is held for all of them at once.
    signature: Option<Box<earshot_text::Signature>>,
}

/// Posts whose reactions earn nothing, and every reason why, with evidence
/// (`ScoreInput::set_flag_reasons` takes the result):
///
/// * commercial spam (the cues that fired);
/// * copies (`earshot_text::CopyIndex`): a reply copying its parent ([`PostFlag::CopiesParent`]),
///   a copy of an earlier post of its thread ([`PostFlag::CopiesThreadPost`]) or of its author's own
///   earlier post elsewhere ([`PostFlag::RepeatsOwnPost`]), with the copied post and the share of
///   new words;
/// * copy campaigns: near-identical text from at least five accounts (the group's size and a few of
///   its posts). As before the copy relations existed, spam and parent copies do not join campaigns,
///   so the campaigns are the ones found then.
///
/// Deterministic: posts are taken in id order, and each post's decision depends only on the whole
/// batch, so the parallel per-post work gives the same result on any number of threads.
pub fn flag_posts(posts: &FxHashMap<i64, PostInfo>) -> FxHashMap<i64, Vec<FlagReason>> {
    // Every post takes part in threads (a post without text still links its replies to their root);
    // only posts with text are judged.
    let mut ids: Vec<i64> = posts.keys().copied().collect();
    ids.sort_unstable();
    let mut looks: Vec<Look> = ids
        .par_iter()
        .map(|id| {
            let text = posts[id].text.as_deref().unwrap_or("");
            let cues = earshot_text::spam_cues(text);
            let shingles = earshot_text::shingles(text);
            Look {
                spam: cues.kind().map(|k| (k, cues)),
                text: CopyText::new(text),
                signature: (shingles.len() >= CAMPAIGN_MIN_SHINGLES)
                    .then(|| earshot_text::Signature::from_shingles(&shingles).map(Box::new))
                    .flatten(),
            }
        })
        .collect();
    // The texts move to the copy index; the rest stays where it is (a second vector of what is left
    // would hold every post's look twice at the peak).
    let texts = looks
        .iter_mut()
        .map(|l| std::mem::take(&mut l.text))
        .collect();
    let copies = copies_of(posts, &ids, texts);
    let mut reasons: FxHashMap<i64, Vec<FlagReason>> = FxHashMap::default();
    let mut campaign = earshot_text::NearDupIndex::default();
    let mut in_campaign_index: Vec<(i64, i64)> = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let p = &posts[&id];
        if p.text.is_none() {
            continue;
        }
        let mut mine = Vec::new();
        let Look {
            spam, signature, ..
        } = &looks[i];
        if let Some((kind, cues)) = spam {
            mine.push(FlagReason {
                flag: PostFlag::CommercialSpam,
                evidence: FlagEvidence::Spam {
                    sells: kind.as_str(),
                    cues: cues.names(),
                },
            });
        }
        if let Some(m) = copies[i] {
            mine.push(FlagReason {
                flag: match m.relation {
                    CopyRelation::Parent => PostFlag::CopiesParent,
                    CopyRelation::Sibling | CopyRelation::Thread => PostFlag::CopiesThreadPost,
                    CopyRelation::OwnPost => PostFlag::RepeatsOwnPost,
                },
                evidence: FlagEvidence::Copy {
                    source: m.source,
                    relation: m.relation.as_str(),
                    copied_words: m.overlap.copied as u32,
                    new_words: m.overlap.new as u32,
                    new_share: m.overlap.new_share() as f64,
                },
            });
        }
        let parent_copy = mine.iter().any(|r| r.flag == PostFlag::CopiesParent);
        if spam.is_none() && !parent_copy {
            if let Some(sig) = signature {
                if campaign.insert_signature(Some((**sig).clone())).is_ok() {
                    in_campaign_index.push((id, p.author));
                }
            }
        }
        if !mine.is_empty() {
            reasons.insert(id, mine);
        }
    }
    let authors: Vec<i64> = in_campaign_index.iter().map(|&(_, a)| a).collect();
    if let Ok(groups) = earshot_text::copy_campaign_groups(
        &campaign,
        &authors,
        CAMPAIGN_MIN_JACCARD,
        CAMPAIGN_MIN_AUTHORS,
    ) {
        for (k, &(id, _)) in in_campaign_index.iter().enumerate() {
            let Some(c) = groups.of_post.get(k).copied().flatten() else {
                continue;
            };
            let group = &groups.campaigns[c as usize];
            let sample = group
                .posts
                .iter()
                .map(|&j| in_campaign_index[j as usize].0)
                .filter(|&other| other != id)
                .take(CAMPAIGN_SAMPLE)
                .collect();
            reasons.entry(id).or_default().push(FlagReason {
                flag: PostFlag::CopyCampaign,
                evidence: FlagEvidence::Campaign {
                    authors: group.authors as u32,
                    posts: group.posts.len() as u32,
                    sample,
                },
            });
        }
    }
    for r in reasons.values_mut() {
        r.sort_by_key(|r| r.flag);
    }
    reasons
}

/// What each of `ids` copies ([`CopyIndex::find`], in parallel), given their normalised `texts` in
/// the same order.
fn copies_of(
    posts: &FxHashMap<i64, PostInfo>,
    ids: &[i64],
    texts: Vec<CopyText>,
) -> Vec<Option<CopyMatch>> {
    let index = CopyIndex::new(
        ids.iter()
            .zip(texts)
            .map(|(&id, text)| {
                let p = &posts[&id];
                CopyPost {
                    id,
                    author: p.author,
                    time: p.time,
                    reply_to: p.reply_to,
                    quote_of: p.quote_of,
                    text,
                }
            })
            .collect(),
    );
    (0..ids.len())
        .into_par_iter()
        .map(|i| index.find(i))
        .collect()
}

/// The copy check alone, as [`flag_posts`] runs it (texts normalised in parallel, the index, each
/// post's look-up in parallel): every post's id, in id order, with what it copies. For the benchmark.
pub fn find_copies(posts: &FxHashMap<i64, PostInfo>) -> Vec<(i64, Option<CopyMatch>)> {
    let mut ids: Vec<i64> = posts.keys().copied().collect();
    ids.sort_unstable();
    let texts: Vec<CopyText> = ids
        .par_iter()
        .map(|id| CopyText::new(posts[id].text.as_deref().unwrap_or("")))
        .collect();
    let copies = copies_of(posts, &ids, texts);
    ids.into_iter().zip(copies).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "The council approved the new cycle lane on Mill Road, work starts in March";
    const COMMENT: &str = "Finally some good news, the buses will get their own lane and the \
                           junction by the station is being redesigned too";
    const CAMPAIGN: &str =
        "Everyone go follow @brand right now for the most amazing deals and giveaways on the whole internet today";

    fn posts(list: &[(i64, i64, i64, Option<i64>, &str)]) -> FxHashMap<i64, PostInfo> {
        list.iter()
            .map(|&(id, author, time, reply_to, text)| {
                let text = (!text.is_empty()).then(|| text.to_string());
                let p = PostInfo {
                    author,
                    time,
                    text,
                    reply_to,
                    quote_of: None,
                };
                (id, p)
            })
            .collect()
    }

    #[test]
    fn every_reason_comes_with_its_evidence() {
        let nice = format!("Nice post, {COMMENT}");
        let parent_copy = format!("{ROOT} https://t.co/x");
        let mut list = vec![
            (1, 10, 0, None, ROOT),
            (2, 11, 10, Some(1), COMMENT),
            (3, 12, 20, Some(1), nice.as_str()),
            (4, 13, 30, Some(1), parent_copy.as_str()),
            (5, 14, 40, Some(1), "Buy 1000 real followers cheap! DM now"),
            (6, 15, 50, None, ""),
            (
                7,
                16,
                60,
                Some(6),
                "a reply to a post without text, about nothing much",
            ),
        ];
        let tails = ["!", "!!", "wow", "yes", "so true"];
        let texts: Vec<String> = tails.iter().map(|t| format!("{CAMPAIGN} {t}")).collect();
        for (k, t) in texts.iter().enumerate() {
            list.push((
                100 + k as i64,
                100 + k as i64,
                100 + k as i64,
                None,
                t.as_str(),
            ));
        }
        let flags = flag_posts(&posts(&list));
        assert!(!flags.contains_key(&1) && !flags.contains_key(&2));
        assert!(!flags.contains_key(&6) && !flags.contains_key(&7));
        let sibling = &flags[&3];
        assert_eq!(sibling.len(), 1);
        assert_eq!(sibling[0].flag, PostFlag::CopiesThreadPost);
        match &sibling[0].evidence {
            FlagEvidence::Copy {
                source,
                relation,
                new_words,
                new_share,
                ..
            } => {
                assert_eq!((*source, *relation), (2, "sibling"));
                assert_eq!((*new_words, *new_share), (0, 0.0));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(flags[&4][0].flag, PostFlag::CopiesParent);
        let spam = &flags[&5][0];
        assert_eq!(spam.flag, PostFlag::CommercialSpam);
        let FlagEvidence::Spam { sells, cues } = &spam.evidence else {
            panic!("{spam:?}")
        };
        assert_eq!(*sells, "sells_engagement");
        assert!(
            cues.contains(&"sell") && cues.contains(&"quantity"),
            "{cues:?}"
        );
        // The campaign's first post: campaign, with the other four as the sample.
        let first = &flags[&100];
        assert_eq!(first.len(), 1, "{first:?}");
        let FlagEvidence::Campaign {
            authors,
            posts,
            sample,
        } = &first[0].evidence
        else {
            panic!("{first:?}")
        };
        assert_eq!((*authors, *posts), (5, 5));
        assert_eq!(sample, &[101, 102, 103, 104]);
    }

    #[test]
    fn the_first_reason_is_the_one_that_existed_first() {
        // Five accounts repeat one text in one thread: each later one copies an earlier sibling, and
        // all five are a campaign, as before the thread relation existed: the campaign stays first.
        let tails = ["!", "!!", "wow", "yes", "so true"];
        let texts: Vec<String> = tails.iter().map(|t| format!("{CAMPAIGN} {t}")).collect();
        let mut list = vec![(1, 10, 0, None, ROOT)];
        for (k, t) in texts.iter().enumerate() {
            list.push((
                2 + k as i64,
                20 + k as i64,
                10 + k as i64,
                Some(1),
                t.as_str(),
            ));
        }
        let flags = flag_posts(&posts(&list));
        for id in 2..=6 {
            assert_eq!(flags[&id][0].flag, PostFlag::CopyCampaign, "post {id}");
        }
        assert_eq!(flags[&2].len(), 1);
        for id in 3..=6 {
            assert_eq!(flags[&id][1].flag, PostFlag::CopiesThreadPost, "post {id}");
        }
        let mut input = earshot_score::ScoreInput {
            posts: posts(&list),
            ..Default::default()
        };
        input.set_flag_reasons(flags);
        assert_eq!(input.flagged_posts[&3], PostFlag::CopyCampaign);
        assert_eq!(input.flag_reasons[&3].len(), 2);
    }
}
