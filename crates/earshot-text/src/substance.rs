//! Does a reply say something? Trivial acknowledgements versus short and substantive replies.
//!
//! Why: an account that "engages" by answering every question with "thanks :)" or 👍 is not engaging.
//! The conversation component weighs replies by [`Substance::weight`], so a bare thanks counts for
//! nothing, a one-liner for half, and a real answer in full.
//!
//! The rules, in order, over the author's own words (quoted retweets are not the author's, see
//! [`crate::authored`]):
//!
//! 1. **Trivial**: every word is a thanks word (also gracias, merci, danke, obrigado, grazie, arigato …),
//!    a one-word reaction or greeting (ok, lol, yes, no, cool, great, nice, hi …), spelt-out laughter
//!    (haha, jajaja), or glue around those (you, so, much, guys, that's …). Emoji, emoticons,
//!    punctuation, @mentions, URLs and hashtags are ignored, so "thanks :)", "@bob ty!! 🙏",
//!    "Great! https://t.co/x", "❤️❤️" and the empty string are all trivial.
//! 2. **Short**: otherwise, fewer than [`SUBSTANTIVE_MIN_CONTENT_WORDS`] content words
//!    ("where is my bag?", "thanks for the quick help").
//! 3. **Substantive**: everything else.
//!
//! A *content word* ([`content_words`]) is a word that is not a stopword, thanks, reaction or laughter,
//! and is longer than one character. Runs of Chinese, Japanese or Thai script (written without spaces)
//! count one content word per two characters.

use crate::authored::authored_tokens;
use crate::lexicon::{
    is_glue, is_laughter, is_reaction, is_stopword, is_thanks, lookup, normalize_into,
};
use crate::tokens::TokenKind;

/// How much a reply says. Ordered: `Trivial < Short < Substantive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Substance {
    /// Nothing but thanks, reactions, emoji, mentions, links: an acknowledgement.
    Trivial,
    /// Some content, but fewer than [`SUBSTANTIVE_MIN_CONTENT_WORDS`] content words.
    Short,
    /// A reply with real content.
    Substantive,
}

impl Substance {
    /// The weight the conversation component gives a reply of this class: 0, ½, 1.
    pub fn weight(self) -> f32 {
        match self {
            Substance::Trivial => 0.0,
            Substance::Short => 0.5,
            Substance::Substantive => 1.0,
        }
    }

    /// A lower-case name for reports (`trivial`, `short`, `substantive`).
    pub fn as_str(self) -> &'static str {
        match self {
            Substance::Trivial => "trivial",
            Substance::Short => "short",
            Substance::Substantive => "substantive",
        }
    }
}

/// Replies with at least this many content words are [`Substance::Substantive`]. Four is where a
/// tweet stops being a one-liner: "rebooked on the 6pm flight" (rebooked, 6pm, flight = 3) is still
/// short, "rebooked you on the 6pm flight to Denver" (+ denver = 4) answers.
pub const SUBSTANTIVE_MIN_CONTENT_WORDS: usize = 4;

/// Classifies a reply (see the module docs for the rules).
///
/// ```
/// use earshot_text::{reply_substance, Substance};
/// assert_eq!(reply_substance("@bob ty!! 🙏"), Substance::Trivial);
/// assert_eq!(reply_substance("where is my bag?"), Substance::Short);
/// assert_eq!(reply_substance("Your bag is on the 6pm flight, delivery by 10 tonight."), Substance::Substantive);
/// ```
pub fn reply_substance(text: &str) -> Substance {
    let s = scan(text);
    if s.trivial {
        Substance::Trivial
    } else if s.content < SUBSTANTIVE_MIN_CONTENT_WORDS {
        Substance::Short
    } else {
        Substance::Substantive
    }
}

/// The number of content words in the author's own part of `text` (see the module docs).
///
/// ```
/// assert_eq!(earshot_text::content_words("@united thanks so much, the crew in Denver was great! 👍"), 2);
/// ```
pub fn content_words(text: &str) -> usize {
    scan(text).content
}

struct Scan {
    trivial: bool,
    content: usize,
}

fn scan(text: &str) -> Scan {
    let mut s = Scan {
        trivial: true,
        content: 0,
    };
    let mut buf = String::new();
    for t in authored_tokens(text) {
        if t.kind != TokenKind::Word {
            continue;
        }
        normalize_into(t.text, &mut buf);
        let w = buf.as_str();
        let ack = lookup(w, |w| is_thanks(w) || is_reaction(w) || is_glue(w)) || is_laughter(w);
        if ack {
            continue;
        }
        s.trivial = false;
        if w.chars().nth(1).is_none() || lookup(w, is_stopword) {
            continue;
        }
        s.content += word_weight(w);
    }
    s
}

/// 1, or one per two characters for a run of a script written without spaces.
fn word_weight(w: &str) -> usize {
    let unspaced = w.chars().filter(|&c| is_unspaced_script(c)).count();
    if unspaced >= 2 {
        unspaced.div_ceil(2)
    } else {
        1
    }
}

fn is_unspaced_script(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{0E7F}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use Substance::*;

    #[track_caller]
    fn check(class: Substance, cases: &[&str]) {
        for c in cases {
            assert_eq!(reply_substance(c), class, "{c:?}");
        }
    }

    #[test]
    fn trivial_acknowledgements() {
        check(
            Trivial,
            &[
                "",
                "   ",
                "thanks :)",
                "@bob ty!! 🙏",
                "Great! https://t.co/x",
                "Thank you so much guys!!",
                "THANKS",
                "thx",
                "Thank-you ❤️",
                "ok",
                "Okay.",
                "lol",
                "hahahaha",
                "LMAO",
                "yes",
                "No.",
                "cool",
                "nice",
                "👍",
                "❤️❤️❤️",
                ":-)",
                ";)",
                "<3",
                "&lt;3",
                "...",
                "!!!",
                "@a @b @c",
                "#blessed #travel",
                "https://t.co/abc",
                "Thanks again @united, you're the best!",
                "gracias",
                "Merci beaucoup",
                "Danke schön",
                "obrigado!",
                "grazie mille",
                "arigato",
                "Muchas gracias 🙏",
                "thanksss",
                "sooo cool",
                "yesss",
                "xD",
                "Hi!",
                "thanks for the follow",
                "thanks for the RT!",
                "ty :D",
                "awesome, thank you",
                "k",
                "ok thx",
                "Love it!",
                "Amazing :)",
                "😂😂😂",
                "🇺🇸",
                "¡Gracias!",
                "ありがとう",
                "спасибо",
                "شكرا",
            ],
        );
    }

    #[test]
    fn short_one_liners() {
        check(
            Short,
            &[
                "where is my bag?",
                "thanks for the quick help",
                "Why did you do that?",
                "flight delayed again",
                "@united fixed, thanks!",
                "DM sent",
                "Great crew today 👍",
                "no seats left??",
                "Can you help?",
                "see you in Denver",
                "1234",
            ],
        );
    }

    #[test]
    fn substantive_replies() {
        check(
            Substantive,
            &[
                "Your bag is on the 6pm flight, delivery by 10 tonight.",
                "@united my flight was cancelled and nobody at the gate can rebook me",
                "Thanks! The crew on flight 1234 to Denver were fantastic and helpful",
                "We rebooked you on the 6pm flight to Denver",
            ],
        );
    }

    #[test]
    fn retweets_carry_no_substance_of_their_own() {
        check(
            Trivial,
            &["RT @x: my flight was cancelled and nobody at the gate can rebook me"],
        );
        check(
            Substantive,
            &["flight cancelled, nobody at the gate helps RT @x: same"],
        );
    }

    #[test]
    fn content_word_counts() {
        assert_eq!(content_words(""), 0);
        assert_eq!(content_words("thanks @bob https://t.co/x #tag 😀 :)"), 0);
        assert_eq!(content_words("The flight was delayed two hours"), 4);
        assert_eq!(content_words("I'm not sure that we can"), 0);
        assert_eq!(content_words("a b c"), 0);
        // Japanese: one run, counted by length.
        assert_eq!(content_words("飛行機が遅れています"), 5);
    }

    #[test]
    fn weights_are_ordered() {
        assert!(Trivial.weight() < Short.weight() && Short.weight() < Substantive.weight());
        assert!(Trivial < Substantive);
        assert_eq!(Short.as_str(), "short");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long = "?".repeat(10_000);
        let words = "word ".repeat(10_000);
        for s in [
            long.as_str(),
            words.as_str(),
            "\u{FFFD}\u{0000}\u{202E}abc",
            "\u{0301}",
            "\u{202E}",
            "\u{E0001}",
        ] {
            let _ = reply_substance(s);
            let _ = content_words(s);
        }
        assert_eq!(reply_substance(&long), Trivial);
        assert_eq!(reply_substance(&words), Substantive);
    }
}
