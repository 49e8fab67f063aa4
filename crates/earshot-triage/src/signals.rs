//! What in a message's text calls for a quick answer: negative sentiment, complaint markers, a question.
//!
//! These features read the text only, never the author, so they move every author's message by the same
//! amount.

use earshot_sentiment::{Polarity, SentimentModel};
use std::sync::LazyLock;

/// Only this many bytes of a message are read (cut at a character boundary). Customer messages are far
/// shorter; the cap keeps the time per message bounded on pasted logs or hostile input.
pub const MAX_TEXT_BYTES: usize = 8_192;

/// Complaint markers: words and phrases that name a service failure the customer wants fixed, written by
/// hand from customer-service practice (the complaint categories of airlines and retailers: money back,
/// a journey that went wrong, baggage, being ignored, escalation), not fitted to any data set. A word
/// ending in `*` matches any ending (`cancel*`: cancel, cancelled, cancellation); several words are a
/// phrase. Matching is on words (mentions, hashtags and links are skipped), ignoring case.
///
/// They overlap sentiment on purpose: "my bag was lost, could you help?" reads as polite, and still needs
/// someone to act.
pub const COMPLAINT_MARKERS: [&str; 36] = [
    // Money back.
    "refund*",
    "compensat*",
    "reimburs*",
    "overcharg*",
    "charged twice",
    // A journey or an order that went wrong.
    "cancel*",
    "delay*",
    "stranded",
    "stuck",
    "missed connection*",
    "missed my connection*",
    "missed my flight",
    "overbook*",
    "bumped",
    "diverted",
    "never arrived",
    "never received",
    // Baggage and broken goods.
    "lost bag*",
    "lost luggage",
    "lost my bag*",
    "lost my luggage",
    "damaged",
    "broken",
    // Being ignored.
    "on hold",
    "hung up",
    "no response",
    "no answer",
    "still waiting",
    "nobody",
    "no one",
    // Escalation.
    "complaint",
    "unacceptable",
    "worst",
    "never again",
    "rude",
    "disgusted",
];

/// The urgency features of one text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Signals {
    /// The probability the text is negative, from earshot-sentiment's built-in model.
    pub negative: f64,
    /// The sentiment model's most probable class.
    pub polarity: Polarity,
    /// The [`COMPLAINT_MARKERS`] entries the text matched, in list order, each once.
    pub complaint_markers: Vec<String>,
    /// Whether the text asks something of its recipient (earshot-text's `is_question`: a question or a
    /// request such as "please DM me").
    pub question: bool,
    /// Whether the text was longer than [`MAX_TEXT_BYTES`] and only its start was read.
    pub truncated: bool,
}

static SENTIMENT: LazyLock<SentimentModel> = LazyLock::new(SentimentModel::builtin);

/// The urgency features of `text`.
///
/// ```
/// let s = earshot_triage::signals("@united my flight was cancelled and I need a refund, can you help?");
/// assert!(s.question);
/// assert_eq!(s.complaint_markers, ["refund*", "cancel*"]);
/// assert!(s.negative > 0.5);
/// ```
pub fn signals(text: &str) -> Signals {
    let (text, truncated) = head(text, MAX_TEXT_BYTES);
    let sentiment = SENTIMENT.classify(text);
    let negative = sentiment.probabilities[Polarity::Negative.index()];
    Signals {
        negative: if negative.is_finite() {
            negative.clamp(0.0, 1.0)
        } else {
            0.0
        },
        polarity: sentiment.polarity,
        complaint_markers: complaint_markers(text),
        question: earshot_text::is_question(text),
        truncated,
    }
}

/// The first at most `max` bytes of `text`, cut at a character boundary, and whether anything was cut.
fn head(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// The [`COMPLAINT_MARKERS`] that `text` matches.
pub fn complaint_markers(text: &str) -> Vec<String> {
    let words: Vec<String> = earshot_text::words(text)
        .map(|w| w.to_lowercase())
        .collect();
    COMPLAINT_MARKERS
        .iter()
        .filter(|marker| {
            let parts: Vec<&str> = marker.split(' ').collect();
            words
                .windows(parts.len())
                .any(|run| run.iter().zip(&parts).all(|(w, p)| word_matches(w, p)))
        })
        .map(|m| m.to_string())
        .collect()
}

fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_match_words_and_phrases_not_substrings() {
        assert_eq!(
            complaint_markers("Cancelled Flightled again, been ON HOLD for 2 hours"),
            ["cancel*", "on hold"]
        );
        assert_eq!(
            complaint_markers("they lost my bags in Denver"),
            ["lost my bag*"]
        );
        // Inside other words, mentions and hashtags nothing counts.
        assert!(complaint_markers("@stuckairline #refund unbroken stuckness").is_empty());
        assert!(complaint_markers("").is_empty());
    }

    #[test]
    fn a_calm_thank_you_has_no_urgency() {
        let s = signals("@VirginAmerica thanks for a lovely flight, great crew");
        assert!(s.complaint_markers.is_empty());
        assert!(!s.question);
        assert!(s.negative < 0.5, "{s:?}");
        assert_eq!(s.polarity, Polarity::Positive);
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let text = "é".repeat(MAX_TEXT_BYTES); // 2 bytes each
        let (h, cut) = head(&text, MAX_TEXT_BYTES + 1);
        assert!(cut);
        assert_eq!(h.len(), MAX_TEXT_BYTES);
        let s = signals(&format!("{text} refund"));
        assert!(s.truncated);
        assert!(
            s.complaint_markers.is_empty(),
            "the cut-off end is not read"
        );
    }
}
