//! earshot's event model: the accounts, posts and interactions every other crate speaks.
//!
//! Everything that enters earshot is an [`Event`]. Events carry *external* identities (the platform's own
//! ids or handles, or a key the importer derived); [`stable_id`] turns each into a 64-bit id that is the
//! same on every machine and every run, so importing the same input twice changes nothing.
//!
//! This crate knows nothing of files, SQL or HTTP.

mod ids;
mod kind;
mod time;

pub use ids::{stable_id, AccountId, InteractionId, PostId};
pub use kind::{InteractionKind, UnknownKind};
pub use time::{format_utc, Timestamp};

use serde::{Deserialize, Serialize};

/// One thing that happened or was observed: an account profile, a post, or an interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Account(Account),
    Post(Post),
    Interaction(Interaction),
}

impl Event {
    pub fn platform(&self) -> &str {
        match self {
            Event::Account(a) => &a.platform,
            Event::Post(p) => &p.platform,
            Event::Interaction(i) => &i.platform,
        }
    }
}

/// Reference to an account by its platform-local identity.
///
/// `ext_id` is the platform's stable id when the input has one (`"3982731976"`); when the input only names
/// the account by handle, `ext_id` is `@` plus the lower-cased handle (handles are case-insensitive on the
/// networks we read), see [`AccountRef::by_handle`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountRef {
    pub ext_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
}

impl AccountRef {
    pub fn by_id(ext_id: impl Into<String>) -> Self {
        AccountRef {
            ext_id: ext_id.into(),
            handle: None,
        }
    }

    /// An account known only by its handle (a leading `@` is dropped).
    pub fn by_handle(handle: &str) -> Self {
        let h = handle.trim().trim_start_matches('@');
        AccountRef {
            ext_id: format!("@{}", h.to_lowercase()),
            handle: Some(h.to_string()),
        }
    }

    pub fn id(&self, platform: &str) -> AccountId {
        AccountId::of(platform, &self.ext_id)
    }
}

/// An account and whatever profile fields the input had. Absent fields are `None`, never guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub platform: String,
    pub ext_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, flatten)]
    pub profile: Profile,
}

/// Optional profile fields. Counts are as the platform reported them at `observed_at` (or import time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_avatar: Option<bool>,
    /// Whether the account kept the platform's default theme (Twitter's `default_profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Posts the account has liked (Twitter's `favourites_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes_given: Option<u64>,
    /// Public lists the account is on (Twitter's `listed_count`): others curating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<u64>,
    /// Length of the bio in characters, for sources that give the length but not the text (InstaFake).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio_length: Option<u64>,
    /// Length of, and digits in, the username, for sources that describe it without giving it
    /// (InstaFake); where the handle is known these are computed from it instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_digits: Option<u64>,
    /// A label the data came with (`"bot"`, `"human"`, `"fake"`, ...): ground truth for later training,
    /// never an input to scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Links the account's profile claims as its own elsewhere (Mastodon's profile fields marked
    /// `rel="me"`, an X bio's website): evidence for linking one person's accounts, never proof alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<String>>,
}

impl Profile {
    /// Fill every field that is `None` here from `other`; fields already set win.
    pub fn merge_missing_from(&mut self, other: &Profile) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f.clone(); } )* };
        }
        fill!(
            followers,
            following,
            post_count,
            created_at,
            bio,
            url,
            verified,
            default_avatar,
            default_profile,
            private,
            likes_given,
            listed,
            bio_length,
            username_length,
            username_digits,
            label,
            links
        );
    }
}

/// What an account label says: `Some(true)` automated or fake, `Some(false)` authentic, `None` neither
/// (an unknown word, or `conflict:…` for an account two sources labelled differently). Case and spaces
/// are ignored.
pub fn label_class(label: &str) -> Option<bool> {
    match label.trim().to_ascii_lowercase().as_str() {
        "bot" | "fake" | "spam" | "spammer" | "automated" | "polluter" => Some(true),
        "human" | "real" | "genuine" | "authentic" | "legitimate" => Some(false),
        _ => None,
    }
}

/// A post (tweet, comment, status). `reply_to`, `quote_of` and `reshare_of` name other posts by external id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub platform: String,
    pub ext_id: String,
    pub author: AccountRef,
    pub time: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reshare_of: Option<String>,
}

impl Post {
    pub fn id(&self) -> PostId {
        PostId::of(&self.platform, &self.ext_id)
    }

    /// The posts this one answers, each with the reaction the answer is: `reply_to` a reply, `quote_of` a
    /// quote, `reshare_of` a reshare. The store turns each into an interaction from this post's author to
    /// the referenced post's (docs/jsonl.md, "Threads").
    pub fn references(&self) -> impl Iterator<Item = (InteractionKind, &str)> {
        [
            (InteractionKind::Reply, &self.reply_to),
            (InteractionKind::Quote, &self.quote_of),
            (InteractionKind::Reshare, &self.reshare_of),
        ]
        .into_iter()
        .filter_map(|(kind, r)| Some((kind, r.as_deref()?)))
    }
}

/// `actor` did `kind` to `target` (optionally through `post`, at `time`).
///
/// `key` is the interaction's identity within its platform: the platform's own id when the input has one,
/// otherwise a key the importer derives (`source:line` for line-oriented files). Two interactions with the
/// same platform and key are the same interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub platform: String,
    pub key: String,
    pub kind: InteractionKind,
    pub actor: AccountRef,
    pub target: AccountRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// Strength for weighted edge lists (a count or a probability); 1 when the input has none.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}
fn is_one(w: &f64) -> bool {
    *w == 1.0
}

impl Interaction {
    pub fn id(&self) -> InteractionId {
        InteractionId::of(&self.platform, &self.key)
    }
}

/// Why a platform label is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("platform {0:?} must be 1-64 characters of a-z, 0-9, '.', '_' or '-'")]
pub struct BadPlatform(pub String);

/// Platforms are short lower-case labels (`twitter`, `instagram`, `higgs`), used in ids, so they are checked.
pub fn check_platform(p: &str) -> Result<(), BadPlatform> {
    let ok = !p.is_empty()
        && p.len() <= 64
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(BadPlatform(p.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_refs_fold_case_and_at_sign() {
        let a = AccountRef::by_handle("@VirginAmerica");
        let b = AccountRef::by_handle("virginamerica");
        assert_eq!(a.ext_id, b.ext_id);
        assert_eq!(a.handle.as_deref(), Some("VirginAmerica"));
        assert_eq!(a.id("twitter"), b.id("twitter"));
        assert_ne!(a.id("twitter"), a.id("instagram"));
    }

    #[test]
    fn platform_labels_are_checked() {
        assert!(check_platform("twitter").is_ok());
        assert!(check_platform("higgs-activity_time").is_ok());
        assert!(check_platform("").is_err());
        assert!(check_platform("Twitter").is_err());
        assert!(check_platform("a b").is_err());
    }

    #[test]
    fn profile_merge_keeps_existing_fields() {
        let mut a = Profile {
            followers: Some(5),
            ..Default::default()
        };
        let b = Profile {
            followers: Some(9),
            bio: Some("hi".into()),
            ..Default::default()
        };
        a.merge_missing_from(&b);
        assert_eq!(a.followers, Some(5));
        assert_eq!(a.bio.as_deref(), Some("hi"));
    }

    #[test]
    fn events_round_trip_through_json() {
        let e = Event::Interaction(Interaction {
            platform: "twitter".into(),
            key: "x:1".into(),
            kind: InteractionKind::Reshare,
            actor: AccountRef::by_id("1"),
            target: AccountRef::by_handle("Bob"),
            post: None,
            time: Some(1_341_100_972),
            weight: 1.0,
        });
        let s = serde_json::to_string(&e).unwrap();
        assert!(s.contains(r#""type":"interaction""#), "{s}");
        assert!(s.contains(r#""kind":"reshare""#), "{s}");
        assert!(!s.contains("weight"), "weight 1 is implied: {s}");
        let back: Event = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
    }
}
