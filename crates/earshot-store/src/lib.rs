//! earshot's embedded store: one SQLite file holding accounts, posts, interactions, the import log, score
//! runs and the customer-service triage log.
//!
//! Only this crate speaks SQL. Writes are batched into transactions of prepared statements and are
//! idempotent (every row's primary key is a stable id from `earshot_model`), so an import that was killed
//! half-way is completed by simply running it again: committed batches are skipped row by row, and the
//! batch that was in flight was never visible (SQLite's WAL journal guarantees that).

mod columns;
mod forget;
mod implied;
mod imports;
mod interactions;
mod jobs;
mod keys;
mod known_ids;
mod offline;
mod persons;
mod read;
mod read_indexes;
mod runs;
mod schema;
mod score_log;
mod scores;
mod segments;
mod stats;
mod topics;
mod triage;
mod upkeep;
mod watches;
mod write;

pub use forget::{ForgetCounts, ForgetTarget, REDACTED_MENTION};
pub use imports::{ImportLog, ImportProgress, ImportRecord, ImportStatus};
pub use jobs::{JobRecord, JobStatus};
pub use keys::{ApiKeyRecord, NewApiKey};
pub use offline::{EvidenceSubject, OfflineEvidence};
pub use persons::{LinkOutcome, LinkedElsewhere, Person, PersonAccount};
pub use read::{InteractionRow, PostName, PostRow, TimeWindow};
pub use runs::ScoreRun;
pub use schema::set_connection_memory;
pub use score_log::{ScoreLog, ScoreLogRecord, ScoreStatus};
pub use scores::{AccountMatch, AccountName, NamedScore, RankFilter, ScoreRow, COMPONENTS};
pub use segments::catalogue::SegmentInfo;
pub use segments::rewrite::CompactCounts;
pub use segments::{folder_of as segment_folder_of, SegmentSink, SegmentWritten, RUN_ROWS};
pub use stats::{KindCount, Overview, PlatformCount, Stats, TopAccount};
pub use topics::{TopicInfo, TopicRun, TopicScoreRow, TopicScores, TOPIC_COMPONENTS};
pub use triage::{
    score_tier, AuthorLookup, FairnessReport, FairnessTier, NewTriageDecision, NewTriageMessage,
    TriageDecision, TriageEntry, TriageMessage, TriageQueue, TriageRecord, TriageSaved,
    SCORE_TIERS,
};
pub use upkeep::{PrunedRuns, PrunedText};
pub use watches::{
    AlertRecord, DeliveryRecord, DueDelivery, NewAlert, NewWatch, ScoreFacts, Watch, WatchedScore,
    Webhook,
};
pub use write::WriteCounts;

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store, with the database path for context.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: database schema version {found} is newer than this earshot understands ({known}); upgrade earshot")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: no earshot database here (run `earshot import` first)")]
    Missing { path: PathBuf },
    #[error("{path}: {what} is not valid: {why}")]
    Invalid {
        path: PathBuf,
        what: &'static str,
        why: String,
    },
    #[error("event segment {path}: {why}")]
    Segment { path: PathBuf, why: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long statements wait for a lock another connection holds, unless opened with
/// [`Store::open_waiting`]: long enough to ride out another writer's batch or a checkpoint.
pub const DEFAULT_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl StoreError {
    /// Whether SQLite gave up waiting for a lock another connection holds (after the busy timeout):
    /// worth retrying later, unlike every other error.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite {
                source: rusqlite::Error::SqliteFailure(f, _),
                ..
            } if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        )
    }
}

/// An open earshot database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Accounts known to exist (with their handle, if any, stored) so that the hot write path does not
    /// re-insert an actor for every one of its interactions. Cleared on rollback and when it grows past
    /// [`write::ACCOUNT_CACHE_LIMIT`], so memory stays bounded on any input size.
    known_accounts: known_ids::KnownIds,
    in_transaction: bool,
    /// This connection holds the database's lock exclusively ([`Store::begin_bulk_mode`]): no other
    /// process can be writing, so an import row left `running` is certainly from one that died.
    exclusive: bool,
    /// Forgotten accounts' tombstones, loaded on first write (`None`: not loaded yet).
    tombstones: Option<forget::Tombstones>,
    /// Segment files written in the open transaction: deleted if it rolls back.
    uncommitted_segments: Vec<PathBuf>,
    /// Segment files a committed transaction no longer names (rewritten or merged): deleted at commit.
    retired_segments: Vec<PathBuf>,
    /// The reactions posts' references imply, derived for the database as it was at a stamp
    /// (`segments/derive.rs`): a score run reads interactions several times over.
    derived: std::sync::Mutex<Option<segments::derive::Stamped>>,
    /// Posts up to which a derivation holds every post's author in memory; past it, it reads the posts
    /// twice ([`Store::derive_with_authors_up_to`]).
    derive_authors_limit: u64,
    /// The ids of the posts in post segments, sorted, for the catalogue's files they were read from: a
    /// write of a post through SQLite skips one the log holds, as it skips one SQLite holds.
    logged_post_ids: std::sync::Mutex<Option<(String, std::sync::Arc<Vec<i64>>)>>,
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_waiting(path, DEFAULT_BUSY_WAIT)
    }

    /// [`Store::open`], with statements (opening included) waiting at most `busy_wait` for a lock
    /// another connection holds before failing with a busy error ([`StoreError::is_busy`]).
    pub fn open_waiting(path: &Path, busy_wait: std::time::Duration) -> Result<Store> {
        let store = Store::open_unindexed(path, busy_wait)?;
        // A bulk import that died with the read indexes set aside: build them before anything reads.
        read_indexes::ensure(&store.conn, path)?;
        Ok(store)
    }

    /// [`Store::open`] for a bulk import: the indexes only readers use, if a killed import left them
    /// set aside, are not built now, only for the import to set them aside again; the import builds
    /// them at its end ([`Store::defer_read_indexes`] then says they are missing, and
    /// [`Store::restore_read_indexes`] builds them). Any other command's open builds them first.
    pub fn open_leaving_read_indexes(path: &Path) -> Result<Store> {
        Store::open_unindexed(path, DEFAULT_BUSY_WAIT)
    }

    fn open_unindexed(path: &Path, busy_wait: std::time::Duration) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| sql_err(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            known_accounts: known_ids::KnownIds::default(),
            in_transaction: false,
            exclusive: false,
            tombstones: None,
            uncommitted_segments: Vec::new(),
            retired_segments: Vec::new(),
            derived: std::sync::Mutex::new(None),
            derive_authors_limit: segments::derive::AUTHORS_IN_MEMORY,
            logged_post_ids: std::sync::Mutex::new(None),
        };
        schema::configure(&store.conn, busy_wait).map_err(|e| sql_err(path, e))?;
        schema::migrate(&mut store.conn, path)?;
        Ok(store)
    }

    /// Open an existing database; fails with [`StoreError::Missing`] rather than creating an empty one.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Store::open_existing_waiting(path, DEFAULT_BUSY_WAIT)
    }

    /// [`Store::open_existing`] with [`Store::open_waiting`]'s `busy_wait`.
    pub fn open_existing_waiting(path: &Path, busy_wait: std::time::Duration) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        Store::open_waiting(path, busy_wait)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for crates layered above the store that need read queries not yet wrapped here.
    /// Writes must go through the store's own methods.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Set this connection up for one long bulk write: hold SQLite's lock for as long as the store is open
    /// (`locking_mode = EXCLUSIVE`) and checkpoint the write-ahead log only when asked
    /// ([`checkpoint_if_wal_over`](Store::checkpoint_if_wal_over)) rather than after every commit.
    ///
    /// Exclusive locking skips WAL's shared-memory index on every page access (~40% faster imports), and
    /// fewer checkpoints copy each hot page back into the database fewer times (~15%); see BENCHMARKS.md.
    /// Other processes cannot read the database until this store is dropped, so only one-shot bulk
    /// writers (`import`, `score`) use it, and only when nobody else has the database open: if another
    /// connection does (a running `earshot serve`, say), this returns `Ok(false)` and the store stays in
    /// normal mode, slower but sharing the file. `Ok(true)`: the exclusive lock is held.
    pub fn begin_bulk_mode(&mut self) -> Result<bool> {
        self.conn
            .pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|e| self.err(e))?;
        // Probe for the exclusive lock without waiting long for it.
        self.conn
            .busy_timeout(std::time::Duration::from_millis(200))
            .map_err(|e| self.err(e))?;
        let probe = self.conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;");
        self.conn
            .busy_timeout(DEFAULT_BUSY_WAIT)
            .map_err(|e| self.err(e))?;
        match probe {
            Ok(()) => {
                self.conn
                    .pragma_update(None, "wal_autocheckpoint", 0)
                    .map_err(|e| self.err(e))?;
                self.exclusive = true;
                // Alone on the database: files of a killed import's uncommitted runs can go.
                self.sweep_orphan_segments()?;
                Ok(true)
            }
            Err(rusqlite::Error::SqliteFailure(f, _))
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                self.conn
                    .pragma_update(None, "locking_mode", "NORMAL")
                    .map_err(|e| self.err(e))?;
                Ok(false)
            }
            Err(e) => Err(self.err(e)),
        }
    }

    /// Run several reads as one read transaction: they see one snapshot, and SQLite takes its locks
    /// once instead of once per statement (which dominates a handful of indexed lookups).
    pub fn read_snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let run = |sql: &str| -> Result<(), StoreError> {
            self.conn
                .prepare_cached(sql)
                .and_then(|mut s| s.execute([]))
                .map(|_| ())
                .map_err(|e| self.err(e))
        };
        let nested = !self.conn.is_autocommit();
        if !nested {
            run("BEGIN DEFERRED")?;
        }
        let out = f(self);
        if !nested {
            // Nothing was written, so ending the transaction cannot lose anything.
            let _ = run("COMMIT");
        }
        out
    }

    /// Size SQLite's page cache for this connection (default 256 MiB). Peak memory of a long import is
    /// about this plus the batches in flight.
    pub fn set_cache_mib(&mut self, mib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))
            .map_err(|e| self.err(e))
    }

    /// Copy the write-ahead log back into the database and truncate it, if it has grown past `max_bytes`.
    /// Bounds disk use in bulk mode; call between transactions.
    pub fn checkpoint_if_wal_over(&mut self, max_bytes: u64) -> Result<()> {
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > max_bytes {
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: `Ok(())` when SQLite reports "ok", else the problems it listed.
    pub fn integrity_check(&self) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.err(e))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "database",
                why: rows.join("; "),
            })
        }
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_err(&self.path, e)
    }
}

fn sql_err(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_mode_is_exclusive_only_when_nobody_else_has_the_file_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let reader = Store::open(&path).unwrap();
        let mut writer = Store::open(&path).unwrap();
        // Another connection is open: shared mode, and both keep working.
        assert!(!writer.begin_bulk_mode().unwrap());
        writer
            .create_job("plan", "{}", None, 1)
            .expect("writes beside a reader");
        assert_eq!(reader.jobs(10, 0).unwrap().len(), 1);
        drop(writer);
        drop(reader);
        // Alone: exclusive, and a second opener is refused until it is dropped.
        let mut alone = Store::open(&path).unwrap();
        assert!(alone.begin_bulk_mode().unwrap());
        alone.create_job("plan", "{}", None, 2).unwrap();
        drop(alone);
        assert_eq!(Store::open(&path).unwrap().jobs(10, 0).unwrap().len(), 2);
    }
}
