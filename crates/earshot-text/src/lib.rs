//! Small, transparent, fast text signals for the conversation component of earshot's scores.
//!
//! "Engagers answer": an account that engages replies when it is asked something, and its replies say
//! something. This crate answers the two text questions behind that, one message at a time:
//!
//! * [`is_question`]: does this message ask something of its recipient (a `?` outside URLs, an
//!   interrogative opener, or a request such as "please advise" / "DM me")?
//! * [`reply_substance`]: is this reply [`Substance::Trivial`] (a bare "thanks :)" or 👍),
//!   [`Substance::Short`], or [`Substance::Substantive`]?
//!
//! and exposes the pieces they are built from: [`tokenize`] (words, mentions, hashtags, URLs, emoji,
//! emoticons, punctuation), [`content_words`], [`words`] and [`strip_entities`] (text without mentions,
//! URLs and hashtags).
//!
//! Copies, for the authenticity side ("content"):
//!
//! * [`NearDupIndex`]: MinHash [`Signature`]s over word [`shingles`] and LSH banding find
//!   near-duplicate posts (copy-paste farms, spam dressed with different mentions or compliments)
//!   among many posts without comparing every pair;
//! * [`reply_copy_kind`]: does a reply copy the post it answers ([`CopyKind::CopiesParent`]), quote
//!   it and add something ([`CopyKind::QuotesParent`]), or say its own thing ([`CopyKind::Original`])?
//! * [`CopyIndex`]: which posts copy an earlier post of their own thread (a sibling's comment with a
//!   compliment in front) or their author's own earlier post elsewhere, with the source and the
//!   counts ([`CopyMatch`]), through an inverted index of shingles per thread and per author;
//!
//! Spam, for the same side:
//!
//! * [`commercial_spam`]: is a post an ad for followers, likes, views, reviews or paid promotion
//!   ([`SpamKind`]), by a small cue lexicon ([`spam_cues`] says which cues fired)?
//! * [`LinkSpam`]: which domains are pushed by many accounts that post little else, or with
//!   near-copies of one text?
//!
//! Every function is a plain function over `&str`: no models, no global state, no I/O, `O(n)` in the
//! message length (the index: `O(n log n)` in the number of posts), and no panics on any input. The
//! rules are word lists and short patterns documented where they live (`question.rs`, `opener.rs`,
//! `request.rs`, `substance.rs`, `dup.rs`, `copy.rs`, `containment.rs`, `spam.rs`, `link_spam.rs`), so a score can be explained by pointing at one.
//! This crate knows nothing of graphs, SQL or files.

mod authored;
mod campaign;
mod containment;
mod copy;
mod dup;
mod lexicon;
mod link_spam;
mod opener;
mod question;
mod request;
mod spam;
mod spam_words;
mod substance;
mod tokens;

/// Assertions shared by the question tests of several modules.
#[cfg(test)]
mod test_cases {
    use crate::is_question;

    #[track_caller]
    pub fn yes(cases: &[&str]) {
        for c in cases {
            assert!(is_question(c), "should be a question: {c:?}");
        }
    }

    #[track_caller]
    pub fn no(cases: &[&str]) {
        for c in cases {
            assert!(!is_question(c), "should not be a question: {c:?}");
        }
    }
}

pub use authored::is_bare_retweet;
pub use campaign::{copy_campaign_groups, copy_campaigns, Campaign, Campaigns};
pub use containment::{
    CopyIndex, CopyMatch, CopyPost, CopyRelation, CopyText, CANDIDATES_PER_POST,
    CONTAINED_MIN_COPIED_RUN_WORDS, CONTAINED_MIN_COPIED_WORDS, INDEX_SHINGLES,
    POSTINGS_PER_SHINGLE, QUERY_SHINGLES,
};
pub use copy::{
    reply_copy_kind, reply_overlap, CopyKind, ReplyOverlap, COPY_MAX_NEW_SHARE,
    QUOTE_MIN_COPIED_WORDS,
};
pub use dup::{
    shingles, DupError, DupPair, LshParams, NearDupIndex, Signature, SHINGLE_WORDS, SIGNATURE_LEN,
    STAR_BUCKET_MIN,
};
pub use link_spam::{is_shortener, link_domain, DomainReport, LinkPost, LinkSpam, LinkSpamError};
pub use question::is_question;
pub use spam::{commercial_spam, spam_cues, SpamCues, SpamKind};
pub use substance::{content_words, reply_substance, Substance, SUBSTANTIVE_MIN_CONTENT_WORDS};
pub use tokens::{tokenize, Token, TokenKind, Tokens};

/// The words of `text`, without @mentions, URLs, hashtags, emoji, emoticons or punctuation, in their
/// original case.
///
/// ```
/// let w: Vec<_> = earshot_text::words("@bob Thanks!! see https://t.co/x #yay 😀").collect();
/// assert_eq!(w, ["Thanks", "see"]);
/// ```
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    tokenize(text)
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text)
}

/// `text` without @mentions, URLs, hashtags and `RT`/`MT` retweet markers, with runs of whitespace
/// (and the gaps left by removed entities) collapsed to one space. Words, punctuation and emoji stay,
/// so two copies of a message sent to different accounts, or with different tracking links, become
/// equal strings: the input a near-duplicate detector wants.
///
/// ```
/// assert_eq!(
///     earshot_text::strip_entities("RT @x: Win a trip!  https://t.co/a #promo @y"),
///     ": Win a trip!"
/// );
/// ```
pub fn strip_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    let mut it = tokenize(text).peekable();
    while let Some(t) = it.next() {
        let rt_marker = t.kind == TokenKind::Word
            && (t.text.eq_ignore_ascii_case("rt") || t.text.eq_ignore_ascii_case("mt"))
            && it.peek().is_some_and(|n| n.kind == TokenKind::Mention);
        if t.is_entity() || rt_marker {
            gap = true;
            continue;
        }
        if (gap || t.space_before) && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push_str(t.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_entities_cases() {
        assert_eq!(strip_entities(""), "");
        assert_eq!(strip_entities("@a @b"), "");
        assert_eq!(
            strip_entities("@united my bag!! https://t.co/x"),
            "my bag!!"
        );
        assert_eq!(strip_entities("hi@bob"), "hi@bob");
        assert_eq!(strip_entities("a\n\n  b #x c"), "a b c");
        assert_eq!(strip_entities("see https://x.com/a?b=1, ok"), "see , ok");
        assert_eq!(
            strip_entities("Win big! https://t.co/AAA @alice"),
            strip_entities("Win big!  https://t.co/BBB @bob")
        );
    }

    #[test]
    fn words_skip_entities() {
        let w: Vec<_> = words("RT @x: can't #stop me :) 😀 e@x.com").collect();
        assert_eq!(w, ["RT", "can't", "me"]);
    }
}
