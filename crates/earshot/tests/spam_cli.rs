//! Spam and copy campaigns earn nothing: a mention carried by commercial spam or by near-identical text
//! from many accounts does not count toward its target, and `explain` says what was discarded.

mod common;
use common::*;
use std::fmt::Write;

/// A post by `author` and the interaction it carries (`kind` of `target`), as two JSONL lines.
fn post(
    lines: &mut String,
    author: &str,
    id: &str,
    text: &str,
    time: i64,
    kind: &str,
    target: &str,
) {
    writeln!(
        lines,
        r#"{{"type":"post","platform":"twitter","ext_id":"{id}","author":{{"ext_id":"{author}"}},"time":{time},"text":"{text}"}}"#
    )
    .unwrap();
    writeln!(
        lines,
        r#"{{"type":"interaction","platform":"twitter","key":"i-{id}","kind":"{kind}","actor":{{"ext_id":"{author}"}},"target":{{"ext_id":"{target}"}},"post":"{id}","time":{time}}}"#
    )
    .unwrap();
}

#[test]
fn spam_and_copy_campaigns_earn_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let file = dir.path().join("spam.jsonl");
    let mut lines = String::new();
    let base = 1_700_000_000;
    // Six accounts post the same long text mentioning the brand, with small changes.
    for (i, tail) in ["!", "!!", "wow", "yes", "so true", "now"]
        .iter()
        .enumerate()
    {
        post(
            &mut lines,
            &format!("s{i}"),
            &format!("c{i}"),
            &format!("Everyone go follow @brand right now for the most amazing deals and giveaways on the whole internet today {tail}"),
            base + i as i64,
            "mention",
            "brand",
        );
    }
    post(
        &mut lines,
        "seller",
        "ad1",
        "@brand Buy 1000 real followers cheap, DM now for instant delivery",
        base + 10,
        "mention",
        "brand",
    );
    post(
        &mut lines,
        "fan",
        "q1",
        "@brand my flight was delayed three hours, can you help me rebook onto the evening one?",
        base + 20,
        "mention",
        "brand",
    );
    // Five accounts quote the brand's post with near-identical text: a quote campaign. A quote
    // reaction names the quoted post, so the flag must reach it through the quote post's author.
    writeln!(
        lines,
        r#"{{"type":"post","platform":"twitter","ext_id":"b1","author":{{"ext_id":"brand"}},"time":{},"text":"our summer timetable is out"}}"#,
        base - 100
    )
    .unwrap();
    for i in 0..5 {
        writeln!(
            lines,
            r#"{{"type":"post","platform":"twitter","ext_id":"qq{i}","author":{{"ext_id":"quoter{i}"}},"time":{},"text":"This is the best brand in the whole wide world, go follow them now for prizes and deals {i}","quote_of":"b1"}}"#,
            base + 40 + i
        )
        .unwrap();
        writeln!(
            lines,
            r#"{{"type":"interaction","platform":"twitter","key":"iq{i}","kind":"quote","actor":{{"ext_id":"quoter{i}"}},"target":{{"ext_id":"brand"}},"post":"b1","time":{}}}"#,
            base + 40 + i
        )
        .unwrap();
    }
    // One account reacts normally to another, so the population has more than the brand.
    post(
        &mut lines,
        "fan",
        "q2",
        "@friend lovely to see you at the station this morning",
        base + 30,
        "mention",
        "friend",
    );
    std::fs::write(&file, lines).unwrap();
    let (code, rep) = earshot_json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");

    let (code, run) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{run}");
    assert_eq!(run["posts_flagged"]["copy_campaign"], 11, "{run}");
    assert_eq!(run["posts_flagged"]["commercial_spam"], 1, "{run}");

    let (code, ex) = earshot_json(&db, &["explain", "brand"]);
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["reproduced"], true, "{ex}");
    let ev = &ex["evidence"];
    // Only the fan's question counts; the quote campaign earns no amplification either.
    assert_eq!(ev["distinct_reactors"], 1, "{ex}");
    let amplification = ex["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "amplification")
        .map(|c| c["raw"].as_f64().unwrap());
    assert_eq!(amplification, Some(0.0), "{ex}");
    let discarded: Vec<(String, u64)> = ev["discarded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d[0].as_str().unwrap().to_string(), d[1].as_u64().unwrap()))
        .collect();
    assert_eq!(
        discarded,
        vec![
            ("commercial_spam".to_string(), 1),
            ("copy_campaign".to_string(), 11)
        ]
    );
    // Nor does spam count as an unanswered question: only the fan is waiting for an answer.
    assert_eq!(ev["unanswered"].as_array().unwrap().len(), 1, "{ex}");
}
