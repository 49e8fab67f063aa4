//! `earshot triage` end to end on real SQLite files: a small hand-made case (an influential author, an
//! ordinary one and a stranger write the same complaint), idempotent re-runs, rejected lines, the queue,
//! the audit log, answering, the fairness report, bad command lines; and the airline tweets.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const T: i64 = 1_424_000_000;
const FLOOR: i64 = 86_400;
const MAP: &str = "author=name,text=text,time=time,id=id";
const COMPLAINT: &str = "@acme my flight was cancelled and I need a refund, can you help?";

/// Thirty fans mention @star, so the score run ranks @star high and the fans (no one mentions them) at
/// the bottom; @plain posts once and takes part in no interaction, so the run does not score it.
fn history(dir: &Path) -> PathBuf {
    let mut csv = String::from("id,name,text,time\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "h{i},fan{i},@star you are great,{}\n",
            T - 1000 + i
        ));
    }
    csv.push_str(&format!("h100,plain,just landed,{}\n", T - 500));
    let path = dir.join("history.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// The same complaint from @star, @fan1 and @stranger (unknown to the store), a thank-you from @plain,
/// and a line with a bad time.
fn messages(dir: &Path) -> PathBuf {
    let csv = format!(
        "id,name,text,time\n\
         m1,star,\"{COMPLAINT}\",{T}\n\
         m2,fan1,\"{COMPLAINT}\",{T}\n\
         m3,stranger,\"{COMPLAINT}\",{T}\n\
         m4,plain,@acme thanks for a lovely flight,{}\n\
         m5,plain,@acme hello,yesterday-ish\n",
        T + 60
    );
    let path = dir.join("messages.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let h = history(dir.path());
    let (code, rep) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "csv",
            "--map",
            MAP,
            h.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{rep}");
    let (code, rep) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{rep}");
    let m = messages(dir.path());
    (dir, db, m)
}

fn ingest(db: &Path, file: &Path, dir: &Path) -> (i32, Value) {
    let rejects = dir.join("rejects.txt");
    earshot_json(
        db,
        &[
            "triage",
            "ingest",
            "--map",
            MAP,
            "--rejects",
            rejects.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    )
}

/// ext_id → the queue entry.
fn queue(db: &Path) -> Vec<Value> {
    let (code, q) = earshot_json(db, &["triage", "queue", "--limit", "100"]);
    assert_eq!(code, 0, "{q}");
    q["items"].as_array().unwrap().clone()
}

fn entry<'a>(q: &'a [Value], ext: &str) -> &'a Value {
    q.iter()
        .find(|e| e["message"]["ext_id"] == ext)
        .unwrap_or_else(|| panic!("{ext} not in the queue"))
}

#[test]
fn influence_only_brings_a_message_earlier_and_the_floor_holds_for_everyone() {
    let (dir, db, m) = setup();
    let (code, rep) = ingest(&db, &m, dir.path());
    assert_eq!(code, 3, "a rejected line exits 3, as import does: {rep}");
    assert_eq!(
        (rep["messages"].as_u64(), rep["new"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(rep["rejected"], 1);
    let rejects = std::fs::read_to_string(dir.path().join("rejects.txt")).unwrap();
    assert!(rejects.contains("messages.csv:6: time:"), "{rejects}");

    let q = queue(&db);
    let due = |ext: &str| entry(&q, ext)["message"]["due_by"].as_i64().unwrap();
    let score = |ext: &str| entry(&q, ext)["decision"]["author_score"].as_f64();
    assert!(
        score("m1").unwrap() > 60.0,
        "@star is influential: {:?}",
        score("m1")
    );
    assert!(
        score("m2").unwrap() <= 60.0,
        "@fan1 is not: {:?}",
        score("m2")
    );
    assert_eq!(score("m3"), None, "@stranger is unscored");
    // Urgency brings everyone's complaint forward; influence a little more; a low score costs nothing.
    assert!(due("m2") < T + FLOOR);
    assert_eq!(due("m2"), due("m3"), "a low score is treated as no score");
    assert!(due("m1") < due("m2"), "influence brings it earlier");
    assert!(
        due("m1") >= T + 3_600,
        "never sooner than the minimum window"
    );
    assert_eq!(due("m4"), T + 60 + FLOOR, "a thank-you is due at the floor");
    assert_eq!(entry(&q, "m4")["message"]["priority"], 4);
    // Soonest due first.
    let order: Vec<&str> = q
        .iter()
        .map(|e| e["message"]["ext_id"].as_str().unwrap())
        .collect();
    assert_eq!(order[0], "m1");
    assert_eq!(order[3], "m4");
    let reasons: Vec<&str> = entry(&q, "m1")["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "floor",
            "negative_sentiment",
            "complaint",
            "question",
            "influence"
        ]
    );

    // Fairness: every tier within the floor.
    let (code, r) = earshot_json(&db, &["triage", "report"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["messages"], 4);
    for t in r["tiers"].as_array().unwrap() {
        if t["messages"].as_u64().unwrap() > 0 {
            assert_eq!(t["within_floor"], 1.0, "{t}");
            assert!(t["max_hours"].as_f64().unwrap() <= 24.0);
        }
    }
    let tier = |name: &str| {
        r["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tier"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(tier("unscored")["messages"], 2, "@stranger and @plain");
    assert_eq!(tier("81-100")["messages"], 1);

    // Idempotent: the same file again stores nothing.
    let (_, again) = ingest(&db, &m, dir.path());
    assert_eq!(
        (again["new"].as_u64(), again["already_stored"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(queue(&db).len(), 4);
}

#[test]
fn show_answered_and_the_queue_in_text() {
    let (dir, db, m) = setup();
    ingest(&db, &m, dir.path());
    let q = queue(&db);
    let id = entry(&q, "m1")["message"]["id"].as_i64().unwrap();
    let id_s = id.to_string();

    let out = earshot(&db, &["triage", "show", &id_s]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "from @star",
        "(priority ",
        "service floor",
        "Names a service failure (\"refund\", \"cancel\")",
        "influence score",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let (code, rec) = earshot_json(&db, &["triage", "show", &id_s]);
    assert_eq!(code, 0);
    let priority = rec["decisions"][0]["priority"].as_u64().unwrap();
    assert!((1..=2).contains(&priority), "{rec}");
    // The author was scored, so the weight stored with that score is used and shown, not "unknown".
    let weight = rec["decisions"][0]["author_authenticity"]
        .as_f64()
        .unwrap_or_else(|| panic!("no author_authenticity in {rec}"));
    let shown = format!("times authenticity {weight:.2}");
    assert!(text.contains(&shown), "{shown:?} missing from:\n{text}");
    assert!(!text.contains("authenticity unknown"), "{text}");
    assert_eq!(rec["decisions"].as_array().unwrap().len(), 1);
    assert_eq!(rec["decisions"][0]["policy"]["floor_secs"], FLOOR);
    assert_eq!(rec["decisions"][0]["policy_version"], "earshot-triage-1");

    let out = earshot(&db, &["triage", "queue", "--limit", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("4 unanswered"), "{text}");
    assert!(
        text.contains("@star") && text.contains("negative+complaint+question+influence"),
        "{text}"
    );

    let (code, a) = earshot_json(&db, &["triage", "answered", &id_s]);
    assert_eq!(code, 0, "{a}");
    let first = a["answered_at"].as_i64().unwrap();
    let (_, again) = earshot_json(&db, &["triage", "answered", &id_s]);
    assert_eq!(again["answered_at"].as_i64(), Some(first), "idempotent");
    let q = queue(&db);
    assert_eq!(q.len(), 3);
    assert!(q.iter().all(|e| e["message"]["id"] != id));

    let out = earshot(&db, &["triage", "answered", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no triage message 999999"));
    let out = earshot(&db, &["triage", "report"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("within floor") && text.contains("81-100"),
        "{text}"
    );
    // The tweets are from 2015: the one answered today was late, the three others wait past the floor.
    assert!(text.contains("3 messages wait past the floor"), "{text}");
    let (_, r) = earshot_json(&db, &["triage", "report"]);
    let tiers = r["tiers"].as_array().unwrap();
    let sum = |k: &str| tiers.iter().map(|t| t[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("answered"), sum("overdue")), (1, 3), "{r}");
}

#[test]
fn a_bad_command_line_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let m = messages(dir.path());
    for bad in [
        vec!["--floor", "soon"],
        vec!["--floor", "0h"],
        vec!["--floor", "30m"], // shorter than the 1 h minimum window
        vec!["--map", "author"],
    ] {
        let mut args = vec!["triage", "ingest"];
        args.extend(bad.iter());
        args.push(m.to_str().unwrap());
        let out = earshot(&db, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!db.exists(), "{bad:?} created the database");
    }
    let out = earshot(&db, &["triage", "queue"]);
    assert_eq!(out.status.code(), Some(1), "no database to read");
    // --floor 8h works, with the floor in every decision.
    let out = earshot(
        &db,
        &[
            "--json",
            "triage",
            "ingest",
            "--floor",
            "8h",
            "--map",
            MAP,
            "--channel",
            "email",
            m.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let (_, r) = earshot_json(&db, &["triage", "report", "--channel", "email"]);
    assert_eq!(r["messages"], 4);
    assert!(r["tiers"][0]["max_hours"].as_f64().unwrap() <= 8.0);
    let help = earshot(&db, &["triage", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("floor") && help.contains("nothing is filtered out"),
        "{help}"
    );
}

/// The airline tweets end to end: every message stored and within the floor, and tweets the dataset's
/// annotators called negative due earlier, on average, than positive ones.
#[test]
fn airline_tweets_are_triaged_within_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let Some(file) = import_airline(&db) else {
        return;
    };
    let f = file.to_str().unwrap();
    let (code, rep) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{rep}");
    let (code, rep) = earshot_json(
        &db,
        &[
            "triage",
            "ingest",
            "--date-order",
            "dmy",
            "--map",
            AIRLINE_MAP,
            f,
        ],
    );
    assert_eq!(code, 0, "{rep}");
    assert_eq!(rep["new"], 14_640);
    let (code, report) = earshot_json(&db, &["triage", "report"]);
    assert_eq!(code, 0);
    assert_eq!(report["messages"], 14_640);
    for t in report["tiers"].as_array().unwrap() {
        if t["messages"].as_u64().unwrap() > 0 {
            assert_eq!(t["within_floor"], 1.0, "{t}");
        }
    }

    // The dataset's own labels, in file order: a fresh database numbers the messages in that order (the
    // texts are compared to make sure).
    let mut rdr = csv::Reader::from_path(&file).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (label_col, text_col) = (col("airline_sentiment"), col("text"));
    let labelled: Vec<(String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[label_col].to_string(), r[text_col].trim().to_string())
        })
        .collect();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.text, m.received_at, d.due_by, d.floor_due_by FROM triage_messages m
             JOIN triage_decisions d ON d.id = m.decision_id ORDER BY m.id",
        )
        .unwrap();
    let rows: Vec<(String, i64, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 14_640);
    assert_eq!(labelled.len(), 14_640);
    let mut hours: std::collections::HashMap<&str, (f64, u32)> = Default::default();
    for ((text, received, due, floor), (label, csv_text)) in rows.iter().zip(&labelled) {
        assert!(*due <= received + FLOOR && *due >= *received && floor - received == FLOOR);
        assert_eq!(text, csv_text);
        let h = hours.entry(label.as_str()).or_default();
        h.0 += (due - received) as f64 / 3_600.0;
        h.1 += 1;
    }
    let mean = |l: &str| hours[l].0 / f64::from(hours[l].1);
    eprintln!(
        "mean hours to due-by: negative {:.2}, neutral {:.2}, positive {:.2}",
        mean("negative"),
        mean("neutral"),
        mean("positive")
    );
    assert!(mean("negative") + 2.0 < mean("positive"));
    assert!(mean("negative") < mean("neutral"));
}
