//! The word lists behind the signals, and the normalisation that words go through before lookup.
//!
//! Lists are plain `match`es on lower-case words: transparent (a reviewer reads the whole lexicon in
//! a minute), allocation-free to query, and compiled to length-then-bytes comparisons.

/// Lower-cases `word` into `buf` and folds the typographic apostrophe `’` to `'`.
pub(crate) fn normalize_into(word: &str, buf: &mut String) {
    buf.clear();
    for c in word.chars() {
        if c == '’' {
            buf.push('\'');
        } else if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

/// `f(word)`, retried on elongated spellings with runs of 3+ equal letters cut to one and to two
/// (`thanksss` → `thanks`, `cooool` → `cool`, `pleeease` → `please`): people stretch exactly the
/// words these lists hold.
pub(crate) fn lookup(word: &str, f: impl Fn(&str) -> bool) -> bool {
    if f(word) {
        return true;
    }
    if !has_run_of_three(word) {
        return false;
    }
    f(&squeeze(word, 1)) || f(&squeeze(word, 2))
}

fn has_run_of_three(w: &str) -> bool {
    let mut it = w.chars();
    let (Some(mut a), Some(mut b)) = (it.next(), it.next()) else {
        return false;
    };
    for c in it {
        if a == b && b == c {
            return true;
        }
        (a, b) = (b, c);
    }
    false
}

/// Cuts every run of 3+ equal chars to `keep` chars.
fn squeeze(w: &str, keep: usize) -> String {
    let mut out = String::with_capacity(w.len());
    let chars: Vec<char> = w.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let n = if j - i >= 3 { keep } else { j - i };
        out.extend(std::iter::repeat_n(chars[i], n));
        i = j;
    }
    out
}

/// Thanks in the languages of our sources: a reply made only of these says nothing.
pub(crate) fn is_thanks(w: &str) -> bool {
    matches!(
        w,
        "thanks"
            | "thank"
            | "thankyou"
            | "thank-you"
            | "thanku"
            | "thankx"
            | "thanx"
            | "thx"
            | "thnx"
            | "thnks"
            | "thks"
            | "tnx"
            | "tx"
            | "ty"
            | "tyvm"
            | "tysm"
            | "tyty"
            | "cheers"
            | "appreciate"
            | "appreciated"
            | "gracias"
            | "merci"
            | "danke"
            | "dank"
            | "dankeschön"
            | "obrigado"
            | "obrigada"
            | "grazie"
            | "arigato"
            | "arigatou"
            | "arigatō"
            | "ありがとう"
            | "спасибо"
            | "شكرا"
            | "תודה"
            | "mahalo"
            | "kiitos"
            | "tack"
            | "takk"
            | "bedankt"
            | "dankjewel"
            | "asante"
            | "teşekkürler"
            | "dziękuję"
            | "谢谢"
            | "감사합니다"
    )
}

/// One-word reactions, agreement, greetings and praise: "ok", "lol", "great", "nice", "yes".
/// A reply made only of these and [`is_glue`] words acknowledges without saying anything.
pub(crate) fn is_reaction(w: &str) -> bool {
    matches!(
        w,
        "ok" | "okay"
            | "okey"
            | "k"
            | "kk"
            | "alright"
            | "allright"
            | "sure"
            | "yes"
            | "yeah"
            | "yea"
            | "yep"
            | "yup"
            | "ya"
            | "yah"
            | "no"
            | "nope"
            | "nah"
            | "cool"
            | "great"
            | "nice"
            | "awesome"
            | "amazing"
            | "perfect"
            | "excellent"
            | "wonderful"
            | "fantastic"
            | "brilliant"
            | "sweet"
            | "super"
            | "love"
            | "loved"
            | "good"
            | "lol"
            | "lmao"
            | "lmfao"
            | "rofl"
            | "lolol"
            | "xd"
            | "wow"
            | "omg"
            | "yay"
            | "woohoo"
            | "woot"
            | "hooray"
            | "np"
            | "welcome"
            | "congrats"
            | "congratulations"
            | "bravo"
            | "agreed"
            | "true"
            | "same"
            | "exactly"
            | "absolutely"
            | "definitely"
            | "totally"
            | "indeed"
            | "cute"
            | "beautiful"
            | "fab"
            | "hi"
            | "hey"
            | "hello"
            | "bye"
            | "oh"
            | "ah"
            | "ooh"
            | "aw"
            | "aww"
            | "hmm"
            | "um"
            | "ha"
            | "hah"
            | "heh"
            | "anytime"
            | "kudos"
            | "yass"
            | "sí"
            | "si"
            | "oui"
            | "ja"
            | "vale"
            | "bueno"
            | "genial"
            | "perfecto"
            | "bien"
            | "muchas"
            | "mil"
            | "beaucoup"
            | "vielen"
            | "schön"
            | "mille"
            | "tante"
            | "muito"
            | "bom"
            | "ciao"
    )
}

/// Glue that thanks and reactions come wrapped in ("thank *you so much guys*", "ok *that's* great"):
/// function words and forms of address. Not every stopword is glue: "why did you do that" is made of
/// stopwords but is not a bare acknowledgement.
pub(crate) fn is_glue(w: &str) -> bool {
    matches!(
        w,
        "you"
            | "u"
            | "ya"
            | "yall"
            | "y'all"
            | "your"
            | "ur"
            | "so"
            | "much"
            | "very"
            | "many"
            | "lot"
            | "lots"
            | "a"
            | "the"
            | "for"
            | "it"
            | "that"
            | "that's"
            | "thats"
            | "this"
            | "all"
            | "again"
            | "and"
            | "i"
            | "we"
            | "me"
            | "really"
            | "too"
            | "just"
            | "guys"
            | "man"
            | "dude"
            | "folks"
            | "team"
            | "everyone"
            | "buddy"
            | "mate"
            | "bro"
            | "sir"
            | "ma'am"
            | "as"
            | "always"
            | "of"
            | "to"
            | "is"
            | "was"
            | "it's"
            | "its"
            | "you're"
            | "youre"
            | "in"
            | "advance"
            | "kind"
            | "how"
            | "sooo"
            | "soo"
            | "x"
            | "xx"
            | "xxx"
            | "follow"
            | "following"
            | "follows"
            | "rt"
            | "rts"
            | "retweet"
            | "fav"
            | "shoutout"
            | "shout"
            | "out"
            | "reply"
            | "response"
            | "ever"
            | "best"
            | "still"
            | "by"
            | "am"
            | "are"
            | "be"
            | "will"
            | "do"
            | "did"
            | "on"
            | "at"
            | "our"
            | "my"
            | "an"
            | "or"
    )
}

/// Laughter spelt out: `haha`, `hahahah`, `hehe`, `jajaja`, `ahah`, `lolol`, `kkkk`.
pub(crate) fn is_laughter(w: &str) -> bool {
    if w.len() >= 3 && w.bytes().all(|b| b == b'k') {
        return true;
    }
    if w.len() >= 4 && w.starts_with("lol") && w.bytes().all(|b| b == b'l' || b == b'o') {
        return true;
    }
    // Collapse letter runs, then demand an alternation of h/j with a/e/i/o.
    let mut prev = 0u8;
    let mut kinds = Vec::with_capacity(w.len());
    for b in w.bytes() {
        if b == prev {
            continue;
        }
        prev = b;
        kinds.push(match b {
            b'h' | b'j' => 0u8,
            b'a' | b'e' | b'i' | b'o' => 1,
            _ => return false,
        });
    }
    kinds.len() >= 3 && kinds.contains(&0) && kinds.windows(2).all(|p| p[0] != p[1])
}

/// Padding that copied replies come wrapped in besides thanks and reactions: the nouns of stock
/// compliments ("great *post*", "well *said*", "nice *thread*") and link calls-to-action ("*check*
/// it *out* *here*", "more *info* *via*"). Used only by the copy detectors (`dup.rs`, `copy.rs`),
/// where a word that is padding must not count as something the replier added.
pub(crate) fn is_padding(w: &str) -> bool {
    matches!(
        w,
        "post"
            | "posts"
            | "posting"
            | "thread"
            | "tweet"
            | "tweets"
            | "article"
            | "read"
            | "share"
            | "sharing"
            | "shared"
            | "point"
            | "points"
            | "content"
            | "stuff"
            | "job"
            | "said"
            | "well"
            | "agree"
            | "spot"
            | "check"
            | "link"
            | "here"
            | "click"
            | "bio"
            | "visit"
            | "via"
            | "info"
            | "more"
            | "see"
            | "must"
            | "worth"
    )
}

/// English function words: they carry grammar, not content, so they never count as content words.
pub(crate) fn is_stopword(w: &str) -> bool {
    is_glue(w)
        || matches!(
            w,
            "about"
                | "above"
                | "after"
                | "also"
                | "any"
                | "because"
                | "been"
                | "before"
                | "being"
                | "both"
                | "but"
                | "can"
                | "can't"
                | "cant"
                | "could"
                | "couldn't"
                | "does"
                | "doesn't"
                | "doing"
                | "don't"
                | "dont"
                | "didn't"
                | "didnt"
                | "each"
                | "even"
                | "few"
                | "from"
                | "get"
                | "got"
                | "had"
                | "has"
                | "have"
                | "haven't"
                | "having"
                | "he"
                | "her"
                | "here"
                | "hers"
                | "him"
                | "his"
                | "i'm"
                | "im"
                | "i've"
                | "i'd"
                | "i'll"
                | "if"
                | "into"
                | "isn't"
                | "let"
                | "like"
                | "may"
                | "might"
                | "more"
                | "most"
                | "must"
                | "nor"
                | "not"
                | "now"
                | "off"
                | "once"
                | "one"
                | "only"
                | "other"
                | "ours"
                | "over"
                | "own"
                | "r"
                | "same"
                | "she"
                | "should"
                | "some"
                | "such"
                | "than"
                | "their"
                | "them"
                | "then"
                | "there"
                | "there's"
                | "these"
                | "they"
                | "they're"
                | "those"
                | "through"
                | "under"
                | "until"
                | "up"
                | "us"
                | "want"
                | "wanna"
                | "gonna"
                | "gotta"
                | "were"
                | "we're"
                | "what"
                | "what's"
                | "when"
                | "where"
                | "which"
                | "while"
                | "who"
                | "whom"
                | "why"
                | "with"
                | "won't"
                | "would"
                | "wouldn't"
                | "yet"
                | "yours"
                | "yourself"
                | "we've"
                | "you've"
                | "you'll"
                | "you'd"
                | "he's"
                | "she's"
                | "here's"
                | "please"
                | "pls"
                | "plz"
                | "via"
                | "etc"
                | "oh"
                | "well"
                | "going"
                | "go"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_apostrophes() {
        let mut b = String::new();
        normalize_into("That’S", &mut b);
        assert_eq!(b, "that's");
        normalize_into("ÉTÉ", &mut b);
        assert_eq!(b, "été");
    }

    #[test]
    fn elongations_are_looked_up_squeezed() {
        assert!(lookup("thanksss", is_thanks));
        assert!(lookup("cooool", is_reaction));
        assert!(lookup("yesss", is_reaction));
        assert!(!lookup("flighttt", is_reaction));
        assert!(!lookup("", is_thanks));
    }

    #[test]
    fn laughter() {
        for w in [
            "haha", "hahahaha", "hehe", "jajaja", "ahah", "hahaaa", "kkkk", "lolol", "hah",
        ] {
            assert!(is_laughter(w), "{w}");
        }
        for w in ["hello", "ha", "aha1", "hoax", "kk", "hhh", "", "aaa", "lo"] {
            assert!(!is_laughter(w), "{w}");
        }
    }

    #[test]
    fn lists_are_lower_case() {
        // Lookups normalise first, so an upper-case entry would be dead.
        assert!(!is_thanks("Thanks") && is_thanks("thanks"));
    }
}
