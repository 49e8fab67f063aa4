//! The stored posts that mention a brand, classified, with repeats dropped and the reactions they
//! earned attached: what `earshot_topics::advocacy::rank` reads.

use super::brand::Brand;
use earshot_model::InteractionKind;
use earshot_score::ScoreInput;
use earshot_sentiment::{Polarity, SentimentModel};
use earshot_topics::advocacy::{rank_reasons, Mention, Stance};
use earshot_topics::{extract, Matcher};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// The sentiment model's class as a stance.
pub(super) fn stance(p: Polarity) -> Stance {
    match p {
        Polarity::Negative => Stance::Negative,
        Polarity::Neutral => Stance::Neutral,
        Polarity::Positive => Stance::Positive,
    }
}

/// A brand's mentions, ready to rank.
pub(super) struct Mentions {
    /// In time order.
    pub list: Vec<Mention>,
    /// Mentions dropped as repeats of their authors' earlier texts.
    pub repeats: usize,
    /// Reactions from others attached to the mentions.
    pub reacted: usize,
}

impl Mentions {
    /// Every post of `input` that mentions `brand`, except the brand's `own`; negative ones sorted
    /// into `reasons` when a taxonomy is given.
    pub fn gather(
        input: &ScoreInput,
        own: &FxHashSet<i64>,
        brand: &Brand,
        reasons: Option<&Matcher>,
        model: &SentimentModel,
    ) -> Mentions {
        let mut list = matching(input, own, brand, reasons, model);
        let repeats = drop_repeats(&mut list, input);
        let reacted = attach_reactions(&mut list, input);
        Mentions {
            list,
            repeats,
            reacted,
        }
    }
}

/// The posts that mention the brand, classified, in no particular order.
fn matching(
    input: &ScoreInput,
    own: &FxHashSet<i64>,
    brand: &Brand,
    reasons: Option<&Matcher>,
    model: &SentimentModel,
) -> Vec<Mention> {
    input
        .posts
        .par_iter()
        .filter(|(_, p)| !own.contains(&p.author))
        .filter_map(|(&id, p)| {
            let text = p.text.as_deref()?;
            if !brand.may_match(&text.to_lowercase()) {
                return None;
            }
            let terms = extract(text);
            if brand.matcher.hits(&terms, None).is_empty() {
                return None;
            }
            let s = model.classify(text);
            let reasons = match (reasons, s.polarity) {
                (Some(r), Polarity::Negative) => rank_reasons(&r.hits(&terms, None)),
                _ => Vec::new(),
            };
            Some(Mention {
                post: id,
                author: p.author,
                stance: stance(s.polarity),
                probabilities: s.probabilities,
                reactors: Vec::new(),
                reasons,
            })
        })
        .collect()
}

/// Puts `mentions` in time order and drops repeats, returning how many went.
///
/// One author saying the same thing again is one voice, once: a text its author already posted
/// (ignoring case, links, mentions and spacing) does not count again, so ten copies of "YOU ARE THE
/// BEST!!! FOLLOW ME" are one positive mention. In time order, so the first post is the one kept.
fn drop_repeats(mentions: &mut Vec<Mention>, input: &ScoreInput) -> usize {
    mentions.sort_by_key(|m| (input.posts.get(&m.post).map(|p| p.time), m.post));
    let before = mentions.len();
    let mut said: FxHashSet<(i64, String)> = FxHashSet::default();
    mentions.retain(|m| {
        let text = input
            .posts
            .get(&m.post)
            .and_then(|p| p.text.as_deref())
            .unwrap_or("");
        said.insert((m.author, repeat_key(text)))
    });
    before - mentions.len()
}

/// What makes two posts by one author "the same text": lowercased words without links and mentions.
fn repeat_key(text: &str) -> String {
    earshot_text::strip_entities(text)
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds to each mention the accounts that reshared, quoted, replied to or liked it, at the weight
/// scoring gives them; returns how many reactions were added. The author's own reactions and flagged
/// ones (spam, copied replies) earn nothing.
fn attach_reactions(mentions: &mut [Mention], input: &ScoreInput) -> usize {
    let index: FxHashMap<i64, usize> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.post, i))
        .collect();
    let mut reacted = 0usize;
    for r in &input.reactions {
        let reaction = matches!(
            r.kind,
            InteractionKind::Reshare
                | InteractionKind::Quote
                | InteractionKind::Reply
                | InteractionKind::Like
        );
        let Some(&i) = r.post.and_then(|p| index.get(&p)) else {
            continue;
        };
        let m = &mut mentions[i];
        if !reaction || r.target != m.author || r.actor == m.author || input.flag_of(r).is_some() {
            continue;
        }
        m.reactors
            .push((r.actor, input.reactor_weight(r.actor, r.target)));
        reacted += 1;
    }
    reacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_ignore_case_links_mentions_and_spacing() {
        assert_eq!(
            repeat_key("@acme BEST airline ever, love you"),
            repeat_key("@ACME best airline  ever, love you https://t.co/x")
        );
        assert_ne!(repeat_key("love you"), repeat_key("love you too"));
    }
}
