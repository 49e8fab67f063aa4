//! Connection settings and versioned migrations.
//!
//! Migrations are numbered SQL files applied in order inside one transaction each; `PRAGMA user_version`
//! records the last applied. A small runner of our own, because `rusqlite_migration` lags `rusqlite`.

use crate::{sql_err, Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

/// One schema version: its SQL, then, where SQL cannot compute what it needs (stable ids are xxh3 hashes),
/// a step in Rust, in the same transaction.
struct Migration {
    sql: &'static str,
    then: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

const fn sql(sql: &'static str) -> Migration {
    Migration { sql, then: None }
}

const MIGRATIONS: &[Migration] = &[
    sql(include_str!("migrations/0001_events.sql")),
    sql(include_str!("migrations/0002_scores.sql")),
    sql(include_str!("migrations/0003_profile_extras.sql")),
    sql(include_str!("migrations/0004_topic_scores.sql")),
    sql(include_str!("migrations/0005_triage.sql")),
    sql(include_str!("migrations/0006_api.sql")),
    sql(include_str!("migrations/0007_run_last_event.sql")),
    sql(include_str!("migrations/0008_scores_expected.sql")),
    // Posts stored before the rule imply their interactions now.
    Migration {
        sql: include_str!("migrations/0009_implied_interactions.sql"),
        then: Some(crate::implied::imply_stored_posts),
    },
    sql(include_str!("migrations/0010_default_profile.sql")),
    sql(include_str!("migrations/0011_score_log.sql")),
    sql(include_str!("migrations/0012_forget.sql")),
    sql(include_str!("migrations/0013_persons.sql")),
    sql(include_str!("migrations/0014_offline.sql")),
    sql(include_str!("migrations/0015_event_segments.sql")),
    sql(include_str!("migrations/0016_stated_reactions.sql")),
    sql(include_str!("migrations/0017_post_segments.sql")),
    sql(include_str!("migrations/0018_watches.sql")),
    sql(include_str!("migrations/0019_watches_by_rule.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The page cache (KiB) and memory map (bytes) of each connection opened from now on
/// ([`set_connection_memory`]).
static CACHE_KIB: AtomicI64 = AtomicI64::new(256 << 10);
static MMAP_BYTES: AtomicI64 = AtomicI64::new(1 << 30);

/// The memory every connection this process opens from now on may use: a page cache of `cache_mib`
/// (default 256 MiB, which keeps a long import's index inserts in memory; [`crate::Store::set_cache_mib`]
/// changes one connection's) and a memory map of the file of at most `mmap_mib` (default 1 GiB; 0
/// reads with `pread` instead). A command reads fastest through the map. A long-lived server sets a
/// small cache and no map: each connection maps the file on its own, so the mapped pages count once
/// per connection in the process's resident memory and come and go as the file grows, while pages
/// read with `pread` stay in the kernel's page cache, which every process on the file shares and which
/// the kernel takes back when it needs memory.
pub fn set_connection_memory(cache_mib: u32, mmap_mib: u64) {
    CACHE_KIB.store(i64::from(cache_mib) << 10, Ordering::Relaxed);
    let bytes = i64::try_from(mmap_mib.saturating_mul(1 << 20)).unwrap_or(i64::MAX);
    MMAP_BYTES.store(bytes, Ordering::Relaxed);
}

/// Pages of a new database: 16 KiB rather than SQLite's 4 KiB. Posts are keyed by stable ids, so every
/// import inserts in random key order; with larger pages the B-trees are shallower and split less, and
/// a 500,000-activity Mastodon outbox imported ~14% faster (BENCHMARKS.md, issue 21). A database that
/// exists keeps its page size (SQLite changes it only by rewriting the file with `VACUUM`).
const PAGE_BYTES: i64 = 16 << 10;

/// WAL so readers never block the importer and a killed writer leaves a consistent file;
/// `synchronous = NORMAL` is durable against process crashes in WAL mode (only an OS crash or power loss
/// can lose the last commits, never corrupt the file). Cache and map as [`set_connection_memory`] says.
/// `busy_wait`: how long any statement, these pragmas included, waits for a lock another connection holds.
pub(crate) fn configure(conn: &Connection, busy_wait: std::time::Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_wait)?;
    // Before the journal mode: once a database is in WAL mode its page size is fixed.
    conn.pragma_update(None, "page_size", PAGE_BYTES)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB.load(Ordering::Relaxed))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES.load(Ordering::Relaxed))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| sql_err(path, e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (i, m) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        let tx = conn.transaction().map_err(|e| sql_err(path, e))?;
        tx.execute_batch(m.sql).map_err(|e| sql_err(path, e))?;
        if let Some(step) = m.then {
            step(&tx).map_err(|e| sql_err(path, e))?;
        }
        tx.pragma_update(None, "user_version", version)
            .map_err(|e| sql_err(path, e))?;
        tx.commit().map_err(|e| sql_err(path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn new_database_is_migrated_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        drop(Store::open(&path).unwrap());
        let s = Store::open(&path).unwrap();
        let v: i64 = s
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, super::SCHEMA_VERSION);
        let mode: String = s
            .connection()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let page: i64 = s
            .connection()
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        assert_eq!(page, super::PAGE_BYTES);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        let s = Store::open(&path).unwrap();
        s.connection()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        drop(s);
        let err = Store::open(&path).err().expect("must refuse");
        assert!(err.to_string().contains("newer"), "{err}");
    }

    /// A database written before schema v9 gets the interactions its posts' references imply when it is
    /// opened: each reply whose parent is stored, unless the reply was stated; the others wait.
    #[test]
    fn posts_stored_before_v9_imply_their_interactions_on_upgrade() {
        use earshot_model::{AccountId, InteractionId, InteractionKind, PostId};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for m in &super::MIGRATIONS[..8] {
            tx.execute_batch(m.sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 8).unwrap();
        let account = |ext: &str| AccountId::of("t", ext).0;
        let post = |ext: &str| PostId::of("t", ext).0;
        for a in ["ann", "bob", "cy"] {
            tx.execute(
                "INSERT INTO accounts (id, platform, ext_id) VALUES (?1, 't', ?2)",
                rusqlite::params![account(a), a],
            )
            .unwrap();
        }
        let rows = [
            ("q", "ann", 100, None),
            ("r", "bob", 200, Some("q")),
            ("s", "cy", 300, Some("q")),
            ("u", "cy", 400, Some("gone")),
        ];
        for (ext, author, time, reply_to) in rows {
            tx.execute(
                "INSERT INTO posts (id, platform, ext_id, author, time, reply_to) VALUES (?1, 't', ?2, ?3, ?4, ?5)",
                rusqlite::params![post(ext), ext, account(author), time, reply_to.map(post)],
            )
            .unwrap();
        }
        // cy's reply was stated by the input.
        tx.execute(
            "INSERT INTO interactions (target, id, kind, actor, post, time) VALUES (?1, ?2, 1, ?3, ?4, 300)",
            rusqlite::params![account("ann"), InteractionId::of("t", "k").0, account("cy"), post("q")],
        )
        .unwrap();
        tx.commit().unwrap();
        drop(conn);

        let s = Store::open(&path).unwrap();
        let implied: Vec<(i64, i64, i64, i64, i64)> = s
            .connection()
            .prepare("SELECT id, actor, target, post, time FROM interactions WHERE implied_by IS NOT NULL")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected = (
            InteractionId::implied("t", InteractionKind::Reply, "r").0,
            account("bob"),
            account("ann"),
            post("q"),
            200,
        );
        assert_eq!(implied, vec![expected]);
        let st = s.stats(1).unwrap();
        assert_eq!((st.interactions, st.references_waiting), (2, 1));
        // Version 16 found cy's stated reply: the reference rule must keep probing for stated ones.
        assert!(stated_reactions(&s));
    }

    fn stated_reactions(s: &Store) -> bool {
        s.connection()
            .query_row(
                "SELECT value FROM log_facts WHERE name = 'stated_reactions'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_new_database_has_no_stated_reactions_until_one_is_written() {
        use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("e.db")).unwrap();
        assert!(!stated_reactions(&s));
        let reaction = |kind, post: Option<&str>| {
            Event::Interaction(Interaction {
                platform: "t".into(),
                key: format!("{kind:?}{post:?}"),
                kind,
                actor: AccountRef::by_id("bob"),
                target: AccountRef::by_id("ann"),
                post: post.map(Into::into),
                time: Some(1),
                weight: 1.0,
            })
        };
        // A like about a post, or a reply about none, cannot cover an implied interaction.
        s.write(&[
            reaction(InteractionKind::Like, Some("q")),
            reaction(InteractionKind::Reply, None),
        ])
        .unwrap();
        assert!(!stated_reactions(&s));
        // A rolled-back write leaves the fact as it was.
        s.begin().unwrap();
        s.write(&[reaction(InteractionKind::Reshare, Some("q"))])
            .unwrap();
        s.rollback().unwrap();
        assert!(!stated_reactions(&s));
        s.write(&[reaction(InteractionKind::Reply, Some("q"))])
            .unwrap();
        assert!(stated_reactions(&s));
    }

    #[test]
    fn open_existing_does_not_create() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        assert!(Store::open_existing(&path).is_err());
        assert!(!path.exists());
    }
}
