//! Helpers for the CLI's integration tests: run the real binary against real SQLite files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn earshot(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_earshot"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the earshot binary runs")
}

/// Run and parse `--json` stdout.
pub fn earshot_json(db: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let out = earshot(db, &full);
    let code = out.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); code {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, v)
}

pub fn stats(db: &Path) -> serde_json::Value {
    let (code, v) = earshot_json(db, &["stats"]);
    assert_eq!(code, 0, "stats failed");
    v
}

pub fn kind_count(stats: &serde_json::Value, kind: &str) -> u64 {
    stats["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["kind"] == kind)
        .map(|k| k["count"].as_u64().unwrap())
        .sum()
}

/// A file under `shared/data` beside the repository (or under `$EARSHOT_SHARED_DATA`).
///
/// Returns `None`, printing why, when the data is absent on a developer's machine; panics when it is absent
/// under CI (`CI=true`), where the real-data checks are required.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let root = match std::env::var_os("EARSHOT_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let p = root.join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "real data {} is missing, and CI=true requires it",
            p.display()
        );
    }
    eprintln!(
        "skipped: real data {} is not here (set EARSHOT_SHARED_DATA)",
        p.display()
    );
    None
}

/// The airline tweets (15 columns, Excel-mangled ids) under `shared/data`, and the `--map` that reads them.
pub const AIRLINE_FILE: &str = "tweet-text/airline_sentiment_tweets_15col_excel_mangled_ids.csv";
pub const AIRLINE_MAP: &str = "author=name,text=text,time=tweet_created,id=tweet_id";

/// Import the airline tweets into `db` as README shows (`--date-order dmy`: dates are written
/// 24-02-2015 11.35) and return the file; `None` (see [`shared_data`]) when the data is absent.
pub fn import_airline(db: &Path) -> Option<PathBuf> {
    let file = shared_data(AIRLINE_FILE)?;
    let (code, rep) = earshot_json(
        db,
        &[
            "import",
            "--format",
            "csv",
            "--date-order",
            "dmy",
            "--map",
            AIRLINE_MAP,
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{rep}");
    Some(file)
}

/// Generate a synthetic stream (scale 9, edge factor 8, `seed`) into `dir` and import it into `db`.
/// Returns `gen`'s and `import`'s JSON reports, after checking both succeeded.
pub fn generated_db(dir: &Path, db: &Path, seed: u64) -> (serde_json::Value, serde_json::Value) {
    let stream = dir.join("s.jsonl.gz");
    let seed = seed.to_string();
    let (code, summary) = earshot_json(
        db,
        &[
            "gen",
            "--scale",
            "9",
            "--edge-factor",
            "8",
            "--seed",
            &seed,
            "--out",
            stream.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{summary}");
    let (code, report) = earshot_json(db, &["import", stream.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    (summary, report)
}

/// The diffusion-cascades benchmarks' archive under `shared/data`.
pub const CASCADES_ARCHIVE: &str =
    "diffusion-cascades/cascades_twitter_douban_android_christianity_memetracker.tar.gz";

/// Unpack `<ds>/cascades.txt` of each of `names` from the cascades archive into `dir` (a temporary
/// directory: the data is never copied into the repository); the paths, in `names` order.
pub fn extract_cascades(archive: &Path, dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    let files: Vec<String> = names.iter().map(|n| format!("{n}/cascades.txt")).collect();
    extract_files(archive, dir, &files)
}

/// Unpack `files` (paths inside the cascades archive, such as `android/edges.txt`) into `dir`; the
/// paths, in `files` order.
pub fn extract_files(archive: &Path, dir: &Path, files: &[String]) -> Vec<PathBuf> {
    let file = std::fs::File::open(archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        if files.contains(&path) {
            let out = dir.join(&path);
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            entry.unpack(&out).unwrap();
        }
    }
    files.iter().map(|w| dir.join(w)).collect()
}

/// Every stored interaction, the database file's and the event log's, as the store reads them.
#[allow(dead_code)]
pub fn stored_interactions(db: &Path) -> Vec<earshot_store::InteractionRow> {
    let s = earshot_store::Store::open_existing(db).unwrap();
    let mut out = Vec::new();
    s.scan_interactions(earshot_store::TimeWindow::all(), None, |r| out.push(*r))
        .unwrap();
    out
}

/// An account's `ext_id` by stable id.
#[allow(dead_code)]
pub fn ext_id_of(db: &Path, id: i64) -> String {
    let s = earshot_store::Store::open_existing(db).unwrap();
    s.account_names(id).unwrap().expect("a stored account").0
}
