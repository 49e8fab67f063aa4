//! Social text into the plain words VADER's lexicon knows.
//!
//! VADER already reads emoticons, emoji (by their names), capitals, "!!" and boosters such as "very".
//! Social text adds three habits it misses: elongation ("sooo goooood" is "so good", said with
//! feeling), hashtags that carry the sentiment ("#fail", "#NeverAgain"), and HTML entities left by
//! exporters ("&amp;"). Mentions and links carry no sentiment and would only dilute VADER's
//! positive/negative/neutral proportions, so they are dropped.

/// What normalisation found, besides the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    pub text: String,
    /// Words whose letters were stretched ("loooove"): emphasis.
    pub elongated: usize,
}

/// `text` with links and mentions dropped, entities decoded, hashtags split into words and
/// stretched letters squeezed to the spelling `known` accepts (two letters, else one, else two).
pub fn normalize(text: &str, known: impl Fn(&str) -> bool) -> Normalized {
    let decoded = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let mut out = String::with_capacity(decoded.len());
    let mut elongated = 0;
    for token in decoded.split_whitespace() {
        let lower = token.to_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("www.")
        {
            continue;
        }
        if token.starts_with('@') && token.len() > 1 {
            continue;
        }
        let token = match token.strip_prefix('#') {
            Some(tag) if !tag.is_empty() => split_hashtag(tag),
            _ => token.to_string(),
        };
        for word in token.split(' ') {
            let (squeezed, stretched) = squeeze(word, &known);
            elongated += stretched as usize;
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&squeezed);
        }
    }
    Normalized {
        text: out,
        elongated,
    }
}

/// "NeverAgain" → "Never Again"; "worst_day_ever" → "worst day ever"; "fail" → "fail".
fn split_hashtag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len() + 4);
    let mut prev: Option<char> = None;
    for c in tag.chars() {
        if c == '_' {
            out.push(' ');
            prev = None;
            continue;
        }
        if c.is_uppercase() && prev.is_some_and(|p| p.is_lowercase()) {
            out.push(' ');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// A word with runs of three or more equal letters cut to two, or to one where only that spelling is
/// `known`; and whether it had such a run. Punctuation runs ("!!!") are VADER's to read and stay.
fn squeeze(word: &str, known: &impl Fn(&str) -> bool) -> (String, bool) {
    let chars: Vec<char> = word.chars().collect();
    let mut stretched = false;
    let mut two = String::with_capacity(word.len());
    let mut one = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let run = j - i;
        if c.is_alphabetic() && run >= 3 {
            stretched = true;
            two.push(c);
            two.push(c);
            one.push(c);
        } else {
            for _ in 0..run {
                two.push(c);
                one.push(c);
            }
        }
        i = j;
    }
    if !stretched {
        return (word.to_string(), false);
    }
    let lower = |s: &str| s.to_lowercase();
    if known(&lower(&two)) || !known(&lower(&one)) {
        (two, true)
    } else {
        (one, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(w: &str) -> bool {
        ["good", "so", "cool", "love", "fail", "never", "again"].contains(&w)
    }

    #[test]
    fn squeezes_to_the_known_spelling() {
        let n = normalize("sooo goooood, loooove it cooool!!!", known);
        assert_eq!(n.text, "so good, love it cool!!!");
        assert_eq!(n.elongated, 4);
    }

    #[test]
    fn drops_links_and_mentions_and_splits_hashtags() {
        let n = normalize(
            "@united #NeverAgain &amp; #fail https://t.co/x #worst_day",
            known,
        );
        assert_eq!(n.text, "Never Again & fail worst day");
        assert_eq!(n.elongated, 0);
    }

    #[test]
    fn odd_input_is_harmless() {
        for t in ["", "#", "@", "   ", "ßßß", "😀😀😀", "a\u{0}b", "####"] {
            let _ = normalize(t, known);
        }
    }
}
