//! Does a reply copy the post it answers?
//!
//! Why: engagement farms "reply" by pasting the parent's own text back, padded with a stock
//! compliment or a link ("Great post! <the post> https://spam"), so a reply count looks like
//! conversation. A genuine answer often quotes a line of the question too ("> where is my bag? It is
//! on the 6pm flight …"), and must not be flagged. What separates them is how much the reply adds.
//!
//! **The measure** ([`reply_overlap`]): both texts are normalised as for near-duplicates
//! ([`crate::shingles`]: words only, lower-cased, no mentions, links, hashtags, emoji or punctuation).
//! A reply word is *copied* when it lies inside a run of [`crate::SHINGLE_WORDS`] consecutive reply
//! words that also occurs in the parent (a shorter parent uses its whole length as the run). Only
//! *content* words are counted, neither stopwords nor stock words (thanks, reactions such as
//! "great"/"love"/"nice", and compliment or link padding such as "post", "said", "check", "here"),
//! so padding never counts as something added. Then
//!
//! * `copied` = copied content words, `new` = content words that are not copied;
//! * **Original** when `copied < `[`QUOTE_MIN_COPIED_WORDS`]: the reply shares at most an incidental
//!   phrase with its parent;
//! * **CopiesParent** when the share of new words, `new / (copied + new)`, is below
//!   [`COPY_MAX_NEW_SHARE`];
//! * **QuotesParent** otherwise.

use rustc_hash::FxHashSet;

use crate::dup::{normal_words, shingle_hash, Word, SHINGLE_WORDS};

/// A reply is [`CopyKind::CopiesParent`] when fewer than this share of its counted content words are
/// its own. 0.3: a copy of a 15-content-word post may add up to 6 words of its own ("I disagree,
/// this ignores the bus lanes" adds 4) and still be a copy; a real answer that quotes a question of
/// 5 content words needs only 3 words of its own to be a quote. Lower flags fewer padded copies;
/// higher starts to flag answers that quote a long question to reply briefly.
pub const COPY_MAX_NEW_SHARE: f32 = 0.3;

/// A reply sharing fewer content words than this with its parent (through shared three-word runs) is
/// [`CopyKind::Original`]: one shared content word is a coincidence ("the 6pm flight"), two are
/// the smallest quote.
pub const QUOTE_MIN_COPIED_WORDS: usize = 2;

/// How a reply relates to the post it answers. Only `CopiesParent` is a sign of inauthentic
/// engagement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CopyKind {
    /// The reply's content is its own.
    Original,
    /// The reply quotes part of its parent and adds substantial text of its own: normal.
    QuotesParent,
    /// The reply is mostly its parent's text, padded with compliments, links or a few words.
    CopiesParent,
}

impl CopyKind {
    /// A lower-case name for reports (`original`, `quotes_parent`, `copies_parent`).
    pub fn as_str(self) -> &'static str {
        match self {
            CopyKind::Original => "original",
            CopyKind::QuotesParent => "quotes_parent",
            CopyKind::CopiesParent => "copies_parent",
        }
    }
}

/// The counts behind [`reply_copy_kind`] (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReplyOverlap {
    /// Content words of the reply inside a run of words that also occurs in the parent.
    pub copied: usize,
    /// Content words of the reply that are its own.
    pub new: usize,
    /// Words of the reply inside such runs, content words or not (stock words excluded): how long
    /// the copied stretch is, for texts made mostly of small words.
    pub copied_words: usize,
}

impl ReplyOverlap {
    /// `new / (copied + new)`; 1 for a reply with no content words (nothing copied).
    pub fn new_share(&self) -> f32 {
        let total = self.copied + self.new;
        if total == 0 {
            1.0
        } else {
            self.new as f32 / total as f32
        }
    }

    /// The classification of these counts (see the module docs).
    pub fn kind(&self) -> CopyKind {
        if self.copied < QUOTE_MIN_COPIED_WORDS {
            CopyKind::Original
        } else if self.new_share() < COPY_MAX_NEW_SHARE {
            CopyKind::CopiesParent
        } else {
            CopyKind::QuotesParent
        }
    }
}

/// Counts the reply's copied and new content words against its parent (see the module docs).
///
/// ```
/// let o = earshot_text::reply_overlap("Great post!! The bridge opens Monday https://t.co/x", "The bridge opens Monday");
/// assert_eq!((o.copied, o.new), (3, 0));
/// ```
pub fn reply_overlap(reply: &str, parent: &str) -> ReplyOverlap {
    overlap_of_words(&normal_words(reply), &normal_words(parent))
}

/// [`reply_overlap`] over normalised words: a reply word is copied when it lies in a run of
/// `min(SHINGLE_WORDS, parent.len())` words that also occurs in the parent.
pub(crate) fn overlap_of_words(reply: &[Word], parent: &[Word]) -> ReplyOverlap {
    let k = SHINGLE_WORDS.min(parent.len());
    if k == 0 || reply.len() < k {
        return count_copied(reply, |_| false);
    }
    let runs: FxHashSet<u64> = parent.windows(k).map(shingle_hash).collect();
    let reply_runs: Vec<u64> = reply.windows(k).map(shingle_hash).collect();
    count_copied(reply, |i| {
        // Word `i` is copied when a run containing it occurs in the parent.
        let first = i.saturating_sub(k - 1);
        let last = i.min(reply_runs.len() - 1);
        (first..=last).any(|s| runs.contains(&reply_runs[s]))
    })
}

/// Copied and new content words of `words` (and all copied words but stock ones), where `copied(i)`
/// says whether word `i` is copied.
pub(crate) fn count_copied(words: &[Word], copied: impl Fn(usize) -> bool) -> ReplyOverlap {
    let mut o = ReplyOverlap::default();
    for (i, w) in words.iter().enumerate() {
        if w.stock {
            continue;
        }
        let c = copied(i);
        o.copied_words += usize::from(c);
        if !w.content {
            continue;
        }
        if c {
            o.copied += 1;
        } else {
            o.new += 1;
        }
    }
    o
}

/// Classifies a reply against the post it answers: [`CopyKind::CopiesParent`] for a padded copy,
/// [`CopyKind::QuotesParent`] for an answer that quotes and adds, [`CopyKind::Original`] otherwise.
///
/// ```
/// use earshot_text::{reply_copy_kind, CopyKind};
/// let q = "Does anyone know if the Mill Road cycle lane closes the road to buses during the works?";
/// assert_eq!(reply_copy_kind(&format!("Love this! {q} https://t.co/win"), q), CopyKind::CopiesParent);
/// assert_eq!(
///     reply_copy_kind("> closes the road to buses during the works? No, buses keep one lane; only cars are diverted via Hills Road until June.", q),
///     CopyKind::QuotesParent
/// );
/// ```
pub fn reply_copy_kind(reply: &str, parent: &str) -> CopyKind {
    reply_overlap(reply, parent).kind()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CopyKind::*;

    const PARENT: &str =
        "The council approved the new cycle lane on Mill Road, work starts in March \
                          and the road stays open to buses";
    const QUESTION: &str = "@council will the Mill Road cycle lane works close the road to buses, \
                            and for how long?";

    #[test]
    fn padded_copies_copy_the_parent() {
        for reply in [
            format!("Great post! {PARENT}"),
            format!("{PARENT} https://t.co/spam"),
            format!("@author nice!! {PARENT} check it out here https://bit.ly/x 🔥🔥"),
            format!("Love this, so true: {PARENT}. Well said!"),
            format!("{PARENT} I agree"),
            // A partial copy with one word of its own is still a copy.
            "council approved the new cycle lane on Mill Road, work starts in March, wow".into(),
        ] {
            let o = reply_overlap(&reply, PARENT);
            assert_eq!(o.kind(), CopiesParent, "{reply:?}: {o:?}");
        }
    }

    #[test]
    fn answers_that_quote_the_question_are_not_copies() {
        let reply = "> will the Mill Road cycle lane works close the road to buses\n\
                     No: buses keep one lane in each direction; private cars are diverted via Hills \
                     Road and Coleridge Road until the resurfacing finishes in late June.";
        let o = reply_overlap(reply, QUESTION);
        assert!(o.copied >= 5, "{o:?}");
        assert_eq!(o.kind(), QuotesParent, "{o:?}");
    }

    #[test]
    fn own_answers_are_original() {
        for reply in [
            "Buses keep one lane; cars go via Hills Road until June.",
            "No idea, ask the county",
            "thanks!",
            "",
            "🔥🔥🔥",
        ] {
            assert_eq!(reply_copy_kind(reply, QUESTION), Original, "{reply:?}");
        }
        // One shared phrase is a coincidence, not a quote.
        assert_eq!(
            reply_copy_kind(
                "Mill Road traffic was awful today, took forty minutes to reach the station",
                QUESTION
            ),
            Original
        );
    }

    #[test]
    fn short_parents_and_odd_input_do_not_panic() {
        let long = "word ".repeat(10_000);
        let odd = [
            "",
            "🔥",
            "@a https://t.co/x #b",
            "a",
            "\u{FFFD}\u{0000}\u{202E}abc",
            long.as_str(),
        ];
        for r in odd {
            for p in odd {
                let _ = reply_copy_kind(r, p);
            }
        }
        assert_eq!(reply_copy_kind("", ""), Original);
        assert_eq!(reply_copy_kind("🔥", "🔥"), Original);
        // A two-word parent: runs are two words long.
        assert_eq!(
            reply_copy_kind("Great post! Sunset Brighton", "sunset brighton"),
            CopiesParent
        );
        assert_eq!(ReplyOverlap::default().new_share(), 1.0);
        assert_eq!(CopiesParent.as_str(), "copies_parent");
    }
}
