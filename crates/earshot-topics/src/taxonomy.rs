//! A user's taxonomy: topics named by keywords, hashtags, cashtags and accounts, read from TOML.
//!
//! ```toml
//! [topics.late_flight]
//! label = "Late flight"                        # optional; defaults to the key
//! keywords = ["delay*", "late", "on time"]     # words; `*` at the end of a word matches any ending;
//!                                              # several words make a phrase that must appear in order
//! hashtags = ["delayed"]                       # with or without the leading '#'
//! cashtags = ["UAL"]                           # with or without the leading '$'
//! accounts = ["united"]                        # posts by, or mentioning, these handles
//! ```
//!
//! Matching is case-insensitive. A keyword also matches a hashtag with the same text (`delay*` matches
//! `#delayed`), since people tag the words they would have written. A [`Matcher`] compiled from the
//! taxonomy answers "which topics does this post touch, and through which terms" in time linear in the
//! post's terms, whatever the taxonomy's size (prefix patterns are bucketed by their first three
//! letters).

use crate::terms::PostTerms;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A taxonomy as written in the TOML file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// Topics by key. A BTreeMap so that topic ids (positions) do not depend on hashing.
    #[serde(default)]
    pub topics: BTreeMap<String, TopicDef>,
}

/// One topic of a [`Taxonomy`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    /// Human-readable name; the key when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Words, `word*` prefixes and multi-word phrases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Hashtags, `#` optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashtags: Vec<String>,
    /// Cashtags, `$` optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cashtags: Vec<String>,
    /// Handles, `@` optional: posts by or mentioning them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
}

/// Why a taxonomy could not be used. Messages name the topic and field.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The TOML did not parse or had unknown fields; the message carries line and column.
    #[error("{source_name}: {message}")]
    Parse {
        /// File name or other label of the input.
        source_name: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A pattern the matcher cannot use.
    #[error("{source_name}: topic {topic:?}, field {field}: {problem}")]
    BadPattern {
        /// File name or other label of the input.
        source_name: String,
        /// The topic key.
        topic: String,
        /// `keywords`, `hashtags`, `cashtags` or `accounts`.
        field: &'static str,
        /// What is wrong, quoting the pattern.
        problem: String,
    },
    /// No topics at all, or a topic with nothing to match.
    #[error("{source_name}: {problem}")]
    Empty {
        /// File name or other label of the input.
        source_name: String,
        /// What is missing.
        problem: String,
    },
}

impl Taxonomy {
    /// Parses TOML text; `source_name` labels errors (usually the file path).
    pub fn from_toml(text: &str, source_name: &str) -> Result<Taxonomy, TaxonomyError> {
        toml::from_str(text).map_err(|e| TaxonomyError::Parse {
            source_name: source_name.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })
    }

    /// The taxonomy as TOML text, in the format [`Taxonomy::from_toml`] reads.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Topic keys in id order (a topic's id is its position here).
    pub fn keys(&self) -> Vec<&str> {
        self.topics.keys().map(String::as_str).collect()
    }

    /// Checks every pattern and builds the [`Matcher`].
    pub fn compile(&self, source_name: &str) -> Result<Matcher, TaxonomyError> {
        if self.topics.is_empty() {
            return Err(TaxonomyError::Empty {
                source_name: source_name.to_owned(),
                problem: "no [topics.NAME] tables: nothing to match".into(),
            });
        }
        let mut m = Matcher::default();
        for (id, (key, def)) in self.topics.iter().enumerate() {
            let id = id as u32;
            let bad = |field: &'static str, problem: String| TaxonomyError::BadPattern {
                source_name: source_name.to_owned(),
                topic: key.clone(),
                field,
                problem,
            };
            m.labels
                .push(def.label.clone().unwrap_or_else(|| key.clone()));
            m.keys.push(key.clone());
            let n =
                def.keywords.len() + def.hashtags.len() + def.cashtags.len() + def.accounts.len();
            if n == 0 {
                return Err(TaxonomyError::Empty {
                    source_name: source_name.to_owned(),
                    problem: format!(
                        "topic {key:?} has no keywords, hashtags, cashtags or accounts"
                    ),
                });
            }
            for kw in &def.keywords {
                let words: Vec<String> = kw.split_whitespace().map(str::to_lowercase).collect();
                if words.is_empty() {
                    return Err(bad("keywords", "an empty keyword".into()));
                }
                for (i, w) in words.iter().enumerate() {
                    let stars = w.matches('*').count();
                    if stars > 1 || (stars == 1 && !w.ends_with('*')) {
                        return Err(bad("keywords", format!("{kw:?}: '*' may only end a word")));
                    }
                    if stars == 1 && w.chars().count() < 4 {
                        return Err(bad(
                            "keywords",
                            format!("{kw:?}: a prefix needs 3 letters before '*'"),
                        ));
                    }
                    if stars == 1 && i + 1 < words.len() {
                        return Err(bad(
                            "keywords",
                            format!("{kw:?}: '*' may only end the last word of a phrase"),
                        ));
                    }
                }
                let pattern = Pattern {
                    words,
                    topic: id,
                    text: kw.clone(),
                };
                if pattern.words.len() == 1 {
                    let w = &pattern.words[0];
                    match w.strip_suffix('*') {
                        Some(p) => m.prefixes.entry(bucket(p)).or_default().push(pattern),
                        None => m.words.entry(w.clone()).or_default().push((id, kw.clone())),
                    }
                } else {
                    let first = pattern.words[0].clone();
                    m.phrases.entry(first).or_default().push(pattern);
                }
            }
            for (field, list, sigil, map) in [
                ("hashtags", &def.hashtags, '#', &mut m.hashtags),
                ("cashtags", &def.cashtags, '$', &mut m.cashtags),
                ("accounts", &def.accounts, '@', &mut m.accounts),
            ] {
                for raw in list {
                    let t = raw.trim().trim_start_matches(sigil).to_lowercase();
                    if t.is_empty() || t.chars().any(char::is_whitespace) {
                        return Err(bad(field, format!("{raw:?} is not a single {field} entry")));
                    }
                    map.entry(t).or_default().push((
                        id,
                        format!("{sigil}{}", raw.trim().trim_start_matches(sigil)),
                    ));
                }
            }
        }
        Ok(m)
    }
}

#[derive(Clone, Debug)]
struct Pattern {
    /// Lowercased words; the last may end in `*`.
    words: Vec<String>,
    topic: u32,
    text: String,
}

/// Prefix patterns are bucketed by their first three characters.
fn bucket(s: &str) -> String {
    s.chars().take(3).collect()
}

/// One reason a post belongs to a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit<'m> {
    /// The topic's id: its position in [`Matcher::keys`].
    pub topic: u32,
    /// The taxonomy term that matched, as written (`delay*`, `#delayed`, `@united`).
    pub term: &'m str,
}

/// A compiled [`Taxonomy`].
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    keys: Vec<String>,
    labels: Vec<String>,
    words: FxHashMap<String, Vec<(u32, String)>>,
    prefixes: FxHashMap<String, Vec<Pattern>>,
    phrases: FxHashMap<String, Vec<Pattern>>,
    hashtags: FxHashMap<String, Vec<(u32, String)>>,
    cashtags: FxHashMap<String, Vec<(u32, String)>>,
    accounts: FxHashMap<String, Vec<(u32, String)>>,
}

impl Matcher {
    /// Topic keys; a topic's id is its index.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Topic labels, by id.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The id of a topic key (case-insensitive), if it exists.
    pub fn id_of(&self, key: &str) -> Option<u32> {
        self.keys
            .iter()
            .position(|k| k.eq_ignore_ascii_case(key))
            .map(|i| i as u32)
    }

    /// Every hit of a post, in the order found (keywords, then tags, then accounts); a topic may be
    /// hit several times. `author` is the post author's handle, if known.
    pub fn hits<'m>(&'m self, terms: &PostTerms, author: Option<&str>) -> Vec<Hit<'m>> {
        let mut out = Vec::new();
        let push = |out: &mut Vec<Hit<'m>>, list: Option<&'m Vec<(u32, String)>>| {
            for (topic, term) in list.into_iter().flatten() {
                out.push(Hit {
                    topic: *topic,
                    term,
                });
            }
        };
        let words = &terms.words;
        for (i, w) in words.iter().enumerate() {
            push(&mut out, self.words.get(w));
            self.prefix_hits(w, &mut out);
            for p in self.phrases.get(w).into_iter().flatten() {
                let rest = &p.words[1..];
                if words.len() - i > rest.len()
                    && rest
                        .iter()
                        .zip(&words[i + 1..])
                        .all(|(pat, w)| word_matches(pat, w))
                {
                    out.push(Hit {
                        topic: p.topic,
                        term: &p.text,
                    });
                }
            }
        }
        for h in &terms.hashtags {
            push(&mut out, self.hashtags.get(h));
            push(&mut out, self.words.get(h));
            self.prefix_hits(h, &mut out);
        }
        for c in &terms.cashtags {
            push(&mut out, self.cashtags.get(c));
        }
        if let Some(a) = author {
            push(
                &mut out,
                self.accounts.get(&a.trim_start_matches('@').to_lowercase()),
            );
        }
        for m in &terms.mentions {
            push(&mut out, self.accounts.get(m));
        }
        out
    }

    fn prefix_hits<'m>(&'m self, w: &str, out: &mut Vec<Hit<'m>>) {
        if w.len() < 3 {
            return;
        }
        for p in self.prefixes.get(&bucket(w)).into_iter().flatten() {
            if word_matches(&p.words[0], w) {
                out.push(Hit {
                    topic: p.topic,
                    term: &p.text,
                });
            }
        }
    }

    /// The distinct topics of a post, each with its number of hits, most hits first (ties by id).
    pub fn topics(&self, terms: &PostTerms, author: Option<&str>) -> Vec<(u32, u32)> {
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for h in self.hits(terms, author) {
            match counts.iter_mut().find(|(t, _)| *t == h.topic) {
                Some((_, n)) => *n += 1,
                None => counts.push((h.topic, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts
    }
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(p) => word.starts_with(p),
        None => pattern == word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::extract;

    const AIRLINE: &str = r##"
[topics.late]
label = "Late flight"
keywords = ["delay*", "on time", "late"]
hashtags = ["#latefl"]

[topics.bags]
keywords = ["lost luggage", "bag*"]

[topics.united]
accounts = ["@United"]
cashtags = ["UAL"]
"##;

    fn matcher() -> Matcher {
        Taxonomy::from_toml(AIRLINE, "t.toml")
            .unwrap()
            .compile("t.toml")
            .unwrap()
    }

    #[test]
    fn keywords_prefixes_phrases_tags_and_accounts() {
        let m = matcher();
        let (bags, late, united) = (
            m.id_of("bags").unwrap(),
            m.id_of("late").unwrap(),
            m.id_of("united").unwrap(),
        );
        assert_eq!(m.labels()[late as usize], "Late flight");
        let t =
            extract("@united flight DELAYED 3 hours, never on time and my bags are gone #latefl");
        let hits = m.hits(&t, None);
        let terms: Vec<_> = hits.iter().map(|h| (h.topic, h.term)).collect();
        assert!(terms.contains(&(late, "delay*")), "{terms:?}");
        assert!(terms.contains(&(late, "on time")), "{terms:?}");
        assert!(terms.contains(&(late, "#latefl")), "{terms:?}");
        assert!(terms.contains(&(bags, "bag*")), "{terms:?}");
        assert!(terms.contains(&(united, "@United")), "{terms:?}");
        assert_eq!(m.topics(&t, None)[0], (late, 3));
        // Author handles count too; the phrase needs its words in order.
        let t = extract("luggage lost, sigh");
        assert!(m
            .topics(&t, Some("@UNITED"))
            .iter()
            .all(|&(id, _)| id == united));
        assert_eq!(
            m.topics(&extract("lost luggage again"), None),
            vec![(bags, 1)]
        );
        assert_eq!(m.topics(&extract("buy $ual"), None), vec![(united, 1)]);
        assert_eq!(m.topics(&extract("#delayed"), None), vec![(late, 1)]);
    }

    #[test]
    fn errors_name_topic_and_field() {
        let e = Taxonomy::from_toml("[topics.x]\nkeywords = [\"de*lay\"]\n", "f.toml")
            .unwrap()
            .compile("f.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("f.toml") && e.contains("\"x\"") && e.contains("keywords"),
            "{e}"
        );
        let e = Taxonomy::from_toml("[topics.x]\nkeyword = [\"a\"]\n", "f.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.toml") && e.contains("keyword"), "{e}");
        let e = Taxonomy::from_toml("[topics.x]\n", "f.toml")
            .unwrap()
            .compile("f.toml")
            .unwrap_err();
        assert!(e.to_string().contains("no keywords"), "{e}");
        assert!(Taxonomy::default().compile("f").is_err());
    }

    #[test]
    fn toml_round_trip() {
        let t = Taxonomy::from_toml(AIRLINE, "t").unwrap();
        assert_eq!(Taxonomy::from_toml(&t.to_toml(), "t").unwrap(), t);
    }
}
