//! A score run killed with SIGKILL leaves a record that it was interrupted (issue 19, finding 7), as a
//! killed import does: its log row says `running` from before any work, the next run that holds the
//! database alone marks it `interrupted`, and the latest scores stay those of the last complete run.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The status of the newest score-log row, read straight from the file (`None`: no such row or table).
fn newest_score_status(db: &Path) -> Option<String> {
    let conn = rusqlite::Connection::open(db).ok()?;
    conn.query_row(
        "SELECT status FROM score_log ORDER BY id DESC LIMIT 1",
        [],
        |r| r.get(0),
    )
    .ok()
}

#[test]
fn a_killed_score_is_recorded_and_never_the_latest_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    // Scale 13: some 65,000 interactions, seconds of scoring to be killed in.
    let stream = dir.path().join("s.jsonl.gz");
    let out = earshot(
        &db,
        &[
            "gen",
            "--scale",
            "13",
            "--edge-factor",
            "8",
            "--seed",
            "5",
            "--out",
            stream.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, rep) = earshot_json(&db, &["import", stream.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let (code, first) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{first}");
    let first_run = first["run"].as_i64().unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .arg("--db")
        .arg(&db)
        .args(["--quiet", "score"])
        .spawn()
        .unwrap();
    // Kill as soon as the run has recorded its start: scoring takes far longer than one poll.
    let start = Instant::now();
    while newest_score_status(&db).as_deref() != Some("running")
        || first_run_is_newest(&db, first_run)
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "score finished without ever recording that it was running"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "score never recorded its start"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    // The killed run stored no scores: the latest run is still the first.
    let (code, top) = earshot_json(&db, &["top", "--limit", "1"]);
    assert_eq!(code, 0, "{top}");
    assert_eq!(top["run"]["id"].as_i64(), Some(first_run));
    let log = stats(&db)["score_runs"].clone();
    assert_eq!(log[0]["status"], "running", "{log}");
    assert!(log[0]["run"].is_null(), "{log}");

    // The next run holds the database alone, so it knows the killed one died.
    let (code, next) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{next}");
    let log = stats(&db)["score_runs"].clone();
    let statuses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "interrupted", "done"], "{log}");
    assert_eq!(log[0]["run"], next["run"]);
    assert_eq!(log[2]["run"].as_i64(), Some(first_run));
    assert!(log[1]["finished_at"].is_null(), "{log}");
}

/// Whether the newest score-log row is still the first run's (the child has not logged yet).
fn first_run_is_newest(db: &Path, first_run: i64) -> bool {
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return true;
    };
    conn.query_row(
        "SELECT run_id FROM score_log ORDER BY id DESC LIMIT 1",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )
    .map(|r| r == Some(first_run))
    .unwrap_or(true)
}

#[test]
fn a_score_that_fails_is_recorded_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    // An account and no interaction: nothing to score.
    let file = dir.path().join("one.jsonl");
    std::fs::write(
        &file,
        "{\"type\":\"account\",\"platform\":\"t\",\"ext_id\":\"1\"}\n",
    )
    .unwrap();
    let (code, rep) = earshot_json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let out = earshot(&db, &["score"]);
    assert!(!out.status.success());
    let log = stats(&db)["score_runs"].clone();
    assert_eq!(log[0]["status"], "failed", "{log}");
    assert!(log[0]["run"].is_null());
    assert!(
        log[0]["error"]
            .as_str()
            .unwrap()
            .contains("nothing to score"),
        "{log}"
    );
}
