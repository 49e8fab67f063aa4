//! Which tokens of a message are the author's own words.
//!
//! Old-style retweets and quotes carry someone else's text: `RT @x: why is it late?` is @x asking, not
//! the retweeter. Counting it would credit an account with questions it never asked and with replies
//! of "substance" it only forwarded. So both signals look only at the authored part:
//!
//! * everything from an `RT @handle` or `MT @handle` marker onwards is quoted (text *before* the
//!   marker is the author's comment: `can you help? RT @x: …` is a question);
//! * a manual quote `"@handle: …"` (straight or curly quotes) is quoted up to its closing quote.
//!
//! Quotation marks in general ("he said “why?”") are not tracked: too rare in replies to matter.

use crate::tokens::{tokenize, Token, TokenKind};

/// The tokens of `text` written by its author (see the module docs).
pub(crate) fn authored_tokens(text: &str) -> Vec<Token<'_>> {
    let all: Vec<Token<'_>> = tokenize(text).collect();
    let mut out = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        let t = all[i];
        let next = all.get(i + 1);
        if t.kind == TokenKind::Word
            && (t.text.eq_ignore_ascii_case("rt") || t.text.eq_ignore_ascii_case("mt"))
            && next.is_some_and(|n| n.kind == TokenKind::Mention)
        {
            break;
        }
        if t.kind == TokenKind::Punct
            && t.text.ends_with(['"', '“'])
            && next.is_some_and(|n| n.kind == TokenKind::Mention && !n.space_before)
            && all
                .get(i + 2)
                .is_some_and(|c| c.kind == TokenKind::Punct && c.text.starts_with(':'))
        {
            out.push(t);
            // Skip the handle and the colon, then up to and including the token that closes the quote
            // (the colon's own token may already close it: `"@x:"`).
            let closes = |t: &Token<'_>| t.kind == TokenKind::Punct && t.text.contains(['"', '”']);
            let mut j = i + 2;
            if !all[j].text[1..].contains(['"', '”']) {
                j += 1;
                while j < all.len() && !closes(&all[j]) {
                    j += 1;
                }
            }
            i = j + 1;
            continue;
        }
        out.push(t);
        i += 1;
    }
    out
}

/// Whether `text` is an old-style retweet with no comment of its own (`RT @x: …`).
pub fn is_bare_retweet(text: &str) -> bool {
    let mut it = tokenize(text).filter(|t| t.kind != TokenKind::Punct);
    matches!(
        (it.next(), it.next()),
        (Some(a), Some(b)) if a.kind == TokenKind::Word
            && (a.text.eq_ignore_ascii_case("rt") || a.text.eq_ignore_ascii_case("mt"))
            && b.kind == TokenKind::Mention
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(s: &str) -> Vec<&str> {
        authored_tokens(s).iter().map(|t| t.text).collect()
    }

    #[test]
    fn retweet_marker_ends_the_authored_part() {
        assert_eq!(own("RT @x: why?"), Vec::<&str>::new());
        assert_eq!(own("so true RT @x: why?"), ["so", "true"]);
        assert_eq!(own("rt @x why"), Vec::<&str>::new());
        // "RT" not followed by a mention is just a word.
        assert_eq!(own("thanks for the RT"), ["thanks", "for", "the", "RT"]);
    }

    #[test]
    fn manual_quote_is_skipped_up_to_its_closing_quote() {
        assert_eq!(
            own(r#"lol "@x: why is it late?" same"#),
            ["lol", "\"", "same"]
        );
        assert_eq!(own("“@x: why is it late?” ugh"), ["“", "ugh"]);
        assert_eq!(own(r#""@x: unclosed why?"#), ["\""]);
    }

    #[test]
    fn bare_retweets() {
        assert!(is_bare_retweet("RT @x: hi"));
        assert!(is_bare_retweet("  rt @x hi"));
        assert!(!is_bare_retweet("hi RT @x: hi"));
        assert!(!is_bare_retweet(""));
    }
}
