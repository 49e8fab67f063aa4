//! Score runs themselves, apart from what they scored: what a run was, its row in `score_runs`, and
//! reading runs back. The scores (`scores.rs`) and topic scores (`topics.rs`) of a run both refer to it;
//! the run sits below both, so that `scores.rs`, which stores a run's topics in the same transaction,
//! is the only one to reach the other.

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// What a run was: its model, window and population.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreRun {
    pub id: i64,
    pub created_at: i64,
    pub model_version: String,
    #[serde(skip)]
    pub model_json: String,
    pub window_from: Option<i64>,
    pub window_to: Option<i64>,
    /// The latest interaction time in the run's window and platform when it ran: the end of its data.
    /// `None` when no interaction was dated (edge lists without times). Runs stored before schema 7
    /// have it estimated from the interactions dated no later than the run.
    pub last_event: Option<i64>,
    pub platform: Option<String>,
    pub accounts: u64,
    pub interactions: u64,
    pub weights: [f64; 5],
}

impl ScoreRun {
    /// The instant the run describes: its window's end (`--to`), else the latest event it read; only
    /// a run over undated interactions falls back to when it ran.
    pub fn as_of(&self) -> i64 {
        self.window_to
            .or(self.last_event)
            .unwrap_or(self.created_at)
    }
}

const RUN_COLUMNS: &str = "id, created_at, model_version, model_json, window_from, window_to, platform, accounts, interactions, weights, last_event";

fn run_from(r: &Row<'_>) -> rusqlite::Result<ScoreRun> {
    let weights: String = r.get(9)?;
    let parsed: Vec<f64> = serde_json::from_str(&weights).unwrap_or_default();
    let mut w = [0.0; 5];
    for (slot, v) in w.iter_mut().zip(parsed) {
        *slot = v;
    }
    Ok(ScoreRun {
        id: r.get(0)?,
        created_at: r.get(1)?,
        model_version: r.get(2)?,
        model_json: r.get(3)?,
        window_from: r.get(4)?,
        window_to: r.get(5)?,
        platform: r.get(6)?,
        accounts: r.get::<_, i64>(7)? as u64,
        interactions: r.get::<_, i64>(8)? as u64,
        weights: w,
        last_event: r.get(10)?,
    })
}

/// Writes the run's own row inside the transaction that stores its scores; returns its id.
pub(crate) fn insert(tx: &Transaction<'_>, run: &ScoreRun) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO score_runs (created_at, model_version, model_json, window_from, window_to, platform,
            accounts, interactions, weights, last_event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            run.created_at,
            run.model_version,
            run.model_json,
            run.window_from,
            run.window_to,
            run.platform,
            run.accounts as i64,
            run.interactions as i64,
            serde_json::to_string(&run.weights).unwrap_or_else(|_| "[]".into()),
            run.last_event,
        ],
    )
    ?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// A run by id, or the latest run when `id` is `None`.
    pub fn score_run(&self, id: Option<i64>) -> Result<Option<ScoreRun>> {
        let sql = match id {
            Some(_) => format!("SELECT {RUN_COLUMNS} FROM score_runs WHERE id = ?1"),
            None => format!(
                "SELECT {RUN_COLUMNS} FROM score_runs WHERE ?1 IS NULL ORDER BY id DESC LIMIT 1"
            ),
        };
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row(params![id], run_from).optional())
            .map_err(|e| self.err(e))
    }

    /// Every run, oldest first.
    pub fn score_runs(&self) -> Result<Vec<ScoreRun>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {RUN_COLUMNS} FROM score_runs ORDER BY id"))
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], run_from).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The latest run that scored `platform`'s accounts: one of that platform alone or of all
    /// platforms.
    pub fn latest_run_covering(&self, platform: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached(
                "SELECT id FROM score_runs WHERE platform IS NULL OR platform = ?1
                 ORDER BY id DESC LIMIT 1",
            )
            .and_then(|mut s| s.query_row(params![platform], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Whether run `run` stored any authenticity weight (a run made without an authenticity model,
    /// `score --no-authenticity`, stores none).
    pub fn run_has_authenticity(&self, run: i64) -> Result<bool> {
        self.conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM scores WHERE run_id = ?1 AND authenticity IS NOT NULL)",
            )
            .and_then(|mut s| s.query_row(params![run], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// The latest run's id, if any run is stored.
    pub fn latest_run_id(&self) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT MAX(id) FROM score_runs")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }
}
