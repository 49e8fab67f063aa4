//! API keys as the server holds them: tokens, scopes and the in-memory key cache with a rate limiter
//! per key.
//!
//! A token is `es_` and 64 hex digits (256 random bits). Only its BLAKE3 hash is stored, so a copy of the
//! database does not give anyone access. The cache sits in the shared state (`state.rs`) and is read by
//! the middleware (`auth.rs`), which also decides when to reload it; kept apart from both so that neither
//! imports the other's module back.

use earshot_store::ApiKeyRecord;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// What a key may do. Each scope includes the ones before it: `write` can read, `admin` can do anything.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Look up accounts, scores and explanations; enrich lists; read the triage queue; run forecasts.
    Read,
    /// Also ingest events and triage messages, mark messages answered.
    Write,
    /// Also manage keys.
    Admin,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// A freshly made token: give `token` to the client once; store `hash` and `prefix`.
pub struct NewToken {
    pub token: String,
    pub hash: [u8; 32],
    pub prefix: String,
}

/// Make a new random token.
pub fn new_token() -> NewToken {
    let bytes: [u8; 32] = rand::random();
    let mut token = String::with_capacity(67);
    token.push_str("es_");
    for b in bytes {
        token.push_str(&format!("{b:02x}"));
    }
    NewToken {
        hash: hash_token(&token),
        prefix: token[..11].to_string(),
        token,
    }
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

/// One accepted key, with the limiter that holds its spent budget.
pub(crate) struct LiveKey {
    pub(crate) id: i64,
    pub(crate) scope: Scope,
    pub(crate) quota: (u32, u32),
    pub(crate) limiter: Arc<DefaultDirectRateLimiter>,
}

/// The keys the server accepts, by hash.
pub struct KeyCache {
    inner: RwLock<Loaded>,
}

struct Loaded {
    at: Instant,
    by_hash: HashMap<[u8; 32], Arc<LiveKey>>,
}

impl KeyCache {
    pub fn new(keys: Vec<ApiKeyRecord>) -> Self {
        let cache = KeyCache {
            inner: RwLock::new(Loaded {
                at: Instant::now(),
                by_hash: HashMap::new(),
            }),
        };
        cache.replace(keys);
        cache
    }

    /// Swap in a fresh list, keeping each unchanged key's rate limiter (and so its spent budget).
    pub fn replace(&self, keys: Vec<ApiKeyRecord>) {
        let mut w = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let old = std::mem::take(&mut w.by_hash);
        for k in keys.into_iter().filter(|k| k.revoked_at.is_none()) {
            let Some(scope) = k.scopes.iter().filter_map(|s| Scope::parse(s)).max() else {
                continue;
            };
            let quota = (k.rate_per_sec.max(1), k.burst.max(1));
            let limiter = match old.get(&k.hash) {
                Some(o) if o.quota == quota => Arc::clone(&o.limiter),
                _ => Arc::new(RateLimiter::direct(make_quota(quota))),
            };
            w.by_hash.insert(
                k.hash,
                Arc::new(LiveKey {
                    id: k.id,
                    scope,
                    quota,
                    limiter,
                }),
            );
        }
        w.at = Instant::now();
    }

    /// The key with this hash, if known, and how long ago the list was loaded.
    pub(crate) fn get(&self, hash: &[u8; 32]) -> (Option<Arc<LiveKey>>, Duration) {
        let r = self.inner.read().unwrap_or_else(|p| p.into_inner());
        (r.by_hash.get(hash).cloned(), r.at.elapsed())
    }
}

fn make_quota((rate, burst): (u32, u32)) -> Quota {
    let rate = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hash_to_what_is_stored() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 67);
        assert!(a.token[3..].bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hash_token(&a.token), a.hash);
        assert_ne!(a.hash, b.hash);
        assert!(a.token.starts_with(&a.prefix));
    }

    #[test]
    fn scopes_include_the_lesser_ones() {
        assert!(Scope::Admin > Scope::Write && Scope::Write > Scope::Read);
        assert_eq!(Scope::parse("write"), Some(Scope::Write));
        assert_eq!(Scope::parse("root"), None);
    }
}
