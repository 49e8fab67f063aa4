//! An import killed with SIGKILL mid-way leaves a consistent database, and re-running it completes the
//! import with exactly the expected counts.

mod common;
use common::*;
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn sigkill_midway_then_rerun_gives_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let input = dir.path().join("big.txt");
    // 900k distinct interactions among ~200k accounts: long enough to be killed mid-way.
    let total: u64 = 900_000;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..total {
            writeln!(
                w,
                "{} {} {} {}",
                (i * 7919) % 200_003,
                (i * 104_729) % 1_009,
                1_341_100_000 + i,
                ["RT", "MT", "RE"][(i % 3) as usize]
            )
            .unwrap();
        }
    }
    let wal = dir.path().join("e.db-wal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .arg("--db")
        .arg(&db)
        .args([
            "--quiet",
            "import",
            "--format",
            "higgs",
            "--batch-size",
            "20000",
        ])
        .arg(&input)
        .spawn()
        .unwrap();
    // Kill once some batches have been committed to the write-ahead log.
    let start = Instant::now();
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 4 << 20 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "import never committed a batch"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "import finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let partial: i64 = conn
        .query_row("SELECT COUNT(*) FROM interactions", [], |r| r.get(0))
        .unwrap();
    assert!(
        partial > 0 && (partial as u64) < total,
        "killed mid-way, found {partial}"
    );
    assert_eq!(
        partial % 20_000,
        0,
        "only whole batches are visible: {partial}"
    );
    drop(conn);

    let (code, rep) = earshot_json(
        &db,
        &["import", "--format", "higgs", input.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_eq!(
        rep[0]["written"]["interactions_new"].as_u64().unwrap(),
        total - partial as u64
    );
    let s = stats(&db);
    assert_eq!(s["interactions"].as_u64().unwrap(), total);
    assert_eq!(kind_count(&s, "reshare"), total / 3);
    let imports = s["imports"].as_array().unwrap();
    assert_eq!(imports[1]["status"], "interrupted");
    assert_eq!(imports[0]["status"], "done");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
