//! Imports killed with SIGKILL at random moments leave a consistent database, and running the import
//! again completes it with exactly the counts of an import never killed: nothing lost, nothing stored
//! twice, no file left over.

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const TRIALS: u64 = 20;

fn import_args(db: &Path, input: &Path) -> Command {
    import_with(db, input, &["--format", "higgs"])
}

fn import_with(db: &Path, input: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_earshot"));
    c.arg("--db").arg(db).args(["--quiet", "import"]).args(args);
    c.args(["--batch-size", "5000", "--segment-rows", "15000"]);
    c.arg(input);
    c
}

/// The segment files in the folder and the rows the catalogue counts.
fn log_files(db: &Path) -> (Vec<String>, Vec<String>, i64) {
    let mut on_disk: Vec<String> = std::fs::read_dir(format!("{}.events", db.display()))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mut st = conn
        .prepare("SELECT file FROM event_segments ORDER BY file")
        .unwrap();
    let named: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let rows: i64 = conn
        .query_row(
            "SELECT COALESCE(SUM(rows), 0) FROM event_segments WHERE content = 'interactions'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (on_disk, named, rows)
}

#[test]
fn sigkill_at_random_moments_then_rerun_gives_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.txt");
    // 150k distinct interactions among ~100k accounts: long enough to be killed part-way.
    let total: u64 = 150_000;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..total {
            writeln!(
                w,
                "{} {} {} {}",
                (i * 7919) % 100_003,
                (i * 104_729) % 1_009,
                1_341_100_000 + i,
                ["RT", "MT", "RE"][(i % 3) as usize]
            )
            .unwrap();
        }
    }
    // The import never killed, and how long it takes.
    let reference = dir.path().join("reference.db");
    let started = Instant::now();
    assert!(import_args(&reference, &input).status().unwrap().success());
    let full = started.elapsed();
    let expected = stats(&reference);
    assert_eq!(expected["interactions"].as_u64().unwrap(), total);

    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut killed_running, mut partial_seen) = (0, 0);
    for trial in 0..TRIALS {
        let db = dir.path().join(format!("t{trial}.db"));
        // A moment anywhere in the import (including its first and last tenths).
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let fraction = (seed >> 11) as f64 / (1u64 << 53) as f64;
        let mut child = import_args(&db, &input).spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction.clamp(0.01, 0.99)));
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        }
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();

        if db.exists() {
            let (_, _, rows) = log_files(&db);
            let stored = stats(&db)["interactions"].as_u64().unwrap();
            assert!(stored <= total, "trial {trial}: {stored} of {total}");
            assert_eq!(
                rows as u64, stored,
                "trial {trial}: only whole segments are read"
            );
            if stored > 0 && stored < total {
                partial_seen += 1;
            }
        }
        let again = import_args(&db, &input).output().unwrap();
        assert!(again.status.success(), "trial {trial}: {again:?}");
        let s = stats(&db);
        for key in [
            "interactions",
            "accounts",
            "by_kind",
            "undated_interactions",
        ] {
            assert_eq!(s[key], expected[key], "trial {trial}: {key}");
        }
        let (on_disk, named, rows) = log_files(&db);
        assert_eq!(rows as u64, total, "trial {trial}: nothing stored twice");
        assert_eq!(on_disk, named, "trial {trial}: no file left over");
    }
    assert!(
        killed_running >= TRIALS / 2,
        "only {killed_running} of {TRIALS} imports were still running when killed"
    );
    assert!(
        partial_seen >= 3,
        "only {partial_seen} trials left part of the data"
    );
}

/// The same with posts in the log (`--event-log posts`): threads whose references imply reactions, killed
/// at random moments; the rerun gives the posts, interactions and derived reactions of an import never
/// killed, each post stored once.
#[test]
fn sigkill_of_a_posts_in_the_log_import_then_rerun_gives_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("threads.jsonl");
    let posts: u64 = 40_000;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..posts {
            let reference = match i % 4 {
                1 => format!(r#","reply_to":"p{}""#, i.saturating_sub(3)),
                2 => format!(r#","reshare_of":"p{}""#, (i * 7) % posts),
                3 => format!(r#","quote_of":"missing{i}""#),
                _ => String::new(),
            };
            writeln!(
                w,
                r#"{{"type":"post","platform":"t","ext_id":"p{i}","author":{{"ext_id":"{}"}},"time":{},"text":"post {i}"{reference}}}"#,
                i % 997,
                1_341_100_000 + i
            )
            .unwrap();
            writeln!(
                w,
                r#"{{"type":"interaction","platform":"t","key":"k{i}","kind":"{}","actor":{{"ext_id":"{}"}},"target":{{"ext_id":"{}"}},"post":"p{}","time":{}}}"#,
                ["like", "reply", "reshare"][(i % 3) as usize],
                (i * 31) % 1_009,
                i % 997,
                i / 2,
                1_341_100_000 + i
            )
            .unwrap();
        }
    }
    let args = ["--event-log", "posts"];
    let reference = dir.path().join("reference.db");
    let started = Instant::now();
    assert!(import_with(&reference, &input, &args)
        .status()
        .unwrap()
        .success());
    let full = started.elapsed();
    let expected = stats(&reference);
    assert_eq!(expected["posts"].as_u64().unwrap(), posts);
    assert!(
        expected["implied_interactions"].as_u64().unwrap() > 5_000,
        "{expected}"
    );
    let keys = [
        "posts",
        "interactions",
        "implied_interactions",
        "references_waiting",
        "accounts",
        "by_kind",
    ];

    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut partial_seen = 0;
    for trial in 0..TRIALS {
        let db = dir.path().join(format!("p{trial}.db"));
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let fraction = (seed >> 11) as f64 / (1u64 << 53) as f64;
        let mut child = import_with(&db, &input, &args).spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction.clamp(0.01, 0.99)));
        child.kill().ok();
        child.wait().unwrap();
        if db.exists() {
            let stored = stats(&db)["posts"].as_u64().unwrap();
            assert!(stored <= posts, "trial {trial}: {stored} of {posts}");
            if stored > 0 && stored < posts {
                partial_seen += 1;
            }
        }
        let again = import_with(&db, &input, &args).output().unwrap();
        assert!(again.status.success(), "trial {trial}: {again:?}");
        let s = stats(&db);
        for key in keys {
            assert_eq!(s[key], expected[key], "trial {trial}: {key}");
        }
        let (on_disk, named, _) = log_files(&db);
        assert_eq!(on_disk, named, "trial {trial}: no file left over");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let post_rows: i64 = conn
            .query_row(
                "SELECT SUM(rows) FROM event_segments WHERE content = 'posts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            post_rows as u64, posts,
            "trial {trial}: each post stored once"
        );
    }
    assert!(
        partial_seen >= 3,
        "only {partial_seen} trials left part of the posts"
    );
}
