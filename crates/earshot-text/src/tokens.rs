//! A single-pass tokenizer for short social messages.
//!
//! Why our own: the signals in this crate need to know what a piece of text *is* (a word, an
//! `@mention`, a `#hashtag`, a URL, an emoji, an emoticon like `:-)`, or punctuation) far more than
//! where grapheme boundaries fall. A general-purpose segmenter would split `https://x.com/a?b=1` into
//! pieces and make its `?` look like a question mark; here a URL is one token and its `?` is never seen.
//!
//! The tokenizer is a zero-allocation iterator over `&str` slices of the input. Every step consumes at
//! least one character and looks ahead a bounded number of characters, so a message of `n` bytes is
//! tokenized in `O(n)` whatever it contains (10 000 question marks are one punctuation token).
//!
//! Limits, on purpose: scripts written without spaces (Chinese, Japanese, Thai) come out as one long
//! [`TokenKind::Word`] per run; [`crate::content_words`] compensates by counting such runs by length.

/// What a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A run of letters, digits and combining marks, with inner `'`, `’` or `-` (`don't`, `check-in`).
    Word,
    /// `@handle` (ASCII letters, digits, `_`), not preceded by a letter or digit (so not an e-mail).
    Mention,
    /// `#tag`, not preceded by a letter or digit.
    Hashtag,
    /// `http(s)://…`, `www.…`, a bare `host.tld/…` or `host.com`, or an e-mail address. Trailing
    /// sentence punctuation (`.`, `,`, `!`, `?`, `)` …) is left out of the URL: in "did you see
    /// https://t.co/x?" the `?` belongs to the sentence.
    Url,
    /// A run of pictographic characters with their modifiers (skin tones, variation selectors, ZWJ).
    Emoji,
    /// An ASCII emoticon such as `:)`, `:-(`, `;)`, `:D`, `<3` (also HTML-escaped `&lt;3`), `^_^`, `xD`.
    Emoticon,
    /// Anything else that is not whitespace: a run of punctuation and symbols. HTML entities
    /// (`&amp;`, `&gt;` …) are punctuation, since tweets often arrive HTML-escaped.
    Punct,
}

/// One token: its kind, its text (a slice of the input) and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What the token is.
    pub kind: TokenKind,
    /// The token's text, a slice of the input.
    pub text: &'a str,
    /// Byte offset of the token in the input.
    pub start: usize,
    /// Whether whitespace separates this token from the previous one.
    pub space_before: bool,
}

impl Token<'_> {
    /// Mentions, hashtags and URLs: the parts of a message that address or point rather than say.
    pub fn is_entity(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Mention | TokenKind::Hashtag | TokenKind::Url
        )
    }

    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// Splits `text` into [`Token`]s, skipping whitespace. Never panics, whatever the input.
///
/// ```
/// use earshot_text::{tokenize, TokenKind};
/// let kinds: Vec<_> = tokenize("@bob ty :) https://x.com/a?b=1").map(|t| t.kind).collect();
/// assert_eq!(kinds, [TokenKind::Mention, TokenKind::Word, TokenKind::Emoticon, TokenKind::Url]);
/// ```
pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens { s: text, pos: 0 }
}

/// The iterator returned by [`tokenize`].
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let mut space_before = false;
        loop {
            let c = self.s[self.pos..].chars().next()?;
            if !is_space(c) {
                break;
            }
            self.pos += c.len_utf8();
            space_before = true;
        }
        let start = self.pos;
        let prev = self.s[..start].chars().next_back();
        let (kind, len) = classify(&self.s[start..], prev);
        // `classify` always consumes at least one character; guard anyway so a bug cannot loop forever.
        let len = len.max(self.s[start..].chars().next().map_or(1, char::len_utf8));
        self.pos = start + len;
        Some(Token {
            kind,
            text: &self.s[start..self.pos],
            start,
            space_before,
        })
    }
}

/// Whitespace plus the invisible characters that separate words in practice (zero-width space, BOM).
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// The kind and byte length of the token at the start of `rest` (never empty, never whitespace).
fn classify(rest: &str, prev: Option<char>) -> (TokenKind, usize) {
    let after_word = prev.is_some_and(is_word_char);
    if !after_word {
        if let Some(n) = url_len(rest) {
            return (TokenKind::Url, n);
        }
    }
    if let Some(n) = emoticon_len(rest, prev) {
        return (TokenKind::Emoticon, n);
    }
    let mut it = rest.chars();
    let Some(c) = it.next() else {
        return (TokenKind::Punct, 0);
    };
    let next = it.next();
    if c == '@' && !after_word && next.is_some_and(is_handle_char) {
        return (TokenKind::Mention, 1 + run_len(&rest[1..], is_handle_char));
    }
    if (c == '#' || c == '＃') && !after_word && next.is_some_and(is_word_char) {
        let n = c.len_utf8();
        return (
            TokenKind::Hashtag,
            n + run_len(&rest[n..], |c| is_word_char(c) || c == '_'),
        );
    }
    if is_word_char(c) {
        let n = word_len(rest);
        if let Some(m) = email_len(&rest[n..]) {
            return (TokenKind::Url, n + m);
        }
        return (TokenKind::Word, n);
    }
    if is_emoji(c) {
        return (
            TokenKind::Emoji,
            run_len(rest, |c| is_emoji(c) || is_emoji_component(c)),
        );
    }
    (TokenKind::Punct, punct_len(rest))
}

/// Letters, digits and combining marks (which Rust's `is_alphanumeric` leaves out, but which are part
/// of words in Arabic, Hebrew and the Indic scripts).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Combining marks of the common scripts (a table-free approximation of Unicode category `M`).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05BD}' | '\u{05BF}'
        | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}' | '\u{05C7}' | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{0900}'..='\u{0963}'
        | '\u{0966}'..='\u{0DFF}' | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20E2}'
        | '\u{20E4}'..='\u{20F0}' | '\u{3099}'..='\u{309A}' | '\u{FE20}'..='\u{FE2F}')
}

/// Pictographic code points: the emoji blocks, dingbats, misc symbols, arrows and shapes that emoji
/// are drawn from. A table-free approximation of `Extended_Pictographic`, generous on purpose: for
/// these signals a symbol is never a word.
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2300}'..='\u{23FF}'
        | '\u{2B00}'..='\u{2BFF}' | '\u{2190}'..='\u{21FF}' | '\u{25A0}'..='\u{25FF}'
        | '\u{2934}'..='\u{2935}' | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}')
}

/// Characters that modify or join emoji but are not pictographs themselves.
fn is_emoji_component(c: char) -> bool {
    matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}'
    )
}

/// Byte length of the leading run of chars satisfying `f`.
fn run_len(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i)
}

/// A word: word chars, with `'`, `’`, `-` and joiners allowed between two word chars.
fn word_len(s: &str) -> usize {
    let mut end = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_word_char(c) {
            end = i + c.len_utf8();
        } else if matches!(c, '\'' | '’' | '-' | '\u{200C}' | '\u{200D}')
            && end == i
            && it.peek().is_some_and(|&(_, n)| is_word_char(n))
        {
            continue;
        } else {
            break;
        }
    }
    end
}

/// After a word, `@host.tld` makes the whole thing an e-mail address: the length of that rest.
fn email_len(rest: &str) -> Option<usize> {
    let tail = rest.strip_prefix('@')?;
    let host = run_len(tail, |c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let h = tail[..host].trim_end_matches('.');
    (h.contains('.') && !h.starts_with('.')).then_some(1 + h.len())
}

/// Top-level domains accepted for bare `host.tld` without a path (`united.com`).
const BARE_TLDS: &[&str] = &[
    "com", "net", "org", "co", "ly", "io", "gov", "edu", "me", "us", "uk", "ca", "de", "fr", "gl",
    "gd", "tv", "info", "biz", "app", "ai", "be", "it",
];

/// Length of a URL at the start of `s`, if one starts there.
fn url_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let starts = |p: &str| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    let is_url = if starts("http://") || starts("https://") || starts("www.") {
        true
    } else {
        // A bare host: dot-separated ASCII labels, at least two, the last containing a letter.
        let host = run_len(s, |c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        let h = s[..host].trim_end_matches('.');
        let host = h.len();
        let mut labels = h.split('.');
        let ok_labels = h.contains('.') && labels.clone().all(|l| !l.is_empty());
        let last = labels.next_back().unwrap_or("");
        let lettered = last.bytes().any(|c| c.is_ascii_alphabetic());
        ok_labels
            && lettered
            && (s[host..].starts_with('/')
                || (BARE_TLDS.iter().any(|t| last.eq_ignore_ascii_case(t))
                    && !s[host..].chars().next().is_some_and(is_word_char)))
    };
    if !is_url {
        return None;
    }
    // The URL runs to whitespace or the first non-ASCII char (t.co links are ASCII) …
    let raw = run_len(s, |c| c.is_ascii_graphic());
    // … minus trailing sentence punctuation.
    let trimmed =
        s[..raw].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"', '>']);
    Some(if trimmed.is_empty() {
        raw
    } else {
        trimmed.len()
    })
}

/// ASCII emoticons, longest first where one is a prefix of another.
const EMOTICONS: &[&str] = &[
    "&lt;/3", "&lt;3", ":-)", ":-(", ":-D", ":-P", ":-p", ":-/", ":-|", ":-*", ":-o", ":-O", ":')",
    ":'(", ";-)", ";-D", ";-P", "^_^", "^.^", "-_-", "o_O", "O_o", "o.O", "T_T", "</3", ":)", ":(",
    ":D", ":P", ":p", ":/", ":|", ":O", ":o", ":*", ":]", ":[", ":3", ";)", ";D", ";P", ";p", "=)",
    "=(", "=D", "=]", "<3", "^^", "xD", "XD", "xd",
];

/// Length of an emoticon at the start of `s`, if one starts there. An emoticon ending in a letter or
/// digit (`:D`, `:3`) must not run into a word (`Note:Do`, `10:30`); one starting with a letter (`xD`)
/// must not follow one. A repeated last character (`:)))`, `:DDD`) belongs to the emoticon.
fn emoticon_len(s: &str, prev: Option<char>) -> Option<usize> {
    let first = *s.as_bytes().first()?;
    if !matches!(
        first,
        b':' | b';' | b'=' | b'<' | b'^' | b'-' | b'o' | b'O' | b'T' | b'x' | b'X' | b'&'
    ) {
        return None;
    }
    for e in EMOTICONS {
        if !s.starts_with(e) {
            continue;
        }
        let e_first = e.chars().next().unwrap_or(' ');
        if e_first.is_alphanumeric() && prev.is_some_and(is_word_char) {
            continue;
        }
        let last = e.chars().next_back().unwrap_or(' ');
        let n = e.len() + run_len(&s[e.len()..], |c| c == last);
        if s[n..].chars().next().is_some_and(is_word_char) {
            continue;
        }
        return Some(n);
    }
    None
}

/// HTML entities that escaped tweets carry.
const ENTITIES: &[&str] = &[
    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;", "&nbsp;",
];

/// A run of punctuation: up to whitespace, a word, an emoji, or the start of a mention, hashtag or
/// emoticon. HTML entities are taken whole.
fn punct_len(s: &str) -> usize {
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(e) = ENTITIES.iter().find(|e| rest.starts_with(**e)) {
            i += e.len();
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if i > 0 {
            let mut it = rest.chars();
            it.next();
            let starts_entity =
                matches!(c, '@' | '#' | '＃') && it.next().is_some_and(is_word_char);
            if is_space(c)
                || is_word_char(c)
                || is_emoji(c)
                || starts_entity
                || emoticon_len(rest, None).is_some()
            {
                break;
            }
        }
        i += c.len_utf8();
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn toks(s: &str) -> Vec<(TokenKind, &str)> {
        tokenize(s).map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn basic_kinds() {
        assert_eq!(
            toks("@united can't #fail https://t.co/x!"),
            [
                (Mention, "@united"),
                (Word, "can't"),
                (Hashtag, "#fail"),
                (Url, "https://t.co/x"),
                (Punct, "!")
            ]
        );
    }

    #[test]
    fn url_question_mark_is_inside_the_url() {
        assert_eq!(toks("https://x.com/a?b=1"), [(Url, "https://x.com/a?b=1")]);
        assert_eq!(toks("see bit.ly/abc?x=1 now")[1], (Url, "bit.ly/abc?x=1"));
        assert_eq!(
            toks("go to United.com."),
            [
                (Word, "go"),
                (Word, "to"),
                (Url, "United.com"),
                (Punct, ".")
            ]
        );
        assert_eq!(toks("WWW.x.org/?q")[0], (Url, "WWW.x.org/?q"));
    }

    #[test]
    fn trailing_sentence_punctuation_leaves_the_url() {
        assert_eq!(
            toks("seen https://t.co/x?"),
            [(Word, "seen"), (Url, "https://t.co/x"), (Punct, "?")]
        );
        assert_eq!(
            toks("(http://a.co/b)"),
            [(Punct, "("), (Url, "http://a.co/b"), (Punct, ")")]
        );
        assert_eq!(toks("https://t.co/x😀")[1], (Emoji, "😀"));
    }

    #[test]
    fn not_urls() {
        assert_eq!(toks("U.S. 3.5/5 ok.thanks")[0], (Word, "U"));
        assert!(toks("3.5/5").iter().all(|t| t.0 != Url));
        assert!(toks("ok.thanks").iter().all(|t| t.0 != Url));
    }

    #[test]
    fn emails_are_one_entity_not_a_mention() {
        assert_eq!(toks("mail a.b@x.com now")[1], (Word, "a"));
        assert_eq!(toks("mail bob@x.com now")[1], (Url, "bob@x.com"));
        assert_eq!(toks("hi@bob")[1], (Punct, "@"));
    }

    #[test]
    fn emoticons() {
        assert_eq!(toks("thanks:)"), [(Word, "thanks"), (Emoticon, ":)")]);
        assert_eq!(
            toks(":-))) <3 &lt;3 xD :DDD"),
            [
                (Emoticon, ":-)))"),
                (Emoticon, "<3"),
                (Emoticon, "&lt;3"),
                (Emoticon, "xD"),
                (Emoticon, ":DDD")
            ]
        );
        assert_eq!(toks("10:30"), [(Word, "10"), (Punct, ":"), (Word, "30")]);
        assert_eq!(
            toks("Note:Do"),
            [(Word, "Note"), (Punct, ":"), (Word, "Do")]
        );
        assert_eq!(toks("boxD")[0], (Word, "boxD"));
        assert_eq!(toks("!!:)"), [(Punct, "!!"), (Emoticon, ":)")]);
    }

    #[test]
    fn emoji_runs_with_modifiers() {
        assert_eq!(toks("ty 🙏🏽👍❤️"), [(Word, "ty"), (Emoji, "🙏🏽👍❤️")]);
        assert_eq!(toks("👨‍👩‍👧 ok"), [(Emoji, "👨‍👩‍👧"), (Word, "ok")]);
    }

    #[test]
    fn html_entities_are_punctuation() {
        assert_eq!(
            toks("a &amp; b"),
            [(Word, "a"), (Punct, "&amp;"), (Word, "b")]
        );
    }

    #[test]
    fn unicode_scripts() {
        assert_eq!(
            toks("¿Dónde está?"),
            [(Punct, "¿"), (Word, "Dónde"), (Word, "está"), (Punct, "?")]
        );
        assert_eq!(toks("شكرا جزيلا"), [(Word, "شكرا"), (Word, "جزيلا")]);
        assert_eq!(toks("नमस्ते"), [(Word, "नमस्ते")]);
        assert_eq!(
            toks("#日本 ありがとう"),
            [(Hashtag, "#日本"), (Word, "ありがとう")]
        );
    }

    #[test]
    fn long_punct_run_is_one_token() {
        let s = "?".repeat(10_000);
        assert_eq!(toks(&s), [(Punct, s.as_str())]);
    }

    #[test]
    fn tokens_cover_all_non_space_bytes() {
        for s in [
            "",
            " ",
            "a",
            "@",
            "#",
            "&",
            "&lt",
            ":",
            "\u{200D}",
            "a\u{0301}b",
            "x@",
            "@@a",
            "http://",
            "\u{202E}abc",
            "\u{FFFD}\u{FFFD}",
        ] {
            let covered: usize = tokenize(s).map(|t| t.text.len()).sum();
            let non_space: usize = s
                .chars()
                .filter(|c| !is_space(*c))
                .map(char::len_utf8)
                .sum();
            assert_eq!(covered, non_space, "{s:?}");
        }
    }
}
