//! Erasing accounts (`earshot forget`): every row that names a forgotten account goes, in one
//! transaction, and a tombstone stays so that importing the same source again leaves it out.
//!
//! What goes: the account's profile; its posts and every interaction it made or received (stated or
//! implied); its scores and topic scores in every run; the triage messages it sent and their decisions;
//! the references other posts made to its posts (the other posts stay, their `reply_to`/`quote_of`/
//! `reshare_of` cleared, and `@handle` in any stored text replaced by [`REDACTED_MENTION`]); the stored
//! results of jobs whose parameters or results name it. Deleted content is overwritten with zeros
//! (`PRAGMA secure_delete`), the file is rebuilt (`VACUUM`: earlier page splits left stale copies of
//! cells in free space, which zeroing on delete cannot reach) and the write-ahead log is checkpointed and
//! truncated, so no file of the store keeps the erased bytes (unless a reader holds the log open;
//! [`ForgetCounts::log_truncated`] says so).
//!
//! The tombstone is a keyed BLAKE3 hash of the account's stable id with a key of this database's own
//! (migration 0012): it names no one, yet [`Store::write`] recognises the account and skips every event
//! that involves it until [`Store::lift_tombstone`] is called for it.

use crate::{Result, Store};
use earshot_model::AccountRef;
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashSet;

/// What a mention of a forgotten handle in stored text becomes.
pub const REDACTED_MENTION: &str = "@[forgotten]";

/// What [`Store::forget_accounts`] erased.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ForgetCounts {
    pub accounts: u64,
    pub posts: u64,
    pub interactions: u64,
    /// Other accounts' posts whose reference to a forgotten post was cleared.
    pub references_cleared: u64,
    /// Stored texts (posts, triage messages) in which a forgotten `@handle` was redacted.
    pub mentions_redacted: u64,
    pub scores: u64,
    pub topic_scores: u64,
    /// Watches on the accounts and alerts about them (with their deliveries).
    pub watches: u64,
    pub alerts: u64,
    pub triage_messages: u64,
    pub triage_decisions: u64,
    /// Jobs whose stored parameters or result named a forgotten account (their result is erased).
    pub jobs_redacted: u64,
    /// Tombstones added (accounts already forgotten are not counted twice).
    pub tombstones: u64,
    /// The file was rebuilt afterwards (`VACUUM`): no stale copy of an erased value is left in it.
    pub file_rebuilt: bool,
    /// The write-ahead log was checkpointed and truncated: no copy of the erased rows is left in it.
    pub log_truncated: bool,
}

/// One account to forget, as stored: its stable id and the names people know it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgetTarget {
    pub id: i64,
    pub platform: String,
    pub ext_id: String,
    pub handle: Option<String>,
}

/// The tombstones as [`Store::write`] checks them: the key and the marks, loaded once per store.
#[derive(Debug, Default)]
pub(crate) struct Tombstones {
    key: [u8; 32],
    marks: FxHashSet<[u8; 32]>,
}

impl Tombstones {
    fn load(conn: &Connection) -> rusqlite::Result<Tombstones> {
        let key: Vec<u8> =
            conn.query_row("SELECT key FROM forget_key WHERE id = 1", [], |r| r.get(0))?;
        let mut out = Tombstones::default();
        let n = key.len().min(32);
        out.key[..n].copy_from_slice(&key[..n]);
        let mut stmt = conn.prepare("SELECT mark FROM forgotten")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        for mark in rows {
            let mark = mark?;
            if let Ok(m) = <[u8; 32]>::try_from(mark.as_slice()) {
                out.marks.insert(m);
            }
        }
        Ok(out)
    }

    fn mark(&self, id: i64) -> [u8; 32] {
        *blake3::keyed_hash(&self.key, &id.to_le_bytes()).as_bytes()
    }

    /// Whether the account with stable id `id` was forgotten.
    pub(crate) fn contains(&self, id: i64) -> bool {
        !self.marks.is_empty() && self.marks.contains(&self.mark(id))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}

impl Store {
    /// The tombstones, loaded on first use.
    pub(crate) fn tombstones(&mut self) -> Result<&Tombstones> {
        if self.tombstones.is_none() {
            let t = Tombstones::load(&self.conn).map_err(|e| self.err(e))?;
            self.tombstones = Some(t);
        }
        Ok(self.tombstones.get_or_insert_with(Tombstones::default))
    }

    /// How many accounts this database has forgotten.
    pub fn tombstone_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM forgotten", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Whether the account with stable id `id` has a tombstone.
    pub fn is_forgotten(&mut self, id: i64) -> Result<bool> {
        Ok(self.tombstones()?.contains(id))
    }

    /// Remove the tombstone of the account with stable id `id`, so that imports bring it back; `false`
    /// when it had none.
    pub fn lift_tombstone(&mut self, id: i64) -> Result<bool> {
        let mark = self.tombstones()?.mark(id);
        let n = self
            .conn
            .execute(
                "DELETE FROM forgotten WHERE mark = ?1",
                params![mark.as_slice()],
            )
            .map_err(|e| self.err(e))?;
        self.tombstones = None;
        Ok(n > 0)
    }

    /// Erase `targets` (see the module doc) in one transaction and tombstone them. Nothing is erased if
    /// any step fails.
    ///
    /// `rebuild`: then rebuild the file (`VACUUM`) so that no stale copy of an erased value survives in
    /// free space (see the module doc); without it the erasure is complete in every table but the file
    /// may still hold old bytes until `earshot vacuum`.
    pub fn forget_accounts(
        &mut self,
        targets: &[ForgetTarget],
        now: i64,
        rebuild: bool,
    ) -> Result<ForgetCounts> {
        // Each account is tombstoned by its id and, with a handle, by the id a handle-only reference
        // to it gets (`@handle` in a mention), so neither form comes back.
        let mark_of = {
            let t = self.tombstones()?;
            let mut marks = Vec::with_capacity(targets.len() * 2);
            for a in targets {
                marks.push(t.mark(a.id));
                if let Some(h) = a
                    .handle
                    .as_deref()
                    .filter(|h| !h.trim_start_matches('@').is_empty())
                {
                    marks.push(t.mark(AccountRef::by_handle(h).id(&a.platform).0));
                }
            }
            marks.sort();
            marks.dedup();
            marks
        };
        self.conn
            .pragma_update(None, "secure_delete", "ON")
            .map_err(|e| self.err(e))?;
        let folder = self.segment_folder();
        let mut files = crate::segments::rewrite::Rewritten::default();
        // With posts in the log, the reactions their references imply are derived, not rows: those
        // the erasure takes away are counted as the difference it makes.
        let derived = |s: &Store| -> Result<Option<u64>> {
            if s.has_post_segments()? {
                Ok(Some(s.implied_now()?.rows.len() as u64))
            } else {
                Ok(None)
            }
        };
        let implied_before = derived(self)?;
        // Posts in the log whose copy readers see is by a forgotten account (other copies of a post,
        // hidden behind an earlier one, are dropped by their author alone).
        let logged_posts = if implied_before.is_some() {
            let ids: rustc_hash::FxHashSet<i64> = targets.iter().map(|t| t.id).collect();
            self.logged_posts_by(&ids)?
        } else {
            Vec::new()
        };
        let outcome = erase(
            &mut self.conn,
            targets,
            &mark_of,
            now,
            (&folder, &logged_posts),
            &mut files,
        );
        // Replaced segment files go once the erasure is committed; new ones if it was not.
        let stale = if outcome.is_ok() {
            &files.retired
        } else {
            &files.written
        };
        for path in stale {
            let _ = std::fs::remove_file(path);
        }
        let reset = self.conn.pragma_update(None, "secure_delete", "OFF");
        self.tombstones = None;
        self.known_accounts.clear();
        let mut counts = outcome.map_err(|e| self.err(e))?;
        reset.map_err(|e| self.err(e))?;
        if let (Some(before), Some(after)) = (implied_before, derived(self)?) {
            counts.interactions += before.saturating_sub(after);
        }
        // Zeroing deleted cells is not enough: inserts that split and rebalanced pages long before left
        // stale copies of cells in pages' free space, and internal pages keep deleted keys as dividers.
        // Only rebuilding the file removes those.
        if rebuild {
            self.conn.execute_batch("VACUUM").map_err(|e| self.err(e))?;
            counts.file_rebuilt = true;
        }
        // A checkpoint that a reader blocks leaves earlier copies of the pages in the log; say so.
        counts.log_truncated = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|busy| busy == 0)
            .unwrap_or(false);
        Ok(counts)
    }
}

fn erase(
    conn: &mut Connection,
    targets: &[ForgetTarget],
    marks: &[[u8; 32]],
    now: i64,
    (segment_folder, logged_posts): (&std::path::Path, &[i64]),
    files: &mut crate::segments::rewrite::Rewritten,
) -> rusqlite::Result<ForgetCounts> {
    let tx = conn.transaction()?;
    let mut c = ForgetCounts::default();
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS forget_accounts (id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE IF NOT EXISTS forget_posts (id INTEGER PRIMARY KEY);
         DELETE FROM forget_accounts; DELETE FROM forget_posts;",
    )?;
    for t in targets {
        tx.execute(
            "INSERT OR IGNORE INTO forget_accounts (id) VALUES (?1)",
            params![t.id],
        )?;
    }
    tx.execute_batch(
        "INSERT OR IGNORE INTO forget_posts (id)
             SELECT id FROM posts WHERE author IN (SELECT id FROM forget_accounts);",
    )?;
    let run = |sql: &str| tx.execute(sql, []).map(|n| n as u64);
    // The event log's rows naming an account or one of its posts: their segments are rewritten.
    let ids = |sql: &str| -> rusqlite::Result<rustc_hash::FxHashSet<i64>> {
        let mut stmt = tx.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    };
    let gone = ids("SELECT id FROM forget_accounts")?;
    // Its posts in the log are its posts too: their reactions and the references to them go.
    for id in logged_posts {
        tx.execute(
            "INSERT OR IGNORE INTO forget_posts (id) VALUES (?1)",
            params![id],
        )?;
    }
    let gone_posts = ids("SELECT id FROM forget_posts")?;
    crate::segments::rewrite::drop_rows(
        &tx,
        segment_folder,
        |r| {
            gone.contains(&r.actor)
                || gone.contains(&r.target)
                || r.post.is_some_and(|p| gone_posts.contains(&p))
        },
        files,
    )?;
    c.interactions = files.removed
        + run("DELETE FROM interactions WHERE target IN (SELECT id FROM forget_accounts)")?
        + run("DELETE FROM interactions WHERE actor IN (SELECT id FROM forget_accounts)")?
        + run(
            "DELETE FROM interactions WHERE post IN (SELECT id FROM forget_posts)
                  OR implied_by IN (SELECT id FROM forget_posts)",
        )?;
    for column in ["reply_to", "quote_of", "reshare_of"] {
        c.references_cleared += run(&format!(
            "UPDATE posts SET {column} = NULL WHERE {column} IN (SELECT id FROM forget_posts)"
        ))?;
    }
    run(
        "DELETE FROM waiting_references WHERE parent IN (SELECT id FROM forget_posts)
            OR child IN (SELECT id FROM forget_posts)",
    )?;
    c.posts = run("DELETE FROM posts WHERE id IN (SELECT id FROM forget_posts)")?;
    let logged = erase_logged_posts(
        &tx,
        segment_folder,
        (&gone, &gone_posts),
        &handles(targets),
        files,
    )?;
    c.posts += logged.posts;
    c.references_cleared += logged.references_cleared;
    c.mentions_redacted += logged.mentions_redacted;
    c.scores = run("DELETE FROM scores WHERE account IN (SELECT id FROM forget_accounts)")?;
    c.topic_scores =
        run("DELETE FROM topic_scores WHERE account IN (SELECT id FROM forget_accounts)")?;
    // Watches on the account, the alerts about it and their deliveries (an alert's payload names it).
    run("DELETE FROM deliveries WHERE alert_id IN
         (SELECT id FROM alerts WHERE account IN (SELECT id FROM forget_accounts))")?;
    c.alerts = run("DELETE FROM alerts WHERE account IN (SELECT id FROM forget_accounts)")?;
    c.watches = run("DELETE FROM watches WHERE account IN (SELECT id FROM forget_accounts)")?;
    // Triage messages the account sent: by its id, or by its handle on its platform.
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS forget_messages (id INTEGER PRIMARY KEY); DELETE FROM forget_messages;
         INSERT OR IGNORE INTO forget_messages (id)
             SELECT id FROM triage_messages WHERE account IN (SELECT id FROM forget_accounts);",
    )?;
    for t in targets {
        if let Some(h) = &t.handle {
            tx.execute(
                "INSERT OR IGNORE INTO forget_messages (id) SELECT id FROM triage_messages
                 WHERE platform = ?1 AND ltrim(author_handle, '@') = ?2 COLLATE NOCASE",
                params![t.platform, h.trim_start_matches('@')],
            )?;
        }
    }
    c.triage_decisions =
        run("DELETE FROM triage_decisions WHERE message_id IN (SELECT id FROM forget_messages)")?;
    c.triage_messages =
        run("DELETE FROM triage_messages WHERE id IN (SELECT id FROM forget_messages)")?;
    c.mentions_redacted = redact_mentions(&tx, targets)?;
    c.jobs_redacted = redact_jobs(&tx, targets)?;
    c.accounts = run("DELETE FROM accounts WHERE id IN (SELECT id FROM forget_accounts)")?;
    for mark in marks {
        c.tombstones += tx.execute(
            "INSERT OR IGNORE INTO forgotten (mark, forgotten_at) VALUES (?1, ?2)",
            params![mark.as_slice(), now],
        )? as u64;
    }
    tx.execute_batch(
        "DELETE FROM forget_accounts; DELETE FROM forget_posts; DELETE FROM forget_messages;",
    )?;
    tx.commit()?;
    Ok(c)
}

/// The handles of `targets`, without `@`, for text redaction.
fn handles(targets: &[ForgetTarget]) -> Vec<String> {
    let mut out: Vec<String> = targets
        .iter()
        .filter_map(|t| t.handle.as_deref())
        .map(|h| h.trim_start_matches('@').to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Replace `@handle` (any case, not followed by another handle character) in `text`.
fn redact(text: &str, handle: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("@{}", handle.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle).map(|i| i + from) {
        let end = at + needle.len();
        let continues = lower[end..]
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if !continues {
            out.push_str(&text[last..at]);
            out.push_str(REDACTED_MENTION);
            last = end;
            changed = true;
        }
        from = end;
    }
    changed.then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// What erasure changed in the log's posts.
#[derive(Default)]
struct LoggedPostErasure {
    posts: u64,
    references_cleared: u64,
    mentions_redacted: u64,
}

/// Erase from the post segments: the `gone` posts and every copy by a `gone_accounts` author, the
/// references other posts make to them, and `@handle` mentions of the forgotten accounts in the rest,
/// as SQLite's rows are erased.
fn erase_logged_posts(
    tx: &Connection,
    folder: &std::path::Path,
    (gone_accounts, gone): (&rustc_hash::FxHashSet<i64>, &rustc_hash::FxHashSet<i64>),
    handles: &[String],
    files: &mut crate::segments::rewrite::Rewritten,
) -> rusqlite::Result<LoggedPostErasure> {
    use crate::segments::rewrite::{edit_posts, PostChange};
    let mut out = LoggedPostErasure::default();
    let edits = edit_posts(
        tx,
        folder,
        |p| {
            let before = [p.reply_to, p.quote_of, p.reshare_of];
            let references = before.map(|r| r.filter(|parent| !gone.contains(parent)));
            let cleared = before
                .iter()
                .zip(&references)
                .filter(|(b, a)| b != a)
                .count() as u64;
            // Counted as SQLite counts them: references to an erased post, from any post.
            if gone.contains(&p.id) {
                out.references_cleared += cleared;
                return PostChange::Drop;
            }
            // A copy no reader sees (an earlier copy of the post is by someone else): still theirs.
            if gone_accounts.contains(&p.author) {
                return PostChange::Drop;
            }
            let mut text = p.text.map(|t| String::from_utf8_lossy(t).into_owned());
            let mut redacted = 0;
            for handle in handles {
                if let Some(clean) = text.as_deref().and_then(|t| redact(t, handle)) {
                    text = Some(clean);
                    redacted += 1;
                }
            }
            if cleared == 0 && redacted == 0 {
                return PostChange::Keep;
            }
            out.references_cleared += cleared;
            out.mentions_redacted += redacted;
            PostChange::Edit { references, text }
        },
        files,
    )?;
    out.posts = edits.dropped;
    Ok(out)
}

fn redact_mentions(tx: &Connection, targets: &[ForgetTarget]) -> rusqlite::Result<u64> {
    let mut n = 0;
    for handle in handles(targets) {
        let pattern = format!("%@{}%", handle.replace('%', "").replace('_', "\\_"));
        for (table, column) in [("posts", "text"), ("triage_messages", "text")] {
            let rows: Vec<(i64, String)> = tx
                .prepare(&format!(
                    "SELECT rowid, {column} FROM {table} WHERE {column} LIKE ?1 ESCAPE '\\'"
                ))?
                .query_map(params![pattern], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (rowid, text) in rows {
                if let Some(clean) = redact(&text, &handle) {
                    tx.execute(
                        &format!("UPDATE {table} SET {column} = ?2 WHERE rowid = ?1"),
                        params![rowid, clean],
                    )?;
                    n += 1;
                }
            }
        }
    }
    Ok(n)
}

/// `text` with every `@handle` of a forgotten account on `platform` replaced by [`REDACTED_MENTION`];
/// `None` when it names none (or there are no tombstones).
pub(crate) fn redact_forgotten_mentions(
    text: &str,
    platform: &str,
    t: &Tombstones,
) -> Option<String> {
    if t.is_empty() || !text.contains('@') {
        return None;
    }
    let is_handle = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut last, mut i, mut changed) = (0, 0, false);
    while i < bytes.len() {
        if bytes[i] == b'@' {
            let end = (i + 1..bytes.len())
                .find(|&j| !is_handle(bytes[j]))
                .unwrap_or(bytes.len());
            if end > i + 1 && t.contains(AccountRef::by_handle(&text[i + 1..end]).id(platform).0) {
                out.push_str(&text[last..i]);
                out.push_str(REDACTED_MENTION);
                last = end;
                changed = true;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    changed.then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// Jobs keep their parameters and results as JSON; one that names a forgotten account as a JSON string
/// (`"ext_id"`, `"handle"` or `"@handle"`) loses both.
fn redact_jobs(tx: &Connection, targets: &[ForgetTarget]) -> rusqlite::Result<u64> {
    let mut names: Vec<String> = Vec::new();
    for t in targets {
        names.push(t.ext_id.clone());
        if let Some(h) = &t.handle {
            let h = h.trim_start_matches('@');
            names.push(h.to_owned());
            names.push(format!("@{h}"));
        }
    }
    let mut n = 0;
    for name in names.iter().filter(|s| !s.is_empty()) {
        let quoted = serde_json::to_string(name).unwrap_or_default();
        n += tx.execute(
            "UPDATE jobs SET params = '{}', result = NULL,
                 message = 'erased: it named an account that was forgotten'
             WHERE instr(params, ?1) > 0 OR instr(COALESCE(result, ''), ?1) > 0",
            params![quoted],
        )? as u64;
    }
    Ok(n)
}

impl Store {
    /// The stored account `id` as a [`ForgetTarget`], `None` when there is none.
    pub fn forget_target(&self, id: i64) -> Result<Option<ForgetTarget>> {
        self.conn
            .query_row(
                "SELECT id, platform, ext_id, handle FROM accounts WHERE id = ?1",
                params![id],
                |r| {
                    Ok(ForgetTarget {
                        id: r.get(0)?,
                        platform: r.get(1)?,
                        ext_id: r.get(2)?,
                        handle: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_replaces_whole_handles_in_any_case_only() {
        assert_eq!(
            redact("hi @Alice and @alice_b, @ALICE!", "alice").as_deref(),
            Some("hi @[forgotten] and @alice_b, @[forgotten]!")
        );
        assert_eq!(redact("@alicebob", "alice"), None);
        assert_eq!(redact("no mention", "alice"), None);
    }
}
