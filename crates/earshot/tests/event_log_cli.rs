//! Results do not depend on where interactions are stored: the Higgs file kept as SQLite rows, and the same
//! file as many small segments plus a copy under another name, score, rank and forecast to the same bytes.

mod common;
use common::*;
use std::path::Path;

/// `--json` output without what a run measures of itself (its time, memory and number).
fn stable(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|key, _| !(key.ends_with("seconds") || key == "seconds_per_iteration"));
        for key in ["peak_rss_kib", "run"] {
            o.remove(key);
        }
    }
    v
}

fn run(db: &Path, args: &[&str]) -> serde_json::Value {
    let (code, v) = earshot_json(db, args);
    assert_eq!(code, 0, "{args:?}: {v}");
    stable(v)
}

#[test]
fn higgs_scores_the_same_from_sqlite_rows_and_from_split_repeated_segments() {
    let Some(higgs) = shared_data("higgs-twitter/higgs-activity_time.txt.gz") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = higgs.to_str().unwrap();
    let rows = dir.path().join("rows.db");
    run(
        &rows,
        &["import", "--format", "higgs", "--event-log", "sqlite", file],
    );
    let log = dir.path().join("log.db");
    run(
        &log,
        &[
            "import",
            "--format",
            "higgs",
            "--segment-rows",
            "100000",
            file,
        ],
    );
    // The first 50,000 lines again under the same source name but as another file: stored twice.
    let part = dir.path().join("part.txt");
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&higgs).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s.lines()
            .take(50_000)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    std::fs::write(&part, text).unwrap();
    run(
        &log,
        &[
            "import",
            "--format",
            "higgs",
            "--source",
            "higgs-activity_time.txt",
            part.to_str().unwrap(),
        ],
    );
    let segments = std::fs::read_dir(format!("{}.events", log.display()))
        .unwrap()
        .count();
    assert!(segments >= 7, "{segments} segments");
    assert!(!Path::new(&format!("{}.events", rows.display())).exists());

    let (a, b) = (stats(&rows), stats(&log));
    for key in [
        "interactions",
        "by_kind",
        "most_interacted",
        "first_time",
        "last_time",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    for args in [
        &["score", "--top", "50"][..],
        &["authority", "--top", "50"][..],
    ] {
        let (a, b) = (run(&rows, args), run(&log, args));
        assert!(a == b, "{args:?} differ:\n{a}\n{b}");
    }
}

/// Posts in the log (`--event-log posts`): a generated stream with half of its stated replies, quotes
/// and reshares left out, so that posts' references imply them, scores, ranks and counts as the same
/// stream stored as SQLite rows, with the reactions derived when read.
#[test]
fn generated_threads_score_the_same_with_posts_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let gen = dir.path().join("gen.jsonl");
    let out = earshot(
        &dir.path().join("unused.db"),
        &[
            "--quiet",
            "gen",
            "--scale",
            "10",
            "--out",
            gen.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let mut stated = 0;
    let threads: String = std::fs::read_to_string(&gen)
        .unwrap()
        .lines()
        .filter(|l| {
            let reaction = l.contains(r#""type":"interaction""#)
                && l.contains(r#""post":"#)
                && [
                    r#""kind":"reply""#,
                    r#""kind":"quote""#,
                    r#""kind":"reshare""#,
                ]
                .iter()
                .any(|k| l.contains(k));
            stated += usize::from(reaction);
            !(reaction && stated % 2 == 1)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let file = dir.path().join("threads.jsonl");
    std::fs::write(&file, threads).unwrap();
    let file = file.to_str().unwrap();
    let rows = dir.path().join("rows.db");
    run(&rows, &["import", "--event-log", "sqlite", file]);
    let log = dir.path().join("log.db");
    run(
        &log,
        &[
            "import",
            "--event-log",
            "posts",
            "--segment-rows",
            "3000",
            file,
        ],
    );
    assert!(Path::new(&format!("{}.events/posts-00000002.parquet", log.display())).exists());

    let (a, b) = (stats(&rows), stats(&log));
    assert!(a["implied_interactions"].as_u64().unwrap() > 100, "{a}");
    for key in [
        "posts",
        "interactions",
        "implied_interactions",
        "references_waiting",
        "by_kind",
        "by_platform",
        "most_interacted",
        "first_time",
        "last_time",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    for args in [
        &["score", "--top", "50"][..],
        &["authority", "--top", "50"][..],
        &["trust", "posts", "--limit", "20"][..],
    ] {
        let (a, b) = (run(&rows, args), run(&log, args));
        assert!(a == b, "{args:?} differ:\n{a}\n{b}");
    }
}

/// A pipe is read once: it is imported, not hashed first (which would leave nothing to import).
#[test]
fn a_stream_from_a_pipe_is_imported_whole() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let lines: String = (0..5_000)
        .map(|i| {
            format!(
                "{} {} {} RT\n",
                i % 97,
                (i * 7) % 89 + 100,
                1_341_100_000 + i
            )
        })
        .collect();
    for round in 0..2 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
            .arg("--db")
            .arg(&db)
            .args([
                "--quiet",
                "import",
                "--format",
                "higgs",
                "--source",
                "piped",
                "/dev/stdin",
            ])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "round {round}");
        // The second round is stored again (a stream cannot be recognised) and read once.
        assert_eq!(stats(&db)["interactions"], 5_000, "round {round}");
    }
}
