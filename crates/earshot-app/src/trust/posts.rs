//! Which posts are flagged, and why (`earshot trust posts`, `GET /v1/posts/flagged`): every post whose
//! reactions earn nothing, with its platform id, its author, its reasons and the evidence for each, so a
//! person can check a flag against the posts it names.
//!
//! The flags are the ones scoring computes (`crate::sources::flag_posts`) over the stored posts of a
//! window and platform: a copy is judged against the other posts of that slice, so the same post may be
//! flagged in one window and not in a narrower one.

use crate::accounts::resolve;
use crate::error::{FieldStyle, UsageError};
use crate::sources::{flag_posts, post_info};
use anyhow::Result;
use earshot_score::{FlagEvidence, FlagReason, PostFlag, PostInfo};
use earshot_store::{Store, TimeWindow};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Which flagged posts to list.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedPostsRequest {
    /// The window whose posts are read and flagged (default: all of them).
    pub window: TimeWindow,
    /// Only posts of this platform (and the account is looked up there).
    pub platform: Option<String>,
    /// Only posts by this account: `@handle`, handle or the platform's id.
    pub account: Option<String>,
    /// Only posts flagged for this reason (a flag name: `copies_thread_post`, …).
    pub reason: Option<String>,
    /// At most this many posts, after skipping `offset`; 0 lists them all.
    pub limit: usize,
    pub offset: usize,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

impl FlaggedPostsRequest {
    /// Every flagged post of the store.
    pub fn all() -> Self {
        FlaggedPostsRequest {
            window: TimeWindow::default(),
            platform: None,
            account: None,
            reason: None,
            limit: 0,
            offset: 0,
            fields: FieldStyle::Fields,
        }
    }

    /// The reason asked for, checked before any database is opened: a [`UsageError`] naming the
    /// reasons there are when it is none of them.
    pub fn check(&self) -> Result<Option<PostFlag>> {
        let Some(name) = self.reason.as_deref() else {
            return Ok(None);
        };
        PostFlag::from_name(name).map(Some).ok_or_else(|| {
            let names: Vec<&str> = PostFlag::ALL.iter().map(|f| f.name()).collect();
            UsageError(format!(
                "{} {name:?} is not a flag: use one of {}",
                self.fields.name("reason"),
                names.join(", ")
            ))
            .into()
        })
    }
}

/// An account as a report names it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuthorRef {
    /// The platform's id for the account (`@handle` for accounts known only by handle).
    pub platform_id: String,
    /// Its handle; null when unknown.
    pub handle: Option<String>,
}

/// Another post a flag points at: the one copied, or one of a campaign's.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PostRef {
    /// The platform's id for the post.
    pub post: String,
    pub author: AuthorRef,
    pub time: String,
    pub text: Option<String>,
}

/// Commercial spam: what the post sells and the cues of the lexicon that fired.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SpamEvidence {
    /// `sells_engagement`, `sells_reviews` or `paid_promotion`.
    pub sells: String,
    /// `goods`, `sell`, `boost`, `price`, `quantity`, `quality`, `platform`, `contact`, `direct_sale`,
    /// `promotion`.
    pub cues: Vec<String>,
}

/// A copy: the post copied and how much of this one is its own.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CopyEvidence {
    pub source: PostRef,
    /// `parent` (the post it replies to), `sibling` (another answer to the same post), `thread`
    /// (another earlier post of its thread) or `own_post` (its author's earlier post elsewhere).
    pub relation: String,
    /// Content words inside runs of three words also found in the source.
    pub copied_words: u32,
    /// Content words of its own (compliments and links never count).
    pub new_words: u32,
    /// `new_words / (copied_words + new_words)`: a copy keeps less than 0.3.
    pub new_share: f64,
}

/// A copy campaign: its size and some of its other posts.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignEvidence {
    /// Distinct accounts that posted the near-identical text.
    pub authors: u32,
    /// Posts in the group.
    pub posts: u32,
    /// Up to five of the group's other posts.
    pub sample: Vec<PostRef>,
}

/// One reason a post is flagged, with what it rests on (one of `spam`, `copy`, `campaign`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FlagEvidenceReport {
    /// The flag: `commercial_spam`, `copies_parent`, `copy_campaign`, `copies_thread_post` or
    /// `repeats_own_post`.
    pub flag: String,
    pub meaning: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam: Option<SpamEvidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy: Option<CopyEvidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<CampaignEvidence>,
}

/// A flagged post.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FlaggedPost {
    /// The platform's id for the post.
    pub post: String,
    pub platform: String,
    /// earshot's stable id for the post, as a string (it does not fit a JavaScript number).
    pub id: String,
    pub author: AuthorRef,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub time: String,
    pub text: Option<String>,
    /// Its flags, the one scoring counts first.
    pub flags: Vec<String>,
    /// One entry per flag, in the same order.
    pub evidence: Vec<FlagEvidenceReport>,
}

/// `earshot --json trust posts`'s output and `GET /v1/posts/flagged`'s.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlaggedPostsReport {
    /// The flagged posts asked for, newest first (ties by id).
    pub posts: Vec<FlaggedPost>,
    /// Flagged posts matching the request, before `offset` and `limit`.
    pub total: usize,
    pub offset: usize,
    /// 0: no limit.
    pub limit: usize,
    /// Posts of the platform and account (whatever the reason asked) per flag.
    pub by_reason: BTreeMap<String, usize>,
    /// Posts read and judged.
    pub posts_read: usize,
}

/// Lists the flagged posts the request asks for (see the module docs). An unknown reason is a
/// [`UsageError`]; an account that is not stored is `Missing`, one named on several platforms a
/// [`UsageError`] asking for the platform.
pub fn flagged_posts(store: &Store, req: &FlaggedPostsRequest) -> Result<FlaggedPostsReport> {
    let reason = req.check()?;
    let platform = req.platform.as_deref();
    let author = match &req.account {
        Some(a) => Some(resolve(store, a, platform)?),
        None => None,
    };
    let mut posts: FxHashMap<i64, PostInfo> = FxHashMap::default();
    store.scan_posts(req.window, platform, |p| {
        posts.insert(p.id, post_info(p));
    })?;
    let flags = flag_posts(&posts);
    let mut by_reason = BTreeMap::new();
    let mut matching: Vec<(i64, i64)> = Vec::new();
    for (&id, reasons) in &flags {
        let p = &posts[&id];
        if author.is_some_and(|a| a != p.author) {
            continue;
        }
        for r in reasons {
            *by_reason.entry(r.flag.name().to_string()).or_insert(0) += 1;
        }
        if reason.is_none_or(|f| reasons.iter().any(|r| r.flag == f)) {
            matching.push((p.time, id));
        }
    }
    matching.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let take = if req.limit == 0 {
        usize::MAX
    } else {
        req.limit
    };
    let listed = matching
        .iter()
        .skip(req.offset)
        .take(take)
        .map(|&(_, id)| flagged_post(store, id, &posts, &flags[&id]))
        .collect::<Result<_>>()?;
    Ok(FlaggedPostsReport {
        posts: listed,
        total: matching.len(),
        offset: req.offset,
        limit: req.limit,
        by_reason,
        posts_read: posts.len(),
    })
}

/// One flagged post as reports show it, its evidence's posts named from `store` (`posts` holds what
/// the flags were computed from).
pub fn flagged_post(
    store: &Store,
    id: i64,
    posts: &FxHashMap<i64, PostInfo>,
    reasons: &[FlagReason],
) -> Result<FlaggedPost> {
    let name = store.post_name(id)?.unwrap_or_default();
    let info = posts.get(&id);
    Ok(FlaggedPost {
        post: name.platform_id,
        platform: name.platform,
        id: id.to_string(),
        author: author_ref(store, info.map_or(0, |p| p.author))?,
        time: earshot_model::format_utc(info.map_or(0, |p| p.time)),
        text: info.and_then(|p| p.text.clone()),
        flags: reasons.iter().map(|r| r.flag.name().to_string()).collect(),
        evidence: reasons
            .iter()
            .map(|r| evidence_report(store, posts, r))
            .collect::<Result<_>>()?,
    })
}

fn author_ref(store: &Store, account: i64) -> Result<AuthorRef> {
    let name = store.account_name(account)?.unwrap_or_default();
    Ok(AuthorRef {
        platform_id: name.platform_id,
        handle: name.handle,
    })
}

fn post_ref(store: &Store, posts: &FxHashMap<i64, PostInfo>, id: i64) -> Result<PostRef> {
    let info = posts.get(&id);
    Ok(PostRef {
        post: store.post_name(id)?.unwrap_or_default().platform_id,
        author: author_ref(store, info.map_or(0, |p| p.author))?,
        time: earshot_model::format_utc(info.map_or(0, |p| p.time)),
        text: info.and_then(|p| p.text.clone()),
    })
}

fn evidence_report(
    store: &Store,
    posts: &FxHashMap<i64, PostInfo>,
    r: &FlagReason,
) -> Result<FlagEvidenceReport> {
    let mut out = FlagEvidenceReport {
        flag: r.flag.name().to_string(),
        meaning: r.flag.meaning().to_string(),
        spam: None,
        copy: None,
        campaign: None,
    };
    match &r.evidence {
        FlagEvidence::Spam { sells, cues } => {
            out.spam = Some(SpamEvidence {
                sells: sells.to_string(),
                cues: cues.iter().map(|c| c.to_string()).collect(),
            });
        }
        FlagEvidence::Copy {
            source,
            relation,
            copied_words,
            new_words,
            new_share,
        } => {
            out.copy = Some(CopyEvidence {
                source: post_ref(store, posts, *source)?,
                relation: relation.to_string(),
                copied_words: *copied_words,
                new_words: *new_words,
                new_share: *new_share,
            });
        }
        FlagEvidence::Campaign {
            authors,
            posts: n,
            sample,
        } => {
            out.campaign = Some(CampaignEvidence {
                authors: *authors,
                posts: *n,
                sample: sample
                    .iter()
                    .map(|&s| post_ref(store, posts, s))
                    .collect::<Result<_>>()?,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Missing;
    use earshot_model::{AccountRef, Event, Post};

    const ROOT: &str = "The council approved the new cycle lane on Mill Road, work starts in March";
    const COMMENT: &str = "Finally some good news, the buses will get their own lane and the \
                           junction by the station is being redesigned too";

    fn post(id: &str, author: &str, time: i64, reply_to: Option<&str>, text: &str) -> Event {
        Event::Post(Post {
            platform: "twitter".into(),
            ext_id: id.into(),
            author: AccountRef::by_handle(author),
            time,
            text: Some(text.into()),
            reply_to: reply_to.map(Into::into),
            quote_of: None,
            reshare_of: None,
        })
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("e.db")).unwrap();
        s.write(&[
            post("p1", "@mayor", 1_000, None, ROOT),
            post("p2", "@ann", 1_100, Some("p1"), COMMENT),
            post(
                "p3",
                "@copier",
                1_200,
                Some("p1"),
                &format!("Nice post, {COMMENT}"),
            ),
            post(
                "p4",
                "@seller",
                1_300,
                Some("p1"),
                "Buy 1000 real followers cheap! DM now",
            ),
            post(
                "p5",
                "@copier",
                1_400,
                None,
                &format!("{COMMENT} https://t.co/x"),
            ),
        ])
        .unwrap();
        (dir, s)
    }

    #[test]
    fn flagged_posts_are_listed_newest_first_with_their_evidence() {
        let (_d, s) = store();
        let r = flagged_posts(&s, &FlaggedPostsRequest::all()).unwrap();
        let ids: Vec<&str> = r.posts.iter().map(|p| p.post.as_str()).collect();
        assert_eq!(ids, ["p5", "p4", "p3"]);
        assert_eq!((r.total, r.posts_read), (3, 5));
        let sibling = &r.posts[2];
        assert_eq!(sibling.flags, ["copies_thread_post"]);
        assert_eq!(sibling.author.handle.as_deref(), Some("copier"));
        let copy = sibling.evidence[0].copy.as_ref().unwrap();
        assert_eq!(
            (copy.source.post.as_str(), copy.relation.as_str()),
            ("p2", "sibling")
        );
        assert_eq!(copy.source.author.platform_id, "@ann");
        assert_eq!(copy.new_words, 0);
        // p5 repeats its author's own reply, outside the thread.
        let own = r.posts[0].evidence[0].copy.as_ref().unwrap();
        assert_eq!(
            (own.source.post.as_str(), own.relation.as_str()),
            ("p3", "own_post")
        );
        let spam = r.posts[1].evidence[0].spam.as_ref().unwrap();
        assert!(spam.cues.contains(&"sell".to_string()), "{spam:?}");
        assert_eq!(r.by_reason["copies_thread_post"], 1);
    }

    #[test]
    fn account_reason_and_page_narrow_the_list() {
        let (_d, s) = store();
        let mut req = FlaggedPostsRequest {
            account: Some("@copier".into()),
            ..FlaggedPostsRequest::all()
        };
        let r = flagged_posts(&s, &req).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(r.by_reason.get("commercial_spam"), None);
        req.reason = Some("repeats_own_post".into());
        let r = flagged_posts(&s, &req).unwrap();
        assert_eq!(r.posts.len(), 1);
        assert_eq!(r.posts[0].post, "p5");
        let r = flagged_posts(
            &s,
            &FlaggedPostsRequest {
                limit: 1,
                offset: 1,
                ..FlaggedPostsRequest::all()
            },
        )
        .unwrap();
        assert_eq!(
            (r.total, r.posts.len(), r.posts[0].post.as_str()),
            (3, 1, "p4")
        );

        req.reason = Some("spam".into());
        let e = flagged_posts(&s, &req).unwrap_err();
        let usage = e.downcast_ref::<UsageError>().expect("a usage error");
        assert!(usage.0.contains("copies_thread_post"), "{}", usage.0);
        req.reason = None;
        req.account = Some("@nobody".into());
        let e = flagged_posts(&s, &req).unwrap_err();
        assert!(e.downcast_ref::<Missing>().is_some(), "{e}");
    }
}
