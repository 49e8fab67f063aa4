//! Reactions implied by posts' references, derived when read once posts are in the log.
//!
//! The rule is `implied.rs`'s: for each stored post P referring with kind K to a stored post Q there is
//! one implied interaction (K, author(P) → author(Q), post Q, at P's time, id
//! [`InteractionId::implied`]) unless a stated interaction has the same kind, actor and post. SQLite
//! keeps that rule row by row as posts arrive; posts in segments are not rows to look up, so once any
//! post segment exists the rule is applied to all posts at read time instead, by sorting: every
//! reference is joined with the author of the post it names (both in id order), and the references are
//! sorted by (post, actor, kind) so that each stated reaction, read as it streams past, marks the ones
//! it covers, which are dropped. SQLite's stored implied
//! rows are then not read (they are this derivation's subset, from an older state). Nothing waits: a
//! reference to a post not stored is just one the join does not meet, counted as waiting.

use super::merge::Filter;
use super::post_file::{number_of, PostColumns};
use super::LogRow;
use crate::{Result, Store};
use earshot_model::{InteractionId, InteractionKind};
use std::sync::Arc;

/// Posts whose authors a derivation keeps from its one reading of the posts (16 bytes each): 2^26, 1 GiB.
/// Past it the posts are read twice ([`Store::derive_implied`]).
pub(crate) const AUTHORS_IN_MEMORY: u64 = 1 << 26;

/// The reactions posts' references imply, as merged reads take them.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    /// Sorted by the log's key, each once; `platform` numbers `platform_names`.
    pub rows: Vec<LogRow>,
    pub platform_names: Vec<Vec<u8>>,
    /// References to posts not stored.
    pub waiting: u64,
}

/// Stated reactions sorted and matched with the references at a time: 24 MiB.
const STATED_CHUNK: usize = 1 << 20;

/// The first index at or after `from` whose reference's key is not below `key`, every reference before
/// `from` being below it: steps doubling from `from`, then a binary search within the last step.
fn gallop(references: &[Reference], from: usize, key: (i64, i64, u8)) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while references.get(hi).is_some_and(|r| r.key() < key) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(references.len());
    lo + references[lo..hi].partition_point(|r| r.key() < key)
}

/// One reference, waiting for its parent's author.
struct Reference {
    parent: i64,
    kind: u8,
    actor: i64,
    time: i64,
    id: i64,
    platform: u16,
}

impl Reference {
    /// What a stated reaction must share with it to cover it: (post, actor, kind).
    fn key(&self) -> (i64, i64, u8) {
        (self.parent, self.actor, self.kind)
    }
}

/// A derivation and the state of the database it was made from: SQLite's `data_version` (which moves
/// when another connection commits) and this connection's count of changed rows.
pub(crate) type Stamped = ((i64, u64), Arc<Derived>);

impl Store {
    /// [`Store::derive_implied`], kept while the database is unchanged.
    pub(crate) fn implied_now(&self) -> Result<Arc<Derived>> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let stamp = (version, self.conn.total_changes());
        let mut held = self.derived.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, derived)) = held.as_ref().filter(|(at, _)| *at == stamp) {
            debug_assert_eq!(*at, stamp);
            return Ok(Arc::clone(derived));
        }
        let derived = Arc::new(self.derive_implied()?);
        *held = Some((stamp, Arc::clone(&derived)));
        Ok(derived)
    }

    /// Derive with every post's author in memory for up to `posts` posts, reading the posts a second
    /// time past that (the default is [`AUTHORS_IN_MEMORY`]). The derivation is the same either way;
    /// for tests and for machines short of memory.
    pub fn derive_with_authors_up_to(&mut self, posts: u64) {
        self.derive_authors_limit = posts;
        *self.derived.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Every reaction the stored posts' references imply, those a stated interaction covers left out
    /// (see the module's documentation).
    ///
    /// The references are joined with their parents' authors in one of two ways. Up to
    /// `derive_authors_limit` posts, every post's (id, author) is kept from the one reading (16 bytes a
    /// post) and each reference looks its parent up. Past it, those pairs are let go and the posts are
    /// read again in id order beside the references sorted by parent, a merge join that holds nothing
    /// per post: at scale 26's ~420M posts the pairs alone would be 6.7 GB.
    pub(crate) fn derive_implied(&self) -> Result<Derived> {
        let mut authors: Option<Vec<(i64, i64)>> = Some(Vec::new());
        let mut references: Vec<Reference> = Vec::new();
        let mut names: Vec<Vec<u8>> = Vec::new();
        let limit = self.derive_authors_limit;
        self.merged_posts(PostColumns::WithoutText, |p| {
            if authors.as_ref().is_some_and(|a| a.len() as u64 >= limit) {
                authors = None;
            }
            if let Some(a) = authors.as_mut() {
                a.push((p.id, p.author));
            }
            let mut refs = p.references().peekable();
            if refs.peek().is_none() {
                return Ok(());
            }
            let platform = number_of(&mut names, p.platform);
            let platform_str = String::from_utf8_lossy(p.platform);
            let ext_id = String::from_utf8_lossy(p.ext_id);
            for (kind, parent) in refs {
                references.push(Reference {
                    parent,
                    kind: kind.code(),
                    actor: p.author,
                    time: p.time,
                    id: InteractionId::implied(&platform_str, kind, &ext_id).0,
                    platform,
                });
            }
            Ok(())
        })?;
        // The references a stated reaction covers, found among the references sorted by (post, actor,
        // kind): the stated reactions are not all held (they were 24 bytes each, more than the rest of
        // the derivation on a generated stream, where every reply, quote and reshare is also stated)
        // but gathered a chunk at a time, sorted, and met by a merge that gallops through the
        // references, so that consecutive look-ups land near each other instead of each being a
        // binary search of cache misses (a third of `stats` at scale 20).
        references.sort_unstable_by_key(Reference::key);
        let mut covered = vec![0u64; references.len().div_ceil(64)];
        let mut mark = |chunk: &mut Vec<(i64, i64, u8)>| {
            chunk.sort_unstable();
            let mut i = 0;
            for &key in chunk.iter() {
                i = gallop(&references, i, key);
                let mut j = i;
                while references.get(j).is_some_and(|r| r.key() == key) {
                    covered[j / 64] |= 1 << (j % 64);
                    j += 1;
                }
            }
            chunk.clear();
        };
        let mut chunk = Vec::new();
        self.each_stated_reaction(|key| {
            chunk.push(key);
            if chunk.len() == STATED_CHUNK {
                mark(&mut chunk);
            }
        })?;
        mark(&mut chunk);
        let mut out = Derived {
            platform_names: names,
            ..Derived::default()
        };
        let is_covered = |i: usize| covered[i / 64] & (1 << (i % 64)) != 0;
        let implied = |r: &Reference, target: i64| LogRow {
            kind: r.kind,
            platform: r.platform,
            target,
            time: Some(r.time),
            id: r.id,
            actor: r.actor,
            post: Some(r.parent),
            weight: 1.0,
        };
        if let Some(authors) = authors {
            // `authors` arrives in id order, each id once.
            for (i, r) in references.iter().enumerate() {
                let Ok(at) = authors.binary_search_by_key(&r.parent, |&(id, _)| id) else {
                    out.waiting += 1;
                    continue;
                };
                if !is_covered(i) {
                    out.rows.push(implied(r, authors[at].1));
                }
            }
        } else {
            // The posts again, in id order, beside the references sorted by parent.
            let mut next = 0;
            self.merged_posts(PostColumns::WithoutText, |p| {
                while references.get(next).is_some_and(|r| r.parent < p.id) {
                    out.waiting += 1;
                    next += 1;
                }
                while references.get(next).is_some_and(|r| r.parent == p.id) {
                    if !is_covered(next) {
                        out.rows.push(implied(&references[next], p.author));
                    }
                    next += 1;
                }
                Ok(())
            })?;
            out.waiting += (references.len() - next) as u64;
        }
        out.rows.sort_unstable_by_key(LogRow::key);
        out.rows.dedup_by_key(|r| r.key());
        Ok(out)
    }

    /// `(post, actor, kind)` of every stated reply, quote or reshare naming a post, in SQLite and in the
    /// segments (repeats possible), each to `found`.
    fn each_stated_reaction(&self, mut found: impl FnMut((i64, i64, u8))) -> Result<()> {
        let e = |e| self.err(e);
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT post, actor, kind FROM interactions
                     WHERE post IS NOT NULL AND kind IN (1, 3, 4) AND implied_by IS NULL",
                )
                .map_err(e)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(e)?;
            for r in rows {
                found(r.map_err(e)?);
            }
        }
        // One pass over the segments for the three kinds (each file decoded once).
        let implying = [
            InteractionKind::Reply,
            InteractionKind::Quote,
            InteractionKind::Reshare,
        ]
        .map(InteractionKind::code);
        let cursors = self.open_segments(false)?;
        self.merge(cursors, &Filter::default(), |r, _| {
            if let Some(post) = r.post.filter(|_| implying.contains(&r.kind)) {
                found((post, r.actor, r.kind));
            }
            Ok(())
        })
    }
}

/// Keep the derived rows `filter` keeps, as a merge cursor's rows (which it does not filter again).
pub(crate) fn filtered(derived: &Derived, filter: &Filter<'_>) -> Vec<LogRow> {
    derived
        .rows
        .iter()
        .filter(|r| {
            filter.kind.is_none_or(|k| k.code() == r.kind)
                && filter.keeps_time(r.time)
                && filter.platform.is_none_or(|p| {
                    derived
                        .platform_names
                        .get(usize::from(r.platform))
                        .is_some_and(|n| n == p.as_bytes())
                })
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{gallop, Reference};

    /// Galloping from any earlier answer finds what a binary search of the whole finds, for keys
    /// present (repeated), absent, below and above every reference.
    #[test]
    fn gallop_finds_what_a_binary_search_finds() {
        let mut refs: Vec<Reference> = (0..500i64)
            .flat_map(|i| {
                let parent = (i * 7919) % 211;
                (0..(i % 3)).map(move |_| Reference {
                    parent,
                    kind: (i % 2) as u8 + 1,
                    actor: i % 5,
                    time: 0,
                    id: i,
                    platform: 0,
                })
            })
            .collect();
        refs.sort_unstable_by_key(Reference::key);
        let mut keys: Vec<(i64, i64, u8)> = refs.iter().map(Reference::key).collect();
        keys.extend((-2..215).flat_map(|p| (0..6).map(move |a| (p, a, 1 + (a % 2) as u8))));
        keys.sort_unstable();
        let mut from = 0;
        for key in keys {
            let want = refs.partition_point(|r| r.key() < key);
            assert_eq!(gallop(&refs, from, key), want, "{key:?} from {from}");
            assert_eq!(gallop(&refs, 0, key), want);
            from = want;
        }
        assert_eq!(gallop(&[], 0, (1, 1, 1)), 0);
    }
}
