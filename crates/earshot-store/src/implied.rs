//! Interactions implied by posts' references: a post with `reply_to`, `quote_of` or `reshare_of` is a reply,
//! quote or reshare by its author to the referenced post's author, at the post's time, about the referenced
//! post, whether or not the input also states that interaction.
//!
//! The rule lives here, in the write path, so every importer and the API get it alike. Its invariant, true
//! at the end of every write whatever order events arrive in, within a file or across imports: for each
//! stored post P referring with
//! kind K to a stored post Q, there is exactly one implied interaction (K, author(P) → author(Q), post Q, at
//! P's time, id [`InteractionId::implied`]) **unless** an interaction the input stated has the same kind,
//! actor and post; then there is none, so a reaction given both ways counts once. Concretely:
//!
//! - a new post's references are answered at the end of the write (batch) that stored it, once everything
//!   in it is stored: a reference to a stored post implies its interaction unless one is stated;
//! - a reference to a post not stored yet waits in `waiting_references`; storing that post later (in a
//!   later batch or import) implies the waiting interactions and clears them. A reference to a post that
//!   never arrives stays waiting: it is counted, never guessed;
//! - a new stated reply, quote or reshare removes the implied ones of the same kind, actor and post (made
//!   by an earlier write).
//!
//! Implied interactions carry the implying post's id in `implied_by`; stated ones have NULL there. Only new
//! rows trigger any of this, so re-importing changes nothing. A self-reply (a thread by one author) implies
//! an interaction like any other: the store keeps what happened, and scoring ignores self-interactions.

use earshot_model::{InteractionId, InteractionKind, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Statement};

// The queries on the partial index `interactions_by_post` repeat its condition `kind IN (1, 3, 4)` (the
// kinds a post's reference implies, see [`implies`]): SQLite uses a partial index only for queries that
// imply its condition. `implied_by` is in the index, so neither needs the table to answer.

/// Is there a stated interaction of this post (`?1`), actor (`?2`) and kind (`?3`)?
const STATED_EXISTS: &str = "SELECT 1 FROM interactions
    WHERE post = ?1 AND actor = ?2 AND kind = ?3 AND kind IN (1, 3, 4) AND implied_by IS NULL LIMIT 1";

/// Remove the implied interactions of this post (`?1`), actor (`?2`) and kind (`?3`).
const WITHDRAW_IMPLIED: &str = "DELETE FROM interactions
    WHERE post = ?1 AND actor = ?2 AND kind = ?3 AND kind IN (1, 3, 4) AND implied_by IS NOT NULL";

/// What the reference rule did in one write.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ImpliedCounts {
    /// Implied interactions stored.
    pub implied: u64,
    /// Implied interactions removed because the input stated the same reaction.
    pub replaced: u64,
    /// References to posts not stored yet, left waiting.
    pub queued: u64,
    /// Waiting references whose post arrived, each now an interaction (or covered by a stated one).
    pub resolved: u64,
}

/// A stored post that refers to others, as the rule needs it.
pub(crate) struct Referrer<'a> {
    pub id: i64,
    pub platform: &'a str,
    pub ext_id: &'a str,
    pub author: i64,
    pub time: Timestamp,
}

/// The rule's prepared statements, on a connection whose transaction is open.
pub(crate) struct Implied<'c> {
    post_author: Statement<'c>,
    post_row: Statement<'c>,
    stated_exists: Statement<'c>,
    insert_implied: Statement<'c>,
    withdraw_implied: Statement<'c>,
    /// Records in `log_facts` that a stated reaction is stored (with `stated_any`).
    mark_stated: Option<Statement<'c>>,
    wait: Statement<'c>,
    waiting_for: Statement<'c>,
    stop_waiting: Statement<'c>,
    /// `None`: whether a stated reaction exists is asked per implied interaction. `Some(false)`: the
    /// database holds no stated reply, quote or reshare about a post (`log_facts`), so none can cover
    /// an implied one and the probe is skipped; `Some(true)` once this write stores the first.
    stated_any: Option<bool>,
    pub counts: ImpliedCounts,
}

/// Whether the database has ever stored a stated reply, quote or reshare about a post (`log_facts`).
const STATED_ANY: &str = "SELECT value FROM log_facts WHERE name = 'stated_reactions'";

impl<'c> Implied<'c> {
    /// The rule's statements; `known_facts`: read `log_facts` to skip probes it makes needless (false
    /// only for the schema migration that runs before that table exists).
    pub fn prepare(tx: &'c Connection, known_facts: bool) -> rusqlite::Result<Self> {
        let stated_any = if known_facts {
            Some(tx.query_row(STATED_ANY, [], |r| r.get::<_, bool>(0))?)
        } else {
            None
        };
        Ok(Implied {
            stated_any,
            post_author: tx.prepare("SELECT author FROM posts WHERE id = ?1")?,
            post_row: tx.prepare("SELECT platform, ext_id, author, time FROM posts WHERE id = ?1")?,
            stated_exists: tx.prepare(STATED_EXISTS)?,
            insert_implied: tx.prepare(
                "INSERT OR IGNORE INTO interactions (id, kind, actor, target, post, time, weight, implied_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1.0, ?7)",
            )?,
            withdraw_implied: tx.prepare(WITHDRAW_IMPLIED)?,
            mark_stated: known_facts
                .then(|| tx.prepare("UPDATE log_facts SET value = 1 WHERE name = 'stated_reactions'"))
                .transpose()?,
            wait: tx.prepare(
                "INSERT OR IGNORE INTO waiting_references (parent, kind, child) VALUES (?1, ?2, ?3)",
            )?,
            waiting_for: tx.prepare("SELECT kind, child FROM waiting_references WHERE parent = ?1")?,
            stop_waiting: tx.prepare("DELETE FROM waiting_references WHERE parent = ?1")?,
            counts: ImpliedCounts::default(),
        })
    }

    /// Post `id` by `author` was just stored (it is new): imply the interactions of the references that
    /// were waiting for it.
    pub fn resolve_waiting_for(&mut self, id: i64, author: i64) -> rusqlite::Result<()> {
        let waiting: Vec<(u8, i64)> = self
            .waiting_for
            .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if waiting.is_empty() {
            return Ok(());
        }
        for (code, child) in waiting {
            let Some(kind) = InteractionKind::from_code(code) else {
                continue;
            };
            let row = self
                .post_row
                .query_row(params![child], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .optional()?;
            // A waiting row is only made for a stored post, and posts are never deleted.
            let Some((platform, ext_id, child_author, time)) = row else {
                continue;
            };
            let child = Referrer {
                id: child,
                platform: &platform,
                ext_id: &ext_id,
                author: child_author,
                time,
            };
            self.imply(&child, kind, id, author)?;
            self.counts.resolved += 1;
        }
        self.stop_waiting.execute(params![id])?;
        Ok(())
    }

    /// `post` refers to `parent` with `kind`: imply the interaction if `parent` is stored, else wait for it.
    pub fn answer(
        &mut self,
        post: &Referrer<'_>,
        kind: InteractionKind,
        parent: i64,
    ) -> rusqlite::Result<()> {
        let target: Option<i64> = self
            .post_author
            .query_row(params![parent], |r| r.get(0))
            .optional()?;
        match target {
            Some(target) => self.imply(post, kind, parent, target),
            None => {
                self.counts.queued +=
                    self.wait.execute(params![parent, kind.code(), post.id])? as u64;
                Ok(())
            }
        }
    }

    /// Store `post`'s implied `kind` interaction to `target` about `parent`, unless the input stated one.
    fn imply(
        &mut self,
        post: &Referrer<'_>,
        kind: InteractionKind,
        parent: i64,
        target: i64,
    ) -> rusqlite::Result<()> {
        if self.stated_any != Some(false)
            && self
                .stated_exists
                .exists(params![parent, post.author, kind.code()])?
        {
            return Ok(());
        }
        let id = InteractionId::implied(post.platform, kind, post.ext_id).0;
        self.counts.implied += self.insert_implied.execute(params![
            id,
            kind.code(),
            post.author,
            target,
            parent,
            post.time,
            post.id
        ])? as u64;
        Ok(())
    }

    /// A new interaction the input stated: the implied ones of its kind, actor and post are now redundant.
    pub fn stated(&mut self, kind: InteractionKind, actor: i64, post: i64) -> rusqlite::Result<()> {
        if implies(kind) {
            if let (Some(false), Some(mark)) = (self.stated_any, self.mark_stated.as_mut()) {
                mark.execute([])?;
                self.stated_any = Some(true);
            }
            self.counts.replaced +=
                self.withdraw_implied
                    .execute(params![post, actor, kind.code()])? as u64;
        }
        Ok(())
    }
}

/// Whether a post's reference can imply an interaction of `kind`: the kinds `interactions_by_post` holds.
pub(crate) fn implies(kind: InteractionKind) -> bool {
    matches!(
        kind,
        InteractionKind::Reply | InteractionKind::Quote | InteractionKind::Reshare
    )
}

/// Apply the rule to every post already stored, for databases written before it existed (schema v9): run
/// once, inside that migration's transaction.
pub(crate) fn imply_stored_posts(conn: &Connection) -> rusqlite::Result<()> {
    let mut rule = Implied::prepare(conn, false)?;
    let mut posts = conn.prepare(
        "SELECT id, platform, ext_id, author, time, reply_to, quote_of, reshare_of FROM posts
         WHERE reply_to IS NOT NULL OR quote_of IS NOT NULL OR reshare_of IS NOT NULL",
    )?;
    let mut rows = posts.query([])?;
    while let Some(r) = rows.next()? {
        let (platform, ext_id): (String, String) = (r.get(1)?, r.get(2)?);
        let post = Referrer {
            id: r.get(0)?,
            platform: &platform,
            ext_id: &ext_id,
            author: r.get(3)?,
            time: r.get(4)?,
        };
        let references = [
            (InteractionKind::Reply, r.get::<_, Option<i64>>(5)?),
            (InteractionKind::Quote, r.get(6)?),
            (InteractionKind::Reshare, r.get(7)?),
        ];
        for (kind, parent) in references {
            if let Some(parent) = parent {
                rule.answer(&post, kind, parent)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// Both questions the rule asks per post and per stated reaction must be answered by the partial
    /// index alone: a scan would make imports quadratic, and reading the table for every stated reaction
    /// (whose own row always matches) made generated imports measurably slower.
    #[test]
    fn lookups_by_post_are_answered_by_the_partial_index() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("e.db")).unwrap();
        for (sql, expect) in [
            (
                super::STATED_EXISTS,
                "COVERING INDEX interactions_by_post (post=? AND actor=? AND kind=? AND implied_by=?)",
            ),
            (
                super::WITHDRAW_IMPLIED,
                "INDEX interactions_by_post (post=? AND actor=? AND kind=? AND implied_by>?)",
            ),
        ] {
            let plan: Vec<String> = s
                .connection()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params![1, 2, 1], |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(plan.iter().any(|p| p.contains(expect)), "{sql}: {plan:?}");
        }
        // The kinds the index holds are the kinds a reference implies.
        for kind in earshot_model::InteractionKind::ALL {
            assert_eq!(
                super::implies(kind),
                [1, 3, 4].contains(&kind.code()),
                "{kind}"
            );
        }
    }
}
