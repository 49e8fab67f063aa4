//! Does a message ask something of its recipient?
//!
//! Why: "engagers answer" needs to know which messages *deserve* an answer. A question mark is the
//! strongest signal, but customer messages often drop it ("@SouthwestAir why is my flight delayed")
//! or ask by request ("please DM me", "let me know"). The rules below are deliberately few and
//! legible; each is a precise pattern rather than a guess from single words, because a false
//! "question" would blame an account for not answering a complaint or a "thanks for nothing!".
//!
//! Only the author's own words count ([`crate::authored`]): `RT @x: why?` is @x's question.
//! A message is a question when any of these holds (rule 2 lives in `opener.rs`, rule 3 in
//! `request.rs`):
//!
//! 1. **Question mark** outside URLs, mentions and hashtags: `?`, full-width `？`, Spanish `¿`,
//!    Arabic `؟`, Greek `;` (U+037E), `‽`, `⁇`, `⁈`, `⁉`, and the ❓/❔ emoji. Rhetorical questions
//!    count too: telling them apart needs more than text signals.
//! 2. **Interrogative opener** at the start of a clause. Clauses start at the beginning and after
//!    `. ! ; : …`, commas, dashes, brackets, emoji, emoticons and line breaks. Leading @mentions,
//!    hashtags, URLs, punctuation, greetings and fillers ("hi", "hey", "thanks", "so", "and", "but",
//!    "also", "btw", "please", "seriously" …) are skipped first. Openers:
//!    * `why` (always), `what's`/`where's`/`how's`/… contractions;
//!    * `what`, unless exclamative (`what a …`, `what the hell`) or echoing (`what @x said`);
//!    * `how` + an auxiliary or `long/much/many/come/about/soon/often/far/else/to` (not "how nice");
//!    * `when`/`where`/`who` + an auxiliary (not "when I landed, …", not "who cares");
//!    * `which` + a noun such as `flight/one/gate/seat/terminal` or a modal (sentence starts only:
//!      after a comma, or before `is/was`, it is a relative clause: "which is why …");
//!    * an auxiliary (`is, are, do, did, can, could, would, will, should, have, has` … and negations
//!      such as `don't`, `can't`) followed by a subject: a pronoun (`can you`, `is there`,
//!      `did anyone`; for `do` a personal one, so "do it again" is an imperative), an @mention, or
//!      for modals a determiner (`will the flight …`).
//!      "Do not fly", "Can't believe it", "Will never fly again", "Have a great day" are not questions;
//!    * `anyone`/`anybody`, and `any` + `update/news/word/chance/idea/eta/info/reason/…`;
//!    * `question`/`qq` ("quick question: …").
//! 3. **Requests** for a response or an action from the recipient, anywhere in the text:
//!    * `please`/`pls`/`plz`/`kindly` next to a request verb (`help, advise, respond, reply, dm,
//!      call, fix, rebook, refund, confirm, explain, send, tell, check, let` …), in either order
//!      ("please help", "advise pls");
//!    * `let me know`, `let us know`, `lmk`; `dm me`, `pm us`, `dm/pm/message/call/email/contact me`;
//!    * `help`/`tell`/`show` + `me`/`us` at a clause start, and `help!` / `help` alone;
//!    * `need (your/some/…) help/assistance/answer(s)/info/update/response`;
//!    * `wonder(ing) if/whether/why/how…`, `curious if/whether/why…`, `want/like/need to know`.
//!
//! Commands that merely vent ("fix your website", "do better") are not requests here: they do not
//! call for a reply, and treating them as questions would penalise accounts for silence to abuse.

use crate::authored::authored_tokens;
use crate::lexicon::{lookup, normalize_into};
use crate::opener::opener_asks;
use crate::request::request_at;
use crate::tokens::{Token, TokenKind};

/// Whether `text` asks something of its recipient (see the module docs for the rules).
///
/// ```
/// use earshot_text::is_question;
/// assert!(is_question("@united can you help me rebook?"));
/// assert!(is_question("@SouthwestAir why is my flight delayed"));
/// assert!(!is_question("@united thanks for nothing!"));
/// assert!(!is_question("https://x.com/a?b=1"));
/// ```
pub fn is_question(text: &str) -> bool {
    let toks = authored_tokens(text);
    if toks.iter().any(has_question_mark) {
        return true;
    }
    // Normalised words (spans into one buffer, `None` for non-word tokens) and clause starts.
    let mut buf = String::new();
    let mut norm = String::with_capacity(text.len());
    let mut spans: Vec<Option<(usize, usize)>> = Vec::with_capacity(toks.len());
    let mut clause_start: Vec<Boundary> = Vec::with_capacity(toks.len());
    let mut boundary = Boundary::Sentence;
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && text[toks[i - 1].end()..t.start].contains(['\n', '\r']) {
            boundary = Boundary::Sentence;
        }
        match t.kind {
            TokenKind::Word => {
                normalize_into(t.text, &mut buf);
                spans.push(Some((norm.len(), norm.len() + buf.len())));
                norm.push_str(&buf);
            }
            TokenKind::Punct => {
                spans.push(None);
                if ends_sentence(t.text) {
                    boundary = Boundary::Sentence;
                } else if t.text.contains([
                    ',', '-', '–', '—', '(', ')', '[', ']', '/', '"', '“', '”', '*',
                ]) && boundary == Boundary::None
                {
                    boundary = Boundary::Clause;
                }
            }
            TokenKind::Emoji | TokenKind::Emoticon => {
                spans.push(None);
                if boundary == Boundary::None {
                    boundary = Boundary::Clause;
                }
            }
            TokenKind::Mention | TokenKind::Hashtag | TokenKind::Url => spans.push(None),
        }
        clause_start.push(boundary);
        let word = spans[i].map(|(a, b)| &norm[a..b]);
        let prev = if i > 0 {
            spans[i - 1].map(|(a, b)| &norm[a..b])
        } else {
            None
        };
        if word.is_some_and(|w| !is_skippable_opener(w, prev)) {
            boundary = Boundary::None;
        }
    }
    let w = |i: usize| spans.get(i).copied().flatten().map(|(a, b)| &norm[a..b]);
    for (i, &start) in clause_start.iter().enumerate() {
        let Some(word) = w(i) else { continue };
        // The word or mention right after this one (entities between words are not skipped, except
        // that a mention is itself a subject: "is @united serious").
        let next = w(i + 1);
        let next_is_mention = toks
            .get(i + 1)
            .is_some_and(|t| t.kind == TokenKind::Mention);
        let prev = if i > 0 { w(i - 1) } else { None };
        if start != Boundary::None && !is_skippable_opener(word, prev) {
            let q = opener_asks(
                word,
                next,
                w(i + 2),
                next_is_mention,
                start == Boundary::Sentence,
            ) || (matches!(word, "help" | "tell" | "show")
                && matches!(next, Some("me" | "us")))
                || (word == "help"
                    && (next.is_none()
                        || matches!(next, Some("please" | "pls" | "plz" | "needed"))));
            if q {
                return true;
            }
        }
        if request_at(word, i, &w) {
            return true;
        }
    }
    false
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Boundary {
    None,
    /// After a comma, dash, bracket or emoji.
    Clause,
    /// At the start, or after `. ! ; : …` or a line break.
    Sentence,
}

/// Whether punctuation ends a sentence. The `;` of an HTML entity (`&amp;`) does not.
fn ends_sentence(p: &str) -> bool {
    let mut rest = p;
    while let Some(i) = rest.find(['.', '!', ';', ':', '…', '。', '！']) {
        let is_entity_end = rest.as_bytes()[i] == b';' && rest[..i].contains('&');
        if !is_entity_end {
            return true;
        }
        rest = &rest[i + 1..];
    }
    false
}

fn has_question_mark(t: &Token<'_>) -> bool {
    match t.kind {
        TokenKind::Punct => t
            .text
            .contains(['?', '？', '¿', '؟', '\u{037E}', '‽', '⁇', '⁈', '⁉']),
        TokenKind::Emoji => t.text.contains(['❓', '❔', '⁉']),
        _ => false,
    }
}

/// Greetings and fillers that may precede the real opener: "hey, can you", "thanks! also why".
/// `you` is skipped only after `thank` ("thank you, can you …").
fn is_skippable_opener(w: &str, prev: Option<&str>) -> bool {
    let skippable = |w: &str| {
        matches!(
            w,
            "hi" | "hey"
                | "hello"
                | "yo"
                | "dear"
                | "so"
                | "ok"
                | "okay"
                | "um"
                | "umm"
                | "uh"
                | "hmm"
                | "well"
                | "oh"
                | "and"
                | "but"
                | "also"
                | "btw"
                | "then"
                | "now"
                | "ps"
                | "seriously"
                | "honestly"
                | "guys"
                | "folks"
                | "team"
                | "thanks"
                | "thank"
                | "thx"
                | "ty"
                | "please"
                | "pls"
                | "plz"
                | "sorry"
                | "just"
                | "quick"
                | "again"
                | "still"
                | "ugh"
                | "wow"
                | "lol"
                | "ah"
                | "sir"
                | "madam"
                | "again,"
                | "really"
        )
    };
    lookup(w, skippable) || (w == "you" && prev == Some("thank"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_cases::{no, yes};

    #[test]
    fn question_marks() {
        yes(&[
            "?",
            "ok?",
            "Is it on time ?",
            "¿Dónde está mi maleta",
            "どこですか？",
            "هل وصلت؟",
            "really‽",
            "late again?!",
            "bag ❓",
            "what?? 😡",
        ]);
        yes(&["you saw https://t.co/x?", "@united?", "(really?)"]);
    }

    #[test]
    fn question_marks_inside_entities_do_not_count() {
        no(&[
            "https://x.com/a?b=1",
            "www.united.com/book?from=SFO&to=JFK done",
            "bit.ly/x?y",
            "#why?not".split('?').next().unwrap_or_default(),
        ]);
        no(&["see https://x.com/a?b=1 thanks", "http://a.co/?b=#c"]);
    }

    #[test]
    fn statements_and_complaints_are_not_questions() {
        no(&[
            "@united thanks for nothing!",
            "@united thank you so much!",
            "",
            "   ",
            "😀😀",
            "@united",
            "@united What @dhepburn said.",
            "@united What a joke.",
            "@united what the hell united",
            "@united How nice of you",
            "@united When I landed my bag was gone",
            "@united Where I was stuck for hours",
            "@united Who cares",
            "@united Do not fly this airline",
            "@united Do the right thing",
            "@united Can't believe this",
            "@united Will never fly again",
            "@united Was the worst flight ever",
            "@united Had the best crew today",
            "@united Have a great day",
            "@united Didn't get my bag",
            "@united the crew asked why I was late",
            "@united I know why",
            "@united that is what happens",
            "@united help desk was rude",
            "@united they didn't call me back",
            "@united you never help me",
            "@united fix your website",
            "@united, which is why I fly Delta",
            "@united I don't need help",
            "@united Is what it is.",
            "@united Which just speaks to the problem",
            "@united listen, learn &amp; do this: refund me",
            "@united do it again and I'm done",
            "@united Do something about it.",
        ]);
    }

    #[test]
    fn quoted_questions_are_not_the_authors() {
        // Decision: an old-style retweet quotes someone else's question; the retweeter asks nothing.
        no(&[
            "RT @x: why?",
            "RT @x: can you help me",
            "so true RT @x: why?",
            r#"lol "@x: why is it late?" same"#,
        ]);
        // Text before the marker is the author's own.
        yes(&["why? RT @x: late again", "can you help RT @x: late again"]);
    }

    #[test]
    fn mixed_case_and_elongation() {
        yes(&[
            "@united CaN yOu HeLp",
            "@united PLEASE HELP",
            "@united pleaseeee help",
            "wHy",
        ]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let many_q = "?".repeat(10_000);
        assert!(is_question(&many_q));
        let long = "why ".repeat(50_000);
        assert!(is_question(&long));
        let words = "fly ".repeat(50_000);
        assert!(!is_question(&words));
        for s in [
            "\u{FFFD}",
            "\u{0000}",
            "\u{202E}مرحبا",
            "\u{0301}\u{0301}",
            "@",
            "#",
            "&",
            ":",
            "http://",
            "\u{E0001}",
            "a\u{200D}b",
            "שלום עולם",
            "\u{10FFFF}",
        ] {
            let _ = is_question(s);
        }
        assert!(is_question("\u{202E}هل أنت هنا؟"));
    }
}
