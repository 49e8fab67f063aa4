//! The batched, idempotent write path.
//!
//! Callers group events into batches; each [`Store::write`] inside [`Store::begin`]/[`Store::commit`] runs
//! prepared statements in one transaction. Rows are keyed by stable ids, so `INSERT OR IGNORE` makes a
//! repeated event a no-op, and the per-batch counts say how much was new. A new post's `reply_to`,
//! `quote_of` and `reshare_of` imply interactions ([`crate::implied`]).

use crate::implied::{Implied, Referrer};
use crate::known_ids::KnownIds;
use crate::segments::post_file::PostLogRow;
use crate::segments::{LogRow, SegmentSink};
use crate::{Result, Store};
use earshot_model::{Account, AccountRef, Event, Interaction, Post, PostId};
use rusqlite::{params, Connection, Statement};

/// Past this many cached account ids the cache is cleared, bounding memory on any input (~64 MiB).
pub(crate) const ACCOUNT_CACHE_LIMIT: usize = 4_000_000;

/// How many rows a write added or changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WriteCounts {
    pub accounts_new: u64,
    /// Accounts that existed and received profile fields or a handle.
    pub accounts_updated: u64,
    pub posts_new: u64,
    /// Interactions stored, the input's and those its posts' references imply.
    pub interactions_new: u64,
    /// Posts and interactions already present (re-imports, duplicate lines).
    pub already_present: u64,
    /// Of `interactions_new`, those a post's `reply_to`, `quote_of` or `reshare_of` implied (the input
    /// stated no such reaction).
    pub interactions_implied: u64,
    /// Implied interactions removed because the input then stated the same reaction (kind, actor and
    /// post), so that it counts once. Rows added overall: `interactions_new − implied_replaced`.
    pub implied_replaced: u64,
    /// References to posts not stored by the end of this write: each waits, and becomes an interaction
    /// when its post is stored. (References to a post later in the same write never wait.)
    pub references_queued: u64,
    /// Waiting references (of this write or earlier ones) whose post this write stored.
    pub references_resolved: u64,
    /// Events left out because they involve an account that was forgotten (`earshot forget`).
    pub forgotten_skipped: u64,
}

impl WriteCounts {
    pub fn add(&mut self, o: &WriteCounts) {
        self.accounts_new += o.accounts_new;
        self.accounts_updated += o.accounts_updated;
        self.posts_new += o.posts_new;
        self.interactions_new += o.interactions_new;
        self.already_present += o.already_present;
        self.interactions_implied += o.interactions_implied;
        self.implied_replaced += o.implied_replaced;
        self.references_queued += o.references_queued;
        self.references_resolved += o.references_resolved;
        self.forgotten_skipped += o.forgotten_skipped;
    }
}

/// Insert an account or merge a profile into it: fields the new row has replace stored ones, fields it
/// lacks keep their stored values. The `WHERE` makes an update that would change nothing a no-op, so
/// `changes()` tells a real profile update from a repeat (an excluded NULL never counts as a change
/// because `COALESCE` would keep the stored value). Labels are the exception: a label that contradicts
/// the stored one (two files call one account both `bot` and `human`) is kept as `conflict:old/new`, a
/// value of neither class, so that training and evaluation leave the account out and say so.
const UPSERT_PROFILE: &str = "INSERT INTO accounts (id, platform, ext_id, handle, display_name, followers, following, post_count, created_at, bio, url, verified, default_avatar, private, likes_given, listed, bio_length, username_length, username_digits, label, default_profile, links)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
    ON CONFLICT(id) DO UPDATE SET
        handle = COALESCE(excluded.handle, handle),
        display_name = COALESCE(excluded.display_name, display_name),
        followers = COALESCE(excluded.followers, followers),
        following = COALESCE(excluded.following, following),
        post_count = COALESCE(excluded.post_count, post_count),
        created_at = COALESCE(excluded.created_at, created_at),
        bio = COALESCE(excluded.bio, bio),
        url = COALESCE(excluded.url, url),
        verified = COALESCE(excluded.verified, verified),
        default_avatar = COALESCE(excluded.default_avatar, default_avatar),
        private = COALESCE(excluded.private, private),
        likes_given = COALESCE(excluded.likes_given, likes_given),
        listed = COALESCE(excluded.listed, listed),
        bio_length = COALESCE(excluded.bio_length, bio_length),
        username_length = COALESCE(excluded.username_length, username_length),
        username_digits = COALESCE(excluded.username_digits, username_digits),
        default_profile = COALESCE(excluded.default_profile, default_profile),
        links = COALESCE(excluded.links, links),
        label = CASE
            WHEN excluded.label IS NULL OR label IS NULL OR label = excluded.label THEN COALESCE(excluded.label, label)
            WHEN label LIKE 'conflict:%' THEN label
            ELSE 'conflict:' || label || '/' || excluded.label END
    WHERE (excluded.handle IS NOT NULL AND excluded.handle IS NOT handle) OR (excluded.display_name IS NOT NULL AND excluded.display_name IS NOT display_name) OR (excluded.followers IS NOT NULL AND excluded.followers IS NOT followers) OR (excluded.following IS NOT NULL AND excluded.following IS NOT following) OR (excluded.post_count IS NOT NULL AND excluded.post_count IS NOT post_count) OR (excluded.created_at IS NOT NULL AND excluded.created_at IS NOT created_at) OR (excluded.bio IS NOT NULL AND excluded.bio IS NOT bio) OR (excluded.url IS NOT NULL AND excluded.url IS NOT url) OR (excluded.verified IS NOT NULL AND excluded.verified IS NOT verified) OR (excluded.default_avatar IS NOT NULL AND excluded.default_avatar IS NOT default_avatar) OR (excluded.private IS NOT NULL AND excluded.private IS NOT private) OR (excluded.likes_given IS NOT NULL AND excluded.likes_given IS NOT likes_given) OR (excluded.listed IS NOT NULL AND excluded.listed IS NOT listed) OR (excluded.bio_length IS NOT NULL AND excluded.bio_length IS NOT bio_length) OR (excluded.username_length IS NOT NULL AND excluded.username_length IS NOT username_length) OR (excluded.username_digits IS NOT NULL AND excluded.username_digits IS NOT username_digits) OR (excluded.label IS NOT NULL AND excluded.label IS NOT label) OR (excluded.default_profile IS NOT NULL AND excluded.default_profile IS NOT default_profile) OR (excluded.links IS NOT NULL AND excluded.links IS NOT links)";

/// Profile links as stored: a JSON array, `None` when the input gave none (an empty list is kept: the
/// profile says it has none).
fn links_json(links: Option<&[String]>) -> Option<String> {
    links.map(|l| serde_json::to_string(l).unwrap_or_else(|_| "[]".into()))
}

/// The prepared statements of one batch, prepared on a connection whose transaction is already open.
struct Batch<'c> {
    account_exists: Statement<'c>,
    upsert_profile: Statement<'c>,
    insert_ref: Statement<'c>,
    fill_handle: Statement<'c>,
    insert_post: Statement<'c>,
    insert_interaction: Statement<'c>,
    implied: Implied<'c>,
}

impl<'c> Batch<'c> {
    fn prepare(tx: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Batch {
            account_exists: tx.prepare("SELECT 1 FROM accounts WHERE id = ?1")?,
            upsert_profile: tx.prepare(UPSERT_PROFILE)?,
            insert_ref: tx
                .prepare("INSERT OR IGNORE INTO accounts (id, platform, ext_id, handle) VALUES (?1, ?2, ?3, ?4)")?,
            fill_handle: tx.prepare("UPDATE accounts SET handle = ?2 WHERE id = ?1 AND handle IS NULL")?,
            insert_post: tx.prepare(
                "INSERT OR IGNORE INTO posts (id, platform, ext_id, author, time, text, reply_to, quote_of, reshare_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
            insert_interaction: tx.prepare(
                "INSERT OR IGNORE INTO interactions (id, kind, actor, target, post, time, weight)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            implied: Implied::prepare(tx, true)?,
        })
    }
}

impl Store {
    /// Start a transaction that the following [`write`](Store::write)s join. Nothing is visible to other
    /// connections, nor survives a crash, until [`commit`](Store::commit).
    pub fn begin(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        self.in_transaction = true;
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
        self.in_transaction = false;
        self.uncommitted_segments.clear();
        for path in std::mem::take(&mut self.retired_segments) {
            // A file no committed row names; a failure leaves an orphan the next bulk writer sweeps.
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }

    /// Undo everything since [`begin`](Store::begin).
    pub fn rollback(&mut self) -> Result<()> {
        self.known_accounts.clear();
        // Rows derived inside the transaction (none are today) must not outlive it.
        *self.derived.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.retired_segments.clear();
        for path in std::mem::take(&mut self.uncommitted_segments) {
            let _ = std::fs::remove_file(path);
        }
        self.conn
            .execute_batch("ROLLBACK")
            .map_err(|e| self.err(e))?;
        self.in_transaction = false;
        Ok(())
    }

    /// Write `events`. Inside `begin`/`commit` they join that transaction; otherwise they are written
    /// atomically in a transaction of their own.
    pub fn write(&mut self, events: &[Event]) -> Result<WriteCounts> {
        let own = !self.in_transaction;
        if own {
            self.begin()?;
        }
        let result = self.write_in_transaction(events, None);
        match (&result, own) {
            (Ok(_), true) => self.commit()?,
            (Err(_), true) => {
                let _ = self.rollback();
            }
            _ => {}
        }
        result
    }

    /// Write `events` inside the open transaction (from [`begin`](Store::begin)) as a bulk import does:
    /// the interactions that no post's reference can imply go to `sink`, for a segment
    /// ([`Store::flush_segment`]), and everything else to SQLite as [`write`](Store::write) stores it.
    /// `interactions_new` counts the interactions the sink took; `already_present` those it skipped as
    /// stored by an earlier import of the same source.
    pub fn write_to_log(
        &mut self,
        events: &[Event],
        sink: &mut SegmentSink,
    ) -> Result<WriteCounts> {
        if !self.in_transaction {
            return Err(crate::StoreError::Invalid {
                path: self.path.clone(),
                what: "bulk write",
                why: "write_to_log runs inside a transaction (Store::begin)".into(),
            });
        }
        self.write_in_transaction(events, Some(sink))
    }

    fn write_in_transaction(
        &mut self,
        events: &[Event],
        mut sink: Option<&mut SegmentSink>,
    ) -> Result<WriteCounts> {
        if self.known_accounts.len() > ACCOUNT_CACHE_LIMIT {
            self.known_accounts.clear();
        }
        // The transaction is already open (BEGIN in `begin`), so statements are prepared on the connection.
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        self.tombstones()?;
        // A post the log holds is stored already: SQLite's copy would take its place for readers.
        let logged_posts = match sink.as_deref() {
            Some(s) if s.logs_posts() => None,
            _ if events.iter().any(|e| matches!(e, Event::Post(_))) => self.logged_post_ids()?,
            _ => None,
        };
        let tombstones = self.tombstones.as_ref().filter(|t| !t.is_empty());
        let conn = &self.conn;
        let known = &mut self.known_accounts;
        let mut counts = WriteCounts::default();
        let mut st = Batch::prepare(conn).map_err(err)?;
        // New posts with references, with their ids and their author's id.
        let mut referring: Vec<(&Post, i64, i64)> = Vec::new();
        // Posts are stored after the rest, in id order: their ids are hashes, so in input order every
        // insert lands on a random page of the posts table, while in id order consecutive inserts share
        // pages still in the CPU's cache. The rows stored are those of input order (the reference rule
        // answers a write's own posts at its end and holds whatever order events arrive in; a repeated
        // post keeps its first copy), with one exception: an account named with two different handles
        // in one write keeps the first handle met, now an interaction's or profile's before a post's.
        // Some counts can differ (a stated reply met before its waiting parent counts as skipped, not
        // as implied and then replaced).
        // (id, index in `events`: the first copy of a repeated post wins, post).
        let mut posts: Vec<(i64, usize, &Post)> = Vec::new();
        // Each interaction's actor and target ids, computed once. The writer's set of known accounts
        // is asked for all of them before any answer is needed, so their cache misses overlap.
        let party_ids: Vec<[i64; 2]> = events
            .iter()
            .map(|e| match e {
                Event::Interaction(i) => [i.actor.id(&i.platform).0, i.target.id(&i.platform).0],
                _ => [0, 0],
            })
            .collect();
        known.warm(events.iter().zip(&party_ids).flat_map(|(e, ids)| match e {
            Event::Interaction(i) => [cache_key(&i.actor, ids[0]), cache_key(&i.target, ids[1])],
            _ => [0, 0],
        }));
        for (n, event) in events.iter().enumerate() {
            if tombstones.is_some_and(|t| involves_forgotten(event, t)) {
                counts.forgotten_skipped += 1;
                continue;
            }
            match event {
                Event::Account(a) => st.account(a, known, &mut counts),
                Event::Post(p) => {
                    posts.push((p.id().0, n, p));
                    Ok(())
                }
                Event::Interaction(i) => {
                    st.interaction(i, party_ids[n], known, &mut counts, sink.as_deref_mut())
                }
            }
            .map_err(err)?;
        }
        if let Some(sink) = sink.filter(|s| s.logs_posts()) {
            // Posts for the log go in input order: their ordinals must not depend on a batch's ids.
            for (id, _, post) in posts {
                st.log_post(post, id, tombstones, known, &mut counts, sink)
                    .map_err(err)?;
            }
            return Ok(counts);
        }
        posts.sort_unstable_by_key(|&(id, n, _)| (id, n));
        for (id, _, post) in posts {
            if logged_posts
                .as_ref()
                .is_some_and(|l| l.binary_search(&id).is_ok())
            {
                // As `INSERT OR IGNORE` of a stored post: its author is still made known.
                st.ensure_account(&post.platform, &post.author, known, &mut counts)
                    .map_err(err)?;
                counts.already_present += 1;
                continue;
            }
            let redacted = redacted_text(post, tombstones).map(|text| Post {
                text: Some(text),
                ..post.clone()
            });
            let stored = redacted.as_ref().unwrap_or(post);
            let new_author = st.post(stored, id, known, &mut counts).map_err(err)?;
            if let Some(author) = new_author.filter(|_| post.references().next().is_some()) {
                referring.push((post, id, author));
            }
        }
        // References are answered once the whole write is stored: a referenced post or a stated
        // interaction later in it is then there, so none waits or is implied only to be replaced (a
        // generated stream writes each reply post just before its reply interaction).
        for (post, id, author) in referring {
            st.answer_references(post, id, author).map_err(err)?;
        }
        let implied = st.implied.counts;
        counts.interactions_new += implied.implied;
        counts.interactions_implied += implied.implied;
        counts.implied_replaced += implied.replaced;
        counts.references_queued += implied.queued;
        counts.references_resolved += implied.resolved;
        Ok(counts)
    }
}

impl Batch<'_> {
    fn ensure_account(
        &mut self,
        platform: &str,
        r: &AccountRef,
        known: &mut KnownIds,
        counts: &mut WriteCounts,
    ) -> rusqlite::Result<i64> {
        self.ensure_account_id(platform, r, r.id(platform).0, known, counts)
    }

    /// [`Batch::ensure_account`] for an account whose id is already computed.
    fn ensure_account_id(
        &mut self,
        platform: &str,
        r: &AccountRef,
        id: i64,
        known: &mut KnownIds,
        counts: &mut WriteCounts,
    ) -> rusqlite::Result<i64> {
        let cache_key = cache_key(r, id);
        if known.contains(cache_key) {
            return Ok(id);
        }
        let inserted = self
            .insert_ref
            .execute(params![id, platform, r.ext_id, r.handle])?;
        if inserted > 0 {
            counts.accounts_new += 1;
        } else if let Some(h) = &r.handle {
            counts.accounts_updated += self.fill_handle.execute(params![id, h])? as u64;
        }
        known.insert(cache_key);
        Ok(id)
    }

    fn account(
        &mut self,
        a: &Account,
        known: &mut KnownIds,
        counts: &mut WriteCounts,
    ) -> rusqlite::Result<()> {
        let id = AccountRef::by_id(a.ext_id.clone()).id(&a.platform).0;
        let existed = self.account_exists.exists(params![id])?;
        let p = &a.profile;
        let changed = self.upsert_profile.execute(params![
            id,
            a.platform,
            a.ext_id,
            a.handle,
            a.display_name,
            p.followers.map(clamp_u64),
            p.following.map(clamp_u64),
            p.post_count.map(clamp_u64),
            p.created_at,
            p.bio,
            p.url,
            p.verified,
            p.default_avatar,
            p.private,
            p.likes_given.map(clamp_u64),
            p.listed.map(clamp_u64),
            p.bio_length.map(clamp_u64),
            p.username_length.map(clamp_u64),
            p.username_digits.map(clamp_u64),
            p.label,
            p.default_profile,
            links_json(p.links.as_deref()),
        ])?;
        if !existed {
            counts.accounts_new += 1;
        } else if changed > 0 {
            counts.accounts_updated += 1;
        }
        known.insert(id);
        if a.handle.is_some() {
            known.insert(id ^ 0x5a5a_5a5a_5a5a_5a5a);
        }
        Ok(())
    }

    /// Store post `p`, whose [`Post::id`] the caller has computed as `id`; `Some(author id)` when it is
    /// new. References that were waiting for it are answered now; its own references are the caller's
    /// to answer ([`Batch::answer_references`]).
    fn post(
        &mut self,
        p: &Post,
        id: i64,
        known: &mut KnownIds,
        counts: &mut WriteCounts,
    ) -> rusqlite::Result<Option<i64>> {
        let author = self.ensure_account(&p.platform, &p.author, known, counts)?;
        let link = |ext: &Option<String>| ext.as_ref().map(|e| PostId::of(&p.platform, e).0);
        let n = self.insert_post.execute(params![
            id,
            p.platform,
            p.ext_id,
            author,
            p.time,
            p.text,
            link(&p.reply_to),
            link(&p.quote_of),
            link(&p.reshare_of),
        ])?;
        if n == 0 {
            counts.already_present += 1;
            return Ok(None);
        }
        counts.posts_new += 1;
        self.implied.resolve_waiting_for(id, author)?;
        Ok(Some(author))
    }

    /// Offer post `p` (of id `id`) to the log: its reactions are derived when read, so none is implied
    /// here.
    fn log_post(
        &mut self,
        p: &Post,
        id: i64,
        tombstones: Option<&crate::forget::Tombstones>,
        known: &mut KnownIds,
        counts: &mut WriteCounts,
        sink: &mut SegmentSink,
    ) -> rusqlite::Result<()> {
        let author = self.ensure_account(&p.platform, &p.author, known, counts)?;
        let link = |ext: &Option<String>| ext.as_ref().map(|e| PostId::of(&p.platform, e).0);
        let row = PostLogRow {
            id,
            author,
            time: p.time,
            reply_to: link(&p.reply_to),
            quote_of: link(&p.quote_of),
            reshare_of: link(&p.reshare_of),
            ..PostLogRow::default()
        };
        let redacted = redacted_text(p, tombstones);
        let text = redacted.as_deref().or(p.text.as_deref());
        if sink.offer_post(row, &p.platform, &p.ext_id, text) {
            counts.posts_new += 1;
        } else {
            counts.already_present += 1;
        }
        Ok(())
    }

    /// Imply the interactions of new post `p`'s references (or leave them waiting).
    fn answer_references(&mut self, p: &Post, id: i64, author: i64) -> rusqlite::Result<()> {
        let post = Referrer {
            id,
            platform: &p.platform,
            ext_id: &p.ext_id,
            author,
            time: p.time,
        };
        for (kind, ext) in p.references() {
            self.implied
                .answer(&post, kind, PostId::of(&p.platform, ext).0)?;
        }
        Ok(())
    }

    /// Store an interaction: in `sink` when there is one and no post's reference could imply it,
    /// else in SQLite.
    fn interaction(
        &mut self,
        i: &Interaction,
        [actor, target]: [i64; 2],
        known: &mut KnownIds,
        counts: &mut WriteCounts,
        sink: Option<&mut SegmentSink>,
    ) -> rusqlite::Result<()> {
        let actor = self.ensure_account_id(&i.platform, &i.actor, actor, known, counts)?;
        let target = self.ensure_account_id(&i.platform, &i.target, target, known, counts)?;
        let post = i.post.as_ref().map(|e| PostId::of(&i.platform, e).0);
        let to_log = |s: &&mut SegmentSink| {
            s.logs_posts() || post.is_none() || !crate::implied::implies(i.kind)
        };
        if let Some(sink) = sink.filter(to_log) {
            let row = LogRow {
                kind: i.kind.code(),
                platform: 0,
                target,
                time: i.time,
                id: i.id().0,
                actor,
                post,
                weight: i.weight,
            };
            if sink.offer(row, &i.platform) {
                counts.interactions_new += 1;
            } else {
                counts.already_present += 1;
            }
            return Ok(());
        }
        let n = self.insert_interaction.execute(params![
            i.id().0,
            i.kind.code(),
            actor,
            target,
            post,
            i.time,
            i.weight
        ])?;
        if n == 0 {
            counts.already_present += 1;
            return Ok(());
        }
        counts.interactions_new += 1;
        if let Some(post) = post {
            self.implied.stated(i.kind, actor, post)?;
        }
        Ok(())
    }
}

/// A new post's text with the `@handle`s of forgotten accounts redacted, when it has any: a new post
/// must not bring a forgotten handle back.
fn redacted_text(post: &Post, tombstones: Option<&crate::forget::Tombstones>) -> Option<String> {
    crate::forget::redact_forgotten_mentions(post.text.as_deref()?, &post.platform, tombstones?)
}

/// The key of an account in the writer's set of known accounts: its id, or with a handle its id
/// changed, so that a later reference that brings a handle still reaches the database once.
fn cache_key(r: &AccountRef, id: i64) -> i64 {
    if r.handle.is_some() {
        id ^ 0x5a5a_5a5a_5a5a_5a5a
    } else {
        id
    }
}

/// Whether `event` involves a forgotten account: as the account itself, a post's author, or an
/// interaction's actor or target.
fn involves_forgotten(event: &Event, t: &crate::forget::Tombstones) -> bool {
    match event {
        Event::Account(a) => t.contains(AccountRef::by_id(a.ext_id.clone()).id(&a.platform).0),
        Event::Post(p) => t.contains(p.author.id(&p.platform).0),
        Event::Interaction(i) => {
            t.contains(i.actor.id(&i.platform).0) || t.contains(i.target.id(&i.platform).0)
        }
    }
}

/// SQLite integers are signed 64-bit; a count beyond that is stored as the maximum, not wrapped.
fn clamp_u64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
