//! The named numbers the classifier reads from one text.

use crate::lexicon::{known, valence, LEXICON, NEGATIONS};
use crate::normalize::normalize;
use vader_sentiment::SentimentIntensityAnalyzer;

/// Names and meanings, in vector order.
pub const FEATURES: [(&str, &str); 11] = [
    (
        "compound",
        "VADER's compound score of the normalised text (−1 to 1)",
    ),
    (
        "positive_share",
        "VADER's share of the text that is positive",
    ),
    (
        "negative_share",
        "VADER's share of the text that is negative",
    ),
    ("neutral_share", "VADER's share of the text that is neutral"),
    ("positive_words", "ln(1 + words the lexicon rates positive)"),
    ("negative_words", "ln(1 + words the lexicon rates negative)"),
    ("negations", "ln(1 + negators: not, never, don't…)"),
    ("question", "1 if the text asks something (a '?')"),
    ("exclamation", "1 if the text has a '!'"),
    (
        "elongated",
        "1 if a word is stretched for emphasis ('sooo')",
    ),
    ("length", "words / 40, at most 1"),
];

pub const N_FEATURES: usize = FEATURES.len();

pub type FeatureVector = [f64; N_FEATURES];

/// VADER's four numbers for `text`: compound, pos, neg, neu. VADER's port indexes into its token
/// list; should it ever panic on some input, the text counts as neutral rather than taking the
/// caller down.
fn vader_scores(text: &str) -> [f64; 4] {
    let run = || {
        let analyzer = SentimentIntensityAnalyzer::from_lexicon(&LEXICON);
        let s = analyzer.polarity_scores(text);
        let get = |k: &str| s.get(k).copied().unwrap_or(0.0);
        [get("compound"), get("pos"), get("neg"), get("neu")]
    };
    std::panic::catch_unwind(run).unwrap_or([0.0, 0.0, 0.0, 1.0])
}

/// The features of `text`.
pub fn extract(text: &str) -> FeatureVector {
    let n = normalize(text, known);
    let [compound, pos, neg, neu] = vader_scores(&n.text);
    let lower = n.text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let count = |f: &dyn Fn(&str) -> bool| (words.iter().filter(|w| f(w)).count() as f64).ln_1p();
    [
        compound,
        pos,
        neg,
        neu,
        count(&|w| valence(w) > 0.0),
        count(&|w| valence(w) < 0.0),
        count(&|w| NEGATIONS.contains(&w)),
        text.contains('?') as u8 as f64,
        text.contains('!') as u8 as f64,
        (n.elongated > 0) as u8 as f64,
        (words.len() as f64 / 40.0).min(1.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_see_what_they_name() {
        let f = extract("@united flight delayed again, nobody helps. Not happy!!");
        assert!(f[0] < 0.0, "{f:?}");
        assert!(f[5] >= 2f64.ln_1p() - 1e-12, "delayed, nobody: {f:?}");
        assert!(f[6] > 0.0 && f[8] == 1.0 && f[7] == 0.0);
        let g = extract("Loooove this, thank you so much :) #BestDayEver");
        assert!(g[0] > 0.5 && g[9] == 1.0 && g[4] > 0.0, "{g:?}");
    }
}
