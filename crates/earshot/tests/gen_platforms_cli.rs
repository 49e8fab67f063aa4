//! `earshot gen --platforms`: synthetic people across Mastodon, Bluesky and X import into the platforms the
//! truth file names, with exactly the truth's accounts; the options of the R-MAT mode are refused.

mod common;

use common::{earshot, earshot_json, stats};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The truth file's rows, checking its header.
fn read_truth(path: &Path) -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["person", "platform", "ext_id"],
        "truth header"
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].to_string(), rec[2].to_string())
        })
        .collect()
}

#[test]
fn generated_people_import_with_exactly_the_truths_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("people.db");
    let stream = dir.path().join("people.jsonl.gz");
    let truth = dir.path().join("truth.csv");
    let (code, gen) = earshot_json(
        &db,
        &[
            "gen",
            "--platforms",
            "mastodon,bluesky,x",
            "--persons",
            "300",
            "--seed",
            "5",
            "--out",
            stream.to_str().unwrap(),
            "--truth",
            truth.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{gen}");
    let rows = read_truth(&truth);
    let persons: HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let true_persons = persons.iter().filter(|p| p.starts_with('p')).count();
    let decoys = persons.iter().filter(|p| p.starts_with('d')).count();
    assert_eq!((true_persons, decoys), (300, 105), "{gen}");
    assert_eq!(gen["persons"], 300);
    assert_eq!(gen["decoys"], 105);
    let mut per_platform: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &rows {
        *per_platform.entry(r.1.as_str()).or_default() += 1;
    }
    assert_eq!(
        per_platform.keys().copied().collect::<Vec<_>>(),
        ["bluesky", "mastodon", "twitter"],
        "x is written as twitter"
    );
    for (p, n) in &per_platform {
        assert_eq!(gen["accounts"][p], *n, "{gen}");
    }
    // True cross-platform pairs exist: most true persons have two or more accounts.
    let mut accounts_per_person: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *accounts_per_person.entry(r.0.as_str()).or_default() += 1;
    }
    let multi = accounts_per_person
        .iter()
        .filter(|(p, n)| p.starts_with('p') && **n >= 2)
        .count();
    assert!(
        multi > 200,
        "{multi} of 300 persons on two or more platforms"
    );

    let (code, report) = earshot_json(&db, &["import", stream.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    let st = stats(&db);
    assert_eq!(st["accounts"], rows.len() as u64, "{st}");
    let by_platform: BTreeMap<String, (u64, u64, u64)> = st["by_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["platform"].as_str().unwrap().to_string(),
                (
                    p["accounts"].as_u64().unwrap(),
                    p["profiles"].as_u64().unwrap(),
                    p["interactions"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(by_platform.len(), 3, "{st}");
    for (p, n) in &per_platform {
        let (accounts, profiles, interactions) = by_platform[*p];
        assert_eq!(accounts, *n, "{p}: {st}");
        assert_eq!(profiles, *n, "{p}: every account has its profile");
        assert!(interactions > *n, "{p}: every account is active: {st}");
    }

    // Scoring gives most accounts a nonzero score. Not all: a score needs reactions from accounts the
    // authenticity model trusts, and it distrusts some synthetic profiles (young Bluesky accounts most).
    let (code, score) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{score}");
    let (code, top) = earshot_json(&db, &["top", "--limit", "100000"]);
    assert_eq!(code, 0, "{top}");
    let nonzero = top["top"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["overall"].as_f64().unwrap() > 0.0)
        .count();
    assert!(
        nonzero * 10 >= rows.len() * 8,
        "{nonzero} of {} accounts score above zero",
        rows.len()
    );
}

#[test]
fn the_same_seed_gives_the_same_people_and_x_is_twitter() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let gen = |name: &str, platforms: &str| {
        let out = dir.path().join(name);
        let truth = dir.path().join(format!("{name}.csv"));
        let o = earshot(
            &db,
            &[
                "--quiet",
                "gen",
                "--platforms",
                platforms,
                "--persons",
                "40",
                "--out",
                out.to_str().unwrap(),
                "--truth",
                truth.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (std::fs::read(&out).unwrap(), std::fs::read(&truth).unwrap())
    };
    let a = gen("a.jsonl", "mastodon,bluesky,x");
    let b = gen("b.jsonl", "x,bluesky,mastodon,twitter");
    assert_eq!(
        a, b,
        "same seed, same platforms in another order: same bytes"
    );
    let (_, truth) = gen("c.jsonl", "twitter");
    let truth = String::from_utf8(truth).unwrap();
    assert!(
        truth.lines().skip(1).all(|l| l.contains(",twitter,")),
        "{truth}"
    );
}

#[test]
fn platforms_refuses_the_other_modes_options_and_unknown_platforms() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let out = dir.path().join("never.jsonl");
    let out_s = out.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["gen", "--platforms", "mastodon,myspace", "--out", out_s],
            &["unknown platform", "myspace", "mastodon, bluesky and x"],
        ),
        (
            &["gen", "--platforms", "x", "--scale", "10", "--out", out_s],
            &["--platforms", "--scale", "cannot be used with"],
        ),
        (
            &[
                "gen",
                "--platforms",
                "x",
                "--edge-factor",
                "4",
                "--out",
                out_s,
            ],
            &["--edge-factor"],
        ),
        (
            &[
                "gen",
                "--level-noise",
                "0",
                "--platforms",
                "bluesky",
                "--out",
                out_s,
            ],
            &["--level-noise"],
        ),
        (
            &["gen", "--persons", "10", "--out", out_s],
            &["--platforms"],
        ),
        (
            &["gen", "--truth", "t.csv", "--out", out_s],
            &["--platforms"],
        ),
    ];
    for (args, says) in cases {
        let o = earshot(&db, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for s in *says {
            assert!(err.contains(s), "{args:?} should say {s:?}: {err}");
        }
        assert!(!out.exists(), "{args:?} wrote nothing");
    }
    let o = earshot(
        &db,
        &["gen", "--platforms", "x", "--persons", "0", "--out", out_s],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("persons"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
