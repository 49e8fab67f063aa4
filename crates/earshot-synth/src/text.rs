//! Short synthetic post texts, handles and profile words from a small fixed vocabulary.
//!
//! The text only needs to exercise what earshot reads from text: questions (ending in `?`), trivial replies
//! ("thanks :)", an emoticon) and `@mentions`. Every word list is free of characters JSON must escape, so
//! lines can be written without an escaping pass (a test checks this).

use crate::random::Stream;

pub(crate) const ADJECTIVES: &[&str] = &[
    "new", "old", "quiet", "bright", "local", "open", "early", "late", "small", "big", "green",
    "fast", "slow", "odd", "best", "weekly",
];

pub(crate) const NOUNS: &[&str] = &[
    "coffee", "release", "concert", "recipe", "phone", "match", "podcast", "garden", "bike",
    "update", "library", "market", "film", "museum", "trail", "keyboard",
];

const OPENERS: &[&str] = &[
    "just tried the",
    "really enjoyed the",
    "not sure about the",
    "finally saw the",
    "loving the",
    "thinking about the",
    "cannot stop talking about the",
    "a thread on the",
];

const CLOSERS: &[&str] = &[
    "",
    " today",
    " this week",
    ", highly recommend",
    ", more soon",
    " :)",
    " again",
    "!",
];

const QUESTIONS: &[&str] = &[
    "has anyone tried the",
    "what do you think of the",
    "where can I find the",
    "is it worth getting the",
    "any tips for the",
    "who else is going to the",
];

const TRIVIAL: &[&str] = &[
    "thanks :)",
    "lol",
    "+1",
    "so true",
    "agreed",
    "nice",
    "haha",
    "thank you!",
    "\u{1F44D}",
    ":)",
];

const BOT_BIO: &[&str] = &[
    "follow back",
    "giveaway",
    "crypto signals",
    "DM for promo",
    "100% real",
    "free followers",
];

/// What a generated post says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Statement,
    Question,
    Trivial,
}

impl Tone {
    /// Replies: ~10% trivial, ~30% questions, the rest statements.
    pub(crate) fn for_reply(rng: &mut Stream) -> Tone {
        match rng.below(100) {
            0..=9 => Tone::Trivial,
            10..=39 => Tone::Question,
            _ => Tone::Statement,
        }
    }

    /// Original, quote and mention posts: ~25% questions.
    pub(crate) fn for_post(rng: &mut Stream) -> Tone {
        if rng.below(100) < 25 {
            Tone::Question
        } else {
            Tone::Statement
        }
    }
}

/// Append a post text of the given tone.
pub(crate) fn write_text(buf: &mut Vec<u8>, tone: Tone, rng: &mut Stream) {
    match tone {
        Tone::Trivial => buf.extend_from_slice(rng.pick(TRIVIAL).as_bytes()),
        Tone::Question => {
            for part in [
                rng.pick(QUESTIONS),
                " ",
                rng.pick(ADJECTIVES),
                " ",
                rng.pick(NOUNS),
                "?",
            ] {
                buf.extend_from_slice(part.as_bytes());
            }
        }
        Tone::Statement => {
            for part in [
                rng.pick(OPENERS),
                " ",
                rng.pick(ADJECTIVES),
                " ",
                rng.pick(NOUNS),
                rng.pick(CLOSERS),
            ] {
                buf.extend_from_slice(part.as_bytes());
            }
        }
    }
}

/// Append a bio (after the caller's `[synthetic] ` prefix), chosen by `h`, a per-account hash.
pub(crate) fn write_bio(buf: &mut Vec<u8>, bot: bool, h: u64) {
    if bot {
        let a = BOT_BIO[(h % BOT_BIO.len() as u64) as usize];
        let b = BOT_BIO[((h >> 8) % BOT_BIO.len() as u64) as usize];
        buf.extend_from_slice(a.as_bytes());
        if a != b {
            buf.extend_from_slice(b" | ");
            buf.extend_from_slice(b.as_bytes());
        }
    } else {
        let adj = ADJECTIVES[(h % ADJECTIVES.len() as u64) as usize];
        let n1 = NOUNS[((h >> 8) % NOUNS.len() as u64) as usize];
        let n2 = NOUNS[((h >> 16) % NOUNS.len() as u64) as usize];
        for part in ["into ", adj, " ", n1, " and ", n2] {
            buf.extend_from_slice(part.as_bytes());
        }
    }
}

/// Append a display name (after the caller's `Synthetic ` prefix), chosen by `h`.
pub(crate) fn write_display_name(buf: &mut Vec<u8>, h: u64) {
    let adj = ADJECTIVES[((h >> 24) % ADJECTIVES.len() as u64) as usize];
    let noun = NOUNS[((h >> 32) % NOUNS.len() as u64) as usize];
    let mut first = true;
    for word in [adj, noun] {
        if !first {
            buf.push(b' ');
        }
        first = false;
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            buf.push(c.to_ascii_uppercase() as u8);
            buf.extend_from_slice(chars.as_str().as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Purpose;

    #[test]
    fn vocabulary_needs_no_json_escaping() {
        let lists = [
            ADJECTIVES, NOUNS, OPENERS, CLOSERS, QUESTIONS, TRIVIAL, BOT_BIO,
        ];
        for word in lists.iter().flat_map(|l| l.iter()) {
            assert!(
                !word
                    .chars()
                    .any(|c| c == '"' || c == '\\' || c.is_control()),
                "{word:?}"
            );
            assert!(
                word.is_ascii() || word.chars().all(|c| !c.is_ascii_control()),
                "{word:?}"
            );
        }
        for word in ADJECTIVES.iter().chain(NOUNS) {
            assert!(
                word.bytes().all(|b| b.is_ascii_lowercase()),
                "display names capitalise ASCII: {word}"
            );
        }
    }

    #[test]
    fn tones_shape_the_text() {
        let mut rng = Stream::new(1, Purpose::Text);
        let mut buf = Vec::new();
        write_text(&mut buf, Tone::Question, &mut rng);
        assert!(buf.ends_with(b"?"));
        buf.clear();
        write_text(&mut buf, Tone::Statement, &mut rng);
        assert!(!buf.ends_with(b"?"));
        buf.clear();
        write_display_name(&mut buf, 12345);
        assert!(buf[0].is_ascii_uppercase());
    }
}
