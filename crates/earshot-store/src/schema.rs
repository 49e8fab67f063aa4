//! Connection settings and versioned migrations.
//!
//! Migrations are numbered SQL files applied in order inside one transaction each; `PRAGMA user_version`
//! records the last applied. A small runner of our own, because `rusqlite_migration` lags `rusqlite`.

use crate::{sql_err, Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_events.sql"),
    include_str!("migrations/0002_scores.sql"),
    include_str!("migrations/0003_profile_extras.sql"),
    include_str!("migrations/0004_topic_scores.sql"),
    include_str!("migrations/0005_triage.sql"),
    include_str!("migrations/0006_api.sql"),
    include_str!("migrations/0007_run_last_event.sql"),
    include_str!("migrations/0008_scores_expected.sql"),
    include_str!("migrations/0009_default_profile.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// WAL so readers never block the importer and a killed writer leaves a consistent file;
/// `synchronous = NORMAL` is durable against process crashes in WAL mode (only an OS crash or power loss
/// can lose the last commits, never corrupt the file). A large page cache keeps index inserts in memory.
/// `busy_wait`: how long any statement, these pragmas included, waits for a lock another connection holds.
pub(crate) fn configure(conn: &Connection, busy_wait: std::time::Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_wait)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -262_144)?; // KiB: 256 MiB
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
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
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        let tx = conn.transaction().map_err(|e| sql_err(path, e))?;
        tx.execute_batch(sql).map_err(|e| sql_err(path, e))?;
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

    #[test]
    fn open_existing_does_not_create() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        assert!(Store::open_existing(&path).is_err());
        assert!(!path.exists());
    }
}
