//! The score log: one row per score run, written as it starts and completed with its scores, so that
//! a run killed part-way is on record (left `running`; the next run that holds the database alone
//! marks it `interrupted`), as the import log does for imports. A run's scores exist only once its row
//! says `done`: they are stored in the transaction that completes it, so a killed run is never the
//! latest.

use crate::{Result, Store};
use rusqlite::{params, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScoreStatus {
    /// Started and not finished: still running, or killed (a later run settles which).
    Running,
    /// Finished; its scores are stored as `run`.
    Done,
    /// An error stopped it (the message is kept); nothing was stored.
    Failed,
    /// The process died before finishing; nothing was stored.
    Interrupted,
}

impl ScoreStatus {
    fn parse(s: &str) -> ScoreStatus {
        match s {
            "running" => ScoreStatus::Running,
            "done" => ScoreStatus::Done,
            "failed" => ScoreStatus::Failed,
            _ => ScoreStatus::Interrupted,
        }
    }
}

/// Handle on one score run's log row.
#[derive(Debug, Clone, Copy)]
pub struct ScoreLog {
    pub id: i64,
}

/// What the score log knows about one run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreLogRecord {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: ScoreStatus,
    /// The stored run, once done.
    pub run: Option<i64>,
    pub model_version: String,
    pub window_from: Option<i64>,
    pub window_to: Option<i64>,
    pub platform: Option<String>,
    pub error: Option<String>,
}

/// Complete `log` as `done` with stored run `run`, inside the transaction that stores the run's scores;
/// when this connection holds the database alone, every other row still `running` is from a process
/// that died, and is marked `interrupted`.
pub(crate) fn complete(
    tx: &Transaction<'_>,
    log: ScoreLog,
    run: i64,
    now: i64,
    exclusive: bool,
) -> rusqlite::Result<()> {
    if exclusive {
        tx.execute(
            "UPDATE score_log SET status = 'interrupted' WHERE status = 'running' AND id != ?1",
            params![log.id],
        )?;
    }
    tx.execute(
        "UPDATE score_log SET status = 'done', run_id = ?2, finished_at = ?3 WHERE id = ?1",
        params![log.id, run, now],
    )?;
    Ok(())
}

impl Store {
    /// Record that a score run starts, before it reads anything.
    pub fn start_score(
        &mut self,
        model_version: &str,
        window_from: Option<i64>,
        window_to: Option<i64>,
        platform: Option<&str>,
        now: i64,
    ) -> Result<ScoreLog> {
        self.conn
            .execute(
                "INSERT INTO score_log (started_at, status, model_version, window_from, window_to, platform)
                 VALUES (?1, 'running', ?2, ?3, ?4, ?5)",
                params![now, model_version, window_from, window_to, platform],
            )
            .map_err(|e| self.err(e))?;
        Ok(ScoreLog {
            id: self.conn.last_insert_rowid(),
        })
    }

    /// Record that a score run stopped on an error, with its message; nothing of it was stored.
    pub fn fail_score(&mut self, log: ScoreLog, error: &str, now: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE score_log SET status = 'failed', error = ?2, finished_at = ?3 WHERE id = ?1",
                params![log.id, error, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The most recent score runs, newest first.
    pub fn score_log(&self, limit: usize) -> Result<Vec<ScoreLogRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, started_at, finished_at, status, run_id, model_version, window_from,
                        window_to, platform, error
                 FROM score_log ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok(ScoreLogRecord {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    status: ScoreStatus::parse(&r.get::<_, String>(3)?),
                    run: r.get(4)?,
                    model_version: r.get(5)?,
                    window_from: r.get(6)?,
                    window_to: r.get(7)?,
                    platform: r.get(8)?,
                    error: r.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}
