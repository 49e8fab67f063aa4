//! Why a post earns nothing, and the evidence for it: what a reader needs to check a flag by hand.

/// Why a post earns nothing. The order is the order of precedence: a post flagged for several reasons
/// carries the first as its flag (`ScoreInput::flagged_posts`), so the reasons that existed first keep
/// precedence over the copy relations added after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostFlag {
    /// Selling followers, likes, reviews or promotion.
    CommercialSpam,
    /// A reply that copies the post it answers, padded with a link or a stock compliment.
    CopiesParent,
    /// Near-identical text posted by many different accounts.
    CopyCampaign,
    /// A copy of an earlier post of its own thread: another answer to the same post (a sibling), the
    /// root or another earlier reply, padded with a compliment or a link or lightly reworded.
    CopiesThreadPost,
    /// A repeat of its author's own earlier post, elsewhere.
    RepeatsOwnPost,
}

impl PostFlag {
    /// Every flag, in order of precedence.
    pub const ALL: [PostFlag; 5] = [
        PostFlag::CommercialSpam,
        PostFlag::CopiesParent,
        PostFlag::CopyCampaign,
        PostFlag::CopiesThreadPost,
        PostFlag::RepeatsOwnPost,
    ];

    /// The flag's name in reports and requests (`commercial_spam`, `copies_parent`, …), as it
    /// serialises.
    pub fn name(self) -> &'static str {
        match self {
            PostFlag::CommercialSpam => "commercial_spam",
            PostFlag::CopiesParent => "copies_parent",
            PostFlag::CopyCampaign => "copy_campaign",
            PostFlag::CopiesThreadPost => "copies_thread_post",
            PostFlag::RepeatsOwnPost => "repeats_own_post",
        }
    }

    /// The flag named `name` ([`Self::name`]), if any.
    pub fn from_name(name: &str) -> Option<PostFlag> {
        PostFlag::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn meaning(self) -> &'static str {
        match self {
            PostFlag::CommercialSpam => {
                "commercial spam (selling followers, likes, reviews or promotion)"
            }
            PostFlag::CopiesParent => "a copy of the post it replies to, padded",
            PostFlag::CopyCampaign => "near-identical text posted by many accounts",
            PostFlag::CopiesThreadPost => {
                "a copy of an earlier post in its thread (another reply, padded or reworded)"
            }
            PostFlag::RepeatsOwnPost => "a repeat of the author's own earlier post elsewhere",
        }
    }
}

/// What a flag rests on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlagEvidence {
    /// The cue lexicon's decision (`earshot_text::spam_cues`).
    Spam {
        /// What it sells: `sells_engagement`, `sells_reviews` or `paid_promotion`.
        sells: &'static str,
        /// The cues that fired (`goods`, `sell`, `quantity`, `contact`, …).
        cues: Vec<&'static str>,
    },
    /// The post copies `source` (`earshot_text::CopyIndex`).
    Copy {
        /// The copied post (earshot's id).
        source: i64,
        /// `parent`, `sibling`, `thread` or `own_post`.
        relation: &'static str,
        /// Content words inside runs of three words found in the source.
        copied_words: u32,
        /// Content words of its own.
        new_words: u32,
        /// `new_words / (copied_words + new_words)`.
        new_share: f64,
    },
    /// The post belongs to a group of near-duplicates posted by many accounts.
    Campaign {
        /// Distinct authors of the group.
        authors: u32,
        /// Posts in the group.
        posts: u32,
        /// Some of the group's other posts (earshot's ids, the earliest ids first).
        sample: Vec<i64>,
    },
}

/// One reason a post was flagged, with its evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FlagReason {
    pub flag: PostFlag,
    pub evidence: FlagEvidence,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for f in PostFlag::ALL {
            assert_eq!(PostFlag::from_name(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.name());
        }
        assert_eq!(PostFlag::from_name("spam"), None);
        // Precedence: the reasons that existed first come first.
        assert!(PostFlag::CopyCampaign < PostFlag::CopiesThreadPost);
    }
}
