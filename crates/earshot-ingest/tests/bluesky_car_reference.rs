//! A repository export written by the AT Protocol's reference implementation (`@atproto/repo`, run
//! by `tests/atproto/make_repo.mjs` under Node) is read record for record: every record the script
//! wrote comes back once, with its AT URI, kind, target, reply, quote, mentions, text and time, and
//! nothing else. The script's tree has the real layering (keys at the depths their hashes give), the
//! blocks are in the order a PDS streams them, and posts carry image blobs as CID links.
//!
//! Needs Node and `npm ci` in `tests/atproto` (`.ci/run` does both); elsewhere it is skipped with the
//! reason printed, and under `CI=true` their absence fails it.

use earshot_ingest::{open, Format, Options};
use earshot_model::{Event, InteractionKind};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn reference_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/atproto");
    let ready = dir.join("node_modules/@atproto/repo").exists()
        && Command::new("node").arg("--version").output().is_ok();
    if ready {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI needs node and `npm ci` in tests/atproto for this check (.ci/run does both)");
    }
    eprintln!(
        "skipped: node or tests/atproto/node_modules is missing (cd tests/atproto && npm ci)"
    );
    None
}

/// Write a repository of `records` records with the reference implementation; its listing.
fn reference_repo(dir: &Path, out: &Path, records: usize) -> Value {
    let listing = out.with_extension("json");
    let status = Command::new("node")
        .arg(dir.join("make_repo.mjs"))
        .arg(out)
        .arg(&listing)
        .arg(records.to_string())
        .status()
        .expect("node runs");
    assert!(status.success(), "make_repo.mjs failed");
    serde_json::from_slice(&std::fs::read(listing).unwrap()).unwrap()
}

/// What earshot read of one record, in the listing's terms.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    collection: String,
    created_at: i64,
    text: Option<String>,
    reply: Option<String>,
    quote: Option<String>,
    mentions: Vec<String>,
    subject: Option<String>,
}

fn collection_of(uri: &str) -> String {
    uri.split('/').nth(3).unwrap_or_default().to_string()
}

fn seen_by_uri(path: &Path) -> (HashMap<String, Seen>, Vec<String>) {
    let (reader, _) = open(path, Format::BlueskyCar, &Options::default()).unwrap();
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut bad = Vec::new();
    for item in reader {
        let record = match item {
            Ok(r) => r,
            Err(e) => {
                bad.push(e.to_string());
                continue;
            }
        };
        for event in record.events {
            match event {
                Event::Post(p) => {
                    let s = seen.entry(p.ext_id.clone()).or_default();
                    s.collection = collection_of(&p.ext_id);
                    s.created_at = p.time;
                    s.text = p.text;
                    s.reply = p.reply_to;
                    s.quote = p.quote_of;
                }
                Event::Interaction(i) if i.kind == InteractionKind::Mention => {
                    let post = i.post.clone().unwrap();
                    assert_eq!(i.key.split('#').next(), Some(post.as_str()));
                    seen.entry(post).or_default().mentions.push(i.target.ext_id);
                }
                Event::Interaction(i) => {
                    let s = seen.entry(i.key.clone()).or_default();
                    s.collection = collection_of(&i.key);
                    s.created_at = i.time.unwrap();
                    s.subject = Some(match i.kind {
                        InteractionKind::Follow => i.target.ext_id,
                        _ => {
                            let post = i.post.unwrap();
                            assert!(post.starts_with(&format!("at://{}/", i.target.ext_id)));
                            post
                        }
                    });
                }
                Event::Account(_) => {}
            }
        }
    }
    (seen, bad)
}

fn unix(iso: &str) -> i64 {
    // The script's times are whole seconds past 2024-09-09T00:00:00Z with a .000 fraction.
    let base = 1_725_840_000;
    let (day, clock) = iso.split_once('T').unwrap();
    let days: i64 = day[8..10].parse::<i64>().unwrap() - 9;
    let h: i64 = clock[0..2].parse().unwrap();
    let m: i64 = clock[3..5].parse().unwrap();
    let s: i64 = clock[6..8].parse().unwrap();
    assert!(day.starts_with("2024-09-"), "{iso}");
    base + days * 86_400 + h * 3600 + m * 60 + s
}

#[test]
fn a_repository_written_by_atproto_repo_is_read_record_for_record() {
    let Some(dir) = reference_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let car = tmp.path().join("repo.car");
    let listing = reference_repo(&dir, &car, 3000);
    let did = listing["did"].as_str().unwrap();
    let (seen, bad) = seen_by_uri(&car);
    assert!(bad.is_empty(), "{bad:?}");
    let listed = listing["listed"].as_array().unwrap();
    assert_eq!(listed.len(), 3000);
    assert_eq!(
        seen.len(),
        listed.len(),
        "one record per listed record, no more"
    );
    for want in listed {
        let uri = want["uri"].as_str().unwrap();
        assert!(uri.starts_with(&format!("at://{did}/")));
        let got = seen.get(uri).unwrap_or_else(|| panic!("{uri} not read"));
        let s = |k: &str| want[k].as_str().map(str::to_string);
        let expected = Seen {
            collection: s("collection").unwrap(),
            created_at: unix(want["createdAt"].as_str().unwrap()),
            text: s("text"),
            reply: s("reply"),
            quote: s("quote"),
            mentions: want["mentions"]
                .as_array()
                .map(|m| m.iter().map(|d| d.as_str().unwrap().to_string()).collect())
                .unwrap_or_default(),
            subject: s("subject"),
        };
        assert_eq!(got, &expected, "{uri}");
    }
    let counts = &listing["counts"];
    for collection in [
        "app.bsky.feed.post",
        "app.bsky.feed.repost",
        "app.bsky.feed.like",
        "app.bsky.graph.follow",
    ] {
        let n = seen.values().filter(|s| s.collection == collection).count();
        assert_eq!(
            n as u64,
            counts[collection].as_u64().unwrap(),
            "{collection}"
        );
        assert!(n > 100, "{collection}: {n}: the mix should hold every kind");
    }
}
