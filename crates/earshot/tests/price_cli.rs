//! `earshot price` over a scored generated stream: the price is the counted reach times the rate, the
//! adopters it counts are exactly the stored reshares and quotes of the author's posts by accounts the run
//! found authentic (counted here from the store), an audience of doubtful accounts counts nothing,
//! `--compare` ranks by authentic engagement per unit of cost, and bad input is refused with the file,
//! line and field.

mod common;
use common::*;
use earshot_model::InteractionKind;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// A scored generated database, and per account its authenticity weight in the run.
fn scored(dir: &Path) -> (std::path::PathBuf, HashMap<i64, Option<f64>>) {
    let db = dir.join("p.db");
    generated_db(dir, &db, 5);
    let (code, run) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{run}");
    let store = earshot_store::Store::open_existing(&db).unwrap();
    let run = store.latest_run_id().unwrap().unwrap();
    let rows = store
        .top_scores_page(
            run,
            "overall",
            usize::MAX >> 1,
            0,
            &earshot_store::RankFilter::default(),
        )
        .unwrap();
    let weights = rows
        .iter()
        .map(|r| (r.score.account, r.score.authenticity))
        .collect();
    (db, weights)
}

/// Distinct (post, adopter) pairs of reshares and quotes naming a post of `author` by someone else.
fn adoptions_of(db: &Path, author: i64) -> BTreeSet<(i64, i64)> {
    stored_interactions(db)
        .into_iter()
        .filter(|r| matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote))
        .filter(|r| r.target == author && r.actor != author)
        .filter_map(|r| r.post.map(|p| (p, r.actor)))
        .collect()
}

/// The account whose posts were passed on by the most accounts, by store id.
fn most_reshared(db: &Path) -> i64 {
    let mut by_author: HashMap<i64, usize> = HashMap::new();
    for r in stored_interactions(db) {
        if matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote) && r.post.is_some() {
            *by_author.entry(r.target).or_default() += 1;
        }
    }
    by_author
        .into_iter()
        .max_by_key(|&(a, n)| (n, std::cmp::Reverse(a)))
        .unwrap()
        .0
}

fn quantiles(v: &Value) -> [f64; 4] {
    ["mean", "p10", "p50", "p90"].map(|k| v[k].as_f64().unwrap())
}

fn write_list(dir: &Path, name: &str, header: &str, rows: &[String]) -> String {
    let path = dir.join(name);
    let mut text = format!("{header}\n");
    for r in rows {
        text += r;
        text += "\n";
    }
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_price_counts_the_authentic_adopters_in_the_audience_and_scales_with_the_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (db, weights) = scored(dir.path());
    let author = most_reshared(&db);
    let name = ext_id_of(&db, author);
    let price = |extra: &[&str]| {
        let mut args = vec![
            "price",
            &name,
            "--platform",
            "synthetic",
            "--simulations",
            "2000",
        ];
        args.extend_from_slice(extra);
        let (code, v) = earshot_json(&db, &args);
        assert_eq!(code, 0, "{v}");
        v
    };

    // The adopters it counts are the stored ones, and the authentic ones by the run's weights.
    let per_engagement = price(&["--cost-per-engagement", "1"]);
    let adoptions = adoptions_of(&db, author);
    let authentic = adoptions
        .iter()
        .filter(|(_, actor)| {
            weights
                .get(actor)
                .copied()
                .flatten()
                .is_some_and(|w| w >= 0.5)
        })
        .count();
    let d = &per_engagement["discount"];
    assert_eq!(
        d["past_adopters"].as_u64(),
        Some(adoptions.len() as u64),
        "{d}"
    );
    assert_eq!(
        d["past_adopters_counted"].as_u64(),
        Some(authentic as u64),
        "{d}"
    );
    assert!(adoptions.len() > 5, "the fixture's author is passed on");

    // The value is the authentic reach times the rate, whichever way the rate is given.
    let counted = quantiles(&per_engagement["authentic_reach"]);
    assert_eq!(quantiles(&per_engagement["value"]), counted);
    let cpm = price(&["--cpm", "2500"]);
    let scaled = counted.map(|x| x * 2.5);
    for (got, want) in quantiles(&cpm["value"]).iter().zip(scaled) {
        assert!((got - want).abs() < 1e-9, "{got} against {want}");
    }
    // Authentic reach never exceeds reach, quantile by quantile, and the discount is their gap.
    let reach = quantiles(&per_engagement["reach"]);
    for (c, r) in counted.iter().zip(reach) {
        assert!(*c <= r, "{counted:?} against {reach:?}");
    }
    let discount = d["discount"].as_f64().unwrap();
    assert!((discount - (1.0 - counted[0] / reach[0])).abs() < 1e-12);

    // An audience of the doubtful accounts alone: nothing counts, and the audience is flagged.
    let doubtful: Vec<String> = weights
        .iter()
        .filter(|(_, w)| w.is_some_and(|w| w < 0.5))
        .map(|(&a, _)| ext_id_of(&db, a))
        .collect();
    assert!(!doubtful.is_empty(), "the generated stream has bots");
    let file = write_list(dir.path(), "doubtful.csv", "account", &doubtful);
    let none = price(&["--cpm", "10", "--audience", &file]);
    assert_eq!(quantiles(&none["authentic_reach"]), [0.0; 4], "{none}");
    assert_eq!(none["discount"]["past_adopters_counted"].as_u64(), Some(0));
    assert_eq!(none["discount"]["doubtful_audience"].as_bool(), Some(true));

    // An audience of every account, plus names the database does not hold: the same as no audience.
    let mut everyone: Vec<String> = weights.keys().map(|&a| ext_id_of(&db, a)).collect();
    everyone.push("never-seen-here".to_string());
    let file = write_list(
        dir.path(),
        "everyone.csv",
        "name,account",
        &everyone
            .iter()
            .map(|a| format!("x,{a}"))
            .collect::<Vec<_>>(),
    );
    let all = price(&["--cost-per-engagement", "1", "--audience", &file]);
    assert_eq!(all["authentic_reach"], per_engagement["authentic_reach"]);
    assert_eq!(all["discount"], per_engagement["discount"]);
    assert!(
        all["audience"]
            .as_str()
            .unwrap()
            .contains("1 more not in the database"),
        "{all}"
    );
}

#[test]
fn compare_ranks_by_authentic_engagement_per_cost_and_bad_lists_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = scored(dir.path());
    let mut by_author: HashMap<i64, usize> = HashMap::new();
    for r in stored_interactions(&db) {
        if matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote) {
            *by_author.entry(r.target).or_default() += 1;
        }
    }
    let mut authors: Vec<(usize, i64)> = by_author.into_iter().map(|(a, n)| (n, a)).collect();
    authors.sort_unstable_by(|a, b| b.cmp(a));
    let picked: Vec<String> = authors
        .iter()
        .take(4)
        .map(|&(_, a)| ext_id_of(&db, a))
        .collect();
    let rows: Vec<String> = picked
        .iter()
        .zip([100.0, 5.0, 40.0, 1.0])
        .map(|(a, c)| format!("{a},{c}"))
        .collect();
    let file = write_list(dir.path(), "c.csv", "account,cost", &rows);
    let (code, v) = earshot_json(
        &db,
        &[
            "price",
            "--compare",
            &file,
            "--platform",
            "synthetic",
            "--simulations",
            "1000",
            "--cpm",
            "10000",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let candidates = v["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 4);
    let per_cost: Vec<f64> = candidates
        .iter()
        .map(|c| c["per_cost"].as_f64().unwrap())
        .collect();
    for w in per_cost.windows(2) {
        assert!(w[0] >= w[1], "ranked best first: {per_cost:?}");
    }
    for (i, c) in candidates.iter().enumerate() {
        assert_eq!(c["rank"].as_u64(), Some(i as u64 + 1));
        let mean = c["authentic_reach"]["mean"].as_f64().unwrap();
        let cost = c["cost"].as_f64().unwrap();
        assert!(
            (c["per_cost"].as_f64().unwrap() - mean / cost).abs() < 1e-9,
            "{c}"
        );
        assert!(
            (c["value"]["mean"].as_f64().unwrap() - 10.0 * mean).abs() < 1e-9,
            "{c}"
        );
        let kept = c["discount"]["kept_share"].as_f64().unwrap();
        assert_eq!(
            c["discount"]["doubtful_audience"].as_bool(),
            Some(kept < 0.5),
            "{c}"
        );
    }
    let listed: BTreeSet<String> = candidates
        .iter()
        .map(|c| c["account"].as_str().unwrap().to_string())
        .collect();
    // Each candidate keeps the cost its row gave it.
    let store = earshot_store::Store::open_existing(&db).unwrap();
    let costs: HashMap<String, f64> = authors
        .iter()
        .take(4)
        .zip([100.0, 5.0, 40.0, 1.0])
        .map(|(&(_, a), cost)| {
            let shown = match store.account_names(a).unwrap().unwrap() {
                (_, Some(handle)) => format!("@{handle}"),
                (ext, None) => ext,
            };
            (shown, cost)
        })
        .collect();
    assert_eq!(listed, costs.keys().cloned().collect());
    for c in candidates {
        assert_eq!(
            c["cost"].as_f64(),
            Some(costs[c["account"].as_str().unwrap()]),
            "{c}"
        );
    }

    // Bad lists: the file, the line and the field.
    let bad = write_list(
        dir.path(),
        "bad.csv",
        "account,cost",
        &[format!("{},12", picked[0]), format!("{},free", picked[1])],
    );
    let out = earshot(
        &db,
        &["price", "--compare", &bad, "--platform", "synthetic"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.csv:3: field `cost`"), "{err}");
    let unknown = write_list(
        dir.path(),
        "unknown.csv",
        "account,cost",
        &["nobody,3".to_string()],
    );
    let out = earshot(&db, &["price", "--compare", &unknown]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown.csv:2: field `account`"), "{err}");
    let out = earshot(&db, &["price", &picked[0], "--platform", "synthetic"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a rate"), "{err}");
    let out = earshot(
        &db,
        &["price", &picked[0], "--platform", "synthetic", "--cpm=-3"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--cpm -3"), "{err}");
}

#[test]
fn a_price_needs_a_score_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    generated_db(dir.path(), &db, 2);
    let out = earshot(
        &db,
        &["price", "0", "--platform", "synthetic", "--cpm", "5"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(err.contains("run `earshot score` first"), "{err}");
}

#[test]
fn the_backtest_counts_the_authentic_adopters_of_the_posts_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (db, weights) = scored(dir.path());
    let cut = 1_705_276_800; // 2024-01-15, inside the generated stream
    let (code, v) = earshot_json(
        &db,
        &[
            "price",
            "--calibrate",
            "--until",
            "2024-01-15",
            "--calibrate-simulations",
            "200",
        ],
    );
    assert_eq!(code, 0, "{v}");
    // Everyone's share: authentic adopters over all adopters of the posts learned from, counted here
    // from the stored reshares and quotes before the cut that name a post of someone else made before it.
    let store = earshot_store::Store::open_existing(&db).unwrap();
    let mut early_posts = std::collections::HashSet::new();
    store
        .scan_posts(
            earshot_store::TimeWindow {
                from: None,
                to: Some(cut),
            },
            None,
            |p| {
                early_posts.insert(p.id);
            },
        )
        .unwrap();
    let pairs: BTreeSet<(i64, i64)> = stored_interactions(&db)
        .into_iter()
        .filter(|r| matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote))
        .filter(|r| r.actor != r.target && r.time.is_some_and(|t| t < cut))
        .filter_map(|r| {
            r.post
                .filter(|p| early_posts.contains(p))
                .map(|p| (p, r.actor))
        })
        .collect();
    let authentic = pairs
        .iter()
        .filter(|(_, a)| weights.get(a).copied().flatten().is_some_and(|w| w >= 0.5))
        .count();
    let share = v["counted_share"].as_f64().unwrap();
    assert!(
        (share - authentic as f64 / pairs.len() as f64).abs() < 1e-12,
        "{share} against {authentic} of {}",
        pairs.len()
    );
    assert!(share < 1.0 && share > 0.0, "{share}");
    assert!(v["all"]["posts"].as_u64().unwrap() > 0, "{v}");

    // An audience of nobody authentic: every outcome and every quote is 0, so each one is inside.
    let doubtful: Vec<String> = weights
        .iter()
        .filter(|(_, w)| w.is_some_and(|w| w < 0.5))
        .map(|(&a, _)| ext_id_of(&db, a))
        .collect();
    let file = write_list(dir.path(), "doubtful.csv", "account", &doubtful);
    let (code, v) = earshot_json(
        &db,
        &[
            "price",
            "--calibrate",
            "--until",
            "2024-01-15",
            "--audience",
            &file,
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["counted_share"].as_f64(), Some(0.0));
    assert_eq!(v["all"]["inside_quoted_80"].as_f64(), Some(1.0), "{v}");
    assert_eq!(v["all"]["mean_crps"].as_f64(), Some(0.0), "{v}");
    // Undiscounted, the whole reach is quoted against those zeros: it misses them.
    let (code, v) = earshot_json(
        &db,
        &[
            "price",
            "--calibrate",
            "--until",
            "2024-01-15",
            "--audience",
            &file,
            "--undiscounted",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert!(v["all"]["mean_crps"].as_f64().unwrap() > 0.0, "{v}");
}

const TAXONOMY: &str = "[topics.film]\nlabel = \"Film\"\nkeywords = [\"film\"]\n\n\
                        [topics.coffee]\nlabel = \"Coffee\"\nkeywords = [\"coffee\"]\n";

#[test]
fn a_topic_narrows_the_audience_to_the_runs_topic_accounts_and_a_run_without_weights_counts_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    generated_db(dir.path(), &db, 5);
    let tax = dir.path().join("tax.toml");
    std::fs::write(&tax, TAXONOMY).unwrap();
    let (code, run) = earshot_json(&db, &["score", "--topics", tax.to_str().unwrap()]);
    assert_eq!(code, 0, "{run}");
    let store = earshot_store::Store::open_existing(&db).unwrap();
    let run = store.latest_run_id().unwrap().unwrap();
    let weights: HashMap<i64, Option<f64>> = store
        .top_scores_page(
            run,
            "overall",
            usize::MAX >> 1,
            0,
            &earshot_store::RankFilter::default(),
        )
        .unwrap()
        .iter()
        .map(|r| (r.score.account, r.score.authenticity))
        .collect();
    // The topic's accounts, as `earshot top --topic` lists them.
    let (code, top) = earshot_json(&db, &["top", "--topic", "film", "--limit", "100000"]);
    assert_eq!(code, 0, "{top}");
    let members: BTreeSet<String> = top["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["platform_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!members.is_empty(), "{top}");
    let author = most_reshared(&db);
    let name = ext_id_of(&db, author);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "price",
            name.as_str(),
            "--platform",
            "synthetic",
            "--cpm",
            "5",
            "--simulations",
            "500",
        ];
        a.extend_from_slice(extra);
        let (code, v) = earshot_json(&db, &a);
        assert_eq!(code, 0, "{v}");
        v
    };
    let v = args(&["--topic", "film"]);
    let counted = adoptions_of(&db, author)
        .iter()
        .filter(|(_, actor)| {
            weights
                .get(actor)
                .copied()
                .flatten()
                .is_some_and(|w| w >= 0.5)
                && members.contains(&ext_id_of(&db, *actor))
        })
        .count();
    assert_eq!(
        v["discount"]["past_adopters_counted"].as_u64(),
        Some(counted as u64),
        "{v}"
    );
    assert!(
        v["audience"].as_str().unwrap().contains("topic \"film\""),
        "{v}"
    );

    // A run made without the authenticity model: nothing is discounted, and the report says so.
    let (code, again) = earshot_json(&db, &["score", "--no-authenticity"]);
    assert_eq!(code, 0, "{again}");
    let v = args(&[]);
    assert_eq!(v["discount"]["kept_share"].as_f64(), Some(1.0), "{v}");
    assert_eq!(v["authentic_reach"], v["reach"], "{v}");
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .contains("no authenticity weights"),
        "{v}"
    );
}
