//! `earshot redteam` on a generated dataset: fake accounts, a pod and spam posts barely move a
//! middling account's score; the same number of real reactions does.

mod common;
use common::*;

#[test]
fn attacks_barely_move_scores_and_the_control_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    generated_db(dir.path(), &db, 21);
    let (code, rt) = earshot_json(
        &db,
        &[
            "redteam",
            "--size",
            "50",
            "--pod",
            "12",
            "--pod-repeats",
            "3",
            "--targets",
            "50,90",
        ],
    );
    assert_eq!(code, 0, "{rt}");
    let targets = rt["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    for t in targets {
        let change = |attack: &str| {
            t["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["attack"] == attack)
                .unwrap()["change"]
                .as_f64()
                .unwrap()
        };
        for attack in ["fake_followers", "pod", "diluted_pod", "spam_posts"] {
            assert!(change(attack).abs() <= 2.0, "{attack}: {t}");
        }
        if t["percentile"] == 50.0 {
            assert!(change("control") >= 5.0, "{t}");
        }
    }
    assert!(
        rt["fake_account_mean_authenticity"].as_f64().unwrap() < 0.1,
        "{rt}"
    );
    let bad = earshot(&db, &["redteam", "--targets", "120"]);
    assert_eq!(bad.status.code(), Some(2));
}
