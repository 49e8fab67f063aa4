//! `earshot serve` as a process: it announces its address on stdout, answers, stops gracefully on
//! SIGTERM and on Ctrl-C (SIGINT), refuses a database another process holds with the reason and exit
//! code 1, turns bad flags into usage errors, and prints its OpenAPI document without serving. What the
//! server answers is tested endpoint by endpoint in earshot-server's own tests, which start it in
//! process with the same start-up function.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `earshot serve`.
struct Serve {
    child: Child,
    /// `http://127.0.0.1:PORT`
    base: String,
}

impl Serve {
    /// Start `earshot serve` on `db` on an ephemeral loopback port with extra arguments; waits until it
    /// prints its address, which must be its first line.
    fn start(db: &Path, extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("earshot serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server prints its address within a minute");
        let base = line
            .strip_prefix("earshot: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Serve { child, base }
    }

    /// GET `path`: the status, content type and body.
    fn get(&self, path: &str, token: Option<&str>) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut req = agent.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut resp = req.call().expect("the server answers");
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        (resp.status().as_u16(), content_type, body)
    }

    /// Send `signal` (`TERM`, `INT`) and wait for the process to exit.
    fn stop_with(mut self, signal: &str) -> ExitStatus {
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(sent.success());
        self.child.wait().expect("the server exits")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Make a key with `earshot keys create` and return its token.
fn make_key(db: &Path, scope: &str) -> String {
    let out = earshot(
        db,
        &[
            "keys", "create", "--name", "test", "--scope", scope, "--rate", "100", "--burst", "200",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let key = make_key(&db, "read");
    let s = Serve::start(&db, &["--public-docs"]);
    let (status, _, body) = s.get("/healthz", None);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    // --public-docs reached the server: the document needs no key, data still does.
    assert_eq!(s.get("/openapi.json", None).0, 200);
    let (status, content_type, body) = s.get("/v1/jobs", None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(content_type, "application/problem+json");
    // The key made by `earshot keys create` works.
    assert_eq!(s.get("/v1/jobs", Some(&key)).0, 200);
    let status = s.stop_with("TERM");
    assert!(status.success(), "{status:?}");
}

#[test]
fn ctrl_c_stops_it_gracefully_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    make_key(&db, "read");
    let s = Serve::start(&db, &[]);
    assert_eq!(s.get("/healthz", None).0, 200);
    let status = s.stop_with("INT");
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_database_held_exclusively_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.db");
    make_key(&db, "read");
    // Another process (an import started before the server) holds the file exclusively.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; COMMIT;").unwrap();
    let out = earshot(&db, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("another process holds") && err.contains("held.db"),
        "{err}"
    );
    // Not announced as listening: nothing would have answered.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    drop(holder);
    // Released, the same database serves.
    let s = Serve::start(&db, &[]);
    assert_eq!(s.get("/healthz", None).0, 200);
}

#[test]
fn bad_flags_are_usage_errors_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flags.db");
    for (args, flag) in [
        (&["--max-body-mib", "0"][..], "--max-body-mib"),
        (&["--idle-timeout-secs", "0"][..], "--idle-timeout-secs"),
        (&["--body-timeout-secs", "3601"][..], "--body-timeout-secs"),
        (&["--max-connections", "0"][..], "--max-connections"),
        (&["--jobs-per-key", "17"][..], "--jobs-per-key"),
        (&["--triage-floor", "soon"][..], "--triage-floor"),
        (
            &["--triage-floor", "1h", "--triage-min-window", "2h"][..],
            "triage policy",
        ),
    ] {
        let mut full = vec!["serve", "--listen", "127.0.0.1:0"];
        full.extend_from_slice(args);
        let out = earshot(&db, &full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
}

#[test]
fn the_openapi_document_is_printed_without_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = earshot(&db, &["serve", "--openapi"]);
    assert!(out.status.success(), "{out:?}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let served: serde_json::Value = serde_json::from_str(&earshot_server::openapi_json()).unwrap();
    assert_eq!(printed, served);
    assert!(printed["paths"].as_object().unwrap().len() > 10);
    // Printing the document touches no database.
    assert!(!db.exists());
}

/// A server killed while it writes a `POST /v1/events` body leaves a record (issue 19, finding 7): the
/// request's import-log row is `running` before any event is written, nothing of the body is stored
/// (one transaction), and the next run that holds the database alone marks the row `interrupted`.
#[test]
fn a_server_killed_mid_write_leaves_an_interrupted_record_and_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kill.db");
    let key = make_key(&db, "write");
    let mut s = Serve::start(&db, &["--max-body-mib", "256"]);
    // Enough lines that writing them takes far longer than one poll.
    let mut body = String::new();
    for i in 0..300_000 {
        body.push_str(&format!(
            "{{\"type\":\"interaction\",\"platform\":\"k\",\"key\":\"e{i}\",\"kind\":\"like\",\"actor\":{{\"ext_id\":\"a{}\"}},\"target\":{{\"ext_id\":\"t{}\"}},\"time\":{}}}\n",
            i % 5000,
            i % 97,
            1_600_000_000 + i
        ));
    }
    let url = format!("{}/v1/events", s.base);
    let sender = std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        // The connection dies with the server: an error is the expected outcome.
        let _ = agent
            .post(&url)
            .header("Authorization", format!("Bearer {key}"))
            .header("Content-Type", "application/x-ndjson")
            .send(body.as_bytes());
    });
    let running = |db: &Path| -> bool {
        rusqlite::Connection::open(db)
            .and_then(|c| {
                c.query_row(
                    "SELECT COUNT(*) FROM imports WHERE path = '<api>' AND status = 'running'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .is_ok_and(|n| n == 1)
    };
    let start = std::time::Instant::now();
    while !running(&db) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the write never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    s.child.kill().unwrap();
    s.child.wait().unwrap();
    let _ = sender.join();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM interactions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "a killed request's events are all or nothing");
    drop(conn);
    // The next import holding the database alone settles the row.
    let tiny = dir.path().join("tiny.jsonl");
    std::fs::write(
        &tiny,
        "{\"type\":\"account\",\"platform\":\"k\",\"ext_id\":\"z\"}\n",
    )
    .unwrap();
    let (code, rep) = earshot_json(&db, &["import", tiny.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let status: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT status FROM imports WHERE path = '<api>'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "interrupted");
}
