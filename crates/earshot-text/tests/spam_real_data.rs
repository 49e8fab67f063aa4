//! Duplicate and spam detection on a labelled set of real tweets with injected copies and ads
//! (`tests/spam_set`: airline tweets and TweetEval from `../shared/data/tweet-text`, rebuilt on each
//! run with a fixed seed; nothing of the data is in the repository).
//!
//! Every post is classified by the library alone: commercial spam by [`commercial_spam`]; a copy
//! when it is a reply that [`reply_copy_kind`] calls `CopiesParent`, or a near-duplicate
//! (estimated Jaccard ≥ 0.7, the copy threshold of `dup.rs`' tests) of an earlier post in the set
//! found through [`NearDupIndex`]; genuine otherwise. The test prints the confusion table and
//! precision/recall per class, measured on the run, and asserts floors.
//!
//! Skipped (with a printed reason) when the data is absent; fails then if `CI=true`.
//!
//!     EARSHOT_SHARED_DATA=/work/shared/data cargo test -p earshot-text --test spam_real_data -- --nocapture

mod common;
mod spam_set;

use common::shared_data;
use std::collections::BTreeMap;

use earshot_text::{commercial_spam, reply_copy_kind, CopyKind, NearDupIndex};
use spam_set::{Case, Label, LabelledPost};

/// Near-duplicate threshold for standalone copies.
const COPY_JACCARD: f32 = 0.7;

/// The library's verdict on every post of the set.
fn classify(set: &[LabelledPost]) -> Vec<Label> {
    let mut idx = NearDupIndex::default();
    for p in set {
        idx.insert(&p.text).expect("index");
    }
    let mut copy_of_earlier = vec![false; set.len()];
    for pair in idx.near_duplicates(COPY_JACCARD).expect("threshold") {
        let later = pair.a.max(pair.b) as usize;
        copy_of_earlier[later] = true;
    }
    set.iter()
        .zip(&copy_of_earlier)
        .map(|(p, &dup)| {
            if commercial_spam(&p.text).is_some() {
                Label::CommercialSpam
            } else if dup
                || p.parent.as_deref().is_some_and(|parent| {
                    reply_copy_kind(&p.text, parent) == CopyKind::CopiesParent
                })
            {
                Label::Copy
            } else {
                Label::Genuine
            }
        })
        .collect()
}

fn load() -> Option<(Vec<String>, Vec<String>)> {
    let air = shared_data("tweet-text/airline_sentiment_tweets_6col.csv")?;
    let te = shared_data("tweet-text/tweeteval_datasets.tar.gz")?;
    Some((
        spam_set::load_airline(&air).expect("airline tweets"),
        spam_set::load_tweeteval(&te).expect("TweetEval"),
    ))
}

#[test]
fn labelled_set_precision_and_recall() {
    let Some((air, te)) = load() else { return };
    let set = spam_set::build(&air, &te, 0x5EED_2026);
    let again = spam_set::build(&air, &te, 0x5EED_2026);
    assert!(
        set.iter().zip(&again).all(|(a, b)| a.text == b.text),
        "the set must be deterministic"
    );
    assert!(set.len() >= 200, "only {} posts", set.len());
    let predicted = classify(&set);

    let mut confusion: BTreeMap<(Label, Label), usize> = BTreeMap::new();
    let mut by_case: BTreeMap<(Case, Label), usize> = BTreeMap::new();
    for (p, &got) in set.iter().zip(&predicted) {
        *confusion.entry((p.label(), got)).or_default() += 1;
        *by_case.entry((p.case, got)).or_default() += 1;
        if got != p.label() {
            println!(
                "MISS {:?} ({}) -> {}: {:?} | parent {:?}",
                p.case,
                p.label().as_str(),
                got.as_str(),
                p.text,
                p.parent
            );
        }
    }
    let count = |t: Label, g: Label| confusion.get(&(t, g)).copied().unwrap_or(0);
    println!("{} posts; rows: true label, columns: predicted", set.len());
    print!("{:>16}", "");
    for g in Label::ALL {
        print!("{:>16}", g.as_str());
    }
    println!();
    for t in Label::ALL {
        print!("{:>16}", t.as_str());
        for g in Label::ALL {
            print!("{:>16}", count(t, g));
        }
        println!();
    }
    let mut pr = BTreeMap::new();
    for c in Label::ALL {
        let tp = count(c, c);
        let predicted: usize = Label::ALL.iter().map(|&t| count(t, c)).sum();
        let actual: usize = Label::ALL.iter().map(|&g| count(c, g)).sum();
        let p = tp as f64 / predicted.max(1) as f64;
        let r = tp as f64 / actual.max(1) as f64;
        println!(
            "{:>16}: n={actual:3} precision {p:.3} ({tp}/{predicted}) recall {r:.3} ({tp}/{actual})",
            c.as_str()
        );
        pr.insert(c, (p, r));
    }
    println!("per case (case -> predicted):");
    for ((case, got), n) in &by_case {
        println!("{:>16?} -> {:<16} {n}", case, got.as_str());
    }

    for c in [Label::Copy, Label::CommercialSpam] {
        let (p, r) = pr[&c];
        assert!(
            p >= 0.9 && r >= 0.9,
            "{}: precision {p:.3} recall {r:.3}",
            c.as_str()
        );
    }
    let quotes_flagged: usize = by_case
        .iter()
        .filter(|((case, got), _)| *case == Case::QuoteAnswer && *got != Label::Genuine)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(quotes_flagged, 0, "genuine quote answers flagged");
}

/// The spam lexicon over every real tweet: ordinary tweets that mention followers, buying or DMs
/// must not be called ads.
#[test]
fn real_tweets_are_rarely_called_commercial_spam() {
    let Some((air, te)) = load() else { return };
    for (name, texts) in [("airline", &air), ("tweeteval", &te)] {
        let flagged: Vec<&String> = texts
            .iter()
            .filter(|t| commercial_spam(t).is_some())
            .collect();
        println!(
            "{name}: {} of {} tweets flagged as commercial spam",
            flagged.len(),
            texts.len()
        );
        for t in flagged.iter().take(20) {
            println!("  {t:?}");
        }
        let share = flagged.len() as f64 / texts.len() as f64;
        assert!(share < 0.001, "{name}: {share:.4} flagged");
    }
}
