//! `earshot forget`, `retention`, `backup` and `vacuum` through the real binary on real SQLite files:
//! forgotten accounts leave no value in any table nor their ids in any file of the store, stay out of
//! re-imports until lifted, and the scores are computed again without them.

mod common;
use common::*;
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;

/// One forgotten account as the scans look for it.
struct Named {
    id: i64,
    ext_id: String,
    handle: Option<String>,
}

fn named(db: &Path, ids: &[i64]) -> Vec<Named> {
    let c = Connection::open(db).unwrap();
    ids.iter()
        .map(|&id| {
            c.query_row(
                "SELECT ext_id, handle FROM accounts WHERE id = ?1",
                [id],
                |r| {
                    Ok(Named {
                        id,
                        ext_id: r.get(0)?,
                        handle: r.get(1)?,
                    })
                },
            )
            .unwrap()
        })
        .collect()
}

/// Every value of every table that names one of `who`: an integer equal to an id, a text equal to an
/// ext_id, handle or `@handle`, or a text containing `@handle` (any case). `(table, column, value)`.
fn table_hits(db: &Path, who: &[Named]) -> Vec<(String, String, String)> {
    let c = Connection::open(db).unwrap();
    let ids: HashSet<i64> = who.iter().map(|n| n.id).collect();
    let mut exact: HashSet<String> = HashSet::new();
    let mut mentions: Vec<String> = Vec::new();
    for n in who {
        exact.insert(n.ext_id.clone());
        if let Some(h) = &n.handle {
            exact.insert(h.clone());
            exact.insert(format!("@{h}"));
            mentions.push(format!("@{}", h.to_lowercase()));
        }
    }
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() >= 15, "tables: {tables:?}");
    let mut hits = Vec::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let cols: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for (i, col) in cols.iter().enumerate() {
                use rusqlite::types::ValueRef;
                let hit = match row.get_ref(i).unwrap() {
                    ValueRef::Integer(v) => ids.contains(&v).then(|| v.to_string()),
                    ValueRef::Text(b) => {
                        let s = String::from_utf8_lossy(b).to_string();
                        let lower = s.to_lowercase();
                        let named = exact.contains(&s)
                            || mentions.iter().any(|m| {
                                lower.match_indices(m.as_str()).any(|(at, _)| {
                                    !lower[at + m.len()..]
                                        .chars()
                                        .next()
                                        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                                })
                            });
                        named.then_some(s)
                    }
                    _ => None,
                };
                if let Some(v) = hit {
                    hits.push((t.clone(), col.clone(), v));
                }
            }
        }
    }
    // The event log's segments, read as the store reads them.
    for i in stored_interactions(db) {
        for (col, v) in [("actor", i.actor), ("target", i.target)] {
            if ids.contains(&v) {
                hits.push(("event log".into(), col.into(), v.to_string()));
            }
        }
    }
    hits
}

/// Occurrences, in every file of the store (the database, its write-ahead log and shared memory), of
/// a forgotten id as SQLite stores it (8 bytes big-endian) or of the account's row (platform text
/// followed by ext_id text, as the record lays out the two columns).
fn file_hits(db: &Path, platform: &str, who: &[Named]) -> usize {
    let mut needles: Vec<Vec<u8>> = who.iter().map(|n| n.id.to_be_bytes().to_vec()).collect();
    needles.extend(
        who.iter()
            .map(|n| format!("{platform}{}", n.ext_id).into_bytes()),
    );
    // Aho-Corasick: one pass over each file for all needles (a window-by-window search of 200 needles
    // over a Higgs database takes minutes in a debug build).
    // The event log's segments store ids little-endian.
    needles.extend(who.iter().map(|n| n.id.to_le_bytes().to_vec()));
    let finder = aho_corasick::AhoCorasick::new(&needles).unwrap();
    let mut files: Vec<String> = ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| format!("{}{suffix}", db.display()))
        .collect();
    if let Ok(dir) = std::fs::read_dir(format!("{}.events", db.display())) {
        files.extend(dir.flatten().map(|e| e.path().display().to_string()));
    }
    let mut hits = 0;
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        hits += finder.find_overlapping_iter(&bytes).count();
    }
    hits
}

fn ids_of(db: &Path, sql: &str) -> Vec<i64> {
    let c = Connection::open(db).unwrap();
    let mut s = c.prepare(sql).unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn forgetting_100_higgs_accounts_leaves_no_trace_and_scores_again_without_them() {
    let Some(file) = shared_data("higgs-twitter/higgs-activity_time.txt.gz") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let (code, rep) = earshot_json(
        &db,
        &["import", "--format", "higgs", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{rep}");
    let (code, run1) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{run1}");
    // The 100 accounts that received the most interactions: the ones with the most to erase.
    let all = stored_interactions(&db);
    let mut received: std::collections::HashMap<i64, usize> = Default::default();
    for i in &all {
        *received.entry(i.target).or_default() += 1;
    }
    let mut ranked: Vec<(i64, usize)> = received.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let forgotten: Vec<i64> = ranked.iter().take(100).map(|r| r.0).collect();
    assert_eq!(forgotten.len(), 100);
    let who = named(&db, &forgotten);
    let list = dir.path().join("forget.txt");
    std::fs::write(
        &list,
        who.iter()
            .map(|n| format!("{}\n", n.ext_id))
            .collect::<String>(),
    )
    .unwrap();
    let gone: HashSet<i64> = forgotten.iter().copied().collect();
    let reactors: Vec<i64> = all
        .iter()
        .filter(|i| gone.contains(&i.target) && !gone.contains(&i.actor))
        .map(|i| i.actor)
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let touching = all
        .iter()
        .filter(|i| gone.contains(&i.target) || gone.contains(&i.actor))
        .count() as i64;
    // The scans find them before: they can fail.
    assert!(!table_hits(&db, &who).is_empty());
    let checkpoint = Connection::open(&db).unwrap();
    checkpoint
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(checkpoint);
    assert!(file_hits(&db, "twitter", &who) > 100);

    let (code, report) = earshot_json(&db, &["forget", "--from", list.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["forgotten"], 100, "{report}");
    assert_eq!(report["erased"]["interactions"], touching, "{report}");
    assert_eq!(report["erased"]["log_truncated"], true, "{report}");

    let left = table_hits(&db, &who);
    assert!(
        left.is_empty(),
        "{} values still name them: {:?}",
        left.len(),
        &left[..left.len().min(10)]
    );
    assert_eq!(file_hits(&db, "twitter", &who), 0);

    // Scored again at once, over the same window, without their interactions.
    let run2 = report["rescored_run"].as_i64().expect("a new run");
    let c = Connection::open(&db).unwrap();
    let count = |run: i64| -> i64 {
        c.query_row(
            "SELECT interactions FROM score_runs WHERE id = ?1",
            [run],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(count(run2), count(run1["run"].as_i64().unwrap()) - touching);
    let scored: HashSet<i64> = ids_of(
        &db,
        &format!("SELECT account FROM scores WHERE run_id = {run2}"),
    )
    .into_iter()
    .collect();
    // Every former reactor that was scored before and still has interactions of its own is scored again.
    let run1_id = run1["run"].as_i64().unwrap();
    let before: HashSet<i64> = ids_of(
        &db,
        &format!("SELECT account FROM scores WHERE run_id = {run1_id}"),
    )
    .into_iter()
    .collect();
    let active: HashSet<i64> = stored_interactions(&db)
        .iter()
        .flat_map(|i| [i.actor, i.target])
        .collect();
    let expected: Vec<i64> = reactors
        .iter()
        .copied()
        .filter(|a| before.contains(a) && active.contains(a))
        .collect();
    assert!(
        expected.len() > 1000,
        "{} reactors to rescore",
        expected.len()
    );
    let missing = expected.iter().filter(|a| !scored.contains(a)).count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} former reactors not scored again",
        expected.len()
    );
    let changed: i64 = c
        .query_row(
            &format!(
                "SELECT COUNT(*) FROM scores a JOIN scores b ON a.account = b.account
                 WHERE a.run_id = {run1_id} AND b.run_id = {run2} AND a.overall <> b.overall"
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(changed > 0, "no score changed");
    drop(c);

    // A re-import leaves them out.
    let (code, again) = earshot_json(
        &db,
        &["import", "--format", "higgs", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{again}");
    assert_eq!(
        again[0]["written"]["forgotten_skipped"], touching,
        "{again}"
    );
    assert_eq!(again[0]["written"]["interactions_new"], 0, "{again}");
    assert!(table_hits(&db, &who).is_empty());
}

#[test]
fn forgotten_accounts_stay_out_until_lifted_and_their_handles_leave_others_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let stream = dir.path().join("s.jsonl");
    let (code, g) = earshot_json(
        &db,
        &[
            "gen",
            "--scale",
            "9",
            "--edge-factor",
            "8",
            "--seed",
            "3",
            "--out",
            stream.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{g}");
    let (code, rep) = earshot_json(&db, &["import", stream.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    // The most mentioned account: its handle is in others' text.
    let c = Connection::open(&db).unwrap();
    let mut mentioned_count: std::collections::HashMap<i64, usize> = Default::default();
    for i in stored_interactions(&db) {
        if i.kind == earshot_model::InteractionKind::Mention {
            *mentioned_count.entry(i.target).or_default() += 1;
        }
    }
    let mut ranked: Vec<(i64, usize)> = mentioned_count.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (id, handle, platform): (i64, String, String) = ranked
        .iter()
        .find_map(|&(id, _)| {
            c.query_row(
                "SELECT id, handle, platform FROM accounts WHERE id = ?1 AND handle IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok()
        })
        .expect("a mentioned account with a handle");
    let mentioned: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM posts WHERE text LIKE '%@' || ?1 || '%'",
            [&handle],
            |r| r.get(0),
        )
        .unwrap();
    assert!(mentioned > 0, "the generator mentions @{handle} in no text");
    drop(c);
    let who = named(&db, &[id]);
    let (code, f) = earshot_json(&db, &["forget", &format!("@{handle}"), "--no-rescore"]);
    assert_eq!(code, 0, "{f}");
    assert!(
        f["erased"]["mentions_redacted"].as_u64().unwrap() >= mentioned as u64,
        "{f}"
    );
    assert!(table_hits(&db, &who).is_empty());
    assert_eq!(f["rescored_run"], serde_json::Value::Null);

    // Forgetting it again names nothing: it is gone.
    let out = earshot(&db, &["forget", &format!("@{handle}")]);
    assert_ne!(out.status.code(), Some(0));

    // Re-import: left out, and its handle does not come back through others' text.
    let (code, again) = earshot_json(&db, &["import", stream.to_str().unwrap()]);
    assert!(code == 0 || code == 3, "{again}");
    assert!(
        again[0]["written"]["forgotten_skipped"].as_u64().unwrap() > 0,
        "{again}"
    );
    assert!(table_hits(&db, &who).is_empty());

    // Lifted: the next import brings it back.
    let (code, l) = earshot_json(
        &db,
        &["forget", "--lift", &who[0].ext_id, "--platform", &platform],
    );
    assert_eq!(code, 0, "{l}");
    assert_eq!(l["lifted"], 1);
    let (code, back) = earshot_json(&db, &["import", stream.to_str().unwrap()]);
    assert!(code == 0 || code == 3, "{back}");
    assert_eq!(back[0]["written"]["forgotten_skipped"], 0, "{back}");
    assert!(!table_hits(&db, &who).is_empty());
}

#[test]
fn retention_keeps_the_latest_runs_and_backup_copies_a_checked_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    generated_db(dir.path(), &db, 5);
    let mut runs = Vec::new();
    for _ in 0..3 {
        let (code, r) = earshot_json(&db, &["score"]);
        assert_eq!(code, 0, "{r}");
        runs.push(r["run"].as_i64().unwrap());
    }
    let (code, kept) = earshot_json(
        &db,
        &["retention", "--keep-runs", "2", "--keep-imports", "0"],
    );
    assert_eq!(code, 0, "{kept}");
    assert_eq!(kept["runs"]["runs"], 1);
    assert_eq!(kept["imports"], 1, "{kept}");
    assert!(ids_of(&db, "SELECT id FROM imports").is_empty());
    let left = ids_of(&db, "SELECT id FROM score_runs ORDER BY id");
    assert_eq!(left, runs[1..].to_vec());
    assert!(ids_of(
        &db,
        &format!("SELECT account FROM scores WHERE run_id = {}", runs[0])
    )
    .is_empty());

    // Text older than a day before the data's end goes; the rest stays.
    let c = Connection::open(&db).unwrap();
    let last: i64 = c
        .query_row("SELECT MAX(time) FROM posts", [], |r| r.get(0))
        .unwrap();
    let old: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM posts WHERE time < ?1 AND text IS NOT NULL",
            [last - 86_400],
            |r| r.get(0),
        )
        .unwrap();
    assert!(old > 0);
    drop(c);
    let (code, t) = earshot_json(
        &db,
        &[
            "retention",
            "--text-days",
            "1",
            "--as-of",
            &last.to_string(),
        ],
    );
    assert_eq!(code, 0, "{t}");
    assert_eq!(t["text"]["posts"], old);
    let with_text = ids_of(&db, "SELECT COUNT(*) FROM posts WHERE text IS NOT NULL")[0];
    assert!(with_text > 0);

    let copy = dir.path().join("copy.db");
    let (code, b) = earshot_json(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(code, 0, "{b}");
    assert!(!dir.path().join("copy.db.partial").exists());
    let (code, top_orig) = earshot_json(&db, &["top", "--limit", "20"]);
    assert_eq!(code, 0);
    let (code, top_copy) = earshot_json(&copy, &["top", "--limit", "20"]);
    assert_eq!(code, 0);
    assert_eq!(top_orig, top_copy);
    // An existing file is not replaced without --force.
    assert_eq!(
        earshot(&db, &["backup", copy.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    let (code, v) = earshot_json(&db, &["vacuum"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["bytes_after"].as_u64().unwrap() <= v["bytes_before"].as_u64().unwrap());
}
