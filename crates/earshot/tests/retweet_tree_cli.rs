//! `earshot import --format retweet-tree`: a directory of Twitter15/16-style trees (written here from the
//! layout's description, Ma et al. 2017) becomes each root's post and reshares of it, each through its
//! parent, at the time `--root-time` gives the roots.

mod common;
use common::*;

/// Two trees; the second repeats a line and has a reply (its own tweet id) and a retweet of a retweet.
fn write_trees(dir: &std::path::Path) -> std::path::PathBuf {
    let tree = dir.join("twitter16").join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(
        tree.join("553587303172833280.txt"),
        "['ROOT', 'ROOT', '0.0']->['428333', '553587303172833280', '0.0']\n\
         ['428333', '553587303172833280', '0.0']->['454236505', '553587303172833280', '0.1']\n\
         ['454236505', '553587303172833280', '0.1']->['17', '553587303172833280', '61.5']\n\
         ['428333', '553587303172833280', '0.0']->['18', '553587999999999999', '120']\n\
         ['428333', '553587303172833280', '0.0']->['454236505', '553587303172833280', '0.1']\n",
    )
    .unwrap();
    std::fs::write(
        tree.join("724703995147751424.txt"),
        "['ROOT', 'ROOT', '0.0']->['15754281', '724703995147751424', '0.0']\n\
         ['15754281', '724703995147751424', '0.0']->['27264308', '724703995147751424', '0.7']\n\
         ['15754281', '724703995147751424', '0.0']->['27264308', '724703995147751424', 'soon']\n",
    )
    .unwrap();
    tree
}

#[test]
fn retweet_trees_import_as_posts_and_reshares_through_their_parents() {
    let dir = tempfile::tempdir().unwrap();
    let tree = write_trees(dir.path());
    let db = dir.path().join("t.db");
    let rejects = dir.path().join("r.txt");
    let t = tree.to_str().unwrap();
    let args = [
        "import",
        "--format",
        "retweet-tree",
        "--root-time",
        "snowflake",
        "--rejects",
        rejects.to_str().unwrap(),
        t,
    ];
    let (code, rep) = earshot_json(&db, &args);
    assert_eq!(code, 3, "one bad delay: {rep}");
    let r = &rep[0];
    assert_eq!(r["format"], "retweet-tree");
    assert_eq!(r["written"]["posts_new"], 2);
    assert_eq!(r["written"]["interactions_new"], 3 + 1);
    assert_eq!(r["rejected"], 1);
    assert!(
        r["warnings"]
            .to_string()
            .contains("1 repeated child lines skipped"),
        "{r}"
    );
    let listed = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        listed.contains("724703995147751424.txt:3: delay: \"soon\""),
        "{listed}"
    );
    let s = stats(&db);
    assert_eq!(s["by_platform"][0]["platform"], "twitter16");
    assert_eq!(kind_count(&s, "reshare"), 4);
    // The ids' own times: 2015-01-09 16:21:12 (Charlie Hebdo) and 2016-04-25 20:57:51 UTC plus 42 s.
    assert_eq!(s["first_time_utc"], "2015-01-09 16:21:12");
    assert_eq!(s["last_time_utc"], "2016-04-25 20:58:33");

    // Every reshare names its root post, and comes through its parent.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT a.ext_id, t.ext_id, p.ext_id, i.time - p.time FROM interactions i \
             JOIN accounts a ON a.id = i.actor JOIN accounts t ON t.id = i.target \
             JOIN posts p ON p.id = i.post ORDER BY i.time",
        )
        .unwrap();
    let rows: Vec<(String, String, String, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = [
        ("454236505", "428333", "553587303172833280", 6),
        ("17", "454236505", "553587303172833280", 3_690),
        ("18", "428333", "553587303172833280", 7_200),
        ("27264308", "15754281", "724703995147751424", 42),
    ];
    let want: Vec<(String, String, String, i64)> = want
        .iter()
        .map(|(a, t, p, d)| (a.to_string(), t.to_string(), p.to_string(), *d))
        .collect();
    assert_eq!(rows, want);

    // Again: nothing new.
    let (_, again) = earshot_json(&db, &args);
    assert_eq!(again[0]["written"]["interactions_new"], 0);
}

#[test]
fn root_time_is_checked_before_the_database_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let tree = write_trees(dir.path());
    let db = dir.path().join("t.db");
    let t = tree.to_str().unwrap();
    let bad = |args: &[&str], says: &str| {
        let out = earshot(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!db.exists(), "no database for a bad command line");
    };
    bad(
        &[
            "import",
            "--format",
            "retweet-tree",
            "--root-time",
            "yesterday",
            t,
        ],
        "--root-time: ",
    );
    bad(
        &["import", "--format", "snap", "--root-time", "zero", t],
        "--root-time is for --format retweet-tree",
    );
    bad(
        &["import", "--format", "retweet-tree", "--source", "x", t],
        "--source names one file",
    );
    // An instant for every root; without --root-time, the roots are at 0 and times are durations.
    let (code, _) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "retweet-tree",
            "--root-time",
            "2015-03-01",
            t,
        ],
    );
    assert_eq!(code, 3);
    assert_eq!(stats(&db)["first_time_utc"], "2015-03-01 00:00:00");
    let db0 = dir.path().join("zero.db");
    let (code, _) = earshot_json(&db0, &["import", "--format", "retweet-tree", t]);
    assert_eq!(code, 3);
    let s = stats(&db0);
    assert_eq!(
        (s["first_time_utc"].as_str(), s["last_time_utc"].as_str()),
        (Some("1970-01-01 00:00:00"), Some("1970-01-01 02:00:00"))
    );
}
