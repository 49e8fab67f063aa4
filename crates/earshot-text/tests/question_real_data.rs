//! [`is_question`] against hand labels (issue 5, item 5): 300 airline tweets and 100 TweetEval
//! sentiment-test tweets from `../shared/data/tweet-text`, labelled by one developer blind to the
//! detector (`tests/question_labels.csv`: source, id, label; the file's header gives the definition and
//! the rules used for hard cases, `scripts/sample_question_set.py` draws the sample). The data's licence
//! forbids copying tweets, so the labels file holds ids only and the texts are joined here.
//!
//! Prints precision, recall, F1 and the confusion table of earshot and of two naive baselines ("the
//! text contains `?`" and "a `?` outside URLs"), overall and per source, then every disagreement of
//! earshot with the labels, and asserts floors a little below the measured figures.
//!
//! Skipped (with a printed reason) when the data is absent; fails then if `CI=true`.
//!
//!     CI=true cargo test -p earshot-text --test question_real_data -- --nocapture

mod common;

use common::shared_data;
use earshot_text::is_question;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const AIRLINE: &str = "airline";
const TWEETEVAL: &str = "tweeteval-sentiment-test";

struct Item {
    source: String,
    id: String,
    label: bool,
    text: String,
}

fn labels() -> Vec<(String, String, bool)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/question_labels.csv");
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(&path)
        .expect("open labels");
    assert_eq!(
        rdr.headers().expect("headers"),
        vec!["source", "id", "label"],
        "labels header"
    );
    rdr.records()
        .map(|r| {
            let r = r.expect("label record");
            let label = match &r[2] {
                "1" => true,
                "0" => false,
                other => panic!("label {other:?} for {}/{}", &r[0], &r[1]),
            };
            (r[0].to_string(), r[1].to_string(), label)
        })
        .collect()
}

/// `tweet_id` -> text of the airline tweets (a few ids occur twice, with the same text; the first
/// is kept).
fn airline_texts(path: &Path) -> HashMap<String, String> {
    let mut rdr = csv::Reader::from_path(path).expect("open airline csv");
    let headers = rdr.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (id, text) = (col("tweet_id"), col("text"));
    let mut out = HashMap::new();
    for r in rdr.records() {
        let r = r.expect("record");
        out.entry(r[id].to_string())
            .or_insert_with(|| r[text].to_string());
    }
    out
}

/// The lines of TweetEval's `sentiment/test_text.txt` (line `n` is `out[n - 1]`).
fn tweeteval_test_lines(path: &Path) -> Vec<String> {
    let f = std::fs::File::open(path).expect("open TweetEval archive");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    for entry in ar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").into_owned();
        if name.ends_with("sentiment/test_text.txt") {
            let mut s = String::new();
            entry.read_to_string(&mut s).expect("read test_text.txt");
            let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
            if lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            return lines;
        }
    }
    panic!("no sentiment/test_text.txt in {}", path.display());
}

fn load() -> Option<Vec<Item>> {
    let air = shared_data("tweet-text/airline_sentiment_tweets_6col.csv")?;
    let te = shared_data("tweet-text/tweeteval_datasets.tar.gz")?;
    let air = airline_texts(&air);
    let te = tweeteval_test_lines(&te);
    assert_eq!(te.len(), 12_284, "TweetEval sentiment test lines");
    let items = labels()
        .into_iter()
        .map(|(source, id, label)| {
            let text = match source.as_str() {
                AIRLINE => air.get(&id).cloned(),
                TWEETEVAL => id
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| te.get(i).cloned()),
                other => panic!("unknown source {other:?}"),
            }
            .unwrap_or_else(|| panic!("{source}/{id}: no such tweet"));
            Item {
                source,
                id,
                label,
                text,
            }
        })
        .collect();
    Some(items)
}

/// The naive baseline: a `?` anywhere in the text.
fn has_question_mark(text: &str) -> bool {
    text.contains('?')
}

/// The naive baseline without URLs: a `?` in a whitespace-separated piece of text, up to any
/// `http://`, `https://` or `www.` in it (tweets glue links to words: "bribeshttps://t.co/…").
fn has_question_mark_outside_urls(text: &str) -> bool {
    text.split_whitespace().any(|piece| {
        let end = ["http://", "https://", "www."]
            .iter()
            .filter_map(|p| piece.find(p))
            .min()
            .unwrap_or(piece.len());
        piece[..end].contains('?')
    })
}

#[derive(Default, Clone, Copy, Debug)]
struct Confusion {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Confusion {
    fn add(&mut self, label: bool, predicted: bool) {
        match (label, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn accuracy(&self) -> f64 {
        (self.tp + self.tn) as f64 / (self.tp + self.fp + self.fn_ + self.tn).max(1) as f64
    }
}

type Detector = (&'static str, fn(&str) -> bool);

const DETECTORS: [Detector; 3] = [
    ("earshot is_question", is_question),
    ("'?' anywhere", has_question_mark),
    ("'?' outside URLs", has_question_mark_outside_urls),
];

#[test]
fn is_question_against_hand_labels() {
    let Some(items) = load() else { return };
    let count = |s: &str| items.iter().filter(|i| i.source == s).count();
    assert_eq!((count(AIRLINE), count(TWEETEVAL)), (300, 100));
    let mut seen = std::collections::HashSet::new();
    for i in &items {
        assert!(
            seen.insert((&i.source, &i.id)),
            "{}/{} labelled twice",
            i.source,
            i.id
        );
    }

    let mut table: HashMap<(&str, &str), Confusion> = HashMap::new();
    for item in &items {
        for (name, detect) in DETECTORS {
            let predicted = detect(&item.text);
            for source in ["all", item.source.as_str()] {
                table
                    .entry((name, source))
                    .or_default()
                    .add(item.label, predicted);
            }
        }
    }

    println!(
        "{:<20} {:<24} {:>4} {:>4} {:>4} {:>4} {:>4}  {:>9} {:>6} {:>6} {:>8}",
        "detector", "set", "n", "TP", "FP", "FN", "TN", "precision", "recall", "F1", "accuracy"
    );
    for source in ["all", AIRLINE, TWEETEVAL] {
        for (name, _) in DETECTORS {
            let c = table[&(name, source)];
            println!(
                "{name:<20} {source:<24} {:>4} {:>4} {:>4} {:>4} {:>4}  {:>9.3} {:>6.3} {:>6.3} {:>8.3}",
                c.tp + c.fp + c.fn_ + c.tn,
                c.tp,
                c.fp,
                c.fn_,
                c.tn,
                c.precision(),
                c.recall(),
                c.f1(),
                c.accuracy()
            );
        }
    }
    println!("earshot's disagreements with the labels (FN: labelled question, missed; FP: called a question, labelled not):");
    for item in &items {
        let predicted = is_question(&item.text);
        if predicted != item.label {
            let kind = if item.label { "FN" } else { "FP" };
            println!("  {kind} {}/{}: {:?}", item.source, item.id, item.text);
        }
    }

    // Measured when the labels were made (2026-11-27, before any change to the detector): all 400,
    // precision 0.939 recall 0.831 F1 0.882 ('?' anywhere: 0.960 / 0.738 / 0.835); airline 300,
    // 0.970 / 0.836 / 0.898; TweetEval 100 (14 questions), 0.733 / 0.786 / 0.759. Floors are about
    // five points below. TweetEval's 14 positives are too few for a floor of their own: one tweet
    // moves its recall by seven points.
    let f = |name: &str, source: &str| table[&(name, source)];
    for (source, p_min, r_min, f1_min) in [("all", 0.89, 0.78, 0.83), (AIRLINE, 0.92, 0.78, 0.85)] {
        let c = f(DETECTORS[0].0, source);
        let (p, r, f1) = (c.precision(), c.recall(), c.f1());
        assert!(p >= p_min, "{source}: precision {p:.3} < {p_min}");
        assert!(r >= r_min, "{source}: recall {r:.3} < {r_min}");
        assert!(f1 >= f1_min, "{source}: F1 {f1:.3} < {f1_min}");
        // The detector must beat a bare question-mark test (it did by 4.7 points overall, 5.1 on
        // the airline tweets; on TweetEval by one tweet, so that is printed, not asserted).
        for (name, _) in &DETECTORS[1..] {
            let base = f(name, source).f1();
            assert!(
                f1 >= base,
                "{source}: earshot F1 {f1:.3} below baseline {name} {base:.3}"
            );
        }
    }
}
