//! The import log: one row per `earshot import` run, so a user can see what was loaded, when, and how it
//! ended — including runs that were killed (left `running`, shown as `interrupted` by the next open).

use crate::{Result, Store, WriteCounts};
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStatus {
    Running,
    /// Finished with every line imported.
    Done,
    /// Finished; some lines were rejected and the rest imported.
    RejectedLines,
    /// `--strict` hit a bad line and rolled everything back.
    RolledBack,
    /// The process died before finishing; rerunning the same import completes it.
    Interrupted,
    /// The input could not be read to its end (a truncated gzip): what came before was imported.
    Truncated,
    /// An error stopped the import (see the command's message); whole batches before it stay.
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::RejectedLines => "rejected-lines",
            ImportStatus::RolledBack => "rolled-back",
            ImportStatus::Interrupted => "interrupted",
            ImportStatus::Truncated => "truncated",
            ImportStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> ImportStatus {
        match s {
            "done" => ImportStatus::Done,
            "rejected-lines" => ImportStatus::RejectedLines,
            "rolled-back" => ImportStatus::RolledBack,
            "running" => ImportStatus::Running,
            "truncated" => ImportStatus::Truncated,
            "failed" => ImportStatus::Failed,
            _ => ImportStatus::Interrupted,
        }
    }
}

/// How far an import has got: records read, events parsed, rejections, and rows written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportProgress {
    pub records: u64,
    pub events: u64,
    pub rejected: u64,
    pub written: WriteCounts,
}

impl ImportProgress {
    pub fn add(&mut self, o: &ImportProgress) {
        self.records += o.records;
        self.events += o.events;
        self.rejected += o.rejected;
        self.written.add(&o.written);
    }
}

/// What the import log knows about one run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub path: String,
    pub format: String,
    pub source: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: ImportStatus,
    /// Records read (the `lines` column: lines, CSV records or JSON elements).
    pub records: u64,
    pub rejected: u64,
    pub counts: WriteCounts,
}

/// Handle on one running import's log row.
#[derive(Debug, Clone, Copy)]
pub struct ImportLog {
    pub id: i64,
}

impl Store {
    /// Record the start of an import. When this store holds the database exclusively (bulk mode), any
    /// earlier run still marked `running` (an import, or a score run in the score log) is from a
    /// process that died, so it is marked `interrupted` first. Without the exclusive lock another import may really be running beside this one (an API
    /// ingest during `earshot import`, or an import beside `earshot serve`), so its row is left alone:
    /// the next exclusive import settles it.
    pub fn start_import(
        &mut self,
        path: &str,
        format: &str,
        source: &str,
        now: i64,
    ) -> Result<ImportLog> {
        if self.exclusive {
            self.conn
                .execute_batch(
                    "UPDATE imports SET status = 'interrupted' WHERE status = 'running';
                     UPDATE score_log SET status = 'interrupted' WHERE status = 'running';",
                )
                .map_err(|e| self.err(e))?;
        }
        self.conn
            .execute(
                "INSERT INTO imports (path, format, source, started_at, status) VALUES (?1, ?2, ?3, ?4, 'running')",
                params![path, format, source, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(ImportLog {
            id: self.conn.last_insert_rowid(),
        })
    }

    /// Record how far an import has got. Called inside each batch's transaction, so the log row always
    /// describes exactly what is committed, even if the process is killed next.
    pub fn record_import_progress(&mut self, log: ImportLog, p: &ImportProgress) -> Result<()> {
        self.conn
            .execute(
                "UPDATE imports SET lines = ?2, rejected = ?3, accounts_new = ?4, posts_new = ?5,
                    interactions_new = ?6 WHERE id = ?1",
                params![
                    log.id,
                    p.records as i64,
                    p.rejected as i64,
                    p.written.accounts_new as i64,
                    p.written.posts_new as i64,
                    p.written.interactions_new as i64
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Record how an import ended.
    pub fn finish_import(
        &mut self,
        log: ImportLog,
        status: ImportStatus,
        p: &ImportProgress,
        now: i64,
    ) -> Result<()> {
        self.record_import_progress(log, p)?;
        self.conn
            .execute(
                "UPDATE imports SET status = ?2, finished_at = ?3 WHERE id = ?1",
                params![log.id, status.as_str(), now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The most recent imports, newest first.
    pub fn imports(&self, limit: usize) -> Result<Vec<ImportRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, path, format, source, started_at, finished_at, status, lines, rejected,
                        accounts_new, posts_new, interactions_new
                 FROM imports ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                let status: String = r.get(6)?;
                Ok(ImportRecord {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    format: r.get(2)?,
                    source: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                    status: ImportStatus::parse(&status),
                    records: r.get::<_, i64>(7)? as u64,
                    rejected: r.get::<_, i64>(8)? as u64,
                    counts: WriteCounts {
                        accounts_new: r.get::<_, i64>(9)? as u64,
                        posts_new: r.get::<_, i64>(10)? as u64,
                        interactions_new: r.get::<_, i64>(11)? as u64,
                        ..Default::default()
                    },
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}
