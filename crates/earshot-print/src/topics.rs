//! `earshot topics`: discovered topics with their terms and example posts, and one matched text per
//! line.

use crate::fmt::one_line;
use anyhow::Result;
use earshot_app::topics::discover::DiscoverReport;
use earshot_app::topics::matching::PostMatch;
use std::io::Write;

/// A summary line (topics, posts, the share assigned, the graph's size), then each topic's key,
/// label and size, its terms and its example posts.
pub fn discovery(out: &mut dyn Write, report: &DiscoverReport) -> Result<()> {
    writeln!(
        out,
        "{} topics in {} posts from {}; {} posts ({:.1}%) assigned; vocabulary {} terms, {} links",
        report.topics.len(),
        report.posts,
        report.source,
        report.assigned,
        100.0 * report.assigned as f64 / report.posts as f64,
        report.vocabulary,
        report.links
    )?;
    for t in &report.topics {
        writeln!(out, "\n{}  \"{}\"  {} posts", t.key, t.label, t.posts)?;
        writeln!(out, "  terms: {}", t.terms.join(", "))?;
        for text in &t.examples {
            writeln!(out, "  e.g. {}", one_line(text, 140))?;
        }
    }
    Ok(())
}

/// One tab-separated line: the language, the topics with the terms that matched (`-` for none),
/// the sentiment when asked for, and the text on one line.
pub fn matched(out: &mut dyn Write, m: &PostMatch) -> Result<()> {
    let t: Vec<String> = m
        .topics
        .iter()
        .map(|t| format!("{} ({})", t.key, t.terms.join(", ")))
        .collect();
    let topics = if t.is_empty() {
        "-".to_owned()
    } else {
        t.join("; ")
    };
    let s = m.sentiment.map(|s| format!("\t{s}")).unwrap_or_default();
    writeln!(
        out,
        "{}\t{topics}{s}\t{}",
        m.language,
        one_line(&m.text, 100)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::render;
    use earshot_app::topics::discover::FoundTopic;
    use earshot_app::topics::matching::MatchedTopic;

    #[test]
    fn discovery_gives_the_assigned_share_and_each_topic_block() {
        let report = DiscoverReport {
            source: "posts.txt".into(),
            posts: 8,
            assigned: 3,
            vocabulary: 20,
            links: 40,
            topics: vec![FoundTopic {
                key: "t01-snow".into(),
                label: "snow, sled, #winter".into(),
                posts: 3,
                terms: vec!["snow".into(), "sled".into()],
                examples: vec!["snow\nday".into()],
            }],
        };
        let text = render(|out| discovery(out, &report));
        assert_eq!(
            text,
            "1 topics in 8 posts from posts.txt; 3 posts (37.5%) assigned; vocabulary 20 terms, 40 links\n\
             \nt01-snow  \"snow, sled, #winter\"  3 posts\n  terms: snow, sled\n  e.g. snow day\n"
        );
    }

    #[test]
    fn a_match_line_has_a_dash_without_topics_and_the_sentiment_when_asked() {
        let mut m = PostMatch {
            text: "hello\tthere".into(),
            language: "eng",
            topics: vec![],
            sentiment: None,
        };
        assert_eq!(render(|out| matched(out, &m)), "eng\t-\thello there\n");
        m.topics = vec![
            MatchedTopic {
                key: "late".into(),
                label: "Late".into(),
                terms: vec!["delay*".into(), "#latefl".into()],
            },
            MatchedTopic {
                key: "bags".into(),
                label: "Bags".into(),
                terms: vec!["bag*".into()],
            },
        ];
        m.sentiment = Some("negative");
        assert_eq!(
            render(|out| matched(out, &m)),
            "eng\tlate (delay*, #latefl); bags (bag*)\tnegative\thello there\n"
        );
    }
}
