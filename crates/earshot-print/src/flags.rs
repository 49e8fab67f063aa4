//! Flagged posts (`earshot trust posts`, and the list in `earshot explain`): each post with its
//! platform id, author, reasons and the evidence for each, on a few lines.

use crate::fmt::snippet;
use anyhow::Result;
use earshot_app::trust::{AuthorRef, FlagEvidenceReport, FlaggedPost, FlaggedPostsReport, PostRef};
use std::io::Write;

/// `trust posts`: how many posts are flagged and for what, then each post asked for.
pub fn flagged_posts(out: &mut dyn Write, r: &FlaggedPostsReport) -> Result<()> {
    let reasons: Vec<String> = r
        .by_reason
        .iter()
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    writeln!(
        out,
        "{} flagged posts of {} read{}",
        r.total,
        r.posts_read,
        if reasons.is_empty() {
            String::new()
        } else {
            format!(" (by reason: {})", reasons.join(", "))
        }
    )?;
    for p in &r.posts {
        writeln!(out)?;
        post(out, p, "")?;
    }
    let shown = r.posts.len();
    if shown < r.total {
        writeln!(
            out,
            "\nshowing {}–{} of {}: --offset and --limit show others",
            (r.offset + 1).min(r.total),
            r.offset + shown,
            r.total
        )?;
    }
    Ok(())
}

/// An author as the terminal names it: `@handle`, else the platform's id.
pub fn author_name(a: &AuthorRef) -> String {
    match &a.handle {
        Some(h) => format!("@{h}"),
        None => a.platform_id.clone(),
    }
}

fn post_ref(p: &PostRef) -> String {
    format!("{} by {}", p.post, author_name(&p.author))
}

/// One flagged post: a line naming it, its text, and a line of evidence per flag, each line after the
/// first indented by `indent` and two spaces.
pub fn post(out: &mut dyn Write, p: &FlaggedPost, indent: &str) -> Result<()> {
    writeln!(
        out,
        "{indent}{} {} by {}, {}: {}",
        p.platform,
        p.post,
        author_name(&p.author),
        p.time,
        p.flags.join(", ")
    )?;
    writeln!(out, "{indent}  {}", snippet(p.text.as_deref()))?;
    for e in &p.evidence {
        writeln!(out, "{indent}  {}: {}", e.flag, evidence(e))?;
    }
    Ok(())
}

/// What one flag rests on, in a line.
pub fn evidence(e: &FlagEvidenceReport) -> String {
    if let Some(s) = &e.spam {
        return format!(
            "sells {}; cues: {}",
            s.sells.replace('_', " ").trim_start_matches("sells "),
            s.cues.join(", ")
        );
    }
    if let Some(c) = &e.copy {
        return format!(
            "copies {} ({}): {} content words copied, {} of its own ({:.0}% new) — {}",
            post_ref(&c.source),
            c.relation.replace('_', " "),
            c.copied_words,
            c.new_words,
            c.new_share * 100.0,
            snippet(c.source.text.as_deref())
        );
    }
    if let Some(c) = &e.campaign {
        let sample: Vec<String> = c.sample.iter().map(post_ref).collect();
        return format!(
            "near-identical text from {} accounts in {} posts{}",
            c.authors,
            c.posts,
            if sample.is_empty() {
                String::new()
            } else {
                format!(", among them {}", sample.join(", "))
            }
        );
    }
    e.meaning.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::render;
    use earshot_app::trust::{CopyEvidence, SpamEvidence};

    fn author(handle: Option<&str>, id: &str) -> AuthorRef {
        AuthorRef {
            platform_id: id.into(),
            handle: handle.map(Into::into),
        }
    }

    fn report() -> FlaggedPostsReport {
        let copy = FlaggedPost {
            post: "p3".into(),
            platform: "twitter".into(),
            id: "3".into(),
            author: author(Some("copier"), "@copier"),
            time: "2026-01-01 00:00:00".into(),
            text: Some("Nice post, the buses get a lane".into()),
            flags: vec!["copies_thread_post".into()],
            evidence: vec![FlagEvidenceReport {
                flag: "copies_thread_post".into(),
                meaning: "a copy".into(),
                spam: None,
                copy: Some(CopyEvidence {
                    source: PostRef {
                        post: "p2".into(),
                        author: author(None, "42"),
                        time: "2026-01-01 00:00:00".into(),
                        text: Some("the buses get a lane".into()),
                    },
                    relation: "sibling".into(),
                    copied_words: 4,
                    new_words: 0,
                    new_share: 0.0,
                }),
                campaign: None,
            }],
        };
        let mut spam = copy.clone();
        spam.post = "p4".into();
        spam.flags = vec!["commercial_spam".into()];
        spam.evidence = vec![FlagEvidenceReport {
            flag: "commercial_spam".into(),
            meaning: "spam".into(),
            spam: Some(SpamEvidence {
                sells: "sells_engagement".into(),
                cues: vec!["goods".into(), "sell".into()],
            }),
            copy: None,
            campaign: None,
        }];
        FlaggedPostsReport {
            posts: vec![copy, spam],
            total: 5,
            offset: 0,
            limit: 2,
            by_reason: [
                ("commercial_spam".to_string(), 1),
                ("copies_thread_post".to_string(), 4),
            ]
            .into_iter()
            .collect(),
            posts_read: 9,
        }
    }

    #[test]
    fn each_post_names_its_source_cues_and_the_rest_of_the_list() {
        let text = render(|out| flagged_posts(out, &report()));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "5 flagged posts of 9 read (by reason: commercial_spam 1, copies_thread_post 4)"
        );
        assert_eq!(
            lines[2],
            "twitter p3 by @copier, 2026-01-01 00:00:00: copies_thread_post"
        );
        assert_eq!(
            lines[4],
            "  copies_thread_post: copies p2 by 42 (sibling): 4 content words copied, 0 of its own (0% new) — the buses get a lane"
        );
        assert!(
            text.contains("  commercial_spam: sells engagement; cues: goods, sell\n"),
            "{text}"
        );
        assert!(
            text.ends_with("showing 1–2 of 5: --offset and --limit show others\n"),
            "{text}"
        );
    }
}
