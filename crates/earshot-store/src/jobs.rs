//! Background jobs started over the API: their parameters, progress and result, kept in the database
//! so that a client can poll them and a restarted server can say what became of them.

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension, Row};

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> JobStatus {
        match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            _ => JobStatus::Failed,
        }
    }
}

/// One stored job. `params` and `result` are JSON texts, as the server wrote them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    pub params: String,
    /// 0–1.
    pub progress: f64,
    pub message: Option<String>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub key_id: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str =
    "id, kind, status, params, progress, message, result, error, key_id, created_at, started_at, finished_at";

fn job_from(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    Ok(JobRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: JobStatus::parse(&r.get::<_, String>(2)?),
        params: r.get(3)?,
        progress: r.get(4)?,
        message: r.get(5)?,
        result: r.get(6)?,
        error: r.get(7)?,
        key_id: r.get(8)?,
        created_at: r.get(9)?,
        started_at: r.get(10)?,
        finished_at: r.get(11)?,
    })
}

impl Store {
    /// Queue a job; returns its id.
    pub fn create_job(
        &mut self,
        kind: &str,
        params_json: &str,
        key_id: Option<i64>,
        at: i64,
    ) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO jobs (kind, status, params, key_id, created_at) VALUES (?1, 'queued', ?2, ?3, ?4)",
                params![kind, params_json, key_id, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Mark a queued job running.
    pub fn start_job(&mut self, id: i64, at: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE jobs SET status = 'running', started_at = ?2 WHERE id = ?1",
                params![id, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Record a running job's progress (0–1) and what it is doing.
    pub fn job_progress(&mut self, id: i64, progress: f64, message: &str) -> Result<()> {
        let p = if progress.is_finite() {
            progress.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.conn
            .execute(
                "UPDATE jobs SET progress = ?2, message = ?3 WHERE id = ?1 AND status = 'running'",
                params![id, p, message],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Finish a job with its result (JSON) or its error.
    pub fn finish_job(&mut self, id: i64, outcome: Result<&str, &str>, at: i64) -> Result<()> {
        let (status, result, error, progress) = match outcome {
            Ok(r) => ("done", Some(r), None, 1.0),
            Err(e) => ("failed", None, Some(e), 0.0),
        };
        self.conn
            .execute(
                "UPDATE jobs SET status = ?2, result = ?3, error = ?4, finished_at = ?5,
                        progress = CASE WHEN ?2 = 'done' THEN ?6 ELSE progress END
                 WHERE id = ?1",
                params![id, status, result, error, at, progress],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Jobs left queued or running by a server that stopped: marked failed with `why`. Returns how many.
    pub fn fail_unfinished_jobs(&mut self, why: &str, at: i64) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE jobs SET status = 'failed', error = ?1, finished_at = ?2
                 WHERE status IN ('queued', 'running')",
                params![why, at],
            )
            .map_err(|e| self.err(e))
    }

    pub fn job(&self, id: i64) -> Result<Option<JobRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                job_from,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Jobs newest first, a page at a time.
    pub fn jobs(&self, limit: usize, offset: usize) -> Result<Vec<JobRecord>> {
        self.jobs_page(None, limit, offset)
    }

    /// The jobs one key started, newest first, a page at a time (the API shows a key only its own).
    pub fn jobs_of_key(&self, key_id: i64, limit: usize, offset: usize) -> Result<Vec<JobRecord>> {
        self.jobs_page(Some(key_id), limit, offset)
    }

    fn jobs_page(
        &self,
        key_id: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<JobRecord>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE ?3 IS NULL OR key_id = ?3
                 ORDER BY id DESC LIMIT ?1 OFFSET ?2"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64, key_id], job_from)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Jobs waiting (queued or running): in all, and of them those `key_id` started.
    pub fn waiting_jobs(&self, key_id: Option<i64>) -> Result<(usize, usize)> {
        self.conn
            .query_row(
                "SELECT COUNT(*), COUNT(CASE WHEN key_id = ?1 THEN 1 END) FROM jobs
                 WHERE status IN ('queued', 'running')",
                params![key_id],
                |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
            )
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_moves_from_queued_to_done_or_failed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("j.db")).unwrap();
        let a = s.create_job("forecast", "{\"x\":1}", Some(3), 10).unwrap();
        let b = s.create_job("plan", "{}", None, 11).unwrap();
        assert_eq!(s.job(a).unwrap().unwrap().status, JobStatus::Queued);
        // Progress is only recorded while running.
        s.job_progress(a, 0.5, "early").unwrap();
        assert_eq!(s.job(a).unwrap().unwrap().progress, 0.0);
        s.start_job(a, 12).unwrap();
        s.job_progress(a, 0.4, "sampling").unwrap();
        let j = s.job(a).unwrap().unwrap();
        assert_eq!((j.status, j.progress), (JobStatus::Running, 0.4));
        assert_eq!(j.message.as_deref(), Some("sampling"));
        s.finish_job(a, Ok("{\"ok\":true}"), 13).unwrap();
        let j = s.job(a).unwrap().unwrap();
        assert_eq!((j.status, j.progress), (JobStatus::Done, 1.0));
        assert_eq!(j.result.as_deref(), Some("{\"ok\":true}"));
        // A server restart fails what was left unfinished, and only that.
        assert_eq!(s.fail_unfinished_jobs("server restarted", 20).unwrap(), 1);
        let jb = s.job(b).unwrap().unwrap();
        assert_eq!(jb.status, JobStatus::Failed);
        assert_eq!(jb.error.as_deref(), Some("server restarted"));
        assert_eq!(s.job(a).unwrap().unwrap().status, JobStatus::Done);
        let page = s.jobs(1, 0).unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, b);
        assert_eq!(s.jobs(10, 1).unwrap()[0].id, a);
        assert!(s.job(99).unwrap().is_none());
    }

    #[test]
    fn jobs_are_listed_and_counted_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("k.db")).unwrap();
        let a1 = s.create_job("plan", "{}", Some(1), 10).unwrap();
        let b1 = s.create_job("plan", "{}", Some(2), 11).unwrap();
        let a2 = s.create_job("plan", "{}", Some(1), 12).unwrap();
        let none = s.create_job("plan", "{}", None, 13).unwrap();
        let ids = |jobs: Vec<JobRecord>| jobs.into_iter().map(|j| j.id).collect::<Vec<_>>();
        assert_eq!(ids(s.jobs_of_key(1, 10, 0).unwrap()), vec![a2, a1]);
        assert_eq!(ids(s.jobs_of_key(1, 1, 1).unwrap()), vec![a1]);
        assert_eq!(ids(s.jobs_of_key(2, 10, 0).unwrap()), vec![b1]);
        assert_eq!(ids(s.jobs(10, 0).unwrap()), vec![none, a2, b1, a1]);
        assert_eq!(s.waiting_jobs(Some(1)).unwrap(), (4, 2));
        s.start_job(a1, 14).unwrap();
        s.finish_job(a2, Err("x"), 15).unwrap();
        assert_eq!(s.waiting_jobs(Some(1)).unwrap(), (3, 1));
        assert_eq!(s.waiting_jobs(Some(3)).unwrap(), (3, 0));
        assert_eq!(s.waiting_jobs(None).unwrap(), (3, 0));
    }
}
