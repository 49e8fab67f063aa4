//! The secondary indexes only readers use, set aside during a large bulk import and built again by
//! sorting once it ends.
//!
//! Every post row costs an insert into `posts_by_author` and `posts_by_time` beside its own B-tree,
//! and every SQLite interaction row one into `interactions_by_time` and `interactions_by_actor`: the
//! write path never reads them (idempotency is the primary keys', the implied-interaction rule reads
//! `interactions_by_post`, which stays). Built afterwards, each index is one sort of its table instead
//! of a random-order insert per row. On a 500,000-activity Mastodon outbox imported into a new
//! database that saved ~20% of the import (BENCHMARKS.md, issue 21).
//!
//! Set aside only in an exclusive bulk mode ([`Store::begin_bulk_mode`]) — no other connection can
//! read the database meanwhile — and only when the input is at least as large as the database, so
//! rebuilding costs about what the import adds and a small import into a large database never pays to
//! re-sort it. An import that dies before rebuilding leaves them missing; the next [`Store::open`]
//! builds them before anything reads ([`ensure`]), so no reader ever runs without them.

use crate::{sql_err, Result, Store};
use rusqlite::Connection;
use std::path::Path;

/// Name and definition of each index set aside, exactly as the migrations create them
/// (`migrations/0001_events.sql`; a test checks they still agree).
pub(crate) const READ_INDEXES: [(&str, &str); 4] = [
    (
        "posts_by_author",
        "CREATE INDEX posts_by_author ON posts(author, time)",
    ),
    ("posts_by_time", "CREATE INDEX posts_by_time ON posts(time)"),
    (
        "interactions_by_time",
        "CREATE INDEX interactions_by_time ON interactions(time)",
    ),
    (
        "interactions_by_actor",
        "CREATE INDEX interactions_by_actor ON interactions(actor, time)",
    ),
];

/// The read indexes this database lacks, by name.
fn missing(conn: &Connection) -> rusqlite::Result<Vec<&'static (&'static str, &'static str)>> {
    let mut present =
        conn.prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1")?;
    let mut out = Vec::new();
    for index in &READ_INDEXES {
        if !present.exists([index.0])? {
            out.push(index);
        }
    }
    Ok(out)
}

/// Build whichever read indexes are missing (a bulk import that set them aside and died); a no-op that
/// only reads the schema when none is. Returns how many were built.
///
/// Two processes opening the database at once may both find them missing: the build takes the write
/// lock first (`BEGIN IMMEDIATE`) and looks again inside it, so the second finds them built. A file this
/// process may not write is left as it is (its readers are slower, not wrong). The sort spills to a
/// temporary file rather than memory (`temp_store = FILE` for the build): in memory it took ~60 bytes a
/// row, gigabytes for a table of 100 million.
pub(crate) fn ensure(conn: &Connection, path: &Path) -> Result<usize> {
    if missing(conn).map_err(|e| sql_err(path, e))?.is_empty() {
        return Ok(0);
    }
    match build_missing(conn) {
        Ok(built) => Ok(built),
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ReadOnly => {
            Ok(0)
        }
        Err(e) => Err(sql_err(path, e)),
    }
}

fn build_missing(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let built = (|| {
        let todo = missing(conn)?;
        let memory: i64 = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        conn.pragma_update(None, "temp_store", "FILE")?;
        let result = todo.iter().try_for_each(|(name, sql)| {
            let guarded = sql.replacen(
                &format!("INDEX {name}"),
                &format!("INDEX IF NOT EXISTS {name}"),
                1,
            );
            conn.execute_batch(&guarded)
        });
        conn.pragma_update(None, "temp_store", memory)?;
        result.map(|()| todo.len())
    })();
    match built {
        Ok(n) => conn.execute_batch("COMMIT").map(|()| n),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Store {
    /// Set the read indexes aside for a bulk import of `input_bytes` (`None`: unknown, such as a pipe)
    /// when this connection holds the database exclusively and the input is at least as large as the
    /// database. `Ok(true)`: they are not there now (set aside, or left aside by a killed import and
    /// not built at [`Store::open_leaving_read_indexes`]); [`Store::restore_read_indexes`] builds them
    /// (and the next open does, if this process dies first).
    pub fn defer_read_indexes(&mut self, input_bytes: Option<u64>) -> Result<bool> {
        // A killed import's database opened with [`Store::open_leaving_read_indexes`] lacks them
        // already: they are then built at the end all the same.
        let already = !missing(&self.conn).map_err(|e| self.err(e))?.is_empty();
        if !self.exclusive || self.in_transaction {
            return Ok(already);
        }
        let db_bytes: u64 = self
            .conn
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| self.err(e))?
            .max(0) as u64;
        if input_bytes.is_some_and(|input| input < db_bytes) {
            return Ok(already);
        }
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        for (name, _) in &READ_INDEXES {
            tx.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(true)
    }

    /// Build the read indexes a bulk import set aside ([`Store::defer_read_indexes`]); returns how
    /// many it built (0 when none was missing).
    pub fn restore_read_indexes(&mut self) -> Result<usize> {
        ensure(&self.conn, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::READ_INDEXES;
    use crate::Store;

    fn index_sql(s: &Store) -> Vec<(String, String)> {
        let mut stmt = s
            .connection()
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn the_definitions_are_the_migrations_and_come_back_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        let mut s = Store::open(&path).unwrap();
        let before = index_sql(&s);
        for (name, sql) in READ_INDEXES {
            assert!(
                before.iter().any(|(n, q)| n == name && q == sql),
                "{name}: {before:?}"
            );
        }
        // Not exclusive: never set aside.
        assert!(!s.defer_read_indexes(None).unwrap());
        assert!(s.begin_bulk_mode().unwrap());
        assert!(s.defer_read_indexes(None).unwrap());
        let during = index_sql(&s);
        assert_eq!(during.len(), before.len() - READ_INDEXES.len());
        assert_eq!(s.restore_read_indexes().unwrap(), READ_INDEXES.len());
        assert_eq!(index_sql(&s), before);
        assert_eq!(s.restore_read_indexes().unwrap(), 0);
    }

    #[test]
    fn a_small_input_into_a_larger_database_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        let mut s = Store::open(&path).unwrap();
        assert!(s.begin_bulk_mode().unwrap());
        assert!(!s.defer_read_indexes(Some(10)).unwrap());
        assert!(s.defer_read_indexes(Some(1 << 40)).unwrap());
    }

    /// A database whose import died with the read indexes set aside, and its indexes before.
    fn killed_import(dir: &std::path::Path) -> (std::path::PathBuf, Vec<(String, String)>) {
        let path = dir.join("e.db");
        let before = index_sql(&Store::open(&path).unwrap());
        let mut s = Store::open(&path).unwrap();
        assert!(s.begin_bulk_mode().unwrap());
        assert!(s.defer_read_indexes(None).unwrap());
        // Dropped without restoring, as a killed process would leave it.
        (path, before)
    }

    #[test]
    fn an_import_after_one_that_died_leaves_them_aside_and_builds_them_once_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let (path, before) = killed_import(dir.path());
        let mut s = Store::open_leaving_read_indexes(&path).unwrap();
        assert_ne!(index_sql(&s), before, "not built at open");
        // Even an import too small to set them aside says they are to be built at its end.
        assert!(s.defer_read_indexes(Some(0)).unwrap());
        assert_eq!(s.restore_read_indexes().unwrap(), READ_INDEXES.len());
        assert_eq!(index_sql(&s), before);
        assert!(!s.defer_read_indexes(Some(0)).unwrap(), "none missing now");
    }

    #[test]
    fn an_import_that_died_with_them_aside_finds_them_rebuilt_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let (path, before) = killed_import(dir.path());
        let s = Store::open(&path).unwrap();
        assert_eq!(index_sql(&s), before);
        // The build spilled its sort to a file; the connection is back to temporary tables in memory.
        let temp: i64 = s
            .connection()
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .unwrap();
        assert_eq!(temp, 2);
    }
}
