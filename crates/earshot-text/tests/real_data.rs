//! The signals on real customer tweets to US airlines (`tweet-text/airline_sentiment_tweets_6col.csv`
//! in `../shared/data`: 14,640 tweets from February 2015, labelled positive/neutral/negative).
//!
//! The data's licence forbids copying tweets into the repository, so this test asserts only on
//! aggregate shares, with bounds set around the values measured when the rules were written.
//! Skipped (with a printed reason) when the data is absent; fails then if `CI=true`.

use earshot_text::{is_question, reply_substance, words, Substance};
mod common;
use common::shared_data;
use std::time::Instant;

#[derive(Default, Debug)]
struct Tally {
    n: usize,
    questions: usize,
    trivial: usize,
    short: usize,
    /// Trivial or short, and thanking.
    short_thanks: usize,
}

impl Tally {
    fn share(&self, k: usize) -> f64 {
        k as f64 / self.n.max(1) as f64
    }
}

fn thanks(text: &str) -> bool {
    words(text).any(|w| {
        let w = w.to_lowercase();
        w.starts_with("thank") || matches!(w.as_str(), "thx" | "ty" | "tysm")
    })
}

#[test]
fn airline_tweets_shares() {
    let Some(path) = shared_data("tweet-text/airline_sentiment_tweets_6col.csv") else {
        return;
    };
    let mut rdr = csv::Reader::from_path(&path).expect("open csv");
    let headers = rdr.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (sentiment, text) = (col("airline_sentiment"), col("text"));
    let rows: Vec<(String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[sentiment].to_string(), r[text].to_string())
        })
        .collect();
    assert_eq!(rows.len(), 14_640);

    let started = Instant::now();
    let mut all = Tally::default();
    let (mut pos, mut neg) = (Tally::default(), Tally::default());
    for (s, t) in &rows {
        let q = is_question(t);
        let sub = reply_substance(t);
        let th = sub != Substance::Substantive && thanks(t);
        for tally in [
            Some(&mut all),
            (s == "positive").then_some(&mut pos),
            (s == "negative").then_some(&mut neg),
        ]
        .into_iter()
        .flatten()
        {
            tally.n += 1;
            tally.questions += q as usize;
            tally.trivial += (sub == Substance::Trivial) as usize;
            tally.short += (sub == Substance::Short) as usize;
            tally.short_thanks += th as usize;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} tweets in {:.3}s ({:.0} messages/s, both signals)",
        all.n,
        secs,
        all.n as f64 / secs
    );
    for (name, t) in [("all", &all), ("positive", &pos), ("negative", &neg)] {
        println!(
            "{name:>8}: n={:5} question {:.1}%  trivial {:.1}%  short {:.1}%  trivial/short thanks {:.1}%",
            t.n,
            100.0 * t.share(t.questions),
            100.0 * t.share(t.trivial),
            100.0 * t.share(t.short),
            100.0 * t.share(t.short_thanks),
        );
    }

    // Measured when the rules were written (Nov 2026): questions 30.9% of all tweets (negative 32.3%,
    // positive 6.1%); trivial 2.6% (positive 10.5%, negative 0.2%); trivial-or-short thanks 22.4% of
    // positive tweets and 0.3% of negative ones.
    let q = all.share(all.questions);
    assert!((0.25..=0.37).contains(&q), "question share {q:.3}");
    let tr = all.share(all.trivial);
    assert!((0.01..=0.05).contains(&tr), "trivial share {tr:.3}");
    // Complaints ask; praise does not.
    assert!(neg.share(neg.questions) > 3.0 * pos.share(pos.questions));
    // Praise is where bare thanks live: far more trivial/short thank-yous among positive tweets.
    assert!(pos.share(pos.short_thanks) > 0.15, "{pos:?}");
    assert!(
        pos.share(pos.short_thanks) > 10.0 * neg.share(neg.short_thanks),
        "{pos:?} {neg:?}"
    );
    assert!(
        pos.share(pos.trivial) > 10.0 * neg.share(neg.trivial),
        "{pos:?} {neg:?}"
    );
    assert!(neg.share(neg.trivial) < 0.01, "{neg:?}");
}
