//! Bluesky's records, as the app.bsky lexicons define them (`lexicons/app/bsky/…` in
//! github.com/bluesky-social/atproto), and the events earshot takes from them. Both Bluesky readers
//! share this: Jetstream's JSON events (`jetstream.rs`) and a repository export's DAG-CBOR blocks
//! (`bluesky_car.rs`). The records are typed, so each decoder reads only the fields earshot keeps and
//! skips the rest (images, blob links, languages) without building them:
//! - `app.bsky.feed.post`: a post named by its AT URI (`at://DID/app.bsky.feed.post/RKEY`), with its
//!   `text`; `reply.parent.uri` is the post it answers; an `embed` of type `app.bsky.embed.record` (or
//!   the `record` inside `app.bsky.embed.recordWithMedia`) is the post it quotes; each facet feature
//!   of type `app.bsky.richtext.facet#mention` names a mentioned account by `did`.
//! - `app.bsky.feed.repost` and `app.bsky.feed.like`: a reshare or like of `subject.uri` (a
//!   `com.atproto.repo.strongRef`), whose author is the DID in that URI's authority.
//! - `app.bsky.graph.follow`: a follow of the DID in `subject`.
//! - `app.bsky.actor.profile` (rkey `self`): the account's `displayName` and `description` (its bio).
//!
//! Other collections (blocks, lists, feeds, starter packs) carry nothing earshot keeps.

use crate::reader::quote;
use earshot_model::{
    Account, AccountRef, Event, Interaction, InteractionKind, Post, Profile, Timestamp,
};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// The platform of Bluesky's events unless `--platform` names another.
pub const PLATFORM: &str = "bluesky";

type Bad = (&'static str, String);

/// `com.atproto.repo.strongRef`: a record by URI (its `cid` is not needed).
#[derive(Deserialize)]
pub(crate) struct StrongRef {
    uri: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ReplyRef {
    parent: Option<StrongRef>,
}

/// An embed: `app.bsky.embed.record` has `record` a strongRef; `app.bsky.embed.recordWithMedia` has
/// `record` an `app.bsky.embed.record`, whose own `record` is the strongRef.
#[derive(Deserialize)]
pub(crate) struct Embed {
    #[serde(rename = "$type")]
    kind: Option<String>,
    record: Option<EmbedRecord>,
}

#[derive(Deserialize)]
pub(crate) struct EmbedRecord {
    uri: Option<String>,
    record: Option<StrongRef>,
}

#[derive(Deserialize)]
pub(crate) struct Facet {
    #[serde(default)]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
pub(crate) struct Feature {
    #[serde(rename = "$type")]
    kind: Option<String>,
    did: Option<String>,
}

/// `app.bsky.feed.post`.
#[derive(Deserialize)]
pub(crate) struct PostRecord<'a> {
    text: Option<String>,
    reply: Option<ReplyRef>,
    embed: Option<Embed>,
    facets: Option<Vec<Facet>>,
    #[serde(rename = "createdAt", borrow, default, deserialize_with = "borrowed")]
    pub created_at: Option<Cow<'a, str>>,
}

/// `app.bsky.feed.repost` and `app.bsky.feed.like`.
#[derive(Deserialize)]
pub(crate) struct SubjectRecord<'a> {
    subject: Option<StrongRef>,
    #[serde(rename = "createdAt", borrow, default, deserialize_with = "borrowed")]
    pub created_at: Option<Cow<'a, str>>,
}

/// `app.bsky.graph.follow`.
#[derive(Deserialize)]
pub(crate) struct FollowRecord<'a> {
    subject: Option<String>,
    #[serde(rename = "createdAt", borrow, default, deserialize_with = "borrowed")]
    pub created_at: Option<Cow<'a, str>>,
}

/// `app.bsky.actor.profile`.
#[derive(Deserialize)]
pub(crate) struct ProfileRecord<'a> {
    #[serde(rename = "displayName")]
    display_name: Option<String>,
    description: Option<String>,
    #[serde(rename = "createdAt", borrow, default, deserialize_with = "borrowed")]
    pub created_at: Option<Cow<'a, str>>,
}

/// An optional string borrowed from the input when it can be (always from DAG-CBOR; from JSON when it
/// has no escapes): serde borrows a `Cow` only as a field of its own, not inside an `Option`.
fn borrowed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Text<'de>>::deserialize(d)?.map(|t| t.0))
}

/// A record of one of the collections earshot reads.
pub(crate) enum BskyRecord<'a> {
    Post(PostRecord<'a>),
    Repost(SubjectRecord<'a>),
    Like(SubjectRecord<'a>),
    Follow(FollowRecord<'a>),
    Profile(ProfileRecord<'a>),
}

impl<'a> BskyRecord<'a> {
    /// Decode a record of `collection` from `d`; `Ok(None)` for a collection earshot does not read.
    pub fn decode<D: Deserializer<'a>>(
        collection: &str,
        d: D,
    ) -> Result<Option<BskyRecord<'a>>, D::Error> {
        Ok(Some(match collection {
            "app.bsky.feed.post" => BskyRecord::Post(PostRecord::deserialize(d)?),
            "app.bsky.feed.repost" => BskyRecord::Repost(SubjectRecord::deserialize(d)?),
            "app.bsky.feed.like" => BskyRecord::Like(SubjectRecord::deserialize(d)?),
            "app.bsky.graph.follow" => BskyRecord::Follow(FollowRecord::deserialize(d)?),
            "app.bsky.actor.profile" => BskyRecord::Profile(ProfileRecord::deserialize(d)?),
            _ => return Ok(None),
        }))
    }

    /// Whether `collection` is one [`BskyRecord::decode`] reads.
    pub fn is_read(collection: &str) -> bool {
        matches!(
            collection,
            "app.bsky.feed.post"
                | "app.bsky.feed.repost"
                | "app.bsky.feed.like"
                | "app.bsky.graph.follow"
                | "app.bsky.actor.profile"
        )
    }

    /// The record's own claim of when it was made (`createdAt`, set by the client).
    pub fn created_at(&self) -> Option<&str> {
        match self {
            BskyRecord::Post(p) => p.created_at.as_deref(),
            BskyRecord::Repost(s) | BskyRecord::Like(s) => s.created_at.as_deref(),
            BskyRecord::Follow(f) => f.created_at.as_deref(),
            BskyRecord::Profile(p) => p.created_at.as_deref(),
        }
    }
}

/// Where a record was found: its author, AT URI and time, and the platform label.
pub(crate) struct Origin<'a> {
    pub platform: &'a str,
    pub did: &'a str,
    /// The record's AT URI, given to the event it names (the interaction's key or the post's id).
    pub uri: String,
    pub time: Timestamp,
}

/// The account an AT URI's authority names (`at://did:plc:x/app.bsky.feed.post/1` → `did:plc:x`).
pub(crate) fn uri_author(uri: &str) -> Option<&str> {
    uri.strip_prefix("at://")
        .and_then(|rest| rest.split('/').next())
        .filter(|a| !a.is_empty())
}

/// The events of one record. A failure names the field relative to the record (`record.subject`).
/// Each string is moved into the event that keeps it rather than copied (a repository export has
/// hundreds of thousands of records, and their allocations were a fifth of reading them).
pub(crate) fn events(record: BskyRecord<'_>, at: Origin) -> Result<Vec<Event>, Bad> {
    let by = AccountRef::by_id(at.did);
    let interaction = |at: Origin, by, kind, target: String, post| {
        Event::Interaction(Interaction {
            platform: at.platform.to_string(),
            key: at.uri,
            kind,
            actor: by,
            target: AccountRef::by_id(target),
            post,
            time: Some(at.time),
            weight: 1.0,
        })
    };
    let events = match record {
        BskyRecord::Post(p) => post_events(p, at, by),
        BskyRecord::Repost(s) => {
            let (author, uri) = subject_post(s.subject)?;
            vec![interaction(
                at,
                by,
                InteractionKind::Reshare,
                author,
                Some(uri),
            )]
        }
        BskyRecord::Like(s) => {
            let (author, uri) = subject_post(s.subject)?;
            vec![interaction(
                at,
                by,
                InteractionKind::Like,
                author,
                Some(uri),
            )]
        }
        BskyRecord::Follow(f) => match f.subject.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => {
                let s = s.to_string();
                vec![interaction(at, by, InteractionKind::Follow, s, None)]
            }
            _ => return Err(("record.subject", "missing or empty".into())),
        },
        BskyRecord::Profile(p) => vec![Event::Account(Account {
            platform: at.platform.to_string(),
            ext_id: by.ext_id,
            display_name: p.display_name.filter(|n| !n.trim().is_empty()),
            profile: Profile {
                bio: p.description.filter(|d| !d.trim().is_empty()),
                ..Profile::default()
            },
            ..Account::default()
        })],
    };
    for ev in &events {
        crate::values::check(ev).map_err(|(_, why)| ("record", why))?;
    }
    Ok(events)
}

/// The author and URI of the post a strongRef names.
fn subject_post(subject: Option<StrongRef>) -> Result<(String, String), Bad> {
    let uri = subject
        .and_then(|s| s.uri)
        .ok_or(("record.subject.uri", "missing".to_string()))?;
    match uri_author(&uri) {
        Some(author) => Ok((author.to_string(), uri)),
        None => Err((
            "record.subject.uri",
            format!("not an at:// URI: {}", quote(&uri)),
        )),
    }
}

fn post_events(p: PostRecord<'_>, at: Origin, by: AccountRef) -> Vec<Event> {
    let quote_of = p.embed.and_then(|e| match (e.kind.as_deref(), e.record) {
        (Some("app.bsky.embed.record"), Some(r)) => r.uri,
        (Some("app.bsky.embed.recordWithMedia"), Some(r)) => r.record.and_then(|s| s.uri),
        _ => None,
    });
    let mut mentioned: Vec<String> = Vec::new();
    for f in p.facets.into_iter().flatten().flat_map(|f| f.features) {
        if f.kind.as_deref() == Some("app.bsky.richtext.facet#mention") {
            if let Some(did) = f.did.filter(|d| !d.is_empty()) {
                if !mentioned.contains(&did) {
                    mentioned.push(did);
                }
            }
        }
    }
    let mut events = Vec::with_capacity(1 + mentioned.len());
    // Numbered before a self-mention is dropped, so keys stay as earlier versions made them.
    for (n, target) in mentioned.into_iter().enumerate() {
        if target == at.did {
            continue;
        }
        events.push(Event::Interaction(Interaction {
            platform: at.platform.to_string(),
            key: format!("{}#m{n}", at.uri),
            kind: InteractionKind::Mention,
            actor: by.clone(),
            target: AccountRef::by_id(target),
            post: Some(at.uri.clone()),
            time: Some(at.time),
            weight: 1.0,
        }));
    }
    // The post first, as readers expect.
    events.insert(
        0,
        Event::Post(Post {
            platform: at.platform.to_string(),
            ext_id: at.uri,
            author: by,
            time: at.time,
            text: p.text,
            reply_to: p.reply.and_then(|r| r.parent).and_then(|s| s.uri),
            quote_of,
            reshare_of: None,
        }),
    );
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_at_is_borrowed_when_it_can_be_and_read_either_way() {
        let plain = r#"{"createdAt": "2024-09-09T19:46:02Z", "subject": "did:plc:a"}"#;
        let escaped = r#"{"createdAt": "2024-09-09T19:46:02\u005a", "subject": "did:plc:a"}"#;
        let missing = r#"{"subject": "did:plc:a"}"#;
        let read = |json| {
            serde_json::from_str::<FollowRecord>(json)
                .unwrap()
                .created_at
        };
        assert!(matches!(
            read(plain),
            Some(Cow::Borrowed("2024-09-09T19:46:02Z"))
        ));
        assert_eq!(read(escaped).as_deref(), Some("2024-09-09T19:46:02Z"));
        assert_eq!(read(missing), None);
        let cbor =
            serde_ipld_dagcbor::to_vec(&serde_json::json!({"createdAt": "x", "subject": "y"}))
                .unwrap();
        let record: FollowRecord = serde_ipld_dagcbor::from_slice(&cbor).unwrap();
        assert!(matches!(record.created_at, Some(Cow::Borrowed("x"))));
    }
}
