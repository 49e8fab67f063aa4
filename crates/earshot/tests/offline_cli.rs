//! Offline influence through the real binary: evidence imported with its bad rows rejected and the
//! rest kept (twice adds nothing), the `offline` sub-score ranked by standing among the others and
//! shown beside a person's online score, and mixed into overall scores only in a run that asks.

mod common;
use common::*;

#[test]
fn offline_evidence_scores_apart_and_mixes_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    generated_db(dir.path(), &db, 11);
    let (_, before) = earshot_json(&db, &["score"]);
    let (_, top) = earshot_json(&db, &["top", "--limit", "3"]);
    let handle = |i: usize| {
        top["top"][i]["handle"]
            .as_str()
            .map(|h| format!("@{h}"))
            .unwrap_or_else(|| {
                top["scores"][i]["platform_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
    };
    let (first, third) = (handle(0), handle(2));
    let file = dir.path().join("evidence.csv");
    std::fs::write(
        &file,
        format!(
            "account,person,source,amount,date,link\n\
             {third},,talks,12,2024-01-10,https://conf.example/t\n\
             {third},,citations,900,,https://scholar.example/t\n\
             {first},,talks,1,2024-01-10,\n\
             {first},,talks,1,2024-01-10,\n\
             ,ann,press,3,2024-02-01,https://news.example/ann\n\
             @nobody-here,,talks,1,,\n\
             {first},,talks,many,,\n"
        ),
    )
    .unwrap();
    let out = earshot(
        &db,
        &["import", "--format", "offline", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("evidence.csv:7: account:"), "{err}");
    assert!(err.contains("evidence.csv:8: amount:"), "{err}");
    // Two identical rows are two talks; importing the file again adds nothing.
    let (_, again) = earshot_json(
        &db,
        &["import", "--format", "offline", file.to_str().unwrap()],
    );
    assert_eq!(
        (&again[0]["added"], &again[0]["already"]),
        (&0.into(), &5.into()),
        "{again}"
    );
    let out = earshot(
        &db,
        &[
            "import",
            "--strict",
            "--format",
            "offline",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "--strict is refused: {out:?}");

    let (code, offline) = earshot_json(&db, &["offline", "top"]);
    assert_eq!(code, 0, "{offline}");
    let names: Vec<&str> = offline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{offline}");
    assert!(
        names[0].ends_with(third.trim_start_matches('@')),
        "more talks and citations rank first: {offline}"
    );
    // Three sources in the database, each worth 33 points: third leads both of its own.
    let best = offline[0]["score"].as_f64().unwrap();
    assert!(
        (best - (1.0 + 33.0 * 0.75 + 33.0 * 0.5)).abs() < 1e-9,
        "{offline}"
    );

    // The stored run is online only; a run that asks mixes, and says so.
    let (_, online) = earshot_json(&db, &["top", "--limit", "3"]);
    assert_eq!(online, top, "importing evidence changed no score");
    let (code, mixed) = earshot_json(&db, &["score", "--with-offline", "0.5"]);
    assert_eq!(code, 0, "{mixed}");
    assert_eq!(mixed["offline_weight"], 0.5);
    assert_eq!(mixed["accounts_with_offline"], 2);
    assert_ne!(mixed["run"], before["run"]);
    let out = earshot(&db, &["score", "--with-offline", "1.5"]);
    assert_eq!(out.status.code(), Some(2), "a weight above 1 is refused");
}
