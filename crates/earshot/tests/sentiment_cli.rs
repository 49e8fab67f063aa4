//! `earshot sentiment` end to end: classify, train on a TweetEval-shaped folder, refuse bad input, and
//! (with the real data) beat plain VADER by the margin and reproduce the shipped model.

mod common;
use common::*;

fn no_db() -> std::path::PathBuf {
    std::path::PathBuf::from("unused.db")
}

#[test]
fn classify_reads_the_obvious_and_explains_itself() {
    let out = earshot(
        &no_db(),
        &[
            "--json",
            "sentiment",
            "classify",
            "--explain",
            "worst airline ever, cancelled again and nobody helps",
            "thank you so much, the crew was wonderful :)",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["polarity"], "negative", "{}", lines[0]);
    assert_eq!(lines[1]["polarity"], "positive", "{}", lines[1]);
    for l in &lines {
        let p = &l["probabilities"];
        let sum: f64 = ["negative", "neutral", "positive"]
            .iter()
            .map(|k| p[k].as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-9, "{l}");
        assert_eq!(
            l["features"].as_array().unwrap().len(),
            earshot_features(),
            "{l}"
        );
    }
}

fn earshot_features() -> usize {
    let out = earshot(&no_db(), &["--json", "sentiment", "show"]);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    m["features"].as_array().unwrap().len()
}

#[test]
fn train_fits_a_folder_and_names_a_bad_label_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("sentiment");
    std::fs::create_dir(&s).unwrap();
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for k in 0..60 {
        let (t, l) = match k % 3 {
            0 => (format!("awful terrible day number {k} :("), "0"),
            1 => (format!("the meeting is at {k} pm"), "1"),
            _ => (format!("love it, great fun {k} :)"), "2"),
        };
        texts.push(t);
        labels.push(l);
    }
    std::fs::write(s.join("val_text.txt"), texts.join("\n")).unwrap();
    std::fs::write(s.join("val_labels.txt"), labels.join("\n")).unwrap();
    let model = dir.path().join("m.json");
    let train = |out: &std::path::Path| {
        earshot(
            &no_db(),
            &[
                "sentiment",
                "train",
                "--tweeteval",
                dir.path().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--model-version",
                "t-1",
            ],
        )
    };
    let out = train(&model);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = model.to_str().unwrap();
    let out = earshot(
        &no_db(),
        &[
            "--json",
            "sentiment",
            "classify",
            "--model",
            m,
            "awful terrible",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["polarity"], "negative", "{v}");

    // A label that is not 0/1/2: an error naming the file's line, and no model written.
    labels[41] = "positive";
    std::fs::write(s.join("val_labels.txt"), labels.join("\n")).unwrap();
    let bad = dir.path().join("bad.json");
    let out = train(&bad);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("line 42") && err.contains("val_labels.txt"),
        "{err}"
    );
    assert!(!bad.exists());

    // A damaged model file is refused with its name.
    std::fs::write(&bad, "{\"version\": 1}").unwrap();
    let out = earshot(
        &no_db(),
        &[
            "sentiment",
            "classify",
            "--model",
            bad.to_str().unwrap(),
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}

#[test]
fn real_data_beats_vader_and_the_shipped_model_reproduces() {
    let Some(data) = shared_data("tweet-text") else {
        return;
    };
    let (code, ev) = earshot_json(
        &no_db(),
        &["sentiment", "eval", "--data", data.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{ev}");
    let sets = ev["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    for s in sets {
        eprintln!(
            "{}: earshot {:.4} VADER {:.4}",
            s["set"], s["earshot_macro_f1"], s["vader_macro_f1"]
        );
        // Issue 5: at least 3 points of macro-F1 over plain VADER on both sets.
        assert!(s["lead"].as_f64().unwrap() >= 0.03, "{s}");
    }
    // The shipped model is what `sentiment train` makes from TweetEval's validation split.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let archive = data.join("tweeteval_datasets.tar.gz");
    let o = earshot(
        &no_db(),
        &[
            "sentiment",
            "train",
            "--tweeteval",
            archive.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model-version",
            "earshot-sentiment-1",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fresh: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../../../models/sentiment-v1.json")).unwrap();
    let (a, b) = (
        fresh["weights"].as_array().unwrap(),
        shipped["weights"].as_array().unwrap(),
    );
    for (x, y) in a
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .zip(b.iter().flat_map(|r| r.as_array().unwrap()))
    {
        assert!(
            (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-9,
            "{x} vs {y}"
        );
    }
}
