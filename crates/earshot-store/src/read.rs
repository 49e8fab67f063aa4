//! Reading accounts and posts, and the value types of interaction reads (`interactions.rs` reads them).

use crate::{Result, Store};
use earshot_model::{Account, AccountId, InteractionKind, Profile};
use rusqlite::params;

/// A stored post as people name it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostName {
    pub platform: String,
    /// The platform's id for the post (`ext_id` in earshot's import format).
    pub platform_id: String,
}

/// A time window `[from, to)` in UTC seconds; `None` leaves that side open.
///
/// Undated interactions (edge lists without times) belong to a window only when both sides are open:
/// they cannot be placed in time, so a bounded window never claims them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl TimeWindow {
    pub fn all() -> Self {
        TimeWindow::default()
    }

    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// One stored post, as plain values (what scoring needs of it).
#[derive(Debug, Clone, PartialEq)]
pub struct PostRow {
    pub id: i64,
    pub author: i64,
    pub time: i64,
    pub text: Option<String>,
    pub reply_to: Option<i64>,
    pub quote_of: Option<i64>,
}

/// One stored interaction, as plain values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InteractionRow {
    pub actor: i64,
    pub target: i64,
    pub kind: InteractionKind,
    pub time: Option<i64>,
    pub weight: f64,
    pub post: Option<i64>,
}

impl Store {
    /// Call `f` for every post in `window` (optionally of one platform).
    pub fn scan_posts(
        &self,
        window: TimeWindow,
        platform: Option<&str>,
        mut f: impl FnMut(PostRow),
    ) -> Result<u64> {
        if self.has_post_segments()? {
            return self.scan_logged_posts(window, platform, f);
        }
        let e = |e| self.err(e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, author, time, text, reply_to, quote_of FROM posts
                 WHERE time >= ?1 AND time < ?2 AND (?3 IS NULL OR platform = ?3)",
            )
            .map_err(e)?;
        let mut rows = stmt
            .query(params![
                window.from.unwrap_or(i64::MIN),
                window.to.unwrap_or(i64::MAX),
                platform
            ])
            .map_err(e)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(e)? {
            f(PostRow {
                id: r.get(0).map_err(e)?,
                author: r.get(1).map_err(e)?,
                time: r.get(2).map_err(e)?,
                text: r.get(3).map_err(e)?,
                reply_to: r.get(4).map_err(e)?,
                quote_of: r.get(5).map_err(e)?,
            });
            n += 1;
        }
        Ok(n)
    }

    /// `(account id, followers)` for every account whose profile has a follower count.
    pub fn follower_counts(&self, platform: Option<&str>) -> Result<Vec<(i64, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, followers FROM accounts WHERE followers IS NOT NULL AND (?1 IS NULL OR platform = ?1)")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![platform], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every stored account with its profile, in id order (optionally of one platform). Accounts known
    /// only from interactions come with an empty profile.
    pub fn scan_accounts(
        &self,
        platform: Option<&str>,
        f: impl FnMut(i64, Account),
    ) -> Result<u64> {
        self.scan_accounts_where(platform, "1", f)
    }

    /// Like [`Store::scan_accounts`], but only accounts with at least one profile field besides a
    /// label: what authenticity weights are computed for. Filtering in SQL keeps this cheap where
    /// most accounts are known only from interactions (Higgs: none of 304,691 has a profile).
    pub fn scan_profiled_accounts(
        &self,
        platform: Option<&str>,
        f: impl FnMut(i64, Account),
    ) -> Result<u64> {
        self.scan_accounts_where(
            platform,
            "followers IS NOT NULL OR following IS NOT NULL OR post_count IS NOT NULL
             OR created_at IS NOT NULL OR bio IS NOT NULL OR url IS NOT NULL
             OR verified IS NOT NULL OR default_avatar IS NOT NULL OR private IS NOT NULL
             OR likes_given IS NOT NULL OR listed IS NOT NULL OR bio_length IS NOT NULL
             OR username_length IS NOT NULL OR username_digits IS NOT NULL
             OR default_profile IS NOT NULL",
            f,
        )
    }

    fn scan_accounts_where(
        &self,
        platform: Option<&str>,
        condition: &str,
        mut f: impl FnMut(i64, Account),
    ) -> Result<u64> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts
                 WHERE (?1 IS NULL OR platform = ?1) AND ({condition}) ORDER BY id"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![platform]).map_err(|e| self.err(e))?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let (id, account) = account_row(r).map_err(|e| self.err(e))?;
            f(id, account);
            n += 1;
        }
        Ok(n)
    }

    /// One account with its profile, by stable id.
    pub fn account(&self, id: i64) -> Result<Option<Account>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![id]).map_err(|e| self.err(e))?;
        match rows.next().map_err(|e| self.err(e))? {
            Some(r) => Ok(Some(account_row(r).map_err(|e| self.err(e))?.1)),
            None => Ok(None),
        }
    }

    /// The distinct platforms of stored accounts, sorted. One scan of `accounts` (no index covers
    /// every row), so callers resolving many ids ask once and use [`Store::account_id`] per id.
    pub fn platforms(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT platform FROM accounts ORDER BY platform")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The stable id of the stored account `(platform, ext_id)`, if there is one. Exact: no handle
    /// matching and no case folding (that is [`Store::find_accounts`]). `ext_id` has no index of its
    /// own, so this looks the stable id up by primary key and confirms the ext_id it stores.
    pub fn account_id(&self, platform: &str, ext_id: &str) -> Result<Option<i64>> {
        let id = AccountId::of(platform, ext_id).0;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM accounts WHERE id = ?1 AND platform = ?2 AND ext_id = ?3",
            )
            .map_err(|e| self.err(e))?;
        let found = stmt
            .exists(params![id, platform, ext_id])
            .map_err(|e| self.err(e))?;
        Ok(found.then_some(id))
    }

    /// A post's platform and the platform's id for it, by stable id: how a person finds the post.
    pub fn post_name(&self, id: i64) -> Result<Option<PostName>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT platform, ext_id FROM posts WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![id]).map_err(|e| self.err(e))?;
        match rows.next().map_err(|e| self.err(e))? {
            Some(r) => Ok(Some(PostName {
                platform: r.get(0).map_err(|e| self.err(e))?,
                platform_id: r.get(1).map_err(|e| self.err(e))?,
            })),
            None if self.has_post_segments()? => {
                Ok(self
                    .logged_post_name(id)?
                    .map(|(platform, platform_id)| PostName {
                        platform,
                        platform_id,
                    }))
            }
            None => Ok(None),
        }
    }

    /// `(ext_id, handle)` of an account by stable id.
    pub fn account_names(&self, id: i64) -> Result<Option<(String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ext_id, handle FROM accounts WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![id]).map_err(|e| self.err(e))?;
        match rows.next().map_err(|e| self.err(e))? {
            Some(r) => Ok(Some((
                r.get(0).map_err(|e| self.err(e))?,
                r.get(1).map_err(|e| self.err(e))?,
            ))),
            None => Ok(None),
        }
    }
}

/// The `WHERE` clause (empty when nothing is filtered) and its values selecting the interactions `i`
/// of `window`, optionally of one platform (by target).
pub(crate) fn interaction_filter(
    window: TimeWindow,
    platform: Option<&str>,
) -> (String, Vec<rusqlite::types::Value>) {
    let mut clauses = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if !window.is_unbounded() {
        values.push(window.from.unwrap_or(i64::MIN).into());
        values.push(window.to.unwrap_or(i64::MAX).into());
        clauses.push("i.time >= ?1 AND i.time < ?2".to_string());
    }
    if let Some(p) = platform {
        values.push(p.to_string().into());
        clauses.push(format!(
            "i.target IN (SELECT id FROM accounts WHERE platform = ?{})",
            values.len()
        ));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (filter, values)
}

const ACCOUNT_COLUMNS: &str =
    "id, platform, ext_id, handle, display_name, followers, following, post_count,
    created_at, bio, url, verified, default_avatar, private, likes_given, listed, bio_length,
    username_length, username_digits, label, default_profile, links";

/// An `accounts` row selected as [`ACCOUNT_COLUMNS`].
fn account_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, Account)> {
    let count = |i: usize| -> rusqlite::Result<Option<u64>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(|x| x.max(0) as u64))
    };
    Ok((
        r.get(0)?,
        Account {
            platform: r.get(1)?,
            ext_id: r.get(2)?,
            handle: r.get(3)?,
            display_name: r.get(4)?,
            profile: Profile {
                followers: count(5)?,
                following: count(6)?,
                post_count: count(7)?,
                created_at: r.get(8)?,
                bio: r.get(9)?,
                url: r.get(10)?,
                verified: r.get(11)?,
                default_avatar: r.get(12)?,
                private: r.get(13)?,
                likes_given: count(14)?,
                listed: count(15)?,
                bio_length: count(16)?,
                username_length: count(17)?,
                username_digits: count(18)?,
                label: r.get(19)?,
                default_profile: r.get(20)?,
                links: r
                    .get::<_, Option<String>>(21)?
                    .and_then(|j| serde_json::from_str(&j).ok()),
            },
        },
    ))
}
