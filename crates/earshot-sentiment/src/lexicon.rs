//! The lexicon: VADER's, plus the words of customer service.
//!
//! VADER's lexicon was rated by people for general social text, and rates the everyday words of a
//! complaint as neutral: a flight "delayed" three hours, a bag "lost", "on hold" for an hour. Customers
//! writing to brands — the text earshot's triage reads — use exactly those words. The entries below
//! add them, on VADER's −4…+4 scale, set by hand from what the words mean (not fitted to any data set),
//! and override none of VADER's own ratings.

use std::collections::HashMap;
use std::sync::LazyLock;
use unicase::UniCase;

/// Complaint words, with a valence on VADER's scale.
pub const COMPLAINT_WORDS: [(&str, f64); 27] = [
    ("delayed", -1.8),
    ("delay", -1.5),
    ("delays", -1.5),
    ("delaying", -1.5),
    ("cancelled", -2.0),
    ("canceled", -2.0),
    ("cancellation", -1.5),
    ("stuck", -1.8),
    ("stranded", -2.2),
    ("lost", -1.5),
    ("waiting", -0.8),
    ("wait", -0.6),
    ("refund", -0.8),
    ("rebook", -0.8),
    ("rebooked", -0.8),
    ("missed", -1.2),
    ("broken", -1.8),
    ("rude", -2.2),
    ("unacceptable", -2.5),
    ("ridiculous", -2.0),
    ("unhelpful", -2.0),
    ("overbooked", -1.8),
    ("late", -1.0),
    ("hold", -0.5),
    ("hours", -0.5),
    ("nobody", -0.8),
    ("fails", -2.0),
];

/// Words of thanks and praise in customer talk that VADER rates low or not at all.
const PRAISE_WORDS: [(&str, f64); 3] = [("thx", 1.5), ("thanx", 1.5), ("ty", 1.2)];

/// VADER's lexicon with the entries above added where VADER has none.
pub static LEXICON: LazyLock<HashMap<UniCase<&'static str>, f64>> = LazyLock::new(|| {
    let mut lex = vader_sentiment::LEXICON.clone();
    for (w, v) in COMPLAINT_WORDS.iter().chain(PRAISE_WORDS.iter()) {
        lex.entry(UniCase::new(*w)).or_insert(*v);
    }
    lex
});

/// Whether `word` (any case) has a rating.
pub fn known(word: &str) -> bool {
    LEXICON.contains_key(&UniCase::new(word))
}

/// Its rating, 0 where it has none.
pub fn valence(word: &str) -> f64 {
    LEXICON.get(&UniCase::new(word)).copied().unwrap_or(0.0)
}

/// Negators, as VADER lists them (the common ones; VADER's own list drives its scoring).
pub const NEGATIONS: [&str; 22] = [
    "not", "no", "never", "nobody", "nothing", "none", "nowhere", "neither", "nor", "cannot",
    "can't", "cant", "don't", "dont", "didn't", "didnt", "won't", "wont", "isn't", "isnt",
    "wasn't", "without",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaints_are_added_without_overriding_vader() {
        assert!(valence("delayed") < 0.0);
        // "lost" is VADER's own entry: its rating stays.
        let vader = vader_sentiment::LEXICON.get(&UniCase::new("lost")).copied();
        if let Some(v) = vader {
            assert_eq!(valence("lost"), v);
        }
        assert!(valence("good") > 0.0 && valence("GOOD") > 0.0);
        assert_eq!(valence("qwertyuiop"), 0.0);
    }
}
