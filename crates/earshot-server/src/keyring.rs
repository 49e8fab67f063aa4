//! API keys as the server holds them: the in-memory key cache with a rate limiter per key (tokens,
//! their hashes and scopes are `earshot_app::keys`, re-exported here). The cache sits in the shared state (`state.rs`) and is read by
//! the middleware (`auth.rs`), which also decides when to reload it; kept apart from both so that neither
//! imports the other's module back.

use earshot_store::ApiKeyRecord;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub use earshot_app::keys::{hash_token, new_token, NewToken, Scope};

/// One accepted key, with the limiter that holds its spent budget and the count of its writes in
/// progress.
pub(crate) struct LiveKey {
    pub(crate) id: i64,
    pub(crate) scope: Scope,
    pub(crate) quota: (u32, u32),
    pub(crate) limiter: Arc<DefaultDirectRateLimiter>,
    pub(crate) writes: Arc<AtomicUsize>,
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

    /// Swap in a fresh list, keeping each unchanged key's rate limiter (and so its spent budget) and
    /// its count of writes in progress.
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
            let writes = old
                .get(&k.hash)
                .map(|o| Arc::clone(&o.writes))
                .unwrap_or_default();
            w.by_hash.insert(
                k.hash,
                Arc::new(LiveKey {
                    id: k.id,
                    scope,
                    quota,
                    limiter,
                    writes,
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
