//! Link spam: one domain pushed by many accounts that post little else.
//!
//! Why: a spam campaign rents or creates many accounts and has each post the same link (a shop, a
//! scam, a follower seller), usually with the same or nearly the same text. Many accounts linking to
//! a domain is not suspicious by itself (news sites, airlines' own pages); many accounts for which
//! that domain is most of what they post, or that all post near-copies of one text with it, is.
//!
//! **The rule** ([`LinkSpam::flag`]), over a batch of posts given as [`LinkPost`]s (author, the
//! domain the post links to if any, and whether the post is a near-duplicate of another, e.g. from
//! [`crate::NearDupIndex`]):
//!
//! * an author *pushes* a domain when at least `share` of all the author's posts link to it;
//! * a domain is flagged when at least `min_authors` distinct authors link to it, and either at
//!   least `share` of those authors push it, or at least `share` of its posts are near-duplicates.
//!
//! Defaults ([`LinkSpam::default`]): `min_authors` 5, `share` 0.5. Five accounts is the smallest
//! group worth calling a campaign (two or three friends sharing a link is normal); one half says
//! "mostly": the link is most of what these accounts post, or most of the posts are one text.
//! Posts without a link still count towards their author's total, which is what makes an account
//! that also talks about other things not a pusher, so pass all of an author's posts in the batch.
//!
//! Link shorteners ([`is_shortener`]: `t.co`, `bit.ly` …) are ignored: every tweet's link is a
//! `t.co` link, so counting them would flag Twitter itself. Expand links before calling when the
//! source offers expanded URLs.

use std::hash::Hash;

use rustc_hash::FxHashMap;

/// Errors of [`LinkSpam::new`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkSpamError {
    /// `min_authors` must be at least 1.
    #[error("min_authors must be at least 1")]
    MinAuthors,
    /// `share` must be within `(0, 1]`.
    #[error("share must be within (0, 1], got {0}")]
    Share(f32),
}

/// One post, as the link-spam rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkPost<'a, A> {
    /// Who posted it (any id type).
    pub author: A,
    /// The URL or domain it links to (read through [`link_domain`]), `None` without a link.
    pub domain: Option<&'a str>,
    /// Whether the post is a near-duplicate of another post in the batch.
    pub near_duplicate: bool,
}

/// A flagged domain and the counts that flagged it.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainReport {
    /// The domain, lower-case, without `www.`.
    pub domain: String,
    /// Distinct authors linking to it.
    pub authors: usize,
    /// Of those, authors for whom it is at least `share` of their posts.
    pub pushers: usize,
    /// Posts linking to it.
    pub posts: usize,
    /// Of those, near-duplicate posts.
    pub near_duplicates: usize,
}

/// The link-spam rule and its thresholds (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkSpam {
    min_authors: usize,
    share: f32,
}

impl Default for LinkSpam {
    /// At least 5 authors, and "mostly" = half (see the module docs for why).
    fn default() -> Self {
        LinkSpam {
            min_authors: 5,
            share: 0.5,
        }
    }
}

impl LinkSpam {
    /// A rule with its own thresholds: `min_authors ≥ 1`, `share` within `(0, 1]`.
    pub fn new(min_authors: usize, share: f32) -> Result<Self, LinkSpamError> {
        if min_authors == 0 {
            return Err(LinkSpamError::MinAuthors);
        }
        if !(share > 0.0 && share <= 1.0) {
            return Err(LinkSpamError::Share(share));
        }
        Ok(LinkSpam { min_authors, share })
    }

    /// The flagged domains of a batch of posts, most authors first (ties by name).
    ///
    /// ```
    /// use earshot_text::{LinkPost, LinkSpam};
    /// let mut posts = Vec::new();
    /// for a in 0..6 {
    ///     posts.push(LinkPost { author: a, domain: Some("cheap-fans.example"), near_duplicate: true });
    /// }
    /// for a in 0..20 {
    ///     posts.push(LinkPost { author: 100 + a, domain: Some("news.example"), near_duplicate: false });
    ///     posts.push(LinkPost { author: 100 + a, domain: None, near_duplicate: false });
    ///     posts.push(LinkPost { author: 100 + a, domain: None, near_duplicate: false });
    /// }
    /// let flagged = LinkSpam::default().flag(&posts);
    /// assert_eq!(flagged.len(), 1);
    /// assert_eq!((flagged[0].domain.as_str(), flagged[0].authors), ("cheap-fans.example", 6));
    /// ```
    pub fn flag<A: Hash + Eq + Clone>(&self, posts: &[LinkPost<'_, A>]) -> Vec<DomainReport> {
        #[derive(Default)]
        struct Domain<A> {
            posts: usize,
            near_duplicates: usize,
            by_author: FxHashMap<A, usize>,
        }
        let mut per_author: FxHashMap<A, usize> = FxHashMap::default();
        let mut domains: FxHashMap<String, Domain<A>> = FxHashMap::default();
        for p in posts {
            *per_author.entry(p.author.clone()).or_default() += 1;
            let Some(d) = p.domain.and_then(link_domain) else {
                continue;
            };
            if is_shortener(&d) {
                continue;
            }
            let e = domains.entry(d).or_insert_with(|| Domain {
                posts: 0,
                near_duplicates: 0,
                by_author: FxHashMap::default(),
            });
            e.posts += 1;
            e.near_duplicates += p.near_duplicate as usize;
            *e.by_author.entry(p.author.clone()).or_default() += 1;
        }
        let mut out: Vec<DomainReport> = domains
            .into_iter()
            .filter_map(|(domain, d)| {
                let authors = d.by_author.len();
                if authors < self.min_authors {
                    return None;
                }
                let pushers = d
                    .by_author
                    .iter()
                    .filter(|(a, &n)| {
                        let total = per_author.get(*a).copied().unwrap_or(n).max(1);
                        n as f32 / total as f32 >= self.share
                    })
                    .count();
                let pushed = pushers as f32 / authors as f32 >= self.share;
                let copied = d.near_duplicates as f32 / d.posts.max(1) as f32 >= self.share;
                (pushed || copied).then_some(DomainReport {
                    domain,
                    authors,
                    pushers,
                    posts: d.posts,
                    near_duplicates: d.near_duplicates,
                })
            })
            .collect();
        out.sort_by(|a, b| b.authors.cmp(&a.authors).then(a.domain.cmp(&b.domain)));
        out
    }
}

/// The domain of a URL or bare host: lower-case, without scheme, `www.`, port, path, user info or
/// trailing dot; `None` when nothing host-like is left.
///
/// ```
/// use earshot_text::link_domain;
/// assert_eq!(link_domain("https://WWW.Example.com:8080/a?b=1").as_deref(), Some("example.com"));
/// assert_eq!(link_domain("bit.ly/xyz").as_deref(), Some("bit.ly"));
/// assert_eq!(link_domain("not a url"), None);
/// ```
pub fn link_domain(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = match rest.find("://") {
        Some(i) => &rest[i + 3..],
        None => rest,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    normal_domain(host)
}

/// Lower-cases a host and strips `www.` and a trailing dot; `None` unless it looks like a host
/// (dot-separated, non-empty labels of letters, digits and `-`).
fn normal_domain(host: &str) -> Option<String> {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let h = h.strip_prefix("www.").unwrap_or(&h);
    let ok = h.contains('.')
        && h.split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    ok.then(|| h.to_string())
}

/// Link shorteners and wrappers, which hide the real domain (see the module docs).
pub fn is_shortener(domain: &str) -> bool {
    matches!(
        domain,
        "t.co"
            | "bit.ly"
            | "tinyurl.com"
            | "goo.gl"
            | "ow.ly"
            | "buff.ly"
            | "dlvr.it"
            | "ift.tt"
            | "is.gd"
            | "lnkd.in"
            | "fb.me"
            | "tr.im"
            | "su.pr"
            | "j.mp"
            | "cutt.ly"
            | "rb.gy"
            | "shorturl.at"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(author: u32, domain: Option<&str>, dup: bool) -> LinkPost<'_, u32> {
        LinkPost {
            author,
            domain,
            near_duplicate: dup,
        }
    }

    #[test]
    fn campaign_of_single_purpose_accounts_is_flagged() {
        let mut posts: Vec<_> = (0..5)
            .map(|a| post(a, Some("https://shop.example/x"), false))
            .collect();
        // Each pusher also posted one other thing: the shop is still half of what they post.
        posts.extend((0..5).map(|a| post(a, None, false)));
        let f = LinkSpam::default().flag(&posts);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].authors, f[0].pushers, f[0].posts), (5, 5, 5));
        // Four accounts are not a campaign.
        assert!(LinkSpam::default().flag(&posts[..4]).is_empty());
    }

    #[test]
    fn popular_domain_of_busy_accounts_is_not_flagged_unless_copied() {
        let mut posts = Vec::new();
        for a in 0..30 {
            posts.push(post(a, Some("www.nytimes.com"), false));
            posts.extend((0..3).map(|_| post(a, None, false)));
        }
        assert!(LinkSpam::default().flag(&posts).is_empty());
        // The same accounts all posting one text with the link: flagged by near-duplicates.
        for p in posts.iter_mut().filter(|p| p.domain.is_some()) {
            p.near_duplicate = true;
        }
        let f = LinkSpam::default().flag(&posts);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].domain.as_str(), f[0].pushers, f[0].near_duplicates),
            ("nytimes.com", 0, 30)
        );
    }

    #[test]
    fn shorteners_and_junk_are_ignored() {
        let posts: Vec<_> = (0..10)
            .flat_map(|a| [post(a, Some("t.co"), true), post(a, Some("no host"), true)])
            .collect();
        assert!(LinkSpam::default().flag(&posts).is_empty());
        assert!(LinkSpam::default().flag::<u32>(&[]).is_empty());
    }

    #[test]
    fn parameters_and_domains() {
        assert_eq!(LinkSpam::new(0, 0.5), Err(LinkSpamError::MinAuthors));
        assert!(LinkSpam::new(3, 0.0).is_err());
        assert!(LinkSpam::new(3, f32::NAN).is_err());
        assert!(LinkSpam::new(3, 1.0).is_ok());
        assert_eq!(
            link_domain("http://user@Shop.Example./p").as_deref(),
            Some("shop.example")
        );
        assert_eq!(link_domain(""), None);
        assert_eq!(link_domain("https://"), None);
        assert_eq!(link_domain("https://localhost/x"), None);
    }
}
