//! Bluesky's Jetstream: the AT Protocol firehose as JSON lines, one event a line, as the Jetstream
//! README describes them ("Example Events", github.com/bluesky-social/jetstream): `did`, `time_us`
//! and `kind`, with a `commit` (`operation`, `collection`, `rkey`, `record`) or an `identity`
//! (`handle`). The records are Bluesky's; `bsky.rs` says what earshot takes from each collection.
//!
//! DIDs are the accounts' ids; an `identity` event gives a DID its handle. Times are the event's
//! `time_us` (when the relay saw it, in microseconds): a record's `createdAt` is set by the client and
//! may claim any date. Deletions, `account` events and other collections carry nothing earshot keeps
//! and are skipped without a rejection.

use crate::bsky::{BskyRecord, Origin};
use crate::reader::quote;
use earshot_model::{Account, Event};
use serde_json::Value;

pub use crate::bsky::PLATFORM;

type Bad = (&'static str, String);

/// A non-empty string at `v`, or why not.
fn required<'a>(v: &'a Value, field: &'static str) -> Result<&'a str, Bad> {
    match v.as_str().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err((field, format!("missing or not a string: {v}"))),
    }
}

/// One line of the format ([`crate::json_lines::ParseLine`]).
pub(crate) fn parse(text: &str, platform: &str) -> Result<Vec<Event>, Bad> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
    if !v.is_object() {
        return Err(("<json>", "expected a JSON object per line".into()));
    }
    let did = required(&v["did"], "did")?;
    let time = match v["time_us"].as_i64() {
        Some(us) => {
            crate::time::check_range(us.div_euclid(1_000_000)).map_err(|e| ("time_us", e.0))?
        }
        None => {
            return Err((
                "time_us",
                format!("missing or not microseconds: {}", v["time_us"]),
            ))
        }
    };
    let events = match v["kind"].as_str() {
        Some("identity") => {
            let handle = v["identity"]["handle"].as_str().filter(|h| !h.is_empty());
            match handle {
                Some(h) => vec![Event::Account(Account {
                    platform: platform.to_string(),
                    ext_id: did.to_string(),
                    handle: Some(h.to_string()),
                    ..Account::default()
                })],
                None => Vec::new(),
            }
        }
        Some("commit") => commit(&v["commit"], did, time, platform)?,
        Some("account") => Vec::new(),
        _ => {
            return Err((
                "kind",
                format!("not commit, identity or account: {}", v["kind"]),
            ))
        }
    };
    for ev in &events {
        crate::values::check(ev).map_err(|(_, why)| ("identity.handle", why))?;
    }
    Ok(events)
}

fn commit(c: &Value, did: &str, time: i64, platform: &str) -> Result<Vec<Event>, Bad> {
    let op = required(&c["operation"], "commit.operation")?;
    if op == "delete" {
        return Ok(Vec::new());
    }
    let collection = required(&c["collection"], "commit.collection")?;
    let rkey = required(&c["rkey"], "commit.rkey")?;
    let record = match BskyRecord::decode(collection, &c["record"]) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(Vec::new()),
        Err(e) => return Err(("commit.record", format!("not a {collection} record: {e}"))),
    };
    let uri = format!("at://{did}/{collection}/{rkey}");
    let at = Origin {
        platform,
        did,
        uri,
        time,
    };
    crate::bsky::events(record, at).map_err(|(field, why)| (in_commit(field), why))
}

/// A record's field as a path in a Jetstream event.
fn in_commit(field: &'static str) -> &'static str {
    match field {
        "record.subject.uri" => "commit.record.subject.uri",
        "record.subject" => "commit.record.subject",
        _ => "commit.record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{read_all, write_gz};
    use crate::{Format, Options};
    use earshot_model::{Interaction, InteractionKind};

    // Events shaped as the Jetstream README's "Example Events" and records as the app.bsky lexicons
    // define them; DIDs, keys and texts made up.
    const IDENTITY: &str = r#"{"did":"did:plc:alice","time_us":1725911162329308,"kind":"identity","identity":{"did":"did:plc:alice","handle":"alice.example.com","seq":1,"time":"2024-09-09T19:46:02.102Z"}}"#;
    const POST: &str = r#"{"did":"did:plc:alice","time_us":1725911162329308,"kind":"commit","commit":{"rev":"3l3q","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3qo2vutsw2b","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.102Z","langs":["en"],"text":"hello @bob.example.com","facets":[{"index":{"byteStart":6,"byteEnd":22},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:bob"}]}]},"cid":"bafyreia"}}"#;
    const REPLY: &str = r#"{"did":"did:plc:bob","time_us":1725911200000000,"kind":"commit","commit":{"rev":"3l3r","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3r0000000aa","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:40.000Z","text":"hi!","reply":{"root":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b","cid":"bafyreia"},"parent":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b","cid":"bafyreia"}}},"cid":"bafyreib"}}"#;
    const QUOTE: &str = r#"{"did":"did:plc:carol","time_us":1725911300000000,"kind":"commit","commit":{"rev":"3l3s","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3s0000000aa","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:48:20.000Z","text":"look","embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b","cid":"bafyreia"}}},"cid":"bafyreic"}}"#;
    const REPOST: &str = r#"{"did":"did:plc:dan","time_us":1725911400000000,"kind":"commit","commit":{"rev":"3l3t","operation":"create","collection":"app.bsky.feed.repost","rkey":"3l3t0000000aa","record":{"$type":"app.bsky.feed.repost","createdAt":"2024-09-09T19:50:00.000Z","subject":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b","cid":"bafyreia"}},"cid":"bafyreid"}}"#;
    const LIKE: &str = r#"{"did":"did:plc:erin","time_us":1725911500000000,"kind":"commit","commit":{"rev":"3l3u","operation":"create","collection":"app.bsky.feed.like","rkey":"3l3u0000000aa","record":{"$type":"app.bsky.feed.like","createdAt":"2024-09-09T19:51:40.000Z","subject":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b","cid":"bafyreia"}},"cid":"bafyreie"}}"#;
    const FOLLOW: &str = r#"{"did":"did:plc:erin","time_us":1725911600000000,"kind":"commit","commit":{"rev":"3l3v","operation":"create","collection":"app.bsky.graph.follow","rkey":"3l3v0000000aa","record":{"$type":"app.bsky.graph.follow","createdAt":"2024-09-09T19:53:20.000Z","subject":"did:plc:alice"},"cid":"bafyreif"}}"#;
    const DELETE: &str = r#"{"did":"did:plc:erin","time_us":1725911700000000,"kind":"commit","commit":{"rev":"3l3w","operation":"delete","collection":"app.bsky.feed.like","rkey":"3l3u0000000aa"}}"#;
    const ACCOUNT: &str = r#"{"did":"did:plc:erin","time_us":1725911800000000,"kind":"account","account":{"active":true,"did":"did:plc:erin","seq":2,"time":"2024-09-09T19:56:40.000Z"}}"#;

    fn one(events: &[Event]) -> &Interaction {
        match &events[0] {
            Event::Interaction(i) => i,
            other => panic!("not an interaction: {other:?}"),
        }
    }

    #[test]
    fn every_record_type_maps_to_its_event() {
        let dir = tempfile::tempdir().unwrap();
        let text = [
            IDENTITY, POST, REPLY, QUOTE, REPOST, LIKE, FOLLOW, DELETE, ACCOUNT,
        ]
        .join("\n");
        let p = write_gz(dir.path(), "jetstream.jsonl.gz", text.as_bytes());
        let (good, bad) = read_all(&p, Format::Jetstream, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            good.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 7],
            "deletions and account events are skipped"
        );
        match &good[0].events[0] {
            Event::Account(a) => {
                assert_eq!(
                    (a.platform.as_str(), a.ext_id.as_str()),
                    ("bluesky", "did:plc:alice")
                );
                assert_eq!(a.handle.as_deref(), Some("alice.example.com"));
            }
            other => panic!("{other:?}"),
        }
        let root = "at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b";
        match &good[1].events[..] {
            [Event::Post(p), Event::Interaction(m)] => {
                assert_eq!(p.ext_id, root);
                assert_eq!(p.time, 1_725_911_162, "time_us in seconds");
                assert_eq!(p.text.as_deref(), Some("hello @bob.example.com"));
                assert_eq!(
                    (m.kind, m.target.ext_id.as_str()),
                    (InteractionKind::Mention, "did:plc:bob")
                );
            }
            other => panic!("{other:?}"),
        }
        match &good[2].events[0] {
            Event::Post(p) => assert_eq!(p.reply_to.as_deref(), Some(root)),
            other => panic!("{other:?}"),
        }
        match &good[3].events[0] {
            Event::Post(p) => assert_eq!(p.quote_of.as_deref(), Some(root)),
            other => panic!("{other:?}"),
        }
        let r = one(&good[4].events);
        assert_eq!(
            (r.kind, r.actor.ext_id.as_str(), r.target.ext_id.as_str()),
            (InteractionKind::Reshare, "did:plc:dan", "did:plc:alice")
        );
        assert_eq!(r.post.as_deref(), Some(root));
        let l = one(&good[5].events);
        assert_eq!(
            (l.kind, l.target.ext_id.as_str()),
            (InteractionKind::Like, "did:plc:alice")
        );
        let f = one(&good[6].events);
        assert_eq!(
            (f.kind, f.target.ext_id.as_str(), f.post.as_deref()),
            (InteractionKind::Follow, "did:plc:alice", None)
        );
        assert_eq!(
            f.key,
            "at://did:plc:erin/app.bsky.graph.follow/3l3v0000000aa"
        );
    }

    #[test]
    fn each_bad_line_is_one_rejection_naming_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            POST,
            r#"{"time_us":1725911162329308,"kind":"commit","commit":{}}"#,
            r#"{"did":"did:plc:a","time_us":"soon","kind":"commit","commit":{}}"#,
            r#"{"did":"did:plc:a","time_us":1725911162329308,"kind":"zap"}"#,
            r#"{"did":"did:plc:a","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"k","record":{"subject":{"uri":"https://x"}}}}"#,
            r#"{"did":"did:plc:a","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"k","record":{}}}"#,
            r#"{"did":"did:plc:a","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","rkey":"k"}}"#,
            r#"[1,2]"#,
            r#"{"did":"did:plc:a","#,
            FOLLOW,
        ];
        let p = write_gz(dir.path(), "j.jsonl.gz", lines.join("\n").as_bytes());
        let (good, bad) = read_all(&p, Format::Jetstream, &Options::default());
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 10]);
        let fields: Vec<&str> = bad.iter().map(|b| b.split(": ").nth(1).unwrap()).collect();
        assert_eq!(
            fields,
            [
                "did",
                "time_us",
                "kind",
                "commit.record.subject.uri",
                "commit.record.subject",
                "commit.collection",
                "<json>",
                "<json>"
            ],
            "{bad:#?}"
        );
    }
}
