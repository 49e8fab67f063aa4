//! Which of a taxonomy's topics each text belongs to, with the terms that matched (`earshot topics
//! match`), and optionally its sentiment.

use earshot_sentiment::SentimentModel;
use earshot_topics::{extract, Matcher};
use rayon::prelude::*;

/// One text's topics. Fields in the order `--json` has always printed them (not sorted).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PostMatch {
    pub text: String,
    /// The detected language's code, or `und`.
    pub language: &'static str,
    /// Topics in the order first hit.
    pub topics: Vec<MatchedTopic>,
    /// The built-in sentiment model's class, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<&'static str>,
}

/// A topic a text belongs to, and the taxonomy terms that put it there (each once, in order found).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatchedTopic {
    pub key: String,
    pub label: String,
    pub terms: Vec<String>,
}

/// Every text's topics under `matcher`, in the texts' order; with `sentiment`, its class too.
pub fn match_texts(matcher: &Matcher, texts: &[String], sentiment: bool) -> Vec<PostMatch> {
    let model = sentiment.then(SentimentModel::builtin);
    texts
        .par_iter()
        .map(|text| {
            let terms = extract(text);
            let mut topics: Vec<MatchedTopic> = Vec::new();
            for h in matcher.hits(&terms, None) {
                let key = &matcher.keys()[h.topic as usize];
                match topics.iter_mut().find(|t| &t.key == key) {
                    Some(t) if !t.terms.iter().any(|s| s == h.term) => {
                        t.terms.push(h.term.to_owned())
                    }
                    Some(_) => {}
                    None => topics.push(MatchedTopic {
                        key: key.clone(),
                        label: matcher.labels()[h.topic as usize].clone(),
                        terms: vec![h.term.to_owned()],
                    }),
                }
            }
            PostMatch {
                text: text.clone(),
                language: terms.language.map_or("und", |l| l.code()),
                topics,
                sentiment: model.as_ref().map(|m| m.classify(text).polarity.name()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_topics::Taxonomy;

    #[test]
    fn each_topic_once_with_each_term_once_in_order_found() {
        let m = Taxonomy::from_toml(
            "[topics.late]\nlabel = \"Late\"\nkeywords = [\"delay*\", \"late\"]\nhashtags = [\"delayed\"]\n",
            "t",
        )
        .unwrap()
        .compile("t")
        .unwrap();
        let texts = [
            "late, delayed, late again #delayed".to_owned(),
            "hi".to_owned(),
        ];
        let out = match_texts(&m, &texts, true);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].topics.len(), 1);
        assert_eq!(out[0].topics[0].label, "Late");
        let mut terms = out[0].topics[0].terms.clone();
        terms.sort();
        terms.dedup();
        assert_eq!(terms.len(), out[0].topics[0].terms.len());
        assert!(out[1].topics.is_empty());
        assert!(out[1].sentiment.is_some());
        assert!(match_texts(&m, &texts, false)[0].sentiment.is_none());
    }
}
