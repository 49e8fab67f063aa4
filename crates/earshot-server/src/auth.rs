//! API keys: tokens, scopes, bearer authentication and per-key rate limits.
//!
//! A token is `es_` and 64 hex digits (256 random bits). Only its BLAKE3 hash is stored, so a copy of the
//! database does not give anyone access. The server keeps the keys in memory, reloading them when an
//! unknown hash arrives (at most ten times a second, so a flood of bad tokens cannot flood the database) and
//! every few seconds (so a key revoked from the command line stops working within [`KEY_REFRESH`]).

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use earshot_store::ApiKeyRecord;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How stale the in-memory key list may get: a key revoked outside the server stops working within this.
pub const KEY_REFRESH: Duration = Duration::from_secs(5);
/// The least time between reloads caused by unknown tokens: a new key works within this, and a flood
/// of bad tokens costs at most ten reads of the (small) key table a second.
const MISS_RELOAD: Duration = Duration::from_millis(100);

pub use earshot_app::keys::{hash_token, new_token, NewToken, Scope};

/// An authenticated caller, put in the request's extensions for handlers and logs.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key_id: i64,
    pub scope: Scope,
}

struct LiveKey {
    id: i64,
    scope: Scope,
    quota: (u32, u32),
    limiter: Arc<DefaultDirectRateLimiter>,
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

    fn get(&self, hash: &[u8; 32]) -> (Option<Arc<LiveKey>>, Duration) {
        let r = self.inner.read().unwrap_or_else(|p| p.into_inner());
        (r.by_hash.get(hash).cloned(), r.at.elapsed())
    }
}

fn make_quota((rate, burst): (u32, u32)) -> Quota {
    let rate = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

fn bearer(req: &Request) -> Result<&str, ApiError> {
    let unauthorized = |detail: &str| {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, detail);
        e.retry_after = None;
        e
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("an API key is required: send Authorization: Bearer <key> (keys are made with `earshot keys create`)"))?;
    let text = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not readable text"))?;
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthorized(
            "the Authorization header must be `Bearer <key>`",
        ));
    }
    Ok(token.trim())
}

/// Middleware: authenticate the bearer token and apply its key's rate limit. 401 for a missing or
/// unknown key, 429 (with Retry-After) when the key is over its rate.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let hash = hash_token(bearer(&req)?);
    let (mut found, age) = state.keys().get(&hash);
    if found.is_none() || age > KEY_REFRESH {
        let may_reload = found.is_some() || age > MISS_RELOAD;
        if may_reload {
            state.reload_keys().await?;
            found = state.keys().get(&hash).0;
        }
    }
    let Some(key) = found else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this API key is not known or has been revoked",
        ));
    };
    if let Err(not_until) = key.limiter.check() {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(ApiError::too_many(
            format!(
                "this key is over its rate of {} requests a second (burst {})",
                key.quota.0, key.quota.1
            ),
            secs,
        ));
    }
    let caller = Caller {
        key_id: key.id,
        scope: key.scope,
    };
    req.extensions_mut().insert(caller.clone());
    let mut resp = next.run(req).await;
    // For the request log, which wraps this layer.
    resp.extensions_mut().insert(caller);
    Ok(resp)
}

/// Route layer: the caller's key must have `needed` (403 otherwise; 401 came earlier).
pub async fn require(needed: Scope, req: Request, next: Next) -> Result<Response, ApiError> {
    let scope = req.extensions().get::<Caller>().map(|c| c.scope);
    match scope {
        Some(s) if s >= needed => Ok(next.run(req).await),
        Some(s) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this key has scope {}; this endpoint needs {}",
                s.as_str(),
                needed.as_str()
            ),
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API key is required",
        )),
    }
}
